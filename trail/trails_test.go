package trail

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTrailNameRules(t *testing.T) {
	cases := []struct {
		name  string
		valid bool
	}{
		{"my-trail", true},
		{"My.Trail_2", true},
		{"abc", true},
		{strings.Repeat("a", 128), true},
		{"ab", false},
		{strings.Repeat("a", 129), false},
		{"-trail", false},
		{"trail-", false},
		{"my--trail", false},
		{"my-_trail", false},
		{"my._trail", false},
		{"my trail", false},
		{"my/trail", false},
		{"192.168.5.4", false},
		{"..", false},
		{"a..b", false},
		{"abc\x00def", false},
		{"abc\xffdef", false},
		{"tr\u00e9il", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: tc.name, S3BucketName: "trail-bucket"})
			if tc.valid {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrInvalidTrailName)
			}
		})
	}
}

// UpdateTrail refuses a key prefix that can never be stored as CreateTrail
// does (InvalidS3PrefixException) and changes nothing.
func TestUpdateTrailRefusesUnstorablePrefix(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", false)
	for _, p := range []string{"..", "a/../b", "a\x00b", "a/./b"} {
		_, err := e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", S3KeyPrefix: ptr(p)})
		require.ErrorIs(t, err, ErrInvalidS3Prefix, "%q", p)
		assert.Equal(t, "The provided S3 prefix is not valid.", awserr.Message(err)[:len("The provided S3 prefix is not valid.")])
	}
	got, err := e.svc.GetTrail(e.ctx, GetTrailInput{Name: "audit"})
	require.NoError(t, err)
	assert.Empty(t, got.Trail.S3KeyPrefix)
	_, err = e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", S3KeyPrefix: ptr("team/audit.logs/")})
	require.NoError(t, err, "dots inside a segment and a trailing slash are fine")
}

func TestCreateTrailValidation(t *testing.T) {
	cases := []struct {
		name string
		in   CreateTrailInput
		want error
	}{
		{"missing bucket", CreateTrailInput{Name: "tr1"}, ErrInvalidS3BucketName},
		{"upper-case bucket", CreateTrailInput{Name: "tr1", S3BucketName: "MyBucket"}, ErrInvalidS3BucketName},
		{"prefix over 200 characters", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", S3KeyPrefix: strings.Repeat("p", 201)}, ErrInvalidS3Prefix},
		{"prefix with a .. segment", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", S3KeyPrefix: "logs/../other"}, ErrInvalidS3Prefix},
		{"prefix that is ..", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", S3KeyPrefix: ".."}, ErrInvalidS3Prefix},
		{"prefix with a . segment", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", S3KeyPrefix: "./logs"}, ErrInvalidS3Prefix},
		{"prefix with NUL", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", S3KeyPrefix: "logs\x00x"}, ErrInvalidS3Prefix},
		{"prefix with a control character", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", S3KeyPrefix: "logs\nx"}, ErrInvalidS3Prefix},
		{"prefix with invalid UTF-8", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", S3KeyPrefix: "logs\xff"}, ErrInvalidS3Prefix},
		{"prefix with a backslash", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", S3KeyPrefix: "logs\\..\\x"}, ErrInvalidS3Prefix},
		{"bad topic name", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", SnsTopicName: "no spaces"}, ErrInvalidSnsTopicName},
		{"log group without role", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/logs:*"}, ErrInvalidCloudWatchLogsRoleArn},
		{"role without log group", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", CloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role"}, ErrInvalidCloudWatchLogsLogGroupArn},
		{"malformed log group ARN", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", CloudWatchLogsLogGroupArn: "arn:aws:s3:::x", CloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/r"}, ErrInvalidCloudWatchLogsLogGroupArn},
		{"malformed role ARN", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:g:*", CloudWatchLogsRoleArn: "role"}, ErrInvalidCloudWatchLogsRoleArn},
		{"multi-Region trail without global events", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", IsMultiRegionTrail: ptr(true), IncludeGlobalServiceEvents: ptr(false)}, ErrInvalidParameterCombination},
		{"organization trail without an organization", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", IsOrganizationTrail: ptr(true)}, ErrOrganizationsNotInUse},
		{"bad KMS key", CreateTrailInput{Name: "tr1", S3BucketName: "b-1", KmsKeyId: "nope"}, ErrInvalidKmsKeyID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.svc.CreateTrail(e.ctx, tc.in)
			assert.ErrorIs(t, err, tc.want)
			d, _ := e.svc.DescribeTrails(e.ctx, DescribeTrailsInput{})
			assert.Empty(t, d.TrailList, "a rejected request changes nothing")
		})
	}
}

func TestFiveTrailsPerRegion(t *testing.T) {
	e := newEnv(t)
	west := New(Options{Clock: e.clk, Bus: e.bus, Region: "us-west-2", Shared: e.shared})
	defer west.Close()
	for i := range 4 {
		_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: fmt.Sprintf("t%d-east", i), S3BucketName: "b-1"})
		require.NoError(t, err)
	}
	_, err := west.CreateTrail(e.ctx, CreateTrailInput{Name: "multi", S3BucketName: "b-1", IsMultiRegionTrail: ptr(true)})
	require.NoError(t, err, "the multi-Region trail is the fifth in us-east-1")
	_, err = e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "sixth", S3BucketName: "b-1"})
	assert.ErrorIs(t, err, ErrMaximumNumberOfTrailsExceeded)
	_, err = west.CreateTrail(e.ctx, CreateTrailInput{Name: "multi2", S3BucketName: "b-1", IsMultiRegionTrail: ptr(true)})
	assert.ErrorIs(t, err, ErrMaximumNumberOfTrailsExceeded, "a multi-Region trail counts in every Region")
	_, err = west.CreateTrail(e.ctx, CreateTrailInput{Name: "west-only", S3BucketName: "b-1"})
	assert.NoError(t, err)
	_, err = e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "t0-east", S3BucketName: "b-1"})
	assert.ErrorIs(t, err, ErrTrailAlreadyExists)
}

func TestMultiRegionTrailIsShadowedAndManagedFromHome(t *testing.T) {
	e := newEnv(t)
	west := New(Options{Clock: e.clk, Bus: e.bus, IDs: nil, Region: "us-west-2", Shared: e.shared})
	defer west.Close()
	out, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "org", S3BucketName: "trail-bucket", IsMultiRegionTrail: ptr(true), EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	assert.True(t, out.IncludeGlobalServiceEvents)
	assert.Equal(t, "arn:aws:cloudtrail:us-east-1:123456789012:trail/org", out.TrailARN)

	d, err := west.DescribeTrails(e.ctx, DescribeTrailsInput{})
	require.NoError(t, err)
	require.Len(t, d.TrailList, 1)
	assert.Equal(t, "us-east-1", d.TrailList[0].HomeRegion)
	d, _ = west.DescribeTrails(e.ctx, DescribeTrailsInput{IncludeShadowTrails: ptr(false)})
	assert.Empty(t, d.TrailList)

	_, err = west.StartLogging(e.ctx, StartLoggingInput{Name: "org"})
	assert.ErrorIs(t, err, ErrInvalidHomeRegion)
	_, err = west.DeleteTrail(e.ctx, DeleteTrailInput{Name: out.TrailARN})
	assert.ErrorIs(t, err, ErrInvalidHomeRegion)
	_, err = west.UpdateTrail(e.ctx, UpdateTrailInput{Name: "org", S3KeyPrefix: ptr("x")})
	assert.ErrorIs(t, err, ErrInvalidHomeRegion)
	_, err = e.svc.StartLogging(e.ctx, StartLoggingInput{Name: "org"})
	require.NoError(t, err)

	cw := &event.Recorder{Bus: e.bus, Clock: e.clk, EventSource: "monitoring.amazonaws.com", Region: "us-west-2", AccountID: "123456789012"}
	cw.Record(e.ctx, event.Call{Name: "PutMetricAlarm"}, nil)
	e.clk.Advance(time.Hour)
	west1 := e.keys(t, "AWSLogs/123456789012/CloudTrail/us-west-2/")
	assert.Len(t, west1, 1, "the us-west-2 part of the trail is delivered under its Region")
	digests := e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/us-west-2/")
	require.Len(t, digests, 1)
	assert.Contains(t, digests[0], "_CloudTrail-Digest_us-west-2_org_us-east-1_20260301T110000Z.json.gz")
	rep, err := west.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: out.TrailARN, StartTime: t0})
	require.NoError(t, err)
	assert.True(t, rep.OK())
	assert.Equal(t, 1, rep.ValidLogs)
	eastKeys, _ := e.svc.ListPublicKeys(context.Background(), ListPublicKeysInput{})
	westKeys, _ := west.ListPublicKeys(context.Background(), ListPublicKeysInput{})
	assert.NotEqual(t, eastKeys.PublicKeyList[0].Fingerprint, westKeys.PublicKeyList[0].Fingerprint, "key pairs differ per Region")

	// Stopping in the home Region: the shadow delivers what is left at its next tick.
	_, err = e.svc.StopLogging(e.ctx, StopLoggingInput{Name: "org"})
	require.NoError(t, err)
	cw.Record(e.ctx, event.Call{Name: "AfterStop"}, nil)
	e.clk.Advance(5 * time.Minute)
	assert.Len(t, e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/us-west-2/"), 2, "final digest in the shadow Region")
	assert.NotContains(t, e.recordNames(t, "AWSLogs/123456789012/CloudTrail/us-west-2/"), "AfterStop", "events after StopLogging are not logged")
}

func TestUpdateTrailSwitchesGlobalEventsWithScope(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "tr1", S3BucketName: "b-1", IncludeGlobalServiceEvents: ptr(false)})
	require.NoError(t, err)
	out, err := e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "tr1", IsMultiRegionTrail: ptr(true)})
	require.NoError(t, err)
	assert.True(t, out.IncludeGlobalServiceEvents)
	out, err = e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "tr1", IsMultiRegionTrail: ptr(false)})
	require.NoError(t, err)
	assert.False(t, out.IncludeGlobalServiceEvents)
	_, err = e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "tr1", S3BucketName: ptr("Bad_Bucket")})
	assert.ErrorIs(t, err, ErrInvalidS3BucketName)
	g, err := e.svc.GetTrail(e.ctx, GetTrailInput{Name: "tr1"})
	require.NoError(t, err)
	assert.Equal(t, "b-1", g.Trail.S3BucketName, "a rejected update changes nothing")
	_, err = e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "missing"})
	assert.ErrorIs(t, err, ErrTrailNotFound)
	_, err = e.svc.GetTrail(e.ctx, GetTrailInput{Name: "arn:aws:cloudtrail:us-east-1:nope"})
	assert.ErrorIs(t, err, ErrCloudTrailARNInvalid)
	_, err = e.svc.GetTrail(e.ctx, GetTrailInput{Name: "arn:aws:cloudtrail:us-east-1:123456789012:trail/tr1"})
	assert.NoError(t, err)
}

func TestGetTrailStatusAndLoggingLifecycle(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "tr1", S3BucketName: "trail-bucket", EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	st, err := e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "tr1"})
	require.NoError(t, err)
	assert.False(t, st.IsLogging, "CreateTrail does not start logging")
	e.call("BeforeStart", false)
	_, err = e.svc.StartLogging(e.ctx, StartLoggingInput{Name: "tr1"})
	require.NoError(t, err)
	_, err = e.svc.StartLogging(e.ctx, StartLoggingInput{Name: "tr1"})
	require.NoError(t, err, "starting a logging trail is a no-op")
	e.clk.Advance(time.Hour)
	st, err = e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "tr1"})
	require.NoError(t, err)
	assert.True(t, st.IsLogging)
	assert.Equal(t, t0, *st.StartLoggingTime)
	assert.Equal(t, "2026-03-01T10:05:00Z", st.LatestDeliveryTime.Format(TimeFormat))
	assert.Equal(t, "2026-03-01T11:00:00Z", st.LatestDigestDeliveryTime.Format(TimeFormat))
	assert.Equal(t, "2026-03-01T10:02:00Z", st.TimeLoggingStarted)
	assert.Nil(t, st.StopLoggingTime)
	_, err = e.svc.StopLogging(e.ctx, StopLoggingInput{Name: "tr1"})
	require.NoError(t, err)
	st, _ = e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "tr1"})
	assert.False(t, st.IsLogging)
	assert.Equal(t, e.clk.Now(), *st.StopLoggingTime)
	assert.Equal(t, e.clk.Now(), *st.LatestDigestDeliveryTime, "final digest at StopLogging")

	// Every log record: StopLogging is the last one, BeforeStart is absent.
	names := e.recordNames(t, "AWSLogs/123456789012/CloudTrail/")
	assert.NotContains(t, names, "BeforeStart")
	assert.Equal(t, "StopLogging", names[len(names)-1])
	_, err = e.svc.DeleteTrail(e.ctx, DeleteTrailInput{Name: "tr1"})
	require.NoError(t, err)
	_, err = e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "tr1"})
	assert.ErrorIs(t, err, ErrTrailNotFound)
	_, err = e.svc.DeleteTrail(e.ctx, DeleteTrailInput{Name: "tr1"})
	assert.ErrorIs(t, err, ErrTrailNotFound)
}

func TestOwnOperationsAreRecorded(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "myTrail2"})
	require.Error(t, err)
	out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "UpdateTrail"}}})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	var r Record
	require.NoError(t, json.Unmarshal([]byte(out.Events[0].CloudTrailEvent), &r))
	assert.Equal(t, EventSource, r.EventSource)
	assert.Equal(t, "TrailNotFoundException", r.ErrorCode)
	assert.Equal(t, "Unknown trail: myTrail2 for the user: 123456789012", r.ErrorMessage)
	assert.JSONEq(t, `{"name":"myTrail2"}`, string(mustJSON(r.RequestParameters)))
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestCloudWatchLogsAndSNSDelivery(t *testing.T) {
	e := newEnv(t)
	var got []event.LogDelivery
	var notes []event.Notification
	bus.Subscribe(e.bus, "logs", func(_ context.Context, ld event.LogDelivery) error { got = append(got, ld); return nil })
	bus.Subscribe(e.bus, "sns", func(_ context.Context, n event.Notification) error { notes = append(notes, n); return nil })
	_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "tr1", S3BucketName: "trail-bucket", SnsTopicName: "trail-topic",
		CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/logs:*",
		CloudWatchLogsRoleArn:     "arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role"})
	require.NoError(t, err)
	_, err = e.svc.StartLogging(e.ctx, StartLoggingInput{Name: "tr1"})
	require.NoError(t, err)
	e.call("PutMetricAlarm", false)
	e.clk.Advance(5 * time.Minute)
	require.Len(t, got, 1)
	assert.Equal(t, "CloudTrail/logs", got[0].LogGroupName)
	assert.Equal(t, "123456789012_CloudTrail_us-east-1", got[0].LogStreamName)
	require.Len(t, got[0].Events, 2)
	assert.Contains(t, got[0].Events[1].Message, `"eventName":"PutMetricAlarm"`)
	assert.Equal(t, t0.UnixMilli(), got[0].Events[1].Timestamp)
	require.Len(t, notes, 1)
	assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:trail-topic", notes[0].TopicARN)
	keys := e.keys(t, "AWSLogs/")
	assert.JSONEq(t, `{"s3Bucket":"trail-bucket","s3ObjectKey":["`+keys[0]+`"]}`, notes[0].Message)
	st, _ := e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "tr1"})
	assert.NotNil(t, st.LatestCloudWatchLogsDeliveryTime)
	assert.NotNil(t, st.LatestNotificationTime)
}

func TestKeyPrefixAndOrganizationLayout(t *testing.T) {
	e := newEnv(t)
	org := New(Options{Clock: e.clk, Bus: e.bus, Region: "eu-west-1", OrganizationID: "o-exampleorgid", Store: e.store})
	defer org.Close()
	_, err := org.CreateTrail(e.ctx, CreateTrailInput{Name: "org-trail", S3BucketName: "trail-bucket", S3KeyPrefix: "audit", IsOrganizationTrail: ptr(true), EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	_, err = org.StartLogging(e.ctx, StartLoggingInput{Name: "org-trail"})
	require.NoError(t, err)
	e.clk.Advance(time.Hour)
	keys := e.keys(t, "audit/AWSLogs/o-exampleorgid/123456789012/")
	require.Len(t, keys, 2)
	assert.Contains(t, keys[0], "audit/AWSLogs/o-exampleorgid/123456789012/CloudTrail-Digest/eu-west-1/2026/03/01/123456789012_CloudTrail-Digest_eu-west-1_org-trail_eu-west-1_20260301T110000Z.json.gz")
	assert.Contains(t, keys[1], "audit/AWSLogs/o-exampleorgid/123456789012/CloudTrail/eu-west-1/2026/03/01/123456789012_CloudTrail_eu-west-1_20260301T1005Z_")
	rep, err := org.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "org-trail", StartTime: t0})
	require.NoError(t, err)
	assert.True(t, rep.OK())
	assert.Equal(t, 1, rep.ValidDigests)
	assert.Equal(t, 1, rep.ValidLogs)
}

func (e *env) recordNames(t *testing.T, prefix string) []string {
	t.Helper()
	var names []string
	for _, k := range e.keys(t, prefix) {
		obj, _ := e.store.Get(context.Background(), "trail-bucket", k)
		f, err := ReadLogFile(bytes.NewReader(obj.Body))
		require.NoError(t, err)
		for _, r := range f.Records {
			names = append(names, r.EventName)
		}
	}
	return names
}

func TestListTrailsAllYieldsEveryVisibleTrail(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", false)
	e.trail(t, "ops", false)
	var names []string
	for ti, err := range e.svc.ListTrailsAll(e.ctx, ListTrailsInput{}) {
		require.NoError(t, err)
		names = append(names, ti.Name)
	}
	assert.Equal(t, []string{"audit", "ops"}, names)
	for _, err := range e.svc.ListTrailsAll(e.ctx, ListTrailsInput{NextToken: "nope"}) {
		assert.Equal(t, "InvalidTokenException", awserr.Code(err))
	}
}
