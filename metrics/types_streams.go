package metrics

import "time"

// MetricStreamOutputFormat is the output format of a metric stream.
type MetricStreamOutputFormat string

// The output formats of a metric stream.
const (
	MetricStreamJSON            MetricStreamOutputFormat = "json"
	MetricStreamOpenTelemetry07 MetricStreamOutputFormat = "opentelemetry0.7"
	MetricStreamOpenTelemetry10 MetricStreamOutputFormat = "opentelemetry1.0"
)

// The states of a metric stream.
const (
	MetricStreamRunning = "running"
	MetricStreamStopped = "stopped"
)

// Tag is a key-value pair on a metric stream.
type Tag struct {
	Key   string
	Value string
}

// MetricStreamFilter names a namespace and, optionally, metrics in it.
type MetricStreamFilter struct {
	Namespace   string   `json:",omitempty"`
	MetricNames []string `json:",omitempty"`
}

// MetricStreamStatisticsMetric is a namespace and metric name pair.
type MetricStreamStatisticsMetric struct {
	Namespace  string
	MetricName string
}

// MetricStreamStatisticsConfiguration adds statistics to some metrics.
type MetricStreamStatisticsConfiguration struct {
	IncludeMetrics       []MetricStreamStatisticsMetric
	AdditionalStatistics []string
}

// PutMetricStreamInput is the request of PutMetricStream.
type PutMetricStreamInput struct {
	Name                         string
	IncludeFilters               []MetricStreamFilter `json:",omitempty"`
	ExcludeFilters               []MetricStreamFilter `json:",omitempty"`
	FirehoseArn                  string
	RoleArn                      string
	OutputFormat                 MetricStreamOutputFormat
	Tags                         []Tag                                 `json:",omitempty"`
	StatisticsConfigurations     []MetricStreamStatisticsConfiguration `json:",omitempty"`
	IncludeLinkedAccountsMetrics *bool                                 `json:",omitempty"`
}

// PutMetricStreamOutput is the response of PutMetricStream.
type PutMetricStreamOutput struct {
	Arn string
}

// GetMetricStreamInput is the request of GetMetricStream.
type GetMetricStreamInput struct {
	Name string
}

// GetMetricStreamOutput is the response of GetMetricStream.
type GetMetricStreamOutput struct {
	Arn                          string
	Name                         string
	IncludeFilters               []MetricStreamFilter `json:",omitempty"`
	ExcludeFilters               []MetricStreamFilter `json:",omitempty"`
	FirehoseArn                  string
	RoleArn                      string
	State                        string
	CreationDate                 time.Time
	LastUpdateDate               time.Time
	OutputFormat                 MetricStreamOutputFormat
	StatisticsConfigurations     []MetricStreamStatisticsConfiguration `json:",omitempty"`
	IncludeLinkedAccountsMetrics bool
}

// ListMetricStreamsInput is the request of ListMetricStreams.
type ListMetricStreamsInput struct {
	NextToken string `json:",omitempty"`
	// MaxResults is 1..500 (default 500).
	MaxResults *int32 `json:",omitempty"`
}

// MetricStreamEntry is one stream in ListMetricStreams.
type MetricStreamEntry struct {
	Arn            string
	CreationDate   time.Time
	LastUpdateDate time.Time
	Name           string
	FirehoseArn    string
	State          string
	OutputFormat   MetricStreamOutputFormat
}

// ListMetricStreamsOutput is the response of ListMetricStreams, in name order.
type ListMetricStreamsOutput struct {
	NextToken string `json:",omitempty"`
	Entries   []MetricStreamEntry
}

// DeleteMetricStreamInput is the request of DeleteMetricStream.
type DeleteMetricStreamInput struct {
	Name string
}

// DeleteMetricStreamOutput is the (empty) response of DeleteMetricStream.
type DeleteMetricStreamOutput struct{}

// StartMetricStreamsInput is the request of StartMetricStreams.
type StartMetricStreamsInput struct {
	Names []string
}

// StartMetricStreamsOutput is the (empty) response of StartMetricStreams.
type StartMetricStreamsOutput struct{}

// StopMetricStreamsInput is the request of StopMetricStreams.
type StopMetricStreamsInput struct {
	Names []string
}

// StopMetricStreamsOutput is the (empty) response of StopMetricStreams.
type StopMetricStreamsOutput struct{}
