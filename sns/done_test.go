package sns

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func alarmMessage(state, metric string) string {
	return fmt.Sprintf(`{"AlarmName":"cpu-high","AlarmDescription":null,"AWSAccountId":"123456789012","NewStateValue":%q,`+
		`"NewStateReason":"Threshold Crossed","StateChangeTime":"2026-11-25T12:00:00.000+0000","Region":"US East (N. Virginia)",`+
		`"AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high","OldStateValue":"OK",`+
		`"Trigger":{"MetricName":%q,"Namespace":"AWS/EC2","StatisticType":"Statistic","Statistic":"AVERAGE","Period":60,`+
		`"EvaluationPeriods":1,"ComparisonOperator":"GreaterThanThreshold","Threshold":80.0,"Dimensions":[{"value":"i-1","name":"InstanceId"}]}}`, state, metric)
}

// TestAlarmNotificationReachesHTTPQueueAndFunctionWithFiltering is the issue's
// done-when scenario: an alarm-style notification, published as
// event.Notification on the bus, reaches an HTTP endpoint that verifies its
// signature, a queue and a Go function, each behind a filter policy.
func TestAlarmNotificationReachesHTTPQueueAndFunctionWithFiltering(t *testing.T) {
	f, _ := httpFixture(t)
	ctx := context.Background()
	topicARN := f.topic(t, "ops-alarms", map[string]string{"SignatureVersion": "2"})

	// HTTP: only ALARM transitions (body scope).
	ep := newEndpoint(t, f.cert)
	f.subscribe(t, topicARN, "http", ep.srv.URL, map[string]string{
		"FilterPolicyScope": "MessageBody", "FilterPolicy": `{"NewStateValue":["ALARM"]}`})
	// Queue: CPU metrics only (nested body key, prefix).
	q := f.queue(t, "cpu-alarms")
	f.subscribe(t, topicARN, "sqs", q.ARN(), map[string]string{
		"FilterPolicyScope": "MessageBody", "FilterPolicy": `{"Trigger":{"MetricName":[{"prefix":"CPU"}],"Threshold":[{"numeric":[">=",50]}]}}`})
	// Go function: anything but OK, and only from the EC2 namespace.
	var events []LambdaEvent
	fn := f.s.RegisterFunction("pager", func(_ context.Context, ev LambdaEvent) error {
		events = append(events, ev)
		return nil
	})
	f.subscribe(t, topicARN, "lambda", fn, map[string]string{
		"FilterPolicyScope": "MessageBody", "FilterPolicy": `{"NewStateValue":[{"anything-but":"OK"}],"Trigger":{"Namespace":["AWS/EC2"]}}`})

	publish := func(state, metric string) {
		t.Helper()
		require.NoError(t, bus.Publish(ctx, f.bus, event.Notification{
			TopicARN: topicARN, Subject: `ALARM: "cpu-high" in US East (N. Virginia)`, Message: alarmMessage(state, metric), Source: "cloudwatch.amazonaws.com"}))
	}
	f.settle(t)
	before := len(ep.messages()) // the confirmation
	publish("ALARM", "CPUUtilization")
	publish("OK", "CPUUtilization")
	publish("INSUFFICIENT_DATA", "NetworkIn")
	f.settle(t)

	// HTTP got only the ALARM notification, signed with SHA256withRSA.
	got := ep.messages()[before:]
	require.Len(t, got, 1)
	assert.Equal(t, "Notification", got[0].header.Get("x-amz-sns-message-type"))
	require.NoError(t, Verify(got[0].env, f.cert()))
	assert.Equal(t, "2", got[0].env.SignatureVersion)
	var alarm map[string]any
	require.NoError(t, json.Unmarshal([]byte(got[0].env.Message), &alarm))
	assert.Equal(t, "ALARM", alarm["NewStateValue"])

	// The queue got both CPU notifications as signed envelopes.
	msgs := receiveAll(t, q)
	require.Len(t, msgs, 2)
	for _, m := range msgs {
		e, err := VerifyJSON([]byte(m.Body), f.cert())
		require.NoError(t, err)
		assert.Equal(t, topicARN, e.TopicArn)
		assert.Contains(t, e.Message, "CPUUtilization")
	}

	// The function got ALARM and INSUFFICIENT_DATA, not OK.
	require.Len(t, events, 2)
	var states []string
	for _, ev := range events {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(ev.Records[0].Sns.Message), &m))
		states = append(states, m["NewStateValue"].(string))
		require.NoError(t, Verify(ev.Records[0].Sns.Envelope(), f.cert()))
	}
	assert.Equal(t, []string{"ALARM", "INSUFFICIENT_DATA"}, states)
}
