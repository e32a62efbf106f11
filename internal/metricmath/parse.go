package metricmath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxExpressionLength is the longest expression accepted (AWS: 2,048 characters
// per MetricDataQuery.Expression).
const MaxExpressionLength = 2048

// maxDepth bounds nesting so a hostile expression cannot exhaust the stack.
const maxDepth = 200

// Node is a node of a parsed expression.
type Node interface {
	// Pos is the 1-based character position of the node in the expression.
	Pos() int
	String() string
}

// Number is a numeric literal.
type Number struct {
	At    int
	Value float64
}

// String is a quoted string literal (the METRICS filter, the SEARCH query).
type String struct {
	At    int
	Value string
}

// Ident is a bare word: the Id of another query (lower-case first letter) or a
// keyword argument such as REPEAT, LINEAR, ASC, DESC or the AVG of SORT.
type Ident struct {
	At   int
	Name string
}

// Unary is a prefix operator: "-" or "NOT" ("!").
type Unary struct {
	At int
	Op string
	X  Node
}

// Binary is an infix operator: + - * / ^ == != < <= > >= AND OR.
type Binary struct {
	At   int
	Op   string
	X, Y Node
}

// Call is a function call such as SUM(METRICS()).
type Call struct {
	At   int
	Name string
	Args []Node
}

// Array is a bracketed list of time series, e.g. [m1, m2].
type Array struct {
	At    int
	Elems []Node
}

func (n *Number) Pos() int { return n.At }
func (n *String) Pos() int { return n.At }
func (n *Ident) Pos() int  { return n.At }
func (n *Unary) Pos() int  { return n.At }
func (n *Binary) Pos() int { return n.At }
func (n *Call) Pos() int   { return n.At }
func (n *Array) Pos() int  { return n.At }

func (n *Number) String() string { return strconv.FormatFloat(n.Value, 'g', -1, 64) }
func (n *String) String() string { return strconv.Quote(n.Value) }
func (n *Ident) String() string  { return n.Name }
func (n *Unary) String() string {
	if n.Op == "NOT" {
		return "(NOT " + n.X.String() + ")"
	}
	return "(" + n.Op + n.X.String() + ")"
}
func (n *Binary) String() string { return "(" + n.X.String() + " " + n.Op + " " + n.Y.String() + ")" }
func (n *Call) String() string {
	parts := make([]string, len(n.Args))
	for i, a := range n.Args {
		parts[i] = a.String()
	}
	return n.Name + "(" + strings.Join(parts, ", ") + ")"
}
func (n *Array) String() string {
	parts := make([]string, len(n.Elems))
	for i, a := range n.Elems {
		parts[i] = a.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// SyntaxError is a parse error at a 1-based character position.
type SyntaxError struct {
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s at position %d", e.Msg, e.Pos) }

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tIdent
	tOp
	tLParen
	tRParen
	tLBrack
	tRBrack
	tComma
)

type token struct {
	kind tokKind
	text string  // operator or identifier text; string value for tStr
	num  float64 // tNum
	pos  int     // 1-based character position
}

// lex splits src into tokens. Positions count characters (runes), 1-based.
func lex(src string) ([]token, error) {
	var toks []token
	pos := 0 // rune index
	i := 0
	for i < len(src) {
		r, w := utf8.DecodeRuneInString(src[i:])
		start := pos + 1
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			i += w
			pos++
		case r >= '0' && r <= '9' || r == '.':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && src[k] >= '0' && src[k] <= '9' {
					for k < len(src) && src[k] >= '0' && src[k] <= '9' {
						k++
					}
					j = k
				}
			}
			v, err := strconv.ParseFloat(src[i:j], 64)
			if err != nil {
				return nil, &SyntaxError{start, fmt.Sprintf("Invalid number %q", src[i:j])}
			}
			toks = append(toks, token{kind: tNum, num: v, text: src[i:j], pos: start})
			pos += j - i
			i = j
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			word := src[i:j]
			if word == "AND" || word == "OR" || word == "NOT" {
				toks = append(toks, token{kind: tOp, text: word, pos: start})
			} else {
				toks = append(toks, token{kind: tIdent, text: word, pos: start})
			}
			pos += j - i
			i = j
		case r == '"' || r == '\'' || r == '“' || r == '‘':
			// Strings: "..." (METRICS filter) or '...' (SEARCH); the user guide
			// also shows typographic quotes, which the console accepts.
			closing := r
			switch r {
			case '“':
				closing = '”'
			case '‘':
				closing = '’'
			}
			var b strings.Builder
			j := i + w
			p := pos + 1
			closed := false
			for j < len(src) {
				c, cw := utf8.DecodeRuneInString(src[j:])
				if c == closing {
					j += cw
					p++
					closed = true
					break
				}
				if c == '\\' && j+cw < len(src) {
					// Keep escapes verbatim: the SEARCH grammar interprets
					// them inside exact-match terms.
					b.WriteRune(c)
					j += cw
					p++
					c, cw = utf8.DecodeRuneInString(src[j:])
				}
				b.WriteRune(c)
				j += cw
				p++
			}
			if !closed {
				return nil, &SyntaxError{start, "Unterminated string"}
			}
			toks = append(toks, token{kind: tStr, text: b.String(), pos: start})
			pos = p
			i = j
		default:
			i += w
			pos++
			switch r {
			case '(':
				toks = append(toks, token{kind: tLParen, text: "(", pos: start})
			case ')':
				toks = append(toks, token{kind: tRParen, text: ")", pos: start})
			case '[':
				toks = append(toks, token{kind: tLBrack, text: "[", pos: start})
			case ']':
				toks = append(toks, token{kind: tRBrack, text: "]", pos: start})
			case ',':
				toks = append(toks, token{kind: tComma, text: ",", pos: start})
			case '+', '-', '*', '/', '^':
				toks = append(toks, token{kind: tOp, text: string(r), pos: start})
			case '=', '!', '<', '>', '&', '|':
				next := byte(0)
				if i < len(src) {
					next = src[i]
				}
				op, two := "", true
				switch {
				case r == '=' && next == '=':
					op = "=="
				case r == '!' && next == '=':
					op = "!="
				case r == '<' && next == '=':
					op = "<="
				case r == '>' && next == '=':
					op = ">="
				case r == '&' && next == '&':
					op = "AND"
				case r == '|' && next == '|':
					op = "OR"
				case r == '<':
					op, two = "<", false
				case r == '>':
					op, two = ">", false
				case r == '!':
					op, two = "NOT", false
				}
				if op == "" {
					return nil, &SyntaxError{start, fmt.Sprintf("Unrecognized token %q", string(r))}
				}
				if two {
					i++
					pos++
				}
				toks = append(toks, token{kind: tOp, text: op, pos: start})
			default:
				return nil, &SyntaxError{start, fmt.Sprintf("Unrecognized token %q", string(r))}
			}
		}
	}
	toks = append(toks, token{kind: tEOF, pos: pos + 1})
	return toks, nil
}

// Parse parses one metric-math expression. Errors are *SyntaxError values with
// the 1-based character position of the problem.
func Parse(src string) (Node, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &SyntaxError{1, "Empty expression"}
	}
	if n := utf8.RuneCountInString(src); n > MaxExpressionLength {
		return nil, &SyntaxError{MaxExpressionLength + 1, fmt.Sprintf("Expression is longer than %d characters", MaxExpressionLength)}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &SyntaxError{t.pos, fmt.Sprintf("Unexpected %s", describe(t))}
	}
	return n, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tStr:
		return "string " + strconv.Quote(t.text)
	default:
		return "token " + strconv.Quote(t.text)
	}
}

// Binding powers, lowest first: OR, AND, comparison, + -, * /, unary, ^.
func binPower(op string) int {
	switch op {
	case "OR":
		return 1
	case "AND":
		return 2
	case "==", "!=", "<", "<=", ">", ">=":
		return 3
	case "+", "-":
		return 4
	case "*", "/":
		return 5
	case "^":
		return 7
	}
	return 0
}

// expr parses with precedence climbing; operators bind tighter than minPower.
func (p *parser) expr(minPower int) (Node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, &SyntaxError{p.peek().pos, "Expression is nested too deeply"}
	}
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tOp || t.text == "NOT" {
			return left, nil
		}
		bp := binPower(t.text)
		if bp <= minPower {
			return left, nil
		}
		p.next()
		next := bp
		if t.text == "^" {
			next = bp - 1 // right-associative
		}
		right, err := p.expr(next)
		if err != nil {
			return nil, err
		}
		left = &Binary{At: t.pos, Op: t.text, X: left, Y: right}
	}
}

func (p *parser) unary() (Node, error) {
	t := p.peek()
	if t.kind == tOp && (t.text == "-" || t.text == "+") {
		p.next()
		// Unary minus binds looser than ^ (-2^2 is -4) and tighter than * /.
		x, err := p.expr(6)
		if err != nil {
			return nil, err
		}
		if t.text == "+" {
			return x, nil
		}
		if n, ok := x.(*Number); ok {
			return &Number{At: t.pos, Value: -n.Value}, nil
		}
		return &Unary{At: t.pos, Op: "-", X: x}, nil
	}
	if t.kind == tOp && t.text == "NOT" {
		p.next()
		// NOT applies to a comparison: NOT a > b is NOT (a > b).
		x, err := p.expr(2)
		if err != nil {
			return nil, err
		}
		return &Unary{At: t.pos, Op: "NOT", X: x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (Node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, &SyntaxError{p.peek().pos, "Expression is nested too deeply"}
	}
	t := p.next()
	switch t.kind {
	case tNum:
		return &Number{At: t.pos, Value: t.num}, nil
	case tStr:
		return &String{At: t.pos, Value: t.text}, nil
	case tLParen:
		x, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, &SyntaxError{c.pos, fmt.Sprintf("Expected \")\" but found %s", describe(c))}
		}
		return x, nil
	case tLBrack:
		arr := &Array{At: t.pos}
		if p.peek().kind == tRBrack {
			return nil, &SyntaxError{p.peek().pos, "Empty array"}
		}
		for {
			x, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			arr.Elems = append(arr.Elems, x)
			c := p.next()
			if c.kind == tRBrack {
				return arr, nil
			}
			if c.kind != tComma {
				return nil, &SyntaxError{c.pos, fmt.Sprintf("Expected \",\" or \"]\" but found %s", describe(c))}
			}
		}
	case tIdent:
		if p.peek().kind == tLParen {
			p.next()
			call := &Call{At: t.pos, Name: t.text}
			if p.peek().kind == tRParen {
				p.next()
				return call, nil
			}
			for {
				x, err := p.expr(0)
				if err != nil {
					return nil, err
				}
				call.Args = append(call.Args, x)
				c := p.next()
				if c.kind == tRParen {
					return call, nil
				}
				if c.kind != tComma {
					return nil, &SyntaxError{c.pos, fmt.Sprintf("Expected \",\" or \")\" but found %s", describe(c))}
				}
			}
		}
		return &Ident{At: t.pos, Name: t.text}, nil
	}
	return nil, &SyntaxError{t.pos, fmt.Sprintf("Unexpected %s", describe(t))}
}
