package alarms_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/metrics"
)

const ckTopic = "arn:aws:sns:us-east-1:123456789012:ops"

// ckRig is one alarms service with what it delivered.
type ckRig struct {
	clk    *clock.Manual
	ids    *ids.Source
	states *op.States
	svc    *alarms.Service
	mu     sync.Mutex
	log    []string // state changes, notifications and action requests, in order
}

func newCkRig(t *testing.T, start time.Time, src alarms.MetricSource) *ckRig {
	r := &ckRig{clk: clock.NewManual(start), ids: ids.New(42), states: &op.States{}}
	b := &bus.Bus{}
	bus.Subscribe(b, "test", func(_ context.Context, c alarms.StateChange) error {
		r.add(fmt.Sprintf("change %+v", c))
		return nil
	})
	bus.Subscribe(b, "test", func(_ context.Context, n event.Notification) error {
		r.add(fmt.Sprintf("note %+v", n))
		return nil
	})
	handler := func(_ context.Context, req alarms.ActionRequest) error {
		r.add(fmt.Sprintf("action %+v", req))
		return nil
	}
	r.svc = alarms.New(alarms.Options{Clock: r.clk, Bus: b, IDs: r.ids, Metrics: src, States: r.states,
		ActionHandlers: map[alarms.ActionKind]alarms.ActionHandler{alarms.ActionLambda: handler, alarms.ActionAutoScaling: handler}})
	t.Cleanup(r.svc.Close)
	return r
}

func (r *ckRig) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, s)
}

func (r *ckRig) hooks(t *testing.T) op.StateHooks {
	h, err := r.states.Hooks(op.StateKey{Name: "alarms", Region: "us-east-1"})
	require.NoError(t, err)
	return h
}

// ckSource is a metrics.Service on its own clock, shared (read only) by the
// two services of the checkpoint test.
type ckSource struct {
	clk  *clock.Manual
	ms   *metrics.Service
	fail bool // answer an error (EvaluationState EVALUATION_ERROR)
}

func (s *ckSource) GetMetricData(ctx context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
	if s.fail {
		return nil, fmt.Errorf("source down")
	}
	return s.ms.GetMetricData(ctx, in)
}

func (s *ckSource) put(t *testing.T, at time.Time, name string, v float64, highRes bool) {
	s.clk.Set(at)
	d := metrics.MetricDatum{MetricName: name, Timestamp: at, Value: metrics.Float(v)}
	if highRes {
		d.StorageResolution = 1
	}
	_, err := s.ms.PutMetricData(context.Background(), metrics.PutMetricDataInput{Namespace: "App", MetricData: []metrics.MetricDatum{d}})
	require.NoError(t, err)
}

// ckDescribe is every answer of the service's reads.
func ckDescribe(t *testing.T, s *alarms.Service) string {
	ctx := context.Background()
	var b bytes.Buffer
	for out, err := range s.DescribeAlarmsAll(ctx, alarms.DescribeAlarmsInput{AlarmTypes: []alarms.AlarmType{alarms.AlarmTypeMetric, alarms.AlarmTypeComposite}}) {
		require.NoError(t, err)
		fmt.Fprintf(&b, "alarms %s\n", ckJSON(out))
		for _, m := range out.MetricAlarms {
			fmt.Fprintf(&b, "ptr %v %v %v\n", m.OKActions == nil, m.InsufficientDataActions == nil, m.Dimensions == nil)
			tags, err := s.ListTagsForResource(ctx, alarms.ListTagsForResourceInput{ResourceARN: m.AlarmArn})
			require.NoError(t, err)
			fmt.Fprintf(&b, "tags %s %s\n", m.AlarmName, ckJSON(tags))
			p, err := s.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{ParentsOfAlarmName: m.AlarmName, AlarmTypes: []alarms.AlarmType{alarms.AlarmTypeComposite}})
			require.NoError(t, err)
			fmt.Fprintf(&b, "parents %s %s\n", m.AlarmName, ckJSON(p))
		}
		for _, c := range out.CompositeAlarms {
			tags, err := s.ListTagsForResource(ctx, alarms.ListTagsForResourceInput{ResourceARN: c.AlarmArn})
			require.NoError(t, err)
			fmt.Fprintf(&b, "tags %s %s\n", c.AlarmName, ckJSON(tags))
			ch, err := s.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{ChildrenOfAlarmName: c.AlarmName, AlarmTypes: []alarms.AlarmType{alarms.AlarmTypeMetric, alarms.AlarmTypeComposite}})
			require.NoError(t, err)
			fmt.Fprintf(&b, "children %s %s\n", c.AlarmName, ckJSON(ch))
		}
	}
	fm, err := s.DescribeAlarmsForMetric(ctx, alarms.DescribeAlarmsForMetricInput{Namespace: "App", MetricName: "CPU"})
	require.NoError(t, err)
	fmt.Fprintf(&b, "for metric %s\n", ckJSON(fm))
	// History, by pages (the tokens are sequence numbers).
	for _, scan := range []alarms.ScanBy{"", alarms.ScanByTimestampAscending} {
		in := alarms.DescribeAlarmHistoryInput{MaxRecords: aws32(7), ScanBy: scan}
		for {
			h, err := s.DescribeAlarmHistory(ctx, in)
			require.NoError(t, err)
			fmt.Fprintf(&b, "history %s\n", ckJSON(h))
			if h.NextToken == "" {
				break
			}
			in.NextToken = h.NextToken
		}
	}
	rules, err := s.ListAlarmMuteRules(ctx, alarms.ListAlarmMuteRulesInput{})
	require.NoError(t, err)
	fmt.Fprintf(&b, "mute rules %s\n", ckJSON(rules))
	for _, r := range rules.AlarmMuteRuleSummaries {
		n := strings.TrimPrefix(r.AlarmMuteRuleArn, "arn:aws:cloudwatch:us-east-1:123456789012:alarm-mute-rule:")
		g, err := s.GetAlarmMuteRule(ctx, alarms.GetAlarmMuteRuleInput{AlarmMuteRuleName: n})
		require.NoError(t, err)
		fmt.Fprintf(&b, "mute rule %s %v\n", ckJSON(g), g.MuteTargets != nil && g.MuteTargets.AlarmNames == nil)
	}
	return b.String()
}

func aws32(n int32) *int32 { return &n }

// ckJSON shows v whole (nil and empty lists apart, pointers followed).
func ckJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestCheckpointRestoresEverything: a service loaded from a checkpoint of
// another answers every read as it does, and goes on the same way for hours
// of evaluations, suppression timers, mute rules and actions.
func TestCheckpointRestoresEverything(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 19, 0, 30, 0, time.UTC)
	src := &ckSource{clk: clock.NewManual(start.Add(-3 * 24 * time.Hour))}
	src.ms = metrics.New(metrics.Options{Clock: src.clk, IDs: ids.New(1)})
	defer src.ms.Close()
	// Three days of Requests history for the anomaly band.
	hist := start.Add(-3 * 24 * time.Hour)
	for at := hist; at.Before(start); at = at.Add(5 * time.Minute) {
		src.put(t, at, "Requests", 200+50*math.Sin(float64(at.Unix()%86400)/86400*2*math.Pi), false)
	}
	src.clk.Set(start)

	a := newCkRig(t, start, src)
	yes, no, wait, ext := true, false, 300, 600
	put := func(in alarms.PutMetricAlarmInput) {
		_, err := a.svc.PutMetricAlarm(ctx, in)
		require.NoError(t, err)
	}
	lambda := "arn:aws:lambda:us-east-1:123456789012:function:f"
	scaling := "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:12345678-1234-1234-1234-123456789012:autoScalingGroupName/asg:policyName/up"
	put(alarms.PutMetricAlarmInput{AlarmName: "cpu", Namespace: "App", MetricName: "CPU", Statistic: metrics.StatAverage,
		Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: ptr(80.0), ComparisonOperator: alarms.GreaterThanThreshold,
		AlarmActions: []string{ckTopic, scaling}, OKActions: []string{ckTopic}, InsufficientDataActions: []string{},
		Dimensions: []metrics.Dimension{}, Tags: []alarms.Tag{{Key: "team", Value: "a"}}, TreatMissingData: alarms.TreatNotBreaching})
	// Auto Scaling actions repeat every Period (here two evaluations) while
	// the alarm stays in ALARM (lastAutoScaling).
	put(alarms.PutMetricAlarmInput{AlarmName: "scale", Namespace: "App", MetricName: "CPU", Statistic: metrics.StatMaximum,
		Period: 120, EvaluationPeriods: 1, Threshold: ptr(50.0), ComparisonOperator: alarms.GreaterThanThreshold,
		AlarmActions: []string{scaling}})
	put(alarms.PutMetricAlarmInput{AlarmName: "cpu-hr", Namespace: "App", MetricName: "CPUHR", Statistic: metrics.StatMaximum,
		Period: 10, EvaluationPeriods: 2, Threshold: ptr(50.0), ComparisonOperator: alarms.GreaterThanOrEqualToThreshold,
		AlarmActions: []string{ckTopic, lambda}, OKActions: []string{lambda}})
	put(alarms.PutMetricAlarmInput{AlarmName: "cpu-p90", Namespace: "App", MetricName: "CPU", ExtendedStatistic: "p90",
		EvaluateLowSampleCountPercentile: alarms.LowSampleIgnore, Period: 60, EvaluationPeriods: 2, Threshold: ptr(90.0),
		ComparisonOperator: alarms.GreaterThanThreshold, AlarmActions: []string{ckTopic}, ActionsEnabled: &no})
	put(alarms.PutMetricAlarmInput{AlarmName: "math", EvaluationPeriods: 2, Threshold: ptr(150.0), ComparisonOperator: alarms.GreaterThanThreshold,
		AlarmActions: []string{ckTopic}, Metrics: []metrics.MetricDataQuery{
			{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "CPU"}, Period: 60, Stat: "Average"}, ReturnData: &no},
			{Id: "e1", Expression: "m1*2", Label: "double", ReturnData: &yes}}})
	put(alarms.PutMetricAlarmInput{AlarmName: "anomaly", EvaluationPeriods: 3, DatapointsToAlarm: 2, ThresholdMetricId: "ad1",
		ComparisonOperator: alarms.LessThanLowerOrGreaterThanUpperThreshold, AlarmActions: []string{ckTopic}, OKActions: []string{ckTopic},
		Metrics: []metrics.MetricDataQuery{
			{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "Requests"}, Period: 300, Stat: "Average"}, ReturnData: &yes},
			{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)"}}})
	put(alarms.PutMetricAlarmInput{AlarmName: "maintenance", Namespace: "App", MetricName: "Maint", Statistic: metrics.StatMaximum,
		Period: 60, EvaluationPeriods: 1, Threshold: ptr(0.5), ComparisonOperator: alarms.GreaterThanThreshold, TreatMissingData: alarms.TreatIgnore})
	_, err := a.svc.PutCompositeAlarm(ctx, alarms.PutCompositeAlarmInput{AlarmName: "svc", AlarmRule: "ALARM(cpu) OR ALARM(math)",
		AlarmActions: []string{ckTopic, lambda}, OKActions: []string{ckTopic}, Tags: []alarms.Tag{{Key: "k", Value: "v"}},
		ActionsSuppressor: "maintenance", ActionsSuppressorWaitPeriod: &wait, ActionsSuppressorExtensionPeriod: &ext})
	require.NoError(t, err)
	_, err = a.svc.PutCompositeAlarm(ctx, alarms.PutCompositeAlarmInput{AlarmName: "top", AlarmRule: "ALARM(svc) AND NOT ALARM(anomaly)",
		AlarmActions: []string{ckTopic}, InsufficientDataActions: []string{}})
	require.NoError(t, err)
	_, err = a.svc.PutCompositeAlarm(ctx, alarms.PutCompositeAlarmInput{AlarmName: "hr", AlarmRule: "ALARM(cpu-hr) OR ALARM(cpu)",
		AlarmActions: []string{ckTopic}})
	require.NoError(t, err)
	_, err = a.svc.PutAlarmMuteRule(ctx, alarms.PutAlarmMuteRuleInput{Name: "night", Description: "nightly",
		Rule:        alarms.MuteRule{Schedule: alarms.MuteSchedule{Expression: "cron(0 21 * * *)", Duration: "PT2H", Timezone: "Europe/Paris"}},
		MuteTargets: &alarms.MuteTargets{AlarmNames: []string{"cpu-hr", "hr"}}, Tags: []alarms.Tag{{Key: "m", Value: "1"}}})
	require.NoError(t, err)
	startDate := start.Add(time.Hour)
	_, err = a.svc.PutAlarmMuteRule(ctx, alarms.PutAlarmMuteRuleInput{Name: "once",
		Rule:        alarms.MuteRule{Schedule: alarms.MuteSchedule{Expression: "at(2026-11-24T19:20)", Duration: "PT30M"}},
		MuteTargets: &alarms.MuteTargets{AlarmNames: []string{}}, StartDate: &startDate})
	require.NoError(t, err)

	// Feeds the metrics of minute m (from start) and moves the rigs there.
	level := func(m int) (cpu, hr, maint float64) {
		switch {
		case m < 4:
			return 20, 10, 0
		case m < 9:
			return 95, 60, 0
		case m < 40:
			return 30 + float64(m%7), 20, map[bool]float64{true: 1}[m >= 20 && m < 25 || m >= 38]
		case m < 60:
			if m >= 47 && m < 50 {
				return 30, 70, 0 // svc goes OK and back within the extension period
			}
			return 99, 70 + float64(m%3), map[bool]float64{true: 1}[m < 43]
		case m < 90:
			return 10, 5, map[bool]float64{true: 1}[m >= 70 && m < 72]
		}
		return 85 + float64(m%11), 40 + float64(m%13), map[bool]float64{true: 1}[m%37 < 3]
	}
	feed := func(m int) {
		at := start.Add(time.Duration(m) * time.Minute)
		cpu, hr, maint := level(m)
		src.put(t, at, "CPU", cpu, false)
		src.put(t, at, "Maint", maint, false)
		for k := range 6 {
			src.put(t, at.Add(time.Duration(k)*10*time.Second), "CPUHR", hr+float64(k), true)
		}
		if m%5 == 0 {
			src.put(t, at, "Requests", 200+50*math.Sin(float64(at.Unix()%86400)/86400*2*math.Pi)+float64(m%40), false)
		}
	}
	step := func(m int, rigs ...*ckRig) {
		feed(m)
		for _, r := range rigs {
			src.clk.Set(r.clk.Now().Add(time.Minute))
			r.clk.Advance(time.Minute)
		}
	}
	m := 0
	for ; m < 6; m++ {
		step(m, a)
	}
	_, err = a.svc.DisableAlarmActions(ctx, alarms.DisableAlarmActionsInput{AlarmNames: []string{"hr"}})
	require.NoError(t, err)
	_, err = a.svc.SetAlarmState(ctx, alarms.SetAlarmStateInput{AlarmName: "anomaly", StateValue: alarms.StateAlarm, StateReason: "test", StateReasonData: `{"x":1}`})
	require.NoError(t, err)
	a.clk.Advance(10 * time.Second) // off the minute: timers pending at several due times
	// The svc composite should be holding its actions (wait period) now.
	out, err := a.svc.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{AlarmNames: []string{"svc"}, AlarmTypes: []alarms.AlarmType{alarms.AlarmTypeComposite}})
	require.NoError(t, err)
	require.Len(t, out.CompositeAlarms, 1)
	require.Equal(t, alarms.SuppressedByWaitPeriod, out.CompositeAlarms[0].ActionsSuppressedBy, "the scenario has a wait timer pending at the checkpoint")

	// reload builds a service at the start time, moves its IDs and clock to
	// r's and loads r's checkpoint into it.
	reload := func(r *ckRig) *ckRig {
		var ck bytes.Buffer
		require.NoError(t, r.hooks(t).Save(&ck))
		saved := bytes.Clone(ck.Bytes())
		n := newCkRig(t, start, src)
		pos, err := r.ids.MarshalBinary()
		require.NoError(t, err)
		require.NoError(t, n.ids.UnmarshalBinary(pos))
		n.clk.Set(r.clk.Now())
		require.NoError(t, n.hooks(t).Load(bytes.NewReader(saved)))
		require.Equal(t, r.clk.Pending(), n.clk.Pending(), "every pending timer is armed again")
		// A checkpoint of the new service is the same, byte for byte.
		var ck2 bytes.Buffer
		require.NoError(t, n.hooks(t).Save(&ck2))
		require.Equal(t, saved, ck2.Bytes())
		require.Equal(t, ckDescribe(t, r.svc), ckDescribe(t, n.svc))
		return n
	}
	b := reload(a)
	require.Equal(t, ckDescribe(t, a.svc), ckDescribe(t, b.svc))
	a.mu.Lock()
	before := len(a.log)
	a.mu.Unlock()

	// Hours more, both the same way; B is checkpointed and loaded again
	// every 13 minutes (into a new service), catching timers in all states.
	var blog []string
	suppressed := map[string]bool{}
	for ; m < 200; m++ {
		src.fail = m == 65
		step(m, a, b)
		src.fail = false
		if m == 30 {
			for _, r := range []*ckRig{a, b} {
				_, err := r.svc.DeleteAlarmMuteRule(ctx, alarms.DeleteAlarmMuteRuleInput{AlarmMuteRuleName: "once"})
				require.NoError(t, err)
				_, err = r.svc.EnableAlarmActions(ctx, alarms.EnableAlarmActionsInput{AlarmNames: []string{"hr"}})
				require.NoError(t, err)
			}
		}
		if m%13 == 0 || m%37 == 1 || m%37 == 3 || m >= 38 && m <= 56 && m%3 == 0 || m == 149 {
			da := ckDescribe(t, a.svc)
			require.Equal(t, da, ckDescribe(t, b.svc), "minute %d", m)
			for _, k := range []alarms.ActionsSuppressedBy{alarms.SuppressedByWaitPeriod, alarms.SuppressedByExtensionPeriod, alarms.SuppressedByAlarm} {
				if strings.Contains(da, `"ActionsSuppressedBy":"`+string(k)+`"`) {
					suppressed[string(k)] = true
				}
			}
			b.mu.Lock()
			blog = append(blog, b.log...)
			b.mu.Unlock()
			old := b
			b = reload(old)
			old.svc.Close()
		}
		if m == 149 {
			// Unmuting runs the ALARM actions of the muted alarms in ALARM,
			// with the state before their last transition (prev).
			for _, r := range []*ckRig{a, b} {
				_, err := r.svc.DeleteAlarmMuteRule(ctx, alarms.DeleteAlarmMuteRuleInput{AlarmMuteRuleName: "night"})
				require.NoError(t, err)
			}
		}
	}
	a.mu.Lock()
	b.mu.Lock()
	blog = append(blog, b.log...)
	require.Greater(t, len(a.log)-before, 20, "the scenario goes on delivering")
	require.Equal(t, a.log[before:], blog)
	a.mu.Unlock()
	b.mu.Unlock()
	require.Equal(t, ckDescribe(t, a.svc), ckDescribe(t, b.svc))
	var sa, sb bytes.Buffer
	require.NoError(t, a.hooks(t).Save(&sa))
	require.NoError(t, b.hooks(t).Save(&sb))
	require.Equal(t, sa.Bytes(), sb.Bytes())
	require.Len(t, suppressed, 3, "checkpoints taken while actions were suppressed by: %v", suppressed)
}

// TestCheckpointRejectsBadData: Load answers an error, never panics, for
// data it cannot read.
func TestCheckpointRejectsBadData(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)
	a := newCkRig(t, start, nil)
	_, err := a.svc.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "x", Namespace: "App", MetricName: "CPU", Statistic: metrics.StatAverage,
		Period: 60, EvaluationPeriods: 1, Threshold: ptr(1.0), ComparisonOperator: alarms.GreaterThanThreshold})
	require.NoError(t, err)
	_, err = a.svc.PutCompositeAlarm(ctx, alarms.PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "ALARM(x)"})
	require.NoError(t, err)
	var ck bytes.Buffer
	require.NoError(t, a.hooks(t).Save(&ck))
	good := ck.Bytes()

	for name, data := range map[string][]byte{
		"empty":     {},
		"version":   append([]byte{99}, good[1:]...),
		"garbage":   {1, 0xff, 0x00, 0x13, 0x37},
		"truncated": good[:len(good)/2],
		"not state": {1, 0x63, 'a', 'b', 'c'},
	} {
		b := newCkRig(t, start, nil)
		require.Error(t, b.hooks(t).Load(bytes.NewReader(data)), name)
	}
	// Every single-byte corruption: an error or a state, never a panic.
	for i := 1; i < len(good); i++ {
		for _, x := range []byte{0x00, 0xff, good[i] ^ 0x20} {
			bad := bytes.Clone(good)
			bad[i] = x
			b := newCkRig(t, start, nil)
			func() {
				defer func() { require.Nil(t, recover(), "byte %d", i) }()
				_ = b.hooks(t).Load(bytes.NewReader(bad))
			}()
		}
	}
	b := newCkRig(t, start, nil)
	require.NoError(t, b.hooks(t).Load(bytes.NewReader(good)))
}

func ptr[T any](v T) *T { return &v }
