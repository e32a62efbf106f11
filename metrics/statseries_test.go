package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/clock"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func newTestService(t testing.TB) (*Service, *clock.Manual) {
	c := clock.NewManual(t0)
	s := New(Options{Clock: c})
	t.Cleanup(s.Close)
	return s, c
}

func TestStatSeriesAndForEachMetric(t *testing.T) {
	s, c := newTestService(t)
	ctx := context.Background()
	var data []MetricDatum
	for i := 0; i < 120; i++ {
		data = append(data, MetricDatum{MetricName: "Latency", Dimensions: []Dimension{{"Host", "a"}},
			Timestamp: t0.Add(time.Duration(i) * time.Second), Value: Float(float64(i)), StorageResolution: 1})
	}
	_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: "App", MetricData: data})
	require.NoError(t, err)
	c.Advance(5 * time.Minute)
	ms := MetricStat{Metric: Metric{Namespace: "App", MetricName: "Latency", Dimensions: []Dimension{{"Host", "a"}}}, Period: 60, Stat: "Average"}
	ts, vs, err := s.statSeries(ms, t0, t0.Add(10*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []time.Time{t0, t0.Add(time.Minute)}, ts)
	assert.Equal(t, []float64{29.5, 89.5}, vs)
	ms.Stat = "p50"
	_, vs, err = s.statSeries(ms, t0, t0.Add(10*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []float64{29, 89}, vs)
	ms.Stat, ms.Period = "Sum", 30
	ts, vs, err = s.statSeries(ms, t0, t0.Add(10*time.Minute))
	require.NoError(t, err)
	assert.Len(t, ts, 4)
	assert.Equal(t, []float64{435, 1335, 2235, 3135}, vs)
	n := 0
	s.forEachMetric(func(m Metric, last time.Time) bool {
		n++
		assert.Equal(t, "Latency", m.MetricName)
		assert.Equal(t, t0.Add(119*time.Second), last)
		return true
	})
	assert.Equal(t, 1, n)
}
