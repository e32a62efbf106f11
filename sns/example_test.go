package sns_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
	svc.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: queue.ARN(),
		Attributes: map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"amount":[{"numeric":[">=",100]}]}`}})
	fn := svc.RegisterFunction("audit", func(_ context.Context, ev sns.LambdaEvent) error {
		fmt.Println("function got:", ev.Records[0].Sns.Message)
		return nil
	})
	svc.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "lambda", Endpoint: fn,
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

// On the manual clock, Publish only queues the POST to an HTTP endpoint;
// Settle sends it, and a test then sees what the endpoint received. A failed
// attempt is retried on the clock (AWS's default: 20 seconds later): advance
// it, then settle again. An application calls Run instead (localwatch's
// Account.Run starts it), whose workers send as messages come.
func ExampleService_Settle() {
	ctx := context.Background()
	var svc *sns.Service
	snsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { svc.Handler().ServeHTTP(w, r) }))
	defer snsSrv.Close()
	failures := 1
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		env, _ := sns.ParseEnvelope(body)
		fmt.Println("endpoint got:", env.Type, env.Message)
		switch {
		case env.Type == sns.TypeSubscriptionConfirmation:
			resp, _ := http.Get(env.SubscribeURL) // confirm, as a subscriber does
			resp.Body.Close()
		case failures > 0:
			failures--
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer endpoint.Close()

	clk := localwatch.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	svc = sns.New(sns.Options{Clock: clk, IDs: localwatch.NewIDSource(1), Endpoint: snsSrv.URL})
	defer svc.Close()
	topic, _ := svc.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops"})
	svc.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "http", Endpoint: endpoint.URL})
	svc.Settle(ctx)

	svc.Publish(ctx, sns.PublishInput{TopicArn: topic.TopicArn, Message: "disk full"})
	fmt.Println("published")
	svc.Settle(ctx)
	clk.Advance(20 * time.Second)
	svc.Settle(ctx)
	// Output:
	// endpoint got: SubscriptionConfirmation You have chosen to subscribe to the topic arn:aws:sns:us-east-1:123456789012:ops.
	// To confirm the subscription, visit the SubscribeURL included in this message.
	// published
	// endpoint got: Notification disk full
	// endpoint got: Notification disk full
}
