package awsapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/localwatch/localwatch/metrics"
)

// The benchmarks compare an operation made through the handler (decoded,
// called, encoded) in each protocol CloudWatch speaks, with the same call
// made directly on the Go API, in one run:
//
//	go test -run '^$' -bench 'PutMetricData|GetMetricData' -count 5 -cpu 1 ./awsapi
//
// Handler<Op> is rpc-v2-cbor as aws-sdk-go-v2's cloudwatch client sends it
// (smithy-go writes indefinite-length maps and arrays), HandlerJSON<Op> awsJson 1.0 (the aws CLI v2) and HandlerQuery<Op>
// awsQuery (older SDKs and CLIs).

func putInput(n int) metrics.PutMetricDataInput {
	in := metrics.PutMetricDataInput{Namespace: "Bench"}
	for i := range n {
		v := float64(i)
		in.MetricData = append(in.MetricData, metrics.MetricDatum{
			MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("h%d", i%100)}, {Name: "Service", Value: "api"}},
			Timestamp: t0.Add(-time.Duration(i%60) * time.Second), Value: &v, Unit: metrics.UnitMilliseconds,
		})
	}
	return in
}

func getInput(n int) metrics.GetMetricDataInput {
	in := metrics.GetMetricDataInput{StartTime: t0.Add(-time.Hour), EndTime: t0}
	for i := range n {
		in.MetricDataQueries = append(in.MetricDataQueries, metrics.MetricDataQuery{Id: fmt.Sprintf("m%d", i),
			MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "Bench", MetricName: "Latency",
				Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("h%d", i%100)}, {Name: "Service", Value: "api"}}}, Period: 60, Stat: "Average"}})
	}
	return in
}

// queryForm flattens an Input into awsQuery parameters, as botocore's query
// serializer does (lists as Name.member.N, timestamps in ISO 8601).
func queryForm(form url.Values, prefix string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			queryForm(form, prefix, v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if t := v.Interface().(time.Time); !t.IsZero() {
				form.Set(prefix, t.UTC().Format("2006-01-02T15:04:05Z"))
			}
			return
		}
		p := planFor(v.Type())
		for i := range p.fields {
			f := &p.fields[i]
			fv := f.get(v)
			if fv.IsZero() {
				continue
			}
			name := f.name
			if prefix != "" {
				name = prefix + "." + name
			}
			queryForm(form, name, fv)
		}
	case reflect.Slice:
		for i := range v.Len() {
			queryForm(form, prefix+".member."+strconv.Itoa(i+1), v.Index(i))
		}
	case reflect.String:
		form.Set(prefix, v.String())
	case reflect.Int:
		form.Set(prefix, strconv.FormatInt(v.Int(), 10))
	case reflect.Float64:
		form.Set(prefix, strconv.FormatFloat(v.Float(), 'g', -1, 64))
	}
}

// smithyCBOR rewrites a CBOR item's definite-length arrays and maps as
// indefinite-length ones, as smithy-go's encoder writes them.
func smithyCBOR(b []byte) []byte {
	r := &cborReader{b: b}
	var out []byte
	var walk func()
	walk = func() {
		start := r.off
		major, _, arg, _, err := r.head()
		if err != nil {
			panic(err)
		}
		switch major {
		case 4, 5:
			out = append(out, major<<5|31)
			n := arg
			if major == 5 {
				n *= 2
			}
			for range n {
				walk()
			}
			out = append(out, 0xff)
		case 2, 3:
			r.off += int(arg)
			out = append(out, b[start:r.off]...)
		case 6:
			out = append(out, b[start:r.off]...)
			walk()
		default:
			out = append(out, b[start:r.off]...)
		}
	}
	walk()
	return out
}

func benchHandler(b *testing.B, proto protocol, op string, in any) {
	r := newRig(b, Options{})
	var q req
	switch proto {
	case protoCBOR:
		q = cborReq(op, smithyCBOR(appendCBOR(nil, reflect.ValueOf(in))))
	case protoJSON:
		q = jsonReq("GraniteServiceVersion20100801."+op, string(appendJSON(nil, reflect.ValueOf(in))))
	case protoQuery:
		form := url.Values{"Action": {op}, "Version": {"2010-08-01"}}
		queryForm(form, "", reflect.ValueOf(in))
		q = queryReq("monitoring", form.Encode())
	}
	if op == "GetMetricData" {
		_, err := r.acct.Region("us-east-1").Metrics.PutMetricData(context.Background(), putInput(1000))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		hr := httptest.NewRequest("POST", "http://localhost"+q.path, bytes.NewReader(q.body))
		for k, v := range q.header {
			hr.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		r.h.ServeHTTP(w, hr)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	reportCPU(b, cpu0)
}

func BenchmarkHandlerPutMetricData(b *testing.B) {
	benchHandler(b, protoCBOR, "PutMetricData", putInput(1000))
}

func BenchmarkHandlerJSONPutMetricData(b *testing.B) {
	benchHandler(b, protoJSON, "PutMetricData", putInput(1000))
}

func BenchmarkHandlerQueryPutMetricData(b *testing.B) {
	benchHandler(b, protoQuery, "PutMetricData", putInput(1000))
}

func BenchmarkDirectPutMetricData(b *testing.B) {
	r := newRig(b, Options{})
	st := r.acct.Region("us-east-1")
	in := putInput(1000)
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if _, err := st.Metrics.PutMetricData(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

func BenchmarkHandlerGetMetricData(b *testing.B) {
	benchHandler(b, protoCBOR, "GetMetricData", getInput(100))
}

func BenchmarkHandlerJSONGetMetricData(b *testing.B) {
	benchHandler(b, protoJSON, "GetMetricData", getInput(100))
}

func BenchmarkHandlerQueryGetMetricData(b *testing.B) {
	benchHandler(b, protoQuery, "GetMetricData", getInput(100))
}

func BenchmarkDirectGetMetricData(b *testing.B) {
	r := newRig(b, Options{})
	st := r.acct.Region("us-east-1")
	if _, err := st.Metrics.PutMetricData(context.Background(), putInput(1000)); err != nil {
		b.Fatal(err)
	}
	in := getInput(100)
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if _, err := st.Metrics.GetMetricData(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

// BenchmarkHandlerSmallPutMetricData is the server's unit of work: one
// datum, CBOR, through the handler (no socket).
func BenchmarkHandlerSmallPutMetricData(b *testing.B) {
	benchHandler(b, protoCBOR, "PutMetricData", putInput(1))
}

func BenchmarkDirectSmallPutMetricData(b *testing.B) {
	r := newRig(b, Options{})
	st := r.acct.Region("us-east-1")
	in := putInput(1)
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if _, err := st.Metrics.PutMetricData(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

// BenchmarkDecodeCBORPutMetricData is the CBOR decoder alone on the body of
// BenchmarkHandlerPutMetricData.
func BenchmarkDecodeCBORPutMetricData(b *testing.B) {
	body := smithyCBOR(appendCBOR(nil, reflect.ValueOf(putInput(1000))))
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		var in metrics.PutMetricDataInput
		if err := decodeCBOR(body, &in); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

// reportCPU reports the CPU time the process used per iteration since cpu0
// (from processCPU) as cpu-ns/op: on a shared machine, where wall time
// swings with the other load, compare this.
func reportCPU(b *testing.B, cpu0 int64) {
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkHandlerJSONSmallPutMetricData is BenchmarkHandlerSmallPutMetricData
// in awsJson 1.0, what cmd/localwatch's server benchmark sends.
func BenchmarkHandlerJSONSmallPutMetricData(b *testing.B) {
	benchHandler(b, protoJSON, "PutMetricData", putInput(1))
}
