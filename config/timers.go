package config

import (
	"context"
	"time"

	"github.com/localwatch/localwatch/clock"
)

// Timer names: unique among the service's pending timers, stable across
// restarts (a checkpoint re-arms each pending timer under its name).
const (
	timerRetention = "config: retention sweep"
	timerDaily     = "config: DAILY recording"
	timerSnapshot  = "config: snapshot delivery"
	timerHistory   = "config: history delivery"
	timerRulePfx   = "config: periodic rule " // + the rule's name
)

func ruleTimerName(rule string) string { return timerRulePfx + rule }

// timerArm records when a schedule was created and its creation order
// among the service's schedules. Schedules due at the same instant run in
// the order they were (re-)registered with the clock; a checkpoint needs
// this to re-arm them in that order on a clock that does not restore it
// itself (see restore in checkpoint.go).
type timerArm struct {
	at  time.Time
	seq int64
}

// armEvery creates a named schedule and records its timerArm. Callers hold
// s.mu, or run in New.
func (s *Service) armEvery(name string, period time.Duration, arm *timerArm, f func(at time.Time)) clock.Timer {
	s.timerSeq++
	*arm = timerArm{at: s.now(), seq: s.timerSeq}
	return clock.EveryNamed(s.op.Clock, name, period, f)
}

func (s *Service) armRetention() clock.Timer {
	return s.armEvery(timerRetention, 24*time.Hour, &s.retArm, func(at time.Time) { s.sweepRetention(at) })
}

func (s *Service) armDailyTimerLocked() clock.Timer {
	return s.armEvery(timerDaily, 24*time.Hour, &s.dailyArm, func(at time.Time) { s.flushDaily(at) })
}

func (s *Service) armSnapshotTimerLocked(d time.Duration) clock.Timer {
	return s.armEvery(timerSnapshot, d, &s.snapArm, func(at time.Time) { s.periodicSnapshot(at) })
}

func (s *Service) armHistoryLocked() clock.Timer {
	return s.armEvery(timerHistory, s.histEvery, &s.histArm, func(at time.Time) { s.deliverHistory(context.Background(), at) })
}

func (s *Service) armRuleLocked(name string, r *rule) clock.Timer {
	return s.armEvery(ruleTimerName(name), r.period, &r.arm, func(at time.Time) { s.runScheduled(name, at) })
}
