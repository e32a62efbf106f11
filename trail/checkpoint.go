package trail

// Checkpoints (op.StateHooks): the whole state of a Region's Service
// (saveState, loadState) and of the account-wide Shared (Shared.StateHooks).
//
// Load order: the Shared first, then each Region's Service (any order among
// Regions). A Service's Load reads the trails' current configurations from
// the Shared it was built with (its views are rebuilt from them), and the
// Shared's Load invalidates every Service's views, so Loading a Service
// before its Shared is also consistent once the Shared is loaded, but the
// documented order is Shared first.
//
// Inventory of the state of the package, field by field.
//
// Shared (saved by Shared.StateHooks):
//   - trails: SAVED (every trailState: its trailConfig, trailStatus, tags).
//   - order: SAVED (the next trail's creation order).
//   - since: SAVED (when each Region's Service began: key windows hang on it).
//   - version: NOT SAVED, a cache key; Load bumps it, so every Service and
//     its dataSel cache re-read the trails.
//   - keys: NOT SAVED, a cache: a key is a function of (KeySeed, account,
//     Region, window) and since; Load drops the cached keys of a Region whose
//     since changed.
//   - services: NOT SAVED, the registry of open Services (New fills it).
//   - Store, KeySeed: options (the store persists on its own).
//   - mu: not state.
//
// trailConfig (saved by value wherever it is held): every exported field,
// and order, SAVED; match REBUILT (compileSelectors of the saved selectors,
// as every path that sets a configuration computes it).
//
// trailState: cfg, status (every field of trailStatus), tags: SAVED.
//
// Service (saved by saveState):
//   - history: entries (every event, in order, with its seq) and seq SAVED;
//     indexed, dirty, trimmed, postings, byEventID are the posting-list
//     cache: REBUILT on the first attribute lookup (a full index gives the
//     same lists as the incremental one).
//   - bufs: SAVED (every trail's pending records, in order; an entry in both
//     the history and a buffer is saved once and shared again on Load).
//   - regional: SAVED (every field of regionalState: its own last
//     configuration, gen, chain, chainStart, prev digest, prevHash,
//     prevSig, the digest's pending log files, lastEnd, unsent files with
//     their bodies), so the first digest after Load links to the last one.
//   - timer: RE-ARMED (clock.EveryNamed under timerName, epoch-aligned, so
//     at the same next due time).
//   - views, viewsVer: REBUILT from the Shared (a cache).
//   - dataSel: REBUILT (a cache).
//   - lastID, lastHasID, lastUI: NOT SAVED, a cache of the last caller
//     identity's conversion: userIdentityOf is a pure function, so a
//     recomputed UserIdentity is equal to the cached one (lastHasID is not
//     read anywhere).
//   - mgmtSlab, dataSlab: NOT SAVED (allocation slabs), scratch: NOT SAVED
//     (per-call scratch).
//   - orgID, interval, digestIv, groupOK, shared: options.
//   - unsub: rebuilt by New (the bus subscription); op: built by New (the
//     clock and ID source are restored by the account).
//   - mu, deliverMu: not state.
//
// entry: t, seq, source, name, ui, ip, ua, reqID, eventID, resources, flags
// and full SAVED; params and resp (and the free-form elements of a full
// Record: requestParameters, responseElements, additionalEventData,
// serviceEventDetails, edgeDeviceDetails, insightDetails) are saved as the
// JSON they encode to and loaded as json.RawMessage, which encodes to the
// same bytes: JSON (log files, LookupEvents, CloudWatch Logs) is the only way
// they are observed. An entry one of whose free-form elements has no JSON
// form is saved without its free-form elements, as it is written (see
// encodeLogFile). UserIdentity's unexported emptyKey is SAVED.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/op"
)

// checkpointVersion is the first byte of every checkpoint stream.
const (
	checkpointVersion       byte = 1
	sharedCheckpointVersion byte = 1
)

var (
	ckEnc cbor.EncMode
	ckDec cbor.DecMode
)

func init() {
	var err error
	ckEnc, err = cbor.EncOptions{Time: cbor.TimeRFC3339Nano}.EncMode()
	if err != nil {
		panic(err)
	}
	ckDec, err = cbor.DecOptions{
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
		MaxArrayElements:  1 << 30, MaxMapPairs: 1 << 30,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// timerName is the unique, stable name of the Service's delivery schedule.
func (s *Service) timerName() string {
	return "trail/" + s.op.AccountID + "/" + s.op.Region + "/delivery"
}

// ---- mirrors (exported fields, no json tags where nil and empty differ) ----

type ckEventSelector struct {
	ReadWriteType                 ReadWriteType
	IncludeManagementEvents       *bool
	DataResources                 []ckDataResource
	ExcludeManagementEventSources []string
}

type ckDataResource struct {
	Type   string
	Values []string
}

type ckAdvanced struct {
	Name           string
	FieldSelectors []ckField
}

type ckField struct {
	Field                                                           string
	Equals, StartsWith, EndsWith, NotEquals, NotStartsWith, NotEnds []string
}

type ckInsight struct {
	InsightType     InsightType
	EventCategories []EventCategory
}

type ckTag struct{ Key, Value string }

type ckConfig struct {
	Name, ARN, Account, HomeRegion string
	S3BucketName, S3KeyPrefix      string
	SnsTopicName, SnsTopicARN      string
	CWLGroupARN, CWLRoleARN        string
	KmsKeyID                       string
	OrgID                          string
	IncludeGlobal, MultiRegion     bool
	Validation, Org                bool
	EventSelectors                 []ckEventSelector
	Advanced                       []ckAdvanced
	Insights                       []ckInsight
	Logging                        bool
	StartTime, StopTime            time.Time
	Gen                            uint64
	ChainStart                     time.Time
	Order                          uint64
}

type ckStatus struct {
	LatestDelivery, LatestDigest, LatestCWL, LatestNotification time.Time
	LatestNotificationAttempt                                   time.Time
	DeliveryErr, DigestErr, CWLErr, NotificationErr             string
}

type ckTrail struct {
	Cfg    ckConfig
	Status ckStatus
	Tags   []ckTag
}

type ckSince struct {
	Key  string
	Time time.Time
}

type ckShared struct {
	Trails []ckTrail // by creation order
	Order  uint64
	Since  []ckSince // by key
}

// ckUI is a UserIdentity (SessionContext and OnBehalfOf hold no slices whose
// nil-ness is observable: they are seen only as JSON).
type ckUI struct {
	U        UserIdentity
	EmptyKey bool
}

// ckRecord is a full Record: R without its UserIdentity (UI, an index in
// the identity table, -1 for none) and free-form elements (Free: JSON, nil
// for a nil element).
type ckRecord struct {
	R    Record
	UI   int
	Free [6][]byte
}

type ckEntry struct {
	T         int64
	Seq       uint64
	Source    string
	Name      string
	UI        int
	IP, UA    string
	ReqID     string
	EventID   string
	Params    []byte
	Resp      []byte
	Resources []Resource
	Full      *ckRecord
	Flags     uint8
}

type ckBuf struct {
	ARN     string
	Entries []int
}

type ckLogFile struct {
	At   time.Time
	Key  string
	Body []byte
	LF   DigestLogFile
}

type ckRegional struct {
	ARN        string
	Cfg        *ckConfig
	Gen        uint64
	Chain      bool
	ChainStart time.Time
	Prev       *Digest
	PrevHash   string
	PrevSig    string
	Logs       []DigestLogFile
	LastEnd    time.Time
	Unsent     []ckLogFile
}

type ckService struct {
	Region     string
	Account    string
	UIs        []ckUI
	Entries    []ckEntry
	History    []int // indices in Entries, history order
	HistorySeq uint64
	Bufs       []ckBuf      // by ARN
	Regional   []ckRegional // by ARN
}

// ---- conversions ----

func ckSelectorsOf(in []EventSelector) []ckEventSelector {
	if in == nil {
		return nil
	}
	out := make([]ckEventSelector, len(in))
	for i, s := range in {
		o := ckEventSelector{ReadWriteType: s.ReadWriteType, IncludeManagementEvents: s.IncludeManagementEvents, ExcludeManagementEventSources: s.ExcludeManagementEventSources}
		if s.DataResources != nil {
			o.DataResources = make([]ckDataResource, len(s.DataResources))
			for j, d := range s.DataResources {
				o.DataResources[j] = ckDataResource{Type: d.Type, Values: d.Values}
			}
		}
		out[i] = o
	}
	return out
}

func selectorsOfCk(in []ckEventSelector) []EventSelector {
	if in == nil {
		return nil
	}
	out := make([]EventSelector, len(in))
	for i, s := range in {
		o := EventSelector{ReadWriteType: s.ReadWriteType, IncludeManagementEvents: s.IncludeManagementEvents, ExcludeManagementEventSources: s.ExcludeManagementEventSources}
		if s.DataResources != nil {
			o.DataResources = make([]DataResource, len(s.DataResources))
			for j, d := range s.DataResources {
				o.DataResources[j] = DataResource{Type: d.Type, Values: d.Values}
			}
		}
		out[i] = o
	}
	return out
}

func ckAdvancedOf(in []AdvancedEventSelector) []ckAdvanced {
	if in == nil {
		return nil
	}
	out := make([]ckAdvanced, len(in))
	for i, s := range in {
		o := ckAdvanced{Name: s.Name}
		if s.FieldSelectors != nil {
			o.FieldSelectors = make([]ckField, len(s.FieldSelectors))
			for j, f := range s.FieldSelectors {
				o.FieldSelectors[j] = ckField{Field: f.Field, Equals: f.Equals, StartsWith: f.StartsWith, EndsWith: f.EndsWith,
					NotEquals: f.NotEquals, NotStartsWith: f.NotStartsWith, NotEnds: f.NotEndsWith}
			}
		}
		out[i] = o
	}
	return out
}

func advancedOfCk(in []ckAdvanced) []AdvancedEventSelector {
	if in == nil {
		return nil
	}
	out := make([]AdvancedEventSelector, len(in))
	for i, s := range in {
		o := AdvancedEventSelector{Name: s.Name}
		if s.FieldSelectors != nil {
			o.FieldSelectors = make([]AdvancedFieldSelector, len(s.FieldSelectors))
			for j, f := range s.FieldSelectors {
				o.FieldSelectors[j] = AdvancedFieldSelector{Field: f.Field, Equals: f.Equals, StartsWith: f.StartsWith, EndsWith: f.EndsWith,
					NotEquals: f.NotEquals, NotStartsWith: f.NotStartsWith, NotEndsWith: f.NotEnds}
			}
		}
		out[i] = o
	}
	return out
}

func ckConfigOf(c *trailConfig) ckConfig {
	o := ckConfig{
		Name: c.Name, ARN: c.ARN, Account: c.Account, HomeRegion: c.HomeRegion,
		S3BucketName: c.S3BucketName, S3KeyPrefix: c.S3KeyPrefix,
		SnsTopicName: c.SnsTopicName, SnsTopicARN: c.SnsTopicARN,
		CWLGroupARN: c.CWLGroupARN, CWLRoleARN: c.CWLRoleARN, KmsKeyID: c.KmsKeyID, OrgID: c.OrgID,
		IncludeGlobal: c.IncludeGlobal, MultiRegion: c.MultiRegion, Validation: c.Validation, Org: c.Org,
		EventSelectors: ckSelectorsOf(c.EventSelectors), Advanced: ckAdvancedOf(c.Advanced),
		Logging: c.Logging, StartTime: c.StartTime, StopTime: c.StopTime,
		Gen: c.Gen, ChainStart: c.ChainStart, Order: c.order,
	}
	if c.Insights != nil {
		o.Insights = make([]ckInsight, len(c.Insights))
		for i, s := range c.Insights {
			o.Insights[i] = ckInsight{InsightType: s.InsightType, EventCategories: s.EventCategories}
		}
	}
	return o
}

func configOfCk(o *ckConfig) *trailConfig {
	c := &trailConfig{
		Name: o.Name, ARN: o.ARN, Account: o.Account, HomeRegion: o.HomeRegion,
		S3BucketName: o.S3BucketName, S3KeyPrefix: o.S3KeyPrefix,
		SnsTopicName: o.SnsTopicName, SnsTopicARN: o.SnsTopicARN,
		CWLGroupARN: o.CWLGroupARN, CWLRoleARN: o.CWLRoleARN, KmsKeyID: o.KmsKeyID, OrgID: o.OrgID,
		IncludeGlobal: o.IncludeGlobal, MultiRegion: o.MultiRegion, Validation: o.Validation, Org: o.Org,
		EventSelectors: selectorsOfCk(o.EventSelectors), Advanced: advancedOfCk(o.Advanced),
		Logging: o.Logging, StartTime: o.StartTime, StopTime: o.StopTime,
		Gen: o.Gen, ChainStart: o.ChainStart, order: o.Order,
	}
	if o.Insights != nil {
		c.Insights = make([]InsightSelector, len(o.Insights))
		for i, s := range o.Insights {
			c.Insights[i] = InsightSelector{InsightType: s.InsightType, EventCategories: s.EventCategories}
		}
	}
	c.match = compileSelectors(c.EventSelectors, c.Advanced)
	return c
}

// freeJSON is the JSON of a free-form element (nil for nil); ok is false
// when it has none.
func freeJSON(v any) (b []byte, ok bool) {
	if v == nil {
		return nil, true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	if b == nil {
		b = []byte{}
	}
	return b, true
}

func freeOf(b []byte) any {
	if b == nil {
		return nil
	}
	return json.RawMessage(b)
}

// saver builds a ckService, sharing identities and entries.
type saver struct {
	uis     map[*UserIdentity]int
	entries map[*entry]int
	out     *ckService
}

func (sv *saver) ui(u *UserIdentity) int {
	if u == nil {
		return -1
	}
	if i, ok := sv.uis[u]; ok {
		return i
	}
	i := len(sv.out.UIs)
	sv.uis[u] = i
	sv.out.UIs = append(sv.out.UIs, ckUI{U: *u, EmptyKey: u.emptyKey})
	return i
}

func (sv *saver) entry(e *entry) int {
	if i, ok := sv.entries[e]; ok {
		return i
	}
	ce := ckEntry{T: e.t, Seq: e.seq, Source: e.source, Name: e.name, UI: sv.ui(e.ui), IP: e.ip, UA: e.ua,
		ReqID: e.reqID, EventID: e.eventID, Resources: e.resources, Flags: e.flags}
	p, ok1 := freeJSON(e.params)
	r, ok2 := freeJSON(e.resp)
	if ok1 && ok2 {
		ce.Params, ce.Resp = p, r
	} // else: written without its free-form elements (encodeLogFile)
	if e.full != nil {
		rec := *e.full
		cr := &ckRecord{UI: sv.ui(rec.UserIdentity)}
		free := [6]any{rec.RequestParameters, rec.ResponseElements, rec.AdditionalEventData, rec.ServiceEventDetails, rec.EdgeDeviceDetails, rec.InsightDetails}
		all := true
		for i, v := range free {
			b, ok := freeJSON(v)
			if !ok {
				all = false
				break
			}
			cr.Free[i] = b
		}
		if !all {
			cr.Free = [6][]byte{}
		}
		stripFreeForm(&rec)
		rec.UserIdentity = nil
		cr.R = rec
		ce.Full = cr
	}
	i := len(sv.out.Entries)
	sv.entries[e] = i
	sv.out.Entries = append(sv.out.Entries, ce)
	return i
}

// saveState writes the Service's whole state (see the inventory above).
func (s *Service) saveState(w io.Writer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	out := &ckService{Region: s.op.Region, Account: s.op.AccountID, HistorySeq: s.history.seq}
	sv := &saver{uis: map[*UserIdentity]int{}, entries: map[*entry]int{}, out: out}
	n := s.history.entries.len()
	out.History = make([]int, n)
	for i := range n {
		out.History[i] = sv.entry(s.history.entries.at(i).e)
	}
	arns := make([]string, 0, len(s.bufs))
	for arn, p := range s.bufs {
		if p != nil && p.len() > 0 {
			arns = append(arns, arn)
		}
	}
	sort.Strings(arns)
	for _, arn := range arns {
		b := ckBuf{ARN: arn}
		for _, e := range s.bufs[arn].slice() {
			b.Entries = append(b.Entries, sv.entry(e))
		}
		out.Bufs = append(out.Bufs, b)
	}
	arns = arns[:0]
	for arn := range s.regional {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		rs := s.regional[arn]
		cr := ckRegional{ARN: arn, Gen: rs.gen, Chain: rs.chain, ChainStart: rs.chainStart, PrevHash: rs.prevHash,
			PrevSig: rs.prevSig, Logs: rs.logs, LastEnd: rs.lastEnd}
		if rs.cfg != nil {
			c := ckConfigOf(rs.cfg)
			cr.Cfg = &c
		}
		if rs.prev != nil {
			d := *rs.prev
			cr.Prev = &d
		}
		for _, f := range rs.unsent {
			cr.Unsent = append(cr.Unsent, ckLogFile{At: f.at, Key: f.key, Body: f.body, LF: f.lf})
		}
		out.Regional = append(out.Regional, cr)
	}
	b, err := ckEnc.Marshal(out)
	if err != nil {
		return fmt.Errorf("trail %s: checkpoint: %w", s.op.Region, err)
	}
	if _, err := w.Write([]byte{checkpointVersion}); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func readVersioned(r io.Reader, want byte, what string) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s checkpoint: empty", what)
	}
	if b[0] != want {
		return nil, fmt.Errorf("%s checkpoint: version %d, want %d", what, b[0], want)
	}
	return b[1:], nil
}

// loadState replaces the state of a Service just built with the one
// saveState wrote, and arms its delivery schedule again.
func (s *Service) loadState(r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("trail %s checkpoint: corrupt data: %v", s.op.Region, p)
		}
	}()
	b, err := readVersioned(r, checkpointVersion, "trail "+s.op.Region)
	if err != nil {
		return err
	}
	var in ckService
	dec := ckDec.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("trail %s checkpoint: %w", s.op.Region, err)
	}
	if dec.NumBytesRead() != len(b) {
		return fmt.Errorf("trail %s checkpoint: trailing data", s.op.Region)
	}
	if in.Region != s.op.Region || in.Account != s.op.AccountID {
		return fmt.Errorf("trail %s checkpoint: saved for %s in %s", s.op.Region, in.Account, in.Region)
	}
	bad := errors.New("trail " + s.op.Region + " checkpoint: index out of range")
	uis := make([]*UserIdentity, len(in.UIs))
	for i, u := range in.UIs {
		ui := u.U
		ui.emptyKey = u.EmptyKey
		uis[i] = &ui
	}
	uiAt := func(i int) (*UserIdentity, error) {
		if i == -1 {
			return nil, nil
		}
		if i < 0 || i >= len(uis) {
			return nil, bad
		}
		return uis[i], nil
	}
	entries := make([]*entry, len(in.Entries))
	for i := range in.Entries {
		ce := &in.Entries[i]
		e := &entry{t: ce.T, seq: ce.Seq, source: ce.Source, name: ce.Name, ip: ce.IP, ua: ce.UA, reqID: ce.ReqID,
			eventID: ce.EventID, params: freeOf(ce.Params), resp: freeOf(ce.Resp), resources: ce.Resources, flags: ce.Flags}
		if e.ui, err = uiAt(ce.UI); err != nil {
			return err
		}
		if ce.Full != nil {
			rec := ce.Full.R
			if rec.UserIdentity, err = uiAt(ce.Full.UI); err != nil {
				return err
			}
			f := &ce.Full.Free
			rec.RequestParameters, rec.ResponseElements, rec.AdditionalEventData = freeOf(f[0]), freeOf(f[1]), freeOf(f[2])
			rec.ServiceEventDetails, rec.EdgeDeviceDetails, rec.InsightDetails = freeOf(f[3]), freeOf(f[4]), freeOf(f[5])
			e.full = &rec
		}
		entries[i] = e
	}
	entryAt := func(i int) (*entry, error) {
		if i < 0 || i >= len(entries) {
			return nil, bad
		}
		return entries[i], nil
	}
	var h history
	h.seq = in.HistorySeq
	for _, i := range in.History {
		e, err := entryAt(i)
		if err != nil {
			return err
		}
		h.entries.push(hentry{t: e.t, seq: e.seq, e: e})
	}
	bufs := make(map[string]*chunked[*entry], len(in.Bufs))
	for _, cb := range in.Bufs {
		p := new(chunked[*entry])
		for _, i := range cb.Entries {
			e, err := entryAt(i)
			if err != nil {
				return err
			}
			p.push(e)
		}
		bufs[cb.ARN] = p
	}
	regional := make(map[string]*regionalState, len(in.Regional))
	for _, cr := range in.Regional {
		rs := &regionalState{gen: cr.Gen, chain: cr.Chain, chainStart: cr.ChainStart, prev: cr.Prev,
			prevHash: cr.PrevHash, prevSig: cr.PrevSig, logs: cr.Logs, lastEnd: cr.LastEnd}
		if cr.Cfg == nil {
			return fmt.Errorf("trail %s checkpoint: digest state of %s has no configuration", s.op.Region, cr.ARN)
		}
		rs.cfg = configOfCk(cr.Cfg)
		for _, f := range cr.Unsent {
			rs.unsent = append(rs.unsent, &logFile{at: f.At, key: f.Key, body: f.Body, lf: f.LF})
		}
		regional[cr.ARN] = rs
	}

	s.mu.Lock()
	s.deliverMu.Lock()
	s.history = h
	s.bufs = bufs
	s.regional = regional
	s.views = nil
	s.viewsVer = s.shared.version.Load() - 1 // re-read the trails
	s.lastUI = nil                           // a cache: recomputed on the next call
	s.mgmtSlab, s.dataSlab, s.scratch = nil, nil, Record{}
	s.dataSel.Store(nil)
	if s.timer != nil {
		s.timer.Stop() // armed by New: dead after the clock's reset, or a duplicate
	}
	s.timer = clock.EveryNamed(s.op.Clock, s.timerName(), s.interval, s.tick)
	s.deliverMu.Unlock()
	s.mu.Unlock()
	return nil
}

// StateHooks returns the checkpoint hooks of the account-wide state the
// Regions' Services share: the trails (configuration, status, tags), the
// creation order and when each Region's Service began. The root registers
// them under op.StateKey{Name: "trail-shared"}; Load them before any Region's
// Service.
func (sh *Shared) StateHooks() op.StateHooks {
	return op.StateHooks{Save: sh.saveState, Load: sh.loadState}
}

func (sh *Shared) saveState(w io.Writer) error {
	sh.mu.Lock()
	out := ckShared{Order: sh.order}
	sts := make([]*trailState, 0, len(sh.trails))
	for _, st := range sh.trails {
		sts = append(sts, st)
	}
	slices.SortFunc(sts, func(a, b *trailState) int {
		if a.cfg.order != b.cfg.order {
			if a.cfg.order < b.cfg.order {
				return -1
			}
			return 1
		}
		if a.cfg.ARN < b.cfg.ARN {
			return -1
		}
		return 1
	})
	for _, st := range sts {
		ts := st.status
		t := ckTrail{Cfg: ckConfigOf(st.cfg), Status: ckStatus{
			LatestDelivery: ts.latestDelivery, LatestDigest: ts.latestDigest, LatestCWL: ts.latestCWL,
			LatestNotification: ts.latestNotification, LatestNotificationAttempt: ts.latestNotificationAttempt,
			DeliveryErr: ts.deliveryErr, DigestErr: ts.digestErr, CWLErr: ts.cwlErr, NotificationErr: ts.notificationErr,
		}}
		if st.tags != nil {
			t.Tags = make([]ckTag, len(st.tags))
			for i, tg := range st.tags {
				t.Tags[i] = ckTag{Key: tg.Key, Value: tg.Value}
			}
		}
		out.Trails = append(out.Trails, t)
	}
	for k, t := range sh.since {
		out.Since = append(out.Since, ckSince{Key: k, Time: t})
	}
	sh.mu.Unlock()
	slices.SortFunc(out.Since, func(a, b ckSince) int {
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	b, err := ckEnc.Marshal(&out)
	if err != nil {
		return fmt.Errorf("trail shared checkpoint: %w", err)
	}
	if _, err := w.Write([]byte{sharedCheckpointVersion}); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func (sh *Shared) loadState(r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("trail shared checkpoint: corrupt data: %v", p)
		}
	}()
	b, err := readVersioned(r, sharedCheckpointVersion, "trail shared")
	if err != nil {
		return err
	}
	var in ckShared
	dec := ckDec.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("trail shared checkpoint: %w", err)
	}
	if dec.NumBytesRead() != len(b) {
		return errors.New("trail shared checkpoint: trailing data")
	}
	trails := make(map[string]*trailState, len(in.Trails))
	for i := range in.Trails {
		t := &in.Trails[i]
		if t.Cfg.ARN == "" || trails[t.Cfg.ARN] != nil {
			return fmt.Errorf("trail shared checkpoint: trail %q is missing or repeated", t.Cfg.ARN)
		}
		st := &trailState{cfg: configOfCk(&t.Cfg), status: trailStatus{
			latestDelivery: t.Status.LatestDelivery, latestDigest: t.Status.LatestDigest, latestCWL: t.Status.LatestCWL,
			latestNotification: t.Status.LatestNotification, latestNotificationAttempt: t.Status.LatestNotificationAttempt,
			deliveryErr: t.Status.DeliveryErr, digestErr: t.Status.DigestErr, cwlErr: t.Status.CWLErr, notificationErr: t.Status.NotificationErr,
		}}
		if t.Tags != nil {
			st.tags = make([]Tag, len(t.Tags))
			for j, tg := range t.Tags {
				st.tags[j] = Tag{Key: tg.Key, Value: tg.Value}
			}
		}
		trails[t.Cfg.ARN] = st
	}
	since := make(map[string]time.Time, len(in.Since))
	for _, s := range in.Since {
		since[s.Key] = s.Time
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	// Cached keys hang on their Region's since: drop those whose since changed.
	for id := range sh.keys {
		region := id
		if i := lastSlash(id); i >= 0 {
			region = id[:i] // account/region
		}
		old, had := sh.since[region]
		if nw, has := since[region]; had != has || !old.Equal(nw) {
			delete(sh.keys, id)
		}
	}
	sh.trails = trails
	sh.order = in.Order
	sh.since = since
	sh.version.Add(1) // every Service re-reads the trails
	return nil
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}
