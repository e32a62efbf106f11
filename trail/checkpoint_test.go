package trail

import (
	"bytes"
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/require"
)

// ckStore is an objstore.Memory that refuses Puts to the buckets in fail
// (to leave log files unsent at a checkpoint).
type ckStore struct {
	objstore.Memory
	mu   sync.Mutex
	fail map[string]bool
}

func (s *ckStore) Put(ctx context.Context, o objstore.Object) error {
	s.mu.Lock()
	f := s.fail[o.Bucket]
	s.mu.Unlock()
	if f {
		return errors.New("bucket unreachable")
	}
	return s.Memory.Put(ctx, o)
}

func (s *ckStore) setFail(bucket string, f bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail == nil {
		s.fail = map[string]bool{}
	}
	s.fail[bucket] = f
}

var ckBuckets = []string{"trail-bucket", "multi-bucket", "basic-bucket", "bad-bucket"}

var ckRegions = []string{"us-east-1", "eu-west-1"}

// ckWorld is an account with CloudTrail in two Regions.
type ckWorld struct {
	clk    *clock.Manual
	bus    *bus.Bus
	ids    *ids.Source
	store  *ckStore
	shared *Shared
	svc    map[string]*Service
	rec    map[string]*event.Recorder
	ctx    context.Context
}

// newCkWorld builds the world at t0; eu-west-1's Service is built euDelay
// later (its key windows start then).
func newCkWorld(t *testing.T, store *ckStore, euDelay time.Duration) *ckWorld {
	w := &ckWorld{clk: clock.NewManual(t0), bus: &bus.Bus{}, ids: ids.New(42), store: store,
		svc: map[string]*Service{}, rec: map[string]*event.Recorder{}}
	w.shared = &Shared{Store: store, KeySeed: 7}
	// CloudWatch Logs and SNS refuse the deliveries (the trails' status keeps
	// the errors).
	t.Cleanup(bus.Subscribe(w.bus, "test-logs", func(_ context.Context, ev event.LogDelivery) error {
		return errors.New("ResourceNotFoundException: no group " + ev.LogGroupName)
	}))
	t.Cleanup(bus.Subscribe(w.bus, "test-sns", func(_ context.Context, ev event.Notification) error {
		return errors.New("NotFound: " + ev.TopicARN)
	}))
	for _, r := range ckRegions {
		if r == "eu-west-1" {
			w.clk.Advance(euDelay)
		}
		w.svc[r] = New(Options{Clock: w.clk, Bus: w.bus, IDs: w.ids, Region: r, Shared: w.shared, OrganizationID: "o-abc123"})
		t.Cleanup(w.svc[r].Close)
		w.rec[r] = &event.Recorder{Bus: w.bus, Clock: w.clk, IDs: w.ids, EventSource: "monitoring.amazonaws.com", Region: r, AccountID: "123456789012"}
	}
	w.ctx = identity.With(context.Background(), identity.IAMUser("123456789012", "alice", "AKIAEXAMPLE"))
	return w
}

// events records a varied batch of events in both Regions.
func (w *ckWorld) events(t *testing.T, n int) {
	t.Helper()
	bob := identity.With(context.Background(), identity.IAMUser("123456789012", "bob", "AKIABOB"))
	for i := range n {
		for _, r := range ckRegions {
			w.rec[r].Record(w.ctx, event.Call{Name: "PutMetricAlarm", RequestParameters: map[string]any{"alarmName": "a", "n": i, "html": "<b>&"}}, nil)
			w.rec[r].Record(bob, event.Call{Name: "DescribeAlarms", ReadOnly: true, ResponseElements: map[string]any{"x": []int{1, 2}},
				Resources: []event.Resource{{ARN: "arn:aws:cloudwatch:" + r + ":123456789012:alarm:a", Type: "AWS::CloudWatch::Alarm", AccountID: "123456789012"}}}, nil)
			w.rec[r].Record(w.ctx, event.Call{Name: "PutMetricData", RequestParameters: map[string]any{"bad": math.NaN()}}, errors.New("boom"))
			w.rec[r].Record(context.Background(), event.Call{Name: "GetMetricData", Data: true, ReadOnly: true}, nil)
			svc := w.svc[r]
			_, err := svc.RecordEvent(w.ctx, RecordEventInput{EventSource: "s3.amazonaws.com", EventName: "PutObject", EventCategory: CategoryData,
				Resources:         []Resource{{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::data-bucket/k"}},
				RequestParameters: map[string]any{"bucketName": "data-bucket", "key": "k"}, AdditionalEventData: map[string]any(nil)})
			require.NoError(t, err)
			_, err = svc.RecordEvent(bob, RecordEventInput{EventType: EventTypeConsoleSignIn, EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin",
				ResponseElements: map[string]any{"ConsoleLogin": "Success"}, AdditionalEventData: map[string]any{"MFAUsed": "No"},
				TLSDetails: &TLSDetails{TLSVersion: "TLSv1.3"}, SessionCredentialFromConsole: true})
			require.NoError(t, err)
			_, err = svc.RecordEvent(bob, RecordEventInput{EventType: EventTypeConsoleSignIn, EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin",
				ErrorMessage: "Failed authentication"})
			require.NoError(t, err)
			_, err = svc.RecordEvent(w.ctx, RecordEventInput{EventSource: "iam.amazonaws.com", EventName: "CreateUser", ErrorCode: "EntityAlreadyExists", ErrorMessage: "exists",
				ServiceEventDetails: []any{1.5, "x", nil}})
			require.NoError(t, err)
		}
	}
}

func (w *ckWorld) setup(t *testing.T) {
	t.Helper()
	east, eu := w.svc["us-east-1"], w.svc["eu-west-1"]
	ctx := w.ctx
	_, err := east.CreateTrail(ctx, CreateTrailInput{Name: "mgmt", S3BucketName: "trail-bucket", S3KeyPrefix: "pre/fix",
		SnsTopicName: "trail-topic", EnableLogFileValidation: ptr(true),
		CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:trail-group:*", CloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/ct",
		TagsList: []Tag{{Key: "team", Value: "ops"}, {Key: "empty"}}})
	require.NoError(t, err)
	_, err = east.CreateTrail(ctx, CreateTrailInput{Name: "multi", S3BucketName: "multi-bucket", IsMultiRegionTrail: ptr(true),
		EnableLogFileValidation: ptr(true), KmsKeyId: "alias/ct"})
	require.NoError(t, err)
	_, err = east.CreateTrail(ctx, CreateTrailInput{Name: "gone", S3BucketName: "multi-bucket", S3KeyPrefix: "gone", IsMultiRegionTrail: ptr(true),
		EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	// steady: validated and logging, never touched: its chain runs across
	// the checkpoint in one generation.
	_, err = east.CreateTrail(ctx, CreateTrailInput{Name: "steady", S3BucketName: "trail-bucket", EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	_, err = eu.CreateTrail(ctx, CreateTrailInput{Name: "basic", S3BucketName: "basic-bucket", IsOrganizationTrail: ptr(true)})
	require.NoError(t, err)
	_, err = eu.CreateTrail(ctx, CreateTrailInput{Name: "bad", S3BucketName: "bad-bucket", EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	_, err = eu.CreateTrail(ctx, CreateTrailInput{Name: "idle", S3BucketName: "basic-bucket", IncludeGlobalServiceEvents: ptr(false)})
	require.NoError(t, err)
	_, err = east.PutEventSelectors(ctx, PutEventSelectorsInput{TrailName: "multi", AdvancedEventSelectors: []AdvancedEventSelector{
		{Name: "mgmt", FieldSelectors: []AdvancedFieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}}},
		{Name: "s3", FieldSelectors: []AdvancedFieldSelector{{Field: "eventCategory", Equals: []string{"Data"}},
			{Field: "resources.type", Equals: []string{"AWS::S3::Object"}}, {Field: "eventName", NotEquals: []string{"GetObject"}}}},
	}})
	require.NoError(t, err)
	_, err = eu.PutEventSelectors(ctx, PutEventSelectorsInput{TrailName: "basic", EventSelectors: []EventSelector{
		{ReadWriteType: WriteOnly, DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::data-bucket/"}}}},
		{IncludeManagementEvents: ptr(false), DataResources: []DataResource{}},
	}})
	require.NoError(t, err)
	_, err = eu.PutEventSelectors(ctx, PutEventSelectorsInput{TrailName: "idle", EventSelectors: []EventSelector{}})
	require.NoError(t, err)
	_, err = east.PutInsightSelectors(ctx, PutInsightSelectorsInput{TrailName: "multi", InsightSelectors: []InsightSelector{{InsightType: "ApiCallRateInsight"}}})
	require.NoError(t, err)
	_, err = east.AddTags(ctx, AddTagsInput{ResourceId: "arn:aws:cloudtrail:us-east-1:123456789012:trail/multi", TagsList: []Tag{{Key: "k", Value: "v"}}})
	require.NoError(t, err)
	for _, n := range []string{"mgmt", "multi", "gone", "steady"} {
		_, err = east.StartLogging(ctx, StartLoggingInput{Name: n})
		require.NoError(t, err)
	}
	for _, n := range []string{"basic", "bad"} {
		_, err = eu.StartLogging(ctx, StartLoggingInput{Name: n})
		require.NoError(t, err)
	}
	w.store.setFail("bad-bucket", true)
	w.events(t, 3)
	w.clk.Advance(36 * time.Minute) // deliveries
	_, err = eu.StopLogging(ctx, StopLoggingInput{Name: "basic"})
	require.NoError(t, err)
	_, err = east.UpdateTrail(ctx, UpdateTrailInput{Name: "mgmt", EnableLogFileValidation: ptr(false)})
	require.NoError(t, err)
	w.events(t, 2)
	w.clk.Advance(30 * time.Minute) // past 11:00: digests
	_, err = east.UpdateTrail(ctx, UpdateTrailInput{Name: "mgmt", EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	w.events(t, 2)
	w.clk.Advance(3 * time.Minute) // records pending
	w.events(t, 1)
	// At a digest boundary: multi stops and starts again in the same second
	// (its final digest ends a second after the boundary, where the next
	// chain must start: lastEnd); mgmt stops there and starts two minutes
	// later (its next chain starts at its ChainStart).
	w.clk.Set(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	for _, n := range []string{"multi", "mgmt"} {
		_, err = east.StopLogging(ctx, StopLoggingInput{Name: n})
		require.NoError(t, err)
	}
	_, err = east.StartLogging(ctx, StartLoggingInput{Name: "multi"})
	require.NoError(t, err)
	w.events(t, 1)
	w.clk.Advance(2 * time.Minute)
	_, err = east.StartLogging(ctx, StartLoggingInput{Name: "mgmt"})
	require.NoError(t, err)
	w.events(t, 1)
	// gone: deleted in its home Region; eu-west-1 still holds its pending
	// records and open chain, delivered at its next tick.
	_, err = east.DeleteTrail(ctx, DeleteTrailInput{Name: "gone"})
	require.NoError(t, err)
	w.events(t, 1)
}

// ckSnapshot is every answer a Region's reads give (the reads are API calls:
// both worlds must make the same ones).
type ckSnapshot struct {
	Describe  *DescribeTrailsOutput
	List      *ListTrailsOutput
	Gets      []any
	Lookups   []Event
	ByAttr    []*LookupEventsOutput
	Keys      *ListPublicKeysOutput
	Tags      *ListTagsOutput
	TagsError string
}

func (w *ckWorld) snapshot(t *testing.T, region string) ckSnapshot {
	t.Helper()
	s := w.svc[region]
	ctx := w.ctx
	var snap ckSnapshot
	var err error
	snap.Describe, err = s.DescribeTrails(ctx, DescribeTrailsInput{})
	require.NoError(t, err)
	snap.List, err = s.ListTrails(ctx, ListTrailsInput{})
	require.NoError(t, err)
	var arns []string
	for _, tr := range snap.Describe.TrailList {
		arns = append(arns, tr.TrailARN)
		g, err := s.GetTrail(ctx, GetTrailInput{Name: tr.Name})
		require.NoError(t, err)
		st, err := s.GetTrailStatus(ctx, GetTrailStatusInput{Name: tr.Name})
		require.NoError(t, err)
		es, err := s.GetEventSelectors(ctx, GetEventSelectorsInput{TrailName: tr.Name})
		require.NoError(t, err)
		is, err := s.GetInsightSelectors(ctx, GetInsightSelectorsInput{TrailName: tr.Name})
		var ie string
		if err != nil {
			ie = err.Error()
		}
		snap.Gets = append(snap.Gets, g, st, es, is, ie)
	}
	tags, err := s.ListTags(ctx, ListTagsInput{ResourceIdList: arns})
	if err != nil {
		snap.TagsError = err.Error()
	}
	snap.Tags = tags
	for ev, err := range s.LookupEventsAll(ctx, LookupEventsInput{MaxResults: ptr(int32(7))}) {
		require.NoError(t, err)
		snap.Lookups = append(snap.Lookups, ev)
	}
	for _, a := range []LookupAttribute{{LookupUsername, "bob"}, {LookupEventName, "ConsoleLogin"}, {LookupReadOnly, "true"},
		{LookupResourceName, "a"}, {LookupEventSource, "iam.amazonaws.com"}, {LookupAccessKeyID, "AKIAEXAMPLE"}} {
		out, err := s.LookupEvents(ctx, LookupEventsInput{LookupAttributes: []LookupAttribute{a}, MaxResults: ptr(int32(50))})
		require.NoError(t, err)
		snap.ByAttr = append(snap.ByAttr, out)
	}
	snap.Keys, err = s.ListPublicKeys(ctx, ListPublicKeysInput{StartTime: ptr(t0), EndTime: ptr(t0.Add(90 * 24 * time.Hour))})
	require.NoError(t, err)
	return snap
}

func (w *ckWorld) objects(t *testing.T) map[string]objstore.Object {
	t.Helper()
	out := map[string]objstore.Object{}
	for _, b := range ckBuckets {
		keys, err := w.store.List(context.Background(), b, "")
		require.NoError(t, err)
		for _, k := range keys {
			o, err := w.store.Get(context.Background(), b, k)
			require.NoError(t, err)
			out[b+"/"+k] = o
		}
	}
	return out
}

func ckSave(t *testing.T, h func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, h(&buf))
	return buf.Bytes()
}

func TestCheckpointRoundTrip(t *testing.T) {
	a := newCkWorld(t, &ckStore{}, time.Minute)
	a.setup(t)
	// What the checkpoint must carry is there.
	eu, east := a.svc["eu-west-1"], a.svc["us-east-1"]
	badARN := "arn:aws:cloudtrail:eu-west-1:123456789012:trail/bad"
	goneARN := "arn:aws:cloudtrail:us-east-1:123456789012:trail/gone"
	require.NotEmpty(t, eu.regional[badARN].unsent, "unsent files")
	require.True(t, eu.regional[goneARN].chain, "gone trail's open chain in eu-west-1")
	require.NotNil(t, eu.regional[goneARN].prev)
	require.NotZero(t, eu.bufs[goneARN].len())
	require.NotZero(t, east.bufs["arn:aws:cloudtrail:us-east-1:123456789012:trail/multi"].len())
	require.NotZero(t, east.history.entries.len())
	require.True(t, eu.regional["arn:aws:cloudtrail:us-east-1:123456789012:trail/multi"].chain, "open chain")
	require.False(t, east.regional["arn:aws:cloudtrail:us-east-1:123456789012:trail/mgmt"].chain, "closed chain, to restart")
	require.NotEmpty(t, a.objects(t))

	// Checkpoint A (Shared, then each Region), with no call or timer running.
	sharedCk := ckSave(t, func(b *bytes.Buffer) error { return a.shared.StateHooks().Save(b) })
	svcCk := map[string][]byte{}
	for _, r := range ckRegions {
		svcCk[r] = ckSave(t, func(b *bytes.Buffer) error { return a.svc[r].saveState(b) })
	}
	pos, err := a.ids.MarshalBinary()
	require.NoError(t, err)

	// B: the object store as it persisted, services built at A's start time.
	storeB := &ckStore{}
	for k, o := range a.objects(t) {
		_ = k
		require.NoError(t, storeB.Memory.Put(context.Background(), o))
	}
	storeB.setFail("bad-bucket", true)
	b := newCkWorld(t, storeB, 0)
	for _, r := range ckRegions {
		b.svc[r].timer.Stop() // what the account's clock does before Load
	}
	require.NoError(t, b.ids.UnmarshalBinary(pos))
	b.clk.Set(a.clk.Now())
	require.NoError(t, b.shared.StateHooks().Load(bytes.NewReader(sharedCk)))
	for _, r := range ckRegions {
		require.NoError(t, b.svc[r].loadState(bytes.NewReader(svcCk[r])))
	}
	require.Equal(t, a.clk.Pending(), b.clk.Pending(), "pending timers")

	// Saving B again gives the same checkpoint.
	require.Equal(t, sharedCk, ckSave(t, func(buf *bytes.Buffer) error { return b.shared.StateHooks().Save(buf) }))
	for _, r := range ckRegions {
		require.Equal(t, svcCk[r], ckSave(t, func(buf *bytes.Buffer) error { return b.svc[r].saveState(buf) }), r)
	}

	compare := func(stage string) {
		for _, r := range ckRegions {
			require.Equal(t, a.snapshot(t, r), b.snapshot(t, r), "%s: %s", stage, r)
		}
		oa, ob := a.objects(t), b.objects(t)
		require.Equal(t, len(oa), len(ob), "%s: objects", stage)
		for k, o := range oa {
			require.Equal(t, o, ob[k], "%s: %s", stage, k)
		}
	}
	compare("after load")

	// The same later life in both.
	for _, w := range []*ckWorld{a, b} {
		w.events(t, 2)
		w.clk.Advance(7 * time.Minute)
		w.store.setFail("bad-bucket", false)                                               // unsent files go out at the next delivery
		_, err := w.svc["eu-west-1"].StartLogging(w.ctx, StartLoggingInput{Name: "basic"}) // an organization trail's keys
		require.NoError(t, err)
		w.events(t, 2)
		w.clk.Advance(2 * time.Hour)
		_, err = w.svc["us-east-1"].StopLogging(w.ctx, StopLoggingInput{Name: "multi"})
		require.NoError(t, err)
		w.events(t, 1)
		w.clk.Advance(3 * time.Hour)
		_, err = w.svc["eu-west-1"].CreateTrail(w.ctx, CreateTrailInput{Name: "late", S3BucketName: "basic-bucket"})
		require.NoError(t, err)
		w.events(t, 1)
		w.clk.Advance(time.Hour)
	}
	compare("later")

	// The digest chains cross the checkpoint and validate.
	digests := 0
	for _, c := range []struct{ region, trail string }{
		{"us-east-1", "mgmt"}, {"us-east-1", "multi"}, {"us-east-1", "steady"}, {"eu-west-1", "multi"}, {"eu-west-1", "bad"},
	} {
		rep, err := b.svc[c.region].ValidateLogs(b.ctx, ValidateLogsInput{TrailName: c.trail, StartTime: t0})
		require.NoError(t, err)
		require.True(t, rep.OK(), "%s %s: %+v", c.region, c.trail, rep.Results)
		require.NotZero(t, rep.ValidDigests, "%s %s", c.region, c.trail)
		digests += rep.ValidDigests
		// The chain reaches back before the checkpoint.
		require.False(t, rep.FoundStart.After(a.clk.Now().Add(-6*time.Hour-9*time.Minute-30*time.Minute)), "%s %s: found %v", c.region, c.trail, rep.FoundStart)
	}
	require.Greater(t, digests, 8)
}

func TestCheckpointLoadGarbage(t *testing.T) {
	w := newCkWorld(t, &ckStore{}, 0)
	w.setup(t)
	good := ckSave(t, func(b *bytes.Buffer) error { return w.svc["us-east-1"].saveState(b) })
	goodShared := ckSave(t, func(b *bytes.Buffer) error { return w.shared.StateHooks().Save(b) })
	for name, data := range map[string][]byte{
		"empty":     nil,
		"version":   append([]byte{99}, good[1:]...),
		"junk":      {checkpointVersion, 0xff, 0x00, 0x13},
		"truncated": good[:len(good)/2],
		"trailing":  append(append([]byte{}, good...), 0),
		"wrongtype": {checkpointVersion, 0x83, 1, 2, 3},
	} {
		fresh := newCkWorld(t, &ckStore{}, 0)
		require.Error(t, fresh.svc["us-east-1"].loadState(bytes.NewReader(data)), name)
		require.Error(t, fresh.shared.StateHooks().Load(bytes.NewReader(data)), name)
	}
	// A Region's checkpoint does not load into another Region.
	fresh := newCkWorld(t, &ckStore{}, 0)
	require.Error(t, fresh.svc["eu-west-1"].loadState(bytes.NewReader(good)))
	require.NoError(t, fresh.shared.StateHooks().Load(bytes.NewReader(goodShared)))
	// Every truncation is an error, never a panic.
	for i := 0; i < len(good); i += 1 + len(good)/200 {
		require.Error(t, fresh.svc["us-east-1"].loadState(bytes.NewReader(good[:i])))
	}
}

// TestCheckpointHooksRegistered checks that New registers the Service's hooks
// with Options.States.
func TestCheckpointHooksRegistered(t *testing.T) {
	var st op.States
	s := New(Options{Clock: clock.NewManual(t0), IDs: ids.New(1), Region: "eu-west-1", States: &st})
	defer s.Close()
	h, err := st.Hooks(op.StateKey{Name: "trail", Region: "eu-west-1"})
	require.NoError(t, err)
	require.NotNil(t, h.Save)
	require.NotNil(t, h.Load)
}
