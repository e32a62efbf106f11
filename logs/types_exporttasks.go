package logs

// ExportTaskStatusCode is the state of an export task.
type ExportTaskStatusCode string

// Export task states.
const (
	ExportPending       ExportTaskStatusCode = "PENDING"
	ExportRunning       ExportTaskStatusCode = "RUNNING"
	ExportCompleted     ExportTaskStatusCode = "COMPLETED"
	ExportFailed        ExportTaskStatusCode = "FAILED"
	ExportCancelled     ExportTaskStatusCode = "CANCELLED"
	ExportPendingCancel ExportTaskStatusCode = "PENDING_CANCEL"
)

// ExportTask describes an export task.
type ExportTask struct {
	TaskID            string                   `json:"taskId"`
	TaskName          string                   `json:"taskName,omitempty"`
	LogGroupName      string                   `json:"logGroupName"`
	From              int64                    `json:"from"`
	To                int64                    `json:"to"`
	Destination       string                   `json:"destination"`
	DestinationPrefix string                   `json:"destinationPrefix"`
	Status            *ExportTaskStatus        `json:"status,omitempty"`
	ExecutionInfo     *ExportTaskExecutionInfo `json:"executionInfo,omitempty"`
}

// ExportTaskStatus is an export task's state and, when it failed, why.
type ExportTaskStatus struct {
	Code    ExportTaskStatusCode `json:"code"`
	Message string               `json:"message,omitempty"`
}

// ExportTaskExecutionInfo says when an export task was created and finished.
type ExportTaskExecutionInfo struct {
	CreationTime   int64  `json:"creationTime"`
	CompletionTime *int64 `json:"completionTime,omitempty"`
}

// CreateExportTaskInput is the input of CreateExportTask. From and To are
// milliseconds since the epoch.
type CreateExportTaskInput struct {
	TaskName            string `json:"taskName,omitempty"`
	LogGroupName        string `json:"logGroupName"`
	LogStreamNamePrefix string `json:"logStreamNamePrefix,omitempty"`
	From                int64  `json:"from"`
	To                  int64  `json:"to"`
	Destination         string `json:"destination"`
	DestinationPrefix   string `json:"destinationPrefix,omitempty"`
}

// CreateExportTaskOutput is the output of CreateExportTask.
type CreateExportTaskOutput struct {
	TaskID string `json:"taskId"`
}

// DescribeExportTasksInput is the input of DescribeExportTasks.
type DescribeExportTasksInput struct {
	TaskID     string               `json:"taskId,omitempty"`
	StatusCode ExportTaskStatusCode `json:"statusCode,omitempty"`
	NextToken  string               `json:"nextToken,omitempty"`
	Limit      *int32               `json:"limit,omitempty"`
}

// DescribeExportTasksOutput is the output of DescribeExportTasks.
type DescribeExportTasksOutput struct {
	ExportTasks []ExportTask `json:"exportTasks"`
	NextToken   string       `json:"nextToken,omitempty"`
}

// CancelExportTaskInput is the input of CancelExportTask.
type CancelExportTaskInput struct {
	TaskID string `json:"taskId"`
}

// CancelExportTaskOutput is the (empty) output of CancelExportTask.
type CancelExportTaskOutput struct{}
