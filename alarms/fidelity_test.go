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
