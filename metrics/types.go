package metrics

import (
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// This file holds the AWS-shaped request and response types of the metrics
// service. Field names are the CloudWatch API's, so JSON from the AWS CLI
// (PascalCase) decodes into them.

// StandardUnit is a CloudWatch unit, e.g. "Seconds" or "Count/Second".
type StandardUnit string

// The CloudWatch units.
const (
	UnitSeconds         StandardUnit = "Seconds"
	UnitMicroseconds    StandardUnit = "Microseconds"
	UnitMilliseconds    StandardUnit = "Milliseconds"
	UnitBytes           StandardUnit = "Bytes"
	UnitKilobytes       StandardUnit = "Kilobytes"
	UnitMegabytes       StandardUnit = "Megabytes"
	UnitGigabytes       StandardUnit = "Gigabytes"
	UnitTerabytes       StandardUnit = "Terabytes"
	UnitBits            StandardUnit = "Bits"
	UnitKilobits        StandardUnit = "Kilobits"
	UnitMegabits        StandardUnit = "Megabits"
	UnitGigabits        StandardUnit = "Gigabits"
	UnitTerabits        StandardUnit = "Terabits"
	UnitPercent         StandardUnit = "Percent"
	UnitCount           StandardUnit = "Count"
	UnitBytesSecond     StandardUnit = "Bytes/Second"
	UnitKilobytesSecond StandardUnit = "Kilobytes/Second"
	UnitMegabytesSecond StandardUnit = "Megabytes/Second"
	UnitGigabytesSecond StandardUnit = "Gigabytes/Second"
	UnitTerabytesSecond StandardUnit = "Terabytes/Second"
	UnitBitsSecond      StandardUnit = "Bits/Second"
	UnitKilobitsSecond  StandardUnit = "Kilobits/Second"
	UnitMegabitsSecond  StandardUnit = "Megabits/Second"
	UnitGigabitsSecond  StandardUnit = "Gigabits/Second"
	UnitTerabitsSecond  StandardUnit = "Terabits/Second"
	UnitCountSecond     StandardUnit = "Count/Second"
	UnitNone            StandardUnit = "None"
)

// Statistic is one of the five basic statistics.
type Statistic string

// The basic statistics.
const (
	StatSampleCount Statistic = "SampleCount"
	StatAverage     Statistic = "Average"
	StatSum         Statistic = "Sum"
	StatMinimum     Statistic = "Minimum"
	StatMaximum     Statistic = "Maximum"
)

// Dimension is a name/value pair that is part of a metric's identity.
type Dimension struct {
	Name  string
	Value string
}

// DimensionFilter selects metrics by dimension name and, optionally, value
// (ListMetrics).
type DimensionFilter struct {
	Name  string
	Value string `json:",omitempty"`
}

// Metric identifies a metric: namespace, name and dimensions (order-insensitive).
type Metric struct {
	Namespace  string
	MetricName string
	Dimensions []Dimension `json:",omitempty"`
}

// StatisticSet is a pre-aggregated set of values (PutMetricData StatisticValues).
type StatisticSet struct {
	SampleCount float64
	Sum         float64
	Minimum     float64
	Maximum     float64
}

// MetricDatum is one entry of PutMetricData's MetricData. Exactly one of Value,
// Values (with optional Counts) or StatisticValues carries the data.
type MetricDatum struct {
	MetricName      string
	Dimensions      []Dimension   `json:",omitempty"`
	Timestamp       time.Time     `json:",omitempty"` // zero: the time the call is received
	Value           *float64      `json:",omitempty"`
	Values          []float64     `json:",omitempty"`
	Counts          []float64     `json:",omitempty"`
	StatisticValues *StatisticSet `json:",omitempty"`
	Unit            StandardUnit  `json:",omitempty"`
	// StorageResolution is 1 (high resolution) or 60 (standard; 0 means 60).
	StorageResolution int `json:",omitempty"`
}

// PutMetricDataInput is the request of PutMetricData.
type PutMetricDataInput struct {
	Namespace  string
	MetricData []MetricDatum
}

// PutMetricDataOutput is the (empty) response of PutMetricData.
type PutMetricDataOutput struct{}

// Datapoint is one period's statistics (GetMetricStatistics). Only the
// statistics that were asked for are set.
type Datapoint struct {
	Timestamp          time.Time
	SampleCount        *float64           `json:",omitempty"`
	Average            *float64           `json:",omitempty"`
	Sum                *float64           `json:",omitempty"`
	Minimum            *float64           `json:",omitempty"`
	Maximum            *float64           `json:",omitempty"`
	Unit               StandardUnit       `json:",omitempty"`
	ExtendedStatistics ExtendedStatistics `json:",omitempty"`
}

// GetMetricStatisticsInput is the request of GetMetricStatistics.
type GetMetricStatisticsInput struct {
	Namespace          string
	MetricName         string
	Dimensions         []Dimension `json:",omitempty"`
	StartTime          time.Time
	EndTime            time.Time
	Period             int          // seconds
	Statistics         []Statistic  `json:",omitempty"`
	ExtendedStatistics []string     `json:",omitempty"`
	Unit               StandardUnit `json:",omitempty"`
}

// GetMetricStatisticsOutput is the response of GetMetricStatistics. Datapoints
// are sorted by Timestamp ascending (AWS returns them unordered).
type GetMetricStatisticsOutput struct {
	Label      string
	Datapoints []Datapoint
}

// MetricStat is a metric with the period, statistic and unit to retrieve
// (GetMetricData and metric-math alarms).
type MetricStat struct {
	Metric Metric
	Period int          // seconds
	Stat   string       // a basic or extended statistic, e.g. "Average" or "p99"
	Unit   StandardUnit `json:",omitempty"`
}

// MetricDataQuery is one query of GetMetricData (and one entry of a metric-math
// alarm's Metrics). Exactly one of MetricStat or Expression is set.
type MetricDataQuery struct {
	Id         string
	MetricStat *MetricStat `json:",omitempty"`
	Expression string      `json:",omitempty"`
	Label      string      `json:",omitempty"`
	// ReturnData defaults to true when nil.
	ReturnData *bool `json:",omitempty"`
	// Period (seconds) is an expression's period; nil: the smallest period
	// of the metrics it reads.
	Period    *int32 `json:",omitempty"`
	AccountId string `json:",omitempty"`
}

// period is q.Period, 0 when absent.
func (q *MetricDataQuery) period() int {
	if q.Period == nil {
		return 0
	}
	return int(*q.Period)
}

// ScanBy orders GetMetricData results.
type ScanBy string

// The ScanBy values.
const (
	ScanByTimestampDescending ScanBy = "TimestampDescending"
	ScanByTimestampAscending  ScanBy = "TimestampAscending"
)

// StatusCode tells whether a GetMetricData result is complete.
type StatusCode string

// The StatusCode values.
const (
	StatusComplete      StatusCode = "Complete"
	StatusPartialData   StatusCode = "PartialData"
	StatusInternalError StatusCode = "InternalError"
	StatusForbidden     StatusCode = "Forbidden"
)

// MessageData is a message attached to a GetMetricData result or response.
type MessageData struct {
	Code  string
	Value string
}

// LabelOptions sets the time zone of dynamic labels (GetMetricData).
type LabelOptions struct {
	Timezone string `json:",omitempty"` // e.g. "+0130"
}

// GetMetricDataInput is the request of GetMetricData.
type GetMetricDataInput struct {
	MetricDataQueries []MetricDataQuery
	StartTime         time.Time
	EndTime           time.Time
	NextToken         string `json:",omitempty"`
	ScanBy            ScanBy `json:",omitempty"`
	// MaxDatapoints is the page size in datapoints (default and largest
	// MaxMetricDataPoints).
	MaxDatapoints *int32        `json:",omitempty"`
	LabelOptions  *LabelOptions `json:",omitempty"`
}

// MetricDataResult is the series a query (or expression) returned.
type MetricDataResult struct {
	Id         string
	Label      string
	Timestamps []time.Time
	Values     []float64
	StatusCode StatusCode
	Messages   []MessageData `json:",omitempty"`
}

// GetMetricDataOutput is the response of GetMetricData.
type GetMetricDataOutput struct {
	MetricDataResults []MetricDataResult
	Messages          []MessageData `json:",omitempty"`
	NextToken         string        `json:",omitempty"`
}

// ListMetricsInput is the request of ListMetrics.
type ListMetricsInput struct {
	Namespace  string            `json:",omitempty"`
	MetricName string            `json:",omitempty"`
	Dimensions []DimensionFilter `json:",omitempty"`
	// RecentlyActive "PT3H" limits the result to metrics with data in the past
	// three hours.
	RecentlyActive string `json:",omitempty"`
	NextToken      string `json:",omitempty"`
}

// ListMetricsOutput is the response of ListMetrics.
type ListMetricsOutput struct {
	Metrics   []Metric
	NextToken string `json:",omitempty"`
}

// DataEvent carries a PutMetricData request over the bus from a producer inside
// the stack (a logs metric filter, the runtime agent) to the metrics service.
// Producers inside the stack may use AWS/ namespaces; Internal marks them.
type DataEvent struct {
	// AccountID and Region address the metrics service that stores the data: a
	// service ignores events addressed to another account or Region. Empty
	// fields match any (one service on the bus).
	AccountID string
	Region    string
	Input     PutMetricDataInput
	Internal  bool
}

// Float returns a pointer to v, for MetricDatum.Value and similar fields.
func Float(v float64) *float64 { return &v }

// Int32 returns a pointer to v, for page sizes (MaxResults, MaxDatapoints).
func Int32(v int32) *int32 { return &v }

// Bool returns a pointer to v, for MetricDataQuery.ReturnData.
func Bool(v bool) *bool { return &v }

// ExtendedStatistic is the value of one extended statistic (p99,
// TM(10%:90%), ...) in a Datapoint.
type ExtendedStatistic struct {
	Name  string
	Value float64
}

// ExtendedStatistics are a Datapoint's extended statistics, in the order they
// were requested (each name once). In JSON they are AWS's map, e.g.
// {"p99": 12.5, "TM(10%:90%)": 7.25}, with the keys sorted as encoding/json
// sorts a map's, so AWS CLI output decodes into it and it encodes the same.
//
// It is a slice rather than a map so that GetMetricStatistics can carve the
// values of all its datapoints from one allocation: a map per datapoint was
// two allocations and about 350 bytes each (issue 15). Use Get to look a
// statistic up, Map for a map.
type ExtendedStatistics []ExtendedStatistic

// Get returns the value of the named statistic and whether it is present.
func (e ExtendedStatistics) Get(name string) (float64, bool) {
	for _, x := range e {
		if x.Name == name {
			return x.Value, true
		}
	}
	return 0, false
}

// Map returns the statistics as a new map (nil when there are none).
func (e ExtendedStatistics) Map() map[string]float64 {
	if len(e) == 0 {
		return nil
	}
	m := make(map[string]float64, len(e))
	for _, x := range e {
		m[x.Name] = x.Value
	}
	return m
}

// MarshalJSON encodes e as AWS's JSON object {"name": value, ...}.
func (e ExtendedStatistics) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	return json.Marshal(e.Map())
}

// UnmarshalJSON decodes AWS's JSON object {"name": value, ...} (null leaves e
// nil), ordering the statistics by name.
func (e *ExtendedStatistics) UnmarshalJSON(b []byte) error {
	var m map[string]float64
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if m == nil {
		*e = nil
		return nil
	}
	out := make(ExtendedStatistics, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, ExtendedStatistic{k, m[k]})
	}
	*e = out
	return nil
}
