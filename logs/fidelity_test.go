package logs

import (
	"strings"
	"testing"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 19: where localwatch's CloudWatch Logs still differed from AWS.

func TestAWSErrorMessagesAreFixedStrings(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	msg := func(err error) string { require.Error(t, err); return awserr.Message(err) }
	_, err := e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "g"})
	assert.Equal(t, "The specified log group already exists", msg(err))
	_, err = e.s.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "g", LogStreamName: "s"})
	assert.Equal(t, "The specified log stream already exists", msg(err))
	_, err = e.s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "nope"})
	assert.Equal(t, "The specified log group does not exist.", msg(err))
	_, err = e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "nope", LogEvents: []InputLogEvent{ev(e.now(), "x")}})
	assert.Equal(t, "The specified log stream does not exist.", msg(err))
	_, err = e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: []InputLogEvent{ev(e.now(), "x"), ev(e.now()-1, "y")}})
	assert.Equal(t, "Log events in a single PutLogEvents request must be in chronological order.", msg(err))
	_, err = e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: []InputLogEvent{ev(e.now(), strings.Repeat("x", MaxEventBytes+1))}})
	assert.Equal(t, "Log event too large: 1048577 bytes exceeds limit of 1048576", msg(err))
	_, err = e.s.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: []InputLogEvent{ev(e.now(), strings.Repeat("x", MaxEventBytes)), ev(e.now(), "y")}})
	assert.Equal(t, "Upload too large: 1048603 bytes exceeds limit of 1048576", msg(err))
	_, err = e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", NextToken: "bogus"})
	assert.Equal(t, "The specified nextToken is invalid.", msg(err))
	_, err = e.s.DeleteMetricFilter(ctx, DeleteMetricFilterInput{LogGroupName: "g", FilterName: "nope"})
	assert.Equal(t, "The specified metric filter does not exist.", msg(err))
	for i := range 2 {
		_, err = e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: string(rune('a' + i)), DestinationArn: "arn:aws:lambda:us-east-1:123456789012:function:f"})
		require.NoError(t, err)
	}
	_, err = e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: "c", DestinationArn: "arn:aws:lambda:us-east-1:123456789012:function:f"})
	assert.Equal(t, "LimitExceededException", awserr.Code(err))
	assert.Equal(t, "Resource limit exceeded.", msg(err))
}

func TestDescribeLogStreamsWithNameAndIdentifierIsAValidationException(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	_, err := e.s.DescribeLogStreams(ctx, DescribeLogStreamsInput{LogGroupName: "g", LogGroupIdentifier: "g"})
	assert.ErrorIs(t, err, ErrValidation)
}

func TestEmptySpaceDelimitedPatternIsAcceptedEverywhere(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	out, err := e.s.TestMetricFilter(ctx, TestMetricFilterInput{FilterPattern: "[]", LogEventMessages: []string{"a b c"}})
	require.NoError(t, err)
	require.Len(t, out.Matches, 1)
	assert.Equal(t, map[string]string{"$1": "a", "$2": "b", "$3": "c"}, out.Matches[0].ExtractedValues)
	_, err = e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: "all", FilterPattern: "[]", DestinationArn: "arn:aws:lambda:us-east-1:123456789012:function:f"})
	require.NoError(t, err)
	_, err = e.s.PutMetricFilter(ctx, mfInput("count", "[]", MetricTransformation{MetricName: "N", MetricNamespace: "A", MetricValue: "$2"}))
	require.NoError(t, err)
	e.put(t, "g", "s", ev(e.now(), "x 7"))
	f, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", FilterPattern: "[]"})
	require.NoError(t, err)
	assert.Len(t, f.Events, 1)
}

func TestDescribeMetricFiltersByPrefixWithoutAGroupListsEveryGroup(t *testing.T) {
	e := newEnv(t)
	e.group(t, "a")
	e.group(t, "b")
	for _, g := range []string{"a", "b"} {
		in := mfInput("errors-"+g, "ERROR", MetricTransformation{MetricName: "E", MetricNamespace: "N", MetricValue: "1"})
		in.LogGroupName = g
		_, err := e.s.PutMetricFilter(ctx, in)
		require.NoError(t, err)
	}
	out, err := e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{FilterNamePrefix: "errors-"})
	require.NoError(t, err)
	assert.Len(t, out.MetricFilters, 2, "AWS answers the filters of every group")
	_, err = e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{FilterNamePrefix: strings.Repeat("x", 513)})
	assertCode(t, err, "InvalidParameterException")
	assert.Contains(t, awserr.Message(err), "failed to satisfy constraint")
	_, err = e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{MetricName: strings.Repeat("m", 256), MetricNamespace: "N"})
	assertCode(t, err, "InvalidParameterException")
	assert.Contains(t, awserr.Message(err), "failed to satisfy constraint")
}

func TestCrossAccountLambdaDestinationIsAccessDeniedBeforeTheGroupIsLookedUp(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "no-such-group", FilterName: "f",
		DestinationArn: "arn:aws:lambda:us-east-1:999999999999:function:elsewhere"})
	assert.ErrorIs(t, err, ErrAccessDenied)
	assert.Equal(t, "Cross-account lambda invocation passing is not allowed. You must use DestinationPolicies to create cross account lambda triggers.", awserr.Message(err))
}

func TestDeletionProtectionBlocksDeletionUntilDisabled(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	d, err := e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{})
	require.NoError(t, err)
	assert.False(t, d.LogGroups[0].DeletionProtectionEnabled, "false by default")
	on, off := true, false
	_, err = e.s.PutLogGroupDeletionProtection(ctx, PutLogGroupDeletionProtectionInput{LogGroupIdentifier: "arn:aws:logs:us-east-1:123456789012:log-group:g", DeletionProtectionEnabled: &on})
	require.NoError(t, err)
	d, _ = e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{})
	assert.True(t, d.LogGroups[0].DeletionProtectionEnabled)
	_, err = e.s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "g"})
	assert.ErrorIs(t, err, ErrValidation)
	_, err = e.s.DeleteLogStream(ctx, DeleteLogStreamInput{LogGroupName: "g", LogStreamName: "s"})
	assert.ErrorIs(t, err, ErrValidation)
	_, err = e.s.PutLogGroupDeletionProtection(ctx, PutLogGroupDeletionProtectionInput{LogGroupIdentifier: "g"})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.PutLogGroupDeletionProtection(ctx, PutLogGroupDeletionProtectionInput{LogGroupIdentifier: "nope", DeletionProtectionEnabled: &off})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.PutLogGroupDeletionProtection(ctx, PutLogGroupDeletionProtectionInput{LogGroupIdentifier: "g", DeletionProtectionEnabled: &off})
	require.NoError(t, err)
	_, err = e.s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "g"})
	require.NoError(t, err)
	_, err = e.s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "p", DeletionProtectionEnabled: &on})
	require.NoError(t, err)
	_, err = e.s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "p"})
	assert.ErrorIs(t, err, ErrValidation)
}

func TestListLogGroupsMatchesNamePatternsAndPages(t *testing.T) {
	e := newEnv(t)
	for _, g := range []string{"/aws/lambda/a", "/aws/lambda/b", "app-discovery", "other"} {
		e.group(t, g)
	}
	names := func(in ListLogGroupsInput) []string {
		var out []string
		for {
			o, err := e.s.ListLogGroups(ctx, in)
			require.NoError(t, err)
			for _, g := range o.LogGroups {
				out = append(out, g.LogGroupName)
				assert.Equal(t, LogGroupClassStandard, g.LogGroupClass)
				assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:log-group:"+g.LogGroupName, g.LogGroupArn)
			}
			if in.NextToken = o.NextToken; in.NextToken == "" {
				return out
			}
		}
	}
	one := int32(1)
	assert.Equal(t, []string{"/aws/lambda/a", "/aws/lambda/b", "app-discovery", "other"}, names(ListLogGroupsInput{Limit: &one}))
	assert.Equal(t, []string{"/aws/lambda/a", "/aws/lambda/b", "app-discovery"}, names(ListLogGroupsInput{LogGroupNamePattern: "^/aws/lambda|discovery"}))
	assert.Equal(t, []string{"other"}, names(ListLogGroupsInput{LogGroupNamePattern: "the"}))
	for _, bad := range []ListLogGroupsInput{
		{LogGroupNamePattern: "ab"},
		{LogGroupNamePattern: "a*c"},
		{LogGroupNamePattern: "aaa|bbb|ccc|ddd|eee|fff"},
		{AccountIdentifiers: []string{"12"}},
		{Limit: func() *int32 { v := int32(1001); return &v }()},
		{NextToken: "bogus"},
	} {
		_, err := e.s.ListLogGroups(ctx, bad)
		assertCode(t, err, "InvalidParameterException")
	}
}
