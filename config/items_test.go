package config

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func statuses(items []ConfigurationItem) []ConfigurationItemStatus {
	var out []ConfigurationItemStatus
	for _, ci := range items {
		out = append(out, ci.ConfigurationItemStatus)
	}
	return out
}

func TestConfigurationItemLifecycle(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"env": "dev"}))
	h.clk.Advance(time.Second)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"env": "dev"}))
	h.clk.Advance(time.Second)
	h.record(instance("i-1", "sg-1", "m5.large", map[string]string{"env": "dev"}))
	h.clk.Advance(time.Second)
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::Instance", "i-1"}))
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::Instance", "i-1"}), "deleting twice is a no-op")
	h.clk.Advance(time.Second)
	h.record(instance("i-1", "sg-1", "m5.large", nil))

	items := h.history("AWS::EC2::Instance", "i-1")
	assert.Equal(t, []ConfigurationItemStatus{StatusResourceDiscovered, StatusOK, StatusResourceDeleted, StatusResourceDiscovered}, statuses(items),
		"unchanged configuration produces no item; a re-created resource is discovered again")
	for i, ci := range items {
		assert.Equal(t, ItemVersion, ci.Version)
		assert.Equal(t, "123456789012", ci.AccountID)
		assert.Equal(t, "us-east-1", ci.AWSRegion)
		if i > 0 {
			a, _ := strconv.ParseInt(items[i-1].ConfigurationStateID, 10, 64)
			b, _ := strconv.ParseInt(ci.ConfigurationStateID, 10, 64)
			assert.Greater(t, b, a, "configurationStateId increases")
		}
	}
	assert.Equal(t, t0, items[0].ConfigurationItemCaptureTime)
	assert.Equal(t, t0, *items[0].ResourceCreationTime)
	assert.Equal(t, "us-east-1a", items[0].AvailabilityZone)
	assert.Len(t, items[0].ConfigurationItemMD5Hash, 32)
	assert.NotEqual(t, items[0].ConfigurationItemMD5Hash, items[1].ConfigurationItemMD5Hash)
	assert.JSONEq(t, `{"instanceId":"i-1","instanceType":"m5.large","securityGroups":[{"groupId":"sg-1"}]}`, items[1].Configuration)
	assert.Empty(t, items[2].Configuration, "a deleted item carries no configuration")
	assert.Empty(t, items[2].Relationships)
	assert.Equal(t, map[string]string{"env": "dev"}, items[1].Tags)
	assert.Len(t, h.changes, 4, "one ChangeEvent per item (the undeclared security group gets none)")
}

func TestKeyOrderOfTheConfigurationDoesNotMakeAChange(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "b", Configuration: `{"a":1,"b":{"x":true,"y":null}}`})
	h.record(ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "b", Configuration: `{ "b": {"y":null, "x":true}, "a": 1 }`})
	assert.Len(t, h.history("AWS::S3::Bucket", "b"), 1)
}

func TestRecorderStoppedRecordsOnStart(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.StopConfigurationRecorder(h.ctx, StopConfigurationRecorderInput{"default"})
	require.NoError(t, err)
	h.record(securityGroup("sg-1"))
	h.record(ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", Configuration: `{"groupId":"sg-1","v":2}`})
	_, err = h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1"})
	assert.True(t, errors.Is(err, ErrResourceNotDiscovered), "nothing is recorded while stopped")
	h.clk.Advance(time.Minute)
	_, err = h.svc.StartConfigurationRecorder(h.ctx, StartConfigurationRecorderInput{"default"})
	require.NoError(t, err)
	items := h.history("AWS::EC2::SecurityGroup", "sg-1")
	require.Len(t, items, 1)
	assert.Equal(t, StatusResourceDiscovered, items[0].ConfigurationItemStatus)
	assert.Equal(t, t0.Add(time.Minute), items[0].ConfigurationItemCaptureTime)
	assert.Equal(t, `{"groupId":"sg-1","v":2}`, items[0].Configuration)
}

func TestUnrecordedTypes(t *testing.T) {
	h := newHarness(t).started(&RecordingGroup{ResourceTypes: []string{"AWS::EC2::Instance"}}, nil)
	h.record(securityGroup("sg-1"))
	h.record(ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", Configuration: `{"changed":true}`})
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::SecurityGroup", "sg-1"}))
	items := h.history("AWS::EC2::SecurityGroup", "sg-1")
	assert.Equal(t, []ConfigurationItemStatus{StatusResourceNotRecorded, StatusResourceDeletedNotRecorded}, statuses(items))
	assert.Empty(t, items[0].Configuration)

	g := newHarness(t).started(nil, nil)
	g.record(ResourceConfig{ResourceType: "AWS::IAM::Role", ResourceID: "r", Configuration: `{}`})
	assert.Equal(t, StatusResourceNotRecorded, g.history("AWS::IAM::Role", "r")[0].ConfigurationItemStatus,
		"global IAM types are not recorded by default")
	gg := newHarness(t).started(&RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true}, nil)
	gg.record(ResourceConfig{ResourceType: "AWS::IAM::Role", ResourceID: "r", Configuration: `{}`})
	assert.Equal(t, StatusResourceDiscovered, gg.history("AWS::IAM::Role", "r")[0].ConfigurationItemStatus)

	ex := newHarness(t).started(&RecordingGroup{ExclusionByResourceTypes: &ExclusionByTypes{ResourceTypes: []string{"AWS::EC2::Volume"}}}, nil)
	ex.record(ResourceConfig{ResourceType: "AWS::EC2::Volume", ResourceID: "v", Configuration: `{}`})
	ex.record(ResourceConfig{ResourceType: "AWS::EC2::Subnet", ResourceID: "s", Configuration: `{}`})
	assert.Equal(t, StatusResourceNotRecorded, ex.history("AWS::EC2::Volume", "v")[0].ConfigurationItemStatus)
	assert.Equal(t, StatusResourceDiscovered, ex.history("AWS::EC2::Subnet", "s")[0].ConfigurationItemStatus)
}

func TestRelationshipChangeRecordsItemsForRelatedResources(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(securityGroup("sg-c8b141b4"))
	h.record(securityGroup("sg-3f1fef43"))
	h.record(instance("i-007d374c8912e3e90", "sg-c8b141b4", "t2.micro", nil))
	h.clk.Advance(time.Minute)
	h.notes, h.changes = nil, nil
	h.record(instance("i-007d374c8912e3e90", "sg-3f1fef43", "t2.micro", nil))

	require.Len(t, h.changes, 3, "the instance and both security groups get items")
	assert.Equal(t, "i-007d374c8912e3e90", h.changes[0].ConfigurationItem.ResourceID)
	d := h.changes[0].Diff
	assert.Equal(t, ChangeUpdate, d.ChangeType)
	assert.Equal(t, ChangeDelete, d.ChangedProperties["Relationships.0"].ChangeType)
	assert.Equal(t, ChangeCreate, d.ChangedProperties["Relationships.1"].ChangeType)
	assert.Equal(t, ChangeDelete, d.ChangedProperties["Configuration.SecurityGroups.0"].ChangeType)
	assert.Equal(t, ChangeCreate, d.ChangedProperties["Configuration.SecurityGroups.1"].ChangeType)

	newSG := h.history("AWS::EC2::SecurityGroup", "sg-3f1fef43")
	last := newSG[len(newSG)-1]
	assert.Equal(t, []Relationship{{ResourceType: "AWS::EC2::Instance", ResourceID: "i-007d374c8912e3e90", RelationshipName: "Is associated with Instance"}}, last.Relationships)
	oldSG := h.history("AWS::EC2::SecurityGroup", "sg-c8b141b4")
	assert.Empty(t, oldSG[len(oldSG)-1].Relationships, "the old group loses the reverse relationship")
	require.Len(t, h.notes, 3)
	assert.Equal(t, "[AWS Config:us-east-1] AWS::EC2::Instance i-007d374c8912e3e90 Updated in Account 123456789012", h.notes[0].Subject)
	assert.Equal(t, testTopic, h.notes[0].TopicARN)

	// Deleting the instance removes the reverse relationship too.
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::Instance", "i-007d374c8912e3e90"}))
	newSG = h.history("AWS::EC2::SecurityGroup", "sg-3f1fef43")
	assert.Empty(t, newSG[len(newSG)-1].Relationships)
}

func TestReverseRelationshipNames(t *testing.T) {
	cases := []struct{ name, from, want string }{
		{"Is associated with SecurityGroup", "AWS::EC2::Instance", "Is associated with Instance"},
		{"Is attached to Volume", "AWS::EC2::Instance", "Is attached to Instance"},
		{"Contains NetworkInterface", "AWS::EC2::Instance", "Is contained in Instance"},
		{"Is contained in Subnet", "AWS::EC2::Instance", "Contains Instance"},
		{"Uses", "My::Custom::Thing", "Uses"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, ReverseRelationshipName(c.name, c.from), c.name)
	}
}

func TestRelatedEventsLinkAPICallsOfOtherServices(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	_ = bus.Publish(h.ctx, h.bus, event.APICall{EventSource: "ec2.amazonaws.com", EventName: "ModifyInstanceAttribute", EventID: "ev-1", Management: true,
		RequestParameters: map[string]any{"instanceId": "i-1", "instanceType": map[string]any{"value": "m5.large"}}})
	_ = bus.Publish(h.ctx, h.bus, event.APICall{EventSource: "ec2.amazonaws.com", EventName: "CreateTags", EventID: "ev-2", Management: true,
		Resources: []event.Resource{{ARN: "arn:aws:ec2:us-east-1:123456789012:instance/i-1"}}})
	_ = bus.Publish(h.ctx, h.bus, event.APICall{EventSource: "ec2.amazonaws.com", EventName: "DescribeInstances", EventID: "ev-read", ReadOnly: true, Management: true,
		RequestParameters: map[string]any{"instanceId": "i-1"}})
	_ = bus.Publish(h.ctx, h.bus, event.APICall{EventSource: "ec2.amazonaws.com", EventName: "StopInstances", EventID: "ev-failed", ErrorCode: "UnauthorizedOperation", Management: true,
		RequestParameters: map[string]any{"instanceId": "i-1"}})
	// A data event never changes a resource's configuration.
	_ = bus.Publish(h.ctx, h.bus, event.APICall{EventSource: "sns.amazonaws.com", EventName: "Publish", EventID: "ev-data",
		RequestParameters: map[string]any{"message": "i-1"}})
	h.record(instance("i-1", "sg-1", "m5.large", nil))
	items := h.history("AWS::EC2::Instance", "i-1")
	require.Len(t, items, 2)
	assert.Empty(t, items[0].RelatedEvents)
	assert.Equal(t, []string{"ev-1", "ev-2"}, items[1].RelatedEvents, "successful write management calls naming the resource")
	h.record(instance("i-1", "sg-1", "m5.xlarge", nil))
	assert.Empty(t, h.history("AWS::EC2::Instance", "i-1")[2].RelatedEvents, "events are linked once")
}

func TestDailyRecording(t *testing.T) {
	h := newHarness(t).started(nil, &RecordingMode{RecordingFrequency: Continuous, RecordingModeOverrides: []RecordingModeOverride{
		{ResourceTypes: []string{"AWS::EC2::Volume"}, RecordingFrequency: Daily}}})
	vol := func(size int) ResourceConfig {
		return ResourceConfig{ResourceType: "AWS::EC2::Volume", ResourceID: "vol-1", Configuration: map[string]any{"size": size}}
	}
	h.record(vol(1))
	h.clk.Advance(time.Hour)
	h.record(vol(2))
	h.record(vol(3))
	_, err := h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Volume", ResourceID: "vol-1"})
	assert.True(t, errors.Is(err, ErrResourceNotDiscovered), "DAILY types wait for the daily recording")
	h.clk.Set(time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC))
	items := h.history("AWS::EC2::Volume", "vol-1")
	require.Len(t, items, 1, "one item for the day's last state")
	assert.JSONEq(t, `{"size":3}`, items[0].Configuration)
	assert.Equal(t, Daily, items[0].RecordingFrequency)
	require.NotNil(t, items[0].ConfigurationItemDeliveryTime)
	h.record(vol(1))
	h.record(vol(3))
	h.clk.Advance(24 * time.Hour)
	assert.Len(t, h.history("AWS::EC2::Volume", "vol-1"), 1, "a DAILY item only if different from the previous one")
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1", Configuration: `{}`})
	assert.Empty(t, h.history("AWS::EC2::Instance", "i-1")[0].RecordingFrequency, "CONTINUOUS items carry no recordingFrequency")
}

func TestPutResourceConfigValidation(t *testing.T) {
	h := newHarness(t)
	valid := PutResourceConfigInput{ResourceType: "MyCorp::Build::Runner", SchemaVersionID: "00000001", ResourceID: "r-1", Configuration: `{"cpu":2}`}
	_, err := h.svc.PutResourceConfig(h.ctx, valid)
	assert.True(t, errors.Is(err, ErrNoRunningConfigurationRecorder))
	h.started(nil, nil)
	cases := []struct {
		name string
		mut  func(*PutResourceConfigInput)
	}{
		{"the organization AWS is reserved", func(in *PutResourceConfigInput) { in.ResourceType = "AWS::EC2::Instance" }},
		{"the organization Custom is reserved", func(in *PutResourceConfigInput) { in.ResourceType = "Custom::X::Y" }},
		{"the organization Alexa is reserved", func(in *PutResourceConfigInput) { in.ResourceType = "Alexa::X::Y" }},
		{"a type without :: is invalid", func(in *PutResourceConfigInput) { in.ResourceType = "Runner" }},
		{"schemaVersionId is required", func(in *PutResourceConfigInput) { in.SchemaVersionID = "" }},
		{"schemaVersionId is alphanumeric", func(in *PutResourceConfigInput) { in.SchemaVersionID = "v 1" }},
		{"configuration is required", func(in *PutResourceConfigInput) { in.Configuration = "" }},
		{"configuration must be JSON", func(in *PutResourceConfigInput) { in.Configuration = "{cpu" }},
		{"configuration is at most 64 KB", func(in *PutResourceConfigInput) {
			in.Configuration = `{"x":"` + strings.Repeat("a", 64*1024) + `"}`
		}},
		{"resourceId is at most 768 characters", func(in *PutResourceConfigInput) { in.ResourceID = strings.Repeat("r", 769) }},
		{"at most 50 tags", func(in *PutResourceConfigInput) {
			in.Tags = map[string]string{}
			for i := range 51 {
				in.Tags[strconv.Itoa(i)] = "v"
			}
		}},
	}
	for _, c := range cases {
		in := valid
		c.mut(&in)
		_, err := h.svc.PutResourceConfig(h.ctx, in)
		assert.Equal(t, "ValidationException", awserr.Code(err), c.name)
	}
	_, err = h.svc.ListDiscoveredResources(h.ctx, ListDiscoveredResourcesInput{ResourceType: "MyCorp::Build::Runner"})
	require.NoError(t, err)
	_, err = h.svc.PutResourceConfig(h.ctx, valid)
	require.NoError(t, err)
	_, err = h.svc.DeleteResourceConfig(h.ctx, DeleteResourceConfigInput{ResourceType: "MyCorp::Build::Runner", ResourceID: "r-1"})
	require.NoError(t, err)
	assert.Equal(t, []ConfigurationItemStatus{StatusResourceDiscovered, StatusResourceDeleted}, statuses(h.history("MyCorp::Build::Runner", "r-1")))
}

// TestRelationshipsMatchReference declares and deletes resources with random
// relationships and checks every live resource's current item against a
// reference computed from the declarations alone: its own relationships plus
// the reverse of every live resource's relationship to it.
func TestRelationshipsMatchReference(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 12
	id := func(i int) string { return fmt.Sprintf("r-%02d", i) }
	declared := map[int][]int{} // live resource -> targets
	for step := range 400 {
		i := rng.IntN(n)
		if rng.IntN(5) == 0 {
			require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::Volume", id(i)}))
			delete(declared, i)
		} else {
			var targets []int
			var rels []ResourceRelationship
			for j := range n {
				if j != i && rng.IntN(4) == 0 {
					targets = append(targets, j)
					rels = append(rels, ResourceRelationship{ResourceType: "AWS::EC2::Volume", ResourceID: id(j), RelationshipName: "Is attached to Volume"})
				}
			}
			h.record(ResourceConfig{ResourceType: "AWS::EC2::Volume", ResourceID: id(i), Configuration: `{}`, Relationships: rels})
			declared[i] = targets
		}
		h.clk.Advance(time.Duration(rng.IntN(3)) * time.Millisecond)
		if step%20 != 19 {
			continue
		}
		for i := range n {
			ci, err := h.svc.ConfigurationItemAt(ResourceKey{"AWS::EC2::Volume", id(i)}, h.clk.Now())
			if _, live := declared[i]; !live {
				if err == nil {
					assert.True(t, isDeletion(ci.ConfigurationItemStatus), "%s is deleted", id(i))
				}
				continue
			}
			require.NoError(t, err)
			want := map[string]bool{}
			for _, j := range declared[i] {
				want[id(j)+" Is attached to Volume"] = true
			}
			for k, targets := range declared {
				if slices.Contains(targets, i) {
					want[id(k)+" Is attached to Volume"] = true // the reverse name of the same words
				}
			}
			got := map[string]bool{}
			for _, r := range ci.Relationships {
				assert.False(t, got[r.ResourceID+" "+r.RelationshipName], "no duplicate relationships")
				got[r.ResourceID+" "+r.RelationshipName] = true
			}
			assert.Equal(t, want, got, "relationships of %s at step %d", id(i), step)
		}
	}
}

func TestWideningTheRecordingGroupDiscoversResources(t *testing.T) {
	h := newHarness(t).started(&RecordingGroup{ResourceTypes: []string{"AWS::EC2::Instance"}}, nil)
	h.record(ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "b", Configuration: `{"v":1}`})
	assert.Equal(t, StatusResourceNotRecorded, h.history("AWS::S3::Bucket", "b")[0].ConfigurationItemStatus)
	h.clk.Advance(time.Minute)
	_, err := h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "default", RoleARN: testRole}})
	require.NoError(t, err)
	items := h.history("AWS::S3::Bucket", "b")
	assert.Equal(t, []ConfigurationItemStatus{StatusResourceNotRecorded, StatusResourceDiscovered}, statuses(items))
	assert.Equal(t, `{"v":1}`, items[1].Configuration)
}
