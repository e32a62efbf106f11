package logs

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/logs/insights"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
)

// Checkpoints (op.StateHooks): saveState writes the service's whole state,
// loadState puts it into a service just built by New with the same Options.
//
// The stream is one version byte, then one CBOR value (ckState). What every
// field of the service's state structs becomes:
//
// Service
//
//	op, clock, bus, ids, region, account, log, sweep, ownStore: set by New
//	  from the Options (not state; the ID source and the clock are restored
//	  by the account itself)
//	store: the Options' store (an account's, persisted by the account) is
//	  not saved; the service's own in-memory store (Options.Store nil) is:
//	  the objects of the buckets export tasks wrote to (the only ones the
//	  service writes; objects a user put in other buckets of Service.Store
//	  are not saved)
//	mu, mfMu, destMu: locks (not state)
//	groups: saved (ckGroup, below), in name order
//	names: rebuilt (the sorted group names)
//	seq: saved
//	sweeps: saved
//	destinations: saved (description and tags), in name order
//	policies: saved, key and value, in key order
//	exports: saved in creation order (description, prefix, due time); the
//	  timer of a PENDING task is armed again (exportTimerName)
//	queryResultKms: saved
//	timers: rebuilt: the retention sweep and the minute publication are armed
//	  again by name (timerRetentionSweep, timerMetricPublish), in New's order
//	unsub: rebuilt by New (bus subscription)
//	pending (metric filter buckets): saved, every key and aggregate
//	dests: not saved: the Go functions the user registers (RegisterDestination)
//	deliveries: saved (sources, destinations with their policies, deliveries,
//	  creation order)
//	queryStore: saved (queries in creation order: info, groups, time range,
//	  limit, results, statistics, finished, due time; the compiled query is
//	  rebuilt from QueryString; a SCHEDULED query's timer is armed again
//	  (queryTimerName)); saved query definitions
//	protection: saved: the account's data protection history, each live
//	  group's history (a deleted group's entry is unreachable and dropped),
//	  account policies by type in creation order; the parsed policies
//	  (identifiers, findings) are rebuilt from their documents
//	live: NOT saved: Live Tail sessions end at Close, as do their timers
//
// group: name, arn, created, retention, kms, class, tags, stored, protected:
// saved; streams: saved (ckStream); streamNames: rebuilt (sorted);
// metricFilters: saved (their MetricFilter description; the compiled
// pattern, value and dimension references are rebuilt by
// compileMetricFilter); subs: saved (SubscriptionFilter; the pattern is
// rebuilt).
//
// stream: name, arn, created, sortedN, drops, first, last, lastIngest,
// hasEvents: saved; the live events (message, timestamp, ingestion time,
// sequence number) in their stored order (so the unsorted tail stays
// unsorted, as it was): saved in bulk as columns (ckStream); segs, base,
// count, bytes: rebuilt (the memory layout: base is 0 after a load, as after
// compact).
//
// queryStore.mu, deliveryState.mu: locks (not state).

// checkpointVersion is the first byte of a checkpoint of this service.
const checkpointVersion byte = 1

type ckState struct {
	Seq             uint64
	Sweeps          int
	QueryResultKms  string
	Groups          []ckGroup
	Destinations    []ckDestination
	Policies        []ckResourcePolicy
	Exports         []ckExport
	Pending         []ckBucket
	Deliveries      ckDeliveries
	Queries         []ckQuery
	QueryDefs       []QueryDefinition
	AccountDP       ckHistory
	AccountPolicies []ckAccountPolicies
	Objects         []objstore.Object // the service's own store's export objects (ownStore)
}

type ckGroup struct {
	Name, Arn     string
	Created       int64
	Retention     int32
	Kms           string
	Class         LogGroupClass
	Tags          map[string]string
	Stored        int64
	Protected     bool
	Streams       []ckStream
	MetricFilters []MetricFilter
	Subs          []SubscriptionFilter
	DP            *ckHistory // the group's data protection history, nil for none
}

// ckStream holds a stream's live events as columns: Msgs the messages
// concatenated, Lens their lengths (uvarints), TS, Ing and Seq the
// timestamps, ingestion times and sequence numbers as varint deltas from the
// previous event's.
type ckStream struct {
	Name, Arn                string
	Created                  int64
	SortedN                  int
	Drops                    uint64
	First, Last, LastIngest  int64
	HasEvents                bool
	N                        int
	Msgs, Lens, TS, Ing, Seq []byte
}

type ckDestination struct {
	Desc DestinationDescription
	Tags map[string]string
}

type ckResourcePolicy struct {
	Key    string
	Policy ResourcePolicy
}

type ckExport struct {
	Desc   ExportTask
	Prefix string
	Due    int64 // Unix ns
}

type ckBucket struct {
	NS, Name, DimsKey      string
	Unit                   metrics.StandardUnit
	Minute                 int64
	Dims                   []metrics.Dimension
	Count, Sum, MinV, MaxV float64
}

type ckDeliveries struct {
	Sources      []DeliverySource
	Destinations []ckDeliveryDestination
	Deliveries   []Delivery
	Order        []string
}

type ckDeliveryDestination struct {
	Dest   DeliveryDestination
	Policy string
}

type ckQuery struct {
	Info       QueryInfo
	Groups     []string
	Start, End int64
	Limit      int
	Results    [][]ResultField
	Stats      QueryStatistics
	Finished   int64
	Due        int64 // Unix ns
}

type ckHistory struct {
	Cur   bool // the last span is the current policy
	Spans []ckSpan
}

type ckSpan struct {
	From, To int64
	Doc      string
	Updated  int64
}

type ckAccountPolicies struct {
	Type     PolicyType
	Policies []AccountPolicy
}

// ckEncMode sorts map keys, so that a state is always written the same.
var ckEncMode = func() cbor.EncMode {
	m, err := cbor.EncOptions{Sort: cbor.SortCanonical}.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}()

// saveState writes the service's whole state to w (op.StateHooks.Save).
func (s *Service) saveState(w io.Writer) error {
	st := s.snapshotState()
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := bw.WriteByte(checkpointVersion); err != nil {
		return err
	}
	if err := ckEncMode.NewEncoder(bw).Encode(st); err != nil {
		return fmt.Errorf("logs checkpoint: %w", err)
	}
	return bw.Flush()
}

func (s *Service) snapshotState() *ckState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &ckState{Seq: s.seq, Sweeps: s.sweeps, QueryResultKms: s.queryResultKms}
	for _, name := range s.names {
		g := s.groups[name]
		cg := ckGroup{Name: g.name, Arn: g.arn, Created: g.created, Retention: g.retention, Kms: g.kms, Class: g.class,
			Tags: g.tags, Stored: g.stored, Protected: g.protected}
		for _, sn := range g.streamNames {
			cg.Streams = append(cg.Streams, saveStream(g.streams[sn]))
		}
		for _, fn := range sortedKeys(g.metricFilters) {
			cg.MetricFilters = append(cg.MetricFilters, g.metricFilters[fn].desc)
		}
		for _, fn := range sortedKeys(g.subs) {
			cg.Subs = append(cg.Subs, g.subs[fn].desc)
		}
		if h := s.protection.groups[g]; h != nil {
			ch := saveHistory(h)
			cg.DP = &ch
		}
		st.Groups = append(st.Groups, cg)
	}
	for _, name := range sortedKeys(s.destinations) {
		d := s.destinations[name]
		st.Destinations = append(st.Destinations, ckDestination{Desc: d.desc, Tags: d.tags})
	}
	for _, k := range sortedKeys(s.policies) {
		st.Policies = append(st.Policies, ckResourcePolicy{Key: k, Policy: s.policies[k]})
	}
	for _, t := range s.exports {
		st.Exports = append(st.Exports, ckExport{Desc: t.describe(), Prefix: t.prefix, Due: t.due.UnixNano()})
	}
	if s.ownStore {
		st.Objects = s.saveObjects()
	}
	st.AccountDP = saveHistory(&s.protection.account)
	for _, t := range policyTypes {
		if l, ok := s.protection.policies[t]; ok {
			st.AccountPolicies = append(st.AccountPolicies, ckAccountPolicies{Type: t, Policies: l})
		}
	}
	for t, l := range s.protection.policies {
		if !slices.Contains(policyTypes, t) { // not expected: kept all the same
			st.AccountPolicies = append(st.AccountPolicies, ckAccountPolicies{Type: t, Policies: l})
		}
	}

	s.mfMu.Lock()
	for k, b := range s.pending {
		st.Pending = append(st.Pending, ckBucket{NS: k.ns, Name: k.name, DimsKey: k.dims, Unit: k.unit, Minute: k.minute,
			Dims: b.dims, Count: b.count, Sum: b.sum, MinV: b.minV, MaxV: b.maxV})
	}
	s.mfMu.Unlock()
	sort.Slice(st.Pending, func(i, j int) bool {
		a, b := st.Pending[i], st.Pending[j]
		if a.NS != b.NS {
			return a.NS < b.NS
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.DimsKey != b.DimsKey {
			return a.DimsKey < b.DimsKey
		}
		if a.Unit != b.Unit {
			return a.Unit < b.Unit
		}
		return a.Minute < b.Minute
	})

	ds := &s.deliveries
	ds.mu.RLock()
	for _, n := range sortedKeys(ds.sources) {
		st.Deliveries.Sources = append(st.Deliveries.Sources, *ds.sources[n])
	}
	for _, n := range sortedKeys(ds.destinations) {
		d := ds.destinations[n]
		st.Deliveries.Destinations = append(st.Deliveries.Destinations, ckDeliveryDestination{Dest: d.DeliveryDestination, Policy: d.policy})
	}
	for _, id := range sortedKeys(ds.deliveries) {
		st.Deliveries.Deliveries = append(st.Deliveries.Deliveries, *ds.deliveries[id])
	}
	st.Deliveries.Order = ds.order
	ds.mu.RUnlock()

	qs := &s.queryStore
	qs.mu.Lock()
	for _, q := range qs.order {
		st.Queries = append(st.Queries, ckQuery{Info: q.info, Groups: q.groups, Start: q.start, End: q.end, Limit: q.limit,
			Results: q.results, Stats: q.stats, Finished: q.finished, Due: q.due.UnixNano()})
	}
	for _, id := range sortedKeys(qs.defs) {
		st.QueryDefs = append(st.QueryDefs, *qs.defs[id])
	}
	qs.mu.Unlock()
	return st
}

// saveObjects returns the objects of the service's own store in the buckets
// its export tasks wrote to (the service writes nowhere else).
func (s *Service) saveObjects() []objstore.Object {
	var buckets []string
	for _, t := range s.exports {
		buckets = append(buckets, t.desc.Destination)
	}
	slices.Sort(buckets)
	var objs []objstore.Object
	for _, b := range slices.Compact(buckets) {
		keys, _ := s.store.List(context.Background(), b, "")
		for _, k := range keys {
			if o, err := s.store.Get(context.Background(), b, k); err == nil {
				objs = append(objs, o)
			}
		}
	}
	return objs
}

func saveHistory(h *dpHistory) ckHistory {
	c := ckHistory{Cur: h.cur != nil}
	for _, sp := range h.spans {
		c.Spans = append(c.Spans, ckSpan{From: sp.from, To: sp.to, Doc: sp.pol.doc, Updated: sp.pol.updated})
	}
	return c
}

func saveStream(st *stream) ckStream {
	n := st.count
	c := ckStream{Name: st.name, Arn: st.arn, Created: st.created, SortedN: st.sortedN, Drops: st.drops,
		First: st.first, Last: st.last, LastIngest: st.lastIngest, HasEvents: st.hasEvents, N: n}
	c.Msgs = make([]byte, 0, st.bytes)
	c.Lens = make([]byte, 0, n*2)
	c.TS = make([]byte, 0, n*2)
	c.Ing = make([]byte, 0, n)
	c.Seq = make([]byte, 0, n)
	var pts, ping, pseq int64
	for i := 0; i < n; {
		sg, j := st.loc(i)
		for ; j < len(sg.ts) && i < n; j, i = j+1, i+1 {
			m := sg.buf[sg.off[j]:sg.off[j+1]]
			c.Msgs = append(c.Msgs, m...)
			c.Lens = binary.AppendUvarint(c.Lens, uint64(len(m)))
			c.TS = binary.AppendVarint(c.TS, sg.ts[j]-pts)
			c.Ing = binary.AppendVarint(c.Ing, sg.ing[j]-ping)
			c.Seq = binary.AppendVarint(c.Seq, int64(sg.seq[j])-pseq)
			pts, ping, pseq = sg.ts[j], sg.ing[j], int64(sg.seq[j])
		}
	}
	return c
}

var errCheckpoint = errors.New("logs checkpoint: bad data")

func ckErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errCheckpoint, fmt.Sprintf(format, args...))
}

// loadState replaces the state of a service just built with the state
// saveState wrote, and arms its pending timers again (op.StateHooks.Load).
func (s *Service) loadState(r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = ckErr("%v", p)
		}
	}()
	br := bufio.NewReaderSize(r, 1<<16)
	v, err := br.ReadByte()
	if err != nil {
		return ckErr("reading the version: %v", err)
	}
	if v != checkpointVersion {
		return ckErr("version %d, not %d", v, checkpointVersion)
	}
	var st ckState
	if err := op.StateDecMode.NewDecoder(br).Decode(&st); err != nil {
		return ckErr("%v", err)
	}
	return s.restore(&st)
}

// built is the state restore builds before it replaces the service's.
type built struct {
	groups       map[string]*group
	names        []string
	destinations map[string]*destination
	policies     map[string]ResourcePolicy
	exports      []*exportTask
	pending      map[bucketKey]*bucket
	prot         protection
	queries      map[string]*query
	order        []*query
	defs         map[string]*QueryDefinition
	sources      map[string]*DeliverySource
	ddests       map[string]*deliveryDestination
	deliveries   map[string]*Delivery
}

func (s *Service) restore(st *ckState) error {
	b := built{
		groups: map[string]*group{}, destinations: map[string]*destination{}, policies: map[string]ResourcePolicy{},
		pending: map[bucketKey]*bucket{},
		prot:    protection{groups: map[*group]*dpHistory{}, policies: map[PolicyType][]AccountPolicy{}},
		sources: map[string]*DeliverySource{}, ddests: map[string]*deliveryDestination{}, deliveries: map[string]*Delivery{},
	}
	for i := range st.Groups {
		cg := &st.Groups[i]
		if _, dup := b.groups[cg.Name]; dup {
			return ckErr("log group %q twice", cg.Name)
		}
		g := &group{name: cg.Name, arn: cg.Arn, created: cg.Created, retention: cg.Retention, kms: cg.Kms, class: cg.Class,
			tags: cg.Tags, stored: cg.Stored, protected: cg.Protected,
			streams: map[string]*stream{}, metricFilters: map[string]*metricFilter{}, subs: map[string]*subscriptionFilter{}}
		if g.tags == nil {
			g.tags = map[string]string{}
		}
		for j := range cg.Streams {
			sm, err := loadStream(&cg.Streams[j])
			if err != nil {
				return fmt.Errorf("%w (log group %q)", err, cg.Name)
			}
			if _, dup := g.streams[sm.name]; dup {
				return ckErr("log stream %q twice in %q", sm.name, cg.Name)
			}
			g.streams[sm.name] = sm
			g.streamNames = append(g.streamNames, sm.name)
		}
		sort.Strings(g.streamNames)
		for _, d := range cg.MetricFilters {
			apply := d.ApplyOnTransformedLogs
			mf, err := compileMetricFilter(PutMetricFilterInput{LogGroupName: d.LogGroupName, FilterName: d.FilterName,
				FilterPattern: d.FilterPattern, MetricTransformations: d.MetricTransformations, ApplyOnTransformedLogs: &apply})
			if err != nil {
				return ckErr("metric filter %q: %v", d.FilterName, err)
			}
			mf.desc = d
			g.metricFilters[d.FilterName] = mf
		}
		for _, d := range cg.Subs {
			p, err := compilePattern(d.FilterPattern)
			if err != nil {
				return ckErr("subscription filter %q: %v", d.FilterName, err)
			}
			g.subs[d.FilterName] = &subscriptionFilter{desc: d, pattern: p}
		}
		if cg.DP != nil {
			h, err := loadHistory(cg.DP)
			if err != nil {
				return err
			}
			b.prot.groups[g] = h
		}
		b.groups[g.name] = g
		b.names = append(b.names, g.name)
	}
	sort.Strings(b.names)
	for _, d := range st.Destinations {
		b.destinations[d.Desc.DestinationName] = &destination{desc: d.Desc, tags: d.Tags}
	}
	for _, p := range st.Policies {
		b.policies[p.Key] = p.Policy
	}
	for _, e := range st.Exports {
		if e.Desc.Status == nil || e.Desc.ExecutionInfo == nil {
			return ckErr("export task %q without status", e.Desc.TaskID)
		}
		b.exports = append(b.exports, &exportTask{desc: e.Desc, prefix: e.Prefix, due: time.Unix(0, e.Due)})
	}
	for _, p := range st.Pending {
		b.pending[bucketKey{ns: p.NS, name: p.Name, dims: p.DimsKey, unit: p.Unit, minute: p.Minute}] =
			&bucket{dims: p.Dims, count: p.Count, sum: p.Sum, minV: p.MinV, maxV: p.MaxV}
	}
	h, err := loadHistory(&st.AccountDP)
	if err != nil {
		return err
	}
	b.prot.account = *h
	for _, ap := range st.AccountPolicies {
		b.prot.policies[ap.Type] = ap.Policies
	}
	for i := range st.Deliveries.Sources {
		src := st.Deliveries.Sources[i]
		b.sources[src.Name] = &src
	}
	for _, d := range st.Deliveries.Destinations {
		b.ddests[d.Dest.Name] = &deliveryDestination{DeliveryDestination: d.Dest, policy: d.Policy}
	}
	for i := range st.Deliveries.Deliveries {
		d := st.Deliveries.Deliveries[i]
		b.deliveries[d.ID] = &d
	}
	for _, id := range st.Deliveries.Order {
		if b.deliveries[id] == nil {
			return ckErr("delivery order names %q, which does not exist", id)
		}
	}
	b.queries = map[string]*query{}
	for _, cq := range st.Queries {
		compiled, err := insights.Compile(cq.Info.QueryString)
		if err != nil {
			return ckErr("query %s: %v", cq.Info.QueryID, err)
		}
		q := &query{info: cq.Info, q: compiled, groups: cq.Groups, start: cq.Start, end: cq.End, limit: cq.Limit,
			results: cq.Results, stats: cq.Stats, finished: cq.Finished, due: time.Unix(0, cq.Due)}
		b.queries[q.info.QueryID] = q
		b.order = append(b.order, q)
	}
	b.defs = map[string]*QueryDefinition{}
	for i := range st.QueryDefs {
		d := st.QueryDefs[i]
		b.defs[d.QueryDefinitionID] = &d
	}
	if s.ownStore {
		for _, o := range st.Objects {
			if err := s.store.Put(context.Background(), o); err != nil {
				return ckErr("object %s/%s: %v", o.Bucket, o.Key, err)
			}
		}
	}
	s.install(st, &b)
	return nil
}

// install puts the restored state in place and arms the timers again, in
// the order they were armed: the service's schedules (New), the pending
// export tasks and the scheduled queries (each in creation order).
func (s *Service) install(st *ckState, b *built) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.timers {
		t.Stop()
	}
	for _, t := range s.exports {
		if t.timer != nil {
			t.timer.Stop()
		}
	}
	s.groups, s.names, s.seq, s.sweeps = b.groups, b.names, st.Seq, st.Sweeps
	s.destinations, s.policies, s.exports, s.queryResultKms = b.destinations, b.policies, b.exports, st.QueryResultKms
	s.protection = b.prot
	s.mfMu.Lock()
	s.pending = b.pending
	s.mfMu.Unlock()
	ds := &s.deliveries
	ds.mu.Lock()
	ds.sources, ds.destinations, ds.deliveries, ds.order = b.sources, b.ddests, b.deliveries, st.Deliveries.Order
	ds.mu.Unlock()
	qs := &s.queryStore
	qs.mu.Lock()
	for _, q := range qs.order {
		if q.timer != nil {
			q.timer.Stop()
		}
	}
	qs.queries, qs.order, qs.defs = b.queries, b.order, b.defs
	if s.op.Closed() {
		qs.mu.Unlock()
		return
	}
	s.timers = s.armServiceTimers()
	now := s.clock.Now()
	for _, t := range s.exports {
		if t.desc.Status.Code == ExportPending {
			t.timer = clock.AfterFuncNamed(s.clock, exportTimerName(t.desc.TaskID), t.due.Sub(now), func() { s.runExport(t) })
		}
	}
	for _, q := range qs.order {
		if q.info.Status == QueryScheduled {
			q.timer = clock.AfterFuncNamed(s.clock, queryTimerName(q.info.QueryID), q.due.Sub(now), func() { s.runQuery(q) })
		}
	}
	qs.mu.Unlock()
}

func loadHistory(c *ckHistory) (*dpHistory, error) {
	h := &dpHistory{}
	for _, sp := range c.Spans {
		p, err := parseDataProtection(sp.Doc)
		if err != nil {
			return nil, ckErr("data protection policy: %v", err)
		}
		p.updated = sp.Updated
		h.spans = append(h.spans, dpSpan{from: sp.From, to: sp.To, pol: p})
	}
	if c.Cur {
		if len(h.spans) == 0 {
			return nil, ckErr("a current data protection policy without a span")
		}
		h.cur = h.spans[len(h.spans)-1].pol
	}
	return h, nil
}

// colReader reads one varint column.
type colReader struct {
	b    []byte
	name string
}

func (c *colReader) varint() (int64, error) {
	v, n := binary.Varint(c.b)
	if n <= 0 {
		return 0, ckErr("truncated %s column", c.name)
	}
	c.b = c.b[n:]
	return v, nil
}

func (c *colReader) uvarint() (uint64, error) {
	v, n := binary.Uvarint(c.b)
	if n <= 0 {
		return 0, ckErr("truncated %s column", c.name)
	}
	c.b = c.b[n:]
	return v, nil
}

func loadStream(c *ckStream) (*stream, error) {
	if c.N < 0 || c.SortedN < 0 || c.SortedN > c.N {
		return nil, ckErr("stream %q: %d events, %d sorted", c.Name, c.N, c.SortedN)
	}
	st := newStream(c.Name, c.Arn, c.Created)
	if c.N > 0 {
		// One segment sized for what it holds when it all fits (as compact
		// makes it); more segments are sized by newSegment.
		if c.N <= segCap {
			st.segs = []*segment{{buf: make([]byte, 0, len(c.Msgs)), off: make([]int, 1, c.N+1),
				ts: make([]int64, 0, c.N), ing: make([]int64, 0, c.N), seq: make([]uint64, 0, c.N)}}
		}
	}
	lens, ts, ing, seq := colReader{c.Lens, "length"}, colReader{c.TS, "timestamp"}, colReader{c.Ing, "ingestion time"}, colReader{c.Seq, "sequence"}
	msgs := c.Msgs
	var pts, ping, pseq int64
	for range c.N {
		l, err := lens.uvarint()
		if err != nil {
			return nil, err
		}
		if l > uint64(len(msgs)) {
			return nil, ckErr("stream %q: messages truncated", c.Name)
		}
		dts, err := ts.varint()
		if err != nil {
			return nil, err
		}
		ding, err := ing.varint()
		if err != nil {
			return nil, err
		}
		dseq, err := seq.varint()
		if err != nil {
			return nil, err
		}
		pts, ping, pseq = pts+dts, ping+ding, pseq+dseq
		st.appendRaw(msgs[:l], pts, ping, uint64(pseq))
		msgs = msgs[l:]
	}
	if len(msgs) != 0 || len(lens.b) != 0 || len(ts.b) != 0 || len(ing.b) != 0 || len(seq.b) != 0 {
		return nil, ckErr("stream %q: trailing column data", c.Name)
	}
	st.sortedN, st.drops = c.SortedN, c.Drops
	st.first, st.last, st.lastIngest, st.hasEvents = c.First, c.Last, c.LastIngest, c.HasEvents
	return st, nil
}
