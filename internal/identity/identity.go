// Package identity carries the caller of an operation in a context.Context, so
// that CloudTrail can record who did what. Its fields follow CloudTrail's
// userIdentity element.
package identity

import (
	"context"
	"time"
)

// Identity is the principal making a request, shaped like CloudTrail's
// userIdentity, plus the request's network origin.
type Identity struct {
	// Type is Root, IAMUser, AssumedRole, FederatedUser, AWSAccount, AWSService,
	// IdentityCenterUser or Unknown.
	Type string `json:"type,omitempty"`
	// PrincipalID is the unique ID of the principal.
	PrincipalID string `json:"principalId,omitempty"`
	// ARN is the principal's ARN.
	ARN string `json:"arn,omitempty"`
	// AccountID is the account that owns the principal.
	AccountID string `json:"accountId,omitempty"`
	// AccessKeyID is the access key the request was signed with.
	AccessKeyID string `json:"accessKeyId,omitempty"`
	// UserName is the friendly name (IAMUser, Root aliases).
	UserName string `json:"userName,omitempty"`
	// InvokedBy names the AWS service that made the request on the principal's
	// behalf (e.g. "cloudtrail.amazonaws.com").
	InvokedBy string `json:"invokedBy,omitempty"`
	// SessionIssuer describes the role an AssumedRole session came from.
	SessionIssuer *SessionIssuer `json:"-"`
	// MFAAuthenticated tells whether the session used MFA.
	MFAAuthenticated bool `json:"-"`
	// SessionCreated is when the temporary credentials of an AssumedRole or
	// FederatedUser session were issued (sessionContext.attributes.creationDate);
	// zero leaves creationDate out of CloudTrail records.
	SessionCreated time.Time `json:"-"`
	// SourceIPAddress is the request's source IP, or a service's DNS name for
	// requests made by AWS services.
	SourceIPAddress string `json:"-"`
	// UserAgent is the client's user agent.
	UserAgent string `json:"-"`
}

// SessionIssuer is the issuer of temporary credentials (CloudTrail's
// sessionContext.sessionIssuer).
type SessionIssuer struct {
	Type        string `json:"type,omitempty"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	UserName    string `json:"userName,omitempty"`
}

type key struct{}

// With returns a context that carries id.
func With(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// From returns the identity ctx carries and whether it carries one.
func From(ctx context.Context) (Identity, bool) {
	if ctx == nil {
		return Identity{}, false
	}
	id, ok := ctx.Value(key{}).(Identity)
	return id, ok
}

// Root returns the root identity of account, as CloudTrail records it.
func Root(account string) Identity {
	return Identity{
		Type:        "Root",
		PrincipalID: account,
		ARN:         "arn:aws:iam::" + account + ":root",
		AccountID:   account,
	}
}

// IAMUser returns an IAM user identity of account.
func IAMUser(account, name, accessKeyID string) Identity {
	return Identity{
		Type:        "IAMUser",
		PrincipalID: "AIDA" + principalSuffix(account+name),
		ARN:         "arn:aws:iam::" + account + ":user/" + name,
		AccountID:   account,
		AccessKeyID: accessKeyID,
		UserName:    name,
	}
}

// AssumedRole returns the identity of a session of role roleName of account
// (temporary credentials from sts:AssumeRole), with its session issuer, as
// CloudTrail records it. Set SessionCreated to when the credentials were
// issued for records to carry sessionContext.attributes.creationDate.
func AssumedRole(account, roleName, sessionName, accessKeyID string) Identity {
	roleID := "AROA" + principalSuffix(account+"role/"+roleName)
	return Identity{
		Type:        "AssumedRole",
		PrincipalID: roleID + ":" + sessionName,
		ARN:         "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName,
		AccountID:   account,
		AccessKeyID: accessKeyID,
		SessionIssuer: &SessionIssuer{Type: "Role", PrincipalID: roleID,
			ARN: "arn:aws:iam::" + account + ":role/" + roleName, AccountID: account, UserName: roleName},
	}
}

// Service returns the identity AWS records for a request an AWS service makes
// itself (type AWSService, invokedBy and source the service's host name).
func Service(host string) Identity {
	return Identity{Type: "AWSService", InvokedBy: host, SourceIPAddress: host, UserAgent: host}
}

// principalSuffix derives a stable 17-character upper-case suffix from s.
func principalSuffix(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	out := make([]byte, 17)
	for i := range out {
		out[i] = alphabet[h%32]
		h = h/32 ^ (h << 7) ^ uint64(i)
	}
	return string(out)
}
