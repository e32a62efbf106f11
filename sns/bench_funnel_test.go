package sns

import (
	"context"
	"testing"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
)

// BenchmarkPublishOneQueue measures the per-call path of Publish (the op
// funnel, validation, admission, one raw queue delivery): with no bus, and
// with a CloudTrail-like subscriber reading every call (its parameters
// built).
func BenchmarkPublishOneQueue(b *testing.B) {
	for _, recorded := range []bool{false, true} {
		name := "no-bus"
		if recorded {
			name = "recorded"
		}
		b.Run(name, func(b *testing.B) {
			var bs *bus.Bus
			if recorded {
				bs = &bus.Bus{}
				bus.Subscribe(bs, "trail", func(_ context.Context, ev event.APICall) error { _ = ev.RequestParameters; return nil })
			}
			f := newFixture(b, func(o *Options) { o.Bus = bs })
			a := f.topic(b, "bench", nil)
			q := f.queue(b, "q")
			f.subscribe(b, a, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
			in := PublishInput{TopicArn: a, Message: "order placed"}
			ctx := context.Background()
			b.ReportAllocs()
			cpu := processCPU()
			n := 0
			for b.Loop() {
				if _, err := f.s.Publish(ctx, in); err != nil {
					b.Fatal(err)
				}
				if n++; n%1000 == 0 {
					b.StopTimer()
					receiveAll(b, q)
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
