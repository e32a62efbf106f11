package logs

import (
	"context"
	"fmt"
	"github.com/localwatch/localwatch/internal/op"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/logs/filterpattern"
)

// validateBatch applies PutLogEvents' request rules: 1-10,000 events, 1,048,576
// bytes counting 26 bytes per event, each message 1 byte to 1 MB of UTF-8,
// timestamps non-negative and in chronological order.
func validateBatch(evs []InputLogEvent) error {
	if len(evs) == 0 {
		return errConstraint("logEvents", "[]", "Member must have length greater than or equal to 1")
	}
	if len(evs) > MaxBatchEvents {
		return errConstraint("logEvents", len(evs), "Member must have length less than or equal to 10000")
	}
	size := 0
	for i := range evs {
		e := &evs[i]
		if e.Message == "" {
			return errConstraint(fmt.Sprintf("logEvents.%d.member.message", i+1), "", "Member must have length greater than or equal to 1")
		}
		if len(e.Message) > MaxEventBytes {
			// AWS's text, counting the 26 bytes of overhead ("Log event too
			// large: 262145 bytes exceeds limit of 262144" under the old limit).
			return errInvalid("Log event too large: %d bytes exceeds limit of %d", len(e.Message)+EventOverheadBytes, MaxEventBytes+EventOverheadBytes)
		}
		if !utf8.ValidString(e.Message) {
			return errInvalid("Log event message at logEvents[%d] is not valid UTF-8", i)
		}
		if e.Timestamp < 0 {
			return errConstraint(fmt.Sprintf("logEvents.%d.member.timestamp", i+1), e.Timestamp, "Member must have value greater than or equal to 0")
		}
		if i > 0 && e.Timestamp < evs[i-1].Timestamp {
			return errInvalid(msgNotChronological)
		}
		size += len(e.Message) + EventOverheadBytes
	}
	if size > MaxBatchBytes {
		return errInvalid("Upload too large: %d bytes exceeds limit of %d", size, MaxBatchBytes)
	}
	return nil
}

// ingested is what an accepted batch hands to metric filters and subscriptions
// once the service lock is released.
type ingested struct {
	group, stream string
	events        []InputLogEvent // accepted events
	seq0          uint64          // sequence number of events[0]
	ingestTime    int64
	metricFilters []*metricFilter
	subs          []*subscriptionFilter
}

// ingest stores a validated batch. With create, a missing stream is created
// (CloudTrail delivery).
func (s *Service) ingest(groupName, streamName string, evs []InputLogEvent, create bool) (*PutLogEventsOutput, *ingested, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return nil, nil, err
	}
	g, ok := s.groups[groupName]
	if !ok {
		return nil, nil, errGroupNotFound(groupName)
	}
	st, ok := g.streams[streamName]
	if !ok {
		if !create {
			return nil, nil, errStreamNotFound(groupName, streamName)
		}
		st = s.addStreamLocked(g, streamName)
	}
	now := s.nowMS()
	tooOld := now - MaxEventAge.Milliseconds()
	expired := retentionCutoff(g, now)
	future := now + MaxEventFuture.Milliseconds()
	lo, hi := 0, len(evs)
	var info RejectedLogEventsInfo
	for lo < hi && (evs[lo].Timestamp < tooOld || evs[lo].Timestamp < expired) {
		lo++
	}
	for hi > lo && evs[hi-1].Timestamp > future {
		hi--
	}
	// End indexes are exclusive, one past the last event of the kind (the
	// API: "tooOldLogEventEndIndex ... the index of the last ... + 1"; AWS
	// answers 1 for a batch whose only event is too old).
	for i := range lo {
		if evs[i].Timestamp < tooOld {
			info.TooOldLogEventEndIndex = Int32(int32(i + 1))
		}
		if evs[i].Timestamp < expired {
			info.ExpiredLogEventEndIndex = Int32(int32(i + 1))
		}
	}
	if hi < len(evs) {
		info.TooNewLogEventStartIndex = Int32(int32(hi))
	}
	if hi > lo && evs[hi-1].Timestamp-evs[lo].Timestamp > MaxBatchSpan.Milliseconds() {
		return nil, nil, errInvalid(msgSpan24h)
	}
	acc := evs[lo:hi]
	seq0 := s.seq + 1
	s.seq += uint64(len(acc))
	before := st.bytes
	st.appendBatch(acc, seq0, now)
	g.stored += int64(st.bytes - before)
	out := &PutLogEventsOutput{NextSequenceToken: fmt.Sprintf("%056d", s.seq)}
	if info != (RejectedLogEventsInfo{}) {
		out.RejectedLogEventsInfo = &info
	}
	var work *ingested
	if len(acc) > 0 && (len(g.metricFilters) > 0 || len(g.subs) > 0) {
		work = &ingested{group: groupName, stream: streamName, events: acc, seq0: seq0, ingestTime: now}
		for _, name := range sortedKeys(g.metricFilters) {
			work.metricFilters = append(work.metricFilters, g.metricFilters[name])
		}
		for _, name := range sortedKeys(g.subs) {
			work.subs = append(work.subs, g.subs[name])
		}
	}
	return out, work, nil
}

// PutLogEvents uploads a batch of events to a log stream. Events more than 14
// days old, older than the group's retention, or more than 2 hours in the future
// are skipped and reported in RejectedLogEventsInfo while the rest are stored;
// the stored events may not span more than 24 hours. Sequence tokens are ignored.
// Matching metric filters and subscription filters run on the stored events.
func (s *Service) PutLogEvents(ctx context.Context, in PutLogEventsInput) (*PutLogEventsOutput, error) {
	// Through the op funnel for the journal only: s.op has no bus, and
	// putLogEvents records its own CloudTrail event.
	return op.Do(ctx, &s.op, event.Call{Name: "PutLogEvents"}, in, func(ctx context.Context, _ *event.Call, in PutLogEventsInput) (*PutLogEventsOutput, error) {
		return s.putLogEvents(ctx, in)
	})
}

func (s *Service) putLogEvents(ctx context.Context, in PutLogEventsInput) (out *PutLogEventsOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "PutLogEvents", Data: true, RequestParameters: map[string]any{
			"logGroupName": in.LogGroupName, "logStreamName": in.LogStreamName}, Resources: s.groupResource(in.LogGroupName)}, err)
	}()
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateStreamName("logStreamName", in.LogStreamName); err != nil {
		return nil, err
	}
	if err := validateBatch(in.LogEvents); err != nil {
		return nil, err
	}
	out, work, err := s.ingest(in.LogGroupName, in.LogStreamName, in.LogEvents, false)
	if err != nil {
		return nil, err
	}
	s.afterIngest(ctx, work)
	return out, nil
}

// afterIngest runs metric filters and subscription filters on accepted events,
// outside the service lock.
func (s *Service) afterIngest(ctx context.Context, w *ingested) {
	if w == nil {
		return
	}
	if len(w.metricFilters) > 0 {
		s.applyMetricFilters(w)
	}
	if len(w.subs) > 0 {
		s.deliverSubscriptions(ctx, w)
	}
}

// eventID is the deterministic 56-digit event ID of the event with this key.
func eventID(k key) string {
	var b [56]byte
	pad(b[:20], uint64(k.ts))
	pad(b[20:], k.seq)
	return string(b[:])
}

func pad(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = byte('0' + v%10)
		v /= 10
	}
}

func formatKey(prefix string, k key) string {
	return prefix + eventID(k) + "/s"
}

func parseKey(tok, prefix string) (key, bool) {
	if !strings.HasPrefix(tok, prefix) || !strings.HasSuffix(tok, "/s") || len(tok) != len(prefix)+56+2 {
		return key{}, false
	}
	d := tok[len(prefix) : len(prefix)+56]
	ts, err1 := strconv.ParseUint(d[:20], 10, 63)
	seq, err2 := strconv.ParseUint(d[20:], 10, 64)
	if err1 != nil || err2 != nil {
		return key{}, false
	}
	return key{int64(ts), seq}, true
}

// testHookScan, when set by a test, runs as FilterLogEvents starts scanning;
// testHookSorted when a read has re-sorted streams, before it swaps them in.
var testHookScan, testHookSorted func()

// readStreams picks streams under the read lock (sorting any that received
// late events first, under the write lock), takes snapshots of them, and runs
// f on the snapshots without any lock: a long scan (a costly pattern over a
// large group) never holds up writers or other readers. pick runs with the lock
// held and must read everything else f needs (retention) itself.
func (s *Service) readStreams(pick func() ([]*stream, error), f func([]*stream) error) error {
	snaps, err := s.snapshotStreams(pick)
	if err != nil {
		return err
	}
	return f(snaps)
}

func (s *Service) snapshotStreams(pick func() ([]*stream, error)) ([]*stream, error) {
	for {
		snaps, dirty, err := s.snapshotLocked(pick)
		if err != nil || !dirty {
			return snaps, err
		}
		if err := s.sortPicked(pick); err != nil {
			return nil, err
		}
	}
}

func (s *Service) snapshotLocked(pick func() ([]*stream, error)) (snaps []*stream, dirty bool, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.checkOpen(); err != nil {
		return nil, false, err
	}
	sts, err := pick()
	if err != nil {
		return nil, false, err
	}
	for _, st := range sts {
		if st.dirty() {
			return nil, true, nil
		}
	}
	snaps = make([]*stream, len(sts))
	for i, st := range sts {
		snaps[i] = st.snapshot()
	}
	return snaps, false, nil
}

// sortPicked re-sorts the picked streams that received late events. The
// sorting runs on snapshots without any lock; the write lock is held only to
// swap the sorted segments in (and to carry over events appended meanwhile),
// so a late event in a large stream never stalls the service.
func (s *Service) sortPicked(pick func() ([]*stream, error)) error {
	type job struct{ live, sorted *stream }
	var jobs []job
	err := func() error {
		s.mu.RLock()
		defer s.mu.RUnlock()
		sts, err := pick()
		if err != nil {
			return err
		}
		for _, st := range sts {
			if st.dirty() {
				jobs = append(jobs, job{live: st, sorted: st.snapshot()})
			}
		}
		return nil
	}()
	if err != nil {
		return err
	}
	for _, j := range jobs {
		j.sorted.sortTail() // a snapshot: only its own new segments are written
	}
	if testHookSorted != nil {
		testHookSorted()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range jobs {
		j.live.adoptSorted(j.sorted)
	}
	return nil
}

// GetLogEvents reads a stream's events in time order: from the oldest
// (StartFromHead) or the newest (default) without a token, and onward from a
// nextForwardToken ("f/...") or back from a nextBackwardToken ("b/..."). Up to
// Limit events (default and maximum 10,000) or 1 MB are returned per call; at
// the end the same token comes back.
func (s *Service) GetLogEvents(ctx context.Context, in GetLogEventsInput) (out *GetLogEventsOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "GetLogEvents", ReadOnly: true, Data: true, RequestParameters: in}, err)
	}()
	if err := validateStreamName("logStreamName", in.LogStreamName); err != nil {
		return nil, err
	}
	limit, err := limitOf("limit", in.Limit, MaxEventsLimit, MaxEventsLimit)
	if err != nil {
		return nil, err
	}
	if err := checkRange(in.StartTime, in.EndTime, false); err != nil {
		return nil, err
	}
	forward := in.StartFromHead != nil && *in.StartFromHead
	var tokKey key
	hasTok := false
	if in.NextToken != "" {
		if k, ok := parseKey(in.NextToken, "f/"); ok {
			forward, tokKey, hasTok = true, k, true
		} else if k, ok := parseKey(in.NextToken, "b/"); ok {
			forward, tokKey, hasTok = false, k, true
		} else {
			return nil, errBadToken(in.NextToken)
		}
	}
	var cut int64
	err = s.readStreams(func() ([]*stream, error) {
		g, err := s.resolveGroupLocked(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		cut = retentionCutoff(g, s.nowMS())
		st, ok := g.streams[in.LogStreamName]
		if !ok {
			return nil, errStreamNotFound(g.name, in.LogStreamName)
		}
		return []*stream{st}, nil
	}, func(sts []*stream) error {
		st := sts[0]
		a, b := st.window(in.StartTime, in.EndTime, false, cut)
		out = &GetLogEventsOutput{Events: []OutputLogEvent{}}
		var lo, hi int // the returned events are st[lo:hi]
		if forward {
			lo = a
			if hasTok {
				lo = max(a, st.after(tokKey))
			}
			hi = lo
			bytes := 0
			for hi < b && hi-lo < limit {
				sz := st.size(hi) + EventOverheadBytes
				if hi > lo && bytes+sz > MaxResponseBytes {
					break
				}
				bytes += sz
				hi++
			}
			if hi == lo {
				// Nothing more: hand back the same token (or one at this position).
				out.NextForwardToken = in.NextToken
				if !hasTok {
					out.NextForwardToken = formatKey("f/", st.keyBefore(lo))
				}
				out.NextBackwardToken = formatKey("b/", st.keyAtOrEnd(lo))
				return nil
			}
		} else {
			hi = b
			if hasTok {
				hi = min(b, st.before(tokKey))
			}
			lo = hi
			bytes := 0
			for lo > a && hi-lo < limit {
				sz := st.size(lo-1) + EventOverheadBytes
				if lo < hi && bytes+sz > MaxResponseBytes {
					break
				}
				bytes += sz
				lo--
			}
			if hi == lo {
				out.NextBackwardToken = in.NextToken
				if !hasTok {
					out.NextBackwardToken = formatKey("b/", st.keyAtOrEnd(hi))
				}
				out.NextForwardToken = formatKey("f/", st.keyBefore(hi))
				return nil
			}
		}
		out.Events = make([]OutputLogEvent, 0, hi-lo)
		for i := lo; i < hi; i++ {
			out.Events = append(out.Events, OutputLogEvent{Timestamp: st.tsAt(i), Message: string(st.msg(i)), IngestionTime: st.ingAt(i)})
		}
		out.NextForwardToken = formatKey("f/", st.keyAt(hi-1))
		out.NextBackwardToken = formatKey("b/", st.keyAt(lo))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func checkRange(start, end *int64, inclusiveEnd bool) error {
	if start != nil && *start < 0 {
		return errConstraint("startTime", *start, "Member must have value greater than or equal to 0")
	}
	if end != nil && *end < 0 {
		return errConstraint("endTime", *end, "Member must have value greater than or equal to 0")
	}
	if start != nil && end != nil && *start > *end {
		return errInvalid("startTime (%d) must be less than or equal to endTime (%d)", *start, *end)
	}
	return nil
}

// window returns the index range of events in [start, end) (or [start, end]
// when inclusiveEnd) that retention has not expired.
func (st *stream) window(start, end *int64, inclusiveEnd bool, cutoff int64) (int, int) {
	a := 0
	if cutoff > 0 {
		a = st.atOrAfterTS(cutoff)
	}
	if start != nil {
		a = max(a, st.atOrAfterTS(*start))
	}
	b := st.n()
	if end != nil {
		e := *end
		if inclusiveEnd && e < math.MaxInt64 {
			e++ // cannot overflow: [start, MaxInt64] is everything from start
		}
		b = st.atOrAfterTS(e)
	}
	return a, max(a, b)
}

// before returns the index of the first event whose key is >= k.
func (st *stream) before(k key) int {
	lo, hi := 0, st.n()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if st.keyAt(m).less(k) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (st *stream) keyBefore(i int) key {
	if i > 0 {
		return st.keyAt(i - 1)
	}
	return key{}
}

func (st *stream) keyAtOrEnd(i int) key {
	if i < st.n() {
		return st.keyAt(i)
	}
	if st.n() == 0 {
		return key{}
	}
	return key{st.tsAt(st.n()-1) + 1, 0}
}

// FilterLogEvents searches a group's streams (all, LogStreamNames, or those with
// LogStreamNamePrefix) for events in [StartTime, EndTime] matching
// FilterPattern, and returns them interleaved in time order, up to Limit
// (default and maximum 10,000) events or 1 MB per page. NextToken is set while
// more matching events remain.
func (s *Service) FilterLogEvents(ctx context.Context, in FilterLogEventsInput) (out *FilterLogEventsOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "FilterLogEvents", ReadOnly: true, Data: true, RequestParameters: in}, err)
	}()
	limit, err := limitOf("limit", in.Limit, MaxEventsLimit, MaxEventsLimit)
	if err != nil {
		return nil, err
	}
	if err := checkRange(in.StartTime, in.EndTime, true); err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, errInvalid("logStreamNames and logStreamNamePrefix are mutually exclusive")
	}
	if in.LogStreamNames != nil && len(in.LogStreamNames) == 0 {
		return nil, errConstraint("logStreamNames", "[]", "Member must have length greater than or equal to 1")
	}
	if len(in.LogStreamNames) > MaxFilterLogStreamNames {
		return nil, errConstraint("logStreamNames", len(in.LogStreamNames), "Member must have length less than or equal to 100")
	}
	for i, n := range in.LogStreamNames {
		if err := validateStreamName(fmt.Sprintf("logStreamNames.%d.member", i+1), n); err != nil {
			return nil, err
		}
	}
	if in.LogStreamNamePrefix != "" {
		if err := validateStreamName("logStreamNamePrefix", in.LogStreamNamePrefix); err != nil {
			return nil, err
		}
	}
	p, err := compilePattern(in.FilterPattern)
	if err != nil {
		return nil, err
	}
	var tokKey key
	hasTok := false
	if in.NextToken != "" {
		k, ok := parseKey(in.NextToken, "n/")
		if !ok {
			return nil, errBadToken(in.NextToken)
		}
		tokKey, hasTok = k, true
	}
	var cut int64
	err = s.readStreams(func() ([]*stream, error) {
		g, err := s.resolveGroupLocked(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		cut = retentionCutoff(g, s.nowMS())
		var sts []*stream
		switch {
		case len(in.LogStreamNames) > 0:
			for _, n := range in.LogStreamNames {
				st, ok := g.streams[n]
				if !ok {
					return nil, errStreamNotFound(g.name, n)
				}
				sts = append(sts, st)
			}
		default:
			for _, n := range g.streamNames {
				if strings.HasPrefix(n, in.LogStreamNamePrefix) {
					sts = append(sts, g.streams[n])
				}
			}
		}
		return sts, nil
	}, func(sts []*stream) error {
		if testHookScan != nil {
			testHookScan()
		}
		out = &FilterLogEventsOutput{Events: []FilteredLogEvent{}}
		lit, litOnly := p.Literal(), p.LiteralOnly()
		curs := make([]cursor, 0, len(sts))
		for _, st := range sts {
			a, b := st.window(in.StartTime, in.EndTime, true, cut)
			if hasTok {
				a = max(a, st.after(tokKey))
			}
			if a >= b {
				continue
			}
			c := cursor{st: st, i: a, end: b}
			c.next(p, lit, litOnly)
			if c.cur >= 0 {
				curs = append(curs, c)
			}
		}
		bytes := 0
		for len(curs) > 0 {
			best := 0
			for k := 1; k < len(curs); k++ {
				if curs[k].st.keyAt(curs[k].cur).less(curs[best].st.keyAt(curs[best].cur)) {
					best = k
				}
			}
			c := &curs[best]
			st, i := c.st, c.cur
			sz := st.size(i) + EventOverheadBytes
			if len(out.Events) == limit || len(out.Events) > 0 && bytes+sz > MaxResponseBytes {
				last := out.Events[len(out.Events)-1]
				out.NextToken = "n/" + last.EventID + "/s"
				break
			}
			bytes += sz
			k := st.keyAt(i)
			out.Events = append(out.Events, FilteredLogEvent{
				LogStreamName: st.name, Timestamp: k.ts, Message: string(st.msg(i)),
				IngestionTime: st.ingAt(i), EventID: eventID(k),
			})
			c.next(p, lit, litOnly)
			if c.cur < 0 {
				curs[best] = curs[len(curs)-1]
				curs = curs[:len(curs)-1]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// compilePattern validates a filterPattern parameter and compiles it.
func compilePattern(pattern string) (*filterpattern.Pattern, error) {
	if len(pattern) > MaxFilterPatternLength {
		return nil, errConstraint("filterPattern", pattern, "Member must have length less than or equal to 1024")
	}
	return filterpattern.Compile(pattern)
}
