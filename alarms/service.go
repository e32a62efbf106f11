package alarms

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/metrics"
)

// MetricSource answers the metric queries of alarm evaluations. metrics.Service
// implements it. Implementations must not modify the queries they are given
// (the alarms service reuses them across evaluations), and the alarms service
// does not keep the output beyond the call that evaluates it.
//
// An evaluation at time T (a minute boundary; a 10-second boundary for
// high-resolution alarms) covers StartTime T − (EvaluationPeriods+2)·Period to
// EndTime T, with ScanBy TimestampAscending; periods are expected to start at
// StartTime. Routine evaluations of single-metric alarms are batched: each
// tick sends one query per distinct series (metric, statistic, unit, period,
// range), with Ids q0, q1, …, in one GetMetricData call per evaluation range
// (up to 500 queries). When an alarm's state changes — and always for
// percentile alarms that ignore low samples — the alarm sends its own request
// with "m1" (its statistic) and "sc" (the SampleCount of the same metric) for
// StateReasonData. A metric-math alarm sends its Metrics as they are and reads
// the query whose ReturnData is true, plus, for anomaly-detection operators,
// the two results (lower and upper band) of its ThresholdMetricId.
type MetricSource interface {
	GetMetricData(ctx context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error)
}

// serviceContext carries the identity of CloudWatch itself, for the queries
// and actions of scheduled evaluations.
var serviceContext = identity.With(context.Background(), identity.Service("monitoring.amazonaws.com"))

// queryContext is serviceContext for the metric queries of evaluations, which
// CloudTrail does not log.
var queryContext = event.Unrecorded(serviceContext)

// MetricSourceFunc adapts a function to MetricSource (handy in tests).
type MetricSourceFunc func(ctx context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error)

// GetMetricData calls f.
func (f MetricSourceFunc) GetMetricData(ctx context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error) {
	return f(ctx, in)
}

// ActionKind classifies alarm actions by the service they invoke.
type ActionKind string

// The action kinds.
const (
	ActionSNS         ActionKind = "sns"         // arn:aws:sns:... topic: a notification on the bus
	ActionAutoScaling ActionKind = "autoscaling" // arn:aws:autoscaling:...:scalingPolicy:...
	ActionEC2         ActionKind = "ec2"         // arn:aws:automate:region:ec2:stop|terminate|reboot|recover
	ActionLambda      ActionKind = "lambda"      // arn:aws:lambda:...:function:...
	ActionSSM         ActionKind = "ssm"         // Systems Manager OpsItems and Incident Manager
)

// ActionRequest is what an action handler receives when an alarm action runs.
type ActionRequest struct {
	Kind ActionKind
	// ActionARN is the action as configured on the alarm.
	ActionARN string
	// EC2Action is stop, terminate, reboot or recover for ActionEC2.
	EC2Action string
	// InstanceID is the InstanceId dimension of the alarm's metric, if any (the
	// instance an EC2 action applies to).
	InstanceID string
	AlarmName  string
	AlarmArn   string
	OldState   StateValue
	NewState   StateValue
	Reason     string
	Time       time.Time
	// Message is the payload AWS sends the action: for Lambda actions the
	// alarm event a function receives ({"source": "aws.cloudwatch",
	// "alarmArn", "accountId", "time", "region", "alarmData": {...}}); for
	// every other action the alarm notification JSON an SNS topic gets.
	Message string
}

// ActionHandler performs an alarm action. Its error is recorded as a failed
// Action history item.
type ActionHandler func(ctx context.Context, req ActionRequest) error

// StateChange is published on the bus (and passed to OnStateChange hooks) for
// every state change of every alarm, metric or composite.
type StateChange struct {
	AlarmName       string
	AlarmArn        string
	AlarmType       AlarmType
	OldState        StateValue
	NewState        StateValue
	StateReason     string
	StateReasonData string
	Time            time.Time
}

// Options configures a Service. The zero value works: the real clock, no bus,
// random IDs, us-east-1, account 123456789012 and no metric source (alarms then
// see no data).
type Options struct {
	// Clock schedules evaluations and stamps history. Nil means the wall clock
	// (localwatch.RealClock{}); tests pass localwatch.NewManualClock(t0) and
	// drive evaluations with Advance.
	Clock clock.Clock
	// Bus carries the events the service publishes (event.APICall, StateChange,
	// event.Notification for SNS actions). Nil means no events; pass
	// new(localwatch.Bus), or the stack's, to connect CloudTrail and SNS.
	Bus *bus.Bus
	// IDs generates request and event IDs. Nil means random;
	// localwatch.NewIDSource(seed) makes them reproducible.
	IDs *ids.Source
	// Region defaults to "us-east-1"; AccountID to "123456789012". Both appear
	// in alarm ARNs and notifications.
	Region    string
	AccountID string
	// Metrics answers the alarms' metric queries; metrics.Service implements it.
	Metrics MetricSource
	// ActionHandlers run Auto Scaling, EC2, Lambda and Systems Manager actions.
	// SNS actions need no handler: they publish event.Notification on the bus.
	// An action without a handler is recorded as a failed Action.
	ActionHandlers map[ActionKind]ActionHandler
	// OnStateChange is called after every state change, outside the service's
	// lock. A hook that panics is recovered and reported to Logger; the other
	// hooks, the actions and the evaluation loop go on.
	OnStateChange func(StateChange)
	// Logger, when set, receives the panics of OnStateChange hooks (Error,
	// naming the hook's alarm) and the actions that failed (Warn). Nil
	// discards them.
	Logger *slog.Logger
	// Journal is set by localwatch.Account when its Options.DataDir is set;
	// leave nil.
	Journal op.Journal
	// States is set by localwatch.Account when its Options.DataDir is set;
	// collects the service's checkpoint hooks.
	States *op.States
}

// Service is an in-memory CloudWatch alarms service. It is safe for concurrent
// use.
type Service struct {
	op     op.Service // clock, bus, IDs, Region, account, logger, recorder, closed flag
	source MetricSource

	// mu guards everything below (the handlers, hooks, alarms, their history
	// and schedules, and the mute rules).
	mu       sync.Mutex
	handlers map[ActionKind]ActionHandler
	hooks    []*func(StateChange)

	alarms  map[string]*alarm
	names   []string            // sorted alarm names
	parents map[string][]string // alarm name -> composite alarms whose rule references it
	history []histEntry
	histSeq uint64
	lastSeq uint64    // scratch of describeAlarmHistory
	groups  [2]*group // standard (1 minute) and high-resolution (10 s) evaluation
	// suppressors counts composite alarms with an ActionsSuppressor (so state
	// changes need not look for them when there are none).
	suppressors int
	// muteRules are the alarm mute rules by name (mute.go).
	muteRules map[string]*muteRule
	// armSeq numbers the registrations of the service's timers (group
	// schedules and composite wait/extension timers), so that a checkpoint
	// can arm them again in the order they were registered (checkpoint.go).
	armSeq uint64
}

// nextArmSeqLocked answers the number of the timer registration happening now.
func (s *Service) nextArmSeqLocked() uint64 {
	s.armSeq++
	return s.armSeq
}

// group is the set of alarms evaluated at one cadence, driven by one clock
// schedule for all of them (not a timer per alarm).
type group struct {
	cadence time.Duration
	timer   clock.Timer
	seq     uint64 // armSeq of the registration of the schedule's pending timer
	members []*alarm
	run     sync.Mutex // serializes ticks, guards the scratch buffers below
	jobs    []job
	sc      scratch
	batch   []batchQuery
	index   map[string]int // batchKey -> index in batch
	order   []int
	in      metrics.GetMetricDataInput
	out     metrics.GetMetricDataOutput // reused by sources that answer into it
	ids     []string                    // "q0", "q1", ...: batch query Ids
}

// batchID returns the query Id of batch slot i ("q<i>"), built once.
func (g *group) batchID(i int) string {
	for len(g.ids) <= i {
		g.ids = append(g.ids, "q"+strconv.Itoa(len(g.ids)))
	}
	return g.ids[i]
}

// metricSourceInto is a MetricSource that can answer into a caller's output,
// reusing its memory (metrics.Service does); batches use it when offered.
type metricSourceInto interface {
	GetMetricDataInto(ctx context.Context, in metrics.GetMetricDataInput, out *metrics.GetMetricDataOutput) error
}

type job struct {
	a       *alarm
	c       *compiled
	q       *metrics.GetMetricDataInput
	prev    StateValue
	version uint64
	// snapshots taken under the lock
	autoScaling bool
	evalState   string
	key         string // batchKey of the alarm ("" when not batchable)
	batch       int    // index in group.batch, or -1
}

// batchQuery is one distinct statistic query of a tick: every single-metric
// alarm of the tick with the same metric, statistic, unit, period and range
// shares it, and queries with the same range share GetMetricData calls (up to
// 500 queries each). Its series is copied into group-owned buffers.
type batchQuery struct {
	q         metrics.MetricDataQuery
	rangeSec  int64
	points    int
	ts        []time.Time
	vs        []float64
	evalState string
}

// alarm is one alarm's definition and state.
type alarm struct {
	name, arn string
	typ       AlarmType
	version   uint64

	def      *PutMetricAlarmInput // metric alarms
	comp     *compiled
	query    *metrics.GetMetricDataInput
	group    int
	batchKey string // identity of its routine query and range, for batching

	cdef *PutCompositeAlarmInput // composite alarms
	rule *AlarmRule

	actionsEnabled  bool
	state           StateValue
	reason          string
	reasonData      string
	evaluationState string
	stateUpdated    time.Time
	transitioned    time.Time
	configUpdated   time.Time
	tags            []Tag
	hasAutoScaling  bool
	lastAutoScaling time.Time
	// prev is the state before the latest transition (the Lambda event's
	// previousState); resumed, while held-back composite actions are queued,
	// the suppression that held them.
	prev    prevState
	resumed *prevState

	// composite action suppression
	suppressedBy     ActionsSuppressedBy
	pendingOld       StateValue // the old state of the transition whose actions are suppressed
	suppressedReason string
	suppressorLeft   time.Time // when the suppressor last left ALARM
	waitTimer        clock.Timer
	// wait is what waitTimer's function needs, its due time and kind, while
	// it is pending (checkpoint.go arms it again from this).
	wait       *waitArm
	triggering []triggeringChild
}

type triggeringChild struct {
	arn   string
	state StateValue
	at    time.Time
}

// EventSource is the CloudTrail event source of the alarms service.
const EventSource = "monitoring.amazonaws.com"

// New returns a Service. Close stops its evaluation schedules.
func New(opts Options) *Service {
	s := &Service{
		source: opts.Metrics, handlers: map[ActionKind]ActionHandler{},
		alarms: map[string]*alarm{}, parents: map[string][]string{},
	}
	s.op.Init(op.Common{Clock: opts.Clock, Bus: opts.Bus, IDs: opts.IDs, Region: opts.Region, AccountID: opts.AccountID,
		Logger: opts.Logger, Journal: opts.Journal, States: opts.States}, "alarms", EventSource, "ServiceUnavailable")
	for k, h := range opts.ActionHandlers {
		s.handlers[k] = h
	}
	if opts.OnStateChange != nil {
		f := opts.OnStateChange
		s.hooks = append(s.hooks, &f)
	}
	s.groups[0] = &group{cadence: time.Minute}
	s.groups[1] = &group{cadence: 10 * time.Second}
	s.op.SetStateHooks(op.StateHooks{Save: s.saveState, Load: s.loadState})
	return s
}

// Close stops the evaluation schedules and pending action-suppression timers.
// After Close every operation answers awserr.Closed("ServiceUnavailable")
// (HTTP 503) and reads or changes nothing; Close is idempotent.
func (s *Service) Close() {
	s.op.MarkClosed()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.groups {
		if g.timer != nil {
			g.timer.Stop()
			g.timer = nil
		}
	}
	for _, a := range s.alarms {
		if a.waitTimer != nil {
			a.waitTimer.Stop()
			a.waitTimer = nil
		}
	}
}

// SetActionHandler registers (or, with nil, removes) the handler of one kind of
// alarm action.
func (s *Service) SetActionHandler(kind ActionKind, h ActionHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, kind)
		return
	}
	s.handlers[kind] = h
}

// OnStateChange registers f to be called after every alarm state change,
// outside the service's lock, and returns a function that removes it.
func (s *Service) OnStateChange(f func(StateChange)) (remove func()) {
	p := &f
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, p)
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.hooks = slices.DeleteFunc(s.hooks, func(q *func(StateChange)) bool { return q == p })
	}
}

func (s *Service) alarmARN(name string) string {
	return arn.New("cloudwatch", s.op.Region, s.op.AccountID, "alarm:"+name)
}

// resolve maps a name or alarm ARN of this account and region to a name.
func (s *Service) resolve(ref string) string {
	if a, err := arn.Parse(ref); err == nil && a.Service == "cloudwatch" {
		if name, ok := cutPrefix(a.Resource, "alarm:"); ok && a.Region == s.op.Region && a.AccountID == s.op.AccountID {
			return name
		}
	}
	return ref
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

// ---- scheduling ----

// joinGroupLocked adds a to its evaluation group, starting the group's schedule
// when it gets its first member.
func (s *Service) joinGroupLocked(a *alarm) {
	g := s.groups[a.group]
	g.members = append(g.members, a)
	if g.timer == nil && !s.op.Closed() {
		s.armGroupLocked(a.group)
	}
}

// groupTimerNames are the names of the groups' evaluation schedules.
var groupTimerNames = [2]string{"alarms/evaluate/60s", "alarms/evaluate/10s"}

// armGroupLocked starts the evaluation schedule of group gi.
func (s *Service) armGroupLocked(gi int) {
	g := s.groups[gi]
	g.seq = s.nextArmSeqLocked()
	g.timer = clock.EveryNamed(s.op.Clock, groupTimerNames[gi], g.cadence, func(at time.Time) { s.tick(gi, at) })
}

func (s *Service) leaveGroupLocked(a *alarm) {
	g := s.groups[a.group]
	if i := slices.Index(g.members, a); i >= 0 {
		g.members = slices.Delete(g.members, i, i+1)
	}
	if len(g.members) == 0 && g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
}

// tick evaluates every alarm of group gi at time at. The service lock is held
// only to snapshot the alarms and to apply transitions; metric queries and all
// deliveries happen outside it.
func (s *Service) tick(gi int, at time.Time) {
	g := s.groups[gi]
	g.run.Lock()
	defer g.run.Unlock()
	if !s.snapshotJobs(g) {
		return
	}

	// Evaluations query the metric source as CloudWatch itself, not as a
	// user, and CloudTrail does not log these queries.
	ctx := queryContext
	s.runBatches(ctx, g, at)
	var out *pending
	for i := range g.jobs {
		j := &g.jobs[i]
		// Routine evaluations query the statistic alone (batched, below); the
		// SampleCount series (for the low-sample rule and StateReasonData) is
		// queried only when needed: percentile alarms that ignore low
		// samples, and evaluations that change the state.
		full := j.c.lowSample > 0 || j.c.isMath
		var ev Evaluation
		var evalState string
		if j.batch >= 0 {
			b := &g.batch[j.batch]
			evalState = b.evalState
			if b.evalState == "EVALUATION_ERROR" {
				ev = Evaluation{State: j.prev}
			} else {
				ev = j.c.evaluateSeries(&g.sc, at, j.prev, b.ts, b.vs, false)
			}
		} else {
			ev, evalState = s.evaluateJob(ctx, g, j, at, full)
		}
		if ev.Changed && !full {
			ev, evalState = s.evaluateJob(ctx, g, j, at, true)
		}
		asRepeat := j.autoScaling && !ev.Changed
		if !ev.Changed && evalState == j.evalState && !asRepeat {
			continue
		}
		if out == nil {
			out = &pending{}
		}
		s.applyEvaluation(j, ev, evalState, asRepeat, at, out)
	}
	if out != nil {
		s.deliver(serviceContext, out) // actions are logged
	}
}

// snapshotJobs fills g.jobs with the group's alarms under the lock; false
// when the service is closed.
func (s *Service) snapshotJobs(g *group) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The schedule registered its next run just before this tick.
	g.seq = s.nextArmSeqLocked()
	if s.op.Closed() {
		return false
	}
	g.jobs = g.jobs[:0]
	for _, a := range g.members {
		g.jobs = append(g.jobs, job{a: a, c: a.comp, q: a.query, prev: a.state, version: a.version,
			autoScaling: a.hasAutoScaling, evalState: a.evaluationState, key: a.batchKey, batch: -1})
	}
	return true
}

// applyEvaluation applies one job's evaluation under the lock, unless the
// alarm changed meanwhile.
func (s *Service) applyEvaluation(j *job, ev Evaluation, evalState string, asRepeat bool, at time.Time, out *pending) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.alarms[j.a.name] == j.a && j.a.version == j.version {
		j.a.evaluationState = evalState
		if ev.Changed && j.a.state == j.prev {
			s.transitionLocked(j.a, ev.State, ev.Reason, ev.ReasonData, at, out)
		} else if asRepeat && j.a.state == j.prev {
			s.repeatAutoScalingLocked(j.a, at, out)
		}
	}
}

// buildQuery prepares the GetMetricData request of a metric alarm: for a
// single-metric alarm, the statistic and the SampleCount of the metric; for a
// math alarm, its Metrics as they are.
func buildQuery(def *PutMetricAlarmInput) *metrics.GetMetricDataInput {
	q := &metrics.GetMetricDataInput{ScanBy: metrics.ScanByTimestampAscending}
	if len(def.Metrics) > 0 {
		q.MetricDataQueries = slices.Clone(def.Metrics)
		for i := range q.MetricDataQueries {
			// The anomaly band must come back even if ReturnData says false.
			if q.MetricDataQueries[i].Id == def.ThresholdMetricId {
				q.MetricDataQueries[i].ReturnData = metrics.Bool(true)
			}
		}
		return q
	}
	m := metrics.Metric{Namespace: def.Namespace, MetricName: def.MetricName, Dimensions: def.Dimensions}
	stat := string(def.Statistic)
	if def.ExtendedStatistic != "" {
		stat = def.ExtendedStatistic
	}
	q.MetricDataQueries = []metrics.MetricDataQuery{
		{Id: "m1", MetricStat: &metrics.MetricStat{Metric: m, Period: def.Period, Stat: stat, Unit: def.Unit}, ReturnData: metrics.Bool(true)},
		{Id: "sc", MetricStat: &metrics.MetricStat{Metric: m, Period: def.Period, Stat: string(metrics.StatSampleCount), Unit: def.Unit}, ReturnData: metrics.Bool(true)},
	}
	return q
}

// evaluateJob queries the metric source for a job's evaluation range and
// evaluates the answer. evalState is PARTIAL_DATA or EVALUATION_ERROR when the
// source said so; on an error the state is kept.
func (s *Service) evaluateJob(ctx context.Context, g *group, j *job, at time.Time, full bool) (Evaluation, string) {
	if s.source == nil {
		return j.c.evaluate(&g.sc, at, j.prev, nil, false), ""
	}
	end := at
	if at.Nanosecond() != 0 || at.Unix()%int64(j.c.cadence/time.Second) != 0 {
		end = at.Truncate(j.c.cadence)
	}
	in := *j.q
	in.StartTime, in.EndTime = end.Add(-time.Duration(j.c.rangeLen*j.c.period)*time.Second), end
	if !full && !j.c.isMath {
		in.MetricDataQueries = in.MetricDataQueries[:1] // the statistic without SampleCount
	}
	out, err := s.source.GetMetricData(ctx, in)
	if err != nil || out == nil {
		return Evaluation{State: j.prev}, "EVALUATION_ERROR"
	}
	evalState := ""
	for i := range out.MetricDataResults {
		if out.MetricDataResults[i].StatusCode == metrics.StatusPartialData {
			evalState = "PARTIAL_DATA"
		}
	}
	return j.c.evaluateOutput(&g.sc, at, j.prev, out, false), evalState
}

func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		match := true
		for k := 0; k < n; k++ {
			a, b := s[i+k], sub[k]
			if 'A' <= a && a <= 'Z' {
				a += 'a' - 'A'
			}
			if a != b {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// Batch limits: GetMetricData takes up to 500 queries; keeping each call well
// under its 100,800-datapoint page avoids pagination.
const (
	batchMaxQueries = metrics.MaxMetricDataQueries
	batchMaxPoints  = 100000
)

// batchKeyOf identifies a single-metric alarm's routine query and range:
// alarms with equal keys evaluate the same series.
func batchKeyOf(def *PutMetricAlarmInput, c *compiled) string {
	if c.isMath || c.lowSample > 0 {
		return ""
	}
	dims := slices.Clone(def.Dimensions)
	slices.SortFunc(dims, func(a, b metrics.Dimension) int { return strings.Compare(a.Name, b.Name) })
	var b strings.Builder
	b.WriteString(def.Namespace)
	b.WriteByte(0)
	b.WriteString(def.MetricName)
	for _, d := range dims {
		b.WriteByte(0)
		b.WriteString(d.Name)
		b.WriteByte('=')
		b.WriteString(d.Value)
	}
	b.WriteByte(0)
	b.WriteString(string(def.Statistic))
	b.WriteString(def.ExtendedStatistic)
	b.WriteByte(0)
	b.WriteString(string(def.Unit))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(c.period))
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(c.rangeLen * c.period))
	return b.String()
}

// runBatches answers the routine queries of a tick's single-metric alarms with
// as few GetMetricData calls as possible: one distinct query per distinct
// series, grouped by evaluation range, up to 500 queries per call.
func (s *Service) runBatches(ctx context.Context, g *group, at time.Time) {
	g.batch = g.batch[:0]
	if g.index == nil {
		g.index = map[string]int{}
	}
	clear(g.index)
	if s.source == nil {
		return
	}
	for i := range g.jobs {
		j := &g.jobs[i]
		if j.key == "" {
			continue
		}
		idx, ok := g.index[j.key]
		if !ok {
			idx = len(g.batch)
			q := j.q.MetricDataQueries[0]
			q.Id = g.batchID(idx)
			g.batch = append(g.batch, batchQuery{q: q, rangeSec: int64(j.c.rangeLen * j.c.period), points: j.c.rangeLen,
				ts: g.batchTS(idx), vs: g.batchVS(idx)})
			g.index[j.key] = idx
		}
		j.batch = idx
	}
	if len(g.batch) == 0 {
		return
	}
	end := at
	if at.Nanosecond() != 0 || at.Unix()%int64(g.cadence/time.Second) != 0 {
		end = at.Truncate(g.cadence)
	}
	g.order = g.order[:0]
	for i := range g.batch {
		g.order = append(g.order, i)
	}
	slices.SortStableFunc(g.order, func(a, b int) int { return cmpInt64(g.batch[a].rangeSec, g.batch[b].rangeSec) })
	for lo := 0; lo < len(g.order); {
		rangeSec := g.batch[g.order[lo]].rangeSec
		hi, points := lo, 0
		for hi < len(g.order) && g.batch[g.order[hi]].rangeSec == rangeSec && hi-lo < batchMaxQueries &&
			(hi == lo || points+g.batch[g.order[hi]].points <= batchMaxPoints) {
			points += g.batch[g.order[hi]].points
			hi++
		}
		s.runBatch(ctx, g, g.order[lo:hi], end.Add(-time.Duration(rangeSec)*time.Second), end)
		lo = hi
	}
}

func (s *Service) runBatch(ctx context.Context, g *group, idxs []int, start, end time.Time) {
	in := &g.in
	in.MetricDataQueries = in.MetricDataQueries[:0]
	for _, i := range idxs {
		in.MetricDataQueries = append(in.MetricDataQueries, g.batch[i].q)
	}
	in.StartTime, in.EndTime, in.ScanBy, in.NextToken = start, end, metrics.ScanByTimestampAscending, ""
	into, reuse := s.source.(metricSourceInto)
	for page := 0; ; page++ {
		var out *metrics.GetMetricDataOutput
		var err error
		if reuse {
			// The answer is copied into the batch slots before the next call.
			err, out = into.GetMetricDataInto(ctx, *in, &g.out), &g.out
		} else {
			out, err = s.source.GetMetricData(ctx, *in)
		}
		if err != nil || out == nil {
			for _, i := range idxs {
				g.batch[i].evalState = "EVALUATION_ERROR"
			}
			return
		}
		for r := range out.MetricDataResults {
			res := &out.MetricDataResults[r]
			if len(res.Id) < 2 || res.Id[0] != 'q' {
				continue
			}
			i, err := strconv.Atoi(res.Id[1:])
			if err != nil || i < 0 || i >= len(g.batch) {
				continue
			}
			b := &g.batch[i]
			n := min(len(res.Timestamps), len(res.Values))
			b.ts = append(b.ts, res.Timestamps[:n]...)
			b.vs = append(b.vs, res.Values[:n]...)
			if res.StatusCode == metrics.StatusPartialData && out.NextToken == "" {
				b.evalState = "PARTIAL_DATA"
			}
		}
		if out.NextToken == "" || page > 100 {
			return
		}
		in.NextToken = out.NextToken
	}
}

// batchTS and batchVS hand out the reusable series buffers of batch slot i.
func (g *group) batchTS(i int) []time.Time {
	if i < cap(g.batch) {
		if old := g.batch[:cap(g.batch)][i].ts; old != nil {
			return old[:0]
		}
	}
	return nil
}

func (g *group) batchVS(i int) []float64 {
	if i < cap(g.batch) {
		if old := g.batch[:cap(g.batch)][i].vs; old != nil {
			return old[:0]
		}
	}
	return nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ErrClosed is the error every operation answers after Close
// (errors.Is(err, ErrClosed)).
var ErrClosed = awserr.Sentinel("ServiceUnavailable")
