package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// refBand is a slow, literal reading of the model notes in anomaly_model.go:
// every quantity is recomputed by filtering the training data.
func refBand(ts []int64, vs []float64, period int64, loc *time.Location, t int64, k float64) (lo, hi float64, ok bool) {
	if len(vs) < AnomalyMinTrainingPoints {
		return 0, 0, false
	}
	med := func(xs []float64) float64 {
		xs = slices.Clone(xs)
		slices.Sort(xs)
		n := len(xs)
		if n%2 == 1 {
			return xs[n/2]
		}
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	local := func(x int64) int64 { _, off := time.Unix(x, 0).In(loc).Zone(); return x + int64(off) }
	slot := func(x int64) int64 { return posMod(local(x), day) / period }
	hourOfWeek := func(x int64) int64 { return posMod(local(x), week) / 3600 }
	profile := func(k int64) (float64, int) {
		var xs []float64
		for i, x := range ts {
			if slot(x) == k {
				xs = append(xs, vs[i])
			}
		}
		if len(xs) == 0 {
			return 0, 0
		}
		return med(xs), len(xs)
	}
	last := max(int(3600/period), 10)
	level := med(vs[max(0, len(vs)-last):])
	var res []float64
	for i, x := range ts {
		if p, n := profile(slot(x)); n >= seasonalDays {
			res = append(res, vs[i]-p)
		}
	}
	if len(res) < AnomalyMinTrainingPoints {
		res = res[:0]
		c := med(vs)
		for _, v := range vs {
			res = append(res, v-c)
		}
	}
	for i := range res {
		res[i] = math.Abs(res[i])
	}
	spread := max(madScale*med(res), minSpreadRatio*math.Abs(med(vs)))
	p, n := profile(slot(t))
	e, w := level, k*spread
	switch {
	case n >= seasonalDays:
		var wk []float64
		for i, x := range ts {
			if q, c := profile(slot(x)); c >= seasonalDays && hourOfWeek(x) == hourOfWeek(t) {
				wk = append(wk, vs[i]-q)
			}
		}
		e = p
		if len(wk) > 0 {
			e += min(float64(len(wk))/(2*float64(max(3600/period, 1))), 1) * med(wk)
		}
		w *= math.Sqrt(1 + math.Pi/(2*float64(n)))
	case n > 0:
		f := float64(n) / seasonalDays
		e = f*p + (1-f)*level
	}
	return e - w, e + w, true
}

// TestAnomalyModelMatchesReference: on random sparse data at random periods
// and time zones, the trained model's band equals the slow reference's.
func TestAnomalyModelMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.UTC
	}
	for trial := range 40 {
		period := []int64{300, 900, 3600, 7200}[trial%4]
		loc := []*time.Location{time.UTC, ny}[trial/4%2]
		n := 5 + r.IntN(400)
		from := adT0.Unix() + int64(r.IntN(48))*period
		var ts []int64
		var vs []float64
		for i := range n {
			if r.IntN(4) == 0 {
				continue // gaps
			}
			x := from + int64(i)*period
			ts = append(ts, x)
			vs = append(vs, float64(r.IntN(50))+10*math.Sin(float64(x%day)/day*2*math.Pi))
		}
		m := trainAnomalyModel(ts, vs, period, loc, false)
		for q := range 5 {
			target := from + int64(n+q*7)*period
			rlo, rhi, ok := refBand(ts, vs, period, loc, target, 2)
			if !ok {
				require.Nil(t, m, "trial %d", trial)
				continue
			}
			require.NotNil(t, m, "trial %d", trial)
			lo, hi := m.band([]int64{target}, 2)
			require.InDelta(t, rlo, lo[0], 1e-9, "trial %d target %d", trial, q)
			require.InDelta(t, rhi, hi[0], 1e-9, "trial %d target %d", trial, q)
		}
	}
}
