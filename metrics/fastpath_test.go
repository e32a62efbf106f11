package metrics

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/metricmath"
)

// TestMetricStatFastPathMatchesGeneralPath publishes random data (several
// metrics, units, both storage resolutions, Values with Counts, statistic
// sets, data aged past the sub-minute and minute retention) and checks that
// GetMetricData's MetricStat fast path answers random MetricStat-only requests
// exactly as the general (metric-math) path does: results, labels, order,
// pagination tokens and errors.
func TestMetricStatFastPathMatchesGeneralPath(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	var errs, points, pages, results int
	var reused GetMetricDataOutput
	for scenario := range 6 {
		c := clock.NewManual(gmdT0)
		s := New(Options{Clock: c})
		names := []string{"Latency", "Errors", "CPU"}
		hosts := []string{"web-1", "web-2"}
		units := []StandardUnit{"", UnitCount, UnitMilliseconds}
		// Publish for six hours (advancing the clock, so the sweep drops
		// sub-minute detail), then in some scenarios jump 20 days ahead so
		// that minute data rolls up to 5-minute blocks.
		for step := range 36 {
			var data []MetricDatum
			now := c.Now()
			for range 1 + r.IntN(300) {
				d := MetricDatum{MetricName: names[r.IntN(len(names))],
					Timestamp: now.Add(-time.Duration(r.IntN(600)) * time.Second)}
				switch r.IntN(3) {
				case 0:
					d.Dimensions = []Dimension{{Name: "Host", Value: hosts[r.IntN(len(hosts))]}}
				case 1:
					d.Dimensions = []Dimension{{Name: "Host", Value: hosts[r.IntN(len(hosts))]}, {Name: "Az", Value: "a"}}
				}
				if r.IntN(6) == 0 {
					d.Unit = units[r.IntN(len(units))]
				}
				if r.IntN(2) == 0 {
					d.StorageResolution = 1
				}
				switch r.IntN(8) {
				case 0:
					for range 1 + r.IntN(4) {
						d.Values = append(d.Values, float64(r.IntN(100)))
						d.Counts = append(d.Counts, float64(1+r.IntN(3)))
					}
				case 1:
					mn := float64(r.IntN(10))
					d.StatisticValues = &StatisticSet{SampleCount: float64(1 + r.IntN(5)), Sum: mn * 7, Minimum: mn, Maximum: mn + float64(r.IntN(5))}
				case 2:
					d.Value = Float(-float64(r.IntN(50)))
				default:
					d.Value = Float(float64(r.IntN(1000)) / 10)
				}
				data = append(data, d)
			}
			_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: data})
			require.NoError(t, err, "step %d", step)
			c.Advance(10 * time.Minute)
		}
		if scenario%3 == 2 {
			c.Advance(20 * 24 * time.Hour)
		}
		for trial := range 150 {
			in := randomMetricStatRequest(r, c.Now(), names, hosts, units)
			ctx := fmt.Sprintf("scenario %d trial %d: %+v", scenario, trial, in)
			for page := 0; ; page++ {
				a, b := in, in
				fast, errFast := s.getMetricDataVia(&a, true, nil)
				general, errGeneral := s.getMetricDataVia(&b, false, nil)
				if errGeneral != nil || errFast != nil {
					require.Error(t, errFast, ctx)
					require.Error(t, errGeneral, ctx)
					require.Equal(t, errGeneral.Error(), errFast.Error(), ctx)
					errs++
					break
				}
				require.Equal(t, general, fast, ctx)
				// GetMetricDataInto, reusing one output across all requests,
				// answers the same.
				require.NoError(t, s.GetMetricDataInto(context.Background(), in, &reused), ctx)
				require.Equal(t, general, &reused, ctx)
				pages++
				for _, res := range fast.MetricDataResults {
					results++
					points += len(res.Values)
				}
				if fast.NextToken == "" || page > 20 {
					break
				}
				in.NextToken = fast.NextToken
			}
		}
		s.Close()
	}
	// The requests exercise every outcome.
	t.Logf("%d errors, %d pages, %d results, %d datapoints", errs, pages, results, points)
	require.Greater(t, errs, 20)
	require.Greater(t, points, 3000)
}

func randomMetricStatRequest(r *rand.Rand, now time.Time, names, hosts []string, units []StandardUnit) GetMetricDataInput {
	stats := []string{"SampleCount", "Sum", "Minimum", "Maximum", "Average", "p0", "p50", "p99.9", "p100",
		"tm90", "TM(10%:90%)", "wm99", "WM(5%:95%)", "tc90", "ts90", "PR(0:50)", "PR(:10)", "IQM", "TC(:0.5)", "TS(10:)", "TM(-5:5)"}
	periods := []int{1, 5, 10, 20, 30, 60, 120, 300, 3600}
	in := GetMetricDataInput{}
	span := time.Duration(1+r.IntN(8*3600)) * time.Second
	if r.IntN(5) == 0 {
		span = time.Duration(1+r.IntN(25*24)) * time.Hour
	}
	in.EndTime = now.Add(-time.Duration(r.IntN(4*3600))*time.Second + time.Duration(r.IntN(1000))*time.Millisecond)
	in.StartTime = in.EndTime.Add(-span)
	if r.IntN(3) == 0 {
		in.StartTime = in.StartTime.Add(time.Duration(r.IntN(1000)) * time.Millisecond)
	}
	switch r.IntN(3) {
	case 0:
		in.ScanBy = ScanByTimestampAscending
	case 1:
		in.ScanBy = ScanByTimestampDescending
	}
	if r.IntN(3) == 0 {
		in.MaxDatapoints = Int32(int32(1 + r.IntN(40)))
	}
	if r.IntN(5) == 0 {
		in.LabelOptions = &LabelOptions{Timezone: "+0130"}
	}
	n := 1 + r.IntN(6)
	if r.IntN(6) == 0 {
		n = 9 + r.IntN(30) // past checkUniqueIDs' small-request loop
	}
	for i := range n {
		m := Metric{Namespace: "App", MetricName: names[r.IntN(len(names))]}
		switch r.IntN(5) {
		case 0:
			m.Dimensions = []Dimension{{Name: "Host", Value: hosts[r.IntN(len(hosts))]}}
		case 1:
			m.Dimensions = []Dimension{{Name: "Az", Value: "a"}, {Name: "Host", Value: hosts[r.IntN(len(hosts))]}}
		case 2:
			m.MetricName = "Missing" // no such series
		}
		ms := &MetricStat{Metric: m, Stat: stats[r.IntN(len(stats))], Period: periods[r.IntN(len(periods))]}
		if r.IntN(4) == 0 {
			ms.Unit = units[r.IntN(len(units))]
		}
		if r.IntN(8) == 0 {
			ms.Unit = UnitPercent
		}
		switch r.IntN(60) {
		case 0:
			ms.Stat = "bogus"
		case 1:
			ms.Period = 45
		}
		q := MetricDataQuery{Id: fmt.Sprintf("m%d", i), MetricStat: ms}
		switch r.IntN(6) {
		case 0:
			q.Label = "plain label"
		case 1:
			q.Label = "${LABEL} max ${MAX} at ${MAX_TIME} (${PROP('Dim.Host')}, ${PROP('Stat')})"
		}
		switch r.IntN(8) {
		case 0:
			q.ReturnData = Bool(false)
		case 1:
			q.ReturnData = Bool(true)
		}
		if r.IntN(80) == 0 && i > 0 {
			q.Id = fmt.Sprintf("m%d", r.IntN(i)) // a repeated Id
		}
		in.MetricDataQueries = append(in.MetricDataQueries, q)
	}
	return in
}

// TestSearchMatchesCatalogueReference checks SEARCH's in-place catalogue walk
// against the plain reference (every visible metric copied out in ListMetrics
// order, then matched): namespaces that prefix one another, metrics older
// than the two-week visibility, queries with and without a schema, and more
// matches than SEARCH returns.
func TestSearchMatchesCatalogueReference(t *testing.T) {
	c := clock.NewManual(gmdT0)
	s := New(Options{Clock: c})
	defer s.Close()
	put := func(ns string, n int, name string) {
		var data []MetricDatum
		for i := range n {
			d := MetricDatum{MetricName: name, Value: Float(1)}
			switch i % 3 {
			case 0:
				d.Dimensions = []Dimension{{Name: "Host", Value: fmt.Sprintf("web-%03d", i)}}
			case 1:
				d.Dimensions = []Dimension{{Name: "Host", Value: fmt.Sprintf("web-%03d", i)}, {Name: "Az", Value: "a"}}
			}
			data = append(data, d)
		}
		for i := 0; i < len(data); i += 1000 {
			_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: ns, MetricData: data[i:min(i+1000, len(data))]})
			require.NoError(t, err)
		}
	}
	put("Old", 20, "Errors") // invisible after the jump below
	c.Advance(15 * 24 * time.Hour)
	for _, ns := range []string{"Ap", "App", "App2", "App/Sub", "Bpp"} {
		put(ns, 700, "Errors")
		put(ns, 50, "Latency")
		put(ns, 10, "Err")
		put(ns, 10, "Errors2")
		put(ns, 10, "Errors 2")
	}
	put("Old", 3, "Fresh")
	queries := []string{
		`{App,Host} Errors`, `{App} Errors`, `{App,Az,Host}`, `{Ap,Host}`, `{App2,Host} MetricName="Latency"`,
		`Errors`, `Latency web`, `Namespace="App" OR Namespace="Old"`, `{Old} Fresh`, `{Old}`, `{Nope,Host}`,
		`{"App/Sub",Host} web-01*`, `NOT Errors`, `Host="web-003"`,
		`{App,Host} MetricName="Err"`, `{App,Host} MetricName="Errors" AND web-01*`, `{App} MetricName="Errors2"`,
		`{App,Host} web-01* AND MetricName="Errors 2"`, `{App,Host} MetricName="Errors" OR Latency`, `{App,Host} MetricName="Nope"`,
		`{App,Host} NOT MetricName="Errors"`, `{Ap} MetricName="Errors"`, `{App,Az,Host} (MetricName="Err" AND a) AND web`,
	}
	for _, qs := range queries {
		q, err := metricmath.ParseSearch(qs)
		require.NoError(t, err, qs)
		var want []string
		s.forEachMetric(func(m Metric, _ time.Time) bool {
			if q.Match(m.Namespace, m.MetricName, dimsToMath(m.Dimensions)) {
				want = append(want, metricKey(m))
			}
			return len(want) <= metricmath.MaxSearchResults
		})
		src := &mathSource{s: s, start: c.Now().Add(-time.Hour), end: c.Now()}
		series, err := src.Search(q, "Sum", 60)
		require.NoError(t, err, qs)
		var got []string
		for _, sr := range series {
			mi := sr.Metric
			m := Metric{Namespace: mi.Namespace, MetricName: mi.MetricName}
			for _, d := range mi.Dimensions {
				m.Dimensions = append(m.Dimensions, Dimension{Name: d.Name, Value: d.Value})
			}
			got = append(got, metricKey(m))
		}
		require.Equal(t, want, got, qs)
	}
}

// TestFirstFromMatchesBinarySearch checks the galloping block search against
// sort.Search on dense, sparse and empty levels, for times before, inside and
// after them (including extreme ones).
func TestFirstFromMatchesBinarySearch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		var level []block
		at := int64(1_700_000_000 - r.IntN(1000)*60)
		for range r.IntN(50) {
			level = append(level, block{start: at})
			at += 60 * int64(1+r.IntN(3)*r.IntN(2))
		}
		ts := []int64{math.MinInt64, math.MaxInt64, 0, at, at - 60, 1_700_000_000 - 2000*60}
		for range 10 {
			ts = append(ts, 1_700_000_000-int64(r.IntN(3000))*60+int64(r.IntN(3))*20)
		}
		for _, x := range ts {
			want := sort.Search(len(level), func(i int) bool { return level[i].start >= x })
			require.Equal(t, want, firstFrom(level, x), "trial %d t %d", trial, x)
		}
	}
}

// TestScanBasicMatchesScan checks the whole-block basic-statistic scan
// against the general scan and aggregation, bit for bit, over streams with
// minute, 5-minute and hour blocks (data aged through both rollups), weighted
// values, statistic sets and negative values.
func TestScanBasicMatchesScan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	c := clock.NewManual(gmdT0)
	s := New(Options{Clock: c})
	defer s.Close()
	for range 80 {
		var data []MetricDatum
		for range 1 + r.IntN(60) {
			d := MetricDatum{MetricName: "M", Timestamp: c.Now().Add(-time.Duration(r.IntN(86400)) * time.Second)}
			if r.IntN(2) == 0 {
				d.StorageResolution = 1
			}
			switch r.IntN(5) {
			case 0:
				d.Values, d.Counts = []float64{float64(r.IntN(9)), -1.5}, []float64{2, 0.5}
			case 1:
				d.StatisticValues = &StatisticSet{SampleCount: 3, Sum: 10, Minimum: -2, Maximum: 7}
			default:
				d.Value = Float(r.NormFloat64() * 100)
			}
			data = append(data, d)
		}
		_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: data})
		require.NoError(t, err)
		c.Advance(24 * time.Hour)
	}
	_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: "M", Value: Float(1)}}})
	require.NoError(t, err)
	sr := s.findSeries(&Metric{Namespace: "App", MetricName: "M"})
	require.NotNil(t, sr)
	st := sr.streams[0]
	require.True(t, len(st.h1) > 0 && len(st.m5) > 0 && len(st.raw) > 0 && st.hasHead, "every level has blocks")
	now := c.Now().Unix()
	trials := 1000
	if testing.Short() {
		trials = 100
	}
	for trial := range trials {
		p := []int64{60, 120, 300, 600, 3600, 7200, 86400}[r.IntN(7)]
		unit := []int64{60, 300, 3600}[r.IntN(3)]
		t0 := (now - int64(r.IntN(90*86400))) / unit * unit
		t1 := t0 + 1 + int64(r.IntN(20*86400))
		for kind := kSampleCount; kind <= kMaximum; kind++ {
			var want statScratch
			var a agg
			st.scan(t0, t1, p, false, &a, func(k int64, a *agg) {
				if v, ok := a.eval(stat{kind: kind}); ok {
					want.ts = append(want.ts, t0+k*p)
					want.vs = append(want.vs, v)
				}
			})
			var got statScratch
			st.scanBasic(&got, t0, t1, p, kind)
			require.Equal(t, want.ts, got.ts, "trial %d kind %d", trial, kind)
			require.Equal(t, len(want.vs), len(got.vs))
			for i := range want.vs {
				require.Equal(t, math.Float64bits(want.vs[i]), math.Float64bits(got.vs[i]), "trial %d kind %d at %d", trial, kind, want.ts[i])
			}
		}
	}
}

// TestGetMetricDataIntoReusesMemory: once its output has grown, a repeated
// alarm-style request through GetMetricDataInto allocates nothing.
func TestGetMetricDataIntoReusesMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	s, _ := gmdService(t)
	in := GetMetricDataInput{StartTime: gmdT0, EndTime: gmdT0.Add(5 * time.Minute), ScanBy: ScanByTimestampAscending,
		MetricDataQueries: []MetricDataQuery{{Id: "q0", MetricStat: gmdStat("Requests", "Average")}, {Id: "q1", MetricStat: gmdStat("Errors", "Maximum")}}}
	var out GetMetricDataOutput
	ctx := context.Background()
	require.NoError(t, s.GetMetricDataInto(ctx, in, &out))
	want, err := s.GetMetricData(ctx, in)
	require.NoError(t, err)
	require.Equal(t, want, &out)
	allocs := testing.AllocsPerRun(50, func() {
		if err := s.GetMetricDataInto(ctx, in, &out); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
	// An invalid request leaves out as it was.
	bad := in
	bad.MetricDataQueries = append([]MetricDataQuery(nil), in.MetricDataQueries...)
	bad.MetricDataQueries[1].Id = "q0"
	require.Error(t, s.GetMetricDataInto(ctx, bad, &out))
	require.Equal(t, want, &out)
}
