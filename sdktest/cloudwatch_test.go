package sdktest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dim(name, value string) cwtypes.Dimension {
	return cwtypes.Dimension{Name: aws.String(name), Value: aws.String(value)}
}

// TestCloudWatchMetricOperations drives PutMetricData, ListMetrics,
// GetMetricStatistics, GetMetricData and the anomaly-detector operations
// through the SDK's CloudWatch client (rpc-v2-cbor).
func TestCloudWatchMetricOperations(t *testing.T) {
	e := newEnv(t)
	now := e.clock.Now()
	api := []cwtypes.Dimension{dim("Service", "api")}
	_, err := e.cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("App"),
		MetricData: []cwtypes.MetricDatum{
			{MetricName: aws.String("Latency"), Dimensions: api, Timestamp: aws.Time(now.Add(-90 * time.Second)), Value: aws.Float64(120), Unit: cwtypes.StandardUnitMilliseconds},
			{MetricName: aws.String("Latency"), Dimensions: api, Timestamp: aws.Time(now.Add(-80 * time.Second)), Values: []float64{80, 100}, Counts: []float64{1, 2}, Unit: cwtypes.StandardUnitMilliseconds},
			{MetricName: aws.String("Requests"), Dimensions: api, Timestamp: aws.Time(now.Add(-70 * time.Second)),
				StatisticValues: &cwtypes.StatisticSet{SampleCount: aws.Float64(4), Sum: aws.Float64(40), Minimum: aws.Float64(5), Maximum: aws.Float64(15)}, Unit: cwtypes.StandardUnitCount},
		},
	})
	require.NoError(t, err)

	t.Run("ListMetrics lists what was put, filtered by dimension", func(t *testing.T) {
		out, err := e.cw.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("App"),
			Dimensions: []cwtypes.DimensionFilter{{Name: aws.String("Service"), Value: aws.String("api")}}})
		require.NoError(t, err)
		var names []string
		for _, m := range out.Metrics {
			names = append(names, aws.ToString(m.MetricName))
			assert.Equal(t, api, m.Dimensions)
		}
		assert.ElementsMatch(t, []string{"Latency", "Requests"}, names)
		assert.Nil(t, out.NextToken)
	})

	t.Run("GetMetricStatistics computes statistics and percentiles of the minute", func(t *testing.T) {
		out, err := e.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
			Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: api,
			StartTime: aws.Time(now.Add(-10 * time.Minute)), EndTime: aws.Time(now), Period: aws.Int32(600),
			Statistics: []cwtypes.Statistic{cwtypes.StatisticAverage, cwtypes.StatisticMaximum, cwtypes.StatisticSampleCount, cwtypes.StatisticSum},
		})
		require.NoError(t, err)
		assert.Equal(t, "Latency", aws.ToString(out.Label))
		require.Len(t, out.Datapoints, 1)
		dp := out.Datapoints[0]
		assert.Equal(t, 4.0, aws.ToFloat64(dp.SampleCount))
		assert.Equal(t, 400.0, aws.ToFloat64(dp.Sum))
		assert.Equal(t, 100.0, aws.ToFloat64(dp.Average))
		assert.Equal(t, 120.0, aws.ToFloat64(dp.Maximum))
		assert.Equal(t, cwtypes.StandardUnitMilliseconds, dp.Unit)
		assert.Equal(t, now.Add(-10*time.Minute), aws.ToTime(dp.Timestamp).UTC())

		// Statistics and ExtendedStatistics are asked for separately (AWS:
		// "specify either Statistics or ExtendedStatistics, but not both").
		p, err := e.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
			Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: api,
			StartTime: aws.Time(now.Add(-10 * time.Minute)), EndTime: aws.Time(now), Period: aws.Int32(600),
			ExtendedStatistics: []string{"p100"},
		})
		require.NoError(t, err)
		require.Len(t, p.Datapoints, 1)
		assert.Equal(t, map[string]float64{"p100": 120}, p.Datapoints[0].ExtendedStatistics)
	})

	t.Run("GetMetricData answers metric stats and expressions", func(t *testing.T) {
		out, err := e.cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(now.Add(-10 * time.Minute)), EndTime: aws.Time(now),
			MetricDataQueries: []cwtypes.MetricDataQuery{
				{Id: aws.String("lat"), MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: api},
					Period: aws.Int32(600), Stat: aws.String("Sum")}, ReturnData: aws.Bool(false)},
				{Id: aws.String("req"), MetricStat: &cwtypes.MetricStat{Metric: &cwtypes.Metric{Namespace: aws.String("App"), MetricName: aws.String("Requests"), Dimensions: api},
					Period: aws.Int32(600), Stat: aws.String("Sum")}},
				{Id: aws.String("both"), Expression: aws.String("lat + req"), Label: aws.String("total")},
			},
		})
		require.NoError(t, err)
		require.Len(t, out.MetricDataResults, 2, "ReturnData false hides lat")
		byID := map[string]cwtypes.MetricDataResult{}
		for _, r := range out.MetricDataResults {
			byID[aws.ToString(r.Id)] = r
			assert.Equal(t, cwtypes.StatusCodeComplete, r.StatusCode)
		}
		assert.Equal(t, []float64{40}, byID["req"].Values)
		assert.Equal(t, []float64{440}, byID["both"].Values)
		assert.Equal(t, "total", aws.ToString(byID["both"].Label))
		require.Len(t, byID["both"].Timestamps, 1)
		assert.Equal(t, now.Add(-10*time.Minute), byID["both"].Timestamps[0].UTC())
	})

	t.Run("anomaly detectors are put, described and deleted", func(t *testing.T) {
		ad := &cwtypes.SingleMetricAnomalyDetector{Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: api, Stat: aws.String("Average")}
		_, err := e.cw.PutAnomalyDetector(ctx, &cloudwatch.PutAnomalyDetectorInput{SingleMetricAnomalyDetector: ad})
		require.NoError(t, err)
		out, err := e.cw.DescribeAnomalyDetectors(ctx, &cloudwatch.DescribeAnomalyDetectorsInput{Namespace: aws.String("App")})
		require.NoError(t, err)
		require.Len(t, out.AnomalyDetectors, 1)
		got := out.AnomalyDetectors[0].SingleMetricAnomalyDetector
		require.NotNil(t, got)
		assert.Equal(t, "Latency", aws.ToString(got.MetricName))
		assert.Equal(t, "Average", aws.ToString(got.Stat))
		_, err = e.cw.DeleteAnomalyDetector(ctx, &cloudwatch.DeleteAnomalyDetectorInput{SingleMetricAnomalyDetector: ad})
		require.NoError(t, err)
		out, err = e.cw.DescribeAnomalyDetectors(ctx, &cloudwatch.DescribeAnomalyDetectorsInput{})
		require.NoError(t, err)
		assert.Empty(t, out.AnomalyDetectors)

		_, err = e.cw.DeleteAnomalyDetector(ctx, &cloudwatch.DeleteAnomalyDetectorInput{SingleMetricAnomalyDetector: ad})
		var nf *cwtypes.ResourceNotFoundException
		assert.ErrorAs(t, err, &nf, "deleting it again")
	})
}

// TestCloudWatchAlarmOperations drives every alarm operation through the SDK.
func TestCloudWatchAlarmOperations(t *testing.T) {
	e := newEnv(t)
	topic := "arn:aws:sns:us-east-1:123456789012:ops"
	put := func(name string) {
		t.Helper()
		_, err := e.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(name), Namespace: aws.String("App"), MetricName: aws.String("Errors"),
			Dimensions: []cwtypes.Dimension{dim("Service", "api")}, Statistic: cwtypes.StatisticSum,
			Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(5),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{topic},
			TreatMissingData: aws.String("notBreaching"), Tags: []cwtypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}},
		})
		require.NoError(t, err)
	}
	for i := range 5 {
		put(fmt.Sprintf("errors-%d", i))
	}
	_, err := e.cw.PutCompositeAlarm(ctx, &cloudwatch.PutCompositeAlarmInput{
		AlarmName: aws.String("any-errors"), AlarmRule: aws.String(`ALARM("errors-0") OR ALARM("errors-1")`)})
	require.NoError(t, err)

	t.Run("the DescribeAlarms paginator walks pages of MaxRecords", func(t *testing.T) {
		p := cloudwatch.NewDescribeAlarmsPaginator(e.cw, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("errors-"), MaxRecords: aws.Int32(2)})
		var names []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			pages++
			for _, a := range out.MetricAlarms {
				names = append(names, aws.ToString(a.AlarmName))
				assert.NotEmpty(t, a.StateValue)
				assert.Equal(t, []string{topic}, a.AlarmActions)
				assert.Equal(t, fmt.Sprintf("arn:aws:cloudwatch:us-east-1:123456789012:alarm:%s", aws.ToString(a.AlarmName)), aws.ToString(a.AlarmArn))
			}
		}
		assert.Equal(t, 3, pages)
		assert.Equal(t, []string{"errors-0", "errors-1", "errors-2", "errors-3", "errors-4"}, names)
	})

	t.Run("composite alarms are described with their rule", func(t *testing.T) {
		out, err := e.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeCompositeAlarm}})
		require.NoError(t, err)
		assert.Empty(t, out.MetricAlarms)
		require.Len(t, out.CompositeAlarms, 1)
		assert.Equal(t, `ALARM("errors-0") OR ALARM("errors-1")`, aws.ToString(out.CompositeAlarms[0].AlarmRule))
	})

	t.Run("DescribeAlarmsForMetric finds the metric's alarms", func(t *testing.T) {
		out, err := e.cw.DescribeAlarmsForMetric(ctx, &cloudwatch.DescribeAlarmsForMetricInput{Namespace: aws.String("App"),
			MetricName: aws.String("Errors"), Dimensions: []cwtypes.Dimension{dim("Service", "api")}, Statistic: cwtypes.StatisticSum, Period: aws.Int32(60)})
		require.NoError(t, err)
		assert.Len(t, out.MetricAlarms, 5)
	})

	t.Run("SetAlarmState, history, and actions switched off and on", func(t *testing.T) {
		_, err := e.cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("errors-0"),
			StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("testing")})
		require.NoError(t, err)
		out, err := e.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{StateValue: cwtypes.StateValueAlarm})
		require.NoError(t, err)
		require.Len(t, out.MetricAlarms, 1)
		assert.Equal(t, "testing", aws.ToString(out.MetricAlarms[0].StateReason))

		hist, err := e.cw.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("errors-0"),
			HistoryItemType: cwtypes.HistoryItemTypeStateUpdate})
		require.NoError(t, err)
		require.NotEmpty(t, hist.AlarmHistoryItems)
		assert.Contains(t, aws.ToString(hist.AlarmHistoryItems[0].HistorySummary), "to ALARM")

		_, err = e.cw.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{"errors-1"}})
		require.NoError(t, err)
		out, err = e.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"errors-1"}})
		require.NoError(t, err)
		assert.False(t, aws.ToBool(out.MetricAlarms[0].ActionsEnabled))
		_, err = e.cw.EnableAlarmActions(ctx, &cloudwatch.EnableAlarmActionsInput{AlarmNames: []string{"errors-1"}})
		require.NoError(t, err)
		out, err = e.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"errors-1"}})
		require.NoError(t, err)
		assert.True(t, aws.ToBool(out.MetricAlarms[0].ActionsEnabled))
	})

	t.Run("tags are listed, added and removed", func(t *testing.T) {
		arn := aws.String("arn:aws:cloudwatch:us-east-1:123456789012:alarm:errors-2")
		_, err := e.cw.TagResource(ctx, &cloudwatch.TagResourceInput{ResourceARN: arn, Tags: []cwtypes.Tag{{Key: aws.String("tier"), Value: aws.String("1")}}})
		require.NoError(t, err)
		_, err = e.cw.UntagResource(ctx, &cloudwatch.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"team"}})
		require.NoError(t, err)
		out, err := e.cw.ListTagsForResource(ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: arn})
		require.NoError(t, err)
		assert.Equal(t, []cwtypes.Tag{{Key: aws.String("tier"), Value: aws.String("1")}}, out.Tags)
	})

	t.Run("DeleteAlarms deletes", func(t *testing.T) {
		_, err := e.cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"any-errors", "errors-4"}})
		require.NoError(t, err)
		out, err := e.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"any-errors", "errors-4"},
			AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm}})
		require.NoError(t, err)
		assert.Empty(t, out.MetricAlarms)
		assert.Empty(t, out.CompositeAlarms)
	})
}

func TestCloudWatchAlarmExistsWaiter(t *testing.T) {
	e := newEnv(t)
	w := cloudwatch.NewAlarmExistsWaiter(e.cw, func(o *cloudwatch.AlarmExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond
	})
	in := &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"cpu-high"}}
	err := w.Wait(ctx, in, 20*time.Millisecond)
	require.Error(t, err, "no alarm yet: the waiter gives up")

	_, err = e.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("cpu-high"),
		Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"), Statistic: cwtypes.StatisticAverage,
		Period: aws.Int32(300), EvaluationPeriods: aws.Int32(2), Threshold: aws.Float64(80),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold})
	require.NoError(t, err)
	require.NoError(t, w.Wait(ctx, in, time.Second))
}

func TestCloudWatchListMetricsPaginator(t *testing.T) {
	e := newEnv(t)
	// ListMetrics answers 500 metrics a page, as CloudWatch does.
	for batch := range 2 {
		var data []cwtypes.MetricDatum
		for i := range 300 {
			data = append(data, cwtypes.MetricDatum{MetricName: aws.String("Queue"), Value: aws.Float64(1),
				Dimensions: []cwtypes.Dimension{dim("QueueName", fmt.Sprintf("q-%04d", batch*300+i))}})
		}
		_, err := e.cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Queues"), MetricData: data})
		require.NoError(t, err)
	}
	p := cloudwatch.NewListMetricsPaginator(e.cw, &cloudwatch.ListMetricsInput{Namespace: aws.String("Queues")})
	var sizes []int
	seen := map[string]bool{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		sizes = append(sizes, len(out.Metrics))
		for _, m := range out.Metrics {
			seen[aws.ToString(m.Dimensions[0].Value)] = true
		}
	}
	assert.Equal(t, []int{500, 100}, sizes)
	assert.Len(t, seen, 600)
}

// TestCloudWatchErrorsAreTyped checks that CloudWatch's errors come out of the
// SDK as its typed exceptions and as smithy.APIError with the awsQuery-
// compatible code (x-amzn-query-error) AWS documents, e.g.
// "InvalidParameterValue" rather than the shape name.
func TestCloudWatchErrorsAreTyped(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		call func() error
		code string
		as   func(error) bool
	}{
		{"a period that is not a multiple of 60 is an invalid parameter value", func() error {
			_, err := e.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("App"), MetricName: aws.String("X"),
				StartTime: aws.Time(t0.Add(-time.Hour)), EndTime: aws.Time(t0), Period: aws.Int32(61), Statistics: []cwtypes.Statistic{cwtypes.StatisticSum}})
			return err
		}, "InvalidParameterValue", func(err error) bool { var x *cwtypes.InvalidParameterValueException; return errors.As(err, &x) }},
		{"neither Statistics nor ExtendedStatistics is an invalid combination", func() error {
			_, err := e.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("App"), MetricName: aws.String("X"),
				StartTime: aws.Time(t0.Add(-time.Hour)), EndTime: aws.Time(t0), Period: aws.Int32(60)})
			return err
		}, "InvalidParameterCombination", func(err error) bool { var x *cwtypes.InvalidParameterCombinationException; return errors.As(err, &x) }},
		{"setting the state of an alarm that does not exist is ResourceNotFound", func() error {
			_, err := e.cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("nope"), StateValue: cwtypes.StateValueOk, StateReason: aws.String("x")})
			return err
		}, "ResourceNotFound", func(err error) bool { var x *cwtypes.ResourceNotFound; return errors.As(err, &x) }},
		{"a namespace starting with AWS/ is reserved", func() error {
			_, err := e.cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/EC2"), MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("X"), Value: aws.Float64(1)}}})
			return err
		}, "InvalidParameterValue", func(err error) bool { var x *cwtypes.InvalidParameterValueException; return errors.As(err, &x) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			var apiErr smithy.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.code, apiErr.ErrorCode())
			assert.Equal(t, smithy.FaultClient, apiErr.ErrorFault())
			assert.True(t, tc.as(err), "errors.As into the typed exception: %T %v", errors.Unwrap(err), err)
		})
	}
	out, err := e.cw.ListMetrics(ctx, &cloudwatch.ListMetricsInput{})
	require.NoError(t, err)
	assert.Empty(t, out.Metrics, "rejected requests store nothing")
}

// gzipSeen records whether the requests it passes on had a gzip body.
type gzipSeen struct {
	next    http.RoundTripper
	gzipped int
	plain   int
}

func (g *gzipSeen) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Content-Encoding") == "gzip" {
		g.gzipped++
	} else {
		g.plain++
	}
	return g.next.RoundTrip(r)
}

// TestCloudWatchGzipPutMetricData checks that a PutMetricData the SDK
// compresses (its body is over RequestMinCompressSizeBytes) is stored whole.
func TestCloudWatchGzipPutMetricData(t *testing.T) {
	e := newEnv(t)
	seen := &gzipSeen{next: e.handler.Transport()}
	cw := cloudwatch.NewFromConfig(e.cfg, func(o *cloudwatch.Options) {
		o.RequestMinCompressSizeBytes = 1 // compress every request with a body
		o.HTTPClient = &http.Client{Transport: seen}
	})
	var data []cwtypes.MetricDatum
	for i := range 200 {
		data = append(data, cwtypes.MetricDatum{MetricName: aws.String("Bytes"), Value: aws.Float64(float64(i)), Timestamp: aws.Time(t0.Add(-time.Minute))})
	}
	_, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Gzip"), MetricData: data})
	require.NoError(t, err)
	assert.Equal(t, 1, seen.gzipped, "the SDK sent the body gzip-compressed")

	out, err := e.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("Gzip"), MetricName: aws.String("Bytes"),
		StartTime: aws.Time(t0.Add(-5 * time.Minute)), EndTime: aws.Time(t0), Period: aws.Int32(300),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticSampleCount, cwtypes.StatisticSum}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	assert.Equal(t, 200.0, aws.ToFloat64(out.Datapoints[0].SampleCount))
	assert.Equal(t, 199.0*200/2, aws.ToFloat64(out.Datapoints[0].Sum))

	// A gzip body that is not gzip is rejected and stores nothing.
	req, err := http.NewRequest(http.MethodPost, endpoint+"/service/GraniteServiceVersion20100801/operation/PutMetricData", bytes.NewReader([]byte("not gzip")))
	require.NoError(t, err)
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Content-Type", "application/cbor")
	req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/20260302/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := e.handler.Client().Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, string(b))
}
