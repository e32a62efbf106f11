package metrics_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/metrics"
)

// An anomaly detection model for a metric with a daily pattern (busy by day,
// quiet at night), and the band ANOMALY_DETECTION_BAND draws around it: the
// usual value is inside, a spike is above.
func ExampleService_PutAnomalyDetector() {
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)
	svc := metrics.New(metrics.Options{Clock: clk})
	defer svc.Close()
	ctx := context.Background()

	orders := metrics.Metric{Namespace: "Shop", MetricName: "Orders"}
	_, err := svc.PutAnomalyDetector(ctx, metrics.PutAnomalyDetectorInput{
		SingleMetricAnomalyDetector: &metrics.SingleMetricAnomalyDetector{Namespace: "Shop", MetricName: "Orders", Stat: "Sum"},
	})
	if err != nil {
		panic(err)
	}
	// A week and ten hours of hourly data: 100 orders an hour by day, 20 at
	// night, with a little variation.
	for h := range 7*24 + 10 {
		at := start.Add(time.Duration(h) * time.Hour)
		v := 20.0
		if at.Hour() >= 8 && at.Hour() < 20 {
			v = 100
		}
		v += float64(h%5) - 2
		clk.Set(at.Add(time.Minute))
		if _, err := svc.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{
			{MetricName: "Orders", Timestamp: at, Value: metrics.Float(v)}}}); err != nil {
			panic(err)
		}
	}
	// The next day at 10:00: a spike of 300 orders.
	spike := start.Add(7*24*time.Hour + 10*time.Hour)
	clk.Set(spike.Add(time.Hour))
	if _, err := svc.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{
		{MetricName: "Orders", Timestamp: spike, Value: metrics.Float(300)}}}); err != nil {
		panic(err)
	}

	out, err := svc.GetMetricData(ctx, metrics.GetMetricDataInput{
		StartTime: spike.Add(-2 * time.Hour), EndTime: spike.Add(time.Hour), ScanBy: metrics.ScanByTimestampAscending,
		MetricDataQueries: []metrics.MetricDataQuery{
			{Id: "m1", MetricStat: &metrics.MetricStat{Metric: orders, Period: 3600, Stat: "Sum"}},
			{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)"},
		},
	})
	if err != nil {
		panic(err)
	}
	m1, lo, hi := out.MetricDataResults[0], out.MetricDataResults[1], out.MetricDataResults[2]
	fmt.Printf("%s, %s\n", lo.Label, hi.Label)
	for i, ts := range lo.Timestamps {
		v := m1.Values[i]
		verdict := "normal"
		if v < lo.Values[i] || v > hi.Values[i] {
			verdict = "anomalous"
		}
		fmt.Printf("%s %.0f in %.0f..%.0f: %s\n", ts.Format("15:04"), v, lo.Values[i], hi.Values[i], verdict)
	}
	d, err := svc.DescribeAnomalyDetectors(ctx, metrics.DescribeAnomalyDetectorsInput{Namespace: "Shop"})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.AnomalyDetectors[0].MetricName, d.AnomalyDetectors[0].Stat, d.AnomalyDetectors[0].StateValue)
	// Output:
	// Orders Lower, Orders Upper
	// 08:00 99 in 97..104: normal
	// 09:00 100 in 98..105: normal
	// 10:00 300 in 96..102: anomalous
	// Orders Sum TRAINED
}
