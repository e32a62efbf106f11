// Package metricmath is CloudWatch's metric math language: the expressions of
// GetMetricData and of metric-math alarms, and the SEARCH query language.
//
// The model is "parse once, evaluate many times". [Compile] takes the queries
// of one request — metric queries (data supplied by the caller) and
// expressions over them, each with its Id — parses every expression, resolves
// every Id and rejects cycles. The resulting [Program] is immutable; an alarm
// keeps it and calls [Program.Eval] every period with the time range and a
// [Source] that returns the series of each metric query and runs SEARCH over
// the metric catalogue.
//
// Values are scalars (S), time series (TS) and arrays of time series (TS[]).
// A series is two parallel slices, period-start timestamps in Unix seconds and
// values, so element-wise functions are tight loops and aligning two series is
// a linear merge. The semantics follow the user guide ("Using metric math"):
//
//   - Arithmetic between two series is computed at the timestamps present in
//     both; between a series and a scalar at every point. A result that is not
//     a finite number (a division by zero) drops the point and adds an
//     ArithmeticError message to the result.
//   - Comparison (== != < <= > >=) and logical operators (AND &&, OR ||, NOT !)
//     yield 0 or 1; between two series a point missing on one side counts as 0.
//   - AVG, SUM, MIN, MAX, STDDEV and DATAPOINT_COUNT reduce a series to a
//     scalar, and an array to a series (AVG treats a member missing at a
//     timestamp as 0, as documented).
//   - IF follows the guide's table for each mix of series and scalars.
//   - FILL, TIME_SERIES and MINUTE/HOUR/DAY/DATE/MONTH/YEAR/EPOCH build
//     non-sparse series on the period grid of the range.
//   - METRICS() returns the metric queries (not expressions) in request
//     order, optionally those whose Id contains a string.
//
// Errors are *awserr.Error values with the code ValidationError, the code AWS
// answers GetMetricData and PutMetricAlarm with for a bad query; syntax errors
// name the 1-based character position.
//
// Deliberate differences from AWS: STDDEV is the population standard
// deviation (AWS does not document which); ANOMALY_DETECTION_BAND asks the
// Source for the band (BandSource; the metrics service trains an approximate,
// documented model) and returns it as an array of two series, lower then
// upper; INSIGHT_RULE_METRIC, SERVICE_QUOTA, DB_PERF_INSIGHTS and LAMBDA are rejected
// because localwatch does not model those services. Where AWS would number the
// labels of a SORT result on a console graph, the API results here keep the
// members' own labels.
package metricmath
