package localwatch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/localwatchtest"
	"github.com/localwatch/localwatch/sns"
	"github.com/stretchr/testify/require"
)

// Account.Run starts SNS's delivery workers: an HTTP subscriber gets its
// SubscriptionConfirmation while Run runs, and nothing before.
func TestRunStartsSNSDeliveryWorkers(t *testing.T) {
	got := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("x-amz-sns-message-type")
	}))
	t.Cleanup(srv.Close)
	acct, err := localwatch.NewAccount(localwatch.Options{})
	require.NoError(t, err)
	t.Cleanup(acct.Close)
	st := acct.Region(localwatch.DefaultRegion)
	ctx := context.Background()
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops"})
	require.NoError(t, err)
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "http", Endpoint: srv.URL})
	require.NoError(t, err)
	require.Empty(t, got, "Subscribe only queues the confirmation")

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- acct.Run(runCtx) }()
	select {
	case typ := <-got:
		require.Equal(t, sns.TypeSubscriptionConfirmation, typ)
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not send the queued confirmation")
	}
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}

// On a manual clock, Stack.Settle sends what is queued.
func TestSettleSendsSNSDeliveriesOnTheManualClock(t *testing.T) {
	got := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("x-amz-sns-message-type")
	}))
	t.Cleanup(srv.Close)
	st := localwatchtest.NewStack(t)
	ctx := context.Background()
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops"})
	require.NoError(t, err)
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "http", Endpoint: srv.URL})
	require.NoError(t, err)
	require.ErrorIs(t, st.Run(ctx), localwatch.ErrManualClock)
	require.NoError(t, st.Settle(ctx))
	require.Len(t, got, 1)
	require.Equal(t, sns.TypeSubscriptionConfirmation, <-got)
}
