package trail

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tamperEnv runs a trail with validation for three hours and returns it with
// the delivered digest keys (oldest first) and log keys.
func tamperEnv(t *testing.T) (*env, []string, []string) {
	t.Helper()
	e := newEnv(t)
	e.trail(t, "audit", true)
	for range 36 {
		e.call("PutMetricAlarm", false)
		e.clk.Advance(5 * time.Minute)
	}
	// now 13:02: digests at 11:00, 12:00, 13:00
	digests := e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
	require.Len(t, digests, 3)
	return e, digests, e.keys(t, "AWSLogs/123456789012/CloudTrail/")
}

func (e *env) validate(t *testing.T) *ValidationReport {
	t.Helper()
	rep, err := e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "audit", StartTime: t0.Add(-time.Hour)})
	require.NoError(t, err)
	return rep
}

func problems(rep *ValidationReport) []string {
	var out []string
	for _, r := range rep.Results {
		if !r.Valid() {
			out = append(out, r.String())
		}
	}
	return out
}

func (e *env) rewriteDigest(t *testing.T, key string, edit func(d map[string]any)) {
	t.Helper()
	obj, err := e.store.Get(context.Background(), "trail-bucket", key)
	require.NoError(t, err)
	body, err := gunzip(obj.Body)
	require.NoError(t, err)
	var d map[string]any
	require.NoError(t, json.Unmarshal(body, &d))
	edit(d)
	nb, err := json.Marshal(d)
	require.NoError(t, err)
	obj.Body = gzipBytes(nb)
	require.NoError(t, e.store.Put(context.Background(), obj))
}

func TestValidationDetectsTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, e *env, digests, logs []string)
		want   []string // substrings of the invalid lines, in report order
		gaps   int
	}{
		{"untouched files are all valid", func(*testing.T, *env, []string, []string) {}, nil, 0},
		{"one flipped byte in a log file is a hash mismatch", func(t *testing.T, e *env, _, logs []string) {
			obj, _ := e.store.Get(context.Background(), "trail-bucket", logs[3])
			body, _ := gunzip(obj.Body)
			body[20] ^= 1
			obj.Body = gzipBytes(body)
			require.NoError(t, e.store.Put(context.Background(), obj))
		}, []string{logs3 + "\tINVALID: hash value doesn't match"}, 0},
		{"a corrupted gzip log file is invalid format", func(t *testing.T, e *env, _, logs []string) {
			obj, _ := e.store.Get(context.Background(), "trail-bucket", logs[3])
			obj.Body = obj.Body[:len(obj.Body)/2]
			require.NoError(t, e.store.Put(context.Background(), obj))
		}, []string{logs3 + "\tINVALID: invalid format"}, 0},
		{"a deleted log file is not found", func(t *testing.T, e *env, _, logs []string) {
			require.NoError(t, e.store.Delete(context.Background(), "trail-bucket", logs[3]))
		}, []string{logs3 + "\tINVALID: not found"}, 0},
		{"a deleted digest is not found and the walk continues with the older digest", func(t *testing.T, e *env, digests, _ []string) {
			require.NoError(t, e.store.Delete(context.Background(), "trail-bucket", digests[1]))
		}, []string{"T120000Z.json.gz\tINVALID: not found"}, 0},
		{"an edited digest fails signature verification", func(t *testing.T, e *env, digests, _ []string) {
			e.rewriteDigest(t, digests[1], func(d map[string]any) {
				d["logFiles"] = d["logFiles"].([]any)[1:] // hide a log file
			})
		}, []string{"T120000Z.json.gz\tINVALID: signature verification failed"}, 0},
		{"a broken chain link fails signature verification", func(t *testing.T, e *env, digests, _ []string) {
			e.rewriteDigest(t, digests[2], func(d map[string]any) {
				d["previousDigestS3Object"] = digests[0]
			})
		}, []string{"T130000Z.json.gz\tINVALID: signature verification failed"}, 0},
		{"a digest without its signature metadata fails signature verification", func(t *testing.T, e *env, digests, _ []string) {
			obj, _ := e.store.Get(context.Background(), "trail-bucket", digests[0])
			obj.Metadata = nil
			require.NoError(t, e.store.Put(context.Background(), obj))
		}, []string{"T110000Z.json.gz\tINVALID: signature verification failed"}, 0},
		{"a digest missing a required key is invalid format", func(t *testing.T, e *env, digests, _ []string) {
			e.rewriteDigest(t, digests[0], func(d map[string]any) { delete(d, "previousDigestSignature") })
		}, []string{"T110000Z.json.gz\tINVALID: invalid format"}, 0},
		{"a digest copied to another key has been moved", func(t *testing.T, e *env, digests, _ []string) {
			obj, _ := e.store.Get(context.Background(), "trail-bucket", digests[1])
			obj.Key = strings.Replace(digests[2], "T130000Z", "T133000Z", 1)
			require.NoError(t, e.store.Put(context.Background(), obj))
		}, []string{"T133000Z.json.gz\tINVALID: has been moved from its original location"}, 0},
		{"a digest signed with another key has an unknown fingerprint", func(t *testing.T, e *env, digests, _ []string) {
			e.rewriteDigest(t, digests[2], func(d map[string]any) { d["digestPublicKeyFingerprint"] = "00112233445566778899aabbccddeeff" })
		}, []string{"T130000Z.json.gz\tINVALID: public key not found in region us-east-1 for fingerprint 00112233445566778899aabbccddeeff"}, 0},
		{"a non-hex signature is reported as the CLI reports it", func(t *testing.T, e *env, digests, _ []string) {
			obj, _ := e.store.Get(context.Background(), "trail-bucket", digests[2])
			obj.Metadata["signature"] = "zz"
			require.NoError(t, e.store.Put(context.Background(), obj))
		}, []string{"T130000Z.json.gz\tINVALID: Non-hexadecimal digit found"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, digests, logs := tamperEnv(t)
			tc.tamper(t, e, digests, logs)
			rep := e.validate(t)
			got := problems(rep)
			require.Len(t, got, len(tc.want), "%v", got)
			for i, w := range tc.want {
				w = strings.Replace(w, logs3, logs[3], 1)
				assert.Contains(t, got[i], w)
			}
			assert.Equal(t, len(tc.want) == 0, rep.OK())
			assert.Len(t, rep.Gaps, tc.gaps)
		})
	}
}

const logs3 = "<logs[3]>"

func TestValidationSwappedKeysAreRejected(t *testing.T) {
	e, _, _ := tamperEnv(t)
	other := &Shared{KeySeed: 99}
	k := other.regionKey("123456789012", "us-east-1", t0)
	// The validator is given a key with the right fingerprint but other bytes.
	own := e.shared.regionKey("123456789012", "us-east-1", t0)
	rep, err := ValidateLogs(context.Background(), ValidateInput{
		Store: e.store, TrailARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit", Bucket: "trail-bucket",
		StartTime: t0, EndTime: e.clk.Now(), PublicKeys: []PublicKey{{Value: k.der, Fingerprint: own.fingerprint}},
	})
	require.NoError(t, err)
	assert.Equal(t, 0, rep.ValidDigests)
	assert.Equal(t, 3, rep.InvalidDigests)
	for _, r := range rep.Results {
		assert.Equal(t, ProblemSignature, r.Problem)
	}
	_, err = ValidateLogs(context.Background(), ValidateInput{Store: e.store, TrailARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit",
		Bucket: "trail-bucket", StartTime: t0, EndTime: e.clk.Now()})
	assert.ErrorContains(t, err, "No public keys found between")
}

func TestValidationReportsGapAfterStopAndStartLogging(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(70 * time.Minute) // 11:12: digest at 11:00
	_, err := e.svc.StopLogging(e.ctx, StopLoggingInput{Name: "audit"})
	require.NoError(t, err)
	e.clk.Advance(2 * time.Hour)
	_, err = e.svc.StartLogging(e.ctx, StartLoggingInput{Name: "audit"})
	require.NoError(t, err)
	e.clk.Advance(time.Hour)
	digests := e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
	require.Len(t, digests, 3) // 11:00, the final 11:12 digest, 14:00
	assert.Contains(t, digests[1], "T111200Z")
	last := e.readDigest(t, digests[2])
	assert.Nil(t, last.PreviousDigestS3Object, "a restarted chain begins with null previous-digest fields")
	assert.Nil(t, last.PreviousDigestSignature)
	assert.Equal(t, "2026-03-01T13:12:00Z", last.DigestStartTime)

	rep := e.validate(t)
	assert.True(t, rep.OK(), problems(rep))
	require.Len(t, rep.Gaps, 1)
	var stdout, stderr bytes.Buffer
	rep.WriteText(&stdout, &stderr, false)
	assert.Equal(t, "No log files were delivered by CloudTrail between 2026-03-01T11:12:00Z and 2026-03-01T13:12:00Z\n\n", stderr.String())
	assert.Equal(t, "Validating log files for trail arn:aws:cloudtrail:us-east-1:123456789012:trail/audit between 2026-03-01T09:02:00Z and 2026-03-01T14:12:00Z\n\n"+
		"Results requested for 2026-03-01T09:02:00Z to 2026-03-01T14:12:00Z\n"+
		"Results found for 2026-03-01T10:02:00Z to 2026-03-01T14:00:00Z:\n\n"+
		"3/3 digest files valid\n3/3 log files valid\n", stdout.String())
}

func TestValidationOutputMatchesCLIForInvalidFiles(t *testing.T) {
	e, digests, logs := tamperEnv(t)
	require.NoError(t, e.store.Delete(context.Background(), "trail-bucket", logs[0]))
	// Deleting the newest digest cannot be detected (the CLI cannot either);
	// deleting an older one breaks the chain.
	require.NoError(t, e.store.Delete(context.Background(), "trail-bucket", digests[1]))
	rep := e.validate(t)
	var stdout, stderr bytes.Buffer
	rep.WriteText(&stdout, &stderr, false)
	assert.Equal(t, "Digest file\ts3://trail-bucket/"+digests[1]+"\tINVALID: not found\n\n"+
		"Log file\ts3://trail-bucket/"+logs[0]+"\tINVALID: not found\n\n", stderr.String())
	assert.Contains(t, stdout.String(), "\n2/3 digest files valid, 1/3 digest files INVALID\n")
	assert.False(t, rep.OK())
}

func TestValidationListsUnreferencedLogFiles(t *testing.T) {
	e, _, logs := tamperEnv(t)
	forged := strings.Replace(logs[2], logs[2][len(logs[2])-25:], "_AAAAAAAAAAAAAAAA.json.gz", 1)
	require.NoError(t, e.store.Put(context.Background(), objstore.Object{Bucket: "trail-bucket", Key: forged, Body: gzipBytes([]byte(`{"Records":[]}`))}))
	rep := e.validate(t)
	assert.True(t, rep.OK())
	assert.Equal(t, []string{forged}, rep.Unreferenced)
}

func (e *env) readDigest(t *testing.T, key string) *Digest {
	t.Helper()
	obj, err := e.store.Get(context.Background(), "trail-bucket", key)
	require.NoError(t, err)
	body, err := gunzip(obj.Body)
	require.NoError(t, err)
	var d Digest
	require.NoError(t, json.Unmarshal(body, &d))
	return &d
}

func TestDigestFormat(t *testing.T) {
	e, digests, logs := tamperEnv(t)
	first := e.readDigest(t, digests[0])
	assert.Equal(t, "123456789012", first.AWSAccountID)
	assert.Equal(t, "2026-03-01T10:02:00Z", first.DigestStartTime, "the first digest starts when logging started")
	assert.Equal(t, "2026-03-01T11:00:00Z", first.DigestEndTime)
	assert.Equal(t, SignatureAlgorithm, first.DigestSignatureAlgorithm)
	assert.Nil(t, first.PreviousDigestS3Bucket)
	assert.Nil(t, first.PreviousDigestHashValue)
	assert.Nil(t, first.PreviousDigestHashAlgorithm)
	assert.Len(t, first.LogFiles, 12)
	assert.Equal(t, logs[0], first.LogFiles[0].S3Object)
	assert.Equal(t, "SHA-256", first.LogFiles[0].HashAlgorithm)

	// JSON keys in AWS's order, and nulls for the first digest's chain.
	obj, _ := e.store.Get(context.Background(), "trail-bucket", digests[0])
	raw, _ := gunzip(obj.Body)
	assert.True(t, strings.HasPrefix(string(raw), `{"awsAccountId":"123456789012","digestStartTime":"2026-03-01T10:02:00Z","digestEndTime":"2026-03-01T11:00:00Z","digestS3Bucket":"trail-bucket","digestS3Object":"`+digests[0]+`","digestPublicKeyFingerprint":"`), string(raw))
	assert.Contains(t, string(raw), `"previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[{"s3Bucket":"trail-bucket"`)
	assert.Equal(t, SignatureAlgorithm, obj.Metadata["signature-algorithm"])
	assert.Len(t, obj.Metadata["signature"], 512)

	// The chain: the second digest names the first, its hash and signature.
	second := e.readDigest(t, digests[1])
	assert.Equal(t, digests[0], *second.PreviousDigestS3Object)
	assert.Equal(t, obj.Metadata["signature"], *second.PreviousDigestSignature)
	sum := sha256Hex(raw)
	assert.Equal(t, sum, *second.PreviousDigestHashValue)
	assert.Equal(t, first.DigestEndTime, second.DigestStartTime)

	// The log hash is over the uncompressed log file.
	lobj, _ := e.store.Get(context.Background(), "trail-bucket", logs[0])
	lraw, _ := gunzip(lobj.Body)
	assert.Equal(t, sha256Hex(lraw), first.LogFiles[0].HashValue)

	// The fingerprint is the MD5 of the public key DER ListPublicKeys returns.
	keys, err := e.svc.ListPublicKeys(context.Background(), ListPublicKeysInput{})
	require.NoError(t, err)
	require.Len(t, keys.PublicKeyList, 1)
	fp := md5.Sum(keys.PublicKeyList[0].Value)
	assert.Equal(t, hex.EncodeToString(fp[:]), first.DigestPublicKeyFingerprint)
	assert.Equal(t, first.DigestPublicKeyFingerprint, keys.PublicKeyList[0].Fingerprint)
	assert.True(t, strings.HasPrefix(b64(keys.PublicKeyList[0].Value), "MIIBCgKCAQEA"), "PKCS #1 RSAPublicKey DER like AWS's keys")
}

func TestEmptyHourStillGetsADigest(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(3*time.Hour + time.Minute) // only StartLogging in the first file
	digests := e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
	require.Len(t, digests, 3)
	d := e.readDigest(t, digests[2])
	assert.Empty(t, d.LogFiles)
	assert.NotNil(t, d.LogFiles, "an empty digest has \"logFiles\": []")
	assert.Nil(t, d.NewestEventTime)
	assert.Nil(t, d.OldestEventTime)
	rep := e.validate(t)
	assert.True(t, rep.OK())
	assert.Equal(t, 3, rep.ValidDigests)
}

func TestStringToSignMatchesCLITestVector(t *testing.T) {
	got := StringToSign("a", "b", "c", []byte("abc"), nil)
	assert.Equal(t, "a\nb/c\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nnull", string(got))
	sig := "ff"
	assert.True(t, strings.HasSuffix(string(StringToSign("a", "b", "c", nil, &sig)), "\nff"))
}

func TestDisablingValidationEndsTheChainAtTheNextDigest(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(70 * time.Minute) // digest 11:00
	_, err := e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", EnableLogFileValidation: ptr(false)})
	require.NoError(t, err)
	e.clk.Advance(90 * time.Minute)
	e.call("PutMetricAlarm", false) // delivered while validation is off
	e.clk.Advance(90 * time.Minute)
	digests := e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
	require.Len(t, digests, 2, "one more digest, then none")
	_, err = e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	e.clk.Advance(time.Hour)
	digests = e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
	require.Len(t, digests, 3)
	assert.Nil(t, e.readDigest(t, digests[2]).PreviousDigestSignature, "re-enabling starts a new chain")
	rep := e.validate(t)
	assert.True(t, rep.OK(), problems(rep))
	assert.Len(t, rep.Gaps, 1)
	assert.NotEmpty(t, rep.Unreferenced, "files delivered while validation was off are in no digest")
}

func TestTrailDeletedBeforeFirstDeliveryStillGetsFinalDigest(t *testing.T) {
	for _, op := range []string{"DeleteTrail", "StopLogging"} {
		t.Run(op, func(t *testing.T) {
			e := newEnv(t)
			e.trail(t, "audit", true)
			e.call("PutMetricAlarm", false)
			e.clk.Advance(time.Minute) // before the 10:05 delivery
			var err error
			if op == "DeleteTrail" {
				_, err = e.svc.DeleteTrail(e.ctx, DeleteTrailInput{Name: "audit"})
			} else {
				_, err = e.svc.StopLogging(e.ctx, StopLoggingInput{Name: "audit"})
			}
			require.NoError(t, err)
			logs := e.keys(t, "AWSLogs/123456789012/CloudTrail/")
			digests := e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
			require.Len(t, logs, 1)
			require.Len(t, digests, 1)
			d := e.readDigest(t, digests[0])
			assert.Equal(t, "2026-03-01T10:02:00Z", d.DigestStartTime)
			assert.Equal(t, "2026-03-01T10:03:00Z", d.DigestEndTime)
			require.Len(t, d.LogFiles, 1)
			assert.Equal(t, op, e.recordNames(t, "AWSLogs/123456789012/CloudTrail/")[2])
			e.clk.Advance(2 * time.Hour)
			assert.Len(t, e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/"), 1, "no digests after the final one")
			rep, err := ValidateLogs(context.Background(), ValidateInput{Store: e.store, TrailARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit",
				Bucket: "trail-bucket", StartTime: t0, EndTime: e.clk.Now(), PublicKeys: e.publicKeys(t)})
			require.NoError(t, err)
			assert.True(t, rep.OK())
			assert.Equal(t, 1, rep.ValidLogs)
		})
	}
}

func (e *env) publicKeys(t *testing.T) []PublicKey {
	out, err := e.svc.ListPublicKeys(context.Background(), ListPublicKeysInput{StartTime: &t0})
	require.NoError(t, err)
	return out.PublicKeyList
}

func TestPublicKeyCoversTheWholeValidationRange(t *testing.T) {
	e, _, _ := tamperEnv(t)
	// Validate only the first hour: the CLI asks ListPublicKeys for exactly
	// that range, before the key signed its first digest at 11:00.
	end := t0.Add(30 * time.Minute)
	keys, err := e.svc.ListPublicKeys(context.Background(), ListPublicKeysInput{StartTime: &t0, EndTime: &end})
	require.NoError(t, err)
	require.Len(t, keys.PublicKeyList, 1)
	assert.Equal(t, t0, keys.PublicKeyList[0].ValidityStartTime)
	rep, err := ValidateLogs(context.Background(), ValidateInput{Store: e.store, TrailARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit",
		Bucket: "trail-bucket", StartTime: t0, EndTime: end, PublicKeys: keys.PublicKeyList})
	require.NoError(t, err)
	assert.True(t, rep.OK())
	assert.Equal(t, 1, rep.ValidDigests, "the 11:00 digest is within end+1h")
	before := t0.Add(-time.Hour)
	keys, err = e.svc.ListPublicKeys(context.Background(), ListPublicKeysInput{StartTime: &before, EndTime: &before})
	require.NoError(t, err)
	assert.Empty(t, keys.PublicKeyList)
	_, err = e.svc.ListPublicKeys(context.Background(), ListPublicKeysInput{StartTime: &end, EndTime: &t0})
	assert.ErrorIs(t, err, ErrInvalidTimeRange)
}

func TestValidationFollowsTheChainAcrossBuckets(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(time.Hour) // digest 11:00 in trail-bucket
	_, err := e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", S3BucketName: ptr("new-bucket")})
	require.NoError(t, err)
	e.clk.Advance(time.Hour) // digest 12:00 in new-bucket, linking back
	newKeys, _ := e.store.List(context.Background(), "new-bucket", "AWSLogs/123456789012/CloudTrail-Digest/")
	require.Len(t, newKeys, 1)
	d := e.readDigestIn(t, "new-bucket", newKeys[0])
	assert.Equal(t, "trail-bucket", *d.PreviousDigestS3Bucket)
	rep, err := e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "audit", StartTime: t0})
	require.NoError(t, err)
	assert.True(t, rep.OK(), problems(rep))
	assert.Equal(t, 2, rep.ValidDigests)
	assert.Equal(t, 2, rep.ValidLogs)
}

func (e *env) readDigestIn(t *testing.T, bucket, key string) *Digest {
	t.Helper()
	obj, err := e.store.Get(context.Background(), bucket, key)
	require.NoError(t, err)
	body, err := gunzip(obj.Body)
	require.NoError(t, err)
	var d Digest
	require.NoError(t, json.Unmarshal(body, &d))
	return &d
}
