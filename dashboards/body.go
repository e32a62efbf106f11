package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// validateBody checks a dashboard body against the structure of the
// CloudWatch API reference's "Dashboard Body Structure and Syntax", returning
// every problem with its JSON path.
func validateBody(body string) []ValidationMessage {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return []ValidationMessage{{DataPath: "", Message: "The dashboard body is not valid JSON"}}
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return []ValidationMessage{{DataPath: "", Message: "Should be object"}}
	}
	var msgs []ValidationMessage
	add := func(path, format string, args ...any) {
		msgs = append(msgs, ValidationMessage{DataPath: path, Message: fmt.Sprintf(format, args...)})
	}
	for k := range root {
		switch k {
		case "widgets", "start", "end", "periodOverride", "variables":
		default:
			add("", "Should NOT have additional properties: '%s'", k)
		}
	}
	if s, ok := root["start"]; ok {
		checkTimeProp(s, "/start", add)
	}
	if s, ok := root["end"]; ok {
		checkTimeProp(s, "/end", add)
	}
	if p, ok := root["periodOverride"]; ok {
		if s, _ := p.(string); s != "auto" && s != "inherit" {
			add("/periodOverride", "Should be equal to one of the allowed values: auto, inherit")
		}
	}
	if v, ok := root["variables"]; ok {
		if _, ok := v.([]any); !ok {
			add("/variables", "Should be array")
		}
	}
	w, ok := root["widgets"]
	if !ok {
		add("", "Should have required property 'widgets'")
		return msgs
	}
	widgets, ok := w.([]any)
	if !ok {
		add("/widgets", "Should be array")
		return msgs
	}
	if len(widgets) > MaxWidgets {
		add("/widgets", "Should NOT have more than %d items", MaxWidgets)
	}
	totalMetrics := 0
	for i, raw := range widgets {
		p := fmt.Sprintf("/widgets/%d", i)
		wd, ok := raw.(map[string]any)
		if !ok {
			add(p, "Should be object")
			continue
		}
		typ, _ := wd["type"].(string)
		switch typ {
		case "metric", "text", "alarm", "log", "explorer", "custom":
		case "":
			add(p, "Should have required property 'type'")
		default:
			add(p+"/type", "Should be equal to one of the allowed values: metric, text, alarm, log, explorer, custom")
		}
		checkInt(wd, "x", p, 0, 23, false, add)
		checkInt(wd, "y", p, 0, math.MaxInt32, false, add)
		checkInt(wd, "width", p, 1, 24, false, add)
		checkInt(wd, "height", p, 1, 1000, false, add)
		props, has := wd["properties"]
		if !has {
			if typ != "" {
				add(p, "Should have required property 'properties'")
			}
			continue
		}
		pm, ok := props.(map[string]any)
		if !ok {
			add(p+"/properties", "Should be object")
			continue
		}
		pp := p + "/properties"
		switch typ {
		case "metric":
			if _, ok := pm["region"].(string); !ok {
				add(pp, "Should have required property 'region'")
			}
			_, hasMetrics := pm["metrics"]
			ann, _ := pm["annotations"].(map[string]any)
			if !hasMetrics && (ann == nil || ann["alarms"] == nil) {
				add(pp, "Should have required property 'metrics'")
			}
			if hasMetrics {
				// Reuse the widget parser for the metrics' shape and options.
				b, _ := json.Marshal(pm)
				var mw MetricWidget
				d := json.NewDecoder(bytes.NewReader(b))
				d.UseNumber()
				if err := d.Decode(&mw); err != nil {
					add(pp, "The metric widget's properties have the wrong types: %v", err)
					continue
				}
				totalMetrics += len(mw.Metrics)
				if len(mw.Metrics) > MaxMetricsPerWidget {
					add(pp+"/metrics", "Should NOT have more than %d items", MaxMetricsPerWidget)
				}
				_, wm := buildQuery(&mw, time.Unix(0, 0).Add(100*365*24*time.Hour), pp)
				msgs = append(msgs, wm...)
			}
		case "text":
			if _, ok := pm["markdown"].(string); !ok {
				add(pp, "Should have required property 'markdown'")
			}
		case "alarm":
			al, ok := pm["alarms"].([]any)
			if !ok {
				add(pp, "Should have required property 'alarms'")
			}
			for j, a := range al {
				if s, _ := a.(string); !strings.HasPrefix(s, "arn:") {
					add(fmt.Sprintf("%s/alarms/%d", pp, j), "Should be an alarm ARN")
				}
			}
		case "log":
			if _, ok := pm["query"].(string); !ok {
				add(pp, "Should have required property 'query'")
			}
			if _, ok := pm["region"].(string); !ok {
				add(pp, "Should have required property 'region'")
			}
		}
	}
	if totalMetrics > MaxMetricsPerDashboard {
		add("/widgets", "A dashboard has at most %d metrics in all its widgets", MaxMetricsPerDashboard)
	}
	return msgs
}

func checkTimeProp(v any, path string, add func(string, string, ...any)) {
	s, ok := v.(string)
	if !ok {
		add(path, "Should be string")
		return
	}
	if _, err := parseTime(s, time.Unix(0, 0).Add(100*365*24*time.Hour)); err != nil {
		add(path, "%v", err)
	}
}

func checkInt(m map[string]any, key, path string, lo, hi int, required bool, add func(string, string, ...any)) {
	v, ok := m[key]
	if !ok {
		if required {
			add(path, "Should have required property '%s'", key)
		}
		return
	}
	n, ok := v.(json.Number)
	if !ok {
		add(path+"/"+key, "Should be integer")
		return
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) {
		add(path+"/"+key, "Should be integer")
		return
	}
	if f < float64(lo) {
		add(path+"/"+key, "Should be >= %d", lo)
	}
	if f > float64(hi) {
		add(path+"/"+key, "Should be <= %d", hi)
	}
}
