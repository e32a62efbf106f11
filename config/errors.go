package config

import "github.com/localwatch/localwatch/internal/awserr"

// AWS Config error codes. Compare with errors.Is: every error this package
// returns is an *awserr.Error whose Code is one of these.
var (
	ErrValidation                                 = awserr.Sentinel("ValidationException")
	ErrInvalidParameterValue                      = awserr.Sentinel("InvalidParameterValueException")
	ErrInvalidConfigurationRecorderName           = awserr.Sentinel("InvalidConfigurationRecorderNameException")
	ErrInvalidRecordingGroup                      = awserr.Sentinel("InvalidRecordingGroupException")
	ErrInvalidRole                                = awserr.Sentinel("InvalidRoleException")
	ErrMaxNumberOfConfigurationRecordersExceeded  = awserr.Sentinel("MaxNumberOfConfigurationRecordersExceededException")
	ErrNoSuchConfigurationRecorder                = awserr.Sentinel("NoSuchConfigurationRecorderException")
	ErrNoAvailableConfigurationRecorder           = awserr.Sentinel("NoAvailableConfigurationRecorderException")
	ErrNoRunningConfigurationRecorder             = awserr.Sentinel("NoRunningConfigurationRecorderException")
	ErrNoAvailableDeliveryChannel                 = awserr.Sentinel("NoAvailableDeliveryChannelException")
	ErrNoSuchDeliveryChannel                      = awserr.Sentinel("NoSuchDeliveryChannelException")
	ErrInvalidDeliveryChannelName                 = awserr.Sentinel("InvalidDeliveryChannelNameException")
	ErrMaxNumberOfDeliveryChannelsExceeded        = awserr.Sentinel("MaxNumberOfDeliveryChannelsExceededException")
	ErrNoSuchBucket                               = awserr.Sentinel("NoSuchBucketException")
	ErrInvalidS3KeyPrefix                         = awserr.Sentinel("InvalidS3KeyPrefixException")
	ErrInvalidSNSTopicARN                         = awserr.Sentinel("InvalidSNSTopicARNException")
	ErrInsufficientDeliveryPolicy                 = awserr.Sentinel("InsufficientDeliveryPolicyException")
	ErrLastDeliveryChannelDeleteFailed            = awserr.Sentinel("LastDeliveryChannelDeleteFailedException")
	ErrInvalidTimeRange                           = awserr.Sentinel("InvalidTimeRangeException")
	ErrInvalidLimit                               = awserr.Sentinel("InvalidLimitException")
	ErrInvalidNextToken                           = awserr.Sentinel("InvalidNextTokenException")
	ErrResourceNotDiscovered                      = awserr.Sentinel("ResourceNotDiscoveredException")
	ErrNoSuchConfigRule                           = awserr.Sentinel("NoSuchConfigRuleException")
	ErrMaxNumberOfConfigRulesExceeded             = awserr.Sentinel("MaxNumberOfConfigRulesExceededException")
	ErrResourceInUse                              = awserr.Sentinel("ResourceInUseException")
	ErrInvalidResultToken                         = awserr.Sentinel("InvalidResultTokenException")
	ErrLimitExceeded                              = awserr.Sentinel("LimitExceededException")
	ErrNoSuchRetentionConfiguration               = awserr.Sentinel("NoSuchRetentionConfigurationException")
	ErrMaxNumberOfRetentionConfigurationsExceeded = awserr.Sentinel("MaxNumberOfRetentionConfigurationsExceededException")
	ErrMaxActiveResourcesExceeded                 = awserr.Sentinel("MaxActiveResourcesExceededException")
	ErrResourceNotFound                           = awserr.Sentinel("ResourceNotFoundException")
	ErrTooManyTags                                = awserr.Sentinel("TooManyTagsException")
	ErrNoSuchRemediationConfiguration             = awserr.Sentinel("NoSuchRemediationConfigurationException")
	ErrInvalidExpression                          = awserr.Sentinel("InvalidExpressionException")
)

func errf(code, format string, args ...any) *awserr.Error { return awserr.New(code, format, args...) }
