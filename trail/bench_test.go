package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
)

func benchCall(e *env, i int) event.APICall {
	return event.APICall{
		Time: e.clk.Now(), EventSource: "monitoring.amazonaws.com", EventName: "PutMetricData", AWSRegion: "us-east-1",
		RecipientAccountID: "123456789012", Identity: identity.IAMUser("123456789012", "alice", "AKIAEXAMPLE"), HasIdentity: true,
		Management: true, EventType: "AwsApiCall", RequestParameters: map[string]any{"namespace": "App"},
		RequestID: "req", EventID: fmt.Sprintf("evt-%d", i),
	}
}

// BenchmarkRecord measures an API call published on the bus becoming a
// record in the event history and in a logging trail's pending file.
func BenchmarkRecord(b *testing.B) {
	e := newEnv(b)
	e.trail(b, "audit", true)
	calls := make([]event.APICall, 1024)
	for i := range calls {
		calls[i] = benchCall(e, i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := range b.N {
		_ = bus.Publish(ctx, e.bus, calls[i&1023])
	}
	b.StopTimer()
	reportCPU(b, cpu, "events")
}

// cpuTime is the process's user+system CPU time. On a shared, overloaded
// machine wall time per op mostly measures the other tenants; CPU time per op
// is the steadier figure, so benchmarks report both.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration, unit string) {
	d := cpuTime() - start
	b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	if d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), unit+"/cpu-s")
	}
}

var (
	bigHistoryOnce sync.Once
	bigHistory     *env
)

// largeHistory is one Service with 1,000,000 management events over ~12 days.
func largeHistory(b *testing.B) *env {
	bigHistoryOnce.Do(func() {
		e := newEnv(b)
		users := []string{"alice", "bob", "carol", "dave"}
		idents := make([]identity.Identity, len(users))
		for i, u := range users {
			idents[i] = identity.IAMUser("123456789012", u, "AKIA"+u)
		}
		for i := range 1_000_000 {
			ev := event.APICall{Time: e.clk.Now(), EventSource: "monitoring.amazonaws.com", EventName: fmt.Sprintf("Op%d", i%20),
				AWSRegion: "us-east-1", Identity: idents[i%4], HasIdentity: true, Management: true, ReadOnly: i%3 == 0, EventID: fmt.Sprintf("e%d", i)}
			e.svc.consume(&ev)
			if i%1000 == 999 {
				e.clk.Advance(time.Second) // no trail: ticks only expire
			}
		}
		bigHistory = e
	})
	return bigHistory
}

// BenchmarkLookupEvents measures one page of 50 from a 1M-event history.
func BenchmarkLookupEvents(b *testing.B) {
	e := largeHistory(b)
	ctx := context.Background()
	mid := e.clk.Now().Add(-500 * time.Second)
	cases := []struct {
		name string
		in   LookupEventsInput
	}{
		{"newest", LookupEventsInput{}},
		{"time-range", LookupEventsInput{StartTime: ptr(mid.Add(-time.Minute)), EndTime: &mid}},
		{"event-name", LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "Op7"}}}},
		{"username+range", LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupUsername, AttributeValue: "bob"}}, EndTime: &mid}},
		{"event-id", LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventID, AttributeValue: "e123456"}}}},
	}
	_, _ = e.svc.lookupPage(cases[2].in) // build the posting lists outside the timer
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu, "pages") }()
			for range b.N {
				out, err := e.svc.lookupPage(tc.in)
				if err != nil || len(out.Events) == 0 {
					b.Fatal(err, len(out.Events))
				}
			}
		})
	}
	_ = ctx
}

// BenchmarkDeliverLogFile measures encoding and gzipping a 1,000-record log
// file and writing it to the memory store.
func BenchmarkDeliverLogFile(b *testing.B) {
	e := newEnv(b)
	e.trail(b, "audit", false)
	for i := range 1000 {
		ev := benchCall(e, i)
		e.svc.consume(&ev)
	}
	e.svc.mu.Lock()
	recs := e.svc.bufs[e.svc.views[0].ARN].slice()[1:]
	e.svc.mu.Unlock()
	raw := len(e.svc.encodeLogFile(recs))
	c := e.svc.views[0]
	rs := &regionalState{}
	b.SetBytes(int64(raw))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		var ob outbox
		e.svc.queueLog(&ob, rs, c, recs, e.clk.Now())
		e.svc.flushLogs(&ob, rs, c, e.clk.Now())
	}
	reportCPU(b, cpu, "files")
}

var (
	valOnce sync.Once
	valEnv  *env
	valRaw  int64
	valGz   [][]byte
)

// validationCorpus delivers about 100 MB (uncompressed) of log files with
// digests.
func validationCorpus(b *testing.B) (*env, int64, [][]byte) {
	valOnce.Do(func() {
		e := newEnv(b)
		e.trail(b, "audit", true)
		for i := 0; valRaw < 100<<20; i++ {
			for j := range 2000 {
				ev := benchCall(e, i*2000+j)
				ev.RequestParameters = map[string]any{"namespace": "App", "metricData": []map[string]any{{"metricName": "Latency", "value": float64(j), "unit": "Milliseconds"}}}
				e.svc.consume(&ev)
			}
			e.clk.Advance(5 * time.Minute)
			keys := e.keys(b, "AWSLogs/123456789012/CloudTrail/")
			obj, _ := e.store.Get(context.Background(), "trail-bucket", keys[len(keys)-1])
			raw, _ := gunzip(obj.Body)
			valRaw += int64(len(raw))
			valGz = append(valGz, obj.Body)
		}
		e.clk.Advance(time.Hour)
		valEnv = e
	})
	return valEnv, valRaw, valGz
}

// BenchmarkValidate compares validating ~100 MB of delivered log files (with
// their digests) against the floor: gunzip + SHA-256 of the same files.
// Compare the two sub-benchmarks' MB/s: validate/floor is the efficiency.
func BenchmarkValidate(b *testing.B) {
	e, raw, gz := validationCorpus(b)
	b.Run("floor-gunzip-sha256", func(b *testing.B) {
		b.SetBytes(raw)
		buf := make([]byte, 64<<10)
		cpu := cpuTime()
		defer func() { reportCPU(b, cpu, "runs") }()
		for range b.N {
			for _, g := range gz {
				zr, _ := gzip.NewReader(bytes.NewReader(g))
				h := sha256.New()
				_, _ = io.CopyBuffer(h, zr, buf)
				_ = h.Sum(nil)
			}
		}
	})
	b.Run("validate-logs", func(b *testing.B) {
		b.SetBytes(raw)
		cpu := cpuTime()
		defer func() { reportCPU(b, cpu, "runs") }()
		for range b.N {
			rep, err := e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "audit", StartTime: t0.Add(-time.Hour)})
			if err != nil || !rep.OK() || rep.ValidLogs != len(gz) {
				b.Fatal(err, rep.ValidLogs, len(gz))
			}
		}
	})
}
