package sns

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/localwatch/localwatch/internal/identity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateTopicNameRules(t *testing.T) {
	cases := []struct {
		name  string
		attrs map[string]string
		ok    bool
	}{
		{"alarms", nil, true},
		{"A_b-9", nil, true},
		{strings.Repeat("a", 256), nil, true},
		{strings.Repeat("a", 257), nil, false},
		{"", nil, false},
		{"has space", nil, false},
		{"dot.name", nil, false},
		{"orders.fifo", map[string]string{"FifoTopic": "true"}, true},
		{"orders.fifo", nil, false},
		{"orders", map[string]string{"FifoTopic": "true"}, false},
		{"x", map[string]string{"Unknown": "1"}, false},
		{"x", map[string]string{"SignatureVersion": "3"}, false},
		{"x", map[string]string{"ContentBasedDeduplication": "true"}, false},
		{"x", map[string]string{"DisplayName": strings.Repeat("d", 101)}, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%.20s %v", tc.name, tc.attrs), func(t *testing.T) {
			f := newFixture(t)
			out, err := f.s.CreateTopic(context.Background(), CreateTopicInput{Name: tc.name, Attributes: tc.attrs})
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:"+tc.name, out.TopicArn)
			} else {
				requireCode(t, err, "InvalidParameter")
				assert.Equal(t, "InvalidParameter", f.lastCall().ErrorCode)
			}
		})
	}
}

func TestCreateTopicIsIdempotent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", map[string]string{"DisplayName": "d"})
	b := f.topic(t, "t", map[string]string{"DisplayName": "d"})
	assert.Equal(t, a, b)
	_, err := f.s.CreateTopic(ctx, CreateTopicInput{Name: "t", Attributes: map[string]string{"DisplayName": "other"}})
	requireCode(t, err, "InvalidParameter")
	assert.Contains(t, err.Error(), "Topic already exists with different attributes")
	list, err := f.s.ListTopics(ctx, ListTopicsInput{})
	require.NoError(t, err)
	assert.Len(t, list.Topics, 1)
}

func TestTopicAttributesDefaultsAndSet(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	out, err := f.s.GetTopicAttributes(ctx, GetTopicAttributesInput{TopicArn: a})
	require.NoError(t, err)
	at := out.Attributes
	assert.Equal(t, a, at["TopicArn"])
	assert.Equal(t, "123456789012", at["Owner"])
	assert.Equal(t, "0", at["SubscriptionsConfirmed"])
	assert.Contains(t, at["Policy"], "__default_statement_ID")
	assert.JSONEq(t, `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`, at["EffectiveDeliveryPolicy"])
	_, hasSV := at["SignatureVersion"]
	assert.False(t, hasSV, "absent SignatureVersion means 1")

	_, err = f.s.SetTopicAttributes(ctx, SetTopicAttributesInput{TopicArn: a, AttributeName: "SignatureVersion", AttributeValue: "2"})
	require.NoError(t, err)
	_, err = f.s.SetTopicAttributes(ctx, SetTopicAttributesInput{TopicArn: a, AttributeName: "FifoTopic", AttributeValue: "true"})
	requireCode(t, err, "InvalidParameter")
	_, err = f.s.SetTopicAttributes(ctx, SetTopicAttributesInput{TopicArn: a, AttributeName: "DeliveryPolicy", AttributeValue: `{"http":{"defaultHealthyRetryPolicy":{"numRetries":101,"minDelayTarget":1,"maxDelayTarget":1}}}`})
	requireCode(t, err, "InvalidParameter")
	_, err = f.s.SetTopicAttributes(ctx, SetTopicAttributesInput{TopicArn: a + "x", AttributeName: "DisplayName", AttributeValue: "x"})
	requireCode(t, err, "NotFound")
	out, _ = f.s.GetTopicAttributes(ctx, GetTopicAttributesInput{TopicArn: a})
	assert.Equal(t, "2", out.Attributes["SignatureVersion"])
}

func TestDeleteTopicRemovesSubscriptionsAndIsIdempotent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), nil)
	_, err := f.s.DeleteTopic(ctx, DeleteTopicInput{TopicArn: a})
	require.NoError(t, err)
	_, err = f.s.DeleteTopic(ctx, DeleteTopicInput{TopicArn: a})
	require.NoError(t, err)
	subs, err := f.s.ListSubscriptions(ctx, ListSubscriptionsInput{})
	require.NoError(t, err)
	assert.Empty(t, subs.Subscriptions)
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "x"})
	requireCode(t, err, "NotFound")
}

func TestListTopicsPagesBy100(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 150 {
		f.topic(t, fmt.Sprintf("t%03d", i), nil)
	}
	p1, err := f.s.ListTopics(ctx, ListTopicsInput{})
	require.NoError(t, err)
	assert.Len(t, p1.Topics, 100)
	require.NotEmpty(t, p1.NextToken)
	p2, err := f.s.ListTopics(ctx, ListTopicsInput{NextToken: p1.NextToken})
	require.NoError(t, err)
	assert.Len(t, p2.Topics, 50)
	assert.Empty(t, p2.NextToken)
	_, err = f.s.ListTopics(ctx, ListTopicsInput{NextToken: "bogus"})
	requireCode(t, err, "InvalidParameter")
	n := 0
	for tp, err := range f.s.ListTopicsAll(ctx, ListTopicsInput{}) {
		require.NoError(t, err)
		assert.Contains(t, tp.TopicArn, ":t")
		n++
	}
	assert.Equal(t, 150, n)
	q := f.queue(t, "q")
	for i := range 120 {
		f.subscribe(t, fmt.Sprintf("arn:aws:sns:us-east-1:123456789012:t%03d", i%2), "sqs", q.ARN()+fmt.Sprint(i), nil)
	}
	n = 0
	for _, err := range f.s.ListSubscriptionsByTopicAll(ctx, ListSubscriptionsByTopicInput{TopicArn: "arn:aws:sns:us-east-1:123456789012:t000"}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 60, n)
	n = 0
	for range f.s.ListSubscriptionsAll(ctx, ListSubscriptionsInput{}) {
		n++
	}
	assert.Equal(t, 120, n)
}

func TestTagsLimitsAndErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	var tags []Tag
	for i := range 50 {
		tags = append(tags, Tag{Key: fmt.Sprint("k", i), Value: "v"})
	}
	_, err := f.s.TagResource(ctx, TagResourceInput{ResourceArn: a, Tags: tags})
	require.NoError(t, err)
	_, err = f.s.TagResource(ctx, TagResourceInput{ResourceArn: a, Tags: []Tag{{Key: "one-more", Value: "v"}}})
	requireCode(t, err, "TagLimitExceeded")
	_, err = f.s.TagResource(ctx, TagResourceInput{ResourceArn: a, Tags: []Tag{{Key: "aws:x", Value: "v"}}})
	requireCode(t, err, "InvalidParameter")
	_, err = f.s.TagResource(ctx, TagResourceInput{ResourceArn: a + "nope", Tags: []Tag{{Key: "k", Value: "v"}}})
	requireCode(t, err, "ResourceNotFound")
	_, err = f.s.UntagResource(ctx, UntagResourceInput{ResourceArn: a, TagKeys: []string{"k0", "k1"}})
	require.NoError(t, err)
	out, err := f.s.ListTagsForResource(ctx, ListTagsForResourceInput{ResourceArn: a})
	require.NoError(t, err)
	assert.Len(t, out.Tags, 48)
}

func TestCrossAccountCallerNeedsTopicPolicy(t *testing.T) {
	f := newFixture(t)
	a := f.topic(t, "t", nil)
	other := identity.With(context.Background(), identity.IAMUser("210987654321", "mallory", "AKIA"))
	_, err := f.s.Publish(other, PublishInput{TopicArn: a, Message: "hi"})
	requireCode(t, err, "AuthorizationError")
	assert.Contains(t, err.Error(), "is not authorized to perform: SNS:Publish")
	_, err = f.s.AddPermission(context.Background(), AddPermissionInput{TopicArn: a, Label: "allow-other", AWSAccountId: []string{"210987654321"}, ActionName: []string{"Publish"}})
	require.NoError(t, err)
	_, err = f.s.Publish(other, PublishInput{TopicArn: a, Message: "hi"})
	require.NoError(t, err)
	_, err = f.s.AddPermission(context.Background(), AddPermissionInput{TopicArn: a, Label: "allow-other", AWSAccountId: []string{"1"}, ActionName: []string{"Publish"}})
	requireCode(t, err, "InvalidParameter")
	_, err = f.s.RemovePermission(context.Background(), RemovePermissionInput{TopicArn: a, Label: "allow-other"})
	require.NoError(t, err)
	_, err = f.s.Publish(other, PublishInput{TopicArn: a, Message: "hi"})
	requireCode(t, err, "AuthorizationError")
	// The owner's own account is never refused.
	own := identity.With(context.Background(), identity.Root("123456789012"))
	_, err = f.s.Publish(own, PublishInput{TopicArn: a, Message: "hi"})
	require.NoError(t, err)
}

func TestEveryOperationRecordsAnAPICall(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	c := f.lastCall()
	assert.Equal(t, "sns.amazonaws.com", c.EventSource)
	assert.Equal(t, "CreateTopic", c.EventName)
	assert.Equal(t, map[string]any{"topicArn": a}, c.ResponseElements)
	_, _ = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "secret"})
	c = f.lastCall()
	assert.Equal(t, "Publish", c.EventName)
	assert.False(t, c.Management, "Publish is a data event")
	assert.Equal(t, "HIDDEN_DUE_TO_SECURITY_REASONS", c.RequestParameters.(map[string]any)["message"])
	_, _ = f.s.GetTopicAttributes(ctx, GetTopicAttributesInput{TopicArn: "arn:aws:sns:us-east-1:123456789012:missing"})
	c = f.lastCall()
	assert.True(t, c.ReadOnly)
	assert.Equal(t, "NotFound", c.ErrorCode)
	assert.Equal(t, "Topic does not exist", c.ErrorMessage)
}
