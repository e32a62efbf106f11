package localwatch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/internal/journal"
	"github.com/localwatch/localwatch/sns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snsAccount opens an account on dir ("" keeps it in memory) with seed; setup
// runs as Options.Setup.
func snsAccount(t *testing.T, dir string, seed uint64, setup func(*localwatch.Account)) (*localwatch.Account, *localwatch.ManualClock) {
	t.Helper()
	clk := localwatch.NewManualClock(persistStart)
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: clk, IDSeed: seed, DataDir: dir, Setup: setup})
	require.NoError(t, err)
	return acct, clk
}

// drainQueue receives everything visible now (without hiding it for long)
// and returns it as JSON, with the queue's counts: the queue's whole state
// as a consumer sees it.
func drainQueue(t *testing.T, q *sns.Queue) string {
	t.Helper()
	zero := 0
	out, err := q.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10, VisibilityTimeout: &zero})
	require.NoError(t, err)
	b, err := json.Marshal(struct {
		Len, Visible int
		Messages     []sns.QueueMessage
	}{q.Len(), q.ApproximateNumberOfMessages(), out.Messages})
	require.NoError(t, err)
	return string(b)
}

// The in-memory queues' changes survive a restart: what a consumer received,
// deleted or made visible again is as it was, with the same receive counts,
// visibility and receipt handles.
func TestSNSQueueChangesSurviveARestart(t *testing.T) {
	ctx := context.Background()
	type env struct {
		t   *testing.T
		st  *localwatch.Stack
		clk *localwatch.ManualClock
		q   *sns.Queue
	}
	publish := func(e env, msg string) {
		e.t.Helper()
		topics, err := e.st.SNS.ListTopics(ctx, sns.ListTopicsInput{})
		require.NoError(e.t, err)
		_, err = e.st.SNS.Publish(ctx, sns.PublishInput{TopicArn: topics.Topics[0].TopicArn, Message: msg})
		require.NoError(e.t, err)
	}
	receive := func(e env, n int) []sns.QueueMessage {
		e.t.Helper()
		out, err := e.q.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: n})
		require.NoError(e.t, err)
		return out.Messages
	}
	cases := []struct {
		name string
		run  func(e env)
	}{
		{"received and deleted", func(e env) {
			publish(e, "one")
			publish(e, "two")
			for _, m := range receive(e, 10) {
				require.NoError(e.t, e.q.DeleteMessage(m.ReceiptHandle))
			}
			publish(e, "three")
		}},
		{"received, not deleted", func(e env) {
			e.q.SendMessage("direct", nil)
			publish(e, "one")
			receive(e, 1)
			e.clk.Advance(10 * time.Second)
		}},
		{"received again after the visibility timeout", func(e env) {
			publish(e, "one")
			receive(e, 1)
			e.clk.Advance(31 * time.Second)
			m := receive(e, 1)
			require.Len(e.t, m, 1)
			require.Equal(e.t, "2", m[0].Attributes["ApproximateReceiveCount"])
		}},
		{"visibility changed", func(e env) {
			publish(e, "one")
			publish(e, "two")
			ms := receive(e, 2)
			require.NoError(e.t, e.q.ChangeMessageVisibility(ms[0].ReceiptHandle, 0))
			require.NoError(e.t, e.q.ChangeMessageVisibility(ms[1].ReceiptHandle, 3600))
		}},
		{"received with a visibility timeout of its own", func(e env) {
			publish(e, "one")
			publish(e, "two")
			vt := 120
			_, err := e.q.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 1, VisibilityTimeout: &vt})
			require.NoError(e.t, err)
			e.clk.Advance(time.Minute)
			receive(e, 1)
			e.clk.Advance(90 * time.Second) // past both messages' visibility
		}},
		{"queue visibility timeout set", func(e env) {
			require.NoError(e.t, e.q.SetVisibilityTimeout(600))
			publish(e, "one")
			receive(e, 1)
			e.clk.Advance(5 * time.Minute) // visible again after 30 s, not after 600 s
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			script := func(dir string) (*localwatch.Account, env) {
				acct, clk := snsAccount(t, dir, 11, nil)
				st := acct.Region("us-east-1")
				topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "t"})
				require.NoError(t, err)
				q, err := st.SNS.CreateQueue("q")
				require.NoError(t, err)
				_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: q.ARN()})
				require.NoError(t, err)
				e := env{t: t, st: st, clk: clk, q: q}
				tc.run(e)
				return acct, e
			}
			control, ce := script("")
			defer control.Close()

			dir := t.TempDir()
			acct, e := script(dir)
			end := e.clk.Now()
			acct.Close()
			re, clk := snsAccount(t, dir, 11, nil)
			defer re.Close()
			clk.Set(end)
			q, ok := re.Region("us-east-1").SNS.Queue("q")
			require.True(t, ok)

			assert.Equal(t, drainQueue(t, ce.q), drainQueue(t, q), "the queue after the restart")
			ce.clk.Advance(time.Hour)
			clk.Advance(time.Hour)
			assert.Equal(t, drainQueue(t, ce.q), drainQueue(t, q), "an hour later")
		})
	}
}

// A Go function subscribed to a topic may consume a queue while its
// delivery runs inside the Publish (the queue's changes are then part of
// that call): it does not deadlock on the journal, and a restart gives the
// same queue.
func TestSNSQueueChangedInsideADeliverySurvivesARestart(t *testing.T) {
	ctx := context.Background()
	var calls int
	setup := func(a *localwatch.Account) {
		s := a.Region("us-east-1").SNS
		s.RegisterFunction("consumer", func(context.Context, sns.LambdaEvent) error {
			calls++
			q, ok := s.Queue("q")
			if !ok {
				return nil
			}
			out, err := q.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 1})
			if err != nil {
				return err
			}
			for _, m := range out.Messages {
				if err := q.DeleteMessage(m.ReceiptHandle); err != nil {
					return err
				}
			}
			return nil
		})
	}
	script := func(dir string) (*localwatch.Account, *sns.Queue, *localwatch.ManualClock) {
		acct, clk := snsAccount(t, dir, 12, setup)
		s := acct.Region("us-east-1").SNS
		q, err := s.CreateQueue("q")
		require.NoError(t, err)
		q.SendMessage("a", nil)
		q.SendMessage("b", nil)
		q.SendMessage("c", nil)
		topic, err := s.CreateTopic(ctx, sns.CreateTopicInput{Name: "t"})
		require.NoError(t, err)
		_, err = s.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "lambda",
			Endpoint: "arn:aws:lambda:us-east-1:123456789012:function:consumer"})
		require.NoError(t, err)
		for range 2 {
			_, err = s.Publish(ctx, sns.PublishInput{TopicArn: topic.TopicArn, Message: "go"})
			require.NoError(t, err)
		}
		return acct, q, clk
	}
	control, cq, _ := script("")
	defer control.Close()
	dir := t.TempDir()
	acct, _, clk := script(dir)
	require.Equal(t, 4, calls)
	end := clk.Now()
	acct.Close()
	re, clk := snsAccount(t, dir, 12, setup)
	defer re.Close()
	clk.Set(end)
	q, ok := re.Region("us-east-1").SNS.Queue("q")
	require.True(t, ok)
	assert.Equal(t, 1, q.Len())
	assert.Equal(t, drainQueue(t, cq), drainQueue(t, q))
}

// With a DataDir and no IDSeed, SNS's signing key is derived from the seed
// the directory keeps: after a restart the messages are signed, and the
// certificate served, as before.
func TestSNSSigningKeySurvivesARestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	publish := func(s *sns.Service, q *sns.Queue, topic, msg string) *sns.Envelope {
		t.Helper()
		_, err := s.Publish(ctx, sns.PublishInput{TopicArn: topic, Message: msg})
		require.NoError(t, err)
		out, err := q.ReceiveMessage(sns.ReceiveMessageInput{})
		require.NoError(t, err)
		require.Len(t, out.Messages, 1)
		var env sns.Envelope
		require.NoError(t, json.Unmarshal([]byte(out.Messages[0].Body), &env))
		require.NotEmpty(t, env.Signature)
		return &env
	}
	acct, clk := snsAccount(t, dir, 0, nil)
	s := acct.Region("us-east-1").SNS
	topic, err := s.CreateTopic(ctx, sns.CreateTopicInput{Name: "t"})
	require.NoError(t, err)
	q, err := s.CreateQueue("q")
	require.NoError(t, err)
	_, err = s.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: q.ARN()})
	require.NoError(t, err)
	_, err = s.SigningCertURL() // outside any operation, before anything was signed
	require.NoError(t, err)
	clk.Advance(time.Minute)
	first := publish(s, q, topic.TopicArn, "one")
	cert, err := s.SigningCertificate()
	require.NoError(t, err)
	pem, err := s.SigningCertificatePEM()
	require.NoError(t, err)
	end := clk.Now()
	acct.Close()

	re, clk := snsAccount(t, dir, 0, nil)
	defer re.Close()
	clk.Set(end)
	s = re.Region("us-east-1").SNS
	q, ok := s.Queue("q")
	require.True(t, ok)
	pem2, err := s.SigningCertificatePEM()
	require.NoError(t, err)
	assert.Equal(t, string(pem), string(pem2), "the certificate served at SigningCertURL")
	url, err := s.SigningCertURL()
	require.NoError(t, err)
	assert.Equal(t, first.SigningCertURL, url)
	second := publish(s, q, topic.TopicArn, "two")
	assert.Equal(t, first.SigningCertURL, second.SigningCertURL)
	assert.NoError(t, sns.Verify(second, cert), "signed with the key from before the restart")
}

// A Go function's retry fired by the clock is not run again when the account
// reopens: its outcome was journaled, and replay applies it. (The first
// attempt and its immediate retries run inside the Publish, with the
// function Setup registers, and run again on replay as the Publish does.)
func TestSNSFunctionRetriesAreNotRepeatedOnReplay(t *testing.T) {
	cases := []struct {
		name   string
		fails  int  // the function fails its first calls
		live   int  // calls before the restart
		queued bool // the clock's retry waits for the workers at the restart
	}{
		// Attempts 1–4 inside the Publish (3 immediate retries), the 5th
		// after 1 s on the clock, the 6th after another second.
		{"the clock's retry succeeds", 4, 5, false},
		{"the clock's retry fails and is retried again", 5, 6, false},
		// Closed before a Settle: the retry is still queued after the
		// restart, and the workers make it then, once.
		{"the clock's retry is made after the restart", 4, 4, true},
	}
	for _, tc := range cases {
		for _, viaCheckpoint := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/checkpoint=%v", tc.name, viaCheckpoint), func(t *testing.T) {
				snsFunctionRetries(t, tc.fails, tc.live, tc.queued, viaCheckpoint)
			})
		}
	}
}

// snsFunctionRetries is one case of TestSNSFunctionRetriesAreNotRepeatedOnReplay:
// reopened by replaying the whole journal (a snapshot taken before Close,
// which has no checkpoint yet), or by
// loading the checkpoint Close wrote — then no call before it is replayed,
// and the function is not called again for them (its own history is its
// own: here it keeps counting across the restart, as an outside system
// would).
func snsFunctionRetries(t *testing.T, fails, live int, queued, viaCheckpoint bool) {
	ctx := context.Background()
	tc := struct {
		fails, live int
		queued      bool
	}{fails, live, queued}
	shared := 0
	var calls int
	setup := func(a *localwatch.Account) {
		n := 0 // this account's calls: the function is deterministic
		if viaCheckpoint {
			n = shared
		}
		a.Region("us-east-1").SNS.RegisterFunction("flaky", func(context.Context, sns.LambdaEvent) error {
			shared++
			calls++
			n++
			if n <= tc.fails {
				return errors.New("not yet")
			}
			return nil
		})
	}
	dir := t.TempDir()
	acct, clk := snsAccount(t, dir, 13, setup)
	st := acct.Region("us-east-1")
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "t"})
	require.NoError(t, err)
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "lambda",
		Endpoint: "arn:aws:lambda:us-east-1:123456789012:function:flaky"})
	require.NoError(t, err)
	_, err = st.SNS.Publish(ctx, sns.PublishInput{TopicArn: topic.TopicArn, Message: "m"})
	require.NoError(t, err)
	require.Equal(t, 4, calls, "the first attempt and the immediate retries")
	for range 2 {
		clk.Advance(time.Second)
		if !tc.queued {
			require.NoError(t, acct.Settle(ctx))
		}
	}
	require.Equal(t, tc.live, calls)
	before := st.SNS.RecentDeliveries()
	require.Equal(t, !tc.queued, before[0].Final)
	end := clk.Now()
	replayed := 4 // the function's calls inside the replayed Publish
	if viaCheckpoint {
		replayed = 0
		acct.Close()
	} else {
		// The whole journal, before the checkpoint Close writes
		// removes it.
		var whole bytes.Buffer
		require.NoError(t, acct.Snapshot(&whole))
		acct.Close()
		dir = filepath.Join(t.TempDir(), "whole")
		require.NoError(t, journal.Restore(&whole, dir, "objects"))
	}

	calls = 0
	re, clk := snsAccount(t, dir, 13, setup)
	defer re.Close()
	clk.Set(end)
	assert.Equal(t, replayed, calls, "replay calls the function only inside the replayed Publish")
	assert.Equal(t, before, re.Region("us-east-1").SNS.RecentDeliveries())
	clk.Advance(time.Minute)
	require.NoError(t, re.Settle(ctx))
	if tc.queued {
		assert.Equal(t, replayed+1, calls, "the queued retry, once")
		assert.True(t, re.Region("us-east-1").SNS.RecentDeliveries()[0].Final)
	} else {
		assert.Equal(t, replayed, calls, "no retry is left to run")
	}
}
