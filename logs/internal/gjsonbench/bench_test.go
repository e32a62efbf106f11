// Package gjsonbench compares the JSON filter-pattern matcher with
// github.com/tidwall/gjson on the logs benchmark's JSON lines, in one run.
//
// It is a separate module so gjson never enters the library's go.mod; the
// root's `go test ./...` skips it. Run it with
//
//	cd logs/internal/gjsonbench && go test -run XXX -bench . -benchtime 3x -cpu 1 -count 5
package gjsonbench

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"testing"
	"time"
	"unsafe"

	"github.com/localwatch/localwatch/logs/filterpattern"
	"github.com/tidwall/gjson"
)

// benchLine is a copy of logs/bench_test.go's generator (the workload is
// seeded; TestWorkloadIsTheLogsWorkload pins both copies to one checksum).
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

// jsonLines returns the JSON lines among the first n lines of the workload,
// copied one after the other as logs/bench_test.go does.
func jsonLines(n int) (out [][]byte, size int64) {
	r := rand.New(rand.NewPCG(42, 7))
	var lines []string
	for i := range n {
		if l := benchLine(r, i); l[0] == '{' {
			lines = append(lines, l)
		}
	}
	for _, l := range lines {
		out = append(out, []byte(l))
		size += int64(len(l))
	}
	return out, size
}

// workloadSum must equal logs' benchWorkloadSum: FNV-1a over the first 10,000
// lines, each followed by a newline.
const workloadSum = 0x0601af7e8338dff6

func TestWorkloadIsTheLogsWorkload(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	h := fnv.New64a()
	for i := range 10000 {
		h.Write([]byte(benchLine(r, i) + "\n"))
	}
	if got := h.Sum64(); got != workloadSum {
		t.Fatalf("workload checksum %#x, want %#x: the generator drifted from logs/bench_test.go", got, workloadSum)
	}
}

// gjsonMatch is the pattern with gjson.GetBytes, as a caller holding the
// message bytes would write it.
func gjsonMatch(m []byte) bool {
	s := gjson.GetBytes(m, "status")
	if s.Type != gjson.Number || s.Num != 500 {
		return false
	}
	l := gjson.GetBytes(m, "latency")
	return l.Type == gjson.Number && l.Num > 1000
}

// gjsonMatchString is the same with gjson.Get on a string, gjson's fastest
// form: no copy of the result (GetBytes copies Raw, one allocation per call).
func gjsonMatchString(m string) bool {
	s := gjson.Get(m, "status")
	if s.Type != gjson.Number || s.Num != 500 {
		return false
	}
	l := gjson.Get(m, "latency")
	return l.Type == gjson.Number && l.Num > 1000
}

// BenchmarkJSONPatternVsGJSON runs `{ $.status = 500 && $.latency > 1000 }`
// over the 500,000 JSON lines of the 1 M-line workload with the compiled
// matcher and with gjson (GetBytes on the bytes, and Get on the same bytes
// viewed as strings) of "status" and "latency" plus the same comparisons; see
// compare. The lines (61 MB) do not fit in the cache.
func BenchmarkJSONPatternVsGJSON(b *testing.B) {
	msgs, size := jsonLines(1_000_000)
	compare(b, msgs, size)
}

// BenchmarkJSONPatternVsGJSONHot is the same over the first 2,048 JSON lines
// (256 KB, cache-resident): the matchers' own cost.
func BenchmarkJSONPatternVsGJSONHot(b *testing.B) {
	msgs, size := jsonLines(4096)
	b.Run("x100", func(b *testing.B) {
		var all [][]byte
		for range 100 {
			all = append(all, msgs...)
		}
		compare(b, all, size*100)
	})
}

var sink byte

// touchAll reads one byte of each 64-byte stretch of the message and the
// last one: a floor for anything that must look at the whole message when
// the lines are not in the cache (it "matches" nothing).
func touchAll(m []byte) bool {
	var x byte
	for i := 0; i < len(m); i += 64 {
		x += m[i]
	}
	sink += x + m[len(m)-1]
	return false
}

// compare runs the contenders in turn on every iteration, so that each
// iteration's ratios come from the same stretch of time on this shared
// machine, and reports for each its throughput (MB/s of JSON lines) and the
// fastest of many short trials over the first 256 lines (cache-resident:
// what each costs when nothing else disturbs it), then localwatch's speed
// as a multiple of each gjson form's.
func compare(b *testing.B, msgs [][]byte, size int64) {
	p := filterpattern.MustCompile("{ $.status = 500 && $.latency > 1000 }")
	want := 0
	for _, m := range msgs {
		if gjsonMatch(m) {
			want++
		}
	}
	cs := []struct {
		name  string
		match func([]byte) bool
	}{
		{"localwatch", p.Match},
		{"gjson-GetBytes", gjsonMatch},
		// gjson.Get on the message's bytes viewed as a string, no copy.
		{"gjson-Get-string", func(m []byte) bool {
			return gjsonMatchString(unsafe.String(unsafe.SliceData(m), len(m)))
		}},
		{"touch-every-cache-line", touchAll},
	}
	elapsed := make([]time.Duration, len(cs))
	for range b.N {
		for k, c := range cs {
			t0 := time.Now()
			n := 0
			for _, m := range msgs {
				if c.match(m) {
					n++
				}
			}
			elapsed[k] += time.Since(t0)
			if n != want && c.name != "touch-every-cache-line" {
				b.Fatalf("%s: %d matches, want %d", c.name, n, want)
			}
		}
	}
	best := make([]time.Duration, len(cs))
	for r := range 400 {
		for k, c := range cs {
			t0 := time.Now()
			for _, m := range msgs[:256] {
				c.match(m)
			}
			if d := time.Since(t0); r == 0 || d < best[k] {
				best[k] = d
			}
		}
	}
	for k, c := range cs {
		b.ReportMetric(float64(size)*float64(b.N)/elapsed[k].Seconds()/1e6, c.name+"-MB/s")
		b.ReportMetric(float64(best[k].Nanoseconds())/256, c.name+"-best-ns/line")
	}
	b.ReportMetric(elapsed[1].Seconds()/elapsed[0].Seconds(), "x-GetBytes")
	b.ReportMetric(elapsed[2].Seconds()/elapsed[0].Seconds(), "x-Get-string")
}
