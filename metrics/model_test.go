package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStoreMatchesReferenceModel publishes random data (values at random
// seconds, repeated seconds, Values with Counts, both resolutions, in random
// order) and checks every statistic of every period against a slow reference
// computed from the list of (time, value, weight) published.
func TestStoreMatchesReferenceModel(t *testing.T) {
	type obs struct {
		t    int64
		v, w float64
	}
	stats := []string{"SampleCount", "Sum", "Minimum", "Maximum", "Average", "p0", "p10", "p50", "p90", "p99", "p100", "tm90", "TM(10%:90%)", "wm90", "tc50", "TS(20%:)", "PR(:5)", "TM(2:8)", "IQM"}
	r := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 40; trial++ {
		s, c := newTestService(t)
		c.Set(t0.Add(time.Hour))
		var model []obs
		var data []MetricDatum
		for k := 0; k < 1+r.IntN(300); k++ {
			sec := int64(r.IntN(600))
			hires := r.IntN(2) == 0
			ts := t0.Unix() + sec
			cell := ts
			if !hires {
				cell = ts - ts%60
			}
			d := MetricDatum{MetricName: "M", Timestamp: time.Unix(ts, 0)}
			if hires {
				d.StorageResolution = 1
			}
			if r.IntN(4) == 0 {
				n := 1 + r.IntN(4)
				for j := 0; j < n; j++ {
					v, w := float64(r.IntN(10)), float64(1+r.IntN(3))
					d.Values = append(d.Values, v)
					d.Counts = append(d.Counts, w)
					model = append(model, obs{cell, v, w})
				}
			} else {
				v := math.Round(r.ExpFloat64()*50) / 10
				d.Value = Float(v)
				model = append(model, obs{cell, v, 1})
			}
			data = append(data, d)
		}
		put(t, s, "App", data...)
		period := []int64{1, 5, 10, 30, 60, 120, 300}[r.IntN(7)]
		for _, name := range stats {
			ms := MetricStat{Metric: Metric{Namespace: "App", MetricName: "M"}, Period: int(period), Stat: name}
			ts, vs, err := s.statSeries(ms, t0, t0.Add(10*time.Minute))
			require.NoError(t, err)
			st, _ := parseStat(name)
			// Reference: group the model by period.
			groups := map[int64][]obs{}
			for _, o := range model {
				k := (o.t - t0.Unix()) / period
				groups[k] = append(groups[k], o)
			}
			var keys []int64
			for k := range groups {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			var wantT []time.Time
			var wantV []float64
			for _, k := range keys {
				g := groups[k]
				slices.SortFunc(g, func(a, b obs) int {
					switch {
					case a.v < b.v:
						return -1
					case a.v > b.v:
						return 1
					}
					return 0
				})
				var v float64
				ok := true
				var cnt, sum float64
				mn, mx := math.Inf(1), math.Inf(-1)
				vv, ww := []float64{}, []float64{}
				for _, o := range g {
					cnt += o.w
					sum += o.v * o.w
					mn, mx = min(mn, o.v), max(mx, o.v)
					vv, ww = append(vv, o.v), append(ww, o.w)
				}
				switch st.kind {
				case kSampleCount:
					v = cnt
				case kSum:
					v = sum
				case kMinimum:
					v = mn
				case kMaximum:
					v = mx
				case kAverage:
					v = sum / cnt
				default:
					v, ok = evalSorted(st, vv, ww)
				}
				if ok {
					wantT = append(wantT, time.Unix(t0.Unix()+k*period, 0).UTC())
					wantV = append(wantV, v)
				}
			}
			require.Equal(t, wantT, ts, "%s period %d", name, period)
			require.Len(t, vs, len(wantV))
			for i := range vs {
				assert.InDelta(t, wantV[i], vs[i], 1e-9*math.Max(1, math.Abs(wantV[i])), "%s period %d at %v", name, period, ts[i])
			}
		}
	}
}
