package metrics

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
)

var gmdT0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// gmdService returns a service holding, in namespace App, "Requests" and
// "Errors" for Host=web-1 with one value a minute for 5 minutes from gmdT0
// (requests 100, 200, ...; errors 1, -, 3, 4, 5: minute 1 has none).
func gmdService(t testing.TB) (*Service, *clock.Manual) {
	c := clock.NewManual(gmdT0)
	s := New(Options{Clock: c})
	t.Cleanup(s.Close)
	host := []Dimension{{Name: "Host", Value: "web-1"}}
	var data []MetricDatum
	for i := range 5 {
		ts := gmdT0.Add(time.Duration(i) * time.Minute)
		data = append(data, MetricDatum{MetricName: "Requests", Dimensions: host, Timestamp: ts, Value: Float(float64(100 * (i + 1)))})
		if i != 1 {
			data = append(data, MetricDatum{MetricName: "Errors", Dimensions: host, Timestamp: ts, Value: Float(float64(i + 1))})
		}
	}
	_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: data})
	require.NoError(t, err)
	c.Advance(10 * time.Minute)
	return s, c
}

func gmdStat(name, st string) *MetricStat {
	return &MetricStat{Metric: Metric{Namespace: "App", MetricName: name, Dimensions: []Dimension{{Name: "Host", Value: "web-1"}}}, Period: 60, Stat: st}
}

func gmd(s *Service, in GetMetricDataInput) (*GetMetricDataOutput, error) {
	if in.StartTime.IsZero() {
		in.StartTime = gmdT0
	}
	if in.EndTime.IsZero() {
		in.EndTime = gmdT0.Add(5 * time.Minute)
	}
	return s.GetMetricData(context.Background(), in)
}

func minutes(ks ...int) []time.Time {
	out := make([]time.Time, len(ks))
	for i, k := range ks {
		out[i] = gmdT0.Add(time.Duration(k) * time.Minute)
	}
	return out
}

func TestGetMetricDataMetricsAndExpressions(t *testing.T) {
	s, _ := gmdService(t)
	out, err := gmd(s, GetMetricDataInput{
		ScanBy: ScanByTimestampAscending,
		MetricDataQueries: []MetricDataQuery{
			{Id: "errors", MetricStat: gmdStat("Errors", "Sum"), ReturnData: Bool(false)},
			{Id: "requests", MetricStat: gmdStat("Requests", "Sum")},
			{Id: "rate", Expression: "errors / requests * 100", Label: "Error rate"},
		},
	})
	require.NoError(t, err)
	require.Len(t, out.MetricDataResults, 2, "ReturnData false leaves errors out")
	req, rate := out.MetricDataResults[0], out.MetricDataResults[1]
	assert.Equal(t, "requests", req.Id)
	assert.Equal(t, "Requests", req.Label, "a MetricStat's default label is the metric name")
	assert.Equal(t, minutes(0, 1, 2, 3, 4), req.Timestamps)
	assert.Equal(t, []float64{100, 200, 300, 400, 500}, req.Values)
	assert.Equal(t, StatusComplete, req.StatusCode)
	assert.Equal(t, "Error rate", rate.Label)
	// Issue 18.8: the user guide's rule, "Missing values in a time series
	// are treated as 0": minute 1 has requests but no errors, so its rate is 0.
	assert.Equal(t, minutes(0, 1, 2, 3, 4), rate.Timestamps)
	assert.Equal(t, []float64{1, 0, 1, 1, 1}, rate.Values)
	assert.Empty(t, out.NextToken)
}

func TestGetMetricDataScanByDefaultsToNewestFirst(t *testing.T) {
	s, _ := gmdService(t)
	out, err := gmd(s, GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: gmdStat("Requests", "Maximum")}}})
	require.NoError(t, err)
	assert.Equal(t, minutes(4, 3, 2, 1, 0), out.MetricDataResults[0].Timestamps)
	assert.Equal(t, []float64{500, 400, 300, 200, 100}, out.MetricDataResults[0].Values)
}

func TestGetMetricDataStartTimeIsRoundedDown(t *testing.T) {
	s, _ := gmdService(t)
	out, err := gmd(s, GetMetricDataInput{
		StartTime: gmdT0.Add(30 * time.Second), EndTime: gmdT0.Add(2 * time.Minute), ScanBy: ScanByTimestampAscending,
		MetricDataQueries: []MetricDataQuery{
			{Id: "m1", MetricStat: gmdStat("Requests", "Sum")},
			{Id: "e1", Expression: "FILL(m1, 0) + TIME_SERIES(1)"},
		},
	})
	require.NoError(t, err)
	assert.Equal(t, minutes(0, 1), out.MetricDataResults[0].Timestamps)
	assert.Equal(t, []float64{101, 201}, out.MetricDataResults[1].Values)
}

func TestGetMetricDataLabels(t *testing.T) {
	s, _ := gmdService(t)
	out, err := gmd(s, GetMetricDataInput{
		ScanBy: ScanByTimestampAscending,
		MetricDataQueries: []MetricDataQuery{
			{Id: "m1", MetricStat: gmdStat("Errors", "Sum"), Label: "Errors"},
			{Id: "m2", MetricStat: gmdStat("Requests", "Sum"), Label: "[max: ${MAX}] ${PROP('Dim.Host')} ${LABEL}"},
			{Id: "e1", Expression: "m1 * 2"},
			{Id: "e2", Expression: "FILL(METRICS(), 0)", Label: "Filled With 0:"},
			{Id: "e3", Expression: "METRICS()"},
			{Id: "e4", Expression: "METRICS()", Label: "${SUM} for ${LABEL}"},
		},
	})
	require.NoError(t, err)
	var labels []string
	for _, r := range out.MetricDataResults {
		labels = append(labels, r.Id+"="+r.Label)
	}
	assert.Equal(t, []string{
		"m1=Errors",
		"m2=[max: 500] web-1 Requests",
		"e1=e1", // an expression's default label is its Id
		"e2=Filled With 0: Errors", "e2=Filled With 0: Requests",
		"e3=Errors", "e3=Requests",
		"e4=13 for Errors", "e4=1500 for Requests",
	}, labels)
	// Every member of an array shares the query's Id and has its own data.
	assert.Equal(t, []float64{1, 0, 3, 4, 5}, out.MetricDataResults[3].Values)
}

func TestGetMetricDataLabelTimezone(t *testing.T) {
	s, _ := gmdService(t)
	out, err := gmd(s, GetMetricDataInput{
		LabelOptions:      &LabelOptions{Timezone: "-0130"},
		MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: gmdStat("Requests", "Sum"), Label: "peak at ${MAX_TIME}"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "peak at 2026-11-25T10:34:00-01:30", out.MetricDataResults[0].Label)
}

func TestGetMetricDataArithmeticErrorMessage(t *testing.T) {
	s, _ := gmdService(t)
	out, err := gmd(s, GetMetricDataInput{MetricDataQueries: []MetricDataQuery{
		{Id: "m1", MetricStat: gmdStat("Requests", "Sum"), ReturnData: Bool(false)},
		{Id: "e1", Expression: "m1 / (m1 - 300)"},
	}})
	require.NoError(t, err)
	r := out.MetricDataResults[0]
	assert.Len(t, r.Values, 4, "the point divided by zero is dropped")
	require.Len(t, r.Messages, 1)
	assert.Equal(t, "ArithmeticError", r.Messages[0].Code)
	assert.Equal(t, StatusComplete, r.StatusCode)
}

func TestGetMetricDataPagination(t *testing.T) {
	s, _ := gmdService(t)
	in := GetMetricDataInput{
		MaxDatapoints: Int32(3), ScanBy: ScanByTimestampAscending,
		MetricDataQueries: []MetricDataQuery{
			{Id: "m1", MetricStat: gmdStat("Requests", "Sum")},
			{Id: "m2", MetricStat: gmdStat("Errors", "Sum")},
		},
	}
	var pages []*GetMetricDataOutput
	for {
		out, err := gmd(s, in)
		require.NoError(t, err)
		pages = append(pages, out)
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
		require.Less(t, len(pages), 10)
	}
	require.Len(t, pages, 3) // 5 + 4 datapoints, 3 per page
	var req, errs []float64
	for i, p := range pages {
		require.Len(t, p.MetricDataResults, 2)
		n := len(p.MetricDataResults[0].Values) + len(p.MetricDataResults[1].Values)
		assert.LessOrEqual(t, n, 3)
		req = append(req, p.MetricDataResults[0].Values...)
		errs = append(errs, p.MetricDataResults[1].Values...)
		if i == 0 {
			assert.Equal(t, StatusPartialData, p.MetricDataResults[0].StatusCode)
		}
	}
	assert.Equal(t, []float64{100, 200, 300, 400, 500}, req)
	assert.Equal(t, []float64{1, 3, 4, 5}, errs)
	assert.Equal(t, StatusComplete, pages[2].MetricDataResults[1].StatusCode)

	// The page walker sees the same pages.
	in.NextToken = ""
	in.StartTime, in.EndTime = gmdT0, gmdT0.Add(5*time.Minute)
	var walked int
	for out, err := range s.GetMetricDataAll(context.Background(), in) {
		require.NoError(t, err)
		assert.Equal(t, pages[walked].MetricDataResults, out.MetricDataResults)
		walked++
	}
	assert.Equal(t, 3, walked)

	// A token belongs to its request.
	in.NextToken = pages[0].NextToken
	in.MetricDataQueries[0].Label = "changed"
	_, err := gmd(s, in)
	assert.ErrorIs(t, err, awserr.ErrInvalidNextToken)
	in.NextToken = "garbage"
	_, err = gmd(s, in)
	assert.ErrorIs(t, err, awserr.ErrInvalidNextToken)
}

func TestGetMetricDataSearch(t *testing.T) {
	s, _ := gmdService(t)
	var data []MetricDatum
	for _, fn := range []string{"checkout", "search", "login"} {
		for _, name := range []string{"Errors", "Invocations"} {
			data = append(data, MetricDatum{MetricName: name, Dimensions: []Dimension{{Name: "FunctionName", Value: fn}}, Timestamp: gmdT0, Value: Float(2)})
		}
	}
	_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "Lambda", MetricData: data})
	require.NoError(t, err)
	out, err := gmd(s, GetMetricDataInput{MetricDataQueries: []MetricDataQuery{
		{Id: "e1", Expression: `SEARCH('{Lambda,FunctionName} MetricName="Errors"', 'Sum', 300)`},
		{Id: "e2", Expression: `SUM(SEARCH('{Lambda,FunctionName} MetricName="Errors" NOT login', 'Sum', 300))`, Label: "total"},
	}})
	require.NoError(t, err)
	require.Len(t, out.MetricDataResults, 4)
	assert.Equal(t, "checkout Errors", out.MetricDataResults[0].Label)
	assert.Equal(t, "e1", out.MetricDataResults[2].Id)
	assert.Equal(t, []time.Time{gmdT0}, out.MetricDataResults[0].Timestamps)
	assert.Equal(t, "total", out.MetricDataResults[3].Label)
	assert.Equal(t, []float64{4}, out.MetricDataResults[3].Values)
}

func TestGetMetricDataSearchReturnsAtMost500Series(t *testing.T) {
	if testing.Short() {
		t.Skip("puts 600 metrics")
	}
	s, _ := gmdService(t)
	var data []MetricDatum
	for i := range 600 {
		data = append(data, MetricDatum{MetricName: "Q", Dimensions: []Dimension{{Name: "Queue", Value: fmt.Sprintf("q%03d", i)}}, Timestamp: gmdT0, Value: Float(1)})
	}
	for i := 0; i < len(data); i += 500 {
		_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "Q", MetricData: data[i:min(i+500, len(data))]})
		require.NoError(t, err)
	}
	out, err := gmd(s, GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "e1", Expression: `SEARCH('{Q,Queue}', 'Sum', 60)`}}})
	require.NoError(t, err)
	require.Len(t, out.MetricDataResults, 500)
	assert.Equal(t, StatusPartialData, out.MetricDataResults[0].StatusCode)
	assert.Equal(t, "MaxMetricsExceeded", out.MetricDataResults[0].Messages[0].Code)
}

func TestGetMetricDataValidation(t *testing.T) {
	s, _ := gmdService(t)
	ok := MetricDataQuery{Id: "m1", MetricStat: gmdStat("Requests", "Sum")}
	many := make([]MetricDataQuery, MaxMetricDataQueries+1)
	for i := range many {
		many[i] = MetricDataQuery{Id: fmt.Sprintf("m%d", i), MetricStat: gmdStat("Requests", "Sum")}
	}
	cases := []struct {
		name string
		in   GetMetricDataInput
		code string
		msg  string
	}{
		{"no queries", GetMetricDataInput{}, "MissingParameter", "MetricDataQueries"},
		{"more than 500 queries", GetMetricDataInput{MetricDataQueries: many}, "ValidationError", "less than or equal to 500"},
		{"StartTime after EndTime", GetMetricDataInput{StartTime: gmdT0.Add(time.Hour), MetricDataQueries: []MetricDataQuery{ok}}, "ValidationError", "StartTime must be less than"},
		{"an Id with an upper-case first letter", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "M1", MetricStat: gmdStat("Requests", "Sum")}}}, "ValidationError", "MetricDataQueries.member.1.Id"},
		{"an Id with a dash", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m-1", MetricStat: gmdStat("Requests", "Sum")}}}, "ValidationError", "Invalid metric Id"},
		{"an empty Id", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{MetricStat: gmdStat("Requests", "Sum")}}}, "ValidationError", "Id is required"},
		{"duplicate Ids", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{ok, ok}}, "ValidationError", "not unique"},
		{"neither MetricStat nor Expression", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m1", Label: "x"}}}, "ValidationError", "The parameter MetricDataQueries.member.1.MetricStat is required."},
		{"both MetricStat and Expression", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: gmdStat("Requests", "Sum"), Expression: "1"}}}, "ValidationError", "mutually exclusive"},
		{"a bad ScanBy", GetMetricDataInput{ScanBy: "Newest", MetricDataQueries: []MetricDataQuery{ok}}, "ValidationError", "scanBy"},
		{"a negative MaxDatapoints", GetMetricDataInput{MaxDatapoints: Int32(-1), MetricDataQueries: []MetricDataQuery{ok}}, "ValidationError", "MaxDatapoints"},
		{"a bad time zone", GetMetricDataInput{LabelOptions: &LabelOptions{Timezone: "CET"}, MetricDataQueries: []MetricDataQuery{ok}}, "ValidationError", "Timezone"},
		{"a bad statistic", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: gmdStat("Requests", "Median")}}}, "InvalidParameterValue", "MetricDataQueries.member.1.MetricStat.Stat"},
		{"a bad period", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: &MetricStat{Metric: Metric{Namespace: "App", MetricName: "R"}, Period: 45, Stat: "Sum"}}}}, "InvalidParameterValue", "MetricDataQueries.member.1.MetricStat.Period"},
		{"a bad expression period", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{ok, {Id: "e1", Expression: "m1", Period: Int32(90)}}}, "InvalidParameterValue", "MetricDataQueries.member.2.Period"},
		{"an unknown Id in an expression", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{ok, {Id: "e1", Expression: "m1 + m9"}}}, "ValidationError", `Unknown metric or expression Id "m9" at position 6`},
		{"a syntax error", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{ok, {Id: "e1", Expression: "SUM(m1"}}}, "ValidationError", "Error in expression e1"},
		{"a cycle", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "e1", Expression: "e2"}, {Id: "e2", Expression: "e1 * 2"}}}, "ValidationError", "Circular dependency"},
		{"a scalar result", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: gmdStat("Requests", "Sum"), ReturnData: Bool(false)}, {Id: "e1", Expression: "AVG(m1)"}}}, "ValidationError", "single number"},
		{"another account", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: gmdStat("Requests", "Sum"), AccountId: "999999999999"}}}, "ValidationError", "AccountId"},
		{"an anomaly band of an array", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{ok, {Id: "e1", Expression: "ANOMALY_DETECTION_BAND(METRICS())"}}}, "ValidationError", "Unsupported operand type(s) for ANOMALY_DETECTION_BAND: '[Array[TimeSeries]]'"},
		{"an anomaly band with a series threshold", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{ok, {Id: "e1", Expression: "ANOMALY_DETECTION_BAND(m1, m1)"}}}, "ValidationError", "Unsupported operand type(s) for ANOMALY_DETECTION_BAND: '[TimeSeries, TimeSeries]'"},
		{"an anomaly band of zero deviations", GetMetricDataInput{MetricDataQueries: []MetricDataQuery{ok, {Id: "e1", Expression: "ANOMALY_DETECTION_BAND(m1, 0)"}}}, "ValidationError", "positive number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := gmd(s, c.in)
			require.Error(t, err)
			assert.Equal(t, c.code, awserr.Code(err), err.Error())
			assert.Contains(t, awserr.Message(err), c.msg)
		})
	}
}

func TestGetMetricDataIsRecorded(t *testing.T) {
	var b bus.Bus
	var calls []event.APICall
	bus.Subscribe(&b, "test", func(_ context.Context, ev event.APICall) error { calls = append(calls, ev); return nil })
	c := clock.NewManual(gmdT0)
	s := New(Options{Clock: c, Bus: &b})
	defer s.Close()
	_, err := s.GetMetricData(context.Background(), GetMetricDataInput{StartTime: gmdT0, EndTime: gmdT0.Add(time.Hour),
		MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: gmdStat("Requests", "Sum")}, {Id: "e1", Expression: "m1*2", Label: "double"}}})
	require.NoError(t, err)
	_, err = s.GetMetricData(context.Background(), GetMetricDataInput{StartTime: gmdT0, EndTime: gmdT0.Add(time.Hour),
		MetricDataQueries: []MetricDataQuery{{Id: "E1", Expression: "1"}}})
	require.Error(t, err)
	require.Len(t, calls, 2)
	assert.Equal(t, "GetMetricData", calls[0].EventName)
	assert.True(t, calls[0].ReadOnly)
	params := calls[0].RequestParameters.(map[string]any)
	qs := params["metricDataQueries"].([]map[string]any)
	assert.Equal(t, "double", qs[1]["label"])
	assert.Equal(t, "2026-11-25T12:00:00Z", params["startTime"])
	assert.Equal(t, "ValidationError", calls[1].ErrorCode)
}

func TestGetMetricDataWithNothingToReturn(t *testing.T) {
	s, _ := gmdService(t)
	out, err := gmd(s, GetMetricDataInput{MetricDataQueries: []MetricDataQuery{{Id: "m1", MetricStat: gmdStat("Requests", "Sum"), ReturnData: Bool(false)}}})
	require.NoError(t, err)
	assert.Empty(t, out.MetricDataResults)
}

func TestGetMetricDataEmptyMetric(t *testing.T) {
	s, _ := gmdService(t)
	out, err := gmd(s, GetMetricDataInput{MetricDataQueries: []MetricDataQuery{
		{Id: "m1", MetricStat: &MetricStat{Metric: Metric{Namespace: "App", MetricName: "Nothing"}, Period: 60, Stat: "p99"}},
		{Id: "e1", Expression: "FILL(m1, 0)"},
	}})
	require.NoError(t, err)
	assert.Empty(t, out.MetricDataResults[0].Values)
	assert.NotNil(t, out.MetricDataResults[0].Values)
	assert.Equal(t, []float64{0, 0, 0, 0, 0}, out.MetricDataResults[1].Values)
	assert.True(t, strings.HasPrefix(out.MetricDataResults[1].Label, "e1"))
}
