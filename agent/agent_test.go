package agent

import (
	"context"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// fakeSampler returns samples whose values grow by one step each call.
func fakeSampler() Sampler {
	n := 0.0
	return func() Sample {
		n++
		return Sample{
			HeapAllocBytes: 1000 * n, HeapObjects: 10 * n, RuntimeMemoryBytes: 5000, Goroutines: n,
			GCCycles: 2 * n, CPUUsedSecs: 0.5 * n, CPUTotalSecs: 2 * n,
			GCPauseBounds: []float64{0, 0.001, 0.002}, GCPauseCounts: []uint64{uint64(n), 0},
		}
	}
}

func capture(b *bus.Bus) *[]metrics.PutMetricDataInput {
	var got []metrics.PutMetricDataInput
	bus.Subscribe(b, "test", func(_ context.Context, ev metrics.DataEvent) error {
		got = append(got, ev.Input)
		return nil
	})
	return &got
}

func datum(in metrics.PutMetricDataInput, name string) *metrics.MetricDatum {
	for i := range in.MetricData {
		if in.MetricData[i].MetricName == name {
			return &in.MetricData[i]
		}
	}
	return nil
}

func TestDetailedPublishesEveryMinute(t *testing.T) {
	c := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	a := New(Options{Clock: c, Bus: &b, Monitoring: Detailed, Sampler: fakeSampler(),
		Dimensions: []metrics.Dimension{{Name: "ProcessName", Value: "app"}}})
	a.Start()
	c.Advance(3 * time.Minute)
	require.Len(t, *got, 3)
	first, second := (*got)[0], (*got)[1]
	assert.Equal(t, "CWAgent", first.Namespace)
	assert.Nil(t, datum(first, "GCCycles"), "the first sample only sets the counters' baseline")
	g := datum(second, "Goroutines")
	require.NotNil(t, g)
	assert.Equal(t, 2.0, *g.Value)
	assert.Equal(t, t0.Add(2*time.Minute), g.Timestamp)
	assert.Equal(t, metrics.UnitCount, g.Unit)
	assert.Equal(t, 2.0, *datum(second, "GCCycles").Value)
	assert.Equal(t, 25.0, *datum(second, "CPUUtilization").Value) // 0.5 of 2 CPU-seconds
	p := datum(second, "GCPauseTime")
	require.NotNil(t, p)
	assert.Equal(t, []float64{0.5}, p.Values) // bucket [0,1ms) midpoint
	assert.Equal(t, []float64{1}, p.Counts)
	a.Stop()
	c.Advance(time.Hour)
	assert.Len(t, *got, 3)
}

func TestBasicPublishesFiveMinuteStatisticSets(t *testing.T) {
	c := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	a := New(Options{Clock: c, Bus: &b, Sampler: fakeSampler(), Namespace: "MyApp/Runtime"})
	a.Start()
	c.Advance(4 * time.Minute)
	assert.Empty(t, *got)
	c.Advance(time.Minute)
	require.Len(t, *got, 1)
	in := (*got)[0]
	assert.Equal(t, "MyApp/Runtime", in.Namespace)
	heap := datum(in, "HeapAllocBytes")
	require.NotNil(t, heap.StatisticValues)
	assert.Equal(t, metrics.StatisticSet{SampleCount: 5, Sum: 15000, Minimum: 1000, Maximum: 5000}, *heap.StatisticValues)
	assert.Equal(t, t0, heap.Timestamp, "a basic-monitoring datum is stamped at the start of its 5-minute window")
	assert.Equal(t, 8.0, *datum(in, "GCCycles").Value, "counters sum over the window (4 deltas after the baseline)")
	assert.Equal(t, []float64{4}, datum(in, "GCPauseTime").Counts)
}

func TestRuntimeSamplerReadsTheRuntime(t *testing.T) {
	s := RuntimeSampler()
	assert.Positive(t, s.HeapAllocBytes)
	assert.Positive(t, s.Goroutines)
	assert.Positive(t, s.RuntimeMemoryBytes)
	assert.Equal(t, len(s.GCPauseBounds), len(s.GCPauseCounts)+1)
	assert.GreaterOrEqual(t, s.CPUTotalSecs, s.CPUUsedSecs)
}
