package localwatch_test

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/internal/awserr"
)

// closedCodes is the code each service answers with after Close (the
// shared contract: awserr.Closed(code), HTTP 503).
var closedCodes = map[string]string{
	"metrics":    "ServiceUnavailable",
	"alarms":     "ServiceUnavailable",
	"sns":        "ServiceUnavailable",
	"dashboards": "ServiceUnavailable",
	"logs":       "ServiceUnavailableException",
	"trail":      "ServiceUnavailableException",
	"config":     "ServiceUnavailableException",

	"insightrules": "ServiceUnavailable", // Contributor Insights is CloudWatch's
}

// knownCloseFailures are the operations that do not yet answer the closed
// error after Close, keyed by operation, with the defect. A listed
// operation that fails is logged; a listed operation that answers the
// closed error fails the test, so that the list is emptied as fixes land.
// Empty: every operation of every service answers it.
var knownCloseFailures = map[string]string{}

// Issue 16 item 12: "after Close some services still answer and others
// refuse (one contract for all)". Every operation of every service, called
// with its valid seed after Stack.Close, must answer the service's closed
// error (and Close again must not panic).
func TestEveryOperationAnswersClosedAfterClose(t *testing.T) {
	fx := newFixture(t)
	in := seeds(fx)
	fx.st.Close()
	fx.st.Close() // idempotent
	failed := map[string]bool{}
	for _, op := range operations(fx.st) {
		svc, _, _ := strings.Cut(op.name, ".")
		arg := reflect.New(op.in).Elem()
		if seed, ok := in[op.name]; ok {
			arg.Set(reflect.ValueOf(seed))
		} // else the zero input: the closed answer comes before validation
		err, panicked := op.call(context.Background(), arg)
		var what string
		var e *localwatch.Error
		switch {
		case panicked != nil:
			what = "panicked: " + strings.TrimSpace(strings.SplitN(strings.TrimSpace(toString(panicked)), "\n", 2)[0])
		case err == nil:
			what = "succeeded"
		case !errors.As(err, &e) || e.Code != closedCodes[svc] || e.HTTPStatus() != 503:
			what = "answered " + err.Error()
		default:
			continue
		}
		failed[op.name] = true
		if why, known := knownCloseFailures[op.name]; known {
			t.Logf("known failure %s (%s): after Close it %s", op.name, why, what)
			continue
		}
		t.Errorf("%s after Close %s; want %v", op.name, what, awserr.Closed(closedCodes[svc]))
	}
	for _, k := range slices.Sorted(maps.Keys(knownCloseFailures)) {
		if !failed[k] {
			t.Errorf("known failure %s no longer fails: remove it from knownCloseFailures", k)
		}
	}
}

func toString(v any) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return reflect.ValueOf(v).String()
}
