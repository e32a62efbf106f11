package config

import (
	"encoding/hex"
	"strconv"
	"time"
)

// ConfigurationItemStatus is the status of a configuration item.
type ConfigurationItemStatus string

// Configuration item statuses, as AWS Config reports them.
const (
	// StatusOK: the resource was created or updated and the item records it.
	StatusOK ConfigurationItemStatus = "OK"
	// StatusResourceDiscovered: the first item of a resource (or of a resource
	// re-created after deletion).
	StatusResourceDiscovered ConfigurationItemStatus = "ResourceDiscovered"
	// StatusResourceNotRecorded: the resource was discovered but its type is not
	// recorded; the item carries no configuration.
	StatusResourceNotRecorded ConfigurationItemStatus = "ResourceNotRecorded"
	// StatusResourceDeleted: the resource was deleted.
	StatusResourceDeleted ConfigurationItemStatus = "ResourceDeleted"
	// StatusResourceDeletedNotRecorded: a resource of an unrecorded type was deleted.
	StatusResourceDeletedNotRecorded ConfigurationItemStatus = "ResourceDeletedNotRecorded"
)

// RecordingFrequency is how often the recorder records a resource type.
type RecordingFrequency string

// Recording frequencies.
const (
	Continuous RecordingFrequency = "CONTINUOUS"
	Daily      RecordingFrequency = "DAILY"
)

// RecordingStrategyType is RecordingStrategy.UseOnly.
type RecordingStrategyType string

// Recording strategies.
const (
	AllSupportedResourceTypes RecordingStrategyType = "ALL_SUPPORTED_RESOURCE_TYPES"
	InclusionByResourceTypes  RecordingStrategyType = "INCLUSION_BY_RESOURCE_TYPES"
	ExclusionByResourceTypes  RecordingStrategyType = "EXCLUSION_BY_RESOURCE_TYPES"
)

// ChronologicalOrder orders GetResourceConfigHistory results.
type ChronologicalOrder string

// Chronological orders (Reverse, newest first, is the default).
const (
	Reverse ChronologicalOrder = "Reverse"
	Forward ChronologicalOrder = "Forward"
)

// MaximumExecutionFrequency is how often a periodic rule (and the snapshot
// delivery of a delivery channel) runs.
type MaximumExecutionFrequency string

// Execution and delivery frequencies.
const (
	OneHour         MaximumExecutionFrequency = "One_Hour"
	ThreeHours      MaximumExecutionFrequency = "Three_Hours"
	SixHours        MaximumExecutionFrequency = "Six_Hours"
	TwelveHours     MaximumExecutionFrequency = "Twelve_Hours"
	TwentyFourHours MaximumExecutionFrequency = "TwentyFour_Hours"
)

// Duration returns the period the frequency names, or 0 for an unknown value.
func (f MaximumExecutionFrequency) Duration() time.Duration {
	switch f {
	case OneHour:
		return time.Hour
	case ThreeHours:
		return 3 * time.Hour
	case SixHours:
		return 6 * time.Hour
	case TwelveHours:
		return 12 * time.Hour
	case TwentyFourHours:
		return 24 * time.Hour
	}
	return 0
}

// Relationship is a relationship of a configuration item to another resource
// (API shape: relationshipName).
type Relationship struct {
	ResourceType     string `json:"resourceType"`
	ResourceID       string `json:"resourceId"`
	ResourceName     string `json:"resourceName,omitempty"`
	RelationshipName string `json:"relationshipName"`
}

// ConfigurationItem is a point-in-time view of a resource, in the shape the
// Config API returns (GetResourceConfigHistory): camelCase fields,
// configuration as a JSON string, string configurationStateId. The
// notification, snapshot and rule-event shape is [NotificationItem].
type ConfigurationItem struct {
	Version                       string                  `json:"version"`
	AccountID                     string                  `json:"accountId"`
	ConfigurationItemCaptureTime  time.Time               `json:"configurationItemCaptureTime"`
	ConfigurationItemStatus       ConfigurationItemStatus `json:"configurationItemStatus"`
	ConfigurationStateID          string                  `json:"configurationStateId"`
	ConfigurationItemMD5Hash      string                  `json:"configurationItemMD5Hash"`
	ARN                           string                  `json:"arn,omitempty"`
	ResourceType                  string                  `json:"resourceType"`
	ResourceID                    string                  `json:"resourceId"`
	ResourceName                  string                  `json:"resourceName,omitempty"`
	AWSRegion                     string                  `json:"awsRegion"`
	AvailabilityZone              string                  `json:"availabilityZone"`
	ResourceCreationTime          *time.Time              `json:"resourceCreationTime,omitempty"`
	Tags                          map[string]string       `json:"tags"`
	RelatedEvents                 []string                `json:"relatedEvents"`
	Relationships                 []Relationship          `json:"relationships"`
	Configuration                 string                  `json:"configuration,omitempty"`
	SupplementaryConfiguration    map[string]string       `json:"supplementaryConfiguration"`
	RecordingFrequency            RecordingFrequency      `json:"recordingFrequency,omitempty"`
	ConfigurationItemDeliveryTime *time.Time              `json:"configurationItemDeliveryTime,omitempty"`

	// The numeric configurationStateId and raw MD5, kept for conversions to
	// the notification shape (zero in items built by hand).
	stateID int64
	md5     [16]byte
}

// stateIDString returns the configurationStateId as the API shows it.
func (ci *ConfigurationItem) stateIDString() string {
	if ci.ConfigurationStateID != "" || ci.stateID == 0 {
		return ci.ConfigurationStateID
	}
	return strconv.FormatInt(ci.stateID, 10)
}

// md5Hex returns the configurationItemMD5Hash.
func (ci *ConfigurationItem) md5Hex() string {
	if ci.ConfigurationItemMD5Hash != "" || ci.md5 == [16]byte{} {
		return ci.ConfigurationItemMD5Hash
	}
	return hex.EncodeToString(ci.md5[:])
}

// BaseConfigurationItem is what BatchGetResourceConfig returns: a
// configuration item without tags, relationships or related events.
type BaseConfigurationItem struct {
	Version                       string                  `json:"version"`
	AccountID                     string                  `json:"accountId"`
	ConfigurationItemCaptureTime  time.Time               `json:"configurationItemCaptureTime"`
	ConfigurationItemStatus       ConfigurationItemStatus `json:"configurationItemStatus"`
	ConfigurationStateID          string                  `json:"configurationStateId"`
	ARN                           string                  `json:"arn,omitempty"`
	ResourceType                  string                  `json:"resourceType"`
	ResourceID                    string                  `json:"resourceId"`
	ResourceName                  string                  `json:"resourceName,omitempty"`
	AWSRegion                     string                  `json:"awsRegion"`
	AvailabilityZone              string                  `json:"availabilityZone"`
	ResourceCreationTime          *time.Time              `json:"resourceCreationTime,omitempty"`
	Configuration                 string                  `json:"configuration,omitempty"`
	SupplementaryConfiguration    map[string]string       `json:"supplementaryConfiguration"`
	RecordingFrequency            RecordingFrequency      `json:"recordingFrequency,omitempty"`
	ConfigurationItemDeliveryTime *time.Time              `json:"configurationItemDeliveryTime,omitempty"`
}

// ResourceKey names a resource: its type and ID.
type ResourceKey struct {
	ResourceType string `json:"resourceType"`
	ResourceID   string `json:"resourceId"`
}

// ResourceIdentifier is a discovered resource as ListDiscoveredResources
// returns it.
type ResourceIdentifier struct {
	ResourceType         string     `json:"resourceType"`
	ResourceID           string     `json:"resourceId"`
	ResourceName         string     `json:"resourceName,omitempty"`
	ResourceDeletionTime *time.Time `json:"resourceDeletionTime,omitempty"`
}

// RecordingGroup says which resource types the recorder records.
type RecordingGroup struct {
	AllSupported               bool               `json:"allSupported"`
	IncludeGlobalResourceTypes bool               `json:"includeGlobalResourceTypes"`
	ResourceTypes              []string           `json:"resourceTypes,omitempty"`
	ExclusionByResourceTypes   *ExclusionByTypes  `json:"exclusionByResourceTypes,omitempty"`
	RecordingStrategy          *RecordingStrategy `json:"recordingStrategy,omitempty"`
}

// ExclusionByTypes lists the types an EXCLUSION_BY_RESOURCE_TYPES recording
// group leaves out.
type ExclusionByTypes struct {
	ResourceTypes []string `json:"resourceTypes"`
}

// RecordingStrategy names the recording strategy.
type RecordingStrategy struct {
	UseOnly RecordingStrategyType `json:"useOnly"`
}

// RecordingMode is the default recording frequency and at most one override.
type RecordingMode struct {
	RecordingFrequency     RecordingFrequency      `json:"recordingFrequency"`
	RecordingModeOverrides []RecordingModeOverride `json:"recordingModeOverrides,omitempty"`
}

// RecordingModeOverride records resourceTypes at another frequency.
type RecordingModeOverride struct {
	Description        string             `json:"description,omitempty"`
	ResourceTypes      []string           `json:"resourceTypes"`
	RecordingFrequency RecordingFrequency `json:"recordingFrequency"`
}

// ConfigurationRecorder is the recorder of a region.
type ConfigurationRecorder struct {
	Name           string          `json:"name,omitempty"`
	RoleARN        string          `json:"roleARN,omitempty"`
	RecordingGroup *RecordingGroup `json:"recordingGroup,omitempty"`
	RecordingMode  *RecordingMode  `json:"recordingMode,omitempty"`
}

// ConfigurationRecorderStatus is what DescribeConfigurationRecorderStatus
// reports.
type ConfigurationRecorderStatus struct {
	Name                 string     `json:"name"`
	LastStartTime        *time.Time `json:"lastStartTime,omitempty"`
	LastStopTime         *time.Time `json:"lastStopTime,omitempty"`
	Recording            bool       `json:"recording"`
	LastStatus           string     `json:"lastStatus,omitempty"` // Pending | Success | Failure
	LastErrorCode        string     `json:"lastErrorCode,omitempty"`
	LastErrorMessage     string     `json:"lastErrorMessage,omitempty"`
	LastStatusChangeTime *time.Time `json:"lastStatusChangeTime,omitempty"`
}

// DeliveryChannel is where Config delivers snapshots (the object store) and
// notifications (an SNS topic).
type DeliveryChannel struct {
	Name                             string                            `json:"name,omitempty"`
	S3BucketName                     string                            `json:"s3BucketName,omitempty"`
	S3KeyPrefix                      *string                           `json:"s3KeyPrefix,omitempty"`
	S3KmsKeyARN                      string                            `json:"s3KmsKeyArn,omitempty"`
	SNSTopicARN                      string                            `json:"snsTopicARN,omitempty"`
	ConfigSnapshotDeliveryProperties *ConfigSnapshotDeliveryProperties `json:"configSnapshotDeliveryProperties,omitempty"`
}

// ConfigSnapshotDeliveryProperties sets the periodic snapshot frequency.
type ConfigSnapshotDeliveryProperties struct {
	DeliveryFrequency MaximumExecutionFrequency `json:"deliveryFrequency,omitempty"`
}

// DeliveryChannelStatus is what DescribeDeliveryChannelStatus reports.
type DeliveryChannelStatus struct {
	Name                       string                    `json:"name"`
	ConfigSnapshotDeliveryInfo *ConfigExportDeliveryInfo `json:"configSnapshotDeliveryInfo,omitempty"`
	ConfigHistoryDeliveryInfo  *ConfigExportDeliveryInfo `json:"configHistoryDeliveryInfo,omitempty"`
	ConfigStreamDeliveryInfo   *ConfigStreamDeliveryInfo `json:"configStreamDeliveryInfo,omitempty"`
}

// ConfigExportDeliveryInfo describes the last snapshot or history delivery.
type ConfigExportDeliveryInfo struct {
	LastStatus         string     `json:"lastStatus,omitempty"` // Success | Failure | Not_Applicable
	LastErrorCode      string     `json:"lastErrorCode,omitempty"`
	LastErrorMessage   string     `json:"lastErrorMessage,omitempty"`
	LastAttemptTime    *time.Time `json:"lastAttemptTime,omitempty"`
	LastSuccessfulTime *time.Time `json:"lastSuccessfulTime,omitempty"`
	NextDeliveryTime   *time.Time `json:"nextDeliveryTime,omitempty"`
}

// ConfigStreamDeliveryInfo describes the last notification to the topic.
type ConfigStreamDeliveryInfo struct {
	LastStatus           string     `json:"lastStatus,omitempty"`
	LastErrorCode        string     `json:"lastErrorCode,omitempty"`
	LastErrorMessage     string     `json:"lastErrorMessage,omitempty"`
	LastStatusChangeTime *time.Time `json:"lastStatusChangeTime,omitempty"`
}

// RetentionConfiguration is how long configuration items are kept.
type RetentionConfiguration struct {
	Name                  string `json:"Name"`
	RetentionPeriodInDays int    `json:"RetentionPeriodInDays"`
}
