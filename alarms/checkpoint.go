package alarms

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/op"
)

// Checkpoints (op.StateHooks): saveState writes the service's whole state,
// loadState puts it into a service just built and arms its timers again.
//
// What is kept of each field of the state (Service and what it points to):
//
// Service
//   - op: the clock, bus, IDs, Region, account, logger and journal come from
//     Options (the ID source and the clock are restored by the account); the
//     closed flag is not state (a closed service is not checkpointed).
//   - source: Options.Metrics (not state).
//   - handlers, hooks: registered by the user / the root (not state).
//   - alarms: SAVED, one ckAlarm each (below), in name order.
//   - names: REBUILT (the sorted alarm names).
//   - parents: SAVED as it is, not rebuilt: the order of each child's parents
//     is the order composite alarms are re-evaluated in when the child
//     changes, which is the order of their creation and updates.
//   - history: SAVED (sequence numbers and items); histSeq: SAVED.
//   - lastSeq: not state (unused; describeAlarmHistory keeps its own).
//   - groups: members SAVED (names, in order: the evaluation order); the
//     schedule (timer) is ARMED AGAIN when the group has members; seq SAVED;
//     cadence is fixed by New; run, jobs, sc, batch, index, order, in, out
//     and ids are the scratch of a tick (not state).
//   - suppressors: REBUILT (composite alarms with an ActionsSuppressor).
//   - muteRules: SAVED (the stored input, ARN and update time); the compiled
//     schedule is REBUILT by compileSchedule from the input.
//   - armSeq: SAVED (the registration order of the timers).
//
// alarm
//   - name, arn, typ, version, group, def, cdef, actionsEnabled, state,
//     reason, reasonData, evaluationState, stateUpdated, transitioned,
//     configUpdated, tags, hasAutoScaling, lastAutoScaling, prev,
//     suppressedBy, pendingOld, suppressedReason, suppressorLeft, wait,
//     triggering: SAVED.
//   - comp, query, batchKey: REBUILT from def (compile, buildQuery,
//     batchKeyOf, as storeMetricAlarm does); rule: REBUILT (ParseAlarmRule
//     of cdef.AlarmRule).
//   - resumed: not state (set and cleared within one locked section).
//   - waitTimer: ARMED AGAIN from wait (kind, due time, captured version,
//     since and old state).
//
// The definitions (PutMetricAlarmInput, PutCompositeAlarmInput,
// PutAlarmMuteRuleInput) are encoded as they are; their json omitempty tags
// (which CBOR honours) would turn an empty slice into nil, so the paths of
// empty non-nil slices are saved with them and restored.
//
// Timers, by name (unique among the service's pending timers):
//   - "alarms/evaluate/60s", "alarms/evaluate/10s": the evaluation
//     schedules of the standard and high-resolution groups (clock.EveryNamed,
//     aligned to the epoch: re-creating one gives the same next run).
//   - "alarms/wait/<alarm>", "alarms/extension/<alarm>": a composite
//     alarm's ActionsSuppressor wait period or extension period.
//
// They are armed again in the order they were registered (by seq), so that
// a clock that runs timers due at the same instant in registration order
// runs them in their original order.

// checkpointVersion is the first byte of the stream.
const checkpointVersion = 1

type ckState struct {
	HistSeq   uint64
	ArmSeq    uint64
	History   []ckHist
	Alarms    []ckAlarm
	Groups    [2]ckGroup
	Parents   []ckParents
	MuteRules []ckMute
}

type ckHist struct {
	Seq  uint64
	Item ckItem
}

// ckItem mirrors AlarmHistoryItem.
type ckItem struct {
	AlarmName       string
	AlarmType       AlarmType
	Timestamp       time.Time
	HistoryItemType HistoryItemType
	HistorySummary  string
	HistoryData     string
}

type ckGroup struct {
	Members []string
	Seq     uint64
}

type ckParents struct {
	Child   string
	Parents []string
}

type ckPrev struct {
	Value            StateValue
	Reason, Data     string
	At               time.Time
	SuppressedBy     ActionsSuppressedBy
	SuppressedReason string
}

type ckTrig struct {
	ARN   string
	State StateValue
	At    time.Time
}

type ckAlarm struct {
	Name, ARN string
	Type      AlarmType
	Version   uint64
	Group     int

	Def       *PutMetricAlarmInput
	DefEmpty  []string
	CDef      *PutCompositeAlarmInput
	CDefEmpty []string

	ActionsEnabled   bool
	State            StateValue
	Reason           string
	ReasonData       string
	EvaluationState  string
	StateUpdated     time.Time
	Transitioned     time.Time
	ConfigUpdated    time.Time
	Tags             []Tag
	HasAutoScaling   bool
	LastAutoScaling  time.Time
	Prev             ckPrev
	SuppressedBy     ActionsSuppressedBy
	PendingOld       StateValue
	SuppressedReason string
	SuppressorLeft   time.Time
	Wait             *waitArm
	Triggering       []ckTrig
}

type ckMute struct {
	In      PutAlarmMuteRuleInput
	Empty   []string
	ARN     string
	Updated time.Time
}

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
		MaxArrayElements: 2147483647,
		MaxMapPairs:      2147483647,
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// saveState writes the service's state (op.StateHooks.Save).
func (s *Service) saveState(w io.Writer) error {
	s.mu.Lock()
	st := ckState{HistSeq: s.histSeq, ArmSeq: s.armSeq}
	st.History = make([]ckHist, len(s.history))
	for i, h := range s.history {
		it := h.item
		st.History[i] = ckHist{Seq: h.seq, Item: ckItem{AlarmName: it.AlarmName, AlarmType: it.AlarmType, Timestamp: it.Timestamp,
			HistoryItemType: it.HistoryItemType, HistorySummary: it.HistorySummary, HistoryData: it.HistoryData}}
	}
	for _, name := range s.names {
		a := s.alarms[name]
		c := ckAlarm{Name: a.name, ARN: a.arn, Type: a.typ, Version: a.version, Group: a.group,
			Def: a.def, DefEmpty: emptyPaths(a.def), CDef: a.cdef, CDefEmpty: emptyPaths(a.cdef),
			ActionsEnabled: a.actionsEnabled, State: a.state, Reason: a.reason, ReasonData: a.reasonData,
			EvaluationState: a.evaluationState, StateUpdated: a.stateUpdated, Transitioned: a.transitioned,
			ConfigUpdated: a.configUpdated, Tags: a.tags, HasAutoScaling: a.hasAutoScaling, LastAutoScaling: a.lastAutoScaling,
			Prev: ckPrev{Value: a.prev.value, Reason: a.prev.reason, Data: a.prev.data, At: a.prev.at,
				SuppressedBy: a.prev.suppressedBy, SuppressedReason: a.prev.suppressedReason},
			SuppressedBy: a.suppressedBy, PendingOld: a.pendingOld, SuppressedReason: a.suppressedReason,
			SuppressorLeft: a.suppressorLeft, Wait: a.wait}
		if a.triggering != nil {
			c.Triggering = make([]ckTrig, len(a.triggering))
			for i, t := range a.triggering {
				c.Triggering[i] = ckTrig{ARN: t.arn, State: t.state, At: t.at}
			}
		}
		st.Alarms = append(st.Alarms, c)
	}
	for gi, g := range s.groups {
		st.Groups[gi].Seq = g.seq
		for _, a := range g.members {
			st.Groups[gi].Members = append(st.Groups[gi].Members, a.name)
		}
	}
	for child, ps := range s.parents {
		st.Parents = append(st.Parents, ckParents{Child: child, Parents: ps})
	}
	sort.Slice(st.Parents, func(i, j int) bool { return st.Parents[i].Child < st.Parents[j].Child })
	for _, name := range slices.Sorted(maps.Keys(s.muteRules)) {
		r := s.muteRules[name]
		st.MuteRules = append(st.MuteRules, ckMute{In: r.in, Empty: emptyPaths(&r.in), ARN: r.arn, Updated: r.updated})
	}
	b, err := ckEnc.Marshal(&st)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("alarms: encoding the checkpoint: %w", err)
	}
	if _, err := w.Write([]byte{checkpointVersion}); err != nil { // op.ReadState's envelope
		return err
	}
	_, err = w.Write(b)
	return err
}

// loadState replaces the state of a service just built with a checkpoint
// (op.StateHooks.Load) and arms its timers again.
func (s *Service) loadState(r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("alarms: the checkpoint is not valid: %v", p)
		}
	}()
	var st ckState
	if err := op.ReadState(r, checkpointVersion, ckDec, &st); err != nil {
		return fmt.Errorf("alarms: reading the checkpoint: %w", err)
	}

	// Build everything first; the service is changed only once it all checks.
	alarms := make(map[string]*alarm, len(st.Alarms))
	names := make([]string, 0, len(st.Alarms))
	suppressors := 0
	for i := range st.Alarms {
		c := &st.Alarms[i]
		if c.Name == "" || alarms[c.Name] != nil {
			return fmt.Errorf("alarms: the checkpoint has a missing or repeated alarm name %q", c.Name)
		}
		a := &alarm{name: c.Name, arn: c.ARN, typ: c.Type, version: c.Version, group: c.Group,
			actionsEnabled: c.ActionsEnabled, state: c.State, reason: c.Reason, reasonData: c.ReasonData,
			evaluationState: c.EvaluationState, stateUpdated: c.StateUpdated, transitioned: c.Transitioned,
			configUpdated: c.ConfigUpdated, tags: c.Tags, hasAutoScaling: c.HasAutoScaling, lastAutoScaling: c.LastAutoScaling,
			prev: prevState{value: c.Prev.Value, reason: c.Prev.Reason, data: c.Prev.Data, at: c.Prev.At,
				suppressedBy: c.Prev.SuppressedBy, suppressedReason: c.Prev.SuppressedReason},
			suppressedBy: c.SuppressedBy, pendingOld: c.PendingOld, suppressedReason: c.SuppressedReason,
			suppressorLeft: c.SuppressorLeft, wait: c.Wait}
		if c.Triggering != nil {
			a.triggering = make([]triggeringChild, len(c.Triggering))
			for j, t := range c.Triggering {
				a.triggering[j] = triggeringChild{arn: t.ARN, state: t.State, at: t.At}
			}
		}
		switch c.Type {
		case AlarmTypeMetric:
			if c.Def == nil || c.CDef != nil || c.Wait != nil || c.Group < 0 || c.Group > 1 {
				return fmt.Errorf("alarms: the checkpoint's metric alarm %q is not valid", c.Name)
			}
			if err := restoreEmpties(c.Def, c.DefEmpty); err != nil {
				return err
			}
			a.def = c.Def
			a.comp = compile(a.def)
			a.query = buildQuery(a.def)
			a.batchKey = batchKeyOf(a.def, a.comp)
			if wantGroup := map[bool]int{false: 0, true: 1}[a.comp.period < 60]; wantGroup != c.Group {
				return fmt.Errorf("alarms: the checkpoint's metric alarm %q is in the wrong evaluation group", c.Name)
			}
		case AlarmTypeComposite:
			if c.CDef == nil || c.Def != nil {
				return fmt.Errorf("alarms: the checkpoint's composite alarm %q is not valid", c.Name)
			}
			if err := restoreEmpties(c.CDef, c.CDefEmpty); err != nil {
				return err
			}
			rule, err := ParseAlarmRule(c.CDef.AlarmRule)
			if err != nil {
				return fmt.Errorf("alarms: the checkpoint's composite alarm %q: %w", c.Name, err)
			}
			a.cdef, a.rule = c.CDef, rule
			if a.cdef.ActionsSuppressor != "" {
				suppressors++
			}
			if w := c.Wait; w != nil && w.Kind != waitKindWait && w.Kind != waitKindExtension {
				return fmt.Errorf("alarms: the checkpoint's composite alarm %q has a timer of unknown kind %q", c.Name, w.Kind)
			}
		default:
			return fmt.Errorf("alarms: the checkpoint's alarm %q has type %q", c.Name, c.Type)
		}
		alarms[a.name] = a
		names = append(names, a.name)
	}
	slices.Sort(names)

	var members [2][]*alarm
	inGroup := map[string]bool{}
	for gi, g := range st.Groups {
		for _, n := range g.Members {
			a := alarms[n]
			if a == nil || a.typ != AlarmTypeMetric || a.group != gi || inGroup[n] {
				return fmt.Errorf("alarms: the checkpoint's evaluation group %d names alarm %q wrongly", gi, n)
			}
			inGroup[n] = true
			members[gi] = append(members[gi], a)
		}
	}
	for _, a := range alarms {
		if a.typ == AlarmTypeMetric && !inGroup[a.name] {
			return fmt.Errorf("alarms: the checkpoint's metric alarm %q is in no evaluation group", a.name)
		}
	}

	parents := make(map[string][]string, len(st.Parents))
	for _, p := range st.Parents {
		if _, dup := parents[p.Child]; dup || len(p.Parents) == 0 {
			return fmt.Errorf("alarms: the checkpoint's parents of %q are not valid", p.Child)
		}
		for _, n := range p.Parents {
			if a := alarms[n]; a == nil || a.typ != AlarmTypeComposite {
				return fmt.Errorf("alarms: the checkpoint names %q as a parent, which is no composite alarm", n)
			}
		}
		parents[p.Child] = p.Parents
	}

	history := make([]histEntry, len(st.History))
	for i, h := range st.History {
		if h.Seq > st.HistSeq || i > 0 && h.Seq <= history[i-1].seq {
			return errors.New("alarms: the checkpoint's history is out of order")
		}
		it := h.Item
		history[i] = histEntry{seq: h.Seq, item: AlarmHistoryItem{AlarmName: it.AlarmName, AlarmType: it.AlarmType, Timestamp: it.Timestamp,
			HistoryItemType: it.HistoryItemType, HistorySummary: it.HistorySummary, HistoryData: it.HistoryData}}
	}

	var mutes map[string]*muteRule
	for i := range st.MuteRules {
		m := &st.MuteRules[i]
		if err := restoreEmpties(&m.In, m.Empty); err != nil {
			return err
		}
		sched, err := compileSchedule(m.In.Rule.Schedule)
		if err != nil {
			return fmt.Errorf("alarms: the checkpoint's mute rule %q: %w", m.In.Name, err)
		}
		if mutes == nil {
			mutes = map[string]*muteRule{}
		}
		if mutes[m.In.Name] != nil {
			return fmt.Errorf("alarms: the checkpoint repeats mute rule %q", m.In.Name)
		}
		mutes[m.In.Name] = &muteRule{in: m.In, arn: m.ARN, updated: m.Updated, sched: sched}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	// The timers the service armed when it was built are dead: forget them.
	for _, g := range s.groups {
		if g.timer != nil {
			g.timer.Stop()
		}
		g.timer, g.members = nil, nil
	}
	for _, a := range s.alarms {
		a.stopWaitTimer()
	}
	s.alarms, s.names, s.parents = alarms, names, parents
	s.history, s.histSeq = history, st.HistSeq
	s.suppressors, s.muteRules = suppressors, mutes
	s.armSeq = st.ArmSeq

	// Arm the timers again, in their original registration order.
	type arm struct {
		seq uint64
		f   func()
	}
	var arms []arm
	for gi := range s.groups {
		g := s.groups[gi]
		g.members, g.seq = members[gi], st.Groups[gi].Seq
		if len(g.members) > 0 && !s.op.Closed() {
			arms = append(arms, arm{st.Groups[gi].Seq, func() {
				g.timer = clock.EveryNamed(s.op.Clock, groupTimerNames[gi], g.cadence, func(at time.Time) { s.tick(gi, at) })
			}})
		}
	}
	for _, name := range names {
		a := alarms[name]
		if w := a.wait; w != nil && !s.op.Closed() {
			arms = append(arms, arm{w.Seq, func() {
				seq := w.Seq
				s.armWaitLocked(a, w)
				w.Seq = seq
			}})
		}
	}
	sort.SliceStable(arms, func(i, j int) bool { return arms[i].seq < arms[j].seq })
	for _, x := range arms {
		x.f()
	}
	s.armSeq = st.ArmSeq // armWaitLocked counted
	return nil
}

// emptyPaths lists the paths (field names and indexes joined by ".") of the
// empty non-nil slices in v, which the json omitempty tags CBOR honours
// would turn into nil.
func emptyPaths(v any) []string {
	var out []string
	walkEmpties(reflect.ValueOf(v), "", &out)
	return out
}

func walkEmpties(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkEmpties(v.Elem(), path, out)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkEmpties(v.Field(i), path+"."+v.Type().Field(i).Name, out)
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		if v.Len() == 0 {
			*out = append(*out, path)
			return
		}
		for i := 0; i < v.Len(); i++ {
			walkEmpties(v.Index(i), path+"."+strconv.Itoa(i), out)
		}
	}
}

// restoreEmpties sets the slices at paths (from emptyPaths) in *v to empty
// non-nil slices.
func restoreEmpties(v any, paths []string) error {
	for _, p := range paths {
		if err := restoreEmpty(reflect.ValueOf(v), p); err != nil {
			return fmt.Errorf("alarms: the checkpoint's empty list %q: %w", p, err)
		}
	}
	return nil
}

func restoreEmpty(v reflect.Value, path string) error {
	for _, part := range strings.Split(path, ".")[1:] {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return errors.New("no such value")
			}
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.Struct:
			f, ok := v.Type().FieldByName(part)
			if !ok || !f.IsExported() || len(f.Index) != 1 {
				return errors.New("no such field")
			}
			v = v.Field(f.Index[0])
		case reflect.Slice:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= v.Len() {
				return errors.New("no such index")
			}
			v = v.Index(i)
		default:
			return errors.New("no such value")
		}
	}
	if v.Kind() != reflect.Slice || !v.CanSet() {
		return errors.New("not a list")
	}
	if v.Len() == 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	return nil
}
