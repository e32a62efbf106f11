package dashboards_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/dashboards"
	"github.com/localwatch/localwatch/metrics"
)

// Store a dashboard and draw a metric widget, as GetMetricWidgetImage does.
func Example() {
	ctx := context.Background()
	clk := localwatch.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
	defer st.Close()
	for range 30 {
		st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{
			{MetricName: "Orders", Value: metrics.Float(12)}}})
		clk.Advance(time.Minute)
	}
	widget := `{"metrics": [["Shop", "Orders"]], "stat": "Sum", "period": 60, "start": "-PT30M", "title": "Orders"}`
	img, err := st.Dashboards.GetMetricWidgetImage(ctx, dashboards.GetMetricWidgetImageInput{MetricWidget: widget})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q\n", img.MetricWidgetImage[1:4])

	_, err = st.Dashboards.PutDashboard(ctx, dashboards.PutDashboardInput{DashboardName: "shop",
		DashboardBody: `{"widgets": [{"type": "metric", "width": 12, "height": 6, "properties": {"region": "us-east-1", "metrics": [["Shop", "Orders"]]}}]}`})
	fmt.Println(err)
	_, err = st.Dashboards.PutDashboard(ctx, dashboards.PutDashboardInput{DashboardName: "shop", DashboardBody: `{"widgets": [{"type": "text"}]}`})
	fmt.Println(err)
	// Output:
	// "PNG"
	// <nil>
	// InvalidParameterInput: The dashboard body is invalid, there are 1 validation errors: [ { "dataPath": "/widgets/0", "message": "Should have required property 'properties'" } ]
}
