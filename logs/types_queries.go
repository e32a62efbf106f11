package logs

// QueryStatus is a Logs Insights query's status.
type QueryStatus string

// The query statuses.
const (
	QueryScheduled QueryStatus = "Scheduled"
	QueryRunning   QueryStatus = "Running"
	QueryComplete  QueryStatus = "Complete"
	QueryFailed    QueryStatus = "Failed"
	QueryCancelled QueryStatus = "Cancelled"
	QueryTimedOut  QueryStatus = "Timeout"
	QueryUnknown   QueryStatus = "Unknown"
)

// StartQueryInput is the input of StartQuery. Give the log groups as
// LogGroupName, LogGroupNames or LogGroupIdentifiers (names or ARNs), one of
// the three. StartTime and EndTime are epoch seconds, both inclusive.
type StartQueryInput struct {
	LogGroupName        string   `json:"logGroupName,omitempty"`
	LogGroupNames       []string `json:"logGroupNames,omitempty"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers,omitempty"`
	StartTime           int64    `json:"startTime"`
	EndTime             int64    `json:"endTime"`
	QueryString         string   `json:"queryString"`
	// Limit caps the rows returned (1-10,000); it overrides the query's own
	// limit command.
	Limit *int32 `json:"limit,omitempty"`
	// QueryLanguage is "CWLI" (Logs Insights, the default); PPL and SQL are
	// not modelled.
	QueryLanguage string `json:"queryLanguage,omitempty"`
}

// StartQueryOutput is the output of StartQuery.
type StartQueryOutput struct {
	QueryID string `json:"queryId"`
}

// GetQueryResultsInput is the input of GetQueryResults.
type GetQueryResultsInput struct {
	QueryID string `json:"queryId"`
}

// ResultField is one field of a query result row.
type ResultField struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// QueryStatistics are a query's counts so far.
type QueryStatistics struct {
	RecordsMatched   float64 `json:"recordsMatched"`
	RecordsScanned   float64 `json:"recordsScanned"`
	BytesScanned     float64 `json:"bytesScanned"`
	LogGroupsScanned float64 `json:"logGroupsScanned"`
}

// GetQueryResultsOutput is the output of GetQueryResults: the rows once the
// query is Complete (none before), its statistics and status.
type GetQueryResultsOutput struct {
	QueryLanguage string          `json:"queryLanguage,omitempty"`
	Results       [][]ResultField `json:"results"`
	Statistics    QueryStatistics `json:"statistics"`
	Status        QueryStatus     `json:"status"`
}

// StopQueryInput is the input of StopQuery.
type StopQueryInput struct {
	QueryID string `json:"queryId"`
}

// StopQueryOutput is the output of StopQuery.
type StopQueryOutput struct {
	Success bool `json:"success"`
}

// DescribeQueriesInput is the input of DescribeQueries.
type DescribeQueriesInput struct {
	LogGroupName  string      `json:"logGroupName,omitempty"`
	Status        QueryStatus `json:"status,omitempty"`
	MaxResults    *int32      `json:"maxResults,omitempty"`
	NextToken     string      `json:"nextToken,omitempty"`
	QueryLanguage string      `json:"queryLanguage,omitempty"`
}

// QueryInfo describes a query (DescribeQueries). CreateTime is epoch
// milliseconds.
type QueryInfo struct {
	QueryLanguage string      `json:"queryLanguage"`
	QueryID       string      `json:"queryId"`
	QueryString   string      `json:"queryString"`
	Status        QueryStatus `json:"status"`
	CreateTime    int64       `json:"createTime"`
	LogGroupName  string      `json:"logGroupName,omitempty"`
}

// DescribeQueriesOutput is the output of DescribeQueries.
type DescribeQueriesOutput struct {
	Queries   []QueryInfo `json:"queries"`
	NextToken string      `json:"nextToken,omitempty"`
}

// PutQueryDefinitionInput is the input of PutQueryDefinition: a new saved
// query, or, with QueryDefinitionID, a change to one.
type PutQueryDefinitionInput struct {
	Name              string   `json:"name"`
	QueryDefinitionID string   `json:"queryDefinitionId,omitempty"`
	LogGroupNames     []string `json:"logGroupNames,omitempty"`
	QueryString       string   `json:"queryString"`
	ClientToken       string   `json:"clientToken,omitempty"`
	QueryLanguage     string   `json:"queryLanguage,omitempty"`
}

// PutQueryDefinitionOutput is the output of PutQueryDefinition.
type PutQueryDefinitionOutput struct {
	QueryDefinitionID string `json:"queryDefinitionId"`
}

// QueryDefinition is a saved query. LastModified is epoch milliseconds.
type QueryDefinition struct {
	QueryLanguage     string   `json:"queryLanguage"`
	QueryDefinitionID string   `json:"queryDefinitionId"`
	Name              string   `json:"name"`
	QueryString       string   `json:"queryString"`
	LastModified      int64    `json:"lastModified"`
	LogGroupNames     []string `json:"logGroupNames,omitempty"`
}

// DescribeQueryDefinitionsInput is the input of DescribeQueryDefinitions.
type DescribeQueryDefinitionsInput struct {
	QueryDefinitionNamePrefix string `json:"queryDefinitionNamePrefix,omitempty"`
	MaxResults                *int32 `json:"maxResults,omitempty"`
	NextToken                 string `json:"nextToken,omitempty"`
	QueryLanguage             string `json:"queryLanguage,omitempty"`
}

// DescribeQueryDefinitionsOutput is the output of DescribeQueryDefinitions.
type DescribeQueryDefinitionsOutput struct {
	QueryDefinitions []QueryDefinition `json:"queryDefinitions"`
	NextToken        string            `json:"nextToken,omitempty"`
}

// DeleteQueryDefinitionInput is the input of DeleteQueryDefinition.
type DeleteQueryDefinitionInput struct {
	QueryDefinitionID string `json:"queryDefinitionId"`
}

// DeleteQueryDefinitionOutput is the output of DeleteQueryDefinition.
type DeleteQueryDefinitionOutput struct {
	Success bool `json:"success"`
}

// GetLogRecordInput is the input of GetLogRecord: an @ptr from a query's
// results.
type GetLogRecordInput struct {
	LogRecordPointer string `json:"logRecordPointer"`
	Unmask           *bool  `json:"unmask,omitempty"`
}

// GetLogRecordOutput is the output of GetLogRecord: every field of the event
// (the system fields and those discovered in it).
type GetLogRecordOutput struct {
	LogRecord map[string]string `json:"logRecord"`
}

// GetLogGroupFieldsInput is the input of GetLogGroupFields. Time (epoch
// seconds, default now) ends the 15 minutes of events examined.
type GetLogGroupFieldsInput struct {
	LogGroupName       string `json:"logGroupName,omitempty"`
	LogGroupIdentifier string `json:"logGroupIdentifier,omitempty"`
	Time               *int64 `json:"time,omitempty"`
}

// LogGroupField is a field found in a log group's events and the percentage
// of events that have it.
type LogGroupField struct {
	Name    string `json:"name"`
	Percent int32  `json:"percent"`
}

// GetLogGroupFieldsOutput is the output of GetLogGroupFields.
type GetLogGroupFieldsOutput struct {
	LogGroupFields []LogGroupField `json:"logGroupFields"`
}
