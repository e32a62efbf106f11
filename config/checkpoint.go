package config

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/btree"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/op"
)

// Checkpoints (op.StateHooks): saveState writes the service's whole state,
// loadState puts it into a service just built by New with the same Options.
//
// The stream is one version byte, then one CBOR value (ckState). What every
// field of the service's state structs becomes:
//
// Service
//
//	op, store: set by New from the Options (not state; the ID source and the
//	  clock are restored by the account itself; delivered files live in the
//	  object store, which persists on its own)
//	mu: lock (not state)
//	recorder, recorderState: saved
//	channel, channelState: saved
//	snapTimer, histTimer, dailyTimer, retTimer: whether each is pending is
//	  saved (with its timerArm: snapArm, histArm, dailyArm, retArm, saved);
//	  Load arms every pending one again under its name (timerSnapshot,
//	  timerHistory, timerDaily, timerRetention), with the period the state
//	  gives (the channel's DeliveryFrequency, histEvery, 24 hours)
//	timerSeq: saved
//	histEvery: from the Options; saved and checked (a checkpoint taken with
//	  another HistoryDeliveryInterval is refused)
//	histFrom, histRetry: saved (the captured values of the history timer's
//	  windows)
//	retention: saved
//	resources: saved (ckResource, in key order), see resource below
//	byID: saved (the order of the keys under an ID is creation order)
//	byARN: saved (which resource owns an ARN depends on the order of the
//	  declarations: it cannot be rebuilt from the resources alone)
//	known: saved
//	declaredTypes: saved
//	rules: saved (ckRule, in name order), see rule below
//	ruleSeq: saved (unused by the service today)
//	functions: NOT saved: Go functions, registered again by the user on the
//	  new service (Load keeps those registered before it)
//	tokens, tokenList: saved (tokenList in its order)
//	remediations: saved
//	unsubscribe: rebuilt by New (bus subscription)
//	closed: not state (the new service is open)
//
// resource: key, exists, dirty, pending: saved; st: saved as an index into
// the table of declared states (ckState.States: each distinct *state once,
// items share them as in memory); incoming: saved (in key order); items:
// saved in tree order (ckItem: at, sid, st, rels, related, md5, status,
// daily; res is the owning resource), the tree rebuilt (nil stays nil);
// last: saved as an index into items, or whole (LastOut) when the retention
// sweep removed it from the tree.
//
// state: name, arn, az, created, configuration, supplementary, tags, rels:
// saved.
//
// rule: cfg, params, change, period, snapshot, oversized, tags,
// snapshotEvery, lastSnapshot, results, lastStart, status: saved; managed:
// rebuilt from cfg.Source.SourceIdentifier (managedRules) when it was set;
// timer: whether it is pending is saved with arm (timerArm); Load arms it
// again as ruleTimerName(name).
//
// Timers due at the same instant run in the order the clock registered
// them. A clock that restores that order by name (the account's) needs
// nothing more; for one that does not (a clock.Manual in a test), Load arms
// the pending timers in the order they were registered: a schedule's
// current timer was registered when it last ran (its due time minus its
// period) or, if it never ran, when it was created (timerArm.at); ties go
// to creation order (timerArm.seq).

// checkpointVersion is the first byte of a checkpoint of this service.
const checkpointVersion byte = 1

type ckArm struct {
	At  time.Time
	Seq int64
}

type ckState struct {
	Recorder      *ConfigurationRecorder
	RecorderState ConfigurationRecorderStatus
	Channel       *DeliveryChannel
	ChannelState  DeliveryChannelStatus

	// Pending service schedules (nil: not pending).
	SnapTimer, HistTimer, DailyTimer, RetTimer *ckArm
	TimerSeq                                   int64

	HistEvery time.Duration
	HistFrom  time.Time
	HistRetry map[string]time.Time
	Retention *RetentionConfiguration

	States        []ckDeclared
	Resources     []ckResource
	ByID          map[string][]ResourceKey
	ByARN         map[string]ResourceKey
	Known         bool
	DeclaredTypes map[string]bool

	Rules        []ckRule
	RuleSeq      int
	Tokens       map[string]string
	TokenList    []string
	Remediations map[string]RemediationConfiguration
}

type ckDeclared struct {
	Name, ARN, AZ string
	Created       time.Time
	Configuration string
	Supplementary map[string]string
	Tags          map[string]string
	Rels          []ResourceRelationship
}

type ckIncoming struct {
	From ResourceKey
	Name string
	Rel  Relationship
}

type ckItem struct {
	At, Sid int64
	St      int // index+1 into ckState.States; 0: nil
	Rels    []Relationship
	Related []string
	MD5     [16]byte
	Status  ConfigurationItemStatus
	Daily   bool
}

type ckResource struct {
	Key      ResourceKey
	Exists   bool
	St       int // index+1 into ckState.States; 0: nil
	Incoming []ckIncoming
	HasTree  bool
	Items    []ckItem
	Last     int     // index+1 into Items; 0: see LastOut
	LastOut  *ckItem // r.last when it is not in the tree (nil: no last)
	Pending  []string
	Dirty    bool
}

type ckResult struct {
	Key    ResourceKey
	Result *EvaluationResult
}

type ckRule struct {
	Cfg           ConfigRule
	Params        map[string]string
	Managed       bool
	Change        bool
	Period        time.Duration
	Snapshot      bool
	Oversized     bool
	Tags          map[string]string
	SnapshotEvery time.Duration
	LastSnapshot  time.Time
	Timer         *ckArm // nil: no pending timer
	Results       []ckResult
	LastStart     time.Time
	Status        ConfigRuleEvaluationStatus
}

var (
	ckEncMode cbor.EncMode
	ckDecMode cbor.DecMode
)

func init() {
	var err error
	ckEncMode, err = cbor.EncOptions{Time: cbor.TimeRFC3339Nano, Sort: cbor.SortBytewiseLexical}.EncMode()
	if err != nil {
		panic(err)
	}
	ckDecMode, err = cbor.DecOptions{
		// As the journal decodes Inputs: remediation Parameters decode as a
		// replay would decode them.
		DefaultMapType:    reflect.TypeOf(map[string]any(nil)),
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
		MaxArrayElements:  1 << 30, MaxMapPairs: 1 << 30, MaxNestedLevels: 1024,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// saveState writes the service's whole state to w (op.StateHooks.Save).
func (s *Service) saveState(w io.Writer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.snapshotLocked()
	if err := op.WriteState(w, checkpointVersion, ckEncMode, st); err != nil {
		return fmt.Errorf("config checkpoint: %w", err)
	}
	return nil
}

func armOf(t clock.Timer, a timerArm) *ckArm {
	if t == nil {
		return nil
	}
	return &ckArm{At: a.at, Seq: a.seq}
}

func (s *Service) snapshotLocked() *ckState {
	st := &ckState{
		Recorder: s.recorder, RecorderState: s.recorderState,
		Channel: s.channel, ChannelState: s.channelState,
		SnapTimer: armOf(s.snapTimer, s.snapArm), HistTimer: armOf(s.histTimer, s.histArm),
		DailyTimer: armOf(s.dailyTimer, s.dailyArm), RetTimer: armOf(s.retTimer, s.retArm),
		TimerSeq:  s.timerSeq,
		HistEvery: s.histEvery, HistFrom: s.histFrom, HistRetry: s.histRetry,
		Retention: s.retention,
		ByID:      s.byID, ByARN: s.byARN, Known: s.known.Load(), DeclaredTypes: s.declaredTypes,
		RuleSeq: s.ruleSeq, Tokens: s.tokens, TokenList: s.tokenList, Remediations: s.remediations,
	}
	stIdx := map[*state]int{}
	ref := func(p *state) int {
		if p == nil {
			return 0
		}
		if i, ok := stIdx[p]; ok {
			return i
		}
		st.States = append(st.States, ckDeclared{Name: p.name, ARN: p.arn, AZ: p.az, Created: p.created, Configuration: p.configuration,
			Supplementary: p.supplementary, Tags: p.tags, Rels: p.rels})
		stIdx[p] = len(st.States)
		return len(st.States)
	}
	saveItem := func(it *item) ckItem {
		return ckItem{At: it.at, Sid: it.sid, St: ref(it.st), Rels: it.rels, Related: it.related, MD5: it.md5, Status: it.status, Daily: it.daily}
	}
	for _, k := range slices.SortedFunc(maps.Keys(s.resources), compareKeys) {
		r := s.resources[k]
		cr := ckResource{Key: k, Exists: r.exists, St: ref(r.st), Pending: r.pending, Dirty: r.dirty, HasTree: r.items != nil}
		for ik, rel := range r.incoming {
			cr.Incoming = append(cr.Incoming, ckIncoming{From: ik.from, Name: ik.name, Rel: rel})
		}
		slices.SortFunc(cr.Incoming, func(a, b ckIncoming) int {
			return cmp.Or(compareKeys(a.From, b.From), cmp.Compare(a.Name, b.Name))
		})
		if r.items != nil {
			r.items.Ascend(func(ref itemRef) bool {
				if ref.it == r.last {
					cr.Last = len(cr.Items) + 1
				}
				cr.Items = append(cr.Items, saveItem(ref.it))
				return true
			})
		}
		if r.last != nil && cr.Last == 0 {
			it := saveItem(r.last)
			cr.LastOut = &it
		}
		st.Resources = append(st.Resources, cr)
	}
	for _, name := range slices.Sorted(maps.Keys(s.rules)) {
		r := s.rules[name]
		cr := ckRule{Cfg: r.cfg, Params: r.params, Managed: r.managed != nil, Change: r.change, Period: r.period,
			Snapshot: r.snapshot, Oversized: r.oversized, Tags: r.tags, SnapshotEvery: r.snapshotEvery,
			LastSnapshot: r.lastSnapshot, Timer: armOf(r.timer, r.arm), LastStart: r.lastStart, Status: r.status}
		for _, k := range slices.SortedFunc(maps.Keys(r.results), compareKeys) {
			cr.Results = append(cr.Results, ckResult{Key: k, Result: r.results[k]})
		}
		if r.results == nil {
			cr.Results = nil
		} else if cr.Results == nil {
			cr.Results = []ckResult{}
		}
		st.Rules = append(st.Rules, cr)
	}
	return st
}

var errCheckpoint = errors.New("config checkpoint: bad data")

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
	var st ckState
	if err := op.ReadState(r, checkpointVersion, ckDecMode, &st); err != nil {
		return ckErr("%v", err)
	}
	return s.restore(&st)
}

// pendingTimer is a schedule to arm again.
type pendingTimer struct {
	name   string
	period time.Duration
	arm    timerArm
	f      func(time.Time)
	set    func(clock.Timer, timerArm)
}

func (s *Service) restore(st *ckState) error {
	if st.HistEvery != s.histEvery {
		return ckErr("saved with a history delivery interval of %v, this service has %v", st.HistEvery, s.histEvery)
	}
	// Declared states.
	states := make([]*state, len(st.States))
	for i, d := range st.States {
		states[i] = &state{name: d.Name, arn: d.ARN, az: d.AZ, created: d.Created, configuration: d.Configuration,
			supplementary: d.Supplementary, tags: d.Tags, rels: d.Rels}
	}
	stAt := func(i int) (*state, error) {
		if i < 0 || i > len(states) {
			return nil, ckErr("state index %d out of range", i)
		}
		if i == 0 {
			return nil, nil
		}
		return states[i-1], nil
	}
	// Resources.
	resources := make(map[ResourceKey]*resource, len(st.Resources))
	for _, cr := range st.Resources {
		if _, dup := resources[cr.Key]; dup {
			return ckErr("resource %v twice", cr.Key)
		}
		r := &resource{key: cr.Key, exists: cr.Exists, pending: cr.Pending, dirty: cr.Dirty}
		var err error
		if r.st, err = stAt(cr.St); err != nil {
			return err
		}
		if r.exists && r.st == nil {
			return ckErr("resource %v exists with no state", cr.Key)
		}
		for _, in := range cr.Incoming {
			if r.incoming == nil {
				r.incoming = map[inKey]Relationship{}
			}
			r.incoming[inKey{in.From, in.Name}] = in.Rel
		}
		loadItem := func(ci ckItem) (*item, error) {
			it := &item{at: ci.At, sid: ci.Sid, res: r, rels: ci.Rels, related: ci.Related, md5: ci.MD5, status: ci.Status, daily: ci.Daily}
			var err error
			if it.st, err = stAt(ci.St); err != nil {
				return nil, err
			}
			return it, nil
		}
		if cr.HasTree {
			r.items = btree.NewG(16, itemLess)
		} else if len(cr.Items) > 0 {
			return ckErr("resource %v has items and no tree", cr.Key)
		}
		var prev itemRef
		for i, ci := range cr.Items {
			it, err := loadItem(ci)
			if err != nil {
				return err
			}
			ref := itemRef{it.at, it.sid, it}
			if i > 0 && !itemLess(prev, ref) {
				return ckErr("the items of resource %v are out of order", cr.Key)
			}
			prev = ref
			r.items.ReplaceOrInsert(ref)
			if cr.Last == i+1 {
				r.last = it
			}
		}
		switch {
		case cr.Last < 0 || cr.Last > len(cr.Items):
			return ckErr("resource %v: last item %d out of range", cr.Key, cr.Last)
		case cr.Last > 0 && cr.LastOut != nil:
			return ckErr("resource %v has two last items", cr.Key)
		case cr.LastOut != nil:
			if r.last, err = loadItem(*cr.LastOut); err != nil {
				return err
			}
		}
		if r.last == nil && len(cr.Items) > 0 {
			return ckErr("resource %v has items and no last item", cr.Key)
		}
		resources[cr.Key] = r
	}
	for id, keys := range st.ByID {
		for _, k := range keys {
			if resources[k] == nil || k.ResourceID != id {
				return ckErr("byID names the unknown resource %v under %q", k, id)
			}
		}
	}
	for a, k := range st.ByARN {
		if resources[k] == nil {
			return ckErr("byARN names the unknown resource %v under %q", k, a)
		}
	}
	if len(st.TokenList) != len(st.Tokens) {
		return ckErr("%d result tokens listed, %d mapped", len(st.TokenList), len(st.Tokens))
	}
	for _, t := range st.TokenList {
		if _, ok := st.Tokens[t]; !ok {
			return ckErr("result token %q listed, not mapped", t)
		}
	}
	// Rules.
	rules := make(map[string]*rule, len(st.Rules))
	for _, cr := range st.Rules {
		name := cr.Cfg.ConfigRuleName
		if name == "" || rules[name] != nil {
			return ckErr("rule %q empty or twice", name)
		}
		if cr.Cfg.Source == nil {
			return ckErr("rule %q has no source", name)
		}
		r := &rule{cfg: cr.Cfg, params: cr.Params, change: cr.Change, period: cr.Period, snapshot: cr.Snapshot, oversized: cr.Oversized,
			tags: cr.Tags, snapshotEvery: cr.SnapshotEvery, lastSnapshot: cr.LastSnapshot, lastStart: cr.LastStart, status: cr.Status}
		if cr.Managed {
			m := managedRules[cr.Cfg.Source.SourceIdentifier]
			if m == nil {
				return ckErr("rule %q: unknown managed rule %q", name, cr.Cfg.Source.SourceIdentifier)
			}
			r.managed = m
		}
		if cr.Results != nil {
			r.results = make(map[ResourceKey]*EvaluationResult, len(cr.Results))
			for _, res := range cr.Results {
				if res.Result == nil {
					return ckErr("rule %q: no result for %v", name, res.Key)
				}
				r.results[res.Key] = res.Result
			}
		}
		if cr.Timer != nil && cr.Period <= 0 {
			return ckErr("rule %q has a timer and no period", name)
		}
		rules[name] = r
	}
	if st.Recorder != nil && (st.Recorder.RecordingGroup == nil || st.Recorder.RecordingGroup.RecordingStrategy == nil || st.Recorder.RecordingMode == nil) {
		return ckErr("the recorder is incomplete")
	}
	if g := st.Recorder; g != nil && g.RecordingGroup.RecordingStrategy.UseOnly == ExclusionByResourceTypes && g.RecordingGroup.ExclusionByResourceTypes == nil {
		return ckErr("the recorder's exclusion list is missing")
	}
	if st.Channel != nil && (st.ChannelState.ConfigSnapshotDeliveryInfo == nil || st.ChannelState.ConfigHistoryDeliveryInfo == nil || st.ChannelState.ConfigStreamDeliveryInfo == nil) {
		return ckErr("the delivery channel status is incomplete")
	}

	// The pending timers, in the order they were registered.
	var pend []pendingTimer
	add := func(a *ckArm, name string, period time.Duration, f func(time.Time), set func(clock.Timer, timerArm)) error {
		if a == nil {
			return nil
		}
		if period <= 0 {
			return ckErr("the timer %q has no period", name)
		}
		pend = append(pend, pendingTimer{name: name, period: period, arm: timerArm{at: a.At, seq: a.Seq}, f: f, set: set})
		return nil
	}
	snapEvery := time.Duration(0)
	if st.Channel != nil && st.Channel.ConfigSnapshotDeliveryProperties != nil {
		snapEvery = st.Channel.ConfigSnapshotDeliveryProperties.DeliveryFrequency.Duration()
	}
	errs := []error{
		add(st.RetTimer, timerRetention, 24*time.Hour, func(at time.Time) { s.sweepRetention(at) }, func(t clock.Timer, a timerArm) { s.retTimer, s.retArm = t, a }),
		add(st.DailyTimer, timerDaily, 24*time.Hour, func(at time.Time) { s.flushDaily(at) }, func(t clock.Timer, a timerArm) { s.dailyTimer, s.dailyArm = t, a }),
		add(st.SnapTimer, timerSnapshot, snapEvery, func(at time.Time) { s.periodicSnapshot(at) }, func(t clock.Timer, a timerArm) { s.snapTimer, s.snapArm = t, a }),
		add(st.HistTimer, timerHistory, s.histEvery, func(at time.Time) { s.deliverHistory(context.Background(), at) }, func(t clock.Timer, a timerArm) { s.histTimer, s.histArm = t, a }),
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, cr := range st.Rules {
		name := cr.Cfg.ConfigRuleName
		r := rules[name]
		if err := add(cr.Timer, ruleTimerName(name), cr.Period, func(at time.Time) { s.runScheduled(name, at) }, func(t clock.Timer, a timerArm) { r.timer, r.arm = t, a }); err != nil {
			return err
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	// The timers New armed are dead (or, on a clock that keeps them, must
	// not run twice).
	for _, t := range []clock.Timer{s.snapTimer, s.histTimer, s.dailyTimer, s.retTimer} {
		if t != nil {
			t.Stop()
		}
	}
	for _, r := range s.rules {
		if r.timer != nil {
			r.timer.Stop()
		}
	}
	s.snapTimer, s.histTimer, s.dailyTimer, s.retTimer = nil, nil, nil, nil
	s.snapArm, s.histArm, s.dailyArm, s.retArm = timerArm{}, timerArm{}, timerArm{}, timerArm{}

	s.recorder, s.recorderState = st.Recorder, st.RecorderState
	s.channel, s.channelState = st.Channel, st.ChannelState
	s.timerSeq = st.TimerSeq
	s.histFrom = st.HistFrom
	s.histRetry = orEmpty(st.HistRetry)
	s.retention = st.Retention
	s.resources = resources
	s.byID = orEmpty(st.ByID)
	s.byARN = orEmpty(st.ByARN)
	s.known.Store(st.Known)
	s.declaredTypes = orEmpty(st.DeclaredTypes)
	s.rules = rules
	s.ruleSeq = st.RuleSeq
	s.tokens = orEmpty(st.Tokens)
	s.tokenList = st.TokenList
	s.remediations = st.Remediations

	if s.closed {
		return nil
	}
	now := s.now()
	key := func(p pendingTimer) time.Time {
		due := now.Truncate(p.period).Add(p.period)
		if last := due.Add(-p.period); last.After(p.arm.at) {
			return last
		}
		return p.arm.at
	}
	slices.SortStableFunc(pend, func(a, b pendingTimer) int {
		return cmp.Or(key(a).Compare(key(b)), cmp.Compare(a.arm.seq, b.arm.seq))
	})
	for _, p := range pend {
		p.set(clock.EveryNamed(s.op.Clock, p.name, p.period, p.f), p.arm)
	}
	return nil
}

func orEmpty[M ~map[K]V, K comparable, V any](m M) M {
	if m == nil {
		return M{}
	}
	return m
}
