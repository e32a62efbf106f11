package trail

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"github.com/localwatch/localwatch/internal/pages"
	"iter"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// LookupAttributeKey is an attribute LookupEvents can filter on.
type LookupAttributeKey string

// The lookup attribute keys.
const (
	LookupEventID      LookupAttributeKey = "EventId"
	LookupEventName    LookupAttributeKey = "EventName"
	LookupReadOnly     LookupAttributeKey = "ReadOnly"
	LookupUsername     LookupAttributeKey = "Username"
	LookupResourceType LookupAttributeKey = "ResourceType"
	LookupResourceName LookupAttributeKey = "ResourceName"
	LookupEventSource  LookupAttributeKey = "EventSource"
	LookupAccessKeyID  LookupAttributeKey = "AccessKeyId"
)

var lookupKeys = []LookupAttributeKey{LookupEventID, LookupEventName, LookupReadOnly, LookupUsername,
	LookupResourceType, LookupResourceName, LookupEventSource, LookupAccessKeyID}

// hentry is one event of the history. The history is a slice of hentries
// sorted by (t, seq): arrival order, which is time order except when a
// concurrent caller's event lands a second late (then it is inserted in
// place). Lookups binary-search the time range and walk it backwards, so a
// page costs O(log n + page). Attribute lookups use posting lists built
// lazily on the first lookup after events arrive, so recording stays an
// append.
type hentry struct {
	t   int64 // eventTime, Unix seconds
	seq uint64
	e   *entry
}

func (e hentry) less(t int64, seq uint64) bool { return e.t < t || (e.t == t && e.seq < seq) }

type history struct {
	entries chunked[hentry]
	seq     uint64

	indexed   int  // entries[:indexed] are in the posting lists
	dirty     bool // an out-of-order insert invalidated the posting lists
	trimmed   int  // entries dropped since the lists were built
	postings  map[LookupAttributeKey]map[string][]hentry
	byEventID map[string]hentry
}

func (h *history) add(en *entry) {
	h.seq++
	en.seq = h.seq
	e := hentry{t: en.t, seq: h.seq, e: en}
	n := h.entries.len()
	if n == 0 || h.entries.at(n-1).t <= e.t {
		h.entries.push(e)
		return
	}
	// Out of order (a concurrent caller's event a second late): rare, so the
	// simple way.
	all := h.entries.slice()
	i, _ := slices.BinarySearchFunc(all, e, func(a, b hentry) int {
		if a.less(b.t, b.seq) {
			return -1
		}
		return 1
	})
	h.entries.reset(slices.Insert(all, i, e))
	if i < h.indexed {
		h.dirty = true
	}
}

// expire drops events older than cutoff.
func (h *history) expire(cutoff int64) {
	i := sort.Search(h.entries.len(), func(i int) bool { return h.entries.at(i).t >= cutoff })
	if i == 0 {
		return
	}
	h.entries.dropFront(i)
	h.indexed = max(h.indexed-i, 0)
	h.trimmed += i
	if h.trimmed > h.entries.len() {
		h.dirty = true
	}
}

func attrValues(key LookupAttributeKey, e *entry, yield func(string)) {
	switch key {
	case LookupEventName:
		yield(e.name)
	case LookupReadOnly:
		if e.readOnly() {
			yield("true")
		} else {
			yield("false")
		}
	case LookupUsername:
		if u := usernameOf(e.ui); u != "" {
			yield(u)
		}
	case LookupResourceType:
		for _, res := range e.resources {
			yield(res.Type)
		}
	case LookupResourceName:
		for _, res := range e.resources {
			for _, n := range resourceNames(res.ARN) {
				yield(n)
			}
		}
	case LookupEventSource:
		yield(e.source)
	case LookupAccessKeyID:
		if k := e.accessKeyID(); k != "" {
			yield(k)
		}
	}
}

// resourceNames are the values LookupEvents' ResourceName matches for a
// resource: its ARN and the names CloudTrail's records carry for it — the
// ARN's resource part ("bucket" of arn:aws:s3:::bucket, "my-topic" of an SNS
// topic), what follows its type ("i-1234567" of ...:instance/i-1234567,
// "/app/web" of ...:log-group:/app/web:*) and its last "/"- or
// ":"-separated name (a role's name after its path), as AWS's examples
// look events up by "i-1234567", a bucket name or a topic name.
func resourceNames(a string) []string {
	out := []string{a}
	parts := strings.SplitN(a, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[5] == "" {
		return out
	}
	res := strings.TrimSuffix(parts[5], ":*")
	add := func(n string) {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	add(res)
	if i := strings.IndexAny(res, "/:"); i >= 0 {
		add(res[i+1:]) // "type/id", "type:name"
	}
	if i := strings.LastIndexAny(res, "/:"); i >= 0 {
		add(res[i+1:])
	}
	return out
}

// index brings the posting lists up to date.
func (h *history) index() {
	if h.dirty || h.postings == nil {
		h.postings = make(map[LookupAttributeKey]map[string][]hentry, len(lookupKeys))
		for _, k := range lookupKeys {
			h.postings[k] = make(map[string][]hentry)
		}
		h.byEventID = make(map[string]hentry, h.entries.len())
		h.indexed, h.dirty, h.trimmed = 0, false, 0
	}
	for i := h.indexed; i < h.entries.len(); i++ {
		e := h.entries.at(i)
		h.byEventID[e.e.eventID] = e
		for _, k := range lookupKeys[1:] {
			m := h.postings[k]
			attrValues(k, e.e, func(v string) {
				l := m[v]
				if n := len(l); n > 0 && l[n-1].seq == e.seq {
					return // same value twice in one record
				}
				m[v] = append(l, e)
			})
		}
	}
	h.indexed = h.entries.len()
}

// candidates returns the entries a lookup walks (all, or one posting list),
// as a length and an accessor.
func (h *history) candidates(attr *LookupAttribute) (int, func(int) hentry) {
	if attr == nil {
		return h.entries.len(), h.entries.at
	}
	h.index()
	var list []hentry
	if attr.AttributeKey == LookupEventID {
		if e, ok := h.byEventID[attr.AttributeValue]; ok {
			list = []hentry{e}
		}
	} else {
		list = h.postings[attr.AttributeKey][attr.AttributeValue]
	}
	return len(list), func(i int) hentry { return list[i] }
}

// lookupValueLen is AttributeValue's length as LookupEvents counts it:
// '_', ' ', ',' and '\n' count twice.
func lookupValueLen(v string) int {
	n := 0
	for _, c := range v {
		n++
		switch c {
		case '_', ' ', ',', '\n':
			n++
		}
	}
	return n
}

type lookupToken struct {
	t    int64
	seq  uint64
	hash [8]byte
}

func lookupParamsHash(in *LookupEventsInput) [8]byte {
	h := sha256.New()
	for _, a := range in.LookupAttributes {
		h.Write([]byte(string(a.AttributeKey) + "\x00" + a.AttributeValue + "\x00"))
	}
	var b [8]byte
	// Seconds and nanoseconds apart: UnixNano overflows outside 1678-2262.
	putTime := func(t time.Time) {
		binary.BigEndian.PutUint64(b[:], uint64(t.Unix()))
		h.Write(b[:])
		binary.BigEndian.PutUint64(b[:], uint64(t.Nanosecond()))
		h.Write(b[:])
	}
	if in.StartTime != nil {
		putTime(*in.StartTime)
	}
	h.Write([]byte{0})
	if in.EndTime != nil {
		putTime(*in.EndTime)
	}
	h.Write([]byte(in.EventCategory))
	copy(b[:], h.Sum(nil))
	return b
}

func encodeLookupToken(tok lookupToken) string {
	var b [24]byte
	binary.BigEndian.PutUint64(b[0:], uint64(tok.t))
	binary.BigEndian.PutUint64(b[8:], tok.seq)
	copy(b[16:], tok.hash[:])
	return pagetoken.Encode(string(b[:]))
}

func decodeLookupToken(s string) (lookupToken, bool) {
	pos, ok := pagetoken.Decode(s)
	if !ok || len(pos) != 24 {
		return lookupToken{}, false
	}
	b := []byte(pos)
	var tok lookupToken
	tok.t = int64(binary.BigEndian.Uint64(b[0:]))
	tok.seq = binary.BigEndian.Uint64(b[8:])
	copy(tok.hash[:], b[16:])
	return tok, true
}

// LookupEvents returns management events of this Region's event history (the
// last 90 days), newest first, optionally filtered by one lookup attribute and
// a time range, a page of at most MaxResults (default 50) at a time. Errors as
// AWS: InvalidLookupAttributesException (more than one attribute, an unknown
// key, an empty or too long value), InvalidTimeRangeException (start after
// end), InvalidMaxResultsException (outside 1–50), InvalidNextTokenException
// (a token not from the same parameters), InvalidEventCategoryException. AWS
// throttles LookupEvents at 2 requests per second; this model does not.
func (s *Service) LookupEvents(ctx context.Context, in LookupEventsInput) (*LookupEventsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "LookupEvents", ReadOnly: true}, in, s.lookupEvents)
}

func (s *Service) lookupEvents(ctx context.Context, call *event.Call, in LookupEventsInput) (*LookupEventsOutput, error) {
	if s.op.Rec.Records(ctx) {
		call.RequestParameters = lookupEventsParams(&in)
	}
	return s.lookupPage(in)
}

// lookupEventsParams are LookupEvents' requestParameters, as CloudTrail
// records them (times in the console's format).
func lookupEventsParams(in *LookupEventsInput) map[string]any {
	params := map[string]any{}
	if len(in.LookupAttributes) > 0 {
		la := make([]map[string]any, len(in.LookupAttributes))
		for i, a := range in.LookupAttributes {
			la[i] = map[string]any{"attributeKey": a.AttributeKey, "attributeValue": a.AttributeValue}
		}
		params["lookupAttributes"] = la
	}
	if in.StartTime != nil {
		params["startTime"] = in.StartTime.UTC().Format("Jan 2, 2006, 3:04:05 PM")
	}
	if in.EndTime != nil {
		params["endTime"] = in.EndTime.UTC().Format("Jan 2, 2006, 3:04:05 PM")
	}
	if in.MaxResults != nil {
		params["maxResults"] = *in.MaxResults
	}
	return params
}

func (s *Service) lookupPage(in LookupEventsInput) (*LookupEventsOutput, error) {
	var attr *LookupAttribute
	switch len(in.LookupAttributes) {
	case 0:
	case 1:
		attr = &in.LookupAttributes[0]
		if !slices.Contains(lookupKeys, attr.AttributeKey) {
			return nil, awserr.New("InvalidLookupAttributesException", "Invalid attribute key: %s. Valid keys are %v.", attr.AttributeKey, lookupKeys)
		}
		if attr.AttributeValue == "" {
			return nil, awserr.New("InvalidLookupAttributesException", "The attribute value for %s must not be empty.", attr.AttributeKey)
		}
		if lookupValueLen(attr.AttributeValue) > 2000 {
			return nil, awserr.New("InvalidLookupAttributesException", "The attribute value for %s exceeds the maximum length of 2000.", attr.AttributeKey)
		}
	default:
		return nil, awserr.New("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute (got %d).", len(in.LookupAttributes))
	}
	if in.StartTime != nil && in.EndTime != nil && in.StartTime.After(*in.EndTime) {
		return nil, awserr.New("InvalidTimeRangeException", "Start time %s is after end time %s.", in.StartTime.UTC().Format(TimeFormat), in.EndTime.UTC().Format(TimeFormat))
	}
	limit := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, awserr.New("InvalidMaxResultsException", "MaxResults %d is invalid: it must be between 1 and 50.", *in.MaxResults)
		}
		limit = int(*in.MaxResults)
	}
	hash := lookupParamsHash(&in)
	var after *lookupToken
	if in.NextToken != "" {
		tok, ok := decodeLookupToken(in.NextToken)
		if !ok || tok.hash != hash {
			return nil, awserr.New("InvalidNextTokenException", "Invalid NextToken %q: a token must come from a previous call with the same parameters.", in.NextToken)
		}
		after = &tok
	}
	switch in.EventCategory {
	case "":
	case "insight":
		if attr != nil && attr.AttributeKey != LookupEventID && attr.AttributeKey != LookupEventName && attr.AttributeKey != LookupEventSource {
			return nil, awserr.New("InvalidLookupAttributesException", "Insights events can be looked up only by EventId, EventName or EventSource, not %s.", attr.AttributeKey)
		}
		return &LookupEventsOutput{Events: []Event{}}, nil // no Insights events in this model
	default:
		return nil, awserr.New("InvalidEventCategoryException", "Invalid EventCategory %q: the only valid value is insight.", in.EventCategory)
	}
	now := s.op.Clock.Now()
	start := now.Add(-HistoryRetention).Unix()
	if in.StartTime != nil {
		start = max(start, ceilUnix(*in.StartTime))
	}
	end, endSeq := now.Unix(), uint64(1<<64-1)
	if in.EndTime != nil {
		end = min(end, in.EndTime.Unix())
	}
	if after != nil && (after.t < end || (after.t == end && after.seq <= endSeq)) {
		end, endSeq = after.t, after.seq-1
		if after.seq == 0 {
			if after.t == math.MinInt64 {
				return &LookupEventsOutput{Events: []Event{}}, nil
			}
			end, endSeq = after.t-1, 1<<64-1
		}
	}

	picked, last, more := s.pick(attr, now, start, end, endSeq, limit)

	out := &LookupEventsOutput{Events: make([]Event, 0, len(picked))}
	sc := new(eventScratch)
	for _, r := range picked {
		out.Events = append(out.Events, s.eventOf(r, sc))
	}
	if more {
		tok := encodeLookupToken(lookupToken{t: last.t, seq: last.seq, hash: hash})
		out.NextToken = tok
	}
	return out, nil
}

// pick returns, newest first, at most limit history entries matching attr
// between start and (end, endSeq), and whether there are more.
func (s *Service) pick(attr *LookupAttribute, now time.Time, start, end int64, endSeq uint64, limit int) (picked []*entry, last hentry, more bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.history.expire(now.Add(-HistoryRetention).Unix())
	n, at := s.history.candidates(attr)
	hi := sort.Search(n, func(i int) bool {
		e := at(i)
		return e.t > end || (e.t == end && e.seq > endSeq)
	})
	for i := hi - 1; i >= 0; i-- {
		e := at(i)
		if e.t < start {
			break
		}
		if len(picked) == limit {
			return picked, last, true
		}
		picked = append(picked, e.e)
		last = e
	}
	return picked, last, false
}

func ceilUnix(t time.Time) int64 {
	u := t.Unix()
	if t.Nanosecond() > 0 {
		u++
	}
	return u
}

// eventScratch is the reusable encoding state of one LookupEvents page.
type eventScratch struct {
	r Record
	w recordJSON
}

func (s *Service) eventOf(e *entry, sc *eventScratch) Event {
	r := &sc.r
	s.fill(e, r)
	ev := Event{
		EventId:     r.EventID,
		EventName:   r.EventName,
		ReadOnly:    "false",
		EventTime:   r.EventTime,
		EventSource: r.EventSource,
		Username:    usernameOf(r.UserIdentity),
	}
	if r.ReadOnly != nil && *r.ReadOnly {
		ev.ReadOnly = "true"
	}
	if r.UserIdentity != nil {
		ev.AccessKeyId = r.UserIdentity.AccessKeyID
	}
	for _, res := range r.Resources {
		ev.Resources = append(ev.Resources, EventResource{ResourceType: res.Type, ResourceName: res.ARN})
	}
	sc.w.set(r)
	b, err := json.Marshal(&sc.w)
	if err != nil {
		stripFreeForm(r) // see encodeLogFile
		sc.w.set(r)
		b, _ = json.Marshal(&sc.w)
	}
	ev.CloudTrailEvent = string(b)
	return ev
}

// LookupEventsAll walks every page of LookupEvents for in (newest first),
// for Go callers who want an iterator instead of NextToken. It stops at the
// first error, yielding it.
func (s *Service) LookupEventsAll(ctx context.Context, in LookupEventsInput) iter.Seq2[Event, error] {
	return pages.All(ctx, in, s.LookupEvents, func(in *LookupEventsInput, tok string) { in.NextToken = tok },
		func(out *LookupEventsOutput) ([]Event, string) { return out.Events, out.NextToken })
}
