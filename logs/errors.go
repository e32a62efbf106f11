package logs

import (
	"github.com/localwatch/localwatch/internal/awserr"
)

// CloudWatch Logs error codes. Test with errors.Is(err, logs.ErrResourceNotFound).
var (
	// ErrInvalidParameter is InvalidParameterException: a parameter is missing,
	// malformed or out of range, including a filter pattern that does not parse.
	ErrInvalidParameter = awserr.Sentinel("InvalidParameterException")
	// ErrResourceNotFound is ResourceNotFoundException: no such log group, log
	// stream, metric filter, subscription filter or resource.
	ErrResourceNotFound = awserr.Sentinel("ResourceNotFoundException")
	// ErrResourceAlreadyExists is ResourceAlreadyExistsException.
	ErrResourceAlreadyExists = awserr.Sentinel("ResourceAlreadyExistsException")
	// ErrLimitExceeded is LimitExceededException: a quota (metric filters or
	// subscription filters per group, tags, regex filters) would be exceeded.
	ErrLimitExceeded = awserr.Sentinel("LimitExceededException")
	// ErrInvalidSequenceToken is InvalidSequenceTokenException. AWS no longer
	// returns it (sequence tokens are ignored); it is here for callers that test it.
	ErrInvalidSequenceToken = awserr.Sentinel("InvalidSequenceTokenException")
	// ErrDataAlreadyAccepted is DataAlreadyAcceptedException; like
	// ErrInvalidSequenceToken, AWS no longer returns it.
	ErrDataAlreadyAccepted = awserr.Sentinel("DataAlreadyAcceptedException")
	// ErrServiceUnavailable is ServiceUnavailableException; after Close every
	// operation answers awserr.Closed("ServiceUnavailableException"), which
	// errors.Is matches with it.
	ErrServiceUnavailable = awserr.Sentinel("ServiceUnavailableException")
	// ErrOperationAborted is OperationAbortedException: a conflicting operation
	// on the same resource.
	ErrOperationAborted = awserr.Sentinel("OperationAbortedException")
	// ErrValidation is ValidationException, AWS's answer to a request whose
	// parameters conflict before any is read (logGroupName with
	// logGroupIdentifier).
	ErrValidation = awserr.Sentinel("ValidationException")
	// ErrAccessDenied is AccessDeniedException (a cross-account Lambda
	// destination without a destination policy).
	ErrAccessDenied = awserr.Sentinel("AccessDeniedException")
	// ErrUnrecognizedClient is UnrecognizedClientException.
	ErrUnrecognizedClient = awserr.Sentinel("UnrecognizedClientException")
)

func errInvalid(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameterException", format, args...)
}

// errConstraint is the message AWS's request validation gives.
func errConstraint(field string, value any, constraint string) *awserr.Error {
	return awserr.New("InvalidParameterException",
		"1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

// AWS's not-found, already-exists, limit and token messages are fixed strings
// that do not name the resource (recorded from AWS; clients compare them, e.g.
// "The specified log stream already exists", without a period).
const (
	msgGroupNotFound        = "The specified log group does not exist."
	msgStreamNotFound       = "The specified log stream does not exist."
	msgGroupExists          = "The specified log group already exists"
	msgStreamExists         = "The specified log stream already exists"
	msgLimit                = "Resource limit exceeded."
	msgBadToken             = "The specified nextToken is invalid."
	msgNotChronological     = "Log events in a single PutLogEvents request must be in chronological order."
	msgSpan24h              = "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
	msgMetricFilterNotFound = "The specified metric filter does not exist."
	msgSubFilterNotFound    = "The specified subscription filter does not exist."
	msgResourceNotFound     = "The specified resource does not exist."
	msgNameAndIdentifier    = "LogGroup name and LogGroup ARN are mutually exclusive parameters."
)

// errProtected refuses a deletion while the group's deletion protection is on
// ("deletion protection blocks all deletion operations until it is explicitly
// disabled"; DeleteLogGroup's errors include ValidationException).
func errProtected() *awserr.Error {
	return awserr.New("ValidationException", "The log group has deletion protection enabled; disable it with PutLogGroupDeletionProtection before deleting.")
}

func errGroupNotFound(string) *awserr.Error {
	return awserr.New("ResourceNotFoundException", msgGroupNotFound)
}

func errStreamNotFound(_, _ string) *awserr.Error {
	return awserr.New("ResourceNotFoundException", msgStreamNotFound)
}

// errLimit is AWS's LimitExceededException; what names the quota for the
// reader of this code only (AWS's message does not).
func errLimit(what string) *awserr.Error {
	_ = what
	return awserr.New("LimitExceededException", msgLimit)
}

func errBadToken(string) *awserr.Error {
	return awserr.New("InvalidParameterException", msgBadToken)
}
