package config

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func strp(s string) *string { return &s }

func TestRecorderValidation(t *testing.T) {
	cases := []struct {
		name string
		rec  ConfigurationRecorder
		code string
	}{
		{"a recorder needs a role ARN", ConfigurationRecorder{}, "InvalidRoleException"},
		{"the role must be an IAM role ARN", ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:user/bob"}, "InvalidRoleException"},
		{"the name is at most 256 characters", ConfigurationRecorder{Name: string(make([]byte, 257)), RoleARN: testRole}, "InvalidConfigurationRecorderNameException"},
		{"allSupported excludes resourceTypes", ConfigurationRecorder{RoleARN: testRole, RecordingGroup: &RecordingGroup{AllSupported: true, ResourceTypes: []string{"AWS::EC2::Instance"}}}, "InvalidRecordingGroupException"},
		{"includeGlobalResourceTypes needs allSupported", ConfigurationRecorder{RoleARN: testRole, RecordingGroup: &RecordingGroup{IncludeGlobalResourceTypes: true, ResourceTypes: []string{"AWS::IAM::User"}}}, "InvalidRecordingGroupException"},
		{"inclusion strategy needs types", ConfigurationRecorder{RoleARN: testRole, RecordingGroup: &RecordingGroup{RecordingStrategy: &RecordingStrategy{UseOnly: InclusionByResourceTypes}}}, "InvalidRecordingGroupException"},
		{"exclusion strategy needs excluded types", ConfigurationRecorder{RoleARN: testRole, RecordingGroup: &RecordingGroup{RecordingStrategy: &RecordingStrategy{UseOnly: ExclusionByResourceTypes}}}, "InvalidRecordingGroupException"},
		{"ALL_SUPPORTED strategy needs allSupported", ConfigurationRecorder{RoleARN: testRole, RecordingGroup: &RecordingGroup{RecordingStrategy: &RecordingStrategy{UseOnly: AllSupportedResourceTypes}}}, "InvalidRecordingGroupException"},
		{"unknown strategy", ConfigurationRecorder{RoleARN: testRole, RecordingGroup: &RecordingGroup{RecordingStrategy: &RecordingStrategy{UseOnly: "SOME"}}}, "InvalidRecordingGroupException"},
		{"recording frequency is CONTINUOUS or DAILY", ConfigurationRecorder{RoleARN: testRole, RecordingMode: &RecordingMode{RecordingFrequency: "HOURLY"}}, "ValidationException"},
		{"at most one recording mode override", ConfigurationRecorder{RoleARN: testRole, RecordingMode: &RecordingMode{RecordingFrequency: Continuous, RecordingModeOverrides: []RecordingModeOverride{
			{ResourceTypes: []string{"AWS::EC2::Instance"}, RecordingFrequency: Daily}, {ResourceTypes: []string{"AWS::EC2::Volume"}, RecordingFrequency: Daily}}}}, "ValidationException"},
		{"DAILY is not allowed for AWS::Config::ResourceCompliance", ConfigurationRecorder{RoleARN: testRole, RecordingMode: &RecordingMode{RecordingFrequency: Continuous, RecordingModeOverrides: []RecordingModeOverride{
			{ResourceTypes: []string{"AWS::Config::ResourceCompliance"}, RecordingFrequency: Daily}}}}, "InvalidRecordingGroupException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{c.rec})
			require.Error(t, err)
			assert.Equal(t, c.code, awserr.Code(err))
			out, err := h.svc.DescribeConfigurationRecorders(h.ctx, DescribeConfigurationRecordersInput{})
			require.NoError(t, err)
			assert.Empty(t, out.ConfigurationRecorders, "a rejected request changes nothing")
		})
	}
}

func TestOneRecorderPerRegion(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{RoleARN: testRole}})
	require.NoError(t, err)
	out, err := h.svc.DescribeConfigurationRecorders(h.ctx, DescribeConfigurationRecordersInput{})
	require.NoError(t, err)
	require.Len(t, out.ConfigurationRecorders, 1)
	r := out.ConfigurationRecorders[0]
	assert.Equal(t, "default", r.Name, "the default name is default")
	assert.True(t, r.RecordingGroup.AllSupported)
	assert.False(t, r.RecordingGroup.IncludeGlobalResourceTypes, "global IAM types are excluded by default")
	assert.Equal(t, Continuous, r.RecordingMode.RecordingFrequency)

	_, err = h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "other", RoleARN: testRole}})
	assert.True(t, errors.Is(err, ErrMaxNumberOfConfigurationRecordersExceeded))
	_, err = h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "default", RoleARN: "arn:aws:iam::123456789012:role/other"}})
	assert.NoError(t, err, "same name updates")
	_, err = h.svc.DescribeConfigurationRecorders(h.ctx, DescribeConfigurationRecordersInput{ConfigurationRecorderNames: []string{"nope"}})
	assert.True(t, errors.Is(err, ErrNoSuchConfigurationRecorder))
}

func TestRecorderAndChannelLifecycle(t *testing.T) {
	h := newHarness(t)
	ctx := h.ctx
	_, err := h.svc.PutDeliveryChannel(ctx, PutDeliveryChannelInput{DeliveryChannel{S3BucketName: "bkt"}})
	assert.True(t, errors.Is(err, ErrNoAvailableConfigurationRecorder), "a channel needs a recorder")
	_, err = h.svc.StartConfigurationRecorder(ctx, StartConfigurationRecorderInput{"default"})
	assert.True(t, errors.Is(err, ErrNoSuchConfigurationRecorder))
	_, err = h.svc.PutConfigurationRecorder(ctx, PutConfigurationRecorderInput{ConfigurationRecorder{RoleARN: testRole}})
	require.NoError(t, err)
	_, err = h.svc.StartConfigurationRecorder(ctx, StartConfigurationRecorderInput{"default"})
	assert.True(t, errors.Is(err, ErrNoAvailableDeliveryChannel), "starting needs a delivery channel")

	chanCases := []struct {
		name string
		ch   DeliveryChannel
		code string
	}{
		{"a bucket is required", DeliveryChannel{}, "NoSuchBucketException"},
		{"an empty key prefix is rejected", DeliveryChannel{S3BucketName: "bkt", S3KeyPrefix: strp("")}, "InvalidS3KeyPrefixException"},
		{"the key prefix cannot contain AWSLogs", DeliveryChannel{S3BucketName: "bkt", S3KeyPrefix: strp("x/AWSLogs")}, "InvalidS3KeyPrefixException"},
		{"the topic must be an SNS ARN", DeliveryChannel{S3BucketName: "bkt", SNSTopicARN: "arn:aws:sqs:us-east-1:123456789012:q"}, "InvalidSNSTopicARNException"},
		{"the delivery frequency is an enum", DeliveryChannel{S3BucketName: "bkt", ConfigSnapshotDeliveryProperties: &ConfigSnapshotDeliveryProperties{DeliveryFrequency: "Two_Hours"}}, "ValidationException"},
	}
	for _, c := range chanCases {
		_, err := h.svc.PutDeliveryChannel(ctx, PutDeliveryChannelInput{c.ch})
		assert.Equal(t, c.code, awserr.Code(err), c.name)
	}
	_, err = h.svc.PutDeliveryChannel(ctx, PutDeliveryChannelInput{DeliveryChannel{S3BucketName: "bkt", SNSTopicARN: testTopic}})
	require.NoError(t, err)
	_, err = h.svc.PutDeliveryChannel(ctx, PutDeliveryChannelInput{DeliveryChannel{Name: "second", S3BucketName: "bkt"}})
	assert.True(t, errors.Is(err, ErrMaxNumberOfDeliveryChannelsExceeded))

	_, err = h.svc.StartConfigurationRecorder(ctx, StartConfigurationRecorderInput{"default"})
	require.NoError(t, err)
	st, err := h.svc.DescribeConfigurationRecorderStatus(ctx, DescribeConfigurationRecorderStatusInput{})
	require.NoError(t, err)
	require.Len(t, st.ConfigurationRecordersStatus, 1)
	assert.True(t, st.ConfigurationRecordersStatus[0].Recording)
	assert.Equal(t, t0, *st.ConfigurationRecordersStatus[0].LastStartTime)
	assert.Equal(t, "Success", st.ConfigurationRecordersStatus[0].LastStatus)

	_, err = h.svc.DeleteDeliveryChannel(ctx, DeleteDeliveryChannelInput{"default"})
	assert.True(t, errors.Is(err, ErrLastDeliveryChannelDeleteFailed), "cannot delete the channel while recording")
	h.clk.Advance(time.Hour)
	_, err = h.svc.StopConfigurationRecorder(ctx, StopConfigurationRecorderInput{"default"})
	require.NoError(t, err)
	st, _ = h.svc.DescribeConfigurationRecorderStatus(ctx, DescribeConfigurationRecorderStatusInput{})
	assert.False(t, st.ConfigurationRecordersStatus[0].Recording)
	assert.Equal(t, t0.Add(time.Hour), *st.ConfigurationRecordersStatus[0].LastStopTime)
	_, err = h.svc.DeleteDeliveryChannel(ctx, DeleteDeliveryChannelInput{"default"})
	require.NoError(t, err)
	_, err = h.svc.DescribeDeliveryChannels(ctx, DescribeDeliveryChannelsInput{DeliveryChannelNames: []string{"default"}})
	assert.True(t, errors.Is(err, ErrNoSuchDeliveryChannel))
	_, err = h.svc.DeleteConfigurationRecorder(ctx, DeleteConfigurationRecorderInput{"default"})
	require.NoError(t, err)
	_, err = h.svc.DeleteConfigurationRecorder(ctx, DeleteConfigurationRecorderInput{"default"})
	assert.True(t, errors.Is(err, ErrNoSuchConfigurationRecorder))
}

func TestEveryOperationRecordsAnAPICall(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, _ = h.svc.DescribeConfigurationRecorders(context.Background(), DescribeConfigurationRecordersInput{ConfigurationRecorderNames: []string{"x"}})
	require.NotEmpty(t, h.calls)
	names := map[string]bool{}
	for _, c := range h.calls {
		assert.Equal(t, EventSource, c.EventSource)
		names[c.EventName] = true
	}
	for _, n := range []string{"PutConfigurationRecorder", "PutDeliveryChannel", "StartConfigurationRecorder", "DescribeConfigurationRecorders"} {
		assert.True(t, names[n], n)
	}
	last := h.calls[len(h.calls)-1]
	assert.Equal(t, "NoSuchConfigurationRecorderException", last.ErrorCode)
	assert.True(t, last.ReadOnly)
}

func TestRetentionConfiguration(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	for _, d := range []int{0, 29, 2558} {
		_, err := h.svc.PutRetentionConfiguration(h.ctx, PutRetentionConfigurationInput{d})
		assert.True(t, errors.Is(err, ErrInvalidParameterValue), "%d days", d)
	}
	_, err := h.svc.DeleteRetentionConfiguration(h.ctx, DeleteRetentionConfigurationInput{"default"})
	assert.True(t, errors.Is(err, ErrNoSuchRetentionConfiguration))

	h.record(securityGroup("sg-1"))
	h.clk.Advance(24 * time.Hour)
	h.record(ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", Configuration: `{"groupId":"sg-1","v":2}`})
	h.record(ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-old", Configuration: `{}`})
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::SecurityGroup", "sg-old"}))
	out, err := h.svc.PutRetentionConfiguration(h.ctx, PutRetentionConfigurationInput{30})
	require.NoError(t, err)
	assert.Equal(t, "default", out.RetentionConfiguration.Name)
	d, err := h.svc.DescribeRetentionConfigurations(h.ctx, DescribeRetentionConfigurationsInput{})
	require.NoError(t, err)
	assert.Equal(t, []RetentionConfiguration{{"default", 30}}, d.RetentionConfigurations)

	assert.Len(t, h.history("AWS::EC2::SecurityGroup", "sg-1"), 2)
	h.clk.Advance(30*24*time.Hour + time.Hour)
	items := h.history("AWS::EC2::SecurityGroup", "sg-1")
	require.Len(t, items, 1, "items older than the retention period expire; the current item stays")
	assert.Equal(t, `{"groupId":"sg-1","v":2}`, items[0].Configuration)
	_, err = h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-old"})
	assert.True(t, errors.Is(err, ErrResourceNotDiscovered), "a deleted resource's history expires entirely")
}

func TestRequestParametersOmitAbsentParameters(t *testing.T) {
	// CloudTrail shows the parameters the caller sent: AWS's record of a
	// DescribeConfigurationRecorders call without names has
	// "requestParameters": null, not {"configurationRecorderNames": null}.
	h := newHarness(t).started(nil, nil)
	ctx := context.Background()
	_, err := h.svc.DescribeConfigurationRecorders(ctx, DescribeConfigurationRecordersInput{})
	require.NoError(t, err)
	_, err = h.svc.DescribeConfigurationRecorders(ctx, DescribeConfigurationRecordersInput{ConfigurationRecorderNames: []string{"default"}})
	require.NoError(t, err)
	_, err = h.svc.GetResourceConfigHistory(ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1"})
	require.Error(t, err)
	_, err = h.svc.DescribeDeliveryChannelStatus(ctx, DescribeDeliveryChannelStatusInput{})
	require.NoError(t, err)
	h.mu.Lock()
	defer h.mu.Unlock()
	got := map[string][]string{}
	for _, c := range h.calls[len(h.calls)-4:] {
		b, err := json.Marshal(c.RequestParameters)
		require.NoError(t, err)
		got[c.EventName] = append(got[c.EventName], string(b))
	}
	assert.Equal(t, map[string][]string{
		"DescribeConfigurationRecorders": {`null`, `{"configurationRecorderNames":["default"]}`},
		"GetResourceConfigHistory":       {`{"resourceId":"i-1","resourceType":"AWS::EC2::Instance"}`},
		"DescribeDeliveryChannelStatus":  {`null`},
	}, got)
}
