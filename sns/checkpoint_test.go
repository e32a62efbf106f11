package sns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
)

const ckSeed = 7

// ckService builds a service for the checkpoint tests; fn is registered as
// the Go function "fn" (not state: the user registers it again).
func ckService(clk *clock.Manual, src *ids.Source) *Service {
	s := New(Options{Clock: clk, IDs: src, SigningKey: testKey(), Endpoint: "http://sns.checkpoint.test", SMSSandbox: true,
		OriginationNumbers: []PhoneNumberInformation{{PhoneNumber: "+15555550000"}}})
	s.RegisterFunction("fn", func(_ context.Context, ev LambdaEvent) error {
		if strings.Contains(ev.Records[0].Sns.Message, "fail") {
			return errors.New("function failed")
		}
		return nil
	})
	return s
}

// ckRequests records the POSTs the test servers get: headers and body.
var (
	ckMu       sync.Mutex
	ckRequests []string
)

func ckTake() []string {
	ckMu.Lock()
	defer ckMu.Unlock()
	out := ckRequests
	ckRequests = nil
	// Endpoints are served concurrently: compare each one's POSTs in order.
	slices.SortStableFunc(out, func(a, b string) int {
		return strings.Compare(strings.SplitN(a, "/", 2)[0], strings.SplitN(b, "/", 2)[0])
	})
	return out
}

// ckServer answers 500 to a body containing "fail", 200 otherwise.
func ckServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h := r.Header.Clone()
		h.Del("Content-Length")
		h.Del("Accept-Encoding")
		ckMu.Lock()
		ckRequests = append(ckRequests, r.Host+r.URL.Path+" "+fmt.Sprint(h)+" "+string(b))
		ckMu.Unlock()
		if strings.Contains(string(b), "fail") {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// ckDump is everything the service answers, and its queues' contents.
type ckDump struct {
	Topics, Subs, Tags, Attrs, DataPolicies, SubAttrs, SMS, OptedOut, Sandbox, Apps, Endpoints, Origination any
	Queues                                                                                                  []any
	Outbox                                                                                                  []OutboxMessage
	Recent                                                                                                  []any
	Pending                                                                                                 int
}

func ckDumpOf(t *testing.T, s *Service, clk *clock.Manual) ckDump {
	t.Helper()
	ctx := context.Background()
	var d ckDump
	must := func(v any, err error) any {
		t.Helper()
		require.NoError(t, err)
		return v
	}
	topics := must(s.ListTopics(ctx, ListTopicsInput{})).(*ListTopicsOutput)
	d.Topics = topics
	var attrs, tags, dps []any
	for _, tp := range topics.Topics {
		attrs = append(attrs, must(s.GetTopicAttributes(ctx, GetTopicAttributesInput{TopicArn: tp.TopicArn})))
		tags = append(tags, must(s.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceArn: tp.TopicArn})))
		dps = append(dps, must(s.GetDataProtectionPolicy(ctx, GetDataProtectionPolicyInput{ResourceArn: tp.TopicArn})))
	}
	d.Attrs, d.Tags, d.DataPolicies = attrs, tags, dps
	subs := must(s.ListSubscriptions(ctx, ListSubscriptionsInput{})).(*ListSubscriptionsOutput)
	d.Subs = subs
	var subAttrs []any
	s.locked(func() {
		for _, a := range sortedKeys(s.subs) {
			subAttrs = append(subAttrs, a)
		}
	})
	for i, a := range subAttrs {
		subAttrs[i] = must(s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: a.(string)}))
	}
	d.SubAttrs = subAttrs
	d.SMS = must(s.GetSMSAttributes(ctx, GetSMSAttributesInput{}))
	d.OptedOut = must(s.ListPhoneNumbersOptedOut(ctx, ListPhoneNumbersOptedOutInput{}))
	d.Sandbox = must(s.ListSMSSandboxPhoneNumbers(ctx, ListSMSSandboxPhoneNumbersInput{}))
	d.Origination = must(s.ListOriginationNumbers(ctx, ListOriginationNumbersInput{}))
	apps := must(s.ListPlatformApplications(ctx, ListPlatformApplicationsInput{})).(*ListPlatformApplicationsOutput)
	d.Apps = apps
	var eps []any
	for _, app := range apps.PlatformApplications {
		eps = append(eps, must(s.ListEndpointsByPlatformApplication(ctx, ListEndpointsByPlatformApplicationInput{PlatformApplicationArn: app.PlatformApplicationArn})))
	}
	d.Endpoints = eps
	var queues []*Queue
	s.locked(func() {
		for _, a := range sortedKeys(s.queues) {
			queues = append(queues, s.queues[a])
		}
	})
	for _, q := range queues {
		q.locked(func() {
			d.Queues = append(d.Queues, q.arn, q.visibilityTimeout)
			for _, m := range q.msgs {
				d.Queues = append(d.Queues, *m)
			}
		})
		d.Queues = append(d.Queues, q.ApproximateNumberOfMessages())
	}
	d.Outbox = s.Outbox()
	for _, a := range s.RecentDeliveries() {
		e := ""
		if a.Err != nil {
			e = a.Err.Error()
		}
		a.Err = nil
		d.Recent = append(d.Recent, a, e)
	}
	d.Pending = clk.Pending()
	return d
}

func ckSave(t *testing.T, s *Service) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, s.saveState(&b))
	return b.Bytes()
}

// ckPopulate gives s one of every kind of resource and data, with retries,
// throttled deliveries, deduplication windows and queued HTTP/S jobs pending.
func ckPopulate(t *testing.T, s *Service, clk *clock.Manual, failURL, okURL string) {
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		require.NoError(t, err)
	}
	settle := func() { require.NoError(t, s.Settle(ctx)) }
	mask := `{"Name":"p","Version":"2021-06-01","Statement":[{"Sid":"mask","DataDirection":"Inbound","Principal":["*"],` +
		`"DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"],"Operation":{"Deidentify":{"MaskConfig":{"MaskWithCharacter":"#"}}}}]}`
	std, err := s.CreateTopic(ctx, CreateTopicInput{Name: "std", Attributes: map[string]string{"DisplayName": "Std",
		"DeliveryPolicy": `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":7,"maxDelayTarget":7,"numRetries":4}}}`},
		Tags: []Tag{{Key: "team", Value: "a"}, {Key: "env", Value: "x"}}, DataProtectionPolicy: mask})
	require.NoError(t, err)
	must(s.AddPermission(ctx, AddPermissionInput{TopicArn: std.TopicArn, Label: "l", AWSAccountId: []string{"111122223333"}, ActionName: []string{"Publish"}}))
	must(s.TagResource(ctx, TagResourceInput{ResourceArn: std.TopicArn, Tags: []Tag{{Key: "k2", Value: "v2"}}}))
	fifo, err := s.CreateTopic(ctx, CreateTopicInput{Name: "f.fifo", Attributes: map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"}})
	require.NoError(t, err)
	other, err := s.CreateTopic(ctx, CreateTopicInput{Name: "other"})
	require.NoError(t, err)

	q, err := s.CreateQueue("q")
	require.NoError(t, err)
	dlq, err := s.CreateQueue("dlq")
	require.NoError(t, err)
	fq, err := s.CreateQueue("fq.fifo")
	require.NoError(t, err)
	require.NoError(t, q.SetVisibilityTimeout(40))

	sub := func(topic, protocol, endpoint string, attrs map[string]string) string {
		t.Helper()
		out, err := s.Subscribe(ctx, SubscribeInput{TopicArn: topic, Protocol: protocol, Endpoint: endpoint, Attributes: attrs, ReturnSubscriptionArn: ptr(true)})
		require.NoError(t, err)
		return out.SubscriptionArn
	}
	confirm := func(arn string) {
		t.Helper()
		var tok, topic string
		s.locked(func() { tok, topic = s.subs[arn].token, s.subs[arn].topic.arn })
		must(s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: topic, Token: tok, AuthenticateOnUnsubscribe: "true"}))
	}
	redrive := `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`
	sub(std.TopicArn, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"k":["v"]}`})
	httpFail := sub(std.TopicArn, "http", failURL, map[string]string{"RedrivePolicy": redrive})
	httpOK := sub(std.TopicArn, "http", okURL, map[string]string{"DeliveryPolicy": `{"throttlePolicy":{"maxReceivesPerSecond":1}}`, "RawMessageDelivery": "true"})
	sub(std.TopicArn, "email", "pending@example.com", nil)
	emailJSON := sub(std.TopicArn, "email-json", "j@example.com", map[string]string{"FilterPolicyScope": "MessageBody", "FilterPolicy": `{"x":[{"exists":false}]}`})
	sub(std.TopicArn, "sms", "+15555550100", nil)
	sub(std.TopicArn, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:fn", map[string]string{"RedrivePolicy": redrive})
	sub(std.TopicArn, "firehose", "arn:aws:firehose:us-east-1:123456789012:deliverystream/s", map[string]string{"SubscriptionRoleArn": "arn:aws:iam::123456789012:role/r"})
	app, err := s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "app", Platform: "GCM", Attributes: map[string]string{"PlatformCredential": "k"}})
	require.NoError(t, err)
	ep, err := s.CreatePlatformEndpoint(ctx, CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: "device-1", CustomUserData: "u"})
	require.NoError(t, err)
	must(s.SetEndpointAttributes(ctx, SetEndpointAttributesInput{EndpointArn: ep.EndpointArn, Attributes: map[string]string{"Enabled": "true"}}))
	sub(std.TopicArn, "application", ep.EndpointArn, nil)
	sub(fifo.TopicArn, "sqs", fq.ARN(), map[string]string{"RawMessageDelivery": "true"})
	gone := sub(other.TopicArn, "http", okURL+"/gone", nil)
	settle()
	confirm(httpFail)
	confirm(httpOK)
	confirm(emailJSON)
	confirm(gone)
	settle()
	// An unsubscribed HTTP subscription: its UnsubscribeConfirmation token
	// restores it.
	must(s.Unsubscribe(ctx, UnsubscribeInput{SubscriptionArn: gone}))
	settle()

	must(s.SetSMSAttributes(ctx, SetSMSAttributesInput{Attributes: map[string]string{"DefaultSMSType": "Transactional", "DefaultSenderID": "Ck"}}))
	s.OptOutPhoneNumber("+15555550199")
	must(s.CreateSMSSandboxPhoneNumber(ctx, CreateSMSSandboxPhoneNumberInput{PhoneNumber: "+15555550101"}))
	must(s.CreateSMSSandboxPhoneNumber(ctx, CreateSMSSandboxPhoneNumberInput{PhoneNumber: "+15555550102"}))
	var otp string
	s.locked(func() { otp = s.sandbox["+15555550101"].otp })
	must(s.VerifySMSSandboxPhoneNumber(ctx, VerifySMSSandboxPhoneNumberInput{PhoneNumber: "+15555550101", OneTimePassword: otp}))

	attrs := map[string]MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}, "b": {DataType: "Binary", BinaryValue: []byte{1, 2}}}
	must(s.Publish(ctx, PublishInput{TopicArn: std.TopicArn, Message: `{"hello":"card 4111 1111 1111 1111"}`, Subject: "s", MessageAttributes: attrs}))
	must(s.Publish(ctx, PublishInput{TopicArn: std.TopicArn, Message: "please fail", MessageAttributes: attrs}))
	for i, g := range []string{"g1", "g2", "g1"} {
		must(s.Publish(ctx, PublishInput{TopicArn: fifo.TopicArn, Message: "f" + string(rune('0'+i)), MessageGroupId: g}))
	}
	settle()
	clk.Advance(3 * time.Second)
	settle()
	// Received messages: one in flight on each queue.
	must(q.ReceiveMessage(ReceiveMessageInput{}))
	must(fq.ReceiveMessage(ReceiveMessageInput{}))
	q.SendMessage("direct", nil)
	must(s.Publish(ctx, PublishInput{TopicArn: fifo.TopicArn, Message: "later", MessageGroupId: "g3", MessageDeduplicationId: "d-later"}))
	// Two at once to the throttled endpoint: the second waits for the next
	// second on the clock; and a delivery left queued for the workers.
	must(s.Publish(ctx, PublishInput{TopicArn: std.TopicArn, Message: "one"}))
	must(s.Publish(ctx, PublishInput{TopicArn: std.TopicArn, Message: "two fail"}))
	clk.Advance(200 * time.Millisecond)
}

func TestCheckpointSaveLoadIsIndistinguishable(t *testing.T) {
	ctx := context.Background()
	failSrv, okSrv := ckServer(t), ckServer(t)
	clkA, idsA := clock.NewManual(t0), ids.New(ckSeed)
	a := ckService(clkA, idsA)
	t.Cleanup(a.Close)
	ckPopulate(t, a, clkA, failSrv.URL, okSrv.URL)
	a.locked(func() {
		require.NotEmpty(t, a.timers, "retries pending")
		require.NotEmpty(t, a.tokens, "tokens pending")
	})
	qd, _ := a.disp.pending()
	require.NotZero(t, qd, "HTTP/S deliveries queued")
	saved := ckSave(t, a)

	clkB, idsB := clock.NewManual(t0), ids.New(ckSeed)
	b := ckService(clkB, idsB)
	t.Cleanup(b.Close)
	pos, err := idsA.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, idsB.UnmarshalBinary(pos))
	clkB.Set(clkA.Now())
	require.NoError(t, b.loadState(bytes.NewReader(saved)))

	require.Equal(t, ckDumpOf(t, a, clkA), ckDumpOf(t, b, clkB))
	require.True(t, bytes.Equal(saved, ckSave(t, b)), "a loaded service saves the same checkpoint")

	// The same calls and the same time on both.
	run := func(s *Service, clk *clock.Manual) []any {
		var out []any
		rec := func(v any, err error) {
			out = append(out, v, err)
		}
		rec(nil, s.Settle(ctx))
		var confirms []ConfirmSubscriptionInput
		s.locked(func() {
			for _, k := range sortedKeys(s.tokens) {
				if sub := s.tokens[k]; sub.protocol == ProtocolEmail || sub.protocol == ProtocolHTTP && s.subs[sub.arn] == nil {
					confirms = append(confirms, ConfirmSubscriptionInput{TopicArn: sub.topic.arn, Token: k})
				}
			}
		})
		require.Len(t, confirms, 2, "the pending e-mail subscription and the unsubscribed HTTP one")
		for _, in := range confirms {
			rec(s.ConfirmSubscription(ctx, in))
		}
		// An unauthenticated unsubscribe (a visit to the UnsubscribeURL) of
		// a subscription confirmed with AuthenticateOnUnsubscribe is refused.
		var jsonSub string
		s.locked(func() {
			for _, k := range sortedKeys(s.subs) {
				if s.subs[k].protocol == ProtocolEmailJSON {
					jsonSub = k
				}
			}
		})
		unsubErr := s.unsubscribe(ctx, UnsubscribeInput{SubscriptionArn: jsonSub}, false)
		require.Error(t, unsubErr)
		rec(nil, unsubErr)
		std, fifo := "arn:aws:sns:us-east-1:123456789012:std", "arn:aws:sns:us-east-1:123456789012:f.fifo"
		rec(s.Publish(ctx, PublishInput{TopicArn: fifo, Message: "again", MessageGroupId: "g3", MessageDeduplicationId: "d-later"}))
		rec(s.Publish(ctx, PublishInput{TopicArn: fifo, Message: "new", MessageGroupId: "g1"}))
		rec(s.Publish(ctx, PublishInput{TopicArn: std, Message: "three", MessageAttributes: map[string]MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}}}))
		for _, name := range []string{"q", "fq.fifo", "dlq"} {
			qu, ok := s.Queue(name)
			require.True(t, ok)
			rec(qu.ReceiveMessage(ReceiveMessageInput{MaxNumberOfMessages: 10}))
		}
		rec(s.VerifySMSSandboxPhoneNumber(ctx, VerifySMSSandboxPhoneNumberInput{PhoneNumber: "+15555550102", OneTimePassword: func() (otp string) {
			s.locked(func() { otp = s.sandbox["+15555550102"].otp })
			return otp
		}()}))
		for range 310 {
			clk.Advance(time.Second)
			rec(nil, s.Settle(ctx))
		}
		// The deduplication window has expired: the ID is new again.
		rec(s.Publish(ctx, PublishInput{TopicArn: fifo, Message: "again later", MessageGroupId: "g3", MessageDeduplicationId: "d-later"}))
		rec(nil, s.Settle(ctx))
		for _, name := range []string{"q", "fq.fifo", "dlq"} {
			qu, _ := s.Queue(name)
			rec(qu.ReceiveMessage(ReceiveMessageInput{MaxNumberOfMessages: 10}))
		}
		return out
	}
	ckTake()
	outA := run(a, clkA)
	postsA := ckTake()
	outB := run(b, clkB)
	postsB := ckTake()
	require.Equal(t, outA, outB)
	require.NotEmpty(t, postsA)
	require.Equal(t, postsA, postsB, "the same POSTs (headers and bodies)")
	require.Equal(t, ckDumpOf(t, a, clkA), ckDumpOf(t, b, clkB))
	require.True(t, bytes.Equal(ckSave(t, a), ckSave(t, b)), "the same checkpoint after the same calls")
}

func TestCheckpointLoadRejectsBadData(t *testing.T) {
	clkA := clock.NewManual(t0)
	a := ckService(clkA, ids.New(ckSeed))
	t.Cleanup(a.Close)
	ckPopulate(t, a, clkA, ckServer(t).URL, ckServer(t).URL)
	saved := ckSave(t, a)
	bad := [][]byte{
		nil,
		{checkpointVersion + 1},
		{checkpointVersion},
		{checkpointVersion, 0xff, 0x00},
		append([]byte{checkpointVersion}, []byte("garbage garbage garbage")...),
		append(slices.Clone(saved), 0),
	}
	for n := 1; n < len(saved); n += max(1, len(saved)/97) {
		bad = append(bad, saved[:n])
	}
	for _, b := range bad {
		s := ckService(clock.NewManual(t0), ids.New(ckSeed))
		require.Error(t, s.loadState(bytes.NewReader(b)), "%d bytes of %d", len(b), len(saved))
		s.Close()
	}
	// Well-formed CBOR of the wrong shape.
	s := ckService(clock.NewManual(t0), ids.New(ckSeed))
	defer s.Close()
	b, err := ckEncMode.Marshal(ckState{Subs: []ckSub{{Arn: "x", Topic: 3}}})
	require.NoError(t, err)
	require.Error(t, s.loadState(bytes.NewReader(append([]byte{checkpointVersion}, b...))))
	b, err = ckEncMode.Marshal(ckState{Topics: []ckTopic{{Live: true, Arn: "t", Subs: []int{5}}}})
	require.NoError(t, err)
	require.Error(t, s.loadState(bytes.NewReader(append([]byte{checkpointVersion}, b...))))
}
