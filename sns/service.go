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
	// HTTPTimeout bounds one HTTP/S delivery attempt when HTTPClient is nil.
	// Zero means 15 seconds, as AWS.
	HTTPTimeout time.Duration
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
	clock      clock.Clock
	bus        *bus.Bus
	ids        *ids.Source
	region     string
	account    string
	endpoint   string
	httpClient *http.Client
	rec        *event.Recorder
	onDelivery func(DeliveryAttempt)
	log        *slog.Logger
	maxFPTopic int
	maxFPAcct  int

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
	seq       uint64 // FIFO sequence numbers
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
	if s.httpClient == nil {
		to := opts.HTTPTimeout
		if to <= 0 {
			to = 15 * time.Second
		}
		// SNS does not follow redirects: a 3xx is within 200–4xx, a delivery.
		s.httpClient = &http.Client{Timeout: to, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
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

// Close stops every pending delivery retry and the bus subscription. Pending
// retries are dropped.
func (s *Service) Close() {
	s.mu.Lock()
	s.closed = true
	timers := s.timers
	s.timers = map[*retryState]clock.Timer{}
	s.mu.Unlock()
	for _, t := range timers {
		t.Stop()
	}
	if s.unsubscribeBus != nil {
		s.unsubscribeBus()
	}
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
