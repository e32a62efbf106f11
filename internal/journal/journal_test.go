package journal_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/klauspost/compress/zstd"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/journal"
	"github.com/localwatch/localwatch/internal/op"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// nilCtx is a nil context: a nil ctx is part of every operation's contract.
var nilCtx context.Context

// counter is a minimal service on the op funnel: Add changes state, Get reads
// it, and a timer it arms adds on the clock.
type counter struct {
	op      op.Service
	mu      sync.Mutex // guards total and log
	total   int
	log     []string
	nestedN int
}

type addIn struct {
	N     int
	Note  string
	At    *time.Time
	Every time.Duration // > 0: also arm a timer adding 1000 after Every
	Hook  bool          // call Add(N: 10) with a fresh context, as a user's hook may
	Panic bool          // panic after adding, as a bug in an operation would
}

func newCounter(c clock.Clock, j op.Journal, seed uint64) *counter {
	s := &counter{}
	s.op.Init(op.Common{Clock: c, IDs: ids.New(seed), Journal: j}, "counter", "counter.amazonaws.com", "ServiceUnavailable")
	// Scheduled work registered when the service is built.
	c.AfterFunc(time.Hour, func() {
		s.mu.Lock()
		s.log = append(s.log, "built-in timer at "+c.Now().Format(time.RFC3339)+" id "+s.op.IDs.Hex(4))
		s.mu.Unlock()
	})
	return s
}

func (s *counter) Add(ctx context.Context, in addIn) (int, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "Add"}, in, s.add)
}

func (s *counter) Get(ctx context.Context, in struct{}) (int, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "Get", ReadOnly: true}, in, func(ctx context.Context, _ *event.Call, _ struct{}) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.log = append(s.log, "get "+s.op.IDs.Hex(4))
		return s.total, nil
	})
}

func (s *counter) add(ctx context.Context, _ *event.Call, in addIn) (int, error) {
	if in.N < 0 {
		return 0, awserr.InvalidValue("N", in.N, "must not be negative")
	}
	rid, _ := event.RequestIDFrom(ctx)
	who, _ := identity.From(ctx)
	s.mu.Lock()
	s.total += in.N
	s.log = append(s.log, fmt.Sprintf("add %d %s at %s id %s rid %q who %q", in.N, in.Note, s.op.Clock.Now().Format(time.RFC3339Nano), s.op.IDs.Hex(6), rid, who.UserName))
	total := s.total
	s.mu.Unlock()
	if in.Panic {
		panic("add: a bug")
	}
	if in.Hook {
		_, _ = s.Add(context.Background(), addIn{N: 10, Note: "hook"})
	}
	if in.Every > 0 {
		s.op.Clock.AfterFunc(in.Every, func() {
			// Scheduled work calling an operation with a fresh context.
			_, _ = s.Add(context.Background(), addIn{N: 1000, Note: "timer"})
		})
	}
	return total, nil
}

func (s *counter) snapshot() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total, append([]string(nil), s.log...)
}

// open opens dir with a counter on it, replays and starts.
func open(t testing.TB, dir string, base clock.Clock, o journal.Options) (*journal.Journal, *counter) {
	t.Helper()
	o.Dir, o.Clock = dir, base
	j, err := journal.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	c := newCounter(j.Clock(), j, j.Seed())
	if err := j.Replay(journal.MethodDispatch(func(service, region string) any {
		if service == "counter" && region == "us-east-1" {
			return c
		}
		return nil
	})); err != nil {
		j.Close()
		t.Fatal(err)
	}
	if err := j.Start(); err != nil {
		t.Fatal(err)
	}
	return j, c
}

func TestReplayRebuildsTheSameStateWithTimesIDsRequestIDsAndIdentities(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewManual(t0)
	j, c := open(t, dir, clk, journal.Options{})
	ctx := identity.With(event.WithRequestID(context.Background(), "req-1"), identity.IAMUser("123456789012", "alice", ""))
	if _, err := c.Add(ctx, addIn{N: 1, Note: "first", Every: 90 * time.Second}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if _, err := c.Add(nilCtx, addIn{N: -1}); err == nil {
		t.Fatal("negative N accepted")
	}
	if _, err := c.Get(context.Background(), struct{}{}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute) // the timer fires at +90 s
	if _, err := c.Add(context.Background(), addIn{N: 2, Note: "third"}); err != nil {
		t.Fatal(err)
	}
	wantTotal, wantLog := c.snapshot()
	if wantTotal != 1003 || len(wantLog) != 4 {
		t.Fatalf("before restart: total %d, log %q", wantTotal, wantLog)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	j2, c2 := open(t, dir, clock.NewManual(t0), journal.Options{})
	defer j2.Close()
	gotTotal, gotLog := c2.snapshot()
	if gotTotal != wantTotal || strings.Join(gotLog, "\n") != strings.Join(wantLog, "\n") {
		t.Fatalf("after replay:\n%d %q\nwant\n%d %q", gotTotal, gotLog, wantTotal, wantLog)
	}
	// The journal goes on after the replayed records.
	if _, err := c2.Add(context.Background(), addIn{N: 5}); err != nil {
		t.Fatal(err)
	}
	if got := j2.LastSeq(); got != 6 {
		t.Fatalf("last sequence number %d, want 6 (4 calls, 1 failed call, 1 tick... and the new call)", got)
	}
}

func TestConcurrentWritersAreAllDurableAndInOneOrder(t *testing.T) {
	for _, policy := range []journal.SyncPolicy{journal.SyncEveryCall, journal.SyncLoseRecentOnPowerLoss} {
		t.Run(fmt.Sprint(policy), func(t *testing.T) {
			dir := t.TempDir()
			j, c := open(t, dir, clock.NewManual(t0), journal.Options{Sync: policy, SegmentSize: 4096})
			const writers, each = 8, 100
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						if _, err := c.Add(context.Background(), addIn{N: 1, Note: fmt.Sprintf("w%d-%d", w, i)}); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			_, want := c.snapshot()
			j.Close()
			segs, _ := filepath.Glob(filepath.Join(dir, "journal", "*.log*"))
			if len(segs) < 2 {
				t.Fatalf("%d segments of 4 KiB for %d records, want several", len(segs), writers*each)
			}
			j2, c2 := open(t, dir, clock.NewManual(t0), journal.Options{})
			defer j2.Close()
			total, got := c2.snapshot()
			if total != writers*each || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("replayed %d calls, want %d in the same order", total, writers*each)
			}
		})
	}
}

// writeN opens dir, makes n Add calls and closes it.
func writeN(t *testing.T, dir string, n int) {
	t.Helper()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{})
	for i := range n {
		if _, err := c.Add(context.Background(), addIn{N: 1, Note: strings.Repeat("x", i%7)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

// logBuffer is a Logger writing into a buffer.
func logBuffer() (*slog.Logger, *bytes.Buffer) {
	var b bytes.Buffer
	return slog.New(slog.NewTextHandler(&b, nil)), &b
}

func segment(dir string, n int) string {
	return filepath.Join(dir, "journal", fmt.Sprintf("%08d.log", n))
}

// decompressSegment turns sealed segment n back into its plain form, as if
// the journal had not compressed it yet.
func decompressSegment(t *testing.T, dir string, n int) {
	t.Helper()
	zb, err := os.ReadFile(segment(dir, n) + ".zst")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := zstd.NewReader(nil)
	defer d.Close()
	b, err := d.DecodeAll(zb, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(segment(dir, n), b, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(segment(dir, n) + ".zst")
}

func TestATornTailIsCutOffReportedAndTheAccountOpens(t *testing.T) {
	for _, cut := range []int{1, 5, 9} {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			dir := t.TempDir()
			writeN(t, dir, 10)
			st, _ := os.Stat(segment(dir, 1))
			if err := os.Truncate(segment(dir, 1), st.Size()-int64(cut)); err != nil {
				t.Fatal(err)
			}
			log, buf := logBuffer()
			j, c := open(t, dir, clock.NewManual(t0), journal.Options{Logger: log})
			if total, _ := c.snapshot(); total != 9 {
				t.Fatalf("replayed %d calls, want the 9 whole ones", total)
			}
			if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "torn") {
				t.Fatalf("not reported: %q", buf.String())
			}
			if _, err := c.Add(context.Background(), addIn{N: 1}); err != nil {
				t.Fatal(err)
			}
			j.Close()
			_, c2 := open(t, dir, clock.NewManual(t0), journal.Options{})
			if total, _ := c2.snapshot(); total != 10 {
				t.Fatalf("after the repair and one more call: %d, want 10", total)
			}
		})
	}
}

// The zeros the writer writes ahead of the records (or left where a power
// loss extended the file but lost the data) are the journal's unused end:
// cut off without a report, nothing set aside.
func TestZerosAfterTheLastRecordAreTheUnusedEnd(t *testing.T) {
	dir := t.TempDir()
	writeN(t, dir, 10)
	f, _ := os.OpenFile(segment(dir, 1), os.O_APPEND|os.O_WRONLY, 0)
	f.Write(make([]byte, 4096))
	f.Close()
	log, buf := logBuffer()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{Logger: log})
	defer j.Close()
	if total, _ := c.snapshot(); total != 10 || strings.Contains(buf.String(), "WARN") {
		t.Fatalf("replayed %d, log %q", total, buf.String())
	}
	if damaged, _ := filepath.Glob(filepath.Join(dir, "journal", "*.damaged")); len(damaged) != 0 {
		t.Fatalf("set aside %q for zeros", damaged)
	}
}

// A crash in the middle of a record written into the zeros ahead leaves the
// record's start and then zeros: a torn tail, cut off and reported, not
// damage (nothing set aside).
func TestARecordTornInTheZerosAheadIsATornTail(t *testing.T) {
	dir := t.TempDir()
	writeN(t, dir, 10)
	b, _ := os.ReadFile(segment(dir, 1))
	size := 8 + int(binary.LittleEndian.Uint32(b))
	f, _ := os.OpenFile(segment(dir, 1), os.O_APPEND|os.O_WRONLY, 0)
	f.Write(b[:size/2]) // a record's first half (a copy of the first record's)
	f.Write(make([]byte, 4096))
	f.Close()
	log, buf := logBuffer()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{Logger: log})
	defer j.Close()
	if total, _ := c.snapshot(); total != 10 || !strings.Contains(buf.String(), "torn") {
		t.Fatalf("replayed %d, log %q", total, buf.String())
	}
	if damaged, _ := filepath.Glob(filepath.Join(dir, "journal", "*.damaged")); len(damaged) != 0 {
		t.Fatalf("set aside %q for a torn record", damaged)
	}
}

func TestABadCRCInTheLastRecordIsATornTail(t *testing.T) {
	dir := t.TempDir()
	writeN(t, dir, 10)
	b, _ := os.ReadFile(segment(dir, 1))
	b[len(b)-1] ^= 0x40
	os.WriteFile(segment(dir, 1), b, 0o644)
	log, buf := logBuffer()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{Logger: log})
	defer j.Close()
	if total, _ := c.snapshot(); total != 9 || !strings.Contains(buf.String(), "torn") {
		t.Fatalf("replayed %d, log %q", total, buf.String())
	}
}

func TestAFlippedByteInTheMiddleKeepsThePrefixAndSetsTheRestAside(t *testing.T) {
	dir := t.TempDir()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{SegmentSize: 512})
	for range 40 {
		c.Add(context.Background(), addIn{N: 1, Note: "0123456789"})
	}
	j.Close()
	segs, _ := filepath.Glob(filepath.Join(dir, "journal", "*.log*"))
	if len(segs) < 3 {
		t.Fatalf("%d segments", len(segs))
	}
	decompressSegment(t, dir, 1) // this test is about a plain one
	// Count the records of segment 1, then damage its third record.
	b, _ := os.ReadFile(segment(dir, 1))
	off := 0
	for range 2 {
		off += 8 + int(uint32(b[off])|uint32(b[off+1])<<8|uint32(b[off+2])<<16|uint32(b[off+3])<<24)
	}
	b[off+12] ^= 0xff
	os.WriteFile(segment(dir, 1), b, 0o644)
	log, buf := logBuffer()
	j2, c2 := open(t, dir, clock.NewManual(t0), journal.Options{Logger: log, SegmentSize: 512})
	defer j2.Close()
	if total, _ := c2.snapshot(); total != 2 {
		t.Fatalf("replayed %d calls, want the 2 before the damage", total)
	}
	if !strings.Contains(buf.String(), "damaged") {
		t.Fatalf("not reported: %q", buf.String())
	}
	damaged, _ := filepath.Glob(filepath.Join(dir, "journal", "*.damaged"))
	if len(damaged) != len(segs) {
		t.Fatalf("set aside %d files, want %d (the damaged tail and every later segment)", len(damaged), len(segs))
	}
}

func TestFlippedBytesInFORMATOrSeedRefuseToOpenButNotInLOCK(t *testing.T) {
	for _, tc := range []struct {
		file    string
		wantErr string
	}{
		{"FORMAT", "unreadable FORMAT"},
		{"seed", "seed file is corrupt"},
		{"LOCK", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			writeN(t, dir, 3)
			p := filepath.Join(dir, tc.file)
			b, _ := os.ReadFile(p)
			if len(b) == 0 {
				b = []byte{0}
			}
			b[len(b)/2] ^= 0x21
			os.WriteFile(p, b, 0o644)
			j, err := journal.Open(journal.Options{Dir: dir})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				j.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				if j != nil {
					j.Close()
				}
				t.Fatalf("Open = %v, want an error saying %q", err, tc.wantErr)
			}
		})
	}
}

func TestANewerFormatIsRefused(t *testing.T) {
	dir := t.TempDir()
	writeN(t, dir, 1)
	os.WriteFile(filepath.Join(dir, "FORMAT"), []byte("localwatch journal 2\n"), 0o644)
	_, err := journal.Open(journal.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "newer") || !strings.Contains(err.Error(), "version 2") {
		t.Fatalf("Open = %v", err)
	}
}

func TestAnotherSeedForAnExistingDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	j, err := journal.Open(journal.Options{Dir: dir, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	if _, err := journal.Open(journal.Options{Dir: dir, Seed: 8}); err == nil {
		t.Fatal("a different seed was accepted")
	}
	j, err = journal.Open(journal.Options{Dir: dir})
	if err != nil || j.Seed() != 7 {
		t.Fatalf("Open = %v, seed %d", err, j.Seed())
	}
	j.Close()
}

func TestSnapshotRestoresTheSameState(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewManual(t0)
	j, c := open(t, dir, clk, journal.Options{})
	for i := range 5 {
		c.Add(context.Background(), addIn{N: i, Every: time.Minute})
		clk.Advance(30 * time.Second)
	}
	var snap bytes.Buffer
	if err := j.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	_, want := c.snapshot()
	c.Add(context.Background(), addIn{N: 100}) // after the snapshot: not in it
	j.Close()

	dir2 := filepath.Join(t.TempDir(), "restored")
	if err := journal.Restore(&snap, dir2); err != nil {
		t.Fatal(err)
	}
	j2, c2 := open(t, dir2, clock.NewManual(t0), journal.Options{})
	defer j2.Close()
	if _, got := c2.snapshot(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("restored:\n%q\nwant\n%q", got, want)
	}
	if err := journal.Restore(bytes.NewReader(nil), dir2); err == nil {
		t.Fatal("restored into a directory that is not empty")
	}
}

// FuzzRestore: Restore unpacks only a snapshot's entries, only inside its
// directory (no entry escapes it: "..", absolute names, links), and
// refuses the rest without panicking, leaving nothing behind.
func FuzzRestore(f *testing.F) {
	dir := f.TempDir()
	clk := clock.NewManual(t0)
	j, c := open(f, dir, clk, journal.Options{Beside: []string{"objects"}})
	for i := range 3 {
		c.Add(context.Background(), addIn{N: i})
	}
	os.MkdirAll(filepath.Join(dir, "objects", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "objects", "b", "key"), []byte("object"), 0o644)
	var snap bytes.Buffer
	if err := j.Snapshot(&snap); err != nil {
		f.Fatal(err)
	}
	j.Close()
	f.Add(snap.Bytes())
	for _, name := range []string{"../escape", "/abs", "objects/../../escape", "journal/../../escape", "objects/a/../../../escape"} {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
		tw.Close()
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		into := filepath.Join(parent, "into")
		rerr := journal.Restore(bytes.NewReader(data), into, "objects")
		if _, err := os.Stat(into); rerr != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("a refused snapshot (%v) left %s behind", rerr, into)
		}
		ents, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.Name() != "into" {
				t.Fatalf("Restore wrote %q outside its directory", e.Name())
			}
		}
		filepath.WalkDir(into, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type()&fs.ModeSymlink != 0 {
				t.Fatalf("Restore made a link: %s", p)
			}
			return nil
		})
	})
}

func TestEncodeDecodeKeepsPointersTimesAndExplicitZeros(t *testing.T) {
	type in struct {
		Zero  *int32
		Nil   *float64
		When  time.Time
		Names []string
		Attrs map[string]string
		Raw   []byte
	}
	z := int32(0)
	v := in{Zero: &z, When: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), Names: []string{"a"}, Attrs: map[string]string{"k": "v"}, Raw: []byte{0, 1}}
	b, err := journal.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	var got in
	if err := journal.Decode(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Zero == nil || *got.Zero != 0 || got.Nil != nil || !got.When.Equal(v.When) || got.Names[0] != "a" || got.Attrs["k"] != "v" || !bytes.Equal(got.Raw, v.Raw) {
		t.Fatalf("round trip: %+v", got)
	}
}

const lockChildEnv = "LOCALWATCH_JOURNAL_LOCK_CHILD"

// A directory open in another process is refused with ErrLocked, and is free
// again once that process is gone (even killed: the kernel drops its flock).
func TestADirectoryOpenInAnotherProcessIsRefused(t *testing.T) {
	if dir := os.Getenv(lockChildEnv); dir != "" {
		j, err := journal.Open(journal.Options{Dir: dir})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		defer j.Close()
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestADirectoryOpenInAnotherProcessIsRefused$")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		t.Fatalf("child said %q", line)
	}
	_, err = journal.Open(journal.Options{Dir: dir})
	if !errors.Is(err, journal.ErrLocked) || !strings.Contains(err.Error(), dir) {
		cmd.Process.Kill()
		t.Fatalf("Open while another process holds it = %v, want ErrLocked naming the directory", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	j, err := journal.Open(journal.Options{Dir: dir})
	if err != nil {
		t.Fatalf("Open after the other process died = %v", err)
	}
	j.Close()
}

// On a wall clock (clock.Loop), the scheduled work that ran while the loop
// ran is replayed at the times it ran, and the calls at theirs.
func TestScheduledWorkOnALoopClockIsReplayedAtItsTimes(t *testing.T) {
	dir := t.TempDir()
	loop := clock.NewLoop()
	j, c := open(t, dir, loop, journal.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { loop.Run(ctx); close(done) }()
	for i := range 5 {
		if _, err := c.Add(context.Background(), addIn{N: i, Every: 3 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if total, _ := c.snapshot(); total == 5010 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the 5 timers have not all run")
		}
	}
	cancel()
	<-done
	_, want := c.snapshot()
	j.Close()
	_, c2 := open(t, dir, clock.NewLoop(), journal.Options{})
	if _, got := c2.snapshot(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("replayed:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The timers services register when they are built replay like the others,
// whenever the directory is reopened: the services are built at the time the
// directory was created.
func TestTimersRegisteredWhenServicesAreBuiltReplayOnALaterOpen(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewManual(t0)
	j, c := open(t, dir, clk, journal.Options{})
	clk.Advance(2 * time.Hour)
	c.Add(context.Background(), addIn{N: 1})
	_, want := c.snapshot()
	if len(want) != 2 || !strings.HasPrefix(want[0], "built-in timer at 2026-01-02T04:04:05Z") {
		t.Fatalf("log %q", want)
	}
	j.Close()
	_, c2 := open(t, dir, clock.NewManual(t0.Add(24*time.Hour)), journal.Options{})
	if _, got := c2.snapshot(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("replayed a day later:\n%q\nwant\n%q", got, want)
	}
}

// An operation called with a fresh context from inside a call (a user's hook
// does not get the call's context) is part of that call: it neither waits
// for the call to end (a deadlock) nor is journaled twice.
func TestAnOperationCalledInsideACallWithAFreshContextIsNested(t *testing.T) {
	dir := t.TempDir()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Add(context.Background(), addIn{N: 1, Hook: true})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the nested call waited for the call it is in")
	}
	if got := j.LastSeq(); got != 1 {
		t.Fatalf("%d records, want 1 (the nested call is part of the outer)", got)
	}
	_, want := c.snapshot()
	j.Close()
	_, c2 := open(t, dir, clock.NewManual(t0), journal.Options{})
	if total, got := c2.snapshot(); total != 11 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("replayed %d %q", total, got)
	}
}

// compactIn stores itself as one byte per value.
type compactIn struct{ Values []int }

func (c compactIn) MarshalBinary() ([]byte, error) {
	b := make([]byte, len(c.Values))
	for i, v := range c.Values {
		b[i] = byte(v)
	}
	return b, nil
}

func (c *compactIn) UnmarshalBinary(b []byte) error {
	c.Values = make([]int, len(b))
	for i, v := range b {
		c.Values[i] = int(v)
	}
	return nil
}

func TestAnInputWithABinaryMarshalerIsStoredInItsOwnForm(t *testing.T) {
	in := compactIn{Values: []int{1, 2, 3, 250}}
	b, err := journal.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 5 { // a 4-byte CBOR byte string
		t.Fatalf("encoded in %d bytes: %x", len(b), b)
	}
	var got compactIn
	if err := journal.Decode(b, &got); err != nil || fmt.Sprint(got.Values) != "[1 2 3 250]" {
		t.Fatalf("Decode = %v, %v", got, err)
	}
}

// Reads are written out once a megabyte of them waits, without a change to
// carry them: the buffer does not grow without bound.
func TestReadsAloneAreWrittenOutInTime(t *testing.T) {
	dir := t.TempDir()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{})
	defer j.Close()
	for range 60_000 { // ~20 bytes each
		if _, err := c.Get(context.Background(), struct{}{}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(segment(dir, 1))
	if err != nil || st.Size() < 1<<20 {
		t.Fatalf("segment holds %d bytes after 60,000 reads (%v), want them written", st.Size(), err)
	}
}

func TestCheckMethodTellsWhetherACallCanBeReplayed(t *testing.T) {
	c := newCounter(clock.NewManual(t0), nil, 1)
	for _, tc := range []struct {
		svc     any
		name    string
		in      any
		wantErr string
	}{
		{c, "Add", addIn{}, ""},
		{c, "Get", struct{}{}, ""},
		{c, "Add", 5, "pass the method's Input unchanged"},
		{c, "Nope", addIn{}, "has no method Nope"},
		{c, "add", addIn{}, "has no method add"},
		{nil, "Add", addIn{}, "no such service"},
	} {
		err := journal.CheckMethod(tc.svc, tc.name, tc.in)
		if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("CheckMethod(%T, %s, %T) = %v, want %q", tc.svc, tc.name, tc.in, err, tc.wantErr)
		}
	}
}

func TestAnOperationThatCannotBeReplayedIsReportedOnce(t *testing.T) {
	log, buf := logBuffer()
	j, c := open(t, t.TempDir(), clock.NewManual(t0), journal.Options{Logger: log,
		Check: func(service, region, name string, in any) error { return errors.New("no way") }})
	defer j.Close()
	c.Add(context.Background(), addIn{N: 1})
	c.Add(context.Background(), addIn{N: 2})
	if n := strings.Count(buf.String(), "level=ERROR"); n != 1 || !strings.Contains(buf.String(), "cannot be replayed") {
		t.Fatalf("reported %d times: %q", n, buf.String())
	}
}

// A call that panicked is journaled (before it ran) and panics again on
// replay: the directory still opens, with the state the original left.
func TestACallThatPanickedDoesNotStopTheReplay(t *testing.T) {
	dir := t.TempDir()
	base := clock.NewManual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	j, c := open(t, dir, base, journal.Options{})
	ctx := context.Background()
	if _, err := c.Add(ctx, addIn{N: 1}); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the call did not panic")
			}
		}()
		_, _ = c.Add(ctx, addIn{N: 5, Panic: true})
	}()
	if _, err := c.Add(ctx, addIn{N: 2}); err != nil {
		t.Fatal(err)
	}
	want, _ := c.snapshot()
	j.Close()

	j2, c2 := open(t, dir, clock.NewManual(base.Now()), journal.Options{})
	defer j2.Close()
	if got, _ := c2.snapshot(); got != want || got != 8 {
		t.Fatalf("total after replay = %d, want %d (8)", got, want)
	}
}

// codecIn has a codec registered with op.RegisterInputCodec: one byte per
// value after a version byte.
type codecIn struct{ Values []int }

func init() {
	op.RegisterInputCodec(func(dst []byte, in *codecIn) []byte {
		dst = append(dst, 1)
		for _, v := range in.Values {
			dst = append(dst, byte(v))
		}
		return dst
	}, func(b []byte, in *codecIn) error {
		if len(b) == 0 || b[0] != 1 {
			return errors.New("codecIn: bad version")
		}
		in.Values = make([]int, len(b)-1)
		for i, v := range b[1:] {
			in.Values[i] = int(v)
		}
		return nil
	})
}

func TestAnInputWithARegisteredCodecIsStoredInItsForm(t *testing.T) {
	for _, n := range []int{0, 3, 22, 23, 300, 70000} {
		in := codecIn{Values: make([]int, n)}
		for i := range in.Values {
			in.Values[i] = i % 256
		}
		b, err := journal.Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		if b[0]>>5 != 2 {
			t.Fatalf("%d values: not a CBOR byte string: %x", n, b[:1])
		}
		var raw []byte // what a CBOR decoder makes of it: the codec's bytes
		if err := cbor.Unmarshal(b, &raw); err != nil || len(raw) != n+1 {
			t.Fatalf("%d values: CBOR reads %d bytes, %v", n, len(raw), err)
		}
		var got codecIn
		if err := journal.Decode(b, &got); err != nil || !slices.Equal(got.Values, in.Values) {
			t.Fatalf("%d values: Decode = %v, %v", n, len(got.Values), err)
		}
		if err := journal.Decode(b[:len(b)-1], &got); err == nil {
			t.Fatalf("%d values: a short byte string decoded", n)
		}
	}
}

// Sealed segments are compressed by the writer; the directory reopens with
// the same calls, and a snapshot carries the compressed files.
func TestSealedSegmentsAreCompressedAndReplayTheSame(t *testing.T) {
	dir := t.TempDir()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{SegmentSize: 2048})
	for i := range 200 {
		c.Add(context.Background(), addIn{N: 1, Note: fmt.Sprintf("note %d repeated repeated repeated", i)})
	}
	_, want := c.snapshot()
	j.Close()
	zst, _ := filepath.Glob(filepath.Join(dir, "journal", "*.log.zst"))
	plain, _ := filepath.Glob(filepath.Join(dir, "journal", "*.log"))
	if len(zst) < 3 || len(plain) != 1 {
		t.Fatalf("%d compressed and %d plain segments, want every sealed one compressed and the active one plain", len(zst), len(plain))
	}
	var zsize, psize int64
	for _, f := range zst {
		st, _ := os.Stat(f)
		zsize += st.Size()
		psize += 2048
	}
	if zsize*2 > psize {
		t.Errorf("compressed segments hold %d bytes for about %d", zsize, psize)
	}
	j2, c2 := open(t, dir, clock.NewManual(t0), journal.Options{SegmentSize: 2048})
	if total, got := c2.snapshot(); total != 200 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("replayed %d", total)
	}
	var snap bytes.Buffer
	if err := j2.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	j2.Close()
	restored := filepath.Join(t.TempDir(), "r")
	if err := journal.Restore(&snap, restored); err != nil {
		t.Fatal(err)
	}
	j3, c3 := open(t, restored, clock.NewManual(t0), journal.Options{SegmentSize: 2048})
	defer j3.Close()
	if total, _ := c3.snapshot(); total != 200 {
		t.Fatalf("restored %d", total)
	}
}

// A crash between writing a segment's compressed form and removing its plain
// form leaves both: each call is replayed once.
func TestBothFormsOfASegmentReplayOnce(t *testing.T) {
	dir := t.TempDir()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{SegmentSize: 1024})
	for range 60 {
		c.Add(context.Background(), addIn{N: 1, Note: "0123456789"})
	}
	j.Close()
	zb, _ := os.ReadFile(segment(dir, 1) + ".zst")
	decompressSegment(t, dir, 1)
	os.WriteFile(segment(dir, 1)+".zst", zb, 0o644)
	j2, c2 := open(t, dir, clock.NewManual(t0), journal.Options{SegmentSize: 1024})
	defer j2.Close()
	if total, _ := c2.snapshot(); total != 60 {
		t.Fatalf("replayed %d calls, want 60", total)
	}
}

// Damage in a compressed segment keeps the calls before it (what decodes)
// and sets the rest aside, reported.
func TestAFlippedByteInACompressedSegmentKeepsThePrefix(t *testing.T) {
	dir := t.TempDir()
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{SegmentSize: 1024})
	for range 60 {
		c.Add(context.Background(), addIn{N: 1, Note: "0123456789"})
	}
	j.Close()
	p := segment(dir, 2) + ".zst"
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	os.WriteFile(p, b, 0o644)
	log, buf := logBuffer()
	j2, c2 := open(t, dir, clock.NewManual(t0), journal.Options{Logger: log, SegmentSize: 1024})
	total, _ := c2.snapshot()
	j2.Close()
	if total == 0 || total >= 60 {
		t.Fatalf("replayed %d calls, want those of segment 1 and none after the damage", total)
	}
	if !strings.Contains(buf.String(), "damaged compressed segment") {
		t.Fatalf("not reported: %q", buf.String())
	}
	if _, err := os.Stat(p + ".damaged"); err != nil {
		t.Fatal("the damaged file was not set aside")
	}
	// It opens again with the same calls, and takes new ones.
	j3, c3 := open(t, dir, clock.NewManual(t0), journal.Options{SegmentSize: 1024})
	defer j3.Close()
	if again, _ := c3.snapshot(); again != total {
		t.Fatalf("reopened with %d calls, then %d", total, again)
	}
	if _, err := c3.Add(context.Background(), addIn{N: 1}); err != nil {
		t.Fatal(err)
	}
}

// The write paths (O_DIRECT in whole blocks, or through the page cache with
// fdatasync) give the same journal: records of every size, across segment
// rolls and reopenings (which must pick up the partial last block).
func TestBothWritePathsKeepEveryRecord(t *testing.T) {
	for _, direct := range []bool{true, false} {
		t.Run(fmt.Sprint("direct=", direct), func(t *testing.T) {
			defer journal.SetDirectIO(journal.SetDirectIO(direct))
			dir := t.TempDir()
			total := 0
			for round := range 3 {
				j, c := open(t, dir, clock.NewManual(t0), journal.Options{SegmentSize: 20000})
				if round == 0 {
					t.Logf("O_DIRECT in use: %v", j.DirectIO())
				}
				if n, _ := c.snapshot(); n != total {
					t.Fatalf("round %d: reopened with %d calls, want %d", round, n, total)
				}
				for i := range 150 {
					note := strings.Repeat("x", (i*37+round*11)%5000)
					if _, err := c.Add(context.Background(), addIn{N: 1, Note: note}); err != nil {
						t.Fatal(err)
					}
					total++
				}
				if err := j.Close(); err != nil {
					t.Fatal(err)
				}
			}
			segs, _ := filepath.Glob(filepath.Join(dir, "journal", "*.log*"))
			if len(segs) < 5 {
				t.Fatalf("%d segments, want several rolls", len(segs))
			}
		})
	}
}

// A change the journal cannot write is not acknowledged: the call fails
// (with the service's unavailable code), reported once to the Logger; reads
// still answer.
func TestAChangeTheDiskCannotTakeFails(t *testing.T) {
	for _, policy := range []journal.SyncPolicy{journal.SyncEveryCall, journal.SyncLoseRecentOnPowerLoss} {
		t.Run(fmt.Sprint(policy), func(t *testing.T) {
			log, buf := logBuffer()
			j, c := open(t, t.TempDir(), clock.NewManual(t0), journal.Options{Sync: policy, Logger: log})
			if _, err := c.Add(context.Background(), addIn{N: 1}); err != nil {
				t.Fatal(err)
			}
			j.BreakDisk()
			for range 2 {
				_, err := c.Add(context.Background(), addIn{N: 1})
				if awserr.Code(err) != "ServiceUnavailable" {
					t.Fatalf("a change the disk did not take: err = %v", err)
				}
			}
			if _, err := c.Get(context.Background(), struct{}{}); err != nil {
				t.Fatalf("a read: %v", err)
			}
			if n := strings.Count(buf.String(), "writing the journal failed"); n != 1 {
				t.Fatalf("reported %d times: %q", n, buf.String())
			}
			j.Close()
		})
	}
}

// checkpointed opens dir with a counter whose state SaveState/LoadState
// keep (total, log, ID position, the clock's timers), and counts the calls
// the replay dispatches.
func checkpointed(t *testing.T, dir string, log *slog.Logger, loadErr error) (*journal.Journal, *counter, *int, error) {
	t.Helper()
	return checkpointedSized(t, dir, log, loadErr, 0)
}

// checkpointedSized is checkpointed with segments of segSize bytes (0: the
// default).
func checkpointedSized(t *testing.T, dir string, log *slog.Logger, loadErr error, segSize int64) (*journal.Journal, *counter, *int, error) {
	t.Helper()
	return checkpointedWith(t, dir, log, loadErr, journal.Options{SegmentSize: segSize})
}

// checkpointedWith is checkpointed with base's SegmentSize and
// CheckpointAfter.
func checkpointedWith(t *testing.T, dir string, log *slog.Logger, loadErr error, base journal.Options) (*journal.Journal, *counter, *int, error) {
	t.Helper()
	segSize := base.SegmentSize
	var j *journal.Journal
	var c *counter
	replayed := new(int)
	type state struct {
		Total int
		Log   []string
		IDs   []byte
		Clock clock.VirtualState
	}
	o := journal.Options{Dir: dir, Clock: clock.NewManual(t0), Logger: log, SegmentSize: segSize, CheckpointAfter: base.CheckpointAfter,
		SaveState: func(w io.Writer) error {
			total, lg := c.snapshot()
			pos, _ := c.op.IDs.MarshalBinary()
			return json.NewEncoder(w).Encode(state{total, lg, pos, j.Clock().State()})
		},
		LoadState: func(r io.Reader) error {
			if loadErr != nil {
				return loadErr
			}
			var st state
			if err := json.NewDecoder(r).Decode(&st); err != nil {
				return err
			}
			c.mu.Lock()
			c.total, c.log = st.Total, st.Log
			c.mu.Unlock()
			if err := c.op.IDs.UnmarshalBinary(st.IDs); err != nil {
				return err
			}
			j.Clock().BeginRestore(st.Clock)
			for _, tm := range st.Clock.Timers { // the built-in timer
				clk := j.Clock()
				clk.AfterFunc(tm.At.Sub(clk.Now()), func() {
					c.mu.Lock()
					c.log = append(c.log, "built-in timer at "+clk.Now().Format(time.RFC3339)+" id "+c.op.IDs.Hex(4))
					c.mu.Unlock()
				})
			}
			return j.Clock().EndRestore()
		}}
	j, err := journal.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	c = newCounter(j.Clock(), j, j.Seed())
	err = j.Replay(func(ctx context.Context, call journal.Call) error {
		*replayed++
		return journal.MethodDispatch(func(string, string) any { return c })(ctx, call)
	})
	if err != nil {
		j.Close()
		return nil, nil, nil, err
	}
	if err := j.Start(); err != nil {
		t.Fatal(err)
	}
	return j, c, replayed, nil
}

// Close writes a checkpoint; opening loads it and replays only the records
// after it (a crash after the checkpoint leaves some); the state is the one
// a whole replay gives. The segments the checkpoint covers are removed.
func TestACheckpointIsLoadedInsteadOfTheRecordsBeforeIt(t *testing.T) {
	dir := t.TempDir()
	j, c, _, _ := checkpointed(t, dir, nil, nil)
	for i := range 20 {
		c.Add(context.Background(), addIn{N: i, Note: "before"})
	}
	// The whole journal, as it was before the checkpoint removed it.
	whole := filepath.Join(t.TempDir(), "whole")
	snapshotTo(t, j, whole)
	if err := j.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if segs := segmentFiles(t, dir); len(segs) != 1 || segs[0] != "00000002.log" {
		t.Fatalf("segments after the checkpoint: %v, want only the new active one", segs)
	}
	j.Close()
	if _, err := os.Stat(filepath.Join(dir, "checkpoint")); err != nil {
		t.Fatal("no checkpoint written at Close")
	}
	j2, c2, replayed, err := checkpointed(t, dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *replayed != 0 {
		t.Fatalf("replayed %d calls behind the checkpoint", *replayed)
	}
	for i := range 5 {
		c2.Add(context.Background(), addIn{N: i, Note: "after"})
	}
	j2.Flush()
	// A crash: copy the directory as it is while open (no Close, no new
	// checkpoint).
	crashed := filepath.Join(t.TempDir(), "crashed")
	copyDir(t, dir, crashed)
	j2.Close()
	_, want := c2.snapshot()

	j3, c3, replayed3, err := checkpointed(t, crashed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j3.Close()
	if *replayed3 != 5 {
		t.Fatalf("replayed %d calls after the checkpoint, want 5", *replayed3)
	}
	if _, got := c3.snapshot(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("state after checkpoint + tail:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The same state as replaying the whole journal: the records the
	// checkpoint covers, then the tail.
	for _, f := range segmentFiles(t, crashed) {
		b, err := os.ReadFile(filepath.Join(crashed, "journal", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(whole, "journal", f), b, 0o644)
	}
	j4, c4, replayed4, err := checkpointed(t, whole, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j4.Close()
	if _, got := c4.snapshot(); *replayed4 != 25 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("whole replay: %d calls, state differs", *replayed4)
	}
}

// snapshotTo copies j's directory into dir through Snapshot and Restore
// (the segment written to has no zeros ahead in the copy).
func snapshotTo(t *testing.T, j *journal.Journal, dir string) {
	t.Helper()
	var b bytes.Buffer
	if err := j.Snapshot(&b); err != nil {
		t.Fatal(err)
	}
	if err := journal.Restore(&b, dir); err != nil {
		t.Fatal(err)
	}
}

// With CheckpointAfter, the call that finds that many bytes of records
// since the last checkpoint writes the next one before it runs: the
// journal stays bounded (the covered segments removed), a crash replays
// only the calls since the last one, and the state is the one the calls
// made.
func TestACheckpointIsWrittenOnceTheJournalHasGrownByCheckpointAfter(t *testing.T) {
	dir := t.TempDir()
	const after = 2048
	j, c, _, err := checkpointedWith(t, dir, nil, nil, journal.Options{CheckpointAfter: after})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		c.Add(context.Background(), addIn{N: i, Note: "a note that makes the record some forty bytes longer"})
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint")); err != nil {
		t.Fatal("no checkpoint was written:", err)
	}
	if segs := segmentFiles(t, dir); len(segs) != 1 {
		t.Fatalf("segments %v: the covered ones were not removed", segs)
	}
	crashed := filepath.Join(t.TempDir(), "crashed")
	snapshotTo(t, j, crashed)
	_, want := c.snapshot()
	j.Close()
	j2, c2, replayed, err := checkpointed(t, crashed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	if *replayed == 0 || *replayed > after/40 {
		t.Fatalf("replayed %d calls after the last checkpoint, want between 1 and %d", *replayed, after/40)
	}
	if _, got := c2.snapshot(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("state after the crash:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// checkpointedAndClosed returns a directory holding 10 calls (Add 0 to 9,
// a total of 45), a checkpoint of them, and the empty segment it began: the
// segments it covers removed.
func checkpointedAndClosed(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	j, c, _, _ := checkpointed(t, dir, nil, nil)
	for i := range 10 {
		c.Add(context.Background(), addIn{N: i})
	}
	if err := j.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	j.Close()
	return dir
}

// A checkpoint CheckpointAfter asks for is the call's own business only in
// passing: when it fails, even by a panicking SaveState, the failure is
// logged, the call runs, and the account goes on (nothing stays locked);
// the next one is tried after another CheckpointAfter of records.
func TestAFailingAutomaticCheckpointLetsTheCallsGoOn(t *testing.T) {
	dir := t.TempDir()
	log, buf := logBuffer()
	saves := 0
	j, c := open(t, dir, clock.NewManual(t0), journal.Options{Logger: log, CheckpointAfter: 512,
		SaveState: func(io.Writer) error {
			saves++
			if saves == 1 {
				panic("a service's Save panicked")
			}
			return errors.New("a service's Save failed")
		}})
	defer j.Close()
	for i := range 40 {
		if _, err := c.Add(context.Background(), addIn{N: i, Note: "some forty bytes of note in every record here"}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if total, _ := c.snapshot(); total != 780 {
		t.Fatalf("total %d after 40 calls, want 780", total)
	}
	if saves < 2 || !strings.Contains(buf.String(), "writing a checkpoint panicked") {
		t.Fatalf("%d checkpoint attempts; log %q", saves, buf.String())
	}
	if saves > 40*100/512+1 {
		t.Fatalf("%d checkpoint attempts for 40 calls: retried on every call", saves)
	}
	if err := j.Checkpoint(); err == nil {
		t.Fatal("an explicit Checkpoint hides the failure")
	}
}

// segmentFiles lists dir's journal segment files.
func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "journal"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// Once a checkpoint has removed the segments it covers, nothing else can
// rebuild the state: a checkpoint that is missing, damaged or refused fails
// the open with an error that says so (and the directory is left as it
// was).
func TestACheckpointWithoutTheJournalBeforeItCannotFallBack(t *testing.T) {
	dir := checkpointedAndClosed(t)
	p := filepath.Join(dir, "checkpoint")
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	damaged := bytes.Clone(good)
	damaged[len(damaged)/2] ^= 0xff
	for _, tc := range []struct {
		name    string
		ckpt    []byte // nil: none
		loadErr error
		want    string
	}{
		{"missing", nil, nil, "but there is no checkpoint"},
		{"damaged", damaged, nil, "CRC mismatch"},
		{"truncated", good[:30], nil, "too short"},
		{"refused by a service", good, errors.New("no"), "loading the checkpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := filepath.Join(t.TempDir(), "d")
			copyDir(t, dir, d)
			os.Remove(filepath.Join(d, "checkpoint"))
			if tc.ckpt != nil {
				os.WriteFile(filepath.Join(d, "checkpoint"), tc.ckpt, 0o644)
			}
			before := segmentFiles(t, d)
			_, _, _, err := checkpointed(t, d, nil, tc.loadErr)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "restore the directory from a snapshot") {
				t.Fatalf("err = %v", err)
			}
			if after := segmentFiles(t, d); !slices.Equal(before, after) {
				t.Fatalf("segments %v became %v", before, after)
			}
		})
	}
}

// The empty segment a checkpoint begins, lost (or removed by hand) with
// nothing after it, is the end of the journal: the open loads the
// checkpoint and begins the segment again.
func TestACheckpointWhoseEmptySegmentIsGoneIsTheEndOfTheJournal(t *testing.T) {
	dir := checkpointedAndClosed(t)
	segs := segmentFiles(t, dir)
	if len(segs) != 1 {
		t.Fatalf("segments %v", segs)
	}
	os.Remove(filepath.Join(dir, "journal", segs[0]))
	j2, c2, replayed, err := checkpointed(t, dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c2.Add(context.Background(), addIn{N: 100})
	j2.Close()
	if total, _ := c2.snapshot(); *replayed != 0 || total != 145 {
		t.Fatalf("replayed %d, total %d", *replayed, total)
	}
	j3, c3, replayed3, err := checkpointed(t, dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j3.Close()
	if total, _ := c3.snapshot(); *replayed3 != 1 || total != 145 {
		t.Fatalf("after the next open: replayed %d, total %d", *replayed3, total)
	}
}

// A crash after the checkpoint was written but before the segments it
// covers were all removed: opening loads the checkpoint and removes them;
// if the checkpoint cannot be used and the journal still begins at its
// first segment, the damage is reported and the whole journal replayed; a
// checkpoint a service refuses fails the open, naming the file to remove.
func TestACrashBeforeTheCoveredSegmentsWereRemoved(t *testing.T) {
	dir := t.TempDir()
	j, c, _, _ := checkpointedSized(t, dir, nil, nil, 512)
	for i := range 10 {
		c.Add(context.Background(), addIn{N: i, Note: "several segments of them"})
	}
	before := filepath.Join(t.TempDir(), "before")
	snapshotTo(t, j, before)
	if err := j.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	j.Close()
	// The crash: the checkpoint and the new segment are there, the
	// covered segments not removed yet.
	crash := func(t *testing.T, ckpt []byte) string {
		d := filepath.Join(t.TempDir(), "d")
		copyDir(t, before, d)
		for _, f := range segmentFiles(t, dir) {
			b, _ := os.ReadFile(filepath.Join(dir, "journal", f))
			os.WriteFile(filepath.Join(d, "journal", f), b, 0o644)
		}
		os.WriteFile(filepath.Join(d, "checkpoint"), ckpt, 0o644)
		return d
	}
	good, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("loaded", func(t *testing.T) {
		d := crash(t, good)
		j2, c2, replayed, err := checkpointedSized(t, d, nil, nil, 512)
		if err != nil {
			t.Fatal(err)
		}
		defer j2.Close()
		if total, _ := c2.snapshot(); *replayed != 0 || total != 45 {
			t.Fatalf("replayed %d, total %d", *replayed, total)
		}
		if segs := segmentFiles(t, d); !slices.Equal(segs, segmentFiles(t, dir)) {
			t.Fatalf("segments %v, want the covered ones removed: %v", segs, segmentFiles(t, dir))
		}
	})
	t.Run("damaged", func(t *testing.T) {
		bad := bytes.Clone(good)
		bad[len(bad)/2] ^= 0xff
		d := crash(t, bad)
		log, buf := logBuffer()
		j2, c2, replayed, err := checkpointedSized(t, d, log, nil, 512)
		if err != nil {
			t.Fatal(err)
		}
		defer j2.Close()
		if total, _ := c2.snapshot(); *replayed != 10 || total != 45 || !strings.Contains(buf.String(), "checkpoint cannot be used") {
			t.Fatalf("replayed %d, total %d, log %q", *replayed, total, buf.String())
		}
	})
	t.Run("refused", func(t *testing.T) {
		d := crash(t, good)
		if _, _, _, err := checkpointedSized(t, d, nil, errors.New("no"), 512); err == nil || !strings.Contains(err.Error(), "remove") {
			t.Fatalf("err = %v", err)
		}
	})
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if d.Name() == "LOCK" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A checkpoint whose segment was sealed and compressed since it was written
// is found there (its position is in the segment's content).
func TestACheckpointInACompressedSegmentIsLoaded(t *testing.T) {
	dir := t.TempDir()
	j, c, _, _ := checkpointedSized(t, dir, nil, nil, 2048)
	for i := range 20 {
		c.Add(context.Background(), addIn{N: i, Note: "before the checkpoint"})
	}
	if err := j.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		c.Add(context.Background(), addIn{N: i, Note: "after the checkpoint, across several segments"})
	}
	_, want := c.snapshot()
	j.Close()
	if segs := segmentFiles(t, dir); len(segs) < 2 || !strings.HasSuffix(segs[0], ".zst") {
		t.Fatalf("segments %v: want the checkpoint's (the first) compressed", segs)
	}
	j2, c2, replayed, _ := checkpointedSized(t, dir, nil, nil, 2048)
	defer j2.Close()
	if _, got := c2.snapshot(); *replayed != 30 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("replayed %d calls after the checkpoint, want 30; state equal: %v", *replayed, strings.Join(got, "\n") == strings.Join(want, "\n"))
	}
}
