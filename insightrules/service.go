package insightrules

import (
	"context"
	"iter"
	"log/slog"
	"slices"
	"strconv"
	"sync"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// Limits of the API (CloudWatch API Reference and service quotas).
const (
	MaxRules              = 100  // rules per account and Region
	MaxRuleNameLength     = 128  // InsightRuleName
	MaxDefinitionLength   = 8192 // InsightRuleDefinition
	MaxDescribeResults    = 500  // InsightRuleMaxResults
	DefaultContributors   = 10   // GetInsightRuleReport MaxContributorCount default
	MaxContributorsReport = 100  // GetInsightRuleReport MaxContributorCount maximum
)

// LogEvent is one log event as a rule reads it: its timestamp and ingestion
// time in milliseconds since the epoch, and its message.
type LogEvent struct {
	Timestamp     int64
	IngestionTime int64
	Message       string
}

// LogSource is where a Service reads the events its rules analyse; the
// stack passes one over its CloudWatch Logs service.
type LogSource interface {
	// LogGroupNames returns the names of the Region's log groups.
	LogGroupNames(ctx context.Context) ([]string, error)
	// LogEvents yields the events of a log group whose timestamps are in
	// [start, end) (milliseconds since the epoch), in any order.
	LogEvents(ctx context.Context, logGroupName string, start, end int64) iter.Seq2[LogEvent, error]
}

// Options configure a Service. The zero value works (with no LogSource every
// report is empty).
type Options struct {
	// Clock gives the time rules are enabled and disabled (nil: the wall clock).
	Clock clock.Clock
	// Bus carries the service's API-call records (nil: none).
	Bus *bus.Bus
	// IDs makes request and event IDs (nil: random).
	IDs *ids.Source
	// Region and AccountID name the rules' ARNs (defaults us-east-1, 123456789012).
	Region    string
	AccountID string
	// Logger receives what the service reports (nil: discarded).
	Logger *slog.Logger
	// Journal is set by localwatch.Account when its Options.DataDir is set;
	// leave nil.
	Journal op.Journal
	// States is set by localwatch.Account when its Options.DataDir is set;
	// collects the service's checkpoint hooks.
	States *op.States
	// Logs reads the log events rules analyse.
	Logs LogSource
}

// Service is CloudWatch Contributor Insights: rules over log groups and the
// reports of their top contributors. It is safe for concurrent use.
type Service struct {
	op   op.Service
	logs LogSource

	mu    sync.Mutex            // guards rules
	rules map[string]*ruleEntry // by name
}

// ruleEntry is one stored rule.
type ruleEntry struct {
	name       string
	body       string
	compiled   *rule
	state      RuleState
	tags       []Tag
	transform  *bool
	managed    bool
	enabledLog []span // ingestion-time spans (ms) in which the rule was enabled
}

// span is [from, to) in milliseconds; to is 0 while open.
type span struct{ from, to int64 }

// New returns a Service.
func New(opts Options) *Service {
	s := &Service{logs: opts.Logs, rules: map[string]*ruleEntry{}}
	s.op.Init(op.Common{Clock: opts.Clock, Bus: opts.Bus, IDs: opts.IDs, Region: opts.Region, AccountID: opts.AccountID,
		Logger: opts.Logger, Journal: opts.Journal, States: opts.States}, "insightrules", "monitoring.amazonaws.com", "ServiceUnavailable")
	s.op.SetStateHooks(op.StateHooks{Save: s.saveState, Load: s.loadState})
	return s
}

// Close makes every later call fail with ServiceUnavailable (HTTP 503). It
// may be called more than once.
func (s *Service) Close() { s.op.MarkClosed() }

func (s *Service) nowMS() int64 { return s.op.Clock.Now().UnixMilli() }

// ruleARN is a rule's ARN: arn:aws:cloudwatch:<region>:<account>:insight-rule/<name>.
func (s *Service) ruleARN(name string) string {
	return arn.New("cloudwatch", s.op.Region, s.op.AccountID, "insight-rule/"+name)
}

func (s *Service) resources(names ...string) []event.Resource {
	out := make([]event.Resource, 0, len(names))
	for _, n := range names {
		out = append(out, event.Resource{ARN: s.ruleARN(n), AccountID: s.op.AccountID, Type: "AWS::CloudWatch::InsightRule"})
	}
	return out
}

func checkRuleName(param, name string) error {
	if name == "" {
		return awserr.Missing(param)
	}
	if len(name) > MaxRuleNameLength {
		return errInvalid(param, "must be at most %d characters long", MaxRuleNameLength)
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] > 0x7e {
			return errInvalid(param, "must match pattern [\\x20-\\x7E]+")
		}
	}
	return nil
}

// PutInsightRule creates a rule, or replaces the definition and state of the
// rule of that name. A rule analyses the events ingested while it is
// ENABLED (the default state), from its creation on; events ingested before,
// or while it was DISABLED, never count. InvalidParameterValue answers a body
// that breaks the rule syntax, LimitExceededException the 101st rule.
func (s *Service) PutInsightRule(ctx context.Context, in PutInsightRuleInput) (*PutInsightRuleOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutInsightRule"}, in, s.putInsightRule)
}

func (s *Service) putInsightRule(_ context.Context, c *event.Call, in PutInsightRuleInput) (*PutInsightRuleOutput, error) {
	if err := checkRuleName("RuleName", in.RuleName); err != nil {
		return nil, err
	}
	if in.RuleDefinition == "" {
		return nil, awserr.Missing("RuleDefinition")
	}
	if len(in.RuleDefinition) > MaxDefinitionLength {
		return nil, errInvalid("RuleDefinition", "must be at most %d characters long", MaxDefinitionLength)
	}
	for i := 0; i < len(in.RuleDefinition); i++ {
		if in.RuleDefinition[i] > 0x7f {
			return nil, errInvalid("RuleDefinition", "must match pattern [\\x00-\\x7F]+")
		}
	}
	state := in.RuleState
	switch state {
	case "":
		state = StateEnabled
	case StateEnabled, StateDisabled:
	default:
		return nil, errInvalid("RuleState", "must be ENABLED or DISABLED, not %q", in.RuleState)
	}
	if len(in.Tags) > MaxRuleTags {
		return nil, errInvalid("Tags", "has %d members; the maximum is %d", len(in.Tags), MaxRuleTags)
	}
	for i, t := range in.Tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, errInvalid("Tags", "member %d must have a Key of 1-128 and a Value of 0-256 characters", i+1)
		}
	}
	r, err := parseRule(in.RuleDefinition)
	if err != nil {
		return nil, err
	}
	c.Resources = s.resources(in.RuleName)
	now := s.nowMS()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.rules[in.RuleName]
	if !ok {
		if len(s.rules) >= MaxRules {
			return nil, awserr.New("LimitExceededException", "The maximum number of rules (%d) has been reached.", MaxRules)
		}
		e = &ruleEntry{name: in.RuleName, state: StateDisabled, tags: slices.Clone(in.Tags)}
		s.rules[in.RuleName] = e
	}
	e.body, e.compiled, e.transform = in.RuleDefinition, r, in.ApplyOnTransformedLogs
	e.setState(state, now)
	return &PutInsightRuleOutput{}, nil
}

// setState moves e to state at now, opening or closing its enabled span.
func (e *ruleEntry) setState(state RuleState, now int64) {
	if e.state == state {
		return
	}
	e.state = state
	if state == StateEnabled {
		e.enabledLog = append(e.enabledLog, span{from: now})
		return
	}
	if n := len(e.enabledLog); n > 0 {
		e.enabledLog[n-1].to = now
	}
}

// counts reports whether an event ingested at t counts for e.
func (e *ruleEntry) counts(t int64) bool {
	for _, sp := range e.enabledLog {
		if t >= sp.from && (sp.to == 0 || t < sp.to) {
			return true
		}
	}
	return false
}

func (e *ruleEntry) describe() InsightRule {
	out := InsightRule{Name: e.name, State: e.state, Schema: schemaText, Definition: e.body, ApplyOnTransformedLogs: e.transform}
	if e.managed {
		t := true
		out.ManagedRule = &t
	}
	return out
}

// DescribeInsightRules lists the rules by name, MaxResults (1-500, default
// 500) per page.
func (s *Service) DescribeInsightRules(ctx context.Context, in DescribeInsightRulesInput) (*DescribeInsightRulesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeInsightRules", ReadOnly: true}, in, s.describeInsightRules)
}

func (s *Service) describeInsightRules(_ context.Context, _ *event.Call, in DescribeInsightRulesInput) (*DescribeInsightRulesOutput, error) {
	limit := MaxDescribeResults
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > MaxDescribeResults {
			return nil, errInvalid("MaxResults", "must be between 1 and %d", MaxDescribeResults)
		}
		limit = int(*in.MaxResults)
	}
	after := ""
	if in.NextToken != "" {
		a, ok := pagetoken.Decode(in.NextToken)
		if !ok || a == "" {
			return nil, awserr.New("InvalidNextToken", "The NextToken %q is invalid.", in.NextToken)
		}
		after = a
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.rules))
	for n := range s.rules {
		if after == "" || n > after {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := &DescribeInsightRulesOutput{InsightRules: []InsightRule{}}
	for i, n := range names {
		if i == limit {
			out.NextToken = pagetoken.Encode(names[i-1])
			break
		}
		out.InsightRules = append(out.InsightRules, s.rules[n].describe())
	}
	return out, nil
}

// DescribeInsightRulesAll iterates over every rule, page by page.
func (s *Service) DescribeInsightRulesAll(ctx context.Context, in DescribeInsightRulesInput) iter.Seq2[InsightRule, error] {
	return func(yield func(InsightRule, error) bool) {
		for {
			out, err := s.DescribeInsightRules(ctx, in)
			if err != nil {
				yield(InsightRule{}, err)
				return
			}
			for _, r := range out.InsightRules {
				if !yield(r, nil) {
					return
				}
			}
			if out.NextToken == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
}

func checkRuleNames(names []string) error {
	if len(names) == 0 {
		return awserr.Missing("RuleNames")
	}
	for i, n := range names {
		if err := checkRuleName("RuleNames.member."+strconv.Itoa(i+1), n); err != nil {
			return err
		}
	}
	return nil
}

// notFoundFailure is the PartialFailure of a name no rule has.
func notFoundFailure(name string) PartialFailure {
	return PartialFailure{FailureResource: name, ExceptionType: "ResourceNotFoundException", FailureCode: "404",
		FailureDescription: "Rule " + name + " does not exist."}
}

// EnableInsightRules enables rules: they analyse the events ingested from now
// on. A name no rule has is reported in Failures; the others are enabled.
func (s *Service) EnableInsightRules(ctx context.Context, in EnableInsightRulesInput) (*EnableInsightRulesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "EnableInsightRules"}, in, func(_ context.Context, c *event.Call, in EnableInsightRulesInput) (*EnableInsightRulesOutput, error) {
		f, err := s.setStates(c, in.RuleNames, StateEnabled)
		if err != nil {
			return nil, err
		}
		return &EnableInsightRulesOutput{Failures: f}, nil
	})
}

// DisableInsightRules disables rules: the events ingested from now on until
// they are enabled again do not count. Unknown names are reported in
// Failures.
func (s *Service) DisableInsightRules(ctx context.Context, in DisableInsightRulesInput) (*DisableInsightRulesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DisableInsightRules"}, in, func(_ context.Context, c *event.Call, in DisableInsightRulesInput) (*DisableInsightRulesOutput, error) {
		f, err := s.setStates(c, in.RuleNames, StateDisabled)
		if err != nil {
			return nil, err
		}
		return &DisableInsightRulesOutput{Failures: f}, nil
	})
}

func (s *Service) setStates(c *event.Call, names []string, state RuleState) ([]PartialFailure, error) {
	if err := checkRuleNames(names); err != nil {
		return nil, err
	}
	c.Resources = s.resources(names...)
	now := s.nowMS()
	s.mu.Lock()
	defer s.mu.Unlock()
	failures := []PartialFailure{}
	for _, n := range names {
		e, ok := s.rules[n]
		if !ok {
			failures = append(failures, notFoundFailure(n))
			continue
		}
		e.setState(state, now)
	}
	return failures, nil
}

// DeleteInsightRules deletes rules and what they found; unknown names are
// reported in Failures.
func (s *Service) DeleteInsightRules(ctx context.Context, in DeleteInsightRulesInput) (*DeleteInsightRulesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteInsightRules"}, in, s.deleteInsightRules)
}

func (s *Service) deleteInsightRules(_ context.Context, c *event.Call, in DeleteInsightRulesInput) (*DeleteInsightRulesOutput, error) {
	if err := checkRuleNames(in.RuleNames); err != nil {
		return nil, err
	}
	c.Resources = s.resources(in.RuleNames...)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &DeleteInsightRulesOutput{Failures: []PartialFailure{}}
	for _, n := range in.RuleNames {
		if _, ok := s.rules[n]; !ok {
			out.Failures = append(out.Failures, notFoundFailure(n))
			continue
		}
		delete(s.rules, n)
	}
	return out, nil
}

// Tags returns the tags a rule was created with (nil for no such rule).
func (s *Service) Tags(name string) []Tag {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.rules[name]; ok {
		return slices.Clone(e.tags)
	}
	return nil
}
