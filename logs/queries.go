package logs

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
	"github.com/localwatch/localwatch/logs/insights"
)

// Logs Insights limits, from the StartQuery and PutQueryDefinition API
// references and the CloudWatch Logs quotas page.
const (
	// MaxQueryStringLength is StartQuery's queryString limit (characters).
	MaxQueryStringLength = 10000
	// MaxQueryLogGroups is how many log groups one query may name.
	MaxQueryLogGroups = 50
	// MaxConcurrentQueries is the quota of Logs Insights queries scheduled or
	// running at once in an account and Region.
	MaxConcurrentQueries = 30
	// MaxQueryDefinitions is the quota of saved query definitions.
	MaxQueryDefinitions = 1000
	// QueryResultsRetention is how long GetQueryResults can read a finished
	// query's results.
	QueryResultsRetention = 7 * 24 * time.Hour
	// QueryTimeout is when a query that has not finished times out. Queries
	// here run to completion at the clock's next tick, so none reaches it.
	QueryTimeout = 60 * time.Minute
)

// queryStore holds the Logs Insights queries and saved definitions. Its zero
// value is ready; mu guards everything below it.
type queryStore struct {
	mu      sync.Mutex
	queries map[string]*query
	order   []*query // by creation
	defs    map[string]*QueryDefinition
}

type query struct {
	info     QueryInfo
	q        *insights.Query
	groups   []string
	start    int64 // ms, inclusive
	end      int64 // ms, inclusive
	limit    int
	results  [][]ResultField
	stats    QueryStatistics
	timer    interface{ Stop() bool }
	due      time.Time // when timer runs (checkpoints arm it again then)
	finished int64     // ms
}

// StartQuery schedules a Logs Insights query over the events of the named
// log groups with timestamps from StartTime to EndTime (epoch seconds, both
// inclusive). It runs on the service's clock at its next tick (the next
// Advance of a manual clock; at once under Run), so it is Scheduled until
// then. The query is compiled first: a malformed one answers
// MalformedQueryException with the location (see logs/insights).
func (s *Service) StartQuery(ctx context.Context, in StartQueryInput) (*StartQueryOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "StartQuery", ReadOnly: true}, in, s.startQuery)
}

func (s *Service) startQuery(ctx context.Context, c *event.Call, in StartQueryInput) (out *StartQueryOutput, err error) {
	if in.QueryLanguage != "" && in.QueryLanguage != "CWLI" {
		return nil, errInvalid("Query language %s is not supported by localwatch; only CWLI (Logs Insights) is modelled.", in.QueryLanguage)
	}
	if len(in.QueryString) > MaxQueryStringLength {
		return nil, errConstraint("queryString", "...", "Member must have length less than or equal to 10000")
	}
	if in.EndTime < in.StartTime {
		return nil, errInvalid("End time cannot be less than start time.")
	}
	if in.StartTime < 0 || in.EndTime > maxEpochSeconds {
		return nil, errInvalid("The time range is invalid: startTime and endTime must be epoch seconds from 0 to %d.", maxEpochSeconds)
	}
	limit := insights.MaxRows
	if in.Limit != nil {
		if limit, err = limitOf("limit", in.Limit, insights.MaxRows, insights.MaxRows); err != nil {
			return nil, err
		}
	}
	sources := 0
	for _, set := range []bool{in.LogGroupName != "", len(in.LogGroupNames) > 0, len(in.LogGroupIdentifiers) > 0} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return nil, errInvalid("Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be given.")
	}
	names := in.LogGroupNames
	if in.LogGroupName != "" {
		names = []string{in.LogGroupName}
	}
	ids := in.LogGroupIdentifiers
	if len(names)+len(ids) > MaxQueryLogGroups {
		return nil, errInvalid("Log group count of %d exceeds the limit of %d log groups in one query.", len(names)+len(ids), MaxQueryLogGroups)
	}
	cq, err := insights.Compile(in.QueryString)
	if err != nil {
		return nil, err
	}
	var groups []string
	s.mu.RLock()
	for _, n := range names {
		g, err := s.resolveGroupLocked(n, "")
		if err != nil {
			s.mu.RUnlock()
			return nil, err
		}
		groups = append(groups, g.name)
	}
	for _, id := range ids {
		g, err := s.resolveGroupLocked("", id)
		if err != nil {
			s.mu.RUnlock()
			return nil, err
		}
		groups = append(groups, g.name)
	}
	s.mu.RUnlock()

	now := s.nowMS()
	qs := &s.queryStore
	qs.mu.Lock()
	defer qs.mu.Unlock()
	qs.expireLocked(now)
	active := 0
	for _, q := range qs.order {
		if q.info.Status == QueryScheduled || q.info.Status == QueryRunning {
			active++
		}
	}
	if active >= MaxConcurrentQueries {
		return nil, awserr.New("LimitExceededException", "Account maximum query concurrency limit of [%d] reached.", MaxConcurrentQueries)
	}
	q := &query{
		info: QueryInfo{QueryLanguage: "CWLI", QueryID: s.ids.UUID(), QueryString: in.QueryString, Status: QueryScheduled,
			CreateTime: now, LogGroupName: groups[0]},
		q: cq, groups: groups, start: in.StartTime * 1000, end: in.EndTime*1000 + 999, limit: limit,
	}
	if qs.queries == nil {
		qs.queries = map[string]*query{}
	}
	qs.queries[q.info.QueryID] = q
	qs.order = append(qs.order, q)
	q.due = s.clock.Now()
	q.timer = clock.AfterFuncNamed(s.clock, queryTimerName(q.info.QueryID), 0, func() { s.runQuery(q) })
	return &StartQueryOutput{QueryID: q.info.QueryID}, nil
}

// maxEpochSeconds bounds query times (year 9999) so milliseconds never
// overflow.
const maxEpochSeconds = 253402300799

// runQuery executes a scheduled query: it copies the matching events from
// snapshots of the streams, then evaluates without any lock held. A query
// whose events cannot be read (the service was closed) fails.
func (s *Service) runQuery(q *query) {
	qs := &s.queryStore
	start := func() bool {
		qs.mu.Lock()
		defer qs.mu.Unlock()
		if q.info.Status != QueryScheduled {
			return false
		}
		q.info.Status = QueryRunning
		return true
	}
	if !start() {
		return
	}

	events, scanned, err := s.queryEvents(q)
	if err != nil {
		qs.mu.Lock()
		defer qs.mu.Unlock()
		if q.info.Status == QueryRunning {
			q.info.Status = QueryFailed
			q.finished = s.nowMS()
		}
		return
	}
	res := q.q.Run(slices.Values(events))
	rows := res.Rows
	if len(rows) > q.limit {
		rows = rows[:q.limit]
	}
	results := make([][]ResultField, len(rows))
	for i, r := range rows {
		row := make([]ResultField, len(r))
		for j, f := range r {
			row[j] = ResultField{Field: f.Field, Value: f.Value}
		}
		results[i] = row
	}

	qs.mu.Lock()
	defer qs.mu.Unlock()
	if q.info.Status != QueryRunning { // stopped meanwhile
		return
	}
	q.results = results
	q.stats = QueryStatistics{RecordsMatched: res.Statistics.RecordsMatched, RecordsScanned: res.Statistics.RecordsScanned,
		BytesScanned: res.Statistics.BytesScanned, LogGroupsScanned: float64(scanned)}
	q.info.Status = QueryComplete
	q.finished = s.nowMS()
}

// queryEvents copies the events of the query's groups in its time range, in
// time order, with an @ptr for each. It reads snapshots of the streams
// (readStreams), so no lock is held while the events are copied.
func (s *Service) queryEvents(q *query) ([]insights.Event, int, error) {
	type source struct {
		group, stream string
		cutoff        int64
	}
	var (
		srcs    []source
		events  []insights.Event
		scanned int
	)
	start, end := q.start, q.end
	err := s.readStreams(func() ([]*stream, error) {
		srcs, scanned = srcs[:0], 0 // pick may run again after a sort
		now := s.nowMS()
		var sts []*stream
		for _, name := range q.groups {
			g, ok := s.groups[name]
			if !ok {
				continue // deleted since StartQuery
			}
			scanned++
			cut := retentionCutoff(g, now)
			for _, sn := range g.streamNames {
				sts = append(sts, g.streams[sn])
				srcs = append(srcs, source{g.name, sn, cut})
			}
		}
		return sts, nil
	}, func(sts []*stream) error {
		for j, st := range sts {
			src := srcs[j]
			logID := s.account + ":" + src.group
			a, b := st.window(&start, &end, true, src.cutoff)
			for i := a; i < b; i++ {
				events = append(events, insights.Event{
					Timestamp: st.tsAt(i), IngestionTime: st.ingAt(i), Message: string(st.msg(i)),
					LogStream: src.stream, Log: logID, Ptr: recordPointer(src.group, src.stream, st.keyAt(i)),
				})
			}
		}
		return nil
	})
	slices.SortStableFunc(events, func(a, b insights.Event) int { return cmp.Compare(a.Timestamp, b.Timestamp) })
	return events, scanned, err
}

// recordPointer is an @ptr: the group, stream and event key, opaque to users.
func recordPointer(group, stream string, k key) string {
	return pagetoken.Encode("ptr\x00" + group + "\x00" + stream + "\x00" + strconv.FormatInt(k.ts, 10) + "\x00" + strconv.FormatUint(k.seq, 10))
}

func parseRecordPointer(ptr string) (group, stream string, k key, ok bool) {
	s, ok := pagetoken.Decode(ptr)
	if !ok {
		return "", "", key{}, false
	}
	parts := strings.Split(s, "\x00")
	if len(parts) != 5 || parts[0] != "ptr" {
		return "", "", key{}, false
	}
	ts, err1 := strconv.ParseInt(parts[3], 10, 64)
	seq, err2 := strconv.ParseUint(parts[4], 10, 64)
	if err1 != nil || err2 != nil {
		return "", "", key{}, false
	}
	return parts[1], parts[2], key{ts: ts, seq: seq}, true
}

// expireLocked forgets finished queries whose results are past retention.
func (qs *queryStore) expireLocked(now int64) {
	keep := qs.order[:0]
	for _, q := range qs.order {
		if q.finished != 0 && now-q.finished > QueryResultsRetention.Milliseconds() {
			delete(qs.queries, q.info.QueryID)
			continue
		}
		keep = append(keep, q)
	}
	clear(qs.order[len(keep):])
	qs.order = keep
}

func (qs *queryStore) lookupLocked(id string) (*query, error) {
	if id == "" {
		return nil, errConstraint("queryId", "", "Member must have length greater than or equal to 1")
	}
	q, ok := qs.queries[id]
	if !ok {
		return nil, awserr.New("ResourceNotFoundException", "Query does not exist: %s", id)
	}
	return q, nil
}

// GetQueryResults returns a query's status and, once Complete, its rows (each
// a list of fields; rows of events end with @ptr) and statistics.
func (s *Service) GetQueryResults(ctx context.Context, in GetQueryResultsInput) (*GetQueryResultsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetQueryResults", ReadOnly: true}, in, s.getQueryResults)
}

func (s *Service) getQueryResults(ctx context.Context, c *event.Call, in GetQueryResultsInput) (out *GetQueryResultsOutput, err error) {
	qs := &s.queryStore
	qs.mu.Lock()
	defer qs.mu.Unlock()
	qs.expireLocked(s.nowMS())
	q, err := qs.lookupLocked(in.QueryID)
	if err != nil {
		return nil, err
	}
	out = &GetQueryResultsOutput{QueryLanguage: "CWLI", Results: [][]ResultField{}, Statistics: q.stats, Status: q.info.Status}
	if q.info.Status == QueryComplete {
		out.Results = q.results
	}
	return out, nil
}

// StopQuery cancels a query that is scheduled or running; a query that has
// ended cannot be stopped (InvalidParameterException).
func (s *Service) StopQuery(ctx context.Context, in StopQueryInput) (*StopQueryOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "StopQuery"}, in, s.stopQuery)
}

func (s *Service) stopQuery(ctx context.Context, c *event.Call, in StopQueryInput) (out *StopQueryOutput, err error) {
	qs := &s.queryStore
	qs.mu.Lock()
	defer qs.mu.Unlock()
	q, err := qs.lookupLocked(in.QueryID)
	if err != nil {
		return nil, err
	}
	if q.info.Status != QueryScheduled && q.info.Status != QueryRunning {
		return nil, errInvalid("Query %s is not running (status %s).", in.QueryID, q.info.Status)
	}
	if q.timer != nil {
		q.timer.Stop()
	}
	q.info.Status = QueryCancelled
	q.finished = s.nowMS()
	return &StopQueryOutput{Success: true}, nil
}

// DescribeQueries lists the queries of the last 7 days (newest first),
// optionally those of one log group or status, MaxResults (1-1000, default
// 1000) per page.
func (s *Service) DescribeQueries(ctx context.Context, in DescribeQueriesInput) (*DescribeQueriesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeQueries", ReadOnly: true}, in, s.describeQueries)
}

func (s *Service) describeQueries(ctx context.Context, c *event.Call, in DescribeQueriesInput) (out *DescribeQueriesOutput, err error) {
	limit, err := limitOf("maxResults", in.MaxResults, 1000, 1000)
	if err != nil {
		return nil, err
	}
	switch in.Status {
	case "", QueryScheduled, QueryRunning, QueryComplete, QueryFailed, QueryCancelled, QueryTimedOut, QueryUnknown:
	default:
		return nil, errConstraint("status", in.Status, "Member must satisfy enum value set: [Scheduled, Running, Complete, Failed, Cancelled, Timeout, Unknown]")
	}
	offset := 0
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		n, err := strconv.Atoi(strings.TrimPrefix(t, "q:"))
		if !ok || !strings.HasPrefix(t, "q:") || err != nil || n < 0 {
			return nil, errBadToken(in.NextToken)
		}
		offset = n
	}
	qs := &s.queryStore
	qs.mu.Lock()
	defer qs.mu.Unlock()
	qs.expireLocked(s.nowMS())
	var all []QueryInfo
	for i := len(qs.order) - 1; i >= 0; i-- {
		q := qs.order[i]
		if in.Status != "" && q.info.Status != in.Status {
			continue
		}
		if in.LogGroupName != "" && !slices.Contains(q.groups, in.LogGroupName) {
			continue
		}
		all = append(all, q.info)
	}
	out = &DescribeQueriesOutput{Queries: []QueryInfo{}}
	if offset < len(all) {
		end := min(len(all), offset+limit)
		out.Queries = all[offset:end]
		if end < len(all) {
			out.NextToken = pagetoken.Encode("q:" + strconv.Itoa(end))
		}
	}
	return out, nil
}

// PutQueryDefinition saves a query (name 1-255 characters, query string
// 1-10,000) or, given QueryDefinitionID, replaces a saved one.
func (s *Service) PutQueryDefinition(ctx context.Context, in PutQueryDefinitionInput) (*PutQueryDefinitionOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutQueryDefinition"}, in, s.putQueryDefinition)
}

func (s *Service) putQueryDefinition(ctx context.Context, c *event.Call, in PutQueryDefinitionInput) (out *PutQueryDefinitionOutput, err error) {
	if n := len([]rune(in.Name)); n < 1 || n > 255 {
		return nil, errConstraint("name", in.Name, "Member must have length between 1 and 255")
	}
	if n := len(in.QueryString); n < 1 || n > MaxQueryStringLength {
		return nil, errConstraint("queryString", "...", "Member must have length between 1 and 10000")
	}
	if in.QueryLanguage != "" && in.QueryLanguage != "CWLI" {
		return nil, errInvalid("Query language %s is not supported by localwatch; only CWLI (Logs Insights) is modelled.", in.QueryLanguage)
	}
	if _, err := insights.Compile(in.QueryString); err != nil {
		return nil, err
	}
	for i, n := range in.LogGroupNames {
		if err := validateGroupName("logGroupNames."+strconv.Itoa(i+1)+".member", n); err != nil {
			return nil, err
		}
	}
	qs := &s.queryStore
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if qs.defs == nil {
		qs.defs = map[string]*QueryDefinition{}
	}
	id := in.QueryDefinitionID
	if id != "" {
		if _, ok := qs.defs[id]; !ok {
			return nil, awserr.New("ResourceNotFoundException", "Query definition does not exist: %s", id)
		}
	} else {
		if len(qs.defs) >= MaxQueryDefinitions {
			return nil, awserr.New("LimitExceededException", "Query definition limit of %d exceeded.", MaxQueryDefinitions)
		}
		id = s.ids.UUID()
	}
	qs.defs[id] = &QueryDefinition{QueryLanguage: "CWLI", QueryDefinitionID: id, Name: in.Name, QueryString: in.QueryString,
		LastModified: s.nowMS(), LogGroupNames: slices.Clone(in.LogGroupNames)}
	return &PutQueryDefinitionOutput{QueryDefinitionID: id}, nil
}

// DescribeQueryDefinitions lists saved queries by name, optionally those
// whose names start with a prefix, MaxResults (1-1000, default 1000) per page.
func (s *Service) DescribeQueryDefinitions(ctx context.Context, in DescribeQueryDefinitionsInput) (*DescribeQueryDefinitionsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeQueryDefinitions", ReadOnly: true}, in, s.describeQueryDefinitions)
}

func (s *Service) describeQueryDefinitions(ctx context.Context, c *event.Call, in DescribeQueryDefinitionsInput) (out *DescribeQueryDefinitionsOutput, err error) {
	limit, err := limitOf("maxResults", in.MaxResults, 1000, 1000)
	if err != nil {
		return nil, err
	}
	offset := 0
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		n, err := strconv.Atoi(strings.TrimPrefix(t, "d:"))
		if !ok || !strings.HasPrefix(t, "d:") || err != nil || n < 0 {
			return nil, errBadToken(in.NextToken)
		}
		offset = n
	}
	qs := &s.queryStore
	qs.mu.Lock()
	defer qs.mu.Unlock()
	var all []QueryDefinition
	for _, d := range qs.defs {
		if strings.HasPrefix(d.Name, in.QueryDefinitionNamePrefix) {
			c := *d
			c.LogGroupNames = slices.Clone(d.LogGroupNames)
			all = append(all, c)
		}
	}
	slices.SortFunc(all, func(a, b QueryDefinition) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.QueryDefinitionID, b.QueryDefinitionID))
	})
	out = &DescribeQueryDefinitionsOutput{QueryDefinitions: []QueryDefinition{}}
	if offset < len(all) {
		end := min(len(all), offset+limit)
		out.QueryDefinitions = all[offset:end]
		if end < len(all) {
			out.NextToken = pagetoken.Encode("d:" + strconv.Itoa(end))
		}
	}
	return out, nil
}

// DeleteQueryDefinition deletes a saved query.
func (s *Service) DeleteQueryDefinition(ctx context.Context, in DeleteQueryDefinitionInput) (*DeleteQueryDefinitionOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteQueryDefinition"}, in, s.deleteQueryDefinition)
}

func (s *Service) deleteQueryDefinition(ctx context.Context, c *event.Call, in DeleteQueryDefinitionInput) (out *DeleteQueryDefinitionOutput, err error) {
	qs := &s.queryStore
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if _, ok := qs.defs[in.QueryDefinitionID]; !ok {
		return nil, awserr.New("ResourceNotFoundException", "Query definition does not exist: %s", in.QueryDefinitionID)
	}
	delete(qs.defs, in.QueryDefinitionID)
	return &DeleteQueryDefinitionOutput{Success: true}, nil
}

// GetLogRecord returns every field of the event an @ptr points at: the system
// fields (@timestamp, @message, @logStream, @log, @ingestionTime) and the
// fields Logs Insights discovers in it.
func (s *Service) GetLogRecord(ctx context.Context, in GetLogRecordInput) (*GetLogRecordOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetLogRecord", ReadOnly: true, Data: true}, in, s.getLogRecord)
}

func (s *Service) getLogRecord(ctx context.Context, c *event.Call, in GetLogRecordInput) (out *GetLogRecordOutput, err error) {
	gname, sname, k, ok := parseRecordPointer(in.LogRecordPointer)
	if !ok {
		return nil, errInvalid("The specified logRecordPointer is invalid: %.64q", in.LogRecordPointer)
	}
	notFound := awserr.New("ResourceNotFoundException", "The log record pointed to does not exist.")
	var cutoff int64
	var msg string
	var ts, ing int64
	err = s.readStreams(func() ([]*stream, error) {
		g, ok := s.groups[gname]
		if !ok || g.streams[sname] == nil {
			return nil, notFound
		}
		cutoff = retentionCutoff(g, s.nowMS())
		return []*stream{g.streams[sname]}, nil
	}, func(sts []*stream) error {
		st := sts[0]
		i := sort.Search(st.n(), func(i int) bool { return !st.keyAt(i).less(k) })
		if i >= st.n() || st.keyAt(i) != k || st.tsAt(i) < cutoff {
			return notFound
		}
		msg, ts, ing = string(st.msg(i)), st.tsAt(i), st.ingAt(i)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rec := map[string]string{
		"@timestamp":     strconv.FormatInt(ts, 10),
		"@message":       msg,
		"@logStream":     sname,
		"@log":           s.account + ":" + gname,
		"@ingestionTime": strconv.FormatInt(ing, 10),
	}
	for _, f := range insights.Fields(msg) {
		if _, dup := rec[f.Name]; !dup {
			rec[f.Name] = f.Value
		}
	}
	return &GetLogRecordOutput{LogRecord: rec}, nil
}

// GetLogGroupFields lists the fields of a log group's events in the 15
// minutes before Time (epoch seconds, default now) with the percentage of
// events that have each, most common first: the system fields and the fields
// Logs Insights discovers.
func (s *Service) GetLogGroupFields(ctx context.Context, in GetLogGroupFieldsInput) (*GetLogGroupFieldsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetLogGroupFields", ReadOnly: true}, in, s.getLogGroupFields)
}

func (s *Service) getLogGroupFields(ctx context.Context, c *event.Call, in GetLogGroupFieldsInput) (out *GetLogGroupFieldsOutput, err error) {
	end := s.nowMS()
	if in.Time != nil {
		if *in.Time < 0 || *in.Time > maxEpochSeconds {
			return nil, errInvalid("The time %d is not valid epoch seconds.", *in.Time)
		}
		end = *in.Time*1000 + 999
	}
	start := end - (15 * time.Minute).Milliseconds()
	var cutoff int64
	counts := map[string]int{}
	total := 0
	err = s.readStreams(func() ([]*stream, error) {
		g, err := s.resolveGroupLocked(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		cutoff = retentionCutoff(g, s.nowMS())
		sts := make([]*stream, 0, len(g.streamNames))
		for _, sn := range g.streamNames {
			sts = append(sts, g.streams[sn])
		}
		return sts, nil
	}, func(sts []*stream) error {
		seen := map[string]bool{}
		for _, st := range sts {
			a, b := st.window(&start, &end, true, cutoff)
			for i := a; i < b; i++ {
				total++
				clear(seen)
				for _, f := range insights.Fields(string(st.msg(i))) {
					if !seen[f.Name] {
						seen[f.Name] = true
						counts[f.Name]++
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out = &GetLogGroupFieldsOutput{LogGroupFields: []LogGroupField{}}
	if total == 0 {
		return out, nil
	}
	for _, n := range []string{"@timestamp", "@message", "@logStream", "@log", "@ingestionTime"} {
		counts[n] = total
	}
	for n, c := range counts {
		out.LogGroupFields = append(out.LogGroupFields, LogGroupField{Name: n, Percent: int32(c * 100 / total)})
	}
	slices.SortFunc(out.LogGroupFields, func(a, b LogGroupField) int {
		return cmp.Or(cmp.Compare(b.Percent, a.Percent), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}

// queryTimerName names a scheduled query's timer.
func queryTimerName(id string) string { return "logs query " + id }
