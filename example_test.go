package localwatch_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/trail"
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

// An account with two Regions: CloudTrail records IAM events in us-east-1
// whichever Region they were made through, as AWS does.
func ExampleNewAccount() {
	clk := localwatch.NewManualClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: clk, IDSeed: 1, Regions: []string{"us-east-1", "eu-west-1"}})
	if err != nil {
		panic(err)
	}
	defer acct.Close()
	alice := localwatch.WithIdentity(context.Background(), localwatch.Identity{Type: "IAMUser", UserName: "alice",
		ARN: "arn:aws:iam::123456789012:user/alice", AccountID: "123456789012", PrincipalID: "AIDAALICE"})
	eu := acct.Region("eu-west-1")
	for _, ev := range []trail.RecordEventInput{
		{EventSource: "iam.amazonaws.com", EventName: "CreateUser"},
		{EventSource: "ec2.amazonaws.com", EventName: "RunInstances"},
	} {
		if _, err := eu.Trail.RecordEvent(alice, ev); err != nil {
			panic(err)
		}
	}
	for _, region := range acct.Regions() {
		out, err := acct.Region(region).Trail.LookupEvents(context.Background(), trail.LookupEventsInput{
			LookupAttributes: []trail.LookupAttribute{{AttributeKey: "Username", AttributeValue: "alice"}}})
		if err != nil {
			panic(err)
		}
		for _, e := range out.Events {
			fmt.Println(region, e.EventName)
		}
	}
	// Output:
	// us-east-1 CreateUser
	// eu-west-1 RunInstances
}
