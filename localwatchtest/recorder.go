package localwatchtest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/localwatch/localwatch"
)

// Recorder collects the events of type T published on a bus, in publication
// order. Its methods are safe for concurrent use (events published by SNS
// delivery workers or a real clock arrive on other goroutines).
type Recorder[T any] struct {
	t     testing.TB
	unsub func()

	mu     sync.Mutex // guards events and wake
	events []T
	wake   chan struct{} // closed and replaced at every new event
}

// Record subscribes to the events of type T on the bus of on (a
// [localwatch.Stack], a [localwatch.Account], a [*Stack] or a bare
// *localwatch.Bus) until the test ends. T is the concrete event type, for
// example [localwatch.APICall], alarms.StateChange, [localwatch.Notification],
// metrics.DataEvent or config.ChangeEvent (wiring.go of package localwatch
// lists them all).
// Since the bus is the account's, the recorder sees every Region's events.
//
// Recording [localwatch.APICall] makes every operation build its CloudTrail
// record, as a trail would.
func Record[T any](t testing.TB, on localwatch.EventBus) *Recorder[T] {
	t.Helper()
	if reflect.TypeFor[T]().Kind() == reflect.Interface {
		t.Fatalf("localwatchtest.Record[%v]: the bus routes events by their concrete type; record one of those", reflect.TypeFor[T]())
	}
	r := &Recorder[T]{t: t, wake: make(chan struct{})}
	r.unsub = localwatch.Subscribe(on, fmt.Sprintf("localwatchtest.Record[%v]", reflect.TypeFor[T]()), r.add)
	t.Cleanup(r.Stop)
	return r
}

func (r *Recorder[T]) add(_ context.Context, ev T) error {
	r.mu.Lock()
	r.events = append(r.events, ev)
	close(r.wake)
	r.wake = make(chan struct{})
	r.mu.Unlock()
	return nil
}

// Stop ends the recording; the events recorded so far stay readable. The
// test's end stops it too.
func (r *Recorder[T]) Stop() {
	r.mu.Lock()
	unsub := r.unsub
	r.unsub = nil
	r.mu.Unlock()
	if unsub != nil {
		unsub()
	}
}

// Events returns a copy of the events recorded so far, oldest first.
func (r *Recorder[T]) Events() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Len returns how many events have been recorded.
func (r *Recorder[T]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// Last returns the newest event, failing the test if there is none.
func (r *Recorder[T]) Last() T {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) == 0 {
		r.t.Fatalf("localwatchtest: no %v recorded", reflect.TypeFor[T]())
	}
	return r.events[len(r.events)-1]
}

// Where returns the recorded events for which keep returns true, oldest first.
func (r *Recorder[T]) Where(keep func(T) bool) []T {
	var out []T
	for _, ev := range r.Events() {
		if keep(ev) {
			out = append(out, ev)
		}
	}
	return out
}

// Take returns the events recorded so far and forgets them, so that the next
// Take (or Events) returns only what came after: a test checks a flow step
// by step.
func (r *Recorder[T]) Take() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// Wait blocks until at least n events have been recorded and returns them
// all, or fails the test when ctx is done first. On a manual clock every
// event of an Advance is recorded before Advance returns, so Wait is needed
// only for events published on other goroutines (SNS delivery workers, a
// real clock); give ctx a deadline.
func (r *Recorder[T]) Wait(ctx context.Context, n int) []T {
	r.t.Helper()
	return r.WaitFor(ctx, func(evs []T) bool { return len(evs) >= n })
}

// WaitFor blocks until done returns true for the events recorded so far
// (called at once, then after every new event, with no lock held) and returns
// them, or fails the test when ctx is done first.
func (r *Recorder[T]) WaitFor(ctx context.Context, done func(events []T) bool) []T {
	r.t.Helper()
	for {
		r.mu.Lock()
		evs, wake := slices.Clone(r.events), r.wake
		r.mu.Unlock()
		if done(evs) {
			return evs
		}
		select {
		case <-wake:
		case <-ctx.Done():
			r.t.Fatalf("localwatchtest: waiting for %v events: %v (%d recorded)", reflect.TypeFor[T](), context.Cause(ctx), len(evs))
			return nil
		}
	}
}
