package metrics

import (
	"slices"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/metricmath"
)

// The MetricStat fast path of GetMetricData.
//
// A request made only of MetricStat queries — what an alarm sends, one or a
// batch of single-metric queries over a short range — needs no metric math:
// each returned query is its metric's statistic series. metricStatData answers
// it without compiling a program or building intermediate series: it looks
// every series up by identity hash under one read lock, aggregates only the
// blocks of the range into one reusable buffer, and hands out the results in
// two allocations (all timestamps, all values) plus the result slice. Its
// output is identical to the general path's (a property test compares them).

// onlyMetricStats reports whether every query of in is a MetricStat query.
func onlyMetricStats(in *GetMetricDataInput) bool {
	for i := range in.MetricDataQueries {
		if in.MetricDataQueries[i].MetricStat == nil {
			return false
		}
	}
	return true
}

// gmdScratch is the reusable working memory of metricStatData.
type gmdScratch struct {
	statScratch
	spans []gmdSpan
	idSet []int32 // checkUniqueIDs: query index + 1 by Id hash; 0 empty
	// hashSet: sharedMetric's open-addressing set of identity hashes (| 1).
	hashSet []uint64
}

// gmdSpan locates one returned query's datapoints in the scratch buffers.
type gmdSpan struct {
	q, off, n int
	units     []StandardUnit // several units had data: MultipleUnits
	hash      uint64         // identity hash of the query's metric
}

var gmdScratchPool = sync.Pool{New: func() any { return new(gmdScratch) }}

// dupIDError is the error metric math gives for a repeated query Id.
func dupIDError(id string) error {
	return awserr.New("ValidationError", "The value %s for field Id is not unique: Ids must be unique within a request.", id)
}

// checkUniqueIDs returns the error for the first query whose Id repeats an
// earlier one, as metricmath.Compile does. Larger requests use a small
// open-addressing set of query indexes keyed by the Id's hash.
func checkUniqueIDs(qs []MetricDataQuery, sc *gmdScratch) error {
	if len(qs) <= 8 {
		for i := 1; i < len(qs); i++ {
			for j := 0; j < i; j++ {
				if qs[i].Id == qs[j].Id {
					return dupIDError(qs[i].Id)
				}
			}
		}
		return nil
	}
	size := 16
	for size < 2*len(qs) {
		size *= 2
	}
	if cap(sc.idSet) < size {
		sc.idSet = make([]int32, size)
	}
	set := sc.idSet[:size]
	clear(set)
	mask := uint64(size - 1)
	for i := range qs {
		id := qs[i].Id
		h, _ := strHash(id)
		for k := h & mask; ; k = (k + 1) & mask {
			j := set[k] - 1
			if j < 0 {
				set[k] = int32(i + 1)
				break
			}
			if qs[j].Id == id {
				return dupIDError(id)
			}
		}
	}
	return nil
}

// metricStatData answers a validated request of MetricStat queries only.
// With into, the answer is written there, reusing its memory.
func (s *Service) metricStatData(in *GetMetricDataInput, offset, maxPoints int, into *GetMetricDataOutput) (*GetMetricDataOutput, error) {
	sc := gmdScratchPool.Get().(*gmdScratch)
	defer gmdScratchPool.Put(sc)
	if err := checkUniqueIDs(in.MetricDataQueries, sc); err != nil {
		return nil, err
	}
	sc.ts, sc.vs, sc.spans = sc.ts[:0], sc.vs[:0], sc.spans[:0]
	now := s.op.Clock.Now()
	t1 := endSeconds(in.EndTime)
	lastPeriod, serves, t0 := 0, false, int64(0)
	func() {
		s.mu.RLock()
		defer s.mu.RUnlock()
		for i := range in.MetricDataQueries {
			q := &in.MetricDataQueries[i]
			if !returnsData(q) {
				continue // no error is possible: the request is validated
			}
			ms := q.MetricStat
			off := len(sc.vs)
			if ms.Period != lastPeriod {
				// Requests usually share one period: align once per period.
				lastPeriod = ms.Period
				serves = periodServes(ms.Period, in.StartTime, now)
				t0 = alignStart(in.StartTime, ms.Period, now)
			}
			sc.units = sc.units[:0]
			if serves {
				st, ok := parseBasic(ms.Stat)
				if !ok {
					st, _ = parseExtended(ms.Stat)
				}
				s.appendStat(&sc.statScratch, &ms.Metric, ms.Unit, st, t0, t1, int64(ms.Period))
			} else {
				sc.hash = identityHash(&ms.Metric)
			}
			var units []StandardUnit
			if len(sc.units) > 0 {
				units = slices.Clone(sc.units)
			}
			sc.spans = append(sc.spans, gmdSpan{i, off, len(sc.vs) - off, units, sc.hash})
		}
	}()
	// Drop references into blocks held by the aggregation buffer.
	clear(sc.a.parts[:cap(sc.a.parts)])
	sc.a.parts = sc.a.parts[:0]

	var times []time.Time
	var values []float64
	var results []MetricDataResult
	if into == nil {
		total := len(sc.vs)
		times = make([]time.Time, total)
		values = make([]float64, total)
		if len(sc.spans) > 0 {
			results = make([]MetricDataResult, len(sc.spans))
		}
	} else {
		// Reuse the results and their series: result r keeps the buffers it
		// had in the previous answer written to into.
		results = into.MetricDataResults[:cap(into.MetricDataResults)]
		if n := len(sc.spans); len(results) < n {
			results = append(results, make([]MetricDataResult, n-len(results))...)
		}
		results = results[:len(sc.spans)]
	}
	descending := in.ScanBy != ScanByTimestampAscending
	var autos []string
	if sharedMetric(sc) {
		autos = statLabels(in.MetricDataQueries) // rare: allocates
	}
	var lc *metricmath.LabelContext
	for r, sp := range sc.spans {
		q := &in.MetricDataQueries[sp.q]
		end := sp.off + sp.n
		res := &results[r]
		var ts []time.Time
		var vs []float64
		if into == nil {
			ts, vs = times[sp.off:end:end], values[sp.off:end:end]
		} else {
			ts, vs = reuseSlice(res.Timestamps, sp.n), reuseSlice(res.Values, sp.n)
			res.Messages = nil
		}
		src := sc.vs[sp.off:end]
		srcT := sc.ts[sp.off:end]
		if descending {
			for j := range src {
				k := sp.n - 1 - j
				ts[k] = time.Unix(srcT[j], 0).UTC()
				vs[k] = src[j]
			}
		} else {
			unixTimes(ts, srcT)
			copy(vs, src)
		}
		res.Id, res.Timestamps, res.Values, res.StatusCode = q.Id, ts, vs, StatusComplete
		if len(sp.units) > 0 {
			res.Messages = []MessageData{multipleUnitsMessage(sp.units)}
		}
		switch {
		case q.Label == "" && autoLabel(autos, sp.q) != "":
			res.Label = autos[sp.q]
		case q.Label == "":
			res.Label = q.MetricStat.Metric.MetricName
		case metricmath.HasDynamic(q.Label):
			if lc == nil {
				lc = &metricmath.LabelContext{Now: now, Location: time.UTC, Region: s.op.Region, AccountID: s.op.AccountID}
				if in.LabelOptions != nil {
					lc.Location, _ = metricmath.ParseTimezone(in.LabelOptions.Timezone)
				}
			}
			ser := s.mathSeries(*q.MetricStat, q.MetricStat.Metric.MetricName, srcT, src)
			res.Label = resultLabel(q, metricmath.KindSeries, &ser, *lc, autoLabel(autos, sp.q))
		default:
			res.Label = q.Label
		}
	}
	if into == nil {
		into = new(GetMetricDataOutput)
	}
	paginateInto(into, results, offset, maxPoints, in)
	return into, nil
}

// sharedMetric reports whether two returned queries may name the same metric
// (equal identity hashes), without allocating once the scratch has grown: the
// common request, every query on its own metric, then needs no labels work.
func sharedMetric(sc *gmdScratch) bool {
	n := len(sc.spans)
	if n < 2 {
		return false
	}
	size := 16
	for size < 2*n {
		size *= 2
	}
	if cap(sc.hashSet) < size {
		sc.hashSet = make([]uint64, size)
	}
	set := sc.hashSet[:size]
	clear(set)
	mask := uint64(size - 1)
	for i := range sc.spans {
		h := sc.spans[i].hash | 1 // 0 marks an empty slot
		for k := h & mask; ; k = (k + 1) & mask {
			switch set[k] {
			case 0:
				set[k] = h
			case h:
				return true
			default:
				continue
			}
			break
		}
	}
	return false
}

// reuseSlice returns buf resized to n (non-nil), reallocated only when its
// capacity is short.
func reuseSlice[T any](buf []T, n int) []T {
	if cap(buf) < n || buf == nil {
		return make([]T, n)
	}
	return buf[:n]
}

// unixTimes sets ts[j] to Unix second src[j] in UTC; ts is at least as long
// as src. (One loop without bounds checks: it runs for every datapoint a
// MetricStat query returns.)
func unixTimes(ts []time.Time, src []int64) {
	ts = ts[:len(src)]
	for j, t := range src {
		ts[j] = time.Unix(t, 0).UTC()
	}
}
