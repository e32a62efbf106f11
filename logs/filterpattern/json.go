package filterpattern

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jnode is a node of the selector trie: the object keys and array indexes some
// selector descends into, and the slot a selector ending here fills.
type jnode struct {
	keys []jkey
	idx  []jidx
	slot int
}

type jkey struct {
	name []byte
	next *jnode
}

type jidx struct {
	i    int
	next *jnode
}

// step is one selector step: an object key or an array index.
type step struct {
	key   string
	index int // -1 for a key step
}

func (n *jnode) childKey(name []byte) *jnode {
	for i := range n.keys {
		if bytes.Equal(n.keys[i].name, name) {
			return n.keys[i].next
		}
	}
	return nil
}

func (n *jnode) childIdx(i int) *jnode {
	for k := range n.idx {
		if n.idx[k].i == i {
			return n.idx[k].next
		}
	}
	return nil
}

// insert adds a selector path and returns its slot (shared by equal paths).
func (n *jnode) insert(path []step, nslots *int) int {
	cur := n
	for _, st := range path {
		var next *jnode
		if st.index < 0 {
			next = cur.childKey([]byte(st.key))
			if next == nil {
				next = &jnode{slot: -1}
				cur.keys = append(cur.keys, jkey{name: []byte(st.key), next: next})
			}
		} else {
			next = cur.childIdx(st.index)
			if next == nil {
				next = &jnode{slot: -1}
				cur.idx = append(cur.idx, jidx{i: st.index, next: next})
			}
		}
		cur = next
	}
	if cur.slot < 0 {
		cur.slot = *nslots
		*nslots++
	}
	return cur.slot
}

func isSelectorByte(c byte) bool { return isWordByte(c) || c == '-' }

// parseSelector parses `$.a.b[0]` at ep.i.
func parseSelector(ep *exprParser) ([]step, error) {
	ep.ws()
	if ep.i >= len(ep.src) || ep.src[ep.i] != '$' {
		return nil, ep.errf("a JSON condition must start with a selector such as $.field")
	}
	ep.i++
	var path []step
	for ep.i < len(ep.src) {
		c := ep.src[ep.i]
		if c == '.' {
			ep.i++
			j := ep.i
			for j < len(ep.src) && isSelectorByte(ep.src[j]) {
				j++
			}
			if j == ep.i {
				return nil, ep.errf("a property name (letters, digits, - and _) must follow '.' in a selector")
			}
			path = append(path, step{key: ep.src[ep.i:j], index: -1})
			ep.i = j
			continue
		}
		if c == '[' {
			if len(path) == 0 {
				return nil, ep.errf("array elements must follow a property, as in $.list[0]")
			}
			ep.i++
			j := ep.i
			for j < len(ep.src) && ep.src[j] >= '0' && ep.src[j] <= '9' {
				j++
			}
			if j == ep.i || j >= len(ep.src) || ep.src[j] != ']' {
				return nil, ep.errf("an array index must be a number in brackets, as in [0]")
			}
			n, err := strconv.Atoi(ep.src[ep.i:j])
			if err != nil || n > 1<<20 {
				return nil, ep.errf("array index %s is too large", ep.src[ep.i:j])
			}
			path = append(path, step{index: n})
			ep.i = j + 1
			continue
		}
		break
	}
	if len(path) == 0 {
		return nil, ep.errf("a selector must name a property, as in $.field")
	}
	if ep.i < len(ep.src) && !isSpace(ep.src[ep.i]) && strings.IndexByte("=!<>)}&|", ep.src[ep.i]) < 0 {
		return nil, ep.errf("unexpected character %q in selector", ep.src[ep.i:ep.i+1])
	}
	return path, nil
}

func (p *Pattern) parseJSON(src string) error {
	p.jtrie = &jnode{slot: -1}
	ep := &exprParser{src: src}
	ep.ws()
	ep.i++ // '{'
	ep.cond = func(ep *exprParser) (*expr, error) {
		path, err := parseSelector(ep)
		if err != nil {
			return nil, err
		}
		e := &expr{}
		ep.ws()
		switch {
		case ep.peek2("IS NULL"):
			e.op = opIsNull
			ep.i += 7
		case ep.peek2("IS TRUE"):
			e.op = opIsTrue
			ep.i += 7
		case ep.peek2("IS FALSE"):
			e.op = opIsFalse
			ep.i += 8
		case ep.peek2("NOT EXISTS"):
			e.op = opNotExists
			ep.i += 10
		default:
			o, ok := ep.parseOp()
			if !ok {
				return nil, ep.errf("expected an operator (=, !=, <, >, <=, >=, IS NULL, IS TRUE, IS FALSE, NOT EXISTS) after the selector")
			}
			e.op = o
			v, err := ep.parseValue(o, ")}", &p.regexN)
			if err != nil {
				return nil, err
			}
			e.val = v
		}
		if ep.i < len(ep.src) && isWordByte(ep.src[ep.i]) {
			return nil, ep.errf("unexpected text after a condition")
		}
		e.slot = p.jtrie.insert(path, &p.jn)
		return e, nil
	}
	e, err := ep.parseOr(0)
	if err != nil {
		return err
	}
	ep.ws()
	if ep.i >= len(src) || src[ep.i] != '}' {
		if ep.i < len(src) && src[ep.i] == ')' {
			return ep.errf("unbalanced closing parenthesis")
		}
		return ep.errf("expected && or || or the closing } of a JSON pattern")
	}
	ep.i++
	ep.ws()
	if ep.i != len(src) {
		return ep.errf("unexpected text after the closing } of a JSON pattern")
	}
	p.jexpr = e
	return nil
}

// jval is what the scanner found at a selector: its kind and the span of its
// text (string contents without quotes, or the number's text).
type jval struct {
	kind       ValueKind
	esc        bool
	start, end int32
}

const maxJSONDepth = 512

// scanner walks one JSON document once, filling the slots of the selectors in
// the trie and skipping everything else.
type scanner struct {
	b     []byte
	i     int
	depth int
	slots []jval
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) set(n *jnode, v jval) {
	if n != nil && n.slot >= 0 {
		s.slots[n.slot] = v
	}
}

// document scans a whole message that must be a JSON object.
func (s *scanner) document(root *jnode) bool {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return false
	}
	if !s.value(root) {
		return false
	}
	s.ws()
	return s.i == len(s.b)
}

func (s *scanner) value(n *jnode) bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; c {
	case '{':
		s.set(n, jval{kind: Object})
		return s.object(n)
	case '[':
		s.set(n, jval{kind: Array})
		return s.array(n)
	case '"':
		start := s.i + 1
		end, esc, ok := s.str()
		if !ok {
			return false
		}
		s.set(n, jval{kind: String, esc: esc, start: int32(start), end: int32(end)})
		return true
	case 't':
		return s.lit("true", n, True)
	case 'f':
		return s.lit("false", n, False)
	case 'n':
		return s.lit("null", n, Null)
	default:
		start := s.i
		if !s.number() {
			return false
		}
		s.set(n, jval{kind: Number, start: int32(start), end: int32(s.i)})
		return true
	}
}

func (s *scanner) lit(word string, n *jnode, k ValueKind) bool {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	s.set(n, jval{kind: k})
	return true
}

// str scans a string at s.i (the opening quote) and returns the index of its
// closing quote and whether it contains escapes. Strings in log lines are short,
// so a plain byte loop beats two IndexByte calls.
func (s *scanner) str() (end int, esc bool, ok bool) {
	b := s.b
	for i := s.i + 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return i, esc, true
		case c == '\\':
			esc = true
			i++
		case c < 0x20:
			return 0, false, false
		}
	}
	return 0, false, false
}

func (s *scanner) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return false
	}
	if b[i] == '0' {
		i++
	} else if b[i] >= '1' && b[i] <= '9' {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		st := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == st {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		st := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == st {
			return false
		}
	}
	s.i = i
	return true
}

func (s *scanner) object(n *jnode) bool {
	s.depth++
	if s.depth > maxJSONDepth {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			return false
		}
		kstart := s.i + 1
		kend, kesc, ok := s.str()
		if !ok {
			return false
		}
		var child *jnode
		if n != nil && len(n.keys) > 0 {
			key := s.b[kstart:kend]
			if kesc {
				key = unescape(nil, key)
			}
			child = n.childKey(key)
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		if !s.value(child) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		if s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.b[s.i] == '}' {
			s.i++
			s.depth--
			return true
		}
		return false
	}
}

func (s *scanner) array(n *jnode) bool {
	s.depth++
	if s.depth > maxJSONDepth {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		s.depth--
		return true
	}
	for k := 0; ; k++ {
		var child *jnode
		if n != nil && len(n.idx) > 0 {
			child = n.childIdx(k)
		}
		if !s.value(child) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		if s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.b[s.i] == ']' {
			s.i++
			s.depth--
			return true
		}
		return false
	}
}

// unescape appends the decoded form of a JSON string body (without quotes).
func unescape(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			dst = append(dst, c)
			continue
		}
		i++
		switch b[i] {
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'r':
			dst = append(dst, '\r')
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'u':
			if i+4 < len(b) {
				r := hex4(b[i+1 : i+5])
				i += 4
				if r >= 0xD800 && r < 0xDC00 && i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
					lo := hex4(b[i+3 : i+7])
					if lo >= 0xDC00 && lo < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
						i += 6
					}
				}
				if r < 0 {
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
			}
		default:
			dst = append(dst, b[i])
		}
	}
	return dst
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}

func (p *Pattern) matchJSON(msg []byte) bool {
	var buf [16]jval
	var slots []jval
	if p.jn <= len(buf) {
		slots = buf[:p.jn]
	} else {
		slots = make([]jval, p.jn)
	}
	sc := scanner{b: msg, slots: slots}
	if !sc.document(p.jtrie) {
		return false
	}
	return evalJSON(p.jexpr, msg, slots)
}

func evalJSON(e *expr, msg []byte, slots []jval) bool {
	switch {
	case e.and:
		return evalJSON(e.l, msg, slots) && evalJSON(e.r, msg, slots)
	case e.or:
		return evalJSON(e.l, msg, slots) || evalJSON(e.r, msg, slots)
	}
	v := slots[e.slot]
	text := msg[v.start:v.end]
	if v.esc {
		var tmp [128]byte
		text = unescape(tmp[:0], text)
	}
	return e.compare(v.kind, text, false)
}

// Path is a compiled JSON selector such as $.latency or $.a.b[0], used by metric
// filters to take metric values and dimension values from JSON events.
type Path struct {
	src  string
	trie *jnode
}

// CompilePath parses a JSON selector ($.field, $.a.b, $.list[0]).
func CompilePath(sel string) (*Path, error) {
	ep := &exprParser{src: sel}
	path, err := parseSelector(ep)
	if err != nil {
		return nil, err
	}
	if ep.i != len(sel) {
		return nil, ep.errf("unexpected text after the selector")
	}
	p := &Path{src: sel, trie: &jnode{slot: -1}}
	n := 0
	p.trie.insert(path, &n)
	return p, nil
}

// String returns the selector's text.
func (p *Path) String() string { return p.src }

// Lookup finds the selector's value in a JSON message. text is the decoded string
// or the number's text; kind is Missing when the message is not a JSON object or
// has nothing at the selector.
func (p *Path) Lookup(msg []byte) (text string, kind ValueKind) {
	var slots [1]jval
	sc := scanner{b: msg, slots: slots[:]}
	if !sc.document(p.trie) {
		return "", Missing
	}
	v := slots[0]
	b := msg[v.start:v.end]
	if v.esc {
		b = unescape(nil, b)
	}
	switch v.kind {
	case String, Number:
		return string(b), v.kind
	case True:
		return "true", True
	case False:
		return "false", False
	case Null:
		return "null", Null
	}
	return "", v.kind
}
