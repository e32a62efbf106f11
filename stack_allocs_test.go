package localwatch_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stackOverheadAllocs is what being on the bus may cost a call that no
// subscriber reads: drawing its request and event IDs (so seeded IDs do not
// depend on who listens) and the event itself.
const stackOverheadAllocs = 8

// TestStackSubscribersPayNothingForEventsTheyIgnore fails when a bus
// subscriber does per-event work on events it ignores (issue 15: Config
// JSON-encoded every call's parameters, and every call built them, making a
// 1,000-datum PutMetricData through the stack 100 times slower than on the
// metrics service). The stack is armed — a logging trail with default
// selectors, Config recording a resource — and the hot data-plane calls must
// allocate what the bare service allocates plus a small constant.
func TestStackSubscribersPayNothingForEventsTheyIgnore(t *testing.T) {
	if raceEnabled {
		// The race detector adds allocations of its own and sync.Pool drops
		// items at random under it, so counts are not comparable; the test
		// runs in the plain go test run.
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	t0 := time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)
	ctx := context.Background()
	clk := localwatch.NewManualClock(t0)
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
	t.Cleanup(st.Close)
	_, err := st.Trail.CreateTrail(ctx, trail.CreateTrailInput{Name: "audit", S3BucketName: "audit-bucket"})
	require.NoError(t, err)
	_, err = st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"})
	require.NoError(t, err)
	_, err = st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:role/config"}})
	require.NoError(t, err)
	_, err = st.Config.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config-bucket"}})
	require.NoError(t, err)
	_, err = st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"})
	require.NoError(t, err)
	require.NoError(t, st.Config.RecordResource(ctx, config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "host-0001", Configuration: `{}`}))

	bareMetrics := metrics.New(metrics.Options{Clock: clk, IDs: localwatch.NewIDSource(1)})
	t.Cleanup(bareMetrics.Close)
	bareLogs := logs.New(logs.Options{Clock: clk, IDs: localwatch.NewIDSource(1)})
	t.Cleanup(bareLogs.Close)
	for _, ls := range []*logs.Service{bareLogs, st.Logs} {
		_, err := ls.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "app"})
		require.NoError(t, err)
		_, err = ls.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "app", LogStreamName: "s"})
		require.NoError(t, err)
	}

	put := putBatch(1000)
	for j := range put.MetricData {
		put.MetricData[j].Timestamp = t0.Add(-time.Minute)
	}
	stats := metrics.GetMetricStatisticsInput{Namespace: "Bench", MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Host", Value: "host-0001"}},
		StartTime: t0.Add(-time.Hour), EndTime: t0, Period: 60, Statistics: []metrics.Statistic{metrics.StatSum, metrics.StatMaximum}}
	events := make([]logs.InputLogEvent, 100)
	for i := range events {
		events[i] = logs.InputLogEvent{Timestamp: t0.Add(-time.Minute).UnixMilli(), Message: fmt.Sprint("line ", i)}
	}
	cases := []struct {
		name string
		call func(ms *metrics.Service, ls *logs.Service)
	}{
		{"PutMetricData of 1,000 datums", func(ms *metrics.Service, _ *logs.Service) {
			_, err := ms.PutMetricData(ctx, put)
			require.NoError(t, err)
		}},
		{"GetMetricStatistics", func(ms *metrics.Service, _ *logs.Service) {
			_, err := ms.GetMetricStatistics(ctx, stats)
			require.NoError(t, err)
		}},
		{"rejected PutMetricData", func(ms *metrics.Service, _ *logs.Service) {
			_, err := ms.PutMetricData(ctx, metrics.PutMetricDataInput{MetricData: put.MetricData})
			require.Error(t, err)
		}},
		{"PutLogEvents of 100 events", func(_ *metrics.Service, ls *logs.Service) {
			_, err := ls.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "app", LogStreamName: "s", LogEvents: events})
			require.NoError(t, err)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bare := testing.AllocsPerRun(20, func() { c.call(bareMetrics, bareLogs) })
			stack := testing.AllocsPerRun(20, func() { c.call(st.Metrics, st.Logs) })
			assert.LessOrEqual(t, stack, bare+stackOverheadAllocs, "bare %v allocations, stack %v", bare, stack)
		})
	}
}
