package sns

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/stretchr/testify/require"
)

// testKey is generated once per test binary: RSA key generation is slow and Go
// ignores seeded readers, so tests share one key.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

type fixture struct {
	s     *Service
	clock *clock.Manual
	bus   *bus.Bus
	calls []event.APICall
	mu    sync.Mutex
}

func newFixture(t testing.TB, mod ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{clock: clock.NewManual(t0), bus: &bus.Bus{}}
	bus.Subscribe(f.bus, "test-trail", func(_ context.Context, ev event.APICall) error {
		f.mu.Lock()
		f.calls = append(f.calls, ev)
		f.mu.Unlock()
		return nil
	})
	opts := Options{Clock: f.clock, Bus: f.bus, IDs: ids.New(42), SigningKey: testKey()}
	for _, m := range mod {
		m(&opts)
	}
	f.s = New(opts)
	t.Cleanup(f.s.Close)
	return f
}

func (f *fixture) lastCall() event.APICall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[len(f.calls)-1]
}

func (f *fixture) topic(t testing.TB, name string, attrs map[string]string) string {
	t.Helper()
	out, err := f.s.CreateTopic(context.Background(), CreateTopicInput{Name: name, Attributes: attrs})
	require.NoError(t, err)
	return out.TopicArn
}

func (f *fixture) queue(t testing.TB, name string) *Queue {
	t.Helper()
	q, err := f.s.CreateQueue(name)
	require.NoError(t, err)
	return q
}

func (f *fixture) subscribe(t testing.TB, topicARN, protocol, endpoint string, attrs map[string]string) string {
	t.Helper()
	out, err := f.s.Subscribe(context.Background(), SubscribeInput{TopicArn: topicARN, Protocol: protocol, Endpoint: endpoint, Attributes: attrs, ReturnSubscriptionArn: ptr(true)})
	require.NoError(t, err)
	return out.SubscriptionArn
}

func receiveAll(t testing.TB, q *Queue) []QueueMessage {
	t.Helper()
	var all []QueueMessage
	for {
		out, err := q.ReceiveMessage(ReceiveMessageInput{MaxNumberOfMessages: 10})
		require.NoError(t, err)
		if len(out.Messages) == 0 {
			return all
		}
		for _, m := range out.Messages {
			require.NoError(t, q.DeleteMessage(m.ReceiptHandle))
		}
		all = append(all, out.Messages...)
	}
}

func ptr[T any](v T) *T { return &v }

func requireCode(t testing.TB, err error, code string) {
	t.Helper()
	require.Error(t, err)
	var ae *awserr.Error
	require.True(t, errors.As(err, &ae), "not an awserr: %v", err)
	require.Equal(t, code, ae.Code, "message: %s", ae.Message)
}

// settle waits for the queued HTTP/S deliveries, as a test on the manual
// clock does (the service sends them itself: no Run is active).
func (f *fixture) settle(t testing.TB) {
	t.Helper()
	require.NoError(t, f.s.Settle(context.Background()))
}

// advance moves the clock by d a second at a time, settling deliveries after
// each step, so that every retry is sent at the time it falls due.
func (f *fixture) advance(t testing.TB, d time.Duration) {
	t.Helper()
	for d > 0 {
		step := min(d, time.Second)
		f.clock.Advance(step)
		f.settle(t)
		d -= step
	}
}
