package agent_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/agent"
	"github.com/localwatch/localwatch/metrics"
)

// The agent on a manual clock, at detailed (one-minute) monitoring: each
// minute it publishes the runtime's metrics as metrics.DataEvent on the bus
// (a stack's metrics service stores them; here a subscriber prints one).
func ExampleAgent() {
	c := localwatch.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	b := new(localwatch.Bus)
	localwatch.Subscribe(b, "print", func(_ context.Context, ev metrics.DataEvent) error {
		for _, d := range ev.Input.MetricData {
			if d.MetricName == "Goroutines" {
				fmt.Println(ev.Input.Namespace, d.MetricName, d.Timestamp.Format(time.TimeOnly))
			}
		}
		return nil
	})
	a := agent.New(agent.Options{Clock: c, Bus: b, Monitoring: agent.Detailed})
	a.Start()
	defer a.Stop()
	c.Advance(2 * time.Minute)
	// Output:
	// CWAgent Goroutines 00:01:00
	// CWAgent Goroutines 00:02:00
}
