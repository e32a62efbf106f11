package localwatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/insightrules"
	"github.com/localwatch/localwatch/logs"
)

// The fixture state, seeds and snapshot of the operations issue 27 added:
// Contributor Insights rules, Logs account policies and data protection.

const (
	fxInsightRule = `{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": ["app*"], "LogFormat": "JSON",
		"Contribution": {"Keys": ["$.level"], "ValueOf": "$.latency", "Filters": [{"Match": "$.latency", "GreaterThan": 0}]}, "AggregateOn": "Sum"}`
	fxEmailID        = "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
	fxDataProtection = `{"Name": "mask", "Version": "2021-06-01", "Statement": [
		{"Sid": "audit", "DataIdentifier": ["` + fxEmailID + `"], "Operation": {"Audit": {"FindingsDestination": {"CloudWatchLogs": {"LogGroup": "app"}}}}},
		{"Sid": "redact", "DataIdentifier": ["` + fxEmailID + `"], "Operation": {"Deidentify": {"MaskConfig": {}}}}]}`
	fxVPCE = "arn:aws:ec2:us-east-1:123456789012:vpc-endpoint-service/vpce-svc-1"
)

// setupCoverage27 adds an insight rule, an account field index policy and
// app's data protection policy to the fixture.
func setupCoverage27(t testing.TB, st *localwatch.Stack) {
	ctx := context.Background()
	_, err := st.InsightRules.PutInsightRule(ctx, insightrules.PutInsightRuleInput{RuleName: "latency-by-level", RuleDefinition: fxInsightRule})
	require.NoError(t, err)
	_, err = st.Logs.PutAccountPolicy(ctx, logs.PutAccountPolicyInput{PolicyName: "idx", PolicyType: logs.PolicyTypeFieldIndex,
		PolicyDocument: `{"Fields": ["requestId"]}`, SelectionCriteria: `LogGroupNamePrefix IN ["app"]`})
	require.NoError(t, err)
	_, err = st.Logs.PutDataProtectionPolicy(ctx, logs.PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: fxDataProtection})
	require.NoError(t, err)
}

func seedsCoverage27() map[string]any {
	return map[string]any{
		"insightrules.PutInsightRule": insightrules.PutInsightRuleInput{RuleName: "second", RuleDefinition: fxInsightRule, RuleState: insightrules.StateDisabled,
			Tags: []insightrules.Tag{{Key: "team", Value: "web"}}},
		"insightrules.DescribeInsightRules": insightrules.DescribeInsightRulesInput{MaxResults: logs.Int32(10)},
		"insightrules.GetInsightRuleReport": insightrules.GetInsightRuleReportInput{RuleName: "latency-by-level", StartTime: fixtureStart.Add(-time.Hour),
			EndTime: fixtureStart.Add(time.Minute), Period: 60, MaxContributorCount: logs.Int32(5), Metrics: []string{"UniqueContributors", "Sum"}, OrderBy: "Maximum"},
		"insightrules.EnableInsightRules":      insightrules.EnableInsightRulesInput{RuleNames: []string{"latency-by-level"}},
		"insightrules.DisableInsightRules":     insightrules.DisableInsightRulesInput{RuleNames: []string{"latency-by-level"}},
		"insightrules.DeleteInsightRules":      insightrules.DeleteInsightRulesInput{RuleNames: []string{"latency-by-level"}},
		"insightrules.ListManagedInsightRules": insightrules.ListManagedInsightRulesInput{ResourceARN: fxVPCE, MaxResults: logs.Int32(10)},
		"insightrules.PutManagedInsightRules": insightrules.PutManagedInsightRulesInput{ManagedRules: []insightrules.ManagedRule{
			{TemplateName: "VpcEndpointService-Bytes-v1", ResourceARN: fxVPCE}}},

		"logs.PutAccountPolicy": logs.PutAccountPolicyInput{PolicyName: "idx-svc", PolicyType: logs.PolicyTypeFieldIndex,
			PolicyDocument: `{"Fields": ["requestId"], "FieldsV2": {"status": {"Type": "FACET"}}}`, Scope: logs.ScopeAll, SelectionCriteria: `LogGroupNamePrefix IN ["/svc/"]`},
		"logs.PutAccountPolicy#dataprotection": logs.PutAccountPolicyInput{PolicyName: "mask-all", PolicyType: logs.PolicyTypeDataProtection, PolicyDocument: fxDataProtection},
		"logs.DescribeAccountPolicies":         logs.DescribeAccountPoliciesInput{PolicyType: logs.PolicyTypeFieldIndex, PolicyName: "idx"},
		"logs.DeleteAccountPolicy":             logs.DeleteAccountPolicyInput{PolicyName: "idx", PolicyType: logs.PolicyTypeFieldIndex},
		"logs.PutDataProtectionPolicy":         logs.PutDataProtectionPolicyInput{LogGroupIdentifier: "app", PolicyDocument: fxDataProtection},
		"logs.GetDataProtectionPolicy":         logs.GetDataProtectionPolicyInput{LogGroupIdentifier: "app"},
		"logs.DeleteDataProtectionPolicy":      logs.DeleteDataProtectionPolicyInput{LogGroupIdentifier: fxGroupARN},
	}
}

// snapshotCoverage27 adds the state of these operations to the fixture's
// snapshot.
func snapshotCoverage27(ctx context.Context, st *localwatch.Stack, put func(string, any, error)) {
	rules, err := st.InsightRules.DescribeInsightRules(ctx, insightrules.DescribeInsightRulesInput{})
	put("DescribeInsightRules", rules, err)
	for _, pt := range []logs.PolicyType{logs.PolicyTypeDataProtection, logs.PolicyTypeSubscription, logs.PolicyTypeFieldIndex,
		logs.PolicyTypeTransformer, logs.PolicyTypeMetricExtraction} {
		pols, err := st.Logs.DescribeAccountPolicies(ctx, logs.DescribeAccountPoliciesInput{PolicyType: pt})
		put("DescribeAccountPolicies "+string(pt), pols, err)
	}
	dp, err := st.Logs.GetDataProtectionPolicy(ctx, logs.GetDataProtectionPolicyInput{LogGroupIdentifier: "app"})
	put("GetDataProtectionPolicy", dp, err)
}
