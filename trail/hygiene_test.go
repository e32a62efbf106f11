package trail

import (
	"context"
	"errors"
	"math"
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

// every operation of the Service, called with ctx.
func everyOperation(s *Service, ctx context.Context) map[string]func() error {
	e := func(_ any, err error) error { return err }
	return map[string]func() error{
		"CreateTrail": func() error {
			return e(s.CreateTrail(ctx, CreateTrailInput{Name: "other", S3BucketName: "trail-bucket"}))
		},
		"UpdateTrail":    func() error { return e(s.UpdateTrail(ctx, UpdateTrailInput{Name: "audit", S3KeyPrefix: ptr("p")})) },
		"StartLogging":   func() error { return e(s.StartLogging(ctx, StartLoggingInput{Name: "audit"})) },
		"StopLogging":    func() error { return e(s.StopLogging(ctx, StopLoggingInput{Name: "audit"})) },
		"GetTrail":       func() error { return e(s.GetTrail(ctx, GetTrailInput{Name: "audit"})) },
		"DescribeTrails": func() error { return e(s.DescribeTrails(ctx, DescribeTrailsInput{})) },
		"ListTrails":     func() error { return e(s.ListTrails(ctx, ListTrailsInput{})) },
		"GetTrailStatus": func() error { return e(s.GetTrailStatus(ctx, GetTrailStatusInput{Name: "audit"})) },
		"PutEventSelectors": func() error {
			return e(s.PutEventSelectors(ctx, PutEventSelectorsInput{TrailName: "audit", EventSelectors: []EventSelector{{}}}))
		},
		"GetEventSelectors": func() error { return e(s.GetEventSelectors(ctx, GetEventSelectorsInput{TrailName: "audit"})) },
		"LookupEvents":      func() error { return e(s.LookupEvents(ctx, LookupEventsInput{})) },
		"ListPublicKeys":    func() error { return e(s.ListPublicKeys(ctx, ListPublicKeysInput{})) },
		"RecordEvent":       func() error { return e(s.RecordEvent(ctx, RecordEventInput{EventSource: "a.b", EventName: "X"})) },
		"ValidateLogs":      func() error { return e(s.ValidateLogs(ctx, ValidateLogsInput{TrailName: "audit", StartTime: t0})) },
		"LookupEventsAll": func() error {
			for _, err := range s.LookupEventsAll(ctx, LookupEventsInput{}) {
				return err
			}
			return nil
		},
		"AddTags": func() error {
			return e(s.AddTags(ctx, AddTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: "k"}}}))
		},
		"RemoveTags": func() error {
			return e(s.RemoveTags(ctx, RemoveTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: "k"}}}))
		},
		"ListTags": func() error { return e(s.ListTags(ctx, ListTagsInput{ResourceIdList: []string{auditARN}})) },
		"PutInsightSelectors": func() error {
			return e(s.PutInsightSelectors(ctx, PutInsightSelectorsInput{TrailName: "audit", InsightSelectors: []InsightSelector{}}))
		},
		"GetInsightSelectors": func() error { return e(s.GetInsightSelectors(ctx, GetInsightSelectorsInput{TrailName: "audit"})) },
		"PutResourcePolicy": func() error {
			return e(s.PutResourcePolicy(ctx, PutResourcePolicyInput{ResourceArn: auditARN, ResourcePolicy: "{}"}))
		},
		"GetResourcePolicy":    func() error { return e(s.GetResourcePolicy(ctx, GetResourcePolicyInput{ResourceArn: auditARN})) },
		"DeleteResourcePolicy": func() error { return e(s.DeleteResourcePolicy(ctx, DeleteResourcePolicyInput{ResourceArn: auditARN})) },
		"DeleteTrail":          func() error { return e(s.DeleteTrail(ctx, DeleteTrailInput{Name: "audit"})) },
	}
}

// After Close, every operation answers ServiceUnavailableException (HTTP
// 503), the one contract of every localwatch service, and Close may be
// called again.
func TestClosedServiceAnswersServiceUnavailable(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.svc.Close()
	e.svc.Close()
	for name, op := range everyOperation(e.svc, e.ctx) {
		err := op()
		assert.Equal(t, "ServiceUnavailableException", awserr.Code(err), name)
	}
	e.clk.Advance(time.Hour)
	assert.Empty(t, e.keys(t, "AWSLogs/"), "a closed Service delivers nothing")
}

// A nil context.Context behaves as context.Background() in every operation.
func TestNilContextIsBackground(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(time.Hour)
	for name, op := range everyOperation(e.svc, nil) {
		assert.NotPanics(t, func() { _ = op() }, name)
	}
	//lint:ignore SA1012 a nil context is what this test checks
	_, err := ValidateLogs(nil, ValidateInput{})
	assert.Error(t, err)
}

type listFailStore struct{ objstore.Memory }

var errListFailed = errors.New("network down")

func (*listFailStore) List(context.Context, string, string) ([]string, error) {
	return nil, errListFailed
}

// ValidateLogs' errors are *awserr.Error values with CloudTrail's codes (and
// the CLI's texts where it has one).
func TestValidateLogsErrorsAreTyped(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(time.Hour)
	keys, err := e.svc.ListPublicKeys(e.ctx, ListPublicKeysInput{})
	require.NoError(t, err)
	good := ValidateInput{Store: e.store, TrailARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit", Bucket: "trail-bucket",
		StartTime: t0, EndTime: e.clk.Now(), PublicKeys: keys.PublicKeyList}
	cases := []struct {
		name string
		edit func(in *ValidateInput)
		code string
		msg  string
	}{
		{"ARN the CLI refuses", func(in *ValidateInput) { in.TrailARN = "audit" }, "CloudTrailARNInvalidException", "Invalid trail ARN provided: audit"},
		{"trail name that escapes the key layout", func(in *ValidateInput) {
			in.TrailARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/../x"
		}, "InvalidTrailNameException", ""},
		{"prefix that escapes", func(in *ValidateInput) { in.Prefix = "../other" }, "InvalidS3PrefixException", ""},
		{"no store", func(in *ValidateInput) { in.Store = nil }, "InvalidParameterException", ""},
		{"start after end", func(in *ValidateInput) { in.StartTime = in.EndTime.Add(time.Hour) }, "InvalidTimeRangeException",
			"Invalid time range specified: start-time must occur before end-time"},
		{"no public keys", func(in *ValidateInput) { in.PublicKeys = nil }, "InvalidParameterException", "No public keys found between 2026-03-01T10:02:00Z and 2026-03-01T11:02:00Z"},
		{"store cannot list", func(in *ValidateInput) { in.Store = &listFailStore{} }, "InternalFailure", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			_, err := ValidateLogs(context.Background(), in)
			var ae *awserr.Error
			require.True(t, errors.As(err, &ae), "%T %v", err, err)
			assert.Equal(t, tc.code, ae.Code)
			if tc.msg != "" {
				assert.Equal(t, tc.msg, ae.Message)
			}
		})
	}
	_, err = ValidateLogs(context.Background(), ValidateInput{Store: &listFailStore{}, TrailARN: good.TrailARN, Bucket: "b", StartTime: t0, EndTime: t0, PublicKeys: good.PublicKeys})
	assert.ErrorIs(t, err, errListFailed, "the store's error is wrapped")
	rep, err := ValidateLogs(context.Background(), good)
	require.NoError(t, err)
	assert.True(t, rep.OK())
}

// Delivery and digest intervals have a lower bound: a 1 ns interval would
// make each simulated millisecond cost a million deliveries.
func TestIntervalsHaveALowerBound(t *testing.T) {
	clk := clock.NewManual(t0)
	s := New(Options{Clock: clk, Bus: &bus.Bus{}, IDs: ids.New(1), DeliveryInterval: time.Nanosecond, DigestInterval: time.Nanosecond})
	defer s.Close()
	assert.Equal(t, MinInterval, s.interval)
	assert.Equal(t, MinInterval, s.digestIv)
	s2 := New(Options{Clock: clk, Bus: &bus.Bus{}, IDs: ids.New(1), DeliveryInterval: 1500 * time.Millisecond, DigestInterval: 7 * time.Second})
	defer s2.Close()
	assert.Equal(t, 2*time.Second, s2.interval, "whole seconds")
	assert.Equal(t, 8*time.Second, s2.digestIv, "a multiple of the delivery interval")
}

// LookupEvents takes any StartTime and EndTime (year 1 to far beyond 2262,
// where UnixNano overflows) without failing or mixing up pages.
func TestLookupEventsTimeExtremes(t *testing.T) {
	e := newEnv(t)
	for range 3 {
		e.call("PutMetricAlarm", false)
		e.clk.Advance(time.Minute)
	}
	extremes := []time.Time{time.Time{}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(math.MinInt64/2, 0),
		time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Unix(math.MaxInt64/2, 0)}
	for _, st := range extremes[:3] {
		for _, en := range extremes[3:] {
			var got []string
			in := LookupEventsInput{StartTime: ptr(st), EndTime: ptr(en), MaxResults: ptr(int32(1)),
				LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "PutMetricAlarm"}}}
			for ev, err := range e.svc.LookupEventsAll(e.ctx, in) {
				require.NoError(t, err, "%v..%v", st, en)
				got = append(got, ev.EventId)
			}
			assert.Len(t, got, 3, "%v..%v", st, en)
		}
	}
	// A token from one extreme range is not accepted for another that
	// UnixNano would have confused with it.
	a, b := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(math.MaxInt64)).Add(time.Duration(math.MaxInt64)).Add(2*time.Nanosecond)
	out, err := e.svc.LookupEvents(e.ctx, LookupEventsInput{EndTime: &a, MaxResults: ptr(int32(1))})
	require.NoError(t, err)
	require.NotNil(t, out.NextToken)
	_, err = e.svc.LookupEvents(e.ctx, LookupEventsInput{EndTime: &b, MaxResults: ptr(int32(1)), NextToken: out.NextToken})
	assert.ErrorIs(t, err, ErrInvalidNextToken)
}

type panicStore struct{ objstore.Memory }

func (*panicStore) Put(context.Context, objstore.Object) error { panic("store exploded") }

// A panic inside delivery (here a Store that panics) releases every lock: the
// Service keeps answering and delivering afterwards.
func TestPanicInDeliveryReleasesLocks(t *testing.T) {
	clk := clock.NewManual(t0)
	ps := &panicStore{}
	s := New(Options{Clock: clk, Bus: &bus.Bus{}, IDs: ids.New(1), Shared: &Shared{Store: ps}})
	defer s.Close()
	ctx := context.Background()
	for _, name := range []string{"one", "two"} {
		_, err := s.CreateTrail(ctx, CreateTrailInput{Name: name, S3BucketName: "trail-bucket"})
		require.NoError(t, err)
		_, err = s.StartLogging(ctx, StartLoggingInput{Name: name})
		require.NoError(t, err)
	}
	_, _ = s.RecordEvent(ctx, RecordEventInput{EventSource: "a.b", EventName: "X"})
	assert.Panics(t, func() { _, _ = s.StopLogging(ctx, StopLoggingInput{Name: "one"}) })
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { _ = recover() }()
		_, _ = s.RecordEvent(ctx, RecordEventInput{EventSource: "a.b", EventName: "Y"})
		_, _ = s.LookupEvents(ctx, LookupEventsInput{})
		_, _ = s.GetTrailStatus(ctx, GetTrailStatusInput{Name: "two"})
		_, _ = s.StopLogging(ctx, StopLoggingInput{Name: "two"}) // delivers again: panics again, after taking the locks
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a lock stayed held after the panic")
	}
}
