package config

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// jsonStrings is the reference paramStrings replaced: encode, decode, and
// collect every string value of the document.
func jsonStrings(v any) []string {
	var out []string
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		return nil
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if x != "" && len(x) <= maxNameLen {
				out = append(out, x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	return out
}

type tagged struct {
	ID       string            `json:"instanceId"`
	Skipped  string            `json:"-"`
	Opt      string            `json:"opt,omitempty"`
	Nested   *tagged           `json:"nested,omitempty"`
	List     []string          `json:"list"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	When     time.Time         `json:"when"`
	Bytes    []byte            `json:"bytes"`
	Tags     map[string]string `json:"tags"`
	Num      float64           `json:"num"`
	private  string
	Untagged string
}

type embedded struct {
	tagged
	Extra string
}

type stringOpt struct {
	N int    `json:",string"`
	S string `json:",string"`
}

type conflict struct {
	A    string `json:"Name"`
	Name string
}

func TestRequestParameterStringsMatchTheJSONDocument(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	long := strings.Repeat("x", maxNameLen+1)
	cases := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"a plain map of strings", map[string]any{"instanceId": "i-1", "groups": []any{"sg-1", "sg-2"}, "n": 3}},
		{"keys are not values", map[string]string{"i-1": "x"}},
		{"struct tags, omitted and unexported fields", tagged{ID: "i-1", Skipped: "hidden", Untagged: "u", private: "p",
			Nested: &tagged{ID: "i-2", List: []string{"a", ""}}, Raw: json.RawMessage(`{"arn":"arn:aws:s3:::b","k":["v"]}`),
			When: when, Bytes: []byte("hello"), Tags: map[string]string{"k": "v"}}},
		{"pointer to struct", &tagged{ID: "i-3"}},
		{"embedded struct", embedded{tagged: tagged{ID: "i-4"}, Extra: "e"}},
		{"string option", stringOpt{N: 5, S: "s"}},
		{"two fields of one name", conflict{A: "a", Name: "b"}},
		{"invalid UTF-8 is coerced", map[string]any{"id": "a\xffb\xfe"}},
		{"too long and empty strings", []any{long, "", "ok"}},
		{"NaN fails the whole document", map[string]any{"id": "i-1", "v": math.NaN()}},
		{"a channel fails the whole document", []any{"i-1", make(chan int)}},
		{"unsupported map key fails", map[[2]int]string{{1, 2}: "i-1"}},
		{"integer map keys", map[int]string{1: "i-1"}},
		{"arrays", [2]string{"a", "b"}},
		{"time pointer", &when},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := jsonStrings(c.v)
			got := paramStrings(c.v, nil)
			slices.Sort(want)
			slices.Sort(got)
			assert.Equal(t, want, got)
		})
	}
}

// TestRequestParameterStringsRandomDocuments compares the walk with the JSON
// round trip over random nested documents of the shapes services record.
func TestRequestParameterStringsRandomDocuments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"i-1", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "", "sg-\xff", "x"}
	var gen func(depth int) any
	gen = func(depth int) any {
		switch k := r.IntN(9); {
		case k == 0 || depth > 4:
			return words[r.IntN(len(words))]
		case k == 1:
			return r.Float64()
		case k == 2:
			m := map[string]any{}
			for i := range r.IntN(4) {
				m[words[i%len(words)]+string(rune('a'+i))] = gen(depth + 1)
			}
			return m
		case k == 3:
			var l []any
			for range r.IntN(4) {
				l = append(l, gen(depth+1))
			}
			return l
		case k == 4:
			return tagged{ID: words[r.IntN(len(words))], Tags: map[string]string{"t": words[r.IntN(len(words))]}}
		case k == 5:
			return &embedded{Extra: words[r.IntN(len(words))]}
		case k == 6:
			if r.IntN(20) == 0 {
				return math.Inf(1)
			}
			return []string{words[r.IntN(len(words))]}
		case k == 7:
			return nil
		default:
			return map[string]string{"k": words[r.IntN(len(words))]}
		}
	}
	for i := range 2000 {
		v := gen(0)
		want := jsonStrings(v)
		got := paramStrings(v, nil)
		slices.Sort(want)
		slices.Sort(got)
		if !assert.Equal(t, want, got, "document %d: %#v", i, v) {
			return
		}
	}
}

// FuzzRequestParameterStrings compares the reflective walk with the JSON
// round trip it replaced, on documents decoded from the fuzzer's JSON (also
// wrapped in a struct, to exercise tags and embedded fields).
func FuzzRequestParameterStrings(f *testing.F) {
	for _, s := range []string{`{"instanceId":"i-1","groups":["sg-1",{"id":"sg-2"}]}`, `["a\u00ff",1,null,true]`, `"x"`, `{"k":{"k":{"k":"deep"}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var doc any
		if json.Unmarshal([]byte(src), &doc) != nil {
			return
		}
		for _, v := range []any{doc, embedded{tagged: tagged{ID: src, Tags: map[string]string{"k": src}}, Extra: src}, tagged{Nested: &tagged{ID: src}}, []any{doc, src}} {
			want := jsonStrings(v)
			got := paramStrings(v, nil)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(want, got) {
				t.Fatalf("walk %q, round trip %q for %#v", got, want, v)
			}
		}
	})
}
