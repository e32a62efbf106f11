// Package sdktest drives localwatch through the real AWS SDK for Go v2
// clients — CloudWatch, CloudWatch Logs, CloudTrail, AWS Config and SNS —
// in process, over the awsapi handler's in-memory transport, on a manual
// clock: every operation localwatch serves, the SDK's paginators and waiters,
// typed errors, gzip-compressed PutMetricData, and the alarm-to-SNS flow end to
// end.
//
// It is a module of its own (github.com/localwatch/localwatch/sdktest) so the
// library itself never depends on the SDK: `go get` of localwatch stays light.
// It has no API; its tests, benchmarks and Example are the point:
//
//	cd sdktest && go test ./...
package sdktest
