package filterpattern

import (
	"encoding/binary"
	"math/bits"
)

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
		_, cw, cm = nextQuote(qm, qn, cw, cm)
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
			_, cw, cm = nextQuote(qm, qn, cw, cm)
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
		_, cw, cm = nextQuote(qm, qn, cw, cm)
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
			_, cw, cm = nextQuote(qm, qn, cw, cm)
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
