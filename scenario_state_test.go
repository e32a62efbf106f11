package localwatch_test

import (
	"testing"
	"time"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/localwatchtest"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type seen struct {
	Name     string
	Old, New alarms.StateValue
	At       string
}

func seenAll(changes []alarms.StateChange) []seen {
	out := make([]seen, len(changes))
	for i, c := range changes {
		out[i] = seen{c.AlarmName, c.OldState, c.NewState, c.Time.Format(time.TimeOnly)}
	}
	return out
}

func TestScenarioAlarmStateChangesObservable(t *testing.T) {
	sc := newScenario(t)
	st, ctx := sc.st, sc.alice
	onBus := localwatchtest.Record[alarms.StateChange](t, st)
	var viaHook []seen
	st.Alarms.OnStateChange(func(c alarms.StateChange) {
		viaHook = append(viaHook, seen{c.AlarmName, c.OldState, c.NewState, c.Time.Format(time.TimeOnly)})
	})
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "pager"})
	require.NoError(t, err)
	queue, err := st.SNS.CreateQueue("pager-inbox")
	require.NoError(t, err)
	qarn := queue.ARN()
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn, Attributes: map[string]string{"RawMessageDelivery": "true"}})
	require.NoError(t, err)

	_, err = st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "cpu-high", Namespace: "Shop", MetricName: "CPU",
		Statistic: metrics.StatAverage, Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: metrics.Float(80),
		ComparisonOperator: alarms.GreaterThanThreshold})
	require.NoError(t, err)
	_, err = st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "disk-full", Namespace: "Shop", MetricName: "DiskUsed",
		Statistic: metrics.StatMaximum, Period: 300, EvaluationPeriods: 1, Threshold: metrics.Float(95),
		ComparisonOperator: alarms.GreaterThanThreshold})
	require.NoError(t, err)
	_, err = st.Alarms.PutCompositeAlarm(ctx, alarms.PutCompositeAlarmInput{AlarmName: "service-down",
		AlarmRule: `ALARM("cpu-high") AND ALARM("disk-full")`, AlarmActions: []string{topic.TopicArn}, OKActions: []string{topic.TopicArn}})
	require.NoError(t, err)

	for i, v := range []float64{90, 95, 99} {
		_, err = st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{{MetricName: "CPU",
			Timestamp: scenarioStart.Add(time.Duration(i)*time.Minute + 30*time.Second), Value: metrics.Float(v)}}})
		require.NoError(t, err)
	}
	// Hooks may call back into the service: each one reads the alarm's
	// state as it is after the change.
	var described []string
	st.Alarms.OnStateChange(func(c alarms.StateChange) {
		out, err := st.Alarms.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{AlarmNames: []string{c.AlarmName}, AlarmTypes: []alarms.AlarmType{alarms.AlarmTypeMetric, alarms.AlarmTypeComposite}})
		if assert.NoError(t, err) {
			for _, a := range out.MetricAlarms {
				described = append(described, a.AlarmName+" "+string(a.StateValue))
			}
			for _, a := range out.CompositeAlarms {
				described = append(described, a.AlarmName+" "+string(a.StateValue))
			}
		}
	})
	var reasons []string
	st.Alarms.OnStateChange(func(c alarms.StateChange) {
		reasons = append(reasons, c.AlarmName+" "+string(c.AlarmType)+": "+c.StateReason)
	})
	sc.clk.Advance(2 * time.Minute) // 10:03: two breaching minutes
	sc.clk.Advance(time.Minute)     // 10:04
	_, err = st.Alarms.SetAlarmState(ctx, alarms.SetAlarmStateInput{AlarmName: "disk-full", StateValue: alarms.StateAlarm, StateReason: "testing the pager"})
	require.NoError(t, err)
	d, err := st.Alarms.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{AlarmNames: []string{"disk-full", "service-down"}, AlarmTypes: []alarms.AlarmType{alarms.AlarmTypeMetric, alarms.AlarmTypeComposite}})
	require.NoError(t, err)
	require.Len(t, d.MetricAlarms, 1)
	require.Len(t, d.CompositeAlarms, 1)
	assert.Equal(t, alarms.StateAlarm, d.MetricAlarms[0].StateValue)
	assert.Equal(t, "testing the pager", d.MetricAlarms[0].StateReason)
	assert.Equal(t, alarms.StateAlarm, d.CompositeAlarms[0].StateValue)
	// The next evaluation of disk-full (each minute) puts it back in its
	// real state, and the composite follows.
	sc.clk.Advance(2 * time.Minute) // 10:06

	want := []seen{
		{"service-down", "INSUFFICIENT_DATA", "OK", "10:01:00"}, // created: FALSE AND FALSE
		{"cpu-high", "INSUFFICIENT_DATA", "ALARM", "10:03:00"},  // the composite stays OK: disk-full is not in ALARM
		{"disk-full", "INSUFFICIENT_DATA", "ALARM", "10:04:00"}, // SetAlarmState
		{"service-down", "OK", "ALARM", "10:04:00"},
		{"disk-full", "ALARM", "INSUFFICIENT_DATA", "10:05:00"}, // its next evaluation
		{"service-down", "ALARM", "OK", "10:05:00"},
	}
	viaBus := seenAll(onBus.Events())
	assert.Equal(t, want, viaBus, "bus subscribers see each transition once, in order")
	assert.Equal(t, want, viaHook, "OnStateChange hooks see the same")
	assert.Equal(t, []string{"cpu-high ALARM", "disk-full ALARM", "service-down ALARM", "disk-full INSUFFICIENT_DATA", "service-down OK"}, described)
	assert.Equal(t, []string{
		"cpu-high MetricAlarm: Threshold Crossed: 2 out of the last 2 datapoints [95.0 (25/11/26 10:02:00), 90.0 (25/11/26 10:01:00)] were greater than the threshold (80.0) (minimum 2 datapoints for INSUFFICIENT_DATA -> ALARM transition).",
		"disk-full MetricAlarm: testing the pager",
		"service-down CompositeAlarm: arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-full transitioned to ALARM at Wednesday 25 November, 2026 10:04:00 UTC",
		"disk-full MetricAlarm: Insufficient Data: 1 datapoint was unknown.",
		"service-down CompositeAlarm: arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-full transitioned to INSUFFICIENT_DATA at Wednesday 25 November, 2026 10:05:00 UTC",
	}, reasons)

	// The composite's actions: three notifications with AWS's composite
	// shape (AlarmRule and TriggeringChildren instead of Trigger).
	out, err := queue.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Len(t, out.Messages, 3)
	var states []string
	for _, m := range out.Messages {
		n := jsonMap(t, []byte(m.Body))
		states = append(states, n["OldStateValue"].(string)+"->"+n["NewStateValue"].(string))
		assert.Equal(t, `ALARM("cpu-high") AND ALARM("disk-full")`, n["AlarmRule"])
		assert.NotContains(t, n, "Trigger")
		require.NoError(t, queue.DeleteMessage(m.ReceiptHandle))
	}
	assert.Equal(t, []string{"INSUFFICIENT_DATA->OK", "OK->ALARM", "ALARM->OK"}, states)
	alarm := jsonMap(t, []byte(out.Messages[1].Body))
	assert.Equal(t, []any{map[string]any{"Arn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-full",
		"State": map[string]any{"Value": "ALARM", "Timestamp": "2026-11-25T10:04:00.000+0000"}}}, alarm["TriggeringChildren"])
	assert.Equal(t, "2026-11-25T10:04:00.000+0000", alarm["StateChangeTime"])

	// With the composite's actions disabled, its transitions are still
	// observable, but nothing is sent.
	_, err = st.Alarms.DisableAlarmActions(ctx, alarms.DisableAlarmActionsInput{AlarmNames: []string{"service-down"}})
	require.NoError(t, err)
	_, err = st.Alarms.SetAlarmState(ctx, alarms.SetAlarmStateInput{AlarmName: "disk-full", StateValue: alarms.StateAlarm, StateReason: "again"})
	require.NoError(t, err)
	viaBus = seenAll(onBus.Events())
	assert.Equal(t, seen{"service-down", "OK", "ALARM", "10:06:00"}, viaBus[len(viaBus)-1])
	assert.Equal(t, viaBus, viaHook)
	assert.Equal(t, 0, queue.Len(), "actions disabled: no notification")
}
