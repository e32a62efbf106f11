package alarms_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/metrics"
)

// Example shows how to unit-test an alarm: define it as in AWS, feed it data
// through a MetricSource, move a manual clock and watch the state changes and
// the SNS notification.
func Example() {
	start := time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)
	b := new(localwatch.Bus)

	// A metric source with one datapoint per minute: 40, 95, 97.
	values := map[time.Time]float64{start: 40, start.Add(time.Minute): 95, start.Add(2 * time.Minute): 97}
	src := alarms.MetricSourceFunc(func(_ context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
		r := metrics.MetricDataResult{Id: in.MetricDataQueries[0].Id}
		for t := in.StartTime; t.Before(in.EndTime); t = t.Add(time.Minute) {
			if v, ok := values[t]; ok {
				r.Timestamps, r.Values = append(r.Timestamps, t), append(r.Values, v)
			}
		}
		return &metrics.GetMetricDataOutput{MetricDataResults: []metrics.MetricDataResult{r}}, nil
	})

	svc := alarms.New(alarms.Options{Clock: clk, Bus: b, IDs: localwatch.NewIDSource(1), Metrics: src})
	defer svc.Close()
	localwatch.Subscribe(b, "example", func(_ context.Context, c alarms.StateChange) error {
		fmt.Printf("%s %s: %s -> %s\n", c.Time.Format("15:04"), c.AlarmName, c.OldState, c.NewState)
		return nil
	})
	localwatch.Subscribe(b, "example", func(_ context.Context, n localwatch.Notification) error {
		fmt.Println("notification:", n.Subject)
		return nil
	})

	threshold := 90.0
	_, err := svc.PutMetricAlarm(context.Background(), alarms.PutMetricAlarmInput{
		AlarmName: "HighCPU", Namespace: "App", MetricName: "CPU", Statistic: metrics.StatAverage,
		Period: 60, EvaluationPeriods: 2, Threshold: &threshold,
		ComparisonOperator: alarms.GreaterThanThreshold,
		AlarmActions:       []string{"arn:aws:sns:us-east-1:123456789012:ops"},
	})
	if err != nil {
		panic(err)
	}
	clk.Advance(3 * time.Minute)

	out, _ := svc.DescribeAlarms(context.Background(), alarms.DescribeAlarmsInput{AlarmNames: []string{"HighCPU"}})
	fmt.Println(out.MetricAlarms[0].StateReason)
	// Output:
	// 19:01 HighCPU: INSUFFICIENT_DATA -> OK
	// 19:03 HighCPU: OK -> ALARM
	// notification: ALARM: "HighCPU" in US East (N. Virginia)
	// Threshold Crossed: 2 datapoints [97.0 (24/11/26 19:02:00), 95.0 (24/11/26 19:01:00)] were greater than the threshold (90.0).
}

// ExampleEvaluate evaluates one alarm definition against the datapoints of its
// evaluation range, without a service.
func ExampleEvaluate() {
	threshold := 1.0
	def := alarms.PutMetricAlarmInput{
		AlarmName: "errors", Namespace: "App", MetricName: "Errors", Statistic: metrics.StatSum,
		Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: &threshold,
		ComparisonOperator: alarms.GreaterThanOrEqualToThreshold, TreatMissingData: alarms.TreatMissing,
	}
	now := time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)
	// "- - X - -": one breaching datapoint three periods ago, nothing since.
	ev, err := alarms.Evaluate(def, alarms.EvaluationInput{Time: now, Previous: alarms.StateOK,
		Datapoints: []alarms.Datapoint{{Timestamp: now.Add(-15 * time.Minute), Value: 4, SampleCount: 4}}})
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.State)
	fmt.Println(ev.Reason)
	// Output:
	// ALARM
	// Threshold Crossed: 1 out of the last 3 datapoints [4.0 (24/11/26 18:45:00)] was greater than or equal to the threshold (1.0) (minimum 3 datapoints for OK -> ALARM transition).
}
