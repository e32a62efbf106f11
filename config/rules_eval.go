package config

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// StartConfigRulesEvaluation re-evaluates the rules now (synchronously) and
// sends ConfigRulesEvaluationStarted to the delivery channel's topic. As in
// AWS, a rule can be started at most once a minute (LimitExceededException).
func (s *Service) StartConfigRulesEvaluation(ctx context.Context, in StartConfigRulesEvaluationInput) (*StartConfigRulesEvaluationOutput, error) {
	return doThen(ctx, s, event.Call{Name: "StartConfigRulesEvaluation"}, in, s.startConfigRulesEvaluation)
}

func (s *Service) startConfigRulesEvaluation(ctx context.Context, call *event.Call, in StartConfigRulesEvaluationInput, then *func()) (*StartConfigRulesEvaluationOutput, error) {
	var err error
	names := slices.Clone(in.ConfigRuleNames)
	slices.Sort(names)
	names = slices.Compact(names)
	now := s.now()
	topic := ""
	if len(names) == 0 || len(names) > 25 {
		err = invalid("ConfigRuleNames has %d members; 1 to 25 are allowed.", len(in.ConfigRuleNames))
	} else {
		err = func() error {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, n := range names {
				r := s.rules[n]
				if r == nil {
					return errf("NoSuchConfigRuleException", "The ConfigRule '%s' provided in the request is invalid. Please check the configRule name.", n)
				}
				if !r.lastStart.IsZero() && now.Sub(r.lastStart) < time.Minute {
					return errf("LimitExceededException", "The evaluation of rule %s was started less than a minute ago.", n)
				}
			}
			for _, n := range names {
				s.rules[n].lastStart = now
			}
			if s.channel != nil {
				topic = s.channel.SNSTopicARN
			}
			return nil
		}()
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configRuleNames": in.ConfigRuleNames}))
	}
	if err != nil {
		return nil, err
	}
	*then = func() { s.rulesEvaluationStarted(ctx, topic, names, now) }
	return &StartConfigRulesEvaluationOutput{}, nil
}

// rulesEvaluationStarted notifies the delivery channel's topic (if any) that
// the evaluation of names started, and runs it.
func (s *Service) rulesEvaluationStarted(ctx context.Context, topic string, names []string, now time.Time) {
	if topic != "" {
		b, _ := json.Marshal(struct {
			AWSAccountID             string   `json:"awsAccountId"`
			AWSRegion                string   `json:"awsRegion"`
			ConfigRuleNames          []string `json:"configRuleNames"`
			NotificationCreationTime string   `json:"notificationCreationTime"`
			MessageType              string   `json:"messageType"`
			RecordVersion            string   `json:"recordVersion"`
		}{s.op.AccountID, s.op.Region, names, isoMillis(now), MessageConfigRulesEvaluationStarted, "1.0"})
		s.publishNote(ctx, topic, s.subjectPrefix()+"Config Rules Evaluation Started for Account "+s.op.AccountID, b)
	}
	s.evaluateRules(ctx, names)
}

// job is one rule invocation, prepared under the lock and run without it.
type job struct {
	rule    string
	managed *managedRule
	fn      RuleFunction
	ev      RuleEvent
	ci      *ConfigurationItem
	key     ResourceKey
}

func scopeMatches(sc *Scope, ci *ConfigurationItem) bool {
	if sc == nil {
		return true
	}
	if len(sc.ComplianceResourceTypes) > 0 && !slices.Contains(sc.ComplianceResourceTypes, ci.ResourceType) {
		return false
	}
	if sc.ComplianceResourceID != "" && sc.ComplianceResourceID != ci.ResourceID {
		return false
	}
	if sc.TagKey != "" {
		v, ok := ci.Tags[sc.TagKey]
		if !ok || (sc.TagValue != "" && v != sc.TagValue) {
			return false
		}
	}
	return true
}

func (r *rule) applies(ci *ConfigurationItem) bool {
	if r.managed != nil && !slices.Contains(r.managed.types, ci.ResourceType) {
		return false
	}
	return scopeMatches(r.cfg.Scope, ci)
}

func (s *Service) newTokenLocked(rule string) string {
	t := s.op.IDs.UUID()
	s.tokens[t] = rule
	s.tokenList = append(s.tokenList, t)
	if len(s.tokenList) > 10000 {
		delete(s.tokens, s.tokenList[0])
		s.tokenList = s.tokenList[1:]
	}
	return t
}

func (s *Service) baseEventLocked(r *rule, now time.Time) RuleEvent {
	role := ""
	if s.recorder != nil {
		role = s.recorder.RoleARN
	}
	return RuleEvent{Version: "1.0", RuleParameters: r.cfg.InputParameters, ExecutionRoleArn: role, ResultToken: s.newTokenLocked(r.cfg.ConfigRuleName),
		ConfigRuleArn: r.cfg.ConfigRuleArn, ConfigRuleName: r.cfg.ConfigRuleName, ConfigRuleID: r.cfg.ConfigRuleID,
		AccountID: s.op.AccountID, Parameters: maps.Clone(r.params), Time: now}
}

// changeJobLocked prepares the invocation of r for item ci (prev is the
// resource's previous item).
func (s *Service) changeJobLocked(r *rule, ci, prev *ConfigurationItem, leftScope bool, now time.Time) job {
	j := job{rule: r.cfg.ConfigRuleName, managed: r.managed, ci: ci, key: ResourceKey{ci.ResourceType, ci.ResourceID}}
	if r.managed != nil {
		return j
	}
	j.fn = s.functions[r.cfg.Source.SourceIdentifier]
	ev := s.baseEventLocked(r, now)
	c := cloneItem(ci)
	ev.ConfigurationItem = &c
	ev.EventLeftScope = leftScope
	ev.MessageType = MessageConfigurationItemChange
	diff := Diff(prev, ci)
	b, _ := json.Marshal(ConfigurationItemChangeNotification{ConfigurationItemDiff: &diff, ConfigurationItem: ci.NotificationForm(),
		NotificationCreationTime: isoMillis(now), MessageType: MessageConfigurationItemChange, RecordVersion: "1.3"})
	ev.InvokingEvent = string(b)
	if len(b) > MaxSNSMessageBytes {
		// Too large to deliver whole: AWS's event for a rule triggered by an
		// oversized item carries the item's summary ("Example Event for AWS
		// Config Rules Triggered by Oversized Configuration Item Changes"),
		// whichever change message type the rule lists; the whole item
		// reaches no rule.
		n := ci.NotificationForm()
		sum := oversizedSummary{ChangeType: diff.ChangeType, ConfigurationItemVersion: n.ConfigurationItemVersion, ConfigurationItemCaptureTime: n.ConfigurationItemCaptureTime,
			ConfigurationStateID: n.ConfigurationStateID, AWSAccountID: n.AWSAccountID, ConfigurationItemStatus: n.ConfigurationItemStatus,
			ResourceType: n.ResourceType, ResourceID: n.ResourceID, ResourceName: n.ResourceName, ARN: n.ARN, AWSRegion: n.AWSRegion,
			AvailabilityZone: n.AvailabilityZone, ConfigurationStateMd5Hash: n.ConfigurationStateMd5Hash, ResourceCreationTime: n.ResourceCreationTime}
		b, _ = json.Marshal(struct {
			ConfigurationItemSummary oversizedSummary `json:"configurationItemSummary"`
			MessageType              string           `json:"messageType"`
			NotificationCreationTime string           `json:"notificationCreationTime"`
			RecordVersion            string           `json:"recordVersion"`
		}{sum, MessageOversizedConfigurationItemChange, isoMillis(now), "1.0"})
		ev.InvokingEvent = string(b)
		ev.MessageType = MessageOversizedConfigurationItemChange
	}
	j.ev = ev
	return j
}

// evaluateChange runs the change-triggered rules for a new item.
func (s *Service) evaluateChange(ctx context.Context, c change) {
	ci := c.item
	if ci.ConfigurationItemStatus == StatusResourceNotRecorded {
		return
	}
	key := ResourceKey{ci.ResourceType, ci.ResourceID}
	now := s.now()
	jobs := func() []job {
		s.mu.Lock()
		defer s.mu.Unlock()
		var jobs []job
		for _, name := range slices.Sorted(maps.Keys(s.rules)) {
			r := s.rules[name]
			if !r.change {
				continue
			}
			_, had := r.results[key]
			switch {
			case isDeletion(ci.ConfigurationItemStatus):
				if had || (c.prev != nil && r.applies(c.prev)) {
					jobs = append(jobs, s.changeJobLocked(r, ci, c.prev, false, now))
				}
			case r.applies(ci):
				jobs = append(jobs, s.changeJobLocked(r, ci, c.prev, false, now))
			case had:
				jobs = append(jobs, s.changeJobLocked(r, ci, c.prev, true, now))
			}
		}
		return jobs
	}()
	s.runJobs(ctx, jobs, now)
}

// evaluateRules evaluates the named rules against everything in scope now
// (after PutConfigRule and StartConfigRulesEvaluation).
func (s *Service) evaluateRules(ctx context.Context, names []string) {
	now := s.now()
	var jobs []job
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		keys := make([]ResourceKey, 0, len(s.resources))
		for k, r := range s.resources {
			if r.last != nil {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, compareKeys)
		for _, n := range names {
			r := s.rules[n]
			if r == nil {
				continue
			}
			if r.change {
				for _, k := range keys {
					res := s.resources[k]
					it := res.last
					if isDeletion(it.status) || it.status == StatusResourceNotRecorded {
						continue
					}
					if r.managed != nil && !slices.Contains(r.managed.types, k.ResourceType) {
						continue
					}
					if ci := s.full(it); r.applies(ci) {
						var prev *ConfigurationItem
						if p := s.previousLocked(res, it); p != nil {
							prev = s.full(p)
						}
						jobs = append(jobs, s.changeJobLocked(r, ci, prev, false, now))
					}
				}
			}
			if r.period > 0 {
				jobs = append(jobs, s.scheduledJobLocked(r, now))
			}
		}
	}()
	s.runJobs(ctx, jobs, now)
}

func (s *Service) previousLocked(r *resource, it *item) *item {
	var prev *item
	r.items.DescendLessOrEqual(itemRef{it.at, it.sid, it}, func(x itemRef) bool {
		if x.it == it {
			return true
		}
		prev = x.it
		return false
	})
	return prev
}

func (s *Service) scheduledJobLocked(r *rule, now time.Time) job {
	ev := s.baseEventLocked(r, now)
	ev.MessageType = MessageScheduled
	b, _ := json.Marshal(struct {
		AWSAccountID             string `json:"awsAccountId"`
		NotificationCreationTime string `json:"notificationCreationTime"`
		MessageType              string `json:"messageType"`
		RecordVersion            string `json:"recordVersion"`
	}{s.op.AccountID, isoMillis(now), MessageScheduled, "1.0"})
	ev.InvokingEvent = string(b)
	return job{rule: r.cfg.ConfigRuleName, fn: s.functions[r.cfg.Source.SourceIdentifier], ev: ev}
}

func (s *Service) runScheduled(name string, at time.Time) {
	j, ok := func() (job, bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		r := s.rules[name]
		if r == nil {
			return job{}, false
		}
		return s.scheduledJobLocked(r, at), true
	}()
	if ok {
		s.runJobs(context.Background(), []job{j}, at)
	}
}

func (s *Service) invokeSnapshotRules(ctx context.Context, invoking string, now time.Time) {
	var jobs []job
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, name := range slices.Sorted(maps.Keys(s.rules)) {
			r := s.rules[name]
			if !r.snapshot || (r.snapshotEvery > 0 && !r.lastSnapshot.IsZero() && now.Sub(r.lastSnapshot) < r.snapshotEvery) {
				continue
			}
			r.lastSnapshot = now
			ev := s.baseEventLocked(r, now)
			ev.MessageType = MessageSnapshotDeliveryCompleted
			ev.InvokingEvent = invoking
			jobs = append(jobs, job{rule: name, fn: s.functions[r.cfg.Source.SourceIdentifier], ev: ev})
		}
	}()
	s.runJobs(ctx, jobs, now)
}

func (s *Service) runJobs(ctx context.Context, jobs []job, now time.Time) {
	for _, j := range jobs {
		var evals []Evaluation
		token := j.ev.ResultToken
		switch {
		case j.managed != nil:
			ct, ann := NotApplicable, ""
			if !isDeletion(j.ci.ConfigurationItemStatus) && j.ci.ConfigurationItemStatus != StatusResourceNotRecorded {
				var params map[string]string
				var inScope bool
				r := func() *rule {
					s.mu.Lock()
					defer s.mu.Unlock()
					r := s.rules[j.rule]
					if r != nil {
						params, inScope = r.params, r.applies(j.ci)
					}
					return r
				}()
				if r == nil {
					continue
				}
				if inScope {
					ct, ann = j.managed.eval(j.ci, params)
				}
			}
			evals = []Evaluation{{ComplianceResourceType: j.key.ResourceType, ComplianceResourceID: j.key.ResourceID, ComplianceType: ct, Annotation: ann, OrderingTimestamp: j.ci.ConfigurationItemCaptureTime}}
		case j.fn != nil:
			var err error
			evals, err = invoke(ctx, j.fn, j.ev)
			if err == nil {
				err = validateEvaluations(evals)
			}
			s.noteInvocation(j.rule, now, err)
			if err != nil {
				continue // a failing function records nothing, as a failing Lambda
			}
		default:
			continue
		}
		if j.fn == nil {
			s.noteInvocation(j.rule, now, nil)
		}
		_ = s.storeEvaluations(ctx, j.rule, token, evals, now)
	}
}

// invoke runs a rule function, turning a panic into an error as a crashing
// Lambda function fails its invocation.
func invoke(ctx context.Context, fn RuleFunction, ev RuleEvent) (evals []Evaluation, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errf("FunctionError", "the rule function panicked: %v", p)
		}
	}()
	return fn(ctx, ev)
}

// noteInvocation updates a rule's evaluation status after an invocation.
func (s *Service) noteInvocation(name string, now time.Time, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rules[name]
	if r == nil {
		return
	}
	st := &r.status
	st.FirstEvaluationStarted = true
	t := now
	if err != nil {
		st.LastFailedInvocationTime, st.LastFailedEvaluationTime = &t, &t
		st.LastErrorCode = awserr.Code(err)
		if st.LastErrorCode == "" {
			st.LastErrorCode = "FunctionError"
		}
		st.LastErrorMessage = awserr.Message(err)
		return
	}
	st.LastSuccessfulInvocationTime, st.LastSuccessfulEvaluationTime = &t, &t
}

// DescribeConfigRuleEvaluationStatus reports each rule's last invocations and
// last error, sorted by name, Limit (default 25, at most 50) per page.
func (s *Service) DescribeConfigRuleEvaluationStatus(ctx context.Context, in DescribeConfigRuleEvaluationStatusInput) (*DescribeConfigRuleEvaluationStatusOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeConfigRuleEvaluationStatus", ReadOnly: true}, in, s.describeConfigRuleEvaluationStatus)
}

func (s *Service) describeConfigRuleEvaluationStatus(ctx context.Context, call *event.Call, in DescribeConfigRuleEvaluationStatusInput) (*DescribeConfigRuleEvaluationStatusOutput, error) {
	out := &DescribeConfigRuleEvaluationStatusOutput{ConfigRulesEvaluationStatus: []ConfigRuleEvaluationStatus{}}
	var names []string
	var next string
	var err error
	if n := limitOf(in.Limit); n < 0 || n > 50 {
		err = invalid("The Limit %d is not valid: 0 to 50.", n)
	} else {
		names, next, err = s.ruleNames(in.ConfigRuleNames, in.NextToken, cmp.Or(n, describePage))
	}
	if err == nil {
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, n := range names {
				if r := s.rules[n]; r != nil {
					out.ConfigRulesEvaluationStatus = append(out.ConfigRulesEvaluationStatus, r.status)
				}
			}
		}()
		out.NextToken = next
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configRuleNames": in.ConfigRuleNames, "nextToken": in.NextToken, "limit": in.Limit}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
