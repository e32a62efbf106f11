package insightrules

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseRule: any body either fails with an AWS error or compiles to a
// rule that evaluates any message without panicking.
func FuzzParseRule(f *testing.F) {
	f.Add(`{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": ["a*"], "LogFormat": "JSON", "Contribution": {"Keys": ["$.a.b[0]"], "ValueOf": "$.v", "Filters": [{"Match": "$.s", "GreaterThan": 1}]}, "AggregateOn": "Sum"}`, `{"a": {"b": ["x"]}, "v": 2, "s": 3}`)
	f.Add(`{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": ["g"], "LogFormat": "CLF", "Fields": {"2": "x"}, "Contribution": {"Keys": ["x", "3"]}, "AggregateOn": "Count"}`, `1 "two three" [four]`)
	f.Fuzz(func(t *testing.T, body, msg string) {
		r, err := parseRule(body)
		if err != nil {
			return
		}
		if p, ok := r.parse(msg); ok {
			r.contribution(p)
		}
		r.matchesGroup(msg)
	})
}

// refLookup is the slow obvious lookup: decode the whole message with
// encoding/json and walk the path.
func refLookup(msg string, f field) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(msg))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return "", false
	}
	if _, ok := v.(map[string]any); !ok {
		return "", false
	}
	for _, st := range f.path {
		if st.index < 0 {
			m, ok := v.(map[string]any)
			if !ok {
				return "", false
			}
			if v, ok = m[st.name]; !ok {
				return "", false
			}
		} else {
			a, ok := v.([]any)
			if !ok || st.index >= len(a) {
				return "", false
			}
			v = a[st.index]
		}
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case nil:
		return "null", true
	}
	return "", false
}

// FuzzLookupMatchesEncodingJSON: the scanning lookup reads what a full
// decode reads, for any valid JSON object and any path.
func FuzzLookupMatchesEncodingJSON(f *testing.F) {
	f.Add(`{"a": {"b": [1, "x\"y", {"c": null}]}, "a2": true}`, "$.a.b[1]")
	f.Add(`{"k\u0061": "v", "ka": "w"}`, "$.ka")
	f.Add(` {"n": -1.5e3, "s": "\u00e9"} `, "$.s")
	f.Fuzz(func(t *testing.T, msg, path string) {
		r := &rule{}
		fld, err := r.parseField(path, nil)
		if err != nil || !json.Valid([]byte(msg)) {
			return
		}
		want, wantOK := refLookup(msg, fld)
		p, ok := r.parse(msg)
		if !ok {
			if wantOK {
				t.Fatalf("parse refused %q, which decodes", msg)
			}
			return
		}
		got, gotOK := p.lookup(fld)
		if got != want || gotOK != wantOK {
			t.Fatalf("lookup(%q, %q) = %q, %v; encoding/json reads %q, %v", msg, path, got, gotOK, want, wantOK)
		}
	})
}
