package localwatch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var persistStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// persistent is an account whose calls are scripted in two halves, so a test
// can close and reopen it between them.
type persistent struct {
	t    *testing.T
	clk  *localwatch.ManualClock
	acct *localwatch.Account
	ctx  context.Context
}

func openPersistent(t *testing.T, dir string) *persistent {
	t.Helper()
	clk := localwatch.NewManualClock(persistStart)
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: clk, IDSeed: 9, DataDir: dir})
	require.NoError(t, err)
	return &persistent{t: t, clk: clk, acct: acct,
		ctx: localwatch.WithIdentity(context.Background(), localwatch.IAMUser("123456789012", "alice", "AKIAEXAMPLE"))}
}

func (p *persistent) st() *localwatch.Stack { return p.acct.Region("us-east-1") }

func (p *persistent) put(v float64) {
	p.t.Helper()
	_, err := p.st().Metrics.PutMetricData(p.ctx, metrics.PutMetricDataInput{Namespace: "App", MetricData: []metrics.MetricDatum{
		{MetricName: "Latency", Value: metrics.Float(v), Dimensions: []metrics.Dimension{{Name: "Host", Value: "a"}}}}})
	require.NoError(p.t, err)
}

// firstHalf creates an alarm on a metric, feeds it breaching data until it
// goes to ALARM, then goes on feeding it.
func (p *persistent) firstHalf() {
	_, err := p.st().Alarms.PutMetricAlarm(p.ctx, alarms.PutMetricAlarmInput{AlarmName: "latency-high", Namespace: "App", MetricName: "Latency",
		Dimensions: []metrics.Dimension{{Name: "Host", Value: "a"}}, Statistic: metrics.StatAverage, Period: 60, EvaluationPeriods: 2,
		Threshold: metrics.Float(100), ComparisonOperator: alarms.GreaterThanThreshold})
	require.NoError(p.t, err)
	for range 5 {
		p.put(250)
		p.clk.Advance(time.Minute)
	}
	_, err = p.st().Metrics.PutMetricData(p.ctx, metrics.PutMetricDataInput{Namespace: "AWS/EC2"}) // rejected: reserved
	require.Error(p.t, err)
	p.clk.Advance(17 * time.Second)
}

// secondHalf keeps the alarm breaching for a while, then lets it recover.
func (p *persistent) secondHalf() {
	for range 3 {
		p.put(300)
		p.clk.Advance(time.Minute)
	}
	for range 3 {
		p.put(10)
		p.clk.Advance(time.Minute)
	}
}

// observe returns what the account shows: the alarm, its history, the
// metric's statistics and the CloudTrail event history.
func (p *persistent) observe() (alarm, history, stats string, events []string) {
	ctx := context.Background()
	st := p.st()
	da, err := st.Alarms.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{})
	require.NoError(p.t, err)
	dh, err := st.Alarms.DescribeAlarmHistory(ctx, alarms.DescribeAlarmHistoryInput{AlarmName: "latency-high", MaxRecords: ptr(int32(100))})
	require.NoError(p.t, err)
	gs, err := st.Metrics.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{Namespace: "App", MetricName: "Latency",
		Dimensions: []metrics.Dimension{{Name: "Host", Value: "a"}}, StartTime: persistStart, EndTime: persistStart.Add(time.Hour),
		Period: 60, Statistics: []metrics.Statistic{metrics.StatAverage, metrics.StatSampleCount}})
	require.NoError(p.t, err)
	for ev, err := range st.Trail.LookupEventsAll(ctx, trail.LookupEventsInput{}) {
		require.NoError(p.t, err)
		events = append(events, ev.CloudTrailEvent)
	}
	j := func(v any) string { b, _ := json.MarshalIndent(v, "", " "); return string(b) }
	return j(da), j(dh), j(gs), events
}

// The account's state and its schedules survive a restart: the same calls
// made across a close and reopen give exactly what they give without one —
// the alarm's state and history (no spurious INSUFFICIENT_DATA on reopen, no
// repeated transition), the metric's statistics and the CloudTrail event
// history, event IDs and request IDs included.
func TestRestartGivesTheStateAndSchedulesOfAnUninterruptedRun(t *testing.T) {
	control := openPersistent(t, "")
	control.firstHalf()
	control.secondHalf()
	wantAlarm, wantHist, wantStats, wantEvents := control.observe()
	control.acct.Close()
	require.Contains(t, wantHist, "from INSUFFICIENT_DATA to ALARM", "the scenario must make the alarm change state")
	require.Contains(t, wantHist, "from ALARM to OK")

	dir := t.TempDir()
	p := openPersistent(t, dir)
	p.firstHalf()
	end := p.clk.Now()
	p.acct.Close()

	p2 := openPersistent(t, dir)
	defer p2.acct.Close()
	assert.False(t, p2.clk.Now().Before(end.Add(-time.Minute)), "the manual clock goes on from the last record, not from its start")
	p2.clk.Set(end) // the time the first account stopped at
	p2.secondHalf()
	gotAlarm, gotHist, gotStats, gotEvents := p2.observe()
	assert.Equal(t, wantAlarm, gotAlarm)
	assert.Equal(t, wantHist, gotHist)
	assert.Equal(t, wantStats, gotStats)
	assert.Equal(t, wantEvents, gotEvents)
}

func TestReopenedAccountHasTheStateBeforeClose(t *testing.T) {
	dir := t.TempDir()
	p := openPersistent(t, dir)
	p.firstHalf()
	alarm, hist, stats, _ := p.observe()
	p.acct.Close()

	p2 := openPersistent(t, dir)
	defer p2.acct.Close()
	a2, h2, s2, _ := p2.observe()
	assert.Equal(t, alarm, a2)
	assert.Equal(t, hist, h2)
	assert.Equal(t, stats, s2)
	assert.Contains(t, a2, `"StateValue": "ALARM"`)
}

func TestASecondAccountOnTheSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	p := openPersistent(t, dir)
	defer p.acct.Close()
	_, err := localwatch.NewAccount(localwatch.Options{DataDir: dir})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "in use by another process")
}

func TestSnapshotAndRestoreCarryTheWholeAccount(t *testing.T) {
	p := openPersistent(t, t.TempDir())
	p.firstHalf()
	var snap bytes.Buffer
	require.NoError(t, p.acct.Snapshot(&snap))
	alarm, hist, stats, _ := p.observe()
	p.acct.Close()

	dir := filepath.Join(t.TempDir(), "restored")
	acct, err := localwatch.Restore(&snap, localwatch.Options{Clock: localwatch.NewManualClock(persistStart), DataDir: dir})
	require.NoError(t, err)
	p2 := &persistent{t: t, acct: acct, ctx: context.Background()}
	defer acct.Close()
	a2, h2, s2, _ := p2.observe()
	assert.Equal(t, alarm, a2)
	assert.Equal(t, hist, h2)
	assert.Equal(t, stats, s2)

	inMemory, err := localwatch.NewAccount(localwatch.Options{})
	require.NoError(t, err)
	defer inMemory.Close()
	assert.True(t, errors.Is(inMemory.Snapshot(&snap), localwatch.ErrNoDataDir))
}

func TestADataDirOfANewerFormatIsRefused(t *testing.T) {
	dir := t.TempDir()
	p := openPersistent(t, dir)
	p.acct.Close()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "FORMAT"), []byte("localwatch journal 99\n"), 0o644))
	_, err := localwatch.NewAccount(localwatch.Options{DataDir: dir})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "newer"), err.Error())
}

// What an application publishes on the bus for the services to consume (log
// events, metric data) survives a restart like the calls do.
func TestPublishedEventsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	p := openPersistent(t, dir)
	_, err := p.st().Logs.CreateLogGroup(p.ctx, logs.CreateLogGroupInput{LogGroupName: "app"})
	require.NoError(t, err)
	require.NoError(t, localwatch.Publish(p.ctx, p.acct, localwatch.LogDelivery{LogGroupName: "app", LogStreamName: "web",
		Events: []localwatch.LogEvent{{Timestamp: persistStart.UnixMilli(), Message: "hello"}}}))
	require.NoError(t, localwatch.Publish(p.ctx, p.st(), metrics.DataEvent{Input: metrics.PutMetricDataInput{Namespace: "App",
		MetricData: []metrics.MetricDatum{{MetricName: "Published", Value: metrics.Float(1)}}}}))
	p.acct.Close()

	p2 := openPersistent(t, dir)
	defer p2.acct.Close()
	ev, err := p2.st().Logs.GetLogEvents(context.Background(), logs.GetLogEventsInput{LogGroupName: "app", LogStreamName: "web"})
	require.NoError(t, err)
	require.Len(t, ev.Events, 1)
	assert.Equal(t, "hello", ev.Events[0].Message)
	lm, err := p2.st().Metrics.ListMetrics(context.Background(), metrics.ListMetricsInput{MetricName: "Published"})
	require.NoError(t, err)
	assert.Len(t, lm.Metrics, 1)
}
