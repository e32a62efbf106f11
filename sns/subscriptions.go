package sns

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/sns/filterpolicy"
)

// Protocols SNS accepts.
const (
	ProtocolHTTP        = "http"
	ProtocolHTTPS       = "https"
	ProtocolEmail       = "email"
	ProtocolEmailJSON   = "email-json"
	ProtocolSMS         = "sms"
	ProtocolSQS         = "sqs"
	ProtocolApplication = "application"
	ProtocolLambda      = "lambda"
	ProtocolFirehose    = "firehose"
)

// PendingConfirmation is what Subscribe returns as the SubscriptionArn while
// the subscription awaits confirmation.
const PendingConfirmation = "pending confirmation"

// tokenLifetime: confirmation tokens are valid for two days.
const tokenLifetime = 48 * time.Hour

type subscription struct {
	arn          string
	topic        *topic
	protocol     string
	endpoint     string
	owner        string
	principal    string // SubscriptionPrincipal: the IAM principal that subscribed
	pending      bool
	token        string
	tokenExpires time.Time
	authOnUnsub  bool
	authed       bool
	attrs        map[string]string // as set: DeliveryPolicy, FilterPolicy, FilterPolicyScope, RawMessageDelivery, RedrivePolicy, SubscriptionRoleArn
	filter       *filterpolicy.Policy
	raw          bool
	dlq          string
	delivery     *subDeliveryPolicy
}

var settableSubAttrs = []string{"DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn"}

var phoneRE = regexp.MustCompile(`^\+?[1-9][0-9]{4,14}$`)

func validEndpoint(protocol, endpoint string) error {
	switch protocol {
	case ProtocolHTTP, ProtocolHTTPS:
		u, err := url.Parse(endpoint)
		if err != nil || u.Scheme != protocol || u.Host == "" {
			return invalidParam("Invalid %s endpoint: %s", strings.ToUpper(protocol), endpoint)
		}
	case ProtocolEmail, ProtocolEmailJSON:
		at := strings.IndexByte(endpoint, '@')
		if at < 1 || at == len(endpoint)-1 || strings.ContainsAny(endpoint, " \t\r\n") {
			return invalidParam("Email address")
		}
	case ProtocolSMS:
		if !phoneRE.MatchString(strings.NewReplacer("-", "", " ", "", "(", "", ")", "").Replace(endpoint)) {
			return invalidParam("Invalid SMS endpoint: %s", endpoint)
		}
	case ProtocolSQS:
		a, err := arn.Parse(endpoint)
		if err != nil || a.Service != "sqs" {
			return invalidParam("Invalid SQS endpoint ARN: %s", endpoint)
		}
	case ProtocolLambda:
		a, err := arn.Parse(endpoint)
		if err != nil || a.Service != "lambda" || !strings.HasPrefix(a.Resource, "function:") {
			return invalidParam("Invalid Lambda endpoint ARN: %s", endpoint)
		}
	case ProtocolFirehose:
		a, err := arn.Parse(endpoint)
		if err != nil || a.Service != "firehose" {
			return invalidParam("Invalid Firehose endpoint ARN: %s", endpoint)
		}
	case ProtocolApplication:
		a, err := arn.Parse(endpoint)
		if err != nil || a.Service != "sns" || !strings.HasPrefix(a.Resource, "endpoint/") {
			return invalidParam("Invalid application endpoint ARN: %s", endpoint)
		}
	default:
		return invalidParam("Amazon SNS does not support this protocol string: %s", protocol)
	}
	return nil
}

// subSettings is a validated set of subscription attributes.
type subSettings struct {
	attrs    map[string]string
	filter   *filterpolicy.Policy
	raw      bool
	dlq      string
	delivery *subDeliveryPolicy
}

// validateSubAttrs checks attributes for protocol; viaSubscribe selects AWS's
// "Attributes Reason: " message prefix.
func (s *Service) validateSubAttrs(protocol string, attrs map[string]string, viaSubscribe bool) (*subSettings, error) {
	reason := ""
	if viaSubscribe {
		reason = "Attributes Reason: "
	}
	st := &subSettings{attrs: map[string]string{}}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[k]
		switch k {
		case "RawMessageDelivery":
			lv := strings.ToLower(v)
			if lv != "true" && lv != "false" {
				return nil, invalidParam("%sRawMessageDelivery: Invalid value [%s]. Must be true or false.", reason, v)
			}
			if lv == "true" && !slices.Contains([]string{ProtocolSQS, ProtocolHTTP, ProtocolHTTPS, ProtocolFirehose}, protocol) {
				return nil, invalidParam("%sDelivery protocol [%s] does not support raw message delivery.", reason, protocol)
			}
			st.raw = lv == "true"
		case "RedrivePolicy":
			if v != "" {
				var rp struct {
					DeadLetterTargetArn string `json:"deadLetterTargetArn"`
				}
				if err := json.Unmarshal([]byte(v), &rp); err != nil {
					return nil, invalidParam("%sRedrivePolicy: failed to parse JSON.", reason)
				}
				a, err := arn.Parse(rp.DeadLetterTargetArn)
				if err != nil || a.Service != "sqs" {
					return nil, invalidParam("%sRedrivePolicy: deadLetterTargetArn is an invalid arn", reason)
				}
				if a.AccountID != s.op.AccountID || a.Region != s.op.Region {
					return nil, invalidParam("%sRedrivePolicy: deadLetterTargetArn must be in the same account and region as the subscription", reason)
				}
				st.dlq = rp.DeadLetterTargetArn
			}
		case "DeliveryPolicy":
			if v != "" {
				if protocol != ProtocolHTTP && protocol != ProtocolHTTPS {
					return nil, invalidParam("%sDeliveryPolicy: Delivery policy can only be set for HTTP/S subscriptions", reason)
				}
				dp, err := parseSubDeliveryPolicy(v)
				if err != nil {
					return nil, err
				}
				st.delivery = dp
			}
		case "FilterPolicy", "FilterPolicyScope", "SubscriptionRoleArn":
			if k == "SubscriptionRoleArn" && v != "" && !arn.IsARN(v) {
				return nil, invalidParam("%sSubscriptionRoleArn", reason)
			}
		default:
			return nil, invalidParam("%sUnknown attribute: %s", reason, k)
		}
		st.attrs[k] = v
	}
	if protocol == ProtocolFirehose && st.attrs["SubscriptionRoleArn"] == "" {
		return nil, invalidParam("%sSubscriptionRoleArn is required for the firehose protocol", reason)
	}
	if p := st.attrs["FilterPolicy"]; p != "" || st.attrs["FilterPolicyScope"] != "" {
		scope := st.attrs["FilterPolicyScope"]
		if scope != "" && scope != string(filterpolicy.ScopeMessageAttributes) && scope != string(filterpolicy.ScopeMessageBody) {
			return nil, invalidParam("%sFilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", reason, scope)
		}
		if p != "" {
			f, err := compilePolicy(p, scope)
			if err != nil {
				return nil, invalidParam("%s%v", reason, err)
			}
			st.filter = f
		}
	}
	return st, nil
}

func (s *Service) needsConfirmation(protocol, endpoint string) bool {
	switch protocol {
	case ProtocolHTTP, ProtocolHTTPS, ProtocolEmail, ProtocolEmailJSON:
		return true
	case ProtocolSQS, ProtocolLambda, ProtocolFirehose:
		a, err := arn.Parse(endpoint)
		return err == nil && a.AccountID != s.op.AccountID
	}
	return false
}

// Subscribe subscribes an endpoint to a topic. HTTP/S, e-mail and cross-account
// subscriptions start pending: a SubscriptionConfirmation is sent to the
// endpoint (POSTed, put in the outbox, or queued) and the subscription becomes
// active on ConfirmSubscription. Subscribing the same endpoint again returns
// the existing subscription (and resends a pending confirmation) when the
// attributes given agree with the stored ones after normalisation (see
// sameSubAttrs); a real conflict fails with "Subscription already exists with
// different attributes".
func (s *Service) Subscribe(ctx context.Context, in SubscribeInput) (*SubscribeOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "Subscribe", Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.subscribe)
}

func (s *Service) subscribe(ctx context.Context, c *event.Call, in SubscribeInput) (*SubscribeOutput, error) {
	out, err := s.subscribeCore(ctx, in)
	if err == nil {
		c.ResponseElements = map[string]any{"subscriptionArn": out.SubscriptionArn}
	}
	return out, err
}

func (s *Service) subscribeCore(ctx context.Context, in SubscribeInput) (*SubscribeOutput, error) {
	if in.Protocol == "" {
		return nil, invalidParam("Protocol")
	}
	if in.Endpoint == "" {
		return nil, invalidParam("Endpoint")
	}
	protocol, endpoint := strings.ToLower(in.Protocol), in.Endpoint
	if err := validEndpoint(protocol, endpoint); err != nil {
		return nil, err
	}
	st, err := s.validateSubAttrs(protocol, in.Attributes, true)
	if err != nil {
		return nil, err
	}
	out, conf, err := s.subscribeLocked(ctx, in, protocol, endpoint, st)
	if err != nil {
		return nil, err
	}
	s.sendConfirmation(ctx, conf)
	return out, nil
}

// subscribeLocked adds the subscription (or finds the same one) under the
// lock and returns the confirmation to send once it is released.
func (s *Service) subscribeLocked(ctx context.Context, in SubscribeInput, protocol, endpoint string, st *subSettings) (*SubscribeOutput, *outgoing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(in.TopicArn)
	if err != nil {
		return nil, nil, err
	}
	if err := s.authorize(ctx, t, "Subscribe"); err != nil {
		return nil, nil, err
	}
	if err := checkFIFOEndpoint(t, protocol, endpoint); err != nil {
		return nil, nil, err
	}
	for _, sub := range t.subs {
		if sub.protocol != protocol || sub.endpoint != endpoint {
			continue
		}
		if !sameSubAttrs(sub.attrs, in.Attributes) {
			return nil, nil, invalidParam("Attributes Reason: Subscription already exists with different attributes")
		}
		var conf *outgoing
		if sub.pending {
			conf = s.renewTokenLocked(sub)
		}
		return s.subscribeOutput(sub, in.ReturnSubscriptionArn != nil && *in.ReturnSubscriptionArn), conf, nil
	}
	if err := checkDLQType(t, endpoint, st.dlq, true); err != nil {
		return nil, nil, err
	}
	if st.filter != nil {
		if err := s.checkFilterQuotaLocked(t, nil); err != nil {
			return nil, nil, err
		}
	}
	owner, principal := s.op.AccountID, "arn:aws:iam::"+s.op.AccountID+":root"
	if id, ok := identity.From(ctx); ok && id.AccountID != "" {
		owner = id.AccountID
		principal = "arn:aws:iam::" + id.AccountID + ":root"
		if id.ARN != "" {
			principal = id.ARN
		}
	}
	sub := &subscription{
		arn: t.arn + ":" + s.op.IDs.UUID(), topic: t, protocol: protocol, endpoint: endpoint, owner: owner, principal: principal,
		attrs: st.attrs, filter: st.filter, raw: st.raw, dlq: st.dlq, delivery: st.delivery,
	}
	var conf *outgoing
	if s.needsConfirmation(protocol, endpoint) {
		sub.pending = true
		conf = s.renewTokenLocked(sub)
	}
	t.subs = append(t.subs, sub)
	t.targets = nil
	s.subs[sub.arn] = sub
	return s.subscribeOutput(sub, in.ReturnSubscriptionArn != nil && *in.ReturnSubscriptionArn), conf, nil
}

func (s *Service) subscribeOutput(sub *subscription, returnARN bool) *SubscribeOutput {
	a := sub.arn
	if sub.pending && !returnARN {
		a = PendingConfirmation
	}
	return &SubscribeOutput{SubscriptionArn: a}
}

// checkFilterQuotaLocked enforces the filter-policy quotas when a subscription
// (other than except) gains a policy.
func (s *Service) checkFilterQuotaLocked(t *topic, except *subscription) error {
	perTopic, perAcct := 0, 0
	for _, sub := range s.subs {
		if sub.filter == nil || sub == except {
			continue
		}
		perAcct++
		if sub.topic == t {
			perTopic++
		}
	}
	if perTopic >= s.maxFPTopic || perAcct >= s.maxFPAcct {
		return codeErr("FilterPolicyLimitExceeded", 403, "Filter policy limit exceeded")
	}
	return nil
}

// renewTokenLocked issues a fresh confirmation token and returns the
// confirmation message to send once the lock is released.
func (s *Service) renewTokenLocked(sub *subscription) *outgoing {
	if sub.token != "" {
		delete(s.tokens, sub.token)
	}
	sub.token = s.newToken()
	sub.tokenExpires = s.op.Clock.Now().Add(tokenLifetime)
	s.tokens[sub.token] = sub
	return s.controlMessageLocked(sub, TypeSubscriptionConfirmation)
}

// newToken returns a confirmation token shaped like AWS's: the Region,
// hex-encoded, then "/" (2f) and random hex digits, 256 in all.
func (s *Service) newToken() string {
	prefix := hex.EncodeToString([]byte(s.op.Region + "/"))
	return prefix + s.op.IDs.Hex(256-len(prefix))
}

// wellFormedToken tells an SNS token (hex digits, at least 64) from
// arbitrary text.
func wellFormedToken(tok string) bool {
	if len(tok) < 64 {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// ConfirmSubscription confirms a pending subscription with the token sent to
// its endpoint. Tokens expire after two days. Confirming an already confirmed
// subscription returns its ARN.
func (s *Service) ConfirmSubscription(ctx context.Context, in ConfirmSubscriptionInput) (*ConfirmSubscriptionOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ConfirmSubscription", Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.confirmSigned)
}

// confirmSigned is ConfirmSubscription as an authenticated API call.
func (s *Service) confirmSigned(_ context.Context, c *event.Call, in ConfirmSubscriptionInput) (*ConfirmSubscriptionOutput, error) {
	return s.confirm(c, in, true)
}

// confirmByURL is a visit to a SubscribeURL (see Handler): unauthenticated,
// so ConfirmationWasAuthenticated stays false and AuthenticateOnUnsubscribe
// is ignored. Its journal name, opConfirmByURL, tells it from the API call;
// CloudTrail records it as ConfirmSubscription.
func (s *Service) confirmByURL(_ context.Context, c *event.Call, in ConfirmSubscriptionInput) (*ConfirmSubscriptionOutput, error) {
	c.Name = "ConfirmSubscription"
	return s.confirm(c, in, false)
}

// Internal operation names: calls that a journal must tell from the API
// operations of the same CloudTrail name, and the delivery results.
const (
	opConfirmByURL     = "localwatch:ConfirmSubscriptionByURL"
	opUnsubscribeByURL = "localwatch:UnsubscribeByURL"
	opDeliveryResult   = "localwatch:DeliveryResult"
	opCreateQueue      = "localwatch:CreateQueue"
	opDeleteQueue      = "localwatch:DeleteQueue"
	opOptOut           = "localwatch:OptOutPhoneNumber"

	// The changes of an in-memory queue (queue.go).
	opQueueSendMessage             = "localwatch:QueueSendMessage"
	opQueueReceiveMessage          = "localwatch:QueueReceiveMessage"
	opQueueDeleteMessage           = "localwatch:QueueDeleteMessage"
	opQueueChangeMessageVisibility = "localwatch:QueueChangeMessageVisibility"
	opQueueSetVisibilityTimeout    = "localwatch:QueueSetVisibilityTimeout"
)

// confirm confirms a subscription; signed tells whether the request was an
// authenticated API call (ConfirmationWasAuthenticated) rather than a visit to
// the SubscribeURL.
func (s *Service) confirm(c *event.Call, in ConfirmSubscriptionInput, signed bool) (*ConfirmSubscriptionOutput, error) {
	out, err := s.confirmSubscription(in, signed)
	if err == nil {
		c.ResponseElements = map[string]any{"subscriptionArn": out.SubscriptionArn}
	}
	return out, err
}

func (s *Service) confirmSubscription(in ConfirmSubscriptionInput, signed bool) (*ConfirmSubscriptionOutput, error) {
	// AWS's answers (recorded 2025): a TopicArn that is not an SNS ARN of
	// this account and Region, or that names another existing topic than the
	// token's, is "Invalid parameter: Topic"; a token that is not one of
	// SNS's hex tokens is "Invalid token", one that is but is unknown or
	// expired "Invalid parameter: Token". A valid token confirms even when
	// TopicArn names a topic that does not exist in the Region.
	if a, err := arn.Parse(in.TopicArn); err != nil || a.Service != "sns" || a.Region != s.op.Region || a.AccountID != s.op.AccountID {
		return nil, invalidParam("Topic")
	}
	if in.Token == "" {
		return nil, invalidParam("Token")
	}
	if !wellFormedToken(in.Token) {
		return nil, codeErr("InvalidParameter", 400, "Invalid token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.tokens[in.Token]
	if !ok || s.op.Clock.Now().After(sub.tokenExpires) {
		return nil, invalidParam("Token")
	}
	if sub.topic.arn != in.TopicArn {
		if _, exists := s.topics[in.TopicArn]; exists {
			return nil, invalidParam("Topic")
		}
	}
	if _, live := s.subs[sub.arn]; !live {
		// The token of an UnsubscribeConfirmation restores the subscription.
		if s.topics[sub.topic.arn] != sub.topic {
			return nil, invalidParam("Token")
		}
		sub.topic.subs = append(sub.topic.subs, sub)
		sub.topic.targets = nil
		sub.topic.deleted--
		s.subs[sub.arn] = sub
	}
	if sub.pending {
		sub.pending = false
		sub.topic.targets = nil
		sub.authed = signed
		// AuthenticateOnUnsubscribe takes effect only on a signed request.
		if signed && strings.EqualFold(in.AuthenticateOnUnsubscribe, "true") {
			sub.authOnUnsub = true
		}
	}
	a := sub.arn
	return &ConfirmSubscriptionOutput{SubscriptionArn: a}, nil
}

// dropSubscriptionLocked forgets sub.
func (s *Service) dropSubscriptionLocked(sub *subscription) {
	delete(s.subs, sub.arn)
	if sub.token != "" {
		delete(s.tokens, sub.token)
	}
	t := sub.topic
	t.subs = slices.DeleteFunc(t.subs, func(x *subscription) bool { return x == sub })
	t.targets = nil
	delete(s.throttles, sub.arn)
	t.deleted++
}

// Unsubscribe deletes a subscription. HTTP/S endpoints receive an
// UnsubscribeConfirmation. If the subscription was confirmed with
// AuthenticateOnUnsubscribe, only the topic or subscription owner may
// unsubscribe.
func (s *Service) Unsubscribe(ctx context.Context, in UnsubscribeInput) (*UnsubscribeOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "Unsubscribe"}, in, s.unsubscribeSigned)
}

func (s *Service) unsubscribeSigned(ctx context.Context, _ *event.Call, in UnsubscribeInput) (*UnsubscribeOutput, error) {
	return &UnsubscribeOutput{}, s.unsubscribe(ctx, in, true)
}

// unsubscribeByURL is a visit to an UnsubscribeURL (see Handler); CloudTrail
// records it as Unsubscribe.
func (s *Service) unsubscribeByURL(ctx context.Context, c *event.Call, in UnsubscribeInput) (*UnsubscribeOutput, error) {
	c.Name = "Unsubscribe"
	return &UnsubscribeOutput{}, s.unsubscribe(ctx, in, false)
}

func (s *Service) unsubscribe(ctx context.Context, in UnsubscribeInput, signed bool) error {
	if in.SubscriptionArn == "" {
		return invalidParam("SubscriptionArn")
	}
	if !arn.IsARN(in.SubscriptionArn) {
		return invalidParam("SubscriptionArn Reason: An ARN must have at least 6 elements, not %d", len(strings.Split(in.SubscriptionArn, ":")))
	}
	msg, err := s.unsubscribeLocked(ctx, in.SubscriptionArn, signed)
	if err != nil {
		return err
	}
	s.sendConfirmation(ctx, msg)
	return nil
}

// unsubscribeLocked drops the subscription under the lock and returns the
// UnsubscribeConfirmation to send once it is released.
func (s *Service) unsubscribeLocked(ctx context.Context, subARN string, signed bool) (*outgoing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[subARN]
	if !ok {
		return nil, notFound("Subscription")
	}
	if sub.authOnUnsub && (!signed || s.authorize(ctx, sub.topic, "Unsubscribe") != nil) {
		return nil, authorizationError("Unsubscribe requires an authenticated request by the topic or subscription owner")
	}
	s.dropSubscriptionLocked(sub)
	if sub.protocol == ProtocolHTTP || sub.protocol == ProtocolHTTPS {
		return s.controlMessageLocked(sub, TypeUnsubscribeConfirmation), nil
	}
	return nil, nil
}

// GetSubscriptionAttributes returns a subscription's attributes.
func (s *Service) GetSubscriptionAttributes(ctx context.Context, in GetSubscriptionAttributesInput) (*GetSubscriptionAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetSubscriptionAttributes", ReadOnly: true}, in, s.getSubscriptionAttributes)
}

func (s *Service) getSubscriptionAttributes(_ context.Context, _ *event.Call, in GetSubscriptionAttributesInput) (*GetSubscriptionAttributesOutput, error) {
	if !arn.IsARN(in.SubscriptionArn) {
		return nil, invalidParam("SubscriptionArn")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[in.SubscriptionArn]
	if !ok {
		return nil, notFound("Subscription")
	}
	// AWS's attribute set (recorded 2025): the nine below for every
	// protocol, the attributes set on the subscription, FilterPolicyScope only
	// while a FilterPolicy exists, and EffectiveDeliveryPolicy for HTTP/S only.
	a := maps.Clone(sub.attrs)
	a["SubscriptionArn"] = sub.arn
	a["TopicArn"] = sub.topic.arn
	a["Owner"] = sub.owner
	a["SubscriptionPrincipal"] = sub.principal
	a["Protocol"] = sub.protocol
	a["Endpoint"] = sub.endpoint
	a["PendingConfirmation"] = boolStr(sub.pending)
	a["ConfirmationWasAuthenticated"] = boolStr(!sub.pending && (sub.authed || !s.needsConfirmation(sub.protocol, sub.endpoint)))
	a["RawMessageDelivery"] = boolStr(sub.raw)
	if sub.protocol == ProtocolHTTP || sub.protocol == ProtocolHTTPS {
		a["EffectiveDeliveryPolicy"] = sub.effectiveDeliveryPolicy(sub.topic)
	}
	switch {
	case a["FilterPolicy"] == "":
		delete(a, "FilterPolicyScope")
	case a["FilterPolicyScope"] == "":
		a["FilterPolicyScope"] = string(filterpolicy.ScopeMessageAttributes)
	}
	for k, v := range a {
		if v == "" && k != "Endpoint" {
			delete(a, k)
		}
	}
	return &GetSubscriptionAttributesOutput{Attributes: a}, nil
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// SetSubscriptionAttributes sets one of DeliveryPolicy, FilterPolicy,
// FilterPolicyScope, RawMessageDelivery, RedrivePolicy, SubscriptionRoleArn.
// An empty FilterPolicy removes the policy.
func (s *Service) SetSubscriptionAttributes(ctx context.Context, in SetSubscriptionAttributesInput) (*SetSubscriptionAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "SetSubscriptionAttributes"}, in, s.setSubscriptionAttributes)
}

func (s *Service) setSubscriptionAttributes(_ context.Context, _ *event.Call, in SetSubscriptionAttributesInput) (*SetSubscriptionAttributesOutput, error) {
	return &SetSubscriptionAttributesOutput{}, s.setSubscriptionAttribute(in)
}

func (s *Service) setSubscriptionAttribute(in SetSubscriptionAttributesInput) error {
	if !slices.Contains(settableSubAttrs, in.AttributeName) {
		return invalidParam("AttributeName")
	}
	if !arn.IsARN(in.SubscriptionArn) {
		return invalidParam("SubscriptionArn")
	}
	value := in.AttributeValue
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[in.SubscriptionArn]
	if !ok {
		return notFound("Subscription")
	}
	attrs := maps.Clone(sub.attrs)
	attrs[in.AttributeName] = value
	if value == "" {
		delete(attrs, in.AttributeName)
	}
	if in.AttributeName == "RawMessageDelivery" && value == "" {
		return invalidParam("RawMessageDelivery: Invalid value []. Must be true or false.")
	}
	st, err := s.validateSubAttrs(sub.protocol, attrs, false)
	if err != nil {
		return err
	}
	if err := checkDLQType(sub.topic, sub.endpoint, st.dlq, false); err != nil {
		return err
	}
	if st.filter != nil && sub.filter == nil {
		if err := s.checkFilterQuotaLocked(sub.topic, sub); err != nil {
			return err
		}
	}
	sub.attrs, sub.filter, sub.raw, sub.dlq, sub.delivery = st.attrs, st.filter, st.raw, st.dlq, st.delivery
	sub.topic.targets = nil
	return nil
}

// ListSubscriptions lists all subscriptions, 100 per page.
func (s *Service) ListSubscriptions(ctx context.Context, in ListSubscriptionsInput) (*ListSubscriptionsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListSubscriptions", ReadOnly: true}, in, s.listSubscriptions)
}

func (s *Service) listSubscriptions(_ context.Context, _ *event.Call, in ListSubscriptionsInput) (*ListSubscriptionsOutput, error) {
	var all []Subscription
	s.locked(func() {
		for _, a := range slices.Sorted(maps.Keys(s.topics)) {
			for _, sub := range s.topics[a].subs {
				all = append(all, sub.listEntry())
			}
		}
	})
	page, next, err := paginate(all, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &ListSubscriptionsOutput{Subscriptions: page, NextToken: next}, nil
}

// ListSubscriptionsByTopic lists a topic's subscriptions, 100 per page.
func (s *Service) ListSubscriptionsByTopic(ctx context.Context, in ListSubscriptionsByTopicInput) (*ListSubscriptionsByTopicOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListSubscriptionsByTopic", ReadOnly: true, Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.listSubscriptionsByTopic)
}

func (s *Service) listSubscriptionsByTopic(ctx context.Context, _ *event.Call, in ListSubscriptionsByTopicInput) (*ListSubscriptionsByTopicOutput, error) {
	var all []Subscription
	var err error
	s.locked(func() {
		var t *topic
		t, err = s.lookupTopic(in.TopicArn)
		if err == nil {
			err = s.authorize(ctx, t, "ListSubscriptionsByTopic")
		}
		if err == nil {
			for _, sub := range t.subs {
				all = append(all, sub.listEntry())
			}
		}
	})
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(all, in.NextToken)
	if err != nil {
		return nil, err
	}
	return &ListSubscriptionsByTopicOutput{Subscriptions: page, NextToken: next}, nil
}

func (sub *subscription) listEntry() Subscription {
	a := sub.arn
	if sub.pending {
		a = "PendingConfirmation"
	}
	return Subscription{SubscriptionArn: a, Owner: sub.owner, Protocol: sub.protocol, Endpoint: sub.endpoint, TopicArn: sub.topic.arn}
}

// checkDLQType: a FIFO subscription (a FIFO queue) to a FIFO topic
// dead-letters to a FIFO queue, a standard topic's subscriptions to standard
// queues; a standard queue subscribed to a FIFO topic may use a standard one
// (AWS, recorded 2025).
func checkDLQType(t *topic, endpoint, dlq string, viaSubscribe bool) error {
	if dlq == "" {
		return nil
	}
	fifoSub := t.fifo && strings.HasSuffix(endpoint, ".fifo")
	if fifoSub == strings.HasSuffix(dlq, ".fifo") || t.fifo && !fifoSub {
		return nil
	}
	reason := ""
	if viaSubscribe {
		reason = "Attributes Reason: "
	}
	if fifoSub {
		return invalidParam("%sRedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.", reason)
	}
	return invalidParam("%sRedrivePolicy: must use a standard queue as DLQ for a standard Subscription to a standard Topic.", reason)
}

// checkFIFOEndpoint applies AWS's pairing of topic and queue types: a FIFO
// topic delivers to SQS queues only, FIFO or standard (standard queues since
// 2025: the ordering then holds only for FIFO queues), and a FIFO queue cannot
// subscribe to a standard topic. AWS's message for the latter repeats its
// "Invalid parameter: " prefix; so do we.
func checkFIFOEndpoint(t *topic, protocol, endpoint string) error {
	fifoQueue := protocol == ProtocolSQS && strings.HasSuffix(endpoint, ".fifo")
	switch {
	case t.fifo && protocol != ProtocolSQS:
		return invalidParam("Protocol Reason: FIFO topics currently only support SQS FIFO queues as endpoints")
	case !t.fifo && fifoQueue:
		return invalidParam("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
	}
	return nil
}

// subAttrDefaults are the values a subscription has for attributes it was
// not given, as Subscribe's idempotency check compares them.
var subAttrDefaults = map[string]string{"RawMessageDelivery": "false", "FilterPolicyScope": string(filterpolicy.ScopeMessageAttributes)}

// normSubAttr normalises a subscription attribute for comparison: booleans
// case-insensitively, JSON policies compactly.
func normSubAttr(name, value string) string {
	if value == "" {
		value = subAttrDefaults[name]
	}
	switch name {
	case "RawMessageDelivery":
		return strings.ToLower(value)
	case "FilterPolicy", "DeliveryPolicy", "RedrivePolicy":
		var b bytes.Buffer
		if json.Compact(&b, []byte(value)) == nil {
			return b.String()
		}
	}
	return value
}

// sameSubAttrs reports whether a Subscribe's attributes agree with a stored
// subscription's, as AWS decides whether a repeated Subscribe returns the
// existing subscription: every attribute given (none, or an empty map, agree)
// must equal the stored value or, when none was stored, the default
// ("True" equals "true"; FilterPolicyScope MessageAttributes equals no scope).
func sameSubAttrs(stored, given map[string]string) bool {
	for k, v := range given {
		if normSubAttr(k, v) != normSubAttr(k, stored[k]) {
			return false
		}
	}
	return true
}
