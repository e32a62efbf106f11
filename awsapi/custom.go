package awsapi

import (
	"encoding/json"
	"reflect"
	"sync"
)

// A service type may choose its own JSON form with MarshalJSON and
// UnmarshalJSON (metrics' ExtendedStatistics keeps AWS's {"p99": 1.5} object
// in an ordered slice, say). The codecs honour that form in every protocol:
// the JSON encoder writes it as is, the CBOR and XML encoders write the value
// it decodes to (objects as maps, numbers as numbers), and the decoders
// hand such a member's subtree to UnmarshalJSON.

var (
	jsonMarshalerType   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	customCache         sync.Map // reflect.Type -> customKind
)

type customKind struct{ marshal, unmarshal bool }

func customFor(t reflect.Type) customKind {
	if t == timeType {
		return customKind{}
	}
	if c, ok := customCache.Load(t); ok {
		return c.(customKind)
	}
	p := reflect.PointerTo(t)
	c := customKind{
		marshal:   t.Implements(jsonMarshalerType) || p.Implements(jsonMarshalerType),
		unmarshal: p.Implements(jsonUnmarshalerType),
	}
	customCache.Store(t, c)
	return c
}

// customJSON returns v's own JSON form.
func customJSON(v reflect.Value) ([]byte, bool) {
	var m json.Marshaler
	if v.Type().Implements(jsonMarshalerType) {
		m, _ = v.Interface().(json.Marshaler)
	} else {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		m, _ = p.Interface().(json.Marshaler)
	}
	if m == nil {
		return nil, false
	}
	b, err := m.MarshalJSON()
	return b, err == nil
}

// customValue returns v's own JSON form decoded as a generic value (objects
// as map[string]any, numbers as float64), for the CBOR and XML encoders.
func customValue(v reflect.Value) (reflect.Value, bool) {
	b, ok := customJSON(v)
	if !ok {
		return reflect.Value{}, false
	}
	// Numbers as float64: the custom types are AWS doubles (and encode as
	// the plain Go maps they stand for would).
	var x any
	if json.Unmarshal(b, &x) != nil {
		return reflect.Value{}, false
	}
	return reflect.ValueOf(&x).Elem(), true
}

// customDecode stores the generic value x into dst through dst's
// UnmarshalJSON.
func customDecode(dst reflect.Value, x any) error {
	b, err := json.Marshal(x)
	if err != nil {
		return &decodeError{msg: err.Error()}
	}
	p := reflect.New(dst.Type())
	if err := p.Interface().(json.Unmarshaler).UnmarshalJSON(b); err != nil {
		return &decodeError{msg: err.Error()}
	}
	dst.Set(p.Elem())
	return nil
}
