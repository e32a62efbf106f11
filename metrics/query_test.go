package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/awserr"
)

func put(t *testing.T, s *Service, ns string, data ...MetricDatum) {
	t.Helper()
	_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: ns, MetricData: data})
	require.NoError(t, err)
}

func gms(s *Service, in GetMetricStatisticsInput) (*GetMetricStatisticsOutput, error) {
	if in.Namespace == "" {
		in.Namespace = "App"
	}
	if in.MetricName == "" {
		in.MetricName = "M"
	}
	if len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0 {
		in.Statistics = []Statistic{StatSum}
	}
	return s.GetMetricStatistics(context.Background(), in)
}

func TestGetMetricStatisticsValidation(t *testing.T) {
	now := t0
	cases := []struct {
		name string
		in   GetMetricStatisticsInput
		code string
	}{
		{"period 60 for the last hour is fine", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 60}, ""},
		{"period is required", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now}, "MissingParameter"},
		{"StartTime is required", GetMetricStatisticsInput{EndTime: now, Period: 60}, "MissingParameter"},
		{"EndTime is required", GetMetricStatisticsInput{StartTime: now, Period: 60}, "MissingParameter"},
		{"StartTime must be before EndTime", GetMetricStatisticsInput{StartTime: now, EndTime: now, Period: 60}, "InvalidParameterValue"},
		{"sub-minute periods 1, 5, 10, 30 are allowed within 3 hours", GetMetricStatisticsInput{StartTime: now.Add(-10 * time.Minute), EndTime: now, Period: 1}, ""},
		{"period 5", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 5}, ""},
		{"period 10", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 10}, ""},
		{"period 30", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 30}, ""},
		{"period 15 is not allowed", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 15}, "InvalidParameterValue"},
		{"period 20 (listed for MetricStat) is allowed", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 20}, ""},
		{"period 2 is not allowed", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 2}, "InvalidParameterValue"},
		{"period 90 is not a multiple of 60", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 90}, "InvalidParameterValue"},
		{"negative period", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: -60}, "InvalidParameterValue"},

		{"period 300 with StartTime over 15 days ago", GetMetricStatisticsInput{StartTime: now.Add(-20 * 24 * time.Hour), EndTime: now.Add(-19 * 24 * time.Hour), Period: 300}, ""},

		{"period 3600 with StartTime over 63 days ago", GetMetricStatisticsInput{StartTime: now.Add(-64 * 24 * time.Hour), EndTime: now.Add(-63 * 24 * time.Hour), Period: 3600}, ""},
		{"1,440 datapoints are allowed", GetMetricStatisticsInput{StartTime: now.Add(-24 * time.Hour), EndTime: now, Period: 60}, ""},
		{"1,441 datapoints are too many", GetMetricStatisticsInput{StartTime: now.Add(-24*time.Hour - time.Minute), EndTime: now, Period: 60}, "InvalidParameterCombination"},
		{"Statistics and ExtendedStatistics are exclusive", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 60, Statistics: []Statistic{StatSum}, ExtendedStatistics: []string{"p99"}}, "InvalidParameterCombination"},
		{"unknown statistic", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 60, Statistics: []Statistic{"Median"}}, "InvalidParameterValue"},
		{"six statistics are too many", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 60, Statistics: []Statistic{StatSum, StatSum, StatSum, StatSum, StatSum, StatSum}}, "InvalidParameterValue"},
		{"eleven extended statistics are too many", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 60, ExtendedStatistics: []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11"}}, "InvalidParameterValue"},
		{"malformed extended statistic", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 60, ExtendedStatistics: []string{"p101"}}, "InvalidParameterValue"},
		{"unknown unit", GetMetricStatisticsInput{StartTime: now.Add(-time.Hour), EndTime: now, Period: 60, Unit: "Hours"}, "InvalidParameterValue"},
		{"AWS/ namespaces can be read", GetMetricStatisticsInput{Namespace: "AWS/EC2", StartTime: now.Add(-time.Hour), EndTime: now, Period: 60}, ""},
		{"invalid namespace", GetMetricStatisticsInput{Namespace: "a\x00b", StartTime: now.Add(-time.Hour), EndTime: now, Period: 60}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestService(t)
			_, err := gms(s, tc.in)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.code, awserr.Code(err), err.Error())
		})
	}
}

// AWS: "If the StartTime parameter specifies a time stamp that is greater
// than 3 hours ago, you must specify the period as follows or no data points
// in that time range is returned" — the call succeeds, with no data.
func TestPeriodTooFineForTheAgeReturnsNoData(t *testing.T) {
	cases := []struct {
		name   string
		age    time.Duration // of the datapoint when queried
		period int
		want   int
	}{
		{"sub-minute period with StartTime over 3 hours ago", 5 * time.Hour, 30, 0},
		{"period 60 with StartTime over 3 hours ago", 5 * time.Hour, 60, 1},
		{"period 60 with StartTime over 15 days ago", 20 * 24 * time.Hour, 60, 0},
		{"period 300 with StartTime over 15 days ago", 20 * 24 * time.Hour, 300, 1},
		{"period 300 with StartTime over 63 days ago", 70 * 24 * time.Hour, 300, 0},
		{"period 3600 with StartTime over 63 days ago", 70 * 24 * time.Hour, 3600, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newTestService(t)
			at := t0.Add(-time.Hour)
			put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(1), StorageResolution: 1, Timestamp: at})
			c.Set(at.Add(tc.age))
			start, end := at.Add(-2*time.Hour), at.Add(2*time.Hour)
			out, err := gms(s, GetMetricStatisticsInput{StartTime: start, EndTime: end, Period: tc.period})
			require.NoError(t, err)
			assert.Len(t, out.Datapoints, tc.want)
			ts, _, err := s.statSeries(MetricStat{Metric: Metric{Namespace: "App", MetricName: "M"}, Period: tc.period, Stat: "Sum"}, start, end)
			require.NoError(t, err)
			assert.Len(t, ts, tc.want)
		})
	}
}

func TestStartTimeAlignment(t *testing.T) {
	now := t0
	cases := []struct {
		name   string
		start  time.Time
		period int
		want   time.Time
	}{
		{"under 15 days: rounded down to the minute", time.Date(2026, 11, 25, 11, 32, 34, 0, time.UTC), 60, time.Date(2026, 11, 25, 11, 32, 0, 0, time.UTC)},
		{"period 5: rounded to 5-second divisions", time.Date(2026, 11, 25, 11, 32, 34, 0, time.UTC), 5, time.Date(2026, 11, 25, 11, 32, 30, 0, time.UTC)},
		{"period 10", time.Date(2026, 11, 25, 11, 32, 34, 0, time.UTC), 10, time.Date(2026, 11, 25, 11, 32, 30, 0, time.UTC)},
		{"period 30", time.Date(2026, 11, 25, 11, 32, 34, 0, time.UTC), 30, time.Date(2026, 11, 25, 11, 32, 30, 0, time.UTC)},
		{"period 1: to the second", time.Date(2026, 11, 25, 11, 32, 34, 500, time.UTC), 1, time.Date(2026, 11, 25, 11, 32, 34, 0, time.UTC)},
		{"15 to 63 days: rounded down to 5 minutes", now.Add(-20*24*time.Hour - 3*time.Minute - 7*time.Second), 300, now.Add(-20*24*time.Hour - 5*time.Minute)},
		{"over 63 days: rounded down to the hour", now.Add(-70*24*time.Hour - 90*time.Minute), 3600, now.Add(-70*24*time.Hour - 2*time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want.Unix(), alignStart(tc.start, tc.period, now))
		})
	}
}

func TestStatisticsPerPeriod(t *testing.T) {
	s, c := newTestService(t)
	c.Set(t0.Add(time.Hour))
	// Two minutes of data, values 1..4 in the first, 10 in the second.
	for i, v := range []float64{1, 2, 3, 4} {
		put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(v), Timestamp: t0.Add(time.Duration(i*10) * time.Second)})
	}
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(10), Timestamp: t0.Add(90 * time.Second)})
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(5 * time.Minute), Period: 60,
		Statistics: []Statistic{StatSampleCount, StatAverage, StatSum, StatMinimum, StatMaximum}})
	require.NoError(t, err)
	assert.Equal(t, "M", out.Label)
	require.Len(t, out.Datapoints, 2)
	d := out.Datapoints[0]
	assert.Equal(t, t0, d.Timestamp)
	assert.Equal(t, 4.0, *d.SampleCount)
	assert.Equal(t, 2.5, *d.Average)
	assert.Equal(t, 10.0, *d.Sum)
	assert.Equal(t, 1.0, *d.Minimum)
	assert.Equal(t, 4.0, *d.Maximum)
	assert.Equal(t, UnitNone, d.Unit, "data without a unit is stored as None")
	assert.Equal(t, t0.Add(time.Minute), out.Datapoints[1].Timestamp)
	assert.Equal(t, 10.0, *out.Datapoints[1].Sum)

	// A 5-minute period sums both minutes; StartTime not on a period boundary
	// still yields period starts from the rounded StartTime.
	out, err = gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(5 * time.Minute), Period: 300, Statistics: []Statistic{StatSum}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	assert.Equal(t, 20.0, *out.Datapoints[0].Sum)
	assert.Nil(t, out.Datapoints[0].Average, "only the statistics asked for are set")

	// EndTime is exclusive.
	out, err = gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(time.Minute), Period: 60})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	assert.Equal(t, 10.0, *out.Datapoints[0].Sum)
}

func TestStandardResolutionAggregatesIntoTheMinuteCell(t *testing.T) {
	s, c := newTestService(t)
	c.Set(t0.Add(10 * time.Minute))
	put(t, s, "App",
		MetricDatum{MetricName: "M", Value: Float(1), Timestamp: t0.Add(5 * time.Second)},
		MetricDatum{MetricName: "M", Value: Float(2), Timestamp: t0.Add(45 * time.Second)})
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(time.Minute), Period: 10, Statistics: []Statistic{StatSum}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1, "standard-resolution data is one cell per minute")
	assert.Equal(t, t0, out.Datapoints[0].Timestamp)
	assert.Equal(t, 3.0, *out.Datapoints[0].Sum)
}

func TestHighResolutionSubMinutePeriods(t *testing.T) {
	s, c := newTestService(t)
	c.Set(t0.Add(10 * time.Minute))
	var data []MetricDatum
	for i := 0; i < 60; i++ {
		data = append(data, MetricDatum{MetricName: "M", Value: Float(float64(i)), Timestamp: t0.Add(time.Duration(i) * time.Second), StorageResolution: 1})
	}
	put(t, s, "App", data...)
	for _, p := range []int{1, 5, 10, 30} {
		out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(time.Minute), Period: p, Statistics: []Statistic{StatSum, StatSampleCount}})
		require.NoError(t, err)
		require.Len(t, out.Datapoints, 60/p)
		for k, d := range out.Datapoints {
			assert.Equal(t, t0.Add(time.Duration(k*p)*time.Second), d.Timestamp)
			assert.Equal(t, float64(p), *d.SampleCount)
			first := float64(k * p)
			assert.Equal(t, float64(p)*first+float64(p*(p-1)/2), *d.Sum)
		}
	}
	// A StartTime inside the minute.
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0.Add(40 * time.Second), EndTime: t0.Add(time.Minute), Period: 10, Statistics: []Statistic{StatSampleCount}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 2)
	assert.Equal(t, t0.Add(40*time.Second), out.Datapoints[0].Timestamp)
}

func TestOutOfOrderAndRepeatedSecondsAggregate(t *testing.T) {
	s, c := newTestService(t)
	c.Set(t0.Add(10 * time.Minute))
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(5), Timestamp: t0.Add(70 * time.Second), StorageResolution: 1})
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(1), Timestamp: t0.Add(10 * time.Second), StorageResolution: 1})
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(2), Timestamp: t0.Add(10 * time.Second), StorageResolution: 1})
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(3), Timestamp: t0.Add(5 * time.Second), StorageResolution: 1})
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(2 * time.Minute), Period: 1, Statistics: []Statistic{StatSum, StatSampleCount}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 3)
	assert.Equal(t, t0.Add(5*time.Second), out.Datapoints[0].Timestamp)
	assert.Equal(t, 3.0, *out.Datapoints[0].Sum)
	assert.Equal(t, t0.Add(10*time.Second), out.Datapoints[1].Timestamp)
	assert.Equal(t, 3.0, *out.Datapoints[1].Sum, "values in one storage period aggregate into one cell")
	assert.Equal(t, 2.0, *out.Datapoints[1].SampleCount)
	assert.Equal(t, t0.Add(70*time.Second), out.Datapoints[2].Timestamp)
}

func TestUnitsAggregateSeparately(t *testing.T) {
	s, c := newTestService(t)
	c.Set(t0.Add(10 * time.Minute))
	put(t, s, "App",
		MetricDatum{MetricName: "M", Value: Float(1), Unit: UnitSeconds, Timestamp: t0},
		MetricDatum{MetricName: "M", Value: Float(1000), Unit: UnitMilliseconds, Timestamp: t0},
		MetricDatum{MetricName: "M", Value: Float(2), Unit: UnitSeconds, Timestamp: t0.Add(time.Minute)})
	out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(2 * time.Minute), Period: 60})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 3, "without Unit, each unit is a separate datapoint")
	assert.Equal(t, UnitSeconds, out.Datapoints[0].Unit)
	assert.Equal(t, UnitMilliseconds, out.Datapoints[1].Unit)
	assert.Equal(t, t0, out.Datapoints[1].Timestamp)
	assert.Equal(t, t0.Add(time.Minute), out.Datapoints[2].Timestamp)

	out, err = gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(2 * time.Minute), Period: 60, Unit: UnitMilliseconds})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	assert.Equal(t, 1000.0, *out.Datapoints[0].Sum)

	out, err = gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(2 * time.Minute), Period: 60, Unit: UnitBytes})
	require.NoError(t, err)
	assert.Empty(t, out.Datapoints)

	// statSeries without a unit returns one unit's data, as GetMetricData
	// does (Milliseconds before Seconds); units are never added together.
	ts, vs, err := s.statSeries(MetricStat{Metric: Metric{Namespace: "App", MetricName: "M"}, Period: 60, Stat: "Sum"}, t0, t0.Add(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []time.Time{t0}, ts)
	assert.Equal(t, []float64{1000}, vs)
}

func TestPercentilesAndStatisticSets(t *testing.T) {
	cases := []struct {
		name string
		data []MetricDatum
		want map[string]float64 // nil: no percentile
	}{
		{"raw values give exact percentiles",
			[]MetricDatum{{MetricName: "M", Values: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}},
			map[string]float64{"p50": 5, "p90": 9, "tm90": 5, "PR(:3)": 30}},
		{"Values with Counts weight each value",
			[]MetricDatum{{MetricName: "M", Values: []float64{1, 100}, Counts: []float64{99, 1}}},
			map[string]float64{"p50": 1, "p99": 1, "p100": 100, "tc99": 99}},
		{"a statistic set with SampleCount 1 and Min = Max = Sum is a raw value",
			[]MetricDatum{{MetricName: "M", StatisticValues: &StatisticSet{1, 7, 7, 7}}, {MetricName: "M", Value: Float(3)}},
			map[string]float64{"p50": 3, "p100": 7}},
		{"a statistic set of one repeated value (Min = Max, Sum = Min × SampleCount) keeps percentiles",
			[]MetricDatum{{MetricName: "M", StatisticValues: &StatisticSet{4, 8, 2, 2}}, {MetricName: "M", Value: Float(10)}},
			map[string]float64{"p50": 2, "p90": 10}},
		{"a statistic set with Min = Max but a different Sum still keeps percentiles (its Sum stays the Sum)",
			[]MetricDatum{{MetricName: "M", StatisticValues: &StatisticSet{2, 5, 2, 2}}, {MetricName: "M", Value: Float(10)}},
			map[string]float64{"p50": 2, "p100": 10}},
		{"a general statistic set makes percentiles unavailable",
			[]MetricDatum{{MetricName: "M", StatisticValues: &StatisticSet{3, 6, 1, 3}}, {MetricName: "M", Value: Float(10)}},
			nil},
		{"a negative value makes percentiles unavailable",
			[]MetricDatum{{MetricName: "M", Values: []float64{-1, 5, 10}}},
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newTestService(t)
			c.Set(t0.Add(10 * time.Minute))
			for i := range tc.data {
				tc.data[i].Timestamp = t0
			}
			put(t, s, "App", tc.data...)
			names := []string{"p50", "p90", "p99", "p100", "tm90", "tc99", "PR(:3)"}
			out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(time.Minute), Period: 60, ExtendedStatistics: names})
			require.NoError(t, err)
			require.Len(t, out.Datapoints, 1, "the period has data")
			got := out.Datapoints[0].ExtendedStatistics.Map()
			if tc.want == nil {
				assert.Empty(t, got)
				return
			}
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], k)
			}
		})
	}
}

func TestStatSeriesValidatesLikeGetMetricStatistics(t *testing.T) {
	s, _ := newTestService(t)
	m := Metric{Namespace: "App", MetricName: "M"}
	cases := []struct {
		name string
		ms   MetricStat
		code string
	}{
		{"bad stat", MetricStat{Metric: m, Period: 60, Stat: "Median"}, "InvalidParameterValue"},
		{"missing stat", MetricStat{Metric: m, Period: 60}, "MissingParameter"},
		{"bad period", MetricStat{Metric: m, Period: 45, Stat: "Sum"}, "InvalidParameterValue"},
		{"missing namespace", MetricStat{Metric: Metric{MetricName: "M"}, Period: 60, Stat: "Sum"}, "MissingParameter"},
		{"extended stat ok", MetricStat{Metric: m, Period: 60, Stat: "TM(10%:90%)"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := s.statSeries(tc.ms, t0.Add(-48*time.Hour), t0)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tc.code, awserr.Code(err))
		})
	}
	// No 1,440 limit: two days of minutes.
	put(t, s, "App", MetricDatum{MetricName: "M", Value: Float(1), Timestamp: t0.Add(-47 * time.Hour)})
	ts, _, err := s.statSeries(MetricStat{Metric: m, Period: 60, Stat: "Sum"}, t0.Add(-48*time.Hour), t0)
	require.NoError(t, err)
	assert.Len(t, ts, 1)
}
