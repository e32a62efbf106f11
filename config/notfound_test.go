package config

import (
	"errors"
	"testing"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
)

// Config answers a missing named resource with AWS's exact code (the
// NoSuch*Exception of its kind, ResourceNotFoundException for tagging, as the
// API model declares), and each matches awserr.ErrNotFound.
func TestMissingResourcesAnswerAWSNotFoundCodes(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	ruleARN := "arn:aws:config:us-east-1:123456789012:config-rule/config-rule-nope"
	cases := []struct {
		name, code string
		call       func() error
	}{
		{"DescribeConfigRules of a missing rule", "NoSuchConfigRuleException", func() error {
			_, err := h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{ConfigRuleNames: []string{"nope"}})
			return err
		}},
		{"DeleteConfigRule of a missing rule", "NoSuchConfigRuleException", func() error {
			_, err := h.svc.DeleteConfigRule(h.ctx, DeleteConfigRuleInput{ConfigRuleName: "nope"})
			return err
		}},
		{"GetComplianceDetailsByConfigRule of a missing rule", "NoSuchConfigRuleException", func() error {
			_, err := h.svc.GetComplianceDetailsByConfigRule(h.ctx, GetComplianceDetailsByConfigRuleInput{ConfigRuleName: "nope"})
			return err
		}},
		{"StopConfigurationRecorder of a missing recorder", "NoSuchConfigurationRecorderException", func() error {
			_, err := h.svc.StopConfigurationRecorder(h.ctx, StopConfigurationRecorderInput{ConfigurationRecorderName: "nope"})
			return err
		}},
		{"DescribeDeliveryChannels of a missing channel", "NoSuchDeliveryChannelException", func() error {
			_, err := h.svc.DescribeDeliveryChannels(h.ctx, DescribeDeliveryChannelsInput{DeliveryChannelNames: []string{"nope"}})
			return err
		}},
		{"DeleteRetentionConfiguration of a missing configuration", "NoSuchRetentionConfigurationException", func() error {
			_, err := h.svc.DeleteRetentionConfiguration(h.ctx, DeleteRetentionConfigurationInput{RetentionConfigurationName: "nope"})
			return err
		}},
		{"DeleteRemediationConfiguration of a rule without one", "NoSuchRemediationConfigurationException", func() error {
			_, err := h.svc.DeleteRemediationConfiguration(h.ctx, DeleteRemediationConfigurationInput{ConfigRuleName: "nope"})
			return err
		}},
		{"TagResource of a missing rule ARN", "ResourceNotFoundException", func() error {
			_, err := h.svc.TagResource(h.ctx, TagResourceInput{ResourceArn: ruleARN, Tags: []Tag{{"k", "v"}}})
			return err
		}},
		{"ListTagsForResource of a missing rule ARN", "ResourceNotFoundException", func() error {
			_, err := h.svc.ListTagsForResource(h.ctx, ListTagsForResourceInput{ResourceArn: ruleARN})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			assert.Equal(t, tc.code, awserr.Code(err))
			assert.True(t, errors.Is(err, awserr.ErrNotFound), "%v matches awserr.ErrNotFound", err)
		})
	}
}
