package localwatch

import (
	"context"
	"reflect"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
)

// The clock and the bus are public packages (github.com/localwatch/localwatch/clock
// and .../bus: `go doc` shows their methods there); the names below are
// aliases of them kept for convenience, so a program needs only this package
// to build a stack. The other aliased types (identities, API-call records,
// errors, ID sources) live in internal packages and are re-exported here so
// that every package's Options can be filled from outside the module.

// Clock is the source of time every service reads: Now() time.Time and
// AfterFunc(d, f) Timer. Use [NewManualClock] in tests and the default
// [LoopClock] (or [RealClock]) in applications.
type Clock = clock.Clock

// Timer is a pending call registered with Clock.AfterFunc. Stop() bool
// cancels it (false if it already ran or was stopped).
type Timer = clock.Timer

// ManualClock is a clock that moves only when told to, firing due timers
// synchronously on the caller's goroutine, in time order (ties in
// registration order), with Now equal to each timer's due time while it runs.
// Methods: Now, AfterFunc, AfterFuncNamed(name, d, f), Advance(d) (move
// forward by d), Set(t) (move to t; never backwards), Pending() int (timers
// waiting) and OnPanic(f) (receive callbacks' recovered panics). Callbacks may
// call Advance re-entrantly; a callback that panics is recovered and
// reported, and the clock goes on. Safe for concurrent use.
type ManualClock = clock.Manual

// NewManualClock returns a manual clock set to start.
func NewManualClock(start time.Time) *ManualClock { return clock.NewManual(start) }

// LoopClock is the wall clock for applications: Now reads the wall clock, and
// timers run only while [Account.Run] (or [Stack.Run]) runs, one at a time on
// Run's goroutine. Methods: Now, AfterFunc, AfterFuncNamed(name, d, f),
// Run(ctx) error (used by Account.Run), Pending() int and OnPanic(f); a
// callback that panics is recovered and reported, and Run goes on. It is the default clock of [New] and
// [NewAccount].
type LoopClock = clock.Loop

// NewLoopClock returns a LoopClock with no timers.
func NewLoopClock() *LoopClock { return clock.NewLoop() }

// RealClock is the wall clock with [time.AfterFunc] timers, whose callbacks
// run on their own goroutines. Its zero value is ready to use.
type RealClock = clock.Real

// Bus is the typed, synchronous, in-memory event bus the services share (the
// zero value is ready to use). Subscribe to it with [Subscribe]; set
// Bus.OnError(func(error)) to see handler failures (each a *bus.HandlerError
// naming the subscriber and the event) and, on a stack, the scheduled jobs
// that panicked (each a [*PanicError] naming the job).
type Bus = bus.Bus

// PanicError reports a scheduled job — a timer callback of the clock, such as
// an alarm evaluation, a trail delivery or a user hook run from one — that
// panicked: Job (its name), Value (what it panicked with) and Stack. The
// clock recovers the panic and goes on with its other timers; a stack reports
// it to its Logger (Warn) and its bus's OnError. Callbacks on a
// [ManualClock] or [LoopClock] without a stack report to the hooks given to
// their OnPanic method, or else to slog.Default.
type PanicError = clock.PanicError

// Identity is the caller of an operation, shaped like CloudTrail's
// userIdentity: Type (Root, IAMUser, AssumedRole, FederatedUser, AWSAccount,
// AWSService, ...), PrincipalID, ARN, AccountID, AccessKeyID, UserName,
// InvokedBy, SessionIssuer and SessionCreated (for AssumedRole),
// MFAAuthenticated, and the request's SourceIPAddress and UserAgent. Build one with [IAMUser], [Root] or
// [AssumedRole], or fill the fields; pass it with [WithIdentity].
type Identity = identity.Identity

// SessionIssuer is the role an AssumedRole session came from (CloudTrail's
// sessionContext.sessionIssuer): Type, PrincipalID, ARN, AccountID, UserName.
type SessionIssuer = identity.SessionIssuer

// WithIdentity returns a context that carries the caller's identity; operations
// called with it are recorded by CloudTrail as made by id. Without one, calls
// are recorded as the account's root user.
func WithIdentity(ctx context.Context, id Identity) context.Context { return identity.With(ctx, id) }

// IAMUser returns the identity of IAM user name of account, signing with
// accessKeyID (may be empty), with a stable principal ID.
func IAMUser(account, name, accessKeyID string) Identity {
	return identity.IAMUser(account, name, accessKeyID)
}

// Root returns the identity of account's root user.
func Root(account string) Identity { return identity.Root(account) }

// AssumedRole returns the identity of session sessionName of role roleName of
// account (temporary credentials, normally an ASIA… accessKeyID), with its
// session issuer. Set the result's SessionCreated to when the credentials were
// issued (CloudTrail's sessionContext.attributes.creationDate).
func AssumedRole(account, roleName, sessionName, accessKeyID string) Identity {
	return identity.AssumedRole(account, roleName, sessionName, accessKeyID)
}

// APICall is the event every service operation publishes on the bus; trail
// turns it into a CloudTrail record. Fields: Time, EventSource
// ("monitoring.amazonaws.com", ...), EventName, AWSRegion,
// RecipientAccountID, Identity and HasIdentity, ReadOnly, Management (false
// for data events), EventType, RequestParameters and ResponseElements (as
// CloudTrail shows them), Resources, ErrorCode and ErrorMessage, RequestID,
// EventID.
type APICall = event.APICall

// Resource is a resource an API call touched (CloudTrail's resources
// element): ARN, AccountID, Type ("AWS::CloudWatch::Alarm", ...).
type Resource = event.Resource

// Notification is a message for an SNS topic, published on the bus by alarm
// actions, Config and CloudTrail and delivered by the SNS service of the
// topic's Region: TopicARN, Subject, Message, MessageAttributes, Source (the
// publishing service's host).
type Notification = event.Notification

// MessageAttribute is an SNS message attribute of a [Notification]: DataType
// (String, Number, Binary, String.Array), StringValue, BinaryValue.
type MessageAttribute = event.MessageAttribute

// LogDelivery carries log events to a CloudWatch Logs group and stream (how
// CloudTrail delivers to CloudWatch Logs; an application may publish its own
// on the bus): AccountID and Region (empty: any), LogGroupName,
// LogStreamName, Events ([]LogEvent), Source. The stream is created if
// missing; the events are ingested under PutLogEvents rules.
type LogDelivery = event.LogDelivery

// LogEvent is one event of a [LogDelivery]: Timestamp (milliseconds since the
// epoch) and Message.
type LogEvent = event.LogEvent

// Error is the AWS-style error every operation returns: Code (the AWS error
// code, e.g. "InvalidParameterValue"), Message (naming the offending field)
// and StatusCode (the HTTP status AWS would return; 0 means 400). errors.Is
// matches errors by Code, so errors.Is(err, ErrInvalidParameterValue) works,
// and each service package exports sentinels for its own codes.
type Error = awserr.Error

// Sentinels for errors.Is. ErrResourceNotFound matches every service's
// not-found error whatever its AWS code (Logs' ResourceNotFoundException,
// SNS's NotFound, CloudTrail's TrailNotFoundException, Config's
// NoSuchConfigRuleException, ...); the others match the CloudWatch code of
// their name. Every error is also a smithy.APIError (ErrorCode, ErrorMessage,
// ErrorFault), as the AWS SDK's errors are.
var (
	ErrInvalidParameterValue             = awserr.ErrInvalidParameterValue
	ErrMissingParameter                  = awserr.ErrMissingParameter
	ErrInvalidParameterCombination       = awserr.ErrInvalidParameterCombination
	ErrLimitExceeded                     = awserr.ErrLimitExceeded
	ErrResourceNotFound            error = awserr.ErrNotFound
)

// IDSource generates the request, event and message IDs of a service. Give a
// service built on its own (metrics.New, trail.New, ...) a seeded source to
// make its IDs reproducible; the stack does this for Options.IDSeed. Safe for
// concurrent use.
type IDSource = ids.Source

// NewIDSource returns a deterministic IDSource: the same seed gives the same IDs.
func NewIDSource(seed uint64) *IDSource { return ids.New(seed) }

// Publish publishes ev on the bus of an account, a stack or a bare *Bus, synchronously, to
// every subscriber of its type (a [LogDelivery], a [Notification], a
// metrics.DataEvent, ...). It returns the subscribers' errors joined.
//
// Subscribers are found by T, the static type argument: publish the concrete
// event type. Publish panics with a *bus.InterfaceEventError when T is an
// interface type (ev held in an `any`) that nobody subscribes to, since such
// an event would silently reach no one. wiring.go lists the event types the
// services publish and consume.
//
// On an account with a DataDir, publishing a LogDelivery, a Notification or a
// metrics.DataEvent is journaled like an operation (what its subscribers do
// survives a restart); publishing another type is not.
func Publish[T any](ctx context.Context, on EventBus, ev T) error {
	if a := accountOf(on); a != nil && a.journal != nil {
		if name, ok := publishNames[reflect.TypeFor[T]()]; ok {
			_, err := op.Do(ctx, &a.publish, event.Call{Name: name}, ev, func(ctx context.Context, _ *event.Call, ev T) (struct{}, error) {
				return struct{}{}, bus.Publish(ctx, a.Bus, ev)
			})
			return err
		}
	}
	return bus.Publish(ctx, on.EventBus(), ev)
}

// EventBus is what [Subscribe] and [Publish] take: an [Account], a [Stack]
// (whose bus is its account's) or a bare *[Bus] given to services built on
// their own.
type EventBus interface {
	EventBus() *Bus
}

// Subscribe registers h for events of type T on the bus of an account, a
// stack or a bare *Bus (for example alarms.StateChange, Notification or APICall). The bus is
// the account's, so h sees the events of every Region; the events name their
// Region (an alarm's ARN, an API call's AWSRegion). Handlers run
// synchronously in the publisher's goroutine. It returns a function that
// removes the subscription.
func Subscribe[T any](on EventBus, name string, h func(ctx context.Context, ev T) error) (unsubscribe func()) {
	return bus.Subscribe(on.EventBus(), name, h)
}
