package sns

import (
	"context"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// ReplayOp replays one of the service's internal operations from an
// account's journal (the API operations are replayed by name): the delivery
// results of HTTP/S attempts, the visits to a message's SubscribeURL and
// UnsubscribeURL, and the in-memory queue and opt-out changes. decode fills
// the operation's input; known is false for a name that is not one of them.
// Applications do not call it.
func (s *Service) ReplayOp(ctx context.Context, name string, decode func(in any) error) (known bool, err error) {
	switch name {
	case opDeliveryResult:
		var in deliveryResultInput
		if err := decode(&in); err != nil {
			return true, err
		}
		_, err = op.Do(event.Unrecorded(ctx), &s.op, event.Call{Name: name}, in, s.deliveryResult)
	case opConfirmByURL:
		var in ConfirmSubscriptionInput
		if err := decode(&in); err != nil {
			return true, err
		}
		_, err = op.Do(ctx, &s.op, event.Call{Name: name, Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.confirmByURL)
	case opUnsubscribeByURL:
		var in UnsubscribeInput
		if err := decode(&in); err != nil {
			return true, err
		}
		_, err = op.Do(ctx, &s.op, event.Call{Name: name}, in, s.unsubscribeByURL)
	case opCreateQueue:
		var in queueInput
		if err := decode(&in); err != nil {
			return true, err
		}
		_, err = op.Do(event.Unrecorded(ctx), &s.op, event.Call{Name: name}, in, s.createQueue)
	case opDeleteQueue:
		var in queueInput
		if err := decode(&in); err != nil {
			return true, err
		}
		_, err = op.Do(event.Unrecorded(ctx), &s.op, event.Call{Name: name}, in, s.deleteQueue)
	case opOptOut:
		var in optOutInput
		if err := decode(&in); err != nil {
			return true, err
		}
		_, err = op.Do(event.Unrecorded(ctx), &s.op, event.Call{Name: name}, in, s.optOutPhoneNumber)
	default:
		return false, nil
	}
	return true, err
}
