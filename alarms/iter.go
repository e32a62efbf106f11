package alarms

import (
	"context"
	"iter"
)

// DescribeAlarmsAll walks every page DescribeAlarms returns for in, following
// NextToken from in.NextToken (usually empty). A page holds two lists
// (MetricAlarms and CompositeAlarms), so the pages are yielded. The walk
// stops at the first error, which it yields.
func (s *Service) DescribeAlarmsAll(ctx context.Context, in DescribeAlarmsInput) iter.Seq2[*DescribeAlarmsOutput, error] {
	return func(yield func(*DescribeAlarmsOutput, error) bool) {
		for {
			out, err := s.DescribeAlarms(ctx, in)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(out, nil) || out.NextToken == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
}

// DescribeAlarmHistoryAll walks every item DescribeAlarmHistory returns for
// in, following NextToken from in.NextToken (usually empty). The walk stops
// at the first error, which it yields.
func (s *Service) DescribeAlarmHistoryAll(ctx context.Context, in DescribeAlarmHistoryInput) iter.Seq2[AlarmHistoryItem, error] {
	return func(yield func(AlarmHistoryItem, error) bool) {
		for {
			out, err := s.DescribeAlarmHistory(ctx, in)
			if err != nil {
				yield(AlarmHistoryItem{}, err)
				return
			}
			for _, it := range out.AlarmHistoryItems {
				if !yield(it, nil) {
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

// ListAlarmMuteRulesAll walks every rule summary ListAlarmMuteRules returns
// for in, following NextToken from in.NextToken (usually empty). The walk
// stops at the first error, which it yields.
func (s *Service) ListAlarmMuteRulesAll(ctx context.Context, in ListAlarmMuteRulesInput) iter.Seq2[AlarmMuteRuleSummary, error] {
	return func(yield func(AlarmMuteRuleSummary, error) bool) {
		for {
			out, err := s.ListAlarmMuteRules(ctx, in)
			if err != nil {
				yield(AlarmMuteRuleSummary{}, err)
				return
			}
			for _, r := range out.AlarmMuteRuleSummaries {
				if !yield(r, nil) {
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
