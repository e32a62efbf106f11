package metricmath

import (
	"math"
	"slices"
)

// Dimension is a metric dimension (name and value).
type Dimension struct {
	Name  string
	Value string
}

// MetricInfo identifies the metric a series was read from, for SEARCH results,
// labels and dynamic-label properties (${PROP('Dim.InstanceId')}).
type MetricInfo struct {
	Namespace  string
	MetricName string
	Dimensions []Dimension
	Stat       string
	Period     int
	AccountID  string
	Region     string
}

// Series is one time series. Data layout: two parallel slices (timestamps in
// Unix seconds, ascending and unique, and their values) so that element-wise
// operations are tight loops over contiguous memory and alignment of two series
// is a linear merge.
type Series struct {
	// Label is the series' own label (a metric's label, or the label a
	// SEARCH result gets); expression labels are applied by the caller.
	Label string
	// Times are period-start timestamps in Unix seconds, ascending.
	Times []int64
	// Values holds one finite value per timestamp.
	Values []float64
	// Period is the series' period in seconds (0 if unknown).
	Period int
	// Metric is the metric the series was read from; nil for computed series
	// that do not stem from one metric.
	Metric *MetricInfo
}

// Len returns the number of datapoints.
func (s *Series) Len() int { return len(s.Times) }

// derive returns an empty series that keeps s's identity (label, period,
// metric) with capacity n.
func (s *Series) derive(n int) Series {
	return Series{Label: s.Label, Period: s.Period, Metric: s.Metric, Times: make([]int64, 0, n), Values: make([]float64, 0, n)}
}

// valueAt returns the value at t by binary search.
func (s *Series) valueAt(t int64) (float64, bool) {
	i, ok := slices.BinarySearch(s.Times, t)
	if !ok {
		return 0, false
	}
	return s.Values[i], true
}

// mapValues applies f to every value; non-finite results are dropped and
// reported through drop.
func mapValues(s *Series, f func(float64) float64, drop *bool) Series {
	out := s.derive(len(s.Times))
	for i, v := range s.Values {
		r := f(v)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			*drop = true
			continue
		}
		out.Times = append(out.Times, s.Times[i])
		out.Values = append(out.Values, r)
	}
	return out
}

// union applies f at every timestamp present in a or b, the missing side
// counting as 0 (comparison and logical operators between two series).
func union(a, b *Series, f func(x, y float64) float64, drop *bool) Series {
	out := Series{Period: minPeriod(a.Period, b.Period), Times: make([]int64, 0, max(len(a.Times), len(b.Times))), Values: make([]float64, 0, max(len(a.Times), len(b.Times)))}
	i, j := 0, 0
	for i < len(a.Times) || j < len(b.Times) {
		var t int64
		var x, y float64
		switch {
		case j >= len(b.Times) || i < len(a.Times) && a.Times[i] < b.Times[j]:
			t, x = a.Times[i], a.Values[i]
			i++
		case i >= len(a.Times) || b.Times[j] < a.Times[i]:
			t, y = b.Times[j], b.Values[j]
			j++
		default:
			t, x, y = a.Times[i], a.Values[i], b.Values[j]
			i++
			j++
		}
		r := f(x, y)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			*drop = true
			continue
		}
		out.Times = append(out.Times, t)
		out.Values = append(out.Values, r)
	}
	return out
}

func minPeriod(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

// unionTimes returns the sorted union of the timestamps of all series.
func unionTimes(ss []Series) []int64 {
	if len(ss) == 1 {
		return ss[0].Times
	}
	// Fast path: all series share the same timestamps (the common case for
	// metrics read over the same range and period).
	same := true
	for k := 1; k < len(ss) && same; k++ {
		same = slices.Equal(ss[0].Times, ss[k].Times)
	}
	if same && len(ss) > 0 {
		return ss[0].Times
	}
	n := 0
	for k := range ss {
		n += len(ss[k].Times)
	}
	all := make([]int64, 0, n)
	for k := range ss {
		all = append(all, ss[k].Times...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// grid returns the period-start timestamps of [start, end) for period p.
func grid(start, end int64, p int) []int64 {
	if p <= 0 || end <= start {
		return nil
	}
	n := (end - start + int64(p) - 1) / int64(p)
	if n > maxGridPoints {
		n = maxGridPoints
	}
	out := make([]int64, 0, n)
	for t := start; t < end && int64(len(out)) < n; t += int64(p) {
		out = append(out, t)
	}
	return out
}

// maxGridPoints bounds the non-sparse series TIME_SERIES, FILL and the date
// functions build (AWS caps a GetMetricData call at 100,800 datapoints).
const maxGridPoints = 100800
