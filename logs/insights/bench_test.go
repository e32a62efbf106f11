package insights

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The Logs benchmarks' workload (logs/bench_test.go): 1 M lines averaging ~120
// bytes, a seeded mix of access-log and JSON lines. benchLine is a copy of
// logs' (a test helper cannot be imported); TestBenchWorkloadIsPinned pins
// the same checksum as logs' own test so the copies stay identical.
const benchLines = 1_000_000

func benchLine(r *rand.Rand, i int) string {
	status := []int{200, 200, 200, 200, 201, 204, 301, 404, 500, 503}[r.IntN(10)]
	if i%2 == 0 {
		return fmt.Sprintf(`10.%d.%d.%d - user%d [25/Nov/2026:10:%02d:%02d +0000] "GET /api/v1/items/%d HTTP/1.1" %d %d "-" "curl/8.4.0"`,
			r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(1000), r.IntN(60), r.IntN(60), r.IntN(100000), status, r.IntN(50000))
	}
	level := "INFO"
	switch r.IntN(100) {
	case 0, 1:
		level = "ERROR"
	case 2, 3, 4:
		level = "WARN"
	}
	return fmt.Sprintf(`{"level":"%s","status":%d,"latency":%d,"path":"/api/v1/items/%d","request_id":"%08x","msg":"request completed"}`,
		level, status, r.IntN(2000), r.IntN(100000), r.Uint32())
}

const benchWorkloadSum = 0x0601af7e8338dff6

func TestBenchWorkloadIsPinned(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	h := fnv.New64a()
	for i := range 10000 {
		h.Write([]byte(benchLine(r, i) + "\n"))
	}
	if got := h.Sum64(); got != benchWorkloadSum {
		t.Fatalf("workload checksum %#x, want %#x: keep this copy of benchLine equal to logs/bench_test.go's", got, benchWorkloadSum)
	}
}

var (
	benchOnce   sync.Once
	benchEvents []Event
	benchFile   string // the JSON-lines form for jq: {"ts": ms, ...fields}
)

// loadBench builds the workload as events one millisecond apart, and a file
// for jq where each line is the event's JSON with its timestamp added (the
// access-log lines have no status or latency for jq either, so jq reads only
// what the query can match).
func loadBench(tb testing.TB, n int) []Event {
	benchOnce.Do(func() {
		r := rand.New(rand.NewPCG(42, 7))
		benchEvents = make([]Event, benchLines)
		var js bytes.Buffer
		base := t0 - benchLines
		for i := range benchEvents {
			l := benchLine(r, i)
			benchEvents[i] = Event{Timestamp: base + int64(i), Message: l, LogStream: "s", Log: "123456789012:bench"}
			if l[0] == '{' {
				fmt.Fprintf(&js, `{"ts":%d,%s`+"\n", base+int64(i), l[1:])
			}
		}
		dir, err := os.MkdirTemp("", "insightsbench")
		if err == nil {
			benchFile = filepath.Join(dir, "json.log")
			_ = os.WriteFile(benchFile, js.Bytes(), 0o600)
		}
	})
	return benchEvents[:n]
}

// The two queries. The corpus has no host field; level is its
// low-cardinality grouping field, so the second query groups by level.
const (
	benchFilterQuery = `filter status = 500 and latency > 1000 | stats count(*) by bin(5m)`
	benchStatsQuery  = `stats avg(latency), pct(latency, 99) by level`
)

func BenchmarkInsights1M(b *testing.B) {
	evs := loadBench(b, benchLines)
	var size int64
	for _, e := range evs {
		size += int64(len(e.Message))
	}
	for _, c := range []struct{ name, query string }{{"filter-stats-bin", benchFilterQuery}, {"avg-pct-by", benchStatsQuery}} {
		q, err := Compile(c.query)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			cpu := processCPU()
			for range b.N {
				q.Run(slices.Values(evs))
			}
			if cpu >= 0 {
				b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
			}
			b.ReportMetric(float64(benchLines)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
	// The hand-written anchor for avg/pct by level: decode each JSON line with
	// encoding/json into a struct and aggregate in maps.
	b.Run("go-loop-avg-pct-by", func(b *testing.B) {
		b.SetBytes(size)
		cpu := processCPU()
		for range b.N {
			handAvgPct(evs)
		}
		if cpu >= 0 {
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
		}
	})
	if benchFile == "" {
		return
	}
	if _, err := exec.LookPath("jq"); err != nil {
		b.Fatal("jq is needed for the comparison: apt-get install jq")
	}
	b.Run("jq-filter-stats-bin", func(b *testing.B) {
		b.SetBytes(size)
		var cpu int64
		for range b.N {
			cmd := exec.Command("jq", "-n", "-c",
				`reduce (inputs | select(.status == 500 and .latency > 1000) | (.ts - (.ts % 300000))) as $b ({}; .[$b|tostring] += 1)`, benchFile)
			cmd.Stdout = &strings.Builder{}
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			cpu += int64(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime())
		}
		// jq's own CPU time, comparable with the queries' cpu-ms/op.
		b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
	})
}

type benchRecord struct {
	Level   *string  `json:"level"`
	Latency *float64 `json:"latency"`
}

// handAvgPct is the obvious Go loop for benchStatsQuery, returning level ->
// [avg, p99] (nearest rank).
func handAvgPct(evs []Event) map[string][2]float64 {
	vals := map[string][]float64{}
	for _, e := range evs {
		if e.Message[0] != '{' {
			continue
		}
		var r benchRecord
		if json.Unmarshal([]byte(e.Message), &r) != nil || r.Level == nil || r.Latency == nil {
			continue
		}
		vals[*r.Level] = append(vals[*r.Level], *r.Latency)
	}
	out := map[string][2]float64{}
	for k, v := range vals {
		slices.Sort(v)
		var sum float64
		for _, x := range v {
			sum += x
		}
		rank := max(1, min(len(v), int(math.Ceil(0.99*float64(len(v))))))
		out[k] = [2]float64{sum / float64(len(v)), v[rank-1]}
	}
	return out
}

// TestBenchQueriesAgreeWithTheReference checks both benchmark queries against
// obvious Go code over a slice of the workload.
func TestBenchQueriesAgreeWithTheReference(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	evs := loadBench(t, n)

	q, err := Compile(benchStatsQuery)
	if err != nil {
		t.Fatal(err)
	}
	want := handAvgPct(evs)
	res := q.Run(slices.Values(evs))
	got := map[string][2]string{}
	for _, r := range res.Rows {
		m := rowMap(r)
		got[m["level"]] = [2]string{m["avg(latency)"], m["pct(latency, 99)"]}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d groups, want %d", len(got), len(want))
	}
	for level, w := range want {
		if g := got[level]; g[0] != formatNumber(w[0]) || g[1] != formatNumber(w[1]) {
			t.Errorf("%s: got %v, want %v", level, g, w)
		}
	}

	q, err = Compile(benchFilterQuery)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int64]int{}
	for _, e := range evs {
		if e.Message[0] != '{' {
			continue
		}
		var r struct{ Status, Latency float64 }
		if json.Unmarshal([]byte(e.Message), &r) != nil {
			t.Fatal(e.Message)
		}
		if r.Status == 500 && r.Latency > 1000 {
			counts[e.Timestamp-e.Timestamp%300000]++
		}
	}
	res = q.Run(slices.Values(evs))
	if len(res.Rows) != len(counts) {
		t.Fatalf("got %d bins, want %d", len(res.Rows), len(counts))
	}
	for _, r := range res.Rows {
		m := rowMap(r)
		var ms int64
		for k, c := range counts {
			if timestamp(k).String() == m["bin(5m)"] {
				ms = k
				if m["count(*)"] != itoa(c) {
					t.Errorf("bin %s: count %s, want %d", m["bin(5m)"], m["count(*)"], c)
				}
			}
		}
		if ms == 0 {
			t.Errorf("unexpected bin %s", m["bin(5m)"])
		}
	}
}

func rowMap(r []ResultField) map[string]string {
	m := map[string]string{}
	for _, f := range r {
		m[f.Field] = f.Value
	}
	return m
}
