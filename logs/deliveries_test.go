package logs

import (
	"testing"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	cfDistribution = "arn:aws:cloudfront::123456789012:distribution/E1EXAMPLE"
	logBucket      = "arn:aws:s3:::my-logs"
	logGroupARN    = "arn:aws:logs:us-east-1:123456789012:log-group:vended"
)

func deliverySetup(t *testing.T, e *env) (src *DeliverySource, s3, cwl *DeliveryDestination) {
	t.Helper()
	ps, err := e.s.PutDeliverySource(ctx, PutDeliverySourceInput{Name: "cf", ResourceArn: cfDistribution, LogType: "ACCESS_LOGS", Tags: map[string]string{"team": "web"}})
	require.NoError(t, err)
	pd, err := e.s.PutDeliveryDestination(ctx, PutDeliveryDestinationInput{Name: "bucket", OutputFormat: "json",
		DeliveryDestinationConfiguration: &DeliveryDestinationConfiguration{DestinationResourceArn: logBucket}})
	require.NoError(t, err)
	pc, err := e.s.PutDeliveryDestination(ctx, PutDeliveryDestinationInput{Name: "group",
		DeliveryDestinationConfiguration: &DeliveryDestinationConfiguration{DestinationResourceArn: logGroupARN}})
	require.NoError(t, err)
	return ps.DeliverySource, pd.DeliveryDestination, pc.DeliveryDestination
}

func TestDeliverySourceAndDestinationDescribeThemselvesAsAWSDoes(t *testing.T) {
	e := newEnv(t)
	src, s3, cwl := deliverySetup(t, e)
	assert.Equal(t, &DeliverySource{Name: "cf", Arn: "arn:aws:logs:us-east-1:123456789012:delivery-source:cf",
		ResourceArns: []string{cfDistribution}, Service: "cloudfront", LogType: "ACCESS_LOGS", Tags: map[string]string{"team": "web"}}, src)
	assert.Equal(t, DeliveryDestinationS3, s3.DeliveryDestinationType)
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:delivery-destination:bucket", s3.Arn)
	assert.Equal(t, DeliveryDestinationCWL, cwl.DeliveryDestinationType)

	got, err := e.s.GetDeliverySource(ctx, GetDeliverySourceInput{Name: "cf"})
	require.NoError(t, err)
	assert.Equal(t, src, got.DeliverySource)
	list, err := e.s.DescribeDeliveryDestinations(ctx, DescribeDeliveryDestinationsInput{Limit: ptr(int32(1))})
	require.NoError(t, err)
	require.Len(t, list.DeliveryDestinations, 1)
	assert.Equal(t, "bucket", list.DeliveryDestinations[0].Name)
	next, err := e.s.DescribeDeliveryDestinations(ctx, DescribeDeliveryDestinationsInput{NextToken: list.NextToken})
	require.NoError(t, err)
	assert.Equal(t, "group", next.DeliveryDestinations[0].Name)
	assert.Empty(t, next.NextToken)
}

func TestCreateDeliveryConnectsOneSourceToEachDestinationTypeOnce(t *testing.T) {
	e := newEnv(t)
	_, s3, cwl := deliverySetup(t, e)
	d, err := e.s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: s3.Arn, RecordFields: []string{"date", "time"}})
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9A-Za-z]{16}$`, d.Delivery.ID)
	assert.Equal(t, "arn:aws:logs:us-east-1:123456789012:delivery:"+d.Delivery.ID, d.Delivery.Arn)
	assert.Equal(t, DeliveryDestinationS3, d.Delivery.DeliveryDestinationType)
	require.NotNil(t, d.Delivery.S3DeliveryConfiguration, "an S3 delivery describes its S3 configuration")

	_, err = e.s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: s3.Arn})
	assert.Equal(t, "ConflictException", awserr.Code(err), "the same pair twice")
	_, err = e.s.PutDeliveryDestination(ctx, PutDeliveryDestinationInput{Name: "bucket2",
		DeliveryDestinationConfiguration: &DeliveryDestinationConfiguration{DestinationResourceArn: "arn:aws:s3:::other"}})
	require.NoError(t, err)
	_, err = e.s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: "arn:aws:logs:us-east-1:123456789012:delivery-destination:bucket2"})
	assert.Equal(t, "ConflictException", awserr.Code(err), "a second S3 destination for one source")
	_, err = e.s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: cwl.Arn,
		S3DeliveryConfiguration: &S3DeliveryConfiguration{SuffixPath: "x"}})
	assert.Equal(t, "ValidationException", awserr.Code(err), "S3 configuration for a log-group delivery")
	d2, err := e.s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: cwl.Arn})
	require.NoError(t, err)

	all, err := e.s.DescribeDeliveries(ctx, DescribeDeliveriesInput{})
	require.NoError(t, err)
	require.Len(t, all.Deliveries, 2)
	assert.Equal(t, d.Delivery.ID, all.Deliveries[0].ID, "creation order")

	_, err = e.s.DeleteDeliverySource(ctx, DeleteDeliverySourceInput{Name: "cf"})
	assert.Equal(t, "ConflictException", awserr.Code(err), "a source with deliveries")
	_, err = e.s.DeleteDeliveryDestination(ctx, DeleteDeliveryDestinationInput{Name: "group"})
	assert.Equal(t, "ConflictException", awserr.Code(err), "a destination with deliveries")

	_, err = e.s.DeleteDelivery(ctx, DeleteDeliveryInput{ID: d.Delivery.ID})
	require.NoError(t, err)
	_, err = e.s.DeleteDelivery(ctx, DeleteDeliveryInput{ID: d2.Delivery.ID})
	require.NoError(t, err)
	_, err = e.s.DeleteDeliverySource(ctx, DeleteDeliverySourceInput{Name: "cf"})
	require.NoError(t, err)
	_, err = e.s.GetDelivery(ctx, GetDeliveryInput{ID: d.Delivery.ID})
	assert.Equal(t, "ResourceNotFoundException", awserr.Code(err))
}

func TestUpdateDeliveryConfigurationChangesOnlyTheFormat(t *testing.T) {
	e := newEnv(t)
	_, s3, _ := deliverySetup(t, e)
	d, err := e.s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: s3.Arn})
	require.NoError(t, err)
	tab := "\t"
	_, err = e.s.UpdateDeliveryConfiguration(ctx, UpdateDeliveryConfigurationInput{ID: d.Delivery.ID, RecordFields: []string{"date"},
		FieldDelimiter: &tab, S3DeliveryConfiguration: &S3DeliveryConfiguration{SuffixPath: "p/{yyyy}", EnableHiveCompatiblePath: ptr(true)}})
	require.NoError(t, err)
	got, err := e.s.GetDelivery(ctx, GetDeliveryInput{ID: d.Delivery.ID})
	require.NoError(t, err)
	assert.Equal(t, []string{"date"}, got.Delivery.RecordFields)
	assert.Equal(t, "\t", got.Delivery.FieldDelimiter)
	assert.Equal(t, "p/{yyyy}", got.Delivery.S3DeliveryConfiguration.SuffixPath)
	assert.True(t, *got.Delivery.S3DeliveryConfiguration.EnableHiveCompatiblePath)
	_, err = e.s.UpdateDeliveryConfiguration(ctx, UpdateDeliveryConfigurationInput{ID: "missing"})
	assert.Equal(t, "ResourceNotFoundException", awserr.Code(err))
}

func TestDeliveryResourcesRejectWhatAWSRejects(t *testing.T) {
	e := newEnv(t)
	deliverySetup(t, e)
	long := make([]byte, 61)
	for i := range long {
		long[i] = 'a'
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"source name with a slash", func() error {
			_, err := e.s.PutDeliverySource(ctx, PutDeliverySourceInput{Name: "a/b", ResourceArn: cfDistribution, LogType: "ACCESS_LOGS"})
			return err
		}, "ValidationException"},
		{"source name over 60 characters", func() error {
			_, err := e.s.PutDeliverySource(ctx, PutDeliverySourceInput{Name: string(long), ResourceArn: cfDistribution, LogType: "ACCESS_LOGS"})
			return err
		}, "ValidationException"},
		{"source resource that is not an ARN", func() error {
			_, err := e.s.PutDeliverySource(ctx, PutDeliverySourceInput{Name: "x", ResourceArn: "distribution", LogType: "ACCESS_LOGS"})
			return err
		}, "ValidationException"},
		{"tags on a source update", func() error {
			_, err := e.s.PutDeliverySource(ctx, PutDeliverySourceInput{Name: "cf", ResourceArn: cfDistribution, LogType: "ACCESS_LOGS", Tags: map[string]string{"a": "b"}})
			return err
		}, "ConflictException"},
		{"a source update to another resource", func() error {
			_, err := e.s.PutDeliverySource(ctx, PutDeliverySourceInput{Name: "cf", ResourceArn: "arn:aws:cloudfront::123456789012:distribution/OTHER", LogType: "ACCESS_LOGS"})
			return err
		}, "ConflictException"},
		{"an output format outside the enum", func() error {
			_, err := e.s.PutDeliveryDestination(ctx, PutDeliveryDestinationInput{Name: "d", OutputFormat: "csv", DeliveryDestinationConfiguration: &DeliveryDestinationConfiguration{DestinationResourceArn: logBucket}})
			return err
		}, "ValidationException"},
		{"a destination update to another output format", func() error {
			_, err := e.s.PutDeliveryDestination(ctx, PutDeliveryDestinationInput{Name: "bucket", OutputFormat: "w3c", DeliveryDestinationConfiguration: &DeliveryDestinationConfiguration{DestinationResourceArn: logBucket}})
			return err
		}, "ValidationException"},
		{"a destination type that contradicts the ARN", func() error {
			_, err := e.s.PutDeliveryDestination(ctx, PutDeliveryDestinationInput{Name: "d", DeliveryDestinationType: DeliveryDestinationFH, DeliveryDestinationConfiguration: &DeliveryDestinationConfiguration{DestinationResourceArn: logBucket}})
			return err
		}, "ValidationException"},
		{"a delivery from a missing source", func() error {
			_, err := e.s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "nope", DeliveryDestinationArn: "arn:aws:logs:us-east-1:123456789012:delivery-destination:bucket"})
			return err
		}, "ResourceNotFoundException"},
		{"a delivery to a missing destination", func() error {
			_, err := e.s.CreateDelivery(ctx, CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: "arn:aws:logs:us-east-1:123456789012:delivery-destination:nope"})
			return err
		}, "ResourceNotFoundException"},
		{"a policy that is not JSON", func() error {
			_, err := e.s.PutDeliveryDestinationPolicy(ctx, PutDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket", DeliveryDestinationPolicy: "{"})
			return err
		}, "ValidationException"},
		{"a policy on a missing destination", func() error {
			_, err := e.s.PutDeliveryDestinationPolicy(ctx, PutDeliveryDestinationPolicyInput{DeliveryDestinationName: "nope", DeliveryDestinationPolicy: "{}"})
			return err
		}, "ResourceNotFoundException"},
		{"a describe limit of 0", func() error {
			_, err := e.s.DescribeDeliveries(ctx, DescribeDeliveriesInput{Limit: ptr(int32(0))})
			return err
		}, "ValidationException"},
		{"a delivery ID with a dash", func() error {
			_, err := e.s.GetDelivery(ctx, GetDeliveryInput{ID: "a-b"})
			return err
		}, "ValidationException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := e.s.DescribeDeliverySources(ctx, DescribeDeliverySourcesInput{})
			beforeD, _ := e.s.DescribeDeliveryDestinations(ctx, DescribeDeliveryDestinationsInput{})
			assert.Equal(t, c.code, awserr.Code(c.call()))
			after, _ := e.s.DescribeDeliverySources(ctx, DescribeDeliverySourcesInput{})
			afterD, _ := e.s.DescribeDeliveryDestinations(ctx, DescribeDeliveryDestinationsInput{})
			assert.Equal(t, before, after, "a rejected call changes nothing")
			assert.Equal(t, beforeD, afterD, "a rejected call changes nothing")
		})
	}
}

func TestDeliveryDestinationPolicyRoundTrips(t *testing.T) {
	e := newEnv(t)
	deliverySetup(t, e)
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"logs:CreateDelivery","Resource":"*"}]}`
	p, err := e.s.PutDeliveryDestinationPolicy(ctx, PutDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket", DeliveryDestinationPolicy: doc})
	require.NoError(t, err)
	assert.Equal(t, doc, p.Policy.DeliveryDestinationPolicy)
	g, err := e.s.GetDeliveryDestinationPolicy(ctx, GetDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket"})
	require.NoError(t, err)
	assert.Equal(t, doc, g.Policy.DeliveryDestinationPolicy)
	_, err = e.s.DeleteDeliveryDestinationPolicy(ctx, DeleteDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket"})
	require.NoError(t, err)
	g, err = e.s.GetDeliveryDestinationPolicy(ctx, GetDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket"})
	require.NoError(t, err)
	assert.Empty(t, g.Policy.DeliveryDestinationPolicy)
}

func ptr[T any](v T) *T { return &v }
