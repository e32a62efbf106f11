package clock

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// VirtualState is what a checkpoint keeps of a [Virtual]: its time, its
// timer counter and its pending timers (by name and due time; their
// functions belong to the services, which arm them again).
type VirtualState struct {
	Now    time.Time
	Seq    uint64
	Timers []TimerState
}

// TimerState is one pending timer of a [VirtualState]. Seq orders the
// timers due at the same instant (they run in ascending Seq).
type TimerState struct {
	Name string
	At   time.Time
	Seq  uint64
}

type timerKey struct {
	name string
	at   int64 // Unix nanoseconds
}

// State returns v's time, timer counter and pending timers.
func (v *Virtual) State() VirtualState {
	v.mu.Lock()
	defer v.mu.Unlock()
	st := VirtualState{Now: v.nowLocked(), Seq: v.seq, Timers: make([]TimerState, 0, len(v.timers))}
	for _, t := range v.timers {
		st.Timers = append(st.Timers, TimerState{Name: t.name, At: t.at, Seq: t.seq})
	}
	slices.SortFunc(st.Timers, func(a, b TimerState) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return st
}

// BeginRestore prepares v for services that load a checkpoint: it discards
// every pending timer (those the services armed when they were built), holds
// v at st.Now, and until [Virtual.EndRestore] gives each timer armed under
// the name and due time of one of st's timers that timer's place (its Seq)
// among those due at the same instant, so that they run in the order they
// had when the checkpoint was taken.
func (v *Virtual) BeginRestore(st VirtualState) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, t := range v.timers {
		t.index = -1
	}
	v.timers = nil
	if v.wake != nil {
		v.wake.Stop()
		v.wake = nil
	}
	if st.Now.After(v.now) {
		v.now = st.Now
	}
	v.held = true
	v.seq = max(v.seq, st.Seq)
	v.expect = map[timerKey][]uint64{}
	for _, t := range st.Timers {
		k := timerKey{t.Name, t.At.UnixNano()}
		v.expect[k] = append(v.expect[k], t.Seq)
	}
	for _, seqs := range v.expect {
		slices.Sort(seqs)
	}
	v.unexpected = nil
}

// EndRestore ends what BeginRestore began: it releases the hold and reports
// the timers of the checkpoint that were not armed again and the timers
// armed that the checkpoint did not have (a service's Load that does not
// restore its schedules), as an error.
func (v *Virtual) EndRestore() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.held = false
	var missing []string
	for k, seqs := range v.expect {
		for range seqs {
			missing = append(missing, fmt.Sprintf("%q at %s", k.name, time.Unix(0, k.at).UTC().Format(time.RFC3339Nano)))
		}
	}
	unexpected := v.unexpected
	v.expect, v.unexpected = nil, nil
	v.rearmLocked()
	if len(missing) == 0 && len(unexpected) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("clock: the checkpoint's timers were not restored as they were: not armed again: [%s]; armed but not in the checkpoint: [%s]",
		strings.Join(missing, ", "), strings.Join(unexpected, ", "))
}

// restoredSeqLocked returns the Seq a timer armed while restoring takes: its
// checkpointed one, or a new one (noted as unexpected).
func (v *Virtual) restoredSeqLocked(name string, at time.Time) uint64 {
	k := timerKey{name, at.UnixNano()}
	if seqs := v.expect[k]; len(seqs) > 0 {
		v.expect[k] = seqs[1:]
		if len(v.expect[k]) == 0 {
			delete(v.expect, k)
		}
		return seqs[0]
	}
	v.unexpected = append(v.unexpected, fmt.Sprintf("%q at %s", name, at.UTC().Format(time.RFC3339Nano)))
	v.seq++
	return v.seq
}
