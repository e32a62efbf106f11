package logs

import "github.com/localwatch/localwatch/metrics"

// Field names are AWS's; json tags carry CloudWatch Logs' camelCase member names
// so real AWS request/response JSON (aws logs ... --cli-input-json) decodes.

// LogGroupClass is a log group's class.
type LogGroupClass string

// Log group classes.
const (
	LogGroupClassStandard         LogGroupClass = "STANDARD"
	LogGroupClassInfrequentAccess LogGroupClass = "INFREQUENT_ACCESS"
	LogGroupClassDelivery         LogGroupClass = "DELIVERY"
)

// OrderBy orders DescribeLogStreams results.
type OrderBy string

// DescribeLogStreams orderings.
const (
	OrderByLogStreamName OrderBy = "LogStreamName"
	OrderByLastEventTime OrderBy = "LastEventTime"
)

// Distribution is how a subscription filter spreads events over a Kinesis
// stream's shards (recorded, not otherwise modelled).
type Distribution string

// Distributions.
const (
	DistributionRandom      Distribution = "Random"
	DistributionByLogStream Distribution = "ByLogStream"
)

// LogGroup describes a log group as DescribeLogGroups returns it.
type LogGroup struct {
	LogGroupName      string        `json:"logGroupName"`
	CreationTime      int64         `json:"creationTime"`
	RetentionInDays   *int32        `json:"retentionInDays,omitempty"`
	MetricFilterCount int32         `json:"metricFilterCount"`
	Arn               string        `json:"arn"`
	StoredBytes       int64         `json:"storedBytes"`
	KmsKeyID          string        `json:"kmsKeyId,omitempty"`
	LogGroupClass     LogGroupClass `json:"logGroupClass,omitempty"`
	LogGroupArn       string        `json:"logGroupArn"`
	// DeletionProtectionEnabled is false unless set by CreateLogGroup or
	// PutLogGroupDeletionProtection; AWS returns it on every group.
	DeletionProtectionEnabled bool `json:"deletionProtectionEnabled"`
}

// LogStream describes a log stream as DescribeLogStreams returns it. The event
// timestamps are absent until the stream has events. StoredBytes is always 0, as
// AWS now reports it (the field is deprecated).
type LogStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken,omitempty"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

// CreateLogGroupInput is the input of CreateLogGroup.
type CreateLogGroupInput struct {
	LogGroupName  string            `json:"logGroupName"`
	KmsKeyID      string            `json:"kmsKeyId,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
	LogGroupClass LogGroupClass     `json:"logGroupClass,omitempty"`
	// DeletionProtectionEnabled turns deletion protection on from the start.
	DeletionProtectionEnabled *bool `json:"deletionProtectionEnabled,omitempty"`
}

// PutLogGroupDeletionProtectionInput is the input of PutLogGroupDeletionProtection.
type PutLogGroupDeletionProtectionInput struct {
	// LogGroupIdentifier is the group's name or ARN.
	LogGroupIdentifier        string `json:"logGroupIdentifier"`
	DeletionProtectionEnabled *bool  `json:"deletionProtectionEnabled"`
}

// PutLogGroupDeletionProtectionOutput is the (empty) output of PutLogGroupDeletionProtection.
type PutLogGroupDeletionProtectionOutput struct{}

// ListLogGroupsInput is the input of ListLogGroups.
type ListLogGroupsInput struct {
	// LogGroupNamePattern is up to five alternatives separated by |, each 3-24
	// characters of a-z A-Z 0-9 . - _ / #, optionally starting with ^ (a
	// prefix; otherwise a substring).
	LogGroupNamePattern   string        `json:"logGroupNamePattern,omitempty"`
	LogGroupClass         LogGroupClass `json:"logGroupClass,omitempty"`
	IncludeLinkedAccounts *bool         `json:"includeLinkedAccounts,omitempty"`
	AccountIdentifiers    []string      `json:"accountIdentifiers,omitempty"`
	NextToken             string        `json:"nextToken,omitempty"`
	// Limit is 1-1000 (default 50).
	Limit *int32 `json:"limit,omitempty"`
}

// LogGroupSummary is one group of a ListLogGroups answer.
type LogGroupSummary struct {
	LogGroupName  string        `json:"logGroupName"`
	LogGroupArn   string        `json:"logGroupArn"`
	LogGroupClass LogGroupClass `json:"logGroupClass"`
}

// ListLogGroupsOutput is the output of ListLogGroups.
type ListLogGroupsOutput struct {
	LogGroups []LogGroupSummary `json:"logGroups"`
	NextToken string            `json:"nextToken,omitempty"`
}

// CreateLogGroupOutput is the (empty) output of CreateLogGroup.
type CreateLogGroupOutput struct{}

// DeleteLogGroupInput is the input of DeleteLogGroup.
type DeleteLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

// DeleteLogGroupOutput is the (empty) output of DeleteLogGroup.
type DeleteLogGroupOutput struct{}

// DescribeLogGroupsInput is the input of DescribeLogGroups.
type DescribeLogGroupsInput struct {
	LogGroupNamePrefix  string        `json:"logGroupNamePrefix,omitempty"`
	LogGroupNamePattern string        `json:"logGroupNamePattern,omitempty"`
	LogGroupClass       LogGroupClass `json:"logGroupClass,omitempty"`
	NextToken           string        `json:"nextToken,omitempty"`
	Limit               *int32        `json:"limit,omitempty"`
}

// DescribeLogGroupsOutput is the output of DescribeLogGroups.
type DescribeLogGroupsOutput struct {
	LogGroups []LogGroup `json:"logGroups"`
	NextToken string     `json:"nextToken,omitempty"`
}

// CreateLogStreamInput is the input of CreateLogStream.
type CreateLogStreamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

// CreateLogStreamOutput is the (empty) output of CreateLogStream.
type CreateLogStreamOutput struct{}

// DeleteLogStreamInput is the input of DeleteLogStream.
type DeleteLogStreamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

// DeleteLogStreamOutput is the (empty) output of DeleteLogStream.
type DeleteLogStreamOutput struct{}

// DescribeLogStreamsInput is the input of DescribeLogStreams. Give LogGroupName
// or LogGroupIdentifier (a name or ARN), not both.
type DescribeLogStreamsInput struct {
	LogGroupName        string  `json:"logGroupName,omitempty"`
	LogGroupIdentifier  string  `json:"logGroupIdentifier,omitempty"`
	LogStreamNamePrefix string  `json:"logStreamNamePrefix,omitempty"`
	OrderBy             OrderBy `json:"orderBy,omitempty"`
	Descending          *bool   `json:"descending,omitempty"`
	NextToken           string  `json:"nextToken,omitempty"`
	Limit               *int32  `json:"limit,omitempty"`
}

// DescribeLogStreamsOutput is the output of DescribeLogStreams.
type DescribeLogStreamsOutput struct {
	LogStreams []LogStream `json:"logStreams"`
	NextToken  string      `json:"nextToken,omitempty"`
}

// PutRetentionPolicyInput is the input of PutRetentionPolicy.
type PutRetentionPolicyInput struct {
	LogGroupName    string `json:"logGroupName"`
	RetentionInDays int32  `json:"retentionInDays"`
}

// PutRetentionPolicyOutput is the (empty) output of PutRetentionPolicy.
type PutRetentionPolicyOutput struct{}

// DeleteRetentionPolicyInput is the input of DeleteRetentionPolicy.
type DeleteRetentionPolicyInput struct {
	LogGroupName string `json:"logGroupName"`
}

// DeleteRetentionPolicyOutput is the (empty) output of DeleteRetentionPolicy.
type DeleteRetentionPolicyOutput struct{}

// TagResourceInput is the input of TagResource (ResourceArn is a log group ARN).
type TagResourceInput struct {
	ResourceArn string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

// TagResourceOutput is the (empty) output of TagResource.
type TagResourceOutput struct{}

// UntagResourceInput is the input of UntagResource.
type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

// UntagResourceOutput is the (empty) output of UntagResource.
type UntagResourceOutput struct{}

// ListTagsForResourceInput is the input of ListTagsForResource.
type ListTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

// ListTagsForResourceOutput is the output of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags map[string]string `json:"tags"`
}

// TagLogGroupInput is the input of the legacy TagLogGroup.
type TagLogGroupInput struct {
	LogGroupName string            `json:"logGroupName"`
	Tags         map[string]string `json:"tags"`
}

// TagLogGroupOutput is the (empty) output of TagLogGroup.
type TagLogGroupOutput struct{}

// UntagLogGroupInput is the input of the legacy UntagLogGroup.
type UntagLogGroupInput struct {
	LogGroupName string   `json:"logGroupName"`
	Tags         []string `json:"tags"`
}

// UntagLogGroupOutput is the (empty) output of UntagLogGroup.
type UntagLogGroupOutput struct{}

// ListTagsLogGroupInput is the input of the legacy ListTagsLogGroup.
type ListTagsLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

// ListTagsLogGroupOutput is the output of ListTagsLogGroup.
type ListTagsLogGroupOutput struct {
	Tags map[string]string `json:"tags"`
}

// InputLogEvent is one event of a PutLogEvents batch: a timestamp in
// milliseconds since the epoch and a UTF-8 message.
type InputLogEvent struct {
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

// PutLogEventsInput is the input of PutLogEvents. SequenceToken is ignored, as
// AWS now ignores it.
type PutLogEventsInput struct {
	LogGroupName  string          `json:"logGroupName"`
	LogStreamName string          `json:"logStreamName"`
	LogEvents     []InputLogEvent `json:"logEvents"`
	SequenceToken string          `json:"sequenceToken,omitempty"`
}

// RejectedLogEventsInfo reports the events of a batch that were not stored.
// Indexes are into the batch; because a batch is in chronological order, too-new
// events are a suffix and too-old/expired events a prefix. The start index is
// inclusive and the end indexes exclusive (one past the last rejected event), as
// the API Reference says of tooOldLogEventEndIndex; expiredLogEventEndIndex,
// which AWS does not describe, is read the same way.
type RejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int32 `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int32 `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int32 `json:"expiredLogEventEndIndex,omitempty"`
}

// PutLogEventsOutput is the output of PutLogEvents.
type PutLogEventsOutput struct {
	NextSequenceToken     string                 `json:"nextSequenceToken,omitempty"`
	RejectedLogEventsInfo *RejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// GetLogEventsInput is the input of GetLogEvents. StartTime is inclusive and
// EndTime exclusive. Without NextToken, StartFromHead picks the oldest (true) or
// newest (false, the default) events; with one, the token's direction rules.
type GetLogEventsInput struct {
	LogGroupName       string `json:"logGroupName,omitempty"`
	LogGroupIdentifier string `json:"logGroupIdentifier,omitempty"`
	LogStreamName      string `json:"logStreamName"`
	StartTime          *int64 `json:"startTime,omitempty"`
	EndTime            *int64 `json:"endTime,omitempty"`
	NextToken          string `json:"nextToken,omitempty"`
	Limit              *int32 `json:"limit,omitempty"`
	StartFromHead      *bool  `json:"startFromHead,omitempty"`
	Unmask             *bool  `json:"unmask,omitempty"`
}

// OutputLogEvent is an event GetLogEvents returns.
type OutputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

// GetLogEventsOutput is the output of GetLogEvents. At the end of the stream in
// the direction read, the token passed in comes back unchanged.
type GetLogEventsOutput struct {
	Events            []OutputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

// FilterLogEventsInput is the input of FilterLogEvents. StartTime and EndTime are
// both inclusive. Give LogStreamNames or LogStreamNamePrefix, not both.
// Interleaved is deprecated and ignored: results are always interleaved.
type FilterLogEventsInput struct {
	LogGroupName        string   `json:"logGroupName,omitempty"`
	LogGroupIdentifier  string   `json:"logGroupIdentifier,omitempty"`
	LogStreamNames      []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefix string   `json:"logStreamNamePrefix,omitempty"`
	StartTime           *int64   `json:"startTime,omitempty"`
	EndTime             *int64   `json:"endTime,omitempty"`
	FilterPattern       string   `json:"filterPattern,omitempty"`
	NextToken           string   `json:"nextToken,omitempty"`
	Limit               *int32   `json:"limit,omitempty"`
	Interleaved         *bool    `json:"interleaved,omitempty"`
	Unmask              *bool    `json:"unmask,omitempty"`
}

// FilteredLogEvent is an event FilterLogEvents returns.
type FilteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

// SearchedLogStream is deprecated by AWS; FilterLogEvents leaves it empty.
type SearchedLogStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

// FilterLogEventsOutput is the output of FilterLogEvents. NextToken is empty when
// there is nothing more to read.
type FilterLogEventsOutput struct {
	Events             []FilteredLogEvent  `json:"events"`
	SearchedLogStreams []SearchedLogStream `json:"searchedLogStreams,omitempty"`
	NextToken          string              `json:"nextToken,omitempty"`
}

// MetricTransformation says which metric a metric filter publishes and with
// which value: a number, "$.field" (JSON events) or "$field" (a named field of a
// space-delimited pattern). Dimension values are field references too.
type MetricTransformation struct {
	MetricName      string               `json:"metricName"`
	MetricNamespace string               `json:"metricNamespace"`
	MetricValue     string               `json:"metricValue"`
	DefaultValue    *float64             `json:"defaultValue,omitempty"`
	Dimensions      map[string]string    `json:"dimensions,omitempty"`
	Unit            metrics.StandardUnit `json:"unit,omitempty"`
}

// PutMetricFilterInput is the input of PutMetricFilter.
type PutMetricFilterInput struct {
	LogGroupName           string                 `json:"logGroupName"`
	FilterName             string                 `json:"filterName"`
	FilterPattern          string                 `json:"filterPattern"`
	MetricTransformations  []MetricTransformation `json:"metricTransformations"`
	ApplyOnTransformedLogs *bool                  `json:"applyOnTransformedLogs,omitempty"`
}

// PutMetricFilterOutput is the (empty) output of PutMetricFilter.
type PutMetricFilterOutput struct{}

// MetricFilter describes a metric filter.
type MetricFilter struct {
	FilterName             string                 `json:"filterName"`
	FilterPattern          string                 `json:"filterPattern"`
	MetricTransformations  []MetricTransformation `json:"metricTransformations"`
	CreationTime           int64                  `json:"creationTime"`
	LogGroupName           string                 `json:"logGroupName"`
	ApplyOnTransformedLogs bool                   `json:"applyOnTransformedLogs"`
}

// DescribeMetricFiltersInput is the input of DescribeMetricFilters.
type DescribeMetricFiltersInput struct {
	LogGroupName     string `json:"logGroupName,omitempty"`
	FilterNamePrefix string `json:"filterNamePrefix,omitempty"`
	NextToken        string `json:"nextToken,omitempty"`
	Limit            *int32 `json:"limit,omitempty"`
	MetricName       string `json:"metricName,omitempty"`
	MetricNamespace  string `json:"metricNamespace,omitempty"`
}

// DescribeMetricFiltersOutput is the output of DescribeMetricFilters.
type DescribeMetricFiltersOutput struct {
	MetricFilters []MetricFilter `json:"metricFilters"`
	NextToken     string         `json:"nextToken,omitempty"`
}

// DeleteMetricFilterInput is the input of DeleteMetricFilter.
type DeleteMetricFilterInput struct {
	LogGroupName string `json:"logGroupName"`
	FilterName   string `json:"filterName"`
}

// DeleteMetricFilterOutput is the (empty) output of DeleteMetricFilter.
type DeleteMetricFilterOutput struct{}

// TestMetricFilterInput is the input of TestMetricFilter.
type TestMetricFilterInput struct {
	FilterPattern    string   `json:"filterPattern"`
	LogEventMessages []string `json:"logEventMessages"`
}

// MetricFilterMatchRecord is one matching message of TestMetricFilter:
// EventNumber is its 1-based position and ExtractedValues the space-delimited
// fields ("$1", "$name"), empty for other pattern kinds.
type MetricFilterMatchRecord struct {
	EventNumber     int64             `json:"eventNumber"`
	EventMessage    string            `json:"eventMessage"`
	ExtractedValues map[string]string `json:"extractedValues"`
}

// TestMetricFilterOutput is the output of TestMetricFilter.
type TestMetricFilterOutput struct {
	Matches []MetricFilterMatchRecord `json:"matches"`
}

// PutSubscriptionFilterInput is the input of PutSubscriptionFilter.
type PutSubscriptionFilterInput struct {
	LogGroupName           string       `json:"logGroupName"`
	FilterName             string       `json:"filterName"`
	FilterPattern          string       `json:"filterPattern"`
	DestinationArn         string       `json:"destinationArn"`
	RoleArn                string       `json:"roleArn,omitempty"`
	Distribution           Distribution `json:"distribution,omitempty"`
	ApplyOnTransformedLogs *bool        `json:"applyOnTransformedLogs,omitempty"`
}

// PutSubscriptionFilterOutput is the (empty) output of PutSubscriptionFilter.
type PutSubscriptionFilterOutput struct{}

// SubscriptionFilter describes a subscription filter.
type SubscriptionFilter struct {
	FilterName             string       `json:"filterName"`
	LogGroupName           string       `json:"logGroupName"`
	FilterPattern          string       `json:"filterPattern"`
	DestinationArn         string       `json:"destinationArn"`
	RoleArn                string       `json:"roleArn,omitempty"`
	Distribution           Distribution `json:"distribution"`
	ApplyOnTransformedLogs bool         `json:"applyOnTransformedLogs"`
	CreationTime           int64        `json:"creationTime"`
}

// DescribeSubscriptionFiltersInput is the input of DescribeSubscriptionFilters.
type DescribeSubscriptionFiltersInput struct {
	LogGroupName     string `json:"logGroupName"`
	FilterNamePrefix string `json:"filterNamePrefix,omitempty"`
	NextToken        string `json:"nextToken,omitempty"`
	Limit            *int32 `json:"limit,omitempty"`
}

// DescribeSubscriptionFiltersOutput is the output of DescribeSubscriptionFilters.
type DescribeSubscriptionFiltersOutput struct {
	SubscriptionFilters []SubscriptionFilter `json:"subscriptionFilters"`
	NextToken           string               `json:"nextToken,omitempty"`
}

// DeleteSubscriptionFilterInput is the input of DeleteSubscriptionFilter.
type DeleteSubscriptionFilterInput struct {
	LogGroupName string `json:"logGroupName"`
	FilterName   string `json:"filterName"`
}

// DeleteSubscriptionFilterOutput is the (empty) output of DeleteSubscriptionFilter.
type DeleteSubscriptionFilterOutput struct{}

// Int32 returns a pointer to v, for Limit and RetentionInDays fields.
func Int32(v int32) *int32 { return &v }

// Int64 returns a pointer to v, for StartTime and EndTime fields.
func Int64(v int64) *int64 { return &v }

// Bool returns a pointer to v, for StartFromHead and Descending fields.
func Bool(v bool) *bool { return &v }
