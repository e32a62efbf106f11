package sns

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// timedJournal is a fakeJournal that also notes the clock's time of each
// call, for a test to replay the calls at their times.
type timedJournal struct {
	fakeJournal
	clk   *clock.Manual
	times []time.Time
}

func (j *timedJournal) Begin(ctx context.Context, service, region, name string, readOnly bool, in any) (context.Context, func(error) error) {
	n := len(j.names)
	ctx, end := j.fakeJournal.Begin(ctx, service, region, name, readOnly, in)
	if len(j.names) > n {
		j.times = append(j.times, j.clk.Now())
	}
	return ctx, end
}

// Every change of a queue is a private journaled operation, and replaying
// the journaled operations through ReplayOp on a new service gives the same
// queue: messages, receive counts, visibility and receipt handles.
func TestQueueChangesAreJournaledAndReplayed(t *testing.T) {
	j := &timedJournal{}
	f := newFixture(t, func(o *Options) { o.Journal = j })
	j.clk = f.clock
	q := f.queue(t, "q")
	require.NoError(t, q.SetVisibilityTimeout(60))
	q.SendMessage("a", map[string]MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}})
	q.SendMessage("b", nil)
	q.SendMessage("c", nil)
	out, err := q.ReceiveMessage(ReceiveMessageInput{MaxNumberOfMessages: 2})
	require.NoError(t, err)
	require.Len(t, out.Messages, 2)
	require.NoError(t, q.DeleteMessage(out.Messages[0].ReceiptHandle))
	f.clock.Advance(10 * time.Second)
	require.NoError(t, q.ChangeMessageVisibility(out.Messages[1].ReceiptHandle, 5))
	assert.Error(t, q.DeleteMessage("nope"), "a failed change is journaled too, and fails again on replay")

	names, ins := j.logged()
	assert.Equal(t, []string{opCreateQueue, opQueueSetVisibilityTimeout, opQueueSendMessage, opQueueSendMessage, opQueueSendMessage,
		opQueueReceiveMessage, opQueueDeleteMessage, opQueueChangeMessageVisibility, opQueueDeleteMessage}, names)

	// Replay on a new service, each operation at its time, its input
	// through an encoding (the live queue does not survive it).
	g := newFixture(t)
	for i, name := range names {
		g.clock.Set(j.times[i])
		b, err := json.Marshal(ins[i])
		require.NoError(t, err)
		known, _ := g.s.ReplayOp(context.Background(), name, func(in any) error { return json.Unmarshal(b, in) })
		require.True(t, known, name)
	}
	r, ok := g.s.Queue("q")
	require.True(t, ok)
	for _, fx := range []*fixture{f, g} {
		fx.clock.Advance(6 * time.Second)
	}
	assert.Equal(t, 2, r.Len())
	assert.Equal(t, receiveAll(t, q), receiveAll(t, r))
}

// A queue built by a service with no journal, or deleted, is changed
// directly; a replayed change of a queue that no longer exists changes
// nothing.
func TestQueueChangesOfADeletedQueue(t *testing.T) {
	j := &fakeJournal{}
	f := newFixture(t, func(o *Options) { o.Journal = j })
	q := f.queue(t, "q")
	f.s.DeleteQueue("q")
	q.SendMessage("a", nil)
	assert.Equal(t, 1, q.Len(), "the orphan still works for whoever holds it")
	names, _ := j.logged()
	assert.NotContains(t, names, opQueueSendMessage, "a deleted queue's changes are not journaled")

	known, err := f.s.ReplayOp(context.Background(), opQueueSendMessage, func(in any) error {
		return json.Unmarshal([]byte(`{"Queue":"arn:aws:sqs:us-east-1:123456789012:q","Body":"x"}`), in)
	})
	assert.True(t, known)
	assert.NoError(t, err)
}
