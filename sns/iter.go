package sns

import (
	"context"
	"iter"
)

// One iterator per paginated operation (botocore's paginators for SNS), each
// named <Operation>All: it calls the operation page by page (each page is one
// recorded call, as an SDK paginator makes), starting at in.NextToken, and
// yields the items of the result list. An error ends the walk after being
// yielded once.

// pageItems walks the pages of one operation: page fetches the page at token
// and returns its items and the next token ("" after the last page).
func pageItems[T any](page func(token string) ([]T, string, error), token string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for {
			items, next, err := page(token)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			token = next
		}
	}
}

// ListTopicsAll walks every topic with ListTopics.
func (s *Service) ListTopicsAll(ctx context.Context, in ListTopicsInput) iter.Seq2[Topic, error] {
	return pageItems(func(token string) ([]Topic, string, error) {
		in.NextToken = token
		out, err := s.ListTopics(ctx, in)
		if err != nil {
			return nil, "", err
		}
		return out.Topics, out.NextToken, nil
	}, in.NextToken)
}

// ListSubscriptionsAll walks every subscription with ListSubscriptions.
func (s *Service) ListSubscriptionsAll(ctx context.Context, in ListSubscriptionsInput) iter.Seq2[Subscription, error] {
	return pageItems(func(token string) ([]Subscription, string, error) {
		in.NextToken = token
		out, err := s.ListSubscriptions(ctx, in)
		if err != nil {
			return nil, "", err
		}
		return out.Subscriptions, out.NextToken, nil
	}, in.NextToken)
}

// ListSubscriptionsByTopicAll walks a topic's subscriptions with
// ListSubscriptionsByTopic.
func (s *Service) ListSubscriptionsByTopicAll(ctx context.Context, in ListSubscriptionsByTopicInput) iter.Seq2[Subscription, error] {
	return pageItems(func(token string) ([]Subscription, string, error) {
		in.NextToken = token
		out, err := s.ListSubscriptionsByTopic(ctx, in)
		if err != nil {
			return nil, "", err
		}
		return out.Subscriptions, out.NextToken, nil
	}, in.NextToken)
}

// ListPlatformApplicationsAll walks every platform application with
// ListPlatformApplications.
func (s *Service) ListPlatformApplicationsAll(ctx context.Context, in ListPlatformApplicationsInput) iter.Seq2[PlatformApplication, error] {
	return pageItems(func(token string) ([]PlatformApplication, string, error) {
		in.NextToken = token
		out, err := s.ListPlatformApplications(ctx, in)
		if err != nil {
			return nil, "", err
		}
		return out.PlatformApplications, out.NextToken, nil
	}, in.NextToken)
}

// ListEndpointsByPlatformApplicationAll walks an application's endpoints
// with ListEndpointsByPlatformApplication.
func (s *Service) ListEndpointsByPlatformApplicationAll(ctx context.Context, in ListEndpointsByPlatformApplicationInput) iter.Seq2[Endpoint, error] {
	return pageItems(func(token string) ([]Endpoint, string, error) {
		in.NextToken = token
		out, err := s.ListEndpointsByPlatformApplication(ctx, in)
		if err != nil {
			return nil, "", err
		}
		return out.Endpoints, out.NextToken, nil
	}, in.NextToken)
}

// ListPhoneNumbersOptedOutAll walks the opt-out list with
// ListPhoneNumbersOptedOut.
func (s *Service) ListPhoneNumbersOptedOutAll(ctx context.Context, in ListPhoneNumbersOptedOutInput) iter.Seq2[string, error] {
	return pageItems(func(token string) ([]string, string, error) {
		in.NextToken = token
		out, err := s.ListPhoneNumbersOptedOut(ctx, in)
		if err != nil {
			return nil, "", err
		}
		return out.PhoneNumbers, out.NextToken, nil
	}, in.NextToken)
}

// ListSMSSandboxPhoneNumbersAll walks the SMS sandbox's numbers with
// ListSMSSandboxPhoneNumbers.
func (s *Service) ListSMSSandboxPhoneNumbersAll(ctx context.Context, in ListSMSSandboxPhoneNumbersInput) iter.Seq2[SMSSandboxPhoneNumber, error] {
	return pageItems(func(token string) ([]SMSSandboxPhoneNumber, string, error) {
		in.NextToken = token
		out, err := s.ListSMSSandboxPhoneNumbers(ctx, in)
		if err != nil {
			return nil, "", err
		}
		return out.PhoneNumbers, out.NextToken, nil
	}, in.NextToken)
}

// ListOriginationNumbersAll walks the origination numbers with
// ListOriginationNumbers.
func (s *Service) ListOriginationNumbersAll(ctx context.Context, in ListOriginationNumbersInput) iter.Seq2[PhoneNumberInformation, error] {
	return pageItems(func(token string) ([]PhoneNumberInformation, string, error) {
		in.NextToken = token
		out, err := s.ListOriginationNumbers(ctx, in)
		if err != nil {
			return nil, "", err
		}
		return out.PhoneNumbers, out.NextToken, nil
	}, in.NextToken)
}
