package config

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sgVersions records n versions of sg-1, one a minute.
func sgVersions(t *testing.T, n int) *harness {
	h := newHarness(t).started(nil, nil)
	for i := range n {
		h.record(ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", Configuration: map[string]any{"v": i}})
		h.clk.Advance(time.Minute)
	}
	return h
}

func versionOf(ci ConfigurationItem) string { return ci.Configuration }

func TestGetResourceConfigHistory(t *testing.T) {
	h := sgVersions(t, 25)
	in := GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1"}

	out, err := h.svc.GetResourceConfigHistory(h.ctx, in)
	require.NoError(t, err)
	require.Len(t, out.ConfigurationItems, 10, "the default limit is 10")
	assert.Equal(t, `{"v":24}`, versionOf(out.ConfigurationItems[0]), "Reverse (newest first) is the default")
	assert.NotEmpty(t, out.NextToken)

	var all []string
	page := in
	page.ChronologicalOrder = Forward
	page.Limit = Int32(7)
	for {
		out, err := h.svc.GetResourceConfigHistory(h.ctx, page)
		require.NoError(t, err)
		for _, ci := range out.ConfigurationItems {
			all = append(all, versionOf(ci))
		}
		if out.NextToken == "" {
			break
		}
		page.NextToken = out.NextToken
	}
	require.Len(t, all, 25, "pagination returns every item once")
	assert.Equal(t, `{"v":0}`, all[0])
	assert.Equal(t, `{"v":24}`, all[24])

	// Time range is inclusive on both ends.
	e, l := t0.Add(3*time.Minute), t0.Add(5*time.Minute)
	out, err = h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", EarlierTime: &e, LaterTime: &l, ChronologicalOrder: Forward})
	require.NoError(t, err)
	require.Len(t, out.ConfigurationItems, 3)
	assert.Equal(t, `{"v":3}`, versionOf(out.ConfigurationItems[0]))
	assert.Equal(t, `{"v":5}`, versionOf(out.ConfigurationItems[2]))
}

func TestGetResourceConfigHistoryErrors(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1"})
	assert.True(t, errors.Is(err, ErrNoAvailableConfigurationRecorder))
	h = sgVersions(t, 3)
	e, l := t0.Add(time.Hour), t0
	other := "AWS::EC2::SecurityGroup"
	cases := []struct {
		name string
		in   GetResourceConfigHistoryInput
		code string
	}{
		{"resourceType is required", GetResourceConfigHistoryInput{ResourceID: "sg-1"}, "ValidationException"},
		{"resourceId is required", GetResourceConfigHistoryInput{ResourceType: other}, "ValidationException"},
		{"limit above 100", GetResourceConfigHistoryInput{ResourceType: other, ResourceID: "sg-1", Limit: Int32(101)}, "InvalidLimitException"},
		{"negative limit", GetResourceConfigHistoryInput{ResourceType: other, ResourceID: "sg-1", Limit: Int32(-1)}, "InvalidLimitException"},
		{"earlierTime after laterTime", GetResourceConfigHistoryInput{ResourceType: other, ResourceID: "sg-1", EarlierTime: &e, LaterTime: &l}, "InvalidTimeRangeException"},
		{"garbage nextToken", GetResourceConfigHistoryInput{ResourceType: other, ResourceID: "sg-1", NextToken: "!!"}, "InvalidNextTokenException"},
		{"nextToken of another resource", GetResourceConfigHistoryInput{ResourceType: other, ResourceID: "sg-1", NextToken: pageToken{Reverse, ResourceKey{other, "sg-2"}, 1, 1}.String()}, "InvalidNextTokenException"},
		{"bad chronologicalOrder", GetResourceConfigHistoryInput{ResourceType: other, ResourceID: "sg-1", ChronologicalOrder: "Sideways"}, "ValidationException"},
		{"unknown resource", GetResourceConfigHistoryInput{ResourceType: other, ResourceID: "sg-9"}, "ResourceNotDiscoveredException"},
	}
	for _, c := range cases {
		_, err := h.svc.GetResourceConfigHistory(h.ctx, c.in)
		assert.Equal(t, c.code, awserr.Code(err), c.name)
	}
}

func TestConfigurationAtAPastInstant(t *testing.T) {
	h := sgVersions(t, 5)
	key := ResourceKey{"AWS::EC2::SecurityGroup", "sg-1"}
	_, err := h.svc.ConfigurationItemAt(key, t0.Add(-time.Second))
	assert.True(t, errors.Is(err, ErrResourceNotDiscovered), "before the first item")
	for i := range 5 {
		ci, err := h.svc.ConfigurationItemAt(key, t0.Add(time.Duration(i)*time.Minute+30*time.Second))
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf(`{"v":%d}`, i), ci.Configuration)
	}
	ci, err := h.svc.ConfigurationItemAt(key, t0.Add(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, `{"v":2}`, ci.Configuration, "an item captured exactly at t is in effect at t")
	require.NoError(t, h.svc.RecordDeletion(h.ctx, key))
	ci, err = h.svc.ConfigurationItemAt(key, h.clk.Now())
	require.NoError(t, err)
	assert.Equal(t, StatusResourceDeleted, ci.ConfigurationItemStatus)
}

// TestPointInTimeMatchesReference checks ConfigurationItemAt against a linear
// scan over randomly timed changes, several in the same millisecond.
func TestPointInTimeMatchesReference(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	type rec struct {
		at time.Time
		v  int
	}
	var ref []rec
	key := ResourceKey{"AWS::EC2::SecurityGroup", "sg-1"}
	for i := range 300 {
		h.record(ResourceConfig{ResourceType: key.ResourceType, ResourceID: key.ResourceID, Configuration: map[string]any{"v": i}})
		ref = append(ref, rec{h.clk.Now(), i})
		h.clk.Advance(time.Duration(rng.IntN(3)) * time.Millisecond * time.Duration(rng.IntN(1000)))
	}
	end := h.clk.Now()
	for range 500 {
		q := t0.Add(time.Duration(rng.Int64N(int64(end.Sub(t0) + time.Second))))
		want := -1
		for _, r := range ref {
			if !r.at.After(q) {
				want = r.v
			}
		}
		ci, err := h.svc.ConfigurationItemAt(key, q)
		if want < 0 {
			assert.Error(t, err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf(`{"v":%d}`, want), ci.Configuration, "at %s", q)
	}
}

func TestImpactFollowsRelationshipsTransitively(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(ResourceConfig{ResourceType: "AWS::EC2::VPC", ResourceID: "vpc-1", Configuration: `{}`})
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Subnet", ResourceID: "subnet-1", Configuration: `{}`,
		Relationships: []ResourceRelationship{{ResourceType: "AWS::EC2::VPC", ResourceID: "vpc-1", RelationshipName: "Is contained in Vpc"}}})
	h.record(securityGroup("sg-1"))
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1", Configuration: `{}`,
		Relationships: []ResourceRelationship{
			{ResourceType: "AWS::EC2::Subnet", ResourceID: "subnet-1", RelationshipName: "Is contained in Subnet"},
			{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", RelationshipName: "Is associated with SecurityGroup"}}})
	before := h.clk.Now()
	h.clk.Advance(time.Hour)
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-2", Configuration: `{}`,
		Relationships: []ResourceRelationship{{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", RelationshipName: "Is associated with SecurityGroup"}}})

	out, err := h.svc.Impact(ImpactInput{ResourceType: "AWS::EC2::VPC", ResourceID: "vpc-1"})
	require.NoError(t, err)
	var got []string
	for _, r := range out.Resources {
		got = append(got, fmt.Sprintf("%d %s", r.Depth, r.ResourceID))
	}
	assert.Equal(t, []string{"1 subnet-1", "2 i-1", "3 sg-1", "4 i-2"}, got)
	assert.Equal(t, "Contains Subnet", out.Resources[0].Path[0].RelationshipName)
	assert.Len(t, out.Resources[3].Path, 4)

	out, err = h.svc.Impact(ImpactInput{ResourceType: "AWS::EC2::VPC", ResourceID: "vpc-1", MaxDepth: 2})
	require.NoError(t, err)
	assert.Len(t, out.Resources, 2, "MaxDepth bounds the walk")

	out, err = h.svc.Impact(ImpactInput{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-1", At: before})
	require.NoError(t, err)
	got = nil
	for _, r := range out.Resources {
		got = append(got, r.ResourceID)
	}
	assert.Equal(t, []string{"i-1", "subnet-1", "vpc-1"}, got, "as of a past time, i-2 did not exist")
	_, err = h.svc.Impact(ImpactInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-2", At: before})
	assert.True(t, errors.Is(err, ErrResourceNotDiscovered))
}

func TestBatchGetResourceConfig(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.record(instance("i-1", "sg-1", "t2.micro", map[string]string{"a": "b"}))
	h.record(instance("i-2", "sg-1", "t2.micro", nil))
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::Instance", "i-2"}))
	out, err := h.svc.BatchGetResourceConfig(h.ctx, BatchGetResourceConfigInput{ResourceKeys: []ResourceKey{
		{"AWS::EC2::Instance", "i-1"}, {"AWS::EC2::Instance", "i-2"}, {"AWS::EC2::Instance", "i-9"}}})
	require.NoError(t, err)
	require.Len(t, out.BaseConfigurationItems, 1, "deleted and unknown resources are not returned")
	assert.Equal(t, "i-1", out.BaseConfigurationItems[0].ResourceID)
	assert.Empty(t, out.UnprocessedResourceKeys)
	_, err = h.svc.BatchGetResourceConfig(h.ctx, BatchGetResourceConfigInput{})
	assert.True(t, errors.Is(err, ErrValidation))
	keys := make([]ResourceKey, 101)
	for i := range keys {
		keys[i] = ResourceKey{"AWS::EC2::Instance", fmt.Sprint(i)}
	}
	_, err = h.svc.BatchGetResourceConfig(h.ctx, BatchGetResourceConfigInput{ResourceKeys: keys})
	assert.True(t, errors.Is(err, ErrValidation), "at most 100 keys")
}

func TestListDiscoveredResources(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	for i := range 5 {
		h.record(ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: fmt.Sprintf("b-%d", i), ResourceName: fmt.Sprintf("name-%d", i), Configuration: `{}`})
	}
	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::S3::Bucket", "b-2"}))
	out, err := h.svc.ListDiscoveredResources(h.ctx, ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", Limit: Int32(3)})
	require.NoError(t, err)
	require.Len(t, out.ResourceIdentifiers, 3)
	assert.Equal(t, "b-0", out.ResourceIdentifiers[0].ResourceID)
	assert.Equal(t, "b-3", out.ResourceIdentifiers[2].ResourceID, "deleted resources are left out by default")
	out, err = h.svc.ListDiscoveredResources(h.ctx, ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", Limit: Int32(3), NextToken: out.NextToken})
	require.NoError(t, err)
	require.Len(t, out.ResourceIdentifiers, 1)
	assert.Empty(t, out.NextToken)

	out, err = h.svc.ListDiscoveredResources(h.ctx, ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", IncludeDeletedResources: Bool(true), ResourceIDs: []string{"b-2"}})
	require.NoError(t, err)
	require.Len(t, out.ResourceIdentifiers, 1)
	assert.NotNil(t, out.ResourceIdentifiers[0].ResourceDeletionTime)
	out, err = h.svc.ListDiscoveredResources(h.ctx, ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", ResourceName: "name-4"})
	require.NoError(t, err)
	require.Len(t, out.ResourceIdentifiers, 1)
	assert.Equal(t, "b-4", out.ResourceIdentifiers[0].ResourceID)

	cases := []struct {
		name string
		in   ListDiscoveredResourcesInput
		code string
	}{
		{"resourceType is required", ListDiscoveredResourcesInput{}, "ValidationException"},
		{"ids and name together", ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", ResourceIDs: []string{"b-1"}, ResourceName: "x"}, "ValidationException"},
		{"at most 20 ids", ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", ResourceIDs: make([]string, 21)}, "ValidationException"},
		{"limit above 100", ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", Limit: Int32(101)}, "InvalidLimitException"},
		{"bad token", ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", NextToken: "%%"}, "InvalidNextTokenException"},
	}
	for _, c := range cases {
		_, err := h.svc.ListDiscoveredResources(h.ctx, c.in)
		assert.Equal(t, c.code, awserr.Code(err), c.name)
	}
}
