package sdktest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCloudTrailOperations drives every CloudTrail operation localwatch serves
// through the SDK's client (awsJson1_1).
func TestCloudTrailOperations(t *testing.T) {
	e := newEnv(t)
	created, err := e.trail.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("audit"), S3BucketName: aws.String("audit-logs"),
		EnableLogFileValidation: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true)})
	require.NoError(t, err)
	trailARN := "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"
	assert.Equal(t, trailARN, aws.ToString(created.TrailARN))
	assert.True(t, aws.ToBool(created.LogFileValidationEnabled))

	_, err = e.trail.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("audit")})
	require.NoError(t, err)

	t.Run("GetTrail, DescribeTrails and ListTrails show it", func(t *testing.T) {
		g, err := e.trail.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String("audit")})
		require.NoError(t, err)
		assert.Equal(t, "audit-logs", aws.ToString(g.Trail.S3BucketName))
		assert.True(t, aws.ToBool(g.Trail.IsMultiRegionTrail))
		assert.Equal(t, "us-east-1", aws.ToString(g.Trail.HomeRegion))
		d, err := e.trail.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{"audit"}})
		require.NoError(t, err)
		require.Len(t, d.TrailList, 1)
		assert.Equal(t, trailARN, aws.ToString(d.TrailList[0].TrailARN))
		l, err := e.trail.ListTrails(ctx, &cloudtrail.ListTrailsInput{})
		require.NoError(t, err)
		require.Len(t, l.Trails, 1)
		assert.Equal(t, "audit", aws.ToString(l.Trails[0].Name))
	})

	t.Run("GetTrailStatus reports logging and deliveries on the clock", func(t *testing.T) {
		e.clock.Advance(6 * time.Minute) // a delivery and more
		s, err := e.trail.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(trailARN)})
		require.NoError(t, err)
		assert.True(t, aws.ToBool(s.IsLogging))
		require.NotNil(t, s.StartLoggingTime)
		assert.Equal(t, t0, s.StartLoggingTime.UTC())
		require.NotNil(t, s.LatestDeliveryTime, "a log file was delivered within five minutes")
	})

	t.Run("event selectors are put and read back", func(t *testing.T) {
		_, err := e.trail.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("audit"),
			EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)}}})
		require.NoError(t, err)
		g, err := e.trail.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("audit")})
		require.NoError(t, err)
		require.Len(t, g.EventSelectors, 1)
		assert.Equal(t, cttypes.ReadWriteTypeWriteOnly, g.EventSelectors[0].ReadWriteType)
	})

	t.Run("UpdateTrail changes the trail, StopLogging stops it", func(t *testing.T) {
		_, err := e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("trail-group")})
		require.NoError(t, err)
		u, err := e.trail.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String("audit"), S3KeyPrefix: aws.String("org"),
			CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:trail-group:*"),
			CloudWatchLogsRoleArn:     aws.String("arn:aws:iam::123456789012:role/trail-to-logs")})
		require.NoError(t, err)
		assert.Equal(t, "org", aws.ToString(u.S3KeyPrefix))
		_, err = e.trail.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("audit")})
		require.NoError(t, err)
		s, err := e.trail.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("audit")})
		require.NoError(t, err)
		assert.False(t, aws.ToBool(s.IsLogging))
	})

	t.Run("ListPublicKeys lists the digest signing key", func(t *testing.T) {
		e.clock.Advance(time.Hour) // an hourly digest
		k, err := e.trail.ListPublicKeys(ctx, &cloudtrail.ListPublicKeysInput{})
		require.NoError(t, err)
		require.NotEmpty(t, k.PublicKeyList)
		assert.NotEmpty(t, k.PublicKeyList[0].Value)
		assert.NotEmpty(t, aws.ToString(k.PublicKeyList[0].Fingerprint))
	})

	t.Run("LookupEvents pages through the SDK's own calls", func(t *testing.T) {
		p := cloudtrail.NewLookupEventsPaginator(e.trail, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(3),
			LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyEventSource, AttributeValue: aws.String("cloudtrail.amazonaws.com")}}})
		var names []string
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(out.Events), 3)
			for _, ev := range out.Events {
				names = append(names, aws.ToString(ev.EventName))
				assert.Equal(t, "alice", aws.ToString(ev.Username))
				assert.Equal(t, accessKey, aws.ToString(ev.AccessKeyId))
				var rec map[string]any
				require.NoError(t, json.Unmarshal([]byte(aws.ToString(ev.CloudTrailEvent)), &rec))
				assert.Equal(t, "us-east-1", rec["awsRegion"])
			}
		}
		assert.Contains(t, names, "CreateTrail")
		assert.Contains(t, names, "StartLogging")
		assert.Contains(t, names, "StopLogging")
		assert.Contains(t, names, "UpdateTrail")
	})

	t.Run("DeleteTrail deletes it", func(t *testing.T) {
		_, err := e.trail.DeleteTrail(ctx, &cloudtrail.DeleteTrailInput{Name: aws.String("audit")})
		require.NoError(t, err)
		_, err = e.trail.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String("audit")})
		var nf *cttypes.TrailNotFoundException
		require.ErrorAs(t, err, &nf)
	})
}
