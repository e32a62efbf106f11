// Command quickstart walks through a whole localwatch stack in memory on a
// manual clock: metrics in and statistics out, log events through a metric
// filter into a metric, an alarm on it notifying an SNS queue, a Logs Insights
// query over the same events, AWS Config
// recording a resource, and CloudTrail showing who did all of it.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
	defer st.Close()
	// Calls made with this context are recorded by CloudTrail as IAM user alice.
	ctx := localwatch.WithIdentity(context.Background(), localwatch.IAMUser("123456789012", "alice", "AKIAIOSFODNN7EXAMPLE"))

	fmt.Println("== metrics: PutMetricData, then GetMetricStatistics")
	for i := range 5 {
		_, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{{
			MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Host", Value: "web-1"}},
			Timestamp: start.Add(time.Duration(i) * 10 * time.Second), Value: metrics.Float(float64(100 + 10*i)), Unit: metrics.UnitMilliseconds,
		}}})
		if err != nil {
			return err
		}
	}
	stats, err := st.Metrics.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{
		Namespace: "Shop", MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Host", Value: "web-1"}},
		StartTime: start, EndTime: start.Add(time.Minute), Period: 60,
		Statistics: []metrics.Statistic{metrics.StatAverage, metrics.StatMaximum, metrics.StatSampleCount},
	})
	if err != nil {
		return err
	}
	for _, d := range stats.Datapoints {
		fmt.Printf("   %s  n=%v avg=%v max=%v\n", d.Timestamp.Format(time.TimeOnly), *d.SampleCount, *d.Average, *d.Maximum)
	}
	_, err = st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "AWS/EC2", MetricData: []metrics.MetricDatum{{MetricName: "x", Value: metrics.Float(1)}}})
	fmt.Println("   a user writing to AWS/EC2 gets:", err)

	fmt.Println("\n== sns: a topic with a queue subscribed")
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops-alerts"})
	if err != nil {
		return err
	}
	queue, err := st.SNS.CreateQueue("ops-inbox")
	if err != nil {
		return err
	}
	qarn := queue.ARN()
	if _, err := st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn,
		Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
		return err
	}
	fmt.Println("   topic", topic.TopicArn, "→ queue", qarn)

	fmt.Println("\n== logs: a metric filter counts failed logins; an alarm watches the count")
	must := func(_ any, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "/app/auth"}))
	must(st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "/app/auth", LogStreamName: "web-1"}))
	must(st.Logs.PutMetricFilter(ctx, logs.PutMetricFilterInput{LogGroupName: "/app/auth", FilterName: "failed-logins",
		FilterPattern:         `{ $.event = "login" && $.ok IS FALSE }`,
		MetricTransformations: []logs.MetricTransformation{{MetricName: "FailedLogins", MetricNamespace: "Shop", MetricValue: "1", DefaultValue: metrics.Float(0)}}}))
	st.Alarms.OnStateChange(func(c alarms.StateChange) {
		fmt.Printf("   %s alarm %q: %s → %s\n", c.Time.Format(time.TimeOnly), c.AlarmName, c.OldState, c.NewState)
	})
	must(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "too-many-failed-logins",
		Namespace: "Shop", MetricName: "FailedLogins", Statistic: metrics.StatSum, Period: 60, EvaluationPeriods: 1,
		Threshold: metrics.Float(3), ComparisonOperator: alarms.GreaterThanOrEqualToThreshold, TreatMissingData: alarms.TreatNotBreaching,
		AlarmActions: []string{topic.TopicArn}}))
	clk.Advance(time.Minute)
	var events []logs.InputLogEvent
	for i := range 5 {
		ok := i == 2
		events = append(events, logs.InputLogEvent{Timestamp: clk.Now().Add(time.Duration(i) * time.Second).UnixMilli(),
			Message: fmt.Sprintf(`{"event":"login","user":"u%d","ok":%t}`, i, ok)})
	}
	must(st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "/app/auth", LogStreamName: "web-1", LogEvents: events}))
	fmt.Println("   5 login events put, 4 of them failed; moving the clock 3 minutes")
	clk.Advance(3 * time.Minute)
	out, err := queue.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
	if err != nil {
		return err
	}
	for _, m := range out.Messages {
		fmt.Printf("   queue received %d bytes of alarm notification JSON: %.110s...\n", len(m.Body), m.Body)
	}
	fmt.Println("   no failed logins since; moving the clock 2 more minutes")
	clk.Advance(2 * time.Minute)

	fmt.Println("\n== logs insights: who failed to log in?")
	q, err := st.Logs.StartQuery(ctx, logs.StartQueryInput{LogGroupName: "/app/auth",
		StartTime: clk.Now().Add(-time.Hour).Unix(), EndTime: clk.Now().Unix(),
		QueryString: `filter event = "login" and ok = "false" | stats count(*) as failures by user | sort user`})
	if err != nil {
		return err
	}
	clk.Advance(0) // queries run at the clock's next tick
	res, err := st.Logs.GetQueryResults(ctx, logs.GetQueryResultsInput{QueryID: q.QueryID})
	if err != nil {
		return err
	}
	for _, row := range res.Results {
		fmt.Printf("  ")
		for _, f := range row {
			fmt.Printf(" %s=%s", f.Field, f.Value)
		}
		fmt.Println()
	}

	fmt.Println("\n== config: a recorded resource and its history")
	must(st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:role/config"}}))
	must(st.Config.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config-bucket"}}))
	must(st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"}))
	for _, typ := range []string{"t3.micro", "t3.large"} {
		if err := st.Config.RecordResource(ctx, config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-0abc",
			Configuration: map[string]any{"instanceType": typ}}); err != nil {
			return err
		}
		clk.Advance(time.Minute)
	}
	hist, err := st.Config.GetResourceConfigHistory(ctx, config.GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-0abc", ChronologicalOrder: config.Forward})
	if err != nil {
		return err
	}
	for _, ci := range hist.ConfigurationItems {
		fmt.Printf("   %s %-18s %s\n", ci.ConfigurationItemCaptureTime.Format(time.TimeOnly), ci.ConfigurationItemStatus, ci.Configuration)
	}

	fmt.Println("\n== trail: who did what (LookupEvents, newest first)")
	lk, err := st.Trail.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: "Username", AttributeValue: "alice"}}})
	if err != nil {
		return err
	}
	for _, e := range lk.Events {
		fmt.Printf("   %-30s %s\n", e.EventName, e.EventSource)
	}
	fmt.Printf("\nsummary: %d statistics periods, %d alarm notification(s) queued, %d config items, %d management events recorded for alice\n",
		len(stats.Datapoints), len(out.Messages), len(hist.ConfigurationItems), len(lk.Events))
	return nil
}
