package alarms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/metrics"
)

var t0 = time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)

const topic = "arn:aws:sns:us-east-1:123456789012:ops"

type harness struct {
	mu     sync.Mutex // guards the slices below (subscribers may run concurrently)
	clk    *clock.Manual
	bus    *bus.Bus
	src    *fakeSource
	svc    *Service
	notes  []event.Notification
	change []StateChange
	calls  []event.APICall
}

func newHarness(t *testing.T) *harness {
	h := &harness{clk: clock.NewManual(t0), bus: &bus.Bus{}, src: newFake()}
	h.svc = New(Options{Clock: h.clk, Bus: h.bus, IDs: ids.New(1), Metrics: h.src})
	t.Cleanup(h.svc.Close)
	bus.Subscribe(h.bus, "test", func(_ context.Context, n event.Notification) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.notes = append(h.notes, n)
		return nil
	})
	bus.Subscribe(h.bus, "test", func(_ context.Context, c StateChange) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.change = append(h.change, c)
		return nil
	})
	bus.Subscribe(h.bus, "test", func(_ context.Context, c event.APICall) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.calls = append(h.calls, c)
		return nil
	})
	return h
}

func cpuAlarm() PutMetricAlarmInput {
	return PutMetricAlarmInput{
		AlarmName: "HighCPU", Namespace: "App", MetricName: "CPU", Statistic: metrics.StatAverage,
		Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: f64(80),
		ComparisonOperator: GreaterThanThreshold, AlarmActions: []string{topic}, OKActions: []string{topic},
	}
}

func (h *harness) state(t *testing.T, name string) MetricAlarm {
	out, err := h.svc.DescribeAlarms(context.Background(), DescribeAlarmsInput{AlarmNames: []string{name}})
	require.NoError(t, err)
	require.Len(t, out.MetricAlarms, 1)
	return out.MetricAlarms[0]
}

func TestScenarioMetricAlarmGoesToAlarmAndNotifies(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	a := h.state(t, "HighCPU")
	assert.Equal(t, StateInsufficientData, a.StateValue)
	assert.Equal(t, "Unchecked: Initial alarm creation", a.StateReason)

	// Two good minutes, then two breaching minutes.
	h.src.put("CPU", t0.Add(10*time.Second), 20)
	h.src.put("CPU", t0.Add(70*time.Second), 30)
	h.clk.Advance(2 * time.Minute)
	assert.Equal(t, StateOK, h.state(t, "HighCPU").StateValue)
	h.src.put("CPU", t0.Add(130*time.Second), 95)
	h.clk.Advance(time.Minute)
	assert.Equal(t, StateOK, h.state(t, "HighCPU").StateValue, "1 of 3 breaching is below M")
	h.src.put("CPU", t0.Add(190*time.Second), 99)
	h.clk.Advance(time.Minute)
	a = h.state(t, "HighCPU")
	require.Equal(t, StateAlarm, a.StateValue)
	assert.Equal(t, "Threshold Crossed: 2 out of the last 3 datapoints [99.0 (24/11/26 19:03:00), 95.0 (24/11/26 19:02:00)] were greater than the threshold (80.0) (minimum 2 datapoints for OK -> ALARM transition).", a.StateReason)
	assert.Equal(t, `{"version":"1.0","queryDate":"2026-11-24T19:04:00.000+0000","startDate":"2026-11-24T19:01:00.000+0000","statistic":"Average","period":60,"recentDatapoints":[30.0,95.0,99.0],"threshold":80.0,"evaluatedDatapoints":[{"timestamp":"2026-11-24T19:03:00.000+0000","sampleCount":1.0,"value":99.0},{"timestamp":"2026-11-24T19:02:00.000+0000","sampleCount":1.0,"value":95.0}]}`, a.StateReasonData)
	assert.Equal(t, t0.Add(4*time.Minute), a.StateTransitionedTimestamp)

	require.Len(t, h.notes, 2, "OK notification on the first transition, ALARM on the second")
	n := h.notes[1]
	assert.Equal(t, topic, n.TopicARN)
	assert.Equal(t, `ALARM: "HighCPU" in US East (N. Virginia)`, n.Subject)
	var msg map[string]any
	require.NoError(t, json.Unmarshal([]byte(n.Message), &msg))
	assert.Equal(t, "ALARM", msg["NewStateValue"])
	assert.Equal(t, "OK", msg["OldStateValue"])
	assert.Equal(t, "US East (N. Virginia)", msg["Region"])
	assert.Equal(t, "AVERAGE", msg["Trigger"].(map[string]any)["Statistic"])
	assert.Nil(t, msg["AlarmDescription"])

	require.Len(t, h.change, 2)
	assert.Equal(t, StateChange{AlarmName: "HighCPU", AlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighCPU", AlarmType: AlarmTypeMetric,
		OldState: StateOK, NewState: StateAlarm, StateReason: a.StateReason, StateReasonData: a.StateReasonData, Time: t0.Add(4 * time.Minute)}, h.change[1])

	// Staying in ALARM does not notify again.
	h.src.put("CPU", t0.Add(250*time.Second), 99)
	h.clk.Advance(time.Minute)
	assert.Len(t, h.notes, 2)

	hist, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{AlarmName: "HighCPU", ScanBy: ScanByTimestampAscending})
	require.NoError(t, err)
	var kinds []string
	for _, it := range hist.AlarmHistoryItems {
		kinds = append(kinds, string(it.HistoryItemType)+": "+it.HistorySummary)
		assert.True(t, json.Valid([]byte(it.HistoryData)), it.HistoryData)
	}
	assert.Equal(t, []string{
		`ConfigurationUpdate: Alarm "HighCPU" created`,
		"StateUpdate: Alarm updated from INSUFFICIENT_DATA to OK",
		"Action: Successfully executed action " + topic,
		"StateUpdate: Alarm updated from OK to ALARM",
		"Action: Successfully executed action " + topic,
	}, kinds)

	require.NotEmpty(t, h.calls)
	assert.Equal(t, "PutMetricAlarm", h.calls[0].EventName)
	assert.Equal(t, "monitoring.amazonaws.com", h.calls[0].EventSource)
	assert.Equal(t, "HighCPU", h.calls[0].RequestParameters.(map[string]any)["alarmName"])
}

func TestNewAlarmWithoutDataStaysInsufficient(t *testing.T) {
	// Property: with no data and TreatMissingData missing (or ignore), a new
	// alarm stays INSUFFICIENT_DATA however long the clock runs, for any M of N.
	for n := 1; n <= 6; n++ {
		for m := 1; m <= n; m++ {
			for _, treat := range []TreatMissingData{"", TreatMissing, TreatIgnore} {
				h := newHarness(t)
				def := cpuAlarm()
				def.EvaluationPeriods, def.DatapointsToAlarm, def.TreatMissingData = n, m, treat
				_, err := h.svc.PutMetricAlarm(context.Background(), def)
				require.NoError(t, err)
				h.clk.Advance(time.Duration(3*n+5) * time.Minute)
				assert.Equal(t, StateInsufficientData, h.state(t, "HighCPU").StateValue, "%d of %d %q", m, n, treat)
				assert.Empty(t, h.change)
			}
		}
	}
}

func TestMissingDataTreatedAsBreaching(t *testing.T) {
	h := newHarness(t)
	def := cpuAlarm()
	def.EvaluationPeriods, def.DatapointsToAlarm, def.TreatMissingData = 2, 0, TreatBreaching
	_, err := h.svc.PutMetricAlarm(context.Background(), def)
	require.NoError(t, err)
	h.clk.Advance(time.Minute)
	a := h.state(t, "HighCPU")
	assert.Equal(t, StateAlarm, a.StateValue)
	assert.Equal(t, "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].", a.StateReason)
	h.src.put("CPU", t0.Add(70*time.Second), 10)
	h.clk.Advance(time.Minute)
	a = h.state(t, "HighCPU")
	assert.Equal(t, StateOK, a.StateValue)
	assert.Equal(t, "Threshold Crossed: 1 datapoint [10.0 (24/11/26 19:01:00)] was not greater than the threshold (80.0) and 1 missing datapoint was treated as [Breaching].", a.StateReason)
}

func TestSetAlarmStateIsTemporary(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	for i := range 3 {
		h.src.put("CPU", t0.Add(time.Duration(i)*time.Minute), 10)
	}
	h.clk.Advance(3 * time.Minute)
	require.Equal(t, StateOK, h.state(t, "HighCPU").StateValue)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "testing actions"})
	require.NoError(t, err)
	a := h.state(t, "HighCPU")
	assert.Equal(t, StateAlarm, a.StateValue)
	assert.Equal(t, "testing actions", a.StateReason)
	assert.Equal(t, `ALARM: "HighCPU" in US East (N. Virginia)`, h.notes[len(h.notes)-1].Subject, "actions of the set state run")
	h.src.put("CPU", t0.Add(3*time.Minute), 10)
	h.clk.Advance(time.Minute)
	assert.Equal(t, StateOK, h.state(t, "HighCPU").StateValue, "the next evaluation puts it back")

	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "nope", StateValue: StateAlarm, StateReason: "x"})
	assert.ErrorIs(t, err, ErrResourceNotFound)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "x", StateReasonData: "{not json"})
	assert.ErrorIs(t, err, ErrInvalidFormat)
}

func TestDisabledActionsDoNotRun(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	_, err = h.svc.DisableAlarmActions(ctx, DisableAlarmActionsInput{AlarmNames: []string{"HighCPU"}})
	require.NoError(t, err)
	assert.False(t, h.state(t, "HighCPU").ActionsEnabled)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	assert.Empty(t, h.notes)
	assert.Len(t, h.change, 1, "the state change is still published")
	_, err = h.svc.EnableAlarmActions(ctx, EnableAlarmActionsInput{AlarmNames: []string{"HighCPU"}})
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateOK, StateReason: "y"})
	require.NoError(t, err)
	assert.Len(t, h.notes, 1)
}

func TestEC2AndAutoScalingActionsCallHandlers(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var got []ActionRequest
	h.svc.SetActionHandler(ActionEC2, func(_ context.Context, r ActionRequest) error { got = append(got, r); return nil })
	h.svc.SetActionHandler(ActionAutoScaling, func(_ context.Context, r ActionRequest) error {
		got = append(got, r)
		return errors.New("policy not found")
	})
	def := cpuAlarm()
	def.Dimensions = []metrics.Dimension{{Name: "InstanceId", Value: "i-0abc"}}
	policy := "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0b1c:autoScalingGroupName/web:policyName/up"
	def.AlarmActions = []string{"arn:aws:automate:us-east-1:ec2:stop", policy}
	def.OKActions = nil
	_, err := h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	for i := range 3 {
		h.src.put("CPU", t0.Add(time.Duration(i)*time.Minute), 99)
	}
	h.clk.Advance(2 * time.Minute) // 2 of 3 breaching at 19:02
	require.Len(t, got, 2)
	assert.Equal(t, "stop", got[0].EC2Action)
	assert.Equal(t, "i-0abc", got[0].InstanceID)
	assert.Equal(t, ActionAutoScaling, got[1].Kind)
	// Auto Scaling actions repeat every period while the alarm stays in ALARM.
	h.src.put("CPU", t0.Add(3*time.Minute), 99)
	h.clk.Advance(time.Minute)
	require.Len(t, got, 3)
	assert.Equal(t, ActionAutoScaling, got[2].Kind)

	hist, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{HistoryItemType: HistoryAction, ScanBy: ScanByTimestampAscending})
	require.NoError(t, err)
	require.Len(t, hist.AlarmHistoryItems, 3)
	assert.Equal(t, "Successfully executed action arn:aws:automate:us-east-1:ec2:stop", hist.AlarmHistoryItems[0].HistorySummary)
	assert.Equal(t, "Failed to execute action "+policy, hist.AlarmHistoryItems[1].HistorySummary)
	assert.Contains(t, hist.AlarmHistoryItems[1].HistoryData, "policy not found")
}

func TestActionWithoutHandlerIsRecordedAsFailed(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	def := cpuAlarm()
	def.AlarmActions = []string{"arn:aws:lambda:us-east-1:123456789012:function:page"}
	_, err := h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	hist, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{HistoryItemType: HistoryAction})
	require.NoError(t, err)
	require.Len(t, hist.AlarmHistoryItems, 1)
	assert.Contains(t, hist.AlarmHistoryItems[0].HistorySummary, "Failed to execute action")
}

func TestUpdateKeepsStateAndRecordsConfigurationUpdate(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	def := cpuAlarm()
	def.Threshold = f64(90)
	def.Tags = []Tag{{Key: "team", Value: "a"}}
	_, err = h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	a := h.state(t, "HighCPU")
	assert.Equal(t, StateAlarm, a.StateValue)
	assert.Equal(t, 90.0, *a.Threshold)
	hist, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{HistoryItemType: HistoryConfigurationUpdate})
	require.NoError(t, err)
	require.Len(t, hist.AlarmHistoryItems, 2)
	assert.Equal(t, `Alarm "HighCPU" updated`, hist.AlarmHistoryItems[0].HistorySummary)
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(hist.AlarmHistoryItems[0].HistoryData), &data))
	assert.Equal(t, "Update", data["type"])
	assert.Equal(t, 80.0, data["originalUpdatedFields"].(map[string]any)["threshold"])
	tags, err := h.svc.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceARN: a.AlarmArn})
	require.NoError(t, err)
	assert.Empty(t, tags.Tags, "tags given on update are ignored")
}

func TestDescribeAlarmsFiltersAndPagination(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for i := range 7 {
		def := cpuAlarm()
		def.AlarmName = fmt.Sprintf("web-%d", i)
		if i%2 == 1 {
			def.AlarmActions = []string{"arn:aws:sns:us-east-1:123456789012:other"}
		}
		_, err := h.svc.PutMetricAlarm(ctx, def)
		require.NoError(t, err)
	}
	def := cpuAlarm()
	def.AlarmName = "db"
	_, err := h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "web-3", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)

	names := func(out *DescribeAlarmsOutput) []string {
		var n []string
		for _, a := range out.MetricAlarms {
			n = append(n, a.AlarmName)
		}
		for _, a := range out.CompositeAlarms {
			n = append(n, a.AlarmName)
		}
		return n
	}
	out, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmNamePrefix: "web-", MaxRecords: metrics.Int32(3)})
	require.NoError(t, err)
	assert.Equal(t, []string{"web-0", "web-1", "web-2"}, names(out))
	require.NotEmpty(t, out.NextToken)
	var all []string
	all = append(all, names(out)...)
	for out.NextToken != "" {
		out, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmNamePrefix: "web-", MaxRecords: metrics.Int32(3), NextToken: out.NextToken})
		require.NoError(t, err)
		all = append(all, names(out)...)
	}
	assert.Equal(t, []string{"web-0", "web-1", "web-2", "web-3", "web-4", "web-5", "web-6"}, all)

	out, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{StateValue: StateAlarm})
	require.NoError(t, err)
	assert.Equal(t, []string{"web-3"}, names(out))
	out, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{ActionPrefix: "arn:aws:sns:us-east-1:123456789012:oth"})
	require.NoError(t, err)
	assert.Equal(t, []string{"web-1", "web-3", "web-5"}, names(out))

	_, err = h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "web-any", AlarmRule: `ALARM("web-1") OR ALARM(web-3)`})
	require.NoError(t, err)
	out, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmNamePrefix: "web-a"})
	require.NoError(t, err)
	assert.Empty(t, names(out), "without AlarmTypes only metric alarms are listed")
	out, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmNamePrefix: "web-a", AlarmTypes: []AlarmType{AlarmTypeComposite}})
	require.NoError(t, err)
	assert.Equal(t, []string{"web-any"}, names(out))
	out, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{ChildrenOfAlarmName: "web-any", AlarmTypes: []AlarmType{AlarmTypeMetric, AlarmTypeComposite}})
	require.NoError(t, err)
	assert.Equal(t, []string{"web-1", "web-3"}, names(out))
	out, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{ParentsOfAlarmName: "web-3", AlarmTypes: []AlarmType{AlarmTypeComposite}})
	require.NoError(t, err)
	assert.Equal(t, []string{"web-any"}, names(out))

	_, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{NextToken: "garbage!"})
	assert.ErrorIs(t, err, ErrInvalidNextToken)
	_, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{MaxRecords: metrics.Int32(101)})
	assert.ErrorIs(t, err, ErrValidation)
	_, err = h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmNames: []string{"a"}, AlarmNamePrefix: "b"})
	assert.ErrorIs(t, err, ErrInvalidParameterCombination)

	fm, err := h.svc.DescribeAlarmsForMetric(ctx, DescribeAlarmsForMetricInput{Namespace: "App", MetricName: "CPU", Period: metrics.Int32(60)})
	require.NoError(t, err)
	assert.Len(t, fm.MetricAlarms, 8)
	fm, err = h.svc.DescribeAlarmsForMetric(ctx, DescribeAlarmsForMetricInput{Namespace: "App", MetricName: "CPU", Statistic: metrics.StatSum})
	require.NoError(t, err)
	assert.Empty(t, fm.MetricAlarms)
}

func TestDeleteAlarms(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	_, err = h.svc.DeleteAlarms(ctx, DeleteAlarmsInput{AlarmNames: []string{"HighCPU", "missing"}})
	assert.ErrorIs(t, err, ErrResourceNotFound)
	h.state(t, "HighCPU") // nothing deleted
	_, err = h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "c1", AlarmRule: `ALARM(HighCPU)`})
	require.NoError(t, err)
	_, err = h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "c2", AlarmRule: `ALARM(c1)`})
	require.NoError(t, err)
	_, err = h.svc.DeleteAlarms(ctx, DeleteAlarmsInput{AlarmNames: []string{"c1"}})
	assert.ErrorIs(t, err, ErrInvalidParameterValue, "a composite another composite depends on cannot be deleted")
	_, err = h.svc.DeleteAlarms(ctx, DeleteAlarmsInput{AlarmNames: []string{"c2", "c1", "HighCPU"}})
	require.NoError(t, err)
	out, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmTypes: []AlarmType{AlarmTypeMetric, AlarmTypeComposite}})
	require.NoError(t, err)
	assert.Empty(t, out.MetricAlarms)
	assert.Empty(t, out.CompositeAlarms)
	calls := h.src.calls
	h.clk.Advance(5 * time.Minute)
	assert.Equal(t, calls, h.src.calls, "a deleted alarm is no longer evaluated")
	hist, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{AlarmName: "HighCPU", HistoryItemType: HistoryConfigurationUpdate})
	require.NoError(t, err)
	assert.Equal(t, `Alarm "HighCPU" deleted`, hist.AlarmHistoryItems[0].HistorySummary)
}

func TestDescribeAlarmHistoryOrderRangeAndPages(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	states := []StateValue{StateAlarm, StateOK, StateAlarm, StateOK, StateAlarm}
	for _, st := range states {
		h.clk.Advance(time.Second)
		_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: st, StateReason: "x"})
		require.NoError(t, err)
	}
	var got []time.Time
	tok := ""
	for {
		out, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{HistoryItemType: HistoryStateUpdate, MaxRecords: metrics.Int32(2), NextToken: tok})
		require.NoError(t, err)
		for _, it := range out.AlarmHistoryItems {
			got = append(got, it.Timestamp)
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	require.Len(t, got, 5)
	for i := 1; i < len(got); i++ {
		assert.True(t, got[i-1].After(got[i]), "newest first by default")
	}
	out, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{HistoryItemType: HistoryStateUpdate, ScanBy: ScanByTimestampAscending,
		StartDate: new(t0.Add(2 * time.Second)), EndDate: new(t0.Add(4 * time.Second))})
	require.NoError(t, err)
	require.Len(t, out.AlarmHistoryItems, 3)
	assert.Equal(t, t0.Add(2*time.Second), out.AlarmHistoryItems[0].Timestamp)
	var data struct {
		Version  string
		OldState struct{ StateValue string }
		NewState struct{ StateValue, StateReason string }
	}
	require.NoError(t, json.Unmarshal([]byte(out.AlarmHistoryItems[0].HistoryData), &data))
	assert.Equal(t, "1.0", data.Version)
	assert.Equal(t, "ALARM", data.OldState.StateValue)
	assert.Equal(t, "OK", data.NewState.StateValue)

	// History is kept two weeks.
	h.clk.Advance(15 * 24 * time.Hour)
	out, err = h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{AlarmName: "HighCPU", HistoryItemType: HistoryStateUpdate})
	require.NoError(t, err)
	assert.Empty(t, out.AlarmHistoryItems)

	_, err = h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{ScanBy: "Sideways"})
	assert.ErrorIs(t, err, ErrValidation)
	_, err = h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{StartDate: new(t0.Add(time.Hour)), EndDate: new(t0)})
	assert.ErrorIs(t, err, ErrInvalidParameterValue)
	_, err = h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{NextToken: "%%%"})
	assert.ErrorIs(t, err, ErrInvalidNextToken)
}

func TestHighResolutionAlarmEvaluatesEveryTenSeconds(t *testing.T) {
	h := newHarness(t)
	def := cpuAlarm()
	def.Period, def.EvaluationPeriods, def.DatapointsToAlarm = 10, 1, 0
	_, err := h.svc.PutMetricAlarm(context.Background(), def)
	require.NoError(t, err)
	h.src.put("CPU", t0.Add(2*time.Second), 99)
	h.clk.Advance(10 * time.Second)
	a := h.state(t, "HighCPU")
	assert.Equal(t, StateAlarm, a.StateValue)
	assert.Equal(t, t0.Add(10*time.Second), a.StateTransitionedTimestamp)
	// The range of a high-resolution alarm spans at least a minute and a
	// period (7 periods of 10 s): the point leaves it at 19:01:20.
	h.clk.Advance(60 * time.Second)
	assert.Equal(t, StateAlarm, h.state(t, "HighCPU").StateValue)
	h.clk.Advance(10 * time.Second)
	a = h.state(t, "HighCPU")
	assert.Equal(t, StateInsufficientData, a.StateValue)
	assert.Equal(t, t0.Add(80*time.Second), a.StateTransitionedTimestamp)
}

func TestSourceErrorSetsEvaluationState(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.PutMetricAlarm(context.Background(), cpuAlarm())
	require.NoError(t, err)
	h.src.fail = true
	h.clk.Advance(time.Minute)
	a := h.state(t, "HighCPU")
	assert.Equal(t, "EVALUATION_ERROR", a.EvaluationState)
	assert.Equal(t, StateInsufficientData, a.StateValue)
	h.src.fail = false
	h.clk.Advance(time.Minute)
	assert.Empty(t, h.state(t, "HighCPU").EvaluationState)
}

func TestCloseStopsEvaluation(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.PutMetricAlarm(context.Background(), cpuAlarm())
	require.NoError(t, err)
	calls := h.src.calls // one evaluation at creation
	h.svc.Close()
	h.clk.Advance(time.Hour)
	assert.Equal(t, calls, h.src.calls)
	assert.Zero(t, h.clk.Pending())
}

func TestOnStateChangeHook(t *testing.T) {
	h := newHarness(t)
	var seen []StateValue
	remove := h.svc.OnStateChange(func(c StateChange) { seen = append(seen, c.NewState) })
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	remove()
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateOK, StateReason: "x"})
	require.NoError(t, err)
	assert.Equal(t, []StateValue{StateAlarm}, seen)
}

func TestMathAlarmQueriesItsMetrics(t *testing.T) {
	h := newHarness(t)
	def := PutMetricAlarmInput{
		AlarmName: "ErrorRate", EvaluationPeriods: 1, Threshold: f64(10), ComparisonOperator: GreaterThanThreshold,
		Metrics: []metrics.MetricDataQuery{
			{Id: "e1", Expression: "100*(m1/m2)", Label: "Error rate"},
			{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "Errors"}, Period: 60, Stat: "Sum"}, ReturnData: metrics.Bool(false)},
			{Id: "m2", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "Requests"}, Period: 60, Stat: "Sum"}, ReturnData: metrics.Bool(false)},
		},
	}
	var seen metrics.GetMetricDataInput
	h.svc.source = MetricSourceFunc(func(_ context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
		seen = in
		return &metrics.GetMetricDataOutput{MetricDataResults: []metrics.MetricDataResult{
			{Id: "e1", Timestamps: []time.Time{in.EndTime.Add(-time.Minute)}, Values: []float64{25}, StatusCode: metrics.StatusComplete},
		}}, nil
	})
	_, err := h.svc.PutMetricAlarm(context.Background(), def)
	require.NoError(t, err)
	h.clk.Advance(time.Minute)
	require.Len(t, seen.MetricDataQueries, 3)
	assert.Equal(t, t0.Add(-2*time.Minute), seen.StartTime)
	assert.Equal(t, t0.Add(time.Minute), seen.EndTime)
	a := h.state(t, "ErrorRate")
	assert.Equal(t, StateAlarm, a.StateValue)
	def.AlarmActions = []string{topic}
	_, err = h.svc.PutMetricAlarm(context.Background(), def)
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(context.Background(), SetAlarmStateInput{AlarmName: "ErrorRate", StateValue: StateOK, StateReason: "x"})
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(context.Background(), SetAlarmStateInput{AlarmName: "ErrorRate", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	require.NotEmpty(t, h.notes)
	assert.Contains(t, h.notes[len(h.notes)-1].Message, `"Trigger":{"Period":60,"EvaluationPeriods":1,"ComparisonOperator":"GreaterThanThreshold","Threshold":10.0,"TreatMissingData":"","EvaluateLowSampleCountPercentile":"","Metrics":[{"Expression":"100*(m1/m2)","Id":"e1","Label":"Error rate","ReturnData":true},{"Id":"m1","MetricStat":{"Metric":{"Dimensions":[],"MetricName":"Errors","Namespace":"App"},"Period":60,"Stat":"Sum"},"ReturnData":false}`)
	// Evaluated at creation (19:00) on the period 18:59.
	assert.Equal(t, `{"version":"1.0","queryDate":"2026-11-24T19:00:00.000+0000","startDate":"2026-11-24T18:59:00.000+0000","period":60,"recentDatapoints":[25.0],"threshold":10.0,"evaluatedDatapoints":[{"timestamp":"2026-11-24T18:59:00.000+0000","value":25.0}]}`, a.StateReasonData)
}

func TestAnomalyAlarmReadsBandFromSource(t *testing.T) {
	h := newHarness(t)
	def := PutMetricAlarmInput{
		AlarmName: "Latency", EvaluationPeriods: 1, ThresholdMetricId: "ad1", ComparisonOperator: GreaterThanUpperThreshold,
		Metrics: []metrics.MetricDataQuery{
			{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "Latency"}, Period: 60, Stat: "Average"}},
			{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)"},
		},
	}
	h.svc.source = MetricSourceFunc(func(_ context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
		ts := []time.Time{in.EndTime.Add(-time.Minute)}
		return &metrics.GetMetricDataOutput{MetricDataResults: []metrics.MetricDataResult{
			{Id: "m1", Timestamps: ts, Values: []float64{50}},
			{Id: "ad1", Label: "Latency (expected) Upper", Timestamps: ts, Values: []float64{40}},
			{Id: "ad1", Label: "Latency (expected) Lower", Timestamps: ts, Values: []float64{10}},
		}}, nil
	})
	_, err := h.svc.PutMetricAlarm(context.Background(), def)
	require.NoError(t, err)
	h.clk.Advance(time.Minute)
	a := h.state(t, "Latency")
	assert.Equal(t, StateAlarm, a.StateValue)
	assert.Contains(t, a.StateReason, "greater than the upper thresholds [40.0]")
}

// The metrics service labels the bounds "<label> Lower" and "<label> Upper";
// a metric whose name contains the other word (UpperBound) does not confuse
// the alarm, whichever order the results come in.
func TestAnomalyAlarmTellsBoundsBySuffix(t *testing.T) {
	for _, lowerFirst := range []bool{true, false} {
		h := newHarness(t)
		def := PutMetricAlarmInput{
			AlarmName: "Upper", EvaluationPeriods: 1, ThresholdMetricId: "ad1", ComparisonOperator: LessThanLowerThreshold,
			Metrics: []metrics.MetricDataQuery{
				{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "UpperBound"}, Period: 60, Stat: "Average"}},
				{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1)"},
			},
		}
		h.svc.source = MetricSourceFunc(func(_ context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
			ts := []time.Time{in.EndTime.Add(-time.Minute)}
			lo := metrics.MetricDataResult{Id: "ad1", Label: "UpperBound Lower", Timestamps: ts, Values: []float64{10}}
			hi := metrics.MetricDataResult{Id: "ad1", Label: "UpperBound Upper", Timestamps: ts, Values: []float64{40}}
			if !lowerFirst {
				lo, hi = hi, lo
			}
			return &metrics.GetMetricDataOutput{MetricDataResults: []metrics.MetricDataResult{
				{Id: "m1", Timestamps: ts, Values: []float64{5}}, lo, hi}}, nil
		})
		_, err := h.svc.PutMetricAlarm(context.Background(), def)
		require.NoError(t, err)
		h.clk.Advance(time.Minute)
		a := h.state(t, "Upper")
		assert.Equal(t, StateAlarm, a.StateValue, a.StateReason)
		assert.Contains(t, a.StateReason, "less than the lower thresholds [10.0]")
	}
}

func errCode(err error) string { return awserr.Code(err) }

func TestDescribeAlarmHistoryRequestParametersOmitAbsentDates(t *testing.T) {
	// CloudTrail shows only the parameters the caller sent: no StartDate or
	// EndDate means no startDate or endDate (not "0001-01-01T00:00:00Z").
	h := newHarness(t)
	_, err := h.svc.DescribeAlarmHistory(context.Background(), DescribeAlarmHistoryInput{AlarmName: "HighCPU"})
	require.NoError(t, err)
	_, err = h.svc.DescribeAlarmHistory(context.Background(), DescribeAlarmHistoryInput{AlarmName: "HighCPU", StartDate: new(t0)})
	require.NoError(t, err)
	h.mu.Lock()
	defer h.mu.Unlock()
	require.Len(t, h.calls, 2)
	assert.Equal(t, map[string]any{"alarmName": "HighCPU"}, h.calls[0].RequestParameters)
	assert.Equal(t, map[string]any{"alarmName": "HighCPU", "startDate": "2026-11-24T19:00:00Z"}, h.calls[1].RequestParameters)

	b, err := json.Marshal(MetricAlarm{AlarmName: "a"})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "StateTransitionedTimestamp", "a zero StateTransitionedTimestamp is absent")
}

// A Period of 20 seconds is a high-resolution alarm (PutMetricAlarm: "Valid
// values are 10, 20, 30, and any multiple of 60"), evaluated every 10 seconds.
func TestTwentySecondAlarmIsHighResolution(t *testing.T) {
	h := newHarness(t)
	def := cpuAlarm()
	def.Period, def.EvaluationPeriods, def.DatapointsToAlarm = 20, 1, 0
	_, err := h.svc.PutMetricAlarm(context.Background(), def)
	require.NoError(t, err)
	h.src.put("CPU", t0.Add(12*time.Second), 99)
	h.clk.Advance(20 * time.Second)
	a := h.state(t, "HighCPU")
	require.Equal(t, StateAlarm, a.StateValue, a.StateReason)
	require.Equal(t, t0.Add(20*time.Second), a.StateTransitionedTimestamp, "evaluated on the 10-second cadence")
	start, end, n := EvaluationRange(&def, t0.Add(25*time.Second))
	require.Equal(t, t0.Add(20*time.Second), end)
	require.Equal(t, end.Add(-80*time.Second), start, "a minute and a period at least")
	require.Equal(t, 4, n)
}

// An SNS action naming another account's topic cannot publish (localwatch
// models no cross-account topic policy): AWS records the failure in the
// alarm history with the authorization error, and nothing is delivered. The
// own account's topic of the same alarm is still notified.
func TestSNSActionToAnotherAccountsTopicIsRecordedAsFailed(t *testing.T) {
	const foreign = "arn:aws:sns:us-east-1:210987654321:ops"
	var logged strings.Builder
	h := newHarness(t)
	h.svc.op.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	ctx := context.Background()
	def := cpuAlarm()
	def.AlarmActions = []string{foreign, topic}
	_, err := h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)

	require.Len(t, h.notes, 1, "only the own account's topic is notified")
	assert.Equal(t, topic, h.notes[0].TopicARN)
	hist, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{HistoryItemType: HistoryAction, ScanBy: ScanByTimestampAscending})
	require.NoError(t, err)
	require.Len(t, hist.AlarmHistoryItems, 2)
	failed, ok := hist.AlarmHistoryItems[0], hist.AlarmHistoryItems[1]
	wantErr := "Resource: arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighCPU is not authorized to perform: SNS:Publish on resource: " +
		foreign + " because no resource-based policy allows the SNS:Publish action"
	assert.Equal(t, "Failed to execute action "+foreign+`. Received error: "`+wantErr+`"`, failed.HistorySummary)
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(failed.HistoryData), &data))
	assert.Equal(t, "Failed", data["actionState"])
	assert.Equal(t, foreign, data["notificationResource"])
	assert.Equal(t, wantErr, data["error"])
	assert.Equal(t, "Successfully executed action "+topic, ok.HistorySummary)
	assert.Contains(t, logged.String(), "level=WARN")
	assert.Contains(t, logged.String(), foreign)
}
