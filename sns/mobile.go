package sns

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// SMS settings, the opt-out list, and mobile push (platform applications and
// their endpoints), with AWS's validation and error texts (recorded from AWS
// in 2025 by LocalStack's validated tests). Nothing leaves the process: a
// message published to a platform endpoint (directly with TargetArn, or
// through an "application" subscription) lands in the outbox, as SMS and
// e-mail do, unless the endpoint or its application is disabled. Platform
// credentials are accepted without being checked against the push services.

// ---- SMS attributes and the opt-out list ----

var (
	smsAttributeNames = []string{"MonthlySpendLimit", "DeliveryStatusIAMRole", "DeliveryStatusSuccessSamplingRate", "DefaultSenderID", "DefaultSMSType", "UsageReportS3Bucket"}
	senderIDRE        = regexp.MustCompile(`^[A-Za-z0-9]{1,11}$`)
	e164RE            = regexp.MustCompile(`^\+?[1-9][0-9]{1,14}$`)
)

// SetSMSAttributes sets the account's SMS preferences. AWS's answers: an
// unknown name is "<name> is not a valid attribute", a DefaultSMSType other
// than Promotional or Transactional "DefaultSMSType is invalid".
func (s *Service) SetSMSAttributes(ctx context.Context, in SetSMSAttributesInput) (*SetSMSAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "SetSMSAttributes"}, in, s.setSMSAttributes)
}

func (s *Service) setSMSAttributes(_ context.Context, _ *event.Call, in SetSMSAttributesInput) (*SetSMSAttributesOutput, error) {
	for _, k := range slices.Sorted(maps.Keys(in.Attributes)) {
		v := in.Attributes[k]
		if !slices.Contains(smsAttributeNames, k) {
			return nil, codeErr("InvalidParameter", 400, "%s is not a valid attribute", k)
		}
		switch k {
		case "DefaultSMSType":
			if v != "Promotional" && v != "Transactional" {
				return nil, codeErr("InvalidParameter", 400, "DefaultSMSType is invalid")
			}
		case "DefaultSenderID":
			// 1–11 letters and digits, at least one letter.
			if !senderIDRE.MatchString(v) || !strings.ContainsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
				return nil, codeErr("InvalidParameter", 400, "DefaultSenderID is invalid")
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.Copy(s.sms, in.Attributes)
	return &SetSMSAttributesOutput{}, nil
}

// GetSMSAttributes returns the account's SMS preferences; MonthlySpendLimit
// is "1" (USD) until set, as in a new account.
func (s *Service) GetSMSAttributes(ctx context.Context, in GetSMSAttributesInput) (*GetSMSAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetSMSAttributes", ReadOnly: true}, in, s.getSMSAttributes)
}

func (s *Service) getSMSAttributes(_ context.Context, _ *event.Call, in GetSMSAttributesInput) (*GetSMSAttributesOutput, error) {
	out := &GetSMSAttributesOutput{Attributes: map[string]string{}}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.sms {
		if len(in.Attributes) == 0 || slices.Contains(in.Attributes, k) {
			out.Attributes[k] = v
		}
	}
	return out, nil
}

// OptOutPhoneNumber puts a number on the account's opt-out list, as a
// recipient replying STOP does (not an AWS API; the application simulates
// the reply). SMS to an opted-out number are accepted and not delivered.
// It is journaled (localwatch:OptOutPhoneNumber) on an account with a DataDir.
func (s *Service) OptOutPhoneNumber(phoneNumber string) {
	_, _ = op.Do(s.unrecorded, &s.op, event.Call{Name: opOptOut}, optOutInput{PhoneNumber: phoneNumber}, s.optOutPhoneNumber)
}

// optOutInput is the journaled input of OptOutPhoneNumber.
type optOutInput struct{ PhoneNumber string }

func (s *Service) optOutPhoneNumber(_ context.Context, _ *event.Call, in optOutInput) (struct{}, error) {
	s.locked(func() { s.optedOut[in.PhoneNumber] = true })
	return struct{}{}, nil
}

// CheckIfPhoneNumberIsOptedOut reports whether a number is on the opt-out list.
func (s *Service) CheckIfPhoneNumberIsOptedOut(ctx context.Context, in CheckIfPhoneNumberIsOptedOutInput) (*CheckIfPhoneNumberIsOptedOutOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CheckIfPhoneNumberIsOptedOut", ReadOnly: true, Params: hiddenPhoneNumber}, in, s.checkIfPhoneNumberIsOptedOut)
}

// hiddenPhoneNumber is the requestParameters CloudTrail records for the calls
// that name a phone number: SNS hides the number.
func hiddenPhoneNumber() any { return map[string]any{"phoneNumber": hidden} }

// hidden replaces what SNS's CloudTrail records leave out (message bodies,
// subjects, phone numbers).
const hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

func (s *Service) checkIfPhoneNumberIsOptedOut(_ context.Context, _ *event.Call, in CheckIfPhoneNumberIsOptedOutInput) (*CheckIfPhoneNumberIsOptedOutOutput, error) {
	if !e164RE.MatchString(in.PhoneNumber) {
		return nil, invalidParam("PhoneNumber Reason: input incorrectly formatted")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return &CheckIfPhoneNumberIsOptedOutOutput{IsOptedOut: s.optedOut[in.PhoneNumber]}, nil
}

// OptInPhoneNumber takes a number off the opt-out list (AWS allows it once
// every 30 days; not modelled). A number not on the list succeeds.
func (s *Service) OptInPhoneNumber(ctx context.Context, in OptInPhoneNumberInput) (*OptInPhoneNumberOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "OptInPhoneNumber", Params: hiddenPhoneNumber}, in, s.optInPhoneNumber)
}

func (s *Service) optInPhoneNumber(_ context.Context, _ *event.Call, in OptInPhoneNumberInput) (*OptInPhoneNumberOutput, error) {
	if !e164RE.MatchString(in.PhoneNumber) {
		return nil, invalidParam("PhoneNumber Reason: input incorrectly formatted")
	}
	s.locked(func() { delete(s.optedOut, in.PhoneNumber) })
	return &OptInPhoneNumberOutput{}, nil
}

// ListPhoneNumbersOptedOut lists the opt-out list, 100 numbers per page, in
// order.
func (s *Service) ListPhoneNumbersOptedOut(ctx context.Context, in ListPhoneNumbersOptedOutInput) (*ListPhoneNumbersOptedOutOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListPhoneNumbersOptedOut", ReadOnly: true}, in, s.listPhoneNumbersOptedOut)
}

func (s *Service) listPhoneNumbersOptedOut(_ context.Context, _ *event.Call, in ListPhoneNumbersOptedOutInput) (*ListPhoneNumbersOptedOutOutput, error) {
	var all []string
	s.locked(func() { all = slices.Sorted(maps.Keys(s.optedOut)) })
	page, next, err := paginate(all, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &ListPhoneNumbersOptedOutOutput{PhoneNumbers: page, NextToken: next}
	if out.PhoneNumbers == nil {
		out.PhoneNumbers = []string{}
	}
	return out, nil
}

// ---- platform applications and endpoints ----

// Platforms a platform application may use.
var platforms = []string{"ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU", "GCM", "MACOS", "MACOS_SANDBOX", "MPNS", "WNS"}

var platformAppNameRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

type platformApp struct {
	arn       string
	attrs     map[string]string
	endpoints map[string]string // token -> endpoint ARN
}

type platformEndpoint struct {
	arn, app string
	attrs    map[string]string
}

// errNullAttributes is AWS's answer when the required Attributes map is
// missing or empty.
func errNullAttributes() error {
	return codeErr("ValidationError", 400, "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null")
}

// checkARN applies AWS's ARN shape check to a named parameter.
func checkARN(param, a string) error {
	if n := len(strings.Split(a, ":")); n < 6 {
		return invalidParam("%s Reason: An ARN must have at least 6 elements, not %d", param, n)
	}
	return nil
}

// CreatePlatformApplication creates a mobile push application
// (arn:aws:sns:<region>:<account>:app/<platform>/<name>).
func (s *Service) CreatePlatformApplication(ctx context.Context, in CreatePlatformApplicationInput) (*CreatePlatformApplicationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreatePlatformApplication"}, in, s.createPlatformApplication)
}

func (s *Service) createPlatformApplication(_ context.Context, c *event.Call, in CreatePlatformApplicationInput) (*CreatePlatformApplicationOutput, error) {
	switch {
	case in.Name == "":
		return nil, invalidParam(" Reason: cannot be empty")
	case len(in.Name) > 256:
		return nil, invalidParam("%s Reason: must be at most 256 characters long", in.Name)
	case !platformAppNameRE.MatchString(in.Name):
		return nil, invalidParam("%s Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'", in.Name)
	case !slices.Contains(platforms, in.Platform):
		return nil, invalidParam("Platform Reason: %s is not supported", in.Platform)
	case len(in.Attributes) == 0:
		return nil, errNullAttributes()
	}
	_, cred := in.Attributes["PlatformCredential"]
	_, princ := in.Attributes["PlatformPrincipal"]
	switch {
	case cred && !princ && in.Platform != "GCM":
		return nil, invalidParam("Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal")
	case princ && !cred:
		return nil, invalidParam("Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential")
	}
	a := arn.New("sns", s.op.Region, s.op.AccountID, "app/"+in.Platform+"/"+in.Name)
	attrs := map[string]string{"Enabled": "true"}
	for k, v := range in.Attributes {
		if k != "PlatformCredential" && k != "PlatformPrincipal" { // write-only secrets
			attrs[k] = v
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apps[a]; !ok {
		s.apps[a] = &platformApp{arn: a, attrs: attrs, endpoints: map[string]string{}}
	}
	c.ResponseElements = map[string]any{"platformApplicationArn": a}
	return &CreatePlatformApplicationOutput{PlatformApplicationArn: a}, nil
}

func (s *Service) appLocked(a string) (*platformApp, error) {
	if err := checkARN("PlatformApplicationArn", a); err != nil {
		return nil, err
	}
	app, ok := s.apps[a]
	if !ok {
		return nil, notFound("PlatformApplication")
	}
	return app, nil
}

// GetPlatformApplicationAttributes returns an application's attributes.
func (s *Service) GetPlatformApplicationAttributes(ctx context.Context, in GetPlatformApplicationAttributesInput) (*GetPlatformApplicationAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetPlatformApplicationAttributes", ReadOnly: true}, in, s.getPlatformApplicationAttributes)
}

func (s *Service) getPlatformApplicationAttributes(_ context.Context, _ *event.Call, in GetPlatformApplicationAttributesInput) (*GetPlatformApplicationAttributesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, err := s.appLocked(in.PlatformApplicationArn)
	if err != nil {
		return nil, err
	}
	return &GetPlatformApplicationAttributesOutput{Attributes: maps.Clone(app.attrs)}, nil
}

// SetPlatformApplicationAttributes sets attributes of an application.
func (s *Service) SetPlatformApplicationAttributes(ctx context.Context, in SetPlatformApplicationAttributesInput) (*SetPlatformApplicationAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "SetPlatformApplicationAttributes"}, in, s.setPlatformApplicationAttributes)
}

func (s *Service) setPlatformApplicationAttributes(_ context.Context, _ *event.Call, in SetPlatformApplicationAttributesInput) (*SetPlatformApplicationAttributesOutput, error) {
	if err := checkARN("PlatformApplicationArn", in.PlatformApplicationArn); err != nil {
		return nil, err
	}
	if len(in.Attributes) == 0 {
		return nil, errNullAttributes()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, err := s.appLocked(in.PlatformApplicationArn)
	if err != nil {
		return nil, err
	}
	for k, v := range in.Attributes {
		if k != "PlatformCredential" && k != "PlatformPrincipal" {
			app.attrs[k] = v
		}
	}
	return &SetPlatformApplicationAttributesOutput{}, nil
}

// DeletePlatformApplication deletes an application and its endpoints;
// deleting one that does not exist succeeds.
func (s *Service) DeletePlatformApplication(ctx context.Context, in DeletePlatformApplicationInput) (*DeletePlatformApplicationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeletePlatformApplication"}, in, s.deletePlatformApplication)
}

func (s *Service) deletePlatformApplication(_ context.Context, _ *event.Call, in DeletePlatformApplicationInput) (*DeletePlatformApplicationOutput, error) {
	if err := checkARN("PlatformApplicationArn", in.PlatformApplicationArn); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if app, ok := s.apps[in.PlatformApplicationArn]; ok {
		for _, e := range app.endpoints {
			delete(s.endpoints, e)
		}
		delete(s.apps, in.PlatformApplicationArn)
	}
	return &DeletePlatformApplicationOutput{}, nil
}

// ListPlatformApplications lists applications, 100 per page, in ARN order.
func (s *Service) ListPlatformApplications(ctx context.Context, in ListPlatformApplicationsInput) (*ListPlatformApplicationsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListPlatformApplications", ReadOnly: true}, in, s.listPlatformApplications)
}

func (s *Service) listPlatformApplications(_ context.Context, _ *event.Call, in ListPlatformApplicationsInput) (*ListPlatformApplicationsOutput, error) {
	var all []PlatformApplication
	s.locked(func() {
		for _, a := range slices.Sorted(maps.Keys(s.apps)) {
			all = append(all, PlatformApplication{PlatformApplicationArn: a, Attributes: maps.Clone(s.apps[a].attrs)})
		}
	})
	page, next, err := paginate(all, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &ListPlatformApplicationsOutput{PlatformApplications: page, NextToken: next}
	if out.PlatformApplications == nil {
		out.PlatformApplications = []PlatformApplication{}
	}
	return out, nil
}

var endpointAttrNames = []string{"CustomUserData", "Enabled", "Token"}

func validateEndpointAttrs(attrs map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		if !slices.Contains(endpointAttrNames, k) {
			return invalidParam("Attributes Reason: Invalid attribute name: %s", k)
		}
	}
	if len(attrs["CustomUserData"]) > 2048 {
		return invalidParam("Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding")
	}
	return nil
}

// CreatePlatformEndpoint registers a device token with an application and
// returns the endpoint's ARN (app/ becomes endpoint/, plus an ID). It is
// idempotent for the same token and attributes; the same token with other
// attributes fails as AWS's does.
func (s *Service) CreatePlatformEndpoint(ctx context.Context, in CreatePlatformEndpointInput) (*CreatePlatformEndpointOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreatePlatformEndpoint"}, in, s.createPlatformEndpoint)
}

func (s *Service) createPlatformEndpoint(_ context.Context, c *event.Call, in CreatePlatformEndpointInput) (*CreatePlatformEndpointOutput, error) {
	out, err := s.createPlatformEndpointCore(in)
	if err == nil {
		c.ResponseElements = map[string]any{"endpointArn": out.EndpointArn}
	}
	return out, err
}

func (s *Service) createPlatformEndpointCore(in CreatePlatformEndpointInput) (*CreatePlatformEndpointOutput, error) {
	if in.Token == "" {
		return nil, invalidParam("Token Reason: cannot be empty")
	}
	if err := validateEndpointAttrs(in.Attributes); err != nil {
		return nil, err
	}
	attrs := map[string]string{"Enabled": "true", "Token": in.Token}
	if in.CustomUserData != "" {
		attrs["CustomUserData"] = in.CustomUserData // the attribute, if given, wins
	}
	maps.Copy(attrs, in.Attributes)
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.apps[in.PlatformApplicationArn]
	if !ok {
		return nil, notFound("PlatformApplication")
	}
	if a, ok := app.endpoints[in.Token]; ok {
		if e := s.endpoints[a]; e != nil && !maps.Equal(e.attrs, attrs) {
			return nil, invalidParam("Token Reason: Endpoint %s already exists with the same Token, but different attributes.", a)
		}
		return &CreatePlatformEndpointOutput{EndpointArn: a}, nil
	}
	a := strings.Replace(app.arn, ":app/", ":endpoint/", 1) + "/" + s.op.IDs.UUID()
	s.endpoints[a] = &platformEndpoint{arn: a, app: app.arn, attrs: attrs}
	app.endpoints[in.Token] = a
	return &CreatePlatformEndpointOutput{EndpointArn: a}, nil
}

func (s *Service) endpointLocked(a string) (*platformEndpoint, error) {
	if p, err := arn.Parse(a); err != nil || strings.Count(p.Resource, "/") != 3 {
		if err := checkARN("EndpointArn", a); err != nil {
			return nil, err
		}
		return nil, invalidParam("EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.")
	}
	e, ok := s.endpoints[a]
	if !ok {
		return nil, notFound("Endpoint")
	}
	return e, nil
}

// GetEndpointAttributes returns an endpoint's attributes.
func (s *Service) GetEndpointAttributes(ctx context.Context, in GetEndpointAttributesInput) (*GetEndpointAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetEndpointAttributes", ReadOnly: true}, in, s.getEndpointAttributes)
}

func (s *Service) getEndpointAttributes(_ context.Context, _ *event.Call, in GetEndpointAttributesInput) (*GetEndpointAttributesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.endpointLocked(in.EndpointArn)
	if err != nil {
		return nil, err
	}
	return &GetEndpointAttributesOutput{Attributes: maps.Clone(e.attrs)}, nil
}

// SetEndpointAttributes sets an endpoint's CustomUserData, Enabled or Token.
func (s *Service) SetEndpointAttributes(ctx context.Context, in SetEndpointAttributesInput) (*SetEndpointAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "SetEndpointAttributes"}, in, s.setEndpointAttributes)
}

func (s *Service) setEndpointAttributes(_ context.Context, _ *event.Call, in SetEndpointAttributesInput) (*SetEndpointAttributesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.endpointLocked(in.EndpointArn)
	if err != nil {
		return nil, err
	}
	if len(in.Attributes) == 0 {
		return nil, errNullAttributes()
	}
	if err := validateEndpointAttrs(in.Attributes); err != nil {
		return nil, err
	}
	if tok, ok := in.Attributes["Token"]; ok && tok != e.attrs["Token"] {
		if app := s.apps[e.app]; app != nil {
			delete(app.endpoints, e.attrs["Token"])
			app.endpoints[tok] = e.arn
		}
	}
	maps.Copy(e.attrs, in.Attributes)
	return &SetEndpointAttributesOutput{}, nil
}

// DeleteEndpoint deletes an endpoint; deleting one that does not exist
// succeeds. Subscriptions to it stay (AWS keeps them too).
func (s *Service) DeleteEndpoint(ctx context.Context, in DeleteEndpointInput) (*DeleteEndpointOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteEndpoint"}, in, s.deleteEndpoint)
}

func (s *Service) deleteEndpoint(_ context.Context, _ *event.Call, in DeleteEndpointInput) (*DeleteEndpointOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.endpoints[in.EndpointArn]; ok {
		if app := s.apps[e.app]; app != nil {
			delete(app.endpoints, e.attrs["Token"])
		}
		delete(s.endpoints, in.EndpointArn)
	}
	return &DeleteEndpointOutput{}, nil
}

// ListEndpointsByPlatformApplication lists an application's endpoints, 100
// per page, in ARN order.
func (s *Service) ListEndpointsByPlatformApplication(ctx context.Context, in ListEndpointsByPlatformApplicationInput) (*ListEndpointsByPlatformApplicationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListEndpointsByPlatformApplication", ReadOnly: true}, in, s.listEndpointsByPlatformApplication)
}

func (s *Service) listEndpointsByPlatformApplication(_ context.Context, _ *event.Call, in ListEndpointsByPlatformApplicationInput) (*ListEndpointsByPlatformApplicationOutput, error) {
	var all []Endpoint
	var err error
	s.locked(func() {
		app, ok := s.apps[in.PlatformApplicationArn]
		if !ok {
			err = notFound("PlatformApplication")
			return
		}
		for _, a := range slices.Sorted(maps.Values(app.endpoints)) {
			all = append(all, Endpoint{EndpointArn: a, Attributes: maps.Clone(s.endpoints[a].attrs)})
		}
	})
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(all, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &ListEndpointsByPlatformApplicationOutput{Endpoints: page, NextToken: next}
	if out.Endpoints == nil {
		out.Endpoints = []Endpoint{}
	}
	return out, nil
}

// endpointUsable tells whether a subscription's platform endpoint can take a
// message: it must exist and it and its application be enabled. The failure
// is a client error (not retried; dead-lettered).
func (s *Service) endpointUsable(a string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.endpoints[a]
	switch {
	case !ok:
		return &clientError{"endpoint " + a + " does not exist"}
	case e.attrs["Enabled"] == "false":
		return &clientError{"Endpoint is disabled"}
	case s.apps[e.app] != nil && s.apps[e.app].attrs["Enabled"] == "false":
		return &clientError{"Platform application is disabled"}
	}
	return nil
}

// publishToEndpoint delivers a Publish with an endpoint TargetArn to the
// outbox: the message for the application's platform (MessageStructure json
// picks the platform's key, then "default").
func (s *Service) publishToEndpoint(in PublishInput) (*PublishOutput, error) {
	if in.Message == "" {
		return nil, invalidParam("Empty message")
	}
	var platform string
	s.mu.Lock()
	e, ok := s.endpoints[in.TargetArn]
	var app *platformApp
	if ok {
		app = s.apps[e.app]
	}
	var enabled, appEnabled bool
	if ok {
		enabled = e.attrs["Enabled"] != "false"
		appEnabled = app == nil || app.attrs["Enabled"] != "false"
		platform = strings.Split(strings.TrimPrefix(e.arn[strings.Index(e.arn, "endpoint/"):], "endpoint/"), "/")[0]
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return nil, notFound("Endpoint")
	case !appEnabled:
		return nil, codeErr("PlatformApplicationDisabled", 400, "Platform application is disabled")
	case !enabled:
		return nil, codeErr("EndpointDisabled", 400, "Endpoint is disabled")
	}
	body := in.Message
	if in.MessageStructure == "json" {
		m, err := validateMessage(&topic{}, in.Message, in.Subject, in.MessageStructure, "", "", in.MessageAttributes)
		if err != nil {
			return nil, err
		}
		body = (&pubMessage{message: m}).text(platform)
	}
	id := s.op.IDs.UUID()
	s.addOutbox(OutboxMessage{Time: s.op.Clock.Now(), Protocol: ProtocolApplication, Endpoint: in.TargetArn, MessageId: id, Type: TypeNotification, Body: body})
	return &PublishOutput{MessageId: id}, nil
}
