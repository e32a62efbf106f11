package localwatch_test

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
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

	// The same as replaying the whole journal.
	whole := filepath.Join(t.TempDir(), "whole")
	copyTree(t, crashed, whole)
	require.NoError(t, os.Remove(filepath.Join(whole, "checkpoint")))
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
// came after it, and the state is the live one.
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
	require.NoError(t, fx.st.Account().Snapshot(io.Discard)) // writes out what the journal holds
	crashed := filepath.Join(t.TempDir(), "crashed")
	copyTree(t, dir, crashed)
	end := fx.clk.Now()
	fx.st.Close()

	re := openFixture(t, crashed)
	defer re.st.Close()
	re.clk.Set(end)
	assertSameLines(t, live, re.snapshot())
	mem := newFixture(t)
	defer mem.st.Close()
	require.ErrorIs(t, mem.st.Account().Checkpoint(), localwatch.ErrNoDataDir)
}
