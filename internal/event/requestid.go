package event

import "context"

type requestIDKey struct{}

// WithRequestID returns a context whose operations record id as their request
// ID instead of generating one: the wire layer (awsapi) answers the same ID in
// x-amzn-RequestId, as AWS ties a response to its CloudTrail record.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request ID set by [WithRequestID], if any.
func RequestIDFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(requestIDKey{}).(string)
	return id, ok && id != ""
}
