package alarms

import (
	"context"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// muteRule is a stored rule with its schedule compiled.
type muteRule struct {
	in      PutAlarmMuteRuleInput // deep copy
	arn     string
	updated time.Time
	sched   schedule
}

// schedule is a compiled mute schedule: a one-time start (at) or cron fields
// as bit sets, a duration and a location.
type schedule struct {
	once                     time.Time // at(...); zero for cron
	min, hour, dom, mon, dow uint64
	domStar, dowStar         bool
	dur                      time.Duration
	loc                      *time.Location
}

const maxMuteDuration = 15 * 24 * time.Hour

var isoDuration = regexp.MustCompile(`^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$`)

// parseISODuration reads the ISO 8601 durations AWS documents (PT4H, P2DT12H).
func parseISODuration(s string) (time.Duration, bool) {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil || s == "P" || strings.HasSuffix(s, "T") {
		return 0, false
	}
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second}
	var d time.Duration
	for i, u := range units {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * u
		}
	}
	return d, true
}

var monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
var dayNames = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

// cronField parses one cron field of *, values, ranges and lists into a bit set.
func cronField(f string, lo, hi int, names []string, nameBase int) (uint64, bool, bool) {
	if f == "*" {
		var b uint64
		for i := lo; i <= hi; i++ {
			b |= 1 << i
		}
		return b, true, true
	}
	num := func(s string) (int, bool) {
		if i := slices.Index(names, strings.ToUpper(s)); i >= 0 {
			return i + nameBase, true
		}
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi && len(s) <= 2
	}
	var b uint64
	for part := range strings.SplitSeq(f, ",") {
		a, z, isRange := strings.Cut(part, "-")
		x, ok := num(a)
		if !ok {
			return 0, false, false
		}
		y := x
		if isRange {
			if y, ok = num(z); !ok || y < x {
				return 0, false, false
			}
		}
		for i := x; i <= y; i++ {
			b |= 1 << i
		}
	}
	return b, false, true
}

// compileSchedule checks and compiles a mute schedule.
func compileSchedule(sc MuteSchedule) (schedule, error) {
	var out schedule
	if sc.Expression == "" {
		return out, awserr.Missing("Rule.Schedule.Expression")
	}
	if sc.Duration == "" {
		return out, awserr.Missing("Rule.Schedule.Duration")
	}
	if len(sc.Expression) > 256 {
		return out, validation("rule.schedule.expression", sc.Expression, "Member must have length less than or equal to 256")
	}
	if len(sc.Duration) > 50 {
		return out, validation("rule.schedule.duration", sc.Duration, "Member must have length less than or equal to 50")
	}
	if len(sc.Timezone) > 50 {
		return out, validation("rule.schedule.timezone", sc.Timezone, "Member must have length less than or equal to 50")
	}
	out.loc = time.UTC
	if sc.Timezone != "" {
		loc, err := time.LoadLocation(sc.Timezone)
		if err != nil || strings.ContainsAny(sc.Timezone, "\x00") || sc.Timezone == "Local" {
			return out, awserr.InvalidValue("Rule.Schedule.Timezone", strconv.Quote(sc.Timezone), "the time zone must be an IANA time zone identifier such as America/New_York")
		}
		out.loc = loc
	}
	d, ok := parseISODuration(sc.Duration)
	if !ok || d < time.Minute || d > maxMuteDuration {
		return out, awserr.InvalidValue("Rule.Schedule.Duration", strconv.Quote(sc.Duration), "the duration must be an ISO 8601 duration from PT1M to P15D")
	}
	out.dur = d
	bad := func() error {
		return awserr.InvalidValue("Rule.Schedule.Expression", strconv.Quote(sc.Expression),
			"the expression must be cron(Minutes Hours Day-of-month Month Day-of-week) or at(yyyy-MM-ddThh:mm)")
	}
	switch e := sc.Expression; {
	case strings.HasPrefix(e, "at(") && strings.HasSuffix(e, ")"):
		t, err := time.ParseInLocation("2006-01-02T15:04", e[3:len(e)-1], out.loc)
		if err != nil {
			return out, bad()
		}
		out.once = t
	case strings.HasPrefix(e, "cron(") && strings.HasSuffix(e, ")"):
		f := strings.Fields(e[5 : len(e)-1])
		if len(f) != 5 {
			return out, bad()
		}
		var ok [5]bool
		out.min, _, ok[0] = cronField(f[0], 0, 59, nil, 0)
		out.hour, _, ok[1] = cronField(f[1], 0, 23, nil, 0)
		out.dom, out.domStar, ok[2] = cronField(f[2], 1, 31, nil, 0)
		out.mon, _, ok[3] = cronField(f[3], 1, 12, monthNames, 1)
		out.dow, out.dowStar, ok[4] = cronField(f[4], 0, 7, dayNames, 0)
		if slices.Contains(ok[:], false) {
			return out, bad()
		}
		if out.dow&(1<<7) != 0 {
			out.dow |= 1 // 7 is Sunday too
		}
	default:
		return out, bad()
	}
	return out, nil
}

// dayMatches applies cron's day rule: with both day fields restricted, either
// may match.
func (sc *schedule) dayMatches(t time.Time) bool {
	dom := sc.dom&(1<<t.Day()) != 0
	dow := sc.dow&(1<<int(t.Weekday())) != 0
	if !sc.domStar && !sc.dowStar {
		return dom || dow
	}
	return dom && dow
}

// activeAt reports whether a window of the schedule covers t, and when the
// last window to start at or before t started.
func (sc *schedule) activeAt(t time.Time) (bool, time.Time) {
	if !sc.once.IsZero() {
		return !t.Before(sc.once) && t.Before(sc.once.Add(sc.dur)), sc.once
	}
	// Walk back from t to t-dur over matching minutes, skipping whole days
	// and hours that cannot match: at most a few steps per hour of 16 days.
	lt := t.In(sc.loc)
	c := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), 0, 0, sc.loc)
	limit := t.Add(-sc.dur)
	for c.After(limit) {
		y, mo, d := c.Date()
		switch {
		case sc.mon&(1<<int(mo)) == 0 || !sc.dayMatches(c):
			c = time.Date(y, mo, d, 0, 0, 0, 0, sc.loc).Add(-time.Minute)
		case sc.hour&(1<<c.Hour()) == 0:
			c = time.Date(y, mo, d, c.Hour(), 0, 0, 0, sc.loc).Add(-time.Minute)
		case sc.min&(1<<c.Minute()) == 0:
			// Jump to the latest matching minute of this hour, if any.
			below := sc.min & (1<<c.Minute() - 1)
			if below == 0 {
				c = time.Date(y, mo, d, c.Hour(), 0, 0, 0, sc.loc).Add(-time.Minute)
			} else {
				c = time.Date(y, mo, d, c.Hour(), bits.Len64(below)-1, 0, 0, sc.loc)
			}
		default:
			return true, c
		}
	}
	return false, time.Time{}
}

// statusAt is a rule's status at t.
func (r *muteRule) statusAt(t time.Time) MuteRuleStatus {
	if r.in.ExpireDate != nil && !t.Before(*r.in.ExpireDate) {
		return MuteRuleExpired
	}
	if !r.sched.once.IsZero() && !t.Before(r.sched.once.Add(r.sched.dur)) {
		return MuteRuleExpired
	}
	if r.mutesAt(t) {
		return MuteRuleActive
	}
	return MuteRuleScheduled
}

// mutesAt reports whether the rule applies at t.
func (r *muteRule) mutesAt(t time.Time) bool {
	if r.in.StartDate != nil && t.Before(*r.in.StartDate) || r.in.ExpireDate != nil && !t.Before(*r.in.ExpireDate) {
		return false
	}
	on, _ := r.sched.activeAt(t)
	return on
}

func (r *muteRule) targets(name string) bool {
	return r.in.MuteTargets != nil && slices.Contains(r.in.MuteTargets.AlarmNames, name)
}

func (r *muteRule) muteType() string {
	if r.sched.once.IsZero() {
		return MuteTypeRecurring
	}
	return MuteTypeOneTime
}

// mutedLocked reports whether a mute rule silences alarm name's actions at t.
func (s *Service) mutedLocked(name string, t time.Time) bool {
	for _, r := range s.muteRules {
		if r.targets(name) && r.mutesAt(t) {
			return true
		}
	}
	return false
}

func (s *Service) muteRuleARN(name string) string {
	return arn.New("cloudwatch", s.op.Region, s.op.AccountID, "alarm-mute-rule:"+name)
}

// muteCall completes the CloudTrail record of a mute-rule operation: the rule
// it names (if any) and its request parameters (see alarmCall).
func (s *Service) muteCall(ctx context.Context, c *event.Call, in any, rule string) {
	if !s.op.Rec.Records(ctx) {
		return
	}
	c.Params = func() any { return camel(in) }
	if rule != "" {
		c.Resources = []event.Resource{{ARN: s.muteRuleARN(rule), AccountID: s.op.AccountID, Type: "AWS::CloudWatch::AlarmMuteRule"}}
	}
}

// PutAlarmMuteRule creates or replaces an alarm mute rule; while it applies,
// its target alarms change state and record history but run no actions. The
// package documentation (Alarm mute rules) gives the schedule syntax, the
// limits, and what we could not confirm from AWS.
func (s *Service) PutAlarmMuteRule(ctx context.Context, in PutAlarmMuteRuleInput) (*PutAlarmMuteRuleOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutAlarmMuteRule"}, in, s.putAlarmMuteRule)
}

func (s *Service) putAlarmMuteRule(ctx context.Context, c *event.Call, in PutAlarmMuteRuleInput) (*PutAlarmMuteRuleOutput, error) {
	s.muteCall(ctx, c, in, in.Name)
	if err := s.storeAlarmMuteRule(in); err != nil {
		return nil, err
	}
	return &PutAlarmMuteRuleOutput{}, nil
}

// storeAlarmMuteRule validates and stores a mute rule.
func (s *Service) storeAlarmMuteRule(in PutAlarmMuteRuleInput) error {
	if err := validateAlarmName("Name", in.Name); err != nil {
		return err
	}
	if err := validateText("Description", in.Description, 1024); err != nil {
		return err
	}
	sched, err := compileSchedule(in.Rule.Schedule)
	if err != nil {
		return err
	}
	if in.MuteTargets != nil {
		if len(in.MuteTargets.AlarmNames) > MaxNamesPerCall {
			return validation("muteTargets.alarmNames", len(in.MuteTargets.AlarmNames), "Member must have length less than or equal to 100")
		}
		for i, n := range in.MuteTargets.AlarmNames {
			if err := validateAlarmName("MuteTargets.AlarmNames.member."+strconv.Itoa(i+1), n); err != nil {
				return err
			}
		}
	}
	if err := validateTags(in.Tags); err != nil {
		return err
	}
	if in.StartDate != nil && in.ExpireDate != nil && !in.ExpireDate.After(*in.StartDate) {
		return awserr.InvalidValue("ExpireDate", in.ExpireDate.Format(time.RFC3339), "ExpireDate must be after StartDate")
	}
	c := in
	c.Tags = slices.Clone(in.Tags)
	c.StartDate, c.ExpireDate = cloneTime(in.StartDate), cloneTime(in.ExpireDate)
	if in.MuteTargets != nil {
		c.MuteTargets = &MuteTargets{AlarmNames: slices.Clone(in.MuteTargets.AlarmNames)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.muteRules == nil {
		s.muteRules = map[string]*muteRule{}
	}
	s.muteRules[in.Name] = &muteRule{in: c, arn: s.muteRuleARN(in.Name), updated: s.op.Clock.Now(), sched: sched}
	return nil
}

// GetAlarmMuteRule describes one alarm mute rule, with its status now.
func (s *Service) GetAlarmMuteRule(ctx context.Context, in GetAlarmMuteRuleInput) (*GetAlarmMuteRuleOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetAlarmMuteRule", ReadOnly: true}, in, s.getAlarmMuteRule)
}

func (s *Service) getAlarmMuteRule(ctx context.Context, c *event.Call, in GetAlarmMuteRuleInput) (*GetAlarmMuteRuleOutput, error) {
	s.muteCall(ctx, c, in, in.AlarmMuteRuleName)
	if err := validateAlarmName("AlarmMuteRuleName", in.AlarmMuteRuleName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.muteRules[in.AlarmMuteRuleName]
	if r == nil {
		return nil, errMuteRuleNotFound(in.AlarmMuteRuleName)
	}
	out := &GetAlarmMuteRuleOutput{Name: r.in.Name, AlarmMuteRuleArn: r.arn, Description: r.in.Description, Rule: r.in.Rule,
		StartDate: cloneTime(r.in.StartDate), ExpireDate: cloneTime(r.in.ExpireDate), Status: r.statusAt(s.op.Clock.Now()), LastUpdatedTimestamp: r.updated, MuteType: r.muteType()}
	if r.in.MuteTargets != nil {
		out.MuteTargets = &MuteTargets{AlarmNames: slices.Clone(r.in.MuteTargets.AlarmNames)}
	}
	return out, nil
}

// ListAlarmMuteRules lists alarm mute rules in name order, optionally those
// targeting one alarm or in some statuses, MaxRecords (1..100, default 50) at
// a time.
func (s *Service) ListAlarmMuteRules(ctx context.Context, in ListAlarmMuteRulesInput) (*ListAlarmMuteRulesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListAlarmMuteRules", ReadOnly: true}, in, s.listAlarmMuteRules)
}

func (s *Service) listAlarmMuteRules(ctx context.Context, c *event.Call, in ListAlarmMuteRulesInput) (*ListAlarmMuteRulesOutput, error) {
	s.muteCall(ctx, c, in, "")
	if in.AlarmName != "" {
		if err := validateAlarmName("AlarmName", in.AlarmName); err != nil {
			return nil, err
		}
	}
	limit, err := checkMaxRecords(in.MaxRecords)
	if err != nil {
		return nil, err
	}
	for i, st := range in.Statuses {
		switch st {
		case MuteRuleScheduled, MuteRuleActive, MuteRuleExpired:
		default:
			return nil, validation("statuses.member."+strconv.Itoa(i+1), st, "Member must satisfy enum value set: [SCHEDULED, ACTIVE, EXPIRED]")
		}
	}
	after := ""
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		if !ok || !strings.HasPrefix(t, "m") {
			return nil, awserr.New("InvalidNextToken", "The NextToken %q is not valid.", in.NextToken)
		}
		after = t[1:]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.AlarmName != "" && s.alarms[in.AlarmName] == nil {
		return nil, awserr.New("ResourceNotFoundException", "The alarm %s does not exist.", in.AlarmName).WithStatus(404)
	}
	names := make([]string, 0, len(s.muteRules))
	for n := range s.muteRules {
		if n > after {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	now := s.op.Clock.Now()
	out := &ListAlarmMuteRulesOutput{AlarmMuteRuleSummaries: []AlarmMuteRuleSummary{}}
	for _, n := range names {
		r := s.muteRules[n]
		if in.AlarmName != "" && !r.targets(in.AlarmName) {
			continue
		}
		st := r.statusAt(now)
		if len(in.Statuses) > 0 && !slices.Contains(in.Statuses, st) {
			continue
		}
		if len(out.AlarmMuteRuleSummaries) == limit {
			out.NextToken = pagetoken.Encode("m" + out.last(s))
			break
		}
		out.AlarmMuteRuleSummaries = append(out.AlarmMuteRuleSummaries, AlarmMuteRuleSummary{AlarmMuteRuleArn: r.arn, ExpireDate: cloneTime(r.in.ExpireDate),
			Status: st, MuteType: r.muteType(), LastUpdatedTimestamp: r.updated})
	}
	return out, nil
}

// last is the name of the last rule listed.
func (o *ListAlarmMuteRulesOutput) last(s *Service) string {
	a := o.AlarmMuteRuleSummaries[len(o.AlarmMuteRuleSummaries)-1].AlarmMuteRuleArn
	return strings.TrimPrefix(a, s.muteRuleARN(""))
}

// DeleteAlarmMuteRule deletes an alarm mute rule (an unknown name is not an
// error). As AWS documents, the alarms it was muting are unmuted at once, and
// those in ALARM (not muted by another rule, with actions enabled) run their
// ALARM actions.
func (s *Service) DeleteAlarmMuteRule(ctx context.Context, in DeleteAlarmMuteRuleInput) (*DeleteAlarmMuteRuleOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteAlarmMuteRule"}, in, s.deleteAlarmMuteRule)
}

func (s *Service) deleteAlarmMuteRule(ctx context.Context, c *event.Call, in DeleteAlarmMuteRuleInput) (*DeleteAlarmMuteRuleOutput, error) {
	s.muteCall(ctx, c, in, in.AlarmMuteRuleName)
	out, err := s.removeAlarmMuteRule(in)
	if err != nil {
		return nil, err
	}
	// The actions of the alarms it unmutes are CloudWatch's own.
	s.deliver(serviceContext, out)
	return &DeleteAlarmMuteRuleOutput{}, nil
}

// removeAlarmMuteRule deletes a rule and answers the ALARM actions of the
// alarms it unmutes.
func (s *Service) removeAlarmMuteRule(in DeleteAlarmMuteRuleInput) (*pending, error) {
	if err := validateAlarmName("AlarmMuteRuleName", in.AlarmMuteRuleName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &pending{}
	r := s.muteRules[in.AlarmMuteRuleName]
	if r == nil {
		return out, nil
	}
	now := s.op.Clock.Now()
	active := r.mutesAt(now)
	delete(s.muteRules, in.AlarmMuteRuleName)
	if !active || r.in.MuteTargets == nil {
		return out, nil
	}
	for _, name := range r.in.MuteTargets.AlarmNames {
		a := s.alarms[name]
		if a == nil || a.state != StateAlarm || !a.actionsEnabled || a.suppressedBy != "" || s.mutedLocked(name, now) {
			continue
		}
		s.queueListLocked(a, a.prev.value, a.actionsFor(StateAlarm), now, out, "")
	}
	return out, nil
}

// cloneTime copies an optional time, so that a rule shares no memory with
// its caller.
func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// errMuteRuleNotFound is GetAlarmMuteRule's answer for an unknown rule:
// ResourceNotFoundException, HTTP 404 (API model).
func errMuteRuleNotFound(name string) error {
	return awserr.New("ResourceNotFoundException", "The alarm mute rule %s does not exist.", name).WithStatus(404)
}
