package logs

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/logs/insights"
)

// queryEnv has two groups with JSON events a minute apart before t0.
func queryEnv(t *testing.T) *env {
	e := newEnv(t)
	for _, g := range []string{"app", "web"} {
		_, err := e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: g})
		require.NoError(t, err)
		_, err = e.s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: g, LogStreamName: "s"})
		require.NoError(t, err)
	}
	var evs []InputLogEvent
	for i := range 10 {
		evs = append(evs, InputLogEvent{Timestamp: t0.Add(time.Duration(i-10) * time.Minute).UnixMilli(),
			Message: fmt.Sprintf(`{"status": %d, "latency": %d}`, []int{200, 500}[i%2], i*100)})
	}
	_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "app", LogStreamName: "s", LogEvents: evs})
	require.NoError(t, err)
	_, err = e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "web", LogStreamName: "s",
		LogEvents: []InputLogEvent{{Timestamp: t0.Add(-30 * time.Second).UnixMilli(), Message: "GET /index 200"}}})
	require.NoError(t, err)
	return e
}

func startQuery(t *testing.T, e *env, in StartQueryInput) string {
	t.Helper()
	if in.StartTime == 0 && in.EndTime == 0 {
		in.StartTime, in.EndTime = t0.Add(-time.Hour).Unix(), t0.Unix()
	}
	out, err := e.s.StartQuery(ctx, in)
	require.NoError(t, err)
	return out.QueryID
}

func TestStartQueryRunsOnTheClock(t *testing.T) {
	e := queryEnv(t)
	id := startQuery(t, e, StartQueryInput{LogGroupName: "app", QueryString: "filter status = 500 | stats count(*) as n, avg(latency) as lat"})
	res, err := e.s.GetQueryResults(ctx, GetQueryResultsInput{QueryID: id})
	require.NoError(t, err)
	assert.Equal(t, QueryScheduled, res.Status, "a query is scheduled until the clock ticks")
	assert.Empty(t, res.Results)

	e.clk.Advance(0)
	res, err = e.s.GetQueryResults(ctx, GetQueryResultsInput{QueryID: id})
	require.NoError(t, err)
	assert.Equal(t, QueryComplete, res.Status)
	assert.Equal(t, [][]ResultField{{{"n", "5"}, {"lat", "500"}}}, res.Results)
	assert.Equal(t, QueryStatistics{RecordsMatched: 5, RecordsScanned: 10, BytesScanned: res.Statistics.BytesScanned, LogGroupsScanned: 1}, res.Statistics)
	assert.Positive(t, res.Statistics.BytesScanned)
}

func TestQueryRowsCarryAPointerGetLogRecordReads(t *testing.T) {
	e := queryEnv(t)
	id := startQuery(t, e, StartQueryInput{LogGroupNames: []string{"app", "web"}, QueryString: "fields @message | sort @timestamp desc | limit 2"})
	e.clk.Advance(0)
	res, err := e.s.GetQueryResults(ctx, GetQueryResultsInput{QueryID: id})
	require.NoError(t, err)
	require.Len(t, res.Results, 2)
	assert.Equal(t, "@message", res.Results[0][0].Field)
	assert.Equal(t, "GET /index 200", res.Results[0][0].Value, "both groups are searched; the newest first")
	ptr := res.Results[1][1]
	require.Equal(t, "@ptr", ptr.Field)
	rec, err := e.s.GetLogRecord(ctx, GetLogRecordInput{LogRecordPointer: ptr.Value})
	require.NoError(t, err)
	assert.Equal(t, `{"status": 500, "latency": 900}`, rec.LogRecord["@message"])
	assert.Equal(t, "500", rec.LogRecord["status"])
	assert.Equal(t, "123456789012:app", rec.LogRecord["@log"])
	assert.Equal(t, "s", rec.LogRecord["@logStream"])

	_, err = e.s.GetLogRecord(ctx, GetLogRecordInput{LogRecordPointer: "garbage"})
	assertCode(t, err, "InvalidParameterException")
}

func TestStartQueryValidation(t *testing.T) {
	e := queryEnv(t)
	lim := int32(0)
	many := make([]string, MaxQueryLogGroups+1)
	for i := range many {
		many[i] = "app"
	}
	start, end := t0.Add(-time.Hour).Unix(), t0.Unix()
	for _, tc := range []struct {
		name string
		in   StartQueryInput
		code string
	}{
		{"a malformed query answers MalformedQueryException", StartQueryInput{LogGroupName: "app", QueryString: "fields a b"}, "MalformedQueryException"},
		{"a missing log group", StartQueryInput{LogGroupName: "nope", QueryString: "fields @message"}, "ResourceNotFoundException"},
		{"no log group", StartQueryInput{QueryString: "fields @message"}, "InvalidParameterException"},
		{"two ways of naming log groups", StartQueryInput{LogGroupName: "app", LogGroupNames: []string{"web"}, QueryString: "fields @message"}, "InvalidParameterException"},
		{"more than 50 log groups", StartQueryInput{LogGroupNames: many, QueryString: "fields @message"}, "InvalidParameterException"},
		{"end before start", StartQueryInput{LogGroupName: "app", QueryString: "fields @message", StartTime: end, EndTime: start}, "InvalidParameterException"},
		{"limit below 1", StartQueryInput{LogGroupName: "app", QueryString: "fields @message", Limit: &lim}, "InvalidParameterException"},
		{"a query string over 10,000 characters", StartQueryInput{LogGroupName: "app", QueryString: "fields @message" + string(make([]byte, 10000))}, "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.StartTime == 0 && in.EndTime == 0 {
				in.StartTime, in.EndTime = start, end
			}
			_, err := e.s.StartQuery(ctx, in)
			assertCode(t, err, tc.code)
		})
	}
	q, err := e.s.DescribeQueries(ctx, DescribeQueriesInput{})
	require.NoError(t, err)
	assert.Empty(t, q.Queries, "a rejected StartQuery leaves no query behind")
}

func TestMalformedQueryCarriesItsLocation(t *testing.T) {
	e := queryEnv(t)
	_, err := e.s.StartQuery(ctx, StartQueryInput{LogGroupName: "app", QueryString: "fields a b", StartTime: 0, EndTime: 1})
	var ce *insights.CompileError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 9, ce.StartCharOffset)
}

func TestConcurrentQueryLimit(t *testing.T) {
	e := queryEnv(t)
	for range MaxConcurrentQueries {
		startQuery(t, e, StartQueryInput{LogGroupName: "app", QueryString: "fields @message"})
	}
	_, err := e.s.StartQuery(ctx, StartQueryInput{LogGroupName: "app", QueryString: "fields @message", StartTime: 0, EndTime: 1})
	assertCode(t, err, "LimitExceededException")
	e.clk.Advance(0) // they all complete
	startQuery(t, e, StartQueryInput{LogGroupName: "app", QueryString: "fields @message"})
}

func TestStopQueryCancelsAScheduledQuery(t *testing.T) {
	e := queryEnv(t)
	id := startQuery(t, e, StartQueryInput{LogGroupName: "app", QueryString: "fields @message"})
	out, err := e.s.StopQuery(ctx, StopQueryInput{QueryID: id})
	require.NoError(t, err)
	assert.True(t, out.Success)
	e.clk.Advance(0)
	res, err := e.s.GetQueryResults(ctx, GetQueryResultsInput{QueryID: id})
	require.NoError(t, err)
	assert.Equal(t, QueryCancelled, res.Status)
	_, err = e.s.StopQuery(ctx, StopQueryInput{QueryID: id})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.GetQueryResults(ctx, GetQueryResultsInput{QueryID: "nope"})
	assertCode(t, err, "ResourceNotFoundException")
}

func TestDescribeQueriesAndResultsRetention(t *testing.T) {
	e := queryEnv(t)
	a := startQuery(t, e, StartQueryInput{LogGroupName: "app", QueryString: "fields @message"})
	b := startQuery(t, e, StartQueryInput{LogGroupName: "web", QueryString: "stats count(*)"})
	e.clk.Advance(0)
	out, err := e.s.DescribeQueries(ctx, DescribeQueriesInput{})
	require.NoError(t, err)
	require.Len(t, out.Queries, 2)
	assert.Equal(t, b, out.Queries[0].QueryID, "newest first")
	assert.Equal(t, QueryComplete, out.Queries[0].Status)
	assert.Equal(t, "web", out.Queries[0].LogGroupName)
	one := int32(1)
	out, err = e.s.DescribeQueries(ctx, DescribeQueriesInput{LogGroupName: "app", MaxResults: &one})
	require.NoError(t, err)
	require.Len(t, out.Queries, 1)
	assert.Equal(t, a, out.Queries[0].QueryID)
	assert.Empty(t, out.NextToken)

	e.clk.Advance(QueryResultsRetention + time.Minute)
	_, err = e.s.GetQueryResults(ctx, GetQueryResultsInput{QueryID: a})
	assertCode(t, err, "ResourceNotFoundException")
}

func TestQueryDefinitions(t *testing.T) {
	e := queryEnv(t)
	out, err := e.s.PutQueryDefinition(ctx, PutQueryDefinitionInput{Name: "errors/by-bin", QueryString: "filter status = 500 | stats count(*) by bin(5m)", LogGroupNames: []string{"app"}})
	require.NoError(t, err)
	_, err = e.s.PutQueryDefinition(ctx, PutQueryDefinitionInput{Name: "all", QueryString: "fields @message"})
	require.NoError(t, err)
	_, err = e.s.PutQueryDefinition(ctx, PutQueryDefinitionInput{Name: "errors/by-bin", QueryDefinitionID: out.QueryDefinitionID, QueryString: "filter status >= 500 | stats count(*) by bin(5m)"})
	require.NoError(t, err)
	d, err := e.s.DescribeQueryDefinitions(ctx, DescribeQueryDefinitionsInput{QueryDefinitionNamePrefix: "errors/"})
	require.NoError(t, err)
	require.Len(t, d.QueryDefinitions, 1)
	assert.Equal(t, "filter status >= 500 | stats count(*) by bin(5m)", d.QueryDefinitions[0].QueryString)
	assert.Equal(t, t0.UnixMilli(), d.QueryDefinitions[0].LastModified)

	_, err = e.s.PutQueryDefinition(ctx, PutQueryDefinitionInput{Name: "bad", QueryString: "filtr x"})
	assertCode(t, err, "MalformedQueryException")
	_, err = e.s.PutQueryDefinition(ctx, PutQueryDefinitionInput{Name: "x", QueryDefinitionID: "nope", QueryString: "fields a"})
	assertCode(t, err, "ResourceNotFoundException")
	del, err := e.s.DeleteQueryDefinition(ctx, DeleteQueryDefinitionInput{QueryDefinitionID: out.QueryDefinitionID})
	require.NoError(t, err)
	assert.True(t, del.Success)
	_, err = e.s.DeleteQueryDefinition(ctx, DeleteQueryDefinitionInput{QueryDefinitionID: out.QueryDefinitionID})
	assertCode(t, err, "ResourceNotFoundException")
}

func TestGetLogGroupFieldsCountsDiscoveredFields(t *testing.T) {
	e := queryEnv(t)
	_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "app", LogStreamName: "s", LogEvents: []InputLogEvent{
		{Timestamp: t0.UnixMilli(), Message: "not json"}}})
	require.NoError(t, err)
	out, err := e.s.GetLogGroupFields(ctx, GetLogGroupFieldsInput{LogGroupName: "app"})
	require.NoError(t, err)
	got := map[string]int32{}
	for _, f := range out.LogGroupFields {
		got[f.Name] = f.Percent
	}
	// The 15 minutes before now hold the last 10 JSON events and one plain one.
	assert.Equal(t, int32(100), got["@message"])
	assert.Equal(t, int32(90), got["status"])
	assert.Equal(t, int32(90), got["latency"])
}

// A query reads snapshots of the streams (the service's readStreams), so
// late events that arrived out of order are seen in time order and no lock
// is held while events are copied.
func TestQuerySeesLateEventsInTimeOrder(t *testing.T) {
	e := queryEnv(t)
	_, err := e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "web", LogStreamName: "s", LogEvents: []InputLogEvent{
		{Timestamp: t0.Add(-50 * time.Minute).UnixMilli(), Message: "late and early"}}})
	require.NoError(t, err)
	id := startQuery(t, e, StartQueryInput{LogGroupName: "web", QueryString: "fields @message | sort @timestamp asc"})
	e.clk.Advance(0)
	res, err := e.s.GetQueryResults(ctx, GetQueryResultsInput{QueryID: id})
	require.NoError(t, err)
	require.Len(t, res.Results, 2)
	assert.Equal(t, "late and early", res.Results[0][0].Value)
	assert.Equal(t, "GET /index 200", res.Results[1][0].Value)
	rec, err := e.s.GetLogRecord(ctx, GetLogRecordInput{LogRecordPointer: res.Results[0][1].Value})
	require.NoError(t, err)
	assert.Equal(t, "late and early", rec.LogRecord["@message"])
}

func TestQueryAfterCloseFails(t *testing.T) {
	e := queryEnv(t)
	id := startQuery(t, e, StartQueryInput{LogGroupName: "app", QueryString: "fields @message"})
	q := e.s.queryStore.queries[id]
	e.s.Close()
	e.s.runQuery(q)
	assert.Equal(t, QueryFailed, q.info.Status)
}
