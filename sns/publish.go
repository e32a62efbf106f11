package sns

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/op"
)

// Publish limits.
const (
	// MaxMessageSize is the largest message, body plus attributes, in bytes.
	MaxMessageSize = 262144
	maxSubject     = 100
	maxBatch       = 10
)

var (
	attrNameRE = regexp.MustCompile(`^[A-Za-z0-9_\-.]{1,256}$`)
	batchIDRE  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	groupIDRE  = regexp.MustCompile("^[A-Za-z0-9!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]{1,128}$")
)

// message is one validated message to publish.
type message struct {
	body        string
	subject     string
	perProtocol map[string]string // MessageStructure=json
	attrs       map[string]MessageAttributeValue
	groupID     string
	dedupID     string
}

// size counts the message toward the 256 KB limit: the body and each
// attribute's name, type and value.
func messageSize(body string, attrs map[string]MessageAttributeValue) int {
	n := len(body)
	for k, v := range attrs {
		n += len(k) + len(v.DataType) + len(v.StringValue) + len(v.BinaryValue)
	}
	return n
}

func validateAttributes(attrs map[string]MessageAttributeValue) error {
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[name]
		lower := strings.ToLower(name)
		if !attrNameRE.MatchString(name) || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") ||
			strings.Contains(name, "..") || strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") {
			return invalidValue("The message attribute name '%s' is invalid. Names may contain A-Z, a-z, 0-9, underscore, hyphen and period, must not start or end with a period or contain consecutive periods, and must not start with AWS. or Amazon.", name)
		}
		if v.DataType == "" {
			return invalidValue("The message attribute '%s' must contain non-empty message attribute type.", name)
		}
		if len(v.DataType) > 256 {
			return invalidValue("The message attribute '%s' has a type that is longer than 256 characters.", name)
		}
		base, _, _ := strings.Cut(v.DataType, ".")
		switch {
		case v.DataType == "String.Array":
			if v.StringValue == "" {
				return invalidValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type 'String.Array'.", name)
			}
			var arr []any
			if err := json.Unmarshal([]byte(v.StringValue), &arr); err != nil {
				return invalidValue("The message attribute '%s' has an invalid value for message attribute type 'String.Array'.", name)
			}
			for _, e := range arr {
				switch e.(type) {
				case string, float64, bool, nil:
				default:
					return invalidValue("The message attribute '%s' has an invalid value for message attribute type 'String.Array'.", name)
				}
			}
		case base == "String" || base == "Number":
			if len(v.BinaryValue) > 0 {
				return invalidValue("The message attribute '%s' with type '%s' must use field 'String'.", name, base)
			}
			if v.StringValue == "" {
				return invalidValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, base)
			}
			if base == "Number" {
				f, err := strconv.ParseFloat(strings.TrimSpace(v.StringValue), 64)
				if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
					return invalidValue("Could not cast message attribute '%s' value to number.", name)
				}
				// Number attributes hold up to 38 significant digits between
				// 10^-128 and 10^126 in magnitude (filter policies compare
				// them as float64).
				if a := math.Abs(f); a > 1e126 || (a != 0 && a < 1e-128) || significantDigits(v.StringValue) > 38 {
					return invalidValue("Value %s for message attribute '%s' of type 'Number' is out of range or has more than 38 digits of precision.", v.StringValue, name)
				}
			}
		case base == "Binary":
			if v.StringValue != "" {
				return invalidValue("The message attribute '%s' with type 'Binary' must use field 'Binary'.", name)
			}
			if len(v.BinaryValue) == 0 {
				return invalidValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type 'Binary'.", name)
			}
		default:
			return invalidValue("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
	}
	return nil
}

// validateMessage applies the Publish rules shared with PublishBatch entries.
func validateMessage(t *topic, body string, subject, structure, dedupID, groupID string, attrs map[string]MessageAttributeValue) (*message, error) {
	m := &message{body: body, attrs: attrs}
	if body == "" {
		return nil, invalidParam("Empty message")
	}
	if !utf8.ValidString(body) {
		return nil, invalidParam("Message")
	}
	if s := subject; s != "" {
		if utf8.RuneCountInString(s) > maxSubject || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
			return nil, invalidParam("Subject")
		}
		m.subject = s
	}
	if err := validateAttributes(attrs); err != nil {
		return nil, err
	}
	if messageSize(body, attrs) > MaxMessageSize {
		return nil, invalidParam("Message too long")
	}
	if structure != "" {
		if structure != "json" {
			return nil, invalidParam("MessageStructure")
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			return nil, invalidParam("Message Structure - JSON message body failed to parse")
		}
		def, ok := doc["default"].(string)
		if !ok {
			return nil, invalidParam("Message Structure - No default entry in JSON message body")
		}
		m.body = def
		m.perProtocol = map[string]string{}
		for k, v := range doc {
			if s, ok := v.(string); ok && k != "default" {
				m.perProtocol[k] = s
			}
		}
	}
	if groupID != "" {
		if !groupIDRE.MatchString(groupID) {
			return nil, invalidParam("MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		m.groupID = groupID
	}
	if dedupID != "" {
		if !t.fifo {
			return nil, invalidParam("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
		}
		if !groupIDRE.MatchString(dedupID) {
			return nil, invalidParam("MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		m.dedupID = dedupID
	}
	if t.fifo {
		if m.groupID == "" {
			return nil, invalidParam("The MessageGroupId parameter is required for FIFO topics")
		}
		if m.dedupID == "" {
			if t.attrs["ContentBasedDeduplication"] != "true" {
				return nil, invalidParam("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			// Content-based deduplication hashes the body only.
			sum := sha256.Sum256([]byte(body))
			m.dedupID = hex.EncodeToString(sum[:])
		}
	}
	return m, nil
}

// Publish sends a message to every subscription of a topic whose filter policy
// accepts it (or, with PhoneNumber, one SMS to the outbox; with an endpoint
// TargetArn, one push message to the outbox). In-process deliveries happen
// before Publish returns: queues get the message, Go functions are called.
// HTTP/S deliveries are only queued: Run's workers (or Settle) POST them, so
// a slow endpoint never slows the publisher. Failed deliveries are retried on
// the clock.
func (s *Service) Publish(ctx context.Context, in PublishInput) (*PublishOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "Publish", Data: true}, in, s.publish)
}

// publish is Publish's core, also run (through op.Do) for the notifications
// that reach the service over the bus. In-process deliveries happen inside
// it, so a journal sees what they cause as part of the Publish.
func (s *Service) publish(ctx context.Context, c *event.Call, in PublishInput) (*PublishOutput, error) {
	out, deliveries, err := s.preparePublish(ctx, in)
	if s.op.Rec.Records(ctx) {
		// Built only when an APICall subscriber exists (Publish is the hot
		// path), and at once: a lazy c.Params would have to capture a copy
		// of the Input, which costs more than the map when the call is read.
		c.RequestParameters = publishParams(&in)
		if target := cmp.Or(in.TopicArn, in.TargetArn); target != "" {
			c.Resources = topicResource(target, s.op.AccountID)
		}
		if err == nil {
			c.ResponseElements = map[string]any{"messageId": out.MessageId}
		}
	}
	if err != nil {
		return nil, err
	}
	s.deliverAll(ctx, deliveries)
	return out, nil
}

// publishParams is Publish's requestParameters as SNS's CloudTrail records
// them: the message and subject hidden.
func publishParams(in *PublishInput) any {
	params := map[string]any{"message": hidden}
	if in.TopicArn != "" {
		params["topicArn"] = in.TopicArn
	}
	if in.TargetArn != "" {
		params["targetArn"] = in.TargetArn
	}
	if in.PhoneNumber != "" {
		params["phoneNumber"] = in.PhoneNumber
	}
	if in.Subject != "" {
		params["subject"] = hidden
	}
	if in.MessageStructure != "" {
		params["messageStructure"] = in.MessageStructure
	}
	if in.MessageGroupId != "" {
		params["messageGroupId"] = in.MessageGroupId
	}
	return params
}

func (s *Service) preparePublish(ctx context.Context, in PublishInput) (*PublishOutput, *publication, error) {
	n := 0
	for _, v := range []string{in.TopicArn, in.TargetArn, in.PhoneNumber} {
		if v != "" {
			n++
		}
	}
	if n == 0 {
		return nil, nil, invalidParam("TopicArn or TargetArn Reason: no value for required parameter")
	}
	if n > 1 {
		return nil, nil, invalidParam("TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified")
	}
	if in.PhoneNumber != "" {
		return s.publishSMS(in)
	}
	topicARN := in.TopicArn
	if in.TargetArn != "" {
		a, err := arn.Parse(in.TargetArn)
		if err != nil {
			return nil, nil, invalidParam("TargetArn")
		}
		if strings.HasPrefix(a.Resource, "endpoint/") {
			out, err := s.publishToEndpoint(in)
			return out, nil, err
		}
		topicARN = in.TargetArn
	}
	t, doc, err := s.publishTarget(ctx, topicARN)
	if err != nil {
		return nil, nil, err
	}
	m, err := validateMessage(t, in.Message, in.Subject, in.MessageStructure, in.MessageDeduplicationId, in.MessageGroupId, in.MessageAttributes)
	if err != nil {
		return nil, nil, err
	}
	if err := s.protect(ctx, doc, t.arn, m); err != nil {
		return nil, nil, err
	}
	pubs, results, err := s.admit(t.arn, []*message{m})
	if err != nil {
		return nil, nil, err
	}
	return &PublishOutput{MessageId: results[0].id, SequenceNumber: results[0].seq}, pubs, nil
}

// publishTarget finds the topic, checks that the caller may publish to it
// and returns its data protection policy.
func (s *Service) publishTarget(ctx context.Context, topicARN string) (*topic, *dataPolicyDoc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(topicARN)
	if err != nil {
		return nil, nil, err
	}
	return t, t.dataDoc, s.authorize(ctx, t, "Publish")
}

// protect applies the topic's inbound data protection statements to every
// text of m.
func (s *Service) protect(ctx context.Context, doc *dataPolicyDoc, topicARN string, m *message) error {
	if doc == nil {
		return nil
	}
	caller := ""
	if id, ok := identity.From(ctx); ok {
		caller = id.ARN
	}
	var err error
	if m.body, err = s.applyInbound(doc, topicARN, caller, m.body); err != nil {
		return err
	}
	for k, v := range m.perProtocol {
		if m.perProtocol[k], err = s.applyInbound(doc, topicARN, caller, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) publishSMS(in PublishInput) (*PublishOutput, *publication, error) {
	if !phoneRE.MatchString(in.PhoneNumber) {
		return nil, nil, invalidParam("PhoneNumber Reason: %s is not valid to publish to", in.PhoneNumber)
	}
	if in.Message == "" {
		return nil, nil, invalidParam("Empty message")
	}
	if len(in.Message) > 1600 {
		return nil, nil, invalidParam("Message too long")
	}
	if !s.sandboxAllows(in.PhoneNumber) {
		// AWS's answer for an unverified number while in the sandbox.
		return nil, nil, invalidParam("PhoneNumber Reason: %s is not valid to publish to", in.PhoneNumber)
	}
	id := s.op.IDs.UUID()
	var optedOut bool
	s.locked(func() { optedOut = s.optedOut[in.PhoneNumber] })
	if !optedOut { // AWS accepts an SMS to an opted-out number and drops it
		s.addOutbox(OutboxMessage{Time: s.op.Clock.Now(), Protocol: ProtocolSMS, Endpoint: in.PhoneNumber, MessageId: id, Type: TypeNotification, Body: in.Message})
	}
	return &PublishOutput{MessageId: id}, nil, nil
}

type admitted struct {
	id  string
	seq string // FIFO topics only
}

// admit assigns IDs (and FIFO sequence numbers, applying the 5-minute
// deduplication window) and snapshots the subscriptions, under the lock.
func (s *Service) admit(topicARN string, msgs []*message) (*publication, []admitted, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(topicARN)
	if err != nil {
		return nil, nil, err
	}
	now := s.op.Clock.Now()
	pub := &publication{topic: t.arn, displayName: t.attrs["DisplayName"], sigVersion: t.attrs["SignatureVersion"], fifo: t.fifo, time: now}
	results := make([]admitted, len(msgs))
	if t.fifo {
		t.dedup.expire(now)
		defer s.armExpiryLocked(t)
	}
	for i, m := range msgs {
		if t.fifo {
			if e, ok := t.dedup.byID[m.dedupID]; ok {
				seq := e.seq
				results[i] = admitted{id: e.messageID, seq: seq}
				continue // a duplicate is accepted but not delivered again
			}
			s.seq++
			seq := fmt.Sprintf("%020d", uint64(1e19)+s.seq*1000)
			id := s.op.IDs.UUID()
			t.dedup.add(m.dedupID, dedupEntry{messageID: id, seq: seq, at: now})
			results[i] = admitted{id: id, seq: seq}
			pub.msgs = append(pub.msgs, pubMessage{message: m, id: id, seq: seq})
			continue
		}
		id := s.op.IDs.UUID()
		results[i] = admitted{id: id}
		pub.msgs = append(pub.msgs, pubMessage{message: m, id: id})
	}
	if t.targets == nil {
		t.targets = make([]target, 0, len(t.subs))
		for _, sub := range t.subs {
			if sub.pending {
				continue
			}
			rp, ct := sub.httpPolicy(t)
			t.targets = append(t.targets, target{
				subArn: sub.arn, protocol: sub.protocol, endpoint: sub.endpoint, raw: sub.raw, dlq: sub.dlq,
				filter: sub.filter, retry: rp, contentType: ct, maxPerSecond: sub.throttle(t), endpointKey: endpointKey(sub.protocol, sub.endpoint),
			})
		}
	}
	pub.targets = t.targets
	return pub, results, nil
}

// PublishBatch publishes up to 10 messages to a topic. Entries that fail
// validation are reported in Failed; the others are published and delivered.
func (s *Service) PublishBatch(ctx context.Context, in PublishBatchInput) (*PublishBatchOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PublishBatch", Data: true}, in, s.publishBatch)
}

func (s *Service) publishBatch(ctx context.Context, c *event.Call, in PublishBatchInput) (*PublishBatchOutput, error) {
	out, pub, err := s.preparePublishBatch(ctx, in)
	if s.op.Rec.Records(ctx) {
		// CloudTrail records the entries' Ids only.
		var ids []string
		for _, e := range in.PublishBatchRequestEntries {
			ids = append(ids, e.Id)
		}
		c.RequestParameters = map[string]any{"topicArn": in.TopicArn, "publishBatchRequestEntries": ids}
		c.Resources = topicResource(in.TopicArn, s.op.AccountID)
		if err == nil {
			c.ResponseElements = map[string]any{"successful": len(out.Successful), "failed": len(out.Failed)}
		}
	}
	if err != nil {
		return nil, err
	}
	s.deliverAll(ctx, pub)
	return out, nil
}

func (s *Service) preparePublishBatch(ctx context.Context, in PublishBatchInput) (*PublishBatchOutput, *publication, error) {
	entries := in.PublishBatchRequestEntries
	t, doc, err := s.publishTarget(ctx, in.TopicArn)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case len(entries) == 0:
		return nil, nil, codeErr("EmptyBatchRequest", 400, "The batch request doesn't contain any entries.")
	case len(entries) > maxBatch:
		return nil, nil, codeErr("TooManyEntriesInBatchRequest", 400, "The batch request contains more entries than permissible.")
	}
	seen := map[string]bool{}
	total := 0
	for _, e := range entries {
		if !batchIDRE.MatchString(e.Id) {
			return nil, nil, codeErr("InvalidBatchEntryId", 400, "The Id of a batch entry in a batch request doesn't abide by the specification.")
		}
		if seen[e.Id] {
			return nil, nil, codeErr("BatchEntryIdsNotDistinct", 400, "Two or more batch entries in the request have the same Id.")
		}
		seen[e.Id] = true
		total += messageSize(e.Message, e.MessageAttributes)
	}
	if total > MaxMessageSize {
		return nil, nil, codeErr("BatchRequestTooLong", 400, "The length of all the messages put together is more than the limit.")
	}
	out := &PublishBatchOutput{Successful: []PublishBatchResultEntry{}, Failed: []BatchResultErrorEntry{}}
	var ok []*message
	var okIDs []string
	for _, e := range entries {
		m, err := validateMessage(t, e.Message, e.Subject, e.MessageStructure, e.MessageDeduplicationId, e.MessageGroupId, e.MessageAttributes)
		if err == nil {
			err = s.protect(ctx, doc, t.arn, m)
		}
		if err != nil {
			out.Failed = append(out.Failed, BatchResultErrorEntry{Id: e.Id, Code: errCode(err), Message: errMessage(err), SenderFault: true})
			continue
		}
		ok = append(ok, m)
		okIDs = append(okIDs, e.Id)
	}
	if len(ok) == 0 {
		return out, nil, nil
	}
	pub, results, err := s.admit(t.arn, ok)
	if err != nil {
		return nil, nil, err
	}
	for i, r := range results {
		out.Successful = append(out.Successful, PublishBatchResultEntry{Id: okIDs[i], MessageId: r.id, SequenceNumber: r.seq})
	}
	return out, pub, nil
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func significantDigits(num string) int {
	mant, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(num)), "e")
	digits := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, mant), "0")
	if strings.Contains(mant, ".") {
		digits = strings.TrimRight(digits, "0")
	}
	return len(digits)
}
