package sdktest

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogsDeliveryAPI drives the log delivery operations (sources,
// destinations, their policies, deliveries) through the SDK's client,
// including the typed errors and the paginator.
func TestLogsDeliveryAPI(t *testing.T) {
	e := newEnv(t)
	src, err := e.logs.PutDeliverySource(ctx, &cloudwatchlogs.PutDeliverySourceInput{Name: aws.String("cf"),
		ResourceArn: aws.String("arn:aws:cloudfront::123456789012:distribution/E1EXAMPLE"), LogType: aws.String("ACCESS_LOGS")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:delivery-source:cf", aws.ToString(src.DeliverySource.Arn))
	assert.Equal(t, "cloudfront", aws.ToString(src.DeliverySource.Service))

	dst, err := e.logs.PutDeliveryDestination(ctx, &cloudwatchlogs.PutDeliveryDestinationInput{Name: aws.String("bucket"),
		OutputFormat:                     logtypes.OutputFormatJson,
		DeliveryDestinationConfiguration: &logtypes.DeliveryDestinationConfiguration{DestinationResourceArn: aws.String("arn:aws:s3:::access-logs")}})
	require.NoError(t, err)
	assert.Equal(t, logtypes.DeliveryDestinationTypeS3, dst.DeliveryDestination.DeliveryDestinationType)
	gs, err := e.logs.GetDeliverySource(ctx, &cloudwatchlogs.GetDeliverySourceInput{Name: aws.String("cf")})
	require.NoError(t, err)
	assert.Equal(t, []string{"arn:aws:cloudfront::123456789012:distribution/E1EXAMPLE"}, gs.DeliverySource.ResourceArns)
	gd, err := e.logs.GetDeliveryDestination(ctx, &cloudwatchlogs.GetDeliveryDestinationInput{Name: aws.String("bucket")})
	require.NoError(t, err)
	assert.Equal(t, logtypes.OutputFormatJson, gd.DeliveryDestination.OutputFormat)

	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"logs:CreateDelivery","Resource":"*"}]}`
	_, err = e.logs.PutDeliveryDestinationPolicy(ctx, &cloudwatchlogs.PutDeliveryDestinationPolicyInput{DeliveryDestinationName: aws.String("bucket"), DeliveryDestinationPolicy: aws.String(policy)})
	require.NoError(t, err)
	gp, err := e.logs.GetDeliveryDestinationPolicy(ctx, &cloudwatchlogs.GetDeliveryDestinationPolicyInput{DeliveryDestinationName: aws.String("bucket")})
	require.NoError(t, err)
	assert.Equal(t, policy, aws.ToString(gp.Policy.DeliveryDestinationPolicy))

	d, err := e.logs.CreateDelivery(ctx, &cloudwatchlogs.CreateDeliveryInput{DeliverySourceName: aws.String("cf"), DeliveryDestinationArn: dst.DeliveryDestination.Arn,
		RecordFields: []string{"date", "time"}})
	require.NoError(t, err)
	id := aws.ToString(d.Delivery.Id)
	assert.Regexp(t, `^[0-9A-Za-z]{16}$`, id)

	_, err = e.logs.CreateDelivery(ctx, &cloudwatchlogs.CreateDeliveryInput{DeliverySourceName: aws.String("cf"), DeliveryDestinationArn: dst.DeliveryDestination.Arn})
	var conflict *logtypes.ConflictException
	require.True(t, errors.As(err, &conflict), "the same delivery twice: %v", err)

	_, err = e.logs.UpdateDeliveryConfiguration(ctx, &cloudwatchlogs.UpdateDeliveryConfigurationInput{Id: aws.String(id), FieldDelimiter: aws.String(",")})
	require.NoError(t, err)
	var ids []string
	p := cloudwatchlogs.NewDescribeDeliveriesPaginator(e.logs, &cloudwatchlogs.DescribeDeliveriesInput{Limit: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		for _, d := range page.Deliveries {
			ids = append(ids, aws.ToString(d.Id))
			assert.Equal(t, ",", aws.ToString(d.FieldDelimiter))
		}
	}
	assert.Equal(t, []string{id}, ids)

	_, err = e.logs.DeleteDeliverySource(ctx, &cloudwatchlogs.DeleteDeliverySourceInput{Name: aws.String("cf")})
	require.True(t, errors.As(err, &conflict), "a source with a delivery cannot be deleted: %v", err)
	_, err = e.logs.DeleteDelivery(ctx, &cloudwatchlogs.DeleteDeliveryInput{Id: aws.String(id)})
	require.NoError(t, err)
	_, err = e.logs.GetDelivery(ctx, &cloudwatchlogs.GetDeliveryInput{Id: aws.String(id)})
	var notFound *logtypes.ResourceNotFoundException
	require.True(t, errors.As(err, &notFound), "a deleted delivery: %v", err)
	_, err = e.logs.DeleteDeliverySource(ctx, &cloudwatchlogs.DeleteDeliverySourceInput{Name: aws.String("cf")})
	require.NoError(t, err)
	_, err = e.logs.DeleteDeliveryDestinationPolicy(ctx, &cloudwatchlogs.DeleteDeliveryDestinationPolicyInput{DeliveryDestinationName: aws.String("bucket")})
	require.NoError(t, err)
	_, err = e.logs.DeleteDeliveryDestination(ctx, &cloudwatchlogs.DeleteDeliveryDestinationInput{Name: aws.String("bucket")})
	require.NoError(t, err)
	list, err := e.logs.DescribeDeliveryDestinations(ctx, &cloudwatchlogs.DescribeDeliveryDestinationsInput{})
	require.NoError(t, err)
	assert.Empty(t, list.DeliveryDestinations)
	srcs, err := e.logs.DescribeDeliverySources(ctx, &cloudwatchlogs.DescribeDeliverySourcesInput{})
	require.NoError(t, err)
	assert.Empty(t, srcs.DeliverySources)
}
