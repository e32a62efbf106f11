package logs

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/bus"
	"github.com/localwatch/localwatch/internal/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16: nothing an input or a subscriber does can panic, wedge, stall or
// silently lose data.

func TestPutMetricFilterRefusesValuesCloudWatchCannotStore(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	ok := MetricTransformation{MetricName: "Errors", MetricNamespace: "App", MetricValue: "1"}
	with := func(f func(*MetricTransformation)) MetricTransformation { m := ok; f(&m); return m }
	for _, c := range []struct {
		name string
		t    MetricTransformation
		code string
	}{
		{"defaultValue NaN is refused", with(func(m *MetricTransformation) { m.DefaultValue = metrics.Float(math.NaN()) }), "InvalidParameterException"},
		{"defaultValue +Inf is refused", with(func(m *MetricTransformation) { m.DefaultValue = metrics.Float(math.Inf(1)) }), "InvalidParameterException"},
		{"defaultValue -Inf is refused", with(func(m *MetricTransformation) { m.DefaultValue = metrics.Float(math.Inf(-1)) }), "InvalidParameterException"},
		{"defaultValue beyond 2^360 is refused", with(func(m *MetricTransformation) { m.DefaultValue = metrics.Float(1e200) }), "InvalidParameterException"},
		{"defaultValue 0 is accepted", with(func(m *MetricTransformation) { m.DefaultValue = metrics.Float(0) }), ""},
		{"metricValue 1e200 is refused", with(func(m *MetricTransformation) { m.MetricValue = "1e200" }), "InvalidParameterException"},
		{"metricValue Inf is refused", with(func(m *MetricTransformation) { m.MetricValue = "Inf" }), "InvalidParameterException"},
		{"metricValue 1e-200 is refused", with(func(m *MetricTransformation) { m.MetricValue = "1e-200" }), "InvalidParameterException"},
		{"metricValue 2.5 is accepted", with(func(m *MetricTransformation) { m.MetricValue = "2.5" }), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.PutMetricFilter(ctx, mfInput("f", "ERROR", c.t))
			if c.code == "" {
				require.NoError(t, err)
				return
			}
			assertCode(t, err, c.code)
		})
	}
}

// withMetrics returns an env whose bus also feeds a real metrics service.
func withMetrics(t *testing.T) (*env, *metrics.Service, *[]error) {
	e := newEnv(t)
	m := metrics.New(metrics.Options{Clock: e.clk, Bus: e.bus, IDs: ids.New(2)})
	var errs []error
	e.bus.OnError(func(err error) { errs = append(errs, err) })
	return e, m, &errs
}

func sumOf(t *testing.T, m *metrics.Service, ns, name string, start time.Time) float64 {
	t.Helper()
	out, err := m.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{Namespace: ns, MetricName: name,
		StartTime: start.Add(-time.Hour), EndTime: start.Add(time.Hour), Period: 60, Statistics: []metrics.Statistic{metrics.StatSum}})
	require.NoError(t, err)
	total := 0.0
	for _, p := range out.Datapoints {
		total += *p.Sum
	}
	return total
}

func TestAnExtractedValueOutOfCloudWatchRangeSkipsOnlyThatEvent(t *testing.T) {
	e, m, errs := withMetrics(t)
	e.group(t, "g", "s")
	_, err := e.s.PutMetricFilter(ctx, mfInput("lat", "{ $.latency = * }", MetricTransformation{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$.latency"}))
	require.NoError(t, err)
	_, err = e.s.PutMetricFilter(ctx, mfInput("err", "ERROR", MetricTransformation{MetricName: "Errors", MetricNamespace: "App", MetricValue: "1"}))
	require.NoError(t, err)
	now := e.now()
	e.put(t, "g", "s", ev(now, `{"latency": 5}`), ev(now+1, `{"latency": 1e200}`), ev(now+2, `{"latency": 7}`), ev(now+3, "ERROR x"))
	e.clk.Advance(time.Minute)
	assert.Empty(t, *errs, "nothing was refused")
	assert.Equal(t, 12.0, sumOf(t, m, "App", "Latency", e.clk.Now()))
	assert.Equal(t, 1.0, sumOf(t, m, "App", "Errors", e.clk.Now()))
}

func TestAMinuteWhoseSumOverflowsDoesNotLoseTheOtherMinutesAndFilters(t *testing.T) {
	e, m, errs := withMetrics(t)
	e.group(t, "g", "s")
	_, err := e.s.PutMetricFilter(ctx, mfInput("lat", "{ $.latency = * }", MetricTransformation{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$.latency"}))
	require.NoError(t, err)
	_, err = e.s.PutMetricFilter(ctx, mfInput("err", "ERROR", MetricTransformation{MetricName: "Errors", MetricNamespace: "App", MetricValue: "1"}))
	require.NoError(t, err)
	now := e.now()
	// Each value is in range; their sum is not.
	e.put(t, "g", "s", ev(now, `{"latency": 1e108}`), ev(now+1, `{"latency": 1e108}`), ev(now+2, "ERROR x"))
	e.put(t, "g", "s", ev(now+60000, `{"latency": 3}`))
	e.clk.Advance(2 * time.Minute)
	assert.Len(t, *errs, 1, "the one refused datum is reported")
	assert.Equal(t, 1.0, sumOf(t, m, "App", "Errors", e.clk.Now()))
	assert.Equal(t, 3.0, sumOf(t, m, "App", "Latency", e.clk.Now()))
}

var _ = errors.New
var _ = bus.Publish[int]
var _ clock.Clock
var _ context.Context

// Issue 16.6: FilterLogEvents held the service-wide lock while it scanned, so a
// costly pattern over a large group held up every PutLogEvents.
func TestFilterLogEventsScansWithoutHoldingUpWriters(t *testing.T) {
	e := newEnv(t)
	e.group(t, "big", "s")
	e.group(t, "other", "s")
	e.put(t, "big", "s", ev(e.now(), "aaaa"), ev(e.now()+1, "ab"))
	wrote := make(chan error, 1)
	testHookScan = func() {
		testHookScan = nil
		go func() {
			_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "other", LogStreamName: "s", LogEvents: []InputLogEvent{ev(e.now(), "x")}})
			wrote <- err
		}()
		select {
		case err := <-wrote:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("PutLogEvents into another group waited for the scan")
		}
	}
	defer func() { testHookScan = nil }()
	out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "big", FilterPattern: "%a{1,1000}b%"})
	require.NoError(t, err)
	assert.Len(t, out.Events, 1)
}

// A scan reads a snapshot: events stored (even late ones, which re-sort the
// stream's tail) while it runs do not disturb what it reads.
func TestFilterLogEventsReadsASnapshotWhileLateEventsAreSorted(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	now := e.now()
	e.put(t, "g", "s", ev(now, "one"), ev(now+10, "three"))
	testHookScan = func() {
		testHookScan = nil
		e.put(t, "g", "s", ev(now+5, "two late"))
		_, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s"}) // sorts the tail
		require.NoError(t, err)
	}
	defer func() { testHookScan = nil }()
	out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g"})
	require.NoError(t, err)
	var msgs []string
	for _, x := range out.Events {
		msgs = append(msgs, x.Message)
	}
	assert.Equal(t, []string{"one", "three"}, msgs)
	out, err = e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g"})
	require.NoError(t, err)
	assert.Len(t, out.Events, 3)
}
