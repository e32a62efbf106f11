package trail

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// MaxTagsPerTrail is CloudTrail's tag limit per trail ("Currently, the limit
// is 50", TagsLimitExceededException).
const MaxTagsPerTrail = 50

// validateTags checks a TagsList as the CloudTrail API model does: at most 200
// tags a request, keys of 1-128 characters that are unique and not "aws:"
// (reserved by AWS), values of at most 256 characters.
func validateTags(tags []Tag) error {
	bad := func(format string, args ...any) error {
		return awserr.New("InvalidTagParameterException", format, args...)
	}
	if len(tags) > 200 {
		return bad("A TagsList holds at most 200 tags (got %d).", len(tags))
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch {
		case len(t.Key) < 1 || len(t.Key) > 128:
			return bad("Tag key %q must be 1 to 128 characters long.", t.Key)
		case len(t.Value) > 256:
			return bad("The value of tag %q must be at most 256 characters long.", t.Key)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return bad("Tag key %q uses the reserved prefix aws:.", t.Key)
		case seen[t.Key]:
			return bad("Tag key %q appears more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

var cloudtrailARN = regexp.MustCompile(`^arn:[^:]+:cloudtrail:([^:]+):(\d{12}):([a-z]+)/(.+)$`)

// taggedTrailLocked resolves a tag operation's ResourceId: a trail ARN of
// this account visible in this Region. Event data stores, dashboards and
// channels are resources CloudTrail tags too; this model has none of them,
// so their ARNs are not found.
func (s *Service) taggedTrailLocked(id string) (*trailState, error) {
	m := cloudtrailARN.FindStringSubmatch(id)
	if m == nil {
		return nil, awserr.New("CloudTrailARNInvalidException", "ARN %s is not a valid CloudTrail resource ARN.", id)
	}
	switch m[3] {
	case "trail":
	case "eventdatastore", "dashboard", "channel":
		return nil, awserr.New("ResourceNotFoundException", "Resource %s not found.", id)
	default:
		return nil, awserr.New("ResourceTypeNotSupportedException", "Resource type %s is not supported by CloudTrail.", m[3])
	}
	st := s.shared.trails[id]
	if st == nil || st.cfg.Account != s.op.AccountID || !(st.cfg.HomeRegion == s.op.Region || st.cfg.MultiRegion) {
		return nil, awserr.New("ResourceNotFoundException", "Resource %s not found.", id)
	}
	return st, nil
}

// AddTags adds tags to a trail, replacing the value of a key it already has,
// up to 50 tags (TagsLimitExceededException). A trail that applies to all
// Regions is tagged only from its home Region (InvalidHomeRegionException).
func (s *Service) AddTags(ctx context.Context, in AddTagsInput) (*AddTagsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "AddTags"}, in, s.addTags)
}

func (s *Service) addTags(ctx context.Context, call *event.Call, in AddTagsInput) (out *AddTagsOutput, err error) {
	call.RequestParameters = map[string]any{"resourceId": in.ResourceId, "tagsList": in.TagsList}
	if err := validateTags(in.TagsList); err != nil {
		return nil, err
	}
	err = s.shared.locked(func() error {
		st, err := s.taggedTrailLocked(in.ResourceId)
		if err != nil {
			return err
		}
		if err := s.homeOnly(st.cfg, "AddTags"); err != nil {
			return err
		}
		tags := slices.Clone(st.tags)
		for _, t := range in.TagsList {
			if i := slices.IndexFunc(tags, func(o Tag) bool { return o.Key == t.Key }); i >= 0 {
				tags[i].Value = t.Value
			} else {
				tags = append(tags, t)
			}
		}
		if len(tags) > MaxTagsPerTrail {
			return awserr.New("TagsLimitExceededException", "The number of tags per trail, event data store, dashboard, or channel has exceeded the permitted amount. Currently, the limit is %d.", MaxTagsPerTrail)
		}
		st.tags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &AddTagsOutput{}, nil
}

// RemoveTags removes the tags with the given keys from a trail (keys it does
// not have are ignored).
func (s *Service) RemoveTags(ctx context.Context, in RemoveTagsInput) (*RemoveTagsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "RemoveTags"}, in, s.removeTags)
}

func (s *Service) removeTags(ctx context.Context, call *event.Call, in RemoveTagsInput) (out *RemoveTagsOutput, err error) {
	call.RequestParameters = map[string]any{"resourceId": in.ResourceId, "tagsList": in.TagsList}
	if len(in.TagsList) > 200 {
		return nil, awserr.New("InvalidTagParameterException", "A TagsList holds at most 200 tags (got %d).", len(in.TagsList))
	}
	err = s.shared.locked(func() error {
		st, err := s.taggedTrailLocked(in.ResourceId)
		if err != nil {
			return err
		}
		if err := s.homeOnly(st.cfg, "RemoveTags"); err != nil {
			return err
		}
		st.tags = slices.DeleteFunc(slices.Clone(st.tags), func(t Tag) bool {
			return slices.ContainsFunc(in.TagsList, func(r Tag) bool { return r.Key == t.Key })
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RemoveTagsOutput{}, nil
}

// ListTags returns the tags of trails visible in this Region (one page).
func (s *Service) ListTags(ctx context.Context, in ListTagsInput) (*ListTagsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListTags", ReadOnly: true}, in, s.listTags)
}

func (s *Service) listTags(ctx context.Context, call *event.Call, in ListTagsInput) (out *ListTagsOutput, err error) {
	call.RequestParameters = map[string]any{"resourceIdList": in.ResourceIdList}
	if in.NextToken != "" {
		return nil, awserr.New("InvalidTokenException", "Invalid NextToken %q.", in.NextToken)
	}
	out = &ListTagsOutput{ResourceTagList: []ResourceTag{}}
	err = s.shared.locked(func() error {
		for _, id := range in.ResourceIdList {
			st, err := s.taggedTrailLocked(id)
			if err != nil {
				return err
			}
			out.ResourceTagList = append(out.ResourceTagList, ResourceTag{ResourceId: id, TagsList: append([]Tag{}, st.tags...)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InsightType is an Insights event type.
type InsightType string

// The Insights types.
const (
	ApiCallRateInsight  InsightType = "ApiCallRateInsight"
	ApiErrorRateInsight InsightType = "ApiErrorRateInsight"
)

// PutInsightSelectors stores a trail's Insights selectors (an empty list
// turns Insights off), in its home Region. This model stores and returns
// them and sets HasInsightSelectors; it generates no Insights events.
func (s *Service) PutInsightSelectors(ctx context.Context, in PutInsightSelectorsInput) (*PutInsightSelectorsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutInsightSelectors"}, in, s.putInsightSelectors)
}

func (s *Service) putInsightSelectors(ctx context.Context, call *event.Call, in PutInsightSelectorsInput) (out *PutInsightSelectorsOutput, err error) {
	call.RequestParameters = map[string]any{"trailName": in.TrailName, "insightSelectors": in.InsightSelectors}
	if in.InsightSelectors == nil {
		return nil, awserr.New("InvalidParameterException", "InsightSelectors is required.")
	}
	sels := make([]InsightSelector, len(in.InsightSelectors))
	for i, sel := range in.InsightSelectors {
		if sel.InsightType != ApiCallRateInsight && sel.InsightType != ApiErrorRateInsight {
			return nil, awserr.New("InvalidInsightSelectorsException", "Invalid InsightType %q: valid values are ApiCallRateInsight and ApiErrorRateInsight.", sel.InsightType)
		}
		if slices.ContainsFunc(in.InsightSelectors[:i], func(o InsightSelector) bool { return o.InsightType == sel.InsightType }) {
			return nil, awserr.New("InvalidInsightSelectorsException", "InsightType %s is given more than once.", sel.InsightType)
		}
		for _, c := range sel.EventCategories {
			if c != CategoryManagement && c != CategoryData {
				return nil, awserr.New("InvalidInsightSelectorsException", "Invalid EventCategories value %q: valid values are Management and Data.", c)
			}
		}
		sel.EventCategories = slices.Clone(sel.EventCategories)
		if len(sel.EventCategories) == 0 {
			// "If EventCategories is not provided, the specified Insights
			// types are enabled on management API calls by default."
			sel.EventCategories = []EventCategory{CategoryManagement}
		}
		sels[i] = sel
	}
	var arnOut string
	err = s.shared.locked(func() error {
		st, err := s.findLocked(in.TrailName)
		if err != nil {
			return err
		}
		if err := s.homeOnly(st.cfg, "PutInsightSelectors"); err != nil {
			return err
		}
		c := *st.cfg
		c.Insights = sels
		st.cfg = &c
		s.publishLocked()
		arnOut = c.ARN
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutInsightSelectorsOutput{TrailARN: arnOut, InsightSelectors: slices.Clone(sels)}, nil
}

// GetInsightSelectors returns a trail's Insights selectors, or
// InsightNotEnabledException for a trail without them (as AWS does).
func (s *Service) GetInsightSelectors(ctx context.Context, in GetInsightSelectorsInput) (*GetInsightSelectorsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetInsightSelectors", ReadOnly: true}, in, s.getInsightSelectors)
}

func (s *Service) getInsightSelectors(ctx context.Context, call *event.Call, in GetInsightSelectorsInput) (out *GetInsightSelectorsOutput, err error) {
	call.RequestParameters = map[string]any{"trailName": in.TrailName}
	err = s.shared.locked(func() error {
		st, err := s.findLocked(in.TrailName)
		if err != nil {
			return err
		}
		if len(st.cfg.Insights) == 0 {
			return awserr.New("InsightNotEnabledException", "Trail %s does not have Insights enabled. Enable Insights on the trail, and then try again.", st.cfg.ARN)
		}
		out = &GetInsightSelectorsOutput{TrailARN: st.cfg.ARN, InsightSelectors: slices.Clone(st.cfg.Insights)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

var resourceARNPattern = regexp.MustCompile(`^[a-zA-Z0-9._/\-:]{3,256}$`)

// policyTarget answers the resource-policy operations as AWS does for the
// resources this model has: resource-based policies attach to event data
// stores, dashboards and channels ("Attaches a resource-based permission
// policy to a CloudTrail event data store, dashboard, or channel"), never to
// a trail (ResourceTypeNotSupportedException); this model has none of the
// others (ResourceNotFoundException).
func policyTarget(resourceARN string) error {
	if !resourceARNPattern.MatchString(resourceARN) {
		return awserr.New("ResourceARNNotValidException", "Resource ARN %q is not valid.", resourceARN)
	}
	m := cloudtrailARN.FindStringSubmatch(resourceARN)
	if m == nil {
		return awserr.New("ResourceARNNotValidException", "Resource ARN %q is not a CloudTrail ARN.", resourceARN)
	}
	switch m[3] {
	case "eventdatastore", "dashboard", "channel":
		return awserr.New("ResourceNotFoundException", "Resource %s not found.", resourceARN)
	}
	return awserr.New("ResourceTypeNotSupportedException", "Resource-based policies are supported on event data stores, dashboards and channels, not on resource type %s.", m[3])
}

// PutResourcePolicy attaches a resource-based policy to an event data store,
// dashboard or channel. A trail cannot have one
// (ResourceTypeNotSupportedException); this model has no event data stores,
// dashboards or channels (ResourceNotFoundException).
func (s *Service) PutResourcePolicy(ctx context.Context, in PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutResourcePolicy"}, in, s.putResourcePolicy)
}

func (s *Service) putResourcePolicy(ctx context.Context, call *event.Call, in PutResourcePolicyInput) (out *PutResourcePolicyOutput, err error) {
	call.RequestParameters = map[string]any{"resourceArn": in.ResourceArn, "resourcePolicy": in.ResourcePolicy}
	if len(in.ResourcePolicy) < 1 || len(in.ResourcePolicy) > 8192 {
		return nil, awserr.New("ResourcePolicyNotValidException", "The resource policy must be 1 to 8192 characters long.")
	}
	return nil, policyTarget(in.ResourceArn)
}

// GetResourcePolicy returns the resource-based policy of an event data
// store, dashboard or channel (see PutResourcePolicy).
func (s *Service) GetResourcePolicy(ctx context.Context, in GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetResourcePolicy", ReadOnly: true}, in, s.getResourcePolicy)
}

func (s *Service) getResourcePolicy(ctx context.Context, call *event.Call, in GetResourcePolicyInput) (out *GetResourcePolicyOutput, err error) {
	call.RequestParameters = map[string]any{"resourceArn": in.ResourceArn}
	return nil, policyTarget(in.ResourceArn)
}

// DeleteResourcePolicy deletes the resource-based policy of an event data
// store, dashboard or channel (see PutResourcePolicy).
func (s *Service) DeleteResourcePolicy(ctx context.Context, in DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteResourcePolicy"}, in, s.deleteResourcePolicy)
}

func (s *Service) deleteResourcePolicy(ctx context.Context, call *event.Call, in DeleteResourcePolicyInput) (out *DeleteResourcePolicyOutput, err error) {
	call.RequestParameters = map[string]any{"resourceArn": in.ResourceArn}
	return nil, policyTarget(in.ResourceArn)
}
