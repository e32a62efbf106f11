package sns

import (
	"context"
	"crypto/rsa"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/bus"
	"github.com/localwatch/localwatch/internal/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/sns/filterpolicy"
)

// Options configures a Service. The zero value works.
type Options struct {
	// Clock drives timestamps, the FIFO deduplication window, queue visibility
	// and delivery retries. Nil means the wall clock (localwatch.RealClock{});
	// tests pass localwatch.NewManualClock(t0) and run retries with Advance.
	Clock clock.Clock
	// Bus receives an event.APICall per operation; New subscribes to
	// event.Notification on it (how alarms and Config reach topics). Nil means
	// no events; pass new(localwatch.Bus), or the bus the other services use.
	Bus *bus.Bus
	// IDs generates message IDs, subscription IDs and tokens. Nil means
	// random; localwatch.NewIDSource(seed) makes them reproducible.
	IDs *ids.Source
	// Region defaults to "us-east-1"; AccountID to "123456789012".
	Region, AccountID string

	// HTTPClient makes HTTP/S deliveries. Nil means a client whose Timeout is
	// HTTPTimeout, that verifies certificates against the system roots (AWS
	// requires a trusted CA too) and does not follow redirects. To deliver to
	// an httptest.NewTLSServer, pass its Client().
	HTTPClient *http.Client
	// HTTPTimeout bounds one HTTP/S delivery attempt (connection, request
	// and response), whatever the client. Zero means 15 seconds, as AWS;
	// values are kept between 10 ms and 15 minutes.
	HTTPTimeout time.Duration
	// DeliveryWorkers is how many HTTP/S deliveries may be in flight at once
	// (see [Service.Run]); zero means 16, and values are kept between 1 and
	// 1,024.
	DeliveryWorkers int
	// MaxDeliveriesPerEndpoint is how many of them may go to one endpoint
	// (scheme and host) at once, so that a slow endpoint cannot take every
	// worker. Zero means 4; values are kept between 1 and DeliveryWorkers.
	// With more than one, an endpoint may receive a topic's messages out of
	// order, as from AWS.
	MaxDeliveriesPerEndpoint int
	// MaxQueuedPerEndpoint bounds the messages waiting for one endpoint;
	// beyond it a delivery fails at once (dead-lettered or dropped, and
	// reported), so that an endpoint that stopped answering cannot hold
	// unbounded memory. Zero means 10,000; values are kept at least 1.
	MaxQueuedPerEndpoint int
	// Endpoint is the base URL at which the embedding application serves
	// [Service.Handler]; SubscribeURL, UnsubscribeURL and SigningCertURL are built
	// on it. Empty means AWS's "https://sns.<region>.amazonaws.com".
	Endpoint string
	// SigningKey signs HTTP/S, SQS, Lambda and email-json messages. Nil means a
	// 2048-bit RSA key generated from crypto/rand on first use (Go's crypto
	// ignores seeded readers, so pass a key for byte-identical signatures).
	SigningKey *rsa.PrivateKey
	// SigningKeySeed, when SigningKey is nil and the seed is non-zero,
	// derives the signing key deterministically from the seed, account and
	// Region (cached process-wide), so that two services built alike sign
	// byte-identically. The key is only as strong as the 64-bit seed: use it
	// for tests and reproducible runs, not for endpoints that must trust the
	// signatures.
	SigningKeySeed uint64

	// MaxFilterPoliciesPerTopic and MaxFilterPoliciesPerAccount are AWS's
	// default quotas (200 and 10,000); raise them as a Service Quotas increase would.
	MaxFilterPoliciesPerTopic, MaxFilterPoliciesPerAccount int
	// OnDelivery, if set, is called after every delivery attempt (AWS's
	// delivery status logging), without the service lock held.
	OnDelivery func(DeliveryAttempt)
	// Logger receives debug logs of deliveries. Nil discards them.
	Logger *slog.Logger
}

// Service is an in-process Amazon SNS for one account and Region. All methods
// are safe for concurrent use.
type Service struct {
	clock       clock.Clock
	bus         *bus.Bus
	ids         *ids.Source
	region      string
	account     string
	endpoint    string
	httpClient  *http.Client
	rec         *event.Recorder
	onDelivery  func(DeliveryAttempt)
	recent      recentDeliveries // the latest attempts, for RecentDeliveries
	httpTimeout time.Duration
	disp        *dispatcher
	life        context.Context // ends at Close: aborts deliveries in flight
	endLife     context.CancelFunc
	log         *slog.Logger
	maxFPTopic  int
	maxFPAcct   int

	unsubscribeBus func()
	sign           signerHolder

	mu        sync.Mutex
	closed    bool
	topics    map[string]*topic // by ARN
	subs      map[string]*subscription
	tokens    map[string]*subscription // pending confirmation tokens
	queues    map[string]*Queue        // by ARN
	functions map[string]Function      // by ARN
	outbox    []OutboxMessage
	timers    map[*retryState]clock.Timer
	throttles map[string]*throttleState // by subscription ARN
	fifoCount int
	sms       map[string]string            // SMS attributes
	optedOut  map[string]bool              // phone numbers
	apps      map[string]*platformApp      // by ARN
	endpoints map[string]*platformEndpoint // by ARN
	seq       uint64                       // FIFO sequence numbers
}

// New returns a Service. If opts.Bus is set, it subscribes to event.Notification
// so alarms, Config and other stack members can publish to topics; it handles
// the notifications addressed to its own account and Region.
func New(opts Options) *Service {
	s := &Service{
		clock:      opts.Clock,
		bus:        opts.Bus,
		ids:        opts.IDs,
		region:     opts.Region,
		account:    opts.AccountID,
		endpoint:   strings.TrimRight(opts.Endpoint, "/"),
		httpClient: opts.HTTPClient,
		onDelivery: opts.OnDelivery,
		log:        opts.Logger,
		maxFPTopic: opts.MaxFilterPoliciesPerTopic,
		maxFPAcct:  opts.MaxFilterPoliciesPerAccount,
		topics:     map[string]*topic{},
		subs:       map[string]*subscription{},
		tokens:     map[string]*subscription{},
		queues:     map[string]*Queue{},
		functions:  map[string]Function{},
		timers:     map[*retryState]clock.Timer{},
		throttles:  map[string]*throttleState{},
		sms:        map[string]string{"MonthlySpendLimit": "1"},
		optedOut:   map[string]bool{},
		apps:       map[string]*platformApp{},
		endpoints:  map[string]*platformEndpoint{},
	}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	if s.ids == nil {
		s.ids = ids.Random()
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.account == "" {
		s.account = "123456789012"
	}
	if s.endpoint == "" {
		s.endpoint = "https://sns." + s.region + ".amazonaws.com"
	}
	s.httpTimeout = clampDuration(opts.HTTPTimeout, 15*time.Second, 10*time.Millisecond, 15*time.Minute)
	if s.httpClient == nil {
		// SNS does not follow redirects: a 3xx is within 200–4xx, a delivery.
		s.httpClient = &http.Client{Timeout: s.httpTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	workers := opts.DeliveryWorkers
	if workers == 0 {
		workers = 16
	}
	workers = min(max(workers, 1), 1024)
	per := opts.MaxDeliveriesPerEndpoint
	if per == 0 {
		per = 4
	}
	queued := opts.MaxQueuedPerEndpoint
	if queued == 0 {
		queued = 10000
	}
	s.disp = newDispatcher(workers, min(max(per, 1), workers), max(queued, 1))
	s.life, s.endLife = context.WithCancel(context.Background())
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxFPTopic <= 0 {
		s.maxFPTopic = 200
	}
	if s.maxFPAcct <= 0 {
		s.maxFPAcct = 10000
	}
	s.sign.key = opts.SigningKey
	s.sign.seed = opts.SigningKeySeed
	s.rec = &event.Recorder{Bus: opts.Bus, Clock: s.clock, IDs: s.ids, EventSource: "sns.amazonaws.com", Region: s.region, AccountID: s.account}
	if opts.Bus != nil {
		s.unsubscribeBus = bus.Subscribe(opts.Bus, "sns", s.handleNotification)
	}
	return s
}

// Close stops the service: pending retries and queued deliveries are
// dropped, deliveries in flight are aborted, Run and Settle return, the bus
// subscription ends, and every operation afterwards returns the
// ServiceUnavailable error (the SNS operations, CreateQueue, Run, Settle and
// the Handler's actions; accessors such as Region, Queue, Outbox and
// SigningCertificate still answer). It is safe to call more than once.
func (s *Service) Close() {
	timers, first := s.markClosed()
	if !first {
		return
	}
	for _, t := range timers {
		t.Stop()
	}
	s.endLife()
	s.disp.close()
	if s.unsubscribeBus != nil {
		s.unsubscribeBus()
	}
}

func (s *Service) markClosed() (timers []clock.Timer, first bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, false
	}
	s.closed = true
	for _, t := range s.timers {
		timers = append(timers, t)
	}
	s.timers = map[*retryState]clock.Timer{}
	for _, t := range s.topics {
		if t.dedup != nil && t.dedup.timer != nil {
			timers = append(timers, t.dedup.timer)
			t.dedup.timer = nil
		}
	}
	return timers, true
}

// locked runs f with s.mu held, released even if f panics.
func (s *Service) locked(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// closedErr is what every operation answers after Close.
func closedErr() error { return awserr.Closed("ServiceUnavailable") }

// enter begins every operation: a nil ctx is context.Background(), and after
// Close the operation fails with ServiceUnavailable.
func (s *Service) enter(ctx context.Context) (context.Context, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ctx, closedErr()
	}
	return ctx, nil
}

// Region returns the service's Region.
func (s *Service) Region() string { return s.region }

// AccountID returns the service's account.
func (s *Service) AccountID() string { return s.account }

// handleNotification publishes an event.Notification from the bus to its topic.
// Errors (an unknown topic, an invalid message) go back to the bus publisher.
//
// A notification for a topic of another account or Region is left to the
// Service of that account and Region (a stack may run several on one bus).
func (s *Service) handleNotification(ctx context.Context, n event.Notification) error {
	if a, err := arn.Parse(n.TopicARN); err == nil && a.Service == "sns" && (a.AccountID != s.account || a.Region != s.region) {
		return nil
	}
	attrs := make(map[string]MessageAttributeValue, len(n.MessageAttributes))
	for k, v := range n.MessageAttributes {
		attrs[k] = MessageAttributeValue{DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue}
	}
	in := PublishInput{TopicArn: n.TopicARN, Message: n.Message, MessageAttributes: attrs}
	if n.Subject != "" {
		in.Subject = &n.Subject
	}
	if _, ok := identity.From(ctx); !ok && strings.HasSuffix(n.Source, ".amazonaws.com") {
		// An AWS service publishing on the account's behalf, as CloudTrail
		// records it (invokedBy the service).
		ctx = identity.With(ctx, identity.Service(n.Source))
	}
	_, err := s.publish(ctx, in, true)
	return err
}

// filterFor compiles a stored policy.
func compilePolicy(policy string, scope string) (*filterpolicy.Policy, error) {
	return filterpolicy.Compile(policy, filterpolicy.Scope(scope))
}
