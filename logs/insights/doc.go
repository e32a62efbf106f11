// Package insights is CloudWatch Logs Insights' query language, compiled once
// and run over any sequence of log events — the engine behind the logs
// service's StartQuery and GetQueryResults, and usable on its own over local
// files (see examples/insights).
//
// A query is commands separated by "|", with "#" comments, as the CloudWatch
// Logs user guide's "CloudWatch Logs Insights language query syntax" pages
// document them:
//
//   - fields: fields and computed values (expr as name), shown in the results
//   - display: the fields to show
//   - filter: a Boolean expression (and, or, not; = != < <= > >=; like
//     "substring", like /regex/, =~ /regex/, not like; in [..], not in [..])
//   - stats: count, count_distinct, sum, avg, min, max, pct, stddev,
//     earliest, latest, sortsFirst, sortsLast, grouped "by" fields or
//     bin(period); a second stats aggregates the first one's rows
//   - sort (asc or desc, several keys), limit (1 to 10,000)
//   - parse: a glob with * ("user=*, method:*" as user, method) or a regular
//     expression with named groups (/(?<user>\w+)/)
//   - dedup: keep the first row of each combination of fields
//   - pattern: cluster events by the shape of a field (see below)
//
// Functions: arithmetic (+ - * / % ^), abs, ceil, floor, greatest, least,
// log, sqrt; ispresent, coalesce, unmask; isempty, isblank, concat, ltrim,
// rtrim, trim, strlen, toupper, tolower, substr, replace, strcontains;
// bin, datefloor, dateceil (periods 100ms, 30s, 5m, 1h, 1d, 1w, 1mo, 1q, 1y),
// fromMillis, toMillis; isValidIp, isValidIpV4, isValidIpV6, isIpInSubnet,
// isIpv4InSubnet, isIpv6InSubnet. Names of functions, commands and keywords
// are case-insensitive; field names are case-sensitive, and a name with
// characters other than letters, digits, _, @ and . is written in backquotes.
//
// # Fields
//
// Every event has @timestamp, @message, @logStream, @log
// ("account-id:log-group-name"), @ingestionTime and @ptr. Fields are
// discovered as the user guide's "Supported logs and discovered fields" says:
// a JSON event's fields flattened with dots (userIdentity.type, array
// elements by index: items.0.instanceId; a top-level key "@x" shows as "@@x"),
// at most [MaxJSONFields] of them; Lambda's START/END/REPORT lines (@type,
// @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed,
// @initDuration, @xrayTraceId, @xraySegmentId); VPC flow logs in the default
// format and Route 53 query logs. A field an event lacks is null: comparisons
// with it are false, arithmetic gives null, aggregates skip it, and result
// rows leave it out (as GetQueryResults does). Values compare and compute as
// numbers when both sides read as numbers (so "latency > 1000" works on a
// value parse extracted as text), else as strings.
//
// # Results
//
// Result values are strings as GetQueryResults gives them: timestamps as
// "2006-01-02 15:04:05.000" (UTC), numbers in their shortest exact decimal
// form. Rows of events also carry @ptr. Without a fields or display command a
// row shows @timestamp and @message.
//
// # Differences from AWS
//
// Where AWS does not publish a behaviour, localwatch chooses and says so:
// without sort, event rows come newest first; stats groups come in ascending
// order of their by values; pct is the nearest-rank percentile and stddev the
// sample standard deviation (AWS documents neither formula); count_distinct
// is exact (AWS approximates high cardinalities); dedup keeps every row with
// a null in a dedup field. pattern is a deterministic approximation (tokens
// holding digits become <*>), answering @pattern, @sampleCount and @ratio;
// AWS's machine-learned clustering also answers @severityLabel and
// @visualization. Not modelled: the structure types and jsonParse /
// jsonStringify, the anomaly, diff, filterIndex, lookup, unnest and SOURCE
// commands, and OpenSearch PPL/SQL query languages.
package insights
