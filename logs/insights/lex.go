package insights

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokKind is a lexical token's kind.
type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tNumber
	tPeriod // a number with a time unit: 5m, 1h, 100ms
	tString
	tRegex
	tOp // punctuation and operators: | , ( ) [ ] = != < <= > >= + - * / ^ % =~
)

type token struct {
	kind  tokKind
	text  string // identifier name (unquoted), string contents, regex source, operator
	num   float64
	unit  string // tPeriod: ms s m h d w mo q y
	start int    // byte offsets into the query
	end   int
}

// lexer splits a query into tokens on demand. A "/" starts a regular
// expression only where the parser asks for one (after like, =~, and as
// parse's pattern); elsewhere it is division.
type lexer struct {
	src string
	pos int
}

func (lx *lexer) errAt(start, end int, format string, args ...any) *CompileError {
	return newCompileError(lx.src, start, end, fmt.Sprintf(format, args...))
}

// skip passes white space and # comments (to the end of the line).
func (lx *lexer) skip() {
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			lx.pos++
		case c == '#':
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
		default:
			return
		}
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '@' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '.'
}

// next returns the next token; regex tells whether a "/" starts a regular
// expression.
func (lx *lexer) next(regex bool) (token, error) {
	lx.skip()
	start := lx.pos
	if lx.pos >= len(lx.src) {
		return token{kind: tEOF, start: start, end: start}, nil
	}
	c := lx.src[lx.pos]
	switch {
	case c == '`':
		// A backquoted field name: any characters but a backquote.
		end := strings.IndexByte(lx.src[lx.pos+1:], '`')
		if end < 0 {
			return token{}, lx.errAt(start, len(lx.src), "unterminated field name starting at position %d", start+1)
		}
		name := lx.src[lx.pos+1 : lx.pos+1+end]
		lx.pos += end + 2
		// A quoted part may continue with a dotted path: `a-b`.c
		for lx.pos < len(lx.src) && (isIdentByte(lx.src[lx.pos]) || lx.src[lx.pos] == '`') {
			if lx.src[lx.pos] == '`' {
				e := strings.IndexByte(lx.src[lx.pos+1:], '`')
				if e < 0 {
					return token{}, lx.errAt(lx.pos, len(lx.src), "unterminated field name starting at position %d", lx.pos+1)
				}
				name += lx.src[lx.pos+1 : lx.pos+1+e]
				lx.pos += e + 2
				continue
			}
			name += lx.src[lx.pos : lx.pos+1]
			lx.pos++
		}
		return token{kind: tIdent, text: name, start: start, end: lx.pos}, nil
	case isIdentStart(c):
		for lx.pos < len(lx.src) && (isIdentByte(lx.src[lx.pos])) {
			lx.pos++
		}
		name := lx.src[start:lx.pos]
		if !utf8.ValidString(name) {
			return token{}, lx.errAt(start, lx.pos, "invalid UTF-8 in field name")
		}
		return token{kind: tIdent, text: name, start: start, end: lx.pos}, nil
	case c >= '0' && c <= '9' || c == '.' && lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] >= '0' && lx.src[lx.pos+1] <= '9':
		return lx.number()
	case c == '"' || c == '\'':
		return lx.str(c)
	case c == '/' && regex:
		return lx.regex()
	}
	// Operators, longest first.
	for _, op := range []string{"!=", "<=", ">=", "=~", "|", ",", "(", ")", "[", "]", "=", "<", ">", "+", "-", "*", "/", "^", "%"} {
		if strings.HasPrefix(lx.src[lx.pos:], op) {
			lx.pos += len(op)
			return token{kind: tOp, text: op, start: start, end: lx.pos}, nil
		}
	}
	r, size := utf8.DecodeRuneInString(lx.src[lx.pos:])
	return token{}, lx.errAt(start, start+size, "unexpected symbol %q found at line %d and position %d", r, lineOf(lx.src, start), columnOf(lx.src, start))
}

func (lx *lexer) number() (token, error) {
	start := lx.pos
	for lx.pos < len(lx.src) && (lx.src[lx.pos] >= '0' && lx.src[lx.pos] <= '9' || lx.src[lx.pos] == '.') {
		lx.pos++
	}
	// Exponent: 1e3, 2.5E-4.
	if lx.pos < len(lx.src) && (lx.src[lx.pos] == 'e' || lx.src[lx.pos] == 'E') {
		j := lx.pos + 1
		if j < len(lx.src) && (lx.src[j] == '+' || lx.src[j] == '-') {
			j++
		}
		if j < len(lx.src) && lx.src[j] >= '0' && lx.src[j] <= '9' {
			for j < len(lx.src) && lx.src[j] >= '0' && lx.src[j] <= '9' {
				j++
			}
			lx.pos = j
		}
	}
	text := lx.src[start:lx.pos]
	var f float64
	if _, err := fmt.Sscanf(text, "%g", &f); err != nil || strings.Count(text, ".") > 1 {
		return token{}, lx.errAt(start, lx.pos, "invalid number %q at line %d and position %d", text, lineOf(lx.src, start), columnOf(lx.src, start))
	}
	// A time unit right after the digits makes a period: 5m, 1h, 100ms, 1mo.
	ustart := lx.pos
	for lx.pos < len(lx.src) && (lx.src[lx.pos] >= 'a' && lx.src[lx.pos] <= 'z' || lx.src[lx.pos] >= 'A' && lx.src[lx.pos] <= 'Z') {
		lx.pos++
	}
	if ustart < lx.pos {
		unit := strings.ToLower(lx.src[ustart:lx.pos])
		if _, ok := periodUnits[unit]; !ok {
			return token{}, lx.errAt(start, lx.pos, "invalid time period %q at line %d and position %d: the unit must be one of ms, s, m, h, d, w, mo, q, y", lx.src[start:lx.pos], lineOf(lx.src, start), columnOf(lx.src, start))
		}
		return token{kind: tPeriod, num: f, unit: unit, text: lx.src[start:lx.pos], start: start, end: lx.pos}, nil
	}
	return token{kind: tNumber, num: f, text: text, start: start, end: lx.pos}, nil
}

func (lx *lexer) str(q byte) (token, error) {
	start := lx.pos
	lx.pos++
	var b strings.Builder
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == q:
			lx.pos++
			return token{kind: tString, text: b.String(), start: start, end: lx.pos}, nil
		case c == '\\' && lx.pos+1 < len(lx.src):
			n := lx.src[lx.pos+1]
			switch n {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(n)
			}
			lx.pos += 2
		default:
			b.WriteByte(c)
			lx.pos++
		}
	}
	return token{}, lx.errAt(start, len(lx.src), "unterminated string starting at line %d and position %d", lineOf(lx.src, start), columnOf(lx.src, start))
}

// regex reads /.../; "\/" stands for a slash inside it.
func (lx *lexer) regex() (token, error) {
	start := lx.pos
	lx.pos++
	var b strings.Builder
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == '/':
			lx.pos++
			return token{kind: tRegex, text: b.String(), start: start, end: lx.pos}, nil
		case c == '\\' && lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] == '/':
			b.WriteByte('/')
			lx.pos += 2
		case c == '\\' && lx.pos+1 < len(lx.src):
			b.WriteString(lx.src[lx.pos : lx.pos+2])
			lx.pos += 2
		default:
			b.WriteByte(c)
			lx.pos++
		}
	}
	return token{}, lx.errAt(start, len(lx.src), "unterminated regular expression starting at line %d and position %d", lineOf(lx.src, start), columnOf(lx.src, start))
}

// lineOf and columnOf give 1-based line and column of a byte offset, for
// error messages ("at line 1 and position 7").
func lineOf(src string, off int) int { return strings.Count(src[:min(off, len(src))], "\n") + 1 }

func columnOf(src string, off int) int {
	off = min(off, len(src))
	return off - strings.LastIndexByte(src[:off], '\n')
}
