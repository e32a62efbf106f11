package trail

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
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

// discardStore accepts every object and keeps none, so that a memory test
// measures the Service, not the files it delivered.
type discardStore struct{ puts atomic.Int64 }

func (d *discardStore) Put(context.Context, objstore.Object) error { d.puts.Add(1); return nil }
func (d *discardStore) Get(_ context.Context, b, k string) (objstore.Object, error) {
	return objstore.Object{}, fmt.Errorf("%w: s3://%s/%s", objstore.ErrNotFound, b, k)
}
func (d *discardStore) List(context.Context, string, string) ([]string, error) { return nil, nil }
func (d *discardStore) Delete(context.Context, string, string) error           { return nil }

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestHistoryRetentionBoundsMemory records a mixed workload — a few
// management events (kept 90 days by event history, as LookupEvents' "You can
// look up events that occurred in a Region within the last 90 days") among
// many data events with large request parameters (which event history never
// holds: LookupEvents "looks up management events or CloudTrail Insights
// events") — over more simulated days than the retention, with a trail that
// delivers both, and asserts that the heap after GC reaches a plateau: what is
// retained is bounded by what retention keeps, and data events are not kept
// alive by the management events recorded beside them.
func TestHistoryRetentionBoundsMemory(t *testing.T) {
	days, perDay, mgmtEvery := 120, 1000, 100
	if testing.Short() {
		days, perDay = 100, 400
	}
	clk := clock.NewManual(t0)
	b := &bus.Bus{}
	store := &discardStore{}
	svc := New(Options{Clock: clk, Bus: b, IDs: ids.New(1), Shared: &Shared{Store: store, KeySeed: 7}})
	defer svc.Close()
	ctx := context.Background()
	_, err := svc.CreateTrail(ctx, CreateTrailInput{Name: "audit", S3BucketName: "trail-bucket"})
	require.NoError(t, err)
	_, err = svc.PutEventSelectors(ctx, PutEventSelectorsInput{TrailName: "audit", EventSelectors: []EventSelector{{
		DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}},
	}}})
	require.NoError(t, err)
	_, err = svc.StartLogging(ctx, StartLoggingInput{Name: "audit"})
	require.NoError(t, err)

	who := identity.IAMUser("123456789012", "alice", "AKIAEXAMPLE")
	payload := strings.Repeat("x", 2048)
	step := 24 * time.Hour / time.Duration(perDay)
	heap := make([]uint64, 0, days)
	n := 0
	for day := range days {
		for i := range perDay {
			n++
			mgmt := i%mgmtEvery == 0
			ev := event.APICall{
				Time: clk.Now(), EventSource: "s3.amazonaws.com", EventName: "GetObject", AWSRegion: "us-east-1",
				Identity: who, HasIdentity: true, Management: mgmt, ReadOnly: true, EventType: "AwsApiCall",
				RequestID: "req", EventID: fmt.Sprintf("evt-%d", n),
				Resources: []event.Resource{{Type: "AWS::S3::Object", ARN: fmt.Sprintf("arn:aws:s3:::bucket/key-%d", n)}},
			}
			if mgmt {
				ev.EventName = "PutBucketPolicy"
				ev.RequestParameters = map[string]any{"bucketName": "bucket"}
			} else {
				// A data event with large parameters; its own copy of the payload.
				ev.RequestParameters = map[string]any{"bucketName": "bucket", "key": payload + fmt.Sprint(n)}
			}
			require.NoError(t, bus.Publish(ctx, b, ev))
			clk.Advance(step)
		}
		heap = append(heap, heapAfterGC())
		_ = day
	}
	require.Positive(t, store.puts.Load(), "the trail delivered files")
	mib := func(v uint64) float64 { return float64(v) / (1 << 20) }
	// Retention reaches its steady state after 90 days: from then on the heap
	// must stay flat (within noise) although data keeps arriving.
	steady := heap[91:]
	lo, hi := steady[0], steady[0]
	for _, h := range steady {
		lo, hi = min(lo, h), max(hi, h)
	}
	t.Logf("heap after GC: day 1 %.1f MiB, day 30 %.1f MiB, day 90 %.1f MiB, day %d %.1f MiB (steady range %.1f-%.1f MiB; %d events, %d per day, 1 in %d management)",
		mib(heap[0]), mib(heap[29]), mib(heap[89]), days, mib(heap[days-1]), mib(lo), mib(hi), n, perDay, mgmtEvery)
	assert.Less(t, mib(hi-lo), 4.0, "heap grows after retention is steady")
	// What retention keeps: 90 days of management events (perDay/mgmtEvery a
	// day, a few hundred bytes each) and nothing of the data events.
	assert.Less(t, mib(hi), 16.0, "heap holds more than 90 days of management events")
}
