package insightrules

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

var reportMetrics = []string{MetricUniqueContributors, MetricMaxContributorValue, MetricSampleCount, MetricSum, MetricMinimum, MetricMaximum, MetricAverage}

// GetInsightRuleReport computes a rule's report over the events of its log
// groups whose timestamps fall in [StartTime, EndTime) and that were
// ingested while the rule was enabled: each contributor (a distinct
// combination of the rule's Keys) with its value per Period (a count, or
// the sum of ValueOf) and over the whole report, the top MaxContributorCount
// (1-100, default 10) ranked by OrderBy (Sum, default, or Maximum), and per
// period the requested Metrics. Periods start at StartTime. A missing rule
// answers ResourceNotFoundException.
//
// The report is computed from the events stored when it is asked for, not
// kept apart as AWS keeps it: events that retention or a deleted log group
// removed no longer count, and a rule whose definition changed reads the
// earlier events with its new definition.
func (s *Service) GetInsightRuleReport(ctx context.Context, in GetInsightRuleReportInput) (*GetInsightRuleReportOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetInsightRuleReport", ReadOnly: true}, in, s.getInsightRuleReport)
}

// contributor is one key combination's running totals.
type contributor struct {
	keys    []string
	total   float64
	periods map[int64]float64 // period start (ms) -> value
}

// periodStats are one period's totals over every contributor.
type periodStats struct {
	count, sum, min, max float64
	byKey                map[string]float64
}

func (s *Service) getInsightRuleReport(ctx context.Context, c *event.Call, in GetInsightRuleReportInput) (*GetInsightRuleReportOutput, error) {
	if err := checkRuleName("RuleName", in.RuleName); err != nil {
		return nil, err
	}
	if in.StartTime.IsZero() {
		return nil, awserr.Missing("StartTime")
	}
	if in.EndTime.IsZero() {
		return nil, awserr.Missing("EndTime")
	}
	if !in.EndTime.After(in.StartTime) {
		return nil, errInvalid("EndTime", "must be after StartTime")
	}
	if in.Period < 1 {
		return nil, errInvalid("Period", "must be at least 1, not %d", in.Period)
	}
	limit := DefaultContributors
	if in.MaxContributorCount != nil {
		if n := *in.MaxContributorCount; n < 1 || n > MaxContributorsReport {
			return nil, errInvalid("MaxContributorCount", "must be between 1 and %d, not %d", MaxContributorsReport, n)
		}
		limit = int(*in.MaxContributorCount)
	}
	for _, m := range in.Metrics {
		if !slices.Contains(reportMetrics, m) {
			return nil, errInvalid("Metrics", "member %q must be one of %s", m, strings.Join(reportMetrics, ", "))
		}
	}
	byMax := false
	switch in.OrderBy {
	case "", "Sum":
	case "Maximum":
		byMax = true
	default:
		return nil, errInvalid("OrderBy", "must be Sum or Maximum, not %q", in.OrderBy)
	}
	s.mu.Lock()
	e, ok := s.rules[in.RuleName]
	var snap ruleEntry
	if ok {
		snap = *e
		snap.enabledLog = slices.Clone(e.enabledLog)
	}
	s.mu.Unlock()
	if !ok {
		return nil, errNotFound(in.RuleName)
	}
	c.Resources = s.resources(in.RuleName)
	r := snap.compiled
	start, end := in.StartTime.UnixMilli(), in.EndTime.UnixMilli()
	periodMS := int64(in.Period) * 1000
	contribs := map[string]*contributor{}
	periods := map[int64]*periodStats{}
	if s.logs != nil && len(snap.enabledLog) > 0 && end > start { // events have millisecond timestamps
		groups, err := s.logs.LogGroupNames(ctx)
		if err != nil {
			return nil, err
		}
		slices.Sort(groups)
		for _, g := range groups {
			if !r.matchesGroup(g) {
				continue
			}
			for ev, err := range s.logs.LogEvents(ctx, g, start, end) {
				if err != nil {
					if awserr.Code(err) == "ResourceNotFoundException" {
						break // the group went away meanwhile
					}
					return nil, err
				}
				if ev.Timestamp < start || ev.Timestamp >= end || !snap.counts(ev.IngestionTime) {
					continue
				}
				p, ok := r.parse(ev.Message)
				if !ok {
					continue
				}
				keys, v, ok := r.contribution(p)
				if !ok {
					continue
				}
				id := strings.Join(keys, "\x00")
				ct := contribs[id]
				if ct == nil {
					ct = &contributor{keys: keys, periods: map[int64]float64{}}
					contribs[id] = ct
				}
				at := start + (ev.Timestamp-start)/periodMS*periodMS
				ct.total += v
				ct.periods[at] += v
				ps := periods[at]
				if ps == nil {
					ps = &periodStats{min: v, max: v, byKey: map[string]float64{}}
					periods[at] = ps
				}
				ps.count++
				ps.sum += v
				ps.min, ps.max = math.Min(ps.min, v), math.Max(ps.max, v)
				ps.byKey[id] += v
			}
		}
	}
	out := &GetInsightRuleReportOutput{KeyLabels: slices.Clone(r.labels), AggregationStatistic: r.aggLabel,
		Contributors: []InsightRuleContributor{}, MetricDatapoints: []InsightRuleMetricDatapoint{}}
	agg, uniq := 0.0, int64(len(contribs))
	type ranked struct {
		c    *contributor
		rank float64
	}
	all := make([]ranked, 0, len(contribs))
	for _, ct := range contribs {
		agg += ct.total
		rank := ct.total
		if byMax {
			rank = math.Inf(-1)
			for _, v := range ct.periods {
				rank = math.Max(rank, v)
			}
		}
		all = append(all, ranked{ct, rank})
	}
	out.AggregateValue, out.ApproximateUniqueCount = &agg, &uniq
	slices.SortFunc(all, func(a, b ranked) int {
		if a.rank != b.rank {
			if a.rank > b.rank {
				return -1
			}
			return 1
		}
		return slices.Compare(a.c.keys, b.c.keys)
	})
	for _, x := range all[:min(limit, len(all))] {
		ic := InsightRuleContributor{Keys: x.c.keys, ApproximateAggregateValue: x.c.total, Datapoints: []InsightRuleContributorDatapoint{}}
		for _, at := range sortedKeys(x.c.periods) {
			ic.Datapoints = append(ic.Datapoints, InsightRuleContributorDatapoint{Timestamp: time.UnixMilli(at).UTC(), ApproximateValue: x.c.periods[at]})
		}
		out.Contributors = append(out.Contributors, ic)
	}
	if len(in.Metrics) > 0 {
		for _, at := range sortedKeys(periods) {
			ps := periods[at]
			dp := InsightRuleMetricDatapoint{Timestamp: time.UnixMilli(at).UTC()}
			for _, m := range in.Metrics {
				var v float64
				switch m {
				case MetricUniqueContributors:
					v = float64(len(ps.byKey))
				case MetricMaxContributorValue:
					v = math.Inf(-1)
					for _, x := range ps.byKey {
						v = math.Max(v, x)
					}
				case MetricSampleCount:
					v = ps.count
				case MetricSum:
					v = ps.sum
				case MetricMinimum:
					v = ps.min
				case MetricMaximum:
					v = ps.max
				case MetricAverage:
					v = ps.sum / ps.count
				}
				dp.set(m, v)
			}
			out.MetricDatapoints = append(out.MetricDatapoints, dp)
		}
	}
	return out, nil
}

func (dp *InsightRuleMetricDatapoint) set(metric string, v float64) {
	p := &v
	switch metric {
	case MetricUniqueContributors:
		dp.UniqueContributors = p
	case MetricMaxContributorValue:
		dp.MaxContributorValue = p
	case MetricSampleCount:
		dp.SampleCount = p
	case MetricSum:
		dp.Sum = p
	case MetricMinimum:
		dp.Minimum = p
	case MetricMaximum:
		dp.Maximum = p
	case MetricAverage:
		dp.Average = p
	}
}

func sortedKeys[V any](m map[int64]V) []int64 {
	ks := make([]int64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
