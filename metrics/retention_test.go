package metrics

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fill publishes one hour of high-resolution data (one value a second, values
// from a seeded log-normal) starting at start and returns the values.
func fillHour(t *testing.T, s *Service, start time.Time, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	var vals []float64
	for m := 0; m < 60; m++ {
		data := make([]MetricDatum, 60)
		for i := range data {
			v := math.Exp(2 + r.NormFloat64())
			vals = append(vals, v)
			data[i] = MetricDatum{MetricName: "M", Value: Float(v), StorageResolution: 1,
				Timestamp: start.Add(time.Duration(m*60+i) * time.Second)}
		}
		put(t, s, "App", data...)
	}
	return vals
}

type summary struct{ n, sum, min, max float64 }

func hourSummary(t *testing.T, s *Service, start time.Time, period int) summary {
	t.Helper()
	out, err := gms(s, GetMetricStatisticsInput{StartTime: start, EndTime: start.Add(time.Hour), Period: period,
		Statistics: []Statistic{StatSampleCount, StatSum, StatMinimum, StatMaximum}})
	require.NoError(t, err)
	sm := summary{min: math.Inf(1), max: math.Inf(-1)}
	for _, d := range out.Datapoints {
		sm.n += *d.SampleCount
		sm.sum += *d.Sum
		sm.min = math.Min(sm.min, *d.Minimum)
		sm.max = math.Max(sm.max, *d.Maximum)
	}
	return sm
}

func TestRetentionAndRollupByAge(t *testing.T) {
	if testing.Short() {
		t.Skip("advances the clock 456 days")
	}
	s, c := newTestService(t)
	ctx := context.Background()
	start := t0
	c.Set(start.Add(time.Hour))
	vals := fillHour(t, s, start, 1)
	want := summary{n: float64(len(vals)), min: math.Inf(1), max: math.Inf(-1)}
	for _, v := range vals {
		want.sum += v
		want.min = math.Min(want.min, v)
		want.max = math.Max(want.max, v)
	}
	check := func(period int) {
		t.Helper()
		got := hourSummary(t, s, start, period)
		assert.Equal(t, want.n, got.n)
		assert.InEpsilon(t, want.sum, got.sum, 1e-12)
		assert.Equal(t, want.min, got.min)
		assert.Equal(t, want.max, got.max)
	}
	p99 := func(period int) float64 {
		t.Helper()
		out, err := gms(s, GetMetricStatisticsInput{StartTime: start, EndTime: start.Add(time.Hour), Period: period, ExtendedStatistics: []string{"p99"}})
		require.NoError(t, err)
		require.NotEmpty(t, out.Datapoints)
		v, _ := out.Datapoints[0].ExtendedStatistics.Get("p99")
		return v
	}
	exact := refPercentile(vals, 99)

	// Within 3 hours: 1-second periods are available and percentiles exact.
	check(5)
	check(60)
	assert.Equal(t, exact, p99(3600))

	// After 3 hours: sub-minute detail is gone (sub-minute periods are refused
	// for such StartTimes); minute statistics keep every basic statistic and
	// percentiles stay exact (the values are kept at 1-minute resolution).
	c.Set(start.Add(4 * time.Hour))
	check(60)
	assert.Equal(t, exact, p99(3600))
	out0, err := gms(s, GetMetricStatisticsInput{StartTime: start, EndTime: start.Add(time.Hour), Period: 5})
	require.NoError(t, err)
	assert.Empty(t, out0.Datapoints, "sub-minute periods return no data beyond 3 hours")
	st := s.findSeries(&Metric{Namespace: "App", MetricName: "M"}).streams[0]
	assert.Len(t, st.raw, 60)
	assert.True(t, st.raw[0].minuteOnly())
	// Values published late for an old minute count as at second 0.
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(0), StorageResolution: 1, Timestamp: start.Add(30 * time.Second)})
	want.n++
	want.min = 0
	check(60)

	exact = refPercentile(append(vals, 0), 99)
	// After 15 days: 5-minute blocks, percentiles from the sketch (≤ 1%).
	c.Set(start.Add(15*24*time.Hour + 2*time.Hour))
	require.Len(t, st.m5, 12)
	assert.Empty(t, st.raw)
	check(300)
	assert.InEpsilon(t, exact, p99(3600), 0.01)

	// After 63 days: 1-hour blocks.
	c.Set(start.Add(63*24*time.Hour + 2*time.Hour))
	require.Len(t, st.h1, 1)
	assert.Empty(t, st.m5)
	check(3600)
	assert.InEpsilon(t, exact, p99(3600), 0.01)

	// After 455 days: gone, and the metric leaves the catalogue.
	c.Set(start.Add(455*24*time.Hour + 2*time.Hour))
	out, err := gms(s, GetMetricStatisticsInput{StartTime: start, EndTime: start.Add(time.Hour), Period: 3600})
	require.NoError(t, err)
	assert.Empty(t, out.Datapoints)
	assert.Nil(t, s.findSeries(&Metric{Namespace: "App", MetricName: "M"}))
	lm, err := s.ListMetrics(ctx, ListMetricsInput{})
	require.NoError(t, err)
	assert.Empty(t, lm.Metrics)
}

// Rollup preserves SampleCount, Sum, Minimum and Maximum for random data,
// mixing raw values, weighted values and statistic sets.
func TestRollupPreservesBasicStatistics(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 20; trial++ {
		var minutes []block
		want := summary{min: math.Inf(1), max: math.Inf(-1)}
		for m := 0; m < 1+r.IntN(30); m++ {
			b := block{start: int64(m * 60)}
			for k := 0; k < 1+r.IntN(20); k++ {
				sec := r.IntN(60)
				switch r.IntN(3) {
				case 0:
					v := r.NormFloat64() * 100
					b.add(sec, v, 1, true)
					want.n++
					want.sum += v
					want.min, want.max = math.Min(want.min, v), math.Max(want.max, v)
				case 1:
					v, w := r.Float64(), float64(1+r.IntN(5))
					b.add(sec, v, w, false)
					want.n += w
					want.sum += v * w
					want.min, want.max = math.Min(want.min, v), math.Max(want.max, v)
				default:
					set := StatisticSet{SampleCount: 3, Sum: 6, Minimum: 1, Maximum: 3}
					b.addSet(sec, set, false)
					want.n += 3
					want.sum += 6
					want.min, want.max = math.Min(want.min, 1), math.Max(want.max, 3)
				}
			}
			if r.IntN(2) == 0 {
				b.dropDetail()
			}
			minutes = append(minutes, b)
		}
		rest, m5 := rollup(minutes, nil, 300, 1<<40)
		assert.Empty(t, rest)
		_, h1 := rollup(m5, nil, 3600, 1<<40)
		require.Len(t, h1, 1)
		got := h1[0]
		assert.Equal(t, want.n, got.count())
		assert.InDelta(t, want.sum, got.sum, 1e-6)
		assert.Equal(t, want.min, got.min)
		assert.Equal(t, want.max, got.max)
	}
}

func TestCloseStopsTheSweep(t *testing.T) {
	s, c := newTestService(t)
	pending := c.Pending()
	s.Close()
	assert.Equal(t, pending-1, c.Pending())
	s.Close() // idempotent
}

func TestSweepIsCheapWhenNothingIsDue(t *testing.T) {
	s, c := newTestService(t)
	put(t, s, "App", datum("M", 1))
	c.Advance(4 * time.Hour) // the head block is retired and aged
	st := s.findSeries(&Metric{Namespace: "App", MetricName: "M"}).streams[0]
	require.Len(t, st.raw, 1)
	due := s.nextDue
	assert.Greater(t, due, c.Now().Add(14*24*time.Hour).Unix(), "next work is the 15-day rollup")
	// Old data published later lowers the next due time again.
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(2), StorageResolution: 1, Timestamp: c.Now().Add(-5 * time.Hour)})
	assert.Less(t, s.nextDue, due)
	c.Advance(2 * time.Minute)
	assert.True(t, st.raw[0].minuteOnly(), "the late high-resolution minute lost its per-second detail")
}
