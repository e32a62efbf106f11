package metricmath

import (
	"fmt"
	"testing"
)

type staticSource struct{ m map[string]Series }

func (s *staticSource) Metric(id string) (Series, error) { return s.m[id], nil }
func (s *staticSource) Search(*SearchQuery, string, int) ([]Series, error) {
	return nil, nil
}

// BenchmarkEvalSumOfMetrics evaluates SUM(METRICS())/PERIOD(m0) over 100
// series of 60 points (one hour at 60 s), data already in memory: the cost of
// the math alone.
func BenchmarkEvalSumOfMetrics(b *testing.B) {
	src := &staticSource{m: map[string]Series{}}
	qs := make([]Query, 0, 101)
	for k := range 100 {
		id := fmt.Sprintf("m%d", k)
		s := Series{Period: 60}
		for i := range 60 {
			s.Times = append(s.Times, t0+int64(i)*60)
			s.Values = append(s.Values, float64(i+k))
		}
		src.m[id] = s
		qs = append(qs, Query{ID: id, Period: 60})
	}
	qs = append(qs, Query{ID: "e1", Expression: "SUM(METRICS())/PERIOD(m0)"})
	p, err := Compile(qs)
	if err != nil {
		b.Fatal(err)
	}
	env := Env{Start: t0, End: t0 + 3600}
	b.ReportAllocs()
	for b.Loop() {
		rs, err := p.Eval(env, src)
		if err != nil || len(rs[100].Series[0].Times) != 60 {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchMatch100k matches one SEARCH query against a catalogue of
// 100,000 metrics (1,000 hosts × 100 names) held in memory.
func BenchmarkSearchMatch100k(b *testing.B) {
	type metric struct {
		name string
		dims []Dimension
	}
	cat := make([]metric, 0, 100000)
	for h := range 1000 {
		for n := range 100 {
			cat = append(cat, metric{fmt.Sprintf("Metric%02dCount", n), []Dimension{{"Host", fmt.Sprintf("web-%04d", h)}}})
		}
	}
	q, err := ParseSearch(`{Fleet,Host} count web-0010 NOT Metric01Count`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for i := range cat {
			if q.Match("Fleet", cat[i].name, cat[i].dims) {
				n++
			}
		}
		if n != 99 {
			b.Fatal(n)
		}
	}
}

// BenchmarkCompile measures parsing and checking a typical request.
func BenchmarkCompile(b *testing.B) {
	qs := []Query{{ID: "m1", Period: 60}, {ID: "m2", Period: 60},
		{ID: "e1", Expression: "IF(m1 > 0 AND m2 > 0, 100 * m1 / m2, 0)"},
		{ID: "e2", Expression: "FILL(SORT(METRICS(), AVG, DESC, 5), REPEAT)"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(qs); err != nil {
			b.Fatal(err)
		}
	}
}
