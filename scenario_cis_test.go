package localwatch_test

import (
	"testing"
	"time"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consoleLogin records a console sign-in as CloudTrail does: a failed one
// carries errorMessage "Failed authentication".
func consoleLogin(t *testing.T, sc *scenario, user string, ok bool) {
	t.Helper()
	in := trail.RecordEventInput{EventType: trail.EventTypeConsoleSignIn, EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin",
		SourceIPAddress: "203.0.113.7", UserAgent: "Mozilla/5.0",
		AdditionalEventData: map[string]any{"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": "No"},
		UserIdentity:        &trail.UserIdentity{Type: "IAMUser", AccountID: account, UserName: user, PrincipalID: "AIDACKCEVSQ6C2EXAMPLE", ARN: "arn:aws:iam::123456789012:user/" + user}}
	if ok {
		in.ResponseElements = map[string]any{"ConsoleLogin": "Success"}
	} else {
		in.ResponseElements = map[string]any{"ConsoleLogin": "Failure"}
		in.ErrorMessage = "Failed authentication"
		in.UserIdentity = &trail.UserIdentity{Type: "IAMUser", AccountID: account, AccessKeyID: "", UserName: "HIDDEN_DUE_TO_SECURITY_REASONS"}
	}
	_, err := sc.st.Trail.RecordEvent(sc.alice, in)
	require.NoError(t, err)
}

func TestScenarioCISConsoleLoginFailures(t *testing.T) {
	sc := newScenario(t)
	st, ctx := sc.st, sc.alice
	_, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "CloudTrail/DefaultLogGroup"})
	require.NoError(t, err)
	_, err = st.Trail.CreateTrail(ctx, trail.CreateTrailInput{Name: "management-events", S3BucketName: "audit-bucket", IsMultiRegionTrail: trail.Bool(true),
		CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/DefaultLogGroup:*",
		CloudWatchLogsRoleArn:     "arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role"})
	require.NoError(t, err)
	_, err = st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "management-events"})
	require.NoError(t, err)
	_, err = st.Logs.PutMetricFilter(ctx, logs.PutMetricFilterInput{LogGroupName: "CloudTrail/DefaultLogGroup", FilterName: "ConsoleSigninFailures",
		FilterPattern:         `{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }`,
		MetricTransformations: []logs.MetricTransformation{{MetricName: "ConsoleSigninFailureCount", MetricNamespace: "CloudTrailMetrics", MetricValue: "1"}}})
	require.NoError(t, err)
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "security-alerts"})
	require.NoError(t, err)
	queue, err := st.SNS.CreateQueue("security-inbox")
	require.NoError(t, err)
	qarn := queue.ARN()
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn, Attributes: map[string]string{"RawMessageDelivery": "true"}})
	require.NoError(t, err)
	var changes []alarms.StateChange
	st.Alarms.OnStateChange(func(c alarms.StateChange) { changes = append(changes, c) })
	_, err = st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "ConsoleSigninFailures",
		AlarmDescription: "Three or more failed console sign-ins in 5 minutes",
		Namespace:        "CloudTrailMetrics", MetricName: "ConsoleSigninFailureCount", Statistic: metrics.StatSum, Period: 300, EvaluationPeriods: 1,
		Threshold: metrics.Float(3), ComparisonOperator: alarms.GreaterThanOrEqualToThreshold, TreatMissingData: "notBreaching",
		AlarmActions: []string{topic.TopicArn}})
	require.NoError(t, err)
	// failures returns the metric's Sum per 5-minute period.
	failures := func() map[string]float64 {
		t.Helper()
		out, err := st.Metrics.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{Namespace: "CloudTrailMetrics", MetricName: "ConsoleSigninFailureCount",
			StartTime: scenarioStart.Truncate(time.Hour), EndTime: sc.clk.Now().Add(time.Hour), Period: 300, Statistics: []metrics.Statistic{metrics.StatSum}})
		require.NoError(t, err)
		m := map[string]float64{}
		for _, d := range out.Datapoints {
			m[d.Timestamp.Format("15:04")] = *d.Sum
		}
		return m
	}
	signins := func() int {
		t.Helper()
		out, err := st.Logs.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "CloudTrail/DefaultLogGroup", FilterPattern: `{ $.eventSource = "signin.amazonaws.com" }`})
		require.NoError(t, err)
		return len(out.Events)
	}
	state := func() alarms.StateValue {
		t.Helper()
		out, err := st.Alarms.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{AlarmNames: []string{"ConsoleSigninFailures"}})
		require.NoError(t, err)
		require.Len(t, out.MetricAlarms, 1)
		return out.MetricAlarms[0].StateValue
	}

	// 10:01:30 two failed and two successful sign-ins: below the threshold.
	sc.clk.Advance(30 * time.Second)
	consoleLogin(t, sc, "bob", true)
	consoleLogin(t, sc, "bob", false)
	consoleLogin(t, sc, "bob", true)
	consoleLogin(t, sc, "bob", false)
	sc.clk.Advance(3*time.Minute + 29*time.Second) // 10:04:59
	assert.Equal(t, 0, signins(), "nothing reaches CloudWatch Logs before the trail's 5-minute delivery")
	assert.Empty(t, failures())
	sc.clk.Advance(time.Second) // 10:05 delivery
	assert.Equal(t, 4, signins())
	failed, err := st.Logs.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "CloudTrail/DefaultLogGroup",
		FilterPattern: `{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }`})
	require.NoError(t, err)
	require.Len(t, failed.Events, 2)
	for _, e := range failed.Events {
		assert.Equal(t, "123456789012_CloudTrail_us-east-1", e.LogStreamName)
		assert.Equal(t, scenarioStart.Add(30*time.Second).UnixMilli(), e.Timestamp, "a log event's timestamp is the record's eventTime")
		rec := jsonMap(t, []byte(e.Message))
		assert.Equal(t, "AwsConsoleSignIn", rec["eventType"])
		assert.Equal(t, map[string]any{"ConsoleLogin": "Failure"}, rec["responseElements"])
		assert.Equal(t, "HIDDEN_DUE_TO_SECURITY_REASONS", rec["userIdentity"].(map[string]any)["userName"])
	}
	assert.Equal(t, map[string]float64{"10:00": 2}, failures(), "only the failed sign-ins count")
	assert.Equal(t, alarms.StateOK, state())

	// 10:06 three failed sign-ins, a successful one, an MFA check and an
	// API call in the same period.
	sc.clk.Advance(time.Minute)
	consoleLogin(t, sc, "bob", false)
	consoleLogin(t, sc, "bob", false)
	consoleLogin(t, sc, "carol", true)
	consoleLogin(t, sc, "bob", false)
	_, err = st.Trail.RecordEvent(ctx, trail.RecordEventInput{EventType: trail.EventTypeConsoleSignIn, EventSource: "signin.amazonaws.com", EventName: "CheckMfa",
		ResponseElements: map[string]any{"CheckMfa": "Success"}})
	require.NoError(t, err)
	_, err = st.SNS.ListTopics(ctx, sns.ListTopicsInput{})
	require.NoError(t, err)
	sc.clk.Advance(3*time.Minute + 59*time.Second) // 10:09:59
	assert.Equal(t, alarms.StateOK, state(), "the failures are not yet delivered")
	assert.Equal(t, 0, queue.Len())
	sc.clk.Advance(time.Second) // 10:10 delivery
	assert.Equal(t, 9, signins())
	assert.Equal(t, map[string]float64{"10:00": 2, "10:05": 3}, failures())
	assert.Equal(t, alarms.StateAlarm, state())
	t0 := scenarioStart
	assert.Equal(t, []stateChange{{"INSUFFICIENT_DATA", "OK", t0}, {"OK", "ALARM", t0.Add(9 * time.Minute)}}, transitions(changes))
	assert.Equal(t, "Threshold Crossed: 1 datapoint [3.0 (25/11/26 10:05:00)] was greater than or equal to the threshold (3.0).", changes[1].StateReason)

	status, err := st.Trail.GetTrailStatus(ctx, trail.GetTrailStatusInput{Name: "management-events"})
	require.NoError(t, err)
	require.NotNil(t, status.LatestCloudWatchLogsDeliveryTime)
	assert.Equal(t, t0.Add(9*time.Minute), *status.LatestCloudWatchLogsDeliveryTime)
	streams, err := st.Logs.DescribeLogStreams(ctx, logs.DescribeLogStreamsInput{LogGroupName: "CloudTrail/DefaultLogGroup"})
	require.NoError(t, err)
	require.Len(t, streams.LogStreams, 1)
	assert.Equal(t, "123456789012_CloudTrail_us-east-1", streams.LogStreams[0].LogStreamName)

	// The queue gets the alarm notification (raw delivery: the JSON itself).
	msgs, err := queue.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Len(t, msgs.Messages, 1)
	n := jsonMap(t, []byte(msgs.Messages[0].Body))
	assert.Equal(t, "ConsoleSigninFailures", n["AlarmName"])
	assert.Equal(t, "ALARM", n["NewStateValue"])
	assert.Equal(t, "OK", n["OldStateValue"])
	assert.Equal(t, "2026-11-25T10:10:00.000+0000", n["StateChangeTime"])
	trig := n["Trigger"].(map[string]any)
	assert.Equal(t, "ConsoleSigninFailureCount", trig["MetricName"])
	assert.Equal(t, "CloudTrailMetrics", trig["Namespace"])
	assert.Equal(t, "SUM", trig["Statistic"])
	assert.Equal(t, 300.0, trig["Period"])
	assert.Equal(t, 3.0, trig["Threshold"])
	assert.Equal(t, "GreaterThanOrEqualToThreshold", trig["ComparisonOperator"])
}
