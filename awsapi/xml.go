package awsapi

import (
	"encoding/base64"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// ---- XML (awsQuery responses) ----
//
// awsQuery answers <OpResponse xmlns=...><OpResult>members</OpResult>
// <ResponseMetadata><RequestId>..</RequestId></ResponseMetadata></OpResponse>.
// Inside, a list is <Name><member>..</member>...</Name> and a map is
// <Name><entry><key>..</key><value>..</value></entry>...</Name>, which is
// how every list and map of CloudWatch's and SNS's models is serialized
// (none is flattened); timestamps are ISO 8601 with milliseconds.

// appendXMLMembers writes the members of struct v (or of what v points to).
func appendXMLMembers(b []byte, v reflect.Value) []byte {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return b
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return b
	}
	p := planFor(v.Type())
	for i := range p.fields {
		f := &p.fields[i]
		fv := f.get(v)
		if f.skip(fv) {
			continue
		}
		b = appendXMLElement(b, f.name, fv)
	}
	return b
}

func appendXMLElement(b []byte, name string, v reflect.Value) []byte {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return b
		}
		v = v.Elem()
	}
	b = append(append(append(b, '<'), name...), '>')
	b = appendXMLValue(b, v)
	return append(append(append(b, "</"...), name...), '>')
}

func appendXMLValue(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Map:
		if customFor(v.Type()).marshal {
			if x, ok := customValue(v); ok {
				return appendXMLValue(b, x.Elem())
			}
		}
	case reflect.Interface:
		if v.IsNil() {
			return b
		}
		return appendXMLValue(b, v.Elem())
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			return appendISO8601(b, timeOf(v))
		}
		return appendXMLMembers(b, v)
	case reflect.Slice:
		if v.Type() == bytesType {
			return append(b, base64.StdEncoding.EncodeToString(v.Bytes())...)
		}
		fallthrough
	case reflect.Array:
		for i := range v.Len() {
			b = appendXMLElement(b, "member", v.Index(i))
		}
		return b
	case reflect.Map:
		for _, k := range sortedKeys(v) {
			b = append(b, "<entry><key>"...)
			b = appendXMLText(b, k.String())
			b = append(b, "</key>"...)
			b = appendXMLElement(b, "value", v.MapIndex(k))
			b = append(b, "</entry>"...)
		}
		return b
	case reflect.String:
		return appendXMLText(b, v.String())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return appendQueryFloat(b, v.Float())
	}
	return b
}

func appendQueryFloat(b []byte, f float64) []byte {
	switch {
	case f != f:
		return append(b, "NaN"...)
	case f > 1.7976931348623157e308:
		return append(b, "Infinity"...)
	case f < -1.7976931348623157e308:
		return append(b, "-Infinity"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// appendISO8601 writes 2006-01-02T15:04:05.000Z, the form CloudWatch's query
// answers use.
func appendISO8601(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

// appendXMLText escapes s as XML character data. Characters XML 1.0 cannot
// carry become U+FFFD.
func appendXMLText(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\'':
			b = append(b, "&apos;"...)
		case r == '\r':
			b = append(b, "&#xD;"...)
		case r == '\n' || r == '\t':
			b = append(b, byte(r))
		case r == utf8.RuneError && size == 1, r < 0x20, r >= 0xFFFE && r <= 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			b = append(b, "\uFFFD"...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}
