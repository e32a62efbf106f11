package sdktest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/config"
)

// TestConfigOperations drives every AWS Config operation localwatch serves
// through the SDK's client (awsJson1_1): the recorder and delivery channel,
// custom resources and their history, a custom rule whose "Lambda" reports
// through PutEvaluations, compliance, retention and snapshots.
func TestConfigOperations(t *testing.T) {
	e := newEnv(t)
	const svcType = "MyCorp::App::Service"

	_, err := e.config.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cfgtypes.ConfigurationRecorder{
		Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::123456789012:role/config"),
		RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}}})
	require.NoError(t, err)
	_, err = e.config.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: &cfgtypes.DeliveryChannel{
		Name: aws.String("default"), S3BucketName: aws.String("config-bucket")}})
	require.NoError(t, err)
	_, err = e.config.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")})
	require.NoError(t, err)

	t.Run("the recorder and channel are described with their status", func(t *testing.T) {
		r, err := e.config.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
		require.NoError(t, err)
		require.Len(t, r.ConfigurationRecorders, 1)
		assert.Equal(t, "arn:aws:iam::123456789012:role/config", aws.ToString(r.ConfigurationRecorders[0].RoleARN))
		rs, err := e.config.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
		require.NoError(t, err)
		require.Len(t, rs.ConfigurationRecordersStatus, 1)
		assert.True(t, rs.ConfigurationRecordersStatus[0].Recording)
		assert.Equal(t, t0, aws.ToTime(rs.ConfigurationRecordersStatus[0].LastStartTime).UTC())
		d, err := e.config.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
		require.NoError(t, err)
		require.Len(t, d.DeliveryChannels, 1)
		assert.Equal(t, "config-bucket", aws.ToString(d.DeliveryChannels[0].S3BucketName))
		ds, err := e.config.DescribeDeliveryChannelStatus(ctx, &configservice.DescribeDeliveryChannelStatusInput{})
		require.NoError(t, err)
		require.Len(t, ds.DeliveryChannelsStatus, 1)
	})

	// A custom rule whose "Lambda" keeps its result token, as a real function
	// would, to answer through PutEvaluations.
	fn := "arn:aws:lambda:us-east-1:123456789012:function:check-replicas"
	var mu sync.Mutex
	var tokens []string
	e.stack.Config.RegisterRuleFunction(fn, func(_ context.Context, ev config.RuleEvent) ([]config.Evaluation, error) {
		mu.Lock()
		tokens = append(tokens, ev.ResultToken)
		mu.Unlock()
		return nil, nil
	})
	_, err = e.config.PutConfigRule(ctx, &configservice.PutConfigRuleInput{ConfigRule: &cfgtypes.ConfigRule{
		ConfigRuleName: aws.String("replicas"), Scope: &cfgtypes.Scope{ComplianceResourceTypes: []string{svcType}},
		Source: &cfgtypes.Source{Owner: cfgtypes.OwnerCustomLambda, SourceIdentifier: aws.String(fn),
			SourceDetails: []cfgtypes.SourceDetail{{EventSource: cfgtypes.EventSourceAwsConfig, MessageType: cfgtypes.MessageTypeConfigurationItemChangeNotification}}}}})
	require.NoError(t, err)

	_, err = e.config.PutResourceConfig(ctx, &configservice.PutResourceConfigInput{ResourceType: aws.String(svcType), SchemaVersionId: aws.String("1"),
		ResourceId: aws.String("svc-1"), ResourceName: aws.String("checkout"), Configuration: aws.String(`{"replicas":1}`), Tags: map[string]string{"team": "web"}})
	require.NoError(t, err)
	e.clock.Advance(time.Minute)
	_, err = e.config.PutResourceConfig(ctx, &configservice.PutResourceConfigInput{ResourceType: aws.String(svcType), SchemaVersionId: aws.String("1"),
		ResourceId: aws.String("svc-1"), ResourceName: aws.String("checkout"), Configuration: aws.String(`{"replicas":3}`)})
	require.NoError(t, err)

	t.Run("custom resources have a history and are listed", func(t *testing.T) {
		h, err := e.config.GetResourceConfigHistory(ctx, &configservice.GetResourceConfigHistoryInput{ResourceType: cfgtypes.ResourceType(svcType), ResourceId: aws.String("svc-1")})
		require.NoError(t, err)
		require.Len(t, h.ConfigurationItems, 2)
		assert.Equal(t, `{"replicas":3}`, aws.ToString(h.ConfigurationItems[0].Configuration), "newest first")
		assert.Equal(t, t0.Add(time.Minute), aws.ToTime(h.ConfigurationItems[0].ConfigurationItemCaptureTime).UTC())
		b, err := e.config.BatchGetResourceConfig(ctx, &configservice.BatchGetResourceConfigInput{ResourceKeys: []cfgtypes.ResourceKey{
			{ResourceType: cfgtypes.ResourceType(svcType), ResourceId: aws.String("svc-1")},
			{ResourceType: cfgtypes.ResourceType(svcType), ResourceId: aws.String("svc-missing")}}})
		require.NoError(t, err)
		require.Len(t, b.BaseConfigurationItems, 1)
		assert.Len(t, b.UnprocessedResourceKeys, 0)
		l, err := e.config.ListDiscoveredResources(ctx, &configservice.ListDiscoveredResourcesInput{ResourceType: cfgtypes.ResourceType(svcType)})
		require.NoError(t, err)
		require.Len(t, l.ResourceIdentifiers, 1)
		assert.Equal(t, "checkout", aws.ToString(l.ResourceIdentifiers[0].ResourceName))
	})

	t.Run("the rule's function answers through PutEvaluations", func(t *testing.T) {
		_, err := e.config.StartConfigRulesEvaluation(ctx, &configservice.StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"replicas"}})
		require.NoError(t, err)
		mu.Lock()
		require.NotEmpty(t, tokens, "the rule's function was invoked")
		token := tokens[len(tokens)-1]
		mu.Unlock()
		pe, err := e.config.PutEvaluations(ctx, &configservice.PutEvaluationsInput{ResultToken: aws.String(token), Evaluations: []cfgtypes.Evaluation{{
			ComplianceResourceType: aws.String(svcType), ComplianceResourceId: aws.String("svc-1"),
			ComplianceType: cfgtypes.ComplianceTypeNonCompliant, Annotation: aws.String("fewer than 4 replicas"),
			OrderingTimestamp: aws.Time(e.clock.Now())}}})
		require.NoError(t, err)
		assert.Empty(t, pe.FailedEvaluations)

		_, err = e.config.PutEvaluations(ctx, &configservice.PutEvaluationsInput{ResultToken: aws.String("not-a-token"), TestMode: true,
			Evaluations: []cfgtypes.Evaluation{{ComplianceResourceType: aws.String(svcType), ComplianceResourceId: aws.String("svc-1"),
				ComplianceType: cfgtypes.ComplianceTypeCompliant, OrderingTimestamp: aws.Time(e.clock.Now())}}})
		require.NoError(t, err, "TestMode checks the call and stores nothing")

		r, err := e.config.DescribeConfigRules(ctx, &configservice.DescribeConfigRulesInput{ConfigRuleNames: []string{"replicas"}})
		require.NoError(t, err)
		require.Len(t, r.ConfigRules, 1)
		assert.Equal(t, cfgtypes.ConfigRuleStateActive, r.ConfigRules[0].ConfigRuleState)
		st, err := e.config.DescribeConfigRuleEvaluationStatus(ctx, &configservice.DescribeConfigRuleEvaluationStatusInput{ConfigRuleNames: []string{"replicas"}})
		require.NoError(t, err)
		require.Len(t, st.ConfigRulesEvaluationStatus, 1)
		assert.Equal(t, "replicas", aws.ToString(st.ConfigRulesEvaluationStatus[0].ConfigRuleName))

		byRule, err := e.config.DescribeComplianceByConfigRule(ctx, &configservice.DescribeComplianceByConfigRuleInput{ConfigRuleNames: []string{"replicas"}})
		require.NoError(t, err)
		require.Len(t, byRule.ComplianceByConfigRules, 1)
		assert.Equal(t, cfgtypes.ComplianceTypeNonCompliant, byRule.ComplianceByConfigRules[0].Compliance.ComplianceType)
		details, err := e.config.GetComplianceDetailsByConfigRule(ctx, &configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String("replicas")})
		require.NoError(t, err)
		require.Len(t, details.EvaluationResults, 1)
		assert.Equal(t, "fewer than 4 replicas", aws.ToString(details.EvaluationResults[0].Annotation))
		byRes, err := e.config.DescribeComplianceByResource(ctx, &configservice.DescribeComplianceByResourceInput{ResourceType: aws.String(svcType), ResourceId: aws.String("svc-1")})
		require.NoError(t, err)
		require.Len(t, byRes.ComplianceByResources, 1)
		assert.Equal(t, cfgtypes.ComplianceTypeNonCompliant, byRes.ComplianceByResources[0].Compliance.ComplianceType)
		resDetails, err := e.config.GetComplianceDetailsByResource(ctx, &configservice.GetComplianceDetailsByResourceInput{ResourceType: aws.String(svcType), ResourceId: aws.String("svc-1")})
		require.NoError(t, err)
		require.Len(t, resDetails.EvaluationResults, 1)
		assert.Equal(t, "replicas", aws.ToString(resDetails.EvaluationResults[0].EvaluationResultIdentifier.EvaluationResultQualifier.ConfigRuleName))
	})

	t.Run("retention configurations and snapshots", func(t *testing.T) {
		_, err := e.config.PutRetentionConfiguration(ctx, &configservice.PutRetentionConfigurationInput{RetentionPeriodInDays: aws.Int32(30)})
		require.NoError(t, err)
		rc, err := e.config.DescribeRetentionConfigurations(ctx, &configservice.DescribeRetentionConfigurationsInput{})
		require.NoError(t, err)
		require.Len(t, rc.RetentionConfigurations, 1)
		assert.Equal(t, int32(30), aws.ToInt32(rc.RetentionConfigurations[0].RetentionPeriodInDays))
		_, err = e.config.DeleteRetentionConfiguration(ctx, &configservice.DeleteRetentionConfigurationInput{RetentionConfigurationName: rc.RetentionConfigurations[0].Name})
		require.NoError(t, err)

		snap, err := e.config.DeliverConfigSnapshot(ctx, &configservice.DeliverConfigSnapshotInput{DeliveryChannelName: aws.String("default")})
		require.NoError(t, err)
		assert.NotEmpty(t, aws.ToString(snap.ConfigSnapshotId))
	})

	t.Run("rules, resources, channel and recorder are deleted", func(t *testing.T) {
		_, err := e.config.DeleteConfigRule(ctx, &configservice.DeleteConfigRuleInput{ConfigRuleName: aws.String("replicas")})
		require.NoError(t, err)
		_, err = e.config.DeleteResourceConfig(ctx, &configservice.DeleteResourceConfigInput{ResourceType: aws.String(svcType), ResourceId: aws.String("svc-1")})
		require.NoError(t, err)
		_, err = e.config.StopConfigurationRecorder(ctx, &configservice.StopConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")})
		require.NoError(t, err)
		_, err = e.config.DeleteDeliveryChannel(ctx, &configservice.DeleteDeliveryChannelInput{DeliveryChannelName: aws.String("default")})
		require.NoError(t, err)
		_, err = e.config.DeleteConfigurationRecorder(ctx, &configservice.DeleteConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")})
		require.NoError(t, err)
		r, err := e.config.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
		require.NoError(t, err)
		assert.Empty(t, r.ConfigurationRecorders)

		_, err = e.config.DescribeConfigRules(ctx, &configservice.DescribeConfigRulesInput{ConfigRuleNames: []string{"replicas"}})
		var nf *cfgtypes.NoSuchConfigRuleException
		require.ErrorAs(t, err, &nf)
	})
}
