package metrics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
)

func datum(name string, v float64) MetricDatum {
	return MetricDatum{MetricName: name, Value: Float(v)}
}

func TestPutMetricDataValidation(t *testing.T) {
	many := func(n int) []MetricDatum {
		d := make([]MetricDatum, n)
		for i := range d {
			d[i] = datum("M", 1)
		}
		return d
	}
	dims := func(n int) []Dimension {
		d := make([]Dimension, n)
		for i := range d {
			d[i] = Dimension{Name: "D" + strings.Repeat("x", i), Value: "v"}
		}
		return d
	}
	vals := func(n int) []float64 { return make([]float64, n) }
	cases := []struct {
		name string
		ns   string
		data []MetricDatum
		code string // "" = accepted
	}{
		{"a plain datum is accepted", "App", []MetricDatum{datum("Latency", 1)}, ""},
		{"namespace is required", "", []MetricDatum{datum("M", 1)}, "MissingParameter"},
		{"metric data is required", "App", nil, "MissingParameter"},
		{"namespace of 255 characters is accepted", strings.Repeat("n", 255), []MetricDatum{datum("M", 1)}, ""},
		{"namespace longer than 255 characters is rejected", strings.Repeat("n", 256), []MetricDatum{datum("M", 1)}, "InvalidParameterValue"},
		{"namespace may use . - _ / # : and space", "My.App-1_x/y#z:w v", []MetricDatum{datum("M", 1)}, ""},
		{"namespace may use any printable ASCII", "App! (prod)", []MetricDatum{datum("M", 1)}, ""},
		{"namespace with a control character is rejected", "App\n", []MetricDatum{datum("M", 1)}, "InvalidParameterValue"},
		{"namespace with non-ASCII is rejected", "Äpp", []MetricDatum{datum("M", 1)}, "InvalidParameterValue"},
		{"namespace starting with a colon is rejected", ":App", []MetricDatum{datum("M", 1)}, "InvalidParameterValue"},
		{"AWS/ namespaces are reserved for AWS", "AWS/EC2", []MetricDatum{datum("M", 1)}, "InvalidParameterValue"},
		{"1,000 datums are accepted", "App", many(1000), ""},
		{"more than 1,000 datums are rejected", "App", many(1001), "InvalidParameterValue"},
		{"metric name is required", "App", []MetricDatum{{Value: Float(1)}}, "MissingParameter"},
		{"metric name longer than 255 is rejected", "App", []MetricDatum{datum(strings.Repeat("m", 256), 1)}, "InvalidParameterValue"},
		{"metric name may contain spaces", "App", []MetricDatum{datum("Request Latency", 1)}, ""},
		{"dimension value with a control character is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"n", "a\x01b"}}}}, "InvalidParameterValue"},
		{"dimension name with a tab is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"a\tb", "v"}}}}, "InvalidParameterValue"},
		{"long dimension value with DEL is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"n", "abcdefghijklmnop\x7fq"}}}}, "InvalidParameterValue"},
		{"30 dimensions are accepted", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: dims(30)}}, ""},
		{"31 dimensions are rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: dims(31)}}, "InvalidParameterValue"},
		{"dimension name is required", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{Value: "v"}}}}, "MissingParameter"},
		{"dimension value is required", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{Name: "n"}}}}, "MissingParameter"},
		{"dimension value of 1,024 characters is accepted", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"n", strings.Repeat("v", 1024)}}}}, ""},
		{"dimension value longer than 1,024 is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"n", strings.Repeat("v", 1025)}}}}, "InvalidParameterValue"},
		{"dimension name longer than 255 is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{strings.Repeat("n", 256), "v"}}}}, "InvalidParameterValue"},
		{"dimension name starting with a colon is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{":n", "v"}}}}, "InvalidParameterValue"},
		{"dimension value with non-ASCII is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"n", "é"}}}}, "InvalidParameterValue"},
		{"dimension value of whitespace is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"n", " "}}}}, "InvalidParameterValue"},
		{"dimension value with inner spaces is accepted", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"n", " a b"}}}}, ""},
		{"duplicate dimension names are rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"n", "a"}, {"n", "b"}}}}, "InvalidParameterValue"},
		{"a datum needs a value", "App", []MetricDatum{{MetricName: "M"}}, "InvalidParameterCombination"},
		{"Value and StatisticValues are exclusive", "App", []MetricDatum{{MetricName: "M", Value: Float(1), StatisticValues: &StatisticSet{1, 1, 1, 1}}}, "InvalidParameterCombination"},
		{"Value and Values are exclusive", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Values: []float64{1}}}, "InvalidParameterCombination"},
		{"Counts without Values are rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Counts: []float64{1}}}, "InvalidParameterCombination"},
		{"150 values are accepted", "App", []MetricDatum{{MetricName: "M", Values: vals(150)}}, ""},
		{"151 values are rejected", "App", []MetricDatum{{MetricName: "M", Values: vals(151)}}, "InvalidParameterValue"},
		{"Counts must match Values", "App", []MetricDatum{{MetricName: "M", Values: []float64{1, 2}, Counts: []float64{1}}}, "InvalidParameterValue"},
		{"negative counts are rejected", "App", []MetricDatum{{MetricName: "M", Values: []float64{1}, Counts: []float64{-1}}}, "InvalidParameterValue"},
		{"NaN is rejected", "App", []MetricDatum{datum("M", math.NaN())}, "InvalidParameterValue"},
		{"+Inf is rejected", "App", []MetricDatum{datum("M", math.Inf(1))}, "InvalidParameterValue"},
		{"-Inf in Values is rejected", "App", []MetricDatum{{MetricName: "M", Values: []float64{math.Inf(-1)}}}, "InvalidParameterValue"},
		{"2^360 is accepted", "App", []MetricDatum{datum("M", 1.174271e+108)}, ""},
		{"values beyond 2^360 are rejected", "App", []MetricDatum{datum("M", 1.2e108)}, "InvalidParameterValue"},
		{"values beyond -2^360 are rejected", "App", []MetricDatum{datum("M", -1.2e108)}, "InvalidParameterValue"},
		{"2^-360 is accepted", "App", []MetricDatum{datum("M", 8.515920e-109)}, ""},
		{"values closer to zero than 2^-360 are rejected", "App", []MetricDatum{datum("M", 1e-109)}, "InvalidParameterValue"},
		{"zero is accepted", "App", []MetricDatum{datum("M", 0)}, ""},
		{"statistic set with NaN sum is rejected", "App", []MetricDatum{{MetricName: "M", StatisticValues: &StatisticSet{2, math.NaN(), 1, 2}}}, "InvalidParameterValue"},
		{"statistic set with zero samples is rejected", "App", []MetricDatum{{MetricName: "M", StatisticValues: &StatisticSet{0, 0, 0, 0}}}, "InvalidParameterValue"},
		{"statistic set with minimum above maximum is rejected", "App", []MetricDatum{{MetricName: "M", StatisticValues: &StatisticSet{2, 3, 2, 1}}}, "InvalidParameterValue"},
		{"unknown unit is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Unit: "Hours"}}, "InvalidParameterValue"},
		{"Count/Second is a unit", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Unit: UnitCountSecond}}, ""},
		{"storage resolution 1 is accepted", "App", []MetricDatum{{MetricName: "M", Value: Float(1), StorageResolution: 1}}, ""},
		{"storage resolution 60 is accepted", "App", []MetricDatum{{MetricName: "M", Value: Float(1), StorageResolution: 60}}, ""},
		{"storage resolution 10 is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), StorageResolution: 10}}, "InvalidParameterValue"},
		{"timestamp two weeks old is accepted", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Timestamp: t0.Add(-14 * 24 * time.Hour)}}, ""},
		{"timestamp more than two weeks old is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Timestamp: t0.Add(-14*24*time.Hour - time.Second)}}, "InvalidParameterValue"},
		{"timestamp two hours ahead is accepted", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Timestamp: t0.Add(2 * time.Hour)}}, ""},
		{"timestamp more than two hours ahead is rejected", "App", []MetricDatum{{MetricName: "M", Value: Float(1), Timestamp: t0.Add(2*time.Hour + time.Second)}}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestService(t)
			_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: tc.ns, MetricData: tc.data})
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.code, awserr.Code(err), err.Error())
			out, lerr := s.ListMetrics(context.Background(), ListMetricsInput{})
			require.NoError(t, lerr)
			assert.Empty(t, out.Metrics, "a rejected call stores nothing")
		})
	}
}

func TestPutMetricDataRequestSizeLimit(t *testing.T) {
	s, _ := newTestService(t)
	// 1,000 datums × 150 values exceed 1 MB in the Query protocol.
	data := make([]MetricDatum, 1000)
	for i := range data {
		data[i] = MetricDatum{MetricName: "M", Values: make([]float64, 150)}
	}
	in := PutMetricDataInput{Namespace: "App", MetricData: data}
	assert.Greater(t, EstimateRequestSize(&in), MaxRequestBytes)
	_, err := s.PutMetricData(context.Background(), in)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrRequestEntityTooLarge))
	var ae *awserr.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 413, ae.HTTPStatus())

	in.MetricData = data[:100]
	assert.Less(t, EstimateRequestSize(&in), MaxRequestBytes)
	_, err = s.PutMetricData(context.Background(), in)
	require.NoError(t, err)
}

func TestEstimateRequestSizeCountsQueryProtocol(t *testing.T) {
	in := PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"H", "a"}}}}}
	want := len("Action=PutMetricData&Version=2010-08-01&Namespace=App") +
		len("&MetricData.member.1.MetricName=M") +
		len("&MetricData.member.1.Dimensions.member.1.Name=H") +
		len("&MetricData.member.1.Dimensions.member.1.Value=a") +
		len("&MetricData.member.1.Value=") + 24
	assert.Equal(t, want, EstimateRequestSize(&in))
}

func TestRejectedCallStoresNothingEvenAfterValidDatums(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{
		datum("Good", 1), datum("AlsoGood", 2), datum("Bad", math.NaN()),
	}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MetricData.member.3.Value")
	out, err := s.ListMetrics(ctx, ListMetricsInput{})
	require.NoError(t, err)
	assert.Empty(t, out.Metrics)
}

func TestValidationDoesNotAllocate(t *testing.T) {
	d := MetricDatum{MetricName: "Latency", Dimensions: []Dimension{{"Host", "host-1"}}, Value: Float(3), Unit: UnitMilliseconds, StorageResolution: 1, Timestamp: t0}
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := metricHash(1, d.MetricName, d.Dimensions, nil); !ok {
			t.Fatal("not ok")
		}
		if err := validateDatum(0, &d, t0.Unix(), new(StandardUnit)); err != nil {
			t.Fatal(err)
		}
		_ = datumSize(0, &d)
	})
	assert.Zero(t, allocs)
}

func TestDimensionOrderDoesNotMatter(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{
		{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"A", "1"}, {"B", "2"}}, Timestamp: t0},
		{MetricName: "M", Value: Float(3), Dimensions: []Dimension{{"B", "2"}, {"A", "1"}}, Timestamp: t0},
	}})
	require.NoError(t, err)
	out, err := s.ListMetrics(ctx, ListMetricsInput{})
	require.NoError(t, err)
	require.Len(t, out.Metrics, 1)
	assert.Equal(t, []Dimension{{"A", "1"}, {"B", "2"}}, out.Metrics[0].Dimensions)
	st, err := s.GetMetricStatistics(ctx, GetMetricStatisticsInput{Namespace: "App", MetricName: "M",
		Dimensions: []Dimension{{"B", "2"}, {"A", "1"}}, StartTime: t0, EndTime: t0.Add(time.Minute), Period: 60,
		Statistics: []Statistic{StatSum, StatSampleCount}})
	require.NoError(t, err)
	require.Len(t, st.Datapoints, 1)
	assert.Equal(t, 4.0, *st.Datapoints[0].Sum)
	assert.Equal(t, 2.0, *st.Datapoints[0].SampleCount)
}

// FuzzPutMetricData: any request either is stored whole or changes nothing,
// and never panics; the fast validation path agrees with the full one.
func FuzzPutMetricData(f *testing.F) {
	f.Add("App", "Latency", "Host", "a", 1.5, "Seconds", 1, int64(0))
	f.Add("AWS/EC2", "CPU", ":x", " ", math.NaN(), "Bogus", 10, int64(-3600))
	f.Add("a b", " m", "é", "v", 1e-200, "", 60, int64(7200))
	f.Fuzz(func(t *testing.T, ns, name, dn, dv string, v float64, unit string, res int, offset int64) {
		s, _ := newTestService(t)
		ctx := context.Background()
		d := MetricDatum{MetricName: name, Value: Float(v), Unit: StandardUnit(unit), StorageResolution: res,
			Timestamp: t0.Add(time.Duration(offset%(30*24*3600)) * time.Second)}
		if dn != "" || dv != "" {
			d.Dimensions = []Dimension{{dn, dv}}
		}
		_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: ns, MetricData: []MetricDatum{d}})
		fullErr := validateDimensions(fieldRef{"D", -1}, d.Dimensions)
		if _, ok := metricHash(0, name, d.Dimensions, nil); ok {
			assert.NoError(t, fullErr, "fast path accepted what full validation rejects")
		}
		out, lerr := s.ListMetrics(ctx, ListMetricsInput{})
		require.NoError(t, lerr)
		if err != nil {
			assert.NotEmpty(t, awserr.Code(err))
			assert.Empty(t, out.Metrics)
			return
		}
		require.NoError(t, fullErr)
		require.Len(t, out.Metrics, 1)
	})
}

// Steady-state ingest into existing series allocates per call, not per datum.
func TestPutMetricDataAllocatesPerCallNotPerDatum(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random")
	}
	s, c := newTestService(t)
	data := make([]MetricDatum, 1000)
	vals := make([]float64, 1000)
	for i := range data {
		data[i] = MetricDatum{MetricName: "Latency", Dimensions: []Dimension{{"Host", fmt.Sprintf("h%d", i)}}, Value: &vals[i], StorageResolution: 1,
			Timestamp: t0.Add(-time.Hour)}
	}
	in := PutMetricDataInput{Namespace: "App", MetricData: data}
	ctx := context.Background()
	_, err := s.PutMetricData(ctx, in)
	require.NoError(t, err)
	sec := 0
	allocs := testing.AllocsPerRun(40, func() {
		sec++ // next second of the same minute: no new blocks or chunks
		for i := range data {
			data[i].Timestamp = t0.Add(-time.Hour + time.Duration(sec)*time.Second)
		}
		if _, err := s.PutMetricData(ctx, in); err != nil {
			t.Fatal(err)
		}
	})
	_ = c
	assert.LessOrEqual(t, allocs, 3.0, "allocations per call of 1,000 datums")
	assert.Equal(t, 1000, s.nseries)
}

// The word-at-a-time check in strHash agrees with a byte loop.
func TestStrHashFlagsExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	alphabet := []byte{0, 1, 0x1f, 0x20, 0x21, 'a', 'Z', 0x7e, 0x7f, 0x80, 0xc3, 0xff}
	for trial := 0; trial < 20000; trial++ {
		n := r.IntN(40)
		b := make([]byte, n)
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[i] = byte(0x20 + r.IntN(0x5f))
			}
		}
		s := string(b)
		_, bad := strHash(s)
		want := false
		for _, c := range b {
			if c < 0x20 || c >= 0x7f {
				want = true
			}
		}
		require.Equal(t, want, bad, "%q", s)
		require.Equal(t, !want, ascii(s), "%q", s)
	}
}

// A new series keeps copies of its strings, not the caller's: those may be
// slices of a large buffer (a request body, a journal record) that the
// series would otherwise keep alive.
func TestANewSeriesDoesNotKeepTheCallersStrings(t *testing.T) {
	s := New(Options{Clock: clock.NewManual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	big := strings.Repeat("x", 1<<16) + "AppLatencyHosthost-1"
	ns, name, dn, dv := big[1<<16:1<<16+3], big[1<<16+3:1<<16+10], big[1<<16+10:1<<16+14], big[1<<16+14:]
	if _, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: ns, MetricData: []MetricDatum{{
		MetricName: name, Dimensions: []Dimension{{Name: dn, Value: dv}}, Value: Float(1)}}}); err != nil {
		t.Fatal(err)
	}
	inBig := func(x string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(x)))
		b := uintptr(unsafe.Pointer(unsafe.StringData(big)))
		return p >= b && p < b+uintptr(len(big))
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	s.catalog.Ascend(func(sr *series) bool {
		n++
		m := sr.metric
		if m.Namespace != "App" || m.MetricName != "Latency" || m.Dimensions[0] != (Dimension{"Host", "host-1"}) {
			t.Fatalf("series %+v", m)
		}
		if inBig(m.Namespace) || inBig(m.MetricName) || inBig(m.Dimensions[0].Name) || inBig(m.Dimensions[0].Value) {
			t.Fatal("the series keeps the caller's buffer")
		}
		return true
	})
	if n != 1 {
		t.Fatalf("%d series", n)
	}
}
