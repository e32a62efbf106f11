package logs_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/logs"
)

// Mask email addresses in a log group: readers see asterisks unless they
// ask to unmask, and a findings report lands in the audit log group.
func ExampleService_PutDataProtectionPolicy() {
	ctx := context.Background()
	clk := localwatch.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := logs.New(logs.Options{Clock: clk})
	defer s.Close()
	for _, g := range []string{"/app/web", "/audit/findings"} {
		_, _ = s.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: g})
	}
	_, _ = s.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "/app/web", LogStreamName: "i-1"})
	const email = "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
	_, err := s.PutDataProtectionPolicy(ctx, logs.PutDataProtectionPolicyInput{LogGroupIdentifier: "/app/web", PolicyDocument: `{
		"Name": "mask-emails", "Version": "2021-06-01",
		"Statement": [
			{"Sid": "audit", "DataIdentifier": ["` + email + `"], "Operation": {"Audit": {"FindingsDestination": {"CloudWatchLogs": {"LogGroup": "/audit/findings"}}}}},
			{"Sid": "redact", "DataIdentifier": ["` + email + `"], "Operation": {"Deidentify": {"MaskConfig": {}}}}]}`})
	if err != nil {
		panic(err)
	}
	_, _ = s.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "/app/web", LogStreamName: "i-1",
		LogEvents: []logs.InputLogEvent{{Timestamp: clk.Now().UnixMilli(), Message: "signup jane@example.com"}}})

	masked, _ := s.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "/app/web"})
	unmasked, _ := s.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "/app/web", Unmask: logs.Bool(true)})
	findings, _ := s.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "/audit/findings"})
	fmt.Println(masked.Events[0].Message)
	fmt.Println(unmasked.Events[0].Message)
	fmt.Println(findings.Events[0].Message)
	// Output:
	// signup ****************
	// signup jane@example.com
	// {"auditTimestamp":"2026-03-01T12:00:00Z","resourceArn":"arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*","dataIdentifiers":[{"name":"EmailAddress","count":1,"detections":[{"start":7,"end":23}]}]}
}

// Follow a log group live: the session start, then one update per second of
// the clock with the events that arrived in it.
func ExampleService_StartLiveTail() {
	ctx := context.Background()
	clk := localwatch.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := logs.New(logs.Options{Clock: clk})
	defer s.Close()
	_, _ = s.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "/app/web"})
	_, _ = s.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "/app/web", LogStreamName: "i-1"})

	session, err := s.StartLiveTail(ctx, logs.StartLiveTailInput{LogGroupIdentifiers: []string{"/app/web"}, LogEventFilterPattern: "ERROR"})
	if err != nil {
		panic(err)
	}
	updates := 0
	for ev, err := range session {
		if err != nil {
			panic(err)
		}
		if ev.SessionStart != nil {
			fmt.Println("session started for", ev.SessionStart.LogGroupIdentifiers)
		} else {
			for _, e := range ev.SessionUpdate.SessionResults {
				fmt.Println("live:", e.Message)
			}
			if updates++; updates == 2 {
				break
			}
		}
		// The application logs, and a second passes.
		_, _ = s.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "/app/web", LogStreamName: "i-1", LogEvents: []logs.InputLogEvent{
			{Timestamp: clk.Now().UnixMilli(), Message: fmt.Sprint("ERROR request ", updates)},
			{Timestamp: clk.Now().UnixMilli(), Message: "INFO fine"}}})
		clk.Advance(time.Second)
	}
	// Output:
	// session started for [/app/web]
	// live: ERROR request 0
	// live: ERROR request 1
}
