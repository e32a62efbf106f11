package sdktest

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogsStartLiveTail reads a Live Tail session through the SDK's event
// stream reader: the session start, then the second's update with the
// event ingested, as the manual clock advances.
func TestLogsStartLiveTail(t *testing.T) {
	e := newEnv(t)
	group, stream := aws.String("/app/web"), aws.String("i-0abc")
	_, err := e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: group})
	require.NoError(t, err)
	_, err = e.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: stream})
	require.NoError(t, err)
	groupARN := "arn:aws:logs:" + region + ":" + account + ":log-group:/app/web"

	_, err = e.logs.StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{groupARN + "-nope"}})
	assertAPIError(t, err, "ResourceNotFoundException")

	out, err := e.logs.StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{groupARN},
		LogEventFilterPattern: aws.String("ERROR")})
	require.NoError(t, err)
	es := out.GetStream()
	defer es.Close()
	next := func() logtypes.StartLiveTailResponseStream {
		t.Helper()
		select {
		case ev, ok := <-es.Events():
			require.True(t, ok, "stream ended: %v", es.Err())
			return ev
		case <-time.After(5 * time.Second):
			t.Fatal("no event in 5s")
			return nil
		}
	}
	start, ok := next().(*logtypes.StartLiveTailResponseStreamMemberSessionStart)
	require.True(t, ok)
	assert.NotEmpty(t, aws.ToString(start.Value.SessionId))
	assert.NotEmpty(t, aws.ToString(start.Value.RequestId))
	assert.Equal(t, []string{groupARN}, start.Value.LogGroupIdentifiers)
	assert.Equal(t, "ERROR", aws.ToString(start.Value.LogEventFilterPattern))

	now := e.clock.Now()
	_, err = e.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: stream,
		LogEvents: []logtypes.InputLogEvent{
			{Timestamp: ms(now), Message: aws.String("ERROR disk full")},
			{Timestamp: ms(now), Message: aws.String("all fine")},
		}})
	require.NoError(t, err)
	e.clock.Advance(time.Second)
	update, ok := next().(*logtypes.StartLiveTailResponseStreamMemberSessionUpdate)
	require.True(t, ok)
	require.Len(t, update.Value.SessionResults, 1)
	got := update.Value.SessionResults[0]
	assert.Equal(t, "ERROR disk full", aws.ToString(got.Message))
	assert.Equal(t, "i-0abc", aws.ToString(got.LogStreamName))
	assert.Equal(t, groupARN, aws.ToString(got.LogGroupIdentifier))
	assert.Equal(t, now.UnixMilli(), aws.ToInt64(got.Timestamp))
	require.NotNil(t, update.Value.SessionMetadata)
	assert.False(t, update.Value.SessionMetadata.Sampled)

	// An empty second is an empty update.
	e.clock.Advance(time.Second)
	update, ok = next().(*logtypes.StartLiveTailResponseStreamMemberSessionUpdate)
	require.True(t, ok)
	assert.Empty(t, update.Value.SessionResults)

	require.NoError(t, es.Close())
	require.NoError(t, es.Err())
}

// TestLogsStartLiveTailTimesOut: after three hours the stream ends with
// the modelled SessionTimeoutException.
func TestLogsStartLiveTailTimesOut(t *testing.T) {
	e := newEnv(t)
	_, err := e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")})
	require.NoError(t, err)
	out, err := e.logs.StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"g"}})
	require.NoError(t, err)
	es := out.GetStream()
	defer es.Close()
	<-es.Events() // the session start
	e.clock.Advance(3 * time.Hour)
	for range es.Events() {
	}
	var timeout *logtypes.SessionTimeoutException
	require.ErrorAs(t, es.Err(), &timeout)
}
