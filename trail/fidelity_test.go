package trail

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// putBackfillDigest stores a signed backfill digest ending at end that lists
// one new log file, as CloudTrail delivers one for a log file a digest missed.
func (e *env) putBackfillDigest(t *testing.T, end time.Time, meta bool) (string, string) {
	t.Helper()
	ctx := context.Background()
	body := []byte(`{"Records":[]}`)
	logKey := LogFileKey("", "", "123456789012", "us-east-1", end.Add(-10*time.Minute), "BackfillLogFile0")
	require.NoError(t, e.store.Put(ctx, objstore.Object{Bucket: "trail-bucket", Key: logKey, Body: gzipBytes(body)}))
	key := strings.TrimSuffix(DigestFileKey("", "", "123456789012", "us-east-1", "audit", "us-east-1", end), ".json.gz") + BackfillSuffix
	d := Digest{AWSAccountID: "123456789012", DigestStartTime: end.Add(-time.Hour).Format(TimeFormat), DigestEndTime: end.Format(TimeFormat),
		DigestS3Bucket: "trail-bucket", DigestS3Object: key, DigestSignatureAlgorithm: SignatureAlgorithm,
		LogFiles: []DigestLogFile{{S3Bucket: "trail-bucket", S3Object: logKey, HashValue: sha256Hex(body), HashAlgorithm: "SHA-256",
			NewestEventTime: end.Format(TimeFormat), OldestEventTime: end.Format(TimeFormat)}}}
	sk := e.shared.regionKey("123456789012", "us-east-1", end)
	d.DigestPublicKeyFingerprint = sk.fingerprint
	raw, err := json.Marshal(&d)
	require.NoError(t, err)
	sig, err := sk.sign(StringToSign(d.DigestEndTime, d.DigestS3Bucket, key, raw, nil))
	require.NoError(t, err)
	md := map[string]string{"signature": hex.EncodeToString(sig), "signature-algorithm": SignatureAlgorithm}
	if meta {
		md["backfill-generation-timestamp"] = e.clk.Now().UTC().Format(TimeFormat)
	}
	require.NoError(t, e.store.Put(ctx, objstore.Object{Bucket: "trail-bucket", Key: key, Body: gzipBytes(raw), Metadata: md}))
	return key, logKey
}

// A backfill digest (key ending _backfill.json.gz) is validated like any
// other digest, as a chain of its own after the standard chain, and never
// stops the listing: the digests after it are still checked. The text output
// is the CLI's: "(backfill) Digest file" lines and a "backfill digest files"
// ratio.
func TestBackfillDigestsAreValidatedLikeAnyOtherDigest(t *testing.T) {
	e, digests, _ := tamperEnv(t)                                       // digests at 11:00, 12:00, 13:00
	bkey, blog := e.putBackfillDigest(t, t0.Add(118*time.Minute), true) // 12:00:00, beside the 12:00 digest
	rep := e.validate(t)
	assert.True(t, rep.OK(), problems(rep))
	assert.Equal(t, 3, rep.ValidDigests, "the listing went on past the backfill digest")
	assert.Equal(t, 1, rep.ValidBackfillDigests)
	var seen []string
	for _, r := range rep.Results {
		if r.Kind == DigestFileKind {
			seen = append(seen, r.String())
		}
	}
	assert.Equal(t, []string{
		"Digest file\ts3://trail-bucket/" + digests[2] + "\tvalid",
		"Digest file\ts3://trail-bucket/" + digests[1] + "\tvalid",
		"Digest file\ts3://trail-bucket/" + digests[0] + "\tvalid",
		"(backfill) Digest file\ts3://trail-bucket/" + bkey + "\tvalid",
	}, seen)
	assert.NotContains(t, rep.Unreferenced, blog, "the backfill digest references its log file")
	var stdout, stderr bytes.Buffer
	rep.WriteText(&stdout, &stderr, false)
	assert.Contains(t, stdout.String(), "\n3/3 digest files valid\n1/1 backfill digest files valid\n37/37 log files valid\n")

	// A tampered backfill digest is reported with the CLI's prefix.
	e.rewriteDigest(t, bkey, func(d map[string]any) { d["logFiles"] = []any{} })
	rep = e.validate(t)
	assert.Equal(t, []string{"(backfill) Digest file\ts3://trail-bucket/" + bkey + "\tINVALID: signature verification failed"}, problems(rep))
	assert.Equal(t, 3, rep.ValidDigests)
}

// The CLI requires a backfill digest's backfill-generation-timestamp
// metadata; without it the digest has an invalid format.
func TestBackfillDigestWithoutGenerationTimestampIsInvalidFormat(t *testing.T) {
	e, _, _ := tamperEnv(t)
	bkey, _ := e.putBackfillDigest(t, t0.Add(58*time.Minute), false)
	rep := e.validate(t)
	assert.Equal(t, []string{"(backfill) Digest file\ts3://trail-bucket/" + bkey + "\tINVALID: invalid format"}, problems(rep))
	assert.Equal(t, 1, rep.InvalidBackfillDigests)
	assert.False(t, rep.OK())
}

// With --start-time inside a digest's range, the CLI's "Results found for"
// line starts at the requested start time (max of the digest's start and the
// start time, minimized over the valid digests), not at the next digest.
func TestResultsFoundLineStartsAtTheRequestedStartInsideADigest(t *testing.T) {
	e, _, _ := tamperEnv(t) // digests 10:02-11:00, 11:00-12:00, 12:00-13:00; now 13:02
	start := time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	rep, err := e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "audit", StartTime: start})
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	rep.WriteText(&stdout, &stderr, false)
	assert.Contains(t, stdout.String(), "Results requested for 2026-03-01T10:30:00Z to 2026-03-01T13:02:00Z\nResults found for 2026-03-01T10:30:00Z to 2026-03-01T13:00:00Z:\n")
	// And with an end time inside a digest, the found range ends there.
	end := time.Date(2026, 3, 1, 11, 30, 0, 0, time.UTC)
	rep, err = e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "audit", StartTime: start, EndTime: &end})
	require.NoError(t, err)
	assert.Equal(t, start, rep.FoundStart)
	assert.Equal(t, end, rep.FoundEnd)
}

// Turning validation off and on within an hour restarts the chain without
// overlapping digest ranges: the old chain's last digest ends when
// validation came back and the new chain starts there (a starting digest
// with null previous-digest fields), so the validator reports a gap that is
// not reversed, and every file is valid.
func TestValidationOffAndOnWithinAnHourDoesNotOverlapDigests(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(58 * time.Minute) // 11:00: first digest
	for range 6 {                   // to 11:30
		e.call("PutMetricAlarm", false)
		e.clk.Advance(5 * time.Minute)
	}
	_, err := e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", EnableLogFileValidation: ptr(false)})
	require.NoError(t, err)
	e.clk.Advance(13 * time.Minute) // 11:43
	_, err = e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	for range 6 {
		e.call("PutMetricAlarm", false)
		e.clk.Advance(5 * time.Minute)
	}
	e.clk.Advance(time.Hour)
	var ranges [][2]string
	for _, k := range e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/") {
		d := e.readDigest(t, k)
		ranges = append(ranges, [2]string{d.DigestStartTime, d.DigestEndTime})
	}
	for i := 1; i < len(ranges); i++ {
		assert.LessOrEqual(t, ranges[i-1][1], ranges[i][0], "digest ranges overlap: %v", ranges)
	}
	assert.Equal(t, [2]string{"2026-03-01T11:00:00Z", "2026-03-01T11:43:00Z"}, ranges[1])
	assert.Equal(t, [2]string{"2026-03-01T11:43:00Z", "2026-03-01T12:00:00Z"}, ranges[2])
	rep := e.validate(t)
	assert.True(t, rep.OK(), problems(rep))
	require.Len(t, rep.Gaps, 1)
	assert.False(t, rep.Gaps[0].From.After(rep.Gaps[0].To), "gap reversed: %v", rep.Gaps[0])
	assert.Empty(t, rep.Unreferenced)
}

// Records of API calls carry a requestID ("The value that identifies the
// request. The service being called generates this value"): RecordEvent
// generates one for an AwsApiCall that has none; a sign-in has none, as in
// AWS's examples.
func TestRecordEventGeneratesARequestIDForAPICalls(t *testing.T) {
	e := newEnv(t)
	out, err := e.svc.RecordEvent(e.ctx, RecordEventInput{EventSource: "s3.amazonaws.com", EventName: "PutObject", EventCategory: CategoryData})
	require.NoError(t, err)
	assert.Len(t, out.Record.RequestID, 36, "a UUID")
	out2, err := e.svc.RecordEvent(e.ctx, RecordEventInput{EventSource: "s3.amazonaws.com", EventName: "PutObject", EventCategory: CategoryData})
	require.NoError(t, err)
	assert.NotEqual(t, out.Record.RequestID, out2.Record.RequestID)
	given, err := e.svc.RecordEvent(e.ctx, RecordEventInput{EventSource: "app.example.com", EventName: "Do", RequestID: "req-1"})
	require.NoError(t, err)
	assert.Equal(t, "req-1", given.Record.RequestID)
	long, err := e.svc.RecordEvent(e.ctx, RecordEventInput{EventSource: "app.example.com", EventName: "Do", RequestID: strings.Repeat("r", 2000)})
	require.NoError(t, err)
	assert.Len(t, long.Record.RequestID, 1024, "truncated at 1 KB")
	login, err := e.svc.RecordEvent(e.ctx, RecordEventInput{EventType: EventTypeConsoleSignIn, EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin"})
	require.NoError(t, err)
	assert.Empty(t, login.Record.RequestID)
}

// LookupEvents' ResourceName matches the names AWS's records carry, not only
// ARNs: an instance ID, a bucket name, a topic name, a log group name.
func TestLookupEventsResourceNameMatchesNames(t *testing.T) {
	e := newEnv(t)
	record := func(name, typ, arn string) {
		_, err := e.svc.RecordEvent(e.ctx, RecordEventInput{EventSource: "app.example.com", EventName: name,
			Resources: []Resource{{Type: typ, ARN: arn, AccountID: "123456789012"}}})
		require.NoError(t, err)
	}
	record("RunInstances", "AWS::EC2::Instance", "arn:aws:ec2:us-east-1:123456789012:instance/i-1234567")
	record("CreateBucket", "AWS::S3::Bucket", "arn:aws:s3:::my-bucket")
	record("CreateTopic", "AWS::SNS::Topic", "arn:aws:sns:us-east-1:123456789012:alerts")
	record("CreateLogGroup", "AWS::Logs::LogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*")
	cases := map[string]string{
		"i-1234567": "RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/i-1234567": "RunInstances",
		"instance/i-1234567": "RunInstances", "my-bucket": "CreateBucket", "alerts": "CreateTopic",
		"/app/web": "CreateLogGroup", "arn:aws:sns:us-east-1:123456789012:alerts": "CreateTopic",
	}
	for value, want := range cases {
		out, err := e.svc.LookupEvents(e.ctx, LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupResourceName, AttributeValue: value}}})
		require.NoError(t, err)
		require.Len(t, out.Events, 1, value)
		assert.Equal(t, want, out.Events[0].EventName, value)
	}
	out, err := e.svc.LookupEvents(e.ctx, LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupResourceName, AttributeValue: "i-999"}}})
	require.NoError(t, err)
	assert.Empty(t, out.Events)
}

// Deleting the newest digest goes unnoticed by AWS's validator, and so do the
// log files it listed. localwatch's extra check (beyond the CLI) reports the
// log files delivered after the newest remaining digest that a digest should
// list by the end of the range, and says so in its own output line.
func TestDeletedNewestDigestLeavesItsLogFilesUnreferenced(t *testing.T) {
	e, digests, logs := tamperEnv(t) // digests 11:00, 12:00, 13:00; now 13:02
	for range 24 {                   // to 15:02: digests 14:00, 15:00
		e.call("PutMetricAlarm", false)
		e.clk.Advance(5 * time.Minute)
	}
	digests = e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
	require.Len(t, digests, 5)
	newest := e.readDigest(t, digests[4])
	require.NotEmpty(t, newest.LogFiles)
	require.NoError(t, e.store.Delete(context.Background(), "trail-bucket", digests[4]))
	rep := e.validate(t)
	assert.True(t, rep.OK(), "the CLI's verdict: nothing invalid")
	var want []string
	for _, lf := range newest.LogFiles {
		want = append(want, lf.S3Object)
	}
	assert.Equal(t, want, rep.Unreferenced, "the deleted digest's log files")
	var out bytes.Buffer
	rep.WriteUnreferenced(&out, "trail-bucket")
	assert.Equal(t, "Log file\ts3://trail-bucket/"+want[0]+"\tnot referenced by any digest (a localwatch check beyond aws cloudtrail validate-logs)\n", strings.SplitAfter(out.String(), "\n")[0])
	_ = logs

	// Files of the current hour, which no digest lists yet, are not reported.
	e2, _, _ := tamperEnv(t)
	e2.call("PutMetricAlarm", false)
	e2.clk.Advance(5 * time.Minute)
	assert.Empty(t, e2.validate(t).Unreferenced)
}

// The digest signing key rotates every 30 days, as AWS's list-public-keys
// example shows (a key valid for exactly 30 days); ListPublicKeys returns
// every key of the range with its window, and a validation across a rotation
// picks the right key for each digest.
func TestDigestSigningKeyRotatesEvery30Days(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(KeyRotation - 2*time.Hour)
	e.call("PutMetricAlarm", false)
	e.clk.Advance(4 * time.Hour) // across the rotation
	e.call("PutMetricAlarm", false)
	e.clk.Advance(2 * time.Hour)

	rotation := t0.Truncate(time.Second).Add(KeyRotation)
	out, err := e.svc.ListPublicKeys(e.ctx, ListPublicKeysInput{StartTime: ptr(t0), EndTime: ptr(e.clk.Now())})
	require.NoError(t, err)
	require.Len(t, out.PublicKeyList, 2)
	k0, k1 := out.PublicKeyList[0], out.PublicKeyList[1]
	assert.Equal(t, t0, k0.ValidityStartTime)
	assert.Equal(t, rotation, k0.ValidityEndTime, "30 days")
	assert.Equal(t, rotation, k1.ValidityStartTime, "windows are contiguous")
	assert.Equal(t, rotation.Add(KeyRotation), k1.ValidityEndTime)
	assert.NotEqual(t, k0.Fingerprint, k1.Fingerprint)

	now, err := e.svc.ListPublicKeys(e.ctx, ListPublicKeysInput{})
	require.NoError(t, err)
	require.Len(t, now.PublicKeyList, 1, "the current key")
	assert.Equal(t, k1.Fingerprint, now.PublicKeyList[0].Fingerprint)

	digests := e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
	before := e.readDigest(t, digests[len(digests)-5]) // 10:00, before the rotation at 10:02
	after := e.readDigest(t, digests[len(digests)-1])
	assert.Equal(t, k0.Fingerprint, before.DigestPublicKeyFingerprint)
	assert.Equal(t, k1.Fingerprint, after.DigestPublicKeyFingerprint)

	rep, err := e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "audit", StartTime: rotation.Add(-3 * time.Hour)})
	require.NoError(t, err)
	assert.True(t, rep.OK(), problems(rep))
	assert.Equal(t, 7, rep.ValidDigests, "08:00 to 14:00")
	assert.Equal(t, 2, rep.ValidLogs)
}
