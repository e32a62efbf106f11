package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseExtendedStatistic(t *testing.T) {
	pct := func(k statKind, lo, hi float64, hasLo, hasHi bool) stat {
		return stat{kind: k, lo: lo, hi: hi, hasLo: hasLo, hasHi: hasHi, pct: true}
	}
	abs := func(k statKind, lo, hi float64, hasLo, hasHi bool) stat {
		return stat{kind: k, lo: lo, hi: hi, hasLo: hasLo, hasHi: hasHi}
	}
	valid := []struct {
		in   string
		want stat
	}{
		{"p99", stat{kind: kPercentile, p: 99}},
		{"p0", stat{kind: kPercentile, p: 0}},
		{"p100", stat{kind: kPercentile, p: 100}},
		{"p99.9", stat{kind: kPercentile, p: 99.9}},
		{"p95.45", stat{kind: kPercentile, p: 95.45}},
		{"tm90", pct(kTM, 0, 90, false, true)},
		{"tm99.5", pct(kTM, 0, 99.5, false, true)},
		{"wm98", pct(kWM, 0, 98, false, true)},
		{"tc90", pct(kTC, 0, 90, false, true)},
		{"ts90", pct(kTS, 0, 90, false, true)},
		{"tm0.0000000001", pct(kTM, 0, 1e-10, false, true)},
		{"TM(2%:98%)", pct(kTM, 2, 98, true, true)},
		{"TM(:95%)", pct(kTM, 0, 95, false, true)},
		{"TM(10%:)", pct(kTM, 10, 0, true, false)},
		{"TM(150:1000)", abs(kTM, 150, 1000, true, true)},
		{"TM(-5:5)", abs(kTM, -5, 5, true, true)},
		{"WM(10%:90%)", pct(kWM, 10, 90, true, true)},
		{"TC(0.005:0.030)", abs(kTC, 0.005, 0.03, true, true)},
		{"TC(:0.5)", abs(kTC, 0, 0.5, false, true)},
		{"TS(80%:)", pct(kTS, 80, 0, true, false)},
		{"PR(:300)", abs(kPR, 0, 300, false, true)},
		{"PR(100:2000)", abs(kPR, 100, 2000, true, true)},
		{"PR(10:)", abs(kPR, 10, 0, true, false)},
		{"IQM", pct(kTM, 25, 75, true, true)},
	}
	for _, tc := range valid {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseExtended(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	invalid := []string{
		"", "p", "p101", "p99.999", "p-1", "P99", "p99.", "p.5", "pp9",
		"tm", "tm101", "TM99", "tm(10%:90%)", "Tm90", "tM90", "pr90", "PR(10%:90%)",
		"TM()", "TM(:)", "TM(10%:90)", "TM(10:90%)", "TM(90%:10%)", "TM(5:5)", "TM(10%:90%", "TM10%:90%)",
		"TM(1:2:3)", "TM(101%:)", "TM(a:b)", "TM(1e3:)", "TM(0.00000000001%:)", "iqm", "IQM(25%:75%)",
		"Average", "XX(1:2)", "wm", "TS(%:)",
	}
	for _, in := range invalid {
		t.Run("invalid "+in, func(t *testing.T) {
			_, err := parseExtended(in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "InvalidParameterValue")
		})
	}
}

func FuzzParseExtended(f *testing.F) {
	for _, s := range []string{"p99", "tm90", "TM(10%:90%)", "TM(150:1000)", "PR(:300)", "IQM", "wm98", "TC(:0.5)", "p99.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := parseExtended(s)
		if err != nil {
			return
		}
		// Whatever parses evaluates without panicking and within bounds.
		vs := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		v, ok := evalSorted(st, vs, nil)
		if ok && (st.kind == kPercentile || st.kind == kTM || st.kind == kWM && st.pct) {
			assert.GreaterOrEqual(t, v, 1.0)
			assert.LessOrEqual(t, v, 10.0)
		}
		if st.pct {
			assert.True(t, st.lo >= 0 && st.lo <= 100 && st.hi >= 0 && st.hi <= 100)
		}
	})
}

func evalOn(t *testing.T, s string, vs []float64) (float64, bool) {
	t.Helper()
	st, err := parseStat(s)
	require.NoError(t, err)
	a := &agg{}
	for _, v := range vs {
		a.addSummary(1, v, v, v)
		a.addValue(v, 1)
	}
	return a.eval(st)
}

func TestStatisticDefinitions(t *testing.T) {
	one2ten := []float64{7, 3, 10, 1, 5, 9, 2, 8, 4, 6}
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(100 - i)
	}
	cases := []struct {
		name string
		stat string
		data []float64
		want float64
		none bool
	}{
		{"SampleCount counts datapoints", "SampleCount", one2ten, 10, false},
		{"Sum adds them", "Sum", one2ten, 55, false},
		{"Average is Sum/SampleCount", "Average", one2ten, 5.5, false},
		{"Minimum", "Minimum", one2ten, 1, false},
		{"Maximum", "Maximum", one2ten, 10, false},
		{"p50 of 1..10 is the 5th value (nearest rank)", "p50", one2ten, 5, false},
		{"p90 of 1..10 is 9", "p90", one2ten, 9, false},
		{"p95 of 1..10 rounds the rank up to 10", "p95", one2ten, 10, false},
		{"p0 is the minimum", "p0", one2ten, 1, false},
		{"p100 is the maximum", "p100", one2ten, 10, false},
		{"p99.5 of 1..100", "p99.5", hundred, 100, false},
		{"p1 of 1..100", "p1", hundred, 1, false},
		{"tm90 drops the highest 10%", "tm90", one2ten, 5, false},
		{"TM(10%:90%) drops 10% at each end", "TM(10%:90%)", one2ten, 5.5, false},
		{"TM(2%:98%) of 1..100 drops two at each end", "TM(2%:98%)", hundred, 50.5, false},
		{"IQM is TM(25%:75%)", "IQM", hundred, 50.5, false},
		{"TM(3:7) keeps 3 < v <= 7", "TM(3:7)", one2ten, 5.5, false},
		{"TM with an empty absolute range has no value", "TM(100:200)", one2ten, 0, true},
		{"wm90 clamps the top 10% to p90", "wm90", one2ten, 5.4, false},
		{"WM(10%:90%) clamps both ends", "WM(10%:90%)", one2ten, 5.5, false},
		{"WM(2:8) clamps to absolute bounds", "WM(2:8)", one2ten, 5.3, false},
		{"tc90 counts the kept values", "tc90", one2ten, 9, false},
		{"TC(0.005:0.030)-style absolute count", "TC(2:5)", one2ten, 3, false},
		{"TC(:5) counts values <= 5", "TC(:5)", one2ten, 5, false},
		{"TC with an empty range is 0", "TC(100:)", one2ten, 0, false},
		{"ts90 sums the kept values", "ts90", one2ten, 45, false},
		{"TS(80%:) sums the top 20%", "TS(80%:)", one2ten, 19, false},
		{"PR(:3) is the percentage of values <= 3", "PR(:3)", one2ten, 30, false},
		{"PR(3:7) excludes the lower bound", "PR(3:7)", one2ten, 40, false},
		{"PR(10:) is 0 when nothing is above", "PR(10:)", one2ten, 0, false},
		{"percentiles are unavailable with a negative value", "p50", []float64{-1, 2, 3}, 0, true},
		{"trimmed means are unavailable with a negative value", "tm90", []float64{-1, 2, 3}, 0, true},
		{"basic statistics work with negative values", "Sum", []float64{-1, 2, 3}, 4, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := evalOn(t, tc.stat, slices.Clone(tc.data))
			if tc.none {
				assert.False(t, ok)
				return
			}
			require.True(t, ok)
			assert.InDelta(t, tc.want, got, 1e-9)
		})
	}
}

// refPercentile is the slow, obvious nearest-rank percentile.
func refPercentile(vs []float64, p float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	k := int(math.Ceil(p / 100 * float64(len(s))))
	if k < 1 {
		k = 1
	}
	return s[k-1]
}

func TestPercentilesMatchSortedReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		n := 1 + r.IntN(300)
		vs := make([]float64, n)
		for i := range vs {
			switch trial % 3 {
			case 0:
				vs[i] = math.Exp(r.NormFloat64())
			case 1:
				vs[i] = float64(r.IntN(5)) // many ties
			default:
				vs[i] = r.Float64() * 1000
			}
		}
		p := math.Round(r.Float64()*10000) / 100
		ps := []float64{p, 50, 99, 0, 100}
		for _, q := range ps {
			st := stat{kind: kPercentile, p: q}
			a := &agg{}
			for _, v := range vs {
				a.addSummary(1, v, v, v)
				a.addValue(v, 1)
			}
			got, ok := a.eval(st)
			require.True(t, ok)
			require.Equal(t, refPercentile(vs, q), got, "p%v of %v", q, vs)
			// Weighted form (every weight 1) agrees too.
			s := slices.Clone(vs)
			slices.Sort(s)
			w := make([]float64, n)
			for i := range w {
				w[i] = 1
			}
			got2, _ := evalSorted(st, s, w)
			require.Equal(t, refPercentile(vs, q), got2)
		}
	}
}

func TestSketchRelativeErrorWithinOnePercent(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 50; trial++ {
		n := 100 + r.IntN(5000)
		vs := make([]float64, n)
		sk := &sketch{}
		for i := range vs {
			vs[i] = math.Exp(3 + 2*r.NormFloat64())
			sk.add(vs[i], 1)
		}
		pv, pw := sk.pairs(nil, nil)
		for _, q := range []float64{1, 10, 50, 90, 99, 99.9} {
			want := refPercentile(vs, q)
			got, ok := evalSorted(stat{kind: kPercentile, p: q}, pv, pw)
			require.True(t, ok)
			assert.InEpsilon(t, want, got, 0.01, "p%v", q)
		}
	}
}

func TestSketchMergeEqualsSketchOfUnion(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	a, b, u := &sketch{}, &sketch{}, &sketch{}
	for i := 0; i < 2000; i++ {
		v := r.ExpFloat64() * 10
		if i%7 == 0 {
			v = 0
		}
		if i%2 == 0 {
			a.add(v, 1)
		} else {
			b.add(v, 1)
		}
		u.add(v, 1)
	}
	a.merge(b)
	assert.Equal(t, u, a)
}

func TestSelectRankMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 1000; trial++ {
		n := 1 + r.IntN(100)
		vs := make([]float64, n)
		for i := range vs {
			vs[i] = float64(r.IntN(20))
		}
		k := 1 + r.IntN(n)
		s := slices.Clone(vs)
		slices.Sort(s)
		require.Equal(t, s[k-1], selectRank(vs, k))
	}
}
