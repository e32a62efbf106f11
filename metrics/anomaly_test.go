package metrics

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
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

var adT0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday

func adMetric() Metric {
	return Metric{Namespace: "App", MetricName: "Latency", Dimensions: []Dimension{{Name: "Host", Value: "web-1"}}}
}

func adSingle() *SingleMetricAnomalyDetector {
	m := adMetric()
	return &SingleMetricAnomalyDetector{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions, Stat: "Average"}
}

// seasonal is a daily-seasonal value with seeded Gaussian noise.
func seasonal(t time.Time, r *rand.Rand) float64 {
	tod := float64(t.Unix()%86400) / 86400
	return 100 + 50*math.Sin(2*math.Pi*tod) + 3*r.NormFloat64()
}

// adService returns a service holding days of minute data of the seasonal
// series from adT0, the clock at the end of the data.
func adService(t testing.TB, days int, seed uint64) (*Service, *clock.Manual) {
	c := clock.NewManual(adT0)
	s := New(Options{Clock: c})
	t.Cleanup(s.Close)
	r := rand.New(rand.NewPCG(seed, 1))
	m := adMetric()
	for d := range days {
		c.Set(adT0.Add(time.Duration(d+1) * 24 * time.Hour))
		for chunk := range 2 {
			data := make([]MetricDatum, 0, 720)
			for i := range 720 {
				ts := adT0.Add(time.Duration(d)*24*time.Hour + time.Duration(chunk*720+i)*time.Minute)
				data = append(data, MetricDatum{MetricName: m.MetricName, Dimensions: m.Dimensions, Timestamp: ts, Value: Float(seasonal(ts, r))})
			}
			_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: m.Namespace, MetricData: data})
			require.NoError(t, err)
		}
	}
	return s, c
}

func bandQuery(start, end time.Time, expr string) GetMetricDataInput {
	m := adMetric()
	return GetMetricDataInput{StartTime: start, EndTime: end, ScanBy: ScanByTimestampAscending, MetricDataQueries: []MetricDataQuery{
		{Id: "m1", MetricStat: &MetricStat{Metric: m, Period: 60, Stat: "Average"}},
		{Id: "ad1", Expression: expr},
	}}
}

func TestPutAnomalyDetectorValidation(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("x", 51)
	cases := []struct {
		name string
		in   PutAnomalyDetectorInput
		code string
		msg  string
	}{
		{"a namespace is required", PutAnomalyDetectorInput{MetricName: "X", Stat: "Average"}, "MissingParameter", "Namespace"},
		{"a metric name is required", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "App", Stat: "Average"}}, "MissingParameter", "SingleMetricAnomalyDetector.MetricName"},
		{"a statistic is required", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "App", MetricName: "X"}}, "MissingParameter", "Stat"},
		{"an invalid statistic", PutAnomalyDetectorInput{Namespace: "App", MetricName: "X", Stat: "Median"}, "InvalidParameterValue", "'Median'"},
		{"a statistic longer than 50 characters", PutAnomalyDetectorInput{Namespace: "App", MetricName: "X", Stat: long}, "InvalidParameterValue", "50"},
		{"legacy and single-metric parameters together", PutAnomalyDetectorInput{Namespace: "App", SingleMetricAnomalyDetector: adSingle()}, "InvalidParameterCombination", "exactly one"},
		{"single-metric and metric math together", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(), MetricMathAnomalyDetector: &MetricMathAnomalyDetector{}}, "InvalidParameterCombination", "exactly one"},
		{"more than 10 excluded time ranges", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(), Configuration: &AnomalyDetectorConfiguration{ExcludedTimeRanges: make([]Range, 11)}}, "InvalidParameterValue", "at most 10"},
		{"an excluded range ending before it starts", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(), Configuration: &AnomalyDetectorConfiguration{ExcludedTimeRanges: []Range{{StartTime: adT0, EndTime: adT0}}}}, "InvalidParameterValue", "ExcludedTimeRanges.member.1.EndTime"},
		{"an excluded range starting before year 1", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(), Configuration: &AnomalyDetectorConfiguration{ExcludedTimeRanges: []Range{{StartTime: time.Unix(-1<<40, 0), EndTime: adT0}}}}, "InvalidParameterValue", "ExcludedTimeRanges.member.1.StartTime"},
		{"an excluded range ending after year 9999", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(), Configuration: &AnomalyDetectorConfiguration{ExcludedTimeRanges: []Range{{StartTime: adT0, EndTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}}, "InvalidParameterValue", "ExcludedTimeRanges.member.1.EndTime"},
		{"an excluded range without a start", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(), Configuration: &AnomalyDetectorConfiguration{ExcludedTimeRanges: []Range{{EndTime: adT0}}}}, "MissingParameter", "StartTime"},
		{"an unknown time zone", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(), Configuration: &AnomalyDetectorConfiguration{MetricTimezone: "Mars/Olympus"}}, "InvalidParameterValue", "MetricTimezone"},
		{"another account", PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{AccountId: "999999999999", Namespace: "App", MetricName: "X", Stat: "Sum"}}, "InvalidParameterValue", "AccountId"},
		{"a math detector without queries", PutAnomalyDetectorInput{MetricMathAnomalyDetector: &MetricMathAnomalyDetector{}}, "MissingParameter", "MetricDataQueries"},
		{"a math detector returning two queries", PutAnomalyDetectorInput{MetricMathAnomalyDetector: &MetricMathAnomalyDetector{MetricDataQueries: []MetricDataQuery{
			{Id: "m1", MetricStat: &MetricStat{Metric: adMetric(), Period: 60, Stat: "Sum"}}, {Id: "e1", Expression: "m1*2"}}}}, "InvalidParameterValue", "ReturnData"},
		{"a math detector with a bad expression", PutAnomalyDetectorInput{MetricMathAnomalyDetector: &MetricMathAnomalyDetector{MetricDataQueries: []MetricDataQuery{
			{Id: "m1", MetricStat: &MetricStat{Metric: adMetric(), Period: 60, Stat: "Sum"}, ReturnData: Bool(false)}, {Id: "e1", Expression: "m1 *"}}}}, "ValidationError", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{Clock: clock.NewManual(adT0)})
			defer s.Close()
			_, err := s.PutAnomalyDetector(ctx, c.in)
			require.Error(t, err)
			assert.Equal(t, c.code, awserr.Code(err), err.Error())
			assert.Contains(t, err.Error(), c.msg)
			out, err := s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{AnomalyDetectorTypes: []AnomalyDetectorType{AnomalyDetectorSingleMetric, AnomalyDetectorMetricMath}})
			require.NoError(t, err)
			assert.Empty(t, out.AnomalyDetectors, "a rejected request changes nothing")
		})
	}
}

func TestAnomalyDetectorLifecycle(t *testing.T) {
	ctx := context.Background()
	s := New(Options{Clock: clock.NewManual(adT0)})
	defer s.Close()
	// The legacy parameters and SingleMetricAnomalyDetector designate the
	// same model; dimension order does not matter.
	_, err := s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{Namespace: "App", MetricName: "Latency", Stat: "Average",
		Dimensions: []Dimension{{Name: "Z", Value: "1"}, {Name: "A", Value: "2"}}})
	require.NoError(t, err)
	_, err = s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "App", MetricName: "Latency", Stat: "Average",
		Dimensions: []Dimension{{Name: "A", Value: "2"}, {Name: "Z", Value: "1"}}}, Configuration: &AnomalyDetectorConfiguration{MetricTimezone: "UTC"}})
	require.NoError(t, err)
	_, err = s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "Other", MetricName: "Errors", Stat: "p99"}})
	require.NoError(t, err)
	_, err = s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{MetricMathAnomalyDetector: &MetricMathAnomalyDetector{MetricDataQueries: []MetricDataQuery{
		{Id: "m1", MetricStat: &MetricStat{Metric: adMetric(), Period: 60, Stat: "Sum"}, ReturnData: Bool(false)}, {Id: "e1", Expression: "m1*2"}}}})
	require.NoError(t, err)

	out, err := s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{})
	require.NoError(t, err)
	require.Len(t, out.AnomalyDetectors, 2, "SINGLE_METRIC by default")
	d := out.AnomalyDetectors[0]
	assert.Equal(t, "Latency", d.MetricName)
	assert.Equal(t, "Latency", d.SingleMetricAnomalyDetector.MetricName)
	assert.Equal(t, "UTC", d.Configuration.MetricTimezone, "the second Put replaced the configuration")
	assert.Equal(t, AnomalyStatePendingTraining, d.StateValue)

	out, err = s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{Namespace: "Other"})
	require.NoError(t, err)
	require.Len(t, out.AnomalyDetectors, 1)
	out, err = s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{Dimensions: []Dimension{{Name: "A", Value: "2"}}})
	require.NoError(t, err)
	require.Len(t, out.AnomalyDetectors, 1)
	out, err = s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{AnomalyDetectorTypes: []AnomalyDetectorType{AnomalyDetectorMetricMath}})
	require.NoError(t, err)
	require.Len(t, out.AnomalyDetectors, 1)
	require.NotNil(t, out.AnomalyDetectors[0].MetricMathAnomalyDetector)

	// Pagination.
	var names []string
	in := DescribeAnomalyDetectorsInput{MaxResults: Int32(1), AnomalyDetectorTypes: []AnomalyDetectorType{AnomalyDetectorSingleMetric, AnomalyDetectorMetricMath}}
	for {
		out, err := s.DescribeAnomalyDetectors(ctx, in)
		require.NoError(t, err)
		require.LessOrEqual(t, len(out.AnomalyDetectors), 1)
		for _, d := range out.AnomalyDetectors {
			names = append(names, d.MetricName)
		}
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	assert.Equal(t, []string{"Latency", "Errors", ""}, names)

	for _, c := range []struct {
		name string
		in   DescribeAnomalyDetectorsInput
		code string
	}{
		{"MaxResults above 100", DescribeAnomalyDetectorsInput{MaxResults: Int32(101)}, "InvalidParameterValue"},
		{"an unknown type", DescribeAnomalyDetectorsInput{AnomalyDetectorTypes: []AnomalyDetectorType{"BOTH"}}, "InvalidParameterValue"},
		{"a foreign NextToken", DescribeAnomalyDetectorsInput{NextToken: "bm9wZQ"}, "InvalidNextToken"},
	} {
		_, err := s.DescribeAnomalyDetectors(ctx, c.in)
		assert.Equal(t, c.code, awserr.Code(err), c.name)
	}

	// Delete.
	_, err = s.DeleteAnomalyDetector(ctx, DeleteAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "Other", MetricName: "Errors", Stat: "p99"}})
	require.NoError(t, err)
	_, err = s.DeleteAnomalyDetector(ctx, DeleteAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "Other", MetricName: "Errors", Stat: "p99"}})
	assert.True(t, errors.Is(err, ErrResourceNotFoundException), "deleting twice: %v", err)
	_, err = s.DeleteAnomalyDetector(ctx, DeleteAnomalyDetectorInput{Namespace: "App"})
	assert.Equal(t, "MissingParameter", awserr.Code(err))
}

func TestPutAnomalyDetectorLimit(t *testing.T) {
	ctx := context.Background()
	s := New(Options{Clock: clock.NewManual(adT0)})
	defer s.Close()
	for i := range MaxAnomalyDetectors {
		_, err := s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{Namespace: "App", MetricName: "M" + strconv.Itoa(i), Stat: "Sum"})
		require.NoError(t, err)
	}
	_, err := s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{Namespace: "App", MetricName: "One too many", Stat: "Sum"})
	assert.Equal(t, "LimitExceededException", awserr.Code(err))
	_, err = s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{Namespace: "App", MetricName: "M0", Stat: "Sum"})
	assert.NoError(t, err, "updating an existing model is not a new one")
}

// TestAnomalyBandSeasonal: trained on two weeks of a daily-seasonal series,
// the band holds the normal points of the next day and not an injected spike.
func TestAnomalyBandSeasonal(t *testing.T) {
	if testing.Short() {
		t.Skip("two weeks of minute data")
	}
	ctx := context.Background()
	s, c := adService(t, 15, 7)
	// A spike on the last day.
	spikeAt := adT0.Add(14*24*time.Hour + 13*time.Hour)
	m := adMetric()
	_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: m.Namespace, MetricData: []MetricDatum{
		{MetricName: m.MetricName, Dimensions: m.Dimensions, Timestamp: spikeAt.Add(30 * time.Second), Value: Float(1e4)}}})
	require.NoError(t, err)
	_ = c
	day14 := adT0.Add(14 * 24 * time.Hour)
	for _, k := range []float64{2, 3} {
		out, err := s.GetMetricData(ctx, bandQuery(day14, day14.Add(24*time.Hour), "ANOMALY_DETECTION_BAND(m1, "+strconv.FormatFloat(k, 'g', -1, 64)+")"))
		require.NoError(t, err)
		require.Len(t, out.MetricDataResults, 3)
		val, lo, hi := out.MetricDataResults[0], out.MetricDataResults[1], out.MetricDataResults[2]
		assert.Equal(t, "ad1", lo.Id)
		assert.Equal(t, "ad1", hi.Id)
		assert.True(t, strings.HasSuffix(lo.Label, "Lower"), lo.Label)
		assert.True(t, strings.HasSuffix(hi.Label, "Upper"), hi.Label)
		require.Len(t, lo.Values, 1440)
		require.Len(t, val.Values, 1440)
		inside, normal := 0, 0
		for i, ts := range val.Timestamps {
			require.Equal(t, ts, lo.Timestamps[i])
			require.Less(t, lo.Values[i], hi.Values[i])
			v := val.Values[i]
			if ts.Equal(spikeAt) {
				assert.Greater(t, v, hi.Values[i], "the spike is outside the band")
				continue
			}
			normal++
			if v >= lo.Values[i] && v <= hi.Values[i] {
				inside++
			}
		}
		frac := float64(inside) / float64(normal)
		t.Logf("k=%v: %.2f%% of normal points inside the band", k, 100*frac)
		if k == 2 {
			assert.Greater(t, frac, 0.90)
		} else {
			assert.Greater(t, frac, 0.98)
		}
	}
	out, err := s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{})
	require.NoError(t, err)
	require.Len(t, out.AnomalyDetectors, 1, "the band created the model implicitly")
	assert.Equal(t, AnomalyStateTrained, out.AnomalyDetectors[0].StateValue)
}

// TestAnomalyBandDeterministic: the same data gives the same band, and the
// band's points are a pure function of the data.
func TestAnomalyBandDeterministic(t *testing.T) {
	ctx := context.Background()
	var outs []*GetMetricDataOutput
	for range 2 {
		s, c := adService(t, 3, 11)
		q := bandQuery(c.Now().Add(-6*time.Hour), c.Now(), "ANOMALY_DETECTION_BAND(m1)")
		out, err := s.GetMetricData(ctx, q)
		require.NoError(t, err)
		again, err := s.GetMetricData(ctx, q)
		require.NoError(t, err)
		require.Equal(t, out, again)
		outs = append(outs, out)
	}
	require.Equal(t, outs[0], outs[1])
	require.Len(t, outs[0].MetricDataResults, 3)
	assert.Len(t, outs[0].MetricDataResults[1].Values, 360)
}

// TestAnomalyBandTooLittleData: with fewer than AnomalyMinTrainingPoints
// training datapoints the band has no points and the model is not trained.
func TestAnomalyBandTooLittleData(t *testing.T) {
	ctx := context.Background()
	c := clock.NewManual(adT0)
	s := New(Options{Clock: c})
	defer s.Close()
	m := adMetric()
	for i := range AnomalyMinTrainingPoints - 1 {
		_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: m.Namespace, MetricData: []MetricDatum{
			{MetricName: m.MetricName, Dimensions: m.Dimensions, Timestamp: adT0.Add(time.Duration(i) * time.Minute), Value: Float(1)}}})
		require.NoError(t, err)
	}
	c.Set(adT0.Add(time.Hour))
	out, err := s.GetMetricData(ctx, bandQuery(adT0.Add(30*time.Minute), adT0.Add(time.Hour), "ANOMALY_DETECTION_BAND(m1)"))
	require.NoError(t, err)
	require.Len(t, out.MetricDataResults, 3)
	assert.Empty(t, out.MetricDataResults[1].Values)
	assert.Empty(t, out.MetricDataResults[2].Values)
	d, err := s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{})
	require.NoError(t, err)
	require.Len(t, d.AnomalyDetectors, 1)
	assert.Equal(t, AnomalyStateTrainedInsufficientData, d.AnomalyDetectors[0].StateValue)
}

// TestAnomalyBandExcludedTimeRanges: a spike inside an excluded range does
// not widen the band.
func TestAnomalyModelExcludes(t *testing.T) {
	var ts []int64
	var vs []float64
	for i := range 200 {
		ts = append(ts, adT0.Unix()+int64(i)*60)
		vs = append(vs, 10+float64(i%3))
	}
	m := trainAnomalyModel(ts, vs, 60, nil, false)
	require.NotNil(t, m)
	lo, hi := m.band([]int64{ts[199] + 60}, 2)
	assert.InDelta(t, 11, (lo[0]+hi[0])/2, 1e-9)
	for i := 50; i < 60; i++ {
		vs[i] = 1e6
	}
	spiky := trainAnomalyModel(slicesClone(ts), slicesClone(vs), 60, nil, false)
	_, hi2 := spiky.band([]int64{ts[199] + 60}, 2)
	assert.InDelta(t, hi[0], hi2[0], 1e-9, "ten outliers do not move a robust band")
	assert.Nil(t, trainAnomalyModel(ts[:9], vs[:9], 60, nil, false))
	kept := excludeRanges(slicesClone(ts), slicesClone(vs), []Range{{StartTime: time.Unix(ts[50], 0), EndTime: time.Unix(ts[60], 0)}})
	assert.Len(t, kept, 190)
}

func slicesClone[T any](s []T) []T { return append([]T(nil), s...) }

func TestMedian(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < 200; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(r.IntN(20))
		}
		ref := slicesClone(xs)
		sortFloats(ref)
		want := ref[n/2]
		if n%2 == 0 {
			want = (ref[n/2-1] + ref[n/2]) / 2
		}
		assert.Equal(t, want, median(xs), "n=%d", n)
	}
}

func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// BenchmarkAnomalyBand: GetMetricData of a band over one day at 60 s with
// two weeks of training data, repeated (the trained model is cached, the
// training data is read and fingerprinted each time, as for an alarm).
func BenchmarkAnomalyBand(b *testing.B) {
	s, c := adService(b, 15, 3)
	day14 := c.Now().Add(-24 * time.Hour)
	q := bandQuery(day14, c.Now(), "ANOMALY_DETECTION_BAND(m1)")
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.GetMetricData(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAnomalyBandOfExpression: the band of a metric math expression trains on
// the expression evaluated over the two weeks before the range.
func TestAnomalyBandOfExpression(t *testing.T) {
	ctx := context.Background()
	s, c := adService(t, 3, 13)
	start := c.Now().Add(-2 * time.Hour)
	m := adMetric()
	in := GetMetricDataInput{StartTime: start, EndTime: c.Now(), ScanBy: ScanByTimestampAscending, MetricDataQueries: []MetricDataQuery{
		{Id: "m1", MetricStat: &MetricStat{Metric: m, Period: 60, Stat: "Average"}, ReturnData: Bool(false)},
		{Id: "e1", Expression: "m1 * 10"},
		{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(e1)"},
		{Id: "ad2", Expression: "ANOMALY_DETECTION_BAND(m1)"},
	}}
	out, err := s.GetMetricData(ctx, in)
	require.NoError(t, err)
	require.Len(t, out.MetricDataResults, 5)
	e, lo, hi, lo1, hi1 := out.MetricDataResults[0], out.MetricDataResults[1], out.MetricDataResults[2], out.MetricDataResults[3], out.MetricDataResults[4]
	require.Len(t, lo.Values, 120)
	require.Len(t, lo1.Values, 120)
	for i := range lo.Values {
		// A linear transform of the data transforms the band alike.
		assert.InDelta(t, 10*lo1.Values[i], lo.Values[i], 1e-6)
		assert.InDelta(t, 10*hi1.Values[i], hi.Values[i], 1e-6)
	}
	assert.Len(t, e.Values, 120)
	assert.Equal(t, "Latency Upper", hi.Label, "the bounds take the label of the series the expression yields")
}

// TestAnomalyBandOfExpressionUsesMathDetector: a metric math anomaly
// detector's ExcludedTimeRanges apply to the band of its expression.
func TestAnomalyBandOfExpressionUsesMathDetector(t *testing.T) {
	ctx := context.Background()
	s, c := adService(t, 4, 19)
	m := adMetric()
	incident := Range{StartTime: adT0.Add(2*24*time.Hour + 6*time.Hour), EndTime: adT0.Add(2*24*time.Hour + 12*time.Hour)}
	for ts := incident.StartTime; ts.Before(incident.EndTime); ts = ts.Add(time.Minute) {
		_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: m.Namespace, MetricData: []MetricDatum{
			{MetricName: m.MetricName, Dimensions: m.Dimensions, Timestamp: ts.Add(time.Second), Value: Float(1e4)}}})
		require.NoError(t, err)
	}
	queries := []MetricDataQuery{
		{Id: "m1", MetricStat: &MetricStat{Metric: m, Period: 60, Stat: "Average"}, ReturnData: Bool(false)},
		{Id: "e1", Expression: "m1 / 2"},
	}
	q := GetMetricDataInput{StartTime: c.Now().Add(-24 * time.Hour), EndTime: c.Now(), ScanBy: ScanByTimestampAscending,
		MetricDataQueries: append(slicesClone(queries), MetricDataQuery{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(e1)"})}
	upperAt9 := func() float64 {
		out, err := s.GetMetricData(ctx, q)
		require.NoError(t, err)
		require.Len(t, out.MetricDataResults, 3)
		return out.MetricDataResults[2].Values[9*60]
	}
	with := upperAt9()
	_, err := s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{MetricMathAnomalyDetector: &MetricMathAnomalyDetector{MetricDataQueries: queries},
		Configuration: &AnomalyDetectorConfiguration{ExcludedTimeRanges: []Range{incident}}})
	require.NoError(t, err)
	without := upperAt9()
	assert.Less(t, without, with)
	assert.Less(t, without, 100.0)
	d, err := s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{AnomalyDetectorTypes: []AnomalyDetectorType{AnomalyDetectorMetricMath}})
	require.NoError(t, err)
	require.Len(t, d.AnomalyDetectors, 1)
	assert.Equal(t, AnomalyStateTrained, d.AnomalyDetectors[0].StateValue)
}

// TestAnomalyBandConfiguration: ExcludedTimeRanges leave data out of
// training and MetricTimezone shifts the daily profile.
func TestAnomalyBandConfiguration(t *testing.T) {
	ctx := context.Background()
	s, c := adService(t, 4, 17)
	m := adMetric()
	// An incident on day 2: a plateau at 10,000 for six hours.
	incident := Range{StartTime: adT0.Add(2*24*time.Hour + 6*time.Hour), EndTime: adT0.Add(2*24*time.Hour + 12*time.Hour)}
	c.Set(adT0.Add(4 * 24 * time.Hour))
	for ts := incident.StartTime; ts.Before(incident.EndTime); ts = ts.Add(time.Minute) {
		_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: m.Namespace, MetricData: []MetricDatum{
			{MetricName: m.MetricName, Dimensions: m.Dimensions, Timestamp: ts.Add(time.Second), Value: Float(1e4)}}})
		require.NoError(t, err)
	}
	q := bandQuery(c.Now().Add(-24*time.Hour), c.Now(), "ANOMALY_DETECTION_BAND(m1)")
	band := func() (lo, hi []float64) {
		out, err := s.GetMetricData(ctx, q)
		require.NoError(t, err)
		return out.MetricDataResults[1].Values, out.MetricDataResults[2].Values
	}
	_, hiWith := band()
	_, err := s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(),
		Configuration: &AnomalyDetectorConfiguration{ExcludedTimeRanges: []Range{incident}}})
	require.NoError(t, err)
	_, hiWithout := band()
	require.Len(t, hiWith, 1440)
	// 06:00–12:00 is where the incident was: excluded, the band there is the
	// normal one again.
	at9 := 9 * 60
	assert.Less(t, hiWithout[at9], hiWith[at9])
	assert.Less(t, hiWithout[at9], 200.0)

	_, err = s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(),
		Configuration: &AnomalyDetectorConfiguration{ExcludedTimeRanges: []Range{incident}, MetricTimezone: "Asia/Tokyo"}})
	require.NoError(t, err)
	_, hiTokyo := band()
	assert.Equal(t, hiWithout, hiTokyo, "a fixed offset only renames the slots of the day")
}

// TestAnomalyModelTimezone: the daily profile follows the MetricTimezone's
// days across a daylight saving time change.
func TestAnomalyModelTimezone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database")
	}
	// Hourly data, Mar 1–11 2026 (DST starts Mar 8): 100 at 09:00 New York
	// time, 0 otherwise.
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var ts []int64
	var vs []float64
	for h := range 10 * 24 {
		at := from.Add(time.Duration(h) * time.Hour)
		ts = append(ts, at.Unix())
		v := 0.0
		if at.In(ny).Hour() == 9 {
			v = 100
		}
		vs = append(vs, v)
	}
	target := []int64{time.Date(2026, 3, 11, 9, 0, 0, 0, ny).Unix()}
	lo, hi := trainAnomalyModel(ts, vs, 3600, ny, false).band(target, 2)
	assert.InDelta(t, 100, (lo[0]+hi[0])/2, 1e-9, "09:00 in New York, before and after the change")
	lo, hi = trainAnomalyModel(ts, vs, 3600, time.UTC, false).band(target, 2)
	assert.InDelta(t, 0, (lo[0]+hi[0])/2, 1e-9, "13:00 UTC was 08:00 in New York before the change")
}

func TestAnomalyDetectorCallsAreRecorded(t *testing.T) {
	var b bus.Bus
	var calls []event.APICall
	bus.Subscribe(&b, "test", func(_ context.Context, ev event.APICall) error { calls = append(calls, ev); return nil })
	s := New(Options{Clock: clock.NewManual(adT0), Bus: &b})
	defer s.Close()
	ctx := context.Background()
	_, err := s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle(), Configuration: &AnomalyDetectorConfiguration{MetricTimezone: "UTC"}})
	require.NoError(t, err)
	_, err = s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{Namespace: "App"})
	require.NoError(t, err)
	_, err = s.DeleteAnomalyDetector(ctx, DeleteAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle()})
	require.NoError(t, err)
	_, err = s.DeleteAnomalyDetector(ctx, DeleteAnomalyDetectorInput{SingleMetricAnomalyDetector: adSingle()})
	require.Error(t, err)
	require.Len(t, calls, 4)
	assert.Equal(t, []string{"PutAnomalyDetector", "DescribeAnomalyDetectors", "DeleteAnomalyDetector", "DeleteAnomalyDetector"},
		[]string{calls[0].EventName, calls[1].EventName, calls[2].EventName, calls[3].EventName})
	assert.False(t, calls[0].ReadOnly)
	assert.True(t, calls[1].ReadOnly)
	p := calls[0].RequestParameters.(map[string]any)
	assert.Equal(t, "Latency", p["singleMetricAnomalyDetector"].(map[string]any)["metricName"])
	assert.Equal(t, map[string]any{"metricTimezone": "UTC"}, p["configuration"])
	assert.Equal(t, "ResourceNotFoundException", calls[3].ErrorCode)
}

// BenchmarkAnomalyTrain: training a model on two weeks of minute data (what
// a band costs when its training data changed, once per hour for an alarm).
func BenchmarkAnomalyTrain(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 1))
	n := 14 * 1440
	ts, vs := make([]int64, n), make([]float64, n)
	for i := range n {
		at := adT0.Add(time.Duration(i) * time.Minute)
		ts[i], vs[i] = at.Unix(), seasonal(at, r)
	}
	b.ResetTimer()
	for b.Loop() {
		if trainAnomalyModel(ts, vs, 60, time.UTC, false) == nil {
			b.Fatal("no model")
		}
	}
}
