package filterpattern

import (
	"unicode/utf8"
)

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
