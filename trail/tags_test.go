package trail

import (
	"strings"
	"testing"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const auditARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"

// Tags given to CreateTrail and AddTags are read back by ListTags; AddTags
// overwrites an existing key's value, RemoveTags removes by key; a trail has
// at most 50 tags.
func TestTrailTagsAreReadBack(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "audit", S3BucketName: "trail-bucket", TagsList: []Tag{{Key: "team", Value: "sec"}}})
	require.NoError(t, err)
	_, err = e.svc.AddTags(e.ctx, AddTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "ops"}, {Key: "flag"}}})
	require.NoError(t, err)
	out, err := e.svc.ListTags(e.ctx, ListTagsInput{ResourceIdList: []string{auditARN}})
	require.NoError(t, err)
	assert.Equal(t, []ResourceTag{{ResourceId: auditARN, TagsList: []Tag{{Key: "team", Value: "ops"}, {Key: "env", Value: "prod"}, {Key: "flag"}}}}, out.ResourceTagList)
	_, err = e.svc.RemoveTags(e.ctx, RemoveTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: "team"}, {Key: "absent"}}})
	require.NoError(t, err)
	out, err = e.svc.ListTags(e.ctx, ListTagsInput{ResourceIdList: []string{auditARN}})
	require.NoError(t, err)
	assert.Equal(t, []Tag{{Key: "env", Value: "prod"}, {Key: "flag"}}, out.ResourceTagList[0].TagsList)

	many := make([]Tag, 49)
	for i := range many {
		many[i] = Tag{Key: "k" + strings.Repeat("x", i)}
	}
	_, err = e.svc.AddTags(e.ctx, AddTagsInput{ResourceId: auditARN, TagsList: many})
	assert.ErrorIs(t, err, awserr.Sentinel("TagsLimitExceededException"), "2 + 49 > 50")
	out, _ = e.svc.ListTags(e.ctx, ListTagsInput{ResourceIdList: []string{auditARN}})
	assert.Len(t, out.ResourceTagList[0].TagsList, 2, "a rejected request changes nothing")
}

func TestTagRequestsAreValidatedAsAWS(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", false)
	cases := []struct {
		name string
		in   AddTagsInput
		code string
	}{
		{"empty key", AddTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: ""}}}, "InvalidTagParameterException"},
		{"key over 128 characters", AddTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: strings.Repeat("k", 129)}}}, "InvalidTagParameterException"},
		{"value over 256 characters", AddTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: "k", Value: strings.Repeat("v", 257)}}}, "InvalidTagParameterException"},
		{"duplicate keys", AddTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}}}, "InvalidTagParameterException"},
		{"reserved aws: prefix", AddTagsInput{ResourceId: auditARN, TagsList: []Tag{{Key: "aws:x"}}}, "InvalidTagParameterException"},
		{"not an ARN", AddTagsInput{ResourceId: "audit", TagsList: []Tag{{Key: "k"}}}, "CloudTrailARNInvalidException"},
		{"unknown trail", AddTagsInput{ResourceId: "arn:aws:cloudtrail:us-east-1:123456789012:trail/nope", TagsList: []Tag{{Key: "k"}}}, "ResourceNotFoundException"},
		{"event data store this model lacks", AddTagsInput{ResourceId: "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/x", TagsList: []Tag{{Key: "k"}}}, "ResourceNotFoundException"},
		{"unsupported resource type", AddTagsInput{ResourceId: "arn:aws:cloudtrail:us-east-1:123456789012:widget/x", TagsList: []Tag{{Key: "k"}}}, "ResourceTypeNotSupportedException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AddTags(e.ctx, tc.in)
			assert.Equal(t, tc.code, awserr.Code(err), "%v", err)
		})
	}
	_, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: "other", S3BucketName: "trail-bucket", TagsList: []Tag{{Key: "aws:no"}}})
	assert.Equal(t, "InvalidTagParameterException", awserr.Code(err))
}

// PutInsightSelectors stores the selectors and GetInsightSelectors returns
// them (management events when no category is given); a trail without
// Insights answers InsightNotEnabledException; an empty list turns them off.
func TestInsightSelectorsAreStoredAndReturned(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", false)
	_, err := e.svc.GetInsightSelectors(e.ctx, GetInsightSelectorsInput{TrailName: "audit"})
	assert.ErrorIs(t, err, ErrInsightNotEnabled)
	put, err := e.svc.PutInsightSelectors(e.ctx, PutInsightSelectorsInput{TrailName: "audit", InsightSelectors: []InsightSelector{
		{InsightType: ApiCallRateInsight}, {InsightType: ApiErrorRateInsight, EventCategories: []EventCategory{CategoryManagement, CategoryData}}}})
	require.NoError(t, err)
	want := []InsightSelector{{InsightType: ApiCallRateInsight, EventCategories: []EventCategory{CategoryManagement}},
		{InsightType: ApiErrorRateInsight, EventCategories: []EventCategory{CategoryManagement, CategoryData}}}
	assert.Equal(t, want, put.InsightSelectors)
	got, err := e.svc.GetInsightSelectors(e.ctx, GetInsightSelectorsInput{TrailName: "audit"})
	require.NoError(t, err)
	assert.Equal(t, auditARN, got.TrailARN)
	assert.Equal(t, want, got.InsightSelectors)
	tr, _ := e.svc.GetTrail(e.ctx, GetTrailInput{Name: "audit"})
	assert.True(t, tr.Trail.HasInsightSelectors)

	for _, bad := range [][]InsightSelector{{{InsightType: "Bogus"}}, {{InsightType: ApiCallRateInsight}, {InsightType: ApiCallRateInsight}},
		{{InsightType: ApiCallRateInsight, EventCategories: []EventCategory{"Insight"}}}} {
		_, err := e.svc.PutInsightSelectors(e.ctx, PutInsightSelectorsInput{TrailName: "audit", InsightSelectors: bad})
		assert.ErrorIs(t, err, ErrInvalidInsightSelectors)
	}
	got, _ = e.svc.GetInsightSelectors(e.ctx, GetInsightSelectorsInput{TrailName: "audit"})
	assert.Equal(t, want, got.InsightSelectors, "rejected requests change nothing")

	_, err = e.svc.PutInsightSelectors(e.ctx, PutInsightSelectorsInput{TrailName: "audit", InsightSelectors: []InsightSelector{}})
	require.NoError(t, err)
	_, err = e.svc.GetInsightSelectors(e.ctx, GetInsightSelectorsInput{TrailName: "audit"})
	assert.ErrorIs(t, err, ErrInsightNotEnabled, "an empty list turns Insights off")
}

// Resource-based policies attach to event data stores, dashboards and
// channels, never to trails: a trail ARN is ResourceTypeNotSupportedException;
// this model has no event data stores, dashboards or channels.
func TestResourcePoliciesAreNotForTrails(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", false)
	_, err := e.svc.PutResourcePolicy(e.ctx, PutResourcePolicyInput{ResourceArn: auditARN, ResourcePolicy: `{"Version":"2012-10-17"}`})
	assert.Equal(t, "ResourceTypeNotSupportedException", awserr.Code(err))
	_, err = e.svc.GetResourcePolicy(e.ctx, GetResourcePolicyInput{ResourceArn: "arn:aws:cloudtrail:us-east-1:123456789012:channel/01234567890"})
	assert.Equal(t, "ResourceNotFoundException", awserr.Code(err))
	_, err = e.svc.DeleteResourcePolicy(e.ctx, DeleteResourcePolicyInput{ResourceArn: "not an arn!"})
	assert.Equal(t, "ResourceARNNotValidException", awserr.Code(err))
	_, err = e.svc.PutResourcePolicy(e.ctx, PutResourcePolicyInput{ResourceArn: auditARN})
	assert.Equal(t, "ResourcePolicyNotValidException", awserr.Code(err))
}
