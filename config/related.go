package config

import (
	"context"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/event"
)

// --- related CloudTrail events --------------------------------------------
//
// Config lists, in a resource's next configuration item, the CloudTrail event
// IDs of the calls that changed it (relatedEvents). Only a successful call
// that can change a resource qualifies: a write (not read-only) management
// event of another service, in this account and Region, once Config knows a
// resource at all. Data events (PutMetricData, PutLogEvents, SNS Publish) and
// reads never change a resource's configuration, so Config's subscription
// filters them out before their parameters are even built (see
// event.APICall), and PutMetricData through the stack costs what it costs on
// the metrics service alone.

// wantsCall is Config's filter on the API calls of the bus (bus.SubscribeFiltered).
func (s *Service) wantsCall(ev *event.APICall) bool {
	return ev.Management && !ev.ReadOnly && ev.ErrorCode == "" && ev.EventID != "" && ev.EventSource != EventSource &&
		(ev.AWSRegion == "" || ev.AWSRegion == s.op.Region) && (ev.RecipientAccountID == "" || ev.RecipientAccountID == s.op.AccountID) &&
		s.known.Load()
}

// onAPICall links a call that wantsCall let through to the known resources
// it names (in Resources or anywhere in requestParameters, by ARN or ID); the
// event ID appears in each resource's next item's relatedEvents.
func (s *Service) onAPICall(_ context.Context, ev event.APICall) error {
	if !s.wantsCall(&ev) {
		return nil
	}
	var names []string
	for _, r := range ev.Resources {
		names = append(names, r.ARN)
	}
	names = paramStrings(ev.RequestParameters, names)
	if len(names) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		if k, ok := s.byARN[n]; ok {
			s.resources[k].addPending([]string{ev.EventID})
		}
		for _, k := range s.byID[n] {
			if r := s.resources[k]; r.st != nil {
				r.addPending([]string{ev.EventID})
			}
		}
	}
	return nil
}

// maxNameLen is the longest request-parameter string considered a resource
// name (resource IDs are at most 768 characters, ARNs 2,048).
const maxNameLen = 2048

// paramStrings appends to names every string value (not object key) of the
// JSON document encoding/json makes of v, as CloudTrail shows the request
// parameters, without encoding it: the values are found by walking v with
// reflection under encoding/json's rules (struct tags, embedded structs,
// []byte as base64, Marshaler and TextMarshaler types, invalid UTF-8 coerced
// to U+FFFD). A value encoding/json cannot encode (NaN, a channel) yields no
// names at all, as a failed encoding did. Empty strings and strings longer
// than maxNameLen are skipped.
func paramStrings(v any, names []string) []string {
	if v == nil {
		return names
	}
	w := walker{names: names}
	n := len(names)
	if !w.walk(reflect.ValueOf(v), 0) {
		return names[:n]
	}
	return w.names
}

type walker struct {
	names []string
}

// maxDepth bounds the walk: encoding/json reports a cycle once pointers nest
// deeper than 1,000; no request is that deep.
const maxDepth = 1000

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func (w *walker) add(x string) {
	if !utf8.ValidString(x) {
		// encoding/json replaces each invalid byte with U+FFFD.
		var b strings.Builder
		for i := 0; i < len(x); {
			r, size := utf8.DecodeRuneInString(x[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteRune(utf8.RuneError)
			} else {
				b.WriteString(x[i : i+size])
			}
			i += size
		}
		x = b.String()
	}
	if x != "" && len(x) <= maxNameLen {
		w.names = append(w.names, x)
	}
}

// roundTrip is the slow path for what only encoding/json knows how to
// encode (custom marshalers, ambiguous struct fields): encode v, decode the
// document, collect its strings.
func (w *walker) roundTrip(v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		return false
	}
	w.collect(doc)
	return true
}

func (w *walker) collect(v any) {
	switch x := v.(type) {
	case string:
		w.add(x)
	case []any:
		for _, e := range x {
			w.collect(e)
		}
	case map[string]any:
		for _, e := range x {
			w.collect(e)
		}
	}
}

func (w *walker) walk(v reflect.Value, depth int) bool {
	if !v.IsValid() {
		return true
	}
	if depth > maxDepth {
		return false
	}
	t := v.Type()
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if t.Implements(marshalerType) || t.Implements(textMarshalerType) {
			return w.roundTrip(v.Interface())
		}
		if v.CanAddr() && (reflect.PointerTo(t).Implements(marshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)) {
			return w.roundTrip(v.Addr().Interface())
		}
	}
	switch t.Kind() {
	case reflect.String:
		w.add(v.String())
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	case reflect.Interface:
		if v.IsNil() {
			return true
		}
		return w.walk(v.Elem(), depth+1)
	case reflect.Pointer:
		if v.IsNil() {
			return true
		}
		if t.Implements(marshalerType) || t.Implements(textMarshalerType) {
			return w.roundTrip(v.Interface())
		}
		return w.walk(v.Elem(), depth+1)
	case reflect.Map:
		if !mapKeyOK(t.Key()) {
			return false
		}
		if v.IsNil() {
			return true
		}
		it := v.MapRange()
		for it.Next() {
			if !w.walk(it.Value(), depth+1) {
				return false
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			return true
		}
		if t.Elem().Kind() == reflect.Uint8 {
			p := reflect.PointerTo(t.Elem())
			if !p.Implements(marshalerType) && !p.Implements(textMarshalerType) {
				w.add(base64.StdEncoding.EncodeToString(v.Bytes()))
				return true
			}
		}
		for i := range v.Len() {
			if !w.walk(v.Index(i), depth+1) {
				return false
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if !w.walk(v.Index(i), depth+1) {
				return false
			}
		}
	case reflect.Struct:
		fields, simple := structFields(t)
		if !simple {
			return w.roundTrip(v.Interface())
		}
		for _, i := range fields {
			if !w.walk(v.Field(i), depth+1) {
				return false
			}
		}
	default: // complex, chan, func, unsafe pointer: encoding/json fails
		return false
	}
	return true
}

// mapKeyOK reports whether encoding/json can encode a map with keys of type k.
func mapKeyOK(k reflect.Type) bool {
	switch k.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return k.Implements(textMarshalerType)
}

type structInfo struct {
	fields []int
	simple bool
}

var structCache sync.Map // reflect.Type -> structInfo

// structFields returns the indexes of the fields encoding/json encodes for
// struct type t. simple is false when t has what only encoding/json resolves
// exactly (embedded fields, two fields of one JSON name, the ",string"
// option): the caller then encodes the struct the slow way.
func structFields(t reflect.Type) (fields []int, simple bool) {
	if c, ok := structCache.Load(t); ok {
		si := c.(structInfo)
		return si.fields, si.simple
	}
	si := structInfo{simple: true}
	seen := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			si.simple = false
			break
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		if seen[name] || strings.Contains(","+opts+",", ",string,") {
			si.simple = false
			break
		}
		seen[name] = true
		si.fields = append(si.fields, i)
	}
	structCache.Store(t, si)
	return si.fields, si.simple
}
