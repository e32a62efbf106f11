package filterpolicy

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SNS parses a filter policy with Jackson and validates it while streaming its
// tokens, so its error messages carry Jackson's words and Jackson's location:
// the line and column just after the last token read. This file is a small
// JSON parser that keeps, for every value, the offsets a streaming reader
// would report (see node), and that fails on bad syntax with Jackson's
// messages.

// node is a JSON value that keeps object key order and the offsets Jackson
// reports for it.
type node struct {
	kind    nodeKind
	members []member // object
	elems   []*node  // array
	str     string   // string
	num     json.Number
	b       bool
	// tokEnd is where a streaming reader stands once it has read the value's
	// first token: after '[' or '{', after a number or literal, and just
	// after the opening quote of a string (Jackson reads string contents
	// lazily). Reading an object's field name also reads its value's first
	// token, so errors about a member point at tokEnd of its value.
	tokEnd int
	// textEnd is where the reader stands once a string's text was read
	// (after the closing quote); tokEnd for other values.
	textEnd int
	// end is the offset just after the whole value.
	end int
}

type member struct {
	key string
	val *node
}

type nodeKind uint8

const (
	nodeNull nodeKind = iota
	nodeBool
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

// SyntaxError is a policy that is not JSON, with Jackson's description and
// location.
type SyntaxError struct {
	Msg          string
	Line, Column int
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: %d, column: %d]", e.Msg, e.Line, e.Column)
}

type parser struct {
	src   string
	pos   int
	depth int
}

// maxDepth bounds nesting, as Jackson's StreamReadConstraints do (1,000).
const maxDepth = 1000

// parseJSON decodes src into an ordered node tree. It rejects trailing data.
func parseJSON(src string) (*node, error) {
	p := &parser{src: src}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos < len(p.src) {
		return nil, p.unexpected("expected end-of-input")
	}
	return n, nil
}

func (p *parser) errAt(off int, format string, args ...any) *SyntaxError {
	off = min(off, len(p.src))
	before := p.src[:off]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return &SyntaxError{Msg: fmt.Sprintf(format, args...), Line: line, Column: col}
}

// charDesc describes a character as Jackson does.
func charDesc(r rune) string {
	if r < 0x20 {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", r)
	}
	if r > 0xff {
		return fmt.Sprintf("'%c' (code %d / 0x%x)", r, r, r)
	}
	return fmt.Sprintf("'%c' (code %d)", r, r)
}

// unexpected reports the character at pos (consumed, as Jackson does).
func (p *parser) unexpected(what string) *SyntaxError {
	if p.pos >= len(p.src) {
		return p.errAt(p.pos, "Unexpected end-of-input: %s", what)
	}
	r, size := utf8.DecodeRuneInString(p.src[p.pos:])
	return p.errAt(p.pos+size, "Unexpected character (%s): %s", charDesc(r), what)
}

func (p *parser) ws() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

const expectedValue = "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"

func (p *parser) value() (*node, error) {
	p.ws()
	if p.pos >= len(p.src) {
		return nil, p.errAt(p.pos, "Unexpected end-of-input: %s", expectedValue)
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '{' || c == '[':
		p.depth++
		if p.depth > maxDepth {
			return nil, p.errAt(p.pos, "Document nesting depth (%d) exceeds the maximum allowed (%d)", p.depth, maxDepth)
		}
		defer func() { p.depth-- }()
		p.pos++
		if c == '{' {
			return p.object(start)
		}
		return p.array(start)
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		return &node{kind: nodeString, str: s, tokEnd: start + 1, textEnd: p.pos, end: p.pos}, nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$':
		word := p.word()
		n := &node{tokEnd: p.pos, textEnd: p.pos, end: p.pos}
		switch word {
		case "true", "false":
			n.kind, n.b = nodeBool, word == "true"
		case "null":
			n.kind = nodeNull
		default:
			return nil, p.errAt(p.pos, "Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", word)
		}
		return n, nil
	}
	return nil, p.unexpected(expectedValue)
}

// word reads the identifier characters Jackson collects for a token.
func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		if !(r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 0x7f && r != utf8.RuneError) {
			break
		}
		p.pos += size
	}
	return p.src[start:p.pos]
}

func (p *parser) object(start int) (*node, error) {
	n := &node{kind: nodeObject, tokEnd: start + 1}
	p.ws()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		n.textEnd, n.end = n.tokEnd, p.pos
		return n, nil
	}
	for {
		p.ws()
		if p.pos >= len(p.src) {
			return nil, p.errAt(p.pos, "Unexpected end-of-input: expected close marker for Object")
		}
		if p.src[p.pos] != '"' {
			return nil, p.unexpected("was expecting double-quote to start field name")
		}
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.unexpected("was expecting a colon to separate field name and value")
		}
		p.pos++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, member{key: key, val: v})
		p.ws()
		if p.pos >= len(p.src) {
			return nil, p.errAt(p.pos, "Unexpected end-of-input: expected close marker for Object")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			n.textEnd, n.end = n.tokEnd, p.pos
			return n, nil
		default:
			return nil, p.unexpected("was expecting comma to separate Object entries")
		}
	}
}

func (p *parser) array(start int) (*node, error) {
	n := &node{kind: nodeArray, tokEnd: start + 1}
	p.ws()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		n.textEnd, n.end = n.tokEnd, p.pos
		return n, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.elems = append(n.elems, v)
		p.ws()
		if p.pos >= len(p.src) {
			return nil, p.errAt(p.pos, "Unexpected end-of-input: expected close marker for Array")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			n.textEnd, n.end = n.tokEnd, p.pos
			return n, nil
		default:
			return nil, p.unexpected("was expecting comma to separate Array entries")
		}
	}
}

// string reads a JSON string at pos (the opening quote).
func (p *parser) string() (string, error) {
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return "", p.errAt(p.pos, "Unexpected end-of-input: was expecting closing quote for a string value")
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", p.errAt(p.pos+1, "Illegal unquoted character (%s): has to be escaped using backslash to be included in string value", charDesc(rune(c)))
		case c == '\\':
			if p.pos+1 >= len(p.src) {
				return "", p.errAt(p.pos+1, "Unexpected end-of-input in character escape sequence")
			}
			e := p.src[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.errAt(p.pos, "Unexpected character in \\u escape sequence: expected a hex-digit for character escape sequence")
				}
				if utf16IsHigh(r) && strings.HasPrefix(p.src[p.pos:], "\\u") {
					save := p.pos
					p.pos += 2
					if lo, ok := p.hex4(); ok && utf16IsLow(lo) {
						r = (r-0xd800)<<10 + (lo - 0xdc00) + 0x10000
					} else {
						p.pos = save
					}
				}
				b.WriteRune(r)
			default:
				return "", p.errAt(p.pos, "Unrecognized character escape %s", charDesc(rune(e)))
			}
		default:
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			b.WriteRune(r)
			p.pos += size
		}
	}
}

func utf16IsHigh(r rune) bool { return r >= 0xd800 && r < 0xdc00 }
func utf16IsLow(r rune) bool  { return r >= 0xdc00 && r < 0xe000 }

func (p *parser) hex4() (rune, bool) {
	if p.pos+4 > len(p.src) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}

// number reads a JSON number with Jackson's complaints about bad ones.
func (p *parser) number() (*node, error) {
	start := p.pos
	if p.src[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		s := p.pos
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		return p.pos - s
	}
	intStart := p.pos
	n := digits()
	if n == 0 {
		if p.pos < len(p.src) {
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			return nil, p.errAt(p.pos+size, "Unexpected character (%s) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", charDesc(r))
		}
		return nil, p.errAt(p.pos, "Unexpected end-of-input in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value")
	}
	if n > 1 && p.src[intStart] == '0' {
		return nil, p.errAt(p.pos, "Invalid numeric value: Leading zeroes not allowed")
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.unexpected("Decimal point not followed by a digit")
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.unexpected("Exponent indicator not followed by a digit")
		}
	}
	return &node{kind: nodeNumber, num: json.Number(p.src[start:p.pos]), tokEnd: p.pos, textEnd: p.pos, end: p.pos}, nil
}

// text renders a node as Jackson's getText does after reading its first
// token (for error messages).
func (n *node) text() string {
	switch n.kind {
	case nodeNull:
		return "null"
	case nodeBool:
		if n.b {
			return "true"
		}
		return "false"
	case nodeNumber:
		return n.num.String()
	case nodeString:
		return n.str
	case nodeArray:
		return "["
	}
	return "{"
}

// compact renders n as Jackson re-serialises a parsed tree: no spaces, keys
// in order, strings with only '"', '\' and control characters escaped, and
// fractions and exponents as Java doubles ("1.5", "100.0", "1.0E10").
func (n *node) compact(b *strings.Builder) {
	switch n.kind {
	case nodeObject:
		b.WriteByte('{')
		for i, m := range n.members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJavaString(b, m.key)
			b.WriteByte(':')
			m.val.compact(b)
		}
		b.WriteByte('}')
	case nodeArray:
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			e.compact(b)
		}
		b.WriteByte(']')
	case nodeString:
		writeJavaString(b, n.str)
	case nodeNumber:
		b.WriteString(javaNumber(n.num.String()))
	default:
		b.WriteString(n.text())
	}
}

func writeJavaString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// javaNumber renders a JSON number as Jackson writes the node it parsed:
// integers as written, other numbers as Java's Double.toString.
func javaNumber(s string) string {
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return s
	}
	if a := math.Abs(f); a == 0 || a >= 1e-3 && a < 1e7 {
		out := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(out, ".") {
			out += ".0"
		}
		return out
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'E', -1, 64), "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// position renders Jackson's location suffix for an error at offset off of
// the compact policy src.
func position(src string, off int) string {
	off = min(off, len(src))
	return fmt.Sprintf("\n at [Source: (String)\"%s\"; line: 1, column: %d]", src, utf8.RuneCountInString(src[:off])+1)
}
