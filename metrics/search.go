package metrics

import (
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/metricmath"
)

// mathSource is what GetMetricData's expressions read: the MetricStat queries
// of the request (fetched with statSeries on first use) and SEARCH over the
// ListMetrics catalogue.
type mathSource struct {
	s          *Service
	start, end time.Time
	stats      map[string]*MetricDataQuery // MetricStat queries by Id
	labels     map[string]string           // explicit labels of MetricStat queries
	queries    []MetricDataQuery           // the request's queries (bands of expressions)
	// units holds, by MetricStat query Id, the units of a metric read without
	// a Unit that had data in several (GetMetricData's MultipleUnits).
	units map[string][]StandardUnit
}

func dimsToMath(ds []Dimension) []metricmath.Dimension {
	out := make([]metricmath.Dimension, len(ds))
	for i, d := range ds {
		out[i] = metricmath.Dimension{Name: d.Name, Value: d.Value}
	}
	return out
}

func (src *mathSource) read(ms MetricStat, label string) (metricmath.Series, []StandardUnit, error) {
	st, err := src.s.checkStat(&ms, src.start, src.end)
	if err != nil {
		return metricmath.Series{}, nil, err
	}
	ts, values, units := src.s.statData(&ms, st, src.start, src.end, src.s.op.Clock.Now())
	if ts == nil {
		ts = []int64{}
	}
	return src.s.mathSeries(ms, label, ts, values), units, nil
}

// mathSeries is the metric-math series of one MetricStat's data.
func (s *Service) mathSeries(ms MetricStat, label string, times []int64, values []float64) metricmath.Series {
	return metricmath.Series{
		Label:  label,
		Period: ms.Period,
		Times:  times,
		Values: values,
		Metric: &metricmath.MetricInfo{
			Namespace:  ms.Metric.Namespace,
			MetricName: ms.Metric.MetricName,
			Dimensions: dimsToMath(ms.Metric.Dimensions),
			Stat:       ms.Stat,
			Period:     ms.Period,
			AccountID:  s.op.AccountID,
			Region:     s.op.Region,
		},
	}
}

// Metric implements metricmath.Source.
func (src *mathSource) Metric(id string) (metricmath.Series, error) {
	q := src.stats[id]
	label := src.labels[id]
	if label == "" || metricmath.HasDynamic(label) {
		label = q.MetricStat.Metric.MetricName
	}
	ser, units, err := src.read(*q.MetricStat, label)
	if len(units) > 0 {
		if src.units == nil {
			src.units = map[string][]StandardUnit{}
		}
		src.units[id] = units
	}
	return ser, err
}

// Search implements metricmath.Source: it runs q over the metrics ListMetrics
// shows (data in the past two weeks), in ListMetrics order, and reads each
// match with stat and period. It stops after one more match than SEARCH
// returns, so that the caller can tell the result was cut off.
//
// The catalogue is walked in place under the read lock (q.Match is pure), so
// only the matches are copied; a query with a schema walks only its
// namespace's keys, and only one metric name's when the term requires a
// MetricName exactly.
func (src *mathSource) Search(q *metricmath.SearchQuery, stat string, period int) ([]metricmath.Series, error) {
	var matches []Metric
	var dims []metricmath.Dimension
	since := src.s.op.Clock.Now().Add(-listVisibility).Unix()
	visit := func(sr *series) bool {
		if sr.lastRecv < since {
			return true
		}
		m := &sr.metric
		dims = dims[:0]
		for _, d := range m.Dimensions {
			dims = append(dims, metricmath.Dimension{Name: d.Name, Value: d.Value})
		}
		if q.Match(m.Namespace, m.MetricName, dims) {
			matches = append(matches, cloneMetric(m))
		}
		return len(matches) <= metricmath.MaxSearchResults
	}
	s := src.s
	func() {
		s.mu.RLock()
		defer s.mu.RUnlock()
		if q.HasSchema {
			// Keys are the namespace, a 0 byte, the metric name, then the
			// dimensions each after a 0 byte, so the namespace's metrics are
			// consecutive from ns+"\x00" on, and those of one name from
			// ns+"\x00"+name on.
			from := q.Namespace + "\x00"
			name, byName := q.MetricNameEquals()
			if byName {
				from = string(appendKeyPart([]byte(from), name))
			}
			inRange := func(sr *series) bool {
				return sr.metric.Namespace == q.Namespace && (!byName || sr.metric.MetricName == name) && visit(sr)
			}
			if first, ok := s.catalog.Min(); ok && first.key >= from {
				// The range starts at the first metric: walking from the start
				// spares the btree's start-key search in every node it visits.
				s.catalog.Ascend(inRange)
			} else {
				s.catalog.AscendGreaterOrEqual(&series{key: from}, inRange)
			}
		} else {
			s.catalog.Ascend(visit)
		}
	}()
	out := make([]metricmath.Series, 0, len(matches))
	for _, m := range matches {
		s, _, err := src.read(MetricStat{Metric: m, Period: period, Stat: stat}, searchLabel(&m))
		if err != nil {
			return nil, awserr.New("ValidationError", "Invalid SEARCH statistic or period: %s", awserr.Message(err))
		}
		out = append(out, s)
	}
	return out, nil
}

// searchLabel is the label a SEARCH result gets: the metric's dimension
// values, then its name ("i-0abc CPUUtilization"), or the name alone.
func searchLabel(m *Metric) string {
	if len(m.Dimensions) == 0 {
		return m.MetricName
	}
	var b strings.Builder
	for _, d := range m.Dimensions {
		b.WriteString(d.Value)
		b.WriteByte(' ')
	}
	b.WriteString(m.MetricName)
	return b.String()
}
