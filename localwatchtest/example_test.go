package localwatchtest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/localwatchtest"
	"github.com/localwatch/localwatch/metrics"
)

// A test of an application's alarm: build a stack, record the alarm state
// changes and the API calls the bus carries, feed data, move time, read what
// happened.
func Example() {
	t := &testing.T{} // in a test, the *testing.T that go test passes

	st := localwatchtest.NewStack(t)
	changes := localwatchtest.Record[alarms.StateChange](t, st)
	calls := localwatchtest.Record[localwatch.APICall](t, st)
	ctx := context.Background()

	_, err := st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "slow", Namespace: "Shop",
		MetricName: "Latency", Statistic: metrics.StatAverage, Period: 60, EvaluationPeriods: 1,
		Threshold: metrics.Float(100), ComparisonOperator: alarms.GreaterThanThreshold})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{
		{MetricName: "Latency", Value: metrics.Float(140)}}})
	if err != nil {
		t.Fatal(err)
	}
	st.AdvanceToNext(time.Minute) // the evaluation of 10:01 sees the datum of 10:00
	st.Advance(time.Minute)

	for _, c := range changes.Events() {
		fmt.Printf("%s %s: %s -> %s\n", c.Time.Format(time.TimeOnly), c.AlarmName, c.OldState, c.NewState)
	}
	for _, c := range calls.Where(func(c localwatch.APICall) bool { return !c.ReadOnly }) {
		fmt.Println(c.EventSource, c.EventName)
	}
	// Output:
	// 10:01:00 slow: INSUFFICIENT_DATA -> ALARM
	// monitoring.amazonaws.com PutMetricAlarm
	// monitoring.amazonaws.com PutMetricData
}
