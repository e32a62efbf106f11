package bus

import (
	"context"
	"testing"
)

type benchEvent struct {
	Name string
	N    int
}

// BenchmarkPublish measures the cost Publish adds per event: with a
// subscriber, with none (the common case for most event types), and on a
// nil bus (a service built without one).
func BenchmarkPublish(b *testing.B) {
	ctx := context.Background()
	b.Run("one-subscriber", func(b *testing.B) {
		var bus Bus
		n := 0
		Subscribe(&bus, "count", func(_ context.Context, ev benchEvent) error { n += ev.N; return nil })
		b.ReportAllocs()
		for b.Loop() {
			_ = Publish(ctx, &bus, benchEvent{Name: "x", N: 1})
		}
	})
	b.Run("no-subscriber", func(b *testing.B) {
		var bus Bus
		b.ReportAllocs()
		for b.Loop() {
			_ = Publish(ctx, &bus, benchEvent{Name: "x", N: 1})
		}
	})
	b.Run("nil-bus", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Publish[benchEvent](ctx, nil, benchEvent{Name: "x", N: 1})
		}
	})
}
