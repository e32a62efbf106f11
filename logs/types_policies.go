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

// StartLiveTailInput is the input of StartLiveTail.
type StartLiveTailInput struct {
	// LogGroupIdentifiers are 1 to 10 log group ARNs (or names); an ARN may
	// not end with *.
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	// LogStreamNames (1-100) or LogStreamNamePrefixes (1-100), not both,
	// narrow a session of one log group to some streams.
	LogStreamNames        []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
	// LogEventFilterPattern keeps the events that match it (filter pattern
	// syntax, at most 1,024 characters).
	LogEventFilterPattern string `json:"logEventFilterPattern,omitempty"`
}

// LiveTailEvent is one event of a Live Tail session's stream: the session
// start first, then one update a second.
type LiveTailEvent struct {
	SessionStart  *LiveTailSessionStart  `json:"sessionStart,omitempty"`
	SessionUpdate *LiveTailSessionUpdate `json:"sessionUpdate,omitempty"`
}

// LiveTailSessionStart describes a session as it starts.
type LiveTailSessionStart struct {
	RequestID             string   `json:"requestId,omitempty"`
	SessionID             string   `json:"sessionId,omitempty"`
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers,omitempty"`
	LogStreamNames        []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
	LogEventFilterPattern string   `json:"logEventFilterPattern,omitempty"`
}

// LiveTailSessionUpdate is one second's matching events, at most 500.
type LiveTailSessionUpdate struct {
	SessionMetadata *LiveTailSessionMetadata  `json:"sessionMetadata,omitempty"`
	SessionResults  []LiveTailSessionLogEvent `json:"sessionResults"`
}

// LiveTailSessionMetadata says whether an update was sampled.
type LiveTailSessionMetadata struct {
	// Sampled is true when more than 500 events matched in the second and
	// the update holds 500 of them.
	Sampled *bool `json:"sampled,omitempty"`
}

// LiveTailSessionLogEvent is one event of a Live Tail update.
type LiveTailSessionLogEvent struct {
	LogStreamName      string `json:"logStreamName,omitempty"`
	LogGroupIdentifier string `json:"logGroupIdentifier,omitempty"`
	Message            string `json:"message,omitempty"`
	Timestamp          int64  `json:"timestamp,omitempty"`
	IngestionTime      int64  `json:"ingestionTime,omitempty"`
}
