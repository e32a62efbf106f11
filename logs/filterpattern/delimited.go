package filterpattern

import (
	"strconv"
)

// delimElem is one element of a space-delimited pattern: `...`, a named field,
// an unnamed field (an empty element, as in a trailing comma), or a named field
// with conditions.
type delimElem struct {
	ellipsis bool
	name     string
	cond     *expr
}

func isIdentByte(c byte) bool { return isWordByte(c) || c == '-' || c == '.' || c == '$' }

func (p *Pattern) parseDelimited(src string) error {
	ep := &exprParser{src: src}
	ep.ws()
	ep.i++ // '['
	p.names = map[string]int{}
	for {
		ep.ws()
		if ep.i >= len(src) {
			return ep.errf("missing closing ] of a space-delimited pattern")
		}
		var el delimElem
		switch {
		case ep.peek2("..."):
			ep.i += 3
			el.ellipsis = true
			p.ellipses++
		case src[ep.i] == ',' || src[ep.i] == ']':
			// An empty element: an unnamed field.
		default:
			name := ""
			ep.cond = func(ep *exprParser) (*expr, error) {
				ep.ws()
				j := ep.i
				for j < len(ep.src) && isIdentByte(ep.src[j]) {
					j++
				}
				if j == ep.i {
					if ep.i < len(ep.src) {
						return nil, ep.errf("expected a field name, found %q", ep.src[ep.i:ep.i+1])
					}
					return nil, ep.errf("expected a field name")
				}
				id := ep.src[ep.i:j]
				ep.i = j
				if name == "" {
					name = id
				}
				o, ok := ep.parseOp()
				if !ok {
					return &expr{slot: -1}, nil // a bare name
				}
				v, err := ep.parseValue(o, ",])", &p.regexN)
				if err != nil {
					return nil, err
				}
				return &expr{op: o, val: v}, nil
			}
			e, err := ep.parseOr(0)
			if err != nil {
				return err
			}
			el.name = name
			if !(e.slot == -1 && !e.and && !e.or) {
				if hasBare(e) {
					return invalid(src, ep.i, "a field name inside a compound condition needs an operator and a value")
				}
				el.cond = e
			}
			if _, dup := p.names[name]; dup {
				return invalid(src, ep.i, "field name "+strconv.Quote(name)+" is used twice")
			}
			p.names[name] = len(p.elems)
		}
		p.elems = append(p.elems, el)
		ep.ws()
		if ep.i >= len(src) {
			return ep.errf("missing closing ] of a space-delimited pattern")
		}
		if src[ep.i] == ',' {
			ep.i++
			continue
		}
		if src[ep.i] == ']' {
			ep.i++
			break
		}
		return ep.errf("expected , or ] after a field, found %q", src[ep.i:ep.i+1])
	}
	ep.ws()
	if ep.i != len(src) {
		return ep.errf("unexpected text after the closing ] of a space-delimited pattern")
	}
	if len(p.elems) == 1 && !p.elems[0].ellipsis && p.elems[0].name == "" && p.elems[0].cond == nil {
		// `[]` names no field: AWS accepts it (it stores subscription filters
		// with it) and it matches every event, extracting $1 ... $n (API
		// Reference, TestMetricFilter), which is what `[...]` does.
		p.elems[0].ellipsis = true
		p.ellipses++
	}
	return nil
}

func hasBare(e *expr) bool {
	if e.and || e.or {
		return hasBare(e.l) || hasBare(e.r)
	}
	return e.slot == -1
}

// span is one field of a message: msg[start:end].
type span struct{ start, end int32 }

// splitFields splits a message into space-delimited fields; a field that starts
// with a double quote runs to the next unescaped double quote, one that starts
// with [ runs to the next ], both without their delimiters.
func splitFields(msg []byte, dst []span) []span {
	i := 0
	n := len(msg)
	for {
		for i < n && (msg[i] == ' ' || msg[i] == '\t' || msg[i] == '\n' || msg[i] == '\r') {
			i++
		}
		if i >= n {
			return dst
		}
		switch msg[i] {
		case '"':
			j := i + 1
			for j < n && msg[j] != '"' {
				if msg[j] == '\\' && j+1 < n {
					j++
				}
				j++
			}
			dst = append(dst, span{int32(i + 1), int32(min(j, n))})
			i = j + 1
		case '[':
			j := i + 1
			for j < n && msg[j] != ']' {
				j++
			}
			dst = append(dst, span{int32(i + 1), int32(min(j, n))})
			i = j + 1
		default:
			j := i
			for j < n && msg[j] != ' ' && msg[j] != '\t' && msg[j] != '\n' && msg[j] != '\r' {
				j++
			}
			dst = append(dst, span{int32(i), int32(j)})
			i = j
		}
	}
}

func evalDelim(e *expr, text []byte) bool {
	switch {
	case e.and:
		return evalDelim(e.l, text) && evalDelim(e.r, text)
	case e.or:
		return evalDelim(e.l, text) || evalDelim(e.r, text)
	}
	return e.compare(String, text, true)
}

func (p *Pattern) elemOK(el *delimElem, msg []byte, f span) bool {
	return el.cond == nil || evalDelim(el.cond, msg[f.start:f.end])
}

// matchDelimited aligns the pattern's elements with the message's fields.
func (p *Pattern) matchDelimited(msg []byte, extract bool) (map[string]string, bool) {
	var buf [64]span
	fields := splitFields(msg, buf[:0])
	m, n := len(p.elems), len(fields)
	// bind[k] is the element index bound to field k (-1: covered by "...").
	var bindBuf [64]int
	var bind []int
	if extract {
		if n <= len(bindBuf) {
			bind = bindBuf[:n]
		} else {
			bind = make([]int, n)
		}
	}
	ok := false
	switch p.ellipses {
	case 0:
		if n != m {
			return nil, false
		}
		ok = true
		for k := range m {
			if !p.elemOK(&p.elems[k], msg, fields[k]) {
				ok = false
				break
			}
			if bind != nil {
				bind[k] = k
			}
		}
	case 1:
		if n < m-1 {
			return nil, false
		}
		e := 0
		for p.elems[e].ellipsis == false {
			e++
		}
		ok = true
		for k := 0; k < e && ok; k++ {
			ok = p.elemOK(&p.elems[k], msg, fields[k])
			if bind != nil {
				bind[k] = k
			}
		}
		suffix := m - e - 1
		for k := 0; k < suffix && ok; k++ {
			fi := n - suffix + k
			ok = p.elemOK(&p.elems[e+1+k], msg, fields[fi])
			if bind != nil {
				bind[fi] = e + 1 + k
			}
		}
		if bind != nil {
			for fi := e; fi < n-suffix; fi++ {
				bind[fi] = -1
			}
		}
	default:
		// Several "...": search the alignments, remembering dead ends so the
		// search stays polynomial.
		dead := make([]bool, (m+1)*(n+1))
		var rec func(ei, fi int) bool
		rec = func(ei, fi int) bool {
			if ei == m {
				return fi == n
			}
			key := ei*(n+1) + fi
			if dead[key] {
				return false
			}
			el := &p.elems[ei]
			if el.ellipsis {
				for k := fi; k <= n; k++ {
					if rec(ei+1, k) {
						if bind != nil {
							for x := fi; x < k; x++ {
								bind[x] = -1
							}
						}
						return true
					}
				}
			} else if fi < n && p.elemOK(el, msg, fields[fi]) && rec(ei+1, fi+1) {
				if bind != nil {
					bind[fi] = ei
				}
				return true
			}
			dead[key] = true
			return false
		}
		ok = rec(0, 0)
	}
	if !ok {
		return nil, false
	}
	if !extract {
		return nil, true
	}
	out := make(map[string]string, n)
	for k, f := range fields {
		text := string(msg[f.start:f.end])
		if el := bind[k]; el >= 0 && p.elems[el].name != "" {
			out["$"+p.elems[el].name] = text
		} else {
			out["$"+strconv.Itoa(k+1)] = text
		}
	}
	return out, true
}
