package logs

// PolicyType is the kind of an account policy.
type PolicyType string

// Account policy types.
const (
	PolicyTypeDataProtection   PolicyType = "DATA_PROTECTION_POLICY"
	PolicyTypeSubscription     PolicyType = "SUBSCRIPTION_FILTER_POLICY"
	PolicyTypeFieldIndex       PolicyType = "FIELD_INDEX_POLICY"
	PolicyTypeTransformer      PolicyType = "TRANSFORMER_POLICY"
	PolicyTypeMetricExtraction PolicyType = "METRIC_EXTRACTION_POLICY"
)

// Scope is what an account policy applies to; ALL is the only value.
type Scope string

// ScopeAll applies an account policy to every log group of the account.
const ScopeAll Scope = "ALL"

// AccountPolicy is an account-level policy.
type AccountPolicy struct {
	PolicyName        string     `json:"policyName,omitempty"`
	PolicyDocument    string     `json:"policyDocument,omitempty"`
	LastUpdatedTime   int64      `json:"lastUpdatedTime,omitempty"`
	PolicyType        PolicyType `json:"policyType,omitempty"`
	Scope             Scope      `json:"scope,omitempty"`
	SelectionCriteria string     `json:"selectionCriteria,omitempty"`
	AccountID         string     `json:"accountId,omitempty"`
}

// PutAccountPolicyInput is the input of PutAccountPolicy.
type PutAccountPolicyInput struct {
	PolicyName        string     `json:"policyName"`
	PolicyDocument    string     `json:"policyDocument"`
	PolicyType        PolicyType `json:"policyType"`
	Scope             Scope      `json:"scope,omitempty"`
	SelectionCriteria string     `json:"selectionCriteria,omitempty"`
}

// PutAccountPolicyOutput is the output of PutAccountPolicy.
type PutAccountPolicyOutput struct {
	AccountPolicy *AccountPolicy `json:"accountPolicy,omitempty"`
}

// DescribeAccountPoliciesInput is the input of DescribeAccountPolicies.
type DescribeAccountPoliciesInput struct {
	PolicyType         PolicyType `json:"policyType"`
	PolicyName         string     `json:"policyName,omitempty"`
	AccountIdentifiers []string   `json:"accountIdentifiers,omitempty"`
	NextToken          string     `json:"nextToken,omitempty"`
}

// DescribeAccountPoliciesOutput is the output of DescribeAccountPolicies.
type DescribeAccountPoliciesOutput struct {
	AccountPolicies []AccountPolicy `json:"accountPolicies"`
	NextToken       string          `json:"nextToken,omitempty"`
}

// DeleteAccountPolicyInput is the input of DeleteAccountPolicy.
type DeleteAccountPolicyInput struct {
	PolicyName string     `json:"policyName"`
	PolicyType PolicyType `json:"policyType"`
}

// DeleteAccountPolicyOutput is the (empty) output of DeleteAccountPolicy.
type DeleteAccountPolicyOutput struct{}

// PutDataProtectionPolicyInput is the input of PutDataProtectionPolicy.
type PutDataProtectionPolicyInput struct {
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	PolicyDocument     string `json:"policyDocument"`
}

// PutDataProtectionPolicyOutput is the output of PutDataProtectionPolicy.
type PutDataProtectionPolicyOutput struct {
	LogGroupIdentifier string `json:"logGroupIdentifier,omitempty"`
	PolicyDocument     string `json:"policyDocument,omitempty"`
	LastUpdatedTime    int64  `json:"lastUpdatedTime,omitempty"`
}

// GetDataProtectionPolicyInput is the input of GetDataProtectionPolicy.
type GetDataProtectionPolicyInput struct {
	LogGroupIdentifier string `json:"logGroupIdentifier"`
}

// GetDataProtectionPolicyOutput is the output of GetDataProtectionPolicy;
// the document is empty for a group without a policy.
type GetDataProtectionPolicyOutput struct {
	LogGroupIdentifier string `json:"logGroupIdentifier,omitempty"`
	PolicyDocument     string `json:"policyDocument,omitempty"`
	LastUpdatedTime    int64  `json:"lastUpdatedTime,omitempty"`
}

// DeleteDataProtectionPolicyInput is the input of DeleteDataProtectionPolicy.
type DeleteDataProtectionPolicyInput struct {
	LogGroupIdentifier string `json:"logGroupIdentifier"`
}

// DeleteDataProtectionPolicyOutput is the (empty) output of
// DeleteDataProtectionPolicy.
type DeleteDataProtectionPolicyOutput struct{}
