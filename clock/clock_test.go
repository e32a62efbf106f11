package clock

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestManualFiresInTimeOrderTiesInRegistrationOrder(t *testing.T) {
	c := NewManual(t0)
	var got []string
	c.AfterFunc(2*time.Second, func() { got = append(got, "b1") })
	c.AfterFunc(1*time.Second, func() { got = append(got, "a") })
	c.AfterFunc(2*time.Second, func() { got = append(got, "b2") })
	c.AfterFunc(5*time.Second, func() { got = append(got, "late") })
	c.Advance(2 * time.Second)
	assert.Equal(t, []string{"a", "b1", "b2"}, got)
	assert.Equal(t, t0.Add(2*time.Second), c.Now())
	assert.Equal(t, 1, c.Pending())
}

func TestManualCallbackSeesItsDueTime(t *testing.T) {
	c := NewManual(t0)
	var seen time.Time
	c.AfterFunc(3*time.Second, func() { seen = c.Now() })
	c.Advance(time.Minute)
	assert.Equal(t, t0.Add(3*time.Second), seen)
	assert.Equal(t, t0.Add(time.Minute), c.Now())
}

func TestManualReentrantScheduling(t *testing.T) {
	c := NewManual(t0)
	var got []time.Time
	var tick func()
	tick = func() {
		got = append(got, c.Now())
		c.AfterFunc(10*time.Second, tick)
	}
	c.AfterFunc(10*time.Second, tick)
	c.Advance(35 * time.Second)
	require.Len(t, got, 3)
	assert.Equal(t, t0.Add(30*time.Second), got[2])
	// A nested Advance from a callback extends the outer run.
	c.AfterFunc(time.Second, func() { c.Advance(time.Hour) })
	c.Advance(time.Second)
	assert.Equal(t, t0.Add(35*time.Second+time.Second+time.Hour), c.Now())
}

func TestManualStop(t *testing.T) {
	c := NewManual(t0)
	ran := false
	tm := c.AfterFunc(time.Second, func() { ran = true })
	assert.True(t, tm.Stop())
	assert.False(t, tm.Stop())
	c.Advance(time.Hour)
	assert.False(t, ran)
}

func TestManualSetBackwardsDoesNothing(t *testing.T) {
	c := NewManual(t0)
	c.Set(t0.Add(-time.Hour))
	assert.Equal(t, t0, c.Now())
}

func TestEveryAlignsToPeriodBoundaries(t *testing.T) {
	c := NewManual(t0.Add(15 * time.Second))
	var got []time.Time
	s := Every(c, time.Minute, func(at time.Time) {
		assert.Equal(t, at, c.Now())
		got = append(got, at)
	})
	c.Advance(3 * time.Minute)
	assert.Equal(t, []time.Time{t0.Add(time.Minute), t0.Add(2 * time.Minute), t0.Add(3 * time.Minute)}, got)
	s.Stop()
	c.Advance(time.Hour)
	assert.Len(t, got, 3)
	assert.Equal(t, 0, c.Pending())
}

func TestManualConcurrentUse(t *testing.T) {
	c := NewManual(t0)
	var mu sync.Mutex
	n := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				c.AfterFunc(time.Millisecond, func() { mu.Lock(); n++; mu.Unlock() })
				c.Advance(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	c.Advance(time.Second)
	assert.Equal(t, 800, n)
}

func TestRealClock(t *testing.T) {
	done := make(chan struct{})
	Real{}.AfterFunc(time.Millisecond, func() { close(done) })
	<-done
	assert.Equal(t, time.UTC, Real{}.Now().Location())
}
