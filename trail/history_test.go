package trail

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookupEventsValidation(t *testing.T) {
	e := newEnv(t)
	now := e.clk.Now()
	cases := []struct {
		name string
		in   LookupEventsInput
		want error
	}{
		{"more than one lookup attribute", LookupEventsInput{LookupAttributes: []LookupAttribute{
			{AttributeKey: LookupEventName, AttributeValue: "a"}, {AttributeKey: LookupEventSource, AttributeValue: "b"}}}, ErrInvalidLookupAttributes},
		{"unknown attribute key", LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: "Color", AttributeValue: "a"}}}, ErrInvalidLookupAttributes},
		{"empty attribute value", LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName}}}, ErrInvalidLookupAttributes},
		{"value over 2000 characters", LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: strings.Repeat("a", 2001)}}}, ErrInvalidLookupAttributes},
		{"underscores count twice toward 2000", LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: strings.Repeat("_", 1001)}}}, ErrInvalidLookupAttributes},
		{"start after end", LookupEventsInput{StartTime: ptr(now), EndTime: ptr(now.Add(-time.Second))}, ErrInvalidTimeRange},
		{"MaxResults 0", LookupEventsInput{MaxResults: ptr[int32](0)}, ErrInvalidMaxResults},
		{"MaxResults 51", LookupEventsInput{MaxResults: ptr[int32](51)}, ErrInvalidMaxResults},
		{"garbage NextToken", LookupEventsInput{NextToken: "nope"}, ErrInvalidNextToken},
		{"unknown event category", LookupEventsInput{EventCategory: "Management"}, ErrInvalidEventCategory},
		{"insight lookup by Username", LookupEventsInput{EventCategory: "insight", LookupAttributes: []LookupAttribute{{AttributeKey: LookupUsername, AttributeValue: "bob"}}}, ErrInvalidLookupAttributes},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.LookupEvents(context.Background(), tc.in)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	ok := []LookupEventsInput{
		{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: strings.Repeat("_", 1000)}}},
		{MaxResults: ptr[int32](50)},
		{StartTime: ptr(now), EndTime: ptr(now)},
		{EventCategory: "insight"},
	}
	for _, in := range ok {
		_, err := e.svc.LookupEvents(context.Background(), in)
		assert.NoError(t, err)
	}
}

func TestLookupEventsPaginatesNewestFirst(t *testing.T) {
	e := newEnv(t)
	for i := range 120 {
		e.call(fmt.Sprintf("Op%03d", i), i%2 == 0)
		e.clk.Advance(time.Second)
	}
	var names []string
	in := LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventSource, AttributeValue: "monitoring.amazonaws.com"}}, MaxResults: ptr[int32](7)}
	for ev, err := range e.svc.LookupEventsAll(context.Background(), in) {
		require.NoError(t, err)
		names = append(names, ev.EventName)
	}
	require.Len(t, names, 120)
	assert.Equal(t, "Op119", names[0])
	assert.Equal(t, "Op000", names[119])

	out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{MaxResults: ptr[int32](5)})
	require.NoError(t, err)
	require.NotNil(t, out.NextToken)
	_, err = e.svc.LookupEvents(context.Background(), LookupEventsInput{MaxResults: ptr[int32](5), NextToken: out.NextToken,
		LookupAttributes: []LookupAttribute{{AttributeKey: LookupReadOnly, AttributeValue: "true"}}})
	assert.ErrorIs(t, err, ErrInvalidNextToken, "a token is only valid with the same parameters")
}

func TestLookupEventsAttributes(t *testing.T) {
	e := newEnv(t)
	bob := identity.With(context.Background(), identity.IAMUser("123456789012", "bob", "AKIABOB"))
	e.rec.Record(bob, event.Call{Name: "DeleteAlarms", Resources: []event.Resource{{ARN: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x", Type: "AWS::CloudWatch::Alarm"}}}, nil)
	e.call("DescribeAlarms", true)
	e.call("PutMetricAlarm", false)
	find := func(k LookupAttributeKey, v string) []string {
		out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: k, AttributeValue: v}}})
		require.NoError(t, err)
		var names []string
		for _, ev := range out.Events {
			if ev.EventSource == "monitoring.amazonaws.com" {
				names = append(names, ev.EventName)
			}
		}
		return names
	}
	assert.Equal(t, []string{"DeleteAlarms"}, find(LookupUsername, "bob"))
	assert.Equal(t, []string{"DeleteAlarms"}, find(LookupAccessKeyID, "AKIABOB"))
	assert.Equal(t, []string{"DeleteAlarms"}, find(LookupResourceType, "AWS::CloudWatch::Alarm"))
	assert.Equal(t, []string{"DeleteAlarms"}, find(LookupResourceName, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x"))
	assert.Equal(t, []string{"DescribeAlarms"}, find(LookupReadOnly, "true"))
	assert.Equal(t, []string{"PutMetricAlarm", "DeleteAlarms"}, find(LookupReadOnly, "false"))
	assert.Equal(t, []string{"PutMetricAlarm"}, find(LookupEventName, "PutMetricAlarm"))
	assert.Empty(t, find(LookupEventName, "putmetricalarm"), "values are case sensitive")
	all, _ := e.svc.LookupEvents(context.Background(), LookupEventsInput{})
	id := all.Events[len(all.Events)-1].EventId
	out, _ := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventID, AttributeValue: id}}})
	require.Len(t, out.Events, 1)
	assert.Equal(t, "DeleteAlarms", out.Events[0].EventName)
	assert.Equal(t, "false", out.Events[0].ReadOnly)
	assert.Equal(t, []EventResource{{ResourceType: "AWS::CloudWatch::Alarm", ResourceName: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x"}}, out.Events[0].Resources)
}

func TestEventHistoryKeeps90DaysOfManagementEvents(t *testing.T) {
	e := newEnv(t)
	e.call("Old", false)
	_, err := e.svc.RecordEvent(e.ctx, RecordEventInput{EventSource: "s3.amazonaws.com", EventName: "GetObject", EventCategory: CategoryData, ReadOnly: true})
	require.NoError(t, err)
	e.clk.Advance(89 * 24 * time.Hour)
	e.call("Recent", false)
	names := func() []string {
		var n []string
		for ev, err := range e.svc.LookupEventsAll(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventSource, AttributeValue: "monitoring.amazonaws.com"}}}) {
			require.NoError(t, err)
			n = append(n, ev.EventName)
		}
		return n
	}
	assert.Equal(t, []string{"Recent", "Old"}, names())
	out, _ := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "GetObject"}}})
	assert.Empty(t, out.Events, "data events are not in event history")
	e.clk.Advance(24*time.Hour + time.Second)
	assert.Equal(t, []string{"Recent"}, names(), "events older than 90 days expire")
}

func TestGlobalServiceEventsAreRecordedInUSEast1(t *testing.T) {
	e := newEnv(t)
	west := New(Options{Clock: e.clk, Bus: e.bus, Region: "us-west-2", Shared: e.shared})
	defer west.Close()
	iam := &event.Recorder{Bus: e.bus, Clock: e.clk, EventSource: "iam.amazonaws.com", Region: "us-west-2", AccountID: "123456789012"}
	iam.Record(e.ctx, event.Call{Name: "CreateUser"}, nil)
	cw := &event.Recorder{Bus: e.bus, Clock: e.clk, EventSource: "monitoring.amazonaws.com", Region: "us-west-2", AccountID: "123456789012"}
	cw.Record(e.ctx, event.Call{Name: "PutMetricAlarm"}, nil)
	names := func(s *Service) []string {
		out, err := s.LookupEvents(context.Background(), LookupEventsInput{})
		require.NoError(t, err)
		var n []string
		for _, ev := range out.Events {
			if ev.EventName != "LookupEvents" {
				n = append(n, ev.EventName)
			}
		}
		return n
	}
	assert.Equal(t, []string{"CreateUser"}, names(e.svc))
	assert.Equal(t, []string{"PutMetricAlarm"}, names(west))
}

// TestLookupMatchesSlowReference compares random lookups with a filter over
// every recorded event.
func TestLookupMatchesSlowReference(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(1, 2))
	users := []string{"alice", "bob", "carol"}
	type ref struct {
		name, user string
		ro         bool
		at         time.Time
	}
	var all []ref
	for range 400 {
		u := users[rng.IntN(3)]
		name := fmt.Sprintf("Op%d", rng.IntN(5))
		ro := rng.IntN(2) == 0
		ctx := identity.With(context.Background(), identity.IAMUser("123456789012", u, "AKIA"+strings.ToUpper(u)))
		e.rec.Record(ctx, event.Call{Name: name, ReadOnly: ro}, nil)
		all = append(all, ref{name, u, ro, e.clk.Now().Truncate(time.Second)})
		e.clk.Advance(time.Duration(rng.IntN(3000)) * time.Millisecond)
	}
	for range 50 {
		var attr []LookupAttribute
		keep := func(r ref) bool { return true }
		switch rng.IntN(4) {
		case 1:
			u := users[rng.IntN(3)]
			attr = []LookupAttribute{{AttributeKey: LookupUsername, AttributeValue: u}}
			keep = func(r ref) bool { return r.user == u }
		case 2:
			n := fmt.Sprintf("Op%d", rng.IntN(5))
			attr = []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: n}}
			keep = func(r ref) bool { return r.name == n }
		case 3:
			attr = []LookupAttribute{{AttributeKey: LookupReadOnly, AttributeValue: "true"}}
			keep = func(r ref) bool { return r.ro }
		}
		from := all[rng.IntN(len(all))].at
		to := from.Add(time.Duration(rng.IntN(600)) * time.Second)
		var want []string
		for i := len(all) - 1; i >= 0; i-- {
			r := all[i]
			if keep(r) && !r.at.Before(from) && !r.at.After(to) {
				want = append(want, r.name+"/"+r.user)
			}
		}
		var got []string
		for ev, err := range e.svc.LookupEventsAll(context.Background(), LookupEventsInput{LookupAttributes: attr, StartTime: &from, EndTime: &to, MaxResults: ptr(int32(rng.IntN(50) + 1))}) {
			require.NoError(t, err)
			if ev.EventSource == "monitoring.amazonaws.com" {
				got = append(got, ev.EventName+"/"+ev.Username)
			}
		}
		require.Equal(t, want, got)
	}
}

func TestOutOfOrderEventsStaySorted(t *testing.T) {
	e := newEnv(t)
	now := e.clk.Now()
	for _, d := range []time.Duration{0, 2 * time.Second, time.Second} {
		_ = bus0(e, event.APICall{Time: now.Add(d), EventSource: "x.amazonaws.com", EventName: fmt.Sprint(d), AWSRegion: "us-east-1", Management: true})
	}
	e.clk.Advance(5 * time.Second)
	out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventSource, AttributeValue: "x.amazonaws.com"}}})
	require.NoError(t, err)
	var names []string
	for _, ev := range out.Events {
		names = append(names, ev.EventName)
	}
	assert.Equal(t, []string{"2s", "1s", "0s"}, names)
	assert.True(t, slices.IsSortedFunc(e.svc.history.entries.slice(), func(a, b hentry) int { return int(a.t - b.t) }))
}

func bus0(e *env, ev event.APICall) error {
	e.svc.consume(&ev)
	return nil
}

func TestChunkedMatchesSlice(t *testing.T) {
	var c chunked[int]
	var ref []int
	rng := rand.New(rand.NewPCG(3, 4))
	for range 30000 {
		switch rng.IntN(10) {
		case 0:
			k := rng.IntN(chunkSize * 2)
			c.dropFront(k)
			ref = ref[min(k, len(ref)):]
		default:
			v := rng.Int()
			c.push(v)
			ref = append(ref, v)
		}
		require.Equal(t, len(ref), c.len())
	}
	assert.Equal(t, ref, c.slice())
	for i := range ref {
		require.Equal(t, ref[i], c.at(i))
	}
}
