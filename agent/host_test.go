package agent

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/mem"
	"github.com/shirou/gopsutil/v4/net"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/metrics"
)

// fakeHost is a host whose counters grow by a fixed step per read.
type fakeHost struct{ c clock.Clock }

// n is 1 at t0 and grows by one a minute.
func (f *fakeHost) n() float64 { return 1 + f.c.Now().Sub(t0).Minutes() }

func (f *fakeHost) cpuTimes(perCPU bool) ([]cpu.TimesStat, error) {
	n := f.n()
	t := func(name string) cpu.TimesStat {
		return cpu.TimesStat{CPU: name, User: 10 * n, System: 5 * n, Idle: 80 * n, Iowait: 5 * n, Guest: n}
	}
	if perCPU {
		return []cpu.TimesStat{t("cpu0"), t("cpu1")}, nil
	}
	return []cpu.TimesStat{t("cpu-total")}, nil
}
func (f *fakeHost) memory() (*mem.VirtualMemoryStat, error) {
	return &mem.VirtualMemoryStat{Total: 1000, Available: 600, Used: 400, Free: 300, Cached: 200}, nil
}
func (f *fakeHost) swap() (*mem.SwapMemoryStat, error) {
	return &mem.SwapMemoryStat{Total: 100, Used: 25, Free: 75}, nil
}
func (f *fakeHost) partitions() ([]disk.PartitionStat, error) {
	return []disk.PartitionStat{{Device: "/dev/nvme0n1p1", Mountpoint: "/", Fstype: "xfs"},
		{Device: "sysfs", Mountpoint: "/sys", Fstype: "sysfs"}}, nil
}
func (f *fakeHost) diskUsage(string) (*disk.UsageStat, error) {
	return &disk.UsageStat{Total: 100, Used: 30, Free: 60, InodesTotal: 10, InodesUsed: 4, InodesFree: 6}, nil
}
func (f *fakeHost) diskIO() (map[string]disk.IOCountersStat, error) {
	return map[string]disk.IOCountersStat{"nvme0n1": {ReadCount: uint64(100 * f.n()), IopsInProgress: 2}}, nil
}
func (f *fakeHost) netIO() ([]net.IOCountersStat, error) {
	return []net.IOCountersStat{{Name: "eth0", BytesSent: uint64(1000 * f.n())}, {Name: "lo", BytesSent: 1}}, nil
}
func (f *fakeHost) connections() ([]net.ConnectionStat, error) {
	return []net.ConnectionStat{{Type: 1, Status: "ESTABLISHED"}, {Type: 1, Status: "ESTABLISHED"}, {Type: 1, Status: "LISTEN"}, {Type: 2}}, nil
}
func (f *fakeHost) processStates() (processCounts, error) {
	return processCounts{states: map[string]float64{"running": 2, "sleeping": 40}, total: 42, threads: 90}, nil
}
func (f *fakeHost) findProcesses(c *ProcstatConfig) ([]procInfo, error) {
	if c.PidFile != "" {
		return nil, errors.New("no such file")
	}
	return []procInfo{{pid: 7, name: "nginx", rss: 100, cpuUser: f.n()}, {pid: 8, name: "nginx", rss: 300, cpuUser: f.n()}}, nil
}

func hostConfig(t *testing.T, js string) *Config {
	t.Helper()
	c, err := ParseConfig([]byte(js))
	require.NoError(t, err)
	return c
}

// run starts a host on a manual clock and returns the published requests.
func runHost(t *testing.T, c *Config, opts HostOptions, d time.Duration) []metrics.PutMetricDataInput {
	t.Helper()
	mc := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	opts.Clock, opts.Bus = mc, &b
	if opts.source == nil {
		opts.source = &fakeHost{c: mc}
	}
	opts.Hostname = "ip-10-0-0-1"
	h, err := NewHost(c, opts)
	require.NoError(t, err)
	h.Start()
	mc.Advance(d)
	require.NoError(t, h.Close())
	return *got
}

func find(ins []metrics.PutMetricDataInput, name string, dims ...metrics.Dimension) []metrics.MetricDatum {
	var out []metrics.MetricDatum
	for _, in := range ins {
		for _, d := range in.MetricData {
			if d.MetricName == name && (dims == nil || equalDims(d.Dimensions, dims)) {
				out = append(out, d)
			}
		}
	}
	return out
}

func equalDims(a, b []metrics.Dimension) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range b {
		found := false
		for _, y := range a {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

func TestHostMetricsHaveTheAgentsNamesUnitsAndDimensions(t *testing.T) {
	c := hostConfig(t, `{"agent":{"metrics_collection_interval":60},"metrics":{"metrics_collected":{
		"cpu":{"resources":["*"],"measurement":["usage_idle","usage_user","usage_active","time_user"]},
		"mem":{"measurement":["mem_used_percent","mem_available",{"name":"total","rename":"MemTotal","unit":"Megabytes"}]},
		"swap":{"measurement":["used_percent"]},
		"disk":{"measurement":["used_percent","inodes_free"],"ignore_file_system_types":["sysfs"]},
		"diskio":{"measurement":["reads","iops_in_progress"]},
		"net":{"measurement":["bytes_sent"]},
		"netstat":{"measurement":["tcp_established","tcp_listen","udp_socket","tcp_time_wait"]},
		"processes":{"measurement":["running","total"]}}}}`)
	got := runHost(t, c, HostOptions{}, 3*time.Minute)
	require.NotEmpty(t, got)
	assert.Equal(t, "CWAgent", got[0].Namespace)
	host := dim("host", "ip-10-0-0-1")

	idle := find(got, "cpu_usage_idle", dim("cpu", "cpu-total"), host)
	require.Len(t, idle, 2, "usage needs two samples: minutes 2 and 3")
	assert.Equal(t, metrics.UnitPercent, idle[0].Unit)
	assert.InDelta(t, 80, *idle[0].Value, 1e-9, "80 of every 100 CPU-seconds idle")
	assert.InDelta(t, 20, *find(got, "cpu_usage_active", dim("cpu", "cpu0"), host)[0].Value, 1e-9)
	assert.Equal(t, t0.Add(2*time.Minute), idle[0].Timestamp)
	assert.Zero(t, idle[0].StorageResolution, "60 s is standard resolution")
	assert.Len(t, find(got, "cpu_time_user", dim("cpu", "cpu1"), host), 3)
	assert.Equal(t, metrics.UnitNone, find(got, "cpu_time_user")[0].Unit)

	mu := find(got, "mem_used_percent", host)
	require.Len(t, mu, 3)
	assert.Equal(t, 40.0, *mu[0].Value)
	assert.Equal(t, metrics.UnitBytes, find(got, "mem_available")[0].Unit)
	mt := find(got, "MemTotal")
	require.NotEmpty(t, mt, "rename publishes under the new name")
	assert.Equal(t, metrics.UnitMegabytes, mt[0].Unit)
	assert.Empty(t, find(got, "mem_total"))
	assert.Equal(t, 25.0, *find(got, "swap_used_percent")[0].Value)

	du := find(got, "disk_used_percent", dim("path", "/"), dim("device", "nvme0n1p1"), dim("fstype", "xfs"), host)
	require.Len(t, du, 3)
	assert.InDelta(t, 100*30.0/90, *du[0].Value, 1e-9, "used over used+free, as the agent")
	assert.Empty(t, find(got, "disk_used_percent", dim("path", "/sys"), dim("device", "sysfs"), dim("fstype", "sysfs"), host), "ignored file system type")
	assert.Equal(t, metrics.UnitCount, find(got, "disk_inodes_free")[0].Unit)

	reads := find(got, "diskio_reads", dim("name", "nvme0n1"), host)
	require.Len(t, reads, 2, "a counter's first sample is its baseline")
	assert.Equal(t, 100.0, *reads[0].Value, "diskio_reads is the delta between samples")
	assert.Len(t, find(got, "diskio_iops_in_progress"), 3)
	sent := find(got, "net_bytes_sent", dim("interface", "eth0"), host)
	require.Len(t, sent, 2)
	assert.Equal(t, 1000.0, *sent[0].Value)
	assert.Equal(t, metrics.UnitBytes, sent[0].Unit)
	assert.Empty(t, find(got, "net_bytes_sent", dim("interface", "lo"), host), "the loopback only when listed")

	assert.Equal(t, 2.0, *find(got, "netstat_tcp_established", host)[0].Value)
	assert.Equal(t, 1.0, *find(got, "netstat_udp_socket", host)[0].Value)
	assert.Equal(t, 0.0, *find(got, "netstat_tcp_time_wait", host)[0].Value)
	assert.Equal(t, 42.0, *find(got, "processes_total", host)[0].Value)
	assert.Equal(t, metrics.UnitCount, find(got, "processes_running")[0].Unit)
}

func TestHostAppendAndAggregationDimensions(t *testing.T) {
	c := hostConfig(t, `{"metrics":{
		"append_dimensions":{"InstanceId":"${aws:InstanceId}","InstanceType":"${aws:InstanceType}"},
		"aggregation_dimensions":[["InstanceId"],[]],
		"metrics_collected":{"mem":{"measurement":["used_percent"],"append_dimensions":{"team":"web"}},
			"swap":{"measurement":["used_percent"],"drop_original_metrics":["swap_used_percent"]}}}}`)
	got := runHost(t, c, HostOptions{InstanceID: "i-0123", InstanceType: "m5.large"}, time.Minute)
	full := find(got, "mem_used_percent", dim("InstanceId", "i-0123"), dim("InstanceType", "m5.large"), dim("team", "web"))
	require.Len(t, full, 1, "append_dimensions replace the host dimension")
	assert.Len(t, find(got, "mem_used_percent", dim("InstanceId", "i-0123")), 1)
	assert.Len(t, find(got, "mem_used_percent"), 3, "the series and its two roll-ups")
	none := 0
	for _, d := range find(got, "mem_used_percent") {
		if len(d.Dimensions) == 0 {
			none++
		}
	}
	assert.Equal(t, 1, none, "[] rolls up to no dimensions")
	assert.Len(t, find(got, "swap_used_percent"), 2, "drop_original_metrics: only the roll-ups")
	assert.Empty(t, find(got, "swap_used_percent", dim("InstanceId", "i-0123"), dim("InstanceType", "m5.large")))
}

func TestHostProcstatAggregatesProcessesOfOneSelector(t *testing.T) {
	c := hostConfig(t, `{"metrics":{"metrics_collected":{"procstat":[
		{"exe":"nginx","measurement":["memory_rss","cpu_usage","pid_count"]},
		{"pid_file":"/nonexistent.pid","measurement":["memory_rss","pid_count"]}]}}}`)
	got := runHost(t, c, HostOptions{}, 2*time.Minute)
	host := dim("host", "ip-10-0-0-1")
	rss := find(got, "procstat_memory_rss", dim("exe", "nginx"), dim("process_name", "nginx"), host)
	require.Len(t, rss, 2)
	require.NotNil(t, rss[0].StatisticValues, "two nginx processes: one statistic set")
	assert.Equal(t, metrics.StatisticSet{SampleCount: 2, Sum: 400, Minimum: 100, Maximum: 300}, *rss[0].StatisticValues)
	n := find(got, "procstat_lookup_pid_count", dim("exe", "nginx"), dim("pid_finder", "native"), host)
	require.Len(t, n, 2)
	assert.Equal(t, 2.0, *n[0].Value)
	u := find(got, "procstat_cpu_usage")
	require.Len(t, u, 1)
	assert.InDelta(t, 100.0/60, u[0].StatisticValues.Maximum, 1e-9, "one CPU-second in 60 s")
	pf := find(got, "procstat_lookup_pid_count", dim("pid_file", "/nonexistent.pid"), dim("pid_finder", "native"), host)
	require.Len(t, pf, 2)
	assert.Equal(t, 0.0, *pf[0].Value)
}

func TestHostHighResolutionAndFlushInterval(t *testing.T) {
	c := hostConfig(t, `{"metrics":{"force_flush_interval":30,"metrics_collected":{"mem":{"measurement":["used_percent"],"metrics_collection_interval":10}}}}`)
	mc := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	h, err := NewHost(c, HostOptions{Clock: mc, Bus: &b, source: &fakeHost{c: mc}, Hostname: "h"})
	require.NoError(t, err)
	h.Start()
	mc.Advance(20 * time.Second)
	assert.Empty(t, *got, "buffered until force_flush_interval")
	mc.Advance(10 * time.Second)
	require.Len(t, *got, 1)
	d := find(*got, "mem_used_percent")
	require.Len(t, d, 2, "the sample taken at the flush instant waits for the next flush")
	assert.EqualValues(t, 1, d[0].StorageResolution, "below 60 s is high resolution")
	require.NoError(t, h.Close())
	require.NoError(t, h.Close())
	assert.ErrorContains(t, h.FlushMetrics(context.Background()), "ServiceUnavailable")
}

// TestHostMetricsOnLinux reads this machine with gopsutil.
func TestHostMetricsOnLinux(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	c := hostConfig(t, `{"metrics":{"metrics_collected":{
		"cpu":{"resources":["*"],"totalcpu":true,"measurement":["usage_idle","usage_user","usage_system","usage_nice","usage_iowait","usage_irq","usage_softirq","usage_steal"]},
		"mem":{"measurement":["used_percent","used","total","available","available_percent"]},
		"swap":{"measurement":["used_percent"]},
		"disk":{"measurement":["used_percent"]},
		"processes":{"measurement":["total","running"]}}}}`)
	mc := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	h, err := NewHost(c, HostOptions{Clock: mc, Bus: &b})
	require.NoError(t, err)
	require.NoError(t, h.CollectMetrics())
	// Burn a little CPU so the second sample has ticks to divide.
	x := 0.0
	for i := range 30_000_000 {
		x += math.Sqrt(float64(i))
	}
	_ = x
	time.Sleep(50 * time.Millisecond)
	mc.Advance(time.Second)
	require.NoError(t, h.CollectMetrics())
	require.NoError(t, h.FlushMetrics(context.Background()))
	require.NoError(t, h.Close())

	val := func(name string, dims ...metrics.Dimension) float64 {
		ds := find(*got, name)
		for _, d := range ds {
			if dims == nil || equalDims(d.Dimensions, append(dims, dim("host", h.opts.Hostname))) {
				return *d.Value
			}
		}
		t.Fatalf("no %s %v", name, dims)
		return 0
	}
	used, total := val("mem_used_percent"), val("mem_total")
	assert.Greater(t, used, 0.0)
	assert.Less(t, used, 100.0)
	assert.InDelta(t, 100*val("mem_used")/total, used, 1e-6, "mem_used_percent is mem_used over mem_total")
	assert.LessOrEqual(t, val("mem_available"), total)
	assert.InDelta(t, 100, val("mem_available_percent")+used, 1e-6)
	sw := val("swap_used_percent")
	assert.GreaterOrEqual(t, sw, 0.0)
	assert.LessOrEqual(t, sw, 100.0)

	sum := 0.0
	for _, f := range []string{"idle", "user", "system", "nice", "iowait", "irq", "softirq", "steal"} {
		v := val("cpu_usage_"+f, dim("cpu", "cpu-total"))
		assert.GreaterOrEqual(t, v, 0.0)
		sum += v
	}
	assert.InDelta(t, 100, sum, 0.01, "cpu-total usage shares sum to 100")
	assert.Positive(t, val("processes_total"))
	du := find(*got, "disk_used_percent")
	for _, d := range du {
		assert.GreaterOrEqual(t, *d.Value, 0.0)
		assert.LessOrEqual(t, *d.Value, 100.0)
	}
}

// TestHostReadsEverySectionOnLinux runs every section against this machine
// through gopsutil: each publishes under its names without failing.
func TestHostReadsEverySectionOnLinux(t *testing.T) {
	if runtime.GOOS != "linux" || testing.Short() {
		t.Skip("Linux, not short")
	}
	self, err := os.Executable()
	require.NoError(t, err)
	pidFile := filepath.Join(t.TempDir(), "self.pid")
	require.NoError(t, os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())), 0o644))
	c := hostConfig(t, `{"metrics":{"metrics_collected":{
		"diskio":{"measurement":["reads","writes","io_time"]},
		"net":{"measurement":["bytes_sent","bytes_recv"],"resources":["*","lo"]},
		"netstat":{"measurement":["tcp_established","tcp_listen","udp_socket"]},
		"processes":{"measurement":["running","sleeping","total","total_threads"]},
		"procstat":[{"pid_file":"`+pidFile+`","measurement":["memory_rss","cpu_usage","num_threads","pid"]},
			{"exe":"`+strings.ReplaceAll(regexp.QuoteMeta(filepath.Base(self)), `\`, `\\`)+`","measurement":["pid_count"]}]}}}`)
	mc := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	h, err := NewHost(c, HostOptions{Clock: mc, Bus: &b})
	require.NoError(t, err)
	require.NoError(t, h.CollectMetrics())
	mc.Advance(time.Second)
	require.NoError(t, h.CollectMetrics())
	require.NoError(t, h.Close())
	assert.NotEmpty(t, find(*got, "netstat_tcp_established"))
	assert.Positive(t, *find(*got, "processes_total")[0].Value)
	assert.NotEmpty(t, find(*got, "net_bytes_sent"), "lo is listed")
	pid := find(*got, "procstat_pid", dim("pid_file", pidFile), dim("process_name", filepath.Base(self)[:min(15, len(filepath.Base(self)))]), dim("host", h.opts.Hostname))
	require.NotEmpty(t, pid)
	assert.Equal(t, float64(os.Getpid()), *pid[0].Value)
	assert.Positive(t, *find(*got, "procstat_memory_rss")[0].Value)
	n := find(*got, "procstat_lookup_pid_count")
	require.NotEmpty(t, n)
}

// TestHostIsSafeForConcurrentUse runs every method at once (go test -race).
func TestHostIsSafeForConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "app.log")
	require.NoError(t, os.WriteFile(logFile, []byte("a\nb\n"), 0o644))
	c := hostConfig(t, `{"metrics":{"metrics_collected":{"mem":{"measurement":["used_percent"]}}},
		"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"`+logFile+`","log_group_name":"g"}]}}}}`)
	mc := clock.NewManual(t0)
	var b bus.Bus
	h, err := NewHost(c, HostOptions{Clock: mc, Bus: &b, Logs: newRecorder(), StateDir: filepath.Join(dir, "state"), source: &fakeHost{c: mc}, Hostname: "h"})
	require.NoError(t, err)
	h.Start()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 50 {
				switch i {
				case 0:
					_ = h.CollectMetrics()
				case 1:
					//lint:ignore SA1012 a nil ctx behaves as context.Background()
					_ = h.FlushMetrics(nil)
				case 2:
					//lint:ignore SA1012 a nil ctx behaves as context.Background()
					_ = h.PollLogs(nil)
				default:
					mc.Advance(time.Second)
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, h.Close())
}

type namelessProcs struct{ *fakeHost }

func (namelessProcs) findProcesses(*ProcstatConfig) ([]procInfo, error) {
	return []procInfo{{pid: 9, rss: 5}}, nil
}

func TestHostLeavesOutDimensionsWithoutAValue(t *testing.T) {
	c := hostConfig(t, `{"metrics":{"metrics_collected":{"procstat":[{"exe":"x","measurement":["memory_rss"]}]}}}`)
	mc := clock.NewManual(t0)
	var b bus.Bus
	got := capture(&b)
	h, err := NewHost(c, HostOptions{Clock: mc, Bus: &b, source: namelessProcs{&fakeHost{c: mc}}, Hostname: "h"})
	require.NoError(t, err)
	require.NoError(t, h.CollectMetrics())
	require.NoError(t, h.Close())
	d := find(*got, "procstat_memory_rss")
	require.Len(t, d, 1)
	assert.Equal(t, []metrics.Dimension{dim("exe", "x"), dim("host", "h")}, d[0].Dimensions, "no empty process_name")
}

// BenchmarkHostSample is one sampling pass of the guide's usual sections
// over this machine with gopsutil (what every metrics_collection_interval
// costs).
func BenchmarkHostSample(b *testing.B) {
	c, err := ParseConfig([]byte(`{"metrics":{"metrics_collected":{
		"cpu":{"resources":["*"],"measurement":["usage_idle","usage_user","usage_system"]},
		"mem":{"measurement":["used_percent"]},"swap":{"measurement":["used_percent"]},
		"disk":{"measurement":["used_percent"]},"diskio":{"measurement":["reads","writes"]},
		"net":{"measurement":["bytes_sent","bytes_recv"]}}}}`))
	require.NoError(b, err)
	mc := clock.NewManual(t0)
	h, err := NewHost(c, HostOptions{Clock: mc, Bus: &bus.Bus{}})
	require.NoError(b, err)
	for b.Loop() {
		mc.Advance(time.Second)
		require.NoError(b, h.CollectMetrics())
		require.NoError(b, h.FlushMetrics(context.Background()))
	}
}
