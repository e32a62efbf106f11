package config

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// --- ListConfigurationRecorders ------------------------------------------------

// ListConfigurationRecorders returns a summary of the region's recorder
// (none, or the one customer-managed recorder, recordingScope PAID).
func (s *Service) ListConfigurationRecorders(ctx context.Context, in ListConfigurationRecordersInput) (*ListConfigurationRecordersOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListConfigurationRecorders", ReadOnly: true}, in, s.listConfigurationRecorders)
}

func (s *Service) listConfigurationRecorders(ctx context.Context, call *event.Call, in ListConfigurationRecordersInput) (*ListConfigurationRecordersOutput, error) {
	var err error
	out := &ListConfigurationRecordersOutput{ConfigurationRecorderSummaries: []ConfigurationRecorderSummary{}}
	if n := limitOf(in.MaxResults); n < 0 || n > 20 {
		err = errf("ValidationException", "The MaxResults %d is not valid: 0 to 20.", n)
	} else {
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.recorder != nil {
				out.ConfigurationRecorderSummaries = append(out.ConfigurationRecorderSummaries, ConfigurationRecorderSummary{
					ARN: s.recorderARN(s.recorder.Name), Name: s.recorder.Name, RecordingScope: "PAID"})
			}
		}()
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"MaxResults": in.MaxResults, "NextToken": in.NextToken}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) recorderARN(name string) string {
	return arn.New("config", s.op.Region, s.op.AccountID, "configuration-recorder/"+name)
}

// --- GetDiscoveredResourceCounts -------------------------------------------------

// GetDiscoveredResourceCounts returns how many resources of each type Config
// has discovered (existing resources it records), most numerous first, at
// most 20 resourceTypes, Limit 0 (100) to 100 per page. "If you specify
// resource types in the request, Config returns only the total number of
// resources for those resource types" (totalDiscoveredResources is then
// their total).
func (s *Service) GetDiscoveredResourceCounts(ctx context.Context, in GetDiscoveredResourceCountsInput) (*GetDiscoveredResourceCountsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetDiscoveredResourceCounts", ReadOnly: true}, in, s.getDiscoveredResourceCounts)
}

func (s *Service) getDiscoveredResourceCounts(ctx context.Context, call *event.Call, in GetDiscoveredResourceCountsInput) (*GetDiscoveredResourceCountsOutput, error) {
	out, err := s.discoveredCounts(in)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{
			"resourceTypes": in.ResourceTypes, "limit": in.Limit, "nextToken": in.NextToken}))
	}
	return out, err
}

func (s *Service) discoveredCounts(in GetDiscoveredResourceCountsInput) (*GetDiscoveredResourceCountsOutput, error) {
	if len(in.ResourceTypes) > 20 {
		return nil, errf("ValidationException", "resourceTypes has %d members; at most 20 are allowed.", len(in.ResourceTypes))
	}
	if n := limitOf(in.Limit); n < 0 || n > 100 {
		return nil, errf("InvalidLimitException", "The limit %d is not valid: 0 to 100.", n)
	}
	limit := cmp.Or(limitOf(in.Limit), 100)
	skip := 0
	if in.NextToken != "" {
		pos, ok := pagetoken.Decode(in.NextToken)
		n, err := strconv.Atoi(pos)
		if !ok || err != nil || n < 0 {
			return nil, errf("InvalidNextTokenException", "The nextToken %q is not valid.", truncate(in.NextToken, 40))
		}
		skip = n
	}
	counts := map[string]int64{}
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for k, r := range s.resources {
			if r.last == nil || isDeletion(r.last.status) || r.last.status == StatusResourceNotRecorded {
				continue
			}
			if len(in.ResourceTypes) > 0 && !slices.Contains(in.ResourceTypes, k.ResourceType) {
				continue
			}
			counts[k.ResourceType]++
		}
	}()
	out := &GetDiscoveredResourceCountsOutput{ResourceCounts: []ResourceCount{}}
	var all []ResourceCount
	for t, n := range counts {
		all = append(all, ResourceCount{t, n})
		out.TotalDiscoveredResources += n
	}
	slices.SortFunc(all, func(a, b ResourceCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ResourceType, b.ResourceType))
	})
	if skip > len(all) {
		skip = len(all)
	}
	all = all[skip:]
	if len(all) > limit {
		all = all[:limit]
		out.NextToken = pagetoken.Encode(strconv.Itoa(skip + limit))
	}
	out.ResourceCounts = append(out.ResourceCounts, all...)
	return out, nil
}

// --- compliance summaries -----------------------------------------------------------

func capped(n int) *ComplianceContributorCount {
	return &ComplianceContributorCount{CappedCount: min(n, 100), CapExceeded: n > 100}
}

// GetComplianceSummaryByConfigRule returns "the number of Config rules that
// are compliant and noncompliant, up to a maximum of 25 for each"; here the
// cap is 100, as for ComplianceContributorCount.
func (s *Service) GetComplianceSummaryByConfigRule(ctx context.Context, in GetComplianceSummaryByConfigRuleInput) (*GetComplianceSummaryByConfigRuleOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetComplianceSummaryByConfigRule", ReadOnly: true}, in, s.getComplianceSummaryByConfigRule)
}

func (s *Service) getComplianceSummaryByConfigRule(_ context.Context, call *event.Call, _ GetComplianceSummaryByConfigRuleInput) (*GetComplianceSummaryByConfigRuleOutput, error) {
	call.Params = noParams // the request has no parameters: null
	c, nc := 0, 0
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, r := range s.rules {
			switch ruleCompliance(r).ComplianceType {
			case Compliant:
				c++
			case NonCompliant:
				nc++
			}
		}
	}()
	out := &GetComplianceSummaryByConfigRuleOutput{ComplianceSummary{CompliantResourceCount: capped(c), NonCompliantResourceCount: capped(nc), ComplianceSummaryTimestamp: s.now()}}
	return out, nil
}

// GetComplianceSummaryByResourceType returns, for each named type (or for
// all resources together when none is named), how many resources comply
// with every rule that evaluates them and how many break at least one.
func (s *Service) GetComplianceSummaryByResourceType(ctx context.Context, in GetComplianceSummaryByResourceTypeInput) (*GetComplianceSummaryByResourceTypeOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetComplianceSummaryByResourceType", ReadOnly: true}, in, s.getComplianceSummaryByResourceType)
}

func (s *Service) getComplianceSummaryByResourceType(ctx context.Context, call *event.Call, in GetComplianceSummaryByResourceTypeInput) (*GetComplianceSummaryByResourceTypeOutput, error) {
	var err error
	out := &GetComplianceSummaryByResourceTypeOutput{ComplianceSummariesByResourceType: []ComplianceSummaryByResourceType{}}
	if len(in.ResourceTypes) > 100 {
		err = invalid("ResourceTypes has %d members; at most 100 are allowed.", len(in.ResourceTypes))
	} else {
		verdict := map[ResourceKey]ComplianceType{}
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, r := range s.rules {
				for k, res := range r.results {
					switch {
					case res.ComplianceType == NonCompliant:
						verdict[k] = NonCompliant
					case res.ComplianceType == Compliant && verdict[k] != NonCompliant:
						verdict[k] = Compliant
					}
				}
			}
		}()
		now := s.now()
		summary := func(match func(string) bool) ComplianceSummary {
			c, nc := 0, 0
			for k, v := range verdict {
				if !match(k.ResourceType) {
					continue
				}
				if v == NonCompliant {
					nc++
				} else if v == Compliant {
					c++
				}
			}
			return ComplianceSummary{CompliantResourceCount: capped(c), NonCompliantResourceCount: capped(nc), ComplianceSummaryTimestamp: now}
		}
		if len(in.ResourceTypes) == 0 {
			out.ComplianceSummariesByResourceType = append(out.ComplianceSummariesByResourceType, ComplianceSummaryByResourceType{
				ComplianceSummary: summary(func(string) bool { return true })})
		}
		for _, t := range in.ResourceTypes {
			out.ComplianceSummariesByResourceType = append(out.ComplianceSummariesByResourceType, ComplianceSummaryByResourceType{
				ResourceType: t, ComplianceSummary: summary(func(x string) bool { return x == t })})
		}
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"ResourceTypes": in.ResourceTypes}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// --- tags -----------------------------------------------------------------------

// MaxTagsPerResource is AWS Config's limit of tags on one resource.
const MaxTagsPerResource = 50

// ruleByARNLocked finds the rule with ARN a.
func (s *Service) ruleByARNLocked(a string) *rule {
	for _, r := range s.rules {
		if r.cfg.ConfigRuleArn == a {
			return r
		}
	}
	return nil
}

func validTagKey(k string) bool {
	return k != "" && len(k) <= 128 && !hasPrefixFold(k, "aws:")
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// TagResource adds or replaces tags on a Config rule (1 to 50 per request,
// at most 50 per rule: TooManyTagsException; keys of 1 to 128 characters not
// starting with aws:, values up to 256). An ARN that names no rule fails
// with ResourceNotFoundException.
func (s *Service) TagResource(ctx context.Context, in TagResourceInput) (*TagResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "TagResource"}, in, s.tagResource)
}

func (s *Service) tagResource(ctx context.Context, call *event.Call, in TagResourceInput) (*TagResourceOutput, error) {
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"ResourceArn": in.ResourceArn, "Tags": in.Tags}))
	}
	err := func() error {
		if len(in.Tags) == 0 || len(in.Tags) > MaxTagsPerResource {
			return errf("ValidationException", "Tags has %d members; 1 to 50 are allowed.", len(in.Tags))
		}
		for _, t := range in.Tags {
			if !validTagKey(t.Key) || len(t.Value) > 256 {
				return errf("ValidationException", "The tag %q is not valid: keys are 1 to 128 characters not starting with aws:, values at most 256.", truncate(t.Key, 40))
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		r := s.ruleByARNLocked(in.ResourceArn)
		if r == nil {
			return errf("ResourceNotFoundException", "The resource %s was not found.", truncate(in.ResourceArn, 256))
		}
		next := maps.Clone(r.tags)
		if next == nil {
			next = map[string]string{}
		}
		for _, t := range in.Tags {
			next[t.Key] = t.Value
		}
		if len(next) > MaxTagsPerResource {
			return errf("TooManyTagsException", "The resource %s would have %d tags; at most 50 are allowed.", in.ResourceArn, len(next))
		}
		r.tags = next
		return nil
	}()
	if err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// UntagResource removes tag keys from a Config rule.
func (s *Service) UntagResource(ctx context.Context, in UntagResourceInput) (*UntagResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "UntagResource"}, in, s.untagResource)
}

func (s *Service) untagResource(ctx context.Context, call *event.Call, in UntagResourceInput) (*UntagResourceOutput, error) {
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"ResourceArn": in.ResourceArn, "TagKeys": in.TagKeys}))
	}
	err := func() error {
		if len(in.TagKeys) == 0 || len(in.TagKeys) > MaxTagsPerResource {
			return errf("ValidationException", "TagKeys has %d members; 1 to 50 are allowed.", len(in.TagKeys))
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		r := s.ruleByARNLocked(in.ResourceArn)
		if r == nil {
			return errf("ResourceNotFoundException", "The resource %s was not found.", truncate(in.ResourceArn, 256))
		}
		next := maps.Clone(r.tags)
		for _, k := range in.TagKeys {
			delete(next, k)
		}
		r.tags = next
		return nil
	}()
	if err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

// ListTagsForResource lists a Config rule's tags, sorted by key, Limit 0
// (50) to 50 per page.
func (s *Service) ListTagsForResource(ctx context.Context, in ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListTagsForResource", ReadOnly: true}, in, s.listTagsForResource)
}

func (s *Service) listTagsForResource(ctx context.Context, call *event.Call, in ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	out := &ListTagsForResourceOutput{Tags: []Tag{}}
	err := func() error {
		if n := limitOf(in.Limit); n < 0 || n > 50 {
			return errf("InvalidLimitException", "The limit %d is not valid: 0 to 50.", n)
		}
		after := ""
		if in.NextToken != "" {
			pos, ok := pagetoken.Decode(in.NextToken)
			if !ok {
				return errf("InvalidNextTokenException", "The nextToken %q is not valid.", truncate(in.NextToken, 40))
			}
			after = pos
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		r := s.ruleByARNLocked(in.ResourceArn)
		if r == nil {
			return errf("ResourceNotFoundException", "The resource %s was not found.", truncate(in.ResourceArn, 256))
		}
		limit := cmp.Or(limitOf(in.Limit), 50)
		for _, k := range slices.Sorted(maps.Keys(r.tags)) {
			if after != "" && k <= after {
				continue
			}
			if len(out.Tags) == limit {
				out.NextToken = pagetoken.Encode(out.Tags[limit-1].Key)
				break
			}
			out.Tags = append(out.Tags, Tag{k, r.tags[k]})
		}
		return nil
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"ResourceArn": in.ResourceArn, "Limit": in.Limit, "NextToken": in.NextToken}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// --- PutExternalEvaluation --------------------------------------------------------

// PutExternalEvaluation stores an evaluation of the named rule, as
// PutEvaluations does for a result token (AWS uses it for process checks;
// here any rule accepts it). The rule must exist
// (NoSuchConfigRuleException); the evaluation follows PutEvaluations' rules
// (InvalidParameterValueException).
func (s *Service) PutExternalEvaluation(ctx context.Context, in PutExternalEvaluationInput) (*PutExternalEvaluationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutExternalEvaluation"}, in, s.putExternalEvaluation)
}

func (s *Service) putExternalEvaluation(ctx context.Context, call *event.Call, in PutExternalEvaluationInput) (*PutExternalEvaluationOutput, error) {
	err := func() error {
		if err := validateEvaluations([]Evaluation{in.ExternalEvaluation}); err != nil {
			return err
		}
		if len(in.ExternalEvaluation.Annotation) > 256 {
			return invalid("The Annotation is longer than 256 characters.")
		}
		return s.storeEvaluations(ctx, in.ConfigRuleName, "", []Evaluation{in.ExternalEvaluation}, s.now())
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{
			"ConfigRuleName": in.ConfigRuleName, "ExternalEvaluation": in.ExternalEvaluation}))
	}
	if err != nil {
		return nil, err
	}
	return &PutExternalEvaluationOutput{}, nil
}

// --- remediation configurations ---------------------------------------------------

// PutRemediationConfigurations adds or replaces the remediation
// configuration of existing rules (TargetType SSM_DOCUMENT, TargetId
// required, MaximumAutomaticAttempts 1 to 25, RetryAttemptSeconds 1 to
// 2,678,000).
func (s *Service) PutRemediationConfigurations(ctx context.Context, in PutRemediationConfigurationsInput) (*PutRemediationConfigurationsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutRemediationConfigurations"}, in, s.putRemediationConfigurations)
}

func (s *Service) putRemediationConfigurations(ctx context.Context, call *event.Call, in PutRemediationConfigurationsInput) (*PutRemediationConfigurationsOutput, error) {
	err := func() error {
		n := len(in.RemediationConfigurations)
		if n == 0 || n > 25 {
			return invalid("RemediationConfigurations has %d members; 1 to 25 are allowed.", n)
		}
		for _, c := range in.RemediationConfigurations {
			switch {
			case c.TargetType != "SSM_DOCUMENT":
				return invalid("The TargetType %q is not valid: SSM_DOCUMENT.", c.TargetType)
			case c.TargetID == "" || len(c.TargetID) > 256:
				return invalid("The TargetId of rule %s is not valid: 1 to 256 characters.", c.ConfigRuleName)
			case c.MaximumAutomaticAttempts < 0 || c.MaximumAutomaticAttempts > 25:
				return invalid("MaximumAutomaticAttempts %d is not valid: 1 to 25.", c.MaximumAutomaticAttempts)
			case c.RetryAttemptSeconds < 0 || c.RetryAttemptSeconds > 2678000:
				return invalid("RetryAttemptSeconds %d is not valid: 1 to 2678000.", c.RetryAttemptSeconds)
			case !isJSON(c.Parameters) || !isJSON(c.ExecutionControls):
				// They arrive as JSON on the wire: a value JSON cannot hold
				// (NaN, ±Inf, a func) would be stored and then make
				// DescribeRemediationConfigurations unanswerable.
				return invalid("The Parameters and ExecutionControls of rule %s must be JSON values.", c.ConfigRuleName)
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range in.RemediationConfigurations {
			if s.rules[c.ConfigRuleName] == nil {
				return invalid("The ConfigRule '%s' does not exist.", c.ConfigRuleName)
			}
		}
		if s.remediations == nil {
			s.remediations = map[string]RemediationConfiguration{}
		}
		for _, c := range in.RemediationConfigurations {
			c.ARN = arn.New("config", s.op.Region, s.op.AccountID, "remediation-configuration/"+c.ConfigRuleName+"/"+s.op.IDs.UUID())
			if old, ok := s.remediations[c.ConfigRuleName]; ok {
				c.ARN = old.ARN
			}
			c.Parameters, c.ExecutionControls = maps.Clone(c.Parameters), maps.Clone(c.ExecutionControls)
			s.remediations[c.ConfigRuleName] = c
		}
		return nil
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"RemediationConfigurations": in.RemediationConfigurations}))
	}
	if err != nil {
		return nil, err
	}
	return &PutRemediationConfigurationsOutput{FailedBatches: []FailedRemediationBatch{}}, nil
}

// DescribeRemediationConfigurations returns the remediation configurations
// of the named rules (rules without one are left out).
func (s *Service) DescribeRemediationConfigurations(ctx context.Context, in DescribeRemediationConfigurationsInput) (*DescribeRemediationConfigurationsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeRemediationConfigurations", ReadOnly: true}, in, s.describeRemediationConfigurations)
}

func (s *Service) describeRemediationConfigurations(ctx context.Context, call *event.Call, in DescribeRemediationConfigurationsInput) (*DescribeRemediationConfigurationsOutput, error) {
	out := &DescribeRemediationConfigurationsOutput{RemediationConfigurations: []RemediationConfiguration{}}
	var err error
	if len(in.ConfigRuleNames) > 25 {
		err = invalid("ConfigRuleNames has %d members; at most 25 are allowed.", len(in.ConfigRuleNames))
	} else {
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, n := range in.ConfigRuleNames {
				if c, ok := s.remediations[n]; ok {
					c.Parameters, c.ExecutionControls = maps.Clone(c.Parameters), maps.Clone(c.ExecutionControls)
					out.RemediationConfigurations = append(out.RemediationConfigurations, c)
				}
			}
		}()
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"ConfigRuleNames": in.ConfigRuleNames}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRemediationConfiguration deletes a rule's remediation configuration
// (NoSuchRemediationConfigurationException if it has none).
func (s *Service) DeleteRemediationConfiguration(ctx context.Context, in DeleteRemediationConfigurationInput) (*DeleteRemediationConfigurationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteRemediationConfiguration"}, in, s.deleteRemediationConfiguration)
}

func (s *Service) deleteRemediationConfiguration(ctx context.Context, call *event.Call, in DeleteRemediationConfigurationInput) (*DeleteRemediationConfigurationOutput, error) {
	err := func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.remediations[in.ConfigRuleName]; !ok {
			return errf("NoSuchRemediationConfigurationException", "No RemediationConfiguration for rule %s exists.", in.ConfigRuleName)
		}
		delete(s.remediations, in.ConfigRuleName)
		return nil
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"ConfigRuleName": in.ConfigRuleName, "ResourceType": in.ResourceType}))
	}
	if err != nil {
		return nil, err
	}
	return &DeleteRemediationConfigurationOutput{}, nil
}

// isJSON reports whether v can be encoded as JSON.
func isJSON(v any) bool {
	_, err := json.Marshal(v)
	return err == nil
}
