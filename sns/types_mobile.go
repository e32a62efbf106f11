package sns

import "time"

// Inputs and outputs of the SMS and mobile push operations (mobile.go).

// SetSMSAttributesInput is the input of SetSMSAttributes.
type SetSMSAttributesInput struct {
	// Attributes: MonthlySpendLimit, DeliveryStatusIAMRole,
	// DeliveryStatusSuccessSamplingRate, DefaultSenderID, DefaultSMSType
	// (Promotional or Transactional), UsageReportS3Bucket.
	Attributes map[string]string
}

// SetSMSAttributesOutput is the (empty) output of SetSMSAttributes.
type SetSMSAttributesOutput struct{}

// GetSMSAttributesInput is the input of GetSMSAttributes; no Attributes means
// all.
type GetSMSAttributesInput struct {
	Attributes []string
}

// GetSMSAttributesOutput is the output of GetSMSAttributes.
type GetSMSAttributesOutput struct {
	Attributes map[string]string
}

// CheckIfPhoneNumberIsOptedOutInput is the input of CheckIfPhoneNumberIsOptedOut.
type CheckIfPhoneNumberIsOptedOutInput struct {
	PhoneNumber string
}

// CheckIfPhoneNumberIsOptedOutOutput is the output of CheckIfPhoneNumberIsOptedOut.
type CheckIfPhoneNumberIsOptedOutOutput struct {
	IsOptedOut bool
}

// OptInPhoneNumberInput is the input of OptInPhoneNumber.
type OptInPhoneNumberInput struct {
	PhoneNumber string
}

// OptInPhoneNumberOutput is the (empty) output of OptInPhoneNumber.
type OptInPhoneNumberOutput struct{}

// ListPhoneNumbersOptedOutInput is the input of ListPhoneNumbersOptedOut.
// Its members are lower camel case on the wire, as in AWS's model.
type ListPhoneNumbersOptedOutInput struct {
	NextToken string `json:"nextToken"`
}

// ListPhoneNumbersOptedOutOutput is one page (up to 100) of opted-out numbers.
type ListPhoneNumbersOptedOutOutput struct {
	PhoneNumbers []string `json:"phoneNumbers"`
	NextToken    string   `json:"nextToken,omitempty"`
}

// PlatformApplication is one entry of ListPlatformApplications.
type PlatformApplication struct {
	PlatformApplicationArn string
	Attributes             map[string]string
}

// CreatePlatformApplicationInput is the input of CreatePlatformApplication.
type CreatePlatformApplicationInput struct {
	Name     string
	Platform string
	// Attributes: PlatformCredential and PlatformPrincipal (together),
	// EventEndpointCreated/Deleted/Updated, EventDeliveryFailure,
	// SuccessFeedbackRoleArn, FailureFeedbackRoleArn,
	// SuccessFeedbackSampleRate, ApplePlatformTeamID, ApplePlatformBundleID.
	// CloudTrail does not record them (they hold the platform credentials).
	Attributes map[string]string `cloudtrail:"-"`
}

// CreatePlatformApplicationOutput is the output of CreatePlatformApplication.
type CreatePlatformApplicationOutput struct {
	PlatformApplicationArn string
}

// GetPlatformApplicationAttributesInput is the input of GetPlatformApplicationAttributes.
type GetPlatformApplicationAttributesInput struct {
	PlatformApplicationArn string
}

// GetPlatformApplicationAttributesOutput is the output of GetPlatformApplicationAttributes.
type GetPlatformApplicationAttributesOutput struct {
	Attributes map[string]string
}

// DeletePlatformApplicationInput is the input of DeletePlatformApplication.
type DeletePlatformApplicationInput struct {
	PlatformApplicationArn string
}

// SetPlatformApplicationAttributesInput is the input of SetPlatformApplicationAttributes.
type SetPlatformApplicationAttributesInput struct {
	PlatformApplicationArn string
	// Attributes, as for CreatePlatformApplication; not recorded by CloudTrail.
	Attributes map[string]string `cloudtrail:"-"`
}

// ListPlatformApplicationsInput is the input of ListPlatformApplications.
type ListPlatformApplicationsInput struct {
	NextToken string
}

// ListPlatformApplicationsOutput is one page (up to 100) of applications.
type ListPlatformApplicationsOutput struct {
	PlatformApplications []PlatformApplication
	NextToken            string `json:",omitempty"`
}

// CreatePlatformEndpointInput is the input of CreatePlatformEndpoint.
type CreatePlatformEndpointInput struct {
	PlatformApplicationArn string
	// Token is the device token (or registration ID) of the app on the device.
	// CloudTrail records none of Token, CustomUserData and Attributes.
	Token          string `cloudtrail:"-"`
	CustomUserData string `cloudtrail:"-"`
	// Attributes: CustomUserData, Enabled, Token.
	Attributes map[string]string `cloudtrail:"-"`
}

// CreatePlatformEndpointOutput is the output of CreatePlatformEndpoint.
type CreatePlatformEndpointOutput struct {
	EndpointArn string
}

// GetEndpointAttributesInput is the input of GetEndpointAttributes.
type GetEndpointAttributesInput struct {
	EndpointArn string
}

// GetEndpointAttributesOutput is the output of GetEndpointAttributes.
type GetEndpointAttributesOutput struct {
	Attributes map[string]string
}

// DeleteEndpointInput is the input of DeleteEndpoint.
type DeleteEndpointInput struct {
	EndpointArn string
}

// SetEndpointAttributesInput is the input of SetEndpointAttributes.
type SetEndpointAttributesInput struct {
	EndpointArn string
	// Attributes: CustomUserData, Enabled, Token; not recorded by CloudTrail.
	Attributes map[string]string `cloudtrail:"-"`
}

// Endpoint is one entry of ListEndpointsByPlatformApplication.
type Endpoint struct {
	EndpointArn string
	Attributes  map[string]string
}

// ListEndpointsByPlatformApplicationInput is the input of ListEndpointsByPlatformApplication.
type ListEndpointsByPlatformApplicationInput struct {
	PlatformApplicationArn string
	NextToken              string
}

// ListEndpointsByPlatformApplicationOutput is one page (up to 100) of endpoints.
type ListEndpointsByPlatformApplicationOutput struct {
	Endpoints []Endpoint
	NextToken string `json:",omitempty"`
}

// SetPlatformApplicationAttributesOutput is the (empty) output of SetPlatformApplicationAttributes.
type SetPlatformApplicationAttributesOutput struct{}

// DeletePlatformApplicationOutput is the (empty) output of DeletePlatformApplication.
type DeletePlatformApplicationOutput struct{}

// SetEndpointAttributesOutput is the (empty) output of SetEndpointAttributes.
type SetEndpointAttributesOutput struct{}

// DeleteEndpointOutput is the (empty) output of DeleteEndpoint.
type DeleteEndpointOutput struct{}

// ---- the SMS sandbox and origination numbers (sandbox.go) ----

// LanguageCodeString is the language of the one-time password SMS.
type LanguageCodeString string

// SMSSandboxPhoneNumberVerificationStatus is a sandbox number's status.
type SMSSandboxPhoneNumberVerificationStatus string

// The statuses of a sandbox number.
const (
	SMSSandboxPhoneNumberVerificationStatusPending  SMSSandboxPhoneNumberVerificationStatus = "Pending"
	SMSSandboxPhoneNumberVerificationStatusVerified SMSSandboxPhoneNumberVerificationStatus = "Verified"
)

// CreateSMSSandboxPhoneNumberInput is the input of CreateSMSSandboxPhoneNumber.
type CreateSMSSandboxPhoneNumberInput struct {
	// PhoneNumber in E.164 form ("+12065550100").
	PhoneNumber string
	// LanguageCode of the one-time password message (en-US, en-GB, es-419,
	// es-ES, de-DE, fr-CA, fr-FR, it-IT, ja-JP, pt-BR, kr-KR, zh-CN, zh-TW).
	LanguageCode LanguageCodeString
}

// CreateSMSSandboxPhoneNumberOutput is the (empty) output of CreateSMSSandboxPhoneNumber.
type CreateSMSSandboxPhoneNumberOutput struct{}

// VerifySMSSandboxPhoneNumberInput is the input of VerifySMSSandboxPhoneNumber.
type VerifySMSSandboxPhoneNumberInput struct {
	PhoneNumber string
	// OneTimePassword is the code sent to the number (5–8 digits).
	OneTimePassword string `cloudtrail:"-"`
}

// VerifySMSSandboxPhoneNumberOutput is the (empty) output of VerifySMSSandboxPhoneNumber.
type VerifySMSSandboxPhoneNumberOutput struct{}

// DeleteSMSSandboxPhoneNumberInput is the input of DeleteSMSSandboxPhoneNumber.
type DeleteSMSSandboxPhoneNumberInput struct {
	PhoneNumber string
}

// DeleteSMSSandboxPhoneNumberOutput is the (empty) output of DeleteSMSSandboxPhoneNumber.
type DeleteSMSSandboxPhoneNumberOutput struct{}

// GetSMSSandboxAccountStatusInput is the (empty) input of GetSMSSandboxAccountStatus.
type GetSMSSandboxAccountStatusInput struct{}

// GetSMSSandboxAccountStatusOutput is the output of GetSMSSandboxAccountStatus.
type GetSMSSandboxAccountStatusOutput struct {
	IsInSandbox bool
}

// ListSMSSandboxPhoneNumbersInput is the input of ListSMSSandboxPhoneNumbers.
type ListSMSSandboxPhoneNumbersInput struct {
	NextToken string
	// MaxResults is the page size, 1–100 (default 100).
	MaxResults *int32
}

// SMSSandboxPhoneNumber is one entry of ListSMSSandboxPhoneNumbers.
type SMSSandboxPhoneNumber struct {
	PhoneNumber string
	Status      SMSSandboxPhoneNumberVerificationStatus
}

// ListSMSSandboxPhoneNumbersOutput is one page of ListSMSSandboxPhoneNumbers.
type ListSMSSandboxPhoneNumbersOutput struct {
	PhoneNumbers []SMSSandboxPhoneNumber
	NextToken    string `json:",omitempty"`
}

// ListOriginationNumbersInput is the input of ListOriginationNumbers.
type ListOriginationNumbersInput struct {
	NextToken string
	// MaxResults is the page size, 1–30 (default 30).
	MaxResults *int32
}

// ListOriginationNumbersOutput is one page of ListOriginationNumbers.
type ListOriginationNumbersOutput struct {
	PhoneNumbers []PhoneNumberInformation
	NextToken    string `json:",omitempty"`
}

// RouteType is an origination number's route.
type RouteType string

// NumberCapability is what an origination number can do: SMS, MMS, VOICE.
type NumberCapability string

// PhoneNumberInformation is one origination number (ListOriginationNumbers).
type PhoneNumberInformation struct {
	CreatedAt          *time.Time
	PhoneNumber        string
	Status             string
	Iso2CountryCode    string
	RouteType          RouteType
	NumberCapabilities []NumberCapability
}
