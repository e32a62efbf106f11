package clock

import (
	"container/heap"
	"sync"
	"time"
)

// Virtual is the clock the services of a persistent account run on (see
// internal/journal). It sits over another clock, its base (the clock the user
// chose), and differs from it in two ways that make a run replayable:
//
//   - While held ([Virtual.Hold]), its time stands still: a journaled call
//     reads one time from start to end, the time its journal record carries.
//     Outside a hold it reads the base's time, never earlier than the latest
//     time it was held at.
//   - Its timers run only when [Virtual.Fire] is called. The base carries a
//     single wake-up timer at the earliest due time ([Virtual.Arm]); when it
//     fires, the function set with [Virtual.OnWake] runs (the journal records
//     a tick and calls Fire). A replay calls Fire at the recorded ticks with
//     the base disarmed, so the same timers run at the same times.
//
// Virtual starts no goroutine. Safe for concurrent use.
type Virtual struct {
	base Clock

	mu     sync.Mutex // guards everything below
	held   bool
	now    time.Time // the held time, or the floor: the latest time held
	timers timerHeap
	seq    uint64
	armed  bool      // a wake-up may be registered on the base
	wake   Timer     // the base timer for wakeAt, if any
	wakeAt time.Time // valid when wake != nil
	onWake func()
	panics panicHooks
	// expect and unexpected are set between BeginRestore and EndRestore
	// (virtual_state.go).
	expect     map[timerKey][]uint64
	unexpected []string
}

// NewVirtual returns a Virtual over base, disarmed: its timers wait until
// [Virtual.Arm].
func NewVirtual(base Clock) *Virtual { return &Virtual{base: base} }

// Base returns the clock v is over.
func (v *Virtual) Base() Clock { return v.base }

// OnWake sets the function the base's wake-up timer calls when the earliest
// timer of v falls due. It runs on the goroutine the base runs its timers on.
func (v *Virtual) OnWake(f func()) {
	v.mu.Lock()
	v.onWake = f
	v.mu.Unlock()
}

// OnPanic registers f to receive every panic of a timer callback, which Fire
// recovers before going on with the next timer. It returns a function that
// removes f.
func (v *Virtual) OnPanic(f func(*PanicError)) (remove func()) { return v.panics.add(f) }

// Now returns the held time, or else the base's time (never earlier than the
// latest held time).
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.nowLocked()
}

func (v *Virtual) nowLocked() time.Time {
	if v.held {
		return v.now
	}
	if t := v.base.Now(); t.After(v.now) {
		return t
	}
	return v.now
}

// HoldNow stops v at the base's current time (never earlier than the latest
// held time) and returns that time. Release lets it go.
func (v *Virtual) HoldNow() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.now = v.nowLocked()
	v.held = true
	return v.now
}

// Hold stops v at t (or at the latest held time, if t is earlier: v never
// goes back) and returns the time it holds.
func (v *Virtual) Hold(t time.Time) time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	if t.After(v.now) {
		v.now = t
	}
	v.held = true
	return v.now
}

// Release ends a hold: Now follows the base again.
func (v *Virtual) Release() {
	v.mu.Lock()
	v.held = false
	v.mu.Unlock()
}

// Due reports whether a timer is due at t.
func (v *Virtual) Due(t time.Time) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.timers) > 0 && !v.timers[0].at.After(t)
}

// Fire runs, on the caller's goroutine and in due order (ties in
// registration order), every timer due at or before the held time, including
// those the callbacks register that fall due by then. Call it while holding.
// A callback that panics is recovered and reported (see OnPanic).
func (v *Virtual) Fire() {
	for {
		v.mu.Lock()
		if len(v.timers) == 0 || v.timers[0].at.After(v.now) {
			v.mu.Unlock()
			return
		}
		t := heap.Pop(&v.timers).(*manualTimer)
		v.mu.Unlock()
		runJob(t.name, t.f, &v.panics)
	}
}

// Arm lets v register its wake-up on the base, and does so for its earliest
// timer.
func (v *Virtual) Arm() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.armed = true
	v.rearmLocked()
}

// Disarm stops the wake-up timer; timers then wait until Arm.
func (v *Virtual) Disarm() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.armed = false
	if v.wake != nil {
		v.wake.Stop()
		v.wake = nil
	}
}

// Rearm registers the wake-up for the earliest timer if it is not
// registered already (after a wake-up ran Fire).
func (v *Virtual) Rearm() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.rearmLocked()
}

func (v *Virtual) rearmLocked() {
	if !v.armed || len(v.timers) == 0 {
		return
	}
	at := v.timers[0].at
	if v.wake != nil {
		if !at.Before(v.wakeAt) {
			return
		}
		v.wake.Stop()
	}
	v.wakeAt = at
	var w Timer
	w = AfterFuncNamed(v.base, "clock.Virtual wake-up", at.Sub(v.base.Now()), func() {
		v.mu.Lock()
		if v.wake == w {
			v.wake = nil
		}
		f := v.onWake
		v.mu.Unlock()
		if f != nil {
			f()
		}
	})
	v.wake = w
}

// AfterFunc registers f to run at Now()+d, when Fire runs it.
func (v *Virtual) AfterFunc(d time.Duration, f func()) Timer { return v.AfterFuncNamed("", d, f) }

// AfterFuncNamed is [Virtual.AfterFunc] for a timer called name, the name a
// panic of f is reported with.
func (v *Virtual) AfterFuncNamed(name string, d time.Duration, f func()) Timer {
	v.mu.Lock()
	defer v.mu.Unlock()
	at := v.nowLocked().Add(max(d, 0))
	var seq uint64
	if v.expect != nil {
		seq = v.restoredSeqLocked(name, at)
	} else {
		v.seq++
		seq = v.seq
	}
	t := &manualTimer{mu: &v.mu, heap: &v.timers, at: at, seq: seq, name: name, f: f, index: -1}
	heap.Push(&v.timers, t)
	if t.index == 0 {
		v.rearmLocked()
	}
	return t
}

// Pending reports how many timers are registered and not yet run or stopped.
func (v *Virtual) Pending() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.timers)
}
