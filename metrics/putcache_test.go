package metrics

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPutReusedDatumsFindTheirSeries pins down the positional series cache of
// PutMetricData: a producer that reuses its datum slices (and overwrites
// them between calls), reorders its dimensions, changes namespace, or sends
// a bad dimension where a good one was must always reach the right series or
// error, and a series removed by retention is created afresh.
func TestPutReusedDatumsFindTheirSeries(t *testing.T) {
	s, c := newTestService(t)
	ctx := context.Background()
	dims := []Dimension{{Name: "Az", Value: "a"}, {Name: "Host", Value: "h1"}}
	data := []MetricDatum{{MetricName: "M", Dimensions: dims, Value: Float(1)}, {MetricName: "N", Value: Float(2)}}
	call := func(ns string) error {
		_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: ns, MetricData: data})
		return err
	}
	sum := func(ns, name string, ds ...Dimension) float64 {
		out, err := s.GetMetricStatistics(ctx, GetMetricStatisticsInput{Namespace: ns, MetricName: name, Dimensions: ds,
			StartTime: c.Now().Add(-time.Hour), EndTime: c.Now().Add(time.Minute), Period: 3600, Statistics: []Statistic{StatSum}})
		require.NoError(t, err)
		total := 0.0
		for _, dp := range out.Datapoints {
			total += *dp.Sum
		}
		return total
	}
	require.NoError(t, call("App"))
	require.NoError(t, call("App")) // same slices again
	dims[1].Value = "h2"            // overwritten in place
	require.NoError(t, call("App"))
	dims[0], dims[1] = dims[1], dims[0] // reordered: same metric as the last call
	require.NoError(t, call("App"))
	require.NoError(t, call("Other"))
	assert.Equal(t, 2.0, sum("App", "M", Dimension{"Az", "a"}, Dimension{"Host", "h1"}))
	assert.Equal(t, 2.0, sum("App", "M", Dimension{"Host", "h2"}, Dimension{"Az", "a"}))
	assert.Equal(t, 8.0, sum("App", "N"))
	assert.Equal(t, 1.0, sum("Other", "M", Dimension{"Az", "a"}, Dimension{"Host", "h2"}))

	// A duplicate or invalid dimension where a valid one was is still rejected.
	dims[0] = Dimension{Name: "Az", Value: "a"}
	dims[1] = Dimension{Name: "Az", Value: "a"}
	require.Error(t, call("App"))
	dims[1] = Dimension{Name: "Host", Value: "h\x01"}
	require.Error(t, call("App"))
	dims[1] = Dimension{Name: "Host", Value: "h1"}
	require.NoError(t, call("App"))

	// After everything expires, the series are removed; the same slices create
	// them again.
	c.Advance(456 * 24 * time.Hour)
	out, err := s.ListMetrics(ctx, ListMetricsInput{})
	require.NoError(t, err)
	assert.Empty(t, out.Metrics)
	require.Zero(t, s.nseries, "retention removed the series")
	require.Empty(t, s.lastPut)
	require.NoError(t, call("App"))
	out, err = s.ListMetrics(ctx, ListMetricsInput{Namespace: "App"})
	require.NoError(t, err)
	assert.Len(t, out.Metrics, 2)
	assert.Equal(t, 1.0, sum("App", "M", Dimension{"Az", "a"}, Dimension{"Host", "h1"}))
}

// TestPutCacheAlternatingProducers: producers taking turns on different
// namespaces (an agent and a metric filter) each keep their positional cache,
// and many namespaces do not grow it without bound.
func TestPutCacheAlternatingProducers(t *testing.T) {
	s, _ := newTestService(t)
	agent := []MetricDatum{{MetricName: "CPU", Value: Float(1)}, {MetricName: "Mem", Value: Float(2)}}
	filter := []MetricDatum{{MetricName: "Errors", Value: Float(3)}}
	for range 3 {
		put(t, s, "Agent", agent...)
		put(t, s, "Logs", filter...)
	}
	s.mu.RLock()
	require.Len(t, s.lastPut, 2)
	assert.Len(t, s.lastPut["Agent"], 2)
	assert.Same(t, s.findSeries(&Metric{Namespace: "Logs", MetricName: "Errors"}), s.lastPut["Logs"][0])
	s.mu.RUnlock()
	for i := range 2 * maxPutCaches {
		put(t, s, fmt.Sprintf("NS%d", i), filter...)
	}
	s.mu.RLock()
	assert.LessOrEqual(t, len(s.lastPut), maxPutCaches)
	s.mu.RUnlock()
}

// TestCachedIdentitySizeMatchesDatumSize: the request-size estimate of a datum
// that hits the positional cache (computed from its series' identity size)
// equals EstimateRequestSize's, for identities with up to 30 dimensions.
func TestCachedIdentitySizeMatchesDatumSize(t *testing.T) {
	s, _ := newTestService(t)
	var data []MetricDatum
	for i := range 40 {
		d := MetricDatum{MetricName: strings.Repeat("n", 1+i%7), Value: Float(1), Unit: UnitCount}
		for j := range i % 31 {
			d.Dimensions = append(d.Dimensions, Dimension{Name: fmt.Sprintf("D%02d", j), Value: strings.Repeat("v", 1+(i*j)%50)})
		}
		data = append(data, d)
	}
	put(t, s, "App", data...)
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i := range data {
		sr := s.lastPut["App"][i]
		require.True(t, sr.is("App", data[i].MetricName, data[i].Dimensions), "datum %d hits the cache", i)
		for _, pos := range []int{i, 8, 99, 999} {
			assert.Equal(t, datumSize(pos, &data[i]), datumSizeWith(pos, &data[i], sr.idSize), "datum %d at %d", i, pos)
		}
		// The identity size does not depend on the dimensions' order (a
		// series found by hash serves a datum listing them in any order).
		rev := data[i]
		rev.Dimensions = slices.Clone(rev.Dimensions)
		slices.Reverse(rev.Dimensions)
		assert.Equal(t, datumSize(i, &rev), datumSizeWith(i, &rev, sr.idSize), "datum %d reversed", i)
	}
}

// TestPutCachedDatumsAreValidatedInFull: a datum whose series is cached still
// goes through every value rule; the errors are those of a fresh service.
func TestPutCachedDatumsAreValidatedInFull(t *testing.T) {
	ctx := context.Background()
	base := func() []MetricDatum {
		return []MetricDatum{
			{MetricName: "A", Dimensions: []Dimension{{Name: "Host", Value: "h"}}, Value: Float(1), Unit: UnitCount},
			{MetricName: "B", Value: Float(2), Unit: UnitCount},
		}
	}
	bad := map[string]func(d *MetricDatum, now time.Time){
		"NaN value":             func(d *MetricDatum, _ time.Time) { d.Value = Float(math.NaN()) },
		"tiny value":            func(d *MetricDatum, _ time.Time) { d.Value = Float(1e-200) },
		"Counts with Value":     func(d *MetricDatum, _ time.Time) { d.Counts = []float64{1} },
		"Value and Values":      func(d *MetricDatum, _ time.Time) { d.Values = []float64{1} },
		"Value and set":         func(d *MetricDatum, _ time.Time) { d.StatisticValues = &StatisticSet{1, 1, 1, 1} },
		"no value":              func(d *MetricDatum, _ time.Time) { d.Value = nil },
		"bad unit":              func(d *MetricDatum, _ time.Time) { d.Unit = "Furlongs" },
		"bad resolution":        func(d *MetricDatum, _ time.Time) { d.StorageResolution = 30 },
		"too old":               func(d *MetricDatum, now time.Time) { d.Timestamp = now.Add(-15 * 24 * time.Hour) },
		"too new":               func(d *MetricDatum, now time.Time) { d.Timestamp = now.Add(3 * time.Hour) },
		"other unit (accepted)": func(d *MetricDatum, _ time.Time) { d.Unit = UnitSeconds },
		"hi-res (accepted)":     func(d *MetricDatum, _ time.Time) { d.StorageResolution = 1 },
		"old edge (accepted)":   func(d *MetricDatum, now time.Time) { d.Timestamp = now.Add(-14 * 24 * time.Hour) },
		"new edge (accepted)":   func(d *MetricDatum, now time.Time) { d.Timestamp = now.Add(2 * time.Hour) },
	}
	for name, spoil := range bad {
		for pos := range 2 {
			warm, c := newTestService(t)
			_, err := warm.PutMetricData(ctx, PutMetricDataInput{Namespace: "App", MetricData: base()})
			require.NoError(t, err)
			fresh, _ := newTestService(t)
			data := base()
			spoil(&data[pos], c.Now())
			_, errWarm := warm.PutMetricData(ctx, PutMetricDataInput{Namespace: "App", MetricData: data})
			_, errFresh := fresh.PutMetricData(ctx, PutMetricDataInput{Namespace: "App", MetricData: data})
			if strings.HasSuffix(name, "(accepted)") {
				assert.NoError(t, errWarm, name)
				assert.NoError(t, errFresh, name)
				continue
			}
			require.Error(t, errFresh, name)
			require.Error(t, errWarm, name)
			assert.Equal(t, errFresh.Error(), errWarm.Error(), "%s at %d", name, pos)
		}
	}
}
