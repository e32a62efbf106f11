package agent

import (
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"

	"github.com/localwatch/localwatch/metrics"
)

func dim(name, value string) metrics.Dimension { return metrics.Dimension{Name: name, Value: value} }

// selected reports whether resources (empty or "*": all) names r.
func selected(resources []string, r string) bool {
	return len(resources) == 0 || slices.Contains(resources, "*") || slices.Contains(resources, r)
}

// samplePlugin reads one metrics_collected section. Failures to read the
// host give no points (the agent logs them and goes on).
func (h *Host) samplePlugin(p *PluginConfig, at time.Time) []point {
	src := h.opts.source
	var pts []point
	add := func(plugin, field string, v float64, dims ...metrics.Dimension) {
		pts = append(pts, point{name: plugin + "_" + field, dims: dims, value: v})
	}
	switch p.Plugin {
	case "cpu":
		var times []cpu.TimesStat
		if p.TotalCPU {
			t, _ := src.cpuTimes(false)
			times = append(times, t...)
		}
		if slices.Contains(p.Resources, "*") {
			t, _ := src.cpuTimes(true)
			times = append(times, t...)
		}
		for _, t := range times {
			pts = append(pts, h.cpuPoints(t)...)
		}
	case "mem":
		m, err := src.memory()
		if err != nil || m.Total == 0 {
			break
		}
		add("mem", "total", float64(m.Total))
		add("mem", "available", float64(m.Available))
		add("mem", "used", float64(m.Used))
		add("mem", "free", float64(m.Free))
		add("mem", "active", float64(m.Active))
		add("mem", "inactive", float64(m.Inactive))
		add("mem", "buffered", float64(m.Buffers))
		add("mem", "cached", float64(m.Cached))
		add("mem", "used_percent", 100*float64(m.Used)/float64(m.Total))
		add("mem", "available_percent", 100*float64(m.Available)/float64(m.Total))
	case "swap":
		s, err := src.swap()
		if err != nil {
			break
		}
		add("swap", "free", float64(s.Free))
		add("swap", "used", float64(s.Used))
		if s.Total > 0 {
			add("swap", "used_percent", 100*float64(s.Used)/float64(s.Total))
		} else {
			add("swap", "used_percent", 0)
		}
	case "disk":
		parts, _ := src.partitions()
		seen := map[string]bool{}
		for _, pt := range parts {
			if seen[pt.Mountpoint] || slices.Contains(p.IgnoreFileSystemTypes, pt.Fstype) || !selected(p.Resources, pt.Mountpoint) {
				continue
			}
			seen[pt.Mountpoint] = true
			u, err := src.diskUsage(pt.Mountpoint)
			if err != nil {
				continue
			}
			dims := []metrics.Dimension{dim("path", pt.Mountpoint), dim("fstype", pt.Fstype)}
			if !p.DropDevice {
				dims = append(dims, dim("device", strings.TrimPrefix(pt.Device, "/dev/")))
			}
			add("disk", "total", float64(u.Total), dims...)
			add("disk", "free", float64(u.Free), dims...)
			add("disk", "used", float64(u.Used), dims...)
			// As Telegraf's disk input (the agent's): used over what a
			// non-root user can use, so reserved blocks do not count.
			if u.Used+u.Free > 0 {
				add("disk", "used_percent", 100*float64(u.Used)/float64(u.Used+u.Free), dims...)
			}
			add("disk", "inodes_total", float64(u.InodesTotal), dims...)
			add("disk", "inodes_free", float64(u.InodesFree), dims...)
			add("disk", "inodes_used", float64(u.InodesUsed), dims...)
		}
	case "diskio":
		io, _ := src.diskIO()
		for _, name := range sortedKeys(io) {
			c := io[name]
			if !selected(p.Resources, name) {
				continue
			}
			d := dim("name", name)
			add("diskio", "iops_in_progress", float64(c.IopsInProgress), d)
			for field, v := range map[string]uint64{"reads": c.ReadCount, "writes": c.WriteCount, "read_bytes": c.ReadBytes,
				"write_bytes": c.WriteBytes, "read_time": c.ReadTime, "write_time": c.WriteTime, "io_time": c.IoTime} {
				if dv, ok := h.delta("diskio_"+field+"\x00"+name, float64(v), at); ok {
					add("diskio", field, dv, d)
				}
			}
		}
	case "net":
		nics, _ := src.netIO()
		for _, c := range nics {
			// As Telegraf's net input: the loopback only when asked for.
			if (c.Name == "lo" && !slices.Contains(p.Resources, "lo")) || !selected(p.Resources, c.Name) {
				continue
			}
			d := dim("interface", c.Name)
			for field, v := range map[string]uint64{"bytes_sent": c.BytesSent, "bytes_recv": c.BytesRecv, "packets_sent": c.PacketsSent,
				"packets_recv": c.PacketsRecv, "err_in": c.Errin, "err_out": c.Errout, "drop_in": c.Dropin, "drop_out": c.Dropout} {
				if dv, ok := h.delta("net_"+field+"\x00"+c.Name, float64(v), at); ok {
					add("net", field, dv, d)
				}
			}
		}
	case "netstat":
		conns, err := src.connections()
		if err != nil {
			break
		}
		counts := map[string]float64{}
		for _, f := range []string{"tcp_close", "tcp_close_wait", "tcp_closing", "tcp_established", "tcp_fin_wait1", "tcp_fin_wait2",
			"tcp_last_ack", "tcp_listen", "tcp_none", "tcp_syn_sent", "tcp_syn_recv", "tcp_time_wait", "udp_socket"} {
			counts[f] = 0
		}
		for _, c := range conns {
			switch c.Type {
			case syscall.SOCK_STREAM:
				counts["tcp_"+strings.ToLower(cmpOr(c.Status, "NONE"))]++
			case syscall.SOCK_DGRAM:
				counts["udp_socket"]++
			}
		}
		for f, v := range counts {
			add("netstat", f, v)
		}
	case "processes":
		pc, err := src.processStates()
		if err != nil {
			break
		}
		for _, f := range []string{"blocked", "dead", "idle", "paging", "running", "sleeping", "stopped", "zombies", "wait"} {
			add("processes", f, pc.states[f])
		}
		add("processes", "total", pc.total)
		add("processes", "total_threads", pc.threads)
	}
	return pts
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// delta returns the increase of a counter since its last sample; the first
// sample only sets the baseline, and a counter that went down (a reset)
// starts a new one. The agent publishes diskio and net as such deltas
// (its report_deltas), so Sum over a period is what moved in it.
func (h *Host) delta(key string, v float64, at time.Time) (float64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	prev, ok := h.prevCtr[key]
	h.prevCtr[key] = counterSample{at: at, value: v}
	if !ok || v < prev.value {
		return 0, false
	}
	return v - prev.value, true
}

// cpuPoints gives the cpu section's values for one CPU ("cpu-total" or
// "cpu0", ...), as Telegraf's cpu input computes them: time_* are the
// cumulative seconds, usage_* the share of the time since the previous
// sample (none on the first). Guest time is already in user time, so it is
// not added to the total.
func (h *Host) cpuPoints(t cpu.TimesStat) []point {
	total := t.User + t.System + t.Nice + t.Iowait + t.Irq + t.Softirq + t.Steal + t.Idle
	fields := map[string]float64{
		"user": t.User, "system": t.System, "idle": t.Idle, "nice": t.Nice, "iowait": t.Iowait, "irq": t.Irq,
		"softirq": t.Softirq, "steal": t.Steal, "guest": t.Guest, "guest_nice": t.GuestNice, "active": total - t.Idle,
	}
	d := []metrics.Dimension{dim("cpu", t.CPU)}
	var pts []point
	for f, v := range fields {
		pts = append(pts, point{name: "cpu_time_" + f, dims: d, value: v})
	}
	h.mu.Lock()
	prev, ok := h.prevCPU[t.CPU]
	h.prevCPU[t.CPU] = t
	h.mu.Unlock()
	if !ok {
		return pts
	}
	prevTotal := prev.User + prev.System + prev.Nice + prev.Iowait + prev.Irq + prev.Softirq + prev.Steal + prev.Idle
	dt := total - prevTotal
	if dt <= 0 {
		return pts
	}
	prevFields := map[string]float64{
		"user": prev.User, "system": prev.System, "idle": prev.Idle, "nice": prev.Nice, "iowait": prev.Iowait, "irq": prev.Irq,
		"softirq": prev.Softirq, "steal": prev.Steal, "guest": prev.Guest, "guest_nice": prev.GuestNice, "active": prevTotal - prev.Idle,
	}
	for f, v := range fields {
		pts = append(pts, point{name: "cpu_usage_" + f, dims: d, value: min(max(100*(v-prevFields[f])/dt, 0), 100)})
	}
	return pts
}

// sampleProcstat measures the processes one procstat entry selects. Each
// process's values carry the selector (pid_file, exe or pattern) and its
// process_name; procstat_lookup_pid_count carries the selector and
// pid_finder, as the agent's do. CPU times are in hundredths of a second,
// as the guide's table says; cpu_usage is the share of one core since the
// previous sample (above 100 on several cores).
func (h *Host) sampleProcstat(p *ProcstatConfig, at time.Time) []point {
	sel := dim("pid_file", p.PidFile)
	switch {
	case p.PidFile != "":
	case p.Exe != "":
		sel = dim("exe", p.Exe)
	default:
		sel = dim("pattern", p.Pattern)
	}
	procs, err := h.opts.source.findProcesses(p)
	pts := []point{{name: "procstat_lookup_pid_count", dims: []metrics.Dimension{sel, dim("pid_finder", "native")}, value: float64(len(procs))}}
	if err != nil {
		return pts
	}
	for _, pi := range procs {
		d := []metrics.Dimension{sel, dim("process_name", pi.name)}
		add := func(f string, v float64) { pts = append(pts, point{name: "procstat_" + f, dims: d, value: v}) }
		add("pid", float64(pi.pid))
		add("cpu_time", 100*(pi.cpuUser+pi.cpuSystem))
		add("cpu_time_user", 100*pi.cpuUser)
		add("cpu_time_system", 100*pi.cpuSystem)
		add("memory_rss", pi.rss)
		add("memory_vms", pi.vms)
		add("memory_data", pi.data)
		add("memory_stack", pi.stack)
		add("memory_locked", pi.locked)
		add("memory_swap", pi.swap)
		add("num_fds", pi.fds)
		add("num_threads", pi.threads)
		add("read_bytes", pi.readBytes)
		add("write_bytes", pi.writeBytes)
		add("read_count", pi.readCount)
		add("write_count", pi.writeCount)
		key := "procstat_cpu\x00" + sel.Name + "\x00" + sel.Value + "\x00" + strconv.Itoa(int(pi.pid))
		h.mu.Lock()
		prev, ok := h.prevCtr[key]
		h.prevCtr[key] = counterSample{at: at, value: pi.cpuUser + pi.cpuSystem}
		h.mu.Unlock()
		if wall := at.Sub(prev.at).Seconds(); ok && wall > 0 && pi.cpuUser+pi.cpuSystem >= prev.value {
			add("cpu_usage", 100*(pi.cpuUser+pi.cpuSystem-prev.value)/wall)
		}
	}
	return pts
}
