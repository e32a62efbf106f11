package awsapi

import (
	"bytes"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
)

// The decoders take untrusted bytes: whatever they are given, they return
// an input or a *decodeError, and never panic.

func checkDecodeErr(t *testing.T, err error) {
	if err == nil {
		return
	}
	if _, ok := err.(*decodeError); !ok {
		t.Fatalf("error %T %v is not a decodeError", err, err)
	}
}

func FuzzDecodeCBOR(f *testing.F) {
	for _, name := range []string{"cbor-putmetricdata.req", "cbor-getmetricdata.req", "cbor-describealarms.req", "cbor-listmetrics.req"} {
		b, _ := readTestdata(name)
		f.Add(b)
	}
	f.Add([]byte{0xbf, 0xff})
	f.Add([]byte("\xa2iNamespaceaNjMetricData\x81\xa3jMetricNameamiTimestamp\xc1\x1a\x65\x53\xf1\x00eValue\xf9\x3c\x00"))
	f.Add([]byte("\xbfiNamespaceaNjMetricData\x9f\xbfjDimensions\x9f\xbfdNamedHosteValueah\xff\xffjMetricNameameValue\xfb\x3f\xf0\x00\x00\x00\x00\x00\x00\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Differential: what the one-pass reader accepts, the reference
		// road (fxamacker's well-formedness check, then the reader)
		// accepts alike.
		for _, typ := range []reflect.Type{reflect.TypeFor[metrics.PutMetricDataInput](), reflect.TypeFor[metrics.GetMetricDataInput](), reflect.TypeFor[alarms.PutMetricAlarmInput]()} {
			fast, ref := reflect.New(typ).Elem(), reflect.New(typ).Elem()
			if len(b) == 0 || decodeCBORWith(b, fast, true) != nil {
				continue
			}
			if err := decodeCBORReference(b, ref); err != nil {
				t.Fatalf("%s: the fast reader accepted what the reference rejects: %v", typ, err)
			}
			if x, y := appendJSON(nil, fast), appendJSON(nil, ref); !bytes.Equal(x, y) {
				t.Fatalf("%s: fast %s\nreference %s", typ, x, y)
			}
		}
		checkDecodeErr(t, decodeCBOR(b, new(metrics.GetMetricDataInput)))
		checkDecodeErr(t, decodeCBOR(b, new(alarms.PutMetricAlarmInput)))
		// Differential: where fxamacker's Unmarshal and the cborReader both
		// accept a body, they decode the same Input.
		var mine, theirs metrics.PutMetricDataInput
		errMine := decodeCBOR(b, &mine)
		checkDecodeErr(t, errMine)
		if errMine == nil && cborDec.Unmarshal(b, &theirs) == nil {
			a, c := appendJSON(nil, reflect.ValueOf(mine)), appendJSON(nil, reflect.ValueOf(theirs))
			if !bytes.Equal(a, c) {
				t.Fatalf("cborReader %s\nfxamacker %s", a, c)
			}
		}
	})
}

func FuzzDecodeJSON(f *testing.F) {
	b, _ := readTestdata("json10-putmetricdata.req")
	f.Add(b)
	f.Add([]byte(`{"logGroupName":"g","tags":{"a":"b"},"limit":5,"StartTime":1.7e9,"x":[null,true]}`))
	f.Add([]byte(`{"MetricDataQueries":[{"Id":"m1","MetricStat":{"Metric":{"Namespace":"N","MetricName":"x","Dimensions":[{"Name":"a","Value":"b"}]},"Period":60,"Stat":"p99"},"ReturnData":true}],"StartTime":1.7e9,"EndTime":"2026-12-07T14:00:00Z","MaxDatapoints":10}`))
	f.Add([]byte(`{"MetricData":[{"MetricName":"m","Value":"NaN","Values":[1,2.5e3],"Timestamp":1700000000.123,"StatisticValues":{"Sum":1}}],"Namespace":"caf\u00e9"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecodeErr(t, decodeJSON(b, reflect.New(reflect.TypeFor[metrics.PutMetricDataInput]()).Elem()))
		checkDecodeErr(t, decodeJSON(b, reflect.New(reflect.TypeFor[config.GetResourceConfigHistoryInput]()).Elem()))
		// Differential: what the one-pass reader accepts, the reference
		// decoder accepts alike.
		for _, typ := range []reflect.Type{reflect.TypeFor[metrics.PutMetricDataInput](), reflect.TypeFor[metrics.GetMetricDataInput](), reflect.TypeFor[config.GetResourceConfigHistoryInput]()} {
			fast, ref := reflect.New(typ).Elem(), reflect.New(typ).Elem()
			if decodeJSONFast(b, fast) != nil {
				continue
			}
			if err := decodeJSONReference(b, ref); err != nil {
				t.Fatalf("%s: the fast reader accepted what the reference rejects: %v", typ, err)
			}
			if a, c := appendJSON(nil, fast), appendJSON(nil, ref); !bytes.Equal(a, c) {
				t.Fatalf("%s: fast %s\nreference %s", typ, a, c)
			}
		}
	})
}

func FuzzDecodeQuery(f *testing.F) {
	b, _ := readTestdata("query-sns-createtopic.req")
	f.Add(string(b))
	f.Add("Action=Publish&Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=x")
	f.Add("Action=PutMetricData&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1.5&MetricData.member.1.Timestamp=2026-12-07T14%3A00%3A00Z")
	f.Add("Action=GetMetricData&MetricDataQueries.member.2.Id=b&MetricDataQueries.member.1.Id=a&MetricDataQueries.member.1.MetricStat.Period=60&StartTime=1700000000&Unknown=x")
	f.Add("Action=PutMetricData&Namespace=N&MetricData.member.1.Values=&MetricData.member.1.StorageResolution=1&MetricData.member.1.Dimensions.member.1.Name=a+b")
	f.Fuzz(func(t *testing.T, s string) {
		// Differential: what the one-pass reader accepts, the reference
		// road (url.ParseQuery, decodeQuery) accepts alike.
		for _, typ := range []reflect.Type{reflect.TypeFor[metrics.PutMetricDataInput](), reflect.TypeFor[metrics.GetMetricDataInput](), reflect.TypeFor[sns.PublishInput]()} {
			qr := &queryReader{}
			if _, _, ok := qr.readForm([]byte(s)); !ok {
				continue
			}
			fast, ref := reflect.New(typ).Elem(), reflect.New(typ).Elem()
			if qr.decode(fast) != nil {
				continue
			}
			form, err := url.ParseQuery(s)
			if err != nil {
				t.Fatalf("the fast reader read a form url.ParseQuery rejects: %v", err)
			}
			if err := decodeQuery(form, ref); err != nil {
				t.Fatalf("%s: the fast reader accepted what the reference rejects: %v", typ, err)
			}
			if a, c := appendJSON(nil, fast), appendJSON(nil, ref); !bytes.Equal(a, c) {
				t.Fatalf("%s: fast %s\nreference %s", typ, a, c)
			}
		}
		form, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		checkDecodeErr(t, decodeQuery(form, reflect.New(reflect.TypeFor[metrics.PutMetricDataInput]()).Elem()))
		checkDecodeErr(t, decodeQuery(form, reflect.New(reflect.TypeFor[sns.PublishInput]()).Elem()))
		checkDecodeErr(t, decodeQuery(form, reflect.New(reflect.TypeFor[sns.CreateTopicInput]()).Elem()))
	})
}

// FuzzHandler sends arbitrary bodies under each protocol: every answer is
// an AWS error or a success, never a panic or a 5xx.
func FuzzHandler(f *testing.F) {
	for _, name := range []string{"cbor-putmetricdata.req", "json10-putmetricdata.req", "query-sns-createtopic.req"} {
		b, _ := readTestdata(name)
		f.Add(uint8(0), b)
		f.Add(uint8(1), b)
		f.Add(uint8(2), b)
	}
	r := newRig(f, Options{})
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		var q req
		switch kind % 4 {
		case 0:
			q = cborReq("PutMetricData", body)
		case 1:
			q = jsonReq("GraniteServiceVersion20100801.PutMetricAlarm", string(body))
		case 2:
			q = queryReq("sns", string(body))
		default:
			q = jsonReq("Logs_20140328.PutLogEvents", string(body))
		}
		hr := httptest.NewRequest(q.method, "http://localhost"+q.path, bytes.NewReader(body))
		for k, v := range q.header {
			hr.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		r.h.ServeHTTP(w, hr)
		if w.Code >= 500 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	})
}

// FuzzSignature: any Authorization header parses to a signature or an
// authError, and verifying what parsed never panics.
func FuzzSignature(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/monitoring/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "/")
	f.Add("AWS4-HMAC-SHA256 Credential=////aws4_request,SignedHeaders=;,Signature=", "/service/x/operation/y")
	f.Fuzz(func(t *testing.T, authz, path string) {
		r := httptest.NewRequest("POST", "http://localhost/", nil)
		r.URL.Path = path
		r.Header.Set("Authorization", authz)
		sig, err := parseSignature(r)
		if err != nil {
			if _, ok := err.(*authError); !ok {
				t.Fatalf("%T", err)
			}
			return
		}
		_ = sig.verify(r, nil, "secret")
	})
}
