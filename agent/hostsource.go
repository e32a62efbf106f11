package agent

import (
	"os"
	"strconv"
	"strings"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/mem"
	"github.com/shirou/gopsutil/v4/net"
	"github.com/shirou/gopsutil/v4/process"
)

// hostSource reads the host. gopsutilSource is the real one; tests inject
// fakes with known values.
type hostSource interface {
	cpuTimes(perCPU bool) ([]cpu.TimesStat, error)
	memory() (*mem.VirtualMemoryStat, error)
	swap() (*mem.SwapMemoryStat, error)
	partitions() ([]disk.PartitionStat, error)
	diskUsage(path string) (*disk.UsageStat, error)
	diskIO() (map[string]disk.IOCountersStat, error)
	netIO() ([]net.IOCountersStat, error)
	connections() ([]net.ConnectionStat, error)
	processStates() (processCounts, error)
	findProcesses(pc *ProcstatConfig) ([]procInfo, error)
}

// processCounts is what the processes plugin reports: processes per state,
// their total and their threads.
type processCounts struct {
	states         map[string]float64 // processes measurement name → count
	total, threads float64
}

// procInfo is one process procstat measures.
type procInfo struct {
	pid                   int32
	name                  string
	cpuUser, cpuSystem    float64 // seconds
	rss, vms, data, stack float64
	locked, swap          float64
	fds, threads          float64
	readBytes, writeBytes float64
	readCount, writeCount float64
}

// gopsutilSource reads the host with gopsutil, the library the CloudWatch
// agent's own collectors (its Telegraf inputs) are built on, so the figures
// are computed from the same sources the agent's are.
type gopsutilSource struct{}

func (gopsutilSource) cpuTimes(perCPU bool) ([]cpu.TimesStat, error) { return cpu.Times(perCPU) }
func (gopsutilSource) memory() (*mem.VirtualMemoryStat, error)       { return mem.VirtualMemory() }
func (gopsutilSource) swap() (*mem.SwapMemoryStat, error)            { return mem.SwapMemory() }
func (gopsutilSource) partitions() ([]disk.PartitionStat, error)     { return disk.Partitions(false) }
func (gopsutilSource) diskUsage(p string) (*disk.UsageStat, error)   { return disk.Usage(p) }
func (gopsutilSource) diskIO() (map[string]disk.IOCountersStat, error) {
	return disk.IOCounters()
}
func (gopsutilSource) netIO() ([]net.IOCountersStat, error)       { return net.IOCounters(true) }
func (gopsutilSource) connections() ([]net.ConnectionStat, error) { return net.Connections("all") }

// processStates counts processes by state as Telegraf's processes input
// does on Linux (R running, S sleeping, D blocked, Z zombies, T/t stopped,
// I idle, X dead, W paging).
func (gopsutilSource) processStates() (processCounts, error) {
	pc := processCounts{states: map[string]float64{}}
	ps, err := process.Processes()
	if err != nil {
		return pc, err
	}
	for _, p := range ps {
		st, err := p.Status()
		if err != nil || len(st) == 0 {
			continue
		}
		pc.total++
		if n, err := p.NumThreads(); err == nil {
			pc.threads += float64(n)
		}
		switch st[0] {
		case process.Running:
			pc.states["running"]++
		case process.Sleep:
			pc.states["sleeping"]++
		case process.Blocked:
			pc.states["blocked"]++
		case process.Zombie:
			pc.states["zombies"]++
		case process.Stop:
			pc.states["stopped"]++
		case process.Idle:
			pc.states["idle"]++
		case process.Wait:
			pc.states["paging"]++
		default:
			pc.states["dead"]++
		}
	}
	return pc, nil
}

// findProcesses selects processes as the agent's procstat does: by the PID
// in pid_file, else by a regular expression over the process name (exe),
// else over the command line (pattern).
func (gopsutilSource) findProcesses(c *ProcstatConfig) ([]procInfo, error) {
	var pids []int32
	if c.PidFile != "" {
		b, err := os.ReadFile(c.PidFile)
		if err != nil {
			return nil, err
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 32)
		if err != nil {
			return nil, err
		}
		pids = []int32{int32(n)}
	} else {
		ps, err := process.Processes()
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			var s string
			if c.exe != nil {
				s, _ = p.Name()
				if c.exe.MatchString(s) {
					pids = append(pids, p.Pid)
				}
			} else if c.pattern != nil {
				s, _ = p.Cmdline()
				if c.pattern.MatchString(s) {
					pids = append(pids, p.Pid)
				}
			}
		}
	}
	out := make([]procInfo, 0, len(pids))
	for _, pid := range pids {
		p, err := process.NewProcess(pid)
		if err != nil {
			continue
		}
		pi := procInfo{pid: pid}
		pi.name, _ = p.Name()
		if t, err := p.Times(); err == nil {
			pi.cpuUser, pi.cpuSystem = t.User, t.System
		}
		if m, err := p.MemoryInfo(); err == nil {
			pi.rss, pi.vms, pi.data, pi.stack, pi.locked, pi.swap = float64(m.RSS), float64(m.VMS), float64(m.Data),
				float64(m.Stack), float64(m.Locked), float64(m.Swap)
		}
		if n, err := p.NumFDs(); err == nil {
			pi.fds = float64(n)
		}
		if n, err := p.NumThreads(); err == nil {
			pi.threads = float64(n)
		}
		if io, err := p.IOCounters(); err == nil {
			pi.readBytes, pi.writeBytes, pi.readCount, pi.writeCount = float64(io.ReadBytes), float64(io.WriteBytes),
				float64(io.ReadCount), float64(io.WriteCount)
		}
		out = append(out, pi)
	}
	return out, nil
}
