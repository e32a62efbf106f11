package localwatch_test

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// call is the part of a CloudTrail event a scenario pins down.
type call struct {
	Name, Source string
	ReadOnly     string
}

// aliceCalls makes one write and one read call on each of metrics, logs, SNS,
// alarms and Config as alice.
func aliceCalls(t *testing.T, sc *scenario) {
	t.Helper()
	st, ctx := sc.st, sc.alice
	_, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{{MetricName: "Orders", Value: metrics.Float(1)}}})
	require.NoError(t, err)
	_, err = st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "/app/web"})
	require.NoError(t, err)
	_, err = st.Logs.DescribeLogGroups(ctx, logs.DescribeLogGroupsInput{})
	require.NoError(t, err)
	_, err = st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops"})
	require.NoError(t, err)
	_, err = st.SNS.ListTopics(ctx, sns.ListTopicsInput{})
	require.NoError(t, err)
	_, err = st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "orders-low", Namespace: "Shop", MetricName: "Orders",
		Statistic: metrics.StatSum, Period: 300, EvaluationPeriods: 1, Threshold: metrics.Float(1), ComparisonOperator: alarms.LessThanThreshold})
	require.NoError(t, err)
	_, err = st.Alarms.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{})
	require.NoError(t, err)
	_, err = st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:role/config"}})
	require.NoError(t, err)
	_, err = st.Config.DescribeConfigurationRecorders(ctx, config.DescribeConfigurationRecordersInput{})
	require.NoError(t, err)
}

// Flow 1: API calls of every service, made as an IAM user, reach CloudTrail's
// event history and a logging trail's files; the hourly digest proves the
// files, and a tampered file is caught.
func TestScenarioAPICallsToTrailHistoryFilesAndDigests(t *testing.T) {
	sc := newScenario(t)
	st, ctx := sc.st, sc.alice

	// 10:01 a trail with log file validation.
	created, err := st.Trail.CreateTrail(ctx, trail.CreateTrailInput{Name: "audit", S3BucketName: "audit-bucket", EnableLogFileValidation: trail.Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit", created.TrailARN)
	assert.True(t, created.IncludeGlobalServiceEvents, "IncludeGlobalServiceEvents defaults to true")
	_, err = st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"})
	require.NoError(t, err)

	// 10:02 alice works with every service.
	sc.clk.Advance(time.Minute)
	aliceCalls(t, sc)

	// Event history: management events only, newest first, as alice.
	hist, err := st.Trail.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: trail.LookupUsername, AttributeValue: "alice"}}})
	require.NoError(t, err)
	var got []call
	byName := map[string]trail.Event{}
	for _, e := range hist.Events {
		got = append(got, call{e.EventName, e.EventSource, e.ReadOnly})
		byName[e.EventName] = e
		assert.Equal(t, "alice", e.Username)
		assert.Equal(t, "AKIAIOSFODNN7EXAMPLE", e.AccessKeyId)
	}
	// PutMetricData is a CloudWatch data event: not in event history.
	assert.Equal(t, []call{
		{"DescribeConfigurationRecorders", "config.amazonaws.com", "true"},
		{"PutConfigurationRecorder", "config.amazonaws.com", "false"},
		{"DescribeAlarms", "monitoring.amazonaws.com", "true"},
		{"PutMetricAlarm", "monitoring.amazonaws.com", "false"},
		{"ListTopics", "sns.amazonaws.com", "true"},
		{"CreateTopic", "sns.amazonaws.com", "false"},
		{"DescribeLogGroups", "logs.amazonaws.com", "true"},
		{"CreateLogGroup", "logs.amazonaws.com", "false"},
		{"StartLogging", "cloudtrail.amazonaws.com", "false"},
		{"CreateTrail", "cloudtrail.amazonaws.com", "false"},
	}, got)
	assert.Equal(t, scenarioStart.Add(time.Minute), byName["CreateTopic"].EventTime)
	assert.Equal(t, []trail.EventResource{{ResourceType: "AWS::SNS::Topic", ResourceName: "arn:aws:sns:us-east-1:123456789012:ops"}}, byName["CreateTopic"].Resources)
	assert.Equal(t, []trail.EventResource{{ResourceType: "AWS::Logs::LogGroup", ResourceName: "arn:aws:logs:us-east-1:123456789012:log-group:/app/web"}}, byName["CreateLogGroup"].Resources)
	assert.Equal(t, []trail.EventResource{{ResourceType: "AWS::CloudWatch::Alarm", ResourceName: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-low"}}, byName["PutMetricAlarm"].Resources)
	rec := jsonMap(t, []byte(byName["CreateTopic"].CloudTrailEvent))
	assert.Equal(t, map[string]any{"type": "IAMUser", "principalId": "AIDAJ45Q7YFFAREXAMPLE",
		"arn": "arn:aws:iam::123456789012:user/alice", "accountId": account, "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "alice"}, rec["userIdentity"])
	assert.Equal(t, "2026-11-25T10:02:00Z", rec["eventTime"])
	assert.Equal(t, map[string]any{"name": "ops"}, rec["requestParameters"])
	assert.Equal(t, map[string]any{"topicArn": "arn:aws:sns:us-east-1:123456789012:ops"}, rec["responseElements"])
	assert.Equal(t, "AwsApiCall", rec["eventType"])
	assert.Equal(t, true, rec["managementEvent"])
	assert.Equal(t, "Management", rec["eventCategory"])
	assert.Equal(t, account, rec["recipientAccountId"])

	// Lookups by other attributes.
	bySource, err := st.Trail.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: trail.LookupEventSource, AttributeValue: "logs.amazonaws.com"}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"DescribeLogGroups", "CreateLogGroup"}, eventNames(bySource.Events))
	byRes, err := st.Trail.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: trail.LookupResourceType, AttributeValue: "AWS::CloudWatch::Alarm"}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"PutMetricAlarm"}, eventNames(byRes.Events))

	// Nothing is delivered before the 5-minute boundary.
	sc.clk.Advance(2*time.Minute + 59*time.Second) // 10:04:59
	assert.Empty(t, sc.keys(t, "audit-bucket", ""))
	sc.clk.Advance(time.Second) // 10:05:00
	logKeys := sc.keys(t, "audit-bucket", "AWSLogs/123456789012/CloudTrail/")
	require.Len(t, logKeys, 1)
	assert.Regexp(t, `^AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/25/123456789012_CloudTrail_us-east-1_20261125T1005Z_[A-Za-z0-9]{16}\.json\.gz$`, logKeys[0])
	f, err := trail.ReadLogFile(bytes.NewReader(sc.get(t, "audit-bucket", logKeys[0])))
	require.NoError(t, err)
	var names []string
	for _, r := range f.Records {
		names = append(names, r.EventName)
		assert.Equal(t, "us-east-1", r.AWSRegion)
		assert.Equal(t, "1.11", r.EventVersion)
	}
	// Arrival order; the trail is management-only, so PutMetricData (a data
	// event) is not in the file; the lookups themselves are.
	assert.Equal(t, []string{"StartLogging", "CreateLogGroup", "DescribeLogGroups", "CreateTopic", "ListTopics", "PutMetricAlarm",
		"DescribeAlarms", "PutConfigurationRecorder", "DescribeConfigurationRecorders", "LookupEvents", "LookupEvents", "LookupEvents"}, names)
	assert.Empty(t, sc.keys(t, "audit-bucket", "AWSLogs/123456789012/CloudTrail-Digest/"), "no digest before the hour")

	status, err := st.Trail.GetTrailStatus(ctx, trail.GetTrailStatusInput{Name: "audit"})
	require.NoError(t, err)
	assert.True(t, status.IsLogging)
	assert.Equal(t, scenarioStart.Add(4*time.Minute), *status.LatestDeliveryTime)

	// 11:00 the hourly digest covers the one file.
	sc.clk.Advance(55 * time.Minute)
	digestKeys := sc.keys(t, "audit-bucket", "AWSLogs/123456789012/CloudTrail-Digest/")
	require.Equal(t, []string{"AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/25/123456789012_CloudTrail-Digest_us-east-1_audit_us-east-1_20261125T110000Z.json.gz"}, digestKeys)
	var digest trail.Digest
	require.NoError(t, jsonUnmarshal(sc.get(t, "audit-bucket", digestKeys[0]), &digest))
	assert.Equal(t, "2026-11-25T10:01:00Z", digest.DigestStartTime)
	assert.Equal(t, "2026-11-25T11:00:00Z", digest.DigestEndTime)
	assert.Nil(t, digest.PreviousDigestSignature, "first digest of the chain")
	// Two files: the 10:05 one, and the 10:10 one holding GetTrailStatus.
	logKeys = sc.keys(t, "audit-bucket", "AWSLogs/123456789012/CloudTrail/")
	require.Len(t, logKeys, 2)
	require.Len(t, digest.LogFiles, 2)
	assert.Equal(t, logKeys[0], digest.LogFiles[0].S3Object)
	assert.Equal(t, "SHA-256", digest.LogFiles[0].HashAlgorithm)
	assert.Equal(t, sha256Hex(sc.get(t, "audit-bucket", logKeys[0])), digest.LogFiles[0].HashValue)
	assert.Equal(t, "2026-11-25T10:01:00Z", digest.LogFiles[0].OldestEventTime)
	assert.Equal(t, "2026-11-25T10:02:00Z", digest.LogFiles[0].NewestEventTime)
	assert.Regexp(t, `_20261125T1010Z_`, logKeys[1])
	assert.Equal(t, "2026-11-25T10:05:00Z", digest.LogFiles[1].OldestEventTime)
	obj, err := sc.store.Get(context.Background(), "audit-bucket", digestKeys[0])
	require.NoError(t, err)
	assert.Equal(t, "SHA256withRSA", obj.Metadata["signature-algorithm"])
	assert.Regexp(t, `^[0-9a-f]{512}$`, obj.Metadata["signature"])

	rep, err := st.Trail.ValidateLogs(ctx, trail.ValidateLogsInput{TrailName: "audit", StartTime: scenarioStart})
	require.NoError(t, err)
	assert.True(t, rep.OK())
	assert.Equal(t, 1, rep.ValidDigests)
	assert.Equal(t, 2, rep.ValidLogs)
	assert.Empty(t, rep.Unreferenced)

	// Tamper: one byte of the log file's JSON changes (re-gzipped, so the
	// object is still a well-formed log file).
	body := sc.get(t, "audit-bucket", logKeys[0])
	tampered := regexp.MustCompile(`"userName":"alice"`).ReplaceAll(body, []byte(`"userName":"mallory"`))
	require.NotEqual(t, body, tampered)
	require.NoError(t, sc.store.Put(context.Background(), objstore.Object{Bucket: "audit-bucket", Key: logKeys[0], Body: gzipped(t, tampered)}))
	rep, err = st.Trail.ValidateLogs(ctx, trail.ValidateLogsInput{TrailName: "audit", StartTime: scenarioStart})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	assert.Equal(t, 1, rep.ValidDigests)
	assert.Equal(t, 1, rep.InvalidLogs)
	assert.Contains(t, resultLines(rep), "Log file\ts3://audit-bucket/"+logKeys[0]+"\tINVALID: hash value doesn't match")

	// Tamper the digest too: its signature no longer verifies.
	dbody := sc.get(t, "audit-bucket", digestKeys[0])
	dtampered := regexp.MustCompile(`"digestS3Bucket":"audit-bucket"`).ReplaceAll(dbody, []byte(`"digestS3Bucket":"audit-bucket" `))
	require.NoError(t, sc.store.Put(context.Background(), objstore.Object{Bucket: "audit-bucket", Key: digestKeys[0], Body: gzipped(t, dtampered), Metadata: obj.Metadata}))
	rep, err = st.Trail.ValidateLogs(ctx, trail.ValidateLogsInput{TrailName: "audit", StartTime: scenarioStart})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.InvalidDigests)
	assert.Contains(t, resultLines(rep), "Digest file\ts3://audit-bucket/"+digestKeys[0]+"\tINVALID: signature verification failed")
}

func eventNames(evs []trail.Event) []string {
	var names []string
	for _, e := range evs {
		names = append(names, e.EventName)
	}
	return names
}

func resultLines(rep *trail.ValidationReport) []string {
	var l []string
	for _, r := range rep.Results {
		l = append(l, r.String())
	}
	return l
}

// CreateTrail checks that the CloudWatch Logs group exists. A trail whose
// group was deleted after it was created, and whose SNS topic does not exist:
// the logs and SNS services reject its deliveries over the bus,
// GetTrailStatus shows their error codes, and once both exist the next
// delivery succeeds.
func TestScenarioTrailDeliveryFailuresShowInTrailStatus(t *testing.T) {
	sc := newScenario(t)
	st, ctx := sc.st, sc.alice
	in := trail.CreateTrailInput{Name: "audit", S3BucketName: "audit-bucket", SnsTopicName: "trail-files",
		CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:trail-events:*",
		CloudWatchLogsRoleArn:     "arn:aws:iam::123456789012:role/trail-to-logs"}
	_, err := st.Trail.CreateTrail(ctx, in)
	require.ErrorIs(t, err, trail.ErrInvalidCloudWatchLogsLogGroupArn, "the group does not exist yet")
	_, err = st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "trail-events"})
	require.NoError(t, err)
	_, err = st.Trail.CreateTrail(ctx, in)
	require.NoError(t, err)
	_, err = st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"})
	require.NoError(t, err)
	_, err = st.Logs.DeleteLogGroup(ctx, logs.DeleteLogGroupInput{LogGroupName: "trail-events"})
	require.NoError(t, err)
	status := func() *trail.GetTrailStatusOutput {
		t.Helper()
		out, err := st.Trail.GetTrailStatus(ctx, trail.GetTrailStatusInput{Name: "audit"})
		require.NoError(t, err)
		return out
	}

	sc.clk.Advance(4 * time.Minute) // 10:05
	s := status()
	assert.Equal(t, scenarioStart.Add(4*time.Minute), *s.LatestDeliveryTime, "the S3 delivery succeeded")
	assert.Equal(t, "ResourceNotFoundException", s.LatestCloudWatchLogsDeliveryError)
	assert.Nil(t, s.LatestCloudWatchLogsDeliveryTime)
	assert.Equal(t, "NotFound", s.LatestNotificationError)
	assert.Nil(t, s.LatestNotificationTime)

	_, err = st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "trail-events"})
	require.NoError(t, err)
	_, err = st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "trail-files"})
	require.NoError(t, err)
	sc.clk.Advance(5 * time.Minute) // 10:10
	s = status()
	assert.Empty(t, s.LatestCloudWatchLogsDeliveryError)
	assert.Equal(t, scenarioStart.Add(9*time.Minute), *s.LatestCloudWatchLogsDeliveryTime)
	assert.Empty(t, s.LatestNotificationError)
	assert.Equal(t, scenarioStart.Add(9*time.Minute), *s.LatestNotificationTime)
	got, err := st.Logs.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: "trail-events"})
	require.NoError(t, err)
	var names []string
	for _, e := range got.Events {
		names = append(names, jsonMap(t, []byte(e.Message))["eventName"].(string))
	}
	// The 10:05 file's records never reach the group (the model does not
	// retry a rejected delivery); the 10:10 file's do.
	assert.Equal(t, []string{"GetTrailStatus", "CreateLogGroup", "CreateTopic"}, names)
}
