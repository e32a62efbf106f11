// Package agent is an in-process analogue of the CloudWatch agent for the
// embedding Go application: it samples the Go runtime and the process (heap,
// goroutines, GC cycles and pauses, CPU, resident memory) once a minute on the
// stack's clock and publishes them as CloudWatch metrics to a custom namespace.
//
// Like EC2 monitoring it has two levels: [Detailed] publishes every one-minute
// sample; [Basic] publishes, every five minutes, the five one-minute samples as
// one statistic set (so Average over 300 s is the 5-minute average, as with EC2
// basic monitoring). GC pause times are published as a distribution
// (Values/Counts in milliseconds), so percentiles of pauses are available.
//
// The agent only runs when the application asks: [Agent.Start] registers the
// schedule on the clock; [Agent.Collect] takes one sample now. Options.Interval
// is the CloudWatch agent's metrics_collection_interval: how often to sample
// (default 60 s, at least 1 s, at most 60 s); below 60 s Detailed publishes
// high-resolution metrics (StorageResolution 1), as the agent does. A
// Sampler that panics on the schedule is recovered and reported by the clock
// (job "agent: sample"); from Collect it comes back as an error. After
// [Agent.Close] the agent samples no more and Collect answers
// ServiceUnavailable. It publishes
// metrics.DataEvent on the bus; the metrics service stores them. Inside the
// full stack, build it with Stack.NewAgent, which fills in the clock, bus,
// account and Region.
//
// # Metric names (a deliberate difference)
//
// The metric names — HeapAllocBytes, HeapObjects, RuntimeMemoryBytes,
// ResidentMemoryBytes, Goroutines, CPUUtilization, GCCycles, GCPauseTime,
// with the dimension ProcessName — are this package's own, not the
// CloudWatch agent's. The CloudWatch agent measures processes from the
// outside (its procstat plugin: procstat_cpu_usage, procstat_memory_rss, …,
// with pid_file/exe/pattern dimensions) and hosts (mem_used_percent, …); an
// in-process Go runtime is not a procstat target, and most of what it reports
// (heap, goroutines, GC cycles and pauses) has no agent metric at all.
// Borrowing agent names for the two that overlap would mislead:
// CPUUtilization here is the share of all cores (0–100), where
// procstat_cpu_usage is the share of one core and exceeds 100 on several;
// ResidentMemoryBytes is what procstat_memory_rss reports. Only the namespace,
// CWAgent, is the agent's default.
//
// # The CloudWatch agent itself: Host
//
// [Host] is the agent people run on their servers, driven by the same JSON
// configuration file ([LoadConfig]): it publishes the host's metrics under
// the agent's names, units and dimensions (cpu_usage_idle by cpu,
// mem_used_percent, disk_used_percent by path/device/fstype, diskio_reads
// by name, net_bytes_sent by interface, procstat_memory_rss by exe, ...,
// with host or append_dimensions) and tails the collect_list log files
// into CloudWatch Logs, remembering in a state directory how far each file
// was delivered. It reads the host with gopsutil
// (github.com/shirou/gopsutil/v4) because that is what the agent's own
// collectors (its Telegraf inputs) are built on: the same sources, the same
// arithmetic. Everything it does runs in callbacks on the clock (inside
// Run with the stack's loop clock, or on ManualClock.Advance); it starts no
// goroutine. The runtime metrics above are an extra the real agent does not
// have.
package agent

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	rtmetrics "runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/metrics"
)

// Monitoring is the publishing level.
type Monitoring string

// The monitoring levels.
const (
	// Basic publishes five-minute statistic sets (the default).
	Basic Monitoring = "basic"
	// Detailed publishes every one-minute sample.
	Detailed Monitoring = "detailed"
)

// DefaultNamespace is the CloudWatch agent's default namespace.
const DefaultNamespace = "CWAgent"

// Sample is one reading of the runtime and process.
type Sample struct {
	// Gauges: current values.
	HeapAllocBytes      float64 // bytes in live and unswept heap objects
	HeapObjects         float64 // objects in the heap
	RuntimeMemoryBytes  float64 // all memory mapped by the Go runtime
	ResidentMemoryBytes float64 // process RSS; 0 when the platform does not say
	Goroutines          float64
	// Cumulative counters since process start.
	GCCycles      float64
	CPUUsedSecs   float64   // CPU time the process used (all cores)
	CPUTotalSecs  float64   // CPU time available to the process (all cores)
	GCPauseBounds []float64 // histogram bucket boundaries, seconds (len = len(GCPauseCounts)+1)
	GCPauseCounts []uint64  // cumulative pause counts per bucket
}

// Sampler reads a Sample. [RuntimeSampler] is the real one; tests inject fakes.
type Sampler func() Sample

// Options configures an Agent.
type Options struct {
	// Clock drives the schedule. Nil means the wall clock
	// (localwatch.RealClock{}); tests pass localwatch.NewManualClock(t0).
	Clock clock.Clock
	// Bus receives metrics.DataEvent; pass the bus the metrics service
	// listens on (new(localwatch.Bus) or the stack's). Nil publishes nothing.
	Bus *bus.Bus
	// AccountID and Region address the metrics service that stores the data
	// when several share the bus (empty: any).
	AccountID string
	Region    string
	// Namespace is the metrics namespace (default "CWAgent"). It must not start
	// with "AWS/".
	Namespace string
	// Monitoring is Basic (default) or Detailed.
	Monitoring Monitoring
	// Dimensions are added to every metric (default: ProcessName = the
	// executable's base name).
	Dimensions []metrics.Dimension
	// Sampler reads the runtime (default RuntimeSampler).
	Sampler Sampler
	// Interval is how often to sample: the CloudWatch agent's
	// metrics_collection_interval ("If you set this value below 60 seconds,
	// each metric is collected as a high-resolution metric. The default value
	// is 60."). Zero means 60 s; values are kept within [MinInterval, 60 s]
	// (a sub-second interval would cost more than it could show: CloudWatch
	// stores at most one-second resolution).
	Interval time.Duration
}

// MinInterval is the shortest Options.Interval: CloudWatch's finest storage
// resolution, one second.
const MinInterval = time.Second

// Agent samples and publishes. Its methods are safe for concurrent use.
type Agent struct {
	opts Options

	mu      sync.Mutex
	closed  bool
	timer   clock.Timer
	prev    *Sample
	pending []reading // one-minute readings not yet published (Basic)
}

// reading is what one sample contributes: gauge values and counter deltas.
type reading struct {
	at     time.Time
	gauges map[string]float64
	deltas map[string]float64
	pauses map[float64]float64 // pause milliseconds → count
}

// New returns an agent; it does nothing until Start or Collect.
func New(opts Options) *Agent {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if opts.Monitoring == "" {
		opts.Monitoring = Basic
	}
	if opts.Dimensions == nil {
		opts.Dimensions = []metrics.Dimension{{Name: "ProcessName", Value: filepath.Base(os.Args[0])}}
	}
	if opts.Sampler == nil {
		opts.Sampler = RuntimeSampler
	}
	if opts.Interval == 0 {
		opts.Interval = time.Minute
	}
	opts.Interval = min(max(opts.Interval, MinInterval), time.Minute)
	return &Agent{opts: opts}
}

// Start samples at every Interval boundary of the clock (every minute by
// default) until Stop or Close. Starting a started or closed agent does
// nothing.
func (a *Agent) Start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.timer != nil || a.closed {
		return
	}
	a.timer = clock.EveryNamed(a.opts.Clock, "agent: sample", a.opts.Interval, func(at time.Time) {
		_ = a.collect(context.Background(), at)
	})
}

// Close stops the schedule for good: Start does nothing afterwards and
// Collect answers ServiceUnavailable (the code CloudWatch, which the agent
// publishes to, answers when unavailable). Close may be called more than
// once.
func (a *Agent) Close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.Stop()
}

// Stop ends the schedule. Readings not yet published (Basic) are dropped.
func (a *Agent) Stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	a.pending = nil
}

// Collect takes one sample at the clock's current time and publishes what is
// due: the sample itself (Detailed), or the five-minute set when the time is a
// five-minute boundary (Basic). The first sample only sets the baseline of the
// counters. It returns the bus's delivery error, if any; a nil ctx means
// context.Background(); a Sampler that panics makes Collect return an error
// and changes nothing.
func (a *Agent) Collect(ctx context.Context) (err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("agent: collect panicked: %v", r)
		}
	}()
	return a.collect(ctx, a.opts.Clock.Now())
}

// window is the five-minute Basic window a sample taken at at belongs to: a
// sample closes the interval that ends at its time, so the one at 12:05
// belongs to 12:00–12:05.
func window(at time.Time) time.Time { return at.Add(-time.Nanosecond).Truncate(5 * time.Minute) }

func (a *Agent) collect(ctx context.Context, at time.Time) error {
	a.mu.Lock()
	closed := a.closed
	a.mu.Unlock()
	if closed {
		return awserr.Closed("ServiceUnavailable")
	}
	s := a.opts.Sampler()
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return awserr.Closed("ServiceUnavailable")
	}
	r := reading{at: at, gauges: map[string]float64{
		"HeapAllocBytes":     s.HeapAllocBytes,
		"HeapObjects":        s.HeapObjects,
		"RuntimeMemoryBytes": s.RuntimeMemoryBytes,
		"Goroutines":         s.Goroutines,
	}}
	if s.ResidentMemoryBytes > 0 {
		r.gauges["ResidentMemoryBytes"] = s.ResidentMemoryBytes
	}
	if p := a.prev; p != nil {
		r.deltas = map[string]float64{"GCCycles": max(s.GCCycles-p.GCCycles, 0)}
		if dt := s.CPUTotalSecs - p.CPUTotalSecs; dt > 0 {
			r.gauges["CPUUtilization"] = min(max((s.CPUUsedSecs-p.CPUUsedSecs)/dt*100, 0), 100)
		}
		r.pauses = pauseDeltas(p, &s)
	}
	a.prev = &s
	var in *metrics.PutMetricDataInput
	switch a.opts.Monitoring {
	case Detailed:
		if a.opts.Interval < time.Minute {
			in = a.buildInput([]reading{r}, at.Truncate(time.Second))
			for i := range in.MetricData {
				in.MetricData[i].StorageResolution = 1
			}
		} else {
			in = a.buildInput([]reading{r}, at.Truncate(time.Minute))
		}
	default:
		a.pending = append(a.pending, r)
		// Publish the window's set with its last sample: the next one falls
		// in a later window.
		if w := window(at); !window(at.Add(a.opts.Interval)).Equal(w) {
			in = a.buildInput(a.pending, w)
			a.pending = nil
		}
	}
	a.mu.Unlock()
	if in == nil || len(in.MetricData) == 0 {
		return nil
	}
	return bus.Publish(ctx, a.opts.Bus, metrics.DataEvent{AccountID: a.opts.AccountID, Region: a.opts.Region, Input: *in, Internal: true})
}

var units = map[string]metrics.StandardUnit{
	"HeapAllocBytes":      metrics.UnitBytes,
	"HeapObjects":         metrics.UnitCount,
	"RuntimeMemoryBytes":  metrics.UnitBytes,
	"ResidentMemoryBytes": metrics.UnitBytes,
	"Goroutines":          metrics.UnitCount,
	"CPUUtilization":      metrics.UnitPercent,
	"GCCycles":            metrics.UnitCount,
	"GCPauseTime":         metrics.UnitMilliseconds,
}

// buildInput turns readings into one PutMetricData request stamped at ts: a
// single reading gives plain values, several give statistic sets.
func (a *Agent) buildInput(rs []reading, ts time.Time) *metrics.PutMetricDataInput {
	in := &metrics.PutMetricDataInput{Namespace: a.opts.Namespace}
	datum := func(name string) metrics.MetricDatum {
		return metrics.MetricDatum{MetricName: name, Dimensions: slices.Clone(a.opts.Dimensions), Timestamp: ts, Unit: units[name]}
	}
	gauges := map[string][]float64{}
	deltas := map[string]float64{}
	hasDelta := false
	pauses := map[float64]float64{}
	for _, r := range rs {
		for k, v := range r.gauges {
			gauges[k] = append(gauges[k], v)
		}
		if r.deltas != nil {
			hasDelta = true
			for k, v := range r.deltas {
				deltas[k] += v
			}
		}
		for ms, n := range r.pauses {
			pauses[ms] += n
		}
	}
	for _, name := range sortedKeys(gauges) {
		vs := gauges[name]
		d := datum(name)
		if len(vs) == 1 {
			d.Value = metrics.Float(vs[0])
		} else {
			set := metrics.StatisticSet{SampleCount: float64(len(vs)), Minimum: vs[0], Maximum: vs[0]}
			for _, v := range vs {
				set.Sum += v
				set.Minimum = min(set.Minimum, v)
				set.Maximum = max(set.Maximum, v)
			}
			d.StatisticValues = &set
		}
		in.MetricData = append(in.MetricData, d)
	}
	if hasDelta {
		for _, name := range sortedKeys(deltas) {
			d := datum(name)
			d.Value = metrics.Float(deltas[name])
			in.MetricData = append(in.MetricData, d)
		}
	}
	if len(pauses) > 0 {
		d := datum("GCPauseTime")
		for _, ms := range sortedKeys(pauses) {
			d.Values = append(d.Values, ms)
			d.Counts = append(d.Counts, pauses[ms])
		}
		// PutMetricData takes at most 150 distinct values per datum.
		if len(d.Values) > 150 {
			d.Values, d.Counts = d.Values[len(d.Values)-150:], d.Counts[len(d.Counts)-150:]
		}
		in.MetricData = append(in.MetricData, d)
	}
	return in
}

func sortedKeys[K float64 | string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pauseDeltas returns the GC pauses between two samples as milliseconds
// (bucket midpoints) → count.
func pauseDeltas(prev, cur *Sample) map[float64]float64 {
	out := map[float64]float64{}
	if len(cur.GCPauseCounts) != len(prev.GCPauseCounts) || len(cur.GCPauseBounds) != len(cur.GCPauseCounts)+1 {
		return out
	}
	for i, c := range cur.GCPauseCounts {
		if c <= prev.GCPauseCounts[i] {
			continue
		}
		lo, hi := cur.GCPauseBounds[i], cur.GCPauseBounds[i+1]
		if lo < 0 || math.IsNaN(lo) { // the first bucket may start at -Inf
			lo = 0
		}
		if math.IsInf(hi, 1) || math.IsNaN(hi) { // the last bucket ends at +Inf: use its lower bound
			hi = lo
		}
		ms := (lo + hi) / 2 * 1000
		out[ms] += float64(c - prev.GCPauseCounts[i])
	}
	return out
}

// RuntimeSampler reads the Go runtime through runtime/metrics and the process's
// resident memory from /proc/self/statm where it exists.
func RuntimeSampler() Sample {
	names := []string{
		"/memory/classes/heap/objects:bytes",
		"/gc/heap/objects:objects",
		"/memory/classes/total:bytes",
		"/sched/goroutines:goroutines",
		"/gc/cycles/total:gc-cycles",
		"/cpu/classes/total:cpu-seconds",
		"/cpu/classes/idle:cpu-seconds",
		"/sched/pauses/total/gc:seconds",
	}
	ss := make([]rtmetrics.Sample, len(names))
	for i, n := range names {
		ss[i].Name = n
	}
	rtmetrics.Read(ss)
	num := func(i int) float64 {
		switch ss[i].Value.Kind() {
		case rtmetrics.KindUint64:
			return float64(ss[i].Value.Uint64())
		case rtmetrics.KindFloat64:
			return ss[i].Value.Float64()
		}
		return 0
	}
	s := Sample{
		HeapAllocBytes:     num(0),
		HeapObjects:        num(1),
		RuntimeMemoryBytes: num(2),
		Goroutines:         num(3),
		GCCycles:           num(4),
		CPUTotalSecs:       num(5),
		CPUUsedSecs:        num(5) - num(6),
	}
	if ss[7].Value.Kind() == rtmetrics.KindFloat64Histogram {
		h := ss[7].Value.Float64Histogram()
		s.GCPauseBounds = slices.Clone(h.Buckets)
		s.GCPauseCounts = slices.Clone(h.Counts)
	}
	s.ResidentMemoryBytes = residentBytes()
	return s
}

func residentBytes() float64 {
	if runtime.GOOS != "linux" {
		return 0
	}
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return 0
	}
	return pages * float64(os.Getpagesize())
}
