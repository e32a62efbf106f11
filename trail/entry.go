package trail

import "time"

// entry is the in-memory form of a recorded event: what the event history
// and the pending trail files hold. It is about 200 bytes where a Record is
// 472: on the recording hot path every event is kept (90 days of history), so
// the footprint per event is what bounds throughput (allocation, zeroing, GC
// scanning). A Record is materialized from an entry only when it is written
// to a log file or returned by LookupEvents. Ordinary API calls are stored
// compactly; anything unusual (errors, application-recorded events) keeps its
// full Record in full, and the compact fields then only serve lookups.
type entry struct {
	t         int64 // eventTime, Unix seconds
	seq       uint64
	source    string
	name      string
	ui        *UserIdentity
	ip, ua    string
	reqID     string
	eventID   string
	params    any
	resp      any
	resources []Resource
	full      *Record
	flags     uint8
}

const (
	flagReadOnly uint8 = 1 << iota
	flagManagement
)

func (e *entry) readOnly() bool   { return e.flags&flagReadOnly != 0 }
func (e *entry) management() bool { return e.flags&flagManagement != 0 }

func (e *entry) accessKeyID() string {
	if e.ui == nil {
		return ""
	}
	return e.ui.AccessKeyID
}

// fill materializes the entry's Record into r.
func (s *Service) fill(e *entry, r *Record) {
	if e.full != nil {
		*r = *e.full
		return
	}
	cat := CategoryData
	if e.management() {
		cat = CategoryManagement
	}
	*r = Record{
		EventVersion:       EventVersion,
		UserIdentity:       e.ui,
		EventTime:          time.Unix(e.t, 0).UTC(),
		EventSource:        e.source,
		EventName:          e.name,
		AWSRegion:          s.op.Region,
		SourceIPAddress:    e.ip,
		UserAgent:          e.ua,
		RequestParameters:  e.params,
		ResponseElements:   e.resp,
		RequestID:          e.reqID,
		EventID:            e.eventID,
		ReadOnly:           boolPtr(e.readOnly()),
		Resources:          e.resources,
		EventType:          EventTypeAPICall,
		ManagementEvent:    boolPtr(e.management()),
		RecipientAccountID: s.op.AccountID,
		EventCategory:      cat,
	}
}

// record returns the entry's Record (a new one for compact entries).
func (s *Service) record(e *entry) *Record {
	if e.full != nil {
		return e.full
	}
	r := new(Record)
	s.fill(e, r)
	return r
}

// entryOf wraps a full Record.
func entryOf(r *Record) entry {
	e := entry{
		t: r.EventTime.Unix(), source: r.EventSource, name: r.EventName, ui: r.UserIdentity,
		ip: r.SourceIPAddress, ua: r.UserAgent, reqID: r.RequestID, eventID: r.EventID,
		resources: r.Resources, full: r,
	}
	if r.ReadOnly != nil && *r.ReadOnly {
		e.flags |= flagReadOnly
	}
	if r.EventCategory == CategoryManagement {
		e.flags |= flagManagement
	}
	return e
}
