package trail

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flakyStore is an objstore.Memory whose Put fails while down is set.
type flakyStore struct {
	objstore.Memory
	down atomic.Bool
}

var errBucketDown = errors.New("AccessDenied: Access Denied")

func (f *flakyStore) Put(ctx context.Context, obj objstore.Object) error {
	if f.down.Load() {
		return errBucketDown
	}
	return f.Memory.Put(ctx, obj)
}

func newFlakyEnv(t *testing.T) (*env, *flakyStore) {
	t.Helper()
	fs := &flakyStore{}
	e := &env{clk: clock.NewManual(t0), bus: &bus.Bus{}, store: &fs.Memory}
	e.shared = &Shared{Store: fs, KeySeed: 7}
	e.svc = New(Options{Clock: e.clk, Bus: e.bus, IDs: ids.New(1), Shared: e.shared})
	t.Cleanup(e.svc.Close)
	e.rec = &event.Recorder{Bus: e.bus, Clock: e.clk, IDs: ids.New(2), EventSource: "monitoring.amazonaws.com", Region: "us-east-1", AccountID: "123456789012"}
	e.ctx = newEnv(t).ctx
	return e, fs
}

// countCalls counts the PutMetricAlarm records in the delivered log files.
func (e *env) countCalls(t *testing.T) int {
	n := 0
	for _, name := range e.recordNames(t, "AWSLogs/123456789012/CloudTrail/") {
		if name == "PutMetricAlarm" {
			n++
		}
	}
	return n
}

// An unreachable bucket for an hour loses nothing: CloudTrail "will attempt
// to redeliver the log files to your S3 bucket for 30 days"; the files come
// in once the bucket is back, digests list them, and validation finds every
// file valid with no gap.
func TestFailedDeliveriesAreRetriedAtTheNextInterval(t *testing.T) {
	e, fs := newFlakyEnv(t)
	e.trail(t, "audit", true)
	sent := 0
	for i := range 36 { // 3 hours, one call every 5 minutes
		fs.down.Store(i >= 6 && i < 18) // down 10:32-11:32
		e.call("PutMetricAlarm", false)
		sent++
		e.clk.Advance(5 * time.Minute)
	}
	st, err := e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "audit"})
	require.NoError(t, err)
	assert.Empty(t, st.LatestDeliveryError, "the error clears once a delivery succeeds")
	assert.Equal(t, sent, e.countCalls(t), "every record reached a log file")
	rep := e.validate(t)
	assert.True(t, rep.OK(), "%v", problems(rep))
	assert.Empty(t, rep.Gaps)
	assert.Empty(t, rep.Unreferenced)
}

// While the bucket is unreachable, GetTrailStatus shows the S3 error.
func TestFailedDeliveryIsReportedUntilItSucceeds(t *testing.T) {
	e, fs := newFlakyEnv(t)
	e.trail(t, "audit", false)
	fs.down.Store(true)
	e.call("PutMetricAlarm", false)
	e.clk.Advance(5 * time.Minute)
	st, err := e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "audit"})
	require.NoError(t, err)
	assert.Equal(t, errBucketDown.Error(), st.LatestDeliveryError)
	assert.Zero(t, e.countCalls(t))
	fs.down.Store(false)
	e.clk.Advance(5 * time.Minute)
	assert.Equal(t, 1, e.countCalls(t))
}

// Log files refused for longer than CloudTrail's 30 days of redelivery are
// lost; the loss is visible to validation as a break in the digest chain.
func TestLogFilesGivenUpAfter30DaysShowAsAGap(t *testing.T) {
	e, fs := newFlakyEnv(t)
	e.trail(t, "audit", true)
	e.clk.Advance(2 * time.Hour) // two digests
	fs.down.Store(true)
	e.call("PutMetricAlarm", false)
	lostAt := e.clk.Now()
	e.clk.Advance(DeliveryRetryPeriod + 10*time.Minute)
	fs.down.Store(false)
	e.call("PutMetricAlarm", false)
	e.clk.Advance(2 * time.Hour)
	assert.Equal(t, 1, e.countCalls(t), "the first record was given up, the second delivered")
	rep, err := e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "audit", StartTime: t0})
	require.NoError(t, err)
	assert.True(t, rep.OK(), "%v", problems(rep))
	require.Len(t, rep.Gaps, 1, "the lost records are a gap in the chain")
	assert.False(t, rep.Gaps[0].To.Before(lostAt.Add(DeliveryRetryPeriod)), "the gap covers the loss: %v", rep.Gaps[0])
	assert.True(t, rep.Gaps[0].From.Before(lostAt.Add(time.Hour)), "the gap covers the loss: %v", rep.Gaps[0])
}
