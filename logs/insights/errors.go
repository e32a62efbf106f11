package insights

import (
	"fmt"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/awserr"
)

// ErrMalformedQuery is the code of every error Compile returns
// (MalformedQueryException), for errors.Is.
var ErrMalformedQuery = awserr.Sentinel("MalformedQueryException")

// CompileError is why a query does not compile, shaped like CloudWatch Logs'
// QueryCompileError: a message and the location of the offending text as
// character (not byte) offsets into the query, StartCharOffset inclusive and
// EndCharOffset exclusive. It matches [ErrMalformedQuery] with errors.Is, and
// errors.As finds the *awserr.Error (code MalformedQueryException) behind it.
type CompileError struct {
	Message         string
	StartCharOffset int
	EndCharOffset   int
	err             *awserr.Error
}

func newCompileError(src string, start, end int, msg string) *CompileError {
	start = max(0, min(start, len(src)))
	end = max(start, min(end, len(src)))
	return &CompileError{
		Message:         msg,
		StartCharOffset: utf8.RuneCountInString(src[:start]),
		EndCharOffset:   utf8.RuneCountInString(src[:end]),
		err:             &awserr.Error{Code: "MalformedQueryException", Message: msg},
	}
}

// Error returns "MalformedQueryException: <message>".
func (e *CompileError) Error() string { return e.err.Error() }

// Unwrap returns the AWS-style error (code MalformedQueryException).
func (e *CompileError) Unwrap() error { return e.err }

func (p *parser) errf(t token, format string, args ...any) *CompileError {
	return newCompileError(p.lx.src, t.start, t.end, fmt.Sprintf(format, args...))
}
