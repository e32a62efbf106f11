package clock

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A timer that panics on the manual clock used to unwind Advance with the
// clock stuck in "firing" (every later Advance then did nothing): now the
// panic is reported with the job's name and the other timers still run.
func TestManualRecoversAPanickingTimerAndGoesOn(t *testing.T) {
	c := NewManual(t0)
	var reported []*PanicError
	remove := c.OnPanic(func(e *PanicError) { reported = append(reported, e) })
	var ran []string
	c.AfterFunc(time.Second, func() { ran = append(ran, "before") })
	c.AfterFuncNamed("poison", 2*time.Second, func() { panic("boom") })
	c.AfterFunc(3*time.Second, func() { ran = append(ran, "after") })
	ticks := 0
	Every(c, time.Second, func(time.Time) {
		ticks++
		if ticks == 2 {
			panic(errors.New("tick failed"))
		}
	})

	require.NotPanics(t, func() { c.Advance(5 * time.Second) })
	assert.Equal(t, []string{"before", "after"}, ran)
	assert.Equal(t, 5, ticks, "a schedule whose run panicked keeps its next runs")
	assert.Equal(t, t0.Add(5*time.Second), c.Now())
	require.Len(t, reported, 2)
	assert.Equal(t, "poison", reported[0].Job)
	assert.Equal(t, "boom", reported[0].Value)
	assert.NotEmpty(t, reported[0].Stack)
	assert.Contains(t, reported[1].Job, "TestManualRecoversAPanickingTimerAndGoesOn", "an unnamed job is named after its function")
	assert.ErrorContains(t, reported[1], "tick failed")

	// The clock is not wedged: later timers run.
	later := false
	c.AfterFunc(time.Second, func() { later = true })
	c.Advance(time.Second)
	assert.True(t, later)

	remove()
	c.AfterFunc(0, func() { panic("unreported") })
	require.NotPanics(t, func() { c.Advance(time.Second) }, "with no hook the panic is logged, not raised")
	assert.Len(t, reported, 2)
}

func TestEveryNamedReportsItsName(t *testing.T) {
	c := NewManual(t0)
	var jobs []string
	c.OnPanic(func(e *PanicError) { jobs = append(jobs, e.Job) })
	EveryNamed(c, "alarms: evaluate", time.Minute, func(time.Time) { panic("x") })
	AfterFuncNamed(c, "sns: retry", time.Second, func() { panic("y") })
	c.Advance(2 * time.Minute)
	assert.Equal(t, []string{"sns: retry", "alarms: evaluate", "alarms: evaluate"}, jobs)
}

func TestPanicHookThatPanicsIsIgnored(t *testing.T) {
	c := NewManual(t0)
	c.OnPanic(func(*PanicError) { panic("hook") })
	second := 0
	c.OnPanic(func(*PanicError) { second++ })
	c.AfterFunc(0, func() { panic("job") })
	require.NotPanics(t, func() { c.Advance(time.Second) })
	assert.Equal(t, 1, second)
}

// A foreign Clock gets the recover from AfterFuncNamed too.
type foreignClock struct{ *Manual }

func (f foreignClock) AfterFunc(d time.Duration, fn func()) Timer { return f.Manual.AfterFunc(d, fn) }

func TestAfterFuncNamedOnAForeignClockRecovers(t *testing.T) {
	m := NewManual(t0)
	var c Clock = struct{ Clock }{foreignClock{m}}
	_, named := c.(NamedClock)
	require.False(t, named)
	ran := false
	AfterFuncNamed(c, "foreign", time.Second, func() { panic("z") })
	c.AfterFunc(2*time.Second, func() { ran = true })
	require.NotPanics(t, func() { m.Advance(3 * time.Second) })
	assert.True(t, ran)
}

// A timer that panics under Loop.Run used to end Run (and, on its own
// goroutine, the process): now Run reports it and runs the next timers.
func TestLoopRunRecoversAPanickingTimerAndGoesOn(t *testing.T) {
	l := NewLoop()
	var mu sync.Mutex
	var reported []*PanicError
	l.OnPanic(func(e *PanicError) {
		mu.Lock()
		reported = append(reported, e)
		mu.Unlock()
	})
	done := make(chan struct{})
	l.AfterFuncNamed("poison", 0, func() { panic("boom") })
	l.AfterFunc(time.Millisecond, func() { close(done) })
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- l.Run(ctx) }()
	select {
	case <-done:
	case err := <-runErr:
		t.Fatalf("Run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the timer after the panicking one never ran")
	}
	cancel()
	require.ErrorIs(t, <-runErr, context.Canceled)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, reported, 1)
	assert.Equal(t, "poison", reported[0].Job)
}

func TestRealRecovers(t *testing.T) {
	done := make(chan struct{})
	Real{}.AfterFuncNamed("real", 0, func() { defer close(done); panic("r") })
	<-done // the process is still alive: the panic was recovered on the timer's goroutine
}

func TestLoopRunWithNilContextRuns(t *testing.T) {
	l := NewLoop()
	done := make(chan struct{})
	l.AfterFunc(0, func() { close(done) })
	//lint:ignore SA1012 a nil context is what this test is about
	//lint:ignore SA1012 a nil context is what this test checks
	go func() { _ = l.Run(nil) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run(nil) did not run the timer")
	}
}
