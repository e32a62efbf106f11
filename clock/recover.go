package clock

import (
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// PanicError reports a scheduled job (a timer callback) that panicked. The
// clock recovered it and went on with its other timers.
type PanicError struct {
	// Job names the timer: the name given to [AfterFuncNamed] or
	// [EveryNamed], or else the name of the callback's function.
	Job string
	// Value is what the job passed to panic.
	Value any
	// Stack is the job's goroutine stack at the panic.
	Stack []byte
}

// Error says which job panicked and with what.
func (e *PanicError) Error() string {
	return fmt.Sprintf("clock: scheduled job %q panicked: %v", e.Job, e.Value)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// NamedClock is a [Clock] whose timers carry a name, reported with a panic
// of their callback. [Manual], [Loop] and [Real] are NamedClocks; use
// [AfterFuncNamed] to name a timer on any Clock.
type NamedClock interface {
	Clock
	// AfterFuncNamed is AfterFunc for a timer called name.
	AfterFuncNamed(name string, d time.Duration, f func()) Timer
}

// AfterFuncNamed registers f on c like c.AfterFunc(d, f), naming the timer
// name (empty: the name of f's function) so that a panic of f is reported
// with it. On a Clock that is not a [NamedClock], f runs under a recover
// that reports to [slog.Default].
func AfterFuncNamed(c Clock, name string, d time.Duration, f func()) Timer {
	if nc, ok := c.(NamedClock); ok {
		return nc.AfterFuncNamed(name, d, f)
	}
	return c.AfterFunc(d, func() { runJob(name, f, nil) })
}

// panicHooks are the functions a clock reports recovered panics to. The zero
// value reports to slog.Default.
type panicHooks struct {
	mu    sync.Mutex
	hooks []*func(*PanicError)
}

func (h *panicHooks) add(f func(*PanicError)) (remove func()) {
	p := &f
	h.mu.Lock()
	h.hooks = append(h.hooks, p)
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		for i, q := range h.hooks {
			if q == p {
				h.hooks = append(h.hooks[:i:i], h.hooks[i+1:]...)
				return
			}
		}
	}
}

// report hands e to every hook (a hook that panics itself is ignored), or
// logs it to slog.Default when there is none, so that no panic goes unseen.
func (h *panicHooks) report(e *PanicError) {
	var hooks []*func(*PanicError)
	if h != nil {
		h.mu.Lock()
		hooks = h.hooks
		h.mu.Unlock()
	}
	if len(hooks) == 0 {
		slog.Default().Error("clock: scheduled job panicked", "job", e.Job, "panic", e.Value, "stack", string(e.Stack))
		return
	}
	for _, f := range hooks {
		func() {
			defer func() { _ = recover() }()
			(*f)(e)
		}()
	}
}

// runJob runs f, recovering a panic and reporting it to h under the job's
// name (name, or f's function name when name is empty).
func runJob(name string, f func(), h *panicHooks) {
	defer func() {
		if r := recover(); r != nil {
			h.report(&PanicError{Job: jobName(name, f), Value: r, Stack: debug.Stack()})
		}
	}()
	f()
}

// jobName is name, or the name of f's function (e.g.
// "github.com/localwatch/localwatch/alarms.(*Service).tick-fm"). It is only
// computed when a job panics.
func jobName(name string, f any) string {
	if name != "" {
		return name
	}
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return "unnamed"
	}
	if fn := runtime.FuncForPC(v.Pointer()); fn != nil {
		return fn.Name()
	}
	return "unnamed"
}
