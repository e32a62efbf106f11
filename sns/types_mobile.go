package sns

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
type ListPhoneNumbersOptedOutInput struct {
	NextToken string
}

// ListPhoneNumbersOptedOutOutput is one page (up to 100) of opted-out numbers.
type ListPhoneNumbersOptedOutOutput struct {
	PhoneNumbers []string
	NextToken    string `json:",omitempty"`
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
