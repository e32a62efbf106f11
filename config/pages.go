package config

import (
	"context"
	"iter"

	"github.com/localwatch/localwatch/internal/pages"
)

// DescribeComplianceByConfigRuleAll walks every page of DescribeComplianceByConfigRule for in, yielding its ComplianceByConfigRules. It stops
// at the first error, yielding it.
func (s *Service) DescribeComplianceByConfigRuleAll(ctx context.Context, in DescribeComplianceByConfigRuleInput) iter.Seq2[ComplianceByConfigRule, error] {
	return pages.All(ctx, in, s.DescribeComplianceByConfigRule, func(in *DescribeComplianceByConfigRuleInput, tok string) { in.NextToken = tok },
		func(out *DescribeComplianceByConfigRuleOutput) ([]ComplianceByConfigRule, string) {
			return out.ComplianceByConfigRules, out.NextToken
		})
}

// DescribeComplianceByResourceAll walks every page of DescribeComplianceByResource for in, yielding its ComplianceByResources. It stops
// at the first error, yielding it.
func (s *Service) DescribeComplianceByResourceAll(ctx context.Context, in DescribeComplianceByResourceInput) iter.Seq2[ComplianceByResource, error] {
	return pages.All(ctx, in, s.DescribeComplianceByResource, func(in *DescribeComplianceByResourceInput, tok string) { in.NextToken = tok },
		func(out *DescribeComplianceByResourceOutput) ([]ComplianceByResource, string) {
			return out.ComplianceByResources, out.NextToken
		})
}

// DescribeConfigRulesAll walks every page of DescribeConfigRules for in, yielding its ConfigRules. It stops
// at the first error, yielding it.
func (s *Service) DescribeConfigRulesAll(ctx context.Context, in DescribeConfigRulesInput) iter.Seq2[ConfigRule, error] {
	return pages.All(ctx, in, s.DescribeConfigRules, func(in *DescribeConfigRulesInput, tok string) { in.NextToken = tok },
		func(out *DescribeConfigRulesOutput) ([]ConfigRule, string) { return out.ConfigRules, out.NextToken })
}

// DescribeConfigRuleEvaluationStatusAll walks every page of DescribeConfigRuleEvaluationStatus for in, yielding its ConfigRulesEvaluationStatus. It stops
// at the first error, yielding it.
func (s *Service) DescribeConfigRuleEvaluationStatusAll(ctx context.Context, in DescribeConfigRuleEvaluationStatusInput) iter.Seq2[ConfigRuleEvaluationStatus, error] {
	return pages.All(ctx, in, s.DescribeConfigRuleEvaluationStatus, func(in *DescribeConfigRuleEvaluationStatusInput, tok string) { in.NextToken = tok },
		func(out *DescribeConfigRuleEvaluationStatusOutput) ([]ConfigRuleEvaluationStatus, string) {
			return out.ConfigRulesEvaluationStatus, out.NextToken
		})
}

// DescribeRetentionConfigurationsAll walks every page of DescribeRetentionConfigurations for in, yielding its RetentionConfigurations. It stops
// at the first error, yielding it.
func (s *Service) DescribeRetentionConfigurationsAll(ctx context.Context, in DescribeRetentionConfigurationsInput) iter.Seq2[RetentionConfiguration, error] {
	return pages.All(ctx, in, s.DescribeRetentionConfigurations, func(in *DescribeRetentionConfigurationsInput, tok string) { in.NextToken = tok },
		func(out *DescribeRetentionConfigurationsOutput) ([]RetentionConfiguration, string) {
			return out.RetentionConfigurations, out.NextToken
		})
}

// GetComplianceDetailsByConfigRuleAll walks every page of GetComplianceDetailsByConfigRule for in, yielding its EvaluationResults. It stops
// at the first error, yielding it.
func (s *Service) GetComplianceDetailsByConfigRuleAll(ctx context.Context, in GetComplianceDetailsByConfigRuleInput) iter.Seq2[EvaluationResult, error] {
	return pages.All(ctx, in, s.GetComplianceDetailsByConfigRule, func(in *GetComplianceDetailsByConfigRuleInput, tok string) { in.NextToken = tok },
		func(out *GetComplianceDetailsByConfigRuleOutput) ([]EvaluationResult, string) {
			return out.EvaluationResults, out.NextToken
		})
}

// GetComplianceDetailsByResourceAll walks every page of GetComplianceDetailsByResource for in, yielding its EvaluationResults. It stops
// at the first error, yielding it.
func (s *Service) GetComplianceDetailsByResourceAll(ctx context.Context, in GetComplianceDetailsByResourceInput) iter.Seq2[EvaluationResult, error] {
	return pages.All(ctx, in, s.GetComplianceDetailsByResource, func(in *GetComplianceDetailsByResourceInput, tok string) { in.NextToken = tok },
		func(out *GetComplianceDetailsByResourceOutput) ([]EvaluationResult, string) {
			return out.EvaluationResults, out.NextToken
		})
}

// GetResourceConfigHistoryAll walks every page of GetResourceConfigHistory for in, yielding its ConfigurationItems. It stops
// at the first error, yielding it.
func (s *Service) GetResourceConfigHistoryAll(ctx context.Context, in GetResourceConfigHistoryInput) iter.Seq2[ConfigurationItem, error] {
	return pages.All(ctx, in, s.GetResourceConfigHistory, func(in *GetResourceConfigHistoryInput, tok string) { in.NextToken = tok },
		func(out *GetResourceConfigHistoryOutput) ([]ConfigurationItem, string) {
			return out.ConfigurationItems, out.NextToken
		})
}

// ListConfigurationRecordersAll walks every page of ListConfigurationRecorders for in, yielding its ConfigurationRecorderSummaries. It stops
// at the first error, yielding it.
func (s *Service) ListConfigurationRecordersAll(ctx context.Context, in ListConfigurationRecordersInput) iter.Seq2[ConfigurationRecorderSummary, error] {
	return pages.All(ctx, in, s.ListConfigurationRecorders, func(in *ListConfigurationRecordersInput, tok string) { in.NextToken = tok },
		func(out *ListConfigurationRecordersOutput) ([]ConfigurationRecorderSummary, string) {
			return out.ConfigurationRecorderSummaries, out.NextToken
		})
}

// ListDiscoveredResourcesAll walks every page of ListDiscoveredResources for in, yielding its ResourceIdentifiers. It stops
// at the first error, yielding it.
func (s *Service) ListDiscoveredResourcesAll(ctx context.Context, in ListDiscoveredResourcesInput) iter.Seq2[ResourceIdentifier, error] {
	return pages.All(ctx, in, s.ListDiscoveredResources, func(in *ListDiscoveredResourcesInput, tok string) { in.NextToken = tok },
		func(out *ListDiscoveredResourcesOutput) ([]ResourceIdentifier, string) {
			return out.ResourceIdentifiers, out.NextToken
		})
}

// ListTagsForResourceAll walks every page of ListTagsForResource for in, yielding its Tags. It stops
// at the first error, yielding it.
func (s *Service) ListTagsForResourceAll(ctx context.Context, in ListTagsForResourceInput) iter.Seq2[Tag, error] {
	return pages.All(ctx, in, s.ListTagsForResource, func(in *ListTagsForResourceInput, tok string) { in.NextToken = tok },
		func(out *ListTagsForResourceOutput) ([]Tag, string) { return out.Tags, out.NextToken })
}

// SelectResourceConfigAll walks every page of SelectResourceConfig for in, yielding its Results (the JSON of each result). It stops
// at the first error, yielding it.
func (s *Service) SelectResourceConfigAll(ctx context.Context, in SelectResourceConfigInput) iter.Seq2[string, error] {
	return pages.All(ctx, in, s.SelectResourceConfig, func(in *SelectResourceConfigInput, tok string) { in.NextToken = tok },
		func(out *SelectResourceConfigOutput) ([]string, string) { return out.Results, out.NextToken })
}
