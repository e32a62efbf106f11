package sns

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// The message types of the HTTP/S body and its x-amz-sns-message-type header.
const (
	TypeNotification             = "Notification"
	TypeSubscriptionConfirmation = "SubscriptionConfirmation"
	TypeUnsubscribeConfirmation  = "UnsubscribeConfirmation"
)

// Envelope is the JSON document SNS delivers to HTTP/S endpoints, SQS queues
// (without raw delivery) and email-json addresses, and the payload of the
// SubscriptionConfirmation and UnsubscribeConfirmation messages. Empty fields
// are omitted (Subject when the message had none).
type Envelope struct {
	Type              string
	MessageId         string
	Token             string
	SequenceNumber    string
	TopicArn          string
	Subject           string
	Message           string
	SubscribeURL      string
	Timestamp         string
	SignatureVersion  string
	Signature         string
	SigningCertURL    string
	UnsubscribeURL    string
	MessageAttributes map[string]EnvelopeAttribute
}

// EnvelopeAttribute is a message attribute in an envelope: Type is the
// DataType, Value the string value (Binary values base64-encoded).
type EnvelopeAttribute struct {
	Type  string
	Value string
}

// MarshalJSON writes the envelope exactly as SNS does: AWS's key order, two-space
// indentation and `"Key" : "value"` spacing.
func (e *Envelope) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	first := true
	field := func(k, v string) {
		if v == "" {
			return
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		b.WriteString("  ")
		b.Write(jsonString(k))
		b.WriteString(" : ")
		b.Write(jsonString(v))
	}
	b.WriteString("{\n")
	field("Type", e.Type)
	field("MessageId", e.MessageId)
	if e.Type == TypeNotification {
		field("SequenceNumber", e.SequenceNumber)
		field("TopicArn", e.TopicArn)
		field("Subject", e.Subject)
		field("Message", e.Message)
		field("Timestamp", e.Timestamp)
		field("SignatureVersion", e.SignatureVersion)
		field("Signature", e.Signature)
		field("SigningCertURL", e.SigningCertURL)
		field("UnsubscribeURL", e.UnsubscribeURL)
		if len(e.MessageAttributes) > 0 {
			b.WriteString(",\n  \"MessageAttributes\" : {\n")
			for i, k := range slices.Sorted(maps.Keys(e.MessageAttributes)) {
				if i > 0 {
					b.WriteString(",\n")
				}
				a := e.MessageAttributes[k]
				b.WriteString("    ")
				b.Write(jsonString(k))
				b.WriteString(" : {\"Type\":")
				b.Write(jsonString(a.Type))
				b.WriteString(",\"Value\":")
				b.Write(jsonString(a.Value))
				b.WriteString("}")
			}
			b.WriteString("\n  }")
		}
	} else {
		field("Token", e.Token)
		field("TopicArn", e.TopicArn)
		field("Message", e.Message)
		field("SubscribeURL", e.SubscribeURL)
		field("Timestamp", e.Timestamp)
		field("SignatureVersion", e.SignatureVersion)
		field("Signature", e.Signature)
		field("SigningCertURL", e.SigningCertURL)
	}
	b.WriteString("\n}")
	return b.Bytes(), nil
}

func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// ParseEnvelope decodes an SNS message as received over HTTP/S, from an SQS
// queue or as the Sns element of a Lambda event (whose SigningCertUrl,
// SubscribeUrl and UnsubscribeUrl casing it also accepts).
func ParseEnvelope(data []byte) (*Envelope, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("sns: message is not a JSON object: %w", err)
	}
	str := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := raw[k]; ok {
				var s string
				if json.Unmarshal(v, &s) == nil {
					return s
				}
			}
		}
		return ""
	}
	e := &Envelope{
		Type: str("Type"), MessageId: str("MessageId"), Token: str("Token"), SequenceNumber: str("SequenceNumber"),
		TopicArn: str("TopicArn"), Subject: str("Subject"), Message: str("Message"),
		SubscribeURL: str("SubscribeURL", "SubscribeUrl"), Timestamp: str("Timestamp"),
		SignatureVersion: str("SignatureVersion"), Signature: str("Signature"),
		SigningCertURL: str("SigningCertURL", "SigningCertUrl"), UnsubscribeURL: str("UnsubscribeURL", "UnsubscribeUrl"),
	}
	if v, ok := raw["MessageAttributes"]; ok {
		_ = json.Unmarshal(v, &e.MessageAttributes)
	}
	if e.Type == "" {
		return nil, errors.New("sns: message has no Type")
	}
	return e, nil
}

// StringToSign returns the canonical string SNS signs: "name\nvalue\n" for
// each signed field present, in byte order. Notifications sign Message,
// MessageId, Subject (if present), Timestamp, TopicArn and Type; confirmations
// sign Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn and Type.
func StringToSign(e *Envelope) (string, error) {
	var fields [][2]string
	switch e.Type {
	case TypeNotification:
		fields = [][2]string{{"Message", e.Message}, {"MessageId", e.MessageId}}
		if e.Subject != "" {
			fields = append(fields, [2]string{"Subject", e.Subject})
		}
		fields = append(fields, [2]string{"Timestamp", e.Timestamp}, [2]string{"TopicArn", e.TopicArn}, [2]string{"Type", e.Type})
	case TypeSubscriptionConfirmation, TypeUnsubscribeConfirmation:
		fields = [][2]string{{"Message", e.Message}, {"MessageId", e.MessageId}, {"SubscribeURL", e.SubscribeURL},
			{"Timestamp", e.Timestamp}, {"Token", e.Token}, {"TopicArn", e.TopicArn}, {"Type", e.Type}}
	default:
		return "", fmt.Errorf("sns: unknown message type %q", e.Type)
	}
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f[0])
		b.WriteByte('\n')
		b.WriteString(f[1])
		b.WriteByte('\n')
	}
	return b.String(), nil
}

func hashFor(version string) (crypto.Hash, error) {
	switch version {
	case "", "1":
		return crypto.SHA1, nil
	case "2":
		return crypto.SHA256, nil
	}
	return 0, fmt.Errorf("sns: unsupported SignatureVersion %q", version)
}

func digest(h crypto.Hash, s string) []byte {
	if h == crypto.SHA1 {
		d := sha1.Sum([]byte(s))
		return d[:]
	}
	d := sha256.Sum256([]byte(s))
	return d[:]
}

// signEnvelope sets SignatureVersion and Signature with key.
func signEnvelope(e *Envelope, key *rsa.PrivateKey, version string) error {
	if version == "" {
		version = "1"
	}
	h, err := hashFor(version)
	if err != nil {
		return err
	}
	sts, err := StringToSign(e)
	if err != nil {
		return err
	}
	sig, err := rsa.SignPKCS1v15(nil, key, h, digest(h, sts))
	if err != nil {
		return err
	}
	e.SignatureVersion = version
	e.Signature = base64.StdEncoding.EncodeToString(sig)
	return nil
}

// ErrInvalidSignature is returned by Verify when the signature does not match.
var ErrInvalidSignature = errors.New("sns: message signature is invalid")

// Verify checks e's signature against the signing certificate, as the AWS SDKs'
// message validators do: SignatureVersion 1 is SHA1withRSA, 2 is
// SHA256withRSA, over [StringToSign]. It does not check the certificate's
// origin; callers that fetch SigningCertURL should check its host themselves.
func Verify(e *Envelope, cert *x509.Certificate) error {
	if cert == nil {
		return errors.New("sns: no certificate")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("sns: certificate key is not RSA")
	}
	h, err := hashFor(e.SignatureVersion)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(e.Signature)
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrInvalidSignature)
	}
	sts, err := StringToSign(e)
	if err != nil {
		return err
	}
	if err := rsa.VerifyPKCS1v15(pub, h, digest(h, sts), sig); err != nil {
		return ErrInvalidSignature
	}
	return nil
}

// VerifyJSON parses an SNS message and verifies its signature.
func VerifyJSON(data []byte, cert *x509.Certificate) (*Envelope, error) {
	e, err := ParseEnvelope(data)
	if err != nil {
		return nil, err
	}
	return e, Verify(e, cert)
}

// LambdaEvent is the event SNS invokes a Lambda function (here: a registered
// Go [Function]) with.
type LambdaEvent struct {
	Records []LambdaRecord `json:"Records"`
}

// LambdaRecord is one record of a LambdaEvent.
type LambdaRecord struct {
	EventSource          string        `json:"EventSource"`
	EventVersion         string        `json:"EventVersion"`
	EventSubscriptionArn string        `json:"EventSubscriptionArn"`
	Sns                  LambdaMessage `json:"Sns"`
}

// LambdaMessage is the Sns element of a LambdaRecord. Subject is null when
// the message had none; message attributes of type Number and String.Array are
// passed with Type "String".
type LambdaMessage struct {
	Type              string                       `json:"Type"`
	MessageId         string                       `json:"MessageId"`
	TopicArn          string                       `json:"TopicArn"`
	Subject           *string                      `json:"Subject"`
	Message           string                       `json:"Message"`
	Timestamp         string                       `json:"Timestamp"`
	SignatureVersion  string                       `json:"SignatureVersion"`
	Signature         string                       `json:"Signature"`
	SigningCertUrl    string                       `json:"SigningCertUrl"`
	UnsubscribeUrl    string                       `json:"UnsubscribeUrl"`
	MessageAttributes map[string]EnvelopeAttribute `json:"MessageAttributes"`
}

// Envelope returns the message as an Envelope (for Verify).
func (m LambdaMessage) Envelope() *Envelope {
	e := &Envelope{Type: m.Type, MessageId: m.MessageId, TopicArn: m.TopicArn, Message: m.Message, Timestamp: m.Timestamp,
		SignatureVersion: m.SignatureVersion, Signature: m.Signature, SigningCertURL: m.SigningCertUrl, UnsubscribeURL: m.UnsubscribeUrl,
		MessageAttributes: m.MessageAttributes}
	if m.Subject != nil {
		e.Subject = *m.Subject
	}
	return e
}

// AWSCertHost is the host pattern the AWS SDK message validators require of
// SigningCertURL.
var AWSCertHost = regexp.MustCompile(`^sns\.[a-zA-Z0-9\-]{3,}\.amazonaws\.com(\.cn)?$`)

// CheckSigningCertURL applies the AWS SDK validators' origin check to a
// SigningCertURL before it is fetched: the scheme must be https, the path must
// end in ".pem" and the host must match hostPattern (nil means [AWSCertHost]).
// Pass a pattern for your own Options.Endpoint host to accept this service's
// certificate URL; an http endpoint (as in tests) also needs allowHTTP.
func CheckSigningCertURL(certURL string, hostPattern *regexp.Regexp, allowHTTP bool) error {
	if hostPattern == nil {
		hostPattern = AWSCertHost
	}
	u, err := url.Parse(certURL)
	if err != nil {
		return fmt.Errorf("sns: SigningCertURL %q does not parse: %w", certURL, err)
	}
	if u.Scheme != "https" && !(allowHTTP && u.Scheme == "http") {
		return fmt.Errorf("sns: SigningCertURL %q is not https", certURL)
	}
	if !strings.HasSuffix(u.Path, ".pem") {
		return fmt.Errorf("sns: SigningCertURL %q does not end in .pem", certURL)
	}
	if !hostPattern.MatchString(u.Hostname()) {
		return fmt.Errorf("sns: SigningCertURL host %q is not a recognised source", u.Hostname())
	}
	return nil
}
