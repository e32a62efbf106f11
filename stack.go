package localwatch

import (
	"cmp"
	"context"
	"sync"

	"github.com/localwatch/localwatch/agent"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/internal/bus"
	"github.com/localwatch/localwatch/internal/clock"
	"github.com/localwatch/localwatch/internal/ids"
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

// Options configures a Stack. The zero value gives a stack for account
// 123456789012 in us-east-1 on the real clock with random IDs.
type Options struct {
	// AccountID is the account (default "123456789012").
	AccountID string
	// Region is the region (default "us-east-1").
	Region string
	// Clock drives every service (default: the real clock). Use
	// NewManualClock in tests and move time with Advance.
	Clock Clock
	// IDSeed, when non-zero, makes every generated ID (request IDs, event IDs,
	// message IDs) and the CloudTrail digest keys deterministic.
	IDSeed uint64
	// Store receives CloudTrail log and digest files and Config snapshots
	// (default: an in-memory store).
	Store objstore.Store
}

// Stack is the six services of one account and region on one bus and one clock.
// Services talk only over the bus: API calls become CloudTrail records, metric
// filters feed metrics, alarm and Config notifications reach SNS, CloudTrail
// delivers to CloudWatch Logs.
type Stack struct {
	AccountID string
	Region    string
	Clock     Clock
	Bus       *Bus
	Store     objstore.Store

	Metrics *metrics.Service
	Alarms  *alarms.Service
	Logs    *logs.Service
	Trail   *trail.Service
	Config  *config.Service
	SNS     *sns.Service

	closeOnce sync.Once
}

// New builds a stack. Call Close when done to stop its timers.
func New(opts Options) *Stack {
	opts.AccountID = cmp.Or(opts.AccountID, DefaultAccountID)
	opts.Region = cmp.Or(opts.Region, DefaultRegion)
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Store == nil {
		opts.Store = &objstore.Memory{}
	}
	src := ids.Random()
	seed := src.Uint64()
	if opts.IDSeed != 0 {
		src, seed = ids.New(opts.IDSeed), opts.IDSeed
	}
	b := &bus.Bus{}
	s := &Stack{AccountID: opts.AccountID, Region: opts.Region, Clock: opts.Clock, Bus: b, Store: opts.Store}
	// Trail subscribes first so it records the API calls of everything built after it.
	s.Trail = trail.New(trail.Options{Clock: opts.Clock, Bus: b, IDs: src, Region: opts.Region, AccountID: opts.AccountID,
		Store: opts.Store, Shared: &trail.Shared{Store: opts.Store, KeySeed: seed}})
	s.Metrics = metrics.New(metrics.Options{Clock: opts.Clock, Bus: b, IDs: src, Region: opts.Region, AccountID: opts.AccountID})
	s.SNS = sns.New(sns.Options{Clock: opts.Clock, Bus: b, IDs: src, Region: opts.Region, AccountID: opts.AccountID})
	s.Alarms = alarms.New(alarms.Options{Clock: opts.Clock, Bus: b, IDs: src, Region: opts.Region, AccountID: opts.AccountID, Metrics: s.Metrics})
	s.Logs = logs.New(logs.Options{Clock: opts.Clock, Bus: b, IDs: src, Region: opts.Region, AccountID: opts.AccountID})
	s.Config = config.New(config.Options{Clock: opts.Clock, Bus: b, IDs: src, Region: opts.Region, AccountID: opts.AccountID, Store: opts.Store})
	return s
}

// NewAgent returns a runtime agent publishing this process's Go runtime
// metrics into the stack's metrics service (call Start on it).
func (s *Stack) NewAgent(opts agent.Options) *agent.Agent {
	opts.Clock, opts.Bus, opts.AccountID, opts.Region = s.Clock, s.Bus, s.AccountID, s.Region
	return agent.New(opts)
}

// Close stops every service's timers and bus subscriptions. It is safe to call
// more than once.
func (s *Stack) Close() {
	s.closeOnce.Do(func() {
		s.Alarms.Close()
		s.Config.Close()
		s.Logs.Close()
		s.SNS.Close()
		s.Metrics.Close()
		s.Trail.Close()
	})
}

// Subscribe registers h for events of type T on the stack's bus (for example
// alarms.StateChange, Notification or APICall). It returns a function that
// removes the subscription.
func Subscribe[T any](s *Stack, name string, h func(ctx context.Context, ev T) error) (unsubscribe func()) {
	return bus.Subscribe(s.Bus, name, h)
}
