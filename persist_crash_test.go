package localwatch_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/metrics"
)

const (
	crashDirEnv    = "LOCALWATCH_CRASH_DIR"
	crashSyncEnv   = "LOCALWATCH_CRASH_SYNC"
	crashWriters   = 4
	crashKills     = 50
	crashKillsTiny = 10 // -short
)

// openCrashAccount opens the account the crash test's writer and checker
// share.
func openCrashAccount(dir string, sync localwatch.SyncPolicy) (*localwatch.Account, error) {
	return localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(persistStart), IDSeed: 3, DataDir: dir, Sync: sync})
}

// crashCounts returns, per writer, how many values its metric holds and
// their sum.
func crashCounts(t testing.TB, acct *localwatch.Account) (count, sum [crashWriters]int64) {
	for w := range crashWriters {
		out, err := acct.Region("us-east-1").Metrics.GetMetricStatistics(context.Background(), metrics.GetMetricStatisticsInput{
			Namespace: "Crash", MetricName: fmt.Sprint("w", w), StartTime: persistStart.Add(-time.Hour), EndTime: persistStart.Add(time.Hour),
			Period: 3600, Statistics: []metrics.Statistic{metrics.StatSampleCount, metrics.StatSum}})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.Datapoints {
			count[w] += int64(*d.SampleCount)
			sum[w] += int64(*d.Sum)
		}
	}
	return count, sum
}

// crashChild is the writer: crashWriters goroutines each put 1, 2, 3, ... on
// their own metric (going on from what the directory holds) and print
// "ack <writer> <value>" once PutMetricData has returned, until killed; a
// further goroutine writes a checkpoint every 2 ms.
func crashChild(t *testing.T, dir string) {
	policy, _ := strconv.Atoi(os.Getenv(crashSyncEnv))
	acct, err := openCrashAccount(dir, localwatch.SyncPolicy(policy))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	count, _ := crashCounts(t, acct)
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "ready")
	out.Flush()
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Go(func() {
			for v := count[w] + 1; ; v++ {
				_, err := acct.Region("us-east-1").Metrics.PutMetricData(context.Background(), metrics.PutMetricDataInput{Namespace: "Crash",
					MetricData: []metrics.MetricDatum{{MetricName: fmt.Sprint("w", w), Value: metrics.Float(float64(v))}}})
				if err != nil {
					fmt.Println("error", err)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Fprintln(out, "ack", w, v)
				out.Flush()
				mu.Unlock()
			}
		})
	}
	// Checkpoints while the writers write, so that kills also land while
	// one is written and while it removes the segments it covers.
	wg.Go(func() {
		for {
			time.Sleep(2 * time.Millisecond)
			if err := acct.Checkpoint(); err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
		}
	})
	wg.Wait()
}

// A writer killed with SIGKILL at random moments loses nothing it was told
// had happened, under both sync policies (both write before acknowledging):
// after each kill (some in the middle of a checkpoint, or of removing the
// segments it covers) the directory reopens (a torn tail is cut), every
// acknowledged value is there, and each writer's values are a gap-free
// prefix 1..n (sum n(n+1)/2), so the state is consistent.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(t, dir)
		return
	}
	kills := crashKills
	if testing.Short() {
		kills = crashKillsTiny
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var maxAcked [crashWriters]int64
	var prev int64
	for i := range kills {
		policy := localwatch.SyncPolicy(i % 2)
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLosesNothingAcknowledged$")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashSyncEnv+"="+strconv.Itoa(int(policy)))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		ready := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			readyOnce := false
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				switch {
				case len(f) == 1 && f[0] == "ready" && !readyOnce:
					readyOnce = true
					close(ready)
				case len(f) == 3 && f[0] == "ack":
					w, _ := strconv.Atoi(f[1])
					v, _ := strconv.ParseInt(f[2], 10, 64)
					maxAcked[w] = max(maxAcked[w], v)
				default:
					done <- fmt.Errorf("writer said %q", sc.Text())
					return
				}
			}
			done <- nil
		}()
		select {
		case <-ready:
		case err := <-done:
			t.Fatalf("kill %d: writer stopped before it was ready: %v", i, err)
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("kill %d: writer not ready", i)
		}
		time.Sleep(time.Duration(rng.IntN(20_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		cmd.Wait()

		acct, err := openCrashAccount(dir, policy)
		if err != nil {
			t.Fatalf("kill %d: reopening: %v", i, err)
		}
		count, sum := crashCounts(t, acct)
		acct.Close()
		var total int64
		for w := range crashWriters {
			n := count[w]
			if n < maxAcked[w] {
				t.Fatalf("kill %d (sync %d): writer %d had %d values acknowledged, the directory holds %d", i, policy, w, maxAcked[w], n)
			}
			if sum[w] != n*(n+1)/2 {
				t.Fatalf("kill %d: writer %d holds %d values summing to %d, not the prefix 1..%d", i, w, n, sum[w], n)
			}
			total += n
		}
		if total < prev {
			t.Fatalf("kill %d: %d values after reopening, %d before", i, total, prev)
		}
		prev = total
	}
	t.Logf("%d kills, %d values acknowledged in all (%v per writer)", kills, prev, maxAcked)
}
