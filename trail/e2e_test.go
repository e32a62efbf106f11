package trail

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndToEndDeliveryDigestsAndValidation(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "main-trail", true)
	e.call("PutMetricAlarm", false)
	e.call("DescribeAlarms", true)
	e.clk.Advance(3 * time.Minute) // 10:05: first log file
	logs := e.keys(t, "AWSLogs/123456789012/CloudTrail/")
	require.Len(t, logs, 1)
	assert.Regexp(t, `^AWSLogs/123456789012/CloudTrail/us-east-1/2026/03/01/123456789012_CloudTrail_us-east-1_20260301T1005Z_[A-Za-z0-9]{16}\.json\.gz$`, logs[0])
	obj, err := e.store.Get(context.Background(), "trail-bucket", logs[0])
	require.NoError(t, err)
	f, err := ReadLogFile(bytes.NewReader(obj.Body))
	require.NoError(t, err)
	names := []string{}
	for _, r := range f.Records {
		names = append(names, r.EventName)
	}
	assert.Equal(t, []string{"StartLogging", "PutMetricAlarm", "DescribeAlarms"}, names)

	for range 30 {
		e.call("PutMetricData", false)
		e.clk.Advance(7 * time.Minute)
	}
	digests := e.keys(t, "AWSLogs/123456789012/CloudTrail-Digest/")
	require.NotEmpty(t, digests)
	assert.Regexp(t, `^AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/03/01/123456789012_CloudTrail-Digest_us-east-1_main-trail_us-east-1_20260301T110000Z\.json\.gz$`, digests[0])

	rep, err := e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "main-trail", StartTime: t0.Add(-time.Hour)})
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	rep.WriteText(&stdout, &stderr, true)
	t.Log(stdout.String(), stderr.String())
	assert.True(t, rep.OK())
	assert.Equal(t, len(digests), rep.ValidDigests)
	delivered := 0
	for _, k := range e.keys(t, "AWSLogs/123456789012/CloudTrail/") {
		if logKeyDate(k) <= "20260301T1300Z" {
			delivered++
		}
	}
	assert.Equal(t, delivered, rep.ValidLogs)
	assert.Empty(t, rep.Unreferenced)
}
