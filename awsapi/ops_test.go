package awsapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOperationTable pins which operations are served: every method of the
// Region's services named after an operation of the AWS model. (Counts are
// lower bounds: a service that gains an operation is served without change
// here.)
func TestOperationTable(t *testing.T) {
	atLeast := map[string]int{"cloudwatch": 29, "logs": 24, "cloudtrail": 13, "config": 29, "sns": 19}
	for id, s := range services() {
		assert.GreaterOrEqual(t, len(s.ops), atLeast[id], id)
		for name := range s.ops {
			assert.True(t, s.modelOps[name], "%s.%s is in the model", id, name)
		}
	}
	for id, ops := range map[string][]string{
		"cloudwatch": {"PutMetricData", "GetMetricData", "GetMetricStatistics", "ListMetrics", "PutMetricAlarm", "DescribeAlarms", "SetAlarmState", "TagResource", "PutAnomalyDetector", "PutAlarmMuteRule", "GetAlarmMuteRule", "ListAlarmMuteRules", "DeleteAlarmMuteRule", "PutMetricStream", "GetMetricStream", "ListMetricStreams", "DeleteMetricStream", "StartMetricStreams", "StopMetricStreams"},
		"logs":       {"CreateLogGroup", "PutLogEvents", "GetLogEvents", "FilterLogEvents", "PutMetricFilter", "PutSubscriptionFilter", "TagResource", "PutDestination", "PutDestinationPolicy", "DescribeDestinations", "DeleteDestination", "StartLiveTail"},
		"cloudtrail": {"CreateTrail", "StartLogging", "LookupEvents", "GetTrailStatus", "PutEventSelectors", "ListPublicKeys"},
		"config":     {"PutConfigurationRecorder", "PutConfigRule", "GetResourceConfigHistory", "PutEvaluations", "DeliverConfigSnapshot"},
		"sns":        {"CreateTopic", "Subscribe", "Publish", "PublishBatch", "GetTopicAttributes", "TagResource"},
	} {
		for _, op := range ops {
			assert.NotNil(t, services()[id].ops[op], "%s.%s served", id, op)
		}
	}
}

// TestEveryOperationAnswers sends every served operation an empty input in
// every protocol its service speaks: each answers a success or an AWS
// validation error in the protocol's shape, never a 5xx.
func TestEveryOperationAnswers(t *testing.T) {
	r := newRig(t, Options{})
	ids := make([]string, 0)
	for id := range services() {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := services()[id]
		for name := range s.ops {
			for _, p := range s.protocols {
				var q req
				switch p {
				case protoJSON:
					q = jsonReq(s.prefixes[0]+"."+name, `{}`)
					q.header["Authorization"] = authz("AKID", "us-east-1", s.signingName)
				case protoCBOR:
					q = cborReq(name, []byte{0xa0})
				case protoQuery:
					q = queryReq(s.signingName, "Action="+name+"&Version="+s.model.APIVersion)
				}
				resp := r.do(t, q)
				body := readAll(t, resp)
				assert.Less(t, resp.StatusCode, 500, "%s %s %d: %s", id, name, p, body)
				if p == protoJSON {
					var m map[string]any
					assert.NoError(t, json.Unmarshal(body, &m), "%s %s: %s", id, name, body)
				}
				if p == protoQuery {
					assert.True(t, strings.HasSuffix(string(body), "Response>"), "%s %s: %s", id, name, body)
				}
			}
		}
	}
}

// TestServedTypesEncodable walks every Input and Output type: each is made
// of kinds the codecs handle.
func TestServedTypesEncodable(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(path string, t reflect.Type)
	walk = func(path string, typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(path, typ.Elem())
		case reflect.Map:
			assert.Equal(t, reflect.String, typ.Key().Kind(), path)
			walk(path+"{}", typ.Elem())
		case reflect.Struct:
			if typ == timeType {
				return
			}
			for _, f := range planFor(typ).fields {
				walk(path+"."+f.name, f.typ)
			}
		case reflect.Interface:
			// Document members (map[string]any) are served as JSON-like
			// values; no other interface is.
			assert.Zero(t, typ.NumMethod(), path)
		case reflect.Chan, reflect.Func, reflect.Complex64, reflect.Complex128, reflect.UnsafePointer:
			t.Errorf("%s: unsupported kind %s", path, typ.Kind())
		}
	}
	for id, s := range services() {
		for name, op := range s.ops {
			walk(fmt.Sprintf("%s.%s.in", id, name), op.in)
			walk(fmt.Sprintf("%s.%s.out", id, name), op.outType())
		}
	}
	require.NotEmpty(t, seen)
	_ = time.Second
}
