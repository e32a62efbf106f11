package config

import "time"

// The Inputs and Outputs of the rule and compliance operations, and the
// types they hold.

// GetComplianceDetailsByResourceInput is the input of GetComplianceDetailsByResource.
type GetComplianceDetailsByResourceInput struct {
	ResourceType    string           `json:"ResourceType"`
	ResourceID      string           `json:"ResourceId"`
	ComplianceTypes []ComplianceType `json:"ComplianceTypes,omitempty"`
	NextToken       string           `json:"NextToken,omitempty"`
}

// GetComplianceDetailsByResourceOutput lists the resource's evaluation results.
type GetComplianceDetailsByResourceOutput struct {
	EvaluationResults []EvaluationResult `json:"EvaluationResults"`
	NextToken         string             `json:"NextToken,omitempty"`
}

// ComplianceByResource is one resource's compliance with the rules that
// evaluate it.
type ComplianceByResource struct {
	ResourceType string      `json:"ResourceType"`
	ResourceID   string      `json:"ResourceId"`
	Compliance   *Compliance `json:"Compliance"`
}

// DescribeComplianceByResourceInput is the input of DescribeComplianceByResource.
type DescribeComplianceByResourceInput struct {
	ResourceType    string           `json:"ResourceType,omitempty"`
	ResourceID      string           `json:"ResourceId,omitempty"`
	ComplianceTypes []ComplianceType `json:"ComplianceTypes,omitempty"`
	Limit           *int32           `json:"Limit,omitempty"`
	NextToken       string           `json:"NextToken,omitempty"`
}

// DescribeComplianceByResourceOutput is a page of resource compliance.
type DescribeComplianceByResourceOutput struct {
	ComplianceByResources []ComplianceByResource `json:"ComplianceByResources"`
	NextToken             string                 `json:"NextToken,omitempty"`
}

// ConfigRule is an AWS Config rule.
type ConfigRule struct {
	ConfigRuleName            string                    `json:"ConfigRuleName"`
	ConfigRuleArn             string                    `json:"ConfigRuleArn,omitempty"`
	ConfigRuleID              string                    `json:"ConfigRuleId,omitempty"`
	Description               string                    `json:"Description,omitempty"`
	Scope                     *Scope                    `json:"Scope,omitempty"`
	Source                    *Source                   `json:"Source"`
	InputParameters           string                    `json:"InputParameters,omitempty"`
	MaximumExecutionFrequency MaximumExecutionFrequency `json:"MaximumExecutionFrequency,omitempty"`
	ConfigRuleState           ConfigRuleState           `json:"ConfigRuleState,omitempty"`
	CreatedBy                 string                    `json:"CreatedBy,omitempty"`
}

// Scope limits the resources whose changes trigger a rule.
type Scope struct {
	ComplianceResourceTypes []string `json:"ComplianceResourceTypes,omitempty"`
	TagKey                  string   `json:"TagKey,omitempty"`
	TagValue                string   `json:"TagValue,omitempty"`
	ComplianceResourceID    string   `json:"ComplianceResourceId,omitempty"`
}

// Source is the owner and identifier of a rule's logic and its triggers.
type Source struct {
	Owner            Owner          `json:"Owner"`
	SourceIdentifier string         `json:"SourceIdentifier,omitempty"`
	SourceDetails    []SourceDetail `json:"SourceDetails,omitempty"`
}

// SourceDetail is one trigger of a custom rule.
type SourceDetail struct {
	EventSource               string                    `json:"EventSource,omitempty"` // "aws.config"
	MessageType               string                    `json:"MessageType,omitempty"`
	MaximumExecutionFrequency MaximumExecutionFrequency `json:"MaximumExecutionFrequency,omitempty"`
}

// Evaluation is a rule's verdict on one resource (PutEvaluations).
type Evaluation struct {
	ComplianceResourceType string         `json:"ComplianceResourceType"`
	ComplianceResourceID   string         `json:"ComplianceResourceId"`
	ComplianceType         ComplianceType `json:"ComplianceType"`
	Annotation             string         `json:"Annotation,omitempty"`
	OrderingTimestamp      time.Time      `json:"OrderingTimestamp"`
}

// EvaluationResultQualifier names the rule and resource of a result.
type EvaluationResultQualifier struct {
	ConfigRuleName string `json:"ConfigRuleName"`
	ResourceType   string `json:"ResourceType"`
	ResourceID     string `json:"ResourceId"`
}

// EvaluationResultIdentifier identifies a result.
type EvaluationResultIdentifier struct {
	EvaluationResultQualifier EvaluationResultQualifier `json:"EvaluationResultQualifier"`
	OrderingTimestamp         time.Time                 `json:"OrderingTimestamp"`
}

// EvaluationResult is the stored result of a rule for a resource.
type EvaluationResult struct {
	EvaluationResultIdentifier EvaluationResultIdentifier `json:"EvaluationResultIdentifier"`
	ComplianceType             ComplianceType             `json:"ComplianceType"`
	ResultRecordedTime         time.Time                  `json:"ResultRecordedTime"`
	ConfigRuleInvokedTime      time.Time                  `json:"ConfigRuleInvokedTime"`
	Annotation                 string                     `json:"Annotation,omitempty"`
	ResultToken                string                     `json:"ResultToken,omitempty"`
}

// PutConfigRuleInput is the input of PutConfigRule.
type PutConfigRuleInput struct {
	ConfigRule ConfigRule `json:"ConfigRule"`
}

// PutConfigRuleOutput is empty.
type PutConfigRuleOutput struct{}

// DescribeConfigRulesInput is the input of DescribeConfigRules.
type DescribeConfigRulesInput struct {
	ConfigRuleNames []string `json:"ConfigRuleNames,omitempty"`
	NextToken       string   `json:"NextToken,omitempty"`
}

// DescribeConfigRulesOutput is a page of rules.
type DescribeConfigRulesOutput struct {
	ConfigRules []ConfigRule `json:"ConfigRules"`
	NextToken   string       `json:"NextToken,omitempty"`
}

// DeleteConfigRuleInput names the rule to delete.
type DeleteConfigRuleInput struct {
	ConfigRuleName string `json:"ConfigRuleName"`
}

// DeleteConfigRuleOutput is empty.
type DeleteConfigRuleOutput struct{}

// StartConfigRulesEvaluationInput names 1 to 25 rules.
type StartConfigRulesEvaluationInput struct {
	ConfigRuleNames []string `json:"ConfigRuleNames"`
}

// StartConfigRulesEvaluationOutput is empty.
type StartConfigRulesEvaluationOutput struct{}

// ConfigRuleEvaluationStatus is what DescribeConfigRuleEvaluationStatus
// reports for a rule: when it was activated and last invoked, and its last
// error (for a custom rule, the error its function returned or its invalid
// evaluations).
type ConfigRuleEvaluationStatus struct {
	ConfigRuleName               string     `json:"ConfigRuleName"`
	ConfigRuleArn                string     `json:"ConfigRuleArn"`
	ConfigRuleID                 string     `json:"ConfigRuleId"`
	LastSuccessfulInvocationTime *time.Time `json:"LastSuccessfulInvocationTime,omitempty"`
	LastFailedInvocationTime     *time.Time `json:"LastFailedInvocationTime,omitempty"`
	LastSuccessfulEvaluationTime *time.Time `json:"LastSuccessfulEvaluationTime,omitempty"`
	LastFailedEvaluationTime     *time.Time `json:"LastFailedEvaluationTime,omitempty"`
	FirstActivatedTime           *time.Time `json:"FirstActivatedTime,omitempty"`
	LastErrorCode                string     `json:"LastErrorCode,omitempty"`
	LastErrorMessage             string     `json:"LastErrorMessage,omitempty"`
	FirstEvaluationStarted       bool       `json:"FirstEvaluationStarted"`
}

// DescribeConfigRuleEvaluationStatusInput is the input of DescribeConfigRuleEvaluationStatus.
type DescribeConfigRuleEvaluationStatusInput struct {
	ConfigRuleNames []string `json:"ConfigRuleNames,omitempty"`
	// Limit is the page size, 0 to 50 (absent or 0: 25).
	Limit     *int32 `json:"Limit,omitempty"`
	NextToken string `json:"NextToken,omitempty"`
}

// DescribeConfigRuleEvaluationStatusOutput is a page of rule statuses.
type DescribeConfigRuleEvaluationStatusOutput struct {
	ConfigRulesEvaluationStatus []ConfigRuleEvaluationStatus `json:"ConfigRulesEvaluationStatus"`
	NextToken                   string                       `json:"NextToken,omitempty"`
}

// PutEvaluationsInput is the input of PutEvaluations.
type PutEvaluationsInput struct {
	Evaluations []Evaluation `json:"Evaluations,omitempty"`
	ResultToken string       `json:"ResultToken"`
	TestMode    *bool        `json:"TestMode,omitempty"`
}

// PutEvaluationsOutput lists evaluations that failed (none: the request
// succeeds or fails as a whole).
type PutEvaluationsOutput struct {
	FailedEvaluations []Evaluation `json:"FailedEvaluations"`
}

// ComplianceContributorCount counts the non-compliant resources (capped at 100).
type ComplianceContributorCount struct {
	CappedCount int  `json:"CappedCount"`
	CapExceeded bool `json:"CapExceeded"`
}

// Compliance is a rule's overall compliance.
type Compliance struct {
	ComplianceType             ComplianceType              `json:"ComplianceType"`
	ComplianceContributorCount *ComplianceContributorCount `json:"ComplianceContributorCount,omitempty"`
}

// ComplianceByConfigRule is one rule's compliance.
type ComplianceByConfigRule struct {
	ConfigRuleName string      `json:"ConfigRuleName"`
	Compliance     *Compliance `json:"Compliance"`
}

// DescribeComplianceByConfigRuleInput is the input of DescribeComplianceByConfigRule.
type DescribeComplianceByConfigRuleInput struct {
	ConfigRuleNames []string         `json:"ConfigRuleNames,omitempty"`
	ComplianceTypes []ComplianceType `json:"ComplianceTypes,omitempty"`
	NextToken       string           `json:"NextToken,omitempty"`
}

// DescribeComplianceByConfigRuleOutput is a page of rule compliance.
type DescribeComplianceByConfigRuleOutput struct {
	ComplianceByConfigRules []ComplianceByConfigRule `json:"ComplianceByConfigRules"`
	NextToken               string                   `json:"NextToken,omitempty"`
}

// GetComplianceDetailsByConfigRuleInput is the input of GetComplianceDetailsByConfigRule.
type GetComplianceDetailsByConfigRuleInput struct {
	ConfigRuleName  string           `json:"ConfigRuleName"`
	ComplianceTypes []ComplianceType `json:"ComplianceTypes,omitempty"`
	Limit           *int32           `json:"Limit,omitempty"`
	NextToken       string           `json:"NextToken,omitempty"`
}

// GetComplianceDetailsByConfigRuleOutput is a page of evaluation results.
type GetComplianceDetailsByConfigRuleOutput struct {
	EvaluationResults []EvaluationResult `json:"EvaluationResults"`
	NextToken         string             `json:"NextToken,omitempty"`
}
