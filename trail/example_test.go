package trail_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/trail"
)

// A trail with log file validation records a CloudWatch call, delivers log
// files and hourly digests on the manual clock, and the delivered files
// validate.
func Example() {
	ctx := localwatch.WithIdentity(context.Background(), localwatch.IAMUser("123456789012", "alice", "AKIAEXAMPLE"))
	clk := localwatch.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	b := new(localwatch.Bus)
	store := &objstore.Memory{}
	ct := trail.New(trail.Options{Clock: clk, Bus: b, IDs: localwatch.NewIDSource(1), Shared: &trail.Shared{Store: store, KeySeed: 1}})
	defer ct.Close()

	_, _ = ct.CreateTrail(ctx, trail.CreateTrailInput{Name: "audit", S3BucketName: "my-trail-bucket", EnableLogFileValidation: trail.Bool(true)})
	_, _ = ct.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"})

	// Every service on the same bus publishes its API calls, which the trail
	// records: here CloudWatch alarms.
	cw := alarms.New(alarms.Options{Clock: clk, Bus: b, IDs: localwatch.NewIDSource(2)})
	defer cw.Close()
	threshold := 90.0
	_, _ = cw.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "cpu-high", Namespace: "AWS/EC2", MetricName: "CPUUtilization",
		Statistic: metrics.StatAverage, Period: 300, EvaluationPeriods: 1, Threshold: &threshold,
		ComparisonOperator: alarms.GreaterThanThreshold})

	out, _ := ct.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{
		{AttributeKey: trail.LookupUsername, AttributeValue: "alice"}}})
	for _, ev := range out.Events {
		fmt.Println(ev.EventTime.Format(time.RFC3339), ev.EventSource, ev.EventName)
	}

	clk.Advance(time.Hour) // log file at 10:05, digest at 11:00
	keys, _ := store.List(ctx, "my-trail-bucket", "")
	fmt.Println(len(keys), "files delivered")

	rep, _ := ct.ValidateLogs(ctx, trail.ValidateLogsInput{TrailName: "audit", StartTime: clk.Now().Add(-2 * time.Hour)})
	rep.WriteText(os.Stdout, os.Stderr, false)
	// Output:
	// 2026-03-01T10:00:00Z monitoring.amazonaws.com PutMetricAlarm
	// 2026-03-01T10:00:00Z cloudtrail.amazonaws.com StartLogging
	// 2026-03-01T10:00:00Z cloudtrail.amazonaws.com CreateTrail
	// 2 files delivered
	// Validating log files for trail arn:aws:cloudtrail:us-east-1:123456789012:trail/audit between 2026-03-01T09:00:00Z and 2026-03-01T11:00:00Z
	//
	// Results requested for 2026-03-01T09:00:00Z to 2026-03-01T11:00:00Z
	// Results found for 2026-03-01T10:00:00Z to 2026-03-01T11:00:00Z:
	//
	// 1/1 digest files valid
	// 1/1 log files valid
}
