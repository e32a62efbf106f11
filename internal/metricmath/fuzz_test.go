package metricmath

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that the parser and the evaluator never panic or hang on
// any input, and that every accepted expression evaluates or fails with an
// AWS-style error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"m1 + m2", "SUM(METRICS())/PERIOD(m1)", "IF(m1 > 2 AND NOT m2 < 1, m1, 0)",
		"FILL(METRICS(\"m\"), LINEAR)", "SORT(METRICS(), AVG, DESC, 2)", "-2^-3^2",
		"SEARCH('{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" NOT (a OR b)', 'Average', 300)",
		"[m1, m2] / m1", "((((m1))))", "SLICE(METRICS(), 1, 2)", "TIME_SERIES(5*AVG(m1))",
		"DIFF(RATE(RUNNING_SUM(m1)))", "m1 != m2 || m1 == 3", "1e309 * m1", "“4xx”", "m1 $",
	} {
		f.Add(s)
	}
	src := &fakeSource{
		metrics: map[string]Series{"m1": ts(1, nil, 3, 0), "m2": ts(0, 2, nil, 4)},
		catalog: []MetricInfo{{Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: []Dimension{{"InstanceId", "i-1"}}}},
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if !utf8.ValidString(expr) {
			return
		}
		n, err := Parse(expr)
		if err == nil && n == nil {
			t.Fatal("nil node without error")
		}
		p, err := Compile([]Query{{ID: "m1", Period: 60}, {ID: "m2", Period: 60}, {ID: "e1", Expression: expr}})
		if err != nil {
			return
		}
		_, _ = p.Eval(Env{Start: t0, End: t0 + 4*60}, src)
	})
}

// FuzzParseSearch checks the SEARCH query parser and matcher never panic.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		`{AWS/EC2,InstanceId} MetricName="CPUUtilization"`, `(EC2 OR EBS) AND ReadOps`,
		`NOT Namespace=AWS`, ` {"My Namespace", "Dim@N"}, "Custom:Name\(x\)" `, `a=b=c`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		sq, err := ParseSearch(q)
		if err != nil {
			return
		}
		sq.Match("AWS/EC2", "CPUUtilization", []Dimension{{"InstanceId", "i-0abcDEF12"}})
	})
}
