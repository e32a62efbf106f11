package config

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/bus"
	"github.com/localwatch/localwatch/internal/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16 item 1: time bounds beyond what UnixNano can hold (after 2262,
// before 1678) must not overflow into another date.
func TestHistoryTimeBoundsBeyondUnixNanoRangeAreClamped(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	h.clk.Advance(time.Minute)
	h.record(instance("i-1", "sg-1", "m5.large", nil))
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	early := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, order := range []ChronologicalOrder{Reverse, Forward} {
		out, err := h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1",
			LaterTime: &far, EarlierTime: &early, ChronologicalOrder: order})
		require.NoError(t, err)
		assert.Len(t, out.ConfigurationItems, 2, "a laterTime in 2300 and an earlierTime in 1000 cover every item (%s)", order)
	}
	it, err := h.svc.ConfigurationItemAt(ResourceKey{"AWS::EC2::Instance", "i-1"}, far)
	require.NoError(t, err)
	assert.Contains(t, it.Configuration, "m5.large")
}

// outageStore fails every Put while down is set.
type outageStore struct {
	objstore.Memory
	down atomic.Bool
}

func (f *outageStore) Put(ctx context.Context, obj objstore.Object) error {
	if f.down.Load() {
		return errors.New("bucket unreachable")
	}
	return f.Memory.Put(ctx, obj)
}

// Issue 16 item 8: a history file that could not be delivered is not lost
// when the window moves on: the next delivery covers its items.
func TestHistoryFileUndeliveredIsRetriedOnTheNextInterval(t *testing.T) {
	store := &outageStore{}
	clk := clock.NewManual(t0)
	b := &bus.Bus{}
	svc := New(Options{Clock: clk, Bus: b, IDs: ids.New(1), Store: store})
	t.Cleanup(svc.Close)
	ctx := context.Background()
	_, err := svc.PutConfigurationRecorder(ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "default", RoleARN: testRole}})
	require.NoError(t, err)
	_, err = svc.PutDeliveryChannel(ctx, PutDeliveryChannelInput{DeliveryChannel{Name: "default", S3BucketName: "config-bucket"}})
	require.NoError(t, err)
	_, err = svc.StartConfigurationRecorder(ctx, StartConfigurationRecorderInput{"default"})
	require.NoError(t, err)

	clk.Advance(time.Hour)
	require.NoError(t, svc.RecordResource(ctx, instance("i-1", "sg-1", "t2.micro", nil)))
	store.down.Store(true)
	clk.Set(time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC)) // first delivery fails
	st, err := svc.DescribeDeliveryChannelStatus(ctx, DescribeDeliveryChannelStatusInput{})
	require.NoError(t, err)
	assert.Equal(t, "Failure", st.DeliveryChannelsStatus[0].ConfigHistoryDeliveryInfo.LastStatus)
	keys, _ := store.List(ctx, "config-bucket", "")
	require.Empty(t, keys)

	store.down.Store(false)
	clk.Advance(time.Hour)
	require.NoError(t, svc.RecordResource(ctx, instance("i-1", "sg-1", "m5.large", nil)))
	clk.Set(time.Date(2026, 3, 7, 18, 0, 0, 0, time.UTC))
	keys, err = store.List(ctx, "config-bucket", "")
	require.NoError(t, err)
	var items int
	for _, k := range keys {
		obj, err := store.Get(ctx, "config-bucket", k)
		require.NoError(t, err)
		if snap, err := ParseSnapshot(obj.Body); err == nil {
			items += len(snap.ConfigurationItems)
		}
	}
	assert.Equal(t, 2, items, "the item of the failed window is delivered with the next window's")
}
