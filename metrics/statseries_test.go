package metrics

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/clock"
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

// The open-addressing series index keeps every series findable through
// inserts and backward-shift deletions, with heavy collisions.
func TestSeriesIndexWithCollisions(t *testing.T) {
	s, _ := newTestService(t)
	r := rand.New(rand.NewPCG(13, 14))
	live := map[string]*series{}
	for op := 0; op < 5000; op++ {
		if len(live) > 0 && r.IntN(3) == 0 {
			for k, sr := range live {
				s.remove(sr)
				delete(live, k)
				break
			}
		} else {
			name := fmt.Sprintf("m%d", op)
			// Hashes crowd into a few home slots, wrapping around the table end.
			h := uint64(r.IntN(8))*uint64(len(s.table)+1)/8 + uint64(1023)*uint64(r.IntN(2)) + uint64(op)<<32
			live[name] = s.create(h, "App", name, nil)
		}
		if op%97 == 0 {
			for name, sr := range live {
				require.Same(t, sr, s.lookup(sr.hash, "App", name, nil), name)
			}
		}
	}
	assert.Equal(t, len(live), s.nseries)
	assert.Equal(t, len(live), s.catalog.Len())
}
