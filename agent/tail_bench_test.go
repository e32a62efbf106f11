package agent

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/logs"
)

// sink is a LogsAPI that accepts everything and keeps nothing, so a
// benchmark measures the tailer alone. Every 50th batch it records the
// heap in use.
type sink struct {
	events, batches int
	maxHeap         uint64
}

func (*sink) CreateLogGroup(context.Context, logs.CreateLogGroupInput) (*logs.CreateLogGroupOutput, error) {
	return &logs.CreateLogGroupOutput{}, nil
}
func (*sink) CreateLogStream(context.Context, logs.CreateLogStreamInput) (*logs.CreateLogStreamOutput, error) {
	return &logs.CreateLogStreamOutput{}, nil
}
func (*sink) PutRetentionPolicy(context.Context, logs.PutRetentionPolicyInput) (*logs.PutRetentionPolicyOutput, error) {
	return &logs.PutRetentionPolicyOutput{}, nil
}
func (s *sink) PutLogEvents(_ context.Context, in logs.PutLogEventsInput) (*logs.PutLogEventsOutput, error) {
	s.events += len(in.LogEvents)
	s.batches++
	if s.maxHeap > 0 && s.batches%50 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		s.maxHeap = max(s.maxHeap, m.HeapInuse)
	}
	return &logs.PutLogEventsOutput{}, nil
}

// writeLines writes n 200-byte lines (199 bytes and a newline).
func writeLines(tb testing.TB, path string, n int) int64 {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(tb, err)
	w := bufio.NewWriterSize(f, 1<<20)
	pad := make([]byte, 199)
	for i := range pad {
		pad[i] = 'a' + byte(i%26)
	}
	for i := range n {
		s := fmt.Sprintf("2026-11-25T12:00:00Z INFO request %09d ", i)
		w.WriteString(s)
		w.Write(pad[len(s):])
		w.WriteByte('\n')
	}
	require.NoError(tb, w.Flush())
	fi, err := f.Stat()
	require.NoError(tb, err)
	require.NoError(tb, f.Close())
	return fi.Size()
}

func newBenchHost(tb testing.TB, dir string, api LogsAPI) (*Host, *clock.Manual) {
	c, err := ParseConfig([]byte(`{"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"` +
		filepath.Join(dir, "app.log") + `","log_group_name":"g","log_stream_name":"s"}]}}}}`))
	require.NoError(tb, err)
	mc := clock.NewManual(t0)
	h, err := NewHost(c, HostOptions{Clock: mc, Logs: api, StateDir: filepath.Join(dir, "state"), Hostname: "h"})
	require.NoError(tb, err)
	return h, mc
}

// BenchmarkTail200ByteLines measures how fast the tailer turns a file of
// 200-byte lines into PutLogEvents batches (MB/s is the figure to compare
// with a writer's 100 MB/s): each iteration appends 32 MB and polls once.
func BenchmarkTail200ByteLines(b *testing.B) {
	dir := b.TempDir()
	s := &sink{}
	h, mc := newBenchHost(b, dir, s)
	defer h.Close()
	const lines = 32 << 20 / 200
	b.SetBytes(lines * 200)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		writeLines(b, filepath.Join(dir, "app.log"), lines)
		mc.Advance(time.Second)
		b.StartTimer()
		require.NoError(b, h.PollLogs(context.Background()))
		require.NoError(b, h.logs.flushAll(context.Background())) // the batch's tail too
	}
	b.ReportMetric(float64(s.events)/float64(b.N), "events/op")
}

// TestTailMemoryIsBoundedWhateverTheFileSize reads a 64 MB file in one poll
// and checks the heap in use stays a few batches' worth.
func TestTailMemoryIsBoundedWhateverTheFileSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 64 MB")
	}
	dir := t.TempDir()
	size := writeLines(t, filepath.Join(dir, "app.log"), 64<<20/200)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	s := &sink{maxHeap: 1}
	h, _ := newBenchHost(t, dir, s)
	require.NoError(t, h.PollLogs(context.Background()))
	require.NoError(t, h.Close())
	require.Equal(t, int(size/200), s.events)
	grown := int64(s.maxHeap) - int64(before.HeapInuse)
	t.Logf("file %d MB, heap in use grew by at most %.1f MB", size>>20, float64(grown)/(1<<20))
	require.Less(t, grown, int64(24<<20), "the heap must not grow with the file")
}

// BenchmarkTailIntoLogsService is the same with the Logs service storing
// every event (what the stack does): tailing plus PutLogEvents.
func BenchmarkTailIntoLogsService(b *testing.B) {
	dir := b.TempDir()
	mc := clock.NewManual(t0)
	svc := logs.New(logs.Options{Clock: mc})
	h, _ := newBenchHost(b, dir, svc)
	defer h.Close()
	const lines = 8 << 20 / 200
	b.SetBytes(lines * 200)
	for b.Loop() {
		b.StopTimer()
		writeLines(b, filepath.Join(dir, "app.log"), lines)
		b.StartTimer()
		require.NoError(b, h.PollLogs(context.Background()))
		require.NoError(b, h.logs.flushAll(context.Background()))
	}
}
