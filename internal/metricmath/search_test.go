package metricmath

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenizationFromTheUserGuide(t *testing.T) {
	cases := map[string][]string{
		"CustomCount1":      {"Custom", "Count", "1"},
		"SDBFailure":        {"SDB", "Failure"},
		"Project2-trial333": {"Project", "2", "trial", "333"},
		"Network-Errors_2":  {"Network", "Errors", "2"},
		"AWS/EC2":           {"AWS", "EC", "2"},
		"i-0abc":            {"i", "0", "abc"},
	}
	for in, want := range cases {
		assert.Equal(t, want, tokenStrings(in), in)
	}
}

func match(t *testing.T, query, ns, name string, dims ...Dimension) bool {
	t.Helper()
	q, err := ParseSearch(query)
	require.NoError(t, err, query)
	return q.Match(ns, name, dims)
}

func TestSearchPartialAndExactMatches(t *testing.T) {
	cases := []struct {
		name  string
		query string
		want  bool
	}{
		// Partial matches of one token are case-insensitive.
		{"count", "count", true},
		{"Count", "Count", true},
		{"COUNT", "COUNT", true},
		// couNT is tokenized into cou and NT.
		{"couNT", "couNT", false},
		// Composite tokens are matched case-sensitively.
		{"CustomCount", "CustomCount", true},
		{"Count1", "Count1", true},
		{"customcount", "customcount", false},
		{"count1", "count1", false},
		{"the whole name as one token", "customcount1", true},
		{"exact match", `"CustomCount1"`, true},
		{"exact match is case-sensitive", `"customcount1"`, false},
		{"exact match is not partial", `"Custom"`, false},
		{"MetricName designator", `MetricName="CustomCount1"`, true},
		{"MetricName designator on another name", `MetricName="Other"`, false},
		{"Namespace designator, partial", `Namespace=my`, true},
		{"dimension designator, partial", `InstanceType=micro`, true},
		{"dimension designator, exact", `InstanceType="t2.micro"`, true},
		{"dimension designator, exact mismatch", `InstanceType="t2"`, false},
		{"implicit AND", `custom micro`, true},
		{"implicit AND, one side false", `custom large`, false},
		{"OR", `large OR micro`, true},
		{"NOT", `NOT micro`, false},
		{"NOT alone", `NOT Namespace=AWS`, true},
		{"grouping", `(large OR t2) AND MetricName=Count`, true},
		{"dimension name matches too", `InstanceType`, true},
		{"delimiters in the term match consecutive tokens", `t2.micro`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := match(t, c.query, "MyNamespace", "CustomCount1", Dimension{"InstanceType", "t2.micro"})
			assert.Equal(t, c.want, got)
		})
	}
}

func TestSearchNonAlphanumericTerms(t *testing.T) {
	for _, term := range []string{"network/errors", "network+errors", "network-errors", "Network_Errors"} {
		assert.True(t, match(t, term, "App", "Network-Errors-2"), term)
		assert.True(t, match(t, term, "App", "NetworkErrors2"), term)
	}
	assert.True(t, match(t, `"Network-Errors-2"`, "App", "Network-Errors-2"))
	assert.False(t, match(t, `"Network_Errors_2"`, "App", "Network-Errors-2"))
	// Escapes in exact matches.
	assert.True(t, match(t, `"Europe\\France Traffic\(Network\)"`, "App", `Europe\France Traffic(Network)`))
}

func TestSearchSchema(t *testing.T) {
	inst := Dimension{"InstanceId", "i-1"}
	typ := Dimension{"InstanceType", "t2.micro"}
	assert.True(t, match(t, `{AWS/EC2,InstanceId} MetricName="CPUUtilization"`, "AWS/EC2", "CPUUtilization", inst))
	// The schema's dimensions are the metric's exact dimension set.
	assert.False(t, match(t, `{AWS/EC2,InstanceId} MetricName="CPUUtilization"`, "AWS/EC2", "CPUUtilization", inst, typ))
	assert.False(t, match(t, `{AWS/EC2,InstanceId} MetricName="CPUUtilization"`, "AWS/EC2", "CPUUtilization"))
	assert.False(t, match(t, `{AWS/EC2,InstanceId}`, "AWS/RDS", "CPUUtilization", inst))
	assert.True(t, match(t, `{AWS/EC2}`, "AWS/EC2", "CPUUtilization"))
	assert.True(t, match(t, ` {"My Namespace", "Dimension@Name"}, "Custom:Name[Special_Characters" `, "My Namespace", "Custom:Name[Special_Characters", Dimension{"Dimension@Name", "x"}))
	assert.True(t, match(t, ` {AWS/EC2, InstanceId} MetricName="CPUUtilization" NOT i-1234567890123456 `, "AWS/EC2", "CPUUtilization", inst))
	assert.False(t, match(t, ` {AWS/EC2, InstanceId} MetricName="CPUUtilization" NOT i-1 `, "AWS/EC2", "CPUUtilization", inst))
	lambda := `{AWS/Lambda,FunctionName} MetricName="Errors" OR (MetricName="Invocations" AND (ProjectA OR ProjectB))`
	assert.True(t, match(t, lambda, "AWS/Lambda", "Errors", Dimension{"FunctionName", "x"}))
	assert.True(t, match(t, lambda, "AWS/Lambda", "Invocations", Dimension{"FunctionName", "ProjectA-fn"}))
	assert.False(t, match(t, lambda, "AWS/Lambda", "Invocations", Dimension{"FunctionName", "ProjectC-fn"}))
}

func TestSearchSyntaxErrors(t *testing.T) {
	for _, q := range []string{
		"", "   ", "{AWS/EC2", "{AWS/EC2,}", "(a OR b", "a OR", "MetricName=", `"unterminated`,
		"a } b", "---",
	} {
		_, err := ParseSearch(q)
		assert.Error(t, err, q)
	}
	long := make([]byte, MaxSearchLength+1)
	for i := range long {
		long[i] = 'a'
	}
	_, err := ParseSearch(string(long))
	assert.Error(t, err)
}

func TestSearchMetricNameEquals(t *testing.T) {
	cases := map[string]string{ // query -> required name ("" for none)
		`{AWS/EC2,InstanceId} MetricName="CPUUtilization"`:                    "CPUUtilization",
		`{App,Host} web AND MetricName="Errors"`:                              "Errors",
		`{App,Host} (MetricName="Errors" AND web) AND Host="a"`:               "Errors",
		`{App,Host} MetricName="Errors" OR Latency`:                           "",
		`{App,Host} NOT MetricName="Errors"`:                                  "",
		`{App,Host} MetricName=Errors`:                                        "", // partial match
		`{App,Host}`:                                                          "",
		`Errors`:                                                              "",
		`{App,Host} (MetricName="Errors" OR MetricName="Faults") AND web-01*`: "",
	}
	for query, want := range cases {
		q, err := ParseSearch(query)
		require.NoError(t, err, query)
		got, ok := q.MetricNameEquals()
		assert.Equal(t, want != "", ok, query)
		assert.Equal(t, want, got, query)
	}
}
