package alarms

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAlarmRule(t *testing.T) {
	states := map[string]StateValue{"a": StateAlarm, "b": StateOK, "c": StateInsufficientData, "d": StateAlarm,
		"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a": StateAlarm, "my alarm": StateAlarm}
	get := func(n string) StateValue { return states[n] }
	cases := []struct {
		rule string
		want bool
	}{
		{`ALARM("a")`, true},
		{`ALARM(a)`, true},
		{`OK(a)`, false},
		{`OK("b") AND INSUFFICIENT_DATA("c")`, true},
		{`ALARM(a) AND NOT ALARM(d)`, false},
		{`(ALARM(b) OR ALARM(a)) AND OK(b)`, true},
		{`ALARM(b) OR ALARM(a) AND OK(a)`, false}, // AND binds tighter than OR
		{`NOT NOT ALARM(a)`, true},
		{`TRUE`, true},
		{`FALSE`, false},
		{`False`, false},
		{`TRUE AND (FALSE OR (TRUE))`, true},
		{`ALARM("arn:aws:cloudwatch:us-east-1:123456789012:alarm:a")`, true},
		{`ALARM("my alarm")`, true},
		{`AT_LEAST(2, ALARM, (a, b, d))`, true},
		{`AT_LEAST(3, ALARM, ("a", "b", "d"))`, false},
		{`AT_LEAST(50%, ALARM, (a, b, c, d))`, true},
		{`AT_LEAST(51%, ALARM, (a, b, c, d))`, false},
		{`AT_LEAST(2, NOT_ALARM, (a, b, c))`, true},
		{`AT_LEAST(1, NOT_OK, (b))`, false},
		{"ALARM(a)\nAND\tOK(b)", true},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			r, err := ParseAlarmRule(tc.rule)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Eval(get))
		})
	}
	r, err := ParseAlarmRule(`ALARM(a) OR (OK("b") AND ALARM(a)) OR AT_LEAST(1, OK, (c, d))`)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c", "d"}, r.Alarms())
}

func TestParseAlarmRuleRejects(t *testing.T) {
	bad := []string{
		``, `   `, `ALARM`, `ALARM()`, `ALARM("")`, `ALARM("a"`, `ALARM(a) AND`, `AND ALARM(a)`, `ALARM(a) ALARM(b)`,
		`(ALARM(a)`, `ALARM(a))`, `WARN(a)`, `ALARM("a)`, `NOT`, `AT_LEAST(0, ALARM, (a))`, `AT_LEAST(3, ALARM, (a, b))`,
		`AT_LEAST(101%, ALARM, (a))`, `AT_LEAST(1, MAYBE, (a))`, `AT_LEAST(x, ALARM, (a))`, `AT_LEAST(1, ALARM, ())`,
		`AT_LEAST(1.5, ALARM, (a, b))`, `TRUE OR`,
	}
	for _, rule := range bad {
		_, err := ParseAlarmRule(rule)
		assert.Error(t, err, "%q", rule)
	}
	var b strings.Builder
	for i := range 101 {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("ALARM(a" + strings.Repeat("x", i) + ")")
	}
	_, err := ParseAlarmRule(b.String())
	assert.ErrorContains(t, err, "maximum is 100", "at most 100 child alarms")
	_, err = ParseAlarmRule(strings.Repeat("TRUE OR ", 500) + "TRUE")
	assert.ErrorContains(t, err, "maximum is 500", "at most 500 elements")
	_, err = ParseAlarmRule(strings.Repeat("(", 300) + "TRUE" + strings.Repeat(")", 300))
	assert.Error(t, err)
}

func FuzzParseAlarmRule(f *testing.F) {
	for _, s := range []string{`ALARM("a") AND NOT OK(b)`, `(TRUE OR FALSE)`, `AT_LEAST(50%, NOT_OK, (a, "b"))`, `INSUFFICIENT_DATA(x)`, `ALARM(`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rule string) {
		r, err := ParseAlarmRule(rule)
		if err != nil {
			return
		}
		// A parsed rule evaluates without panicking under any child states.
		for _, st := range []StateValue{StateOK, StateAlarm, StateInsufficientData, ""} {
			r.Eval(func(string) StateValue { return st })
		}
		if len(r.Alarms()) > MaxAlarmRuleChildren {
			t.Fatalf("accepted %d children", len(r.Alarms()))
		}
	})
}

func TestCompositeAlarmFollowsChildren(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, n := range []string{"cpu", "disk", "deploying"} {
		def := cpuAlarm()
		def.AlarmName, def.AlarmActions, def.OKActions = n, nil, nil
		_, err := h.svc.PutMetricAlarm(ctx, def)
		require.NoError(t, err)
	}
	_, err := h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{
		AlarmName: "service", AlarmRule: `(ALARM(cpu) OR ALARM("disk")) AND NOT ALARM(deploying)`,
		AlarmActions: []string{topic}, AlarmDescription: "service health",
	})
	require.NoError(t, err)
	get := func() CompositeAlarm {
		out, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmNames: []string{"service"}, AlarmTypes: []AlarmType{AlarmTypeComposite}})
		require.NoError(t, err)
		require.Len(t, out.CompositeAlarms, 1)
		return out.CompositeAlarms[0]
	}
	assert.Equal(t, StateOK, get().StateValue, "evaluated at creation")
	h.clk.Advance(30 * time.Second)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "disk", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	c := get()
	assert.Equal(t, StateAlarm, c.StateValue)
	assert.Equal(t, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk transitioned to ALARM at Tuesday 24 November, 2026 19:00:30 UTC", c.StateReason)
	assert.Equal(t, `{"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk","state":{"value":"ALARM","timestamp":"2026-11-24T19:00:30.000+0000"}}]}`, c.StateReasonData)
	require.Len(t, h.notes, 1)
	assert.Equal(t, `ALARM: "service" in US East (N. Virginia)`, h.notes[0].Subject)
	assert.Contains(t, h.notes[0].Message, `"AlarmRule":"(ALARM(cpu) OR ALARM(\"disk\")) AND NOT ALARM(deploying)"`)
	assert.Contains(t, h.notes[0].Message, `"TriggeringChildren":[{"Arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk"`)

	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "deploying", StateValue: StateAlarm, StateReason: "deploy"})
	require.NoError(t, err)
	assert.Equal(t, StateOK, get().StateValue)

	hist, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{AlarmName: "service", HistoryItemType: HistoryStateUpdate})
	require.NoError(t, err)
	assert.Empty(t, hist.AlarmHistoryItems, "composite history needs AlarmTypes")
	hist, err = h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{AlarmName: "service", HistoryItemType: HistoryStateUpdate, AlarmTypes: []AlarmType{AlarmTypeComposite}})
	require.NoError(t, err)
	assert.Len(t, hist.AlarmHistoryItems, 3)
}

func TestCompositeOfCompositeAndCycles(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	def := cpuAlarm()
	def.AlarmActions, def.OKActions = nil, nil
	_, err := h.svc.PutMetricAlarm(ctx, def)
	require.NoError(t, err)
	_, err = h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "inner", AlarmRule: `ALARM(HighCPU)`})
	require.NoError(t, err)
	_, err = h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "outer", AlarmRule: `ALARM(inner) OR ALARM(outer)`})
	require.NoError(t, err)
	// A cycle: inner now also depends on outer.
	_, err = h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "inner", AlarmRule: `ALARM(HighCPU) OR ALARM(outer)`})
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	out, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmTypes: []AlarmType{AlarmTypeComposite}})
	require.NoError(t, err)
	for _, c := range out.CompositeAlarms {
		assert.Equal(t, StateAlarm, c.StateValue, c.AlarmName)
	}
}

func TestActionsSuppressor(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, n := range []string{"child", "maintenance"} {
		def := cpuAlarm()
		// ignore: without data the evaluations keep the states set below.
		def.AlarmName, def.AlarmActions, def.OKActions, def.TreatMissingData = n, nil, nil, TreatIgnore
		_, err := h.svc.PutMetricAlarm(ctx, def)
		require.NoError(t, err)
	}
	wait, ext := 120, 300
	_, err := h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "svc", AlarmRule: `ALARM(child)`, AlarmActions: []string{topic},
		ActionsSuppressor: "maintenance", ActionsSuppressorWaitPeriod: &wait, ActionsSuppressorExtensionPeriod: &ext})
	require.NoError(t, err)
	set := func(name string, st StateValue) {
		_, err := h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: name, StateValue: st, StateReason: "x"})
		require.NoError(t, err)
	}
	suppressed := func() ActionsSuppressedBy {
		out, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmNames: []string{"svc"}, AlarmTypes: []AlarmType{AlarmTypeComposite}})
		require.NoError(t, err)
		return out.CompositeAlarms[0].ActionsSuppressedBy
	}

	// The suppressor goes to ALARM within the wait period: no notification.
	set("child", StateAlarm)
	assert.Equal(t, SuppressedByWaitPeriod, suppressed())
	h.clk.Advance(time.Minute)
	set("maintenance", StateAlarm)
	h.clk.Advance(2 * time.Minute)
	assert.Empty(t, h.notes)
	assert.Equal(t, SuppressedByAlarm, suppressed())

	// While the suppressor is in ALARM, transitions take no actions.
	set("child", StateOK)
	set("child", StateAlarm)
	assert.Empty(t, h.notes)
	assert.Equal(t, SuppressedByAlarm, suppressed())

	// Within the extension period after the suppressor leaves ALARM.
	set("maintenance", StateOK)
	set("child", StateOK)
	h.clk.Advance(time.Minute)
	set("child", StateAlarm)
	assert.Empty(t, h.notes)
	assert.Equal(t, SuppressedByExtensionPeriod, suppressed())

	// Issue 18.5: when the extension period ends, the composite takes the
	// actions of its current state (user guide, "Example 5: Actions are not
	// suppressed after ExtensionPeriod").
	h.clk.Advance(10 * time.Minute)
	require.Len(t, h.notes, 1, "the held-back ALARM actions ran when the extension ended")
	assert.Equal(t, `ALARM: "svc" in US East (N. Virginia)`, h.notes[0].Subject)
	assert.Contains(t, h.notes[0].Message, `"StateChangeTime":"2026-11-24T19:08:00.000+0000"`, "at the end of the extension period")
	assert.Empty(t, suppressed())

	// After the extension, the wait period passes without the suppressor: act.
	set("child", StateOK)
	set("child", StateAlarm)
	require.Len(t, h.notes, 1)
	h.clk.Advance(2 * time.Minute)
	require.Len(t, h.notes, 2)
	assert.Equal(t, `ALARM: "svc" in US East (N. Virginia)`, h.notes[1].Subject)
	assert.Empty(t, suppressed())
}

// Issue 18.5: actions held back while the suppressor is in ALARM run once the
// suppressor has been back in OK for the extension period.
func TestSuppressedCompositeActionsRunWhenTheExtensionPeriodEnds(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, n := range []string{"child", "maintenance"} {
		def := cpuAlarm()
		def.AlarmName, def.AlarmActions, def.OKActions, def.TreatMissingData = n, nil, nil, TreatIgnore
		_, err := h.svc.PutMetricAlarm(ctx, def)
		require.NoError(t, err)
	}
	wait, ext := 60, 180
	_, err := h.svc.PutCompositeAlarm(ctx, PutCompositeAlarmInput{AlarmName: "svc", AlarmRule: `ALARM(child)`, AlarmActions: []string{topic}, OKActions: []string{topic},
		ActionsSuppressor: "maintenance", ActionsSuppressorWaitPeriod: &wait, ActionsSuppressorExtensionPeriod: &ext})
	require.NoError(t, err)
	set := func(name string, st StateValue) {
		_, err := h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: name, StateValue: st, StateReason: "x"})
		require.NoError(t, err)
	}
	notes := len(h.notes) // the creation's OK notification
	set("maintenance", StateAlarm)
	set("child", StateAlarm)
	h.clk.Advance(5 * time.Minute)
	assert.Len(t, h.notes, notes, "suppressed while the suppressor is in ALARM")
	set("maintenance", StateOK)
	h.clk.Advance(2 * time.Minute)
	assert.Len(t, h.notes, notes, "still within the extension period")
	h.clk.Advance(time.Minute)
	require.Len(t, h.notes, notes+1, "the extension period ended")
	assert.Equal(t, `ALARM: "svc" in US East (N. Virginia)`, h.notes[notes].Subject)

	// The suppressor returning to ALARM within the extension keeps them held.
	set("child", StateOK)
	h.clk.Advance(2 * time.Minute)
	n := len(h.notes)
	set("maintenance", StateAlarm)
	set("child", StateAlarm)
	set("maintenance", StateOK)
	h.clk.Advance(time.Minute)
	set("maintenance", StateAlarm)
	h.clk.Advance(5 * time.Minute)
	assert.Len(t, h.notes, n, "the suppressor is back in ALARM")
}

func TestPutCompositeAlarmValidation(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	w := 60
	cases := []struct {
		name string
		in   PutCompositeAlarmInput
		code string
	}{
		{"rule is required", PutCompositeAlarmInput{AlarmName: "c"}, "MissingParameter"},
		{"name is required", PutCompositeAlarmInput{AlarmRule: "TRUE"}, "MissingParameter"},
		{"rule syntax is checked", PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "ALARM(HighCPU"}, "InvalidParameterValue"},
		{"referenced alarms must exist", PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "ALARM(nope)"}, "InvalidParameterValue"},
		{"no EC2 actions", PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "TRUE", AlarmActions: []string{"arn:aws:automate:us-east-1:ec2:stop"}}, "InvalidParameterCombination"},
		{"no Auto Scaling actions", PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "TRUE", AlarmActions: []string{"arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:autoScalingGroupName/g:policyName/p"}}, "InvalidParameterCombination"},
		{"suppressor needs wait period", PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "TRUE", ActionsSuppressor: "HighCPU", ActionsSuppressorExtensionPeriod: &w}, "MissingParameter"},
		{"suppressor needs extension period", PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "TRUE", ActionsSuppressor: "HighCPU", ActionsSuppressorWaitPeriod: &w}, "MissingParameter"},
		{"periods need a suppressor", PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "TRUE", ActionsSuppressorWaitPeriod: &w}, "InvalidParameterCombination"},
		{"name taken by a metric alarm", PutCompositeAlarmInput{AlarmName: "HighCPU", AlarmRule: "TRUE"}, "InvalidParameterValue"},
		{"at most 5 actions", PutCompositeAlarmInput{AlarmName: "c", AlarmRule: "TRUE", OKActions: []string{topic, topic, topic, topic, topic, topic}}, "ValidationError"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.svc.PutCompositeAlarm(ctx, tc.in)
			require.Error(t, err)
			assert.Equal(t, tc.code, errCode(err), err.Error())
		})
	}
	out, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{AlarmTypes: []AlarmType{AlarmTypeComposite}})
	require.NoError(t, err)
	assert.Empty(t, out.CompositeAlarms, "a rejected request changes nothing")
}
