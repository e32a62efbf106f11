package filterpattern

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// op is a comparison operator.
type op uint8

const (
	opEq op = iota
	opNe
	opLt
	opGt
	opLe
	opGe
	opIsNull
	opNotExists
	opIsTrue
	opIsFalse
)

// ValueKind is the JSON type of a value found in a message.
type ValueKind uint8

const (
	// Missing means the selector found nothing.
	Missing ValueKind = iota
	// String is a JSON string (or any space-delimited field).
	String
	// Number is a JSON number.
	Number
	// True is the JSON literal true.
	True
	// False is the JSON literal false.
	False
	// Null is the JSON literal null.
	Null
	// Object is a JSON object.
	Object
	// Array is a JSON array.
	Array
)

// value is the right-hand side of a comparison.
type value struct {
	text     string // literal text, quotes removed
	re       *regex
	isNum    bool // unquoted and a number
	num      float64
	any      bool // only '*'
	pre, suf bool // leading / trailing '*' wildcard
	core     string
	coreB    []byte
}

func newValue(text string, quotedText bool) value {
	v := value{text: text, core: text}
	if !quotedText {
		if f, ok := parseNumber(text); ok {
			v.isNum, v.num = true, f
			return v
		}
	}
	if strings.Trim(text, "*") == "" && text != "" {
		v.any = true
		return v
	}
	if strings.HasPrefix(v.core, "*") {
		v.pre = true
		v.core = v.core[1:]
	}
	if strings.HasSuffix(v.core, "*") {
		v.suf = true
		v.core = v.core[:len(v.core)-1]
	}
	v.coreB = []byte(v.core)
	return v
}

// parseNumber parses AWS's NUMBER: an optionally signed integer or decimal,
// optionally followed by e and an optionally signed integer.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		frac := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			frac++
		}
		if frac == 0 {
			return 0, false
		}
		digits += frac
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ed := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			ed++
		}
		if ed == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimPrefix(s, "+"), 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	return f, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// parseNumberBytes parses a number in a message (JSON grammar or AWS's).
func parseNumberBytes(b []byte) (float64, bool) {
	// Fast path: plain integers up to 15 digits are exact in a float64.
	if n := len(b); n > 0 && n <= 16 {
		i := 0
		neg := false
		if b[0] == '-' {
			neg = true
			i = 1
		}
		if i < n {
			var u int64
			j := i
			for ; j < n && b[j] >= '0' && b[j] <= '9'; j++ {
				u = u*10 + int64(b[j]-'0')
			}
			if j == n {
				if neg {
					return -float64(u), true
				}
				return float64(u), true
			}
		}
	}
	return parseNumber(string(b))
}

func (v *value) matchString(s []byte) bool {
	switch {
	case v.re != nil:
		return v.re.Match(s)
	case v.any:
		return true
	case v.pre && v.suf:
		return bytes.Contains(s, v.coreB)
	case v.pre:
		return len(s) >= len(v.core) && string(s[len(s)-len(v.core):]) == v.core
	case v.suf:
		return len(s) >= len(v.core) && string(s[:len(v.core)]) == v.core
	}
	return string(s) == v.text
}

// expr is a boolean expression over comparisons.
type expr struct {
	and, or bool
	l, r    *expr
	slot    int    // JSON selector slot (-1 in a pattern with wildcards)
	path    []step // JSON selector
	op      op
	val     value
	// numMask, for a JSON comparison with a number, says which outcomes of
	// comparing the field's number with it are true: bit 0 less, bit 1
	// equal, bit 2 greater (0 when the comparison is of another kind).
	numMask uint8
}

// compare evaluates one comparison against a field of the given kind. text is
// the field's text (decoded for strings, raw for numbers). numericText says
// whether a String field may be compared as a number (space-delimited fields).
func (e *expr) compare(kind ValueKind, text []byte, numericText bool) bool {
	switch e.op {
	case opIsNull:
		return kind == Null
	case opNotExists:
		return kind == Missing
	case opIsTrue:
		return kind == True
	case opIsFalse:
		return kind == False
	}
	if kind != String && kind != Number {
		return false
	}
	v := &e.val
	switch e.op {
	case opEq, opNe:
		var eq bool
		if v.isNum && (kind == Number || numericText) {
			if f, ok := parseNumberBytes(text); ok {
				eq = f == v.num
			} else {
				eq = string(text) == v.text
			}
		} else {
			eq = v.matchString(text)
		}
		return eq == (e.op == opEq)
	}
	if kind != Number && !numericText {
		return false
	}
	f, ok := parseNumberBytes(text)
	if !ok {
		return false
	}
	switch e.op {
	case opLt:
		return f < v.num
	case opGt:
		return f > v.num
	case opLe:
		return f <= v.num
	case opGe:
		return f >= v.num
	}
	return false
}

// exprParser parses the && / || / () structure shared by JSON and space-delimited
// patterns; cond parses one comparison.
type exprParser struct {
	src  string
	i    int
	cond func(ep *exprParser) (*expr, error)
	// stop reports whether the byte at i ends the expression (e.g. '}' or ',').
	stop func(c byte) bool
}

func (ep *exprParser) ws() {
	for ep.i < len(ep.src) && isSpace(ep.src[ep.i]) {
		ep.i++
	}
}

func (ep *exprParser) errf(format string, args ...any) error {
	return invalid(ep.src, ep.i, fmt.Sprintf(format, args...))
}

func (ep *exprParser) peek2(s string) bool { return strings.HasPrefix(ep.src[ep.i:], s) }

func (ep *exprParser) parseOr(depth int) (*expr, error) {
	if depth > 100 {
		return nil, ep.errf("parentheses nested too deeply")
	}
	l, err := ep.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	for {
		ep.ws()
		if !ep.peek2("||") {
			return l, nil
		}
		ep.i += 2
		r, err := ep.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		l = &expr{or: true, l: l, r: r}
	}
}

func (ep *exprParser) parseAnd(depth int) (*expr, error) {
	l, err := ep.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	for {
		ep.ws()
		if !ep.peek2("&&") {
			return l, nil
		}
		ep.i += 2
		r, err := ep.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		l = &expr{and: true, l: l, r: r}
	}
}

func (ep *exprParser) parseUnary(depth int) (*expr, error) {
	ep.ws()
	if ep.i >= len(ep.src) {
		return nil, ep.errf("the pattern ends where a condition was expected")
	}
	if ep.src[ep.i] == '(' {
		ep.i++
		e, err := ep.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		ep.ws()
		if ep.i >= len(ep.src) || ep.src[ep.i] != ')' {
			return nil, ep.errf("missing closing parenthesis")
		}
		ep.i++
		return e, nil
	}
	return ep.cond(ep)
}

// parseOp parses a comparison operator.
func (ep *exprParser) parseOp() (op, bool) {
	ep.ws()
	for _, c := range []struct {
		s  string
		op op
	}{{"!=", opNe}, {"<=", opLe}, {">=", opGe}, {"=", opEq}, {"<", opLt}, {">", opGt}} {
		if ep.peek2(c.s) {
			ep.i += len(c.s)
			return c.op, true
		}
	}
	return 0, false
}

// parseValue parses a comparison's right-hand side. bareStop lists the bytes
// that end an unquoted value besides whitespace.
func (ep *exprParser) parseValue(o op, bareStop string, regexN *int) (value, error) {
	ep.ws()
	if ep.i >= len(ep.src) {
		return value{}, ep.errf("the pattern ends where a value was expected")
	}
	var v value
	switch ep.src[ep.i] {
	case '"':
		s, next, err := quoted(ep.src, ep.i)
		if err != nil {
			return value{}, err
		}
		ep.i = next
		v = newValue(s, true)
	case '%':
		re, next, err := regexTerm(ep.src, ep.i)
		if err != nil {
			return value{}, err
		}
		*regexN++
		ep.i = next
		v = value{re: re, text: re.src}
	default:
		j := ep.i
		for j < len(ep.src) {
			c := ep.src[j]
			if isSpace(c) || strings.IndexByte(bareStop, c) >= 0 || strings.HasPrefix(ep.src[j:], "&&") || strings.HasPrefix(ep.src[j:], "||") {
				break
			}
			j++
		}
		if j == ep.i {
			return value{}, ep.errf("a value is missing after the operator")
		}
		// AWS's guide: values with unicode or characters such as @, $ and \
		// must be enclosed in double quotes.
		start := ep.i
		for k := start; k < j; k++ {
			if c := ep.src[k]; c == '@' || c == '$' || c == '\\' || c == '"' || c >= utf8.RuneSelf {
				ep.i = k
				return value{}, ep.errf("the value %q must be enclosed in double quotes", ep.src[start:j])
			}
		}
		v = newValue(ep.src[ep.i:j], false)
		ep.i = j
	}
	if o != opEq && o != opNe && !v.isNum {
		return value{}, ep.errf("the operators <, >, <= and >= need a number, not %q", v.text)
	}
	return v, nil
}
