package insightrules

import (
	"fmt"

	"github.com/localwatch/localwatch/internal/awserr"
)

// ErrClosed is the error every operation answers after Close
// (errors.Is(err, ErrClosed)).
var ErrClosed = awserr.Sentinel("ServiceUnavailable")

// errInvalid is InvalidParameterValue (the model's
// InvalidParameterValueException) naming the parameter.
func errInvalid(param, format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameterValue", "%s %s", param, fmt.Sprintf(format, args...))
}

// errNotFound is ResourceNotFoundException (HTTP 404) for a rule name.
func errNotFound(name string) *awserr.Error {
	return awserr.New("ResourceNotFoundException", "Rule %s does not exist.", name).WithStatus(404)
}
