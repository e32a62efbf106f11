package metrics

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/journal"
)

// shadow is a PutMetricDataInput with its floats as bits (NaN == NaN) and its
// timestamps as what the journal must keep of them, so that
// reflect.DeepEqual compares what a replay sees (nil vs empty included).
type shadow struct {
	Namespace string
	Data      []shadowDatum
	DataNil   bool
}

type shadowDatum struct {
	MetricName        string
	Dimensions        []Dimension
	DimsNil           bool
	Time              shadowTime
	Value             *uint64
	Values, Counts    []uint64
	ValuesNil         bool
	CountsNil         bool
	Stats             *[4]uint64
	Unit              StandardUnit
	StorageResolution int
}

type shadowTime struct {
	Zero    bool
	Sec     int64
	Nsec    int
	Offset  int
	UTC     bool   // the location is time.UTC
	ZoneNm  string // the zone's name
	HasMono bool
}

func bitsOf(fs []float64) []uint64 {
	if fs == nil {
		return nil
	}
	out := make([]uint64, len(fs))
	for i, f := range fs {
		out[i] = math.Float64bits(f)
	}
	return out
}

func shadowOf(in PutMetricDataInput) shadow {
	s := shadow{Namespace: in.Namespace, DataNil: in.MetricData == nil}
	for _, d := range in.MetricData {
		sd := shadowDatum{MetricName: d.MetricName, Dimensions: d.Dimensions, DimsNil: d.Dimensions == nil,
			Values: bitsOf(d.Values), Counts: bitsOf(d.Counts), ValuesNil: d.Values == nil, CountsNil: d.Counts == nil,
			Unit: d.Unit, StorageResolution: d.StorageResolution}
		if len(sd.Dimensions) == 0 {
			sd.Dimensions = nil // DimsNil tells
		}
		if d.Value != nil {
			b := math.Float64bits(*d.Value)
			sd.Value = &b
		}
		if v := d.StatisticValues; v != nil {
			sd.Stats = &[4]uint64{math.Float64bits(v.SampleCount), math.Float64bits(v.Sum), math.Float64bits(v.Minimum), math.Float64bits(v.Maximum)}
		}
		t := d.Timestamp
		name, off := t.Zone()
		sd.Time = shadowTime{Zero: t.IsZero(), Sec: t.Unix(), Nsec: t.Nanosecond(), Offset: off, UTC: t.Location() == time.UTC, ZoneNm: name,
			HasMono: t.Round(-1) != t}
		s.Data = append(s.Data, sd)
	}
	return s
}

// want is what a round trip must give back for in: in, with each timestamp
// as the generic CBOR form returned it.
func want(in PutMetricDataInput) PutMetricDataInput {
	if in.MetricData == nil {
		return in
	}
	out := in
	out.MetricData = append(make([]MetricDatum, 0, len(in.MetricData)), in.MetricData...)
	for i := range out.MetricData {
		t := out.MetricData[i].Timestamp
		switch _, off := t.Zone(); {
		case t.IsZero():
			t = time.Time{}
		case off == 0:
			t = t.UTC()
		default:
			t = t.In(time.FixedZone("", off))
		}
		out.MetricData[i].Timestamp = t.Round(-1)
	}
	return out
}

func roundTrip(t *testing.T, in PutMetricDataInput) PutMetricDataInput {
	t.Helper()
	b := appendPutMetricData(nil, &in)
	var got PutMetricDataInput
	if err := decodePutMetricData(b, &got); err != nil {
		t.Fatalf("decode: %v (%x)", err, b)
	}
	return got
}

func checkRoundTrip(t *testing.T, in PutMetricDataInput) {
	t.Helper()
	got := roundTrip(t, in)
	if g, w := shadowOf(got), shadowOf(want(in)); !reflect.DeepEqual(g, w) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", g, w)
	}
	for i := range got.MetricData {
		g, w := got.MetricData[i].Timestamp, in.MetricData[i].Timestamp
		_, goff := g.Zone()
		_, woff := w.Zone()
		if !g.Equal(w) || goff != woff && !w.IsZero() {
			t.Fatalf("datum %d: timestamp %v, want %v", i, g, w)
		}
	}
}

func f64(v float64) *float64 { return &v }

func TestPutMetricDataCodecRoundTrip(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 123456789, time.UTC)
	nan := math.Float64frombits(0x7ff8_dead_beef_0001)
	plus5 := time.FixedZone("XST", 5*3600+30*60)
	local := time.FixedZone("", 0) // a zone other than UTC at offset 0
	cases := []struct {
		name string
		in   PutMetricDataInput
	}{
		{"nil MetricData", PutMetricDataInput{Namespace: "ns"}},
		{"0 datums", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{}}},
		{"empty namespace and name", PutMetricDataInput{MetricData: []MetricDatum{{}}}},
		{"nil vs empty dimensions", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a"}, {MetricName: "a", Dimensions: []Dimension{}}, {MetricName: "a", Dimensions: []Dimension{{}}}}}},
		{"absent Value vs Value 0", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a"}, {MetricName: "a", Value: f64(0)}, {MetricName: "a", Value: f64(math.Copysign(0, -1))}}}},
		{"NaN bits and infinities", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Value: &nan, Values: []float64{nan, math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64}}}}},
		{"nil vs empty Values and Counts", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a"}, {MetricName: "a", Values: []float64{}, Counts: []float64{}},
			{MetricName: "a", Values: []float64{}}, {MetricName: "a", Counts: []float64{}}}}},
		{"values and counts", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Values: []float64{1, 2, 3}, Counts: []float64{4, 5}},
			{MetricName: "b", Values: []float64{6}, Counts: []float64{7, 8, 9}, Value: f64(10)}}}},
		{"statistic set", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", StatisticValues: &StatisticSet{SampleCount: 3, Sum: 6, Minimum: 1, Maximum: 3}},
			{MetricName: "a", StatisticValues: &StatisticSet{}},
			{MetricName: "a"}}}},
		{"zero timestamp", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a"}, {MetricName: "a", Timestamp: t0}, {MetricName: "a"}}}},
		{"zero instant in another zone", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Timestamp: time.Time{}.In(plus5)}}}},
		{"UTC timestamps to the nanosecond", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Timestamp: t0}, {MetricName: "a", Timestamp: t0}, {MetricName: "a", Timestamp: t0.Add(-time.Hour + 1)},
			{MetricName: "a", Timestamp: t0.Add(1000 * time.Hour)}}}},
		{"non-UTC offset", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Timestamp: t0.In(plus5)}, {MetricName: "a", Timestamp: t0},
			{MetricName: "a", Timestamp: t0.In(time.FixedZone("W", -8*3600))}}}},
		{"same instant, other offset", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Timestamp: t0}, {MetricName: "a", Timestamp: t0.In(plus5)}}}},
		{"offset 0 outside UTC decodes in UTC", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Timestamp: t0.In(local)}}}},
		{"monotonic reading dropped", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Timestamp: time.Now()}}}},
		{"instants beyond Unix nanoseconds", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Timestamp: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)},
			{MetricName: "a", Timestamp: time.Date(9999, 12, 31, 23, 59, 59, 999999999, plus5)},
			{MetricName: "a", Timestamp: time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC)},
			{MetricName: "a", Timestamp: t0}}}},
		{"storage resolutions", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", StorageResolution: 1}, {MetricName: "a", StorageResolution: 1}, {MetricName: "a", StorageResolution: -7},
			{MetricName: "a", StorageResolution: math.MaxInt}, {MetricName: "a", StorageResolution: math.MinInt}, {MetricName: "a"}}}},
		{"repeated strings", PutMetricDataInput{Namespace: "Latency", MetricData: []MetricDatum{
			{MetricName: "Latency", Dimensions: []Dimension{{"Host", "Host"}, {"Host", "Latency"}}, Unit: "Latency"},
			{MetricName: "Host", Dimensions: []Dimension{{"Latency", "Host"}}, Unit: "Host"}}}},
		{"distinct strings", PutMetricDataInput{Namespace: "n", MetricData: []MetricDatum{
			{MetricName: "a", Dimensions: []Dimension{{"b", "c"}, {"d", "e"}}, Unit: UnitBytes},
			{MetricName: "f", Dimensions: []Dimension{{"g", "h"}}, Unit: UnitCount}}}},
		{"units changing back", PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Unit: UnitBytes}, {MetricName: "a"}, {MetricName: "a", Unit: UnitBytes}}}},
		{"invalid UTF-8 and long strings", PutMetricDataInput{Namespace: "\xff\xfe", MetricData: []MetricDatum{
			{MetricName: string(make([]byte, 300)), Dimensions: []Dimension{{"\x00", "\xc3"}}, Unit: "\x80"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkRoundTrip(t, c.in) })
	}
	t.Run("many strings", func(t *testing.T) { checkRoundTrip(t, codecBatch(3000)) })
}

// codecBatch is the benchmark's call: n datums of Latency, Host=host-NNNN,
// Milliseconds, resolution 1, a distinct value each, one timestamp.
func codecBatch(n int) PutMetricDataInput {
	ts := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	in := PutMetricDataInput{Namespace: "App", MetricData: make([]MetricDatum, n)}
	for i := range in.MetricData {
		in.MetricData[i] = MetricDatum{MetricName: "Latency", Dimensions: []Dimension{{"Host", fmt.Sprintf("host-%04d", i)}},
			Timestamp: ts, Value: f64(float64(i) * 1.5), Unit: UnitMilliseconds, StorageResolution: 1}
	}
	return in
}

// Appending to one decoded datum's slices must not overwrite a neighbour's.
func TestPutMetricDataCodecSlicesAreClipped(t *testing.T) {
	in := PutMetricDataInput{Namespace: "ns", MetricData: []MetricDatum{
		{MetricName: "a", Dimensions: []Dimension{{"x", "1"}}, Values: []float64{1}, Counts: []float64{2}, Value: f64(3)},
		{MetricName: "b", Dimensions: []Dimension{{"y", "2"}}, Values: []float64{4}, Counts: []float64{5}, Value: f64(6)},
	}}
	got := roundTrip(t, in)
	d := &got.MetricData[0]
	d.Dimensions = append(d.Dimensions, Dimension{"z", "3"})
	d.Values = append(d.Values, 9)
	d.Counts = append(d.Counts, 9)
	if g := shadowOf(PutMetricDataInput{Namespace: "ns", MetricData: got.MetricData[1:]}); !reflect.DeepEqual(g, shadowOf(PutMetricDataInput{Namespace: "ns", MetricData: in.MetricData[1:]})) {
		t.Fatalf("a neighbour changed: %+v", got.MetricData[1])
	}
}

func TestPutMetricDataCodecRejectsBadData(t *testing.T) {
	good := appendPutMetricData(nil, new(codecBatch(3)))
	var in PutMetricDataInput
	if err := decodePutMetricData(good, &in); err != nil {
		t.Fatal(err)
	}
	for n := range len(good) {
		if err := decodePutMetricData(good[:n], &in); err == nil {
			t.Errorf("%d of %d bytes decoded", n, len(good))
		}
	}
	bad := map[string][]byte{
		"unknown version":   append([]byte{2}, good[1:]...),
		"trailing bytes":    append(append([]byte(nil), good...), 0),
		"huge datum count":  {codecVersion, 1, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge dimensions":   {codecVersion, 1, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0},
		"huge string":       {codecVersion, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"string index":      {codecVersion, 2, 0},
		"totals not met":    {codecVersion, 1, 2, 1, 0, 0, flagSameTime | flagSameUnit | flagSameRes, 1},
		"totals exceeded":   {codecVersion, 1, 2, 0, 0, 0, flagValue | flagSameTime | flagSameUnit | flagSameRes, 1, 0, 0, 0, 0, 0, 0, 0, 0},
		"bad nanoseconds":   binary.AppendUvarint([]byte{codecVersion, 1, 2, 0, 0, 0, flagSameUnit | flagSameRes, 1, 2, 0}, 1e9),
		"overlong varint":   {codecVersion, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"empty":             {},
		"version only":      {codecVersion},
		"short float":       {codecVersion, 1, 2, 0, 1, 0, flagValue | flagSameTime, 1, 0, 0},
		"short after flags": {codecVersion, 1, 2, 0, 0, 0, 0},
	}
	// The largest nanoseconds decode (so "bad nanoseconds" fails for them).
	if err := decodePutMetricData(binary.AppendUvarint([]byte{codecVersion, 1, 2, 0, 0, 0, flagSameUnit | flagSameRes, 1, 2, 0}, 1e9-1), &in); err != nil {
		t.Errorf("a wide time of 999999999 ns: %v", err)
	}
	for name, b := range bad {
		if err := decodePutMetricData(b, &in); err == nil {
			t.Errorf("%s: %x decoded: %+v", name, b, in)
		}
	}
}

// The journal stores PutMetricDataInput in the codec's form, a CBOR byte
// string, and decodes it with the codec.
func TestPutMetricDataCodecIsWhatTheJournalUses(t *testing.T) {
	in := codecBatch(5)
	in.MetricData[1].Timestamp = in.MetricData[1].Timestamp.In(time.FixedZone("", -3600))
	b, err := journal.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	if b[0]>>5 != 2 {
		t.Fatalf("not a CBOR byte string: %x", b[:1])
	}
	if form := appendPutMetricData(nil, &in); len(b) != len(form)+2 || string(b[2:]) != string(form) {
		t.Fatalf("the journal stores %x, the codec's form is %x", b, form)
	}
	var got PutMetricDataInput
	if err := journal.Decode(b, &got); err != nil {
		t.Fatal(err)
	}
	if g, w := shadowOf(got), shadowOf(want(in)); !reflect.DeepEqual(g, w) {
		t.Fatalf("journal round trip:\n got %+v\nwant %+v", g, w)
	}
}

func FuzzPutMetricDataCodec(f *testing.F) {
	nan := math.Float64frombits(0x7ff0_0000_0000_0001)
	for _, in := range []PutMetricDataInput{
		{},
		{Namespace: "ns", MetricData: []MetricDatum{}},
		codecBatch(3),
		{Namespace: "ns", MetricData: []MetricDatum{
			{MetricName: "a", Dimensions: []Dimension{}, Values: []float64{1, nan}, Counts: []float64{}, Unit: UnitBytes, StorageResolution: -60},
			{MetricName: "b", StatisticValues: &StatisticSet{1, 2, 3, 4}, Timestamp: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("", 3600))},
			{Timestamp: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, {}}},
	} {
		f.Add(appendPutMetricData(nil, &in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in PutMetricDataInput
		if err := decodePutMetricData(data, &in); err != nil {
			return
		}
		b := appendPutMetricData(nil, &in)
		var again PutMetricDataInput
		if err := decodePutMetricData(b, &again); err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", b, err)
		}
		if g, w := shadowOf(again), shadowOf(in); !reflect.DeepEqual(g, w) {
			t.Fatalf("re-encoding changed the input:\n got %+v\nwant %+v", g, w)
		}
	})
}

// BenchmarkPutMetricDataCodec: encoding and decoding the journal form of a
// 1,000-datum PutMetricData call (the ingest workload).
//
// Decoding allocates the call (~220 KB, mostly the 1,000 MetricDatum), so in
// a benchmark's tiny heap the GC runs every few dozen calls and its write
// barriers and marking dominate; the "big-heap" runs hold a 64 MB
// pointer-free ballast, as an account's store would, so that the GC runs as
// rarely as it would in a real replay. "generic" is the CBOR form the journal
// used before (a type without a codec).
func BenchmarkPutMetricDataCodec(b *testing.B) {
	in := codecBatch(1000)
	buf := appendPutMetricData(nil, &in)
	for _, heap := range []string{"small-heap", "big-heap"} {
		b.Run(heap, func(b *testing.B) {
			var ballast []byte
			if heap == "big-heap" {
				ballast = make([]byte, 64<<20)
			}
			b.Run("encode", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					buf = appendPutMetricData(buf[:0], &in)
				}
				b.ReportMetric(float64(len(buf))/1000, "bytes/datum")
			})
			b.Run("decode", func(b *testing.B) {
				b.ReportAllocs()
				var out PutMetricDataInput
				for b.Loop() {
					if err := decodePutMetricData(buf, &out); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("encode+decode", func(b *testing.B) {
				b.ReportAllocs()
				var out PutMetricDataInput
				for b.Loop() {
					buf = appendPutMetricData(buf[:0], &in)
					if err := decodePutMetricData(buf, &out); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(buf))/1000, "bytes/datum")
			})
			b.Run("generic-encode+decode", func(b *testing.B) {
				type generic PutMetricDataInput // no codec: the journal's CBOR
				b.ReportAllocs()
				var n int
				for b.Loop() {
					data, err := journal.Encode(generic(in))
					if err != nil {
						b.Fatal(err)
					}
					var out generic
					if err := journal.Decode(data, &out); err != nil {
						b.Fatal(err)
					}
					n = len(data)
				}
				b.ReportMetric(float64(n)/1000, "bytes/datum")
			})
			runtime.KeepAlive(ballast)
		})
	}
}
