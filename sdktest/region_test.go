package sdktest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/awsapi"
	"github.com/localwatch/localwatch/logs"
)

// TestRegionComesFromTheSignature checks that one handler serves every
// Region of the account, each request answered by the Region of its SigV4
// credential scope (the SDK client's Region), with the Regions apart.
func TestRegionComesFromTheSignature(t *testing.T) {
	e := newEnv(t, func(o *localwatch.Options, _ *awsapi.Options) { o.Regions = []string{"us-east-1", "eu-west-1"} })
	euCfg := sdkConfig(e.handler, accessKey, secretKey)
	euCfg.Region = "eu-west-1"
	eu := sns.NewFromConfig(euCfg)

	topic, err := eu.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sns:eu-west-1:123456789012:alerts", aws.ToString(topic.TopicArn))
	us, err := e.sns.ListTopics(ctx, &sns.ListTopicsInput{})
	require.NoError(t, err)
	assert.Empty(t, us.Topics, "us-east-1 has no topic")

	_, err = cloudwatchlogs.NewFromConfig(euCfg).CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("eu-only")})
	require.NoError(t, err)
	groups, err := e.acct.Region("eu-west-1").Logs.DescribeLogGroups(ctx, logs.DescribeLogGroupsInput{})
	require.NoError(t, err)
	require.Len(t, groups.LogGroups, 1)

	apCfg := sdkConfig(e.handler, accessKey, secretKey)
	apCfg.Region = "ap-south-1"
	_, err = sns.NewFromConfig(apCfg).ListTopics(ctx, &sns.ListTopicsInput{})
	// As AWS answers a signature scoped to a Region it does not serve.
	assertAPIError(t, err, "SignatureDoesNotMatch")
	assert.Contains(t, err.Error(), "Credential should be scoped to a valid region")
}
