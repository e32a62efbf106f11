package localwatchtest_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/localwatchtest"
	"github.com/localwatch/localwatch/sns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fatalTB records a helper's Fatalf, which ends the goroutine it runs on,
// as testing.T's does; Cleanup runs the functions at once when asked.
type fatalTB struct {
	testing.TB
	mu       sync.Mutex
	fatal    string
	cleanups []func()
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Cleanup(fn func()) {
	f.mu.Lock()
	f.cleanups = append(f.cleanups, fn)
	f.mu.Unlock()
}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatal = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

// fails runs fn on its own goroutine with a fatalTB and returns the Fatalf
// message ("" if fn did not fail).
func fails(t *testing.T, fn func(tb testing.TB)) string {
	t.Helper()
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(tb)
	}()
	<-done
	for _, c := range tb.cleanups {
		c()
	}
	return tb.fatal
}

func TestNewStackStartsAtStartWithTheSeed(t *testing.T) {
	a, b := localwatchtest.NewStack(t), localwatchtest.NewStack(t)
	assert.Equal(t, localwatchtest.Start, a.Now())
	assert.Equal(t, localwatchtest.Start, a.Stack.Clock.Now(), "the typed Clock is the stack's clock")
	ctx := context.Background()
	ta, err := a.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "t"})
	require.NoError(t, err)
	tb, err := b.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "t"})
	require.NoError(t, err)
	assert.Equal(t, ta, tb, "the same seed gives the same outputs")
}

func TestNewStackTakesOptions(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 1, 0, 0, time.UTC)
	st := localwatchtest.NewStack(t, localwatch.Options{Clock: localwatch.NewManualClock(at), Region: "eu-west-1"})
	assert.Equal(t, at, st.Now())
	assert.Equal(t, "eu-west-1", st.Region)
}

func TestNewStackIsClosedWhenTheTestEnds(t *testing.T) {
	var st *localwatchtest.Stack
	t.Run("test", func(t *testing.T) { st = localwatchtest.NewStack(t) })
	_, err := st.SNS.CreateTopic(context.Background(), sns.CreateTopicInput{Name: "late"})
	var apiErr *localwatch.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode, "calls after Close fail as unavailable")
}

func TestMisuseFailsTheTest(t *testing.T) {
	tests := []struct {
		name string
		fn   func(tb testing.TB)
		want string
	}{
		{"a clock that is not manual", func(tb testing.TB) {
			localwatchtest.NewStack(tb, localwatch.Options{Clock: localwatch.RealClock{}})
		}, "must be a *localwatch.ManualClock"},
		{"two Options", func(tb testing.TB) { localwatchtest.NewStack(tb, localwatch.Options{}, localwatch.Options{}) }, "at most one Options"},
		{"a malformed Region", func(tb testing.TB) { localwatchtest.NewStack(tb, localwatch.Options{Region: "mars"}) }, "InvalidParameterValue"},
		{"moving the clock back", func(tb testing.TB) {
			st := localwatchtest.NewStack(tb)
			st.AdvanceTo(localwatchtest.Start.Add(-time.Second))
		}, "never goes back"},
		{"a negative Advance", func(tb testing.TB) { localwatchtest.NewStack(tb).Advance(-time.Second) }, "never goes back"},
		{"recording an interface type", func(tb testing.TB) {
			localwatchtest.Record[any](tb, localwatchtest.NewStack(tb))
		}, "concrete type"},
		{"Last with nothing recorded", func(tb testing.TB) {
			localwatchtest.Record[localwatch.Notification](tb, localwatchtest.NewStack(tb)).Last()
		}, "no event.Notification recorded"},
		{"waiting past the deadline", func(tb testing.TB) {
			r := localwatchtest.Record[localwatch.Notification](tb, localwatchtest.NewStack(tb))
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(errors.New("gave up"))
			r.Wait(ctx, 1)
		}, "gave up (0 recorded)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Contains(t, fails(t, tc.fn), tc.want)
		})
	}
}

func TestAdvanceToNextAlignsToThePeriod(t *testing.T) {
	st := localwatchtest.NewStack(t, localwatch.Options{Clock: localwatch.NewManualClock(localwatchtest.Start.Add(61 * time.Second))})
	st.AdvanceToNext(5 * time.Minute)
	assert.Equal(t, localwatchtest.Start.Add(5*time.Minute), st.Now())
	st.AdvanceToNext(5 * time.Minute)
	assert.Equal(t, localwatchtest.Start.Add(10*time.Minute), st.Now(), "at a boundary, a whole period")
}

func TestRecorderReadsInPublicationOrder(t *testing.T) {
	st := localwatchtest.NewStack(t)
	calls := localwatchtest.Record[localwatch.APICall](t, st)
	ctx := context.Background()
	for _, name := range []string{"a", "b", "c"} {
		_, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: name})
		require.NoError(t, err)
	}
	_, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "bad name!"})
	require.Error(t, err)

	assert.Equal(t, 4, calls.Len())
	assert.Equal(t, "InvalidParameter", calls.Last().ErrorCode)
	assert.Len(t, calls.Where(func(c localwatch.APICall) bool { return c.ErrorCode == "" }), 3)
	assert.Len(t, calls.Take(), 4)
	assert.Zero(t, calls.Len(), "Take forgets what it returned")

	calls.Stop()
	_, err = st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "d"})
	require.NoError(t, err)
	assert.Zero(t, calls.Len(), "a stopped recorder records nothing")
}

func TestRecorderWaitsForEventsFromOtherGoroutines(t *testing.T) {
	st := localwatchtest.NewStack(t)
	notes := localwatchtest.Record[localwatch.Notification](t, st)
	go func() {
		for i := range 3 {
			_ = localwatch.Publish(context.Background(), st, localwatch.Notification{TopicARN: "arn:aws:sns:us-east-1:123456789012:t", Subject: fmt.Sprint(i)})
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got := notes.Wait(ctx, 3)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"0", "1", "2"}, []string{got[0].Subject, got[1].Subject, got[2].Subject})
	last := notes.WaitFor(ctx, func(evs []localwatch.Notification) bool { return len(evs) > 0 && evs[len(evs)-1].Subject == "2" })
	assert.Len(t, last, 3)
}
