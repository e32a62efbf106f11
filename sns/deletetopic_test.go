package sns_test

import (
	"context"
	"testing"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/sns"
)

// DeleteTopic deletes every subscription of the topic, however many.
func TestDeleteTopicDeletesAllItsSubscriptions(t *testing.T) {
	ctx := context.Background()
	s := sns.New(sns.Options{Clock: clock.NewManual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	defer s.Close()
	topic, err := s.CreateTopic(ctx, sns.CreateTopicInput{Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		if _, err := s.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "email", Endpoint: e}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DeleteTopic(ctx, sns.DeleteTopicInput{TopicArn: topic.TopicArn}); err != nil {
		t.Fatal(err)
	}
	out, err := s.ListSubscriptions(ctx, sns.ListSubscriptionsInput{})
	if err != nil || len(out.Subscriptions) != 0 {
		t.Fatalf("left %d subscriptions, %v", len(out.Subscriptions), err)
	}
}
