package awsapi

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"
	"unsafe"
)

// queryReader decodes an awsQuery form body straight into a service's
// Input, in one pass over the body's pairs and with no url.Values map of
// thousands of keys nor tree in between. The pairs are read in the order
// they came; the parameters of one member (a struct member, a list item
// member.N) must come together, as both botocore (depth first) and
// url.Values.Encode (sorted by key) send them; list items may come in any
// index order and are put in index order, as the reference does. It takes
// the common road only: anything else (a member's parameters apart, a key
// twice, a flattened list, a map, a value that does not parse, a malformed
// escape) gives up with errQuerySlow, and the handler decodes the body again
// with url.ParseQuery and decodeQuery, the reference road, which decides
// every error: the fast road never accepts a body the reference rejects nor
// decodes one differently (FuzzDecodeQuery checks both decode alike).
type queryReader struct {
	pairs  []qpair
	groups []qgroup // list items being decoded, a stack of runs
	buf    []byte   // unescaped keys and values
	*decScratch
}

// qpair is one key=value of the form, unescaped; both alias the body or
// the reader's buf, so strings stored in the Input are copied out (intern).
type qpair struct{ key, val []byte }

// qgroup is a list item: index n, its pairs [lo, hi).
type qgroup struct{ n, lo, hi int }

var errQuerySlow = errors.New("awsapi: take the reference query decoder")

var queryPool = sync.Pool{New: func() any { return new(queryReader) }}

// readForm splits body into r.pairs, unescaping, and returns the first
// Action and Version. Action, Version and X-Amz-* parameters are not
// pairs. It answers false where url.ParseQuery would fail or where the
// decoder could not follow the keys (an empty key or path segment).
func (r *queryReader) readForm(body []byte) (action, version string, ok bool) {
	r.pairs = r.pairs[:0]
	if cap(r.buf) < len(body) {
		r.buf = make([]byte, 0, len(body))
	}
	r.buf = r.buf[:0]
	var haveAction, haveVersion bool
	for len(body) > 0 {
		var kv []byte
		if i := bytes.IndexByte(body, '&'); i >= 0 {
			kv, body = body[:i], body[i+1:]
		} else {
			kv, body = body, nil
		}
		if len(kv) == 0 {
			continue
		}
		// One scan: the '=', and what url.ParseQuery rejects or must
		// unescape, and empty path segments in the key.
		eq, esc, dots := -1, false, false
		for i, c := range kv {
			switch c {
			case ';':
				return "", "", false
			case '=':
				if eq < 0 {
					eq = i
				}
			case '%', '+':
				esc = true
			case '.':
				if eq < 0 && i > 0 && kv[i-1] == '.' {
					dots = true
				}
			}
		}
		k, v := kv, []byte(nil)
		if eq >= 0 {
			k, v = kv[:eq], kv[eq+1:]
		}
		if esc {
			var good bool
			if k, good = r.unescape(k); !good {
				return "", "", false
			}
			if v, good = r.unescape(v); !good {
				return "", "", false
			}
			dots = bytes.Contains(k, []byte(".."))
		}
		switch {
		case string(k) == "Action":
			if !haveAction {
				action, haveAction = string(v), true
			}
			continue
		case string(k) == "Version":
			if !haveVersion {
				version, haveVersion = string(v), true
			}
			continue
		case len(k) >= 6 && string(k[:6]) == "X-Amz-":
			continue
		}
		if len(k) == 0 || k[0] == '.' || k[len(k)-1] == '.' || dots {
			return "", "", false
		}
		r.pairs = append(r.pairs, qpair{k, v})
	}
	return action, version, true
}

// unescape is url.QueryUnescape into r.buf (which never grows past its
// capacity, the body's length, so earlier results stay valid).
func (r *queryReader) unescape(s []byte) ([]byte, bool) {
	if bytes.IndexByte(s, '%') < 0 && bytes.IndexByte(s, '+') < 0 {
		return s, true
	}
	start := len(r.buf)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) {
				return nil, false
			}
			h, l := unhex(s[i+1]), unhex(s[i+2])
			if h < 0 || l < 0 {
				return nil, false
			}
			r.buf = append(r.buf, byte(h<<4|l))
			i += 2
		case '+':
			r.buf = append(r.buf, ' ')
		default:
			r.buf = append(r.buf, c)
		}
	}
	return r.buf[start:len(r.buf):len(r.buf)], true
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// unsafeString views b as a string for parsing; the string must not
// outlive the call it is passed to.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// segment returns the path segment of key starting at at.
func segment(key []byte, at int) []byte {
	if at >= len(key) {
		return nil
	}
	s := key[at:]
	if i := bytes.IndexByte(s, '.'); i >= 0 {
		return s[:i]
	}
	return s
}

// decodeAt decodes pairs [lo, hi), whose keys agree up to at (the start
// of the next path segment; a key of length at-1 is a value here), into
// the memory at ptr of plan p.
func (r *queryReader) decodeAt(lo, hi, at int, ptr unsafe.Pointer, p *decPlan, depth int) error {
	if depth > 32 {
		return errQuerySlow
	}
	leaf := len(r.pairs[lo].key) == at-1
	if hi-lo > 1 {
		for i := lo; i < hi; i++ {
			if len(r.pairs[i].key) == at-1 {
				return errQuerySlow // a value and a structure, or a key twice
			}
		}
	}
	if p.kind == decPointer {
		elem := r.newPointeeAt(p)
		if err := r.decodeAt(lo, hi, at, elem, p.elem, depth); err != nil {
			return err
		}
		*(*unsafe.Pointer)(ptr) = elem
		return nil
	}
	if p.kind == decStruct && p.typ != timeType {
		if leaf {
			return errQuerySlow
		}
		return r.structAt(lo, hi, at, ptr, p, depth)
	}
	if p.kind == decSlice {
		if leaf {
			if len(r.pairs[lo].val) != 0 {
				return errQuerySlow
			}
			// "Name=" is how the query protocol sends an empty list.
			valueAt(p, ptr).Set(reflect.MakeSlice(p.typ, 0, 0))
			return nil
		}
		return r.listAt(lo, hi, at, ptr, p, depth)
	}
	if !leaf {
		return errQuerySlow
	}
	v := r.pairs[lo].val
	switch p.kind {
	case decString:
		*(*string)(ptr) = r.intern(v)
	case decBool:
		switch string(v) {
		case "true":
			*(*bool)(ptr) = true
		case "false":
			*(*bool)(ptr) = false
		default:
			return errQuerySlow
		}
	case decInt:
		n, err := strconv.ParseInt(unsafeString(v), 10, 64)
		if err != nil || !setIntAt(p, ptr, n) {
			return errQuerySlow
		}
	case decFloat:
		var f float64
		switch string(v) {
		case "NaN":
			f = math.NaN()
		case "Infinity":
			f = math.Inf(1)
		case "-Infinity":
			f = math.Inf(-1)
		default:
			var err error
			if f, err = strconv.ParseFloat(unsafeString(v), 64); err != nil {
				return errQuerySlow
			}
		}
		setFloatAt(p, ptr, f)
	case decTime:
		s := unsafeString(v)
		if len(s) > 10 && s[4] == '-' {
			// ISO 8601 (what query clients send), which parseTime
			// reaches after failing to read a number.
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				*(*time.Time)(ptr) = t.UTC()
				return nil
			}
		}
		t, err := parseTime(string(v), "")
		if err != nil {
			return errQuerySlow
		}
		*(*time.Time)(ptr) = t
	case decBytes:
		b, err := base64.StdEncoding.DecodeString(unsafeString(v))
		if err != nil {
			return errQuerySlow
		}
		*(*[]byte)(ptr) = b
	default:
		return errQuerySlow
	}
	return nil
}

// structAt decodes a structure's members: each run of pairs with the same
// next segment is one member.
func (r *queryReader) structAt(lo, hi, at int, ptr unsafe.Pointer, p *decPlan, depth int) error {
	sp := p.plan
	if len(sp.fields) > 64 {
		return errQuerySlow
	}
	var seen uint64
	for i := lo; i < hi; {
		seg := segment(r.pairs[i].key, at)
		j := i + 1
		for j < hi && string(segment(r.pairs[j].key, at)) == string(seg) {
			j++
		}
		fi, ok := sp.lookup(seg)
		if !ok {
			// Unknown members are ignored, as AWS does, but the reference
			// still checks the shape of their parameters: leave all but
			// plain values to it.
			if j-i > 1 || len(r.pairs[i].key) != at+len(seg) {
				return errQuerySlow
			}
			i = j
			continue
		}
		if seen&(1<<fi) != 0 {
			return errQuerySlow // the member's parameters apart
		}
		seen |= 1 << fi
		if err := r.decodeAt(i, j, at+len(seg)+1, fieldAt(p, ptr, fi), p.fields[fi], depth+1); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// listAt decodes a list sent as member.N parameters, in N order.
func (r *queryReader) listAt(lo, hi, at int, ptr unsafe.Pointer, p *decPlan, depth int) error {
	base := len(r.groups)
	defer func() { r.groups = r.groups[:base] }()
	nAt := at + len("member") + 1
	for i := lo; i < hi; {
		if string(segment(r.pairs[i].key, at)) != "member" {
			return errQuerySlow // a flattened list, or other parameters: the reference decides
		}
		seg := segment(r.pairs[i].key, nAt)
		n, err := strconv.Atoi(unsafeString(seg))
		if err != nil || n < 1 || len(seg) == 0 || seg[0] == '+' || seg[0] == '0' {
			return errQuerySlow
		}
		j := i + 1
		for j < hi && string(segment(r.pairs[j].key, at)) == "member" && string(segment(r.pairs[j].key, nAt)) == string(seg) {
			j++
		}
		r.groups = append(r.groups, qgroup{n: n, lo: i, hi: j})
		i = j
	}
	g := r.groups[base:]
	if !slices.IsSortedFunc(g, func(a, b qgroup) int { return a.n - b.n }) {
		slices.SortFunc(g, func(a, b qgroup) int { return a.n - b.n })
	}
	for k := 1; k < len(g); k++ {
		if g[k].n == g[k-1].n {
			return errQuerySlow // an item's parameters apart
		}
	}
	a := r.arena(p)
	if a == nil {
		return errQuerySlow // a list inside a list of its own type
	}
	count := len(g)
	for k := range count {
		it := r.groups[base+k]
		nlen := len(segment(r.pairs[it.lo].key, nAt))
		if err := r.decodeAt(it.lo, it.hi, nAt+nlen+1, a.item(p, k), p.elem, depth+1); err != nil {
			a.finish(p, nil, 0, k+1)
			return err
		}
	}
	a.finish(p, ptr, count, count)
	return nil
}

// decodeQueryFast decodes the pairs read by readForm into dst (a zero,
// addressable Input), or answers errQuerySlow with dst partly written.
func (r *queryReader) decode(dst reflect.Value) error {
	sc := scratchPool.Get().(*decScratch)
	defer scratchPool.Put(sc)
	r.decScratch = sc
	defer func() { r.decScratch = nil }()
	if len(r.pairs) == 0 {
		return nil
	}
	p := decPlanFor(dst.Type())
	if p.kind != decStruct {
		return errQuerySlow
	}
	return r.structAt(0, len(r.pairs), 0, dst.Addr().UnsafePointer(), p, 0)
}

// release returns r to the pool.
func (r *queryReader) release() {
	if cap(r.buf) > 4*mib || cap(r.pairs) > 1<<16 {
		return
	}
	r.pairs = r.pairs[:0]
	r.groups = r.groups[:0]
	queryPool.Put(r)
}
