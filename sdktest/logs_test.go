package sdktest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/logs"
)

func ms(t time.Time) *int64 { return aws.Int64(t.UnixMilli()) }

// TestLogsOperations drives every CloudWatch Logs operation localwatch
// serves through the SDK's client (awsJson1_1).
func TestLogsOperations(t *testing.T) {
	e := newEnv(t)
	group, stream := aws.String("/app/web"), aws.String("i-0abc")
	_, err := e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: group, Tags: map[string]string{"team": "web"}})
	require.NoError(t, err)
	_, err = e.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: stream})
	require.NoError(t, err)

	now := e.clock.Now()
	put, err := e.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: stream,
		LogEvents: []logtypes.InputLogEvent{
			{Timestamp: ms(now.Add(-3 * time.Second)), Message: aws.String(`{"status": 200, "path": "/"}`)},
			{Timestamp: ms(now.Add(-2 * time.Second)), Message: aws.String(`{"status": 503, "path": "/api"}`)},
			{Timestamp: ms(now.Add(-1 * time.Second)), Message: aws.String("ERROR disk full")},
		}})
	require.NoError(t, err)
	assert.Nil(t, put.RejectedLogEventsInfo)

	t.Run("DescribeLogGroups and DescribeLogStreams show the group and stream", func(t *testing.T) {
		g, err := e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/app/")})
		require.NoError(t, err)
		require.Len(t, g.LogGroups, 1)
		assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*", aws.ToString(g.LogGroups[0].Arn))
		assert.Equal(t, now.UnixMilli(), aws.ToInt64(g.LogGroups[0].CreationTime))
		s, err := e.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: group})
		require.NoError(t, err)
		require.Len(t, s.LogStreams, 1)
		assert.Equal(t, "i-0abc", aws.ToString(s.LogStreams[0].LogStreamName))
		assert.Equal(t, now.Add(-3*time.Second).UnixMilli(), aws.ToInt64(s.LogStreams[0].FirstEventTimestamp))
	})

	t.Run("GetLogEvents reads the stream in order", func(t *testing.T) {
		out, err := e.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: group, LogStreamName: stream, StartFromHead: aws.Bool(true)})
		require.NoError(t, err)
		require.Len(t, out.Events, 3)
		assert.Equal(t, "ERROR disk full", aws.ToString(out.Events[2].Message))
		assert.Equal(t, now.Add(-time.Second).UnixMilli(), aws.ToInt64(out.Events[2].Timestamp))
		assert.NotEmpty(t, aws.ToString(out.NextForwardToken))
	})

	t.Run("FilterLogEvents matches a JSON filter pattern", func(t *testing.T) {
		out, err := e.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: group, FilterPattern: aws.String("{ $.status >= 500 }")})
		require.NoError(t, err)
		require.Len(t, out.Events, 1)
		assert.Equal(t, `{"status": 503, "path": "/api"}`, aws.ToString(out.Events[0].Message))
		assert.Equal(t, "i-0abc", aws.ToString(out.Events[0].LogStreamName))
	})

	t.Run("metric filters are put, described, tested and deleted", func(t *testing.T) {
		_, err := e.logs.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{LogGroupName: group, FilterName: aws.String("errors"),
			FilterPattern: aws.String("ERROR"), MetricTransformations: []logtypes.MetricTransformation{
				{MetricName: aws.String("ErrorCount"), MetricNamespace: aws.String("App"), MetricValue: aws.String("1")}}})
		require.NoError(t, err)
		d, err := e.logs.DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: group})
		require.NoError(t, err)
		require.Len(t, d.MetricFilters, 1)
		assert.Equal(t, "ERROR", aws.ToString(d.MetricFilters[0].FilterPattern))
		assert.Equal(t, "ErrorCount", aws.ToString(d.MetricFilters[0].MetricTransformations[0].MetricName))

		tm, err := e.logs.TestMetricFilter(ctx, &cloudwatchlogs.TestMetricFilterInput{FilterPattern: aws.String("ERROR"),
			LogEventMessages: []string{"ERROR one", "fine", "ERROR two"}})
		require.NoError(t, err)
		require.Len(t, tm.Matches, 2)
		assert.Equal(t, int64(3), tm.Matches[1].EventNumber)

		_, err = e.logs.DeleteMetricFilter(ctx, &cloudwatchlogs.DeleteMetricFilterInput{LogGroupName: group, FilterName: aws.String("errors")})
		require.NoError(t, err)
		d, err = e.logs.DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: group})
		require.NoError(t, err)
		assert.Empty(t, d.MetricFilters)
	})

	t.Run("retention policies are set and removed", func(t *testing.T) {
		_, err := e.logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: group, RetentionInDays: aws.Int32(14)})
		require.NoError(t, err)
		g, err := e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: group})
		require.NoError(t, err)
		assert.Equal(t, int32(14), aws.ToInt32(g.LogGroups[0].RetentionInDays))
		_, err = e.logs.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: group})
		require.NoError(t, err)
		g, err = e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: group})
		require.NoError(t, err)
		assert.Nil(t, g.LogGroups[0].RetentionInDays)
	})

	t.Run("tags by ARN and by log group name", func(t *testing.T) {
		arn := aws.String("arn:aws:logs:us-east-1:123456789012:log-group:/app/web")
		_, err := e.logs.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"env": "prod"}})
		require.NoError(t, err)
		_, err = e.logs.UntagResource(ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team"}})
		require.NoError(t, err)
		tags, err := e.logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: arn})
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"env": "prod"}, tags.Tags)

		//lint:ignore SA1019 the deprecated operations are still served and still used
		_, err = e.logs.TagLogGroup(ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: group, Tags: map[string]string{"cost": "7"}})
		require.NoError(t, err)
		//lint:ignore SA1019 as above
		_, err = e.logs.UntagLogGroup(ctx, &cloudwatchlogs.UntagLogGroupInput{LogGroupName: group, Tags: []string{"env"}})
		require.NoError(t, err)
		//lint:ignore SA1019 as above
		old, err := e.logs.ListTagsLogGroup(ctx, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: group})
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"cost": "7"}, old.Tags)
	})

	t.Run("subscription filters deliver to their destination", func(t *testing.T) {
		fn := "arn:aws:lambda:us-east-1:123456789012:function:shipper"
		var mu sync.Mutex
		var got []string
		unregister := e.stack.Logs.RegisterDestination(fn, func(_ context.Context, d logs.SubscriptionDelivery) error {
			mu.Lock()
			defer mu.Unlock()
			for _, ev := range d.Message.LogEvents {
				got = append(got, ev.Message)
			}
			return nil
		})
		defer unregister()
		_, err := e.logs.PutSubscriptionFilter(ctx, &cloudwatchlogs.PutSubscriptionFilterInput{LogGroupName: group,
			FilterName: aws.String("ship"), FilterPattern: aws.String("ERROR"), DestinationArn: aws.String(fn)})
		require.NoError(t, err)
		d, err := e.logs.DescribeSubscriptionFilters(ctx, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: group})
		require.NoError(t, err)
		require.Len(t, d.SubscriptionFilters, 1)
		assert.Equal(t, fn, aws.ToString(d.SubscriptionFilters[0].DestinationArn))

		_, err = e.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: stream,
			LogEvents: []logtypes.InputLogEvent{{Timestamp: ms(e.clock.Now()), Message: aws.String("ERROR again")}}})
		require.NoError(t, err)
		mu.Lock()
		assert.Equal(t, []string{"ERROR again"}, got)
		mu.Unlock()

		_, err = e.logs.DeleteSubscriptionFilter(ctx, &cloudwatchlogs.DeleteSubscriptionFilterInput{LogGroupName: group, FilterName: aws.String("ship")})
		require.NoError(t, err)
	})

	t.Run("streams and groups are deleted", func(t *testing.T) {
		_, err := e.logs.DeleteLogStream(ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: group, LogStreamName: stream})
		require.NoError(t, err)
		_, err = e.logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: group})
		require.NoError(t, err)
		g, err := e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
		require.NoError(t, err)
		assert.Empty(t, g.LogGroups)
	})
}

func TestLogsPaginators(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		_, err := e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(fmt.Sprintf("/svc/%02d", i))})
		require.NoError(t, err)
	}
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(e.logs, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(3)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		pages++
		for _, g := range out.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
		}
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, []string{"/svc/00", "/svc/01", "/svc/02", "/svc/03", "/svc/04", "/svc/05", "/svc/06"}, names)

	group := aws.String("/svc/00")
	for i := range 5 {
		_, err := e.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: aws.String(fmt.Sprintf("s%d", i))})
		require.NoError(t, err)
		_, err = e.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: aws.String(fmt.Sprintf("s%d", i)),
			LogEvents: []logtypes.InputLogEvent{{Timestamp: ms(t0.Add(time.Duration(-10+i) * time.Second)), Message: aws.String(fmt.Sprintf("event %d", i))}}})
		require.NoError(t, err)
	}
	sp := cloudwatchlogs.NewDescribeLogStreamsPaginator(e.logs, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: group, Limit: aws.Int32(2)})
	streams := 0
	for sp.HasMorePages() {
		out, err := sp.NextPage(ctx)
		require.NoError(t, err)
		streams += len(out.LogStreams)
	}
	assert.Equal(t, 5, streams)

	fp := cloudwatchlogs.NewFilterLogEventsPaginator(e.logs, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: group, Limit: aws.Int32(2)})
	var msgs []string
	for fp.HasMorePages() {
		out, err := fp.NextPage(ctx)
		require.NoError(t, err)
		for _, ev := range out.Events {
			msgs = append(msgs, aws.ToString(ev.Message))
		}
	}
	assert.Equal(t, []string{"event 0", "event 1", "event 2", "event 3", "event 4"}, msgs)
}

// TestLogsErrorsAreTyped checks that Logs errors come out of the SDK as its
// typed exceptions (errors.As) and as smithy.APIError.
func TestLogsErrorsAreTyped(t *testing.T) {
	e := newEnv(t)
	_, err := e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")})
	require.NoError(t, err)

	_, err = e.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("nope")})
	var nf *logtypes.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "ResourceNotFoundException", nf.ErrorCode())
	assert.Contains(t, nf.ErrorMessage(), "does not exist")

	_, err = e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")})
	var exists *logtypes.ResourceAlreadyExistsException
	require.ErrorAs(t, err, &exists)

	_, err = e.logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(2)})
	var invalid *logtypes.InvalidParameterException
	require.ErrorAs(t, err, &invalid)
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "InvalidParameterException", apiErr.ErrorCode())

	var re interface{ HTTPStatusCode() int }
	require.True(t, errors.As(err, &re))
	assert.Equal(t, 400, re.HTTPStatusCode())
}
