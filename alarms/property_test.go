package alarms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomRow returns a row like "0 - X X -" of the given length.
func randomRow(r *rand.Rand, n int) string {
	cells := make([]string, n)
	for i := range cells {
		cells[i] = []string{"0", "X", "-"}[r.IntN(3)]
	}
	return strings.Join(cells, " ")
}

// TestEvaluatorProperties checks the evaluator against simple statements of
// AWS's rules on random ranges.
func TestEvaluatorProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		n := 1 + r.IntN(5)
		m := 1 + r.IntN(n)
		treat := []TreatMissingData{TreatMissing, TreatBreaching, TreatNotBreaching, TreatIgnore}[r.IntN(4)]
		row := randomRow(r, evaluationRangePeriods(n, 300))
		prev := []StateValue{StateOK, StateAlarm, StateInsufficientData}[r.IntN(3)]
		def := tableAlarm(m, n, treat)
		ev := mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: prev, Datapoints: series(row, evalTime, 5*time.Minute)})
		name := fmt.Sprintf("%d of %d %s %q from %s", m, n, treat, row, prev)

		cells := strings.Fields(row)
		var real []string
		for _, c := range cells {
			if c != "-" {
				real = append(real, c)
			}
		}
		// Reference: with at least N real datapoints, the newest N decide.
		if len(real) >= n {
			br := strings.Count(strings.Join(real[len(real)-n:], ""), "X")
			want := StateOK
			if br >= m {
				want = StateAlarm
			}
			require.Equal(t, want, ev.State, name)
			continue
		}
		// Only "missing" may lead to INSUFFICIENT_DATA.
		if ev.State == StateInsufficientData && prev != StateInsufficientData {
			require.Equal(t, TreatMissing, treat, name)
		}
		// breaching and notBreaching always decide.
		if treat == TreatBreaching || treat == TreatNotBreaching {
			require.NotEqual(t, StateInsufficientData, ev.State, name)
			require.NotEmpty(t, ev.Reason, name)
		}
		// notBreaching counts only real breaching datapoints.
		if treat == TreatNotBreaching {
			want := StateOK
			if strings.Count(row, "X") >= m {
				want = StateAlarm
			}
			require.Equal(t, want, ev.State, name)
		}
		// Breaching fills never make an alarm less alarming than notBreaching.
		if treat == TreatBreaching {
			nb := mustEvaluate(t, tableAlarm(m, n, TreatNotBreaching), EvaluationInput{Time: evalTime, Previous: prev, Datapoints: series(row, evalTime, 5*time.Minute)})
			if nb.State == StateAlarm {
				require.Equal(t, StateAlarm, ev.State, name)
			}
		}
		// A changed state always comes with a reason.
		if ev.Changed {
			require.NotEmpty(t, ev.Reason, name)
			require.NotEmpty(t, ev.ReasonData, name)
		}
	}
}

// TestConcurrentUse runs API calls from several goroutines while the clock
// moves (run with -race).
func TestConcurrentUse(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				def := cpuAlarm()
				def.AlarmName = fmt.Sprintf("a-%d-%d", g, i%5)
				_, _ = h.svc.PutMetricAlarm(ctx, def)
				_, _ = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: def.AlarmName, StateValue: StateAlarm, StateReason: "x"})
				_, _ = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{})
				_, _ = h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{})
				if i%7 == 0 {
					_, _ = h.svc.DeleteAlarms(ctx, DeleteAlarmsInput{AlarmNames: []string{def.AlarmName}})
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 30 {
			h.src.put("CPU", h.clk.Now(), 99)
			h.clk.Advance(time.Minute)
		}
	}()
	wg.Wait()
	out, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{})
	require.NoError(t, err)
	assert.NotEmpty(t, out.MetricAlarms)
}

func TestPercentileLowSamplesThroughTheService(t *testing.T) {
	h := newHarness(t)
	def := cpuAlarm()
	def.Statistic, def.ExtendedStatistic, def.EvaluateLowSampleCountPercentile = "", "p90", LowSampleIgnore
	def.EvaluationPeriods, def.DatapointsToAlarm = 1, 0
	_, err := h.svc.PutMetricAlarm(context.Background(), def)
	require.NoError(t, err)
	h.src.put("CPU", t0.Add(10*time.Second), 99, 99, 99) // 3 samples; p90 needs 100
	h.clk.Advance(time.Minute)
	assert.Equal(t, StateInsufficientData, h.state(t, "HighCPU").StateValue, "too few samples: ignored")
	vals := make([]float64, 100)
	for i := range vals {
		vals[i] = 99
	}
	h.src.put("CPU", t0.Add(70*time.Second), vals...)
	h.clk.Advance(time.Minute)
	a := h.state(t, "HighCPU")
	assert.Equal(t, StateAlarm, a.StateValue)
	assert.Contains(t, a.StateReasonData, `"sampleCount":100.0`)
}

func TestTickBatchesQueries(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for i := range 10 {
		def := cpuAlarm()
		def.AlarmName = fmt.Sprintf("same-%d", i)
		def.Threshold = f64(float64(50 + i))
		def.Dimensions = nil
		_, err := h.svc.PutMetricAlarm(ctx, def)
		require.NoError(t, err)
	}
	calls := h.src.calls
	h.clk.Advance(time.Minute)
	assert.Equal(t, calls+1, h.src.calls, "ten alarms on one series share one query")
	def := cpuAlarm()
	def.AlarmName, def.EvaluationPeriods, def.DatapointsToAlarm = "longer", 5, 0
	_, err := h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	def.AlarmName, def.MetricName = "other", "Memory"
	_, err = h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	calls = h.src.calls
	h.clk.Advance(time.Minute)
	assert.Equal(t, calls+2, h.src.calls, "one call per evaluation range; the two 5-period alarms share a call")
}

func TestWalkers(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for i := range 120 {
		def := cpuAlarm()
		def.AlarmName = fmt.Sprintf("a%03d", i)
		_, err := h.svc.PutMetricAlarm(ctx, def)
		require.NoError(t, err)
	}
	n := 0
	for page, err := range h.svc.DescribeAlarmsAll(ctx, DescribeAlarmsInput{MaxRecords: metrics.Int32(50)}) {
		require.NoError(t, err)
		for _, a := range page.MetricAlarms {
			assert.Equal(t, fmt.Sprintf("a%03d", n), a.AlarmName)
			n++
		}
	}
	assert.Equal(t, 120, n)
	n = 0
	for _, err := range h.svc.DescribeAlarmHistoryAll(ctx, DescribeAlarmHistoryInput{HistoryItemType: HistoryConfigurationUpdate}) {
		require.NoError(t, err)
		n++
		if n == 70 {
			break
		}
	}
	assert.Equal(t, 70, n)
	for _, err := range h.svc.DescribeAlarmHistoryAll(ctx, DescribeAlarmHistoryInput{MaxRecords: metrics.Int32(500)}) {
		assert.ErrorIs(t, err, ErrValidation)
	}
}
