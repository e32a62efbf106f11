package localwatch_test

import (
	"testing"
	"time"

	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/localwatchtest"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Flow 4: a configuration change is recorded, judged by a managed rule, and
// both the change and the compliance flip reach an SNS queue in AWS Config's
// message shapes; fixing the resource turns it COMPLIANT.
func TestScenarioConfigChangeToRuleToCompliance(t *testing.T) {
	sc := newScenario(t)
	st, ctx := sc.st, sc.alice
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "config-events"})
	require.NoError(t, err)
	queue, err := st.SNS.CreateQueue("config-inbox")
	require.NoError(t, err)
	qarn := queue.ARN()
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn})
	require.NoError(t, err)
	cert, err := st.SNS.SigningCertificate()
	require.NoError(t, err)
	// drain returns the queued envelopes' subjects and messages, verified.
	drain := func() (subjects, messages []string) {
		t.Helper()
		out, err := queue.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
		require.NoError(t, err)
		for _, m := range out.Messages {
			env, err := sns.VerifyJSON([]byte(m.Body), cert)
			require.NoError(t, err)
			assert.Equal(t, topic.TopicArn, env.TopicArn)
			subjects, messages = append(subjects, env.Subject), append(messages, env.Message)
			require.NoError(t, queue.DeleteMessage(m.ReceiptHandle))
		}
		return subjects, messages
	}
	complianceChanges := localwatchtest.Record[config.ComplianceChangeEvent](t, st)

	_, err = st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:role/config"}})
	require.NoError(t, err)
	_, err = st.Config.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config-bucket", SNSTopicARN: topic.TopicArn}})
	require.NoError(t, err)
	_, err = st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"})
	require.NoError(t, err)
	_, err = st.Config.PutConfigRule(ctx, config.PutConfigRuleInput{ConfigRule: config.ConfigRule{ConfigRuleName: "instances-have-owner",
		Scope:           &config.Scope{ComplianceResourceTypes: []string{"AWS::EC2::Instance"}},
		Source:          &config.Source{Owner: "AWS", SourceIdentifier: "REQUIRED_TAGS"},
		InputParameters: `{"tag1Key":"owner"}`}})
	require.NoError(t, err)
	rules, err := st.Config.DescribeConfigRules(ctx, config.DescribeConfigRulesInput{ConfigRuleNames: []string{"instances-have-owner"}})
	require.NoError(t, err)
	require.Len(t, rules.ConfigRules, 1)
	ruleARN := rules.ConfigRules[0].ConfigRuleArn
	assert.Regexp(t, `^arn:aws:config:us-east-1:123456789012:config-rule/config-rule-[a-z0-9]{6}$`, ruleARN)
	subjects, _ := drain()
	assert.Empty(t, subjects, "no resources yet: nothing to notify")

	// 10:02 an instance without the owner tag appears.
	sc.clk.Advance(time.Minute)
	instance := config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-0abc123",
		ARN: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123", AvailabilityZone: "us-east-1a",
		Configuration: map[string]any{"instanceType": "t3.micro"}, Tags: map[string]string{"env": "prod"}}
	require.NoError(t, st.Config.RecordResource(ctx, instance))
	subjects, messages := drain()
	require.Equal(t, []string{
		"[AWS Config:us-east-1] AWS::EC2::Instance i-0abc123 Created in Account 123456789012",
		"[AWS Config:us-east-1] AWS::EC2::Instance i-0abc123 is NON_COMPLIANT with instances-have-owner in...",
	}, subjects)
	assert.Len(t, subjects[1], 100, "Config truncates the compliance subject to 100 characters")
	assert.JSONEq(t, `{"configurationItemDiff":{"changedProperties":{},"changeType":"CREATE"},
		"configurationItem":{"relatedEvents":[],"relationships":[],"configuration":{"instanceType":"t3.micro"},"supplementaryConfiguration":{},
		"tags":{"env":"prod"},"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-25T10:02:00.000Z",
		"configurationStateId":1795600920000,"awsAccountId":"123456789012","configurationItemStatus":"ResourceDiscovered",
		"resourceType":"AWS::EC2::Instance","resourceId":"i-0abc123","resourceName":null,"ARN":"arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123",
		"awsRegion":"us-east-1","availabilityZone":"us-east-1a","configurationStateMd5Hash":"`+jsonMap(t, []byte(messages[0]))["configurationItem"].(map[string]any)["configurationStateMd5Hash"].(string)+`",
		"resourceCreationTime":"2026-11-25T10:02:00.000Z"},
		"notificationCreationTime":"2026-11-25T10:02:00.000Z","messageType":"ConfigurationItemChangeNotification","recordVersion":"1.3"}`, messages[0])
	nonCompliant := func(at string) string {
		return `{"evaluationResultIdentifier":{"evaluationResultQualifier":{"configRuleName":"instances-have-owner","resourceType":"AWS::EC2::Instance","resourceId":"i-0abc123"},
		"orderingTimestamp":"` + at + `"},"complianceType":"NON_COMPLIANT","resultRecordedTime":"` + at + `",
		"configRuleInvokedTime":"` + at + `","annotation":"The resource does not have the required tag \"owner\".","resultToken":null}`
	}
	assert.JSONEq(t, `{"awsAccountId":"123456789012","configRuleName":"instances-have-owner","configRuleARN":"`+ruleARN+`",
		"resourceType":"AWS::EC2::Instance","resourceId":"i-0abc123","awsRegion":"us-east-1",
		"newEvaluationResult":`+nonCompliant("2026-11-25T10:02:00.000Z")+`,"oldEvaluationResult":null,
		"notificationCreationTime":"2026-11-25T10:02:00.000Z","messageType":"ComplianceChangeNotification","recordVersion":"1.0"}`, messages[1])
	assertRuleCompliance(t, sc, config.NonCompliant)

	// 10:03 an unrelated change records an item and re-evaluates the rule,
	// but compliance does not flip: only the item notification is sent.
	// (Config writes diff paths with the key's first letter upper-cased.)
	sc.clk.Advance(time.Minute)
	instance.Configuration = map[string]any{"instanceType": "t3.large"}
	require.NoError(t, st.Config.RecordResource(ctx, instance))
	subjects, messages = drain()
	require.Equal(t, []string{"[AWS Config:us-east-1] AWS::EC2::Instance i-0abc123 Updated in Account 123456789012"}, subjects)
	assert.JSONEq(t, `{"changedProperties":{"Configuration.InstanceType":{"previousValue":"t3.micro","updatedValue":"t3.large","changeType":"UPDATE"}},"changeType":"UPDATE"}`,
		string(mustJSON(t, jsonMap(t, []byte(messages[0]))["configurationItemDiff"])))

	// 10:04 the owner tag is added: COMPLIANT. The old result is the
	// NON_COMPLIANT one of the 10:03 re-evaluation.
	sc.clk.Advance(time.Minute)
	instance.Tags = map[string]string{"env": "prod", "owner": "alice"}
	require.NoError(t, st.Config.RecordResource(ctx, instance))
	subjects, messages = drain()
	require.Equal(t, []string{
		"[AWS Config:us-east-1] AWS::EC2::Instance i-0abc123 Updated in Account 123456789012",
		"[AWS Config:us-east-1] AWS::EC2::Instance i-0abc123 is COMPLIANT with instances-have-owner in Acc...",
	}, subjects)
	assert.JSONEq(t, `{"changedProperties":{"Tags.owner":{"previousValue":null,"updatedValue":"alice","changeType":"CREATE"}},"changeType":"UPDATE"}`,
		string(mustJSON(t, jsonMap(t, []byte(messages[0]))["configurationItemDiff"])))
	assert.JSONEq(t, `{"awsAccountId":"123456789012","configRuleName":"instances-have-owner","configRuleARN":"`+ruleARN+`",
		"resourceType":"AWS::EC2::Instance","resourceId":"i-0abc123","awsRegion":"us-east-1",
		"newEvaluationResult":{"evaluationResultIdentifier":{"evaluationResultQualifier":{"configRuleName":"instances-have-owner","resourceType":"AWS::EC2::Instance","resourceId":"i-0abc123"},
		"orderingTimestamp":"2026-11-25T10:04:00.000Z"},"complianceType":"COMPLIANT","resultRecordedTime":"2026-11-25T10:04:00.000Z",
		"configRuleInvokedTime":"2026-11-25T10:04:00.000Z","annotation":null,"resultToken":null},
		"oldEvaluationResult":`+nonCompliant("2026-11-25T10:03:00.000Z")+`,
		"notificationCreationTime":"2026-11-25T10:04:00.000Z","messageType":"ComplianceChangeNotification","recordVersion":"1.0"}`, messages[1])
	assertRuleCompliance(t, sc, config.Compliant)

	// The application saw the two flips on the bus too.
	compliance := complianceChanges.Events()
	require.Len(t, compliance, 2)
	assert.Nil(t, compliance[0].Old)
	assert.Equal(t, config.NonCompliant, compliance[0].New.ComplianceType)
	require.NotNil(t, compliance[1].Old)
	assert.Equal(t, config.NonCompliant, compliance[1].Old.ComplianceType)
	assert.Equal(t, config.Compliant, compliance[1].New.ComplianceType)

	// History: three items, oldest first.
	hist, err := st.Config.GetResourceConfigHistory(ctx, config.GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-0abc123", ChronologicalOrder: config.Forward})
	require.NoError(t, err)
	var statuses []string
	for _, ci := range hist.ConfigurationItems {
		statuses = append(statuses, ci.ConfigurationItemCaptureTime.Format("15:04 ")+string(ci.ConfigurationItemStatus))
	}
	assert.Equal(t, []string{"10:02 ResourceDiscovered", "10:03 OK", "10:04 OK"}, statuses)
}

func assertRuleCompliance(t *testing.T, sc *scenario, want config.ComplianceType) {
	t.Helper()
	out, err := sc.st.Config.DescribeComplianceByConfigRule(sc.alice, config.DescribeComplianceByConfigRuleInput{ConfigRuleNames: []string{"instances-have-owner"}})
	require.NoError(t, err)
	require.Len(t, out.ComplianceByConfigRules, 1)
	assert.Equal(t, want, out.ComplianceByConfigRules[0].Compliance.ComplianceType)
}

// The configuration change ↔ CloudTrail link: the API call that changed a
// recorded resource (here a log group's retention, through the logs service)
// is listed in the resource's next configuration item's relatedEvents, and
// LookupEvents finds it by that event ID.
func TestScenarioConfigItemsListTheTrailEventsThatChangedThem(t *testing.T) {
	sc := newScenario(t)
	st, ctx := sc.st, sc.alice
	_, err := st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:role/config"}})
	require.NoError(t, err)
	_, err = st.Config.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config-bucket"}})
	require.NoError(t, err)
	_, err = st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"})
	require.NoError(t, err)

	// The application plays the logs service's part for Config: it declares
	// the group's state after each change.
	const groupARN = "arn:aws:logs:us-east-1:123456789012:log-group:/app/web"
	declare := func(retention *int32) {
		t.Helper()
		cfg := map[string]any{"logGroupName": "/app/web", "arn": groupARN + ":*"}
		if retention != nil {
			cfg["retentionInDays"] = *retention
		}
		require.NoError(t, st.Config.RecordResource(ctx, config.ResourceConfig{ResourceType: "AWS::Logs::LogGroup", ResourceID: "/app/web",
			ResourceName: "/app/web", ARN: groupARN, Configuration: cfg}))
	}
	_, err = st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "/app/web"})
	require.NoError(t, err)
	declare(nil)

	sc.clk.Advance(time.Minute)
	days := int32(30)
	_, err = st.Logs.PutRetentionPolicy(ctx, logs.PutRetentionPolicyInput{LogGroupName: "/app/web", RetentionInDays: days})
	require.NoError(t, err)
	_, err = st.Logs.DescribeLogGroups(ctx, logs.DescribeLogGroupsInput{}) // read-only: not related
	require.NoError(t, err)
	declare(&days)

	hist, err := st.Config.GetResourceConfigHistory(ctx, config.GetResourceConfigHistoryInput{ResourceType: "AWS::Logs::LogGroup", ResourceID: "/app/web", ChronologicalOrder: config.Forward})
	require.NoError(t, err)
	require.Len(t, hist.ConfigurationItems, 2)
	assert.Empty(t, hist.ConfigurationItems[0].RelatedEvents, "CreateLogGroup came before Config knew the group")
	related := hist.ConfigurationItems[1].RelatedEvents
	require.Len(t, related, 1)
	ev, err := st.Trail.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: trail.LookupEventID, AttributeValue: related[0]}}})
	require.NoError(t, err)
	require.Len(t, ev.Events, 1)
	assert.Equal(t, "PutRetentionPolicy", ev.Events[0].EventName)
	assert.Equal(t, "logs.amazonaws.com", ev.Events[0].EventSource)
	assert.Equal(t, "alice", ev.Events[0].Username)
	assert.Equal(t, scenarioStart.Add(time.Minute), ev.Events[0].EventTime)
}
