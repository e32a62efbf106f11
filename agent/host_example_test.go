package agent_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/agent"
	"github.com/localwatch/localwatch/logs"
)

// A CloudWatch agent configuration file run against a stack on a manual
// clock: the log file's lines arrive in CloudWatch Logs, the Java stack
// trace as one event.
func ExampleHost() {
	dir, _ := os.MkdirTemp("", "agent-example")
	defer os.RemoveAll(dir)
	logFile := filepath.Join(dir, "app.log")
	os.WriteFile(logFile, []byte("2026-01-01 00:00:01 INFO started\n"+
		"2026-01-01 00:00:02 ERROR failed\n\tat App.main(App.java:3)\n"), 0o644)
	cfg, err := agent.ParseConfig([]byte(`{"logs": {"logs_collected": {"files": {"collect_list": [{
		"file_path": "` + logFile + `", "log_group_name": "app", "log_stream_name": "{hostname}",
		"timestamp_format": "%Y-%m-%d %H:%M:%S", "timezone": "UTC",
		"multi_line_start_pattern": "{timestamp_format}"}]}}}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := localwatch.NewManualClock(time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC))
	stack := localwatch.New(localwatch.Options{Clock: c})
	defer stack.Close()
	h, _ := agent.NewHost(cfg, agent.HostOptions{Clock: c, Bus: stack.Bus, Logs: stack.Logs,
		Hostname: "web-1", StateDir: filepath.Join(dir, "state")})
	h.Start()
	c.Advance(10 * time.Second)
	h.Close()
	out, _ := stack.Logs.GetLogEvents(context.Background(), logs.GetLogEventsInput{
		LogGroupName: "app", LogStreamName: "web-1", StartFromHead: new(true)})
	for _, e := range out.Events {
		fmt.Printf("%s %q\n", time.UnixMilli(e.Timestamp).UTC().Format(time.TimeOnly), e.Message)
	}
	// Output:
	// 00:00:01 "2026-01-01 00:00:01 INFO started"
	// 00:00:02 "2026-01-01 00:00:02 ERROR failed\n\tat App.main(App.java:3)"
}
