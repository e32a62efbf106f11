package awsapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A tree is a request body decoded without knowing its types: JSON gives
// map[string]any, []any, json.Number, string, bool and nil; the query
// protocol gives map[string]any (one level per dot of a key) with string
// leaves. assign copies a tree into a service's Input by reflection, taking
// the wire types from the Go types.

// decodeError is a request body that does not fit the operation's input: the
// protocol's SerializationException (JSON, CBOR) or a query error. at is the
// member path, when the decoder tracks it apart from msg.
type decodeError struct{ at, msg string }

func (e *decodeError) Error() string {
	if e.at == "" {
		return e.msg
	}
	return e.at + ": " + e.msg
}

// within returns err with seg prepended to its member path (built only on
// the error path, so decoding a valid body builds no path strings).
func within(err error, seg string) error {
	de, ok := err.(*decodeError)
	if !ok || de == errCBORShort {
		return err
	}
	at := seg
	if de.at != "" {
		if de.at[0] == '[' {
			at += de.at
		} else {
			at += "." + de.at
		}
	}
	return &decodeError{at: at, msg: de.msg}
}

func typeErr(path string, want string, got any) error {
	return &decodeError{msg: fmt.Sprintf("%s: expected %s, found %s", pathOr(path), want, kindOf(got))}
}

func pathOr(p string) string {
	if p == "" {
		return "request body"
	}
	return p
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a structure"
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// assign stores tree v into dst. query is true for query-protocol trees,
// whose leaves are all strings and whose lists and maps are keyed
// member.N / entry.N.key|value (or N directly, for flattened lists).
func assign(dst reflect.Value, v any, path string, query bool) error {
	if v == nil {
		return nil // null: absent
	}
	t := dst.Type()
	switch t.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Map:
		if customFor(t).unmarshal {
			return customDecode(dst, v)
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := assign(p.Elem(), v, path, query); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Struct:
		if t == timeType {
			tm, err := parseTime(v, path)
			if err != nil {
				return err
			}
			dst.Set(reflect.ValueOf(tm))
			return nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return typeErr(path, "a structure", v)
		}
		p := planFor(t)
		for k, val := range m {
			i, ok := p.byName[k]
			if !ok {
				i, ok = p.byName[strings.ToLower(k)]
			}
			if !ok {
				continue // unknown members are ignored, as AWS does
			}
			f := &p.fields[i]
			if err := assign(f.set(dst), val, join(path, f.name), query); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if t == bytesType {
			s, ok := v.(string)
			if !ok {
				return typeErr(path, "a base64 string", v)
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return &decodeError{msg: fmt.Sprintf("%s: invalid base64: %v", path, err)}
			}
			dst.SetBytes(b)
			return nil
		}
		items, err := listItems(v, path, query)
		if err != nil {
			return err
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, it := range items {
			if err := assign(s.Index(i), it, fmt.Sprintf("%s[%d]", path, i), query); err != nil {
				return err
			}
		}
		dst.Set(s)
		return nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return &decodeError{msg: path + ": unsupported map"}
		}
		entries, err := mapEntries(v, path, query)
		if err != nil {
			return err
		}
		mv := reflect.MakeMapWithSize(t, len(entries))
		for _, e := range entries {
			ev := reflect.New(t.Elem()).Elem()
			if err := assign(ev, e.value, path+"."+e.key, query); err != nil {
				return err
			}
			mv.SetMapIndex(reflect.ValueOf(e.key).Convert(t.Key()), ev)
		}
		dst.Set(mv)
		return nil
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return typeErr(path, "a string", v)
		}
		dst.SetString(s)
		return nil
	case reflect.Bool:
		switch b := v.(type) {
		case bool:
			dst.SetBool(b)
			return nil
		case string:
			if query && (b == "true" || b == "false") {
				dst.SetBool(b == "true")
				return nil
			}
		}
		return typeErr(path, "a boolean", v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := numberText(v, query)
		if !ok {
			return typeErr(path, "an integer", v)
		}
		i, err := strconv.ParseInt(n, 10, 64)
		if err != nil || dst.OverflowInt(i) {
			return &decodeError{msg: fmt.Sprintf("%s: %q is not an integer in range", path, n)}
		}
		dst.SetInt(i)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := numberText(v, query)
		if !ok {
			return typeErr(path, "an integer", v)
		}
		i, err := strconv.ParseUint(n, 10, 64)
		if err != nil || dst.OverflowUint(i) {
			return &decodeError{msg: fmt.Sprintf("%s: %q is not an integer in range", path, n)}
		}
		dst.SetUint(i)
		return nil
	case reflect.Float32, reflect.Float64:
		f, err := parseFloat(v, path, query)
		if err != nil {
			return err
		}
		dst.SetFloat(f)
		return nil
	case reflect.Interface:
		if t.NumMethod() == 0 {
			dst.Set(reflect.ValueOf(v))
			return nil
		}
	}
	return &decodeError{msg: fmt.Sprintf("%s: unsupported member type %s", path, t)}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func numberText(v any, query bool) (string, bool) {
	switch n := v.(type) {
	case json.Number:
		return string(n), true
	case string:
		return n, query
	}
	return "", false
}

// parseFloat reads a double: a JSON number, or the strings smithy uses for
// the values JSON cannot spell ("NaN", "Infinity", "-Infinity").
func parseFloat(v any, path string, query bool) (float64, error) {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return 0, &decodeError{msg: fmt.Sprintf("%s: %q is not a number", path, n)}
		}
		return f, nil
	case string:
		switch n {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		if query {
			f, err := strconv.ParseFloat(n, 64)
			if err == nil {
				return f, nil
			}
			return 0, &decodeError{msg: fmt.Sprintf("%s: %q is not a number", path, n)}
		}
	}
	return 0, typeErr(path, "a number", v)
}

// parseTime reads a timestamp: epoch seconds (JSON number, the awsJson
// default) or ISO 8601 (the query protocol's default; JSON clients may send
// it too).
func parseTime(v any, path string) (time.Time, error) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = string(x)
	case string:
		text = x
	default:
		return time.Time{}, typeErr(path, "a timestamp", v)
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
			return time.Time{}, &decodeError{msg: fmt.Sprintf("%s: timestamp %s is out of range", path, text)}
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, &decodeError{msg: fmt.Sprintf("%s: %q is not a timestamp (ISO 8601 or epoch seconds)", path, text)}
}

// listItems returns the items of a list node: a JSON array, or a query node
// keyed member.N (or N, flattened), in N order.
func listItems(v any, path string, query bool) ([]any, error) {
	switch x := v.(type) {
	case []any:
		return x, nil
	case map[string]any:
		if !query {
			break
		}
		if m, ok := x["member"].(map[string]any); ok {
			x = m
		}
		return indexed(x, path)
	case string:
		if query && x == "" {
			return []any{}, nil // "Name=" is how the query protocol sends an empty list
		}
	}
	return nil, typeErr(path, "a list", v)
}

func indexed(m map[string]any, path string) ([]any, error) {
	type kv struct {
		n int
		v any
	}
	items := make([]kv, 0, len(m))
	for k, v := range m {
		n, err := strconv.Atoi(k)
		if err != nil || n < 1 {
			return nil, &decodeError{msg: fmt.Sprintf("%s: %q is not a list index (member.N, N from 1)", path, k)}
		}
		items = append(items, kv{n, v})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out, nil
}

type mapEntry struct {
	key   string
	value any
}

// mapEntries returns the entries of a map node: a JSON object, or a query
// node keyed entry.N.key / entry.N.value (SNS's MessageAttributes name them
// Name and Value).
func mapEntries(v any, path string, query bool) ([]mapEntry, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, typeErr(path, "a map", v)
	}
	if !query {
		out := make([]mapEntry, 0, len(m))
		for k, v := range m {
			out = append(out, mapEntry{k, v})
		}
		return out, nil
	}
	if e, ok := m["entry"].(map[string]any); ok {
		m = e
	}
	items, err := indexed(m, path)
	if err != nil {
		return nil, err
	}
	out := make([]mapEntry, 0, len(items))
	for _, it := range items {
		e, ok := it.(map[string]any)
		if !ok {
			return nil, typeErr(path+".entry", "a key and value", it)
		}
		k, _ := first(e, "key", "Name").(string)
		if k == "" {
			return nil, &decodeError{msg: path + ": map entry without a key"}
		}
		out = append(out, mapEntry{k, first(e, "value", "Value")})
	}
	return out, nil
}

func first(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return nil
}
