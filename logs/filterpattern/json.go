package filterpattern

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"maps"
	"math/bits"
	"slices"
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
	// below lists the slots of the selectors that go deeper than this node:
	// they are reset when a duplicate key gives the node a new value.
	below []int
	// bit is 1<<k for the k-th key of the parent node (0 from the 64th key
	// on: bit 63 is flat's "never decided" mark).
	bit uint64
}

type jkey struct {
	name string
	next *jnode
	// head is the name's first eight bytes, little-endian, zero-padded.
	head uint64
}

// keyHead is the first eight bytes of b (zero-padded), little-endian.
func keyHead(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	var w uint64
	for i := len(b) - 1; i >= 0; i-- {
		w = w<<8 | uint64(b[i])
	}
	return w
}

type jidx struct {
	i    int
	next *jnode
}

// step is one selector step: an object key, an array index, or a wildcard.
type step struct {
	key   string
	index int // -1 for a key step, anyMember for `.*`, anyElement for `[*]`
}

// Wildcard steps (issue 19: the current guide's `$.*` and `$.arrayKey[*]`).
const (
	anyMember  = -2
	anyElement = -3
)

func hasWildcard(path []step) bool {
	for _, st := range path {
		if st.index == anyMember || st.index == anyElement {
			return true
		}
	}
	return false
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

// childKeyIn is childKey for the key b[st:end] of a message whose byte at end
// is its closing quote, comparing eight bytes at a time where it can.
func (n *jnode) childKeyIn(b []byte, st, end int) *jnode {
	l := end - st
	var head uint64
	if st+8 <= len(b) {
		head = binary.LittleEndian.Uint64(b[st:])
		if l < 8 {
			head &= 1<<(8*uint(l)) - 1
		}
	} else {
		head = keyHead(b[st:end])
	}
	for i := range n.keys {
		k := &n.keys[i]
		if k.head == head && len(k.name) == l && (l <= 8 || k.name[8:] == string(b[st+8:end])) {
			return k.next
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
				if len(cur.keys) < 63 {
					next.bit = 1 << len(cur.keys)
				}
				cur.keys = append(cur.keys, jkey{name: st.key, next: next, head: keyHead([]byte(st.key))})
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

// finish fills in below for n and the nodes under it and returns the slots of
// n's subtree.
func (n *jnode) finish() []int {
	var all []int
	for _, k := range n.keys {
		all = append(all, k.next.finish()...)
	}
	for _, k := range n.idx {
		all = append(all, k.next.finish()...)
	}
	n.below = all
	if n.slot >= 0 {
		return append([]int{n.slot}, all...)
	}
	return all
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
		if c == '.' && ep.i+1 < len(ep.src) && ep.src[ep.i+1] == '*' {
			path = append(path, step{index: anyMember})
			ep.i += 2
			continue
		}
		if c == '.' && ep.i+1 < len(ep.src) && ep.src[ep.i+1] == '[' || c == '[' && ep.i+1 < len(ep.src) && (ep.src[ep.i+1] == '\'' || ep.src[ep.i+1] == '"') {
			// Bracket notation for keys with dots or other characters:
			// $.['cluster.name'] (or ["cluster.name"]).
			if c == '.' {
				ep.i++
			}
			if ep.i+1 >= len(ep.src) || (ep.src[ep.i+1] != '\'' && ep.src[ep.i+1] != '"') {
				return nil, ep.errf("a quoted property name must follow '.[' in a selector, as in $.['cluster.name']")
			}
			q := ep.src[ep.i+1]
			j := strings.IndexByte(ep.src[ep.i+2:], q)
			if j < 0 || ep.i+2+j+1 >= len(ep.src) || ep.src[ep.i+2+j+1] != ']' {
				return nil, ep.errf("unterminated bracketed property name; use $.['name']")
			}
			key := ep.src[ep.i+2 : ep.i+2+j]
			if key == "" {
				return nil, ep.errf("empty bracketed property name")
			}
			path = append(path, step{key: key, index: -1})
			ep.i += 2 + j + 2
			continue
		}
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
			if ep.peek2("*]") {
				path = append(path, step{index: anyElement})
				ep.i += 2
				continue
			}
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
		e.path = path
		if hasWildcard(path) {
			p.jwild = true
			e.slot = -1
		} else {
			e.slot = p.jtrie.insert(path, &p.jn)
		}
		if e.val.isNum {
			e.numMask = [...]uint8{opEq: 0b010, opNe: 0b101, opLt: 0b001, opGt: 0b100, opLe: 0b011, opGe: 0b110, opIsNull: 0, opNotExists: 0, opIsTrue: 0, opIsFalse: 0}[e.op]
		}
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
	p.jtrie.finish()
	p.jflat = len(p.jtrie.keys)
	for _, k := range p.jtrie.keys {
		if len(k.next.keys) > 0 || len(k.next.idx) > 0 {
			p.jflat = 0
		}
	}
	return nil
}

// jval is what the scanner found at a selector: its kind and the span of its
// text (string contents without quotes, or the number's text).
type jval struct {
	kind       ValueKind
	esc        bool
	hasNum     bool // num holds the number's value (integers the scan read)
	start, end int32
	num        float64
}

// maxJSONDepth is how deeply objects and arrays may nest in a message before
// the scanner gives up on it (the message then matches no JSON pattern).
const maxJSONDepth = 512

// scanner walks one JSON document once, validating all of it, filling the
// slots of the selectors in the trie and skipping everything else. The
// position is passed in and out of each method (rather than kept in the
// struct) so it stays in a register.
//
// Only the objects and arrays on a selector's path are walked member by
// member; every other value is skipped by skip/skipContainer, which validate
// the JSON grammar without recording anything (strings eight bytes at a time).
//
// The slots are passed alongside rather than kept in the scanner: escape
// analysis treats a struct's fields as one, and the message (which the
// expression's regular expressions may retain) must not drag the caller's
// stack buffer of slots to the heap.
type scanner struct {
	b     []byte
	depth int
	// qm, when qn > 0, has bit j%64 of word j/64 set when b[j] is a double
	// quote: the message has no backslash and no control character, so every
	// quote delimits a string and a string ends at the next quote. It is kept
	// in the scanner (not behind a slice) so it stays on the caller's stack.
	qm [indexMax / 64]uint64
	qn int
	// noIndex makes document use the byte-scanning path only (for tests).
	noIndex bool

	// For Pattern.Match on a flat pattern (see Pattern.jflat), the shortcut
	// of scanner.flat: the pattern's expression, the number of top-level keys
	// it selects, and whether it may be used.
	e     *expr
	nkeys int
	short bool
}

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipWS returns the index of the first non-whitespace byte at or after i.
// Callers test b[i] <= ' ' first, so compact JSON never calls it.
func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

// document scans a whole message that must be a JSON object.
func (s *scanner) document(root *jnode, slots []jval) bool {
	b := s.b
	if !s.noIndex {
		s.index()
	}
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	var ok bool
	if s.qn > 0 && s.nkeys > 0 {
		i, ok = s.flat(i, root, slots)
	} else if len(root.keys) > 0 {
		i, ok = s.object(i, root, slots)
	} else {
		i, ok = s.skipContainer(i)
	}
	if !ok {
		return false
	}
	return i == len(b) || skipWS(b, i) == len(b)
}

// indexMax is the longest message document indexes (the index lives on the
// stack); longer ones are scanned byte by byte, eight at a time.
const indexMax = 1024

// opaqueZero is always 0; see index.
var opaqueZero uint64

// index fills s.qm when the message qualifies (see scanner.qm): with SSE2 on
// amd64 (sixteen bytes at a time), else with indexSWAR.
func (s *scanner) index() {
	b := s.b
	qm := &s.qm
	n := len(b)
	if n < 8 || n > indexMax {
		return
	}
	if haveIndexAsm && n >= 16 {
		if !quoteIndexSSE2(b, qm) {
			s.qn = (n + 63) / 64
		}
		return
	}
	s.indexSWAR()
}

// indexSWAR is index in portable Go, eight bytes at a time.
func (s *scanner) indexSWAR() {
	b := s.b
	qm := &s.qm
	n := len(b)
	// The constants are loaded into registers once: opaque is 0, but the
	// compiler cannot tell, so it does not rematerialize them every word.
	opaque := opaqueZero
	kq, kbs, k20 := lsb*'"'|opaque, lsb*'\\'|opaque, lsb*0x20|opaque
	one, lo7, gather := lsb|opaque, 0x7f7f7f7f7f7f7f7f|opaque, 0x0102040810204080|opaque
	// Per word, bit 0 of each byte of qz is set when the byte is a quote
	// (exact per byte: no borrow crosses bytes), and bad collects in its high
	// bits whether any byte is a backslash or below 0x20 (these tests let a
	// borrow run on past a flagged byte, so they are exact as a yes or no
	// only, which is all bad needs). The multiplication gathers qz's bits
	// into one byte; acc collects them a word at a time.
	var bad, acc uint64
	k := 0
	for ; k+8 <= n; k += 8 {
		w := binary.LittleEndian.Uint64(b[k : k+8])
		q, bs := w^kq, w^kbs
		bad |= (bs-one)&^bs | (w-k20)&^w
		qz := ^(((q & lo7) + lo7) | q) >> 7 & one
		acc |= qz * gather >> 56 << (k & 63)
		if k&63 == 56 {
			qm[k>>6] = acc
			acc = 0
		}
	}
	if k < n {
		// The last n-k bytes, from the final eight, with spaces above them.
		sh := uint(8 * (8 - (n - k)))
		w := binary.LittleEndian.Uint64(b[n-8:])>>sh | (lsb*' ')<<(64-sh)
		q, bs := w^kq, w^kbs
		bad |= (bs-one)&^bs | (w-k20)&^w
		qz := ^(((q & lo7) + lo7) | q) >> 7 & one
		acc |= qz * gather >> 56 << (k & 63)
	}
	if k&63 != 0 || k < n {
		qm[k>>6] = acc
	}
	if bad&msb == 0 {
		s.qn = (n + 63) / 64
	}
}

// quick returns the index of the next quote at or after i when the message
// is indexed and that quote is in the same index word; otherwise -1 (and the
// caller asks str). It is small enough to be inlined.
func (s *scanner) quick(i int) int {
	if s.qn != 0 {
		if m := s.qm[(i>>6)&(indexMax/64-1)] >> (uint(i) & 63); m != 0 {
			return i + bits.TrailingZeros64(m)
		}
	}
	return -1
}

// str returns the index of the closing quote of the string whose body starts
// at i and whether the body has escapes; -1 when the string is malformed.
func (s *scanner) str(i int) (int, bool) {
	if s.qn == 0 {
		return strEnd(s.b, i)
	}
	qm := s.qm[:s.qn]
	for i < len(s.b) {
		w := i >> 6
		m := qm[w] >> (uint(i) & 63)
		for m == 0 {
			if w++; w == len(qm) {
				return -1, false
			}
			m, i = qm[w], w<<6
		}
		return i + bits.TrailingZeros64(m), false
	}
	return -1, false
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// strEnd returns the index of the closing quote of the JSON string whose body
// starts at i (just after the opening quote) and whether the body has escape
// sequences; end is -1 when the string is malformed: unterminated, with a raw
// control character, or with an escape JSON does not define. It looks at eight
// bytes at a time for a quote, a backslash or a control character (SWAR: the
// lowest flagged byte of each test is exact, which is the only one used).
func strEnd(b []byte, i int) (end int, esc bool) {
	for {
		for ; i+8 <= len(b); i += 8 {
			w := binary.LittleEndian.Uint64(b[i:])
			q := w ^ (lsb * '"')
			bs := w ^ (lsb * '\\')
			if m := (((q - lsb) &^ q) | ((bs - lsb) &^ bs) | ((w - lsb*0x20) &^ w)) & msb; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto special
			}
		}
		for ; i < len(b); i++ {
			if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
				goto special
			}
		}
		return -1, false
	special:
		switch b[i] {
		case '"':
			return i, esc
		case '\\':
			n := escLen(b, i)
			if n == 0 {
				return -1, false
			}
			esc = true
			i += n
		default:
			return -1, false
		}
	}
}

// escLen returns the length of the escape sequence starting with the
// backslash at b[i], or 0 when it is not one JSON defines.
func escLen(b []byte, i int) int {
	if i+1 >= len(b) {
		return 0
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if i+6 <= len(b) && hex4(b[i+2:i+6]) >= 0 {
			return 6
		}
	}
	return 0
}

// scanNumber returns the index after the JSON number at i.
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
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
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

// literal returns the index after the literal lit (true, false or null) at i.
func literal(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// skipScalar returns the index after the string, number or literal at i.
func (s *scanner) skipScalar(i int) (int, bool) {
	b := s.b
	switch b[i] {
	case '"':
		end, _ := s.str(i + 1)
		return end + 1, end >= 0
	case 't':
		return literal(b, i, "true")
	case 'f':
		return literal(b, i, "false")
	case 'n':
		return literal(b, i, "null")
	}
	return scanNumber(b, i)
}

// skip validates and skips the value at i (no leading whitespace).
func (s *scanner) skip(i int) (int, bool) {
	b := s.b
	if i >= len(b) {
		return i, false
	}
	if c := b[i]; c == '{' || c == '[' {
		return s.skipContainer(i)
	}
	return s.skipScalar(i)
}

// memberKey scans an object member's key and colon at i and returns the index
// of its value.
func (s *scanner) memberKey(i int) (int, bool) {
	b := s.b
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	end, _ := s.str(i + 1)
	if end < 0 {
		return i, false
	}
	i = end + 1
	if i < len(b) && b[i] <= ' ' {
		i = skipWS(b, i)
	}
	if i >= len(b) || b[i] != ':' {
		return i, false
	}
	i++
	if i < len(b) && b[i] <= ' ' {
		i = skipWS(b, i)
	}
	return i, true
}

// skipContainer validates and skips the object or array at i without
// recursion: a bit per open container says whether it is an object.
func (s *scanner) skipContainer(i int) (int, bool) {
	b := s.b
	var objs [maxJSONDepth / 64]uint64
	d, room := 0, maxJSONDepth-s.depth
	var ok bool
	for {
		// A value starts at i.
		if i >= len(b) {
			return i, false
		}
		if c := b[i]; c == '{' || c == '[' {
			if d == room {
				return i, false
			}
			if c == '{' {
				objs[d>>6] |= 1 << (d & 63)
			} else {
				objs[d>>6] &^= 1 << (d & 63)
			}
			d++
			i++
			if i < len(b) && b[i] <= ' ' {
				i = skipWS(b, i)
			}
			if i >= len(b) {
				return i, false
			}
			if b[i] != c+2 { // not empty: '{'+2 is '}', '['+2 is ']'
				if c == '{' {
					if i, ok = s.memberKey(i); !ok {
						return i, false
					}
				}
				continue
			}
			i++
			d--
		} else if i, ok = s.skipScalar(i); !ok {
			return i, false
		}
		// After a value: close containers until a ',' starts the next one.
		for {
			if d == 0 {
				return i, true
			}
			if i < len(b) && b[i] <= ' ' {
				i = skipWS(b, i)
			}
			if i >= len(b) {
				return i, false
			}
			top := d - 1
			obj := objs[top>>6]&(1<<(top&63)) != 0
			c := b[i]
			if c == ',' {
				i++
				if i < len(b) && b[i] <= ' ' {
					i = skipWS(b, i)
				}
				if obj {
					if i, ok = s.memberKey(i); !ok {
						return i, false
					}
				}
				break
			}
			if c == '}' && obj || c == ']' && !obj {
				i++
				d--
				continue
			}
			return i, false
		}
	}
}

// nextQuote is a cursor over the quote index: it returns the position of the
// next quote, -1 when there is none, and the cursor's new state (the word
// cw of the index and the bits cm of that word not yet returned). Stepping
// the cursor does not depend on the scanning position, so the scan's work on
// one string does not wait for the previous string's end to be found.
func nextQuote(qm *[indexMax / 64]uint64, qn, cw int, cm uint64) (int, int, uint64) {
	for cm == 0 {
		if cw++; cw >= qn {
			return -1, cw, 0
		}
		cm = qm[cw&(indexMax/64-1)]
	}
	return cw<<6 | bits.TrailingZeros64(cm), cw, cm & (cm - 1)
}

// What plainMembers stopped at.
const (
	memOther  = iota // a member for flat's general code, at i
	memEnd           // the end of the object (i is after the '}')
	memDecide        // need became 0 at a selected member; i is the next key
)

// plainMembers scans, from the key whose opening quote is b[i], the members
// of the root object that are plain: a key of up to eight bytes followed by a
// colon (and at most one space), and a string or positive integer value
// followed by a comma (and at most one space) and the next key's quote, or by
// the closing brace. It records the
// value of a selected one and clears its bit in need, returning when need
// becomes 0 so that flat can try its shortcut; it also returns, with the
// position and the quote cursor at its start, at the first member that is not
// plain. The loop makes no calls, so its state stays in registers.
func plainMembers(b []byte, qm *[indexMax / 64]uint64, root *jnode, slots []jval, i, cw int, cm, need uint64) (int, int, uint64, uint64, int) {
	// The index words past the message are zero: the cursor may run to the
	// end of the array.
	const qn = indexMax / 64
	for {
		st := i // the member's start, where flat resumes when it is not plain
		cw, cm = skipQuote(qm, qn, cw, cm)
		var kend int
		if kend, cw, cm = nextQuote(qm, qn, cw, cm); kend < 0 {
			return st, 0, 0, need, memOther
		}
		// The closing quote and the colon, as two bytes, and at most one
		// space (as Python's json.dumps writes); then the value.
		j := kend + 2
		if j >= len(b) || binary.LittleEndian.Uint16(b[kend:j]) != '"'|':'<<8 {
			return st, 0, 0, need, memOther
		}
		var child *jnode
		if l := kend - i - 1; l >= 64 || root.lens&(1<<uint(l)) != 0 {
			if l > 8 || i+9 > len(b) {
				return st, 0, 0, need, memOther
			}
			head := binary.LittleEndian.Uint64(b[i+1:i+9]) & (1<<(8*uint(l)) - 1)
			if l == 8 {
				head = binary.LittleEndian.Uint64(b[i+1 : i+9])
			}
			for k := range root.keys {
				if root.keys[k].head == head && len(root.keys[k].name) == l {
					child = root.keys[k].next
					break
				}
			}
		}
		c := b[j]
		if c == ' ' {
			if j++; j >= len(b) {
				return st, 0, 0, need, memOther
			}
			c = b[j]
		}
		vs := j
		var u uint64
		isNum := false
		switch {
		case c == '"':
			cw, cm = skipQuote(qm, qn, cw, cm)
			if j, cw, cm = nextQuote(qm, qn, cw, cm); j < 0 {
				return st, 0, 0, need, memOther
			}
			vs++
		case c >= '1' && c <= '9':
			u = uint64(c - '0')
			for j++; j < len(b) && b[j] >= '0' && b[j] <= '9'; j++ {
				u = u*10 + uint64(b[j]-'0')
			}
			isNum = true
		default:
			return st, 0, 0, need, memOther
		}
		// j is the end of the value's text (its closing quote for a string).
		e := j
		if !isNum {
			j++
		}
		more := j+2 <= len(b) && binary.LittleEndian.Uint16(b[j:j+2]) == ','|'"'<<8
		if !more && j+3 <= len(b) && binary.LittleEndian.Uint16(b[j:j+2]) == ','|' '<<8 && b[j+2] == '"' {
			more = true
			j++ // ", "
		}
		if !more && (j >= len(b) || b[j] != '}') {
			return st, 0, 0, need, memOther
		}
		if child != nil {
			if isNum {
				slots[child.slot] = jval{kind: Number, hasNum: e-vs <= 15, start: int32(vs), end: int32(e), num: float64(u)}
			} else {
				slots[child.slot] = jval{kind: String, start: int32(vs), end: int32(e)}
			}
			need &^= child.bit
		}
		if !more {
			return j + 1, cw, cm, need, memEnd
		}
		i = j + 1
		if need == 0 {
			return i, cw, cm, need, memDecide
		}
	}
}

// skipQuote moves the quote cursor past the next quote.
func skipQuote(qm *[indexMax / 64]uint64, qn, cw int, cm uint64) (int, uint64) {
	for cm == 0 {
		if cw++; cw >= qn {
			return cw, 0
		}
		cm = qm[cw&(indexMax/64-1)]
	}
	return cw, cm & (cm - 1)
}

// flat scans the root object at i for a pattern whose selectors are all
// top-level keys, with the quote index (s.qn > 0): strings come from the
// quote cursor, the members' values are recorded or validated inline, and
// nested objects and arrays are left to skipContainer.
//
// The shortcut: once every key the pattern selects has been met and the
// expression is false on the values found, only a later duplicate of one of
// those keys (the last one wins) could change the outcome. The index has no
// backslash, so such a duplicate would be a later string spelling the key: if
// no later string does (a length test per string, from the cursor), the
// message does not match, valid JSON or not, and the rest need not be
// validated; it reports ok=false. Otherwise scanning goes on and validates
// everything.
func (s *scanner) flat(i int, root *jnode, slots []jval) (int, bool) {
	b := s.b
	qm, qn := &s.qm, s.qn
	cw, cm := 0, qm[0]
	var end int
	lens := root.lens
	// need has the bits of the selected keys not met yet, and bit 63 when
	// the shortcut is not (or no longer) to be tried.
	need := uint64(1)<<s.nkeys - 1
	if !s.short {
		need |= 1 << 63
	}
	s.depth = 1
	i++
	if i < len(b) && b[i] <= ' ' {
		i = skipWS(b, i)
	}
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	for {
		// The plain members first, in a loop without calls (so its state
		// stays in registers); it stops at a member it leaves to the code
		// below: a key that may be selected, or anything unusual.
		var at int
		i, cw, cm, need, at = plainMembers(b, qm, root, slots, i, cw, cm, need)
		switch at {
		case memEnd:
			return i, true
		case memDecide:
			need = 1 << 63
			if !evalJSON(s.e, b, slots) && !s.keyAhead(root, cw, cm) {
				return i, false
			}
			continue
		}
		// Back at the start of a member: the cursor is at its first quote.
		cw = i >> 6
		cm = qm[cw&(indexMax/64-1)] &^ (1<<(uint(i)&63) - 1)
		var child *jnode
		// The key (b[i] is its opening quote): every quote before i has been
		// taken, so the cursor's next quote is this one and the one after it
		// closes the key.
		cw, cm = skipQuote(qm, qn, cw, cm)
		if end, cw, cm = nextQuote(qm, qn, cw, cm); end < 0 {
			return i, false
		}
		if l := uint(end - i - 1); l >= 64 || lens&(1<<l) != 0 {
			child = root.childKeyIn(b, i+1, end)
		}
		i = end + 1
		if i < len(b) && b[i] <= ' ' {
			i = skipWS(b, i)
		}
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		i++
		if i < len(b) && b[i] <= ' ' {
			i = skipWS(b, i)
		}
		if i >= len(b) {
			return i, false
		}
		var v jval
		switch c := b[i]; {
		case c == '"':
			cw, cm = skipQuote(qm, qn, cw, cm)
			if end, cw, cm = nextQuote(qm, qn, cw, cm); end < 0 {
				return i, false
			}
			v = jval{kind: String, start: int32(i + 1), end: int32(end)}
			i = end + 1
		case c >= '0' && c <= '9' || c == '-':
			st := i
			if c == '-' {
				i++
			}
			v = jval{kind: Number}
			if i < len(b) && b[i] >= '1' && b[i] <= '9' {
				// An integer's value is read on the way (exact up to 2^53).
				u := uint64(b[i] - '0')
				for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
					u = u*10 + uint64(b[i]-'0')
				}
				if i < len(b) && (b[i] == '.' || b[i]|0x20 == 'e') {
					var ok bool
					if i, ok = scanNumber(b, st); !ok {
						return i, false
					}
				} else if i-st <= 15 {
					v.hasNum, v.num = true, float64(u)
					if c == '-' {
						v.num = -v.num
					}
				}
			} else {
				var ok bool
				if i, ok = scanNumber(b, st); !ok {
					return i, false
				}
			}
			v.start, v.end = int32(st), int32(i)
		case c == '{' || c == '[':
			v.kind = Object
			if c == '[' {
				v.kind = Array
			}
			var ok bool
			if i, ok = s.skipContainer(i); !ok {
				return i, false
			}
			// Move the cursor past the container's strings.
			cw = i >> 6
			if cw >= qn {
				cw, cm = qn, 0
			} else {
				cm = qm[cw&(indexMax/64-1)] &^ (1<<(uint(i)&63) - 1)
			}
		default:
			var ok bool
			if i, ok = s.skipScalar(i); !ok {
				return i, false
			}
			switch c {
			case 't':
				v.kind = True
			case 'f':
				v.kind = False
			default:
				v.kind = Null
			}
		}
		if child != nil {
			slots[child.slot] = v
			if need &^= child.bit; need == 0 {
				need = 1 << 63
				if !evalJSON(s.e, b, slots) && !s.keyAhead(root, cw, cm) {
					return i, false
				}
			}
		}
		if i < len(b) && b[i] <= ' ' {
			i = skipWS(b, i)
		}
		if i >= len(b) {
			return i, false
		}
		if b[i] == ',' {
			i++
			if i < len(b) && b[i] <= ' ' {
				i = skipWS(b, i)
			}
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			continue
		}
		if b[i] == '}' {
			return i + 1, true
		}
		return i, false
	}
}

// keyAhead reports whether a string after the cursor (taking the quotes that
// follow in pairs) spells one of root's keys. It works a word of the index at
// a time: a prefix XOR of the quote bits marks the inside of strings, which
// splits them into opening and closing quotes, and a string of length L is an
// opening quote L+1 bits before a closing one; when there is such a string,
// keyAheadSlow compares the strings with the keys.
func (s *scanner) keyAhead(root *jnode, cw int, cm uint64) bool {
	qm, qn, lens := &s.qm, s.qn, root.lens
	if lens>>62 != 0 {
		return s.keyAheadSlow(root, cw, cm)
	}
	var inside, prevOpen uint64 // inside: all ones when a string spans into the word
	for w := cw; w < qn; w++ {
		q := qm[w&(indexMax/64-1)]
		if w == cw {
			q = cm
		}
		p := q
		p ^= p << 1
		p ^= p << 2
		p ^= p << 4
		p ^= p << 8
		p ^= p << 16
		p ^= p << 32
		p ^= inside
		open, closing := q&p, q&^p
		inside = -(p >> 63)
		for ls := lens; ls != 0; ls &= ls - 1 {
			l := uint(bits.TrailingZeros64(ls))
			if closing&(open<<(l+1)|prevOpen>>(63-l)) != 0 {
				// A string as long as a key: compare them one by one (rare;
				// and a loop without calls keeps its state in registers).
				return s.keyAheadSlow(root, cw, cm)
			}
		}
		prevOpen = open
	}
	return false
}

// keyAheadSlow is keyAhead taking the strings one by one and comparing those
// of a key's length with the keys.
func (s *scanner) keyAheadSlow(root *jnode, cw int, cm uint64) bool {
	b, qm, qn, lens := s.b, &s.qm, s.qn, root.lens
	var open, end int
	for {
		if open, cw, cm = nextQuote(qm, qn, cw, cm); open < 0 {
			return false
		}
		if end, cw, cm = nextQuote(qm, qn, cw, cm); end < 0 {
			return false
		}
		if l := uint(end - open - 1); (l >= 64 || lens&(1<<l) != 0) && root.childKeyIn(b, open+1, end) != nil {
			return true
		}
	}
}

// value scans the value at i (no leading whitespace) for the selector node n
// and returns the index after it.
func (s *scanner) value(i int, n *jnode, slots []jval) (int, bool) {
	b := s.b
	if i >= len(b) {
		return i, false
	}
	// A later duplicate key replaces the earlier value (last wins), so what an
	// earlier value put below this node is forgotten.
	for _, k := range n.below {
		slots[k] = jval{}
	}
	var v jval
	switch c := b[i]; c {
	case '{':
		if n.slot >= 0 {
			slots[n.slot] = jval{kind: Object}
		}
		if len(n.keys) > 0 {
			return s.object(i, n, slots)
		}
		return s.skipContainer(i)
	case '[':
		if n.slot >= 0 {
			slots[n.slot] = jval{kind: Array}
		}
		if len(n.idx) > 0 {
			return s.array(i, n, slots)
		}
		return s.skipContainer(i)
	case '"':
		end, esc := s.quick(i+1), false
		if end < 0 {
			if end, esc = s.str(i + 1); end < 0 {
				return i, false
			}
		}
		v = jval{kind: String, esc: esc, start: int32(i + 1), end: int32(end)}
		i = end + 1
	case 't':
		v.kind = True
		i += 4
		if i > len(b) || string(b[i-4:i]) != "true" {
			return i, false
		}
	case 'f':
		v.kind = False
		i += 5
		if i > len(b) || string(b[i-5:i]) != "false" {
			return i, false
		}
	case 'n':
		v.kind = Null
		i += 4
		if i > len(b) || string(b[i-4:i]) != "null" {
			return i, false
		}
	default:
		end, ok := scanNumber(b, i)
		if !ok {
			return i, false
		}
		v = jval{kind: Number, start: int32(i), end: int32(end)}
		i = end
	}
	if n.slot >= 0 {
		slots[n.slot] = v
	}
	return i, true
}

// object walks the members of the object at i for the selector node n (which
// has keys): selected members are scanned with value, the others skipped.
func (s *scanner) object(i int, n *jnode, slots []jval) (int, bool) {
	b := s.b
	s.depth++
	if s.depth > maxJSONDepth {
		return i, false
	}
	i++
	if i < len(b) && b[i] <= ' ' {
		i = skipWS(b, i)
	}
	if i < len(b) && b[i] == '}' {
		s.depth--
		return i + 1, true
	}
	lens := n.lens
	for {
		if i >= len(b) || b[i] != '"' {
			return i, false
		}
		kend, kesc := s.quick(i+1), false
		if kend < 0 {
			if kend, kesc = s.str(i + 1); kend < 0 {
				return i, false
			}
		}
		var child *jnode
		if l := uint(kend - i - 1); kesc || l >= 64 || lens&(1<<l) != 0 {
			key := b[i+1 : kend]
			if kesc {
				var buf [64]byte
				key = unescape(buf[:0], key)
			}
			child = n.childKey(key)
		}
		i = kend + 1
		if i < len(b) && b[i] <= ' ' {
			i = skipWS(b, i)
		}
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		i++
		if i < len(b) && b[i] <= ' ' {
			i = skipWS(b, i)
		}
		if i >= len(b) {
			return i, false
		}
		switch c := b[i]; {
		case child != nil:
			var ok bool
			if i, ok = s.value(i, child, slots); !ok {
				return i, false
			}

		case c == '"': // the common unselected values, inline
			end := s.quick(i + 1)
			if end < 0 {
				if end, _ = s.str(i + 1); end < 0 {
					return i, false
				}
			}
			i = end + 1
		case c >= '1' && c <= '9':
			for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			}
			if i < len(b) && (b[i] == '.' || b[i]|0x20 == 'e') {
				var ok bool
				if i, ok = scanNumber(b, i-1); !ok { // i-1 is a digit
					return i, false
				}
			}
		default:
			var ok bool
			if i, ok = s.skip(i); !ok {
				return i, false
			}
		}
		if i < len(b) && b[i] <= ' ' {
			i = skipWS(b, i)
		}
		if i >= len(b) {
			return i, false
		}
		if b[i] == ',' {
			i++
			if i < len(b) && b[i] <= ' ' {
				i = skipWS(b, i)
			}
			continue
		}
		if b[i] == '}' {
			s.depth--
			return i + 1, true
		}
		return i, false
	}
}

// array walks the elements of the array at i for the selector node n (which
// has indexes).
func (s *scanner) array(i int, n *jnode, slots []jval) (int, bool) {
	b := s.b
	s.depth++
	if s.depth > maxJSONDepth {
		return i, false
	}
	i++
	if i < len(b) && b[i] <= ' ' {
		i = skipWS(b, i)
	}
	if i < len(b) && b[i] == ']' {
		s.depth--
		return i + 1, true
	}
	for k := 0; ; k++ {
		var ok bool
		if child := n.childIdx(k); child != nil {
			i, ok = s.value(i, child, slots)
		} else {
			i, ok = s.skip(i)
		}
		if !ok {
			return i, false
		}
		if i < len(b) && b[i] <= ' ' {
			i = skipWS(b, i)
		}
		if i >= len(b) {
			return i, false
		}
		if b[i] == ',' {
			i++
			if i < len(b) && b[i] <= ' ' {
				i = skipWS(b, i)
			}
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
	// An object starts with '{' and ends with '}' (whitespace aside): most
	// messages that are not one are dismissed before any setup.
	i, j := 0, len(msg)-1
	for i < len(msg) && msg[i] <= ' ' && isWS(msg[i]) {
		i++
	}
	for j > i && msg[j] <= ' ' && isWS(msg[j]) {
		j--
	}
	if j <= i || msg[i] != '{' || msg[j] != '}' {
		return false
	}
	var buf [4]jval
	var slots []jval
	if p.jn <= len(buf) {
		slots = buf[:p.jn]
	} else {
		slots = make([]jval, p.jn)
	}
	if p.jwild {
		return p.matchJSONWild(msg, slots)
	}
	sc := scanner{b: msg, e: p.jexpr, nkeys: p.jflat, short: p.jflat <= 63}
	if !sc.document(p.jtrie, slots) {
		return false
	}
	return evalJSON(p.jexpr, msg, slots)
}

// matchJSONWild validates msg with the scanner and evaluates a pattern with
// wildcards on it. It is a function of its own so that matchJSON's frame
// stays what the fast path needs.
//
//go:noinline
func (p *Pattern) matchJSONWild(msg []byte, slots []jval) bool {
	sc := scanner{b: msg}
	return sc.document(p.jtrie, slots) && matchWild(p.jexpr, msg)
}

// matchWild evaluates a pattern with wildcard selectors on a message the
// scanner has validated. A wildcard selects every member ($.*) or element
// ([*]) at its step, and a comparison on it holds when it holds for any of the
// values selected (for NOT EXISTS: when none is). Such patterns decode the
// message with encoding/json: they are slower than the single-pass scanner,
// which serves every pattern without wildcards.
func matchWild(e *expr, msg []byte) bool {
	d := json.NewDecoder(bytes.NewReader(msg))
	d.UseNumber()
	var doc any
	if d.Decode(&doc) != nil {
		return false
	}
	return evalWild(e, doc)
}

func evalWild(e *expr, doc any) bool {
	switch {
	case e.and:
		return evalWild(e.l, doc) && evalWild(e.r, doc)
	case e.or:
		return evalWild(e.l, doc) || evalWild(e.r, doc)
	}
	found := false
	hit := false
	selectAll(doc, e.path, func(v any) bool {
		found = true
		kind, text := Missing, []byte(nil)
		switch v := v.(type) {
		case string:
			kind, text = String, []byte(v)
		case json.Number:
			kind, text = Number, []byte(v)
		case bool:
			kind = False
			if v {
				kind = True
			}
		case nil:
			kind = Null
		case map[string]any:
			kind = Object
		case []any:
			kind = Array
		}
		hit = e.compare(kind, text, false)
		return !hit
	})
	if !found {
		return e.compare(Missing, nil, false)
	}
	return hit
}

// selectAll calls f with each value path selects in v until f returns false.
func selectAll(v any, path []step, f func(any) bool) bool {
	if len(path) == 0 {
		return f(v)
	}
	st := path[0]
	switch st.index {
	case anyMember:
		obj, ok := v.(map[string]any)
		if !ok {
			return true
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if !selectAll(obj[k], path[1:], f) {
				return false
			}
		}
		return true
	case anyElement:
		arr, ok := v.([]any)
		if !ok {
			return true
		}
		for _, x := range arr {
			if !selectAll(x, path[1:], f) {
				return false
			}
		}
		return true
	case -1:
		obj, ok := v.(map[string]any)
		if !ok {
			return true
		}
		x, ok := obj[st.key]
		if !ok {
			return true
		}
		return selectAll(x, path[1:], f)
	}
	arr, ok := v.([]any)
	if !ok || st.index >= len(arr) {
		return true
	}
	return selectAll(arr[st.index], path[1:], f)
}

// numLeaf evaluates a numeric comparison on a number the scan has read, the
// common case, without a call (it is inlined); ok is false for anything else.
func numLeaf(e *expr, slots []jval) (result, ok bool) {
	if e.numMask == 0 || !slots[e.slot].hasNum {
		return false, false
	}
	f, c := slots[e.slot].num, uint(1)
	if f < e.val.num {
		c = 0
	} else if f > e.val.num {
		c = 2
	}
	return e.numMask>>c&1 != 0, true
}

func evalJSON(e *expr, msg []byte, slots []jval) bool {
	switch {
	case e.and:
		if r, ok := numLeaf(e.l, slots); ok {
			if !r {
				return false
			}
		} else if !evalJSON(e.l, msg, slots) {
			return false
		}
		if r, ok := numLeaf(e.r, slots); ok {
			return r
		}
		return evalJSON(e.r, msg, slots)
	case e.or:
		if r, ok := numLeaf(e.l, slots); ok {
			if r {
				return true
			}
		} else if evalJSON(e.l, msg, slots) {
			return true
		}
		if r, ok := numLeaf(e.r, slots); ok {
			return r
		}
		return evalJSON(e.r, msg, slots)
	}
	if r, ok := numLeaf(e, slots); ok {
		return r
	}
	v := &slots[e.slot]
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
	if hasWildcard(path) {
		return nil, ep.errf("a selector that takes one value cannot use the wildcards * or [*]")
	}
	p := &Path{src: sel, trie: &jnode{slot: -1}}
	n := 0
	p.trie.insert(path, &n)
	p.trie.finish()
	return p, nil
}

// String returns the selector's text.
func (p *Path) String() string { return p.src }

// Lookup finds the selector's value in a JSON message. text is the decoded string
// or the number's text; kind is Missing when the message is not a JSON object or
// has nothing at the selector.
func (p *Path) Lookup(msg []byte) (text string, kind ValueKind) {
	var slots [1]jval
	sc := scanner{b: msg}
	if !sc.document(p.trie, slots[:]) {
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
