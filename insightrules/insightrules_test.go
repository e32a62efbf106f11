package insightrules_test

import (
	"context"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/insightrules"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
)

// nilCtx is a nil context: a nil ctx is part of every operation's contract.
var nilCtx context.Context

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeLogs is a LogSource over events kept per group.
type fakeLogs struct {
	clk    *clock.Manual
	events map[string][]insightrules.LogEvent
}

func (f *fakeLogs) put(group string, ts time.Time, msg string) {
	f.events[group] = append(f.events[group], insightrules.LogEvent{Timestamp: ts.UnixMilli(), IngestionTime: f.clk.Now().UnixMilli(), Message: msg})
}

func (f *fakeLogs) LogGroupNames(context.Context) ([]string, error) {
	var out []string
	for g := range f.events {
		out = append(out, g)
	}
	return out, nil
}

func (f *fakeLogs) LogEvents(_ context.Context, g string, start, end int64) iter.Seq2[insightrules.LogEvent, error] {
	return func(yield func(insightrules.LogEvent, error) bool) {
		for _, e := range f.events[g] {
			if e.Timestamp >= start && e.Timestamp < end && !yield(e, nil) {
				return
			}
		}
	}
}

func newService(t *testing.T) (*insightrules.Service, *fakeLogs, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(t0)
	logs := &fakeLogs{clk: clk, events: map[string][]insightrules.LogEvent{}}
	s := insightrules.New(insightrules.Options{Clock: clk, IDs: ids.New(1), Logs: logs})
	t.Cleanup(s.Close)
	return s, logs, clk
}

const bytesByIP = `{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": ["api-*"], "LogFormat": "JSON",
 "Contribution": {"Keys": ["$.ip"], "ValueOf": "$.bytes", "Filters": [{"Match": "$.method", "In": ["PUT", "POST"]}]}, "AggregateOn": "Sum"}`

func def(contribution string) string {
	return `{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": ["g"], "LogFormat": "JSON", "Contribution": ` + contribution + `, "AggregateOn": "Count"}`
}

func TestPutInsightRuleRejectsWhatTheRuleSyntaxForbids(t *testing.T) {
	cases := []struct {
		name string
		in   insightrules.PutInsightRuleInput
		code string
	}{
		{"a rule name is required", insightrules.PutInsightRuleInput{RuleDefinition: bytesByIP}, "MissingParameter"},
		{"a rule definition is required", insightrules.PutInsightRuleInput{RuleName: "r"}, "MissingParameter"},
		{"a rule name is printable ASCII", insightrules.PutInsightRuleInput{RuleName: "r\n", RuleDefinition: bytesByIP}, "InvalidParameterValue"},
		{"a rule name is at most 128 characters", insightrules.PutInsightRuleInput{RuleName: strings.Repeat("r", 129), RuleDefinition: bytesByIP}, "InvalidParameterValue"},
		{"a definition is at most 8192 characters", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: bytesByIP + strings.Repeat(" ", 8192)}, "InvalidParameterValue"},
		{"the state is ENABLED or DISABLED", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: bytesByIP, RuleState: "On"}, "InvalidParameterValue"},
		{"the body is JSON", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: "{"}, "InvalidParameterValue"},
		{"the schema is CloudWatchLogRule version 1", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `"Version": 1`, `"Version": 2`, 1)}, "InvalidParameterValue"},
		{"unknown fields are refused", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `"LogFormat"`, `"Extra": 1, "LogFormat"`, 1)}, "InvalidParameterValue"},
		{"log groups are required", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `["api-*"]`, `[]`, 1)}, "InvalidParameterValue"},
		{"LogGroupNames and LogGroupARNs exclude each other", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `"LogFormat"`, `"LogGroupARNs": ["arn:aws:logs:us-east-1:123456789012:log-group:x"], "LogFormat"`, 1)}, "InvalidParameterValue"},
		{"a wildcard only ends a log group name", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `api-*`, `a*pi`, 1)}, "InvalidParameterValue"},
		{"the log format is JSON or CLF", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `"JSON"`, `"XML"`, 1)}, "InvalidParameterValue"},
		{"Fields is for CLF rules only", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `"LogFormat"`, `"Fields": {"1": "a"}, "LogFormat"`, 1)}, "InvalidParameterValue"},
		{"a contribution needs a key", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": []}`)}, "InvalidParameterValue"},
		{"a contribution has at most four keys", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.a", "$.b", "$.c", "$.d", "$.e"]}`)}, "InvalidParameterValue"},
		{"keys are in JSON property notation", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$ip"]}`)}, "InvalidParameterValue"},
		{"at most four filters", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.a"], "Filters": [` + strings.Repeat(`{"Match": "$.a", "IsPresent": true},`, 4) + `{"Match": "$.a", "IsPresent": true}]}`)}, "InvalidParameterValue"},
		{"a filter has one operator", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.a"], "Filters": [{"Match": "$.a", "In": ["x"], "NotIn": ["y"]}]}`)}, "InvalidParameterValue"},
		{"a filter operator is a known one", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.a"], "Filters": [{"Match": "$.a", "Contains": ["x"]}]}`)}, "InvalidParameterValue"},
		{"a filter needs Match", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.a"], "Filters": [{"In": ["x"]}]}`)}, "InvalidParameterValue"},
		{"In takes at most ten strings", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.a"], "Filters": [{"Match": "$.a", "In": ["1","2","3","4","5","6","7","8","9","10","11"]}]}`)}, "InvalidParameterValue"},
		{"GreaterThan takes a number", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.a"], "Filters": [{"Match": "$.a", "GreaterThan": "5"}]}`)}, "InvalidParameterValue"},
		{"AggregateOn is Count or Sum", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `"Sum"`, `"Max"`, 1)}, "InvalidParameterValue"},
		{"Sum needs ValueOf", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: strings.Replace(bytesByIP, `"ValueOf": "$.bytes", `, ``, 1)}, "InvalidParameterValue"},
		{"a CLF field is a position or a Fields alias", insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: `{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": ["g"], "LogFormat": "CLF", "Fields": {"1": "ip"}, "Contribution": {"Keys": ["host"]}, "AggregateOn": "Count"}`}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := newService(t)
			_, err := s.PutInsightRule(context.Background(), tc.in)
			require.Error(t, err)
			assert.Equal(t, tc.code, awserr.Code(err), err.Error())
			out, err := s.DescribeInsightRules(context.Background(), insightrules.DescribeInsightRulesInput{})
			require.NoError(t, err)
			assert.Empty(t, out.InsightRules, "a rejected call stores nothing")
		})
	}
}

func TestPutInsightRuleStoresTheRuleAsDescribed(t *testing.T) {
	s, _, _ := newService(t)
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "bytes", RuleDefinition: bytesByIP, Tags: []insightrules.Tag{{Key: "team", Value: "a"}}})
	require.NoError(t, err)
	_, err = s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "off", RuleDefinition: bytesByIP, RuleState: insightrules.StateDisabled})
	require.NoError(t, err)
	out, err := s.DescribeInsightRules(nilCtx, insightrules.DescribeInsightRulesInput{})
	require.NoError(t, err)
	assert.Equal(t, []insightrules.InsightRule{
		{Name: "bytes", State: "ENABLED", Schema: `{"Name": "CloudWatchLogRule", "Version": 1}`, Definition: bytesByIP},
		{Name: "off", State: "DISABLED", Schema: `{"Name": "CloudWatchLogRule", "Version": 1}`, Definition: bytesByIP},
	}, out.InsightRules)
	assert.Equal(t, []insightrules.Tag{{Key: "team", Value: "a"}}, s.Tags("bytes"))
}

func TestPutInsightRuleRefusesTheRuleBeyondTheQuota(t *testing.T) {
	s, _, _ := newService(t)
	for i := range insightrules.MaxRules {
		_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "r" + string(rune('A'+i/26)) + string(rune('a'+i%26)), RuleDefinition: bytesByIP})
		require.NoError(t, err)
	}
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "one-more", RuleDefinition: bytesByIP})
	assert.Equal(t, "LimitExceededException", awserr.Code(err))
	// Updating an existing rule is no new rule.
	_, err = s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "rAa", RuleDefinition: bytesByIP, RuleState: insightrules.StateDisabled})
	assert.NoError(t, err)
}

func TestDescribeInsightRulesPages(t *testing.T) {
	s, _, _ := newService(t)
	for _, n := range []string{"c", "a", "b"} {
		_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: n, RuleDefinition: bytesByIP})
		require.NoError(t, err)
	}
	two := int32(2)
	p1, err := s.DescribeInsightRules(nilCtx, insightrules.DescribeInsightRulesInput{MaxResults: &two})
	require.NoError(t, err)
	require.Len(t, p1.InsightRules, 2)
	require.NotEmpty(t, p1.NextToken)
	p2, err := s.DescribeInsightRules(nilCtx, insightrules.DescribeInsightRulesInput{MaxResults: &two, NextToken: p1.NextToken})
	require.NoError(t, err)
	assert.Equal(t, "c", p2.InsightRules[0].Name)
	assert.Empty(t, p2.NextToken)
	var names []string
	for r, err := range s.DescribeInsightRulesAll(nilCtx, insightrules.DescribeInsightRulesInput{MaxResults: &two}) {
		require.NoError(t, err)
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"a", "b", "c"}, names)

	for _, tc := range []struct {
		name string
		in   insightrules.DescribeInsightRulesInput
		code string
	}{
		{"MaxResults is at least 1", insightrules.DescribeInsightRulesInput{MaxResults: new(int32)}, "InvalidParameterValue"},
		{"MaxResults is at most 500", insightrules.DescribeInsightRulesInput{MaxResults: ptr(int32(501))}, "InvalidParameterValue"},
		{"a token the service did not make is refused", insightrules.DescribeInsightRulesInput{NextToken: "!!"}, "InvalidNextToken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.DescribeInsightRules(nilCtx, tc.in)
			assert.Equal(t, tc.code, awserr.Code(err))
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestBatchOperationsReportUnknownRulesAsFailures(t *testing.T) {
	s, _, _ := newService(t)
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: bytesByIP})
	require.NoError(t, err)
	dis, err := s.DisableInsightRules(nilCtx, insightrules.DisableInsightRulesInput{RuleNames: []string{"r", "nope"}})
	require.NoError(t, err)
	require.Len(t, dis.Failures, 1)
	assert.Equal(t, "nope", dis.Failures[0].FailureResource)
	assert.Equal(t, "ResourceNotFoundException", dis.Failures[0].ExceptionType)
	out, _ := s.DescribeInsightRules(nilCtx, insightrules.DescribeInsightRulesInput{})
	assert.Equal(t, insightrules.StateDisabled, out.InsightRules[0].State)

	en, err := s.EnableInsightRules(nilCtx, insightrules.EnableInsightRulesInput{RuleNames: []string{"r"}})
	require.NoError(t, err)
	assert.Empty(t, en.Failures)
	out, _ = s.DescribeInsightRules(nilCtx, insightrules.DescribeInsightRulesInput{})
	assert.Equal(t, insightrules.StateEnabled, out.InsightRules[0].State)

	del, err := s.DeleteInsightRules(nilCtx, insightrules.DeleteInsightRulesInput{RuleNames: []string{"nope", "r"}})
	require.NoError(t, err)
	assert.Len(t, del.Failures, 1)
	out, _ = s.DescribeInsightRules(nilCtx, insightrules.DescribeInsightRulesInput{})
	assert.Empty(t, out.InsightRules)

	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"EnableInsightRules needs RuleNames", func() error {
			_, err := s.EnableInsightRules(nilCtx, insightrules.EnableInsightRulesInput{})
			return err
		}},
		{"DisableInsightRules needs RuleNames", func() error {
			_, err := s.DisableInsightRules(nilCtx, insightrules.DisableInsightRulesInput{})
			return err
		}},
		{"DeleteInsightRules needs RuleNames", func() error {
			_, err := s.DeleteInsightRules(nilCtx, insightrules.DeleteInsightRulesInput{})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, "MissingParameter", awserr.Code(tc.call())) })
	}
}

func report(t *testing.T, s *insightrules.Service, in insightrules.GetInsightRuleReportInput) *insightrules.GetInsightRuleReportOutput {
	t.Helper()
	if in.StartTime.IsZero() {
		in.StartTime, in.EndTime = t0.Add(-time.Hour), t0.Add(time.Hour)
	}
	if in.Period == 0 {
		in.Period = 60
	}
	out, err := s.GetInsightRuleReport(nilCtx, in)
	require.NoError(t, err)
	return out
}

func TestGetInsightRuleReportSumsValueOfPerContributor(t *testing.T) {
	s, logs, clk := newService(t)
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "bytes", RuleDefinition: bytesByIP})
	require.NoError(t, err)
	clk.Advance(time.Second)
	logs.put("api-1", t0, `{"ip": "10.0.0.1", "bytes": 100, "method": "PUT"}`)
	logs.put("api-2", t0.Add(30*time.Second), `{"ip": "10.0.0.1", "bytes": 50, "method": "POST"}`)
	logs.put("api-1", t0.Add(90*time.Second), `{"ip": "10.0.0.2", "bytes": 120, "method": "PUT"}`)
	logs.put("api-1", t0, `{"ip": "10.0.0.3", "bytes": 999, "method": "GET"}`) // filtered out
	logs.put("api-1", t0, `{"ip": "10.0.0.4", "method": "PUT"}`)               // no value
	logs.put("web", t0, `{"ip": "10.0.0.5", "bytes": 999, "method": "PUT"}`)   // another group
	logs.put("api-1", t0, `not json`)                                          // not JSON
	out := report(t, s, insightrules.GetInsightRuleReportInput{RuleName: "bytes", Metrics: []string{"UniqueContributors", "Sum", "SampleCount", "Maximum", "MaxContributorValue"},
		StartTime: t0, EndTime: t0.Add(5 * time.Minute), Period: 60})
	assert.Equal(t, []string{"$.ip"}, out.KeyLabels)
	assert.Equal(t, "Sum", out.AggregationStatistic)
	assert.Equal(t, 270.0, *out.AggregateValue)
	assert.Equal(t, int64(2), *out.ApproximateUniqueCount)
	require.Len(t, out.Contributors, 2)
	assert.Equal(t, []string{"10.0.0.1"}, out.Contributors[0].Keys)
	assert.Equal(t, 150.0, out.Contributors[0].ApproximateAggregateValue)
	assert.Equal(t, []insightrules.InsightRuleContributorDatapoint{{Timestamp: t0, ApproximateValue: 150}}, out.Contributors[0].Datapoints)
	assert.Equal(t, []insightrules.InsightRuleContributorDatapoint{{Timestamp: t0.Add(time.Minute), ApproximateValue: 120}}, out.Contributors[1].Datapoints)
	require.Len(t, out.MetricDatapoints, 2)
	dp := out.MetricDatapoints[0]
	assert.Equal(t, t0, dp.Timestamp)
	assert.Equal(t, 1.0, *dp.UniqueContributors)
	assert.Equal(t, 150.0, *dp.Sum)
	assert.Equal(t, 2.0, *dp.SampleCount)
	assert.Equal(t, 100.0, *dp.Maximum)
	assert.Equal(t, 150.0, *dp.MaxContributorValue)
	assert.Nil(t, dp.Average, "only the requested metrics are set")
}

func TestGetInsightRuleReportCountsOnlyEventsIngestedWhileEnabled(t *testing.T) {
	s, logs, clk := newService(t)
	rule := def(`{"Keys": ["$.user"]}`)
	logs.put("g", t0, `{"user": "before-the-rule"}`)
	clk.Advance(time.Second)
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: rule})
	require.NoError(t, err)
	logs.put("g", t0, `{"user": "enabled"}`)
	clk.Advance(time.Minute)
	_, err = s.DisableInsightRules(nilCtx, insightrules.DisableInsightRulesInput{RuleNames: []string{"r"}})
	require.NoError(t, err)
	logs.put("g", t0, `{"user": "disabled"}`)
	clk.Advance(time.Minute)
	_, err = s.EnableInsightRules(nilCtx, insightrules.EnableInsightRulesInput{RuleNames: []string{"r"}})
	require.NoError(t, err)
	logs.put("g", t0, `{"user": "re-enabled"}`)
	out := report(t, s, insightrules.GetInsightRuleReportInput{RuleName: "r"})
	var users []string
	for _, c := range out.Contributors {
		users = append(users, c.Keys[0])
	}
	assert.ElementsMatch(t, []string{"enabled", "re-enabled"}, users)
	assert.Equal(t, "Count", out.AggregationStatistic)
}

func TestGetInsightRuleReportFiltersAsTheRuleSyntaxSays(t *testing.T) {
	msgs := []string{
		`{"k": "a", "status": 200, "src": "ec2.amazonaws.com", "d": {"x": [1, 2]}}`,
		`{"k": "b", "status": 500, "src": "s3.amazonaws.com", "d": {"x": [3]}}`,
		`{"k": "c", "status": 404, "src": "ecs.amazonaws.com"}`,
	}
	cases := []struct {
		filter string
		want   []string
	}{
		{`{"Match": "$.status", "EqualTo": 200}`, []string{"a"}},
		{`{"Match": "$.status", "NotEqualTo": 200}`, []string{"b", "c"}},
		{`{"Match": "$.status", "GreaterThan": 404}`, []string{"b"}},
		{`{"Match": "$.status", "LessThan": 500}`, []string{"a", "c"}},
		{`{"Match": "$.src", "StartsWith": ["ec2", "ecs"]}`, []string{"a", "c"}},
		{`{"Match": "$.k", "In": ["a", "b"]}`, []string{"a", "b"}},
		{`{"Match": "$.k", "NotIn": ["a", "b"]}`, []string{"c"}},
		{`{"Match": "$.d.x[1]", "IsPresent": true}`, []string{"a"}},
		{`{"Match": "$.d.x[0]", "IsPresent": false}`, []string{"c"}},
		{`{"Match": "$.d", "IsPresent": true}`, nil}, // IsPresent looks at leaves only
	}
	for _, tc := range cases {
		t.Run(tc.filter, func(t *testing.T) {
			s, logs, _ := newService(t)
			_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.k"], "Filters": [` + tc.filter + `]}`)})
			require.NoError(t, err)
			for _, m := range msgs {
				logs.put("g", t0, m)
			}
			var got []string
			for _, c := range report(t, s, insightrules.GetInsightRuleReportInput{RuleName: "r"}).Contributors {
				got = append(got, c.Keys[0])
			}
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

func TestGetInsightRuleReportReadsCLFFieldsByPositionAndAlias(t *testing.T) {
	s, logs, _ := newService(t)
	body := `{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": ["access"], "LogFormat": "CLF",
	 "Fields": {"1": "IpAddress", "6": "StatusCode"}, "Contribution": {"Keys": ["IpAddress", "5"], "Filters": [{"Match": "StatusCode", "EqualTo": 200}]}, "AggregateOn": "Count"}`
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "clf", RuleDefinition: body})
	require.NoError(t, err)
	logs.put("access", t0, `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`)
	logs.put("access", t0, `127.0.0.1 - frank [10/Oct/2000:13:55:37 -0700] "GET /apache_pb.gif HTTP/1.0" 200 10`)
	logs.put("access", t0, `10.1.1.1 - - [10/Oct/2000:13:55:38 -0700] "GET /missing HTTP/1.0" 404 0`)
	out := report(t, s, insightrules.GetInsightRuleReportInput{RuleName: "clf"})
	require.Len(t, out.Contributors, 1)
	assert.Equal(t, []string{"127.0.0.1", "GET /apache_pb.gif HTTP/1.0"}, out.Contributors[0].Keys)
	assert.Equal(t, 2.0, out.Contributors[0].ApproximateAggregateValue)
	assert.Equal(t, []string{"IpAddress", "5"}, out.KeyLabels)
}

func TestGetInsightRuleReportRanksTopContributors(t *testing.T) {
	s, logs, _ := newService(t)
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: def(`{"Keys": ["$.k"]}`)})
	require.NoError(t, err)
	// a: 3 events in one minute; b: 4 events spread over four minutes.
	for range 3 {
		logs.put("g", t0, `{"k": "a"}`)
	}
	for i := range 4 {
		logs.put("g", t0.Add(time.Duration(i)*time.Minute), `{"k": "b"}`)
	}
	logs.put("g", t0, `{"k": "c"}`)
	one := int32(1)
	bySum := report(t, s, insightrules.GetInsightRuleReportInput{RuleName: "r", MaxContributorCount: &one})
	require.Len(t, bySum.Contributors, 1)
	assert.Equal(t, "b", bySum.Contributors[0].Keys[0])
	assert.Equal(t, int64(3), *bySum.ApproximateUniqueCount, "the unique count covers every contributor, not the top ones")
	byMax := report(t, s, insightrules.GetInsightRuleReportInput{RuleName: "r", MaxContributorCount: &one, OrderBy: "Maximum"})
	assert.Equal(t, "a", byMax.Contributors[0].Keys[0])
	all := report(t, s, insightrules.GetInsightRuleReportInput{RuleName: "r"})
	assert.Len(t, all.Contributors, 3, "MaxContributorCount defaults to 10")
}

func TestGetInsightRuleReportValidatesItsInput(t *testing.T) {
	s, _, _ := newService(t)
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: bytesByIP})
	require.NoError(t, err)
	ok := insightrules.GetInsightRuleReportInput{RuleName: "r", StartTime: t0, EndTime: t0.Add(time.Hour), Period: 60}
	with := func(f func(*insightrules.GetInsightRuleReportInput)) insightrules.GetInsightRuleReportInput {
		in := ok
		f(&in)
		return in
	}
	cases := []struct {
		name string
		in   insightrules.GetInsightRuleReportInput
		code string
	}{
		{"a missing rule is not found", with(func(in *insightrules.GetInsightRuleReportInput) { in.RuleName = "nope" }), "ResourceNotFoundException"},
		{"RuleName is required", with(func(in *insightrules.GetInsightRuleReportInput) { in.RuleName = "" }), "MissingParameter"},
		{"StartTime is required", with(func(in *insightrules.GetInsightRuleReportInput) { in.StartTime = time.Time{} }), "MissingParameter"},
		{"EndTime is after StartTime", with(func(in *insightrules.GetInsightRuleReportInput) { in.EndTime = in.StartTime }), "InvalidParameterValue"},
		{"Period is at least 1", with(func(in *insightrules.GetInsightRuleReportInput) { in.Period = 0 }), "InvalidParameterValue"},
		{"MaxContributorCount is at most 100", with(func(in *insightrules.GetInsightRuleReportInput) { in.MaxContributorCount = ptr(int32(101)) }), "InvalidParameterValue"},
		{"Metrics are known statistics", with(func(in *insightrules.GetInsightRuleReportInput) { in.Metrics = []string{"p99"} }), "InvalidParameterValue"},
		{"OrderBy is Sum or Maximum", with(func(in *insightrules.GetInsightRuleReportInput) { in.OrderBy = "Average" }), "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.GetInsightRuleReport(nilCtx, tc.in)
			assert.Equal(t, tc.code, awserr.Code(err), "%v", err)
		})
	}
}

func TestEveryOperationFailsAfterClose(t *testing.T) {
	s, _, _ := newService(t)
	s.Close()
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: bytesByIP})
	assert.True(t, errors.Is(err, insightrules.ErrClosed))
	_, err = s.GetInsightRuleReport(nilCtx, insightrules.GetInsightRuleReportInput{RuleName: "r"})
	assert.True(t, errors.Is(err, insightrules.ErrClosed))
	s.Close()
}

func TestManagedRulesHaveNoTemplatesHere(t *testing.T) {
	s, _, _ := newService(t)
	const vpce = "arn:aws:ec2:us-east-1:123456789012:vpc-endpoint-service/vpce-svc-1"
	list, err := s.ListManagedInsightRules(nilCtx, insightrules.ListManagedInsightRulesInput{ResourceARN: vpce})
	require.NoError(t, err)
	assert.Empty(t, list.ManagedRules)
	put, err := s.PutManagedInsightRules(nilCtx, insightrules.PutManagedInsightRulesInput{ManagedRules: []insightrules.ManagedRule{{TemplateName: "VpcEndpointService-Bytes-v1", ResourceARN: vpce}}})
	require.NoError(t, err)
	require.Len(t, put.Failures, 1)
	assert.Equal(t, vpce, put.Failures[0].FailureResource)
	for _, tc := range []struct {
		name string
		call func() error
		code string
	}{
		{"ListManagedInsightRules needs a ResourceARN", func() error {
			_, err := s.ListManagedInsightRules(nilCtx, insightrules.ListManagedInsightRulesInput{})
			return err
		}, "MissingParameter"},
		{"ListManagedInsightRules MaxResults is at least 1", func() error {
			_, err := s.ListManagedInsightRules(nilCtx, insightrules.ListManagedInsightRulesInput{ResourceARN: vpce, MaxResults: new(int32)})
			return err
		}, "InvalidParameterValue"},
		{"PutManagedInsightRules needs rules", func() error {
			_, err := s.PutManagedInsightRules(nilCtx, insightrules.PutManagedInsightRulesInput{})
			return err
		}, "MissingParameter"},
		{"a template name follows its pattern", func() error {
			_, err := s.PutManagedInsightRules(nilCtx, insightrules.PutManagedInsightRulesInput{ManagedRules: []insightrules.ManagedRule{{TemplateName: "-bad", ResourceARN: vpce}}})
			return err
		}, "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.code, awserr.Code(tc.call())) })
	}
}

func TestOperationsAreRecordedForCloudTrailUnderMonitoring(t *testing.T) {
	clk := clock.NewManual(t0)
	var b bus.Bus
	var calls []event.APICall
	bus.Subscribe(&b, "t", func(_ context.Context, c event.APICall) error { calls = append(calls, c); return nil })
	s := insightrules.New(insightrules.Options{Clock: clk, Bus: &b, IDs: ids.New(1), Region: "eu-west-1", AccountID: "111122223333"})
	defer s.Close()
	_, err := s.PutInsightRule(nilCtx, insightrules.PutInsightRuleInput{RuleName: "r", RuleDefinition: bytesByIP})
	require.NoError(t, err)
	_, err = s.DeleteInsightRules(nilCtx, insightrules.DeleteInsightRulesInput{})
	require.Error(t, err)
	require.Len(t, calls, 2)
	c := calls[0]
	assert.Equal(t, "monitoring.amazonaws.com", c.EventSource)
	assert.Equal(t, "PutInsightRule", c.EventName)
	assert.False(t, c.ReadOnly)
	assert.Equal(t, []event.Resource{{ARN: "arn:aws:cloudwatch:eu-west-1:111122223333:insight-rule/r", AccountID: "111122223333", Type: "AWS::CloudWatch::InsightRule"}}, c.Resources)
	assert.Equal(t, "DeleteInsightRules", calls[1].EventName)
	assert.NotEmpty(t, calls[1].ErrorCode, "a rejected call is recorded with its error")
}

func TestListManagedInsightRulesAllWalksTheEmptyList(t *testing.T) {
	s, _, _ := newService(t)
	n := 0
	for _, err := range s.ListManagedInsightRulesAll(nilCtx, insightrules.ListManagedInsightRulesInput{ResourceARN: "arn:aws:ec2:us-east-1:123456789012:vpc-endpoint-service/x"}) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n)
	for _, err := range s.ListManagedInsightRulesAll(nilCtx, insightrules.ListManagedInsightRulesInput{}) {
		assert.Equal(t, "MissingParameter", awserr.Code(err))
	}
}
