// Package op is the one path every API operation of every service takes, and
// the one set-up every service is built with.
//
// A service embeds an [op.Service] initialised by [Service.Init] from its [Common]
// options (filled by [Common.EnsureDefaults]: clock, IDs, Region, account).
// Each exported operation is then a thin wrapper:
//
//	func (s *Service) PutMetricData(ctx context.Context, in PutMetricDataInput) (PutMetricDataOutput, error) {
//		return op.Do(ctx, &s.op, event.Call{Name: "PutMetricData", Data: true}, in, s.putMetricData)
//	}
//
// and [Do] does, in this order and nowhere else:
//
//  1. a nil ctx becomes context.Background();
//  2. after Close, the call fails with awserr.Closed(code) (HTTP 503) and
//     reads or changes nothing;
//  3. when the account persists its state (a [Journal] is set), the call is
//     taken into the journal's order (Journal.Begin);
//  4. the private core runs and may fill the event.Call it is handed
//     (Resources, ResponseElements, RequestParameters, a Params builder);
//  5. the call is recorded once for CloudTrail, its request parameters built
//     (only if a subscriber reads them) by the core's Params, else from the
//     Input by [event.Params] — the one encoder shared with the wire layer;
//  6. the core's c.After, if it set one, runs (still inside the call);
//  7. the journal learns the outcome (end), which for a change waits until it
//     is durable under the journal's sync policy.
//
// Operations that call other operations (a metric filter putting data, an
// alarm publishing to SNS) pass the ctx they were given on: the journal sees
// the nested call as part of the outer one (see [Journal]).
package op

import (
	"cmp"
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
)

// Defaults used by [Common.EnsureDefaults].
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
)

// Common holds what every service is built with. Each service's New builds
// one from its own Options (whose fields keep their documented names) and
// hands it to [Service.Init], which fills what is empty with EnsureDefaults.
type Common struct {
	// Clock drives timestamps and scheduled work (nil: the wall clock).
	Clock clock.Clock
	// Bus, when set, carries the service's API-call records and its events.
	Bus *bus.Bus
	// IDs generates request, event and resource IDs (nil: random).
	IDs *ids.Source
	// Region is the AWS Region (default "us-east-1").
	Region string
	// AccountID is the AWS account (default "123456789012").
	AccountID string
	// Logger receives what the service reports (nil: discarded).
	Logger *slog.Logger
	// Journal, when set, persists every call (see [Journal]); nil keeps the
	// service in memory only.
	Journal Journal
	// States, when set, collects the services' checkpoint hooks
	// ([Service.SetStateHooks]).
	States *States
}

// EnsureDefaults fills the empty fields of c with their defaults: the wall
// clock, a random ID source, us-east-1, account 123456789012 and a logger that
// discards.
func (c *Common) EnsureDefaults() {
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.IDs == nil {
		c.IDs = ids.Random()
	}
	c.Region = cmp.Or(c.Region, DefaultRegion)
	c.AccountID = cmp.Or(c.AccountID, DefaultAccountID)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Service is the part of every service that [Do] needs: its filled Common,
// its CloudTrail recorder and its closed flag. Services embed it as a field
// (by value) and never copy it after Init.
type Service struct {
	Common
	// Name is the service's short name ("metrics", "logs", ...), the key the
	// journal files its calls under.
	Name string
	// Rec records the service's API calls for CloudTrail.
	Rec event.Recorder

	closedCode string
	closed     atomic.Bool
	// spare is a Call left by an earlier Do for the next one to reuse (see
	// Do); a concurrent Do finding none allocates its own.
	spare atomic.Pointer[event.Call]
}

// Init fills s from c (after c.EnsureDefaults()): name is the service's short
// name, eventSource its CloudTrail event source ("monitoring.amazonaws.com")
// and closedCode the error code its calls fail with after Close.
func (s *Service) Init(c Common, name, eventSource, closedCode string) {
	c.EnsureDefaults()
	s.Common, s.Name, s.closedCode = c, name, closedCode
	s.Rec = event.Recorder{Bus: c.Bus, Clock: c.Clock, IDs: c.IDs, EventSource: eventSource, Region: c.Region, AccountID: c.AccountID}
}

// MarkClosed makes every later call fail with awserr.Closed; it reports
// whether this call closed s (false if it was closed already).
func (s *Service) MarkClosed() bool { return s.closed.CompareAndSwap(false, true) }

// Closed reports whether MarkClosed has been called.
func (s *Service) Closed() bool { return s.closed.Load() }

// CheckOpen answers awserr.Closed(code) once s is closed, else nil.
func (s *Service) CheckOpen() error {
	if s.closed.Load() {
		return awserr.Closed(s.closedCode)
	}
	return nil
}

// Journal persists the calls of an account so that replaying them in order
// rebuilds its state. internal/journal implements it; services never call it
// directly, only through [Do].
type Journal interface {
	// Begin takes one call into the journal's order before its core runs.
	// It returns the context the core must run with (marked, so that the
	// calls it makes in turn are recognised as nested and not journaled
	// again) and end, which Do calls once with the call's outcome after the
	// call was recorded. For a call that changed state, end returns once the
	// call is durable under the journal's sync policy, or an error when it
	// could not be made durable (the disk failed); Do then fails the call
	// (see [awserr.NotDurable]). A nested call (ctx already marked) returns
	// ctx unchanged and a nil end.
	Begin(ctx context.Context, service, region, name string, readOnly bool, in any) (context.Context, func(err error) error)
}

// Do runs one operation of s: see the package comment for its steps. c names
// the call (Name, ReadOnly, Data and any Resources known up front); core is
// the operation's private implementation and may complete c.
func Do[In, Out any](ctx context.Context, s *Service, c event.Call, in In, core func(ctx context.Context, c *event.Call, in In) (Out, error)) (out Out, err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if s.closed.Load() {
		return out, awserr.Closed(s.closedCode)
	}
	var end func(error) error
	if s.Journal != nil {
		ctx, end = s.Journal.Begin(ctx, s.Name, s.Region, c.Name, c.ReadOnly, in)
	}
	if end != nil {
		defer func() {
			if jerr := end(err); jerr != nil && err == nil {
				// Acknowledged means durable: a change the journal
				// could not write is not acknowledged.
				err = awserr.NotDurable(s.closedCode, jerr)
			}
		}()
	}
	// The core is called through a func value, so the Call it completes
	// would escape to the heap on every call: the service keeps one spare
	// instead (an atomic swap, cheaper than a sync.Pool), which keeps hot
	// operations (GetMetricDataInto) allocation-free.
	cp := s.spare.Swap(nil)
	if cp == nil {
		cp = new(event.Call)
	}
	*cp = c
	out, err = core(ctx, cp, in)
	// RecordFunc checks Records itself (a core that builds costly parameters
	// checks it too, before building them).
	params := cp.Params
	if params == nil && cp.RequestParameters == nil && s.Rec.Records(ctx) {
		// Built only for a call someone records: the closure copies in to
		// the heap.
		params = func() any { return event.Params(in) }
	}
	s.Rec.RecordFunc(ctx, *cp, params, err)
	after := cp.After
	*cp = event.Call{}
	s.spare.Store(cp)
	if after != nil && err == nil {
		after()
	}
	return out, err
}

// withinKey marks a context as inside a journaled call.
type withinKey struct{}

// WithinCall returns ctx marked as running inside a call the journal has
// already taken: operations called with it (or with a context derived from
// it) are nested calls, part of the outer one, and are not journaled again.
// [Journal.Begin] marks the context it hands the core; scheduled work that
// calls operations is run by the journal inside a tick and is recognised
// without a mark.
func WithinCall(ctx context.Context) context.Context {
	if WithinCallOf(ctx) {
		return ctx
	}
	return context.WithValue(ctx, withinKey{}, true)
}

// WithinCallOf reports whether ctx comes from [WithinCall].
func WithinCallOf(ctx context.Context) bool { return ctx.Value(withinKey{}) != nil }

// Replaying reports whether s's journal is replaying the recorded calls to
// rebuild the state (while the account opens its data directory). A service
// suppresses effects outside the process while replaying — it does not call
// the Go functions the user subscribed (they are not registered yet, and
// they ran already), and treats them as having succeeded (a failed attempt
// was journaled as such by its own private operation).
func (s *Service) Replaying() bool {
	r, ok := s.Journal.(interface{ Replaying() bool })
	return ok && r.Replaying()
}
