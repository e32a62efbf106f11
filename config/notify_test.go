package config

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, got, "", "  "))
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), buf.String())
}

func TestChangeNotificationGolden(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(securityGroup("sg-c8b141b4"))
	h.record(securityGroup("sg-3f1fef43"))
	h.record(instance("i-007d374c8912e3e90", "sg-c8b141b4", "t2.micro", map[string]string{"Name": "value"}))
	h.clk.Advance(90*time.Minute + 328*time.Millisecond)
	h.notes = nil
	h.record(instance("i-007d374c8912e3e90", "sg-3f1fef43", "t2.micro", map[string]string{"Name": "value"}))
	require.Len(t, h.notes, 3)
	golden(t, "instance_updated.json", []byte(h.notes[0].Message))
	golden(t, "security_group_updated.json", []byte(h.notes[2].Message))

	var msg ConfigurationItemChangeNotification
	require.NoError(t, json.Unmarshal([]byte(h.notes[0].Message), &msg))
	assert.Equal(t, "2026-03-07T11:30:00.328Z", msg.ConfigurationItem.ConfigurationItemCaptureTime, "ISO time with milliseconds")
	assert.Equal(t, int64(1772883000328), msg.ConfigurationItem.ConfigurationStateID, "numeric state id in the notification shape")
	ci, err := msg.ConfigurationItem.APIForm()
	require.NoError(t, err)
	api := h.history("AWS::EC2::Instance", "i-007d374c8912e3e90")[1]
	api.stateID, api.md5 = 0, [16]byte{}
	ci.stateID = 0
	assert.Equal(t, api, ci, "the notification shape converts back to the API shape")
}

func TestNotificationAndAPIShapesUseTheirOwnKeys(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	api, err := json.Marshal(h.history("AWS::EC2::Instance", "i-1")[0])
	require.NoError(t, err)
	for _, k := range []string{`"version":`, `"accountId":`, `"arn":`, `"configurationItemMD5Hash":`, `"relationshipName":`, `"configuration":"{`, `"configurationStateId":"`} {
		assert.Contains(t, string(api), k)
	}
	n := h.notes[len(h.notes)-1].Message
	for _, k := range []string{`"configurationItemVersion":`, `"awsAccountId":`, `"ARN":`, `"configurationStateMd5Hash":`, `"name":`, `"configuration":{`, `"configurationStateId":1`} {
		assert.Contains(t, n, k)
	}
}

func TestDeliverConfigSnapshot(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.DeliverConfigSnapshot(h.ctx, DeliverConfigSnapshotInput{"default"})
	assert.ErrorIs(t, err, ErrNoSuchDeliveryChannel)
	_, err = h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{RoleARN: testRole}})
	require.NoError(t, err)
	_, err = h.svc.PutDeliveryChannel(h.ctx, PutDeliveryChannelInput{DeliveryChannel{S3BucketName: "config-bucket", S3KeyPrefix: strp("org"), SNSTopicARN: testTopic}})
	require.NoError(t, err)
	_, err = h.svc.DeliverConfigSnapshot(h.ctx, DeliverConfigSnapshotInput{"default"})
	assert.ErrorIs(t, err, ErrNoRunningConfigurationRecorder)
	_, err = h.svc.StartConfigurationRecorder(h.ctx, StartConfigurationRecorderInput{"default"})
	require.NoError(t, err)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	h.record(securityGroup("sg-1"))
	h.record(ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "gone", Configuration: `{}`})
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::S3::Bucket", "gone"}))
	h.clk.Advance(8*time.Hour + 39*time.Second)
	h.notes = nil

	out, err := h.svc.DeliverConfigSnapshot(h.ctx, DeliverConfigSnapshotInput{"default"})
	require.NoError(t, err)
	keys, err := h.svc.Store().List(h.ctx, "config-bucket", "")
	require.NoError(t, err)
	want := "org/AWSLogs/123456789012/Config/us-east-1/2026/3/7/ConfigSnapshot/123456789012_Config_us-east-1_ConfigSnapshot_20260307T180039Z_" + out.ConfigSnapshotID + ".json.gz"
	assert.Equal(t, []string{"org/AWSLogs/123456789012/Config/ConfigWritabilityCheckFile", want}, keys, "key layout, dates not zero-padded")
	obj, err := h.svc.Store().Get(h.ctx, "config-bucket", want)
	require.NoError(t, err)
	snap, err := ParseSnapshot(obj.Body)
	require.NoError(t, err)
	assert.Equal(t, "1.0", snap.FileVersion)
	require.Len(t, snap.ConfigurationItems, 2, "current items of existing resources")
	assert.Equal(t, "i-1", snap.ConfigurationItems[0].ResourceID)
	assert.Equal(t, "sg-1", snap.ConfigurationItems[1].ResourceID)

	require.Len(t, h.notes, 2)
	assert.Equal(t, "[AWS Config:us-east-1] Configuration Snapshot Delivery Started for Account 123456789012", h.notes[0].Subject)
	assert.Equal(t, "[AWS Config:us-east-1] Configuration Snapshot Delivery Completed for Account 123456789012", h.notes[1].Subject)
	var done map[string]string
	require.NoError(t, json.Unmarshal([]byte(h.notes[1].Message), &done))
	assert.Equal(t, map[string]string{"configSnapshotId": out.ConfigSnapshotID, "s3ObjectKey": want, "s3Bucket": "config-bucket",
		"notificationCreationTime": "2026-03-07T18:00:39.000Z", "messageType": "ConfigurationSnapshotDeliveryCompleted", "recordVersion": "1.1"}, done)
	st, err := h.svc.DescribeDeliveryChannelStatus(h.ctx, DescribeDeliveryChannelStatusInput{})
	require.NoError(t, err)
	assert.Equal(t, "Success", st.DeliveryChannelsStatus[0].ConfigSnapshotDeliveryInfo.LastStatus)
}

func TestPeriodicSnapshotsOnTheClock(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutDeliveryChannel(h.ctx, PutDeliveryChannelInput{DeliveryChannel{S3BucketName: "config-bucket", SNSTopicARN: testTopic,
		ConfigSnapshotDeliveryProperties: &ConfigSnapshotDeliveryProperties{DeliveryFrequency: SixHours}}})
	require.NoError(t, err)
	h.clk.Advance(24 * time.Hour)
	assert.Len(t, h.notesOfType(MessageSnapshotDeliveryCompleted), 4, "every six hours")
	_, err = h.svc.StopConfigurationRecorder(h.ctx, StopConfigurationRecorderInput{"default"})
	require.NoError(t, err)
	h.clk.Advance(24 * time.Hour)
	assert.Len(t, h.notesOfType(MessageSnapshotDeliveryCompleted), 4, "no snapshots while the recorder is stopped")
}

// failingStore fails every Put.
type failingStore struct{ objstore.Memory }

func (*failingStore) Put(context.Context, objstore.Object) error { return os.ErrPermission }

func TestOversizedChangeNotification(t *testing.T) {
	h := newHarness(t)
	h.svc = New(Options{Clock: h.clk, Bus: h.bus})
	t.Cleanup(h.svc.Close)
	h.started(nil, nil)
	big := strings.Repeat("x", MaxSNSMessageBytes)
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-big", Configuration: map[string]any{"userData": big}})
	require.Len(t, h.notes, 1)
	assert.True(t, strings.HasPrefix(h.notes[0].Message, "View the Timeline for this Resource in the Console:"))
	assert.Contains(t, h.notes[0].Message, `"messageType": "OversizedConfigurationItemChangeNotification"`)
	keys, err := h.svc.Store().List(h.ctx, "config-bucket", "AWSLogs/123456789012/Config/us-east-1/2026/3/7/OversizedChangeNotification/AWS::EC2::Instance/i-big/")
	require.NoError(t, err)
	assert.Equal(t, []string{"AWSLogs/123456789012/Config/us-east-1/2026/3/7/OversizedChangeNotification/AWS::EC2::Instance/i-big/123456789012_Config_us-east-1_ChangeNotification_AWS::EC2::Instance_i-big_20260307T100000Z_0.json.gz"}, keys)

	f := newHarness(t)
	f.svc = New(Options{Clock: f.clk, Bus: f.bus, Store: &failingStore{}})
	t.Cleanup(f.svc.Close)
	f.started(nil, nil)
	f.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-big", Configuration: map[string]any{"userData": big}})
	require.Len(t, f.notes, 1)
	assert.Contains(t, f.notes[0].Message, `"messageType": "OversizedConfigurationItemChangeDeliveryFailed"`)
	assert.Contains(t, f.notes[0].Message, `"errorCode": "NoSuchBucket"`)
}

func TestDiffPropertyPaths(t *testing.T) {
	prev := &ConfigurationItem{ConfigurationItemStatus: StatusOK, Configuration: `{"state":"available","attachments":[],"placement":{"tenancy":"default","zone":"a"}}`,
		Tags: map[string]string{"a": "1", "b": "2"}, SupplementaryConfiguration: map[string]string{"X": `{"on":false}`}}
	cur := &ConfigurationItem{ConfigurationItemStatus: StatusOK, Configuration: `{"state":"in-use","attachments":[{"volumeId":"v"}],"placement":{"tenancy":"default"}}`,
		Tags: map[string]string{"a": "1", "c": "3"}, SupplementaryConfiguration: map[string]string{"X": `{"on":true}`}}
	d := Diff(prev, cur)
	assert.Equal(t, ChangeUpdate, d.ChangeType)
	got := map[string]string{}
	for k, v := range d.ChangedProperties {
		got[k] = v.ChangeType
	}
	assert.Equal(t, map[string]string{
		"Configuration.State": "UPDATE", "Configuration.Attachments.0": "CREATE", "Configuration.Placement.Zone": "DELETE",
		"Tags.b": "DELETE", "Tags.c": "CREATE", "SupplementaryConfiguration.X.On": "UPDATE",
	}, got)
	assert.Equal(t, ChangeCreate, Diff(nil, &ConfigurationItem{ConfigurationItemStatus: StatusResourceDiscovered}).ChangeType)
	assert.Equal(t, ChangeDelete, Diff(prev, &ConfigurationItem{ConfigurationItemStatus: StatusResourceDeleted}).ChangeType)
}

func FuzzParseSnapshot(f *testing.F) {
	f.Add([]byte(`{"fileVersion":"1.0","requestId":"r","configurationItems":[{"configurationItemCaptureTime":"2016-09-27T18:39:39.000Z","configurationStateId":1,"configuration":{"a":1},"relationships":[{"resourceId":"x","resourceName":null,"resourceType":"T","name":"n"}]}]}`))
	f.Add(gzipBytes([]byte(`{"fileVersion":"1.0","configurationItems":[]}`)))
	f.Add([]byte{0x1f, 0x8b, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSnapshot(data)
		if err != nil {
			return
		}
		for _, n := range s.ConfigurationItems {
			ci, err := n.APIForm()
			if err != nil {
				continue
			}
			// A converted item converts back without loss of the fields it kept.
			back := ci.NotificationForm()
			if back.ResourceID != n.ResourceID || back.ConfigurationStateID != n.ConfigurationStateID {
				t.Fatalf("round trip changed %q/%d to %q/%d", n.ResourceID, n.ConfigurationStateID, back.ResourceID, back.ConfigurationStateID)
			}
		}
	})
}

func decodeNumbers(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// FuzzCanonicalJSON checks the canonicalizer against encoding/json: it accepts
// exactly the valid documents, keeps their meaning, sorts keys, and is stable.
func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1,2,{"z":null}]}`, `[]`, `"x"`, `1e400`, `{"a":1}{"b":2}`, `{`, `{"a":1,"a":2}`, `{"\u0062":1,"a":2}`, " {\"k\" : [ true , false ] } ", `"\xff"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := canonicalJSON(s)
		if (err == nil) != json.Valid([]byte(s)) {
			t.Fatalf("canonicalJSON(%q) error %v, json.Valid %v", s, err, json.Valid([]byte(s)))
		}
		if err != nil {
			return
		}
		want, err1 := decodeNumbers(s)
		got, err2 := decodeNumbers(c)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(want, got) {
			t.Fatalf("meaning changed: %q -> %q", s, c)
		}
		if c2, err := canonicalJSON(c); err != nil || c2 != c {
			t.Fatalf("canonical form is not stable: %q -> %q -> %q (%v)", s, c, c2, err)
		}
		if m, ok := want.(map[string]any); ok {
			b, _ := json.Marshal(m)
			if want2, _ := decodeNumbers(string(b)); !reflect.DeepEqual(want2, got) {
				t.Fatalf("not equal to the sorted encoding: %q", c)
			}
		}
	})
}

func TestConfigurationHistoryFilesEverySixHours(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.clk.Advance(time.Hour)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	h.clk.Advance(30 * time.Minute)
	h.record(instance("i-1", "sg-1", "m5.large", nil))
	h.record(securityGroup("sg-1"))
	h.clk.Set(time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC))
	done := h.notesOfType(MessageHistoryDeliveryCompleted)
	require.Len(t, done, 2, "one file per resource type with changes")
	assert.Equal(t, "[AWS Config:us-east-1] Configuration History Delivery Completed for Account 123456789012", done[0].Subject)
	var m map[string]string
	require.NoError(t, json.Unmarshal([]byte(done[0].Message), &m))
	assert.Equal(t, "AWSLogs/123456789012/Config/us-east-1/2026/3/7/ConfigHistory/123456789012_Config_us-east-1_ConfigHistory_AWS::EC2::Instance_20260307T110000Z_20260307T113000Z_1.json.gz", m["s3ObjectKey"])
	assert.Equal(t, "1.1", m["recordVersion"])
	obj, err := h.svc.Store().Get(h.ctx, "config-bucket", m["s3ObjectKey"])
	require.NoError(t, err)
	snap, err := ParseSnapshot(obj.Body)
	require.NoError(t, err)
	assert.Len(t, snap.ConfigurationItems, 2, "both instance items of the window")
	h.clk.Advance(6 * time.Hour)
	assert.Len(t, h.notesOfType(MessageHistoryDeliveryCompleted), 2, "no file for a window without changes")
}

func TestComplianceChangeNotificationGolden(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, managed("required-tags", "REQUIRED_TAGS", `{"tag1Key":"CostCenter"}`, nil))
	require.NoError(t, err)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"CostCenter": "42"}))
	h.clk.Advance(time.Minute + 217*time.Millisecond)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	cc := h.notesOfType(MessageComplianceChange)
	require.Len(t, cc, 2)
	golden(t, "compliance_change.json", []byte(cc[1].Message))
}
