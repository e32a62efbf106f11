package alarms

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/pagetoken"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/metrics"
)

// alarmCall completes the CloudTrail record of an operation: the alarms it
// names (by ARN) as its resources and its request parameters as CloudTrail
// has always shown them here (camel: the Input's JSON with camelCase keys).
// It builds nothing for a call nobody records.
func (s *Service) alarmCall(ctx context.Context, c *event.Call, in any, arns ...string) {
	if !s.op.Rec.Records(ctx) {
		return
	}
	c.Params = func() any { return camel(in) }
	for _, a := range arns {
		c.Resources = append(c.Resources, event.Resource{ARN: a, AccountID: s.op.AccountID, Type: "AWS::CloudWatch::Alarm"})
	}
}

func cloneDef(in PutMetricAlarmInput) *PutMetricAlarmInput {
	d := in
	d.OKActions = slices.Clone(in.OKActions)
	d.AlarmActions = slices.Clone(in.AlarmActions)
	d.InsufficientDataActions = slices.Clone(in.InsufficientDataActions)
	d.Dimensions = slices.Clone(in.Dimensions)
	d.Tags = slices.Clone(in.Tags)
	if in.Threshold != nil {
		t := *in.Threshold
		d.Threshold = &t
	}
	if in.ActionsEnabled != nil {
		e := *in.ActionsEnabled
		d.ActionsEnabled = &e
	}
	d.Metrics = make([]metrics.MetricDataQuery, len(in.Metrics))
	for i, q := range in.Metrics {
		if q.MetricStat != nil {
			ms := *q.MetricStat
			ms.Metric.Dimensions = slices.Clone(ms.Metric.Dimensions)
			q.MetricStat = &ms
		}
		if q.ReturnData != nil {
			q.ReturnData = metrics.Bool(*q.ReturnData)
		}
		d.Metrics[i] = q
	}
	if len(in.Metrics) == 0 {
		d.Metrics = nil
	}
	return &d
}

func (s *Service) insertNameLocked(name string) {
	i, found := slices.BinarySearch(s.names, name)
	if !found {
		s.names = slices.Insert(s.names, i, name)
	}
}

func (s *Service) removeNameLocked(name string) {
	if i, found := slices.BinarySearch(s.names, name); found {
		s.names = slices.Delete(s.names, i, i+1)
	}
}

// PutMetricAlarm creates or updates a metric alarm (single metric or metric
// math). As in AWS, a new alarm starts in INSUFFICIENT_DATA and is evaluated at
// once (its actions run if that changes its state), then every minute (10
// seconds for high-resolution alarms); updating an alarm keeps its state, and
// tags given on update are ignored.
func (s *Service) PutMetricAlarm(ctx context.Context, in PutMetricAlarmInput) (*PutMetricAlarmOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutMetricAlarm"}, in, s.putMetricAlarm)
}

func (s *Service) putMetricAlarm(ctx context.Context, c *event.Call, in PutMetricAlarmInput) (*PutMetricAlarmOutput, error) {
	s.alarmCall(ctx, c, in, s.alarmARN(in.AlarmName))
	created, err := s.storeMetricAlarm(in)
	if err != nil {
		return nil, err
	}
	if created {
		// AWS: "the alarm state is immediately set to INSUFFICIENT_DATA. The
		// alarm is then evaluated and its state is set appropriately."
		s.evaluateNow(in.AlarmName)
	}
	return &PutMetricAlarmOutput{}, nil
}

// evaluateNow evaluates one metric alarm at the current time, outside the
// schedule (after creation), as CloudWatch itself: the query is not logged,
// the actions are.
func (s *Service) evaluateNow(name string) {
	ctx := queryContext
	j, at, ok := s.snapshotJob(name)
	if !ok {
		return
	}
	g := &group{} // private scratch: a tick may be running (and may be our caller)
	full := j.c.lowSample > 0 || j.c.isMath
	ev, evalState := s.evaluateJob(ctx, g, &j, at, full)
	if ev.Changed && !full {
		ev, evalState = s.evaluateJob(ctx, g, &j, at, true)
	}
	if !ev.Changed && evalState == j.evalState {
		return
	}
	out := &pending{}
	s.applyEvaluation(&j, ev, evalState, false, at, out)
	s.deliver(serviceContext, out)
}

// snapshotJob takes the job of one metric alarm under the lock.
func (s *Service) snapshotJob(name string) (job, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.alarms[name]
	if a == nil || a.typ != AlarmTypeMetric || s.op.Closed() {
		return job{}, time.Time{}, false
	}
	return job{a: a, c: a.comp, q: a.query, prev: a.state, version: a.version, evalState: a.evaluationState}, s.op.Clock.Now(), true
}

// storeMetricAlarm validates and stores a metric alarm's definition.
func (s *Service) storeMetricAlarm(in PutMetricAlarmInput) (created bool, err error) {
	if err := s.validatePutMetricAlarm(&in); err != nil {
		return false, err
	}
	def := cloneDef(in)
	c := compile(def)
	q := buildQuery(def)
	gi := 0
	if c.period < 60 {
		gi = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.op.Clock.Now()
	a := s.alarms[def.AlarmName]
	if a != nil && a.typ != AlarmTypeMetric {
		return false, awserr.InvalidValue("AlarmName", def.AlarmName, "a composite alarm with this name already exists")
	}
	if a == nil {
		a = &alarm{name: def.AlarmName, arn: s.alarmARN(def.AlarmName), typ: AlarmTypeMetric,
			state: StateInsufficientData, reason: "Unchecked: Initial alarm creation",
			stateUpdated: now, transitioned: now, tags: slices.Clone(def.Tags), group: gi}
		s.setMetricDefLocked(a, def, c, q, now)
		s.alarms[a.name] = a
		s.insertNameLocked(a.name)
		s.joinGroupLocked(a)
		s.addHistoryLocked(AlarmHistoryItem{AlarmName: a.name, AlarmType: a.typ, Timestamp: now, HistoryItemType: HistoryConfigurationUpdate,
			HistorySummary: fmt.Sprintf("Alarm %q created", a.name), HistoryData: configurationHistoryData("Create", s.metricAlarmLocked(a), nil)})
		return true, nil
	}
	before := s.metricAlarmLocked(a)
	if a.group != gi {
		s.leaveGroupLocked(a)
		a.group = gi
		s.joinGroupLocked(a)
	}
	s.setMetricDefLocked(a, def, c, q, now)
	after := s.metricAlarmLocked(a)
	s.addHistoryLocked(AlarmHistoryItem{AlarmName: a.name, AlarmType: a.typ, Timestamp: now, HistoryItemType: HistoryConfigurationUpdate,
		HistorySummary: fmt.Sprintf("Alarm %q updated", a.name), HistoryData: configurationHistoryData("Update", after, diffFields(before, after))})
	return false, nil
}

func (s *Service) setMetricDefLocked(a *alarm, def *PutMetricAlarmInput, c *compiled, q *metrics.GetMetricDataInput, now time.Time) {
	a.version++
	a.def, a.comp, a.query = def, c, q
	a.batchKey = batchKeyOf(def, c)
	a.actionsEnabled = def.ActionsEnabled == nil || *def.ActionsEnabled
	a.configUpdated = now
	a.hasAutoScaling = false
	for _, l := range [][]string{def.OKActions, def.AlarmActions, def.InsufficientDataActions} {
		for _, x := range l {
			if strings.HasPrefix(x, "arn:aws:autoscaling:") || strings.Contains(x, ":autoscaling:") {
				a.hasAutoScaling = true
			}
		}
	}
}

func (s *Service) metricAlarmLocked(a *alarm) MetricAlarm {
	d := a.def
	return MetricAlarm{
		AlarmName: a.name, AlarmArn: a.arn, AlarmDescription: d.AlarmDescription,
		AlarmConfigurationUpdatedTimestamp: a.configUpdated, ActionsEnabled: a.actionsEnabled,
		OKActions: nonNil(d.OKActions), AlarmActions: nonNil(d.AlarmActions), InsufficientDataActions: nonNil(d.InsufficientDataActions),
		StateValue: a.state, StateReason: a.reason, StateReasonData: a.reasonData, StateUpdatedTimestamp: a.stateUpdated,
		MetricName: d.MetricName, Namespace: d.Namespace, Statistic: d.Statistic, ExtendedStatistic: d.ExtendedStatistic,
		Dimensions: slices.Clone(d.Dimensions), Period: d.Period, Unit: d.Unit, EvaluationPeriods: d.EvaluationPeriods,
		DatapointsToAlarm: d.DatapointsToAlarm, Threshold: d.Threshold, ComparisonOperator: d.ComparisonOperator,
		TreatMissingData: d.TreatMissingData, EvaluateLowSampleCountPercentile: d.EvaluateLowSampleCountPercentile,
		Metrics: slices.Clone(d.Metrics), ThresholdMetricId: d.ThresholdMetricId, EvaluationState: a.evaluationState,
		StateTransitionedTimestamp: a.transitioned,
	}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return slices.Clone(l)
}

func (s *Service) compositeAlarmLocked(a *alarm) CompositeAlarm {
	d := a.cdef
	return CompositeAlarm{
		AlarmName: a.name, AlarmArn: a.arn, AlarmDescription: d.AlarmDescription, AlarmRule: d.AlarmRule,
		AlarmConfigurationUpdatedTimestamp: a.configUpdated, ActionsEnabled: a.actionsEnabled,
		OKActions: nonNil(d.OKActions), AlarmActions: nonNil(d.AlarmActions), InsufficientDataActions: nonNil(d.InsufficientDataActions),
		StateValue: a.state, StateReason: a.reason, StateReasonData: a.reasonData, StateUpdatedTimestamp: a.stateUpdated,
		StateTransitionedTimestamp: a.transitioned, ActionsSuppressedBy: a.suppressedBy, ActionsSuppressedReason: a.suppressedReason,
		ActionsSuppressor: d.ActionsSuppressor, ActionsSuppressorWaitPeriod: d.ActionsSuppressorWaitPeriod,
		ActionsSuppressorExtensionPeriod: d.ActionsSuppressorExtensionPeriod,
	}
}

// PutCompositeAlarm creates or updates a composite alarm. Every alarm its rule
// references must exist. The alarm is evaluated at once and again whenever one
// of its children changes state.
func (s *Service) PutCompositeAlarm(ctx context.Context, in PutCompositeAlarmInput) (*PutCompositeAlarmOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutCompositeAlarm"}, in, s.putCompositeAlarm)
}

func (s *Service) putCompositeAlarm(ctx context.Context, c *event.Call, in PutCompositeAlarmInput) (*PutCompositeAlarmOutput, error) {
	s.alarmCall(ctx, c, in, s.alarmARN(in.AlarmName))
	out, err := s.storeCompositeAlarm(in)
	if err != nil {
		return nil, err
	}
	s.deliver(ctx, out)
	return &PutCompositeAlarmOutput{}, nil
}

// storeCompositeAlarm validates and stores a composite alarm, evaluates it and
// answers the actions to deliver.
func (s *Service) storeCompositeAlarm(in PutCompositeAlarmInput) (*pending, error) {
	if err := validateAlarmName("AlarmName", in.AlarmName); err != nil {
		return nil, err
	}
	if err := validateText("alarmDescription", in.AlarmDescription, MaxAlarmDescriptionLength); err != nil {
		return nil, err
	}
	if in.AlarmRule == "" {
		return nil, awserr.Missing("AlarmRule")
	}
	if err := validateText("alarmRule", in.AlarmRule, MaxAlarmRuleLength); err != nil {
		return nil, err
	}
	rule, err := ParseAlarmRule(in.AlarmRule)
	if err != nil {
		return nil, awserr.InvalidValue("AlarmRule", in.AlarmRule, err.Error())
	}
	if err := s.validateActions(false, false, in.OKActions, in.AlarmActions, in.InsufficientDataActions); err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if in.ActionsSuppressor == "" {
		if in.ActionsSuppressorWaitPeriod != nil || in.ActionsSuppressorExtensionPeriod != nil {
			return nil, awserr.Combination("ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod require ActionsSuppressor.")
		}
	} else {
		if len(in.ActionsSuppressor) > 1600 {
			return nil, validation("actionsSuppressor", in.ActionsSuppressor, "Member must have length less than or equal to 1600")
		}
		if err := validateToken("ActionsSuppressor", in.ActionsSuppressor); err != nil {
			return nil, err
		}
		if in.ActionsSuppressorWaitPeriod == nil {
			return nil, awserr.Missing("ActionsSuppressorWaitPeriod")
		}
		if in.ActionsSuppressorExtensionPeriod == nil {
			return nil, awserr.Missing("ActionsSuppressorExtensionPeriod")
		}
		if *in.ActionsSuppressorWaitPeriod < 0 || *in.ActionsSuppressorExtensionPeriod < 0 {
			return nil, awserr.InvalidValue("ActionsSuppressorWaitPeriod", *in.ActionsSuppressorWaitPeriod, "periods must not be negative")
		}
		// SuppressorPeriod is a 32-bit Integer on AWS's wire: larger values
		// cannot be sent (and would overflow a time.Duration).
		if *in.ActionsSuppressorWaitPeriod > math.MaxInt32 {
			return nil, validation("actionsSuppressorWaitPeriod", *in.ActionsSuppressorWaitPeriod, "Member must have value less than or equal to 2147483647")
		}
		if *in.ActionsSuppressorExtensionPeriod > math.MaxInt32 {
			return nil, validation("actionsSuppressorExtensionPeriod", *in.ActionsSuppressorExtensionPeriod, "Member must have value less than or equal to 2147483647")
		}
	}
	def := in
	def.OKActions, def.AlarmActions, def.InsufficientDataActions = slices.Clone(in.OKActions), slices.Clone(in.AlarmActions), slices.Clone(in.InsufficientDataActions)
	def.Tags = slices.Clone(in.Tags)

	s.mu.Lock()
	defer s.mu.Unlock()
	var missing []string
	for _, ref := range rule.alarms {
		name := s.resolve(ref)
		if s.alarms[name] == nil && name != in.AlarmName {
			missing = append(missing, ref)
		}
	}
	if len(missing) > 0 {
		return nil, awserr.InvalidValue("AlarmRule", in.AlarmRule, fmt.Sprintf("Could not save the composite alarm as alarms [%s] in the alarm rule do not exist", strings.Join(missing, ", ")))
	}
	if in.ActionsSuppressor != "" && s.alarms[s.resolve(in.ActionsSuppressor)] == nil {
		return nil, awserr.InvalidValue("ActionsSuppressor", in.ActionsSuppressor, "the alarm does not exist")
	}
	now := s.op.Clock.Now()
	a := s.alarms[in.AlarmName]
	if a != nil && a.typ != AlarmTypeComposite {
		return nil, awserr.InvalidValue("AlarmName", in.AlarmName, "a metric alarm with this name already exists")
	}
	created := a == nil
	var before CompositeAlarm
	if created {
		a = &alarm{name: in.AlarmName, arn: s.alarmARN(in.AlarmName), typ: AlarmTypeComposite,
			state: StateInsufficientData, reason: "Unchecked: Initial alarm creation", stateUpdated: now, transitioned: now, tags: def.Tags}
		s.alarms[a.name] = a
		s.insertNameLocked(a.name)
	} else {
		before = s.compositeAlarmLocked(a)
		s.unlinkParentsLocked(a)
	}
	a.version++
	if a.cdef != nil && a.cdef.ActionsSuppressor != "" {
		s.suppressors--
	}
	if def.ActionsSuppressor != "" {
		s.suppressors++
	}
	a.cdef, a.rule = &def, rule
	a.actionsEnabled = in.ActionsEnabled == nil || *in.ActionsEnabled
	a.configUpdated = now
	for _, ref := range rule.alarms {
		child := s.resolve(ref)
		if !slices.Contains(s.parents[child], a.name) {
			s.parents[child] = append(s.parents[child], a.name)
		}
	}
	after := s.compositeAlarmLocked(a)
	if created {
		s.addHistoryLocked(AlarmHistoryItem{AlarmName: a.name, AlarmType: a.typ, Timestamp: now, HistoryItemType: HistoryConfigurationUpdate,
			HistorySummary: fmt.Sprintf("Alarm %q created", a.name), HistoryData: configurationHistoryData("Create", after, nil)})
	} else {
		s.addHistoryLocked(AlarmHistoryItem{AlarmName: a.name, AlarmType: a.typ, Timestamp: now, HistoryItemType: HistoryConfigurationUpdate,
			HistorySummary: fmt.Sprintf("Alarm %q updated", a.name), HistoryData: configurationHistoryData("Update", after, diffFields(before, after))})
	}
	out := &pending{}
	s.evaluateCompositeLocked(a, nil, now, out, map[string]bool{})
	return out, nil
}

func (s *Service) unlinkParentsLocked(a *alarm) {
	for _, ref := range a.rule.alarms {
		child := s.resolve(ref)
		s.parents[child] = slices.DeleteFunc(s.parents[child], func(p string) bool { return p == a.name })
		if len(s.parents[child]) == 0 {
			delete(s.parents, child)
		}
	}
}

// checkMaxRecords checks a MaxRecords page size and answers the page size to
// use (default 50).
func checkMaxRecords(n *int32) (int, error) {
	if n == nil {
		return 50, nil
	}
	if *n < 1 || *n > 100 {
		return 0, validation("maxRecords", *n, "Member must have value between 1 and 100")
	}
	return int(*n), nil
}

func checkAlarmTypes(types []AlarmType) error {
	for _, t := range types {
		if t != AlarmTypeMetric && t != AlarmTypeComposite {
			return validation("alarmTypes", t, "Member must satisfy enum value set: [CompositeAlarm, MetricAlarm]")
		}
	}
	return nil
}

// DescribeAlarms lists alarms in name order. Filters combine; without
// AlarmTypes only metric alarms are returned, as in AWS.
func (s *Service) DescribeAlarms(ctx context.Context, in DescribeAlarmsInput) (*DescribeAlarmsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeAlarms", ReadOnly: true}, in, s.describeAlarms)
}

func (s *Service) describeAlarms(ctx context.Context, c *event.Call, in DescribeAlarmsInput) (*DescribeAlarmsOutput, error) {
	s.alarmCall(ctx, c, in)
	limit, err := checkMaxRecords(in.MaxRecords)
	if err != nil {
		return nil, err
	}
	if err := checkAlarmTypes(in.AlarmTypes); err != nil {
		return nil, err
	}
	if len(in.AlarmNames) > MaxNamesPerCall {
		return nil, validation("alarmNames", len(in.AlarmNames), "Member must have length less than or equal to 100")
	}
	if len(in.AlarmNames) > 0 && in.AlarmNamePrefix != "" {
		return nil, awserr.Combination("AlarmNames and AlarmNamePrefix cannot be used together.")
	}
	if (in.ChildrenOfAlarmName != "" || in.ParentsOfAlarmName != "") &&
		(len(in.AlarmNames) > 0 || in.AlarmNamePrefix != "" || in.StateValue != "" || in.ActionPrefix != "" || in.ChildrenOfAlarmName != "" && in.ParentsOfAlarmName != "") {
		return nil, awserr.Combination("ChildrenOfAlarmName and ParentsOfAlarmName cannot be combined with other filters except AlarmTypes.")
	}
	switch in.StateValue {
	case "", StateOK, StateAlarm, StateInsufficientData:
	default:
		return nil, validation("stateValue", in.StateValue, "Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]")
	}
	after := ""
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		if !ok || !strings.HasPrefix(t, "a") {
			return nil, awserr.New("InvalidNextToken", "The NextToken %q is not valid.", in.NextToken)
		}
		after = t[1:]
	}
	types := in.AlarmTypes
	if len(types) == 0 {
		types = []AlarmType{AlarmTypeMetric}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var only map[string]bool
	switch {
	case len(in.AlarmNames) > 0:
		only = map[string]bool{}
		for _, n := range in.AlarmNames {
			only[n] = true
		}
	case in.ChildrenOfAlarmName != "":
		only = map[string]bool{}
		if c := s.alarms[in.ChildrenOfAlarmName]; c != nil && c.rule != nil {
			for _, ref := range c.rule.alarms {
				only[s.resolve(ref)] = true
			}
		}
	case in.ParentsOfAlarmName != "":
		only = map[string]bool{}
		for _, p := range s.parents[in.ParentsOfAlarmName] {
			only[p] = true
		}
	}
	out := &DescribeAlarmsOutput{MetricAlarms: []MetricAlarm{}}
	start, _ := slices.BinarySearch(s.names, after)
	count := 0
	for _, name := range s.names[start:] {
		if after != "" && name <= after {
			continue
		}
		a := s.alarms[name]
		if only != nil && !only[name] || !strings.HasPrefix(name, in.AlarmNamePrefix) || !slices.Contains(types, a.typ) {
			continue
		}
		if in.StateValue != "" && a.state != in.StateValue {
			continue
		}
		if in.ActionPrefix != "" && !hasActionPrefix(a, in.ActionPrefix) {
			continue
		}
		if count == limit {
			out.NextToken = pagetoken.Encode("a" + s.lastListed(out))
			break
		}
		count++
		if a.typ == AlarmTypeMetric {
			out.MetricAlarms = append(out.MetricAlarms, s.metricAlarmLocked(a))
		} else {
			out.CompositeAlarms = append(out.CompositeAlarms, s.compositeAlarmLocked(a))
		}
	}
	return out, nil
}

// lastListed is the greatest alarm name in a page.
func (s *Service) lastListed(out *DescribeAlarmsOutput) string {
	last := ""
	if n := len(out.MetricAlarms); n > 0 {
		last = out.MetricAlarms[n-1].AlarmName
	}
	if n := len(out.CompositeAlarms); n > 0 && out.CompositeAlarms[n-1].AlarmName > last {
		last = out.CompositeAlarms[n-1].AlarmName
	}
	return last
}

func hasActionPrefix(a *alarm, prefix string) bool {
	for _, st := range []StateValue{StateOK, StateAlarm, StateInsufficientData} {
		for _, x := range a.actionsFor(st) {
			if strings.HasPrefix(x, prefix) {
				return true
			}
		}
	}
	return false
}

// DescribeAlarmsForMetric returns the metric alarms on a metric; the optional
// Statistic, ExtendedStatistic, Dimensions, Period and Unit narrow the match.
// Metric-math alarms whose metrics include the metric are returned too.
func (s *Service) DescribeAlarmsForMetric(ctx context.Context, in DescribeAlarmsForMetricInput) (*DescribeAlarmsForMetricOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeAlarmsForMetric", ReadOnly: true}, in, s.describeAlarmsForMetric)
}

func sameDimensions(a, b []metrics.Dimension) bool {
	if len(a) != len(b) {
		return false
	}
	for _, d := range a {
		if !slices.Contains(b, d) {
			return false
		}
	}
	return true
}

func (s *Service) describeAlarmsForMetric(ctx context.Context, c *event.Call, in DescribeAlarmsForMetricInput) (*DescribeAlarmsForMetricOutput, error) {
	s.alarmCall(ctx, c, in)
	if in.MetricName == "" {
		return nil, awserr.Missing("MetricName")
	}
	if in.Namespace == "" {
		return nil, awserr.Missing("Namespace")
	}
	if in.Statistic != "" && in.ExtendedStatistic != "" {
		return nil, awserr.Combination("Statistic and ExtendedStatistic cannot both be specified.")
	}
	if err := validateDimensions("dimensions", in.Dimensions); err != nil {
		return nil, err
	}
	matches := func(m metrics.Metric, stat string, period int, unit metrics.StandardUnit) bool {
		if m.Namespace != in.Namespace || m.MetricName != in.MetricName {
			return false
		}
		if in.Dimensions != nil && !sameDimensions(in.Dimensions, m.Dimensions) {
			return false
		}
		if in.Statistic != "" && stat != string(in.Statistic) || in.ExtendedStatistic != "" && stat != in.ExtendedStatistic {
			return false
		}
		return (in.Period == nil || period == int(*in.Period)) && (in.Unit == "" || unit == in.Unit)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &DescribeAlarmsForMetricOutput{MetricAlarms: []MetricAlarm{}}
	for _, name := range s.names {
		a := s.alarms[name]
		if a.typ != AlarmTypeMetric {
			continue
		}
		d := a.def
		ok := false
		if len(d.Metrics) == 0 {
			stat := string(d.Statistic)
			if d.ExtendedStatistic != "" {
				stat = d.ExtendedStatistic
			}
			ok = matches(metrics.Metric{Namespace: d.Namespace, MetricName: d.MetricName, Dimensions: d.Dimensions}, stat, d.Period, d.Unit)
		} else {
			for _, q := range d.Metrics {
				if q.MetricStat != nil && matches(q.MetricStat.Metric, q.MetricStat.Stat, q.MetricStat.Period, q.MetricStat.Unit) {
					ok = true
				}
			}
		}
		if ok {
			out.MetricAlarms = append(out.MetricAlarms, s.metricAlarmLocked(a))
		}
	}
	return out, nil
}

// DeleteAlarms deletes alarms. If any named alarm does not exist, nothing is
// deleted (ResourceNotFound). A composite alarm that another composite alarm's
// rule references cannot be deleted (break the dependency first, as in AWS).
// History of deleted alarms stays readable until it expires.
func (s *Service) DeleteAlarms(ctx context.Context, in DeleteAlarmsInput) (*DeleteAlarmsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteAlarms"}, in, s.deleteAlarms)
}

func (s *Service) deleteAlarms(ctx context.Context, c *event.Call, in DeleteAlarmsInput) (*DeleteAlarmsOutput, error) {
	arns := make([]string, len(in.AlarmNames))
	for i, n := range in.AlarmNames {
		arns[i] = s.alarmARN(n)
	}
	s.alarmCall(ctx, c, in, arns...)
	if err := s.removeAlarms(in); err != nil {
		return nil, err
	}
	return &DeleteAlarmsOutput{}, nil
}

// removeAlarms deletes the named alarms, all or none.
func (s *Service) removeAlarms(in DeleteAlarmsInput) error {
	if len(in.AlarmNames) == 0 {
		return awserr.Missing("AlarmNames")
	}
	if len(in.AlarmNames) > MaxNamesPerCall {
		return validation("alarmNames", len(in.AlarmNames), "Member must have length less than or equal to 100")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	deleting := map[string]bool{}
	for _, n := range in.AlarmNames {
		if s.alarms[n] == nil {
			return errAlarmNotFound()
		}
		deleting[n] = true
	}
	for _, n := range in.AlarmNames {
		if s.alarms[n].typ != AlarmTypeComposite {
			continue
		}
		for _, p := range s.parents[n] {
			if !deleting[p] {
				return awserr.InvalidValue("AlarmNames", n, "the composite alarm is referenced by the rule of composite alarm "+p)
			}
		}
	}
	now := s.op.Clock.Now()
	for _, n := range in.AlarmNames {
		a := s.alarms[n]
		if a == nil {
			continue // named twice
		}
		var snapshot any
		if a.typ == AlarmTypeMetric {
			snapshot = s.metricAlarmLocked(a)
			s.leaveGroupLocked(a)
		} else {
			snapshot = s.compositeAlarmLocked(a)
			s.unlinkParentsLocked(a)
			if a.cdef.ActionsSuppressor != "" {
				s.suppressors--
			}
			if a.waitTimer != nil {
				a.waitTimer.Stop()
			}
		}
		delete(s.alarms, n)
		s.removeNameLocked(n)
		s.addHistoryLocked(AlarmHistoryItem{AlarmName: n, AlarmType: a.typ, Timestamp: now, HistoryItemType: HistoryConfigurationUpdate,
			HistorySummary: fmt.Sprintf("Alarm %q deleted", n), HistoryData: configurationHistoryData("Delete", snapshot, nil)})
	}
	return nil
}

// SetAlarmState sets an alarm's state temporarily, as AWS does: the change is
// recorded and its actions run, and the next evaluation (the next minute, for a
// metric alarm; the next change of a child, for a composite alarm) may change
// it back.
func (s *Service) SetAlarmState(ctx context.Context, in SetAlarmStateInput) (*SetAlarmStateOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "SetAlarmState"}, in, s.setAlarmState)
}

func (s *Service) setAlarmState(ctx context.Context, c *event.Call, in SetAlarmStateInput) (*SetAlarmStateOutput, error) {
	s.alarmCall(ctx, c, in, s.alarmARN(in.AlarmName))
	out, err := s.changeAlarmState(in)
	if err != nil {
		return nil, err
	}
	s.deliver(ctx, out)
	return &SetAlarmStateOutput{}, nil
}

// changeAlarmState sets the state and answers the actions to deliver.
func (s *Service) changeAlarmState(in SetAlarmStateInput) (*pending, error) {
	if err := validateAlarmName("AlarmName", in.AlarmName); err != nil {
		return nil, err
	}
	switch in.StateValue {
	case "":
		return nil, awserr.Missing("StateValue")
	case StateOK, StateAlarm, StateInsufficientData:
	default:
		return nil, validation("stateValue", in.StateValue, "Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]")
	}
	if in.StateReason == "" {
		return nil, awserr.Missing("StateReason")
	}
	if err := validateText("stateReason", in.StateReason, MaxStateReasonLength); err != nil {
		return nil, err
	}
	if err := validateText("stateReasonData", in.StateReasonData, MaxStateReasonDataLength); err != nil {
		return nil, err
	}
	if in.StateReasonData != "" && !validJSON(in.StateReasonData) {
		return nil, awserr.New("InvalidFormat", "StateReasonData is not valid JSON.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.alarms[in.AlarmName]
	if a == nil {
		return nil, errAlarmNotFound()
	}
	now := s.op.Clock.Now()
	out := &pending{}
	if a.state == in.StateValue {
		a.reason, a.reasonData, a.stateUpdated = in.StateReason, in.StateReasonData, now
		return out, nil
	}
	s.transitionLocked(a, in.StateValue, in.StateReason, in.StateReasonData, now, out)
	return out, nil
}

// EnableAlarmActions enables the actions of the named alarms; unknown names
// are ignored.
func (s *Service) EnableAlarmActions(ctx context.Context, in EnableAlarmActionsInput) (*EnableAlarmActionsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "EnableAlarmActions"}, in,
		func(ctx context.Context, c *event.Call, in EnableAlarmActionsInput) (*EnableAlarmActionsOutput, error) {
			s.alarmCall(ctx, c, in)
			if err := s.setActionsEnabled(in.AlarmNames, true); err != nil {
				return nil, err
			}
			return &EnableAlarmActionsOutput{}, nil
		})
}

// DisableAlarmActions disables the actions of the named alarms; unknown names
// are ignored. State changes are still evaluated and recorded.
func (s *Service) DisableAlarmActions(ctx context.Context, in DisableAlarmActionsInput) (*DisableAlarmActionsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DisableAlarmActions"}, in,
		func(ctx context.Context, c *event.Call, in DisableAlarmActionsInput) (*DisableAlarmActionsOutput, error) {
			s.alarmCall(ctx, c, in)
			if err := s.setActionsEnabled(in.AlarmNames, false); err != nil {
				return nil, err
			}
			return &DisableAlarmActionsOutput{}, nil
		})
}

func (s *Service) setActionsEnabled(names []string, on bool) error {
	if len(names) == 0 {
		return awserr.Missing("AlarmNames")
	}
	if len(names) > MaxNamesPerCall {
		return validation("alarmNames", len(names), "Member must have length less than or equal to 100")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		if a := s.alarms[n]; a != nil {
			a.actionsEnabled = on
		}
	}
	return nil
}

// DescribeAlarmHistory returns history items (newest first unless ScanBy is
// TimestampAscending), kept for two weeks. Without AlarmTypes only metric
// alarms' items are returned, as in AWS. History of deleted alarms is included.
func (s *Service) DescribeAlarmHistory(ctx context.Context, in DescribeAlarmHistoryInput) (*DescribeAlarmHistoryOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeAlarmHistory", ReadOnly: true}, in, s.describeAlarmHistory)
}

func (s *Service) describeAlarmHistory(ctx context.Context, c *event.Call, in DescribeAlarmHistoryInput) (*DescribeAlarmHistoryOutput, error) {
	s.alarmCall(ctx, c, in)
	limit, err := checkMaxRecords(in.MaxRecords)
	if err != nil {
		return nil, err
	}
	if err := checkAlarmTypes(in.AlarmTypes); err != nil {
		return nil, err
	}
	if len(in.AlarmName) > MaxAlarmNameLength {
		return nil, validation("alarmName", in.AlarmName, "Member must have length less than or equal to 255")
	}
	switch in.HistoryItemType {
	case "", HistoryConfigurationUpdate, HistoryStateUpdate, HistoryAction, HistoryAlarmContributorStateUpdate, HistoryAlarmContributorAction:
	default:
		return nil, validation("historyItemType", in.HistoryItemType, "Member must satisfy enum value set: [ConfigurationUpdate, StateUpdate, Action, AlarmContributorStateUpdate, AlarmContributorAction]")
	}
	switch in.ScanBy {
	case "", ScanByTimestampDescending, ScanByTimestampAscending:
	default:
		return nil, validation("scanBy", in.ScanBy, "Member must satisfy enum value set: [TimestampDescending, TimestampAscending]")
	}
	if in.StartDate != nil && in.EndDate != nil && in.StartDate.After(*in.EndDate) {
		return nil, awserr.InvalidValue("StartDate", in.StartDate.Format(time.RFC3339), "StartDate must be before EndDate")
	}
	var after uint64
	hasToken := in.NextToken != ""
	if hasToken {
		seq, ok := decodeSeqToken(in.NextToken)
		if !ok {
			return nil, awserr.New("InvalidNextToken", "The NextToken %q is not valid.", in.NextToken)
		}
		after = seq
	}
	types := in.AlarmTypes
	if len(types) == 0 {
		types = []AlarmType{AlarmTypeMetric}
	}
	asc := in.ScanBy == ScanByTimestampAscending
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addHistoryPruneLocked()
	out := &DescribeAlarmHistoryOutput{AlarmHistoryItems: []AlarmHistoryItem{}}
	var lastSeq uint64
	n := len(s.history)
	for k := 0; k < n; k++ {
		i := k
		if !asc {
			i = n - 1 - k
		}
		e := &s.history[i]
		if hasToken && (asc && e.seq <= after || !asc && e.seq >= after) {
			continue
		}
		it := &e.item
		if in.AlarmName != "" && it.AlarmName != in.AlarmName || in.HistoryItemType != "" && it.HistoryItemType != in.HistoryItemType ||
			!slices.Contains(types, it.AlarmType) ||
			in.StartDate != nil && it.Timestamp.Before(*in.StartDate) || in.EndDate != nil && it.Timestamp.After(*in.EndDate) {
			continue
		}
		if len(out.AlarmHistoryItems) == limit {
			out.NextToken = encodeSeqToken(lastSeq)
			break
		}
		out.AlarmHistoryItems = append(out.AlarmHistoryItems, *it)
		lastSeq = e.seq
	}
	return out, nil
}

// addHistoryPruneLocked drops expired history items.
func (s *Service) addHistoryPruneLocked() {
	cut := s.op.Clock.Now().Add(-HistoryRetention)
	drop := 0
	for drop < len(s.history) && s.history[drop].item.Timestamp.Before(cut) {
		drop++
	}
	if drop > 0 {
		s.history = append(s.history[:0], s.history[drop:]...)
	}
}

// ListTagsForResource returns the tags of an alarm, by ARN.
func (s *Service) ListTagsForResource(ctx context.Context, in ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListTagsForResource", ReadOnly: true}, in, s.listTagsForResource)
}

func (s *Service) listTagsForResource(ctx context.Context, c *event.Call, in ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	s.alarmCall(ctx, c, in)
	if in.ResourceARN == "" {
		return nil, awserr.Missing("ResourceARN")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.alarms[s.resolve(in.ResourceARN)]
	if a == nil || a.arn != in.ResourceARN {
		// AWS answers {"Tags": []} for the ARN of a deleted alarm (recorded);
		// we answer so for any alarm ARN of this account and Region.
		if strings.HasPrefix(in.ResourceARN, s.alarmARN("")) {
			return &ListTagsForResourceOutput{Tags: []Tag{}}, nil
		}
		return nil, errResourceNotFoundException(in.ResourceARN)
	}
	return &ListTagsForResourceOutput{Tags: append([]Tag{}, a.tags...)}, nil
}

// TagResource adds or replaces tags on an alarm (at most 50 in all).
func (s *Service) TagResource(ctx context.Context, in TagResourceInput) (*TagResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "TagResource"}, in,
		func(ctx context.Context, c *event.Call, in TagResourceInput) (*TagResourceOutput, error) {
			s.alarmCall(ctx, c, in, in.ResourceARN)
			if err := s.tagResource(in); err != nil {
				return nil, err
			}
			return &TagResourceOutput{}, nil
		})
}

func (s *Service) tagResource(in TagResourceInput) error {
	if in.ResourceARN == "" {
		return awserr.Missing("ResourceARN")
	}
	if len(in.Tags) == 0 {
		return awserr.Missing("Tags")
	}
	if err := validateTags(in.Tags); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.alarms[s.resolve(in.ResourceARN)]
	if a == nil || a.arn != in.ResourceARN {
		return errResourceNotFoundException(in.ResourceARN)
	}
	tags := slices.Clone(a.tags)
	for _, t := range in.Tags {
		if i := slices.IndexFunc(tags, func(x Tag) bool { return x.Key == t.Key }); i >= 0 {
			tags[i].Value = t.Value
		} else {
			tags = append(tags, t)
		}
	}
	if len(tags) > MaxTags {
		return awserr.New("LimitExceeded", "The resource %s would have %d tags; the maximum is %d.", in.ResourceARN, len(tags), MaxTags)
	}
	a.tags = tags
	return nil
}

// UntagResource removes tags from an alarm; unknown keys are ignored.
func (s *Service) UntagResource(ctx context.Context, in UntagResourceInput) (*UntagResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "UntagResource"}, in,
		func(ctx context.Context, c *event.Call, in UntagResourceInput) (*UntagResourceOutput, error) {
			s.alarmCall(ctx, c, in, in.ResourceARN)
			if err := s.untagResource(in); err != nil {
				return nil, err
			}
			return &UntagResourceOutput{}, nil
		})
}

func (s *Service) untagResource(in UntagResourceInput) error {
	if in.ResourceARN == "" {
		return awserr.Missing("ResourceARN")
	}
	if len(in.TagKeys) == 0 {
		return awserr.Missing("TagKeys")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.alarms[s.resolve(in.ResourceARN)]
	if a == nil || a.arn != in.ResourceARN {
		return errResourceNotFoundException(in.ResourceARN)
	}
	a.tags = slices.DeleteFunc(slices.Clone(a.tags), func(t Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
	return nil
}

// errAlarmNotFound is AWS's answer to SetAlarmState or DeleteAlarms naming an
// alarm that does not exist: ResourceNotFound, HTTP 404 (API model) and no
// message (recorded from CloudWatch).
func errAlarmNotFound() error {
	return awserr.Sentinel("ResourceNotFound").WithStatus(404)
}

// errResourceNotFoundException is the tagging operations' answer for an ARN
// that names no alarm: ResourceNotFoundException, HTTP 404 (API model).
func errResourceNotFoundException(arn string) error {
	return awserr.New("ResourceNotFoundException", "The resource %s does not exist.", arn).WithStatus(404)
}
