package agent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/logs"
)

// recorder is a LogsAPI that keeps what it is sent and checks PutLogEvents'
// rules.
type recorder struct {
	mu        sync.Mutex
	groups    map[string]logs.CreateLogGroupInput
	retention map[string]int32
	streams   map[string][]logs.InputLogEvent // "group stream"
	batches   []logs.PutLogEventsInput
	fail      int // refuse this many PutLogEvents calls
}

func newRecorder() *recorder {
	return &recorder{groups: map[string]logs.CreateLogGroupInput{}, retention: map[string]int32{}, streams: map[string][]logs.InputLogEvent{}}
}

func (r *recorder) CreateLogGroup(_ context.Context, in logs.CreateLogGroupInput) (*logs.CreateLogGroupOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.groups[in.LogGroupName]; ok {
		return nil, logs.ErrResourceAlreadyExists
	}
	r.groups[in.LogGroupName] = in
	return &logs.CreateLogGroupOutput{}, nil
}

func (r *recorder) CreateLogStream(_ context.Context, in logs.CreateLogStreamInput) (*logs.CreateLogStreamOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := in.LogGroupName + " " + in.LogStreamName
	if _, ok := r.streams[k]; ok {
		return nil, logs.ErrResourceAlreadyExists
	}
	r.streams[k] = []logs.InputLogEvent{}
	return &logs.CreateLogStreamOutput{}, nil
}

func (r *recorder) PutRetentionPolicy(_ context.Context, in logs.PutRetentionPolicyInput) (*logs.PutRetentionPolicyOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retention[in.LogGroupName] = in.RetentionInDays
	return &logs.PutRetentionPolicyOutput{}, nil
}

func (r *recorder) PutLogEvents(_ context.Context, in logs.PutLogEventsInput) (*logs.PutLogEventsOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return nil, errors.New("ServiceUnavailableException: try later")
	}
	k := in.LogGroupName + " " + in.LogStreamName
	if _, ok := r.streams[k]; !ok {
		return nil, logs.ErrResourceNotFound
	}
	if len(in.LogEvents) == 0 || len(in.LogEvents) > 10000 {
		return nil, fmt.Errorf("batch of %d events", len(in.LogEvents))
	}
	size := 0
	for i, e := range in.LogEvents {
		size += len(e.Message) + 26
		if i > 0 && e.Timestamp < in.LogEvents[i-1].Timestamp {
			return nil, errors.New("not chronological")
		}
		if len(e.Message)+26 > 262144 {
			return nil, errors.New("event too large")
		}
	}
	if size > 1048576 {
		return nil, fmt.Errorf("batch of %d bytes", size)
	}
	if span := in.LogEvents[len(in.LogEvents)-1].Timestamp - in.LogEvents[0].Timestamp; span > 24*3600*1000 {
		return nil, fmt.Errorf("batch spans %d ms", span)
	}
	r.batches = append(r.batches, in)
	r.streams[k] = append(r.streams[k], in.LogEvents...)
	return &logs.PutLogEventsOutput{}, nil
}

func (r *recorder) messages(stream string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.streams[stream] {
		out = append(out, e.Message)
	}
	return out
}

// tailEnv is a directory, a state directory, a manual clock and a host
// reading one collect_list entry.
type tailEnv struct {
	t     *testing.T
	dir   string
	state string
	clock *clock.Manual
	rec   *recorder
	host  *Host
	entry string
}

func newTailEnv(t *testing.T, entry string) *tailEnv {
	e := &tailEnv{t: t, dir: t.TempDir(), clock: clock.NewManual(t0), rec: newRecorder(), entry: entry}
	e.state = filepath.Join(e.dir, "state")
	e.start()
	return e
}

func (e *tailEnv) path(name string) string { return filepath.Join(e.dir, name) }

func (e *tailEnv) start() {
	js := strings.ReplaceAll(`{"logs":{"force_flush_interval":1,"logs_collected":{"files":{"collect_list":[`+e.entry+`]}}}}`, "DIR", e.dir)
	c, err := ParseConfig([]byte(js))
	require.NoError(e.t, err)
	e.host, err = NewHost(c, HostOptions{Clock: e.clock, Logs: e.rec, StateDir: e.state, Hostname: "web-1", InstanceID: "i-0abc", IPAddress: "10.0.0.1"})
	require.NoError(e.t, err)
	e.host.Start()
}

// restart closes the host and starts another on the same state directory.
func (e *tailEnv) restart() {
	require.NoError(e.t, e.host.Close())
	e.start()
}

// crash closes the host while Logs may be refusing batches (Close then
// reports the error, and the offsets stay where delivery stopped) and
// starts another.
func (e *tailEnv) crash() {
	_ = e.host.Close()
	e.start()
}

func (e *tailEnv) tick(d time.Duration) { e.clock.Advance(d) }

// deliver lets Logs accept batches again and polls until what was read is
// sent.
func (e *tailEnv) deliver() {
	e.rec.mu.Lock()
	e.rec.fail = 0
	e.rec.mu.Unlock()
	e.tick(2 * time.Second)
}

func (e *tailEnv) write(name, data string) {
	f, err := os.OpenFile(e.path(name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(e.t, err)
	_, err = f.WriteString(data)
	require.NoError(e.t, err)
	require.NoError(e.t, f.Close())
}

func lines(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s %d", prefix, i))
	}
	return out
}

func joinLines(ls []string) string { return strings.Join(ls, "\n") + "\n" }

const plainEntry = `{"file_path":"DIR/app.log","log_group_name":"app","log_stream_name":"{instance_id}"}`

func TestTailAppendedLinesArriveOnceInOrder(t *testing.T) {
	e := newTailEnv(t, plainEntry)
	e.write("app.log", joinLines(lines("a", 0, 3)))
	e.tick(2 * time.Second)
	assert.Equal(t, lines("a", 0, 3), e.rec.messages("app i-0abc"))
	e.write("app.log", joinLines(lines("a", 3, 5)))
	e.tick(2 * time.Second)
	assert.Equal(t, lines("a", 0, 5), e.rec.messages("app i-0abc"))
	ev := e.rec.streams["app i-0abc"][0]
	assert.Equal(t, t0.Add(time.Second).UnixMilli(), ev.Timestamp, "without timestamp_format, the time the line was read")
	require.NoError(t, e.host.Close())
}

func TestTailFollowsRenameRotation(t *testing.T) {
	e := newTailEnv(t, plainEntry)
	e.write("app.log", joinLines(lines("old", 0, 2)))
	e.tick(time.Second)
	// The writer adds a line, then logrotate renames and a new file starts.
	e.write("app.log", "old 2\n")
	require.NoError(t, os.Rename(e.path("app.log"), e.path("app.log.1")))
	e.write("app.log", joinLines(lines("new", 0, 2)))
	e.tick(3 * time.Second)
	assert.Equal(t, append(lines("old", 0, 3), lines("new", 0, 2)...), e.rec.messages("app i-0abc"))
	require.NoError(t, e.host.Close())
}

func TestTailFollowsCopyTruncate(t *testing.T) {
	e := newTailEnv(t, plainEntry)
	e.write("app.log", joinLines(lines("before", 0, 3)))
	e.tick(time.Second)
	require.NoError(t, os.Truncate(e.path("app.log"), 0))
	e.write("app.log", "after 0\n")
	e.tick(3 * time.Second)
	assert.Equal(t, append(lines("before", 0, 3), "after 0"), e.rec.messages("app i-0abc"))
	require.NoError(t, e.host.Close())
}

func TestTailFollowsDeleteAndRecreate(t *testing.T) {
	e := newTailEnv(t, plainEntry)
	e.write("app.log", "first 0\n")
	e.tick(time.Second)
	require.NoError(t, os.Remove(e.path("app.log")))
	e.tick(time.Second)
	e.write("app.log", "second 0\n")
	e.tick(3 * time.Second)
	assert.Equal(t, []string{"first 0", "second 0"}, e.rec.messages("app i-0abc"))
	require.NoError(t, e.host.Close())
}

func TestTailMultiLineStackTraces(t *testing.T) {
	e := newTailEnv(t, `{"file_path":"DIR/app.log","log_group_name":"app","log_stream_name":"s",
		"timestamp_format":"%Y-%m-%d %H:%M:%S","timezone":"UTC","multi_line_start_pattern":"{timestamp_format}"}`)
	e.write("app.log", "2026-11-25 11:00:00 ERROR boom\n"+
		"java.lang.IllegalStateException: boom\n"+
		"\tat com.example.App.main(App.java:10)\n"+
		"2026-11-25 11:00:01 INFO next\n")
	e.tick(2 * time.Second)
	assert.Equal(t, []string{"2026-11-25 11:00:00 ERROR boom\njava.lang.IllegalStateException: boom\n\tat com.example.App.main(App.java:10)"},
		e.rec.messages("app s"), "the last event waits for more lines")
	e.tick(6 * time.Second)
	got := e.rec.streams["app s"]
	require.Len(t, got, 2, "sent after the multi-line wait")
	assert.Equal(t, "2026-11-25 11:00:01 INFO next", got[1].Message)
	assert.Equal(t, time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC).UnixMilli(), got[0].Timestamp, "timestamp parsed per timestamp_format")
	assert.Equal(t, time.Date(2026, 11, 25, 11, 0, 1, 0, time.UTC).UnixMilli(), got[1].Timestamp)
	require.NoError(t, e.host.Close())
}

func TestTailBadUTF8IsReplaced(t *testing.T) {
	e := newTailEnv(t, plainEntry)
	e.write("app.log", "ok \xff\xfe bytes\r\nlatin \xe9\n")
	e.tick(2 * time.Second)
	assert.Equal(t, []string{"ok \uFFFD bytes", "latin \uFFFD"}, e.rec.messages("app i-0abc"))
	require.NoError(t, e.host.Close())
}

func TestTailEncodingDecodes(t *testing.T) {
	e := newTailEnv(t, `{"file_path":"DIR/app.log","log_group_name":"app","log_stream_name":"s","encoding":"windows-1252"}`)
	e.write("app.log", "caf\xe9 \x80\n")
	e.tick(2 * time.Second)
	assert.Equal(t, []string{"café €"}, e.rec.messages("app s"))
	require.NoError(t, e.host.Close())
}

func TestTailPartialLastLineIsHeldUntilItEnds(t *testing.T) {
	e := newTailEnv(t, plainEntry)
	e.write("app.log", "complete\nhalf a ")
	e.tick(2 * time.Second)
	assert.Equal(t, []string{"complete"}, e.rec.messages("app i-0abc"))
	e.write("app.log", "line\n")
	e.tick(2 * time.Second)
	assert.Equal(t, []string{"complete", "half a line"}, e.rec.messages("app i-0abc"))
	e.write("app.log", "never ends")
	e.tick(3 * time.Second)
	assert.Len(t, e.rec.messages("app i-0abc"), 2)
	e.tick(4 * time.Second)
	assert.Equal(t, []string{"complete", "half a line", "never ends"}, e.rec.messages("app i-0abc"), "sent after the flush timeout")
	require.NoError(t, e.host.Close())
}

func TestTailRestartResumesExactly(t *testing.T) {
	e := newTailEnv(t, `{"file_path":"DIR/app.log","log_group_name":"app","log_stream_name":"s",
		"multi_line_start_pattern":"^[^ ]"}`)
	e.write("app.log", joinLines(lines("l", 0, 50)))
	e.write("app.log", "trace start\n  at frame 1\n")
	e.write("app.log", "partial ")
	e.tick(time.Second)
	e.restart() // mid-file: a multi-line event unfinished, a line half written
	e.write("app.log", "line\n  at frame 2\n")
	e.write("app.log", joinLines(lines("m", 0, 50)))
	e.tick(10 * time.Second)
	e.restart()
	e.write("app.log", "z 0\n")
	e.tick(10 * time.Second)
	require.NoError(t, e.host.Close())
	want := append(lines("l", 0, 50), "trace start\n  at frame 1", "partial line\n  at frame 2")
	want = append(append(want, lines("m", 0, 50)...), "z 0")
	assert.Equal(t, want, e.rec.messages("app s"), "every line once, in order, across restarts")
}

func TestTailFiltersIncludeAndExclude(t *testing.T) {
	e := newTailEnv(t, `{"file_path":"DIR/access.log","log_group_name":"web","log_stream_name":"s",
		"filters":[{"type":"exclude","expression":"Firefox"},{"type":"include","expression":"P(UT|OST)"}]}`)
	e.write("access.log", "GET / Chrome\nPUT /a Chrome\nPOST /b Firefox\nPOST /c curl\n")
	e.tick(2 * time.Second)
	assert.Equal(t, []string{"PUT /a Chrome", "POST /c curl"}, e.rec.messages("web s"))
	e.restart()
	e.tick(2 * time.Second)
	assert.Len(t, e.rec.messages("web s"), 2, "filtered lines are not read again after a restart")
	require.NoError(t, e.host.Close())
}

func TestTailGroupCreationRetentionAndClass(t *testing.T) {
	e := newTailEnv(t, `{"file_path":"DIR/app.log","log_group_name":"/app/{hostname}","log_stream_name":"{ip_address}-{local_hostname}",
		"retention_in_days":30,"log_group_class":"INFREQUENT_ACCESS"}`)
	e.write("app.log", "x\n")
	e.tick(2 * time.Second)
	assert.Equal(t, []string{"x"}, e.rec.messages("/app/web-1 10.0.0.1-web-1"))
	assert.Equal(t, logs.LogGroupClassInfrequentAccess, e.rec.groups["/app/web-1"].LogGroupClass)
	assert.Equal(t, int32(30), e.rec.retention["/app/web-1"])
	// The stream deleted behind the agent's back is created again.
	e.rec.mu.Lock()
	delete(e.rec.streams, "/app/web-1 10.0.0.1-web-1")
	e.rec.mu.Unlock()
	e.write("app.log", "y\n")
	e.tick(2 * time.Second)
	assert.Equal(t, []string{"y"}, e.rec.messages("/app/web-1 10.0.0.1-web-1"))
	require.NoError(t, e.host.Close())
}

func TestTailGlobPicksUpNewFiles(t *testing.T) {
	t.Run("publish_multi_logs sends every file to its own stream", func(t *testing.T) {
		e := newTailEnv(t, `{"file_path":"DIR/logs/**.log","log_group_name":"g","log_stream_name":"s","publish_multi_logs":true}`)
		require.NoError(t, os.MkdirAll(e.path("logs/sub"), 0o755))
		e.write("logs/a.log", "a\n")
		e.tick(2 * time.Second)
		e.write("logs/sub/b.log", "b\n")
		e.tick(2 * time.Second)
		esc := func(p string) string { return "g s_" + strings.ReplaceAll(e.path(p), "/", "_") }
		assert.Equal(t, []string{"a"}, e.rec.messages(esc("logs/a.log")))
		assert.Equal(t, []string{"b"}, e.rec.messages(esc("logs/sub/b.log")))
		require.NoError(t, e.host.Close())
	})
	t.Run("publish_multi_logs without a group gives each file its own group", func(t *testing.T) {
		e := newTailEnv(t, `{"file_path":"DIR/*.log","log_stream_name":"s","publish_multi_logs":true}`)
		e.write("a.log", "a\n")
		e.write("b.log", "b\n")
		e.tick(2 * time.Second)
		assert.Equal(t, []string{"a"}, e.rec.messages(e.path("a.log")+" s"))
		assert.Equal(t, []string{"b"}, e.rec.messages(e.path("b.log")+" s"))
		require.NoError(t, e.host.Close())
	})
	t.Run("otherwise the newest file is tailed and the old one finished", func(t *testing.T) {
		e := newTailEnv(t, `{"file_path":"DIR/access_log.*","log_group_name":"g","log_stream_name":"s","auto_removal":true}`)
		e.write("access_log.01", "one\n")
		e.tick(2 * time.Second)
		e.write("access_log.01", "one more\n")
		later := time.Now().Add(time.Hour) // file times are the wall's
		e.write("access_log.02", "two\n")
		require.NoError(t, os.Chtimes(e.path("access_log.02"), later, later))
		e.tick(2 * time.Second)
		assert.Equal(t, []string{"one", "one more", "two"}, e.rec.messages("g s"))
		_, err := os.Stat(e.path("access_log.01"))
		assert.True(t, os.IsNotExist(err), "auto_removal removes the finished file")
		require.NoError(t, e.host.Close())
	})
}

func TestTailBatchesWithinPutLogEventsLimits(t *testing.T) {
	e := newTailEnv(t, `{"file_path":"DIR/app.log","log_group_name":"g","log_stream_name":"s",
		"timestamp_format":"%Y-%m-%dT%H:%M:%S","timezone":"UTC"}`)
	var b strings.Builder
	for i := range 25000 {
		fmt.Fprintf(&b, "2026-11-25T%02d:%02d:%02d n%d\n", 10+i/3600, i/60%60, i%60, i)
	}
	big := strings.Repeat("x", 300<<10)
	fmt.Fprintf(&b, "2026-11-25T17:00:00 %s\n", big)
	for i := range 8 {
		fmt.Fprintf(&b, "2026-11-25T17:00:01 %s\n", strings.Repeat(string(rune('a'+i)), 200<<10))
	}
	b.WriteString("2026-11-27T11:00:00 two days later\n") // beyond a batch's 24 hours
	e.write("app.log", b.String())
	e.tick(3 * time.Second)
	require.NoError(t, e.host.Close())
	got := e.rec.streams["g s"]
	require.Len(t, got, 25000+1+8+1)
	for i := range 25000 {
		require.Equal(t, fmt.Sprintf("n%d", i), got[i].Message[20:])
	}
	tr := got[25000].Message
	assert.Len(t, tr, 262144-26, "cut to the event limit")
	assert.True(t, strings.HasSuffix(tr, "[Truncated...]"))
	for _, in := range e.rec.batches {
		assert.LessOrEqual(t, len(in.LogEvents), 10000)
	}
	assert.GreaterOrEqual(t, len(e.rec.batches), 5)
}

func TestTailRefusedBatchIsRetriedWithoutLossOrDuplicates(t *testing.T) {
	e := newTailEnv(t, plainEntry)
	e.rec.fail = 3
	e.write("app.log", joinLines(lines("a", 0, 5)))
	e.tick(3 * time.Second)
	assert.Empty(t, e.rec.messages("app i-0abc"))
	e.write("app.log", joinLines(lines("a", 5, 7)))
	e.tick(3 * time.Second)
	assert.Equal(t, lines("a", 0, 7), e.rec.messages("app i-0abc"))
	require.NoError(t, e.host.Close())
}

func TestTailIntoTheLogsService(t *testing.T) {
	mc := clock.NewManual(t0)
	svc := logs.New(logs.Options{Clock: mc})
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.log"), []byte("hello\nworld\n"), 0o644))
	c, err := ParseConfig([]byte(`{"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"` + dir + `/app.log","log_group_name":"app","retention_in_days":7}]}}}}`))
	require.NoError(t, err)
	h, err := NewHost(c, HostOptions{Clock: mc, Logs: svc, Hostname: "web-1"})
	require.NoError(t, err)
	h.Start()
	mc.Advance(10 * time.Second)
	out, err := svc.GetLogEvents(context.Background(), logs.GetLogEventsInput{LogGroupName: "app", LogStreamName: "web-1", StartFromHead: new(true)})
	require.NoError(t, err)
	require.Len(t, out.Events, 2)
	assert.Equal(t, "hello", out.Events[0].Message)
	require.NoError(t, h.Close())
	assert.ErrorContains(t, h.PollLogs(context.Background()), "ServiceUnavailable")
}

func TestTailRotatedFileFinishesBeforeTheNewOneWhileBatchesAreRefused(t *testing.T) {
	e := newTailEnv(t, plainEntry)
	e.rec.fail = 4
	e.write("app.log", joinLines(lines("old", 0, 12000))) // more than one batch
	e.tick(time.Second)                                   // reading stops at a full, refused batch
	require.NoError(t, os.Rename(e.path("app.log"), e.path("app.log.1")))
	e.write("app.log", joinLines(lines("new", 0, 3)))
	e.tick(10 * time.Second)
	require.NoError(t, e.host.Close())
	got, want := e.rec.messages("app i-0abc"), append(lines("old", 0, 12000), lines("new", 0, 3)...)
	require.Len(t, got, len(want))
	assert.True(t, slices.Equal(want, got), "the old file's lines first, each once")
}

func TestTailUTF16Files(t *testing.T) {
	utf16 := func(bom []byte, s string, be bool) string {
		out := append([]byte{}, bom...)
		for _, r := range s { // the Basic Multilingual Plane only
			if be {
				out = append(out, byte(r>>8), byte(r))
			} else {
				out = append(out, byte(r), byte(r>>8))
			}
		}
		return string(out)
	}
	for _, tc := range []struct {
		name string
		bom  []byte
		be   bool
	}{{"little-endian with a BOM", []byte{0xFF, 0xFE}, false}, {"big-endian with a BOM", []byte{0xFE, 0xFF}, true}, {"no BOM is little-endian", nil, false}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTailEnv(t, `{"file_path":"DIR/app.log","log_group_name":"app","log_stream_name":"s","encoding":"utf-16"}`)
			e.write("app.log", utf16(tc.bom, "caf\u00e9 \u010a\r\nsecond\n", tc.be)) // U+010A has a 0x0A byte
			e.tick(2 * time.Second)
			e.write("app.log", utf16(nil, "third\n", tc.be))
			e.tick(2 * time.Second)
			require.NoError(t, e.host.Close())
			assert.Equal(t, []string{"café \u010a", "second", "third"}, e.rec.messages("app s"))
		})
	}
}
