package trail

import (
	"context"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrailStatusReportsFailedLogsAndSNSDeliveries: when the logs service
// rejects the trail's CloudWatch Logs delivery (the group does not exist) or
// SNS rejects its notification (the topic does not exist), GetTrailStatus
// shows the error and keeps the last successful times; the next successful
// delivery clears the error.
func TestTrailStatusReportsFailedLogsAndSNSDeliveries(t *testing.T) {
	e := newEnv(t)
	failing := true
	bus.Subscribe(e.bus, "logs", func(_ context.Context, ld event.LogDelivery) error {
		if failing {
			return awserr.New("ResourceNotFoundException", "The specified log group does not exist.")
		}
		return nil
	})
	bus.Subscribe(e.bus, "sns", func(_ context.Context, n event.Notification) error {
		if failing {
			return awserr.New("NotFound", "Topic does not exist")
		}
		return nil
	})
	_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "audit", S3BucketName: "trail-bucket", SnsTopicName: "trail-files",
		CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:trail-events:*", CloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/ct"})
	require.NoError(t, err)
	_, err = e.svc.StartLogging(e.ctx, StartLoggingInput{Name: "audit"})
	require.NoError(t, err)
	status := func() *GetTrailStatusOutput {
		t.Helper()
		out, err := e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "audit"})
		require.NoError(t, err)
		return out
	}

	e.clk.Advance(3 * time.Minute) // 10:05: delivered to S3; logs and SNS fail
	first := t0.Add(3 * time.Minute)
	st := status()
	assert.Equal(t, first, *st.LatestDeliveryTime)
	assert.Equal(t, "ResourceNotFoundException", st.LatestCloudWatchLogsDeliveryError)
	assert.Nil(t, st.LatestCloudWatchLogsDeliveryTime)
	assert.Equal(t, "NotFound", st.LatestNotificationError)
	assert.Nil(t, st.LatestNotificationTime)
	assert.Equal(t, "2026-03-01T10:05:00Z", st.LatestNotificationAttemptTime)
	assert.Empty(t, st.LatestNotificationAttemptSucceeded)

	failing = false
	e.clk.Advance(5 * time.Minute) // 10:10: GetTrailStatus's record is delivered everywhere
	st = status()
	assert.Empty(t, st.LatestCloudWatchLogsDeliveryError)
	assert.Equal(t, first.Add(5*time.Minute), *st.LatestCloudWatchLogsDeliveryTime)
	assert.Empty(t, st.LatestNotificationError)
	assert.Equal(t, first.Add(5*time.Minute), *st.LatestNotificationTime)
	assert.Equal(t, "2026-03-01T10:10:00Z", st.LatestNotificationAttemptSucceeded)

	failing = true
	e.clk.Advance(5 * time.Minute) // 10:15: fails again; the last success stays
	st = status()
	assert.Equal(t, "ResourceNotFoundException", st.LatestCloudWatchLogsDeliveryError)
	assert.Equal(t, first.Add(5*time.Minute), *st.LatestCloudWatchLogsDeliveryTime)
	assert.Equal(t, "NotFound", st.LatestNotificationError)
	assert.Equal(t, "2026-03-01T10:15:00Z", st.LatestNotificationAttemptTime)
	assert.Equal(t, "2026-03-01T10:10:00Z", st.LatestNotificationAttemptSucceeded)
}

// With Options.LogGroupExists, CreateTrail and UpdateTrail reject a log group
// that does not exist (InvalidCloudWatchLogsLogGroupArnException) and change
// nothing.
func TestMissingLogGroupRejectedWhenCheckable(t *testing.T) {
	e := newEnv(t)
	existing := "arn:aws:logs:us-east-1:123456789012:log-group:trail-events:*"
	var asked []string
	svc := New(Options{Clock: e.clk, IDs: ids.New(3), Shared: &Shared{Store: e.store, KeySeed: 7},
		LogGroupExists: func(_ context.Context, a string) bool { asked = append(asked, a); return a == existing }})
	t.Cleanup(svc.Close)
	role := "arn:aws:iam::123456789012:role/ct"
	_, err := svc.CreateTrail(e.ctx, CreateTrailInput{Name: "audit", S3BucketName: "b-1",
		CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:missing:*", CloudWatchLogsRoleArn: role})
	require.ErrorIs(t, err, ErrInvalidCloudWatchLogsLogGroupArn)
	got, err := svc.DescribeTrails(e.ctx, DescribeTrailsInput{})
	require.NoError(t, err)
	require.Empty(t, got.TrailList)

	_, err = svc.CreateTrail(e.ctx, CreateTrailInput{Name: "audit", S3BucketName: "b-1", CloudWatchLogsLogGroupArn: existing, CloudWatchLogsRoleArn: role})
	require.NoError(t, err)
	missing := "arn:aws:logs:us-east-1:123456789012:log-group:gone:*"
	_, err = svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", CloudWatchLogsLogGroupArn: &missing})
	require.ErrorIs(t, err, ErrInvalidCloudWatchLogsLogGroupArn)
	tr, err := svc.GetTrail(e.ctx, GetTrailInput{Name: "audit"})
	require.NoError(t, err)
	assert.Equal(t, existing, tr.Trail.CloudWatchLogsLogGroupArn)
	assert.Equal(t, []string{"arn:aws:logs:us-east-1:123456789012:log-group:missing:*", existing, missing}, asked)
}
