package sns

import (
	"context"
	"iter"
)

// Topics walks every topic with ListTopics, page by page (each page is one
// recorded ListTopics call, as an SDK paginator makes).
func (s *Service) Topics(ctx context.Context) iter.Seq2[Topic, error] {
	return func(yield func(Topic, error) bool) {
		var token *string
		for {
			out, err := s.ListTopics(ctx, ListTopicsInput{NextToken: token})
			if err != nil {
				yield(Topic{}, err)
				return
			}
			for _, t := range out.Topics {
				if !yield(t, nil) {
					return
				}
			}
			if out.NextToken == nil {
				return
			}
			token = out.NextToken
		}
	}
}

// Subscriptions walks the subscriptions of topicARN (every topic's when
// topicARN is empty) with ListSubscriptionsByTopic / ListSubscriptions.
func (s *Service) Subscriptions(ctx context.Context, topicARN string) iter.Seq2[Subscription, error] {
	return func(yield func(Subscription, error) bool) {
		var token *string
		for {
			var page []Subscription
			var next *string
			if topicARN == "" {
				out, err := s.ListSubscriptions(ctx, ListSubscriptionsInput{NextToken: token})
				if err != nil {
					yield(Subscription{}, err)
					return
				}
				page, next = out.Subscriptions, out.NextToken
			} else {
				out, err := s.ListSubscriptionsByTopic(ctx, ListSubscriptionsByTopicInput{TopicArn: topicARN, NextToken: token})
				if err != nil {
					yield(Subscription{}, err)
					return
				}
				page, next = out.Subscriptions, out.NextToken
			}
			for _, sub := range page {
				if !yield(sub, nil) {
					return
				}
			}
			if next == nil {
				return
			}
			token = next
		}
	}
}
