package insightrules

import (
	"fmt"
	"io"
	"slices"

	"github.com/localwatch/localwatch/internal/op"
)

// Checkpoints (op.StateHooks): saveState writes the service's whole state,
// loadState puts it into a service just built by New with the same Options.
//
// The stream is one version byte (checkpointVersion), then one CBOR value
// (ckState) and nothing after it. What every field of the service's state
// structs becomes:
//
// Service
//
//	op: set by New from the Options (clock, IDs, Region, account, bus,
//	  logger, journal, recorder, closed flag): not state; the shared ID
//	  source and the clock are restored by the account itself
//	logs: the LogSource from the Options: not state (the events the reports
//	  read are the logs service's state, saved by it)
//	mu: a lock: not state
//	rules: saved, every rule, in name order (ckRule)
//
// ruleEntry:
//
//	name, body, state, managed: saved
//	tags: saved, in their order; a nil list and an empty one stay apart
//	  (TagsNil), as Tags returns them
//	transform: saved as a pointer (absent, true and false stay apart)
//	enabledLog: saved, every span (From, To; To 0 while open) in order:
//	  the reports count an event by the span its ingestion time falls in
//	compiled: rebuilt from body by parseRule, as PutInsightRule built it
//
// The service arms no timers and subscribes to nothing, so there is nothing
// to re-arm or rebuild.

// checkpointVersion is the first byte of a checkpoint of this service.
const checkpointVersion byte = 1

type ckState struct {
	Rules []ckRule
}

type ckRule struct {
	Name      string
	Body      string
	State     RuleState
	Tags      []Tag
	TagsNil   bool // tags was nil (not an empty list)
	Transform *bool
	Managed   bool
	Enabled   []ckSpan
}

type ckSpan struct {
	From, To int64
}

func ckErr(format string, args ...any) error {
	return fmt.Errorf("insightrules checkpoint: "+format, args...)
}

// saveState writes the service's whole state to w (op.StateHooks.Save).
func (s *Service) saveState(w io.Writer) error {
	s.mu.Lock()
	names := make([]string, 0, len(s.rules))
	for n := range s.rules {
		names = append(names, n)
	}
	slices.Sort(names)
	st := ckState{Rules: make([]ckRule, 0, len(names))}
	for _, n := range names {
		e := s.rules[n]
		r := ckRule{Name: e.name, Body: e.body, State: e.state, Tags: slices.Clone(e.tags), TagsNil: e.tags == nil,
			Managed: e.managed}
		if e.transform != nil {
			t := *e.transform
			r.Transform = &t
		}
		for _, sp := range e.enabledLog {
			r.Enabled = append(r.Enabled, ckSpan{From: sp.from, To: sp.to})
		}
		st.Rules = append(st.Rules, r)
	}
	s.mu.Unlock()
	if err := op.WriteState(w, checkpointVersion, nil, &st); err != nil {
		return ckErr("%v", err)
	}
	return nil
}

// loadState replaces the service's state with the one saveState wrote
// (op.StateHooks.Load). On an error the service is left unchanged.
func (s *Service) loadState(r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = ckErr("%v", p)
		}
	}()
	var st ckState
	if err := op.ReadState(r, checkpointVersion, op.StrictStateDecMode, &st); err != nil {
		return ckErr("%v", err)
	}
	rules := make(map[string]*ruleEntry, len(st.Rules))
	for i, cr := range st.Rules {
		if err := checkRuleName("RuleName", cr.Name); err != nil {
			return ckErr("rule %d: %v", i, err)
		}
		if _, dup := rules[cr.Name]; dup {
			return ckErr("rule %q is there twice", cr.Name)
		}
		if cr.State != StateEnabled && cr.State != StateDisabled {
			return ckErr("rule %q has state %q", cr.Name, cr.State)
		}
		if cr.TagsNil && len(cr.Tags) > 0 {
			return ckErr("rule %q has tags marked absent", cr.Name)
		}
		compiled, err := parseRule(cr.Body)
		if err != nil {
			return ckErr("rule %q: %v", cr.Name, err)
		}
		e := &ruleEntry{name: cr.Name, body: cr.Body, compiled: compiled, state: cr.State, transform: cr.Transform, managed: cr.Managed}
		switch {
		case cr.TagsNil:
		case cr.Tags == nil:
			e.tags = []Tag{}
		default:
			e.tags = cr.Tags
		}
		for _, sp := range cr.Enabled {
			e.enabledLog = append(e.enabledLog, span{from: sp.From, to: sp.To})
		}
		rules[cr.Name] = e
	}
	s.mu.Lock()
	s.rules = rules
	s.mu.Unlock()
	return nil
}
