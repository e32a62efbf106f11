package sns_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/sns"
)

// A topic fans a message out to a queue and a Go function, each behind a
// filter policy.
func Example() {
	ctx := context.Background()
	svc := sns.New(sns.Options{Clock: localwatch.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), IDs: localwatch.NewIDSource(1)})
	defer svc.Close()

	topic, _ := svc.CreateTopic(ctx, sns.CreateTopicInput{Name: "orders"})
	queue, _ := svc.CreateQueue("big-orders")
	svc.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: ptr(queue.ARN()),
		Attributes: map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"amount":[{"numeric":[">=",100]}]}`}})
	fn := svc.RegisterFunction("audit", func(_ context.Context, ev sns.LambdaEvent) error {
		fmt.Println("function got:", ev.Records[0].Sns.Message)
		return nil
	})
	svc.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "lambda", Endpoint: &fn,
		Attributes: map[string]string{"FilterPolicy": `{"region":[{"prefix":"eu-"}]}`}})

	for _, o := range []struct{ amount, region string }{{"250", "eu-west-1"}, {"20", "us-east-1"}, {"120", "us-west-2"}} {
		svc.Publish(ctx, sns.PublishInput{TopicArn: topic.TopicArn, Message: "order of " + o.amount + " in " + o.region,
			MessageAttributes: map[string]sns.MessageAttributeValue{
				"amount": {DataType: "Number", StringValue: o.amount},
				"region": {DataType: "String", StringValue: o.region},
			}})
	}
	out, _ := queue.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
	for _, m := range out.Messages {
		fmt.Println("queue got:", m.Body)
	}
	// Output:
	// function got: order of 250 in eu-west-1
	// queue got: order of 250 in eu-west-1
	// queue got: order of 120 in us-west-2
}

func ptr(s string) *string { return &s }
