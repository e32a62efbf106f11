package config

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// GetComplianceDetailsByResource returns the evaluation results of every rule
// for one resource, sorted by rule name, filtered by up to 3 ComplianceTypes
// (COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE), 25 per page.
func (s *Service) GetComplianceDetailsByResource(ctx context.Context, in GetComplianceDetailsByResourceInput) (*GetComplianceDetailsByResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetComplianceDetailsByResource", ReadOnly: true}, in, s.getComplianceDetailsByResource)
}

func (s *Service) getComplianceDetailsByResource(ctx context.Context, call *event.Call, in GetComplianceDetailsByResourceInput) (*GetComplianceDetailsByResourceOutput, error) {
	out, err := s.complianceByResourceDetails(in)
	call.Params = func() any {
		return params(map[string]any{
			"resourceType": in.ResourceType, "resourceId": in.ResourceID, "complianceTypes": in.ComplianceTypes, "nextToken": in.NextToken})
	}
	return out, err
}

func (s *Service) complianceByResourceDetails(in GetComplianceDetailsByResourceInput) (*GetComplianceDetailsByResourceOutput, error) {
	if in.ResourceType == "" || len(in.ResourceType) > 256 || in.ResourceID == "" || len(in.ResourceID) > 768 {
		return nil, invalid("ResourceType (1 to 256 characters) and ResourceId (1 to 768 characters) are required.")
	}
	if len(in.ComplianceTypes) > 3 {
		return nil, invalid("ComplianceTypes has %d members; at most 3 are allowed.", len(in.ComplianceTypes))
	}
	for _, t := range in.ComplianceTypes {
		if t != Compliant && t != NonCompliant && t != NotApplicable {
			return nil, invalid("The ComplianceType %q is not valid as a filter: COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.", t)
		}
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
	call.Params = func() any {
		return params(map[string]any{
			"resourceType": in.ResourceType, "resourceId": in.ResourceID, "complianceTypes": in.ComplianceTypes, "limit": in.Limit, "nextToken": in.NextToken})
	}
	return out, err
}

func (s *Service) complianceByResource(in DescribeComplianceByResourceInput) (*DescribeComplianceByResourceOutput, error) {
	if in.ResourceID != "" && in.ResourceType == "" {
		return nil, invalid("ResourceId requires ResourceType.")
	}
	if len(in.ComplianceTypes) > 3 {
		return nil, invalid("ComplianceTypes has %d members; at most 3 are allowed.", len(in.ComplianceTypes))
	}
	for _, t := range in.ComplianceTypes {
		if t != Compliant && t != NonCompliant && t != InsufficientData {
			return nil, invalid("The ComplianceType %q is not valid here: COMPLIANT, NON_COMPLIANT or INSUFFICIENT_DATA.", t)
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
