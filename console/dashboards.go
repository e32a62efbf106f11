package console

import (
	"encoding/json"
	"html/template"
	"strings"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/dashboards"
)

// widgetBox is one widget placed on the dashboard's 24-column grid.
type widgetBox struct {
	Type                string
	X, Y, Width, Height int
	Title, Text, Error  string
	Graph               template.HTML
	Alarms              []alarmRow
}

// Style is the widget's grid placement (CSS), as CloudWatch lays it out.
func (w widgetBox) Style() template.CSS {
	return template.CSS("grid-column:" + itoa(w.X+1) + " / span " + itoa(w.Width) + ";grid-row:" + itoa(w.Y+1) + " / span " + itoa(w.Height))
}

func (q *request) dashboards(rest []string) error {
	if len(rest) > 0 && rest[0] != "" {
		return q.dashboard(rest[0])
	}
	var entries []dashboards.DashboardEntry
	in := dashboards.ListDashboardsInput{}
	for {
		out, err := q.stack.Dashboards.ListDashboards(q.ctx, in)
		if err != nil {
			return err
		}
		entries = append(entries, out.DashboardEntries...)
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	p := q.page("dashboards", "Dashboards")
	p.Data = map[string]any{"Dashboards": entries}
	return q.render("dashboards", p)
}

func (q *request) dashboard(name string) error {
	d, err := q.stack.Dashboards.GetDashboard(q.ctx, dashboards.GetDashboardInput{DashboardName: name})
	if err != nil {
		return notFound("There is no dashboard named %q in %s.", name, q.region)
	}
	var body struct {
		Start, End     string
		PeriodOverride string `json:"periodOverride"`
		Widgets        []struct {
			Type                string
			X, Y, Width, Height *int
			Properties          map[string]any
		}
	}
	if err := json.Unmarshal([]byte(d.DashboardBody), &body); err != nil {
		return badRequest("The dashboard body is not valid JSON: %v", err)
	}
	var boxes []widgetBox
	nextY := 0
	for _, w := range body.Widgets {
		b := widgetBox{Type: w.Type, Width: 6, Height: 6}
		if w.Width != nil {
			b.Width = min(max(*w.Width, 1), 24)
		}
		if w.Height != nil {
			b.Height = min(max(*w.Height, 1), 1000)
		}
		if w.X != nil {
			b.X = min(max(*w.X, 0), 24-b.Width)
		}
		if w.Y != nil {
			b.Y = max(*w.Y, 0)
		} else {
			b.Y = nextY
		}
		nextY = max(nextY, b.Y+b.Height)
		props := w.Properties
		if props == nil {
			props = map[string]any{}
		}
		b.Title, _ = props["title"].(string)
		switch w.Type {
		case "metric":
			// The dashboard's time range applies to widgets that have none.
			if _, ok := props["start"]; !ok && body.Start != "" {
				props["start"] = body.Start
				if body.End != "" {
					props["end"] = body.End
				}
			}
			// Drawn at about the size the grid gives the widget at 1280 x 800, so
			// the SVG fills its box; it scales with the page from there.
			props["width"], props["height"] = b.Width*43-20, b.Height*46-24
			if _, ok := props["region"]; !ok {
				props["region"] = q.region
			}
			js, _ := json.Marshal(props)
			svg, err := q.stack.Dashboards.MetricWidgetSVG(q.ctx, string(js))
			if err != nil {
				b.Error = err.Error()
				break
			}
			b.Graph, _ = inlineSVG(svg)
		case "text":
			b.Text, _ = props["markdown"].(string)
		case "alarm":
			var names []string
			if as, ok := props["alarms"].([]any); ok {
				for _, a := range as {
					if s, ok := a.(string); ok {
						names = append(names, s[strings.LastIndex(s, ":")+1:])
					}
				}
			}
			if len(names) > 0 {
				out, err := q.describeAll(alarms.DescribeAlarmsInput{AlarmNames: names})
				if err == nil {
					for _, a := range out.MetricAlarms {
						b.Alarms = append(b.Alarms, alarmRow{Name: a.AlarmName, State: string(a.StateValue)})
					}
					for _, a := range out.CompositeAlarms {
						b.Alarms = append(b.Alarms, alarmRow{Name: a.AlarmName, State: string(a.StateValue)})
					}
				}
			}
		default:
			b.Error = "The console does not draw " + w.Type + " widgets yet."
		}
		boxes = append(boxes, b)
	}
	p := q.page("dashboards", name, crumb{"Dashboards", ""})
	p.Crumbs[0].Href = p.Link("dashboards")
	p.Refresh = int(q.c.opts.RefreshInterval / 1e9)
	p.Data = map[string]any{"Widgets": boxes, "Body": prettyJSON(d.DashboardBody), "Rows": nextY}
	return q.render("dashboard", p)
}
