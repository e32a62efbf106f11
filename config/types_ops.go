package config

import "time"

// The Inputs and Outputs of the recorder, delivery channel, query,
// inventory and tagging operations, and the types they hold.

// ListConfigurationRecordersInput is the input of ListConfigurationRecorders.
// Filters are accepted and ignored: the one recorder is customer managed.
type ListConfigurationRecordersInput struct {
	MaxResults *int32 `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// ConfigurationRecorderSummary is one recorder in ListConfigurationRecorders.
type ConfigurationRecorderSummary struct {
	ARN            string `json:"arn"`
	Name           string `json:"name"`
	RecordingScope string `json:"recordingScope"`
}

// ListConfigurationRecordersOutput lists the recorders.
type ListConfigurationRecordersOutput struct {
	ConfigurationRecorderSummaries []ConfigurationRecorderSummary `json:"ConfigurationRecorderSummaries"`
	NextToken                      string                         `json:"NextToken,omitempty"`
}

// GetDiscoveredResourceCountsInput is the input of GetDiscoveredResourceCounts.
type GetDiscoveredResourceCountsInput struct {
	ResourceTypes []string `json:"resourceTypes,omitempty"`
	Limit         *int32   `json:"limit,omitempty"`
	NextToken     string   `json:"nextToken,omitempty"`
}

// ResourceCount is the number of discovered resources of one type.
type ResourceCount struct {
	ResourceType string `json:"resourceType"`
	Count        int64  `json:"count"`
}

// GetDiscoveredResourceCountsOutput is a page of counts.
type GetDiscoveredResourceCountsOutput struct {
	TotalDiscoveredResources int64           `json:"totalDiscoveredResources"`
	ResourceCounts           []ResourceCount `json:"resourceCounts"`
	NextToken                string          `json:"nextToken,omitempty"`
}

// ComplianceSummary counts compliant and non-compliant rules or resources
// (each count capped at 100, as AWS caps it).
type ComplianceSummary struct {
	CompliantResourceCount     *ComplianceContributorCount `json:"CompliantResourceCount"`
	NonCompliantResourceCount  *ComplianceContributorCount `json:"NonCompliantResourceCount"`
	ComplianceSummaryTimestamp time.Time                   `json:"ComplianceSummaryTimestamp"`
}

// GetComplianceSummaryByConfigRuleInput is the (empty) input of
// GetComplianceSummaryByConfigRule.
type GetComplianceSummaryByConfigRuleInput struct{}

// GetComplianceSummaryByConfigRuleOutput holds the rules' summary.
type GetComplianceSummaryByConfigRuleOutput struct {
	ComplianceSummary ComplianceSummary `json:"ComplianceSummary"`
}

// GetComplianceSummaryByResourceTypeInput names up to 100 types (none: all).
type GetComplianceSummaryByResourceTypeInput struct {
	ResourceTypes []string `json:"ResourceTypes,omitempty"`
}

// ComplianceSummaryByResourceType is the summary of one type ("" for all).
type ComplianceSummaryByResourceType struct {
	ResourceType      string            `json:"ResourceType,omitempty"`
	ComplianceSummary ComplianceSummary `json:"ComplianceSummary"`
}

// GetComplianceSummaryByResourceTypeOutput holds the summaries.
type GetComplianceSummaryByResourceTypeOutput struct {
	ComplianceSummariesByResourceType []ComplianceSummaryByResourceType `json:"ComplianceSummariesByResourceType"`
}

// Tag is a tag of a Config resource (a rule).
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// TagResourceInput tags the Config resource ResourceArn (a rule's ARN).
type TagResourceInput struct {
	ResourceArn string `json:"ResourceArn"`
	Tags        []Tag  `json:"Tags"`
}

// UntagResourceInput removes tags.
type UntagResourceInput struct {
	ResourceArn string   `json:"ResourceArn"`
	TagKeys     []string `json:"TagKeys"`
}

// TagResourceOutput is the (empty) TagResource response.
type TagResourceOutput struct{}

// UntagResourceOutput is the (empty) UntagResource response.
type UntagResourceOutput struct{}

// ListTagsForResourceInput lists a resource's tags.
type ListTagsForResourceInput struct {
	ResourceArn string `json:"ResourceArn"`
	Limit       *int32 `json:"Limit,omitempty"`
	NextToken   string `json:"NextToken,omitempty"`
}

// ListTagsForResourceOutput is the tags, sorted by key.
type ListTagsForResourceOutput struct {
	Tags      []Tag  `json:"Tags"`
	NextToken string `json:"NextToken,omitempty"`
}

// PutExternalEvaluationInput records an evaluation made outside Config.
type PutExternalEvaluationInput struct {
	ConfigRuleName     string     `json:"ConfigRuleName"`
	ExternalEvaluation Evaluation `json:"ExternalEvaluation"`
}

// PutExternalEvaluationOutput is empty.
type PutExternalEvaluationOutput struct{}

// RemediationConfiguration is the remediation action of a rule (stored and
// described; localwatch runs no remediation).
type RemediationConfiguration struct {
	ConfigRuleName           string         `json:"ConfigRuleName"`
	TargetType               string         `json:"TargetType"` // SSM_DOCUMENT
	TargetID                 string         `json:"TargetId"`
	TargetVersion            string         `json:"TargetVersion,omitempty"`
	Parameters               map[string]any `json:"Parameters,omitempty"`
	ResourceType             string         `json:"ResourceType,omitempty"`
	Automatic                bool           `json:"Automatic,omitempty"`
	ExecutionControls        map[string]any `json:"ExecutionControls,omitempty"`
	MaximumAutomaticAttempts int            `json:"MaximumAutomaticAttempts,omitempty"`
	RetryAttemptSeconds      int64          `json:"RetryAttemptSeconds,omitempty"`
	ARN                      string         `json:"Arn,omitempty"`
}

// PutRemediationConfigurationsInput holds 1 to 25 configurations.
type PutRemediationConfigurationsInput struct {
	RemediationConfigurations []RemediationConfiguration `json:"RemediationConfigurations"`
}

// FailedRemediationBatch lists configurations that were not stored.
type FailedRemediationBatch struct {
	FailureMessage string                     `json:"FailureMessage"`
	FailedItems    []RemediationConfiguration `json:"FailedItems"`
}

// PutRemediationConfigurationsOutput lists the failures (none here: a bad
// configuration fails the whole request, which changes nothing).
type PutRemediationConfigurationsOutput struct {
	FailedBatches []FailedRemediationBatch `json:"FailedBatches"`
}

// DescribeRemediationConfigurationsInput names 0 to 25 rules.
type DescribeRemediationConfigurationsInput struct {
	ConfigRuleNames []string `json:"ConfigRuleNames"`
}

// DescribeRemediationConfigurationsOutput holds the configurations found.
type DescribeRemediationConfigurationsOutput struct {
	RemediationConfigurations []RemediationConfiguration `json:"RemediationConfigurations"`
}

// DeleteRemediationConfigurationInput names the rule.
type DeleteRemediationConfigurationInput struct {
	ConfigRuleName string `json:"ConfigRuleName"`
	ResourceType   string `json:"ResourceType,omitempty"`
}

// DeleteRemediationConfigurationOutput is empty.
type DeleteRemediationConfigurationOutput struct{}

// PutResourceConfigInput is the input of PutResourceConfig.
type PutResourceConfigInput struct {
	ResourceType    string            `json:"ResourceType"`
	SchemaVersionID string            `json:"SchemaVersionId"`
	ResourceID      string            `json:"ResourceId"`
	ResourceName    string            `json:"ResourceName,omitempty"`
	Configuration   string            `json:"Configuration"`
	Tags            map[string]string `json:"Tags,omitempty"`
}

// PutResourceConfigOutput is empty.
type PutResourceConfigOutput struct{}

// DeleteResourceConfigInput is the input of DeleteResourceConfig.
type DeleteResourceConfigInput struct {
	ResourceType string `json:"ResourceType"`
	ResourceID   string `json:"ResourceId"`
}

// DeleteResourceConfigOutput is empty.
type DeleteResourceConfigOutput struct{}

// GetResourceConfigHistoryInput is the input of GetResourceConfigHistory.
type GetResourceConfigHistoryInput struct {
	ResourceType       string             `json:"resourceType"`
	ResourceID         string             `json:"resourceId"`
	LaterTime          *time.Time         `json:"laterTime,omitempty"`
	EarlierTime        *time.Time         `json:"earlierTime,omitempty"`
	ChronologicalOrder ChronologicalOrder `json:"chronologicalOrder,omitempty"`
	Limit              *int32             `json:"limit,omitempty"`
	NextToken          string             `json:"nextToken,omitempty"`
}

// GetResourceConfigHistoryOutput is a page of configuration items.
type GetResourceConfigHistoryOutput struct {
	ConfigurationItems []ConfigurationItem `json:"configurationItems"`
	NextToken          string              `json:"nextToken,omitempty"`
}

// BatchGetResourceConfigInput lists 1 to 100 resource keys.
type BatchGetResourceConfigInput struct {
	ResourceKeys []ResourceKey `json:"resourceKeys"`
}

// BatchGetResourceConfigOutput holds the current items and the keys not
// processed (always empty here: every request is processed in full).
type BatchGetResourceConfigOutput struct {
	BaseConfigurationItems  []BaseConfigurationItem `json:"baseConfigurationItems"`
	UnprocessedResourceKeys []ResourceKey           `json:"unprocessedResourceKeys"`
}

// ListDiscoveredResourcesInput is the input of ListDiscoveredResources.
type ListDiscoveredResourcesInput struct {
	ResourceType            string   `json:"resourceType"`
	ResourceIDs             []string `json:"resourceIds,omitempty"`
	ResourceName            string   `json:"resourceName,omitempty"`
	Limit                   *int32   `json:"limit,omitempty"`
	IncludeDeletedResources *bool    `json:"includeDeletedResources,omitempty"`
	NextToken               string   `json:"nextToken,omitempty"`
}

// ListDiscoveredResourcesOutput is a page of resource identifiers.
type ListDiscoveredResourcesOutput struct {
	ResourceIdentifiers []ResourceIdentifier `json:"resourceIdentifiers"`
	NextToken           string               `json:"nextToken,omitempty"`
}

// ImpactInput asks what a change to a resource would touch.
type ImpactInput struct {
	ResourceType string
	ResourceID   string
	// At is the instant whose relationships to follow (zero: now).
	At time.Time
	// MaxDepth bounds the walk (0: unlimited); 1 gives the direct relations.
	MaxDepth int
}

// ImpactedResource is a resource reachable from the changed one.
type ImpactedResource struct {
	ResourceType string
	ResourceID   string
	ResourceName string
	// Depth is the number of relationships from the changed resource.
	Depth int
	// Path is the chain of relationships that reaches it, starting at the
	// changed resource (each entry names the next resource and how the
	// previous one relates to it).
	Path []Relationship
	// Status is the status of its item at the instant (ResourceNotRecorded,
	// ..., or "" if Config never recorded the resource).
	Status ConfigurationItemStatus
}

// ImpactOutput lists the reachable resources in breadth-first order (by
// depth, then type and ID).
type ImpactOutput struct {
	Resources []ImpactedResource
}

// SelectResourceConfigInput is an AWS Config advanced query.
type SelectResourceConfigInput struct {
	Expression string `json:"Expression"`
	Limit      *int32 `json:"Limit,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// FieldInfo names a selected field.
type FieldInfo struct {
	Name string `json:"Name"`
}

// QueryInfo describes the query's columns.
type QueryInfo struct {
	SelectFields []FieldInfo `json:"SelectFields"`
}

// SelectResourceConfigOutput is a page of results, each a JSON document
// holding the selected fields.
type SelectResourceConfigOutput struct {
	Results   []string   `json:"Results"`
	QueryInfo *QueryInfo `json:"QueryInfo"`
	NextToken string     `json:"NextToken,omitempty"`
}

// PutConfigurationRecorderInput is the input of PutConfigurationRecorder.
type PutConfigurationRecorderInput struct {
	ConfigurationRecorder ConfigurationRecorder `json:"ConfigurationRecorder"`
}

// PutConfigurationRecorderOutput is empty.
type PutConfigurationRecorderOutput struct{}

// DescribeConfigurationRecordersInput is the input of DescribeConfigurationRecorders.
type DescribeConfigurationRecordersInput struct {
	ConfigurationRecorderNames []string `json:"ConfigurationRecorderNames,omitempty"`
}

// DescribeConfigurationRecordersOutput lists the recorders.
type DescribeConfigurationRecordersOutput struct {
	ConfigurationRecorders []ConfigurationRecorder `json:"ConfigurationRecorders"`
}

// DescribeConfigurationRecorderStatusInput is the input of DescribeConfigurationRecorderStatus.
type DescribeConfigurationRecorderStatusInput struct {
	ConfigurationRecorderNames []string `json:"ConfigurationRecorderNames,omitempty"`
}

// DescribeConfigurationRecorderStatusOutput lists recorder statuses.
type DescribeConfigurationRecorderStatusOutput struct {
	ConfigurationRecordersStatus []ConfigurationRecorderStatus `json:"ConfigurationRecordersStatus"`
}

// StartConfigurationRecorderInput names the recorder to start.
type StartConfigurationRecorderInput struct {
	ConfigurationRecorderName string `json:"ConfigurationRecorderName"`
}

// StartConfigurationRecorderOutput is empty.
type StartConfigurationRecorderOutput struct{}

// StopConfigurationRecorderInput names the recorder to stop.
type StopConfigurationRecorderInput struct {
	ConfigurationRecorderName string `json:"ConfigurationRecorderName"`
}

// StopConfigurationRecorderOutput is empty.
type StopConfigurationRecorderOutput struct{}

// DeleteConfigurationRecorderInput names the recorder to delete.
type DeleteConfigurationRecorderInput struct {
	ConfigurationRecorderName string `json:"ConfigurationRecorderName"`
}

// DeleteConfigurationRecorderOutput is empty.
type DeleteConfigurationRecorderOutput struct{}

// PutDeliveryChannelInput is the input of PutDeliveryChannel.
type PutDeliveryChannelInput struct {
	DeliveryChannel DeliveryChannel `json:"DeliveryChannel"`
}

// PutDeliveryChannelOutput is empty.
type PutDeliveryChannelOutput struct{}

// DescribeDeliveryChannelsInput is the input of DescribeDeliveryChannels.
type DescribeDeliveryChannelsInput struct {
	DeliveryChannelNames []string `json:"DeliveryChannelNames,omitempty"`
}

// DescribeDeliveryChannelsOutput lists the delivery channels.
type DescribeDeliveryChannelsOutput struct {
	DeliveryChannels []DeliveryChannel `json:"DeliveryChannels"`
}

// DescribeDeliveryChannelStatusInput is the input of DescribeDeliveryChannelStatus.
type DescribeDeliveryChannelStatusInput struct {
	DeliveryChannelNames []string `json:"DeliveryChannelNames,omitempty"`
}

// DescribeDeliveryChannelStatusOutput lists channel statuses.
type DescribeDeliveryChannelStatusOutput struct {
	DeliveryChannelsStatus []DeliveryChannelStatus `json:"DeliveryChannelsStatus"`
}

// DeleteDeliveryChannelInput names the channel to delete.
type DeleteDeliveryChannelInput struct {
	DeliveryChannelName string `json:"DeliveryChannelName"`
}

// DeleteDeliveryChannelOutput is empty.
type DeleteDeliveryChannelOutput struct{}

// PutRetentionConfigurationInput sets the retention period (30 to 2557 days).
type PutRetentionConfigurationInput struct {
	RetentionPeriodInDays int `json:"RetentionPeriodInDays"`
}

// PutRetentionConfigurationOutput returns the configuration (named "default").
type PutRetentionConfigurationOutput struct {
	RetentionConfiguration RetentionConfiguration `json:"RetentionConfiguration"`
}

// DescribeRetentionConfigurationsInput is the input of DescribeRetentionConfigurations.
type DescribeRetentionConfigurationsInput struct {
	RetentionConfigurationNames []string `json:"RetentionConfigurationNames,omitempty"`
	// NextToken is always "": a Region has one retention configuration, so
	// there is never a second page.
	NextToken string `json:"NextToken,omitempty"`
}

// DescribeRetentionConfigurationsOutput lists retention configurations.
type DescribeRetentionConfigurationsOutput struct {
	RetentionConfigurations []RetentionConfiguration `json:"RetentionConfigurations"`
	NextToken               string                   `json:"NextToken,omitempty"`
}

// DeleteRetentionConfigurationInput names the configuration to delete.
type DeleteRetentionConfigurationInput struct {
	RetentionConfigurationName string `json:"RetentionConfigurationName"`
}

// DeleteRetentionConfigurationOutput is empty.
type DeleteRetentionConfigurationOutput struct{}

// DeliverConfigSnapshotInput names the delivery channel.
type DeliverConfigSnapshotInput struct {
	DeliveryChannelName string `json:"deliveryChannelName"`
}

// DeliverConfigSnapshotOutput carries the snapshot ID.
type DeliverConfigSnapshotOutput struct {
	ConfigSnapshotID string `json:"configSnapshotId"`
}
