package metrics_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/metrics"
)

// A metric stream delivers each minute's statistics, in AWS's JSON format, to
// the Go function registered for its Firehose ARN (here an in-memory queue).
func ExampleService_PutMetricStream() {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)
	svc := metrics.New(metrics.Options{Clock: clk})
	defer svc.Close()
	ctx := context.Background()

	firehose := "arn:aws:firehose:us-east-1:123456789012:deliverystream/metrics"
	var q metrics.MetricStreamQueue
	svc.OnMetricStream(firehose, q.Put)
	_, err := svc.PutMetricStream(ctx, metrics.PutMetricStreamInput{
		Name: "to-lake", FirehoseArn: firehose, RoleArn: "arn:aws:iam::123456789012:role/streams",
		OutputFormat:   metrics.MetricStreamJSON,
		IncludeFilters: []metrics.MetricStreamFilter{{Namespace: "Shop"}},
		StatisticsConfigurations: []metrics.MetricStreamStatisticsConfiguration{{
			IncludeMetrics:       []metrics.MetricStreamStatisticsMetric{{Namespace: "Shop", MetricName: "Latency"}},
			AdditionalStatistics: []string{"p90"},
		}},
	})
	if err != nil {
		panic(err)
	}
	_, err = svc.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{{
		MetricName: "Latency", Timestamp: start.Add(10 * time.Second), Values: []float64{12, 15, 40}, Unit: metrics.UnitMilliseconds,
	}}})
	if err != nil {
		panic(err)
	}
	clk.Advance(time.Minute)
	for _, r := range q.Drain() {
		fmt.Print(string(r.Data))
	}
	// Output:
	// {"metric_stream_name":"to-lake","account_id":"123456789012","region":"us-east-1","namespace":"Shop","metric_name":"Latency","dimensions":{},"timestamp":1795608000000,"value":{"count":3.0,"sum":67.0,"max":40.0,"min":12.0,"p90":40.0},"unit":"Milliseconds"}
}
