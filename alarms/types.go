package alarms

import (
	"time"

	"github.com/localwatch/localwatch/metrics"
)

// This file holds the AWS-shaped request and response types of the alarms
// service. Field names are the CloudWatch API's, so JSON printed by the AWS CLI
// (`aws cloudwatch describe-alarms`, `describe-alarm-history`) decodes into them.

// StateValue is an alarm state.
type StateValue string

// The alarm states.
const (
	StateOK               StateValue = "OK"
	StateAlarm            StateValue = "ALARM"
	StateInsufficientData StateValue = "INSUFFICIENT_DATA"
)

// ComparisonOperator compares a datapoint with the threshold (or, for the
// anomaly-detection operators, with the band of ThresholdMetricId).
type ComparisonOperator string

// The comparison operators.
const (
	GreaterThanOrEqualToThreshold            ComparisonOperator = "GreaterThanOrEqualToThreshold"
	GreaterThanThreshold                     ComparisonOperator = "GreaterThanThreshold"
	LessThanThreshold                        ComparisonOperator = "LessThanThreshold"
	LessThanOrEqualToThreshold               ComparisonOperator = "LessThanOrEqualToThreshold"
	LessThanLowerOrGreaterThanUpperThreshold ComparisonOperator = "LessThanLowerOrGreaterThanUpperThreshold"
	LessThanLowerThreshold                   ComparisonOperator = "LessThanLowerThreshold"
	GreaterThanUpperThreshold                ComparisonOperator = "GreaterThanUpperThreshold"
)

// IsAnomalyOperator reports whether op compares with an anomaly-detection band.
func (op ComparisonOperator) IsAnomalyOperator() bool {
	switch op {
	case LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold:
		return true
	}
	return false
}

// TreatMissingData says how an alarm treats missing datapoints.
type TreatMissingData string

// The TreatMissingData values. The empty value means TreatMissing.
const (
	TreatMissing      TreatMissingData = "missing"
	TreatBreaching    TreatMissingData = "breaching"
	TreatNotBreaching TreatMissingData = "notBreaching"
	TreatIgnore       TreatMissingData = "ignore"
)

// The EvaluateLowSampleCountPercentile values.
const (
	LowSampleEvaluate = "evaluate"
	LowSampleIgnore   = "ignore"
)

// AlarmType distinguishes metric alarms from composite alarms.
type AlarmType string

// The alarm types.
const (
	AlarmTypeMetric    AlarmType = "MetricAlarm"
	AlarmTypeComposite AlarmType = "CompositeAlarm"
)

// HistoryItemType is the type of an alarm history item.
type HistoryItemType string

// The history item types.
const (
	HistoryConfigurationUpdate         HistoryItemType = "ConfigurationUpdate"
	HistoryStateUpdate                 HistoryItemType = "StateUpdate"
	HistoryAction                      HistoryItemType = "Action"
	HistoryAlarmContributorStateUpdate HistoryItemType = "AlarmContributorStateUpdate"
	HistoryAlarmContributorAction      HistoryItemType = "AlarmContributorAction"
)

// ScanBy orders DescribeAlarmHistory results.
type ScanBy string

// The ScanBy values.
const (
	ScanByTimestampDescending ScanBy = "TimestampDescending"
	ScanByTimestampAscending  ScanBy = "TimestampAscending"
)

// ActionsSuppressedBy says why a composite alarm's actions are suppressed.
type ActionsSuppressedBy string

// The ActionsSuppressedBy values.
const (
	SuppressedByWaitPeriod      ActionsSuppressedBy = "WaitPeriod"
	SuppressedByExtensionPeriod ActionsSuppressedBy = "ExtensionPeriod"
	SuppressedByAlarm           ActionsSuppressedBy = "Alarm"
)

// Tag is a key/value pair attached to an alarm.
type Tag struct {
	Key   string
	Value string
}

// PutMetricAlarmInput is the request of PutMetricAlarm and the definition of a
// metric alarm everywhere in this package (the evaluator and Backtest take it
// too). Exactly one of the single-metric fields (MetricName, Namespace,
// Statistic or ExtendedStatistic, Dimensions, Period, Unit) or Metrics is used.
type PutMetricAlarmInput struct {
	AlarmName        string
	AlarmDescription string `json:",omitempty"`
	// ActionsEnabled defaults to true when nil.
	ActionsEnabled          *bool    `json:",omitempty"`
	OKActions               []string `json:",omitempty"`
	AlarmActions            []string `json:",omitempty"`
	InsufficientDataActions []string `json:",omitempty"`

	MetricName        string               `json:",omitempty"`
	Namespace         string               `json:",omitempty"`
	Statistic         metrics.Statistic    `json:",omitempty"`
	ExtendedStatistic string               `json:",omitempty"`
	Dimensions        []metrics.Dimension  `json:",omitempty"`
	Period            int                  `json:",omitempty"`
	Unit              metrics.StandardUnit `json:",omitempty"`
	EvaluationPeriods int
	// DatapointsToAlarm is M of an "M out of N" alarm; 0 means N.
	DatapointsToAlarm int `json:",omitempty"`
	// Threshold is required unless ThresholdMetricId is set.
	Threshold          *float64           `json:",omitempty"`
	ComparisonOperator ComparisonOperator `json:",omitempty"`
	TreatMissingData   TreatMissingData   `json:",omitempty"`
	// EvaluateLowSampleCountPercentile is "evaluate" or "ignore" (percentile
	// alarms only); empty means evaluate.
	EvaluateLowSampleCountPercentile string `json:",omitempty"`
	// Metrics defines a metric-math alarm: up to 10 metrics plus expressions,
	// exactly one with ReturnData true.
	Metrics           []metrics.MetricDataQuery `json:",omitempty"`
	Tags              []Tag                     `json:",omitempty"`
	ThresholdMetricId string                    `json:",omitempty"`
}

// PutMetricAlarmOutput is the (empty) response of PutMetricAlarm.
type PutMetricAlarmOutput struct{}

// MetricAlarm is a metric alarm as DescribeAlarms returns it, and as
// `aws cloudwatch describe-alarms` prints each MetricAlarms[] entry.
type MetricAlarm struct {
	AlarmName                          string
	AlarmArn                           string
	AlarmDescription                   string `json:",omitempty"`
	AlarmConfigurationUpdatedTimestamp time.Time
	ActionsEnabled                     bool
	OKActions                          []string
	AlarmActions                       []string
	InsufficientDataActions            []string
	StateValue                         StateValue
	StateReason                        string
	StateReasonData                    string `json:",omitempty"`
	StateUpdatedTimestamp              time.Time
	MetricName                         string               `json:",omitempty"`
	Namespace                          string               `json:",omitempty"`
	Statistic                          metrics.Statistic    `json:",omitempty"`
	ExtendedStatistic                  string               `json:",omitempty"`
	Dimensions                         []metrics.Dimension  `json:",omitempty"`
	Period                             int                  `json:",omitempty"`
	Unit                               metrics.StandardUnit `json:",omitempty"`
	EvaluationPeriods                  int
	DatapointsToAlarm                  int      `json:",omitempty"`
	Threshold                          *float64 `json:",omitempty"`
	ComparisonOperator                 ComparisonOperator
	TreatMissingData                   TreatMissingData          `json:",omitempty"`
	EvaluateLowSampleCountPercentile   string                    `json:",omitempty"`
	Metrics                            []metrics.MetricDataQuery `json:",omitempty"`
	ThresholdMetricId                  string                    `json:",omitempty"`
	// EvaluationState is PARTIAL_DATA when the metric source returned partial
	// data, EVALUATION_ERROR when it failed; empty otherwise.
	EvaluationState            string    `json:",omitempty"`
	StateTransitionedTimestamp time.Time `json:",omitzero"`
}

// Definition returns the PutMetricAlarmInput that defines a, so an alarm read
// from `describe-alarms` JSON can be created again or evaluated directly. Tags
// are not part of DescribeAlarms output and are left empty.
func (a MetricAlarm) Definition() PutMetricAlarmInput {
	enabled := a.ActionsEnabled
	return PutMetricAlarmInput{
		AlarmName:                        a.AlarmName,
		AlarmDescription:                 a.AlarmDescription,
		ActionsEnabled:                   &enabled,
		OKActions:                        a.OKActions,
		AlarmActions:                     a.AlarmActions,
		InsufficientDataActions:          a.InsufficientDataActions,
		MetricName:                       a.MetricName,
		Namespace:                        a.Namespace,
		Statistic:                        a.Statistic,
		ExtendedStatistic:                a.ExtendedStatistic,
		Dimensions:                       a.Dimensions,
		Period:                           a.Period,
		Unit:                             a.Unit,
		EvaluationPeriods:                a.EvaluationPeriods,
		DatapointsToAlarm:                a.DatapointsToAlarm,
		Threshold:                        a.Threshold,
		ComparisonOperator:               a.ComparisonOperator,
		TreatMissingData:                 a.TreatMissingData,
		EvaluateLowSampleCountPercentile: a.EvaluateLowSampleCountPercentile,
		Metrics:                          a.Metrics,
		ThresholdMetricId:                a.ThresholdMetricId,
	}
}

// PutCompositeAlarmInput is the request of PutCompositeAlarm.
type PutCompositeAlarmInput struct {
	AlarmName        string
	AlarmRule        string
	AlarmDescription string `json:",omitempty"`
	// ActionsEnabled defaults to true when nil.
	ActionsEnabled          *bool    `json:",omitempty"`
	OKActions               []string `json:",omitempty"`
	AlarmActions            []string `json:",omitempty"`
	InsufficientDataActions []string `json:",omitempty"`
	Tags                    []Tag    `json:",omitempty"`
	// ActionsSuppressor is the name or ARN of the alarm whose ALARM state
	// suppresses this composite alarm's actions.
	ActionsSuppressor string `json:",omitempty"`
	// ActionsSuppressorWaitPeriod (seconds) is how long the suppressor may take to
	// go to ALARM after this alarm does; required with ActionsSuppressor.
	ActionsSuppressorWaitPeriod *int `json:",omitempty"`
	// ActionsSuppressorExtensionPeriod (seconds) keeps actions suppressed after
	// the suppressor leaves ALARM; required with ActionsSuppressor.
	ActionsSuppressorExtensionPeriod *int `json:",omitempty"`
}

// PutCompositeAlarmOutput is the (empty) response of PutCompositeAlarm.
type PutCompositeAlarmOutput struct{}

// CompositeAlarm is a composite alarm as DescribeAlarms returns it.
type CompositeAlarm struct {
	AlarmName                          string
	AlarmArn                           string
	AlarmDescription                   string `json:",omitempty"`
	AlarmRule                          string
	AlarmConfigurationUpdatedTimestamp time.Time
	ActionsEnabled                     bool
	OKActions                          []string
	AlarmActions                       []string
	InsufficientDataActions            []string
	StateValue                         StateValue
	StateReason                        string
	StateReasonData                    string `json:",omitempty"`
	StateUpdatedTimestamp              time.Time
	StateTransitionedTimestamp         time.Time
	ActionsSuppressedBy                ActionsSuppressedBy `json:",omitempty"`
	ActionsSuppressedReason            string              `json:",omitempty"`
	ActionsSuppressor                  string              `json:",omitempty"`
	ActionsSuppressorWaitPeriod        *int                `json:",omitempty"`
	ActionsSuppressorExtensionPeriod   *int                `json:",omitempty"`
}

// DescribeAlarmsInput is the request of DescribeAlarms. All filters combine.
type DescribeAlarmsInput struct {
	AlarmNames      []string    `json:",omitempty"`
	AlarmNamePrefix string      `json:",omitempty"`
	AlarmTypes      []AlarmType `json:",omitempty"`
	// ChildrenOfAlarmName returns the alarms the named composite alarm's rule
	// references; ParentsOfAlarmName the composite alarms that reference it.
	ChildrenOfAlarmName string     `json:",omitempty"`
	ParentsOfAlarmName  string     `json:",omitempty"`
	StateValue          StateValue `json:",omitempty"`
	ActionPrefix        string     `json:",omitempty"`
	// MaxRecords is 1..100 (default 50).
	MaxRecords *int32 `json:",omitempty"`
	NextToken  string `json:",omitempty"`
}

// DescribeAlarmsOutput is the response of DescribeAlarms, and the JSON that
// `aws cloudwatch describe-alarms` prints.
type DescribeAlarmsOutput struct {
	MetricAlarms    []MetricAlarm
	CompositeAlarms []CompositeAlarm `json:",omitempty"`
	NextToken       string           `json:",omitempty"`
}

// DescribeAlarmsForMetricInput is the request of DescribeAlarmsForMetric.
type DescribeAlarmsForMetricInput struct {
	MetricName        string
	Namespace         string
	Statistic         metrics.Statistic   `json:",omitempty"`
	ExtendedStatistic string              `json:",omitempty"`
	Dimensions        []metrics.Dimension `json:",omitempty"`
	// Period (seconds), when set, keeps the alarms of that period.
	Period *int32               `json:",omitempty"`
	Unit   metrics.StandardUnit `json:",omitempty"`
}

// DescribeAlarmsForMetricOutput is the response of DescribeAlarmsForMetric.
type DescribeAlarmsForMetricOutput struct {
	MetricAlarms []MetricAlarm
}

// DeleteAlarmsInput is the request of DeleteAlarms (up to 100 names).
type DeleteAlarmsInput struct {
	AlarmNames []string
}

// DeleteAlarmsOutput is the (empty) response of DeleteAlarms.
type DeleteAlarmsOutput struct{}

// SetAlarmStateInput is the request of SetAlarmState.
type SetAlarmStateInput struct {
	AlarmName       string
	StateValue      StateValue
	StateReason     string
	StateReasonData string `json:",omitempty"`
}

// SetAlarmStateOutput is the (empty) response of SetAlarmState.
type SetAlarmStateOutput struct{}

// EnableAlarmActionsInput is the request of EnableAlarmActions (up to 100 names).
type EnableAlarmActionsInput struct {
	AlarmNames []string
}

// EnableAlarmActionsOutput is the (empty) response of EnableAlarmActions.
type EnableAlarmActionsOutput struct{}

// DisableAlarmActionsInput is the request of DisableAlarmActions (up to 100 names).
type DisableAlarmActionsInput struct {
	AlarmNames []string
}

// DisableAlarmActionsOutput is the (empty) response of DisableAlarmActions.
type DisableAlarmActionsOutput struct{}

// DescribeAlarmHistoryInput is the request of DescribeAlarmHistory.
type DescribeAlarmHistoryInput struct {
	AlarmName       string          `json:",omitempty"`
	AlarmTypes      []AlarmType     `json:",omitempty"`
	HistoryItemType HistoryItemType `json:",omitempty"`
	StartDate       *time.Time      `json:",omitzero"`
	EndDate         *time.Time      `json:",omitzero"`
	// MaxRecords is 1..100 (default 50).
	MaxRecords *int32 `json:",omitempty"`
	NextToken  string `json:",omitempty"`
	// ScanBy defaults to TimestampDescending (newest first).
	ScanBy ScanBy `json:",omitempty"`
}

// AlarmHistoryItem is one entry of an alarm's history.
type AlarmHistoryItem struct {
	AlarmName       string
	AlarmType       AlarmType
	Timestamp       time.Time
	HistoryItemType HistoryItemType
	HistorySummary  string
	// HistoryData is JSON whose shape depends on HistoryItemType, as in AWS.
	HistoryData string
}

// DescribeAlarmHistoryOutput is the response of DescribeAlarmHistory.
type DescribeAlarmHistoryOutput struct {
	AlarmHistoryItems []AlarmHistoryItem
	NextToken         string `json:",omitempty"`
}

// ListTagsForResourceInput is the request of ListTagsForResource.
type ListTagsForResourceInput struct {
	ResourceARN string
}

// ListTagsForResourceOutput is the response of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags []Tag
}

// TagResourceInput is the request of TagResource.
type TagResourceInput struct {
	ResourceARN string
	Tags        []Tag
}

// TagResourceOutput is the (empty) response of TagResource.
type TagResourceOutput struct{}

// UntagResourceInput is the request of UntagResource.
type UntagResourceInput struct {
	ResourceARN string
	TagKeys     []string
}

// UntagResourceOutput is the (empty) response of UntagResource.
type UntagResourceOutput struct{}
