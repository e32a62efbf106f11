package alarms

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/metrics"
)

// Issue 16.2: EvaluationPeriods × Period must be checked without overflow,
// and nothing is stored before validation ends.
func TestHugeEvaluationPeriodsAreRefusedAndNothingIsStored(t *testing.T) {
	for _, n := range []int{math.MaxInt64, math.MaxInt64/60 + 1, 1 << 40, 1441, math.MaxInt32} {
		h := newHarness(t)
		in := cpuAlarm()
		in.EvaluationPeriods, in.DatapointsToAlarm = n, 1
		require.NotPanics(t, func() {
			_, err := h.svc.PutMetricAlarm(context.Background(), in)
			require.Error(t, err, n)
			assert.Equal(t, "InvalidParameterCombination", awserr.Code(err), err.Error())
		})
		out, err := h.svc.DescribeAlarms(context.Background(), DescribeAlarmsInput{})
		require.NoError(t, err)
		assert.Empty(t, out.MetricAlarms, "a rejected alarm is not stored")
		require.NotPanics(t, func() { h.clk.Advance(5 * time.Minute) })
	}
}

// Issue 16.10: the exported evaluator validates the definition first.
func TestEvaluateAndBacktestRefuseUnboundedDefinitions(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*PutMetricAlarmInput)
		code   string
	}{
		{"EvaluationPeriods 1<<40", func(d *PutMetricAlarmInput) { d.EvaluationPeriods = 1 << 40 }, "InvalidParameterCombination"},
		{"EvaluationPeriods 5e7", func(d *PutMetricAlarmInput) { d.EvaluationPeriods = 50_000_000 }, "InvalidParameterCombination"},
		{"DatapointsToAlarm above EvaluationPeriods", func(d *PutMetricAlarmInput) { d.DatapointsToAlarm = 1 << 40 }, "ValidationError"},
		{"Period 7", func(d *PutMetricAlarmInput) { d.Period = 7 }, "ValidationError"},
		{"negative Period", func(d *PutMetricAlarmInput) { d.Period = -60 }, "ValidationError"},
		{"NaN threshold", func(d *PutMetricAlarmInput) { d.Threshold = f64(math.NaN()) }, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			def := cpuAlarm()
			tc.mutate(&def)
			_, err := Evaluate(def, EvaluationInput{Time: t0})
			require.Error(t, err)
			assert.Equal(t, tc.code, awserr.Code(err), err.Error())
			_, err = Backtest(def, []Datapoint{{Timestamp: t0, Value: 1}})
			require.Error(t, err)
			assert.Equal(t, tc.code, awserr.Code(err), err.Error())
		})
	}
}

func TestBacktestRefusesASeriesLongerThanRetention(t *testing.T) {
	_, err := Backtest(cpuAlarm(), []Datapoint{{Timestamp: t0, Value: 1}, {Timestamp: t0.AddDate(100, 0, 0), Value: 1}})
	require.Error(t, err)
	assert.Equal(t, "InvalidParameterValue", awserr.Code(err))
}

// Issue 16.11 and 16.12: values AWS refuses are refused, with typed errors,
// and nothing is stored; DescribeAlarms stays marshalable.
func TestPoisonValuesInAlarmDefinitionsAreRefused(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*PutMetricAlarmInput)
	}{
		{"NaN threshold", func(d *PutMetricAlarmInput) { d.Threshold = f64(math.NaN()) }},
		{"+Inf threshold", func(d *PutMetricAlarmInput) { d.Threshold = f64(math.Inf(1)) }},
		{"-Inf threshold", func(d *PutMetricAlarmInput) { d.Threshold = f64(math.Inf(-1)) }},
		{"NUL in the alarm name", func(d *PutMetricAlarmInput) { d.AlarmName = "a\x00b" }},
		{"invalid UTF-8 in the alarm name", func(d *PutMetricAlarmInput) { d.AlarmName = "a\xffb" }},
		{"a 1 MB description", func(d *PutMetricAlarmInput) { d.AlarmDescription = strings.Repeat("x", 1<<20) }},
		{"NUL in the description", func(d *PutMetricAlarmInput) { d.AlarmDescription = "a\x00b" }},
		{"invalid UTF-8 in the description", func(d *PutMetricAlarmInput) { d.AlarmDescription = "\xc3\x28" }},
		{"NUL in the metric name", func(d *PutMetricAlarmInput) { d.MetricName = "CPU\x00x" }},
		{"\\x01 in the metric name", func(d *PutMetricAlarmInput) { d.MetricName = "CPU\x01x" }},
		{"control character in the namespace", func(d *PutMetricAlarmInput) { d.Namespace = "App\x01" }},
		{"NUL in a dimension value", func(d *PutMetricAlarmInput) { d.Dimensions = []metrics.Dimension{{Name: "Host", Value: "a\x00"}} }},
		{"non-ASCII dimension name", func(d *PutMetricAlarmInput) { d.Dimensions = []metrics.Dimension{{Name: "Hôst", Value: "a"}} }},
		{"NUL in an action", func(d *PutMetricAlarmInput) { d.AlarmActions = []string{topic + "\x00"} }},
		{"invalid UTF-8 in a tag value", func(d *PutMetricAlarmInput) { d.Tags = []Tag{{Key: "k", Value: "\xff"}} }},
		{"NUL in a tag key", func(d *PutMetricAlarmInput) { d.Tags = []Tag{{Key: "k\x00", Value: "v"}} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			in := cpuAlarm()
			tc.mutate(&in)
			_, err := h.svc.PutMetricAlarm(context.Background(), in)
			require.Error(t, err)
			var e *awserr.Error
			require.ErrorAs(t, err, &e)
			out, err := h.svc.DescribeAlarms(context.Background(), DescribeAlarmsInput{})
			require.NoError(t, err)
			assert.Empty(t, out.MetricAlarms)
			_, err = json.Marshal(out)
			require.NoError(t, err, "DescribeAlarms is always marshalable")
		})
	}
}

func TestPoisonValuesInCompositeAlarmsAndSetAlarmStateAreRefused(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	for _, in := range []PutCompositeAlarmInput{
		{AlarmName: "c", AlarmRule: `ALARM("HighCPU")`, AlarmDescription: "a\x00"},
		{AlarmName: "c", AlarmRule: "ALARM(\"HighCPU\")\xff"},
		{AlarmName: "c\x00", AlarmRule: `ALARM("HighCPU")`},
		{AlarmName: "c", AlarmRule: `ALARM("HighCPU")`, ActionsSuppressor: "HighCPU", ActionsSuppressorWaitPeriod: intp(math.MaxInt64), ActionsSuppressorExtensionPeriod: intp(60)},
	} {
		_, err := h.svc.PutCompositeAlarm(ctx, in)
		require.Error(t, err, "%+v", in)
		assert.NotEmpty(t, awserr.Code(err))
	}
	for _, in := range []SetAlarmStateInput{
		{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "x\x00"},
		{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "\xff"},
	} {
		_, err := h.svc.SetAlarmState(ctx, in)
		require.Error(t, err)
		assert.Equal(t, "InvalidParameterValue", awserr.Code(err))
	}
	assert.Equal(t, StateInsufficientData, h.state(t, "HighCPU").StateValue)
}

func intp(v int) *int { return &v }

// everyOperation calls each exported operation once with ctx.
func everyOperation(s *Service, ctx context.Context) map[string]error {
	errs := map[string]error{}
	_, errs["PutMetricAlarm"] = s.PutMetricAlarm(ctx, cpuAlarm())
	_, errs["PutCompositeAlarm"] = s.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "c", AlarmRule: `ALARM("HighCPU")`})
	_, errs["DescribeAlarms"] = s.DescribeAlarms(ctx, DescribeAlarmsInput{})
	_, errs["DescribeAlarmsForMetric"] = s.DescribeAlarmsForMetric(ctx, DescribeAlarmsForMetricInput{Namespace: "App", MetricName: "CPU"})
	_, errs["SetAlarmState"] = s.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "test"})
	_, errs["DisableAlarmActions"] = s.DisableAlarmActions(ctx, DisableAlarmActionsInput{AlarmNames: []string{"HighCPU"}})
	_, errs["EnableAlarmActions"] = s.EnableAlarmActions(ctx, EnableAlarmActionsInput{AlarmNames: []string{"HighCPU"}})
	_, errs["DescribeAlarmHistory"] = s.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{})
	arn := "arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighCPU"
	_, errs["TagResource"] = s.TagResource(ctx, TagResourceInput{ResourceARN: arn, Tags: []Tag{{Key: "k", Value: "v"}}})
	_, errs["ListTagsForResource"] = s.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceARN: arn})
	_, errs["UntagResource"] = s.UntagResource(ctx, UntagResourceInput{ResourceARN: arn, TagKeys: []string{"k"}})
	errs["DescribeAlarmsAll"] = nil
	for _, err := range s.DescribeAlarmsAll(ctx, DescribeAlarmsInput{}) {
		if err != nil {
			errs["DescribeAlarmsAll"] = err
		}
	}
	errs["DescribeAlarmHistoryAll"] = nil
	for _, err := range s.DescribeAlarmHistoryAll(ctx, DescribeAlarmHistoryInput{}) {
		if err != nil {
			errs["DescribeAlarmHistoryAll"] = err
		}
	}
	errs["ListAlarmMuteRulesAll"] = nil
	for _, err := range s.ListAlarmMuteRulesAll(ctx, ListAlarmMuteRulesInput{}) {
		if err != nil {
			errs["ListAlarmMuteRulesAll"] = err
		}
	}
	_, errs["DeleteAlarms"] = s.DeleteAlarms(ctx, DeleteAlarmsInput{AlarmNames: []string{"c", "HighCPU"}})
	return errs
}

// Issue 16.12: a nil context is context.Background(), also when calls are
// recorded and actions run.
func TestNilContextActsAsBackground(t *testing.T) {
	b := new(bus.Bus)
	bus.Subscribe(b, "trail", func(ctx context.Context, ev event.APICall) error { return nil })
	s := New(Options{Clock: clock.NewManual(t0), Bus: b})
	defer s.Close()
	var errs map[string]error
	require.NotPanics(t, func() { errs = everyOperation(s, nil) })
	for op, err := range errs {
		assert.NoError(t, err, op)
	}
}

// After Close every operation answers ServiceUnavailable (HTTP 503).
func TestEveryOperationAfterCloseAnswersServiceUnavailable(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.PutMetricAlarm(context.Background(), cpuAlarm())
	require.NoError(t, err)
	h.svc.Close()
	h.svc.Close()
	errs := everyOperation(h.svc, context.Background())
	require.Len(t, errs, 15)
	for op, err := range errs {
		require.Error(t, err, op)
		assert.ErrorIs(t, err, ErrClosed, op)
		var e *awserr.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 503, e.HTTPStatus(), op)
	}
}

// A panicking OnStateChange hook is recovered and reported; the other hooks
// and the actions still run.
func TestPanickingStateChangeHookIsReportedAndTheRestRuns(t *testing.T) {
	var logged strings.Builder
	h := newHarness(t)
	h.svc.op.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	h.svc.OnStateChange(func(StateChange) { panic("boom") })
	var seen int
	h.svc.OnStateChange(func(StateChange) { seen++ })
	_, err := h.svc.PutMetricAlarm(context.Background(), cpuAlarm())
	require.NoError(t, err)
	require.NotPanics(t, func() {
		_, err = h.svc.SetAlarmState(context.Background(), SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "test"})
	})
	require.NoError(t, err)
	assert.Equal(t, 1, seen)
	assert.Len(t, h.notes, 1, "the ALARM action ran")
	assert.Contains(t, logged.String(), "boom")
	assert.Contains(t, logged.String(), "HighCPU")
}

// Issue 15: alarm evaluations query the metrics as CloudWatch itself, which
// CloudTrail does not log; with a trail listening for API calls they cost
// no more than with nobody listening (no request parameters are built).
func TestEvaluationQueriesCostNothingExtraWhenUnrecorded(t *testing.T) {
	allocsPerTick := func(withTrail bool) float64 {
		clk := clock.NewManual(t0)
		b := new(bus.Bus)
		calls := 0
		if withTrail {
			bus.Subscribe(b, "trail", func(ctx context.Context, ev event.APICall) error { calls++; return nil })
		}
		ms := metrics.New(metrics.Options{Clock: clk, Bus: b})
		defer ms.Close()
		s := New(Options{Clock: clk, Bus: b, Metrics: ms})
		defer s.Close()
		for i := range 20 {
			a := cpuAlarm()
			a.AlarmName = "a" + string(rune('a'+i))
			a.AlarmActions, a.OKActions = nil, nil
			_, err := s.PutMetricAlarm(context.Background(), a)
			require.NoError(t, err)
		}
		_, err := ms.PutMetricData(context.Background(), metrics.PutMetricDataInput{Namespace: "App", MetricData: []metrics.MetricDatum{{MetricName: "CPU", Value: metrics.Float(50)}}})
		require.NoError(t, err)
		clk.Advance(10 * time.Minute) // warm the buffers
		before := calls
		n := testing.AllocsPerRun(20, func() { clk.Advance(time.Minute) })
		assert.Equal(t, before, calls, "evaluation queries are not recorded")
		return n
	}
	bare, traced := allocsPerTick(false), allocsPerTick(true)
	assert.LessOrEqual(t, traced, bare, "allocations per evaluation tick: %v with a trail listening, %v without", traced, bare)
}

// FuzzPutMetricAlarm: any numbers and names answer a typed error or an
// alarm that evaluates without panicking; a rejected alarm is not stored.
func FuzzPutMetricAlarm(f *testing.F) {
	f.Add("HighCPU", 60, 3, 2, 80.0, "desc")
	f.Add("x", 10, math.MaxInt64, 1, math.NaN(), "")
	f.Add("a\x00b", -60, 0, -1, math.Inf(1), "\xff")
	f.Fuzz(func(t *testing.T, name string, period, n, m int, threshold float64, desc string) {
		h := newHarness(t)
		in := cpuAlarm()
		in.AlarmName, in.Period, in.EvaluationPeriods, in.DatapointsToAlarm, in.Threshold, in.AlarmDescription = name, period, n, m, &threshold, desc
		_, err := h.svc.PutMetricAlarm(context.Background(), in)
		out, derr := h.svc.DescribeAlarms(context.Background(), DescribeAlarmsInput{})
		require.NoError(t, derr)
		if err != nil {
			require.NotEmpty(t, awserr.Code(err), "typed error: %v", err)
			require.Empty(t, out.MetricAlarms, "a rejected alarm is not stored")
			_, eerr := Evaluate(in, EvaluationInput{Time: t0})
			require.Error(t, eerr)
			return
		}
		_, err = json.Marshal(out)
		require.NoError(t, err)
		h.clk.Advance(2 * time.Minute)
	})
}

// Issue 16.1: evaluation times beyond UnixNano's range (after 2262) place
// datapoints correctly instead of overflowing.
func TestEvaluateAfter2262(t *testing.T) {
	at := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	def := cpuAlarm()
	def.DatapointsToAlarm = 1
	ev, err := Evaluate(def, EvaluationInput{Time: at, Previous: StateOK, Datapoints: []Datapoint{{Timestamp: at.Add(-time.Minute), Value: 99}}})
	require.NoError(t, err)
	assert.Equal(t, StateAlarm, ev.State, ev.Reason)
}
