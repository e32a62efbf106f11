package logs

import (
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeqWalkersFollowPages(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		e.group(t, fmt.Sprint("g", i), "s")
	}
	now := e.now()
	var evs []InputLogEvent
	for i := range 25 {
		evs = append(evs, ev(now+int64(i), fmt.Sprint("m", i)))
	}
	e.put(t, "g0", "s", evs...)
	n := 0
	for ev, err := range e.s.FilterLogEventsAll(ctx, FilterLogEventsInput{LogGroupName: "g0", Limit: Int32(4)}) {
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint("m", n), ev.Message)
		n++
	}
	assert.Equal(t, 25, n)
	var names []string
	for g, err := range e.s.DescribeLogGroupsAll(ctx, DescribeLogGroupsInput{Limit: Int32(1)}) {
		require.NoError(t, err)
		names = append(names, g.LogGroupName)
	}
	assert.Equal(t, []string{"g0", "g1", "g2"}, names)
	for _, err := range e.s.FilterLogEventsAll(ctx, FilterLogEventsInput{LogGroupName: "missing"}) {
		assertCode(t, err, "ResourceNotFoundException")
	}
}

func TestConcurrentWritersAndReaders(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "a", "b", "c", "d")
	_, err := e.s.PutMetricFilter(ctx, mfInput("m", "ERROR", MetricTransformation{MetricName: "E", MetricNamespace: "N", MetricValue: "1"}))
	require.NoError(t, err)
	_, err = e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: "s", FilterPattern: "ERROR", DestinationArn: lambdaARN})
	require.NoError(t, err)
	now := e.now()
	done := make(chan struct{})
	for w, st := range []string{"a", "b", "c", "d"} {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 50 {
				// Every other batch is late, so reads also re-sort.
				ts := now - int64((i%2)*5000) + int64(i)
				_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: st, LogEvents: []InputLogEvent{
					ev(ts, fmt.Sprint("ERROR w", w, " i", i)), ev(ts+1, "INFO"),
				}})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				if _, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", FilterPattern: "ERROR"}); err != nil {
					t.Error(err)
					return
				}
				_, _ = e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: st})
			}
		}()
	}
	// The clock runs meanwhile: metric publication and retention sweeps
	// (RetentionSweep is raised to a minute) interleave with the calls.
	_, err = e.s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "g", RetentionInDays: 1})
	require.NoError(t, err)
	go func() {
		defer func() { done <- struct{}{} }()
		for range 30 {
			e.clk.Advance(10 * time.Second)
		}
	}()
	for range 9 {
		<-done
	}
	out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", FilterPattern: "ERROR"})
	require.NoError(t, err)
	assert.Len(t, out.Events, 200)
	for i := 1; i < len(out.Events); i++ {
		assert.LessOrEqual(t, out.Events[i-1].Timestamp, out.Events[i].Timestamp)
	}
	e.s.FlushMetrics(ctx)
	e.mu.Lock()
	defer e.mu.Unlock()
	var sum float64
	for _, d := range e.data {
		for _, m := range d.Input.MetricData {
			sum += m.StatisticValues.Sum
		}
	}
	assert.Equal(t, 200.0, sum)
	assert.Len(t, e.subs, 200)
}

// collect walks seq, failing the test on an error, and names each item.
func collect[T any](t *testing.T, seq iter.Seq2[T, error], name func(T) string) []string {
	t.Helper()
	var out []string
	for x, err := range seq {
		require.NoError(t, err)
		out = append(out, name(x))
	}
	return out
}

func TestAllIteratorsWalkEveryPage(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	for i := range 3 {
		e.group(t, fmt.Sprint("g", i), "s0", "s1", "s2")
	}
	for i := range 3 {
		_, err := e.s.PutMetricFilter(ctx, mfInput(fmt.Sprint("m", i), "ERROR", MetricTransformation{MetricName: "E", MetricNamespace: "N", MetricValue: "1"}))
		require.NoError(t, err)
	}
	for i := range 2 {
		_, err := e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: fmt.Sprint("s", i), DestinationArn: lambdaARN})
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"g", "g0", "g1", "g2"}, collect(t, e.s.ListLogGroupsAll(ctx, ListLogGroupsInput{Limit: Int32(1)}),
		func(g LogGroupSummary) string { return g.LogGroupName }))
	assert.Equal(t, []string{"s0", "s1", "s2"}, collect(t, e.s.DescribeLogStreamsAll(ctx, DescribeLogStreamsInput{LogGroupName: "g1", Limit: Int32(2)}),
		func(st LogStream) string { return st.LogStreamName }))
	assert.Equal(t, []string{"m0", "m1", "m2"}, collect(t, e.s.DescribeMetricFiltersAll(ctx, DescribeMetricFiltersInput{LogGroupName: "g", Limit: Int32(1)}),
		func(f MetricFilter) string { return f.FilterName }))
	assert.Equal(t, []string{"s0", "s1"}, collect(t, e.s.DescribeSubscriptionFiltersAll(ctx, DescribeSubscriptionFiltersInput{LogGroupName: "g", Limit: Int32(1)}),
		func(f SubscriptionFilter) string { return f.FilterName }))

	// Stopping early makes no further call.
	e.mu.Lock()
	before := len(e.calls)
	e.mu.Unlock()
	for range e.s.DescribeLogStreamsAll(ctx, DescribeLogStreamsInput{LogGroupName: "g1", Limit: Int32(1)}) {
		break
	}
	e.mu.Lock()
	assert.Equal(t, before+1, len(e.calls))
	e.mu.Unlock()

	// An error ends the walk after one yield.
	n := 0
	for _, err := range e.s.DescribeMetricFiltersAll(ctx, DescribeMetricFiltersInput{LogGroupName: "missing"}) {
		assertCode(t, err, "ResourceNotFoundException")
		n++
	}
	assert.Equal(t, 1, n)
}
