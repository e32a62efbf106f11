package metricmath

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxSearchLength is the longest SEARCH query string (AWS: 1,024 characters).
const MaxSearchLength = 1024

// SearchQuery is a parsed SEARCH query string:
//
//	{Namespace, DimensionName1, ...} SearchTerm
//
// The optional metric schema (in braces) restricts the search to metrics of
// that namespace whose dimension names are exactly the listed ones. The
// optional search term combines terms with AND (also implicit), OR, NOT and
// parentheses; a term is a partial match (tokens, see [SearchQuery.Match]), an
// exact match in double quotes, and either may carry a property designator:
// MetricName=, Namespace= or DimensionName=.
type SearchQuery struct {
	// HasSchema tells whether the query has a metric schema.
	HasSchema bool
	// Namespace and Dimensions are the schema's namespace and dimension names.
	Namespace  string
	Dimensions []string
	expr       *searchNode
}

// searchNode is a node of the search term: AND, OR, NOT or a term. It is a
// concrete type (not an interface) so that matching does not make the
// matched metric escape to the heap.
type searchNode struct {
	op   byte // '&', '|', '!' or 't'
	x, y *searchNode
	term *searchTerm
}

type searchTarget struct {
	namespace, name string
	dims            []Dimension
}

// searchTerm is one term: an exact string or a partial-match pattern,
// optionally bound to a property (MetricName, Namespace or a dimension name).
type searchTerm struct {
	prop  string
	exact bool
	value string
	words [][]string // partial match: words of the term, each as tokens
	full  string     // partial match of one word: the word itself
}

func (n *searchNode) match(m *searchTarget) bool {
	switch n.op {
	case '&':
		return n.x.match(m) && n.y.match(m)
	case '|':
		return n.x.match(m) || n.y.match(m)
	case '!':
		return !n.x.match(m)
	}
	return n.term.match(m)
}

func (t *searchTerm) matchString(s string) bool {
	if t.exact {
		return s == t.value
	}
	return partialMatch(t.words, t.full, s)
}

func (t *searchTerm) match(m *searchTarget) bool {
	switch t.prop {
	case "":
		if t.matchString(m.name) || t.matchString(m.namespace) {
			return true
		}
		for _, d := range m.dims {
			if t.matchString(d.Name) || t.matchString(d.Value) {
				return true
			}
		}
		return false
	case "MetricName":
		return t.matchString(m.name)
	case "Namespace":
		return t.matchString(m.namespace)
	}
	for _, d := range m.dims {
		if d.Name == t.prop && t.matchString(d.Value) {
			return true
		}
	}
	return false
}

// Match reports whether the metric (namespace, name, dimensions) matches the
// query.
//
// Partial matches work on tokens, as CloudWatch generates them: names split
// at non-alphanumeric characters, at lower-to-upper case changes
// ("CustomCount" is "Custom", "Count"), before the last capital of a capital
// run followed by lower case ("SDBFailure" is "SDB", "Failure"), and where
// digits start or stop; the whole name with its delimiters removed is a token
// too. A search word that is one token matches any one token regardless of
// case ("count", "COUNT"); a word of several tokens must match consecutive
// tokens with the same case ("CustomCount" and "Count1" match CustomCount1,
// "customcount" and "count1" do not); words separated by delimiters in the
// term match consecutive tokens ("network-errors" matches Network-Errors-2).
func (q *SearchQuery) Match(namespace, metricName string, dims []Dimension) bool {
	if q.HasSchema {
		if namespace != q.Namespace || len(dims) != len(q.Dimensions) {
			return false
		}
		for _, want := range q.Dimensions {
			found := false
			for _, d := range dims {
				if d.Name == want {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
	}
	if q.expr == nil {
		return true
	}
	m := searchTarget{namespace: namespace, name: metricName, dims: dims}
	return q.expr.match(&m)
}

// MetricNameEquals returns the metric name every match has, when the search
// term requires one exactly: a MetricName="..." term that the whole term
// joins with AND. A catalogue ordered by namespace and metric name can then
// visit just that name's metrics.
func (q *SearchQuery) MetricNameEquals() (string, bool) { return q.expr.requiredName() }

func (n *searchNode) requiredName() (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.op {
	case '&':
		if v, ok := n.x.requiredName(); ok {
			return v, true
		}
		return n.y.requiredName()
	case 't':
		if n.term.prop == "MetricName" && n.term.exact {
			return n.term.value, true
		}
	}
	return "", false
}

type span struct{ start, end int }

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// tokenize appends the token spans of s to buf. Non-ASCII bytes count as
// delimiters.
func tokenize(s string, buf []span) []span {
	i := 0
	for i < len(s) {
		if !isAlnum(s[i]) {
			i++
			continue
		}
		start := i
		i++
		for i < len(s) && isAlnum(s[i]) {
			prev, c := s[i-1], s[i]
			split := false
			switch {
			case isDigit(prev) != isDigit(c):
				split = true
			case isLower(prev) && isUpper(c):
				split = true
			case isUpper(prev) && isUpper(c) && i+1 < len(s) && isLower(s[i+1]):
				split = true
			}
			if split {
				buf = append(buf, span{start, i})
				start = i
			}
			i++
		}
		buf = append(buf, span{start, i})
	}
	return buf
}

func tokenStrings(s string) []string {
	var out []string
	for _, sp := range tokenize(s, nil) {
		out = append(out, s[sp.start:sp.end])
	}
	return out
}

// partialMatch reports whether the words (each a list of tokens) match
// consecutive tokens of s.
func partialMatch(words [][]string, full, s string) bool {
	// A single word also matches the whole name without its delimiters,
	// regardless of case ("customcount1" for CustomCount1).
	if full != "" && fullTokenEqual(s, full) {
		return true
	}
	if len(words) == 0 {
		return false
	}
	// Every token of the term is a substring of s, regardless of case: a
	// cheap test that rejects most names before tokenizing them.
	for _, w := range words {
		for _, wt := range w {
			if !containsFold(s, wt) {
				return false
			}
		}
	}
	var arr [48]span
	toks := tokenize(s, arr[:0])
	if len(toks) == 0 {
		return false
	}
	need := 0
	for _, w := range words {
		need += len(w)
	}
	for start := 0; start+need <= len(toks); start++ {
		k := start
		ok := true
		for _, w := range words {
			for _, wt := range w {
				tok := s[toks[k].start:toks[k].end]
				if len(w) == 1 {
					ok = strings.EqualFold(tok, wt)
				} else {
					ok = tok == wt
				}
				if !ok {
					break
				}
				k++
			}
			if !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// fullTokenEqual compares the alphanumeric characters of s, case-folded, with
// word.
func fullTokenEqual(s, word string) bool {
	j := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) {
			continue
		}
		if j >= len(word) {
			return false
		}
		w := word[j]
		if c|0x20 != w|0x20 || !isAlnum(w) {
			return false
		}
		j++
	}
	return j == len(word)
}

// ParseSearch parses a SEARCH query string.
func ParseSearch(src string) (*SearchQuery, error) {
	if utf8.RuneCountInString(src) > MaxSearchLength {
		return nil, fmt.Errorf("the search query is longer than %d characters", MaxSearchLength)
	}
	p := &searchParser{src: src}
	q := &SearchQuery{}
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == '{' {
		p.i++
		q.HasSchema = true
		var names []string
		for {
			p.skipSpace()
			name, err := p.schemaName()
			if err != nil {
				return nil, err
			}
			if name == "" {
				return nil, fmt.Errorf("empty name in the metric schema at position %d", p.i+1)
			}
			names = append(names, name)
			p.skipSpace()
			if p.i >= len(p.src) {
				return nil, errors.New("unterminated metric schema: missing \"}\"")
			}
			if p.src[p.i] == '}' {
				p.i++
				break
			}
			if p.src[p.i] != ',' {
				return nil, fmt.Errorf("unexpected %q in the metric schema at position %d", p.src[p.i], p.i+1)
			}
			p.i++
		}
		q.Namespace, q.Dimensions = names[0], names[1:]
		p.skipSpace()
		if p.i < len(p.src) && p.src[p.i] == ',' { // "{MyNamespace}, term" is accepted
			p.i++
		}
	}
	toks, err := p.lex()
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		if !q.HasSchema {
			return nil, errors.New("a search must have a metric schema, a search term, or both")
		}
		return q, nil
	}
	sp := &searchTermParser{toks: toks}
	q.expr, err = sp.or(0)
	if err != nil {
		return nil, err
	}
	if sp.i < len(sp.toks) {
		return nil, fmt.Errorf("unexpected %q at position %d", sp.toks[sp.i].text, sp.toks[sp.i].pos)
	}
	return q, nil
}

type searchParser struct {
	src string
	i   int
}

func (p *searchParser) skipSpace() {
	for p.i < len(p.src) && (p.src[p.i] == ' ' || p.src[p.i] == '\t' || p.src[p.i] == '\n' || p.src[p.i] == '\r') {
		p.i++
	}
}

func (p *searchParser) schemaName() (string, error) {
	if p.i < len(p.src) && p.src[p.i] == '"' {
		return p.quoted()
	}
	start := p.i
	for p.i < len(p.src) && p.src[p.i] != ',' && p.src[p.i] != '}' {
		p.i++
	}
	return strings.TrimSpace(p.src[start:p.i]), nil
}

// quoted reads a double-quoted string at p.i; \" \\ \( \) are escapes.
func (p *searchParser) quoted() (string, error) {
	start := p.i
	p.i++
	var b strings.Builder
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '\\' && p.i+1 < len(p.src):
			b.WriteByte(p.src[p.i+1])
			p.i += 2
		case c == '"':
			p.i++
			return b.String(), nil
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", fmt.Errorf("unterminated quoted string at position %d", start+1)
}

type stok struct {
	kind  byte // '(' ')' 'w' word, 'q' quoted, '=' , 'k' keyword AND/OR/NOT
	text  string
	pos   int
	quote bool
}

func (p *searchParser) lex() ([]stok, error) {
	var toks []stok
	for {
		p.skipSpace()
		if p.i >= len(p.src) {
			return toks, nil
		}
		c := p.src[p.i]
		pos := p.i + 1
		switch c {
		case '(', ')', '=':
			toks = append(toks, stok{kind: c, text: string(c), pos: pos})
			p.i++
		case '"':
			s, err := p.quoted()
			if err != nil {
				return nil, err
			}
			toks = append(toks, stok{kind: 'q', text: s, pos: pos})
		case '{', '}':
			return nil, fmt.Errorf("unexpected %q at position %d: the metric schema must come first", c, pos)
		default:
			start := p.i
			for p.i < len(p.src) {
				c := p.src[p.i]
				if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == '"' || c == '=' {
					break
				}
				p.i++
			}
			w := p.src[start:p.i]
			if w == "AND" || w == "OR" || w == "NOT" {
				toks = append(toks, stok{kind: 'k', text: w, pos: pos})
			} else {
				toks = append(toks, stok{kind: 'w', text: w, pos: pos})
			}
		}
	}
}

type searchTermParser struct {
	toks  []stok
	i     int
	depth int
}

func (p *searchTermParser) peek() *stok {
	if p.i < len(p.toks) {
		return &p.toks[p.i]
	}
	return nil
}

func (p *searchTermParser) or(depth int) (*searchNode, error) {
	if depth > maxDepth {
		return nil, errors.New("the search term is nested too deeply")
	}
	x, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t != nil && t.kind == 'k' && t.text == "OR"; t = p.peek() {
		p.i++
		y, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		x = &searchNode{op: '|', x: x, y: y}
	}
	return x, nil
}

func (p *searchTermParser) and(depth int) (*searchNode, error) {
	x, err := p.not(depth)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t == nil || t.kind == ')' || t.kind == 'k' && t.text == "OR" {
			return x, nil
		}
		if t.kind == 'k' && t.text == "AND" {
			p.i++
		}
		y, err := p.not(depth)
		if err != nil {
			return nil, err
		}
		x = &searchNode{op: '&', x: x, y: y}
	}
}

func (p *searchTermParser) not(depth int) (*searchNode, error) {
	t := p.peek()
	if t != nil && t.kind == 'k' && t.text == "NOT" {
		p.i++
		if depth > maxDepth {
			return nil, errors.New("the search term is nested too deeply")
		}
		x, err := p.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return &searchNode{op: '!', x: x}, nil
	}
	return p.primary(depth)
}

func (p *searchTermParser) primary(depth int) (*searchNode, error) {
	t := p.peek()
	if t == nil {
		return nil, errors.New("unexpected end of the search term")
	}
	p.i++
	switch t.kind {
	case '(':
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c == nil || c.kind != ')' {
			return nil, fmt.Errorf("missing \")\" for the \"(\" at position %d", t.pos)
		}
		p.i++
		return x, nil
	case 'w', 'q':
		if n := p.peek(); n != nil && n.kind == '=' {
			p.i++
			v := p.peek()
			if v == nil || v.kind != 'w' && v.kind != 'q' {
				return nil, fmt.Errorf("missing the value of %s= at position %d", t.text, n.pos)
			}
			p.i++
			return newTerm(t.text, v)
		}
		return newTerm("", t)
	}
	return nil, fmt.Errorf("unexpected %q at position %d", t.text, t.pos)
}

func newTerm(prop string, t *stok) (*searchNode, error) {
	if t.kind == 'q' {
		return &searchNode{op: 't', term: &searchTerm{prop: prop, exact: true, value: t.text}}, nil
	}
	term := &searchTerm{prop: prop, value: t.text}
	start := -1
	for i := 0; i <= len(t.text); i++ {
		if i < len(t.text) && isAlnum(t.text[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			term.words = append(term.words, tokenStrings(t.text[start:i]))
			start = -1
		}
	}
	if len(term.words) == 0 {
		return nil, fmt.Errorf("the search term %q has no letters or digits (use double quotes for an exact match)", t.text)
	}
	if len(term.words) == 1 {
		term.full = strings.Join(term.words[0], "")
	}
	return &searchNode{op: 't', term: term}, nil
}

// containsFold reports whether s contains sub, ASCII case-insensitively.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	first := sub[0] | 0x20
	for i := 0; i+n <= len(s); i++ {
		if s[i]|0x20 != first {
			continue
		}
		j := 1
		for j < n && s[i+j]|0x20 == sub[j]|0x20 {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}
