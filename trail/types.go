package trail

import (
	"time"

	"github.com/localwatch/localwatch/objstore"
)

// The Inputs and Outputs of the operations, and the types they hold.

// LookupAttribute is one attribute key and value to match.
type LookupAttribute struct {
	AttributeKey   LookupAttributeKey
	AttributeValue string
}

// LookupEventsInput is the LookupEvents request.
type LookupEventsInput struct {
	// LookupAttributes may hold at most one attribute.
	LookupAttributes []LookupAttribute `json:",omitempty"`
	// StartTime and EndTime are inclusive; the defaults are the oldest event
	// kept (90 days) and now.
	StartTime *time.Time `json:",omitempty"`
	EndTime   *time.Time `json:",omitempty"`
	// EventCategory may only be "insight" (Insights events, of which this
	// model has none); omitted, management events are returned.
	EventCategory string `json:",omitempty"`
	// MaxResults is 1–50 (default 50).
	MaxResults *int32 `json:",omitempty"`
	NextToken  string `json:",omitempty"`
}

// LookupEventsOutput is the LookupEvents response.
type LookupEventsOutput struct {
	Events    []Event
	NextToken string `json:",omitempty"`
}

// Event is an event-history entry as LookupEvents returns it.
type Event struct {
	EventId     string
	EventName   string
	ReadOnly    string // "true" or "false"
	AccessKeyId string `json:",omitempty"`
	EventTime   time.Time
	EventSource string
	Username    string          `json:",omitempty"`
	Resources   []EventResource `json:",omitempty"`
	// CloudTrailEvent is the full record as a JSON string.
	CloudTrailEvent string
}

// EventResource is a resource of a history event. ResourceName is the ARN the
// record lists (a LookupEvents ResourceName lookup matches it and the names
// in it, see resourceNames).
type EventResource struct {
	ResourceType string
	ResourceName string
}

// PublicKey is a digest-signing public key (ListPublicKeys).
type PublicKey struct {
	// Value is the DER-encoded PKCS #1 RSAPublicKey (base64 in JSON).
	Value             []byte
	ValidityStartTime time.Time
	ValidityEndTime   time.Time
	// Fingerprint is the lower-case hex MD5 of Value; digest files name it in
	// digestPublicKeyFingerprint.
	Fingerprint string
}

// ListPublicKeysInput is the ListPublicKeys request.
type ListPublicKeysInput struct {
	StartTime *time.Time `json:",omitempty"`
	EndTime   *time.Time `json:",omitempty"`
	NextToken string     `json:",omitempty"`
}

// ListPublicKeysOutput is the ListPublicKeys response.
type ListPublicKeysOutput struct {
	PublicKeyList []PublicKey
	NextToken     string `json:",omitempty"`
}

// EventSelector is a basic event selector.
type EventSelector struct {
	// ReadWriteType defaults to All.
	ReadWriteType ReadWriteType `json:",omitempty"`
	// IncludeManagementEvents defaults to true.
	IncludeManagementEvents *bool `json:",omitempty"`
	// DataResources select data events: Type AWS::S3::Object,
	// AWS::Lambda::Function or AWS::DynamoDB::Table.
	DataResources []DataResource `json:",omitempty"`
	// ExcludeManagementEventSources may hold kms.amazonaws.com and
	// rdsdata.amazonaws.com.
	ExcludeManagementEventSources []string `json:",omitempty"`
}

// DataResource selects data events of one resource type.
type DataResource struct {
	Type   string
	Values []string `json:",omitempty"`
}

// AdvancedEventSelector is an advanced event selector: an event matches when
// every field selector matches.
type AdvancedEventSelector struct {
	Name           string `json:",omitempty"`
	FieldSelectors []AdvancedFieldSelector
}

// AdvancedFieldSelector is one condition of an advanced event selector. The
// values of one operator are OR'ed; when several operators are given, all
// must hold.
type AdvancedFieldSelector struct {
	Field         string
	Equals        []string `json:",omitempty"`
	StartsWith    []string `json:",omitempty"`
	EndsWith      []string `json:",omitempty"`
	NotEquals     []string `json:",omitempty"`
	NotStartsWith []string `json:",omitempty"`
	NotEndsWith   []string `json:",omitempty"`
}

// RecordEventInput is an event an application records itself (see
// [Service.RecordEvent]). Zero fields get CloudTrail's defaults.
type RecordEventInput struct {
	// EventType defaults to AwsApiCall.
	EventType EventType
	// EventCategory defaults to Management (Data for an S3 object-level or
	// other data event: data events go only to trails that select them, never
	// to event history).
	EventCategory       EventCategory
	EventSource         string
	EventName           string
	ReadOnly            bool
	SourceIPAddress     string
	UserAgent           string
	ErrorCode           string
	ErrorMessage        string
	RequestParameters   any
	ResponseElements    any
	AdditionalEventData any
	ServiceEventDetails any
	Resources           []Resource
	// RequestID defaults to a new UUID for an AwsApiCall (AWS's records of
	// API calls always carry one); it is truncated to 1 KB as AWS does.
	RequestID string
	// EventID defaults to a new UUID.
	EventID string
	// UserIdentity overrides the identity from the context (for example an
	// AwsServiceEvent's {"type":"AWSService","invokedBy":...} or a failed
	// sign-in's HIDDEN_DUE_TO_SECURITY_REASONS user name).
	UserIdentity                 *UserIdentity
	VPCEndpointID                string
	SessionCredentialFromConsole bool
	TLSDetails                   *TLSDetails
	APIVersion                   string
	SharedEventID                string
}

// RecordEventOutput returns the record as written. It is the stored record:
// read it, do not modify it.
type RecordEventOutput struct {
	Record *Record
}

// AddTagsInput is the AddTags request: ResourceId is the trail's ARN.
type AddTagsInput struct {
	ResourceId string
	TagsList   []Tag
}

// AddTagsOutput is the (empty) AddTags response.
type AddTagsOutput struct{}

// RemoveTagsInput is the RemoveTags request: the keys of TagsList are removed.
type RemoveTagsInput struct {
	ResourceId string
	TagsList   []Tag
}

// RemoveTagsOutput is the (empty) RemoveTags response.
type RemoveTagsOutput struct{}

// ListTagsInput is the ListTags request: trail ARNs.
type ListTagsInput struct {
	ResourceIdList []string
	NextToken      string `json:",omitempty"`
}

// ResourceTag is one resource's tags in ListTags.
type ResourceTag struct {
	ResourceId string
	TagsList   []Tag
}

// ListTagsOutput is the ListTags response.
type ListTagsOutput struct {
	ResourceTagList []ResourceTag
	NextToken       string `json:",omitempty"`
}

// InsightSelector enables one Insights type on a trail, for management
// events (the default) and/or data events.
type InsightSelector struct {
	InsightType     InsightType
	EventCategories []EventCategory `json:",omitempty"`
}

// PutInsightSelectorsInput is the PutInsightSelectors request.
type PutInsightSelectorsInput struct {
	TrailName        string
	InsightSelectors []InsightSelector
}

// PutInsightSelectorsOutput is the PutInsightSelectors response.
type PutInsightSelectorsOutput struct {
	TrailARN         string
	InsightSelectors []InsightSelector
}

// GetInsightSelectorsInput is the GetInsightSelectors request.
type GetInsightSelectorsInput struct{ TrailName string }

// GetInsightSelectorsOutput is the GetInsightSelectors response.
type GetInsightSelectorsOutput struct {
	TrailARN         string
	InsightSelectors []InsightSelector
}

// PutResourcePolicyInput is the PutResourcePolicy request.
type PutResourcePolicyInput struct {
	ResourceArn    string
	ResourcePolicy string
}

// PutResourcePolicyOutput is the PutResourcePolicy response.
type PutResourcePolicyOutput struct {
	ResourceArn    string
	ResourcePolicy string
}

// GetResourcePolicyInput is the GetResourcePolicy request.
type GetResourcePolicyInput struct{ ResourceArn string }

// GetResourcePolicyOutput is the GetResourcePolicy response.
type GetResourcePolicyOutput struct {
	ResourceArn    string
	ResourcePolicy string
}

// DeleteResourcePolicyInput is the DeleteResourcePolicy request.
type DeleteResourcePolicyInput struct{ ResourceArn string }

// DeleteResourcePolicyOutput is the (empty) DeleteResourcePolicy response.
type DeleteResourcePolicyOutput struct{}

// Trail describes a trail (DescribeTrails, GetTrail).
type Trail struct {
	Name                       string
	S3BucketName               string
	S3KeyPrefix                string `json:",omitempty"`
	SnsTopicName               string `json:",omitempty"`
	SnsTopicARN                string `json:",omitempty"`
	IncludeGlobalServiceEvents bool
	IsMultiRegionTrail         bool
	HomeRegion                 string
	TrailARN                   string
	LogFileValidationEnabled   bool
	CloudWatchLogsLogGroupArn  string `json:",omitempty"`
	CloudWatchLogsRoleArn      string `json:",omitempty"`
	KmsKeyId                   string `json:",omitempty"`
	HasCustomEventSelectors    bool
	HasInsightSelectors        bool
	IsOrganizationTrail        bool
}

// Tag is a resource tag.
type Tag struct {
	Key   string
	Value string `json:",omitempty"`
}

// CreateTrailInput is the CreateTrail request.
type CreateTrailInput struct {
	Name         string
	S3BucketName string
	S3KeyPrefix  string `json:",omitempty"`
	// SnsTopicName is a topic name or ARN notified of every log file.
	SnsTopicName string `json:",omitempty"`
	// IncludeGlobalServiceEvents defaults to true.
	IncludeGlobalServiceEvents *bool  `json:",omitempty"`
	IsMultiRegionTrail         *bool  `json:",omitempty"`
	EnableLogFileValidation    *bool  `json:",omitempty"`
	CloudWatchLogsLogGroupArn  string `json:",omitempty"`
	CloudWatchLogsRoleArn      string `json:",omitempty"`
	KmsKeyId                   string `json:",omitempty"`
	IsOrganizationTrail        *bool  `json:",omitempty"`
	TagsList                   []Tag  `json:",omitempty"`
}

// CreateTrailOutput is the CreateTrail response (the new trail).
type CreateTrailOutput struct{ Trail }

// UpdateTrailInput is the UpdateTrail request; nil fields are unchanged and
// an empty string clears an optional field.
type UpdateTrailInput struct {
	Name                       string
	S3BucketName               *string `json:",omitempty"`
	S3KeyPrefix                *string `json:",omitempty"`
	SnsTopicName               *string `json:",omitempty"`
	IncludeGlobalServiceEvents *bool   `json:",omitempty"`
	IsMultiRegionTrail         *bool   `json:",omitempty"`
	EnableLogFileValidation    *bool   `json:",omitempty"`
	CloudWatchLogsLogGroupArn  *string `json:",omitempty"`
	CloudWatchLogsRoleArn      *string `json:",omitempty"`
	KmsKeyId                   *string `json:",omitempty"`
	IsOrganizationTrail        *bool   `json:",omitempty"`
}

// UpdateTrailOutput is the UpdateTrail response.
type UpdateTrailOutput struct{ Trail }

// DeleteTrailInput is the DeleteTrail request (Name is a name or ARN).
type DeleteTrailInput struct{ Name string }

// DeleteTrailOutput is the (empty) DeleteTrail response.
type DeleteTrailOutput struct{}

// StartLoggingInput is the StartLogging request.
type StartLoggingInput struct{ Name string }

// StartLoggingOutput is the (empty) StartLogging response.
type StartLoggingOutput struct{}

// StopLoggingInput is the StopLogging request.
type StopLoggingInput struct{ Name string }

// StopLoggingOutput is the (empty) StopLogging response.
type StopLoggingOutput struct{}

// GetTrailInput is the GetTrail request.
type GetTrailInput struct{ Name string }

// GetTrailOutput is the GetTrail response.
type GetTrailOutput struct{ Trail *Trail }

// DescribeTrailsInput is the DescribeTrails request.
type DescribeTrailsInput struct {
	// TrailNameList holds names or ARNs; empty lists every trail of the Region.
	TrailNameList []string `json:"trailNameList,omitempty"`
	// IncludeShadowTrails defaults to true.
	IncludeShadowTrails *bool `json:"includeShadowTrails,omitempty"`
}

// DescribeTrailsOutput is the DescribeTrails response.
type DescribeTrailsOutput struct {
	TrailList []Trail `json:"trailList"`
}

// TrailInfo is a ListTrails entry.
type TrailInfo struct {
	TrailARN   string
	Name       string
	HomeRegion string
}

// ListTrailsInput is the ListTrails request.
type ListTrailsInput struct {
	NextToken string `json:",omitempty"`
}

// ListTrailsOutput is the ListTrails response.
type ListTrailsOutput struct {
	Trails    []TrailInfo
	NextToken string `json:",omitempty"`
}

// GetTrailStatusInput is the GetTrailStatus request.
type GetTrailStatusInput struct{ Name string }

// GetTrailStatusOutput is the GetTrailStatus response. Times are nil when the
// thing never happened; the string fields AWS keeps for compatibility
// (LatestDeliveryAttemptTime, TimeLoggingStarted, ...) use TimeFormat.
type GetTrailStatusOutput struct {
	IsLogging                          bool
	LatestDeliveryError                string     `json:",omitempty"`
	LatestNotificationError            string     `json:",omitempty"`
	LatestDeliveryTime                 *time.Time `json:",omitempty"`
	LatestNotificationTime             *time.Time `json:",omitempty"`
	StartLoggingTime                   *time.Time `json:",omitempty"`
	StopLoggingTime                    *time.Time `json:",omitempty"`
	LatestCloudWatchLogsDeliveryError  string     `json:",omitempty"`
	LatestCloudWatchLogsDeliveryTime   *time.Time `json:",omitempty"`
	LatestDigestDeliveryTime           *time.Time `json:",omitempty"`
	LatestDigestDeliveryError          string     `json:",omitempty"`
	LatestDeliveryAttemptTime          string     `json:",omitempty"`
	LatestNotificationAttemptTime      string     `json:",omitempty"`
	LatestNotificationAttemptSucceeded string     `json:",omitempty"`
	LatestDeliveryAttemptSucceeded     string     `json:",omitempty"`
	TimeLoggingStarted                 string     `json:",omitempty"`
	TimeLoggingStopped                 string     `json:",omitempty"`
}

// PutEventSelectorsInput is the PutEventSelectors request: exactly one of
// EventSelectors and AdvancedEventSelectors.
type PutEventSelectorsInput struct {
	TrailName              string
	EventSelectors         []EventSelector         `json:",omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `json:",omitempty"`
}

// PutEventSelectorsOutput is the PutEventSelectors response.
type PutEventSelectorsOutput struct {
	TrailARN               string
	EventSelectors         []EventSelector         `json:",omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `json:",omitempty"`
}

// GetEventSelectorsInput is the GetEventSelectors request.
type GetEventSelectorsInput struct{ TrailName string }

// GetEventSelectorsOutput is the GetEventSelectors response. A trail that
// never had selectors reports the default one (all management events).
type GetEventSelectorsOutput struct {
	TrailARN               string
	EventSelectors         []EventSelector         `json:",omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `json:",omitempty"`
}

// ValidateInput configures [ValidateLogs], the equivalent of
// `aws cloudtrail validate-logs`.
type ValidateInput struct {
	// Store holds the delivered files (an objstore.Dir over a copy of the S3
	// bucket works for files AWS delivered).
	Store objstore.Store
	// TrailARN names the trail (arn:aws:cloudtrail:<home>:<account>:trail/<name>).
	TrailARN string
	// Bucket and Prefix locate the files (the trail's S3BucketName and
	// S3KeyPrefix).
	Bucket string
	Prefix string
	// AccountID defaults to the ARN's account (set it for organization
	// trails, with OrganizationID).
	AccountID      string
	OrganizationID string
	// SourceRegion is the Region whose files to validate (default: the home
	// Region), as the CLI's --region.
	SourceRegion string
	// StartTime and EndTime bound the digests' delivery times. EndTime is
	// required here (the CLI defaults it to now).
	StartTime time.Time
	EndTime   time.Time
	// PublicKeys are the Region's public keys (ListPublicKeys over the range,
	// from this package or from AWS).
	PublicKeys []PublicKey
}

// ValidateLogsInput is the input of [Service.ValidateLogs].
type ValidateLogsInput struct {
	// TrailName is the trail's name or ARN.
	TrailName string
	StartTime time.Time
	// EndTime defaults to now.
	EndTime *time.Time
}
