package logs

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartLiveTailValidatesTheSession(t *testing.T) {
	e := newEnv(t)
	e.group(t, "a", "s")
	e.group(t, "b", "s")
	groupARN := "arn:aws:logs:us-east-1:123456789012:log-group:a"
	many := make([]string, 11)
	for i := range many {
		many[i] = groupARN
	}
	for _, tc := range []struct {
		name string
		in   StartLiveTailInput
		code string
	}{
		{"a log group is required", StartLiveTailInput{}, "InvalidParameterException"},
		{"at most 10 log groups", StartLiveTailInput{LogGroupIdentifiers: many}, "InvalidParameterException"},
		{"stream names and prefixes exclude each other", StartLiveTailInput{LogGroupIdentifiers: []string{groupARN}, LogStreamNames: []string{"s"}, LogStreamNamePrefixes: []string{"s"}}, "InvalidParameterException"},
		{"stream names need exactly one log group", StartLiveTailInput{LogGroupIdentifiers: []string{"a", "b"}, LogStreamNames: []string{"s"}}, "InvalidParameterException"},
		{"an ARN cannot end with *", StartLiveTailInput{LogGroupIdentifiers: []string{groupARN + ":*"}}, "InvalidParameterException"},
		{"the filter pattern must parse", StartLiveTailInput{LogGroupIdentifiers: []string{groupARN}, LogEventFilterPattern: "{ $.x = "}, "InvalidParameterException"},
		{"the filter pattern is at most 1024 characters", StartLiveTailInput{LogGroupIdentifiers: []string{groupARN}, LogEventFilterPattern: strings.Repeat("x", 1025)}, "InvalidParameterException"},
		{"the log groups must exist", StartLiveTailInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:123456789012:log-group:nope"}}, "ResourceNotFoundException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.StartLiveTail(ctx, tc.in)
			assertCode(t, err, tc.code)
		})
	}
}

// pull opens a session and returns its next and stop.
func pull(t *testing.T, e *env, in StartLiveTailInput) (func() (LiveTailEvent, error, bool), func()) {
	t.Helper()
	seq, err := e.s.StartLiveTail(ctx, in)
	require.NoError(t, err)
	next, stop := iter.Pull2(seq)
	t.Cleanup(stop)
	return next, stop
}

func TestLiveTailStreamsEachSecondsMatchingEvents(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "web-1", "worker-1")
	groupARN := "arn:aws:logs:us-east-1:123456789012:log-group:app"
	next, stop := pull(t, e, StartLiveTailInput{LogGroupIdentifiers: []string{groupARN}, LogStreamNamePrefixes: []string{"web"}, LogEventFilterPattern: "ERROR"})
	first, err, ok := next()
	require.True(t, ok)
	require.NoError(t, err)
	require.NotNil(t, first.SessionStart)
	assert.Equal(t, []string{groupARN}, first.SessionStart.LogGroupIdentifiers)
	assert.NotEmpty(t, first.SessionStart.SessionID)

	e.put(t, "app", "web-1", ev(e.now(), "ERROR one"), ev(e.now(), "INFO two"))
	e.put(t, "app", "worker-1", ev(e.now(), "ERROR elsewhere"))
	ingested := e.now()
	e.clk.Advance(time.Second)
	u, err, ok := next()
	require.True(t, ok)
	require.NoError(t, err)
	require.NotNil(t, u.SessionUpdate)
	assert.Equal(t, []LiveTailSessionLogEvent{{LogStreamName: "web-1", LogGroupIdentifier: groupARN, Message: "ERROR one", Timestamp: ingested, IngestionTime: ingested}},
		u.SessionUpdate.SessionResults)
	assert.False(t, *u.SessionUpdate.SessionMetadata.Sampled)

	e.clk.Advance(time.Second)
	u, _, _ = next()
	assert.Empty(t, u.SessionUpdate.SessionResults, "a second without events gives an empty update")
	assert.NotNil(t, u.SessionUpdate.SessionResults)
	stop()
	assert.Zero(t, e.s.live.n.Load(), "stopping the loop ends the session")
}

func TestLiveTailSamplesDownTo500EventsASecond(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	next, _ := pull(t, e, StartLiveTailInput{LogGroupIdentifiers: []string{"app"}})
	next()
	evs := make([]InputLogEvent, 600)
	for i := range evs {
		evs[i] = ev(e.now(), fmt.Sprint("event ", i))
	}
	e.put(t, "app", "s", evs...)
	e.clk.Advance(time.Second)
	u, _, _ := next()
	assert.Len(t, u.SessionUpdate.SessionResults, MaxLiveTailUpdateEvents)
	assert.True(t, *u.SessionUpdate.SessionMetadata.Sampled)
}

func TestLiveTailSessionTimesOutAfterThreeHoursKeepingTheNewestUpdates(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	next, _ := pull(t, e, StartLiveTailInput{LogGroupIdentifiers: []string{"app"}})
	next()
	e.clk.Advance(LiveTailSessionDuration) // a reader that never read
	n := 0
	for {
		u, err, ok := next()
		require.True(t, ok)
		if err != nil {
			assertCode(t, err, "SessionTimeoutException")
			break
		}
		require.NotNil(t, u.SessionUpdate)
		n++
	}
	assert.Equal(t, MaxLiveTailBufferedUpdate, n, "a slow reader keeps the 10 newest updates")
	_, _, ok := next()
	assert.False(t, ok, "the stream ends with the timeout")
}

func TestLiveTailAllows15ConcurrentSessions(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	for range MaxLiveTailSessions {
		next, _ := pull(t, e, StartLiveTailInput{LogGroupIdentifiers: []string{"app"}})
		_, err, _ := next()
		require.NoError(t, err)
	}
	_, err := e.s.StartLiveTail(ctx, StartLiveTailInput{LogGroupIdentifiers: []string{"app"}})
	assertCode(t, err, "LimitExceededException")
}

func TestLiveTailEndsWhenTheContextIsDone(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	seq, err := e.s.StartLiveTail(c, StartLiveTailInput{LogGroupIdentifiers: []string{"app"}})
	require.NoError(t, err)
	var got []LiveTailEvent
	for ev, err := range seq {
		require.NoError(t, err)
		got = append(got, ev)
		cancel()
	}
	assert.Len(t, got, 1)
	assert.Zero(t, e.s.live.n.Load())
}

func TestLiveTailShowsMaskedData(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	_, err := e.s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: dpDoc("", email)})
	require.NoError(t, err)
	next, _ := pull(t, e, StartLiveTailInput{LogGroupIdentifiers: []string{"app"}})
	next()
	e.put(t, "app", "s", ev(e.now(), "to a@b.io"))
	e.clk.Advance(time.Second)
	u, _, _ := next()
	require.Len(t, u.SessionUpdate.SessionResults, 1)
	assert.Equal(t, "to ******", u.SessionUpdate.SessionResults[0].Message)
}
