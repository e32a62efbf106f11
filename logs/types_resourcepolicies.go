package logs

// PolicyScope says whether a resource policy is the account's (ACCOUNT) or
// attached to one log group (RESOURCE).
type PolicyScope string

// Policy scopes.
const (
	PolicyScopeAccount  PolicyScope = "ACCOUNT"
	PolicyScopeResource PolicyScope = "RESOURCE"
)

// ResourcePolicy describes a resource policy.
type ResourcePolicy struct {
	PolicyName      string      `json:"policyName,omitempty"`
	PolicyDocument  string      `json:"policyDocument"`
	LastUpdatedTime int64       `json:"lastUpdatedTime"`
	PolicyScope     PolicyScope `json:"policyScope"`
	ResourceArn     string      `json:"resourceArn,omitempty"`
	RevisionID      string      `json:"revisionId,omitempty"`
}

// PutResourcePolicyInput is the input of PutResourcePolicy.
type PutResourcePolicyInput struct {
	PolicyName         string `json:"policyName,omitempty"`
	PolicyDocument     string `json:"policyDocument"`
	ResourceArn        string `json:"resourceArn,omitempty"`
	ExpectedRevisionID string `json:"expectedRevisionId,omitempty"`
}

// PutResourcePolicyOutput is the output of PutResourcePolicy.
type PutResourcePolicyOutput struct {
	ResourcePolicy *ResourcePolicy `json:"resourcePolicy,omitempty"`
	RevisionID     string          `json:"revisionId,omitempty"`
}

// DescribeResourcePoliciesInput is the input of DescribeResourcePolicies.
type DescribeResourcePoliciesInput struct {
	NextToken   string      `json:"nextToken,omitempty"`
	Limit       *int32      `json:"limit,omitempty"`
	ResourceArn string      `json:"resourceArn,omitempty"`
	PolicyScope PolicyScope `json:"policyScope,omitempty"`
}

// DescribeResourcePoliciesOutput is the output of DescribeResourcePolicies.
type DescribeResourcePoliciesOutput struct {
	ResourcePolicies []ResourcePolicy `json:"resourcePolicies"`
	NextToken        string           `json:"nextToken,omitempty"`
}

// DeleteResourcePolicyInput is the input of DeleteResourcePolicy.
type DeleteResourcePolicyInput struct {
	PolicyName         string `json:"policyName,omitempty"`
	ResourceArn        string `json:"resourceArn,omitempty"`
	ExpectedRevisionID string `json:"expectedRevisionId,omitempty"`
}

// DeleteResourcePolicyOutput is the (empty) output of DeleteResourcePolicy.
type DeleteResourcePolicyOutput struct{}
