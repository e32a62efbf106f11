package config

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/btree"
	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
)

// AvailabilityZoneNotApplicable is the availabilityZone AWS reports for regional and global
// resources.
const AvailabilityZoneNotApplicable = "Not Applicable"

// ResourceConfig declares the current state of a resource, as the AWS service
// that owns it would expose it to Config's discovery. The embedding
// application calls [Service.RecordResource] with it whenever the resource is
// created or changes.
type ResourceConfig struct {
	// ResourceType is an AWS type such as "AWS::EC2::Instance" or a custom
	// type such as "MyCompany::Build::Runner". Required.
	ResourceType string
	// ResourceID identifies the resource within its type (1 to 768
	// characters). Required.
	ResourceID string
	// ResourceName, ARN and AvailabilityZone are copied to the items
	// (AvailabilityZone defaults to "Not Applicable").
	ResourceName     string
	ARN              string
	AvailabilityZone string
	// ResourceCreationTime defaults to the time the resource was first declared.
	ResourceCreationTime time.Time
	// Configuration is the configuration document: JSON text (string, []byte
	// or json.RawMessage) or any value encoding/json can marshal. Keys are
	// stored sorted, so the key order of the input does not matter.
	Configuration any
	// SupplementaryConfiguration holds extra documents by name (for example
	// "BucketVersioningConfiguration" for an S3 bucket), each JSON text or a
	// marshalable value.
	SupplementaryConfiguration map[string]any
	// Tags are the resource's tags.
	Tags map[string]string
	// Relationships are this resource's relationships to others. Config adds
	// the reverse relationship to the related resource's items (and records a
	// new item for it when it changes), as AWS does.
	Relationships []ResourceRelationship
	// RelatedEvents are CloudTrail event IDs to list on the new item in
	// addition to those linked automatically from the bus.
	RelatedEvents []string
}

// ResourceRelationship is a declared relationship to another resource.
type ResourceRelationship struct {
	ResourceType     string
	ResourceID       string
	ResourceName     string
	RelationshipName string // e.g. "Is associated with SecurityGroup"
	// ReverseRelationshipName is the name on the related resource's items. By
	// default it is derived from RelationshipName as AWS names them: "Contains
	// X" ↔ "Is contained in Y", otherwise the last word (the related type's
	// short name) is replaced by this resource's short type name ("Is
	// associated with SecurityGroup" on an instance becomes "Is associated
	// with Instance" on the security group).
	ReverseRelationshipName string
}

// ChangeEvent is published on the bus for every new configuration item, after
// it is stored. Previous is the resource's prior item (nil for the first).
// Diff is the configurationItemDiff of the change notification.
type ChangeEvent struct {
	ConfigurationItem ConfigurationItem
	Previous          *ConfigurationItem
	Diff              ConfigurationItemDiff
}

// state is a declared resource state. It is immutable once built; items
// share its maps and strings.
type state struct {
	name, arn, az string
	created       time.Time
	configuration string
	supplementary map[string]string
	tags          map[string]string
	rels          []ResourceRelationship
}

type inKey struct {
	from ResourceKey
	name string
}

// resource is everything Config knows about one resource.
//
// Layout: the declared (actual) state is kept apart from the recorded items,
// because the recorder may be stopped, may not record the type, or may record
// it DAILY; reconcile compares the two and appends an item when they differ.
// Items live in a btree ordered by capture time (configurationStateId breaks
// ties and is strictly increasing per resource), so a point-in-time lookup is
// one descending seek and a history page is one range scan.
type resource struct {
	key      ResourceKey
	exists   bool
	st       *state
	incoming map[inKey]Relationship // reverse relationships declared by others

	items   *btree.BTreeG[itemRef]
	last    *item
	pending []string // related event IDs for the next item
	dirty   bool     // DAILY: changed since the last item
}

// item is a stored configuration item, kept compact: it points to the
// immutable declared state it recorded (shared by consecutive items and
// never copied) and holds only what is its own. The API-shape
// [ConfigurationItem] is built from it on demand ([Service.full]).
type item struct {
	at      int64 // capture time, Unix nanoseconds
	sid     int64 // configurationStateId
	res     *resource
	st      *state
	rels    []Relationship
	related []string
	md5     [16]byte
	status  ConfigurationItemStatus
	daily   bool
}

func (it *item) captureTime() time.Time { return time.Unix(0, it.at).UTC() }

var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// unixNano is t.UnixNano clamped to int64. time.Time.UnixNano is undefined
// outside the years 1678 to 2262 (a LaterTime in 2300 became a date in 1715
// and hid every item): a bound beyond either end still orders correctly
// against every capture time.
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// itemRef is a btree entry: the ordering key inline (capture time, then
// configurationStateId) and the item. Keeping the key in the node, not behind
// the pointer, means a seek touches only the tree's nodes, not one scattered
// item per comparison.
type itemRef struct {
	at  int64
	sid int64
	it  *item
}

func itemLess(a, b itemRef) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.sid < b.sid
}

func compareKeys(a, b ResourceKey) int {
	if c := strings.Compare(a.ResourceType, b.ResourceType); c != 0 {
		return c
	}
	return strings.Compare(a.ResourceID, b.ResourceID)
}

func isDeletion(st ConfigurationItemStatus) bool {
	return st == StatusResourceDeleted || st == StatusResourceDeletedNotRecorded
}

// rawChange is one new item, collected under the lock and delivered after it.
type rawChange struct {
	it, prev *item
}

// change is a new item and the resource's previous one, in the API shape.
type change struct {
	item *ConfigurationItem
	prev *ConfigurationItem
}

// outbox collects what to publish once the lock is released.
type outbox struct {
	changes []rawChange
}

// RecordResource declares that a resource exists with the given state (the
// analogue of the owning service's change reaching Config). If the recorder
// records the type and the state differs from the last item, a new item is
// recorded (ResourceDiscovered for a new resource, OK for a change); an
// unchanged state records nothing. Related resources whose relationships
// change get items too. While the recorder is stopped the state is kept and
// recorded when it starts.
//
// RecordResource is not an AWS API and records no API call; the API for
// custom resources is [Service.PutResourceConfig].
func (s *Service) RecordResource(ctx context.Context, rc ResourceConfig) error {
	// Not an API call: CloudTrail records none (event.Unrecorded), as before.
	_, err := doThen(event.Unrecorded(orBackground(ctx)), s, event.Call{Name: opRecordResource}, rc, s.recordResource)
	return err
}

// Internal operations: not AWS API calls (CloudTrail records nothing), but
// changes an account with a DataDir journals and replays (see ReplayOp).
const (
	opRecordResource = "localwatch:RecordResource"
	opRecordDeletion = "localwatch:RecordDeletion"
)

func (s *Service) recordResource(ctx context.Context, _ *event.Call, rc ResourceConfig, then *func()) (struct{}, error) {
	st, err := buildState(rc)
	if err != nil {
		return struct{}{}, err
	}
	var out outbox
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.declareLocked(ResourceKey{rc.ResourceType, rc.ResourceID}, st, rc.RelatedEvents, &out)
	}()
	*then = func() { s.deliver(ctx, &out) }
	return struct{}{}, nil
}

// RecordDeletion declares that a resource was deleted: a ResourceDeleted item
// is recorded (ResourceDeletedNotRecorded for an unrecorded type) and related
// resources lose their reverse relationships. Deleting an unknown or already
// deleted resource does nothing.
func (s *Service) RecordDeletion(ctx context.Context, key ResourceKey, relatedEvents ...string) error {
	_, err := doThen(event.Unrecorded(orBackground(ctx)), s, event.Call{Name: opRecordDeletion}, recordDeletionInput{Key: key, RelatedEvents: relatedEvents}, s.recordDeletion)
	return err
}

// recordDeletionInput is RecordDeletion's journaled input.
type recordDeletionInput struct {
	Key           ResourceKey
	RelatedEvents []string
}

func (s *Service) recordDeletion(ctx context.Context, _ *event.Call, in recordDeletionInput, then *func()) (struct{}, error) {
	key := in.Key
	if key.ResourceType == "" || key.ResourceID == "" {
		return struct{}{}, errf("ValidationException", "resourceType and resourceId are required.")
	}
	var out outbox
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.deleteLocked(key, in.RelatedEvents, &out)
	}()
	*then = func() { s.deliver(ctx, &out) }
	return struct{}{}, nil
}

// ReplayOp replays one of the service's internal operations from an
// account's journal (RecordResource and RecordDeletion; the API operations
// are replayed by name). decode fills the input; known is false for another
// name. Applications do not call it.
func (s *Service) ReplayOp(ctx context.Context, name string, decode func(in any) error) (known bool, err error) {
	switch name {
	case opRecordResource:
		var rc ResourceConfig
		if err := decode(&rc); err != nil {
			return true, err
		}
		_, err = doThen(event.Unrecorded(ctx), s, event.Call{Name: name}, rc, s.recordResource)
	case opRecordDeletion:
		var in recordDeletionInput
		if err := decode(&in); err != nil {
			return true, err
		}
		_, err = doThen(event.Unrecorded(ctx), s, event.Call{Name: name}, in, s.recordDeletion)
	default:
		return false, nil
	}
	return true, err
}

func validateKey(t, id string) error {
	if t == "" || len(t) > 196 {
		return errf("ValidationException", "The resourceType %q is not valid: 1 to 196 characters.", t)
	}
	if id == "" || len(id) > 768 {
		return errf("ValidationException", "The resourceId %q is not valid: 1 to 768 characters.", truncate(id, 40))
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func buildState(rc ResourceConfig) (*state, error) {
	if err := validateKey(rc.ResourceType, rc.ResourceID); err != nil {
		return nil, err
	}
	if err := validateTypeForm("resourceType", rc.ResourceType); err != nil {
		return nil, err
	}
	if len(rc.ResourceName) > 768 {
		return nil, errf("ValidationException", "The resourceName is longer than 768 characters.")
	}
	if y := rc.ResourceCreationTime.UTC().Year(); !rc.ResourceCreationTime.IsZero() && (y < 1 || y > 9999) {
		// Items carry it as an ISO 8601 time with a four-digit year: one
		// outside years 0001-9999 could be recorded but never described.
		return nil, errf("ValidationException", "The resourceCreationTime of %s %s is not a time between years 0001 and 9999.", rc.ResourceType, rc.ResourceID)
	}
	conf, err := canonicalJSON(rc.Configuration)
	if err != nil {
		return nil, errf("ValidationException", "The configuration of %s %s is not valid JSON: %v", rc.ResourceType, rc.ResourceID, err)
	}
	st := &state{name: rc.ResourceName, arn: rc.ARN, az: rc.AvailabilityZone, created: rc.ResourceCreationTime.UTC(), configuration: conf}
	if st.az == "" {
		st.az = AvailabilityZoneNotApplicable
	}
	if len(rc.SupplementaryConfiguration) > 0 {
		st.supplementary = make(map[string]string, len(rc.SupplementaryConfiguration))
		for k, v := range rc.SupplementaryConfiguration {
			c, err := canonicalJSON(v)
			if err != nil {
				return nil, errf("ValidationException", "The supplementaryConfiguration %s of %s %s is not valid JSON: %v", k, rc.ResourceType, rc.ResourceID, err)
			}
			st.supplementary[k] = c
		}
	}
	st.tags = rc.Tags // cloned (or shared with the previous state) by declareLocked
	seen := map[inKey]bool{}
	for _, r := range rc.Relationships {
		if err := validateKey(r.ResourceType, r.ResourceID); err != nil {
			return nil, err
		}
		if r.RelationshipName == "" {
			return nil, errf("ValidationException", "The relationship to %s %s has no relationshipName.", r.ResourceType, r.ResourceID)
		}
		k := inKey{ResourceKey{r.ResourceType, r.ResourceID}, r.RelationshipName}
		if seen[k] {
			continue
		}
		seen[k] = true
		if r.ReverseRelationshipName == "" {
			r.ReverseRelationshipName = ReverseRelationshipName(r.RelationshipName, rc.ResourceType)
		}
		st.rels = append(st.rels, r)
	}
	return st, nil
}

// ReverseRelationshipName derives the name of the reverse of relationship
// name declared by a resource of type fromType (see
// ResourceRelationship.ReverseRelationshipName).
func ReverseRelationshipName(name, fromType string) string {
	short := ShortTypeName(fromType)
	switch {
	case strings.HasPrefix(name, "Contains "):
		return "Is contained in " + short
	case strings.HasPrefix(name, "Is contained in "):
		return "Contains " + short
	}
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		return name[:i+1] + short
	}
	return name
}

// ShortTypeName is the last part of a resource type ("AWS::EC2::Instance" →
// "Instance"), as relationship names use it.
func ShortTypeName(t string) string {
	if i := strings.LastIndex(t, "::"); i >= 0 {
		return t[i+2:]
	}
	return t
}

func (s *Service) getLocked(k ResourceKey) *resource {
	r := s.resources[k]
	if r == nil {
		r = &resource{key: k}
		s.resources[k] = r
		s.byID[k.ResourceID] = append(s.byID[k.ResourceID], k)
		s.declaredTypes[k.ResourceType] = true
		s.known.Store(true)
	}
	return r
}

func (s *Service) declareLocked(k ResourceKey, st *state, related []string, out *outbox) {
	now := s.now()
	r := s.getLocked(k)
	var old []ResourceRelationship
	if r.exists && r.st != nil {
		old = r.st.rels
		if st.created.IsZero() {
			st.created = r.st.created
		}
	}
	if st.created.IsZero() {
		st.created = now
	}
	if r.st != nil && r.st.arn != "" && r.st.arn != st.arn {
		delete(s.byARN, r.st.arn)
	}
	if st.arn != "" {
		s.byARN[st.arn] = k
	}
	// Items share their state's maps: reuse the previous map when the tags did
	// not change, otherwise take a private copy of the caller's map.
	if r.st != nil && maps.Equal(r.st.tags, st.tags) {
		st.tags = r.st.tags
	} else if len(st.tags) > 0 {
		st.tags = maps.Clone(st.tags)
	} else {
		st.tags = nil
	}
	r.exists = true
	r.st = st
	r.addPending(related)
	touched := s.relinkLocked(k, old, st.rels)
	s.reconcileLocked(k, now, false, out)
	for _, t := range touched {
		s.reconcileLocked(t, now, false, out)
	}
}

func (s *Service) deleteLocked(k ResourceKey, related []string, out *outbox) {
	r := s.resources[k]
	if r == nil || !r.exists {
		return
	}
	now := s.now()
	r.exists = false
	r.addPending(related)
	touched := s.relinkLocked(k, r.st.rels, nil)
	s.reconcileLocked(k, now, false, out)
	for _, t := range touched {
		s.reconcileLocked(t, now, false, out)
	}
}

// relinkLocked updates the reverse relationships of the resources k relates
// to and returns those whose set changed, in a stable order.
func (s *Service) relinkLocked(k ResourceKey, old, cur []ResourceRelationship) []ResourceKey {
	if len(old) == 0 && len(cur) == 0 {
		return nil
	}
	var name string
	if r := s.resources[k]; r != nil && r.st != nil {
		name = r.st.name
	}
	type entry struct {
		tgt ResourceKey
		rel Relationship
	}
	want := map[inKey]entry{}
	for _, rr := range cur {
		tgt := ResourceKey{rr.ResourceType, rr.ResourceID}
		want[inKey{tgt, rr.RelationshipName}] = entry{tgt, Relationship{ResourceType: k.ResourceType, ResourceID: k.ResourceID, ResourceName: name, RelationshipName: rr.ReverseRelationshipName}}
	}
	var touched []ResourceKey
	mark := func(t ResourceKey) {
		if !slices.Contains(touched, t) {
			touched = append(touched, t)
		}
	}
	for _, rr := range old {
		tgt := ResourceKey{rr.ResourceType, rr.ResourceID}
		if e, ok := want[inKey{tgt, rr.RelationshipName}]; ok && e.rel.RelationshipName == rr.ReverseRelationshipName {
			continue
		}
		if t := s.resources[tgt]; t != nil {
			delete(t.incoming, inKey{k, rr.ReverseRelationshipName})
			mark(tgt)
		}
	}
	for _, rr := range cur {
		tgt := ResourceKey{rr.ResourceType, rr.ResourceID}
		e := want[inKey{tgt, rr.RelationshipName}]
		t := s.getLocked(tgt)
		ik := inKey{k, e.rel.RelationshipName}
		if prev, ok := t.incoming[ik]; ok && prev == e.rel {
			continue
		}
		if t.incoming == nil {
			t.incoming = map[inKey]Relationship{}
		}
		t.incoming[ik] = e.rel
		mark(tgt)
	}
	slices.SortFunc(touched, compareKeys)
	return touched
}

func (r *resource) addPending(ids []string) {
	for _, id := range ids {
		if id == "" || slices.Contains(r.pending, id) {
			continue
		}
		if len(r.pending) >= 100 {
			r.pending = r.pending[1:]
		}
		r.pending = append(r.pending, id)
	}
}

// relationshipsLocked returns the effective relationships of r: its declared
// ones plus the reverse ones others declared, sorted by resource ID.
func (r *resource) relationships() []Relationship {
	n := len(r.incoming)
	if r.st != nil {
		n += len(r.st.rels)
	}
	if n == 0 {
		return nil
	}
	out := make([]Relationship, 0, n)
	if r.st != nil {
		for _, rr := range r.st.rels {
			out = append(out, Relationship{ResourceType: rr.ResourceType, ResourceID: rr.ResourceID, ResourceName: rr.ResourceName, RelationshipName: rr.RelationshipName})
		}
	}
	for _, rel := range r.incoming {
		out = append(out, rel)
	}
	slices.SortFunc(out, func(a, b Relationship) int {
		if c := strings.Compare(a.ResourceID, b.ResourceID); c != 0 {
			return c
		}
		if c := strings.Compare(a.ResourceType, b.ResourceType); c != 0 {
			return c
		}
		if c := strings.Compare(a.RelationshipName, b.RelationshipName); c != 0 {
			return c
		}
		return strings.Compare(a.ResourceName, b.ResourceName)
	})
	// A declared relationship and the reverse of another's can coincide.
	return slices.Compact(out)
}

// reconcileLocked records a new item for k if its declared state differs from
// its last recorded item. flush is true when the DAILY timer records.
func (s *Service) reconcileLocked(k ResourceKey, now time.Time, flush bool, out *outbox) {
	r := s.resources[k]
	if r == nil || !s.recordingLocked() {
		return
	}
	recorded, freq := s.recordsLocked(k.ResourceType)
	if freq == Daily && !flush {
		r.dirty = true
		return
	}
	r.dirty = false
	lastGone := r.last == nil || isDeletion(r.last.status)
	// Capture times are whole milliseconds, as AWS's items, notifications
	// and rule events print them: a rule's lookup
	// GetResourceConfigHistory(laterTime=<capture time>, limit=1) then finds
	// the item itself (issue 21 item 9).
	it := &item{at: unixNano(now.Truncate(time.Millisecond)), res: r}
	switch {
	case !r.exists:
		if lastGone {
			return
		}
		it.status = StatusResourceDeleted
		if r.last.status == StatusResourceNotRecorded || !recorded {
			it.status = StatusResourceDeletedNotRecorded
		}
		it.st = r.last.st
	case !recorded:
		if !lastGone {
			return
		}
		it.status = StatusResourceNotRecorded
		it.st = r.st
	default:
		it.st = r.st
		it.rels = r.relationships()
		it.md5 = stateHash(it.st, it.rels)
		if !lastGone && r.last.status != StatusResourceNotRecorded && it.md5 == r.last.md5 {
			return // unchanged: AWS records no new item
		}
		it.status = StatusOK
		if lastGone || r.last.status == StatusResourceNotRecorded {
			it.status = StatusResourceDiscovered
		}
	}
	it.daily = freq == Daily && recorded
	id := now.UnixMilli()
	if r.last != nil && id <= r.last.sid {
		id = r.last.sid + 1
	}
	it.sid = id
	it.related = r.pending
	r.pending = nil
	if r.items == nil {
		r.items = btree.NewG(16, itemLess)
	}
	r.items.ReplaceOrInsert(itemRef{it.at, it.sid, it})
	out.changes = append(out.changes, rawChange{it: it, prev: r.last})
	r.last = it
}

// stateHash is the MD5 of everything an item records about the resource's
// state (not its capture time or status). The fields are appended to one
// buffer and hashed once.
func stateHash(st *state, rels []Relationship) [16]byte {
	buf := make([]byte, 0, 256+len(st.configuration))
	w := func(parts ...string) {
		for _, p := range parts {
			buf = append(buf, p...)
			buf = append(buf, 0)
		}
	}
	w(st.arn, st.name, st.az, st.configuration)
	buf = st.created.AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, 0)
	for _, k := range sortedKeys(st.tags) {
		w("t", k, st.tags[k])
	}
	for _, k := range sortedKeys(st.supplementary) {
		w("s", k, st.supplementary[k])
	}
	for _, r := range rels {
		w("r", r.ResourceType, r.ResourceID, r.ResourceName, r.RelationshipName)
	}
	return md5.Sum(buf)
}

func sortedKeys(m map[string]string) []string {
	switch len(m) {
	case 0:
		return nil
	case 1:
		for k := range m {
			return []string{k}
		}
	}
	return slices.Sorted(maps.Keys(m))
}

// --- DAILY recording ---------------------------------------------------------

// armDailyLocked runs the DAILY flush every 24 hours while the recorder
// records and has a DAILY frequency anywhere.
func (s *Service) armDailyLocked() {
	need := s.recordingLocked() && !s.closed && (s.recorder.RecordingMode.RecordingFrequency == Daily ||
		slices.ContainsFunc(s.recorder.RecordingMode.RecordingModeOverrides, func(o RecordingModeOverride) bool { return o.RecordingFrequency == Daily }))
	if need == (s.dailyTimer != nil) {
		return
	}
	if !need {
		s.dailyTimer.Stop()
		s.dailyTimer = nil
		return
	}
	s.dailyTimer = s.armDailyTimerLocked()
}

func (s *Service) flushDaily(at time.Time) {
	var out outbox
	keys := make([]ResourceKey, 0)
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for k, r := range s.resources {
			if r.dirty {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, compareKeys)
		for _, k := range keys {
			s.reconcileLocked(k, at, true, &out)
		}
	}()
	s.deliver(context.Background(), &out)
}

// --- delivery --------------------------------------------------------------

// deliver publishes the ChangeEvents and change notifications for the items
// collected in out and runs the change-triggered rules. It is called with no
// lock held.
func (s *Service) deliver(ctx context.Context, out *outbox) {
	if len(out.changes) == 0 {
		return
	}
	topic, rules := s.deliveryTargets()
	wantEvents := bus.HasSubscribers[ChangeEvent](s.op.Bus)
	wantNotes := topic != "" && bus.HasSubscribers[event.Notification](s.op.Bus)
	if !wantEvents && !wantNotes && !rules {
		return
	}
	for _, rc := range out.changes {
		// Items and states are immutable: building the API shape needs no lock.
		c := change{item: s.full(rc.it)}
		if rc.prev != nil {
			c.prev = s.full(rc.prev)
		}
		if wantEvents || wantNotes {
			diff := Diff(c.prev, c.item)
			if wantEvents {
				ev := ChangeEvent{ConfigurationItem: cloneItem(c.item), Diff: diff}
				if c.prev != nil {
					p := cloneItem(c.prev)
					ev.Previous = &p
				}
				_ = bus.Publish(ctx, s.op.Bus, ev)
			}
			if wantNotes {
				s.notifyChange(ctx, topic, c, diff)
			}
		}
		s.evaluateChange(ctx, c)
	}
}

// deliveryTargets returns the channel's topic and whether any rule exists.
func (s *Service) deliveryTargets() (topic string, rules bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channel != nil {
		topic = s.channel.SNSTopicARN
	}
	return topic, len(s.rules) > 0
}

// full builds the API-shape item of it. The result shares nothing mutable
// with the store.
func (s *Service) full(it *item) *ConfigurationItem {
	ci := new(ConfigurationItem)
	s.fill(ci, it)
	return ci
}

// fill writes the API-shape item of it into ci.
func (s *Service) fill(ci *ConfigurationItem, it *item) {
	*ci = ConfigurationItem{
		Version: ItemVersion, AccountID: s.op.AccountID, ConfigurationItemCaptureTime: it.captureTime(),
		ConfigurationItemStatus: it.status, ConfigurationStateID: strconv.FormatInt(it.sid, 10),
		ResourceType: it.res.key.ResourceType, ResourceID: it.res.key.ResourceID, AWSRegion: s.op.Region,
		Tags: map[string]string{}, RelatedEvents: slices.Clone(it.related), Relationships: slices.Clone(it.rels),
		SupplementaryConfiguration: map[string]string{}, stateID: it.sid, md5: it.md5,
	}
	if ci.RelatedEvents == nil {
		ci.RelatedEvents = []string{}
	}
	if ci.Relationships == nil {
		ci.Relationships = []Relationship{}
	}
	if st := it.st; st != nil {
		ci.ARN, ci.ResourceName, ci.AvailabilityZone = st.arn, st.name, st.az
		// AWS's ResourceDeleted items carry availabilityZone and
		// resourceCreationTime as null.
		if isDeletion(it.status) {
			ci.AvailabilityZone = ""
		}
		if it.status != StatusResourceNotRecorded && !isDeletion(it.status) {
			created := st.created
			ci.ResourceCreationTime = &created
		}
		if it.status == StatusOK || it.status == StatusResourceDiscovered {
			ci.Configuration = st.configuration
			maps.Copy(ci.Tags, st.tags)
			maps.Copy(ci.SupplementaryConfiguration, st.supplementary)
			ci.ConfigurationItemMD5Hash = hex.EncodeToString(it.md5[:])
		}
	}
	if it.daily {
		ci.RecordingFrequency = Daily
		t := ci.ConfigurationItemCaptureTime
		ci.ConfigurationItemDeliveryTime = &t
	}
}

func cloneItem(ci *ConfigurationItem) ConfigurationItem {
	c := *ci
	c.ConfigurationStateID = ci.stateIDString()
	c.ConfigurationItemMD5Hash = ci.md5Hex()
	c.Tags = maps.Clone(ci.Tags)
	if c.Tags == nil {
		c.Tags = map[string]string{}
	}
	c.SupplementaryConfiguration = maps.Clone(ci.SupplementaryConfiguration)
	if c.SupplementaryConfiguration == nil {
		c.SupplementaryConfiguration = map[string]string{}
	}
	c.RelatedEvents = slices.Clone(ci.RelatedEvents)
	if c.RelatedEvents == nil {
		c.RelatedEvents = []string{}
	}
	c.Relationships = slices.Clone(ci.Relationships)
	if c.Relationships == nil {
		c.Relationships = []Relationship{}
	}
	if ci.ResourceCreationTime != nil {
		t := *ci.ResourceCreationTime
		c.ResourceCreationTime = &t
	}
	if ci.ConfigurationItemDeliveryTime != nil {
		t := *ci.ConfigurationItemDeliveryTime
		c.ConfigurationItemDeliveryTime = &t
	}
	return c
}
