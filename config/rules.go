package config

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/bus"
	"github.com/localwatch/localwatch/internal/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// ComplianceType is the result of evaluating a resource against a rule.
type ComplianceType string

// Compliance types.
const (
	Compliant        ComplianceType = "COMPLIANT"
	NonCompliant     ComplianceType = "NON_COMPLIANT"
	NotApplicable    ComplianceType = "NOT_APPLICABLE"
	InsufficientData ComplianceType = "INSUFFICIENT_DATA"
)

// Owner says who provides a rule's logic.
type Owner string

// Rule owners. CUSTOM_LAMBDA rules run a Go function registered with
// [Service.RegisterRuleFunction] under the rule's SourceIdentifier.
const (
	OwnerAWS          Owner = "AWS"
	OwnerCustomLambda Owner = "CUSTOM_LAMBDA"
	OwnerCustomPolicy Owner = "CUSTOM_POLICY"
)

// ConfigRuleState is the state of a rule.
type ConfigRuleState string

// Rule states.
const (
	RuleActive          ConfigRuleState = "ACTIVE"
	RuleDeleting        ConfigRuleState = "DELETING"
	RuleDeletingResults ConfigRuleState = "DELETING_RESULTS"
	RuleEvaluating      ConfigRuleState = "EVALUATING"
)

// RuleEvent is what a custom rule's function receives: AWS's Lambda
// invocation event for Config rules (invokingEvent and ruleParameters are JSON
// strings), plus decoded conveniences that are not part of AWS's event.
type RuleEvent struct {
	Version          string `json:"version"`
	InvokingEvent    string `json:"invokingEvent"`
	RuleParameters   string `json:"ruleParameters,omitempty"`
	ResultToken      string `json:"resultToken"`
	EventLeftScope   bool   `json:"eventLeftScope"`
	ExecutionRoleArn string `json:"executionRoleArn,omitempty"`
	ConfigRuleArn    string `json:"configRuleArn"`
	ConfigRuleName   string `json:"configRuleName"`
	ConfigRuleID     string `json:"configRuleId"`
	AccountID        string `json:"accountId"`

	// MessageType is the invokingEvent's messageType.
	MessageType string `json:"-"`
	// ConfigurationItem is the item that triggered a change evaluation (API
	// shape), nil for scheduled and snapshot invocations.
	ConfigurationItem *ConfigurationItem `json:"-"`
	// Parameters is ruleParameters decoded (string values).
	Parameters map[string]string `json:"-"`
	// Time is the invocation time.
	Time time.Time `json:"-"`
}

// RuleFunction is the logic of a custom rule, the analogue of the Lambda
// function of a CUSTOM_LAMBDA rule. It returns the evaluations to record (as
// the function's PutEvaluations call would, with the event's result token);
// it may also call [Service.PutEvaluations] itself. It runs with no lock held,
// on the goroutine that caused the evaluation.
type RuleFunction func(ctx context.Context, ev RuleEvent) ([]Evaluation, error)

// ComplianceChangeEvent is published on the bus when a resource's compliance
// with a rule changes (including its first result).
type ComplianceChangeEvent struct {
	ConfigRuleName string
	ResourceType   string
	ResourceID     string
	Old            *EvaluationResult
	New            EvaluationResult
}

type rule struct {
	cfg       ConfigRule
	params    map[string]string
	managed   *managedRule
	change    bool          // triggered by configuration changes
	period    time.Duration // periodic (0: not)
	snapshot  bool          // triggered by snapshot delivery
	oversized bool          // accepts OversizedConfigurationItemChangeNotification

	tags          map[string]string // TagResource
	snapshotEvery time.Duration     // snapshot-triggered: at most one run per (0: every delivery)
	lastSnapshot  time.Time
	timer         clock.Timer
	results       map[ResourceKey]*EvaluationResult
	lastStart     time.Time
	status        ConfigRuleEvaluationStatus
}

// ruleNameByIDOrARN finds the rule with the given ID or ARN (either may be
// empty; both, when given, must name the same rule).
func (s *Service) ruleNameByIDOrARN(id, ruleARN string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, r := range s.rules {
		if (id == "" || r.cfg.ConfigRuleID == id) && (ruleARN == "" || r.cfg.ConfigRuleArn == ruleARN) {
			return name, true
		}
	}
	return "", false
}

// RegisterRuleFunction registers fn as the Lambda function with ARN
// lambdaARN, so CUSTOM_LAMBDA rules whose SourceIdentifier is lambdaARN run
// it. Registering again replaces the function.
func (s *Service) RegisterRuleFunction(lambdaARN string, fn RuleFunction) {
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.functions[lambdaARN] = fn
	}()
}

var validMessageTypes = map[string]bool{MessageConfigurationItemChange: true, MessageOversizedConfigurationItemChange: true, MessageScheduled: true, MessageSnapshotDeliveryCompleted: true}

// PutConfigRule creates or updates a rule and evaluates it at once against
// every recorded resource in scope (change-triggered) and once on schedule
// (periodic), as AWS does when a rule is created.
func (s *Service) PutConfigRule(ctx context.Context, in PutConfigRuleInput) (*PutConfigRuleOutput, error) {
	return doThen(ctx, s, event.Call{Name: "PutConfigRule"}, in, s.putConfigRule)
}

func (s *Service) putConfigRule(ctx context.Context, call *event.Call, in PutConfigRuleInput, then *func()) (*PutConfigRuleOutput, error) {
	name, err := s.putRule(in.ConfigRule)
	call.Params = func() any { return params(map[string]any{"configRule": in.ConfigRule}) }
	call.Resources = s.ruleResource(name)
	if err != nil {
		return nil, err
	}
	*then = func() { s.evaluateRules(ctx, []string{name}) }
	return &PutConfigRuleOutput{}, nil
}

func invalid(format string, args ...any) error {
	return errf("InvalidParameterValueException", format, args...)
}

func (s *Service) putRule(c ConfigRule) (string, error) {
	if c.ConfigRuleName == "" && (c.ConfigRuleID != "" || c.ConfigRuleArn != "") {
		// "If you are updating a rule that you added previously, you can
		// specify the rule by ConfigRuleName, ConfigRuleId, or ConfigRuleArn"
		// (PutConfigRule).
		name, ok := s.ruleNameByIDOrARN(c.ConfigRuleID, c.ConfigRuleArn)
		if !ok {
			return "", invalid("No rule has the ConfigRuleId %q or ConfigRuleArn %q.", c.ConfigRuleID, c.ConfigRuleArn)
		}
		c.ConfigRuleName = name
	}
	if c.ConfigRuleName == "" || len(c.ConfigRuleName) > 128 {
		return "", invalid("The ConfigRuleName %q is not valid: 1 to 128 characters.", c.ConfigRuleName)
	}
	if len(c.Description) > 256 {
		return "", invalid("The Description of rule %s is longer than 256 characters.", c.ConfigRuleName)
	}
	if c.Source == nil || c.Source.Owner == "" {
		return "", invalid("The Source of rule %s is required.", c.ConfigRuleName)
	}
	if err := validateRuleState(c.ConfigRuleState); err != nil {
		return "", err
	}
	if len(c.InputParameters) > 1024 {
		return "", invalid("The InputParameters of rule %s are longer than 1024 characters.", c.ConfigRuleName)
	}
	params := map[string]string{}
	if c.InputParameters != "" {
		var raw map[string]any
		if err := json.Unmarshal([]byte(c.InputParameters), &raw); err != nil {
			return "", invalid("The InputParameters %q of rule %s are not a valid JSON object.", truncate(c.InputParameters, 60), c.ConfigRuleName)
		}
		for k, v := range raw {
			switch x := v.(type) {
			case string:
				params[k] = x
			default:
				b, _ := json.Marshal(x)
				params[k] = string(b)
			}
		}
	}
	if c.MaximumExecutionFrequency != "" && c.MaximumExecutionFrequency.Duration() == 0 {
		return "", invalid("The MaximumExecutionFrequency %q is not valid: One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours.", c.MaximumExecutionFrequency)
	}
	if sc := c.Scope; sc != nil {
		if len(sc.ComplianceResourceTypes) > 100 {
			return "", invalid("Scope.ComplianceResourceTypes has %d members; at most 100 are allowed.", len(sc.ComplianceResourceTypes))
		}
		// "Scope cannot be applied to both resource and tag" (AWS's answer
		// when a scope names resource types and a tag key).
		if sc.TagKey != "" && (len(sc.ComplianceResourceTypes) > 0 || sc.ComplianceResourceID != "") {
			return "", invalid("Scope cannot be applied to both resource and tag")
		}
		if sc.TagValue != "" && sc.TagKey == "" {
			return "", invalid("Scope.TagValue requires Scope.TagKey.")
		}
		if len(sc.TagKey) > 128 || len(sc.TagValue) > 256 {
			return "", invalid("Scope.TagKey is 1 to 128 and Scope.TagValue 0 to 256 characters.")
		}
		if sc.ComplianceResourceID != "" && len(sc.ComplianceResourceTypes) != 1 {
			return "", invalid("Scope.ComplianceResourceId requires exactly one ComplianceResourceTypes entry (got %d).", len(sc.ComplianceResourceTypes))
		}
		if len(sc.ComplianceResourceID) > 768 {
			return "", invalid("Scope.ComplianceResourceId is longer than 768 characters.")
		}
	}
	r := &rule{params: params, results: map[ResourceKey]*EvaluationResult{}}
	switch c.Source.Owner {
	case OwnerAWS:
		m, ok := managedRules[c.Source.SourceIdentifier]
		if !ok {
			return "", invalid("The sourceIdentifier %q is not a known AWS managed rule identifier.", c.Source.SourceIdentifier)
		}
		if len(c.Source.SourceDetails) > 0 {
			return "", invalid("SourceDetails cannot be set for the AWS managed rule %s.", c.Source.SourceIdentifier)
		}
		if c.MaximumExecutionFrequency != "" {
			return "", invalid("A maximum execution frequency is not allowed for the managed rule %s, which is triggered by configuration changes.", c.Source.SourceIdentifier)
		}
		p, err := m.checkParams(params)
		if err != nil {
			return "", err
		}
		r.params, r.managed, r.change = p, m, true
	case OwnerCustomLambda:
		a, err := arn.Parse(c.Source.SourceIdentifier)
		if err != nil || a.Service != "lambda" {
			return "", invalid("The sourceIdentifier %q is not a Lambda function ARN.", c.Source.SourceIdentifier)
		}
		if len(c.Source.SourceDetails) == 0 || len(c.Source.SourceDetails) > 25 {
			return "", invalid("A CUSTOM_LAMBDA rule needs 1 to 25 SourceDetails (got %d).", len(c.Source.SourceDetails))
		}
		for _, d := range c.Source.SourceDetails {
			if d.EventSource != "" && d.EventSource != "aws.config" {
				return "", invalid("The EventSource %q is not valid: aws.config.", d.EventSource)
			}
			if !validMessageTypes[d.MessageType] {
				return "", invalid("The MessageType %q is not valid.", d.MessageType)
			}
			if d.MaximumExecutionFrequency != "" {
				if d.MessageType != MessageScheduled {
					return "", invalid("MaximumExecutionFrequency is allowed only with MessageType ScheduledNotification (got %s).", d.MessageType)
				}
				if d.MaximumExecutionFrequency.Duration() == 0 {
					return "", invalid("The MaximumExecutionFrequency %q is not valid.", d.MaximumExecutionFrequency)
				}
			}
			switch d.MessageType {
			case MessageConfigurationItemChange:
				r.change = true
			case MessageOversizedConfigurationItemChange:
				r.change, r.oversized = true, true
			case MessageSnapshotDeliveryCompleted:
				r.snapshot = true
			case MessageScheduled:
				f := c.MaximumExecutionFrequency
				if d.MaximumExecutionFrequency != "" {
					f = d.MaximumExecutionFrequency
				}
				if f == "" {
					f = TwentyFourHours // periodic rules default to every 24 hours
				}
				r.period = f.Duration()
			}
		}
		// MaximumExecutionFrequency may be set "for an Config managed rule
		// that is triggered at a periodic frequency" or when "your custom rule
		// is triggered when Config delivers the configuration snapshot"
		// (ConfigRule); for the latter it bounds how often snapshot
		// deliveries run the rule.
		if c.MaximumExecutionFrequency != "" && r.period == 0 && !r.snapshot {
			return "", invalid("A maximum execution frequency is allowed only for rules with a ScheduledNotification or ConfigurationSnapshotDeliveryCompleted trigger.")
		}
		if r.snapshot {
			r.snapshotEvery = c.MaximumExecutionFrequency.Duration()
		}
	case OwnerCustomPolicy:
		return "", invalid("The rule %s uses Owner CUSTOM_POLICY (Guard): localwatch models managed rules and CUSTOM_LAMBDA rules backed by Go functions only.", c.ConfigRuleName)
	default:
		return "", invalid("The Owner %q is not valid: AWS, CUSTOM_LAMBDA or CUSTOM_POLICY.", c.Source.Owner)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Source.Owner == OwnerCustomLambda && s.functions[c.Source.SourceIdentifier] == nil {
		return "", errf("InsufficientPermissionsException", "The rule %s cannot be created because AWS Config cannot invoke the function %s (register it with RegisterRuleFunction).", c.ConfigRuleName, c.Source.SourceIdentifier)
	}
	if s.recorder == nil {
		return "", errf("NoAvailableConfigurationRecorderException", "There are no configuration recorders available to provide the configuration item change notification for the rule %s.", c.ConfigRuleName)
	}
	old := s.rules[c.ConfigRuleName]
	if old == nil && len(s.rules) >= MaxConfigRules {
		return "", errf("MaxNumberOfConfigRulesExceededException", "Failed to put rule %s because the maximum number of config rules: %d is reached.", c.ConfigRuleName, MaxConfigRules)
	}
	if old != nil {
		if c.ConfigRuleArn != "" && c.ConfigRuleArn != old.cfg.ConfigRuleArn || c.ConfigRuleID != "" && c.ConfigRuleID != old.cfg.ConfigRuleID {
			return "", invalid("The ConfigRuleArn or ConfigRuleId does not match the rule %s.", c.ConfigRuleName)
		}
		c.ConfigRuleArn, c.ConfigRuleID = old.cfg.ConfigRuleArn, old.cfg.ConfigRuleID
		r.results = old.results
		r.tags = old.tags
		if old.timer != nil {
			old.timer.Stop()
		}
	} else {
		if c.ConfigRuleArn != "" || c.ConfigRuleID != "" {
			return "", invalid("ConfigRuleArn and ConfigRuleId must not be set when creating the rule %s.", c.ConfigRuleName)
		}
		id := "config-rule-" + s.op.IDs.String(6, "abcdefghijklmnopqrstuvwxyz0123456789")
		c.ConfigRuleID = id
		c.ConfigRuleArn = arn.New("config", s.op.Region, s.op.AccountID, "config-rule/"+id)
	}
	c.ConfigRuleState = RuleActive
	c.Scope = cloneScope(c.Scope)
	if old != nil {
		r.status = old.status
	} else {
		t := s.now()
		r.status.FirstActivatedTime = &t
	}
	r.status.ConfigRuleName, r.status.ConfigRuleArn, r.status.ConfigRuleID = c.ConfigRuleName, c.ConfigRuleArn, c.ConfigRuleID
	src := *c.Source
	src.SourceDetails = slices.Clone(src.SourceDetails)
	c.Source = &src
	r.cfg = c
	if r.period > 0 && !s.closed {
		ruleName := c.ConfigRuleName
		r.timer = clock.Every(s.op.Clock, r.period, func(at time.Time) { s.runScheduled(ruleName, at) })
	}
	s.rules[c.ConfigRuleName] = r
	return c.ConfigRuleName, nil
}

// ruleResource is the CloudTrail resources element naming a rule (nil if
// there is no such rule).
func (s *Service) ruleResource(name string) []event.Resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.rules[name]; r != nil {
		return []event.Resource{{ARN: r.cfg.ConfigRuleArn, AccountID: s.op.AccountID, Type: "AWS::Config::ConfigRule"}}
	}
	return nil
}

func cloneScope(sc *Scope) *Scope {
	if sc == nil {
		return nil
	}
	c := *sc
	c.ComplianceResourceTypes = slices.Clone(sc.ComplianceResourceTypes)
	return &c
}

func cloneRule(c ConfigRule) ConfigRule {
	c.Scope = cloneScope(c.Scope)
	if c.Source != nil {
		src := *c.Source
		src.SourceDetails = slices.Clone(src.SourceDetails)
		c.Source = &src
	}
	return c
}

// describePage is the page size of the Describe* rule operations.
const describePage = 25

// DescribeConfigRules returns the named rules (at most 25 names;
// NoSuchConfigRuleException for an unknown one) or all rules, 25 per page,
// sorted by name.
func (s *Service) DescribeConfigRules(ctx context.Context, in DescribeConfigRulesInput) (*DescribeConfigRulesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeConfigRules", ReadOnly: true}, in, s.describeConfigRules)
}

func (s *Service) describeConfigRules(ctx context.Context, call *event.Call, in DescribeConfigRulesInput) (*DescribeConfigRulesOutput, error) {
	out := &DescribeConfigRulesOutput{ConfigRules: []ConfigRule{}}
	names, next, err := s.ruleNames(in.ConfigRuleNames, in.NextToken)
	if err == nil {
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, n := range names {
				out.ConfigRules = append(out.ConfigRules, cloneRule(s.rules[n].cfg))
			}
		}()
		out.NextToken = next
	}
	call.Params = func() any {
		return params(map[string]any{"configRuleNames": in.ConfigRuleNames, "nextToken": in.NextToken})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ruleNames resolves a ConfigRuleNames filter and a page token to one page of
// rule names.
func (s *Service) ruleNames(filter []string, token string) ([]string, string, error) {
	if len(filter) > 25 {
		return nil, "", invalid("ConfigRuleNames has %d members; at most 25 are allowed.", len(filter))
	}
	after := ""
	if token != "" {
		pos, ok := pagetoken.Decode(token)
		if !ok || pos == "" {
			return nil, "", errf("InvalidNextTokenException", "The nextToken %q is not valid.", truncate(token, 40))
		}
		after = pos
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	if len(filter) > 0 {
		for _, n := range filter {
			if s.rules[n] == nil {
				return nil, "", errf("NoSuchConfigRuleException", "The ConfigRule '%s' provided in the request is invalid. Please check the configRule name.", n)
			}
		}
		names = slices.Clone(filter)
	} else {
		names = slices.Collect(maps.Keys(s.rules))
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if after != "" {
		i, _ := slices.BinarySearch(names, after)
		for i < len(names) && names[i] <= after {
			i++
		}
		names = names[i:]
	}
	next := ""
	if len(names) > describePage {
		names = names[:describePage]
		next = pagetoken.Encode(names[describePage-1])
	}
	return names, next, nil
}

// DeleteConfigRule deletes a rule and all its evaluation results (at once;
// AWS passes through the DELETING state).
func (s *Service) DeleteConfigRule(ctx context.Context, in DeleteConfigRuleInput) (*DeleteConfigRuleOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteConfigRule"}, in, s.deleteConfigRule)
}

func (s *Service) deleteConfigRule(ctx context.Context, call *event.Call, in DeleteConfigRuleInput) (*DeleteConfigRuleOutput, error) {
	var err error
	res := s.ruleResource(in.ConfigRuleName)
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		r := s.rules[in.ConfigRuleName]
		if r == nil {
			err = errf("NoSuchConfigRuleException", "The ConfigRule '%s' provided in the request is invalid. Please check the configRule name.", in.ConfigRuleName)
			return
		}
		if r.timer != nil {
			r.timer.Stop()
		}
		delete(s.rules, in.ConfigRuleName)
	}()
	call.Params = func() any { return params(map[string]any{"configRuleName": in.ConfigRuleName}) }
	call.Resources = res
	if err != nil {
		return nil, err
	}
	return &DeleteConfigRuleOutput{}, nil
}

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
	call.Params = func() any { return params(map[string]any{"configRuleNames": in.ConfigRuleNames}) }
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

// --- evaluation -------------------------------------------------------------

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
// last error, 25 per page sorted by name.
func (s *Service) DescribeConfigRuleEvaluationStatus(ctx context.Context, in DescribeConfigRuleEvaluationStatusInput) (*DescribeConfigRuleEvaluationStatusOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeConfigRuleEvaluationStatus", ReadOnly: true}, in, s.describeConfigRuleEvaluationStatus)
}

func (s *Service) describeConfigRuleEvaluationStatus(ctx context.Context, call *event.Call, in DescribeConfigRuleEvaluationStatusInput) (*DescribeConfigRuleEvaluationStatusOutput, error) {
	out := &DescribeConfigRuleEvaluationStatusOutput{ConfigRulesEvaluationStatus: []ConfigRuleEvaluationStatus{}}
	names, next, err := s.ruleNames(in.ConfigRuleNames, in.NextToken)
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
	call.Params = func() any {
		return params(map[string]any{"configRuleNames": in.ConfigRuleNames, "nextToken": in.NextToken})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// storeEvaluations records evaluations for a rule and sends compliance change
// notifications and events.
func (s *Service) storeEvaluations(ctx context.Context, ruleName, token string, evals []Evaluation, invoked time.Time) error {
	type changed struct {
		old *EvaluationResult
		cur EvaluationResult
	}
	var changes []changed
	now := s.now()
	var ruleARN, topic string
	if err := func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		r := s.rules[ruleName]
		if r == nil {
			return errf("NoSuchConfigRuleException", "The ConfigRule '%s' no longer exists.", ruleName)
		}
		ruleARN = r.cfg.ConfigRuleArn
		if s.channel != nil {
			topic = s.channel.SNSTopicARN
		}
		for _, e := range evals {
			k := ResourceKey{e.ComplianceResourceType, e.ComplianceResourceID}
			old := r.results[k]
			if old != nil && e.OrderingTimestamp.Before(old.EvaluationResultIdentifier.OrderingTimestamp) {
				continue // an older evaluation does not replace a newer one
			}
			res := &EvaluationResult{
				EvaluationResultIdentifier: EvaluationResultIdentifier{
					EvaluationResultQualifier: EvaluationResultQualifier{ConfigRuleName: ruleName, ResourceType: k.ResourceType, ResourceID: k.ResourceID},
					OrderingTimestamp:         e.OrderingTimestamp.UTC(),
				},
				ComplianceType: e.ComplianceType, ResultRecordedTime: now, ConfigRuleInvokedTime: invoked, Annotation: e.Annotation, ResultToken: token,
			}
			r.results[k] = res
			if old == nil || old.ComplianceType != res.ComplianceType {
				var oc *EvaluationResult
				if old != nil {
					o := *old
					oc = &o
				}
				changes = append(changes, changed{oc, *res})
			}
		}
		return nil
	}(); err != nil {
		return err
	}
	for _, c := range changes {
		q := c.cur.EvaluationResultIdentifier.EvaluationResultQualifier
		_ = bus.Publish(ctx, s.op.Bus, ComplianceChangeEvent{ConfigRuleName: ruleName, ResourceType: q.ResourceType, ResourceID: q.ResourceID, Old: c.old, New: c.cur})
		if topic == "" {
			continue
		}
		msg := complianceNote{
			AWSAccountID: s.op.AccountID, ConfigRuleName: ruleName, ConfigRuleARN: ruleARN,
			ResourceType: q.ResourceType, ResourceID: q.ResourceID, AWSRegion: s.op.Region,
			NewEvaluationResult: noteResult(&c.cur), OldEvaluationResult: noteResult(c.old),
			NotificationCreationTime: isoMillis(now), MessageType: MessageComplianceChange, RecordVersion: "1.0",
		}
		b, _ := json.Marshal(msg)
		subj := fmt.Sprintf("%s%s %s is %s with %s in Account %s", s.subjectPrefix(), q.ResourceType, q.ResourceID, c.cur.ComplianceType, ruleName, s.op.AccountID)
		s.publishNote(ctx, topic, subj, b)
	}
	return nil
}

// complianceNote is the ComplianceChangeNotification message, fields in
// AWS's order.
type complianceNote struct {
	AWSAccountID             string          `json:"awsAccountId"`
	ConfigRuleName           string          `json:"configRuleName"`
	ConfigRuleARN            string          `json:"configRuleARN"`
	ResourceType             string          `json:"resourceType"`
	ResourceID               string          `json:"resourceId"`
	AWSRegion                string          `json:"awsRegion"`
	NewEvaluationResult      *noteEvalResult `json:"newEvaluationResult"`
	OldEvaluationResult      *noteEvalResult `json:"oldEvaluationResult"`
	NotificationCreationTime string          `json:"notificationCreationTime"`
	MessageType              string          `json:"messageType"`
	RecordVersion            string          `json:"recordVersion"`
}

type noteQualifier struct {
	ConfigRuleName string `json:"configRuleName"`
	ResourceType   string `json:"resourceType"`
	ResourceID     string `json:"resourceId"`
}

type noteIdentifier struct {
	EvaluationResultQualifier noteQualifier `json:"evaluationResultQualifier"`
	OrderingTimestamp         string        `json:"orderingTimestamp"`
}

// noteEvalResult is an evaluation result in the camelCase notification shape.
type noteEvalResult struct {
	EvaluationResultIdentifier noteIdentifier `json:"evaluationResultIdentifier"`
	ComplianceType             ComplianceType `json:"complianceType"`
	ResultRecordedTime         string         `json:"resultRecordedTime"`
	ConfigRuleInvokedTime      string         `json:"configRuleInvokedTime"`
	Annotation                 *string        `json:"annotation"`
	ResultToken                *string        `json:"resultToken"`
}

func noteResult(r *EvaluationResult) *noteEvalResult {
	if r == nil {
		return nil
	}
	q := r.EvaluationResultIdentifier.EvaluationResultQualifier
	return &noteEvalResult{
		EvaluationResultIdentifier: noteIdentifier{
			EvaluationResultQualifier: noteQualifier{ConfigRuleName: q.ConfigRuleName, ResourceType: q.ResourceType, ResourceID: q.ResourceID},
			OrderingTimestamp:         isoMillis(r.EvaluationResultIdentifier.OrderingTimestamp),
		},
		ComplianceType: r.ComplianceType, ResultRecordedTime: isoMillis(r.ResultRecordedTime),
		ConfigRuleInvokedTime: isoMillis(r.ConfigRuleInvokedTime), Annotation: strPtr(r.Annotation), ResultToken: strPtr(r.ResultToken),
	}
}

// PutEvaluations records a custom rule's evaluations under the result token
// of its invocation: at most 100, ComplianceType COMPLIANT, NON_COMPLIANT or
// NOT_APPLICABLE (INSUFFICIENT_DATA is rejected), Annotation at most 256
// characters. With TestMode any non-empty token is accepted and nothing is
// stored.
func (s *Service) PutEvaluations(ctx context.Context, in PutEvaluationsInput) (*PutEvaluationsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutEvaluations"}, in, s.putEvaluations)
}

func (s *Service) putEvaluations(ctx context.Context, call *event.Call, in PutEvaluationsInput) (*PutEvaluationsOutput, error) {
	err := s.acceptEvaluations(ctx, in)
	call.Params = func() any {
		return params(map[string]any{"evaluations": in.Evaluations, "resultToken": in.ResultToken, "testMode": in.TestMode})
	}
	if err != nil {
		return nil, err
	}
	return &PutEvaluationsOutput{FailedEvaluations: []Evaluation{}}, nil
}

func (s *Service) acceptEvaluations(ctx context.Context, in PutEvaluationsInput) error {
	if in.ResultToken == "" {
		return invalid("The ResultToken is required.")
	}
	if err := validateEvaluations(in.Evaluations); err != nil {
		return err
	}
	if isTrue(in.TestMode) {
		return nil
	}
	var name string
	var ok, exists bool
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		name, ok = s.tokens[in.ResultToken]
		exists = ok && s.rules[name] != nil
	}()
	if !ok {
		return errf("InvalidResultTokenException", "The result token %q is not valid.", truncate(in.ResultToken, 40))
	}
	if !exists {
		return errf("NoSuchConfigRuleException", "The ConfigRule '%s' of the result token no longer exists.", name)
	}
	return s.storeEvaluations(ctx, name, in.ResultToken, in.Evaluations, s.now())
}

// validateEvaluations applies PutEvaluations' rules to evaluations.
func validateEvaluations(evals []Evaluation) error {
	if len(evals) > 100 {
		return invalid("Evaluations has %d members; at most 100 are allowed.", len(evals))
	}
	for i, e := range evals {
		switch {
		case e.ComplianceResourceType == "" || len(e.ComplianceResourceType) > 256:
			return invalid("Evaluations[%d].ComplianceResourceType %q is not valid: 1 to 256 characters.", i, e.ComplianceResourceType)
		case e.ComplianceResourceID == "" || len(e.ComplianceResourceID) > 768:
			return invalid("Evaluations[%d].ComplianceResourceId is not valid: 1 to 768 characters.", i)
		case e.ComplianceType == InsufficientData:
			return invalid("Evaluations[%d].ComplianceType INSUFFICIENT_DATA is not allowed in PutEvaluations.", i)
		case e.ComplianceType != Compliant && e.ComplianceType != NonCompliant && e.ComplianceType != NotApplicable:
			return invalid("Evaluations[%d].ComplianceType %q is not valid: COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.", i, e.ComplianceType)
		case len(e.Annotation) > 256:
			return invalid("Evaluations[%d].Annotation is longer than 256 characters.", i)
		case e.OrderingTimestamp.IsZero():
			return invalid("Evaluations[%d].OrderingTimestamp is required.", i)
		}
	}
	return nil
}

// ruleCompliance derives a rule's compliance from its results:
// NON_COMPLIANT if any resource is, else COMPLIANT if any resource is, else
// INSUFFICIENT_DATA.
func ruleCompliance(r *rule) Compliance {
	nc, c := 0, 0
	for _, res := range r.results {
		switch res.ComplianceType {
		case NonCompliant:
			nc++
		case Compliant:
			c++
		}
	}
	switch {
	case nc > 0:
		return Compliance{ComplianceType: NonCompliant, ComplianceContributorCount: &ComplianceContributorCount{CappedCount: min(nc, 100), CapExceeded: nc > 100}}
	case c > 0:
		return Compliance{ComplianceType: Compliant}
	}
	return Compliance{ComplianceType: InsufficientData}
}

// DescribeComplianceByConfigRule reports whether each rule is compliant
// (filtered by ComplianceTypes: COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA).
func (s *Service) DescribeComplianceByConfigRule(ctx context.Context, in DescribeComplianceByConfigRuleInput) (*DescribeComplianceByConfigRuleOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeComplianceByConfigRule", ReadOnly: true}, in, s.describeComplianceByConfigRule)
}

func (s *Service) describeComplianceByConfigRule(ctx context.Context, call *event.Call, in DescribeComplianceByConfigRuleInput) (*DescribeComplianceByConfigRuleOutput, error) {
	out := &DescribeComplianceByConfigRuleOutput{ComplianceByConfigRules: []ComplianceByConfigRule{}}
	var err error
	if len(in.ComplianceTypes) > 3 {
		err = invalid("ComplianceTypes has %d members; at most 3 are allowed.", len(in.ComplianceTypes))
	}
	for _, t := range in.ComplianceTypes {
		if err == nil && t != Compliant && t != NonCompliant && t != InsufficientData {
			err = invalid("The ComplianceType %q is not valid here: COMPLIANT, NON_COMPLIANT or INSUFFICIENT_DATA.", t)
		}
	}
	var names []string
	if err == nil {
		names, out.NextToken, err = s.ruleNames(in.ConfigRuleNames, in.NextToken)
	}
	if err == nil {
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, n := range names {
				r := s.rules[n]
				if r == nil {
					continue
				}
				c := ruleCompliance(r)
				if len(in.ComplianceTypes) > 0 && !slices.Contains(in.ComplianceTypes, c.ComplianceType) {
					continue
				}
				out.ComplianceByConfigRules = append(out.ComplianceByConfigRules, ComplianceByConfigRule{ConfigRuleName: n, Compliance: &c})
			}
		}()
	}
	call.Params = func() any {
		return params(map[string]any{"configRuleNames": in.ConfigRuleNames, "complianceTypes": in.ComplianceTypes, "nextToken": in.NextToken})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetComplianceDetailsByConfigRule returns a rule's evaluation results sorted
// by resource type and ID, filtered by up to 3 ComplianceTypes (COMPLIANT,
// NON_COMPLIANT, NOT_APPLICABLE; INSUFFICIENT_DATA cannot be a filter),
// Limit 0 (10) to 100 per page.
func (s *Service) GetComplianceDetailsByConfigRule(ctx context.Context, in GetComplianceDetailsByConfigRuleInput) (*GetComplianceDetailsByConfigRuleOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetComplianceDetailsByConfigRule", ReadOnly: true}, in, s.getComplianceDetailsByConfigRule)
}

func (s *Service) getComplianceDetailsByConfigRule(ctx context.Context, call *event.Call, in GetComplianceDetailsByConfigRuleInput) (*GetComplianceDetailsByConfigRuleOutput, error) {
	out, err := s.complianceDetails(in)
	call.Params = func() any {
		return params(map[string]any{"configRuleName": in.ConfigRuleName, "complianceTypes": in.ComplianceTypes, "limit": in.Limit, "nextToken": in.NextToken})
	}
	return out, err
}

func (s *Service) complianceDetails(in GetComplianceDetailsByConfigRuleInput) (*GetComplianceDetailsByConfigRuleOutput, error) {
	if in.ConfigRuleName == "" || len(in.ConfigRuleName) > 128 {
		return nil, invalid("The ConfigRuleName %q is not valid: 1 to 128 characters.", in.ConfigRuleName)
	}
	if len(in.ComplianceTypes) > 3 {
		return nil, invalid("ComplianceTypes has %d members; at most 3 are allowed.", len(in.ComplianceTypes))
	}
	for _, t := range in.ComplianceTypes {
		if t != Compliant && t != NonCompliant && t != NotApplicable {
			return nil, invalid("The ComplianceType %q is not valid as a filter: COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.", t)
		}
	}
	if n := limitOf(in.Limit); n < 0 || n > 100 {
		return nil, invalid("The Limit %d is not valid: 0 to 100.", n)
	}
	limit := limitOf(in.Limit)
	if limit == 0 {
		limit = 10
	}
	var after *ResourceKey
	if in.NextToken != "" {
		pos, decoded := pagetoken.Decode(in.NextToken)
		t, id, ok := strings.Cut(pos, "\x00")
		if !decoded || !ok {
			return nil, errf("InvalidNextTokenException", "The nextToken %q is not valid.", truncate(in.NextToken, 40))
		}
		after = &ResourceKey{t, id}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rules[in.ConfigRuleName]
	if r == nil {
		return nil, errf("NoSuchConfigRuleException", "The ConfigRule '%s' provided in the request is invalid. Please check the configRule name.", in.ConfigRuleName)
	}
	keys := slices.SortedFunc(maps.Keys(r.results), compareKeys)
	out := &GetComplianceDetailsByConfigRuleOutput{EvaluationResults: []EvaluationResult{}}
	for _, k := range keys {
		if after != nil && compareKeys(k, *after) <= 0 {
			continue
		}
		res := r.results[k]
		if len(in.ComplianceTypes) > 0 && !slices.Contains(in.ComplianceTypes, res.ComplianceType) {
			continue
		}
		if len(out.EvaluationResults) == limit {
			last := out.EvaluationResults[limit-1].EvaluationResultIdentifier.EvaluationResultQualifier
			out.NextToken = pagetoken.Encode(last.ResourceType + "\x00" + last.ResourceID)
			break
		}
		out.EvaluationResults = append(out.EvaluationResults, *res)
	}
	return out, nil
}
