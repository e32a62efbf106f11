package metrics

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/localwatch/localwatch/internal/awserr"
)

// statKind is the kind of a statistic.
type statKind uint8

const (
	kSampleCount statKind = iota
	kAverage
	kSum
	kMinimum
	kMaximum
	kPercentile // pNN.NN
	kTM         // trimmed mean
	kWM         // winsorized mean
	kTC         // trimmed count
	kTS         // trimmed sum
	kPR         // percentile rank
)

// stat is a parsed statistic: a basic one or an extended one (CloudWatch
// "Statistics definitions").
type stat struct {
	kind         statKind
	p            float64 // percentile (kPercentile)
	lo, hi       float64 // range bounds: percentages (pct) or absolute values
	hasLo, hasHi bool
	pct          bool
}

func (st stat) extended() bool { return st.kind >= kPercentile }

// parseBasic parses one of the five basic statistics.
func parseBasic(s string) (stat, bool) {
	switch Statistic(s) {
	case StatSampleCount:
		return stat{kind: kSampleCount}, true
	case StatAverage:
		return stat{kind: kAverage}, true
	case StatSum:
		return stat{kind: kSum}, true
	case StatMinimum:
		return stat{kind: kMinimum}, true
	case StatMaximum:
		return stat{kind: kMaximum}, true
	}
	return stat{}, false
}

// parseStat parses a basic or extended statistic, as GetMetricData's Stat and
// alarms accept them.
func parseStat(s string) (stat, error) {
	if st, ok := parseBasic(s); ok {
		return st, nil
	}
	return parseExtended(s)
}

// parseExtended parses an extended statistic in every documented syntax:
//
//	p50, p99.9, p99.99, p100        percentile, 0–100, up to two decimals
//	tm99, wm98, tc90, ts90.5        shorthand for TM(:99%) etc. (lower case only)
//	TM(10%:90%), TM(:95%), TM(5%:)  percentage bounds, 0–100, up to 10 decimals
//	TM(150:1000), TC(:0.5)          absolute bounds (lower exclusive, upper inclusive)
//	WM(...), TC(...), TS(...)       the same forms
//	PR(100:2000), PR(:300)          percentile rank, absolute bounds only
//	IQM                             TM(25%:75%)
func parseExtended(s string) (stat, error) {
	bad := func(why string) (stat, error) {
		return stat{}, awserr.InvalidValue("ExtendedStatistic", quote(s), why)
	}
	if s == "IQM" {
		return stat{kind: kTM, lo: 25, hi: 75, hasLo: true, hasHi: true, pct: true}, nil
	}
	if len(s) >= 2 && s[0] == 'p' {
		v, ok := parseDecimal(s[1:], 2, false)
		if !ok || v > 100 {
			return bad("percentiles are p0 to p100 with up to two decimal places")
		}
		return stat{kind: kPercentile, p: v}, nil
	}
	if len(s) < 3 {
		return bad("not a statistic")
	}
	var kind statKind
	switch strings.ToUpper(s[:2]) {
	case "TM":
		kind = kTM
	case "WM":
		kind = kWM
	case "TC":
		kind = kTC
	case "TS":
		kind = kTS
	case "PR":
		kind = kPR
	default:
		return bad("not a statistic")
	}
	lower := s[0] >= 'a'
	if lower != (s[1] >= 'a') {
		return bad("statistic names are all upper or all lower case")
	}
	if lower {
		// Shorthand: one number, a percentage upper bound.
		if kind == kPR {
			return bad("percentile rank takes a range: PR(lower:upper)")
		}
		v, ok := parseDecimal(s[2:], 10, false)
		if !ok || v > 100 {
			return bad("the shorthand form takes a percentage from 0 to 100 with up to 10 decimal places")
		}
		return stat{kind: kind, hi: v, hasHi: true, pct: true}, nil
	}
	if s[2] != '(' || s[len(s)-1] != ')' {
		return bad("the upper-case form takes a range in parentheses, e.g. TM(10%:90%)")
	}
	body := s[3 : len(s)-1]
	colon := strings.IndexByte(body, ':')
	if colon < 0 || strings.IndexByte(body[colon+1:], ':') >= 0 {
		return bad("the range is lower:upper, either side may be empty")
	}
	ls, hs := body[:colon], body[colon+1:]
	if ls == "" && hs == "" {
		return bad("the range needs at least one bound")
	}
	st := stat{kind: kind}
	lp := strings.HasSuffix(ls, "%")
	hp := strings.HasSuffix(hs, "%")
	if ls != "" && hs != "" && lp != hp {
		return bad("both bounds must be percentages or both absolute values")
	}
	st.pct = lp || hp
	if st.pct && kind == kPR {
		return bad("percentile rank bounds are absolute values")
	}
	parse := func(t string) (float64, bool) {
		if st.pct {
			v, ok := parseDecimal(strings.TrimSuffix(t, "%"), 10, false)
			return v, ok && v <= 100
		}
		return parseDecimal(t, 10, true)
	}
	if ls != "" {
		v, ok := parse(ls)
		if !ok {
			return bad("invalid lower bound")
		}
		st.lo, st.hasLo = v, true
	}
	if hs != "" {
		v, ok := parse(hs)
		if !ok {
			return bad("invalid upper bound")
		}
		st.hi, st.hasHi = v, true
	}
	if st.hasLo && st.hasHi && st.lo >= st.hi {
		return bad("the lower bound must be less than the upper bound")
	}
	return st, nil
}

// parseDecimal parses [-]digits[.digits] with at most maxFrac fraction digits.
func parseDecimal(s string, maxFrac int, signed bool) (float64, bool) {
	t := s
	if signed && strings.HasPrefix(t, "-") {
		t = t[1:]
	}
	if t == "" || len(t) > 40 {
		return 0, false
	}
	dot := -1
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '.' {
			if dot >= 0 {
				return 0, false
			}
			dot = i
			continue
		}
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	if dot == 0 || dot == len(t)-1 || dot >= 0 && len(t)-dot-1 > maxFrac {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// agg is the data of one period of one stream: the basic statistics and, when
// an extended statistic is wanted, the distribution (raw values, optionally
// weighted, and/or a sketch).
type agg struct {
	count, sum, min, max float64
	// parts are unit-weight values still inside simple-mode blocks (not
	// copied; never modified); vals are copied values, reordered at will.
	parts [][]float64
	vals  []float64
	wts   []float64 // parallel to vals, or nil when every weight is 1
	sk    *sketch
	noPct bool
}

func (a *agg) reset() {
	a.count, a.sum, a.min, a.max = 0, 0, 0, 0
	a.vals = a.vals[:0]
	a.parts = a.parts[:0]
	a.wts = nil
	a.sk = nil
	a.noPct = false
}

func (a *agg) addSummary(count, sum, mn, mx float64) {
	if count <= 0 {
		return
	}
	if a.count == 0 {
		a.min, a.max = mn, mx
	} else {
		a.min = min(a.min, mn)
		a.max = max(a.max, mx)
	}
	a.count += count
	a.sum += sum
}

// materialize copies parts into vals.
func (a *agg) materialize() {
	for _, p := range a.parts {
		if a.wts != nil {
			for range p {
				a.wts = append(a.wts, 1)
			}
		}
		a.vals = append(a.vals, p...)
	}
	a.parts = a.parts[:0]
}

func (a *agg) addValue(v, w float64) {
	if w != 1 && a.wts == nil {
		a.wts = make([]float64, len(a.vals), cap(a.vals))
		for i := range a.wts {
			a.wts[i] = 1
		}
	}
	a.vals = append(a.vals, v)
	if a.wts != nil {
		a.wts = append(a.wts, w)
	}
}

func (a *agg) addSketch(s *sketch) {
	if a.sk == nil {
		a.sk = s.clone()
		return
	}
	a.sk.merge(s)
}

// basic returns a basic statistic of the period.
func (a *agg) basic(k statKind) float64 {
	switch k {
	case kSampleCount:
		return a.count
	case kAverage:
		return a.sum / a.count
	case kSum:
		return a.sum
	case kMinimum:
		return a.min
	}
	return a.max
}

// eval returns the statistic of the period; ok is false when CloudWatch would
// not return it (no data, a trimmed range that is empty, or a percentile-family
// statistic for data with a negative value or with statistic sets).
func (a *agg) eval(st stat) (float64, bool) {
	if a.count == 0 {
		return 0, false
	}
	if !st.extended() {
		return a.basic(st.kind), true
	}
	if a.noPct || a.min < 0 {
		return 0, false
	}
	if st.kind == kPercentile && a.wts == nil && a.sk == nil {
		// Nearest rank over unit-weight values: the extremes need no scan.
		n := len(a.vals)
		for _, p := range a.parts {
			n += len(p)
		}
		switch percentileRank(st.p, n) {
		case n:
			return a.max, true
		case 1:
			return a.min, true
		}
	}
	a.materialize()
	if a.sk != nil {
		// Rolled-up data: evaluate on the sketch (relative error ≤ 1%).
		sk := a.sk.clone()
		for i, v := range a.vals {
			w := 1.0
			if a.wts != nil {
				w = a.wts[i]
			}
			sk.add(v, w)
		}
		vs, ws := sk.pairs(nil, nil)
		v, ok := evalSorted(st, vs, ws)
		if ok && (st.kind == kPercentile || st.kind == kTM || st.kind == kWM) {
			v = min(max(v, a.min), a.max)
		}
		return v, ok
	}
	if st.kind == kPercentile && a.wts == nil {
		return selectRank(a.vals, percentileRank(st.p, len(a.vals))), true
	}
	if a.wts == nil {
		slices.Sort(a.vals)
		return evalSorted(st, a.vals, nil)
	}
	idx := make([]int, len(a.vals))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		switch {
		case a.vals[i] < a.vals[j]:
			return -1
		case a.vals[i] > a.vals[j]:
			return 1
		}
		return 0
	})
	vs := make([]float64, len(idx))
	ws := make([]float64, len(idx))
	for k, i := range idx {
		vs[k], ws[k] = a.vals[i], a.wts[i]
	}
	copy(a.vals, vs)
	copy(a.wts, ws)
	return evalSorted(st, a.vals, a.wts)
}

// percentileRank is the 1-based nearest rank of percentile p among n values:
// ceil(p/100·n), at least 1.
func percentileRank(p float64, n int) int {
	k := int(math.Ceil(p/100*float64(n) - 1e-9))
	return min(max(k, 1), n)
}

// selectRank returns the k-th smallest (1-based) of vs, reordering vs
// (quickselect with a median-of-three pivot; O(n); deterministic). For
// 1 < k < len(vs) the values before position k-1 are ≤ the result.
func selectRank(vs []float64, k int) float64 {
	n := len(vs)
	if k == n {
		m := vs[0]
		for _, v := range vs[1:] {
			m = max(m, v)
		}
		return m
	}
	if k == 1 {
		m := vs[0]
		for _, v := range vs[1:] {
			m = min(m, v)
		}
		return m
	}
	lo, hi, k := 0, n-1, k-1
	for lo < hi {
		// median of three pivot
		mid := lo + (hi-lo)/2
		if vs[mid] < vs[lo] {
			vs[mid], vs[lo] = vs[lo], vs[mid]
		}
		if vs[hi] < vs[lo] {
			vs[hi], vs[lo] = vs[lo], vs[hi]
		}
		if vs[hi] < vs[mid] {
			vs[hi], vs[mid] = vs[mid], vs[hi]
		}
		p := vs[mid]
		i, j := lo, hi
		for i <= j {
			for vs[i] < p {
				i++
			}
			for vs[j] > p {
				j--
			}
			if i <= j {
				vs[i], vs[j] = vs[j], vs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return vs[k]
		}
	}
	return vs[k]
}

// evalSorted evaluates an extended statistic over values sorted ascending
// with weights ws (nil: all 1).
//
// Definitions (CloudWatch "Statistics definitions"; where AWS leaves the
// exact rank rule open, these are ours):
//   - pNN: the smallest value whose cumulative weight reaches NN% of the total
//     (nearest rank; p0 is the minimum).
//   - percentage ranges (a%:b%): with total weight W, the values whose ranks
//     fall in (floor(a·W/100), ceil(b·W/100)] — tm90 of 10 values drops the
//     largest, TM(2%:98%) of 100 values drops two at each end;
//   - absolute ranges (a:b): values v with a < v ≤ b;
//   - TM mean, TC count (weight), TS sum of the values in range; WM the mean of
//     all values, each clamped to the range: for percentages, to the smallest
//     and largest value the range keeps; PR the percentage of the weight
//     within (a, b].
func evalSorted(st stat, vs, ws []float64) (float64, bool) {
	n := len(vs)
	if n == 0 {
		return 0, false
	}
	w := func(i int) float64 {
		if ws == nil {
			return 1
		}
		return ws[i]
	}
	var total float64
	if ws == nil {
		total = float64(n)
	} else {
		for _, x := range ws {
			total += x
		}
	}
	pctValue := func(p float64) float64 {
		target := p / 100 * total
		var c float64
		for i := 0; i < n; i++ {
			c += w(i)
			if c >= target-1e-9*total && c > 0 {
				return vs[i]
			}
		}
		return vs[n-1]
	}
	switch st.kind {
	case kPercentile:
		if ws == nil {
			return vs[percentileRank(st.p, n)-1], true
		}
		return pctValue(st.p), true
	case kPR:
		lo, hi := math.Inf(-1), math.Inf(1)
		if st.hasLo {
			lo = st.lo
		}
		if st.hasHi {
			hi = st.hi
		}
		var in float64
		for i := 0; i < n; i++ {
			if vs[i] > lo && vs[i] <= hi {
				in += w(i)
			}
		}
		return 100 * in / total, true
	case kWM:
		var lo, hi float64
		if st.pct {
			// Clamp to the smallest and largest values that the same trimmed
			// range keeps ("the value at the edge of the boundary").
			loR, hiR := pctRanks(st, total)
			if loR >= hiR {
				return 0, false
			}
			var c float64
			lo, hi = vs[0], vs[n-1]
			foundLo := false
			for i := 0; i < n; i++ {
				c += w(i)
				if !foundLo && c > loR+1e-9*total {
					lo, foundLo = vs[i], true
				}
				if c >= hiR-1e-9*total {
					hi = vs[i]
					break
				}
			}
		} else {
			lo, hi = math.Inf(-1), math.Inf(1)
			if st.hasLo {
				lo = st.lo
			}
			if st.hasHi {
				hi = st.hi
			}
		}
		var sum float64
		for i := 0; i < n; i++ {
			sum += min(max(vs[i], lo), hi) * w(i)
		}
		return sum / total, true
	}
	// TM, TC, TS: the weight of each value inside the range.
	var cnt, sum float64
	if st.pct {
		loR, hiR := pctRanks(st, total)
		var c float64
		for i := 0; i < n; i++ {
			wi := w(i)
			a, b := c, c+wi
			c = b
			in := min(b, hiR) - max(a, loR)
			if in > 0 {
				cnt += in
				sum += in * vs[i]
			}
		}
	} else {
		lo, hi := math.Inf(-1), math.Inf(1)
		if st.hasLo {
			lo = st.lo
		}
		if st.hasHi {
			hi = st.hi
		}
		for i := 0; i < n; i++ {
			if vs[i] > lo && vs[i] <= hi {
				cnt += w(i)
				sum += w(i) * vs[i]
			}
		}
	}
	switch st.kind {
	case kTC:
		return cnt, true
	case kTS:
		return sum, true
	}
	if cnt == 0 {
		return 0, false
	}
	return sum / cnt, true
}

// pctRanks returns the cumulative-weight range (loR, hiR] a percentage range
// keeps: (floor(a·W/100), ceil(b·W/100)].
func pctRanks(st stat, total float64) (loR, hiR float64) {
	loR, hiR = 0, total
	if st.hasLo {
		loR = math.Floor(st.lo/100*total + 1e-9)
	}
	if st.hasHi {
		hiR = math.Ceil(st.hi/100*total - 1e-9)
	}
	return loR, hiR
}
