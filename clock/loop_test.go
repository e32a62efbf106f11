package clock

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoopRunsTimersInDueOrderOnRunsGoroutine(t *testing.T) {
	l := NewLoop()
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	add := func(i int) func() {
		return func() {
			mu.Lock()
			got = append(got, i)
			n := len(got)
			mu.Unlock()
			if n == 4 {
				close(done)
			}
		}
	}
	l.AfterFunc(300*time.Millisecond, add(3)) // far enough that a loaded machine still runs the 1 ms timer first
	l.AfterFunc(0, add(1))
	l.AfterFunc(0, add(2)) // tie: registration order
	stopped := l.AfterFunc(10*time.Millisecond, add(99))
	require.True(t, stopped.Stop())
	require.False(t, stopped.Stop())

	// Nothing runs before Run.
	time.Sleep(5 * time.Millisecond)
	mu.Lock()
	require.Empty(t, got)
	mu.Unlock()

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- l.Run(ctx) }()
	// A timer registered while Run waits, earlier than the pending one, wakes it.
	l.AfterFunc(time.Millisecond, add(2))
	<-done
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
	mu.Lock()
	require.Equal(t, []int{1, 2, 2, 3}, got)
	mu.Unlock()
	require.Equal(t, 0, l.Pending())
}

func TestLoopRunOnceAtATime(t *testing.T) {
	l := NewLoop()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	l.AfterFunc(0, func() { close(started) })
	errc := make(chan error, 1)
	go func() { errc <- l.Run(ctx) }()
	<-started
	require.True(t, errors.Is(l.Run(ctx), ErrLoopRunning))
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
}

func TestLoopEverySchedule(t *testing.T) {
	l := NewLoop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var sched Timer
	sched = Every(l, time.Millisecond, func(time.Time) {
		n++ // runs only on Run's goroutine: no lock needed
		if n == 3 {
			sched.Stop()
			cancel()
		}
	})
	require.ErrorIs(t, l.Run(ctx), context.Canceled)
	require.Equal(t, 3, n)
}
