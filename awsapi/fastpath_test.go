package awsapi

import (
	"net/url"
	"time"

	"reflect"
	"testing"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOnePassReadersTakeClientBodies: the bodies the real clients send
// (smithy-go's indefinite-length CBOR, botocore's definite-length CBOR, the
// aws CLI's JSON) are decoded by the one-pass readers, not by the slower
// reference roads, and to the same Input.
func TestOnePassReadersTakeClientBodies(t *testing.T) {
	cborCases := []struct {
		name string
		body []byte
		typ  reflect.Type
	}{
		{"smithy-go PutMetricData", smithyCBOR(appendCBOR(nil, reflect.ValueOf(putInput(50)))), reflect.TypeFor[metrics.PutMetricDataInput]()},
		{"smithy-go GetMetricData", smithyCBOR(appendCBOR(nil, reflect.ValueOf(getInput(20)))), reflect.TypeFor[metrics.GetMetricDataInput]()},
		{"botocore PutMetricData", testdata(t, "cbor-putmetricdata.req"), reflect.TypeFor[metrics.PutMetricDataInput]()},
		{"botocore GetMetricData", testdata(t, "cbor-getmetricdata.req"), reflect.TypeFor[metrics.GetMetricDataInput]()},
		{"botocore DescribeAlarms", testdata(t, "cbor-describealarms.req"), reflect.TypeFor[alarms.DescribeAlarmsInput]()},
	}
	for _, c := range cborCases {
		fast, ref := reflect.New(c.typ).Elem(), reflect.New(c.typ).Elem()
		require.NoError(t, decodeCBORWith(c.body, fast, true), c.name)
		require.NoError(t, decodeCBORReference(c.body, ref), c.name)
		assert.Equal(t, ref.Interface(), fast.Interface(), c.name)
		assert.False(t, fast.IsZero(), c.name)
	}
	// awsQuery: url.Values.Encode's order (sorted keys, as aws-sdk-go v1
	// sends) and botocore's (depth first, items in order).
	for _, c := range []struct {
		name string
		body string
		typ  reflect.Type
	}{
		{"sorted PutMetricData", queryBody(putInput(50)), reflect.TypeFor[metrics.PutMetricDataInput]()},
		{"sorted GetMetricData", queryBody(getInput(20)), reflect.TypeFor[metrics.GetMetricDataInput]()},
		{"botocore PutMetricData", "Action=PutMetricData&Version=2010-08-01&Namespace=N&MetricData.member.1.MetricName=m&MetricData.member.1.Dimensions.member.1.Name=a&MetricData.member.1.Dimensions.member.1.Value=b&MetricData.member.1.Timestamp=2026-12-07T14%3A00%3A00Z&MetricData.member.1.Value=1.5&MetricData.member.1.Unit=Count&MetricData.member.2.MetricName=m&MetricData.member.2.Values.member.1=1&MetricData.member.2.Values.member.2=2&MetricData.member.2.Counts=", reflect.TypeFor[metrics.PutMetricDataInput]()},
	} {
		qr := &queryReader{}
		_, _, ok := qr.readForm([]byte(c.body))
		require.True(t, ok, c.name)
		fast, ref := reflect.New(c.typ).Elem(), reflect.New(c.typ).Elem()
		require.NoError(t, qr.decode(fast), c.name)
		form, err := url.ParseQuery(c.body)
		require.NoError(t, err, c.name)
		require.NoError(t, decodeQuery(form, ref), c.name)
		assert.Equal(t, ref.Interface(), fast.Interface(), c.name)
		assert.False(t, fast.IsZero(), c.name)
	}
	for _, c := range []struct {
		name string
		body []byte
		typ  reflect.Type
	}{
		{"aws CLI PutMetricData", testdata(t, "json10-putmetricdata.req"), reflect.TypeFor[metrics.PutMetricDataInput]()},
		{"GetMetricData", appendJSON(nil, reflect.ValueOf(getInput(20))), reflect.TypeFor[metrics.GetMetricDataInput]()},
	} {
		fast, ref := reflect.New(c.typ).Elem(), reflect.New(c.typ).Elem()
		require.NoError(t, decodeJSONFast(c.body, fast), c.name)
		require.NoError(t, decodeJSONReference(c.body, ref), c.name)
		assert.Equal(t, ref.Interface(), fast.Interface(), c.name)
		assert.False(t, fast.IsZero(), c.name)
	}
}

// fill sets every member of v (recursively, lists and maps of two) to a
// non-zero sample value.
func fill(v reflect.Value, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type() == timeType {
			v.Set(reflect.ValueOf(t0.Add(1500 * time.Millisecond)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if v.Type() == bytesType {
			v.SetBytes([]byte("blob"))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), depth+1)
		fill(v.Index(1), depth+1)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for _, k := range []string{"b", "a"} {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, depth+1)
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.String:
		v.SetString("s<&>\"é")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(-7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(2.5)
	case reflect.Interface:
		v.Set(reflect.ValueOf(map[string]any{"k": []any{1.5, "x"}}))
	}
}

// TestPlannedEncodersMatch: the encoders that follow a type's plan write
// every served Output (an event stream's event), zero and filled, exactly
// as the generic ones do.
func TestPlannedEncodersMatch(t *testing.T) {
	for id, s := range services() {
		for name, op := range s.ops {
			typ := op.outType()
			for _, filled := range []bool{false, true} {
				v := reflect.New(typ.Elem())
				if filled {
					fill(v.Elem(), 0)
				}
				p := decPlanFor(v.Type())
				assert.Equal(t, appendCBOR(nil, v), appendCBORPlanned(nil, v, p), "%s.%s CBOR", id, name)
				assert.Equal(t, string(appendJSON(nil, v)), string(appendJSONPlanned(nil, v, p)), "%s.%s JSON", id, name)
			}
		}
	}
}

// queryBody is in as the awsQuery body url.Values.Encode writes.
func queryBody(in any) string {
	form := url.Values{"Action": {"X"}, "Version": {"2010-08-01"}}
	queryForm(form, "", reflect.ValueOf(in))
	return form.Encode()
}
