package sns

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangingServer accepts POSTs and answers none of them until the test ends
// (or release is called): the hostile endpoint of issue 16.
type hangingServer struct {
	srv      *httptest.Server
	hits     atomic.Int32
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	arrived  chan struct{}
	release  func()
}

func newHangingServer(t *testing.T) *hangingServer {
	h := &hangingServer{arrived: make(chan struct{}, 1000)}
	gate := make(chan struct{})
	var once sync.Once
	h.release = func() { once.Do(func() { close(gate) }) }
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h.hits.Add(1)
		n := h.inFlight.Add(1)
		for {
			m := h.maxSeen.Load()
			if n <= m || h.maxSeen.CompareAndSwap(m, n) {
				break
			}
		}
		h.arrived <- struct{}{}
		select {
		case <-gate:
		case <-r.Context().Done():
		}
		h.inFlight.Add(-1)
	}))
	t.Cleanup(func() { h.release(); h.srv.Close() })
	return h
}

// waitFor receives n signals from ch, failing the test if they do not come
// (a safety net against a hung test, not a timing assertion).
func waitFor(t *testing.T, ch <-chan struct{}, n int) {
	t.Helper()
	for range n {
		select {
		case <-ch:
		case <-time.After(20 * time.Second):
			t.Fatalf("waited 20 s for a delivery")
		}
	}
}

// confirmedHTTP subscribes an endpoint that cannot confirm by itself and
// confirms it with its token, dropping the queued SubscriptionConfirmation.
func (f *fixture) confirmedHTTP(t *testing.T, topicARN, url string) string {
	t.Helper()
	sub := f.subscribe(t, topicARN, "http", url, nil)
	var token string
	f.s.locked(func() { token = f.s.subs[sub].token })
	_, err := f.s.ConfirmSubscription(context.Background(), ConfirmSubscriptionInput{TopicArn: topicARN, Token: token})
	require.NoError(t, err)
	d := f.s.disp
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queues, d.runnable, d.queued = map[string]*endpointQueue{}, nil, 0
	return sub
}

func TestPublishReturnsBeforeAHangingEndpointAnswers(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.HTTPTimeout = time.Minute })
	a := f.topic(t, "t", nil)
	h := newHangingServer(t)
	f.confirmedHTTP(t, a, h.srv.URL)
	out, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	assert.NotEmpty(t, out.MessageId)
	assert.Zero(t, h.hits.Load(), "Publish made no POST on the caller's goroutine")
	queued, _ := f.s.disp.pending()
	assert.Equal(t, 1, queued)
}

func TestClockOnlyQueuesRetriesItNeverPOSTs(t *testing.T) {
	var attempts []DeliveryAttempt
	f := newFixture(t, func(o *Options) {
		o.HTTPTimeout = 50 * time.Millisecond
		o.OnDelivery = func(a DeliveryAttempt) { attempts = append(attempts, a) }
	})
	a := f.topic(t, "t", nil)
	h := newHangingServer(t)
	f.confirmedHTTP(t, a, h.srv.URL)
	_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	f.settle(t) // the first attempt times out (the endpoint's own timeout: an attempt)
	require.Len(t, attempts, 1)
	require.Error(t, attempts[0].Err)
	assert.False(t, attempts[0].Final)
	f.clock.Advance(20 * time.Second) // the retry falls due on the clock
	assert.Equal(t, int32(1), h.hits.Load(), "the clock callback queued the retry and did not POST")
	queued, _ := f.s.disp.pending()
	assert.Equal(t, 1, queued)
	f.settle(t)
	assert.Equal(t, int32(2), h.hits.Load())
	require.Len(t, attempts, 2)
	assert.Equal(t, 2, attempts[1].Attempt)
}

func TestOneHangingEndpointDoesNotDelayAnother(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.HTTPTimeout = time.Minute; o.DeliveryWorkers = 4; o.MaxDeliveriesPerEndpoint = 2 })
	a := f.topic(t, "t", nil)
	slow := newHangingServer(t)
	healthy := make(chan struct{}, 100)
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { healthy <- struct{}{} }))
	t.Cleanup(fast.Close)
	f.confirmedHTTP(t, a, slow.srv.URL)
	// A second subscription on the slow host shares its per-endpoint bound.
	f.confirmedHTTP(t, a, slow.srv.URL+"/other")
	f.confirmedHTTP(t, a, fast.URL)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.s.Run(ctx) }()
	for range 5 {
		_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m"})
		require.NoError(t, err)
	}
	waitFor(t, healthy, 5)      // every message reached the healthy endpoint...
	waitFor(t, slow.arrived, 2) // ...while the slow one holds its two slots
	assert.Equal(t, int32(2), slow.maxSeen.Load(), "at most MaxDeliveriesPerEndpoint POSTs to one host")
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	_, inflight := f.s.disp.pending()
	assert.Zero(t, inflight)
	f.s.disp.mu.Lock()
	defer f.s.disp.mu.Unlock()
	slowQ := f.s.disp.queues[endpointKey("http", slow.srv.URL)]
	require.NotNil(t, slowQ)
	assert.Len(t, slowQ.jobs, 10, "the interrupted POSTs are queued again, uncounted")
	for _, j := range slowQ.jobs {
		assert.Zero(t, j.attempt)
	}
}

func TestSettleIsDeterministicAcrossSeededRuns(t *testing.T) {
	run := func() []string {
		var mu sync.Mutex
		var log []string
		f, _ := httpFixture(t, func(o *Options) {
			o.IDs = ids.New(7)
			o.OnDelivery = func(a DeliveryAttempt) {
				mu.Lock()
				defer mu.Unlock()
				log = append(log, a.Time.Format(time.TimeOnly)+" "+a.Type+" "+a.MessageId+" "+a.SubscriptionArn+" #"+strconv.Itoa(a.Attempt)+" "+strconv.Itoa(a.StatusCode))
			}
		})
		a := f.topic(t, "t", nil)
		dlq := f.queue(t, "dlq")
		var eps []*endpoint
		for i := range 3 {
			ep := newEndpoint(t, f.cert)
			eps = append(eps, ep)
			sub := f.subscribe(t, a, "http", ep.srv.URL, nil)
			if i == 0 {
				_, err := f.s.SetSubscriptionAttributes(context.Background(), SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "RedrivePolicy", AttributeValue: `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`})
				require.NoError(t, err)
			}
		}
		f.settle(t)
		eps[0].failN = 100
		eps[1].failN = 1
		for i := range 4 {
			_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m" + strconv.Itoa(i)})
			require.NoError(t, err)
		}
		f.settle(t)
		f.advance(t, 2*time.Minute)
		for _, m := range receiveAll(t, dlq) {
			log = append(log, m.MessageId+" "+m.MessageAttributes["RequestID"].StringValue)
		}
		return log
	}
	first := run()
	assert.Len(t, first, 3+4*3+4*3+1+4) // confirmations, first attempts, retries, DLQ
	assert.Equal(t, first, run())
}

func TestPanickingSubscribersAreReportedAndDeliveryGoesOn(t *testing.T) {
	var reported int
	f := newFixture(t, func(o *Options) {
		o.OnDelivery = func(a DeliveryAttempt) {
			reported++
			panic("delivery hook bug")
		}
	})
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), nil)
	calls := 0
	fn := f.s.RegisterFunction("buggy", func(context.Context, LambdaEvent) error { calls++; panic("nil map") })
	f.subscribe(t, a, "lambda", fn, nil)
	for range 2 {
		_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m"})
		require.NoError(t, err, "a panicking hook or function does not fail Publish")
	}
	assert.Equal(t, 2, q.Len())
	assert.Equal(t, 8, calls, "each panic is a failed attempt: the first and 3 immediate retries, per message")
	f.clock.Advance(time.Hour) // later retries run on the clock, panicking, and the clock goes on
	assert.Greater(t, calls, 8)
	assert.Positive(t, reported)
}

func TestFIFODeduplicationWindowCostsOnlyWhatIsInIt(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t.fifo", map[string]string{"FifoTopic": "true"})
	for i := range 200 {
		_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m", MessageGroupId: "g", MessageDeduplicationId: strconv.Itoa(i)})
		require.NoError(t, err)
		f.clock.Advance(time.Second)
	}
	size := func() (int, int) {
		var n, order int
		f.s.locked(func() {
			c := f.s.topics[a].dedup
			n, order = len(c.byID), len(c.order)-c.head
		})
		return n, order
	}
	n, order := size()
	assert.Equal(t, 200, n)
	assert.Equal(t, 200, order)
	// Nobody publishes any more: the window empties on the clock.
	f.clock.Advance(5 * time.Minute)
	n, order = size()
	assert.Zero(t, n)
	assert.Zero(t, order)
	assert.Zero(t, f.clock.Pending(), "no expiry timer left for an empty window")
}

func TestRetriesAndQueuesHoldOnlyMessagesInFlight(t *testing.T) {
	f, _ := httpFixture(t)
	a := f.topic(t, "t", nil)
	ep := newEndpoint(t, f.cert)
	f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	ep.failN = 1000
	for range 20 {
		_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m"})
		require.NoError(t, err)
	}
	f.settle(t)
	f.s.locked(func() { assert.Len(t, f.s.timers, 20, "one retry timer per message in flight") })
	f.advance(t, 2*time.Minute)
	f.s.locked(func() { assert.Empty(t, f.s.timers) })
	f.s.disp.mu.Lock()
	assert.Empty(t, f.s.disp.queues, "an endpoint's queue goes when it empties")
	f.s.disp.mu.Unlock()
	assert.Zero(t, f.clock.Pending())
}

func TestEveryOperationAnswersServiceUnavailableAfterClose(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	sub := f.subscribe(t, a, "sqs", q.ARN(), nil)
	f.s.Close()
	f.s.Close() // idempotent
	ctx := context.Background()
	ops := map[string]func() error{
		"CreateTopic":        func() error { _, err := f.s.CreateTopic(ctx, CreateTopicInput{Name: "u"}); return err },
		"DeleteTopic":        func() error { _, err := f.s.DeleteTopic(ctx, DeleteTopicInput{TopicArn: a}); return err },
		"GetTopicAttributes": func() error { _, err := f.s.GetTopicAttributes(ctx, GetTopicAttributesInput{TopicArn: a}); return err },
		"SetTopicAttributes": func() error {
			_, err := f.s.SetTopicAttributes(ctx, SetTopicAttributesInput{TopicArn: a, AttributeName: "DisplayName", AttributeValue: "x"})
			return err
		},
		"ListTopics": func() error { _, err := f.s.ListTopics(ctx, ListTopicsInput{}); return err },
		"Subscribe": func() error {
			_, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "sqs", Endpoint: q.ARN()})
			return err
		},
		"ConfirmSubscription": func() error {
			_, err := f.s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: a, Token: "x"})
			return err
		},
		"Unsubscribe": func() error { _, err := f.s.Unsubscribe(ctx, UnsubscribeInput{SubscriptionArn: sub}); return err },
		"GetSubscriptionAttributes": func() error {
			_, err := f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: sub})
			return err
		},
		"SetSubscriptionAttributes": func() error {
			_, err := f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "RawMessageDelivery", AttributeValue: "true"})
			return err
		},
		"ListSubscriptions": func() error { _, err := f.s.ListSubscriptions(ctx, ListSubscriptionsInput{}); return err },
		"ListSubscriptionsByTopic": func() error {
			_, err := f.s.ListSubscriptionsByTopic(ctx, ListSubscriptionsByTopicInput{TopicArn: a})
			return err
		},
		"Publish": func() error { _, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"}); return err },
		"PublishBatch": func() error {
			_, err := f.s.PublishBatch(ctx, PublishBatchInput{TopicArn: a, PublishBatchRequestEntries: []PublishBatchRequestEntry{{Id: "1", Message: "m"}}})
			return err
		},
		"TagResource": func() error {
			_, err := f.s.TagResource(ctx, TagResourceInput{ResourceArn: a, Tags: []Tag{{Key: "k"}}})
			return err
		},
		"UntagResource": func() error {
			_, err := f.s.UntagResource(ctx, UntagResourceInput{ResourceArn: a, TagKeys: []string{"k"}})
			return err
		},
		"ListTagsForResource": func() error {
			_, err := f.s.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceArn: a})
			return err
		},
		"AddPermission": func() error {
			_, err := f.s.AddPermission(ctx, AddPermissionInput{TopicArn: a, Label: "l", AWSAccountId: []string{"210987654321"}, ActionName: []string{"Publish"}})
			return err
		},
		"RemovePermission": func() error {
			_, err := f.s.RemovePermission(ctx, RemovePermissionInput{TopicArn: a, Label: "l"})
			return err
		},
		"CreateQueue":      func() error { _, err := f.s.CreateQueue("other"); return err },
		"SetSMSAttributes": func() error { _, err := f.s.SetSMSAttributes(ctx, SetSMSAttributesInput{}); return err },
		"ListPhoneNumbersOptedOut": func() error {
			_, err := f.s.ListPhoneNumbersOptedOut(ctx, ListPhoneNumbersOptedOutInput{})
			return err
		},
		"CreatePlatformApplication": func() error {
			_, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "a", Platform: "GCM", Attributes: map[string]string{"PlatformCredential": "k"}})
			return err
		},
		"GetDataProtectionPolicy": func() error {
			_, err := f.s.GetDataProtectionPolicy(ctx, GetDataProtectionPolicyInput{ResourceArn: a})
			return err
		},
		"Run":    func() error { return f.s.Run(ctx) },
		"Settle": func() error { return f.s.Settle(ctx) },
	}
	for name, op := range ops {
		err := op()
		var ae *awserr.Error
		require.True(t, errors.As(err, &ae), "%s: %v", name, err)
		assert.Equal(t, "ServiceUnavailable", ae.Code, name)
		assert.Equal(t, 503, ae.HTTPStatus(), name)
	}
	assert.Zero(t, q.Len(), "nothing was published after Close")
	rec := httptest.NewRecorder()
	f.s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/?Action=Unsubscribe&SubscriptionArn="+sub, nil))
	assert.Equal(t, 503, rec.Code)
}

func TestNilContextIsBackground(t *testing.T) {
	f := newFixture(t)
	var nilCtx context.Context
	out, err := f.s.CreateTopic(nilCtx, CreateTopicInput{Name: "t"})
	require.NoError(t, err)
	q := f.queue(t, "q")
	_, err = f.s.Subscribe(nilCtx, SubscribeInput{TopicArn: out.TopicArn, Protocol: "sqs", Endpoint: q.ARN()})
	require.NoError(t, err)
	_, err = f.s.Publish(nilCtx, PublishInput{TopicArn: out.TopicArn, Message: "m"})
	require.NoError(t, err)
	_, err = f.s.ListSubscriptionsByTopic(nilCtx, ListSubscriptionsByTopicInput{TopicArn: out.TopicArn})
	require.NoError(t, err)
	_, err = f.s.AddPermission(nilCtx, AddPermissionInput{TopicArn: out.TopicArn, Label: "l", AWSAccountId: []string{"210987654321"}, ActionName: []string{"Publish"}})
	require.NoError(t, err)
	require.NoError(t, f.s.Settle(nilCtx))
	assert.Equal(t, 1, q.Len())
}

func TestAddPermissionValidatesAccountsAndActionsAsAWS(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	before, err := f.s.GetTopicAttributes(context.Background(), GetTopicAttributesInput{TopicArn: a})
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		accounts []string
		actions  []string
		msg      string
	}{
		{"an account ID is 12 digits", []string{"12345"}, []string{"Publish"}, "Invalid parameter: A provided account ID is not valid"},
		{"an account ID is digits only", []string{"12345678901a"}, []string{"Publish"}, "Invalid parameter: A provided account ID is not valid"},
		{"an ARN is not an account ID", []string{"arn:aws:iam::210987654321:root"}, []string{"Publish"}, "Invalid parameter: A provided account ID is not valid"},
		{"a wildcard action is out of scope", []string{"210987654321"}, []string{"*"}, "Invalid parameter: Policy statement action out of service scope!"},
		{"subscription actions are out of scope", []string{"210987654321"}, []string{"Subscribe", "SetSubscriptionAttributes"}, "Invalid parameter: Policy statement action out of service scope!"},
		{"action names are case sensitive", []string{"210987654321"}, []string{"publish"}, "Invalid parameter: Policy statement action out of service scope!"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.AddPermission(context.Background(), AddPermissionInput{TopicArn: a, Label: "l", AWSAccountId: tc.accounts, ActionName: tc.actions})
			requireCode(t, err, "InvalidParameter")
			assert.Equal(t, tc.msg, awserr.Message(err))
		})
	}
	after, err := f.s.GetTopicAttributes(context.Background(), GetTopicAttributesInput{TopicArn: a})
	require.NoError(t, err)
	assert.Equal(t, before.Attributes["Policy"], after.Attributes["Policy"], "a rejected request changes nothing")
	_, err = f.s.AddPermission(context.Background(), AddPermissionInput{TopicArn: a, Label: "l", AWSAccountId: []string{"210987654321"}, ActionName: []string{"Receive", "Subscribe"}})
	require.NoError(t, err)
}

func TestOptionsHaveLowerBounds(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.HTTPTimeout = time.Nanosecond
		o.DeliveryWorkers = -3
		o.MaxDeliveriesPerEndpoint = 1 << 20
	})
	assert.Equal(t, 10*time.Millisecond, f.s.httpTimeout)
	assert.Equal(t, 1, f.s.disp.workers)
	assert.Equal(t, 1, f.s.disp.perEndpoint, "never more than the workers")
	g := newFixture(t)
	assert.Equal(t, 15*time.Second, g.s.httpTimeout, "AWS's 15 s")
	assert.Equal(t, 16, g.s.disp.workers)
	assert.Equal(t, 4, g.s.disp.perEndpoint)
	assert.Equal(t, 10000, g.s.disp.maxQueued)
}

func TestRetryPolicyPhaseCountsCannotOverflow(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	sub := f.subscribe(t, a, "http", "http://example.com", nil)
	policy := `{"healthyRetryPolicy":{"numRetries":3,"minDelayTarget":1,"maxDelayTarget":1,"numNoDelayRetries":` + strconv.Itoa(math.MaxInt) +
		`,"numMinDelayRetries":` + strconv.Itoa(math.MaxInt) + `,"numMaxDelayRetries":2}}`
	_, err := f.s.SetSubscriptionAttributes(context.Background(), SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "DeliveryPolicy", AttributeValue: policy})
	requireCode(t, err, "InvalidParameter")
}

func TestAnEndpointThatFallsBehindCannotHoldUnboundedMemory(t *testing.T) {
	var final []DeliveryAttempt
	f := newFixture(t, func(o *Options) {
		o.MaxQueuedPerEndpoint = 3
		o.OnDelivery = func(a DeliveryAttempt) {
			if a.Final {
				final = append(final, a)
			}
		}
	})
	a := f.topic(t, "t", nil)
	dlq := f.queue(t, "dlq")
	h := newHangingServer(t)
	sub := f.confirmedHTTP(t, a, h.srv.URL)
	_, err := f.s.SetSubscriptionAttributes(context.Background(), SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "RedrivePolicy", AttributeValue: `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`})
	require.NoError(t, err)
	for range 5 {
		_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m"})
		require.NoError(t, err, "Publish still succeeds, as AWS's does")
	}
	queued, _ := f.s.disp.pending()
	assert.Equal(t, 3, queued)
	require.Len(t, final, 2, "the messages beyond the bound fail at once...")
	assert.True(t, final[0].DeadLettered, "...and go to the dead-letter queue")
	assert.Contains(t, final[0].Err.Error(), "delivery queue is full")
	msgs := receiveAll(t, dlq)
	require.Len(t, msgs, 2)
	assert.Equal(t, "ServerError", msgs[0].MessageAttributes["ErrorCode"].StringValue)
}
