package alarms

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/localwatch/localwatch/metrics"
)

// fakeSource is a tiny metric store for tests: raw samples per metric name,
// aggregated per period on query like CloudWatch's basic statistics.
type fakeSource struct {
	mu      sync.Mutex
	samples map[string][]sample
	calls   int
	fail    bool
}

type sample struct {
	at time.Time
	v  float64
}

func newFake() *fakeSource { return &fakeSource{samples: map[string][]sample{}} }

func (f *fakeSource) put(metric string, at time.Time, vs ...float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range vs {
		f.samples[metric] = append(f.samples[metric], sample{at, v})
	}
}

func (f *fakeSource) GetMetricData(_ context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail {
		return nil, errors.New("source down")
	}
	out := &metrics.GetMetricDataOutput{}
	for _, q := range in.MetricDataQueries {
		if q.MetricStat == nil {
			continue
		}
		p := time.Duration(q.MetricStat.Period) * time.Second
		type agg struct{ n, sum, mx float64 }
		buckets := map[time.Time]*agg{}
		for _, s := range f.samples[q.MetricStat.Metric.MetricName] {
			if s.at.Before(in.StartTime) || !s.at.Before(in.EndTime) {
				continue
			}
			b := in.StartTime.Add(s.at.Sub(in.StartTime) / p * p)
			a := buckets[b]
			if a == nil {
				a = &agg{mx: s.v}
				buckets[b] = a
			}
			a.n++
			a.sum += s.v
			a.mx = max(a.mx, s.v)
		}
		r := metrics.MetricDataResult{Id: q.Id, StatusCode: metrics.StatusComplete}
		var keys []time.Time
		for k := range buckets {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b time.Time) int { return a.Compare(b) })
		for _, k := range keys {
			a := buckets[k]
			v := a.sum / a.n
			switch q.MetricStat.Stat {
			case "Sum":
				v = a.sum
			case "SampleCount":
				v = a.n
			case "Maximum":
				v = a.mx
			}
			r.Timestamps = append(r.Timestamps, k)
			r.Values = append(r.Values, v)
		}
		out.MetricDataResults = append(out.MetricDataResults, r)
	}
	return out, nil
}
