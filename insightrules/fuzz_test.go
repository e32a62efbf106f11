package insightrules

import (
	"encoding/json"
	"math/rand/v2"
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

// TestLookupMatchesEncodingJSONOnRandomDocuments is the differential check
// of FuzzLookupMatchesEncodingJSON over seeded random documents and paths.
func TestLookupMatchesEncodingJSONOnRandomDocuments(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"a", "b", "k\"q", "é", "a.b"}
	var gen func(depth int) any
	gen = func(depth int) any {
		switch n := rng.IntN(7); {
		case n == 0 && depth < 3:
			m := map[string]any{}
			for range rng.IntN(4) {
				m[names[rng.IntN(len(names))]] = gen(depth + 1)
			}
			return m
		case n == 1 && depth < 3:
			a := make([]any, rng.IntN(4))
			for i := range a {
				a[i] = gen(depth + 1)
			}
			return a
		case n == 2:
			return rng.Float64()*2000 - 1000
		case n == 3:
			return rng.IntN(2) == 0
		case n == 4:
			return nil
		default:
			return names[rng.IntN(len(names))] + " \\ \n\t"
		}
	}
	r := &rule{}
	for range 3000 {
		doc := map[string]any{"a": gen(0), "b": gen(0)}
		b, _ := json.Marshal(doc)
		if rng.IntN(2) == 0 {
			b, _ = json.MarshalIndent(doc, " ", "  ")
		}
		path := "$"
		for range 1 + rng.IntN(3) {
			if rng.IntN(3) == 0 {
				path += "[" + strconv.Itoa(rng.IntN(3)) + "]"
			} else {
				path += "." + []string{"a", "b", "é"}[rng.IntN(3)]
			}
		}
		fld, err := r.parseField(strings.Replace(path, "$[", "$.a[", 1), nil)
		if err != nil {
			continue
		}
		want, wantOK := refLookup(string(b), fld)
		p, ok := r.parse(string(b))
		if !ok {
			t.Fatalf("parse refused %s", b)
		}
		got, gotOK := p.lookup(fld)
		if got != want || gotOK != wantOK {
			t.Fatalf("lookup(%s, %s) = %q, %v; encoding/json reads %q, %v", b, path, got, gotOK, want, wantOK)
		}
	}
}
