package localwatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/insightrules"
	"github.com/localwatch/localwatch/logs"
)

// TestInsightRulesReadTheStacksLogsUnmaskedAndUnrecorded: a rule sees the
// events CloudWatch Logs ingested, as ingested (data protection masks what
// readers see, not what rules analyse), and its reads are not API calls.
func TestInsightRulesReadTheStacksLogsUnmaskedAndUnrecorded(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st := localwatch.New(localwatch.Options{Clock: localwatch.NewManualClock(now), IDSeed: 1})
	defer st.Close()
	var calls []string
	localwatch.Subscribe(st, "calls", func(_ context.Context, c localwatch.APICall) error {
		calls = append(calls, c.EventName)
		return nil
	})
	_, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "app"})
	require.NoError(t, err)
	_, err = st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "app", LogStreamName: "s"})
	require.NoError(t, err)
	const email = "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
	_, err = st.Logs.PutDataProtectionPolicy(ctx, logs.PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: `{"Statement": [
		{"DataIdentifier": ["` + email + `"], "Operation": {"Audit": {"FindingsDestination": {}}}},
		{"DataIdentifier": ["` + email + `"], "Operation": {"Deidentify": {"MaskConfig": {}}}}]}`})
	require.NoError(t, err)
	_, err = st.InsightRules.PutInsightRule(ctx, insightrules.PutInsightRuleInput{RuleName: "users", RuleDefinition: `{"Schema": {"Name": "CloudWatchLogRule", "Version": 1},
		"LogGroupNames": ["app"], "LogFormat": "JSON", "Contribution": {"Keys": ["$.user"]}, "AggregateOn": "Count"}`})
	require.NoError(t, err)
	_, err = st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "app", LogStreamName: "s", LogEvents: []logs.InputLogEvent{
		{Timestamp: now.UnixMilli(), Message: `{"user": "jane@example.com"}`}}})
	require.NoError(t, err)

	calls = nil
	rep, err := st.InsightRules.GetInsightRuleReport(ctx, insightrules.GetInsightRuleReportInput{RuleName: "users",
		StartTime: now.Add(-time.Minute), EndTime: now.Add(time.Minute), Period: 60})
	require.NoError(t, err)
	require.Len(t, rep.Contributors, 1)
	assert.Equal(t, []string{"jane@example.com"}, rep.Contributors[0].Keys)
	assert.Equal(t, []string{"GetInsightRuleReport"}, calls, "the rule's reads of Logs are not API calls")

	empty, err := st.InsightRules.GetInsightRuleReport(ctx, insightrules.GetInsightRuleReportInput{RuleName: "users",
		StartTime: now, EndTime: now.Add(time.Microsecond), Period: 60})
	require.NoError(t, err, "a window shorter than a millisecond holds no event")
	assert.Empty(t, empty.Contributors)
}
