package alarms

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/awserr"
)

// Issue 18.9: AWS's HTTP status codes (the API model) and recorded answers.
func TestErrorsCarryAWSStatusCodes(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	arn := "arn:aws:cloudwatch:us-east-1:123456789012:alarm:nope"
	cases := []struct {
		name   string
		call   func() error
		code   string
		status int
		msg    string
	}{
		{"SetAlarmState on an unknown alarm: ResourceNotFound, 404, no message", func() error {
			_, err := h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "nope", StateValue: StateAlarm, StateReason: "x"})
			return err
		}, "ResourceNotFound", 404, ""},
		{"DeleteAlarms of an unknown alarm", func() error {
			_, err := h.svc.DeleteAlarms(ctx, DeleteAlarmsInput{AlarmNames: []string{"nope"}})
			return err
		}, "ResourceNotFound", 404, ""},
		{"TagResource on no alarm", func() error {
			_, err := h.svc.TagResource(ctx, TagResourceInput{ResourceARN: arn, Tags: []Tag{{Key: "k", Value: "v"}}})
			return err
		}, "ResourceNotFoundException", 404, "The resource " + arn + " does not exist."},
		{"UntagResource on no alarm", func() error {
			_, err := h.svc.UntagResource(ctx, UntagResourceInput{ResourceARN: arn, TagKeys: []string{"k"}})
			return err
		}, "ResourceNotFoundException", 404, "The resource " + arn + " does not exist."},
		{"an invalid StateValue", func() error {
			_, err := h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "nope", StateValue: "INVALID", StateReason: "x"})
			return err
		}, "ValidationError", 400, "1 validation error detected: Value 'INVALID' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			var e *awserr.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.status, e.HTTPStatus())
			assert.Equal(t, tc.msg, e.Message)
		})
	}
}

// Issue 18.10: ListTagsForResource on a deleted alarm's ARN answers an empty
// list, not an error.
func TestTagsOfADeletedAlarmAreAnEmptyList(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a := cpuAlarm()
	a.Tags = []Tag{{Key: "team", Value: "sre"}}
	_, err := h.svc.PutMetricAlarm(ctx, a)
	require.NoError(t, err)
	arn := "arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighCPU"
	_, err = h.svc.DeleteAlarms(ctx, DeleteAlarmsInput{AlarmNames: []string{"HighCPU"}})
	require.NoError(t, err)
	out, err := h.svc.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceARN: arn})
	require.NoError(t, err)
	assert.NotNil(t, out.Tags)
	assert.Empty(t, out.Tags)
}

// Issue 18.11: a new composite's first evaluation lists every child alarm as
// triggering in StateReasonData (in rule order), not only the first.
func TestNewCompositeListsEveryChildAsTriggering(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, n := range []string{"a", "b", "c"} {
		def := cpuAlarm()
		def.AlarmName, def.AlarmActions, def.OKActions = n, nil, nil
		_, err := h.svc.PutMetricAlarm(ctx, def)
		require.NoError(t, err)
	}
	for _, n := range []string{"a", "b"} {
		_, err := h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: n, StateValue: StateAlarm, StateReason: "x"})
		require.NoError(t, err)
	}
	_, err := h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "all", AlarmRule: `ALARM(a) OR ALARM("b") OR ALARM(c)`})
	require.NoError(t, err)
	out, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmNames: []string{"all"}, AlarmTypes: []AlarmType{AlarmTypeComposite}})
	require.NoError(t, err)
	require.Len(t, out.CompositeAlarms, 1)
	c := out.CompositeAlarms[0]
	assert.Equal(t, StateAlarm, c.StateValue)
	const arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"
	ts := "2026-11-24T19:00:00.000+0000"
	assert.JSONEq(t, `{"triggeringAlarms":[`+
		`{"arn":"`+arn+`a","state":{"value":"ALARM","timestamp":"`+ts+`"}},`+
		`{"arn":"`+arn+`b","state":{"value":"ALARM","timestamp":"`+ts+`"}},`+
		`{"arn":"`+arn+`c","state":{"value":"INSUFFICIENT_DATA","timestamp":"`+ts+`"}}]}`, c.StateReasonData)
}

// Issue 18.6: a Lambda action receives AWS's alarm event, not the SNS
// notification. The golden file is AWS's event as recorded by LocalStack's
// test_alarm_lambda_target against AWS (same alarm definition), with our ARN,
// account, times and metric id.
func TestLambdaActionReceivesTheAlarmEvent(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var got []ActionRequest
	h.svc.SetActionHandler(ActionLambda, func(_ context.Context, req ActionRequest) error {
		got = append(got, req)
		return nil
	})
	fn := "arn:aws:lambda:us-east-1:123456789012:function:fn"
	_, err := h.svc.PutMetricAlarm(ctx, PutMetricAlarmInput{AlarmName: "lambda-alarm", AlarmDescription: "testing lambda alarm action",
		MetricName: "metric1", Namespace: "App", Period: 10, Threshold: f64(2), Statistic: "Average", AlarmActions: []string{fn},
		EvaluationPeriods: 2, ComparisonOperator: GreaterThanThreshold, TreatMissingData: TreatIgnore})
	require.NoError(t, err)
	h.clk.Advance(time.Minute)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "lambda-alarm", StateValue: StateAlarm, StateReason: "testing alarm"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	var ev map[string]any
	require.NoError(t, json.Unmarshal([]byte(got[0].Message), &ev))
	metric := ev["alarmData"].(map[string]any)["configuration"].(map[string]any)["metrics"].([]any)[0].(map[string]any)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, metric["id"])
	metric["id"] = "ID"
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	want, err := os.ReadFile("testdata/lambda-metric-alarm.json")
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(b))
}

// A composite alarm's Lambda event carries its rule and suppressor settings,
// and held-back actions show the suppression in previousState (AWS's example
// event for composite alarms).
func TestCompositeLambdaEventCarriesRuleAndSuppression(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var got []ActionRequest
	h.svc.SetActionHandler(ActionLambda, func(_ context.Context, req ActionRequest) error {
		got = append(got, req)
		return nil
	})
	for _, n := range []string{"child", "sup"} {
		def := cpuAlarm()
		def.AlarmName, def.AlarmActions, def.OKActions, def.TreatMissingData = n, nil, nil, TreatIgnore
		_, err := h.svc.PutMetricAlarm(ctx, def)
		require.NoError(t, err)
	}
	wait, ext := 120, 180
	_, err := h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "main", AlarmRule: "ALARM(child)",
		AlarmActions:      []string{"arn:aws:lambda:us-east-1:123456789012:function:fn"},
		ActionsSuppressor: "sup", ActionsSuppressorWaitPeriod: &wait, ActionsSuppressorExtensionPeriod: &ext})
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "child", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	require.Empty(t, got, "waiting for the suppressor")
	h.clk.Advance(2 * time.Minute)
	require.Len(t, got, 1)
	var ev struct {
		Source    string `json:"source"`
		AlarmData struct {
			State         map[string]any `json:"state"`
			PreviousState map[string]any `json:"previousState"`
			Configuration map[string]any `json:"configuration"`
		} `json:"alarmData"`
	}
	require.NoError(t, json.Unmarshal([]byte(got[0].Message), &ev))
	assert.Equal(t, "aws.cloudwatch", ev.Source)
	assert.Equal(t, map[string]any{"alarmRule": "ALARM(child)", "actionsSuppressor": "sup",
		"actionsSuppressorWaitPeriod": 120.0, "actionsSuppressorExtensionPeriod": 180.0}, ev.AlarmData.Configuration)
	assert.Equal(t, "ALARM", ev.AlarmData.State["value"])
	assert.Equal(t, "ALARM", ev.AlarmData.PreviousState["value"])
	assert.Equal(t, "WaitPeriod", ev.AlarmData.PreviousState["actionsSuppressedBy"])
	assert.Contains(t, ev.AlarmData.State["reasonData"], "triggeringAlarms")
}

// Issue 18.12: PutMetricAlarm's texts where AWS's are known.
func TestPutMetricAlarmMessagesAreAWSWordForWord(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*PutMetricAlarmInput)
		code   string
		msg    string
	}{
		{"DatapointsToAlarm above EvaluationPeriods", func(a *PutMetricAlarmInput) { a.DatapointsToAlarm = 4 }, "ValidationError",
			"DatapointsToAlarm must be less than or equal to EvaluationPeriods"},
		{"more than a day of evaluation", func(a *PutMetricAlarmInput) { a.Period, a.EvaluationPeriods = 60, 1441 }, "InvalidParameterCombination",
			"Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400)."},
		{"unknown TreatMissingData", func(a *PutMetricAlarmInput) { a.TreatMissingData = "zero" }, "ValidationError",
			"The value zero is not supported for TreatMissingData parameter. Supported values are [breaching, notBreaching, ignore, missing]."},
		{"unknown EvaluateLowSampleCountPercentile", func(a *PutMetricAlarmInput) { a.EvaluateLowSampleCountPercentile = "skip" }, "ValidationError",
			"Option skip is not supported. Supported options for parameter EvaluateLowSampleCountPercentile are evaluate and ignore."},
		{"unknown extended statistic", func(a *PutMetricAlarmInput) { a.Statistic, a.ExtendedStatistic = "", "q99" }, "InvalidParameterValue",
			"The value q99 for parameter ExtendedStatistic is not supported."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			in := cpuAlarm()
			tc.mutate(&in)
			_, err := h.svc.PutMetricAlarm(context.Background(), in)
			require.Error(t, err)
			assert.Equal(t, tc.code, awserr.Code(err))
			assert.Equal(t, tc.msg, awserr.Message(err))
		})
	}
}
