package alarms

import (
	"context"
	"testing"

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
