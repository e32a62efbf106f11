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

// TestDocumentMembers: a member typed map[string]any (a document, such as
// Config's remediation Parameters) decodes from JSON and CBOR to the same
// values and encodes back to the same JSON.
func TestDocumentMembers(t *testing.T) {
	type input struct {
		Name       string
		Parameters map[string]any `json:",omitempty"`
	}
	doc := `{"Name":"r","Parameters":{"a":{"StaticValue":{"Values":["x","y"]}},"n":5,"f":1.5,"ok":true,"z":null}}`
	var fromJSON input
	require.NoError(t, decodeJSON([]byte(doc), reflect.ValueOf(&fromJSON).Elem()))
	cb := []byte("\xa2dNamearjParameters\xa5aa\xa1kStaticValue\xa1fValues\x82axayan\x05af\xfb\x3f\xf8\x00\x00\x00\x00\x00\x00bok\xf5az\xf6")
	var fromCBOR input
	require.NoError(t, decodeCBOR(cb, &fromCBOR))
	want := `{"Name":"r","Parameters":{"a":{"StaticValue":{"Values":["x","y"]}},"f":1.5,"n":5,"ok":true,"z":null}}`
	assert.Equal(t, want, string(appendJSON(nil, reflect.ValueOf(fromJSON))))
	assert.Equal(t, want, string(appendJSON(nil, reflect.ValueOf(fromCBOR))))
	// CBOR answers carry numbers as numbers.
	var back map[string]any
	require.NoError(t, cborDec.Unmarshal(appendCBOR(nil, reflect.ValueOf(fromJSON)), &back))
	assert.EqualValues(t, 5, back["Parameters"].(map[string]any)["n"])
}

// orderedStats stands for a service type with its own JSON form (like
// metrics.ExtendedStatistics): an ordered slice that AWS shows as an object.
type orderedStats []struct {
	Name  string
	Value float64
}

func (o orderedStats) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, s := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s.Name)
		b = append(b, ':')
		b = appendJSONFloat(b, s.Value)
	}
	return append(b, '}'), nil
}

func (o *orderedStats) UnmarshalJSON(b []byte) error {
	var m map[string]float64
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*o = nil
	for _, k := range []string{"p50", "p99"} {
		if v, ok := m[k]; ok {
			*o = append(*o, struct {
				Name  string
				Value float64
			}{k, v})
		}
	}
	return nil
}

// TestCustomJSONTypes: a member whose type has its own MarshalJSON and
// UnmarshalJSON is written and read in that form in every protocol.
func TestCustomJSONTypes(t *testing.T) {
	type shape struct {
		Stats orderedStats `json:",omitempty"`
	}
	in := shape{Stats: orderedStats{{"p99", 9}, {"p50", 1.5}}}
	v := reflect.ValueOf(in)
	assert.Equal(t, `{"Stats":{"p99":9,"p50":1.5}}`, string(appendJSON(nil, v)))
	assert.Equal(t, `<Stats><entry><key>p50</key><value>1.5</value></entry><entry><key>p99</key><value>9</value></entry></Stats>`, string(appendXMLMembers(nil, v)))
	var m map[string]map[string]float64
	require.NoError(t, cborDec.Unmarshal(appendCBOR(nil, v), &m))
	assert.Equal(t, map[string]float64{"p99": 9, "p50": 1.5}, m["Stats"])

	var fromJSON, fromCBOR shape
	require.NoError(t, decodeJSON([]byte(`{"Stats":{"p99":9,"p50":1.5}}`), reflect.ValueOf(&fromJSON).Elem()))
	require.NoError(t, decodeCBOR(appendCBOR(nil, v), &fromCBOR))
	want := orderedStats{{"p50", 1.5}, {"p99", 9}}
	assert.Equal(t, want, fromJSON.Stats)
	assert.Equal(t, want, fromCBOR.Stats)
}
