package sns

import (
	"context"
	"crypto/rsa"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
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
	// SMSSandbox puts the account in the SMS sandbox, as a new AWS account
	// is: SMS go only to destination numbers verified with
	// CreateSMSSandboxPhoneNumber and VerifySMSSandboxPhoneNumber. False (the
	// default) sends SMS to any number.
	SMSSandbox bool
	// OriginationNumbers are the account's dedicated origination numbers,
	// which AWS provisions outside SNS; ListOriginationNumbers lists them.
	OriginationNumbers []PhoneNumberInformation

	// Journal is set by localwatch.Account when its Options.DataDir is set;
	// leave nil.
	Journal op.Journal
	// States is set by localwatch.Account when its Options.DataDir is set;
	// collects the service's checkpoint hooks.
	States *op.States
}

// Service is an in-process Amazon SNS for one account and Region. All methods
// are safe for concurrent use.
type Service struct {
	// op is the funnel every operation takes (internal/op): the clock, IDs,
	// Region, account, logger, journal, CloudTrail recorder and closed flag.
	op op.Service

	// Set by New and never changed.
	endpoint       string
	httpClient     *http.Client
	onDelivery     func(DeliveryAttempt)
	httpTimeout    time.Duration
	disp           *dispatcher
	life           context.Context // ends at Close: aborts deliveries in flight
	endLife        context.CancelFunc
	maxFPTopic     int
	maxFPAcct      int
	smsSandbox     bool
	origination    []PhoneNumberInformation
	unsubscribeBus func()
	// unrecorded is the context delivery results run under: internal
	// operations that CloudTrail does not record.
	unrecorded context.Context

	recent recentDeliveries // the latest attempts, for RecentDeliveries; has its own lock
	sign   signerHolder     // the signing key, made on first use; has its own lock

	// mu guards everything below: the topics, subscriptions, tokens, queues,
	// functions, outbox, retry timers, throttles, SMS state, platform
	// applications and endpoints, and the FIFO counters.
	mu        sync.Mutex
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
	sandbox   map[string]*sandboxNumber    // SMS sandbox destination numbers
	apps      map[string]*platformApp      // by ARN
	endpoints map[string]*platformEndpoint // by ARN
	seq       uint64                       // FIFO sequence numbers
	// armSeq counts the retry and deduplication-expiry timers armed, so that
	// a checkpoint arms the pending ones again in their original order.
	armSeq uint64
}

// New returns a Service. If opts.Bus is set, it subscribes to event.Notification
// so alarms, Config and other stack members can publish to topics; it handles
// the notifications addressed to its own account and Region.
func New(opts Options) *Service {
	s := &Service{
		endpoint:    strings.TrimRight(opts.Endpoint, "/"),
		httpClient:  opts.HTTPClient,
		onDelivery:  opts.OnDelivery,
		maxFPTopic:  opts.MaxFilterPoliciesPerTopic,
		maxFPAcct:   opts.MaxFilterPoliciesPerAccount,
		topics:      map[string]*topic{},
		subs:        map[string]*subscription{},
		tokens:      map[string]*subscription{},
		queues:      map[string]*Queue{},
		functions:   map[string]Function{},
		timers:      map[*retryState]clock.Timer{},
		throttles:   map[string]*throttleState{},
		sms:         map[string]string{"MonthlySpendLimit": "1"},
		optedOut:    map[string]bool{},
		sandbox:     map[string]*sandboxNumber{},
		smsSandbox:  opts.SMSSandbox,
		origination: slices.Clone(opts.OriginationNumbers),
		apps:        map[string]*platformApp{},
		endpoints:   map[string]*platformEndpoint{},
	}
	s.op.Init(op.Common{Clock: opts.Clock, Bus: opts.Bus, IDs: opts.IDs, Region: opts.Region, AccountID: opts.AccountID, Logger: opts.Logger, Journal: opts.Journal, States: opts.States},
		"sns", "sns.amazonaws.com", "ServiceUnavailable")
	if s.endpoint == "" {
		s.endpoint = "https://sns." + s.op.Region + ".amazonaws.com"
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
	s.unrecorded = event.Unrecorded(context.Background())
	if s.maxFPTopic <= 0 {
		s.maxFPTopic = 200
	}
	if s.maxFPAcct <= 0 {
		s.maxFPAcct = 10000
	}
	s.sign.key = opts.SigningKey
	s.sign.seed = opts.SigningKeySeed
	s.sign.built = s.op.Clock.Now()
	if opts.Bus != nil {
		s.unsubscribeBus = bus.Subscribe(opts.Bus, "sns", s.handleNotification)
	}
	s.op.SetStateHooks(op.StateHooks{Save: s.saveState, Load: s.loadState})
	return s
}

// Close stops the service: pending retries and queued deliveries are
// dropped, deliveries in flight are aborted, Run and Settle return, the bus
// subscription ends, and every operation afterwards returns the
// ServiceUnavailable error (the SNS operations, CreateQueue, the queues'
// changes (SendMessage then returns ""), Run, Settle and the Handler's
// actions; accessors such as Region, Queue, Outbox and SigningCertificate
// still answer). It is safe to call more than once.
func (s *Service) Close() {
	if !s.op.MarkClosed() {
		return
	}
	for _, t := range s.takeTimers() {
		t.Stop()
	}
	s.endLife()
	s.disp.close()
	if s.unsubscribeBus != nil {
		s.unsubscribeBus()
	}
}

// takeTimers forgets every retry and deduplication-expiry timer, for Close
// to stop. It runs after MarkClosed: code that arms a timer checks
// s.op.Closed() with s.mu held, so no timer is armed after this.
func (s *Service) takeTimers() (timers []clock.Timer) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	return timers
}

// locked runs f with s.mu held, released even if f panics.
func (s *Service) locked(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// Region returns the service's Region.
func (s *Service) Region() string { return s.op.Region }

// AccountID returns the service's account.
func (s *Service) AccountID() string { return s.op.AccountID }

// handleNotification publishes an event.Notification from the bus to its topic.
// Errors (an unknown topic, an invalid message) go back to the bus publisher.
//
// A notification for a topic of another account or Region is left to the
// Service of that account and Region (a stack may run several on one bus).
func (s *Service) handleNotification(ctx context.Context, n event.Notification) error {
	if a, err := arn.Parse(n.TopicARN); err == nil && a.Service == "sns" && (a.AccountID != s.op.AccountID || a.Region != s.op.Region) {
		return nil
	}
	attrs := make(map[string]MessageAttributeValue, len(n.MessageAttributes))
	for k, v := range n.MessageAttributes {
		attrs[k] = MessageAttributeValue{DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue}
	}
	in := PublishInput{TopicArn: n.TopicARN, Message: n.Message, MessageAttributes: attrs, Subject: n.Subject}
	if _, ok := identity.From(ctx); !ok && strings.HasSuffix(n.Source, ".amazonaws.com") {
		// An AWS service publishing on the account's behalf, as CloudTrail
		// records it (invokedBy the service).
		ctx = identity.With(ctx, identity.Service(n.Source))
	}
	// The ctx goes on to the core: a journal sees the Publish as part of the
	// call that published the notification (an alarm action, Config).
	_, err := op.Do(ctx, &s.op, event.Call{Name: "Publish", Data: true}, in, s.publish)
	return err
}

// filterFor compiles a stored policy.
func compilePolicy(policy string, scope string) (*filterpolicy.Policy, error) {
	return filterpolicy.Compile(policy, filterpolicy.Scope(scope))
}
