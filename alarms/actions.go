package alarms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/metrics"
)

// pending collects what a state change must deliver once the service's lock
// is released: bus events, hook calls and actions.
type pending struct {
	changes []StateChange
	hooks   []*func(StateChange)
	actions []actionJob
}

type actionJob struct {
	alarmName string
	alarmType AlarmType
	kind      ActionKind
	handler   ActionHandler
	topic     string
	subject   string
	req       ActionRequest
}

// transitionLocked moves a to a new state: history, the StateChange event,
// actions (when enabled) and the re-evaluation of composite alarms that
// reference a.
func (s *Service) transitionLocked(a *alarm, state StateValue, reason, data string, t time.Time, out *pending) {
	s.transitionCascadeLocked(a, state, reason, data, t, out, map[string]bool{})
}

func (s *Service) transitionCascadeLocked(a *alarm, state StateValue, reason, data string, t time.Time, out *pending, visited map[string]bool) {
	old, oldReason, oldData := a.state, a.reason, a.reasonData
	a.prev = prevState{value: old, reason: oldReason, data: oldData, at: a.stateUpdated}
	a.state, a.reason, a.reasonData = state, reason, data
	a.stateUpdated, a.transitioned = t, t
	s.addHistoryLocked(AlarmHistoryItem{
		AlarmName: a.name, AlarmType: a.typ, Timestamp: t, HistoryItemType: HistoryStateUpdate,
		HistorySummary: fmt.Sprintf("Alarm updated from %s to %s", old, state),
		HistoryData:    stateUpdateHistoryData(old, oldReason, oldData, state, reason, data),
	})
	change := StateChange{AlarmName: a.name, AlarmArn: a.arn, AlarmType: a.typ, OldState: old, NewState: state, StateReason: reason, StateReasonData: data, Time: t}
	out.changes = append(out.changes, change)
	if out.hooks == nil {
		out.hooks = append(out.hooks, s.hooks...)
	}
	s.queueActionsLocked(a, old, t, out)
	if (old == StateAlarm) != (state == StateAlarm) && s.suppressors > 0 {
		for _, name := range s.names {
			c := s.alarms[name]
			if c.typ != AlarmTypeComposite || c.cdef.ActionsSuppressor == "" || s.resolve(c.cdef.ActionsSuppressor) != a.name {
				continue
			}
			if state == StateAlarm {
				// The suppressor went to ALARM while c waited for it.
				if c.suppressedBy == SuppressedByWaitPeriod {
					c.stopWaitTimer()
					c.suppressedBy, c.suppressedReason = SuppressedByAlarm, fmt.Sprintf("Alarm %s is in ALARM state.", a.name)
				}
				continue
			}
			c.suppressorLeft = t
			if c.suppressedBy != "" {
				// Actions held back while the suppressor was in ALARM run
				// when the extension period ends (user guide, composite
				// alarms, "Actions are not suppressed after ExtensionPeriod").
				s.extendSuppressionLocked(c, a.name, t, out)
			}
		}
	}
	visited[a.name] = true
	for _, p := range s.parents[a.name] {
		if c := s.alarms[p]; c != nil && !visited[p] {
			s.evaluateCompositeLocked(c, a, t, out, visited)
		}
	}
}

// compositeReasonLayout is how AWS writes times in composite StateReason text
// ("... transitioned to ALARM at Friday 28 August, 2020 12:54:24 UTC").
const compositeReasonLayout = "Monday 2 January, 2006 15:04:05 MST"

// evaluateCompositeLocked recomputes a composite alarm's state from its rule.
// trigger is the child whose change caused the evaluation (nil on creation).
func (s *Service) evaluateCompositeLocked(c *alarm, trigger *alarm, t time.Time, out *pending, visited map[string]bool) {
	if visited[c.name] {
		return // AWS stops evaluating composite alarms when it detects a cycle.
	}
	visited[c.name] = true
	defer delete(visited, c.name)
	state := StateOK
	if c.rule.Eval(func(ref string) StateValue {
		if x := s.alarms[s.resolve(ref)]; x != nil {
			return x.state
		}
		return ""
	}) {
		state = StateAlarm
	}
	if state == c.state {
		return
	}
	creation := trigger == nil && c.reason == "Unchecked: Initial alarm creation"
	if trigger == nil {
		for _, ref := range c.rule.alarms {
			x := s.alarms[s.resolve(ref)]
			if x != nil && (trigger == nil || x.transitioned.After(trigger.transitioned)) {
				trigger = x
			}
		}
	}
	reason := "No alarms in the rule are in the required state."
	data := `{"triggeringAlarms":[]}`
	c.triggering = nil
	if trigger != nil {
		reason = fmt.Sprintf("%s transitioned to %s at %s", trigger.arn, trigger.state, trigger.transitioned.UTC().Format(compositeReasonLayout))
		c.triggering = []triggeringChild{{arn: trigger.arn, state: trigger.state, at: trigger.transitioned}}
		data = fmt.Sprintf(`{"triggeringAlarms":[{"arn":%q,"state":{"value":%q,"timestamp":%q}}]}`,
			trigger.arn, trigger.state, trigger.transitioned.UTC().Format(reasonDataTimeLayout))
	}
	if creation && trigger != nil {
		// A new composite's first evaluation lists every child alarm of its
		// rule as triggering, in rule order (recorded from AWS), not only the
		// one its StateReason names.
		c.triggering = nil
		var b strings.Builder
		b.WriteString(`{"triggeringAlarms":[`)
		seen := map[string]bool{}
		for _, ref := range c.rule.alarms {
			x := s.alarms[s.resolve(ref)]
			if x == nil || seen[x.name] {
				continue
			}
			seen[x.name] = true
			if len(c.triggering) > 0 {
				b.WriteByte(',')
			}
			c.triggering = append(c.triggering, triggeringChild{arn: x.arn, state: x.state, at: x.transitioned})
			fmt.Fprintf(&b, `{"arn":%q,"state":{"value":%q,"timestamp":%q}}`, x.arn, x.state, x.transitioned.UTC().Format(reasonDataTimeLayout))
		}
		b.WriteString("]}")
		data = b.String()
	}
	s.transitionCascadeLocked(c, state, reason, data, t, out, visited)
}

func (a *alarm) actionsFor(state StateValue) []string {
	var ok, al, ins []string
	if a.def != nil {
		ok, al, ins = a.def.OKActions, a.def.AlarmActions, a.def.InsufficientDataActions
	} else {
		ok, al, ins = a.cdef.OKActions, a.cdef.AlarmActions, a.cdef.InsufficientDataActions
	}
	switch state {
	case StateOK:
		return ok
	case StateAlarm:
		return al
	}
	return ins
}

// queueActionsLocked queues the actions of a's new state, applying a composite
// alarm's actions suppressor.
func (s *Service) queueActionsLocked(a *alarm, old StateValue, t time.Time, out *pending) {
	if !a.actionsEnabled || len(a.actionsFor(a.state)) == 0 {
		return
	}
	if a.typ == AlarmTypeComposite && a.cdef.ActionsSuppressor != "" {
		a.stopWaitTimer()
		supName := s.resolve(a.cdef.ActionsSuppressor)
		sup := s.alarms[supName]
		ext := time.Duration(derefInt(a.cdef.ActionsSuppressorExtensionPeriod)) * time.Second
		wait := time.Duration(derefInt(a.cdef.ActionsSuppressorWaitPeriod)) * time.Second
		a.pendingOld = old
		switch {
		case sup != nil && sup.state == StateAlarm:
			a.suppressedBy, a.suppressedReason = SuppressedByAlarm, fmt.Sprintf("Alarm %s is in ALARM state.", supName)
			return
		case !a.suppressorLeft.IsZero() && t.Before(a.suppressorLeft.Add(ext)):
			a.suppressedBy, a.suppressedReason = SuppressedByExtensionPeriod, fmt.Sprintf("Alarm %s left ALARM state less than %d seconds ago.", supName, int(ext/time.Second))
			s.armExtensionEndLocked(a, a.suppressorLeft.Add(ext))
			return
		case a.state == StateAlarm && wait > 0 && !s.op.Closed():
			a.suppressedBy, a.suppressedReason = SuppressedByWaitPeriod, fmt.Sprintf("Waiting %d seconds for alarm %s to go to ALARM state.", int(wait/time.Second), supName)
			s.armWaitLocked(a, &waitArm{Kind: waitKindWait, Due: s.op.Clock.Now().Add(wait), Version: a.version, Since: a.transitioned, Old: old})
			return
		}
		a.suppressedBy, a.suppressedReason = "", ""
	}
	s.queueListLocked(a, old, a.actionsFor(a.state), t, out, "")
}

// stopWaitTimer stops a composite's pending wait or extension timer.
func (a *alarm) stopWaitTimer() {
	if a.waitTimer != nil {
		a.waitTimer.Stop()
		a.waitTimer = nil
	}
	a.wait = nil
}

// extendSuppressionLocked starts a composite's extension period when its
// suppressor leaves ALARM while its actions are held back: they run when the
// period ends (at once without one) unless the suppressor is back in ALARM.
func (s *Service) extendSuppressionLocked(c *alarm, supName string, t time.Time, out *pending) {
	ext := time.Duration(derefInt(c.cdef.ActionsSuppressorExtensionPeriod)) * time.Second
	c.stopWaitTimer()
	if ext <= 0 || s.op.Closed() {
		c.suppressedBy, c.suppressedReason = "", ""
		if c.actionsEnabled && !s.op.Closed() {
			s.queueListLocked(c, c.pendingOld, c.actionsFor(c.state), t, out, "")
		}
		return
	}
	c.suppressedBy, c.suppressedReason = SuppressedByExtensionPeriod, fmt.Sprintf("Alarm %s left ALARM state less than %d seconds ago.", supName, int(ext/time.Second))
	s.armExtensionEndLocked(c, t.Add(ext))
}

// armExtensionEndLocked schedules extensionEnded for c at time at.
func (s *Service) armExtensionEndLocked(c *alarm, at time.Time) {
	c.stopWaitTimer()
	if s.op.Closed() {
		return
	}
	s.armWaitLocked(c, &waitArm{Kind: waitKindExtension, Due: at, Version: c.version, Since: c.transitioned})
}

// Kinds of waitArm.
const (
	waitKindWait      = "wait"      // the suppressor's wait period: waitPeriodEnded
	waitKindExtension = "extension" // the suppressor's extension period: extensionEnded
)

// waitArm is a pending wait or extension timer of a composite alarm: what
// its function captured, when it is due, and its registration number.
type waitArm struct {
	Kind    string
	Due     time.Time
	Version uint64
	Since   time.Time
	Old     StateValue // waitKindWait: the old state of the transition
	Seq     uint64
}

// waitTimerName is the clock name of a composite alarm's wait or extension
// timer: unique among the service's pending timers (an alarm has one at most).
func waitTimerName(kind, alarm string) string { return "alarms/" + kind + "/" + alarm }

// armWaitLocked registers a's wait or extension timer, due at w.Due (at
// once if past). The function forgets w when it runs.
func (s *Service) armWaitLocked(a *alarm, w *waitArm) {
	w.Seq = s.nextArmSeqLocked()
	a.wait = w
	f := func() {
		s.mu.Lock()
		if a.wait == w {
			a.wait = nil
		}
		s.mu.Unlock()
		if w.Kind == waitKindWait {
			s.waitPeriodEnded(a, w.Version, w.Since, w.Old)
		} else {
			s.extensionEnded(a, w.Version, w.Since)
		}
	}
	a.waitTimer = clock.AfterFuncNamed(s.op.Clock, waitTimerName(w.Kind, a.name), max(w.Due.Sub(s.op.Clock.Now()), 0), f)
}

// extensionEnded runs the held-back actions of a composite alarm's current
// state when its suppressor's extension period ends.
func (s *Service) extensionEnded(c *alarm, version uint64, since time.Time) {
	if out := s.extensionEndedLocked(c, version, since); out != nil {
		s.deliver(serviceContext, out)
	}
}

func (s *Service) extensionEndedLocked(c *alarm, version uint64, since time.Time) *pending {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.op.Closed() || s.alarms[c.name] != c || c.version != version || !c.transitioned.Equal(since) || c.suppressedBy != SuppressedByExtensionPeriod {
		return nil
	}
	c.waitTimer = nil
	supName := s.resolve(c.cdef.ActionsSuppressor)
	if sup := s.alarms[supName]; sup != nil && sup.state == StateAlarm {
		c.suppressedBy, c.suppressedReason = SuppressedByAlarm, fmt.Sprintf("Alarm %s is in ALARM state.", supName)
		return nil
	}
	held := prevState{value: c.state, reason: c.reason, data: c.reasonData, at: c.stateUpdated, suppressedBy: c.suppressedBy, suppressedReason: c.suppressedReason}
	c.suppressedBy, c.suppressedReason = "", ""
	out := &pending{}
	if c.actionsEnabled {
		c.resumed = &held
		s.queueListLocked(c, c.pendingOld, c.actionsFor(c.state), s.op.Clock.Now(), out, "")
		c.resumed = nil
	}
	return out
}

// waitPeriodEnded runs a composite alarm's ALARM actions once the suppressor's
// wait period has passed without the suppressor going to ALARM.
func (s *Service) waitPeriodEnded(a *alarm, version uint64, since time.Time, old StateValue) {
	if out := s.waitPeriodEndedLocked(a, version, since, old); out != nil {
		s.deliver(serviceContext, out)
	}
}

func (s *Service) waitPeriodEndedLocked(a *alarm, version uint64, since time.Time, old StateValue) *pending {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.op.Closed() || s.alarms[a.name] != a || a.version != version || a.state != StateAlarm || !a.transitioned.Equal(since) {
		return nil
	}
	a.waitTimer = nil
	supName := s.resolve(a.cdef.ActionsSuppressor)
	if sup := s.alarms[supName]; sup != nil && (sup.state == StateAlarm || sup.transitioned.After(since)) {
		if sup.state == StateAlarm {
			a.suppressedBy, a.suppressedReason = SuppressedByAlarm, fmt.Sprintf("Alarm %s is in ALARM state.", supName)
		}
		return nil // an extension period, if any, is already scheduled
	}
	held := prevState{value: a.state, reason: a.reason, data: a.reasonData, at: a.stateUpdated, suppressedBy: a.suppressedBy, suppressedReason: a.suppressedReason}
	a.suppressedBy, a.suppressedReason = "", ""
	out := &pending{}
	if a.actionsEnabled {
		a.resumed = &held
		s.queueListLocked(a, old, a.actionsFor(a.state), s.op.Clock.Now(), out, "")
		a.resumed = nil
	}
	return out
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// repeatAutoScalingLocked re-runs the Auto Scaling actions of an alarm that
// stays in a state: AWS invokes them "for every period that the alarm remains in
// the new state".
func (s *Service) repeatAutoScalingLocked(a *alarm, t time.Time, out *pending) {
	if !a.actionsEnabled || t.Sub(a.lastAutoScaling) < time.Duration(a.comp.period)*time.Second {
		return
	}
	s.queueListLocked(a, a.state, a.actionsFor(a.state), t, out, ActionAutoScaling)
}

func (s *Service) queueListLocked(a *alarm, old StateValue, list []string, t time.Time, out *pending, only ActionKind) {
	if len(s.muteRules) > 0 && s.mutedLocked(a.name, t) {
		return // an alarm mute rule applies: the state changes, the actions do not run
	}
	var note, event string
	for _, action := range list {
		kind, op, err := s.actionKind(action)
		if err != nil || (only != "" && kind != only) {
			continue
		}
		var msg string
		switch {
		case kind == ActionLambda && event == "":
			event = s.lambdaEventLocked(a, t)
			msg = event
		case kind == ActionLambda:
			msg = event
		case note == "":
			note = s.notificationLocked(a, old, t)
			msg = note
		default:
			msg = note
		}
		if kind == ActionAutoScaling {
			a.lastAutoScaling = t
		}
		req := ActionRequest{Kind: kind, ActionARN: action, EC2Action: op, AlarmName: a.name, AlarmArn: a.arn,
			OldState: old, NewState: a.state, Reason: a.reason, Time: t, Message: msg}
		if a.def != nil {
			for _, d := range a.def.Dimensions {
				if d.Name == "InstanceId" {
					req.InstanceID = d.Value
				}
			}
		}
		j := actionJob{alarmName: a.name, alarmType: a.typ, kind: kind, handler: s.handlers[kind], req: req}
		if kind == ActionSNS {
			j.topic = action
			j.subject = notificationSubject(a.state, a.name, s.op.Region)
		}
		out.actions = append(out.actions, j)
	}
}

// deliver publishes StateChange events, calls hooks and runs actions, outside
// the service's lock; each action becomes an Action history item.
func (s *Service) deliver(ctx context.Context, out *pending) {
	for _, c := range out.changes {
		_ = bus.Publish(ctx, s.op.Bus, c)
		for _, h := range out.hooks {
			s.callHook(*h, c)
		}
	}
	for _, j := range out.actions {
		var err error
		switch {
		case j.kind == ActionSNS && !s.ownTopic(j.topic):
			err = s.errTopicNotAuthorized(j)
		case j.kind == ActionSNS:
			err = bus.Publish(ctx, s.op.Bus, event.Notification{TopicARN: j.topic, Subject: j.subject, Message: j.req.Message, Source: "cloudwatch.amazonaws.com"})
		case j.handler != nil:
			err = callHandler(ctx, j.handler, j.req)
		default:
			err = fmt.Errorf("no handler is registered for %s actions", j.kind)
		}
		item := AlarmHistoryItem{AlarmName: j.alarmName, AlarmType: j.alarmType, Timestamp: j.req.Time, HistoryItemType: HistoryAction}
		// HistoryData: {"actionState":"Succeeded","stateUpdateTimestamp":ms,
		// "notificationResource":arn,"publishedMessage":message} (SNS) or
		// "actionResource" (other actions); failures add "error".
		data := make([]byte, 0, 64+len(j.req.ActionARN)+len(j.req.Message)*11/10)
		if err == nil {
			item.HistorySummary = "Successfully executed action " + j.req.ActionARN
			data = append(data, `{"actionState":"Succeeded"`...)
		} else {
			item.HistorySummary = "Failed to execute action " + j.req.ActionARN
			if j.kind == ActionSNS {
				// AWS's summary of a failed SNS action quotes the error
				// (AWS Knowledge Center, "Why didn't I receive an SNS
				// notification when my CloudWatch alarm triggered?").
				item.HistorySummary += `. Received error: "` + err.Error() + `"`
			}
			data = append(data, `{"actionState":"Failed"`...)
			s.op.Logger.Warn("alarms: alarm action failed", "alarm", j.alarmName, "action", j.req.ActionARN, "error", err.Error())
		}
		data = append(data, `,"stateUpdateTimestamp":`...)
		data = strconv.AppendInt(data, j.req.Time.UnixMilli(), 10)
		if j.kind == ActionSNS {
			data = append(data, `,"notificationResource":`...)
			data = appendJSONString(data, j.req.ActionARN)
			data = append(data, `,"publishedMessage":`...)
			data = appendJSONString(data, j.req.Message)
		} else {
			data = append(data, `,"actionResource":`...)
			data = appendJSONString(data, j.req.ActionARN)
		}
		if err != nil {
			data = append(data, `,"error":`...)
			data = appendJSONString(data, err.Error())
		}
		item.HistoryData = string(append(data, '}'))
		s.addHistory(item)
	}
}

// ownTopic reports whether an SNS action's topic belongs to the service's
// account. A topic of another account can only be reached in AWS when its
// access policy lets this account's alarms publish; localwatch runs each
// account on its own, so such an action fails as AWS's does without that
// policy (see errTopicNotAuthorized) instead of vanishing.
func (s *Service) ownTopic(topic string) bool {
	a, err := arn.Parse(topic)
	return err != nil || a.AccountID == s.op.AccountID
}

// errTopicNotAuthorized is the error AWS records for an SNS action whose
// topic's access policy does not let the alarm publish.
func (s *Service) errTopicNotAuthorized(j actionJob) error {
	return fmt.Errorf("Resource: %s is not authorized to perform: SNS:Publish on resource: %s because no resource-based policy allows the SNS:Publish action",
		j.req.AlarmArn, j.topic)
}

// addHistory adds one history item under the lock.
func (s *Service) addHistory(it AlarmHistoryItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addHistoryLocked(it)
}

// callHook runs one OnStateChange hook under recover: user code must not stop
// the evaluation loop or the delivery of the other hooks and actions.
func (s *Service) callHook(h func(StateChange), c StateChange) {
	defer func() {
		if r := recover(); r != nil {
			s.op.Logger.Error("alarms: OnStateChange hook panicked", "job", "OnStateChange", "alarm", c.AlarmName, "panic", fmt.Sprint(r))
		}
	}()
	h(c)
}

func callHandler(ctx context.Context, h ActionHandler, req ActionRequest) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("action handler panicked: %v", r)
		}
	}()
	return h(ctx, req)
}

// regionNames are the long region names AWS writes in alarm notifications.
var regionNames = map[string]string{
	"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-1": "US West (N. California)",
	"us-west-2": "US West (Oregon)", "af-south-1": "Africa (Cape Town)", "ap-east-1": "Asia Pacific (Hong Kong)",
	"ap-south-1": "Asia Pacific (Mumbai)", "ap-south-2": "Asia Pacific (Hyderabad)", "ap-southeast-1": "Asia Pacific (Singapore)",
	"ap-southeast-2": "Asia Pacific (Sydney)", "ap-southeast-3": "Asia Pacific (Jakarta)", "ap-southeast-4": "Asia Pacific (Melbourne)",
	"ap-northeast-1": "Asia Pacific (Tokyo)", "ap-northeast-2": "Asia Pacific (Seoul)", "ap-northeast-3": "Asia Pacific (Osaka)",
	"ca-central-1": "Canada (Central)", "ca-west-1": "Canada West (Calgary)", "eu-central-1": "EU (Frankfurt)", "eu-central-2": "EU (Zurich)",
	"eu-west-1": "EU (Ireland)", "eu-west-2": "EU (London)", "eu-west-3": "EU (Paris)", "eu-south-1": "EU (Milan)",
	"eu-south-2": "EU (Spain)", "eu-north-1": "EU (Stockholm)", "il-central-1": "Israel (Tel Aviv)", "me-south-1": "Middle East (Bahrain)",
	"me-central-1": "Middle East (UAE)", "sa-east-1": "South America (Sao Paulo)", "us-gov-west-1": "AWS GovCloud (US-West)",
	"us-gov-east-1": "AWS GovCloud (US-East)", "cn-north-1": "China (Beijing)", "cn-northwest-1": "China (Ningxia)",
}

// regionName returns the long name AWS uses for region in alarm notifications
// ("US East (N. Virginia)"), or region itself when unknown.
func regionName(region string) string {
	if n, ok := regionNames[region]; ok {
		return n
	}
	return region
}

// notificationSubject is the SNS Subject of an alarm notification,
// e.g. `ALARM: "HighCPU" in US East (N. Virginia)`, cut to SNS's 100 characters.
func notificationSubject(state StateValue, name, region string) string {
	s := fmt.Sprintf("%s: %q in %s", state, name, regionName(region))
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}

// statisticName is the Trigger.Statistic of a notification: AWS writes the
// statistic in upper snake case ("AVERAGE", "SAMPLE_COUNT").
func statisticName(s metrics.Statistic) string {
	if s == metrics.StatSampleCount {
		return "SAMPLE_COUNT"
	}
	return strings.ToUpper(string(s))
}

// marshal encodes v as JSON without Go's HTML escaping ("->" stays "->", as
// in AWS's messages).
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// jsonStr quotes s as a JSON string (without HTML escaping).
func jsonStr(s string) string {
	return string(appendJSONString(make([]byte, 0, len(s)+2), s))
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	return string(marshal(l))
}

const notificationTimeLayout = "2006-01-02T15:04:05.000-0700"

// notificationLocked builds AWS's alarm notification JSON (the SNS message body
// of an alarm action), field for field in AWS's order.
func (s *Service) notificationLocked(a *alarm, old StateValue, t time.Time) string {
	b := &byteBuilder{buf: make([]byte, 0, 1024)}
	var desc string
	var ok, al, ins []string
	if a.def != nil {
		desc, ok, al, ins = a.def.AlarmDescription, a.def.OKActions, a.def.AlarmActions, a.def.InsufficientDataActions
	} else {
		desc, ok, al, ins = a.cdef.AlarmDescription, a.cdef.OKActions, a.cdef.AlarmActions, a.cdef.InsufficientDataActions
	}
	b.WriteString(`{"AlarmName":`)
	b.buf = appendJSONString(b.buf, a.name)
	if desc == "" {
		b.WriteString(`,"AlarmDescription":null`)
	} else {
		b.WriteString(`,"AlarmDescription":`)
		b.buf = appendJSONString(b.buf, desc)
	}
	b.WriteString(`,"AWSAccountId":`)
	b.buf = appendJSONString(b.buf, s.op.AccountID)
	b.WriteString(`,"AlarmConfigurationUpdatedTimestamp":` + jsonStr(a.configUpdated.UTC().Format(notificationTimeLayout)))
	b.WriteString(`,"NewStateValue":`)
	b.buf = appendJSONString(b.buf, string(a.state))
	b.WriteString(`,"NewStateReason":`)
	b.buf = appendJSONString(b.buf, a.reason)
	b.WriteString(`,"StateChangeTime":` + jsonStr(t.UTC().Format(notificationTimeLayout)))
	b.WriteString(`,"Region":`)
	b.buf = appendJSONString(b.buf, regionName(s.op.Region))
	b.WriteString(`,"AlarmArn":`)
	b.buf = appendJSONString(b.buf, a.arn)
	b.WriteString(`,"OldStateValue":`)
	b.buf = appendJSONString(b.buf, string(old))
	b.WriteString(`,"OKActions":` + jsonList(ok))
	b.WriteString(`,"AlarmActions":` + jsonList(al))
	b.WriteString(`,"InsufficientDataActions":` + jsonList(ins))
	if a.def == nil {
		b.WriteString(`,"AlarmRule":`)
		b.buf = appendJSONString(b.buf, a.cdef.AlarmRule)
		b.WriteString(`,"TriggeringChildren":[`)
		for i, c := range a.triggering {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"Arn":` + jsonStr(c.arn) + `,"State":{"Value":` + jsonStr(string(c.state)) + `,"Timestamp":` + jsonStr(c.at.UTC().Format(notificationTimeLayout)) + `}}`)
		}
		b.WriteString("]}")
		return string(b.buf)
	}
	d := a.def
	b.WriteString(`,"Trigger":{`)
	if len(d.Metrics) == 0 {
		b.WriteString(`"MetricName":` + jsonStr(d.MetricName) + `,"Namespace":` + jsonStr(d.Namespace))
		if d.ExtendedStatistic != "" {
			b.WriteString(`,"StatisticType":"ExtendedStatistic","ExtendedStatistic":`)
			b.buf = appendJSONString(b.buf, d.ExtendedStatistic)
		} else {
			b.WriteString(`,"StatisticType":"Statistic","Statistic":`)
			b.buf = appendJSONString(b.buf, statisticName(d.Statistic))
		}
		if d.Unit == "" {
			b.WriteString(`,"Unit":null`)
		} else {
			b.WriteString(`,"Unit":`)
			b.buf = appendJSONString(b.buf, string(d.Unit))
		}
		b.WriteString(`,"Dimensions":[`)
		for i, dim := range d.Dimensions {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"value":` + jsonStr(dim.Value) + `,"name":` + jsonStr(dim.Name) + `}`)
		}
		b.WriteString(`],"Period":` + strconv.Itoa(d.Period))
	} else {
		b.WriteString(`"Period":` + strconv.Itoa(a.comp.period))
	}
	b.WriteString(`,"EvaluationPeriods":` + strconv.Itoa(d.EvaluationPeriods))
	if d.DatapointsToAlarm > 0 {
		b.WriteString(`,"DatapointsToAlarm":` + strconv.Itoa(d.DatapointsToAlarm))
	}
	b.WriteString(`,"ComparisonOperator":`)
	b.buf = appendJSONString(b.buf, string(d.ComparisonOperator))
	if d.ThresholdMetricId != "" {
		b.WriteString(`,"ThresholdMetricId":`)
		b.buf = appendJSONString(b.buf, d.ThresholdMetricId)
	} else {
		b.WriteString(`,"Threshold":` + javaDouble(a.comp.threshold))
	}
	b.WriteString(`,"TreatMissingData":`)
	b.buf = appendJSONString(b.buf, string(d.TreatMissingData))
	b.WriteString(`,"EvaluateLowSampleCountPercentile":`)
	b.buf = appendJSONString(b.buf, d.EvaluateLowSampleCountPercentile)
	if len(d.Metrics) > 0 {
		b.WriteString(`,"Metrics":[`)
		for i, q := range d.Metrics {
			if i > 0 {
				b.WriteString(",")
			}
			writeTriggerQuery(b, q)
		}
		b.WriteString("]")
	}
	b.WriteString("}}")
	return string(b.buf)
}

// stateUpdateHistoryData is the HistoryData of a StateUpdate item.
func stateUpdateHistoryData(old StateValue, oldReason, oldData string, state StateValue, reason, data string) string {
	part := func(v StateValue, r, d string) string {
		s := `{"stateValue":` + jsonStr(string(v)) + `,"stateReason":` + jsonStr(r)
		if d != "" {
			s += `,"stateReasonData":` + d
		}
		return s + "}"
	}
	return `{"version":"1.0","oldState":` + part(old, oldReason, oldData) + `,"newState":` + part(state, reason, data) + "}"
}

// writeTriggerQuery writes one entry of a math alarm notification's
// Trigger.Metrics as AWS does: Expression or MetricStat, Id, Label,
// ReturnData, with dimensions as {"value","name"} pairs.
func writeTriggerQuery(b *byteBuilder, q metrics.MetricDataQuery) {
	b.WriteString("{")
	if q.Expression != "" {
		b.WriteString(`"Expression":` + jsonStr(q.Expression) + `,`)
	}
	b.WriteString(`"Id":` + jsonStr(q.Id))
	if q.Label != "" {
		b.WriteString(`,"Label":` + jsonStr(q.Label))
	}
	if ms := q.MetricStat; ms != nil {
		b.WriteString(`,"MetricStat":{"Metric":{"Dimensions":[`)
		for i, d := range ms.Metric.Dimensions {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"value":` + jsonStr(d.Value) + `,"name":` + jsonStr(d.Name) + `}`)
		}
		b.WriteString(`],"MetricName":` + jsonStr(ms.Metric.MetricName) + `,"Namespace":` + jsonStr(ms.Metric.Namespace) + `}`)
		b.WriteString(`,"Period":` + strconv.Itoa(ms.Period) + `,"Stat":` + jsonStr(ms.Stat))
		if ms.Unit != "" {
			b.WriteString(`,"Unit":` + jsonStr(string(ms.Unit)))
		}
		b.WriteString("}")
	}
	b.WriteString(`,"ReturnData":` + strconv.FormatBool(q.ReturnData == nil || *q.ReturnData) + "}")
}
