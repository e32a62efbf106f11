package logs

import (
	"context"
	"github.com/localwatch/localwatch/internal/pages"
	"iter"
)

// The <Operation>All iterators walk every item of a paginated operation (the
// operations of botocore's logs paginators, plus ListLogGroups and
// DescribeQueryDefinitions, which page the same way). Each page is one call
// of the operation, recorded like any other; the walk starts from
// in.NextToken, goes on while a page carries a NextToken, and ends at the
// first error, which it yields with the zero item. Stopping the loop early
// makes no further call.

// all walks the items of every page of call, starting from in; items picks a
// page's items and setToken sets the next page's token on the input.
func all[In any, Out any, T any](ctx context.Context, in In, call func(context.Context, In) (*Out, error),
	items func(*Out) ([]T, string), setToken func(*In, string)) iter.Seq2[T, error] {
	return pages.All(ctx, in, call, setToken, items)
}

// FilterLogEventsAll walks every event FilterLogEvents would return across all
// its pages, in time order (a page may be empty and still carry a NextToken).
func (s *Service) FilterLogEventsAll(ctx context.Context, in FilterLogEventsInput) iter.Seq2[FilteredLogEvent, error] {
	return all(ctx, in, s.FilterLogEvents,
		func(o *FilterLogEventsOutput) ([]FilteredLogEvent, string) { return o.Events, o.NextToken },
		func(in *FilterLogEventsInput, t string) { in.NextToken = t })
}

// DescribeLogGroupsAll walks every log group DescribeLogGroups would return
// across all its pages.
func (s *Service) DescribeLogGroupsAll(ctx context.Context, in DescribeLogGroupsInput) iter.Seq2[LogGroup, error] {
	return all(ctx, in, s.DescribeLogGroups,
		func(o *DescribeLogGroupsOutput) ([]LogGroup, string) { return o.LogGroups, o.NextToken },
		func(in *DescribeLogGroupsInput, t string) { in.NextToken = t })
}

// ListLogGroupsAll walks every log group summary ListLogGroups would return
// across all its pages.
func (s *Service) ListLogGroupsAll(ctx context.Context, in ListLogGroupsInput) iter.Seq2[LogGroupSummary, error] {
	return all(ctx, in, s.ListLogGroups,
		func(o *ListLogGroupsOutput) ([]LogGroupSummary, string) { return o.LogGroups, o.NextToken },
		func(in *ListLogGroupsInput, t string) { in.NextToken = t })
}

// DescribeLogStreamsAll walks every log stream DescribeLogStreams would
// return across all its pages.
func (s *Service) DescribeLogStreamsAll(ctx context.Context, in DescribeLogStreamsInput) iter.Seq2[LogStream, error] {
	return all(ctx, in, s.DescribeLogStreams,
		func(o *DescribeLogStreamsOutput) ([]LogStream, string) { return o.LogStreams, o.NextToken },
		func(in *DescribeLogStreamsInput, t string) { in.NextToken = t })
}

// DescribeMetricFiltersAll walks every metric filter DescribeMetricFilters
// would return across all its pages.
func (s *Service) DescribeMetricFiltersAll(ctx context.Context, in DescribeMetricFiltersInput) iter.Seq2[MetricFilter, error] {
	return all(ctx, in, s.DescribeMetricFilters,
		func(o *DescribeMetricFiltersOutput) ([]MetricFilter, string) { return o.MetricFilters, o.NextToken },
		func(in *DescribeMetricFiltersInput, t string) { in.NextToken = t })
}

// DescribeSubscriptionFiltersAll walks every subscription filter
// DescribeSubscriptionFilters would return across all its pages.
func (s *Service) DescribeSubscriptionFiltersAll(ctx context.Context, in DescribeSubscriptionFiltersInput) iter.Seq2[SubscriptionFilter, error] {
	return all(ctx, in, s.DescribeSubscriptionFilters,
		func(o *DescribeSubscriptionFiltersOutput) ([]SubscriptionFilter, string) {
			return o.SubscriptionFilters, o.NextToken
		},
		func(in *DescribeSubscriptionFiltersInput, t string) { in.NextToken = t })
}

// DescribeDestinationsAll walks every destination DescribeDestinations would
// return across all its pages.
func (s *Service) DescribeDestinationsAll(ctx context.Context, in DescribeDestinationsInput) iter.Seq2[DestinationDescription, error] {
	return all(ctx, in, s.DescribeDestinations,
		func(o *DescribeDestinationsOutput) ([]DestinationDescription, string) {
			return o.Destinations, o.NextToken
		},
		func(in *DescribeDestinationsInput, t string) { in.NextToken = t })
}

// DescribeExportTasksAll walks every export task DescribeExportTasks would
// return across all its pages.
func (s *Service) DescribeExportTasksAll(ctx context.Context, in DescribeExportTasksInput) iter.Seq2[ExportTask, error] {
	return all(ctx, in, s.DescribeExportTasks,
		func(o *DescribeExportTasksOutput) ([]ExportTask, string) { return o.ExportTasks, o.NextToken },
		func(in *DescribeExportTasksInput, t string) { in.NextToken = t })
}

// DescribeQueriesAll walks every query DescribeQueries would return across
// all its pages.
func (s *Service) DescribeQueriesAll(ctx context.Context, in DescribeQueriesInput) iter.Seq2[QueryInfo, error] {
	return all(ctx, in, s.DescribeQueries,
		func(o *DescribeQueriesOutput) ([]QueryInfo, string) { return o.Queries, o.NextToken },
		func(in *DescribeQueriesInput, t string) { in.NextToken = t })
}

// DescribeQueryDefinitionsAll walks every saved query DescribeQueryDefinitions
// would return across all its pages.
func (s *Service) DescribeQueryDefinitionsAll(ctx context.Context, in DescribeQueryDefinitionsInput) iter.Seq2[QueryDefinition, error] {
	return all(ctx, in, s.DescribeQueryDefinitions,
		func(o *DescribeQueryDefinitionsOutput) ([]QueryDefinition, string) {
			return o.QueryDefinitions, o.NextToken
		},
		func(in *DescribeQueryDefinitionsInput, t string) { in.NextToken = t })
}

// DescribeResourcePoliciesAll walks every resource policy
// DescribeResourcePolicies would return across all its pages.
func (s *Service) DescribeResourcePoliciesAll(ctx context.Context, in DescribeResourcePoliciesInput) iter.Seq2[ResourcePolicy, error] {
	return all(ctx, in, s.DescribeResourcePolicies,
		func(o *DescribeResourcePoliciesOutput) ([]ResourcePolicy, string) {
			return o.ResourcePolicies, o.NextToken
		},
		func(in *DescribeResourcePoliciesInput, t string) { in.NextToken = t })
}

// DescribeDeliverySourcesAll walks every delivery source
// DescribeDeliverySources would return across all its pages.
func (s *Service) DescribeDeliverySourcesAll(ctx context.Context, in DescribeDeliverySourcesInput) iter.Seq2[DeliverySource, error] {
	return all(ctx, in, s.DescribeDeliverySources,
		func(o *DescribeDeliverySourcesOutput) ([]DeliverySource, string) {
			return o.DeliverySources, o.NextToken
		},
		func(in *DescribeDeliverySourcesInput, t string) { in.NextToken = t })
}

// DescribeDeliveryDestinationsAll walks every delivery destination
// DescribeDeliveryDestinations would return across all its pages.
func (s *Service) DescribeDeliveryDestinationsAll(ctx context.Context, in DescribeDeliveryDestinationsInput) iter.Seq2[DeliveryDestination, error] {
	return all(ctx, in, s.DescribeDeliveryDestinations,
		func(o *DescribeDeliveryDestinationsOutput) ([]DeliveryDestination, string) {
			return o.DeliveryDestinations, o.NextToken
		},
		func(in *DescribeDeliveryDestinationsInput, t string) { in.NextToken = t })
}

// DescribeDeliveriesAll walks every delivery DescribeDeliveries would return
// across all its pages.
func (s *Service) DescribeDeliveriesAll(ctx context.Context, in DescribeDeliveriesInput) iter.Seq2[Delivery, error] {
	return all(ctx, in, s.DescribeDeliveries,
		func(o *DescribeDeliveriesOutput) ([]Delivery, string) { return o.Deliveries, o.NextToken },
		func(in *DescribeDeliveriesInput, t string) { in.NextToken = t })
}
