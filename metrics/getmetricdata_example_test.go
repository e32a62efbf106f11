package metrics_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/metrics"
)

// An error rate computed with metric math: errors divided by requests each
// minute (a missing value counts as 0, as in CloudWatch), plus the total of
// all requests with a dynamic label.
func ExampleService_GetMetricData() {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)
	svc := metrics.New(metrics.Options{Clock: clk})
	defer svc.Close()
	ctx := context.Background()

	api := []metrics.Dimension{{Name: "Service", Value: "api"}}
	var data []metrics.MetricDatum
	for i, v := range []float64{200, 400, 500} {
		ts := start.Add(time.Duration(i) * time.Minute)
		data = append(data,
			metrics.MetricDatum{MetricName: "Requests", Dimensions: api, Timestamp: ts, Value: metrics.Float(v)},
			metrics.MetricDatum{MetricName: "Errors", Dimensions: api, Timestamp: ts, Value: metrics.Float(v / 100)})
	}
	if _, err := svc.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: data}); err != nil {
		fmt.Println(err)
		return
	}
	clk.Advance(5 * time.Minute)

	stat := func(name string) *metrics.MetricStat {
		return &metrics.MetricStat{Metric: metrics.Metric{Namespace: "Shop", MetricName: name, Dimensions: api}, Period: 60, Stat: "Sum"}
	}
	out, err := svc.GetMetricData(ctx, metrics.GetMetricDataInput{
		StartTime: start,
		EndTime:   start.Add(3 * time.Minute),
		ScanBy:    metrics.ScanByTimestampAscending,
		MetricDataQueries: []metrics.MetricDataQuery{
			{Id: "errors", MetricStat: stat("Errors"), ReturnData: metrics.Bool(false)},
			{Id: "requests", MetricStat: stat("Requests"), ReturnData: metrics.Bool(false)},
			{Id: "rate", Expression: "100 * errors / requests", Label: "Error rate (%)"},
			{Id: "total", Expression: "SUM(METRICS())/PERIOD(requests)", Label: "Per second, peak ${MAX}"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range out.MetricDataResults {
		fmt.Printf("%s %q %v\n", r.Id, r.Label, r.Values)
	}
	// Output:
	// rate "Error rate (%)" [1 1 1]
	// total "Per second, peak 8.41667" [3.3666666666666667 6.733333333333333 8.416666666666666]
}

// A poller that asks the same question every minute, as an alarm scheduler
// does, answering into one reused output.
func ExampleService_GetMetricDataInto() {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)
	svc := metrics.New(metrics.Options{Clock: clk})
	defer svc.Close()
	ctx := context.Background()

	latency := metrics.Metric{Namespace: "Shop", MetricName: "Latency"}
	var out metrics.GetMetricDataOutput // reused by every poll
	for minute, v := range []float64{120, 180, 90} {
		if _, err := svc.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{
			{MetricName: "Latency", Value: metrics.Float(v)}}}); err != nil {
			fmt.Println(err)
			return
		}
		clk.Advance(time.Minute)
		err := svc.GetMetricDataInto(ctx, metrics.GetMetricDataInput{
			StartTime: clk.Now().Add(-3 * time.Minute), EndTime: clk.Now(), ScanBy: metrics.ScanByTimestampAscending,
			MetricDataQueries: []metrics.MetricDataQuery{{Id: "m1", MetricStat: &metrics.MetricStat{Metric: latency, Period: 60, Stat: "Maximum"}}},
		}, &out)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("minute", minute, out.MetricDataResults[0].Values)
	}
	// Output:
	// minute 0 [120]
	// minute 1 [120 180]
	// minute 2 [120 180 90]
}
