package localwatch_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16: "a stress test with concurrent writers on every service while
// the clock runs, counting what was written against what is read back".
//
// TestConcurrentWritersLoseNothing runs writers on every service at once
// on the default LoopClock while Run drives the scheduled work (metric
// filters flushed every millisecond on the loop, readers polling every
// service), then counts: metric datapoints, log events, the metric-filter
// values derived from them, CloudTrail events in LookupEvents, SNS
// deliveries to a queue, Config items and alarms. It runs under -race at a
// small scale (-short).
func TestConcurrentWritersLoseNothing(t *testing.T) {
	writers, perWriter := 4, 60
	if testing.Short() {
		writers, perWriter = 3, 25
	}
	st := localwatch.New(localwatch.Options{IDSeed: 3})
	defer st.Close()
	ctx := context.Background()
	runCtx, stopRun := context.WithCancel(ctx)
	runDone := make(chan error, 1)
	go func() { runDone <- st.Run(runCtx) }()

	// Set up: a log group with a metric filter counting every event, a
	// topic with a raw queue subscriber, a running Config recorder.
	_, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "stress"})
	require.NoError(t, err)
	_, err = st.Logs.PutMetricFilter(ctx, logs.PutMetricFilterInput{LogGroupName: "stress", FilterName: "all", FilterPattern: "",
		MetricTransformations: []logs.MetricTransformation{{MetricName: "Lines", MetricNamespace: "Stress", MetricValue: "1"}}})
	require.NoError(t, err)
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "stress"})
	require.NoError(t, err)
	queue, err := st.SNS.CreateQueue("stress-inbox")
	require.NoError(t, err)
	qarn := queue.ARN()
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn,
		Attributes: map[string]string{"RawMessageDelivery": "true"}})
	require.NoError(t, err)
	_, err = st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{
		RoleARN: "arn:aws:iam::123456789012:role/config"}})
	require.NoError(t, err)
	_, err = st.Config.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config-bucket"}})
	require.NoError(t, err)
	_, err = st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"})
	require.NoError(t, err)

	// Scheduled work on the loop while the writers write: the metric
	// filters' flush, and readers of every service.
	var ticks atomic.Int64
	flushes := clock.EveryNamed(st.Clock, "stress: flush and read", time.Millisecond, func(time.Time) {
		ticks.Add(1)
		st.Logs.FlushMetrics(ctx)
		_, _ = st.Metrics.ListMetrics(ctx, metrics.ListMetricsInput{Namespace: "Stress"})
		_, _ = st.Alarms.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{})
		_, _ = st.Trail.LookupEvents(ctx, trail.LookupEventsInput{MaxResults: int32p(5)})
		_, _ = st.Config.ListDiscoveredResources(ctx, config.ListDiscoveredResourcesInput{ResourceType: "MyCorp::Stress::Item", Limit: config.Int32(5)})
	})

	// Each writer writes at least perWriter times and goes on until the
	// loop has run its scheduled work a few times alongside (at most 20
	// times perWriter), counting what it wrote.
	var wg sync.WaitGroup
	errs := make(chan error, writers*8)
	var mu sync.Mutex
	written := map[string][]int{}
	write := func(name string, f func(w, i int) error) {
		written[name] = make([]int, writers)
		for w := range writers {
			wg.Go(func() {
				i := 0
				for ; i < perWriter || (ticks.Load() < 10 && i < 20*perWriter); i++ {
					if err := f(w, i); err != nil {
						errs <- fmt.Errorf("%s writer %d call %d: %w", name, w, i, err)
						break
					}
				}
				mu.Lock()
				written[name][w] = i
				mu.Unlock()
			})
		}
	}
	total := func(name string) int {
		n := 0
		for _, c := range written[name] {
			n += c
		}
		return n
	}
	write("metrics", func(w, i int) error {
		_, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Stress", MetricData: []metrics.MetricDatum{{
			MetricName: fmt.Sprintf("W%d", w), Value: metrics.Float(1), Timestamp: time.Now()}}})
		return err
	})
	write("logs", func(w, i int) error {
		stream := fmt.Sprintf("w%d", w)
		if i == 0 {
			if _, err := st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "stress", LogStreamName: stream}); err != nil {
				return err
			}
		}
		_, err := st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "stress", LogStreamName: stream,
			LogEvents: []logs.InputLogEvent{{Timestamp: time.Now().UnixMilli(), Message: fmt.Sprintf("line %d of %d", i, w)}}})
		return err
	})
	write("trail", func(w, i int) error {
		_, err := st.Trail.RecordEvent(ctx, trail.RecordEventInput{EventSource: "stress.example.com", EventName: fmt.Sprintf("Write%d", w),
			RequestParameters: map[string]any{"i": i}})
		return err
	})
	write("sns", func(w, i int) error {
		_, err := st.SNS.Publish(ctx, sns.PublishInput{TopicArn: topic.TopicArn, Message: fmt.Sprintf("message %d of %d", i, w)})
		return err
	})
	write("config", func(w, i int) error {
		_, err := st.Config.PutResourceConfig(ctx, config.PutResourceConfigInput{ResourceType: "MyCorp::Stress::Item", SchemaVersionID: "1",
			ResourceID: fmt.Sprintf("item-%d-%d", w, i), Configuration: fmt.Sprintf(`{"i":%d}`, i)})
		return err
	})
	write("alarms", func(w, i int) error {
		name := fmt.Sprintf("alarm-%d-%d", w, i%5)
		if _, err := st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: name, Namespace: "Stress", MetricName: fmt.Sprintf("W%d", w),
			Statistic: metrics.StatSum, Period: 60, EvaluationPeriods: 1, Threshold: metrics.Float(1e9),
			ComparisonOperator: alarms.GreaterThanThreshold, AlarmActions: []string{topic.TopicArn}}); err != nil {
			return err
		}
		_, err := st.Alarms.SetAlarmState(ctx, alarms.SetAlarmStateInput{AlarmName: name, StateValue: alarms.StateOK, StateReason: "stress"})
		return err
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	flushes.Stop()
	t.Logf("%d writers per service, %v writes, %d runs of the loop's scheduled work alongside", writers, written, ticks.Load())

	// Metrics: every datapoint of every writer.
	for w := range writers {
		out, err := st.Metrics.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{Namespace: "Stress", MetricName: fmt.Sprintf("W%d", w),
			StartTime: time.Now().Add(-time.Hour), EndTime: time.Now().Add(time.Hour), Period: 60, Statistics: []metrics.Statistic{metrics.StatSampleCount}})
		require.NoError(t, err)
		assert.Equal(t, float64(written["metrics"][w]), sampleCount(out.Datapoints), "metric W%d", w)
	}
	// Logs: every event, and the metric filter counted every one of them
	// once all minutes are flushed.
	events := 0
	for ev, err := range st.Logs.FilterLogEventsAll(ctx, logs.FilterLogEventsInput{LogGroupName: "stress"}) {
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(ev.Message, "line "))
		events++
	}
	assert.Equal(t, total("logs"), events, "log events")
	st.Logs.FlushMetrics(ctx)
	lines, err := st.Metrics.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{Namespace: "Stress", MetricName: "Lines",
		StartTime: time.Now().Add(-time.Hour), EndTime: time.Now().Add(time.Hour), Period: 60, Statistics: []metrics.Statistic{metrics.StatSum}})
	require.NoError(t, err)
	assert.Equal(t, float64(total("logs")), sum(lines.Datapoints), "metric-filter values")
	// CloudTrail: every recorded event in the event history.
	for w := range writers {
		n := 0
		for _, err := range st.Trail.LookupEventsAll(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{
			{AttributeKey: "EventName", AttributeValue: fmt.Sprintf("Write%d", w)}}}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, written["trail"][w], n, "trail events of writer %d", w)
	}
	// SNS: every message reaches the queue (delivery may run on workers:
	// wait for it to settle).
	deadline := time.Now().Add(30 * time.Second)
	for queue.Len() < total("sns") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	assert.Equal(t, total("sns"), queue.Len(), "SNS deliveries to the queue")
	// Config: every item.
	items, token := 0, ""
	for {
		out, err := st.Config.ListDiscoveredResources(ctx, config.ListDiscoveredResourcesInput{ResourceType: "MyCorp::Stress::Item", Limit: config.Int32(100), NextToken: token})
		require.NoError(t, err)
		items += len(out.ResourceIdentifiers)
		if token = out.NextToken; token == "" {
			break
		}
	}
	assert.Equal(t, total("config"), items, "Config items")
	// Alarms: five per writer, each last set to OK.
	n := 0
	for page, err := range st.Alarms.DescribeAlarmsAll(ctx, alarms.DescribeAlarmsInput{AlarmNamePrefix: "alarm-"}) {
		require.NoError(t, err)
		for _, a := range page.MetricAlarms {
			n++
			assert.Equal(t, alarms.StateOK, a.StateValue, a.AlarmName)
		}
	}
	assert.Equal(t, writers*5, n, "alarms")

	stopRun()
	require.ErrorIs(t, <-runDone, context.Canceled)
}

func int32p(v int32) *int32 { return &v }

func sampleCount(dps []metrics.Datapoint) float64 {
	n := 0.0
	for _, d := range dps {
		if d.SampleCount != nil {
			n += *d.SampleCount
		}
	}
	return n
}

func sum(dps []metrics.Datapoint) float64 {
	n := 0.0
	for _, d := range dps {
		if d.Sum != nil {
			n += *d.Sum
		}
	}
	return n
}
