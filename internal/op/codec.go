package op

import (
	"reflect"
	"sync"
)

// InputCodec is a compact binary form of one operation Input type, which an
// account's journal stores instead of its generic CBOR form. Only the hot
// paths have one (PutMetricData, PutLogEvents): there the generic form costs
// more than the call itself.
//
// The form must round-trip every Input exactly (the replayed call must be the
// call that was made, nil and empty slices, absent and zero pointers told
// apart), should start with a version byte so that it can change, and Decode
// must reject bad data with an error, never panic (the journal checks its
// records' CRCs, but a codec must still not trust them).
type InputCodec struct {
	// Append appends the encoding of in (a value of the Input type) to dst.
	Append func(dst []byte, in any) []byte
	// Decode decodes data into v (a pointer to the Input type).
	Decode func(data []byte, v any) error
}

// codecs holds the registered codecs by Input type (reflect.Type →
// InputCodec).
var codecs sync.Map

// RegisterInputCodec registers the compact form of the Input type T (from an
// init function of the package that declares T).
func RegisterInputCodec[T any](appendT func(dst []byte, in *T) []byte, decodeT func(data []byte, in *T) error) {
	codecs.Store(reflect.TypeFor[T](), InputCodec{
		Append: func(dst []byte, in any) []byte {
			v := in.(T)
			return appendT(dst, &v)
		},
		Decode: func(data []byte, v any) error { return decodeT(data, v.(*T)) },
	})
}

// InputCodecFor returns the codec registered for the Input type t.
func InputCodecFor(t reflect.Type) (InputCodec, bool) {
	c, ok := codecs.Load(t)
	if !ok {
		return InputCodec{}, false
	}
	return c.(InputCodec), true
}
