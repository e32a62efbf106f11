package clock

import (
	"container/heap"
	"context"
	"errors"
	"sync"
	"time"
)

// Loop is the wall clock for applications: Now reads the wall clock, and
// callbacks registered with AfterFunc run only while [Loop.Run] runs, one at a
// time on Run's goroutine, in due order (ties in registration order). Timers
// that fall due while Run is not running wait for the next Run. Use
// [NewLoop]; it is safe for concurrent use.
type Loop struct {
	mu      sync.Mutex
	timers  timerHeap
	seq     uint64
	running bool
	wake    chan struct{} // buffered 1: a new earliest timer
	panics  panicHooks
}

// NewLoop returns a Loop with no timers.
func NewLoop() *Loop { return &Loop{wake: make(chan struct{}, 1)} }

// Now returns the wall-clock time in UTC.
func (l *Loop) Now() time.Time { return time.Now().UTC() }

// AfterFunc registers f to run on Run's goroutine once d has elapsed. A panic
// of f is recovered and reported (see [Loop.OnPanic]); Run goes on.
func (l *Loop) AfterFunc(d time.Duration, f func()) Timer { return l.AfterFuncNamed("", d, f) }

// OnPanic registers f to receive every panic of a timer callback, which Run
// recovers before going on with the next timer. f runs on Run's goroutine. It
// returns a function that removes f. With no function registered, panics are
// logged to [slog.Default].
func (l *Loop) OnPanic(f func(*PanicError)) (remove func()) { return l.panics.add(f) }

// AfterFuncNamed is [Loop.AfterFunc] for a timer called name (empty: f's
// function name), the name a panic of f is reported with.
func (l *Loop) AfterFuncNamed(name string, d time.Duration, f func()) Timer {
	l.mu.Lock()
	l.seq++
	t := &manualTimer{mu: &l.mu, heap: &l.timers, at: time.Now().Add(max(d, 0)), seq: l.seq, name: name, f: f, index: -1}
	heap.Push(&l.timers, t)
	first := t.index == 0
	l.mu.Unlock()
	if first {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	return t
}

// Pending reports how many timers are registered and not yet run or stopped.
func (l *Loop) Pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.timers)
}

// ErrLoopRunning is returned by [Loop.Run] when another Run is in progress.
var ErrLoopRunning = errors.New("clock: Loop.Run is already running")

// Run runs due callbacks until ctx is done, then returns ctx.Err(). Only one
// Run may be in progress at a time. A nil ctx is context.Background() (Run
// then never returns).
func (l *Loop) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	l.mu.Lock()
	if l.running {
		l.mu.Unlock()
		return ErrLoopRunning
	}
	l.running = true
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.running = false
		l.mu.Unlock()
	}()
	wait := time.NewTimer(time.Hour)
	defer wait.Stop()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.mu.Lock()
		now := time.Now()
		if len(l.timers) > 0 && !l.timers[0].at.After(now) {
			t := heap.Pop(&l.timers).(*manualTimer)
			l.mu.Unlock()
			runJob(t.name, t.f, &l.panics)
			continue
		}
		d := time.Hour
		if len(l.timers) > 0 {
			d = l.timers[0].at.Sub(now)
		}
		l.mu.Unlock()
		wait.Reset(d)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.wake:
		case <-wait.C:
		}
	}
}
