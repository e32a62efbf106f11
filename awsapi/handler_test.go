package awsapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorsPerProtocol(t *testing.T) {
	noAuth := func(q req) req { q.header["Authorization"] = ""; return q }
	withHeader := func(q req, k, v string) req { q.header[k] = v; return q }
	big := bytes.Repeat([]byte("x"), 1<<20+1)
	cases := []struct {
		name       string
		req        req
		status     int
		code       string // __type (JSON, CBOR) or <Code> (query)
		queryError string // x-amzn-query-error, CloudWatch JSON and CBOR only
	}{
		{"json unknown operation is UnknownOperationException", jsonReq("Logs_20140328.Frobnicate", `{}`), 400, "UnknownOperationException", ""},
		{"json unknown target prefix is UnknownOperationException", jsonReq("Nope_2020.Do", `{}`), 400, "UnknownOperationException", ""},
		{"json malformed body is SerializationException", jsonReq("Logs_20140328.CreateLogGroup", `{"logGroupName":`), 400, "SerializationException", ""},
		{"json wrong member type is SerializationException", jsonReq("Logs_20140328.CreateLogGroup", `{"logGroupName":5}`), 400, "SerializationException", ""},
		{"json array body is SerializationException", jsonReq("Logs_20140328.CreateLogGroup", `[]`), 400, "SerializationException", ""},
		{"json wrong content type is SerializationException", withHeader(jsonReq("Logs_20140328.CreateLogGroup", `{}`), "Content-Type", "text/plain"), 400, "SerializationException", ""},
		{"json missing authorization is MissingAuthenticationTokenException", noAuth(jsonReq("Logs_20140328.DescribeLogGroups", `{}`)), 403, "MissingAuthenticationTokenException", ""},
		{"json garbled authorization is IncompleteSignatureException", withHeader(jsonReq("Logs_20140328.DescribeLogGroups", `{}`), "Authorization", "AWS4-HMAC-SHA256 Credential=x"), 400, "IncompleteSignatureException", ""},
		{"json unknown region is InvalidSignatureException", withHeader(jsonReq("Logs_20140328.DescribeLogGroups", `{}`), "Authorization", authz("AKID", "ap-south-9", "logs")), 403, "InvalidSignatureException", ""},
		{"json service error keeps its shape", jsonReq("Logs_20140328.DeleteLogGroup", `{"logGroupName":"nope"}`), 400, "ResourceNotFoundException", ""},
		{"json 1.0 CloudWatch error carries the query code", jsonReq("GraniteServiceVersion20100801.PutMetricData", `{"Namespace":"AWS/EC2","MetricData":[{"MetricName":"m","Value":1}]}`), 400, "com.amazonaws.cloudwatch#InvalidParameterValueException", "InvalidParameterValue;Sender"},
		{"json oversized body is RequestEntityTooLarge", jsonReq("GraniteServiceVersion20100801.PutMetricData", string(big)), 413, "com.amazonaws.cloudwatch#RequestEntityTooLarge", "RequestEntityTooLarge;Sender"},
		{"cbor unknown operation is UnknownOperationException", cborReq("Frobnicate", []byte{0xa0}), 404, "com.amazonaws.cloudwatch#UnknownOperationException", "InvalidAction;Sender"},
		{"cbor missing authorization carries the query code", noAuth(cborReq("ListMetrics", []byte{0xa0})), 403, "com.amazonaws.cloudwatch#MissingAuthenticationTokenException", "MissingAuthenticationToken;Sender"},
		{"cbor malformed body is SerializationException", cborReq("ListMetrics", []byte{0xa1, 0x69}), 400, "com.amazonaws.cloudwatch#SerializationException", "SerializationException;Sender"},
		{"cbor wrong member type is SerializationException", cborReq("ListMetrics", []byte("\xa1iNamespace\x05")), 400, "com.amazonaws.cloudwatch#SerializationException", "SerializationException;Sender"},
		{"cbor missing parameter maps to MissingRequiredParameterException", cborReq("PutMetricData", []byte{0xa0}), 400, "com.amazonaws.cloudwatch#MissingRequiredParameterException", "MissingParameter;Sender"},
		{"cbor wrong content type is SerializationException", withHeader(cborReq("ListMetrics", []byte{0xa0}), "Content-Type", "application/json"), 400, "com.amazonaws.cloudwatch#SerializationException", "SerializationException;Sender"},
		{"query unknown action is InvalidAction", queryReq("sns", "Action=Frobnicate&Version=2010-03-31"), 400, "InvalidAction", ""},
		{"query missing action is MissingAction", queryReq("sns", "Version=2010-03-31"), 400, "MissingAction", ""},
		{"query missing authorization is MissingAuthenticationToken", noAuth(queryReq("sns", "Action=ListTopics&Version=2010-03-31")), 403, "MissingAuthenticationToken", ""},
		{"query garbled authorization is IncompleteSignature", withHeader(queryReq("sns", "Action=ListTopics&Version=2010-03-31"), "Authorization", "Bearer x"), 400, "IncompleteSignature", ""},
		{"query malformed form is MalformedQueryString", queryReq("sns", "Action=ListTopics&%zz"), 400, "MalformedQueryString", ""},
		{"query wrong content type is InvalidAction", withHeader(queryReq("sns", "Action=ListTopics"), "Content-Type", "application/xml"), 400, "InvalidAction", ""},
		{"query bad number is InvalidParameterValue", queryReq("monitoring", "Action=GetMetricStatistics&Version=2010-08-01&Period=abc"), 400, "InvalidParameterValue", ""},
		{"query oversized body is RequestEntityTooLarge", queryReq("sns", "Action=Publish&Message="+string(big)), 413, "RequestEntityTooLarge", ""},
		{"query service error is the service's code", queryReq("monitoring", "Action=PutMetricData&Version=2010-08-01&Namespace=AWS%2FEC2&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1"), 400, "InvalidParameterValue", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, Options{})
			resp := r.do(t, c.req)
			body := readAll(t, resp)
			assert.Equal(t, c.status, resp.StatusCode, "%s", body)
			assert.NotEmpty(t, resp.Header.Get("x-amzn-RequestId"))
			assert.Equal(t, c.queryError, resp.Header.Get("x-amzn-query-error"))
			switch {
			case strings.HasPrefix(c.req.path, "/service/"):
				var m map[string]any
				require.NoError(t, cborDec.Unmarshal(body, &m), "%x", body)
				assert.Equal(t, c.code, m["__type"])
				assert.NotEmpty(t, m["message"])
			case c.req.header["X-Amz-Target"] != "":
				var m map[string]any
				require.NoError(t, json.Unmarshal(body, &m), "%s", body)
				assert.Equal(t, c.code, m["__type"])
				assert.NotEmpty(t, m["message"])
			default:
				assert.Contains(t, string(body), "<Code>"+c.code+"</Code>")
				assert.Contains(t, string(body), "<Type>Sender</Type>")
				assert.Contains(t, string(body), "<RequestId>"+resp.Header.Get("x-amzn-RequestId")+"</RequestId>")
			}
			// A rejected request stores nothing.
			st := r.acct.Region("us-east-1")
			out, err := st.Metrics.ListMetrics(context.Background(), metrics.ListMetricsInput{})
			require.NoError(t, err)
			assert.Empty(t, out.Metrics)
		})
	}
}

// TestRequestIDAndIdentityReachCloudTrail pins that the x-amzn-RequestId of
// an answer is the requestID CloudTrail records, with the caller's identity,
// source IP and user agent, in the Region of the credential scope.
func TestRequestIDAndIdentityReachCloudTrail(t *testing.T) {
	role := localwatch.AssumedRole("123456789012", "deployer", "ci", "ASIAEXAMPLE")
	r := newRig(t, Options{Credentials: map[string]Credential{"ASIAEXAMPLE": {SecretAccessKey: "s", Identity: role}}})
	q := jsonReq("Logs_20140328.CreateLogGroup", `{"logGroupName":"app"}`)
	q.header["Authorization"] = authz("ASIAEXAMPLE", "eu-west-1", "logs")
	resp := r.do(t, q)
	require.Equal(t, 200, resp.StatusCode)
	id := resp.Header.Get("x-amzn-RequestId")

	q = jsonReq("Logs_20140328.DescribeLogGroups", `{}`)
	q.header["Authorization"] = authz("AKIDOTHER", "us-east-1", "logs")
	require.Equal(t, 200, r.do(t, q).StatusCode)

	eu := r.acct.Region("eu-west-1")
	out, err := eu.Trail.LookupEvents(context.Background(), trail.LookupEventsInput{})
	require.NoError(t, err)
	var rec map[string]any
	for _, e := range out.Events {
		if e.EventName == "CreateLogGroup" {
			require.NoError(t, json.Unmarshal([]byte(e.CloudTrailEvent), &rec))
		}
	}
	require.NotNil(t, rec, "CreateLogGroup recorded in eu-west-1")
	assert.Equal(t, id, rec["requestID"])
	assert.Equal(t, "203.0.113.9", rec["sourceIPAddress"])
	assert.Equal(t, "test-agent/1.0", rec["userAgent"])
	assert.Equal(t, "AssumedRole", rec["userIdentity"].(map[string]any)["type"])

	us := r.acct.Region("us-east-1")
	out, err = us.Trail.LookupEvents(context.Background(), trail.LookupEventsInput{})
	require.NoError(t, err)
	require.NotEmpty(t, out.Events)
	require.NoError(t, json.Unmarshal([]byte(out.Events[0].CloudTrailEvent), &rec))
	ui := rec["userIdentity"].(map[string]any)
	assert.Equal(t, "IAMUser", ui["type"], "an unknown key is an IAM user of the account")
	assert.Equal(t, "AKIDOTHER", ui["accessKeyId"])
	assert.Equal(t, "arn:aws:iam::123456789012:user/localwatch", ui["arn"])
}

func TestGzipRequestBody(t *testing.T) {
	r := newRig(t, Options{})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(testdata(t, "cbor-putmetricdata.req"))
	require.NoError(t, zw.Close())
	q := cborReq("PutMetricData", buf.Bytes())
	q.header["Content-Encoding"] = "gzip"
	resp := r.do(t, q)
	require.Equal(t, 200, resp.StatusCode, "%s", readAll(t, resp))
	out, err := r.acct.Region("us-east-1").Metrics.ListMetrics(context.Background(), metrics.ListMetricsInput{})
	require.NoError(t, err)
	assert.Len(t, out.Metrics, 1)

	// A gzip bomb stops at the limit.
	buf.Reset()
	zw = gzip.NewWriter(&buf)
	_, _ = zw.Write(make([]byte, 2<<20))
	require.NoError(t, zw.Close())
	q = cborReq("PutMetricData", buf.Bytes())
	q.header["Content-Encoding"] = "gzip"
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.do(t, q).StatusCode)
}

func TestTransportServesInProcess(t *testing.T) {
	r := newRig(t, Options{})
	req, err := http.NewRequest("POST", "http://localwatch.invalid/", strings.NewReader(`{"logGroupName":"x"}`))
	require.NoError(t, err)
	req.Header.Set("X-Amz-Target", "Logs_20140328.CreateLogGroup")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", authz("AKID", "us-east-1", "logs"))
	resp, err := r.h.Client().Do(req)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "{}", string(readAll(t, resp)))
	assert.NotEmpty(t, resp.Header.Get("X-Amzn-Requestid"))
}

// TestTruncatedBody: a body shorter than its Content-Length is the
// protocol's serialization error, and nothing is stored.
func TestTruncatedBody(t *testing.T) {
	for _, c := range []struct {
		name string
		q    req
		code string
	}{
		{"cbor", cborReq("PutMetricData", testdata(t, "cbor-putmetricdata.req")), "SerializationException"},
		{"json", jsonReq("GraniteServiceVersion20100801.PutMetricData", string(testdata(t, "json10-putmetricdata.req"))), "SerializationException"},
		{"query", queryReq("monitoring", "Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1"), "InvalidParameterValue"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, Options{})
			hr := httptest.NewRequest(c.q.method, "http://localhost"+c.q.path, bytes.NewReader(c.q.body[:len(c.q.body)/2]))
			for k, v := range c.q.header {
				hr.Header.Set(k, v)
			}
			hr.ContentLength = int64(len(c.q.body))
			w := httptest.NewRecorder()
			r.h.ServeHTTP(w, hr)
			assert.Equal(t, 400, w.Code)
			assert.Contains(t, w.Body.String(), c.code)
			assert.Contains(t, w.Body.String(), "truncated")
			out, err := r.acct.Region("us-east-1").Metrics.ListMetrics(context.Background(), metrics.ListMetricsInput{})
			require.NoError(t, err)
			assert.Empty(t, out.Metrics)
		})
	}
}

// TestServiceUnavailableShape: the error every service answers after its
// Close (awserr.Closed, status 503) comes out as a Receiver fault in each
// protocol's shape.
func TestServiceUnavailableShape(t *testing.T) {
	r := newRig(t, Options{})
	svcs := services()
	for _, c := range []struct {
		call *call
		code string
		want string
	}{
		{&call{proto: protoCBOR, svc: svcs["cloudwatch"]}, "ServiceUnavailable", "com.amazonaws.cloudwatch#ServiceUnavailable"},
		{&call{proto: protoJSON, svc: svcs["logs"]}, "ServiceUnavailableException", `"__type":"ServiceUnavailableException"`},
		{&call{proto: protoQuery, svc: svcs["sns"]}, "ServiceUnavailable", "<Type>Receiver</Type><Code>ServiceUnavailable</Code>"},
	} {
		w := httptest.NewRecorder()
		assert.Equal(t, 503, r.h.writeError(w, c.call, awserr.Closed(c.code)))
		assert.Equal(t, 503, w.Code)
		assert.Contains(t, w.Body.String(), c.want)
		if c.call.svc.id == "cloudwatch" {
			assert.Equal(t, "ServiceUnavailable;Receiver", w.Header().Get("x-amzn-query-error"))
		}
	}
}
