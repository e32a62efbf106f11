package dashboards_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/dashboards"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/trail"
)

func TestMetricWidgetSVGDrawsWhatGetMetricWidgetImageDraws(t *testing.T) {
	ctx := context.Background()
	clk := localwatch.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
	defer st.Close()
	for range 30 {
		_, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{{MetricName: "Orders", Value: metrics.Float(12)}}})
		require.NoError(t, err)
		clk.Advance(time.Minute)
	}
	widget := `{"metrics": [["Shop", "Orders"]], "stat": "Sum", "period": 60, "start": "-PT30M", "title": "Orders <today>"}`
	svg, err := st.Dashboards.MetricWidgetSVG(ctx, widget)
	require.NoError(t, err)
	assert.Contains(t, string(svg), "<svg")
	assert.Contains(t, string(svg), "Orders &lt;today&gt;", "texts are escaped")

	t.Run("an invalid widget answers GetMetricWidgetImage's error", func(t *testing.T) {
		for _, w := range []string{`{`, `{"metrics": []}`, ``} {
			_, svgErr := st.Dashboards.MetricWidgetSVG(ctx, w)
			_, pngErr := st.Dashboards.GetMetricWidgetImage(ctx, dashboards.GetMetricWidgetImageInput{MetricWidget: w})
			require.Error(t, svgErr, w)
			var a, b *localwatch.Error
			require.True(t, errors.As(svgErr, &a) && errors.As(pngErr, &b), w)
			assert.Equal(t, b.Code, a.Code, w)
		}
	})
	t.Run("it records no API call", func(t *testing.T) {
		out, err := st.Trail.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: trail.LookupEventName, AttributeValue: "GetMetricWidgetImage"}}})
		require.NoError(t, err)
		for _, e := range out.Events {
			assert.False(t, strings.Contains(e.CloudTrailEvent, "svg"), "MetricWidgetSVG was recorded")
		}
		assert.Len(t, out.Events, 3, "only the three GetMetricWidgetImage calls")
	})
	t.Run("after Close it answers the closed error", func(t *testing.T) {
		st.Close()
		_, err := st.Dashboards.MetricWidgetSVG(ctx, widget)
		assert.Error(t, err)
	})
}
