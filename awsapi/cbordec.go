package awsapi

import (
	"encoding/binary"
	"math"
	"reflect"
	"strconv"
	"time"
	"unsafe"
)

// cborReader decodes a CBOR request body straight into a service's Input
// with the cached decode plans (decplan.go): map keys are matched against
// the plan without allocating (the member the encoder wrote next is tried
// first), short strings are interned, small pointees come from slabs, and
// unknown members are skipped. fxamacker/cbor has already checked that the
// body is well-formed (cborDec.Wellformed: lengths within the body, nesting
// and length limits, valid UTF-8), so this reader only maps values to
// types; it still checks every bound, and answers a decodeError for
// anything it does not expect. FuzzDecodeCBOR checks that it decodes as
// fxamacker's reflective Unmarshal does.
type cborReader struct {
	b   []byte
	off int
	// fast is the one-pass mode, on a body fxamacker has not checked: the
	// reader is then stricter than cborDec.Wellformed (no indefinite-length
	// strings, and indefinite-length arrays and maps, which smithy-go
	// writes, only in Input members; one nesting level less; only the
	// simple values smithy uses; the same item limits), so that whatever it
	// accepts, Wellformed accepts too.
	fast bool
	*decScratch
}

// maxCBORItems is cborDec's MaxArrayElements and MaxMapPairs.
const maxCBORItems = 1 << 17

// depthOK reports whether an item at depth may be read: 32 levels, as
// cborDec's MaxNestedLevels, one less in fast mode (where the container at
// the limit is refused even when it is empty).
func (r *cborReader) depthOK(depth int) bool {
	if r.fast {
		return depth < 32
	}
	return depth <= 32
}

var errCBORFast = &decodeError{msg: "malformed CBOR: outside the one-pass reader's subset"}

var errCBORShort = &decodeError{msg: "malformed CBOR: unexpected end of body"}

// head reads an item's initial byte and argument. For indefinite lengths
// (info 31) arg is 0 and indef is true.
func (r *cborReader) head() (major, info byte, arg uint64, indef bool, err error) {
	if r.off >= len(r.b) {
		return 0, 0, 0, false, errCBORShort
	}
	c := r.b[r.off]
	r.off++
	major, info = c>>5, c&31
	switch {
	case info < 24:
		return major, info, uint64(info), false, nil
	case info == 24:
		if r.off+1 > len(r.b) {
			return 0, 0, 0, false, errCBORShort
		}
		arg = uint64(r.b[r.off])
		r.off++
	case info == 25:
		if r.off+2 > len(r.b) {
			return 0, 0, 0, false, errCBORShort
		}
		arg = uint64(binary.BigEndian.Uint16(r.b[r.off:]))
		r.off += 2
	case info == 26:
		if r.off+4 > len(r.b) {
			return 0, 0, 0, false, errCBORShort
		}
		arg = uint64(binary.BigEndian.Uint32(r.b[r.off:]))
		r.off += 4
	case info == 27:
		if r.off+8 > len(r.b) {
			return 0, 0, 0, false, errCBORShort
		}
		arg = binary.BigEndian.Uint64(r.b[r.off:])
		r.off += 8
	case info == 31:
		// Indefinite lengths are for strings, arrays and maps; a break
		// is only read by isBreak.
		if major != 2 && major != 3 && major != 4 && major != 5 {
			return 0, 0, 0, false, &decodeError{msg: "malformed CBOR: invalid indefinite length"}
		}
		if r.fast && (major == 2 || major == 3) {
			return 0, 0, 0, false, errCBORFast
		}
		return major, info, 0, true, nil
	default:
		return 0, 0, 0, false, &decodeError{msg: "malformed CBOR: reserved additional information"}
	}
	if major == 7 && info == 24 && arg < 32 {
		return 0, 0, 0, false, &decodeError{msg: "malformed CBOR: invalid simple value"}
	}
	if (major == 4 || major == 5) && arg > maxCBORItems {
		return 0, 0, 0, false, &decodeError{msg: "malformed CBOR: too many items"}
	}
	return major, info, arg, false, nil
}

// shortText reads a text string shorter than 24 bytes (its length in the
// initial byte), if one is next: the common case of member names and
// values, without head's generality.
func (r *cborReader) shortText() ([]byte, bool) {
	if r.off >= len(r.b) {
		return nil, false
	}
	c := r.b[r.off]
	if c < cborText || c >= cborText|24 {
		return nil, false
	}
	end := r.off + 1 + int(c&31)
	if end > len(r.b) {
		return nil, false
	}
	s := r.b[r.off+1 : end]
	r.off = end
	return s, true
}

// isBreak consumes a break byte (0xff) if one is next.
func (r *cborReader) isBreak() bool {
	if r.off < len(r.b) && r.b[r.off] == 0xff {
		r.off++
		return true
	}
	return false
}

// text reads a text or byte string (definite or chunked) of major type
// major; the result aliases the body when it can.
func (r *cborReader) text(major byte, arg uint64, indef bool) ([]byte, error) {
	if !indef {
		if arg > uint64(len(r.b)-r.off) {
			return nil, errCBORShort
		}
		s := r.b[r.off : r.off+int(arg)]
		r.off += int(arg)
		return s, nil
	}
	var out []byte
	for !r.isBreak() {
		m, _, n, ind, err := r.head()
		if err != nil {
			return nil, err
		}
		if m != major || ind {
			return nil, &decodeError{msg: "malformed CBOR: bad chunk in an indefinite-length string"}
		}
		chunk, err := r.text(major, n, false)
		if err != nil {
			return nil, err
		}
		out = append(out, chunk...)
	}
	return out, nil
}

func cborTypeName(major byte) string {
	return [...]string{"an unsigned integer", "a negative integer", "a byte string", "a text string", "an array", "a map", "a tag", "a simple value or float"}[major]
}

// decode reads one item into v, of plan p.
func (r *cborReader) decode(v reflect.Value, p *decPlan, depth int) error {
	if !r.depthOK(depth) {
		return &decodeError{msg: "CBOR nested too deeply"}
	}
	start := r.off
	major, info, arg, indef, err := r.head()
	if err != nil {
		return err
	}
	if major == 7 && (info == 22 || info == 23) {
		return nil // null, undefined: absent
	}
	mismatch := func(want string) error {
		return &decodeError{msg: "expected " + want + ", found CBOR " + cborTypeName(major)}
	}
	switch p.kind {
	case decCustom:
		r.off = start
		x, err := r.generic(depth)
		if err != nil {
			return err
		}
		return customDecode(v, x)
	case decAny:
		// A document member (map[string]any): CBOR's own types.
		r.off = start
		x, err := r.generic(depth)
		if err != nil {
			return err
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	case decPointer:
		r.off = start
		ptr := r.newPointee(p)
		if err := r.decode(ptr.Elem(), p.elem, depth); err != nil {
			return err
		}
		v.Set(ptr)
		return nil
	case decTime:
		if major != 6 || arg != 1 {
			return mismatch("a timestamp (tag 1)")
		}
		secs, err := r.number()
		if err != nil {
			return err
		}
		if math.IsNaN(secs) || math.Abs(secs) > 1e11 {
			return &decodeError{msg: "timestamp out of range"}
		}
		whole, frac := math.Modf(secs)
		setTime(v, time.Unix(int64(whole), int64(frac*1e9)).UTC())
		return nil
	case decStruct:
		if major != 5 {
			return mismatch("a structure")
		}
		sp := p.plan
		guess := 0
		for i := uint64(0); indef || i < arg; i++ {
			if indef && r.isBreak() {
				break
			}
			if i == maxCBORItems {
				return &decodeError{msg: "malformed CBOR: too many items"}
			}
			key, ok := r.shortText()
			if !ok {
				km, _, kn, kind, err := r.head()
				if err != nil {
					return err
				}
				if km != 3 {
					return &decodeError{msg: "map key is CBOR " + cborTypeName(km) + ", not a text string"}
				}
				if key, err = r.text(3, kn, kind); err != nil {
					return err
				}
			}
			// Encoders write members in the shape's order: try the one
			// after the last match first.
			fi, ok := guess, guess < len(sp.fields) && sp.fields[guess].name == string(key)
			if !ok {
				fi, ok = sp.lookup(key)
			}
			if !ok {
				if err := r.skip(depth + 1); err != nil {
					return err
				}
				continue
			}
			guess = fi + 1
			f := &sp.fields[fi]
			if p.fields[fi].kind == decString {
				// The common case inline: a short string member.
				if s, ok := r.shortText(); ok {
					f.set(v).SetString(r.intern(s))
					continue
				}
			}
			if err := r.decode(f.set(v), p.fields[fi], depth+1); err != nil {
				return within(err, f.name)
			}
		}
		return nil
	case decBytes:
		if major != 2 {
			return mismatch("a blob (byte string)")
		}
		b, err := r.text(2, arg, indef)
		if err != nil {
			return err
		}
		v.SetBytes(append([]byte{}, b...))
		return nil
	case decSlice:
		if major != 4 {
			return mismatch("a list")
		}
		if !indef {
			if arg > uint64(len(r.b)-r.off) { // each item takes at least a byte
				return errCBORShort
			}
			growSlice(v, int(arg))
			for i := range int(arg) {
				if err := r.decode(v.Index(i), p.elem, depth+1); err != nil {
					return within(err, "["+strconv.Itoa(i)+"]")
				}
			}
			return nil
		}
		// Indefinite length (smithy-go's lists): decode into the scratch
		// list, then copy at the list's size.
		if ls := r.listScratch(p); ls != nil {
			n := 0
			for ; !r.isBreak(); n++ {
				if n == maxCBORItems {
					ls.done(reflect.Value{}, n)
					return &decodeError{msg: "malformed CBOR: too many items"}
				}
				if err := r.decode(ls.item(n), p.elem, depth+1); err != nil {
					ls.done(reflect.Value{}, n+1)
					return within(err, "["+strconv.Itoa(n)+"]")
				}
			}
			ls.done(v, n)
			return nil
		}
		growSlice(v, 0)
		for i := 0; !r.isBreak(); i++ {
			if i == maxCBORItems {
				return &decodeError{msg: "malformed CBOR: too many items"}
			}
			if i == v.Cap() {
				v.Grow(1)
			}
			v.SetLen(i + 1)
			if err := r.decode(v.Index(i), p.elem, depth+1); err != nil {
				return within(err, "["+strconv.Itoa(i)+"]")
			}
		}
		return nil
	case decMap:
		if major != 5 {
			return mismatch("a map")
		}
		m := reflect.MakeMap(p.typ)
		for i := uint64(0); indef || i < arg; i++ {
			if indef && r.isBreak() {
				break
			}
			if i == maxCBORItems {
				return &decodeError{msg: "malformed CBOR: too many items"}
			}
			km, _, kn, kind, err := r.head()
			if err != nil {
				return err
			}
			if km != 3 {
				return &decodeError{msg: "map key is CBOR " + cborTypeName(km) + ", not a text string"}
			}
			key, err := r.text(3, kn, kind)
			if err != nil {
				return err
			}
			e := reflect.New(p.typ.Elem()).Elem()
			if err := r.decode(e, p.elem, depth+1); err != nil {
				return within(err, string(key))
			}
			m.SetMapIndex(reflect.ValueOf(string(key)).Convert(p.typ.Key()), e)
		}
		v.Set(m)
		return nil
	case decString:
		if major != 3 {
			return mismatch("a string")
		}
		s, err := r.text(3, arg, indef)
		if err != nil {
			return err
		}
		v.SetString(r.intern(s))
		return nil
	case decBool:
		if major != 7 || (info != 20 && info != 21) {
			return mismatch("a boolean")
		}
		v.SetBool(info == 21)
		return nil
	case decInt:
		var n int64
		switch {
		case major == 0 && arg <= math.MaxInt64:
			n = int64(arg)
		case major == 1 && arg <= math.MaxInt64:
			n = -1 - int64(arg)
		default:
			return mismatch("an integer")
		}
		if v.OverflowInt(n) {
			return &decodeError{msg: strconv.FormatInt(n, 10) + " is out of range"}
		}
		v.SetInt(n)
		return nil
	case decUint:
		if major != 0 || v.OverflowUint(arg) {
			return mismatch("a non-negative integer")
		}
		v.SetUint(arg)
		return nil
	case decFloat:
		r.off = start
		f, err := r.number()
		if err != nil {
			return err
		}
		v.SetFloat(f)
		return nil
	}
	return &decodeError{msg: "unsupported member type " + p.typ.String()}
}

// number reads an integer or a float (16, 32 or 64 bits) as a float64.
func (r *cborReader) number() (float64, error) {
	major, info, arg, _, err := r.head()
	if err != nil {
		return 0, err
	}
	switch {
	case major == 0:
		return float64(arg), nil
	case major == 1:
		return -1 - float64(arg), nil
	case major == 7 && info == 25:
		return float64(float16ToFloat32(uint16(arg))), nil
	case major == 7 && info == 26:
		return float64(math.Float32frombits(uint32(arg))), nil
	case major == 7 && info == 27:
		return math.Float64frombits(arg), nil
	}
	return 0, &decodeError{msg: "expected a number, found CBOR " + cborTypeName(major)}
}

func float16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch exp {
	case 0:
		f := float32(mant) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	case 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
}

// skip passes over one item (an unknown member's value).
func (r *cborReader) skip(depth int) error {
	if !r.depthOK(depth) {
		return &decodeError{msg: "CBOR nested too deeply"}
	}
	major, info, arg, indef, err := r.head()
	if err != nil {
		return err
	}
	switch major {
	case 2, 3:
		_, err := r.text(major, arg, indef)
		return err
	case 4, 5:
		per := uint64(1)
		if major == 5 {
			per = 2
		}
		for i := uint64(0); indef || i < arg*per; i++ {
			if indef && r.isBreak() {
				if i%per != 0 {
					return &decodeError{msg: "malformed CBOR: a map ends between a key and its value"}
				}
				return nil
			}
			if i == maxCBORItems*per {
				return &decodeError{msg: "malformed CBOR: too many items"}
			}
			if err := r.skip(depth + 1); err != nil {
				return err
			}
		}
	case 6:
		return r.skip(depth + 1)
	case 7:
		if r.fast && (info < 20 || info > 23) && info != 25 && info != 26 && info != 27 {
			return errCBORFast
		}
	}
	return nil
}

// generic reads one item as a Go value for a document member: maps with
// text keys as map[string]any, arrays as []any, integers as int64 (uint64
// past its range), floats as float64, text as string, bytes as []byte, tag 1
// as time.Time, null as nil.
func (r *cborReader) generic(depth int) (any, error) {
	if !r.depthOK(depth) {
		return nil, &decodeError{msg: "CBOR nested too deeply"}
	}
	start := r.off
	major, info, arg, indef, err := r.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case 0:
		if arg <= math.MaxInt64 {
			return int64(arg), nil
		}
		return arg, nil
	case 1:
		if arg <= math.MaxInt64 {
			return -1 - int64(arg), nil
		}
		return -1 - float64(arg), nil
	case 2, 3:
		b, err := r.text(major, arg, indef)
		if major == 3 {
			return string(b), err
		}
		return append([]byte{}, b...), err
	case 4, 5:
		if indef && r.fast {
			return nil, errCBORFast
		}
	}
	switch major {
	case 4:
		out := []any{}
		for i := uint64(0); indef || i < arg; i++ {
			if indef && r.isBreak() {
				break
			}
			if i == maxCBORItems {
				return nil, &decodeError{msg: "malformed CBOR: too many items"}
			}
			x, err := r.generic(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case 5:
		out := map[string]any{}
		for i := uint64(0); indef || i < arg; i++ {
			if indef && r.isBreak() {
				break
			}
			if i == maxCBORItems {
				return nil, &decodeError{msg: "malformed CBOR: too many items"}
			}
			km, _, kn, kind, err := r.head()
			if err != nil {
				return nil, err
			}
			if km != 3 {
				return nil, &decodeError{msg: "map key is CBOR " + cborTypeName(km) + ", not a text string"}
			}
			key, err := r.text(3, kn, kind)
			if err != nil {
				return nil, err
			}
			x, err := r.generic(depth + 1)
			if err != nil {
				return nil, within(err, string(key))
			}
			out[string(key)] = x
		}
		return out, nil
	case 6:
		if arg == 1 {
			secs, err := r.number()
			if err != nil {
				return nil, err
			}
			whole, frac := math.Modf(secs)
			return time.Unix(int64(whole), int64(frac*1e9)).UTC(), nil
		}
		return r.generic(depth + 1) // other tags: the tagged value
	}
	switch info {
	case 20, 21:
		return info == 21, nil
	case 22, 23:
		return nil, nil
	case 25, 26, 27:
		r.off = start
		return r.number()
	}
	return nil, &decodeError{msg: "unsupported CBOR simple value"}
}

// decodeAt is decode's direct road (memdec.go): it reads one item into the
// memory at ptr, of plan p, and answers exactly as decode would. The kinds
// it does not write itself it hands to decode.
func (r *cborReader) decodeAt(ptr unsafe.Pointer, p *decPlan, depth int) error {
	switch p.kind {
	case decPointer, decTime, decStruct, decSlice, decString, decBool, decInt, decFloat:
	default:
		return r.decode(valueAt(p, ptr), p, depth)
	}
	if !r.depthOK(depth) {
		return &decodeError{msg: "CBOR nested too deeply"}
	}
	start := r.off
	major, info, arg, indef, err := r.head()
	if err != nil {
		return err
	}
	if major == 7 && (info == 22 || info == 23) {
		return nil // null, undefined: absent
	}
	mismatch := func(want string) error {
		return &decodeError{msg: "expected " + want + ", found CBOR " + cborTypeName(major)}
	}
	switch p.kind {
	case decPointer:
		r.off = start
		elem := r.newPointeeAt(p)
		if err := r.decodeAt(elem, p.elem, depth); err != nil {
			return err
		}
		*(*unsafe.Pointer)(ptr) = elem
		return nil
	case decTime:
		if major != 6 || arg != 1 {
			return mismatch("a timestamp (tag 1)")
		}
		secs, err := r.number()
		if err != nil {
			return err
		}
		if math.IsNaN(secs) || math.Abs(secs) > 1e11 {
			return &decodeError{msg: "timestamp out of range"}
		}
		whole, frac := math.Modf(secs)
		*(*time.Time)(ptr) = time.Unix(int64(whole), int64(frac*1e9)).UTC()
		return nil
	case decStruct:
		if major != 5 {
			return mismatch("a structure")
		}
		sp := p.plan
		guess := 0
		for i := uint64(0); indef || i < arg; i++ {
			if indef && r.isBreak() {
				break
			}
			if i == maxCBORItems {
				return &decodeError{msg: "malformed CBOR: too many items"}
			}
			key, ok := r.shortText()
			if !ok {
				km, _, kn, kind, err := r.head()
				if err != nil {
					return err
				}
				if km != 3 {
					return &decodeError{msg: "map key is CBOR " + cborTypeName(km) + ", not a text string"}
				}
				if key, err = r.text(3, kn, kind); err != nil {
					return err
				}
			}
			// Encoders write members in the shape's order: try the one
			// after the last match first.
			fi, ok := guess, guess < len(sp.fields) && sp.fields[guess].name == string(key)
			if !ok {
				fi, ok = sp.lookup(key)
			}
			if !ok {
				if err := r.skip(depth + 1); err != nil {
					return err
				}
				continue
			}
			guess = fi + 1
			fp := p.fields[fi]
			if fp.kind == decString {
				// The common case inline: a short string member.
				if s, ok := r.shortText(); ok {
					*(*string)(fieldAt(p, ptr, fi)) = r.intern(s)
					continue
				}
			}
			if err := r.decodeAt(fieldAt(p, ptr, fi), fp, depth+1); err != nil {
				return within(err, sp.fields[fi].name)
			}
		}
		return nil
	case decSlice:
		if major != 4 {
			return mismatch("a list")
		}
		if !indef && arg > uint64(len(r.b)-r.off) { // each item takes at least a byte
			return errCBORShort
		}
		a := r.arena(p)
		if a == nil {
			// A list inside a list of its own type.
			r.off = start
			return r.decode(valueAt(p, ptr), p, depth)
		}
		n := 0
		for ; indef || n < int(arg); n++ {
			if indef && r.isBreak() {
				break
			}
			if n == maxCBORItems {
				a.finish(p, nil, 0, n)
				return &decodeError{msg: "malformed CBOR: too many items"}
			}
			if err := r.decodeAt(a.item(p, n), p.elem, depth+1); err != nil {
				a.finish(p, nil, 0, n+1)
				return within(err, "["+strconv.Itoa(n)+"]")
			}
		}
		a.finish(p, ptr, n, n)
		return nil
	case decString:
		if major != 3 {
			return mismatch("a string")
		}
		s, err := r.text(3, arg, indef)
		if err != nil {
			return err
		}
		*(*string)(ptr) = r.intern(s)
		return nil
	case decBool:
		if major != 7 || (info != 20 && info != 21) {
			return mismatch("a boolean")
		}
		*(*bool)(ptr) = info == 21
		return nil
	case decInt:
		var n int64
		switch {
		case major == 0 && arg <= math.MaxInt64:
			n = int64(arg)
		case major == 1 && arg <= math.MaxInt64:
			n = -1 - int64(arg)
		default:
			return mismatch("an integer")
		}
		if !setIntAt(p, ptr, n) {
			return &decodeError{msg: strconv.FormatInt(n, 10) + " is out of range"}
		}
		return nil
	case decFloat:
		r.off = start
		f, err := r.number()
		if err != nil {
			return err
		}
		setFloatAt(p, ptr, f)
		return nil
	}
	return &decodeError{msg: "unsupported member type " + p.typ.String()}
}
