package localwatch_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
)

// Scheduled work never takes the stack down: a timer callback that panics
// is recovered by the clock, reported to the bus's OnError (and the Logger)
// as a *PanicError naming the job, and the clock goes on.
func ExamplePanicError() {
	clk := localwatch.NewManualClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	st := localwatch.New(localwatch.Options{Clock: clk})
	defer st.Close()
	st.Bus.OnError(func(err error) {
		var pe *localwatch.PanicError
		if errors.As(err, &pe) {
			fmt.Printf("job %q panicked: %v\n", pe.Job, pe.Value)
		}
	})
	clk.AfterFuncNamed("nightly report", time.Minute, func() { panic("report template missing") })
	clk.AfterFunc(2*time.Minute, func() { fmt.Println("the next job still runs") })
	clk.Advance(time.Hour)
	// Output:
	// job "nightly report" panicked: report template missing
	// the next job still runs
}
