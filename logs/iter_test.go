package logs

import (
	"fmt"
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
	for ev, err := range e.s.FilterLogEventsSeq(ctx, FilterLogEventsInput{LogGroupName: "g0", Limit: Int32(4)}) {
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint("m", n), ev.Message)
		n++
	}
	assert.Equal(t, 25, n)
	var names []string
	for g, err := range e.s.DescribeLogGroupsSeq(ctx, DescribeLogGroupsInput{Limit: Int32(1)}) {
		require.NoError(t, err)
		names = append(names, g.LogGroupName)
	}
	assert.Equal(t, []string{"g0", "g1", "g2"}, names)
	for _, err := range e.s.FilterLogEventsSeq(ctx, FilterLogEventsInput{LogGroupName: "missing"}) {
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
