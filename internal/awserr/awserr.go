// Package awserr is localwatch's one AWS-style error: an AWS error code (such as
// InvalidParameterValue or ResourceNotFoundException), a message that names the
// offending field and value, and the HTTP status AWS would answer with.
//
// Callers test errors with errors.Is against a sentinel of the same code:
//
//	if errors.Is(err, awserr.ErrInvalidParameterValue) { ... }
//
// Each service defines sentinels for its own codes with [Sentinel]; the common
// CloudWatch codes are here.
package awserr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// Error is an AWS-style error.
type Error struct {
	// Code is the AWS error code, e.g. "InvalidParameterValue".
	Code string
	// Message says what was wrong, naming the field and value.
	Message string
	// StatusCode is the HTTP status AWS answers with (400 unless set).
	StatusCode int
}

// Error formats the error as the AWS CLI prints it: "Code: message".
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code, so errors.Is(err,
// sentinel) works for any message, or target is [ErrNotFound] and e is a
// not-found error of any service (see [IsNotFoundCode]).
func (e *Error) Is(target error) bool {
	if target == ErrNotFound {
		return IsNotFoundCode(e.Code)
	}
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// ErrNotFound matches, with errors.Is, every service's "the named resource does
// not exist" error whatever its code (localwatch.ErrResourceNotFound re-exports it).
var ErrNotFound = errors.New("resource not found")

// IsNotFoundCode reports whether code is one of AWS's not-found codes. AWS
// names them consistently across these services — ResourceNotFoundException
// (Logs, CloudWatch), ResourceNotFound (CloudWatch Query), NotFound (SNS),
// TrailNotFoundException (CloudTrail), NoSuchConfigRuleException and the other
// NoSuch* codes and ResourceNotDiscoveredException (Config),
// DashboardNotFoundError (CloudWatch) — so the rule is the name: it contains
// "NotFound" or "NotDiscovered", or starts with "NoSuch".
func IsNotFoundCode(code string) bool {
	return strings.Contains(code, "NotFound") || strings.Contains(code, "NotDiscovered") || strings.HasPrefix(code, "NoSuch")
}

// ErrorFault tells the AWS SDK's smithy.APIError whether the client (4xx) or
// the server (5xx) is at fault, so errors.As(err, &apiErr) works as with AWS.
func (e *Error) ErrorFault() smithy.ErrorFault {
	if e.HTTPStatus() >= 500 {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

var _ smithy.APIError = (*Error)(nil)

// ErrorCode returns Code (the shape the AWS SDK's smithy.APIError uses).
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage returns Message.
func (e *Error) ErrorMessage() string { return e.Message }

// HTTPStatus returns StatusCode, defaulting to 400.
func (e *Error) HTTPStatus() int {
	if e.StatusCode == 0 {
		return 400
	}
	return e.StatusCode
}

// Sentinel returns an *Error with only a code, for use with errors.Is.
func Sentinel(code string) *Error { return &Error{Code: code} }

// New returns an *Error with code and a formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithStatus returns e with StatusCode set.
func (e *Error) WithStatus(status int) *Error {
	e.StatusCode = status
	return e
}

// Code returns the AWS error code of err (the first *Error in its chain), or ""
// when err carries none.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Message returns the AWS error message of err, or err.Error() when err is not an
// *Error.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// Common CloudWatch (Query-protocol) error codes.
var (
	ErrInvalidParameterValue       = Sentinel("InvalidParameterValue")
	ErrMissingParameter            = Sentinel("MissingParameter")
	ErrInvalidParameterCombination = Sentinel("InvalidParameterCombination")
	ErrLimitExceeded               = Sentinel("LimitExceeded")
	ErrResourceNotFound            = Sentinel("ResourceNotFound")
	ErrInvalidNextToken            = Sentinel("InvalidNextToken")
	ErrInternalServiceError        = Sentinel("InternalServiceError")
	ErrInvalidFormat               = Sentinel("InvalidFormat")
)

// InvalidValue builds an InvalidParameterValue error naming field and value.
func InvalidValue(field string, value any, why string) *Error {
	return New("InvalidParameterValue", "The value %v for parameter %s is invalid: %s", value, field, why)
}

// Missing builds a MissingParameter error naming field.
func Missing(field string) *Error {
	return New("MissingParameter", "The parameter %s is required.", field)
}

// Combination builds an InvalidParameterCombination error.
func Combination(format string, args ...any) *Error {
	return New("InvalidParameterCombination", format, args...)
}

// NotDurable is the error of a call that changed state in an account with a
// DataDir whose journal could not write it (the disk failed): the change is
// in memory but not durable, so it is not acknowledged. Like AWS's internal
// errors it means the request may or may not have taken effect: it is lost
// if the process stops before a later write succeeds (each later change
// writes the waiting records again, in order). code is the service's own
// "unavailable" code, as for [Closed], with HTTP status 503.
func NotDurable(code string, cause error) *Error {
	return &Error{Code: code, StatusCode: 503,
		Message: "The request was applied but could not be written to the data directory (" + cause.Error() + "); it may or may not persist."}
}

// Closed returns the error every operation of a service answers after the
// service's Close: code is the service's own "unavailable" code
// ("ServiceUnavailable" for CloudWatch and SNS, "ServiceUnavailableException"
// for CloudWatch Logs, CloudTrail and Config), with HTTP status 503. One
// contract for all services: after Close nothing is read or changed, every
// call fails with this error, and Close may be called again.
func Closed(code string) *Error {
	return &Error{Code: code, Message: "The service has been closed.", StatusCode: 503}
}
