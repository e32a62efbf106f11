package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/awserr"
)

// Issue 18.1: AWS counts (EndTime - StartTime) / Period against the 1,440
// datapoint limit, so a day at one-minute periods from any second is allowed.
func TestADayAtOneMinutePeriodsFromAnySecondIsAllowed(t *testing.T) {
	for _, sec := range []int{0, 1, 29, 59} {
		s, c := newTestService(t)
		now := t0.Add(time.Duration(sec) * time.Second)
		c.Set(now)
		out, err := gms(s, GetMetricStatisticsInput{StartTime: now, EndTime: now.Add(24 * time.Hour), Period: 60})
		require.NoError(t, err, "second %d", sec)
		assert.Empty(t, out.Datapoints)
	}
	s, _ := newTestService(t)
	_, err := gms(s, GetMetricStatisticsInput{StartTime: t0.Add(30 * time.Second), EndTime: t0.Add(24*time.Hour + 31*time.Second), Period: 60})
	require.Error(t, err)
	assert.Equal(t, "InvalidParameterCombination", awserr.Code(err))
	assert.Contains(t, err.Error(), "You have requested up to 1441 datapoints")
}

// Issue 18.12: AWS's exact texts, as recorded from CloudWatch.
func TestValidationMessagesAreAWSWordForWord(t *testing.T) {
	cases := []struct {
		name string
		call func(s *Service) error
		code string
		msg  string
	}{
		{"Value with Values", func(s *Service) error {
			_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: "m", Value: Float(1.5), Values: []float64{1, 10}}}})
			return err
		}, "InvalidParameterCombination", "The parameters MetricData.member.1.Value and MetricData.member.1.Values are mutually exclusive and you have specified both."},
		{"Value with StatisticValues", func(s *Service) error {
			_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: "m", Value: Float(1.5), StatisticValues: &StatisticSet{SampleCount: 10, Sum: 55, Minimum: 1, Maximum: 10}}}})
			return err
		}, "InvalidParameterCombination", "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both."},
		{"Values and Counts of different sizes", func(s *Service) error {
			_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: "m", Values: []float64{1, 10}, Counts: []float64{2, 4, 5}}}})
			return err
		}, "InvalidParameterValue", "The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size."},
		{"StartTime not before EndTime", func(s *Service) error {
			_, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0, Period: 1, Statistics: []Statistic{StatSampleCount}})
			return err
		}, "InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime."},
		{"a day at period 1", func(s *Service) error {
			_, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(24 * time.Hour), Period: 1, Statistics: []Statistic{StatSampleCount}})
			return err
		}, "InvalidParameterCombination", "You have requested up to 86400 datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestService(t)
			err := tc.call(s)
			require.Error(t, err)
			assert.Equal(t, tc.code, awserr.Code(err))
			assert.Equal(t, tc.msg, awserr.Message(err))
		})
	}
}

// Issue 18.7: AWS accepts a datum with both Values and StatisticValues (the
// CloudWatch agent sends its distributions so); the statistic set gives the
// basic statistics, Values and Counts the percentiles.
func TestValuesWithStatisticValuesAreAcceptedAndBothKept(t *testing.T) {
	s, _ := newTestService(t)
	put(t, s, "App", MetricDatum{MetricName: "M", Timestamp: t0, Unit: UnitCount,
		Values: []float64{1.0488, 2.0438, 2.9924}, Counts: []float64{1, 1, 1},
		StatisticValues: &StatisticSet{SampleCount: 3, Sum: 6, Minimum: 1, Maximum: 3}})
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(time.Minute), Period: 60,
		Statistics: []Statistic{StatSampleCount, StatSum, StatMinimum, StatMaximum}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	dp := out.Datapoints[0]
	assert.Equal(t, []float64{3, 6, 1, 3}, []float64{*dp.SampleCount, *dp.Sum, *dp.Minimum, *dp.Maximum})
	out, err = gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(time.Minute), Period: 60, ExtendedStatistics: []string{"p50"}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	v, ok := out.Datapoints[0].ExtendedStatistics.Get("p50")
	require.True(t, ok, "percentiles come from Values")
	assert.Equal(t, 2.0438, v, "the median of the distribution (p0 and p100 are the set's exact Minimum and Maximum)")
}

// AWS's recorded answer for Values [1, 10] with Counts [2, 4]: SampleCount 6,
// Sum 42, Maximum 10.
func TestValuesWithCountsWeighTheValues(t *testing.T) {
	s, _ := newTestService(t)
	put(t, s, "App", MetricDatum{MetricName: "M", Timestamp: t0, Unit: UnitCount, Values: []float64{1, 10}, Counts: []float64{2, 4}})
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0.Add(-time.Minute), EndTime: t0.Add(time.Minute), Period: 60,
		Statistics: []Statistic{StatSampleCount, StatSum, StatMaximum}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	dp := out.Datapoints[0]
	assert.Equal(t, []float64{6, 42, 10}, []float64{*dp.SampleCount, *dp.Sum, *dp.Maximum})
	assert.Equal(t, UnitCount, dp.Unit)
}

// Issue 18.3: GetMetricData without a Unit on a metric with data in several
// units returns one unit's values (CloudWatch converts nothing) and the
// message MultipleUnits, as recorded from AWS.
func TestGetMetricDataWithoutUnitReturnsOneUnitAndMultipleUnits(t *testing.T) {
	cases := []struct {
		name string
		data []MetricDatum
		want []float64
		msg  string
	}{
		{"60000 ms and 60 s", []MetricDatum{{Value: Float(60000), Unit: UnitMilliseconds}, {Value: Float(60), Unit: UnitSeconds}},
			[]float64{60000}, "Multiple units returned: '[Milliseconds, Seconds]'"},
		{"each twice", []MetricDatum{{Value: Float(60000), Unit: UnitMilliseconds}, {Value: Float(60), Unit: UnitSeconds}, {Value: Float(60000), Unit: UnitMilliseconds}, {Value: Float(60), Unit: UnitSeconds}},
			[]float64{120000}, "Multiple units returned: '[Milliseconds, Seconds]'"},
		{"with 5 Count", []MetricDatum{{Value: Float(60000), Unit: UnitMilliseconds}, {Value: Float(60), Unit: UnitSeconds}, {Value: Float(5), Unit: UnitCount}},
			[]float64{5}, "Multiple units returned: '[Count, Milliseconds, Seconds]'"},
		{"one unit has no message", []MetricDatum{{Value: Float(60), Unit: UnitSeconds}}, []float64{60}, ""},
	}
	for _, tc := range cases {
		for _, fast := range []bool{true, false} {
			t.Run(tc.name, func(t *testing.T) {
				s, _ := newTestService(t)
				for i := range tc.data {
					tc.data[i].MetricName, tc.data[i].Timestamp = "m-test", t0
				}
				put(t, s, "App", tc.data...)
				queries := []MetricDataQuery{{Id: "m1", MetricStat: &MetricStat{Metric: Metric{Namespace: "App", MetricName: "m-test"}, Period: 60, Stat: "Sum"}}}
				if !fast {
					queries = append(queries, MetricDataQuery{Id: "e1", Expression: "m1 * 1", ReturnData: Bool(false)})
				}
				out, err := s.getMetricDataVia(&GetMetricDataInput{StartTime: t0, EndTime: t0.Add(time.Minute), MetricDataQueries: queries}, fast, nil)
				require.NoError(t, err)
				require.Len(t, out.MetricDataResults, 1)
				r := out.MetricDataResults[0]
				assert.Equal(t, tc.want, r.Values)
				if tc.msg == "" {
					assert.Empty(t, r.Messages)
					return
				}
				assert.Equal(t, []MessageData{{Code: "MultipleUnits", Value: tc.msg}}, r.Messages)
			})
		}
	}
}

// Issue 18.4: queries on the same metric get labels that tell them apart,
// as AWS labels them (recorded answers).
func TestLabelsOfQueriesOnTheSameMetricTellThemApart(t *testing.T) {
	type q struct {
		stat   string
		period int
		unit   StandardUnit
	}
	cases := []struct {
		name    string
		queries []q
		want    []string
	}{
		{"Sum 60 and Minimum 30", []q{{"Sum", 60, UnitSeconds}, {"Minimum", 30, UnitSeconds}}, []string{"metric1 Sum 60", "metric1 Minimum 30"}},
		{"Sum 60 and Minimum 60", []q{{"Sum", 60, UnitSeconds}, {"Minimum", 60, UnitSeconds}}, []string{"metric1 Sum", "metric1 Minimum"}},
		{"Sum 60 and Sum 30", []q{{"Sum", 60, UnitSeconds}, {"Sum", 30, UnitSeconds}}, []string{"metric1 60", "metric1 30"}},
		{"Sum 60 and Minimum 30 in another unit", []q{{"Sum", 60, UnitSeconds}, {"Minimum", 30, UnitMilliseconds}}, []string{"metric1 Sum 60", "metric1 Minimum 30"}},
		{"differing only by Unit", []q{{"Sum", 60, UnitSeconds}, {"Sum", 60, UnitMilliseconds}}, []string{"metric1", "metric1"}},
		{"four statistics", []q{{"Average", 60, ""}, {"Sum", 60, ""}, {"Minimum", 60, ""}, {"Maximum", 60, ""}}, []string{"metric1 Average", "metric1 Sum", "metric1 Minimum", "metric1 Maximum"}},
	}
	for _, tc := range cases {
		for _, fast := range []bool{true, false} {
			t.Run(tc.name, func(t *testing.T) {
				s, _ := newTestService(t)
				var data []MetricDatum
				for _, v := range []float64{0, 2, 7, 100} {
					data = append(data, MetricDatum{MetricName: "metric1", Value: Float(v), Unit: UnitSeconds, Timestamp: t0})
				}
				put(t, s, "App", data...)
				var qs []MetricDataQuery
				for i, x := range tc.queries {
					qs = append(qs, MetricDataQuery{Id: "r" + string(rune('a'+i)), MetricStat: &MetricStat{Metric: Metric{Namespace: "App", MetricName: "metric1"}, Period: x.period, Stat: x.stat, Unit: x.unit}})
				}
				if !fast {
					qs = append(qs, MetricDataQuery{Id: "e", Expression: "ra * 1", ReturnData: Bool(false)})
				}
				out, err := s.getMetricDataVia(&GetMetricDataInput{StartTime: t0.Add(-time.Minute), EndTime: t0.Add(time.Minute), MetricDataQueries: qs}, fast, nil)
				require.NoError(t, err)
				var got []string
				for _, r := range out.MetricDataResults {
					got = append(got, r.Label)
				}
				assert.Equal(t, tc.want, got)
			})
		}
	}
}

// Issue 18.12: texts moto reproduces from AWS.
func TestQueryMessagesMatchAWS(t *testing.T) {
	s, _ := newTestService(t)
	_, err := s.GetMetricStatistics(context.Background(), GetMetricStatisticsInput{Namespace: "App", MetricName: "M", StartTime: t0.Add(-time.Hour), EndTime: t0, Period: 60})
	require.Error(t, err)
	assert.Equal(t, "InvalidParameterCombination", awserr.Code(err))
	assert.Equal(t, "Must specify either Statistics or ExtendedStatistics", awserr.Message(err))
	_, err = s.GetMetricData(context.Background(), GetMetricDataInput{StartTime: t0.Add(-time.Hour), EndTime: t0, MetricDataQueries: []MetricDataQuery{{Id: "m1"}}})
	require.Error(t, err)
	assert.Equal(t, "ValidationError", awserr.Code(err))
	assert.Equal(t, "The parameter MetricDataQueries.member.1.MetricStat is required.\n", awserr.Message(err))
}
