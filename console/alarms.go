package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/graph"
	"github.com/localwatch/localwatch/metrics"
)

// alarmRow is one alarm of the alarms list.
type alarmRow struct {
	Name, Type, State, Reason, Conditions string
	Updated                               time.Time
	Actions                               bool
}

// describeAll pages through DescribeAlarms.
func (q *request) describeAll(in alarms.DescribeAlarmsInput) (*alarms.DescribeAlarmsOutput, error) {
	in.MaxRecords = metrics.Int32(100)
	if len(in.AlarmTypes) == 0 {
		in.AlarmTypes = []alarms.AlarmType{alarms.AlarmTypeMetric, alarms.AlarmTypeComposite}
	}
	all := &alarms.DescribeAlarmsOutput{}
	for {
		out, err := q.stack.Alarms.DescribeAlarms(q.ctx, in)
		if err != nil {
			return nil, err
		}
		all.MetricAlarms = append(all.MetricAlarms, out.MetricAlarms...)
		all.CompositeAlarms = append(all.CompositeAlarms, out.CompositeAlarms...)
		if out.NextToken == "" {
			return all, nil
		}
		in.NextToken = out.NextToken
	}
}

func (q *request) alarms(rest []string) error {
	if len(rest) == 2 && rest[1] == "state" && q.r.Method == http.MethodPost {
		return q.setAlarmState(rest[0])
	}
	if len(rest) > 1 {
		return notFound("There is no alarms page %q.", strings.Join(rest, "/"))
	}
	if len(rest) > 0 && rest[0] != "" {
		return q.alarm(rest[0])
	}
	state := alarms.StateValue(q.q.Get("state"))
	switch state {
	case "", alarms.StateOK, alarms.StateAlarm, alarms.StateInsufficientData:
	default:
		return badRequest("The state %q is not OK, ALARM or INSUFFICIENT_DATA.", state)
	}
	out, err := q.describeAll(alarms.DescribeAlarmsInput{StateValue: state, AlarmNamePrefix: q.q.Get("prefix")})
	if err != nil {
		return err
	}
	var rows []alarmRow
	counts := map[string]int{}
	for _, a := range out.MetricAlarms {
		rows = append(rows, alarmRow{Name: a.AlarmName, Type: "Metric", State: string(a.StateValue), Reason: a.StateReason,
			Updated: a.StateUpdatedTimestamp, Actions: a.ActionsEnabled, Conditions: conditions(a)})
	}
	for _, a := range out.CompositeAlarms {
		rows = append(rows, alarmRow{Name: a.AlarmName, Type: "Composite", State: string(a.StateValue), Reason: a.StateReason,
			Updated: a.StateUpdatedTimestamp, Actions: a.ActionsEnabled, Conditions: a.AlarmRule})
	}
	// As the CloudWatch console: alarms in ALARM first, then by last change.
	rank := map[string]int{"ALARM": 0, "INSUFFICIENT_DATA": 1, "OK": 2}
	slices.SortStableFunc(rows, func(a, b alarmRow) int {
		if a.State != b.State {
			return rank[a.State] - rank[b.State]
		}
		return b.Updated.Compare(a.Updated)
	})
	for _, r := range rows {
		counts[r.State]++
	}
	p := q.page("alarms", "Alarms")
	p.Refresh = int(q.c.opts.RefreshInterval / time.Second)
	p.Data = map[string]any{"Rows": rows, "State": string(state), "Prefix": q.q.Get("prefix"), "Counts": counts, "Total": len(rows)}
	return q.render("alarms", p)
}

// conditions says what a metric alarm watches, as the console's Conditions
// column does: "CPUUtilization > 80 for 3 datapoints within 15 minutes".
func conditions(a alarms.MetricAlarm) string {
	op := map[alarms.ComparisonOperator]string{
		alarms.GreaterThanOrEqualToThreshold: ">=", alarms.GreaterThanThreshold: ">",
		alarms.LessThanThreshold: "<", alarms.LessThanOrEqualToThreshold: "<=",
	}[a.ComparisonOperator]
	if op == "" {
		op = string(a.ComparisonOperator)
	}
	name := a.MetricName
	if name == "" {
		name = "expression"
		for _, m := range a.Metrics {
			if m.ReturnData == nil || *m.ReturnData {
				name = m.Id
				if m.Expression != "" {
					name = m.Expression
				} else if m.MetricStat != nil {
					name = m.MetricStat.Metric.MetricName
				}
			}
		}
	}
	th := "band"
	if a.Threshold != nil {
		th = graph.FormatValue(*a.Threshold)
	}
	period := a.Period
	if period == 0 {
		for _, m := range a.Metrics {
			if m.MetricStat != nil {
				period = m.MetricStat.Period
			} else if m.Period != nil {
				period = int(*m.Period)
			}
		}
	}
	dta := a.DatapointsToAlarm
	if dta == 0 {
		dta = a.EvaluationPeriods
	}
	return name + " " + op + " " + th + " for " + itoa(dta) + " of " + itoa(a.EvaluationPeriods) + " datapoints within " +
		fmtDuration(time.Duration(period*a.EvaluationPeriods)*time.Second)
}

// historyRow is one alarm history item, with its HistoryData decoded where
// it is a state update.
type historyRow struct {
	alarms.AlarmHistoryItem
	From, To string
}

// maxHistory bounds the history items an alarm page reads.
const maxHistory = 500

// band is a stretch of time the alarm spent in one state.
type band struct {
	State      string
	Start, End time.Time
}

func (q *request) alarm(name string) error {
	out, err := q.describeAll(alarms.DescribeAlarmsInput{AlarmNames: []string{name}})
	if err != nil {
		return err
	}
	if len(out.MetricAlarms) == 0 && len(out.CompositeAlarms) == 0 {
		return notFound("There is no alarm named %q in %s.", name, q.region)
	}
	start, end, rangeLabel, err := q.parseRange(3 * time.Hour)
	if err != nil {
		return err
	}
	var hist []historyRow
	for it, err := range q.stack.Alarms.DescribeAlarmHistoryAll(q.ctx, alarms.DescribeAlarmHistoryInput{AlarmName: name, AlarmTypes: []alarms.AlarmType{alarms.AlarmTypeMetric, alarms.AlarmTypeComposite}, ScanBy: alarms.ScanByTimestampDescending}) {
		if err != nil {
			return err
		}
		h := historyRow{AlarmHistoryItem: it}
		if it.HistoryItemType == alarms.HistoryStateUpdate {
			var d struct {
				OldState, NewState struct {
					StateValue string `json:"stateValue"`
				}
			}
			if json.Unmarshal([]byte(it.HistoryData), &d) == nil {
				h.From, h.To = d.OldState.StateValue, d.NewState.StateValue
			}
		}
		hist = append(hist, h)
		if len(hist) >= maxHistory {
			break
		}
	}
	data := map[string]any{"History": hist, "Range": rangeLabel, "Ranges": ranges, "Start": start, "End": end, "AllowActions": q.c.opts.AllowActions,
		"States": []alarms.StateValue{alarms.StateAlarm, alarms.StateOK, alarms.StateInsufficientData}}
	p := q.page("alarms", name, crumb{"Alarms", ""})
	p.Crumbs[0].Href = p.Link("alarms")
	p.Refresh = int(q.c.opts.RefreshInterval / time.Second)
	if len(out.CompositeAlarms) > 0 {
		a := out.CompositeAlarms[0]
		data["Composite"] = a
		data["Definition"] = prettyJSON(a)
		data["Actions"] = withOutcomes(actionRows(a.AlarmActions, a.OKActions, a.InsufficientDataActions), hist)
		data["Bands"] = bands(hist, alarms.StateValue(a.StateValue), start, end)
		var kids []alarmRow
		if rule, err := alarms.ParseAlarmRule(a.AlarmRule); err == nil {
			names := rule.Alarms()
			for i, n := range names { // a rule may name an alarm by ARN
				names[i] = n[strings.LastIndex(n, ":")+1:]
			}
			if ks, err := q.describeAll(alarms.DescribeAlarmsInput{AlarmNames: names}); err == nil {
				for _, k := range ks.MetricAlarms {
					kids = append(kids, alarmRow{Name: k.AlarmName, Type: "Metric", State: string(k.StateValue), Reason: k.StateReason, Updated: k.StateUpdatedTimestamp})
				}
				for _, k := range ks.CompositeAlarms {
					kids = append(kids, alarmRow{Name: k.AlarmName, Type: "Composite", State: string(k.StateValue), Reason: k.StateReason, Updated: k.StateUpdatedTimestamp})
				}
			}
		}
		data["Children"] = kids
		data["Rule"] = ruleTokens(a.AlarmRule, kids)
		p.Data = data
		return q.render("alarm", p)
	}
	a := out.MetricAlarms[0]
	data["Alarm"] = a
	data["Conditions"] = conditions(a)
	data["Definition"] = prettyJSON(a)
	data["Actions"] = withOutcomes(actionRows(a.AlarmActions, a.OKActions, a.InsufficientDataActions), hist)
	bs := bands(hist, a.StateValue, start, end)
	data["Bands"] = bs
	if a.MetricName != "" {
		data["MetricLink"] = p.Link("metrics/graph", metricParams(metrics.Metric{Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions})...)
	}
	svg, err := q.alarmGraph(a, bs, start, end)
	if err != nil {
		data["GraphError"] = err.Error()
	}
	data["Graph"] = svg
	p.Data = data
	return q.render("alarm", p)
}

// bands turns the state updates (newest first) into the periods the alarm
// spent in each state between start and end.
func bands(hist []historyRow, current alarms.StateValue, start, end time.Time) []band {
	var ups []historyRow
	for _, h := range hist {
		if h.HistoryItemType == alarms.HistoryStateUpdate && h.To != "" {
			ups = append(ups, h)
		}
	}
	slices.Reverse(ups) // oldest first
	// Nothing is shaded before the alarm existed: its oldest history item
	// (its creation, when the history reaches back that far) bounds the bands.
	if n := len(hist); n > 0 && n < maxHistory && hist[n-1].Timestamp.After(start) {
		start = hist[n-1].Timestamp
	}
	var out []band
	state, from := "", start
	if len(ups) == 0 {
		state = string(current)
	}
	for _, u := range ups {
		if u.Timestamp.After(start) {
			if state == "" {
				state = u.From
			}
			if state != "" && u.Timestamp.After(from) {
				out = append(out, band{State: state, Start: from, End: minTime(u.Timestamp, end)})
			}
			from = u.Timestamp
		}
		state = u.To
		if !u.Timestamp.Before(end) {
			break
		}
	}
	if from.Before(end) && state != "" {
		out = append(out, band{State: state, Start: maxTime(from, start), End: end})
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// alarmGraph draws the alarm's metric (or its metric-math result) over the
// range, with the threshold and the state bands.
func (q *request) alarmGraph(a alarms.MetricAlarm, bs []band, start, end time.Time) (any, error) {
	var queries []metrics.MetricDataQuery
	period := a.Period
	if a.MetricName != "" {
		stat := string(a.Statistic)
		if a.ExtendedStatistic != "" {
			stat = a.ExtendedStatistic
		}
		queries = []metrics.MetricDataQuery{{Id: "m1", Label: a.MetricName, MetricStat: &metrics.MetricStat{
			Metric: metrics.Metric{Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions},
			Period: a.Period, Stat: stat, Unit: a.Unit}}}
	} else {
		queries = a.Metrics
		for _, m := range a.Metrics {
			if m.MetricStat != nil && period == 0 {
				period = m.MetricStat.Period
			}
			if m.Period != nil && period == 0 {
				period = int(*m.Period)
			}
		}
	}
	if period <= 0 {
		period = 60
	}
	res, err := q.stack.Metrics.GetMetricData(q.ctx, metrics.GetMetricDataInput{MetricDataQueries: queries, StartTime: start, EndTime: end})
	if err != nil {
		return nil, err
	}
	var series []graph.Series
	for _, r := range res.MetricDataResults {
		if a.ThresholdMetricId != "" && r.Id == a.ThresholdMetricId {
			continue
		}
		series = append(series, toSeries(r, time.Duration(period)*time.Second))
	}
	opts := graph.Options{Start: start, End: end}
	if a.Threshold != nil {
		opts.Horizontal = append(opts.Horizontal, graph.HorizontalAnnotation{Value: *a.Threshold, Label: "Threshold " + graph.FormatValue(*a.Threshold), Color: colThreshold})
	}
	for _, b := range bs {
		if b.State == "OK" {
			continue // as the CloudWatch console: only the states that need attention are shaded
		}
		e := b.End
		c := colAlarm
		if b.State != string(alarms.StateAlarm) {
			c = colInsufficient
		}
		opts.Vertical = append(opts.Vertical, graph.VerticalAnnotation{Time: b.Start, Time2: &e, Color: c})
	}
	return drawSVG(series, opts)
}

// toSeries turns a GetMetricData result (newest first by default) into a
// graph series, oldest first.
func toSeries(r metrics.MetricDataResult, period time.Duration) graph.Series {
	n := len(r.Timestamps)
	s := graph.Series{Label: r.Label, Times: make([]time.Time, n), Values: make([]float64, n), Period: period}
	for i := range n {
		s.Times[i], s.Values[i] = r.Timestamps[i], r.Values[i]
	}
	if n > 1 && s.Times[0].After(s.Times[n-1]) {
		slices.Reverse(s.Times)
		slices.Reverse(s.Values)
	}
	if s.Label == "" {
		s.Label = r.Id
	}
	return s
}

// actionRow is one alarm action with the state it fires on and the
// outcome of its latest run (from the alarm's Action history items).
type actionRow struct {
	State, Action, Topic string
	Outcome              string // Succeeded or Failed; empty if it never ran
	OutcomeTime          time.Time
	Error                string
}

// withOutcomes fills each action's latest outcome from the history (newest
// first).
func withOutcomes(rows []actionRow, hist []historyRow) []actionRow {
	for i := range rows {
		for _, h := range hist {
			if h.HistoryItemType != alarms.HistoryAction || !strings.HasSuffix(h.HistorySummary, " "+rows[i].Action) {
				continue
			}
			var d struct {
				ActionState string `json:"actionState"`
				Error       string `json:"error"`
			}
			_ = json.Unmarshal([]byte(h.HistoryData), &d)
			rows[i].Outcome, rows[i].OutcomeTime, rows[i].Error = d.ActionState, h.Timestamp, d.Error
			break
		}
	}
	return rows
}

func actionRows(alarm, ok, insufficient []string) []actionRow {
	var out []actionRow
	add := func(state string, as []string) {
		for _, a := range as {
			r := actionRow{State: state, Action: a}
			if strings.HasPrefix(a, "arn:aws:sns:") {
				r.Topic = a
			}
			out = append(out, r)
		}
	}
	add("ALARM", alarm)
	add("OK", ok)
	add("INSUFFICIENT_DATA", insufficient)
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// setAlarmState serves the alarm page's "Set state" form (only with
// Options.AllowActions): SetAlarmState, then back to the alarm's page.
func (q *request) setAlarmState(name string) error {
	if err := sameOrigin(q.r); err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return badRequest("The form could not be read: %v", err)
	}
	// A write, so CloudTrail records it (unlike the console's reads).
	reason := q.r.PostForm.Get("reason")
	if reason == "" {
		reason = "Set from the localwatch console"
	}
	if _, err := q.stack.Alarms.SetAlarmState(q.r.Context(), alarms.SetAlarmStateInput{AlarmName: name,
		StateValue: alarms.StateValue(q.r.PostForm.Get("state")), StateReason: reason}); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, q.page("alarms", "").Link("alarms/"+url.PathEscape(name)), http.StatusSeeOther)
	return nil
}

// ruleToken is a piece of a composite alarm's rule: text, or a child
// alarm's name with its current state.
type ruleToken struct{ Text, Alarm, State string }

// ruleTokens splits a rule so the page can show each named alarm with its
// state: ALARM("a") OR ALARM("b") -> `ALARM("`, a (OK), `") OR ALARM("`, ...
func ruleTokens(rule string, kids []alarmRow) []ruleToken {
	state := map[string]string{}
	for _, k := range kids {
		state[k.Name] = k.State
	}
	var out []ruleToken
	for rule != "" {
		i := strings.IndexByte(rule, '"')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rule[i+1:], '"')
		if j < 0 {
			break
		}
		name := rule[i+1 : i+1+j]
		short := name[strings.LastIndex(name, ":")+1:]
		out = append(out, ruleToken{Text: rule[:i+1]}, ruleToken{Text: name, Alarm: short, State: state[short]}, ruleToken{Text: `"`})
		rule = rule[i+2+j:]
	}
	if rule != "" {
		out = append(out, ruleToken{Text: rule})
	}
	return out
}
