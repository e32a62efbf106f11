package sns

import (
	"fmt"

	"github.com/localwatch/localwatch/internal/awserr"
)

// SNS error codes (the Query protocol's Code element). Test with errors.Is.
var (
	// ErrInvalidParameter: a request parameter does not comply with the
	// associated constraints ("Invalid parameter: …").
	ErrInvalidParameter = awserr.Sentinel("InvalidParameter")
	// ErrInvalidParameterValue: a parameter value is invalid (message
	// attributes and the like).
	ErrInvalidParameterValue = awserr.Sentinel("ParameterValueInvalid")
	// ErrNotFound: the topic, subscription or endpoint does not exist.
	ErrNotFound = awserr.Sentinel("NotFound")
	// ErrResourceNotFound: the tagged resource does not exist.
	ErrResourceNotFound = awserr.Sentinel("ResourceNotFound")
	// ErrAuthorizationError: the topic policy denies the caller.
	ErrAuthorizationError = awserr.Sentinel("AuthorizationError")
	// ErrTopicLimitExceeded: the account has the maximum number of topics.
	ErrTopicLimitExceeded = awserr.Sentinel("TopicLimitExceeded")
	// ErrSubscriptionLimitExceeded: the topic has the maximum number of subscriptions.
	ErrSubscriptionLimitExceeded = awserr.Sentinel("SubscriptionLimitExceeded")
	// ErrFilterPolicyLimitExceeded: too many filter policies on the topic or account.
	ErrFilterPolicyLimitExceeded = awserr.Sentinel("FilterPolicyLimitExceeded")
	// ErrTagLimitExceeded: more than 50 tags on a resource.
	ErrTagLimitExceeded = awserr.Sentinel("TagLimitExceeded")
	// ErrTagPolicy: a tag key or value breaks the tagging rules.
	ErrTagPolicy = awserr.Sentinel("TagPolicy")
	// ErrTooManyEntriesInBatchRequest: a PublishBatch with more than 10 entries.
	ErrTooManyEntriesInBatchRequest = awserr.Sentinel("TooManyEntriesInBatchRequest")
	// ErrBatchRequestTooLong: a PublishBatch whose messages total over 256 KB.
	ErrBatchRequestTooLong = awserr.Sentinel("BatchRequestTooLong")
	// ErrBatchEntryIdsNotDistinct: two PublishBatch entries share an Id.
	ErrBatchEntryIdsNotDistinct = awserr.Sentinel("BatchEntryIdsNotDistinct")
	// ErrEmptyBatchRequest: a PublishBatch with no entries.
	ErrEmptyBatchRequest = awserr.Sentinel("EmptyBatchRequest")
	// ErrInvalidBatchEntryID: an entry Id that is empty, too long or not
	// alphanumeric, hyphen or underscore.
	ErrInvalidBatchEntryID = awserr.Sentinel("InvalidBatchEntryId")
)

// invalidParam builds AWS's "Invalid parameter: …" error.
func invalidParam(format string, args ...any) error {
	return &awserr.Error{Code: "InvalidParameter", Message: "Invalid parameter: " + fmt.Sprintf(format, args...), StatusCode: 400}
}

func invalidValue(format string, args ...any) error {
	return &awserr.Error{Code: "ParameterValueInvalid", Message: fmt.Sprintf(format, args...), StatusCode: 400}
}

func notFound(what string) error {
	return &awserr.Error{Code: "NotFound", Message: what + " does not exist", StatusCode: 404}
}

func authorizationError(format string, args ...any) error {
	return &awserr.Error{Code: "AuthorizationError", Message: fmt.Sprintf(format, args...), StatusCode: 403}
}

func codeErr(code string, status int, format string, args ...any) error {
	return &awserr.Error{Code: code, Message: fmt.Sprintf(format, args...), StatusCode: status}
}

func errCode(err error) string {
	if c := awserr.Code(err); c != "" {
		return c
	}
	return "InternalError"
}

func errMessage(err error) string { return awserr.Message(err) }
