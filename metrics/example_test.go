package metrics_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/metrics"
)

func Example() {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)
	svc := metrics.New(metrics.Options{Clock: clk})
	defer svc.Close()
	ctx := context.Background()

	// One high-resolution datum a second for two minutes.
	var data []metrics.MetricDatum
	for i := 0; i < 120; i++ {
		data = append(data, metrics.MetricDatum{
			MetricName:        "Latency",
			Dimensions:        []metrics.Dimension{{Name: "Host", Value: "web-1"}},
			Timestamp:         start.Add(time.Duration(i) * time.Second),
			Value:             metrics.Float(float64(10 + i%60)),
			Unit:              metrics.UnitMilliseconds,
			StorageResolution: 1,
		})
	}
	if _, err := svc.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "MyApp", MetricData: data}); err != nil {
		fmt.Println(err)
		return
	}
	clk.Advance(5 * time.Minute)

	out, err := svc.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{
		Namespace:  "MyApp",
		MetricName: "Latency",
		Dimensions: []metrics.Dimension{{Name: "Host", Value: "web-1"}},
		StartTime:  start,
		EndTime:    start.Add(5 * time.Minute),
		Period:     60,
		Statistics: []metrics.Statistic{metrics.StatAverage, metrics.StatMaximum, metrics.StatSampleCount},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range out.Datapoints {
		fmt.Printf("%s n=%v avg=%v max=%v %s\n", d.Timestamp.Format("15:04"), *d.SampleCount, *d.Average, *d.Maximum, d.Unit)
	}

	p, _ := svc.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{
		Namespace: "MyApp", MetricName: "Latency",
		Dimensions: []metrics.Dimension{{Name: "Host", Value: "web-1"}},
		StartTime:  start, EndTime: start.Add(2 * time.Minute), Period: 120,
		ExtendedStatistics: []string{"p90", "TM(10%:90%)"},
	})
	p90, _ := p.Datapoints[0].ExtendedStatistics.Get("p90")
	tm, _ := p.Datapoints[0].ExtendedStatistics.Get("TM(10%:90%)")
	fmt.Println(p90, tm)

	_, err = svc.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "AWS/EC2", MetricData: data[:1]})
	fmt.Println(err)
	// Output:
	// 12:00 n=60 avg=39.5 max=69 Milliseconds
	// 12:01 n=60 avg=39.5 max=69 Milliseconds
	// 63 39.5
	// InvalidParameterValue: The value 'AWS/EC2' for parameter Namespace is invalid: the AWS/ namespace prefix is reserved for AWS services
}
