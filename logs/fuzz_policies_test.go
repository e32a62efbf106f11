package logs

import "testing"

// FuzzPolicyDocuments: data protection and account policy documents and
// selection criteria either fail with an AWS error or parse, and a parsed
// data protection policy masks any message without panicking.
func FuzzPolicyDocuments(f *testing.F) {
	f.Add(dpDoc("", email, ip), "a@b.io 10.0.0.1", `LogGroupNamePrefix IN ["a", "b"]`)
	f.Add(`{"Fields": ["x"]}`, "", `DataSourceName = "amazon_vpc" AND DataSourceType = "flow"`)
	f.Fuzz(func(t *testing.T, doc, msg, criteria string) {
		if p, err := parseDataProtection(doc); err == nil {
			detections(msg, p)
		}
		for _, pt := range policyTypes {
			_ = validatePolicyDocument(pt, doc)
			_, _ = parseCriteria(pt, criteria)
		}
	})
}
