package event

import (
	"context"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecorderPublishesAPICall(t *testing.T) {
	var b bus.Bus
	var got []APICall
	bus.Subscribe(&b, "test", func(_ context.Context, ev APICall) error { got = append(got, ev); return nil })
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &Recorder{Bus: &b, Clock: clock.NewManual(t0), IDs: ids.New(1), EventSource: "monitoring.amazonaws.com", Region: "us-east-1", AccountID: "123456789012"}
	ctx := identity.With(context.Background(), identity.Root("123456789012"))
	r.Record(ctx, Call{Name: "PutMetricAlarm", RequestParameters: map[string]any{"alarmName": "a"}, ResponseElements: "x"}, nil)
	r.Record(context.Background(), Call{Name: "DescribeAlarms", ReadOnly: true, ResponseElements: "hidden"}, awserr.Missing("AlarmName"))
	require.Len(t, got, 2)
	assert.Equal(t, t0, got[0].Time)
	assert.True(t, got[0].HasIdentity)
	assert.Equal(t, "Root", got[0].Identity.Type)
	assert.True(t, got[0].Management)
	assert.Equal(t, "x", got[0].ResponseElements)
	assert.Equal(t, "MissingParameter", got[1].ErrorCode)
	assert.Nil(t, got[1].ResponseElements)
	assert.False(t, got[1].HasIdentity)
	assert.NotEmpty(t, got[1].RequestID)
	assert.NotEmpty(t, got[1].EventID)
	var nilRec *Recorder
	assert.Empty(t, nilRec.Record(ctx, Call{Name: "x"}, nil))
}

func TestRecordSkipsUnrecordedContexts(t *testing.T) {
	var b bus.Bus
	var got []APICall
	bus.Subscribe(&b, "t", func(_ context.Context, ev APICall) error { got = append(got, ev); return nil })
	r := &Recorder{Bus: &b, EventSource: "monitoring.amazonaws.com"}
	require.Empty(t, r.Record(Unrecorded(context.Background()), Call{Name: "GetMetricData", ReadOnly: true}, nil))
	require.Empty(t, got)
	r.Record(context.Background(), Call{Name: "GetMetricData", ReadOnly: true}, nil)
	require.Len(t, got, 1)
	require.True(t, IsUnrecorded(Unrecorded(context.Background())))
	require.False(t, IsUnrecorded(context.Background()))
}

func TestRecordsTellsWhetherRecordWouldPublish(t *testing.T) {
	var nilRec *Recorder
	require.False(t, nilRec.Records(context.Background()))
	var b bus.Bus
	r := &Recorder{Bus: &b}
	require.False(t, r.Records(context.Background()), "no subscriber")
	bus.Subscribe(&b, "t", func(context.Context, APICall) error { return nil })
	require.True(t, r.Records(context.Background()))
	require.False(t, r.Records(Unrecorded(context.Background())))
}

func TestRecorderBuildsParametersOnlyForCallsSomeoneReads(t *testing.T) {
	var b bus.Bus
	var got []APICall
	// A subscriber that reads management calls only (as CloudTrail's event
	// history does).
	bus.SubscribeFiltered(&b, "mgmt", func(ev APICall) bool { return ev.Management }, func(_ context.Context, ev APICall) error { got = append(got, ev); return nil })
	r := &Recorder{Bus: &b, Clock: clock.NewManual(time.Unix(0, 0)), IDs: ids.New(1), EventSource: "monitoring.amazonaws.com"}
	built := 0
	params := func() any { built++; return map[string]any{"namespace": "App"} }

	id := r.RecordFunc(context.Background(), Call{Name: "PutMetricData", Data: true}, params, nil)
	assert.NotEmpty(t, id, "the request ID is drawn whether or not anyone reads the call")
	assert.Zero(t, built, "no subscriber reads data events: their parameters are never built")
	assert.Empty(t, got)

	r.RecordFunc(context.Background(), Call{Name: "PutMetricAlarm", ResponseElements: "r"}, params, nil)
	assert.Equal(t, 1, built)
	require.Len(t, got, 1)
	assert.Equal(t, map[string]any{"namespace": "App"}, got[0].RequestParameters)
	assert.Equal(t, "r", got[0].ResponseElements)
}

func TestRecorderDrawsTheSameIDsWhateverTheFilters(t *testing.T) {
	draw := func(filter bool) []string {
		var b bus.Bus
		var ids2 []string
		h := func(_ context.Context, ev APICall) error { ids2 = append(ids2, ev.EventID); return nil }
		if filter {
			bus.SubscribeFiltered(&b, "mgmt", func(ev APICall) bool { return ev.Management }, h)
		} else {
			bus.Subscribe(&b, "all", h)
		}
		r := &Recorder{Bus: &b, IDs: ids.New(7)}
		r.Record(context.Background(), Call{Name: "PutMetricData", Data: true}, nil)
		r.Record(context.Background(), Call{Name: "PutMetricAlarm"}, nil)
		return ids2[len(ids2)-1:]
	}
	assert.Equal(t, draw(false), draw(true))
}

func TestRecordUsesRequestIDFromContext(t *testing.T) {
	b := &bus.Bus{}
	var got []APICall
	bus.Subscribe(b, "test", func(_ context.Context, ev APICall) error { got = append(got, ev); return nil })
	r := &Recorder{Bus: b, IDs: ids.New(1)}
	id := r.Record(WithRequestID(context.Background(), "req-1"), Call{Name: "X"}, nil)
	assert.Equal(t, "req-1", id)
	require.Len(t, got, 1)
	assert.Equal(t, "req-1", got[0].RequestID)
	assert.NotEmpty(t, got[0].EventID)
}

func TestRecorderTreatsNilContextAsBackground(t *testing.T) {
	var b bus.Bus
	var got []APICall
	bus.Subscribe(&b, "all", func(_ context.Context, ev APICall) error { got = append(got, ev); return nil })
	r := &Recorder{Bus: &b, IDs: ids.New(1)}
	//lint:ignore SA1012 a nil context is what this test checks
	assert.True(t, r.Records(nil))
	//lint:ignore SA1012 a nil context is what this test checks
	assert.NotEmpty(t, r.Record(nil, Call{Name: "PutMetricAlarm"}, nil))
	require.Len(t, got, 1)
	assert.False(t, got[0].HasIdentity)
}
