// Package metrics models Amazon CloudWatch metrics in process: namespaces, metrics
// with dimensions, PutMetricData, statistics and percentiles, GetMetricStatistics,
// GetMetricData with metric math, ListMetrics, and retention with rollup by age.
package metrics
