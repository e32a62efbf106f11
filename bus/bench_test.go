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

// BenchmarkWanted measures the question a publisher asks before completing
// an event: with a filtered subscriber that declines, and with none.
func BenchmarkWanted(b *testing.B) {
	b.Run("filtered-subscriber", func(b *testing.B) {
		var bus Bus
		SubscribeFiltered(&bus, "f", func(ev benchEvent) bool { return ev.N > 1 }, func(context.Context, benchEvent) error { return nil })
		for b.Loop() {
			_ = Wanted(&bus, benchEvent{N: 1})
		}
	})
	b.Run("no-subscriber", func(b *testing.B) {
		var bus Bus
		for b.Loop() {
			_ = Wanted(&bus, benchEvent{N: 1})
		}
	})
}
