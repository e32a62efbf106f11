package sns

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests below pin behaviours recorded from AWS in 2025 (LocalStack's
// snapshot tests of test_sns.py, marked aws.validated): issue 20.

// getBody GETs url and returns the body.
func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// bodyKeys returns the top-level keys of a JSON body in their order.
func bodyKeys(t *testing.T, body string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

func TestFIFOTopicDeliversToStandardQueueWithSequenceNumberAndNoGroupAttribute(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	std := f.queue(t, "standard")
	sub := f.subscribe(t, a, "sqs", std.ARN(), nil)
	out, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "Test", MessageGroupId: "message-group-id-1"})
	require.NoError(t, err)
	msgs := receiveAll(t, std)
	require.Len(t, msgs, 1)
	assert.Equal(t, []string{"Type", "MessageId", "SequenceNumber", "TopicArn", "Message", "Timestamp", "UnsubscribeURL"}, bodyKeys(t, msgs[0].Body))
	env, err := ParseEnvelope([]byte(msgs[0].Body))
	require.NoError(t, err)
	assert.Equal(t, out.SequenceNumber, env.SequenceNumber)
	assert.Equal(t, "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="+sub, env.UnsubscribeURL)
	for _, k := range []string{"MessageGroupId", "MessageDeduplicationId", "SequenceNumber"} {
		assert.NotContains(t, msgs[0].Attributes, k, "a standard queue gets no FIFO system attributes")
	}
	// A standard queue may dead-letter to a standard queue even on a FIFO topic.
	dlq := f.queue(t, "dlq")
	_, err = f.s.SetSubscriptionAttributes(context.Background(), SetSubscriptionAttributesInput{SubscriptionArn: sub, AttributeName: "RedrivePolicy", AttributeValue: `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`})
	require.NoError(t, err)
}

func TestFIFOQueuesCannotSubscribeToStandardTopics(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q.fifo")
	_, err := f.s.Subscribe(context.Background(), SubscribeInput{TopicArn: a, Protocol: "sqs", Endpoint: q.ARN()})
	requireCode(t, err, "InvalidParameter")
	assert.Equal(t, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics", awserr.Message(err))
}

func TestFIFONotificationsAreNotSigned(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t.fifo", map[string]string{"FifoTopic": "true"})
	q := f.queue(t, "q.fifo")
	f.subscribe(t, a, "sqs", q.ARN(), nil)
	_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "Test", Subject: "s", MessageGroupId: "g", MessageDeduplicationId: "d",
		MessageAttributes: map[string]MessageAttributeValue{"attr1": {DataType: "Number", StringValue: "1"}}})
	require.NoError(t, err)
	msgs := receiveAll(t, q)
	require.Len(t, msgs, 1)
	assert.Equal(t, []string{"Type", "MessageId", "SequenceNumber", "TopicArn", "Subject", "Message", "Timestamp", "UnsubscribeURL", "MessageAttributes"}, bodyKeys(t, msgs[0].Body))
	assert.Equal(t, "g", msgs[0].Attributes["MessageGroupId"])
	assert.Equal(t, "d", msgs[0].Attributes["MessageDeduplicationId"])
	assert.NotEmpty(t, msgs[0].Attributes["SequenceNumber"])
}

func TestStandardTopicPassesMessageGroupIdToStandardQueues(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), nil)
	_, err := f.s.Publish(context.Background(), PublishInput{TopicArn: a, Message: "test signature value with attributes", MessageGroupId: "my-group-id-1",
		MessageAttributes: map[string]MessageAttributeValue{"attr1": {DataType: "Number", StringValue: "1"}}})
	require.NoError(t, err)
	msgs := receiveAll(t, q)
	require.Len(t, msgs, 1)
	assert.Equal(t, "my-group-id-1", msgs[0].Attributes["MessageGroupId"], "an SQS system attribute, as for fair queues")
	_, err = VerifyJSON([]byte(msgs[0].Body), f.cert())
	require.NoError(t, err, "standard topics still sign")
	assert.Equal(t, []string{"Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"}, bodyKeys(t, msgs[0].Body))
}

func TestSubscribeIsIdempotentAfterAttributeNormalisation(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	sub := func(attrs map[string]string) (string, error) {
		out, err := f.s.Subscribe(context.Background(), SubscribeInput{TopicArn: a, Protocol: "sqs", Endpoint: q.ARN(), Attributes: attrs, ReturnSubscriptionArn: ptr(true)})
		if err != nil {
			return "", err
		}
		return out.SubscriptionArn, nil
	}
	first, err := sub(map[string]string{"RawMessageDelivery": "True"})
	require.NoError(t, err)
	attrs, err := f.s.GetSubscriptionAttributes(context.Background(), GetSubscriptionAttributesInput{SubscriptionArn: first})
	require.NoError(t, err)
	assert.Equal(t, "true", attrs.Attributes["RawMessageDelivery"])
	for _, tc := range []struct {
		name  string
		attrs map[string]string
	}{
		{"the exact same raw value in another case", map[string]string{"RawMessageDelivery": "true"}},
		{"a default made explicit", map[string]string{"RawMessageDelivery": "true", "FilterPolicyScope": "MessageAttributes"}},
		{"no attributes", nil},
		{"an empty map", map[string]string{}},
		{"a subset with only a default", map[string]string{"FilterPolicyScope": "MessageAttributes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			again, err := sub(tc.attrs)
			require.NoError(t, err)
			assert.Equal(t, first, again)
		})
	}
	_, err = sub(map[string]string{"RawMessageDelivery": "false", "FilterPolicyScope": "MessageBody"})
	requireCode(t, err, "InvalidParameter")
	assert.Equal(t, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes", awserr.Message(err))
	list, err := f.s.ListSubscriptionsByTopic(context.Background(), ListSubscriptionsByTopicInput{TopicArn: a})
	require.NoError(t, err)
	assert.Len(t, list.Subscriptions, 1)
}

func TestSubscriptionAttributeSetsAsAWS(t *testing.T) {
	f := newFixture(t)
	ctx := identity.With(context.Background(), identity.IAMUser("123456789012", "alice", "AKIA"))
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	base := []string{"ConfirmationWasAuthenticated", "Endpoint", "Owner", "PendingConfirmation", "Protocol", "RawMessageDelivery", "SubscriptionArn", "SubscriptionPrincipal", "TopicArn"}
	keys := func(subARN string) ([]string, map[string]string) {
		out, err := f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: subARN})
		require.NoError(t, err)
		return slices.Sorted(maps.Keys(out.Attributes)), out.Attributes
	}
	out, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "sqs", Endpoint: q.ARN(), ReturnSubscriptionArn: ptr(true)})
	require.NoError(t, err)
	sqsSub := out.SubscriptionArn
	got, attrs := keys(sqsSub)
	assert.Equal(t, base, got, "a plain SQS subscription: no EffectiveDeliveryPolicy")
	assert.Equal(t, "arn:aws:iam::123456789012:user/alice", attrs["SubscriptionPrincipal"])

	// FilterPolicyScope stays hidden until a FilterPolicy exists.
	_, err = f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sqsSub, AttributeName: "FilterPolicyScope", AttributeValue: "MessageBody"})
	require.NoError(t, err)
	got, _ = keys(sqsSub)
	assert.Equal(t, base, got)
	_, err = f.s.SetSubscriptionAttributes(ctx, SetSubscriptionAttributesInput{SubscriptionArn: sqsSub, AttributeName: "FilterPolicy", AttributeValue: `{"a":["b"]}`})
	require.NoError(t, err)
	got, attrs = keys(sqsSub)
	assert.Equal(t, append(slices.Clone(base[:2]), append([]string{"FilterPolicy", "FilterPolicyScope"}, base[2:]...)...), got)
	assert.Equal(t, "MessageBody", attrs["FilterPolicyScope"])

	// Lambda with a RedrivePolicy: the base set and the policy.
	dlq := f.queue(t, "dlq")
	fn := f.s.RegisterFunction("f", func(context.Context, LambdaEvent) error { return nil })
	out, err = f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "lambda", Endpoint: fn, ReturnSubscriptionArn: ptr(true),
		Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`}})
	require.NoError(t, err)
	got, _ = keys(out.SubscriptionArn)
	assert.Equal(t, append(slices.Clone(base[:6]), append([]string{"RedrivePolicy"}, base[6:]...)...), got)

	// HTTP/S adds EffectiveDeliveryPolicy.
	out, err = f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "https", Endpoint: "https://example.com/sns", ReturnSubscriptionArn: ptr(true)})
	require.NoError(t, err)
	got, _ = keys(out.SubscriptionArn)
	assert.Equal(t, append(slices.Clone(base[:1]), append([]string{"EffectiveDeliveryPolicy"}, base[1:]...)...), got)
}

func TestTopicAttributeSetsAsAWS(t *testing.T) {
	f := newFixture(t)
	std := f.topic(t, "t", nil)
	fifo := f.topic(t, "t.fifo", map[string]string{"FifoTopic": "true"})
	keys := func(a string) []string {
		out, err := f.s.GetTopicAttributes(context.Background(), GetTopicAttributesInput{TopicArn: a})
		require.NoError(t, err)
		return slices.Sorted(maps.Keys(out.Attributes))
	}
	assert.Equal(t, []string{"DisplayName", "EffectiveDeliveryPolicy", "Owner", "Policy", "SubscriptionsConfirmed", "SubscriptionsDeleted", "SubscriptionsPending", "TopicArn"}, keys(std))
	assert.Equal(t, []string{"ContentBasedDeduplication", "DisplayName", "EffectiveDeliveryPolicy", "FifoTopic", "Owner", "Policy", "SubscriptionsConfirmed", "SubscriptionsDeleted", "SubscriptionsPending", "TopicArn"}, keys(fifo))
}

func TestConfirmSubscriptionErrorsAsAWS(t *testing.T) {
	f, snsSrv := httpFixture(t)
	a := f.topic(t, "t", nil)
	other := f.topic(t, "other", nil)
	ep := newEndpoint(t, f.cert)
	ep.confirm = false
	f.subscribe(t, a, "http", ep.srv.URL, nil)
	f.settle(t)
	token := ep.messages()[0].env.Token
	assert.True(t, strings.HasPrefix(token, "75732d656173742d312f"), "AWS's tokens start with the hex of \"us-east-1/\"")
	unknown := strings.Repeat("51b2ff3e", 36)
	for _, tc := range []struct {
		name, topic, token, msg string
	}{
		{"a TopicArn that is not an ARN", "t", token, "Invalid parameter: Topic"},
		{"a topic ARN of another Region", "arn:aws:sns:eu-west-1:123456789012:t", token, "Invalid parameter: Topic"},
		{"a token for another existing topic", other, token, "Invalid parameter: Topic"},
		{"a token that is not an SNS token", a, "randomtoken", "Invalid token"},
		{"an unknown SNS token", a, unknown, "Invalid parameter: Token"},
		{"an unknown SNS token for a topic that does not exist", a + "i", unknown, "Invalid parameter: Token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.ConfirmSubscription(context.Background(), ConfirmSubscriptionInput{TopicArn: tc.topic, Token: tc.token})
			requireCode(t, err, "InvalidParameter")
			assert.Equal(t, tc.msg, awserr.Message(err))
			// The SubscribeURL handler answers the same.
			resp := getBody(t, snsSrv.URL+"/?Action=ConfirmSubscription&TopicArn="+tc.topic+"&Token="+tc.token)
			assert.Contains(t, resp, "<Message>"+tc.msg+"</Message>")
		})
	}
	// A valid token confirms even when TopicArn names a topic that does not
	// exist in the Region.
	out, err := f.s.ConfirmSubscription(context.Background(), ConfirmSubscriptionInput{TopicArn: a + "-missing", Token: token})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out.SubscriptionArn, a+":"))
}
