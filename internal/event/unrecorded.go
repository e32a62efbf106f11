package event

import "context"

type unrecordedKey struct{}

// Unrecorded returns a context under which operations publish no [APICall]:
// the internal reads of an AWS service that CloudTrail does not log (an alarm
// evaluation querying its metric, for one).
func Unrecorded(ctx context.Context) context.Context {
	return context.WithValue(ctx, unrecordedKey{}, true)
}

// IsUnrecorded reports whether ctx comes from [Unrecorded].
func IsUnrecorded(ctx context.Context) bool {
	return ctx.Value(unrecordedKey{}) != nil
}
