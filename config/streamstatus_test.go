package config

import (
	"context"
	"testing"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStreamDeliveryStatusReportsRejectedNotifications: a notification SNS
// rejects (the channel's topic does not exist) shows in
// DescribeDeliveryChannelStatus as a Failure with SNS's error code and
// message; the next accepted one is a Success again.
func TestStreamDeliveryStatusReportsRejectedNotifications(t *testing.T) {
	h := newHarness(t)
	missing := true
	bus.Subscribe(h.bus, "sns", func(_ context.Context, n event.Notification) error {
		if missing {
			return awserr.New("NotFound", "Topic does not exist")
		}
		return nil
	})
	h.started(nil, nil)
	stream := func() ConfigStreamDeliveryInfo {
		t.Helper()
		out, err := h.svc.DescribeDeliveryChannelStatus(h.ctx, DescribeDeliveryChannelStatusInput{})
		require.NoError(t, err)
		require.Len(t, out.DeliveryChannelsStatus, 1)
		return *out.DeliveryChannelsStatus[0].ConfigStreamDeliveryInfo
	}
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1", Configuration: map[string]any{"instanceType": "t3.micro"}})
	st := stream()
	assert.Equal(t, "Failure", st.LastStatus)
	assert.Equal(t, "NotFound", st.LastErrorCode)
	assert.Equal(t, "Topic does not exist", st.LastErrorMessage)
	require.NotNil(t, st.LastStatusChangeTime)

	missing = false
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1", Configuration: map[string]any{"instanceType": "t3.large"}})
	st = stream()
	assert.Equal(t, "Success", st.LastStatus)
	assert.Empty(t, st.LastErrorCode)
	assert.Empty(t, st.LastErrorMessage)
}
