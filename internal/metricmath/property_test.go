package metricmath

import (
	"math"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// randomSeries returns a sparse series over n slots and its dense form (NaN
// for missing points).
func randomSeries(r *rand.Rand, n int) (Series, []float64) {
	dense := make([]float64, n)
	s := Series{Period: 60}
	for i := range dense {
		if r.Intn(3) == 0 {
			dense[i] = math.NaN()
			continue
		}
		v := float64(r.Intn(11) - 5)
		dense[i] = v
		s.Times = append(s.Times, t0+int64(i)*60)
		s.Values = append(s.Values, v)
	}
	return s, dense
}

// reference evaluates the slow, obvious way, slot by slot.
func reference(expr string, a, b, c []float64, i int) float64 {
	nan := math.NaN()
	z := func(v float64) float64 {
		if math.IsNaN(v) {
			return 0
		}
		return v
	}
	any := !math.IsNaN(a[i]) || !math.IsNaN(b[i])
	switch expr {
	case "m1 + m2": // a missing value counts as 0
		if !any {
			return nan
		}
		return z(a[i]) + z(b[i])
	case "m1 / m2":
		if !any || z(b[i]) == 0 {
			return nan
		}
		return z(a[i]) / b[i]
	case "m1 < m2":
		if !any {
			return nan
		}
		return b2f(z(a[i]) < z(b[i]))
	case "SUM([m1, m2, m3])", "AVG([m1, m2, m3])", "MAX([m1, m2, m3])":
		sum, mx, n := 0.0, math.Inf(-1), 0
		for _, s := range [][]float64{a, b, c} {
			if !math.IsNaN(s[i]) {
				sum += s[i]
				mx = max(mx, s[i])
				n++
			}
		}
		if n == 0 {
			return nan
		}
		switch expr {
		case "SUM([m1, m2, m3])":
			return sum
		case "AVG([m1, m2, m3])":
			return sum / 3
		}
		return mx
	case "FILL(m1, REPEAT)":
		for k := i; k >= 0; k-- {
			if !math.IsNaN(a[k]) {
				return a[k]
			}
		}
		return nan
	case "FILL(m1, LINEAR)":
		if !math.IsNaN(a[i]) {
			return a[i]
		}
		lo, hi := -1, -1
		for k := i; k >= 0; k-- {
			if !math.IsNaN(a[k]) {
				lo = k
				break
			}
		}
		for k := i; k < len(a); k++ {
			if !math.IsNaN(a[k]) {
				hi = k
				break
			}
		}
		if lo < 0 || hi < 0 {
			return nan
		}
		return a[lo] + (a[hi]-a[lo])*float64(i-lo)/float64(hi-lo)
	case "IF(m1 > 0, m2, m3)":
		if math.IsNaN(a[i]) {
			return nan
		}
		if a[i] > 0 {
			return z(b[i])
		}
		return c[i]
	case "RUNNING_SUM(m1)":
		if math.IsNaN(a[i]) {
			return nan
		}
		sum := 0.0
		for k := 0; k <= i; k++ {
			sum += z(a[k])
		}
		return sum
	}
	panic(expr)
}

func TestEvaluatorAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	exprs := []string{"m1 + m2", "m1 / m2", "m1 < m2", "SUM([m1, m2, m3])", "AVG([m1, m2, m3])",
		"MAX([m1, m2, m3])", "FILL(m1, REPEAT)", "FILL(m1, LINEAR)", "IF(m1 > 0, m2, m3)", "RUNNING_SUM(m1)"}
	const n = 16
	for range 300 {
		s1, d1 := randomSeries(r, n)
		s2, d2 := randomSeries(r, n)
		s3, d3 := randomSeries(r, n)
		src := &fakeSource{metrics: map[string]Series{"m1": s1, "m2": s2, "m3": s3}}
		for _, expr := range exprs {
			res, err := run(t, src, []string{"m1", "m2", "m3"}, expr, n)
			require.NoError(t, err)
			got := dense(res.Series[0], n)
			for i := range n {
				want := reference(expr, d1, d2, d3, i)
				if math.IsNaN(want) {
					require.Nil(t, got[i], "%s slot %d: m1=%v m2=%v m3=%v", expr, i, d1, d2, d3)
					continue
				}
				require.NotNil(t, got[i], "%s slot %d: m1=%v m2=%v m3=%v", expr, i, d1, d2, d3)
				require.InDelta(t, want, got[i].(float64), 1e-9, "%s slot %d", expr, i)
			}
		}
	}
}
