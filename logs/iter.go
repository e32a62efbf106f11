package logs

import (
	"context"
	"iter"
)

// FilterLogEventsSeq walks every event FilterLogEvents would return across all
// its pages, in time order. Each page is one FilterLogEvents call (and one
// recorded API call); an error ends the walk.
func (s *Service) FilterLogEventsSeq(ctx context.Context, in FilterLogEventsInput) iter.Seq2[FilteredLogEvent, error] {
	return func(yield func(FilteredLogEvent, error) bool) {
		for {
			out, err := s.FilterLogEvents(ctx, in)
			if err != nil {
				yield(FilteredLogEvent{}, err)
				return
			}
			for _, e := range out.Events {
				if !yield(e, nil) {
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

// DescribeLogGroupsSeq walks every log group DescribeLogGroups would return
// across all its pages.
func (s *Service) DescribeLogGroupsSeq(ctx context.Context, in DescribeLogGroupsInput) iter.Seq2[LogGroup, error] {
	return func(yield func(LogGroup, error) bool) {
		for {
			out, err := s.DescribeLogGroups(ctx, in)
			if err != nil {
				yield(LogGroup{}, err)
				return
			}
			for _, g := range out.LogGroups {
				if !yield(g, nil) {
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
