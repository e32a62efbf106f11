package config

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
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
	arm           timerArm // when and in which order timer was created
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
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configRule": in.ConfigRule}))
	}
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
		r.timer = s.armRuleLocked(c.ConfigRuleName, r)
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
	names, next, err := s.ruleNames(in.ConfigRuleNames, in.NextToken, describePage)
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
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configRuleNames": in.ConfigRuleNames, "nextToken": in.NextToken}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ruleNames resolves a ConfigRuleNames filter and a page token to one page of
// at most page rule names.
func (s *Service) ruleNames(filter []string, token string, page int) ([]string, string, error) {
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
	if len(names) > page {
		names = names[:page]
		next = pagetoken.Encode(names[page-1])
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
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configRuleName": in.ConfigRuleName}))
	}
	call.Resources = res
	if err != nil {
		return nil, err
	}
	return &DeleteConfigRuleOutput{}, nil
}
