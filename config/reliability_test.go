package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
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

// operations calls every exported method of s that returns an error with
// ctx (where it takes one) and zero values for the other arguments, and
// returns each method's error (a panic fails the test).
func operations(t *testing.T, s *Service, ctx context.Context) map[string]error {
	t.Helper()
	errType := reflect.TypeFor[error]()
	ctxType := reflect.TypeFor[context.Context]()
	out := map[string]error{}
	v := reflect.ValueOf(s)
	for i := range v.NumMethod() {
		m := v.Type().Method(i)
		mt := m.Type
		if mt.NumOut() == 0 || mt.Out(mt.NumOut()-1) != errType || m.Name == "ReplayOp" { // ReplayOp is the journal's, not an operation
			continue
		}
		args := []reflect.Value{v}
		for a := 1; a < mt.NumIn(); a++ {
			if mt.In(a) == ctxType {
				if ctx == nil {
					args = append(args, reflect.Zero(ctxType))
				} else {
					args = append(args, reflect.ValueOf(ctx))
				}
				continue
			}
			if mt.IsVariadic() && a == mt.NumIn()-1 {
				break
			}
			args = append(args, reflect.Zero(mt.In(a)))
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s panicked: %v", m.Name, r)
				}
			}()
			res := m.Func.Call(args)
			err, _ := res[len(res)-1].Interface().(error)
			out[m.Name] = err
		}()
	}
	require.NotEmpty(t, out)
	return out
}

// The lead's contract (issue 16 item 12): a nil context is
// context.Background(), never a panic.
func TestNilContextIsBackground(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	ops := operations(t, h.svc, nil)
	assert.Greater(t, len(ops), 30)
	//lint:ignore SA1012 a nil context is what this test checks
	require.NoError(t, h.svc.RecordResource(nil, instance("i-2", "sg-1", "t2.micro", nil)))
}

// After Close every operation fails with ServiceUnavailableException, and
// Close may be called again.
func TestEveryOperationAfterCloseIsServiceUnavailable(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	h.svc.Close()
	h.svc.Close()
	for name, err := range operations(t, h.svc, h.ctx) {
		var ae *awserr.Error
		if assert.ErrorAs(t, err, &ae, name) {
			assert.Equal(t, "ServiceUnavailableException", ae.Code, name)
			assert.Equal(t, 503, ae.StatusCode, name)
		}
	}
}

// Issue 16 item 12: interval options have a lower bound.
func TestHistoryDeliveryIntervalHasALowerBound(t *testing.T) {
	clk := clock.NewManual(t0)
	svc := New(Options{Clock: clk, HistoryDeliveryInterval: time.Nanosecond})
	t.Cleanup(svc.Close)
	assert.Equal(t, MinHistoryDeliveryInterval, svc.histEvery)
	off := New(Options{Clock: clk, HistoryDeliveryInterval: -1})
	t.Cleanup(off.Close)
	assert.Negative(t, off.histEvery, "negative still disables history files")
}

// Issue 16 item 1: every lock is released by defer, so a panic inside a
// critical section (recovered by a caller such as net/http) cannot leave the
// service wedged. The check is on the source: each s.mu.Lock() is followed by
// its deferred Unlock.
func TestEveryLockIsReleasedByDefer(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		lines := strings.Split(string(b), "\n")
		for i, l := range lines {
			if strings.TrimSpace(l) != "s.mu.Lock()" {
				continue
			}
			next := ""
			if i+1 < len(lines) {
				next = strings.TrimSpace(lines[i+1])
			}
			assert.Equal(t, "defer s.mu.Unlock()", next, "%s:%d: lock not released by defer", f, i+1)
		}
	}
}
