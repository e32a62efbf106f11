package config

import (
	"reflect"

	"github.com/localwatch/localwatch/internal/event"
)

// params returns an operation's requestParameters as CloudTrail shows them:
// only the parameters the caller sent. Absent optional parameters (zero
// values: "", 0, false, nil, empty lists) are left out, and a request with
// none is null, as in AWS's DescribeConfigurationRecorders record.
func params(m map[string]any) any {
	for k, v := range m {
		if absent(v) {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func absent(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	}
	return rv.IsZero()
}

// setParams sets the requestParameters Config records for call (p from
// params). Operations call it only when the call is recorded
// (s.op.Rec.Records), so that nothing is built for a call no one reads; a
// request with no parameters is recorded as null, not re-encoded from the
// Input by op.Do.
func setParams(call *event.Call, p any) {
	if p == nil {
		call.Params = noParams
		return
	}
	call.RequestParameters = p
}

func noParams() any { return nil }

// limitOf is a page size as the operations read it: absent is 0, which
// Config's operations take as their default.
func limitOf(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

// isTrue reports whether an optional boolean is set and true.
func isTrue(b *bool) bool { return b != nil && *b }

// Int32 returns a pointer to v, for the page sizes of inputs (Limit,
// MaxResults).
func Int32(v int32) *int32 { return &v }

// Bool returns a pointer to v, for the optional booleans of inputs
// (IncludeDeletedResources, TestMode).
func Bool(v bool) *bool { return &v }
