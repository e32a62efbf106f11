package awsapi

import (
	"encoding/binary"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// ---- CBOR (smithy-rpc-v2-cbor) ----
//
// Request bodies are first checked by github.com/fxamacker/cbor/v2
// (Wellformed): it is the maintained, fuzzed Go implementation of RFC 8949,
// and enforces nesting, length and UTF-8 rules on untrusted input before
// anything is decoded. The cborReader (cbordec.go) then maps the body onto
// the service's Input with the cached plans. Responses are written by the
// small encoder below, which writes exactly what smithy-go's CBOR
// deserializer expects: definite-length maps and arrays, integers for
// integer shapes, 64-bit floats for doubles, tag 1 (epoch seconds) for
// timestamps and byte strings for blobs.

var cborDec = func() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyQuiet,
		MaxNestedLevels:  32,
		MaxArrayElements: 1 << 17,
		MaxMapPairs:      1 << 17,
		IndefLength:      cbor.IndefLengthAllowed,
		TimeTag:          cbor.DecTagOptional,
		DefaultMapType:   reflect.TypeFor[map[string]any](),
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}()

// decodeCBOR decodes a request body into dst (a pointer to a zero Input).
// An empty body is an empty input (smithy clients send none for an input
// with no members set).
//
// The cborReader first decodes in one pass, in its fast mode, which is
// stricter than fxamacker's well-formedness check (see cborReader.fast):
// a body it accepts is one Wellformed accepts. Anything else (indefinite
// lengths, which neither smithy-go nor botocore writes, and every error)
// is decoded again the reference way: fxamacker/cbor checks the body is
// well-formed, then the reader maps it onto the Input; that decides the
// answer, so errors read exactly as they always have.
func decodeCBOR(body []byte, dst any) error {
	if len(body) == 0 {
		return nil
	}
	v := reflect.ValueOf(dst).Elem()
	if decodeCBORWith(body, v, true) == nil {
		return nil
	}
	v.SetZero()
	return decodeCBORReference(body, v)
}

// decodeCBORReference is decodeCBOR's reference road.
func decodeCBORReference(body []byte, v reflect.Value) error {
	if err := cborDec.Wellformed(body); err != nil {
		return &decodeError{msg: "malformed CBOR: " + err.Error()}
	}
	return decodeCBORWith(body, v, false)
}

func decodeCBORWith(body []byte, v reflect.Value, fast bool) (err error) {
	sc := scratchPool.Get().(*decScratch)
	defer scratchPool.Put(sc)
	r := &cborReader{b: body, fast: fast, decScratch: sc}
	if v.CanAddr() {
		err = r.decodeAt(v.Addr().UnsafePointer(), decPlanFor(v.Type()), 0)
	} else {
		err = r.decode(v, decPlanFor(v.Type()), 0)
	}
	if err != nil {
		return err
	}
	if r.off != len(body) {
		return &decodeError{msg: "malformed CBOR: data after the top-level item"}
	}
	return nil
}

const (
	cborUint   = 0 << 5
	cborNeg    = 1 << 5
	cborBytes  = 2 << 5
	cborText   = 3 << 5
	cborArray  = 4 << 5
	cborMap    = 5 << 5
	cborTag    = 6 << 5
	cborSimple = 7 << 5
)

func appendCBORHead(b []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(b, major|byte(n))
	case n <= math.MaxUint8:
		return append(b, major|24, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, major|25), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, major|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, major|27), n)
}

func appendCBORString(b []byte, s string) []byte {
	return append(appendCBORHead(b, cborText, uint64(len(s))), s...)
}

func appendCBORInt(b []byte, i int64) []byte {
	if i >= 0 {
		return appendCBORHead(b, cborUint, uint64(i))
	}
	return appendCBORHead(b, cborNeg, uint64(-1-i))
}

func appendCBORFloat(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, cborSimple|27), math.Float64bits(f))
}

// appendCBORTime writes tag 1 with integer seconds, or a double when the time
// has milliseconds (smithy-go reads both).
func appendCBORTime(b []byte, t time.Time) []byte {
	b = append(b, cborTag|1)
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return appendCBORInt(b, ms/1000)
	}
	return appendCBORFloat(b, float64(ms)/1000)
}

// appendCBORPlanned is appendCBOR along v's plan (p.typ == v.Type()):
// structs, lists and pointers pass their members' plans down, so the
// answer's types are not looked up again for each value; anything else
// takes appendCBOR.
func appendCBORPlanned(b []byte, v reflect.Value, p *decPlan) []byte {
	if p.marshal {
		return appendCBOR(b, v)
	}
	switch p.kind {
	case decPointer:
		if v.IsNil() {
			return append(b, cborSimple|22)
		}
		return appendCBORPlanned(b, v.Elem(), p.elem)
	case decStruct:
		sp := p.plan
		var small [32]reflect.Value
		vals := small[:0]
		if len(sp.fields) > len(small) {
			vals = make([]reflect.Value, 0, len(sp.fields))
		}
		n := 0
		for i := range sp.fields {
			fv := sp.fields[i].get(v)
			if sp.fields[i].skip(fv) {
				fv = reflect.Value{}
			} else {
				n++
			}
			vals = append(vals, fv)
		}
		b = appendCBORHead(b, cborMap, uint64(n))
		for i, fv := range vals {
			if fv.IsValid() {
				b = appendCBORString(b, sp.fields[i].name)
				b = appendCBORPlanned(b, fv, p.fields[i])
			}
		}
		return b
	case decSlice:
		if _, ok := floatsOf(v); ok {
			return appendCBOR(b, v)
		}
		if _, ok := timesOf(v); ok {
			return appendCBOR(b, v)
		}
		b = appendCBORHead(b, cborArray, uint64(v.Len()))
		for i := range v.Len() {
			b = appendCBORPlanned(b, v.Index(i), p.elem)
		}
		return b
	}
	return appendCBOR(b, v)
}

func appendCBOR(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Map:
		if customFor(v.Type()).marshal {
			if x, ok := customValue(v); ok {
				return appendCBOR(b, x)
			}
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, cborSimple|22)
		}
		return appendCBOR(b, v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			return appendCBORTime(b, timeOf(v))
		}
		p := planFor(v.Type())
		// Definite-length maps, as smithy's encoders write: count the
		// members first, remembering which (on the stack for AWS-sized
		// structs).
		var small [32]reflect.Value
		vals := small[:0]
		if len(p.fields) > len(small) {
			vals = make([]reflect.Value, 0, len(p.fields))
		}
		n := 0
		for i := range p.fields {
			fv := p.fields[i].get(v)
			if p.fields[i].skip(fv) {
				fv = reflect.Value{}
			} else {
				n++
			}
			vals = append(vals, fv)
		}
		b = appendCBORHead(b, cborMap, uint64(n))
		for i, fv := range vals {
			if fv.IsValid() {
				b = appendCBORString(b, p.fields[i].name)
				b = appendCBOR(b, fv)
			}
		}
		return b
	case reflect.Slice:
		if v.Type() == bytesType {
			return append(appendCBORHead(b, cborBytes, uint64(v.Len())), v.Bytes()...)
		}
		fallthrough
	case reflect.Array:
		b = appendCBORHead(b, cborArray, uint64(v.Len()))
		if fs, ok := floatsOf(v); ok {
			for _, f := range fs {
				b = appendCBORFloat(b, f)
			}
		} else if ts, ok := timesOf(v); ok {
			for _, t := range ts {
				b = appendCBORTime(b, t)
			}
		} else {
			for i := range v.Len() {
				b = appendCBOR(b, v.Index(i))
			}
		}
		return b
	case reflect.Map:
		b = appendCBORHead(b, cborMap, uint64(v.Len()))
		for _, k := range sortedKeys(v) {
			b = appendCBORString(b, k.String())
			b = appendCBOR(b, v.MapIndex(k))
		}
		return b
	case reflect.String:
		if v.Type() == jsonNumberType { // a number inside a document member
			if i, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
				return appendCBORInt(b, i)
			}
			if f, err := strconv.ParseFloat(v.String(), 64); err == nil {
				return appendCBORFloat(b, f)
			}
		}
		return appendCBORString(b, v.String())
	case reflect.Bool:
		if v.Bool() {
			return append(b, cborSimple|21)
		}
		return append(b, cborSimple|20)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return appendCBORInt(b, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return appendCBORHead(b, cborUint, v.Uint())
	case reflect.Float32, reflect.Float64:
		return appendCBORFloat(b, v.Float())
	}
	return append(b, cborSimple|22)
}
