package config

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/objstore"
)

// EventSource is the CloudTrail event source of Config's API calls.
const EventSource = "config.amazonaws.com"

// ItemVersion is the configuration item version this package produces.
const ItemVersion = "1.3"

// Limits AWS documents for Config.
const (
	DefaultRetentionDays = 2557 // seven years
	MinRetentionDays     = 30
	MaxRetentionDays     = 2557
	// MaxConfigRules is the per-region quota on Config rules.
	MaxConfigRules = 1000
	// MaxSNSMessageBytes is the SNS message size above which Config sends an
	// OversizedConfigurationItemChangeNotification instead.
	MaxSNSMessageBytes = 256 * 1024
)

// Options configures a [Service]. The zero value works.
type Options struct {
	// Clock drives capture times, DAILY recording, periodic rules, snapshot
	// delivery and retention. Nil means the wall clock
	// (localwatch.RealClock{}); tests pass localwatch.NewManualClock(t0).
	Clock clock.Clock
	// Bus carries the events the service publishes (event.APICall,
	// event.Notification, ChangeEvent) and the API calls it links to
	// configuration items as related events. Nil means no events; pass
	// new(localwatch.Bus), or the bus the other services use.
	Bus *bus.Bus
	// IDs is the source of request, snapshot and result-token IDs. Nil means
	// random; localwatch.NewIDSource(seed) makes them reproducible.
	IDs *ids.Source
	// Region defaults to "us-east-1"; AccountID to "123456789012".
	Region    string
	AccountID string
	// Store is the object store delivery channels deliver to (nil: an
	// in-memory store, reachable with [Service.Store]).
	Store objstore.Store
	// HistoryDeliveryInterval is how often configuration history files are
	// delivered to the channel's bucket (AWS: "every six hours", which it
	// does not guarantee). Zero means 6 hours; negative disables them; a
	// positive value below MinHistoryDeliveryInterval is raised to it (a
	// nanosecond would make every millisecond of simulated time cost a
	// delivery).
	HistoryDeliveryInterval time.Duration
	// Journal is set by localwatch.Account when its Options.DataDir is set;
	// leave nil.
	Journal op.Journal
	// States is set by localwatch.Account when its Options.DataDir is set;
	// collects the service's checkpoint hooks. Leave nil.
	States *op.States
}

// MinHistoryDeliveryInterval is the shortest Options.HistoryDeliveryInterval.
const MinHistoryDeliveryInterval = time.Minute

// Service is AWS Config for one account and region. Create it with [New]; all
// methods are safe for concurrent use.
type Service struct {
	// op holds the clock, bus, IDs, Region, account and journal, records
	// the Service's API calls and refuses calls after Close.
	op    op.Service
	store objstore.Store

	// mu guards every field below.
	mu sync.Mutex
	// recorder and channel: at most one of each, as in AWS.
	recorder      *ConfigurationRecorder
	recorderState ConfigurationRecorderStatus
	channel       *DeliveryChannel
	channelState  DeliveryChannelStatus
	snapTimer     clock.Timer
	histTimer     clock.Timer
	histEvery     time.Duration
	histFrom      time.Time            // start of the next history window
	histRetry     map[string]time.Time // per resource type: start of an undelivered window
	dailyTimer    clock.Timer
	retention     *RetentionConfiguration
	retTimer      clock.Timer
	// snapArm, histArm, dailyArm, retArm: when and in which order (timerSeq)
	// each schedule above was created, for checkpoints (see armEvery).
	snapArm, histArm, dailyArm, retArm timerArm
	timerSeq                           int64

	resources map[ResourceKey]*resource
	byID      map[string][]ResourceKey // resource ID -> keys, to link API calls
	byARN     map[string]ResourceKey
	known     atomic.Bool // some resource was declared: API calls may name one

	declaredTypes map[string]bool // types of the resources declared

	rules     map[string]*rule
	ruleSeq   int
	functions map[string]RuleFunction
	tokens    map[string]string // result token -> rule name
	tokenList []string

	remediations map[string]RemediationConfiguration // by rule name

	unsubscribe func()
	closed      bool // set by Close (op.Closed is the same, readable without mu)
}

// doThen is op.Do for an operation that leaves work for after its call is
// recorded: the notifications, deliveries and rule evaluations that follow
// it, and that AWS sends after the call, so that the call's record precedes
// what it causes on the bus. The core sets *then; it runs, with the ctx the
// core was given and still inside the call (event.Call.After: a journal sees
// what it causes as part of this call, and replays it with it), only
// when the call succeeded.
func doThen[In, Out any](ctx context.Context, s *Service, c event.Call, in In, core func(ctx context.Context, call *event.Call, in In, then *func()) (Out, error)) (Out, error) {
	return op.Do(ctx, &s.op, c, in, func(ctx context.Context, call *event.Call, in In) (Out, error) {
		var then func()
		out, err := core(ctx, call, in, &then)
		call.After = then
		return out, err
	})
}

// errClosed is what every operation answers after Close (the contract all
// localwatch services share).
func errClosed() error { return awserr.Closed("ServiceUnavailableException") }

// orBackground treats a nil context as context.Background(), so no
// operation panics on one.
func orBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// New returns a Service. It subscribes to event.APICall on the bus (to link
// CloudTrail events to configuration items) and registers the daily retention
// sweep on the clock; Close undoes both.
func New(o Options) *Service {
	if o.Store == nil {
		o.Store = &objstore.Memory{}
	}
	if o.HistoryDeliveryInterval == 0 {
		o.HistoryDeliveryInterval = 6 * time.Hour
	}
	if o.HistoryDeliveryInterval > 0 {
		o.HistoryDeliveryInterval = max(o.HistoryDeliveryInterval, MinHistoryDeliveryInterval)
	}
	s := &Service{
		histEvery: o.HistoryDeliveryInterval,
		store:     o.Store,
		resources: make(map[ResourceKey]*resource),
		byID:      make(map[string][]ResourceKey),
		byARN:     make(map[string]ResourceKey),
		rules:     make(map[string]*rule),
		functions: make(map[string]RuleFunction),
		tokens:    make(map[string]string),
		histRetry: make(map[string]time.Time),

		declaredTypes: make(map[string]bool),
	}
	s.op.Init(op.Common{Clock: o.Clock, Bus: o.Bus, IDs: o.IDs, Region: o.Region, AccountID: o.AccountID, Journal: o.Journal, States: o.States},
		"config", EventSource, "ServiceUnavailableException")
	if o.Bus != nil {
		s.unsubscribe = bus.SubscribeFiltered(o.Bus, "config", func(ev event.APICall) bool { return s.wantsCall(&ev) }, s.onAPICall)
	}
	s.retTimer = s.armRetention()
	s.op.SetStateHooks(op.StateHooks{Save: s.saveState, Load: s.loadState})
	return s
}

// Store returns the object store the service delivers to.
func (s *Service) Store() objstore.Store { return s.store }

// Close stops every timer the service registered and its bus subscription.
// Afterwards every operation fails with ServiceUnavailableException (HTTP
// 503); Close may be called again.
func (s *Service) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	s.op.MarkClosed()
	if s.unsubscribe != nil {
		s.unsubscribe()
	}
	for _, t := range []clock.Timer{s.snapTimer, s.histTimer, s.dailyTimer, s.retTimer} {
		if t != nil {
			t.Stop()
		}
	}
	for _, r := range s.rules {
		if r.timer != nil {
			r.timer.Stop()
		}
	}
}

func (s *Service) now() time.Time { return s.op.Clock.Now().UTC() }

// --- configuration recorder -------------------------------------------------

// globalTypes are the IAM types recorded only with includeGlobalResourceTypes
// (or when listed explicitly).
var globalTypes = map[string]bool{"AWS::IAM::User": true, "AWS::IAM::Group": true, "AWS::IAM::Role": true, "AWS::IAM::Policy": true}

// dailyForbidden are the types AWS will not record DAILY.
var dailyForbidden = map[string]bool{"AWS::Config::ResourceCompliance": true, "AWS::Config::ConformancePackCompliance": true, "AWS::Config::ConfigurationRecorder": true}

// PutConfigurationRecorder creates the region's configuration recorder or
// updates it (same name). A second recorder under another name fails with
// MaxNumberOfConfigurationRecordersExceededException. A new recorder is not
// recording until StartConfigurationRecorder.
//
// Changing the recording group of a running recorder records, as discovery
// would, the resources of newly included types.
func (s *Service) PutConfigurationRecorder(ctx context.Context, in PutConfigurationRecorderInput) (*PutConfigurationRecorderOutput, error) {
	return doThen(ctx, s, event.Call{Name: "PutConfigurationRecorder"}, in, s.putConfigurationRecorder)
}

func (s *Service) putConfigurationRecorder(ctx context.Context, call *event.Call, in PutConfigurationRecorderInput, then *func()) (*PutConfigurationRecorderOutput, error) {
	var ob outbox
	out, err := s.putRecorder(in, &ob)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configurationRecorder": in.ConfigurationRecorder}))
	}
	*then = func() { s.deliver(ctx, &ob) }
	return out, err
}

func (s *Service) putRecorder(in PutConfigurationRecorderInput, ob *outbox) (*PutConfigurationRecorderOutput, error) {
	r := cloneRecorder(in.ConfigurationRecorder)
	if r.Name == "" {
		r.Name = "default"
	}
	if len(r.Name) > 256 || strings.TrimSpace(r.Name) == "" {
		return nil, errf("InvalidConfigurationRecorderNameException", "The configuration recorder name %q is not valid: 1 to 256 characters.", r.Name)
	}
	if r.RoleARN == "" {
		return nil, errf("InvalidRoleException", "The roleARN of the configuration recorder is required.")
	}
	if a, err := arn.Parse(r.RoleARN); err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return nil, errf("InvalidRoleException", "The roleARN %q is not a valid IAM role ARN.", r.RoleARN)
	}
	if r.RecordingGroup == nil {
		r.RecordingGroup = &RecordingGroup{AllSupported: true, RecordingStrategy: &RecordingStrategy{UseOnly: AllSupportedResourceTypes}}
	}
	if err := validateRecordingGroup(r.RecordingGroup); err != nil {
		return nil, err
	}
	if r.RecordingMode == nil {
		r.RecordingMode = &RecordingMode{RecordingFrequency: Continuous}
	}
	if err := validateRecordingMode(r.RecordingMode); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recorder != nil && s.recorder.Name != r.Name {
		return nil, errf("MaxNumberOfConfigurationRecordersExceededException", "Failed to put configuration recorder %q because the maximum number of configuration recorders: 1 is reached.", r.Name)
	}
	if s.recorder == nil {
		s.recorderState = ConfigurationRecorderStatus{Name: r.Name}
	}
	s.recorder = &r
	s.armDailyLocked()
	if s.recorderState.Recording {
		s.reconcileAllLocked(s.now(), ob)
	}
	return &PutConfigurationRecorderOutput{}, nil
}

func validateRecordingGroup(g *RecordingGroup) error {
	if err := validateResourceTypes("configurationRecorder.recordingGroup.resourceTypes", g.ResourceTypes); err != nil {
		return err
	}
	if g.ExclusionByResourceTypes != nil {
		if err := validateResourceTypes("configurationRecorder.recordingGroup.exclusionByResourceTypes.resourceTypes", g.ExclusionByResourceTypes.ResourceTypes); err != nil {
			return err
		}
	}
	strategy := AllSupportedResourceTypes
	if g.RecordingStrategy != nil && g.RecordingStrategy.UseOnly != "" {
		strategy = g.RecordingStrategy.UseOnly
	} else if !g.AllSupported && len(g.ResourceTypes) > 0 {
		strategy = InclusionByResourceTypes
	} else if !g.AllSupported && g.ExclusionByResourceTypes != nil {
		strategy = ExclusionByResourceTypes
	}
	bad := func(format string, args ...any) error { return errf("InvalidRecordingGroupException", format, args...) }
	excl := 0
	if g.ExclusionByResourceTypes != nil {
		excl = len(g.ExclusionByResourceTypes.ResourceTypes)
	}
	switch strategy {
	case AllSupportedResourceTypes:
		if !g.AllSupported {
			return bad("The recording group with strategy ALL_SUPPORTED_RESOURCE_TYPES requires allSupported to be true.")
		}
		if len(g.ResourceTypes) > 0 {
			return bad("The recording group cannot list resourceTypes when allSupported is true.")
		}
		if excl > 0 {
			return bad("The recording group cannot list exclusionByResourceTypes when allSupported is true.")
		}
	case InclusionByResourceTypes:
		if g.AllSupported || g.IncludeGlobalResourceTypes {
			return bad("The recording group with strategy INCLUSION_BY_RESOURCE_TYPES requires allSupported and includeGlobalResourceTypes to be false.")
		}
		if len(g.ResourceTypes) == 0 {
			return bad("The recording group with strategy INCLUSION_BY_RESOURCE_TYPES must list at least one resource type.")
		}
		if excl > 0 {
			return bad("The recording group cannot list both resourceTypes and exclusionByResourceTypes.")
		}
	case ExclusionByResourceTypes:
		if g.AllSupported || g.IncludeGlobalResourceTypes {
			return bad("The recording group with strategy EXCLUSION_BY_RESOURCE_TYPES requires allSupported and includeGlobalResourceTypes to be false.")
		}
		if excl == 0 {
			return bad("The recording group with strategy EXCLUSION_BY_RESOURCE_TYPES must list at least one resource type to exclude.")
		}
		if len(g.ResourceTypes) > 0 {
			return bad("The recording group cannot list both resourceTypes and exclusionByResourceTypes.")
		}
	default:
		return bad("The recording strategy %q is not valid: ALL_SUPPORTED_RESOURCE_TYPES, INCLUSION_BY_RESOURCE_TYPES or EXCLUSION_BY_RESOURCE_TYPES.", strategy)
	}
	if g.IncludeGlobalResourceTypes && !g.AllSupported {
		return bad("includeGlobalResourceTypes can be true only when allSupported is true.")
	}
	if g.RecordingStrategy == nil {
		g.RecordingStrategy = &RecordingStrategy{}
	}
	g.RecordingStrategy.UseOnly = strategy
	return nil
}

func validateRecordingMode(m *RecordingMode) error {
	if m.RecordingFrequency != Continuous && m.RecordingFrequency != Daily {
		return errf("ValidationException", "The recordingFrequency %q is not valid: CONTINUOUS or DAILY.", m.RecordingFrequency)
	}
	if len(m.RecordingModeOverrides) > 1 {
		return errf("ValidationException", "recordingModeOverrides has %d members; at most 1 is allowed.", len(m.RecordingModeOverrides))
	}
	for _, o := range m.RecordingModeOverrides {
		if o.RecordingFrequency != Continuous && o.RecordingFrequency != Daily {
			return errf("ValidationException", "The override recordingFrequency %q is not valid: CONTINUOUS or DAILY.", o.RecordingFrequency)
		}
		if len(o.ResourceTypes) == 0 {
			return errf("ValidationException", "A recording mode override must list at least one resource type.")
		}
		if err := validateResourceTypes("configurationRecorder.recordingMode.recordingModeOverrides.member.resourceTypes", o.ResourceTypes); err != nil {
			return err
		}
		if len(o.Description) > 256 {
			return errf("ValidationException", "The override description is longer than 256 characters.")
		}
		if o.RecordingFrequency == Daily {
			for _, t := range o.ResourceTypes {
				if dailyForbidden[t] {
					return errf("InvalidRecordingGroupException", "The resource type %s cannot be recorded with DAILY recording frequency.", t)
				}
			}
		}
	}
	return nil
}

func cloneRecorder(r ConfigurationRecorder) ConfigurationRecorder {
	if r.RecordingGroup != nil {
		g := *r.RecordingGroup
		g.ResourceTypes = slices.Clone(g.ResourceTypes)
		if g.ExclusionByResourceTypes != nil {
			e := ExclusionByTypes{ResourceTypes: slices.Clone(g.ExclusionByResourceTypes.ResourceTypes)}
			g.ExclusionByResourceTypes = &e
		}
		if g.RecordingStrategy != nil {
			st := *g.RecordingStrategy
			g.RecordingStrategy = &st
		}
		r.RecordingGroup = &g
	}
	if r.RecordingMode != nil {
		m := *r.RecordingMode
		m.RecordingModeOverrides = slices.Clone(m.RecordingModeOverrides)
		for i := range m.RecordingModeOverrides {
			m.RecordingModeOverrides[i].ResourceTypes = slices.Clone(m.RecordingModeOverrides[i].ResourceTypes)
		}
		r.RecordingMode = &m
	}
	return r
}

// recordsLocked tells whether the recorder records type t, and how often.
func (s *Service) recordsLocked(t string) (bool, RecordingFrequency) {
	r := s.recorder
	if r == nil {
		return false, ""
	}
	g := r.RecordingGroup
	var ok bool
	switch g.RecordingStrategy.UseOnly {
	case InclusionByResourceTypes:
		ok = slices.Contains(g.ResourceTypes, t)
	case ExclusionByResourceTypes:
		ok = !slices.Contains(g.ExclusionByResourceTypes.ResourceTypes, t) && !globalTypes[t]
	default:
		ok = !globalTypes[t] || g.IncludeGlobalResourceTypes
	}
	if !ok {
		return false, ""
	}
	freq := r.RecordingMode.RecordingFrequency
	for _, o := range r.RecordingMode.RecordingModeOverrides {
		if slices.Contains(o.ResourceTypes, t) {
			freq = o.RecordingFrequency
		}
	}
	if dailyForbidden[t] {
		freq = Continuous
	}
	return true, freq
}

// reconcileAllLocked is discovery: it reconciles every declared resource, in
// a stable order.
func (s *Service) reconcileAllLocked(now time.Time, out *outbox) {
	keys := make([]ResourceKey, 0, len(s.resources))
	for k := range s.resources {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		s.reconcileLocked(k, now, false, out)
	}
}

func (s *Service) recordingLocked() bool { return s.recorder != nil && s.recorderState.Recording }

// DescribeConfigurationRecorders returns the recorder (or, if names are given,
// fails with NoSuchConfigurationRecorderException for a name that does not
// exist).
func (s *Service) DescribeConfigurationRecorders(ctx context.Context, in DescribeConfigurationRecordersInput) (*DescribeConfigurationRecordersOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeConfigurationRecorders", ReadOnly: true}, in, s.describeConfigurationRecorders)
}

func (s *Service) describeConfigurationRecorders(ctx context.Context, call *event.Call, in DescribeConfigurationRecordersInput) (*DescribeConfigurationRecordersOutput, error) {
	out := &DescribeConfigurationRecordersOutput{ConfigurationRecorders: []ConfigurationRecorder{}}
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, n := range in.ConfigurationRecorderNames {
			if s.recorder == nil || s.recorder.Name != n {
				err = errf("NoSuchConfigurationRecorderException", "Cannot find configuration recorder with the specified name '%s'.", n)
			}
		}
		if err == nil && s.recorder != nil {
			out.ConfigurationRecorders = append(out.ConfigurationRecorders, cloneRecorder(*s.recorder))
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configurationRecorderNames": in.ConfigurationRecorderNames}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DescribeConfigurationRecorderStatus reports whether the recorder is
// recording and its last start/stop times.
func (s *Service) DescribeConfigurationRecorderStatus(ctx context.Context, in DescribeConfigurationRecorderStatusInput) (*DescribeConfigurationRecorderStatusOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeConfigurationRecorderStatus", ReadOnly: true}, in, s.describeConfigurationRecorderStatus)
}

func (s *Service) describeConfigurationRecorderStatus(ctx context.Context, call *event.Call, in DescribeConfigurationRecorderStatusInput) (*DescribeConfigurationRecorderStatusOutput, error) {
	out := &DescribeConfigurationRecorderStatusOutput{ConfigurationRecordersStatus: []ConfigurationRecorderStatus{}}
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, n := range in.ConfigurationRecorderNames {
			if s.recorder == nil || s.recorder.Name != n {
				err = errf("NoSuchConfigurationRecorderException", "Cannot find configuration recorder with the specified name '%s'.", n)
			}
		}
		if err == nil && s.recorder != nil {
			st := s.recorderState
			for _, p := range []**time.Time{&st.LastStartTime, &st.LastStopTime, &st.LastStatusChangeTime} {
				if *p != nil {
					t := **p
					*p = &t
				}
			}
			out.ConfigurationRecordersStatus = append(out.ConfigurationRecordersStatus, st)
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configurationRecorderNames": in.ConfigurationRecorderNames}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// StartConfigurationRecorder starts recording. It needs a delivery channel
// (NoAvailableDeliveryChannelException). Starting records, as AWS's discovery
// does, a configuration item for every declared resource whose state differs
// from its last recorded item (ResourceDiscovered for resources never
// recorded).
func (s *Service) StartConfigurationRecorder(ctx context.Context, in StartConfigurationRecorderInput) (*StartConfigurationRecorderOutput, error) {
	return doThen(ctx, s, event.Call{Name: "StartConfigurationRecorder"}, in, s.startConfigurationRecorder)
}

func (s *Service) startConfigurationRecorder(ctx context.Context, call *event.Call, in StartConfigurationRecorderInput, then *func()) (*StartConfigurationRecorderOutput, error) {
	var err error
	var out outbox
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch {
		case s.recorder == nil || s.recorder.Name != in.ConfigurationRecorderName:
			err = errf("NoSuchConfigurationRecorderException", "Cannot find configuration recorder with the specified name '%s'.", in.ConfigurationRecorderName)
		case s.channel == nil:
			err = errf("NoAvailableDeliveryChannelException", "Delivery channel is not available to start configuration recorder.")
		case !s.recorderState.Recording:
			now := s.now()
			s.recorderState.Recording = true
			s.recorderState.LastStartTime = &now
			s.recorderState.LastStatus = "Success"
			s.recorderState.LastStatusChangeTime = &now
			s.armDailyLocked()
			s.reconcileAllLocked(now, &out)
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configurationRecorderName": in.ConfigurationRecorderName}))
	}
	if err != nil {
		return nil, err
	}
	*then = func() { s.deliver(ctx, &out) }
	return &StartConfigurationRecorderOutput{}, nil
}

// StopConfigurationRecorder stops recording: changes declared while stopped
// are recorded (as one item per resource) when the recorder starts again.
func (s *Service) StopConfigurationRecorder(ctx context.Context, in StopConfigurationRecorderInput) (*StopConfigurationRecorderOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "StopConfigurationRecorder"}, in, s.stopConfigurationRecorder)
}

func (s *Service) stopConfigurationRecorder(ctx context.Context, call *event.Call, in StopConfigurationRecorderInput) (*StopConfigurationRecorderOutput, error) {
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.recorder == nil || s.recorder.Name != in.ConfigurationRecorderName {
			err = errf("NoSuchConfigurationRecorderException", "Cannot find configuration recorder with the specified name '%s'.", in.ConfigurationRecorderName)
		} else if s.recorderState.Recording {
			now := s.now()
			s.recorderState.Recording = false
			s.recorderState.LastStopTime = &now
			s.recorderState.LastStatusChangeTime = &now
			s.armDailyLocked()
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configurationRecorderName": in.ConfigurationRecorderName}))
	}
	if err != nil {
		return nil, err
	}
	return &StopConfigurationRecorderOutput{}, nil
}

// DeleteConfigurationRecorder deletes the recorder. Recorded items stay
// readable with GetResourceConfigHistory, as in AWS.
func (s *Service) DeleteConfigurationRecorder(ctx context.Context, in DeleteConfigurationRecorderInput) (*DeleteConfigurationRecorderOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteConfigurationRecorder"}, in, s.deleteConfigurationRecorder)
}

func (s *Service) deleteConfigurationRecorder(ctx context.Context, call *event.Call, in DeleteConfigurationRecorderInput) (*DeleteConfigurationRecorderOutput, error) {
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.recorder == nil || s.recorder.Name != in.ConfigurationRecorderName {
			err = errf("NoSuchConfigurationRecorderException", "Cannot find configuration recorder with the specified name '%s'.", in.ConfigurationRecorderName)
		} else {
			s.recorder = nil
			s.recorderState = ConfigurationRecorderStatus{}
			s.armDailyLocked()
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"configurationRecorderName": in.ConfigurationRecorderName}))
	}
	if err != nil {
		return nil, err
	}
	return &DeleteConfigurationRecorderOutput{}, nil
}

// --- delivery channel ------------------------------------------------------

// PutDeliveryChannel creates or updates the region's delivery channel. It
// needs a recorder (NoAvailableConfigurationRecorderException). If
// ConfigSnapshotDeliveryProperties sets a frequency, snapshots are delivered
// periodically on the clock while the recorder records.
func (s *Service) PutDeliveryChannel(ctx context.Context, in PutDeliveryChannelInput) (*PutDeliveryChannelOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDeliveryChannel"}, in, s.putDeliveryChannel)
}

func (s *Service) putDeliveryChannel(ctx context.Context, call *event.Call, in PutDeliveryChannelInput) (*PutDeliveryChannelOutput, error) {
	err := s.putChannel(in.DeliveryChannel)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"deliveryChannel": in.DeliveryChannel}))
	}
	if err != nil {
		return nil, err
	}
	return &PutDeliveryChannelOutput{}, nil
}

func (s *Service) putChannel(c DeliveryChannel) error {
	if c.Name == "" {
		c.Name = "default"
	}
	if len(c.Name) > 256 || strings.TrimSpace(c.Name) == "" {
		return errf("InvalidDeliveryChannelNameException", "The delivery channel name %q is not valid: 1 to 256 characters.", c.Name)
	}
	if err := validateBucketName(c.S3BucketName); err != nil {
		return err
	}
	if c.S3KeyPrefix != nil {
		p := *c.S3KeyPrefix
		if p == "" {
			return errf("InvalidS3KeyPrefixException", "The s3 key prefix '' is not valid, empty s3 key prefix.")
		}
		if strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "AWSLogs") {
			return errf("InvalidS3KeyPrefixException", "The s3 key prefix '%s' is not valid: it cannot start or end with '/' or contain 'AWSLogs'.", p)
		}
		p2 := p
		c.S3KeyPrefix = &p2
	}
	if c.SNSTopicARN != "" {
		if a, err := arn.Parse(c.SNSTopicARN); err != nil || a.Service != "sns" {
			return errf("InvalidSNSTopicARNException", "The sns topic arn '%s' is not valid.", c.SNSTopicARN)
		}
	}
	if c.ConfigSnapshotDeliveryProperties != nil {
		p := *c.ConfigSnapshotDeliveryProperties
		if p.DeliveryFrequency != "" && p.DeliveryFrequency.Duration() == 0 {
			return errf("ValidationException", "The deliveryFrequency %q is not valid: One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours.", p.DeliveryFrequency)
		}
		c.ConfigSnapshotDeliveryProperties = &p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recorder == nil {
		return errf("NoAvailableConfigurationRecorderException", "Configuration recorder is not available to put delivery channel.")
	}
	if s.channel != nil && s.channel.Name != c.Name {
		return errf("MaxNumberOfDeliveryChannelsExceededException", "Failed to put delivery channel %q because the maximum number of delivery channels: 1 is reached.", c.Name)
	}
	if s.channel == nil {
		s.channelState = DeliveryChannelStatus{Name: c.Name,
			ConfigSnapshotDeliveryInfo: &ConfigExportDeliveryInfo{},
			ConfigHistoryDeliveryInfo:  &ConfigExportDeliveryInfo{},
			ConfigStreamDeliveryInfo:   &ConfigStreamDeliveryInfo{}}
	}
	s.channel = &c
	s.armSnapshotsLocked()
	if s.histTimer == nil && s.histEvery > 0 && !s.closed {
		s.histFrom = s.now()
		s.histTimer = s.armHistoryLocked()
	}
	return nil
}

func (s *Service) armSnapshotsLocked() {
	if s.snapTimer != nil {
		s.snapTimer.Stop()
		s.snapTimer = nil
	}
	if s.channel == nil || s.channel.ConfigSnapshotDeliveryProperties == nil || s.closed {
		return
	}
	d := s.channel.ConfigSnapshotDeliveryProperties.DeliveryFrequency.Duration()
	if d == 0 {
		return
	}
	s.snapTimer = s.armSnapshotTimerLocked(d)
}

// DescribeDeliveryChannels returns the delivery channel.
func (s *Service) DescribeDeliveryChannels(ctx context.Context, in DescribeDeliveryChannelsInput) (*DescribeDeliveryChannelsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeDeliveryChannels", ReadOnly: true}, in, s.describeDeliveryChannels)
}

func (s *Service) describeDeliveryChannels(ctx context.Context, call *event.Call, in DescribeDeliveryChannelsInput) (*DescribeDeliveryChannelsOutput, error) {
	out := &DescribeDeliveryChannelsOutput{DeliveryChannels: []DeliveryChannel{}}
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, n := range in.DeliveryChannelNames {
			if s.channel == nil || s.channel.Name != n {
				err = errf("NoSuchDeliveryChannelException", "Cannot find delivery channel with specified name '%s'.", n)
			}
		}
		if err == nil && s.channel != nil {
			c := *s.channel
			if c.S3KeyPrefix != nil {
				p := *c.S3KeyPrefix
				c.S3KeyPrefix = &p
			}
			if c.ConfigSnapshotDeliveryProperties != nil {
				p := *c.ConfigSnapshotDeliveryProperties
				c.ConfigSnapshotDeliveryProperties = &p
			}
			out.DeliveryChannels = append(out.DeliveryChannels, c)
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"deliveryChannelNames": in.DeliveryChannelNames}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DescribeDeliveryChannelStatus reports the last snapshot delivery and the
// last notification sent.
func (s *Service) DescribeDeliveryChannelStatus(ctx context.Context, in DescribeDeliveryChannelStatusInput) (*DescribeDeliveryChannelStatusOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeDeliveryChannelStatus", ReadOnly: true}, in, s.describeDeliveryChannelStatus)
}

func (s *Service) describeDeliveryChannelStatus(ctx context.Context, call *event.Call, in DescribeDeliveryChannelStatusInput) (*DescribeDeliveryChannelStatusOutput, error) {
	out := &DescribeDeliveryChannelStatusOutput{DeliveryChannelsStatus: []DeliveryChannelStatus{}}
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, n := range in.DeliveryChannelNames {
			if s.channel == nil || s.channel.Name != n {
				err = errf("NoSuchDeliveryChannelException", "Cannot find delivery channel with specified name '%s'.", n)
			}
		}
		if err == nil && s.channel != nil {
			st := s.channelState
			a, b, c := *st.ConfigSnapshotDeliveryInfo, *st.ConfigHistoryDeliveryInfo, *st.ConfigStreamDeliveryInfo
			st.ConfigSnapshotDeliveryInfo, st.ConfigHistoryDeliveryInfo, st.ConfigStreamDeliveryInfo = &a, &b, &c
			out.DeliveryChannelsStatus = append(out.DeliveryChannelsStatus, st)
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"deliveryChannelNames": in.DeliveryChannelNames}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteDeliveryChannel deletes the delivery channel; it fails with
// LastDeliveryChannelDeleteFailedException while the recorder is recording.
func (s *Service) DeleteDeliveryChannel(ctx context.Context, in DeleteDeliveryChannelInput) (*DeleteDeliveryChannelOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteDeliveryChannel"}, in, s.deleteDeliveryChannel)
}

func (s *Service) deleteDeliveryChannel(ctx context.Context, call *event.Call, in DeleteDeliveryChannelInput) (*DeleteDeliveryChannelOutput, error) {
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch {
		case s.channel == nil || s.channel.Name != in.DeliveryChannelName:
			err = errf("NoSuchDeliveryChannelException", "Cannot find delivery channel with specified name '%s'.", in.DeliveryChannelName)
		case s.recordingLocked():
			err = errf("LastDeliveryChannelDeleteFailedException", "Failed to delete last specified delivery channel with name '%s', because there, because there is a running configuration recorder.", in.DeliveryChannelName)
		default:
			s.channel = nil
			s.armSnapshotsLocked()
			if s.histTimer != nil {
				s.histTimer.Stop()
				s.histTimer = nil
			}
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"deliveryChannelName": in.DeliveryChannelName}))
	}
	if err != nil {
		return nil, err
	}
	return &DeleteDeliveryChannelOutput{}, nil
}

// --- retention -------------------------------------------------------------

// PutRetentionConfiguration sets how long configuration items are kept. Items
// older than the period are not returned and are deleted by a daily sweep on
// the clock; the latest item of a resource that still exists is kept.
func (s *Service) PutRetentionConfiguration(ctx context.Context, in PutRetentionConfigurationInput) (*PutRetentionConfigurationOutput, error) {
	return doThen(ctx, s, event.Call{Name: "PutRetentionConfiguration"}, in, s.putRetentionConfiguration)
}

func (s *Service) putRetentionConfiguration(ctx context.Context, call *event.Call, in PutRetentionConfigurationInput, then *func()) (*PutRetentionConfigurationOutput, error) {
	var err error
	var out *PutRetentionConfigurationOutput
	if in.RetentionPeriodInDays < MinRetentionDays || in.RetentionPeriodInDays > MaxRetentionDays {
		err = errf("InvalidParameterValueException", "The RetentionPeriodInDays %d is not valid: it must be between %d and %d.", in.RetentionPeriodInDays, MinRetentionDays, MaxRetentionDays)
	} else {
		rc := RetentionConfiguration{Name: "default", RetentionPeriodInDays: in.RetentionPeriodInDays}
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.retention = &rc
		}()
		out = &PutRetentionConfigurationOutput{RetentionConfiguration: rc}
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"retentionPeriodInDays": in.RetentionPeriodInDays}))
	}
	call.ResponseElements = out
	if err != nil {
		return nil, err
	}
	// Apply the new period at once rather than waiting for the daily sweep.
	*then = func() { s.sweepRetention(s.now()) }
	return out, nil
}

// DescribeRetentionConfigurations returns the retention configuration, if set.
func (s *Service) DescribeRetentionConfigurations(ctx context.Context, in DescribeRetentionConfigurationsInput) (*DescribeRetentionConfigurationsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeRetentionConfigurations", ReadOnly: true}, in, s.describeRetentionConfigurations)
}

func (s *Service) describeRetentionConfigurations(ctx context.Context, call *event.Call, in DescribeRetentionConfigurationsInput) (*DescribeRetentionConfigurationsOutput, error) {
	var err error
	out := &DescribeRetentionConfigurationsOutput{RetentionConfigurations: []RetentionConfiguration{}}
	if len(in.RetentionConfigurationNames) > 1 {
		err = errf("InvalidParameterValueException", "RetentionConfigurationNames has %d members; at most 1 is allowed.", len(in.RetentionConfigurationNames))
	} else if in.NextToken != "" {
		err = errf("InvalidNextTokenException", "The nextToken %q is not valid.", truncate(in.NextToken, 40))
	}
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, n := range in.RetentionConfigurationNames {
			if err == nil && (s.retention == nil || n != s.retention.Name) {
				err = errf("NoSuchRetentionConfigurationException", "Cannot find retention configuration with the specified name '%s'.", n)
			}
		}
		if err == nil && s.retention != nil {
			out.RetentionConfigurations = append(out.RetentionConfigurations, *s.retention)
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"retentionConfigurationNames": in.RetentionConfigurationNames, "nextToken": in.NextToken}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRetentionConfiguration returns retention to the default (2557 days).
func (s *Service) DeleteRetentionConfiguration(ctx context.Context, in DeleteRetentionConfigurationInput) (*DeleteRetentionConfigurationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteRetentionConfiguration"}, in, s.deleteRetentionConfiguration)
}

func (s *Service) deleteRetentionConfiguration(ctx context.Context, call *event.Call, in DeleteRetentionConfigurationInput) (*DeleteRetentionConfigurationOutput, error) {
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.retention == nil || s.retention.Name != in.RetentionConfigurationName {
			err = errf("NoSuchRetentionConfigurationException", "Cannot find retention configuration with the specified name '%s'.", in.RetentionConfigurationName)
		} else {
			s.retention = nil
		}
	}()
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"retentionConfigurationName": in.RetentionConfigurationName}))
	}
	if err != nil {
		return nil, err
	}
	return &DeleteRetentionConfigurationOutput{}, nil
}

// retentionCutoffLocked is the capture time before which items are expired.
func (s *Service) retentionCutoffLocked(now time.Time) time.Time {
	days := DefaultRetentionDays
	if s.retention != nil {
		days = s.retention.RetentionPeriodInDays
	}
	return now.Add(-time.Duration(days) * 24 * time.Hour)
}

func (s *Service) sweepRetention(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cutoff := s.retentionCutoffLocked(now)
	for _, r := range s.resources {
		if r.items == nil {
			continue
		}
		for r.items.Len() > 1 {
			oldest, _ := r.items.Min()
			if !oldest.it.captureTime().Before(cutoff) {
				break
			}
			r.items.DeleteMin()
		}
		if r.items.Len() == 1 {
			last, _ := r.items.Min()
			if isDeletion(last.it.status) && last.it.captureTime().Before(cutoff) {
				r.items.DeleteMin()
			}
		}
	}
}
