package insightrules_test

import (
	"context"
	"fmt"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/insightrules"
	"github.com/localwatch/localwatch/logs"
)

// Find the client IPs that sent the most bytes in PUT requests, from an
// access log in JSON.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st := localwatch.New(localwatch.Options{Clock: localwatch.NewManualClock(now), IDSeed: 1})
	defer st.Close()

	_, err := st.InsightRules.PutInsightRule(ctx, insightrules.PutInsightRuleInput{RuleName: "bytes-by-ip", RuleDefinition: `{
		"Schema": {"Name": "CloudWatchLogRule", "Version": 1},
		"LogGroupNames": ["access-*"],
		"LogFormat": "JSON",
		"Contribution": {"Keys": ["$.ip"], "ValueOf": "$.bytes", "Filters": [{"Match": "$.method", "In": ["PUT"]}]},
		"AggregateOn": "Sum"}`})
	if err != nil {
		panic(err)
	}
	st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "access-web"})
	st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "access-web", LogStreamName: "i-1"})
	ms := now.UnixMilli()
	st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "access-web", LogStreamName: "i-1", LogEvents: []logs.InputLogEvent{
		{Timestamp: ms, Message: `{"ip": "10.0.0.1", "method": "PUT", "bytes": 700}`},
		{Timestamp: ms, Message: `{"ip": "10.0.0.2", "method": "PUT", "bytes": 900}`},
		{Timestamp: ms, Message: `{"ip": "10.0.0.1", "method": "PUT", "bytes": 300}`},
		{Timestamp: ms, Message: `{"ip": "10.0.0.3", "method": "GET", "bytes": 5000}`},
	}})

	rep, err := st.InsightRules.GetInsightRuleReport(ctx, insightrules.GetInsightRuleReportInput{RuleName: "bytes-by-ip",
		StartTime: now.Add(-time.Hour), EndTime: now.Add(time.Hour), Period: 300})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.KeyLabels, rep.AggregationStatistic, *rep.AggregateValue, *rep.ApproximateUniqueCount)
	for _, c := range rep.Contributors {
		fmt.Println(c.Keys, c.ApproximateAggregateValue)
	}
	// Output:
	// [$.ip] Sum 1900 2
	// [10.0.0.1] 1000
	// [10.0.0.2] 900
}
