package alarms

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/metrics"
)

// benchSource is a fast in-memory metric store for the benchmark: one series
// per period length covering two days, laid out as contiguous timestamps and
// values with a prefix index per slot, so a query is two index lookups and
// returns subslices (no copying, no allocation). Values step every wave
// minutes between 0 and 90; every 17th minute is missing.
type benchSource struct {
	wave   int64
	origin time.Time
	series map[int]*benchSeries // by period in seconds
	out    metrics.GetMetricDataOutput
}

type benchSeries struct {
	ts    []time.Time
	vs    []float64
	sc    []float64
	index []int // index[k]: number of datapoints before slot k
}

func newBenchSource(origin time.Time, wave int64) *benchSource {
	f := &benchSource{wave: wave, origin: origin.Add(-24 * time.Hour), series: map[int]*benchSeries{}}
	for _, period := range []int{60, 300} {
		p := time.Duration(period) * time.Second
		sr := &benchSeries{}
		slots := int(72 * time.Hour / p)
		for k := 0; k <= slots; k++ {
			sr.index = append(sr.index, len(sr.ts))
			ts := f.origin.Add(time.Duration(k) * p)
			minute := ts.Unix() / 60
			if minute%17 == 3 {
				continue
			}
			sr.ts = append(sr.ts, ts)
			sr.vs = append(sr.vs, float64((minute/wave)%10)*10)
			sr.sc = append(sr.sc, 60)
		}
		f.series[period] = sr
	}
	return f
}

func (f *benchSource) GetMetricData(_ context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
	if cap(f.out.MetricDataResults) < len(in.MetricDataQueries) {
		f.out.MetricDataResults = make([]metrics.MetricDataResult, len(in.MetricDataQueries))
	}
	f.out.MetricDataResults = f.out.MetricDataResults[:len(in.MetricDataQueries)]
	for qi, q := range in.MetricDataQueries {
		period := q.MetricStat.Period
		sr := f.series[period]
		p := int64(period)
		a := int((in.StartTime.Unix() - f.origin.Unix()) / p)
		b := int((in.EndTime.Unix() - f.origin.Unix()) / p)
		lo, hi := sr.index[a], sr.index[b]
		r := &f.out.MetricDataResults[qi]
		r.Id = q.Id
		r.Timestamps = sr.ts[lo:hi]
		r.Values = sr.vs[lo:hi]
		if q.Id == "sc" {
			r.Values = sr.sc[lo:hi]
		}
	}
	return &f.out, nil
}

// BenchmarkSimulatedDay1000Alarms moves a manual clock across one day with
// 1,000 alarms (minute cadence, periods of 1 and 5 minutes, M of N up to 5)
// evaluated against an in-memory source. Target: ≤ 1 s per simulated day on
// one core. ns/op is the cost of one simulated day.
func BenchmarkSimulatedDay1000Alarms(b *testing.B) {
	b.Run("values change every 3h", func(b *testing.B) { benchDay(b, 180) })
	b.Run("values change every 30m", func(b *testing.B) { benchDay(b, 30) })
}

func benchDay(b *testing.B, wave int64) {
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	transitions := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		clk := clock.NewManual(start)
		bs := &bus.Bus{}
		n := 0
		bus.Subscribe(bs, "count", func(_ context.Context, _ StateChange) error { n++; return nil })
		svc := New(Options{Clock: clk, Bus: bs, IDs: ids.New(1), Metrics: newBenchSource(start, wave)})
		for a := range 1000 {
			def := PutMetricAlarmInput{
				AlarmName: fmt.Sprintf("alarm-%04d", a), Namespace: "Bench", MetricName: fmt.Sprintf("m%d", a%50),
				Statistic: metrics.StatAverage, Period: 60 * (1 + 4*(a%2)), EvaluationPeriods: 1 + a%5,
				Threshold: f64(float64(10 * (a % 9))), ComparisonOperator: GreaterThanThreshold,
				TreatMissingData: []TreatMissingData{TreatMissing, TreatBreaching, TreatNotBreaching, TreatIgnore}[a%4],
				AlarmActions:     []string{topic},
			}
			def.DatapointsToAlarm = 1 + a%def.EvaluationPeriods
			if _, err := svc.PutMetricAlarm(context.Background(), def); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		clk.Advance(24 * time.Hour)
		b.StopTimer()
		transitions = n
		svc.Close()
	}
	b.ReportMetric(float64(transitions), "transitions/day")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1440/1000, "ns/alarm-eval")
}

// BenchmarkEvaluate measures the pure evaluator with text (what tools call).
func BenchmarkEvaluate(b *testing.B) {
	def := tableAlarm(2, 3, TreatMissing)
	dps := series("0 X X - X", evalTime, 5*time.Minute)
	for b.Loop() {
		mustEvaluate(b, def, EvaluationInput{Time: evalTime, Previous: StateOK, Datapoints: dps})
	}
}

// BenchmarkEvaluateNoChange measures the scheduler's fast path: no transition,
// so no StateReason text is built.
func BenchmarkEvaluateNoChange(b *testing.B) {
	def := tableAlarm(2, 3, TreatMissing)
	c := compile(&def)
	var sc scratch
	dps := series("0 X X - X", evalTime, 5*time.Minute)
	for b.Loop() {
		c.evaluate(&sc, evalTime, StateAlarm, dps, false)
	}
}
