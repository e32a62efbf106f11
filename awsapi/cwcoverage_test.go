package awsapi

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMuteRulesAndMetricStreamsOverTheWire sends the alarm mute rule and
// metric stream operations in awsJson1_0 and awsQuery, as the AWS CLI does:
// the wire layer serves them with their AWS shapes (timestamps included).
func TestMuteRulesAndMetricStreamsOverTheWire(t *testing.T) {
	r := newRig(t, Options{})
	for _, c := range []struct {
		op, body string
		status   int
		contains string
	}{
		{"PutAlarmMuteRule", `{"Name":"nightly","Rule":{"Schedule":{"Expression":"cron(0 2 * * *)","Duration":"PT4H","Timezone":"Europe/London"}},"MuteTargets":{"AlarmNames":["a"]},"ExpireDate":1800000000}`, 200, `{}`},
		{"GetAlarmMuteRule", `{"AlarmMuteRuleName":"nightly"}`, 200, `"MuteType":"RECURRING"`},
		{"GetAlarmMuteRule", `{"AlarmMuteRuleName":"nightly"}`, 200, `"ExpireDate":1800000000`},
		{"ListAlarmMuteRules", `{}`, 200, `"AlarmMuteRuleArn":"arn:aws:cloudwatch:us-east-1:`},
		{"GetAlarmMuteRule", `{"AlarmMuteRuleName":"nope"}`, 404, `ResourceNotFoundException`},
		{"DeleteAlarmMuteRule", `{"AlarmMuteRuleName":"nightly"}`, 200, `{}`},
		{"PutMetricStream", `{"Name":"s","FirehoseArn":"arn:aws:firehose:us-east-1:123456789012:deliverystream/x","RoleArn":"arn:aws:iam::123456789012:role/r","OutputFormat":"json","IncludeFilters":[{"Namespace":"App"}]}`, 200, `"Arn":"arn:aws:cloudwatch:us-east-1:123456789012:metric-stream/s"`},
		{"GetMetricStream", `{"Name":"s"}`, 200, `"State":"running"`},
		{"StopMetricStreams", `{"Names":["s"]}`, 200, `{}`},
		{"ListMetricStreams", `{}`, 200, `"State":"stopped"`},
		{"PutMetricStream", `{"Name":"t","FirehoseArn":"arn:aws:firehose:us-east-1:123456789012:deliverystream/x","RoleArn":"arn:aws:iam::123456789012:role/r","OutputFormat":"json","IncludeFilters":[{"Namespace":"A"}],"ExcludeFilters":[{"Namespace":"B"}]}`, 400, `InvalidParameterCombination`},
		{"DeleteMetricStream", `{"Name":"s"}`, 200, `{}`},
	} {
		resp := r.do(t, jsonReq("GraniteServiceVersion20100801."+c.op, c.body))
		body := string(readAll(t, resp))
		require.Equal(t, c.status, resp.StatusCode, "%s: %s", c.op, body)
		if c.status == 200 {
			assert.Contains(t, body, c.contains, c.op)
		} else {
			assert.Contains(t, body+resp.Header.Get("X-Amzn-Query-Error"), c.contains, c.op)
		}
	}
	resp := r.do(t, queryReq("monitoring", "Action=PutAlarmMuteRule&Version=2010-08-01&Name=q&Rule.Schedule.Expression=at(2026-12-24T18:00)&Rule.Schedule.Duration=P2D&MuteTargets.AlarmNames.member.1=a"))
	require.Equal(t, 200, resp.StatusCode, string(readAll(t, resp)))
	resp = r.do(t, queryReq("monitoring", "Action=GetAlarmMuteRule&Version=2010-08-01&AlarmMuteRuleName=q"))
	body := string(readAll(t, resp))
	require.Equal(t, 200, resp.StatusCode, body)
	assert.Contains(t, body, "<MuteType>ONE_TIME</MuteType>")
	assert.Contains(t, body, "<member>a</member>")
}
