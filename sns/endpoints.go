package sns

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/arn"
)

// Function is an in-process endpoint for "lambda" subscriptions: the analogue
// of a Lambda function, invoked synchronously with the event SNS would send.
// A returned error (or panic) is a failed delivery, retried on the AWS-managed
// endpoint policy and dead-lettered when the retries run out.
type Function func(ctx context.Context, ev LambdaEvent) error

// RegisterFunction registers fn under a Lambda function name or ARN and returns
// the ARN to subscribe (arn:aws:lambda:<region>:<account>:function:<name>).
// Registering again replaces the function.
func (s *Service) RegisterFunction(nameOrARN string, fn Function) string {
	a := s.functionARN(nameOrARN)
	s.locked(func() { s.functions[a] = fn })
	return a
}

// UnregisterFunction removes a function; deliveries to it then fail as a
// client error (dead-lettered at once).
func (s *Service) UnregisterFunction(nameOrARN string) {
	a := s.functionARN(nameOrARN)
	s.locked(func() { delete(s.functions, a) })
}

func (s *Service) functionARN(nameOrARN string) string {
	if strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN
	}
	return arn.New("lambda", s.op.Region, s.op.AccountID, "function:"+nameOrARN)
}

// lookupFunction finds the function for a subscription endpoint, ignoring a
// version or alias qualifier.
func (s *Service) lookupFunction(endpoint string) (Function, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn, ok := s.functions[endpoint]; ok {
		return fn, true
	}
	if a, err := arn.Parse(endpoint); err == nil {
		parts := strings.Split(a.Resource, ":")
		if len(parts) == 3 {
			fn, ok := s.functions[arn.New("lambda", a.Region, a.AccountID, "function:"+parts[1])]
			return fn, ok
		}
	}
	return nil, false
}

// OutboxMessage is a message for an endpoint SNS reaches outside this process
// (email, email-json, sms, application, firehose): it is kept for the
// application to read instead of being sent.
type OutboxMessage struct {
	Time            time.Time
	Protocol        string
	Endpoint        string
	TopicArn        string
	SubscriptionArn string
	MessageId       string
	// Type is Notification or SubscriptionConfirmation.
	Type string
	// From is the e-mail sender: the topic's DisplayName (or "AWS
	// Notifications") <no-reply@sns.amazonaws.com>.
	From string
	// Subject is the e-mail subject ("AWS Notification Message" by default).
	Subject string
	// Body is the e-mail text, the email-json/firehose JSON, or the SMS text.
	Body string
}

// Outbox returns a copy of the messages waiting in the outbox, oldest first.
func (s *Service) Outbox() []OutboxMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox)
}

// TakeOutbox returns and removes the messages in the outbox.
func (s *Service) TakeOutbox() []OutboxMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.outbox
	s.outbox = nil
	return out
}

func (s *Service) addOutbox(m OutboxMessage) {
	s.locked(func() { s.outbox = append(s.outbox, m) })
}
