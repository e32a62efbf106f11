package insightrules

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
)

var ckT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// ckLogs is a LogSource the two services of a test share: the events are
// the logs service's state, not this one's.
type ckLogs struct{ events map[string][]LogEvent }

func (l *ckLogs) put(group string, ingested time.Time, ts time.Time, msg string) {
	l.events[group] = append(l.events[group], LogEvent{Timestamp: ts.UnixMilli(), IngestionTime: ingested.UnixMilli(), Message: msg})
}

func (l *ckLogs) LogGroupNames(context.Context) ([]string, error) {
	var out []string
	for g := range l.events {
		out = append(out, g)
	}
	return out, nil
}

func (l *ckLogs) LogEvents(_ context.Context, g string, start, end int64) iter.Seq2[LogEvent, error] {
	return func(yield func(LogEvent, error) bool) {
		for _, e := range l.events[g] {
			if e.Timestamp >= start && e.Timestamp < end && !yield(e, nil) {
				return
			}
		}
	}
}

type ckService struct {
	clk   *clock.Manual
	ids   *ids.Source
	s     *Service
	hooks op.StateHooks
}

func newCkService(t *testing.T, logs LogSource) *ckService {
	t.Helper()
	c := &ckService{clk: clock.NewManual(ckT0), ids: ids.New(11)}
	states := &op.States{}
	c.s = New(Options{Clock: c.clk, IDs: c.ids, Bus: &bus.Bus{}, Region: "eu-west-1", AccountID: "111122223333", Logs: logs, States: states})
	t.Cleanup(c.s.Close)
	h, err := states.Hooks(op.StateKey{Name: "insightrules", Region: "eu-west-1"})
	require.NoError(t, err)
	c.hooks = h
	return c
}

const ckSumRule = `{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": ["api-*"], "LogFormat": "JSON",
 "Contribution": {"Keys": ["$.ip"], "ValueOf": "$.bytes", "Filters": [{"Match": "$.method", "In": ["PUT", "POST"]}]}, "AggregateOn": "Sum"}`

func ckCountRule(groups string, key string) string {
	return `{"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "LogGroupNames": [` + groups + `], "LogFormat": "JSON",
 "Contribution": {"Keys": ["` + key + `"]}, "AggregateOn": "Count"}`
}

// ckView is every answer a read gives.
type ckView struct {
	Rules   []InsightRule
	Page    *DescribeInsightRulesOutput
	Tags    map[string][]Tag
	Reports map[string][]*GetInsightRuleReportOutput
	Missing string
}

func (c *ckService) view(t *testing.T) ckView {
	t.Helper()
	v := ckView{Tags: map[string][]Tag{}, Reports: map[string][]*GetInsightRuleReportOutput{}}
	for r, err := range c.s.DescribeInsightRulesAll(context.Background(), DescribeInsightRulesInput{}) {
		require.NoError(t, err)
		v.Rules = append(v.Rules, r)
	}
	two := int32(2)
	p, err := c.s.DescribeInsightRules(context.Background(), DescribeInsightRulesInput{MaxResults: &two})
	require.NoError(t, err)
	v.Page = p
	for _, r := range v.Rules {
		v.Tags[r.Name] = c.s.Tags(r.Name)
		for _, order := range []string{"", "Maximum"} {
			rep, err := c.s.GetInsightRuleReport(context.Background(), GetInsightRuleReportInput{RuleName: r.Name, StartTime: ckT0.Add(-time.Hour),
				EndTime: ckT0.Add(3 * time.Hour), Period: 60, Metrics: reportMetrics, OrderBy: order})
			require.NoError(t, err)
			v.Reports[r.Name] = append(v.Reports[r.Name], rep)
		}
	}
	_, err = c.s.GetInsightRuleReport(context.Background(), GetInsightRuleReportInput{RuleName: "gone", StartTime: ckT0, EndTime: ckT0.Add(time.Hour), Period: 60})
	require.Error(t, err)
	v.Missing = err.Error()
	return v
}

// ingest puts events in the groups at now: requests from two IPs.
func ingest(l *ckLogs, now time.Time, n int) {
	for i := range n {
		ts := now.Add(-time.Duration(i) * time.Second)
		l.put("api-1", now, ts, fmt.Sprintf(`{"ip": "10.0.0.%d", "method": "PUT", "bytes": %d}`, i%2, 100+i))
		l.put("api-2", now, ts, fmt.Sprintf(`{"ip": "10.0.1.%d", "method": "GET", "bytes": %d}`, i%3, 10+i))
		l.put("g", now, ts, fmt.Sprintf(`{"ip": "10.0.2.%d"}`, i%2))
	}
}

func TestCheckpointRestoresEveryRule(t *testing.T) {
	logs := &ckLogs{events: map[string][]LogEvent{}}
	a := newCkService(t, logs)
	yes, no := true, false
	step := func(d time.Duration, events int) {
		a.clk.Advance(d)
		ingest(logs, a.clk.Now(), events)
	}
	put := func(in PutInsightRuleInput) {
		_, err := a.s.PutInsightRule(context.Background(), in)
		require.NoError(t, err)
	}
	step(time.Minute, 3) // before every rule: never counts
	put(PutInsightRuleInput{RuleName: "bytes", RuleDefinition: ckSumRule, Tags: []Tag{{"env", "prod"}, {"team", "a"}}, ApplyOnTransformedLogs: &yes})
	put(PutInsightRuleInput{RuleName: "count", RuleDefinition: ckCountRule(`"g"`, "$.ip"), RuleState: StateDisabled, Tags: []Tag{}, ApplyOnTransformedLogs: &no})
	put(PutInsightRuleInput{RuleName: "toggle", RuleDefinition: ckCountRule(`"api-*", "g"`, "$.ip")})
	put(PutInsightRuleInput{RuleName: "updated", RuleDefinition: ckCountRule(`"g"`, "$.ip"), Tags: []Tag{{"k", "v"}}})
	put(PutInsightRuleInput{RuleName: "gone", RuleDefinition: ckSumRule})
	step(time.Minute+250*time.Millisecond, 4)
	_, err := a.s.DisableInsightRules(context.Background(), DisableInsightRulesInput{RuleNames: []string{"toggle", "nope"}})
	require.NoError(t, err)
	step(time.Minute, 5) // toggle off: these do not count for it
	_, err = a.s.EnableInsightRules(context.Background(), EnableInsightRulesInput{RuleNames: []string{"toggle"}})
	require.NoError(t, err)
	step(time.Minute, 2)
	_, err = a.s.DisableInsightRules(context.Background(), DisableInsightRulesInput{RuleNames: []string{"toggle"}})
	require.NoError(t, err)
	step(time.Minute, 3)
	_, err = a.s.EnableInsightRules(context.Background(), EnableInsightRulesInput{RuleNames: []string{"toggle"}})
	require.NoError(t, err) // toggle: two closed spans and an open one
	put(PutInsightRuleInput{RuleName: "updated", RuleDefinition: ckCountRule(`"api-*"`, "$.method"), RuleState: StateDisabled, Tags: []Tag{{"ignored", "x"}}})
	_, err = a.s.DeleteInsightRules(context.Background(), DeleteInsightRulesInput{RuleNames: []string{"gone"}})
	require.NoError(t, err)
	step(time.Minute, 4)
	// No call makes a managed rule here (no resource has templates); the
	// state has the flag all the same.
	put(PutInsightRuleInput{RuleName: "managed", RuleDefinition: ckCountRule(`"api-1"`, "$.ip")})
	a.s.mu.Lock()
	a.s.rules["managed"].managed = true
	a.s.mu.Unlock()
	step(30*time.Second, 2)

	var buf bytes.Buffer
	require.NoError(t, a.hooks.Save(&buf))
	saved := bytes.Clone(buf.Bytes())

	b := newCkService(t, logs)
	pos, err := a.ids.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, b.ids.UnmarshalBinary(pos))
	b.clk.Set(a.clk.Now())
	require.NoError(t, b.hooks.Load(bytes.NewReader(saved)))

	va := a.view(t)
	require.Len(t, va.Rules, 5)
	require.NotNil(t, va.Tags["count"], "an empty tag list stays empty, not nil")
	require.Nil(t, va.Tags["toggle"])
	require.NotEmpty(t, va.Reports["toggle"][0].Contributors)
	require.Equal(t, va, b.view(t))

	var again bytes.Buffer
	require.NoError(t, b.hooks.Save(&again))
	require.Equal(t, saved, again.Bytes(), "a loaded service saves the same bytes")

	// The same further calls on both give the same answers.
	for _, c := range []*ckService{a, b} {
		c.clk.Advance(time.Minute)
		_, err := c.s.DisableInsightRules(context.Background(), DisableInsightRulesInput{RuleNames: []string{"bytes", "managed"}})
		require.NoError(t, err)
		_, err = c.s.EnableInsightRules(context.Background(), EnableInsightRulesInput{RuleNames: []string{"count", "updated"}})
		require.NoError(t, err)
		_, err = c.s.PutInsightRule(context.Background(), PutInsightRuleInput{RuleName: "new", RuleDefinition: ckSumRule, Tags: []Tag{{"n", "1"}}})
		require.NoError(t, err)
		_, err = c.s.PutInsightRule(context.Background(), PutInsightRuleInput{RuleName: "toggle", RuleDefinition: ckCountRule(`"api-*"`, "$.method")})
		require.NoError(t, err)
	}
	ingest(logs, a.clk.Now(), 6)
	for _, c := range []*ckService{a, b} {
		c.clk.Advance(time.Minute)
		_, err := c.s.DisableInsightRules(context.Background(), DisableInsightRulesInput{RuleNames: []string{"count"}})
		require.NoError(t, err)
		_, err = c.s.DeleteInsightRules(context.Background(), DeleteInsightRulesInput{RuleNames: []string{"updated"}})
		require.NoError(t, err)
	}
	ingest(logs, a.clk.Now(), 3)
	require.Equal(t, a.view(t), b.view(t))
	pa, _ := a.ids.MarshalBinary()
	pb, _ := b.ids.MarshalBinary()
	require.Equal(t, pa, pb, "the ID sources drew the same")
}

func TestCheckpointOfNoRules(t *testing.T) {
	logs := &ckLogs{events: map[string][]LogEvent{}}
	a := newCkService(t, logs)
	var buf bytes.Buffer
	require.NoError(t, a.hooks.Save(&buf))
	b := newCkService(t, logs)
	require.NoError(t, b.hooks.Load(&buf))
	require.Equal(t, a.view(t), b.view(t))
}

func TestCheckpointLoadRejectsBadData(t *testing.T) {
	a := newCkService(t, nil)
	for _, n := range []string{"x", "y"} {
		_, err := a.s.PutInsightRule(context.Background(), PutInsightRuleInput{RuleName: n, RuleDefinition: ckSumRule, Tags: []Tag{{"k", n}}})
		require.NoError(t, err)
	}
	var buf bytes.Buffer
	require.NoError(t, a.hooks.Save(&buf))
	good := buf.Bytes()

	bad := map[string][]byte{
		"empty":         nil,
		"wrong version": append([]byte{99}, good[1:]...),
		"garbage":       []byte("\x01not cbor at all"),
		"trailing data": append(bytes.Clone(good), 0x00),
		"not a state":   {checkpointVersion, 0x01},
	}
	for n := 1; n < len(good); n += 1 + len(good)/40 {
		bad[fmt.Sprintf("truncated at %d", n)] = good[:n]
	}
	for name, data := range bad {
		t.Run(name, func(t *testing.T) {
			b := newCkService(t, nil)
			require.Error(t, b.hooks.Load(bytes.NewReader(data)))
			require.Empty(t, b.view(t).Rules, "a failed load changes nothing")
		})
	}
	ok := ckRule{Name: "a", Body: ckSumRule, State: StateEnabled}
	with := func(f func(r *ckRule)) ckRule { r := ok; f(&r); return r }
	for name, st := range map[string]ckState{
		"a bad name":         {Rules: []ckRule{with(func(r *ckRule) { r.Name = "" })}},
		"a duplicate":        {Rules: []ckRule{ok, ok}},
		"a bad state":        {Rules: []ckRule{with(func(r *ckRule) { r.State = "ON" })}},
		"a bad body":         {Rules: []ckRule{with(func(r *ckRule) { r.Body = "{}" })}},
		"nil tags with some": {Rules: []ckRule{with(func(r *ckRule) { r.TagsNil, r.Tags = true, []Tag{{"k", "v"}} })}},
	} {
		t.Run(name, func(t *testing.T) {
			var w bytes.Buffer
			w.WriteByte(checkpointVersion)
			require.NoError(t, cbor.NewEncoder(&w).Encode(st))
			b := newCkService(t, nil)
			require.Error(t, b.hooks.Load(&w))
		})
	}
}
