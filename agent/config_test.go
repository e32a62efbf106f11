package agent

import (
	"testing"
	"time"

	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigGuideLinuxExampleLoads(t *testing.T) {
	c, err := LoadConfig("testdata/guide_linux_complete.json")
	require.NoError(t, err)
	assert.Equal(t, 10*time.Second, c.Agent.MetricsCollectionInterval)
	assert.Equal(t, "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log", c.Agent.Logfile)
	m := c.Metrics
	require.NotNil(t, m)
	assert.Equal(t, "MyCustomNamespace", m.Namespace)
	assert.Equal(t, 30*time.Second, m.ForceFlushInterval)
	assert.Equal(t, [][]string{{"ImageId"}, {"InstanceId", "InstanceType"}, {"d1"}, {}}, m.AggregationDimensions)
	assert.Equal(t, "${aws:InstanceId}", m.AppendDimensions["InstanceId"])
	var names []string
	for _, p := range m.Collected {
		names = append(names, p.Plugin)
	}
	assert.Equal(t, []string{"cpu", "disk", "diskio", "mem", "net", "netstat", "processes", "swap"}, names)
	cpu := m.Collected[0]
	assert.False(t, cpu.TotalCPU)
	assert.Equal(t, []string{"*"}, cpu.Resources)
	assert.Equal(t, []Measurement{
		{Name: "cpu_usage_idle", Rename: "CPU_USAGE_IDLE", Unit: metrics.UnitPercent},
		{Name: "cpu_usage_nice", Unit: metrics.UnitPercent},
		{Name: "cpu_usage_guest", Unit: metrics.UnitPercent},
	}, cpu.Measurements)
	disk := m.Collected[1]
	assert.Equal(t, Measurement{Name: "disk_free", Rename: "DISK_FREE", Unit: metrics.UnitGigabytes}, disk.Measurements[0])
	assert.Equal(t, []string{"sysfs", "devtmpfs"}, disk.IgnoreFileSystemTypes)
	assert.Equal(t, 60*time.Second, disk.Interval)
	mem := m.Collected[3]
	assert.Equal(t, time.Second, mem.Interval)
	assert.Equal(t, "mem_used", mem.Measurements[0].Name)
	swap := m.Collected[7]
	assert.Equal(t, 10*time.Second, swap.Interval, "a section without its own interval takes the agent's")
	assert.Equal(t, "swap_used_percent", swap.Measurements[2].Name)
	assert.Equal(t, metrics.UnitPercent, swap.Measurements[2].Unit)

	l := c.Logs
	require.NotNil(t, l)
	assert.Equal(t, 15*time.Second, l.ForceFlushInterval)
	require.Len(t, l.Files, 2)
	assert.Equal(t, "amazon-cloudwatch-agent.log", l.Files[0].LogGroupName)
	assert.Equal(t, "UTC", l.Files[0].Timezone)
	assert.Equal(t, "Local", l.Files[1].Timezone)
}

func TestConfigGuideLogsExampleLoads(t *testing.T) {
	c, err := LoadConfig("testdata/guide_logs_filters.json")
	require.NoError(t, err)
	assert.Nil(t, c.Metrics)
	assert.Equal(t, 60*time.Second, c.Agent.MetricsCollectionInterval, "agent.metrics_collection_interval defaults to 60")
	f := c.Logs.Files
	require.Len(t, f, 2)
	assert.Equal(t, []string{"exclude", "include"}, []string{f[0].Filters[0].Type, f[0].Filters[1].Type})
	assert.Equal(t, 14, f[1].RetentionInDays)
	assert.True(t, f[1].AutoRemoval)
	assert.Equal(t, "INFREQUENT_ACCESS", f[1].LogGroupClass)
	assert.NotNil(t, f[1].multiLine, "{timestamp_format} uses the timestamp's expression")
	assert.NotNil(t, f[1].enc)
	assert.Equal(t, "{instance_id}-{hostname}", f[1].LogStreamName)
}

func TestConfigProcstatExampleLoads(t *testing.T) {
	c, err := LoadConfig("testdata/guide_procstat.json")
	require.NoError(t, err)
	p := c.Metrics.Procstat
	require.Len(t, p, 3)
	assert.Equal(t, "/var/run/example1.pid", p[0].PidFile)
	assert.Equal(t, "procstat_cpu_usage", p[0].Measurements[0].Name)
	assert.Equal(t, metrics.UnitPercent, p[0].Measurements[0].Unit)
	assert.Equal(t, "procstat_lookup_pid_count", p[1].Measurements[1].Name)
	assert.Equal(t, "-c", p[2].Pattern)
	assert.Equal(t, "CWAgent", c.Metrics.Namespace, "metrics.namespace defaults to CWAgent")
	assert.Equal(t, 60*time.Second, c.Metrics.ForceFlushInterval)
}

func TestConfigDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(`{"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"/tmp/TestLogFile.log.2017-07-11-14"}]}}}}`))
	require.NoError(t, err)
	f := c.Logs.Files[0]
	assert.Equal(t, "/tmp/TestLogFile.log", f.LogGroupName, "the file path up to the final dot is the default group")
	assert.Equal(t, "{instance_id}", f.LogStreamName)
	assert.Equal(t, "Local", f.Timezone)
	assert.Equal(t, "utf-8", f.Encoding)
	assert.Equal(t, 5*time.Second, c.Logs.ForceFlushInterval)
}

func TestConfigErrorsNameTheJSONPath(t *testing.T) {
	files := func(entry string) string {
		return `{"logs":{"logs_collected":{"files":{"collect_list":[` + entry + `]}}}}`
	}
	for _, tc := range []struct{ name, json, want string }{
		{"unknown measurement", `{"metrics":{"metrics_collected":{"cpu":{"measurement":["usage_idle","usage_user","cpu_foo"]}}}}`,
			`metrics.metrics_collected.cpu.measurement[2]: unknown measurement "cpu_foo"`},
		{"unknown unit", `{"metrics":{"metrics_collected":{"mem":{"measurement":[{"name":"used","unit":"Furlongs"}]}}}}`,
			`metrics.metrics_collected.mem.measurement[0].unit: unknown unit "Furlongs"`},
		{"measurement is required", `{"metrics":{"metrics_collected":{"mem":{}}}}`,
			`metrics.metrics_collected.mem.measurement: is required`},
		{"metrics_collected is required", `{"metrics":{"namespace":"X"}}`, `metrics.metrics_collected: is required`},
		{"unsupported plugin", `{"metrics":{"metrics_collected":{"statsd":{}}}}`,
			`metrics.metrics_collected.statsd: unknown or unsupported key`},
		{"unknown top-level key", `{"traces":{}}`, `traces: unknown or unsupported key`},
		{"interval must be positive", `{"agent":{"metrics_collection_interval":0}}`,
			`agent.metrics_collection_interval: must be a positive number of seconds, not 0`},
		{"interval must be a number", `{"agent":{"metrics_collection_interval":"60"}}`,
			`agent.metrics_collection_interval: must be a number, not a string`},
		{"cpu resources only *", `{"metrics":{"metrics_collected":{"cpu":{"resources":["cpu0"],"measurement":["usage_idle"]}}}}`,
			`metrics.metrics_collected.cpu.resources[0]: the only allowed value is "*", not "cpu0"`},
		{"append_dimensions keys", `{"metrics":{"append_dimensions":{"Foo":"bar"},"metrics_collected":{}}}`,
			`metrics.append_dimensions.Foo: unsupported dimension (only ImageId, InstanceId, InstanceType and AutoScalingGroupName)`},
		{"reserved namespace", `{"metrics":{"namespace":"AWS/EC2","metrics_collected":{}}}`,
			`metrics.namespace: namespace "AWS/EC2" is reserved for AWS`},
		{"procstat needs a selector", `{"metrics":{"metrics_collected":{"procstat":[{"measurement":["pid"]}]}}}`,
			`metrics.metrics_collected.procstat[0]: needs one of pid_file, exe or pattern`},
		{"file_path required", files(`{"log_group_name":"g"}`),
			`logs.logs_collected.files.collect_list[0].file_path: is required`},
		{"bad timezone", files(`{"file_path":"/a","timezone":"PST"}`),
			`logs.logs_collected.files.collect_list[0].timezone: must be "Local" or "UTC", not "PST"`},
		{"bad directive", files(`{"file_path":"/a","timestamp_format":"%Q"}`),
			`logs.logs_collected.files.collect_list[0].timestamp_format: unsupported directive "%Q" in timestamp_format "%Q"`},
		{"bad filter type", files(`{"file_path":"/a","filters":[{"type":"drop","expression":"x"}]}`),
			`logs.logs_collected.files.collect_list[0].filters[0].type: must be "include" or "exclude", not "drop"`},
		{"bad filter expression", files(`{"file_path":"/a","filters":[{"type":"include","expression":"("}]}`),
			"logs.logs_collected.files.collect_list[0].filters[0].expression: invalid regular expression"},
		{"bad retention", files(`{"file_path":"/a","retention_in_days":2}`),
			`logs.logs_collected.files.collect_list[0].retention_in_days: 2 is not one of`},
		{"conflicting retention", files(`{"file_path":"/a","log_group_name":"g","retention_in_days":3},{"file_path":"/b","log_group_name":"g","retention_in_days":7}`),
			`logs.logs_collected.files.collect_list[1].retention_in_days: log group "g" has retention 3 elsewhere, not 7`},
		{"bad encoding", files(`{"file_path":"/a","encoding":"ebcdic"}`),
			`logs.logs_collected.files.collect_list[0].encoding: unknown encoding "ebcdic"`},
		{"bad class", files(`{"file_path":"/a","log_group_class":"COLD"}`),
			`logs.logs_collected.files.collect_list[0].log_group_class: must be STANDARD or INFREQUENT_ACCESS, not "COLD"`},
		{"{timestamp_format} without one", files(`{"file_path":"/a","multi_line_start_pattern":"{timestamp_format}"}`),
			`logs.logs_collected.files.collect_list[0].multi_line_start_pattern: {timestamp_format} needs timestamp_format`},
		{"windows_events unsupported", `{"logs":{"logs_collected":{"windows_events":{}}}}`,
			`logs.logs_collected.windows_events: unknown or unsupported key`},
		{"not JSON", `{`, `$: not JSON`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.json))
			require.Error(t, err)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTimestampFormat(t *testing.T) {
	now := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, format, line string
		want               time.Time
	}{
		{"ISO with fraction", "%Y-%m-%d %H:%M:%S.%f", "x 2026-01-02 03:04:05.123 INFO", time.Date(2026, 1, 2, 3, 4, 5, 123e6, time.UTC)},
		{"guide example", "%H: %M: %S%y%b%-d", "12: 30: 4525Dec7 boot", time.Date(2025, 12, 7, 12, 30, 45, 0, time.UTC)},
		{"syslog without year takes the clock's", "%b %-d %H:%M:%S", "Feb 9 14:15:16 host sshd", time.Date(2026, 2, 9, 14, 15, 16, 0, time.UTC)},
		{"12-hour clock", "%-I:%M %p %d/%m/%Y", "at 3:07 PM 01/02/2026", time.Date(2026, 2, 1, 15, 7, 0, 0, time.UTC)},
		{"offset", "%d/%b/%Y:%H:%M:%S %z", `1.2.3.4 - - [10/Oct/2025:13:55:36 -0700] "GET /"`, time.Date(2025, 10, 10, 20, 55, 36, 0, time.UTC)},
		{"first of two wins", "%H:%M:%S", "01:02:03 then 04:05:06", time.Date(2026, 3, 4, 1, 2, 3, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tf, err := parseTimestampFormat(tc.format)
			require.NoError(t, err)
			got, ok := tf.parse(tc.line, now, time.UTC)
			require.True(t, ok)
			assert.True(t, tc.want.Equal(got), "got %v want %v", got, tc.want)
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"metrics":{"metrics_collected":{"cpu":{"measurement":["usage_idle"]}}}}`))
	f.Add([]byte(`{"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"/a","timestamp_format":"%Y"}]}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err == nil && c == nil {
			t.Fatal("nil config without error")
		}
	})
}

func FuzzTimestampFormat(f *testing.F) {
	f.Add("%Y-%m-%d %H:%M:%S.%f", "2026-01-02 03:04:05.123 x")
	f.Add("%b %-d %-I:%M %p %z", "Feb 9 3:07 PM -0700")
	f.Add("%y%b%-d %A %a %Z", "25Dec7 Monday Mon UTC")
	f.Fuzz(func(t *testing.T, format, line string) {
		tf, err := parseTimestampFormat(format)
		if err != nil {
			return
		}
		now := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
		if ts, ok := tf.parse(line, now, time.UTC); ok && ts.IsZero() {
			t.Fatalf("zero time from %q %q", format, line)
		}
	})
}
