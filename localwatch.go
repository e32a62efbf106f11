package localwatch

import (
	"context"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/bus"
	"github.com/localwatch/localwatch/internal/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
)

// Clock is the source of time every service reads. See [NewManualClock].
type Clock = clock.Clock

// Timer is a pending call registered with Clock.AfterFunc.
type Timer = clock.Timer

// ManualClock is a clock that moves only on Advance or Set, firing due timers
// synchronously in time order.
type ManualClock = clock.Manual

// RealClock is the wall clock.
type RealClock = clock.Real

// NewManualClock returns a manual clock set to start.
func NewManualClock(start time.Time) *ManualClock { return clock.NewManual(start) }

// Bus is the in-memory event bus the services share.
type Bus = bus.Bus

// Identity is the caller of an operation (CloudTrail's userIdentity).
type Identity = identity.Identity

// WithIdentity returns a context that carries the caller's identity; operations
// called with it are recorded by CloudTrail as made by id.
func WithIdentity(ctx context.Context, id Identity) context.Context { return identity.With(ctx, id) }

// APICall is the event every service operation publishes on the bus.
type APICall = event.APICall

// Notification is a message for an SNS topic, published on the bus.
type Notification = event.Notification

// Error is the AWS-style error every operation returns: an AWS error code and a
// message naming the offending field.
type Error = awserr.Error

// Sentinels for errors.Is on the common CloudWatch error codes.
var (
	ErrInvalidParameterValue       = awserr.ErrInvalidParameterValue
	ErrMissingParameter            = awserr.ErrMissingParameter
	ErrInvalidParameterCombination = awserr.ErrInvalidParameterCombination
	ErrLimitExceeded               = awserr.ErrLimitExceeded
	ErrResourceNotFound            = awserr.ErrResourceNotFound
)

// LoopClock is the wall clock for applications: its timers run only while
// [Account.Run] (or [Stack.Run]) runs, one at a time on Run's goroutine. It is
// the default clock of [New] and [NewAccount].
type LoopClock = clock.Loop

// NewLoopClock returns a LoopClock with no timers.
func NewLoopClock() *LoopClock { return clock.NewLoop() }

// IDSource generates the request, event and message IDs of a service. Give a
// service built on its own (metrics.New, trail.New, ...) a seeded source to
// make its IDs reproducible; the stack does this for Options.IDSeed.
type IDSource = ids.Source

// NewIDSource returns a deterministic IDSource: the same seed gives the same IDs.
func NewIDSource(seed uint64) *IDSource { return ids.New(seed) }
