package awsapi

import (
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
