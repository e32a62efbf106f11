package metrics

import (
	"context"
	"iter"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// Limits of ListMetrics.
const (
	listPageSize        = 500
	maxListDimFilters   = 10
	listVisibility      = 14 * 24 * time.Hour
	recentlyActiveRange = 3 * time.Hour
)

// ListMetrics lists the metrics that received data in the past two weeks,
// optionally filtered by Namespace, MetricName and Dimensions (a filter with
// only a Name matches any value), 500 per page with NextToken. RecentlyActive
// "PT3H" keeps only metrics that received data in the past three hours.
// Metrics come in a deterministic order: by namespace, metric name, then
// dimensions (sorted by name). A metric appears as soon as its first datapoint
// is stored (AWS may take up to 15 minutes).
func (s *Service) ListMetrics(ctx context.Context, in ListMetricsInput) (*ListMetricsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListMetrics", ReadOnly: true, Data: true}, in, s.listMetrics)
}

func (s *Service) listMetrics(ctx context.Context, c *event.Call, in ListMetricsInput) (*ListMetricsOutput, error) {
	if s.op.Rec.Records(ctx) {
		dataCall(c, func() any { return listParams(in) })
	}
	if in.Namespace != "" {
		if err := validateNamespace("Namespace", in.Namespace, true); err != nil {
			return nil, err
		}
	}
	if in.MetricName != "" {
		if err := validateMetricName("MetricName", in.MetricName); err != nil {
			return nil, err
		}
	}
	if len(in.Dimensions) > maxListDimFilters {
		return nil, awserr.InvalidValue("Dimensions", len(in.Dimensions), "the collection must not have more than 10 members")
	}
	for i, f := range in.Dimensions {
		if f.Name == "" {
			return nil, awserr.Missing(fieldRef{"Dimensions.member.%d.Name", i}.String())
		}
		if len(f.Name) > maxNameLen {
			return nil, awserr.InvalidValue(fieldRef{"Dimensions.member.%d.Name", i}.String(), quote(f.Name), "must be at most 255 characters")
		}
		if len(f.Value) > maxDimValueLen {
			return nil, awserr.InvalidValue(fieldRef{"Dimensions.member.%d.Value", i}.String(), quote(f.Value), "must be at most 1024 characters")
		}
	}
	window := listVisibility
	switch in.RecentlyActive {
	case "":
	case "PT3H":
		window = recentlyActiveRange
	default:
		return nil, awserr.InvalidValue("RecentlyActive", quote(in.RecentlyActive), "the only valid value is PT3H")
	}
	after := ""
	if in.NextToken != "" {
		pos, ok := pagetoken.Decode(in.NextToken)
		if !ok || pos == "" {
			return nil, awserr.InvalidValue("NextToken", quote(in.NextToken), "invalid pagination token")
		}
		after = pos
	}
	since := s.op.Clock.Now().Add(-window).Unix()

	out := &ListMetricsOutput{Metrics: []Metric{}}
	from := after
	if in.Namespace != "" && from < in.Namespace+"\x00" {
		from = in.Namespace + "\x00"
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.catalog.AscendGreaterOrEqual(&series{key: from}, func(sr *series) bool {
		if after != "" && sr.key <= after {
			return true
		}
		m := &sr.metric
		if in.Namespace != "" && m.Namespace != in.Namespace {
			return false // keys sort by namespace: nothing further matches
		}
		if sr.lastRecv < since || in.MetricName != "" && m.MetricName != in.MetricName || !dimsMatch(m.Dimensions, in.Dimensions) {
			return true
		}
		if len(out.Metrics) == listPageSize {
			out.NextToken = pagetoken.Encode(metricKey(out.Metrics[len(out.Metrics)-1]))
			return false
		}
		out.Metrics = append(out.Metrics, cloneMetric(m))
		return true
	})
	return out, nil
}

func dimsMatch(dims []Dimension, filters []DimensionFilter) bool {
outer:
	for _, f := range filters {
		for _, d := range dims {
			if d.Name == f.Name && (f.Value == "" || d.Value == f.Value) {
				continue outer
			}
		}
		return false
	}
	return true
}

func cloneMetric(m *Metric) Metric {
	c := *m
	if len(m.Dimensions) > 0 {
		c.Dimensions = append([]Dimension(nil), m.Dimensions...)
	}
	return c
}

// ListMetricsAll iterates over every metric ListMetrics returns for in, page
// after page from in.NextToken (usually empty). Iteration stops at the first
// error, which is yielded.
func (s *Service) ListMetricsAll(ctx context.Context, in ListMetricsInput) iter.Seq2[Metric, error] {
	return func(yield func(Metric, error) bool) {
		for {
			out, err := s.ListMetrics(ctx, in)
			if err != nil {
				yield(Metric{}, err)
				return
			}
			for _, m := range out.Metrics {
				if !yield(m, nil) {
					return
				}
			}
			if out.NextToken == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
}

// forEachMetric calls fn for every metric in the catalogue visible to
// ListMetrics (data in the past two weeks), in a deterministic order (that of
// ListMetrics), with the time of its newest datapoint, until fn returns false.
// fn runs without the service lock held, so it may query the service.
func (s *Service) forEachMetric(fn func(m Metric, last time.Time) bool) {
	since := s.op.Clock.Now().Add(-listVisibility).Unix()
	type item struct {
		m    Metric
		last int64
	}
	var items []item
	func() {
		s.mu.RLock()
		defer s.mu.RUnlock()
		s.catalog.Ascend(func(sr *series) bool {
			if sr.lastRecv >= since {
				items = append(items, item{cloneMetric(&sr.metric), sr.lastTS})
			}
			return true
		})
	}()
	for _, it := range items {
		if !fn(it.m, time.Unix(it.last, 0).UTC()) {
			return
		}
	}
}

func listParams(in ListMetricsInput) any {
	m := map[string]any{}
	if in.Namespace != "" {
		m["namespace"] = in.Namespace
	}
	if in.MetricName != "" {
		m["metricName"] = in.MetricName
	}
	if len(in.Dimensions) > 0 {
		ds := make([]map[string]any, len(in.Dimensions))
		for i, d := range in.Dimensions {
			ds[i] = map[string]any{"name": d.Name}
			if d.Value != "" {
				ds[i]["value"] = d.Value
			}
		}
		m["dimensions"] = ds
	}
	if in.RecentlyActive != "" {
		m["recentlyActive"] = in.RecentlyActive
	}
	if in.NextToken != "" {
		m["nextToken"] = in.NextToken
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
