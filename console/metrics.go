package console

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/graph"
	"github.com/localwatch/localwatch/metrics"
)

// metricParams are a metric's query parameters on the metrics pages.
func metricParams(m metrics.Metric) []string {
	kv := []string{"ns", m.Namespace, "name", m.MetricName}
	for _, d := range m.Dimensions {
		kv = append(kv, "dim", d.Name+"="+d.Value)
	}
	return kv
}

// maxMetricRows bounds the metrics a namespace page lists.
const maxMetricRows = 1000

// metricRow is one metric of a namespace.
type metricRow struct {
	Name, Dims, Link string
	JSON             string // the metric as the graph's m parameter
}

// nsRow is one namespace and its number of metrics.
type nsRow struct {
	Namespace string
	Metrics   int
}

func (q *request) metrics(rest []string) error {
	if len(rest) > 0 && rest[0] == "graph" {
		return q.metricGraph()
	}
	if len(rest) > 0 && rest[0] != "" {
		return notFound("There is no metrics page %q.", strings.Join(rest, "/"))
	}
	ns := q.q.Get("ns")
	p := q.page("metrics", "Metrics")
	if ns == "" {
		counts := map[string]int{}
		for m, err := range q.stack.Metrics.ListMetricsAll(q.ctx, metrics.ListMetricsInput{}) {
			if err != nil {
				return err
			}
			counts[m.Namespace]++
		}
		var rows []nsRow
		for _, n := range sortedKeys(counts) {
			rows = append(rows, nsRow{n, counts[n]})
		}
		p.Data = map[string]any{"Namespaces": rows}
		return q.render("metrics", p)
	}
	p.Title = ns
	p.Crumbs = []crumb{{"Metrics", p.Link("metrics")}}
	// A namespace can hold tens of thousands of metrics: the page shows the
	// first maxMetricRows (by name) of those matching the search text.
	search := strings.ToLower(q.q.Get("q"))
	var all []metrics.Metric
	total := 0
	for m, err := range q.stack.Metrics.ListMetricsAll(q.ctx, metrics.ListMetricsInput{Namespace: ns, MetricName: q.q.Get("name")}) {
		if err != nil {
			return err
		}
		total++
		if search != "" && !strings.Contains(strings.ToLower(m.MetricName+" "+dimString(m.Dimensions)), search) {
			continue
		}
		all = append(all, m)
	}
	if total == 0 {
		return notFound("The namespace %q has no metrics in %s.", ns, q.region)
	}
	slices.SortFunc(all, func(a, b metrics.Metric) int {
		if c := strings.Compare(a.MetricName, b.MetricName); c != 0 {
			return c
		}
		return strings.Compare(dimString(a.Dimensions), dimString(b.Dimensions))
	})
	matched := len(all)
	all = all[:min(len(all), maxMetricRows)]
	rows := make([]metricRow, len(all))
	for i, m := range all {
		rows[i] = metricRow{Name: m.MetricName, Dims: dimString(m.Dimensions), Link: p.Link("metrics/graph", metricParams(m)...), JSON: metricJSON(m)}
	}
	p.Data = map[string]any{"Namespace": ns, "Metrics": rows, "Total": total, "Matched": matched, "Search": q.q.Get("q"), "Max": maxMetricRows}
	return q.render("metrics", p)
}

func dimString(ds []metrics.Dimension) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Name+"="+d.Value)
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// stats are the statistics the graph page offers.
var stats = []string{"Average", "Sum", "Minimum", "Maximum", "SampleCount", "p50", "p90", "p99"}

// periods are the periods the graph page offers, in seconds.
var periods = []int{60, 300, 900, 3600, 21600, 86400}

// datapoint is one row of the datapoints table.
type datapoint struct {
	Time         time.Time
	Value, Label string
}

// maxGraphMetrics bounds the metrics one graph shows.
const maxGraphMetrics = 10

// graphMetrics reads the metrics of a graph: one from ns, name and dim, and
// any number (up to maxGraphMetrics in all) as m, each a metric's JSON
// ({"Namespace":..., "MetricName":..., "Dimensions":[...]}).
func (q *request) graphMetrics() ([]metrics.Metric, error) {
	var ms []metrics.Metric
	if ns, name := q.q.Get("ns"), q.q.Get("name"); ns != "" || name != "" {
		if ns == "" || name == "" {
			return nil, badRequest("A metric needs both a namespace (ns) and a name (name).")
		}
		m := metrics.Metric{Namespace: ns, MetricName: name}
		for _, d := range q.q["dim"] {
			k, v, ok := strings.Cut(d, "=")
			if !ok || k == "" {
				return nil, badRequest("The dimension %q is not Name=Value.", d)
			}
			m.Dimensions = append(m.Dimensions, metrics.Dimension{Name: k, Value: v})
		}
		ms = append(ms, m)
	}
	for _, js := range q.q["m"] {
		var m metrics.Metric
		if err := json.Unmarshal([]byte(js), &m); err != nil || m.Namespace == "" || m.MetricName == "" {
			return nil, badRequest("The metric %q is not a metric's JSON with a Namespace and a MetricName.", js)
		}
		if !slices.ContainsFunc(ms, func(o metrics.Metric) bool {
			return o.Namespace == m.Namespace && o.MetricName == m.MetricName && dimString(o.Dimensions) == dimString(m.Dimensions)
		}) {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return nil, badRequest("A metric graph needs a metric: a namespace (ns) and a metric name (name), or metrics (m).")
	}
	if len(ms) > maxGraphMetrics {
		return nil, badRequest("A graph shows at most %d metrics; %d were given.", maxGraphMetrics, len(ms))
	}
	return ms, nil
}

// metricJSON is a metric's JSON, as the m parameter carries it.
func metricJSON(m metrics.Metric) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// metricLabel names a metric in legends: its name and dimension values.
func metricLabel(m metrics.Metric) string {
	var vals []string
	for _, d := range m.Dimensions {
		vals = append(vals, d.Value)
	}
	if len(vals) == 0 {
		return m.MetricName
	}
	return m.MetricName + " (" + strings.Join(vals, ", ") + ")"
}

func (q *request) metricGraph() error {
	ms, err := q.graphMetrics()
	if err != nil {
		return err
	}
	stat := q.q.Get("stat")
	if stat == "" {
		stat = "Average"
	}
	period := 300
	if s := q.q.Get("period"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || (n < 60 && 60%n != 0) || (n >= 60 && n%60 != 0) {
			return badRequest("The period %q is not a valid period: give seconds, 1, 5, 10, 30 or a multiple of 60.", s)
		}
		period = n
	}
	start, end, rangeLabel, err := q.parseRange(3 * time.Hour)
	if err != nil {
		return err
	}
	// Keep the datapoints under GetMetricData's 100,800 per call.
	if n := end.Sub(start) / (time.Duration(period) * time.Second); n > 1440 {
		return badRequest("The range %s at a period of %ds is %d datapoints; choose a longer period (at most 1,440 datapoints).", fmtDuration(end.Sub(start)), period, n)
	}
	expr := strings.TrimSpace(q.q.Get("expr"))
	var queries []metrics.MetricDataQuery
	for i, m := range ms {
		queries = append(queries, metrics.MetricDataQuery{Id: "m" + itoa(i+1), Label: metricLabel(m), MetricStat: &metrics.MetricStat{Metric: m, Period: period, Stat: stat}})
	}
	if expr != "" {
		queries = append(queries, metrics.MetricDataQuery{Id: "e1", Label: expr, Expression: expr})
	}
	res, err := q.stack.Metrics.GetMetricData(q.ctx, metrics.GetMetricDataInput{MetricDataQueries: queries, StartTime: start, EndTime: end})
	if err != nil {
		return err
	}
	var series []graph.Series
	var rows []datapoint
	for _, r := range res.MetricDataResults {
		s := toSeries(r, time.Duration(period)*time.Second)
		series = append(series, s)
		for i := len(s.Times) - 1; i >= 0; i-- {
			rows = append(rows, datapoint{Time: s.Times[i], Value: strconv.FormatFloat(s.Values[i], 'g', -1, 64), Label: s.Label})
		}
	}
	slices.SortStableFunc(rows, func(a, b datapoint) int { return b.Time.Compare(a.Time) })
	svg, gerr := drawSVG(series, graph.Options{Start: start, End: end, Left: graph.Axis{Label: stat}})
	m := ms[0]
	p := q.page("metrics", m.MetricName, crumb{"Metrics", ""}, crumb{m.Namespace, ""})
	p.Crumbs[0].Href = p.Link("metrics")
	p.Crumbs[1].Href = p.Link("metrics", "ns", m.Namespace)
	var mjs []string
	for _, m := range ms {
		mjs = append(mjs, metricJSON(m))
	}
	data := map[string]any{
		"Metrics": ms, "MetricJSON": mjs, "Stat": stat, "Stats": stats, "Period": period, "Periods": periods,
		"Range": rangeLabel, "Ranges": ranges, "Start": q.q.Get("start"), "End": q.q.Get("end"), "Expr": expr,
		"Graph": svg, "Rows": rows, "Title": metricLabel(m),
	}
	if len(ms) > 1 {
		p.Title = itoa(len(ms)) + " metrics"
	}
	if gerr != nil {
		data["GraphError"] = gerr.Error()
	}
	for _, r := range res.MetricDataResults {
		for _, msg := range r.Messages {
			data["GraphError"] = r.Label + ": " + msg.Value
		}
	}
	if len(ms) == 1 {
		if out, err := q.stack.Alarms.DescribeAlarmsForMetric(q.ctx, alarms.DescribeAlarmsForMetricInput{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions}); err == nil {
			data["Alarms"] = out.MetricAlarms
		}
	}
	p.Data = data
	return q.render("metric", p)
}
