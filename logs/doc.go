// Package logs is an in-memory Amazon CloudWatch Logs: log groups and log
// streams, events, the filter-pattern language, metric filters and subscription
// filters, driven by an injected clock and wired to the rest of localwatch over
// the event bus.
//
// # Model
//
// A log group holds log streams; a stream holds events (a millisecond timestamp
// and a UTF-8 message) in time order. PutLogEvents appends a batch under AWS's
// current rules: at most 10,000 events and 1,048,576 bytes counting 26 bytes of
// overhead per event, each event at most 1 MB, the batch in chronological order
// and spanning at most 24 hours. Events more than 14 days old, older than the
// group's retention, or more than 2 hours in the future are left out and
// reported in RejectedLogEventsInfo (end indexes exclusive: a single too-old
// event gives tooOldLogEventEndIndex 1, as AWS answers) while the others are
// stored. Sequence tokens are ignored, as AWS now ignores them. GetLogEvents pages through one stream with
// forward and backward tokens; FilterLogEvents searches many streams and
// interleaves the matches in time order.
//
// Every paginated operation has an <Operation>All iterator (FilterLogEventsAll,
// DescribeLogGroupsAll, DescribeLogStreamsAll, ...) that walks all its pages
// as an iter.Seq2 of the page items.
// ListLogGroups lists name, ARN and class with AWS's logGroupNamePattern
// (alternatives by |, ^ for a prefix). A group's deletion protection
// (CreateLogGroup, PutLogGroupDeletionProtection) refuses DeleteLogGroup and
// DeleteLogStream with ValidationException until it is turned off.
//
// Errors carry AWS's codes and, where AWS's texts are known, its exact fixed
// messages ("The specified log group does not exist.", "The specified log
// stream already exists", "Resource limit exceeded.", ...), which do not name
// the resource. After Close every operation answers
// awserr.Closed("ServiceUnavailableException") (errors.Is matches
// ErrServiceUnavailable); a nil context is context.Background().
//
// Filter patterns (package [github.com/localwatch/localwatch/logs/filterpattern])
// are compiled once and shared by FilterLogEvents, metric filters and subscription
// filters; a pattern that does not parse is an InvalidParameterException.
//
// # Data flow
//
//   - API calls: every operation publishes an event.APICall (event source
//     logs.amazonaws.com) for trail. PutLogEvents, GetLogEvents and
//     FilterLogEvents are marked as data events.
//   - Metric filters: events ingested after a metric filter exists are matched;
//     values are aggregated per metric, dimension set and minute of event time,
//     and published every minute (clock timer) as metrics.DataEvent with
//     StatisticValues. FlushMetrics publishes at once. PutMetricFilter refuses
//     a metricValue or defaultValue CloudWatch cannot store (NaN, ±Inf, beyond
//     ±2^360); an event whose extracted value or dimension value CloudWatch
//     would refuse adds nothing (the other events and filters still count); a
//     minute whose aggregate overflows CloudWatch's range is published alone,
//     refused and reported through the bus's OnError, and the rest of the
//     flush goes through. Events no filter wants cost a match and nothing else.
//   - Subscription filters: the matching events of each ingested batch are
//     delivered as one DATA_MESSAGE in AWS's gzip-compressed JSON format, to the
//     Destination registered for the destination ARN (RegisterDestination; the
//     Lambda-function analogue) and as a SubscriptionDelivery on the bus. A
//     Destination runs under recover: a panic is reported through
//     Options.Logger and delivery goes on. A Lambda destination in another
//     account is refused with AccessDeniedException, as AWS refuses it.
//   - Destinations (PutDestination, PutDestinationPolicy, DescribeDestinations,
//     DeleteDestination): a subscription filter whose destinationArn is a
//     destination of this account has its deliveries forwarded to the
//     destination's targetArn (the Destination registered for it, and the bus)
//     with the destination's role. For another account's destination, register
//     that account's CrossAccountDestination under the destination ARN: it
//     checks the sender against the access policy (Allow/Deny statements naming
//     the account and logs:PutSubscriptionFilter) and forwards.
//   - Resource policies: account policies (at most 10 per Region) and log
//     group policies with revision ids, documents checked as IAM JSON of at
//     most 5,120 characters; stored and described, not enforced.
//   - Export tasks write a time range of a group's events to Options.Store
//     (the stack's object store) as <prefix>/<taskId>/<stream>/000000.gz,
//     gzip-compressed "<ISO 8601 timestamp> <message>" lines, on the clock's
//     next due work; one task may be active at a time.
//   - AssociateKmsKey/DisassociateKmsKey store a key ARN for a group
//     (kmsKeyId in DescribeLogGroups) or the account's query results.
//   - CloudTrail: New subscribes to event.LogDelivery; a trail's events are
//     ingested into the named group (which must exist), creating the stream if
//     needed, under PutLogEvents' rules (too old/new events are dropped). This
//     ingestion records no APICall, so a trail delivering to logs cannot loop.
//   - Retention: expired events are hidden from reads at once and deleted by a
//     periodic sweep on the clock (hourly by default, never more often than
//     MinRetentionSweep). Scheduled jobs run under recover too. The sweep
//     frees memory in proportion to what expired: a stream holds at most
//     about twice what its retention keeps (plus room to grow), however few
//     events it takes a day.
//
// # Storage
//
// Each stream keeps its messages concatenated in one byte slice in time order,
// with parallel columns for timestamps, ingestion times and sequence numbers. A
// one-term search is a bytes.Index over contiguous memory; late batches are
// appended and the affected tail re-sorted on the next read.
//
// Reads take the service lock only to pick the streams and copy their segment
// headers (a snapshot); GetLogEvents and FilterLogEvents then scan without any
// lock, so a costly pattern over a large group never holds up writers. Bytes a
// snapshot covers are never written again: appends go past them and the
// re-sort copies the segment it cuts (copy on write). The re-sort after late
// events also runs on a snapshot, outside the lock: it sorts only the late
// events and merges them into the events they displace, copying runs of bytes
// and columns; the write lock is held only to swap the new segments in and
// carry over what arrived meanwhile. Metric filters and
// subscription filters match at ingest after the lock is released.
//
// # Differences from AWS
//
//   - Writes are visible at once (AWS is eventually consistent: lastEventTimestamp
//     may lag by up to an hour, new events take seconds to be searchable).
//   - Event IDs are 56 decimal digits built from the timestamp and a service-wide
//     sequence number, so they are deterministic and sort in time order.
//   - nextToken values are opaque but not interchangeable between operations;
//     a FilterLogEvents token resumes after the last event returned.
//   - Group storedBytes counts message bytes; stream storedBytes is 0, as AWS now
//     reports it.
//   - Destination errors are dropped (AWS retries, then drops).
//   - DescribeMetricFilters with filterNamePrefix and no logGroupName answers
//     the matching filters of every group (as AWS was recorded answering,
//     although the API Reference says the prefix is used only with a group).
//   - Metric namespaces may contain ':' (not first), as AWS accepts, although
//     its model gives the pattern [^:*$]*.
//   - The message of a deletion refused by deletion protection is localwatch's
//     (AWS's text is not known here); expiredLogEventEndIndex is read as
//     exclusive like tooOldLogEventEndIndex (the API does not say).
//   - Encryption (KMS keys are stored, events are not encrypted), data
//     protection, account policies, transformers, Live Tail and linked
//     accounts (ListLogGroups' accountIdentifiers select nothing beyond this
//     account) are not modelled.
//   - Another account's destination policy is checked when a delivery reaches
//     it, not by the sender's PutSubscriptionFilter (which cannot see it);
//     policy Conditions are not evaluated.
//   - An export task writes one object per stream (AWS splits large ones into
//     numbered files) and runs when the clock next runs due work.
package logs
