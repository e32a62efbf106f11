package insights

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// kind is the type of a value during evaluation.
type kind uint8

const (
	kNull kind = iota // absent field or undefined result
	kStr
	kNum
	kBool
	kTime // milliseconds since the epoch, shown as a timestamp
)

// value is one value during evaluation: a string, a number, a Boolean, a
// timestamp or null (a field the event does not have). Field values discovered
// in events are strings or numbers (JSON numbers); comparisons and arithmetic
// convert a string that reads as a number, as Logs Insights does for fields
// extracted by parse.
type value struct {
	k kind
	s string
	n float64
}

var null = value{}

func str(s string) value       { return value{k: kStr, s: s} }
func num(f float64) value      { return value{k: kNum, n: f} }
func boolean(b bool) value     { return value{k: kBool, n: b2f(b)} }
func timestamp(ms int64) value { return value{k: kTime, n: float64(ms)} }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// number returns v as a number: numbers and timestamps as they are, strings
// that parse as numbers, Booleans as 0/1.
func (v value) number() (float64, bool) {
	switch v.k {
	case kNum, kTime, kBool:
		return v.n, true
	case kStr:
		s := strings.TrimSpace(v.s)
		if s == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

// truthy is the value's truth in filter: Booleans as they are; null is false;
// a number is true when non-zero; a string when non-empty.
func (v value) truthy() bool {
	switch v.k {
	case kBool, kNum, kTime:
		return v.n != 0
	case kStr:
		return v.s != ""
	}
	return false
}

// text is the value as a string operand (string functions, like, regex).
func (v value) text() (string, bool) {
	switch v.k {
	case kStr:
		return v.s, true
	case kNull:
		return "", false
	}
	return v.String(), true
}

// timeLayout is how Logs Insights shows timestamps in results.
const timeLayout = "2006-01-02 15:04:05.000"

// String formats v as GetQueryResults shows it: numbers in their shortest
// exact decimal form ("42", "0.25"), timestamps as "2006-01-02 15:04:05.000"
// (UTC), Booleans as "true"/"false", null as "".
func (v value) String() string {
	switch v.k {
	case kStr:
		return v.s
	case kNum:
		return formatNumber(v.n)
	case kTime:
		return time.UnixMilli(int64(v.n)).UTC().Format(timeLayout)
	case kBool:
		if v.n != 0 {
			return "true"
		}
		return "false"
	}
	return ""
}

func formatNumber(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// compare orders a and b: numerically when both read as numbers, else as
// strings. ok is false when either is null.
func compare(a, b value) (c int, ok bool) {
	if a.k == kNull || b.k == kNull {
		return 0, false
	}
	if x, okx := a.number(); okx {
		if y, oky := b.number(); oky {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
	}
	as, _ := a.text()
	bs, _ := b.text()
	return strings.Compare(as, bs), true
}

// sortLess orders values for sort, sortsFirst and sortsLast: numbers before
// strings, numbers numerically, strings lexically; null sorts last in
// ascending order.
func sortLess(a, b value) bool {
	if a.k == kNull || b.k == kNull {
		return a.k != kNull && b.k == kNull
	}
	x, okx := a.number()
	y, oky := b.number()
	switch {
	case okx && oky:
		return x < y
	case okx != oky:
		return okx
	}
	as, _ := a.text()
	bs, _ := b.text()
	return as < bs
}
