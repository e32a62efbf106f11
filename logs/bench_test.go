package logs

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/logs/filterpattern"
)

// The workload: 1 M lines averaging ~120 bytes, a seeded mix of
// access-log and JSON lines, in one group over 10 streams.
const (
	benchLines   = 1_000_000
	benchStreams = 10
)

// benchLine returns the i-th line of the workload.
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

type benchData struct {
	lines []string
	bytes int64
	json  []string // the JSON lines
	file  string   // the lines as a file, one per line, for grep and jq
	jsonF string
}

var (
	benchOnce sync.Once
	bench     benchData
)

func loadBench(b *testing.B) *benchData {
	benchOnce.Do(func() {
		r := rand.New(rand.NewPCG(42, 7))
		bench.lines = make([]string, benchLines)
		var all, js bytes.Buffer
		for i := range bench.lines {
			l := benchLine(r, i)
			bench.lines[i] = l
			bench.bytes += int64(len(l))
			all.WriteString(l)
			all.WriteByte('\n')
			if l[0] == '{' {
				bench.json = append(bench.json, l)
				js.WriteString(l)
				js.WriteByte('\n')
			}
		}
		dir, err := os.MkdirTemp("", "logsbench")
		if err == nil {
			bench.file = filepath.Join(dir, "all.log")
			bench.jsonF = filepath.Join(dir, "json.log")
			_ = os.WriteFile(bench.file, all.Bytes(), 0o600)
			_ = os.WriteFile(bench.jsonF, js.Bytes(), 0o600)
		}
	})
	return &bench
}

func benchService(b *testing.B, d *benchData) (*Service, *clock.Manual) {
	clk := clock.NewManual(t0)
	s := New(Options{Clock: clk, IDs: ids.New(1)})
	b.Cleanup(s.Close)
	if _, err := s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "bench"}); err != nil {
		b.Fatal(err)
	}
	for k := range benchStreams {
		if _, err := s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "bench", LogStreamName: fmt.Sprint("stream-", k)}); err != nil {
			b.Fatal(err)
		}
	}
	return s, clk
}

// batches splits the workload into PutLogEvents batches of 10,000, round-robin
// over the streams, with timestamps 1 ms apart ending an hour before t0.
//
// The issue asks for batches of 10,000 events, but 10,000 lines of ~120 bytes
// are ~1.45 MB with the 26-byte overhead, over PutLogEvents' 1,048,576-byte
// limit; batches are cut at whichever of the two limits comes first (~7,200
// events here).
func benchBatches(d *benchData) [][]InputLogEvent {
	base := t0.UnixMilli() - int64(benchLines) - 3600*1000
	var out [][]InputLogEvent
	var batch []InputLogEvent
	size := 0
	for i, l := range d.lines {
		if len(batch) == MaxBatchEvents || size+len(l)+EventOverheadBytes > MaxBatchBytes {
			out = append(out, batch)
			batch, size = nil, 0
		}
		batch = append(batch, InputLogEvent{Timestamp: base + int64(i), Message: l})
		size += len(l) + EventOverheadBytes
	}
	return append(out, batch)
}

// BenchmarkPutLogEvents ingests the 1 M-line workload in batches of 10,000.
func BenchmarkPutLogEvents(b *testing.B) {
	d := loadBench(b)
	batches := benchBatches(d)
	b.ReportAllocs()
	b.SetBytes(d.bytes)
	b.ResetTimer()
	var cpu int64
	for range b.N {
		b.StopTimer()
		s, _ := benchService(b, d)
		b.StartTimer()
		c0 := processCPU()
		for i, batch := range batches {
			if _, err := s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "bench", LogStreamName: fmt.Sprint("stream-", i%benchStreams), LogEvents: batch}); err != nil {
				b.Fatal(err)
			}
		}
		cpu += processCPU() - c0
	}
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(benchLines)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

var (
	loadedOnce sync.Once
	loadedSvc  *Service
)

func loadedService(b *testing.B) *Service {
	d := loadBench(b)
	loadedOnce.Do(func() {
		clk := clock.NewManual(t0)
		s := New(Options{Clock: clk, IDs: ids.New(1)})
		_, _ = s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "bench"})
		for k := range benchStreams {
			_, _ = s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "bench", LogStreamName: fmt.Sprint("stream-", k)})
		}
		for i, batch := range benchBatches(d) {
			if _, err := s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "bench", LogStreamName: fmt.Sprint("stream-", i%benchStreams), LogEvents: batch}); err != nil {
				panic(err)
			}
		}
		loadedSvc = s
	})
	return loadedSvc
}

// filterAll pages through every match of pattern and returns the count.
func filterAll(b *testing.B, s *Service, pattern string) int {
	n, tok := 0, ""
	for {
		out, err := s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "bench", FilterPattern: pattern, NextToken: tok})
		if err != nil {
			b.Fatal(err)
		}
		n += len(out.Events)
		if tok = out.NextToken; tok == "" {
			return n
		}
	}
}

// BenchmarkFilterLogEvents1M searches the whole 1 M-event group, paging through
// every match, and runs grep -F -c / jq over the same bytes for comparison.
func BenchmarkFilterLogEvents1M(b *testing.B) {
	d := loadBench(b)
	s := loadedService(b)
	for _, c := range []struct{ name, pattern string }{
		{"term", "ERROR"},
		{"rare-term", "NOSUCHTERM"},
		// Issue 15: "request" is in every JSON line, ERROR in 1% of them;
		// the prefilter should search for ERROR, not the longer term.
		{"two-terms", "ERROR request"},
		{"json", "{ $.status = 500 && $.latency > 1000 }"},
		{"space-delimited", "[ip, id, user, ts, request, status = 500, bytes > 1000, referer, agent]"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(d.bytes)
			b.ReportAllocs()
			var n int
			c0 := processCPU()
			for range b.N {
				n = filterAll(b, s, c.pattern)
			}
			b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(n), "matches")
			b.ReportMetric(float64(benchLines)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
	if d.file == "" {
		return
	}
	for _, c := range []struct {
		name string
		args []string
		size int64
	}{
		{"grep-F-c", []string{"grep", "-F", "-c", "ERROR", d.file}, d.bytes},
		{"grep-F-c-rare", []string{"grep", "-F", "-c", "NOSUCHTERM", d.file}, d.bytes},
		{"jq-json", []string{"jq", "-c", "select(.status == 500 and .latency > 1000)", d.jsonF}, 0},
	} {
		if _, err := exec.LookPath(c.args[0]); err != nil {
			continue
		}
		b.Run(c.name, func(b *testing.B) {
			size := c.size
			if size == 0 {
				for _, l := range d.json {
					size += int64(len(l))
				}
			}
			b.SetBytes(size)
			for range b.N {
				cmd := exec.Command(c.args[0], c.args[1:]...)
				cmd.Stdout = &strings.Builder{}
				if err := cmd.Run(); err != nil {
					if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkJSONPatternOverJSONLines is the JSON target: the pattern over
// the JSON lines only, with the compiled matcher.
func BenchmarkJSONPatternOverJSONLines(b *testing.B) {
	d := loadBench(b)
	p := filterpattern.MustCompile("{ $.status = 500 && $.latency > 1000 }")
	msgs := make([][]byte, len(d.json))
	var size int64
	for i, l := range d.json {
		msgs[i] = []byte(l)
		size += int64(len(l))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for range b.N {
		n = 0
		for _, m := range msgs {
			if p.Match(m) {
				n++
			}
		}
	}
	b.ReportMetric(float64(len(msgs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(n), "matches")
}

// benchWorkloadSum is FNV-1a over the workload's first 10,000 lines, each
// followed by a newline. logs/internal/gjsonbench (a separate module, so that
// gjson stays out of go.mod) copies benchLine to compare the JSON matcher with
// gjson on the same lines and pins the same checksum.
const benchWorkloadSum = 0x0601af7e8338dff6

func TestBenchWorkloadIsPinned(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 7))
	h := fnv.New64a()
	for i := range 10000 {
		h.Write([]byte(benchLine(r, i) + "\n"))
	}
	if got := h.Sum64(); got != benchWorkloadSum {
		t.Fatalf("workload checksum %#x, want %#x: update logs/internal/gjsonbench's copy of benchLine too", got, benchWorkloadSum)
	}
}

func TestBenchWorkloadShape(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 1 M-line workload")
	}
	r := rand.New(rand.NewPCG(42, 7))
	var total int
	for i := range 10000 {
		total += len(benchLine(r, i))
	}
	avg := total / 10000
	if avg < 100 || avg > 140 {
		t.Fatalf("average line is %d bytes, want about 120", avg)
	}
	_ = time.Second
}

// BenchmarkPutLogEventsMetricFilters: one PutLogEvents of 1,000 workload
// lines per op into a group with three metric filters (a term counted with a
// default, a JSON pattern publishing $.latency, a space-delimited pattern with
// a dimension), so that the op is dominated by metric-filter matching.
func BenchmarkPutLogEventsMetricFilters(b *testing.B) {
	d := loadBench(b)
	s, _ := benchService(b, d)
	for _, f := range []PutMetricFilterInput{
		{FilterName: "errors", FilterPattern: "ERROR", MetricTransformations: []MetricTransformation{
			{MetricName: "Errors", MetricNamespace: "Bench", MetricValue: "1", DefaultValue: new(float64)}}},
		{FilterName: "latency", FilterPattern: "{ $.status = 5* && $.latency > 100 }", MetricTransformations: []MetricTransformation{
			{MetricName: "Latency", MetricNamespace: "Bench", MetricValue: "$.latency"}}},
		{FilterName: "bytes", FilterPattern: "[ip, id, user, ts, request, status = 404, bytes, referer, agent]", MetricTransformations: []MetricTransformation{
			{MetricName: "Bytes", MetricNamespace: "Bench", MetricValue: "$bytes", Dimensions: map[string]string{"Status": "$status"}}}},
	} {
		f.LogGroupName = "bench"
		if _, err := s.PutMetricFilter(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
	batch := make([]InputLogEvent, 1000)
	for i := range batch {
		batch[i].Message = d.lines[i]
	}
	base := t0.UnixMilli() - 20*3600*1000
	n := 0
	b.SetBytes(int64(len(batch) * 120))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := processCPU()
	for range b.N {
		for i := range batch {
			batch[i].Timestamp = base + int64(n%(19*3600*1000))
			n++
		}
		if _, err := s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "bench", LogStreamName: "stream-0", LogEvents: batch}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
}
