package sns

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecentDeliveriesKeepTheLatestAttemptsNewestFirst(t *testing.T) {
	f := newFixture(t)
	topic := f.topic(t, "alerts", nil)
	q := f.queue(t, "inbox")
	sub := f.subscribe(t, topic, "sqs", q.ARN(), nil)
	var first, last string
	for i := range MaxRecentDeliveries + 3 {
		out, err := f.s.Publish(context.Background(), PublishInput{TopicArn: topic, Message: fmt.Sprint("m", i)})
		require.NoError(t, err)
		if i == 0 {
			first = out.MessageId
		}
		last = out.MessageId
	}
	got := f.s.RecentDeliveries()
	require.Len(t, got, MaxRecentDeliveries, "bounded")
	assert.Equal(t, last, got[0].MessageId, "newest first")
	for _, a := range got {
		assert.NotEqual(t, first, a.MessageId, "the oldest attempts are dropped")
	}
	assert.Equal(t, sub, got[0].SubscriptionArn)
	assert.Equal(t, "sqs", got[0].Protocol)
	assert.True(t, got[0].Final)
	assert.NoError(t, got[0].Err)
	// Newest first: the times never increase along the list, and the newest
	// message is the last one published.
	for i := 1; i < len(got); i++ {
		assert.False(t, got[i].Time.After(got[i-1].Time))
	}
	msgs := receiveAll(t, q)
	require.NotEmpty(t, msgs)
	assert.Contains(t, msgs[len(msgs)-1].Body, fmt.Sprint("m", MaxRecentDeliveries+2))
}
