package logs

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/pagetoken"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/objstore"
)

// Limits AWS documents for CloudWatch Logs.
const (
	MaxLogGroupNameLength     = 512
	MaxLogStreamNameLength    = 512
	MaxBatchEvents            = 10000
	MaxBatchBytes             = 1048576
	EventOverheadBytes        = 26
	MaxEventBytes             = 1048576 - EventOverheadBytes // 1 MB per event, with its overhead, fits a batch
	MaxBatchSpan              = 24 * time.Hour
	MaxEventAge               = 14 * 24 * time.Hour
	MaxEventFuture            = 2 * time.Hour
	MaxMetricFiltersPerGroup  = 100
	MaxSubscriptionsPerGroup  = 2
	MaxRegexFiltersPerGroup   = 5
	MaxFilterPatternLength    = 1024
	MaxTagsPerResource        = 50
	MaxLogGroupsPerRegion     = 1000000
	MaxDescribeLimit          = 50
	MaxEventsLimit            = 10000
	MaxResponseBytes          = 1048576
	MaxFilterLogStreamNames   = 100
	MaxTestMetricFilterEvents = 50
)

// RetentionDays lists the retention periods PutRetentionPolicy accepts.
var RetentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Options configure a Service. The zero value works.
type Options struct {
	// Clock drives timestamps, retention and metric publication (nil: the wall clock).
	Clock clock.Clock
	// Bus carries API-call events, metric data, subscription deliveries, and the
	// CloudTrail deliveries this service ingests (nil: no events).
	Bus *bus.Bus
	// IDs makes request IDs (nil: random).
	IDs *ids.Source
	// Region and AccountID name the service's ARNs (defaults us-east-1, 123456789012).
	Region    string
	AccountID string
	// RetentionSweep is how often expired events are deleted (default one hour,
	// at least one minute: a shorter interval is raised to a minute, so that
	// simulated time cannot cost more in sweeps than in work). Expired events
	// are hidden from reads at once either way.
	RetentionSweep time.Duration
	// Store is the object store (the stack's S3) export tasks write to (nil:
	// an in-memory store, reachable with [Service.Store]).
	Store objstore.Store
	// Logger, when set, receives the panics of scheduled work and of
	// Destination functions (Error level, naming the job); they are recovered
	// and the service goes on either way.
	Logger *slog.Logger
	// Journal is set by localwatch.Account when its Options.DataDir is set;
	// leave nil.
	Journal op.Journal
	// States is set by localwatch.Account when its Options.DataDir is set;
	// collects the service's checkpoint hooks.
	States *op.States
}

// MinRetentionSweep is the shortest RetentionSweep interval.
const MinRetentionSweep = time.Minute

// Service is an in-memory CloudWatch Logs: log groups and streams, events,
// metric filters and subscription filters. It is safe for concurrent use.
type Service struct {
	// Set by New and never changed after.
	op       op.Service // the funnel every operation takes (nil ctx, Close, journal, CloudTrail)
	clock    clock.Clock
	bus      *bus.Bus
	ids      *ids.Source
	region   string
	account  string
	store    objstore.Store // where export tasks write
	ownStore bool           // store is the service's own (Options.Store was nil): checkpoints save it
	log      *slog.Logger
	sweep    time.Duration // the retention sweep's period (checkpoint.go arms it again)

	mu             sync.RWMutex // guards every field below up to mfMu
	groups         map[string]*group
	names          []string                  // sorted group names
	seq            uint64                    // last event sequence number
	sweeps         int                       // retention sweeps run (tests)
	destinations   map[string]*destination   // CloudWatch Logs destinations by name (destinations.go)
	policies       map[string]ResourcePolicy // resource policies by policyKey (resourcepolicies.go)
	exports        []*exportTask             // export tasks in creation order (exporttasks.go)
	queryResultKms string                    // the query results' KMS key (kms.go)
	timers         []clock.Timer             // stopped by Close
	unsub          []func()                  // bus subscriptions, ended by Close

	mfMu    sync.Mutex            // guards pending
	pending map[bucketKey]*bucket // metric filter data awaiting publication

	destMu sync.RWMutex           // guards dests
	dests  map[string]Destination // RegisterDestination's functions by ARN

	deliveries deliveryState // log delivery sources, destinations and deliveries (deliveries.go), under its own mu

	queryStore queryStore // Logs Insights queries and saved definitions (queries.go), under its own mu
	protection protection // data protection and account policies (dataprotection.go), under mu
	live       liveTails  // Live Tail sessions (livetail.go)
}

type group struct {
	name      string
	arn       string
	created   int64
	retention int32
	kms       string
	class     LogGroupClass
	tags      map[string]string
	stored    int64
	protected bool // deletion protection

	streams     map[string]*stream
	streamNames []string // sorted

	metricFilters map[string]*metricFilter
	subs          map[string]*subscriptionFilter
}

// New returns a Service. It subscribes to event.LogDelivery on the bus (CloudTrail
// sending events to a log group) and registers its retention and metric
// publication timers on the clock; Close stops them.
func New(opts Options) *Service {
	s := &Service{
		groups:  map[string]*group{},
		pending: map[bucketKey]*bucket{},
		dests:   map[string]Destination{},

		destinations: map[string]*destination{},
		policies:     map[string]ResourcePolicy{},
		store:        opts.Store,
	}
	if s.store == nil {
		s.store, s.ownStore = &objstore.Memory{}, true
	}
	s.op.Init(op.Common{Clock: opts.Clock, Bus: opts.Bus, IDs: opts.IDs, Region: opts.Region, AccountID: opts.AccountID,
		Logger: opts.Logger, Journal: opts.Journal, States: opts.States}, "logs", "logs.amazonaws.com", "ServiceUnavailableException")
	s.clock, s.bus, s.ids, s.region, s.account = s.op.Clock, s.op.Bus, s.op.IDs, s.op.Region, s.op.AccountID
	s.log = opts.Logger
	sweep := opts.RetentionSweep
	if sweep <= 0 {
		sweep = time.Hour
	}
	s.sweep = max(sweep, MinRetentionSweep)
	s.timers = s.armServiceTimers()
	if s.bus != nil {
		s.unsub = append(s.unsub, bus.Subscribe(s.bus, "logs", s.onLogDelivery))
	}
	s.op.SetStateHooks(op.StateHooks{Save: s.saveState, Load: s.loadState})
	return s
}

// Names of the service's own schedules (unique among its timers, so a
// checkpoint can arm them again in their place).
const (
	timerRetentionSweep = "logs retention sweep"
	timerMetricPublish  = "logs metric filter publication"
)

// armServiceTimers registers the retention sweep and the metric filter
// publication, in this order (the order they run in at the same instant).
func (s *Service) armServiceTimers() []clock.Timer {
	return []clock.Timer{
		clock.EveryNamed(s.clock, timerRetentionSweep, s.sweep, func(time.Time) { s.runJob(timerRetentionSweep, s.sweepRetention) }),
		clock.EveryNamed(s.clock, timerMetricPublish, time.Minute, func(time.Time) {
			s.runJob(timerMetricPublish, func() { s.FlushMetrics(context.Background()) })
		}),
	}
}

// Close publishes pending metric filter data, stops the service's timers and
// bus subscriptions. Later calls fail with ServiceUnavailableException.
func (s *Service) Close() {
	timers, unsub, ok := s.markClosed()
	if !ok {
		return
	}
	for _, t := range timers {
		t.Stop()
	}
	for _, u := range unsub {
		u()
	}
	// After the last write was refused, so nothing stored is left unpublished.
	s.flushMetrics(context.Background())
}

// runJob runs scheduled work under recover: a panic is reported and the
// clock's loop goes on with everything else.
func (s *Service) runJob(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			s.reportPanic(name, r)
		}
	}()
	f()
}

func (s *Service) reportPanic(job string, r any) {
	if s.log != nil {
		s.log.Error("recovered from a panic", "service", "logs", "job", job, "panic", fmt.Sprint(r))
	}
}

// markClosed marks the service closed under the write lock (so no operation
// that already passed CheckOpen under the lock is still running) and hands
// back the timers and subscriptions to stop; ok is false when another Close
// got there first.
func (s *Service) markClosed() (timers []clock.Timer, unsub []func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.op.MarkClosed() {
		return nil, nil, false
	}
	timers, unsub = s.timers, s.unsub
	s.timers, s.unsub = nil, nil
	return timers, unsub, true
}

func (s *Service) nowMS() int64 { return s.clock.Now().UnixMilli() }

func (s *Service) groupARN(name string) string {
	return arn.New("logs", s.region, s.account, "log-group:"+name)
}

func (s *Service) groupResource(name string) []event.Resource {
	return []event.Resource{{ARN: s.groupARN(name), AccountID: s.account, Type: "AWS::Logs::LogGroup"}}
}

var (
	groupNameRE  = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
	tagKeyRE     = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValueRE   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	groupPattern = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]*$`)
)

func validateGroupName(field, name string) error {
	if name == "" {
		return errConstraint(field, name, "Member must have length greater than or equal to 1")
	}
	if len(name) > MaxLogGroupNameLength {
		return errConstraint(field, name, "Member must have length less than or equal to 512")
	}
	if !groupNameRE.MatchString(name) {
		return errConstraint(field, name, `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
	}
	return nil
}

func validateStreamName(field, name string) error {
	if name == "" {
		return errConstraint(field, name, "Member must have length greater than or equal to 1")
	}
	if len(name) > MaxLogStreamNameLength {
		return errConstraint(field, name, "Member must have length less than or equal to 512")
	}
	if strings.ContainsAny(name, ":*") {
		return errConstraint(field, name, `Member must satisfy regular expression pattern: [^:*]*`)
	}
	return nil
}

func validateTags(tags map[string]string) error {
	if len(tags) > MaxTagsPerResource {
		return errConstraint("tags", len(tags), "Member must have length less than or equal to 50")
	}
	for k, v := range tags {
		if len(k) < 1 || len(k) > 128 || !tagKeyRE.MatchString(k) {
			return errInvalid("Invalid tag key %q: a tag key is 1-128 letters, digits, spaces and _.:/=+-@", k)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errInvalid("Invalid tag key %q: the aws: prefix is reserved for AWS use", k)
		}
		if len(v) > 256 || !tagValueRE.MatchString(v) {
			return errInvalid("Invalid tag value %q for key %q: a tag value is 0-256 letters, digits, spaces and _.:/=+-@", v, k)
		}
	}
	return nil
}

// CreateLogGroup creates a log group. Names are 1-512 characters of
// a-z A-Z 0-9 _ - / . #, and may not start with "aws/".
func (s *Service) CreateLogGroup(ctx context.Context, in CreateLogGroupInput) (*CreateLogGroupOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreateLogGroup", Resources: s.groupResource(in.LogGroupName)}, in, s.createLogGroup)
}

func (s *Service) createLogGroup(ctx context.Context, c *event.Call, in CreateLogGroupInput) (out *CreateLogGroupOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if strings.HasPrefix(in.LogGroupName, "aws/") {
		return nil, errInvalid("Log group names can't start with the string aws/: %s", in.LogGroupName)
	}
	if len(in.KmsKeyID) > 256 {
		return nil, errConstraint("kmsKeyId", in.KmsKeyID, "Member must have length less than or equal to 256")
	}
	class := in.LogGroupClass
	switch class {
	case "":
		class = LogGroupClassStandard
	case LogGroupClassStandard, LogGroupClassInfrequentAccess, LogGroupClassDelivery:
	default:
		return nil, errConstraint("logGroupClass", class, "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	if _, ok := s.groups[in.LogGroupName]; ok {
		return nil, awserr.New("ResourceAlreadyExistsException", msgGroupExists)
	}
	if len(s.groups) >= MaxLogGroupsPerRegion {
		return nil, errLimit("log groups per account and Region")
	}
	g := &group{
		name: in.LogGroupName, arn: s.groupARN(in.LogGroupName), created: s.nowMS(), kms: in.KmsKeyID,
		class: class, tags: map[string]string{}, streams: map[string]*stream{}, protected: in.DeletionProtectionEnabled != nil && *in.DeletionProtectionEnabled,
		metricFilters: map[string]*metricFilter{}, subs: map[string]*subscriptionFilter{},
	}
	for k, v := range in.Tags {
		g.tags[k] = v
	}
	s.groups[g.name] = g
	i, _ := slices.BinarySearch(s.names, g.name)
	s.names = slices.Insert(s.names, i, g.name)
	return &CreateLogGroupOutput{}, nil
}

// DeleteLogGroup deletes a log group with all its streams, events, metric filters
// and subscription filters.
func (s *Service) DeleteLogGroup(ctx context.Context, in DeleteLogGroupInput) (*DeleteLogGroupOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteLogGroup", Resources: s.groupResource(in.LogGroupName)}, in, s.deleteLogGroup)
}

func (s *Service) deleteLogGroup(ctx context.Context, c *event.Call, in DeleteLogGroupInput) (out *DeleteLogGroupOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	if g.protected {
		return nil, errProtected()
	}
	delete(s.groups, in.LogGroupName)
	// The group's own resource policy goes with it, so that a group created
	// later under the same name does not inherit it.
	delete(s.policies, policyKey("", g.arn))
	delete(s.policies, policyKey("", g.arn+":*"))
	i, _ := slices.BinarySearch(s.names, in.LogGroupName)
	s.names = slices.Delete(s.names, i, i+1)
	return &DeleteLogGroupOutput{}, nil
}

func retentionPtr(d int32) *int32 {
	if d == 0 {
		return nil
	}
	return &d
}

func (s *Service) describeGroup(g *group) LogGroup {
	return LogGroup{
		LogGroupName: g.name, CreationTime: g.created, RetentionInDays: retentionPtr(g.retention),
		MetricFilterCount: int32(len(g.metricFilters)), Arn: g.arn + ":*", StoredBytes: g.stored,
		KmsKeyID: g.kms, LogGroupClass: g.class, LogGroupArn: g.arn, DeletionProtectionEnabled: g.protected,
	}
}

func limitOf(field string, l *int32, def, maxV int32) (int, error) {
	if l == nil {
		return int(def), nil
	}
	if *l < 1 {
		return 0, errConstraint(field, *l, "Member must have value greater than or equal to 1")
	}
	if *l > maxV {
		return 0, errConstraint(field, *l, "Member must have value less than or equal to "+strconv.Itoa(int(maxV)))
	}
	return int(*l), nil
}

// DescribeLogGroups lists log groups in name order, optionally those whose names
// start with LogGroupNamePrefix or contain LogGroupNamePattern (not both), up to
// Limit (1-50, default 50) per page.
func (s *Service) DescribeLogGroups(ctx context.Context, in DescribeLogGroupsInput) (*DescribeLogGroupsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeLogGroups", ReadOnly: true}, in, s.describeLogGroups)
}

func (s *Service) describeLogGroups(ctx context.Context, c *event.Call, in DescribeLogGroupsInput) (out *DescribeLogGroupsOutput, err error) {
	limit, err := limitOf("limit", in.Limit, MaxDescribeLimit, MaxDescribeLimit)
	if err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, errInvalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive. Only one of them can be specified.")
	}
	if in.LogGroupNamePrefix != "" {
		if err := validateGroupName("logGroupNamePrefix", in.LogGroupNamePrefix); err != nil {
			return nil, err
		}
	}
	if len(in.LogGroupNamePattern) > 512 || !groupPattern.MatchString(in.LogGroupNamePattern) {
		return nil, errConstraint("logGroupNamePattern", in.LogGroupNamePattern, `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]*`)
	}
	after := ""
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		if !ok || !strings.HasPrefix(t, "g:") {
			return nil, errBadToken(in.NextToken)
		}
		after = t[2:]
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out = &DescribeLogGroupsOutput{LogGroups: []LogGroup{}}
	start := sort.SearchStrings(s.names, in.LogGroupNamePrefix)
	if after != "" {
		start = max(start, sort.Search(len(s.names), func(i int) bool { return s.names[i] > after }))
	}
	for i := start; i < len(s.names); i++ {
		name := s.names[i]
		if !strings.HasPrefix(name, in.LogGroupNamePrefix) {
			break
		}
		if in.LogGroupNamePattern != "" && !strings.Contains(name, in.LogGroupNamePattern) {
			continue
		}
		g := s.groups[name]
		if in.LogGroupClass != "" && g.class != in.LogGroupClass {
			continue
		}
		if len(out.LogGroups) == limit {
			out.NextToken = pagetoken.Encode("g:" + out.LogGroups[limit-1].LogGroupName)
			break
		}
		out.LogGroups = append(out.LogGroups, s.describeGroup(g))
	}
	return out, nil
}

// CreateLogStream creates a log stream in a log group. Stream names are 1-512
// characters without ':' or '*'.
func (s *Service) CreateLogStream(ctx context.Context, in CreateLogStreamInput) (*CreateLogStreamOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreateLogStream", Resources: s.groupResource(in.LogGroupName)}, in, s.createLogStream)
}

func (s *Service) createLogStream(ctx context.Context, c *event.Call, in CreateLogStreamInput) (out *CreateLogStreamOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateStreamName("logStreamName", in.LogStreamName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	if _, ok := g.streams[in.LogStreamName]; ok {
		return nil, awserr.New("ResourceAlreadyExistsException", msgStreamExists)
	}
	s.addStreamLocked(g, in.LogStreamName)
	return &CreateLogStreamOutput{}, nil
}

func (s *Service) addStreamLocked(g *group, name string) *stream {
	st := newStream(name, g.arn+":log-stream:"+name, s.nowMS())
	g.streams[name] = st
	i, _ := slices.BinarySearch(g.streamNames, name)
	g.streamNames = slices.Insert(g.streamNames, i, name)
	return st
}

// DeleteLogStream deletes a log stream and its events. (Single events cannot be
// deleted; CloudWatch Logs has no operation for it.)
func (s *Service) DeleteLogStream(ctx context.Context, in DeleteLogStreamInput) (*DeleteLogStreamOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteLogStream", Resources: s.groupResource(in.LogGroupName)}, in, s.deleteLogStream)
}

func (s *Service) deleteLogStream(ctx context.Context, c *event.Call, in DeleteLogStreamInput) (out *DeleteLogStreamOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateStreamName("logStreamName", in.LogStreamName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	st, ok := g.streams[in.LogStreamName]
	if !ok {
		return nil, errStreamNotFound(in.LogGroupName, in.LogStreamName)
	}
	if g.protected {
		return nil, errProtected()
	}
	g.stored -= int64(st.bytes)
	delete(g.streams, in.LogStreamName)
	i, _ := slices.BinarySearch(g.streamNames, in.LogStreamName)
	g.streamNames = slices.Delete(g.streamNames, i, i+1)
	return &DeleteLogStreamOutput{}, nil
}

// resolveGroupLocked finds a group from a name or identifier (name or ARN).
func (s *Service) resolveGroupLocked(name, identifier string) (*group, error) {
	if name != "" && identifier != "" {
		return nil, awserr.New("ValidationException", msgNameAndIdentifier)
	}
	if name == "" && identifier == "" {
		return nil, errInvalid("Either logGroupName or logGroupIdentifier must be specified.")
	}
	if identifier != "" {
		name = identifier
		if strings.HasPrefix(identifier, "arn:") {
			a, err := arn.Parse(identifier)
			if err != nil || !strings.HasPrefix(a.Resource, "log-group:") {
				return nil, errInvalid("Invalid logGroupIdentifier: %s", identifier)
			}
			name = strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*")
			if a.AccountID != s.account || a.Region != s.region {
				return nil, errGroupNotFound(identifier)
			}
		}
	}
	if err := validateGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	g, ok := s.groups[name]
	if !ok {
		return nil, errGroupNotFound(name)
	}
	return g, nil
}

func describeStream(st *stream) LogStream {
	ls := LogStream{LogStreamName: st.name, CreationTime: st.created, Arn: st.arn}
	if st.hasEvents {
		f, l, li := st.first, st.last, st.lastIngest
		ls.FirstEventTimestamp, ls.LastEventTimestamp, ls.LastIngestionTime = &f, &l, &li
	}
	return ls
}

// DescribeLogStreams lists a group's streams ordered by name (default, with an
// optional LogStreamNamePrefix) or by LastEventTime (no prefix allowed), in
// ascending or Descending order, up to Limit (1-50, default 50) per page.
func (s *Service) DescribeLogStreams(ctx context.Context, in DescribeLogStreamsInput) (*DescribeLogStreamsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeLogStreams", ReadOnly: true}, in, s.describeLogStreams)
}

func (s *Service) describeLogStreams(ctx context.Context, c *event.Call, in DescribeLogStreamsInput) (out *DescribeLogStreamsOutput, err error) {
	limit, err := limitOf("limit", in.Limit, MaxDescribeLimit, MaxDescribeLimit)
	if err != nil {
		return nil, err
	}
	order := in.OrderBy
	switch order {
	case "":
		order = OrderByLogStreamName
	case OrderByLogStreamName, OrderByLastEventTime:
	default:
		return nil, errConstraint("orderBy", order, "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
	}
	if in.LogStreamNamePrefix != "" {
		if order == OrderByLastEventTime {
			return nil, errInvalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
		if err := validateStreamName("logStreamNamePrefix", in.LogStreamNamePrefix); err != nil {
			return nil, err
		}
	}
	desc := in.Descending != nil && *in.Descending
	offset := 0
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		if !ok || !strings.HasPrefix(t, "s:") {
			return nil, errBadToken(in.NextToken)
		}
		n, err := strconv.Atoi(t[2:])
		if err != nil || n < 0 {
			return nil, errBadToken(in.NextToken)
		}
		offset = n
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.resolveGroupLocked(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	var list []*stream
	start := sort.SearchStrings(g.streamNames, in.LogStreamNamePrefix)
	for i := start; i < len(g.streamNames); i++ {
		if !strings.HasPrefix(g.streamNames[i], in.LogStreamNamePrefix) {
			break
		}
		list = append(list, g.streams[g.streamNames[i]])
	}
	if order == OrderByLastEventTime {
		// Streams without events sort first; ties keep name order.
		sort.SliceStable(list, func(a, b int) bool {
			la, lb := int64(-1<<62), int64(-1<<62)
			if list[a].hasEvents {
				la = list[a].last
			}
			if list[b].hasEvents {
				lb = list[b].last
			}
			return la < lb
		})
	}
	if desc {
		slices.Reverse(list)
	}
	out = &DescribeLogStreamsOutput{LogStreams: []LogStream{}}
	for i := offset; i < len(list) && len(out.LogStreams) < limit; i++ {
		out.LogStreams = append(out.LogStreams, describeStream(list[i]))
	}
	if offset+limit < len(list) {
		out.NextToken = pagetoken.Encode("s:" + strconv.Itoa(offset+limit))
	}
	return out, nil
}

// PutRetentionPolicy sets how many days a group keeps events: one of
// RetentionDays. Events older than that are hidden at once and deleted by the
// next retention sweep.
func (s *Service) PutRetentionPolicy(ctx context.Context, in PutRetentionPolicyInput) (*PutRetentionPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutRetentionPolicy", Resources: s.groupResource(in.LogGroupName)}, in, s.putRetentionPolicy)
}

func (s *Service) putRetentionPolicy(ctx context.Context, c *event.Call, in PutRetentionPolicyInput) (out *PutRetentionPolicyOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if !slices.Contains(RetentionDays, in.RetentionInDays) {
		return nil, errConstraint("retentionInDays", in.RetentionInDays,
			"Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	g.retention = in.RetentionInDays
	return &PutRetentionPolicyOutput{}, nil
}

// DeleteRetentionPolicy makes a group keep its events forever.
func (s *Service) DeleteRetentionPolicy(ctx context.Context, in DeleteRetentionPolicyInput) (*DeleteRetentionPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteRetentionPolicy", Resources: s.groupResource(in.LogGroupName)}, in, s.deleteRetentionPolicy)
}

func (s *Service) deleteRetentionPolicy(ctx context.Context, c *event.Call, in DeleteRetentionPolicyInput) (out *DeleteRetentionPolicyOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	g.retention = 0
	return &DeleteRetentionPolicyOutput{}, nil
}

// retentionCutoff returns the oldest timestamp a group still keeps (or MinInt64).
func retentionCutoff(g *group, now int64) int64 {
	if g.retention == 0 {
		return -1 << 63
	}
	return now - int64(g.retention)*24*3600*1000
}

// sweepRetention deletes expired events (AWS deletes them some time after they
// expire; reads already hide them).
func (s *Service) sweepRetention() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweeps++
	now := s.nowMS()
	for _, g := range s.groups {
		if g.retention == 0 {
			continue
		}
		cut := retentionCutoff(g, now)
		for _, st := range g.streams {
			st.sortTail()
			g.stored -= st.dropBefore(cut)
		}
	}
}

// groupFromARN resolves a TagResource-style ARN to a group name.
func (s *Service) groupFromARN(field, resourceARN string) (string, error) {
	a, err := arn.Parse(resourceARN)
	if err != nil || a.Service != "logs" {
		return "", errInvalid("Invalid %s: %s is not a CloudWatch Logs ARN", field, resourceARN)
	}
	if !strings.HasPrefix(a.Resource, "log-group:") {
		return "", errInvalid("Invalid %s: %s; only log groups can be tagged here", field, resourceARN)
	}
	if a.AccountID != s.account || a.Region != s.region {
		return "", awserr.New("ResourceNotFoundException", msgResourceNotFound)
	}
	return strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*"), nil
}

func (s *Service) tagLocked(name string, tags map[string]string) error {
	g, ok := s.groups[name]
	if !ok {
		return errGroupNotFound(name)
	}
	merged := maps2(g.tags)
	for k, v := range tags {
		merged[k] = v
	}
	if len(merged) > MaxTagsPerResource {
		return errLimit("tags per resource (50)")
	}
	g.tags = merged
	return nil
}

func maps2(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TagResource adds or replaces tags on a log group given its ARN.
func (s *Service) TagResource(ctx context.Context, in TagResourceInput) (*TagResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "TagResource"}, in, s.tagResource)
}

func (s *Service) tagResource(ctx context.Context, c *event.Call, in TagResourceInput) (out *TagResourceOutput, err error) {
	name, err := s.groupFromARN("resourceArn", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, errConstraint("tags", "{}", "Member must have length greater than or equal to 1")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.tagLocked(name, in.Tags); err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// UntagResource removes tags from a log group given its ARN.
func (s *Service) UntagResource(ctx context.Context, in UntagResourceInput) (*UntagResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "UntagResource"}, in, s.untagResource)
}

func (s *Service) untagResource(ctx context.Context, c *event.Call, in UntagResourceInput) (out *UntagResourceOutput, err error) {
	name, err := s.groupFromARN("resourceArn", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 || len(in.TagKeys) > MaxTagsPerResource {
		return nil, errConstraint("tagKeys", len(in.TagKeys), "Member must have length between 1 and 50")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[name]
	if !ok {
		return nil, errGroupNotFound(name)
	}
	tags := maps2(g.tags)
	for _, k := range in.TagKeys {
		delete(tags, k)
	}
	g.tags = tags
	return &UntagResourceOutput{}, nil
}

// ListTagsForResource returns a log group's tags given its ARN.
func (s *Service) ListTagsForResource(ctx context.Context, in ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListTagsForResource", ReadOnly: true}, in, s.listTagsForResource)
}

func (s *Service) listTagsForResource(ctx context.Context, c *event.Call, in ListTagsForResourceInput) (out *ListTagsForResourceOutput, err error) {
	name, err := s.groupFromARN("resourceArn", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.groups[name]
	if !ok {
		return nil, errGroupNotFound(name)
	}
	return &ListTagsForResourceOutput{Tags: maps2(g.tags)}, nil
}

// TagLogGroup is the legacy form of TagResource, by group name.
func (s *Service) TagLogGroup(ctx context.Context, in TagLogGroupInput) (*TagLogGroupOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "TagLogGroup"}, in, s.tagLogGroup)
}

func (s *Service) tagLogGroup(ctx context.Context, c *event.Call, in TagLogGroupInput) (out *TagLogGroupOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, errConstraint("tags", "{}", "Member must have length greater than or equal to 1")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.tagLocked(in.LogGroupName, in.Tags); err != nil {
		return nil, err
	}
	return &TagLogGroupOutput{}, nil
}

// UntagLogGroup is the legacy form of UntagResource, by group name.
func (s *Service) UntagLogGroup(ctx context.Context, in UntagLogGroupInput) (*UntagLogGroupOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "UntagLogGroup"}, in, s.untagLogGroup)
}

func (s *Service) untagLogGroup(ctx context.Context, c *event.Call, in UntagLogGroupInput) (out *UntagLogGroupOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, errConstraint("tags", "[]", "Member must have length greater than or equal to 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	tags := maps2(g.tags)
	for _, k := range in.Tags {
		delete(tags, k)
	}
	g.tags = tags
	return &UntagLogGroupOutput{}, nil
}

// ListTagsLogGroup is the legacy form of ListTagsForResource, by group name.
func (s *Service) ListTagsLogGroup(ctx context.Context, in ListTagsLogGroupInput) (*ListTagsLogGroupOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListTagsLogGroup", ReadOnly: true}, in, s.listTagsLogGroup)
}

func (s *Service) listTagsLogGroup(ctx context.Context, c *event.Call, in ListTagsLogGroupInput) (out *ListTagsLogGroupOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	return &ListTagsLogGroupOutput{Tags: maps2(g.tags)}, nil
}

// PutLogGroupDeletionProtection turns a group's deletion protection on or off.
// While it is on, DeleteLogGroup and DeleteLogStream are refused with
// ValidationException.
func (s *Service) PutLogGroupDeletionProtection(ctx context.Context, in PutLogGroupDeletionProtectionInput) (*PutLogGroupDeletionProtectionOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutLogGroupDeletionProtection"}, in, s.putLogGroupDeletionProtection)
}

func (s *Service) putLogGroupDeletionProtection(ctx context.Context, c *event.Call, in PutLogGroupDeletionProtectionInput) (out *PutLogGroupDeletionProtectionOutput, err error) {
	if in.LogGroupIdentifier == "" {
		return nil, errConstraint("logGroupIdentifier", "", "Member must have length greater than or equal to 1")
	}
	if in.DeletionProtectionEnabled == nil {
		return nil, errConstraint("deletionProtectionEnabled", "null", "Member must not be null")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.resolveGroupLocked("", in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	g.protected = *in.DeletionProtectionEnabled
	return &PutLogGroupDeletionProtectionOutput{}, nil
}

// listPatternRE is AWS's LogGroupNameRegexPattern.
var listPatternRE = regexp.MustCompile(`^(\^?[\.\-_/#A-Za-z0-9]{3,24})(\|\^?[\.\-_/#A-Za-z0-9]{3,24}){0,4}$`)

var accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)

// ListLogGroups lists log groups in name order, each as a summary (name, ARN,
// class), optionally those matching LogGroupNamePattern (alternatives split
// by |; ^ anchors an alternative at the start of the name, otherwise it
// matches anywhere) and of LogGroupClass, up to Limit (1-1000, default 50)
// per page. This service is one account: AccountIdentifiers (at most 20 IDs)
// with IncludeLinkedAccounts select no other account's groups.
func (s *Service) ListLogGroups(ctx context.Context, in ListLogGroupsInput) (*ListLogGroupsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListLogGroups", ReadOnly: true}, in, s.listLogGroups)
}

func (s *Service) listLogGroups(ctx context.Context, c *event.Call, in ListLogGroupsInput) (out *ListLogGroupsOutput, err error) {
	if in.LogGroupNamePattern != "" {
		if len(in.LogGroupNamePattern) < 3 {
			return nil, errConstraint("logGroupNamePattern", in.LogGroupNamePattern, "Member must have length greater than or equal to 3")
		}
		if len(in.LogGroupNamePattern) > 129 {
			return nil, errConstraint("logGroupNamePattern", in.LogGroupNamePattern, "Member must have length less than or equal to 129")
		}
		if !listPatternRE.MatchString(in.LogGroupNamePattern) {
			return nil, errConstraint("logGroupNamePattern", in.LogGroupNamePattern,
				`Member must satisfy regular expression pattern: (\^?[\.\-_\/#A-Za-z0-9]{3,24})(\|\^?[\.\-_\/#A-Za-z0-9]{3,24}){0,4}`)
		}
	}
	if len(in.AccountIdentifiers) > 20 {
		return nil, errConstraint("accountIdentifiers", len(in.AccountIdentifiers), "Member must have length less than or equal to 20")
	}
	for i, a := range in.AccountIdentifiers {
		if !accountIDRE.MatchString(a) {
			return nil, errConstraint(fmt.Sprintf("accountIdentifiers.%d.member", i+1), a, "Member must satisfy regular expression pattern: ^\\d{12}$")
		}
	}
	switch in.LogGroupClass {
	case "", LogGroupClassStandard, LogGroupClassInfrequentAccess, LogGroupClassDelivery:
	default:
		return nil, errConstraint("logGroupClass", in.LogGroupClass, "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	limit, err := limitOf("limit", in.Limit, MaxDescribeLimit, 1000)
	if err != nil {
		return nil, err
	}
	after := ""
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		if !ok || !strings.HasPrefix(t, "l:") {
			return nil, errBadToken(in.NextToken)
		}
		after = t[2:]
	}
	var alts []string
	if in.LogGroupNamePattern != "" {
		alts = strings.Split(in.LogGroupNamePattern, "|")
	}
	matches := func(name string) bool {
		if len(alts) == 0 {
			return true
		}
		for _, a := range alts {
			if p, ok := strings.CutPrefix(a, "^"); ok && strings.HasPrefix(name, p) || !ok && strings.Contains(name, a) {
				return true
			}
		}
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out = &ListLogGroupsOutput{LogGroups: []LogGroupSummary{}}
	start := sort.Search(len(s.names), func(i int) bool { return s.names[i] > after })
	for i := start; i < len(s.names); i++ {
		g := s.groups[s.names[i]]
		if !matches(g.name) || in.LogGroupClass != "" && g.class != in.LogGroupClass {
			continue
		}
		if len(out.LogGroups) == limit {
			out.NextToken = pagetoken.Encode("l:" + out.LogGroups[limit-1].LogGroupName)
			break
		}
		out.LogGroups = append(out.LogGroups, LogGroupSummary{LogGroupName: g.name, LogGroupArn: g.arn, LogGroupClass: g.class})
	}
	return out, nil
}
