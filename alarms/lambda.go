package alarms

import (
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"time"

	"github.com/localwatch/localwatch/metrics"
)

// prevState is a state an alarm was in, as the Lambda alarm event shows it.
type prevState struct {
	value            StateValue
	reason, data     string
	at               time.Time
	suppressedBy     ActionsSuppressedBy
	suppressedReason string
}

// The Lambda alarm event: what CloudWatch passes a function that is an alarm
// action (user guide, "Using Amazon CloudWatch alarms", Lambda alarm actions:
// "Lambda-action-payload"; the shape recorded from AWS in LocalStack's
// test_alarm_lambda_target snapshot and in aws-lambda-events' fixtures
// example-cloudwatch-alarm-metric.json and -composite.json).
type lambdaEvent struct {
	Source    string          `json:"source"`
	AlarmArn  string          `json:"alarmArn"`
	AccountID string          `json:"accountId"`
	Time      string          `json:"time"`
	Region    string          `json:"region"`
	AlarmData lambdaAlarmData `json:"alarmData"`
}

type lambdaAlarmData struct {
	AlarmName     string       `json:"alarmName"`
	State         lambdaState  `json:"state"`
	PreviousState lambdaState  `json:"previousState"`
	Configuration lambdaConfig `json:"configuration"`
}

type lambdaState struct {
	Value                   StateValue          `json:"value"`
	Reason                  string              `json:"reason"`
	ReasonData              string              `json:"reasonData,omitempty"`
	Timestamp               string              `json:"timestamp"`
	ActionsSuppressedBy     ActionsSuppressedBy `json:"actionsSuppressedBy,omitempty"`
	ActionsSuppressedReason string              `json:"actionsSuppressedReason,omitempty"`
}

// lambdaConfig is a metric alarm's (description, metrics) or a composite
// alarm's (alarmRule and its suppressor settings) configuration.
type lambdaConfig struct {
	Description                      *string        `json:"description,omitempty"`
	Metrics                          []lambdaMetric `json:"metrics,omitempty"`
	AlarmRule                        string         `json:"alarmRule,omitempty"`
	ActionsSuppressor                string         `json:"actionsSuppressor,omitempty"`
	ActionsSuppressorWaitPeriod      *int           `json:"actionsSuppressorWaitPeriod,omitempty"`
	ActionsSuppressorExtensionPeriod *int           `json:"actionsSuppressorExtensionPeriod,omitempty"`
}

type lambdaMetric struct {
	ID         string            `json:"id"`
	MetricStat *lambdaMetricStat `json:"metricStat,omitempty"`
	Expression string            `json:"expression,omitempty"`
	Label      string            `json:"label,omitempty"`
	Period     int               `json:"period,omitempty"`
	ReturnData bool              `json:"returnData"`
}

type lambdaMetricStat struct {
	Metric struct {
		Namespace  string            `json:"namespace"`
		Name       string            `json:"name"`
		Dimensions map[string]string `json:"dimensions"`
	} `json:"metric"`
	Period int    `json:"period"`
	Stat   string `json:"stat"`
	Unit   string `json:"unit,omitempty"`
}

// lambdaEventLocked renders the event a Lambda action of a receives at t.
func (s *Service) lambdaEventLocked(a *alarm, t time.Time) string {
	ev := lambdaEvent{Source: "aws.cloudwatch", AlarmArn: a.arn, AccountID: s.op.AccountID,
		Time: t.UTC().Format(reasonDataTimeLayout), Region: s.op.Region}
	ev.AlarmData.AlarmName = a.name
	ev.AlarmData.State = lambdaState{Value: a.state, Reason: a.reason, ReasonData: a.reasonData, Timestamp: t.UTC().Format(reasonDataTimeLayout)}
	prev := a.prev
	if a.resumed != nil {
		// Held-back actions: the alarm stayed in its state; the previous
		// state is that state as it was while its actions were suppressed.
		prev = *a.resumed
	}
	ev.AlarmData.PreviousState = lambdaState{Value: prev.value, Reason: prev.reason, ReasonData: prev.data,
		Timestamp: prev.at.UTC().Format(reasonDataTimeLayout), ActionsSuppressedBy: prev.suppressedBy, ActionsSuppressedReason: prev.suppressedReason}
	if ev.AlarmData.PreviousState.Value == "" {
		ev.AlarmData.PreviousState.Value = StateInsufficientData
	}
	cfg := &ev.AlarmData.Configuration
	if a.def != nil {
		d := a.def
		desc := d.AlarmDescription
		cfg.Description = &desc
		if len(d.Metrics) == 0 {
			stat := string(d.Statistic)
			if d.ExtendedStatistic != "" {
				stat = d.ExtendedStatistic
			}
			ms := &lambdaMetricStat{Period: d.Period, Stat: stat, Unit: string(d.Unit)}
			ms.Metric.Namespace, ms.Metric.Name, ms.Metric.Dimensions = d.Namespace, d.MetricName, dimensionMap(d.Dimensions)
			cfg.Metrics = []lambdaMetric{{ID: stableID(a.arn), MetricStat: ms, ReturnData: true}}
		} else {
			for _, q := range d.Metrics {
				m := lambdaMetric{ID: q.Id, Expression: q.Expression, Label: q.Label, ReturnData: q.ReturnData == nil || *q.ReturnData}
				if q.Period != nil {
					m.Period = int(*q.Period)
				}
				if q.MetricStat != nil {
					ms := &lambdaMetricStat{Period: q.MetricStat.Period, Stat: q.MetricStat.Stat, Unit: string(q.MetricStat.Unit)}
					ms.Metric.Namespace, ms.Metric.Name, ms.Metric.Dimensions = q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName, dimensionMap(q.MetricStat.Metric.Dimensions)
					m.MetricStat = ms
				}
				cfg.Metrics = append(cfg.Metrics, m)
			}
		}
	} else {
		d := a.cdef
		if d.AlarmDescription != "" {
			desc := d.AlarmDescription
			cfg.Description = &desc
		}
		cfg.AlarmRule, cfg.ActionsSuppressor = d.AlarmRule, d.ActionsSuppressor
		cfg.ActionsSuppressorWaitPeriod, cfg.ActionsSuppressorExtensionPeriod = d.ActionsSuppressorWaitPeriod, d.ActionsSuppressorExtensionPeriod
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return "{}" // not reachable: every field is a string, an int or a bool
	}
	return string(b)
}

// dimensionMap is the event's {"Name": "Value"} form of dimensions.
func dimensionMap(dims []metrics.Dimension) map[string]string {
	m := make(map[string]string, len(dims))
	for _, d := range dims {
		m[d.Name] = d.Value
	}
	return m
}

// stableID is the metric id of a single-metric alarm in the event: AWS
// writes a UUID; ours is derived from the alarm ARN, so it is the same at
// every invocation and in every run.
func stableID(arn string) string {
	h := sha1.Sum([]byte(arn))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
