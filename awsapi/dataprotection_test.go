package awsapi

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDataProtectionOverTheWire sets an account data protection policy and a
// log group's as `aws logs put-account-policy` and
// `aws logs put-data-protection-policy` do, and reads masked and unmasked
// events back.
func TestDataProtectionOverTheWire(t *testing.T) {
	r := newRig(t, Options{})
	policy := `{"Name":"p","Version":"2021-06-01","Statement":[{"Sid":"audit","DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],"Operation":{"Audit":{"FindingsDestination":{}}}},{"Sid":"redact","DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],"Operation":{"Deidentify":{"MaskConfig":{}}}}]}`
	quoted := fmt.Sprintf("%q", policy)
	for _, c := range []struct {
		target, body string
		status       int
		contains     string
	}{
		{"CreateLogGroup", `{"logGroupName":"app"}`, 200, ``},
		{"CreateLogStream", `{"logGroupName":"app","logStreamName":"s"}`, 200, ``},
		{"PutDataProtectionPolicy", `{"logGroupIdentifier":"app","policyDocument":` + quoted + `}`, 200, `"logGroupIdentifier":"app"`},
		{"GetDataProtectionPolicy", `{"logGroupIdentifier":"app"}`, 200, `"policyDocument":`},
		{"PutAccountPolicy", `{"policyName":"acct","policyType":"DATA_PROTECTION_POLICY","policyDocument":` + quoted + `}`, 200, `"scope":"ALL"`},
		{"DescribeAccountPolicies", `{"policyType":"DATA_PROTECTION_POLICY"}`, 200, `"policyName":"acct"`},
		{"PutLogEvents", fmt.Sprintf(`{"logGroupName":"app","logStreamName":"s","logEvents":[{"timestamp":%d,"message":"mail a@b.io"}]}`, t0.UnixMilli()), 200, ``},
		{"GetLogEvents", `{"logGroupName":"app","logStreamName":"s","startFromHead":true}`, 200, `"message":"mail ******"`},
		{"FilterLogEvents", `{"logGroupName":"app","unmask":true}`, 200, `"message":"mail a@b.io"`},
		{"DeleteAccountPolicy", `{"policyName":"acct","policyType":"DATA_PROTECTION_POLICY"}`, 200, ``},
		{"DeleteDataProtectionPolicy", `{"logGroupIdentifier":"app"}`, 200, ``},
		{"DeleteDataProtectionPolicy", `{"logGroupIdentifier":"app"}`, 400, `ResourceNotFoundException`},
	} {
		resp := r.do(t, jsonReq("Logs_20140328."+c.target, c.body))
		body := string(readAll(t, resp))
		require.Equal(t, c.status, resp.StatusCode, "%s: %s", c.target, body)
		assert.Contains(t, body, c.contains, c.target)
	}
}
