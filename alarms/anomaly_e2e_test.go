package alarms_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/metrics"
)

// TestEndToEndAnomalyDetectionAlarm: an anomaly detection alarm
// (ANOMALY_DETECTION_BAND as ThresholdMetricId) on the real metrics service,
// on a manual clock. Trained on three days of a daily-seasonal series, the
// alarm is OK on normal data, goes to ALARM on a spike above the band and
// back to OK when the data is normal again.
func TestEndToEndAnomalyDetectionAlarm(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	ms := metrics.New(metrics.Options{Clock: clk, IDs: ids.New(1)})
	defer ms.Close()
	r := rand.New(rand.NewPCG(5, 5))
	dims := []metrics.Dimension{{Name: "Service", Value: "api"}}
	value := func(at time.Time) float64 {
		tod := float64(at.Unix()%86400) / 86400
		return 200 + 80*math.Sin(2*math.Pi*tod) + 4*r.NormFloat64()
	}
	put := func(at time.Time, v float64) {
		_, err := ms.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{
			{MetricName: "Requests", Dimensions: dims, Timestamp: at, Value: metrics.Float(v)}}})
		require.NoError(t, err)
	}
	// Three days of history, before the alarm exists.
	for d := range 3 {
		clk.Set(t0.Add(time.Duration(d+1) * 24 * time.Hour))
		data := make([]metrics.MetricDatum, 0, 1440)
		for i := range 1440 {
			at := t0.Add(time.Duration(d)*24*time.Hour + time.Duration(i)*time.Minute)
			data = append(data, metrics.MetricDatum{MetricName: "Requests", Dimensions: dims, Timestamp: at, Value: metrics.Float(value(at))})
		}
		for k := 0; k < len(data); k += 1000 {
			_, err := ms.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: data[k:min(k+1000, len(data))]})
			require.NoError(t, err)
		}
	}

	svc := alarms.New(alarms.Options{Clock: clk, IDs: ids.New(2), Metrics: ms})
	defer svc.Close()
	_, err := svc.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "requests-anomaly", ComparisonOperator: alarms.LessThanLowerOrGreaterThanUpperThreshold,
		EvaluationPeriods: 3, DatapointsToAlarm: 2, ThresholdMetricId: "ad1",
		Metrics: []metrics.MetricDataQuery{
			{Id: "m1", ReturnData: metrics.Bool(true), MetricStat: &metrics.MetricStat{
				Metric: metrics.Metric{Namespace: "Shop", MetricName: "Requests", Dimensions: dims}, Period: 60, Stat: "Average"}},
			{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 3)", Label: "Requests (expected)"},
		},
	})
	require.NoError(t, err)
	state := func() (alarms.StateValue, string) {
		out, err := svc.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{AlarmNames: []string{"requests-anomaly"}})
		require.NoError(t, err)
		require.Len(t, out.MetricAlarms, 1)
		return out.MetricAlarms[0].StateValue, out.MetricAlarms[0].StateReason
	}
	// minute publishes the minute's value 5 s into it and moves to its end.
	minute := func(spike bool) {
		at := clk.Now()
		v := value(at)
		if spike {
			v += 1000
		}
		put(at.Add(5*time.Second), v)
		clk.Set(at.Add(time.Minute))
	}
	for range 10 {
		minute(false)
	}
	st, reason := state()
	require.Equal(t, alarms.StateOK, st, reason)

	for range 3 {
		minute(true)
	}
	st, reason = state()
	require.Equal(t, alarms.StateAlarm, st, reason)
	assert.Contains(t, reason, "greater than the upper thresholds")

	for range 5 {
		minute(false)
	}
	st, reason = state()
	require.Equal(t, alarms.StateOK, st, reason)

	// The alarm's band created the model implicitly, as in CloudWatch.
	ad, err := ms.DescribeAnomalyDetectors(ctx, metrics.DescribeAnomalyDetectorsInput{Namespace: "Shop"})
	require.NoError(t, err)
	require.Len(t, ad.AnomalyDetectors, 1)
	assert.Equal(t, "Average", ad.AnomalyDetectors[0].Stat)
	assert.Equal(t, metrics.AnomalyStateTrained, ad.AnomalyDetectors[0].StateValue)
}
