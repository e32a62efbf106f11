package logs_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/logs"
)

// Cross-account subscription: account 222222222222 owns a destination in front
// of its Kinesis stream and lets 111111111111 deliver to it; 111111111111's
// subscription filter names the destination.
func ExampleService_CrossAccountDestination() {
	ctx := context.Background()
	clk := localwatch.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	receiver := logs.New(logs.Options{Clock: clk, AccountID: "222222222222"})
	defer receiver.Close()
	sender := logs.New(logs.Options{Clock: clk, AccountID: "111111111111"})
	defer sender.Close()

	stream := "arn:aws:kinesis:us-east-1:222222222222:stream/central"
	receiver.RegisterDestination(stream, func(_ context.Context, d logs.SubscriptionDelivery) error {
		fmt.Printf("%s got %q from account %s\n", d.DestinationArn, d.Message.LogEvents[0].Message, d.Message.Owner)
		return nil
	})
	dest, _ := receiver.PutDestination(ctx, logs.PutDestinationInput{DestinationName: "central", TargetArn: stream,
		RoleArn: "arn:aws:iam::222222222222:role/CWLtoKinesis"})
	_, _ = receiver.PutDestinationPolicy(ctx, logs.PutDestinationPolicyInput{DestinationName: "central",
		AccessPolicy: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"logs:PutSubscriptionFilter","Resource":"` + dest.Destination.Arn + `"}]}`})

	sender.RegisterDestination(dest.Destination.Arn, receiver.CrossAccountDestination())
	_, _ = sender.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "app"})
	_, _ = sender.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "app", LogStreamName: "web"})
	_, _ = sender.PutSubscriptionFilter(ctx, logs.PutSubscriptionFilterInput{LogGroupName: "app", FilterName: "all", DestinationArn: dest.Destination.Arn})
	_, _ = sender.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "app", LogStreamName: "web",
		LogEvents: []logs.InputLogEvent{{Timestamp: clk.Now().UnixMilli(), Message: "hello"}}})
	// Output:
	// arn:aws:kinesis:us-east-1:222222222222:stream/central got "hello" from account 111111111111
}

// An export task writes a time range of a group's events to the object store.
func ExampleService_CreateExportTask() {
	ctx := context.Background()
	clk := localwatch.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := logs.New(logs.Options{Clock: clk})
	defer s.Close()
	_, _ = s.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "app"})
	_, _ = s.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "app", LogStreamName: "web"})
	now := clk.Now().UnixMilli()
	_, _ = s.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "app", LogStreamName: "web",
		LogEvents: []logs.InputLogEvent{{Timestamp: now, Message: "GET / 200"}}})
	task, _ := s.CreateExportTask(ctx, logs.CreateExportTaskInput{LogGroupName: "app", From: now, To: now, Destination: "archive", DestinationPrefix: "web"})
	clk.Advance(time.Second) // the task runs with the clock's due work

	obj, _ := s.Store().Get(ctx, "archive", "web/"+task.TaskID+"/web/000000.gz")
	zr, _ := gzip.NewReader(bytes.NewReader(obj.Body))
	lines, _ := io.ReadAll(zr)
	fmt.Print(string(lines))
	// Output:
	// 2026-03-01T12:00:00.000Z GET / 200
}
