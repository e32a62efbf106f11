package insightrules

import "time"

// RuleState is whether a rule analyses the events ingested now.
type RuleState string

// The states of a rule.
const (
	StateEnabled  RuleState = "ENABLED"
	StateDisabled RuleState = "DISABLED"
)

// Tag is a key and value attached to a rule.
type Tag struct {
	Key   string
	Value string
}

// InsightRule is one Contributor Insights rule as DescribeInsightRules lists
// it.
type InsightRule struct {
	// Name is the rule's name.
	Name string
	// State is ENABLED or DISABLED.
	State RuleState
	// Schema is `{"Name": "CloudWatchLogRule", "Version": 1}` for the rules
	// users write, `{"Name": "ServiceLogRule", "Version": 1}` for managed rules.
	Schema string
	// Definition is the rule body, as given to PutInsightRule.
	Definition string
	// ManagedRule is true for a rule created by PutManagedInsightRules.
	ManagedRule *bool
	// ApplyOnTransformedLogs is whether the rule reads the transformed events
	// of log groups with a transformer (stored; localwatch has no transformers,
	// so it reads the events as ingested either way).
	ApplyOnTransformedLogs *bool
}

// PutInsightRuleInput is the input of PutInsightRule.
type PutInsightRuleInput struct {
	// RuleName is 1-128 printable ASCII characters.
	RuleName string
	// RuleState is ENABLED (default) or DISABLED.
	RuleState RuleState
	// RuleDefinition is the rule body in Contributor Insights rule syntax
	// (JSON, at most 8,192 ASCII characters).
	RuleDefinition string
	// Tags are set when the rule is created (ignored on an update, as AWS
	// does: use TagResource).
	Tags []Tag
	// ApplyOnTransformedLogs is stored and described.
	ApplyOnTransformedLogs *bool
}

// PutInsightRuleOutput is the output of PutInsightRule.
type PutInsightRuleOutput struct{}

// DescribeInsightRulesInput is the input of DescribeInsightRules.
type DescribeInsightRulesInput struct {
	NextToken string
	// MaxResults is 1-500 (default 500).
	MaxResults *int32
}

// DescribeInsightRulesOutput is the output of DescribeInsightRules.
type DescribeInsightRulesOutput struct {
	InsightRules []InsightRule
	NextToken    string
}

// EnableInsightRulesInput is the input of EnableInsightRules.
type EnableInsightRulesInput struct {
	RuleNames []string
}

// EnableInsightRulesOutput is the output of EnableInsightRules: the names
// that could not be enabled.
type EnableInsightRulesOutput struct {
	Failures []PartialFailure
}

// DisableInsightRulesInput is the input of DisableInsightRules.
type DisableInsightRulesInput struct {
	RuleNames []string
}

// DisableInsightRulesOutput is the output of DisableInsightRules.
type DisableInsightRulesOutput struct {
	Failures []PartialFailure
}

// DeleteInsightRulesInput is the input of DeleteInsightRules.
type DeleteInsightRulesInput struct {
	RuleNames []string
}

// DeleteInsightRulesOutput is the output of DeleteInsightRules.
type DeleteInsightRulesOutput struct {
	Failures []PartialFailure
}

// PartialFailure is one rule a batch operation could not act on.
type PartialFailure struct {
	FailureResource    string
	ExceptionType      string
	FailureCode        string
	FailureDescription string
}

// Report metrics: the statistics GetInsightRuleReport can add to each data
// point (its Metrics member).
const (
	MetricUniqueContributors  = "UniqueContributors"
	MetricMaxContributorValue = "MaxContributorValue"
	MetricSampleCount         = "SampleCount"
	MetricSum                 = "Sum"
	MetricMinimum             = "Minimum"
	MetricMaximum             = "Maximum"
	MetricAverage             = "Average"
)

// GetInsightRuleReportInput is the input of GetInsightRuleReport.
type GetInsightRuleReportInput struct {
	RuleName string
	// StartTime and EndTime bound the events read, by their timestamps:
	// [StartTime, EndTime).
	StartTime time.Time
	EndTime   time.Time
	// Period is the length of each data point, in seconds (at least 1).
	Period int32
	// MaxContributorCount is 1-100 (default 10).
	MaxContributorCount *int32
	// Metrics are the statistics each MetricDatapoints entry carries (see
	// the Metric constants); none means no MetricDatapoints.
	Metrics []string
	// OrderBy ranks the contributors: Sum (default), their aggregate over the
	// whole report, or Maximum, their largest value in one period.
	OrderBy string
}

// GetInsightRuleReportOutput is the output of GetInsightRuleReport.
type GetInsightRuleReportOutput struct {
	// KeyLabels are the rule's Keys, in order.
	KeyLabels []string
	// AggregationStatistic is the rule's AggregateOn: Sum or Count.
	AggregationStatistic string
	// AggregateValue is the sum of the values of every contributor.
	AggregateValue *float64
	// ApproximateUniqueCount is the number of distinct contributors.
	ApproximateUniqueCount *int64
	// Contributors are the top MaxContributorCount contributors, best first.
	Contributors []InsightRuleContributor
	// MetricDatapoints hold the requested Metrics per period with data.
	MetricDatapoints []InsightRuleMetricDatapoint
}

// InsightRuleContributor is one unique combination of key values.
type InsightRuleContributor struct {
	Keys                      []string
	ApproximateAggregateValue float64
	// Datapoints are the periods in which the contributor appeared.
	Datapoints []InsightRuleContributorDatapoint
}

// InsightRuleContributorDatapoint is a contributor's value in one period.
type InsightRuleContributorDatapoint struct {
	Timestamp        time.Time
	ApproximateValue float64
}

// InsightRuleMetricDatapoint is one period's statistics over every
// contributor; only the requested Metrics are set.
type InsightRuleMetricDatapoint struct {
	Timestamp           time.Time
	UniqueContributors  *float64
	MaxContributorValue *float64
	SampleCount         *float64
	Average             *float64
	Sum                 *float64
	Minimum             *float64
	Maximum             *float64
}

// ListManagedInsightRulesInput is the input of ListManagedInsightRules.
type ListManagedInsightRulesInput struct {
	// ResourceARN is the AWS resource whose managed rule templates to list.
	ResourceARN string
	NextToken   string
	// MaxResults is 1-500 (default 100).
	MaxResults *int32
}

// ListManagedInsightRulesOutput is the output of ListManagedInsightRules.
type ListManagedInsightRulesOutput struct {
	ManagedRules []ManagedRuleDescription
	NextToken    string
}

// ManagedRuleDescription is a managed rule template of a resource and, once
// created, the rule made from it.
type ManagedRuleDescription struct {
	TemplateName string
	ResourceARN  string
	RuleState    *ManagedRuleState
}

// ManagedRuleState names a managed rule and its state.
type ManagedRuleState struct {
	RuleName string
	State    RuleState
}

// PutManagedInsightRulesInput is the input of PutManagedInsightRules.
type PutManagedInsightRulesInput struct {
	ManagedRules []ManagedRule
}

// ManagedRule asks for the rule of a template on a resource.
type ManagedRule struct {
	TemplateName string
	ResourceARN  string
	// Tags are up to 50.
	Tags []Tag
}

// PutManagedInsightRulesOutput is the output of PutManagedInsightRules.
type PutManagedInsightRulesOutput struct {
	Failures []PartialFailure
}
