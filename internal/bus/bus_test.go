package bus

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type ping struct{ N int }
type pong struct{ N int }

func TestDeliveryIsTypedAndOrdered(t *testing.T) {
	var b Bus
	var got []string
	Subscribe(&b, "first", func(_ context.Context, p ping) error { got = append(got, "first"); return nil })
	Subscribe(&b, "second", func(_ context.Context, p ping) error { got = append(got, "second"); return nil })
	Subscribe(&b, "pong", func(_ context.Context, p pong) error { got = append(got, "pong"); return nil })
	require.NoError(t, Publish(context.Background(), &b, ping{1}))
	assert.Equal(t, []string{"first", "second"}, got)
	assert.True(t, HasSubscribers[pong](&b))
	assert.False(t, HasSubscribers[int](&b))
}

func TestFailingHandlerDoesNotStopOthers(t *testing.T) {
	var b Bus
	var observed []error
	b.OnError(func(err error) { observed = append(observed, err) })
	boom := errors.New("boom")
	delivered := 0
	Subscribe(&b, "err", func(context.Context, ping) error { return boom })
	Subscribe(&b, "panic", func(context.Context, ping) error { panic("oops") })
	Subscribe(&b, "ok", func(context.Context, ping) error { delivered++; return nil })
	err := Publish(context.Background(), &b, ping{})
	require.Error(t, err)
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 1, delivered)
	require.Len(t, observed, 2)
	var he *HandlerError
	require.ErrorAs(t, observed[1], &he)
	assert.True(t, he.Panicked)
	assert.Equal(t, "panic", he.Subscriber)
}

func TestUnsubscribeAndNestedPublish(t *testing.T) {
	var b Bus
	var got []int
	unsub := Subscribe(&b, "ping", func(ctx context.Context, p ping) error {
		return Publish(ctx, &b, pong{p.N + 1})
	})
	Subscribe(&b, "pong", func(_ context.Context, p pong) error { got = append(got, p.N); return nil })
	require.NoError(t, Publish(context.Background(), &b, ping{1}))
	unsub()
	require.NoError(t, Publish(context.Background(), &b, ping{5}))
	assert.Equal(t, []int{2}, got)
	assert.NoError(t, Publish[ping](context.Background(), nil, ping{}))
}

func TestFilteredSubscriberSeesOnlyWhatItWants(t *testing.T) {
	var b Bus
	var got []int
	SubscribeFiltered(&b, "even", func(p ping) bool { return p.N%2 == 0 }, func(_ context.Context, p ping) error {
		got = append(got, p.N)
		return nil
	})
	assert.True(t, HasSubscribers[ping](&b))
	assert.True(t, Wanted(&b, ping{2}))
	assert.False(t, Wanted(&b, ping{3}), "no subscriber reads odd pings")
	for n := range 5 {
		require.NoError(t, Publish(context.Background(), &b, ping{n}))
	}
	assert.Equal(t, []int{0, 2, 4}, got)

	unsub := Subscribe(&b, "all", func(context.Context, ping) error { return nil })
	assert.True(t, Wanted(&b, ping{3}), "an unfiltered subscriber reads every event")
	unsub()
	assert.False(t, Wanted(&b, ping{3}))
	assert.False(t, Wanted[ping](nil, ping{2}))
}

func TestPanickingPredicateIsReportedNotFatal(t *testing.T) {
	var b Bus
	var observed []error
	b.OnError(func(err error) { observed = append(observed, err) })
	SubscribeFiltered(&b, "bad", func(ping) bool { panic("boom") }, func(context.Context, ping) error { return nil })
	assert.True(t, Wanted(&b, ping{1}), "a panicking predicate counts as wanting, so the panic is reported on Publish")
	err := Publish(context.Background(), &b, ping{1})
	var he *HandlerError
	require.ErrorAs(t, err, &he)
	assert.True(t, he.Panicked)
	assert.Len(t, observed, 1)
}
