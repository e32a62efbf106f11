package config

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func code(err error) string { return awserr.Code(err) }

// Issue 16 item 9: the delivery channel's bucket is named as S3 names
// buckets (S3 User Guide, "General purpose bucket naming rules").
func TestDeliveryChannelBucketFollowsS3BucketNamingRules(t *testing.T) {
	cases := []struct {
		name, bucket string
		ok           bool
	}{
		{"lower-case letters, digits, dots and hyphens", "my-config.bucket-01", true},
		{"three characters", "abc", true},
		{"sixty-three characters", strings.Repeat("a", 63), true},
		{"a single dot is not a bucket", ".", false},
		{".metadata is not a bucket", ".metadata", false},
		{"spaces are not allowed", "my bucket", false},
		{"upper case is not allowed", "MyBucket", false},
		{"shorter than three characters", "ab", false},
		{"longer than 63 characters", strings.Repeat("a", 64), false},
		{"a megabyte name", strings.Repeat("a", 1<<20), false},
		{"must begin with a letter or digit", "-bucket", false},
		{"must end with a letter or digit", "bucket-", false},
		{"no two adjacent periods", "my..bucket", false},
		{"not formatted as an IP address", "192.168.5.4", false},
		{"the xn-- prefix is reserved", "xn--bucket", false},
		{"the sthree- prefix is reserved", "sthree-bucket", false},
		{"the amzn-s3-demo- prefix is reserved", "amzn-s3-demo-bucket", false},
		{"the -s3alias suffix is reserved", "bucket-s3alias", false},
		{"the --ol-s3 suffix is reserved", "bucket--ol-s3", false},
		{"the .mrap suffix is reserved", "bucket.mrap", false},
		{"the --x-s3 suffix is reserved", "bucket--x-s3", false},
		{"underscores are not allowed", "my_bucket", false},
		{"a slash would escape the bucket", "../etc", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "default", RoleARN: testRole}})
			require.NoError(t, err)
			_, err = h.svc.PutDeliveryChannel(h.ctx, PutDeliveryChannelInput{DeliveryChannel{Name: "default", S3BucketName: c.bucket}})
			if c.ok {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, "NoSuchBucketException", code(err))
			out, err := h.svc.DescribeDeliveryChannels(h.ctx, DescribeDeliveryChannelsInput{})
			require.NoError(t, err)
			assert.Empty(t, out.DeliveryChannels, "a rejected request changes nothing")
		})
	}
}

// Issue 16 item 12: ConfigRuleState is an enum.
func TestConfigRuleStateOutsideTheEnumIsRejected(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	rule := ConfigRule{ConfigRuleName: "tags", ConfigRuleState: "BOGUS", InputParameters: `{"tag1Key":"owner"}`,
		Source: &Source{Owner: "AWS", SourceIdentifier: "REQUIRED_TAGS"}}
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule: rule})
	assert.Equal(t, "ValidationException", code(err))
	out, err := h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{})
	require.NoError(t, err)
	assert.Empty(t, out.ConfigRules)

	rule.ConfigRuleState = RuleEvaluating
	_, err = h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule: rule})
	require.NoError(t, err, "a value of the enum is accepted")
	out, err = h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{})
	require.NoError(t, err)
	assert.Equal(t, RuleActive, out.ConfigRules[0].ConfigRuleState, "Config sets the state itself")
}

// Issue 16 item 12: resource types are AWS Config's ResourceType enum (or a
// custom Organization::Service::Type).
func TestResourceTypesOutsideTheEnumAreRejected(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "default", RoleARN: testRole,
		RecordingGroup: &RecordingGroup{ResourceTypes: []string{"AWS::EC2::Instance", "AWS::EC2::Bogus"}}}})
	assert.Equal(t, "ValidationException", code(err), "the recording group lists AWS types Config records")
	_, err = h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "default", RoleARN: testRole,
		RecordingGroup: &RecordingGroup{ResourceTypes: []string{"not a type"}}}})
	assert.Equal(t, "ValidationException", code(err))
	h.started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))

	_, err = h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Bogus", ResourceID: "i-1"})
	assert.Equal(t, "ValidationException", code(err))
	_, err = h.svc.ListDiscoveredResources(h.ctx, ListDiscoveredResourcesInput{ResourceType: "AWS::EC2::Bogus"})
	assert.Equal(t, "ValidationException", code(err))
	_, err = h.svc.BatchGetResourceConfig(h.ctx, BatchGetResourceConfigInput{ResourceKeys: []ResourceKey{{"AWS::EC2::Bogus", "i-1"}}})
	assert.Equal(t, "ValidationException", code(err))
	assert.Equal(t, "ValidationException", code(h.svc.RecordResource(h.ctx, ResourceConfig{ResourceType: "Instance", ResourceID: "i-1"})),
		"a type has the form Organization::Service::Type")

	// The application may declare AWS types Config does not record, as
	// their owning service; they can then be queried.
	require.NoError(t, h.svc.RecordResource(h.ctx, ResourceConfig{ResourceType: "AWS::Logs::LogGroup", ResourceID: "/app", Configuration: `{}`}))
	_, err = h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::Logs::LogGroup", ResourceID: "/app"})
	require.NoError(t, err)
	_, err = h.svc.ListDiscoveredResources(h.ctx, ListDiscoveredResourcesInput{ResourceType: "MyCompany::Build::Runner"})
	require.NoError(t, err, "custom types are not AWS's enum")
}

// A resource creation time outside years 0001-9999 was recorded, and then
// no item of the resource could be encoded (the mutator of issue 16).
func TestRecordResourceRefusesCreationTimesJSONCannotHold(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	for _, tm := range []time.Time{time.Unix(-1<<40, 0), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		err := h.svc.RecordResource(h.ctx, ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1", ResourceCreationTime: tm})
		assert.Equal(t, "ValidationException", code(err), tm.String())
	}
	require.NoError(t, h.svc.RecordResource(h.ctx, ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1",
		ResourceCreationTime: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}))
	out, err := h.svc.BatchGetResourceConfig(h.ctx, BatchGetResourceConfigInput{ResourceKeys: []ResourceKey{{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1"}}})
	require.NoError(t, err)
	require.Len(t, out.BaseConfigurationItems, 1)
	_, err = json.Marshal(out)
	require.NoError(t, err)
}
