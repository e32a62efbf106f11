package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/console"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/trail"
)

// The scale: 1,000 alarms, 10,000 metrics, 1,000,000 log events and
// 100,000 trail events, built once for every benchmark.
var (
	bigOnce    sync.Once
	bigHandler http.Handler
	bigErr     error
)

func bigStack(b *testing.B) http.Handler {
	bigOnce.Do(func() {
		clk := localwatch.NewManualClock(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
		st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
		ctx := context.Background()
		fail := func(err error) bool {
			if err != nil && bigErr == nil {
				bigErr = err
			}
			return err != nil
		}
		// 10,000 metrics (100 names x 100 hosts), 3 hours of data at 1-minute
		// resolution for the first 1,000 of them.
		for m := range 180 {
			for batch := range 10 {
				var data []metrics.MetricDatum
				for i := range 1000 {
					n := batch*1000 + i
					if m > 0 && n >= 1000 {
						break
					}
					v := float64(n%97 + m%13)
					data = append(data, metrics.MetricDatum{MetricName: fmt.Sprintf("metric-%02d", n%100), Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("host-%03d", n/100)}}, Value: &v})
				}
				if len(data) > 0 && fail(func() error {
					_, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Big", MetricData: data})
					return err
				}()) {
					return
				}
			}
			clk.Advance(time.Minute)
		}
		// 1,000 alarms on those metrics.
		for i := range 1000 {
			th := 50.0
			if _, err := st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: fmt.Sprintf("alarm-%04d", i), Namespace: "Big",
				MetricName: fmt.Sprintf("metric-%02d", i%100), Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("host-%03d", i/100)}},
				Statistic: "Average", Period: 60, EvaluationPeriods: 1, Threshold: &th, ComparisonOperator: alarms.GreaterThanThreshold}); fail(err) {
				return
			}
		}
		clk.Advance(5 * time.Minute)
		// 1,000,000 log events in 100 batches over the last 3 hours.
		if _, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "big"}); fail(err) {
			return
		}
		if _, err := st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "big", LogStreamName: "s"}); fail(err) {
			return
		}
		now := clk.Now().UnixMilli()
		for batch := range 100 {
			evs := make([]logs.InputLogEvent, 10000)
			for i := range evs {
				n := batch*10000 + i
				msg := "INFO request served"
				if n%1000 == 0 {
					msg = "ERROR request failed"
				}
				evs[i] = logs.InputLogEvent{Timestamp: now - 3*3600*1000 + int64(n)*10, Message: msg}
			}
			if _, err := st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "big", LogStreamName: "s", LogEvents: evs}); fail(err) {
				return
			}
		}
		// 100,000 trail events.
		for i := range 100000 - 2000 {
			if _, err := st.Trail.RecordEvent(ctx, trail.RecordEventInput{EventSource: "app.example.com", EventName: fmt.Sprintf("Op%d", i%20)}); fail(err) {
				return
			}
		}
		bigHandler = console.New(st.Account(), console.Options{})
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigHandler
}

// BenchmarkPages renders each page of the console over the large
// stack (target: under 100 ms each).
func BenchmarkPages(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a large stack")
	}
	h := bigStack(b)
	pages := []struct{ name, path string }{
		{"alarms", "/alarms"},
		{"alarm", "/alarms/alarm-0042"},
		{"metrics", "/metrics"},
		{"namespace", "/metrics?ns=Big"},
		{"metricgraph", "/metrics/graph?ns=Big&name=metric-42&dim=Host%3Dhost-000&period=60"},
		{"loggroups", "/logs"},
		{"logevents", "/logs/events?group=big&range=15m"},
		{"logfilter", "/logs/events?group=big&filter=ERROR&range=3h"},
		{"trail", "/trail"},
		{"trailfilter", "/trail?key=EventName&value=" + url.QueryEscape("Op7")},
		{"sns", "/sns"},
		{"config", "/config"},
		{"dashboards", "/dashboards"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d %s", p.path, rec.Code, rec.Body.String()[:min(rec.Body.Len(), 500)])
				}
			}
		})
	}
}
