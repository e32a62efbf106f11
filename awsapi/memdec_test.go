package awsapi

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDirectRoadsDecodeEveryInput: every served Input, zero and with every
// member filled, decodes through the direct roads (field offsets, list
// arenas) to what the reflect roads decode: CBOR's decodeAt against its
// decode, JSON's against encoding/json and assign, awsQuery's one-pass
// reader (where it takes the body) against url.ParseQuery and decodeQuery.
func TestDirectRoadsDecodeEveryInput(t *testing.T) {
	for id, s := range services() {
		for name, op := range s.ops {
			for _, filled := range []bool{false, true} {
				in := reflect.New(op.in).Elem()
				if filled {
					fill(in, 0)
				}
				p := decPlanFor(op.in)

				body := smithyCBOR(appendCBOR(nil, in))
				direct, viaReflect := reflect.New(op.in).Elem(), reflect.New(op.in).Elem()
				sc := new(decScratch)
				errD := (&cborReader{b: body, decScratch: sc}).decodeAt(direct.Addr().UnsafePointer(), p, 0)
				errR := (&cborReader{b: body, decScratch: new(decScratch)}).decode(viaReflect, p, 0)
				assert.Equal(t, errR, errD, "%s.%s CBOR", id, name)
				if errD == nil && errR == nil {
					assert.Equal(t, appendJSON(nil, viaReflect), appendJSON(nil, direct), "%s.%s CBOR", id, name)
				}

				plain := reflect.New(op.in).Elem()
				plain.Set(in)
				plainStrings(plain, 0) // the JSON reader's direct road takes no escapes
				js := appendJSON(nil, plain)
				direct, ref := reflect.New(op.in).Elem(), reflect.New(op.in).Elem()
				if decodeJSONFast(js, direct) == nil {
					require.NoError(t, decodeJSONReference(js, ref), "%s.%s JSON", id, name)
					assert.Equal(t, string(appendJSON(nil, ref)), string(appendJSON(nil, direct)), "%s.%s JSON", id, name)
				}

				form := url.Values{"Action": {name}}
				queryForm(form, "", in)
				qs := form.Encode()
				qr := &queryReader{}
				if _, _, ok := qr.readForm([]byte(qs)); ok {
					direct, ref := reflect.New(op.in).Elem(), reflect.New(op.in).Elem()
					if qr.decode(direct) == nil {
						f, err := url.ParseQuery(qs)
						require.NoError(t, err)
						require.NoError(t, decodeQuery(f, ref), "%s.%s query", id, name)
						assert.Equal(t, string(appendJSON(nil, ref)), string(appendJSON(nil, direct)), "%s.%s query", id, name)
					}
				}
			}
		}
	}
}

// TestArenaListsDoNotShare: lists decoded from one arena are each their own:
// appending to one (cap == len) leaves its neighbours alone.
func TestArenaListsDoNotShare(t *testing.T) {
	body := smithyCBOR(appendCBOR(nil, reflect.ValueOf(putInput(3))))
	for _, decode := range []func(*metrics.PutMetricDataInput) error{
		func(in *metrics.PutMetricDataInput) error { return decodeCBOR(body, in) },
		func(in *metrics.PutMetricDataInput) error {
			return decodeJSONFast(appendJSON(nil, reflect.ValueOf(putInput(3))), reflect.ValueOf(in).Elem())
		},
	} {
		var in metrics.PutMetricDataInput
		require.NoError(t, decode(&in))
		require.Len(t, in.MetricData, 3)
		d0, d1 := in.MetricData[0].Dimensions, in.MetricData[1].Dimensions
		require.Len(t, d0, 2)
		assert.Equal(t, len(d0), cap(d0), "a list's cap is its length")
		want := append([]metrics.Dimension(nil), d1...)
		_ = append(d0, metrics.Dimension{Name: "Extra", Value: "x"})
		assert.Equal(t, want, in.MetricData[1].Dimensions)
		assert.Equal(t, len(in.MetricData), cap(in.MetricData))
	}
}

// plainStrings replaces every string member in v (recursively) with one
// JSON writes without escapes.
func plainStrings(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			plainStrings(v.Elem(), depth+1)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				plainStrings(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if v.Type() != bytesType {
			for i := range v.Len() {
				plainStrings(v.Index(i), depth+1)
			}
		}
	case reflect.String:
		if v.Len() > 0 {
			v.SetString("plain-é")
		}
	}
}
