// Package clock is the only source of time in localwatch.
//
// Every service reads [Clock.Now] instead of the wall clock and registers work that
// must happen later (alarm evaluation, trail delivery, digests, retention sweeps) with
// [Clock.AfterFunc]. Three implementations serve applications and tests:
//
//   - [Real] uses the wall clock and [time.AfterFunc]. Callbacks run on their own
//     goroutines, as with the standard library.
//   - [Loop] uses the wall clock, but its timers run only while [Loop.Run]
//     runs, one at a time on Run's goroutine, in due order — scheduled work of
//     an application never runs concurrently with itself.
//   - [Manual] moves only when told to ([Manual.Advance], [Manual.Set]). It fires due
//     timers synchronously, on the caller's goroutine, in time order (ties in
//     registration order), and sets Now to each timer's due time while it runs, so a
//     test is a plain sequence of calls and every run is identical.
//
// A fourth, [Virtual], is the clock the services of an account with a data
// directory run on: it lays the journal's recorded ticks over one of the
// three, so that replaying a journal runs the same timers at the same times.
//
// None starts goroutines of its own beyond what [time.AfterFunc] does for Real.
//
// # Nothing scheduled kills the loop
//
// Every clock runs each callback under recover: a callback that panics is
// reported as a [*PanicError] naming the job ([AfterFuncNamed], [EveryNamed],
// or else the callback's function name), and the clock goes on with its other
// timers; a schedule made with [Every] keeps its next run. Manual and Loop
// report to the hooks registered with their OnPanic (the stack wires its
// Logger and its bus's OnError there); with no hook, and on Real, the panic
// is logged to [slog.Default].
package clock

import (
	"container/heap"
	"sync"
	"time"
)

// Clock tells the time and runs functions later.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc arranges for f to run once d has elapsed on this clock. A d ≤ 0
	// makes f due immediately: the real clock runs it at once (on another
	// goroutine); the manual clock runs it at the next Advance or Set.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending call registered with [Clock.AfterFunc].
type Timer interface {
	// Stop prevents the call from running. It reports whether it stopped the
	// call (false if the call already ran or was stopped).
	Stop() bool
}

// Real is the wall clock. Its zero value is ready to use.
type Real struct{}

// Now returns time.Now() in UTC.
func (Real) Now() time.Time { return time.Now().UTC() }

// AfterFunc wraps [time.AfterFunc]; f runs under recover (a panic is logged
// to [slog.Default] with f's function name).
func (r Real) AfterFunc(d time.Duration, f func()) Timer { return r.AfterFuncNamed("", d, f) }

// AfterFuncNamed is [Real.AfterFunc] for a timer called name.
func (Real) AfterFuncNamed(name string, d time.Duration, f func()) Timer {
	return time.AfterFunc(d, func() { runJob(name, f, nil) })
}

// Manual is a clock that moves only when told to. It is safe for concurrent use
// and re-entrant: a timer callback may read the time, register or stop timers, and
// even call Advance (which then only moves as far as the outer call allows).
type Manual struct {
	mu     sync.Mutex
	now    time.Time
	timers timerHeap
	seq    uint64
	firing bool      // an Advance/Set is running callbacks
	target time.Time // how far the running Advance/Set goes
	panics panicHooks
}

// NewManual returns a manual clock set to start (converted to UTC).
func NewManual(start time.Time) *Manual {
	return &Manual{now: start.UTC()}
}

// Now returns the clock's current time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// AfterFunc registers f to run when the clock reaches Now()+d. A panic of f
// is recovered and reported (see [Manual.OnPanic]).
func (m *Manual) AfterFunc(d time.Duration, f func()) Timer { return m.AfterFuncNamed("", d, f) }

// AfterFuncNamed is [Manual.AfterFunc] for a timer called name (empty: f's
// function name), the name a panic of f is reported with.
func (m *Manual) AfterFuncNamed(name string, d time.Duration, f func()) Timer {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	t := &manualTimer{mu: &m.mu, heap: &m.timers, at: m.now.Add(max(d, 0)), seq: m.seq, name: name, f: f, index: -1}
	heap.Push(&m.timers, t)
	return t
}

// OnPanic registers f to receive every panic of a timer callback, which the
// clock recovers before going on with the next timer. f runs on the goroutine
// that ran the callback (Advance's or Set's). It returns a function that
// removes f. With no function registered, panics are logged to
// [slog.Default].
func (m *Manual) OnPanic(f func(*PanicError)) (remove func()) { return m.panics.add(f) }

// Advance moves the clock forward by d, running every timer that falls due on the
// way, in time order. Each callback sees Now equal to its due time. A negative d is
// treated as zero (time never moves backwards).
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	target := m.now.Add(max(d, 0))
	m.mu.Unlock()
	m.runUntil(target)
}

// Set moves the clock to t, running due timers like [Manual.Advance]. Setting a
// time before Now leaves the clock where it is.
func (m *Manual) Set(t time.Time) {
	m.runUntil(t.UTC())
}

// Pending reports how many timers are registered and not yet run or stopped.
func (m *Manual) Pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.timers)
}

func (m *Manual) runUntil(target time.Time) {
	m.mu.Lock()
	if m.firing {
		// Re-entrant call from a callback: move the outer target forward if
		// needed; the outer loop does the work.
		if target.After(m.target) {
			m.target = target
		}
		m.mu.Unlock()
		return
	}
	m.firing = true
	m.target = target
	for {
		if len(m.timers) == 0 || m.timers[0].at.After(m.target) {
			break
		}
		t := heap.Pop(&m.timers).(*manualTimer)
		if t.at.After(m.now) {
			m.now = t.at
		}
		m.mu.Unlock()
		runJob(t.name, t.f, &m.panics)
		m.mu.Lock()
	}
	if m.target.After(m.now) {
		m.now = m.target
	}
	m.firing = false
	m.mu.Unlock()
}

// manualTimer is a timer in a timerHeap guarded by mu (the Manual's or the
// Loop's).
type manualTimer struct {
	mu    *sync.Mutex
	heap  *timerHeap
	at    time.Time
	seq   uint64
	name  string // reported with a panic of f; empty: f's function name
	f     func()
	index int // position in the heap; -1 when not in it
}

func (t *manualTimer) Stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(t.heap, t.index)
	return true
}

// timerHeap orders timers by due time, then registration order.
type timerHeap []*manualTimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*manualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}

// Every runs f at each multiple of period (aligned to the Unix epoch, as AWS
// aligns its schedules to period boundaries) strictly after the clock's current
// time, until the returned Timer is stopped. f receives the scheduled time.
// The next run is registered before f runs, so f may stop the schedule, and a
// run that panics (recovered and reported by the clock, named after f's
// function) does not end it.
func Every(c Clock, period time.Duration, f func(at time.Time)) Timer {
	return EveryNamed(c, "", period, f)
}

// EveryNamed is [Every] for a schedule called name (empty: f's function
// name), the name a panic of f is reported with.
func EveryNamed(c Clock, name string, period time.Duration, f func(at time.Time)) Timer {
	if period <= 0 {
		panic("clock.Every: period must be positive")
	}
	s := &schedule{c: c, name: jobName(name, f), period: period, f: f}
	s.mu.Lock()
	s.armLocked(c.Now())
	s.mu.Unlock()
	return s
}

type schedule struct {
	c       Clock
	name    string
	period  time.Duration
	f       func(time.Time)
	mu      sync.Mutex
	timer   Timer
	stopped bool
}

func (s *schedule) armLocked(now time.Time) {
	next := now.Truncate(s.period).Add(s.period)
	s.timer = AfterFuncNamed(s.c, s.name, next.Sub(now), func() {
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			return
		}
		s.armLocked(s.c.Now())
		s.mu.Unlock()
		s.f(next)
	})
}

func (s *schedule) Stop() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.stopped = true
	s.timer.Stop()
	return true
}
