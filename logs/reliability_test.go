package logs

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
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

// operations calls every exported operation of the shape
// Op(ctx, Input) (*Output, error) with ctx and a zero Input.
func operations(t *testing.T, s *Service, c context.Context, check func(name string, err error)) {
	t.Helper()
	v := reflect.ValueOf(s)
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	n := 0
	for i := range v.NumMethod() {
		m := v.Type().Method(i)
		ft := m.Type
		if ft.NumIn() != 3 || ft.In(1) != ctxType || ft.NumOut() != 2 || ft.Out(1) != errType {
			continue
		}
		n++
		arg := reflect.ValueOf(c)
		if c == nil {
			arg = reflect.Zero(ctxType)
		}
		var out []reflect.Value
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s panicked: %v", m.Name, r)
				}
			}()
			out = v.Method(i).Call([]reflect.Value{arg, reflect.Zero(ft.In(2))})
		}()
		if out != nil {
			err, _ := out[1].Interface().(error)
			check(m.Name, err)
		}
	}
	require.Greater(t, n, 20)
}

func TestANilContextBehavesAsBackgroundInEveryOperation(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	operations(t, e.s, nil, func(name string, err error) {
		if err != nil {
			var ae *awserr.Error
			assert.True(t, errors.As(err, &ae), "%s answers a typed AWS error, not %T", name, err)
		}
	})
	//lint:ignore SA1012 a nil context is what this test checks
	e.s.FlushMetrics(nil)
}

func TestAfterCloseEveryOperationAnswersServiceUnavailableException(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	e.s.Close()
	e.s.Close() // idempotent
	operations(t, e.s, ctx, func(name string, err error) {
		require.Error(t, err, name)
		assert.Equal(t, "ServiceUnavailableException", awserr.Code(err), "%s: %v", name, err)
		assert.True(t, errors.Is(err, ErrServiceUnavailable), name)
		var ae *awserr.Error
		require.True(t, errors.As(err, &ae))
		assert.Equal(t, 503, ae.HTTPStatus(), name)
	})
}

func TestAPanickingDestinationIsRecoveredAndReported(t *testing.T) {
	var logged strings.Builder
	clk := clock.NewManual(t0)
	b := &bus.Bus{}
	s := New(Options{Clock: clk, Bus: b, IDs: ids.New(1), Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	t.Cleanup(s.Close)
	var onBus int
	bus.Subscribe(b, "t", func(context.Context, SubscriptionDelivery) error { onBus++; return nil })
	_, err := s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "g"})
	require.NoError(t, err)
	_, err = s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "g", LogStreamName: "s"})
	require.NoError(t, err)
	fn := "arn:aws:lambda:us-east-1:123456789012:function:boom"
	s.RegisterDestination(fn, func(context.Context, SubscriptionDelivery) error { panic("boom") })
	_, err = s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: "f", DestinationArn: fn})
	require.NoError(t, err)
	_, err = s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: []InputLogEvent{ev(t0.UnixMilli(), "x")}})
	require.NoError(t, err, "the write succeeded; the destination's panic is not the caller's")
	assert.Equal(t, 1, onBus, "the delivery still reached the bus")
	assert.Contains(t, logged.String(), "boom")
	assert.Contains(t, logged.String(), fn)
	// The service still works.
	_, err = s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: []InputLogEvent{ev(t0.UnixMilli(), "y")}})
	require.NoError(t, err)
}

func TestTimeRangesAtTheExtremesDoNotOverflow(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	e.put(t, "g", "s", ev(e.now(), "a"), ev(e.now()+1, "b"))
	maxT := int64(math.MaxInt64)
	zero := int64(0)
	out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", StartTime: &zero, EndTime: &maxT})
	require.NoError(t, err)
	assert.Len(t, out.Events, 2, "EndTime at the maximum covers every event")
	got, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartTime: &zero, EndTime: &maxT})
	require.NoError(t, err)
	assert.Len(t, got.Events, 2)
	out, err = e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", StartTime: &maxT, EndTime: &maxT})
	require.NoError(t, err)
	assert.Empty(t, out.Events)
}

func TestRetentionSweepIntervalHasALowerBound(t *testing.T) {
	clk := clock.NewManual(t0)
	s := New(Options{Clock: clk, RetentionSweep: time.Nanosecond})
	t.Cleanup(s.Close)
	clk.Advance(time.Millisecond)
	assert.Equal(t, 0, s.sweeps, "a 1 ns interval is raised to MinRetentionSweep")
	clk.Advance(time.Minute)
	assert.Equal(t, 1, s.sweeps)
}

// Issue 15: metric filters and subscription filters pay nothing per event for
// the events they do not want: a batch none of the filters matches allocates
// as much as a batch into a group without filters.
func TestFiltersDoNoPerEventWorkForEventsTheyDoNotWant(t *testing.T) {
	e := newEnv(t)
	e.group(t, "plain", "s")
	e.group(t, "filtered", "s")
	for _, f := range []PutMetricFilterInput{
		mfInput("terms", "ERROR timeout", MetricTransformation{MetricName: "E", MetricNamespace: "N", MetricValue: "1"}),
		mfInput("json", "{ $.status = 500 }", MetricTransformation{MetricName: "J", MetricNamespace: "N", MetricValue: "$.latency"}),
		mfInput("fields", "[ip, user, status = 500, bytes]", MetricTransformation{MetricName: "B", MetricNamespace: "N", MetricValue: "$bytes"}),
	} {
		f.LogGroupName = "filtered"
		_, err := e.s.PutMetricFilter(ctx, f)
		require.NoError(t, err)
	}
	_, err := e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "filtered", FilterName: "sub",
		FilterPattern: "[ip, user, status = 503, bytes]", DestinationArn: "arn:aws:lambda:us-east-1:123456789012:function:f"})
	require.NoError(t, err)
	evs := make([]InputLogEvent, 1000)
	for i := range evs {
		evs[i] = ev(e.now(), "10.0.0.1 bob 200 1234")
	}
	allocs := func(g string) float64 {
		return testing.AllocsPerRun(5, func() {
			_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: g, LogStreamName: "s", LogEvents: evs})
			require.NoError(t, err)
		})
	}
	plain, filtered := allocs("plain"), allocs("filtered")
	assert.LessOrEqual(t, filtered, plain+20, "allocations per batch of 1,000 unwanted events: %v with filters, %v without", filtered, plain)
}

// A late event used to make the next read re-sort the stream's tail under the
// service-wide write lock (1.3 s for an 800,000-event stream); the sort now
// runs on a snapshot, and events stored meanwhile are carried over.
func TestALateEventIsSortedWithoutStallingWritersAndKeepsWhatArrivesMeanwhile(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	e.group(t, "other", "s")
	now := e.now()
	e.put(t, "g", "s", ev(now-100, "a"), ev(now-50, "c"), ev(now-10, "e"))
	e.put(t, "g", "s", ev(now-60, "b late"))
	testHookSorted = func() {
		testHookSorted = nil
		wrote := make(chan error, 1)
		go func() {
			_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "other", LogStreamName: "s", LogEvents: []InputLogEvent{ev(now, "x")}})
			wrote <- err
		}()
		select {
		case err := <-wrote:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("PutLogEvents into another group waited for the sort")
		}
		// Stored while the sort ran: in order, then late again.
		e.put(t, "g", "s", ev(now, "f"))
		e.put(t, "g", "s", ev(now-20, "d late"))
	}
	defer func() { testHookSorted = nil }()
	out, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true)})
	require.NoError(t, err)
	var got []string
	for _, x := range out.Events {
		got = append(got, x.Message)
	}
	assert.Equal(t, []string{"a", "b late", "c", "d late", "e", "f"}, got, "the read snapshots after the sort")
	out, err = e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true)})
	require.NoError(t, err)
	got = got[:0]
	for _, x := range out.Events {
		got = append(got, x.Message)
	}
	assert.Equal(t, []string{"a", "b late", "c", "d late", "e", "f"}, got)
}
