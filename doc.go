// Package localwatch is an in-process model of the AWS services that watch a
// cloud — CloudTrail ([trail]), CloudWatch metrics ([metrics]), alarms
// ([alarms]) and Logs ([logs]), AWS Config ([config]) and SNS ([sns]) — wired
// through one in-memory event bus and driven by one clock. AWS is the
// specification: operations, field names, limits, error codes and formats
// (CloudTrail log and digest files, alarm notifications, SNS messages,
// configuration items) are AWS's.
//
// # Building a stack
//
// [New] builds the six services of one account and Region; [NewAccount]
// builds one [Stack] per Region of an [Account] on a shared bus, clock and
// object store. Services never call each other: every operation publishes an
// API-call event that CloudTrail records; logs metric filters and the runtime
// agent ([Stack.NewAgent]) publish metric data; alarms and Config publish
// notifications that SNS delivers to HTTP/S endpoints, in-memory queues and Go
// functions; CloudTrail delivers its records to a CloudWatch Logs group.
// [Subscribe] lets the application watch any of these events (for example
// alarms.StateChange).
//
// # Time
//
// Nothing reads the wall clock or starts a goroutine behind the caller's back.
// In tests use [NewManualClock]: Advance runs every scheduled piece of work
// (alarm evaluations, trail deliveries and digests, metric-filter publishing,
// retention, SNS retries) that falls due, in time order, on the caller's
// goroutine, so a test is a plain sequence of calls and, with Options.IDSeed,
// every output is the same byte for byte. In applications the default
// [LoopClock] reads the wall clock and runs scheduled work only inside
// [Account.Run], one piece at a time; the services themselves may be called
// from any goroutine.
//
// # Regions
//
// The Regions of an account share what AWS shares: a multi-Region trail is
// created in its home Region and shadowed in the others, each Region delivers
// its own log files with its own digest chain and signing key, and
// global-service events (IAM, STS, CloudFront) are recorded in us-east-1. Each
// Region's services answer only for their Region: an alarm action's topic
// ARN picks the Region whose SNS delivers it, a metric filter's data reaches
// its own Region's metrics, a trail's log group ARN picks the Region whose
// CloudWatch Logs receives its records.
//
// # Errors
//
// Every operation returns an [Error] with AWS's error code and a message
// naming the offending field; errors.Is matches the sentinels by code. A
// rejected request changes nothing.
//
// Each service package documents its model and where it deliberately differs
// from AWS.
//
// # Testing with localwatch
//
// Package [github.com/localwatch/localwatch/localwatchtest] builds a stack
// for one test (on a ManualClock, seeded, closed when the test ends) and
// records the events of a type that cross its bus; our own tests use it.
//
// # Rules of this codebase
//
// Every package follows these rules; a new package or operation follows
// them too. AWS is the specification: names, limits, validation, error codes
// and formats are checked against AWS's documentation and API models.
//
// Operations. An operation is a method of its service's *Service,
// `func (s *Service) X(ctx context.Context, in XInput) (*XOutput, error)`,
// named, with its members, as in AWS's API, so that AWS CLI JSON decodes into
// the Input. A bad input gets AWS's error code and a message naming the
// field, and a rejected call changes nothing.
//
//   - Required members are values. Optional numbers, booleans and times are
//     pointers (*int32, *int64, *float64, *bool, *time.Time), so that an
//     explicit zero is told from absent, as AWS does; optional strings are
//     string ("" is absent); lists and maps are values (nil or empty is
//     absent). Enums are named string types with constants. The exception,
//     kept on the hottest inputs: where AWS rejects a member's zero value
//     anyway, a value may stand and zero means absent —
//     MetricDatum.Timestamp (the zero time is year 1) and StorageResolution
//     (AWS takes 1 or 60), PutMetricAlarm's Period, EvaluationPeriods and
//     DatapointsToAlarm; an explicit 0 there gets the error for a missing
//     member instead of the one for a bad value.
//   - Pagination: NextToken is a string in both the Input and the Output (""
//     is the first page, and the last); page sizes are *int32 under AWS's
//     member name (Limit, MaxResults, MaxRecords, ...).
//   - Every paginated operation has exactly one iterator, named
//     <Operation>All, returning iter.Seq2[Item, error] over the items of the
//     result list, e.g.
//     `DescribeLogGroupsAll(ctx, in DescribeLogGroupsInput) iter.Seq2[LogGroup, error]`
//     (or over the pages, *XOutput, where a page carries several lists, as
//     GetMetricData's does).
//   - Inputs, Outputs and the types they hold live in the package's types*.go
//     files; operations live in the file of their area.
//
// Errors. Every error an operation returns is an *awserr.Error ([Error]):
// AWS's code, a message, and the HTTP status AWS would answer with. errors.Is
// matches it by code against the sentinels ([ErrInvalidParameterValue],
// each package's own); errors.Is(err, [ErrResourceNotFound]) matches every
// service's not-found error, so a service uses AWS's exact not-found code and
// nothing else; and every error is a smithy.APIError (ErrorCode,
// ErrorMessage, ErrorFault), as the AWS SDK's are. Never panic on user input.
//
// One path per operation. Each exported operation is a thin wrapper over
// internal/op: `return op.Do(ctx, &s.op, event.Call{Name: "X", ...}, in, s.x)`,
// where s.x is the private core. op.Do, and nothing else, turns a nil ctx
// into context.Background(), fails calls after Close, takes the call into the
// journal when the account persists its state, and records the call for
// CloudTrail once (request parameters from the Input by event.Params unless
// the core sets them). A service is set up by op.Service.Init from one
// op.Common (clock, bus, IDs, Region, account, logger, journal). An operation
// or bus handler that calls another operation passes on the ctx it was given.
//
// Close. Every service has Close; it is safe to call more than once, stops
// the service's timers and bus subscriptions, and after it every operation
// fails with awserr.Closed (HTTP 503) and changes nothing.
//
// Time and goroutines. Nothing reads the wall clock: time comes only from the
// Clock (Now, AfterFunc), and work that happens later is a timer on it. No
// package starts a goroutine its user did not ask for (Run starts the ones
// that are needed); blocking I/O to outside parties goes to bounded workers,
// never runs on a caller's goroutine or the clock loop.
//
// Concurrency. Every exported method is safe for concurrent use. Each mutex
// field has a comment saying what it guards; no lock is held while calling
// out to user code or publishing on the bus.
//
// The bus. Services never import each other's internals: they publish
// events on the bus and subscribe to the ones they consume, under the
// concrete event type (publishing under an interface type nobody subscribes
// to panics). wiring.go lists every event type, its publishers and its
// subscribers; a new one is added there.
//
// Docs and tests. Every exported name has a doc comment. Tests are
// table-driven, named after the AWS behaviour they pin down, run on the
// manual clock with seeded IDs, and must be able to fail; a test that passes
// a nil ctx uses a package-level `var nilCtx context.Context`.
package localwatch
