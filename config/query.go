package config

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// --- PutResourceConfig / DeleteResourceConfig --------------------------------

// reservedOrgs are the first ResourceType parts AWS forbids for custom types.
var reservedOrgs = map[string]bool{"aws": true, "amzn": true, "amazon": true, "alexa": true, "custom": true}

// PutResourceConfig records the configuration of a custom (third-party)
// resource, as AWS's API does: the type's organization (up to the first ::)
// must not be AWS, Amzn, Amazon, Alexa or Custom, SchemaVersionId is
// required, the configuration is a JSON document of at most 64 KB
// characters, and the recorder must be recording
// (NoRunningConfigurationRecorderException).
func (s *Service) PutResourceConfig(ctx context.Context, in PutResourceConfigInput) (*PutResourceConfigOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutResourceConfig"}, in, s.putResourceConfig)
}

func (s *Service) putResourceConfig(ctx context.Context, call *event.Call, in PutResourceConfigInput) (*PutResourceConfigOutput, error) {
	err := s.storeResourceConfig(ctx, in)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{
			"resourceType": in.ResourceType, "schemaVersionId": in.SchemaVersionID, "resourceId": in.ResourceID,
			"resourceName": in.ResourceName, "configuration": in.Configuration, "tags": in.Tags}))
	}
	if err != nil {
		return nil, err
	}
	return &PutResourceConfigOutput{}, nil
}

// MaxResourceConfigBytes is PutResourceConfig's limit on Configuration
// ("The configuration JSON must not exceed 64 KB", API reference).
const MaxResourceConfigBytes = 64 * 1024

func validateCustomType(t string) error {
	org, _, ok := strings.Cut(t, "::")
	if !ok || org == "" {
		return errf("ValidationException", "The resourceType %q is not valid: it must have the form Organization::Service::Type.", t)
	}
	if reservedOrgs[strings.ToLower(org)] {
		return errf("ValidationException", "The resourceType %q uses the reserved organization name %q.", t, org)
	}
	return nil
}

func (s *Service) storeResourceConfig(ctx context.Context, in PutResourceConfigInput) error {
	if err := validateKey(in.ResourceType, in.ResourceID); err != nil {
		return err
	}
	if err := validateCustomType(in.ResourceType); err != nil {
		return err
	}
	if in.SchemaVersionID == "" || len(in.SchemaVersionID) > 128 {
		return errf("ValidationException", "The schemaVersionId %q is not valid: 1 to 128 characters.", in.SchemaVersionID)
	}
	for _, c := range in.SchemaVersionID {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return errf("ValidationException", "The schemaVersionId %q is not valid: letters, digits and '-' only.", in.SchemaVersionID)
		}
	}
	if in.Configuration == "" || len(in.Configuration) > MaxResourceConfigBytes {
		return errf("ValidationException", "The configuration is not valid: 1 byte to 64 KB (got %d bytes).", len(in.Configuration))
	}
	if len(in.Tags) > 50 {
		return errf("ValidationException", "Tags has %d entries; at most 50 are allowed.", len(in.Tags))
	}
	for k, v := range in.Tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return errf("ValidationException", "The tag %q is not valid: keys are 1 to 128 and values 0 to 256 characters.", truncate(k, 40))
		}
	}
	st, err := buildState(ResourceConfig{ResourceType: in.ResourceType, ResourceID: in.ResourceID, ResourceName: in.ResourceName, Configuration: in.Configuration, Tags: in.Tags})
	if err != nil {
		return err
	}
	var out outbox
	if err := func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.recordingLocked() {
			return errf("NoRunningConfigurationRecorderException", "There is no configuration recorder running to record the resource %s %s.", in.ResourceType, in.ResourceID)
		}
		s.declareLocked(ResourceKey{in.ResourceType, in.ResourceID}, st, nil, &out)
		return nil
	}(); err != nil {
		return err
	}
	s.deliver(ctx, &out)
	return nil
}

// DeleteResourceConfig records the deletion of a custom resource (a
// ResourceDeleted item).
func (s *Service) DeleteResourceConfig(ctx context.Context, in DeleteResourceConfigInput) (*DeleteResourceConfigOutput, error) {
	return doThen(ctx, s, event.Call{Name: "DeleteResourceConfig"}, in, s.deleteResourceConfig)
}

func (s *Service) deleteResourceConfig(ctx context.Context, call *event.Call, in DeleteResourceConfigInput, then *func()) (*DeleteResourceConfigOutput, error) {
	err := validateKey(in.ResourceType, in.ResourceID)
	if err == nil {
		err = validateCustomType(in.ResourceType)
	}
	var out outbox
	if err == nil {
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if !s.recordingLocked() {
				err = errf("NoRunningConfigurationRecorderException", "There is no configuration recorder running to record the deletion of %s %s.", in.ResourceType, in.ResourceID)
			} else {
				s.deleteLocked(ResourceKey{in.ResourceType, in.ResourceID}, nil, &out)
			}
		}()
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"resourceType": in.ResourceType, "resourceId": in.ResourceID}))
	}
	if err != nil {
		return nil, err
	}
	*then = func() { s.deliver(ctx, &out) }
	return &DeleteResourceConfigOutput{}, nil
}

// --- GetResourceConfigHistory -------------------------------------------------

// HistoryPageSpan is the longest time one GetResourceConfigHistory page
// covers (AWS: "Each call to the API is limited to span a duration of seven
// days").
const HistoryPageSpan = 7 * 24 * time.Hour

// GetResourceConfigHistory returns the resource's configuration items whose
// capture time is within [EarlierTime, LaterTime] (defaults: the first item,
// now), newest first unless ChronologicalOrder is Forward, at most Limit (0:
// 10, at most 100) per page. Items older than the retention period are not
// returned, except the latest item of an existing resource.
func (s *Service) GetResourceConfigHistory(ctx context.Context, in GetResourceConfigHistoryInput) (*GetResourceConfigHistoryOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetResourceConfigHistory", ReadOnly: true}, in, s.getResourceConfigHistory)
}

func (s *Service) getResourceConfigHistory(ctx context.Context, call *event.Call, in GetResourceConfigHistoryInput) (*GetResourceConfigHistoryOutput, error) {
	out, err := s.history(in)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{
			"resourceType": in.ResourceType, "resourceId": in.ResourceID, "laterTime": in.LaterTime, "earlierTime": in.EarlierTime,
			"chronologicalOrder": in.ChronologicalOrder, "limit": in.Limit, "nextToken": in.NextToken}))
	}
	return out, err
}

// pageToken resumes a history page at the item with capture time at (Unix
// nanoseconds) and configurationStateId stateID.
type pageToken struct {
	order   ChronologicalOrder
	key     ResourceKey
	at      int64
	stateID int64
}

func (t pageToken) String() string {
	return pagetoken.Encode(fmt.Sprintf("%s\x00%s\x00%s\x00%d\x00%d", t.order, t.key.ResourceType, t.key.ResourceID, t.at, t.stateID))
}

func parsePageToken(s string) (pageToken, bool) {
	pos, ok := pagetoken.Decode(s)
	if !ok {
		return pageToken{}, false
	}
	parts := strings.Split(pos, "\x00")
	if len(parts) != 5 {
		return pageToken{}, false
	}
	at, err1 := strconv.ParseInt(parts[3], 10, 64)
	id, err2 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil {
		return pageToken{}, false
	}
	return pageToken{ChronologicalOrder(parts[0]), ResourceKey{parts[1], parts[2]}, at, id}, true
}

func (s *Service) history(in GetResourceConfigHistoryInput) (*GetResourceConfigHistoryOutput, error) {
	if in.ResourceType == "" {
		return nil, errf("ValidationException", "The resourceType is required.")
	}
	if err := s.checkQueryType("resourceType", in.ResourceType); err != nil {
		return nil, err
	}
	if in.ResourceID == "" || len(in.ResourceID) > 768 {
		return nil, errf("ValidationException", "The resourceId %q is not valid: 1 to 768 characters.", truncate(in.ResourceID, 40))
	}
	order := in.ChronologicalOrder
	if order == "" {
		order = Reverse
	}
	if order != Reverse && order != Forward {
		return nil, errf("ValidationException", "The chronologicalOrder %q is not valid: Reverse or Forward.", order)
	}
	if n := limitOf(in.Limit); n < 0 || n > 100 {
		return nil, errf("InvalidLimitException", "The limit %d is not valid: 0 to 100.", n)
	}
	limit := limitOf(in.Limit)
	if limit == 0 {
		limit = 10
	}
	if in.EarlierTime != nil && in.LaterTime != nil && in.EarlierTime.After(*in.LaterTime) {
		return nil, errf("InvalidTimeRangeException", "The earlierTime %s is later than the laterTime %s.", in.EarlierTime.UTC().Format(time.RFC3339), in.LaterTime.UTC().Format(time.RFC3339))
	}
	key := ResourceKey{in.ResourceType, in.ResourceID}
	var tok pageToken
	if in.NextToken != "" {
		var ok bool
		tok, ok = parsePageToken(in.NextToken)
		if !ok || tok.key != key || tok.order != order {
			return nil, errf("InvalidNextTokenException", "The nextToken %q is not valid for this request.", truncate(in.NextToken, 40))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.resources[key]
	now := s.now()
	cutoff := s.retentionCutoffLocked(now)
	if r == nil || r.items == nil || r.items.Len() == 0 || (!r.exists && r.last.captureTime().Before(cutoff)) {
		if s.recorder == nil {
			return nil, errf("NoAvailableConfigurationRecorderException", "There is no configuration recorder in this region.")
		}
		return nil, errf("ResourceNotDiscoveredException", "Resource %s of resourceType:%s is unknown or has not been discovered.", in.ResourceID, in.ResourceType)
	}
	later := now
	if in.LaterTime != nil {
		later = in.LaterTime.UTC()
	}
	var lo time.Time
	if in.EarlierTime != nil {
		lo = in.EarlierTime.UTC()
	}
	out := &GetResourceConfigHistoryOutput{ConfigurationItems: make([]ConfigurationItem, 0, min(limit, r.items.Len()))}
	// "Each call to the API is limited to span a duration of seven days. It
	// is likely that the number of records returned is smaller than the
	// specified limit. In such cases, you can make another call, using the
	// nextToken." A page covers at most HistoryPageSpan from where it starts
	// (laterTime going Reverse; earlierTime, or the first item, going
	// Forward; the token's position on later pages); items beyond it are
	// left to the next page, which may be short or empty.
	var start itemRef
	if order == Forward {
		start = itemRef{at: unixNano(lo), sid: math.MinInt64}
		if lo.IsZero() {
			start.at = math.MinInt64
		}
	} else {
		start = itemRef{at: unixNano(later), sid: math.MaxInt64}
	}
	if in.NextToken != "" {
		start = itemRef{at: tok.at, sid: tok.stateID}
	}
	// The first page's window starts at the first item going Forward from
	// before it, and at now going Reverse from a future laterTime (no item
	// lies there); later pages start where the previous window ended.
	window := start.at
	if in.NextToken == "" {
		if order == Forward {
			window = math.MinInt64 // set from the first item
		} else {
			window = min(window, unixNano(now))
		}
	}
	span := int64(HistoryPageSpan)
	visit := func(ref itemRef) bool {
		at := ref.it.captureTime()
		if at.After(later) {
			return false // only reached going Forward: past the range
		}
		if at.Before(lo) {
			return false // only reached going Reverse: past the range
		}
		if at.Before(cutoff) && !(r.exists && ref.it == r.last) {
			return true // expired
		}
		if window == math.MinInt64 {
			window = max(ref.at, start.at)
		}
		if order == Forward && ref.at-window >= span {
			out.NextToken = pageToken{order, key, window + span, math.MinInt64}.String()
			return false
		}
		if order == Reverse && window-ref.at >= span {
			out.NextToken = pageToken{order, key, window - span, math.MaxInt64}.String()
			return false
		}
		if len(out.ConfigurationItems) == limit {
			out.NextToken = pageToken{order, key, ref.at, ref.sid}.String()
			return false
		}
		out.ConfigurationItems = append(out.ConfigurationItems, ConfigurationItem{})
		s.fill(&out.ConfigurationItems[len(out.ConfigurationItems)-1], ref.it)
		return true
	}
	if order == Forward {
		r.items.AscendGreaterOrEqual(start, visit)
	} else {
		r.items.DescendLessOrEqual(start, visit)
	}
	return out, nil
}

// ConfigurationItemAt returns the resource's configuration item in effect at
// t: the last item captured at or before t (a ResourceDeleted item if it was
// deleted then). It fails with ResourceNotDiscoveredException if the resource
// had no item by t. Not an AWS API (AWS answers it with
// GetResourceConfigHistory laterTime=t limit=1); it records no API call.
func (s *Service) ConfigurationItemAt(key ResourceKey, t time.Time) (*ConfigurationItem, error) {
	if s.op.Closed() {
		return nil, errClosed()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.itemAtLocked(key, t)
	if it == nil {
		return nil, errf("ResourceNotDiscoveredException", "Resource %s of resourceType:%s had not been discovered at %s.", key.ResourceID, key.ResourceType, t.UTC().Format(time.RFC3339))
	}
	return s.full(it), nil
}

func (s *Service) itemAtLocked(key ResourceKey, t time.Time) *item {
	r := s.resources[key]
	if r == nil || r.items == nil {
		return nil
	}
	var found *item
	r.items.DescendLessOrEqual(itemRef{at: unixNano(t), sid: math.MaxInt64}, func(ref itemRef) bool {
		found = ref.it
		return false
	})
	return found
}

// --- BatchGetResourceConfig ---------------------------------------------------

// BatchGetResourceConfig returns the current configuration of each resource.
// As in AWS it returns nothing for deleted or unknown resources and no tags.
func (s *Service) BatchGetResourceConfig(ctx context.Context, in BatchGetResourceConfigInput) (*BatchGetResourceConfigOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "BatchGetResourceConfig", ReadOnly: true}, in, s.batchGetResourceConfig)
}

func (s *Service) batchGetResourceConfig(ctx context.Context, call *event.Call, in BatchGetResourceConfigInput) (*BatchGetResourceConfigOutput, error) {
	var err error
	out := &BatchGetResourceConfigOutput{BaseConfigurationItems: []BaseConfigurationItem{}, UnprocessedResourceKeys: []ResourceKey{}}
	switch {
	case len(in.ResourceKeys) == 0 || len(in.ResourceKeys) > 100:
		err = errf("ValidationException", "resourceKeys has %d members; 1 to 100 are allowed.", len(in.ResourceKeys))
	default:
		for _, k := range in.ResourceKeys {
			if err = validateKey(k.ResourceType, k.ResourceID); err != nil {
				break
			}
			if err = s.checkQueryType("resourceKeys.member.resourceType", k.ResourceType); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = s.batchGetLocked(in.ResourceKeys, out)
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"resourceKeys": in.ResourceKeys}))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func baseItem(c *ConfigurationItem) BaseConfigurationItem {
	delete(c.SupplementaryConfiguration, "Tags")
	return BaseConfigurationItem{
		Version: c.Version, AccountID: c.AccountID, ConfigurationItemCaptureTime: c.ConfigurationItemCaptureTime,
		ConfigurationItemStatus: c.ConfigurationItemStatus, ConfigurationStateID: c.ConfigurationStateID, ARN: c.ARN,
		ResourceType: c.ResourceType, ResourceID: c.ResourceID, ResourceName: c.ResourceName, AWSRegion: c.AWSRegion,
		AvailabilityZone: c.AvailabilityZone, ResourceCreationTime: c.ResourceCreationTime, Configuration: c.Configuration,
		SupplementaryConfiguration: c.SupplementaryConfiguration, RecordingFrequency: c.RecordingFrequency,
		ConfigurationItemDeliveryTime: c.ConfigurationItemDeliveryTime,
	}
}

// --- ListDiscoveredResources ------------------------------------------------

// ListDiscoveredResources lists the discovered resources of a type, sorted by
// resource ID: at most 20 ResourceIDs or a ResourceName (not both), Limit 0
// (100) to 100 per page, deleted resources only with IncludeDeletedResources.
func (s *Service) ListDiscoveredResources(ctx context.Context, in ListDiscoveredResourcesInput) (*ListDiscoveredResourcesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListDiscoveredResources", ReadOnly: true}, in, s.listDiscoveredResources)
}

func (s *Service) listDiscoveredResources(ctx context.Context, call *event.Call, in ListDiscoveredResourcesInput) (*ListDiscoveredResourcesOutput, error) {
	out, err := s.listDiscovered(in)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{
			"resourceType": in.ResourceType, "resourceIds": in.ResourceIDs, "resourceName": in.ResourceName, "limit": in.Limit,
			"includeDeletedResources": in.IncludeDeletedResources, "nextToken": in.NextToken}))
	}
	return out, err
}

// batchGetLocked appends the current items of keys to out, taking the lock.
func (s *Service) batchGetLocked(keys []ResourceKey, out *BatchGetResourceConfigOutput) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recorder == nil {
		return errf("NoAvailableConfigurationRecorderException", "There is no configuration recorder in this region.")
	}
	seen := map[ResourceKey]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		r := s.resources[k]
		if r == nil || r.last == nil || isDeletion(r.last.status) {
			continue
		}
		out.BaseConfigurationItems = append(out.BaseConfigurationItems, baseItem(s.full(r.last)))
	}
	return nil
}

func (s *Service) listDiscovered(in ListDiscoveredResourcesInput) (*ListDiscoveredResourcesOutput, error) {
	switch {
	case in.ResourceType == "":
		return nil, errf("ValidationException", "The resourceType is required.")
	case s.checkQueryType("resourceType", in.ResourceType) != nil:
		return nil, s.checkQueryType("resourceType", in.ResourceType)
	case len(in.ResourceIDs) > 20:
		return nil, errf("ValidationException", "resourceIds has %d members; at most 20 are allowed.", len(in.ResourceIDs))
	case len(in.ResourceIDs) > 0 && in.ResourceName != "":
		return nil, errf("ValidationException", "You can specify either resourceIds or resourceName, but not both.")
	case limitOf(in.Limit) < 0 || limitOf(in.Limit) > 100:
		return nil, errf("InvalidLimitException", "The limit %d is not valid: 0 to 100.", limitOf(in.Limit))
	}
	limit := limitOf(in.Limit)
	if limit == 0 {
		limit = 100
	}
	after := ""
	if in.NextToken != "" {
		pos, decoded := pagetoken.Decode(in.NextToken)
		t, id, ok := strings.Cut(pos, "\x00")
		if !decoded || !ok || t != in.ResourceType {
			return nil, errf("InvalidNextTokenException", "The nextToken %q is not valid for this request.", truncate(in.NextToken, 40))
		}
		after = id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recorder == nil {
		return nil, errf("NoAvailableConfigurationRecorderException", "There is no configuration recorder in this region.")
	}
	var all []ResourceIdentifier
	for k, r := range s.resources {
		if k.ResourceType != in.ResourceType || r.last == nil {
			continue
		}
		if len(in.ResourceIDs) > 0 && !slices.Contains(in.ResourceIDs, k.ResourceID) {
			continue
		}
		name := r.last.st.name
		if in.ResourceName != "" && name != in.ResourceName {
			continue
		}
		id := ResourceIdentifier{ResourceType: k.ResourceType, ResourceID: k.ResourceID, ResourceName: name}
		if isDeletion(r.last.status) {
			if !isTrue(in.IncludeDeletedResources) {
				continue
			}
			t := r.last.captureTime()
			id.ResourceDeletionTime = &t
		}
		if after != "" && k.ResourceID <= after {
			continue
		}
		all = append(all, id)
	}
	slices.SortFunc(all, func(a, b ResourceIdentifier) int { return strings.Compare(a.ResourceID, b.ResourceID) })
	out := &ListDiscoveredResourcesOutput{ResourceIdentifiers: []ResourceIdentifier{}}
	if len(all) > limit {
		all = all[:limit]
		out.NextToken = pagetoken.Encode(in.ResourceType + "\x00" + all[limit-1].ResourceID)
	}
	out.ResourceIdentifiers = append(out.ResourceIdentifiers, all...)
	return out, nil
}

// --- relationship graph ---------------------------------------------------------

// Impact answers "what does a change to this resource affect": the resources
// reachable from it through the relationships recorded in the items in effect
// at In.At, transitively up to MaxDepth, each once at its shortest distance.
// Not an AWS API; it records no API call.
func (s *Service) Impact(in ImpactInput) (*ImpactOutput, error) {
	if s.op.Closed() {
		return nil, errClosed()
	}
	if err := validateKey(in.ResourceType, in.ResourceID); err != nil {
		return nil, err
	}
	if in.MaxDepth < 0 {
		return nil, errf("ValidationException", "MaxDepth %d is negative.", in.MaxDepth)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at := in.At
	if at.IsZero() {
		at = s.now()
	}
	start := ResourceKey{in.ResourceType, in.ResourceID}
	ci := s.itemAtLocked(start, at)
	if ci == nil {
		return nil, errf("ResourceNotDiscoveredException", "Resource %s of resourceType:%s had not been discovered at %s.", in.ResourceID, in.ResourceType, at.UTC().Format(time.RFC3339))
	}
	type node struct {
		key  ResourceKey
		path []Relationship
	}
	seen := map[ResourceKey]bool{start: true}
	frontier := []node{{key: start}}
	out := &ImpactOutput{}
	for depth := 1; len(frontier) > 0 && (in.MaxDepth == 0 || depth <= in.MaxDepth); depth++ {
		var next []node
		var level []ImpactedResource
		for _, n := range frontier {
			it := s.itemAtLocked(n.key, at)
			if it == nil || isDeletion(it.status) {
				continue
			}
			for _, rel := range it.rels {
				k := ResourceKey{rel.ResourceType, rel.ResourceID}
				if seen[k] {
					continue
				}
				seen[k] = true
				path := append(slices.Clone(n.path), rel)
				ir := ImpactedResource{ResourceType: k.ResourceType, ResourceID: k.ResourceID, ResourceName: rel.ResourceName, Depth: depth, Path: path}
				if t := s.itemAtLocked(k, at); t != nil {
					ir.Status = t.status
					if t.st != nil && t.st.name != "" {
						ir.ResourceName = t.st.name
					}
				}
				level = append(level, ir)
				next = append(next, node{k, path})
			}
		}
		slices.SortFunc(level, func(a, b ImpactedResource) int {
			return compareKeys(ResourceKey{a.ResourceType, a.ResourceID}, ResourceKey{b.ResourceType, b.ResourceID})
		})
		out.Resources = append(out.Resources, level...)
		frontier = next
	}
	return out, nil
}
