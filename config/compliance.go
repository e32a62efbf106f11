package config

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// The ComplianceTypes filters: the operations that list evaluation results
// filter them by COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE (a result is
// never INSUFFICIENT_DATA); those that summarize rules or resources by
// COMPLIANT, NON_COMPLIANT or INSUFFICIENT_DATA.
var (
	resultFilter  = complianceFilter{[]ComplianceType{Compliant, NonCompliant, NotApplicable}, "as a filter: COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE"}
	summaryFilter = complianceFilter{[]ComplianceType{Compliant, NonCompliant, InsufficientData}, "here: COMPLIANT, NON_COMPLIANT or INSUFFICIENT_DATA"}
)

type complianceFilter struct {
	allowed []ComplianceType
	valid   string // how the error message words the allowed values
}

// checkComplianceFilter checks a ComplianceTypes filter: at most 3 members,
// each allowed by f.
func checkComplianceFilter(types []ComplianceType, f complianceFilter) error {
	if len(types) > 3 {
		return invalid("ComplianceTypes has %d members; at most 3 are allowed.", len(types))
	}
	for _, t := range types {
		if !slices.Contains(f.allowed, t) {
			return invalid("The ComplianceType %q is not valid %s.", t, f.valid)
		}
	}
	return nil
}

// GetComplianceDetailsByResource returns the evaluation results of every rule
// for one resource, sorted by rule name, filtered by up to 3 ComplianceTypes
// (COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE), 25 per page.
func (s *Service) GetComplianceDetailsByResource(ctx context.Context, in GetComplianceDetailsByResourceInput) (*GetComplianceDetailsByResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetComplianceDetailsByResource", ReadOnly: true}, in, s.getComplianceDetailsByResource)
}

func (s *Service) getComplianceDetailsByResource(ctx context.Context, call *event.Call, in GetComplianceDetailsByResourceInput) (*GetComplianceDetailsByResourceOutput, error) {
	out, err := s.complianceByResourceDetails(in)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{
			"resourceType": in.ResourceType, "resourceId": in.ResourceID, "complianceTypes": in.ComplianceTypes, "nextToken": in.NextToken}))
	}
	return out, err
}

func (s *Service) complianceByResourceDetails(in GetComplianceDetailsByResourceInput) (*GetComplianceDetailsByResourceOutput, error) {
	if in.ResourceType == "" || len(in.ResourceType) > 256 || in.ResourceID == "" || len(in.ResourceID) > 768 {
		return nil, invalid("ResourceType (1 to 256 characters) and ResourceId (1 to 768 characters) are required.")
	}
	if err := checkComplianceFilter(in.ComplianceTypes, resultFilter); err != nil {
		return nil, err
	}
	after := ""
	if in.NextToken != "" {
		pos, ok := pagetoken.Decode(in.NextToken)
		if !ok || pos == "" {
			return nil, errf("InvalidNextTokenException", "The nextToken %q is not valid.", truncate(in.NextToken, 40))
		}
		after = pos
	}
	key := ResourceKey{in.ResourceType, in.ResourceID}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &GetComplianceDetailsByResourceOutput{EvaluationResults: []EvaluationResult{}}
	for _, name := range slices.Sorted(maps.Keys(s.rules)) {
		if after != "" && name <= after {
			continue
		}
		res := s.rules[name].results[key]
		if res == nil || (len(in.ComplianceTypes) > 0 && !slices.Contains(in.ComplianceTypes, res.ComplianceType)) {
			continue
		}
		if len(out.EvaluationResults) == describePage {
			out.NextToken = pagetoken.Encode(out.EvaluationResults[describePage-1].EvaluationResultIdentifier.EvaluationResultQualifier.ConfigRuleName)
			break
		}
		out.EvaluationResults = append(out.EvaluationResults, *res)
	}
	return out, nil
}

// DescribeComplianceByResource reports, for each evaluated resource (of
// ResourceType, or the one ResourceId, which needs ResourceType), whether it
// complies with the rules that evaluate it: NON_COMPLIANT with the number of
// rules it breaks (capped at 100) if any, else COMPLIANT if any rule found it
// compliant, else INSUFFICIENT_DATA. ComplianceTypes filters (COMPLIANT,
// NON_COMPLIANT, INSUFFICIENT_DATA); Limit is 0 (10) to 100.
func (s *Service) DescribeComplianceByResource(ctx context.Context, in DescribeComplianceByResourceInput) (*DescribeComplianceByResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeComplianceByResource", ReadOnly: true}, in, s.describeComplianceByResource)
}

func (s *Service) describeComplianceByResource(ctx context.Context, call *event.Call, in DescribeComplianceByResourceInput) (*DescribeComplianceByResourceOutput, error) {
	out, err := s.complianceByResource(in)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{
			"resourceType": in.ResourceType, "resourceId": in.ResourceID, "complianceTypes": in.ComplianceTypes, "limit": in.Limit, "nextToken": in.NextToken}))
	}
	return out, err
}

func (s *Service) complianceByResource(in DescribeComplianceByResourceInput) (*DescribeComplianceByResourceOutput, error) {
	if in.ResourceID != "" && in.ResourceType == "" {
		return nil, invalid("ResourceId requires ResourceType.")
	}
	if err := checkComplianceFilter(in.ComplianceTypes, summaryFilter); err != nil {
		return nil, err
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
	type tally struct{ nc, c int }
	byRes := map[ResourceKey]*tally{}
	for _, r := range s.rules {
		for k, res := range r.results {
			if in.ResourceType != "" && k.ResourceType != in.ResourceType || in.ResourceID != "" && k.ResourceID != in.ResourceID {
				continue
			}
			t := byRes[k]
			if t == nil {
				t = &tally{}
				byRes[k] = t
			}
			switch res.ComplianceType {
			case NonCompliant:
				t.nc++
			case Compliant:
				t.c++
			}
		}
	}
	out := &DescribeComplianceByResourceOutput{ComplianceByResources: []ComplianceByResource{}}
	for _, k := range slices.SortedFunc(maps.Keys(byRes), compareKeys) {
		if after != nil && compareKeys(k, *after) <= 0 {
			continue
		}
		t := byRes[k]
		c := Compliance{ComplianceType: InsufficientData}
		switch {
		case t.nc > 0:
			c = Compliance{ComplianceType: NonCompliant, ComplianceContributorCount: &ComplianceContributorCount{CappedCount: min(t.nc, 100), CapExceeded: t.nc > 100}}
		case t.c > 0:
			c.ComplianceType = Compliant
		}
		if len(in.ComplianceTypes) > 0 && !slices.Contains(in.ComplianceTypes, c.ComplianceType) {
			continue
		}
		if len(out.ComplianceByResources) == limit {
			last := out.ComplianceByResources[limit-1]
			out.NextToken = pagetoken.Encode(last.ResourceType + "\x00" + last.ResourceID)
			break
		}
		out.ComplianceByResources = append(out.ComplianceByResources, ComplianceByResource{ResourceType: k.ResourceType, ResourceID: k.ResourceID, Compliance: &c})
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
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"evaluations": in.Evaluations, "resultToken": in.ResultToken, "testMode": in.TestMode}))
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
	err := checkComplianceFilter(in.ComplianceTypes, summaryFilter)
	var names []string
	if err == nil {
		names, out.NextToken, err = s.ruleNames(in.ConfigRuleNames, in.NextToken, describePage)
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
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configRuleNames": in.ConfigRuleNames, "complianceTypes": in.ComplianceTypes, "nextToken": in.NextToken}))
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
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configRuleName": in.ConfigRuleName, "complianceTypes": in.ComplianceTypes, "limit": in.Limit, "nextToken": in.NextToken}))
	}
	return out, err
}

func (s *Service) complianceDetails(in GetComplianceDetailsByConfigRuleInput) (*GetComplianceDetailsByConfigRuleOutput, error) {
	if in.ConfigRuleName == "" || len(in.ConfigRuleName) > 128 {
		return nil, invalid("The ConfigRuleName %q is not valid: 1 to 128 characters.", in.ConfigRuleName)
	}
	if err := checkComplianceFilter(in.ComplianceTypes, resultFilter); err != nil {
		return nil, err
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
