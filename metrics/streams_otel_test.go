package metrics

import (
	"context"
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pbField is one decoded protobuf field: a varint/fixed value or bytes.
type pbField struct {
	num   int
	fixed uint64
	bytes []byte
}

// pbDecode is a minimal protobuf reader for the test (wire types 0, 1, 2).
func pbDecode(t *testing.T, b []byte) []pbField {
	t.Helper()
	var out []pbField
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		require.Positive(t, n)
		b = b[n:]
		f := pbField{num: int(tag >> 3)}
		switch tag & 7 {
		case 0:
			v, n := binary.Uvarint(b)
			require.Positive(t, n)
			f.fixed, b = v, b[n:]
		case 1:
			require.GreaterOrEqual(t, len(b), 8)
			f.fixed, b = binary.LittleEndian.Uint64(b), b[8:]
		case 2:
			l, n := binary.Uvarint(b)
			require.Positive(t, n)
			require.GreaterOrEqual(t, uint64(len(b)-n), l)
			f.bytes, b = b[n:n+int(l)], b[n+int(l):]
		default:
			t.Fatalf("wire type %d", tag&7)
		}
		out = append(out, f)
	}
	return out
}

func pbAll(fs []pbField, num int) []pbField {
	var out []pbField
	for _, f := range fs {
		if f.num == num {
			out = append(out, f)
		}
	}
	return out
}

func pbOne(t *testing.T, fs []pbField, num int) pbField {
	t.Helper()
	all := pbAll(fs, num)
	require.Len(t, all, 1, "field %d", num)
	return all[0]
}

// pbKV decodes a KeyValue with a string value.
func pbKV(t *testing.T, b []byte) (string, string) {
	fs := pbDecode(t, b)
	v := pbDecode(t, pbOne(t, fs, 2).bytes)
	return string(pbOne(t, fs, 1).bytes), string(pbOne(t, v, 1).bytes)
}

func TestMetricStreamOpenTelemetry10(t *testing.T) {
	s, c, q := newStreamSvc(t)
	ctx := context.Background()
	in := streamIn("otel")
	in.OutputFormat = MetricStreamOpenTelemetry10
	in.StatisticsConfigurations = []MetricStreamStatisticsConfiguration{{
		IncludeMetrics:       []MetricStreamStatisticsMetric{{Namespace: "App", MetricName: "Throughput"}},
		AdditionalStatistics: []string{"p99.9", "p50"}}}
	out, err := s.PutMetricStream(ctx, in)
	require.NoError(t, err)
	putStream(t, s, "App", "Throughput", msT0.Add(5*time.Second), UnitBytesSecond, []Dimension{{Name: "TableName", Value: "MyTable"}}, 1, 2, 3)
	c.Advance(time.Minute)
	rs := q.Drain()
	require.Len(t, rs, 1)

	// A record is length-prefixed ExportMetricsServiceRequests.
	data := rs[0].Data
	l, n := binary.Uvarint(data)
	require.Positive(t, n)
	require.Equal(t, uint64(len(data)-n), l, "one request, its length first")
	req := pbDecode(t, data[n:])
	rm := pbDecode(t, pbOne(t, req, 1).bytes)

	res := pbDecode(t, pbOne(t, rm, 1).bytes)
	attrs := map[string]string{}
	for _, a := range pbAll(res, 1) {
		k, v := pbKV(t, a.bytes)
		attrs[k] = v
	}
	assert.Equal(t, map[string]string{"cloud.provider": "aws", "cloud.account.id": "123456789012", "cloud.region": "us-east-1", "aws.exporter.arn": out.Arn}, attrs)

	scope := pbDecode(t, pbOne(t, rm, 2).bytes)
	assert.Empty(t, pbAll(scope, 1), "the scope is not filled")
	m := pbDecode(t, pbOne(t, scope, 2).bytes)
	assert.Equal(t, "amazonaws.com/App/Throughput", string(pbOne(t, m, 1).bytes))
	assert.Equal(t, "By/s", string(pbOne(t, m, 3).bytes), "units combined with a slash translate both parts")
	dp := pbDecode(t, pbOne(t, pbDecode(t, pbOne(t, m, 11).bytes), 1).bytes)

	dpAttrs := pbAll(dp, 7)
	require.Len(t, dpAttrs, 3)
	k, v := pbKV(t, dpAttrs[0].bytes)
	assert.Equal(t, [2]string{"Namespace", "App"}, [2]string{k, v})
	k, v = pbKV(t, dpAttrs[1].bytes)
	assert.Equal(t, [2]string{"MetricName", "Throughput"}, [2]string{k, v})
	dimsKV := pbDecode(t, dpAttrs[2].bytes)
	assert.Equal(t, "Dimensions", string(pbOne(t, dimsKV, 1).bytes))
	kvlist := pbDecode(t, pbOne(t, pbDecode(t, pbOne(t, dimsKV, 2).bytes), 6).bytes)
	k, v = pbKV(t, pbOne(t, kvlist, 1).bytes)
	assert.Equal(t, [2]string{"TableName", "MyTable"}, [2]string{k, v})

	assert.Equal(t, uint64(msT0.UnixNano()), pbOne(t, dp, 2).fixed, "start of the minute")
	assert.Equal(t, uint64(msT0.Add(time.Minute).UnixNano()), pbOne(t, dp, 3).fixed, "end of the minute")
	assert.Equal(t, uint64(3), pbOne(t, dp, 4).fixed, "count")
	assert.Equal(t, 6.0, math.Float64frombits(pbOne(t, dp, 5).fixed), "sum")
	var qs [][2]float64
	for _, qv := range pbAll(dp, 6) {
		f := pbDecode(t, qv.bytes)
		var pair [2]float64
		for _, x := range f {
			pair[x.num-1] = math.Float64frombits(x.fixed)
		}
		qs = append(qs, pair)
	}
	assert.Equal(t, [][2]float64{{0, 1}, {0.5, 2}, {0.999, 3}, {1, 3}}, qs, "min, the percentiles in order, max")
}

func TestOTelUnits(t *testing.T) {
	for u, want := range map[StandardUnit]string{"Seconds": "s", "Microseconds": "us", "Bytes": "By", "Terabits": "Tbit", "Percent": "%",
		"Count": "{Count}", "None": "1", "": "1", "Count/Second": "{Count}/s", "Kilobytes/Second": "kBy/s"} {
		assert.Equal(t, want, otelUnit(u), string(u))
	}
}
