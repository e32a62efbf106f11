package clock_test

import (
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/clock"
)

// Timers armed again while restoring take back their places: those due at
// the same instant run in the order they had, whatever order they are armed
// in; timers armed when the services were built are discarded.
func TestRestoredTimersRunInTheirCheckpointedOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := clock.NewVirtual(clock.NewManual(t0))
	a.Hold(t0)
	for _, n := range []string{"first", "second", "third"} {
		clock.AfterFuncNamed(a, n, time.Minute, func() {})
	}
	clock.AfterFuncNamed(a, "later", time.Hour, func() {})
	st := a.State()
	if len(st.Timers) != 4 {
		t.Fatalf("state %+v", st)
	}

	b := clock.NewVirtual(clock.NewManual(t0))
	var ran []string
	clock.AfterFuncNamed(b, "built", time.Minute, func() { ran = append(ran, "built") })
	b.BeginRestore(st)
	for _, n := range []string{"later", "third", "second", "first"} {
		clock.AfterFuncNamed(b, n, st.Timers[0].At.Sub(t0)+map[bool]time.Duration{true: 59 * time.Minute}[n == "later"], func() { ran = append(ran, n) })
	}
	if err := b.EndRestore(); err != nil {
		t.Fatal(err)
	}
	b.Hold(t0.Add(2 * time.Hour))
	b.Fire()
	if got := strings.Join(ran, " "); got != "first second third later" {
		t.Fatalf("ran %q", got)
	}
}

// A Load that does not arm a checkpointed timer again, or arms one the
// checkpoint did not have, is reported.
func TestARestoreThatLosesOrAddsATimerIsReported(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := clock.NewVirtual(clock.NewManual(t0))
	a.Hold(t0)
	clock.AfterFuncNamed(a, "kept", time.Minute, func() {})
	clock.AfterFuncNamed(a, "lost", time.Minute, func() {})
	b := clock.NewVirtual(clock.NewManual(t0))
	b.BeginRestore(a.State())
	clock.AfterFuncNamed(b, "kept", time.Minute, func() {})
	clock.AfterFuncNamed(b, "new", time.Minute, func() {})
	err := b.EndRestore()
	if err == nil || !strings.Contains(err.Error(), `"lost"`) || !strings.Contains(err.Error(), `"new"`) {
		t.Fatalf("err = %v", err)
	}
}
