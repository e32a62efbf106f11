package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/google/btree"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
)

// EventSource is the CloudTrail event source of the metrics service.
const EventSource = "monitoring.amazonaws.com"

// sweepInterval is how often retention and rollup run on the clock.
const sweepInterval = time.Minute

// Options configures a [Service]. The zero value is usable.
type Options struct {
	// Clock drives timestamps, retention and rollup (nil: the wall clock).
	Clock clock.Clock
	// Bus, when set, is where the service records API calls (event.APICall)
	// and from which it ingests [DataEvent]s.
	Bus *bus.Bus
	// IDs generates request and event IDs (nil: random).
	IDs *ids.Source
	// Region is the AWS Region (default "us-east-1").
	Region string
	// AccountID is the AWS account (default "123456789012").
	AccountID string
	// Journal is set by localwatch.Account when its Options.DataDir is set;
	// leave nil.
	Journal op.Journal
	// States is set by localwatch.Account when its Options.DataDir is set;
	// collects the service's checkpoint hooks.
	States *op.States
}

// Service is an in-process CloudWatch metrics endpoint for one account and
// Region. Its methods are safe for concurrent use.
type Service struct {
	op op.Service // clock, bus, IDs, Region, account, recorder, closed flag

	mu      sync.RWMutex // guards table, nseries, nextDue, catalog, lastPut and the series they hold
	table   []slot       // open-addressing index by identity hash (store.go)
	nseries int
	nextDue int64                  // earliest time (Unix s) the retention sweep has work
	catalog *btree.BTreeG[*series] // ordered by series key: ListMetrics order
	// lastPut holds, per namespace, the series of each datum of the latest
	// accepted PutMetricData call to it, by position: the next call's datum i
	// is checked against lastPut[ns][i] first (series.is), so producers that
	// take turns (an agent, metric filters) each keep theirs. Emptied when a
	// series is removed; at most maxPutCaches namespaces.
	lastPut map[string][]*series

	unsubscribe func()
	sweeper     clock.Timer

	scratch sync.Pool // *putScratch

	streams metricStreams // metric streams (streams.go)

	admu    sync.Mutex // guards anomaly (never held with mu)
	anomaly anomalyState
	bands   bandCache
}

// New returns a metrics service. If o.Bus is set it subscribes to [DataEvent]
// and records every operation as an event.APICall. Call Close to stop its
// retention timer and bus subscription.
func New(o Options) *Service {
	s := &Service{
		catalog: btree.NewG(16, func(a, b *series) bool { return a.key < b.key }),
	}
	s.op.Init(op.Common{Clock: o.Clock, Bus: o.Bus, IDs: o.IDs, Region: o.Region, AccountID: o.AccountID, Journal: o.Journal, States: o.States},
		"metrics", EventSource, "ServiceUnavailable")
	s.scratch.New = func() any { return new(putScratch) }
	if o.Bus != nil {
		s.unsubscribe = bus.Subscribe(o.Bus, "metrics", s.onDataEvent)
	}
	s.sweeper = clock.EveryNamed(s.op.Clock, s.sweepTimerName(), sweepInterval, s.sweep)
	s.op.SetStateHooks(op.StateHooks{Save: s.saveState, Load: s.loadState})
	return s
}

// Close stops the retention timer and the bus subscription. After Close every
// operation answers awserr.Closed("ServiceUnavailable") (HTTP 503) and reads
// or changes nothing; Close is idempotent.
func (s *Service) Close() {
	if !s.op.MarkClosed() {
		return
	}
	if s.sweeper != nil {
		s.sweeper.Stop()
	}
	s.streams.mu.Lock()
	if s.streams.timer != nil {
		s.streams.timer.Stop()
	}
	s.streams.mu.Unlock()
	if s.unsubscribe != nil {
		s.unsubscribe()
	}
}

// onDataEvent ingests metric data sent over the bus by producers inside the
// stack. Internal producers (metric filters, AWS services) may use AWS/
// namespaces and are not API calls, so they are not recorded; other events are
// recorded as PutMetricData calls (as the CloudWatch agent's calls are).
func (s *Service) onDataEvent(ctx context.Context, ev DataEvent) error {
	if (ev.AccountID != "" && ev.AccountID != s.op.AccountID) || (ev.Region != "" && ev.Region != s.op.Region) {
		return nil
	}
	if ev.Internal {
		if err := s.op.CheckOpen(); err != nil {
			return err
		}
		return s.put(ev.Input, true)
	}
	_, err := s.PutMetricData(ctx, ev.Input)
	return err
}

// dataCall completes c for one of the metric APIs — PutMetricData,
// GetMetricData, GetMetricStatistics and ListMetrics — that CloudTrail logs as
// data events on the resource type AWS::CloudWatch::Metric (CloudWatch User
// Guide, "CloudWatch data events in CloudTrail"), with params as its request
// parameters. The callers are hot paths: they call it only when s.op.Rec.Records(ctx).
func dataCall(c *event.Call, params func() any) {
	c.Resources = metricResources
	c.Params = params
}

// metricResources is the resources element of every data call, shared by
// their records (which no subscriber modifies).
var metricResources = []event.Resource{{Type: "AWS::CloudWatch::Metric"}}

// ErrClosed is the error every operation answers after Close
// (errors.Is(err, ErrClosed)).
var ErrClosed = awserr.Sentinel("ServiceUnavailable")
