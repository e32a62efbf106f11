package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/agent"
)

// startAgent runs a CloudWatch agent configuration file (-agent-config) on
// this host against the account: metrics into the Region the file's
// agent.region names (when served; else the first Region) and log files
// into its Logs. Its schedules run on the account's clock, inside Run. With
// -data, the offsets reached in the log files are kept in
// <data>/agent-state, so a restart neither repeats nor skips a line.
func startAgent(acct *localwatch.Account, s *settings, logger *slog.Logger) (*agent.Host, error) {
	cfg, err := agent.LoadConfig(s.agentConfig)
	if err != nil {
		return nil, err
	}
	region := acct.Regions()[0]
	if r := cfg.Agent.Region; r != "" {
		if !slices.Contains(acct.Regions(), r) {
			return nil, fmt.Errorf("%s: agent.region %q is not one of -regions %q", s.agentConfig, r, acct.Regions())
		}
		region = r
	}
	st := acct.Region(region)
	opts := agent.HostOptions{Clock: st.Clock, Bus: st.Bus, AccountID: st.AccountID, Region: st.Region, Logs: st.Logs}
	if s.data != "" {
		opts.StateDir = filepath.Join(s.data, "agent-state")
	}
	h, err := agent.NewHost(cfg, opts)
	if err != nil {
		return nil, err
	}
	h.Start()
	logger.Info("CloudWatch agent started", "config", s.agentConfig, "region", region)
	return h, nil
}
