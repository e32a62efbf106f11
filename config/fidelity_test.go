package config

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 21: AWS Config behaviours, each test named after AWS's.

// Item 9: capture times are milliseconds, so the lookup AWS's rule code
// makes — GetResourceConfigHistory(laterTime=<capture time>, limit=1) —
// finds the item itself.
func TestCaptureTimeIsMillisecondsSoLaterTimeLookupFindsTheItem(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.clk.Advance(1500 * time.Microsecond) // 1.5 ms past the second
	h.record(instance("i-1", "sg-1", "t2.micro", nil))
	h.clk.Advance(1200 * time.Microsecond)
	h.record(instance("i-1", "sg-1", "m5.large", nil))
	items := h.history("AWS::EC2::Instance", "i-1")
	require.Len(t, items, 2)
	capture := items[1].ConfigurationItemCaptureTime
	assert.Equal(t, capture.Truncate(time.Millisecond), capture, "whole milliseconds")
	printed, err := time.Parse(time.RFC3339Nano, capture.Format("2006-01-02T15:04:05.000Z"))
	require.NoError(t, err)
	out, err := h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1", LaterTime: &printed, Limit: Int32(1)})
	require.NoError(t, err)
	require.Len(t, out.ConfigurationItems, 1)
	assert.Contains(t, out.ConfigurationItems[0].Configuration, "m5.large", "the item captured at that millisecond, not the one before")
}

// Item 12: "Scope cannot be applied to both resource and tag"
// (InvalidParameterValueException).
func TestScopeCannotBeAppliedToBothResourceAndTag(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	src := &Source{Owner: OwnerAWS, SourceIdentifier: "EC2_INSTANCE_NO_PUBLIC_IP"}
	for _, sc := range []*Scope{
		{ComplianceResourceTypes: []string{"AWS::EC2::Instance"}, TagKey: "team"},
		{ComplianceResourceTypes: []string{"AWS::EC2::Instance"}, ComplianceResourceID: "i-1", TagKey: "team"},
	} {
		_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "r", Scope: sc, Source: src}})
		assert.Equal(t, "InvalidParameterValueException", code(err))
		if err != nil {
			assert.Contains(t, err.Error(), "Scope cannot be applied to both resource and tag")
		}
	}
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "r", Scope: &Scope{TagKey: "team"}, Source: src}})
	require.NoError(t, err, "a tag scope alone is fine")
}

// Item 13: ec2-instance-no-public-ip is NON_COMPLIANT "if the publicIp field
// is present in the EC2 instance configuration item" — where AWS's items
// carry it, under networkInterfaces[].association.
func TestEC2InstanceNoPublicIPLooksForPublicIpAnywhereInTheItem(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "no-public-ip",
		Source: &Source{Owner: OwnerAWS, SourceIdentifier: "EC2_INSTANCE_NO_PUBLIC_IP"}}})
	require.NoError(t, err)
	record := func(id, conf string) {
		require.NoError(t, h.svc.RecordResource(h.ctx, ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: id, Configuration: conf}))
	}
	record("i-nested", `{"instanceId":"i-nested","networkInterfaces":[{"association":{"ipOwnerId":"amazon","publicDnsName":"ec2-3-4-5-6","publicIp":"3.4.5.6"}}]}`)
	record("i-private", `{"instanceId":"i-private","networkInterfaces":[{"privateIpAddress":"10.0.0.5"}]}`)
	record("i-top", `{"instanceId":"i-top","publicIpAddress":"3.4.5.7"}`)
	assert.Equal(t, map[string]ComplianceType{"i-nested": NonCompliant, "i-private": Compliant, "i-top": NonCompliant}, h.compliance("no-public-ip"))
}

// Item 14: PutResourceConfig takes configurations up to 64 KB ("The
// configuration JSON must not exceed 64 KB").
func TestPutResourceConfigAcceptsConfigurationsUpTo64KB(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	in := PutResourceConfigInput{ResourceType: "MyCorp::Build::Runner", SchemaVersionID: "v1", ResourceID: "r-1"}
	in.Configuration = `{"x":"` + strings.Repeat("a", MaxResourceConfigBytes-8) + `"}`
	require.Len(t, in.Configuration, MaxResourceConfigBytes)
	_, err := h.svc.PutResourceConfig(h.ctx, in)
	require.NoError(t, err, "60 KB, over the old 51,200-character limit, is accepted")
	in.Configuration = `{"x":"` + strings.Repeat("a", MaxResourceConfigBytes-7) + `"}`
	_, err = h.svc.PutResourceConfig(h.ctx, in)
	assert.Equal(t, "ValidationException", code(err))
}

// Item 14: "If you are updating a rule that you added previously, you can
// specify the rule by ConfigRuleName, ConfigRuleId, or ConfigRuleArn."
func TestPutConfigRuleUpdatesARuleNamedByIdOrArn(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	src := &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "tags", InputParameters: `{"tag1Key":"owner"}`, Source: src}})
	require.NoError(t, err)
	rules, err := h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{})
	require.NoError(t, err)
	created := rules.ConfigRules[0]

	_, err = h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleID: created.ConfigRuleID, Description: "by id", InputParameters: `{"tag1Key":"owner"}`, Source: src}})
	require.NoError(t, err)
	_, err = h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleArn: created.ConfigRuleArn, Description: "by arn", InputParameters: `{"tag1Key":"team"}`, Source: src}})
	require.NoError(t, err)
	rules, err = h.svc.DescribeConfigRules(h.ctx, DescribeConfigRulesInput{})
	require.NoError(t, err)
	require.Len(t, rules.ConfigRules, 1, "updated, not added")
	assert.Equal(t, "tags", rules.ConfigRules[0].ConfigRuleName)
	assert.Equal(t, "by arn", rules.ConfigRules[0].Description)
	assert.Equal(t, created.ConfigRuleID, rules.ConfigRules[0].ConfigRuleID)

	_, err = h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleID: "config-rule-nosuch", InputParameters: `{"tag1Key":"owner"}`, Source: src}})
	assert.Equal(t, "InvalidParameterValueException", code(err))
}

// Item 14: MaximumExecutionFrequency may be set when "your custom rule is
// triggered when Config delivers the configuration snapshot"; it bounds how
// often deliveries run the rule.
func TestSnapshotTriggeredCustomRuleMaySetMaximumExecutionFrequency(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	const lambda = "arn:aws:lambda:us-east-1:123456789012:function:snap"
	runs := 0
	h.svc.RegisterRuleFunction(lambda, func(context.Context, RuleEvent) ([]Evaluation, error) { runs++; return nil, nil })
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "snap", MaximumExecutionFrequency: ThreeHours,
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: lambda, SourceDetails: []SourceDetail{{EventSource: "aws.config", MessageType: MessageSnapshotDeliveryCompleted}}}}})
	require.NoError(t, err)
	deliver := func() {
		_, err := h.svc.DeliverConfigSnapshot(h.ctx, DeliverConfigSnapshotInput{DeliveryChannelName: "default"})
		require.NoError(t, err)
	}
	deliver()
	h.clk.Advance(time.Hour)
	deliver()
	assert.Equal(t, 1, runs, "a second delivery within three hours does not run the rule again")
	h.clk.Advance(2 * time.Hour)
	deliver()
	assert.Equal(t, 2, runs)
}

// Item 10: "Each call to the API is limited to span a duration of seven
// days. It is likely that the number of records returned is smaller than the
// specified limit. In such cases, you can make another call, using the
// nextToken."
func TestHistoryPageSpansAtMostSevenDaysAndMayBeShortOrEmpty(t *testing.T) {
	for _, order := range []ChronologicalOrder{Reverse, Forward} {
		t.Run(string(order), func(t *testing.T) {
			h := newHarness(t).started(nil, nil)
			day := 24 * time.Hour
			for i, d := range []time.Duration{0, day, 20 * day} {
				if d > 0 {
					h.clk.Set(t0.Add(d))
				}
				h.record(instance("i-1", "sg-1", "t2.size"+string(rune('a'+i)), nil))
			}
			h.clk.Set(t0.Add(21 * day))
			var all []ConfigurationItem
			empty, pages, tok := 0, 0, ""
			for {
				out, err := h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1",
					ChronologicalOrder: order, Limit: Int32(100), NextToken: tok})
				require.NoError(t, err)
				pages++
				items := out.ConfigurationItems
				if len(items) == 0 {
					empty++
					assert.NotEmpty(t, out.NextToken, "an empty page still leads on")
				} else {
					first, last := items[0].ConfigurationItemCaptureTime, items[len(items)-1].ConfigurationItemCaptureTime
					assert.Less(t, max(first.Sub(last), last.Sub(first)), HistoryPageSpan, "one page spans less than seven days")
				}
				all = append(all, items...)
				if tok = out.NextToken; tok == "" {
					break
				}
				require.Less(t, pages, 20)
			}
			assert.Len(t, all, 3, "every item is reached through the tokens")
			assert.Positive(t, empty, "the week without changes is an empty page")
		})
	}
}

// Item 11: an oversized item reaches a change-triggered rule as AWS's
// OversizedConfigurationItemChangeNotification summary, never whole, whether
// the rule lists ConfigurationItemChangeNotification or the oversized type.
func TestOversizedItemReachesRulesAsTheSummaryOnly(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	const lambda = "arn:aws:lambda:us-east-1:123456789012:function:big"
	var got []RuleEvent
	h.svc.RegisterRuleFunction(lambda, func(_ context.Context, ev RuleEvent) ([]Evaluation, error) { got = append(got, ev); return nil, nil })
	_, err := h.svc.PutConfigRule(h.ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "change-only",
		Source: &Source{Owner: OwnerCustomLambda, SourceIdentifier: lambda, SourceDetails: []SourceDetail{{EventSource: "aws.config", MessageType: MessageConfigurationItemChange}}}}})
	require.NoError(t, err)
	got = nil
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-big", Configuration: map[string]any{"userData": strings.Repeat("x", MaxSNSMessageBytes)}})
	require.Len(t, got, 1)
	assert.Equal(t, MessageOversizedConfigurationItemChange, got[0].MessageType)
	assert.Contains(t, got[0].InvokingEvent, `"configurationItemSummary"`)
	assert.Less(t, len(got[0].InvokingEvent), MaxSNSMessageBytes, "the whole item does not reach the rule")
}

// Item 15: the oversized notification's console link ends with
// ?time=<capture time> (AWS's example: ".../timeline/AWS::EC2::Instance/
// resourceId_...?time=2016-10-06T16:46:16.261Z"), and a ResourceDeleted
// item carries availabilityZone and resourceCreationTime as null.
func TestOversizedNotificationLinkAndDeletedItemNulls(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	h.clk.Advance(16261 * time.Millisecond)
	h.record(ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-big", AvailabilityZone: "us-east-1a",
		Configuration: map[string]any{"userData": strings.Repeat("x", MaxSNSMessageBytes)}})
	require.NotEmpty(t, h.notes)
	assert.Contains(t, h.notes[len(h.notes)-1].Message,
		"https://console.aws.amazon.com/config/home?region=us-east-1#/timeline/AWS::EC2::Instance/i-big?time=2026-03-07T10:00:16.261Z\n")

	require.NoError(t, h.svc.RecordDeletion(h.ctx, ResourceKey{"AWS::EC2::Instance", "i-big"}))
	items := h.history("AWS::EC2::Instance", "i-big")
	deleted := items[len(items)-1]
	require.Equal(t, StatusResourceDeleted, deleted.ConfigurationItemStatus)
	assert.Nil(t, deleted.ResourceCreationTime)
	n := deleted.NotificationForm()
	assert.Nil(t, n.AvailabilityZone)
	assert.Nil(t, n.ResourceCreationTime)
	b, err := json.Marshal(n)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"availabilityZone":null`)
	assert.Contains(t, string(b), `"resourceCreationTime":null`)
}
