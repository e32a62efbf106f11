package trail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// RecordEvent refuses an event whose free-form elements cannot be encoded as
// JSON (a CloudTrail record is JSON; NaN and ±Inf have no JSON form) with a
// typed InvalidParameterException naming the field, and records nothing: no
// history entry, no log file, no "error" stub in place of the record.
func TestRecordEventRejectsUnencodableElements(t *testing.T) {
	cases := []struct {
		name  string
		in    RecordEventInput
		field string
	}{
		{"NaN request parameter", RecordEventInput{RequestParameters: map[string]any{"latency": math.NaN()}}, "RequestParameters"},
		{"+Inf nested in a list", RecordEventInput{RequestParameters: map[string]any{"v": []any{1.0, math.Inf(1)}}}, "RequestParameters"},
		{"-Inf float32 response element", RecordEventInput{ResponseElements: map[string]any{"v": float32(math.Inf(-1))}}, "ResponseElements"},
		{"channel in additional event data", RecordEventInput{AdditionalEventData: map[string]any{"c": make(chan int)}}, "AdditionalEventData"},
		{"NaN in a struct of service event details", RecordEventInput{ServiceEventDetails: struct{ X float64 }{math.NaN()}}, "ServiceEventDetails"},
		{"invalid raw JSON", RecordEventInput{RequestParameters: []byte(nil)}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.trail(t, "audit", false)
			in := tc.in
			in.EventSource, in.EventName = "app.example.com", "Measure"
			_, err := e.svc.RecordEvent(e.ctx, in)
			if tc.field == "" {
				require.NoError(t, err, "nil bytes encode as null")
				return
			}
			require.ErrorIs(t, err, ErrInvalidParameter)
			var ae *awserr.Error
			require.True(t, errors.As(err, &ae))
			assert.Contains(t, ae.Message, tc.field)
			out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "Measure"}}})
			require.NoError(t, err)
			assert.Empty(t, out.Events, "nothing recorded")
			e.clk.Advance(5 * time.Minute)
			assert.NotContains(t, e.recordNames(t, "AWSLogs/"), "Measure")
		})
	}
}

// An API call on the bus whose parameters cannot be encoded is written
// without them (requestParameters null) — every record in a log file and in
// LookupEvents is a whole record, never an "error" stub.
func TestUnencodableCallParametersAreNeverWritten(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", false)
	require.NoError(t, bus.Publish(context.Background(), e.bus, event.APICall{
		Time: e.clk.Now(), EventSource: "monitoring.amazonaws.com", EventName: "PutMetricData", AWSRegion: "us-east-1",
		Management: true, RequestParameters: map[string]any{"value": math.NaN()}, ResponseElements: map[string]any{"ok": true},
	}))
	out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "PutMetricData"}}})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	assert.NotContains(t, out.Events[0].CloudTrailEvent, `"error"`)
	assert.Contains(t, out.Events[0].CloudTrailEvent, `"requestParameters":null,"responseElements":null`)
	e.clk.Advance(5 * time.Minute)
	var found bool
	for _, k := range e.keys(t, "AWSLogs/") {
		obj, _ := e.store.Get(context.Background(), "trail-bucket", k)
		f, err := ReadLogFile(bytes.NewReader(obj.Body))
		require.NoError(t, err)
		for _, r := range f.Records {
			if r.EventName == "PutMetricData" {
				found = true
				assert.Nil(t, r.RequestParameters)
				assert.NotEmpty(t, r.EventTime)
			}
		}
	}
	assert.True(t, found)
}

func FuzzCheckEncodable(f *testing.F) {
	f.Add(1.5, "x", true)
	f.Add(math.NaN(), "", false)
	f.Fuzz(func(t *testing.T, v float64, s string, nest bool) {
		var in any = map[string]any{"v": v, "s": s}
		if nest {
			in = []any{in, map[string]any{"w": []any{v}}}
		}
		_, jerr := json.Marshal(in)
		assert.Equal(t, jerr == nil, checkEncodable(in) == nil, "checkEncodable agrees with encoding/json")
	})
}
