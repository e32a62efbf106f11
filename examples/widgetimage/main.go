// Command widgetimage draws CloudWatch metric widgets to PNG files, the way
// GetMetricWidgetImage does, from a localwatch stack it fills with a day of
// sample data (namespace "Shop": Latency and Requests by Host, on a daily
// rhythm with a spike), so a widget or dashboard can be tried without AWS.
//
// Usage:
//
//	widgetimage [-o DIR] [FILE]
//
// FILE holds a metric widget's JSON or a dashboard body (its metric widgets
// are drawn, one file each); without it, a sample dashboard is drawn. The
// PNGs are written to DIR (default the current directory) and listed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/dashboards"
	"github.com/localwatch/localwatch/metrics"
)

const sampleDashboard = `{"widgets": [
 {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6, "properties": {
   "title": "Latency by host", "region": "us-east-1", "view": "timeSeries", "stat": "p99", "period": 300, "start": "-PT24H",
   "metrics": [["Shop", "Latency", "Host", "web-1"], [".", ".", ".", "web-2"], [".", ".", ".", "web-3", {"color": "#9467bd"}]],
   "annotations": {"horizontal": [{"value": 250, "label": "p99 SLO", "fill": "above"}]},
   "yAxis": {"left": {"min": 0, "label": "ms"}}}},
 {"type": "metric", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {
   "title": "Requests (stacked)", "region": "us-east-1", "view": "timeSeries", "stacked": true, "stat": "Sum", "period": 900, "start": "-PT24H",
   "metrics": [["Shop", "Requests", "Host", "web-1"], [".", ".", ".", "web-2"], [".", ".", ".", "web-3"]]}},
 {"type": "metric", "x": 0, "y": 6, "width": 6, "height": 6, "properties": {
   "title": "Requests now", "region": "us-east-1", "view": "singleValue", "stat": "Sum", "period": 300,
   "metrics": [["Shop", "Requests", "Host", "web-1"], [".", ".", ".", "web-2"]]}},
 {"type": "metric", "x": 6, "y": 6, "width": 6, "height": 6, "properties": {
   "title": "Share of requests", "region": "us-east-1", "view": "pie", "stat": "Sum", "period": 3600, "setPeriodToTimeRange": true,
   "metrics": [["Shop", "Requests", "Host", "web-1"], [".", ".", ".", "web-2"], [".", ".", ".", "web-3"]]}},
 {"type": "metric", "x": 12, "y": 6, "width": 12, "height": 6, "properties": {
   "title": "Total requests per minute (math)", "region": "us-east-1", "view": "timeSeries", "period": 300, "start": "-PT6H",
   "metrics": [["Shop", "Requests", "Host", "web-1", {"id": "a", "stat": "Sum", "visible": false}],
               [".", ".", ".", "web-2", {"id": "b", "stat": "Sum", "visible": false}],
               [{"expression": "(a + b) / PERIOD(a) * 60", "label": "requests/min", "id": "total"}]]}}
]}`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("widgetimage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("o", ".", "directory for the PNG files")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	input := []byte(sampleDashboard)
	if fs.NArg() > 0 {
		b, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		input = b
	}
	widgets, err := widgetsOf(input)
	if err != nil {
		fmt.Fprintln(stderr, "widgetimage:", err)
		return 2
	}
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(now.Add(-24 * time.Hour))
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
	defer st.Close()
	fill(ctx, st, clk)
	for i, w := range widgets {
		out, err := st.Dashboards.GetMetricWidgetImage(ctx, dashboards.GetMetricWidgetImageInput{MetricWidget: string(w)})
		if err != nil {
			fmt.Fprintf(stderr, "widget %d: %v\n", i, err)
			return 1
		}
		name := filepath.Join(*dir, fmt.Sprintf("widget-%d.png", i))
		if err := os.WriteFile(name, out.MetricWidgetImage, 0o644); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s (%d bytes)\n", name, len(out.MetricWidgetImage))
	}
	return 0
}

// widgetsOf returns the metric widgets of a dashboard body, or the input
// itself when it is one widget.
func widgetsOf(b []byte) ([]json.RawMessage, error) {
	var body struct {
		Widgets []struct {
			Type       string          `json:"type"`
			Width      int             `json:"width"`
			Height     int             `json:"height"`
			Properties json.RawMessage `json:"properties"`
		} `json:"widgets"`
		Metrics json.RawMessage `json:"metrics"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		return nil, fmt.Errorf("the input is not JSON: %w", err)
	}
	if body.Metrics != nil {
		return []json.RawMessage{b}, nil
	}
	var out []json.RawMessage
	for _, w := range body.Widgets {
		if w.Type != "metric" {
			continue
		}
		// A dashboard grid unit is about 50 x 30 pixels at 1200 px wide.
		var props map[string]any
		if err := json.Unmarshal(w.Properties, &props); err != nil {
			return nil, err
		}
		if _, ok := props["width"]; !ok && w.Width > 0 {
			props["width"] = w.Width * 50
		}
		if _, ok := props["height"]; !ok && w.Height > 0 {
			props["height"] = w.Height * 50
		}
		delete(props, "region")
		pb, _ := json.Marshal(props)
		out = append(out, pb)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no metric widget in the input")
	}
	return out, nil
}

// fill publishes a day of one-minute data for three hosts and moves the clock
// to its end.
func fill(ctx context.Context, st *localwatch.Stack, clk *localwatch.ManualClock) {
	start := clk.Now()
	hosts := []string{"web-1", "web-2", "web-3"}
	for m := range 24 * 60 {
		ts := start.Add(time.Duration(m) * time.Minute)
		hour := float64(ts.Hour()) + float64(ts.Minute())/60
		daily := 0.5 + 0.5*math.Sin((hour-9)/24*2*math.Pi)
		var data []metrics.MetricDatum
		for i, h := range hosts {
			lat := 80 + 60*daily + float64(i*15) + 10*math.Sin(float64(m)/7+float64(i))
			if i == 2 && m > 17*60 && m < 17*60+40 {
				lat += 220 // a spike on web-3 in the evening
			}
			req := (200 + 600*daily) * (1 - 0.2*float64(i))
			dims := []metrics.Dimension{{Name: "Host", Value: h}}
			data = append(data,
				metrics.MetricDatum{MetricName: "Latency", Dimensions: dims, Timestamp: ts, Value: metrics.Float(lat), Unit: metrics.UnitMilliseconds},
				metrics.MetricDatum{MetricName: "Requests", Dimensions: dims, Timestamp: ts, Value: metrics.Float(math.Round(req)), Unit: metrics.UnitCount})
		}
		if _, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: data}); err != nil {
			panic(err)
		}
		clk.Advance(time.Minute)
	}
}
