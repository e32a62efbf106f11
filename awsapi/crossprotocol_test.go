package awsapi

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"reflect"
	"testing"

	"github.com/localwatch/localwatch/alarms"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProtocolsDecodeAlike feeds the three decoders the same CloudWatch
// requests as botocore serializes them in awsJson 1.0, rpc-v2-cbor and
// awsQuery (testdata/botocore-cloudwatch-requests.json, generated with
// botocore's own serializers): each protocol must give the same Input,
// timestamps, nested lists, empty lists and booleans included.
func TestProtocolsDecodeAlike(t *testing.T) {
	var cases []struct{ Op, JSON, CBOR, Query string }
	require.NoError(t, json.Unmarshal(testdata(t, "botocore-cloudwatch-requests.json"), &cases))
	cw := services()["cloudwatch"]
	for _, c := range cases {
		t.Run(c.Op, func(t *testing.T) {
			op := cw.ops[c.Op]
			require.NotNil(t, op)
			fromJSON := reflect.New(op.in)
			require.NoError(t, decodeJSON([]byte(c.JSON), fromJSON.Elem()))
			fromCBOR := reflect.New(op.in)
			raw, err := base64.StdEncoding.DecodeString(c.CBOR)
			require.NoError(t, err)
			require.NoError(t, decodeCBOR(raw, fromCBOR.Interface()))
			form, err := url.ParseQuery(c.Query)
			require.NoError(t, err)
			fromQuery := reflect.New(op.in)
			require.NoError(t, decodeQuery(form, fromQuery.Elem()))
			assert.Equal(t, fromJSON.Interface(), fromCBOR.Interface(), "JSON vs CBOR")
			assert.Equal(t, fromJSON.Interface(), fromQuery.Interface(), "JSON vs query")
			assert.False(t, fromJSON.Elem().IsZero())
			if c.Op == "PutMetricAlarm" {
				// An empty list stays an empty list (it clears the actions),
				// an absent one stays absent.
				for _, in := range []reflect.Value{fromJSON, fromCBOR, fromQuery} {
					in := in.Interface().(*alarms.PutMetricAlarmInput)
					assert.NotNil(t, in.OKActions)
					assert.Empty(t, in.OKActions)
					assert.Nil(t, in.InsufficientDataActions)
				}
			}
		})
	}
}
