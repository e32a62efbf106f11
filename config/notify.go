package config

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/objstore"
)

// Message types of Config's SNS notifications and rule invocations.
const (
	MessageConfigurationItemChange          = "ConfigurationItemChangeNotification"
	MessageOversizedConfigurationItemChange = "OversizedConfigurationItemChangeNotification"
	MessageScheduled                        = "ScheduledNotification"
	MessageSnapshotDeliveryStarted          = "ConfigurationSnapshotDeliveryStarted"
	MessageSnapshotDeliveryCompleted        = "ConfigurationSnapshotDeliveryCompleted"
	MessageSnapshotDeliveryFailed           = "ConfigurationSnapshotDeliveryFailed"
	MessageHistoryDeliveryCompleted         = "ConfigurationHistoryDeliveryCompleted"
	MessageComplianceChange                 = "ComplianceChangeNotification"
	MessageConfigRulesEvaluationStarted     = "ConfigRulesEvaluationStarted"
)

// NotificationRelationship is a relationship in the notification shape (key
// "name", null resourceName).
type NotificationRelationship struct {
	ResourceID   string  `json:"resourceId"`
	ResourceName *string `json:"resourceName"`
	ResourceType string  `json:"resourceType"`
	Name         string  `json:"name"`
}

// NotificationItem is a configuration item in the shape of SNS notifications,
// snapshot files and rule invocation events: configurationItemVersion,
// awsAccountId, ARN, configurationStateMd5Hash, a numeric
// configurationStateId, an ISO capture time with milliseconds and the
// configuration as a JSON object.
type NotificationItem struct {
	RelatedEvents                 []string                   `json:"relatedEvents"`
	Relationships                 []NotificationRelationship `json:"relationships"`
	Configuration                 json.RawMessage            `json:"configuration"`
	SupplementaryConfiguration    map[string]json.RawMessage `json:"supplementaryConfiguration"`
	Tags                          map[string]string          `json:"tags"`
	ConfigurationItemVersion      string                     `json:"configurationItemVersion"`
	ConfigurationItemCaptureTime  string                     `json:"configurationItemCaptureTime"`
	ConfigurationStateID          int64                      `json:"configurationStateId"`
	AWSAccountID                  string                     `json:"awsAccountId"`
	ConfigurationItemStatus       ConfigurationItemStatus    `json:"configurationItemStatus"`
	ResourceType                  string                     `json:"resourceType"`
	ResourceID                    string                     `json:"resourceId"`
	ResourceName                  *string                    `json:"resourceName"`
	ARN                           string                     `json:"ARN"`
	AWSRegion                     string                     `json:"awsRegion"`
	AvailabilityZone              *string                    `json:"availabilityZone"` // null on ResourceDeleted items
	ConfigurationStateMd5Hash     string                     `json:"configurationStateMd5Hash"`
	ResourceCreationTime          *string                    `json:"resourceCreationTime"`
	RecordingFrequency            RecordingFrequency         `json:"recordingFrequency,omitempty"`
	ConfigurationItemDeliveryTime *string                    `json:"configurationItemDeliveryTime,omitempty"`
}

// isoMillis formats t as Config's notifications do: UTC with milliseconds.
func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// NotificationForm converts an API-shape item to the notification shape.
func (ci ConfigurationItem) NotificationForm() NotificationItem {
	n := NotificationItem{
		RelatedEvents: slices.Clone(ci.RelatedEvents), Relationships: []NotificationRelationship{},
		Configuration: json.RawMessage("null"), SupplementaryConfiguration: map[string]json.RawMessage{},
		Tags: maps.Clone(ci.Tags), ConfigurationItemVersion: ci.Version,
		ConfigurationItemCaptureTime: isoMillis(ci.ConfigurationItemCaptureTime), AWSAccountID: ci.AccountID,
		ConfigurationItemStatus: ci.ConfigurationItemStatus, ResourceType: ci.ResourceType, ResourceID: ci.ResourceID,
		ResourceName: strPtr(ci.ResourceName), ARN: ci.ARN, AWSRegion: ci.AWSRegion, AvailabilityZone: strPtr(ci.AvailabilityZone),
		ConfigurationStateMd5Hash: ci.md5Hex(), RecordingFrequency: ci.RecordingFrequency,
	}
	n.ConfigurationStateID = ci.stateID
	if n.ConfigurationStateID == 0 {
		n.ConfigurationStateID, _ = strconv.ParseInt(ci.ConfigurationStateID, 10, 64)
	}
	if n.RelatedEvents == nil {
		n.RelatedEvents = []string{}
	}
	if n.Tags == nil {
		n.Tags = map[string]string{}
	}
	for _, r := range ci.Relationships {
		n.Relationships = append(n.Relationships, NotificationRelationship{ResourceID: r.ResourceID, ResourceName: strPtr(r.ResourceName), ResourceType: r.ResourceType, Name: r.RelationshipName})
	}
	if ci.Configuration != "" && json.Valid([]byte(ci.Configuration)) {
		n.Configuration = json.RawMessage(ci.Configuration)
	}
	for k, v := range ci.SupplementaryConfiguration {
		if json.Valid([]byte(v)) {
			n.SupplementaryConfiguration[k] = json.RawMessage(v)
		} else {
			b, _ := json.Marshal(v)
			n.SupplementaryConfiguration[k] = b
		}
	}
	if ci.ResourceCreationTime != nil {
		s := isoMillis(*ci.ResourceCreationTime)
		n.ResourceCreationTime = &s
	}
	if ci.ConfigurationItemDeliveryTime != nil {
		s := isoMillis(*ci.ConfigurationItemDeliveryTime)
		n.ConfigurationItemDeliveryTime = &s
	}
	return n
}

// APIForm converts a notification-shape item back to the API shape. It fails
// on a capture or creation time that is not an ISO 8601 timestamp.
func (n NotificationItem) APIForm() (ConfigurationItem, error) {
	ct, err := time.Parse(time.RFC3339Nano, n.ConfigurationItemCaptureTime)
	if err != nil {
		return ConfigurationItem{}, fmt.Errorf("config: configurationItemCaptureTime %q: %w", n.ConfigurationItemCaptureTime, err)
	}
	ci := ConfigurationItem{
		Version: n.ConfigurationItemVersion, AccountID: n.AWSAccountID, ConfigurationItemCaptureTime: ct.UTC(),
		ConfigurationItemStatus: n.ConfigurationItemStatus, ConfigurationStateID: strconv.FormatInt(n.ConfigurationStateID, 10),
		ConfigurationItemMD5Hash: n.ConfigurationStateMd5Hash, ARN: n.ARN, ResourceType: n.ResourceType, ResourceID: n.ResourceID,
		AWSRegion: n.AWSRegion, AvailabilityZone: deref(n.AvailabilityZone), Tags: maps.Clone(n.Tags), RelatedEvents: slices.Clone(n.RelatedEvents),
		Relationships: []Relationship{}, SupplementaryConfiguration: map[string]string{}, RecordingFrequency: n.RecordingFrequency,
		stateID: n.ConfigurationStateID,
	}
	if ci.Tags == nil {
		ci.Tags = map[string]string{}
	}
	if ci.RelatedEvents == nil {
		ci.RelatedEvents = []string{}
	}
	if n.ResourceName != nil {
		ci.ResourceName = *n.ResourceName
	}
	if len(n.Configuration) > 0 && string(n.Configuration) != "null" {
		c, err := canonicalJSON(json.RawMessage(n.Configuration))
		if err != nil {
			return ConfigurationItem{}, fmt.Errorf("config: configuration: %w", err)
		}
		ci.Configuration = c
	}
	for k, v := range n.SupplementaryConfiguration {
		c, err := canonicalJSON(json.RawMessage(v))
		if err != nil {
			return ConfigurationItem{}, fmt.Errorf("config: supplementaryConfiguration %s: %w", k, err)
		}
		ci.SupplementaryConfiguration[k] = c
	}
	for _, r := range n.Relationships {
		rel := Relationship{ResourceType: r.ResourceType, ResourceID: r.ResourceID, RelationshipName: r.Name}
		if r.ResourceName != nil {
			rel.ResourceName = *r.ResourceName
		}
		ci.Relationships = append(ci.Relationships, rel)
	}
	for _, p := range []struct {
		s *string
		t **time.Time
	}{{n.ResourceCreationTime, &ci.ResourceCreationTime}, {n.ConfigurationItemDeliveryTime, &ci.ConfigurationItemDeliveryTime}} {
		if p.s == nil {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, *p.s)
		if err != nil {
			return ConfigurationItem{}, fmt.Errorf("config: timestamp %q: %w", *p.s, err)
		}
		t = t.UTC()
		*p.t = &t
	}
	return ci, nil
}

// --- configurationItemDiff --------------------------------------------------

// Change types of a configurationItemDiff and its properties.
const (
	ChangeCreate = "CREATE"
	ChangeUpdate = "UPDATE"
	ChangeDelete = "DELETE"
)

// ConfigurationItemDiff is the configurationItemDiff of a change notification.
type ConfigurationItemDiff struct {
	ChangedProperties map[string]PropertyChange `json:"changedProperties"`
	ChangeType        string                    `json:"changeType"`
}

// PropertyChange is one changed property: previousValue and updatedValue are
// JSON values (null when absent).
type PropertyChange struct {
	PreviousValue any    `json:"previousValue"`
	UpdatedValue  any    `json:"updatedValue"`
	ChangeType    string `json:"changeType"`
}

// Diff computes the configurationItemDiff between a resource's previous item
// (nil for none) and its new item, as AWS does: changeType CREATE for a
// discovered resource and DELETE for a deleted one (both with no changed
// properties), otherwise UPDATE with one entry per changed property. Property
// paths capitalize each key ("Configuration.State"); arrays compare elements
// whole, listing removed elements then added ones under consecutive indexes
// ("Configuration.SecurityGroups.0" DELETE, "Configuration.SecurityGroups.1"
// CREATE, as in AWS's documented example), and relationships likewise
// ("Relationships.N").
func Diff(prev, cur *ConfigurationItem) ConfigurationItemDiff {
	d := ConfigurationItemDiff{ChangedProperties: map[string]PropertyChange{}}
	switch {
	case isDeletion(cur.ConfigurationItemStatus):
		d.ChangeType = ChangeDelete
		return d
	case prev == nil || isDeletion(prev.ConfigurationItemStatus) || prev.ConfigurationItemStatus == StatusResourceNotRecorded ||
		cur.ConfigurationItemStatus == StatusResourceDiscovered || cur.ConfigurationItemStatus == StatusResourceNotRecorded:
		d.ChangeType = ChangeCreate
		return d
	}
	d.ChangeType = ChangeUpdate
	diffValue(d.ChangedProperties, "Configuration", decodeJSON(prev.Configuration), decodeJSON(cur.Configuration))
	var pr, cr []any
	for _, r := range prev.Relationships {
		pr = append(pr, relValue(r))
	}
	for _, r := range cur.Relationships {
		cr = append(cr, relValue(r))
	}
	diffArray(d.ChangedProperties, "Relationships", pr, cr)
	for _, k := range slices.Sorted(maps.Keys(unionKeys(prev.SupplementaryConfiguration, cur.SupplementaryConfiguration))) {
		a, aok := prev.SupplementaryConfiguration[k]
		b, bok := cur.SupplementaryConfiguration[k]
		path := "SupplementaryConfiguration." + capitalize(k)
		switch {
		case !aok:
			d.ChangedProperties[path] = PropertyChange{nil, decodeJSON(b), ChangeCreate}
		case !bok:
			d.ChangedProperties[path] = PropertyChange{decodeJSON(a), nil, ChangeDelete}
		case a != b:
			diffValue(d.ChangedProperties, path, decodeJSON(a), decodeJSON(b))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(unionKeys(prev.Tags, cur.Tags))) {
		a, aok := prev.Tags[k]
		b, bok := cur.Tags[k]
		path := "Tags." + k
		switch {
		case !aok:
			d.ChangedProperties[path] = PropertyChange{nil, b, ChangeCreate}
		case !bok:
			d.ChangedProperties[path] = PropertyChange{a, nil, ChangeDelete}
		case a != b:
			d.ChangedProperties[path] = PropertyChange{a, b, ChangeUpdate}
		}
	}
	return d
}

func unionKeys(a, b map[string]string) map[string]bool {
	m := make(map[string]bool, len(a)+len(b))
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

func relValue(r Relationship) any {
	return NotificationRelationship{ResourceID: r.ResourceID, ResourceName: strPtr(r.ResourceName), ResourceType: r.ResourceType, Name: r.RelationshipName}
}

func decodeJSON(s string) any {
	if s == "" {
		return nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return s
	}
	return v
}

func capitalize(k string) string {
	r, n := utf8.DecodeRuneInString(k)
	if n == 0 || unicode.IsUpper(r) {
		return k
	}
	return string(unicode.ToUpper(r)) + k[n:]
}

func diffValue(out map[string]PropertyChange, path string, a, b any) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			av, ain := am[k]
			bv, bin := bm[k]
			p := path + "." + capitalize(k)
			switch {
			case !ain:
				out[p] = PropertyChange{nil, bv, ChangeCreate}
			case !bin:
				out[p] = PropertyChange{av, nil, ChangeDelete}
			default:
				diffValue(out, p, av, bv)
			}
		}
		return
	}
	aa, aok := a.([]any)
	ba, bok := b.([]any)
	if aok && bok {
		diffArray(out, path, aa, ba)
		return
	}
	if !reflect.DeepEqual(a, b) {
		out[path] = PropertyChange{a, b, ChangeUpdate}
	}
}

// diffArray compares arrays as multisets of whole elements: removed elements
// first, then added ones, numbered from 0.
func diffArray(out map[string]PropertyChange, path string, a, b []any) {
	usedB := make([]bool, len(b))
	var removed []any
	for _, x := range a {
		found := false
		for j, y := range b {
			if !usedB[j] && reflect.DeepEqual(x, y) {
				usedB[j], found = true, true
				break
			}
		}
		if !found {
			removed = append(removed, x)
		}
	}
	n := 0
	for _, x := range removed {
		out[path+"."+strconv.Itoa(n)] = PropertyChange{x, nil, ChangeDelete}
		n++
	}
	for j, y := range b {
		if !usedB[j] {
			out[path+"."+strconv.Itoa(n)] = PropertyChange{nil, y, ChangeCreate}
			n++
		}
	}
}

// --- SNS messages ------------------------------------------------------------

// ConfigurationItemChangeNotification is the message Config sends to the
// delivery channel's topic for each new item.
type ConfigurationItemChangeNotification struct {
	ConfigurationItemDiff    *ConfigurationItemDiff `json:"configurationItemDiff"`
	ConfigurationItem        NotificationItem       `json:"configurationItem"`
	NotificationCreationTime string                 `json:"notificationCreationTime"`
	MessageType              string                 `json:"messageType"`
	RecordVersion            string                 `json:"recordVersion"`
}

// subjectLimit is SNS's subject length limit; Config truncates longer
// subjects to exactly 100 characters ending in "...".
const subjectLimit = 100

func subject(s string) string {
	if len(s) <= subjectLimit {
		return s
	}
	return s[:subjectLimit-3] + "..."
}

func (s *Service) subjectPrefix() string { return "[AWS Config:" + s.op.Region + "] " }

func (s *Service) publishNote(ctx context.Context, topic, subj string, msg []byte) {
	if topic == "" || s.op.Bus == nil {
		return
	}
	err := bus.Publish(ctx, s.op.Bus, event.Notification{TopicARN: topic, Subject: subject(subj), Message: string(msg), Source: EventSource})
	now := s.now()
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if info := s.channelState.ConfigStreamDeliveryInfo; s.channel != nil && info != nil {
			// A rejected notification (SNS returns NotFound for a missing topic)
			// is a failed stream delivery.
			info.LastStatus, info.LastErrorCode, info.LastErrorMessage = "Success", "", ""
			if err != nil {
				info.LastStatus, info.LastErrorCode, info.LastErrorMessage = "Failure", awserr.Code(err), awserr.Message(err)
				if info.LastErrorCode == "" {
					info.LastErrorCode = "InternalFailure"
				}
			}
			info.LastStatusChangeTime = &now
		}
	}()
}

// channelBucket returns the channel's bucket and key prefix ("" without a
// channel).
func (s *Service) channelBucket() (bucket, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channel != nil {
		bucket = s.channel.S3BucketName
		if s.channel.S3KeyPrefix != nil {
			prefix = *s.channel.S3KeyPrefix + "/"
		}
	}
	return bucket, prefix
}

func (s *Service) notifyChange(ctx context.Context, topic string, c change, diff ConfigurationItemDiff) {
	ci := c.item
	verb := "Updated"
	switch diff.ChangeType {
	case ChangeCreate:
		verb = "Created"
	case ChangeDelete:
		verb = "Deleted"
	}
	now := s.now()
	msg := ConfigurationItemChangeNotification{
		ConfigurationItemDiff: &diff, ConfigurationItem: ci.NotificationForm(),
		NotificationCreationTime: isoMillis(now), MessageType: MessageConfigurationItemChange, RecordVersion: "1.3",
	}
	body, _ := json.Marshal(msg)
	subj := fmt.Sprintf("%s%s %s %s in Account %s", s.subjectPrefix(), ci.ResourceType, ci.ResourceID, verb, s.op.AccountID)
	if len(body) <= MaxSNSMessageBytes {
		s.publishNote(ctx, topic, subj, body)
		return
	}
	s.notifyOversized(ctx, topic, subj, ci, diff, body, now)
}

// oversizedSummary is the configurationItemSummary of an oversized notification.
type oversizedSummary struct {
	ChangeType                   string                  `json:"changeType"`
	ConfigurationItemVersion     string                  `json:"configurationItemVersion"`
	ConfigurationItemCaptureTime string                  `json:"configurationItemCaptureTime"`
	ConfigurationStateID         int64                   `json:"configurationStateId"`
	AWSAccountID                 string                  `json:"awsAccountId"`
	ConfigurationItemStatus      ConfigurationItemStatus `json:"configurationItemStatus"`
	ResourceType                 string                  `json:"resourceType"`
	ResourceID                   string                  `json:"resourceId"`
	ResourceName                 *string                 `json:"resourceName"`
	ARN                          string                  `json:"ARN"`
	AWSRegion                    string                  `json:"awsRegion"`
	AvailabilityZone             *string                 `json:"availabilityZone"`
	ConfigurationStateMd5Hash    string                  `json:"configurationStateMd5Hash"`
	ResourceCreationTime         *string                 `json:"resourceCreationTime"`
}

type s3DeliverySummary struct {
	S3BucketLocation *string `json:"s3BucketLocation"`
	ErrorCode        *string `json:"errorCode"`
	ErrorMessage     *string `json:"errorMessage"`
}

type oversizedNotification struct {
	ConfigurationItemSummary oversizedSummary  `json:"configurationItemSummary"`
	S3DeliverySummary        s3DeliverySummary `json:"s3DeliverySummary"`
	NotificationCreationTime string            `json:"notificationCreationTime"`
	MessageType              string            `json:"messageType"`
	RecordVersion            string            `json:"recordVersion"`
}

// notifyOversized writes the full notification to the object store and sends
// the plain-text OversizedConfigurationItemChangeNotification.
func (s *Service) notifyOversized(ctx context.Context, topic, subj string, ci *ConfigurationItem, diff ConfigurationItemDiff, body []byte, now time.Time) {
	n := ci.NotificationForm()
	sum := oversizedSummary{ChangeType: diff.ChangeType, ConfigurationItemVersion: n.ConfigurationItemVersion, ConfigurationItemCaptureTime: n.ConfigurationItemCaptureTime,
		ConfigurationStateID: n.ConfigurationStateID, AWSAccountID: n.AWSAccountID, ConfigurationItemStatus: n.ConfigurationItemStatus,
		ResourceType: n.ResourceType, ResourceID: n.ResourceID, ResourceName: n.ResourceName, ARN: n.ARN, AWSRegion: n.AWSRegion,
		AvailabilityZone: n.AvailabilityZone, ConfigurationStateMd5Hash: n.ConfigurationStateMd5Hash, ResourceCreationTime: n.ResourceCreationTime}
	msg := oversizedNotification{ConfigurationItemSummary: sum, NotificationCreationTime: isoMillis(now), MessageType: MessageOversizedConfigurationItemChange, RecordVersion: "1.0"}
	bucket, prefix := s.channelBucket()
	key := fmt.Sprintf("%sAWSLogs/%s/Config/%s/%s/OversizedChangeNotification/%s/%s/%s_Config_%s_ChangeNotification_%s_%s_%s_0.json.gz",
		prefix, s.op.AccountID, s.op.Region, datePath(now), ci.ResourceType, ci.ResourceID, s.op.AccountID, s.op.Region, ci.ResourceType, ci.ResourceID, now.UTC().Format("20060102T150405Z"))
	if err := s.store.Put(ctx, objstore.Object{Bucket: bucket, Key: key, Body: gzipBytes(body)}); err != nil {
		code, m := "NoSuchBucket", err.Error()
		msg.S3DeliverySummary = s3DeliverySummary{ErrorCode: &code, ErrorMessage: &m}
		msg.MessageType = "OversizedConfigurationItemChangeDeliveryFailed"
	} else {
		loc := bucket + "/" + key
		msg.S3DeliverySummary.S3BucketLocation = &loc
	}
	js, _ := json.MarshalIndent(msg, "    ", "  ")
	// The console link ends with ?time=<capture time>, as in AWS's example
	// of the oversized notification.
	text := fmt.Sprintf("View the Timeline for this Resource in the Console:\n    https://console.aws.amazon.com/config/home?region=%s#/timeline/%s/%s?time=%s\n\n    The full configuration item change notification for this resource exceeded the maximum size allowed by Amazon Simple Notification Service (SNS). A summary of the configuration item is provided here. You can view the complete notification in the specified Amazon S3 bucket location.\n\n    New State Record Summary:\n    ----------------------------\n    %s",
		s.op.Region, ci.ResourceType, ci.ResourceID, n.ConfigurationItemCaptureTime, js)
	s.publishNote(ctx, topic, subj, []byte(text))
}

// datePath is Config's key date: year/month/day without zero padding.
func datePath(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%d/%d/%d", t.Year(), int(t.Month()), t.Day())
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
