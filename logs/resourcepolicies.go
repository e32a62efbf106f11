package logs

import (
	"context"
	"github.com/localwatch/localwatch/internal/awserr"
	"strings"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// Resource policy limits: "Up to 10 CloudWatch Logs resource policies per
// Region" and "The maximum length of a resource policy is 5120 characters"
// (CloudWatch Logs quotas; PutResourcePolicy's policyDocument).
const (
	MaxResourcePolicies        = 10
	MaxResourcePolicyDocLength = 5120
)

// policyKey is where a resource policy is stored: an account policy by its
// name, a log group's by the group's ARN (one policy per group).
func policyKey(name, resourceArn string) string {
	if resourceArn != "" {
		return "r:" + resourceArn
	}
	return "a:" + name
}

func errPolicyNotFound(name string) error {
	return awserr.New("ResourceNotFoundException", "Policy with name [%s] does not exist", name)
}

// PutResourcePolicy creates or replaces a resource policy: an account policy
// (policyName, at most 10 per Region) letting AWS services such as Route 53
// or EventBridge write to the account's log groups, or, with resourceArn, the
// policy of one log group (which must exist; expectedRevisionId, when given,
// must be its current revision). The document is an IAM policy of at most
// 5,120 characters, checked as JSON with a Statement whose Effects are Allow
// or Deny. Policies are stored and described; they do not gate this
// service's own operations.
func (s *Service) PutResourcePolicy(ctx context.Context, in PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutResourcePolicy"}, in, s.putResourcePolicy)
}

func (s *Service) putResourcePolicy(ctx context.Context, c *event.Call, in PutResourcePolicyInput) (out *PutResourcePolicyOutput, err error) {
	if in.ResourceArn == "" && in.PolicyName == "" {
		return nil, errInvalid("policyName is required when resourceArn is not specified")
	}
	if in.PolicyDocument == "" {
		return nil, errConstraint("policyDocument", "", "Member must have length greater than or equal to 1")
	}
	if n := len([]rune(in.PolicyDocument)); n > MaxResourcePolicyDocLength {
		return nil, errConstraint("policyDocument", in.PolicyDocument, "Member must have length less than or equal to 5120")
	}
	if _, err := parsePolicy("policyDocument", in.PolicyDocument); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	scope := PolicyScopeAccount
	if in.ResourceArn != "" {
		scope = PolicyScopeResource
		if _, err := s.resolveGroupLocked("", strings.TrimSuffix(in.ResourceArn, ":*")); err != nil || !strings.HasPrefix(in.ResourceArn, "arn:") {
			return nil, awserr.New("ResourceNotFoundException", msgResourceNotFound)
		}
	}
	key := policyKey(in.PolicyName, in.ResourceArn)
	old, replacing := s.policies[key]
	if in.ExpectedRevisionID != "" && (!replacing || old.RevisionID != in.ExpectedRevisionID) {
		return nil, awserr.New("OperationAbortedException", "The expectedRevisionId %s does not match the policy's current revision.", in.ExpectedRevisionID)
	}
	if scope == PolicyScopeAccount && !replacing {
		n := 0
		for k := range s.policies {
			if strings.HasPrefix(k, "a:") {
				n++
			}
		}
		if n >= MaxResourcePolicies {
			return nil, errLimit("resource policies per Region (10)")
		}
	}
	p := ResourcePolicy{PolicyName: in.PolicyName, PolicyDocument: in.PolicyDocument, LastUpdatedTime: s.nowMS(),
		PolicyScope: scope, ResourceArn: in.ResourceArn}
	if scope == PolicyScopeResource {
		p.RevisionID = s.ids.Hex(16)
	}
	s.policies[key] = p
	return &PutResourcePolicyOutput{ResourcePolicy: &p, RevisionID: p.RevisionID}, nil
}

// DescribeResourcePolicies lists the resource policies (account policies by
// name, then log groups' by ARN), filtered by scope or by resourceArn, at most
// 50 a page.
func (s *Service) DescribeResourcePolicies(ctx context.Context, in DescribeResourcePoliciesInput) (*DescribeResourcePoliciesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeResourcePolicies", ReadOnly: true}, in, s.describeResourcePolicies)
}

func (s *Service) describeResourcePolicies(ctx context.Context, c *event.Call, in DescribeResourcePoliciesInput) (out *DescribeResourcePoliciesOutput, err error) {
	switch in.PolicyScope {
	case "", PolicyScopeAccount, PolicyScopeResource:
	default:
		return nil, errConstraint("policyScope", in.PolicyScope, "Member must satisfy enum value set: [ACCOUNT, RESOURCE]")
	}
	limit, err := limitOf("limit", in.Limit, MaxDescribeLimit, MaxDescribeLimit)
	if err != nil {
		return nil, err
	}
	offset, err := offsetToken(in.NextToken, "p:")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := []ResourcePolicy{}
	for _, k := range sortedKeys(s.policies) {
		p := s.policies[k]
		if (in.PolicyScope == "" || p.PolicyScope == in.PolicyScope) && (in.ResourceArn == "" || p.ResourceArn == in.ResourceArn) {
			all = append(all, p)
		}
	}
	out = &DescribeResourcePoliciesOutput{}
	out.ResourcePolicies, out.NextToken = page(all, offset, limit, "p:")
	return out, nil
}

// DeleteResourcePolicy deletes an account policy by name, or a log group's
// policy by resourceArn (expectedRevisionId, when given, must match).
func (s *Service) DeleteResourcePolicy(ctx context.Context, in DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteResourcePolicy"}, in, s.deleteResourcePolicy)
}

func (s *Service) deleteResourcePolicy(ctx context.Context, c *event.Call, in DeleteResourcePolicyInput) (out *DeleteResourcePolicyOutput, err error) {
	if in.ResourceArn == "" && in.PolicyName == "" {
		return nil, errInvalid("policyName is required when resourceArn is not specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	key := policyKey(in.PolicyName, in.ResourceArn)
	p, ok := s.policies[key]
	if !ok {
		return nil, errPolicyNotFound(in.PolicyName + in.ResourceArn)
	}
	if in.ExpectedRevisionID != "" && p.RevisionID != in.ExpectedRevisionID {
		return nil, awserr.New("OperationAbortedException", "The expectedRevisionId %s does not match the policy's current revision.", in.ExpectedRevisionID)
	}
	delete(s.policies, key)
	return &DeleteResourcePolicyOutput{}, nil
}
