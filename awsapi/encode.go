package awsapi

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// The three output encoders walk a service's Output by reflection, with the
// cached structPlans. They write what AWS writes: JSON timestamps as epoch
// seconds, CBOR timestamps as tag 1, XML timestamps in ISO 8601; blobs as
// base64 (JSON, XML) or byte strings (CBOR); map keys in sorted order so
// answers are byte-for-byte reproducible.

// ---- JSON (awsJson1_0, awsJson1_1) ----

// appendJSONPlanned is appendJSON along v's plan (p.typ == v.Type()), as
// appendCBORPlanned is appendCBOR's.
func appendJSONPlanned(b []byte, v reflect.Value, p *decPlan) []byte {
	if p.marshal {
		return appendJSON(b, v)
	}
	switch p.kind {
	case decPointer:
		if v.IsNil() {
			return append(b, "null"...)
		}
		return appendJSONPlanned(b, v.Elem(), p.elem)
	case decStruct:
		sp := p.plan
		b = append(b, '{')
		n := 0
		for i := range sp.fields {
			f := &sp.fields[i]
			fv := f.get(v)
			if f.skip(fv) {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendJSONString(b, f.name)
			b = append(b, ':')
			b = appendJSONPlanned(b, fv, p.fields[i])
		}
		return append(b, '}')
	case decSlice:
		if _, ok := floatsOf(v); ok {
			return appendJSON(b, v)
		}
		if _, ok := timesOf(v); ok {
			return appendJSON(b, v)
		}
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONPlanned(b, v.Index(i), p.elem)
		}
		return append(b, ']')
	}
	return appendJSON(b, v)
}

func appendJSON(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Map:
		if customFor(v.Type()).marshal {
			if raw, ok := customJSON(v); ok {
				return append(b, raw...)
			}
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...)
		}
		return appendJSON(b, v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			return appendEpoch(b, timeOf(v))
		}
		p := planFor(v.Type())
		b = append(b, '{')
		n := 0
		for i := range p.fields {
			f := &p.fields[i]
			fv := f.get(v)
			if f.skip(fv) {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendJSONString(b, f.name)
			b = append(b, ':')
			b = appendJSON(b, fv)
		}
		return append(b, '}')
	case reflect.Slice:
		if v.Type() == bytesType {
			return appendJSONString(b, base64.StdEncoding.EncodeToString(v.Bytes()))
		}
		fallthrough
	case reflect.Array:
		b = append(b, '[')
		if fs, ok := floatsOf(v); ok {
			for i, f := range fs {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONFloat(b, f)
			}
		} else if ts, ok := timesOf(v); ok {
			for i, t := range ts {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendEpoch(b, t)
			}
		} else {
			for i := range v.Len() {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSON(b, v.Index(i))
			}
		}
		return append(b, ']')
	case reflect.Map:
		b = append(b, '{')
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k.String())
			b = append(b, ':')
			b = appendJSON(b, v.MapIndex(k))
		}
		return append(b, '}')
	case reflect.String:
		if v.Type() == jsonNumberType && json.Valid([]byte(v.String())) {
			return append(b, v.String()...) // a number inside a document member
		}
		return appendJSONString(b, v.String())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return appendJSONFloat(b, v.Float())
	}
	return append(b, "null"...)
}

func sortedKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int {
		switch {
		case a.String() < b.String():
			return -1
		case a.String() > b.String():
			return 1
		}
		return 0
	})
	return keys
}

// appendJSONFloat writes a double; NaN and the infinities, which JSON cannot
// spell, as smithy's strings.
func appendJSONFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// appendEpoch writes epoch seconds, with milliseconds when there are any
// (AWS's JSON timestamps: 1.700000000123E9 style is read by every SDK; we
// write the plain decimal form).
func appendEpoch(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.AppendInt(b, ms/1000, 10)
	}
	return strconv.AppendFloat(b, float64(ms)/1000, 'f', -1, 64)
}

var jsonNumberType = reflect.TypeFor[json.Number]()

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
