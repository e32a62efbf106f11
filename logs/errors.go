package logs

import (
	"fmt"

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

func errGroupNotFound(name string) *awserr.Error {
	return awserr.New("ResourceNotFoundException", "The specified log group does not exist: %s", name)
}

func errStreamNotFound(group, stream string) *awserr.Error {
	return awserr.New("ResourceNotFoundException", "The specified log stream does not exist: %s in log group %s", stream, group)
}

func errLimit(what string) *awserr.Error {
	return awserr.New("LimitExceededException", "Resource limit exceeded: %s", what)
}

func errBadToken(token string) *awserr.Error {
	return awserr.New("InvalidParameterException", "The specified nextToken is invalid: %s", fmt.Sprintf("%.64q", token))
}

var awserrNew = awserr.New
