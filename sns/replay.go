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
	case opQueueSendMessage:
		err = replayQueueOp(ctx, s, name, decode, (*Service).queueSendMessage)
	case opQueueReceiveMessage:
		err = replayQueueOp(ctx, s, name, decode, (*Service).queueReceiveMessage)
	case opQueueDeleteMessage:
		err = replayQueueOp(ctx, s, name, decode, (*Service).queueDeleteMessage)
	case opQueueChangeMessageVisibility:
		err = replayQueueOp(ctx, s, name, decode, (*Service).queueChangeMessageVisibility)
	case opQueueSetVisibilityTimeout:
		err = replayQueueOp(ctx, s, name, decode, (*Service).queueSetVisibilityTimeout)
	default:
		return false, nil
	}
	return true, err
}

// replayQueueOp replays one change of an in-memory queue (see queueOp); the
// queue is found by the ARN its input names.
func replayQueueOp[In queueInputs, Out any](ctx context.Context, s *Service, name string, decode func(in any) error,
	core func(s *Service, ctx context.Context, c *event.Call, in In) (Out, error)) error {
	var in In
	if err := decode(&in); err != nil {
		return err
	}
	_, err := op.Do(event.Unrecorded(ctx), &s.op, event.Call{Name: name}, in, func(ctx context.Context, c *event.Call, in In) (Out, error) {
		return core(s, ctx, c, in)
	})
	return err
}
