package metrics

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
)

// The OpenTelemetry 1.0.0 output of metric streams (user guide, "CloudWatch
// metric stream output in OpenTelemetry 1.0.0 format" and "Translations with
// OpenTelemetry 1.0.0 format in CloudWatch"): a record holds
// ExportMetricsServiceRequest messages, each preceded by its length as an
// unsigned varint. We write one request per stream and minute: one
// ResourceMetrics whose Resource has the attributes cloud.provider ("aws"),
// cloud.account.id, cloud.region and aws.exporter.arn (the stream's ARN), one
// ScopeMetrics without scope, and per metric (and unit) a Metric named
// amazonaws.com/<namespace>/<metric name>, its unit translated to UCUM, with
// one SummaryDataPoint: the attributes Namespace, MetricName and Dimensions
// (a kvlist), start and end of the minute in Unix nanoseconds, count, sum,
// and quantile values 0.0 = Minimum, the stream's additional percentiles, and
// 1.0 = Maximum. The protobuf encoding is written by hand (field numbers of
// opentelemetry-proto v1.0.0), so no generated code is needed.
// Not confirmed: the guide's example shows unit "NoneTranslated" where its
// table maps None to "1"; we follow the table.

// otelUnits maps CloudWatch units to UCUM (the translation table).
var otelUnits = map[string]string{
	"Second": "s", "Seconds": "s", "Microseconds": "us", "Milliseconds": "ms",
	"Bytes": "By", "Kilobytes": "kBy", "Megabytes": "MBy", "Gigabytes": "GBy", "Terabytes": "TBy",
	"Bits": "bit", "Kilobits": "kbit", "Megabits": "MBit", "Gigabits": "GBit", "Terabits": "Tbit",
	"Percent": "%", "Count": "{Count}", "None": "1", "": "1",
}

// otelUnit translates a unit; units combined with a slash translate both parts
// (Bytes/Second is By/s).
func otelUnit(u StandardUnit) string {
	if a, b, ok := strings.Cut(string(u), "/"); ok {
		return otelUnit(StandardUnit(a)) + "/" + otelUnit(StandardUnit(b))
	}
	if v, ok := otelUnits[string(u)]; ok {
		return v
	}
	return string(u)
}

// pb is a protobuf writer for the few wire types OpenTelemetry needs.
type pb []byte

func (b pb) tag(field, wire int) pb { return binary.AppendUvarint(b, uint64(field<<3|wire)) }

func (b pb) str(field int, s string) pb {
	if s == "" {
		return b
	}
	b = b.tag(field, 2)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func (b pb) msg(field int, m pb) pb {
	b = b.tag(field, 2)
	b = binary.AppendUvarint(b, uint64(len(m)))
	return append(b, m...)
}

func (b pb) fixed64(field int, v uint64) pb {
	if v == 0 {
		return b
	}
	return binary.LittleEndian.AppendUint64(b.tag(field, 1), v)
}

func (b pb) double(field int, v float64) pb { return b.fixed64(field, math.Float64bits(v)) }

// keyValue is opentelemetry.proto.common.v1.KeyValue with a string value.
func keyValue(k, v string) pb { return pb(nil).str(1, k).msg(2, pb(nil).str(1, v)) }

// otelPoint is one metric's data for the minute.
type otelPoint struct {
	sr    *series
	unit  StandardUnit
	count float64
	sum   float64
	min   float64
	max   float64
	qs    [][2]float64 // (quantile, value), strictly increasing, inside (0, 1)
}

// appendOTelRequest appends one length-prefixed ExportMetricsServiceRequest.
func appendOTelRequest(b []byte, s *Service, st *metricStream, t0 int64, points []otelPoint) []byte {
	var res pb
	for _, kv := range [][2]string{{"cloud.provider", "aws"}, {"cloud.account.id", s.op.AccountID}, {"cloud.region", s.op.Region}, {"aws.exporter.arn", st.arn}} {
		res = res.msg(1, keyValue(kv[0], kv[1]))
	}
	var scope pb
	start, end := uint64(t0)*1e9, uint64(t0+60)*1e9
	for _, p := range points {
		var dims pb
		for _, d := range p.sr.metric.Dimensions {
			dims = dims.msg(1, keyValue(d.Name, d.Value))
		}
		var dp pb
		dp = dp.msg(7, keyValue("Namespace", p.sr.metric.Namespace))
		dp = dp.msg(7, keyValue("MetricName", p.sr.metric.MetricName))
		dp = dp.msg(7, pb(nil).str(1, "Dimensions").msg(2, pb(nil).msg(6, dims)))
		dp = dp.fixed64(2, start).fixed64(3, end).fixed64(4, uint64(p.count)).double(5, p.sum)
		dp = dp.msg(6, pb(nil).double(2, p.min))
		for _, q := range p.qs {
			dp = dp.msg(6, pb(nil).double(1, q[0]).double(2, q[1]))
		}
		dp = dp.msg(6, pb(nil).double(1, 1).double(2, p.max))
		m := pb(nil).str(1, "amazonaws.com/"+p.sr.metric.Namespace+"/"+p.sr.metric.MetricName).str(3, otelUnit(p.unit)).msg(11, pb(nil).msg(1, dp))
		scope = scope.msg(2, m)
	}
	req := pb(nil).msg(1, pb(nil).msg(1, res).msg(2, scope))
	b = binary.AppendUvarint(b, uint64(len(req)))
	return append(b, req...)
}

// otelQuantiles evaluates a stream's percentiles for the minute, as
// (quantile, value) pairs in increasing quantile order strictly inside (0, 1).
func otelQuantiles(a *agg, extra []stat) [][2]float64 {
	var qs [][2]float64
	for _, x := range extra {
		if x.kind != kPercentile || x.p <= 0 || x.p >= 100 {
			continue
		}
		if v, ok := a.eval(x); ok {
			// p99.9 is quantile 0.999 exactly (x.p/100 would be 0.9990000000000001):
			// percentiles have at most 10 decimals, so the quotient of two
			// integers is the correctly rounded decimal.
			qs = append(qs, [2]float64{math.Round(x.p*1e10) / 1e12, v})
		}
	}
	slices.SortFunc(qs, func(a, b [2]float64) int {
		switch {
		case a[0] < b[0]:
			return -1
		case a[0] > b[0]:
			return 1
		}
		return 0
	})
	return slices.CompactFunc(qs, func(a, b [2]float64) bool { return a[0] == b[0] })
}
