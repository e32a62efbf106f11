package sns

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubscribeValidation(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	cases := []struct {
		name, protocol, endpoint string
		attrs                    map[string]string
		msg                      string
	}{
		{"unknown protocol", "smtp", "a@b.c", nil, "Invalid parameter: Amazon SNS does not support this protocol string: smtp"},
		{"http endpoint with https scheme", "http", "https://x", nil, ""},
		{"email without @", "email", "nobody", nil, "Invalid parameter: Email address"},
		{"sqs endpoint not an ARN", "sqs", "https://sqs/queue", nil, ""},
		{"lambda ARN of another service", "lambda", q.ARN(), nil, ""},
		{"firehose needs a role", "firehose", "arn:aws:firehose:us-east-1:123456789012:deliverystream/s", nil, ""},
		{"raw delivery for email", "email", "a@b.c", map[string]string{"RawMessageDelivery": "true"}, ""},
		{"unknown attribute", "sqs", q.ARN(), map[string]string{"Color": "red"}, ""},
		{"filter policy too many keys", "sqs", q.ARN(), map[string]string{"FilterPolicy": `{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}`},
			"Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys"},
		{"filter policy scope unknown", "sqs", q.ARN(), map[string]string{"FilterPolicy": `{"a":["1"]}`, "FilterPolicyScope": "RandomValue"},
			"Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes"},
		{"nested policy on attributes", "sqs", q.ARN(), map[string]string{"FilterPolicy": `{"a":{"b":["1"]}}`},
			"Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support nested filter policy"},
		{"dead-letter queue in another account", "sqs", q.ARN(), map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:999999999999:dlq"}`}, ""},
		{"delivery policy on sqs", "sqs", q.ARN(), map[string]string{"DeliveryPolicy": `{"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":1,"maxDelayTarget":1}}`}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.Subscribe(context.Background(), SubscribeInput{TopicArn: a, Protocol: tc.protocol, Endpoint: tc.endpoint, Attributes: tc.attrs})
			requireCode(t, err, "InvalidParameter")
			if tc.msg != "" {
				assert.Equal(t, "InvalidParameter: "+tc.msg, err.Error())
			}
		})
	}
	subs, _ := f.s.ListSubscriptions(context.Background(), ListSubscriptionsInput{})
	assert.Empty(t, subs.Subscriptions, "a rejected request changes nothing")
}

func TestSetFilterPolicyErrorsUseTheShortPrefix(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	sub := f.subscribe(t, a, "sqs", q.ARN(), nil)
	_, err := f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "FilterPolicy", AttributeValue: `{"a":[]}`})
	requireCode(t, err, "InvalidParameter")
	assert.Equal(t, "InvalidParameter: Invalid parameter: FilterPolicy: Empty arrays are not allowed\n at [Source: (String)\"{\"a\":[]}\"; line: 1, column: 8]", err.Error())
	// A body-scoped nested policy is fine; switching the scope back is not.
	_, err = f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "FilterPolicyScope", AttributeValue: "MessageBody"})
	require.NoError(t, err)
	_, err = f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "FilterPolicy", AttributeValue: `{"a":{"b":["1"]}}`})
	require.NoError(t, err)
	_, err = f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "FilterPolicyScope", AttributeValue: "MessageAttributes"})
	requireCode(t, err, "InvalidParameter")
	assert.Equal(t, "InvalidParameter: Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy", err.Error())
	attrs, err := f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: sub})
	require.NoError(t, err)
	assert.Equal(t, `{"a":{"b":["1"]}}`, attrs.Attributes["FilterPolicy"])
	assert.Equal(t, "MessageBody", attrs.Attributes["FilterPolicyScope"])
	assert.Equal(t, "false", attrs.Attributes["PendingConfirmation"])
	assert.Equal(t, "true", attrs.Attributes["ConfirmationWasAuthenticated"])
	_, err = f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "Protocol", AttributeValue: "http"})
	requireCode(t, err, "InvalidParameter")
}

func TestFilterPolicyQuotaPerTopic(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.MaxFilterPoliciesPerTopic = 2 })
	a := f.topic(t, "t", nil)
	for i := range 2 {
		f.subscribe(t, a, "sqs", f.queue(t, fmt.Sprint("q", i)).ARN(), map[string]string{"FilterPolicy": `{"a":["1"]}`})
	}
	f.subscribe(t, a, "sqs", f.queue(t, "nofilter").ARN(), nil)
	endpoint := f.queue(t, "q3").ARN()
	_, err := f.s.Subscribe(context.Background(), SubscribeInput{TopicArn: a, Protocol: "sqs", Endpoint: endpoint, Attributes: map[string]string{"FilterPolicy": `{"a":["1"]}`}})
	requireCode(t, err, "FilterPolicyLimitExceeded")
}

func TestSubscribeIsIdempotentPerEndpoint(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	one := f.subscribe(t, a, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	two := f.subscribe(t, a, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	assert.Equal(t, one, two)
	ep := q.ARN()
	_, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "sqs", Endpoint: ep, Attributes: map[string]string{"RawMessageDelivery": "false"}})
	requireCode(t, err, "InvalidParameter")
	assert.Contains(t, err.Error(), "Subscription already exists with different attributes")
	_, err = f.s.Unsubscribe(ctx, UnsubscribeInput{SubscriptionArn: one})
	require.NoError(t, err)
	_, err = f.s.Unsubscribe(ctx, UnsubscribeInput{SubscriptionArn: one})
	requireCode(t, err, "NotFound")
	_, err = f.s.Unsubscribe(ctx, UnsubscribeInput{SubscriptionArn: "nope"})
	requireCode(t, err, "InvalidParameter")
	attrs, _ := f.s.GetTopicAttributes(ctx, GetTopicAttributesInput{TopicArn: a})
	assert.Equal(t, "1", attrs.Attributes["SubscriptionsDeleted"])
}

func TestEmailSubscriptionConfirmAndDeliverToOutbox(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	out, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "email", Endpoint: "ops@example.com"})
	require.NoError(t, err)
	assert.Equal(t, PendingConfirmation, out.SubscriptionArn)
	f.subscribe(t, a, "email-json", "json@example.com", nil)
	list, _ := f.s.ListSubscriptions(ctx, ListSubscriptionsInput{})
	assert.Equal(t, "PendingConfirmation", list.Subscriptions[0].SubscriptionArn)
	box := f.s.TakeOutbox()
	require.Len(t, box, 2)
	assert.Equal(t, "AWS Notification - Subscription Confirmation", box[0].Subject)
	assert.Equal(t, "SubscriptionConfirmation", box[0].Type)
	token := regexp.MustCompile(`Token=([0-9a-f]+)`).FindStringSubmatch(box[0].Body)[1]
	_, err = f.s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: a, Token: token})
	require.NoError(t, err)
	jsonConf, err := ParseEnvelope([]byte(box[1].Body))
	require.NoError(t, err)
	_, err = f.s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: a, Token: jsonConf.Token})
	require.NoError(t, err)

	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "disk full", Subject: "ALARM"})
	require.NoError(t, err)
	box = f.s.TakeOutbox()
	require.Len(t, box, 2)
	assert.Equal(t, "ALARM", box[0].Subject)
	assert.True(t, strings.HasPrefix(box[0].Body, "disk full\n\n--\nIf you wish to stop receiving notifications from this topic"))
	e, err := VerifyJSON([]byte(box[1].Body), f.cert())
	require.NoError(t, err)
	assert.Equal(t, "disk full", e.Message)
}

func TestFunctionFailuresRetryOnManagedPolicyThenDeadLetter(t *testing.T) {
	var attempts []DeliveryAttempt
	f := newFixture(t, func(o *Options) { o.OnDelivery = func(a DeliveryAttempt) { attempts = append(attempts, a) } })
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	dlq := f.queue(t, "dlq")
	calls := 0
	fn := f.s.RegisterFunction("flaky", func(context.Context, LambdaEvent) error {
		calls++
		if calls <= 5 {
			return errors.New("boom")
		}
		return nil
	})
	f.subscribe(t, a, "lambda", fn, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`})
	_, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	assert.Equal(t, 4, calls, "the first call and 3 immediate retries")
	f.clock.Advance(time.Second)
	assert.Equal(t, 5, calls)
	f.clock.Advance(time.Second)
	assert.Equal(t, 6, calls)
	assert.True(t, attempts[len(attempts)-1].Final)
	assert.Equal(t, 0, dlq.Len())

	// A missing function is a client error: dead-lettered at once.
	f.s.UnregisterFunction("flaky")
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "lost"})
	require.NoError(t, err)
	msgs := receiveAll(t, dlq)
	require.Len(t, msgs, 1)
	assert.Equal(t, "ClientError", msgs[0].MessageAttributes["ErrorCode"].StringValue)
}

func TestCrossAccountQueueSubscriptionNeedsConfirmation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	out, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:210987654321:theirs"})
	require.NoError(t, err)
	assert.Equal(t, PendingConfirmation, out.SubscriptionArn)
}

func TestBusNotificationsArePublished(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "alarms", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	err := bus.Publish(context.Background(), f.bus, event.Notification{TopicARN: a, Subject: "ALARM: x", Message: "{}", Source: "alarms",
		MessageAttributes: map[string]event.MessageAttribute{"k": {DataType: "String", StringValue: "v"}}})
	require.NoError(t, err)
	msgs := receiveAll(t, q)
	require.Len(t, msgs, 1)
	assert.Equal(t, "v", msgs[0].MessageAttributes["k"].StringValue)
	c := f.lastCall()
	assert.Equal(t, "Publish", c.EventName)
	assert.Equal(t, "", c.Identity.InvokedBy, "Source \"alarms\" is not a service host")
	require.NoError(t, bus.Publish(context.Background(), f.bus, event.Notification{TopicARN: a, Message: "{}", Source: "cloudwatch.amazonaws.com"}))
	assert.Equal(t, "cloudwatch.amazonaws.com", f.lastCall().Identity.InvokedBy)
	require.NoError(t, bus.Publish(context.Background(), f.bus, event.Notification{TopicARN: "arn:aws:sns:eu-west-1:123456789012:alarms", Message: "{}"}),
		"another Region's topic is another Service's business")
	err = bus.Publish(context.Background(), f.bus, event.Notification{TopicARN: a + "-missing", Message: "{}"})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestCloseStopsPendingRetries(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	calls := 0
	fn := f.s.RegisterFunction("f", func(context.Context, LambdaEvent) error { calls++; return errors.New("no") })
	f.subscribe(t, a, "lambda", fn, nil)
	_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	require.Equal(t, 1, f.clock.Pending())
	f.s.Close()
	assert.Equal(t, 0, f.clock.Pending())
	f.clock.Advance(time.Hour)
	assert.Equal(t, 4, calls)
}

func TestDeadLetterQueueTypeMatchesTopicType(t *testing.T) {
	f := newFixture(t)
	fifo := f.topic(t, "t.fifo", map[string]string{"FifoTopic": "true"})
	q := f.queue(t, "q.fifo")
	std := f.queue(t, "std")
	_, err := f.s.Subscribe(context.Background(), SubscribeInput{TopicArn: fifo, Protocol: "sqs", Endpoint: q.ARN(),
		Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + std.ARN() + `"}`}})
	requireCode(t, err, "InvalidParameter")
	assert.Contains(t, err.Error(), "must use a FIFO queue as DLQ")
}

func TestEmailFromUsesDisplayName(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", map[string]string{"DisplayName": "Ops"})
	f.subscribe(t, a, "email", "ops@example.com", nil)
	box := f.s.TakeOutbox()
	require.Len(t, box, 1)
	assert.Equal(t, "Ops <no-reply@sns.amazonaws.com>", box[0].From)
	token := regexp.MustCompile(`Token=([0-9a-f]+)`).FindStringSubmatch(box[0].Body)[1]
	_, err := f.s.ConfirmSubscription(ctx, ConfirmSubscriptionInput{TopicArn: a, Token: token})
	require.NoError(t, err)
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	box = f.s.TakeOutbox()
	require.Len(t, box, 1)
	assert.Equal(t, "Ops <no-reply@sns.amazonaws.com>", box[0].From)
	assert.Equal(t, "AWS Notification Message", box[0].Subject)
}

func TestConcurrentPublishAndSubscribe(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				_, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: fmt.Sprint(g, "-", i)})
				assert.NoError(t, err)
				if i%10 == 0 {
					ep := f.queue(t, fmt.Sprint("q", g, "-", i)).ARN()
					_, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "sqs", Endpoint: ep})
					assert.NoError(t, err)
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 200, q.Len())
}
