package metricmath

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/awserr"
)

// t0 is the start of every test range; points are one period (60 s) apart.
var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix() // a Monday

// ts builds a series at t0, t0+60, ... from values; nil marks a missing point.
func ts(vals ...any) Series {
	s := Series{Period: 60}
	for i, v := range vals {
		if v == nil {
			continue
		}
		var f float64
		switch v := v.(type) {
		case int:
			f = float64(v)
		case float64:
			f = v
		}
		s.Times = append(s.Times, t0+int64(i)*60)
		s.Values = append(s.Values, f)
	}
	return s
}

// dense renders a series over n periods from t0, "-" for missing points.
func dense(s Series, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = nil
	}
	for i, t := range s.Times {
		k := int((t - t0) / 60)
		if k >= 0 && k < n {
			out[k] = s.Values[i]
		}
	}
	return out
}

func want(vals ...any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		switch v := v.(type) {
		case int:
			out[i] = float64(v)
		default:
			out[i] = v
		}
	}
	return out
}

type fakeSource struct {
	metrics  map[string]Series
	catalog  []MetricInfo
	searches int
}

func (f *fakeSource) Metric(id string) (Series, error) {
	s, ok := f.metrics[id]
	if !ok {
		return Series{Period: 60}, nil
	}
	if s.Label == "" {
		s.Label = id
	}
	return s, nil
}

func (f *fakeSource) Search(q *SearchQuery, stat string, period int) ([]Series, error) {
	f.searches++
	var out []Series
	for _, m := range f.catalog {
		if q.Match(m.Namespace, m.MetricName, m.Dimensions) {
			info := m
			info.Stat, info.Period = stat, period
			out = append(out, Series{Label: m.MetricName, Period: period, Metric: &info, Times: []int64{t0}, Values: []float64{1}})
		}
	}
	return out, nil
}

// run compiles metric queries m1..mN (from src.metrics, in key order given)
// plus one expression e and evaluates it over n periods.
func run(t *testing.T, src *fakeSource, ids []string, expr string, n int) (*Result, error) {
	t.Helper()
	var qs []Query
	for _, id := range ids {
		qs = append(qs, Query{ID: id, Period: 60})
	}
	qs = append(qs, Query{ID: "e", Expression: expr})
	p, err := Compile(qs)
	if err != nil {
		return nil, err
	}
	rs, err := p.Eval(Env{Start: t0, End: t0 + int64(n)*60}, src)
	if err != nil {
		return nil, err
	}
	return rs[len(rs)-1], nil
}

func TestExpressionsFromTheUserGuide(t *testing.T) {
	// The user guide's comparison example: metric1 [30, 20, 0, 0] and
	// metric2 [20, -, 20, -]; and its IF tables over metric1 [1, 1, 0, 0, -],
	// metric2 [30, -, 0, 0, 30], metric3 [0, 0, 20, -, 20].
	cmpSrc := &fakeSource{metrics: map[string]Series{
		"metric1": ts(30, 20, 0, 0),
		"metric2": ts(20, nil, 20, nil),
	}}
	ifSrc := &fakeSource{metrics: map[string]Series{
		"metric1": ts(1, 1, 0, 0, nil),
		"metric2": ts(30, nil, 0, 0, 30),
		"metric3": ts(0, 0, 20, nil, 20),
	}}
	cases := []struct {
		name string
		src  *fakeSource
		expr string
		n    int
		want []any
	}{
		{"comparing two series treats a missing point as 0", cmpSrc, "(metric1 < metric2)", 4, want(0, 0, 1, 0)},
		{"comparing a series with a scalar", cmpSrc, "(metric1 >= 30)", 4, want(1, 0, 0, 0)},
		{"AND of two comparisons", cmpSrc, "(metric1 > 15 AND metric2 > 15)", 4, want(1, 0, 0, 0)},
		{"&& is AND", cmpSrc, "metric1 > 15 && metric2 > 15", 4, want(1, 0, 0, 0)},
		{"OR of two comparisons", cmpSrc, "metric1 > 25 || metric2 > 15", 4, want(1, 0, 1, 0)},
		{"IF(metric1, metric2, metric3)", ifSrc, "IF(metric1, metric2, metric3)", 5, want(30, 0, 20, nil, nil)},
		{"IF(metric1, scalar2, metric3)", ifSrc, "IF(metric1, 5, metric3)", 5, want(5, 5, 20, nil, nil)},
		{"IF(metric1, metric2, scalar3)", ifSrc, "IF(metric1, metric2, 5)", 5, want(30, 0, 5, 5, nil)},
		{"IF without a false value drops false points", ifSrc, "IF(metric1, metric2)", 5, want(30, 0, nil, nil, nil)},
		{"IF with a scalar condition picks a series", ifSrc, "IF(1, metric2, metric3)", 5, want(30, nil, 0, 0, 30)},
		{"IF with a false scalar condition and no false value is empty", ifSrc, "IF(0, metric2)", 5, want(nil, nil, nil, nil, nil)},
		{"IF(metric < 400, 10, 2)", ifSrc, "IF(metric2 < 10, 10, 2)", 5, want(2, nil, 10, 10, 2)},
		{"NOT inverts a condition", ifSrc, "IF(NOT metric1, 7)", 5, want(nil, nil, 7, 7, nil)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := run(t, c.src, []string{"metric1", "metric2", "metric3"}, c.expr, c.n)
			require.NoError(t, err)
			require.Equal(t, KindSeries, r.Kind)
			assert.Equal(t, c.want, dense(r.Series[0], c.n))
		})
	}
}

func TestArithmetic(t *testing.T) {
	src := &fakeSource{metrics: map[string]Series{
		"m1": ts(10, 20, 30, nil, 50),
		"m2": ts(2, nil, 3, 4, 0),
		"m3": ts(1, 1, 1, 1, 1),
	}}
	cases := []struct {
		name string
		expr string
		want []any
	}{
		{"series plus series: a missing value counts as 0 (user guide)", "m1 + m2", want(12, 20, 33, 4, 50)},
		{"series times scalar at every point", "5 * m1", want(50, 100, 150, nil, 250)},
		{"scalar over series", "60 / m3", want(60, 60, 60, 60, 60)},
		{"division by zero (or by a missing value) drops the point", "m1 / m2", want(5, nil, 10, 0, nil)},
		{"power is right-associative", "m3 * 2 ^ 3 ^ 2", want(512, 512, 512, 512, 512)},
		{"unary minus binds looser than power", "m3 * -2 ^ 2", want(-4, -4, -4, -4, -4)},
		{"precedence of * over +", "m3 + 2 * 3", want(7, 7, 7, 7, 7)},
		{"parentheses", "(m3 + 2) * 3", want(9, 9, 9, 9, 9)},
		{"unary minus of a series", "-m2", want(-2, nil, -3, -4, 0)},
		{"m1 - AVG(m1) uses the scalar average", "m1 - AVG(m1)", want(-17.5, -7.5, 2.5, nil, 22.5)},
		{"SUM of one series is a scalar", "m3 * SUM(m1)", want(110, 110, 110, 110, 110)},
		{"MAX(m1)/m1", "MAX(m1) / m1", want(5, 2.5, 50.0/30, nil, 1)},
		{"MIN of a series", "m3 * MIN(m1)", want(10, 10, 10, 10, 10)},
		{"DATAPOINT_COUNT of a series", "SUM(m1) / DATAPOINT_COUNT(m1) + 0 * m3", want(27.5, 27.5, 27.5, 27.5, 27.5)},
		{"STDDEV of a series (population)", "m3 * STDDEV(m3)", want(0, 0, 0, 0, 0)},
		{"ABS", "ABS(m2 - 3)", want(1, nil, 0, 1, 3)},
		{"CEIL and FLOOR", "CEIL(m1 / 3) + FLOOR(m3 / 2)", want(4, 7, 10, 0, 17)},
		{"LOG10", "LOG10(m1)", want(1, math.Log10(20), math.Log10(30), nil, math.Log10(50))},
		{"LOG of zero is dropped", "LOG(m2)", want(math.Log(2), nil, math.Log(3), math.Log(4), nil)},
		{"DIFF", "DIFF(m1)", want(nil, 10, 10, nil, 20)},
		{"DIFF_TIME", "DIFF_TIME(m1)", want(nil, 60, 60, nil, 120)},
		{"RATE per second", "RATE(m1)", want(nil, 10.0/60, 10.0/60, nil, 20.0/120)},
		{"RUNNING_SUM", "RUNNING_SUM(m1)", want(10, 30, 60, nil, 110)},
		{"FILL with a value fills every period", "FILL(m1, 0)", want(10, 20, 30, 0, 50)},
		{"FILL with a scalar expression", "FILL(m2, MIN(m1))", want(2, 10, 3, 4, 0)},
		{"FILL with a series", "FILL(m1, m2)", want(10, 20, 30, 4, 50)},
		{"TIME_SERIES of a scalar", "TIME_SERIES(MAX(m1))", want(50, 50, 50, 50, 50)},
		{"TIME_SERIES(10)", "TIME_SERIES(10)", want(10, 10, 10, 10, 10)},
		{"PERIOD of a metric", "m3 * PERIOD(m1)", want(60, 60, 60, 60, 60)},
		{"m1/PERIOD(m1)", "m1/PERIOD(m1)", want(10.0/60, 20.0/60, 30.0/60, nil, 50.0/60)},
		{"MINUTE is non-sparse", "MINUTE(m1)", want(0, 1, 2, 3, 4)},
		{"HOUR, DATE, MONTH, YEAR on 2024-01-01", "HOUR(m1) + DATE(m1) * 10 + MONTH(m1) * 100 + YEAR(m1) * 1000", want(2024110, 2024110, 2024110, 2024110, 2024110)},
		{"DAY is 1 on a Monday", "DAY(m1)", want(1, 1, 1, 1, 1)},
		{"IF(DAY(m1) < 6, m1) keeps weekdays", "IF(DAY(m1) < 6, m1)", want(10, 20, 30, 0, 50)},
		{"EPOCH", "EPOCH(m3) - " + itoa(t0), want(0, 60, 120, 180, 240)},
		{"comparison between scalars is a scalar", "m3 * (2 > 1)", want(1, 1, 1, 1, 1)},
		{"!= and == then +", "(m1 != 20) + (m2 == 3)", want(1, 0, 2, 0, 1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := run(t, src, []string{"m1", "m2", "m3"}, c.expr, 5)
			require.NoError(t, err)
			require.Equal(t, KindSeries, r.Kind)
			assertDense(t, c.want, dense(r.Series[0], 5))
		})
	}
}

func assertDense(t *testing.T, want, got []any) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range got {
		if want[i] == nil {
			assert.Nil(t, got[i], "point %d", i)
			continue
		}
		if !assert.NotNil(t, got[i], "point %d", i) {
			continue
		}
		assert.InDelta(t, want[i].(float64), got[i].(float64), 1e-9, "point %d", i)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func formatInt(v int64) string { return strconv.FormatInt(v, 10) }

func TestDivisionByZeroReportsArithmeticError(t *testing.T) {
	src := &fakeSource{metrics: map[string]Series{"m1": ts(1, 2), "m2": ts(0, 1)}}
	r, err := run(t, src, []string{"m1", "m2"}, "m1/m2", 2)
	require.NoError(t, err)
	assert.Equal(t, want(nil, 2), dense(r.Series[0], 2))
	require.Len(t, r.Messages, 1)
	assert.Equal(t, CodeArithmeticError, r.Messages[0].Code)

	r, err = run(t, src, []string{"m1", "m2"}, "m1*m2", 2)
	require.NoError(t, err)
	assert.Empty(t, r.Messages)
}

func TestFillRepeatAndLinear(t *testing.T) {
	src := &fakeSource{metrics: map[string]Series{"m1": ts(nil, 10, nil, nil, 40, nil)}}
	cases := []struct {
		expr string
		want []any
	}{
		// REPEAT carries the most recent real value forward; nothing
		// precedes the first one.
		{"FILL(m1, REPEAT)", want(nil, 10, 10, 10, 40, 40)},
		// LINEAR interpolates between the values around a gap only.
		{"FILL(m1, LINEAR)", want(nil, 10, 20, 30, 40, nil)},
		{"FILL(m1, 0)", want(0, 10, 0, 0, 40, 0)},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			r, err := run(t, src, []string{"m1"}, c.expr, 6)
			require.NoError(t, err)
			assert.Equal(t, c.want, dense(r.Series[0], 6))
		})
	}
	// FILL of a metric without data still fills the whole range.
	empty := &fakeSource{metrics: map[string]Series{}}
	r, err := run(t, empty, []string{"m1"}, "FILL(m1, 0)", 3)
	require.NoError(t, err)
	assert.Equal(t, want(0, 0, 0), dense(r.Series[0], 3))
}

func TestArraysOfSeries(t *testing.T) {
	src := &fakeSource{metrics: map[string]Series{
		"errors_a":   ts(1, 2, 3),
		"errors_b":   ts(10, nil, 30),
		"requests_a": ts(100, 100, 100),
	}}
	ids := []string{"errors_a", "errors_b", "requests_a"}
	t.Run("METRICS() returns every metric query as an array", func(t *testing.T) {
		r, err := run(t, src, ids, "METRICS()", 3)
		require.NoError(t, err)
		assert.Equal(t, KindArray, r.Kind)
		require.Len(t, r.Series, 3)
		assert.Equal(t, "errors_a", r.Series[0].Label)
	})
	t.Run("METRICS() with a filter keeps the Ids that contain it", func(t *testing.T) {
		r, err := run(t, src, ids, `METRICS("errors")`, 3)
		require.NoError(t, err)
		require.Len(t, r.Series, 2)
		assert.Equal(t, "errors_b", r.Series[1].Label)
	})
	t.Run("SUM of an array sums the points at each timestamp", func(t *testing.T) {
		r, err := run(t, src, ids, `SUM(METRICS("errors"))`, 3)
		require.NoError(t, err)
		assert.Equal(t, KindSeries, r.Kind)
		assert.Equal(t, want(11, 2, 33), dense(r.Series[0], 3))
	})
	t.Run("AVG of an array treats a missing point as 0", func(t *testing.T) {
		r, err := run(t, src, ids, `AVG([errors_a, errors_b])`, 3)
		require.NoError(t, err)
		assert.Equal(t, want(5.5, 1, 16.5), dense(r.Series[0], 3))
	})
	t.Run("MIN, MAX and DATAPOINT_COUNT of an array", func(t *testing.T) {
		r, err := run(t, src, ids, `MAX(METRICS()) - MIN(METRICS()) + DATAPOINT_COUNT(METRICS())`, 3)
		require.NoError(t, err)
		assert.Equal(t, want(102, 100, 100), dense(r.Series[0], 3))
	})
	t.Run("STDDEV of an array", func(t *testing.T) {
		r, err := run(t, src, ids, `STDDEV([errors_a, errors_a])`, 3)
		require.NoError(t, err)
		assert.Equal(t, want(0, 0, 0), dense(r.Series[0], 3))
	})
	t.Run("an array divided by a scalar keeps each member's identity", func(t *testing.T) {
		r, err := run(t, src, ids, `METRICS()/100`, 3)
		require.NoError(t, err)
		require.Len(t, r.Series, 3)
		assert.Equal(t, "requests_a", r.Series[2].Label)
		assert.Equal(t, want(1, 1, 1), dense(r.Series[2], 3))
	})
	t.Run("an array over a series", func(t *testing.T) {
		r, err := run(t, src, ids, `SUM(100/[errors_a, errors_b])`, 3)
		require.NoError(t, err)
		assertDense(t, want(110, 50, 100.0/3+100.0/30), dense(r.Series[0], 3))
		r, err = run(t, src, ids, `AVG([errors_a, errors_b] / requests_a)`, 3)
		require.NoError(t, err)
		assertDense(t, want(0.055, 0.01, 0.165), dense(r.Series[0], 3))
	})
	t.Run("unary minus of an array", func(t *testing.T) {
		r, err := run(t, src, ids, `SUM(-[errors_a, errors_b])`, 3)
		require.NoError(t, err)
		assert.Equal(t, want(-11, -2, -33), dense(r.Series[0], 3))
	})
	t.Run("SORT by SUM descending with a limit, then FIRST and LAST", func(t *testing.T) {
		r, err := run(t, src, ids, `SORT(METRICS(), SUM, DESC, 2)`, 3)
		require.NoError(t, err)
		require.Len(t, r.Series, 2)
		assert.Equal(t, "requests_a", r.Series[0].Label)
		assert.Equal(t, "errors_b", r.Series[1].Label)
		r, err = run(t, src, ids, `LAST(SORT(METRICS(), AVG, ASC))`, 3)
		require.NoError(t, err)
		assert.Equal(t, "requests_a", r.Series[0].Label)
		r, err = run(t, src, ids, `FIRST(SORT(METRICS(), MAX, ASC))`, 3)
		require.NoError(t, err)
		assert.Equal(t, "errors_a", r.Series[0].Label)
	})
	t.Run("SLICE with one and two bounds", func(t *testing.T) {
		r, err := run(t, src, ids, `SLICE(METRICS(), 1)`, 3)
		require.NoError(t, err)
		require.Len(t, r.Series, 2)
		assert.Equal(t, "errors_b", r.Series[0].Label)
		r, err = run(t, src, ids, `SLICE(SORT(METRICS(), SUM, DESC), 0, 1)`, 3)
		require.NoError(t, err)
		require.Len(t, r.Series, 1)
		assert.Equal(t, "requests_a", r.Series[0].Label)
	})
	t.Run("METRIC_COUNT", func(t *testing.T) {
		r, err := run(t, src, ids, `errors_a / METRIC_COUNT(METRICS())`, 3)
		require.NoError(t, err)
		assert.Equal(t, want(1.0/3, 2.0/3, 1), dense(r.Series[0], 3))
	})
	t.Run("FILL of an array", func(t *testing.T) {
		r, err := run(t, src, ids, `FILL(METRICS(), 0)`, 3)
		require.NoError(t, err)
		assert.Equal(t, want(10, 0, 30), dense(r.Series[1], 3))
	})
	t.Run("REMOVE_EMPTY drops series without data", func(t *testing.T) {
		r, err := run(t, src, append(ids, "idle"), `REMOVE_EMPTY(METRICS())`, 3)
		require.NoError(t, err)
		assert.Len(t, r.Series, 3)
	})
	t.Run("SUM of an empty array is an empty series", func(t *testing.T) {
		r, err := run(t, src, ids, `SUM(METRICS("nothing"))`, 3)
		require.NoError(t, err)
		assert.Equal(t, KindSeries, r.Kind)
		assert.Empty(t, r.Series[0].Times)
	})
}

func TestSearchInExpressions(t *testing.T) {
	src := &fakeSource{catalog: []MetricInfo{
		{Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: []Dimension{{"FunctionName", "a"}}},
		{Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: []Dimension{{"FunctionName", "b"}}},
		{Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: []Dimension{{"FunctionName", "a"}}},
	}}
	r, err := run(t, src, nil, `SUM(SEARCH('{AWS/Lambda, FunctionName} MetricName="Errors"', 'Sum', 300))`, 1)
	require.NoError(t, err)
	assert.Equal(t, []float64{2}, r.Series[0].Values)
	r, err = run(t, src, nil, `SEARCH('{AWS/Lambda,FunctionName} Errors', 'Sum', 300)`, 1)
	require.NoError(t, err)
	require.Len(t, r.Series, 2)
	assert.Equal(t, "Sum", r.Series[0].Metric.Stat)
	assert.Equal(t, 300, r.Series[0].Metric.Period)
}

func TestSearchLimit(t *testing.T) {
	src := &fakeSource{}
	for i := range 600 {
		src.catalog = append(src.catalog, MetricInfo{Namespace: "App", MetricName: "M" + formatInt(int64(i))})
	}
	r, err := run(t, src, nil, `SEARCH('{App}', 'Sum', 60)`, 1)
	require.NoError(t, err)
	assert.Len(t, r.Series, MaxSearchResults)
	assert.True(t, r.Partial)
	require.Len(t, r.Messages, 1)
	assert.Equal(t, CodeMaxMetricsExceeded, r.Messages[0].Code)
}

func TestExpressionErrors(t *testing.T) {
	cases := []struct {
		name    string
		queries []Query
		msg     string
	}{
		{"an unknown Id", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "m1 + m2"}}, `Unknown metric or expression Id "m2" at position 6`},
		{"a syntax error names its position", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "m1 + * 2"}}, `Unexpected token "*" at position 6`},
		{"an unterminated call", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "SUM(m1"}}, "at position 7"},
		{"an unknown character", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "m1 $ 2"}}, `Unrecognized token "$" at position 4`},
		{"functions must be upper case", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "sum(m1)"}}, `Unknown function "sum"`},
		{"an unknown function", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "MEDIAN(m1)"}}, `Unknown function "MEDIAN"`},
		{"the wrong number of arguments", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "FILL(m1)"}}, "Function FILL takes 2 argument(s) but 1 were given"},
		{"a cycle", []Query{{ID: "e1", Expression: "e2 * 2"}, {ID: "e2", Expression: "e1 + 1"}}, "Circular dependency"},
		{"an expression referring to itself", []Query{{ID: "e1", Expression: "e1 + 1"}}, "Circular dependency"},
		{"PERIOD of an expression", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "m1*2"}, {ID: "e2", Expression: "PERIOD(e1)"}}, "PERIOD takes the Id of a metric"},
		{"an Id with an upper-case first letter", []Query{{ID: "M1", Period: 60}}, `Invalid metric Id "M1"`},
		{"an Id with a dash", []Query{{ID: "m-1", Period: 60}}, `Invalid metric Id "m-1"`},
		{"duplicate Ids", []Query{{ID: "m1", Period: 60}, {ID: "m1", Period: 60}}, "not unique"},
		{"a bad FILL keyword", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "FILL(m1, NEAREST)"}}, `Unrecognized identifier "NEAREST"`},
		{"a bad SORT order", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "SORT(METRICS(), AVG, UP)"}}, "Invalid sort order"},
		{"a bad search", []Query{{ID: "e1", Expression: "SEARCH('{AWS/EC2', 'Average', 300)"}}, "Invalid search expression"},
		{"an empty expression", []Query{{ID: "e1", Expression: "  "}}, "Empty expression"},
		{"an unavailable function", []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "SERVICE_QUOTA(m1)"}}, "not available"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(c.queries)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrValidation)
			assert.Contains(t, awserr.Message(err), c.msg)
		})
	}
}

func TestEvaluationTypeErrors(t *testing.T) {
	src := &fakeSource{metrics: map[string]Series{"m1": ts(1), "m2": ts(2)}}
	for _, expr := range []string{
		"METRICS() + METRICS()",
		"TIME_SERIES(m1)",
		"FIRST(5)",
		"ABS(REPEAT)",
		"ANOMALY_DETECTION_BAND(m1)",
		"SORT(METRICS(), SUM, ASC, -1)",
		"SLICE(METRICS(), 0.5)",
		"FILL(m1, METRICS())",
	} {
		t.Run(expr, func(t *testing.T) {
			_, err := run(t, src, []string{"m1", "m2"}, expr, 1)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrValidation), err.Error())
		})
	}
}

func TestProgramIsReusable(t *testing.T) {
	p, err := Compile([]Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "m1 * 2"}})
	require.NoError(t, err)
	for i := range 3 {
		src := &fakeSource{metrics: map[string]Series{"m1": ts(i)}}
		rs, err := p.Eval(Env{Start: t0, End: t0 + 60}, src)
		require.NoError(t, err)
		assert.Equal(t, []float64{float64(2 * i)}, rs[1].Series[0].Values)
		assert.Equal(t, []float64{float64(i)}, rs[0].Series[0].Values)
	}
}

func TestExpressionPeriodInference(t *testing.T) {
	// TIME_SERIES in an expression over a 300-second metric uses 300 s.
	p, err := Compile([]Query{{ID: "m1", Period: 300}, {ID: "e1", Expression: "TIME_SERIES(PERIOD(m1))"}})
	require.NoError(t, err)
	rs, err := p.Eval(Env{Start: t0, End: t0 + 900}, &fakeSource{})
	require.NoError(t, err)
	assert.Equal(t, []float64{300, 300, 300}, rs[1].Series[0].Values)
	// Without metrics it uses the environment's period.
	p, err = Compile([]Query{{ID: "e1", Expression: "TIME_SERIES(1)"}})
	require.NoError(t, err)
	rs, err = p.Eval(Env{Start: t0, End: t0 + 900, Period: 60}, &fakeSource{})
	require.NoError(t, err)
	assert.Len(t, rs[0].Series[0].Times, 15)
}
