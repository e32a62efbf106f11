package awsapi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// ---- CBOR (smithy-rpc-v2-cbor) ----
//
// Requests are decoded by github.com/fxamacker/cbor/v2 straight into the
// service's Input: it is the maintained, fuzzed Go CBOR implementation (RFC
// 8949), it honours the json tags our types already carry, decodes tag 1
// into time.Time, and enforces nesting, length and duplicate-key limits on
// untrusted input. Responses are written by the small encoder below, which
// writes exactly what smithy-go's CBOR deserializer expects: definite-length
// maps and arrays, integers for integer shapes, 64-bit floats for doubles,
// tag 1 (epoch seconds) for timestamps and byte strings for blobs.

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

// decodeCBOR decodes a request body into dst (a pointer to an Input). An
// empty body is an empty input (smithy clients send none for an input with no
// members set).
func decodeCBOR(body []byte, dst any) error {
	if len(body) == 0 {
		return nil
	}
	if err := cborDec.Unmarshal(body, dst); err != nil {
		var te *cbor.UnmarshalTypeError
		if errors.As(err, &te) {
			return &decodeError{fmt.Sprintf("%s: expected %s, found CBOR %s", pathOr(te.StructFieldName), te.GoType, te.CBORType)}
		}
		return &decodeError{"malformed CBOR: " + err.Error()}
	}
	toUTC(reflect.ValueOf(dst))
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

func appendCBOR(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, cborSimple|22)
		}
		return appendCBOR(b, v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			return appendCBORTime(b, v.Interface().(time.Time))
		}
		p := planFor(v.Type())
		// Count first: definite-length maps, as smithy's encoders write.
		n := 0
		for i := range p.fields {
			if !p.fields[i].skip(p.fields[i].get(v)) {
				n++
			}
		}
		b = appendCBORHead(b, cborMap, uint64(n))
		for i := range p.fields {
			f := &p.fields[i]
			fv := f.get(v)
			if f.skip(fv) {
				continue
			}
			b = appendCBORString(b, f.name)
			b = appendCBOR(b, fv)
		}
		return b
	case reflect.Slice:
		if v.Type() == bytesType {
			return append(appendCBORHead(b, cborBytes, uint64(v.Len())), v.Bytes()...)
		}
		fallthrough
	case reflect.Array:
		b = appendCBORHead(b, cborArray, uint64(v.Len()))
		switch s := v.Interface().(type) {
		case []float64:
			for _, f := range s {
				b = appendCBORFloat(b, f)
			}
		case []time.Time:
			for _, t := range s {
				b = appendCBORTime(b, t)
			}
		default:
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

// fxamacker/cbor decodes tag 1 into local time; AWS's timestamps are UTC,
// and the services record and print what they are given, so decoded inputs
// are walked once to move every time.Time to UTC. Types without timestamps
// are skipped (hasTime is cached per type).
func toUTC(v reflect.Value) {
	if !hasTime(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			toUTC(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if t.Location() != time.UTC && !t.IsZero() {
				v.Set(reflect.ValueOf(t.UTC()))
			}
			return
		}
		p := planFor(v.Type())
		for i := range p.fields {
			if f := p.fields[i].get(v); f.IsValid() {
				toUTC(f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			toUTC(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			toUTC(e)
			v.SetMapIndex(k, e)
		}
	}
}

var hasTimeCache sync.Map // reflect.Type -> bool

func hasTime(t reflect.Type) bool {
	if b, ok := hasTimeCache.Load(t); ok {
		return b.(bool)
	}
	hasTimeCache.Store(t, false) // cycles: assume none while walking
	var b bool
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		b = hasTime(t.Elem())
	case reflect.Struct:
		b = t == timeType
		for _, f := range planFor(t).fields {
			b = b || hasTime(f.typ)
		}
	}
	hasTimeCache.Store(t, b)
	return b
}
