package alarms

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/metrics"
)

func muteIn(name, expr, dur string, targets ...string) PutAlarmMuteRuleInput {
	return PutAlarmMuteRuleInput{Name: name, Rule: MuteRule{Schedule: MuteSchedule{Expression: expr, Duration: dur}},
		MuteTargets: &MuteTargets{AlarmNames: targets}}
}

func (h *harness) noteCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.notes)
}

func TestPutAlarmMuteRuleValidation(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = "a"
	}
	bad := func(f func(*PutAlarmMuteRuleInput)) PutAlarmMuteRuleInput {
		in := muteIn("m", "cron(0 2 * * *)", "PT1H", "HighCPU")
		f(&in)
		return in
	}
	for _, c := range []struct {
		name string
		in   PutAlarmMuteRuleInput
		code string
	}{
		{"name is required", bad(func(in *PutAlarmMuteRuleInput) { in.Name = "" }), "MissingParameter"},
		{"name is at most 255 characters", bad(func(in *PutAlarmMuteRuleInput) { in.Name = strings.Repeat("n", 256) }), "ValidationError"},
		{"description is at most 1024 characters", bad(func(in *PutAlarmMuteRuleInput) { in.Description = strings.Repeat("d", 1025) }), "ValidationError"},
		{"expression is required", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Expression = "" }), "MissingParameter"},
		{"duration is required", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Duration = "" }), "MissingParameter"},
		{"expression is cron or at", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Expression = "rate(5 minutes)" }), "InvalidParameterValue"},
		{"cron has five fields", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Expression = "cron(0 2 * * * 2026)" }), "InvalidParameterValue"},
		{"cron minutes are 0-59", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Expression = "cron(60 2 * * *)" }), "InvalidParameterValue"},
		{"cron month names are JAN-DEC", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Expression = "cron(0 2 * FOO *)" }), "InvalidParameterValue"},
		{"at needs yyyy-MM-ddThh:mm", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Expression = "at(2026-13-01T00:00)" }), "InvalidParameterValue"},
		{"duration is ISO 8601", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Duration = "1h" }), "InvalidParameterValue"},
		{"duration is at least PT1M", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Duration = "PT59S" }), "InvalidParameterValue"},
		{"duration is at most P15D", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Duration = "P15DT1M" }), "InvalidParameterValue"},
		{"timezone is an IANA name", bad(func(in *PutAlarmMuteRuleInput) { in.Rule.Schedule.Timezone = "Mars/Olympus" }), "InvalidParameterValue"},
		{"at most 100 targets", bad(func(in *PutAlarmMuteRuleInput) { in.MuteTargets.AlarmNames = many }), "ValidationError"},
		{"target names are not empty", bad(func(in *PutAlarmMuteRuleInput) { in.MuteTargets.AlarmNames = []string{""} }), "MissingParameter"},
		{"tag keys are not empty", bad(func(in *PutAlarmMuteRuleInput) { in.Tags = []Tag{{Key: ""}} }), "ValidationError"},
		{"expire date follows start date", bad(func(in *PutAlarmMuteRuleInput) { in.StartDate, in.ExpireDate = new(t0), new(t0) }), "InvalidParameterValue"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.svc.PutAlarmMuteRule(context.Background(), c.in)
			require.Error(t, err)
			assert.Equal(t, c.code, awserr.Code(err), err.Error())
			out, err := h.svc.ListAlarmMuteRules(context.Background(), ListAlarmMuteRulesInput{})
			require.NoError(t, err)
			assert.Empty(t, out.AlarmMuteRuleSummaries, "a rejected request stores nothing")
		})
	}
}

func TestAlarmMuteRuleValidSchedules(t *testing.T) {
	h := newHarness(t)
	for i, e := range []string{"cron(0 2 * * SUN)", "cron(0 1 1 * *)", "cron(0,30 9-17 * JAN-MAR MON-FRI)", "cron(0 0 * * 7)", "at(2024-05-10T14:00)"} {
		for _, d := range []string{"PT1M", "PT4H", "P2DT12H", "P15D", "P1W"} {
			in := muteIn("m", e, d)
			in.Rule.Schedule.Timezone = []string{"", "UTC", "America/New_York", "Europe/London", "Asia/Tokyo"}[i]
			_, err := h.svc.PutAlarmMuteRule(context.Background(), in)
			assert.NoError(t, err, "%s for %s", e, d)
		}
	}
}

func TestMutedAlarmChangesStateButRunsNoActions(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	// t0 is 19:00 UTC; the window is 19:00-20:00 every day.
	_, err = h.svc.PutAlarmMuteRule(ctx, muteIn("evening", "cron(0 19 * * *)", "PT1H", "HighCPU"))
	require.NoError(t, err)
	h.clk.Advance(10 * time.Minute)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "muted"})
	require.NoError(t, err)
	assert.Equal(t, StateAlarm, h.state(t, "HighCPU").StateValue, "a muted alarm still changes state")
	assert.Zero(t, h.noteCount(), "its actions do not run")
	hist, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{AlarmName: "HighCPU", HistoryItemType: HistoryItemType("StateUpdate")})
	require.NoError(t, err)
	assert.NotEmpty(t, hist.AlarmHistoryItems, "and records history")

	h.clk.Advance(time.Hour) // 20:10: the window is over
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "unmuted"})
	require.NoError(t, err)
	assert.Equal(t, 1, h.noteCount(), "outside the window the actions run")
}

func TestMuteRuleOnlyMutesItsTargets(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a := cpuAlarm()
	a.AlarmName = "Other"
	_, err := h.svc.PutMetricAlarm(ctx, a)
	require.NoError(t, err)
	_, err = h.svc.PutAlarmMuteRule(ctx, muteIn("m", "cron(* * * * *)", "PT1M", "HighCPU"))
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "Other", StateValue: StateAlarm, StateReason: "x"})
	require.NoError(t, err)
	assert.Equal(t, 1, h.noteCount())
}

func TestMuteRuleStatusAndType(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	status := func(name string) (MuteRuleStatus, string) {
		out, err := h.svc.GetAlarmMuteRule(ctx, GetAlarmMuteRuleInput{AlarmMuteRuleName: name})
		require.NoError(t, err)
		return out.Status, out.MuteType
	}
	_, err := h.svc.PutAlarmMuteRule(ctx, muteIn("once", "at(2026-11-24T19:30)", "PT1H"))
	require.NoError(t, err)
	_, err = h.svc.PutAlarmMuteRule(ctx, muteIn("daily", "cron(30 19 * * *)", "PT1H"))
	require.NoError(t, err)
	expiring := muteIn("expiring", "cron(30 19 * * *)", "PT1H")
	expiring.ExpireDate = new(t0.Add(2 * time.Hour))
	_, err = h.svc.PutAlarmMuteRule(ctx, expiring)
	require.NoError(t, err)
	later := muteIn("later", "cron(30 19 * * *)", "PT1H")
	later.StartDate = new(t0.Add(24 * time.Hour))
	_, err = h.svc.PutAlarmMuteRule(ctx, later)
	require.NoError(t, err)

	for _, c := range []struct {
		at                       time.Duration
		once, daily, exp, before MuteRuleStatus
	}{
		{0, MuteRuleScheduled, MuteRuleScheduled, MuteRuleScheduled, MuteRuleScheduled},
		{45 * time.Minute, MuteRuleActive, MuteRuleActive, MuteRuleActive, MuteRuleScheduled},
		{90 * time.Minute, MuteRuleExpired, MuteRuleScheduled, MuteRuleScheduled, MuteRuleScheduled},
		{3 * time.Hour, MuteRuleExpired, MuteRuleScheduled, MuteRuleExpired, MuteRuleScheduled},
		{24*time.Hour + 45*time.Minute, MuteRuleExpired, MuteRuleActive, MuteRuleExpired, MuteRuleActive},
	} {
		h.clk.Set(t0.Add(c.at))
		s, typ := status("once")
		assert.Equal(t, c.once, s, "once at +%v", c.at)
		assert.Equal(t, MuteTypeOneTime, typ)
		s, typ = status("daily")
		assert.Equal(t, c.daily, s, "daily at +%v", c.at)
		assert.Equal(t, MuteTypeRecurring, typ)
		s, _ = status("expiring")
		assert.Equal(t, c.exp, s, "expiring at +%v", c.at)
		s, _ = status("later")
		assert.Equal(t, c.before, s, "later at +%v", c.at)
	}
}

func TestMuteRuleTimezoneAndDays(t *testing.T) {
	// 2026-11-24 is a Tuesday; New York is UTC-5 in November.
	for _, c := range []struct {
		name, expr, tz string
		at             time.Time
		want           bool
	}{
		{"timezone shifts the window", "cron(0 14 * * *)", "America/New_York", time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC), true},
		{"UTC by default", "cron(0 14 * * *)", "", time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC), false},
		{"day-of-week names", "cron(0 19 * * TUE)", "", time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC), true},
		{"another day does not match", "cron(0 19 * * WED)", "", time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC), false},
		{"month names", "cron(0 19 * NOV *)", "", time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC), true},
		{"a window crossing midnight", "cron(0 23 * * MON)", "", time.Date(2026, 11, 24, 0, 20, 0, 0, time.UTC), true},
		{"day of month or day of week (cron)", "cron(0 19 1 * TUE)", "", time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC), true},
		{"at in a timezone", "at(2026-11-24T14:00)", "America/New_York", time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC), true},
		{"the window's end is exclusive", "cron(0 18 * * *)", "", time.Date(2026, 11, 24, 19, 30, 0, 0, time.UTC), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := compileSchedule(MuteSchedule{Expression: c.expr, Duration: "PT90M", Timezone: c.tz})
			require.NoError(t, err)
			on, _ := sc.activeAt(c.at)
			assert.Equal(t, c.want, on)
		})
	}
}

func TestDeleteAlarmMuteRuleRunsActionsOfAlarmingTargets(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	_, err = h.svc.PutAlarmMuteRule(ctx, muteIn("m", "at(2026-11-24T19:00)", "PT2H", "HighCPU"))
	require.NoError(t, err)
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "muted"})
	require.NoError(t, err)
	require.Zero(t, h.noteCount())
	_, err = h.svc.DeleteAlarmMuteRule(ctx, DeleteAlarmMuteRuleInput{AlarmMuteRuleName: "m"})
	require.NoError(t, err)
	require.Equal(t, 1, h.noteCount(), "unmuted, the alarm's ALARM actions trigger")
	assert.Contains(t, h.notes[0].Subject, "ALARM")

	_, err = h.svc.DeleteAlarmMuteRule(ctx, DeleteAlarmMuteRuleInput{AlarmMuteRuleName: "m"})
	assert.NoError(t, err, "deleting a rule that does not exist succeeds")
	_, err = h.svc.GetAlarmMuteRule(ctx, GetAlarmMuteRuleInput{AlarmMuteRuleName: "m"})
	assert.Equal(t, "ResourceNotFoundException", awserr.Code(err))
}

func TestDeleteAlarmMuteRuleKeepsOtherRulesMuting(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	for _, n := range []string{"a", "b"} {
		_, err = h.svc.PutAlarmMuteRule(ctx, muteIn(n, "at(2026-11-24T19:00)", "PT2H", "HighCPU"))
		require.NoError(t, err)
	}
	_, err = h.svc.SetAlarmState(ctx, SetAlarmStateInput{AlarmName: "HighCPU", StateValue: StateAlarm, StateReason: "muted"})
	require.NoError(t, err)
	_, err = h.svc.DeleteAlarmMuteRule(ctx, DeleteAlarmMuteRuleInput{AlarmMuteRuleName: "a"})
	require.NoError(t, err)
	assert.Zero(t, h.noteCount(), "rule b still mutes the alarm")
}

func TestGetAndListAlarmMuteRules(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.svc.PutMetricAlarm(ctx, cpuAlarm())
	require.NoError(t, err)
	in := muteIn("r1", "cron(0 2 * * *)", "PT4H", "HighCPU")
	in.Description, in.Tags, in.ExpireDate = "nightly", []Tag{{Key: "k", Value: "v"}}, new(t0.Add(48*time.Hour))
	in.Rule.Schedule.Timezone = "Europe/London"
	_, err = h.svc.PutAlarmMuteRule(ctx, in)
	require.NoError(t, err)
	in.MuteTargets.AlarmNames[0] = "changed" // the rule keeps its own copy
	for _, n := range []string{"r3", "r2"} {
		_, err = h.svc.PutAlarmMuteRule(ctx, muteIn(n, "at(2026-11-24T19:00)", "PT1H"))
		require.NoError(t, err)
	}
	got, err := h.svc.GetAlarmMuteRule(ctx, GetAlarmMuteRuleInput{AlarmMuteRuleName: "r1"})
	require.NoError(t, err)
	assert.Equal(t, &GetAlarmMuteRuleOutput{Name: "r1", AlarmMuteRuleArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm-mute-rule:r1",
		Description: "nightly", Rule: MuteRule{Schedule: MuteSchedule{Expression: "cron(0 2 * * *)", Duration: "PT4H", Timezone: "Europe/London"}},
		MuteTargets: &MuteTargets{AlarmNames: []string{"HighCPU"}}, ExpireDate: new(t0.Add(48 * time.Hour)), Status: MuteRuleScheduled,
		LastUpdatedTimestamp: t0, MuteType: MuteTypeRecurring}, got)

	var arns []string
	tok := ""
	for {
		out, err := h.svc.ListAlarmMuteRules(ctx, ListAlarmMuteRulesInput{MaxRecords: metrics.Int32(2), NextToken: tok})
		require.NoError(t, err)
		for _, s := range out.AlarmMuteRuleSummaries {
			arns = append(arns, s.AlarmMuteRuleArn[strings.LastIndex(s.AlarmMuteRuleArn, ":")+1:])
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	assert.Equal(t, []string{"r1", "r2", "r3"}, arns, "pages in name order")

	out, err := h.svc.ListAlarmMuteRules(ctx, ListAlarmMuteRulesInput{AlarmName: "HighCPU"})
	require.NoError(t, err)
	require.Len(t, out.AlarmMuteRuleSummaries, 1, "the rules targeting an alarm")
	out, err = h.svc.ListAlarmMuteRules(ctx, ListAlarmMuteRulesInput{Statuses: []MuteRuleStatus{MuteRuleActive}})
	require.NoError(t, err)
	assert.Len(t, out.AlarmMuteRuleSummaries, 2, "the rules in a status")

	for _, c := range []struct {
		name string
		in   ListAlarmMuteRulesInput
		code string
	}{
		{"a bad token", ListAlarmMuteRulesInput{NextToken: "junk"}, "InvalidNextToken"},
		{"MaxRecords is at most 100", ListAlarmMuteRulesInput{MaxRecords: metrics.Int32(101)}, "ValidationError"},
		{"statuses are the enum", ListAlarmMuteRulesInput{Statuses: []MuteRuleStatus{"ON"}}, "ValidationError"},
		{"an alarm that does not exist", ListAlarmMuteRulesInput{AlarmName: "nope"}, "ResourceNotFoundException"},
	} {
		_, err := h.svc.ListAlarmMuteRules(ctx, c.in)
		assert.Equal(t, c.code, awserr.Code(err), c.name)
	}
}

func TestAlarmMuteRulesAfterCloseAndNilContext(t *testing.T) {
	h := newHarness(t)
	//lint:ignore SA1012 the contract: a nil context is Background
	_, err := h.svc.PutAlarmMuteRule(nil, muteIn("m", "cron(0 2 * * *)", "PT1H")) //nolint:staticcheck
	require.NoError(t, err)
	h.svc.Close()
	for _, err := range []error{
		func() error {
			_, err := h.svc.PutAlarmMuteRule(nilCtx, muteIn("m", "cron(0 2 * * *)", "PT1H"))
			return err
		}(), //nolint:staticcheck
		func() error {
			_, err := h.svc.GetAlarmMuteRule(nilCtx, GetAlarmMuteRuleInput{AlarmMuteRuleName: "m"})
			return err
		}(), //nolint:staticcheck
		func() error { _, err := h.svc.ListAlarmMuteRules(nilCtx, ListAlarmMuteRulesInput{}); return err }(), //nolint:staticcheck
		func() error {
			_, err := h.svc.DeleteAlarmMuteRule(nilCtx, DeleteAlarmMuteRuleInput{AlarmMuteRuleName: "m"})
			return err
		}(), //nolint:staticcheck
	} {
		assert.ErrorIs(t, err, ErrClosed)
	}
}

// TestMuteScheduleMatchesAReferenceWalk checks activeAt against a plain
// minute-by-minute walk over a week of instants.
func TestMuteScheduleMatchesAReferenceWalk(t *testing.T) {
	for _, expr := range []string{"cron(59 * * * *)", "cron(0,15,45 3-5 * * MON,FRI)", "cron(30 23 1,15 * *)", "cron(7 0 * FEB-DEC SUN)"} {
		sc, err := compileSchedule(MuteSchedule{Expression: expr, Duration: "P2DT7M"})
		require.NoError(t, err)
		ref := func(at time.Time) bool {
			for c := at.Truncate(time.Minute); c.After(at.Add(-sc.dur)); c = c.Add(-time.Minute) {
				if sc.mon&(1<<int(c.Month())) != 0 && sc.dayMatches(c) && sc.hour&(1<<c.Hour()) != 0 && sc.min&(1<<c.Minute()) != 0 {
					return true
				}
			}
			return false
		}
		for at := t0; at.Before(t0.Add(7 * 24 * time.Hour)); at = at.Add(37*time.Minute + 13*time.Second) {
			got, _ := sc.activeAt(at)
			require.Equal(t, ref(at), got, "%s at %v", expr, at)
		}
	}
}
