package agent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"

	"github.com/localwatch/localwatch/metrics"
)

// Config is the CloudWatch agent's JSON configuration file, as the user guide
// documents it ("Manually create or edit the CloudWatch agent configuration
// file"): an agent section, a metrics section and a logs section. Load one
// with [LoadConfig] or [ParseConfig]; run it with [NewHost].
//
// Keys the agent knows but this package does not implement (collectd,
// statsd, ethtool, nvidia_gpu, windows_events, credentials,
// endpoint_override, metrics_destinations, ...) are rejected with an error
// naming their JSON path, so nothing in a file is silently ignored.
type Config struct {
	Agent   AgentConfig
	Metrics *MetricsConfig // nil: the file has no metrics section
	Logs    *LogsConfig    // nil: the file has no logs section
}

// AgentConfig is the agent section.
type AgentConfig struct {
	// MetricsCollectionInterval is agent.metrics_collection_interval: how
	// often every metric is collected unless its section overrides it
	// (default 60 s). Below 60 s metrics are high-resolution.
	MetricsCollectionInterval time.Duration
	// Region is agent.region: where metrics and logs are sent. The host
	// publishes to its stack whatever this says; it is kept for the caller.
	Region string
	// Logfile is agent.logfile, where the agent writes its own log.
	Logfile string
	// Debug is agent.debug: debug log messages.
	Debug bool
	// OmitHostname is agent.omit_hostname: no host dimension.
	OmitHostname bool
	// RunAsUser is agent.run_as_user (kept, not acted on).
	RunAsUser string
}

// MetricsConfig is the metrics section.
type MetricsConfig struct {
	// Namespace is metrics.namespace (default "CWAgent", at most 255
	// characters).
	Namespace string
	// AppendDimensions is metrics.append_dimensions: dimension name → value
	// template such as "${aws:InstanceId}". Only ImageId, InstanceId,
	// InstanceType and AutoScalingGroupName are supported, as in the agent;
	// their values come from [HostOptions] (there is no EC2 metadata here).
	// Setting it drops the host dimension, as the guide says.
	AppendDimensions map[string]string
	// AggregationDimensions is metrics.aggregation_dimensions: each entry
	// also publishes every metric that has those dimensions rolled up to
	// just them ([] rolls up to no dimension at all).
	AggregationDimensions [][]string
	// ForceFlushInterval is metrics.force_flush_interval: how long metrics
	// stay buffered before they are published (default 60 s).
	ForceFlushInterval time.Duration
	// Collected are the metrics_collected sections in the order cpu, disk,
	// diskio, mem, net, netstat, processes, swap.
	Collected []PluginConfig
	// Procstat is metrics_collected.procstat.
	Procstat []ProcstatConfig
}

// PluginConfig is one section of metrics_collected (cpu, mem, disk, ...).
type PluginConfig struct {
	// Plugin is the section's name: "cpu", "mem", ...
	Plugin string
	// Measurements are the metrics to collect, with the full agent names
	// ("cpu_usage_idle" whether the file said "usage_idle" or not).
	Measurements []Measurement
	// Interval is the section's metrics_collection_interval (default: the
	// agent section's).
	Interval time.Duration
	// Resources limits cpu ("*": per core), disk (mount points), diskio
	// (devices) and net (interfaces); empty or "*" means all.
	Resources []string
	// TotalCPU is cpu.totalcpu (default true).
	TotalCPU bool
	// IgnoreFileSystemTypes is disk.ignore_file_system_types.
	IgnoreFileSystemTypes []string
	// DropDevice is disk.drop_device: no device dimension.
	DropDevice bool
	// AppendDimensions are the section's own extra dimensions.
	AppendDimensions map[string]string
	// DropOriginalMetrics are the measurements (full names) published only
	// rolled up by aggregation_dimensions, not with all their dimensions.
	DropOriginalMetrics []string
}

// Measurement is one entry of a measurement list: a plain name or an object
// with name, rename and unit.
type Measurement struct {
	Name   string // full agent name, e.g. "mem_used_percent"
	Rename string // metric name to publish instead (empty: Name)
	Unit   metrics.StandardUnit
}

// MetricName is the name the measurement is published under.
func (m Measurement) MetricName() string {
	if m.Rename != "" {
		return m.Rename
	}
	return m.Name
}

// ProcstatConfig is one entry of metrics_collected.procstat. The agent uses
// one selector: pid_file, else exe, else pattern.
type ProcstatConfig struct {
	PidFile, Exe, Pattern string
	Measurements          []Measurement
	Interval              time.Duration
	AppendDimensions      map[string]string

	exe, pattern *regexp.Regexp
}

// LogsConfig is the logs section.
type LogsConfig struct {
	// LogStreamName is logs.log_stream_name, the default stream of every
	// collect_list entry (default "{instance_id}").
	LogStreamName string
	// ForceFlushInterval is logs.force_flush_interval: how long events stay
	// buffered before PutLogEvents (default 5 s).
	ForceFlushInterval time.Duration
	// Files is logs.logs_collected.files.collect_list.
	Files []LogFileConfig
}

// LogFileConfig is one entry of collect_list.
type LogFileConfig struct {
	FilePath              string
	LogGroupName          string // default: file_path up to its final dot
	LogStreamName         string // default: the logs section's
	TimestampFormat       string
	Timezone              string // "Local" (default) or "UTC"
	MultiLineStartPattern string
	Encoding              string // default "utf-8"
	Filters               []LogFilter
	RetentionInDays       int // 0: leave the group's retention alone
	AutoRemoval           bool
	PublishMultiLogs      bool
	LogGroupClass         string // "STANDARD" (default) or "INFREQUENT_ACCESS"

	groupDefaulted bool // log_group_name was omitted
	ts             *timestampFormat
	multiLine      *regexp.Regexp
	enc            encoding.Encoding // nil: UTF-8
}

// LogFilter is one entry of a collect_list entry's filters.
type LogFilter struct {
	Type       string // "include" or "exclude"
	Expression string
	re         *regexp.Regexp
}

// ConfigError is an invalid or unsupported part of a configuration file;
// Path is its JSON path, e.g. "metrics.metrics_collected.cpu.measurement[2]".
type ConfigError struct {
	Path string
	Msg  string
}

// Error returns "path: message".
func (e *ConfigError) Error() string { return e.Path + ": " + e.Msg }

func cfgErr(path, format string, args ...any) error {
	return &ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// LoadConfig reads and parses a configuration file.
func LoadConfig(file string) (*Config, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}

// The agent's documented defaults.
const (
	DefaultMetricsCollectionInterval = 60 * time.Second
	DefaultMetricsFlushInterval      = 60 * time.Second
	DefaultLogsFlushInterval         = 5 * time.Second
	DefaultLogStreamName             = "{instance_id}"
)

// ParseConfig parses the JSON of a configuration file, fills in the
// agent's defaults and checks every key; an error is a *ConfigError naming
// the JSON path.
func ParseConfig(data []byte) (*Config, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var root any
	if err := d.Decode(&root); err != nil {
		return nil, cfgErr("$", "not JSON: %v", err)
	}
	top, err := object(root, "$")
	if err != nil {
		return nil, err
	}
	c := &Config{Agent: AgentConfig{MetricsCollectionInterval: DefaultMetricsCollectionInterval}}
	err = fields(top, "", map[string]func(any, string) error{
		"agent":   func(v any, p string) error { return c.Agent.parse(v, p) },
		"metrics": func(v any, p string) error { c.Metrics = &MetricsConfig{}; return c.Metrics.parse(v, p, c.Agent) },
		"logs":    func(v any, p string) error { c.Logs = &LogsConfig{}; return c.Logs.parse(v, p) },
	}, "agent")
	if err != nil {
		return nil, err
	}
	if c.Logs != nil {
		if err := c.Logs.checkRetention(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// fields walks obj's keys in sorted order (first the keys in first, so a
// section that others depend on is read before them), calling the parser of
// each; an unknown key is an error.
func fields(obj map[string]any, path string, parsers map[string]func(any, string) error, first ...string) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		fi, fj := slices.Contains(first, keys[i]), slices.Contains(first, keys[j])
		if fi != fj {
			return fi
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		p := join(path, k)
		f, ok := parsers[k]
		if !ok {
			return cfgErr(p, "unknown or unsupported key")
		}
		if err := f(obj[k], p); err != nil {
			return err
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func object(v any, path string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, cfgErr(path, "must be an object, not %s", jsonType(v))
	}
	return m, nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}

func str(dst *string) func(any, string) error {
	return func(v any, p string) error {
		s, ok := v.(string)
		if !ok {
			return cfgErr(p, "must be a string, not %s", jsonType(v))
		}
		*dst = s
		return nil
	}
}

func boolean(dst *bool) func(any, string) error {
	return func(v any, p string) error {
		b, ok := v.(bool)
		if !ok {
			return cfgErr(p, "must be a boolean, not %s", jsonType(v))
		}
		*dst = b
		return nil
	}
}

func integer(v any, p string) (int, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, cfgErr(p, "must be a number, not %s", jsonType(v))
	}
	i, err := n.Int64()
	if err != nil {
		return 0, cfgErr(p, "must be an integer, not %s", n)
	}
	return int(i), nil
}

// seconds reads a positive number of seconds.
func seconds(dst *time.Duration) func(any, string) error {
	return func(v any, p string) error {
		i, err := integer(v, p)
		if err != nil {
			return err
		}
		if i <= 0 {
			return cfgErr(p, "must be a positive number of seconds, not %d", i)
		}
		*dst = time.Duration(i) * time.Second
		return nil
	}
}

func strings_(dst *[]string) func(any, string) error {
	return func(v any, p string) error {
		a, ok := v.([]any)
		if !ok {
			return cfgErr(p, "must be an array of strings, not %s", jsonType(v))
		}
		out := make([]string, len(a))
		for i, e := range a {
			if err := str(&out[i])(e, fmt.Sprintf("%s[%d]", p, i)); err != nil {
				return err
			}
		}
		*dst = out
		return nil
	}
}

func stringMap(dst *map[string]string) func(any, string) error {
	return func(v any, p string) error {
		m, err := object(v, p)
		if err != nil {
			return err
		}
		out := make(map[string]string, len(m))
		for k, e := range m {
			var s string
			if err := str(&s)(e, join(p, k)); err != nil {
				return err
			}
			out[k] = s
		}
		*dst = out
		return nil
	}
}

func (a *AgentConfig) parse(v any, path string) error {
	m, err := object(v, path)
	if err != nil {
		return err
	}
	ignore := func(any, string) error { return nil }
	return fields(m, path, map[string]func(any, string) error{
		"metrics_collection_interval": seconds(&a.MetricsCollectionInterval),
		"region":                      str(&a.Region),
		"logfile":                     str(&a.Logfile),
		"debug":                       boolean(&a.Debug),
		"omit_hostname":               boolean(&a.OmitHostname),
		"run_as_user":                 str(&a.RunAsUser),
		// Accepted and without effect here: there is no SDK and no
		// usage reporting in-process.
		"aws_sdk_log_level": ignore,
		"usage_data":        ignore,
	})
}

// appendDimensionKeys are the only keys metrics.append_dimensions supports,
// with the value each takes in the agent's own examples.
var appendDimensionKeys = map[string]string{
	"ImageId":              "${aws:ImageId}",
	"InstanceId":           "${aws:InstanceId}",
	"InstanceType":         "${aws:InstanceType}",
	"AutoScalingGroupName": "${aws:AutoScalingGroupName}",
}

// pluginOrder is the order Collected lists sections in.
var pluginOrder = []string{"cpu", "disk", "diskio", "mem", "net", "netstat", "processes", "swap"}

func (mc *MetricsConfig) parse(v any, path string, agent AgentConfig) error {
	m, err := object(v, path)
	if err != nil {
		return err
	}
	mc.Namespace = DefaultNamespace
	mc.ForceFlushInterval = DefaultMetricsFlushInterval
	err = fields(m, path, map[string]func(any, string) error{
		"namespace": func(v any, p string) error {
			if err := str(&mc.Namespace)(v, p); err != nil {
				return err
			}
			if mc.Namespace == "" || len(mc.Namespace) > 255 {
				return cfgErr(p, "must be 1 to 255 characters")
			}
			if strings.HasPrefix(mc.Namespace, "AWS/") {
				return cfgErr(p, "namespace %q is reserved for AWS", mc.Namespace)
			}
			return nil
		},
		"append_dimensions": func(v any, p string) error {
			if err := stringMap(&mc.AppendDimensions)(v, p); err != nil {
				return err
			}
			for k, val := range mc.AppendDimensions {
				want, ok := appendDimensionKeys[k]
				if !ok {
					return cfgErr(join(p, k), "unsupported dimension (only ImageId, InstanceId, InstanceType and AutoScalingGroupName)")
				}
				if val != want {
					return cfgErr(join(p, k), "must be %q, not %q", want, val)
				}
			}
			return nil
		},
		"aggregation_dimensions": func(v any, p string) error {
			a, ok := v.([]any)
			if !ok {
				return cfgErr(p, "must be an array of arrays of dimension names, not %s", jsonType(v))
			}
			for i, e := range a {
				var dims []string
				if err := strings_(&dims)(e, fmt.Sprintf("%s[%d]", p, i)); err != nil {
					return err
				}
				mc.AggregationDimensions = append(mc.AggregationDimensions, dims)
			}
			return nil
		},
		"force_flush_interval": seconds(&mc.ForceFlushInterval),
		"metrics_collected":    func(v any, p string) error { return mc.parseCollected(v, p, agent) },
	})
	if err != nil {
		return err
	}
	if _, ok := m["metrics_collected"]; !ok {
		return cfgErr(join(path, "metrics_collected"), "is required")
	}
	slices.SortFunc(mc.Collected, func(a, b PluginConfig) int {
		return slices.Index(pluginOrder, a.Plugin) - slices.Index(pluginOrder, b.Plugin)
	})
	return nil
}

func (mc *MetricsConfig) parseCollected(v any, path string, agent AgentConfig) error {
	m, err := object(v, path)
	if err != nil {
		return err
	}
	parsers := map[string]func(any, string) error{
		"procstat": func(v any, p string) error { return mc.parseProcstat(v, p, agent) },
	}
	for _, name := range pluginOrder {
		parsers[name] = func(v any, p string) error {
			pc, err := parsePlugin(name, v, p, agent)
			if err != nil {
				return err
			}
			mc.Collected = append(mc.Collected, pc)
			return nil
		}
	}
	return fields(m, path, parsers)
}

func parsePlugin(name string, v any, path string, agent AgentConfig) (PluginConfig, error) {
	pc := PluginConfig{Plugin: name, Interval: agent.MetricsCollectionInterval, TotalCPU: true}
	m, err := object(v, path)
	if err != nil {
		return pc, err
	}
	parsers := map[string]func(any, string) error{
		"measurement": func(v any, p string) error {
			ms, err := parseMeasurements(name, v, p)
			pc.Measurements = ms
			return err
		},
		"metrics_collection_interval": seconds(&pc.Interval),
		"append_dimensions":           stringMap(&pc.AppendDimensions),
		"drop_original_metrics": func(v any, p string) error {
			if err := strings_(&pc.DropOriginalMetrics)(v, p); err != nil {
				return err
			}
			for i, n := range pc.DropOriginalMetrics {
				full, _, ok := lookupMeasurement(name, n)
				if !ok {
					return cfgErr(fmt.Sprintf("%s[%d]", p, i), "unknown measurement %q", n)
				}
				pc.DropOriginalMetrics[i] = full
			}
			return nil
		},
	}
	switch name {
	case "cpu":
		parsers["totalcpu"] = boolean(&pc.TotalCPU)
		parsers["resources"] = func(v any, p string) error {
			if err := strings_(&pc.Resources)(v, p); err != nil {
				return err
			}
			for i, r := range pc.Resources {
				if r != "*" {
					return cfgErr(fmt.Sprintf("%s[%d]", p, i), "the only allowed value is \"*\", not %q", r)
				}
			}
			return nil
		}
	case "disk":
		parsers["resources"] = strings_(&pc.Resources)
		parsers["ignore_file_system_types"] = strings_(&pc.IgnoreFileSystemTypes)
		parsers["drop_device"] = boolean(&pc.DropDevice)
	case "diskio", "net":
		parsers["resources"] = strings_(&pc.Resources)
	}
	if err := fields(m, path, parsers); err != nil {
		return pc, err
	}
	if _, ok := m["measurement"]; !ok {
		return pc, cfgErr(join(path, "measurement"), "is required")
	}
	return pc, nil
}

func parseMeasurements(plugin string, v any, path string) ([]Measurement, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, cfgErr(path, "must be an array, not %s", jsonType(v))
	}
	out := make([]Measurement, 0, len(a))
	for i, e := range a {
		p := fmt.Sprintf("%s[%d]", path, i)
		var ms Measurement
		switch e := e.(type) {
		case string:
			ms.Name = e
		case map[string]any:
			var unit string
			err := fields(e, p, map[string]func(any, string) error{
				"name":   str(&ms.Name),
				"rename": str(&ms.Rename),
				"unit":   str(&unit),
			})
			if err != nil {
				return nil, err
			}
			if ms.Name == "" {
				return nil, cfgErr(join(p, "name"), "is required")
			}
			if unit != "" {
				if !validUnit(metrics.StandardUnit(unit)) {
					return nil, cfgErr(join(p, "unit"), "unknown unit %q", unit)
				}
				ms.Unit = metrics.StandardUnit(unit)
			}
		default:
			return nil, cfgErr(p, "must be a name or an object, not %s", jsonType(e))
		}
		full, unit, ok := lookupMeasurement(plugin, ms.Name)
		if !ok {
			return nil, cfgErr(p, "unknown measurement %q", ms.Name)
		}
		ms.Name = full
		if ms.Unit == "" {
			ms.Unit = unit
		}
		out = append(out, ms)
	}
	return out, nil
}

func (mc *MetricsConfig) parseProcstat(v any, path string, agent AgentConfig) error {
	a, ok := v.([]any)
	if !ok {
		return cfgErr(path, "must be an array, not %s", jsonType(v))
	}
	for i, e := range a {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, err := object(e, p)
		if err != nil {
			return err
		}
		pc := ProcstatConfig{Interval: agent.MetricsCollectionInterval}
		err = fields(m, p, map[string]func(any, string) error{
			"pid_file": str(&pc.PidFile),
			"exe":      str(&pc.Exe),
			"pattern":  str(&pc.Pattern),
			"measurement": func(v any, p string) error {
				ms, err := parseMeasurements("procstat", v, p)
				pc.Measurements = ms
				return err
			},
			"metrics_collection_interval": seconds(&pc.Interval),
			"append_dimensions":           stringMap(&pc.AppendDimensions),
		})
		if err != nil {
			return err
		}
		switch {
		case pc.PidFile != "":
		case pc.Exe != "":
			if pc.exe, err = regexp.Compile(pc.Exe); err != nil {
				return cfgErr(join(p, "exe"), "invalid regular expression: %v", err)
			}
		case pc.Pattern != "":
			if pc.pattern, err = regexp.Compile(pc.Pattern); err != nil {
				return cfgErr(join(p, "pattern"), "invalid regular expression: %v", err)
			}
		default:
			return cfgErr(p, "needs one of pid_file, exe or pattern")
		}
		if len(pc.Measurements) == 0 {
			return cfgErr(join(p, "measurement"), "is required")
		}
		mc.Procstat = append(mc.Procstat, pc)
	}
	return nil
}

func (lc *LogsConfig) parse(v any, path string) error {
	m, err := object(v, path)
	if err != nil {
		return err
	}
	lc.LogStreamName = DefaultLogStreamName
	lc.ForceFlushInterval = DefaultLogsFlushInterval
	var collected any
	err = fields(m, path, map[string]func(any, string) error{
		"log_stream_name":      str(&lc.LogStreamName),
		"force_flush_interval": seconds(&lc.ForceFlushInterval),
		"logs_collected":       func(v any, p string) error { collected = v; return nil },
	})
	if err != nil {
		return err
	}
	if collected == nil {
		return cfgErr(join(path, "logs_collected"), "is required")
	}
	// logs_collected is read after the section's own keys: its entries
	// default to log_stream_name.
	p := join(path, "logs_collected")
	lcm, err := object(collected, p)
	if err != nil {
		return err
	}
	return fields(lcm, p, map[string]func(any, string) error{
		"files": func(v any, p string) error {
			fm, err := object(v, p)
			if err != nil {
				return err
			}
			if _, ok := fm["collect_list"]; !ok {
				return cfgErr(join(p, "collect_list"), "is required")
			}
			return fields(fm, p, map[string]func(any, string) error{
				"collect_list": lc.parseCollectList,
			})
		},
	})
}

// retentionValues are the retention_in_days values the guide lists (and
// PutRetentionPolicy takes).
var retentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (lc *LogsConfig) parseCollectList(v any, path string) error {
	a, ok := v.([]any)
	if !ok {
		return cfgErr(path, "must be an array, not %s", jsonType(v))
	}
	for i, e := range a {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, err := object(e, p)
		if err != nil {
			return err
		}
		f := LogFileConfig{LogStreamName: lc.LogStreamName, Timezone: "Local", Encoding: "utf-8"}
		err = fields(m, p, map[string]func(any, string) error{
			"file_path":       str(&f.FilePath),
			"log_group_name":  str(&f.LogGroupName),
			"log_stream_name": str(&f.LogStreamName),
			"timestamp_format": func(v any, p string) error {
				if err := str(&f.TimestampFormat)(v, p); err != nil {
					return err
				}
				ts, err := parseTimestampFormat(f.TimestampFormat)
				if err != nil {
					return cfgErr(p, "%v", err)
				}
				f.ts = ts
				return nil
			},
			"timezone": func(v any, p string) error {
				if err := str(&f.Timezone)(v, p); err != nil {
					return err
				}
				if f.Timezone != "Local" && f.Timezone != "UTC" {
					return cfgErr(p, "must be \"Local\" or \"UTC\", not %q", f.Timezone)
				}
				return nil
			},
			"multi_line_start_pattern": str(&f.MultiLineStartPattern),
			"encoding":                 str(&f.Encoding),
			"filters":                  func(v any, p string) error { return f.parseFilters(v, p) },
			"retention_in_days": func(v any, p string) error {
				n, err := integer(v, p)
				if err != nil {
					return err
				}
				// The wizard writes -1 for "never expire"; the guide says a
				// -1 has no effect.
				if n != -1 && n != 0 && !slices.Contains(retentionValues, n) {
					return cfgErr(p, "%d is not one of %v", n, retentionValues)
				}
				f.RetentionInDays = max(n, 0)
				return nil
			},
			"auto_removal":       boolean(&f.AutoRemoval),
			"publish_multi_logs": boolean(&f.PublishMultiLogs),
			"log_group_class": func(v any, p string) error {
				if err := str(&f.LogGroupClass)(v, p); err != nil {
					return err
				}
				switch strings.ToUpper(f.LogGroupClass) {
				case "STANDARD", "INFREQUENT_ACCESS":
					f.LogGroupClass = strings.ToUpper(f.LogGroupClass)
					return nil
				}
				return cfgErr(p, "must be STANDARD or INFREQUENT_ACCESS, not %q", f.LogGroupClass)
			},
		})
		if err != nil {
			return err
		}
		if f.FilePath == "" {
			return cfgErr(join(p, "file_path"), "is required")
		}
		if f.LogGroupName == "" {
			// "If you omit this field, the file path up to the final dot is
			// used as the log group name."
			f.groupDefaulted = true
			f.LogGroupName = f.FilePath
			if i := strings.LastIndex(f.FilePath, "."); i > 0 {
				f.LogGroupName = f.FilePath[:i]
			}
		}
		switch f.MultiLineStartPattern {
		case "":
		case "{timestamp_format}":
			if f.ts == nil {
				return cfgErr(join(p, "multi_line_start_pattern"), "{timestamp_format} needs timestamp_format")
			}
			f.multiLine = f.ts.re
		default:
			if f.multiLine, err = regexp.Compile(f.MultiLineStartPattern); err != nil {
				return cfgErr(join(p, "multi_line_start_pattern"), "invalid regular expression: %v", err)
			}
		}
		if f.enc, err = lookupEncoding(f.Encoding); err != nil {
			return cfgErr(join(p, "encoding"), "%v", err)
		}
		lc.Files = append(lc.Files, f)
	}
	return nil
}

func (f *LogFileConfig) parseFilters(v any, path string) error {
	a, ok := v.([]any)
	if !ok {
		return cfgErr(path, "must be an array, not %s", jsonType(v))
	}
	for i, e := range a {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, err := object(e, p)
		if err != nil {
			return err
		}
		var lf LogFilter
		if err := fields(m, p, map[string]func(any, string) error{"type": str(&lf.Type), "expression": str(&lf.Expression)}); err != nil {
			return err
		}
		if lf.Type != "include" && lf.Type != "exclude" {
			return cfgErr(join(p, "type"), "must be \"include\" or \"exclude\", not %q", lf.Type)
		}
		if lf.re, err = regexp.Compile(lf.Expression); err != nil {
			return cfgErr(join(p, "expression"), "invalid regular expression: %v", err)
		}
		f.Filters = append(f.Filters, lf)
	}
	return nil
}

// checkRetention enforces the guide's rule: "if different retention_in_days
// values are specified for the same log group in multiple places, the log
// retention will not be set and the agent will stop, returning an error".
func (lc *LogsConfig) checkRetention() error {
	seen := map[string]int{}
	for i, f := range lc.Files {
		if f.RetentionInDays == 0 {
			continue
		}
		if prev, ok := seen[f.LogGroupName]; ok && prev != f.RetentionInDays {
			return cfgErr(fmt.Sprintf("logs.logs_collected.files.collect_list[%d].retention_in_days", i),
				"log group %q has retention %d elsewhere, not %d", f.LogGroupName, prev, f.RetentionInDays)
		}
		seen[f.LogGroupName] = f.RetentionInDays
	}
	return nil
}

// encodings are the values the guide lists for encoding.
var encodings = []string{"ascii", "big5", "euc-jp", "euc-kr", "gbk", "gb18030", "ibm866", "iso2022-jp", "iso8859-2", "iso8859-3",
	"iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7", "iso8859-8", "iso8859-8-i", "iso8859-10", "iso8859-13", "iso8859-14",
	"iso8859-15", "iso8859-16", "koi8-r", "koi8-u", "macintosh", "shift_jis", "utf-8", "utf-16", "windows-874", "windows-1250",
	"windows-1251", "windows-1252", "windows-1253", "windows-1254", "windows-1255", "windows-1256", "windows-1257",
	"windows-1258", "x-mac-cyrillic"}

func lookupEncoding(name string) (encoding.Encoding, error) {
	n := strings.ToLower(name)
	if !slices.Contains(encodings, n) {
		return nil, fmt.Errorf("unknown encoding %q", name)
	}
	switch n {
	case "utf-8", "ascii":
		return nil, nil
	case "utf-16":
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), nil
	}
	e, err := htmlindex.Get(strings.Replace(n, "iso8859", "iso-8859", 1))
	if err != nil {
		return nil, fmt.Errorf("unknown encoding %q", name)
	}
	return e, nil
}
