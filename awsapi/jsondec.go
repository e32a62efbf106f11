package awsapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"
)

// jsonReader decodes an awsJson body straight into a service's Input with
// the cached decode plans (decplan.go), in one pass and with no tree of
// map[string]any in between. It takes the common road only: plain strings
// (no escapes), members once each, numbers that parse as their Go types,
// bounded nesting. Anything else (an escape, a duplicate member, invalid
// UTF-8, any error at all) gives up with errJSONSlow, and decodeJSON then
// decodes the body again with encoding/json and assign, the reference
// decoder, which answers exactly as it always has: the fast road never
// decides an error message nor accepts a body the reference would reject
// (FuzzDecodeJSON checks both decode alike).
type jsonReader struct {
	b   []byte
	off int
	*decScratch
}

var errJSONSlow = errors.New("awsapi: take the reference JSON decoder")

// decodeJSONFast decodes body into dst, or answers errJSONSlow with dst
// partly written.
func decodeJSONFast(body []byte, dst reflect.Value) error {
	sc := scratchPool.Get().(*decScratch)
	defer scratchPool.Put(sc)
	r := &jsonReader{b: body, decScratch: sc}
	r.ws()
	if r.off >= len(r.b) || r.b[r.off] != '{' {
		return errJSONSlow
	}
	var err error
	if dst.CanAddr() {
		err = r.decodeAt(dst.Addr().UnsafePointer(), decPlanFor(dst.Type()), 0)
	} else {
		err = r.decode(dst, decPlanFor(dst.Type()), 0)
	}
	if err != nil {
		return err
	}
	r.ws()
	if r.off != len(r.b) {
		return errJSONSlow
	}
	return nil
}

func (r *jsonReader) ws() {
	for r.off < len(r.b) {
		switch r.b[r.off] {
		case ' ', '\t', '\n', '\r':
			r.off++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (r *jsonReader) peek() byte {
	r.ws()
	if r.off < len(r.b) {
		return r.b[r.off]
	}
	return 0
}

// jsonSpecial marks the bytes str must look at: the closing quote, a
// backslash, control characters and non-ASCII bytes.
var jsonSpecial = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
	return t
}()

// str reads a string without escapes, valid UTF-8, no control characters;
// the result aliases the body.
func (r *jsonReader) str() ([]byte, error) {
	if r.peek() != '"' {
		return nil, errJSONSlow
	}
	r.off++
	start := r.off
	ascii := true
	for r.off < len(r.b) {
		// Plain bytes in a tight loop; the switch sees only the others.
		b, i := r.b, r.off
		for i < len(b) && !jsonSpecial[b[i]] {
			i++
		}
		if r.off = i; i == len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			s := r.b[start:r.off]
			r.off++
			if !ascii && !utf8.Valid(s) {
				return nil, errJSONSlow
			}
			return s, nil
		case c == '\\' || c < 0x20:
			return nil, errJSONSlow
		case c >= utf8.RuneSelf:
			ascii = false
		}
		r.off++
	}
	return nil, errJSONSlow
}

// num reads a number as the JSON grammar spells it.
func (r *jsonReader) num() ([]byte, error) {
	r.ws()
	start := r.off
	b := r.b
	i := r.off
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return nil, errJSONSlow
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return nil, errJSONSlow
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return nil, errJSONSlow
		}
	}
	r.off = i
	return b[start:i], nil
}

// lit consumes the literal s if it is next.
func (r *jsonReader) lit(s string) bool {
	if r.off+len(s) <= len(r.b) && string(r.b[r.off:r.off+len(s)]) == s {
		r.off += len(s)
		return true
	}
	return false
}

// skip passes over one value, checking it is valid JSON.
func (r *jsonReader) skip(depth int) error {
	if depth > 32 {
		return errJSONSlow
	}
	switch r.peek() {
	case '"':
		_, err := r.str()
		return err
	case '{':
		r.off++
		if r.peek() == '}' {
			r.off++
			return nil
		}
		for {
			if _, err := r.str(); err != nil {
				return err
			}
			if r.peek() != ':' {
				return errJSONSlow
			}
			r.off++
			if err := r.skip(depth + 1); err != nil {
				return err
			}
			switch r.peek() {
			case ',':
				r.off++
			case '}':
				r.off++
				return nil
			default:
				return errJSONSlow
			}
		}
	case '[':
		r.off++
		if r.peek() == ']' {
			r.off++
			return nil
		}
		for {
			if err := r.skip(depth + 1); err != nil {
				return err
			}
			switch r.peek() {
			case ',':
				r.off++
			case ']':
				r.off++
				return nil
			default:
				return errJSONSlow
			}
		}
	case 't':
		if r.lit("true") {
			return nil
		}
	case 'f':
		if r.lit("false") {
			return nil
		}
	case 'n':
		if r.lit("null") {
			return nil
		}
	default:
		_, err := r.num()
		return err
	}
	return errJSONSlow
}

// count returns the number of items of the non-empty array whose '[' was
// just read, by a quick scan that only follows strings and nesting (decode
// then checks every byte).
func (r *jsonReader) count() (int, bool) {
	b := r.b
	n, depth := 1, 0
	for i := r.off; i < len(b); i++ {
		switch b[i] {
		case '"':
			for {
				j := bytes.IndexByte(b[i+1:], '"')
				if j < 0 {
					return 0, false
				}
				i += j + 1
				k := i - 1
				for b[k] == '\\' {
					k--
				}
				if (i-1-k)%2 == 0 {
					break // the quote is not escaped
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 {
				return n, true
			}
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	return 0, false
}

// decode reads one value into v, of plan p.
func (r *jsonReader) decode(v reflect.Value, p *decPlan, depth int) error {
	if depth > 32 {
		return errJSONSlow
	}
	c := r.peek()
	if c == 'n' {
		if r.lit("null") {
			return nil // null: absent
		}
		return errJSONSlow
	}
	switch p.kind {
	case decCustom, decAny:
		// Rare: the value's own text through the reference decoder.
		start := r.off
		if err := r.skip(depth); err != nil {
			return err
		}
		d := json.NewDecoder(bytes.NewReader(r.b[start:r.off]))
		d.UseNumber()
		var tree any
		if d.Decode(&tree) != nil || assign(v, tree, "", false) != nil {
			return errJSONSlow
		}
		return nil
	case decPointer:
		ptr := r.newPointee(p)
		if err := r.decode(ptr.Elem(), p.elem, depth); err != nil {
			return err
		}
		v.Set(ptr)
		return nil
	case decTime:
		var tm time.Time
		if c == '"' {
			s, err := r.str()
			if err != nil {
				return err
			}
			if tm, err = parseTime(string(s), ""); err != nil {
				return errJSONSlow
			}
		} else {
			n, err := r.num()
			if err != nil {
				return err
			}
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
				return errJSONSlow
			}
			sec, frac := math.Modf(f)
			tm = time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC()
		}
		setTime(v, tm)
		return nil
	case decStruct:
		if c != '{' {
			return errJSONSlow
		}
		r.off++
		if r.peek() == '}' {
			r.off++
			return nil
		}
		sp := p.plan
		if len(sp.fields) > 64 {
			return errJSONSlow
		}
		var seen uint64
		guess := 0
		for {
			key, err := r.str()
			if err != nil {
				return err
			}
			if r.peek() != ':' {
				return errJSONSlow
			}
			r.off++
			fi, ok := guess, guess < len(sp.fields) && sp.fields[guess].name == string(key)
			if !ok {
				fi, ok = sp.lookup(key)
			}
			if !ok {
				if err := r.skip(depth + 1); err != nil {
					return err
				}
			} else {
				if seen&(1<<fi) != 0 {
					return errJSONSlow // a member twice: the reference decides
				}
				seen |= 1 << fi
				guess = fi + 1
				if err := r.decode(sp.fields[fi].set(v), p.fields[fi], depth+1); err != nil {
					return err
				}
			}
			switch r.peek() {
			case ',':
				r.off++
			case '}':
				r.off++
				return nil
			default:
				return errJSONSlow
			}
		}
	case decBytes:
		s, err := r.str()
		if err != nil {
			return err
		}
		b, err := base64.StdEncoding.DecodeString(string(s))
		if err != nil {
			return errJSONSlow
		}
		v.SetBytes(b)
		return nil
	case decSlice:
		if c != '[' {
			return errJSONSlow
		}
		r.off++
		if !v.IsNil() {
			v.SetZero()
		}
		if r.peek() == ']' {
			r.off++
			growSlice(v, 0)
			return nil
		}
		// Decode into the scratch list, then copy at the list's size
		// (growing the slice item by item would copy it over and over).
		if ls := r.listScratch(p); ls != nil {
			for n := 0; ; {
				if err := r.decode(ls.item(n), p.elem, depth+1); err != nil {
					ls.done(reflect.Value{}, n+1)
					return err
				}
				n++
				switch r.peek() {
				case ',':
					r.off++
				case ']':
					r.off++
					ls.done(v, n)
					return nil
				default:
					ls.done(reflect.Value{}, n)
					return errJSONSlow
				}
			}
		}
		// A list inside a list of its own type: count the items first.
		n, ok := r.count()
		if !ok {
			return errJSONSlow
		}
		growSlice(v, n)
		for i := 0; ; i++ {
			if i == n {
				return errJSONSlow
			}
			if err := r.decode(v.Index(i), p.elem, depth+1); err != nil {
				return err
			}
			switch r.peek() {
			case ',':
				r.off++
			case ']':
				r.off++
				if i+1 != n {
					return errJSONSlow
				}
				return nil
			default:
				return errJSONSlow
			}
		}
	case decMap:
		if c != '{' || p.typ.Key().Kind() != reflect.String {
			return errJSONSlow
		}
		r.off++
		m := reflect.MakeMap(p.typ)
		if r.peek() == '}' {
			r.off++
			v.Set(m)
			return nil
		}
		for {
			key, err := r.str()
			if err != nil {
				return err
			}
			if r.peek() != ':' {
				return errJSONSlow
			}
			r.off++
			e := reflect.New(p.typ.Elem()).Elem()
			if err := r.decode(e, p.elem, depth+1); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(string(key)).Convert(p.typ.Key()), e)
			switch r.peek() {
			case ',':
				r.off++
			case '}':
				r.off++
				v.Set(m)
				return nil
			default:
				return errJSONSlow
			}
		}
	case decString:
		s, err := r.str()
		if err != nil {
			return err
		}
		v.SetString(r.intern(s))
		return nil
	case decBool:
		switch {
		case r.lit("true"):
			v.SetBool(true)
		case r.lit("false"):
			v.SetBool(false)
		default:
			return errJSONSlow
		}
		return nil
	case decInt:
		n, err := r.num()
		if err != nil {
			return err
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || v.OverflowInt(i) {
			return errJSONSlow
		}
		v.SetInt(i)
		return nil
	case decUint:
		n, err := r.num()
		if err != nil {
			return err
		}
		i, err := strconv.ParseUint(string(n), 10, 64)
		if err != nil || v.OverflowUint(i) {
			return errJSONSlow
		}
		v.SetUint(i)
		return nil
	case decFloat:
		var f float64
		if c == '"' {
			s, err := r.str()
			if err != nil {
				return err
			}
			switch string(s) {
			case "NaN":
				f = math.NaN()
			case "Infinity":
				f = math.Inf(1)
			case "-Infinity":
				f = math.Inf(-1)
			default:
				return errJSONSlow
			}
		} else {
			n, err := r.num()
			if err != nil {
				return err
			}
			if f, err = strconv.ParseFloat(string(n), 64); err != nil {
				return errJSONSlow
			}
		}
		v.SetFloat(f)
		return nil
	}
	return errJSONSlow
}

// decodeAt is decode's direct road (memdec.go): it reads one value into the
// memory at ptr, of plan p, and answers exactly as decode would. The kinds
// it does not write itself it hands to decode. Its object-member loop
// repeats decode's on purpose: sharing it through a per-member callback
// measured slower on PutMetricData of 1,000 datums.
func (r *jsonReader) decodeAt(ptr unsafe.Pointer, p *decPlan, depth int) error {
	switch p.kind {
	case decPointer, decTime, decStruct, decSlice, decString, decBool, decInt, decFloat:
	default:
		return r.decode(valueAt(p, ptr), p, depth)
	}
	if depth > 32 {
		return errJSONSlow
	}
	c := r.peek()
	if c == 'n' {
		if r.lit("null") {
			return nil // null: absent
		}
		return errJSONSlow
	}
	switch p.kind {
	case decPointer:
		elem := r.newPointeeAt(p)
		if err := r.decodeAt(elem, p.elem, depth); err != nil {
			return err
		}
		*(*unsafe.Pointer)(ptr) = elem
		return nil
	case decTime:
		var tm time.Time
		if c == '"' {
			s, err := r.str()
			if err != nil {
				return err
			}
			if tm, err = parseTime(string(s), ""); err != nil {
				return errJSONSlow
			}
		} else {
			n, err := r.num()
			if err != nil {
				return err
			}
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
				return errJSONSlow
			}
			sec, frac := math.Modf(f)
			tm = time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC()
		}
		*(*time.Time)(ptr) = tm
		return nil
	case decStruct:
		if c != '{' {
			return errJSONSlow
		}
		r.off++
		if r.peek() == '}' {
			r.off++
			return nil
		}
		sp := p.plan
		if len(sp.fields) > 64 {
			return errJSONSlow
		}
		var seen uint64
		guess := 0
		for {
			key, err := r.str()
			if err != nil {
				return err
			}
			if r.peek() != ':' {
				return errJSONSlow
			}
			r.off++
			fi, ok := guess, guess < len(sp.fields) && sp.fields[guess].name == string(key)
			if !ok {
				fi, ok = sp.lookup(key)
			}
			if !ok {
				if err := r.skip(depth + 1); err != nil {
					return err
				}
			} else {
				if seen&(1<<fi) != 0 {
					return errJSONSlow // a member twice: the reference decides
				}
				seen |= 1 << fi
				guess = fi + 1
				if err := r.decodeAt(fieldAt(p, ptr, fi), p.fields[fi], depth+1); err != nil {
					return err
				}
			}
			switch r.peek() {
			case ',':
				r.off++
			case '}':
				r.off++
				return nil
			default:
				return errJSONSlow
			}
		}
	case decSlice:
		if c != '[' {
			return errJSONSlow
		}
		a := r.arena(p)
		if a == nil {
			// A list inside a list of its own type.
			return r.decode(valueAt(p, ptr), p, depth)
		}
		r.off++
		if r.peek() == ']' {
			r.off++
			a.finish(p, ptr, 0, 0)
			return nil
		}
		for n := 0; ; {
			if err := r.decodeAt(a.item(p, n), p.elem, depth+1); err != nil {
				a.finish(p, nil, 0, n+1)
				return err
			}
			n++
			switch r.peek() {
			case ',':
				r.off++
			case ']':
				r.off++
				a.finish(p, ptr, n, n)
				return nil
			default:
				a.finish(p, nil, 0, n)
				return errJSONSlow
			}
		}
	case decString:
		s, err := r.str()
		if err != nil {
			return err
		}
		*(*string)(ptr) = r.intern(s)
		return nil
	case decBool:
		switch {
		case r.lit("true"):
			*(*bool)(ptr) = true
		case r.lit("false"):
			*(*bool)(ptr) = false
		default:
			return errJSONSlow
		}
		return nil
	case decInt:
		n, err := r.num()
		if err != nil {
			return err
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || !setIntAt(p, ptr, i) {
			return errJSONSlow
		}
		return nil
	case decFloat:
		var f float64
		if c == '"' {
			s, err := r.str()
			if err != nil {
				return err
			}
			switch string(s) {
			case "NaN":
				f = math.NaN()
			case "Infinity":
				f = math.Inf(1)
			case "-Infinity":
				f = math.Inf(-1)
			default:
				return errJSONSlow
			}
		} else {
			n, err := r.num()
			if err != nil {
				return err
			}
			if f, err = strconv.ParseFloat(string(n), 64); err != nil {
				return errJSONSlow
			}
		}
		setFloatAt(p, ptr, f)
		return nil
	}
	return errJSONSlow
}
