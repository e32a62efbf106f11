package filterpolicy

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorTextsAsRecordedFromAWS pins SNS's validation messages, Jackson's
// location included, as recorded from AWS in May 2024 (LocalStack's
// test_sns_filter_policy.snapshot.json; the policies were sent as Python's
// json.dumps writes them, with spaces, and AWS quotes them compactly and
// counts columns in the compact text). anything-but with suffix, which AWS
// then refused, is a documented deliberate difference.
func TestErrorTextsAsRecordedFromAWS(t *testing.T) {
	cases := []struct{ name, policy, want string }{
		{"error-condition-list", `{"key": [["value"]]}`, "FilterPolicy: Match value must be String, number, true, false, or null\n at [Source: (String)\"{\"key\":[[\"value\"]]}\"; line: 1, column: 10]"},
		{"error-condition-operator", `{"key": [{"wrong-operator": true}]}`, "FilterPolicy: Unrecognized match type wrong-operator\n at [Source: (String)\"{\"key\":[{\"wrong-operator\":true}]}\"; line: 1, column: 31]"},
		{"error-condition-two-operators", `{"key": [{"suffix": "value", "prefix": "value2"}]}`, "FilterPolicy: Only one key allowed in match expression\n at [Source: (String)\"{\"key\":[{\"suffix\":\"value\",\"prefix\":\"value2\"}]}\"; line: 1, column: 37]"},
		{"error-condition-empty-array", `{"key": []}`, "FilterPolicy: Empty arrays are not allowed\n at [Source: (String)\"{\"key\":[]}\"; line: 1, column: 10]"},
		{"error-condition-is-numeric", `{"key": [{"suffix": 100}]}`, "FilterPolicy: suffix match pattern must be a string\n at [Source: (String)\"{\"key\":[{\"suffix\":100}]}\"; line: 1, column: 22]"},
		{"error-condition-is-none", `{"key": [{"suffix": null}]}`, "FilterPolicy: suffix match pattern must be a string\n at [Source: (String)\"{\"key\":[{\"suffix\":null}]}\"; line: 1, column: 23]"},
		{"error-condition-is-not-list-and-operator", `{"key": {"suffix": "value"}}`, "FilterPolicy: \"suffix\" must be an object or an array\n at [Source: (String)\"{\"key\":{\"suffix\":\"value\"}}\"; line: 1, column: 19]"},
		{"error-condition-empty-list", `{"key": [{"suffix": []}]}`, "FilterPolicy: suffix match pattern must be a string\n at [Source: (String)\"{\"key\":[{\"suffix\":[]}]}\"; line: 1, column: 20]"},
		{"error-condition-list-wrong-type", `{"key": [{"suffix": ["test", "test2"]}]}`, "FilterPolicy: suffix match pattern must be a string\n at [Source: (String)\"{\"key\":[{\"suffix\":[\"test\",\"test2\"]}]}\"; line: 1, column: 20]"},
		{"error-condition-is-not-list-two-ops", `{"key": {"suffix": "value", "prefix": "value"}}`, "FilterPolicy: \"suffix\" must be an object or an array\n at [Source: (String)\"{\"key\":{\"suffix\":\"value\",\"prefix\":\"value\"}}\"; line: 1, column: 19]"},
		{"error-condition-is-not-list-and-no-operator", `{"key": {"not-an-operator": "value"}}`, "FilterPolicy: \"not-an-operator\" must be an object or an array\n at [Source: (String)\"{\"key\":{\"not-an-operator\":\"value\"}}\"; line: 1, column: 28]"},
		{"error-condition-bad-type", `{"key": [{"cidr": ["bad-filter"]}]}`, "FilterPolicy: prefix match pattern must be a string\n at [Source: (String)\"{\"key\":[{\"cidr\":[\"bad-filter\"]}]}\"; line: 1, column: 18]"},
		{"error-numeric-empty", `{"key": [{"numeric": []}]}`, "FilterPolicy: Invalid member in numeric match: ]\n at [Source: (String)\"{\"key\":[{\"numeric\":[]}]}\"; line: 1, column: 22]"},
		{"error-numeric-wrong-operator", `{"key": [{"numeric": ["operator"]}]}`, "FilterPolicy: Unrecognized numeric range operator: operator\n at [Source: (String)\"{\"key\":[{\"numeric\":[\"operator\"]}]}\"; line: 1, column: 32]"},
		{"error-numeric-operator-order", `{"key": [{"numeric": [1, "<="]}]}`, "FilterPolicy: Invalid member in numeric match: 1\n at [Source: (String)\"{\"key\":[{\"numeric\":[1,\"<=\"]}]}\"; line: 1, column: 22]"},
		{"error-numeric-type", `{"key": [{"numeric": ["=", "000"]}]}`, "FilterPolicy: Value of equals must be numeric\n at [Source: (String)\"{\"key\":[{\"numeric\":[\"=\",\"000\"]}]}\"; line: 1, column: 26]"},
		{"error-numeric-missing-value", `{"key": [{"numeric": [">="]}]}`, "FilterPolicy: Value of >= must be numeric\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">=\"]}]}\"; line: 1, column: 26]"},
		{"error-numeric-wrong-range-order", `{"key": [{"numeric": ["<", 100, ">", 10]}]}`, "FilterPolicy: Too many elements in numeric expression\n at [Source: (String)\"{\"key\":[{\"numeric\":[\"<\",100,\">\",10]}]}\"; line: 1, column: 30]"},
		{"error-numeric-wrong-range-operators", `{"key": [{"numeric": [">=", 1, ">", 2]}]}`, "FilterPolicy: Bad numeric range operator: >\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">=\",1,\">\",2]}]}\"; line: 1, column: 31]"},
		{"error-numeric-wrong-value-order", `{"key": [{"numeric": [">", 3, "<", 1]}]}`, "FilterPolicy: Bottom must be less than top\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">\",3,\"<\",1]}]}\"; line: 1, column: 33]"},
		{"error-numeric-missing-range-value", `{"key": [{"numeric": [">", 20, "<="]}]}`, "FilterPolicy: Value of <= must be numeric\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">\",20,\"<=\"]}]}\"; line: 1, column: 33]"},
		{"error-numeric-missing-range-operator", `{"key": [{"numeric": [">", 20, 30]}]}`, "FilterPolicy: Bad value in numeric range: 30\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">\",20,30]}]}\"; line: 1, column: 30]"},
		{"error-numeric-wrong-second-range-operator", `{"key": [{"numeric": [">", 20, "test"]}]}`, "FilterPolicy: Bad numeric range operator: test\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">\",20,\"test\"]}]}\"; line: 1, column: 34]"},
		{"error-numeric-wrong-range-value-1-type", `{"key": [{"numeric": [">", "20", "<", "30"]}]}`, "FilterPolicy: Value of > must be numeric\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">\",\"20\",\"<\",\"30\"]}]}\"; line: 1, column: 26]"},
		{"error-numeric-wrong-range-value-2-type", `{"key": [{"numeric": [">", 20, "<", "30"]}]}`, "FilterPolicy: Value of < must be numeric\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">\",20,\"<\",\"30\"]}]}\"; line: 1, column: 33]"},
		{"error-numeric-too-many-range", `{"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]}`, "FilterPolicy: Too many terms in numeric range expression\n at [Source: (String)\"{\"key\":[{\"numeric\":[\">\",20,\"<\",30,\"<\",50]}]}\"; line: 1, column: 36]"},
		{"error-condition-none", `{"key": [{"exists": null}]}`, "FilterPolicy: exists match pattern must be either true or false.\n at [Source: (String)\"{\"key\":[{\"exists\":null}]}\"; line: 1, column: 23]"},
		{"error-condition-string", `{"key": [{"exists": "no"}]}`, "FilterPolicy: exists match pattern must be either true or false.\n at [Source: (String)\"{\"key\":[{\"exists\":\"no\"}]}\"; line: 1, column: 20]"},
		{"sub-filter-policy-rule-no-list", `{"key_a": "value_one"}`, "FilterPolicy: \"key_a\" must be an object or an array\n at [Source: (String)\"{\"key_a\":\"value_one\"}\"; line: 1, column: 11]"},
		{"error-condition-wrong-operator", `{"key": [{"anything-but": {"wrong-operator": null}}]}`, "FilterPolicy: Unsupported anything-but pattern: wrong-operator\n at [Source: (String)\"{\"key\":[{\"anything-but\":{\"wrong-operator\":null}}]}\"; line: 1, column: 47]"},
		{"error-condition-anything-but-exists", `{"key": [{"anything-but": {"exists": false}}]}`, "FilterPolicy: Unsupported anything-but pattern: exists\n at [Source: (String)\"{\"key\":[{\"anything-but\":{\"exists\":false}}]}\"; line: 1, column: 40]"},
		{"error-condition-anything-but-prefix-wrong-type", `{"key": [{"anything-but": {"prefix": false}}]}`, "FilterPolicy: prefix match pattern must be a string\n at [Source: (String)\"{\"key\":[{\"anything-but\":{\"prefix\":false}}]}\"; line: 1, column: 40]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(tc.policy, ScopeMessageBody)
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.want, pe.Error())
		})
	}
}

// TestSyntaxErrorsUseJacksonsWords pins the parse errors: Jackson's message,
// and its location with the source redacted (AWS, recorded January 2026).
func TestSyntaxErrorsUseJacksonsWords(t *testing.T) {
	const redacted = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
	cases := []struct{ name, policy, want string }{
		{"a bare word", "invalid-json", "Unrecognized token 'invalid': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + redacted + "line: 1, column: 8]"},
		{"an unquoted field name", `{invalid: ["x"]}`, "Unexpected character ('i' (code 105)): was expecting double-quote to start field name" + redacted + "line: 1, column: 3]"},
		{"a missing comma", "{\"a\": [\"x\"]\n \"b\": [\"y\"]}", "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries" + redacted + "line: 2, column: 3]"},
		{"a missing colon", `{"a" ["x"]}`, "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value" + redacted + "line: 1, column: 7]"},
		{"a misspelt literal", `{"a": [tru]}`, "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + redacted + "line: 1, column: 11]"},
		{"a closing bracket for a value", `{"a": }`, "Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')" + redacted + "line: 1, column: 8]"},
		{"a control character in a string", "{\"a\": [\"x\ty\"]}", "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in string value" + redacted + "line: 1, column: 11]"},
		{"leading zeroes", `{"a": [01]}`, "Invalid numeric value: Leading zeroes not allowed" + redacted + "line: 1, column: 10]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(tc.policy, "")
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "FilterPolicy: failed to parse JSON. "+tc.want, pe.Error())
		})
	}
}

func TestErrorsQuoteThePolicyAsJacksonWritesIt(t *testing.T) {
	_, err := Compile("{\n  \"price\": [{\"numeric\": [\">\", 1.50, \"<\", 1e0]}],\n  \"name\": [\"caf\u00e9 \\\"x\\\"\"]\n}", ScopeMessageBody)
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "FilterPolicy: Bottom must be less than top\n at [Source: (String)\"{\"price\":[{\"numeric\":[\">\",1.5,\"<\",1.0]}],\"name\":[\"caf\u00e9 \\\"x\\\"\"]}\"; line: 1, column: 39]", pe.Error())
}

// FuzzParseJSONAgreesWithEncodingJSON checks the position-keeping parser
// against encoding/json: it accepts exactly the valid documents (nesting
// aside), and its compact rendering decodes to the same value.
func FuzzParseJSONAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a":["b",1.5e3,-0,true,null,{"c":[]}]}`, `"x\u00e9\ud83d\ude00"`, `[1,]`, `{"a" 1}`, "\"\t\"", `01`, `-`, `1e+`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		n, err := parseJSON(s)
		valid := json.Valid([]byte(s))
		if err != nil {
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			if valid && !strings.Contains(se.Msg, "nesting depth") {
				t.Fatalf("rejected valid JSON %q: %v", s, err)
			}
			return
		}
		require.True(t, valid, "accepted invalid JSON %q", s)
		var b strings.Builder
		n.compact(&b)
		var want, got any
		if json.Unmarshal([]byte(s), &want) != nil {
			return // a number beyond float64: Go cannot compare it
		}
		require.NoError(t, json.Unmarshal([]byte(b.String()), &got), "compact form %q", b.String())
		assert.Equal(t, want, got)
	})
}
