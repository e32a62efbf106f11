package sns

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strconv"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// The SMS sandbox and origination numbers. An AWS account starts in the SMS
// sandbox, where SMS may go only to destination numbers verified with a
// one-time password; localwatch's does only when Options.SMSSandbox is set
// (so that an application's SMS work without ceremony), and then Publish to
// an unverified number fails as AWS's does. CreateSMSSandboxPhoneNumber
// "sends" the one-time password as an SMS to the outbox, where a test reads
// it to call VerifySMSSandboxPhoneNumber. Origination numbers are
// provisioned outside SNS (AWS End User Messaging): ListOriginationNumbers
// lists Options.OriginationNumbers.

var (
	// sandboxPhoneRE is PhoneNumberString's pattern in the SNS model.
	sandboxPhoneRE = regexp.MustCompile(`^(\+[0-9]{8,}|[0-9]{0,9})$`)
	otpRE          = regexp.MustCompile(`^[0-9]{5,8}$`)
	languageCodes  = []LanguageCodeString{"en-US", "en-GB", "es-419", "es-ES", "de-DE", "fr-CA", "fr-FR", "it-IT", "ja-JP", "pt-BR", "kr-KR", "zh-CN", "zh-TW"}
)

// sandboxNumber is a destination number in the SMS sandbox.
type sandboxNumber struct {
	status SMSSandboxPhoneNumberVerificationStatus
	otp    string // while Pending
}

func checkSandboxPhone(n string) error {
	if n == "" || len(n) > 20 || !sandboxPhoneRE.MatchString(n) {
		return invalidParam("PhoneNumber Reason: %s is not a valid phone number", n)
	}
	return nil
}

// CreateSMSSandboxPhoneNumber adds a destination number to the SMS sandbox
// (Pending) and sends it a one-time password, which lands in the outbox as
// an SMS. Adding a pending number again sends a new password; a verified
// number stays verified. An opted-out number fails with OptedOut.
func (s *Service) CreateSMSSandboxPhoneNumber(ctx context.Context, in CreateSMSSandboxPhoneNumberInput) (*CreateSMSSandboxPhoneNumberOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreateSMSSandboxPhoneNumber", Params: hiddenPhoneNumber}, in, s.createSMSSandboxPhoneNumber)
}

func (s *Service) createSMSSandboxPhoneNumber(_ context.Context, _ *event.Call, in CreateSMSSandboxPhoneNumberInput) (*CreateSMSSandboxPhoneNumberOutput, error) {
	if err := checkSandboxPhone(in.PhoneNumber); err != nil {
		return nil, err
	}
	if in.LanguageCode != "" && !slices.Contains(languageCodes, in.LanguageCode) {
		return nil, invalidParam("LanguageCode Reason: %s is not a supported language code", in.LanguageCode)
	}
	s.mu.Lock()
	if s.optedOut[in.PhoneNumber] {
		s.mu.Unlock()
		return nil, codeErr("OptedOut", 400, "Phone number is opted out")
	}
	n := s.sandbox[in.PhoneNumber]
	if n == nil {
		n = &sandboxNumber{status: SMSSandboxPhoneNumberVerificationStatusPending}
		s.sandbox[in.PhoneNumber] = n
	}
	var otp string
	if n.status == SMSSandboxPhoneNumberVerificationStatusPending {
		otp = strconv.Itoa(100000 + s.op.IDs.IntN(900000))
		n.otp = otp
	}
	s.mu.Unlock()
	if otp != "" {
		s.addOutbox(OutboxMessage{Time: s.op.Clock.Now(), Protocol: ProtocolSMS, Endpoint: in.PhoneNumber, MessageId: s.op.IDs.UUID(), Type: TypeNotification,
			Body: "Your Amazon SNS verification code is: " + otp})
	}
	return &CreateSMSSandboxPhoneNumberOutput{}, nil
}

// VerifySMSSandboxPhoneNumber verifies a pending sandbox number with the
// one-time password sent to it. A wrong password fails with
// VerificationException and leaves the number pending.
func (s *Service) VerifySMSSandboxPhoneNumber(ctx context.Context, in VerifySMSSandboxPhoneNumberInput) (*VerifySMSSandboxPhoneNumberOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "VerifySMSSandboxPhoneNumber", Params: hiddenPhoneNumber}, in, s.verifySMSSandboxPhoneNumber)
}

func (s *Service) verifySMSSandboxPhoneNumber(_ context.Context, _ *event.Call, in VerifySMSSandboxPhoneNumberInput) (*VerifySMSSandboxPhoneNumberOutput, error) {
	if err := checkSandboxPhone(in.PhoneNumber); err != nil {
		return nil, err
	}
	if !otpRE.MatchString(in.OneTimePassword) {
		return nil, invalidParam("OneTimePassword Reason: must be 5 to 8 digits")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.sandbox[in.PhoneNumber]
	switch {
	case n == nil:
		return nil, codeErr("ResourceNotFound", 404, "Phone number does not exist in the sandbox")
	case n.status == SMSSandboxPhoneNumberVerificationStatusVerified:
		return &VerifySMSSandboxPhoneNumberOutput{}, nil
	case n.otp != in.OneTimePassword:
		return nil, codeErr("VerificationException", 400, "Invalid one-time password")
	}
	n.status, n.otp = SMSSandboxPhoneNumberVerificationStatusVerified, ""
	return &VerifySMSSandboxPhoneNumberOutput{}, nil
}

// DeleteSMSSandboxPhoneNumber removes a verified or pending number from the
// sandbox; one that is not there fails with ResourceNotFound.
func (s *Service) DeleteSMSSandboxPhoneNumber(ctx context.Context, in DeleteSMSSandboxPhoneNumberInput) (*DeleteSMSSandboxPhoneNumberOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteSMSSandboxPhoneNumber", Params: hiddenPhoneNumber}, in, s.deleteSMSSandboxPhoneNumber)
}

func (s *Service) deleteSMSSandboxPhoneNumber(_ context.Context, _ *event.Call, in DeleteSMSSandboxPhoneNumberInput) (*DeleteSMSSandboxPhoneNumberOutput, error) {
	if err := checkSandboxPhone(in.PhoneNumber); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sandbox[in.PhoneNumber] == nil {
		return nil, codeErr("ResourceNotFound", 404, "Phone number does not exist in the sandbox")
	}
	delete(s.sandbox, in.PhoneNumber)
	return &DeleteSMSSandboxPhoneNumberOutput{}, nil
}

// GetSMSSandboxAccountStatus reports whether the account is in the SMS
// sandbox (Options.SMSSandbox).
func (s *Service) GetSMSSandboxAccountStatus(ctx context.Context, in GetSMSSandboxAccountStatusInput) (*GetSMSSandboxAccountStatusOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetSMSSandboxAccountStatus", ReadOnly: true}, in, s.getSMSSandboxAccountStatus)
}

func (s *Service) getSMSSandboxAccountStatus(context.Context, *event.Call, GetSMSSandboxAccountStatusInput) (*GetSMSSandboxAccountStatusOutput, error) {
	return &GetSMSSandboxAccountStatusOutput{IsInSandbox: s.smsSandbox}, nil
}

// ListSMSSandboxPhoneNumbers lists the sandbox's numbers in order,
// MaxResults (1–100, default 100) per page.
func (s *Service) ListSMSSandboxPhoneNumbers(ctx context.Context, in ListSMSSandboxPhoneNumbersInput) (*ListSMSSandboxPhoneNumbersOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListSMSSandboxPhoneNumbers", ReadOnly: true}, in, s.listSMSSandboxPhoneNumbers)
}

func (s *Service) listSMSSandboxPhoneNumbers(_ context.Context, _ *event.Call, in ListSMSSandboxPhoneNumbersInput) (*ListSMSSandboxPhoneNumbersOutput, error) {
	size, err := maxResults(in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	var all []SMSSandboxPhoneNumber
	s.locked(func() {
		for _, p := range slices.Sorted(maps.Keys(s.sandbox)) {
			all = append(all, SMSSandboxPhoneNumber{PhoneNumber: p, Status: s.sandbox[p].status})
		}
	})
	page, next, err := paginateN(all, in.NextToken, size)
	if err != nil {
		return nil, err
	}
	return &ListSMSSandboxPhoneNumbersOutput{PhoneNumbers: append([]SMSSandboxPhoneNumber{}, page...), NextToken: next}, nil
}

// ListOriginationNumbers lists the account's origination numbers
// (Options.OriginationNumbers), MaxResults (1–30, default 30) per page.
func (s *Service) ListOriginationNumbers(ctx context.Context, in ListOriginationNumbersInput) (*ListOriginationNumbersOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListOriginationNumbers", ReadOnly: true}, in, s.listOriginationNumbers)
}

func (s *Service) listOriginationNumbers(_ context.Context, _ *event.Call, in ListOriginationNumbersInput) (*ListOriginationNumbersOutput, error) {
	size, err := maxResults(in.MaxResults, 30)
	if err != nil {
		bound := "less than or equal to 30"
		if *in.MaxResults < 1 {
			bound = "greater than or equal to 1"
		}
		return nil, codeErr("ValidationException", 400, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value %s", *in.MaxResults, bound)
	}
	page, next, err := paginateN(s.origination, in.NextToken, size)
	if err != nil {
		return nil, err
	}
	return &ListOriginationNumbersOutput{PhoneNumbers: slices.Clone(page), NextToken: next}, nil
}

// maxResults applies an optional page size limited to 1–limit.
func maxResults(n *int32, limit int) (int, error) {
	if n == nil {
		return limit, nil
	}
	if *n < 1 || int(*n) > limit {
		return 0, invalidParam("MaxResults Reason: must be between 1 and %d", limit)
	}
	return int(*n), nil
}

// sandboxAllows reports whether an SMS may go to number: always outside the
// sandbox, and to verified numbers inside it.
func (s *Service) sandboxAllows(number string) bool {
	if !s.smsSandbox {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.sandbox[number]
	return n != nil && n.status == SMSSandboxPhoneNumberVerificationStatusVerified
}
