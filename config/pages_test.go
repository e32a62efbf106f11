package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllIteratorsFollowNextToken(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	for i := range 7 {
		h.record(ResourceConfig{ResourceType: "AWS::S3::Bucket", ResourceID: "b-" + string(rune('0'+i)), Configuration: map[string]any{}})
	}
	t.Run("ListDiscoveredResourcesAll yields every page's resources, one page of 2 at a time", func(t *testing.T) {
		var ids []string
		for r, err := range h.svc.ListDiscoveredResourcesAll(h.ctx, ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", Limit: Int32(2)}) {
			require.NoError(t, err)
			ids = append(ids, r.ResourceID)
		}
		assert.Equal(t, []string{"b-0", "b-1", "b-2", "b-3", "b-4", "b-5", "b-6"}, ids)
	})
	t.Run("an iterator stops when the loop breaks", func(t *testing.T) {
		n := 0
		for range h.svc.ListDiscoveredResourcesAll(h.ctx, ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", Limit: Int32(2)}) {
			n++
			if n == 3 {
				break
			}
		}
		assert.Equal(t, 3, n)
	})
	t.Run("an error is yielded once and ends the walk", func(t *testing.T) {
		var errs []error
		for _, err := range h.svc.ListDiscoveredResourcesAll(h.ctx, ListDiscoveredResourcesInput{ResourceType: "AWS::S3::Bucket", Limit: Int32(101)}) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrInvalidLimit)
	})
	t.Run("DescribeRetentionConfigurations has one page", func(t *testing.T) {
		_, err := h.svc.PutRetentionConfiguration(h.ctx, PutRetentionConfigurationInput{RetentionPeriodInDays: 30})
		require.NoError(t, err)
		var got []RetentionConfiguration
		for rc, err := range h.svc.DescribeRetentionConfigurationsAll(h.ctx, DescribeRetentionConfigurationsInput{}) {
			require.NoError(t, err)
			got = append(got, rc)
		}
		assert.Equal(t, []RetentionConfiguration{{Name: "default", RetentionPeriodInDays: 30}}, got)
		_, err = h.svc.DescribeRetentionConfigurations(h.ctx, DescribeRetentionConfigurationsInput{NextToken: "x"})
		assert.ErrorIs(t, err, ErrInvalidNextToken)
	})
}

func TestDescribeConfigRuleEvaluationStatusLimit(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	for _, n := range []string{"r-a", "r-b", "r-c"} {
		_, err := h.svc.PutConfigRule(h.ctx, managed(n, "REQUIRED_TAGS", `{"tag1Key":"owner"}`, nil))
		require.NoError(t, err)
	}
	out, err := h.svc.DescribeConfigRuleEvaluationStatus(h.ctx, DescribeConfigRuleEvaluationStatusInput{Limit: Int32(2)})
	require.NoError(t, err)
	assert.Len(t, out.ConfigRulesEvaluationStatus, 2)
	assert.NotEmpty(t, out.NextToken, "a Limit of 2 leaves a second page")
	var names []string
	for st, err := range h.svc.DescribeConfigRuleEvaluationStatusAll(h.ctx, DescribeConfigRuleEvaluationStatusInput{Limit: Int32(1)}) {
		require.NoError(t, err)
		names = append(names, st.ConfigRuleName)
	}
	assert.Equal(t, []string{"r-a", "r-b", "r-c"}, names)
	_, err = h.svc.DescribeConfigRuleEvaluationStatus(h.ctx, DescribeConfigRuleEvaluationStatusInput{Limit: Int32(51)})
	assert.ErrorIs(t, err, ErrInvalidParameterValue)
}
