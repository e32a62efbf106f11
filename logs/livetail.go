package logs

import (
	"context"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/logs/filterpattern"
)

// Live Tail limits (StartLiveTail): up to 10 log groups and 100 stream names
// or prefixes; one update a second of at most 500 events (sampled beyond);
// at most 10 updates or 5,000 events buffered for a slow reader, the oldest
// dropped first; sessions end after three hours. MaxLiveTailSessions is the
// concurrent sessions quota of an account.
const (
	MaxLiveTailGroups         = 10
	MaxLiveTailStreams        = 100
	MaxLiveTailUpdateEvents   = 500
	MaxLiveTailBufferedUpdate = 10
	MaxLiveTailBufferedEvents = 5000
	LiveTailSessionDuration   = 3 * time.Hour
	MaxLiveTailSessions       = 15
)

// liveTails are the open Live Tail sessions.
type liveTails struct {
	n        atomic.Int32 // open sessions: ingest looks only at this while none is open
	mu       sync.Mutex   // guards sessions
	sessions []*liveTail
}

// liveTail is one session. Its fields above mu never change.
type liveTail struct {
	groups  map[string]string // group name -> identifier as the request gave it
	streams []string
	prefix  []string
	pattern *filterpattern.Pattern
	notify  chan struct{} // a buffered update is ready (capacity 1)
	timer   clock.Timer
	expire  int64 // ms at which the session times out

	mu       sync.Mutex // guards the fields below
	pending  []LiveTailSessionLogEvent
	matched  int // events matched this second (pending holds the first 500)
	buffered []LiveTailSessionUpdate
	bufEvs   int
	err      error // set once the session ended (timeout, service closed)
}

func (t *liveTail) wantsStream(name string) bool {
	if len(t.streams) > 0 {
		return slices.Contains(t.streams, name)
	}
	if len(t.prefix) > 0 {
		for _, p := range t.prefix {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
	return true
}

// StartLiveTail starts a Live Tail session over the events ingested from
// now on into up to 10 log groups, and returns its stream: the session
// start, then every second of the service's clock an update with the
// matching events ingested in that second (an empty one when there were
// none), at most 500 (Sampled beyond). A reader slower than the clock loses
// the oldest updates beyond 10 buffered or 5,000 events. The stream ends
// when the loop stops, when ctx is done (without an error), after three
// hours (SessionTimeoutException) or when the service closes. At most 15
// sessions are open at once (LimitExceededException). Validation errors
// come back at once; the session opens when the iteration starts.
//
// The iteration blocks between updates; with a manual clock, updates come
// as the clock is advanced (from the loop body or another goroutine).
func (s *Service) StartLiveTail(ctx context.Context, in StartLiveTailInput) (iter.Seq2[LiveTailEvent, error], error) {
	return op.Do(ctx, &s.op, event.Call{Name: "StartLiveTail", ReadOnly: true, Data: true}, in, s.startLiveTail)
}

func (s *Service) startLiveTail(ctx context.Context, _ *event.Call, in StartLiveTailInput) (out iter.Seq2[LiveTailEvent, error], err error) {
	if len(in.LogGroupIdentifiers) == 0 {
		return nil, errConstraint("logGroupIdentifiers", "[]", "Member must have length greater than or equal to 1")
	}
	if len(in.LogGroupIdentifiers) > MaxLiveTailGroups {
		return nil, errConstraint("logGroupIdentifiers", len(in.LogGroupIdentifiers), "Member must have length less than or equal to 10")
	}
	if len(in.LogStreamNames) > 0 && len(in.LogStreamNamePrefixes) > 0 {
		return nil, errInvalid("logStreamNames and logStreamNamePrefixes are mutually exclusive.")
	}
	for field, l := range map[string][]string{"logStreamNames": in.LogStreamNames, "logStreamNamePrefixes": in.LogStreamNamePrefixes} {
		if l == nil {
			continue
		}
		if len(l) == 0 || len(l) > MaxLiveTailStreams {
			return nil, errConstraint(field, len(l), "Member must have length between 1 and 100")
		}
		if len(in.LogGroupIdentifiers) > 1 {
			return nil, errInvalid("%s can be specified only with exactly one log group.", field)
		}
		for i, n := range l {
			if err := validateStreamName(field+"."+itoa(i+1)+".member", n); err != nil {
				return nil, err
			}
		}
	}
	for _, id := range in.LogGroupIdentifiers {
		if strings.HasPrefix(id, "arn:") && strings.HasSuffix(id, "*") {
			return nil, errInvalid("The log group ARN %s can't end with an asterisk.", id)
		}
	}
	p, err := compilePattern(in.LogEventFilterPattern)
	if err != nil {
		return nil, err
	}
	t := &liveTail{groups: map[string]string{}, streams: slices.Clone(in.LogStreamNames), prefix: slices.Clone(in.LogStreamNamePrefixes),
		pattern: p, notify: make(chan struct{}, 1)}
	err = func() error {
		s.mu.RLock()
		defer s.mu.RUnlock()
		for _, id := range in.LogGroupIdentifiers {
			g, err := s.resolveGroupLocked("", strings.TrimSuffix(id, ":*"))
			if err != nil {
				return err
			}
			t.groups[g.name] = id
		}
		return nil
	}()
	if err != nil {
		return nil, err
	}
	if s.live.n.Load() >= MaxLiveTailSessions {
		return nil, errLimit("concurrent Live Tail sessions")
	}
	reqID, ok := event.RequestIDFrom(ctx)
	if !ok {
		reqID = s.ids.UUID()
	}
	start := LiveTailSessionStart{RequestID: reqID, SessionID: s.ids.UUID(), LogGroupIdentifiers: slices.Clone(in.LogGroupIdentifiers),
		LogStreamNames: t.streams, LogStreamNamePrefixes: t.prefix, LogEventFilterPattern: in.LogEventFilterPattern}
	return func(yield func(LiveTailEvent, error) bool) {
		if err := s.openLiveTail(t); err != nil {
			yield(LiveTailEvent{}, err)
			return
		}
		defer s.closeLiveTail(t)
		if !yield(LiveTailEvent{SessionStart: &start}, nil) {
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.notify:
			}
			t.mu.Lock()
			updates, end := t.buffered, t.err
			t.buffered, t.bufEvs = nil, 0
			t.mu.Unlock()
			for i := range updates {
				if !yield(LiveTailEvent{SessionUpdate: &updates[i]}, nil) {
					return
				}
			}
			if end != nil {
				yield(LiveTailEvent{}, end)
				return
			}
		}
	}, nil
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// openLiveTail registers t and starts its one-second updates.
func (s *Service) openLiveTail(t *liveTail) error {
	if err := s.op.CheckOpen(); err != nil {
		return err
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	if len(s.live.sessions) >= MaxLiveTailSessions {
		return errLimit("concurrent Live Tail sessions")
	}
	t.expire = s.clock.Now().Add(LiveTailSessionDuration).UnixMilli()
	s.live.sessions = append(s.live.sessions, t)
	s.live.n.Store(int32(len(s.live.sessions)))
	t.timer = clock.EveryNamed(s.clock, "logs live tail", time.Second, func(at time.Time) { s.tickLiveTail(t, at) })
	return nil
}

func (s *Service) closeLiveTail(t *liveTail) {
	t.timer.Stop()
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	if i := slices.Index(s.live.sessions, t); i >= 0 {
		s.live.sessions = slices.Delete(s.live.sessions, i, i+1)
	}
	s.live.n.Store(int32(len(s.live.sessions)))
}

// tickLiveTail turns the second's events into an update (or ends the
// session) and wakes the reader.
func (s *Service) tickLiveTail(t *liveTail, at time.Time) {
	t.mu.Lock()
	if t.err != nil {
		t.mu.Unlock()
		return
	}
	u := LiveTailSessionUpdate{SessionMetadata: &LiveTailSessionMetadata{Sampled: Bool(t.matched > MaxLiveTailUpdateEvents)},
		SessionResults: t.pending}
	if u.SessionResults == nil {
		u.SessionResults = []LiveTailSessionLogEvent{}
	}
	t.pending, t.matched = nil, 0
	t.buffered = append(t.buffered, u)
	t.bufEvs += len(u.SessionResults)
	for len(t.buffered) > 1 && (len(t.buffered) > MaxLiveTailBufferedUpdate || t.bufEvs > MaxLiveTailBufferedEvents) {
		t.bufEvs -= len(t.buffered[0].SessionResults)
		t.buffered = t.buffered[1:]
	}
	switch {
	case s.op.CheckOpen() != nil:
		t.err = awserr.New("SessionStreamingException", "The Live Tail session ended: the service closed.")
	case at.UnixMilli() >= t.expire:
		t.err = awserr.New("SessionTimeoutException", "The Live Tail session timed out after 3 hours.")
	}
	if t.err != nil {
		t.timer.Stop()
	}
	t.mu.Unlock()
	select {
	case t.notify <- struct{}{}:
	default:
	}
}

// tailIngested hands an accepted batch to the open sessions that want it.
func (s *Service) tailIngested(w *ingested) {
	s.live.mu.Lock()
	sessions := slices.Clone(s.live.sessions)
	s.live.mu.Unlock()
	for _, t := range sessions {
		id, ok := t.groups[w.group]
		if !ok || !t.wantsStream(w.stream) {
			continue
		}
		var evs []LiveTailSessionLogEvent
		for _, e := range w.events {
			if t.pattern.MatchString(e.Message) {
				// w's events are already masked (afterIngest): Live Tail shows
				// masked data, as every egress does.
				evs = append(evs, LiveTailSessionLogEvent{LogStreamName: w.stream, LogGroupIdentifier: id, Message: e.Message,
					Timestamp: e.Timestamp, IngestionTime: w.ingestTime})
			}
		}
		if len(evs) == 0 {
			continue
		}
		t.mu.Lock()
		t.matched += len(evs)
		if room := MaxLiveTailUpdateEvents - len(t.pending); room > 0 {
			t.pending = append(t.pending, evs[:min(room, len(evs))]...)
		}
		t.mu.Unlock()
	}
}
