package awsapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/localwatch/localwatch/metrics"
)

// The benchmarks compare an operation made through the handler (CBOR, as
// aws-sdk-go-v2's cloudwatch client sends it, decoded, called, encoded)
// with the same call made directly on the Go API, in one run:
//
//	go test -run '^$' -bench 'PutMetricData|GetMetricData' -count 5 -cpu 1 ./awsapi

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

func benchHandler(b *testing.B, op string, in any) {
	r := newRig(b, Options{})
	body := appendCBOR(nil, reflect.ValueOf(in))
	if op == "GetMetricData" {
		_, err := r.acct.Region("us-east-1").Metrics.PutMetricData(context.Background(), putInput(1000))
		if err != nil {
			b.Fatal(err)
		}
	}
	q := cborReq(op, body)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		hr := httptest.NewRequest("POST", "http://localhost"+q.path, bytes.NewReader(body))
		for k, v := range q.header {
			hr.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		r.h.ServeHTTP(w, hr)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func BenchmarkHandlerPutMetricData(b *testing.B) { benchHandler(b, "PutMetricData", putInput(1000)) }

func BenchmarkDirectPutMetricData(b *testing.B) {
	r := newRig(b, Options{})
	st := r.acct.Region("us-east-1")
	in := putInput(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.Metrics.PutMetricData(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHandlerGetMetricData(b *testing.B) { benchHandler(b, "GetMetricData", getInput(100)) }

func BenchmarkDirectGetMetricData(b *testing.B) {
	r := newRig(b, Options{})
	st := r.acct.Region("us-east-1")
	if _, err := st.Metrics.PutMetricData(context.Background(), putInput(1000)); err != nil {
		b.Fatal(err)
	}
	in := getInput(100)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.Metrics.GetMetricData(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandlerSmallPutMetricData is the server's unit of work: one
// datum, CBOR, through the handler (no socket).
func BenchmarkHandlerSmallPutMetricData(b *testing.B) { benchHandler(b, "PutMetricData", putInput(1)) }

func BenchmarkDirectSmallPutMetricData(b *testing.B) {
	r := newRig(b, Options{})
	st := r.acct.Region("us-east-1")
	in := putInput(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.Metrics.PutMetricData(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
