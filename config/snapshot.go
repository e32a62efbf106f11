package config

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/objstore"
)

// Snapshot is the body of a configuration snapshot file (gzipped JSON in the
// object store).
type Snapshot struct {
	FileVersion        string             `json:"fileVersion"`
	RequestID          string             `json:"requestId"`
	ConfigurationItems []NotificationItem `json:"configurationItems"`
}

// ParseSnapshot reads a snapshot file: gzipped (as stored) or plain JSON.
func ParseSnapshot(data []byte) (*Snapshot, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("config: snapshot: %w", err)
		}
		data, err = io.ReadAll(io.LimitReader(zr, 1<<30))
		if err != nil {
			return nil, fmt.Errorf("config: snapshot: %w", err)
		}
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("config: snapshot: %w", err)
	}
	if s.FileVersion == "" {
		return nil, fmt.Errorf("config: snapshot: missing fileVersion")
	}
	return &s, nil
}

// snapshotNote is the message of the snapshot delivery notifications.
type snapshotNote struct {
	ConfigSnapshotID         string `json:"configSnapshotId,omitempty"`
	S3ObjectKey              string `json:"s3ObjectKey,omitempty"`
	S3Bucket                 string `json:"s3Bucket,omitempty"`
	NotificationCreationTime string `json:"notificationCreationTime"`
	MessageType              string `json:"messageType"`
	RecordVersion            string `json:"recordVersion"`
}

// DeliverConfigSnapshot writes a snapshot of the current configuration of
// every recorded resource to the delivery channel's bucket, under
// [prefix/]AWSLogs/<account>/Config/<region>/<Y>/<M>/<D>/ConfigSnapshot/<account>_Config_<region>_ConfigSnapshot_<YYYYMMDDTHHMMSSZ>_<id>.json.gz,
// and notifies the channel's topic (delivery started, then completed or
// failed). Delivery happens synchronously, before the call returns.
func (s *Service) DeliverConfigSnapshot(ctx context.Context, in DeliverConfigSnapshotInput) (*DeliverConfigSnapshotOutput, error) {
	return doThen(ctx, s, event.Call{Name: "DeliverConfigSnapshot"}, in, s.deliverConfigSnapshot)
}

func (s *Service) deliverConfigSnapshot(ctx context.Context, call *event.Call, in DeliverConfigSnapshotInput, then *func()) (*DeliverConfigSnapshotOutput, error) {
	var err error
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch {
		case s.channel == nil || s.channel.Name != in.DeliveryChannelName:
			err = errf("NoSuchDeliveryChannelException", "Cannot find delivery channel with specified name '%s'.", in.DeliveryChannelName)
		case s.recorder == nil:
			err = errf("NoAvailableConfigurationRecorderException", "There is no configuration recorder in this region.")
		case !s.recorderState.Recording:
			err = errf("NoRunningConfigurationRecorderException", "There is no running configuration recorder to deliver a snapshot.")
		}
	}()
	var out *DeliverConfigSnapshotOutput
	if err == nil {
		out = &DeliverConfigSnapshotOutput{ConfigSnapshotID: s.op.IDs.UUID()}
	}
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{"deliveryChannelName": in.DeliveryChannelName}))
	}
	call.ResponseElements = out
	if err != nil {
		return nil, err
	}
	*then = func() { s.deliverSnapshot(ctx, out.ConfigSnapshotID, s.now()) }
	return out, nil
}

// deliveringLocked reports, taking the lock, whether a channel exists and the
// recorder records.
func (s *Service) deliveringLocked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.channel != nil && s.recordingLocked()
}

func (s *Service) periodicSnapshot(at time.Time) {
	if s.deliveringLocked() {
		s.deliverSnapshot(context.Background(), s.op.IDs.UUID(), at)
	}
}

func (s *Service) deliverSnapshot(ctx context.Context, id string, now time.Time) {
	var ch DeliveryChannel
	var items []NotificationItem
	if !func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.channel == nil {
			return false
		}
		ch = *s.channel
		keys := make([]ResourceKey, 0, len(s.resources))
		for k, r := range s.resources {
			if r.last != nil && !isDeletion(r.last.status) && r.last.status != StatusResourceNotRecorded {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, compareKeys)
		for _, k := range keys {
			items = append(items, s.full(s.resources[k].last).NotificationForm())
		}
		return true
	}() {
		return
	}
	if items == nil {
		items = []NotificationItem{}
	}
	prefix := ""
	if ch.S3KeyPrefix != nil {
		prefix = *ch.S3KeyPrefix + "/"
	}
	subj := s.subjectPrefix() + "Configuration Snapshot Delivery %s for Account " + s.op.AccountID
	note := func(n snapshotNote, verb string) {
		b, _ := json.Marshal(n)
		s.publishNote(ctx, ch.SNSTopicARN, fmt.Sprintf(subj, verb), b)
	}
	note(snapshotNote{ConfigSnapshotID: id, NotificationCreationTime: isoMillis(now), MessageType: MessageSnapshotDeliveryStarted, RecordVersion: "1.1"}, "Started")
	body, _ := json.Marshal(Snapshot{FileVersion: "1.0", RequestID: s.op.IDs.UUID(), ConfigurationItems: items})
	key := fmt.Sprintf("%sAWSLogs/%s/Config/%s/%s/ConfigSnapshot/%s_Config_%s_ConfigSnapshot_%s_%s.json.gz",
		prefix, s.op.AccountID, s.op.Region, datePath(now), s.op.AccountID, s.op.Region, now.UTC().Format("20060102T150405Z"), id)
	check := prefix + "AWSLogs/" + s.op.AccountID + "/Config/ConfigWritabilityCheckFile"
	err := s.store.Put(ctx, objstore.Object{Bucket: ch.S3BucketName, Key: check, Body: []byte{}})
	if err == nil {
		err = s.store.Put(ctx, objstore.Object{Bucket: ch.S3BucketName, Key: key, Body: gzipBytes(body)})
	}
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if info := s.channelState.ConfigSnapshotDeliveryInfo; info != nil && s.channel != nil {
			t := now
			info.LastAttemptTime = &t
			if err != nil {
				info.LastStatus, info.LastErrorCode, info.LastErrorMessage = "Failure", "NoSuchBucket", err.Error()
			} else {
				info.LastStatus, info.LastErrorCode, info.LastErrorMessage = "Success", "", ""
				info.LastSuccessfulTime = &t
			}
			if s.channel.ConfigSnapshotDeliveryProperties != nil {
				if d := s.channel.ConfigSnapshotDeliveryProperties.DeliveryFrequency.Duration(); d > 0 {
					next := now.Truncate(d).Add(d)
					info.NextDeliveryTime = &next
				}
			}
		}
	}()
	if err != nil {
		note(snapshotNote{ConfigSnapshotID: id, NotificationCreationTime: isoMillis(now), MessageType: MessageSnapshotDeliveryFailed, RecordVersion: "1.1"}, "Failed")
		return
	}
	done := snapshotNote{ConfigSnapshotID: id, S3ObjectKey: key, S3Bucket: ch.S3BucketName, NotificationCreationTime: isoMillis(now), MessageType: MessageSnapshotDeliveryCompleted, RecordVersion: "1.1"}
	note(done, "Completed")
	b, _ := json.Marshal(done)
	s.invokeSnapshotRules(ctx, string(b), now)
}

// historyFile is the body of a configuration history file.
type historyFile struct {
	FileVersion        string             `json:"fileVersion"`
	ConfigurationItems []NotificationItem `json:"configurationItems"`
}

// deliverHistory writes, for each resource type with items captured since the
// last delivery, a configuration history file
// ([prefix/]AWSLogs/account/Config/region/Y/M/D/ConfigHistory/account_Config_region_ConfigHistory_type_first_last_1.json.gz)
// and sends ConfigurationHistoryDeliveryCompleted for it.
func (s *Service) deliverHistory(ctx context.Context, at time.Time) {
	type file struct {
		typ  string
		from time.Time
		key  string
		body []byte
	}
	var files []file
	var ch DeliveryChannel
	if !func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		from := s.histFrom
		s.histFrom = at
		if s.channel == nil || !s.recordingLocked() {
			return false
		}
		ch = *s.channel
		// A type whose last file failed to reach the bucket is delivered again
		// from where that window began, so nothing is lost to an outage (issue
		// 16 item 8): the window of the other types moves on.
		since := func(t string) time.Time {
			if f, ok := s.histRetry[t]; ok {
				return f
			}
			return from
		}
		byType := map[string][]*ConfigurationItem{}
		windows := map[string]time.Time{}
		for _, r := range s.resources {
			t := r.key.ResourceType
			start := since(t)
			if r.items == nil || r.last == nil || !r.last.captureTime().After(start) {
				continue
			}
			lo := unixNano(start)
			if lo < math.MaxInt64 {
				lo++ // the window is (start, at]
			}
			r.items.AscendGreaterOrEqual(itemRef{at: lo}, func(ref itemRef) bool {
				ci := s.full(ref.it)
				if ci.ConfigurationItemCaptureTime.After(at) {
					return false
				}
				byType[ci.ResourceType] = append(byType[ci.ResourceType], ci)
				windows[ci.ResourceType] = start
				return true
			})
		}
		prefix := ""
		if ch.S3KeyPrefix != nil {
			prefix = *ch.S3KeyPrefix + "/"
		}
		for _, t := range slices.Sorted(maps.Keys(byType)) {
			items := byType[t]
			slices.SortFunc(items, func(a, b *ConfigurationItem) int {
				if c := a.ConfigurationItemCaptureTime.Compare(b.ConfigurationItemCaptureTime); c != 0 {
					return c
				}
				return strings.Compare(a.ResourceID, b.ResourceID)
			})
			h := historyFile{FileVersion: "1.0"}
			for _, ci := range items {
				h.ConfigurationItems = append(h.ConfigurationItems, ci.NotificationForm())
			}
			body, _ := json.Marshal(h)
			first, last := items[0].ConfigurationItemCaptureTime.UTC(), items[len(items)-1].ConfigurationItemCaptureTime.UTC()
			key := fmt.Sprintf("%sAWSLogs/%s/Config/%s/%s/ConfigHistory/%s_Config_%s_ConfigHistory_%s_%s_%s_1.json.gz",
				prefix, s.op.AccountID, s.op.Region, datePath(at), s.op.AccountID, s.op.Region, t, first.Format("20060102T150405Z"), last.Format("20060102T150405Z"))
			files = append(files, file{t, windows[t], key, gzipBytes(body)})
		}
		return true
	}() {
		return
	}
	for _, f := range files {
		err := s.store.Put(ctx, objstore.Object{Bucket: ch.S3BucketName, Key: f.key, Body: f.body})
		func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if info := s.channelState.ConfigHistoryDeliveryInfo; info != nil && s.channel != nil {
				t := at
				info.LastAttemptTime = &t
				if err != nil {
					info.LastStatus, info.LastErrorCode, info.LastErrorMessage = "Failure", "NoSuchBucket", err.Error()
				} else {
					info.LastStatus, info.LastErrorCode, info.LastErrorMessage = "Success", "", ""
					info.LastSuccessfulTime = &t
				}
			}
			if err != nil {
				if _, ok := s.histRetry[f.typ]; !ok {
					s.histRetry[f.typ] = f.from
				}
			} else {
				delete(s.histRetry, f.typ)
			}
		}()
		if err != nil {
			continue
		}
		b, _ := json.Marshal(snapshotNote{S3ObjectKey: f.key, S3Bucket: ch.S3BucketName, NotificationCreationTime: isoMillis(at), MessageType: MessageHistoryDeliveryCompleted, RecordVersion: "1.1"})
		s.publishNote(ctx, ch.SNSTopicARN, s.subjectPrefix()+"Configuration History Delivery Completed for Account "+s.op.AccountID, b)
	}
}
