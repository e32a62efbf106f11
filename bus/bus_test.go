package bus

import (
	"context"
	"errors"
	"fmt"
	"reflect"
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

func (p ping) String() string { return "ping" }

// The trap Publish guards against: subscribers are keyed by the static type
// argument, so an event published under an interface type reaches only the
// subscribers of that interface type.
func TestPublishUnderInterfaceTypeWithNoSubscriberPanics(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		publish func(b *Bus) error
		panics  bool
	}{
		{"any holding a concrete event panics", func(b *Bus) error { return Publish[any](ctx, b, ping{1}) }, true},
		{"a named interface holding a concrete event panics", func(b *Bus) error { return Publish[fmt.Stringer](ctx, b, ping{1}) }, true},
		{"a nil interface value panics too", func(b *Bus) error { return Publish[error](ctx, b, nil) }, true},
		{"a nil bus does not hide it", func(*Bus) error { return Publish[any](ctx, nil, ping{1}) }, true},
		{"asking Wanted under an interface type panics too", func(b *Bus) error { Wanted[any](b, ping{1}); return nil }, true},
		{"asking Wanted of a nil bus under an interface type panics too", func(*Bus) error { Wanted[any](nil, ping{1}); return nil }, true},
		{"asking Wanted of a concrete type nobody subscribes to answers false", func(b *Bus) error {
			if Wanted(b, 42) {
				return errors.New("wanted")
			}
			return nil
		}, false},
		{"a concrete type nobody subscribes to is dropped quietly", func(b *Bus) error { return Publish(ctx, b, 42) }, false},
		{"a concrete type on a nil bus is dropped quietly", func(*Bus) error { return Publish(ctx, nil, ping{}) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b Bus
			var got []ping
			Subscribe(&b, "ping", func(_ context.Context, p ping) error { got = append(got, p); return nil })
			if !tc.panics {
				assert.NoError(t, tc.publish(&b))
				return
			}
			var ie *InterfaceEventError
			func() {
				defer func() {
					r := recover()
					require.NotNil(t, r, "Publish did not panic")
					err, ok := r.(error)
					require.True(t, ok, "panic value %T is not an error", r)
					require.ErrorAs(t, err, &ie)
				}()
				_ = tc.publish(&b)
			}()
			assert.Empty(t, got, "the subscriber of the concrete type must not see it")
			assert.Equal(t, reflect.Interface, ie.Type.Kind())
			assert.Contains(t, ie.Error(), "reaches no subscriber")
		})
	}
}

func TestPublishUnderInterfaceTypeReachesItsOwnSubscribers(t *testing.T) {
	var b Bus
	var got []string
	Subscribe(&b, "stringer", func(_ context.Context, s fmt.Stringer) error { got = append(got, s.String()); return nil })
	require.NoError(t, Publish[fmt.Stringer](context.Background(), &b, ping{1}))
	assert.Equal(t, []string{"ping"}, got)
}

func TestInterfacePublishInAHandlerIsReportedAsAPanickedHandler(t *testing.T) {
	var b Bus
	var observed []error
	b.OnError(func(err error) { observed = append(observed, err) })
	Subscribe(&b, "forwarder", func(ctx context.Context, p ping) error {
		var ev any = pong{p.N}
		return Publish(ctx, &b, ev) // the mistake: T is any
	})
	err := Publish(context.Background(), &b, ping{1})
	var ie *InterfaceEventError
	require.ErrorAs(t, err, &ie)
	require.Len(t, observed, 1)
	var he *HandlerError
	require.ErrorAs(t, observed[0], &he)
	assert.True(t, he.Panicked)
	assert.Equal(t, "forwarder", he.Subscriber)
}

func TestSubscribersListsNamesByTypeInDeliveryOrder(t *testing.T) {
	var b Bus
	Subscribe(&b, "a", func(context.Context, ping) error { return nil })
	unsub := Subscribe(&b, "gone", func(context.Context, ping) error { return nil })
	SubscribeFiltered(&b, "b", func(ping) bool { return true }, func(context.Context, ping) error { return nil })
	Subscribe(&b, "p", func(context.Context, pong) error { return nil })
	unsubPong := Subscribe(&b, "q", func(context.Context, int) error { return nil })
	unsub()
	unsubPong()
	assert.Equal(t, map[reflect.Type][]string{
		reflect.TypeFor[ping](): {"a", "b"},
		reflect.TypeFor[pong](): {"p"},
	}, b.Subscribers())
	assert.Nil(t, (*Bus)(nil).Subscribers())
}
