package sns

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/ids"
)

// Queue is an in-memory analogue of an Amazon SQS queue, the endpoint of "sqs"
// subscriptions and the target of RedrivePolicy dead-letter queues. Messages
// stay until deleted; a received message is invisible for the visibility
// timeout (on the service clock) and then may be received again. A FIFO queue
// (name ending in ".fifo") returns messages in order and holds back a message
// group while one of its messages is in flight. Retention periods, long
// polling and queue policies are not modelled. Safe for concurrent use.
type Queue struct {
	arn, name string
	fifo      bool
	clock     clock.Clock
	ids       *ids.Source
	// svc runs the queue's changes as the service's journaled operations
	// (nil for a queue built outside a Service).
	svc *Service

	mu                sync.Mutex // guards visibilityTimeout, msgs and deleted
	visibilityTimeout time.Duration
	msgs              []*queued
	deleted           bool
}

type queued struct {
	msg       QueueMessage
	sent      time.Time
	visibleAt time.Time
	receives  int
	groupID   string
}

// QueueMessage is a message as ReceiveMessage returns it. Attributes hold the
// system attributes (SentTimestamp, ApproximateReceiveCount,
// ApproximateFirstReceiveTimestamp, SenderId, and MessageGroupId /
// MessageDeduplicationId / SequenceNumber on FIFO queues).
type QueueMessage struct {
	MessageId         string
	ReceiptHandle     string
	MD5OfBody         string
	Body              string
	Attributes        map[string]string
	MessageAttributes map[string]MessageAttributeValue
}

// ReceiveMessageInput is the input of Queue.ReceiveMessage.
type ReceiveMessageInput struct {
	// MaxNumberOfMessages is 1–10 (0 means 1).
	MaxNumberOfMessages int
	// VisibilityTimeout overrides the queue's (0–43200 seconds).
	VisibilityTimeout *int
}

// ReceiveMessageOutput is the output of Queue.ReceiveMessage.
type ReceiveMessageOutput struct {
	Messages []QueueMessage
}

func validQueueName(name string) bool {
	base := strings.TrimSuffix(name, ".fifo")
	if base == "" || len(name) > 80 {
		return false
	}
	for _, c := range base {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// CreateQueue creates (or returns) the in-memory queue name in the service's
// account and Region; its ARN is arn:aws:sqs:<region>:<account>:<name>. It is
// not an SNS API call (CloudTrail records nothing) but it changes the
// service's state, so an account with a DataDir journals it
// (localwatch:CreateQueue) like the delivery results.
func (s *Service) CreateQueue(name string) (*Queue, error) {
	return op.Do(s.unrecorded, &s.op, event.Call{Name: opCreateQueue}, queueInput{Name: name}, s.createQueue)
}

// queueInput names a queue for the journaled queue operations.
type queueInput struct{ Name string }

func (s *Service) createQueue(_ context.Context, _ *event.Call, in queueInput) (*Queue, error) {
	name := in.Name
	if !validQueueName(name) {
		return nil, codeErr("InvalidParameterValue", 400, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	a := arn.New("sqs", s.op.Region, s.op.AccountID, name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if q, ok := s.queues[a]; ok {
		return q, nil
	}
	q := &Queue{arn: a, name: name, fifo: strings.HasSuffix(name, ".fifo"), clock: s.op.Clock, ids: s.op.IDs, svc: s, visibilityTimeout: 30 * time.Second}
	s.queues[a] = q
	return q, nil
}

// Queue returns the queue with that ARN or name.
func (s *Service) Queue(arnOrName string) (*Queue, bool) {
	a := arnOrName
	if !strings.HasPrefix(a, "arn:") {
		a = arn.New("sqs", s.op.Region, s.op.AccountID, arnOrName)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.queues[a]
	return q, ok
}

// DeleteQueue deletes a queue; deliveries to it then fail as a client error.
// Like CreateQueue it is journaled (localwatch:DeleteQueue).
func (s *Service) DeleteQueue(arnOrName string) {
	_, _ = op.Do(s.unrecorded, &s.op, event.Call{Name: opDeleteQueue}, queueInput{Name: arnOrName}, s.deleteQueue)
}

func (s *Service) deleteQueue(_ context.Context, _ *event.Call, in queueInput) (struct{}, error) {
	q, ok := s.Queue(in.Name)
	if !ok {
		return struct{}{}, nil
	}
	s.locked(func() { delete(s.queues, q.arn) })
	q.locked(func() { q.deleted = true })
	return struct{}{}, nil
}

// locked runs f with q.mu held, released even if f panics.
func (q *Queue) locked(f func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	f()
}

// ARN returns the queue ARN.
func (q *Queue) ARN() string { return q.arn }

// Name returns the queue name.
func (q *Queue) Name() string { return q.name }

// SetVisibilityTimeout sets the queue's default visibility timeout (SQS's
// VisibilityTimeout attribute, 0–43200 seconds; default 30). Journaled
// (localwatch:QueueSetVisibilityTimeout), like every change of a queue.
func (q *Queue) SetVisibilityTimeout(seconds int) error {
	_, err := queueOp(q, opQueueSetVisibilityTimeout, queueChangeInput{Queue: q.arn, Seconds: seconds}, (*Service).queueSetVisibilityTimeout)
	return err
}

func (s *Service) queueSetVisibilityTimeout(_ context.Context, _ *event.Call, in queueChangeInput) (struct{}, error) {
	return struct{}{}, in.queue(s, func(q *Queue) error { return q.setVisibilityTimeout(in.Seconds) })
}

func (q *Queue) setVisibilityTimeout(seconds int) error {
	if seconds < 0 || seconds > 43200 {
		return codeErr("InvalidAttributeValue", 400, "Invalid value for the parameter VisibilityTimeout.")
	}
	q.locked(func() { q.visibilityTimeout = time.Duration(seconds) * time.Second })
	return nil
}

// SendMessage adds a message, as SQS SendMessage does, and returns its
// MessageId. Journaled (localwatch:QueueSendMessage).
func (q *Queue) SendMessage(body string, attrs map[string]MessageAttributeValue) string {
	id, _ := queueOp(q, opQueueSendMessage, queueSendInput{Queue: q.arn, Body: body, MessageAttributes: attrs}, (*Service).queueSendMessage)
	return id
}

// queueSendInput is the journaled input of Queue.SendMessage.
type queueSendInput struct {
	Queue             string
	Body              string
	MessageAttributes map[string]MessageAttributeValue

	q *Queue // the live queue; absent on replay
}

func (s *Service) queueSendMessage(_ context.Context, _ *event.Call, in queueSendInput) (id string, _ error) {
	err := queueOf(s, in.q, in.Queue, func(q *Queue) error {
		id = q.send(in.Body, in.MessageAttributes, nil)
		return nil
	})
	return id, err
}

func (q *Queue) send(body string, attrs map[string]MessageAttributeValue, sys map[string]string) string {
	sum := md5.Sum([]byte(body))
	now := q.clock.Now()
	m := &queued{sent: now, visibleAt: now, msg: QueueMessage{MessageId: q.ids.UUID(), MD5OfBody: hex.EncodeToString(sum[:]), Body: body, MessageAttributes: attrs}}
	m.msg.Attributes = map[string]string{"SentTimestamp": strconv.FormatInt(now.UnixMilli(), 10), "SenderId": "AIDAIT2UOQQY3AUEKVGXU"}
	for k, v := range sys {
		m.msg.Attributes[k] = v
	}
	m.groupID = sys["MessageGroupId"]
	q.locked(func() { q.msgs = append(q.msgs, m) })
	return m.msg.MessageId
}

// ReceiveMessage returns up to MaxNumberOfMessages visible messages and hides
// them for the visibility timeout. It changes the queue (visibility, receive
// counts, receipt handles), so it is journaled (localwatch:QueueReceiveMessage).
func (q *Queue) ReceiveMessage(in ReceiveMessageInput) (*ReceiveMessageOutput, error) {
	return queueOp(q, opQueueReceiveMessage, queueReceiveInput{Queue: q.arn, ReceiveMessageInput: in}, (*Service).queueReceiveMessage)
}

// queueReceiveInput is the journaled input of Queue.ReceiveMessage.
type queueReceiveInput struct {
	Queue string
	ReceiveMessageInput

	q *Queue
}

func (s *Service) queueReceiveMessage(_ context.Context, _ *event.Call, in queueReceiveInput) (out *ReceiveMessageOutput, _ error) {
	err := queueOf(s, in.q, in.Queue, func(q *Queue) (err error) {
		out, err = q.receiveMessage(in.ReceiveMessageInput)
		return err
	})
	if out == nil && err == nil {
		out = &ReceiveMessageOutput{Messages: []QueueMessage{}}
	}
	return out, err
}

func (q *Queue) receiveMessage(in ReceiveMessageInput) (*ReceiveMessageOutput, error) {
	n := in.MaxNumberOfMessages
	if n == 0 {
		n = 1
	}
	if n < 1 || n > 10 {
		return nil, codeErr("InvalidParameterValue", 400, "Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", n)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	vt := q.visibilityTimeout
	if in.VisibilityTimeout != nil {
		if *in.VisibilityTimeout < 0 || *in.VisibilityTimeout > 43200 {
			return nil, codeErr("InvalidParameterValue", 400, "Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", *in.VisibilityTimeout)
		}
		vt = time.Duration(*in.VisibilityTimeout) * time.Second
	}
	now := q.clock.Now()
	blocked := map[string]bool{} // FIFO groups with a message in flight or skipped
	out := &ReceiveMessageOutput{Messages: []QueueMessage{}}
	for _, m := range q.msgs {
		if len(out.Messages) == n {
			break
		}
		visible := !now.Before(m.visibleAt)
		if q.fifo && m.groupID != "" {
			if blocked[m.groupID] {
				continue
			}
			if !visible {
				blocked[m.groupID] = true
				continue
			}
		}
		if !visible {
			continue
		}
		m.receives++
		if m.receives == 1 {
			m.msg.Attributes["ApproximateFirstReceiveTimestamp"] = strconv.FormatInt(now.UnixMilli(), 10)
		}
		m.msg.Attributes["ApproximateReceiveCount"] = strconv.Itoa(m.receives)
		m.visibleAt = now.Add(vt)
		m.msg.ReceiptHandle = q.ids.Hex(64)
		cp := m.msg
		cp.Attributes = copyMap(m.msg.Attributes)
		out.Messages = append(out.Messages, cp)
	}
	return out, nil
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// DeleteMessage deletes the message last received with receiptHandle.
// Journaled (localwatch:QueueDeleteMessage).
func (q *Queue) DeleteMessage(receiptHandle string) error {
	_, err := queueOp(q, opQueueDeleteMessage, queueChangeInput{Queue: q.arn, ReceiptHandle: receiptHandle}, (*Service).queueDeleteMessage)
	return err
}

func (s *Service) queueDeleteMessage(_ context.Context, _ *event.Call, in queueChangeInput) (struct{}, error) {
	return struct{}{}, in.queue(s, func(q *Queue) error { return q.deleteMessage(in.ReceiptHandle) })
}

func (q *Queue) deleteMessage(receiptHandle string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := slices.IndexFunc(q.msgs, func(m *queued) bool { return m.msg.ReceiptHandle == receiptHandle && receiptHandle != "" })
	if i < 0 {
		return codeErr("ReceiptHandleIsInvalid", 400, "The input receipt handle \"%s\" is not a valid receipt handle.", receiptHandle)
	}
	q.msgs = slices.Delete(q.msgs, i, i+1)
	return nil
}

// ChangeMessageVisibility makes a received message visible again after
// seconds (0 makes it visible at once). Journaled
// (localwatch:QueueChangeMessageVisibility).
func (q *Queue) ChangeMessageVisibility(receiptHandle string, seconds int) error {
	_, err := queueOp(q, opQueueChangeMessageVisibility, queueChangeInput{Queue: q.arn, ReceiptHandle: receiptHandle, Seconds: seconds},
		(*Service).queueChangeMessageVisibility)
	return err
}

func (s *Service) queueChangeMessageVisibility(_ context.Context, _ *event.Call, in queueChangeInput) (struct{}, error) {
	return struct{}{}, in.queue(s, func(q *Queue) error { return q.changeMessageVisibility(in.ReceiptHandle, in.Seconds) })
}

func (q *Queue) changeMessageVisibility(receiptHandle string, seconds int) error {
	if seconds < 0 || seconds > 43200 {
		return codeErr("InvalidParameterValue", 400, "Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", seconds)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	i := slices.IndexFunc(q.msgs, func(m *queued) bool { return m.msg.ReceiptHandle == receiptHandle && receiptHandle != "" })
	if i < 0 {
		return codeErr("ReceiptHandleIsInvalid", 400, "The input receipt handle \"%s\" is not a valid receipt handle.", receiptHandle)
	}
	q.msgs[i].visibleAt = q.clock.Now().Add(time.Duration(seconds) * time.Second)
	return nil
}

// ApproximateNumberOfMessages returns how many messages are visible now.
func (q *Queue) ApproximateNumberOfMessages() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.clock.Now()
	n := 0
	for _, m := range q.msgs {
		if !now.Before(m.visibleAt) {
			n++
		}
	}
	return n
}

// Len returns how many messages the queue holds, visible or not.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.msgs)
}

// queueChangeInput is the journaled input of the Queue methods that change
// a message or the queue's settings.
type queueChangeInput struct {
	Queue         string
	ReceiptHandle string `json:",omitempty"`
	Seconds       int    `json:",omitempty"`

	q *Queue
}

func (in queueChangeInput) queue(s *Service, f func(*Queue) error) error {
	return queueOf(s, in.q, in.Queue, f)
}

// queueInputs are the journaled inputs of the Queue methods; queueOp hands
// each the live queue.
type queueInputs interface {
	queueSendInput | queueReceiveInput | queueChangeInput
}

// queueOp runs one change of q as a private operation of its service
// (name, in), journaled like the delivery results and replayed by ReplayOp,
// so that a reopened account holds the queue as it was: its messages, their
// receive counts, visibility and receipt handles (drawn from the service's
// IDs inside the operation, so the replay draws the same ones). CloudTrail
// records nothing (SQS is not modelled as a service). Called inside another
// call — from a Go function subscribed to a topic, an OnDelivery hook — it is
// part of that call (op.Do and the journal see it as nested). A queue built
// outside a Service, or one deleted since (which a restart would not bring
// back), is changed directly.
func queueOp[In queueInputs, Out any](q *Queue, name string, in In, core func(s *Service, ctx context.Context, c *event.Call, in In) (Out, error)) (Out, error) {
	s := q.svc
	var deleted bool
	q.locked(func() { deleted = q.deleted })
	if s == nil || deleted {
		return core(nil, context.Background(), &event.Call{}, withQueue(in, q))
	}
	return op.Do(s.unrecorded, &s.op, event.Call{Name: name}, withQueue(in, q), func(ctx context.Context, c *event.Call, in In) (Out, error) {
		return core(s, ctx, c, in)
	})
}

// withQueue sets the live queue of a journaled queue input.
func withQueue[In queueInputs](in In, q *Queue) In {
	switch v := any(&in).(type) {
	case *queueSendInput:
		v.q = q
	case *queueReceiveInput:
		v.q = q
	case *queueChangeInput:
		v.q = q
	}
	return in
}

// queueOf runs f on the live queue q or, on replay (q nil), on the queue the
// input names; a replayed change of a queue that no longer exists changes
// nothing.
func queueOf(s *Service, q *Queue, arnOrName string, f func(*Queue) error) error {
	if q == nil {
		var ok bool
		if s == nil {
			return nil
		}
		if q, ok = s.Queue(arnOrName); !ok {
			return nil
		}
	}
	return f(q)
}
