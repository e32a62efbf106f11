package filterpattern

import (
	"encoding/binary"
	"math/bits"
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
	// lens has bit n set when some key of keys is n bytes long (n < 64), so
	// most keys of a document are dismissed without a comparison.
	lens uint64
}

type jkey struct {
	name string
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
	if l := len(name); l < 64 && n.lens&(1<<l) == 0 {
		return nil
	}
	for i := range n.keys {
		if n.keys[i].name == string(name) {
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
				cur.keys = append(cur.keys, jkey{name: st.key, next: next})
				if len(st.key) < 64 {
					cur.lens |= 1 << len(st.key)
				} else {
					cur.lens = ^uint64(0) // long keys: no length filter
				}
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
// the trie and skipping everything else. The position is passed in and out of
// each method (rather than kept in the struct) so it stays in a register.
type scanner struct {
	b     []byte
	depth int
	slots []jval
}

func skipWS(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// document scans a whole message that must be a JSON object.
func (s *scanner) document(root *jnode) bool {
	i := skipWS(s.b, 0)
	if i >= len(s.b) || s.b[i] != '{' {
		return false
	}
	i, ok := s.object(i, root)
	if !ok {
		return false
	}
	return skipWS(s.b, i) == len(s.b)
}

// value scans the value at i (no leading whitespace) and returns the index
// after it.
func (s *scanner) value(i int, n *jnode) (int, bool) {
	b := s.b
	if i >= len(b) {
		return i, false
	}
	var v jval
	switch c := b[i]; c {
	case '{':
		if n != nil && n.slot >= 0 {
			s.slots[n.slot] = jval{kind: Object}
		}
		return s.object(i, n)
	case '[':
		if n != nil && n.slot >= 0 {
			s.slots[n.slot] = jval{kind: Array}
		}
		return s.array(i, n)
	case '"':
		end, esc, ok := scanString(b, i)
		if !ok {
			return i, false
		}
		v = jval{kind: String, esc: esc, start: int32(i + 1), end: int32(end)}
		i = end + 1
	case 't':
		if len(b)-i < 4 || string(b[i:i+4]) != "true" {
			return i, false
		}
		v = jval{kind: True}
		i += 4
	case 'f':
		if len(b)-i < 5 || string(b[i:i+5]) != "false" {
			return i, false
		}
		v = jval{kind: False}
		i += 5
	case 'n':
		if len(b)-i < 4 || string(b[i:i+4]) != "null" {
			return i, false
		}
		v = jval{kind: Null}
		i += 4
	default:
		end, ok := scanNumber(b, i)
		if !ok {
			return i, false
		}
		v = jval{kind: Number, start: int32(i), end: int32(end)}
		i = end
	}
	if n != nil && n.slot >= 0 {
		s.slots[n.slot] = v
	}
	return i, true
}

// scanString scans the string whose opening quote is at i and returns the
// index of its closing quote and whether it contains escapes. It checks eight
// bytes at a time for a quote, a backslash or a control character (SWAR).
func scanString(b []byte, i int) (end int, esc bool, ok bool) {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	for i++; i < len(b); i++ {
		for i+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[i:])
			q := w ^ (lsb * '"')
			bs := w ^ (lsb * '\\')
			m := ((q - lsb) &^ q) | ((bs - lsb) &^ bs) | ((w - lsb*0x20) &^ w)
			if m &= msb; m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		if c == '"' {
			return i, esc, true
		}
		if c == '\\' {
			esc = true
			i++
		} else if c < 0x20 {
			return 0, false, false
		}
	}
	return 0, false, false
}

func scanNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return i, false
	}
	if b[i] == '0' {
		i++
	} else if b[i] >= '1' && b[i] <= '9' {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	} else {
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		st := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == st {
			return i, false
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
			return i, false
		}
	}
	return i, true
}

func (s *scanner) object(i int, n *jnode) (int, bool) {
	b := s.b
	s.depth++
	if s.depth > maxJSONDepth {
		return i, false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		s.depth--
		return i + 1, true
	}
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] != '"' {
			return i, false
		}
		kend, kesc, ok := scanString(b, i)
		if !ok {
			return i, false
		}
		var child *jnode
		if n != nil && len(n.keys) > 0 {
			key := b[i+1 : kend]
			if kesc {
				key = unescape(nil, key)
			}
			child = n.childKey(key)
		}
		i = skipWS(b, kend+1)
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		i = skipWS(b, i+1)
		if i, ok = s.value(i, child); !ok {
			return i, false
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return i, false
		}
		if b[i] == ',' {
			i++
			continue
		}
		if b[i] == '}' {
			s.depth--
			return i + 1, true
		}
		return i, false
	}
}

func (s *scanner) array(i int, n *jnode) (int, bool) {
	b := s.b
	s.depth++
	if s.depth > maxJSONDepth {
		return i, false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		s.depth--
		return i + 1, true
	}
	for k := 0; ; k++ {
		var child *jnode
		if n != nil && len(n.idx) > 0 {
			child = n.childIdx(k)
		}
		i = skipWS(b, i)
		var ok bool
		if i, ok = s.value(i, child); !ok {
			return i, false
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return i, false
		}
		if b[i] == ',' {
			i++
			continue
		}
		if b[i] == ']' {
			s.depth--
			return i + 1, true
		}
		return i, false
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
