package localwatch_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runOnce runs one scenario touching every service — a trail delivering to
// S3, CloudWatch Logs and SNS with digests; a metric filter and an alarm on
// the trail's events; Config items and a snapshot — and returns every object
// written to the store, every SNS message delivered to a queue (in order) and
// the event history.
func runOnce(t *testing.T) (objects map[string][]byte, messages, history []string) {
	return runOnceIn(t, "")
}

// runOnceIn is runOnce on an account persisting in dataDir.
func runOnceIn(t *testing.T, dataDir string) (objects map[string][]byte, messages, history []string) {
	sc := newScenarioIn(t, dataDir)
	st, ctx := sc.st, sc.alice
	must := func(_ any, err error) {
		t.Helper()
		require.NoError(t, err)
	}
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops"})
	require.NoError(t, err)
	queue, err := st.SNS.CreateQueue("ops-inbox")
	require.NoError(t, err)
	qarn := queue.ARN()
	must(st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn}))
	must(st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "trail-events"}))
	must(st.Trail.CreateTrail(ctx, trail.CreateTrailInput{Name: "audit", S3BucketName: "audit-bucket", EnableLogFileValidation: trail.Bool(true),
		SnsTopicName: "ops", CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:trail-events:*",
		CloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/trail-to-logs"}))
	must(st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"}))
	must(st.Logs.PutMetricFilter(ctx, logs.PutMetricFilterInput{LogGroupName: "trail-events", FilterName: "alarm-changes",
		FilterPattern:         `{ $.eventSource = "monitoring.amazonaws.com" }`,
		MetricTransformations: []logs.MetricTransformation{{MetricName: "AlarmAPICalls", MetricNamespace: "CloudTrailMetrics", MetricValue: "1"}}}))
	must(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "alarm-churn", Namespace: "CloudTrailMetrics", MetricName: "AlarmAPICalls",
		Statistic: metrics.StatSum, Period: 300, EvaluationPeriods: 1, Threshold: metrics.Float(1), ComparisonOperator: alarms.GreaterThanOrEqualToThreshold,
		TreatMissingData: "notBreaching", AlarmActions: []string{topic.TopicArn}, OKActions: []string{topic.TopicArn}}))
	must(st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:role/config"}}))
	must(st.Config.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config-bucket", SNSTopicARN: topic.TopicArn}}))
	must(st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"}))
	for i := range 3 {
		sc.clk.Advance(time.Minute)
		require.NoError(t, st.Config.RecordResource(ctx, config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-0abc123",
			Configuration: map[string]any{"instanceType": fmt.Sprintf("t3.%d", i)}, Tags: map[string]string{"build": fmt.Sprint(i)}}))
	}
	must(st.Config.DeliverConfigSnapshot(ctx, config.DeliverConfigSnapshotInput{DeliveryChannelName: "default"}))
	sc.clk.Advance(time.Hour)

	objects = map[string][]byte{}
	for _, bucket := range []string{"audit-bucket", "config-bucket"} {
		for _, k := range sc.keys(t, bucket, "") {
			obj, err := sc.store.Get(context.Background(), bucket, k)
			require.NoError(t, err)
			objects[bucket+"/"+k] = append(obj.Body, []byte(fmt.Sprint(obj.Metadata))...)
		}
	}
	for {
		out, err := queue.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
		require.NoError(t, err)
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			messages = append(messages, m.MessageId+"\n"+m.Body)
			require.NoError(t, queue.DeleteMessage(m.ReceiptHandle))
		}
	}
	for ev, err := range st.Trail.LookupEventsAll(ctx, trail.LookupEventsInput{}) {
		require.NoError(t, err)
		history = append(history, ev.CloudTrailEvent)
	}
	require.NotEmpty(t, history)
	return objects, messages, history
}

// Flow 6: the same scenario twice with the same IDSeed gives byte-identical
// trail log and digest files, Config snapshots and SNS messages.
func TestScenarioDeterminism(t *testing.T) {
	objs1, msgs1, hist1 := runOnce(t)
	objs2, msgs2, hist2 := runOnce(t)
	require.Len(t, objs1, 4)
	assert.Contains(t, objs1, "audit-bucket/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/25/123456789012_CloudTrail-Digest_us-east-1_audit_us-east-1_20261125T110000Z.json.gz")
	assert.Equal(t, objs1, objs2, "files and their metadata (digest signatures included)")
	// Alarm OK, 3 configuration items, snapshot started and completed, the
	// trail's log-file notification, alarm ALARM, alarm OK.
	require.Len(t, msgs1, 9)
	for _, m := range msgs1 {
		require.Contains(t, m, `"Signature" : "`, "every queued message is a signed envelope")
	}
	assert.Equal(t, msgs1, msgs2, "SNS envelopes, signatures included")
	assert.Equal(t, hist1, hist2, "event history: same event IDs, request IDs and records")
}

// Persistence changes nothing the account produces: the same scenario on an
// account with a data directory gives the same files, messages and event
// history as in memory.
func TestScenarioDeterminismWithADataDir(t *testing.T) {
	objs1, msgs1, hist1 := runOnce(t)
	objs2, msgs2, hist2 := runOnceIn(t, t.TempDir())
	assert.Equal(t, objs1, objs2, "files and their metadata (digest signatures included)")
	assert.Equal(t, msgs1, msgs2, "SNS envelopes, signatures included")
	assert.Equal(t, hist1, hist2, "event history: same event IDs, request IDs and records")
}
