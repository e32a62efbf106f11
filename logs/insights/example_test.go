package insights_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/localwatch/localwatch/logs/insights"
)

// Compile a Logs Insights query once and run it over events from anywhere.
func Example() {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	events := []insights.Event{
		{Timestamp: t0, Message: `{"status": 500, "latency": 1200, "path": "/cart"}`},
		{Timestamp: t0 + 60_000, Message: `{"status": 200, "latency": 40, "path": "/cart"}`},
		{Timestamp: t0 + 360_000, Message: `{"status": 500, "latency": 1800, "path": "/pay"}`},
	}
	q, err := insights.Compile(`filter status = 500 and latency > 1000 | stats count(*) as errors, max(latency) by bin(5m)`)
	if err != nil {
		panic(err)
	}
	res := q.Run(slices.Values(events))
	for _, row := range res.Rows {
		fmt.Println(row)
	}
	fmt.Println(res.Statistics.RecordsMatched, "of", res.Statistics.RecordsScanned, "events matched")

	_, err = insights.Compile(`stats count(*) by bin(5x)`)
	fmt.Println(err)
	// Output:
	// [{bin(5m) 2026-03-01 10:00:00.000} {errors 1} {max(latency) 1200}]
	// [{bin(5m) 2026-03-01 10:05:00.000} {errors 1} {max(latency) 1800}]
	// 2 of 3 events matched
	// MalformedQueryException: invalid time period "5x" at line 1 and position 23: the unit must be one of ms, s, m, h, d, w, mo, q, y
}
