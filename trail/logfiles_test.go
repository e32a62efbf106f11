package trail

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadLogFileDetectsGzip(t *testing.T) {
	plain := []byte(`{"Records":[{"eventVersion":"1.11","eventName":"GetTrail","awsRegion":"us-east-1","eventTime":"2026-03-01T10:00:00Z","requestParameters":null,"responseElements":null}]}`)
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"a .json.gz object as delivered to S3", gzipBytes(plain)},
		{"an uncompressed .json file", plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadLogFile(bytes.NewReader(tc.body))
			require.NoError(t, err)
			require.Len(t, f.Records, 1)
			assert.Equal(t, "GetTrail", f.Records[0].EventName)
		})
	}
	t.Run("a truncated gzip stream fails", func(t *testing.T) {
		_, err := ReadLogFile(bytes.NewReader(gzipBytes(plain)[:20]))
		assert.Error(t, err)
	})
	t.Run("JSON that is not a log file fails", func(t *testing.T) {
		_, err := ReadLogFile(strings.NewReader(`{"Records":`))
		assert.Error(t, err)
	})
}

// bucketFS delivers files the way CloudTrail does — two Regions of a
// multi-Region trail under a key prefix with digests, and an organization
// trail (AWSLogs/o-<id>/) — and copies the bucket into a MapFS.
func bucketFS(t *testing.T) (fstest.MapFS, []string) {
	t.Helper()
	clk := clock.NewManual(t0)
	b := &bus.Bus{}
	store := &objstore.Memory{}
	shared := &Shared{Store: store, KeySeed: 7}
	east := New(Options{Clock: clk, Bus: b, IDs: ids.New(1), Shared: shared, OrganizationID: "o-exampleorgid"})
	t.Cleanup(east.Close)
	west := New(Options{Clock: clk, Bus: b, IDs: ids.New(3), Shared: shared, Region: "eu-west-1", OrganizationID: "o-exampleorgid"})
	t.Cleanup(west.Close)
	ctx := identity.With(context.Background(), identity.IAMUser("123456789012", "alice", "AKIAEXAMPLE"))
	_, err := east.CreateTrail(ctx, CreateTrailInput{Name: "audit", S3BucketName: "trail-bucket", S3KeyPrefix: "team/audit", IsMultiRegionTrail: ptr(true), EnableLogFileValidation: ptr(true)})
	require.NoError(t, err)
	_, err = east.CreateTrail(ctx, CreateTrailInput{Name: "org", S3BucketName: "trail-bucket", IsOrganizationTrail: ptr(true)})
	require.NoError(t, err)
	for _, n := range []string{"audit", "org"} {
		_, err = east.StartLogging(ctx, StartLoggingInput{Name: n})
		require.NoError(t, err)
	}
	recs := map[string]*event.Recorder{}
	for i, r := range []string{"us-east-1", "eu-west-1"} {
		recs[r] = &event.Recorder{Bus: b, Clock: clk, IDs: ids.New(uint64(10 + i)), EventSource: "monitoring.amazonaws.com", Region: r, AccountID: "123456789012"}
	}
	var names []string
	for i := range 12 {
		clk.Advance(7 * time.Minute)
		region := []string{"us-east-1", "eu-west-1"}[i%2]
		name := "Call" + string(rune('A'+i))
		names = append(names, name)
		recs[region].Record(ctx, event.Call{Name: name}, nil)
	}
	clk.Advance(2 * time.Hour)
	fsys := fstest.MapFS{}
	keys, err := store.List(context.Background(), "trail-bucket", "")
	require.NoError(t, err)
	for _, k := range keys {
		obj, err := store.Get(context.Background(), "trail-bucket", k)
		require.NoError(t, err)
		fsys[k] = &fstest.MapFile{Data: obj.Body}
	}
	return fsys, names
}

func TestLogFilesWalksTheBucketLayoutInTimeOrder(t *testing.T) {
	fsys, names := bucketFS(t)
	var digests, orgFiles, prefixed int
	for k := range fsys {
		digests += boolInt(strings.Contains(k, "/CloudTrail-Digest/"))
		orgFiles += boolInt(strings.HasPrefix(k, "AWSLogs/o-exampleorgid/123456789012/CloudTrail/"))
		prefixed += boolInt(strings.HasPrefix(k, "team/audit/AWSLogs/123456789012/CloudTrail/eu-west-1/"))
	}
	require.NotZero(t, digests, "the trail delivered digest files")
	require.NotZero(t, orgFiles, "the organization trail delivered log files")
	require.NotZero(t, prefixed, "the multi-Region trail delivered eu-west-1 files under its prefix")
	fsys["team/audit/README.txt"] = &fstest.MapFile{Data: []byte("not a log file")}

	var got []string
	var last time.Time
	for r, err := range LogFiles(fsys) {
		require.NoError(t, err)
		assert.False(t, r.EventTime.Before(last), "%s at %s after %s", r.EventName, r.EventTime, last)
		last = r.EventTime
		if r.EventSource == "monitoring.amazonaws.com" {
			got = append(got, r.EventName)
		}
	}
	// Every call is in both trails' files: the multi-Region trail's and the
	// organization trail's (us-east-1 only: it is not multi-Region).
	var want []string
	for i, n := range names {
		want = append(want, n)
		if i%2 == 0 {
			want = append(want, n)
		}
	}
	assert.Equal(t, want, got)
}

func TestLogFilesReportsABadFileAndGoesOn(t *testing.T) {
	fsys, _ := bucketFS(t)
	var keys []string
	for k := range fsys {
		if strings.Contains(k, "/CloudTrail/") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	bad := keys[0]
	all := 0
	for _, err := range LogFiles(fsys) {
		require.NoError(t, err)
		all++
	}
	lf, err := ReadLogFile(bytes.NewReader(fsys[bad].Data))
	require.NoError(t, err)
	fsys[bad] = &fstest.MapFile{Data: []byte("\x1f\x8bnot gzip")}
	var errs []error
	records := 0
	for r, err := range LogFiles(fsys) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		require.NotNil(t, r)
		records++
	}
	require.Len(t, errs, 1)
	var pe *fs.PathError
	require.True(t, errors.As(errs[0], &pe))
	assert.Equal(t, bad, pe.Path)
	assert.Equal(t, all-len(lf.Records), records, "the other files' records are still yielded")
}

func TestLogFilesStopsWhenTheLoopBreaks(t *testing.T) {
	fsys, _ := bucketFS(t)
	n := 0
	for range LogFiles(fsys) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
