package localwatch_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
)

// The stack runs at the speed of its parts (issue 15): every hot path is
// measured on the bare service (New of its package, no bus) and through
// localwatch.New — every service on one bus, CloudTrail and Config
// subscribed to every API call — in one run, as sub-benchmarks /bare and
// /stack. The target is stack ≤ 1.25× bare.
//
//	go test . -run XXX -bench Stack -cpu 1 -count 5
//
// Each reports cpu-ns/op beside ns/op: the process CPU time of the timed
// part per op, which a loaded machine disturbs far less than wall time.
//
// Nothing is delivered to a trail or recorded by Config unless the benchmark
// says so: the figures are the cost of being in the stack, not of extra work
// asked of it.

var benchT0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// benchStack returns a stack on a manual clock at t0 (IDs seeded).
func benchStack(b *testing.B, t0 time.Time) (*localwatch.Stack, *localwatch.ManualClock) {
	clk := localwatch.NewManualClock(t0)
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
	b.Cleanup(st.Close)
	return st, clk
}

// cpuMeter accumulates the process CPU time of the timed parts of a
// benchmark and reports it per op as cpu-ns/op (run with -cpu 1: GOMAXPROCS
// 1 keeps other goroutines' CPU out of it), the figure to compare on a
// loaded machine.
type cpuMeter struct{ start, total int64 }

func (m *cpuMeter) begin() { m.start = processCPU() }
func (m *cpuMeter) end()   { m.total += processCPU() - m.start }
func (m *cpuMeter) report(b *testing.B) {
	b.ReportMetric(float64(m.total)/float64(b.N), "cpu-ns/op")
}

// bareOrStack runs f as /bare and /stack.
func bareOrStack(b *testing.B, f func(b *testing.B, stack bool)) {
	b.Run("bare", func(b *testing.B) { f(b, false) })
	b.Run("stack", func(b *testing.B) { f(b, true) })
}

func benchMetrics(b *testing.B, stack bool, t0 time.Time) (*metrics.Service, *localwatch.ManualClock) {
	if stack {
		st, clk := benchStack(b, t0)
		return st.Metrics, clk
	}
	clk := localwatch.NewManualClock(t0)
	ms := metrics.New(metrics.Options{Clock: clk, IDs: localwatch.NewIDSource(1)})
	b.Cleanup(ms.Close)
	return ms, clk
}

// putBatch is one PutMetricData of n datums (series Latency/Host=host-j).
func putBatch(n int) metrics.PutMetricDataInput {
	data := make([]metrics.MetricDatum, n)
	for j := range data {
		data[j] = metrics.MetricDatum{MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("host-%04d", j)}},
			Unit: metrics.UnitMilliseconds, StorageResolution: 1, Value: metrics.Float(float64(j % 97))}
	}
	return metrics.PutMetricDataInput{Namespace: "Bench", MetricData: data}
}

// BenchmarkStackPutMetricData: one PutMetricData of 1,000 datums (one second
// of 1,000 one-second series) per op.
func BenchmarkStackPutMetricData(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		ms, _ := benchMetrics(b, stack, benchT0.Add(time.Hour))
		in := putBatch(1000)
		ctx := context.Background()
		b.ReportAllocs()
		i := 0
		var cpu cpuMeter
		cpu.begin()
		for b.Loop() {
			ts := benchT0.Add(time.Duration(i%3600) * time.Second)
			for j := range in.MetricData {
				in.MetricData[j].Timestamp = ts
			}
			if _, err := ms.PutMetricData(ctx, in); err != nil {
				b.Fatal(err)
			}
			i++
		}
		cpu.end()
		cpu.report(b)
		b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "datapoints/s")
	})
}

// hourOfMetrics fills ms with 100 series (Requests/Host=hNNN), one value a
// minute for the hour after t0.
func hourOfMetrics(b *testing.B, ms *metrics.Service) {
	var data []metrics.MetricDatum
	for m := range 100 {
		for i := range 60 {
			data = append(data, metrics.MetricDatum{MetricName: "Requests", Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("h%03d", m)}},
				Timestamp: benchT0.Add(time.Duration(i) * time.Minute), Value: metrics.Float(float64(i + m))})
		}
	}
	for i := 0; i < len(data); i += 1000 {
		if _, err := ms.PutMetricData(context.Background(), metrics.PutMetricDataInput{Namespace: "Bench", MetricData: data[i:min(i+1000, len(data))]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStackGetMetricStatistics: the hour of one series in 60-s periods,
// five statistics, per op.
func BenchmarkStackGetMetricStatistics(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		ms, _ := benchMetrics(b, stack, benchT0.Add(time.Hour+time.Minute))
		hourOfMetrics(b, ms)
		in := metrics.GetMetricStatisticsInput{Namespace: "Bench", MetricName: "Requests", Dimensions: []metrics.Dimension{{Name: "Host", Value: "h042"}},
			StartTime: benchT0, EndTime: benchT0.Add(time.Hour), Period: 60,
			Statistics: []metrics.Statistic{metrics.StatSampleCount, metrics.StatAverage, metrics.StatSum, metrics.StatMinimum, metrics.StatMaximum}}
		ctx := context.Background()
		b.ReportAllocs()
		var cpu cpuMeter
		cpu.begin()
		for b.Loop() {
			out, err := ms.GetMetricStatistics(ctx, in)
			if err != nil || len(out.Datapoints) != 60 {
				b.Fatal(err)
			}
		}
		cpu.end()
		cpu.report(b)
	})
}

// BenchmarkStackGetMetricData: 100 MetricStat queries over the hour (100
// series × 60 points) per op.
func BenchmarkStackGetMetricData(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		ms, _ := benchMetrics(b, stack, benchT0.Add(time.Hour+time.Minute))
		hourOfMetrics(b, ms)
		qs := make([]metrics.MetricDataQuery, 100)
		for m := range qs {
			qs[m] = metrics.MetricDataQuery{Id: fmt.Sprintf("m%d", m), MetricStat: &metrics.MetricStat{
				Metric: metrics.Metric{Namespace: "Bench", MetricName: "Requests", Dimensions: []metrics.Dimension{{Name: "Host", Value: fmt.Sprintf("h%03d", m)}}},
				Period: 60, Stat: "Sum"}}
		}
		in := metrics.GetMetricDataInput{StartTime: benchT0, EndTime: benchT0.Add(time.Hour), MetricDataQueries: qs}
		ctx := context.Background()
		b.ReportAllocs()
		var cpu cpuMeter
		cpu.begin()
		for b.Loop() {
			out, err := ms.GetMetricData(ctx, in)
			if err != nil || len(out.MetricDataResults) != 100 || len(out.MetricDataResults[0].Values) != 60 {
				b.Fatal(err)
			}
		}
		cpu.end()
		cpu.report(b)
	})
}

func benchLogs(b *testing.B, stack bool, t0 time.Time) *logs.Service {
	var ls *logs.Service
	if stack {
		st, _ := benchStack(b, t0)
		ls = st.Logs
	} else {
		ls = logs.New(logs.Options{Clock: localwatch.NewManualClock(t0), IDs: localwatch.NewIDSource(1)})
		b.Cleanup(ls.Close)
	}
	ctx := context.Background()
	if _, err := ls.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "bench"}); err != nil {
		b.Fatal(err)
	}
	if _, err := ls.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "bench", LogStreamName: "s"}); err != nil {
		b.Fatal(err)
	}
	return ls
}

func logLine(i int) string {
	level := "INFO"
	if i%50 == 0 {
		level = "ERROR"
	}
	return fmt.Sprintf("2026-11-25T10:00:00Z %s request id=%08d path=/api/v1/orders/%d status=200 latency_ms=%d", level, i, i%1000, i%997)
}

// BenchmarkStackPutLogEvents: one PutLogEvents of 1,000 events (~90 bytes)
// per op.
func BenchmarkStackPutLogEvents(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		t0 := benchT0.Add(24 * time.Hour)
		ls := benchLogs(b, stack, t0)
		batch := make([]logs.InputLogEvent, 1000)
		for i := range batch {
			batch[i].Message = logLine(i)
		}
		ctx := context.Background()
		base := benchT0.UnixMilli()
		b.ReportAllocs()
		n := 0
		var cpu cpuMeter
		cpu.begin()
		for b.Loop() {
			for i := range batch {
				batch[i].Timestamp = base + int64(n%(20*3600*1000))
				n++
			}
			if _, err := ls.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "bench", LogStreamName: "s", LogEvents: batch}); err != nil {
				b.Fatal(err)
			}
		}
		cpu.end()
		cpu.report(b)
		b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkStackFilterLogEvents: a term search over a group of 100,000
// events (2,000 match) per op, every page read.
func BenchmarkStackFilterLogEvents(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		t0 := benchT0.Add(24 * time.Hour)
		ls := benchLogs(b, stack, t0)
		ctx := context.Background()
		batch := make([]logs.InputLogEvent, 1000)
		for k := range 100 {
			for i := range batch {
				n := k*1000 + i
				batch[i] = logs.InputLogEvent{Timestamp: benchT0.UnixMilli() + int64(n), Message: logLine(n)}
			}
			if _, err := ls.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "bench", LogStreamName: "s", LogEvents: batch}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		var cpu cpuMeter
		cpu.begin()
		for b.Loop() {
			n, tok := 0, ""
			for {
				out, err := ls.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "bench", FilterPattern: "ERROR", NextToken: tok})
				if err != nil {
					b.Fatal(err)
				}
				n += len(out.Events)
				if tok = out.NextToken; tok == "" {
					break
				}
			}
			if n != 2000 {
				b.Fatal(n)
			}
		}
		cpu.end()
		cpu.report(b)
	})
}

// BenchmarkStackSimulatedDay1000Alarms: 50 metrics receive a value a minute
// and 1,000 alarms on them (500 distinct series) are evaluated every minute
// for a simulated day, on the real metrics service (alarms'
// BenchmarkSimulatedDayRealMetrics, without alarm actions). One op is the day.
func BenchmarkStackSimulatedDay1000Alarms(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		var cpu cpuMeter
		for b.Loop() {
			b.StopTimer()
			var ms *metrics.Service
			var as *alarms.Service
			var clk *localwatch.ManualClock
			var done func()
			if stack {
				clk = localwatch.NewManualClock(start)
				st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1})
				ms, as, done = st.Metrics, st.Alarms, st.Close
			} else {
				clk = localwatch.NewManualClock(start)
				ms = metrics.New(metrics.Options{Clock: clk, IDs: localwatch.NewIDSource(1)})
				as = alarms.New(alarms.Options{Clock: clk, IDs: localwatch.NewIDSource(2), Metrics: ms})
				done = func() { as.Close(); ms.Close() }
			}
			ctx := context.Background()
			data := make([]metrics.MetricDatum, 50)
			var ingest func(at time.Time)
			ingest = func(at time.Time) {
				minute := at.Unix() / 60
				for m := range data {
					v := float64((minute/180+int64(m))%10) * 10
					data[m] = metrics.MetricDatum{MetricName: fmt.Sprintf("m%d", m), Timestamp: at.Add(-time.Second), Value: metrics.Float(v)}
				}
				if _, err := ms.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Bench", MetricData: data}); err != nil {
					panic(err)
				}
				clk.AfterFunc(time.Minute, func() { ingest(clk.Now()) })
			}
			clk.AfterFunc(time.Minute, func() { ingest(clk.Now()) })
			for a := range 1000 {
				threshold := float64(10 * (a % 9))
				def := alarms.PutMetricAlarmInput{
					AlarmName: fmt.Sprintf("alarm-%04d", a), Namespace: "Bench", MetricName: fmt.Sprintf("m%d", a%50),
					Statistic: metrics.StatAverage, Period: 60 * (1 + 4*((a/50)%2)), EvaluationPeriods: 1 + (a/100)%5,
					Threshold: &threshold, ComparisonOperator: alarms.GreaterThanThreshold,
				}
				def.DatapointsToAlarm = 1 + a%def.EvaluationPeriods
				if _, err := as.PutMetricAlarm(ctx, def); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			cpu.begin()
			clk.Advance(24 * time.Hour)
			cpu.end()
			b.StopTimer()
			done()
			b.StartTimer()
		}
		cpu.report(b)
	})
}

// BenchmarkStackSNSPublish: one Publish to a topic with one function
// subscriber per op.
func BenchmarkStackSNSPublish(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		var s *sns.Service
		if stack {
			st, _ := benchStack(b, benchT0)
			s = st.SNS
		} else {
			s = sns.New(sns.Options{Clock: localwatch.NewManualClock(benchT0), IDs: localwatch.NewIDSource(1)})
			b.Cleanup(s.Close)
		}
		ctx := context.Background()
		topic, err := s.CreateTopic(ctx, sns.CreateTopicInput{Name: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		fn := s.RegisterFunction("sink", func(context.Context, sns.LambdaEvent) error { return nil })
		if _, err := s.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: sns.ProtocolLambda, Endpoint: fn}); err != nil {
			b.Fatal(err)
		}
		in := sns.PublishInput{TopicArn: topic.TopicArn, Message: "order placed"}
		b.ReportAllocs()
		var cpu cpuMeter
		cpu.begin()
		for b.Loop() {
			if _, err := s.Publish(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		cpu.end()
		cpu.report(b)
	})
}

// BenchmarkStackTrailRecording: one management API call (an APICall on the
// bus, as every service operation publishes) recorded into event history per
// op; in the stack, Config and every other subscriber see it too.
func BenchmarkStackTrailRecording(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		var on localwatch.EventBus
		if stack {
			st, _ := benchStack(b, benchT0)
			on = st
		} else {
			bus := new(localwatch.Bus)
			tr := trail.New(trail.Options{Clock: localwatch.NewManualClock(benchT0), Bus: bus, IDs: localwatch.NewIDSource(1)})
			b.Cleanup(tr.Close)
			on = bus
		}
		ctx := context.Background()
		ev := localwatch.APICall{Time: benchT0, EventSource: "ec2.amazonaws.com", EventName: "StartInstances", AWSRegion: "us-east-1",
			RecipientAccountID: "123456789012", Management: true, EventType: "AwsApiCall", EventID: "3d4a5f1e-0000-4000-8000-000000000000",
			RequestParameters: map[string]any{"instancesSet": map[string]any{"items": []any{map[string]any{"instanceId": "i-0abc123"}}}}}
		b.ReportAllocs()
		var cpu cpuMeter
		cpu.begin()
		for b.Loop() {
			if err := localwatch.Publish(ctx, on, ev); err != nil {
				b.Fatal(err)
			}
		}
		cpu.end()
		cpu.report(b)
	})
}

// BenchmarkStackConfigRecording: one change of one of 100 declared instances
// recorded as a configuration item per op (recorder on, all types).
func BenchmarkStackConfigRecording(b *testing.B) {
	bareOrStack(b, func(b *testing.B, stack bool) {
		var c *config.Service
		if stack {
			st, _ := benchStack(b, benchT0)
			c = st.Config
		} else {
			c = config.New(config.Options{Clock: localwatch.NewManualClock(benchT0), IDs: localwatch.NewIDSource(1)})
			b.Cleanup(c.Close)
		}
		ctx := context.Background()
		if _, err := c.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{
			Name: "default", RoleARN: "arn:aws:iam::123456789012:role/config"}}); err != nil {
			b.Fatal(err)
		}
		if _, err := c.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{Name: "default", S3BucketName: "config-bucket"}}); err != nil {
			b.Fatal(err)
		}
		if _, err := c.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"}); err != nil {
			b.Fatal(err)
		}
		cfg := strings.Repeat(`"k":"v",`, 20)
		b.ReportAllocs()
		i := 0
		var cpu cpuMeter
		cpu.begin()
		for b.Loop() {
			id := fmt.Sprintf("i-%04d", i%100)
			if err := c.RecordResource(ctx, config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: id,
				Configuration: fmt.Sprintf(`{%s"instanceType":"t3.%d"}`, cfg, i)}); err != nil {
				b.Fatal(err)
			}
			i++
		}
		cpu.end()
		cpu.report(b)
	})
}
