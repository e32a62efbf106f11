package logs

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dpDoc is a data protection policy auditing to findings (a log group name,
// or "" for an empty FindingsDestination) and masking ids.
func dpDoc(findings string, ids ...string) string {
	arr, _ := json.Marshal(ids)
	dest := `{}`
	if findings != "" {
		dest = `{"CloudWatchLogs": {"LogGroup": "` + findings + `"}}`
	}
	return `{"Name": "data-protection-policy", "Version": "2021-06-01", "Statement": [
	 {"Sid": "audit-policy", "DataIdentifier": ` + string(arr) + `, "Operation": {"Audit": {"FindingsDestination": ` + dest + `}}},
	 {"Sid": "redact-policy", "DataIdentifier": ` + string(arr) + `, "Operation": {"Deidentify": {"MaskConfig": {}}}}]}`
}

const (
	email = "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
	ip    = "arn:aws:dataprotection::aws:data-identifier/IpAddress"
)

func TestPutDataProtectionPolicyRejectsMalformedPolicies(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	good := dpDoc("", email)
	for _, tc := range []struct {
		name, group, doc, code string
	}{
		{"the log group must exist", "nope", good, "ResourceNotFoundException"},
		{"a log group identifier is required", "", good, "InvalidParameterException"},
		{"a document is required", "app", "", "InvalidParameterException"},
		{"the document is JSON", "app", "{", "InvalidParameterException"},
		{"the version is 2021-06-01", "app", strings.Replace(good, "2021-06-01", "2012-10-17", 1), "InvalidParameterException"},
		{"an audit statement is required", "app", `{"Statement": [{"DataIdentifier": ["` + email + `"], "Operation": {"Deidentify": {"MaskConfig": {}}}}]}`, "InvalidParameterException"},
		{"a deidentify statement is required", "app", `{"Statement": [{"DataIdentifier": ["` + email + `"], "Operation": {"Audit": {"FindingsDestination": {}}}}]}`, "InvalidParameterException"},
		{"the audit needs a FindingsDestination", "app", strings.Replace(good, `"Audit": {"FindingsDestination": {}}`, `"Audit": {}`, 1), "InvalidParameterException"},
		{"MaskConfig must be empty", "app", strings.Replace(good, `"MaskConfig": {}`, `"MaskConfig": {"x": 1}`, 1), "InvalidParameterException"},
		{"both statements name the same identifiers", "app", strings.Replace(good, `"Sid": "redact-policy", "DataIdentifier": ["`+email+`"]`, `"Sid": "redact-policy", "DataIdentifier": ["`+ip+`"]`, 1), "InvalidParameterException"},
		{"identifiers are managed ARNs or custom names", "app", dpDoc("", "EmailAddress"), "InvalidParameterException"},
		{"a findings log group must exist", "app", dpDoc("missing-findings", email), "ResourceNotFoundException"},
		{"a document is at most 30720 characters", "app", strings.Replace(good, "data-protection-policy", strings.Repeat("x", 30720), 1), "InvalidParameterException"},
		{"custom identifiers have a valid regex", "app", strings.Replace(dpDoc("", "Emp"), `{"Name"`, `{"Configuration": {"CustomDataIdentifier": [{"Name": "Emp", "Regex": "("}]}, "Name"`, 1), "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: tc.group, PolicyDocument: tc.doc})
			assertCode(t, err, tc.code)
			got, err := e.s.GetDataProtectionPolicy(ctx, GetDataProtectionPolicyInput{LogGroupIdentifier: "app"})
			require.NoError(t, err)
			assert.Empty(t, got.PolicyDocument, "a rejected policy is not stored")
		})
	}
}

func TestDataProtectionMasksEventsIngestedUnderThePolicy(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	msg := "user jane@example.com from 10.1.2.3"
	e.put(t, "app", "s", ev(e.now(), msg)) // before the policy: never masked
	e.clk.Advance(time.Second)
	out, err := e.s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: dpDoc("", email)})
	require.NoError(t, err)
	assert.Equal(t, e.now(), out.LastUpdatedTime)
	e.put(t, "app", "s", ev(e.now(), msg))
	e.clk.Advance(time.Second)
	_, err = e.s.DeleteDataProtectionPolicy(ctx, DeleteDataProtectionPolicyInput{LogGroupIdentifier: "app"})
	require.NoError(t, err)
	e.put(t, "app", "s", ev(e.now(), msg)) // after the policy: not masked

	want := []string{msg, "user **************** from 10.1.2.3", msg}
	head := true
	got, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "app", LogStreamName: "s", StartFromHead: &head})
	require.NoError(t, err)
	require.Len(t, got.Events, 3)
	for i, w := range want {
		assert.Equal(t, w, got.Events[i].Message, "GetLogEvents event %d", i)
	}
	f, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "app"})
	require.NoError(t, err)
	for i, w := range want {
		assert.Equal(t, w, f.Events[i].Message, "FilterLogEvents event %d", i)
	}
	un, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "app", Unmask: Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, msg, un.Events[1].Message, "unmask shows the data as ingested")

	_, err = e.s.DeleteDataProtectionPolicy(ctx, DeleteDataProtectionPolicyInput{LogGroupIdentifier: "app"})
	assertCode(t, err, "ResourceNotFoundException")
}

func TestAccountAndGroupDataProtectionPoliciesAddUp(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	_, err := e.s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: dpDoc("", email)})
	require.NoError(t, err)
	_, err = e.s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: "acct", PolicyType: PolicyTypeDataProtection, PolicyDocument: dpDoc("", ip)})
	require.NoError(t, err)
	e.put(t, "app", "s", ev(e.now(), "a@b.io at 10.0.0.1"))
	got, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "app"})
	require.NoError(t, err)
	assert.Equal(t, "****** at ********", got.Events[0].Message)
}

func TestDataProtectionWritesAuditFindingsToTheFindingsLogGroup(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	e.group(t, "findings")
	custom := strings.Replace(dpDoc("findings", email, "EmployeeId"), `{"Name"`,
		`{"Configuration": {"CustomDataIdentifier": [{"Name": "EmployeeId", "Regex": "EMP-\\d{4}"}]}, "Name"`, 1)
	_, err := e.s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: custom})
	require.NoError(t, err)
	e.put(t, "app", "s", ev(e.now(), "to: a@b.io, c@d.io by EMP-1234"), ev(e.now(), "nothing sensitive"))
	got, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "findings"})
	require.NoError(t, err)
	require.Len(t, got.Events, 1, "one findings report per event with sensitive data")
	assert.Equal(t, FindingsLogStream, got.Events[0].LogStreamName)
	var rep struct {
		AuditTimestamp  string
		ResourceArn     string
		DataIdentifiers []struct {
			Name       string
			Count      int
			Detections []struct{ Start, End int }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(got.Events[0].Message), &rep))
	assert.Equal(t, "2026-03-01T12:00:00Z", rep.AuditTimestamp)
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:log-group:app:*", rep.ResourceArn)
	require.Len(t, rep.DataIdentifiers, 2)
	assert.Equal(t, "EmailAddress", rep.DataIdentifiers[0].Name)
	assert.Equal(t, 2, rep.DataIdentifiers[0].Count)
	assert.Equal(t, []struct{ Start, End int }{{4, 10}, {12, 18}}, rep.DataIdentifiers[0].Detections)
	assert.Equal(t, "EmployeeId", rep.DataIdentifiers[1].Name)
	masked, _ := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "app"})
	assert.Equal(t, "to: ******, ****** by ********", masked.Events[0].Message)
}

func TestMetricAndSubscriptionFiltersSeeMaskedData(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	var got []SubscriptionDelivery
	e.s.RegisterDestination(lambdaARN, func(_ context.Context, d SubscriptionDelivery) error {
		got = append(got, d)
		return nil
	})
	_, err := e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "app", FilterName: "all", DestinationArn: lambdaARN})
	require.NoError(t, err)
	_, err = e.s.PutMetricFilter(ctx, PutMetricFilterInput{LogGroupName: "app", FilterName: "by-user", FilterPattern: `{ $.user = * }`,
		MetricTransformations: []MetricTransformation{{MetricName: "Logins", MetricNamespace: "App", MetricValue: "1", Dimensions: map[string]string{"User": "$.user"}}}})
	require.NoError(t, err)
	_, err = e.s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: dpDoc("", email)})
	require.NoError(t, err)
	e.put(t, "app", "s", ev(e.now(), `{"user": "a@b.io"}`))
	require.Len(t, got, 1)
	assert.Equal(t, `{"user": "******"}`, got[0].Message.LogEvents[0].Message, "subscriptions get masked events")
	e.clk.Advance(time.Minute)
	e.mu.Lock()
	data := e.data
	e.mu.Unlock()
	require.NotEmpty(t, data)
	assert.Equal(t, "******", data[0].Input.MetricData[0].Dimensions[0].Value, "metric filters read masked events")
	un, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "app", Unmask: Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, `{"user": "a@b.io"}`, un.Events[0].Message, "the stored event is unmasked")
}
