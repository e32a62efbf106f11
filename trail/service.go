package trail

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/objstore"
)

// EventSource is CloudTrail's own eventSource.
const EventSource = "cloudtrail.amazonaws.com"

// Default cadences and retention (see the package comment).
const (
	DefaultDeliveryInterval = 5 * time.Minute
	DefaultDigestInterval   = time.Hour
	HistoryRetention        = 90 * 24 * time.Hour
	// MinInterval is the shortest DeliveryInterval and DigestInterval: shorter
	// ones are raised to it (and both are rounded to whole seconds), so that
	// simulated time costs in proportion to what happens in it.
	MinInterval = time.Second
)

// Options configures a [Service]. The zero value works: real clock, no bus,
// random IDs, us-east-1, account 123456789012, a private [Shared] with an
// in-memory object store.
type Options struct {
	// Clock stamps eventTime and drives delivery, digests and the 90-day
	// history. Nil means the wall clock (localwatch.RealClock{}); tests pass
	// localwatch.NewManualClock(t0) and deliver files with Advance.
	Clock clock.Clock
	// Bus is where the service listens for event.APICall (the other services'
	// operations) and publishes its own calls, log deliveries and
	// notifications. Nil means no events: pass new(localwatch.Bus), or the
	// bus the other services use.
	Bus *bus.Bus
	// IDs generates event IDs, request IDs and log file names. Nil means
	// random; localwatch.NewIDSource(seed) makes them reproducible.
	IDs *ids.Source
	// Region defaults to "us-east-1"; AccountID to "123456789012".
	Region    string
	AccountID string
	// Store is where log and digest files go when Shared is nil (nil: a new
	// objstore.Memory). With a Shared, Shared.Store is used.
	Store objstore.Store
	// Shared is what the Regions of one account share (multi-Region trails,
	// the object store, the signing keys). Give every Region's Service the same
	// Shared; nil makes a private one.
	Shared *Shared
	// OrganizationID ("o-...") enables organization trails
	// (IsOrganizationTrail); their keys contain AWSLogs/<o-id>/<account>/.
	OrganizationID string
	// DeliveryInterval is the log-file cadence (default 5 minutes);
	// DigestInterval the digest cadence (default 1 hour, rounded up to a
	// multiple of DeliveryInterval). Both are aligned to the Unix epoch.
	DeliveryInterval time.Duration
	DigestInterval   time.Duration
	// LogGroupExists, when set, tells whether the CloudWatch Logs log group
	// of an ARN exists; CreateTrail and UpdateTrail then reject a trail whose
	// CloudWatchLogsLogGroupArn names a missing group with
	// InvalidCloudWatchLogsLogGroupArnException, as AWS does. The stack wires
	// it to the account's CloudWatch Logs; nil skips the check.
	LogGroupExists func(ctx context.Context, logGroupARN string) bool
	// Journal is set by localwatch.Account when its Options.DataDir is set;
	// leave nil.
	Journal op.Journal
	// States is set by localwatch.Account when its Options.DataDir is set;
	// collects the service's checkpoint hooks.
	States *op.States
}

// Shared holds what CloudTrail shares across the Regions of one account: the
// trail definitions (a multi-Region trail is defined once, in its home Region,
// and shadowed in every other Region), the object store log and digest files
// are delivered to, and the per-Region signing keys. The zero value is ready
// to use (its Store then defaults to an objstore.Memory).
type Shared struct {
	// Store receives log and digest files (nil: an objstore.Memory, created on
	// first use).
	Store objstore.Store
	// KeySeed seeds the per-Region RSA signing keys: the key of Region r is
	// generated deterministically from (KeySeed, account, r), so the same seed
	// gives the same keys, fingerprints and signatures on every run.
	KeySeed uint64

	// mu guards Store's lazy default and every field below except version,
	// which is bumped under mu (on each trail change) and read without it.
	mu       sync.Mutex
	services map[string]*Service    // by account + "/" + region: the open Services
	trails   map[string]*trailState // by ARN
	order    uint64
	version  atomic.Uint64
	keys     map[string]*signingKey // by account + "/" + region
	since    map[string]time.Time   // when each Region's Service began
}

func (sh *Shared) store() objstore.Store {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.Store == nil {
		sh.Store = &objstore.Memory{}
	}
	return sh.Store
}

// Service is CloudTrail in one Region of one account: it turns every
// event.APICall on the bus into a record, keeps the Region's event history,
// and delivers the Region's part of every trail that applies to it.
type Service struct {
	// op holds the clock, bus, IDs, Region, account and journal, records
	// the Service's own API calls and refuses calls after Close.
	op       op.Service
	orgID    string
	shared   *Shared
	interval time.Duration
	digestIv time.Duration
	groupOK  func(ctx context.Context, logGroupARN string) bool

	unsub   func()
	timer   clock.Timer
	dataSel atomic.Pointer[dataSelection] // cache of selectsData

	// mu guards everything below up to deliverMu: the event history, the
	// trails' views and pending records, the identity cache and the slabs.
	mu        sync.Mutex
	history   history
	views     []*trailConfig // trails applying in this Region, logging or not
	viewsVer  uint64
	bufs      map[string]*chunked[*entry] // pending records per trail ARN
	lastID    identity.Identity
	lastHasID bool
	lastUI    *UserIdentity
	// mgmtSlab and dataSlab are where entries are carved from, one slab per
	// retention class: a management event lives 90 days in event history, a
	// data event only until its trails' next delivery. Sharing a slab would
	// let one management event pin 127 data events' parameters for 90 days.
	mgmtSlab, dataSlab []entry
	scratch            Record // for selector matching, under mu

	deliverMu sync.Mutex                // serializes deliveries; guards regional
	regional  map[string]*regionalState // per trail ARN: digest chain
}

// New returns a CloudTrail Service for opts.Region. It subscribes to
// event.APICall on opts.Bus and registers the delivery schedule on the clock;
// Close undoes both.
func New(opts Options) *Service {
	s := &Service{
		orgID:    opts.OrganizationID,
		shared:   opts.Shared,
		interval: opts.DeliveryInterval,
		digestIv: opts.DigestInterval,
		groupOK:  opts.LogGroupExists,
		bufs:     make(map[string]*chunked[*entry]),
		regional: make(map[string]*regionalState),
	}
	s.op.Init(op.Common{Clock: opts.Clock, Bus: opts.Bus, IDs: opts.IDs, Region: opts.Region, AccountID: opts.AccountID, Journal: opts.Journal, States: opts.States},
		"trail", EventSource, "ServiceUnavailableException")
	if s.shared == nil {
		s.shared = &Shared{Store: opts.Store}
	}
	if s.interval <= 0 {
		s.interval = DefaultDeliveryInterval
	}
	if s.digestIv <= 0 {
		s.digestIv = DefaultDigestInterval
	}
	s.interval = max(s.interval, MinInterval).Round(time.Second)
	s.digestIv = max(s.digestIv, MinInterval).Round(time.Second)
	if r := s.digestIv % s.interval; r != 0 {
		s.digestIv += s.interval - r
	}
	s.shared.noteRegion(s.op.AccountID, s.op.Region, s.op.Clock.Now())
	s.shared.register(s)
	if s.op.Bus != nil {
		s.unsub = bus.SubscribeFiltered(s.op.Bus, "trail/"+s.op.Region, func(ev event.APICall) bool { return s.wantsCall(&ev) }, func(_ context.Context, ev event.APICall) error {
			return s.consume(&ev)
		})
	}
	s.timer = clock.EveryNamed(s.op.Clock, s.timerName(), s.interval, s.tick)
	s.op.SetStateHooks(op.StateHooks{Save: s.saveState, Load: s.loadState})
	return s
}

// Close unsubscribes from the bus and stops the delivery schedule. Pending
// records that were not delivered yet are dropped. After Close every
// operation answers awserr.Closed("ServiceUnavailableException"); Close may
// be called again.
func (s *Service) Close() {
	if !s.op.MarkClosed() {
		return
	}
	s.shared.unregister(s)
	if s.unsub != nil {
		s.unsub()
	}
	if s.timer != nil {
		s.timer.Stop()
	}
}

// Region returns the Service's Region.
func (s *Service) Region() string { return s.op.Region }

// Store returns the object store log and digest files are delivered to.
func (s *Service) Store() objstore.Store { return s.shared.store() }

// globalRegion is where CloudTrail records global-service events.
const globalRegion = "us-east-1"

// register makes s the Service of its account and Region in sh (for events
// other Regions hand over: global-service events).
func (sh *Shared) register(s *Service) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.services == nil {
		sh.services = make(map[string]*Service)
	}
	sh.services[s.op.AccountID+"/"+s.op.Region] = s
}

func (sh *Shared) unregister(s *Service) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if k := s.op.AccountID + "/" + s.op.Region; sh.services[k] == s {
		delete(sh.services, k)
	}
}

// service returns the open Service of account and region, or nil.
func (sh *Shared) service(account, region string) *Service {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.services[account+"/"+region]
}

// globalSources are the services whose events CloudTrail records in
// us-east-1 whatever Region the caller used (CloudTrail concepts: global
// service events, since November 2021).
var globalSources = map[string]bool{
	"iam.amazonaws.com":        true,
	"sts.amazonaws.com":        true,
	"cloudfront.amazonaws.com": true,
}

// isGlobalEvent reports whether a trail treats the event as a global service
// event (IncludeGlobalServiceEvents): IAM, STS, CloudFront and console
// sign-in.
func isGlobalEvent(source string) bool {
	return globalSources[source] || source == "signin.amazonaws.com"
}

// wantsCall is the Service's filter on the API calls of the bus: event history
// keeps management events only, and a data event reaches a trail only through
// event selectors (the default selectors log management events only), so a
// data event matters only while some trail of the account applying to the
// Region has selectors. A call without an EventID is taken too: consume draws
// its ID. Filtered-out calls are never built (event.APICall).
func (s *Service) wantsCall(ev *event.APICall) bool {
	return ev.Management || ev.EventID == "" || s.selectsData()
}

type dataSelection struct {
	ver uint64
	on  bool
}

// selectsData reports whether a trail applying to the Region has selectors,
// recomputed only when the trails changed.
func (s *Service) selectsData() bool {
	sh := s.shared
	v := sh.version.Load()
	if c := s.dataSel.Load(); c != nil && c.ver == v {
		return c.on
	}
	on := false
	sh.mu.Lock()
	for _, st := range sh.trails {
		if c := st.cfg; c.match != nil && c.Account == s.op.AccountID && (c.HomeRegion == s.op.Region || c.MultiRegion) {
			on = true
			break
		}
	}
	sh.mu.Unlock()
	s.dataSel.Store(&dataSelection{ver: v, on: on})
	return on
}

// consume turns an API call from the bus into a record. Its request
// parameters and response elements are not checked here, on the hot path
// (localwatch's services validate what they record); a call whose elements
// cannot be encoded as JSON (NaN, a channel) is written — in log files,
// CloudWatch Logs and LookupEvents — without them (null, as for calls that
// have none), never as a stub.
func (s *Service) consume(ev *event.APICall) (err error) {
	region := ev.AWSRegion
	if globalSources[ev.EventSource] {
		region = globalRegion
	}
	if region == "" {
		region = s.op.Region
	}
	if region != s.op.Region || (ev.RecipientAccountID != "" && ev.RecipientAccountID != s.op.AccountID) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.allocEntryLocked(ev.Management)
	e.t = ev.Time.Unix()
	if ev.Time.IsZero() {
		e.t = s.op.Clock.Now().Unix()
	}
	e.source, e.name, e.reqID, e.eventID = ev.EventSource, ev.EventName, truncate(ev.RequestID, 1024), ev.EventID
	e.params, e.resp = ev.RequestParameters, ev.ResponseElements
	if ev.ReadOnly {
		e.flags |= flagReadOnly
	}
	if ev.Management {
		e.flags |= flagManagement
	}
	if len(ev.Resources) > 0 {
		e.resources = make([]Resource, len(ev.Resources))
		for i, res := range ev.Resources {
			e.resources[i] = Resource{AccountID: res.AccountID, Type: res.Type, ARN: res.ARN}
		}
	}
	if e.eventID == "" {
		e.eventID = s.op.IDs.UUID()
	}
	e.ui, e.ip, e.ua = s.identityLocked(ev.Identity, ev.HasIdentity)
	if ev.ErrorCode != "" || ev.ErrorMessage != "" || (ev.EventType != "" && ev.EventType != string(EventTypeAPICall)) || region != ev.AWSRegion {
		r := s.record(e)
		r.ErrorCode, r.ErrorMessage = truncate(ev.ErrorCode, 1024), truncate(ev.ErrorMessage, 1024)
		if ev.EventType != "" {
			r.EventType = EventType(ev.EventType)
		}
		r.AWSRegion = region
		e.full = r
	}
	s.addLocked(e)
	return err
}

// recordSlab is how many records consume allocates at once: records of one
// retention class (management events: event history, 90 days; data events:
// pending files only) are retained together and expire together, so one
// allocation per slab saves the per-object allocation cost on the hot path
// without keeping anything alive longer than its own retention.
const recordSlab = 128

func (s *Service) allocEntryLocked(management bool) *entry {
	slab := &s.dataSlab
	if management {
		slab = &s.mgmtSlab
	}
	if len(*slab) == 0 {
		*slab = make([]entry, recordSlab)
	}
	r := &(*slab)[0]
	*slab = (*slab)[1:]
	return r
}

// DefaultSourceIPAddress is the sourceIPAddress recorded for a caller whose
// identity carries none.
const DefaultSourceIPAddress = "127.0.0.1"

// DefaultUserAgent is the userAgent recorded for a caller whose identity
// carries none. CloudTrail always writes userAgent (the SDK's or CLI's agent
// string, for calls through an SDK); calls made through the localwatch services
// are recorded with this one. An AWSService caller without a user agent is
// recorded with its service host (invokedBy), as AWS does.
const DefaultUserAgent = "localwatch"

// identityLocked converts the caller identity, caching the last conversion
// (consecutive calls usually come from the same caller). A call whose context
// carried no identity is recorded as made by the account's root user.
func (s *Service) identityLocked(id identity.Identity, has bool) (*UserIdentity, string, string) {
	if !has {
		id = identity.Root(s.op.AccountID)
	}
	if s.lastUI == nil || id != s.lastID {
		s.lastID, s.lastUI = id, userIdentityOf(id)
	}
	ip := id.SourceIPAddress
	if ip == "" {
		if id.Type == "AWSService" && id.InvokedBy != "" {
			ip = id.InvokedBy
		} else {
			ip = DefaultSourceIPAddress
		}
	}
	ua := id.UserAgent
	if ua == "" {
		if id.Type == "AWSService" && id.InvokedBy != "" {
			ua = id.InvokedBy
		} else {
			ua = DefaultUserAgent
		}
	}
	return s.lastUI, ip, truncate(ua, 1024)
}

func userIdentityOf(id identity.Identity) *UserIdentity {
	ui := &UserIdentity{
		Type:        id.Type,
		PrincipalID: id.PrincipalID,
		ARN:         id.ARN,
		AccountID:   id.AccountID,
		AccessKeyID: id.AccessKeyID,
		UserName:    id.UserName,
		InvokedBy:   id.InvokedBy,
	}
	if ui.Type == "" {
		ui.Type = "Unknown"
	}
	if id.SessionIssuer != nil {
		mfa := "false"
		if id.MFAAuthenticated {
			mfa = "true"
		}
		ui.SessionContext = &SessionContext{
			SessionIssuer: &SessionIssuer{
				Type: id.SessionIssuer.Type, PrincipalID: id.SessionIssuer.PrincipalID,
				ARN: id.SessionIssuer.ARN, AccountID: id.SessionIssuer.AccountID, UserName: id.SessionIssuer.UserName,
			},
			Attributes: &SessionAttributes{MFAAuthenticated: mfa},
		}
	}
	if !id.SessionCreated.IsZero() && ui.SessionContext != nil {
		ui.SessionContext.Attributes.CreationDate = id.SessionCreated.UTC().Format(TimeFormat)
	}
	return ui
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// addLocked puts r into the event history (management events) and into the
// pending file of every logging trail that selects it.
func (s *Service) addLocked(e *entry) {
	if e.management() {
		s.history.add(e)
	}
	if v := s.shared.version.Load(); v != s.viewsVer {
		s.refreshViewsLocked()
	}
	global := isGlobalEvent(e.source)
	filled := false
	for _, t := range s.views {
		if !t.Logging || (global && !t.IncludeGlobal) {
			continue
		}
		if t.match == nil {
			if !e.management() {
				continue // default selectors: management events only
			}
		} else {
			if !filled {
				s.fill(e, &s.scratch)
				filled = true
			}
			if !t.match(&s.scratch) {
				continue
			}
		}
		p := s.bufs[t.ARN]
		if p == nil {
			p = new(chunked[*entry])
			s.bufs[t.ARN] = p
		}
		p.push(e)
	}
	if filled {
		s.scratch = Record{} // drop references
	}
}

// refreshViewsLocked re-reads the trails that apply to this Region.
func (s *Service) refreshViewsLocked() {
	sh := s.shared
	func() {
		sh.mu.Lock()
		defer sh.mu.Unlock()
		s.viewsVer = sh.version.Load()
		s.views = s.views[:0]
		for _, st := range sh.trails {
			c := st.cfg
			if c.Account == s.op.AccountID && (c.HomeRegion == s.op.Region || c.MultiRegion) {
				s.views = append(s.views, c)
			}
		}
	}()
	sortConfigs(s.views)
}

// RecordEvent records an event the application itself observed: a console
// sign-in (EventType AwsConsoleSignIn, source signin.amazonaws.com), an S3
// object-level data event (EventCategory Data), a service event
// (AwsServiceEvent), or any API call not made through a localwatch service.
// The caller identity comes from ctx (the account root when ctx has none) and
// the time from the clock. It goes to event history (management events) and
// to every logging trail whose selectors match, exactly like API calls from
// the bus. RecordEvent is not itself an API call and records none.
//
// A global-service event (IAM, STS, CloudFront) belongs to us-east-1: outside
// us-east-1 RecordEvent hands it to the us-east-1 Service sharing this
// Service's [Shared], or, without one, keeps nothing and returns a nil Record.
func (s *Service) RecordEvent(ctx context.Context, in RecordEventInput) (*RecordEventOutput, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	// Through the funnel for Close and the journal, but not an API call:
	// nothing is recorded for it.
	return op.Do(event.Unrecorded(ctx), &s.op, event.Call{Name: "RecordEvent"}, in, s.recordEvent)
}

func (s *Service) recordEvent(ctx context.Context, _ *event.Call, in RecordEventInput) (*RecordEventOutput, error) {
	if in.EventSource == "" {
		return nil, awserr.New("InvalidParameterException", "EventSource is required")
	}
	if in.EventName == "" && in.EventType != EventTypeInsight {
		return nil, awserr.New("InvalidParameterException", "EventName is required")
	}
	// A record that cannot be encoded could never be delivered or looked up.
	for _, f := range []struct {
		name string
		v    any
	}{{"RequestParameters", in.RequestParameters}, {"ResponseElements", in.ResponseElements},
		{"AdditionalEventData", in.AdditionalEventData}, {"ServiceEventDetails", in.ServiceEventDetails}} {
		if err := checkEncodable(f.v); err != nil {
			return nil, awserr.New("InvalidParameterException", "%s cannot be encoded as JSON: %v", f.name, err)
		}
	}
	cat := in.EventCategory
	if cat == "" {
		cat = CategoryManagement
	}
	switch cat {
	case CategoryManagement, CategoryData, CategoryNetworkActivity:
	default:
		return nil, awserr.New("InvalidParameterException", "EventCategory %q is not Management, Data or NetworkActivity", cat)
	}
	et := in.EventType
	if et == "" {
		et = EventTypeAPICall
	}
	switch et {
	case EventTypeAPICall, EventTypeServiceEvent, EventTypeConsoleAction, EventTypeConsoleSignIn:
	default:
		return nil, awserr.New("InvalidParameterException", "EventType %q is not AwsApiCall, AwsServiceEvent, AwsConsoleAction or AwsConsoleSignIn", et)
	}
	if globalSources[in.EventSource] && s.op.Region != globalRegion {
		// A global-service event belongs to us-east-1's history and trails.
		if home := s.shared.service(s.op.AccountID, globalRegion); home != nil {
			return home.RecordEvent(ctx, in)
		}
		return &RecordEventOutput{}, nil
	}
	region := s.op.Region
	r := &Record{
		EventVersion:        EventVersion,
		EventTime:           s.op.Clock.Now().UTC().Truncate(time.Second),
		EventSource:         in.EventSource,
		EventName:           in.EventName,
		AWSRegion:           region,
		ErrorCode:           truncate(in.ErrorCode, 1024),
		ErrorMessage:        truncate(in.ErrorMessage, 1024),
		RequestParameters:   in.RequestParameters,
		ResponseElements:    in.ResponseElements,
		AdditionalEventData: in.AdditionalEventData,
		ServiceEventDetails: in.ServiceEventDetails,
		RequestID:           truncate(in.RequestID, 1024),
		EventID:             in.EventID,
		ReadOnly:            boolPtr(in.ReadOnly),
		Resources:           append([]Resource(nil), in.Resources...),
		EventType:           et,
		APIVersion:          in.APIVersion,
		ManagementEvent:     boolPtr(cat == CategoryManagement),
		RecipientAccountID:  s.op.AccountID,
		SharedEventID:       in.SharedEventID,
		VPCEndpointID:       in.VPCEndpointID,
		EventCategory:       cat,
	}
	if in.TLSDetails != nil {
		tls := *in.TLSDetails
		r.TLSDetails = &tls
	}
	if in.SessionCredentialFromConsole {
		r.SessionCredentialFromConsole = "true"
	}
	id, has := identity.From(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.EventID == "" {
		r.EventID = s.op.IDs.UUID()
	}
	if r.RequestID == "" && et == EventTypeAPICall {
		// "The value that identifies the request. The service being called
		// generates this value" (record contents): every API call has one.
		r.RequestID = s.op.IDs.UUID()
	}
	r.UserIdentity, r.SourceIPAddress, r.UserAgent = s.identityLocked(id, has)
	if in.UserIdentity != nil {
		ui := *in.UserIdentity
		r.UserIdentity = &ui
	}
	if et == EventTypeConsoleSignIn {
		r.UserIdentity = signInIdentity(r.UserIdentity, in, in.UserIdentity == nil)
	}
	if in.SourceIPAddress != "" {
		r.SourceIPAddress = in.SourceIPAddress
	}
	if in.UserAgent != "" {
		r.UserAgent = truncate(in.UserAgent, 1024)
	}
	e := s.allocEntryLocked(cat == CategoryManagement)
	*e = entryOf(r)
	s.addLocked(e)
	return &RecordEventOutput{Record: r}, nil
}

// signInIdentity shapes the userIdentity of a console sign-in record as
// CloudTrail writes it: a sign-in uses a password, not an access key, so an
// identity from the context loses its access key ID; "accessKeyId": "" is
// written for every sign-in event except an IAM user's successful
// ConsoleLogin (which has none); and a failed sign-in of an IAM user whose
// identity came from the context has no arn. An identity the caller
// gave in RecordEventInput.UserIdentity keeps its fields (for a mistyped user
// name, give {Type: "IAMUser", AccountID: ..., UserName:
// "HIDDEN_DUE_TO_SECURITY_REASONS"} and ErrorMessage "No username found in
// supplied account").
func signInIdentity(ui *UserIdentity, in RecordEventInput, fromContext bool) *UserIdentity {
	failed := in.ErrorMessage != "" || in.ErrorCode != ""
	out := *ui
	if fromContext {
		out.AccessKeyID = ""
	}
	if out.AccessKeyID == "" && (failed || out.Type != "IAMUser" || in.EventName != "ConsoleLogin") {
		out.emptyKey = true
	}
	if failed && fromContext && out.Type == "IAMUser" {
		out.ARN = ""
	}
	return &out
}

// usernameOf is LookupEvents' Username for a record: the IAM user name, the
// session name of an assumed role, "root" for the root user, or the invoking
// service.
func usernameOf(ui *UserIdentity) string {
	if ui == nil {
		return ""
	}
	switch ui.Type {
	case "Root":
		if ui.UserName != "" {
			return ui.UserName
		}
		return "root"
	case "AssumedRole", "FederatedUser":
		if i := strings.LastIndexByte(ui.ARN, '/'); i >= 0 {
			return ui.ARN[i+1:]
		}
	case "AWSService":
		return ui.InvokedBy
	}
	return ui.UserName
}
