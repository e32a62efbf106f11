// Package event defines the events that cross service boundaries on the bus and
// that more than one service produces or consumes:
//
//   - [APICall]: every service operation publishes one; trail turns them into
//     CloudTrail records (event history, trail files).
//   - [Notification]: a message for an SNS topic ARN (alarm actions, Config's
//     delivery channel and rules); sns delivers it.
//   - [LogDelivery]: log events for a CloudWatch Logs group and stream (CloudTrail's
//     delivery to CloudWatch Logs); logs ingests them.
//
// Events that belong to one service (metric data, alarm state changes,
// configuration changes) are defined in that service's package.
package event

import (
	"context"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
)

// APICall is one AWS API call handled by a service of the stack, with what
// CloudTrail needs to record it.
//
// A subscriber that reads only some calls subscribes with
// bus.SubscribeFiltered. Its predicate sees every field except
// RequestParameters and ResponseElements, which [Recorder.Record] builds only
// after bus.Wanted says some subscriber will read the call: a call nobody
// reads costs its publisher no parameters at all.
type APICall struct {
	// Time is when the call was handled (clock time).
	Time time.Time
	// EventSource is the service's host, e.g. "monitoring.amazonaws.com".
	EventSource string
	// EventName is the operation, e.g. "PutMetricAlarm".
	EventName string
	// AWSRegion is the region the call was made in.
	AWSRegion string
	// RecipientAccountID is the account that received the call.
	RecipientAccountID string
	// Identity is the caller, from the request context (zero if none).
	Identity identity.Identity
	// HasIdentity tells whether the context carried an identity.
	HasIdentity bool
	// ReadOnly is true for operations that change nothing (Describe*, Get*, List*).
	ReadOnly bool
	// Management is true for management (control-plane) events, false for data
	// events (which CloudTrail records only for trails whose selectors ask).
	Management bool
	// EventType is "AwsApiCall" unless set ("AwsServiceEvent",
	// "AwsConsoleSignIn", ...).
	EventType string
	// RequestParameters is the request as CloudTrail shows it (JSON-marshalable,
	// camelCase keys as AWS records them); nil for none.
	RequestParameters any
	// ResponseElements is the response for non-read-only calls; nil for none.
	ResponseElements any
	// Resources are the resources the call touched.
	Resources []Resource
	// ErrorCode and ErrorMessage describe a failed call.
	ErrorCode    string
	ErrorMessage string
	// RequestID is the call's request ID.
	RequestID string
	// EventID is the CloudTrail event ID the record of this call will carry
	// (a UUID), so other consumers (Config's relatedEvents) can refer to it.
	EventID string
}

// Resource is a resource an API call touched (CloudTrail's resources element).
type Resource struct {
	ARN       string
	AccountID string
	Type      string // e.g. "AWS::CloudWatch::Alarm"
}

// Notification is a message for an SNS topic, published by alarms and Config.
type Notification struct {
	// TopicARN is the target topic.
	TopicARN string
	// Subject is the optional subject line (≤ 100 characters).
	Subject string
	// Message is the message body (for alarms, AWS's alarm notification JSON).
	Message string
	// MessageAttributes are optional SNS message attributes.
	MessageAttributes map[string]MessageAttribute
	// Source names the publisher, e.g. "cloudwatch.amazonaws.com".
	Source string
}

// MessageAttribute is an SNS message attribute.
type MessageAttribute struct {
	DataType    string // String, Number, Binary, String.Array
	StringValue string
	BinaryValue []byte
}

// LogDelivery carries log events to a CloudWatch Logs group and stream. logs
// creates the stream if it does not exist (as services delivering to CloudWatch
// Logs do) and ingests the events under PutLogEvents rules.
type LogDelivery struct {
	// AccountID and Region address the log group's account and Region. A logs
	// service ignores a delivery addressed to another account or Region; empty
	// fields match any (one service on the bus).
	AccountID     string
	Region        string
	LogGroupName  string
	LogStreamName string
	Events        []LogEvent
	// Source names the delivering service, e.g. "cloudtrail.amazonaws.com".
	Source string
}

// LogEvent is one log event: milliseconds since the epoch and the message.
type LogEvent struct {
	Timestamp int64
	Message   string
}

// Recorder publishes an [APICall] for each operation of one service. The zero
// Recorder (or one with a nil Bus) records nothing.
type Recorder struct {
	Bus         *bus.Bus
	Clock       clock.Clock
	IDs         *ids.Source
	EventSource string
	Region      string
	AccountID   string
}

// Call describes one operation for [Recorder.Record].
type Call struct {
	Name              string
	ReadOnly          bool
	Data              bool // a data event rather than a management event
	RequestParameters any
	// Params, when set, builds RequestParameters only if some subscriber
	// reads the call (see [Recorder.RecordFunc]).
	Params           func() any
	ResponseElements any
	Resources        []Resource
	// After, when set by an operation's core, runs once the call is
	// recorded and succeeded, still inside the call (op.Do): the work that
	// AWS does after answering (Config's notifications and rule
	// evaluations), whose own records must follow the call's.
	After func()
}

// Records reports whether Record may publish anything for a call made with
// ctx: the Recorder has a bus with an APICall subscriber and ctx is not
// [Unrecorded]. Callers check it before building anything for Record; the
// parameters themselves are best left to [Recorder.RecordFunc], which builds
// them only when a subscriber wants the call. A nil ctx counts as
// context.Background().
func (r *Recorder) Records(ctx context.Context) bool {
	if ctx == nil {
		ctx = context.Background()
	}
	return r != nil && r.Bus != nil && bus.HasSubscribers[APICall](r.Bus) && !IsUnrecorded(ctx)
}

// Record publishes the APICall for c, completed with err (nil for success). It
// returns the request ID used. Delivery failures are reported by the bus's
// OnError hook, not returned: a trail failing never fails the caller's request.
//
// The request and event IDs are drawn whenever Records is true, read or not,
// so that the IDs of a seeded source do not depend on who subscribes with
// what filter. The parameters are built, and the call published, only when
// bus.Wanted says some subscriber reads it.
func (r *Recorder) Record(ctx context.Context, c Call, err error) string {
	return r.RecordFunc(ctx, c, nil, err)
}

// RecordFunc is [Recorder.Record] for an operation whose request parameters
// are costly to build (a PutMetricData of 1,000 datums): params, when not nil,
// builds them (replacing c.RequestParameters) only if some subscriber reads
// the call. params is only called, never kept.
func (r *Recorder) RecordFunc(ctx context.Context, c Call, params func() any, err error) string {
	if ctx == nil {
		ctx = context.Background()
	}
	if !r.Records(ctx) {
		return ""
	}
	ev := APICall{
		EventSource:        r.EventSource,
		EventName:          c.Name,
		AWSRegion:          r.Region,
		RecipientAccountID: r.AccountID,
		ReadOnly:           c.ReadOnly,
		Management:         !c.Data,
		EventType:          "AwsApiCall",
		Resources:          c.Resources,
	}
	if r.Clock != nil {
		ev.Time = r.Clock.Now()
	}
	if r.IDs != nil {
		ev.RequestID = r.IDs.UUID()
		ev.EventID = r.IDs.UUID()
	}
	if id, ok := RequestIDFrom(ctx); ok {
		ev.RequestID = id
	}
	ev.Identity, ev.HasIdentity = identity.From(ctx)
	if err != nil {
		ev.ErrorCode = awserr.Code(err)
		if ev.ErrorCode == "" {
			ev.ErrorCode = "InternalFailure"
		}
		ev.ErrorMessage = awserr.Message(err)
	}
	if !bus.Wanted(r.Bus, ev) {
		return ev.RequestID
	}
	ev.RequestParameters = c.RequestParameters
	if params == nil {
		params = c.Params
	}
	if params != nil {
		ev.RequestParameters = params()
	}
	if err == nil && !c.ReadOnly {
		ev.ResponseElements = c.ResponseElements
	}
	_ = bus.Publish(ctx, r.Bus, ev)
	return ev.RequestID
}
