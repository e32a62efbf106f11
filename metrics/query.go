package metrics

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// Retention boundaries by age (CloudWatch "Metrics retention").
const (
	subMinuteRetention = 3 * time.Hour
	minuteRetention    = 15 * 24 * time.Hour
	fiveMinRetention   = 63 * 24 * time.Hour
	hourRetention      = 455 * 24 * time.Hour
)

// MaxDatapoints is the number of datapoints one GetMetricStatistics call may
// return.
const MaxDatapoints = 1440

// validatePeriod applies the period rule of GetMetricStatistics and
// MetricStat: 1, 5, 10, 20, 30 or a multiple of 60 seconds (MetricStat lists
// 20; we accept it in both). The age rules are not errors: see periodServes.
func validatePeriod(field string, period int, start, now time.Time) error {
	if period == 0 {
		return awserr.Missing(field)
	}
	valid := period >= 60 && period%60 == 0
	switch period {
	case 1, 5, 10, 20, 30:
		valid = true
	}
	if !valid {
		return awserr.InvalidValue(field, period, "the period must be 1, 5, 10, 20, 30 or a multiple of 60")
	}
	return nil
}

// periodServes applies the age rules: when StartTime is more than 3 hours ago
// the period must be a multiple of 60, more than 15 days ago of 300, more than
// 63 days ago of 3600 — "or no data points in that time range is returned"
// (CloudWatch API Reference): the request succeeds with no data.
func periodServes(period int, start, now time.Time) bool {
	age := now.Sub(start)
	switch {
	case age > fiveMinRetention:
		return period%3600 == 0
	case age > minuteRetention:
		return period%300 == 0
	case age > subMinuteRetention:
		return period%60 == 0
	}
	return true
}

// alignStart rounds StartTime down as GetMetricStatistics does: periods of 5,
// 10 or 30 seconds to that division of the minute, period 1 to the second;
// otherwise to the minute when StartTime is less than 15 days ago, to 5 minutes
// when 15–63 days ago, to the hour beyond.
func alignStart(start time.Time, period int, now time.Time) int64 {
	t := unixSeconds(start)
	var unit int64
	switch {
	case period < 60:
		unit = int64(period)
	case now.Sub(start) > fiveMinRetention:
		unit = 3600
	case now.Sub(start) > minuteRetention:
		unit = 300
	default:
		unit = 60
	}
	return floorDiv(t, unit) * unit
}

// endSeconds is EndTime in whole seconds, rounded up (EndTime is exclusive).
func endSeconds(end time.Time) int64 {
	t := unixSeconds(end)
	if end.Nanosecond() != 0 && t < maxUnix {
		t++
	}
	return t
}

// The timestamps AWS's APIs take are ISO 8601 dates with four-digit years:
// query times outside years 0001–9999 are clamped to that range, so the
// arithmetic on them in Unix seconds cannot overflow (time.UnixNano does
// beyond 2262, which once made GetMetricStatistics compute a negative
// datapoint count and panic while holding the service's lock).
const (
	minUnix = -62135596800 // 0001-01-01T00:00:00Z
	maxUnix = 253402300799 // 9999-12-31T23:59:59Z
)

// unixSeconds is t in Unix seconds (rounded down), clamped to [minUnix,
// maxUnix].
func unixSeconds(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(minUnix, 0)):
		return minUnix
	case t.After(time.Unix(maxUnix, 0)):
		return maxUnix
	}
	return t.Unix()
}

// scan aggregates the stream's data in [start, end) by periods of length
// period starting at start, calling emit for each period with data, in
// ascending order. needDist asks for the distribution (extended statistics).
// The caller holds s.mu (read).
func (st *stream) scan(start, end, period int64, needDist bool, a *agg, emit func(k int64, a *agg)) {
	cur := int64(-1)
	flush := func(k int64) {
		if cur >= 0 && k != cur {
			if a.count > 0 {
				emit(cur, a)
			}
			a.reset()
		}
		cur = k
	}
	a.reset()
	for _, level := range st.levels() {
		i := firstFrom(level, start)
		if i > 0 && period < 60 && level[i-1].start+60 > start {
			i-- // a minute block straddling a sub-minute start
		}
		for ; i < len(level) && level[i].start < end; i++ {
			b := &level[i]
			if period >= 60 || b.minuteOnly() {
				if b.start < start {
					continue
				}
				flush((b.start - start) / period)
				b.whole(a, needDist)
				continue
			}
			for s0 := int64(0); s0 < 60; s0 += period {
				t := b.start + s0
				if t < start || t >= end {
					continue
				}
				flush((t - start) / period)
				b.part(a, int(s0), int(s0+period), needDist)
			}
		}
	}
	flush(-2)
}

// firstFrom returns the index of the first block of level starting at or
// after t (len(level) if none). Queries mostly read the newest data, so it
// gallops back from the end before bisecting: O(log d) for a block d from the
// end.
func firstFrom(level []block, t int64) int {
	n := len(level)
	if n == 0 || level[n-1].start < t {
		return n
	}
	// Minute data is usually one block a minute: guess the index from the
	// distance to the newest block.
	if d := (level[n-1].start - t) / 60; d >= 0 && d < int64(n) {
		if g := n - 1 - int(d); level[g].start >= t && (g == 0 || level[g-1].start < t) {
			return g
		}
	}
	hi, step := n-1, 1 // level[hi].start >= t
	lo := hi - step
	for lo >= 0 && level[lo].start >= t {
		hi = lo
		step *= 2
		lo = hi - step
	}
	lo = max(lo, -1) // level[lo].start < t, or lo = -1
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if level[m].start >= t {
			hi = m
		} else {
			lo = m
		}
	}
	return hi
}

// scanBasic is scan for a basic statistic over periods of at least a
// minute: it sums whole blocks into the period's summary in place, with the
// same arithmetic in the same order as scan and agg, and appends each
// period's statistic to sc.
func (st *stream) scanBasic(sc *statScratch, t0, t1, p int64, kind statKind) {
	cur := int64(-1)
	have := false // the period has data (count > 0)
	var count, sum, mn, mx float64
	emit := func() {
		if have {
			v := mx
			switch kind {
			case kSampleCount:
				v = count
			case kAverage:
				v = sum / count
			case kSum:
				v = sum
			case kMinimum:
				v = mn
			}
			sc.ts = append(sc.ts, t0+cur*p)
			sc.vs = append(sc.vs, v)
		}
		have, count, sum, mn, mx = false, 0, 0, 0, 0
	}
	next := t0 // end of period cur; blocks start at or after t0
	for l := range 4 {
		var level []block
		switch l {
		case 0:
			level = st.h1
		case 1:
			level = st.m5
		case 2:
			level = st.raw
		default:
			if st.hasHead {
				level = st.head[:]
			}
		}
		if len(level) == 0 {
			continue
		}
		blocks := level[firstFrom(level, t0):]
		for i := range blocks {
			b := &blocks[i]
			if b.start >= t1 {
				break
			}
			if b.start >= next {
				if cur >= 0 {
					emit()
				}
				if b.start < next+p {
					cur++ // the next period: no division
				} else {
					cur = (b.start - t0) / p
				}
				next = t0 + (cur+1)*p
			}
			var c float64
			if b.x == nil {
				n := len(b.vals)
				if n == 0 {
					continue
				}
				c = float64(n)
			} else if c = b.x.count; c <= 0 {
				continue
			}
			if !have {
				mn, mx, have = b.min, b.max, true
			} else {
				mn = min(mn, b.min)
				mx = max(mx, b.max)
			}
			count += c
			sum += b.sum
		}
	}
	if cur >= 0 {
		emit()
	}
}

// whole adds the whole block to a.
func (b *block) whole(a *agg, needDist bool) {
	a.addSummary(b.count(), b.sum, b.min, b.max)
	if !needDist {
		return
	}
	x := b.x
	if x == nil {
		if len(b.vals) > 0 {
			if a.wts != nil {
				a.materialize()
				a.vals = append(a.vals, b.vals...)
				for range b.vals {
					a.wts = append(a.wts, 1)
				}
				return
			}
			a.parts = append(a.parts, b.vals)
		}
		return
	}
	if x.noPct {
		a.noPct = true
		return
	}
	if x.sk != nil {
		a.addSketch(x.sk)
	}
	for i, v := range b.vals {
		w := 1.0
		if x.weights != nil {
			w = x.weights[i]
		}
		a.addValue(v, w)
	}
}

// part adds the block's data at seconds [lo, hi) to a.
func (b *block) part(a *agg, lo, hi int, needDist bool) {
	if lo == 0 && hi >= 60 {
		b.whole(a, needDist)
		return
	}
	if b.minuteOnly() {
		if lo == 0 {
			b.whole(a, needDist)
		}
		return
	}
	x := b.x
	if x == nil {
		// Values are in second order, one per set bit: the values of seconds
		// [lo, hi) are contiguous, starting after the set bits below lo.
		occ := b.occ & secMask
		below := uint64(1)<<lo - 1
		i := bits.OnesCount64(occ & below)
		n := bits.OnesCount64(occ & (uint64(1)<<hi - 1) &^ below)
		for _, v := range b.vals[i : i+n] {
			a.addSummary(1, v, v, v)
			if needDist {
				a.addValue(v, 1)
			}
		}
		return
	}
	for i, v := range b.vals {
		s := int(x.secs[i])
		if s < lo || s >= hi {
			continue
		}
		w := 1.0
		if x.weights != nil {
			w = x.weights[i]
		}
		a.addSummary(w, v*w, v, v)
		if needDist {
			a.addValue(v, w)
		}
	}
	for _, c := range x.sets {
		if int(c.sec) >= lo && int(c.sec) < hi {
			a.addSummary(c.count, c.sum, c.min, c.max)
			a.noPct = true
		}
	}
}

// merge adds o into a.
func (a *agg) merge(o *agg) {
	o.materialize()
	a.addSummary(o.count, o.sum, o.min, o.max)
	a.noPct = a.noPct || o.noPct
	if o.sk != nil {
		a.addSketch(o.sk)
	}
	for i, v := range o.vals {
		w := 1.0
		if o.wts != nil {
			w = o.wts[i]
		}
		a.addValue(v, w)
	}
}

func (a *agg) clone() *agg {
	c := &agg{}
	c.merge(a)
	return c
}

// findSeries returns the series of m, or nil. The caller holds s.mu.
func (s *Service) findSeries(m *Metric) *series {
	return s.lookup(identityHash(m), m.Namespace, m.MetricName, m.Dimensions)
}

// identityHash is the series-index hash of a metric (dimension order does not
// matter).
func identityHash(m *Metric) uint64 {
	nsHash, _ := strHash(m.Namespace)
	h, _ := metricHash(nsHash, m.MetricName, m.Dimensions, nil)
	return h
}

func validateMetric(prefix string, m *Metric) error {
	if err := validateNamespace(prefix+"Namespace", m.Namespace, true); err != nil {
		return err
	}
	if err := validateMetricName(prefix+"MetricName", m.MetricName); err != nil {
		return err
	}
	return validateDimensions(fieldRef{prefix + "Dimensions", -1}, m.Dimensions)
}

// statSeries returns, for one MetricStat, the period-start timestamps
// (ascending) of every period in [start, end) that has data, and the requested
// statistic (basic or extended, e.g. "Average", "p99", "TM(10%:90%)") for
// each. It validates Stat and Period like GetMetricStatistics (awserr errors)
// but has no 1,440 limit. start is aligned as GetMetricStatistics aligns
// StartTime. Without a Unit, a metric with data in several units answers one
// unit's data (as GetMetricData does, see unitPreference); periods whose
// statistic is unavailable (e.g. a percentile of data with negative values)
// are left out.
func (s *Service) statSeries(ms MetricStat, start, end time.Time) (timestamps []time.Time, values []float64, err error) {
	st, err := s.checkStat(&ms, start, end)
	if err != nil {
		return nil, nil, err
	}
	ts, values, _ := s.statData(&ms, st, start, end, s.op.Clock.Now())
	if len(values) == 0 {
		return nil, nil, nil
	}
	timestamps = make([]time.Time, len(ts))
	for i, t := range ts {
		timestamps[i] = time.Unix(t, 0).UTC()
	}
	return timestamps, values, nil
}

// checkStat validates a MetricStat for statSeries and returns its parsed
// statistic.
func (s *Service) checkStat(ms *MetricStat, start, end time.Time) (stat, error) {
	if !plainMetric(&ms.Metric) {
		if err := validateMetric("MetricStat.Metric.", &ms.Metric); err != nil {
			return stat{}, err
		}
	}
	if ms.Stat == "" {
		return stat{}, awserr.Missing("MetricStat.Stat")
	}
	st, err := parseStat(ms.Stat)
	if err != nil {
		return stat{}, awserr.InvalidValue("MetricStat.Stat", quote(ms.Stat), "not a valid statistic")
	}
	if !validUnit(ms.Unit) {
		return stat{}, awserr.InvalidValue("MetricStat.Unit", quote(string(ms.Unit)), "not a CloudWatch standard unit")
	}
	if err := validatePeriod("MetricStat.Period", ms.Period, start, s.op.Clock.Now()); err != nil {
		return stat{}, err
	}
	if !start.Before(end) {
		return stat{}, errStartAfterEnd()
	}
	return st, nil
}

var statScratchPool = sync.Pool{New: func() any { return new(statScratch) }}

// statData is statSeries' data for a validated MetricStat with statistic
// st: period start times (Unix seconds) and values, in slices of their exact
// length (nil when there is no data).
func (s *Service) statData(ms *MetricStat, st stat, start, end, now time.Time) (ts []int64, values []float64, units []StandardUnit) {
	if !periodServes(ms.Period, start, now) {
		return nil, nil, nil
	}
	sc := statScratchPool.Get().(*statScratch)
	sc.ts, sc.vs = sc.ts[:0], sc.vs[:0]
	s.appendStatRLocked(sc, &ms.Metric, ms.Unit, st, alignStart(start, ms.Period, now), endSeconds(end), int64(ms.Period))
	if len(sc.vs) > 0 {
		ts, values = slices.Clone(sc.ts), slices.Clone(sc.vs)
	}
	if len(sc.units) > 0 {
		units = slices.Clone(sc.units)
	}
	clear(sc.a.parts[:cap(sc.a.parts)]) // references into blocks
	sc.a.parts = sc.a.parts[:0]
	statScratchPool.Put(sc)
	return ts, values, units
}

// statScratch collects the statistic series of MetricStat queries: period
// start times (Unix seconds) and values, appended query after query.
type statScratch struct {
	ts []int64
	vs []float64
	a  agg
	// units lists, sorted, the units of the metric that had data when the
	// last appendStat had no unit and found several (empty otherwise).
	units []StandardUnit
	// hash is the identity hash of the last appendStat's metric.
	hash uint64
}

// appendStatRLocked is appendStat under the read lock, released by defer
// so that nothing can leave it held.
func (s *Service) appendStatRLocked(sc *statScratch, m *Metric, unit StandardUnit, st stat, t0, t1, p int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.appendStat(sc, m, unit, st, t0, t1, p)
}

// appendStat appends to sc the periods of [t0, t1) (t0 aligned, length p)
// that have data in the series of m, with statistic st of each, in ascending
// order. With a unit, only data published with that unit counts. Periods
// whose statistic is unavailable are left out. The caller holds s.mu (read).
func (s *Service) appendStat(sc *statScratch, m *Metric, unit StandardUnit, st stat, t0, t1, p int64) {
	sc.units = sc.units[:0]
	sc.hash = identityHash(m)
	sr := s.lookup(sc.hash, m.Namespace, m.MetricName, m.Dimensions)
	if sr == nil {
		return
	}
	need := st.extended()
	if len(sr.streams) == 1 {
		x := sr.streams[0]
		if unit != "" && x.unit != unitOf(unit) {
			return
		}
		if !need && p >= 60 {
			x.scanBasic(sc, t0, t1, p, st.kind)
			return
		}
		x.scan(t0, t1, p, need, &sc.a, func(k int64, a *agg) {
			if v, ok := a.eval(st); ok {
				sc.ts = append(sc.ts, t0+k*p)
				sc.vs = append(sc.vs, v)
			}
		})
		return
	}
	var streams []*stream
	for _, x := range sr.streams {
		if unit == "" || x.unit == unitOf(unit) {
			streams = append(streams, x)
		}
	}
	if unit == "" && len(streams) > 1 {
		streams = pickUnit(sc, streams, t0, t1)
	}
	emit := func(k int64, a *agg) {
		if v, ok := a.eval(st); ok {
			sc.ts = append(sc.ts, t0+k*p)
			sc.vs = append(sc.vs, v)
		}
	}
	switch len(streams) {
	case 0:
	case 1:
		streams[0].scan(t0, t1, p, need, &sc.a, emit)
	default:
		byPeriod := map[int64]*agg{}
		var keys []int64
		for _, x := range streams {
			x.scan(t0, t1, p, need, &sc.a, func(k int64, a *agg) {
				if m := byPeriod[k]; m != nil {
					m.merge(a)
					return
				}
				byPeriod[k] = a.clone()
				keys = append(keys, k)
			})
		}
		slices.Sort(keys)
		for _, k := range keys {
			emit(k, byPeriod[k])
		}
	}
}

// GetMetricStatistics returns statistics of one metric (namespace, name and
// exactly its dimensions) for each period in [StartTime, EndTime) that has
// data. Ask for Statistics or ExtendedStatistics, not both. Without a Unit,
// data published with different units comes back as separate datapoints, each
// with its Unit.
//
// Unlike AWS, Datapoints are sorted by Timestamp ascending (then by unit, in
// the order the units were first published).
func (s *Service) GetMetricStatistics(ctx context.Context, in GetMetricStatisticsInput) (*GetMetricStatisticsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetMetricStatistics", ReadOnly: true, Data: true}, in, s.getMetricStatistics)
}

func (s *Service) getMetricStatistics(ctx context.Context, c *event.Call, in GetMetricStatisticsInput) (*GetMetricStatisticsOutput, error) {
	if s.op.Rec.Records(ctx) {
		// The Input is larger than what a closure captures by value, and the
		// core takes its address: capture its members instead, so that the
		// record costs one allocation (the closure) and only when recorded.
		ns, name, dims, unit := in.Namespace, in.MetricName, in.Dimensions, in.Unit
		start, end, period, stats, ext := in.StartTime, in.EndTime, in.Period, in.Statistics, in.ExtendedStatistics
		dataCall(c, func() any {
			return statsParams(GetMetricStatisticsInput{Namespace: ns, MetricName: name, Dimensions: dims, StartTime: start, EndTime: end,
				Period: period, Statistics: stats, ExtendedStatistics: ext, Unit: unit})
		})
	}
	m := Metric{Namespace: in.Namespace, MetricName: in.MetricName, Dimensions: in.Dimensions}
	if err := validateMetric("", &m); err != nil {
		return nil, err
	}
	if in.StartTime.IsZero() {
		return nil, awserr.Missing("StartTime")
	}
	if in.EndTime.IsZero() {
		return nil, awserr.Missing("EndTime")
	}
	if !in.StartTime.Before(in.EndTime) {
		return nil, errStartAfterEnd()
	}
	if len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0 {
		// moto's text, as AWS answers (no final period).
		return nil, awserr.Combination("Must specify either Statistics or ExtendedStatistics")
	}
	if len(in.Statistics) > 0 && len(in.ExtendedStatistics) > 0 {
		return nil, awserr.Combination("The parameters Statistics and ExtendedStatistics are mutually exclusive.")
	}
	if len(in.Statistics) > 5 {
		return nil, awserr.InvalidValue("Statistics", len(in.Statistics), "the collection must not have more than 5 members")
	}
	if len(in.ExtendedStatistics) > 10 {
		return nil, awserr.InvalidValue("ExtendedStatistics", len(in.ExtendedStatistics), "the collection must not have more than 10 members")
	}
	basics := make([]stat, len(in.Statistics))
	for i, name := range in.Statistics {
		st, ok := parseBasic(string(name))
		if !ok {
			return nil, awserr.InvalidValue(fmt.Sprintf("Statistics.member.%d", i+1), quote(string(name)), "must be one of SampleCount, Average, Sum, Minimum, Maximum")
		}
		basics[i] = st
	}
	exts := make([]stat, len(in.ExtendedStatistics))
	for i, name := range in.ExtendedStatistics {
		st, err := parseExtended(name)
		if err != nil {
			return nil, awserr.InvalidValue(fmt.Sprintf("ExtendedStatistics.member.%d", i+1), quote(name), awserr.Message(err))
		}
		exts[i] = st
	}
	extNames := in.ExtendedStatistics
	if len(extNames) > 1 {
		// A name asked for twice appears once (as in AWS's map).
		extNames, exts = dedupeStats(extNames, exts)
	}
	if !validUnit(in.Unit) {
		return nil, awserr.InvalidValue("Unit", quote(string(in.Unit)), "not a CloudWatch standard unit")
	}
	now := s.op.Clock.Now()
	if err := validatePeriod("Period", in.Period, in.StartTime, now); err != nil {
		return nil, err
	}
	p := int64(in.Period)
	t0 := alignStart(in.StartTime, in.Period, now)
	t1 := endSeconds(in.EndTime)
	if n := requestedDatapoints(in.StartTime, in.EndTime, p); n > MaxDatapoints {
		return nil, awserr.Combination("You have requested up to %d datapoints, which exceeds the limit of %d. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", n, MaxDatapoints)
	}

	out := &GetMetricStatisticsOutput{Label: in.MetricName}
	if !periodServes(in.Period, in.StartTime, now) {
		out.Datapoints = []Datapoint{}
		return out, nil
	}
	multi := s.collectStatistics(&in, &m, basics, exts, extNames, t0, t1, out)
	if out.Datapoints == nil {
		out.Datapoints = []Datapoint{}
	}
	if multi {
		slices.SortStableFunc(out.Datapoints, func(a, b Datapoint) int { return a.Timestamp.Compare(b.Timestamp) })
	}
	return out, nil
}

// requestedDatapoints is the number of datapoints a GetMetricStatistics
// request asks for as AWS counts it for its 1,440 limit: (EndTime -
// StartTime) / Period, rounded up, on the times as given (not on the aligned
// StartTime), so a day at one-minute periods from any second is 1,440.
func requestedDatapoints(start, end time.Time, p int64) int64 {
	d := unixSeconds(end) - unixSeconds(start)
	if end.Nanosecond() > start.Nanosecond() {
		d++ // part of a second more
	}
	return (d + p - 1) / p
}

// collectStatistics appends to out the datapoints of GetMetricStatistics
// under the read lock (released by defer) and reports whether the metric has
// several units (the datapoints then need sorting).
func (s *Service) collectStatistics(in *GetMetricStatisticsInput, m *Metric, basics, exts []stat, extNames []string, t0, t1 int64, out *GetMetricStatisticsOutput) (multi bool) {
	p := int64(in.Period)
	s.mu.RLock()
	defer s.mu.RUnlock()
	sr := s.findSeries(m)
	if sr != nil {
		out.Datapoints = make([]Datapoint, 0, min((t1-t0+p-1)/p, 64))
		var pool []float64
		var xpool ExtendedStatistics
		var a agg
		for _, x := range sr.streams {
			if in.Unit != "" && x.unit != unitOf(in.Unit) {
				continue
			}
			unit := x.unit
			x.scan(t0, t1, p, len(exts) > 0, &a, func(k int64, a *agg) {
				dp := Datapoint{Timestamp: time.Unix(t0+k*p, 0).UTC(), Unit: unit}
				for _, st := range basics {
					// Statistic values live in shared arrays: one allocation for
					// many datapoints instead of one per field.
					if len(pool) == cap(pool) {
						pool = make([]float64, 0, 5*64)
					}
					pool = append(pool, a.basic(st.kind))
					v := &pool[len(pool)-1]
					switch st.kind {
					case kSampleCount:
						dp.SampleCount = v
					case kAverage:
						dp.Average = v
					case kSum:
						dp.Sum = v
					case kMinimum:
						dp.Minimum = v
					case kMaximum:
						dp.Maximum = v
					}
				}
				if len(exts) > 0 {
					// Extended statistics are carved from a shared array too
					// (full slice expressions keep datapoints apart).
					if cap(xpool)-len(xpool) < len(exts) {
						xpool = make(ExtendedStatistics, 0, len(exts)*64)
					}
					from := len(xpool)
					for i, st := range exts {
						if v, ok := a.eval(st); ok {
							xpool = append(xpool, ExtendedStatistic{extNames[i], v})
						}
					}
					if len(xpool) > from {
						dp.ExtendedStatistics = xpool[from:len(xpool):len(xpool)]
					}
				}
				out.Datapoints = append(out.Datapoints, dp)
			})
		}
	}
	return sr != nil && len(sr.streams) > 1
}

func statsParams(in GetMetricStatisticsInput) any {
	m := map[string]any{
		"namespace":  in.Namespace,
		"metricName": in.MetricName,
		"startTime":  in.StartTime.UTC().Format(CloudTrailTimeLayout),
		"endTime":    in.EndTime.UTC().Format(CloudTrailTimeLayout),
		"period":     in.Period,
	}
	if len(in.Dimensions) > 0 {
		m["dimensions"] = dimParams(in.Dimensions)
	}
	if len(in.Statistics) > 0 {
		m["statistics"] = in.Statistics
	}
	if len(in.ExtendedStatistics) > 0 {
		m["extendedStatistics"] = in.ExtendedStatistics
	}
	if in.Unit != "" {
		m["unit"] = in.Unit
	}
	return m
}

// dedupeStats drops repeated names (and their parsed statistics), keeping the
// first of each.
func dedupeStats(names []string, sts []stat) ([]string, []stat) {
	var outN []string
	var outS []stat
	for i, n := range names {
		if !slices.Contains(outN, n) {
			outN, outS = append(outN, n), append(outS, sts[i])
		}
	}
	return outN, outS
}

// errStartAfterEnd is AWS's answer to StartTime >= EndTime (recorded from
// CloudWatch: InvalidParameterValue, this exact text).
func errStartAfterEnd() error {
	return awserr.New("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.")
}

// unitPreference is the order in which GetMetricData, asked for no Unit,
// picks the one unit whose data it returns when a metric has data in several
// (CloudWatch does not convert units and returns one unit's values, with the
// message MultipleUnits). AWS does not document the order; this is the order
// LocalStack's engineers observed on AWS (tests/aws/services/cloudwatch/
// test_cloudwatch.py, test_get_metric_data_different_units_no_unit_in_query),
// which matches the recorded answers: Milliseconds over Seconds, Count over
// both.
var unitPreference = []StandardUnit{UnitMegabits, UnitTerabits, UnitGigabits, UnitCount, UnitBytes,
	UnitGigabytes, UnitGigabytesSecond, UnitKilobytes, UnitKilobitsSecond, UnitTerabytes,
	UnitTerabitsSecond, UnitBytesSecond, UnitPercent, UnitMegabytes, UnitMegabitsSecond,
	UnitMilliseconds, UnitMicroseconds, UnitKilobytesSecond, UnitGigabitsSecond,
	UnitMegabytesSecond, UnitBits, UnitBitsSecond, UnitCountSecond, UnitSeconds, UnitKilobits,
	UnitTerabytesSecond, UnitNone}

// pickUnit keeps, of streams, the one of the preferred unit among those
// with data in [t0, t1), and records in sc.units the units that had data
// when there were several.
func pickUnit(sc *statScratch, streams []*stream, t0, t1 int64) []*stream {
	var with []*stream
	for _, x := range streams {
		if x.hasData(t0, t1) {
			with = append(with, x)
		}
	}
	if len(with) <= 1 {
		return with
	}
	best := with[0]
	rank := func(u StandardUnit) int {
		if i := slices.Index(unitPreference, u); i >= 0 {
			return i
		}
		return len(unitPreference)
	}
	for _, x := range with[1:] {
		if rank(x.unit) < rank(best.unit) {
			best = x
		}
	}
	for _, x := range with {
		sc.units = append(sc.units, x.unit)
	}
	slices.Sort(sc.units)
	return []*stream{best}
}

// hasData reports whether the stream has a block that starts in [t0, t1).
func (st *stream) hasData(t0, t1 int64) bool {
	for _, level := range st.levels() {
		if i := firstFrom(level, t0); i < len(level) && level[i].start < t1 {
			return true
		}
	}
	return false
}

// multipleUnitsMessage is the result message GetMetricData adds when it
// returned one unit's data of several: {"Code": "MultipleUnits", "Value":
// "Multiple units returned: '[Milliseconds, Seconds]'"} (recorded from AWS).
func multipleUnitsMessage(units []StandardUnit) MessageData {
	var b strings.Builder
	b.WriteString("Multiple units returned: '[")
	for i, u := range units {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(u))
	}
	b.WriteString("]'")
	return MessageData{Code: "MultipleUnits", Value: b.String()}
}
