package trail

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
)

// BenchmarkLookupEventsCall measures one LookupEvents call through the
// public method (the funnel: Close check, recording its own call on the bus,
// which the Service itself consumes) over a 200,000-event history.
func BenchmarkLookupEventsCall(b *testing.B) {
	e := newEnv(b)
	idents := []identity.Identity{identity.IAMUser("123456789012", "alice", "AKIA1"), identity.IAMUser("123456789012", "bob", "AKIA2")}
	for i := range 200_000 {
		ev := event.APICall{Time: e.clk.Now(), EventSource: "monitoring.amazonaws.com", EventName: fmt.Sprintf("Op%d", i%20),
			AWSRegion: "us-east-1", Identity: idents[i%2], HasIdentity: true, Management: true, EventID: fmt.Sprintf("e%d", i)}
		e.svc.consume(&ev)
		if i%1000 == 999 {
			e.clk.Advance(time.Second)
		}
	}
	ctx := context.Background()
	in := LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "Op7"}}}
	_, _ = e.svc.LookupEvents(ctx, in) // build the posting lists outside the timer
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	defer func() { reportCPU(b, cpu, "calls") }()
	for range b.N {
		out, err := e.svc.LookupEvents(ctx, in)
		if err != nil || len(out.Events) == 0 {
			b.Fatal(err)
		}
	}
}
