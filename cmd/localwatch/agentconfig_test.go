package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
)

func TestAgentConfigFlagRunsTheAgent(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "app.log")
	require.NoError(t, os.WriteFile(logFile, []byte("started\n"), 0o644))
	cfgFile := filepath.Join(dir, "agent.json")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"agent":{"region":"eu-west-1"},
		"metrics":{"metrics_collected":{"mem":{"measurement":["mem_used_percent"]}}},
		"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"`+logFile+`","log_group_name":"app","log_stream_name":"s"}]}}}}`), 0o644))
	s, err := parseFlags([]string{"-agent-config", cfgFile, "-regions", "us-east-1,eu-west-1", "-data", dir}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, cfgFile, s.agentConfig)

	c := localwatch.NewManualClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: c, Regions: s.regions})
	require.NoError(t, err)
	defer acct.Close()
	h, err := startAgent(acct, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	c.Advance(2 * time.Minute)
	require.NoError(t, h.Close())

	eu := acct.Region("eu-west-1")
	out, err := eu.Logs.GetLogEvents(context.Background(), logs.GetLogEventsInput{LogGroupName: "app", LogStreamName: "s", StartFromHead: new(true)})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	assert.Equal(t, "started", out.Events[0].Message)
	lm, err := eu.Metrics.ListMetrics(context.Background(), metrics.ListMetricsInput{Namespace: "CWAgent", MetricName: "mem_used_percent"})
	require.NoError(t, err)
	assert.NotEmpty(t, lm.Metrics, "host metrics land in the Region agent.region names")
	_, err = os.Stat(filepath.Join(dir, "agent-state"))
	assert.NoError(t, err, "offsets kept under -data")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"metrics":{"metrics_collected":{"cpu":{"measurement":["cpu_foo"]}}}}`), 0o644))
	s.agentConfig = bad
	_, err = startAgent(acct, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	assert.ErrorContains(t, err, `metrics.metrics_collected.cpu.measurement[0]: unknown measurement "cpu_foo"`)
}
