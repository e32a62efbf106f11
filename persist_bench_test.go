package localwatch_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/internal/journal"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
)

// The cost of persistence (issue 22): the same ingest in memory and with a
// data directory under each sync policy, from one goroutine and from several
// at once (RunParallel, where concurrent calls share fsyncs). Compare the
// modes over the same number of calls: an account's calls cost more as it
// holds more (the in-memory mode, fastest, would otherwise run the longest
// and hold the most):
//
//	go test . -run XXX -bench 'Persist(PutMetricData|PutLogEvents)' -benchtime 3000x -count 5

// persistModes are the accounts compared.
var persistModes = []struct {
	name string
	opts func(b *testing.B) localwatch.Options
}{
	{"memory", func(*testing.B) localwatch.Options { return localwatch.Options{} }},
	{"sync-every-call", func(b *testing.B) localwatch.Options { return localwatch.Options{DataDir: b.TempDir()} }},
	{"lose-recent-on-power-loss", func(b *testing.B) localwatch.Options {
		return localwatch.Options{DataDir: b.TempDir(), Sync: localwatch.SyncLoseRecentOnPowerLoss}
	}},
}

func persistAccount(b *testing.B, o localwatch.Options, t0 time.Time) *localwatch.Stack {
	o.Clock, o.IDSeed = localwatch.NewManualClock(t0), 1
	acct, err := localwatch.NewAccount(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(acct.Close)
	return acct.Region("us-east-1")
}

// BenchmarkPersistPutMetricData: PutMetricData of 1,000 datums (one second of
// 1,000 one-second series) or of 20 per op.
func BenchmarkPersistPutMetricData(b *testing.B) {
	for _, mode := range persistModes {
		for _, n := range []int{1000, 20} {
			for _, parallel := range []bool{false, true} {
				name := mode.name + "/" + map[int]string{1000: "1000-datums", 20: "20-datums"}[n] + map[bool]string{false: "/serial", true: "/parallel"}[parallel]
				b.Run(name, func(b *testing.B) {
					st := persistAccount(b, mode.opts(b), benchT0.Add(time.Hour))
					var i atomic.Int64
					put := func(in metrics.PutMetricDataInput) {
						ts := benchT0.Add(time.Duration(i.Add(1)%3600) * time.Second)
						for j := range in.MetricData {
							in.MetricData[j].Timestamp = ts
						}
						if _, err := st.Metrics.PutMetricData(context.Background(), in); err != nil {
							b.Error(err)
						}
					}
					b.ReportAllocs()
					if parallel {
						b.SetParallelism(4)
						b.RunParallel(func(pb *testing.PB) {
							in := putBatch(n)
							for pb.Next() {
								put(in)
							}
						})
					} else {
						in := putBatch(n)
						for b.Loop() {
							put(in)
						}
					}
					b.ReportMetric(float64(b.N)*float64(n)/b.Elapsed().Seconds(), "datapoints/s")
				})
			}
		}
	}
}

// BenchmarkPersistPutLogEvents: PutLogEvents of 1,000 events (~90 bytes)
// per op.
func BenchmarkPersistPutLogEvents(b *testing.B) {
	for _, mode := range persistModes {
		for _, parallel := range []bool{false, true} {
			b.Run(mode.name+map[bool]string{false: "/serial", true: "/parallel"}[parallel], func(b *testing.B) {
				t0 := benchT0.Add(24 * time.Hour)
				st := persistAccount(b, mode.opts(b), t0)
				ctx := context.Background()
				if _, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "bench"}); err != nil {
					b.Fatal(err)
				}
				for _, s := range []string{"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"} {
					if _, err := st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "bench", LogStreamName: s}); err != nil {
						b.Fatal(err)
					}
				}
				base := benchT0.UnixMilli()
				lines := make([]string, 1000)
				for i := range lines {
					lines[i] = logLine(i)
				}
				var stream, n atomic.Int64
				put := func(name string) {
					batch := make([]logs.InputLogEvent, 1000)
					start := n.Add(1000)
					for i := range batch {
						batch[i] = logs.InputLogEvent{Timestamp: base + (start+int64(i))%(20*3600*1000), Message: lines[i]}
					}
					if _, err := st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "bench", LogStreamName: name, LogEvents: batch}); err != nil {
						b.Error(err)
					}
				}
				b.ReportAllocs()
				if parallel {
					b.SetParallelism(2)
					b.RunParallel(func(pb *testing.PB) {
						name := "s" + string(rune('0'+stream.Add(1)%8))
						for pb.Next() {
							put(name)
						}
					})
				} else {
					for b.Loop() {
						put("s0")
					}
				}
				b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}

// BenchmarkPersistReopen: opening a data directory that holds 100
// PutMetricData calls of 1,000 datums (100,000 datapoints) in its journal,
// without a checkpoint, replaying them. Reports the replay rate and the
// journal's size per datapoint.
func BenchmarkPersistReopen(b *testing.B) {
	dir := b.TempDir()
	const calls, datums = 100, 1000
	clk := localwatch.NewManualClock(benchT0.Add(time.Hour))
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: clk, IDSeed: 1, DataDir: dir, Sync: localwatch.SyncLoseRecentOnPowerLoss})
	if err != nil {
		b.Fatal(err)
	}
	in := putBatch(datums)
	for i := range calls {
		for j := range in.MetricData {
			in.MetricData[j].Timestamp = benchT0.Add(time.Duration(i) * time.Second)
		}
		if _, err := acct.Region("us-east-1").Metrics.PutMetricData(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	snap, size := wholeJournal(b, acct)
	acct.Close()
	for b.Loop() {
		reopenByReplay(b, snap)
	}
	b.ReportMetric(float64(b.N)*calls*datums/b.Elapsed().Seconds(), "datapoints/s")
	b.ReportMetric(float64(size)/(calls*datums), "bytes/datapoint")
}

// wholeJournal returns a snapshot of acct's directory taken before its
// first checkpoint (so it holds the whole journal), and the bytes its
// journal takes once its segments are sealed and compressed, as the
// journal's writer compresses them (zstd, default level).
func wholeJournal(b *testing.B, acct *localwatch.Account) (snap []byte, journalBytes int64) {
	b.Helper()
	var buf bytes.Buffer
	if err := acct.Snapshot(&buf); err != nil {
		b.Fatal(err)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(true), zstd.WithEncoderLevel(zstd.SpeedDefault))
	if err != nil {
		b.Fatal(err)
	}
	defer enc.Close()
	tr := tar.NewReader(bytes.NewReader(buf.Bytes()))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		switch {
		case h.Name == "checkpoint":
			b.Fatal("the snapshot has a checkpoint: it does not hold the whole journal")
		case strings.HasPrefix(h.Name, "journal/") && strings.HasSuffix(h.Name, ".zst"):
			journalBytes += h.Size
		case strings.HasPrefix(h.Name, "journal/"):
			plain, err := io.ReadAll(tr)
			if err != nil {
				b.Fatal(err)
			}
			journalBytes += int64(len(enc.EncodeAll(plain, nil)))
		}
	}
	return buf.Bytes(), journalBytes
}

// reopenByReplay restores snap (from wholeJournal) into a new directory,
// with the benchmark's timer stopped, and opens it: a replay of the whole
// journal. It returns how long the open took.
func reopenByReplay(b *testing.B, snap []byte) time.Duration {
	b.Helper()
	b.StopTimer()
	dir := filepath.Join(b.TempDir(), "replay")
	if err := journal.Restore(bytes.NewReader(snap), dir, "objects"); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	start := time.Now()
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(benchT0), DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.StopTimer()
	acct.Close()
	os.RemoveAll(dir)
	b.StartTimer()
	return took
}

// BenchmarkPersistMetricsOnDisk: the workload of the metrics benchmarks
// (1,000 one-second series for an hour, 3.6 M datapoints, in calls of 1,000
// datums) put into an account with a data directory. Reports, per
// datapoint, the journal the calls left (its segments compressed, as sealed
// segments are) and the directory after Close, which writes a checkpoint
// and removes the journal it covers (compaction); and the time to open the
// directory again: replaying the whole journal, or loading the checkpoint.
// Two value series: "lognormal", the metrics benchmarks' seeded log-normal
// latencies, whose 52-bit mantissas are random (incompressible: about 6.7
// bytes of entropy per value), and "counts", small integer counts (requests
// per second per host), the common case of real metrics.
//
//	go test . -run XXX -bench PersistMetricsOnDisk -benchtime 3x -count 5
func BenchmarkPersistMetricsOnDisk(b *testing.B) {
	const series, points = 1000, 3600
	for _, values := range []string{"lognormal", "counts"} {
		b.Run(values, func(b *testing.B) {
			dir := b.TempDir()
			r := rand.New(rand.NewPCG(42, 7))
			acct, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(benchT0.Add(points * time.Second)),
				IDSeed: 1, DataDir: dir, Sync: localwatch.SyncLoseRecentOnPowerLoss})
			if err != nil {
				b.Fatal(err)
			}
			in := putBatch(series)
			vals := make([]float64, series)
			for t := range points {
				for j := range in.MetricData {
					if values == "lognormal" {
						vals[j] = math.Exp(3 + 0.5*r.NormFloat64())
					} else {
						vals[j] = float64(r.IntN(40))
					}
					in.MetricData[j].Timestamp = benchT0.Add(time.Duration(t) * time.Second)
					in.MetricData[j].Value = &vals[j]
				}
				if _, err := acct.Region("us-east-1").Metrics.PutMetricData(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
			snap, journalBytes := wholeJournal(b, acct)
			acct.Close()
			compacted := dirSize(dir)
			var replay, load time.Duration
			for b.Loop() {
				replay += reopenByReplay(b, snap)
				start := time.Now()
				acct, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(benchT0), DataDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				load += time.Since(start)
				acct.Close()
			}
			b.ReportMetric(float64(journalBytes)/(series*points), "journal-bytes/datapoint")
			b.ReportMetric(float64(compacted)/(series*points), "compacted-bytes/datapoint")
			b.ReportMetric(replay.Seconds()/float64(b.N), "s/reopen-replay")
			b.ReportMetric(load.Seconds()/float64(b.N), "s/reopen-checkpoint")
		})
	}
}

// BenchmarkPersistReopenDay: the reopen workload, one day of 1,000
// series at 1-second resolution (86.4 M datapoints, counts) plus 1 M log
// events (1,000 PutLogEvents of 1,000), written into a data directory,
// closed (which writes the checkpoint: s/close), and opened again (which
// loads it: s/reopen). Heavy (minutes, about 2 GB of memory and 1 GB
// of disk): run it alone with -benchtime 1x.
//
//	go test . -run XXX -bench PersistReopenDay -benchtime 1x
func BenchmarkPersistReopenDay(b *testing.B) {
	const series, seconds = 1000, 86400
	dir := b.TempDir()
	t0 := benchT0
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(t0.Add(seconds * time.Second)),
		IDSeed: 1, DataDir: dir, Sync: localwatch.SyncLoseRecentOnPowerLoss})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st := acct.Region("us-east-1")
	r := rand.New(rand.NewPCG(42, 7))
	in := putBatch(series)
	vals := make([]float64, series)
	for s := range seconds {
		for j := range in.MetricData {
			vals[j] = float64(r.IntN(40))
			in.MetricData[j].Timestamp = t0.Add(time.Duration(s) * time.Second)
			in.MetricData[j].Value = &vals[j]
		}
		if _, err := st.Metrics.PutMetricData(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "day"}); err != nil {
		b.Fatal(err)
	}
	if _, err := st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "day", LogStreamName: "s"}); err != nil {
		b.Fatal(err)
	}
	base := t0.Add(seconds * time.Second).Add(-time.Hour).UnixMilli()
	batch := make([]logs.InputLogEvent, 1000)
	for c := range 1000 {
		for i := range batch {
			batch[i] = logs.InputLogEvent{Timestamp: base + int64(c*1000+i)/1000, Message: logLine(i)}
		}
		if _, err := st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "day", LogStreamName: "s", LogEvents: batch}); err != nil {
			b.Fatal(err)
		}
	}
	closing := time.Now()
	acct.Close() // writes the checkpoint, removes the journal it covers
	closeTime := time.Since(closing)
	size := dirSize(dir)
	ckpt, err := os.Stat(filepath.Join(dir, "checkpoint"))
	if err != nil {
		b.Fatal("no checkpoint:", err)
	}
	b.ResetTimer()
	for b.Loop() {
		acct, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(t0), DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		acct.Close()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/reopen")
	b.ReportMetric(float64(size)/(1<<20), "dir-MiB")
	b.ReportMetric(float64(ckpt.Size())/(1<<20), "checkpoint-MiB")
	b.ReportMetric(closeTime.Seconds(), "s/close")
}

// dirSize returns the bytes the files under dir hold.
func dirSize(dir string) int64 {
	var size int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	return size
}
