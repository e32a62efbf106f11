package metrics

import (
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
)

// AnomalyDetectorStateValue is the training state of an anomaly detection
// model (AnomalyDetector.StateValue).
type AnomalyDetectorStateValue string

// The anomaly detector states. localwatch trains a model when it is used (the
// model is a function of the data, see the model notes in anomaly_model.go),
// so the state describes the data the model would train on now: the metric's
// datapoints of the last two weeks outside the ExcludedTimeRanges, at a
// 5-minute period (the default period of a model's graph).
//
//   - PENDING_TRAINING: no datapoint at all;
//   - TRAINED_INSUFFICIENT_DATA: fewer than AnomalyMinTrainingPoints
//     5-minute datapoints, or data spanning less than a day (no daily
//     pattern can be learnt yet);
//   - TRAINED: otherwise.
const (
	AnomalyStatePendingTraining         AnomalyDetectorStateValue = "PENDING_TRAINING"
	AnomalyStateTrainedInsufficientData AnomalyDetectorStateValue = "TRAINED_INSUFFICIENT_DATA"
	AnomalyStateTrained                 AnomalyDetectorStateValue = "TRAINED"
)

// AnomalyDetectorType is the kind of an anomaly detector.
type AnomalyDetectorType string

// The anomaly detector types.
const (
	AnomalyDetectorSingleMetric AnomalyDetectorType = "SINGLE_METRIC"
	AnomalyDetectorMetricMath   AnomalyDetectorType = "METRIC_MATH"
)

// Anomaly detection limits.
const (
	// MaxAnomalyDetectors is how many anomaly detection models an account
	// may have per Region.
	MaxAnomalyDetectors = 500
	// MaxExcludedTimeRanges is how many ExcludedTimeRanges a configuration
	// may hold.
	MaxExcludedTimeRanges = 10
	// MaxDescribeAnomalyDetectors is DescribeAnomalyDetectors' largest
	// MaxResults.
	MaxDescribeAnomalyDetectors = 100
	maxMetricTimezoneLength     = 50
	maxAnomalyStatLength        = 50
)

// ErrResourceNotFoundException is returned by DeleteAnomalyDetector for a
// model that does not exist.
var ErrResourceNotFoundException = awserr.Sentinel("ResourceNotFoundException")

// Range is a time range, StartTime inclusive, EndTime exclusive.
type Range struct {
	StartTime time.Time
	EndTime   time.Time
}

// AnomalyDetectorConfiguration says how a model trains: up to 10 time ranges
// to leave out of training (deployments, incidents) and the time zone whose
// days (and daylight saving time changes) the daily pattern follows.
type AnomalyDetectorConfiguration struct {
	ExcludedTimeRanges []Range `json:",omitempty"`
	// MetricTimezone is an IANA time zone name such as "America/New_York"
	// (default UTC).
	MetricTimezone string `json:",omitempty"`
}

// SingleMetricAnomalyDetector designates one metric and statistic.
type SingleMetricAnomalyDetector struct {
	AccountId  string      `json:",omitempty"`
	Namespace  string      `json:",omitempty"`
	MetricName string      `json:",omitempty"`
	Dimensions []Dimension `json:",omitempty"`
	Stat       string      `json:",omitempty"`
}

// MetricMathAnomalyDetector designates a metric math expression: the queries,
// exactly one of which returns data (the expression the model is for).
type MetricMathAnomalyDetector struct {
	MetricDataQueries []MetricDataQuery
}

// MetricCharacteristics describes the metric to the model.
type MetricCharacteristics struct {
	// PeriodicSpikes says that spikes recur and are normal.
	PeriodicSpikes *bool `json:",omitempty"`
}

// PutAnomalyDetectorInput is the request of PutAnomalyDetector. Give either
// SingleMetricAnomalyDetector, MetricMathAnomalyDetector, or the deprecated
// top-level Namespace, MetricName, Dimensions and Stat.
type PutAnomalyDetectorInput struct {
	Namespace                   string      `json:",omitempty"`
	MetricName                  string      `json:",omitempty"`
	Dimensions                  []Dimension `json:",omitempty"`
	Stat                        string      `json:",omitempty"`
	Configuration               *AnomalyDetectorConfiguration
	MetricCharacteristics       *MetricCharacteristics
	SingleMetricAnomalyDetector *SingleMetricAnomalyDetector
	MetricMathAnomalyDetector   *MetricMathAnomalyDetector
}

// PutAnomalyDetectorOutput is the (empty) response of PutAnomalyDetector.
type PutAnomalyDetectorOutput struct{}

// DeleteAnomalyDetectorInput designates the model to delete, as in
// PutAnomalyDetectorInput.
type DeleteAnomalyDetectorInput struct {
	Namespace                   string      `json:",omitempty"`
	MetricName                  string      `json:",omitempty"`
	Dimensions                  []Dimension `json:",omitempty"`
	Stat                        string      `json:",omitempty"`
	SingleMetricAnomalyDetector *SingleMetricAnomalyDetector
	MetricMathAnomalyDetector   *MetricMathAnomalyDetector
}

// DeleteAnomalyDetectorOutput is the (empty) response of DeleteAnomalyDetector.
type DeleteAnomalyDetectorOutput struct{}

// DescribeAnomalyDetectorsInput filters and pages the models.
type DescribeAnomalyDetectorsInput struct {
	NextToken string `json:",omitempty"`
	// MaxResults is 1..100 (default 100).
	MaxResults *int32      `json:",omitempty"`
	Namespace  string      `json:",omitempty"`
	MetricName string      `json:",omitempty"`
	Dimensions []Dimension `json:",omitempty"`
	// AnomalyDetectorTypes defaults to SINGLE_METRIC.
	AnomalyDetectorTypes []AnomalyDetectorType `json:",omitempty"`
}

// AnomalyDetector describes one model. For a single-metric model the
// deprecated top-level Namespace, MetricName, Dimensions and Stat repeat
// SingleMetricAnomalyDetector, as AWS returns them.
type AnomalyDetector struct {
	Namespace                   string      `json:",omitempty"`
	MetricName                  string      `json:",omitempty"`
	Dimensions                  []Dimension `json:",omitempty"`
	Stat                        string      `json:",omitempty"`
	Configuration               *AnomalyDetectorConfiguration
	StateValue                  AnomalyDetectorStateValue
	MetricCharacteristics       *MetricCharacteristics       `json:",omitempty"`
	SingleMetricAnomalyDetector *SingleMetricAnomalyDetector `json:",omitempty"`
	MetricMathAnomalyDetector   *MetricMathAnomalyDetector   `json:",omitempty"`
}

// DescribeAnomalyDetectorsOutput is a page of models.
type DescribeAnomalyDetectorsOutput struct {
	AnomalyDetectors []AnomalyDetector
	NextToken        string `json:",omitempty"`
}
