// Package localwatchtest is what a test needs to drive a localwatch stack, as
// net/http/httptest is for an HTTP server and raft's rafttest for a raft
// cluster: [NewStack] builds the six services on a [localwatch.ManualClock]
// set to a fixed [Start], with a fixed ID seed so every run gives the same
// IDs and bytes, and closes them when the test ends; [Record] collects the
// events of one type that cross the account's bus (API calls, alarm state
// changes, notifications, configuration changes, ...) for the test to read.
//
// Time moves only when the test says: [Stack.Advance], [Stack.AdvanceTo] and
// [Stack.AdvanceToNext] run every piece of scheduled work that falls due
// (alarm evaluations, trail deliveries and digests, metric-filter
// publishing, retention, SNS retries) synchronously, in time order, before
// they return, so what the bus carried is in the recorders as soon as they
// return. Stack.Settle(ctx)
// ([localwatch.Stack.Settle]) sends the queued SNS HTTP/S deliveries to their
// endpoints, which happen off the clock.
//
//	func TestCPUAlarmPages(t *testing.T) {
//		st := localwatchtest.NewStack(t)
//		changes := localwatchtest.Record[alarms.StateChange](t, st)
//		// ... PutMetricAlarm, PutMetricData ...
//		st.Advance(3 * time.Minute)
//		require.Len(t, changes.Events(), 1)
//	}
//
// The package is for tests: its helpers report a failure with t.Fatalf, so
// call them from the test's goroutine.
package localwatchtest

import (
	"testing"
	"time"

	"github.com/localwatch/localwatch"
)

// Start is where the clock of a [NewStack] starts unless Options.Clock says
// otherwise: a Monday, on an hour boundary, so that alarm periods, trail
// deliveries (every 5 minutes) and digests (every hour) line up with it.
var Start = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)

// Seed is the Options.IDSeed of a [NewStack] unless Options.IDSeed says
// otherwise.
const Seed = 1

// Stack is a [localwatch.Stack] on a manual clock, built for one test.
type Stack struct {
	*localwatch.Stack
	// Clock is the stack's clock (the embedded Stack's Clock, typed).
	Clock *localwatch.ManualClock

	t testing.TB
}

// NewStack builds a one-Region stack for the test t and closes it when t
// ends (t.Cleanup). Without opts it is localwatch.New's default account and
// Region on a ManualClock set to [Start], with IDSeed [Seed]. Given opts (at
// most one), its fields are used as given, except that a nil Clock becomes a
// ManualClock at Start and a zero IDSeed becomes Seed; a Clock that is not a
// *localwatch.ManualClock, or a malformed AccountID or Region, fails t.
func NewStack(t testing.TB, opts ...localwatch.Options) *Stack {
	t.Helper()
	var o localwatch.Options
	switch len(opts) {
	case 0:
	case 1:
		o = opts[0]
	default:
		t.Fatalf("localwatchtest.NewStack: at most one Options, got %d", len(opts))
	}
	if o.Clock == nil {
		o.Clock = localwatch.NewManualClock(Start)
	}
	clk, ok := o.Clock.(*localwatch.ManualClock)
	if !ok {
		t.Fatalf("localwatchtest.NewStack: Options.Clock is a %T; it must be a *localwatch.ManualClock", o.Clock)
	}
	if o.IDSeed == 0 {
		o.IDSeed = Seed
	}
	o.Regions = nil
	a, err := localwatch.NewAccount(o)
	if err != nil {
		t.Fatalf("localwatchtest.NewStack: %v", err)
	}
	t.Cleanup(a.Close)
	return &Stack{Stack: a.Region(a.Regions()[0]), Clock: clk, t: t}
}

// Now returns the stack's current time.
func (s *Stack) Now() time.Time { return s.Clock.Now() }

// Advance moves the clock forward by d, running every piece of scheduled work
// that falls due, in time order, before it returns.
func (s *Stack) Advance(d time.Duration) {
	s.t.Helper()
	if d < 0 {
		s.t.Fatalf("localwatchtest: Advance(%v): the clock never goes back", d)
	}
	s.Clock.Advance(d)
}

// AdvanceTo moves the clock forward to at, like [Stack.Advance]. It fails the
// test if at is before Now.
func (s *Stack) AdvanceTo(at time.Time) {
	s.t.Helper()
	if at.Before(s.Clock.Now()) {
		s.t.Fatalf("localwatchtest: AdvanceTo(%v): the clock is already at %v and never goes back", at, s.Clock.Now())
	}
	s.Clock.Set(at)
}

// AdvanceToNext moves the clock forward to the next multiple of period since
// the Unix epoch (the next minute, 5-minute delivery or hour boundary), as
// AWS's schedules align. At a boundary already, it moves a whole period.
func (s *Stack) AdvanceToNext(period time.Duration) {
	s.t.Helper()
	if period <= 0 {
		s.t.Fatalf("localwatchtest: AdvanceToNext(%v): the period must be positive", period)
	}
	s.AdvanceTo(s.Clock.Now().Truncate(period).Add(period))
}
