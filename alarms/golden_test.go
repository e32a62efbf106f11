package alarms

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/metrics"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

func TestDefinitionsDecodeFromDescribeAlarmsJSON(t *testing.T) {
	f, err := os.Open("testdata/describe-alarms.json")
	require.NoError(t, err)
	defer f.Close()
	var out DescribeAlarmsOutput
	require.NoError(t, json.NewDecoder(f).Decode(&out))
	require.Len(t, out.MetricAlarms, 3)
	a := out.MetricAlarms[0]
	assert.Equal(t, "web-cpu-high", a.AlarmName)
	assert.Equal(t, 80.0, *a.Threshold)
	assert.Equal(t, 2, a.DatapointsToAlarm)
	assert.Equal(t, time.Date(2024, 4, 23, 20, 50, 27, 369000000, time.UTC), a.StateUpdatedTimestamp.UTC())
	assert.Equal(t, "e1", out.MetricAlarms[1].Metrics[0].Id)
	assert.False(t, *out.MetricAlarms[1].Metrics[1].ReturnData)

	h := newHarness(t)
	for _, m := range out.MetricAlarms {
		_, err := h.svc.PutMetricAlarm(context.Background(), m.Definition())
		require.NoError(t, err, m.AlarmName)
	}
	got, err := h.svc.DescribeAlarms(context.Background(), DescribeAlarmsInput{})
	require.NoError(t, err)
	require.Len(t, got.MetricAlarms, 3)
	assert.Equal(t, "api-error-rate", got.MetricAlarms[0].AlarmName)
	assert.False(t, got.MetricAlarms[1].ActionsEnabled)
	assert.Equal(t, "p99", got.MetricAlarms[1].ExtendedStatistic)

	// The JSON we print decodes back into the same definition.
	b, err := json.Marshal(got)
	require.NoError(t, err)
	var again DescribeAlarmsOutput
	require.NoError(t, json.Unmarshal(b, &again))
	assert.Equal(t, got.MetricAlarms[2].Definition(), again.MetricAlarms[2].Definition())
}

func TestBacktestFromGetMetricDataJSON(t *testing.T) {
	f, err := os.Open("testdata/get-metric-data.json")
	require.NoError(t, err)
	defer f.Close()
	series, err := SeriesFromGetMetricData(f, "m1")
	require.NoError(t, err)
	require.Len(t, series, 6)
	def := PutMetricAlarmInput{AlarmName: "cpu", Namespace: "AWS/EC2", MetricName: "CPUUtilization", Statistic: "Average",
		Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: f64(90), ComparisonOperator: GreaterThanThreshold}
	tl, err := Backtest(def, series)
	require.NoError(t, err)
	var got []string
	for _, tr := range tl {
		got = append(got, tr.Time.Format("15:04")+" "+string(tr.NewState))
	}
	// Minutes 20:00..20:05 hold 10, 91, 40, 95.25, 97.5, 12 (threshold 90, 2 of 3).
	// At 20:04 the newest three are 91, 40, 95.25: ALARM. After the metric
	// stops at 20:05 the alarm keeps evaluating the last real points while they
	// are in the 5-period range: [95.25, 97.5, 12] is still 2 of 3 until 20:08;
	// at 20:09 only 97.5 and 12 remain (fewer than N, a good point): OK; at
	// 20:11 nothing is left: INSUFFICIENT_DATA.
	assert.Equal(t, []string{"20:01 OK", "20:04 ALARM", "20:09 OK", "20:11 INSUFFICIENT_DATA"}, got)

	_, err = Backtest(PutMetricAlarmInput{AlarmName: "bad"}, series)
	assert.Error(t, err, "the definition is validated")
}

func TestBacktestReportsPeriodsEndingAtEachEvaluation(t *testing.T) {
	// A 5-minute alarm is evaluated every minute; its periods end at the
	// evaluation time, so the series' 10:00 and 10:05 datapoints appear as
	// the periods starting 09:56 and 10:01.
	def := PutMetricAlarmInput{AlarmName: "five", Namespace: "App", MetricName: "Errors", Statistic: "Sum",
		Period: 300, EvaluationPeriods: 1, Threshold: f64(10), ComparisonOperator: GreaterThanThreshold}
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	tl, err := Backtest(def, []Datapoint{{Timestamp: t0, Value: 20}, {Timestamp: t0.Add(5 * time.Minute), Value: 1}})
	require.NoError(t, err)
	require.Len(t, tl, 3)
	assert.Equal(t, t0.Add(time.Minute), tl[0].Time)
	assert.Equal(t, StateAlarm, tl[0].NewState)
	assert.Equal(t, "Threshold Crossed: 1 datapoint [20.0 (01/01/26 09:56:00)] was greater than the threshold (10.0).", tl[0].StateReason)
	assert.Contains(t, tl[0].StateReasonData, `"evaluatedDatapoints":[{"timestamp":"2026-01-01T09:56:00.000+0000","value":20.0}]`)
	assert.Equal(t, t0.Add(6*time.Minute), tl[1].Time)
	assert.Equal(t, StateOK, tl[1].NewState)
	assert.Contains(t, tl[1].StateReason, "[1.0 (01/01/26 10:01:00)]")
	assert.Equal(t, StateInsufficientData, tl[2].NewState, "after the series ends the range empties")
}

// goldenCase is one evaluation whose StateReason and StateReasonData are
// pinned in testdata/golden.
type goldenCase struct {
	name string
	def  PutMetricAlarmInput
	prev StateValue
	row  string
}

func TestStateReasonGolden(t *testing.T) {
	base := func(m, n int, treat TreatMissingData) PutMetricAlarmInput {
		d := tableAlarm(m, n, treat)
		d.Threshold = f64(1)
		return d
	}
	classic := func(n int, treat TreatMissingData) PutMetricAlarmInput {
		d := base(n, n, treat)
		d.DatapointsToAlarm = 0
		return d
	}
	withUnit := base(1, 1, TreatMissing)
	withUnit.Unit = "Count"
	p99 := base(2, 3, TreatMissing)
	p99.Statistic, p99.ExtendedStatistic = "", "p99"
	cases := []goldenCase{
		{"m_of_n_alarm", base(2, 3, TreatMissing), StateOK, "0 0 X 0 X"},
		{"m_of_n_ok", base(2, 3, TreatMissing), StateAlarm, "X X 0 0 X"},
		{"classic_alarm", classic(3, TreatMissing), StateOK, "0 0 X X X"},
		{"classic_ok", classic(1, TreatMissing), StateAlarm, "X X 0"},
		{"insufficient_all_missing", base(3, 3, TreatMissing), StateOK, "- - - - -"},
		{"insufficient_premature_guard", base(3, 3, TreatMissing), StateOK, "- - - - X"},
		{"premature_guard_alarm", base(3, 3, TreatMissing), StateOK, "- - X - -"},
		{"breaching_all_missing", classic(2, TreatBreaching), StateOK, "- - - -"},
		{"breaching_partial_ok", classic(2, TreatBreaching), StateAlarm, "- - 0 -"},
		{"not_breaching_ok", base(2, 3, TreatNotBreaching), StateAlarm, "0 - X - -"},
		{"unit_in_reason_data", withUnit, StateOK, "- - X"},
		{"extended_statistic", p99, StateOK, "0 X 0 X X"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := mustEvaluate(t, tc.def, EvaluationInput{Time: evalTime.Add(1234 * time.Millisecond), Previous: tc.prev, Datapoints: series(tc.row, evalTime, 5*time.Minute)})
			require.True(t, json.Valid([]byte(ev.ReasonData)), ev.ReasonData)
			got := "state: " + string(ev.State) + "\nreason: " + ev.Reason + "\nreasonData: " + ev.ReasonData + "\n"
			path := filepath.Join("testdata", "golden", tc.name+".txt")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestStateReasonGolden -update")
			assert.Equal(t, string(want), got)
			assert.False(t, strings.Contains(ev.ReasonData, `\u003e`))
		})
	}
}

func TestDescribeAlarmsEntryDecodesIntoPutMetricAlarmInput(t *testing.T) {
	b, err := os.ReadFile("testdata/describe-alarms.json")
	require.NoError(t, err)
	var raw struct{ MetricAlarms []json.RawMessage }
	require.NoError(t, json.Unmarshal(b, &raw))
	var def PutMetricAlarmInput
	require.NoError(t, json.Unmarshal(raw.MetricAlarms[0], &def), "output-only fields are ignored")
	assert.Equal(t, "web-cpu-high", def.AlarmName)
	assert.True(t, *def.ActionsEnabled)
	h := newHarness(t)
	_, err = h.svc.PutMetricAlarm(context.Background(), def)
	require.NoError(t, err)
}

func TestTags(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	def := cpuAlarm()
	def.Tags = []Tag{{Key: "team", Value: "web"}}
	_, err := h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	arn := "arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighCPU"
	_, err = h.svc.TagResource(ctx, TagResourceInput{ResourceARN: arn, Tags: []Tag{{Key: "team", Value: "sre"}, {Key: "tier", Value: "1"}}})
	require.NoError(t, err)
	_, err = h.svc.UntagResource(ctx, UntagResourceInput{ResourceARN: arn, TagKeys: []string{"tier", "nope"}})
	require.NoError(t, err)
	out, err := h.svc.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceARN: arn})
	require.NoError(t, err)
	assert.Equal(t, []Tag{{Key: "team", Value: "sre"}}, out.Tags)
	_, err = h.svc.TagResource(ctx, TagResourceInput{ResourceARN: arn + "x", Tags: []Tag{{Key: "a", Value: "b"}}})
	assert.ErrorIs(t, err, ErrResourceNotFoundException)
	many := make([]Tag, 50)
	for i := range many {
		many[i] = Tag{Key: fmt.Sprint("k", i), Value: "v"}
	}
	_, err = h.svc.TagResource(ctx, TagResourceInput{ResourceARN: arn, Tags: many})
	assert.ErrorIs(t, err, ErrLimitExceeded)
}

func FuzzSeriesFromGetMetricData(f *testing.F) {
	b, err := os.ReadFile("testdata/get-metric-data.json")
	require.NoError(f, err)
	f.Add(string(b), "m1")
	f.Add(`{"MetricDataResults":[{"Id":"a","Timestamps":[],"Values":[1]}]}`, "")
	f.Fuzz(func(t *testing.T, doc, id string) {
		series, err := SeriesFromGetMetricData(strings.NewReader(doc), id)
		if err != nil {
			return
		}
		for i := 1; i < len(series); i++ {
			if series[i].Timestamp.Before(series[i-1].Timestamp) {
				t.Fatal("series not sorted")
			}
		}
	})
}

func TestPartialDataSetsEvaluationState(t *testing.T) {
	h := newHarness(t)
	h.svc.source = MetricSourceFunc(func(_ context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
		return &metrics.GetMetricDataOutput{MetricDataResults: []metrics.MetricDataResult{{Id: in.MetricDataQueries[0].Id, StatusCode: metrics.StatusPartialData}}}, nil
	})
	_, err := h.svc.PutMetricAlarm(context.Background(), cpuAlarm())
	require.NoError(t, err)
	h.clk.Advance(time.Minute)
	assert.Equal(t, "PARTIAL_DATA", h.state(t, "HighCPU").EvaluationState)
}
