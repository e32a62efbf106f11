package clock_test

import (
	"testing"
	"time"

	"github.com/localwatch/localwatch/clock"
)

var vt0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestVirtualStandsStillWhileHeldAndNeverGoesBack(t *testing.T) {
	base := clock.NewManual(vt0)
	v := clock.NewVirtual(base)
	if got := v.HoldNow(); !got.Equal(vt0) {
		t.Fatalf("HoldNow = %v", got)
	}
	base.Advance(time.Minute)
	if got := v.Now(); !got.Equal(vt0) {
		t.Fatalf("held Now = %v, want %v", got, vt0)
	}
	v.Release()
	if got := v.Now(); !got.Equal(vt0.Add(time.Minute)) {
		t.Fatalf("released Now = %v, want the base's", got)
	}
	v.Hold(vt0.Add(time.Hour))
	v.Release()
	if got := v.Now(); !got.Equal(vt0.Add(time.Hour)) {
		t.Fatalf("Now after a hold ahead of the base = %v, want the held time (never back)", got)
	}
	if got := v.Hold(vt0); !got.Equal(vt0.Add(time.Hour)) {
		t.Fatalf("Hold(earlier) = %v, want the latest held time", got)
	}
}

func TestVirtualTimersRunOnlyWhenFiredInDueOrder(t *testing.T) {
	base := clock.NewManual(vt0)
	v := clock.NewVirtual(base)
	var ran []string
	v.AfterFunc(2*time.Second, func() { ran = append(ran, "b@"+v.Now().Sub(vt0).String()) })
	v.AfterFunc(time.Second, func() {
		ran = append(ran, "a@"+v.Now().Sub(vt0).String())
		v.AfterFunc(0, func() { ran = append(ran, "a2") })
	})
	stopped := v.AfterFunc(time.Second, func() { ran = append(ran, "stopped") })
	stopped.Stop()
	base.Advance(time.Minute) // disarmed: nothing runs
	if len(ran) != 0 || v.Pending() != 2 {
		t.Fatalf("ran %q before Fire; pending %d", ran, v.Pending())
	}
	v.Hold(vt0.Add(90 * time.Second))
	v.Fire()
	v.Release()
	if want := "a@1m30s b@1m30s a2"; join(ran) != want {
		t.Fatalf("ran %q, want %q", join(ran), want)
	}
}

func TestVirtualArmedWakesOnTheBaseAtTheEarliestTimer(t *testing.T) {
	base := clock.NewManual(vt0)
	v := clock.NewVirtual(base)
	var wakes []time.Duration
	v.OnWake(func() {
		at := v.HoldNow()
		wakes = append(wakes, at.Sub(vt0))
		v.Fire()
		v.Release()
		v.Rearm()
	})
	var ran int
	v.AfterFunc(10*time.Second, func() { ran++ })
	v.Arm()
	v.AfterFunc(5*time.Second, func() { ran++ }) // earlier: the wake-up moves
	base.Advance(7 * time.Second)
	base.Advance(7 * time.Second)
	if ran != 2 || len(wakes) != 2 || wakes[0] != 5*time.Second || wakes[1] != 10*time.Second {
		t.Fatalf("ran %d, wakes at %v; want 2 runs, wakes at 5s and 10s", ran, wakes)
	}
	v.Disarm()
	v.AfterFunc(time.Second, func() { ran++ })
	base.Advance(time.Minute)
	if ran != 2 {
		t.Fatal("a disarmed clock woke")
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
