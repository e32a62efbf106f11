package agent

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/logs"
)

// LogsAPI is what the agent calls on CloudWatch Logs; *logs.Service (the
// stack's Logs) implements it.
type LogsAPI interface {
	CreateLogGroup(ctx context.Context, in logs.CreateLogGroupInput) (*logs.CreateLogGroupOutput, error)
	CreateLogStream(ctx context.Context, in logs.CreateLogStreamInput) (*logs.CreateLogStreamOutput, error)
	PutRetentionPolicy(ctx context.Context, in logs.PutRetentionPolicyInput) (*logs.PutRetentionPolicyOutput, error)
	PutLogEvents(ctx context.Context, in logs.PutLogEventsInput) (*logs.PutLogEventsOutput, error)
}

// The limits the tailer batches and cuts events by.
const (
	// maxEventBytes is the largest message: the agent's max_event_size
	// (262144, "256KB") less PutLogEvents' 26 bytes of overhead per event.
	maxEventBytes = 262144 - eventOverhead
	// truncateSuffix ends a message cut to maxEventBytes, as the agent's
	// truncate_suffix default.
	truncateSuffix = "[Truncated...]"
	// PutLogEvents: at most 10,000 events and 1,048,576 bytes (each
	// message's UTF-8 bytes plus 26) per call, spanning at most 24 hours.
	maxBatchEvents = 10000
	maxBatchBytes  = 1048576
	eventOverhead  = 26
	maxBatchSpan   = 24 * time.Hour
	// pendingTimeout is how long a multi-line event waits for more lines,
	// and a last line for its newline, before it is sent as it is (the
	// agent's tailer sends a multi-line event after five one-second ticks
	// without a new start).
	pendingTimeout = 5 * time.Second
	// readChunk is how much of a file one read takes; with one batch per
	// stream and at most one event's worth of partial line per file, it
	// bounds the tailer's memory whatever the files' sizes.
	readChunk = 256 << 10
)

// logTailer reads the collect_list files. Everything runs in poll, on the
// clock's schedule; mu serializes polls with Close.
type logTailer struct {
	mu      sync.Mutex
	cfg     *LogsConfig
	opts    *HostOptions
	state   stateStore
	sources []*logSource
	streams map[string]*streamBuf // by group "\x00" stream
	ready   map[string]bool       // groups and streams created
	buf     []byte
	closed  bool
}

// logSource is one collect_list entry and the files it is reading.
type logSource struct {
	cfg    *LogFileConfig
	group  string
	stream string
	loc    *time.Location
	files  []*tailedFile // in the order they were opened: older first
}

// tailedFile is an open file and how far it has got. Offsets: readOff is
// the next byte to read; carry holds the bytes after the last newline
// read (a partial line); consumed is where the last complete line ended;
// committed is where everything before is delivered or dropped, the offset
// the state directory keeps.
type tailedFile struct {
	src          *logSource
	nl           []byte            // the line ending: "\n", or UTF-16's two bytes
	enc          encoding.Encoding // nil: UTF-8
	sb           *streamBuf
	path         string
	id           fileID
	f            *os.File
	readOff      int64
	carry        []byte
	carryCut     bool // the partial line outgrew an event: its rest is dropped
	partialSince time.Time
	consumed     int64
	// The multi-line event being assembled (multi_line_start_pattern).
	pend       []byte
	pendStart  int64
	pendActive bool
	pendDrop   bool // the event is full: lines are dropped until the next start
	pendLast   time.Time
	committed  int64
	queued     int // events in the stream buffer not yet delivered
	gen        int // bumped on truncation: older events no longer move committed
	dirty      bool
	// headN and headCRC fingerprint the file's first bytes read, to see
	// it rewritten in place.
	headN   int64
	headCRC uint32
}

type queuedEvent struct {
	ev   logs.InputLogEvent
	file *tailedFile
	gen  int
	end  int64
}

// streamBuf is the batch being built for one log stream.
type streamBuf struct {
	group, stream string
	src           *logSource
	events        []queuedEvent
	bytes         int
	minTs, maxTs  int64
	first         time.Time
}

func newLogTailer(cfg *LogsConfig, opts *HostOptions) (*logTailer, error) {
	t := &logTailer{cfg: cfg, opts: opts, state: stateStore{dir: opts.StateDir}, streams: map[string]*streamBuf{},
		ready: map[string]bool{}, buf: make([]byte, readChunk)}
	for i := range cfg.Files {
		f := &cfg.Files[i]
		s := &logSource{cfg: f, group: t.expand(f.LogGroupName), stream: t.expand(f.LogStreamName), loc: time.Local}
		if f.Timezone == "UTC" {
			s.loc = time.UTC
		}
		t.sources = append(t.sources, s)
	}
	return t, nil
}

// expand fills in the agent's name variables.
func (t *logTailer) expand(name string) string {
	return strings.NewReplacer("{instance_id}", t.opts.InstanceID, "{hostname}", t.opts.Hostname,
		"{local_hostname}", t.opts.LocalHostname, "{ip_address}", t.opts.IPAddress).Replace(name)
}

// PollLogs reads what the collect_list files gained since the last poll
// (new files matching the globs included), sends the batches that are full
// or older than logs.force_flush_interval, and saves the offsets reached.
// Start runs it every LogPollInterval; tests on a manual clock may call it
// directly. It returns the first error of the poll (an unreadable file, a
// refused PutLogEvents); what failed is retried at the next poll.
func (h *Host) PollLogs(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if h.isClosed() {
		return awserr.Closed("ServiceUnavailable")
	}
	if h.logs == nil {
		return nil
	}
	return h.logs.poll(ctx, h.opts.Clock.Now())
}

func (t *logTailer) poll(ctx context.Context, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	var errs []error
	for _, s := range t.sources {
		if err := t.pollSource(ctx, s, now); err != nil {
			errs = append(errs, err)
		}
	}
	for _, key := range sortedKeys(t.streams) {
		sb := t.streams[key]
		if len(sb.events) > 0 && now.Sub(sb.first) >= t.cfg.ForceFlushInterval {
			if err := t.flush(ctx, sb); err != nil {
				errs = append(errs, err)
			}
		}
	}
	errs = append(errs, t.saveStates())
	return errors.Join(errs...)
}

type candidate struct {
	path  string
	id    fileID
	mtime time.Time
}

func (t *logTailer) pollSource(ctx context.Context, s *logSource, now time.Time) error {
	paths, err := globFiles(s.cfg.FilePath)
	if err != nil {
		return err
	}
	var all []candidate
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		all = append(all, candidate{path: p, id: idOf(fi), mtime: fi.ModTime()})
	}
	targets := all
	if !s.cfg.PublishMultiLogs && len(all) > 1 {
		// "Only the latest file is pushed to CloudWatch Logs based on file
		// modification time."
		newest := all[0]
		for _, c := range all[1:] {
			if c.mtime.After(newest.mtime) || (c.mtime.Equal(newest.mtime) && c.path > newest.path) {
				newest = c
			}
		}
		targets = []candidate{newest}
	}
	isTarget := func(f *tailedFile) bool {
		return slices.ContainsFunc(targets, func(c candidate) bool { return c.id == f.id && (c.id != fileID{} || c.path == f.path) })
	}
	var errs []error
	// Files no longer targeted were rotated away, replaced, deleted or
	// superseded by a newer file: read them to their end first (their lines
	// come before the new file's), then let them go.
	kept := s.files[:0]
	blocked := false
	for _, f := range s.files {
		if isTarget(f) || blocked {
			kept = append(kept, f)
			continue
		}
		if !t.readFile(ctx, f, now, true) {
			kept = append(kept, f) // blocked by a refused batch: retry later
			blocked = true
			continue
		}
		if s.cfg.AutoRemoval {
			// "The agent only removes complete files from logs that create
			// multiple files": a file another one superseded.
			if i := slices.IndexFunc(all, func(c candidate) bool { return c.id == f.id && c.id != fileID{} }); i >= 0 {
				// Deliver its events before the file goes.
				if err := t.flush(ctx, f.sb); err == nil {
					_ = os.Remove(all[i].path)
				}
			}
		}
		f.f.Close()
		f.f = nil
		if f.queued == 0 {
			f.sb = nil
		}
		// Its offsets mean nothing for the next file at its path (which may
		// even get its inode).
		t.state.remove(f.path)
	}
	s.files = kept
	if blocked {
		// The newer files' lines must not overtake the rest of the old one.
		return errors.Join(errs...)
	}
	for _, c := range targets {
		if slices.ContainsFunc(s.files, func(f *tailedFile) bool { return f.id == c.id && (c.id != fileID{} || f.path == c.path) }) {
			continue
		}
		f, err := t.open(s, c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.files = append(s.files, f)
	}
	for _, f := range s.files {
		if f.f == nil {
			continue
		}
		t.readFile(ctx, f, now, false)
	}
	return errors.Join(errs...)
}

// open starts tailing a file: where the state directory says this very
// file (same device and inode) was left, else from its beginning.
func (t *logTailer) open(s *logSource, c candidate) (*tailedFile, error) {
	fh, err := os.Open(c.path)
	if err != nil {
		return nil, err
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	f := &tailedFile{src: s, path: c.path, id: idOf(fi), f: fh, nl: []byte("\n"), enc: s.cfg.enc}
	if strings.EqualFold(s.cfg.Encoding, "utf-16") {
		// Little-endian unless the file starts with a big-endian BOM; the
		// decoder drops the BOM of the first line.
		f.nl, f.enc = []byte("\n\x00"), unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
		var bom [2]byte
		if n, _ := fh.ReadAt(bom[:], 0); n == 2 && bom == [2]byte{0xFE, 0xFF} {
			f.nl, f.enc = []byte("\x00\n"), unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
		}
	}
	if st, ok := t.state.load(c.path); ok && st.id == f.id && st.offset <= fi.Size() && st.fpLen <= fi.Size() {
		if fp, ok := fingerprint(fh, st.fpLen); ok && fp == st.fp {
			f.readOff, f.consumed, f.committed = st.offset, st.offset, st.offset
			f.headN, f.headCRC = st.fpLen, st.fp
		}
	}
	group, stream := s.group, s.stream
	switch {
	case s.cfg.PublishMultiLogs && s.cfg.groupDefaulted:
		// The agent's generateLogGroupName: each file its own group, named
		// after its path with characters a group name cannot have replaced.
		group = invalidGroupChars.ReplaceAllString(c.path, "_")
	case s.cfg.PublishMultiLogs:
		// The agent's generateLogStreamName: the stream, "_", and the file's
		// path with its separators replaced.
		stream = stream + "_" + strings.ReplaceAll(invalidGroupChars.ReplaceAllString(c.path, "_"), "/", "_")
	}
	key := group + "\x00" + stream
	sb, ok := t.streams[key]
	if !ok {
		sb = &streamBuf{group: group, stream: stream, src: s}
		t.streams[key] = sb
	}
	f.sb = sb
	return f, nil
}

var invalidGroupChars = regexp.MustCompile(`[^.\-_/#A-Za-z0-9]`)

// readFile reads f from readOff to its end, line by line. final means the
// file will not grow any more (it was rotated away): its partial last line
// and multi-line event are sent now. It reports false when a refused batch
// stopped it (the rest is read at the next poll).
func (t *logTailer) readFile(ctx context.Context, f *tailedFile, now time.Time, final bool) bool {
	fi, err := f.f.Stat()
	if err != nil {
		return true
	}
	size := fi.Size()
	if size < f.readOff || !f.sameHead() {

		// Truncated in place (copytruncate): what was held belongs to the
		// old content; send it, then start over at the beginning.
		if !t.endHeld(ctx, f, now) {
			return false
		}
		_ = t.flush(ctx, f.sb)
		f.gen++
		f.readOff, f.consumed, f.committed, f.dirty = 0, 0, 0, true
		f.headN, f.headCRC = 0, 0
	}
	for f.readOff < size {
		n, _ := f.f.ReadAt(t.buf[:min(int64(len(t.buf)), size-f.readOff)], f.readOff)
		if n <= 0 {
			break
		}
		data := t.buf[:n]
		f.readOff += int64(n)
		chunkStart := f.readOff - int64(n)
		start := 0
		for {
			i := f.newline(data[start:], chunkStart+int64(start))
			if i < 0 {
				f.hold(data[start:])
				break
			}
			end := chunkStart + int64(start+i+len(f.nl))
			line := data[start : start+i]
			if len(f.carry) > 0 || f.carryCut {
				f.hold(line)
				line = f.carry
			}
			if !t.line(ctx, f, line, end, now) {
				// Not consumed: read it again next time.
				f.readOff, f.carry, f.carryCut, f.partialSince = f.consumed, f.carry[:0], false, time.Time{}
				return false
			}
			f.carry, f.carryCut = f.carry[:0], false
			start += i + len(f.nl)
		}
	}
	f.extendHead()
	if len(f.carry) == 0 && !f.carryCut {
		f.partialSince = time.Time{}
	} else if f.partialSince.IsZero() {
		f.partialSince = now
	}
	if final || (!f.partialSince.IsZero() && now.Sub(f.partialSince) >= pendingTimeout) {
		if len(f.carry) > 0 || f.carryCut {
			if !t.line(ctx, f, f.carry, f.readOff, now) {
				return false
			}
			f.carry, f.carryCut, f.partialSince = f.carry[:0], false, time.Time{}
		}
	}
	if f.pendActive && (final || now.Sub(f.pendLast) >= pendingTimeout) {
		return t.endPending(ctx, f, now)
	}
	return true
}

// sameHead reports whether the file still begins with the bytes it began
// with. A file truncated in place and written again past the offset
// reached, between two polls, is only told apart from one that grew by
// its beginning.
func (f *tailedFile) sameHead() bool {
	if f.headN == 0 {
		return true
	}
	crc, ok := fingerprint(f.f, f.headN)
	return ok && crc == f.headCRC
}

// extendHead fingerprints up to fingerprintBytes of what has been read.
func (f *tailedFile) extendHead() {
	if n := min(f.readOff, fingerprintBytes); n > f.headN {
		if crc, ok := fingerprint(f.f, n); ok {
			f.headN, f.headCRC = n, crc
		}
	}
}

// newline returns the index in b (which starts at file offset off) of the
// next line ending, or -1. A UTF-16 file's newline is two bytes at an even
// offset.
func (f *tailedFile) newline(b []byte, off int64) int {
	if len(f.nl) == 1 {
		return bytes.IndexByte(b, '\n')
	}
	for from := 0; ; {
		i := bytes.Index(b[from:], f.nl)
		if i < 0 {
			return -1
		}
		if (off+int64(from+i))%2 == 0 {
			return from + i
		}
		from += i + 1
	}
}

// hold keeps a partial line, at most one event's worth of it.
func (f *tailedFile) hold(b []byte) {
	room := maxEventBytes + 1 - len(f.carry)
	if len(b) > room {
		b, f.carryCut = b[:max(room, 0)], true
	}
	f.carry = append(f.carry, b...)
}

// endHeld sends the partial line and the multi-line event held for f.
func (t *logTailer) endHeld(ctx context.Context, f *tailedFile, now time.Time) bool {
	if len(f.carry) > 0 || f.carryCut {
		if !t.line(ctx, f, f.carry, f.readOff, now) {
			return false
		}
		f.carry, f.carryCut, f.partialSince = f.carry[:0], false, time.Time{}
	}
	return !f.pendActive || t.endPending(ctx, f, now)
}

func (t *logTailer) endPending(ctx context.Context, f *tailedFile, now time.Time) bool {
	if !t.emit(ctx, f, string(f.pend), f.consumed, now) {
		return false
	}
	f.pend, f.pendActive, f.pendDrop = f.pend[:0], false, false
	return true
}

// line takes one complete line ending at file offset end. Without
// multi_line_start_pattern every line is an event (as the agent's tailer
// does); with it, a line matching the pattern starts an event and the lines
// after it that do not match belong to it.
func (t *logTailer) line(ctx context.Context, f *tailedFile, raw []byte, end int64, now time.Time) bool {
	text := f.decode(raw)
	ml := f.src.cfg.multiLine
	if ml == nil {
		if !t.emit(ctx, f, text, end, now) {
			return false
		}
		f.consumed = end
		return true
	}
	switch {
	case ml.MatchString(text) || (!f.pendActive && !f.pendDrop):
		if f.pendActive && !t.endPending(ctx, f, now) {
			return false
		}
		f.pend = append(f.pend[:0], text...)
		f.pendStart, f.pendActive, f.pendDrop, f.pendLast = f.consumed, true, false, now
	case f.pendDrop || len(f.pend) >= maxEventBytes:
		f.pendDrop = true
	default:
		f.pend = append(append(f.pend, '\n'), text...)
		f.pendLast = now
	}
	f.consumed = end
	return true
}

// decode turns a line's bytes into the event's text: without the line
// ending, from the file's encoding, with bytes that are not UTF-8 replaced
// by U+FFFD (PutLogEvents takes only UTF-8; the guide: "characters that
// can't be decoded are replaced with other characters").
func (f *tailedFile) decode(raw []byte) string {
	if f.enc != nil {
		if out, err := f.enc.NewDecoder().Bytes(raw); err == nil {
			raw = out
		}
	}
	raw = bytes.TrimSuffix(raw, []byte("\r"))
	if utf8.Valid(raw) {
		return string(raw)
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}

// truncateEvent cuts a message longer than an event may be, as the agent
// does: to the limit, ending in "[Truncated...]".
func truncateEvent(s string) string {
	if len(s) <= maxEventBytes {
		return s
	}
	cut := maxEventBytes - len(truncateSuffix)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + truncateSuffix
}

// emit queues one event (end is where its last line ends in the file),
// after the filters: "only the log events that pass all of the filters are
// published". An empty message is no event (PutLogEvents takes none).
func (t *logTailer) emit(ctx context.Context, f *tailedFile, msg string, end int64, now time.Time) bool {
	if msg == "" {
		return true
	}
	for _, flt := range f.src.cfg.Filters {
		if flt.re.MatchString(msg) != (flt.Type == "include") {
			return true
		}
	}
	msg = truncateEvent(msg)
	ts := now
	if tf := f.src.cfg.ts; tf != nil {
		// "If you omit this field, the current time is used"; a line
		// without a timestamp gets the current time too.
		if parsed, ok := tf.parse(msg, now, f.src.loc); ok {
			ts = parsed
		}
	}
	ms := ts.UnixMilli()
	size := len(msg) + eventOverhead
	sb := f.sb
	if n := len(sb.events); n > 0 && (n+1 > maxBatchEvents || sb.bytes+size > maxBatchBytes ||
		time.Duration(max(sb.maxTs, ms)-min(sb.minTs, ms))*time.Millisecond > maxBatchSpan) {
		if t.flush(ctx, sb) != nil {
			return false
		}
	}
	if len(sb.events) == 0 {
		sb.first, sb.minTs, sb.maxTs = now, ms, ms
	}
	sb.events = append(sb.events, queuedEvent{ev: logs.InputLogEvent{Timestamp: ms, Message: msg}, file: f, gen: f.gen, end: end})
	sb.bytes += size
	sb.minTs, sb.maxTs = min(sb.minTs, ms), max(sb.maxTs, ms)
	f.queued++
	return true
}

// flush sends a stream's batch with PutLogEvents, in chronological order
// as it requires (stable: lines with one timestamp keep their file order),
// creating the group (with its class and retention) and the stream first.
// Only a delivered batch moves the files' committed offsets.
func (t *logTailer) flush(ctx context.Context, sb *streamBuf) error {
	if sb == nil || len(sb.events) == 0 {
		return nil
	}
	if err := t.ensure(ctx, sb); err != nil {
		return err
	}
	cmp := func(a, b queuedEvent) int { return int(max(min(a.ev.Timestamp-b.ev.Timestamp, 1), -1)) }
	if !slices.IsSortedFunc(sb.events, cmp) {
		slices.SortStableFunc(sb.events, cmp)
	}
	evs := make([]logs.InputLogEvent, len(sb.events))
	for i := range sb.events {
		evs[i] = sb.events[i].ev
	}
	in := logs.PutLogEventsInput{LogGroupName: sb.group, LogStreamName: sb.stream, LogEvents: evs}
	_, err := t.opts.Logs.PutLogEvents(ctx, in)
	if errors.Is(err, logs.ErrResourceNotFound) {
		// Deleted behind the agent's back: create again, as it does.
		delete(t.ready, sb.group)
		delete(t.ready, sb.group+"\x00"+sb.stream)
		if err = t.ensure(ctx, sb); err == nil {
			_, err = t.opts.Logs.PutLogEvents(ctx, in)
		}
	}
	if err != nil {
		return err
	}
	for i := range sb.events {
		q := &sb.events[i]
		q.file.queued--
		if q.gen == q.file.gen && q.end > q.file.committed {
			q.file.committed, q.file.dirty = q.end, true
		}
		q.file = nil
	}
	sb.events, sb.bytes, sb.first = sb.events[:0], 0, time.Time{}
	return nil
}

func (t *logTailer) ensure(ctx context.Context, sb *streamBuf) error {
	if !t.ready[sb.group] {
		in := logs.CreateLogGroupInput{LogGroupName: sb.group, LogGroupClass: logs.LogGroupClass(sb.src.cfg.LogGroupClass)}
		if _, err := t.opts.Logs.CreateLogGroup(ctx, in); err != nil && !errors.Is(err, logs.ErrResourceAlreadyExists) {
			return err
		}
		if d := sb.src.cfg.RetentionInDays; d > 0 {
			if _, err := t.opts.Logs.PutRetentionPolicy(ctx, logs.PutRetentionPolicyInput{LogGroupName: sb.group, RetentionInDays: int32(d)}); err != nil {
				return err
			}
		}
		t.ready[sb.group] = true
	}
	if key := sb.group + "\x00" + sb.stream; !t.ready[key] {
		_, err := t.opts.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: sb.group, LogStreamName: sb.stream})
		if err != nil && !errors.Is(err, logs.ErrResourceAlreadyExists) {
			return err
		}
		t.ready[key] = true
	}
	return nil
}

// saveStates moves the committed offset of files with nothing in flight
// up to what they consumed (lines the filters dropped, empty lines) and
// writes the state of every file whose offset moved.
func (t *logTailer) saveStates() error {
	var errs []error
	for _, s := range t.sources {
		for _, f := range s.files {
			if f.queued == 0 {
				c := f.consumed
				if f.pendActive {
					c = f.pendStart
				}
				if c != f.committed {
					f.committed, f.dirty = c, true
				}
			}
			if f.dirty {
				// The fingerprint is of the bytes as they were read, not as
				// they are now: a file rewritten since must not match.
				st := offsetState{offset: f.committed, id: f.id, fpLen: f.headN, fp: f.headCRC}
				if err := t.state.save(f.path, st); err != nil {
					errs = append(errs, err)
				}
				f.dirty = false
			}
		}
	}
	return errors.Join(errs...)
}

// close sends every batch, saves the offsets and closes the files. A
// partial last line and an unfinished multi-line event are not sent: the
// saved offset is before them, so the next run reads them whole.
func (t *logTailer) close(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	errs := []error{t.flushAll(ctx)}
	for _, s := range t.sources {
		for _, f := range s.files {
			if f.f != nil {
				f.f.Close()
			}
		}
	}
	return errors.Join(errs...)
}

// flushAll sends every stream's batch and saves the offsets.
func (t *logTailer) flushAll(ctx context.Context) error {
	var errs []error
	for _, key := range sortedKeys(t.streams) {
		errs = append(errs, t.flush(ctx, t.streams[key]))
	}
	return errors.Join(append(errs, t.saveStates())...)
}

// globFiles expands file_path: standard glob rules plus "**", the agent's
// "super asterisk" matching any run of directories.
func globFiles(pattern string) ([]string, error) {
	if !strings.Contains(pattern, "**") {
		return filepath.Glob(pattern)
	}
	root := pattern[:strings.IndexAny(pattern, "*?[")]
	root = root[:strings.LastIndex(root, "/")+1]
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case strings.HasPrefix(pattern[i:], "**"):
			re.WriteString(".*")
			i++
		case c == '*':
			re.WriteString("[^/]*")
		case c == '?':
			re.WriteString("[^/]")
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(cmpOr(root, "."), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && rx.MatchString(p) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}
