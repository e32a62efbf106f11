package filterpattern

import (
	"encoding/binary"
	"math/bits"
)

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
