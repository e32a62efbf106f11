package sns

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func FuzzParseEnvelope(f *testing.F) {
	f.Add([]byte(`{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:us-east-1:1:t","Message":"hi\n\"x\"","Timestamp":"2026-01-01T00:00:00.000Z","MessageAttributes":{"a":{"Type":"String","Value":"v"}}}`))
	f.Add([]byte(`{"Type":"SubscriptionConfirmation","Token":"t","SubscribeUrl":"u"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEnvelope(data)
		if err != nil {
			return
		}
		b, err := e.MarshalJSON()
		require.NoError(t, err)
		again, err := ParseEnvelope(b)
		require.NoError(t, err)
		s1, err1 := StringToSign(e)
		s2, err2 := StringToSign(again)
		require.Equal(t, err1 == nil, err2 == nil)
		if e.Type == TypeNotification || e.Type == TypeSubscriptionConfirmation || e.Type == TypeUnsubscribeConfirmation {
			require.Equal(t, s1, s2, "marshal/parse keeps every signed field")
		}
	})
}

func FuzzDeliveryPolicy(f *testing.F) {
	f.Add(`{"healthyRetryPolicy":{"numRetries":5,"numNoDelayRetries":2,"minDelayTarget":1,"maxDelayTarget":8,"backoffFunction":"geometric"}}`)
	f.Add(`{"http":{"defaultHealthyRetryPolicy":{"numRetries":3,"minDelayTarget":20,"maxDelayTarget":20},"disableSubscriptionOverrides":true}}`)
	f.Fuzz(func(t *testing.T, policy string) {
		if p, err := parseSubDeliveryPolicy(policy); err == nil && p.HealthyRetryPolicy != nil {
			for i := 1; i <= p.HealthyRetryPolicy.NumRetries; i++ {
				d := p.HealthyRetryPolicy.delay(i)
				require.GreaterOrEqual(t, int64(d), int64(0))
			}
		}
		_, _ = parseTopicDeliveryPolicy(policy)
	})
}

func FuzzValidateAttributes(f *testing.F) {
	f.Add("name", "String.Array", `["a",1]`)
	f.Add("n", "Number", "1e3")
	f.Fuzz(func(t *testing.T, name, typ, value string) {
		_ = validateAttributes(map[string]MessageAttributeValue{name: {DataType: typ, StringValue: value}})
	})
}

// FuzzDataProtectionPolicy feeds policies and message bodies through the
// validator and the inbound operations: a policy is refused with an
// InvalidParameter or applied without panicking, and Deidentify never
// lengthens a message.
func FuzzDataProtectionPolicy(f *testing.F) {
	f.Add(`{"Name":"p","Version":"2021-06-01","Statement":[{"DataDirection":"Inbound","Principal":["*"],"DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"],"Operation":{"Deidentify":{"MaskConfig":{"MaskWithCharacter":"é"}}}}]}`, "card 4111 1111 1111 1111")
	f.Add(`{"Name":"p","Version":"2021-06-01","Statement":[{"DataDirection":"Inbound","Principal":["*"],"DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],"Operation":{"Deny":{}}}]}`, "a@b.co")
	s := New(Options{})
	f.Fuzz(func(t *testing.T, policy, body string) {
		doc, err := parseDataPolicy(policy)
		if err != nil {
			requireCode(t, err, "InvalidParameter")
			return
		}
		out, err := s.applyInbound(doc, "arn:aws:sns:us-east-1:123456789012:t", "", body)
		if err != nil {
			requireCode(t, err, "AuthorizationError")
			return
		}
		require.LessOrEqual(t, utf8.RuneCountInString(out), utf8.RuneCountInString(body), "masking keeps the length, redaction shortens")
	})
}
