package sns

import (
	"context"
	"strings"
	"testing"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Answers recorded from AWS in 2025 (LocalStack's validated snapshots).

func TestSMSAttributesAsAWS(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	got, err := f.s.GetSMSAttributes(ctx, GetSMSAttributesInput{})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"MonthlySpendLimit": "1"}, got.Attributes, "a new account's spend limit is 1 USD")
	_, err = f.s.SetSMSAttributes(ctx, SetSMSAttributesInput{Attributes: map[string]string{"DefaultSMSType": "Promotional", "DefaultSenderID": "LSTest", "DeliveryStatusSuccessSamplingRate": "100"}})
	require.NoError(t, err)
	got, err = f.s.GetSMSAttributes(ctx, GetSMSAttributesInput{})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"DefaultSMSType": "Promotional", "DefaultSenderID": "LSTest", "DeliveryStatusSuccessSamplingRate": "100", "MonthlySpendLimit": "1"}, got.Attributes)
	got, err = f.s.GetSMSAttributes(ctx, GetSMSAttributesInput{Attributes: []string{"DefaultSMSType", "DefaultSenderID"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"DefaultSMSType": "Promotional", "DefaultSenderID": "LSTest"}, got.Attributes)
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		msg   string
	}{
		{"an unknown attribute is not valid", map[string]string{"InvalidAttribute": "invalid"}, "InvalidAttribute is not a valid attribute"},
		{"a misspelt attribute is not valid", map[string]string{"DefaultSendID": "123456789"}, "DefaultSendID is not a valid attribute"},
		{"the SMS type is Promotional or Transactional", map[string]string{"DefaultSMSType": "invalid"}, "DefaultSMSType is invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.SetSMSAttributes(ctx, SetSMSAttributesInput{Attributes: tc.attrs})
			requireCode(t, err, "InvalidParameter")
			assert.Equal(t, tc.msg, awserr.Message(err))
		})
	}
}

func TestPhoneNumberOptOutAsAWS(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	list, err := f.s.ListPhoneNumbersOptedOut(ctx, ListPhoneNumbersOptedOutInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{}, list.PhoneNumbers)
	f.s.OptOutPhoneNumber("+15555550100") // the recipient replied STOP
	out, err := f.s.CheckIfPhoneNumberIsOptedOut(ctx, CheckIfPhoneNumberIsOptedOutInput{PhoneNumber: "+15555550100"})
	require.NoError(t, err)
	assert.True(t, out.IsOptedOut)
	list, err = f.s.ListPhoneNumbersOptedOut(ctx, ListPhoneNumbersOptedOutInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{"+15555550100"}, list.PhoneNumbers)
	_, err = f.s.Publish(ctx, PublishInput{PhoneNumber: "+15555550100", Message: "hi"})
	require.NoError(t, err, "AWS accepts the SMS...")
	assert.Empty(t, f.s.Outbox(), "...and does not deliver it")
	_, err = f.s.OptInPhoneNumber(ctx, OptInPhoneNumberInput{PhoneNumber: "+15555550100"})
	require.NoError(t, err)
	_, err = f.s.OptInPhoneNumber(ctx, OptInPhoneNumberInput{PhoneNumber: "+15555550199"})
	require.NoError(t, err, "opting in a number that is not opted out succeeds")
	out, err = f.s.CheckIfPhoneNumberIsOptedOut(ctx, CheckIfPhoneNumberIsOptedOutInput{PhoneNumber: "+15555550100"})
	require.NoError(t, err)
	assert.False(t, out.IsOptedOut)
	_, err = f.s.OptInPhoneNumber(ctx, OptInPhoneNumberInput{PhoneNumber: "+0123"})
	requireCode(t, err, "InvalidParameter")
	assert.Equal(t, "Invalid parameter: PhoneNumber Reason: input incorrectly formatted", awserr.Message(err))
}

func TestPlatformApplicationsAsAWS(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	creds := map[string]string{"PlatformCredential": "secret", "PlatformPrincipal": "principal"}
	app, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "app", Platform: "ADM", Attributes: creds})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:app/ADM/app", app.PlatformApplicationArn)
	attrs, err := f.s.GetPlatformApplicationAttributes(ctx, GetPlatformApplicationAttributesInput{PlatformApplicationArn: app.PlatformApplicationArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"Enabled": "true"}, attrs.Attributes, "credentials are write-only")
	_, err = f.s.SetPlatformApplicationAttributes(ctx, SetPlatformApplicationAttributesInput{PlatformApplicationArn: app.PlatformApplicationArn, Attributes: map[string]string{"SuccessFeedbackSampleRate": "50"}})
	require.NoError(t, err)
	attrs, _ = f.s.GetPlatformApplicationAttributes(ctx, GetPlatformApplicationAttributesInput{PlatformApplicationArn: app.PlatformApplicationArn})
	assert.Equal(t, map[string]string{"Enabled": "true", "SuccessFeedbackSampleRate": "50"}, attrs.Attributes)
	list, err := f.s.ListPlatformApplications(ctx, ListPlatformApplicationsInput{})
	require.NoError(t, err)
	require.Len(t, list.PlatformApplications, 1)

	for _, tc := range []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"attributes are required", func() error {
			_, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "a", Platform: "ADM"})
			return err
		}, "ValidationError", "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null"},
		{"a principal needs a credential", func() error {
			_, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "a", Platform: "ADM", Attributes: map[string]string{"PlatformPrincipal": "p"}})
			return err
		}, "InvalidParameter", "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential"},
		{"a credential needs a principal", func() error {
			_, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "a", Platform: "ADM", Attributes: map[string]string{"PlatformCredential": "c"}})
			return err
		}, "InvalidParameter", "Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal"},
		{"a name of at most 256 characters", func() error {
			_, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: strings.Repeat("a", 257), Platform: "ADM", Attributes: creds})
			return err
		}, "InvalidParameter", "Invalid parameter: " + strings.Repeat("a", 257) + " Reason: must be at most 256 characters long"},
		{"a name cannot be empty", func() error {
			_, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Platform: "ADM", Attributes: creds})
			return err
		}, "InvalidParameter", "Invalid parameter:  Reason: cannot be empty"},
		{"a name of letters, digits, _ - and .", func() error {
			_, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "@name", Platform: "ADM", Attributes: creds})
			return err
		}, "InvalidParameter", "Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"},
		{"a known platform", func() error {
			_, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "a", Platform: "AAA", Attributes: creds})
			return err
		}, "InvalidParameter", "Invalid parameter: Platform Reason: AAA is not supported"},
		{"an application ARN has 6 elements", func() error {
			_, err := f.s.GetPlatformApplicationAttributes(ctx, GetPlatformApplicationAttributesInput{PlatformApplicationArn: "test"})
			return err
		}, "InvalidParameter", "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1"},
		{"an unknown application", func() error {
			_, err := f.s.GetPlatformApplicationAttributes(ctx, GetPlatformApplicationAttributesInput{PlatformApplicationArn: app.PlatformApplicationArn + "x"})
			return err
		}, "NotFound", "PlatformApplication does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			requireCode(t, err, tc.code)
			assert.Equal(t, tc.msg, awserr.Message(err))
		})
	}
}

func TestPlatformEndpointsAsAWS(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	app, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "app", Platform: "GCM", Attributes: map[string]string{"PlatformCredential": "key"}})
	require.NoError(t, err)
	ep, err := f.s.CreatePlatformEndpoint(ctx, CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: "token_1"})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ep.EndpointArn, "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/"))
	again, err := f.s.CreatePlatformEndpoint(ctx, CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: "token_1"})
	require.NoError(t, err)
	assert.Equal(t, ep.EndpointArn, again.EndpointArn, "idempotent for the same token and attributes")
	_, err = f.s.CreatePlatformEndpoint(ctx, CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: "token_1", CustomUserData: "x"})
	requireCode(t, err, "InvalidParameter")
	assert.Equal(t, "Invalid parameter: Token Reason: Endpoint "+ep.EndpointArn+" already exists with the same Token, but different attributes.", awserr.Message(err))
	attrs, err := f.s.GetEndpointAttributes(ctx, GetEndpointAttributesInput{EndpointArn: ep.EndpointArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"Enabled": "true", "Token": "token_1"}, attrs.Attributes)
	two, err := f.s.CreatePlatformEndpoint(ctx, CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: "token_2", CustomUserData: "bar", Attributes: map[string]string{"CustomUserData": "foo"}})
	require.NoError(t, err)
	attrs, _ = f.s.GetEndpointAttributes(ctx, GetEndpointAttributesInput{EndpointArn: two.EndpointArn})
	assert.Equal(t, "foo", attrs.Attributes["CustomUserData"], "the attribute wins over the parameter")

	for _, tc := range []struct {
		name  string
		attrs map[string]string
		code  string
		msg   string
	}{
		{"attributes are required", nil, "ValidationError", "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null"},
		{"no credentials on an endpoint", map[string]string{"PlatformPrincipal": "x"}, "InvalidParameter", "Invalid parameter: Attributes Reason: Invalid attribute name: PlatformPrincipal"},
		{"an unknown attribute", map[string]string{"InvalidKey": "x"}, "InvalidParameter", "Invalid parameter: Attributes Reason: Invalid attribute name: InvalidKey"},
		{"custom data of at most 2048 bytes", map[string]string{"CustomUserData": strings.Repeat("x", 2049)}, "InvalidParameter", "Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.SetEndpointAttributes(ctx, SetEndpointAttributesInput{EndpointArn: ep.EndpointArn, Attributes: tc.attrs})
			requireCode(t, err, tc.code)
			assert.Equal(t, tc.msg, awserr.Message(err))
		})
	}
	_, err = f.s.SetEndpointAttributes(ctx, SetEndpointAttributesInput{EndpointArn: "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app", Attributes: map[string]string{"Enabled": "false"}})
	assert.Equal(t, "Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.", awserr.Message(err))
	_, err = f.s.GetEndpointAttributes(ctx, GetEndpointAttributesInput{EndpointArn: ep.EndpointArn + "0"})
	requireCode(t, err, "NotFound")
	assert.Equal(t, "Endpoint does not exist", awserr.Message(err))

	// Deliveries land in the outbox, directly or through a subscription;
	// a disabled endpoint refuses them.
	_, err = f.s.Publish(ctx, PublishInput{TargetArn: ep.EndpointArn, Message: `{"default":"d","GCM":"{\"notification\":{\"title\":\"t\"}}"}`, MessageStructure: "json"})
	require.NoError(t, err)
	topicARN := f.topic(t, "t", nil)
	f.subscribe(t, topicARN, "application", two.EndpointArn, nil)
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: topicARN, Message: "to subscribers"})
	require.NoError(t, err)
	box := f.s.TakeOutbox()
	require.Len(t, box, 2)
	assert.Equal(t, ep.EndpointArn, box[0].Endpoint)
	assert.Equal(t, `{"notification":{"title":"t"}}`, box[0].Body, "the platform's key of a json MessageStructure")
	assert.Equal(t, two.EndpointArn, box[1].Endpoint)
	assert.Equal(t, "to subscribers", box[1].Body)
	_, err = f.s.SetEndpointAttributes(ctx, SetEndpointAttributesInput{EndpointArn: ep.EndpointArn, Attributes: map[string]string{"Enabled": "false"}})
	require.NoError(t, err)
	_, err = f.s.Publish(ctx, PublishInput{TargetArn: ep.EndpointArn, Message: "m"})
	requireCode(t, err, "EndpointDisabled")

	list, err := f.s.ListEndpointsByPlatformApplication(ctx, ListEndpointsByPlatformApplicationInput{PlatformApplicationArn: app.PlatformApplicationArn})
	require.NoError(t, err)
	assert.Len(t, list.Endpoints, 2)
	_, err = f.s.DeleteEndpoint(ctx, DeleteEndpointInput{EndpointArn: ep.EndpointArn})
	require.NoError(t, err)
	_, err = f.s.DeleteEndpoint(ctx, DeleteEndpointInput{EndpointArn: ep.EndpointArn})
	require.NoError(t, err, "deleting twice succeeds")
	_, err = f.s.DeletePlatformApplication(ctx, DeletePlatformApplicationInput{PlatformApplicationArn: app.PlatformApplicationArn})
	require.NoError(t, err)
	_, err = f.s.ListEndpointsByPlatformApplication(ctx, ListEndpointsByPlatformApplicationInput{PlatformApplicationArn: app.PlatformApplicationArn})
	requireCode(t, err, "NotFound")
	assert.Equal(t, "PlatformApplication does not exist", awserr.Message(err))
}

func TestDataProtectionPolicyIsStoredValidatedAndApplied(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	got, err := f.s.GetDataProtectionPolicy(ctx, GetDataProtectionPolicyInput{ResourceArn: a})
	require.NoError(t, err)
	assert.Empty(t, got.DataProtectionPolicy)
	deny := `{"Name":"data_protection_policy","Description":"Test Policy","Version":"2021-06-01","Statement":[` +
		`{"Sid":"deny-email","DataDirection":"Inbound","Principal":["*"],"DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],"Operation":{"Deny":{}}},` +
		`{"Sid":"mask-card","DataDirection":"Inbound","Principal":["*"],"DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"],"Operation":{"Deidentify":{"MaskConfig":{"MaskWithCharacter":"*"}}}}]}`
	_, err = f.s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{ResourceArn: a, DataProtectionPolicy: deny})
	require.NoError(t, err)
	got, err = f.s.GetDataProtectionPolicy(ctx, GetDataProtectionPolicyInput{ResourceArn: a})
	require.NoError(t, err)
	require.NotEmpty(t, got.DataProtectionPolicy)
	assert.JSONEq(t, deny, got.DataProtectionPolicy)
	attrs, err := f.s.GetTopicAttributes(ctx, GetTopicAttributesInput{TopicArn: a})
	require.NoError(t, err)
	assert.NotContains(t, attrs.Attributes, "DataProtectionPolicy", "not a topic attribute")

	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "contact alice@example.com"})
	requireCode(t, err, "AuthorizationError")
	assert.Contains(t, err.Error(), "EmailAddress")
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "paid with 4111 1111 1111 1111 today"})
	require.NoError(t, err)
	msgs := receiveAll(t, q)
	require.Len(t, msgs, 1, "the denied message was not delivered")
	assert.Equal(t, "paid with ******************* today", msgs[0].Body)

	for _, bad := range []string{`not json`, `{"Name":"n","Version":"2020-01-01","Statement":[]}`,
		`{"Name":"n","Version":"2021-06-01","Statement":[{"DataDirection":"Sideways","Principal":["*"],"DataIdentifier":["x"],"Operation":{"Deny":{}}}]}`} {
		_, err = f.s.PutDataProtectionPolicy(ctx, PutDataProtectionPolicyInput{ResourceArn: a, DataProtectionPolicy: bad})
		requireCode(t, err, "InvalidParameter")
	}
	got, _ = f.s.GetDataProtectionPolicy(ctx, GetDataProtectionPolicyInput{ResourceArn: a})
	assert.JSONEq(t, deny, got.DataProtectionPolicy, "a rejected policy changes nothing")
}

func TestSubscribedEndpointThatIsDisabledOrDeletedFailsTheDelivery(t *testing.T) {
	var final []DeliveryAttempt
	f := newFixture(t, func(o *Options) {
		o.OnDelivery = func(a DeliveryAttempt) {
			if a.Final {
				final = append(final, a)
			}
		}
	})
	ctx := context.Background()
	app, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "app", Platform: "GCM", Attributes: map[string]string{"PlatformCredential": "key"}})
	require.NoError(t, err)
	ep, err := f.s.CreatePlatformEndpoint(ctx, CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: "t"})
	require.NoError(t, err)
	a := f.topic(t, "t", nil)
	f.subscribe(t, a, "application", ep.EndpointArn, nil)
	_, err = f.s.SetEndpointAttributes(ctx, SetEndpointAttributesInput{EndpointArn: ep.EndpointArn, Attributes: map[string]string{"Enabled": "false"}})
	require.NoError(t, err)
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	_, err = f.s.DeleteEndpoint(ctx, DeleteEndpointInput{EndpointArn: ep.EndpointArn})
	require.NoError(t, err)
	_, err = f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m"})
	require.NoError(t, err)
	assert.Empty(t, f.s.Outbox())
	require.Len(t, final, 2)
	assert.EqualError(t, final[0].Err, "Endpoint is disabled")
	assert.Contains(t, final[1].Err.Error(), "does not exist")
}
