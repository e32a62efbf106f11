package logs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	s     *Service
	clk   *clock.Manual
	bus   *bus.Bus
	mu    sync.Mutex
	calls []event.APICall
	data  []metrics.DataEvent
	subs  []SubscriptionDelivery
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{clk: clock.NewManual(t0), bus: &bus.Bus{}}
	bus.Subscribe(e.bus, "test-calls", func(_ context.Context, c event.APICall) error {
		e.mu.Lock()
		e.calls = append(e.calls, c)
		e.mu.Unlock()
		return nil
	})
	bus.Subscribe(e.bus, "test-metrics", func(_ context.Context, d metrics.DataEvent) error {
		e.mu.Lock()
		e.data = append(e.data, d)
		e.mu.Unlock()
		return nil
	})
	bus.Subscribe(e.bus, "test-subs", func(_ context.Context, d SubscriptionDelivery) error {
		e.mu.Lock()
		e.subs = append(e.subs, d)
		e.mu.Unlock()
		return nil
	})
	e.s = New(Options{Clock: e.clk, Bus: e.bus, IDs: ids.New(1)})
	t.Cleanup(e.s.Close)
	return e
}

var ctx = context.Background()

func (e *env) now() int64 { return e.clk.Now().UnixMilli() }

func (e *env) group(t *testing.T, name string, streams ...string) {
	t.Helper()
	_, err := e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: name})
	require.NoError(t, err)
	for _, st := range streams {
		_, err := e.s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: name, LogStreamName: st})
		require.NoError(t, err)
	}
}

func (e *env) put(t *testing.T, g, st string, evs ...InputLogEvent) *PutLogEventsOutput {
	t.Helper()
	out, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: g, LogStreamName: st, LogEvents: evs})
	require.NoError(t, err)
	return out
}

func ev(ts int64, msg string) InputLogEvent { return InputLogEvent{Timestamp: ts, Message: msg} }

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	assert.Equal(t, code, awserr.Code(err), "error: %v", err)
}

func TestLogGroupNamingRulesAndErrors(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, group string
		code        string
	}{
		{"letters digits and _-/.# are allowed", "/aws/lambda/my-fn_1.x#2", ""},
		{"512 characters is the maximum", strings.Repeat("a", 512), ""},
		{"513 characters is too long", strings.Repeat("a", 513), "InvalidParameterException"},
		{"empty name", "", "InvalidParameterException"},
		{"spaces are not allowed", "my group", "InvalidParameterException"},
		{"colon is not allowed", "a:b", "InvalidParameterException"},
		{"asterisk is not allowed", "a*", "InvalidParameterException"},
		{"aws/ prefix is reserved", "aws/mine", "InvalidParameterException"},
		{"existing group", "/aws/lambda/my-fn_1.x#2", "ResourceAlreadyExistsException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: c.group})
			if c.code == "" {
				require.NoError(t, err)
			} else {
				assertCode(t, err, c.code)
			}
		})
	}
	_, err := e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "x", LogGroupClass: "COLD"})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "x", Tags: map[string]string{"aws:k": "v"}})
	assertCode(t, err, "InvalidParameterException")
	many := map[string]string{}
	for i := range 51 {
		many[fmt.Sprint("k", i)] = "v"
	}
	_, err = e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "x", Tags: many})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "nope"})
	assertCode(t, err, "ResourceNotFoundException")
	assert.ErrorIs(t, err, ErrResourceNotFound)
	// A rejected request changed nothing.
	out, err := e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{})
	require.NoError(t, err)
	require.Len(t, out.LogGroups, 2)
}

func TestLogStreamNamingRules(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	for _, c := range []struct {
		name, stream, code string
	}{
		{"ordinary name", "i-0123/app.log", ""},
		{"spaces and punctuation are fine", "a b [c] @d", ""},
		{"colon rejected", "a:b", "InvalidParameterException"},
		{"asterisk rejected", "a*b", "InvalidParameterException"},
		{"empty rejected", "", "InvalidParameterException"},
		{"too long", strings.Repeat("s", 513), "InvalidParameterException"},
		{"duplicate", "i-0123/app.log", "ResourceAlreadyExistsException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "g", LogStreamName: c.stream})
			if c.code == "" {
				require.NoError(t, err)
			} else {
				assertCode(t, err, c.code)
			}
		})
	}
	_, err := e.s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "missing", LogStreamName: "s"})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.DeleteLogStream(ctx, DeleteLogStreamInput{LogGroupName: "g", LogStreamName: "missing"})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.DeleteLogStream(ctx, DeleteLogStreamInput{LogGroupName: "g", LogStreamName: "i-0123/app.log"})
	require.NoError(t, err)
}

func TestDescribeLogGroupsPrefixPatternAndPagination(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"/app/b", "/app/a", "/app/c", "/other/x", "zeta"} {
		e.group(t, n)
	}
	out, err := e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{LogGroupNamePrefix: "/app/"})
	require.NoError(t, err)
	var names []string
	for _, g := range out.LogGroups {
		names = append(names, g.LogGroupName)
	}
	assert.Equal(t, []string{"/app/a", "/app/b", "/app/c"}, names)
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:log-group:/app/a:*", out.LogGroups[0].Arn)
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:log-group:/app/a", out.LogGroups[0].LogGroupArn)
	assert.Equal(t, t0.UnixMilli(), out.LogGroups[0].CreationTime)
	assert.Equal(t, LogGroupClassStandard, out.LogGroups[0].LogGroupClass)

	out, err = e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{LogGroupNamePattern: "x"})
	require.NoError(t, err)
	require.Len(t, out.LogGroups, 1)
	assert.Equal(t, "/other/x", out.LogGroups[0].LogGroupName)

	_, err = e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{LogGroupNamePrefix: "a", LogGroupNamePattern: "b"})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{Limit: Int32(51)})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{Limit: Int32(0)})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{NextToken: "garbage!"})
	assertCode(t, err, "InvalidParameterException")

	var all []string
	tok := ""
	for {
		out, err := e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{Limit: Int32(2), NextToken: tok})
		require.NoError(t, err)
		for _, g := range out.LogGroups {
			all = append(all, g.LogGroupName)
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	assert.Equal(t, []string{"/app/a", "/app/b", "/app/c", "/other/x", "zeta"}, all)
}

func TestDescribeLogStreamsOrderingAndFields(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "b", "a", "c", "empty")
	now := e.now()
	e.put(t, "g", "a", ev(now-3000, "x"), ev(now-1000, "y"))
	e.put(t, "g", "b", ev(now-500, "x"))
	e.put(t, "g", "c", ev(now-2000, "x"))

	out, err := e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g"})
	require.NoError(t, err)
	var names []string
	for _, s := range out.LogStreams {
		names = append(names, s.LogStreamName)
	}
	assert.Equal(t, []string{"a", "b", "c", "empty"}, names)
	a := out.LogStreams[0]
	assert.Equal(t, now-3000, *a.FirstEventTimestamp)
	assert.Equal(t, now-1000, *a.LastEventTimestamp)
	assert.Equal(t, now, *a.LastIngestionTime)
	assert.Equal(t, int64(0), a.StoredBytes)
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:a", a.Arn)
	assert.Nil(t, out.LogStreams[3].FirstEventTimestamp, "a stream without events has no event timestamps")

	out, err = e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g", OrderBy: OrderByLastEventTime, Descending: Bool(true)})
	require.NoError(t, err)
	names = nil
	for _, s := range out.LogStreams {
		names = append(names, s.LogStreamName)
	}
	assert.Equal(t, []string{"b", "a", "c", "empty"}, names)

	out, err = e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupIdentifier: "arn:aws:logs:us-east-1:123456789012:log-group:g:*", LogStreamNamePrefix: "e"})
	require.NoError(t, err)
	require.Len(t, out.LogStreams, 1)

	_, err = e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g", OrderBy: OrderByLastEventTime, LogStreamNamePrefix: "a"})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g", LogGroupIdentifier: "g"})
	assertCode(t, err, "ValidationException") // as AWS answers (issue 19.7)
	_, err = e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g", OrderBy: "Size"})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "nope"})
	assertCode(t, err, "ResourceNotFoundException")

	var all []string
	tok := ""
	for {
		out, err := e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g", Limit: Int32(3), NextToken: tok, Descending: Bool(true)})
		require.NoError(t, err)
		for _, s := range out.LogStreams {
			all = append(all, s.LogStreamName)
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	assert.Equal(t, []string{"empty", "c", "b", "a"}, all)
}

func TestPutLogEventsBatchRules(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	now := e.now()
	big := strings.Repeat("x", MaxEventBytes)
	tooBig := strings.Repeat("x", MaxEventBytes+1)
	many := make([]InputLogEvent, MaxBatchEvents+1)
	for i := range many {
		many[i] = ev(now, "m")
	}
	// Exactly 1,048,576 bytes: 4 events of 262,118 bytes + 4*26 overhead.
	exact := make([]InputLogEvent, 4)
	for i := range exact {
		exact[i] = ev(now, strings.Repeat("y", MaxBatchBytes/4-EventOverheadBytes))
	}
	over := append([]InputLogEvent{}, exact...)
	over[3].Message += "z"
	for _, c := range []struct {
		name string
		evs  []InputLogEvent
		code string
	}{
		{"a 1 MB event fits alone", []InputLogEvent{ev(now, big)}, ""},
		{"an event over 1 MB is rejected", []InputLogEvent{ev(now, tooBig)}, "InvalidParameterException"},
		{"10,000 events are allowed", many[:MaxBatchEvents], ""},
		{"10,001 events are too many", many, "InvalidParameterException"},
		{"exactly 1,048,576 bytes with the 26-byte overhead", exact, ""},
		{"one byte more is too large", over, "InvalidParameterException"},
		{"empty batch", nil, "InvalidParameterException"},
		{"empty message", []InputLogEvent{ev(now, "")}, "InvalidParameterException"},
		{"invalid UTF-8", []InputLogEvent{ev(now, "bad \xff byte")}, "InvalidParameterException"},
		{"negative timestamp", []InputLogEvent{ev(-1, "x")}, "InvalidParameterException"},
		{"out of chronological order", []InputLogEvent{ev(now, "b"), ev(now-1, "a")}, "InvalidParameterException"},
		{"equal timestamps are chronological", []InputLogEvent{ev(now, "a"), ev(now, "b")}, ""},
		{"spanning more than 24 hours", []InputLogEvent{ev(now-24*3600*1000-1, "a"), ev(now, "b")}, "InvalidParameterException"},
		{"spanning exactly 24 hours", []InputLogEvent{ev(now-24*3600*1000, "a"), ev(now, "b")}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: c.evs})
			if c.code == "" {
				require.NoError(t, err)
			} else {
				assertCode(t, err, c.code)
			}
		})
	}
	_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "nope", LogEvents: []InputLogEvent{ev(now, "x")}})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "nope", LogStreamName: "s", LogEvents: []InputLogEvent{ev(now, "x")}})
	assertCode(t, err, "ResourceNotFoundException")
	// Sequence tokens are ignored.
	_, err = e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", SequenceToken: "bogus", LogEvents: []InputLogEvent{ev(now, "x")}})
	require.NoError(t, err)
}

func TestPutLogEventsRejectsTooOldTooNewAndExpiredButKeepsTheRest(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	_, err := e.s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "g", RetentionInDays: 1})
	require.NoError(t, err)
	now := e.now()
	day := int64(24 * 3600 * 1000)
	out := e.put(t, "g", "s",
		ev(now-15*day, "too old and expired"),
		ev(now-2*day, "expired by the 1-day retention"),
		ev(now-1000, "kept 1"),
		ev(now+3600*1000, "kept 2 (1h ahead)"),
		ev(now+2*3600*1000+1, "too new"),
		ev(now+3*3600*1000, "too new too"),
	)
	require.NotNil(t, out.RejectedLogEventsInfo)
	// End indexes are exclusive: one past the last rejected event (issue 19.10).
	assert.Equal(t, int32(1), *out.RejectedLogEventsInfo.TooOldLogEventEndIndex)
	assert.Equal(t, int32(2), *out.RejectedLogEventsInfo.ExpiredLogEventEndIndex)
	assert.Equal(t, int32(4), *out.RejectedLogEventsInfo.TooNewLogEventStartIndex)
	got, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true)})
	require.NoError(t, err)
	require.Len(t, got.Events, 2)
	assert.Equal(t, "kept 1", got.Events[0].Message)
	assert.Equal(t, "kept 2 (1h ahead)", got.Events[1].Message)
	assert.Equal(t, now, got.Events[0].IngestionTime)

	// The 24-hour span counts only the events that are kept.
	e.put(t, "g", "s", ev(now-20*day, "old"), ev(now, "new"))
	// Everything rejected is not an error.
	out = e.put(t, "g", "s", ev(now+5*3600*1000, "future"))
	assert.Equal(t, int32(0), *out.RejectedLogEventsInfo.TooNewLogEventStartIndex)
	// Without retention, 14 days is the limit.
	e.group(t, "g2", "s")
	out = e.put(t, "g2", "s", ev(now-14*day-1, "too old"), ev(now-14*day, "just in time"))
	assert.Equal(t, int32(1), *out.RejectedLogEventsInfo.TooOldLogEventEndIndex, "AWS answers 1 for a single too-old event")
	assert.Nil(t, out.RejectedLogEventsInfo.ExpiredLogEventEndIndex)
}

func TestRetentionOnlyAllowedValuesAndExpiryOnTheClock(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	for _, d := range []int32{0, 2, 4, 366, 3654, -1} {
		_, err := e.s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "g", RetentionInDays: d})
		assertCode(t, err, "InvalidParameterException")
	}
	for _, d := range RetentionDays {
		_, err := e.s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "g", RetentionInDays: d})
		require.NoError(t, err, d)
	}
	_, err := e.s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "nope", RetentionInDays: 1})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "g", RetentionInDays: 1})
	require.NoError(t, err)
	now := e.now()
	e.put(t, "g", "s", ev(now-3600*1000, "one hour old"), ev(now+3600*1000, "fresh"))
	groups, _ := e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{})
	assert.Equal(t, int32(1), *groups.LogGroups[0].RetentionInDays)
	assert.Equal(t, int64(len("one hour old")+len("fresh")), groups.LogGroups[0].StoredBytes)

	e.clk.Advance(24*time.Hour + 30*time.Minute)
	got, _ := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true)})
	require.Len(t, got.Events, 1, "the older event expired after 1 day")
	assert.Equal(t, "fresh", got.Events[0].Message)
	groups, _ = e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{})
	assert.Equal(t, int64(len("fresh")), groups.LogGroups[0].StoredBytes, "the hourly sweep deleted it")

	_, err = e.s.DeleteRetentionPolicy(ctx, DeleteRetentionPolicyInput{LogGroupName: "g"})
	require.NoError(t, err)
	e.clk.Advance(48 * time.Hour)
	got, _ = e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s"})
	assert.Len(t, got.Events, 1, "never expire")
}

func TestGetLogEventsTokensAndTheSameTokenAtTheEnd(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	now := e.now()
	var evs []InputLogEvent
	for i := range 10 {
		evs = append(evs, ev(now-10000+int64(i)*1000, fmt.Sprint("m", i)))
	}
	e.put(t, "g", "s", evs...)

	// From the head, 4 at a time.
	var got []string
	out, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true), Limit: Int32(4)})
	require.NoError(t, err)
	for {
		for _, x := range out.Events {
			got = append(got, x.Message)
		}
		next, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", NextToken: out.NextForwardToken, Limit: Int32(4)})
		require.NoError(t, err)
		if len(next.Events) == 0 {
			assert.Equal(t, out.NextForwardToken, next.NextForwardToken, "the end returns the same forward token")
			break
		}
		out = next
	}
	assert.Equal(t, []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}, got)
	assert.True(t, strings.HasPrefix(out.NextForwardToken, "f/"))
	assert.True(t, strings.HasPrefix(out.NextBackwardToken, "b/"))

	// Default: the newest events, in ascending order, then backward.
	out, err = e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", Limit: Int32(3)})
	require.NoError(t, err)
	require.Len(t, out.Events, 3)
	assert.Equal(t, "m7", out.Events[0].Message)
	assert.Equal(t, "m9", out.Events[2].Message)
	back, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", NextToken: out.NextBackwardToken, Limit: Int32(3)})
	require.NoError(t, err)
	assert.Equal(t, "m4", back.Events[0].Message)
	assert.Equal(t, "m6", back.Events[2].Message)
	tok := back.NextBackwardToken
	for range 5 {
		b, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", NextToken: tok, Limit: Int32(3)})
		require.NoError(t, err)
		if len(b.Events) == 0 {
			assert.Equal(t, tok, b.NextBackwardToken, "the beginning returns the same backward token")
			break
		}
		tok = b.NextBackwardToken
	}
	// A new event after the end shows up with the old forward token.
	end := out.NextForwardToken
	e.put(t, "g", "s", ev(now, "m10"))
	more, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", NextToken: end})
	require.NoError(t, err)
	require.Len(t, more.Events, 1)
	assert.Equal(t, "m10", more.Events[0].Message)

	// Time range: start inclusive, end exclusive.
	out, err = e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true),
		StartTime: Int64(now - 8000), EndTime: Int64(now - 6000)})
	require.NoError(t, err)
	require.Len(t, out.Events, 2)
	assert.Equal(t, "m2", out.Events[0].Message)
	assert.Equal(t, "m3", out.Events[1].Message)

	for _, c := range []GetLogEventsInput{
		{LogGroupName: "g", LogStreamName: "s", Limit: Int32(10001)},
		{LogGroupName: "g", LogStreamName: "s", Limit: Int32(0)},
		{LogGroupName: "g", LogStreamName: "s", NextToken: "x/123"},
		{LogGroupName: "g", LogStreamName: "s", StartTime: Int64(10), EndTime: Int64(5)},
		{LogStreamName: "s"},
	} {
		_, err := e.s.GetLogEvents(ctx, c)
		assertCode(t, err, "InvalidParameterException")
	}
	_, err = e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "nope"})
	assertCode(t, err, "ResourceNotFoundException")
}

func TestGetLogEventsStopsAtOneMegabyte(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	now := e.now()
	msg := strings.Repeat("a", 300000)
	for range 4 {
		e.put(t, "g", "s", ev(now, msg))
	}
	out, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true)})
	require.NoError(t, err)
	assert.Len(t, out.Events, 3, "3 x (300,000 + 26) bytes fit in 1 MB; 4 do not")
}

func TestLateBatchesAreReadInTimeOrder(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	now := e.now()
	e.put(t, "g", "s", ev(now-1000, "c"), ev(now-500, "e"))
	e.put(t, "g", "s", ev(now-3000, "a"), ev(now-1000, "d"))
	e.put(t, "g", "s", ev(now-2000, "b"))
	out, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true)})
	require.NoError(t, err)
	var got []string
	for _, x := range out.Events {
		got = append(got, x.Message)
	}
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, got, "equal timestamps keep ingestion order")
	streams, _ := e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g"})
	assert.Equal(t, now-3000, *streams.LogStreams[0].FirstEventTimestamp)
	assert.Equal(t, now-500, *streams.LogStreams[0].LastEventTimestamp)
}

func TestFilterLogEventsInterleavesStreamsAndPaginates(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "web-1", "web-2", "db")
	now := e.now()
	e.put(t, "g", "web-1", ev(now-5000, "ERROR a"), ev(now-3000, "INFO b"), ev(now-1000, "ERROR c"))
	e.put(t, "g", "web-2", ev(now-4000, "ERROR d"), ev(now-2000, "ERROR e"))
	e.put(t, "g", "db", ev(now-4500, "ERROR f"), ev(now-4500, "WARN g"))

	msgs := func(out *FilterLogEventsOutput) []string {
		var m []string
		for _, x := range out.Events {
			m = append(m, x.Message)
		}
		return m
	}
	out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", FilterPattern: "ERROR"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ERROR a", "ERROR f", "ERROR d", "ERROR e", "ERROR c"}, msgs(out))
	assert.Empty(t, out.NextToken)
	assert.Equal(t, "db", out.Events[1].LogStreamName)
	assert.Len(t, out.Events[0].EventID, 56)
	assert.Equal(t, now, out.Events[0].IngestionTime)

	out, err = e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", FilterPattern: "ERROR", LogStreamNamePrefix: "web"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ERROR a", "ERROR d", "ERROR e", "ERROR c"}, msgs(out))

	out, err = e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", LogStreamNames: []string{"db", "web-2"}, StartTime: Int64(now - 4500), EndTime: Int64(now - 2000)})
	require.NoError(t, err)
	assert.Equal(t, []string{"ERROR f", "WARN g", "ERROR d", "ERROR e"}, msgs(out), "start and end are inclusive")

	// Pages of 2, then the same event IDs as one page.
	var paged []string
	var ids []string
	tok := ""
	for {
		out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", Limit: Int32(2), NextToken: tok})
		require.NoError(t, err)
		for _, x := range out.Events {
			paged = append(paged, x.Message)
			ids = append(ids, x.EventID)
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	all, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g"})
	require.NoError(t, err)
	assert.Equal(t, msgs(all), paged)
	for i, x := range all.Events {
		assert.Equal(t, x.EventID, ids[i], "event IDs are deterministic")
	}
	assert.Len(t, all.Events, 7)

	for _, c := range []FilterLogEventsInput{
		{LogGroupName: "g", LogStreamNames: []string{"db"}, LogStreamNamePrefix: "d"},
		{LogGroupName: "g", FilterPattern: "{ $.a = "},
		{LogGroupName: "g", FilterPattern: strings.Repeat("a", 1025)},
		{LogGroupName: "g", Limit: Int32(10001)},
		{LogGroupName: "g", NextToken: "nope"},
		{LogGroupName: "g", LogStreamNames: make([]string, 101)},
		{LogGroupName: "g", StartTime: Int64(2), EndTime: Int64(1)},
	} {
		_, err := e.s.FilterLogEvents(ctx, c)
		assertCode(t, err, "InvalidParameterException")
	}
	_, err = e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", LogStreamNames: []string{"missing"}})
	assertCode(t, err, "ResourceNotFoundException")
}

func TestFilterLogEventsUsesTheWholePatternLanguage(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	now := e.now()
	e.put(t, "g", "s",
		ev(now-4, `{"status": 500, "latency": 1500}`),
		ev(now-3, `{"status": 500, "latency": 200}`),
		ev(now-2, `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /a.html HTTP/1.0" 404 1534`),
		ev(now-1, `ERRORS everywhere`),
	)
	for pattern, want := range map[string]int{
		`{ $.status = 500 && $.latency > 1000 }`: 1,
		`{ $.status = 5* }`:                      2,
		`[..., status = 404, bytes > 1000]`:      1,
		`ERROR`:                                  1,
		`?ERROR ?frank`:                          2,
		`%ERR.RS%`:                               1,
		`"frank [" -ERROR`:                       1,
		`"frank [" -"404"`:                       0,
		`" "`:                                    4,
	} {
		out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", FilterPattern: pattern})
		require.NoError(t, err, pattern)
		assert.Len(t, out.Events, want, pattern)
	}
}

func TestAPICallsAreRecorded(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	_, _ = e.s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "missing"})
	e.mu.Lock()
	defer e.mu.Unlock()
	require.Len(t, e.calls, 3)
	assert.Equal(t, "CreateLogGroup", e.calls[0].EventName)
	assert.Equal(t, "logs.amazonaws.com", e.calls[0].EventSource)
	b, _ := json.Marshal(e.calls[0].RequestParameters)
	assert.JSONEq(t, `{"logGroupName":"g"}`, string(b))
	assert.Equal(t, "CreateLogStream", e.calls[1].EventName)
	assert.Equal(t, "ResourceNotFoundException", e.calls[2].ErrorCode)
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "g", Tags: map[string]string{"team": "a"}})
	require.NoError(t, err)
	arn := "arn:aws:logs:us-east-1:123456789012:log-group:g"
	_, err = e.s.TagResource(ctx, TagResourceInput{ResourceArn: arn, Tags: map[string]string{"env": "prod"}})
	require.NoError(t, err)
	out, err := e.s.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceArn: arn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "a", "env": "prod"}, out.Tags)
	_, err = e.s.UntagResource(ctx, UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team"}})
	require.NoError(t, err)
	legacy, err := e.s.ListTagsLogGroup(ctx, ListTagsLogGroupInput{LogGroupName: "g"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"env": "prod"}, legacy.Tags)
	_, err = e.s.TagLogGroup(ctx, TagLogGroupInput{LogGroupName: "g", Tags: map[string]string{"x": "1"}})
	require.NoError(t, err)
	_, err = e.s.UntagLogGroup(ctx, UntagLogGroupInput{LogGroupName: "g", Tags: []string{"x"}})
	require.NoError(t, err)

	_, err = e.s.TagResource(ctx, TagResourceInput{ResourceArn: "not-an-arn", Tags: map[string]string{"a": "b"}})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.TagResource(ctx, TagResourceInput{ResourceArn: arn + "x", Tags: map[string]string{"a": "b"}})
	assertCode(t, err, "ResourceNotFoundException")
	fifty := map[string]string{}
	for i := range 50 {
		fifty[fmt.Sprint("k", i)] = "v"
	}
	_, err = e.s.TagResource(ctx, TagResourceInput{ResourceArn: arn, Tags: fifty})
	assertCode(t, err, "LimitExceededException")
	_, err = e.s.TagResource(ctx, TagResourceInput{ResourceArn: arn, Tags: map[string]string{strings.Repeat("k", 129): "v"}})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.TagResource(ctx, TagResourceInput{ResourceArn: arn, Tags: map[string]string{"k": strings.Repeat("v", 257)}})
	assertCode(t, err, "InvalidParameterException")
	out, _ = e.s.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceArn: arn})
	assert.Equal(t, map[string]string{"env": "prod"}, out.Tags, "rejected tagging changed nothing")
}

func TestDeleteLogGroupRemovesEverything(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	_, err := e.s.PutMetricFilter(ctx, PutMetricFilterInput{LogGroupName: "g", FilterName: "f", FilterPattern: "ERROR",
		MetricTransformations: []MetricTransformation{{MetricName: "Errors", MetricNamespace: "App", MetricValue: "1"}}})
	require.NoError(t, err)
	_, err = e.s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "g"})
	require.NoError(t, err)
	e.group(t, "g", "s")
	mf, err := e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{LogGroupName: "g"})
	require.NoError(t, err)
	assert.Empty(t, mf.MetricFilters)
	out, _ := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s"})
	assert.Empty(t, out.Events)
}

func TestRealAWSJSONDecodes(t *testing.T) {
	var in PutLogEventsInput
	require.NoError(t, json.Unmarshal([]byte(`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]}`), &in))
	assert.Equal(t, "g", in.LogGroupName)
	assert.Equal(t, int64(1), in.LogEvents[0].Timestamp)
	var mf PutMetricFilterInput
	require.NoError(t, json.Unmarshal([]byte(`{"logGroupName":"g","filterName":"f","filterPattern":"ERROR","metricTransformations":[{"metricName":"E","metricNamespace":"N","metricValue":"1","defaultValue":0,"unit":"Count"}]}`), &mf))
	assert.Equal(t, metrics.UnitCount, mf.MetricTransformations[0].Unit)
	assert.Equal(t, 0.0, *mf.MetricTransformations[0].DefaultValue)
}

func TestClosedServiceIsUnavailable(t *testing.T) {
	e := newEnv(t)
	e.s.Close()
	_, err := e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "g"})
	assert.True(t, errors.Is(err, ErrServiceUnavailable))
}

// Every operation takes the one funnel (internal/op): after Close each fails
// with ServiceUnavailableException (HTTP 503), changes nothing and is not
// recorded for CloudTrail.
func TestEveryOperationIsUnavailableAfterClose(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	e.mu.Lock()
	recorded := len(e.calls)
	e.mu.Unlock()
	e.s.Close()
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	sv := reflect.ValueOf(e.s)
	ops := 0
	for i := range sv.NumMethod() {
		m := sv.Type().Method(i)
		ft := m.Type
		if ft.NumIn() != 3 || ft.In(1) != ctxType || !strings.HasSuffix(ft.In(2).Name(), "Input") ||
			ft.NumOut() != 2 || ft.Out(1) != errType {
			continue
		}
		ops++
		out := sv.Method(i).Call([]reflect.Value{reflect.ValueOf(ctx), reflect.New(ft.In(2)).Elem()})
		err, _ := out[1].Interface().(error)
		assert.Equal(t, "ServiceUnavailableException", awserr.Code(err), m.Name)
	}
	assert.Equal(t, 70, ops, "operations found")
	e.mu.Lock()
	defer e.mu.Unlock()
	assert.Len(t, e.calls, recorded, "calls after Close are not recorded")
}

// CloudTrail records PutLogEvents as a data event naming the group and stream,
// never the events; a recorded Input carries the members the caller set.
func TestPutLogEventsRecordNamesGroupAndStreamOnly(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	e.put(t, "g", "s", ev(e.now(), "secret payload"))
	_, err := e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g", Descending: Bool(false), Limit: Int32(5)})
	require.NoError(t, err)
	e.mu.Lock()
	defer e.mu.Unlock()
	require.Len(t, e.calls, 4)
	put := e.calls[2]
	assert.Equal(t, "PutLogEvents", put.EventName)
	assert.False(t, put.Management, "a data event")
	b, _ := json.Marshal(put.RequestParameters)
	assert.JSONEq(t, `{"logGroupName":"g","logStreamName":"s"}`, string(b))
	require.Len(t, put.Resources, 1)
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:log-group:g", put.Resources[0].ARN)
	b, _ = json.Marshal(e.calls[3].RequestParameters)
	assert.JSONEq(t, `{"logGroupName":"g","descending":false,"limit":5}`, string(b))
}
