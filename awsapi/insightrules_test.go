package awsapi

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInsightRulesOverTheWire creates a Contributor Insights rule as
// `aws cloudwatch put-insight-rule` does (awsQuery) and in awsJson1_0, feeds
// its log group over the Logs API and reads the report back.
func TestInsightRulesOverTheWire(t *testing.T) {
	r := newRig(t, Options{})
	rule := `{"Schema":{"Name":"CloudWatchLogRule","Version":1},"LogGroupNames":["api-*"],"LogFormat":"JSON","Contribution":{"Keys":["$.ip"]},"AggregateOn":"Count"}`
	q := "Action=PutInsightRule&Version=2010-08-01&RuleName=top-ips&RuleDefinition=" + url.QueryEscape(rule)
	resp := r.do(t, queryReq("monitoring", q))
	require.Equal(t, 200, resp.StatusCode, string(readAll(t, resp)))
	for _, c := range []struct{ target, body string }{
		{"Logs_20140328.CreateLogGroup", `{"logGroupName":"api-1"}`},
		{"Logs_20140328.CreateLogStream", `{"logGroupName":"api-1","logStreamName":"s"}`},
		{"Logs_20140328.PutLogEvents", fmt.Sprintf(`{"logGroupName":"api-1","logStreamName":"s","logEvents":[{"timestamp":%d,"message":"{\"ip\":\"10.0.0.1\"}"},{"timestamp":%d,"message":"{\"ip\":\"10.0.0.1\"}"}]}`, t0.UnixMilli(), t0.UnixMilli())},
	} {
		resp := r.do(t, jsonReq(c.target, c.body))
		require.Equal(t, 200, resp.StatusCode, "%s: %s", c.target, readAll(t, resp))
	}
	for _, c := range []struct {
		op, body string
		status   int
		contains string
	}{
		{"DescribeInsightRules", `{}`, 200, `"State":"ENABLED"`},
		{"GetInsightRuleReport", fmt.Sprintf(`{"RuleName":"top-ips","StartTime":%d,"EndTime":%d,"Period":60,"Metrics":["SampleCount"]}`, t0.Add(-time.Hour).Unix(), t0.Add(time.Hour).Unix()), 200, `"Keys":["10.0.0.1"]`},
		{"GetInsightRuleReport", `{"RuleName":"nope","StartTime":1,"EndTime":2,"Period":60}`, 404, `ResourceNotFoundException`},
		{"PutInsightRule", `{"RuleName":"bad","RuleDefinition":"{}"}`, 400, `InvalidParameterValue`},
		{"DisableInsightRules", `{"RuleNames":["top-ips","nope"]}`, 200, `"FailureResource":"nope"`},
		{"DeleteInsightRules", `{"RuleNames":["top-ips"]}`, 200, `"Failures":[]`},
	} {
		resp := r.do(t, jsonReq("GraniteServiceVersion20100801."+c.op, c.body))
		body := string(readAll(t, resp))
		require.Equal(t, c.status, resp.StatusCode, "%s: %s", c.op, body)
		assert.Contains(t, body+resp.Header.Get("X-Amzn-Query-Error"), c.contains, c.op)
	}
}
