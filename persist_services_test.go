package localwatch_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryServiceSurvivesARestart builds the reliability fixture — every
// service with its resources: metrics, alarms (metric, math, composite, mute
// rules), dashboards, Logs (groups, events, filters, destinations, queries,
// exports, deliveries, policies), CloudTrail (trails, selectors, deliveries
// and digests), Config (recorder, channel, rules, items, evaluations), SNS
// (topics, subscriptions, platform endpoints, SMS), Contributor Insights — on
// an account with a DataDir, runs its schedules for two hours, closes it and
// reopens the directory: every service describes the same state, and the
// schedules go on from there exactly as they would have without the restart.
func TestEveryServiceSurvivesARestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole fixture three times")
	}
	dir := t.TempDir()
	fx := newFixtureIn(t, dir)
	fx.clk.Advance(2 * time.Hour) // alarm evaluations, trail deliveries and digests, Config deliveries, retention
	before := fx.snapshot()
	end := fx.clk.Now()
	fx.st.Close()

	re := openFixture(t, dir)
	defer re.st.Close()
	re.clk.Set(end)
	after := re.snapshot()
	assertSameLines(t, before, after)

	// The schedules resume: an uninterrupted in-memory run and the reopened
	// one, moved on by the same hour, agree.
	control := newFixture(t)
	defer control.st.Close()
	control.clk.Advance(2 * time.Hour)
	require.Equal(t, before, control.snapshot(), "the persistent fixture must equal the in-memory one")
	control.clk.Advance(time.Hour)
	re.clk.Advance(time.Hour)
	assertSameLines(t, control.snapshot(), re.snapshot())

	// CloudTrail's digest chain runs on across the restart: the validator
	// accepts every digest and log file, those delivered before and after.
	rep, err := re.st.Trail.ValidateLogs(context.Background(), trail.ValidateLogsInput{TrailName: "audit", StartTime: fixtureStart})
	require.NoError(t, err)
	assert.Zero(t, rep.InvalidDigests, "invalid digests")
	assert.Zero(t, rep.InvalidLogs, "invalid log files")
	assert.Empty(t, rep.Gaps, "gaps in the digest chain")
	assert.GreaterOrEqual(t, rep.ValidDigests, 3, "hourly digests from before and after the restart")
	assert.Positive(t, rep.ValidLogs)
}

// assertSameLines compares two fixture snapshots line by line and names
// the operations whose answers differ (up to ten), then shows the first.
func assertSameLines(t *testing.T, want, got string) {
	t.Helper()
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var differ []string
	first := -1
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			label, _, _ := strings.Cut(w[i], ":")
			differ = append(differ, label)
			if first < 0 {
				first = i
			}
		}
	}
	if first >= 0 {
		t.Errorf("%d snapshot lines differ: %v", len(differ), differ[:min(10, len(differ))])
		assert.Equal(t, w[first], g[first], "line %d of the snapshot", first)
	}
	assert.Equal(t, len(w), len(g), "snapshot lines")
}
