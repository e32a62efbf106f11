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
package localwatch
