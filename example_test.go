package localwatch_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/metrics"
)

// A whole stack on a manual clock: data goes in, an alarm evaluates on the
// clock, and every API call is visible on the bus (CloudTrail records them).
func Example() {
	clk := localwatch.NewManualClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
	defer st.Close()
	ctx := context.Background()
	localwatch.Subscribe(st, "print", func(_ context.Context, c alarms.StateChange) error {
		fmt.Printf("%s %s: %s -> %s\n", c.Time.Format(time.TimeOnly), c.AlarmName, c.OldState, c.NewState)
		return nil
	})
	_, err := st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "slow", Namespace: "Shop",
		MetricName: "Latency", Statistic: metrics.StatAverage, Period: 60, EvaluationPeriods: 1,
		Threshold: metrics.Float(100), ComparisonOperator: alarms.GreaterThanThreshold})
	if err != nil {
		panic(err)
	}
	clk.Advance(time.Minute)
	_, err = st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{
		{MetricName: "Latency", Value: metrics.Float(140)}}})
	if err != nil {
		panic(err)
	}
	clk.Advance(2 * time.Minute)
	// Output:
	// 12:02:00 slow: INSUFFICIENT_DATA -> ALARM
}
