package metrics

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
)

const ckFirehose = "arn:aws:firehose:us-east-1:123456789012:deliverystream/ck"

var ckStart = time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC)

type ckSide struct {
	c   *clock.Manual
	ids *ids.Source
	s   *Service
	q   *MetricStreamQueue
}

func newCkSide() *ckSide {
	c := clock.NewManual(ckStart)
	src := ids.New(7)
	s := New(Options{Clock: c, IDs: src})
	q := &MetricStreamQueue{}
	s.OnMetricStream(ckFirehose, q.Put)
	return &ckSide{c: c, ids: src, s: s, q: q}
}

func ckMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func ckF(v float64) *float64 { return &v }

// ckPut is a varied PutMetricData workload at the clock's time.
func ckPut(t testing.TB, x *ckSide, round int) {
	t.Helper()
	ctx := context.Background()
	now := x.c.Now()
	r := float64(round)
	// Standard resolution, three dimensions (not inline), two units.
	for i := 0; i < 5; i++ {
		ts := now.Add(-time.Duration(i) * 7 * time.Minute)
		ckMust(x.s.PutMetricData(ctx, PutMetricDataInput{Namespace: "CK/App", MetricData: []MetricDatum{
			{MetricName: "Latency", Dimensions: []Dimension{{"Z", "z"}, {"Host", "h1"}, {"AZ", "a"}}, Timestamp: ts, Value: ckF(r + float64(i)), Unit: UnitMilliseconds},
			{MetricName: "Latency", Dimensions: []Dimension{{"Z", "z"}, {"Host", "h1"}, {"AZ", "a"}}, Timestamp: ts, Value: ckF(r * 2), Unit: UnitSeconds},
			{MetricName: "Requests", Dimensions: []Dimension{{"Host", "h1"}}, Timestamp: ts, StatisticValues: &StatisticSet{SampleCount: 4, Sum: 10 + r, Minimum: 1, Maximum: 5 + r}},
			{MetricName: "Sizes", Timestamp: ts, Values: []float64{1, 2, 3, r}, Counts: []float64{1, 2, 0.5, 3}, Unit: UnitBytes},
			{MetricName: "Zeroes", Timestamp: ts, Values: []float64{0, 0, 4}},
		}}))
	}
	// High resolution: a minute of 1-second data in order, then out of
	// order, repeated seconds and a set.
	var data []MetricDatum
	for sec := 0; sec < 90; sec++ {
		data = append(data, MetricDatum{MetricName: "Hi", Dimensions: []Dimension{{"Host", "h1"}}, Timestamp: now.Add(-time.Duration(sec) * time.Second),
			Value: ckF(math.Sin(float64(sec)+r) * 100), StorageResolution: 1})
	}
	data = append(data,
		MetricDatum{MetricName: "Hi", Dimensions: []Dimension{{"Host", "h1"}}, Timestamp: now.Add(-5 * time.Second), Value: ckF(r), StorageResolution: 1},
		MetricDatum{MetricName: "Hi", Dimensions: []Dimension{{"Host", "h1"}}, Timestamp: now.Add(-3 * time.Minute), StatisticValues: &StatisticSet{SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2}, StorageResolution: 1},
	)
	ckMust(x.s.PutMetricData(ctx, PutMetricDataInput{Namespace: "CK/Hi", MetricData: data}))
	// A 1-second series fed in order, one call per second (the head grows
	// in its chunk).
	for sec := 0; sec < 5; sec++ {
		ckMust(x.s.PutMetricData(ctx, PutMetricDataInput{Namespace: "CK/Seq", MetricData: []MetricDatum{
			{MetricName: "Seq", Timestamp: now.Add(time.Duration(sec-5) * time.Second), Value: ckF(float64(sec) + r), StorageResolution: 1},
		}}))
	}
	// A band series: two weeks of 5-minute data makes a trained model.
	if round == 0 {
		var bd []MetricDatum
		for i := 0; i < 14*288; i += 3 {
			ts := now.Add(-time.Duration(i) * 5 * time.Minute)
			bd = append(bd, MetricDatum{MetricName: "Band", Timestamp: ts, Value: ckF(50 + 20*math.Sin(float64(ts.Unix())/86400*2*math.Pi))})
			if len(bd) == 1000 {
				ckMust(x.s.PutMetricData(ctx, PutMetricDataInput{Namespace: "CK/Band", MetricData: bd}))
				bd = bd[:0]
			}
		}
		ckMust(x.s.PutMetricData(ctx, PutMetricDataInput{Namespace: "CK/Band", MetricData: bd}))
	}
}

// ckBuildA makes service A hold every kind of state.
func ckBuildA(t testing.TB, x *ckSide) {
	ctx := context.Background()
	// Data that will be rolled up to hours (70 days), to 5 minutes (20
	// days) and kept at minutes.
	ckPut(t, x, 1)
	x.c.Advance(50 * 24 * time.Hour)
	ckPut(t, x, 2)
	x.c.Advance(20 * 24 * time.Hour)
	ckPut(t, x, 3)
	x.c.Advance(5 * time.Hour) // per-second detail dropped
	ckPut(t, x, 0)
	// Metric streams.
	role := "arn:aws:iam::123456789012:role/ck"
	ckMust(x.s.PutMetricStream(ctx, PutMetricStreamInput{Name: "js", FirehoseArn: ckFirehose, RoleArn: role, OutputFormat: MetricStreamJSON,
		IncludeFilters:           []MetricStreamFilter{{Namespace: "CK/App"}, {Namespace: "CK/Hi", MetricNames: []string{"Hi"}}},
		StatisticsConfigurations: []MetricStreamStatisticsConfiguration{{IncludeMetrics: []MetricStreamStatisticsMetric{{"CK/App", "Latency"}}, AdditionalStatistics: []string{"p99", "tm90"}}},
		Tags:                     []Tag{{"k", "v"}}, IncludeLinkedAccountsMetrics: Bool(true)}))
	ckMust(x.s.PutMetricStream(ctx, PutMetricStreamInput{Name: "ot", FirehoseArn: ckFirehose, RoleArn: role, OutputFormat: MetricStreamOpenTelemetry10,
		ExcludeFilters:           []MetricStreamFilter{{Namespace: "CK/Band"}},
		StatisticsConfigurations: []MetricStreamStatisticsConfiguration{{IncludeMetrics: []MetricStreamStatisticsMetric{{"CK/Hi", "Hi"}}, AdditionalStatistics: []string{"p50"}}}}))
	ckMust(x.s.PutMetricStream(ctx, PutMetricStreamInput{Name: "st", FirehoseArn: ckFirehose, RoleArn: role, OutputFormat: MetricStreamJSON}))
	ckMust(x.s.StopMetricStreams(ctx, StopMetricStreamsInput{Names: []string{"st"}}))
	x.c.Advance(2 * time.Minute)
	ckMust(x.s.PutMetricStream(ctx, PutMetricStreamInput{Name: "js", FirehoseArn: ckFirehose, RoleArn: role, OutputFormat: MetricStreamJSON,
		IncludeFilters:           []MetricStreamFilter{{Namespace: "CK/App"}, {Namespace: "CK/Hi"}, {Namespace: "CK/Seq"}},
		StatisticsConfigurations: []MetricStreamStatisticsConfiguration{{IncludeMetrics: []MetricStreamStatisticsMetric{{"CK/App", "Latency"}}, AdditionalStatistics: []string{"p99", "tm90"}}}}))
	// Anomaly detectors: explicit (time zone, excluded range,
	// characteristics), math, and an implicit one from a band query.
	ckMust(x.s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &SingleMetricAnomalyDetector{Namespace: "CK/App", MetricName: "Latency",
		Dimensions: []Dimension{{"Z", "z"}, {"Host", "h1"}, {"AZ", "a"}}, Stat: "p90"},
		Configuration:         &AnomalyDetectorConfiguration{MetricTimezone: "America/New_York", ExcludedTimeRanges: []Range{{x.c.Now().Add(-48 * time.Hour), x.c.Now().Add(-47 * time.Hour)}}},
		MetricCharacteristics: &MetricCharacteristics{PeriodicSpikes: Bool(true)}}))
	ckMust(x.s.PutAnomalyDetector(ctx, PutAnomalyDetectorInput{MetricMathAnomalyDetector: &MetricMathAnomalyDetector{MetricDataQueries: []MetricDataQuery{
		{Id: "m1", MetricStat: &MetricStat{Metric: Metric{Namespace: "CK/Band", MetricName: "Band"}, Period: 300, Stat: "Average"}, ReturnData: Bool(false)},
		{Id: "e1", Expression: "m1 * 2", ReturnData: Bool(true)},
	}}}))
	ckMust(x.s.GetMetricData(ctx, ckBandQuery(x.c.Now())))
	x.c.Advance(90 * time.Second) // streams and sweeps ran; both pending
	ckPut(t, x, 4)                // data the next stream minute and sweeps read
}

func ckBandQuery(now time.Time) GetMetricDataInput {
	return GetMetricDataInput{StartTime: now.Add(-6 * time.Hour), EndTime: now, MetricDataQueries: []MetricDataQuery{
		{Id: "m1", MetricStat: &MetricStat{Metric: Metric{Namespace: "CK/Band", MetricName: "Band"}, Period: 300, Stat: "Average"}},
		{Id: "ad", Expression: "ANOMALY_DETECTION_BAND(m1, 2)"},
	}}
}

// ckSnapshot is every answer the service gives about its state, as JSON.
func ckSnapshot(t *testing.T, x *ckSide) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	add := func(label string, v any, err error) {
		if err != nil {
			fmt.Fprintf(&b, "%s: error %v\n", label, err)
			return
		}
		j, _ := json.Marshal(v)
		fmt.Fprintf(&b, "%s: %s\n", label, j)
	}
	now := x.c.Now()
	var metrics []Metric
	for m, err := range x.s.ListMetricsAll(ctx, ListMetricsInput{}) {
		if err != nil {
			t.Fatal(err)
		}
		metrics = append(metrics, m)
	}
	add("ListMetrics", metrics, nil)
	v, err := x.s.ListMetrics(ctx, ListMetricsInput{RecentlyActive: "PT3H"})
	add("ListMetrics PT3H", v, err)
	units := []StandardUnit{"", UnitMilliseconds, UnitSeconds, UnitBytes, UnitNone}
	for _, m := range metrics {
		for _, u := range units {
			for _, p := range []struct {
				period int
				span   time.Duration
			}{{1, 6 * time.Hour}, {10, 6 * time.Hour}, {60, 15 * 24 * time.Hour}, {300, 63 * 24 * time.Hour}, {3600, 455 * 24 * time.Hour}} {
				var qs []MetricDataQuery
				for i, st := range []string{"Average", "Sum", "SampleCount", "Minimum", "Maximum", "p99", "p50", "tm90", "IQM"} {
					qs = append(qs, MetricDataQuery{Id: fmt.Sprintf("q%d", i), MetricStat: &MetricStat{Metric: m, Period: p.period, Stat: st, Unit: u}})
				}
				for out, err := range x.s.GetMetricDataAll(ctx, GetMetricDataInput{MetricDataQueries: qs, StartTime: now.Add(-p.span), EndTime: now.Add(time.Hour)}) {
					add(fmt.Sprintf("GMD %v %s %d", m, u, p.period), out, err)
				}
			}
			gs, err := x.s.GetMetricStatistics(ctx, GetMetricStatisticsInput{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions,
				StartTime: now.Add(-3 * time.Hour), EndTime: now, Period: 60, Statistics: []Statistic{"SampleCount", "Average", "Maximum"}, ExtendedStatistics: []string{"p90"}, Unit: u})
			add(fmt.Sprintf("GMS %v %s", m, u), gs, err)
		}
	}
	band, err := x.s.GetMetricData(ctx, ckBandQuery(now))
	add("band", band, err)
	ls, err := x.s.ListMetricStreams(ctx, ListMetricStreamsInput{})
	add("ListMetricStreams", ls, err)
	for _, n := range []string{"js", "ot", "st"} {
		g, err := x.s.GetMetricStream(ctx, GetMetricStreamInput{Name: n})
		add("GetMetricStream "+n, g, err)
	}
	for _, typ := range []AnomalyDetectorType{AnomalyDetectorSingleMetric, AnomalyDetectorMetricMath} {
		d, err := x.s.DescribeAnomalyDetectors(ctx, DescribeAnomalyDetectorsInput{AnomalyDetectorTypes: []AnomalyDetectorType{typ}})
		add("DescribeAnomalyDetectors "+string(typ), d, err)
	}
	add("streamed", x.q.Drain(), nil)
	fmt.Fprintf(&b, "pending timers: %d, ids: %s\n", x.c.Pending(), x.ids.Hex(8))
	return b.String()
}

func ckSave(t testing.TB, s *Service) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.saveState(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ckRestore builds B as the framework does and loads data into it.
func ckRestore(t *testing.T, a *ckSide, data []byte) *ckSide {
	t.Helper()
	b := newCkSide()
	pos, err := a.ids.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.ids.UnmarshalBinary(pos); err != nil {
		t.Fatal(err)
	}
	b.c.Set(a.c.Now())
	if err := b.s.loadState(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	return b
}

func ckCompare(t *testing.T, when string, a, b *ckSide) {
	t.Helper()
	sa, sb := ckSnapshot(t, a), ckSnapshot(t, b)
	if sa != sb {
		la, lb := strings.Split(sa, "\n"), strings.Split(sb, "\n")
		for i := range min(len(la), len(lb)) {
			if la[i] != lb[i] {
				t.Fatalf("%s: A and B differ at line %d:\nA: %.600s\nB: %.600s", when, i, la[i], lb[i])
			}
		}
		t.Fatalf("%s: A and B differ (%d and %d lines)", when, len(la), len(lb))
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	a := newCkSide()
	ckBuildA(t, a)
	a.q.Drain()
	data := ckSave(t, a.s)
	b := ckRestore(t, a, data)
	if again := ckSave(t, b.s); !bytes.Equal(again, data) {
		t.Fatalf("B saves %d bytes that differ from A's %d", len(again), len(data))
	}
	ckCompareStore(t, "after Load", a, b)
	ckCompare(t, "after Load", a, b)
	if testing.Verbose() {
		t.Logf("checkpoint: %d bytes; snapshot:\n%.20000s", len(data), ckSnapshot(t, newCkSide()))
	}
	// The same calls and time on both; the first steps put nothing, so
	// only what was loaded drives the timers.
	for i, d := range []time.Duration{90 * time.Second, 4 * time.Hour, 16 * 24 * time.Hour, 30 * time.Second, 4 * time.Minute, 3 * time.Hour, 20 * 24 * time.Hour, 50 * 24 * time.Hour} {
		for _, x := range []*ckSide{a, b} {
			x.c.Advance(d)
			if i >= 3 {
				ckPut(t, x, 10+i)
			}
		}
		ckCompareStore(t, fmt.Sprintf("after step %d", i), a, b)
		ckCompare(t, fmt.Sprintf("after step %d", i), a, b)
	}
	// Deleting every stream stops the minute job; a checkpoint then has
	// none to arm.
	ctx := context.Background()
	for _, x := range []*ckSide{a, b} {
		for _, n := range []string{"js", "ot", "st"} {
			ckMust(x.s.DeleteMetricStream(ctx, DeleteMetricStreamInput{Name: n}))
		}
	}
	c := ckRestore(t, a, ckSave(t, a.s))
	for _, x := range []*ckSide{a, b, c} {
		x.c.Advance(time.Hour)
		ckPut(t, x, 99)
	}
	ckCompare(t, "without streams", a, c)
}

// A checkpoint written by version 1 (values side by side, before the byte
// planes; testdata/checkpoint-v1.bin.gz is ckBuildA's state saved by it)
// loads into the same service as version 2's of the same state, which then
// saves what version 2 saves.
func TestCheckpointVersion1IsRead(t *testing.T) {
	f, err := os.Open("testdata/checkpoint-v1.bin.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if v1[0] != 1 {
		t.Fatalf("testdata checkpoint is version %d", v1[0])
	}
	a := newCkSide()
	ckBuildA(t, a)
	a.q.Drain()
	v2 := ckSave(t, a.s)
	if v2[0] != checkpointVersion || bytes.Equal(v1[1:], v2[1:]) {
		t.Fatal("version 2 writes what version 1 wrote")
	}
	b := ckRestore(t, a, v1)
	ckCompareStore(t, "version 1 loaded", a, b)
	ckCompare(t, "version 1 loaded", a, b)
	if again := ckSave(t, b.s); !bytes.Equal(again, v2) {
		t.Fatal("a service loaded from version 1 saves differently")
	}
}

func TestCheckpointEmpty(t *testing.T) {
	a := newCkSide()
	b := ckRestore(t, a, ckSave(t, a.s))
	ckCompare(t, "empty", a, b)
}

func TestCheckpointBadData(t *testing.T) {
	a := newCkSide()
	ckBuildA(t, a)
	data := ckSave(t, a.s)
	fresh := func() *Service { return New(Options{Clock: clock.NewManual(ckStart)}) }
	if err := fresh().loadState(bytes.NewReader(nil)); err == nil {
		t.Error("empty data loaded")
	}
	for _, n := range []int{1, 2, 5, 100, len(data) / 2, len(data) - 5, len(data) - 1} {
		if err := fresh().loadState(bytes.NewReader(data[:n])); err == nil {
			t.Errorf("data truncated to %d of %d bytes loaded", n, len(data))
		}
	}
	bad := []byte{checkpointVersion + 1}
	if err := fresh().loadState(bytes.NewReader(append(bad, data[1:]...))); err == nil {
		t.Error("a later version loaded")
	}
	for i := 1; i < len(data); i += max(1, len(data)/97) {
		c := bytes.Clone(data)
		c[i] ^= 0x5a
		if err := fresh().loadState(bytes.NewReader(c)); err == nil {
			t.Errorf("data with byte %d flipped loaded", i)
		}
	}
	garbage := make([]byte, 4096)
	src := ids.New(3)
	for i := 0; i < 50; i++ {
		copy(garbage, src.Bytes(len(garbage)))
		garbage[0] = checkpointVersion
		if err := fresh().loadState(bytes.NewReader(garbage)); err == nil {
			t.Error("garbage loaded")
		}
	}
	// A service whose Load failed is unchanged and still works.
	s := fresh()
	c := bytes.Clone(data)
	c[len(c)-1] ^= 1
	if err := s.loadState(bytes.NewReader(c)); err == nil {
		t.Fatal("bad checksum loaded")
	}
	out := ckMust(s.ListMetrics(context.Background(), ListMetricsInput{}))
	if len(out.Metrics) != 0 {
		t.Errorf("a failed Load left %d metrics", len(out.Metrics))
	}
}

// ckStoreDump prints the series store field by field, apart from
// saveState, so that a field saveState drops shows even when no answer
// reads it (per-second detail flags, agedTo, the chunk's layout).
func ckStoreDump(s *Service) string {
	var b strings.Builder
	s.mu.RLock()
	defer s.mu.RUnlock()
	fmt.Fprintf(&b, "nextDue %d nseries %d\n", s.nextDue, s.nseries)
	blk := func(bl *block) {
		fmt.Fprintf(&b, "  %d %v %v %v %x %v", bl.start, bl.sum, bl.min, bl.max, bl.occ, bl.vals)
		if x := bl.x; x != nil {
			fmt.Fprintf(&b, " x{%v %v/%v %v/%v %v %v %v}", x.count, x.secs, x.secs == nil, x.weights, x.weights == nil, x.sets, x.noPct, x.minuteOnly)
			if x.sk != nil {
				fmt.Fprintf(&b, " sk{%v %v}", x.sk.zero, x.sk.bins)
			}
		}
		b.WriteByte('\n')
	}
	s.catalog.Ascend(func(sr *series) bool {
		fmt.Fprintf(&b, "%x %d %d %d %q %v first=%v\n", sr.hash, sr.lastTS, sr.lastRecv, sr.idSize, sr.key, sr.metric, len(sr.streams) > 0 && sr.streams[0] == &sr.first)
		for _, st := range sr.streams {
			inChunk := st.hasHead && cap(st.head[0].vals) > 0 && st.headOff < len(st.chunk) && &st.head[0].vals[:cap(st.head[0].vals)][0] == &st.chunk[st.headOff]
			fmt.Fprintf(&b, " %s head=%v chunk=%d used=%d headOff=%d inChunk=%v agedTo=%d\n", st.unit, st.hasHead, len(st.chunk), st.used, st.headOff, inChunk, st.agedTo)
			for _, lv := range st.levels() {
				for i := range lv {
					blk(&lv[i])
				}
			}
		}
		return true
	})
	if got := s.catalog.Len(); got != s.nseries {
		fmt.Fprintf(&b, "catalog %d != nseries %d\n", got, s.nseries)
	}
	return b.String()
}

func ckCompareStore(t *testing.T, when string, a, b *ckSide) {
	t.Helper()
	da, db := ckStoreDump(a.s), ckStoreDump(b.s)
	if da != db {
		la, lb := strings.Split(da, "\n"), strings.Split(db, "\n")
		for i := range min(len(la), len(lb)) {
			if la[i] != lb[i] {
				t.Fatalf("%s: stores differ at line %d:\nA: %.400s\nB: %.400s", when, i, la[i], lb[i])
			}
		}
		t.Fatalf("%s: stores differ", when)
	}
}

// BenchmarkCheckpoint saves and loads the benchmark workload (1,000 series ×
// 3,600 one-second points).
func BenchmarkCheckpoint(b *testing.B) {
	s := ingestWorkload(b, benchValues())
	var buf bytes.Buffer
	var save, load time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		t0 := time.Now()
		if err := s.saveState(&buf); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		c := New(Options{Clock: clock.NewManual(benchStart.Add(benchPoints * time.Second))})
		if err := c.loadState(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
		load += time.Since(t1)
		save += t1.Sub(t0)
		c.Close()
	}
	b.ReportMetric(float64(save)/1e6/float64(b.N), "save-ms")
	b.ReportMetric(float64(load)/1e6/float64(b.N), "load-ms")
	b.ReportMetric(float64(buf.Len()), "bytes")
	b.ReportMetric(float64(buf.Len())/(benchSeries*benchPoints), "bytes/point")
	b.Logf("save %v, load %v per op", save/time.Duration(b.N), load/time.Duration(b.N))
}

// FuzzCheckpointLoad: Load refuses what it cannot read without panicking
// (its recover would turn a panic into an error: the fuzzer checks the
// rest), and a state it accepts saves and loads again to the same bytes.
func FuzzCheckpointLoad(f *testing.F) {
	// Small states (a big seed slows coverage-guided fuzzing to a crawl):
	// none, and one ckPut round.
	e := newCkSide()
	f.Add(ckSave(f, e.s))
	a := newCkSide()
	ckPut(f, a, 1)
	a.q.Drain()
	f.Add(ckSave(f, a.s))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(Options{Clock: clock.NewManual(ckStart)})
		defer s.Close()
		if err := s.loadState(bytes.NewReader(data)); err != nil {
			if strings.Contains(err.Error(), "unreadable data") {
				t.Fatalf("Load panicked: %v", err)
			}
			return
		}
		var again bytes.Buffer
		if err := s.saveState(&again); err != nil {
			t.Fatal(err)
		}
		s2 := New(Options{Clock: clock.NewManual(ckStart)})
		defer s2.Close()
		if err := s2.loadState(bytes.NewReader(again.Bytes())); err != nil {
			t.Fatalf("a state Load accepted does not load again: %v", err)
		}
		var third bytes.Buffer
		if err := s2.saveState(&third); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), third.Bytes()) {
			t.Fatal("save, load, save is not stable")
		}
	})
}
