package sdktest

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lwsns "github.com/localwatch/localwatch/sns"
)

// TestSNSOperations drives every SNS operation localwatch serves through the
// SDK's client (awsQuery with XML answers).
func TestSNSOperations(t *testing.T) {
	e := newEnv(t)
	created, err := e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders"),
		Attributes: map[string]string{"DisplayName": "Orders"}, Tags: []snstypes.Tag{{Key: aws.String("team"), Value: aws.String("shop")}}})
	require.NoError(t, err)
	topic := aws.ToString(created.TopicArn)
	assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:orders", topic)

	q, err := e.stack.SNS.CreateQueue("orders-inbox")
	require.NoError(t, err)
	sub, err := e.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String(q.ARN()), ReturnSubscriptionArn: true,
		Attributes: map[string]string{"RawMessageDelivery": "true"}})
	require.NoError(t, err)
	subARN := aws.ToString(sub.SubscriptionArn)
	assert.Contains(t, subARN, topic+":")

	t.Run("topic attributes are read and set", func(t *testing.T) {
		_, err := e.sns.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(topic), AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("Shop orders")})
		require.NoError(t, err)
		a, err := e.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
		require.NoError(t, err)
		assert.Equal(t, "Shop orders", a.Attributes["DisplayName"])
		assert.Equal(t, "1", a.Attributes["SubscriptionsConfirmed"])
		assert.Equal(t, topic, a.Attributes["TopicArn"])
	})

	t.Run("subscription attributes are read and set", func(t *testing.T) {
		_, err := e.sns.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: aws.String(subARN),
			AttributeName: aws.String("FilterPolicy"), AttributeValue: aws.String(`{"kind":["order"]}`)})
		require.NoError(t, err)
		a, err := e.sns.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(subARN)})
		require.NoError(t, err)
		assert.JSONEq(t, `{"kind":["order"]}`, a.Attributes["FilterPolicy"])
		assert.Equal(t, "true", a.Attributes["RawMessageDelivery"])
	})

	t.Run("Publish and PublishBatch deliver what passes the filter policy", func(t *testing.T) {
		p, err := e.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("order 1"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("order")}}})
		require.NoError(t, err)
		assert.NotEmpty(t, aws.ToString(p.MessageId))
		b, err := e.sns.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
			{Id: aws.String("a"), Message: aws.String("order 2"), MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("order")}}},
			{Id: aws.String("b"), Message: aws.String("refund 1"), MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("refund")}}},
		}})
		require.NoError(t, err)
		assert.Len(t, b.Successful, 2)
		assert.Empty(t, b.Failed)
		out, err := q.ReceiveMessage(lwsns.ReceiveMessageInput{MaxNumberOfMessages: 10})
		require.NoError(t, err)
		var bodies []string
		for _, m := range out.Messages {
			bodies = append(bodies, m.Body)
		}
		assert.Equal(t, []string{"order 1", "order 2"}, bodies, "raw delivery, the refund filtered out")
	})

	t.Run("subscriptions are listed, by topic and in all", func(t *testing.T) {
		all, err := e.sns.ListSubscriptions(ctx, &sns.ListSubscriptionsInput{})
		require.NoError(t, err)
		require.Len(t, all.Subscriptions, 1)
		assert.Equal(t, "sqs", aws.ToString(all.Subscriptions[0].Protocol))
		byTopic, err := e.sns.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
		require.NoError(t, err)
		require.Len(t, byTopic.Subscriptions, 1)
		assert.Equal(t, subARN, aws.ToString(byTopic.Subscriptions[0].SubscriptionArn))
	})

	t.Run("permissions are added to and removed from the policy", func(t *testing.T) {
		_, err := e.sns.AddPermission(ctx, &sns.AddPermissionInput{TopicArn: aws.String(topic), Label: aws.String("partner"),
			AWSAccountId: []string{"210987654321"}, ActionName: []string{"Publish"}})
		require.NoError(t, err)
		a, err := e.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
		require.NoError(t, err)
		var policy struct{ Statement []struct{ Sid string } }
		require.NoError(t, json.Unmarshal([]byte(a.Attributes["Policy"]), &policy))
		var sids []string
		for _, s := range policy.Statement {
			sids = append(sids, s.Sid)
		}
		assert.Contains(t, sids, "partner")
		_, err = e.sns.RemovePermission(ctx, &sns.RemovePermissionInput{TopicArn: aws.String(topic), Label: aws.String("partner")})
		require.NoError(t, err)
		a, err = e.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
		require.NoError(t, err)
		assert.NotContains(t, a.Attributes["Policy"], `"partner"`)
	})

	t.Run("tags are listed, added and removed", func(t *testing.T) {
		_, err := e.sns.TagResource(ctx, &sns.TagResourceInput{ResourceArn: aws.String(topic), Tags: []snstypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
		require.NoError(t, err)
		_, err = e.sns.UntagResource(ctx, &sns.UntagResourceInput{ResourceArn: aws.String(topic), TagKeys: []string{"team"}})
		require.NoError(t, err)
		tags, err := e.sns.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(topic)})
		require.NoError(t, err)
		assert.Equal(t, []snstypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}, tags.Tags)
	})

	t.Run("an HTTP subscription is confirmed with ConfirmSubscription and its token", func(t *testing.T) {
		// No SNSEndpoint here: the SigningCertURL is AWS's, so the endpoint
		// takes the certificate from the service instead of fetching it.
		srv, messages := verifyingEndpoint(t, func(string) (*x509.Certificate, error) { return e.stack.SNS.SigningCertificate() })
		pending, err := e.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("http"), Endpoint: aws.String(srv.URL)})
		require.NoError(t, err)
		assert.Equal(t, "pending confirmation", aws.ToString(pending.SubscriptionArn))
		c := receive(t, e, messages)
		require.Equal(t, "SubscriptionConfirmation", c.Type)
		confirmed, err := e.sns.ConfirmSubscription(ctx, &sns.ConfirmSubscriptionInput{TopicArn: aws.String(topic), Token: aws.String(c.Token),
			AuthenticateOnUnsubscribe: aws.String("true")})
		require.NoError(t, err)
		assert.Contains(t, aws.ToString(confirmed.SubscriptionArn), topic+":")
		_, err = e.sns.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: confirmed.SubscriptionArn})
		require.NoError(t, err)
	})

	t.Run("Unsubscribe and DeleteTopic", func(t *testing.T) {
		_, err := e.sns.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(subARN)})
		require.NoError(t, err)
		_, err = e.sns.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(topic)})
		require.NoError(t, err)
		_, err = e.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
		var nf *snstypes.NotFoundException
		require.ErrorAs(t, err, &nf)
		var apiErr smithy.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "NotFound", apiErr.ErrorCode())
	})
}

func TestSNSListTopicsPaginator(t *testing.T) {
	e := newEnv(t)
	// ListTopics answers 100 topics a page, as SNS does.
	for i := range 120 {
		_, err := e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(fmt.Sprintf("t%03d", i))})
		require.NoError(t, err)
	}
	p := sns.NewListTopicsPaginator(e.sns, &sns.ListTopicsInput{})
	var sizes []int
	seen := map[string]bool{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		sizes = append(sizes, len(out.Topics))
		for _, tp := range out.Topics {
			seen[aws.ToString(tp.TopicArn)] = true
		}
	}
	assert.Equal(t, []int{100, 20}, sizes)
	assert.Len(t, seen, 120)
}

func TestSNSErrorsAreTyped(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"a topic name with a space is an invalid parameter", func() error {
			_, err := e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bad name")})
			return err
		}, "InvalidParameter"},
		{"publishing to a topic that does not exist is NotFound", func() error {
			_, err := e.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:nope"), Message: aws.String("x")})
			return err
		}, "NotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var apiErr smithy.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.code, apiErr.ErrorCode())
		})
	}
	var invalid *snstypes.InvalidParameterException
	_, err := e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bad name")})
	assert.ErrorAs(t, err, &invalid)
	topics, err := e.sns.ListTopics(ctx, &sns.ListTopicsInput{})
	require.NoError(t, err)
	assert.Empty(t, topics.Topics, "rejected requests store nothing")
}

// TestSNSTagResourceAnswersItsEmptyResult is a regression test: for an
// awsQuery operation whose output shape is empty but has a resultWrapper
// (SNS TagResource and UntagResource), AWS answers
// <TagResourceResponse><TagResourceResult/><ResponseMetadata>…, and
// aws-sdk-go-v2's SNS deserializer fails ("deserialization failed, EOF")
// without the empty element, as awsapi first answered.
func TestSNSTagResourceAnswersItsEmptyResult(t *testing.T) {
	e := newEnv(t)
	topic, err := e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("tagged")})
	require.NoError(t, err)
	_, err = e.sns.TagResource(ctx, &sns.TagResourceInput{ResourceArn: topic.TopicArn, Tags: []snstypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	require.NoError(t, err)
	_, err = e.sns.UntagResource(ctx, &sns.UntagResourceInput{ResourceArn: topic.TopicArn, TagKeys: []string{"k"}})
	require.NoError(t, err)
}

// TestSNSSMSSandboxAndOptOutList drives the SMS sandbox, the opt-out list
// (whose members AWS spells in lower camel case) and origination numbers
// through the SDK's client and paginators.
func TestSNSSMSSandboxAndOptOutList(t *testing.T) {
	e := newEnv(t)
	const num = "+12065550100"
	_, err := e.sns.CreateSMSSandboxPhoneNumber(ctx, &sns.CreateSMSSandboxPhoneNumberInput{PhoneNumber: aws.String(num), LanguageCode: snstypes.LanguageCodeStringEnUs})
	require.NoError(t, err)
	var otp string
	for _, m := range e.stack.SNS.TakeOutbox() {
		if m.Endpoint == num {
			otp = m.Body[len(m.Body)-6:]
		}
	}
	require.NotEmpty(t, otp)
	_, err = e.sns.VerifySMSSandboxPhoneNumber(ctx, &sns.VerifySMSSandboxPhoneNumberInput{PhoneNumber: aws.String(num), OneTimePassword: aws.String(otp)})
	require.NoError(t, err)
	var numbers []snstypes.SMSSandboxPhoneNumber
	pages := sns.NewListSMSSandboxPhoneNumbersPaginator(e.sns, &sns.ListSMSSandboxPhoneNumbersInput{})
	for pages.HasMorePages() {
		p, err := pages.NextPage(ctx)
		require.NoError(t, err)
		numbers = append(numbers, p.PhoneNumbers...)
	}
	require.Len(t, numbers, 1)
	assert.Equal(t, snstypes.SMSSandboxPhoneNumberVerificationStatusVerified, numbers[0].Status)
	st, err := e.sns.GetSMSSandboxAccountStatus(ctx, &sns.GetSMSSandboxAccountStatusInput{})
	require.NoError(t, err)
	assert.False(t, st.IsInSandbox)
	_, err = e.sns.VerifySMSSandboxPhoneNumber(ctx, &sns.VerifySMSSandboxPhoneNumberInput{PhoneNumber: aws.String("+12065550101"), OneTimePassword: aws.String("123456")})
	var nf *snstypes.ResourceNotFoundException
	assert.ErrorAs(t, err, &nf)
	_, err = e.sns.DeleteSMSSandboxPhoneNumber(ctx, &sns.DeleteSMSSandboxPhoneNumberInput{PhoneNumber: aws.String(num)})
	require.NoError(t, err)

	for i := range 150 {
		e.stack.SNS.OptOutPhoneNumber(fmt.Sprintf("+1555000%04d", i))
	}
	var opted []string
	optedPages := sns.NewListPhoneNumbersOptedOutPaginator(e.sns, &sns.ListPhoneNumbersOptedOutInput{})
	for optedPages.HasMorePages() {
		p, err := optedPages.NextPage(ctx)
		require.NoError(t, err)
		opted = append(opted, p.PhoneNumbers...)
	}
	assert.Len(t, opted, 150, "two pages, read by the SDK's paginator")

	orig, err := e.sns.ListOriginationNumbers(ctx, &sns.ListOriginationNumbersInput{})
	require.NoError(t, err)
	assert.Empty(t, orig.PhoneNumbers)
}
