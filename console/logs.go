package console

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/graph"
	"github.com/localwatch/localwatch/logs"
)

func i32(n int32) *int32 { return &n }

func (q *request) logs(rest []string) error {
	sub := ""
	if len(rest) > 0 {
		sub = rest[0]
	}
	switch sub {
	case "":
		return q.logGroups()
	case "group":
		return q.logGroup()
	case "events":
		return q.logEvents()
	case "tail":
		return q.logTail()
	}
	return notFound("There is no logs page %q.", strings.Join(rest, "/"))
}

func (q *request) logGroups() error {
	var groups []logs.LogGroup
	for g, err := range q.stack.Logs.DescribeLogGroupsAll(q.ctx, logs.DescribeLogGroupsInput{LogGroupNamePrefix: q.q.Get("prefix")}) {
		if err != nil {
			return err
		}
		groups = append(groups, g)
		if len(groups) >= 5000 {
			break
		}
	}
	p := q.page("logs", "Log groups")
	p.Data = map[string]any{"Groups": groups, "Prefix": q.q.Get("prefix")}
	return q.render("loggroups", p)
}

// groupName reads the group parameter and checks that the group exists.
func (q *request) groupName(param string) (*logs.LogGroup, error) {
	name := q.q.Get(param)
	if name == "" {
		return nil, badRequest("Give a log group name (%s).", param)
	}
	out, err := q.stack.Logs.DescribeLogGroups(q.ctx, logs.DescribeLogGroupsInput{LogGroupNamePrefix: name, Limit: i32(50)})
	if err != nil {
		return nil, err
	}
	for _, g := range out.LogGroups {
		if g.LogGroupName == name {
			return &g, nil
		}
	}
	return nil, notFound("There is no log group named %q in %s.", name, q.region)
}

func (q *request) logGroup() error {
	g, err := q.groupName("name")
	if err != nil {
		return err
	}
	var streams []logs.LogStream
	in := logs.DescribeLogStreamsInput{LogGroupName: g.LogGroupName, OrderBy: logs.OrderBy("LastEventTime"), Descending: new(true)}
	for {
		out, err := q.stack.Logs.DescribeLogStreams(q.ctx, in)
		if err != nil {
			return err
		}
		streams = append(streams, out.LogStreams...)
		if out.NextToken == "" || len(streams) >= 2000 {
			break
		}
		in.NextToken = out.NextToken
	}
	mf, err := q.stack.Logs.DescribeMetricFilters(q.ctx, logs.DescribeMetricFiltersInput{LogGroupName: g.LogGroupName})
	if err != nil {
		return err
	}
	sf, err := q.stack.Logs.DescribeSubscriptionFilters(q.ctx, logs.DescribeSubscriptionFiltersInput{LogGroupName: g.LogGroupName})
	if err != nil {
		return err
	}
	p := q.page("logs", g.LogGroupName, crumb{"Log groups", ""})
	p.Crumbs[0].Href = p.Link("logs")
	p.Data = map[string]any{"Group": g, "Streams": streams, "MetricFilters": mf.MetricFilters, "SubscriptionFilters": sf.SubscriptionFilters}
	return q.render("loggroup", p)
}

// eventRow is one log event as the events page and live tail show it.
type eventRow struct {
	ID      string `json:"id"`
	Time    string `json:"time"`
	Stream  string `json:"stream"`
	Message string `json:"message"`
	ms      int64
}

// maxEvents bounds the events one page shows.
const maxEvents = 1000

// filterEvents runs FilterLogEvents from start to end (ms, inclusive) and
// returns up to maxEvents events, newest first (with truncated set when
// there were more).
func (q *request) filterEvents(in logs.FilterLogEventsInput) (rows []eventRow, truncated bool, err error) {
	var all []logs.FilteredLogEvent
	for ev, err := range q.stack.Logs.FilterLogEventsAll(q.ctx, in) {
		if err != nil {
			return nil, false, err
		}
		all = append(all, ev)
		if len(all) > 20*maxEvents { // keep the newest; the scan is bounded
			all = slices.Delete(all, 0, len(all)-maxEvents)
			truncated = true
		}
	}
	if len(all) > maxEvents {
		all = all[len(all)-maxEvents:]
		truncated = true
	}
	for i := len(all) - 1; i >= 0; i-- {
		ev := all[i]
		rows = append(rows, eventRow{ID: ev.EventID, Time: fmtTime(time.UnixMilli(ev.Timestamp)), Stream: ev.LogStreamName, Message: ev.Message, ms: ev.Timestamp})
	}
	return rows, truncated, nil
}

func (q *request) logEvents() error {
	g, err := q.groupName("group")
	if err != nil {
		return err
	}
	start, end, rangeLabel, err := q.parseRange(time.Hour)
	if err != nil {
		return err
	}
	in := logs.FilterLogEventsInput{LogGroupName: g.LogGroupName, FilterPattern: q.q.Get("filter"),
		StartTime: new(start.UnixMilli()), EndTime: new(end.UnixMilli())}
	stream := q.q.Get("stream")
	if stream != "" {
		in.LogStreamNames = []string{stream}
	}
	rows, truncated, err := q.filterEvents(in)
	if err != nil {
		return err
	}
	p := q.page("logs", g.LogGroupName, crumb{"Log groups", ""}, crumb{g.LogGroupName, ""})
	p.Crumbs[0].Href = p.Link("logs")
	p.Crumbs[1].Href = p.Link("logs/group", "name", g.LogGroupName)
	p.Title = "Log events"
	if stream != "" {
		p.Title = stream
	}
	after := end.UnixMilli()
	p.Data = map[string]any{"Group": g.LogGroupName, "Stream": stream, "Filter": q.q.Get("filter"), "Rows": rows, "Truncated": truncated,
		"Range": rangeLabel, "Ranges": ranges, "Start": q.q.Get("start"), "End": q.q.Get("end"), "Max": maxEvents,
		"TailURL": p.Link("logs/tail", "group", g.LogGroupName, "stream", stream, "filter", q.q.Get("filter")), "After": after,
		"Every": max(2, int(q.c.opts.RefreshInterval/time.Second)/5)}
	return q.render("logevents", p)
}

// logTail answers live tail's polls: the events after the "after"
// timestamp (ms), oldest first, as JSON.
func (q *request) logTail() error {
	g, err := q.groupName("group")
	if err != nil {
		return err
	}
	after, err := strconv.ParseInt(q.q.Get("after"), 10, 64)
	if err != nil {
		return badRequest("The after parameter %q is not a timestamp in milliseconds.", q.q.Get("after"))
	}
	in := logs.FilterLogEventsInput{LogGroupName: g.LogGroupName, FilterPattern: q.q.Get("filter"), StartTime: new(after + 1)}
	if s := q.q.Get("stream"); s != "" {
		in.LogStreamNames = []string{s}
	}
	rows, _, err := q.filterEvents(in)
	if err != nil {
		return err
	}
	slices.Reverse(rows)
	for _, r := range rows {
		after = max(after, r.ms)
	}
	if rows == nil {
		rows = []eventRow{}
	}
	return q.writeJSON(map[string]any{"events": rows, "after": after})
}

// insights serves the Logs Insights page: GET shows the query box (and a
// query's results with ?id=), POST starts a query and redirects to it.
func (q *request) insights(rest []string) error {
	if len(rest) > 0 && rest[0] != "" {
		return notFound("There is no Insights page %q.", strings.Join(rest, "/"))
	}
	if q.r.Method == http.MethodPost {
		return q.startQuery()
	}
	var groups []string
	for g, err := range q.stack.Logs.DescribeLogGroupsAll(q.ctx, logs.DescribeLogGroupsInput{}) {
		if err != nil {
			return err
		}
		groups = append(groups, g.LogGroupName)
		if len(groups) >= 1000 {
			break
		}
	}
	p := q.page("insights", "Logs Insights")
	data := map[string]any{"Groups": groups, "Ranges": ranges, "Range": "1h", "Selected": map[string]bool{},
		"Query": "fields @timestamp, @message, @logStream\n| sort @timestamp desc\n| limit 100"}
	if len(groups) > 0 {
		data["Selected"] = map[string]bool{groups[0]: true}
	}
	if id := q.q.Get("id"); id != "" {
		res, err := q.stack.Logs.GetQueryResults(q.ctx, logs.GetQueryResultsInput{QueryID: id})
		if err != nil {
			return notFound("There is no query %q in %s (%v).", id, q.region, err)
		}
		var cols []string
		seen := map[string]bool{}
		for _, row := range res.Results {
			for _, f := range row {
				if f.Field != "@ptr" && !seen[f.Field] {
					seen[f.Field] = true
					cols = append(cols, f.Field)
				}
			}
		}
		var table [][]string
		for _, row := range res.Results {
			vals := make([]string, len(cols))
			for _, f := range row {
				if i := slices.Index(cols, f.Field); i >= 0 {
					vals[i] = f.Value
				}
			}
			table = append(table, vals)
		}
		data["Result"] = res
		data["Columns"] = cols
		if svg := binGraph(cols, table); svg != "" {
			data["Graph"] = svg
		}
		data["Table"] = table
		data["ID"] = id
		if res.Status == logs.QueryScheduled || res.Status == logs.QueryRunning {
			p.Poll = 2
		}
		if qs, err := q.stack.Logs.DescribeQueries(q.ctx, logs.DescribeQueriesInput{MaxResults: i32(100)}); err == nil {
			for _, qi := range qs.Queries {
				if qi.QueryID == id {
					data["Query"] = qi.QueryString
					data["Selected"] = map[string]bool{qi.LogGroupName: true}
				}
			}
		}
	}
	if qs, err := q.stack.Logs.DescribeQueries(q.ctx, logs.DescribeQueriesInput{MaxResults: i32(20)}); err == nil {
		data["Recent"] = qs.Queries
	}
	p.Data = data
	return q.render("insights", p)
}

func (q *request) startQuery() error {
	if err := q.r.ParseForm(); err != nil {
		return badRequest("The form could not be read: %v", err)
	}
	if err := sameOrigin(q.r); err != nil {
		return err
	}
	f := q.r.PostForm
	groups := f["group"]
	if len(groups) == 0 {
		return badRequest("Select at least one log group to query.")
	}
	d, err := parseDuration(f.Get("range"))
	if err != nil {
		return err
	}
	now := q.c.acct.Clock.Now()
	out, err := q.stack.Logs.StartQuery(q.ctx, logs.StartQueryInput{LogGroupNames: groups, QueryString: f.Get("query"),
		StartTime: now.Add(-d).Unix(), EndTime: now.Unix()})
	if err != nil {
		return err
	}
	p := q.page("insights", "")
	http.Redirect(q.w, q.r, p.Link("insights", "id", out.QueryID), http.StatusSeeOther)
	return nil
}

// binGraph draws the results of a "stats ... by bin(period)" query as the
// Logs Insights console does: one line per numeric column over the bin
// times. It returns "" when the results have no time column or no numbers.
func binGraph(cols []string, table [][]string) template.HTML {
	tcol := -1
	for i, c := range cols {
		if strings.HasPrefix(c, "bin(") {
			tcol = i
		}
	}
	if tcol < 0 || len(table) < 2 {
		return ""
	}
	times := make([]time.Time, len(table))
	for r, row := range table {
		t, err := time.Parse("2006-01-02 15:04:05.000", row[tcol])
		if err != nil {
			return ""
		}
		times[r] = t
	}
	order := make([]int, len(table))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return times[a].Compare(times[b]) })
	var series []graph.Series
	for c, name := range cols {
		if c == tcol {
			continue
		}
		s := graph.Series{Label: name}
		for _, r := range order {
			v, err := strconv.ParseFloat(table[r][c], 64)
			if err != nil {
				s.Times = nil
				break
			}
			s.Times = append(s.Times, times[r])
			s.Values = append(s.Values, v)
		}
		if len(s.Times) > 0 {
			series = append(series, s)
		}
	}
	if len(series) == 0 {
		return ""
	}
	svg, err := drawSVG(series, graph.Options{Height: 260})
	if err != nil {
		return ""
	}
	return svg
}
