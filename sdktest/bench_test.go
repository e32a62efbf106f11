package sdktest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	smithycbor "github.com/aws/smithy-go/encoding/cbor"

	"github.com/localwatch/localwatch/metrics"
)

// The SDK benchmarks make the same call through the real SDK client over the
// in-process transport ("sdk"), through the SDK client alone against a
// transport that answers a canned response without localwatch
// ("sdk-client-only": the floor no server can go under) and directly on the
// Go API ("go"), in one run: sdk/go is the cost of the wire layer plus the
// SDK, sdk-client-only/go the SDK's own share. cpu-ns/op is the process's
// CPU time per call, steadier than ns/op on a shared machine. Run:
//
//	cd sdktest && go test -run '^$' -bench . -count 5 -cpu 1

// BenchmarkPutMetricData1000 puts 1,000 datums (100 series × 10 values) a call.
func BenchmarkPutMetricData1000(b *testing.B) {
	sdkData := make([]cwtypes.MetricDatum, 0, 1000)
	goData := make([]metrics.MetricDatum, 0, 1000)
	for i := range 1000 {
		host := fmt.Sprintf("host-%03d", i%100)
		v := float64(i)
		sdkData = append(sdkData, cwtypes.MetricDatum{MetricName: aws.String("CPU"), Value: aws.Float64(v), Unit: cwtypes.StandardUnitPercent,
			Dimensions: []cwtypes.Dimension{dim("Host", host)}})
		goData = append(goData, metrics.MetricDatum{MetricName: "CPU", Value: &v, Unit: metrics.StandardUnit("Percent"),
			Dimensions: []metrics.Dimension{{Name: "Host", Value: host}}})
	}
	b.Run("sdk", func(b *testing.B) {
		e := newEnv(b)
		in := &cloudwatch.PutMetricDataInput{Namespace: aws.String("Bench"), MetricData: sdkData}
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			if _, err := e.cw.PutMetricData(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
	})
	b.Run("sdk-client-only", func(b *testing.B) {
		// The floor: the SDK client alone (serialize, gzip, sign, send,
		// deserialize) against a transport that answers AWS's empty
		// PutMetricData response without touching localwatch.
		e := newEnv(b)
		cw := cloudwatch.NewFromConfig(e.cfg, func(o *cloudwatch.Options) {
			o.HTTPClient = &http.Client{Transport: canned(smithycbor.Encode(smithycbor.Map{}))}
		})
		in := &cloudwatch.PutMetricDataInput{Namespace: aws.String("Bench"), MetricData: sdkData}
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			if _, err := cw.PutMetricData(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
	})
	b.Run("go", func(b *testing.B) {
		e := newEnv(b)
		in := metrics.PutMetricDataInput{Namespace: "Bench", MetricData: goData}
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			if _, err := e.stack.Metrics.PutMetricData(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
	})
}

// BenchmarkGetMetricData100 asks 100 queries (one per series, an hour of
// one-minute data each, Average over 5 minutes) a call.
func BenchmarkGetMetricData100(b *testing.B) {
	setup := func(b *testing.B) *env {
		e := newEnv(b)
		for m := range 60 {
			data := make([]metrics.MetricDatum, 0, 100)
			for s := range 100 {
				v := float64(m * s)
				data = append(data, metrics.MetricDatum{MetricName: "Latency", Value: &v, Timestamp: t0.Add(time.Duration(m-60) * time.Minute),
					Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("host-%03d", s)}}})
			}
			if _, err := e.stack.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Bench", MetricData: data}); err != nil {
				b.Fatal(err)
			}
		}
		return e
	}
	start, end := t0.Add(-time.Hour), t0
	sdkQ := make([]cwtypes.MetricDataQuery, 100)
	goQ := make([]metrics.MetricDataQuery, 100)
	for s := range 100 {
		host := fmt.Sprintf("host-%03d", s)
		sdkQ[s] = cwtypes.MetricDataQuery{Id: aws.String(fmt.Sprintf("q%d", s)), MetricStat: &cwtypes.MetricStat{Period: aws.Int32(300), Stat: aws.String("Average"),
			Metric: &cwtypes.Metric{Namespace: aws.String("Bench"), MetricName: aws.String("Latency"), Dimensions: []cwtypes.Dimension{dim("Host", host)}}}}
		goQ[s] = metrics.MetricDataQuery{Id: fmt.Sprintf("q%d", s), MetricStat: &metrics.MetricStat{Period: 300, Stat: "Average",
			Metric: metrics.Metric{Namespace: "Bench", MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Host", Value: host}}}}}
	}
	b.Run("sdk", func(b *testing.B) {
		e := setup(b)
		in := &cloudwatch.GetMetricDataInput{StartTime: &start, EndTime: &end, MetricDataQueries: sdkQ}
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			out, err := e.cw.GetMetricData(ctx, in)
			if err != nil || len(out.MetricDataResults) != 100 || len(out.MetricDataResults[0].Values) != 12 {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
	})
	b.Run("sdk-client-only", func(b *testing.B) {
		// The floor: the SDK client alone (serialize, sign, send,
		// deserialize) against a transport that answers a canned
		// GetMetricData response of the same size (100 results of 12
		// points) without touching localwatch.
		e := newEnv(b)
		cw := cloudwatch.NewFromConfig(e.cfg, func(o *cloudwatch.Options) {
			o.HTTPClient = &http.Client{Transport: canned(getMetricDataResponse(100, 12, start))}
		})
		in := &cloudwatch.GetMetricDataInput{StartTime: &start, EndTime: &end, MetricDataQueries: sdkQ}
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			out, err := cw.GetMetricData(ctx, in)
			if err != nil || len(out.MetricDataResults) != 100 || len(out.MetricDataResults[0].Values) != 12 {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
	})
	b.Run("go", func(b *testing.B) {
		e := setup(b)
		in := metrics.GetMetricDataInput{StartTime: start, EndTime: end, MetricDataQueries: goQ}
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			out, err := e.stack.Metrics.GetMetricData(ctx, in)
			if err != nil || len(out.MetricDataResults) != 100 || len(out.MetricDataResults[0].Values) != 12 {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
	})
}

// canned is a transport that answers every request with body as an
// rpc-v2-cbor 200 response, after reading and closing the request body, as
// a server would: the SDK client's own cost with no server at all.
type canned []byte

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	h := http.Header{}
	h["Smithy-Protocol"] = []string{"rpc-v2-cbor"}
	h["Content-Type"] = []string{"application/cbor"}
	h["X-Amzn-Requestid"] = []string{"c6f4ffd3-5a4e-4d2b-9d0e-bench0000000"}
	return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(bytes.NewReader(c)),
		ContentLength: int64(len(c)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

// getMetricDataResponse is a GetMetricData answer in rpc-v2-cbor: n
// complete results of points one-minute points each from start.
func getMetricDataResponse(n, points int, start time.Time) []byte {
	results := make(smithycbor.List, n)
	for i := range results {
		ts := make(smithycbor.List, points)
		vs := make(smithycbor.List, points)
		for j := range points {
			ts[j] = &smithycbor.Tag{ID: 1, Value: smithycbor.Float64(float64(start.Add(time.Duration(j) * 5 * time.Minute).Unix()))}
			vs[j] = smithycbor.Float64(float64(i*j) + 0.5)
		}
		results[i] = smithycbor.Map{"Id": smithycbor.String(fmt.Sprintf("q%d", i)), "Label": smithycbor.String("Latency"),
			"StatusCode": smithycbor.String("Complete"), "Timestamps": ts, "Values": vs}
	}
	return smithycbor.Encode(smithycbor.Map{"MetricDataResults": results, "Messages": smithycbor.List{}})
}

// reportCPU reports the CPU time the process used per iteration since cpu0
// (from processCPU) as cpu-ns/op: on a shared machine, where wall time
// swings with the other load, compare this.
func reportCPU(b *testing.B, cpu0 int64) {
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}
