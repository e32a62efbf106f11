package sns

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/sns/filterpolicy"
)

// publication is what one Publish / PublishBatch delivers: the admitted
// messages and a snapshot of the topic's confirmed subscriptions, taken under
// the lock and delivered after it is released.
type publication struct {
	topic       string
	displayName string
	sigVersion  string
	fifo        bool
	time        time.Time
	msgs        []pubMessage
	targets     []target
}

type pubMessage struct {
	*message
	id, seq string

	attrMsg   *filterpolicy.Message
	bodyMsgs  map[string]*filterpolicy.Message // by body text; nil value: not a JSON object
	signature map[string]string                // by message text
}

// target is an immutable snapshot of a subscription for delivery.
type target struct {
	subArn, protocol, endpoint string
	raw                        bool
	dlq                        string
	filter                     *filterpolicy.Policy
	retry                      RetryPolicy
	contentType                string
	maxPerSecond               int    // HTTP/S throttlePolicy.maxReceivesPerSecond
	endpointKey                string // HTTP/S: the scheme and host the POSTs go to
}

// endpointKey names the party an HTTP/S endpoint reaches: its scheme and host
// (with port). Deliveries are bounded per key, so one slow host holds only its
// own share of the workers.
func endpointKey(protocol, endpoint string) string {
	if protocol != ProtocolHTTP && protocol != ProtocolHTTPS {
		return ""
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	return u.Scheme + "://" + strings.ToLower(u.Host)
}

// DeliveryAttempt reports one attempt to deliver a message to a subscription
// (the analogue of SNS delivery status logs).
type DeliveryAttempt struct {
	Time            time.Time
	MessageId       string
	TopicArn        string
	SubscriptionArn string
	Protocol        string
	Endpoint        string
	// Type is Notification, SubscriptionConfirmation or UnsubscribeConfirmation.
	Type string
	// Attempt counts from 1; retries reuse the MessageId.
	Attempt int
	// StatusCode is the HTTP status (HTTP/S only; 0 when no response arrived).
	StatusCode int
	// Err is nil when the attempt delivered the message.
	Err error
	// Final is true when no further attempt will follow.
	Final bool
	// DeadLettered is true when the message went to the subscription's
	// dead-letter queue after this attempt.
	DeadLettered bool
}

// text returns the message body for protocol (MessageStructure=json picks the
// protocol's key, falling back to "default").
func (m *pubMessage) text(protocol string) string {
	if m.perProtocol != nil {
		if v, ok := m.perProtocol[protocol]; ok {
			return v
		}
	}
	return m.body
}

// accepts applies the subscription's filter policy, flattening the message at
// most once per scope and body text.
func (m *pubMessage) accepts(t *target) bool {
	if t.filter == nil {
		return true
	}
	if t.filter.Scope() == filterpolicy.ScopeMessageBody {
		body := m.text(t.protocol)
		if m.bodyMsgs == nil {
			m.bodyMsgs = map[string]*filterpolicy.Message{}
		}
		fm, ok := m.bodyMsgs[body]
		if !ok {
			fm, _ = filterpolicy.FromJSON([]byte(body))
			m.bodyMsgs[body] = fm
		}
		return fm != nil && t.filter.Matches(fm)
	}
	if m.attrMsg == nil {
		fa := make(map[string]filterpolicy.Attribute, len(m.attrs))
		for k, v := range m.attrs {
			fa[k] = filterpolicy.Attribute{DataType: v.DataType, StringValue: v.StringValue}
		}
		m.attrMsg = filterpolicy.FromAttributes(fa)
	}
	return t.filter.Matches(m.attrMsg)
}

func envelopeAttrs(attrs map[string]MessageAttributeValue, lambda bool) map[string]EnvelopeAttribute {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]EnvelopeAttribute, len(attrs))
	for k, v := range attrs {
		a := EnvelopeAttribute{Type: v.DataType, Value: v.StringValue}
		if strings.HasPrefix(v.DataType, "Binary") {
			a.Value = base64.StdEncoding.EncodeToString(v.BinaryValue)
		}
		if lambda && (v.DataType == "String.Array" || strings.HasPrefix(v.DataType, "Number")) {
			a.Type = "String"
		}
		out[k] = a
	}
	return out
}

// envelope builds the signed Notification for a target.
func (s *Service) envelope(p *publication, m *pubMessage, t *target) (*Envelope, error) {
	body := m.text(t.protocol)
	e := &Envelope{
		Type: TypeNotification, MessageId: m.id, TopicArn: p.topic, Subject: m.subject, Message: body,
		Timestamp: timestamp(p.time), UnsubscribeURL: s.endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + t.subArn,
	}
	if p.fifo {
		e.SequenceNumber = m.seq
	}
	if m.perProtocol == nil {
		e.MessageAttributes = envelopeAttrs(m.attrs, false)
	}
	if p.fifo {
		// AWS does not sign FIFO notifications: the body is Type, MessageId,
		// SequenceNumber, TopicArn, [Subject,] Message, Timestamp,
		// UnsubscribeURL[, MessageAttributes] (recorded 2025).
		return e, nil
	}
	h, err := s.signer()
	if err != nil {
		return nil, err
	}
	e.SigningCertURL = s.endpoint + "/" + h.file
	// The signature covers only fields shared by every subscription, so each
	// message text is signed once per publication.
	if sig, ok := m.signature[body]; ok {
		e.SignatureVersion, e.Signature = versionOr1(p.sigVersion), sig
		return e, nil
	}
	if err := signEnvelope(e, h.key, p.sigVersion); err != nil {
		return nil, err
	}
	if m.signature == nil {
		m.signature = map[string]string{}
	}
	m.signature[body] = e.Signature
	return e, nil
}

func versionOr1(v string) string {
	if v == "" {
		return "1"
	}
	return v
}

// job is one message on its way to one subscription, with its retry state.
type job struct {
	topic   string
	target  target
	msgType string
	id      string
	attempt int
	seq     uint64 // queue order (HTTP/S)
	// Prepared payloads.
	body      string                           // HTTP body, queue body, outbox body
	headers   http.Header                      // HTTP
	queueAttr map[string]MessageAttributeValue // SQS
	queueSys  map[string]string                // SQS FIFO system attributes
	lambda    *LambdaEvent
	// outside marks a Go function's retry fired by the clock on a service
	// with a journal: it is attempted by the delivery workers, outside any
	// call, like an HTTP/S POST (see retryOutside).
	outside bool
	subject string // outbox
	from    string // outbox (e-mail)
	dlqBody string
}

// deliverAll delivers a publication synchronously, in subscription order.
func (s *Service) deliverAll(ctx context.Context, p *publication) {
	if p == nil {
		return
	}
	for i := range p.msgs {
		m := &p.msgs[i]
		for j := range p.targets {
			t := &p.targets[j]
			if !m.accepts(t) {
				continue
			}
			j, err := s.prepare(p, m, t)
			if err != nil {
				s.op.Logger.Error("sns: preparing delivery", "subscription", t.subArn, "err", err)
				continue
			}
			s.dispatch(ctx, j)
		}
	}
}

// prepare builds the payload a target receives.
func (s *Service) prepare(p *publication, m *pubMessage, t *target) (*job, error) {
	j := &job{topic: p.topic, target: *t, msgType: TypeNotification, id: m.id, from: emailFrom(p.displayName)}
	body := m.text(t.protocol)
	rawOK := t.raw && (t.protocol == ProtocolSQS || t.protocol == ProtocolHTTP || t.protocol == ProtocolHTTPS || t.protocol == ProtocolFirehose)
	var envJSON string
	if !rawOK {
		switch t.protocol {
		case ProtocolEmail, ProtocolSMS, ProtocolApplication:
		default:
			e, err := s.envelope(p, m, t)
			if err != nil {
				return nil, err
			}
			b, _ := e.MarshalJSON()
			envJSON = string(b)
			if t.protocol == ProtocolLambda {
				lm := LambdaMessage{Type: e.Type, MessageId: e.MessageId, TopicArn: e.TopicArn, Message: e.Message, Timestamp: e.Timestamp,
					SignatureVersion: e.SignatureVersion, Signature: e.Signature, SigningCertUrl: e.SigningCertURL, UnsubscribeUrl: e.UnsubscribeURL,
					MessageAttributes: envelopeAttrs(m.attrs, true)}
				if lm.MessageAttributes == nil {
					lm.MessageAttributes = map[string]EnvelopeAttribute{}
				}
				if m.subject != "" {
					subj := m.subject
					lm.Subject = &subj
				}
				j.lambda = &LambdaEvent{Records: []LambdaRecord{{EventSource: "aws:sns", EventVersion: "1.0", EventSubscriptionArn: t.subArn, Sns: lm}}}
			}
		}
	}
	j.dlqBody = envJSON
	if rawOK {
		j.dlqBody = body
	}
	switch t.protocol {
	case ProtocolHTTP, ProtocolHTTPS:
		j.headers = s.headers(TypeNotification, m.id, p.topic, t.subArn, t.contentType)
		if rawOK {
			j.body = body
			j.headers.Set("x-amz-sns-rawdelivery", "true")
		} else {
			j.body = envJSON
		}
	case ProtocolSQS:
		if rawOK {
			j.body = body
			j.queueAttr = m.attrs
		} else {
			j.body = envJSON
		}
		switch fifoQueue := strings.HasSuffix(t.endpoint, ".fifo"); {
		case p.fifo && fifoQueue:
			j.queueSys = map[string]string{"MessageGroupId": m.groupID, "MessageDeduplicationId": m.dedupID, "SequenceNumber": m.seq}
		case !p.fifo && m.groupID != "":
			// A standard topic passes MessageGroupId on to standard queues
			// (SQS fair queues); a FIFO topic does not to a standard queue
			// (AWS, recorded 2025).
			j.queueSys = map[string]string{"MessageGroupId": m.groupID}
		}
	case ProtocolEmail:
		j.subject = m.subject
		if j.subject == "" {
			j.subject = "AWS Notification Message"
		}
		j.body = body + "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n" +
			s.endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + t.subArn +
			"\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support"
	case ProtocolEmailJSON:
		j.subject = m.subject
		if j.subject == "" {
			j.subject = "AWS Notification Message"
		}
		j.body = envJSON
	case ProtocolFirehose:
		if rawOK {
			j.body = body
		} else {
			j.body = envJSON
		}
	default: // sms, application
		j.body = body
	}
	return j, nil
}

func (s *Service) headers(msgType, id, topicARN, subARN, contentType string) http.Header {
	h := http.Header{}
	h.Set("x-amz-sns-message-type", msgType)
	h.Set("x-amz-sns-message-id", id)
	h.Set("x-amz-sns-topic-arn", topicARN)
	if subARN != "" {
		h.Set("x-amz-sns-subscription-arn", subARN)
	}
	if contentType == "" {
		contentType = "text/plain; charset=UTF-8"
	}
	h.Set("Content-Type", contentType)
	h.Set("User-Agent", "Amazon Simple Notification Service Agent")
	h.Set("Connection", "Keep-Alive")
	return h
}

// errClient marks a delivery failure SNS does not retry (the endpoint does not
// exist): it goes to the dead-letter queue at once.
type clientError struct{ msg string }

func (e *clientError) Error() string { return e.msg }

// finalError is a server-side failure not worth retrying (the endpoint's
// queue is full): dead-lettered with ErrorCode ServerError.
type finalError struct{ msg string }

func (e *finalError) Error() string { return e.msg }

// attempt makes one delivery attempt.
func (s *Service) attempt(ctx context.Context, j *job) (status int, err error) {
	switch j.target.protocol {
	case ProtocolSQS:
		q, ok := s.Queue(j.target.endpoint)
		if !ok {
			return 0, &clientError{"queue " + j.target.endpoint + " does not exist"}
		}
		if len(j.queueAttr) > 10 {
			return 0, &clientError{"raw delivery to SQS carries at most 10 message attributes"}
		}
		q.send(j.body, j.queueAttr, j.queueSys)
		return 0, nil
	case ProtocolLambda:
		fn, ok := s.lookupFunction(j.target.endpoint)
		if !ok {
			return 0, &clientError{"function " + j.target.endpoint + " does not exist"}
		}
		return 0, s.callFunction(ctx, fn, *j.lambda)
	case ProtocolApplication:
		if err := s.endpointUsable(j.target.endpoint); err != nil {
			return 0, err
		}
		s.addOutbox(OutboxMessage{Time: s.op.Clock.Now(), Protocol: j.target.protocol, Endpoint: j.target.endpoint, TopicArn: j.topic,
			SubscriptionArn: j.target.subArn, MessageId: j.id, Type: j.msgType, Body: j.body})
		return 0, nil
	default:
		s.addOutbox(OutboxMessage{Time: s.op.Clock.Now(), Protocol: j.target.protocol, Endpoint: j.target.endpoint, TopicArn: j.topic,
			SubscriptionArn: j.target.subArn, MessageId: j.id, Type: j.msgType, From: j.from, Subject: j.subject, Body: j.body})
		return 0, nil
	}
}

// callFunction calls a subscribed Go function under recover: a panic is a
// failed delivery (retried as an error would be) and is logged.
func (s *Service) callFunction(ctx context.Context, fn Function, ev LambdaEvent) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("function panicked: %v", r)
			s.op.Logger.Error("sns: subscribed function panicked", "subscription", ev.Records[0].EventSubscriptionArn, "panic", r)
		}
	}()
	return fn(ctx, ev)
}

// postHTTP makes the HTTP/S POST. SNS counts statuses 200–4xx as delivered and
// anything else (5xx, 1xx/3xx outside that range never happen after the
// client's redirect handling) or a transport error as a failed attempt.
func (s *Service) postHTTP(ctx context.Context, endpoint string, h http.Header, body string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return 0, &clientError{err.Error()}
	}
	req.Header = h.Clone()
	resp, err := s.httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 500 {
		return resp.StatusCode, fmt.Errorf("endpoint answered HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// retryState is a job waiting for its next attempt on the clock.
type retryState struct {
	j   *job
	due time.Time // when the timer fires
	arm uint64    // the timer's place in the service's arming order (Service.armSeq)
}

// retryTimerName names the timer of a job waiting for its next attempt (or
// for its throttle): unique among the service's pending timers, since a
// message (or control message) waits for one subscription at most once.
func retryTimerName(j *job) string {
	return "sns/retry " + j.target.subArn + " " + j.msgType + " " + j.id
}

// nextDelay returns the wait before the retry after j.attempt attempts.
func (j *job) nextDelay() (time.Duration, bool) {
	switch j.target.protocol {
	case ProtocolHTTP, ProtocolHTTPS:
		if j.attempt > j.target.retry.NumRetries {
			return 0, false
		}
		return j.target.retry.delay(j.attempt), true
	case ProtocolLambda:
		return managedDelay(j.attempt)
	}
	return 0, false
}

// remote reports whether j goes to a party outside the process (HTTP/S): it
// is queued for the workers instead of attempted in the calling goroutine.
func (j *job) remote() bool {
	return j.target.protocol == ProtocolHTTP || j.target.protocol == ProtocolHTTPS || j.outside
}

// retryOutside makes a Go function's retry, fired by the clock, an attempt
// of the delivery workers when the service has a journal. Called inside the
// clock's tick, the function's outcome (and anything it calls) would be part
// of the tick, which a journal replays by firing the timer again: replay
// would call the user's function again, and its outcome, not recorded,
// could differ. Made by the workers (Run or Settle), the attempt is outside
// any call: its outcome is journaled as a delivery result
// (opDeliveryResult), which replay applies without calling the function, and
// what the function calls is journaled as calls of its own. The first
// attempt and its immediate retries still run inside the Publish, before it
// returns.
func (s *Service) retryOutside(j *job) {
	if j.target.protocol != ProtocolLambda || s.op.Journal == nil {
		return
	}
	j.outside = true
	j.target.endpointKey = "lambda:" + j.target.endpoint
}

// dispatch moves j on: it waits on the clock for the throttle, is queued for
// the workers (HTTP/S), or is attempted here (queues, functions, the outbox:
// in-process, deterministic) until it is delivered, must wait for a retry (a
// timer on the clock), or fails for good (dead-lettered or dropped).
func (s *Service) dispatch(ctx context.Context, j *job) {
	for {
		if wait := s.throttleWait(j); wait > 0 {
			s.schedule(j, wait)
			return
		}
		if j.remote() {
			if err := s.disp.push(j); errors.Is(err, errQueueFull) {
				// An endpoint that has fallen this far behind is failing:
				// the message fails for good (dead-lettered if the
				// subscription has a queue for it) instead of holding
				// memory that every other party needs.
				j.attempt++
				s.afterAttempt(j, 0, &finalError{fmt.Sprintf("%v: %d messages wait for %s", err, s.disp.maxQueued, j.target.endpointKey)})
			}
			return
		}
		j.attempt++
		status, err := s.attempt(ctx, j)
		if !s.afterAttempt(j, status, err) {
			return
		}
	}
}

// afterAttempt reports an attempt and decides what follows: nothing
// (delivered, or failed for good and dead-lettered or dropped), a retry on the
// clock, or an immediate retry (it returns true).
func (s *Service) afterAttempt(j *job, status int, err error) (retryNow bool) {
	rep := DeliveryAttempt{Time: s.op.Clock.Now(), MessageId: j.id, TopicArn: j.topic, SubscriptionArn: j.target.subArn, Protocol: j.target.protocol,
		Endpoint: j.target.endpoint, Type: j.msgType, Attempt: j.attempt, StatusCode: status, Err: err}
	if err == nil {
		rep.Final = true
		s.report(rep)
		return false
	}
	var ce *clientError
	var fe *finalError
	d, again := j.nextDelay()
	if errors.As(err, &ce) || errors.As(err, &fe) || !again || j.msgType != TypeNotification {
		rep.Final = true
		rep.DeadLettered = j.msgType == TypeNotification && s.deadLetter(j, err)
		s.report(rep)
		return false
	}
	s.report(rep)
	if d <= 0 {
		return true
	}
	s.schedule(j, d)
	return false
}

// schedule runs j again after d on the clock.
func (s *Service) schedule(j *job, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.op.Closed() {
		return
	}
	s.armRetryLocked(j, s.op.Clock.Now().Add(d))
}

// armRetryLocked arms the timer that runs j again at due (s.mu held).
func (s *Service) armRetryLocked(j *job, due time.Time) {
	s.armSeq++
	st := &retryState{j: j, due: due, arm: s.armSeq}
	s.timers[st] = clock.AfterFuncNamed(s.op.Clock, retryTimerName(j), due.Sub(s.op.Clock.Now()), func() {
		if s.takeTimer(st) {
			defer s.recoverJob("retry", st.j)
			s.retryOutside(st.j)
			s.dispatch(context.Background(), st.j)
		}
	})
}

// takeTimer forgets a fired retry timer and reports whether it was still
// live (not stopped by Close).
func (s *Service) takeTimer(st *retryState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, live := s.timers[st]
	delete(s.timers, st)
	return live
}

// throttleWait applies the subscription's maxReceivesPerSecond: it counts an
// attempt against the current clock second, or returns how long to wait for
// the next second when the budget is spent.
func (s *Service) throttleWait(j *job) time.Duration {
	limit := j.target.maxPerSecond
	if limit <= 0 || j.msgType != TypeNotification {
		return 0
	}
	now := s.op.Clock.Now()
	sec := now.Truncate(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.throttles[j.target.subArn]
	if st == nil || !st.second.Equal(sec) {
		st = &throttleState{second: sec}
		s.throttles[j.target.subArn] = st
	}
	if st.n < limit {
		st.n++
		return 0
	}
	return sec.Add(time.Second).Sub(now)
}

type throttleState struct {
	second time.Time
	n      int
}

// MaxRecentDeliveries is how many delivery attempts RecentDeliveries keeps.
const MaxRecentDeliveries = 500

// recentDeliveries is a ring of the latest attempts. Its zero value is ready.
type recentDeliveries struct {
	mu   sync.Mutex // guards ring and next
	ring []DeliveryAttempt
	next int
}

func (r *recentDeliveries) add(a DeliveryAttempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ring) < MaxRecentDeliveries {
		r.ring = append(r.ring, a)
		return
	}
	r.ring[r.next] = a
	r.next = (r.next + 1) % MaxRecentDeliveries
}

// RecentDeliveries returns the latest delivery attempts to HTTP/S endpoints,
// queues, functions and the outbox — successes, retries and final failures —
// newest first, at most MaxRecentDeliveries of them (what the console's SNS
// page shows; CloudWatch's SNS delivery-status logs are the AWS equivalent).
func (s *Service) RecentDeliveries() []DeliveryAttempt {
	r := &s.recent
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]DeliveryAttempt, 0, len(r.ring))
	for i := len(r.ring) - 1; i >= 0; i-- {
		out = append(out, r.ring[(r.next+i)%len(r.ring)])
	}
	return out
}

// report logs an attempt, keeps it for RecentDeliveries and calls
// Options.OnDelivery under recover.
func (s *Service) report(a DeliveryAttempt) {
	s.op.Logger.Debug("sns: delivery attempt", "messageId", a.MessageId, "subscription", a.SubscriptionArn, "attempt", a.Attempt, "err", a.Err)
	s.recent.add(a)
	if s.onDelivery == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.op.Logger.Error("sns: OnDelivery panicked", "messageId", a.MessageId, "subscription", a.SubscriptionArn, "panic", r)
		}
	}()
	s.onDelivery(a)
}

// recoverJob, deferred by scheduled work, reports a panic and lets the clock
// go on.
func (s *Service) recoverJob(what string, j *job) {
	if r := recover(); r != nil {
		s.op.Logger.Error("sns: scheduled delivery panicked", "job", what, "messageId", j.id, "subscription", j.target.subArn, "panic", r)
	}
}

// deadLetter moves a failed message to the subscription's dead-letter queue,
// with the ErrorCode, ErrorMessage and RequestID message attributes SNS adds.
// It reports whether a queue took the message.
func (s *Service) deadLetter(j *job, cause error) bool {
	if j.target.dlq == "" {
		return false
	}
	q, ok := s.Queue(j.target.dlq)
	if !ok {
		return false
	}
	code := "ServerError"
	var ce *clientError
	if errors.As(cause, &ce) {
		code = "ClientError"
	}
	attrs := map[string]MessageAttributeValue{
		"ErrorCode":    {DataType: "String", StringValue: code},
		"ErrorMessage": {DataType: "String", StringValue: cause.Error()},
		"RequestID":    {DataType: "String", StringValue: s.op.IDs.UUID()},
	}
	if j.target.raw {
		maps.Copy(attrs, j.queueAttr)
	}
	q.send(j.dlqBody, attrs, j.queueSys)
	return true
}

// ---- confirmation and unsubscribe messages ----

// outgoing is a control message prepared under the lock and sent after.
type outgoing struct {
	protocol, endpoint, subArn, topicArn, sigVersion, contentType, displayName string
	env                                                                        *Envelope
}

// controlMessageLocked builds a SubscriptionConfirmation or
// UnsubscribeConfirmation for sub (lock held). The unsubscribe token restores
// the subscription when confirmed, as visiting its SubscribeURL does in AWS.
func (s *Service) controlMessageLocked(sub *subscription, typ string) *outgoing {
	t := sub.topic
	_, ct := sub.httpPolicy(t)
	e := &Envelope{Type: typ, MessageId: s.op.IDs.UUID(), TopicArn: t.arn, Timestamp: timestamp(s.op.Clock.Now())}
	if typ == TypeSubscriptionConfirmation {
		e.Token = sub.token
		e.Message = "You have chosen to subscribe to the topic " + t.arn + ".\nTo confirm the subscription, visit the SubscribeURL included in this message."
	} else {
		if sub.token != "" {
			delete(s.tokens, sub.token)
		}
		sub.token = s.newToken()
		sub.tokenExpires = s.op.Clock.Now().Add(tokenLifetime)
		sub.pending = true
		s.tokens[sub.token] = sub
		e.Token = sub.token
		e.Message = "You have chosen to deactivate subscription " + sub.arn + ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
	}
	e.SubscribeURL = s.endpoint + "/?Action=ConfirmSubscription&TopicArn=" + t.arn + "&Token=" + e.Token
	return &outgoing{protocol: sub.protocol, endpoint: sub.endpoint, subArn: sub.arn, topicArn: t.arn, sigVersion: t.attrs["SignatureVersion"], contentType: ct, displayName: t.attrs["DisplayName"], env: e}
}

// sendConfirmation signs and sends a control message (one attempt).
func (s *Service) sendConfirmation(ctx context.Context, o *outgoing) {
	if o == nil {
		return
	}
	h, err := s.signer()
	if err != nil {
		s.op.Logger.Error("sns: signing key", "err", err)
		return
	}
	o.env.SigningCertURL = s.endpoint + "/" + h.file
	if err := signEnvelope(o.env, h.key, o.sigVersion); err != nil {
		s.op.Logger.Error("sns: signing", "err", err)
		return
	}
	b, _ := o.env.MarshalJSON()
	j := &job{topic: o.topicArn, msgType: o.env.Type, id: o.env.MessageId, body: string(b), from: emailFrom(o.displayName),
		target: target{subArn: o.subArn, protocol: o.protocol, endpoint: o.endpoint, endpointKey: endpointKey(o.protocol, o.endpoint)}}
	switch o.protocol {
	case ProtocolHTTP, ProtocolHTTPS:
		// AWS's SubscriptionConfirmation carries no subscription-arn header.
		sub := o.subArn
		if o.env.Type == TypeSubscriptionConfirmation {
			sub = ""
		}
		j.headers = s.headers(o.env.Type, o.env.MessageId, o.topicArn, sub, o.contentType)
	case ProtocolEmail:
		j.subject = "AWS Notification - Subscription Confirmation"
		j.body = "You have chosen to subscribe to the topic: \n" + o.topicArn +
			"\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary): \nConfirm subscription " + o.env.SubscribeURL +
			"\n\nPlease do not reply directly to this email. If you wish to remove yourself from receiving all future SNS subscription confirmation requests please send an email to sns-opt-out"
	case ProtocolEmailJSON:
		j.subject = "AWS Notification - Subscription Confirmation"
	case ProtocolSQS, ProtocolLambda, ProtocolFirehose:
		// Cross-account AWS endpoints: the confirmation goes to the queue if we
		// hold it; otherwise the owner confirms with the token out of band.
		if o.protocol != ProtocolSQS {
			return
		}
		if _, ok := s.Queue(o.endpoint); !ok {
			return
		}
	default:
		return
	}
	s.dispatch(ctx, j)
}

func emailFrom(displayName string) string {
	if displayName == "" {
		displayName = "AWS Notifications"
	}
	return displayName + " <no-reply@sns.amazonaws.com>"
}
