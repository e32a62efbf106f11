package sns

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// otpFor returns the one-time password the outbox holds for number.
func otpFor(t *testing.T, f *fixture, number string) string {
	t.Helper()
	for _, m := range f.s.TakeOutbox() {
		if m.Endpoint == number {
			_, otp, ok := strings.Cut(m.Body, "verification code is: ")
			require.True(t, ok, "OTP message: %q", m.Body)
			return otp
		}
	}
	t.Fatalf("no one-time password sent to %s", number)
	return ""
}

func TestSMSSandboxVerifiesANumberWithItsOneTimePassword(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.SMSSandbox = true })
	ctx := context.Background()
	const num = "+12065550100"

	st, err := f.s.GetSMSSandboxAccountStatus(ctx, GetSMSSandboxAccountStatusInput{})
	require.NoError(t, err)
	assert.True(t, st.IsInSandbox)

	_, err = f.s.Publish(ctx, PublishInput{PhoneNumber: num, Message: "hi"})
	requireCode(t, err, "InvalidParameter")

	_, err = f.s.CreateSMSSandboxPhoneNumber(ctx, CreateSMSSandboxPhoneNumberInput{PhoneNumber: num, LanguageCode: "en-US"})
	require.NoError(t, err)
	otp := otpFor(t, f, num)
	list, err := f.s.ListSMSSandboxPhoneNumbers(ctx, ListSMSSandboxPhoneNumbersInput{})
	require.NoError(t, err)
	assert.Equal(t, []SMSSandboxPhoneNumber{{PhoneNumber: num, Status: SMSSandboxPhoneNumberVerificationStatusPending}}, list.PhoneNumbers)

	wrong := "000000"
	if otp == wrong {
		wrong = "111111"
	}
	_, err = f.s.VerifySMSSandboxPhoneNumber(ctx, VerifySMSSandboxPhoneNumberInput{PhoneNumber: num, OneTimePassword: wrong})
	requireCode(t, err, "VerificationException")
	_, err = f.s.Publish(ctx, PublishInput{PhoneNumber: num, Message: "hi"})
	requireCode(t, err, "InvalidParameter")

	_, err = f.s.VerifySMSSandboxPhoneNumber(ctx, VerifySMSSandboxPhoneNumberInput{PhoneNumber: num, OneTimePassword: otp})
	require.NoError(t, err)
	list, err = f.s.ListSMSSandboxPhoneNumbers(ctx, ListSMSSandboxPhoneNumbersInput{})
	require.NoError(t, err)
	assert.Equal(t, SMSSandboxPhoneNumberVerificationStatusVerified, list.PhoneNumbers[0].Status)
	_, err = f.s.Publish(ctx, PublishInput{PhoneNumber: num, Message: "hi"})
	require.NoError(t, err, "a verified number takes SMS")
	assert.Len(t, f.s.TakeOutbox(), 1)

	_, err = f.s.DeleteSMSSandboxPhoneNumber(ctx, DeleteSMSSandboxPhoneNumberInput{PhoneNumber: num})
	require.NoError(t, err)
	_, err = f.s.Publish(ctx, PublishInput{PhoneNumber: num, Message: "hi"})
	requireCode(t, err, "InvalidParameter")

	c := f.lastCall()
	assert.Equal(t, "Publish", c.EventName)
	for _, c := range f.calls {
		if strings.HasSuffix(c.EventName, "SMSSandboxPhoneNumber") {
			assert.Equal(t, map[string]any{"phoneNumber": hidden}, c.RequestParameters, "%s hides the number and the password", c.EventName)
		}
	}
}

func TestSMSSandboxErrorsAsAWS(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.s.OptOutPhoneNumber("+12065550199")
	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"a number that is not E.164", func() error {
			_, err := f.s.CreateSMSSandboxPhoneNumber(ctx, CreateSMSSandboxPhoneNumberInput{PhoneNumber: "12-34"})
			return err
		}, "InvalidParameter"},
		{"an unknown language", func() error {
			_, err := f.s.CreateSMSSandboxPhoneNumber(ctx, CreateSMSSandboxPhoneNumberInput{PhoneNumber: "+12065550100", LanguageCode: "xx-XX"})
			return err
		}, "InvalidParameter"},
		{"an opted-out number", func() error {
			_, err := f.s.CreateSMSSandboxPhoneNumber(ctx, CreateSMSSandboxPhoneNumberInput{PhoneNumber: "+12065550199"})
			return err
		}, "OptedOut"},
		{"verifying a number not in the sandbox", func() error {
			_, err := f.s.VerifySMSSandboxPhoneNumber(ctx, VerifySMSSandboxPhoneNumberInput{PhoneNumber: "+12065550101", OneTimePassword: "123456"})
			return err
		}, "ResourceNotFound"},
		{"a password that is not 5 to 8 digits", func() error {
			_, err := f.s.VerifySMSSandboxPhoneNumber(ctx, VerifySMSSandboxPhoneNumberInput{PhoneNumber: "+12065550101", OneTimePassword: "12ab"})
			return err
		}, "InvalidParameter"},
		{"deleting a number not in the sandbox", func() error {
			_, err := f.s.DeleteSMSSandboxPhoneNumber(ctx, DeleteSMSSandboxPhoneNumberInput{PhoneNumber: "+12065550101"})
			return err
		}, "ResourceNotFound"},
		{"MaxResults above 100", func() error {
			_, err := f.s.ListSMSSandboxPhoneNumbers(ctx, ListSMSSandboxPhoneNumbersInput{MaxResults: ptr(int32(101))})
			return err
		}, "InvalidParameter"},
		{"origination MaxResults above 30", func() error {
			_, err := f.s.ListOriginationNumbers(ctx, ListOriginationNumbersInput{MaxResults: ptr(int32(31))})
			return err
		}, "ValidationException"},
	} {
		t.Run(tc.name, func(t *testing.T) { requireCode(t, tc.call(), tc.code) })
	}
	list, err := f.s.ListSMSSandboxPhoneNumbers(ctx, ListSMSSandboxPhoneNumbersInput{})
	require.NoError(t, err)
	assert.Empty(t, list.PhoneNumbers, "a rejected call adds nothing")
	st, err := f.s.GetSMSSandboxAccountStatus(ctx, GetSMSSandboxAccountStatusInput{})
	require.NoError(t, err)
	assert.False(t, st.IsInSandbox, "out of the sandbox unless Options.SMSSandbox")
	_, err = f.s.Publish(ctx, PublishInput{PhoneNumber: "+12065550100", Message: "hi"})
	assert.NoError(t, err, "outside the sandbox any number takes SMS")
}

func TestSMSSandboxAndOriginationNumbersPage(t *testing.T) {
	created := t0.Add(-time.Hour)
	var orig []PhoneNumberInformation
	for i := range 35 {
		orig = append(orig, PhoneNumberInformation{CreatedAt: &created, PhoneNumber: fmt.Sprintf("+1800555%04d", i), Status: "ACTIVE", Iso2CountryCode: "US", RouteType: "Transactional", NumberCapabilities: []NumberCapability{"SMS"}})
	}
	f := newFixture(t, func(o *Options) { o.OriginationNumbers = orig })
	ctx := context.Background()
	for i := range 12 {
		_, err := f.s.CreateSMSSandboxPhoneNumber(ctx, CreateSMSSandboxPhoneNumberInput{PhoneNumber: fmt.Sprintf("+1206555%04d", i)})
		require.NoError(t, err)
	}
	p1, err := f.s.ListSMSSandboxPhoneNumbers(ctx, ListSMSSandboxPhoneNumbersInput{MaxResults: ptr(int32(5))})
	require.NoError(t, err)
	assert.Len(t, p1.PhoneNumbers, 5)
	assert.NotEmpty(t, p1.NextToken)
	assert.Equal(t, 12, count(t, f.s.ListSMSSandboxPhoneNumbersAll(ctx, ListSMSSandboxPhoneNumbersInput{MaxResults: ptr(int32(5))})))

	o1, err := f.s.ListOriginationNumbers(ctx, ListOriginationNumbersInput{})
	require.NoError(t, err)
	assert.Len(t, o1.PhoneNumbers, 30, "30 per page by default")
	assert.Equal(t, orig[0], o1.PhoneNumbers[0])
	assert.Equal(t, 35, count(t, f.s.ListOriginationNumbersAll(ctx, ListOriginationNumbersInput{})))
}
