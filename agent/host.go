package agent

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	stdnet "net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/metrics"
)

// HostOptions configures a [Host].
type HostOptions struct {
	// Clock drives the schedules (nil: the wall clock). Inside a stack pass
	// the stack's, so files are read and the host sampled inside Run.
	Clock clock.Clock
	// Bus receives metrics.DataEvent (the stack's bus); nil publishes no
	// metrics.
	Bus *bus.Bus
	// AccountID and Region address the metrics service that stores the data
	// when several share the bus (empty: any).
	AccountID, Region string
	// Logs receives the log files' events (the stack's Logs service). It is
	// required when the configuration has a logs section.
	Logs LogsAPI
	// StateDir is where the offset reached in each log file is kept, as the
	// agent keeps them in its state directory, so a restart neither repeats
	// nor skips a line. Empty keeps offsets in memory only (a new Host reads
	// every file from its beginning).
	StateDir string
	// Hostname is the host dimension and {hostname} (default os.Hostname).
	Hostname string
	// LocalHostname is {local_hostname} (default Hostname).
	LocalHostname string
	// IPAddress is {ip_address} (default: the first non-loopback IPv4
	// address of the host).
	IPAddress string
	// InstanceID, InstanceType, ImageID and AutoScalingGroupName are what the
	// agent reads from EC2 metadata, which does not exist here: the values
	// of append_dimensions ${aws:InstanceId} etc. and of {instance_id}
	// (default for InstanceID: Hostname, as the agent falls back to off EC2).
	InstanceID, InstanceType, ImageID, AutoScalingGroupName string
	// LogPollInterval is how often log files are read (default 1 s).
	LogPollInterval time.Duration
	// Logger, when set, receives the errors of scheduled work (an
	// unreadable file, a refused PutLogEvents, a failed publish) at Warn;
	// what failed is retried at the next run. Nil discards.
	Logger *slog.Logger
	// source reads the host; nil means gopsutil. Tests inject fakes.
	source hostSource
}

// Host runs a CloudWatch agent configuration on this host: it samples the
// metrics_collected sections on the clock and publishes them under the
// agent's names, units and dimensions, and tails the collect_list files into
// CloudWatch Logs. Its methods are safe for concurrent use.
//
// Metrics: each section is sampled at its metrics_collection_interval
// (below 60 s: StorageResolution 1) and buffered; the buffer is published
// as metrics.DataEvent every force_flush_interval (or at 1000 data).
// Dimensions are the section's own (cpu, path/device/fstype, name,
// interface, exe/pattern/pid_file + process_name), its append_dimensions,
// then metrics.append_dimensions (values from HostOptions; they replace the
// host dimension, as the guide says) or host. aggregation_dimensions add
// rolled-up copies; values of one series at one time are published as a
// statistic set. cpu usage_* are shares of the CPU time between two
// samples, and diskio and net counters deltas between samples (the agent's
// report_deltas): the first sample only sets their baseline.
//
// Logs: every LogPollInterval each collect_list glob is expanded (new files
// are picked up; without publish_multi_logs only the most recently modified
// match is read, and one it supersedes is read to its end first and, with
// auto_removal, deleted), files are read from where they were left, lines
// become events (multi_line_start_pattern joins lines; filters drop them;
// timestamp_format dates them, else the clock's time), and each stream's
// batch is sent with PutLogEvents when full (10,000 events, 1,048,576
// bytes, 24 hours) or force_flush_interval old, in chronological order. A
// file renamed away (logrotate's create) is read to its end before the new
// one; a file truncated in place (copytruncate) is read again from its
// start; a deleted file's remaining lines are read from the open handle.
// A partial last line waits for its newline, or 5 s. Offsets move only when
// a batch is accepted, and are saved in StateDir: a Host started again on
// the same StateDir resumes each file exactly where the last one's
// delivered lines end (a multi-line event or partial line not yet sent is
// read again whole).
//
// Deliberate differences: no EC2 metadata (HostOptions gives what it would);
// agent.region, logfile and debug are kept but the stack decides where data
// goes; without multi_line_start_pattern every line is an event (what the
// agent's tailer does; the guide's sentence about lines beginning with
// whitespace does not match it); a utf-16 file is little-endian unless it
// begins with a big-endian BOM; lines written to a rotated file after it was read to its end are not read; a
// restart after the file at a path was replaced reads the new file from its
// start (the old one's unread lines are lost, as with the agent).
type Host struct {
	cfg  *Config
	opts HostOptions

	mu      sync.Mutex // guards everything below
	closed  bool
	timers  []clock.Timer
	buf     []bufferedDatum
	prevCPU map[string]cpu.TimesStat
	prevCtr map[string]counterSample // counters (diskio, net, procstat) by series
	logs    *logTailer

	sampleMu sync.Mutex // serializes sampling (it reads the host outside mu)
}

type counterSample struct {
	at    time.Time
	value float64
}

type bufferedDatum struct {
	d       metrics.MetricDatum
	highRes bool
}

// NewHost checks cfg against the options and returns a host that does
// nothing until Start.
func NewHost(cfg *Config, opts HostOptions) (*Host, error) {
	if cfg == nil {
		return nil, errors.New("agent: nil config")
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.source == nil {
		opts.source = gopsutilSource{}
	}
	if opts.Hostname == "" {
		opts.Hostname, _ = os.Hostname()
	}
	opts.LocalHostname = cmp.Or(opts.LocalHostname, opts.Hostname)
	opts.InstanceID = cmp.Or(opts.InstanceID, opts.Hostname)
	if opts.IPAddress == "" {
		opts.IPAddress = firstIPv4()
	}
	if opts.LogPollInterval <= 0 {
		opts.LogPollInterval = time.Second
	}
	h := &Host{cfg: cfg, opts: opts, prevCPU: map[string]cpu.TimesStat{}, prevCtr: map[string]counterSample{}}
	if cfg.Logs != nil && len(cfg.Logs.Files) > 0 {
		if opts.Logs == nil {
			return nil, errors.New("agent: the configuration has a logs section but HostOptions.Logs is nil")
		}
		lt, err := newLogTailer(cfg.Logs, &h.opts)
		if err != nil {
			return nil, err
		}
		h.logs = lt
	}
	return h, nil
}

func firstIPv4() string {
	addrs, err := stdnet.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*stdnet.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

// Start registers the schedules on the clock: each metrics section at its
// metrics_collection_interval, the metrics flush at force_flush_interval,
// and the log files at LogPollInterval. Starting a started or closed host
// does nothing.
func (h *Host) Start() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.timers != nil {
		return
	}
	h.timers = []clock.Timer{}
	if m := h.cfg.Metrics; m != nil {
		intervals := map[time.Duration]bool{}
		for _, p := range m.Collected {
			intervals[p.Interval] = true
		}
		for _, p := range m.Procstat {
			intervals[p.Interval] = true
		}
		for _, iv := range sortedKeysDur(intervals) {
			h.timers = append(h.timers, clock.EveryNamed(h.opts.Clock, fmt.Sprintf("agent: metrics every %s", iv), iv,
				func(at time.Time) { h.sample(iv, at) }))
		}
		h.timers = append(h.timers, clock.EveryNamed(h.opts.Clock, "agent: metrics flush", m.ForceFlushInterval,
			func(time.Time) { h.warn("metrics flush", h.FlushMetrics(context.Background())) }))
	}
	if h.logs != nil {
		h.timers = append(h.timers, clock.EveryNamed(h.opts.Clock, "agent: log files", h.opts.LogPollInterval,
			func(time.Time) { h.warn("log files", h.PollLogs(context.Background())) }))
	}
}

func (h *Host) warn(job string, err error) {
	if err != nil && h.opts.Logger != nil {
		h.opts.Logger.Warn("CloudWatch agent: "+job+" failed", "err", err)
	}
}

func sortedKeysDur(m map[time.Duration]bool) []time.Duration {
	out := make([]time.Duration, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Stop ends the schedules (buffered metrics and log events stay buffered).
func (h *Host) Stop() {
	h.mu.Lock()
	ts := h.timers
	h.timers = nil
	h.mu.Unlock()
	for _, t := range ts {
		t.Stop()
	}
}

// Close stops the schedules, publishes what is buffered (metrics, and log
// events with their offsets saved), and closes the log files. Afterwards
// every method answers ServiceUnavailable. Close may be called more than
// once.
func (h *Host) Close() error {
	h.Stop()
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.mu.Unlock()
	err := h.FlushMetrics(context.Background())
	if h.logs != nil {
		err = errors.Join(err, h.logs.close(context.Background()))
	}
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	return err
}

func (h *Host) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// CollectMetrics samples every metrics section now, whatever its interval,
// into the buffer (FlushMetrics publishes it).
func (h *Host) CollectMetrics() error {
	if h.isClosed() {
		return awserr.Closed("ServiceUnavailable")
	}
	h.sample(0, h.opts.Clock.Now())
	return nil
}

// sample reads the sections whose interval is iv (0: all) at time at.
func (h *Host) sample(iv time.Duration, at time.Time) {
	m := h.cfg.Metrics
	if m == nil || h.isClosed() {
		return
	}
	h.sampleMu.Lock()
	defer h.sampleMu.Unlock()
	var out []bufferedDatum
	for i := range m.Collected {
		p := &m.Collected[i]
		if iv != 0 && p.Interval != iv {
			continue
		}
		out = append(out, h.datums(p.Plugin, p.Measurements, p.AppendDimensions, p.DropOriginalMetrics, p.Interval, at, h.samplePlugin(p, at))...)
	}
	for i := range m.Procstat {
		p := &m.Procstat[i]
		if iv != 0 && p.Interval != iv {
			continue
		}
		out = append(out, h.datums("procstat", p.Measurements, p.AppendDimensions, nil, p.Interval, at, h.sampleProcstat(p, at))...)
	}
	h.mu.Lock()
	h.buf = append(h.buf, out...)
	full := len(h.buf) >= 1000
	h.mu.Unlock()
	// "if the size of the metrics in the buffer reaches 1 MB or 1000
	// different metrics, the metrics are immediately sent".
	if full {
		h.warn("metrics flush", h.FlushMetrics(context.Background()))
	}
}

// point is one value a plugin read: the measurement (full name), its own
// dimensions (cpu, path, interface, ...) and the value.
type point struct {
	name  string
	dims  []metrics.Dimension
	value float64
}

// datums turns points into data with the configured names, units and the
// dimensions the agent adds: the section's append_dimensions, then the
// global append_dimensions (which drop host) or host.
func (h *Host) datums(plugin string, ms []Measurement, appendDims map[string]string, drop []string, iv time.Duration, at time.Time, pts []point) []bufferedDatum {
	want := make(map[string]Measurement, len(ms))
	for _, m := range ms {
		want[m.Name] = m
	}
	extra := h.extraDimensions(appendDims)
	ts := at.Truncate(time.Second)
	out := make([]bufferedDatum, 0, len(pts))
	for _, p := range pts {
		m, ok := want[p.name]
		if !ok {
			continue
		}
		dims := append(slices.Clone(p.dims), extra...)
		// PutMetricData refuses an empty dimension value (a whole request
		// would go): a dimension the host has no value for is left out.
		dims = slices.DeleteFunc(dims, func(d metrics.Dimension) bool { return d.Value == "" })
		slices.SortFunc(dims, func(a, b metrics.Dimension) int { return strings.Compare(a.Name, b.Name) })
		d := metrics.MetricDatum{MetricName: m.MetricName(), Dimensions: dims, Timestamp: ts, Unit: m.Unit, Value: metrics.Float(p.value)}
		if !slices.Contains(drop, p.name) || len(h.cfg.Metrics.AggregationDimensions) == 0 {
			out = append(out, bufferedDatum{d: d, highRes: iv < time.Minute})
		}
		for _, agg := range h.cfg.Metrics.AggregationDimensions {
			if rolled, ok := rollUp(dims, agg); ok {
				r := d
				r.Dimensions = rolled
				out = append(out, bufferedDatum{d: r, highRes: iv < time.Minute})
			}
		}
	}
	return out
}

// rollUp keeps only the dimensions named in agg, if dims has them all.
func rollUp(dims []metrics.Dimension, agg []string) ([]metrics.Dimension, bool) {
	out := make([]metrics.Dimension, 0, len(agg))
	for _, name := range agg {
		i := slices.IndexFunc(dims, func(d metrics.Dimension) bool { return d.Name == name })
		if i < 0 {
			return nil, false
		}
		out = append(out, dims[i])
	}
	slices.SortFunc(out, func(a, b metrics.Dimension) int { return strings.Compare(a.Name, b.Name) })
	return out, true
}

func (h *Host) extraDimensions(section map[string]string) []metrics.Dimension {
	var out []metrics.Dimension
	for k, v := range section {
		out = append(out, metrics.Dimension{Name: k, Value: v})
	}
	global := h.cfg.Metrics.AppendDimensions
	for k := range global {
		var v string
		switch k {
		case "InstanceId":
			v = h.opts.InstanceID
		case "InstanceType":
			v = h.opts.InstanceType
		case "ImageId":
			v = h.opts.ImageID
		case "AutoScalingGroupName":
			v = h.opts.AutoScalingGroupName
		}
		if v != "" {
			out = append(out, metrics.Dimension{Name: k, Value: v})
		}
	}
	// "By default, the hostname is published as a dimension of metrics that
	// are collected by the agent, unless you are using the
	// append_dimensions field in the metrics section."
	if len(global) == 0 && !h.cfg.Agent.OmitHostname && h.opts.Hostname != "" {
		out = append(out, metrics.Dimension{Name: "host", Value: h.opts.Hostname})
	}
	return out
}

// FlushMetrics publishes the buffered metrics as PutMetricData requests of
// at most 1000 data each. Values of one series at one time (several
// processes of one procstat selector, roll-ups of several series) are
// published as one statistic set, as the agent aggregates them.
func (h *Host) FlushMetrics(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return awserr.Closed("ServiceUnavailable")
	}
	buf := h.buf
	h.buf = nil
	h.mu.Unlock()
	if len(buf) == 0 || h.cfg.Metrics == nil {
		return nil
	}
	type group struct {
		d      metrics.MetricDatum
		values []float64
	}
	index := map[string]int{}
	var groups []group
	for _, b := range buf {
		key := seriesKey(b.d)
		if i, ok := index[key]; ok {
			groups[i].values = append(groups[i].values, *b.d.Value)
			continue
		}
		index[key] = len(groups)
		d := b.d
		if b.highRes {
			d.StorageResolution = 1
		}
		groups = append(groups, group{d: d, values: []float64{*b.d.Value}})
	}
	data := make([]metrics.MetricDatum, 0, len(groups))
	for _, g := range groups {
		d := g.d
		if len(g.values) > 1 {
			set := metrics.StatisticSet{SampleCount: float64(len(g.values)), Minimum: g.values[0], Maximum: g.values[0]}
			for _, v := range g.values {
				set.Sum += v
				set.Minimum, set.Maximum = min(set.Minimum, v), max(set.Maximum, v)
			}
			d.Value, d.StatisticValues = nil, &set
		}
		data = append(data, d)
	}
	var err error
	for chunk := range slices.Chunk(data, 1000) {
		in := metrics.PutMetricDataInput{Namespace: h.cfg.Metrics.Namespace, MetricData: chunk}
		err = errors.Join(err, bus.Publish(ctx, h.opts.Bus, metrics.DataEvent{AccountID: h.opts.AccountID, Region: h.opts.Region, Input: in, Internal: true}))
	}
	return err
}

func seriesKey(d metrics.MetricDatum) string {
	var b strings.Builder
	b.WriteString(d.MetricName)
	for _, dim := range d.Dimensions {
		b.WriteString("\x00" + dim.Name + "\x01" + dim.Value)
	}
	b.WriteString("\x00" + string(d.Unit) + "\x00" + d.Timestamp.Format(time.RFC3339Nano))
	return b.String()
}
