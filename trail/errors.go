package trail

import "github.com/localwatch/localwatch/internal/awserr"

// CloudTrail's error codes. Compare with errors.Is.
var (
	ErrTrailNotFound                     = awserr.Sentinel("TrailNotFoundException")
	ErrTrailAlreadyExists                = awserr.Sentinel("TrailAlreadyExistsException")
	ErrMaximumNumberOfTrailsExceeded     = awserr.Sentinel("MaximumNumberOfTrailsExceededException")
	ErrInvalidTrailName                  = awserr.Sentinel("InvalidTrailNameException")
	ErrCloudTrailARNInvalid              = awserr.Sentinel("CloudTrailARNInvalidException")
	ErrInvalidS3BucketName               = awserr.Sentinel("InvalidS3BucketNameException")
	ErrInvalidS3Prefix                   = awserr.Sentinel("InvalidS3PrefixException")
	ErrInvalidSnsTopicName               = awserr.Sentinel("InvalidSnsTopicNameException")
	ErrInvalidHomeRegion                 = awserr.Sentinel("InvalidHomeRegionException")
	ErrInvalidParameterCombination       = awserr.Sentinel("InvalidParameterCombinationException")
	ErrInvalidParameter                  = awserr.Sentinel("InvalidParameterException")
	ErrInvalidEventSelectors             = awserr.Sentinel("InvalidEventSelectorsException")
	ErrInvalidCloudWatchLogsLogGroupArn  = awserr.Sentinel("InvalidCloudWatchLogsLogGroupArnException")
	ErrInvalidCloudWatchLogsRoleArn      = awserr.Sentinel("InvalidCloudWatchLogsRoleArnException")
	ErrInvalidLookupAttributes           = awserr.Sentinel("InvalidLookupAttributesException")
	ErrInvalidTimeRange                  = awserr.Sentinel("InvalidTimeRangeException")
	ErrInvalidMaxResults                 = awserr.Sentinel("InvalidMaxResultsException")
	ErrInvalidNextToken                  = awserr.Sentinel("InvalidNextTokenException")
	ErrInvalidEventCategory              = awserr.Sentinel("InvalidEventCategoryException")
	ErrOrganizationsNotInUse             = awserr.Sentinel("OrganizationsNotInUseException")
	ErrInvalidKmsKeyID                   = awserr.Sentinel("InvalidKmsKeyIdException")
	ErrInvalidInsightSelectors           = awserr.Sentinel("InvalidInsightSelectorsException")
	ErrInsightNotEnabled                 = awserr.Sentinel("InsightNotEnabledException")
	ErrUnsupportedOperation              = awserr.Sentinel("UnsupportedOperationException")
	ErrCloudWatchLogsDeliveryUnavailable = awserr.Sentinel("CloudWatchLogsDeliveryUnavailableException")
	ErrS3BucketDoesNotExist              = awserr.Sentinel("S3BucketDoesNotExistException")
	ErrInsufficientS3BucketPolicy        = awserr.Sentinel("InsufficientS3BucketPolicyException")
	ErrNotOrganizationMasterAccount      = awserr.Sentinel("NotOrganizationMasterAccountException")
)

func errTrailNotFound(name, account string) error {
	return awserr.New("TrailNotFoundException", "Unknown trail: %s for the user: %s", name, account)
}
