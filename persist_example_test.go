package localwatch_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/metrics"
)

// An account with a DataDir keeps its state across restarts: every call is
// journaled in the directory before it returns, and the next account built
// on the directory replays the journal.
func Example_dataDir() {
	dir, err := os.MkdirTemp("", "localwatch-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	ctx := context.Background()

	acct, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(t0), DataDir: dir})
	if err != nil {
		panic(err)
	}
	_, err = acct.Region("us-east-1").Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop",
		MetricData: []metrics.MetricDatum{{MetricName: "Orders", Value: metrics.Float(3)}}})
	if err != nil {
		panic(err)
	}
	acct.Close()

	// Later, maybe in another process: the same directory, the same state.
	acct, err = localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(t0), DataDir: dir})
	if err != nil {
		panic(err)
	}
	defer acct.Close()
	out, err := acct.Region("us-east-1").Metrics.ListMetrics(ctx, metrics.ListMetricsInput{Namespace: "Shop"})
	if err != nil {
		panic(err)
	}
	for _, m := range out.Metrics {
		fmt.Println(m.Namespace, m.MetricName)
	}
	// Output: Shop Orders
}
