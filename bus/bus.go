// Package bus is localwatch's in-memory event bus: typed, ordered, synchronous
// publish/subscribe.
//
// Services never call each other; they publish events (an API call, metric data,
// a notification to a topic) and the stack subscribes the consumers. Delivery is
// synchronous on the publisher's goroutine, in subscription order, so with the
// manual clock a whole cross-service flow completes inside one call.
//
// A handler that returns an error or panics does not stop delivery to the others:
// every failure is collected into the error Publish returns and reported to the
// bus's OnError hook, so failures are observable without being fatal.
//
// Handlers may publish (events then nest depth-first). The bus holds no lock while
// a handler runs.
//
// A subscriber pays only for the events it uses: one that reads only some events
// of a type subscribes with [SubscribeFiltered], and its predicate keeps the
// others from reaching it. A publisher whose event is costly to complete asks
// [Wanted] first, with the cheap part built, and completes and publishes it only
// when some subscriber will read it.
//
// # Events are routed by their static type
//
// Publish[T] delivers to the subscribers of T, the type argument, not to those
// of the dynamic type of the event: an alarms.StateChange held in an `any` and
// published as Publish[any] reaches the subscribers of `any`, never those of
// alarms.StateChange. Because that is almost always a mistake (code that
// gathers events of several types in one variable, then publishes them), and
// because a dropped event is otherwise silent, Publish panics with an
// [*InterfaceEventError] when T is an interface type that nobody subscribes
// to. It panics rather than returning an error because the mistake is in the
// publishing code, the same on every call, and callers often discard Publish's
// error (it only reports failed handlers); the first test that takes the path
// finds it. A panic in a bus handler or a scheduled job is recovered and
// reported as usual (bus OnError, the clock's OnPanic). Publish under the
// concrete type instead (a type switch, as in
// `case event.Notification: bus.Publish(ctx, b, ev)`). Subscribing to an
// interface type stays possible: Publish[I] delivers to the subscribers of I.
package bus

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// Bus routes events by their Go type. The zero value is ready to use.
type Bus struct {
	mu      sync.RWMutex // guards subs, nextID and onError; subs lists are copied on write
	subs    map[reflect.Type][]*subscription
	nextID  uint64
	onError func(error)
}

type subscription struct {
	id      uint64
	name    string
	handler any // func(context.Context, T) error
	wants   any // nil (every event) or func(T) bool
}

// HandlerError is reported for each handler that failed during a Publish.
type HandlerError struct {
	// Subscriber is the name given to Subscribe.
	Subscriber string
	// Event is the event being delivered.
	Event any
	// Err is the handler's error; for a panic it wraps the panic value.
	Err error
	// Panicked tells whether the handler panicked.
	Panicked bool
}

func (e *HandlerError) Error() string {
	if e.Panicked {
		return fmt.Sprintf("bus: subscriber %q panicked on %T: %v", e.Subscriber, e.Event, e.Err)
	}
	return fmt.Sprintf("bus: subscriber %q failed on %T: %v", e.Subscriber, e.Event, e.Err)
}

func (e *HandlerError) Unwrap() error { return e.Err }

// InterfaceEventError is the panic value of [Publish] and [Wanted] called with an
// interface type argument that has no subscriber: the event would reach
// nobody, since subscribers are keyed by the static type. Publish the event
// under its concrete type instead.
type InterfaceEventError struct {
	// Type is the interface type Publish was called with.
	Type reflect.Type
	// Event is the event (its dynamic type is what should have been used).
	Event any
}

func (e *InterfaceEventError) Error() string {
	return fmt.Sprintf("bus: Publish[%v] of a %T reaches no subscriber: the bus routes events by the static type argument, "+
		"so the subscribers of %T never see it; publish it under its concrete type (a type switch, or Publish[%T])",
		e.Type, e.Event, e.Event, e.Event)
}

// Subscribers returns the names given to Subscribe by the subscribers of
// each event type, in delivery order: what is wired to the bus, for tests
// and for debugging a flow.
func (b *Bus) Subscribers() map[reflect.Type][]string {
	if b == nil {
		return nil
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make(map[reflect.Type][]string, len(b.subs))
	for typ, list := range b.subs {
		if len(list) == 0 {
			continue
		}
		names := make([]string, len(list))
		for i, s := range list {
			names[i] = s.name
		}
		out[typ] = names
	}
	return out
}

// EventBus returns b, so a bare *Bus serves wherever an account or stack's
// bus is asked for (localwatch.Subscribe, localwatch.Publish).
func (b *Bus) EventBus() *Bus { return b }

// OnError sets a function called with every *HandlerError (nil removes it). It is
// called synchronously, after the failing handler, with no lock held.
func (b *Bus) OnError(f func(error)) {
	b.mu.Lock()
	b.onError = f
	b.mu.Unlock()
}

// Report hands err to the OnError function, if one is set: how the stack
// reports failures that happen off the bus (a scheduled job that panicked)
// to the same place as failed handlers.
func (b *Bus) Report(err error) {
	if b == nil || err == nil {
		return
	}
	b.mu.RLock()
	onError := b.onError
	b.mu.RUnlock()
	if onError != nil {
		onError(err)
	}
}

// Subscribe registers h for events of type T. name identifies the subscriber in
// errors. It returns a function that removes the subscription.
func Subscribe[T any](b *Bus, name string, h func(ctx context.Context, ev T) error) (unsubscribe func()) {
	return subscribe(b, name, h, nil)
}

// SubscribeFiltered is [Subscribe] for a subscriber that reads only the events
// of type T for which wants returns true: Publish skips it for the others, and
// [Wanted] counts it only for the events it wants. wants must be cheap, safe
// for concurrent use, and decide on what a publisher fills before it asks
// Wanted (an event type documents which fields those are); it must not
// subscribe or unsubscribe. A panic in wants is reported like a panic in h.
// wants takes the event by value, so checking it never moves the event to
// the heap.
func SubscribeFiltered[T any](b *Bus, name string, wants func(ev T) bool, h func(ctx context.Context, ev T) error) (unsubscribe func()) {
	if wants == nil {
		return subscribe(b, name, h, nil)
	}
	return subscribe(b, name, h, wants)
}

func subscribe[T any](b *Bus, name string, h func(ctx context.Context, ev T) error, wants any) (unsubscribe func()) {
	typ := reflect.TypeFor[T]()
	b.mu.Lock()
	if b.subs == nil {
		b.subs = make(map[reflect.Type][]*subscription)
	}
	b.nextID++
	id := b.nextID
	// Copy on write: Publish iterates a snapshot without holding the lock.
	list := append([]*subscription(nil), b.subs[typ]...)
	b.subs[typ] = append(list, &subscription{id: id, name: name, handler: h, wants: wants})
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		cur := b.subs[typ]
		next := make([]*subscription, 0, len(cur))
		for _, s := range cur {
			if s.id != id {
				next = append(next, s)
			}
		}
		b.subs[typ] = next
	}
}

// HasSubscribers reports whether anything subscribes to events of type T, so a
// publisher can skip building an expensive event nobody reads.
func HasSubscribers[T any](b *Bus) bool {
	if b == nil {
		return false
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs[reflect.TypeFor[T]()]) > 0
}

// Wanted reports whether Publish would deliver ev to any subscriber: some
// subscriber of T reads every event, or the predicate of a [SubscribeFiltered]
// one returns true for ev (a predicate that panics counts as true, so the
// panic is reported when the event is published). Publishers call it with the
// cheap part of an event built, to skip completing one nobody reads. Like
// Publish, it panics with an [*InterfaceEventError] when T is an interface
// type with no subscriber, rather than answer a silent false.
func Wanted[T any](b *Bus, ev T) bool {
	typ := reflect.TypeFor[T]()
	if b == nil {
		if typ.Kind() == reflect.Interface {
			panic(&InterfaceEventError{Type: typ, Event: ev})
		}
		return false
	}
	b.mu.RLock()
	list := b.subs[typ]
	b.mu.RUnlock()
	if len(list) == 0 && typ.Kind() == reflect.Interface {
		panic(&InterfaceEventError{Type: typ, Event: ev})
	}
	for _, s := range list {
		if s.wants == nil || wants(s, ev) {
			return true
		}
	}
	return false
}

func wants[T any](s *subscription, ev T) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = true
		}
	}()
	return s.wants.(func(T) bool)(ev)
}

// Publish delivers ev to every subscriber of T that wants it (see
// [SubscribeFiltered]), in subscription order. It returns
// the failures joined (nil if every handler succeeded). A nil Bus drops the event.
//
// Subscribers are found by T, the static type argument. Publish panics with
// an [*InterfaceEventError] when T is an interface type with no subscriber
// on b (a nil Bus has none): such an event could never reach the
// subscribers of its dynamic type (see the package doc).
func Publish[T any](ctx context.Context, b *Bus, ev T) error {
	typ := reflect.TypeFor[T]()
	if b == nil {
		if typ.Kind() == reflect.Interface {
			panic(&InterfaceEventError{Type: typ, Event: ev})
		}
		return nil
	}
	b.mu.RLock()
	list := b.subs[typ]
	onError := b.onError
	b.mu.RUnlock()
	if len(list) == 0 && typ.Kind() == reflect.Interface {
		panic(&InterfaceEventError{Type: typ, Event: ev})
	}
	var errs []error
	for _, s := range list {
		if err := deliver(ctx, s, ev); err != nil {
			errs = append(errs, err)
			if onError != nil {
				onError(err)
			}
		}
	}
	return errors.Join(errs...)
}

func deliver[T any](ctx context.Context, s *subscription, ev T) (err error) {
	defer func() {
		if r := recover(); r != nil {
			perr, ok := r.(error)
			if !ok {
				perr = fmt.Errorf("%v", r)
			}
			err = &HandlerError{Subscriber: s.name, Event: ev, Err: perr, Panicked: true}
		}
	}()
	if s.wants != nil && !s.wants.(func(T) bool)(ev) {
		return nil
	}
	if herr := s.handler.(func(context.Context, T) error)(ctx, ev); herr != nil {
		return &HandlerError{Subscriber: s.name, Event: ev, Err: herr}
	}
	return nil
}
