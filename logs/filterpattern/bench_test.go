package filterpattern

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// benchMessages is a seeded mix of access-log and JSON lines (~120 bytes).
func benchMessages(n int) [][]byte {
	r := rand.New(rand.NewPCG(42, 7))
	out := make([][]byte, n)
	for i := range out {
		status := []int{200, 200, 200, 201, 404, 500}[r.IntN(6)]
		if i%2 == 0 {
			out[i] = fmt.Appendf(nil, `10.%d.%d.%d - user%d [25/Nov/2026:10:%02d:%02d +0000] "GET /api/v1/items/%d HTTP/1.1" %d %d "-" "curl/8.4.0"`,
				r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(1000), r.IntN(60), r.IntN(60), r.IntN(100000), status, r.IntN(50000))
		} else {
			level := []string{"INFO", "INFO", "INFO", "WARN", "ERROR"}[r.IntN(5)]
			out[i] = fmt.Appendf(nil, `{"level":"%s","status":%d,"latency":%d,"path":"/api/v1/items/%d","request_id":"%08x","msg":"request completed"}`,
				level, status, r.IntN(2000), r.IntN(100000), r.Uint32())
		}
	}
	return out
}

// BenchmarkMatch measures the compiled matcher per pattern kind over the mixed
// workload: ns/op is per event.
func BenchmarkMatch(b *testing.B) {
	msgs := benchMessages(1 << 14)
	var size int64
	for _, m := range msgs {
		size += int64(len(m))
	}
	for _, c := range []struct{ name, pattern string }{
		{"term", `ERROR`},
		{"terms-and-exclusion", `GET items -ERROR`},
		{"or-terms", `?ERROR ?WARN`},
		{"phrase", `"HTTP/1.1\" 500"`},
		{"regex", `%HTTP/1\.1.\s5[0-9]{2}%`},
		{"json", `{ $.status = 500 && $.latency > 1000 }`},
		{"json-wildcard-or", `{ $.level = ERR* || $.path = *items* }`},
		{"space-delimited", `[ip, id, user, ts, request, status = 500, bytes > 1000, referer, agent]`},
		{"space-delimited-ellipsis", `[..., status = 4*, bytes, referer, agent]`},
	} {
		p := MustCompile(c.pattern)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size / int64(len(msgs)))
			b.ReportAllocs()
			n := 0
			c0 := processCPU()
			for i := range b.N {
				if p.Match(msgs[i&(len(msgs)-1)]) {
					n++
				}
			}
			b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkCompile measures pattern compilation.
func BenchmarkCompile(b *testing.B) {
	for range b.N {
		if _, err := Compile(`{ ($.status = 500 || $.status = 503) && $.latency > 1000 && $.path = "/api/*" }`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanJSONLines measures Match on the JSON lines of the workload
// (cache-resident), and the scanner alone with its two string strategies: the
// quote index for short messages without escapes, and the byte scan every
// other message takes.
func BenchmarkScanJSONLines(b *testing.B) {
	var msgs [][]byte
	var size int64
	for _, m := range benchMessages(1 << 12) {
		if m[0] == '{' {
			msgs = append(msgs, m)
			size += int64(len(m))
		}
	}
	p := MustCompile(`{ $.status = 500 && $.latency > 1000 }`)
	b.Run("indexonly", func(b *testing.B) {
		for i := range b.N {
			sc := scanner{b: msgs[i%len(msgs)]}
			sc.index()
		}
	})
	b.Run("Match", func(b *testing.B) {
		b.SetBytes(size / int64(len(msgs)))
		c0 := processCPU()
		for i := range b.N {
			p.Match(msgs[i%len(msgs)])
		}
		b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
	})
	for _, c := range []struct {
		name    string
		noIndex bool
	}{{"index", false}, {"bytes", true}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size / int64(len(msgs)))
			var slots [2]jval
			for i := range b.N {
				sc := scanner{b: msgs[i%len(msgs)], noIndex: c.noIndex}
				if !sc.document(p.jtrie, slots[:]) {
					b.Fatal("rejected")
				}
			}
		})
	}
}

// BenchmarkTwoTermPrefilter is issue 15's two-term case, `ERROR timeout`, over
// contiguous messages as FilterLogEvents scans them: jump to the next
// occurrence of the prefilter literal, evaluate the pattern on the message
// there, go on after it. "timeout" is in most lines (a field of every request
// log), "ERROR" in about 1%. longest-term is the old choice (the longest
// term), rarest-term the new one (the term whose rarest byte is rarest).
func BenchmarkTwoTermPrefilter(b *testing.B) {
	r := rand.New(rand.NewPCG(42, 7))
	var buf []byte
	off := []int{0}
	for range 1 << 16 {
		level := "INFO"
		if r.IntN(100) == 0 {
			level = "ERROR"
		}
		buf = fmt.Appendf(buf, `{"level":"%s","status":%d,"latency":%d,"timeout":30000,"path":"/api/v1/items/%d","request_id":"%08x"}`,
			level, []int{200, 200, 404, 500}[r.IntN(4)], r.IntN(2000), r.IntN(100000), r.Uint32())
		off = append(off, len(buf))
	}
	p := MustCompile(`ERROR timeout`)
	longest := *p
	longest.literal = []byte("timeout")
	longest.litSearch = newLiteralSearch(longest.literal)
	for _, c := range []struct {
		name string
		p    *Pattern
	}{{"longest-term", &longest}, {"rarest-term", p}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			n, evals := 0, 0
			for range b.N {
				n, evals = 0, 0
				for i := 0; i < len(buf); {
					pos := c.p.IndexLiteral(buf[i:])
					if pos < 0 {
						break
					}
					abs := i + pos
					k := sort.SearchInts(off, abs+1) - 1 // the message holding abs
					evals++
					if c.p.Match(buf[off[k]:off[k+1]]) {
						n++
					}
					i = off[k+1]
				}
			}
			b.ReportMetric(float64(n), "matches")
			b.ReportMetric(float64(evals), "evaluated")
		})
	}
}
