package agent

import (
	"strings"

	"github.com/localwatch/localwatch/metrics"
)

// measurementUnits are the agent's measurements per metrics_collected
// section, with their default units, from the guide's "Metrics collected by
// the CloudWatch agent on Linux and macOS instances" and "Collect process
// metrics with the procstat plugin" tables (cpu_time_* have no unit: None).
var measurementUnits = map[string]map[string]metrics.StandardUnit{
	"cpu": unitsFor(metrics.UnitNone, "time_active", "time_guest", "time_guest_nice", "time_idle", "time_iowait", "time_irq",
		"time_nice", "time_softirq", "time_steal", "time_system", "time_user").
		with(metrics.UnitPercent, "usage_active", "usage_guest", "usage_guest_nice", "usage_idle", "usage_iowait", "usage_irq",
			"usage_nice", "usage_softirq", "usage_steal", "usage_system", "usage_user"),
	"disk": unitsFor(metrics.UnitBytes, "free", "total", "used").
		with(metrics.UnitCount, "inodes_free", "inodes_used", "inodes_total").
		with(metrics.UnitPercent, "used_percent"),
	"diskio": unitsFor(metrics.UnitCount, "reads", "writes", "iops_in_progress").
		with(metrics.UnitBytes, "read_bytes", "write_bytes").
		with(metrics.UnitMilliseconds, "read_time", "write_time", "io_time"),
	"mem": unitsFor(metrics.UnitBytes, "active", "available", "buffered", "cached", "free", "inactive", "total", "used").
		with(metrics.UnitPercent, "available_percent", "used_percent"),
	"net": unitsFor(metrics.UnitBytes, "bytes_sent", "bytes_recv").
		with(metrics.UnitCount, "drop_in", "drop_out", "err_in", "err_out", "packets_sent", "packets_recv"),
	"netstat": unitsFor(metrics.UnitCount, "tcp_close", "tcp_close_wait", "tcp_closing", "tcp_established", "tcp_fin_wait1",
		"tcp_fin_wait2", "tcp_last_ack", "tcp_listen", "tcp_none", "tcp_syn_sent", "tcp_syn_recv", "tcp_time_wait", "udp_socket"),
	"processes": unitsFor(metrics.UnitCount, "blocked", "dead", "idle", "paging", "running", "sleeping", "stopped", "total",
		"total_threads", "wait", "zombies"),
	"swap": unitsFor(metrics.UnitBytes, "free", "used").with(metrics.UnitPercent, "used_percent"),
	"procstat": unitsFor(metrics.UnitCount, "cpu_time", "cpu_time_system", "cpu_time_user").
		with(metrics.UnitPercent, "cpu_usage").
		with(metrics.UnitBytes, "memory_data", "memory_locked", "memory_rss", "memory_stack", "memory_swap", "memory_vms",
			"read_bytes", "write_bytes").
		with(metrics.UnitNone, "num_fds", "num_threads", "pid", "pid_count", "read_count", "write_count"),
}

type unitTable map[string]metrics.StandardUnit

func unitsFor(u metrics.StandardUnit, names ...string) unitTable {
	return unitTable{}.with(u, names...)
}

func (t unitTable) with(u metrics.StandardUnit, names ...string) unitTable {
	for _, n := range names {
		t[n] = u
	}
	return t
}

// lookupMeasurement resolves a measurement as the guide allows writing it:
// the complete metric name ("swap_used") or the part after the section's
// prefix ("used"). It returns the complete name and the default unit.
func lookupMeasurement(plugin, name string) (string, metrics.StandardUnit, bool) {
	t := measurementUnits[plugin]
	short := strings.TrimPrefix(name, plugin+"_")
	if plugin == "procstat" && (name == "procstat_lookup_pid_count" || name == "lookup_pid_count") {
		short = "pid_count"
	}
	u, ok := t[short]
	if !ok {
		return "", "", false
	}
	return fullName(plugin, short), u, true
}

// fullName is the agent's metric name: the section's prefix and the
// measurement, except procstat's pid_count, which the agent publishes as
// procstat_lookup_pid_count.
func fullName(plugin, short string) string {
	if plugin == "procstat" && short == "pid_count" {
		return "procstat_lookup_pid_count"
	}
	return plugin + "_" + short
}

func validUnit(u metrics.StandardUnit) bool {
	switch u {
	case metrics.UnitSeconds, metrics.UnitMicroseconds, metrics.UnitMilliseconds, metrics.UnitBytes, metrics.UnitKilobytes,
		metrics.UnitMegabytes, metrics.UnitGigabytes, metrics.UnitTerabytes, metrics.UnitBits, metrics.UnitKilobits,
		metrics.UnitMegabits, metrics.UnitGigabits, metrics.UnitTerabits, metrics.UnitPercent, metrics.UnitCount,
		metrics.UnitBytesSecond, metrics.UnitKilobytesSecond, metrics.UnitMegabytesSecond, metrics.UnitGigabytesSecond,
		metrics.UnitTerabytesSecond, metrics.UnitBitsSecond, metrics.UnitKilobitsSecond, metrics.UnitMegabitsSecond,
		metrics.UnitGigabitsSecond, metrics.UnitTerabitsSecond, metrics.UnitCountSecond, metrics.UnitNone:
		return true
	}
	return false
}
