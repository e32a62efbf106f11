package trail

import (
	"encoding/json"
	"time"
)

// EventVersion is the eventVersion of the records this package writes: the
// current CloudTrail record version (the live record-contents page says 1.11).
const EventVersion = "1.11"

// TimeFormat is how CloudTrail formats eventTime and the digest timestamps:
// UTC, whole seconds, no fraction.
const TimeFormat = "2006-01-02T15:04:05Z"

// EventType is a record's eventType.
type EventType string

// The eventType values CloudTrail writes.
const (
	EventTypeAPICall       EventType = "AwsApiCall"
	EventTypeServiceEvent  EventType = "AwsServiceEvent"
	EventTypeConsoleAction EventType = "AwsConsoleAction"
	EventTypeConsoleSignIn EventType = "AwsConsoleSignIn"
	EventTypeInsight       EventType = "AwsCloudTrailInsight"
)

// EventCategory is a record's eventCategory.
type EventCategory string

// The eventCategory values.
const (
	CategoryManagement      EventCategory = "Management"
	CategoryData            EventCategory = "Data"
	CategoryInsight         EventCategory = "Insight"
	CategoryNetworkActivity EventCategory = "NetworkActivity"
)

// Record is one CloudTrail event record, field for field as CloudTrail writes
// it in log files and in LookupEvents' CloudTrailEvent string. It marshals to
// and unmarshals from AWS's JSON (camelCase keys; resources use "ARN").
//
// EventTime is marshaled by encoding/json (RFC 3339); records this package
// makes are UTC and truncated to the second, so they print in AWS's
// "2006-01-02T15:04:05Z" form. RequestParameters, ResponseElements and the
// other free-form elements hold whatever the producer gave (marshaled when the
// record is written); decoding keeps them as json.RawMessage so a record read
// from an AWS file re-encodes without loss. Records are shared, immutable
// values once recorded: do not modify a Record or its elements afterwards.
type Record struct {
	EventVersion        string        `json:"eventVersion"`
	UserIdentity        *UserIdentity `json:"userIdentity,omitempty"`
	EventTime           time.Time     `json:"eventTime"`
	EventSource         string        `json:"eventSource,omitempty"`
	EventName           string        `json:"eventName,omitempty"`
	AWSRegion           string        `json:"awsRegion"`
	SourceIPAddress     string        `json:"sourceIPAddress,omitempty"`
	UserAgent           string        `json:"userAgent,omitempty"`
	ErrorCode           string        `json:"errorCode,omitempty"`
	ErrorMessage        string        `json:"errorMessage,omitempty"`
	RequestParameters   any           `json:"requestParameters"`
	ResponseElements    any           `json:"responseElements"`
	AdditionalEventData any           `json:"additionalEventData,omitempty"`
	RequestID           string        `json:"requestID,omitempty"`
	EventID             string        `json:"eventID,omitempty"`
	ReadOnly            *bool         `json:"readOnly,omitempty"`
	Resources           []Resource    `json:"resources,omitempty"`
	EventType           EventType     `json:"eventType,omitempty"`
	APIVersion          string        `json:"apiVersion,omitempty"`
	ManagementEvent     *bool         `json:"managementEvent,omitempty"`
	RecipientAccountID  string        `json:"recipientAccountId,omitempty"`
	ServiceEventDetails any           `json:"serviceEventDetails,omitempty"`
	SharedEventID       string        `json:"sharedEventID,omitempty"`
	VPCEndpointID       string        `json:"vpcEndpointId,omitempty"`
	// VPCEndpointAccountID is the account owning the VPC endpoint (network
	// activity events).
	VPCEndpointAccountID string        `json:"vpcEndpointAccountId,omitempty"`
	EventCategory        EventCategory `json:"eventCategory,omitempty"`
	Addendum             *Addendum     `json:"addendum,omitempty"`
	// SessionCredentialFromConsole is "true" when present (CloudTrail writes
	// the string, and omits the field otherwise).
	SessionCredentialFromConsole string      `json:"sessionCredentialFromConsole,omitempty"`
	EdgeDeviceDetails            any         `json:"edgeDeviceDetails,omitempty"`
	TLSDetails                   *TLSDetails `json:"tlsDetails,omitempty"`
	InsightDetails               any         `json:"insightDetails,omitempty"`
}

// UserIdentity is a record's userIdentity element.
type UserIdentity struct {
	// Type is Root, IAMUser, AssumedRole, Role, FederatedUser, Directory,
	// AWSAccount, AWSService, IdentityCenterUser, SAMLUser, WebIdentityUser or
	// Unknown.
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	// AccessKeyID is omitted from the JSON when empty, except where AWS
	// writes "accessKeyId": "": in console sign-in records (RecordEvent sets
	// this up) and in decoded records that had it.
	AccessKeyID      string          `json:"accessKeyId,omitempty"`
	UserName         string          `json:"userName,omitempty"`
	SessionContext   *SessionContext `json:"sessionContext,omitempty"`
	InvokedBy        string          `json:"invokedBy,omitempty"`
	IdentityProvider string          `json:"identityProvider,omitempty"`
	CredentialID     string          `json:"credentialId,omitempty"`
	OnBehalfOf       *OnBehalfOf     `json:"onBehalfOf,omitempty"`

	// emptyKey: the JSON carries "accessKeyId": "" when AccessKeyID is empty.
	emptyKey bool
}

// userIdentityJSON is UserIdentity's wire form, with accessKeyId a pointer so
// that an empty value can be present.
type userIdentityJSON struct {
	Type             string          `json:"type"`
	PrincipalID      string          `json:"principalId,omitempty"`
	ARN              string          `json:"arn,omitempty"`
	AccountID        string          `json:"accountId,omitempty"`
	AccessKeyID      *string         `json:"accessKeyId,omitempty"`
	UserName         string          `json:"userName,omitempty"`
	SessionContext   *SessionContext `json:"sessionContext,omitempty"`
	InvokedBy        string          `json:"invokedBy,omitempty"`
	IdentityProvider string          `json:"identityProvider,omitempty"`
	CredentialID     string          `json:"credentialId,omitempty"`
	OnBehalfOf       *OnBehalfOf     `json:"onBehalfOf,omitempty"`
}

// MarshalJSON writes AWS's userIdentity element.
func (u UserIdentity) MarshalJSON() ([]byte, error) {
	var w userIdentityJSON
	w.set(&u)
	return json.Marshal(&w)
}

// set fills w from u (w then points into u).
func (w *userIdentityJSON) set(u *UserIdentity) {
	*w = userIdentityJSON{Type: u.Type, PrincipalID: u.PrincipalID, ARN: u.ARN, AccountID: u.AccountID,
		UserName: u.UserName, SessionContext: u.SessionContext, InvokedBy: u.InvokedBy,
		IdentityProvider: u.IdentityProvider, CredentialID: u.CredentialID, OnBehalfOf: u.OnBehalfOf}
	if u.AccessKeyID != "" || u.emptyKey {
		w.AccessKeyID = &u.AccessKeyID
	}
}

// recordJSON is how this package encodes a Record in log files and
// LookupEvents: the same JSON as json.Marshal(record), but the userIdentity
// is encoded from its wire form directly rather than through
// UserIdentity.MarshalJSON, whose output encoding/json would scan again (a
// third of the cost of a log file). The depth-0 fields hide the embedded
// Record's eventVersion and userIdentity and keep AWS's key order. A
// recordJSON is reused from record to record without allocating.
type recordJSON struct {
	EventVersion string            `json:"eventVersion"`
	UserIdentity *userIdentityJSON `json:"userIdentity,omitempty"`
	*Record
	ui userIdentityJSON
}

// set points w at r.
func (w *recordJSON) set(r *Record) {
	w.Record, w.EventVersion, w.UserIdentity = r, r.EventVersion, nil
	if r.UserIdentity != nil {
		w.ui.set(r.UserIdentity)
		w.UserIdentity = &w.ui
	}
}

// UnmarshalJSON reads AWS's userIdentity element, remembering an empty
// accessKeyId so that the record re-encodes as it was.
func (u *UserIdentity) UnmarshalJSON(b []byte) error {
	var w userIdentityJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*u = UserIdentity{Type: w.Type, PrincipalID: w.PrincipalID, ARN: w.ARN, AccountID: w.AccountID,
		UserName: w.UserName, SessionContext: w.SessionContext, InvokedBy: w.InvokedBy,
		IdentityProvider: w.IdentityProvider, CredentialID: w.CredentialID, OnBehalfOf: w.OnBehalfOf}
	if w.AccessKeyID != nil {
		u.AccessKeyID, u.emptyKey = *w.AccessKeyID, *w.AccessKeyID == ""
	}
	return nil
}

// SessionContext describes temporary credentials (userIdentity.sessionContext).
type SessionContext struct {
	SessionIssuer       *SessionIssuer       `json:"sessionIssuer,omitempty"`
	WebIDFederationData *WebIDFederationData `json:"webIdFederationData,omitempty"`
	Attributes          *SessionAttributes   `json:"attributes,omitempty"`
	SourceIdentity      string               `json:"sourceIdentity,omitempty"`
	EC2RoleDelivery     string               `json:"ec2RoleDelivery,omitempty"`
	AssumedRoot         string               `json:"assumedRoot,omitempty"`
}

// SessionIssuer is sessionContext.sessionIssuer.
type SessionIssuer struct {
	Type        string `json:"type,omitempty"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	UserName    string `json:"userName,omitempty"`
}

// WebIDFederationData is sessionContext.webIdFederationData.
type WebIDFederationData struct {
	FederatedProvider string            `json:"federatedProvider,omitempty"`
	Attributes        map[string]string `json:"attributes,omitempty"`
}

// SessionAttributes is sessionContext.attributes. Both values are strings in
// CloudTrail's JSON (mfaAuthenticated is "true" or "false").
type SessionAttributes struct {
	CreationDate     string `json:"creationDate,omitempty"`
	MFAAuthenticated string `json:"mfaAuthenticated,omitempty"`
}

// OnBehalfOf is userIdentity.onBehalfOf (IAM Identity Center users).
type OnBehalfOf struct {
	UserID           string `json:"userId,omitempty"`
	IdentityStoreARN string `json:"identityStoreArn,omitempty"`
}

// Resource is an element of a record's resources list.
type Resource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type,omitempty"`
	ARN       string `json:"ARN,omitempty"`
}

// Addendum marks a record delivered late or updated.
type Addendum struct {
	// Reason is DELIVERY_DELAY, UPDATED_DATA or SERVICE_OUTAGE.
	Reason            string `json:"reason,omitempty"`
	UpdatedFields     string `json:"updatedFields,omitempty"`
	OriginalRequestID string `json:"originalRequestID,omitempty"`
	OriginalEventID   string `json:"originalEventID,omitempty"`
}

// TLSDetails is a record's tlsDetails element.
type TLSDetails struct {
	TLSVersion               string `json:"tlsVersion,omitempty"`
	CipherSuite              string `json:"cipherSuite,omitempty"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader,omitempty"`
}

// UnmarshalJSON decodes an AWS record, keeping the free-form elements
// (requestParameters, responseElements, additionalEventData,
// serviceEventDetails, edgeDeviceDetails, insightDetails) as json.RawMessage
// so that re-encoding reproduces them exactly.
func (r *Record) UnmarshalJSON(b []byte) error {
	type plain Record
	aux := struct {
		*plain
		RequestParameters   json.RawMessage `json:"requestParameters"`
		ResponseElements    json.RawMessage `json:"responseElements"`
		AdditionalEventData json.RawMessage `json:"additionalEventData"`
		ServiceEventDetails json.RawMessage `json:"serviceEventDetails"`
		EdgeDeviceDetails   json.RawMessage `json:"edgeDeviceDetails"`
		InsightDetails      json.RawMessage `json:"insightDetails"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	r.RequestParameters = rawOrNil(aux.RequestParameters)
	r.ResponseElements = rawOrNil(aux.ResponseElements)
	r.AdditionalEventData = rawOrNil(aux.AdditionalEventData)
	r.ServiceEventDetails = rawOrNil(aux.ServiceEventDetails)
	r.EdgeDeviceDetails = rawOrNil(aux.EdgeDeviceDetails)
	r.InsightDetails = rawOrNil(aux.InsightDetails)
	return nil
}

func rawOrNil(m json.RawMessage) any {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	return m
}

// boolPtr returns a pointer to a shared true or false (records are immutable).
func boolPtr(v bool) *bool {
	if v {
		return &trueVal
	}
	return &falseVal
}

var trueVal, falseVal = true, false
