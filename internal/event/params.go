package event

import (
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Params is the one encoder of an operation's Input into CloudTrail's
// requestParameters: a map keyed by the member names as AWS's JSON protocols
// spell them in camelCase (a `json:"name"` tag gives the name; otherwise the Go
// field name with its first letter lowered), holding only the members the
// caller set — zero values, nil pointers and empty lists and maps are left out,
// and an Input with none set is nil (CloudTrail's "requestParameters": null).
// Times are RFC 3339 strings in UTC, []byte is left out (CloudTrail does not
// record payload bytes). Fields tagged `json:"-"` or `cloudtrail:"-"` are
// never recorded (secrets such as SNS's token); a `cloudtrail:"name"` tag
// renames a member where CloudTrail's record differs from the wire name.
//
// A service whose record AWS shapes differently for one operation sets
// event.Call.Params instead; the wire layer encodes Inputs with the same names.
func Params(in any) any {
	v := reflect.ValueOf(in)
	out := encodeParam(v)
	if m, ok := out.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	return out
}

var timeType = reflect.TypeFor[time.Time]()

func encodeParam(v reflect.Value) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if t.IsZero() {
				return nil
			}
			return t.UTC().Format(time.RFC3339)
		}
		m := map[string]any{}
		for _, f := range paramFields(v.Type()) {
			fv := v.Field(f.index)
			if absentParam(fv) {
				continue
			}
			if x := encodeParam(fv); x != nil {
				m[f.name] = x
			}
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		if v.Len() == 0 {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = encodeParam(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		out := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out[toString(iter.Key())] = encodeParam(iter.Value())
		}
		return out
	case reflect.Invalid, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return nil
	}
	return v.Interface()
}

func toString(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	return strings.TrimSpace(reflect.ValueOf(k.Interface()).String())
}

func absentParam(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return v.IsZero()
}

type paramField struct {
	index int
	name  string
}

var paramFieldCache sync.Map // reflect.Type -> []paramField

func paramFields(t reflect.Type) []paramField {
	if f, ok := paramFieldCache.Load(t); ok {
		return f.([]paramField)
	}
	var fs []paramField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name := lowerFirst(sf.Name)
		if tag, ok := sf.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
		}
		if tag, ok := sf.Tag.Lookup("cloudtrail"); ok {
			if tag == "-" {
				continue
			}
			name = tag
		}
		fs = append(fs, paramField{index: i, name: name})
	}
	paramFieldCache.Store(t, fs)
	return fs
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
