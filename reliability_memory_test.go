package localwatch_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/require"
)

// sinkStore is an object store that keeps nothing (it counts what it is
// given): the files delivered to S3 are the application's to keep, so they
// must not count as the stack's memory.
type sinkStore struct{ puts, bytes atomic.Int64 }

func (s *sinkStore) Put(_ context.Context, obj objstore.Object) error {
	s.puts.Add(1)
	s.bytes.Add(int64(len(obj.Body)))
	return nil
}

func (s *sinkStore) Get(_ context.Context, bucket, key string) (objstore.Object, error) {
	return objstore.Object{}, fmt.Errorf("sink %s/%s: %w", bucket, key, objstore.ErrNotFound)
}

func (s *sinkStore) List(context.Context, string, string) ([]string, error) { return nil, nil }
func (s *sinkStore) Delete(context.Context, string, string) error           { return nil }

// heapAfterGC is the live heap, in bytes, after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Issue 16 item 4: "Memory must be bounded by what retention keeps: measure
// heap after GC over 30 simulated days of every service and keep the test."
//
// TestHeapPlateausOverThirtyDays runs 30 simulated days of a workload on the
// manual clock and measures the heap after GC at the end of each day, once
// per service (a stack where only that service is busy, so a failure names
// its service) and once with every service busy at once:
//   - metrics: 20 datapoints per step over five series (1-minute data kept
//     15 days, rollups longer);
//   - logs: 40 events per step into a group with one-day retention and a
//     metric filter;
//   - sns: a message per step to a raw queue subscriber, drained;
//   - trail: data events (S3 objects) and a management event every few
//     steps, delivered by a trail with digests (management events are kept
//     90 days, data events must not be);
//   - config: a changed configuration item every six hours;
//   - alarms: three alarms evaluated every minute on steady data, and a
//     management call (TagResource) every few steps.
//
// The bulk must be released as retention says: over the last ten days the
// heap may not grow by more than a quarter of the heap at day twenty plus
// 2 MB (day twenty: after metrics' 15-day roll-up of one-minute data, a
// step that retention explains). Skipped with -short; at a reduced scale otherwise (a step every
// 15 simulated minutes; every 5 with LOCALWATCH_RELIABILITY=full, every hour
// under -race), while the clock still runs every minute's scheduled work.
func TestHeapPlateausOverThirtyDays(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: 30 simulated days of every service take a few seconds each (run without -short)")
	}
	days := 30
	if d := os.Getenv("LOCALWATCH_MEMORY_DAYS"); d != "" {
		days, _ = strconv.Atoi(d)
	}
	step := 15 * time.Minute
	switch {
	case os.Getenv("LOCALWATCH_RELIABILITY") == "full":
		step = 5 * time.Minute
	case raceEnabled:
		step = time.Hour
	}
	for _, name := range []string{"metrics", "logs", "sns", "trail", "config", "alarms", "all"} {
		t.Run(name, func(t *testing.T) {
			var only []string
			if name != "all" {
				only = []string{name}
			}
			heaps, summary := runMemoryWorkload(t, days, step, only...)
			mb := func(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
			var figures []string
			for d, h := range heaps {
				if d%5 == 4 || d == 0 {
					figures = append(figures, fmt.Sprintf("day %d: %s", d+1, mb(h)))
				}
			}
			t.Logf("heap after GC (steps of %v): %s; %s", step, strings.Join(figures, ", "), summary)
			at := len(heaps) * 2 / 3
			mid, end := heaps[at-1], heaps[len(heaps)-1]
			limit := mid + mid/4 + 2<<20
			var msg string
			switch {
			case end > limit:
				msg = fmt.Sprintf("the heap grew from %s at day %d to %s at day %d (limit %s): memory is not bounded by retention",
					mb(mid), at, mb(end), len(heaps), mb(limit))
			case dayOneBound[name] && end > 2*heaps[0]+2<<20:
				// What this workload keeps is at most a day old (one-day
				// log retention, a drained queue): day 30 holds what day 1 did.
				msg = fmt.Sprintf("the heap holds %s at day %d where day 1 held %s (limit %s): more than a day of data is kept",
					mb(end), len(heaps), mb(heaps[0]), mb(2*heaps[0]+2<<20))
			default:
				if why, known := knownMemoryFailures[name]; known {
					t.Errorf("known failure %s (%s) no longer fails: remove it from knownMemoryFailures", name, why)
				}
				return
			}
			if why, known := knownMemoryFailures[name]; known {
				t.Skipf("known failure (%s): %s", why, msg)
			}
			t.Error(msg)
		})
	}
}

// dayOneBound are the workloads that keep at most a day's data, so their
// heap at the end must stay near the heap at day 1.
var dayOneBound = map[string]bool{"logs": true, "sns": true}

// knownMemoryFailures are the workloads of TestHeapPlateausOverThirtyDays
// whose heap does not plateau today, with the defect. A listed workload that
// fails is skipped with its figures; a listed workload that passes fails the
// test, so that the list is emptied as fixes land. Empty: logs' one-day
// retention held 8.5 days (whole 32,768-event segments) until retention
// learnt to free a partially expired segment.
var knownMemoryFailures = map[string]string{}

// runMemoryWorkload runs days of the workload of the services in only (all
// when empty) with a step every step, and returns the heap after GC at the
// end of each day and a summary of what was delivered.
func runMemoryWorkload(t *testing.T, days int, step time.Duration, only ...string) (heaps []uint64, summary string) {
	busy := func(svc string) bool { return len(only) == 0 || slices.Contains(only, svc) }
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)
	store := &sinkStore{}
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 11, Store: store})
	defer st.Close()
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		require.NoError(t, err)
	}

	// SNS delivers raw to a queue that the test drains (raw: no envelope to
	// sign, which would cost most of the test's time).
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "app"})
	require.NoError(t, err)
	queue, err := st.SNS.CreateQueue("app-inbox")
	require.NoError(t, err)
	qarn := queue.ARN()
	must(st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn,
		Attributes: map[string]string{"RawMessageDelivery": "true"}}))
	delivered := 0
	drain := func() {
		for {
			out, err := queue.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
			require.NoError(t, err)
			if len(out.Messages) == 0 {
				return
			}
			for _, m := range out.Messages {
				delivered++
				require.NoError(t, queue.DeleteMessage(m.ReceiptHandle))
			}
		}
	}
	if busy("logs") {
		must(st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "app"}))
		must(st.Logs.PutRetentionPolicy(ctx, logs.PutRetentionPolicyInput{LogGroupName: "app", RetentionInDays: 1}))
		must(st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "app", LogStreamName: "web"}))
		must(st.Logs.PutMetricFilter(ctx, logs.PutMetricFilterInput{LogGroupName: "app", FilterName: "latency", FilterPattern: "{ $.ms > 0 }",
			MetricTransformations: []logs.MetricTransformation{{MetricName: "LatencyFromLogs", MetricNamespace: "App", MetricValue: "$.ms"}}}))
	}
	if busy("trail") {
		must(st.Trail.CreateTrail(ctx, trail.CreateTrailInput{Name: "audit", S3BucketName: "audit", EnableLogFileValidation: trail.Bool(true)}))
		must(st.Trail.PutEventSelectors(ctx, trail.PutEventSelectorsInput{TrailName: "audit", EventSelectors: []trail.EventSelector{{ReadWriteType: "All",
			IncludeManagementEvents: metrics.Bool(true), DataResources: []trail.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}}}}))
		must(st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"}))
	}
	if busy("config") {
		must(st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{
			RoleARN: "arn:aws:iam::123456789012:role/config"}}))
		must(st.Config.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config"}}))
		must(st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"}))
		must(st.Config.PutRetentionConfiguration(ctx, config.PutRetentionConfigurationInput{RetentionPeriodInDays: 30}))
	}
	if busy("alarms") {
		for i := range 3 {
			must(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: fmt.Sprintf("latency-%d", i), Namespace: "App", MetricName: "Latency",
				Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("h%d", i)}}, Statistic: metrics.StatAverage, Period: 60,
				EvaluationPeriods: 3, Threshold: metrics.Float(1000), ComparisonOperator: alarms.GreaterThanThreshold, TreatMissingData: "notBreaching"}))
		}
	}

	payload := strings.Repeat("x", 200)
	steps := int(24 * time.Hour / step)
	n := 0
	for range days {
		for range steps {
			n++
			now := clk.Now()
			if busy("metrics") || busy("alarms") {
				// 5 hosts × 4 values (data events).
				data := make([]metrics.MetricDatum, 0, 20)
				for h := range 5 {
					for v := range 4 {
						data = append(data, metrics.MetricDatum{MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("h%d", h)}},
							Timestamp: now, Value: metrics.Float(float64((n*7 + h*13 + v) % 500)), Unit: metrics.UnitMilliseconds})
					}
				}
				must(st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "App", MetricData: data}))
			}
			if busy("logs") {
				evs := make([]logs.InputLogEvent, 40)
				for i := range evs {
					evs[i] = logs.InputLogEvent{Timestamp: now.UnixMilli(), Message: fmt.Sprintf(`{"ms":%d,"pad":%q}`, (n+i)%300+1, payload)}
				}
				must(st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "app", LogStreamName: "web", LogEvents: evs}))
			}
			if busy("sns") {
				must(st.SNS.Publish(ctx, sns.PublishInput{TopicArn: topic.TopicArn, Message: fmt.Sprintf("tick %d %s", n, payload)}))
			}
			if busy("trail") {
				for i := range 4 {
					must(st.Trail.RecordEvent(ctx, trail.RecordEventInput{EventCategory: "Data", EventSource: "s3.amazonaws.com", EventName: "PutObject",
						RequestParameters: map[string]any{"bucketName": "bucket", "key": fmt.Sprintf("objects/%d/%d", n, i), "pad": payload},
						Resources:         []trail.Resource{{Type: "AWS::S3::Object", ARN: fmt.Sprintf("arn:aws:s3:::bucket/objects/%d/%d", n, i)}}}))
				}
				if n%3 == 0 {
					must(st.Trail.RecordEvent(ctx, trail.RecordEventInput{EventSource: "iam.amazonaws.com", EventName: "CreateUser",
						RequestParameters: map[string]any{"userName": fmt.Sprintf("u%d", n)}}))
				}
			}
			if busy("alarms") && n%3 == 0 {
				must(st.Alarms.TagResource(ctx, alarms.TagResourceInput{ResourceARN: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:latency-0",
					Tags: []alarms.Tag{{Key: "seen", Value: fmt.Sprint(n)}}}))
			}
			if busy("config") && n%int(6*time.Hour/step) == 0 {
				require.NoError(t, st.Config.RecordResource(ctx, config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1",
					Configuration: map[string]any{"generation": n}}))
			}
			clk.Advance(step)
			drain()
		}
		heaps = append(heaps, heapAfterGC())
	}
	if path := os.Getenv("LOCALWATCH_HEAPPROFILE"); path != "" {
		// What the stack holds at the end (inspect with go tool pprof
		// -sample_index=inuse_space).
		f, err := os.Create(strings.ReplaceAll(path, "{name}", strings.Join(only, "+")))
		require.NoError(t, err)
		require.NoError(t, pprof.WriteHeapProfile(f))
		require.NoError(t, f.Close())
	}
	if busy("sns") {
		require.Equal(t, n, delivered, "every message delivered")
	}
	return heaps, fmt.Sprintf("%d steps, %d SNS deliveries, %d objects (%.1f MB) given to the store",
		n, delivered, store.puts.Load(), float64(store.bytes.Load())/(1<<20))
}
