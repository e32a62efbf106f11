package metrics

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/clock"
)

// The benchmark workload (issue 2): 1,000 series (metric Latency, dimension
// Host), 1-second resolution, 3,600 points each, values from a seeded
// log-normal, fed in time order through PutMetricData in batches of 1,000
// datums (one second of every series per call).
//
//	go test ./metrics -run XXX -bench 'Ingest|Statistics$|P99' -cpu 1 -benchtime 3x -count 5
//
// Medians on the shared 2-core build machine, old and new code alternated in
// one run (2026-11-26, load ≈ 1.5; the machine is noisy, compare ratios within
// a run): Ingest 11.9 M points/s (best 13.7 M; before the positional series
// cache and inline validation 6.4 M), IngestUncached (every datum's series
// found by hashing) 7.6 M, IngestBaseline (a bare map-of-slices append)
// 19.4 M; 9.64 heap bytes/point; Statistics 6.8 ms (was 7.0), P99 20.7 ms (was
// 20.6); targets ≥ 10 M/s, ≤ 10 B/point, ≤ 35 ms, ≤ 45 ms.
const (
	benchSeries = 1000
	benchPoints = 3600
)

var benchStart = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func benchValues() []float64 {
	r := rand.New(rand.NewPCG(42, 7))
	vs := make([]float64, benchSeries*benchPoints)
	for i := range vs {
		vs[i] = math.Exp(3 + 0.5*r.NormFloat64())
	}
	return vs
}

// ingestWorkload feeds the workload into a new service and returns it.
func ingestWorkload(tb testing.TB, vals []float64) *Service {
	return ingestWorkloadRotated(tb, vals, false)
}

// ingestWorkloadRotated is ingestWorkload; with rotate, every call lists the
// series starting one further along, so that no datum is where it was in the
// previous call (PutMetricData's positional series cache always misses).
func ingestWorkloadRotated(tb testing.TB, vals []float64, rotate bool) *Service {
	c := clock.NewManual(benchStart.Add(benchPoints * time.Second))
	s := New(Options{Clock: c})
	ctx := context.Background()
	data := make([]MetricDatum, benchSeries)
	dims := make([][]Dimension, benchSeries)
	for j := range data {
		dims[j] = []Dimension{{Name: "Host", Value: fmt.Sprintf("host-%04d", j)}}
		data[j] = MetricDatum{MetricName: "Latency", Dimensions: dims[j], Unit: UnitMilliseconds, StorageResolution: 1}
	}
	in := PutMetricDataInput{Namespace: "Bench", MetricData: data}
	for t := 0; t < benchPoints; t++ {
		ts := benchStart.Add(time.Duration(t) * time.Second)
		row := vals[t*benchSeries : (t+1)*benchSeries]
		for j := range data {
			k := j
			if rotate {
				k = (j + t) % benchSeries
				data[j].Dimensions = dims[k]
			}
			data[j].Timestamp = ts
			data[j].Value = &row[k]
		}
		if _, err := s.PutMetricData(ctx, in); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkIngest measures PutMetricData throughput on the workload and the
// heap the stored data takes (bytes per datapoint, after GC).
func BenchmarkIngest(b *testing.B) {
	vals := benchValues()
	var bytesPer float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		before := heapAlloc()
		b.StartTimer()
		s := ingestWorkload(b, vals)
		b.StopTimer()
		bytesPer = float64(heapAlloc()-before) / (benchSeries * benchPoints)
		runtime.KeepAlive(s)
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N)*benchSeries*benchPoints/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(bytesPer, "heapB/point")
}

// BenchmarkIngestUncached is BenchmarkIngest with the batch order rotated
// every call: each datum's series is found by hashing its identity (the cost
// for producers that do not send their metrics in a stable order).
func BenchmarkIngestUncached(b *testing.B) {
	vals := benchValues()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := ingestWorkloadRotated(b, vals, true)
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N)*benchSeries*benchPoints/b.Elapsed().Seconds(), "points/s")
}

var (
	benchOnce sync.Once
	benchSvc  *Service
)

func benchService(b *testing.B) *Service {
	benchOnce.Do(func() { benchSvc = ingestWorkload(b, benchValues()) })
	return benchSvc
}

func benchQuery(b *testing.B, in GetMetricStatisticsInput) {
	s := benchService(b)
	ctx := context.Background()
	in.Namespace, in.MetricName = "Bench", "Latency"
	in.StartTime, in.EndTime, in.Period = benchStart, benchStart.Add(benchPoints*time.Second), 60
	dims := make([][]Dimension, benchSeries)
	for j := range dims {
		dims[j] = []Dimension{{Name: "Host", Value: fmt.Sprintf("host-%04d", j)}}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < benchSeries; j++ {
			in.Dimensions = dims[j]
			out, err := s.GetMetricStatistics(ctx, in)
			if err != nil || len(out.Datapoints) != 60 {
				b.Fatal(err, len(out.Datapoints))
			}
		}
	}
}

// BenchmarkStatistics: all 1,000 series, the hour, 60-s periods, the five
// basic statistics (one op = 1,000 GetMetricStatistics calls).
func BenchmarkStatistics(b *testing.B) {
	benchQuery(b, GetMetricStatisticsInput{Statistics: []Statistic{StatSampleCount, StatAverage, StatSum, StatMinimum, StatMaximum}})
}

// BenchmarkP99: p99 per 60-s period for all 1,000 series.
func BenchmarkP99(b *testing.B) {
	benchQuery(b, GetMetricStatisticsInput{ExtendedStatistics: []string{"p99"}})
}

// BenchmarkIngestBaseline is a yardstick for the noisy shared machine: the
// same workload appended to a map of plain slices with no validation,
// aggregation or locking. Compare BenchmarkIngest with it within one run.
func BenchmarkIngestBaseline(b *testing.B) {
	vals := benchValues()
	hosts := make([]string, benchSeries)
	for j := range hosts {
		hosts[j] = fmt.Sprintf("host-%04d", j)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := make(map[string][]float64, benchSeries)
		for t := 0; t < benchPoints; t++ {
			row := vals[t*benchSeries : (t+1)*benchSeries]
			for j, h := range hosts {
				m[h] = append(m[h], row[j])
			}
		}
		runtime.KeepAlive(m)
	}
	b.ReportMetric(float64(b.N)*benchSeries*benchPoints/b.Elapsed().Seconds(), "points/s")
}
