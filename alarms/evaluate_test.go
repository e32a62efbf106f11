package alarms

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/metrics"
)

var evalTime = time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)

func f64(v float64) *float64 { return &v }

// series turns a row of AWS's missing-data table ("0 - X - X", oldest first,
// newest last) into the datapoints of the evaluation range ending at end:
// 0 is a good value (0.0), X a breaching one (5.0), - a missing period.
func series(row string, end time.Time, period time.Duration) []Datapoint {
	cells := strings.Fields(row)
	var dps []Datapoint
	for i, c := range cells {
		ts := end.Add(-time.Duration(len(cells)-i) * period)
		switch c {
		case "0":
			dps = append(dps, Datapoint{Timestamp: ts, Value: 0, SampleCount: 1})
		case "X":
			dps = append(dps, Datapoint{Timestamp: ts, Value: 5, SampleCount: 1})
		}
	}
	return dps
}

func tableAlarm(m, n int, treat TreatMissingData) PutMetricAlarmInput {
	return PutMetricAlarmInput{
		AlarmName: "table", Namespace: "App", MetricName: "Errors", Statistic: metrics.StatAverage,
		Period: 300, EvaluationPeriods: n, DatapointsToAlarm: m, Threshold: f64(1),
		ComparisonOperator: GreaterThanThreshold, TreatMissingData: treat,
	}
}

const keep = StateValue("keep")

// TestMissingDataTables pins down every row of the two tables of "How alarm
// state is evaluated when data is missing" (AWS user guide).
func TestMissingDataTables(t *testing.T) {
	type row struct {
		points                                   string
		filled                                   int
		missing, ignore, breaching, notBreaching StateValue
	}
	tables := []struct {
		name string
		m, n int
		rows []row
	}{
		{"3 of 3", 3, 3, []row{
			{"0 - X - X", 0, StateOK, StateOK, StateOK, StateOK},
			{"0 - - - -", 2, StateOK, StateOK, StateOK, StateOK},
			{"- - - - -", 3, StateInsufficientData, keep, StateAlarm, StateOK},
			{"0 X X - X", 0, StateAlarm, StateAlarm, StateAlarm, StateAlarm},
			{"- - X - -", 2, StateAlarm, keep, StateAlarm, StateOK},
			// Rows of earlier editions of the same page.
			{"- - - - X", 2, StateInsufficientData, keep, StateAlarm, StateOK},
			{"X - - - -", 2, StateAlarm, keep, StateAlarm, StateOK},
		}},
		{"2 of 3", 2, 3, []row{
			{"0 - X - X", 0, StateAlarm, StateAlarm, StateAlarm, StateAlarm},
			{"0 0 X 0 X", 0, StateAlarm, StateAlarm, StateAlarm, StateAlarm},
			{"0 - X - -", 1, StateOK, StateOK, StateAlarm, StateOK},
			{"- - - - 0", 2, StateOK, StateOK, StateAlarm, StateOK},
			{"- - - X -", 2, StateAlarm, keep, StateAlarm, StateOK},
			{"- - - - X", 2, StateInsufficientData, keep, StateAlarm, StateOK},
		}},
	}
	for _, tb := range tables {
		for _, r := range tb.rows {
			for _, col := range []struct {
				treat TreatMissingData
				want  StateValue
			}{{TreatMissing, r.missing}, {TreatIgnore, r.ignore}, {TreatBreaching, r.breaching}, {TreatNotBreaching, r.notBreaching}} {
				t.Run(fmt.Sprintf("%s/%s/%s", tb.name, r.points, col.treat), func(t *testing.T) {
					def := tableAlarm(tb.m, tb.n, col.treat)
					for _, prev := range []StateValue{StateOK, StateAlarm, StateInsufficientData} {
						ev := mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: prev, Datapoints: series(r.points, evalTime, 5*time.Minute)})
						want := col.want
						if want == keep {
							want = prev
						}
						assert.Equal(t, want, ev.State, "previous state %s", prev)
					}
					var sc scratch
					c := compile(&def)
					c.evaluate(&sc, evalTime, StateOK, series(r.points, evalTime, 5*time.Minute), false)
					o := c.decide(&sc, StateOK)
					assert.Equal(t, r.filled, o.filled, "missing datapoints filled")
				})
			}
		}
	}
}

func TestBreachingFillsOnlyAfterGoodPointLeavesRange(t *testing.T) {
	// AWS: "In the second row ... the alarm stays OK even if missing data is
	// treated as breaching ... The next time this alarm is evaluated, if the
	// data is still missing it will go to ALARM".
	def := tableAlarm(3, 3, TreatBreaching)
	dps := series("0 - - - -", evalTime, 5*time.Minute)
	ev := mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: StateOK, Datapoints: dps})
	assert.Equal(t, StateOK, ev.State)
	ev = mustEvaluate(t, def, EvaluationInput{Time: evalTime.Add(5 * time.Minute), Previous: StateOK, Datapoints: dps})
	assert.Equal(t, StateAlarm, ev.State)
}

func TestMOfNWithoutMissingData(t *testing.T) {
	cases := []struct {
		name   string
		m, n   int
		points string
		want   StateValue
	}{
		{"all three breaching goes to ALARM", 3, 3, "0 0 X X X", StateAlarm},
		{"one good point among the last three is OK", 3, 3, "X X X 0 X", StateOK},
		{"two of three breaching need not be consecutive", 2, 3, "0 0 X 0 X", StateAlarm},
		{"one of three breaching is below M", 2, 3, "X X 0 0 X", StateOK},
		{"4 of 5 with 4 breaching", 4, 5, "0 0 X X 0 X X", StateAlarm},
		{"4 of 5 with 3 breaching", 4, 5, "X X X 0 0 X X", StateOK},
		{"1 of 1 breaching", 1, 1, "0 0 X", StateAlarm},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			def := tableAlarm(tc.m, tc.n, TreatMissing)
			ev := mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: StateInsufficientData, Datapoints: series(tc.points, evalTime, 5*time.Minute)})
			assert.Equal(t, tc.want, ev.State)
		})
	}
}

func TestComparisonOperators(t *testing.T) {
	cases := []struct {
		op    ComparisonOperator
		value float64
		want  StateValue
	}{
		{GreaterThanOrEqualToThreshold, 10, StateAlarm},
		{GreaterThanOrEqualToThreshold, 9.99, StateOK},
		{GreaterThanThreshold, 10, StateOK},
		{GreaterThanThreshold, 10.01, StateAlarm},
		{LessThanThreshold, 10, StateOK},
		{LessThanThreshold, 9, StateAlarm},
		{LessThanOrEqualToThreshold, 10, StateAlarm},
		{LessThanOrEqualToThreshold, 11, StateOK},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%v", tc.op, tc.value), func(t *testing.T) {
			def := tableAlarm(1, 1, TreatMissing)
			def.Threshold = f64(10)
			def.ComparisonOperator = tc.op
			ev := mustEvaluate(t, def, EvaluationInput{Time: evalTime, Datapoints: []Datapoint{{Timestamp: evalTime.Add(-5 * time.Minute), Value: tc.value}}})
			assert.Equal(t, tc.want, ev.State)
		})
	}
}

func TestDynamoDBAlwaysIgnoresMissingData(t *testing.T) {
	def := tableAlarm(1, 1, TreatBreaching)
	def.Namespace = "AWS/DynamoDB"
	ev := mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: StateOK})
	assert.Equal(t, StateOK, ev.State, "missing data keeps the state whatever TreatMissingData says")
	assert.False(t, ev.Changed)
	ev = mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: StateAlarm})
	assert.Equal(t, StateAlarm, ev.State)
}

func TestPercentileLowSampleCount(t *testing.T) {
	def := tableAlarm(1, 1, TreatMissing)
	def.Statistic = ""
	def.ExtendedStatistic = "p99"
	dp := []Datapoint{{Timestamp: evalTime.Add(-5 * time.Minute), Value: 5, SampleCount: 999}}
	def.EvaluateLowSampleCountPercentile = LowSampleIgnore
	ev := mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: StateOK, Datapoints: dp})
	assert.Equal(t, StateOK, ev.State, "p99 with fewer than 1000 samples is ignored")
	dp[0].SampleCount = 1000
	ev = mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: StateOK, Datapoints: dp})
	assert.Equal(t, StateAlarm, ev.State, "1000 samples are enough for p99")
	dp[0].SampleCount = 3
	def.EvaluateLowSampleCountPercentile = LowSampleEvaluate
	ev = mustEvaluate(t, def, EvaluationInput{Time: evalTime, Previous: StateOK, Datapoints: dp})
	assert.Equal(t, StateAlarm, ev.State, "evaluate uses the datapoint whatever its sample count")

	assert.Equal(t, 1000.0, minSamples("p99"))
	assert.Equal(t, 100.0, minSamples("p90"))
	assert.Equal(t, 20.0, minSamples("p50"))
	assert.Equal(t, 100.0, minSamples("p10"))
	assert.Equal(t, 200.0, minSamples("p95"))
	assert.Equal(t, 31.0, minSamples("p33"))
	assert.Zero(t, minSamples("tm99"))
	assert.Zero(t, minSamples("p100"))
}

func TestAnomalyBandOperators(t *testing.T) {
	def := PutMetricAlarmInput{
		AlarmName: "band", EvaluationPeriods: 1, DatapointsToAlarm: 1, ThresholdMetricId: "ad1",
		ComparisonOperator: LessThanLowerOrGreaterThanUpperThreshold,
		Metrics: []metrics.MetricDataQuery{
			{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "Latency"}, Period: 60, Stat: "Average"}},
			{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)"},
		},
	}
	at := evalTime.Add(-time.Minute)
	cases := []struct {
		op    ComparisonOperator
		value float64
		want  StateValue
	}{
		{LessThanLowerOrGreaterThanUpperThreshold, 5, StateOK},
		{LessThanLowerOrGreaterThanUpperThreshold, 11, StateAlarm},
		{LessThanLowerOrGreaterThanUpperThreshold, 1, StateAlarm},
		{LessThanLowerThreshold, 11, StateOK},
		{LessThanLowerThreshold, 1, StateAlarm},
		{GreaterThanUpperThreshold, 1, StateOK},
		{GreaterThanUpperThreshold, 11, StateAlarm},
	}
	for _, tc := range cases {
		def.ComparisonOperator = tc.op
		ev := mustEvaluate(t, def, EvaluationInput{Time: evalTime, Datapoints: []Datapoint{{Timestamp: at, Value: tc.value, Lower: 2, Upper: 10, HasBand: true}}})
		assert.Equal(t, tc.want, ev.State, "%s %v", tc.op, tc.value)
		assert.True(t, json.Valid([]byte(ev.ReasonData)), ev.ReasonData)
	}
}

func TestJavaDouble(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0.0", 1: "1.0", 90: "90.0", 0.5: "0.5", -3.25: "-3.25",
		0.01758096118768056: "0.01758096118768056", 3.4666088898518357: "3.4666088898518357",
		1e7: "1.0E7", 1.5e-5: "1.5E-5", 123456789: "1.23456789E8", 0.001: "0.001", 9999999: "9999999.0",
	} {
		assert.Equal(t, want, javaDouble(v), "%v", v)
	}
}

func TestReasonDataIsValidJSON(t *testing.T) {
	for _, treat := range []TreatMissingData{TreatMissing, TreatBreaching, TreatNotBreaching, TreatIgnore} {
		for _, row := range []string{"0 - X - X", "- - - - -", "0 X X - X", "- - X - -", "0 - - - -"} {
			ev := mustEvaluate(t, tableAlarm(2, 3, treat), EvaluationInput{Time: evalTime, Datapoints: series(row, evalTime, 5*time.Minute)})
			if ev.ReasonData == "" {
				continue
			}
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(ev.ReasonData), &m), ev.ReasonData)
			assert.Equal(t, "1.0", m["version"])
		}
	}
}

// mustEvaluate is Evaluate for definitions the test knows are valid.
func mustEvaluate(tb testing.TB, def PutMetricAlarmInput, in EvaluationInput) Evaluation {
	tb.Helper()
	ev, err := Evaluate(def, in)
	require.NoError(tb, err)
	return ev
}
