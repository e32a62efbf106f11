package dataid

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestManagedIdentifiersFindWhatTheyName(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"EmailAddress", "contact jane.doe@example.com or ops@corp.example.org.", []string{"jane.doe@example.com", "ops@corp.example.org"}},
		{"IpAddress", "from 10.0.0.1 to 256.1.1.1 via 192.168.1.254", []string{"10.0.0.1", "192.168.1.254"}},
		{"AwsSecretKey", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY done", []string{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}},
		{"CreditCardNumber", "card 4111 1111 1111 1111, not 4111 1111 1111 1112", []string{"4111 1111 1111 1111"}},
		{"Ssn-US", "ssn 123-45-6789 but not 000-12-3456", []string{"123-45-6789"}},
		{"PhoneNumber-US", "call (206) 555-0100 or 206-555-0199", []string{"(206) 555-0100", "206-555-0199"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, ok := ParseARN(ARNPrefix + tc.name)
			require.True(t, ok)
			var got []string
			for _, d := range id.Find(tc.text) {
				got = append(got, tc.text[d.Start:d.End])
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseARNAcceptsOnlyManagedIdentifierARNs(t *testing.T) {
	_, ok := ParseARN("arn:aws:dataprotection::aws:data-identifier/DriversLicense-US")
	assert.True(t, ok, "a managed name without a pattern here still loads")
	for _, s := range []string{"EmailAddress", "arn:aws:dataprotection::aws:data-identifier/", "arn:aws:dataprotection::aws:data-identifier/bad name"} {
		_, ok := ParseARN(s)
		assert.False(t, ok, s)
	}
}

func TestCustomIdentifiersFollowTheirLimits(t *testing.T) {
	id, err := Custom("EmployeeId", `EmployeeId-\d{9}`)
	require.NoError(t, err)
	assert.Equal(t, []Detection{{4, 24}}, id.Find("id: EmployeeId-123456789"))
	for _, tc := range []struct{ name, re string }{
		{"", "x"}, {"EmailAddress", "x"}, {"X", ""}, {"X", "("}, {"X", string(make([]byte, 201))},
	} {
		_, err := Custom(tc.name, tc.re)
		assert.Error(t, err, "%q %q", tc.name, tc.re)
	}
}

func TestMaskReplacesEachCharacterOfEveryDetection(t *testing.T) {
	assert.Equal(t, "a ***** b ***", Mask("a hello b bye", []Detection{{10, 13}, {2, 7}, {3, 5}}))
	assert.Equal(t, "é**", Mask("éàü", []Detection{{2, 6}}))
	assert.Equal(t, "same", Mask("same", nil))
}

func TestReplaceRedactsOrMasksEachDetectionOnce(t *testing.T) {
	text := "mail a@example.com or b@example.org"
	id, _ := ParseARN(ARNPrefix + "EmailAddress")
	ds := id.Find(text)
	if got := Replace(text, ds, func(string) string { return "" }); got != "mail  or " {
		t.Fatalf("redacted: %q", got)
	}
	if got := Replace(text, append(ds, ds...), func(m string) string { return "#" }); got != "mail # or #" {
		t.Fatalf("replaced overlapping detections: %q", got)
	}
}
