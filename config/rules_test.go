package config

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func managed(name, id, params string, scope *Scope) PutConfigRuleInput {
	return PutConfigRuleInput{ConfigRule{ConfigRuleName: name, Source: &Source{Owner: OwnerAWS, SourceIdentifier: id}, InputParameters: params, Scope: scope}}
}

func (h *harness) compliance(rule string) map[string]ComplianceType {
	h.t.Helper()
	out, err := h.svc.GetComplianceDetailsByConfigRule(h.ctx, GetComplianceDetailsByConfigRuleInput{ConfigRuleName: rule, Limit: Int32(100)})
	require.NoError(h.t, err)
	m := map[string]ComplianceType{}
	for _, r := range out.EvaluationResults {
		m[r.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceID] = r.ComplianceType
	}
	return m
}

func TestRequiredTagsFlipsWithNotification(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"CostCenter": "42"}))
	h.record(instance("i-2", "sg-1", "t2.micro", nil))
	h.record(ResourceConfig{ResourceType: "MyCorp::Build::Runner", ResourceID: "r-1", Configuration: `{}`})
	_, err := h.svc.PutConfigRule(h.ctx, managed("required-tags", "REQUIRED_TAGS", `{"tag1Key":"CostCenter","tag1Value":"42, 43"}`, nil))
	require.NoError(t, err)
	assert.Equal(t, map[string]ComplianceType{"i-1": Compliant, "i-2": NonCompliant}, h.compliance("required-tags"),
		"a new rule evaluates existing resources; unsupported types are not evaluated")

	h.notes = nil
	h.clk.Advance(time.Minute)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"CostCenter": "99"}))
	assert.Equal(t, NonCompliant, h.compliance("required-tags")["i-1"], "a value outside tag1Value is non-compliant")
	cc := h.notesOfType(MessageComplianceChange)
	require.Len(t, cc, 1)
	assert.Equal(t, "[AWS Config:us-east-1] AWS::EC2::Instance i-1 is NON_COMPLIANT with required-tags in Account 1234...", cc[0].Subject,
		"subjects longer than 100 characters are truncated")
	var msg map[string]any
	require.NoError(t, json.Unmarshal([]byte(cc[0].Message), &msg))
	assert.Equal(t, "NON_COMPLIANT", msg["newEvaluationResult"].(map[string]any)["complianceType"])
	assert.Equal(t, "COMPLIANT", msg["oldEvaluationResult"].(map[string]any)["complianceType"])
	assert.Equal(t, "required-tags", msg["configRuleName"])
	assert.Equal(t, "1.0", msg["recordVersion"])

	h.record(instance("i-1", "sg-1", "t2.small", map[string]string{"CostCenter": "99"}))
	assert.Len(t, h.notesOfType(MessageComplianceChange), 1, "no compliance notification when compliance does not change")

	d, err := h.svc.DescribeComplianceByConfigRule(h.ctx, DescribeComplianceByConfigRuleInput{})
	require.NoError(t, err)
	require.Len(t, d.ComplianceByConfigRules, 1)
	assert.Equal(t, NonCompliant, d.ComplianceByConfigRules[0].Compliance.ComplianceType)
	assert.Equal(t, 2, d.ComplianceByConfigRules[0].Compliance.ComplianceContributorCount.CappedCount)

	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::Instance", "i-2"}))
	assert.Equal(t, NotApplicable, h.compliance("required-tags")["i-2"], "a deleted resource becomes NOT_APPLICABLE")
	only, err := h.svc.GetComplianceDetailsByConfigRule(h.ctx, GetComplianceDetailsByConfigRuleInput{ConfigRuleName: "required-tags", ComplianceTypes: []ComplianceType{NonCompliant}})
	require.NoError(t, err)
	require.Len(t, only.EvaluationResults, 1)
	assert.Equal(t, "i-1", only.EvaluationResults[0].EvaluationResultIdentifier.EvaluationResultQualifier.ResourceID)
}

func TestComplianceSubjectIsTruncatedTo100Characters(t *testing.T) {
	s := subject("[AWS Config:us-east-2] AWS::::Account 123456789012 is COMPLIANT with cloudtrail-enabled in Account 123456789012")
	assert.Equal(t, "[AWS Config:us-east-2] AWS::::Account 123456789012 is COMPLIANT with cloudtrail-enabled in Accoun...", s)
	assert.Len(t, s, 100)
}

func TestManagedRules(t *testing.T) {
	cases := []struct {
		name   string
		id     string
		params string
		rc     ResourceConfig
		want   ComplianceType
	}{
		{"REQUIRED_TAGS defaults tag1Key to CostCenter", "REQUIRED_TAGS", ``,
			ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "x", Configuration: `{}`, Tags: map[string]string{"CostCenter": "a"}}, Compliant},
		{"REQUIRED_TAGS checks every tagNKey", "REQUIRED_TAGS", `{"tag1Key":"a","tag6Key":"f"}`,
			ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "x", Configuration: `{}`, Tags: map[string]string{"a": "1"}}, NonCompliant},
		{"DESIRED_INSTANCE_TYPE accepts listed types", "DESIRED_INSTANCE_TYPE", `{"instanceType":"t2.small, m4.large"}`,
			ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "x", Configuration: `{"instanceType":"m4.large"}`}, Compliant},
		{"DESIRED_INSTANCE_TYPE rejects other types", "DESIRED_INSTANCE_TYPE", `{"instanceType":"t2.small"}`,
			ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "x", Configuration: `{"instanceType":"m4.large"}`}, NonCompliant},
		{"S3_BUCKET_VERSIONING_ENABLED with versioning Enabled", "S3_BUCKET_VERSIONING_ENABLED", ``,
			ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "x", Configuration: `{}`, SupplementaryConfiguration: map[string]any{"BucketVersioningConfiguration": `{"status":"Enabled","isMfaDeleteEnabled":null}`}}, Compliant},
		{"S3_BUCKET_VERSIONING_ENABLED with versioning Off", "S3_BUCKET_VERSIONING_ENABLED", ``,
			ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "x", Configuration: `{}`, SupplementaryConfiguration: map[string]any{"BucketVersioningConfiguration": `{"status":"Off","isMfaDeleteEnabled":null}`}}, NonCompliant},
		{"S3_BUCKET_VERSIONING_ENABLED requiring MFA delete", "S3_BUCKET_VERSIONING_ENABLED", `{"isMfaDeleteEnabled":"true"}`,
			ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "x", Configuration: `{}`, SupplementaryConfiguration: map[string]any{"BucketVersioningConfiguration": `{"status":"Enabled","isMfaDeleteEnabled":false}`}}, NonCompliant},
		{"EC2_INSTANCE_NO_PUBLIC_IP without a public IP", "EC2_INSTANCE_NO_PUBLIC_IP", ``,
			ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "x", Configuration: `{"publicIpAddress":null}`}, Compliant},
		{"EC2_INSTANCE_NO_PUBLIC_IP with a public IP", "EC2_INSTANCE_NO_PUBLIC_IP", ``,
			ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "x", Configuration: `{"publicIpAddress":"54.175.43.43"}`}, NonCompliant},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t).started(nil, nil)
			_, err := h.svc.PutConfigRule(h.ctx, managed("r", c.id, c.params, nil))
			require.NoError(t, err)
			h.record(c.rc)
			assert.Equal(t, c.want, h.compliance("r")["x"])
		})
	}
}

func TestPutConfigRuleValidation(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.PutConfigRule(h.ctx, managed("r", "REQUIRED_TAGS", "", nil))
	assert.True(t, errors.Is(err, ErrNoAvailableConfigurationRecorder))
	h.started(nil, nil)
	lambda := "arn:aws:lambda:us-east-1:123456789012:function:check"
	h.svc.RegisterRuleFunction(lambda, func(context.Context, RuleEvent) ([]Evaluation, error) { return nil, nil })
	custom := func(details ...SourceDetail) ConfigRule {
		return ConfigRule{ConfigRuleName: "c", Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: lambda, SourceDetails: details}}
	}
	change := SourceDetail{EventSource: "aws.config", MessageType: MessageConfigurationItemChange}
	cases := []struct {
		name string
		rule ConfigRule
		code string
	}{
		{"the name is required", ConfigRule{Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}, "InvalidParameterValueException"},
		{"the name is at most 128 characters", ConfigRule{ConfigRuleName: strings.Repeat("n", 129), Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}, "InvalidParameterValueException"},
		{"the source is required", ConfigRule{ConfigRuleName: "r"}, "InvalidParameterValueException"},
		{"an unknown managed rule", managed("r", "NO_SUCH_RULE", "", nil).ConfigRule, "InvalidParameterValueException"},
		{"an unknown managed rule parameter", managed("r", "REQUIRED_TAGS", `{"tag7Key":"x"}`, nil).ConfigRule, "InvalidParameterValueException"},
		{"a missing required parameter", managed("r", "DESIRED_INSTANCE_TYPE", ``, nil).ConfigRule, "InvalidParameterValueException"},
		{"InputParameters must be a JSON object", managed("r", "REQUIRED_TAGS", `[1]`, nil).ConfigRule, "InvalidParameterValueException"},
		{"InputParameters are at most 1024 characters", managed("r", "REQUIRED_TAGS", `{"tag1Key":"`+strings.Repeat("k", 1020)+`"}`, nil).ConfigRule, "InvalidParameterValueException"},
		{"TagValue needs TagKey", managed("r", "REQUIRED_TAGS", ``, &Scope{TagValue: "v"}).ConfigRule, "InvalidParameterValueException"},
		{"ComplianceResourceId needs exactly one type", managed("r", "REQUIRED_TAGS", ``, &Scope{ComplianceResourceID: "i-1"}).ConfigRule, "InvalidParameterValueException"},
		{"at most 100 ComplianceResourceTypes", managed("r", "REQUIRED_TAGS", ``, &Scope{ComplianceResourceTypes: make([]string, 101)}).ConfigRule, "InvalidParameterValueException"},
		{"a frequency on a change-triggered managed rule", func() ConfigRule {
			r := managed("r", "REQUIRED_TAGS", ``, nil).ConfigRule
			r.MaximumExecutionFrequency = OneHour
			return r
		}(), "InvalidParameterValueException"},
		{"a custom rule needs SourceDetails", custom(), "InvalidParameterValueException"},
		{"at most 25 SourceDetails", custom(make([]SourceDetail, 26)...), "InvalidParameterValueException"},
		{"an unknown MessageType", custom(SourceDetail{MessageType: "Whatever"}), "InvalidParameterValueException"},
		{"MaximumExecutionFrequency needs ScheduledNotification", custom(SourceDetail{MessageType: MessageConfigurationItemChange, MaximumExecutionFrequency: OneHour}), "InvalidParameterValueException"},
		{"the EventSource is aws.config", custom(SourceDetail{EventSource: "aws.s3", MessageType: MessageConfigurationItemChange}), "InvalidParameterValueException"},
		{"the function must be invokable", ConfigRule{ConfigRuleName: "c", Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: "arn:aws:lambda:us-east-1:123456789012:function:missing", SourceDetails: []SourceDetail{change}}}, "InsufficientPermissionsException"},
		{"a Lambda ARN is required", ConfigRule{ConfigRuleName: "c", Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: "check", SourceDetails: []SourceDetail{change}}}, "InvalidParameterValueException"},
		{"an unknown owner", ConfigRule{ConfigRuleName: "c", Source: &Source{Owner: "ME"}}, "InvalidParameterValueException"},
	}
	for _, c := range cases {
		_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{c.rule})
		assert.Equal(t, c.code, awserr.Code(err), c.name)
	}
	out, err := h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{})
	require.NoError(t, err)
	assert.Empty(t, out.ConfigRules, "rejected requests create nothing")

	_, err = h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{custom(change)})
	require.NoError(t, err)
	out, err = h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{ConfigRuleNames: []string{"c"}})
	require.NoError(t, err)
	require.Len(t, out.ConfigRules, 1)
	r := out.ConfigRules[0]
	assert.Equal(t, RuleActive, r.ConfigRuleState)
	assert.True(t, strings.HasPrefix(r.ConfigRuleID, "config-rule-"))
	assert.Equal(t, "arn:aws:config:us-east-1:123456789012:config-rule/"+r.ConfigRuleID, r.ConfigRuleArn)
	_, err = h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{ConfigRuleNames: []string{"nope"}})
	assert.True(t, errors.Is(err, ErrNoSuchConfigRule))
	_, err = h.svc.DeleteConfigRule(h.ctx, DeleteConfigRuleInput{"c"})
	require.NoError(t, err)
	_, err = h.svc.DeleteConfigRule(h.ctx, DeleteConfigRuleInput{"c"})
	assert.True(t, errors.Is(err, ErrNoSuchConfigRule))
}

func TestCustomRuleFunction(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	lambda := "arn:aws:lambda:us-east-1:123456789012:function:small-instances"
	var events []RuleEvent
	h.svc.RegisterRuleFunction(lambda, func(_ context.Context, ev RuleEvent) ([]Evaluation, error) {
		events = append(events, ev)
		ci := ev.ConfigurationItem
		ct := Compliant
		switch {
		case ev.EventLeftScope || ci.ConfigurationItemStatus == StatusResourceDeleted:
			ct = NotApplicable
		case strings.Contains(ci.Configuration, "xlarge"):
			ct = NonCompliant
		}
		return []Evaluation{{ComplianceResourceType: ci.ResourceType, ComplianceResourceID: ci.ResourceID, ComplianceType: ct, OrderingTimestamp: ci.ConfigurationItemCaptureTime}}, nil
	})
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "small", InputParameters: `{"max":"large"}`,
		Scope:  &Scope{TagKey: "team", TagValue: "web"},
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: lambda, SourceDetails: []SourceDetail{{EventSource: "aws.config", MessageType: MessageConfigurationItemChange}}}}})
	require.NoError(t, err)
	h.record(instance("i-1", "sg-1", "m5.xlarge", map[string]string{"team": "web"}))
	h.record(instance("i-2", "sg-1", "m5.xlarge", map[string]string{"team": "db"}))
	assert.Equal(t, map[string]ComplianceType{"i-1": NonCompliant}, h.compliance("small"), "scope by tag key and value")
	require.Len(t, events, 1)
	ev := events[0]
	assert.Equal(t, "1.0", ev.Version)
	assert.Equal(t, `{"max":"large"}`, ev.RuleParameters)
	assert.Equal(t, "large", ev.Parameters["max"])
	assert.Equal(t, testRole, ev.ExecutionRoleArn)
	var inv struct {
		ConfigurationItem NotificationItem `json:"configurationItem"`
		MessageType       string           `json:"messageType"`
	}
	require.NoError(t, json.Unmarshal([]byte(ev.InvokingEvent), &inv))
	assert.Equal(t, MessageConfigurationItemChange, inv.MessageType)
	assert.Equal(t, "i-1", inv.ConfigurationItem.ResourceID)
	assert.Equal(t, "arn:aws:ec2:us-east-1:123456789012:instance/i-1", inv.ConfigurationItem.ARN)

	h.clk.Advance(time.Second)
	h.record(instance("i-1", "sg-1", "m5.xlarge", map[string]string{"team": "ops"}))
	assert.True(t, events[len(events)-1].EventLeftScope, "a resource leaving the scope is evaluated with eventLeftScope")
	assert.Equal(t, NotApplicable, h.compliance("small")["i-1"])

	// The function may also answer with PutEvaluations and the result token.
	tok := events[0].ResultToken
	_, err = h.svc.PutEvaluations(h.ctx, PutEvaluationsInput{ResultToken: tok, Evaluations: []Evaluation{{ComplianceResourceType: "AWS::EC2::Instance", ComplianceResourceID: "i-9", ComplianceType: Compliant, OrderingTimestamp: h.clk.Now()}}})
	require.NoError(t, err)
	assert.Equal(t, Compliant, h.compliance("small")["i-9"])
}

func TestPeriodicCustomRuleRunsOnTheClock(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	lambda := "arn:aws:lambda:us-east-1:123456789012:function:periodic"
	var runs []time.Time
	h.svc.RegisterRuleFunction(lambda, func(_ context.Context, ev RuleEvent) ([]Evaluation, error) {
		require.Equal(t, MessageScheduled, ev.MessageType)
		require.Contains(t, ev.InvokingEvent, `"messageType":"ScheduledNotification"`)
		runs = append(runs, ev.Time)
		ct := Compliant
		if len(runs)%2 == 0 {
			ct = NonCompliant
		}
		return []Evaluation{{ComplianceResourceType: "AWS::::Account", ComplianceResourceID: "123456789012", ComplianceType: ct, OrderingTimestamp: ev.Time}}, nil
	})
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "periodic", MaximumExecutionFrequency: ThreeHours,
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: lambda, SourceDetails: []SourceDetail{{EventSource: "aws.config", MessageType: MessageScheduled}}}}})
	require.NoError(t, err)
	require.Len(t, runs, 1, "a new periodic rule runs at once")
	h.clk.Advance(6 * time.Hour)
	assert.Equal(t, []time.Time{t0, time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 7, 15, 0, 0, 0, time.UTC)}, runs)
	cc := h.notesOfType(MessageComplianceChange)
	require.Len(t, cc, 3, "each flip notifies")
	assert.Equal(t, "[AWS Config:us-east-1] AWS::::Account 123456789012 is NON_COMPLIANT with periodic in Account 1234...", cc[1].Subject)
	_, err = h.svc.DeleteConfigRule(h.ctx, DeleteConfigRuleInput{"periodic"})
	require.NoError(t, err)
	h.clk.Advance(6 * time.Hour)
	assert.Len(t, runs, 3, "a deleted rule stops running")
}

func TestPutEvaluationsValidation(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	now := h.clk.Now()
	ok := Evaluation{ComplianceResourceType: "AWS::EC2::Instance", ComplianceResourceID: "i-1", ComplianceType: Compliant, OrderingTimestamp: now}
	with := func(f func(*Evaluation)) []Evaluation { e := ok; f(&e); return []Evaluation{e} }
	cases := []struct {
		name string
		in   PutEvaluationsInput
		code string
	}{
		{"the result token is required", PutEvaluationsInput{Evaluations: []Evaluation{ok}}, "InvalidParameterValueException"},
		{"INSUFFICIENT_DATA is rejected", PutEvaluationsInput{ResultToken: "t", Evaluations: with(func(e *Evaluation) { e.ComplianceType = InsufficientData })}, "InvalidParameterValueException"},
		{"an unknown compliance type", PutEvaluationsInput{ResultToken: "t", Evaluations: with(func(e *Evaluation) { e.ComplianceType = "MAYBE" })}, "InvalidParameterValueException"},
		{"the annotation is at most 256 characters", PutEvaluationsInput{ResultToken: "t", Evaluations: with(func(e *Evaluation) { e.Annotation = strings.Repeat("a", 257) })}, "InvalidParameterValueException"},
		{"the ordering timestamp is required", PutEvaluationsInput{ResultToken: "t", Evaluations: with(func(e *Evaluation) { e.OrderingTimestamp = time.Time{} })}, "InvalidParameterValueException"},
		{"at most 100 evaluations", PutEvaluationsInput{ResultToken: "t", Evaluations: make([]Evaluation, 101)}, "InvalidParameterValueException"},
		{"an unknown result token", PutEvaluationsInput{ResultToken: "t", Evaluations: []Evaluation{ok}}, "InvalidResultTokenException"},
	}
	for _, c := range cases {
		_, err := h.svc.PutEvaluations(h.ctx, c.in)
		assert.Equal(t, c.code, awserr.Code(err), c.name)
	}
	_, err := h.svc.PutEvaluations(h.ctx, PutEvaluationsInput{ResultToken: "anything", TestMode: Bool(true), Evaluations: []Evaluation{ok}})
	assert.NoError(t, err, "TestMode accepts any token")
}

func TestStartConfigRulesEvaluation(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, managed("tags", "REQUIRED_TAGS", ``, nil))
	require.NoError(t, err)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	_, err = h.svc.StartConfigRulesEvaluation(h.ctx, StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"tags"}})
	require.NoError(t, err)
	started := h.notesOfType(MessageConfigRulesEvaluationStarted)
	require.Len(t, started, 1)
	assert.Equal(t, "[AWS Config:us-east-1] Config Rules Evaluation Started for Account 123456789012", started[0].Subject)
	_, err = h.svc.StartConfigRulesEvaluation(h.ctx, StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"tags"}})
	assert.True(t, errors.Is(err, ErrLimitExceeded), "at most once a minute")
	h.clk.Advance(time.Minute)
	_, err = h.svc.StartConfigRulesEvaluation(h.ctx, StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"tags"}})
	assert.NoError(t, err)
	_, err = h.svc.StartConfigRulesEvaluation(h.ctx, StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"nope"}})
	assert.True(t, errors.Is(err, ErrNoSuchConfigRule))
	_, err = h.svc.StartConfigRulesEvaluation(h.ctx, StartConfigRulesEvaluationInput{})
	assert.True(t, errors.Is(err, ErrInvalidParameterValue))
}

func TestComplianceQueriesValidation(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, managed("tags", "REQUIRED_TAGS", ``, nil))
	require.NoError(t, err)
	d, err := h.svc.DescribeComplianceByConfigRule(h.ctx, DescribeComplianceByConfigRuleInput{})
	require.NoError(t, err)
	assert.Equal(t, InsufficientData, d.ComplianceByConfigRules[0].Compliance.ComplianceType, "a rule with no results has INSUFFICIENT_DATA")
	cases := []struct {
		name string
		in   GetComplianceDetailsByConfigRuleInput
		code string
	}{
		{"INSUFFICIENT_DATA cannot be a filter", GetComplianceDetailsByConfigRuleInput{ConfigRuleName: "tags", ComplianceTypes: []ComplianceType{InsufficientData}}, "InvalidParameterValueException"},
		{"at most 3 compliance types", GetComplianceDetailsByConfigRuleInput{ConfigRuleName: "tags", ComplianceTypes: []ComplianceType{Compliant, Compliant, Compliant, Compliant}}, "InvalidParameterValueException"},
		{"limit above 100", GetComplianceDetailsByConfigRuleInput{ConfigRuleName: "tags", Limit: Int32(101)}, "InvalidParameterValueException"},
		{"unknown rule", GetComplianceDetailsByConfigRuleInput{ConfigRuleName: "nope"}, "NoSuchConfigRuleException"},
		{"bad token", GetComplianceDetailsByConfigRuleInput{ConfigRuleName: "tags", NextToken: "$$"}, "InvalidNextTokenException"},
	}
	for _, c := range cases {
		_, err := h.svc.GetComplianceDetailsByConfigRule(h.ctx, c.in)
		assert.Equal(t, c.code, awserr.Code(err), c.name)
	}
	_, err = h.svc.DescribeComplianceByConfigRule(h.ctx, DescribeComplianceByConfigRuleInput{ComplianceTypes: []ComplianceType{NotApplicable}})
	assert.True(t, errors.Is(err, ErrInvalidParameterValue))
	_, err = h.svc.DescribeComplianceByConfigRule(h.ctx, DescribeComplianceByConfigRuleInput{ConfigRuleNames: []string{"nope"}})
	assert.True(t, errors.Is(err, ErrNoSuchConfigRule))
}

func TestComplianceByResource(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, managed("tags", "REQUIRED_TAGS", `{"tag1Key":"team"}`, nil))
	require.NoError(t, err)
	_, err = h.svc.PutConfigRule(h.ctx, managed("types", "DESIRED_INSTANCE_TYPE", `{"instanceType":"t2.micro"}`, nil))
	require.NoError(t, err)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"team": "a"}))
	h.record(instance("i-2", "sg-1", "m5.large", nil))
	out, err := h.svc.DescribeComplianceByResource(h.ctx, DescribeComplianceByResourceInput{ResourceType: "AWS::EC2::Instance"})
	require.NoError(t, err)
	require.Len(t, out.ComplianceByResources, 2)
	assert.Equal(t, Compliant, out.ComplianceByResources[0].Compliance.ComplianceType)
	assert.Equal(t, NonCompliant, out.ComplianceByResources[1].Compliance.ComplianceType)
	assert.Equal(t, 2, out.ComplianceByResources[1].Compliance.ComplianceContributorCount.CappedCount, "i-2 breaks both rules")
	only, err := h.svc.DescribeComplianceByResource(h.ctx, DescribeComplianceByResourceInput{ComplianceTypes: []ComplianceType{NonCompliant}})
	require.NoError(t, err)
	require.Len(t, only.ComplianceByResources, 1)
	assert.Equal(t, "i-2", only.ComplianceByResources[0].ResourceID)

	d, err := h.svc.GetComplianceDetailsByResource(h.ctx, GetComplianceDetailsByResourceInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-2"})
	require.NoError(t, err)
	require.Len(t, d.EvaluationResults, 2)
	assert.Equal(t, "tags", d.EvaluationResults[0].EvaluationResultIdentifier.EvaluationResultQualifier.ConfigRuleName)

	_, err = h.svc.DescribeComplianceByResource(h.ctx, DescribeComplianceByResourceInput{ResourceID: "i-1"})
	assert.True(t, errors.Is(err, ErrInvalidParameterValue), "ResourceId needs ResourceType")
	_, err = h.svc.GetComplianceDetailsByResource(h.ctx, GetComplianceDetailsByResourceInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1", ComplianceTypes: []ComplianceType{InsufficientData}})
	assert.True(t, errors.Is(err, ErrInvalidParameterValue))
	_, err = h.svc.GetComplianceDetailsByResource(h.ctx, GetComplianceDetailsByResourceInput{ResourceType: "AWS::EC2::Instance"})
	assert.True(t, errors.Is(err, ErrInvalidParameterValue), "ResourceId is required")
}

func TestOversizedItemInvokesRulesWithTheSummary(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	lambda := "arn:aws:lambda:us-east-1:123456789012:function:big"
	var got []RuleEvent
	h.svc.RegisterRuleFunction(lambda, func(_ context.Context, ev RuleEvent) ([]Evaluation, error) { got = append(got, ev); return nil, nil })
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "big", Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: lambda,
		SourceDetails: []SourceDetail{{EventSource: "aws.config", MessageType: MessageConfigurationItemChange}, {EventSource: "aws.config", MessageType: MessageOversizedConfigurationItemChange}}}}})
	require.NoError(t, err)
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-big", Configuration: map[string]any{"userData": strings.Repeat("x", MaxSNSMessageBytes)}})
	require.Len(t, got, 1)
	assert.Equal(t, MessageOversizedConfigurationItemChange, got[0].MessageType)
	assert.Contains(t, got[0].InvokingEvent, `"configurationItemSummary":{"changeType":"CREATE"`)
	assert.Less(t, len(got[0].InvokingEvent), 4096)
}

func TestRuleEvaluationStatusReportsFunctionFailures(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	lambda := "arn:aws:lambda:us-east-1:123456789012:function:flaky"
	mode := "ok"
	h.svc.RegisterRuleFunction(lambda, func(_ context.Context, ev RuleEvent) ([]Evaluation, error) {
		ci := ev.ConfigurationItem
		switch mode {
		case "error":
			return nil, errors.New("boom")
		case "panic":
			panic("kaboom")
		case "invalid":
			return []Evaluation{{ComplianceResourceType: ci.ResourceType, ComplianceResourceID: ci.ResourceID, ComplianceType: InsufficientData, OrderingTimestamp: ev.Time}}, nil
		}
		return []Evaluation{{ComplianceResourceType: ci.ResourceType, ComplianceResourceID: ci.ResourceID, ComplianceType: Compliant, OrderingTimestamp: ev.Time}}, nil
	})
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "flaky", Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: lambda,
		SourceDetails: []SourceDetail{{EventSource: "aws.config", MessageType: MessageConfigurationItemChange}}}}})
	require.NoError(t, err)
	status := func() ConfigRuleEvaluationStatus {
		out, err := h.svc.DescribeConfigRuleEvaluationStatus(h.ctx, DescribeConfigRuleEvaluationStatusInput{ConfigRuleNames: []string{"flaky"}})
		require.NoError(t, err)
		require.Len(t, out.ConfigRulesEvaluationStatus, 1)
		return out.ConfigRulesEvaluationStatus[0]
	}
	st := status()
	assert.Equal(t, t0, *st.FirstActivatedTime)
	assert.False(t, st.FirstEvaluationStarted)
	for i, m := range []string{"ok", "error", "panic", "invalid"} {
		mode = m
		h.clk.Advance(time.Second)
		h.record(instance("i-1", "sg-1", fmt.Sprintf("t%d", i), nil))
		st = status()
		if m == "ok" {
			assert.Equal(t, h.clk.Now(), *st.LastSuccessfulInvocationTime)
			continue
		}
		assert.Equal(t, h.clk.Now(), *st.LastFailedInvocationTime, m)
		assert.NotEmpty(t, st.LastErrorCode, m)
	}
	assert.Equal(t, "InvalidParameterValueException", st.LastErrorCode, "invalid evaluations fail like the function's PutEvaluations call")
	assert.Equal(t, Compliant, h.compliance("flaky")["i-1"], "failed invocations record nothing")
}
