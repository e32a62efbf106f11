package alarms

import (
	"context"
	"iter"
)

// MetricAlarms walks every metric alarm DescribeAlarms returns for in,
// following NextToken. The walk stops at the first error, which it yields.
func (s *Service) MetricAlarms(ctx context.Context, in DescribeAlarmsInput) iter.Seq2[MetricAlarm, error] {
	return func(yield func(MetricAlarm, error) bool) {
		in.AlarmTypes = []AlarmType{AlarmTypeMetric}
		for {
			out, err := s.DescribeAlarms(ctx, in)
			if err != nil {
				yield(MetricAlarm{}, err)
				return
			}
			for _, a := range out.MetricAlarms {
				if !yield(a, nil) {
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

// HistoryItems walks every item DescribeAlarmHistory returns for in,
// following NextToken. The walk stops at the first error, which it yields.
func (s *Service) HistoryItems(ctx context.Context, in DescribeAlarmHistoryInput) iter.Seq2[AlarmHistoryItem, error] {
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
