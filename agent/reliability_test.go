package agent

import (
	"context"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCollectWithNilContextActsAsBackground(t *testing.T) {
	c := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	a := New(Options{Clock: c, Bus: &b, Monitoring: Detailed, Sampler: fakeSampler()})
	//lint:ignore SA1012 a nil context is what this test is about
	//lint:ignore SA1012 a nil context is what this test checks
	require.NoError(t, a.Collect(nil))
	assert.Len(t, *got, 1)
}

func TestCloseStopsForGoodAndCollectAnswersServiceUnavailable(t *testing.T) {
	c := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	a := New(Options{Clock: c, Bus: &b, Monitoring: Detailed, Sampler: fakeSampler()})
	a.Start()
	c.Advance(2 * time.Minute)
	require.Len(t, *got, 2)
	a.Close()
	a.Close() // idempotent
	a.Start() // does nothing after Close
	c.Advance(5 * time.Minute)
	assert.Len(t, *got, 2)
	assert.Zero(t, c.Pending())
	err := a.Collect(context.Background())
	assert.ErrorIs(t, err, awserr.Sentinel("ServiceUnavailable"))
	assert.Equal(t, 503, awserr.Closed("ServiceUnavailable").HTTPStatus())
}

// Issue 16 item 12: interval options had no lower bound.
func TestIntervalIsKeptWithinOneSecondAndOneMinute(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   time.Duration
		want time.Duration
	}{
		{"zero means the agent's default of 60 seconds", 0, time.Minute},
		{"one nanosecond is raised to CloudWatch's one-second resolution", time.Nanosecond, time.Second},
		{"a negative interval is raised to one second", -time.Hour, time.Second},
		{"ten seconds is kept", 10 * time.Second, 10 * time.Second},
		{"an hour is lowered to a minute", time.Hour, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := New(Options{Clock: clock.NewManual(t0), Interval: tc.in})
			assert.Equal(t, tc.want, a.opts.Interval)
		})
	}
}

func TestSubMinuteIntervalPublishesHighResolution(t *testing.T) {
	c := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	a := New(Options{Clock: c, Bus: &b, Monitoring: Detailed, Sampler: fakeSampler(), Interval: 10 * time.Second})
	a.Start()
	c.Advance(time.Minute)
	require.Len(t, *got, 6)
	d := datum((*got)[0], "Goroutines")
	require.NotNil(t, d)
	assert.Equal(t, int32(1), int32(d.StorageResolution))
	assert.Equal(t, t0.Add(10*time.Second), d.Timestamp)
}

func TestBasicWithSubMinuteIntervalPublishesOneSetPerFiveMinutes(t *testing.T) {
	c := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	a := New(Options{Clock: c, Bus: &b, Sampler: fakeSampler(), Interval: 30 * time.Second})
	a.Start()
	c.Advance(10 * time.Minute)
	require.Len(t, *got, 2)
	d := datum((*got)[0], "Goroutines")
	require.NotNil(t, d)
	require.NotNil(t, d.StatisticValues)
	assert.Equal(t, 10.0, d.StatisticValues.SampleCount)
	assert.Equal(t, t0, d.Timestamp)
}

// A panicking Sampler on the schedule is recovered and reported by the
// clock under the agent's job name, and the next samples still run; from
// Collect it is an error.
func TestPanickingSamplerIsReportedAndTheScheduleGoesOn(t *testing.T) {
	c := clock.NewManual(t0)
	var jobs []string
	c.OnPanic(func(e *clock.PanicError) { jobs = append(jobs, e.Job) })
	var b bus.Bus
	got := capture(&b)
	n := 0
	inner := fakeSampler()
	a := New(Options{Clock: c, Bus: &b, Monitoring: Detailed, Sampler: func() Sample {
		n++
		if n == 2 {
			panic("sampler broke")
		}
		return inner()
	}})
	a.Start()
	require.NotPanics(t, func() { c.Advance(3 * time.Minute) })
	assert.Equal(t, []string{"agent: sample"}, jobs)
	assert.Len(t, *got, 2)
	n = 1
	assert.ErrorContains(t, a.Collect(context.Background()), "sampler broke")
}
