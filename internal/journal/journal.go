package journal

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/op"
)

// Version is the directory format this package writes and reads.
const Version = 1

// DefaultSegmentSize is the size past which a new segment file is started.
const DefaultSegmentSize = 64 << 20

// SyncPolicy says when a change is fsynced before it is acknowledged.
type SyncPolicy int

const (
	// SyncEveryCall fsyncs every change before its call returns (concurrent
	// calls share one fsync). Nothing acknowledged is lost by a crash or a
	// power loss.
	SyncEveryCall SyncPolicy = iota
	// SyncLoseRecentOnPowerLoss writes every change to the OS before its call
	// returns and fsyncs at most once a second (on the next change) and at
	// Close. A process crash loses nothing acknowledged; a power loss or OS
	// crash may lose what was acknowledged since the last fsync.
	SyncLoseRecentOnPowerLoss
)

// Options configures [Open].
type Options struct {
	// Dir is the data directory (created if missing).
	Dir string
	// Sync is the sync policy (default SyncEveryCall).
	Sync SyncPolicy
	// Seed is the ID seed stored in a new directory (0: a random one). An
	// existing directory keeps its own; a different non-zero Seed is an
	// error.
	Seed uint64
	// Clock is the clock the user chose; the services run on a
	// [clock.Virtual] over it ([Journal.Clock]). Nil: the wall clock.
	Clock clock.Clock
	// Logger receives recovery reports (Warn) and write failures (Error).
	// Nil discards.
	Logger *slog.Logger
	// SegmentSize is the size past which a new segment starts (default
	// DefaultSegmentSize).
	SegmentSize int64
	// Check, when set, is asked once per service, Region and operation name
	// whether a call could be replayed (see [CheckMethod]); a call that
	// could not is reported to the Logger at Error: its effects would be
	// lost, or the directory refused, at the next open.
	Check func(service, region, name string, in any) error
	// SaveState, when set, writes the account's whole state for a
	// checkpoint (see checkpoint.go), or returns ErrNoCheckpoint; Close
	// calls it. LoadState reads what SaveState wrote into the account's
	// services, just built; Replay calls it before the records after the
	// checkpoint.
	SaveState func(w io.Writer) error
	LoadState func(r io.Reader) error
	// CheckpointAfter, when positive, makes the journal write a checkpoint
	// by itself once CheckpointAfter bytes of records (framed, before
	// compression) were appended since the last one: the call that finds
	// it so writes it before it runs, under the account's order, as
	// Checkpoint would. It bounds what a crash leaves to replay and the
	// journal's size on disk. 0: only Checkpoint writes checkpoints.
	CheckpointAfter int64
	// Beside names directories under Dir that hold files the account
	// writes beside the journal (its objects: "objects"): Snapshot copies
	// them, Restore accepts them. A checkpoint's state may refer to them
	// (the CloudTrail files its digests cover), and the records that wrote
	// them may be gone.
	Beside []string
}

// ErrLocked is returned by [Open] when another process has the directory
// open.
var ErrLocked = errors.New("journal: the data directory is in use by another process")

// ErrNewerFormat is returned by [Open] for a directory written by a newer
// version of localwatch.
var ErrNewerFormat = errors.New("journal: the data directory was written by a newer localwatch")

// Journal is an open data directory. See the package comment.
type Journal struct {
	dir     string
	opts    Options
	log     *slog.Logger
	lock    *os.File
	seed    uint64
	created time.Time // when the directory was created: the services are built at it
	clk     *clock.Virtual

	// mu orders the account: it is held from Begin to the end of every
	// top-level call and around every tick, and guards seq, started and
	// closed.
	mu      sync.Mutex
	seq     uint64
	started bool
	closed  bool
	// segs are the segment numbers, ascending (the last is the active one);
	// guarded by mu until Start, then by flushMu (the leader rolls).
	segs      []int
	replaying atomic.Bool
	holder    atomic.Uint64 // the goroutine holding mu (a call, a tick, Replay), 0: none

	// bufMu guards buf and bufSeq: the framed records not yet written and
	// the sequence number of the last of them.
	bufMu  sync.Mutex
	buf    []byte
	bufSeq uint64

	// flushMu is held by the caller writing the buffer out (the group
	// commit's leader); it guards f, fSize, spare, lastSync and writeErr.
	flushMu sync.Mutex
	f       *os.File
	fSize   int64 // bytes of records in f
	fAlloc  int64 // f's length: past fSize, zeros written ahead (preallocate)
	// direct: f is open with O_DIRECT|O_DSYNC (SyncEveryCall where the file
	// system allows): a write is durable when it returns and is written in
	// whole aligned blocks from wbuf, tail being the records' bytes in
	// f's last, partial block (written again with the next records).
	direct   bool
	tail     []byte
	wbuf     []byte
	spare    []byte
	lastSync time.Time // wall time of the last fsync (SyncLoseRecentOnPowerLoss)
	writeErr error     // the last write failure, reported once
	// sealed are the segments closed but not yet compressed (compress.go),
	// oldest first; compressErr stops compression after a failure.
	sealed      []int
	compressErr error

	checked sync.Map // checkKey → true: operations Options.Check was asked about

	inputTypes sync.Map // typeKey → reflect.Type: the Input types replay has met (readAhead)

	ckptSeq uint64 // the sequence number of the checkpoint loaded or written (0: none); under mu
	// sinceCkpt is how many bytes of records were appended since the last
	// checkpoint (or the open); under mu.
	sinceCkpt int64

	written atomic.Uint64 // highest sequence number written to the file
	durable atomic.Uint64 // highest sequence number fsynced

	// kick wakes the writer (see writer); stopped is closed when it has
	// returned. Both are made by Start.
	kick    chan struct{}
	stopped chan struct{}
}

// Open locks and opens the data directory o.Dir, creating it if needed. The
// journal does not record calls until [Journal.Replay] and [Journal.Start]
// have run. Until Replay, its clock is held at the time the directory was
// created: the services built in between register their timers as the first
// services built on the directory did, so that the ticks replay alike.
func Open(o Options) (*Journal, error) {
	if o.Dir == "" {
		return nil, errors.New("journal: no directory")
	}
	if o.SegmentSize <= 0 {
		o.SegmentSize = DefaultSegmentSize
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	j := &Journal{dir: o.Dir, opts: o, log: o.Logger, clk: clock.NewVirtual(o.Clock)}
	if j.log == nil {
		j.log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(filepath.Join(o.Dir, "journal"), 0o755); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	lf, err := os.OpenFile(filepath.Join(o.Dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := lockFile(lf); err != nil {
		lf.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("%w: %s (its LOCK is held)", ErrLocked, o.Dir)
		}
		return nil, fmt.Errorf("journal: locking %s: %w", o.Dir, err)
	}
	j.lock = lf
	if err := j.init(); err != nil {
		j.unlock()
		return nil, err
	}
	j.clk.Hold(j.created)
	return j, nil
}

func (j *Journal) unlock() {
	if j.lock != nil {
		_ = unlockFile(j.lock)
		j.lock.Close()
		j.lock = nil
	}
}

// formatLine is the content of FORMAT.
func formatLine(v int) string { return "localwatch journal " + strconv.Itoa(v) + "\n" }

// init reads (or, for a new directory, writes) FORMAT and seed, and lists the
// segments.
func (j *Journal) init() error {
	format := filepath.Join(j.dir, "FORMAT")
	b, err := os.ReadFile(format)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		segs, err := j.listSegments()
		if err != nil {
			return err
		}
		if len(segs) > 0 {
			return fmt.Errorf("journal: %s has journal segments but no FORMAT file: refusing to guess", j.dir)
		}
		seed := j.opts.Seed
		for seed == 0 {
			seed = rand.Uint64()
		}
		created := j.opts.Clock.Now()
		if err := writeFileSync(filepath.Join(j.dir, "seed"), encodeSeed(seed, created)); err != nil {
			return err
		}
		// FORMAT last: its presence says the directory is initialised.
		if err := writeFileSync(format, []byte(formatLine(Version))); err != nil {
			return err
		}
		if err := syncDir(j.dir); err != nil {
			return err
		}
		j.seed, j.created = seed, created
		return nil
	case err != nil:
		return fmt.Errorf("journal: %w", err)
	}
	rest, ok := strings.CutPrefix(string(b), "localwatch journal ")
	v, perr := strconv.Atoi(strings.TrimSuffix(rest, "\n"))
	if !ok || perr != nil || v < 1 || !strings.HasSuffix(rest, "\n") {
		return fmt.Errorf("journal: %s: unreadable FORMAT file %q", j.dir, b)
	}
	if v > Version {
		return fmt.Errorf("%w: %s has format version %d, this localwatch reads version %d", ErrNewerFormat, j.dir, v, Version)
	}
	sb, err := os.ReadFile(filepath.Join(j.dir, "seed"))
	if err != nil {
		return fmt.Errorf("journal: %s: reading the ID seed: %w", j.dir, err)
	}
	seed, created, err := decodeSeed(sb)
	if err != nil {
		return fmt.Errorf("journal: %s: %w", j.dir, err)
	}
	if j.opts.Seed != 0 && j.opts.Seed != seed {
		return fmt.Errorf("journal: %s was created with ID seed %d, not %d", j.dir, seed, j.opts.Seed)
	}
	j.seed, j.created = seed, created
	j.segs, err = j.listSegments()
	return err
}

// encodeSeed encodes the seed file: the ID seed and the creation time (Unix
// nanoseconds), little-endian, and their CRC-32C.
func encodeSeed(seed uint64, created time.Time) []byte {
	b := binary.LittleEndian.AppendUint64(nil, seed)
	b = binary.LittleEndian.AppendUint64(b, uint64(created.UnixNano()))
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

func decodeSeed(b []byte) (uint64, time.Time, error) {
	if len(b) != 20 || crc32.Checksum(b[:16], castagnoli) != binary.LittleEndian.Uint32(b[16:]) {
		return 0, time.Time{}, errors.New("the seed file is corrupt (the journal cannot be replayed without its ID seed)")
	}
	return binary.LittleEndian.Uint64(b), time.Unix(0, int64(binary.LittleEndian.Uint64(b[8:]))).UTC(), nil
}

// segName is the file name of segment n.
func segName(n int) string { return fmt.Sprintf("%08d.log", n) }

func (j *Journal) segPath(n int) string { return filepath.Join(j.dir, "journal", segName(n)) }

// listSegments returns the numbers of the segment files, ascending.
func (j *Journal) listSegments() ([]int, error) {
	ents, err := os.ReadDir(filepath.Join(j.dir, "journal"))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	var out []int
	for _, e := range ents {
		name, ok := strings.CutSuffix(strings.TrimSuffix(e.Name(), zstSuffix), ".log")
		if !ok || len(name) != 8 {
			continue
		}
		n, err := strconv.Atoi(name)
		if err != nil || n <= 0 {
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil // a crash while compressing leaves both forms
}

// Seed returns the ID seed of the directory.
func (j *Journal) Seed() uint64 { return j.seed }

// Clock returns the clock the services must run on.
func (j *Journal) Clock() *clock.Virtual { return j.clk }

// Replaying reports whether [Journal.Replay] is running.
func (j *Journal) Replaying() bool { return j.replaying.Load() }

// Call is one recorded call handed to the dispatch function of Replay.
type Call struct {
	// Seq is the record's sequence number.
	Seq uint64
	// Service, Region and Name say which operation of which service.
	Service, Region, Name string
	// Input is the operation's Input, for [Decode].
	Input []byte
	// Decoded, when valid, is Input already decoded (a pointer to the
	// Input type the dispatch reported through LearnType before).
	Decoded reflect.Value
	// LearnType, when set, is told the Input type of the call's operation,
	// so that the replay can decode later calls of it ahead.
	LearnType func(reflect.Type)
}

// Dispatch re-invokes a recorded call with ctx (which carries the call's
// request ID and identity and is marked [op.WithinCall]). It returns an
// error only when the call cannot be re-invoked (unknown service or
// operation, undecodable Input); the operation's own error is ignored (a
// call that failed fails again).
type Dispatch func(ctx context.Context, c Call) error

// Replay reads the journal and re-invokes its calls in order with dispatch,
// firing the clock's timers at the recorded ticks, with the clock held at
// each record's time. It repairs a torn or damaged journal as the package
// comment says. Call it once, after building the services on [Journal.Clock]
// and before [Journal.Start].
func (j *Journal) Replay(dispatch Dispatch) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.clk.Release() // held by Open
	j.replaying.Store(true)
	defer j.replaying.Store(false)
	j.holder.Store(goid())
	defer j.holder.Store(0)
	var from replayFrom
	checkpointed := false
	// Without a checkpoint the journal is replayed from its first record,
	// which only a journal beginning at segment 1 holds.
	whole := len(j.segs) == 0 || j.segs[0] == 1
	why := errNoCheckpointFile
	if j.opts.LoadState != nil {
		var h checkpointHeader
		var state io.ReadCloser
		if h, state, why = j.openCheckpoint(); why == nil {
			err := j.opts.LoadState(state)
			state.Close()
			if err != nil {
				if !whole {
					return fmt.Errorf("journal: %s: loading the checkpoint %s: %w (the journal before it was removed when it was written: restore the directory from a snapshot)", j.dir, j.checkpointPath(), err)
				}
				return fmt.Errorf("journal: %s: loading the checkpoint: %w (remove %s to replay the whole journal instead)", j.dir, err, j.checkpointPath())
			}
			j.seq, j.ckptSeq, checkpointed = h.Seq, h.Seq, true
			j.dropBefore(h.Segment)
			if !slices.Contains(j.segs, h.Segment) {
				// Its segment is gone and nothing came after it
				// (openCheckpoint): begin it again, empty.
				if err := writeFileSync(j.segPath(h.Segment), nil); err != nil {
					return err
				}
				j.segs = append(j.segs, h.Segment)
			}
			from = replayFrom{seg: slices.Index(j.segs, h.Segment), off: int(h.Offset)}
		}
	}
	switch {
	case checkpointed:
	case !whole && errors.Is(why, errNoCheckpointFile):
		return fmt.Errorf("journal: %s: the journal begins at segment %d (the segments before it were removed when a checkpoint was written) but there is no checkpoint: the state cannot be rebuilt (restore the directory from a snapshot)", j.dir, j.segs[0])
	case !whole:
		return fmt.Errorf("journal: %s: the checkpoint %s cannot be used (%v) and the journal before it was removed when it was written: the state cannot be rebuilt (restore the directory from a snapshot)", j.dir, j.checkpointPath(), why)
	case !errors.Is(why, errNoCheckpointFile):
		j.log.Warn("journal: the checkpoint cannot be used; replaying the whole journal", "file", j.checkpointPath(), "why", why.Error())
	}
	stop := make(chan struct{})
	chunks := make(chan replayChunk, 2)
	done := make(chan struct{})
	go j.readAhead(from, chunks, stop, done)
	defer func() {
		close(stop)
		<-done
	}()
	var (
		data    []byte
		damaged error
	)
	for c := range chunks {
		i := c.seg
		if c.load != nil {
			var err error
			data, damaged, err = j.readSegment(j.segs[i], *c.load)
			if err != nil {
				return err
			}
			if damaged != nil {
				j.log.Warn("journal: damaged compressed segment; replaying what decodes before the damage", "segment", j.zstPath(j.segs[i]), "cause", damaged.Error())
			}
		}
		for k := range c.recs {
			p := &c.recs[k]
			if checkpointed && p.r.Seq != j.seq+1 {
				return fmt.Errorf("journal: %s: the record after the checkpoint is number %d, not %d (remove %s to replay the whole journal instead)",
					j.dir, p.r.Seq, j.seq+1, j.checkpointPath())
			}
			checkpointed = false
			if p.r.Seq != j.seq+1 {
				return j.repair(i, p.off, len(data), fmt.Errorf("%w: sequence number %d after %d", errDamaged, p.r.Seq, j.seq))
			}
			if err := j.replayOne(&p.r, p.in, dispatch); err != nil {
				return err
			}
			j.seq = p.r.Seq
			c.recs[k] = preparedRecord{} // garbage now
		}
		if ferr := c.ferr; ferr != nil {
			off := c.off
			if i == len(j.segs)-1 && allZero(data[off:]) {
				// The zeros written ahead of the records, not used
				// yet: the end of the journal, nothing lost.
				return j.trimZeros(i, off, len(data))
			}
			if i == len(j.segs)-1 && frameThenZeros(data[off:]) {
				// A record whose write the crash tore, in the zeros
				// written ahead (or where the file was extended but
				// the data never written).
				ferr = fmt.Errorf("%w: %v, then zeros", errTorn, ferr)
			}
			return j.repair(i, off, len(data), ferr)
		}
		if c.last && damaged != nil {
			// What followed the damage is lost: the later segments
			// cannot be replayed in order.
			return j.repair(i, len(data), len(data), damaged)
		}
	}
	return nil
}

// replayChunk is a run of records of segment seg that readAhead read (and
// whose Inputs it decoded) for Replay: load is set on a segment's first
// chunk, last on its last; ferr is a bad frame at offset off after recs.
type replayChunk struct {
	seg  int
	load *segRead
	recs []preparedRecord
	ferr error
	off  int
	last bool
}

// preparedRecord is a record read ahead, at offset off of its segment, with
// its Input decoded (in, a pointer) when the type of its operation's Input
// is known (learnType).
type preparedRecord struct {
	r   record
	off int
	in  reflect.Value
}

// replayChunkSize is how many records a chunk carries: enough to keep the
// channel cheap, few enough to bound the decoded Inputs held ahead.
const replayChunkSize = 32

// readAhead is Replay's second goroutine: it reads each segment (and
// decompresses it), splits it into records and decodes their Inputs, a
// chunk ahead of the replay, until the journal ends, a frame is bad, or stop
// is closed. It only reads: Replay does the repairs.
// replayFrom is where replay starts: segment j.segs[seg], at offset off of
// its content (after a checkpoint).
type replayFrom struct{ seg, off int }

func (j *Journal) readAhead(from replayFrom, out chan<- replayChunk, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer close(out)
	send := func(c replayChunk) bool {
		select {
		case out <- c:
			return true
		case <-stop:
			return false
		}
	}
	for i, n := range j.segs {
		if i < from.seg {
			continue
		}
		load := j.loadSegment(n)
		c := replayChunk{seg: i, load: &load}
		if load.err != nil {
			c.last = true
			send(c)
			return
		}
		data := load.data
		off := 0
		if i == from.seg {
			off = min(from.off, len(data))
		}
		for off < len(data) {
			r, size, ferr := readFrame(data[off:])
			if ferr != nil {
				c.ferr, c.off = ferr, off
				send(c)
				return
			}
			p := preparedRecord{r: r, off: off}
			if r.Kind == KindCall {
				if t, ok := j.inputTypes.Load(typeKey{r.Service, r.Name}); ok {
					v := reflect.New(t.(reflect.Type))
					if Decode(r.Input, v.Interface()) == nil {
						p.in = v
					}
				}
			}
			c.recs = append(c.recs, p)
			off += size
			if len(c.recs) == replayChunkSize && off < len(data) {
				if !send(c) {
					return
				}
				c = replayChunk{seg: i, recs: make([]preparedRecord, 0, replayChunkSize)}
			}
		}
		c.last = true
		if !send(c) || load.zerr != nil && !load.plain {
			return // after a damaged compressed segment nothing is replayed
		}
	}
}

// typeKey names an operation whose Input type readAhead has learnt.
type typeKey struct{ service, name string }

// replayOne replays one record.
func (j *Journal) replayOne(r *record, in reflect.Value, dispatch Dispatch) error {
	j.clk.Hold(time.Unix(0, r.Time).UTC())
	defer j.clk.Release()
	if r.Kind == KindTick {
		j.clk.Fire()
		return nil
	}
	if dispatch == nil {
		return nil
	}
	ctx := op.WithinCall(context.Background())
	if r.RequestID != "" {
		ctx = event.WithRequestID(ctx, r.RequestID)
	}
	if r.Identity != nil {
		ctx = identity.With(ctx, r.Identity.identity())
	}
	if r.Unrecorded {
		ctx = event.Unrecorded(ctx)
	}
	if err := j.dispatchOne(ctx, r, in, dispatch); err != nil {
		return fmt.Errorf("journal: %s: record %d (%s %s in %s) cannot be replayed: %w", j.dir, r.Seq, r.Service, r.Name, r.Region, err)
	}
	return nil
}

// dispatchOne replays r. A call is journaled before it runs, so a call that
// panicked is in the journal and panics again when replayed: that is
// recovered and reported (Warn), and the replay goes on with what the call
// changed before it panicked — the state the original left behind — instead
// of leaving a directory that can never be opened again.
func (j *Journal) dispatchOne(ctx context.Context, r *record, in reflect.Value, dispatch Dispatch) (err error) {
	defer func() {
		if v := recover(); v != nil {
			j.log.Warn("journal: a replayed call panicked, as the original call did; the replay goes on",
				"seq", r.Seq, "service", r.Service, "region", r.Region, "name", r.Name, "panic", fmt.Sprint(v))
		}
	}()
	return dispatch(ctx, Call{Seq: r.Seq, Service: r.Service, Region: r.Region, Name: r.Name, Input: r.Input, Decoded: in,
		LearnType: func(t reflect.Type) {
			k := typeKey{r.Service, r.Name}
			if _, ok := j.inputTypes.Load(k); !ok {
				j.inputTypes.Store(k, t)
			}
		}})
}

// repair keeps the valid prefix (off bytes) of segment j.segs[i] of size
// total, after a bad frame: see the package comment's Recovery.
func (j *Journal) repair(i, off, total int, cause error) error {
	n := j.segs[i]
	path := j.segPath(n)
	torn := i == len(j.segs)-1 && (errors.Is(cause, errTorn) || j.lastFrameAt(path, off, total))
	if torn {
		j.log.Warn("journal: cut a torn record off the end of the journal (the process stopped in the middle of a write)",
			"segment", path, "offset", off, "bytes", total-off, "cause", cause.Error(), "lastSeq", j.seq)
	} else {
		lost := int64(total - off)
		for _, m := range j.segs[i+1:] {
			if st, err := os.Stat(j.segFile(m)); err == nil {
				lost += st.Size()
			}
		}
		j.log.Warn("journal: damaged record in the journal; keeping the calls before it and setting the rest aside (*.damaged)",
			"segment", path, "offset", off, "bytesSetAside", lost, "cause", cause.Error(), "lastSeq", j.seq)
		if err := copyTail(path, int64(off), path+".damaged"); err != nil {
			return err
		}
		for _, m := range j.segs[i+1:] {
			if err := os.Rename(j.segFile(m), j.segFile(m)+".damaged"); err != nil {
				return fmt.Errorf("journal: %w", err)
			}
		}
		j.segs = j.segs[:i+1]
	}
	if err := os.Truncate(path, int64(off)); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return syncPath(path)
}

// lastFrameAt reports whether the damaged frame at off of the file is its
// last one: its length field points exactly at the end (a write torn by a
// crash, its bytes not all on disk).
func (j *Journal) lastFrameAt(path string, off, total int) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [4]byte
	if _, err := f.ReadAt(h[:], int64(off)); err != nil {
		return false
	}
	return off+headerSize+int(binary.LittleEndian.Uint32(h[:])) == total
}

// trimZeros cuts the unused zeros (preallocate) off the end of the last
// segment, j.segs[i], whose records end at off.
func (j *Journal) trimZeros(i, off, total int) error {
	path := j.segPath(j.segs[i])
	j.log.Debug("journal: cut the unused space written ahead off the end of the journal", "segment", path, "bytes", total-off)
	if err := os.Truncate(path, int64(off)); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return syncPath(path)
}

// frameThenZeros reports whether b is a frame header whose frame (whole or
// cut short by the end of b) is followed only by zeros.
func frameThenZeros(b []byte) bool {
	if len(b) < headerSize {
		return true
	}
	end := headerSize + int(binary.LittleEndian.Uint32(b))
	return end < 0 || end >= len(b) || allZero(b[end:])
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// copyTail copies the bytes of src from off to the end into dst.
func copyTail(src string, off int64, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := writeFileSync(dst, b[off:]); err != nil {
		return err
	}
	return nil
}

// Start opens the journal for appending, arms the clock and makes Begin
// record calls. Call it once, after Replay.
func (j *Journal) Start() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.segs) == 0 {
		j.segs = []int{1}
	}
	if _, err := os.Stat(j.zstPath(j.lastSeg())); err == nil {
		j.segs = append(j.segs, j.lastSeg()+1) // only sealed segments are compressed
	}
	for _, m := range j.segs[:len(j.segs)-1] {
		if _, err := os.Stat(j.segPath(m)); err == nil {
			j.sealed = append(j.sealed, m)
		}
	}
	n := j.segs[len(j.segs)-1]
	f, err := os.OpenFile(j.segPath(n), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := syncDir(filepath.Join(j.dir, "journal")); err != nil {
		f.Close()
		return err
	}
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.f, j.fSize, j.fAlloc, j.lastSync = f, st.Size(), st.Size(), time.Now()
	if err := j.tryDirectLocked(); err != nil {
		return err
	}
	j.written.Store(j.seq)
	j.durable.Store(j.seq)
	j.kick, j.stopped = make(chan struct{}, 1), make(chan struct{})
	go j.writer()
	j.started = true
	j.clk.OnWake(j.wake)
	j.clk.Arm()
	return nil
}

// LastSeq returns the sequence number of the last record.
func (j *Journal) LastSeq() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// Begin implements op.Journal: see the package comment.
func (j *Journal) Begin(ctx context.Context, service, region, name string, readOnly bool, in any) (context.Context, func(error) error) {
	if op.WithinCallOf(ctx) || j.replaying.Load() {
		return ctx, nil
	}
	g := goid()
	if g == j.holder.Load() {
		// An operation called by scheduled work (inside a tick) or by a
		// hook inside a call, with a fresh context: part of what is
		// running. (Waiting for mu would wait for ourselves.)
		return op.WithinCall(ctx), nil
	}
	if j.opts.Check != nil {
		j.check(service, region, name, in)
	}
	bp := inputBufs.Get().(*[]byte)
	input, encErr := encodeTo(*bp, in)
	j.mu.Lock()
	if !j.started || j.closed {
		j.mu.Unlock()
		inputBufs.Put(bp)
		return ctx, nil
	}
	if j.opts.CheckpointAfter > 0 && j.sinceCkpt >= j.opts.CheckpointAfter {
		// The journal since the last checkpoint has reached the size
		// that bounds it: this call writes the next one before it runs
		// (a failure is logged and the call goes on).
		j.autoCheckpointLocked()
	}
	j.holder.Store(g)
	t := j.clk.HoldNow()
	j.seq++
	r := record{Seq: j.seq, Kind: KindCall, Time: t.UnixNano(), Region: region, Service: service, Name: name,
		ReadOnly: readOnly, Unrecorded: event.IsUnrecorded(ctx), Input: input}
	if id, ok := event.RequestIDFrom(ctx); ok {
		r.RequestID = id
	}
	if id, ok := identity.From(ctx); ok {
		r.Identity = toWire(id)
	}
	if encErr != nil {
		j.log.Error("journal: cannot encode the input of a call; it will be replayed with an empty input",
			"service", service, "name", name, "err", encErr)
		r.Input = []byte{0xf6} // CBOR null
	}
	j.append(&r)
	if cap(input) <= 1<<20 {
		*bp = input[:0]
	}
	inputBufs.Put(bp)
	seq := j.seq
	if !readOnly {
		// Write (and sync) the record while the call runs; the call
		// waits for it only at its end (commit).
		select {
		case j.kick <- struct{}{}:
		default: // the writer has a wake-up pending, which will take this record too
		}
	}
	return op.WithinCall(ctx), func(err error) error {
		j.clk.Release()
		j.holder.Store(0)
		j.mu.Unlock()
		if !readOnly && err == nil {
			return j.commit(seq)
		}
		j.maybeFlush()
		return nil
	}
}

// flushThreshold is how many bytes of records that nobody waits for (reads,
// failed calls, ticks) may wait in memory before they are written.
const flushThreshold = 1 << 20

// maybeFlush writes the buffer out (without fsync) once it holds
// flushThreshold bytes, so that a workload of reads does not grow it
// without bound. It does not wait for a flush in progress.
func (j *Journal) maybeFlush() {
	j.bufMu.Lock()
	n := len(j.buf)
	j.bufMu.Unlock()
	if n < flushThreshold || !j.flushMu.TryLock() {
		return
	}
	defer j.flushMu.Unlock()
	j.flushLocked(false)
}

// checkKey names an operation checked by Options.Check.
type checkKey struct{ service, region, name string }

// check asks Options.Check about an operation the first time it is called.
func (j *Journal) check(service, region, name string, in any) {
	k := checkKey{service, region, name}
	if _, done := j.checked.Load(k); done {
		return
	}
	if _, dup := j.checked.LoadOrStore(k, true); dup {
		return
	}
	if err := j.opts.Check(service, region, name, in); err != nil {
		j.log.Error("journal: this operation cannot be replayed: its effects will be missing after a restart",
			"service", service, "region", region, "name", name, "err", err)
	}
}

// append frames r into the buffer. Called with mu held.
func (j *Journal) append(r *record) {
	j.bufMu.Lock()
	var err error
	n := len(j.buf)
	j.buf, err = appendFrame(j.buf, r)
	j.sinceCkpt += int64(len(j.buf) - n)
	if err == nil {
		j.bufSeq = r.Seq
	}
	j.bufMu.Unlock()
	if err != nil {
		// Only an Input CBOR cannot encode gets here, and Begin replaced it.
		panic("journal: encoding a record: " + err.Error())
	}
}

// wake is the virtual clock's wake-up: under the account's order, it records
// a tick and runs the due timers.
func (j *Journal) wake() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.started || j.closed {
		return
	}
	t := j.clk.HoldNow()
	j.tickLocked(t)
	j.clk.Release()
	j.clk.Rearm()
	j.maybeFlush()
}

// tickLocked records a tick and runs the timers due at t, the held time, if
// there are any. Called with mu held.
func (j *Journal) tickLocked(t time.Time) {
	if j.clk.Due(t) {
		j.seq++
		j.append(&record{Seq: j.seq, Kind: KindTick, Time: t.UnixNano()})
		j.holder.Store(goid())
		j.clk.Fire()
		j.holder.Store(0)
	}
}

// Checkpoint writes a checkpoint of the account (Options.SaveState) as of
// now, after running the timers due by now (so that none is overdue in it),
// unless nothing was recorded since the last one. Call it before closing
// the services, whose state it saves; Close does not write one.
func (j *Journal) Checkpoint() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.started || j.closed {
		return nil
	}
	return j.checkpointLocked()
}

// autoCheckpointLocked writes the checkpoint Options.CheckpointAfter asks
// for, from Begin, with mu held. The call that found it due did not ask for
// it: a failure, even a panicking SaveState, is logged and the call goes on
// (checkpointLocked releases the clock and flushMu in defers; mu stays
// with the call).
func (j *Journal) autoCheckpointLocked() {
	defer func() {
		if p := recover(); p != nil {
			j.log.Error("journal: writing a checkpoint panicked; the journal is kept and the calls go on", "dir", j.dir, "panic", fmt.Sprint(p))
		}
	}()
	_ = j.checkpointLocked()
}

// checkpointLocked is Checkpoint, called with mu held (by Checkpoint, and
// by Begin when the journal has grown by Options.CheckpointAfter since the
// last checkpoint).
func (j *Journal) checkpointLocked() error {
	if j.opts.SaveState == nil {
		return nil
	}
	// Whatever happens below, the next automatic attempt waits for
	// another CheckpointAfter of records (a failing checkpoint is not
	// retried on every call).
	j.sinceCkpt = 0
	t := j.clk.HoldNow()
	defer j.clk.Release()
	j.tickLocked(t)
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.flushLocked(true)
	if j.writeErr != nil {
		return j.writeErr
	}
	if j.seq == j.ckptSeq {
		return nil
	}
	// Begin a new segment, so that the checkpoint's position is the start
	// of one and it covers every segment before it whole.
	if j.fSize > 0 {
		if err := j.rollLocked(); err != nil {
			j.log.Warn("journal: writing the checkpoint failed; the next open replays the journal from the last one", "dir", j.dir, "err", err.Error())
			return err
		}
	}
	switch err := j.writeCheckpointLocked(t); {
	case err == nil:
		j.ckptSeq = j.seq
		j.dropCoveredLocked()
		return nil
	case errors.Is(err, ErrNoCheckpoint):
		return nil
	default:
		j.log.Warn("journal: writing the checkpoint failed; the next open replays the journal from the last one", "dir", j.dir, "err", err.Error())
		return err
	}
}

// writer is the journal's one goroutine, from Start to Close: woken by each
// change as soon as its record is in the buffer, it writes the buffer out
// (and, under SyncEveryCall, fsyncs it) while the call itself runs, so that
// the disk's latency overlaps the call's work instead of following it. Each
// call still waits, at its end, until its record is durable (commit), and
// does the write itself if the writer has not got to it.
func (j *Journal) writer() {
	defer close(j.stopped)
	for range j.kick {
		j.flushMu.Lock()
		j.flushLocked(j.opts.Sync == SyncEveryCall)
		j.flushMu.Unlock()
		if len(j.kick) == 0 {
			j.preallocate()
		}
		if len(j.kick) == 0 {
			j.compressSealed()
		}
	}
	j.compressSealed()
}

// commit returns once record seq is written (and, under SyncEveryCall,
// fsynced). The first caller to find its record not yet there writes out the
// whole buffer; callers that queued behind it on flushMu usually find theirs
// written by it (group commit).
func (j *Journal) commit(seq uint64) error {
	mark := &j.durable
	if j.opts.Sync == SyncLoseRecentOnPowerLoss {
		mark = &j.written
	}
	if mark.Load() >= seq {
		return nil
	}
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	if mark.Load() >= seq {
		return nil
	}
	j.flushLocked(j.opts.Sync == SyncEveryCall)
	if mark.Load() >= seq {
		return nil
	}
	return cmp.Or(j.writeErr, errors.New("the journal is closed"))
}

// flushLocked writes the buffer out and, if sync (or a second has passed
// since the last fsync under SyncLoseRecentOnPowerLoss), fsyncs. A failure is
// logged (once until a write succeeds again): the calls stay in memory but
// are not durable.
func (j *Journal) flushLocked(sync bool) {
	if j.f == nil {
		return
	}
	j.bufMu.Lock()
	data, last := j.buf, j.bufSeq
	j.buf = j.spare[:0]
	j.bufMu.Unlock()
	err := j.writeLocked(data)
	switch {
	case err != nil && len(data) > 0:
		// Put the records back in front of those buffered since: the next
		// flush writes them again, in order, without a gap.
		j.bufMu.Lock()
		if len(j.buf) == 0 {
			j.bufSeq = last
		}
		j.buf = append(data, j.buf...)
		j.bufMu.Unlock()
		j.spare = nil
	case cap(data) <= 4<<20:
		j.spare = data[:0]
	default:
		j.spare = nil
	}
	if err == nil && len(data) > 0 {
		j.written.Store(last)
		if j.direct {
			j.durable.Store(last) // O_DSYNC: durable when written
		}
	}
	if !sync && j.opts.Sync == SyncLoseRecentOnPowerLoss && time.Since(j.lastSync) >= time.Second {
		sync = true // a real second: how much a power loss may cost, not model time
	}
	if err == nil && sync && j.durable.Load() < j.written.Load() {
		w := j.written.Load()
		if err = datasync(j.f); err == nil {
			j.durable.Store(w)
			j.lastSync = time.Now()
		}
	}
	if err != nil {
		if j.writeErr == nil {
			j.log.Error("journal: writing the journal failed; calls are not durable until a write succeeds", "dir", j.dir, "err", err)
		}
		j.writeErr = err
		return
	}
	j.writeErr = nil
}

// writeLocked appends data to the active segment, starting a new segment
// first if the active one has reached the segment size.
func (j *Journal) writeLocked(data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if j.fSize >= j.opts.SegmentSize {
		if err := j.rollLocked(); err != nil {
			return err
		}
	}
	if j.direct {
		return j.writeDirectLocked(data)
	}
	if end := j.fSize + int64(len(data)); end > j.fAlloc {
		// Records beyond the zeros written ahead: the file grows with
		// them (their fsync then also writes the new size).
		j.fAlloc = end
	}
	if _, err := j.f.WriteAt(data, j.fSize); err != nil {
		// Keep the file a sequence of whole frames: zero the partial
		// write (past fSize the file holds zeros or nothing).
		_ = j.f.Truncate(j.fSize)
		j.fAlloc = j.fSize
		return err
	}
	j.fSize += int64(len(data))
	return nil
}

// directBlock is the alignment of O_DIRECT writes: their offset, length and
// buffer address (a multiple of the devices' logical block sizes).
const directBlock = 4096

// useDirectIO turns the O_DIRECT path off (tests of the other path).
var useDirectIO = true

// alignedBuf returns a zeroed buffer of n bytes (n a multiple of
// directBlock) whose address is aligned to directBlock.
func alignedBuf(n int) []byte {
	b := make([]byte, n+directBlock)
	off := directBlock - int(uintptr(unsafe.Pointer(&b[0]))&(directBlock-1))
	return b[off : off+n : off+n]
}

func alignUp(n int64) int64 { return (n + directBlock - 1) &^ (directBlock - 1) }

// tryDirectLocked reopens the active segment with O_DIRECT|O_DSYNC under
// SyncEveryCall (see openDirect), reading its last partial block into tail;
// where that is not available it keeps the file as it is.
func (j *Journal) tryDirectLocked() error {
	j.direct, j.tail = false, nil
	if j.opts.Sync != SyncEveryCall || !useDirectIO {
		return nil
	}
	df, err := openDirect(j.f.Name(), os.O_WRONLY)
	if err != nil {
		return nil // written through the page cache, fsynced
	}
	start := j.fSize &^ (directBlock - 1)
	tail := make([]byte, j.fSize-start)
	if _, err := j.f.ReadAt(tail, start); err != nil {
		df.Close()
		return fmt.Errorf("journal: %w", err)
	}
	j.f.Close()
	j.f, j.direct, j.tail = df, true, tail
	return nil
}

// writeDirectLocked writes data after the records of the active segment in
// whole aligned blocks: the partial last block (tail) again, then data,
// then zeros to the block's end. When it returns the records are durable.
func (j *Journal) writeDirectLocked(data []byte) error {
	start := j.fSize &^ (directBlock - 1)
	n := len(j.tail) + len(data)
	padded := int(alignUp(int64(n)))
	if cap(j.wbuf) < padded {
		j.wbuf = alignedBuf(int(alignUp(int64(padded) + int64(padded)/4)))
	}
	buf := j.wbuf[:padded]
	copy(buf, j.tail)
	copy(buf[len(j.tail):], data)
	clear(buf[n:])
	if _, err := j.f.WriteAt(buf, start); err != nil {
		// What is past fSize is not records: cut it (it may hold a
		// part of this write).
		_ = j.f.Truncate(j.fSize)
		j.fAlloc = j.fSize
		return err
	}
	j.fAlloc = max(j.fAlloc, start+int64(padded))
	j.fSize += int64(len(data))
	newStart := j.fSize &^ (directBlock - 1)
	j.tail = append(j.tail[:0], buf[newStart-start:j.fSize-start]...)
	if cap(j.wbuf) > 4<<20 {
		j.wbuf = nil
	}
	return nil
}

// preallocStep is how much zeroed space the writer keeps ahead of the
// records in the active segment. fdatasync(2) of a write within the file's
// length writes the data only; a write that extends the file must also
// write its new size (the file system's journal), which costs about half
// as much again. Writing zeros ahead, a megabyte at a time, off the calls'
// path, makes most fsyncs of the first kind. Recovery treats the zeros
// after the last record as the unused end of the file, and Close and a roll
// cut them off.
const preallocStep = 1 << 20

var zeros = alignedBuf(preallocStep)

// preallocate writes zeros ahead of the records of the active segment when
// less than half a step is left, and fsyncs them (so that the new size is
// durable before any record relies on it). The writer calls it when it has
// nothing else to do.
func (j *Journal) preallocate() {
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	if j.f == nil || j.writeErr != nil || j.fAlloc-j.fSize >= preallocStep/2 || j.fAlloc >= j.opts.SegmentSize {
		return
	}
	// A segment ends past SegmentSize; O_DIRECT writes whole blocks (the
	// block fAlloc is in is written with the records).
	from := alignUp(j.fAlloc)
	step := alignUp(min(preallocStep, max(j.opts.SegmentSize-from, directBlock)))
	if _, err := j.f.WriteAt(zeros[:step], from); err != nil {
		_ = j.f.Truncate(j.fAlloc)
		return
	}
	if err := datasync(j.f); err != nil {
		_ = j.f.Truncate(j.fAlloc)
		return
	}
	j.fAlloc = from + step
}

// trimLocked cuts the zeros written ahead off the active segment.
func (j *Journal) trimLocked() error {
	if j.fAlloc == j.fSize {
		return nil
	}
	if err := j.f.Truncate(j.fSize); err != nil {
		return err
	}
	j.fAlloc = j.fSize
	return nil
}

// rollLocked fsyncs and closes the active segment and opens the next one.
func (j *Journal) rollLocked() error {
	if err := j.trimLocked(); err != nil {
		return err
	}
	if err := j.f.Sync(); err != nil {
		return err
	}
	j.durable.Store(j.written.Load())
	n := j.lastSeg() + 1
	f, err := os.OpenFile(j.segPath(n), os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	if err := syncDir(filepath.Join(j.dir, "journal")); err != nil {
		f.Close()
		os.Remove(j.segPath(n))
		return err
	}
	j.segs = append(j.segs, n)
	j.f.Close()
	j.sealed = append(j.sealed, n-1)
	j.f, j.fSize, j.fAlloc = f, 0, 0
	return j.tryDirectLocked()
}

func (j *Journal) lastSeg() int { return j.segs[len(j.segs)-1] }

// Flush writes and fsyncs everything recorded so far (reads and ticks
// included).
func (j *Journal) Flush() {
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.flushLocked(true)
}

// Close flushes and fsyncs the journal, stops the clock's wake-up and
// releases the directory. Calls made afterwards are not journaled.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	j.clk.Disarm()
	j.flushMu.Lock()
	j.flushLocked(true)
	err := j.writeErr
	if j.f != nil {
		if terr := j.trimLocked(); terr == nil {
			err = cmp.Or(err, datasync(j.f))
		} else {
			err = cmp.Or(err, terr)
		}

		if err == nil && j.fSize >= sealOnClose {
			// Seal it, to be compressed now; the next Start begins
			// the next segment.
			j.sealed = append(j.sealed, j.lastSeg())
		}
		err = cmp.Or(err, j.f.Close())
		j.f = nil
	}
	j.flushMu.Unlock()
	if j.kick != nil {
		close(j.kick)
		<-j.stopped // the writer compresses what is sealed before it returns
	}
	j.unlock()
	return err
}

// sealOnClose is the size from which Close seals the active segment, so
// that it is compressed, rather than leaving it to be appended to by the
// next run.
const sealOnClose = 1 << 20

// goid returns the ID of the calling goroutine. Begin reads it to tell the
// operations called with a fresh context by the goroutine that holds the
// account's order (scheduled work in a tick, a user's hook inside a call),
// which are nested, from other goroutines' calls, which wait.
func goid() uint64 {
	var b [64]byte
	s := b[:runtime.Stack(b[:], false)]
	s, _ = bytes.CutPrefix(s, []byte("goroutine "))
	i := bytes.IndexByte(s, ' ')
	if i < 0 {
		return 0
	}
	n, _ := strconv.ParseUint(string(s[:i]), 10, 64)
	return n
}

// writeFileSync writes a whole file and fsyncs it.
func writeFileSync(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

func syncPath(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("journal: syncing %s: %w", dir, err)
	}
	return nil
}
