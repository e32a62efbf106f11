package localwatch_test

import (
	"archive/tar"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/internal/journal"
)

// TestEveryServiceSurvivesARestartThroughItsCheckpoint: Close writes a
// checkpoint of the whole account (every service of the reliability
// fixture), the next open loads it instead of replaying the journal, and
// the account is the one a whole replay gives — right after the restart and
// after its schedules ran on; a crash after the checkpoint leaves calls that
// the open replays on top of it.
func TestEveryServiceSurvivesARestartThroughItsCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole fixture several times")
	}
	dir := t.TempDir()
	fx := newFixtureIn(t, dir)
	fx.clk.Advance(2 * time.Hour)
	before := fx.snapshot()
	end := fx.clk.Now()
	// The whole journal, which the checkpoint Close writes removes.
	var journalBefore bytes.Buffer
	require.NoError(t, fx.st.Account().Snapshot(&journalBefore))
	fx.st.Close()
	_, err := os.Stat(filepath.Join(dir, "checkpoint"))
	require.NoError(t, err, "Close wrote no checkpoint")

	// Loaded from the checkpoint.
	re := openFixture(t, dir)
	re.clk.Set(end)
	assertSameLines(t, before, re.snapshot())

	// Run on for an hour, then "crash": a copy of the directory as it is
	// (calls and ticks after the checkpoint in the journal, no new
	// checkpoint).
	re.clk.Advance(time.Hour)
	live := re.snapshot()
	require.NoError(t, re.st.Account().Snapshot(io.Discard)) // writes out what the journal holds
	crashed := filepath.Join(t.TempDir(), "crashed")
	copyTree(t, dir, crashed)
	re.st.Close()

	again := openFixture(t, crashed)
	defer again.st.Close()
	again.clk.Set(re.clk.Now())
	assertSameLines(t, live, again.snapshot())

	// The same as replaying the whole journal: the one before the first
	// checkpoint, then the segments after it.
	whole := filepath.Join(t.TempDir(), "whole")
	require.NoError(t, journal.Restore(&journalBefore, whole, "objects"))
	segs, err := os.ReadDir(filepath.Join(crashed, "journal"))
	require.NoError(t, err)
	for _, seg := range segs {
		b, err := os.ReadFile(filepath.Join(crashed, "journal", seg.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(whole, "journal", seg.Name()), b, 0o644))
	}
	_, err = os.Stat(filepath.Join(whole, "checkpoint"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	full := openFixture(t, whole)
	defer full.st.Close()
	full.clk.Set(re.clk.Now())
	assertSameLines(t, live, full.snapshot())

	// And they run on alike.
	again.clk.Advance(time.Hour)
	full.clk.Advance(time.Hour)
	assertSameLines(t, full.snapshot(), again.snapshot())
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
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
	}))
}

// Account.Checkpoint while running: a crash after it replays only what
// came after it, and the state is the live one. Account.Snapshot then (the
// journal before the checkpoint removed) carries the checkpoint, the
// journal after it and the account's objects (the CloudTrail and Config
// files, which no replay writes again): the restored account is the live
// one, and runs on alike.
func TestACheckpointWhileRunningBoundsTheReplayAfterACrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole fixture several times")
	}
	dir := t.TempDir()
	fx := newFixtureIn(t, dir)
	fx.clk.Advance(time.Hour)
	require.NoError(t, fx.st.Account().Checkpoint())
	_, err := os.Stat(filepath.Join(dir, "checkpoint"))
	require.NoError(t, err)
	fx.clk.Advance(time.Hour)
	live := fx.snapshot()
	var snap bytes.Buffer
	require.NoError(t, fx.st.Account().Snapshot(&snap)) // also writes out what the journal holds
	crashed := filepath.Join(t.TempDir(), "crashed")
	copyTree(t, dir, crashed)
	end := fx.clk.Now()

	re := openFixture(t, crashed)
	defer re.st.Close()
	re.clk.Set(end)
	assertSameLines(t, live, re.snapshot())

	restored := filepath.Join(t.TempDir(), "restored")
	require.NoError(t, journal.Restore(bytes.NewReader(snap.Bytes()), restored, "objects"))
	for _, f := range []string{"checkpoint", "objects/audit-bucket"} {
		_, err := os.Stat(filepath.Join(restored, f))
		require.NoError(t, err, "the snapshot has no %s", f)
	}
	fromSnap := openFixture(t, restored)
	defer fromSnap.st.Close()
	fromSnap.clk.Set(end)
	assertSameLines(t, live, fromSnap.snapshot())
	fx.clk.Advance(time.Hour)
	fromSnap.clk.Advance(time.Hour)
	assertSameLines(t, fx.snapshot(), fromSnap.snapshot())
	fx.st.Close()

	// A snapshot is restored only into an empty directory, and only with
	// the entries a snapshot has (objects/ is not one without "objects").
	require.ErrorContains(t, journal.Restore(bytes.NewReader(snap.Bytes()), restored, "objects"), "not empty")
	// A refused snapshot leaves the directory as it was: missing, or
	// empty.
	missing := filepath.Join(t.TempDir(), "x")
	require.ErrorContains(t, journal.Restore(bytes.NewReader(snap.Bytes()), missing), "unexpected entry")
	_, err = os.Stat(missing)
	require.ErrorIs(t, err, fs.ErrNotExist)
	empty := t.TempDir()
	require.ErrorContains(t, journal.Restore(bytes.NewReader(snap.Bytes()), empty), "unexpected entry")
	left, err := os.ReadDir(empty)
	require.NoError(t, err)
	require.Empty(t, left)

	mem := newFixture(t)
	defer mem.st.Close()
	require.ErrorIs(t, mem.st.Account().Checkpoint(), localwatch.ErrNoDataDir)
}

// Options.CheckpointAfter: an account whose journal grows by that much
// since its last checkpoint writes the next one by itself (the call that
// finds it so writes it before it runs). Here every few calls: the alarm,
// its history, the metric and the CloudTrail history are those of the same
// calls in memory; the journal a snapshot (or a crash) holds is only what
// came after the last checkpoint; and it opens to the same account.
func TestAnAccountCheckpointsByItselfOnceItsJournalHasGrownByCheckpointAfter(t *testing.T) {
	control := openPersistent(t, "")
	defer control.acct.Close()
	control.firstHalf()
	control.secondHalf()

	dir := t.TempDir()
	clk := localwatch.NewManualClock(persistStart)
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: clk, IDSeed: 9, DataDir: dir, CheckpointAfter: 1 << 10})
	require.NoError(t, err)
	p := &persistent{t: t, clk: clk, acct: acct, ctx: control.ctx}
	p.firstHalf()
	p.secondHalf()
	wantAlarm, wantHist, wantStats, wantEvents := control.observe()
	alarm, hist, stats, events := p.observe()
	require.Equal(t, wantAlarm, alarm)
	require.Equal(t, wantHist, hist)
	require.Equal(t, wantStats, stats)
	require.Equal(t, wantEvents, events)

	_, err = os.Stat(filepath.Join(dir, "checkpoint"))
	require.NoError(t, err, "no checkpoint was written")
	var snap bytes.Buffer
	require.NoError(t, acct.Snapshot(&snap))
	tr := tar.NewReader(bytes.NewReader(snap.Bytes()))
	var journalBytes int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if strings.HasPrefix(h.Name, "journal/") {
			journalBytes += h.Size
		}
	}
	assert.Less(t, journalBytes, int64(4<<10), "the journal after the last checkpoint")
	acct.Close()

	re, err := localwatch.Restore(bytes.NewReader(snap.Bytes()), localwatch.Options{Clock: localwatch.NewManualClock(persistStart),
		DataDir: filepath.Join(t.TempDir(), "restored")})
	require.NoError(t, err)
	defer re.Close()
	p2 := &persistent{t: t, acct: re, ctx: control.ctx}
	alarm, hist, stats, events = p2.observe()
	assert.Equal(t, wantAlarm, alarm)
	assert.Equal(t, wantHist, hist)
	assert.Equal(t, wantStats, stats)
	assert.Equal(t, wantEvents, events[len(events)-len(wantEvents):], "the CloudTrail history (the observation's own reads come first)")
}
