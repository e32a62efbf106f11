package sns

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeJournal logs the calls it is given, as internal/journal would, and
// marks the ctx so that nested calls are not logged again.
type fakeJournal struct {
	mu    sync.Mutex
	names []string
	ins   []any
}

type journaledKey struct{}

func (j *fakeJournal) Begin(ctx context.Context, service, region, name string, readOnly bool, in any) (context.Context, func(error) error) {
	if ctx.Value(journaledKey{}) != nil {
		return ctx, nil
	}
	j.mu.Lock()
	j.names = append(j.names, name)
	j.ins = append(j.ins, in)
	j.mu.Unlock()
	return context.WithValue(ctx, journaledKey{}, true), func(error) error { return nil }
}

func (j *fakeJournal) logged() ([]string, []any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.names...), append([]any(nil), j.ins...)
}

func TestDeliveryResultsAreJournaledButNotRecordedForCloudTrail(t *testing.T) {
	j := &fakeJournal{}
	f, _ := httpFixture(t, func(o *Options) { o.Journal = j })
	a := f.topic(t, "t", nil)
	ep := newEndpoint(t, f.cert)
	sub := f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	ep.failN = 1
	pub, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	f.settle(t)

	names, ins := j.logged()
	var results []deliveryResultInput
	for i, n := range names {
		if n == opDeliveryResult {
			results = append(results, ins[i].(deliveryResultInput))
		}
	}
	require.Len(t, results, 2, "the confirmation's POST and the failed notification")
	got := results[1]
	assert.Equal(t, sub, got.SubscriptionArn)
	assert.Equal(t, pub.MessageId, got.MessageId)
	assert.Equal(t, TypeNotification, got.Type)
	assert.Equal(t, 1, got.Attempt)
	assert.Equal(t, 500, got.StatusCode)
	assert.Equal(t, "endpoint answered HTTP 500", got.Error)
	assert.Empty(t, got.ErrorKind, "a 500 is retried")
	assert.Contains(t, names, opConfirmByURL, "the endpoint's visit to the SubscribeURL")

	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		assert.NotEqual(t, opDeliveryResult, c.EventName)
		assert.NotEqual(t, opConfirmByURL, c.EventName, "CloudTrail records the visit as ConfirmSubscription")
		if c.EventName == "ConfirmSubscription" {
			assert.NotContains(t, c.RequestParameters, "token", "SNS's CloudTrail records leave the token out")
			assert.Contains(t, c.RequestParameters, "topicArn")
		}
	}
}

func TestAReplayedDeliveryResultAppliesWithoutPosting(t *testing.T) {
	var attempts []DeliveryAttempt
	f, _ := httpFixture(t, func(o *Options) { o.OnDelivery = func(a DeliveryAttempt) { attempts = append(attempts, a) } })
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	ep := newEndpoint(t, f.cert)
	sub := f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	before := len(ep.messages())
	attempts = nil
	pub, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)

	replay := func(in deliveryResultInput) {
		t.Helper()
		_, err := f.s.deliveryResult(ctx, &event.Call{}, in)
		require.NoError(t, err)
	}
	replay(deliveryResultInput{SubscriptionArn: sub, MessageId: pub.MessageId, Type: TypeNotification, Attempt: 1, StatusCode: 500, Error: "endpoint answered HTTP 500"})
	require.Len(t, attempts, 1)
	assert.Equal(t, 500, attempts[0].StatusCode)
	assert.False(t, attempts[0].Final)
	queued, _ := f.s.disp.pending()
	assert.Zero(t, queued, "the result took the job out of the queue")
	assert.Equal(t, 1, f.clock.Pending(), "the retry waits on the clock")

	f.clock.Advance(20 * time.Second)
	queued, _ = f.s.disp.pending()
	require.Equal(t, 1, queued, "the retry is queued again")
	replay(deliveryResultInput{SubscriptionArn: sub, MessageId: pub.MessageId, Type: TypeNotification, Attempt: 2, StatusCode: 200})
	require.Len(t, attempts, 2)
	assert.True(t, attempts[1].Final)
	assert.NoError(t, attempts[1].Err)
	assert.Equal(t, 2, attempts[1].Attempt)
	queued, _ = f.s.disp.pending()
	assert.Zero(t, queued)
	assert.Len(t, ep.messages(), before, "nothing was POSTed")

	replay(deliveryResultInput{SubscriptionArn: sub, MessageId: "gone", Type: TypeNotification, Attempt: 1, StatusCode: 200})
	assert.Len(t, attempts, 2, "a result for a job no longer queued changes nothing")
}

func TestANotificationFromTheBusIsNestedInThePublishersCall(t *testing.T) {
	j := &fakeJournal{}
	f := newFixture(t, func(o *Options) { o.Journal = j })
	a := f.topic(t, "alarms", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), nil)
	n := event.Notification{TopicARN: a, Message: "ALARM", Source: "cloudwatch.amazonaws.com"}

	// An alarm action runs inside the alarm service's journaled call.
	outer := context.WithValue(context.Background(), journaledKey{}, true)
	require.NoError(t, bus.Publish(outer, f.bus, n))
	names, _ := j.logged()
	assert.NotContains(t, names, "Publish", "the nested Publish is part of the outer call")

	require.NoError(t, bus.Publish(context.Background(), f.bus, n))
	names, _ = j.logged()
	assert.Contains(t, names, "Publish")
	assert.Len(t, receiveAll(t, q), 2)
}
