package alarms

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/metrics"
)

func TestPutMetricAlarmValidation(t *testing.T) {
	mathAlarm := func() PutMetricAlarmInput {
		return PutMetricAlarmInput{
			AlarmName: "math", EvaluationPeriods: 1, Threshold: f64(1), ComparisonOperator: GreaterThanThreshold,
			Metrics: []metrics.MetricDataQuery{
				{Id: "e1", Expression: "m1*2"},
				{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "X"}, Period: 60, Stat: "Sum"}, ReturnData: metrics.Bool(false)},
			},
		}
	}
	cases := []struct {
		name   string
		mutate func(*PutMetricAlarmInput)
		code   string
	}{
		{"alarm name is required", func(a *PutMetricAlarmInput) { a.AlarmName = "" }, "MissingParameter"},
		{"alarm name at most 255 characters", func(a *PutMetricAlarmInput) { a.AlarmName = strings.Repeat("a", 256) }, "ValidationError"},
		{"alarm name without control characters", func(a *PutMetricAlarmInput) { a.AlarmName = "bad\tname" }, "InvalidParameterValue"},
		{"description at most 1024 characters", func(a *PutMetricAlarmInput) { a.AlarmDescription = strings.Repeat("d", 1025) }, "ValidationError"},
		{"EvaluationPeriods is required", func(a *PutMetricAlarmInput) { a.EvaluationPeriods = 0 }, "MissingParameter"},
		{"EvaluationPeriods at least 1", func(a *PutMetricAlarmInput) { a.EvaluationPeriods = -1 }, "ValidationError"},
		{"DatapointsToAlarm at most EvaluationPeriods", func(a *PutMetricAlarmInput) { a.DatapointsToAlarm = 4 }, "ValidationError"},
		{"DatapointsToAlarm at least 1", func(a *PutMetricAlarmInput) { a.DatapointsToAlarm = -2 }, "ValidationError"},
		{"ComparisonOperator is required", func(a *PutMetricAlarmInput) { a.ComparisonOperator = "" }, "MissingParameter"},
		{"ComparisonOperator enum", func(a *PutMetricAlarmInput) { a.ComparisonOperator = "Above" }, "ValidationError"},
		{"Threshold is required", func(a *PutMetricAlarmInput) { a.Threshold = nil }, "MissingParameter"},
		{"TreatMissingData values", func(a *PutMetricAlarmInput) { a.TreatMissingData = "zero" }, "ValidationError"},
		{"EvaluateLowSampleCountPercentile values", func(a *PutMetricAlarmInput) { a.EvaluateLowSampleCountPercentile = "skip" }, "ValidationError"},
		{"Unit enum", func(a *PutMetricAlarmInput) { a.Unit = "Furlongs" }, "ValidationError"},
		{"MetricName is required", func(a *PutMetricAlarmInput) { a.MetricName = "" }, "MissingParameter"},
		{"Namespace is required", func(a *PutMetricAlarmInput) { a.Namespace = "" }, "MissingParameter"},
		{"Statistic or ExtendedStatistic is required", func(a *PutMetricAlarmInput) { a.Statistic = "" }, "InvalidParameterCombination"},
		{"not both Statistic and ExtendedStatistic", func(a *PutMetricAlarmInput) { a.ExtendedStatistic = "p99" }, "InvalidParameterCombination"},
		{"Statistic enum", func(a *PutMetricAlarmInput) { a.Statistic = "Median" }, "ValidationError"},
		{"ExtendedStatistic syntax", func(a *PutMetricAlarmInput) { a.Statistic, a.ExtendedStatistic = "", "p101" }, "InvalidParameterValue"},
		{"Period is required", func(a *PutMetricAlarmInput) { a.Period = 0 }, "MissingParameter"},
		{"Period 15 is not 10, 20, 30 or a multiple of 60", func(a *PutMetricAlarmInput) { a.Period = 15 }, "ValidationError"},
		{"Period 90 is not a multiple of 60", func(a *PutMetricAlarmInput) { a.Period = 90 }, "ValidationError"},
		{"Period x EvaluationPeriods at most a day under an hour", func(a *PutMetricAlarmInput) { a.Period, a.EvaluationPeriods, a.DatapointsToAlarm = 300, 289, 0 }, "InvalidParameterCombination"},
		{"Period x EvaluationPeriods at most 7 days", func(a *PutMetricAlarmInput) { a.Period, a.EvaluationPeriods, a.DatapointsToAlarm = 3600, 169, 0 }, "InvalidParameterCombination"},
		{"at most 30 dimensions", func(a *PutMetricAlarmInput) {
			for i := range 31 {
				a.Dimensions = append(a.Dimensions, metrics.Dimension{Name: strings.Repeat("d", i+1), Value: "v"})
			}
		}, "ValidationError"},
		{"dimension value required", func(a *PutMetricAlarmInput) { a.Dimensions = []metrics.Dimension{{Name: "n"}} }, "ValidationError"},
		{"at most 5 alarm actions", func(a *PutMetricAlarmInput) { a.AlarmActions = []string{topic, topic, topic, topic, topic, topic} }, "ValidationError"},
		{"actions are ARNs", func(a *PutMetricAlarmInput) { a.OKActions = []string{"my-topic"} }, "InvalidParameterValue"},
		{"SNS actions are topic ARNs", func(a *PutMetricAlarmInput) { a.OKActions = []string{"arn:aws:sns:us-east-1:123456789012:t:sub"} }, "InvalidParameterValue"},
		{"EC2 action verbs", func(a *PutMetricAlarmInput) { a.AlarmActions = []string{"arn:aws:automate:us-east-1:ec2:explode"} }, "InvalidParameterValue"},
		{"EC2 actions in the alarm's region", func(a *PutMetricAlarmInput) { a.AlarmActions = []string{"arn:aws:automate:eu-west-1:ec2:stop"} }, "InvalidParameterValue"},
		{"unsupported action service", func(a *PutMetricAlarmInput) { a.AlarmActions = []string{"arn:aws:sqs:us-east-1:123456789012:q"} }, "InvalidParameterValue"},
		{"at most 50 tags", func(a *PutMetricAlarmInput) {
			for range 51 {
				a.Tags = append(a.Tags, Tag{Key: "k", Value: "v"})
			}
		}, "ValidationError"},
		{"anomaly operator needs ThresholdMetricId", func(a *PutMetricAlarmInput) { a.ComparisonOperator = GreaterThanUpperThreshold }, "InvalidParameterCombination"},
		{"ThresholdMetricId needs an anomaly operator", func(a *PutMetricAlarmInput) { a.ThresholdMetricId = "ad1" }, "InvalidParameterCombination"},
		{"Metrics exclude MetricName", func(a *PutMetricAlarmInput) { m := mathAlarm(); m.MetricName = "X"; *a = m }, "InvalidParameterCombination"},
		{"Metrics need exactly one ReturnData", func(a *PutMetricAlarmInput) {
			m := mathAlarm()
			m.Metrics[1].ReturnData = nil
			*a = m
		}, "InvalidParameterValue"},
		{"Metrics with no ReturnData", func(a *PutMetricAlarmInput) {
			m := mathAlarm()
			m.Metrics[0].ReturnData = metrics.Bool(false)
			*a = m
		}, "InvalidParameterValue"},
		{"Metrics ids start lower case", func(a *PutMetricAlarmInput) { m := mathAlarm(); m.Metrics[0].Id = "E1"; *a = m }, "InvalidParameterValue"},
		{"Metrics ids are unique", func(a *PutMetricAlarmInput) { m := mathAlarm(); m.Metrics[0].Id = "m1"; *a = m }, "InvalidParameterValue"},
		{"Metrics entries have MetricStat xor Expression", func(a *PutMetricAlarmInput) { m := mathAlarm(); m.Metrics[0].Expression = ""; *a = m }, "InvalidParameterCombination"},
		{"Metrics share one period", func(a *PutMetricAlarmInput) {
			m := mathAlarm()
			m.Metrics = append(m.Metrics, metrics.MetricDataQuery{Id: "m2", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "Y"}, Period: 300, Stat: "Sum"}, ReturnData: metrics.Bool(false)})
			*a = m
		}, "InvalidParameterValue"},
		{"math alarms use at most 10 metrics", func(a *PutMetricAlarmInput) {
			m := mathAlarm()
			for i := range 10 {
				m.Metrics = append(m.Metrics, metrics.MetricDataQuery{Id: "x" + string(rune('a'+i)), MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "App", MetricName: "Y"}, Period: 60, Stat: "Sum"}, ReturnData: metrics.Bool(false)})
			}
			*a = m
		}, "InvalidParameterValue"},
		{"math alarms cannot take EC2 actions", func(a *PutMetricAlarmInput) {
			m := mathAlarm()
			m.AlarmActions = []string{"arn:aws:automate:us-east-1:ec2:reboot"}
			*a = m
		}, "InvalidParameterCombination"},
		{"ThresholdMetricId must name a query", func(a *PutMetricAlarmInput) {
			m := mathAlarm()
			m.Threshold, m.ThresholdMetricId, m.ComparisonOperator = nil, "ad9", LessThanLowerThreshold
			*a = m
		}, "InvalidParameterValue"},
		{"ThresholdMetricId must be an ANOMALY_DETECTION_BAND", func(a *PutMetricAlarmInput) {
			m := mathAlarm()
			m.Threshold, m.ThresholdMetricId, m.ComparisonOperator = nil, "e1", LessThanLowerThreshold
			m.Metrics = append(m.Metrics, metrics.MetricDataQuery{Id: "e2", Expression: "m1 * 2"})
			*a = m
		}, "InvalidParameterValue"},
		{"not both Threshold and ThresholdMetricId", func(a *PutMetricAlarmInput) {
			m := mathAlarm()
			m.ThresholdMetricId, m.ComparisonOperator = "e1", LessThanLowerThreshold
			*a = m
		}, "InvalidParameterCombination"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			in := cpuAlarm()
			tc.mutate(&in)
			_, err := h.svc.PutMetricAlarm(context.Background(), in)
			require.Error(t, err)
			assert.Equal(t, tc.code, errCode(err), err.Error())
			out, err := h.svc.DescribeAlarms(context.Background(), DescribeAlarmsInput{})
			require.NoError(t, err)
			assert.Empty(t, out.MetricAlarms, "a rejected request changes nothing")
			require.NotEmpty(t, h.calls)
			assert.Equal(t, "PutMetricAlarm", h.calls[0].EventName)
			assert.Equal(t, tc.code, h.calls[0].ErrorCode, "the failed call is recorded")
		})
	}
}

func TestPutMetricAlarmAccepts(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*PutMetricAlarmInput)
	}{
		{"high-resolution period 10", func(a *PutMetricAlarmInput) { a.Period = 10 }},
		{"high-resolution period 30", func(a *PutMetricAlarmInput) { a.Period = 30 }},
		{"a day of one-minute periods", func(a *PutMetricAlarmInput) { a.EvaluationPeriods, a.DatapointsToAlarm = 1440, 0 }},
		{"seven days of hourly periods", func(a *PutMetricAlarmInput) { a.Period, a.EvaluationPeriods, a.DatapointsToAlarm = 3600, 168, 0 }},
		{"percentile statistic", func(a *PutMetricAlarmInput) { a.Statistic, a.ExtendedStatistic = "", "p99.9" }},
		{"trimmed mean", func(a *PutMetricAlarmInput) { a.Statistic, a.ExtendedStatistic = "", "TM(10%:90%)" }},
		{"percentile rank", func(a *PutMetricAlarmInput) { a.Statistic, a.ExtendedStatistic = "", "PR(:300)" }},
		{"low sample ignore", func(a *PutMetricAlarmInput) {
			a.Statistic, a.ExtendedStatistic, a.EvaluateLowSampleCountPercentile = "", "p90", LowSampleIgnore
		}},
		{"EC2 recover action", func(a *PutMetricAlarmInput) { a.AlarmActions = []string{"arn:aws:automate:us-east-1:ec2:recover"} }},
		{"old SWF EC2 action", func(a *PutMetricAlarmInput) {
			a.AlarmActions = []string{"arn:aws:swf:us-east-1:123456789012:action/actions/AWS_EC2.InstanceId.Reboot/1.0"}
		}},
		{"Systems Manager OpsItem", func(a *PutMetricAlarmInput) {
			a.AlarmActions = []string{"arn:aws:ssm:us-east-1:123456789012:opsitem:3#CATEGORY=Availability"}
		}},
		{"all treat missing values", func(a *PutMetricAlarmInput) { a.TreatMissingData = TreatNotBreaching }},
		{"unicode name", func(a *PutMetricAlarmInput) { a.AlarmName = "CPU – élevé" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			in := cpuAlarm()
			tc.mutate(&in)
			_, err := h.svc.PutMetricAlarm(context.Background(), in)
			require.NoError(t, err)
		})
	}
}

// MaxRecords is a pointer so that an explicit 0 is told from absent: AWS
// answers ValidationError for 0 (its minimum is 1) and pages by 50 when the
// member is absent.
func TestExplicitZeroMaxRecordsIsRejected(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	cases := map[string]func(n *int32) error{
		"DescribeAlarms": func(n *int32) error {
			_, err := h.svc.DescribeAlarms(ctx, DescribeAlarmsInput{MaxRecords: n})
			return err
		},
		"DescribeAlarmHistory": func(n *int32) error {
			_, err := h.svc.DescribeAlarmHistory(ctx, DescribeAlarmHistoryInput{MaxRecords: n})
			return err
		},
		"ListAlarmMuteRules": func(n *int32) error {
			_, err := h.svc.ListAlarmMuteRules(ctx, ListAlarmMuteRulesInput{MaxRecords: n})
			return err
		},
	}
	for name, call := range cases {
		t.Run(name, func(t *testing.T) {
			assert.NoError(t, call(nil))
			assert.NoError(t, call(metrics.Int32(1)))
			assert.Equal(t, "ValidationError", awserr.Code(call(metrics.Int32(0))))
		})
	}
}
