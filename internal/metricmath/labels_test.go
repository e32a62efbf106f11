package metricmath

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDynamicLabels(t *testing.T) {
	s := ts(4, 1, nil, 10)
	s.Metric = &MetricInfo{Namespace: "AWS/Lambda", MetricName: "Errors", Stat: "Sum", Period: 60,
		Dimensions: []Dimension{{"FunctionName", "checkout"}}}
	lc := LabelContext{Now: time.Unix(t0+600, 0), Default: "Errors", Region: "us-east-1", AccountID: "123456789012"}
	cases := map[string]string{
		"plain":                             "plain",
		"${AVG}":                            "5",
		"${SUM} ${MIN} ${MAX}":              "15 1 10",
		"${FIRST}/${LAST}":                  "4/10",
		"${DATAPOINT_COUNT}":                "3",
		"${FIRST_LAST_RANGE}":               "6",
		"${MIN_MAX_RANGE}":                  "9",
		"${FIRST_TIME}":                     "2024-01-01T00:00:00Z",
		"${MAX_TIME}":                       "2024-01-01T00:03:00Z",
		"${MIN_TIME}":                       "2024-01-01T00:01:00Z",
		"${LAST_TIME_RELATIVE}":             "7m",
		"${FIRST_LAST_TIME_RANGE}":          "3m",
		"${MIN_MAX_TIME_RANGE}":             "2m",
		"[max: ${MAX} Errors for ${LABEL}]": "[max: 10 Errors for Errors]",
		"${PROP('Dim.FunctionName')}":       "checkout",
		"${PROP('MetricName')} ${PROP('Namespace')} ${PROP('Stat')} ${PROP('Period')}": "Errors AWS/Lambda Sum 60",
		"${PROP('Region')} ${PROP('AccountId')}":                                       "us-east-1 123456789012",
		"${NOPE}":                                                                      "${NOPE}",
		"${unterminated":                                                               "${unterminated",
	}
	for in, want := range cases {
		assert.Equal(t, want, ExpandLabel(in, &s, lc), in)
	}
	empty := Series{}
	assert.Equal(t, "avg  n 0", ExpandLabel("avg ${AVG} n ${DATAPOINT_COUNT}", &empty, lc))
}

func TestLabelTimezone(t *testing.T) {
	loc, err := ParseTimezone("+0130")
	require.NoError(t, err)
	s := ts(1)
	assert.Equal(t, "2024-01-01T01:30:00+01:30", ExpandLabel("${FIRST_TIME}", &s, LabelContext{Location: loc}))
	for _, bad := range []string{"0130", "+1", "+25:0", "+9960", "UTC"} {
		_, err := ParseTimezone(bad)
		assert.Error(t, err, bad)
	}
	loc, err = ParseTimezone("")
	require.NoError(t, err)
	assert.Equal(t, time.UTC, loc)
}
