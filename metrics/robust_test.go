package metrics

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
)

// Issue 16.1: time arithmetic on query ranges must not overflow (UnixNano does
// after 2262 and before 1678), and no panic may leave the lock held.
func TestQueryTimesBeyondUnixNanoRangeAnswerWithoutPanicOrWedge(t *testing.T) {
	far := []struct {
		name       string
		start, end time.Time
	}{
		{"EndTime in 2300", t0.Add(-time.Hour), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"EndTime in year 20000", t0.Add(-time.Hour), time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"StartTime in 1600", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), t0.Add(time.Hour)},
		{"both outside", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range far {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestService(t)
			put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(7), Timestamp: t0.Add(-time.Minute)})
			for _, period := range []int{60, 60 * 1_000_000, 60 * 1_000_000_000} {
				require.NotPanics(t, func() {
					out, err := gms(s, GetMetricStatisticsInput{StartTime: tc.start, EndTime: tc.end, Period: period})
					if err != nil {
						assert.Equal(t, "InvalidParameterCombination", awserr.Code(err), err.Error())
						return
					}
					assert.NotNil(t, out.Datapoints)
				})
				require.NotPanics(t, func() {
					_, err := s.GetMetricData(context.Background(), GetMetricDataInput{StartTime: tc.start, EndTime: tc.end, MetricDataQueries: []MetricDataQuery{
						{Id: "m", MetricStat: &MetricStat{Metric: Metric{Namespace: "App", MetricName: "M"}, Period: period, Stat: "Sum"}},
						{Id: "e", Expression: "m * 2"},
					}})
					if err != nil {
						assert.NotEmpty(t, awserr.Code(err))
					}
				})
			}
			// The lock is free: a write completes.
			put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(1)})
		})
	}
}

func TestGetMetricStatisticsWithEndTimeIn2300FindsTheData(t *testing.T) {
	s, _ := newTestService(t)
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(7), Timestamp: t0.Add(-time.Minute)})
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0.Add(-time.Hour), EndTime: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), Period: 60 * 1_000_000})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	assert.Equal(t, 7.0, *out.Datapoints[0].Sum)
}

// Issue 16.11: a metric name holding the catalogue key's separators must not
// collide with another metric.
func TestMetricNamesWithControlCharactersAreRefused(t *testing.T) {
	s, _ := newTestService(t)
	for _, name := range []string{"a\x00b", "a\x01b", "tab\there", "bad\xffutf8"} {
		_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: name, Value: Float(1)}}})
		require.Error(t, err, "%q", name)
		assert.Equal(t, "InvalidParameterValue", awserr.Code(err))
	}
}

func TestCatalogueKeysCannotCollide(t *testing.T) {
	a := Metric{Namespace: "N", MetricName: "a\x00x\x01y"}
	b := Metric{Namespace: "N", MetricName: "a", Dimensions: []Dimension{{Name: "x", Value: "y"}}}
	assert.NotEqual(t, metricKey(a), metricKey(b))
	c := Metric{Namespace: "N", MetricName: "a\x02\x03"}
	d := Metric{Namespace: "N", MetricName: "a\x05"}
	assert.NotEqual(t, metricKey(c), metricKey(d))
}

// everyOperation calls each exported operation of the metrics service once
// with ctx and valid input, and returns each one's error by name.
func everyOperation(s *Service, ctx context.Context) map[string]error {
	m := Metric{Namespace: "App", MetricName: "M"}
	errs := map[string]error{}
	_, errs["PutMetricData"] = s.PutMetricData(ctx, PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: "M", Value: Float(1)}}})
	_, errs["GetMetricStatistics"] = s.GetMetricStatistics(ctx, GetMetricStatisticsInput{Namespace: "App", MetricName: "M", StartTime: t0.Add(-time.Hour), EndTime: t0, Period: 60, Statistics: []Statistic{StatSum}})
	gmd := GetMetricDataInput{StartTime: t0.Add(-time.Hour), EndTime: t0, MetricDataQueries: []MetricDataQuery{{Id: "m", MetricStat: &MetricStat{Metric: m, Period: 60, Stat: "Sum"}}}}
	_, errs["GetMetricData"] = s.GetMetricData(ctx, gmd)
	errs["GetMetricDataInto"] = s.GetMetricDataInto(ctx, gmd, new(GetMetricDataOutput))
	for _, err := range s.GetMetricDataAll(ctx, gmd) {
		errs["GetMetricDataAll"] = err
	}
	_, errs["ListMetrics"] = s.ListMetrics(ctx, ListMetricsInput{})
	errs["ListMetricsAll"] = nil
	for _, err := range s.ListMetricsAll(ctx, ListMetricsInput{}) {
		if err != nil {
			errs["ListMetricsAll"] = err
		}
	}
	errs["DescribeAnomalyDetectorsAll"] = nil
	for _, err := range s.DescribeAnomalyDetectorsAll(ctx, DescribeAnomalyDetectorsInput{}) {
		if err != nil {
			errs["DescribeAnomalyDetectorsAll"] = err
		}
	}
	_, errs["PutAnomalyDetector"] = s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "App", MetricName: "M", Stat: "Average"}})
	_, errs["DescribeAnomalyDetectors"] = s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{})
	_, errs["DeleteAnomalyDetector"] = s.DeleteAnomalyDetector(ctx, DeleteAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "App", MetricName: "M", Stat: "Average"}})
	return errs
}

// Issue 16.12: a nil context behaves as context.Background(), also when the
// call is recorded on a bus.
func TestNilContextActsAsBackground(t *testing.T) {
	b := new(bus.Bus)
	bus.Subscribe(b, "trail", func(ctx context.Context, ev event.APICall) error { return nil })
	s := New(Options{Clock: clock.NewManual(t0), Bus: b})
	defer s.Close()
	var errs map[string]error
	require.NotPanics(t, func() { errs = everyOperation(s, nil) })
	for op, err := range errs {
		assert.NoError(t, err, op)
	}
}

// After Close every operation answers ServiceUnavailable (HTTP 503).
func TestEveryOperationAfterCloseAnswersServiceUnavailable(t *testing.T) {
	s, _ := newTestService(t)
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(1)})
	s.Close()
	s.Close() // idempotent
	errs := everyOperation(s, context.Background())
	require.Len(t, errs, 11)
	for op, err := range errs {
		require.Error(t, err, op)
		assert.ErrorIs(t, err, ErrClosed, op)
		var e *awserr.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 503, e.HTTPStatus(), op)
	}
}

// Issue 15: ExtendedStatistics keep AWS's JSON shape (a map) while
// GetMetricStatistics carves them from one allocation.
func TestExtendedStatisticsKeepAWSJSONShape(t *testing.T) {
	const aws = `{"Timestamp":"2026-11-25T12:00:00Z","Unit":"Milliseconds","ExtendedStatistics":{"TM(10%:90%)":7.25,"p99":12.5}}`
	var dp Datapoint
	require.NoError(t, json.Unmarshal([]byte(aws), &dp))
	v, ok := dp.ExtendedStatistics.Get("p99")
	assert.True(t, ok)
	assert.Equal(t, 12.5, v)
	assert.Equal(t, map[string]float64{"p99": 12.5, "TM(10%:90%)": 7.25}, dp.ExtendedStatistics.Map())
	b, err := json.Marshal(dp)
	require.NoError(t, err)
	assert.JSONEq(t, aws, string(b))
	assert.Contains(t, string(b), `"ExtendedStatistics":{"TM(10%:90%)":7.25,"p99":12.5}`, "keys sorted as a map's")
}

func TestExtendedStatisticsAskedTwiceAppearOnce(t *testing.T) {
	s, _ := newTestService(t)
	put(t, s, "App", MetricDatum{MetricName: "M", Values: []float64{1, 2, 3}, Timestamp: t0})
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(time.Minute), Period: 60, ExtendedStatistics: []string{"p50", "p50", "p100"}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	assert.Equal(t, ExtendedStatistics{{"p50", 2}, {"p100", 3}}, out.Datapoints[0].ExtendedStatistics)
}

// A map per datapoint made p99 over an hour cost two allocations per
// datapoint; now the call's datapoints share them.
func TestGetMetricStatisticsExtendedAllocatesPerCallNotPerDatapoint(t *testing.T) {
	s, _ := newTestService(t)
	var data []MetricDatum
	for i := range 60 {
		data = append(data, MetricDatum{MetricName: "M", Values: []float64{1, 2, float64(i)}, Timestamp: t0.Add(time.Duration(i-60) * time.Minute)})
	}
	put(t, s, "App", data...)
	in := GetMetricStatisticsInput{Namespace: "App", MetricName: "M", StartTime: t0.Add(-time.Hour), EndTime: t0, Period: 60, ExtendedStatistics: []string{"p99"}}
	allocs := testing.AllocsPerRun(20, func() {
		out, err := s.GetMetricStatistics(context.Background(), in)
		if err != nil || len(out.Datapoints) != 60 {
			t.Fatal(err)
		}
	})
	assert.LessOrEqual(t, allocs, 12.0, "allocations per call of 60 datapoints")
}

// FuzzQueryTimes: any StartTime, EndTime and Period answer a typed error or
// succeed, never panic, and leave the service usable.
func FuzzQueryTimes(f *testing.F) {
	f.Add(int64(-3600), int64(10_000_000_000), int64(0), 60)
	f.Add(int64(0), int64(86400), int64(999_999_999), 1)
	f.Add(int64(-1<<62), int64(1<<62), int64(5), 60_000_000)
	s, _ := newTestService(f)
	_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: "M", Value: Float(7), Timestamp: t0.Add(-time.Minute)}}})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, startOff, endOff, nanos int64, period int) {
		start := t0.Add(time.Duration(startOff) * time.Second)
		if startOff > 1<<33 || startOff < -(1<<33) {
			start = time.Unix(startOff, nanos%1e9)
		}
		end := t0.Add(time.Duration(endOff) * time.Second)
		if endOff > 1<<33 || endOff < -(1<<33) {
			end = time.Unix(endOff, nanos%1e9)
		}
		_, err := gms(s, GetMetricStatisticsInput{StartTime: start, EndTime: end, Period: period, ExtendedStatistics: []string{"p99"}})
		if err != nil && awserr.Code(err) == "" {
			t.Fatalf("untyped error %v", err)
		}
		_, err = s.GetMetricData(context.Background(), GetMetricDataInput{StartTime: start, EndTime: end, MetricDataQueries: []MetricDataQuery{
			{Id: "m", MetricStat: &MetricStat{Metric: Metric{Namespace: "App", MetricName: "M"}, Period: period, Stat: "Sum"}, ReturnData: Bool(false)},
			{Id: "e", Expression: "FILL(m, 0)"},
		}})
		if err != nil && awserr.Code(err) == "" {
			t.Fatalf("untyped error %v", err)
		}
	})
}
