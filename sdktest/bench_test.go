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

	"github.com/localwatch/localwatch/metrics"
)

// The SDK benchmarks make the same call through the real SDK client over the
// in-process transport ("sdk") and directly on the Go API ("go"), in one run,
// so their ratio is the cost of the wire layer plus the SDK. Run:
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
		for b.Loop() {
			if _, err := e.cw.PutMetricData(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go", func(b *testing.B) {
		e := newEnv(b)
		in := metrics.PutMetricDataInput{Namespace: "Bench", MetricData: goData}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.stack.Metrics.PutMetricData(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
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
		for b.Loop() {
			out, err := e.cw.GetMetricData(ctx, in)
			if err != nil || len(out.MetricDataResults) != 100 || len(out.MetricDataResults[0].Values) != 12 {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk-client-only", func(b *testing.B) {
		// The SDK's own share: the same call answered by a transport that
		// replays the handler's recorded answer (serialize, sign, deserialize).
		e := setup(b)
		rec := &replay{next: e.handler.Transport()}
		cw := cloudwatch.NewFromConfig(e.cfg, func(o *cloudwatch.Options) { o.HTTPClient = &http.Client{Transport: rec} })
		in := &cloudwatch.GetMetricDataInput{StartTime: &start, EndTime: &end, MetricDataQueries: sdkQ}
		if _, err := cw.GetMetricData(ctx, in); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			out, err := cw.GetMetricData(ctx, in)
			if err != nil || len(out.MetricDataResults) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("go", func(b *testing.B) {
		e := setup(b)
		in := metrics.GetMetricDataInput{StartTime: start, EndTime: end, MetricDataQueries: goQ}
		b.ReportAllocs()
		for b.Loop() {
			out, err := e.stack.Metrics.GetMetricData(ctx, in)
			if err != nil || len(out.MetricDataResults) != 100 || len(out.MetricDataResults[0].Values) != 12 {
				b.Fatal(err)
			}
		}
	})
}

// replay passes the first request on and answers every later one with the
// first answer, so a benchmark can time the SDK client without the server.
type replay struct {
	next   http.RoundTripper
	header http.Header
	body   []byte
	status int
}

func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.body == nil {
		resp, err := r.next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if r.body, err = io.ReadAll(resp.Body); err != nil {
			return nil, err
		}
		r.header, r.status = resp.Header, resp.StatusCode
	} else if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{StatusCode: r.status, Header: r.header.Clone(), Body: io.NopCloser(bytes.NewReader(r.body)),
		ContentLength: int64(len(r.body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}
