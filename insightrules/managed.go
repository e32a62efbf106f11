package insightrules

import (
	"context"
	"iter"
	"regexp"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// Managed rules come from templates AWS services publish for their
// resources (VPC endpoint services, for one). localwatch models none of
// those resources, so no resource has templates: ListManagedInsightRules
// answers an empty list and PutManagedInsightRules reports every rule as a
// failure, after AWS's validation of the request.

var templateNameRE = regexp.MustCompile(`^[0-9A-Za-z][\-._0-9A-Za-z]{0,126}[0-9A-Za-z]$`)

// MaxRuleTags is how many tags a rule can have.
const MaxRuleTags = 50

// ListManagedInsightRules lists the managed rule templates of a resource:
// none, since localwatch models no resource that has them.
func (s *Service) ListManagedInsightRules(ctx context.Context, in ListManagedInsightRulesInput) (*ListManagedInsightRulesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListManagedInsightRules", ReadOnly: true}, in, func(context.Context, *event.Call, ListManagedInsightRulesInput) (*ListManagedInsightRulesOutput, error) {
		if in.ResourceARN == "" {
			return nil, awserr.Missing("ResourceARN")
		}
		if len(in.ResourceARN) > 1024 {
			return nil, errInvalid("ResourceARN", "must be at most 1024 characters long")
		}
		if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > MaxDescribeResults) {
			return nil, errInvalid("MaxResults", "must be between 1 and %d", MaxDescribeResults)
		}
		if in.NextToken != "" {
			return nil, awserr.New("InvalidNextToken", "The NextToken %q is invalid.", in.NextToken)
		}
		return &ListManagedInsightRulesOutput{ManagedRules: []ManagedRuleDescription{}}, nil
	})
}

// PutManagedInsightRules creates the rules of managed templates. Each rule
// whose template the resource does not have — every one here — is reported
// in Failures.
func (s *Service) PutManagedInsightRules(ctx context.Context, in PutManagedInsightRulesInput) (*PutManagedInsightRulesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutManagedInsightRules"}, in, func(context.Context, *event.Call, PutManagedInsightRulesInput) (*PutManagedInsightRulesOutput, error) {
		if len(in.ManagedRules) == 0 {
			return nil, awserr.Missing("ManagedRules")
		}
		for _, r := range in.ManagedRules {
			if r.TemplateName == "" {
				return nil, awserr.Missing("ManagedRules.member.TemplateName")
			}
			if !templateNameRE.MatchString(r.TemplateName) {
				return nil, errInvalid("TemplateName", "%q must match pattern [0-9A-Za-z][\\-\\.\\_0-9A-Za-z]{0,126}[0-9A-Za-z]", r.TemplateName)
			}
			if r.ResourceARN == "" {
				return nil, awserr.Missing("ManagedRules.member.ResourceARN")
			}
			if len(r.Tags) > MaxRuleTags {
				return nil, errInvalid("Tags", "has %d members; the maximum is %d", len(r.Tags), MaxRuleTags)
			}
		}
		out := &PutManagedInsightRulesOutput{Failures: []PartialFailure{}}
		for _, r := range in.ManagedRules {
			out.Failures = append(out.Failures, PartialFailure{FailureResource: r.ResourceARN, ExceptionType: "ResourceNotFoundException",
				FailureCode: "404", FailureDescription: "The template " + r.TemplateName + " is not available for resource " + r.ResourceARN + "."})
		}
		return out, nil
	})
}

// ListManagedInsightRulesAll iterates over every managed rule template of a
// resource, page by page.
func (s *Service) ListManagedInsightRulesAll(ctx context.Context, in ListManagedInsightRulesInput) iter.Seq2[ManagedRuleDescription, error] {
	return func(yield func(ManagedRuleDescription, error) bool) {
		for {
			out, err := s.ListManagedInsightRules(ctx, in)
			if err != nil {
				yield(ManagedRuleDescription{}, err)
				return
			}
			for _, r := range out.ManagedRules {
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
