package alarms_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/metrics"
)

// statisticsSource answers single-metric alarm queries with the real metrics
// service's GetMetricStatistics, so the scenario below runs the whole path
// metrics → alarm → notification on the real store.
type statisticsSource struct{ m *metrics.Service }

func (s statisticsSource) GetMetricData(ctx context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
	out := &metrics.GetMetricDataOutput{}
	for _, q := range in.MetricDataQueries {
		ms := q.MetricStat
		gi := metrics.GetMetricStatisticsInput{Namespace: ms.Metric.Namespace, MetricName: ms.Metric.MetricName,
			Dimensions: ms.Metric.Dimensions, StartTime: in.StartTime, EndTime: in.EndTime, Period: ms.Period, Unit: ms.Unit}
		basic := false
		switch metrics.Statistic(ms.Stat) {
		case metrics.StatAverage, metrics.StatSum, metrics.StatMinimum, metrics.StatMaximum, metrics.StatSampleCount:
			basic = true
			gi.Statistics = []metrics.Statistic{metrics.Statistic(ms.Stat)}
		default:
			gi.ExtendedStatistics = []string{ms.Stat}
		}
		st, err := s.m.GetMetricStatistics(ctx, gi)
		if err != nil {
			return nil, err
		}
		r := metrics.MetricDataResult{Id: q.Id, StatusCode: metrics.StatusComplete}
		for _, dp := range st.Datapoints {
			var v *float64
			if basic {
				v = map[metrics.Statistic]*float64{metrics.StatAverage: dp.Average, metrics.StatSum: dp.Sum,
					metrics.StatMinimum: dp.Minimum, metrics.StatMaximum: dp.Maximum, metrics.StatSampleCount: dp.SampleCount}[metrics.Statistic(ms.Stat)]
			} else if x, ok := dp.ExtendedStatistics.Get(ms.Stat); ok {
				v = &x
			}
			if v != nil {
				r.Timestamps, r.Values = append(r.Timestamps, dp.Timestamp), append(r.Values, *v)
			}
		}
		out.MetricDataResults = append(out.MetricDataResults, r)
	}
	return out, nil
}

// TestEndToEndMetricsToNotification: data published on the bus (as a logs
// metric filter or the runtime agent would) reaches the metrics service, the
// alarm evaluates it on the manual clock and its SNS action publishes AWS's
// notification on the bus.
func TestEndToEndMetricsToNotification(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start)
	b := &bus.Bus{}
	ms := metrics.New(metrics.Options{Clock: clk, Bus: b, IDs: ids.New(1)})
	defer ms.Close()
	svc := alarms.New(alarms.Options{Clock: clk, Bus: b, IDs: ids.New(2), Metrics: statisticsSource{ms}})
	defer svc.Close()
	var notes []event.Notification
	bus.Subscribe(b, "test", func(_ context.Context, n event.Notification) error { notes = append(notes, n); return nil })

	threshold := 100.0
	_, err := svc.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "api-latency-p90", Namespace: "Shop", MetricName: "Latency",
		Dimensions: []metrics.Dimension{{Name: "Service", Value: "api"}}, ExtendedStatistic: "p90",
		Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: &threshold, Unit: metrics.UnitMilliseconds,
		ComparisonOperator: alarms.GreaterThanThreshold, TreatMissingData: alarms.TreatBreaching,
		AlarmActions: []string{"arn:aws:sns:us-east-1:123456789012:oncall"}, OKActions: []string{"arn:aws:sns:us-east-1:123456789012:oncall"},
	})
	require.NoError(t, err)

	publish := func(at time.Time, values ...float64) {
		clk.Set(at)
		require.NoError(t, bus.Publish(ctx, b, metrics.DataEvent{Input: metrics.PutMetricDataInput{Namespace: "Shop",
			MetricData: []metrics.MetricDatum{{MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Service", Value: "api"}},
				Timestamp: at, Values: values, Unit: metrics.UnitMilliseconds}}}}))
	}
	fast := []float64{20, 30, 40, 50, 60, 70, 80, 90, 95, 99}
	slow := []float64{20, 30, 40, 50, 60, 70, 80, 90, 250, 300}
	publish(start.Add(5*time.Second), fast...)
	publish(start.Add(65*time.Second), fast...)
	clk.Set(start.Add(2 * time.Minute))
	publish(start.Add(125*time.Second), slow...)
	publish(start.Add(185*time.Second), slow...)
	clk.Set(start.Add(4 * time.Minute))

	out, err := svc.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{AlarmNames: []string{"api-latency-p90"}})
	require.NoError(t, err)
	a := out.MetricAlarms[0]
	require.Equal(t, alarms.StateAlarm, a.StateValue, a.StateReason)
	assert.Equal(t, start.Add(4*time.Minute), a.StateTransitionedTimestamp)
	assert.Contains(t, a.StateReason, "2 out of the last 2 datapoints [")
	assert.Contains(t, a.StateReasonData, `"unit":"Milliseconds","statistic":"p90"`)
	assert.Contains(t, a.StateReasonData, `"sampleCount":10.0`)

	// As users of real CloudWatch see: created with no data and missing data
	// treated as breaching, the alarm goes to ALARM at once ("no datapoints
	// were received for 2 periods..."), then OK on good data, then ALARM.
	require.Len(t, notes, 3)
	assert.Equal(t, `ALARM: "api-latency-p90" in US East (N. Virginia)`, notes[0].Subject)
	assert.Contains(t, notes[0].Message, `"NewStateReason":"Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching]."`)
	assert.Equal(t, `OK: "api-latency-p90" in US East (N. Virginia)`, notes[1].Subject)
	assert.Equal(t, `ALARM: "api-latency-p90" in US East (N. Virginia)`, notes[2].Subject)
	var msg struct {
		NewStateValue, OldStateValue string
		Trigger                      struct{ StatisticType, ExtendedStatistic, Unit string }
	}
	require.NoError(t, json.Unmarshal([]byte(notes[2].Message), &msg))
	assert.Equal(t, "ALARM", msg.NewStateValue)
	assert.Equal(t, "ExtendedStatistic", msg.Trigger.StatisticType)
	assert.Equal(t, "p90", msg.Trigger.ExtendedStatistic)
	assert.Equal(t, "Milliseconds", msg.Trigger.Unit)

	// The metric stops: with missing data treated as breaching the alarm stays
	// in ALARM (no new notification) and never goes back to OK.
	clk.Advance(10 * time.Minute)
	assert.Len(t, notes, 3)
}

// metrics.Service is the MetricSource of a full stack.
var _ alarms.MetricSource = (*metrics.Service)(nil)

type stack struct {
	clk   *clock.Manual
	bus   *bus.Bus
	ms    *metrics.Service
	svc   *alarms.Service
	notes []event.Notification
}

func newStack(t *testing.T, start time.Time) *stack {
	st := &stack{clk: clock.NewManual(start), bus: &bus.Bus{}}
	st.ms = metrics.New(metrics.Options{Clock: st.clk, Bus: st.bus, IDs: ids.New(1)})
	st.svc = alarms.New(alarms.Options{Clock: st.clk, Bus: st.bus, IDs: ids.New(2), Metrics: st.ms})
	t.Cleanup(st.svc.Close)
	t.Cleanup(st.ms.Close)
	bus.Subscribe(st.bus, "test", func(_ context.Context, n event.Notification) error { st.notes = append(st.notes, n); return nil })
	return st
}

func (st *stack) put(t *testing.T, ns, name string, dims []metrics.Dimension, at time.Time, values ...float64) {
	t.Helper()
	// Internal producers (the runtime agent, logs metric filters) send data
	// over the bus and may use AWS/ namespaces.
	require.NoError(t, bus.Publish(context.Background(), st.bus, metrics.DataEvent{Internal: true, Input: metrics.PutMetricDataInput{Namespace: ns,
		MetricData: []metrics.MetricDatum{{MetricName: name, Dimensions: dims, Timestamp: at, Values: values}}}}))
}

func (st *stack) alarm(t *testing.T, name string) alarms.MetricAlarm {
	t.Helper()
	out, err := st.svc.DescribeAlarms(context.Background(), alarms.DescribeAlarmsInput{AlarmNames: []string{name}})
	require.NoError(t, err)
	require.Len(t, out.MetricAlarms, 1)
	return out.MetricAlarms[0]
}

// TestEndToEndWithGetMetricData runs the real metrics.Service as the alarms'
// MetricSource: PutMetricData → GetMetricData → evaluation → notification.
func TestEndToEndWithGetMetricData(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)
	st := newStack(t, start)
	dims := []metrics.Dimension{{Name: "InstanceId", Value: "i-0abc"}}
	threshold := 80.0
	_, err := st.svc.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "cpu-high", Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: dims,
		Statistic: metrics.StatAverage, Period: 300, EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: &threshold,
		ComparisonOperator: alarms.GreaterThanThreshold, AlarmActions: []string{"arn:aws:sns:us-east-1:123456789012:ops"},
	})
	require.NoError(t, err)
	assert.Equal(t, alarms.StateInsufficientData, st.alarm(t, "cpu-high").StateValue)

	// Ten minutes of samples every minute: quiet, then busy from 19:05.
	for m := range 15 {
		at := start.Add(time.Duration(m)*time.Minute + 30*time.Second)
		st.clk.Set(at)
		v := 20.0
		if m >= 5 {
			v = 95
		}
		st.put(t, "AWS/EC2", "CPUUtilization", dims, at, v)
	}
	st.clk.Set(start.Add(15 * time.Minute))
	a := st.alarm(t, "cpu-high")
	require.Equal(t, alarms.StateAlarm, a.StateValue, a.StateReason)
	// The 5-minute periods slide with the evaluation minute: at 19:15 the last
	// two periods [19:05, 19:10) and [19:10, 19:15) are both busy; the first
	// evaluation with two busy periods is at 19:15.
	assert.Equal(t, start.Add(15*time.Minute), a.StateTransitionedTimestamp)
	assert.Equal(t, "Threshold Crossed: 2 out of the last 2 datapoints [95.0 (24/11/26 19:10:00), 95.0 (24/11/26 19:05:00)] "+
		"were greater than the threshold (80.0) (minimum 2 datapoints for OK -> ALARM transition).", a.StateReason)
	assert.Contains(t, a.StateReasonData, `"evaluatedDatapoints":[{"timestamp":"2026-11-24T19:10:00.000+0000","sampleCount":5.0,"value":95.0},{"timestamp":"2026-11-24T19:05:00.000+0000","sampleCount":5.0,"value":95.0}]`)
	require.Len(t, st.notes, 1)
	assert.Equal(t, `ALARM: "cpu-high" in US East (N. Virginia)`, st.notes[0].Subject)
}

// TestEndToEndMetricMathAlarm evaluates a metric-math alarm with the real
// metric math of metrics.Service.
func TestEndToEndMetricMathAlarm(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)
	st := newStack(t, start)
	threshold := 5.0
	_, err := st.svc.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "error-rate", EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: &threshold,
		ComparisonOperator: alarms.GreaterThanThreshold, TreatMissingData: alarms.TreatNotBreaching,
		AlarmActions: []string{"arn:aws:sns:us-east-1:123456789012:ops"},
		Metrics: []metrics.MetricDataQuery{
			{Id: "rate", Expression: "100 * errors / requests", Label: "Error rate"},
			{Id: "errors", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "Shop", MetricName: "Errors"}, Period: 60, Stat: "Sum"}, ReturnData: metrics.Bool(false)},
			{Id: "requests", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "Shop", MetricName: "Requests"}, Period: 60, Stat: "Sum"}, ReturnData: metrics.Bool(false)},
		},
	})
	require.NoError(t, err)
	errorsPerMinute := []float64{1, 2, 9, 1, 12}
	for m, e := range errorsPerMinute {
		at := start.Add(time.Duration(m)*time.Minute + 10*time.Second)
		st.clk.Set(at)
		st.put(t, "Shop", "Requests", nil, at, 100)
		st.put(t, "Shop", "Errors", nil, at, e)
	}
	st.clk.Set(start.Add(5 * time.Minute))
	a := st.alarm(t, "error-rate")
	require.Equal(t, alarms.StateAlarm, a.StateValue, a.StateReason)
	assert.Equal(t, start.Add(5*time.Minute), a.StateTransitionedTimestamp, "9% at 19:02 and 12% at 19:04 are 2 of the last 3")
	assert.Contains(t, a.StateReason, "2 out of the last 3 datapoints [12.0 (24/11/26 19:04:00), 9.0 (24/11/26 19:02:00)]")
	require.Len(t, st.notes, 1)
	assert.Contains(t, st.notes[0].Message, `"Metrics":[{"Expression":"100 * errors / requests","Id":"rate","Label":"Error rate","ReturnData":true}`)
}

// Issue 18.2: a Period-10 alarm (Average, threshold 21, TreatMissingData
// ignore) on a metric that receives two standard-resolution values, 21 and
// 22, goes to ALARM in AWS ("1 datapoint [21.5 ...] was greater than the
// threshold (21.0)") whatever second of the minute the data is sent at.
func TestHighResolutionAlarmEvaluatesStandardResolutionDataSentAtAnySecond(t *testing.T) {
	for _, sec := range []int{1, 29, 31, 45, 59} {
		t.Run(time.Duration(sec*int(time.Second)).String(), func(t *testing.T) {
			start := time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)
			st := newStack(t, start)
			ctx := context.Background()
			_, err := st.svc.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "hr", Namespace: "App", MetricName: "Temp",
				Statistic: metrics.StatAverage, Period: 10, EvaluationPeriods: 1, Threshold: metrics.Float(21),
				ComparisonOperator: alarms.GreaterThanThreshold, TreatMissingData: alarms.TreatIgnore})
			require.NoError(t, err)
			st.clk.Advance(time.Duration(sec) * time.Second)
			_, err = st.ms.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "App", MetricData: []metrics.MetricDatum{
				{MetricName: "Temp", Value: metrics.Float(21)}, {MetricName: "Temp", Value: metrics.Float(22)}}})
			require.NoError(t, err)
			st.clk.Advance(30 * time.Second)
			a := st.alarm(t, "hr")
			require.Equal(t, alarms.StateAlarm, a.StateValue, a.StateReason)
			assert.Contains(t, a.StateReason, "Threshold Crossed: 1 datapoint [21.5 (24/11/26 19:00:00)] was greater than the threshold (21.0).")
		})
	}
}
