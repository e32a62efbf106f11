package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidatesADirectoryStore(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(t0)
	ct := trail.New(trail.Options{Clock: clk, Bus: new(localwatch.Bus), IDs: localwatch.NewIDSource(1), Shared: &trail.Shared{Store: objstore.NewDir(dir), KeySeed: 1}})
	defer ct.Close()
	ctx := localwatch.WithIdentity(context.Background(), localwatch.Root("123456789012"))
	_, err := ct.CreateTrail(ctx, trail.CreateTrailInput{Name: "audit", S3BucketName: "trail-bucket", EnableLogFileValidation: trail.Bool(true)})
	require.NoError(t, err)
	_, err = ct.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"})
	require.NoError(t, err)
	clk.Advance(2 * time.Hour)
	keys, err := ct.ListPublicKeys(ctx, trail.ListPublicKeysInput{StartTime: &t0})
	require.NoError(t, err)
	kb, _ := json.Marshal(keys)
	keyFile := filepath.Join(dir, "keys.json")
	require.NoError(t, os.WriteFile(keyFile, kb, 0o644))

	args := []string{"-dir", dir, "-s3-bucket", "trail-bucket", "-trail-arn", "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit",
		"-public-keys", keyFile, "-start-time", "2026-03-01T09:00:00Z", "-end-time", "2026-03-01T12:00:00Z"}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(args, &stdout, &stderr, clk.Now()), stderr.String())
	assert.Contains(t, stdout.String(), "2/2 digest files valid\n1/1 log files valid\n")

	// Flip a byte of the log file on disk.
	var logFile string
	_ = filepath.WalkDir(filepath.Join(dir, "trail-bucket"), func(p string, d os.DirEntry, err error) error {
		if strings.Contains(p, "/CloudTrail/") && strings.HasSuffix(p, ".json.gz") {
			logFile = p
		}
		return nil
	})
	require.NotEmpty(t, logFile)
	require.NoError(t, os.WriteFile(logFile, []byte("not gzip"), 0o644))
	stdout.Reset()
	stderr.Reset()
	assert.Equal(t, 1, run(args, &stdout, &stderr, clk.Now()))
	assert.Contains(t, stderr.String(), "\tINVALID: invalid format\n")
	assert.Contains(t, stdout.String(), "0/1 log files valid, 1/1 log files INVALID")
}

func TestUsageErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run([]string{"-verbose"}, &stdout, &stderr, time.Now()))
	assert.Contains(t, stderr.String(), "required")
}

func TestNoArgumentsValidatesAGeneratedTrail(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(nil, &stdout, &stderr, time.Time{}), stderr.String())
	assert.Contains(t, stdout.String(), "2/2 digest files valid\n")
	assert.Contains(t, stdout.String(), "log files valid\n")
	assert.NotContains(t, stdout.String(), "INVALID")
	// -records lists the delivered records, oldest first.
	assert.Contains(t, stdout.String(), "\nRecords:\n2026-03-01T10:00:00Z\tcloudtrail.amazonaws.com\tStartLogging\tarn:aws:iam::"+localwatch.DefaultAccountID+":user/alice\n")
	assert.Contains(t, stdout.String(), "\tlogs.amazonaws.com\tCreateLogGroup\t")
}
