package dashboards

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/graph"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/metrics"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

type rig struct {
	clk *clock.Manual
	m   *metrics.Service
	d   *Service
}

// newRig has CPU data for two instances over the last three hours: i-a at a
// steady 20, i-b at a steady 80, one point a minute.
func newRig(t testing.TB) *rig {
	clk := clock.NewManual(t0.Add(-3 * time.Hour))
	m := metrics.New(metrics.Options{Clock: clk, IDs: ids.New(1)})
	t.Cleanup(m.Close)
	d := New(Options{Clock: clk, IDs: ids.New(2), Metrics: m})
	for i := range 180 {
		ts := t0.Add(time.Duration(i-180) * time.Minute)
		_, err := m.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop/EC2", MetricData: []metrics.MetricDatum{
			{MetricName: "CPUUtilization", Dimensions: []metrics.Dimension{{Name: "InstanceId", Value: "i-a"}}, Timestamp: ts, Value: metrics.Float(20)},
			{MetricName: "CPUUtilization", Dimensions: []metrics.Dimension{{Name: "InstanceId", Value: "i-b"}}, Timestamp: ts, Value: metrics.Float(80)},
		}})
		require.NoError(t, err)
		clk.Advance(time.Minute)
	}
	return &rig{clk: clk, m: m, d: d}
}

const cpuWidget = `{
  "metrics": [
    ["Shop/EC2", "CPUUtilization", "InstanceId", "i-a", {"color": "#1f77b4"}],
    [".", ".", ".", "i-b", {"color": "#d62728", "label": "busy"}]
  ],
  "view": "timeSeries", "stat": "Average", "period": 60, "start": "-PT3H", "end": "P0D",
  "yAxis": {"left": {"min": 0, "max": 100}}, "legend": {"position": "hidden"},
  "title": "CPU", "width": 600, "height": 400
}`

func TestGetMetricWidgetImageDrawsEachSeriesWhereItsValuesLie(t *testing.T) {
	r := newRig(t)
	out, err := r.d.GetMetricWidgetImage(ctx, GetMetricWidgetImageInput{MetricWidget: cpuWidget})
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(out.MetricWidgetImage))
	require.NoError(t, err)
	assert.Equal(t, 600, img.Bounds().Dx())
	assert.Equal(t, 400, img.Bounds().Dy())
	if dir := os.Getenv("GRAPH_DEMO_DIR"); dir != "" {
		_ = os.WriteFile(dir+"/widget.png", out.MetricWidgetImage, 0o644)
	}
	// Find the rows where each colour appears most: blue (20) must lie below
	// red (80), at about the fractions of the plot height the values give.
	rowOf := func(want color.RGBA) int {
		best, bestRow := 0, -1
		for y := 0; y < 400; y++ {
			n := 0
			for x := 0; x < 600; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if absDiff(r>>8, uint32(want.R)) < 40 && absDiff(g>>8, uint32(want.G)) < 40 && absDiff(b>>8, uint32(want.B)) < 40 {
					n++
				}
			}
			if n > best {
				best, bestRow = n, y
			}
		}
		require.Greater(t, best, 300, "a steady series draws a long horizontal line")
		return bestRow
	}
	blue := rowOf(color.RGBA{0x1f, 0x77, 0xb4, 0xff})
	red := rowOf(color.RGBA{0xd6, 0x27, 0x28, 0xff})
	assert.Less(t, red, blue, "80 is drawn above 20")
	// With the axis from 0 to 100, the gap between 20 and 80 is 60% of the
	// plot's height (about 330 px of 400).
	gap := float64(blue-red) / 400
	assert.InDelta(t, 0.5, gap, 0.1)
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestGetMetricWidgetImageViewsAndSVGParity(t *testing.T) {
	r := newRig(t)
	for _, view := range []string{"timeSeries", "singleValue", "gauge", "bar", "pie"} {
		w := strings.Replace(cpuWidget, `"view": "timeSeries"`, `"view": "`+view+`"`, 1)
		out, err := r.d.GetMetricWidgetImage(ctx, GetMetricWidgetImageInput{MetricWidget: w, OutputFormat: "png"})
		require.NoError(t, err, view)
		_, err = png.Decode(bytes.NewReader(out.MetricWidgetImage))
		require.NoError(t, err, view)
	}
}

func TestGetMetricWidgetImageDrawsMathAndAnomalyBands(t *testing.T) {
	r := newRig(t)
	w := `{"metrics": [["Shop/EC2", "CPUUtilization", "InstanceId", "i-a", {"id": "m1", "visible": false}],
	  [{"expression": "m1 * 2", "label": "doubled", "id": "e1"}]], "period": 60, "start": "-PT1H"}`
	out, err := r.d.GetMetricWidgetImage(ctx, GetMetricWidgetImageInput{MetricWidget: w})
	require.NoError(t, err)
	assert.NotEmpty(t, out.MetricWidgetImage)
}

func TestGetMetricWidgetImageRejectsBadWidgets(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct{ name, widget, path string }{
		{"not JSON", `{`, ""},
		{"no metrics", `{"view": "timeSeries"}`, ""},
		{"a metric row without a metric name", `{"metrics": [["Shop/EC2"]]}`, "/metrics/0"},
		{"an odd dimension pair", `{"metrics": [["Shop/EC2", "CPU", "InstanceId"]]}`, "/metrics/0"},
		{"a dot with nothing before it", `{"metrics": [[".", "CPU"]]}`, "/metrics/0/0"},
		{"an unknown view", `{"metrics": [["A", "B"]], "view": "radar"}`, "/view"},
		{"a width over 2000", `{"metrics": [["A", "B"]], "width": 2001}`, "/width"},
		{"a bad start", `{"metrics": [["A", "B"]], "start": "yesterday"}`, "/start"},
		{"a bad colour", `{"metrics": [["A", "B", {"color": "red"}]]}`, "/metrics/0"},
		{"a bad time zone", `{"metrics": [["A", "B"]], "timezone": "Mars"}`, "/timezone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.d.GetMetricWidgetImage(ctx, GetMetricWidgetImageInput{MetricWidget: tc.widget})
			var ie *InvalidInputError
			require.True(t, errors.As(err, &ie), "%v", err)
			assert.ErrorIs(t, err, ErrInvalidParameterInput)
			assert.Equal(t, tc.path, ie.Messages[0].DataPath)
		})
	}
	_, err := r.d.GetMetricWidgetImage(ctx, GetMetricWidgetImageInput{MetricWidget: cpuWidget, OutputFormat: "jpeg"})
	assert.Equal(t, "InvalidParameterValue", awserr.Code(err))
}

func TestDashboardLifecycle(t *testing.T) {
	r := newRig(t)
	body := `{"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
	  "properties": {"metrics": [["Shop/EC2", "CPUUtilization", "InstanceId", "i-a"]], "region": "us-east-1", "title": "CPU"}},
	  {"type": "text", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {"markdown": "# Hello"}}]}`
	out, err := r.d.PutDashboard(ctx, PutDashboardInput{DashboardName: "ops-main", DashboardBody: body})
	require.NoError(t, err)
	assert.Empty(t, out.DashboardValidationMessages)
	g, err := r.d.GetDashboard(ctx, GetDashboardInput{DashboardName: "ops-main"})
	require.NoError(t, err)
	assert.Equal(t, body, g.DashboardBody)
	assert.Equal(t, "arn:aws:cloudwatch::123456789012:dashboard/ops-main", g.DashboardArn)
	for i := range 3 {
		_, err := r.d.PutDashboard(ctx, PutDashboardInput{DashboardName: fmt.Sprintf("team-%d", i), DashboardBody: body})
		require.NoError(t, err)
	}
	l, err := r.d.ListDashboards(ctx, ListDashboardsInput{DashboardNamePrefix: "team-"})
	require.NoError(t, err)
	require.Len(t, l.DashboardEntries, 3)
	assert.Equal(t, "team-0", l.DashboardEntries[0].DashboardName)
	assert.Equal(t, int64(len(body)), l.DashboardEntries[0].Size)
	assert.Equal(t, r.clk.Now(), l.DashboardEntries[0].LastModified)

	_, err = r.d.DeleteDashboards(ctx, DeleteDashboardsInput{DashboardNames: []string{"team-0", "nope"}})
	assert.Equal(t, "ResourceNotFound", awserr.Code(err))
	l, _ = r.d.ListDashboards(ctx, ListDashboardsInput{})
	assert.Len(t, l.DashboardEntries, 4, "a failed DeleteDashboards deletes nothing")
	_, err = r.d.DeleteDashboards(ctx, DeleteDashboardsInput{DashboardNames: []string{"team-0", "team-1"}})
	require.NoError(t, err)
	_, err = r.d.GetDashboard(ctx, GetDashboardInput{DashboardName: "team-0"})
	assert.Equal(t, "ResourceNotFound", awserr.Code(err))
	var ae *awserr.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 404, ae.HTTPStatus())
}

func TestPutDashboardValidation(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		name, body string
		want       ValidationMessage
	}{
		{"the body must be JSON", `{"widgets": [`, ValidationMessage{"", "The dashboard body is not valid JSON"}},
		{"widgets is required", `{}`, ValidationMessage{"", "Should have required property 'widgets'"}},
		{"widgets is an array", `{"widgets": {}}`, ValidationMessage{"/widgets", "Should be array"}},
		{"a widget needs a type", `{"widgets": [{"properties": {}}]}`, ValidationMessage{"/widgets/0", "Should have required property 'type'"}},
		{"an unknown widget type", `{"widgets": [{"type": "chart", "properties": {}}]}`, ValidationMessage{"/widgets/0/type", "Should be equal to one of the allowed values: metric, text, alarm, log, explorer, custom"}},
		{"width is at most 24", `{"widgets": [{"type": "text", "width": 25, "properties": {"markdown": "x"}}]}`, ValidationMessage{"/widgets/0/width", "Should be <= 24"}},
		{"x is an integer", `{"widgets": [{"type": "text", "x": 1.5, "properties": {"markdown": "x"}}]}`, ValidationMessage{"/widgets/0/x", "Should be integer"}},
		{"a metric widget needs a region", `{"widgets": [{"type": "metric", "properties": {"metrics": [["A", "B"]]}}]}`, ValidationMessage{"/widgets/0/properties", "Should have required property 'region'"}},
		{"a metric widget needs metrics", `{"widgets": [{"type": "metric", "properties": {"region": "us-east-1"}}]}`, ValidationMessage{"/widgets/0/properties", "Should have required property 'metrics'"}},
		{"metric rows are checked", `{"widgets": [{"type": "metric", "properties": {"region": "us-east-1", "metrics": [["A"]]}}]}`, ValidationMessage{"/widgets/0/properties/metrics/0", "Should NOT have fewer than 2 items"}},
		{"a text widget needs markdown", `{"widgets": [{"type": "text", "properties": {}}]}`, ValidationMessage{"/widgets/0/properties", "Should have required property 'markdown'"}},
		{"a log widget needs a query", `{"widgets": [{"type": "log", "properties": {"region": "us-east-1"}}]}`, ValidationMessage{"/widgets/0/properties", "Should have required property 'query'"}},
		{"an alarm widget needs alarms", `{"widgets": [{"type": "alarm", "properties": {}}]}`, ValidationMessage{"/widgets/0/properties", "Should have required property 'alarms'"}},
		{"periodOverride is auto or inherit", `{"widgets": [], "periodOverride": "never"}`, ValidationMessage{"/periodOverride", "Should be equal to one of the allowed values: auto, inherit"}},
		{"no unknown top-level properties", `{"widgets": [], "colour": 1}`, ValidationMessage{"", "Should NOT have additional properties: 'colour'"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.d.PutDashboard(ctx, PutDashboardInput{DashboardName: "d", DashboardBody: tc.body})
			var ie *InvalidInputError
			require.True(t, errors.As(err, &ie), "%v", err)
			assert.Equal(t, "InvalidParameterInput", awserr.Code(err))
			assert.Contains(t, ie.Messages, tc.want)
			assert.Contains(t, err.Error(), "The dashboard body is invalid, there are")
			_, err = r.d.GetDashboard(ctx, GetDashboardInput{DashboardName: "d"})
			assert.Equal(t, "ResourceNotFound", awserr.Code(err), "a rejected body is not stored")
		})
	}
	_, err := r.d.PutDashboard(ctx, PutDashboardInput{DashboardName: "bad name!", DashboardBody: `{"widgets": []}`})
	assert.Equal(t, "InvalidParameterValue", awserr.Code(err))
}

func FuzzMetricWidget(f *testing.F) {
	f.Add(cpuWidget)
	f.Add(`{"metrics": [[{"expression": "SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average', 300)", "id": "e1"}]], "view": "bar", "stacked": true}`)
	f.Add(`{"metrics": [["A", "B", {"yAxis": "right"}]], "annotations": {"horizontal": [{"value": 5, "fill": "above"}, [{"value": 1}, {"value": 2}]], "vertical": [{"value": "-PT1H", "fill": "after"}]}}`)
	r := newRig(f)
	f.Fuzz(func(t *testing.T, widget string) {
		_, err := r.d.GetMetricWidgetImage(ctx, GetMetricWidgetImageInput{MetricWidget: widget})
		if err != nil && awserr.Code(err) == "" {
			t.Fatalf("untyped error %T: %v", err, err)
		}
		_, err = r.d.PutDashboard(ctx, PutDashboardInput{DashboardName: "f", DashboardBody: `{"widgets": [{"type": "metric", "properties": ` + widget + `}]}`})
		if err != nil && awserr.Code(err) == "" {
			t.Fatalf("untyped error %T: %v", err, err)
		}
	})
}

// BenchmarkWidgetImage is the target: a 600x400 PNG of 10 series x
// 1,440 points (graph alone, and through GetMetricWidgetImage with the data
// read from metrics), and a dashboard of 12 such widgets.
func BenchmarkWidgetImage(b *testing.B) {
	series := make([]graph.Series, 10)
	for i := range series {
		for j := range 1440 {
			series[i].Times = append(series[i].Times, t0.Add(time.Duration(j)*time.Minute))
			series[i].Values = append(series[i].Values, float64(i*10+j%37))
		}
		series[i].Label = fmt.Sprintf("series %d", i)
	}
	b.Run("render-10x1440", func(b *testing.B) {
		for range b.N {
			var buf bytes.Buffer
			if err := graph.Render(&buf, series, graph.Options{Width: 600, Height: 400, Title: "bench"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	clk := clock.NewManual(t0)
	m := metrics.New(metrics.Options{Clock: clk, IDs: ids.New(1)})
	defer m.Close()
	for j := range 1440 {
		ts := t0.Add(time.Duration(j-1440) * time.Minute)
		var data []metrics.MetricDatum
		for i := range 10 {
			data = append(data, metrics.MetricDatum{MetricName: "Load", Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprint("h", i)}}, Timestamp: ts, Value: metrics.Float(float64(i*10 + j%37))})
		}
		if _, err := m.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Bench", MetricData: data}); err != nil {
			b.Fatal(err)
		}
	}
	d := New(Options{Clock: clk, Metrics: m})
	var rows []string
	for i := range 10 {
		rows = append(rows, fmt.Sprintf(`["Bench", "Load", "Host", "h%d"]`, i))
	}
	widget := `{"metrics": [` + strings.Join(rows, ",") + `], "period": 60, "start": "-PT24H", "width": 600, "height": 400}`
	b.Run("GetMetricWidgetImage-10x1440", func(b *testing.B) {
		for range b.N {
			if _, err := d.GetMetricWidgetImage(ctx, GetMetricWidgetImageInput{MetricWidget: widget}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dashboard-12-widgets", func(b *testing.B) {
		for range b.N {
			for range 12 {
				if _, err := d.GetMetricWidgetImage(ctx, GetMetricWidgetImageInput{MetricWidget: widget}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
