package localwatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"sync"

	"github.com/localwatch/localwatch/agent"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/dashboards"
	"github.com/localwatch/localwatch/insightrules"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/journal"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
)

// Defaults used when Options leaves a field empty.
const (
	DefaultAccountID = "123456789012"
	DefaultRegion    = "us-east-1"
)

// Options configures an [Account] (and the one-Region [Stack] that [New]
// returns). The zero value gives account 123456789012 in us-east-1 on a
// [LoopClock] (call Run) with random IDs and an in-memory object store.
type Options struct {
	// AccountID is the 12-digit account ID (default "123456789012").
	AccountID string
	// Region is the Region [New] builds (default "us-east-1"). Given to
	// [NewAccount] with Regions, it must be one of them.
	Region string
	// Regions are the Regions [NewAccount] builds, in order (default: Region
	// alone). CloudTrail records global-service events (IAM, STS, CloudFront)
	// in us-east-1, as AWS has since November 2021: include us-east-1 to keep
	// them.
	Regions []string
	// Clock drives every service. Default: a [LoopClock], whose scheduled work
	// (alarm evaluation, trail delivery, retention, metric filters, retries)
	// runs only while [Account.Run] runs. Use [NewManualClock] in tests and
	// move time with Advance.
	Clock Clock
	// IDSeed, when non-zero, makes every generated ID (request IDs, event IDs,
	// message IDs) and the CloudTrail and SNS signing keys deterministic, so
	// the same calls give byte-identical outputs. Keys derived from a 64-bit
	// seed are for tests and reproducible runs only; leave IDSeed zero when
	// real endpoints must trust SNS signatures.
	IDSeed uint64
	// Store receives CloudTrail log and digest files and Config snapshots and
	// history files (default: an in-memory store).
	Store objstore.Store
	// SNSEndpoint is the base URL at which the application serves each
	// Region's SNS Handler (sns.Service.Handler), with "{region}" replaced by
	// the Region, e.g. "http://127.0.0.1:8080/sns/{region}". SNS builds the
	// SubscribeURL, UnsubscribeURL and SigningCertURL of its messages on it, so
	// HTTP/S subscribers can confirm and verify against the application.
	// Empty means AWS's "https://sns.<region>.amazonaws.com".
	SNSEndpoint string
	// HTTPClient makes SNS's HTTP/S deliveries (nil: a client that verifies
	// certificates against the system roots, as AWS requires). To deliver to
	// an httptest.NewTLSServer, pass its Client().
	HTTPClient *http.Client
	// Logger, when set, receives alarm state changes (Info), failed bus
	// handlers, scheduled jobs that panicked, SNS deliveries that failed
	// for good and the repairs of a damaged data directory (Warn), and
	// rejected API calls and every SNS delivery attempt (Debug). Nil
	// discards.
	Logger *slog.Logger
	// DataDir, when set, makes the account's state persist in that
	// directory (created if missing): every call is journaled there before
	// it is acknowledged (see Sync), and an account built on a directory
	// that holds a journal replays it first, so it starts with the state,
	// the IDs and the schedules (alarm evaluations, trail deliveries and
	// digests, retries) the last one had. The calls of an account with a
	// DataDir run one at a time. CloudTrail and Config files go to
	// DataDir/objects unless Store is set. IDSeed, if set, must be the seed
	// the directory was created with (a new directory stores it, or a random
	// one). SNS's signing key is derived from that seed, so that a reopened
	// account signs (and serves its SigningCertURL) as before; like a key
	// derived from IDSeed, it is only as strong as the 64-bit seed. Empty:
	// everything stays in memory.
	DataDir string
	// Sync says when the calls journaled in DataDir are fsynced (default
	// SyncEveryCall).
	Sync SyncPolicy
	// CheckpointAfter bounds the journal an account with a DataDir keeps
	// after its last checkpoint: once the calls since then have written
	// that many bytes of journal records (before compression), the next
	// call writes a checkpoint before it runs, and waits while it is
	// written, as calls wait for [Account.Checkpoint]; the journal it
	// covers is removed. It bounds what a crash leaves to replay at the
	// next open and the disk the journal takes. 0:
	// DefaultCheckpointAfter; negative: checkpoints are written only by
	// Close and Account.Checkpoint.
	CheckpointAfter int64
	// Setup, when set, is called once the services are built and before a
	// DataDir's journal is replayed, to register what the account's calls
	// rely on but the journal cannot hold: Go functions — Config rule
	// functions (config.Service.RegisterRuleFunction), Logs destinations
	// (logs.Service.RegisterDestination), SNS function subscribers. Register
	// them here rather than after NewAccount, so that the replayed calls find
	// them as the original calls did: the replay calls them again with the
	// inputs the original calls gave them, which is how the state they
	// decided is rebuilt, so they must answer the same way (one that also
	// acts outside the process acts again). Calls a checkpoint covers are
	// not replayed (their effects are in it), so those functions are not
	// called again for them: one whose answers depend on its own history
	// must keep that history itself. Its calls on the services are
	// made as usual (and journaled: use it for registrations, not for data).
	Setup func(*Account)
}

// DefaultCheckpointAfter is Options.CheckpointAfter's default: 256 MiB of
// journal records, which a replay after a crash gets through in about 1.5 s
// on one core of the 2-core machine the benchmarks run on (PutMetricData
// records at about 22 bytes per datum: some 12 M datapoints).
const DefaultCheckpointAfter = 256 << 20

// SyncPolicy says what a crash may cost an account with a DataDir.
type SyncPolicy int

const (
	// SyncEveryCall fsyncs each change before its call returns; calls made
	// at once share one fsync. Nothing acknowledged is lost by a process
	// crash (kill -9) or a power loss.
	SyncEveryCall SyncPolicy = iota
	// SyncLoseRecentOnPowerLoss writes each change to the operating system
	// before its call returns (a process crash loses nothing acknowledged)
	// and fsyncs at most once a second: a power loss or OS crash may lose
	// the changes acknowledged since the last fsync.
	SyncLoseRecentOnPowerLoss
)

// Account is one AWS account: a [Stack] of the six services per Region, all
// on one bus, one clock and one object store, sharing what AWS shares across
// the Regions of an account — multi-Region trails (defined in their home
// Region, delivered by every Region, each with its own digest chain and
// signing key) and the Region global-service events are recorded in. Each
// Region's services answer only for their Region: an alarm's SNS action, a
// trail's CloudWatch Logs group and a metric filter's metric reach the
// services of the Region their ARN or producer names.
type Account struct {
	// AccountID is the account's ID.
	AccountID string
	// Clock drives every Region's services.
	Clock Clock
	// Bus carries every Region's events.
	Bus *Bus
	// Store receives every Region's files.
	Store objstore.Store

	log     *slog.Logger
	svcClk  Clock            // the services' clock: Clock, or the journal's over it
	journal *journal.Journal // nil without a DataDir
	publish op.Service       // journals Publish (its Journal is journal)
	states  *op.States       // the services' checkpoint hooks (with a DataDir)
	ids     *ids.Source      // the services' ID source
	stacks  []*Stack         // in Options.Regions order
	unsub   []func()
	closeMu sync.Mutex
	closed  bool
}

// Stack is the six services of one account and Region. Services talk only
// over the bus: API calls become CloudTrail records, metric filters feed
// metrics, alarm and Config notifications reach SNS, CloudTrail delivers to
// CloudWatch Logs.
type Stack struct {
	// AccountID and Region are the stack's account and Region.
	AccountID string
	Region    string
	// Clock drives the account's services (see Options.Clock).
	Clock Clock
	// Bus is the account's bus (shared by all its Regions).
	Bus *Bus
	// Store is the account's object store (CloudTrail and Config files).
	Store objstore.Store

	// The services of the Region, each documented in its package.
	Metrics *metrics.Service // CloudWatch metrics, GetMetricData, anomaly detectors
	Alarms  *alarms.Service  // CloudWatch alarms
	// Dashboards are CloudWatch's dashboards and GetMetricWidgetImage.
	Dashboards *dashboards.Service
	Logs       *logs.Service   // CloudWatch Logs
	Trail      *trail.Service  // CloudTrail
	Config     *config.Service // AWS Config
	SNS        *sns.Service    // SNS

	// InsightRules is CloudWatch Contributor Insights over Logs' events.
	InsightRules *insightrules.Service

	account *Account
	owner   bool // built by New: Close closes the account
	closed  bool // guarded by account.closeMu
}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)
)

// NewAccount builds the services of every Region in opts. It returns an
// InvalidParameterValue error for a malformed account ID or Region name and for
// a Region listed twice, and InvalidParameterCombination for a Region that is
// not one of Regions. With the default clock, start `go acct.Run(ctx)` for
// scheduled work to happen (see [Account.Run]). Call Close when done.
func NewAccount(opts Options) (*Account, error) {
	opts.AccountID = cmp.Or(opts.AccountID, DefaultAccountID)
	field := "Regions"
	if len(opts.Regions) == 0 {
		opts.Regions, field = []string{cmp.Or(opts.Region, DefaultRegion)}, "Region"
	} else if opts.Region != "" && !slices.Contains(opts.Regions, opts.Region) {
		return nil, awserr.Combination("Region %q is not one of Regions %q.", opts.Region, opts.Regions)
	}
	if !accountIDPattern.MatchString(opts.AccountID) {
		return nil, awserr.InvalidValue("AccountID", fmt.Sprintf("%q", opts.AccountID), "must be 12 digits")
	}
	for i, r := range opts.Regions {
		if !regionPattern.MatchString(r) {
			return nil, awserr.InvalidValue(field, fmt.Sprintf("%q", r), "is not a Region name such as us-east-1")
		}
		if slices.Contains(opts.Regions[:i], r) {
			return nil, awserr.InvalidValue(field, fmt.Sprintf("%q", r), "is listed twice")
		}
	}
	if opts.Sync != SyncEveryCall && opts.Sync != SyncLoseRecentOnPowerLoss {
		return nil, awserr.InvalidValue("Sync", int(opts.Sync), "is not a SyncPolicy")
	}
	if opts.Clock == nil {
		opts.Clock = clock.NewLoop()
	}
	var jr *journal.Journal
	var acct *Account // the account built below, for the journal's Check (run only once calls are made)
	if opts.DataDir != "" {
		var err error
		jr, err = journal.Open(journal.Options{Dir: opts.DataDir, Sync: journal.SyncPolicy(opts.Sync), Seed: opts.IDSeed,
			Clock: opts.Clock, Logger: opts.Logger, Check: func(service, region, name string, in any) error {
				return journal.CheckMethod(acct.service(service, region), name, in)
			},
			SaveState: func(w io.Writer) error { return acct.saveState(w) },
			LoadState: func(r io.Reader) error { return acct.loadState(r) },
			Beside:    []string{objectsDir}, CheckpointAfter: checkpointAfter(opts.CheckpointAfter)})
		if err != nil {
			return nil, err
		}
		if opts.Store == nil {
			opts.Store = objstore.NewDir(filepath.Join(opts.DataDir, objectsDir))
		}
	}
	if opts.Store == nil {
		opts.Store = &objstore.Memory{}
	}
	src := ids.Random()
	seed := src.Uint64()
	if jr != nil {
		src, seed = ids.New(jr.Seed()), jr.Seed()
	} else if opts.IDSeed != 0 {
		src, seed = ids.New(opts.IDSeed), opts.IDSeed
	}
	a := &Account{AccountID: opts.AccountID, Clock: opts.Clock, Bus: &bus.Bus{}, Store: opts.Store, log: opts.Logger,
		svcClk: opts.Clock, journal: jr, ids: src}
	if jr != nil {
		a.states = &op.States{}
	}
	acct = a
	store := opts.Store
	if jr != nil {
		a.svcClk = jr.Clock()
		a.publish.Init(op.Common{Clock: a.svcClk, IDs: src, AccountID: a.AccountID, Region: opts.Regions[0], Journal: jr},
			publishService, "", "ServiceUnavailable")
		store = replayStore{Store: store, j: jr}
	}
	a.watch()
	for _, c := range []Clock{opts.Clock, a.svcClk} {
		if c, ok := c.(interface {
			OnPanic(func(*clock.PanicError)) func()
		}); ok {
			a.unsub = append(a.unsub, c.OnPanic(a.reportPanic))
		}
		if jr == nil {
			break
		}
	}
	shared := &trail.Shared{Store: store, KeySeed: seed}
	if a.states != nil {
		a.states.Add(trailSharedKey, shared.StateHooks())
	}
	// SNS signs with a key derived from the seed when there is one to keep:
	// IDSeed, or the seed of a DataDir (random when IDSeed is 0, then stored),
	// so that a reopened account signs as before. Otherwise (in memory,
	// unseeded) the key is random.
	var signSeed uint64
	if jr != nil || opts.IDSeed != 0 {
		signSeed = seed
	}
	for _, region := range opts.Regions {
		a.stacks = append(a.stacks, newStack(a, region, src, shared, store, &opts, signSeed))
	}
	if opts.Setup != nil {
		opts.Setup(a)
	}
	if jr != nil {
		if err := a.openJournal(opts.Clock); err != nil {
			a.Close()
			return nil, err
		}
	}
	return a, nil
}

// New builds a one-Region account (opts.Region; opts.Regions is ignored: use
// [NewAccount] for several) and returns its stack. It panics if
// opts.AccountID or opts.Region is malformed; use [NewAccount] to get an
// error instead.
//
// With the default clock, scheduled work — alarm evaluations, trail
// deliveries, metric-filter publishing, retention — happens only while
// [Stack.Run] runs: start it with `go st.Run(ctx)`. With a [ManualClock], call
// Advance instead. Call Close when done.
func New(opts Options) *Stack {
	opts.Regions = nil
	a, err := NewAccount(opts)
	if err != nil {
		panic("localwatch.New: " + err.Error())
	}
	s := a.stacks[0]
	s.owner = true
	return s
}

// Region returns the stack of the named Region, or nil if the account was not
// built with it.
func (a *Account) Region(name string) *Stack {
	for _, s := range a.stacks {
		if s.Region == name {
			return s
		}
	}
	return nil
}

// Regions returns the account's Regions in the order they were given.
func (a *Account) Regions() []string {
	out := make([]string, len(a.stacks))
	for i, s := range a.stacks {
		out[i] = s.Region
	}
	return out
}

// ErrManualClock is returned by Run when the clock is a [ManualClock], which
// moves only with Advance and Set.
var ErrManualClock = errors.New("localwatch: Run needs a wall clock; a ManualClock moves only with Advance or Set")

// Run drives the account's scheduled work — alarm evaluations, trail
// deliveries and digests, metric-filter publishing, retention, SNS retries —
// until ctx is done, then returns ctx.Err(). With the default [LoopClock] the
// work runs on Run's goroutine, one piece at a time. With a [RealClock] the
// work runs on its own timer goroutines and Run only waits. Either way Run
// also runs each Region's SNS delivery workers (sns.Service.Run), which POST
// to HTTP/S subscribers off the clock. With a [ManualClock] Run returns
// [ErrManualClock] at once: advance the clock instead, and call
// [Account.Settle] to have the queued HTTP/S deliveries sent. Run does not
// close the account; call Close afterwards.
func (a *Account) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if _, ok := a.Clock.(*clock.Manual); ok {
		return ErrManualClock
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, s := range a.stacks {
		wg.Go(func() { _ = s.SNS.Run(ctx) })
	}
	switch c := a.Clock.(type) {
	case *clock.Loop:
		return c.Run(ctx)
	default:
		<-ctx.Done()
		return ctx.Err()
	}
}

// Settle waits until every Region's queued SNS HTTP/S deliveries have been
// sent and their results applied (sns.Service.Settle): a test on a
// [ManualClock] calls it after Advance to see what the endpoints received.
// Without a running [Account.Run] it sends them itself, deterministically.
func (a *Account) Settle(ctx context.Context) error {
	var errs []error
	for _, s := range a.stacks {
		errs = append(errs, s.SNS.Settle(ctx))
	}
	return errors.Join(errs...)
}

// Close stops every Region's timers and bus subscriptions. It is safe to call
// more than once.
func (a *Account) Close() {
	a.closeMu.Lock()
	defer a.closeMu.Unlock()
	if a.closed {
		return
	}
	a.closed = true
	if a.journal != nil {
		// Before the services close: it saves their state.
		_ = a.journal.Checkpoint() // a failure is logged; the journal stays whole
	}
	for _, s := range a.stacks {
		if !s.closed {
			s.closed = true
			s.closeServices()
		}
	}
	for _, u := range a.unsub {
		u()
	}
	a.Bus.OnError(nil)
	if a.journal != nil {
		if err := a.journal.Close(); err != nil && a.log != nil {
			a.log.Error("closing the data directory", "err", err)
		}
	}
}

// NewAgent returns a runtime agent publishing this process's Go runtime
// metrics into this Region's metrics service (call Start on it).
func (s *Stack) NewAgent(opts agent.Options) *agent.Agent {
	opts.Clock, opts.Bus, opts.AccountID, opts.Region = s.Clock, s.Bus, s.AccountID, s.Region
	return agent.New(opts)
}

// Account returns the account the stack belongs to.
func (s *Stack) Account() *Account { return s.account }

// Run drives the scheduled work of the stack's account; see [Account.Run].
func (s *Stack) Run(ctx context.Context) error { return s.account.Run(ctx) }

// Settle waits for the SNS deliveries of the stack's account; see
// [Account.Settle].
func (s *Stack) Settle(ctx context.Context) error { return s.account.Settle(ctx) }

// Close stops the Region's timers and bus subscriptions; for the stack
// [New] returned, it closes its whole account. It is safe to call more than
// once.
func (s *Stack) Close() {
	if s.owner {
		s.account.Close()
		return
	}
	a := s.account
	a.closeMu.Lock()
	defer a.closeMu.Unlock()
	if !s.closed {
		s.closed = true
		s.closeServices()
	}
}

// EventBus returns the account's bus, for [Subscribe] and [Publish].
func (s *Stack) EventBus() *Bus { return s.Bus }

// EventBus returns the account's bus, for [Subscribe] and [Publish].
func (a *Account) EventBus() *Bus { return a.Bus }

func (s *Stack) closeServices() {
	s.Alarms.Close()
	s.Dashboards.Close()
	s.InsightRules.Close()
	s.Config.Close()
	s.Logs.Close()
	s.SNS.Close()
	s.Metrics.Close()
	s.Trail.Close()
}

// checkpointAfter is the journal's CheckpointAfter for the account's
// Options.CheckpointAfter.
func checkpointAfter(n int64) int64 {
	switch {
	case n == 0:
		return DefaultCheckpointAfter
	case n < 0:
		return 0
	}
	return n
}
