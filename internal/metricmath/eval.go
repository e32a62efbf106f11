package metricmath

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// Env is the time range of one evaluation.
type Env struct {
	// Start and End bound the range [Start, End) in Unix seconds; Start is
	// aligned to the period by the caller (GetMetricData does it).
	Start, End int64
	// Period is the fallback period, in seconds, of non-sparse series built
	// by an expression that references no metric (TIME_SERIES(10)); 0 means
	// 60.
	Period int
}

// Source supplies the data an evaluation reads.
type Source interface {
	// Metric returns the series of the metric query with the given Id over
	// the evaluation's range.
	Metric(id string) (Series, error)
	// Search runs a SEARCH over the metric catalogue and returns the series
	// of the matching metrics, read with stat and period (seconds).
	Search(q *SearchQuery, stat string, period int) ([]Series, error)
}

// Kind is the type of an expression's value.
type Kind int

// The value kinds of metric math: a scalar (S), a time series (TS) and an
// array of time series (TS[]).
const (
	KindScalar Kind = iota
	KindSeries
	KindArray
)

// Message is a note attached to an expression's result, such as the
// ArithmeticError AWS reports when points were dropped.
type Message struct {
	Code  string
	Value string
}

// MaxSearchResults is how many series one SEARCH returns at most.
const MaxSearchResults = 500

// Message codes.
const (
	// CodeArithmeticError: points were dropped because the result was not a
	// finite number (a division by zero, a LOG of a negative number).
	CodeArithmeticError = "ArithmeticError"
	// CodeMaxMetricsExceeded: a SEARCH matched more than MaxSearchResults
	// metrics and only the first were returned.
	CodeMaxMetricsExceeded = "MaxMetricsExceeded"
)

const arithmeticMessage = "One or more data-points have been dropped due to non-numeric values (NaN, -Infinite, +Infinite)"

// Result is the value of one query.
type Result struct {
	ID   string
	Kind Kind
	// Scalar is the value when Kind is KindScalar (NaN when undefined, e.g.
	// the AVG of an empty series).
	Scalar float64
	// Series holds one series (KindSeries) or the array (KindArray).
	Series []Series
	// Partial is set when the result is incomplete (a SEARCH was cut off).
	Partial  bool
	Messages []Message
}

type value struct {
	kind   Kind
	scalar float64
	series []Series
	str    string // keyword arguments (REPEAT, ASC, ...)
}

type evaluator struct {
	p       *Program
	env     Env
	src     Source
	results []*Result
	cur     *Result
	curIdx  int
	drop    bool
}

// Eval evaluates every query of the program over env, reading data from src.
// Results are in query order. An error is a ValidationError *awserr.Error
// (for example a type error such as PERIOD of an array) or an error from src.
func (p *Program) Eval(env Env, src Source) ([]*Result, error) {
	if env.Period <= 0 {
		env.Period = 60
	}
	e := &evaluator{p: p, env: env, src: src, results: make([]*Result, len(p.queries))}
	for _, i := range p.order {
		q := &p.queries[i]
		e.cur = &Result{ID: q.ID}
		e.curIdx = i
		e.drop = false
		v, err := e.eval(p.nodes[i])
		if err != nil {
			return nil, err
		}
		r := e.cur
		r.Kind, r.Scalar, r.Series = v.kind, v.scalar, v.series
		if e.drop {
			r.Messages = append(r.Messages, Message{Code: CodeArithmeticError, Value: arithmeticMessage})
		}
		e.results[i] = r
	}
	for i, q := range p.queries {
		if q.IsMetric() && e.results[i] == nil {
			s, err := e.src.Metric(q.ID)
			if err != nil {
				return nil, err
			}
			e.results[i] = &Result{ID: q.ID, Kind: KindSeries, Series: []Series{s}}
		}
	}
	return e.results, nil
}

func (e *evaluator) errorf(n Node, format string, args ...any) error {
	args = append(args, n.Pos())
	return validation("Error in expression %s: "+format+" at position %d", append([]any{e.p.queries[e.curIdx].ID}, args...)...)
}

// period is the period of non-sparse series built by the current expression.
func (e *evaluator) period() int {
	if p := e.p.periods[e.curIdx]; p > 0 {
		return p
	}
	return e.env.Period
}

func (e *evaluator) ref(id string) (value, error) {
	i := e.p.index[id]
	if r := e.results[i]; r != nil {
		if r.Partial {
			e.cur.Partial = true
		}
		return value{kind: r.Kind, scalar: r.Scalar, series: r.Series}, nil
	}
	// A metric query, fetched on first use.
	s, err := e.src.Metric(id)
	if err != nil {
		return value{}, err
	}
	r := &Result{ID: id, Kind: KindSeries, Series: []Series{s}}
	e.results[i] = r
	return value{kind: KindSeries, series: r.Series}, nil
}

func (e *evaluator) eval(n Node) (value, error) {
	switch n := n.(type) {
	case *Number:
		return value{kind: KindScalar, scalar: n.Value}, nil
	case *Ident:
		if _, ok := e.p.index[n.Name]; !ok {
			return value{str: n.Name, kind: -1}, nil // keyword argument
		}
		return e.ref(n.Name)
	case *String:
		return value{}, e.errorf(n, "Unexpected string %s", n)
	case *Array:
		var out []Series
		for _, el := range n.Elems {
			v, err := e.eval(el)
			if err != nil {
				return value{}, err
			}
			if v.kind == KindScalar {
				return value{}, e.errorf(el, "An array can hold only time series")
			}
			out = append(out, v.series...)
		}
		return value{kind: KindArray, series: out}, nil
	case *Unary:
		x, err := e.eval(n.X)
		if err != nil {
			return value{}, err
		}
		if n.Op == "-" {
			return e.mapv(n, x, func(v float64) float64 { return -v })
		}
		return e.mapv(n, x, func(v float64) float64 { return b2f(v == 0) })
	case *Binary:
		x, err := e.eval(n.X)
		if err != nil {
			return value{}, err
		}
		y, err := e.eval(n.Y)
		if err != nil {
			return value{}, err
		}
		return e.binary(n, x, y)
	case *Call:
		return e.call(n)
	}
	return value{}, e.errorf(n, "Unexpected expression")
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func opFunc(op string) (f func(x, y float64) float64, isCompare bool) {
	switch op {
	case "+":
		return func(x, y float64) float64 { return x + y }, false
	case "-":
		return func(x, y float64) float64 { return x - y }, false
	case "*":
		return func(x, y float64) float64 { return x * y }, false
	case "/":
		return func(x, y float64) float64 { return x / y }, false
	case "^":
		return math.Pow, false
	case "==":
		return func(x, y float64) float64 { return b2f(x == y) }, true
	case "!=":
		return func(x, y float64) float64 { return b2f(x != y) }, true
	case "<":
		return func(x, y float64) float64 { return b2f(x < y) }, true
	case "<=":
		return func(x, y float64) float64 { return b2f(x <= y) }, true
	case ">":
		return func(x, y float64) float64 { return b2f(x > y) }, true
	case ">=":
		return func(x, y float64) float64 { return b2f(x >= y) }, true
	case "AND":
		return func(x, y float64) float64 { return b2f(x != 0 && y != 0) }, true
	case "OR":
		return func(x, y float64) float64 { return b2f(x != 0 || y != 0) }, true
	}
	return nil, false
}

func (e *evaluator) needData(n Node, v value) error {
	if v.kind < 0 {
		return e.errorf(n, "Unexpected keyword %q", v.str)
	}
	return nil
}

// binary combines two values. Between two series, every operator is computed
// at each timestamp present in either, a missing point counting as 0: the user
// guide says so for arithmetic ("Missing values in a time series are treated
// as 0. If the value of a data point causes a function to attempt to divide
// by zero, the data point is dropped") and shows it for comparisons (its
// metric1/metric2 example). So m1 + m2 where only m1 has a point is m1, and
// m1 / m2 there is dropped (division by zero).
func (e *evaluator) binary(n *Binary, x, y value) (value, error) {
	if err := e.needData(n.X, x); err != nil {
		return value{}, err
	}
	if err := e.needData(n.Y, y); err != nil {
		return value{}, err
	}
	f, _ := opFunc(n.Op)
	switch {
	case x.kind == KindScalar && y.kind == KindScalar:
		r := f(x.scalar, y.scalar)
		return value{kind: KindScalar, scalar: r}, nil
	case x.kind == KindScalar:
		return e.mapv(n, y, func(v float64) float64 { return f(x.scalar, v) })
	case y.kind == KindScalar:
		return e.mapv(n, x, func(v float64) float64 { return f(v, y.scalar) })
	case x.kind == KindArray && y.kind == KindArray:
		return value{}, e.errorf(n, "Operator %s cannot combine two arrays of time series", n.Op)
	}
	pair := union
	if x.kind == KindSeries && y.kind == KindSeries {
		return value{kind: KindSeries, series: []Series{pair(&x.series[0], &y.series[0], f, &e.drop)}}, nil
	}
	// An array with a series: the operator applies to each member, which
	// keeps its identity (label, metric).
	arr, one, arrLeft := x, y, true
	if y.kind == KindArray {
		arr, one, arrLeft = y, x, false
	}
	out := make([]Series, len(arr.series))
	for k := range arr.series {
		var s Series
		if arrLeft {
			s = pair(&arr.series[k], &one.series[0], f, &e.drop)
		} else {
			s = pair(&one.series[0], &arr.series[k], f, &e.drop)
		}
		s.Label, s.Metric, s.Period = arr.series[k].Label, arr.series[k].Metric, arr.series[k].Period
		out[k] = s
	}
	return value{kind: KindArray, series: out}, nil
}

// mapv applies f to a scalar, every point of a series, or every point of
// every series of an array.
func (e *evaluator) mapv(n Node, x value, f func(float64) float64) (value, error) {
	switch x.kind {
	case KindScalar:
		return value{kind: KindScalar, scalar: f(x.scalar)}, nil
	case KindSeries, KindArray:
		out := make([]Series, len(x.series))
		for k := range x.series {
			out[k] = mapValues(&x.series[k], f, &e.drop)
		}
		return value{kind: x.kind, series: out}, nil
	}
	return value{}, e.errorf(n, "Unexpected keyword %q", x.str)
}

// eachSeries applies f to a series or every member of an array.
func (e *evaluator) eachSeries(n Node, x value, f func(s *Series) Series) (value, error) {
	if x.kind != KindSeries && x.kind != KindArray {
		return value{}, e.errorf(n, "Function %s takes a time series or an array of time series", callName(n))
	}
	out := make([]Series, len(x.series))
	for k := range x.series {
		out[k] = f(&x.series[k])
	}
	return value{kind: x.kind, series: out}, nil
}

func callName(n Node) string {
	if c, ok := n.(*Call); ok {
		return c.Name
	}
	return n.String()
}

func (e *evaluator) args(c *Call) ([]value, error) {
	vs := make([]value, len(c.Args))
	for i, a := range c.Args {
		if _, ok := a.(*String); ok {
			continue
		}
		v, err := e.eval(a)
		if err != nil {
			return nil, err
		}
		vs[i] = v
	}
	return vs, nil
}

func (e *evaluator) call(c *Call) (value, error) {
	switch c.Name {
	case "METRICS":
		return e.metrics(c)
	case "SEARCH":
		return e.search(c)
	case "PERIOD":
		id := c.Args[0].(*Ident).Name
		return value{kind: KindScalar, scalar: float64(e.p.periods[e.p.index[id]])}, nil
	}
	args, err := e.args(c)
	if err != nil {
		return value{}, err
	}
	for i, a := range args {
		if a.kind < 0 && !(c.Name == "FILL" && i == 1 || c.Name == "SORT" && (i == 1 || i == 2)) {
			return value{}, e.errorf(c.Args[i], "Unexpected keyword %q", a.str)
		}
	}
	x := args[0]
	switch c.Name {
	case "ABS":
		return e.mapv(c, x, math.Abs)
	case "CEIL":
		return e.mapv(c, x, math.Ceil)
	case "FLOOR":
		return e.mapv(c, x, math.Floor)
	case "LOG":
		return e.mapv(c, x, math.Log)
	case "LOG10":
		return e.mapv(c, x, math.Log10)
	case "AVG", "SUM", "MIN", "MAX", "STDDEV", "DATAPOINT_COUNT":
		return e.reduce(c, x)
	case "METRIC_COUNT":
		if x.kind == KindScalar {
			return value{}, e.errorf(c, "METRIC_COUNT takes an array of time series")
		}
		return value{kind: KindScalar, scalar: float64(len(x.series))}, nil
	case "DIFF", "DIFF_TIME", "RATE":
		return e.eachSeries(c, x, func(s *Series) Series { return diff(s, c.Name, &e.drop) })
	case "RUNNING_SUM":
		return e.eachSeries(c, x, func(s *Series) Series {
			out := s.derive(len(s.Times))
			sum := 0.0
			for i, v := range s.Values {
				sum += v
				out.Times = append(out.Times, s.Times[i])
				out.Values = append(out.Values, sum)
			}
			return out
		})
	case "MINUTE", "HOUR", "DAY", "DATE", "MONTH", "YEAR", "EPOCH":
		return e.eachSeries(c, x, func(s *Series) Series { return e.dateSeries(s, c.Name) })
	case "TIME_SERIES":
		if x.kind != KindScalar {
			return value{}, e.errorf(c, "TIME_SERIES takes a scalar")
		}
		g := grid(e.env.Start, e.env.End, e.period())
		out := Series{Period: e.period(), Times: g, Values: make([]float64, len(g))}
		if math.IsNaN(x.scalar) || math.IsInf(x.scalar, 0) {
			if len(g) > 0 {
				e.drop = true
			}
			out.Times = nil
			out.Values = nil
			return value{kind: KindSeries, series: []Series{out}}, nil
		}
		for i := range out.Values {
			out.Values[i] = x.scalar
		}
		return value{kind: KindSeries, series: []Series{out}}, nil
	case "FILL":
		return e.fill(c, x, args[1])
	case "IF":
		var b *value
		if len(args) == 3 {
			b = &args[2]
		}
		return e.ifv(c, x, args[1], b)
	case "FIRST", "LAST":
		if x.kind == KindScalar {
			return value{}, e.errorf(c, "Function %s takes an array of time series", c.Name)
		}
		if len(x.series) == 0 {
			return value{kind: KindSeries, series: []Series{{Period: e.period()}}}, nil
		}
		s := x.series[0]
		if c.Name == "LAST" {
			s = x.series[len(x.series)-1]
		}
		return value{kind: KindSeries, series: []Series{s}}, nil
	case "REMOVE_EMPTY":
		if x.kind == KindScalar {
			return value{}, e.errorf(c, "REMOVE_EMPTY takes an array of time series")
		}
		out := make([]Series, 0, len(x.series))
		for _, s := range x.series {
			if len(s.Times) > 0 {
				out = append(out, s)
			}
		}
		return value{kind: KindArray, series: out}, nil
	case "SORT":
		return e.sort(c, args)
	case "SLICE":
		return e.slice(c, args)
	case "ANOMALY_DETECTION_BAND":
		return e.band(c, args)
	}
	return value{}, e.errorf(c, "Unknown function %q", c.Name)
}

func (e *evaluator) metrics(c *Call) (value, error) {
	filter := ""
	if len(c.Args) == 1 {
		filter = c.Args[0].(*String).Value
	}
	var out []Series
	for _, q := range e.p.queries {
		if !q.IsMetric() || !strings.Contains(q.ID, filter) {
			continue
		}
		v, err := e.ref(q.ID)
		if err != nil {
			return value{}, err
		}
		out = append(out, v.series...)
	}
	return value{kind: KindArray, series: out}, nil
}

func (e *evaluator) search(c *Call) (value, error) {
	q := e.p.searches[c]
	stat := c.Args[1].(*String).Value
	if stat == "" {
		return value{}, e.errorf(c.Args[1], "The statistic of SEARCH is empty")
	}
	period := e.period()
	if len(c.Args) == 3 {
		p := c.Args[2].(*Number).Value
		if p <= 0 || p != math.Trunc(p) || p > 86400*365 {
			return value{}, e.errorf(c.Args[2], "Invalid SEARCH period %v", p)
		}
		period = int(p)
	}
	ss, err := e.src.Search(q, stat, period)
	if err != nil {
		return value{}, err
	}
	if len(ss) > MaxSearchResults {
		ss = ss[:MaxSearchResults]
		e.cur.Partial = true
		e.cur.Messages = append(e.cur.Messages, Message{Code: CodeMaxMetricsExceeded, Value: "The search expression matched more than 500 metrics; only the first 500 are returned."})
	}
	return value{kind: KindArray, series: ss}, nil
}

// reduce implements AVG, SUM, MIN, MAX, STDDEV and DATAPOINT_COUNT: over one
// series they return a scalar; over an array, a series whose value at each
// timestamp reduces the members' values there. AVG (and STDDEV) treat a
// member missing at that timestamp as 0, as the user guide documents for AVG.
func (e *evaluator) reduce(c *Call, x value) (value, error) {
	switch x.kind {
	case KindScalar:
		return value{}, e.errorf(c, "Function %s takes a time series or an array of time series", c.Name)
	case KindSeries:
		return value{kind: KindScalar, scalar: reduceValues(c.Name, x.series[0].Values, len(x.series[0].Values))}, nil
	}
	ss := x.series
	if len(ss) == 0 {
		return value{kind: KindSeries, series: []Series{{Period: e.period()}}}, nil
	}
	times := unionTimes(ss)
	per := 0
	for k := range ss {
		per = minPeriod(per, ss[k].Period)
	}
	out := Series{Period: per, Times: make([]int64, 0, len(times)), Values: make([]float64, 0, len(times))}
	cursor := make([]int, len(ss))
	buf := make([]float64, 0, len(ss))
	for _, t := range times {
		buf = buf[:0]
		for k := range ss {
			s := &ss[k]
			i := cursor[k]
			if i < len(s.Times) && s.Times[i] == t {
				buf = append(buf, s.Values[i])
				cursor[k] = i + 1
			}
		}
		r := reduceValues(c.Name, buf, len(ss))
		if math.IsNaN(r) || math.IsInf(r, 0) {
			continue
		}
		out.Times = append(out.Times, t)
		out.Values = append(out.Values, r)
	}
	return value{kind: KindSeries, series: []Series{out}}, nil
}

// reduceValues reduces vs; n is the number of members the values came from
// (n-len(vs) were missing and count as 0 for AVG and STDDEV).
func reduceValues(fn string, vs []float64, n int) float64 {
	switch fn {
	case "DATAPOINT_COUNT":
		return float64(len(vs))
	case "SUM":
		if len(vs) == 0 {
			return math.NaN()
		}
		s := 0.0
		for _, v := range vs {
			s += v
		}
		return s
	case "AVG":
		if n == 0 || len(vs) == 0 {
			return math.NaN()
		}
		s := 0.0
		for _, v := range vs {
			s += v
		}
		return s / float64(n)
	case "MIN", "MAX":
		if len(vs) == 0 {
			return math.NaN()
		}
		m := vs[0]
		for _, v := range vs[1:] {
			if fn == "MIN" && v < m || fn == "MAX" && v > m {
				m = v
			}
		}
		return m
	case "STDDEV":
		if n == 0 || len(vs) == 0 {
			return math.NaN()
		}
		s := 0.0
		for _, v := range vs {
			s += v
		}
		mean := s / float64(n)
		ss := float64(n-len(vs)) * mean * mean
		for _, v := range vs {
			ss += (v - mean) * (v - mean)
		}
		return math.Sqrt(ss / float64(n))
	}
	return math.NaN()
}

// diff implements DIFF, DIFF_TIME and RATE between consecutive datapoints.
func diff(s *Series, fn string, drop *bool) Series {
	out := s.derive(len(s.Times))
	for i := 1; i < len(s.Times); i++ {
		dt := float64(s.Times[i] - s.Times[i-1])
		var r float64
		switch fn {
		case "DIFF":
			r = s.Values[i] - s.Values[i-1]
		case "DIFF_TIME":
			r = dt
		case "RATE":
			r = (s.Values[i] - s.Values[i-1]) / dt
		}
		if math.IsNaN(r) || math.IsInf(r, 0) {
			*drop = true
			continue
		}
		out.Times = append(out.Times, s.Times[i])
		out.Values = append(out.Values, r)
	}
	return out
}

// dateSeries builds the non-sparse series of MINUTE, HOUR, DAY, DATE, MONTH,
// YEAR or EPOCH over the range at s's period (UTC).
func (e *evaluator) dateSeries(s *Series, fn string) Series {
	p := s.Period
	if p <= 0 {
		p = e.period()
	}
	g := grid(e.env.Start, e.env.End, p)
	out := Series{Label: s.Label, Metric: s.Metric, Period: p, Times: g, Values: make([]float64, len(g))}
	for i, t := range g {
		tm := time.Unix(t, 0).UTC()
		var v int
		switch fn {
		case "MINUTE":
			v = tm.Minute()
		case "HOUR":
			v = tm.Hour()
		case "DAY": // 1 is Monday, 7 is Sunday
			v = int(tm.Weekday())
			if v == 0 {
				v = 7
			}
		case "DATE":
			v = tm.Day()
		case "MONTH":
			v = int(tm.Month())
		case "YEAR":
			v = tm.Year()
		case "EPOCH":
			out.Values[i] = float64(t)
			continue
		}
		out.Values[i] = float64(v)
	}
	return out
}

// fill implements FILL(x, value | series | REPEAT | LINEAR) over the range's
// period grid of each series.
func (e *evaluator) fill(c *Call, x, with value) (value, error) {
	if with.kind == KindArray {
		return value{}, e.errorf(c.Args[1], "FILL cannot fill with an array of time series")
	}
	if with.kind < 0 && with.str != "REPEAT" && with.str != "LINEAR" {
		return value{}, e.errorf(c.Args[1], "Unexpected keyword %q", with.str)
	}
	return e.eachSeries(c, x, func(s *Series) Series {
		p := s.Period
		if p <= 0 {
			p = e.period()
		}
		g := grid(e.env.Start, e.env.End, p)
		out := s.derive(len(g))
		out.Period = p
		i := 0 // cursor into s
		var prevT int64
		prevV, havePrev := 0.0, false
		for _, t := range g {
			// Keep any point of s that falls between grid slots.
			for i < len(s.Times) && s.Times[i] < t {
				out.Times = append(out.Times, s.Times[i])
				out.Values = append(out.Values, s.Values[i])
				prevT, prevV, havePrev = s.Times[i], s.Values[i], true
				i++
			}
			if i < len(s.Times) && s.Times[i] == t {
				out.Times = append(out.Times, t)
				out.Values = append(out.Values, s.Values[i])
				prevT, prevV, havePrev = t, s.Values[i], true
				i++
				continue
			}
			var v float64
			switch {
			case with.kind == KindScalar:
				if math.IsNaN(with.scalar) || math.IsInf(with.scalar, 0) {
					continue
				}
				v = with.scalar
			case with.kind == KindSeries:
				fv, ok := with.series[0].valueAt(t)
				if !ok {
					continue
				}
				v = fv
			case with.str == "REPEAT":
				if !havePrev {
					continue
				}
				v = prevV
			case with.str == "LINEAR":
				if !havePrev || i >= len(s.Times) {
					continue
				}
				nextT, nextV := s.Times[i], s.Values[i]
				v = prevV + (nextV-prevV)*float64(t-prevT)/float64(nextT-prevT)
			}
			out.Times = append(out.Times, t)
			out.Values = append(out.Values, v)
		}
		for ; i < len(s.Times); i++ {
			out.Times = append(out.Times, s.Times[i])
			out.Values = append(out.Values, s.Values[i])
		}
		return out
	})
}

// ifv implements IF(condition, trueValue[, falseValue]) as the user guide
// defines it for each combination of scalars and series.
func (e *evaluator) ifv(c *Call, cond, a value, b *value) (value, error) {
	if cond.kind == KindScalar {
		if cond.scalar != 0 {
			return a, nil
		}
		if b == nil {
			return value{kind: KindSeries, series: []Series{{Period: e.period()}}}, nil
		}
		return *b, nil
	}
	// Arrays: IF applies member by member (arrays must be the same length).
	n := -1
	for _, v := range []*value{&cond, &a, b} {
		if v != nil && v.kind == KindArray {
			if n >= 0 && len(v.series) != n {
				return value{}, e.errorf(c, "IF combines arrays of different lengths")
			}
			n = len(v.series)
		}
	}
	pick := func(v *value, k int) *value {
		if v == nil || v.kind != KindArray {
			return v
		}
		return &value{kind: KindSeries, series: v.series[k : k+1]}
	}
	if n < 0 {
		return value{kind: KindSeries, series: []Series{ifSeries(&cond.series[0], &a, b)}}, nil
	}
	out := make([]Series, n)
	for k := range n {
		cs := pick(&cond, k)
		s := ifSeries(&cs.series[0], pick(&a, k), pick(b, k))
		src := &cs.series[0]
		if cond.kind != KindArray {
			if a.kind == KindArray {
				src = &a.series[k]
			} else {
				src = &b.series[k]
			}
		}
		s.Label, s.Metric = src.Label, src.Metric
		out[k] = s
	}
	return value{kind: KindArray, series: out}, nil
}

func ifSeries(cond *Series, a, b *value) Series {
	out := Series{Period: cond.Period, Times: make([]int64, 0, len(cond.Times)), Values: make([]float64, 0, len(cond.Times))}
	for i, t := range cond.Times {
		var v float64
		if cond.Values[i] != 0 {
			switch a.kind {
			case KindScalar:
				v = a.scalar
			default:
				// A true condition where the true series has no point
				// gives 0.
				v, _ = a.series[0].valueAt(t)
			}
		} else {
			if b == nil {
				continue
			}
			switch b.kind {
			case KindScalar:
				v = b.scalar
			default:
				fv, ok := b.series[0].valueAt(t)
				if !ok {
					continue
				}
				v = fv
			}
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		out.Times = append(out.Times, t)
		out.Values = append(out.Values, v)
	}
	return out
}

func (e *evaluator) sort(c *Call, args []value) (value, error) {
	x := args[0]
	if x.kind == KindScalar {
		return value{}, e.errorf(c, "SORT takes an array of time series")
	}
	fn, dir := args[1].str, args[2].str
	limit := len(x.series)
	if len(args) == 4 {
		if args[3].kind != KindScalar || args[3].scalar < 0 || args[3].scalar != math.Trunc(args[3].scalar) {
			return value{}, e.errorf(c.Args[3], "The limit of SORT must be a non-negative integer")
		}
		limit = min(limit, int(args[3].scalar))
	}
	type keyed struct {
		key float64
		s   Series
	}
	ks := make([]keyed, len(x.series))
	for k, s := range x.series {
		ks[k] = keyed{reduceValues(fn, s.Values, len(s.Values)), s}
	}
	// Series without data (NaN key) sort last in both orders.
	slices.SortStableFunc(ks, func(p, q keyed) int {
		pn, qn := math.IsNaN(p.key), math.IsNaN(q.key)
		switch {
		case pn && qn:
			return 0
		case pn:
			return 1
		case qn:
			return -1
		}
		if dir == "DESC" {
			return cmp.Compare(q.key, p.key)
		}
		return cmp.Compare(p.key, q.key)
	})
	out := make([]Series, limit)
	for k := range limit {
		out[k] = ks[k].s
	}
	return value{kind: KindArray, series: out}, nil
}

func (e *evaluator) slice(c *Call, args []value) (value, error) {
	x := args[0]
	if x.kind == KindScalar {
		return value{}, e.errorf(c, "SLICE takes an array of time series")
	}
	n := len(x.series)
	bound := func(k int) (int, error) {
		v := args[k]
		if v.kind != KindScalar || v.scalar != math.Trunc(v.scalar) || v.scalar < 0 {
			return 0, e.errorf(c.Args[k], "The bounds of SLICE must be non-negative integers")
		}
		return int(min(v.scalar, float64(n))), nil
	}
	from, err := bound(1)
	if err != nil {
		return value{}, err
	}
	to := n
	if len(args) == 3 {
		if to, err = bound(2); err != nil {
			return value{}, err
		}
	}
	if to < from {
		to = from
	}
	return value{kind: KindArray, series: slices.Clone(x.series[from:to])}, nil
}

// BandSource is implemented by Sources that can compute anomaly detection
// bands (the metrics service does); ANOMALY_DETECTION_BAND fails with a
// ValidationError when the Source does not implement it.
type BandSource interface {
	// Band returns the lower and upper bounds of the anomaly detection band,
	// with stddevs standard deviations, of the query with the given Id over
	// the evaluation's range. arg is that query's series as evaluated over
	// the range (its Period is the band's period). The model trains on the
	// query's history before the range. Series without points mean the model
	// has too little data.
	Band(id string, arg Series, stddevs float64) (lower, upper Series, err error)
}

// DefaultBandStdDevs is ANOMALY_DETECTION_BAND's default number of standard
// deviations.
const DefaultBandStdDevs = 2.0

// band is ANOMALY_DETECTION_BAND(m[, stddevs]): an array of two series, the
// lower bound then the upper bound of the band of the query m (a metric or an
// expression that yields one time series). The model is the Source's
// (BandSource).
func (e *evaluator) band(c *Call, args []value) (value, error) {
	typeName := func(v value) string {
		switch v.kind {
		case KindScalar:
			return "Scalar"
		case KindSeries:
			return "TimeSeries"
		case KindArray:
			return "Array[TimeSeries]"
		}
		return "Keyword"
	}
	bad := func() error {
		names := make([]string, len(args))
		for i, a := range args {
			names[i] = typeName(a)
		}
		return e.errorf(c, "Unsupported operand type(s) for ANOMALY_DETECTION_BAND: '[%s]'", strings.Join(names, ", "))
	}
	id, isRef := c.Args[0].(*Ident)
	if args[0].kind != KindSeries || len(args) == 2 && args[1].kind != KindScalar {
		return value{}, bad()
	}
	if !isRef {
		return value{}, e.errorf(c.Args[0], "The first argument of ANOMALY_DETECTION_BAND must be the Id of a metric or of an expression")
	}
	k := DefaultBandStdDevs
	if len(args) == 2 {
		k = args[1].scalar
		if math.IsNaN(k) || math.IsInf(k, 0) || k <= 0 {
			return value{}, e.errorf(c.Args[1], "The number of standard deviations of ANOMALY_DETECTION_BAND must be a positive number")
		}
	}
	bs, ok := e.src.(BandSource)
	if !ok {
		return value{}, e.errorf(c, "ANOMALY_DETECTION_BAND needs an anomaly detection model, which this source does not provide")
	}
	lo, hi, err := bs.Band(id.Name, args[0].series[0], k)
	if err != nil {
		return value{}, err
	}
	return value{kind: KindArray, series: []Series{lo, hi}}, nil
}
