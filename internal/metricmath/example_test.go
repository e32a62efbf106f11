package metricmath_test

import (
	"fmt"

	"github.com/localwatch/localwatch/internal/metricmath"
)

// source serves fixed data for two metric queries.
type source map[string]metricmath.Series

func (s source) Metric(id string) (metricmath.Series, error) { return s[id], nil }
func (s source) Search(*metricmath.SearchQuery, string, int) ([]metricmath.Series, error) {
	return nil, nil
}

// Compile a request once, then evaluate it: the error rate of a service, with
// the minutes that have no errors filled with 0.
func Example() {
	prog, err := metricmath.Compile([]metricmath.Query{
		{ID: "errors", Period: 60},
		{ID: "requests", Period: 60},
		{ID: "rate", Expression: "100 * FILL(errors, 0) / requests"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	data := source{
		"errors":   {Period: 60, Times: []int64{0, 120}, Values: []float64{2, 5}},
		"requests": {Period: 60, Times: []int64{0, 60, 120}, Values: []float64{100, 80, 50}},
	}
	results, err := prog.Eval(metricmath.Env{Start: 0, End: 180}, data)
	if err != nil {
		fmt.Println(err)
		return
	}
	rate := results[2].Series[0]
	fmt.Println(rate.Times, rate.Values)

	_, err = metricmath.Compile([]metricmath.Query{{ID: "e1", Expression: "SUM(m1"}})
	fmt.Println(err)
	// Output:
	// [0 60 120] [2 0 10]
	// ValidationError: Error in expression e1: Expected "," or ")" but found end of expression at position 7
}
