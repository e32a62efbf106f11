package dashboards

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/graph"
	"github.com/localwatch/localwatch/metrics"
)

// MetricWidget is a metric widget's properties (GetMetricWidgetImage's
// MetricWidget, and a dashboard's "metric" widget), as the CloudWatch API
// reference's "Metric Widget Structure and Syntax" describes them.
type MetricWidget struct {
	Metrics     [][]json.RawMessage `json:"metrics"`
	View        string              `json:"view"`
	Stacked     bool                `json:"stacked"`
	Stat        string              `json:"stat"`
	Period      *json.Number        `json:"period"`
	Region      string              `json:"region"`
	Title       string              `json:"title"`
	Width       *json.Number        `json:"width"`
	Height      *json.Number        `json:"height"`
	Start       string              `json:"start"`
	End         string              `json:"end"`
	Timezone    string              `json:"timezone"`
	LiveData    bool                `json:"liveData"`
	Annotations *Annotations        `json:"annotations"`
	YAxis       *YAxes              `json:"yAxis"`
	Legend      *struct {
		Position string `json:"position"`
	} `json:"legend"`
	SetPeriodToTimeRange bool `json:"setPeriodToTimeRange"`
	Sparkline            bool `json:"sparkline"`
}

// Annotations are a widget's horizontal and vertical annotations.
type Annotations struct {
	Horizontal []Annotation `json:"horizontal"`
	Vertical   []Annotation `json:"vertical"`
	Alarms     []string     `json:"alarms"`
}

// Annotation is one annotation; Value is a number (horizontal) or an ISO 8601
// time (vertical). A two-element array in the JSON makes a band.
type Annotation struct {
	Value   json.RawMessage `json:"value"`
	Value2  json.RawMessage `json:"-"`
	Label   string          `json:"label"`
	Color   string          `json:"color"`
	Fill    string          `json:"fill"`
	Visible *bool           `json:"visible"`
	YAxis   string          `json:"yAxis"`
}

// UnmarshalJSON reads an annotation or a band (a two-element array).
func (a *Annotation) UnmarshalJSON(b []byte) error {
	type plain Annotation
	var arr []plain
	if err := json.Unmarshal(b, &arr); err == nil {
		if len(arr) != 2 {
			return fmt.Errorf("a band annotation has two elements, not %d", len(arr))
		}
		*a = Annotation(arr[0])
		a.Value2 = arr[1].Value
		return nil
	}
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*a = Annotation(p)
	return nil
}

// YAxes are the left and right y axes' settings.
type YAxes struct {
	Left  *YAxis `json:"left"`
	Right *YAxis `json:"right"`
}

// YAxis is one y axis' range and label.
type YAxis struct {
	Min       *float64 `json:"min"`
	Max       *float64 `json:"max"`
	Label     string   `json:"label"`
	ShowUnits *bool    `json:"showUnits"`
}

// renderOptions are a metric row's options object.
type renderOptions struct {
	ID         string       `json:"id"`
	Expression string       `json:"expression"`
	Label      string       `json:"label"`
	Color      string       `json:"color"`
	Stat       string       `json:"stat"`
	Period     *json.Number `json:"period"`
	Visible    *bool        `json:"visible"`
	YAxis      string       `json:"yAxis"`
	Region     string       `json:"region"`
	AccountID  string       `json:"accountId"`
}

// metricRow is one entry of "metrics": a metric (namespace, name and dimension
// pairs, "." repeating the previous row's value at that place) or an
// expression, with its options.
type metricRow struct {
	strings []string
	opts    renderOptions
}

// parseMetrics reads the metrics array, expanding "." and checking each row's
// shape; errors name the row's JSON path.
func parseMetrics(rows [][]json.RawMessage, path string) ([]metricRow, []ValidationMessage) {
	var out []metricRow
	var msgs []ValidationMessage
	var prev []string
	for i, raw := range rows {
		p := fmt.Sprintf("%s/%d", path, i)
		var r metricRow
		for j, item := range raw {
			var s string
			if err := json.Unmarshal(item, &s); err == nil {
				r.strings = append(r.strings, s)
				continue
			}
			if j != len(raw)-1 {
				msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/%d", p, j), Message: "Should be string"})
				continue
			}
			dec := json.NewDecoder(strings.NewReader(string(item)))
			dec.UseNumber()
			if err := dec.Decode(&r.opts); err != nil {
				msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/%d", p, j), Message: "Should be object"})
			}
		}
		if len(raw) == 0 {
			msgs = append(msgs, ValidationMessage{DataPath: p, Message: "Should NOT have fewer than 1 items"})
			continue
		}
		if r.opts.Expression != "" {
			if len(r.strings) > 0 {
				msgs = append(msgs, ValidationMessage{DataPath: p, Message: "An expression row has only its options object"})
			}
			out = append(out, r)
			continue
		}
		if len(r.strings) < 2 {
			msgs = append(msgs, ValidationMessage{DataPath: p, Message: "Should NOT have fewer than 2 items"})
			continue
		}
		if len(r.strings)%2 != 0 {
			msgs = append(msgs, ValidationMessage{DataPath: p, Message: "A metric row is a namespace, a metric name and dimension name/value pairs"})
			continue
		}
		for j, s := range r.strings {
			if s == "." {
				if j >= len(prev) {
					msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/%d", p, j), Message: `"." refers to a value the previous metric does not have`})
					continue
				}
				r.strings[j] = prev[j]
			}
		}
		prev = r.strings
		out = append(out, r)
	}
	return out, msgs
}

// ISO 8601 durations as widgets give relative times: -PT3H, -P7D, -PT15M.
var durationRE = regexp.MustCompile(`^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// parseTime reads a widget's start or end: an ISO 8601 time or a duration
// relative to now (negative into the past; "P0D" is now).
func parseTime(s string, now time.Time) (time.Time, error) {
	if m := durationRE.FindStringSubmatch(s); m != nil && s != "P" && s != "-P" && !strings.HasSuffix(s, "T") {
		var d time.Duration
		units := []time.Duration{365 * 24 * time.Hour, 30 * 24 * time.Hour, 7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute}
		for i, u := range units {
			if m[i+2] != "" {
				n, _ := strconv.Atoi(m[i+2])
				if n > 1e6 {
					return time.Time{}, fmt.Errorf("duration %q is too long", s)
				}
				d += time.Duration(n) * u
			}
		}
		if m[8] != "" {
			f, _ := strconv.ParseFloat(m[8], 64)
			if f > 1e9 {
				return time.Time{}, fmt.Errorf("duration %q is too long", s)
			}
			d += time.Duration(f * float64(time.Second))
		}
		if m[1] == "-" {
			d = -d
		}
		return now.Add(d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05Z", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither an ISO 8601 time nor a duration such as -PT3H", s)
}

// parseTimezone reads "+0130" / "-0500" / "UTC" / "Local" as a location.
func parseTimezone(s string) (*time.Location, error) {
	switch s {
	case "", "UTC", "Z", "Local":
		return time.UTC, nil
	}
	if len(s) == 5 && (s[0] == '+' || s[0] == '-') {
		h, err1 := strconv.Atoi(s[1:3])
		m, err2 := strconv.Atoi(s[3:5])
		if err1 == nil && err2 == nil && h <= 14 && m < 60 {
			off := h*3600 + m*60
			if s[0] == '-' {
				off = -off
			}
			return time.FixedZone(s, off), nil
		}
	}
	return nil, fmt.Errorf("timezone %q is not of the form +HHMM or -HHMM", s)
}

// intOf reads a JSON number that must be a whole number in [lo, hi].
func intOf(n *json.Number, def, lo, hi int) (int, error) {
	if n == nil {
		return def, nil
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, fmt.Errorf("%s is not a whole number from %d to %d", n.String(), lo, hi)
	}
	return int(f), nil
}

// query is a widget turned into what GetMetricData needs and how to draw it.
type query struct {
	in      metrics.GetMetricDataInput
	visible map[string]renderOptions // query ID -> its options, for drawn queries
	order   []string                 // query IDs in widget order
	opts    graph.Options
}

// buildQuery turns a widget into a GetMetricData request and graph options,
// with now as the reference of relative times.
func buildQuery(w *MetricWidget, now time.Time, path string) (*query, []ValidationMessage) {
	rows, msgs := parseMetrics(w.Metrics, path+"/metrics")
	q := &query{visible: map[string]renderOptions{}}
	width, err := intOf(w.Width, 600, 1, graph.MaxPixels)
	if err != nil {
		msgs = append(msgs, ValidationMessage{DataPath: path + "/width", Message: err.Error()})
	}
	height, err := intOf(w.Height, 400, 1, graph.MaxPixels)
	if err != nil {
		msgs = append(msgs, ValidationMessage{DataPath: path + "/height", Message: err.Error()})
	}
	period, err := intOf(w.Period, 300, 1, 31536000)
	if err != nil {
		msgs = append(msgs, ValidationMessage{DataPath: path + "/period", Message: err.Error()})
	}
	start, end := now.Add(-3*time.Hour), now
	if w.Start != "" {
		if start, err = parseTime(w.Start, now); err != nil {
			msgs = append(msgs, ValidationMessage{DataPath: path + "/start", Message: err.Error()})
		}
	}
	if w.End != "" {
		if end, err = parseTime(w.End, now); err != nil {
			msgs = append(msgs, ValidationMessage{DataPath: path + "/end", Message: err.Error()})
		}
	}
	if !end.After(start) && len(msgs) == 0 {
		msgs = append(msgs, ValidationMessage{DataPath: path + "/end", Message: "The end time must be after the start time"})
	}
	loc, err := parseTimezone(w.Timezone)
	if err != nil {
		msgs = append(msgs, ValidationMessage{DataPath: path + "/timezone", Message: err.Error()})
	}
	switch w.View {
	case "", "timeSeries", "singleValue", "gauge", "bar", "pie":
	default:
		msgs = append(msgs, ValidationMessage{DataPath: path + "/view", Message: "Should be equal to one of the allowed values: timeSeries, singleValue, gauge, bar, pie"})
	}
	stat := w.Stat
	if stat == "" {
		stat = "Average"
	}
	if w.SetPeriodToTimeRange && end.After(start) {
		period = int(end.Sub(start).Seconds())
		period = max(60, (period+59)/60*60)
	}
	// Rows of the same metric name need telling apart: without a label of
	// their own they are labelled "<name> <dimension values>" (CloudWatch's
	// console shows the dimension values for such rows; its exact default
	// text is not documented).
	nameCount := map[string]int{}
	for _, r := range rows {
		if r.opts.Expression == "" && len(r.strings) >= 2 {
			nameCount[r.strings[1]]++
		}
	}
	for i, r := range rows {
		if r.opts.Label == "" && r.opts.Expression == "" && len(r.strings) > 2 && nameCount[r.strings[1]] > 1 {
			var vals []string
			for k := 3; k < len(r.strings); k += 2 {
				vals = append(vals, r.strings[k])
			}
			r.opts.Label = r.strings[1] + " " + strings.Join(vals, " ")
			rows[i] = r
		}
		id := r.opts.ID
		if id == "" {
			id = fmt.Sprintf("m%d", i+1)
			if r.opts.Expression != "" {
				id = fmt.Sprintf("e%d", i+1)
			}
		}
		ret := r.opts.Visible == nil || *r.opts.Visible
		mq := metrics.MetricDataQuery{Id: id, Label: r.opts.Label, ReturnData: &ret}
		if r.opts.Expression != "" {
			mq.Expression = r.opts.Expression
			if period != 0 {
				mq.Period = metrics.Int32(int32(period))
			}
		} else {
			p, err := intOf(r.opts.Period, period, 1, 31536000)
			if err != nil {
				msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/metrics/%d", path, i), Message: "period " + err.Error()})
			}
			st := stat
			if r.opts.Stat != "" {
				st = r.opts.Stat
			}
			m := metrics.Metric{Namespace: r.strings[0], MetricName: r.strings[1]}
			for k := 2; k+1 < len(r.strings); k += 2 {
				m.Dimensions = append(m.Dimensions, metrics.Dimension{Name: r.strings[k], Value: r.strings[k+1]})
			}
			mq.MetricStat = &metrics.MetricStat{Metric: m, Period: p, Stat: st}
		}
		if r.opts.Color != "" {
			if _, err := graph.ParseColor(r.opts.Color); err != nil {
				msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/metrics/%d", path, i), Message: err.Error()})
			}
		}
		q.in.MetricDataQueries = append(q.in.MetricDataQueries, mq)
		if ret {
			q.visible[id] = r.opts
			q.order = append(q.order, id)
		}
	}
	q.in.StartTime, q.in.EndTime = start, end
	q.in.ScanBy = metrics.ScanByTimestampAscending
	q.opts = graph.Options{Width: width, Height: height, Title: w.Title, View: w.View, Stacked: w.Stacked,
		Start: start, End: end, Location: loc}
	if w.Legend != nil {
		q.opts.Legend = w.Legend.Position
	}
	if w.YAxis != nil {
		if l := w.YAxis.Left; l != nil {
			q.opts.Left = graph.Axis{Min: l.Min, Max: l.Max, Label: l.Label}
		}
		if r := w.YAxis.Right; r != nil {
			q.opts.Right = graph.Axis{Min: r.Min, Max: r.Max, Label: r.Label}
		}
	}
	if w.Annotations != nil {
		for i, a := range w.Annotations.Horizontal {
			if a.Visible != nil && !*a.Visible {
				continue
			}
			var v float64
			if err := json.Unmarshal(a.Value, &v); err != nil {
				msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/annotations/horizontal/%d/value", path, i), Message: "Should be number"})
				continue
			}
			h := graph.HorizontalAnnotation{Value: v, Label: a.Label, Fill: a.Fill, RightAxis: a.YAxis == "right"}
			if a.Value2 != nil {
				var v2 float64
				if err := json.Unmarshal(a.Value2, &v2); err == nil {
					h.Value2 = &v2
				}
			}
			if a.Color != "" {
				c, err := graph.ParseColor(a.Color)
				if err != nil {
					msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/annotations/horizontal/%d/color", path, i), Message: err.Error()})
				} else {
					h.Color = c
				}
			}
			q.opts.Horizontal = append(q.opts.Horizontal, h)
		}
		for i, a := range w.Annotations.Vertical {
			if a.Visible != nil && !*a.Visible {
				continue
			}
			var s string
			if err := json.Unmarshal(a.Value, &s); err != nil {
				msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/annotations/vertical/%d/value", path, i), Message: "Should be string"})
				continue
			}
			t, err := parseTime(s, now)
			if err != nil {
				msgs = append(msgs, ValidationMessage{DataPath: fmt.Sprintf("%s/annotations/vertical/%d/value", path, i), Message: err.Error()})
				continue
			}
			v := graph.VerticalAnnotation{Time: t, Label: a.Label, Fill: a.Fill}
			if a.Value2 != nil {
				var s2 string
				if json.Unmarshal(a.Value2, &s2) == nil {
					if t2, err := parseTime(s2, now); err == nil {
						v.Time2 = &t2
					}
				}
			}
			if a.Color != "" {
				if c, err := graph.ParseColor(a.Color); err == nil {
					v.Color = c
				}
			}
			q.opts.Vertical = append(q.opts.Vertical, v)
		}
	}
	return q, msgs
}

// series turns GetMetricData's results into what the renderer draws: a result
// per visible query, an anomaly band's two results as one band.
func (q *query) series(out *metrics.GetMetricDataOutput, period time.Duration) []graph.Series {
	byID := map[string][]metrics.MetricDataResult{}
	for _, r := range out.MetricDataResults {
		byID[r.Id] = append(byID[r.Id], r)
	}
	var ss []graph.Series
	for _, id := range q.order {
		res := byID[id]
		o := q.visible[id]
		var col any
		if o.Color != "" {
			if c, err := graph.ParseColor(o.Color); err == nil {
				col = c
			}
		}
		if len(res) == 2 && strings.Contains(strings.ToUpper(o.Expression), "ANOMALY_DETECTION_BAND") {
			lo, hi := res[0], res[1]
			if strings.HasSuffix(lo.Label, "Upper") {
				lo, hi = hi, lo
			}
			s := graph.Series{Label: strings.TrimSuffix(strings.TrimSuffix(lo.Label, " Lower"), "Lower"), Times: lo.Timestamps, Values: lo.Values, Period: period, RightAxis: o.YAxis == "right"}
			if len(hi.Values) == len(lo.Values) {
				s.Band = hi.Values
			}
			if c, ok := col.(interface{ RGBA() (r, g, b, a uint32) }); ok {
				s.Color = c
			}
			ss = append(ss, s)
			continue
		}
		for _, r := range res {
			s := graph.Series{Label: r.Label, Times: r.Timestamps, Values: r.Values, Period: period, RightAxis: o.YAxis == "right"}
			if c, ok := col.(interface{ RGBA() (r, g, b, a uint32) }); ok {
				s.Color = c
			}
			ss = append(ss, s)
		}
	}
	return ss
}
