package sns

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// received is one POST an endpoint got.
type received struct {
	header http.Header
	body   string
	env    *Envelope
}

// endpoint is a subscriber's HTTP server. It fails the first failN
// notifications with HTTP 500, and confirms subscriptions by GETting the
// SubscribeURL, as a real subscriber does.
type endpoint struct {
	t       testing.TB
	srv     *httptest.Server
	mu      sync.Mutex
	got     []received
	failN   int
	confirm bool
	certs   func() *x509.Certificate
}

func newEndpoint(t testing.TB, certs func() *x509.Certificate) *endpoint {
	e := &endpoint{t: t, confirm: true, certs: certs}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		env, err := ParseEnvelope(b)
		rec := received{header: r.Header.Clone(), body: string(b), env: env}
		e.mu.Lock()
		e.got = append(e.got, rec)
		fail := r.Header.Get("x-amz-sns-message-type") == TypeNotification && e.failN > 0
		if fail {
			e.failN--
		}
		e.mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if err == nil && env.Type == TypeSubscriptionConfirmation && e.confirm {
			if Verify(env, e.certs()) != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			resp, err := http.Get(env.SubscribeURL)
			if err == nil {
				resp.Body.Close()
			}
		}
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *endpoint) messages() []received {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]received(nil), e.got...)
}

// httpFixture serves the service's Handler at its Endpoint.
func httpFixture(t testing.TB, mod ...func(*Options)) (*fixture, *httptest.Server) {
	var h http.Handler
	snsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(snsSrv.Close)
	f := newFixture(t, append([]func(*Options){func(o *Options) { o.Endpoint = snsSrv.URL }}, mod...)...)
	h = f.s.Handler()
	return f, snsSrv
}

func (f *fixture) cert() *x509.Certificate {
	c, err := f.s.SigningCertificate()
	if err != nil {
		panic(err)
	}
	return c
}

func TestHTTPSubscriptionConfirmationFlow(t *testing.T) {
	f, snsSrv := httpFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	ep := newEndpoint(t, f.cert)
	out, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "http", Endpoint: ep.srv.URL})
	require.NoError(t, err)
	assert.Equal(t, "pending confirmation", out.SubscriptionArn)
	assert.Empty(t, ep.messages(), "the confirmation is queued, not sent by Subscribe")
	f.settle(t)

	got := ep.messages()
	require.Len(t, got, 1)
	h := got[0].header
	assert.Equal(t, "SubscriptionConfirmation", h.Get("x-amz-sns-message-type"))
	assert.Equal(t, a, h.Get("x-amz-sns-topic-arn"))
	assert.NotEmpty(t, h.Get("x-amz-sns-message-id"))
	assert.Empty(t, h.Get("x-amz-sns-subscription-arn"), "AWS's confirmation has no subscription-arn header")
	assert.Equal(t, "text/plain; charset=UTF-8", h.Get("Content-Type"))
	assert.Equal(t, "Amazon Simple Notification Service Agent", h.Get("User-Agent"))
	env := got[0].env
	assert.Equal(t, "You have chosen to subscribe to the topic "+a+".\nTo confirm the subscription, visit the SubscribeURL included in this message.", env.Message)
	assert.Equal(t, snsSrv.URL+"/?Action=ConfirmSubscription&TopicArn="+a+"&Token="+env.Token, env.SubscribeURL)
	assert.Len(t, env.Token, 256)
	assert.True(t, strings.HasPrefix(got[0].body, "{\n  \"Type\" : \"SubscriptionConfirmation\",\n  \"MessageId\" : \""), got[0].body)
	require.NoError(t, Verify(env, f.cert()))

	// The endpoint visited the SubscribeURL; the subscription is confirmed.
	subs, err := f.s.ListSubscriptionsByTopic(ctx, ListSubscriptionsByTopicInput{TopicArn: a})
	require.NoError(t, err)
	require.Len(t, subs.Subscriptions, 1)
	subARN := subs.Subscriptions[0].SubscriptionArn
	assert.True(t, strings.HasPrefix(subARN, a+":"))
	attrs, err := f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: subARN})
	require.NoError(t, err)
	assert.Equal(t, "false", attrs.Attributes["PendingConfirmation"])
	assert.Equal(t, "false", attrs.Attributes["ConfirmationWasAuthenticated"], "confirmed by visiting the SubscribeURL")

	// The certificate URL passes the SDK validators' checks once our host is allowed.
	assert.Error(t, CheckSigningCertURL(env.SigningCertURL, nil, true), "127.0.0.1 is not an AWS host")
	require.NoError(t, CheckSigningCertURL(env.SigningCertURL, regexp.MustCompile(`^127\.0\.0\.1$`), true))
	assert.Error(t, CheckSigningCertURL(env.SigningCertURL, regexp.MustCompile(`^127\.0\.0\.1$`), false), "not https")
	require.NoError(t, CheckSigningCertURL("https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem", nil, false))

	// The certificate is served at SigningCertURL.
	resp, err := http.Get(env.SigningCertURL)
	require.NoError(t, err)
	pemBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	block, _ := pem.Decode(pemBytes)
	require.NotNil(t, block)
	served, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	require.NoError(t, Verify(env, served))

	// Notifications carry every header and verify.
	pub, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "hello", Subject: "s"})
	require.NoError(t, err)
	f.settle(t)
	got = ep.messages()
	require.Len(t, got, 2)
	n := got[1]
	assert.Equal(t, "Notification", n.header.Get("x-amz-sns-message-type"))
	assert.Equal(t, pub.MessageId, n.header.Get("x-amz-sns-message-id"))
	assert.Equal(t, subARN, n.header.Get("x-amz-sns-subscription-arn"))
	require.NoError(t, Verify(n.env, served))
	n.env.Message = "tampered"
	assert.ErrorIs(t, Verify(n.env, served), ErrInvalidSignature)

	// Unsubscribe sends an UnsubscribeConfirmation whose SubscribeURL restores it.
	_, err = f.s.Unsubscribe(ctx, UnsubscribeInput{SubscriptionArn: subARN})
	require.NoError(t, err)
	f.settle(t)
	got = ep.messages()
	require.Len(t, got, 3)
	u := got[2]
	assert.Equal(t, "UnsubscribeConfirmation", u.header.Get("x-amz-sns-message-type"))
	assert.Equal(t, subARN, u.header.Get("x-amz-sns-subscription-arn"))
	assert.Equal(t, "You have chosen to deactivate subscription "+subARN+".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.", u.env.Message)
	require.NoError(t, Verify(u.env, served))
	_, err = f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: subARN})
	requireCode(t, err, "NotFound")
	resp, err = http.Get(u.env.SubscribeURL)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), "<SubscriptionArn>"+subARN+"</SubscriptionArn>")
	assert.Contains(t, string(body), "<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">")
	_, err = f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: subARN})
	require.NoError(t, err, "restored")

	// The UnsubscribeURL works too.
	resp, err = http.Get(n.env.UnsubscribeURL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	_, err = f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: subARN})
	requireCode(t, err, "NotFound")
}

func TestConfirmSubscriptionTokenRules(t *testing.T) {
	f, _ := httpFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	ep := newEndpoint(t, f.cert)
	ep.confirm = false
	f.subscribe(t, a, "https", strings.Replace(ep.srv.URL, "http://", "https://", 1), nil) // unreachable TLS: still pending
	f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	token := ep.messages()[0].env.Token
	_, err := f.s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: a, Token: "nope"})
	requireCode(t, err, "InvalidParameter")
	assert.Equal(t, "InvalidParameter: Invalid token", err.Error())
	f.clock.Advance(49 * time.Hour)
	_, err = f.s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: a, Token: token})
	requireCode(t, err, "InvalidParameter")
	assert.Equal(t, "InvalidParameter: Invalid parameter: Token", err.Error(), "an expired token")
	// Subscribing again resends the confirmation with a fresh token.
	again := f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	got := ep.messages()
	require.Len(t, got, 2)
	out, err := f.s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: a, Token: got[1].env.Token, AuthenticateOnUnsubscribe: "true"})
	require.NoError(t, err)
	assert.Equal(t, again, out.SubscriptionArn)
	attrs, _ := f.s.GetTopicAttributes(ctx, GetTopicAttributesInput{TopicArn: a})
	assert.Equal(t, "1", attrs.Attributes["SubscriptionsConfirmed"])
	assert.Equal(t, "1", attrs.Attributes["SubscriptionsPending"])
	sa, _ := f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: again})
	assert.Equal(t, "true", sa.Attributes["ConfirmationWasAuthenticated"])
	// With AuthenticateOnUnsubscribe the unauthenticated UnsubscribeURL is refused.
	resp, err := http.Get(f.s.endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + again)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 403, resp.StatusCode)
}

func TestHTTPRetriesOnTheClockThenSucceed(t *testing.T) {
	var attempts []DeliveryAttempt
	f, _ := httpFixture(t, func(o *Options) { o.OnDelivery = func(a DeliveryAttempt) { attempts = append(attempts, a) } })
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	ep := newEndpoint(t, f.cert)
	sub := f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	ep.failN = 2
	attempts = nil
	pub, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	assert.Empty(t, attempts, "Publish only queues the POST")
	f.settle(t)
	require.Len(t, attempts, 1)
	assert.Error(t, attempts[0].Err)
	assert.Equal(t, 500, attempts[0].StatusCode)
	f.advance(t, 19*time.Second)
	assert.Len(t, attempts, 1, "the default policy waits 20 s")
	f.advance(t, time.Second)
	require.Len(t, attempts, 2)
	f.advance(t, 20*time.Second)
	require.Len(t, attempts, 3)
	assert.NoError(t, attempts[2].Err)
	assert.True(t, attempts[2].Final)
	assert.Equal(t, t0.Add(40*time.Second), attempts[2].Time)
	got := ep.messages()
	notes := got[len(got)-3:]
	for _, n := range notes {
		assert.Equal(t, pub.MessageId, n.header.Get("x-amz-sns-message-id"), "a retry reuses the MessageId")
		assert.Equal(t, sub, n.header.Get("x-amz-sns-subscription-arn"))
	}
}

func TestHTTPRetriesExhaustedGoToDeadLetterQueue(t *testing.T) {
	var attempts []DeliveryAttempt
	f, _ := httpFixture(t, func(o *Options) { o.OnDelivery = func(a DeliveryAttempt) { attempts = append(attempts, a) } })
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	dlq := f.queue(t, "dlq")
	ep := newEndpoint(t, f.cert)
	sub := f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	_, err := f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "RedrivePolicy", AttributeValue: `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`})
	require.NoError(t, err)
	ep.failN = 100
	attempts = nil
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "doomed"})
	require.NoError(t, err)
	f.settle(t)
	f.advance(t, 2*time.Minute)
	require.Len(t, attempts, 4, "the first attempt and 3 retries")
	assert.True(t, attempts[3].Final)
	assert.True(t, attempts[3].DeadLettered)
	assert.Equal(t, t0.Add(60*time.Second), attempts[3].Time)
	msgs := receiveAll(t, dlq)
	require.Len(t, msgs, 1)
	env, err := VerifyJSON([]byte(msgs[0].Body), f.cert())
	require.NoError(t, err)
	assert.Equal(t, "doomed", env.Message)
	assert.Equal(t, "ServerError", msgs[0].MessageAttributes["ErrorCode"].StringValue)
	assert.Equal(t, 0, f.clock.Pending())
}

func TestCustomDeliveryPolicySchedule(t *testing.T) {
	var attempts []DeliveryAttempt
	f, _ := httpFixture(t, func(o *Options) { o.OnDelivery = func(a DeliveryAttempt) { attempts = append(attempts, a) } })
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	ep := newEndpoint(t, f.cert)
	sub := f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	_, err := f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "DeliveryPolicy",
		AttributeValue: `{"healthyRetryPolicy":{"numRetries":5,"numNoDelayRetries":2,"minDelayTarget":1,"maxDelayTarget":8,"backoffFunction":"exponential"},"requestPolicy":{"headerContentType":"application/json"}}`})
	require.NoError(t, err)
	ep.failN = 100
	attempts = nil
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	f.settle(t)
	assert.Len(t, attempts, 3, "two no-delay retries follow at once")
	f.advance(t, time.Minute)
	require.Len(t, attempts, 6)
	var at []time.Duration
	for _, x := range attempts {
		at = append(at, x.Time.Sub(t0))
	}
	// Backoff retries 1..3 of 3, exponential from 1 s to 8 s: 1+7·(2^k−1)/7 = 2, 4, 8 s.
	assert.Equal(t, []time.Duration{0, 0, 0, 2 * time.Second, 6 * time.Second, 14 * time.Second}, at)
	assert.Equal(t, "application/json", ep.messages()[len(ep.messages())-1].header.Get("Content-Type"))

	_, err = f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "DeliveryPolicy",
		AttributeValue: `{"healthyRetryPolicy":{"numRetries":50,"minDelayTarget":100,"maxDelayTarget":100}}`})
	requireCode(t, err, "InvalidParameter")
	assert.Contains(t, err.Error(), "total retry time must not exceed 3600 seconds")
}

func TestRawHTTPDeliveryAndSignatureVersion2(t *testing.T) {
	f, _ := httpFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", map[string]string{"SignatureVersion": "2"})
	raw := newEndpoint(t, f.cert)
	env := newEndpoint(t, f.cert)
	f.subscribe(t, a, "http", raw.srv.URL, map[string]string{"RawMessageDelivery": "true"})
	f.subscribe(t, a, "http", env.srv.URL, nil)
	f.settle(t)
	_, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "plain body", MessageAttributes: map[string]MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}}})
	require.NoError(t, err)
	f.settle(t)
	r := raw.messages()
	n := r[len(r)-1]
	assert.Equal(t, "plain body", n.body)
	assert.Equal(t, "true", n.header.Get("x-amz-sns-rawdelivery"))
	e := env.messages()
	last := e[len(e)-1].env
	assert.Equal(t, "2", last.SignatureVersion)
	require.NoError(t, Verify(last, f.cert()))
	last.SignatureVersion = "1"
	assert.Error(t, Verify(last, f.cert()), "a v2 signature is not a v1 signature")
}

func TestHandlerErrorsAreAWSXML(t *testing.T) {
	_, snsSrv := httpFixture(t)
	resp, err := http.Get(snsSrv.URL + "/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:none&Token=x")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
	assert.Contains(t, string(b), "<Code>InvalidParameter</Code>")
	assert.Contains(t, string(b), "<Message>Invalid token</Message>")
	resp, err = http.Get(snsSrv.URL + "/SimpleNotificationService-0000.pem")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
}

func TestThrottlePolicySpreadsDeliveriesOverSeconds(t *testing.T) {
	var attempts []DeliveryAttempt
	f, _ := httpFixture(t, func(o *Options) { o.OnDelivery = func(a DeliveryAttempt) { attempts = append(attempts, a) } })
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	ep := newEndpoint(t, f.cert)
	f.subscribe(t, a, "http", ep.srv.URL, map[string]string{"DeliveryPolicy": `{"throttlePolicy":{"maxReceivesPerSecond":2}}`})
	f.settle(t)
	attempts = nil
	for range 5 {
		_, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"})
		require.NoError(t, err)
	}
	f.settle(t)
	assert.Len(t, attempts, 2, "two deliveries in the first second")
	f.advance(t, time.Second)
	assert.Len(t, attempts, 4)
	f.advance(t, time.Second)
	require.Len(t, attempts, 5)
	assert.Equal(t, t0.Add(2*time.Second), attempts[4].Time)
	for _, x := range attempts {
		assert.Equal(t, 1, x.Attempt, "waiting for the throttle is not a retry")
	}
}

func TestHTTPSDeliveryWithTheApplicationsClient(t *testing.T) {
	var bodies []string
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
	}))
	t.Cleanup(tlsSrv.Close)
	f := newFixture(t, func(o *Options) { o.HTTPClient = tlsSrv.Client() })
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	out, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "https", Endpoint: tlsSrv.URL})
	require.NoError(t, err)
	f.settle(t)
	require.Len(t, bodies, 1)
	conf, err := ParseEnvelope([]byte(bodies[0]))
	require.NoError(t, err)
	_, err = f.s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: a, Token: conf.Token})
	require.NoError(t, err)
	assert.Equal(t, PendingConfirmation, out.SubscriptionArn)
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "over TLS"})
	require.NoError(t, err)
	f.settle(t)
	require.Len(t, bodies, 2)
	e, err := VerifyJSON([]byte(bodies[1]), f.cert())
	require.NoError(t, err)
	assert.Equal(t, "over TLS", e.Message)
}
