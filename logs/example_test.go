package logs_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
)

// A service on a manual clock: write events, search them with a filter pattern,
// and count errors with a metric filter whose data arrives on the bus.
func Example() {
	ctx := context.Background()
	clk := localwatch.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	b := new(localwatch.Bus)
	localwatch.Subscribe(b, "print", func(_ context.Context, d metrics.DataEvent) error {
		for _, m := range d.Input.MetricData {
			fmt.Printf("metric %s/%s at %s: sum %g of %g samples\n", d.Input.Namespace, m.MetricName,
				m.Timestamp.Format("15:04"), m.StatisticValues.Sum, m.StatisticValues.SampleCount)
		}
		return nil
	})
	s := logs.New(logs.Options{Clock: clk, Bus: b})
	defer s.Close()

	_, _ = s.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "/app/web"})
	_, _ = s.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "/app/web", LogStreamName: "i-1"})
	_, _ = s.PutMetricFilter(ctx, logs.PutMetricFilterInput{
		LogGroupName: "/app/web", FilterName: "server-errors", FilterPattern: "{ $.status >= 500 }",
		MetricTransformations: []logs.MetricTransformation{{MetricName: "ServerErrors", MetricNamespace: "Web", MetricValue: "1", DefaultValue: metrics.Float(0)}},
	})
	now := clk.Now().UnixMilli()
	out, err := s.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "/app/web", LogStreamName: "i-1", LogEvents: []logs.InputLogEvent{
		{Timestamp: now - 3000, Message: `{"status": 200, "path": "/"}`},
		{Timestamp: now - 2000, Message: `{"status": 503, "path": "/api"}`},
		{Timestamp: now - 1000, Message: `{"status": 500, "path": "/api"}`},
		{Timestamp: now + 3*3600*1000, Message: `{"status": 200, "path": "/future"}`},
	}})
	if err != nil {
		panic(err)
	}
	fmt.Println("too new from index", *out.RejectedLogEventsInfo.TooNewLogEventStartIndex)

	found, _ := s.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "/app/web", FilterPattern: `{ $.path = "/api" && $.status != 503 }`})
	for _, e := range found.Events {
		fmt.Println("found", e.Message)
	}
	_, err = s.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "/app/web", FilterPattern: `{ $.status = }`})
	fmt.Println(err)

	clk.Advance(time.Minute) // metric filter data is published each minute
	// Output:
	// too new from index 3
	// found {"status": 500, "path": "/api"}
	// InvalidParameterException: Invalid filter pattern "{ $.status = }": a value is missing after the operator (at position 13)
	// metric Web/ServerErrors at 11:59: sum 2 of 3 samples
}
