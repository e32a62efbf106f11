package insights

import (
	"math"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// expr is a compiled expression, evaluated against one row.
type expr interface {
	eval(r *row) value
}

type fieldExpr struct {
	name string
	slot int
}

func (e *fieldExpr) eval(r *row) value { return r.get(e.slot) }

type litExpr struct{ v value }

func (e *litExpr) eval(*row) value { return e.v }

// starExpr is the * of count(*).
type starExpr struct{}

func (starExpr) eval(*row) value { return boolean(true) }

// periodExpr is a time period literal: 5m, 1h, 100ms, 1mo.
type periodExpr struct {
	n    float64
	unit string
	text string
}

// periodUnits are the time units of a period, in milliseconds; months,
// quarters and years are calendar units (0 here).
var periodUnits = map[string]int64{
	"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 7 * 86_400_000,
	"mo": 0, "q": 0, "y": 0,
}

func (e *periodExpr) eval(*row) value {
	if ms := periodUnits[e.unit]; ms > 0 {
		return num(e.n * float64(ms))
	}
	return null
}

// floor truncates the timestamp ms (UTC) down to a multiple of the period.
func (e *periodExpr) floor(ms int64) int64 {
	if u := periodUnits[e.unit]; u > 0 {
		step := int64(e.n * float64(u))
		if step <= 0 {
			return ms
		}
		q := ms / step
		if ms < 0 && ms%step != 0 {
			q--
		}
		return q * step
	}
	t := time.UnixMilli(ms).UTC()
	n := max(1, int(e.n))
	switch e.unit {
	case "mo":
		m := (int(t.Month()) - 1) / n * n
		return time.Date(t.Year(), time.Month(m+1), 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	case "q":
		m := (int(t.Month()) - 1) / (3 * n) * (3 * n)
		return time.Date(t.Year(), time.Month(m+1), 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	}
	y := t.Year() / n * n
	return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
}

// ceil rounds the timestamp up to the period boundary.
func (e *periodExpr) ceil(ms int64) int64 {
	f := e.floor(ms)
	if f == ms {
		return ms
	}
	if u := periodUnits[e.unit]; u > 0 {
		return f + int64(e.n*float64(u))
	}
	t := time.UnixMilli(f).UTC()
	n := max(1, int(e.n))
	switch e.unit {
	case "mo":
		return t.AddDate(0, n, 0).UnixMilli()
	case "q":
		return t.AddDate(0, 3*n, 0).UnixMilli()
	}
	return t.AddDate(n, 0, 0).UnixMilli()
}

type logicExpr struct {
	or   bool
	l, r expr
}

func (e *logicExpr) eval(r *row) value {
	a := e.l.eval(r).truthy()
	if e.or {
		return boolean(a || e.r.eval(r).truthy())
	}
	return boolean(a && e.r.eval(r).truthy())
}

type notExpr struct{ x expr }

func (e *notExpr) eval(r *row) value { return boolean(!e.x.eval(r).truthy()) }

type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

type cmpExpr struct {
	op   cmpOp
	l, r expr
}

// eval compares numerically when both sides read as numbers, else as strings.
// A comparison with a missing field is false (also for !=), as a filter on a
// field an event lacks does not select it.
func (e *cmpExpr) eval(r *row) value {
	c, ok := compare(e.l.eval(r), e.r.eval(r))
	if !ok {
		return boolean(false)
	}
	switch e.op {
	case opEq:
		return boolean(c == 0)
	case opNe:
		return boolean(c != 0)
	case opLt:
		return boolean(c < 0)
	case opLe:
		return boolean(c <= 0)
	case opGt:
		return boolean(c > 0)
	}
	return boolean(c >= 0)
}

type arithExpr struct {
	op   byte
	l, r expr
}

func (e *arithExpr) eval(r *row) value {
	lv, rv := e.l.eval(r), e.r.eval(r)
	a, ok1 := lv.number()
	b, ok2 := rv.number()
	if !ok1 || !ok2 {
		return null
	}
	var v float64
	switch e.op {
	case '+':
		v = a + b
	case '-':
		v = a - b
	case '*':
		v = a * b
	case '/':
		if b == 0 {
			return null
		}
		v = a / b
	case '%':
		if b == 0 {
			return null
		}
		v = math.Mod(a, b)
	case '^':
		v = math.Pow(a, b)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return null
	}
	// A timestamp plus or minus a duration stays a timestamp.
	if (e.op == '+' || e.op == '-') && lv.k == kTime && rv.k != kTime {
		return timestamp(int64(v))
	}
	return num(v)
}

// likeExpr is "x like "sub"", "x like /re/", "x =~ /re/" and their negations.
type likeExpr struct {
	x   expr
	sub string
	re  *regexp.Regexp
	neg bool
}

func (e *likeExpr) eval(r *row) value {
	s, ok := e.x.eval(r).text()
	if !ok {
		return boolean(false)
	}
	var m bool
	if e.re != nil {
		m = e.re.MatchString(s)
	} else {
		m = strings.Contains(s, e.sub)
	}
	return boolean(m != e.neg)
}

type inExpr struct {
	x    expr
	list []expr
	neg  bool
}

func (e *inExpr) eval(r *row) value {
	v := e.x.eval(r)
	if v.k == kNull {
		return boolean(false)
	}
	for _, l := range e.list {
		if c, ok := compare(v, l.eval(r)); ok && c == 0 {
			return boolean(!e.neg)
		}
	}
	return boolean(e.neg)
}

// callExpr is a (non-aggregate) function call.
type callExpr struct {
	fn   string
	def  funcDef
	args []expr
}

func (e *callExpr) eval(r *row) value { return e.def.impl(r, e.args) }

// aggCall is an aggregate function call as written; Compile replaces it by an
// aggRef to the aggregate's result.
type aggCall struct {
	fn   string
	args []expr
	pos  token
}

func (e *aggCall) eval(*row) value { return null }

// aggRef reads an aggregate's result from its slot.
type aggRef struct{ slot int }

func (e *aggRef) eval(r *row) value { return r.get(e.slot) }

func hasAggregate(x expr) bool {
	switch e := x.(type) {
	case *aggCall:
		return true
	case *logicExpr:
		return hasAggregate(e.l) || hasAggregate(e.r)
	case *notExpr:
		return hasAggregate(e.x)
	case *cmpExpr:
		return hasAggregate(e.l) || hasAggregate(e.r)
	case *arithExpr:
		return hasAggregate(e.l) || hasAggregate(e.r)
	case *likeExpr:
		return hasAggregate(e.x)
	case *inExpr:
		if hasAggregate(e.x) {
			return true
		}
		for _, l := range e.list {
			if hasAggregate(l) {
				return true
			}
		}
	case *callExpr:
		for _, a := range e.args {
			if hasAggregate(a) {
				return true
			}
		}
	}
	return false
}

// funcDef is a scalar function: its argument counts (maxArgs -1: any), which
// arguments must be periods, and its implementation.
type funcDef struct {
	minArgs, maxArgs int
	periodArgs       []int
	impl             func(r *row, args []expr) value
}

// aggDef is an aggregate function's argument counts.
type aggDef struct{ minArgs, maxArgs int }

// aggregates are the stats functions of the query syntax guide.
var aggregates = map[string]aggDef{
	"count": {0, 1}, "count_distinct": {1, 1}, "sum": {1, 1}, "avg": {1, 1},
	"min": {1, 1}, "max": {1, 1}, "pct": {2, 2}, "stddev": {1, 1},
	"earliest": {1, 1}, "latest": {1, 1}, "sortsfirst": {1, 1}, "sortslast": {1, 1},
}

func numFunc(f func(float64) float64) func(*row, []expr) value {
	return func(r *row, args []expr) value {
		x, ok := args[0].eval(r).number()
		if !ok {
			return null
		}
		v := f(x)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return null
		}
		return num(v)
	}
}

func strFunc(f func(string) value) func(*row, []expr) value {
	return func(r *row, args []expr) value {
		s, ok := args[0].eval(r).text()
		if !ok {
			return null
		}
		return f(s)
	}
}

// texts evaluates args as strings; ok is false when one is null.
func texts(r *row, args []expr) ([]string, bool) {
	out := make([]string, len(args))
	for i, a := range args {
		s, ok := a.eval(r).text()
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

func trimFunc(f func(string, string) string, ws func(string) string) func(*row, []expr) value {
	return func(r *row, args []expr) value {
		s, ok := texts(r, args)
		if !ok {
			return null
		}
		if len(s) == 1 {
			return str(ws(s[0]))
		}
		return str(f(s[0], s[1]))
	}
}

func ipFunc(f func(netip.Addr) bool) func(*row, []expr) value {
	return func(r *row, args []expr) value {
		s, ok := args[0].eval(r).text()
		if !ok {
			return boolean(false)
		}
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		return boolean(err == nil && f(a))
	}
}

func subnetFunc(f func(netip.Addr) bool) func(*row, []expr) value {
	return func(r *row, args []expr) value {
		s, ok := texts(r, args)
		if !ok {
			return boolean(false)
		}
		a, err := netip.ParseAddr(strings.TrimSpace(s[0]))
		if err != nil || !f(a) {
			return boolean(false)
		}
		p, err := netip.ParsePrefix(strings.TrimSpace(s[1]))
		if err != nil {
			return boolean(false)
		}
		return boolean(p.Contains(a.Unmap()) || p.Contains(a))
	}
}

func timeArg(v value) (int64, bool) {
	f, ok := v.number()
	if !ok {
		return 0, false
	}
	return int64(f), true
}

// functions are the scalar functions of the query syntax guide ("Boolean,
// comparison, numeric, datetime, and other functions"), by lower-case name.
var functions map[string]funcDef

func init() {
	functions = map[string]funcDef{
		// Numeric.
		"abs":   {1, 1, nil, numFunc(math.Abs)},
		"ceil":  {1, 1, nil, numFunc(math.Ceil)},
		"floor": {1, 1, nil, numFunc(math.Floor)},
		"log":   {1, 1, nil, numFunc(math.Log)},
		"sqrt":  {1, 1, nil, numFunc(math.Sqrt)},
		"greatest": {1, -1, nil, func(r *row, args []expr) value {
			best, found := 0.0, false
			for _, a := range args {
				if x, ok := a.eval(r).number(); ok && (!found || x > best) {
					best, found = x, true
				}
			}
			if !found {
				return null
			}
			return num(best)
		}},
		"least": {1, -1, nil, func(r *row, args []expr) value {
			best, found := 0.0, false
			for _, a := range args {
				if x, ok := a.eval(r).number(); ok && (!found || x < best) {
					best, found = x, true
				}
			}
			if !found {
				return null
			}
			return num(best)
		}},
		// General.
		"ispresent": {1, 1, nil, func(r *row, args []expr) value { return boolean(args[0].eval(r).k != kNull) }},
		"coalesce": {1, -1, nil, func(r *row, args []expr) value {
			for _, a := range args {
				if v := a.eval(r); v.k != kNull {
					return v
				}
			}
			return null
		}},
		// unmask shows data a data protection policy masked; localwatch masks
		// nothing, so the value is returned as it is.
		"unmask": {1, 1, nil, func(r *row, args []expr) value { return args[0].eval(r) }},
		// String.
		"isempty": {1, 1, nil, func(r *row, args []expr) value {
			s, ok := args[0].eval(r).text()
			return boolean(!ok || s == "")
		}},
		"isblank": {1, 1, nil, func(r *row, args []expr) value {
			s, ok := args[0].eval(r).text()
			return boolean(!ok || strings.TrimSpace(s) == "")
		}},
		"concat": {1, -1, nil, func(r *row, args []expr) value {
			var b strings.Builder
			for _, a := range args {
				s, _ := a.eval(r).text()
				b.WriteString(s)
			}
			return str(b.String())
		}},
		"ltrim": {1, 2, nil, trimFunc(strings.TrimLeft, func(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) })},
		"rtrim": {1, 2, nil, trimFunc(strings.TrimRight, func(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) })},
		"trim":  {1, 2, nil, trimFunc(strings.Trim, strings.TrimSpace)},
		"strlen": {1, 1, nil, strFunc(func(s string) value {
			return num(float64(utf8.RuneCountInString(s)))
		})},
		"toupper": {1, 1, nil, strFunc(func(s string) value { return str(strings.ToUpper(s)) })},
		"tolower": {1, 1, nil, strFunc(func(s string) value { return str(strings.ToLower(s)) })},
		"substr": {2, 3, nil, func(r *row, args []expr) value {
			s, ok := args[0].eval(r).text()
			if !ok {
				return null
			}
			rs := []rune(s)
			from, ok := args[1].eval(r).number()
			if !ok {
				return null
			}
			i := max(0, min(len(rs), int(from)))
			j := len(rs)
			if len(args) == 3 {
				n, ok := args[2].eval(r).number()
				if !ok {
					return null
				}
				j = max(i, min(len(rs), i+int(n)))
			}
			return str(string(rs[i:j]))
		}},
		"replace": {3, 3, nil, func(r *row, args []expr) value {
			s, ok := texts(r, args)
			if !ok {
				return null
			}
			return str(strings.ReplaceAll(s[0], s[1], s[2]))
		}},
		"strcontains": {2, 2, nil, func(r *row, args []expr) value {
			s, ok := texts(r, args)
			if !ok {
				return num(0)
			}
			return num(b2f(strings.Contains(s[0], s[1])))
		}},
		// Datetime.
		"bin": {1, 1, []int{0}, func(r *row, args []expr) value {
			ts, ok := timeArg(r.get(slotTimestamp))
			if !ok {
				return null
			}
			return timestamp(args[0].(*periodExpr).floor(ts))
		}},
		"datefloor": {2, 2, []int{1}, func(r *row, args []expr) value {
			ts, ok := timeArg(args[0].eval(r))
			if !ok {
				return null
			}
			return timestamp(args[1].(*periodExpr).floor(ts))
		}},
		"dateceil": {2, 2, []int{1}, func(r *row, args []expr) value {
			ts, ok := timeArg(args[0].eval(r))
			if !ok {
				return null
			}
			return timestamp(args[1].(*periodExpr).ceil(ts))
		}},
		"frommillis": {1, 1, nil, func(r *row, args []expr) value {
			ts, ok := timeArg(args[0].eval(r))
			if !ok {
				return null
			}
			return timestamp(ts)
		}},
		"tomillis": {1, 1, nil, func(r *row, args []expr) value {
			v := args[0].eval(r)
			switch v.k {
			case kTime, kNum:
				return num(v.n)
			case kStr:
				for _, layout := range []string{timeLayout, time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00"} {
					if t, err := time.Parse(layout, v.s); err == nil {
						return num(float64(t.UnixMilli()))
					}
				}
			}
			return null
		}},
		// IP address strings.
		"isvalidip":      {1, 1, nil, ipFunc(func(a netip.Addr) bool { return true })},
		"isvalidipv4":    {1, 1, nil, ipFunc(func(a netip.Addr) bool { return a.Is4() })},
		"isvalidipv6":    {1, 1, nil, ipFunc(func(a netip.Addr) bool { return a.Is6() && !a.Is4In6() })},
		"isipinsubnet":   {2, 2, nil, subnetFunc(func(netip.Addr) bool { return true })},
		"isipv4insubnet": {2, 2, nil, subnetFunc(func(a netip.Addr) bool { return a.Is4() })},
		"isipv6insubnet": {2, 2, nil, subnetFunc(func(a netip.Addr) bool { return a.Is6() && !a.Is4In6() })},
	}
}
