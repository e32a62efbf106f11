// Package metrics models Amazon CloudWatch metrics in process: custom and
// AWS namespaces, metrics identified by (namespace, metric name, dimensions),
// PutMetricData, the basic and extended statistics, GetMetricStatistics,
// ListMetrics, and retention with rollup by age, all driven by an injected
// clock. GetMetricData and metric math live beside it in this package.
//
// # Model
//
// A metric is a namespace, a metric name and up to 30 dimensions; dimension
// order does not matter (Host=a,AZ=x is AZ=x,Host=a) but every distinct set is
// a distinct metric, exactly as in CloudWatch. Data published with different
// units is aggregated separately: GetMetricStatistics without a Unit returns
// one datapoint per unit and period, each labelled with its unit. Namespaces
// starting with "AWS/" are reserved for AWS services: PutMetricData rejects
// them, while producers inside the stack (a logs metric filter, a modelled AWS
// service) send a [DataEvent] with Internal set over the bus and may use them.
//
// Every PutMetricData call is validated whole before anything is stored (at
// most 1,000 datums, 150 Values per datum, values finite and within
// ±2^360 with magnitude ≥ 2^-360 or zero, timestamps from two weeks in the past
// to two hours in the future, names and dimensions per CloudWatch's rules, the
// 1 MB request limit estimated by [EstimateRequestSize]), so a rejected call
// changes nothing; an accepted call is applied under one write lock, so
// readers see all of its datapoints or none.
//
// # Data flow
//
//	PutMetricData / DataEvent ──▶ validate (allocation-free) ──▶ series index ──▶ stream(unit) ──▶ minute block
//	clock (every minute) ──▶ sweep: 3 h drop per-second detail, 15 d minute → 5 min (sketch), 63 d → 1 h, 455 d → gone
//	GetMetricStatistics / statSeries ──▶ scan blocks per period ──▶ basic statistics from block summaries,
//	                                      extended statistics from raw values (exact) or sketches (≤ 1 %)
//	GetMetricData, MetricStat queries only ──▶ fast path: one read lock, series by hash, blocks of the range
//	GetMetricData with expressions ──▶ compiled metric math (cached) ──▶ MetricStat reads / SEARCH over the catalogue
//
// Every operation is recorded on the bus as an event.APICall with event source
// monitoring.amazonaws.com. CloudTrail logs CloudWatch's metric APIs
// (PutMetricData, GetMetricData, GetMetricStatistics, ListMetrics) as data
// events with resource type AWS::CloudWatch::Metric, so they are recorded with
// Data set and that resource. Data sent by internal producers ([DataEvent] with
// Internal set) is not an API call and is not recorded.
//
// # Storage layout
//
// The hot path is laid out like a time-series database head (Prometheus
// TSDB): a series is found once per datum and its newest block is appended to.
//
//   - Series index: an open-addressing hash table (linear probing, load ≤ 1/2)
//     keyed by a 64-bit hash of the identity (namespace, name, and an
//     order-insensitive sum of per-dimension hashes), computed eight bytes at a
//     time in the same pass that checks the dimensions are ASCII; hashes of a
//     repeated metric or dimension name (same string bytes) are remembered
//     within a call. A hit is one slot load plus an identity comparison that
//     short-circuits on shared string bytes; nothing is allocated per datum.
//     One pass over a call validates, hashes and looks up each datum (creating
//     missing series only once the whole call is valid); a second appends.
//     Producers usually send the same metrics in the same order every
//     interval, so datum i is first checked against the series datum i had in
//     the previous call (an identity comparison in sorted dimension order,
//     which also proves the dimensions valid); only a mismatch is hashed.
//   - A google/btree ordered by the canonical key (namespace, name, sorted
//     dimensions) is the catalogue: ListMetrics' deterministic order and
//     resumable NextToken, and the retention sweep's walk.
//   - Series: identity, up to two dimensions inline, and the first (usually
//     only) unit's stream embedded, whose newest minute block (the head) is
//     embedded in turn: appending a datum touches the series and one value
//     chunk, nothing else.
//   - Stream → levels of blocks, each a slice sorted by start time: the head,
//     older minute blocks (raw), 5-minute blocks and 1-hour blocks. A block is
//     found by a search that guesses from the distance to the newest block
//     (minute blocks are usually dense) and otherwise gallops back from the
//     end: queries and the retention sweep mostly read recent data.
//   - Minute block (72 bytes): start, Sum, Minimum, Maximum, a 64-bit occupancy
//     mask (bit s: a value at second s) and the raw values in second order.
//     Values of consecutive blocks are appended into shared 60-value chunks
//     (480 bytes, exactly a Go size class), so one hour of 1-second data is 8
//     bytes per value plus ~1.6 bytes of block, chunk and series overhead. The
//     per-block summary means 60-second (and coarser) basic statistics read one
//     block per minute and never rescan values; a percentile over a minute
//     reads that block's contiguous values in place (a nearest-rank extreme,
//     such as p99 of fewer than 100 values, is the block's Maximum), and
//     sub-minute periods slice them by popcount of the mask.
//   - Anything unusual — two values in the same second, out-of-order seconds,
//     Values with Counts (weights), statistic sets — moves that one block to a
//     general form (per-value seconds, optional weights, a list of statistic
//     sets). Standard-resolution data is stored at second 0 of its minute: one
//     cell per minute, as CloudWatch aggregates values within a storage period.
//
// # GetMetricData
//
// A request made only of MetricStat queries (what alarms send: one query, or
// a batch of single-metric queries over a short range) takes a fast path: no
// metric math is compiled; every series is looked up by identity hash under
// one read lock; basic statistics over periods of a minute or more are summed
// from whole blocks in place; the results share two allocations (timestamps,
// values). It answers exactly as the general path does (a property test
// compares them). [Service.GetMetricDataInto] writes the answer into the
// caller's previous output instead, reusing its memory, so a scheduler that
// asks the same kind of question every minute allocates nothing. Other requests compile their expressions once (cached) and
// evaluate them over MetricStat reads; SEARCH walks the catalogue in place
// under the read lock, copying only matches.
//
// # Anomaly detection
//
// [Service.PutAnomalyDetector], [Service.DescribeAnomalyDetectors] and
// [Service.DeleteAnomalyDetector] manage anomaly detection models (single
// metric and statistic, or a metric math expression), with their
// Configuration (ExcludedTimeRanges, MetricTimezone); at most
// [MaxAnomalyDetectors]. ANOMALY_DETECTION_BAND(m1[, stddevs]) in
// GetMetricData (and so in anomaly-detection alarms, whose band is their
// ThresholdMetricId) returns two results with the expression's Id: the lower
// bound, labelled "... Lower", then the upper bound, "... Upper". A band of a
// metric without a model creates the model, as CloudWatch does when an alarm
// or graph uses one. CloudWatch's algorithm is unpublished; localwatch's model
// is a documented, deterministic approximation (daily profile by median per
// time-of-day slot, weekly effect per hour of the week, spread from the median
// absolute deviation of the residuals; see anomaly_model.go), retrained per
// hour and cached by a fingerprint of its training data.
//
// # Retention and rollup
//
// A sweep on the clock every minute applies CloudWatch's retention: data with
// periods under a minute is available for 3 hours (then high-resolution
// blocks lose their per-second detail but keep their values), 1-minute data
// for 15 days (then minute blocks merge into 5-minute blocks and their values
// into a sketch), 5-minute data for 63 days (then 1-hour blocks), and 1-hour
// data for 455 days, after which it is dropped; a metric whose data is all
// gone leaves the catalogue. Rollup keeps SampleCount, Sum, Minimum and Maximum exactly.
// GetMetricStatistics applies the matching period rules by the age of
// StartTime (a multiple of 60 beyond 3 hours, of 300 beyond 15 days, of 3600
// beyond 63 days; otherwise no datapoints) and rounds StartTime as AWS does (to 5/10/30-second
// divisions for those periods; to the minute, 5 minutes or hour by age).
//
// # Statistics
//
// SampleCount, Sum, Average, Minimum and Maximum, and the extended statistics
// in every documented syntax: pNN and pNN.NN; tmX, wmX, tcX, tsX (shorthand for
// an upper percentage bound); TM, WM, TC, TS with (a%:b%) percentage or (a:b)
// absolute bounds, either side open; PR(a:b); IQM. Absolute ranges exclude the
// lower and include the upper bound. Percentiles use the nearest-rank
// definition (the smallest value whose cumulative count reaches p%); a
// percentage range keeps the values whose ranks fall in
// (floor(a·n/100), ceil(b·n/100)].
//
// Percentiles are exact while raw values are retained: 15 days, for data of
// either resolution (a minute's values cost no more than a sketch of them).
// After the 15-day rollup they come from a mergeable DDSketch-style log
// histogram with relative accuracy 1%: every quantile read from it is within
// 1% of a value of the exact rank.
//
// As in CloudWatch, the percentile family (percentiles, trimmed and
// winsorized means, trimmed count and sum, percentile rank) needs individual
// values. A statistic set counts as individual values when its SampleCount is
// 1 or its Minimum equals its Maximum (the API Reference's rule; the user
// guide's stricter wording adds that Sum must agree): it then stands for
// SampleCount copies of Minimum (or of Sum when SampleCount is 1), while its
// own Sum, Minimum and Maximum still feed the basic statistics. A period that
// contains any other statistic set, or any negative value, has no
// percentile-family statistics (the datapoint keeps its basic statistics).
//
// Periods: 1, 5, 10, 20, 30 or a multiple of 60 seconds (20 is listed for
// MetricStat; we accept it in GetMetricStatistics too). A period too fine for
// the age of StartTime is not an error: as AWS documents, no datapoints are
// returned.
//
// # Differences from AWS
//
//   - GetMetricStatistics returns Datapoints sorted by Timestamp (AWS leaves
//     them unordered).
//   - A new metric appears in ListMetrics at once (AWS may take up to 15
//     minutes), and data is readable as soon as PutMetricData returns.
//   - The 1 MB request limit is checked against a deterministic estimate of the
//     Query-protocol request size (see [EstimateRequestSize]), not real bytes.
//   - AWS computes percentiles from its own approximate sketches; ours are
//     exact until rollup and within 1% after.
//   - Anomaly detection bands come from an approximate, documented model, not
//     CloudWatch's machine learning; StateValue is computed from the data at
//     the time of DescribeAnomalyDetectors (PENDING_TRAINING with no data,
//     TRAINED_INSUFFICIENT_DATA with fewer than 10 five-minute datapoints or
//     less than a day of data, TRAINED otherwise) rather than by a training
//     job. MetricCharacteristics.PeriodicSpikes is stored and returned but
//     does not change the model. Cross-account models (AccountId) are
//     rejected. A band of an expression uses a metric math detector's
//     Configuration when one models that expression, but does not create one.
//     DescribeAnomalyDetectors' NextToken is a position in the listing and
//     does not expire.
//   - Query times outside years 0001–9999 (which AWS's ISO 8601 timestamps
//     cannot express) are clamped to that range.
//   - Metric names refuse ASCII control characters and invalid UTF-8, like
//     namespaces and dimensions (AWS documents only their length; its wire
//     formats cannot carry such names).
//
// # Where AWS's sources disagree, and what we follow
//
//   - Metric math arithmetic between two series: the user guide says "Missing
//     values in a time series are treated as 0" (and shows it for
//     comparisons); an earlier reading computed only at timestamps both
//     series have. We follow the guide: m1 + m2 is computed at every
//     timestamp either has, the missing side counting as 0, and a division
//     by a missing value (0) drops the point.
//   - GetMetricData without a Unit on a metric with data in several units:
//     the API reference says data of every unit is returned "along with the
//     corresponding units"; AWS's recorded answers return the values of one
//     unit and the message MultipleUnits. We follow the recorded answers; the
//     unit chosen follows the order observed on AWS (Count before
//     Milliseconds before Seconds, see unitPreference).
//   - A datum with both Values and StatisticValues: AWS accepts it without
//     documenting it. The CloudWatch agent sends its distributions this way,
//     so we keep both: the basic statistics from StatisticValues, the
//     percentiles from Values and Counts (their extremes clamped to the set's
//     Minimum and Maximum).
//   - The 1,440-datapoint limit of GetMetricStatistics counts (EndTime -
//     StartTime) / Period rounded up, as AWS's message does, not the periods
//     after StartTime is rounded down.
//
// # Metric streams
//
// Metric streams (PutMetricStream, GetMetricStream, ListMetricStreams,
// DeleteMetricStream, StartMetricStreams, StopMetricStreams) send each
// minute's statistics of the account's metrics, filtered by namespace and
// metric name, to a Kinesis Data Firehose delivery stream. Here the delivery
// stream is a Go function registered for its ARN ([Service.OnMetricStream],
// or a [MetricStreamQueue]); a FirehoseArn with no destination drops its
// records, as a missing delivery stream would.
//
// From the API model (botocore 2010-08-01) and the user guide ("CloudWatch
// metric stream output in JSON format"):
//
//   - A stream is created running; PutMetricStream on an existing stream
//     replaces its configuration, keeps its state, and ignores Tags.
//   - IncludeFilters and ExcludeFilters cannot be combined
//     (InvalidParameterCombination); a filter without MetricNames covers its
//     whole namespace; the filters hold at most 1,000 names (namespaces plus
//     metric names); names are ASCII printable with a non-space character.
//   - Every streamed metric carries count, sum, max and min; up to 100
//     StatisticsConfigurations add up to 20 statistics each for up to 100
//     namespace/metric pairs: any extended statistic (p99, tm98, wm90,
//     PR(:300), TM(25%:75%)) for json, percentiles only for opentelemetry.
//   - The json format: one object per line per metric and minute, with
//     metric_stream_name, account_id, region, namespace, metric_name,
//     dimensions (an object), timestamp (epoch milliseconds), value (count,
//     sum, max, min and the additional statistics under their names) and unit.
//
// Deliberate differences and what we could not confirm: AWS streams with a
// latency of minutes and re-sends nothing; we deliver the minute [T-60s, T)
// at T on the clock, so a datapoint arriving later for a minute already sent
// is not streamed. A minute's records for one stream are one Firehose record
// (no 1,000 KiB split). FirehoseArn and RoleArn must be ARNs of this account
// (firehose and iam); that they exist is not checked. StartMetricStreams and
// StopMetricStreams naming an unknown stream answer ResourceNotFoundException
// and change nothing ("all or nothing" per the model; the error is our
// choice); DeleteMetricStream of an unknown name succeeds (the model lists
// no not-found error). The opentelemetry1.0 format writes AWS's
// ExportMetricsServiceRequest records (see streams_otel.go); the
// opentelemetry0.7 format is accepted and stored, but no records are produced
// for it. Metric streams take no part in
// TagResource here. IncludeLinkedAccountsMetrics is stored (there are no
// linked accounts).
package metrics
