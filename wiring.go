package localwatch

import (
	"context"
	"errors"
	"reflect"
	"strings"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/dashboards"
	"github.com/localwatch/localwatch/insightrules"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
)

// This file is the wiring of an account, in one place: which events travel
// on the bus, who publishes them and who subscribes, and the few
// connections made without the bus. Read it first to follow a flow across
// services.
//
// Services never call each other. Each one publishes events on the
// account's bus (package bus: typed, synchronous, in subscription order)
// and subscribes to the events it consumes in its own New, which newStack
// below calls in an order that matters (trail first, so that it records
// the calls of everything built after it). The account itself subscribes
// only to log what Options.Logger asks for (see watch). Users subscribe
// with [Subscribe] and publish with [Publish].
//
// The bus routes an event by the static type it is published under:
// publishing under an interface type that nobody subscribes to panics
// (*bus.InterfaceEventError) instead of dropping the event silently, so
// always publish one of the concrete types below.

// routes lists every event type of the bus. TestWiringMatchesTheBus builds
// an account and checks that the bus's subscribers are exactly those listed
// here, so a new subscription or event type must be added to this table.
var routes = []route{
	{
		Event: reflect.TypeFor[APICall](),
		Flow:  "an API call, for CloudTrail's event history and trails",
		Publishers: "every service operation, once, through internal/op (op.Do -> event.Recorder), " +
			"only when bus.Wanted says a subscriber reads it",
		PerRegion: []string{
			"trail/<region>", // trail.New: event history and trails (filtered: management events, and data events while a trail selects them)
			"config",         // config.New: relatedEvents of recorded resources (filtered: successful writes of other services in its Region)
		},
		PerAccount: []string{
			"localwatch/log", // watch: rejected calls at Debug (filtered to ErrorCode != ""; only with Options.Logger)
		},
	},
	{
		Event:      reflect.TypeFor[metrics.DataEvent](),
		Flow:       "metric data produced inside the stack (PutMetricData without an API call)",
		Publishers: "logs metric filters (logs/metricfilters.go), the runtime and host agent (agent), users",
		PerRegion: []string{
			"metrics", // metrics.New: stores it when AccountID and Region are empty or the service's
		},
	},
	{
		Event: reflect.TypeFor[Notification](),
		Flow:  "a message for an SNS topic",
		Publishers: "alarm SNS actions (alarms/actions.go), Config's delivery channel (config/notify.go), " +
			"CloudTrail's log-file notifications (trail/delivery.go), users",
		PerRegion: []string{
			"sns", // sns.New: publishes it when the topic ARN names the service's account and Region (NotFound for a missing topic)
		},
	},
	{
		Event:      reflect.TypeFor[LogDelivery](),
		Flow:       "log events for a CloudWatch Logs group and stream",
		Publishers: "CloudTrail's CloudWatch Logs delivery (trail/delivery.go), users",
		PerRegion: []string{
			"logs", // logs.New: ingests them under PutLogEvents rules (stream created if missing)
		},
	},
	{
		Event:      reflect.TypeFor[alarms.StateChange](),
		Flow:       "an alarm changed state (also handed to alarms.Service.OnStateChange hooks)",
		Publishers: "alarms (alarms/actions.go deliver), after its lock is released",
		PerAccount: []string{
			"localwatch/log", // watch: Info log (only with Options.Logger)
		},
	},
	{
		Event:      reflect.TypeFor[config.ChangeEvent](),
		Flow:       "a configuration item was recorded",
		Publishers: "config (config/record.go), only when bus.HasSubscribers says someone reads it",
	},
	{
		Event:      reflect.TypeFor[config.ComplianceChangeEvent](),
		Flow:       "a resource's compliance with a Config rule changed",
		Publishers: "config (config/rules.go)",
	},
	{
		Event:      reflect.TypeFor[logs.SubscriptionDelivery](),
		Flow:       "a subscription filter's delivery to its destination ARN",
		Publishers: "logs (logs/subscriptions.go), besides calling the registered Destination",
	},
}

// Connections made without the bus, all in newStack and NewAccount:
//
//   - trail asks whether a CloudWatch Logs group exists (trail.Options.LogGroupExists
//     = Account.logGroupExists, an unrecorded DescribeLogGroups);
//   - alarms and dashboards query metrics directly (alarms.Options.Metrics,
//     dashboards.Options.Metrics: an alarm is defined on a metric);
//   - SNS reports each delivery attempt (sns.Options.OnDelivery = Account.logDelivery);
//   - the clock reports recovered panics of scheduled jobs (OnPanic = Account.reportPanic);
//   - the Regions of an account share CloudTrail's multi-Region state (trail.Shared).

// route is one event type of the bus. Subscribers are named by the name
// they give bus.Subscribe; "<region>" stands for the stack's Region.
type route struct {
	Event      reflect.Type
	Flow       string   // what the event means
	Publishers string   // who publishes it, and where
	PerRegion  []string // subscribers of each Region's stack, in subscription order
	PerAccount []string // subscribers of the account (made before the Regions')
}

// newStack builds the services of one Region on the account's bus. With a
// DataDir every service journals its calls (a.journal) and runs on the
// journal's clock (a.svcClk); store is the account's object store, which
// skips rewriting identical files while the journal replays. signSeed, when
// non-zero, derives SNS's signing key (sns.Options.SigningKeySeed): the
// account's IDSeed, or the seed stored in its DataDir, so that the key and
// the signatures are the same after a restart.
func newStack(a *Account, region string, src *ids.Source, shared *trail.Shared, store objstore.Store, opts *Options, signSeed uint64) *Stack {
	s := &Stack{AccountID: a.AccountID, Region: region, Clock: a.Clock, Bus: a.Bus, Store: a.Store, account: a}
	c, b := a.svcClk, a.Bus
	var j op.Journal
	if a.journal != nil {
		j = a.journal
	}
	// Trail subscribes first so it records the API calls of everything built after it.
	s.Trail = trail.New(trail.Options{Clock: c, Bus: b, IDs: src, Region: region, AccountID: a.AccountID, Shared: shared,
		LogGroupExists: a.logGroupExists, Journal: j, States: a.states})
	s.Metrics = metrics.New(metrics.Options{Clock: c, Bus: b, IDs: src, Region: region, AccountID: a.AccountID, Journal: j, States: a.states})
	s.SNS = sns.New(sns.Options{Clock: c, Bus: b, IDs: src, Region: region, AccountID: a.AccountID,
		SigningKeySeed: signSeed, Endpoint: strings.ReplaceAll(opts.SNSEndpoint, "{region}", region),
		HTTPClient: opts.HTTPClient, Logger: a.log, OnDelivery: a.logDelivery, Journal: j, States: a.states})
	s.Alarms = alarms.New(alarms.Options{Clock: c, Bus: b, IDs: src, Region: region, AccountID: a.AccountID, Metrics: s.Metrics, Logger: a.log, Journal: j, States: a.states})
	s.Logs = logs.New(logs.Options{Clock: c, Bus: b, IDs: src, Region: region, AccountID: a.AccountID, Logger: a.log, Store: store, Journal: j, States: a.states})
	s.Dashboards = dashboards.New(dashboards.Options{Clock: c, Bus: b, IDs: src, Region: region, AccountID: a.AccountID, Metrics: s.Metrics, Journal: j, States: a.states})
	s.Config = config.New(config.Options{Clock: c, Bus: b, IDs: src, Region: region, AccountID: a.AccountID, Store: store, Journal: j, States: a.states})
	s.InsightRules = insightrules.New(insightrules.Options{Clock: c, Bus: b, IDs: src, Region: region, AccountID: a.AccountID,
		Logger: a.log, Logs: insightLogs{s.Logs}, Journal: j, States: a.states})
	return s
}

// watch logs what Options.Logger asks for.
func (a *Account) watch() {
	if a.log == nil {
		return
	}
	a.Bus.OnError(func(err error) {
		if _, ok := errors.AsType[*clock.PanicError](err); ok {
			return // reportPanic logged it
		}
		a.log.Warn("bus handler failed", "err", err)
	})
	a.unsub = append(a.unsub,
		bus.Subscribe(a.Bus, "localwatch/log", func(ctx context.Context, c alarms.StateChange) error {
			if a.replaying() {
				return nil // logged when it happened
			}
			a.log.InfoContext(ctx, "alarm state change", "alarm", c.AlarmName, "arn", c.AlarmArn,
				"from", string(c.OldState), "to", string(c.NewState), "reason", c.StateReason, "time", c.Time)
			return nil
		}),
		bus.SubscribeFiltered(a.Bus, "localwatch/log", func(c event.APICall) bool { return c.ErrorCode != "" }, func(ctx context.Context, c event.APICall) error {
			if a.replaying() {
				return nil
			}
			a.log.DebugContext(ctx, "API call rejected", "source", c.EventSource, "name", c.EventName,
				"region", c.AWSRegion, "code", c.ErrorCode, "message", c.ErrorMessage)
			return nil
		}),
	)
}

// reportPanic reports a scheduled job (a timer callback: alarm evaluation,
// trail delivery, a user's OnStateChange hook or Destination run from one)
// that panicked and that the clock recovered: at Warn to the Logger, and to
// the bus's OnError as a *PanicError naming the job.
func (a *Account) reportPanic(e *clock.PanicError) {
	if a.log != nil {
		a.log.Warn("scheduled job panicked", "job", e.Job, "panic", e.Value, "stack", string(e.Stack))
	}
	a.Bus.Report(e)
}

// logGroupExists tells trail whether the log group of a CloudWatch Logs ARN
// exists in the account's Region it names (trail cannot see logs itself). The
// lookup is CloudTrail's own and is not recorded as an API call.
func (a *Account) logGroupExists(ctx context.Context, groupARN string) bool {
	p, err := arn.Parse(groupARN)
	if err != nil || p.AccountID != a.AccountID {
		return false
	}
	st := a.Region(p.Region)
	name, ok := strings.CutPrefix(p.Resource, "log-group:")
	if st == nil || !ok {
		return false
	}
	name = strings.TrimSuffix(name, ":*")
	for g, err := range st.Logs.DescribeLogGroupsAll(event.Unrecorded(ctx), logs.DescribeLogGroupsInput{LogGroupNamePrefix: name}) {
		if err != nil {
			return false
		}
		if g.LogGroupName == name {
			return true
		}
	}
	return false
}

// logDelivery logs, at Warn, SNS deliveries that failed for good (the sns
// package itself logs every attempt at Debug).
func (a *Account) logDelivery(d sns.DeliveryAttempt) {
	if a.log == nil || d.Err == nil || !d.Final || a.replaying() {
		return
	}
	a.log.Warn("SNS delivery failed", "topic", d.TopicArn, "subscription", d.SubscriptionArn, "protocol", d.Protocol,
		"endpoint", d.Endpoint, "messageId", d.MessageId, "attempt", d.Attempt, "err", d.Err, "deadLettered", d.DeadLettered)
}
