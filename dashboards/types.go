package dashboards

import "time"

// ValidationMessage is a problem found in a dashboard body or widget
// (DashboardValidationMessage).
type ValidationMessage struct {
	DataPath string
	Message  string
}

// PutDashboardInput is the input of PutDashboard.
type PutDashboardInput struct {
	DashboardName string
	DashboardBody string
}

// PutDashboardOutput is the output of PutDashboard: warnings about a body
// that was stored anyway (none: every problem localwatch finds is an error).
type PutDashboardOutput struct {
	DashboardValidationMessages []ValidationMessage
}

// GetDashboardInput is the input of GetDashboard.
type GetDashboardInput struct {
	DashboardName string
}

// GetDashboardOutput is the output of GetDashboard.
type GetDashboardOutput struct {
	DashboardArn  string
	DashboardBody string
	DashboardName string
}

// ListDashboardsInput is the input of ListDashboards.
type ListDashboardsInput struct {
	DashboardNamePrefix string `json:",omitempty"`
	NextToken           string `json:",omitempty"`
}

// DashboardEntry describes a dashboard. LastModified is its last change; Size
// its body's size in bytes.
type DashboardEntry struct {
	DashboardName string
	DashboardArn  string
	LastModified  time.Time
	Size          int64
}

// ListDashboardsOutput is the output of ListDashboards.
type ListDashboardsOutput struct {
	DashboardEntries []DashboardEntry
	NextToken        string `json:",omitempty"`
}

// DeleteDashboardsInput is the input of DeleteDashboards.
type DeleteDashboardsInput struct {
	DashboardNames []string
}

// DeleteDashboardsOutput is the output of DeleteDashboards.
type DeleteDashboardsOutput struct{}

// GetMetricWidgetImageInput is the input of GetMetricWidgetImage: the widget
// JSON and OutputFormat "png" (default) or "image/png" (the same bytes; over
// HTTP the body is then the raw PNG).
type GetMetricWidgetImageInput struct {
	MetricWidget string
	OutputFormat string `json:",omitempty"`
}

// GetMetricWidgetImageOutput is the output of GetMetricWidgetImage.
type GetMetricWidgetImageOutput struct {
	MetricWidgetImage []byte
}
