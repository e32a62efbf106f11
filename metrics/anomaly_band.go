package metrics

import (
	"math"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/metricmath"
)

// Band implements metricmath.BandSource: the band of the query id over the
// request's range, from a model trained on the query's data of the two weeks
// before StartTime (see the model notes in anomaly_model.go). A metric
// query's model is the anomaly detector of its metric and statistic, whose
// Configuration (ExcludedTimeRanges, MetricTimezone) applies; as in
// CloudWatch, a band of a metric without a detector creates the detector (up
// to MaxAnomalyDetectors). An expression's model trains on the expression
// evaluated over the training window, with the Configuration of the metric
// math anomaly detector of that expression if there is one (see
// mathDetectorFor); no detector is created implicitly for an expression.
//
// Band points are on the period grid of the range, up to the current time;
// with too little training data there are none.
func (src *mathSource) Band(id string, arg metricmath.Series, stddevs float64) (lower, upper metricmath.Series, err error) {
	s := src.s
	now := s.op.Clock.Now()
	period := int64(arg.Period)
	if period <= 0 {
		period = 60
	}
	start := alignStart(src.start, int(period), now)
	end := min(endSeconds(src.end), now.Unix()+1)
	label := arg.Label
	lower = metricmath.Series{Label: label + " Lower", Period: int(period), Times: []int64{}, Values: []float64{}}
	upper = metricmath.Series{Label: label + " Upper", Period: int(period), Times: []int64{}, Values: []float64{}}
	// The model is retrained at each hour boundary: it trains on the two
	// weeks before the hour holding StartTime (before StartTime itself for a
	// period that does not divide an hour), so the alarms evaluating a band
	// every minute share one trained model per hour (see bandCache).
	q := period
	if 3600%period == 0 {
		q = 3600
	}
	trainEnd := floorDiv(start, q) * q
	trainStart := trainEnd - int64(AnomalyTrainingWindow/time.Second)
	// Data at the period's resolution is kept only so long (sub-minute 3 h,
	// minute 15 days, 5-minute 63 days): train on what is still there.
	switch {
	case period < 60:
		trainStart = max(trainStart, now.Add(-subMinuteRetention+time.Minute).Unix())
	case period%300 != 0:
		trainStart = max(trainStart, now.Add(-minuteRetention+time.Minute).Unix())
	}
	trainStart = -floorDiv(-trainStart, q) * q // a boundary, rounded up
	trainFrom, trainTo := time.Unix(trainStart, 0), time.Unix(trainEnd, 0)
	var (
		ts     []int64
		values []float64
		d      *detector
		clamp  bool
	)
	if q := src.stats[id]; q != nil {
		ms := *q.MetricStat
		st, err := s.checkStat(&ms, src.start, src.end)
		if err != nil {
			return lower, upper, err
		}
		d = s.singleDetector(&ms)
		if trainStart < trainEnd && periodServes(ms.Period, trainFrom, now) {
			// Read into pooled scratch memory: the training data is only
			// fingerprinted (and trained on when the model is not cached),
			// never kept.
			sc := statScratchPool.Get().(*statScratch)
			defer func() {
				clear(sc.a.parts[:cap(sc.a.parts)]) // references into blocks
				sc.a.parts = sc.a.parts[:0]
				statScratchPool.Put(sc)
			}()
			sc.ts, sc.vs = sc.ts[:0], sc.vs[:0]
			s.appendStatRLocked(sc, &ms.Metric, ms.Unit, st, alignStart(trainFrom, ms.Period, now), endSeconds(trainTo), period)
			ts, values = sc.ts, sc.vs
		}
		clamp = st.kind == kSampleCount || strings.HasPrefix(ms.Metric.Namespace, "AWS/")
	} else {
		ts, values, err = src.trainExpression(id, trainFrom, trainTo)
		if err != nil {
			return lower, upper, err
		}
		d = s.mathDetectorFor(id, src.queries)
	}
	loc := time.UTC
	if d != nil {
		ts = excludeRanges(ts, values, d.config.ExcludedTimeRanges)
		values = values[:len(ts)]
		loc = d.loc
	}
	m := s.bands.model(ts, values, period, loc, clamp)
	if m == nil || start >= end {
		return lower, upper, nil
	}
	targets := make([]int64, 0, (end-start+period-1)/period)
	for t := start; t < end; t += period {
		targets = append(targets, t)
	}
	lo, hi := m.band(targets, stddevs)
	lower.Times, lower.Values = targets, lo
	upper.Times, upper.Values = append([]int64(nil), targets...), hi
	return lower, upper, nil
}

// bandCache keeps trained models by a fingerprint of their training data (a
// 64-bit multiply-xorshift hash of the timestamps and values) and parameters,
// so a model is trained once per distinct training set: a cache hit returns
// the model training would build. It is bounded and emptied when full.
type bandCache struct {
	mu sync.Mutex
	m  map[bandKey]*anomalyModel
}

type bandKey struct {
	hash   uint64
	n      int
	period int64
	loc    string
	clamp  bool
}

const bandCacheSize = 256

func (c *bandCache) model(ts []int64, values []float64, period int64, loc *time.Location, clamp bool) *anomalyModel {
	if len(values) < AnomalyMinTrainingPoints {
		return nil
	}
	h := uint64(14695981039346656037)
	for i, t := range ts {
		h = (h ^ uint64(t)) * 0x9E3779B97F4A7C15
		h ^= h >> 29
		h = (h ^ math.Float64bits(values[i])) * 0xBF58476D1CE4E5B9
		h ^= h >> 32
	}
	k := bandKey{hash: h, n: len(ts), period: period, loc: loc.String(), clamp: clamp}
	m := c.get(k)
	if m != nil {
		return m
	}
	m = trainAnomalyModel(ts, values, period, loc, clamp)
	c.put(k, m)
	return m
}

// singleDetector returns the detector of a MetricStat's metric and statistic,
// creating it when there is none (the implicit model of a band).
func (s *Service) singleDetector(ms *MetricStat) *detector {
	t, err := s.target(ms.Metric.Namespace, ms.Metric.MetricName, ms.Metric.Dimensions, ms.Stat, nil, nil)
	if err != nil {
		return nil
	}
	s.admu.Lock()
	defer s.admu.Unlock()
	if d := s.anomaly.detectors[t.key]; d != nil {
		return d
	}
	d := &detector{key: t.key, single: t.single, loc: time.UTC}
	if s.anomaly.detectors == nil {
		s.anomaly.detectors = map[string]*detector{}
	}
	if len(s.anomaly.detectors) < MaxAnomalyDetectors {
		s.anomaly.detectors[t.key] = d
	}
	return d
}

// mathDetectorFor returns the metric math anomaly detector that models the
// expression query id of a request: the detector's returned query has that
// Id and the same expression, and each of its MetricStat queries is in the
// request with the same Id and MetricStat. Nil when there is none (the band
// then trains without ExcludedTimeRanges, in UTC).
func (s *Service) mathDetectorFor(id string, queries []MetricDataQuery) *detector {
	byID := make(map[string]*MetricDataQuery, len(queries))
	for i := range queries {
		byID[queries[i].Id] = &queries[i]
	}
	q := byID[id]
	if q == nil {
		return nil
	}
	norm := func(e string) string { return strings.Join(strings.Fields(e), " ") }
	s.admu.Lock()
	defer s.admu.Unlock()
	var found *detector
	for _, d := range s.anomaly.detectors {
		if d.math == nil || found != nil && found.key < d.key {
			continue
		}
		ok := false
		for _, dq := range d.math.MetricDataQueries {
			if returnsData(&dq) {
				ok = dq.Id == id && norm(dq.Expression) == norm(q.Expression) && dq.Expression != ""
				break
			}
		}
		for _, dq := range d.math.MetricDataQueries {
			if !ok {
				break
			}
			if dq.MetricStat != nil {
				rq := byID[dq.Id]
				ok = rq != nil && rq.MetricStat != nil && sameMetricStat(dq.MetricStat, rq.MetricStat)
			}
		}
		if ok {
			found = d // the first by key, for determinism
		}
	}
	return found
}

func sameMetricStat(a, b *MetricStat) bool {
	if a.Period != b.Period || a.Stat != b.Stat || a.Unit != b.Unit || a.Metric.Namespace != b.Metric.Namespace ||
		a.Metric.MetricName != b.Metric.MetricName || len(a.Metric.Dimensions) != len(b.Metric.Dimensions) {
		return false
	}
	return hasDims(a.Metric.Dimensions, b.Metric.Dimensions)
}

// trainExpression evaluates the expression query id of the request over the
// training window, with the request's other queries (those without a band).
func (src *mathSource) trainExpression(id string, start, end time.Time) ([]int64, []float64, error) {
	if len(src.queries) == 0 || !start.Before(end) {
		return nil, nil, nil
	}
	var qs []MetricDataQuery
	for _, q := range src.queries {
		if q.Expression != "" && strings.Contains(strings.ToUpper(q.Expression), "ANOMALY_DETECTION_BAND") {
			continue
		}
		q.ReturnData = Bool(q.Id == id)
		q.Label = ""
		qs = append(qs, q)
	}
	in := GetMetricDataInput{MetricDataQueries: qs, StartTime: start, EndTime: end, ScanBy: ScanByTimestampAscending}
	out, err := src.s.getMetricData(&in)
	if err != nil {
		return nil, nil, err
	}
	if len(out.MetricDataResults) != 1 {
		return nil, nil, nil // not one time series: no model
	}
	r := &out.MetricDataResults[0]
	ts := make([]int64, len(r.Timestamps))
	for i, t := range r.Timestamps {
		ts[i] = t.Unix()
	}
	return ts, r.Values, nil
}

func (c *bandCache) get(k bandKey) *anomalyModel {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *bandCache) put(k bandKey, m *anomalyModel) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= bandCacheSize {
		c.m = make(map[bandKey]*anomalyModel)
	}
	c.m[k] = m
}
