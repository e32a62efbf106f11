package config

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21 item 16: the operations users reach for.

func TestListConfigurationRecordersSummarizesTheRecorder(t *testing.T) {
	h := newHarness(t)
	out, err := h.svc.ListConfigurationRecorders(h.ctx, ListConfigurationRecordersInput{})
	require.NoError(t, err)
	assert.Empty(t, out.ConfigurationRecorderSummaries)
	h.started(nil, nil)
	out, err = h.svc.ListConfigurationRecorders(h.ctx, ListConfigurationRecordersInput{})
	require.NoError(t, err)
	assert.Equal(t, []ConfigurationRecorderSummary{{ARN: "arn:aws:config:us-east-1:123456789012:configuration-recorder/default", Name: "default", RecordingScope: "PAID"}},
		out.ConfigurationRecorderSummaries)
}

func TestGetDiscoveredResourceCountsMostNumerousFirst(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	h.record(instance("i-2", "sg-1", "t2.micro", nil))
	h.record(securityGroup("sg-1"))
	h.record(instance("i-3", "sg-1", "t2.micro", nil))
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::Instance", "i-3"}))
	out, err := h.svc.GetDiscoveredResourceCounts(h.ctx, GetDiscoveredResourceCountsInput{})
	require.NoError(t, err)
	assert.Equal(t, int64(3), out.TotalDiscoveredResources, "deleted resources are not counted")
	assert.Equal(t, []ResourceCount{{"AWS::EC2::Instance", 2}, {"AWS::EC2::SecurityGroup", 1}}, out.ResourceCounts)

	out, err = h.svc.GetDiscoveredResourceCounts(h.ctx, GetDiscoveredResourceCountsInput{Limit: Int32(1)})
	require.NoError(t, err)
	require.NotEmpty(t, out.NextToken)
	next, err := h.svc.GetDiscoveredResourceCounts(h.ctx, GetDiscoveredResourceCountsInput{Limit: Int32(1), NextToken: out.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []ResourceCount{{"AWS::EC2::SecurityGroup", 1}}, next.ResourceCounts)

	only, err := h.svc.GetDiscoveredResourceCounts(h.ctx, GetDiscoveredResourceCountsInput{ResourceTypes: []string{"AWS::EC2::SecurityGroup"}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), only.TotalDiscoveredResources, "the total of the requested types only")
	_, err = h.svc.GetDiscoveredResourceCounts(h.ctx, GetDiscoveredResourceCountsInput{Limit: Int32(101)})
	assert.Equal(t, "InvalidLimitException", code(err))
}

func TestComplianceSummariesCountRulesAndResources(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "tags", InputParameters: `{"tag1Key":"owner"}`,
		Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}})
	require.NoError(t, err)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"owner": "me"}))
	h.record(instance("i-2", "sg-1", "t2.micro", nil))
	h.record(securityGroup("sg-1"))

	byRule, err := h.svc.GetComplianceSummaryByConfigRule(h.ctx, GetComplianceSummaryByConfigRuleInput{})
	require.NoError(t, err)
	assert.Equal(t, 1, byRule.ComplianceSummary.NonCompliantResourceCount.CappedCount, "one rule is non-compliant")
	assert.Equal(t, 0, byRule.ComplianceSummary.CompliantResourceCount.CappedCount)

	byType, err := h.svc.GetComplianceSummaryByResourceType(h.ctx, GetComplianceSummaryByResourceTypeInput{ResourceTypes: []string{"AWS::EC2::Instance"}})
	require.NoError(t, err)
	require.Len(t, byType.ComplianceSummariesByResourceType, 1)
	sum := byType.ComplianceSummariesByResourceType[0].ComplianceSummary
	assert.Equal(t, 1, sum.CompliantResourceCount.CappedCount)
	assert.Equal(t, 1, sum.NonCompliantResourceCount.CappedCount)
}

func TestTagResourceOnConfigRules(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "tags", InputParameters: `{"tag1Key":"owner"}`,
		Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}})
	require.NoError(t, err)
	rules, err := h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{})
	require.NoError(t, err)
	a := rules.ConfigRules[0].ConfigRuleArn
	require.NoError(t, second(h.svc.TagResource(h.ctx, TagResourceInput{ResourceArn: a, Tags: []Tag{{"team", "sec"}, {"env", "prod"}}})))
	require.NoError(t, second(h.svc.UntagResource(h.ctx, UntagResourceInput{ResourceArn: a, TagKeys: []string{"env"}})))
	out, err := h.svc.ListTagsForResource(h.ctx, ListTagsForResourceInput{ResourceArn: a})
	require.NoError(t, err)
	assert.Equal(t, []Tag{{"team", "sec"}}, out.Tags)
	_, err = h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "tags", InputParameters: `{"tag1Key":"team"}`,
		Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}})
	require.NoError(t, err)
	out, err = h.svc.ListTagsForResource(h.ctx, ListTagsForResourceInput{ResourceArn: a})
	require.NoError(t, err)
	assert.Len(t, out.Tags, 1, "updating the rule keeps its tags")

	assert.Equal(t, "ResourceNotFoundException", code(second(h.svc.TagResource(h.ctx, TagResourceInput{ResourceArn: a + "x", Tags: []Tag{{"k", "v"}}}))))
	assert.Equal(t, "ValidationException", code(second(h.svc.TagResource(h.ctx, TagResourceInput{ResourceArn: a, Tags: []Tag{{"aws:reserved", "v"}}}))))
	many := make([]Tag, 50)
	for i := range many {
		many[i] = Tag{Key: string(rune('A'+i%26)) + string(rune('a'+i/26)), Value: "v"}
	}
	assert.Equal(t, "TooManyTagsException", code(second(h.svc.TagResource(h.ctx, TagResourceInput{ResourceArn: a, Tags: many}))), "51 tags in all")
}

func TestPutExternalEvaluationRecordsCompliance(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "tags", InputParameters: `{"tag1Key":"owner"}`,
		Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}})
	require.NoError(t, err)
	_, err = h.svc.PutExternalEvaluation(h.ctx, PutExternalEvaluationInput{ConfigRuleName: "tags", ExternalEvaluation: Evaluation{
		ComplianceResourceType: "AWS::::Account", ComplianceResourceID: "123456789012", ComplianceType: NonCompliant, OrderingTimestamp: h.clk.Now()}})
	require.NoError(t, err)
	assert.Equal(t, NonCompliant, h.compliance("tags")["123456789012"])
	_, err = h.svc.PutExternalEvaluation(h.ctx, PutExternalEvaluationInput{ConfigRuleName: "nosuch", ExternalEvaluation: Evaluation{
		ComplianceResourceType: "AWS::::Account", ComplianceResourceID: "1", ComplianceType: Compliant, OrderingTimestamp: h.clk.Now()}})
	assert.Equal(t, "NoSuchConfigRuleException", code(err))
}

func TestRemediationConfigurationsAreStoredAndDescribed(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "tags", InputParameters: `{"tag1Key":"owner"}`,
		Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}})
	require.NoError(t, err)
	rc := RemediationConfiguration{ConfigRuleName: "tags", TargetType: "SSM_DOCUMENT", TargetID: "AWS-PublishSNSNotification", Automatic: true,
		MaximumAutomaticAttempts: 5, RetryAttemptSeconds: 60, Parameters: map[string]any{"TopicArn": map[string]any{"StaticValue": map[string]any{"Values": []any{testTopic}}}}}
	_, err = h.svc.PutRemediationConfigurations(h.ctx, PutRemediationConfigurationsInput{[]RemediationConfiguration{rc}})
	require.NoError(t, err)
	out, err := h.svc.DescribeRemediationConfigurations(h.ctx, DescribeRemediationConfigurationsInput{ConfigRuleNames: []string{"tags", "other"}})
	require.NoError(t, err)
	require.Len(t, out.RemediationConfigurations, 1)
	assert.Equal(t, "AWS-PublishSNSNotification", out.RemediationConfigurations[0].TargetID)
	assert.Contains(t, out.RemediationConfigurations[0].ARN, "arn:aws:config:us-east-1:123456789012:remediation-configuration/tags/")

	bad := rc
	bad.TargetType = "LAMBDA"
	_, err = h.svc.PutRemediationConfigurations(h.ctx, PutRemediationConfigurationsInput{[]RemediationConfiguration{bad}})
	assert.Equal(t, "InvalidParameterValueException", code(err))
	for name, params := range map[string]map[string]any{
		"NaN":  {"TopicArn": map[string]any{"StaticValue": map[string]any{"Values": []any{math.NaN()}}}},
		"+Inf": {"Rate": math.Inf(1)},
		"func": {"F": func() {}},
	} {
		bad := rc
		bad.Parameters = params
		_, err = h.svc.PutRemediationConfigurations(h.ctx, PutRemediationConfigurationsInput{[]RemediationConfiguration{bad}})
		assert.Equal(t, "InvalidParameterValueException", code(err), "Parameters holding %s (not JSON)", name)
		bad = rc
		bad.ExecutionControls = params
		_, err = h.svc.PutRemediationConfigurations(h.ctx, PutRemediationConfigurationsInput{[]RemediationConfiguration{bad}})
		assert.Equal(t, "InvalidParameterValueException", code(err), "ExecutionControls holding %s (not JSON)", name)
	}
	out, err = h.svc.DescribeRemediationConfigurations(h.ctx, DescribeRemediationConfigurationsInput{ConfigRuleNames: []string{"tags"}})
	require.NoError(t, err)
	_, err = json.Marshal(out)
	require.NoError(t, err, "what is stored can be described")
	_, err = h.svc.DeleteRemediationConfiguration(h.ctx, DeleteRemediationConfigurationInput{ConfigRuleName: "tags"})
	require.NoError(t, err)
	_, err = h.svc.DeleteRemediationConfiguration(h.ctx, DeleteRemediationConfigurationInput{ConfigRuleName: "tags"})
	assert.Equal(t, "NoSuchRemediationConfigurationException", code(err))
	_ = time.Second
}
