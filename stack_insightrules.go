package localwatch

import (
	"context"
	"iter"

	"github.com/localwatch/localwatch/insightrules"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/logs"
)

// insightLogs is the Region's CloudWatch Logs as Contributor Insights reads
// it. Its reads are Contributor Insights' own: they are not recorded as API
// calls, and they see the events unmasked, as rules do in AWS.
type insightLogs struct{ logs *logs.Service }

func (l insightLogs) LogGroupNames(ctx context.Context) ([]string, error) {
	ctx = event.Unrecorded(ctx)
	var names []string
	in := logs.DescribeLogGroupsInput{}
	for {
		out, err := l.logs.DescribeLogGroups(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, g := range out.LogGroups {
			names = append(names, g.LogGroupName)
		}
		if out.NextToken == "" {
			return names, nil
		}
		in.NextToken = out.NextToken
	}
}

func (l insightLogs) LogEvents(ctx context.Context, group string, start, end int64) iter.Seq2[insightrules.LogEvent, error] {
	return func(yield func(insightrules.LogEvent, error) bool) {
		ctx := event.Unrecorded(ctx)
		last := end - 1 // FilterLogEvents' EndTime is inclusive
		in := logs.FilterLogEventsInput{LogGroupName: group, StartTime: &start, EndTime: &last, Unmask: logs.Bool(true)}
		for {
			out, err := l.logs.FilterLogEvents(ctx, in)
			if err != nil {
				yield(insightrules.LogEvent{}, err)
				return
			}
			for _, e := range out.Events {
				if !yield(insightrules.LogEvent{Timestamp: e.Timestamp, IngestionTime: e.IngestionTime, Message: e.Message}, nil) {
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
