package localwatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/dashboards"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
	"github.com/stretchr/testify/require"
)

// The reliability tests (reliability_*_test.go) share a fixture: a stack on
// a manual clock holding one resource of every kind an operation can name,
// valid seed inputs for every operation, and a snapshot of the stack's state
// to prove that a rejected call changed nothing.

var fixtureStart = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	fxChannelARN = "arn:aws:cloudtrail:us-east-1:123456789012:channel/01234567-0123-0123-0123-012345678901"
	fxAccount    = "123456789012"
	fxLambda     = "arn:aws:lambda:us-east-1:123456789012:function:rule-fn"
	fxDestARN    = "arn:aws:lambda:us-east-1:123456789012:function:log-sink"
	fxGroupARN   = "arn:aws:logs:us-east-1:123456789012:log-group:app"
	fxAlarmARN   = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:high-latency"
	fxTrailARN   = "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"
	fxInstance   = "i-0abc123"
	fxResType    = "AWS::EC2::Instance"
	fxNamespace  = "App"
)

// fixture is a stack with one of everything.
type fixture struct {
	st       *localwatch.Stack
	clk      *localwatch.ManualClock
	store    objstore.Store
	topicArn string // "ops": a queue subscribes to it
	quietArn string // "events": for alarm actions, Config and CloudTrail
	fifoArn  string
	subArn   string
	queue    *sns.Queue
	queue2   *sns.Queue // not subscribed yet
	token    string     // a Config rule's result token, for PutEvaluations

	deliveryID string // a Logs delivery from source "cf" to destination "bucket"

	queryID     string // a completed Logs Insights query
	runningID   string // a scheduled one (StopQuery)
	exportID    string // a completed logs export task
	queryDefID  string // a saved query definition
	logPtr      string // an @ptr of the completed query
	platformArn string // an SNS platform application
	endpointArn string // its endpoint
	sandboxOTP  string // the one-time password of fxSandboxNumber, pending in the SMS sandbox
	ruleArn     string // the managed Config rule
}

// newFixture builds the stack and its resources; every call gives the same
// state (IDSeed).
func newFixture(t testing.TB) *fixture { return newFixtureIn(t, "") }

// openFixture opens a fixture's account on dataDir (empty: in memory)
// without creating anything: on a directory that holds a journal it is the
// state the journal replays.
func openFixture(t testing.TB, dataDir string) *fixture {
	t.Helper()
	clk := localwatch.NewManualClock(fixtureStart)
	fx := &fixture{clk: clk}
	opts := localwatch.Options{Clock: clk, IDSeed: 7, DataDir: dataDir, Setup: fx.register}
	if dataDir == "" {
		opts.Store = &objstore.Memory{}
	}
	fx.st = localwatch.New(opts)
	fx.store = fx.st.Store // DataDir/objects with a DataDir
	return fx
}

// register registers the fixture's functions (Options.Setup): the Logs
// destination of its subscription filter and its custom Config rule's
// function.
func (fx *fixture) register(a *localwatch.Account) {
	st := a.Region("us-east-1")
	st.Logs.RegisterDestination(fxDestARN, func(context.Context, logs.SubscriptionDelivery) error { return nil })
	st.Config.RegisterRuleFunction(fxLambda, func(_ context.Context, ev config.RuleEvent) ([]config.Evaluation, error) {
		fx.token = ev.ResultToken
		return nil, nil
	})
}

// newFixtureIn is newFixture on an account persisting in dataDir (empty: in
// memory).
func newFixtureIn(t testing.TB, dataDir string) *fixture {
	t.Helper()
	fx := openFixture(t, dataDir)
	st := fx.st
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		require.NoError(t, err)
	}

	// SNS: a standard topic with a queue subscription, a FIFO topic.
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops", Tags: []sns.Tag{{Key: "team", Value: "web"}}})
	require.NoError(t, err)
	fx.topicArn = topic.TopicArn
	// Alarm actions, Config and CloudTrail notify a topic nobody subscribes
	// to: signing every envelope would cost most of the fixture's time.
	quiet, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "events"})
	require.NoError(t, err)
	fx.quietArn = quiet.TopicArn
	fifo, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops.fifo", Attributes: map[string]string{"FifoTopic": "true"}})
	require.NoError(t, err)
	fx.fifoArn = fifo.TopicArn
	fx.queue, err = st.SNS.CreateQueue("ops-inbox")
	require.NoError(t, err)
	qarn := fx.queue.ARN()
	sub, err := st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: fx.topicArn, Protocol: "sqs", Endpoint: qarn, ReturnSubscriptionArn: ptr(true),
		Attributes: map[string]string{"RawMessageDelivery": "true"}})
	require.NoError(t, err)
	fx.subArn = sub.SubscriptionArn
	_, err = st.SNS.AddPermission(ctx, sns.AddPermissionInput{TopicArn: fx.topicArn, Label: "allow-other", AWSAccountId: []string{"210987654321"}, ActionName: []string{"Publish"}})
	require.NoError(t, err)
	fx.queue2, err = st.SNS.CreateQueue("ops-inbox-2")
	require.NoError(t, err)

	// Metrics: data in the last hour, an anomaly detector.
	for i := range 10 {
		must(st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: fxNamespace, MetricData: []metrics.MetricDatum{{
			MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Service", Value: "web"}},
			Timestamp: fixtureStart.Add(-time.Duration(i) * time.Minute), Value: metrics.Float(float64(10 + i)), Unit: metrics.UnitMilliseconds}}}))
	}
	must(st.Metrics.PutAnomalyDetector(ctx, metrics.PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &metrics.SingleMetricAnomalyDetector{
		Namespace: fxNamespace, MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Service", Value: "web"}}, Stat: "Average"}}))

	must(st.Metrics.PutMetricStream(ctx, fxPutMetricStream()))

	// Alarms: a metric alarm and a composite alarm on it.
	must(st.Alarms.PutMetricAlarm(ctx, fxPutMetricAlarm(fx)))
	must(st.Alarms.PutCompositeAlarm(ctx, fxPutCompositeAlarm(fx)))
	must(st.Alarms.PutAlarmMuteRule(ctx, fxPutAlarmMuteRule()))

	// Logs: a group with a stream, events, a metric filter and a
	// subscription filter to a registered destination.
	must(st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "app", Tags: map[string]string{"team": "web"}}))
	must(st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "app", LogStreamName: "web-1"}))
	must(st.Logs.PutLogEvents(ctx, fxPutLogEvents()))
	must(st.Logs.PutMetricFilter(ctx, fxPutMetricFilter()))
	must(st.Logs.PutSubscriptionFilter(ctx, fxPutSubscriptionFilter()))
	must(st.Logs.PutRetentionPolicy(ctx, logs.PutRetentionPolicyInput{LogGroupName: "app", RetentionInDays: 30}))
	must(st.Logs.PutDestination(ctx, fxPutDestination()))
	must(st.Logs.PutResourcePolicy(ctx, logs.PutResourcePolicyInput{PolicyName: "route53",
		PolicyDocument: `{"Statement":[{"Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}`}))
	setupCoverage27(t, st) // insight rules, account policies, data protection

	// CloudTrail: a logging trail.
	must(st.Trail.CreateTrail(ctx, fxCreateTrail()))
	must(st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"}))

	// Config: a running recorder, a delivery channel, a managed and a custom
	// rule, a recorded resource, a retention configuration.
	must(st.Config.PutConfigurationRecorder(ctx, fxPutRecorder()))
	must(st.Config.PutDeliveryChannel(ctx, fxPutDeliveryChannel(fx)))
	must(st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"}))
	must(st.Config.PutConfigRule(ctx, fxPutManagedRule()))
	must(st.Config.PutConfigRule(ctx, fxPutCustomRule()))
	require.NoError(t, st.Config.RecordResource(ctx, config.ResourceConfig{ResourceType: fxResType, ResourceID: fxInstance,
		Configuration: map[string]any{"instanceType": "t3.micro"}, Tags: map[string]string{"owner": "web"}}))
	must(st.Config.PutResourceConfig(ctx, fxPutResourceConfig()))
	must(st.Config.PutRetentionConfiguration(ctx, config.PutRetentionConfigurationInput{RetentionPeriodInDays: 30}))
	require.NotEmpty(t, fx.token, "the custom rule ran on the recorded instance")
	must(st.Config.PutRemediationConfigurations(ctx, fxPutRemediation()))
	rules, err := st.Config.DescribeConfigRules(ctx, config.DescribeConfigRulesInput{ConfigRuleNames: []string{"instances-have-owner"}})
	require.NoError(t, err)
	fx.ruleArn = rules.ConfigRules[0].ConfigRuleArn

	// Logs Insights: a saved query definition, a completed query (for its
	// results and an @ptr) and a scheduled one (for StopQuery).
	def, err := st.Logs.PutQueryDefinition(ctx, fxPutQueryDefinition())
	require.NoError(t, err)
	fx.queryDefID = def.QueryDefinitionID
	// A logs export task, completed by the Advance below (one active task
	// per account: the CreateExportTask seed may then start another).
	exp, err := st.Logs.CreateExportTask(ctx, fxCreateExportTask())
	require.NoError(t, err)
	fx.exportID = exp.TaskID
	// Logs deliveries: source "cf" delivers to the S3 destination "bucket";
	// source "spare" and the log-group destination "group" are unused.
	must(st.Logs.PutDeliverySource(ctx, logs.PutDeliverySourceInput{Name: "cf", ResourceArn: fxDistribution, LogType: "ACCESS_LOGS"}))
	must(st.Logs.PutDeliverySource(ctx, logs.PutDeliverySourceInput{Name: "spare", ResourceArn: fxDistribution + "2", LogType: "ACCESS_LOGS"}))
	must(st.Logs.PutDeliveryDestination(ctx, fxPutDeliveryDestination()))
	must(st.Logs.PutDeliveryDestination(ctx, logs.PutDeliveryDestinationInput{Name: "group",
		DeliveryDestinationConfiguration: &logs.DeliveryDestinationConfiguration{DestinationResourceArn: "arn:aws:logs:us-east-1:123456789012:log-group:vended"}}))
	dl, err := st.Logs.CreateDelivery(ctx, logs.CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: fxDeliveryDestinationARN("bucket")})
	require.NoError(t, err)
	fx.deliveryID = dl.Delivery.ID
	q, err := st.Logs.StartQuery(ctx, fxStartQuery())
	require.NoError(t, err)
	fx.queryID = q.QueryID
	fx.clk.Advance(0) // runs the query
	res, err := st.Logs.GetQueryResults(ctx, logs.GetQueryResultsInput{QueryID: fx.queryID})
	require.NoError(t, err)
	for _, row := range res.Results {
		for _, f := range row {
			if f.Field == "@ptr" {
				fx.logPtr = f.Value
			}
		}
	}
	require.NotEmpty(t, fx.logPtr, "the query returned events with @ptr")
	q, err = st.Logs.StartQuery(ctx, fxStartQuery())
	require.NoError(t, err)
	fx.runningID = q.QueryID

	// CloudTrail Insights on the trail.
	must(st.Trail.PutInsightSelectors(ctx, trail.PutInsightSelectorsInput{TrailName: "audit",
		InsightSelectors: []trail.InsightSelector{{InsightType: trail.ApiCallRateInsight}}}))

	// SNS mobile: a platform application with an endpoint, a data
	// protection policy, SMS preferences and an opted-out number.
	app, err := st.SNS.CreatePlatformApplication(ctx, fxCreatePlatformApplication())
	require.NoError(t, err)
	fx.platformArn = app.PlatformApplicationArn
	ep, err := st.SNS.CreatePlatformEndpoint(ctx, sns.CreatePlatformEndpointInput{PlatformApplicationArn: fx.platformArn, Token: "device-1", CustomUserData: "phone"})
	require.NoError(t, err)
	fx.endpointArn = ep.EndpointArn
	must(st.SNS.PutDataProtectionPolicy(ctx, sns.PutDataProtectionPolicyInput{ResourceArn: fx.topicArn, DataProtectionPolicy: fxDataProtectionPolicy}))
	must(st.SNS.SetSMSAttributes(ctx, sns.SetSMSAttributesInput{Attributes: map[string]string{"DefaultSMSType": "Transactional"}}))
	st.SNS.OptOutPhoneNumber("+15555550100")
	must(st.SNS.CreateSMSSandboxPhoneNumber(ctx, sns.CreateSMSSandboxPhoneNumberInput{PhoneNumber: fxSandboxNumber}))
	for _, m := range st.SNS.Outbox() {
		if m.Endpoint == fxSandboxNumber {
			_, fx.sandboxOTP, _ = strings.Cut(m.Body, "code is: ")
		}
	}

	// Dashboards: one dashboard.
	must(st.Dashboards.PutDashboard(ctx, dashboards.PutDashboardInput{DashboardName: "ops-main", DashboardBody: fxDashboardBody}))
	return fx
}

// fxSandboxNumber is the fixture's destination number in the SMS sandbox.
const fxSandboxNumber = "+15555550143"

func fxPutRemediation() config.PutRemediationConfigurationsInput {
	return config.PutRemediationConfigurationsInput{RemediationConfigurations: []config.RemediationConfiguration{{ConfigRuleName: "instances-have-owner",
		TargetType: "SSM_DOCUMENT", TargetID: "AWS-StopEC2Instance", TargetVersion: "1", ResourceType: fxResType, Automatic: true,
		Parameters:               map[string]any{"InstanceId": map[string]any{"ResourceValue": map[string]any{"Value": "RESOURCE_ID"}}},
		ExecutionControls:        map[string]any{"SsmControls": map[string]any{"ConcurrentExecutionRatePercentage": 10}},
		MaximumAutomaticAttempts: 5, RetryAttemptSeconds: 60}}}
}

func fxPutQueryDefinition() logs.PutQueryDefinitionInput {
	return logs.PutQueryDefinitionInput{Name: "errors/by-level", LogGroupNames: []string{"app"},
		QueryString: "fields @timestamp, @message | filter level = 'ERROR' | sort @timestamp desc | limit 20"}
}

func fxStartQuery() logs.StartQueryInput {
	return logs.StartQueryInput{LogGroupNames: []string{"app"}, StartTime: fixtureStart.Add(-time.Hour).Unix(), EndTime: fixtureStart.Add(time.Minute).Unix(),
		QueryString: "fields @timestamp, @message, latency | sort @timestamp desc", Limit: logs.Int32(100)}
}

func fxCreatePlatformApplication() sns.CreatePlatformApplicationInput {
	return sns.CreatePlatformApplicationInput{Name: "mobile", Platform: "ADM",
		Attributes: map[string]string{"PlatformCredential": "secret", "PlatformPrincipal": "principal"}}
}

const fxDataProtectionPolicy = `{"Name":"data_protection_policy","Description":"mask cards","Version":"2021-06-01","Statement":[` +
	`{"Sid":"mask-card","DataDirection":"Inbound","Principal":["*"],"DataIdentifier":["arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"],` +
	`"Operation":{"Deidentify":{"MaskConfig":{"MaskWithCharacter":"*"}}}}]}`

const fxDashboardBody = `{"widgets":[{"type":"metric","x":0,"y":0,"width":12,"height":6,` +
	`"properties":{"metrics":[["App","Latency","Service","web"]],"region":"us-east-1","title":"Latency","stat":"Average","period":60}},` +
	`{"type":"text","x":12,"y":0,"width":12,"height":6,"properties":{"markdown":"# Ops"}}]}`

const fxMetricWidget = `{"metrics":[["App","Latency","Service","web",{"label":"web"}]],"view":"timeSeries","stat":"Average","period":60,` +
	`"start":"-PT3H","end":"P0D","title":"Latency","width":400,"height":200}`

func fxPutMetricAlarm(fx *fixture) alarms.PutMetricAlarmInput {
	return alarms.PutMetricAlarmInput{AlarmName: "high-latency", AlarmDescription: "p99 too high", Namespace: fxNamespace, MetricName: "Latency",
		Dimensions: []metrics.Dimension{{Name: "Service", Value: "web"}}, Statistic: metrics.StatAverage, Period: 60,
		EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: metrics.Float(100), ComparisonOperator: alarms.GreaterThanThreshold,
		TreatMissingData: "missing", AlarmActions: []string{fx.quietArn}, OKActions: []string{fx.quietArn},
		Tags: []alarms.Tag{{Key: "team", Value: "web"}}}
}

func fxPutMetricStream() metrics.PutMetricStreamInput {
	return metrics.PutMetricStreamInput{Name: "to-lake", FirehoseArn: "arn:aws:firehose:us-east-1:" + fxAccount + ":deliverystream/lake",
		RoleArn: "arn:aws:iam::" + fxAccount + ":role/streams", OutputFormat: metrics.MetricStreamJSON,
		IncludeFilters: []metrics.MetricStreamFilter{{Namespace: fxNamespace, MetricNames: []string{"Latency"}}},
		Tags:           []metrics.Tag{{Key: "team", Value: "web"}},
		StatisticsConfigurations: []metrics.MetricStreamStatisticsConfiguration{{
			IncludeMetrics:       []metrics.MetricStreamStatisticsMetric{{Namespace: fxNamespace, MetricName: "Latency"}},
			AdditionalStatistics: []string{"p99", "tm90"}}},
		IncludeLinkedAccountsMetrics: metrics.Bool(false)}
}

func fxPutAlarmMuteRule() alarms.PutAlarmMuteRuleInput {
	return alarms.PutAlarmMuteRuleInput{Name: "maintenance", Description: "nightly window",
		Rule:        alarms.MuteRule{Schedule: alarms.MuteSchedule{Expression: "cron(0 2 * * *)", Duration: "PT4H", Timezone: "UTC"}},
		MuteTargets: &alarms.MuteTargets{AlarmNames: []string{"high-latency"}}, Tags: []alarms.Tag{{Key: "team", Value: "web"}},
		StartDate: new(fixtureStart.Add(-time.Hour)), ExpireDate: new(fixtureStart.Add(24 * time.Hour))}
}

func fxPutCompositeAlarm(fx *fixture) alarms.PutCompositeAlarmInput {
	return alarms.PutCompositeAlarmInput{AlarmName: "service-down", AlarmRule: `ALARM("high-latency")`, AlarmActions: []string{fx.quietArn},
		Tags: []alarms.Tag{{Key: "team", Value: "web"}}}
}

func fxPutLogEvents() logs.PutLogEventsInput {
	return logs.PutLogEventsInput{LogGroupName: "app", LogStreamName: "web-1", LogEvents: []logs.InputLogEvent{
		{Timestamp: fixtureStart.Add(-time.Minute).UnixMilli(), Message: `{"level":"ERROR","latency":12}`},
		{Timestamp: fixtureStart.UnixMilli(), Message: `{"level":"INFO","latency":3}`}}}
}

func fxPutMetricFilter() logs.PutMetricFilterInput {
	return logs.PutMetricFilterInput{LogGroupName: "app", FilterName: "errors", FilterPattern: `{ $.level = "ERROR" }`,
		MetricTransformations: []logs.MetricTransformation{{MetricName: "Errors", MetricNamespace: fxNamespace, MetricValue: "$.latency",
			DefaultValue: metrics.Float(0), Unit: metrics.UnitCount}}}
}

const fxDistribution = "arn:aws:cloudfront::123456789012:distribution/E1EXAMPLE"

func fxDeliveryDestinationARN(name string) string {
	return "arn:aws:logs:us-east-1:123456789012:delivery-destination:" + name
}

func fxPutDeliveryDestination() logs.PutDeliveryDestinationInput {
	return logs.PutDeliveryDestinationInput{Name: "bucket", OutputFormat: "json",
		DeliveryDestinationConfiguration: &logs.DeliveryDestinationConfiguration{DestinationResourceArn: "arn:aws:s3:::access-logs"}}
}

func fxCreateExportTask() logs.CreateExportTaskInput {
	return logs.CreateExportTaskInput{TaskName: "export", LogGroupName: "app", LogStreamNamePrefix: "web", From: 0, To: 1 << 50,
		Destination: "export-bucket", DestinationPrefix: "logs"}
}

func fxPutDestination() logs.PutDestinationInput {
	return logs.PutDestinationInput{DestinationName: "central", TargetArn: fxDestARN, RoleArn: "arn:aws:iam::123456789012:role/cwl", Tags: map[string]string{"team": "sec"}}
}

func fxPutSubscriptionFilter() logs.PutSubscriptionFilterInput {
	return logs.PutSubscriptionFilterInput{LogGroupName: "app", FilterName: "to-sink", FilterPattern: "ERROR", DestinationArn: fxDestARN}
}

func fxCreateTrail() trail.CreateTrailInput {
	return trail.CreateTrailInput{Name: "audit", S3BucketName: "audit-bucket", S3KeyPrefix: "logs", SnsTopicName: "events",
		EnableLogFileValidation: trail.Bool(true), TagsList: []trail.Tag{{Key: "team", Value: "sec"}}}
}

func fxPutRecorder() config.PutConfigurationRecorderInput {
	return config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{Name: "default",
		RoleARN: "arn:aws:iam::123456789012:role/config", RecordingGroup: &config.RecordingGroup{AllSupported: true}}}
}

func fxPutDeliveryChannel(fx *fixture) config.PutDeliveryChannelInput {
	return config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{Name: "default", S3BucketName: "config-bucket",
		SNSTopicARN: fx.quietArn, ConfigSnapshotDeliveryProperties: &config.ConfigSnapshotDeliveryProperties{DeliveryFrequency: config.TwentyFourHours}}}
}

func fxPutManagedRule() config.PutConfigRuleInput {
	return config.PutConfigRuleInput{ConfigRule: config.ConfigRule{ConfigRuleName: "instances-have-owner",
		Scope:           &config.Scope{ComplianceResourceTypes: []string{fxResType}},
		Source:          &config.Source{Owner: config.OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"},
		InputParameters: `{"tag1Key":"owner"}`}}
}

func fxPutCustomRule() config.PutConfigRuleInput {
	return config.PutConfigRuleInput{ConfigRule: config.ConfigRule{ConfigRuleName: "custom-check",
		Scope: &config.Scope{ComplianceResourceTypes: []string{fxResType}},
		Source: &config.Source{Owner: config.OwnerCustomLambda, SourceIdentifier: fxLambda,
			SourceDetails: []config.SourceDetail{{EventSource: "aws.config", MessageType: config.MessageConfigurationItemChange}}}}}
}

func fxPutResourceConfig() config.PutResourceConfigInput {
	return config.PutResourceConfigInput{ResourceType: "MyCorp::Build::Runner", SchemaVersionID: "00000001", ResourceID: "r-1",
		ResourceName: "runner", Configuration: `{"cpu":2}`, Tags: map[string]string{"team": "ci"}}
}

// seeds returns a valid input for every operation, keyed "Service.Operation"
// (the service's package name), built afresh at each call so that a variant
// can change it freely.
func seeds(fx *fixture) map[string]any {
	t0, t1 := fixtureStart.Add(-time.Hour), fixtureStart
	dims := func() []metrics.Dimension { return []metrics.Dimension{{Name: "Service", Value: "web"}} }
	query := func() []metrics.MetricDataQuery {
		return []metrics.MetricDataQuery{
			{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: fxNamespace, MetricName: "Latency", Dimensions: dims()},
				Period: 60, Stat: "Average", Unit: metrics.UnitMilliseconds}, ReturnData: metrics.Bool(false)},
			{Id: "e1", Expression: "m1 * 2", Label: "double", Period: metrics.Int32(60)}}
	}
	str := func(s string) *string { return &s }
	tm := func(t time.Time) *time.Time { return &t }
	i64 := func(t time.Time) *int64 { v := t.UnixMilli(); return &v }
	sec := func(t time.Time) *int64 { v := t.Unix(); return &v }
	qarn := fx.queue2.ARN()
	all := map[string]any{
		// metrics
		"metrics.DeleteAnomalyDetector": metrics.DeleteAnomalyDetectorInput{SingleMetricAnomalyDetector: &metrics.SingleMetricAnomalyDetector{
			Namespace: fxNamespace, MetricName: "Latency", Dimensions: dims(), Stat: "Average"}},
		"metrics.DescribeAnomalyDetectors": metrics.DescribeAnomalyDetectorsInput{Namespace: fxNamespace, MetricName: "Latency", Dimensions: dims(),
			MaxResults: metrics.Int32(10), AnomalyDetectorTypes: []metrics.AnomalyDetectorType{"SINGLE_METRIC"}},
		"metrics.GetMetricData": metrics.GetMetricDataInput{MetricDataQueries: query(), StartTime: t0, EndTime: t1, ScanBy: "TimestampAscending",
			MaxDatapoints: metrics.Int32(100), LabelOptions: &metrics.LabelOptions{Timezone: "+0130"}},
		"metrics.GetMetricStatistics": metrics.GetMetricStatisticsInput{Namespace: fxNamespace, MetricName: "Latency", Dimensions: dims(),
			StartTime: t0, EndTime: t1, Period: 60, Statistics: []metrics.Statistic{metrics.StatAverage}, Unit: metrics.UnitMilliseconds},
		"metrics.GetMetricStatistics#extended": metrics.GetMetricStatisticsInput{Namespace: fxNamespace, MetricName: "Latency", Dimensions: dims(),
			StartTime: t0, EndTime: t1, Period: 300, ExtendedStatistics: []string{"p99", "tm90"}},
		"metrics.ListMetrics": metrics.ListMetricsInput{Namespace: fxNamespace, MetricName: "Latency",
			Dimensions: []metrics.DimensionFilter{{Name: "Service", Value: "web"}}, RecentlyActive: "PT3H"},
		"metrics.PutAnomalyDetector": metrics.PutAnomalyDetectorInput{SingleMetricAnomalyDetector: &metrics.SingleMetricAnomalyDetector{
			Namespace: fxNamespace, MetricName: "Latency", Dimensions: dims(), Stat: "p90"},
			Configuration:         &metrics.AnomalyDetectorConfiguration{ExcludedTimeRanges: []metrics.Range{{StartTime: t0, EndTime: t1}}, MetricTimezone: "UTC"},
			MetricCharacteristics: &metrics.MetricCharacteristics{PeriodicSpikes: metrics.Bool(true)}},
		"metrics.PutMetricStream": fxPutMetricStream(),
		"metrics.PutMetricStream#exclude": metrics.PutMetricStreamInput{Name: "all-but", FirehoseArn: "arn:aws:firehose:us-east-1:" + fxAccount + ":deliverystream/lake",
			RoleArn: "arn:aws:iam::" + fxAccount + ":role/streams", OutputFormat: metrics.MetricStreamOpenTelemetry10,
			ExcludeFilters: []metrics.MetricStreamFilter{{Namespace: "Other"}}},
		"metrics.GetMetricStream":    metrics.GetMetricStreamInput{Name: "to-lake"},
		"metrics.ListMetricStreams":  metrics.ListMetricStreamsInput{MaxResults: metrics.Int32(10)},
		"metrics.DeleteMetricStream": metrics.DeleteMetricStreamInput{Name: "to-lake"},
		"metrics.StartMetricStreams": metrics.StartMetricStreamsInput{Names: []string{"to-lake"}},
		"metrics.StopMetricStreams":  metrics.StopMetricStreamsInput{Names: []string{"to-lake"}},
		"metrics.PutMetricData": metrics.PutMetricDataInput{Namespace: fxNamespace, MetricData: []metrics.MetricDatum{
			{MetricName: "Latency", Dimensions: dims(), Timestamp: t1, Value: metrics.Float(12), Unit: metrics.UnitMilliseconds, StorageResolution: 1},
			{MetricName: "Latency", Dimensions: dims(), Timestamp: t1, Values: []float64{1, 2}, Counts: []float64{3, 4}, Unit: metrics.UnitMilliseconds},
			{MetricName: "Latency", Dimensions: dims(), Timestamp: t1, StatisticValues: &metrics.StatisticSet{SampleCount: 2, Sum: 30, Minimum: 10, Maximum: 20},
				Unit: metrics.UnitMilliseconds}}},

		// alarms
		"alarms.DeleteAlarms":            alarms.DeleteAlarmsInput{AlarmNames: []string{"service-down"}},
		"alarms.DescribeAlarmHistory":    alarms.DescribeAlarmHistoryInput{AlarmName: "high-latency", AlarmTypes: []alarms.AlarmType{"MetricAlarm"}, HistoryItemType: "StateUpdate", StartDate: new(t0), EndDate: new(t1.Add(time.Hour)), MaxRecords: metrics.Int32(10), ScanBy: "TimestampDescending"},
		"alarms.DescribeAlarms#prefix":   alarms.DescribeAlarmsInput{AlarmNamePrefix: "high", ChildrenOfAlarmName: "", MaxRecords: metrics.Int32(1)},
		"alarms.DescribeAlarms#children": alarms.DescribeAlarmsInput{ChildrenOfAlarmName: "service-down"},
		"alarms.DescribeAlarms#parents":  alarms.DescribeAlarmsInput{ParentsOfAlarmName: "high-latency"},
		"alarms.DescribeAlarms": alarms.DescribeAlarmsInput{AlarmNames: []string{"high-latency"}, AlarmTypes: []alarms.AlarmType{"MetricAlarm", "CompositeAlarm"},
			StateValue: alarms.StateInsufficientData, ActionPrefix: "arn:aws:sns", MaxRecords: metrics.Int32(10)},
		"alarms.DescribeAlarmsForMetric": alarms.DescribeAlarmsForMetricInput{MetricName: "Latency", Namespace: fxNamespace, Statistic: metrics.StatAverage,
			Dimensions: dims(), Period: metrics.Int32(60), Unit: metrics.UnitMilliseconds},
		"alarms.DisableAlarmActions":  alarms.DisableAlarmActionsInput{AlarmNames: []string{"high-latency"}},
		"alarms.EnableAlarmActions":   alarms.EnableAlarmActionsInput{AlarmNames: []string{"high-latency"}},
		"alarms.ListTagsForResource":  alarms.ListTagsForResourceInput{ResourceARN: fxAlarmARN},
		"alarms.PutCompositeAlarm":    fxPutCompositeAlarm(fx),
		"alarms.PutMetricAlarm":       fxPutMetricAlarm(fx),
		"alarms.SetAlarmState":        alarms.SetAlarmStateInput{AlarmName: "high-latency", StateValue: alarms.StateAlarm, StateReason: "testing", StateReasonData: `{"k":1}`},
		"alarms.TagResource":          alarms.TagResourceInput{ResourceARN: fxAlarmARN, Tags: []alarms.Tag{{Key: "env", Value: "prod"}}},
		"alarms.UntagResource":        alarms.UntagResourceInput{ResourceARN: fxAlarmARN, TagKeys: []string{"team"}},
		"alarms.PutMetricAlarm#math":  fxMathAlarm(fx),
		"alarms.DescribeAlarms#empty": alarms.DescribeAlarmsInput{},
		"alarms.PutAlarmMuteRule":     fxPutAlarmMuteRule(),
		"alarms.GetAlarmMuteRule":     alarms.GetAlarmMuteRuleInput{AlarmMuteRuleName: "maintenance"},
		"alarms.ListAlarmMuteRules":   alarms.ListAlarmMuteRulesInput{AlarmName: "high-latency", Statuses: []alarms.MuteRuleStatus{alarms.MuteRuleScheduled}, MaxRecords: metrics.Int32(10)},
		"alarms.DeleteAlarmMuteRule":  alarms.DeleteAlarmMuteRuleInput{AlarmMuteRuleName: "maintenance"},

		// logs
		"logs.CreateLogGroup":               logs.CreateLogGroupInput{LogGroupName: "new-group", KmsKeyID: "", Tags: map[string]string{"team": "web"}, LogGroupClass: "STANDARD"},
		"logs.CreateLogStream":              logs.CreateLogStreamInput{LogGroupName: "app", LogStreamName: "web-2"},
		"logs.DeleteLogGroup":               logs.DeleteLogGroupInput{LogGroupName: "app"},
		"logs.DeleteLogStream":              logs.DeleteLogStreamInput{LogGroupName: "app", LogStreamName: "web-1"},
		"logs.DeleteMetricFilter":           logs.DeleteMetricFilterInput{LogGroupName: "app", FilterName: "errors"},
		"logs.DeleteRetentionPolicy":        logs.DeleteRetentionPolicyInput{LogGroupName: "app"},
		"logs.DeleteSubscriptionFilter":     logs.DeleteSubscriptionFilterInput{LogGroupName: "app", FilterName: "to-sink"},
		"logs.DescribeLogGroups":            logs.DescribeLogGroupsInput{LogGroupNamePrefix: "ap", LogGroupClass: "STANDARD", Limit: logs.Int32(10)},
		"logs.DescribeLogGroups#pattern":    logs.DescribeLogGroupsInput{LogGroupNamePattern: "pp", Limit: logs.Int32(10)},
		"logs.DescribeLogStreams":           logs.DescribeLogStreamsInput{LogGroupName: "app", LogStreamNamePrefix: "web", OrderBy: "LogStreamName", Descending: logs.Bool(true), Limit: logs.Int32(10)},
		"logs.DescribeMetricFilters":        logs.DescribeMetricFiltersInput{LogGroupName: "app", FilterNamePrefix: "err", Limit: logs.Int32(10)},
		"logs.DescribeMetricFilters#metric": logs.DescribeMetricFiltersInput{MetricName: "Errors", MetricNamespace: fxNamespace},
		"logs.DescribeSubscriptionFilters":  logs.DescribeSubscriptionFiltersInput{LogGroupName: "app", FilterNamePrefix: "to", Limit: logs.Int32(10)},
		"logs.FilterLogEvents": logs.FilterLogEventsInput{LogGroupName: "app", LogStreamNames: []string{"web-1"}, StartTime: i64(t0), EndTime: i64(t1.Add(time.Minute)),
			FilterPattern: `{ $.latency > 5 }`, Limit: logs.Int32(10), Interleaved: logs.Bool(true)},
		"logs.FilterLogEvents#prefix": logs.FilterLogEventsInput{LogGroupIdentifier: fxGroupARN, LogStreamNamePrefix: "web", FilterPattern: `%ERR[A-Z]+%`},
		"logs.GetLogEvents": logs.GetLogEventsInput{LogGroupName: "app", LogStreamName: "web-1", StartTime: i64(t0), EndTime: i64(t1.Add(time.Minute)),
			Limit: logs.Int32(10), StartFromHead: logs.Bool(true)},
		"logs.ListTagsForResource": logs.ListTagsForResourceInput{ResourceArn: fxGroupARN},
		"logs.ListTagsLogGroup":    logs.ListTagsLogGroupInput{LogGroupName: "app"},
		"logs.PutLogEvents":        fxPutLogEvents(),
		"logs.PutMetricFilter":     fxPutMetricFilter(),
		"logs.PutMetricFilter#dims": logs.PutMetricFilterInput{LogGroupName: "app", FilterName: "by-level", FilterPattern: `{ $.latency = * }`,
			MetricTransformations: []logs.MetricTransformation{{MetricName: "Latency", MetricNamespace: fxNamespace, MetricValue: "$.latency",
				Dimensions: map[string]string{"Level": "$.level"}, Unit: metrics.UnitMilliseconds}}},
		"logs.PutRetentionPolicy":    logs.PutRetentionPolicyInput{LogGroupName: "app", RetentionInDays: 7},
		"logs.PutSubscriptionFilter": fxPutSubscriptionFilter(),
		"logs.PutDestination":        fxPutDestination(),
		"logs.PutDestinationPolicy": logs.PutDestinationPolicyInput{DestinationName: "central", ForceUpdate: logs.Bool(true),
			AccessPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"logs:PutSubscriptionFilter","Resource":"*"}]}`},
		"logs.DescribeDestinations": logs.DescribeDestinationsInput{DestinationNamePrefix: "cen", Limit: logs.Int32(10)},
		"logs.DeleteDestination":    logs.DeleteDestinationInput{DestinationName: "central"},
		"logs.PutResourcePolicy": logs.PutResourcePolicyInput{PolicyName: "route53",
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"route53.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}`},
		"logs.PutResourcePolicy#group": logs.PutResourcePolicyInput{ResourceArn: fxGroupARN,
			PolicyDocument: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"logs:PutLogEvents"}}`},
		"logs.DescribeResourcePolicies": logs.DescribeResourcePoliciesInput{PolicyScope: "ACCOUNT", Limit: logs.Int32(10)},
		"logs.DeleteResourcePolicy":     logs.DeleteResourcePolicyInput{PolicyName: "route53"},
		"logs.CreateExportTask":         fxCreateExportTask(),
		"logs.DescribeExportTasks":      logs.DescribeExportTasksInput{TaskID: fx.exportID, StatusCode: "COMPLETED", Limit: logs.Int32(10)},
		"logs.CancelExportTask":         logs.CancelExportTaskInput{TaskID: fx.exportID},
		"logs.PutDeliverySource": logs.PutDeliverySourceInput{Name: "cf2", ResourceArn: fxDistribution + "3", LogType: "ACCESS_LOGS",
			Tags: map[string]string{"team": "web"}},
		"logs.GetDeliverySource":            logs.GetDeliverySourceInput{Name: "cf"},
		"logs.DescribeDeliverySources":      logs.DescribeDeliverySourcesInput{Limit: logs.Int32(10)},
		"logs.DeleteDeliverySource":         logs.DeleteDeliverySourceInput{Name: "spare"},
		"logs.PutDeliveryDestination":       fxPutDeliveryDestination(),
		"logs.GetDeliveryDestination":       logs.GetDeliveryDestinationInput{Name: "bucket"},
		"logs.DescribeDeliveryDestinations": logs.DescribeDeliveryDestinationsInput{Limit: logs.Int32(10)},
		"logs.DeleteDeliveryDestination":    logs.DeleteDeliveryDestinationInput{Name: "group"},
		"logs.PutDeliveryDestinationPolicy": logs.PutDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket",
			DeliveryDestinationPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"logs:CreateDelivery","Resource":"*"}]}`},
		"logs.GetDeliveryDestinationPolicy":    logs.GetDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket"},
		"logs.DeleteDeliveryDestinationPolicy": logs.DeleteDeliveryDestinationPolicyInput{DeliveryDestinationName: "bucket"},
		"logs.CreateDelivery": logs.CreateDeliveryInput{DeliverySourceName: "cf", DeliveryDestinationArn: fxDeliveryDestinationARN("group"),
			RecordFields: []string{"date", "time"}, Tags: map[string]string{"team": "web"}},
		"logs.GetDelivery":        logs.GetDeliveryInput{ID: fx.deliveryID},
		"logs.DescribeDeliveries": logs.DescribeDeliveriesInput{Limit: logs.Int32(10)},
		"logs.UpdateDeliveryConfiguration": logs.UpdateDeliveryConfigurationInput{ID: fx.deliveryID, RecordFields: []string{"date"},
			FieldDelimiter: str(","), S3DeliveryConfiguration: &logs.S3DeliveryConfiguration{SuffixPath: "AWSLogs/{account-id}/CloudFront/"}},
		"logs.DeleteDelivery":  logs.DeleteDeliveryInput{ID: fx.deliveryID},
		"logs.AssociateKmsKey": logs.AssociateKmsKeyInput{LogGroupName: "app", KmsKeyID: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"logs.AssociateKmsKey#queries": logs.AssociateKmsKeyInput{ResourceIdentifier: "arn:aws:logs:us-east-1:123456789012:query-result:*",
			KmsKeyID: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"logs.DisassociateKmsKey": logs.DisassociateKmsKeyInput{ResourceIdentifier: fxGroupARN},
		"logs.PutSubscriptionFilter#destination": logs.PutSubscriptionFilterInput{LogGroupName: "app", FilterName: "to-central",
			DestinationArn: "arn:aws:logs:us-east-1:123456789012:destination:central"},
		"logs.TagLogGroup":      logs.TagLogGroupInput{LogGroupName: "app", Tags: map[string]string{"env": "prod"}},
		"logs.TagResource":      logs.TagResourceInput{ResourceArn: fxGroupARN, Tags: map[string]string{"env": "prod"}},
		"logs.TestMetricFilter": logs.TestMetricFilterInput{FilterPattern: `[ip, user, ts, req = "GET*", status = 5*, bytes]`, LogEventMessages: []string{`1.2.3.4 - [t] "GET /" 500 12`}},
		"logs.UntagLogGroup":    logs.UntagLogGroupInput{LogGroupName: "app", Tags: []string{"team"}},
		"logs.UntagResource":    logs.UntagResourceInput{ResourceArn: fxGroupARN, TagKeys: []string{"team"}},

		"logs.StartQuery":                    fxStartQuery(),
		"logs.StartQuery#identifiers":        logs.StartQueryInput{LogGroupIdentifiers: []string{fxGroupARN}, StartTime: t0.Unix(), EndTime: t1.Unix(), QueryString: "stats count(*) by bin(5m)"},
		"logs.GetQueryResults":               logs.GetQueryResultsInput{QueryID: fx.queryID},
		"logs.StopQuery":                     logs.StopQueryInput{QueryID: fx.runningID},
		"logs.DescribeQueries":               logs.DescribeQueriesInput{LogGroupName: "app", Status: logs.QueryComplete, MaxResults: logs.Int32(10)},
		"logs.PutQueryDefinition":            fxPutQueryDefinition(),
		"logs.PutQueryDefinition#update":     logs.PutQueryDefinitionInput{Name: "errors/renamed", QueryDefinitionID: fx.queryDefID, QueryString: "fields @message | limit 5", ClientToken: "token-1"},
		"logs.DescribeQueryDefinitions":      logs.DescribeQueryDefinitionsInput{QueryDefinitionNamePrefix: "errors", MaxResults: logs.Int32(10)},
		"logs.DeleteQueryDefinition":         logs.DeleteQueryDefinitionInput{QueryDefinitionID: fx.queryDefID},
		"logs.GetLogRecord":                  logs.GetLogRecordInput{LogRecordPointer: fx.logPtr, Unmask: logs.Bool(true)},
		"logs.GetLogGroupFields":             logs.GetLogGroupFieldsInput{LogGroupName: "app", Time: sec(t1)},
		"logs.PutLogGroupDeletionProtection": logs.PutLogGroupDeletionProtectionInput{LogGroupIdentifier: "app", DeletionProtectionEnabled: logs.Bool(true)},
		"logs.ListLogGroups":                 logs.ListLogGroupsInput{LogGroupNamePattern: "app", LogGroupClass: "STANDARD", IncludeLinkedAccounts: logs.Bool(false), Limit: logs.Int32(10)},

		// dashboards
		"dashboards.PutDashboard":         dashboards.PutDashboardInput{DashboardName: "ops-second", DashboardBody: fxDashboardBody},
		"dashboards.GetDashboard":         dashboards.GetDashboardInput{DashboardName: "ops-main"},
		"dashboards.ListDashboards":       dashboards.ListDashboardsInput{DashboardNamePrefix: "ops"},
		"dashboards.DeleteDashboards":     dashboards.DeleteDashboardsInput{DashboardNames: []string{"ops-main"}},
		"dashboards.GetMetricWidgetImage": dashboards.GetMetricWidgetImageInput{MetricWidget: fxMetricWidget, OutputFormat: "png"},

		// trail
		"trail.AddTags":    trail.AddTagsInput{ResourceId: fxTrailARN, TagsList: []trail.Tag{{Key: "env", Value: "prod"}}},
		"trail.RemoveTags": trail.RemoveTagsInput{ResourceId: fxTrailARN, TagsList: []trail.Tag{{Key: "team"}}},
		"trail.ListTags":   trail.ListTagsInput{ResourceIdList: []string{fxTrailARN}},
		"trail.PutInsightSelectors": trail.PutInsightSelectorsInput{TrailName: "audit", InsightSelectors: []trail.InsightSelector{
			{InsightType: trail.ApiCallRateInsight, EventCategories: []trail.EventCategory{trail.CategoryManagement}}, {InsightType: trail.ApiErrorRateInsight}}},
		"trail.GetInsightSelectors":  trail.GetInsightSelectorsInput{TrailName: "audit"},
		"trail.PutResourcePolicy":    trail.PutResourcePolicyInput{ResourceArn: fxChannelARN, ResourcePolicy: `{"Version":"2012-10-17","Statement":[]}`},
		"trail.GetResourcePolicy":    trail.GetResourcePolicyInput{ResourceArn: fxChannelARN},
		"trail.DeleteResourcePolicy": trail.DeleteResourcePolicyInput{ResourceArn: fxChannelARN},
		"trail.CreateTrail": trail.CreateTrailInput{Name: "second", S3BucketName: "audit-bucket", S3KeyPrefix: "p", SnsTopicName: "events",
			IncludeGlobalServiceEvents: metrics.Bool(true), IsMultiRegionTrail: trail.Bool(true), EnableLogFileValidation: trail.Bool(true),
			CloudWatchLogsLogGroupArn: fxGroupARN + ":*", CloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/trail-to-logs",
			TagsList: []trail.Tag{{Key: "team", Value: "sec"}}},
		"trail.DeleteTrail":       trail.DeleteTrailInput{Name: "audit"},
		"trail.DescribeTrails":    trail.DescribeTrailsInput{TrailNameList: []string{"audit"}, IncludeShadowTrails: metrics.Bool(true)},
		"trail.GetEventSelectors": trail.GetEventSelectorsInput{TrailName: "audit"},
		"trail.GetTrail":          trail.GetTrailInput{Name: fxTrailARN},
		"trail.GetTrailStatus":    trail.GetTrailStatusInput{Name: "audit"},
		"trail.ListPublicKeys":    trail.ListPublicKeysInput{StartTime: tm(t0), EndTime: tm(t1)},
		"trail.ListTrails":        trail.ListTrailsInput{},
		"trail.LookupEvents": trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: "EventName", AttributeValue: "CreateTopic"}},
			StartTime: tm(t0), EndTime: tm(t1), MaxResults: logs.Int32(10)},
		"trail.PutEventSelectors": trail.PutEventSelectorsInput{TrailName: "audit", EventSelectors: []trail.EventSelector{{ReadWriteType: "All",
			IncludeManagementEvents: metrics.Bool(true), DataResources: []trail.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bucket/"}}},
			ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}}},
		"trail.PutEventSelectors#advanced": trail.PutEventSelectorsInput{TrailName: "audit", AdvancedEventSelectors: []trail.AdvancedEventSelector{{Name: "s3 writes",
			FieldSelectors: []trail.AdvancedFieldSelector{{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}},
				{Field: "resources.ARN", StartsWith: []string{"arn:aws:s3:::bucket/"}, NotEndsWith: []string{".tmp"}}}}}},
		"trail.RecordEvent": trail.RecordEventInput{EventType: "AwsApiCall", EventCategory: "Management", EventSource: "ec2.amazonaws.com", EventName: "RunInstances",
			SourceIPAddress: "192.0.2.1", UserAgent: "app/1.0", RequestParameters: map[string]any{"instanceType": "t3.micro", "count": 1},
			ResponseElements: map[string]any{"ok": true}, Resources: []trail.Resource{{AccountID: fxAccount, Type: "AWS::EC2::Instance", ARN: "arn:aws:ec2:us-east-1:123456789012:instance/i-1"}},
			UserIdentity: &trail.UserIdentity{Type: "IAMUser", PrincipalID: "AIDAEXAMPLE", ARN: "arn:aws:iam::123456789012:user/alice", AccountID: fxAccount, UserName: "alice",
				SessionContext: &trail.SessionContext{Attributes: &trail.SessionAttributes{CreationDate: "2026-06-01T11:00:00Z", MFAAuthenticated: "false"}}},
			TLSDetails: &trail.TLSDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ClientProvidedHostHeader: "ec2.us-east-1.amazonaws.com"}},
		"trail.StartLogging": trail.StartLoggingInput{Name: "audit"},
		"trail.StopLogging":  trail.StopLoggingInput{Name: "audit"},
		"trail.UpdateTrail":  trail.UpdateTrailInput{Name: "audit", S3BucketName: str("audit-bucket"), S3KeyPrefix: str("logs2"), SnsTopicName: str("ops"), EnableLogFileValidation: metrics.Bool(true)},
		"trail.ValidateLogs": trail.ValidateLogsInput{TrailName: "audit", StartTime: t0, EndTime: tm(t1)},

		// config
		"config.BatchGetResourceConfig":              config.BatchGetResourceConfigInput{ResourceKeys: []config.ResourceKey{{ResourceType: fxResType, ResourceID: fxInstance}}},
		"config.DeleteConfigRule":                    config.DeleteConfigRuleInput{ConfigRuleName: "instances-have-owner"},
		"config.DeleteConfigurationRecorder":         config.DeleteConfigurationRecorderInput{ConfigurationRecorderName: "default"},
		"config.DeleteDeliveryChannel":               config.DeleteDeliveryChannelInput{DeliveryChannelName: "default"},
		"config.DeleteResourceConfig":                config.DeleteResourceConfigInput{ResourceType: "MyCorp::Build::Runner", ResourceID: "r-1"},
		"config.DeleteRetentionConfiguration":        config.DeleteRetentionConfigurationInput{RetentionConfigurationName: "default"},
		"config.DeliverConfigSnapshot":               config.DeliverConfigSnapshotInput{DeliveryChannelName: "default"},
		"config.DescribeComplianceByConfigRule":      config.DescribeComplianceByConfigRuleInput{ConfigRuleNames: []string{"instances-have-owner"}, ComplianceTypes: []config.ComplianceType{config.NonCompliant}},
		"config.DescribeComplianceByResource":        config.DescribeComplianceByResourceInput{ResourceType: fxResType, ResourceID: fxInstance, ComplianceTypes: []config.ComplianceType{config.Compliant}, Limit: config.Int32(10)},
		"config.DescribeConfigRuleEvaluationStatus":  config.DescribeConfigRuleEvaluationStatusInput{ConfigRuleNames: []string{"instances-have-owner"}},
		"config.DescribeConfigRules":                 config.DescribeConfigRulesInput{ConfigRuleNames: []string{"instances-have-owner"}},
		"config.DescribeConfigurationRecorderStatus": config.DescribeConfigurationRecorderStatusInput{ConfigurationRecorderNames: []string{"default"}},
		"config.DescribeConfigurationRecorders":      config.DescribeConfigurationRecordersInput{ConfigurationRecorderNames: []string{"default"}},
		"config.DescribeDeliveryChannelStatus":       config.DescribeDeliveryChannelStatusInput{DeliveryChannelNames: []string{"default"}},
		"config.DescribeDeliveryChannels":            config.DescribeDeliveryChannelsInput{DeliveryChannelNames: []string{"default"}},
		"config.DescribeRetentionConfigurations":     config.DescribeRetentionConfigurationsInput{RetentionConfigurationNames: []string{"default"}},
		"config.GetComplianceDetailsByConfigRule":    config.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: "instances-have-owner", ComplianceTypes: []config.ComplianceType{config.Compliant}, Limit: config.Int32(10)},
		"config.GetComplianceDetailsByResource":      config.GetComplianceDetailsByResourceInput{ResourceType: fxResType, ResourceID: fxInstance, ComplianceTypes: []config.ComplianceType{config.Compliant}},
		"config.GetResourceConfigHistory": config.GetResourceConfigHistoryInput{ResourceType: fxResType, ResourceID: fxInstance, LaterTime: tm(t1.Add(time.Minute)),
			EarlierTime: tm(t0), ChronologicalOrder: "Forward", Limit: config.Int32(10)},
		"config.ListDiscoveredResources": config.ListDiscoveredResourcesInput{ResourceType: fxResType, ResourceIDs: []string{fxInstance}, Limit: config.Int32(10), IncludeDeletedResources: config.Bool(true)},
		"config.PutConfigRule":           fxPutManagedRule(),
		"config.PutConfigRule#custom":    fxPutCustomRule(),
		"config.PutConfigRule#periodic": config.PutConfigRuleInput{ConfigRule: config.ConfigRule{ConfigRuleName: "periodic", Description: "every 3 h",
			Source:                    &config.Source{Owner: config.OwnerCustomLambda, SourceIdentifier: fxLambda, SourceDetails: []config.SourceDetail{{EventSource: "aws.config", MessageType: config.MessageScheduled, MaximumExecutionFrequency: config.ThreeHours}}},
			MaximumExecutionFrequency: config.ThreeHours, ConfigRuleState: "ACTIVE", Scope: &config.Scope{TagKey: "owner", TagValue: "web"}}},
		"config.PutConfigurationRecorder": fxPutRecorder(),
		"config.PutConfigurationRecorder#exclusions": config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{Name: "default",
			RoleARN: "arn:aws:iam::123456789012:role/config", RecordingGroup: &config.RecordingGroup{ExclusionByResourceTypes: &config.ExclusionByTypes{ResourceTypes: []string{"AWS::S3::Bucket"}},
				RecordingStrategy: &config.RecordingStrategy{UseOnly: "EXCLUSION_BY_RESOURCE_TYPES"}},
			RecordingMode: &config.RecordingMode{RecordingFrequency: "CONTINUOUS", RecordingModeOverrides: []config.RecordingModeOverride{{Description: "daily instances",
				ResourceTypes: []string{fxResType}, RecordingFrequency: "DAILY"}}}}},
		"config.PutDeliveryChannel": fxPutDeliveryChannel(fx),
		"config.PutEvaluations": config.PutEvaluationsInput{ResultToken: fx.token, Evaluations: []config.Evaluation{{ComplianceResourceType: fxResType,
			ComplianceResourceID: fxInstance, ComplianceType: config.Compliant, Annotation: "fine", OrderingTimestamp: t1}}},
		"config.PutResourceConfig":          fxPutResourceConfig(),
		"config.PutRetentionConfiguration":  config.PutRetentionConfigurationInput{RetentionPeriodInDays: 90},
		"config.StartConfigRulesEvaluation": config.StartConfigRulesEvaluationInput{ConfigRuleNames: []string{"instances-have-owner"}},
		"config.StartConfigurationRecorder": config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"},
		"config.StopConfigurationRecorder":  config.StopConfigurationRecorderInput{ConfigurationRecorderName: "default"},

		"config.GetComplianceSummaryByConfigRule": config.GetComplianceSummaryByConfigRuleInput{},
		"config.TagResource":                      config.TagResourceInput{ResourceArn: fx.ruleArn, Tags: []config.Tag{{Key: "env", Value: "prod"}}},
		"config.UntagResource":                    config.UntagResourceInput{ResourceArn: fx.ruleArn, TagKeys: []string{"env"}},
		"config.RecordResource": config.ResourceConfig{ResourceType: fxResType, ResourceID: fxInstance, ResourceName: "web-1",
			ARN: "arn:aws:ec2:us-east-1:123456789012:instance/" + fxInstance, AvailabilityZone: "us-east-1a", ResourceCreationTime: t0,
			Configuration: map[string]any{"instanceType": "t3.large", "ebsOptimized": true}, SupplementaryConfiguration: map[string]any{"Notes": `{"a":1}`},
			Tags: map[string]string{"owner": "web"}, Relationships: []config.ResourceRelationship{{ResourceType: "AWS::EC2::VPC", ResourceID: "vpc-1", RelationshipName: "Is contained in Vpc"}},
			RelatedEvents: []string{"11111111-2222-3333-4444-555555555555"}},
		"config.PutRemediationConfigurations":       fxPutRemediation(),
		"config.DescribeRemediationConfigurations":  config.DescribeRemediationConfigurationsInput{ConfigRuleNames: []string{"instances-have-owner"}},
		"config.DeleteRemediationConfiguration":     config.DeleteRemediationConfigurationInput{ConfigRuleName: "instances-have-owner", ResourceType: fxResType},
		"config.GetComplianceSummaryByResourceType": config.GetComplianceSummaryByResourceTypeInput{ResourceTypes: []string{fxResType}},
		"config.GetDiscoveredResourceCounts":        config.GetDiscoveredResourceCountsInput{ResourceTypes: []string{fxResType}, Limit: config.Int32(10)},
		"config.ListConfigurationRecorders":         config.ListConfigurationRecordersInput{MaxResults: config.Int32(10)},
		"config.ListTagsForResource":                config.ListTagsForResourceInput{ResourceArn: fx.ruleArn, Limit: config.Int32(10)},
		"config.PutExternalEvaluation": config.PutExternalEvaluationInput{ConfigRuleName: "instances-have-owner", ExternalEvaluation: config.Evaluation{
			ComplianceResourceType: fxResType, ComplianceResourceID: fxInstance, ComplianceType: config.NonCompliant, Annotation: "checked by hand", OrderingTimestamp: t1}},
		"config.SelectResourceConfig": config.SelectResourceConfigInput{Expression: "SELECT resourceId, resourceType, tags WHERE resourceType = 'AWS::EC2::Instance'", Limit: config.Int32(10)},

		// sns
		"sns.CreatePlatformApplication":          fxCreatePlatformApplication(),
		"sns.GetPlatformApplicationAttributes":   sns.GetPlatformApplicationAttributesInput{PlatformApplicationArn: fx.platformArn},
		"sns.SetPlatformApplicationAttributes":   sns.SetPlatformApplicationAttributesInput{PlatformApplicationArn: fx.platformArn, Attributes: map[string]string{"SuccessFeedbackSampleRate": "50"}},
		"sns.ListPlatformApplications":           sns.ListPlatformApplicationsInput{},
		"sns.DeletePlatformApplication":          sns.DeletePlatformApplicationInput{PlatformApplicationArn: fx.platformArn},
		"sns.CreatePlatformEndpoint":             sns.CreatePlatformEndpointInput{PlatformApplicationArn: fx.platformArn, Token: "device-2", CustomUserData: "tablet", Attributes: map[string]string{"Enabled": "true"}},
		"sns.GetEndpointAttributes":              sns.GetEndpointAttributesInput{EndpointArn: fx.endpointArn},
		"sns.SetEndpointAttributes":              sns.SetEndpointAttributesInput{EndpointArn: fx.endpointArn, Attributes: map[string]string{"CustomUserData": "phone-2"}},
		"sns.ListEndpointsByPlatformApplication": sns.ListEndpointsByPlatformApplicationInput{PlatformApplicationArn: fx.platformArn},
		"sns.DeleteEndpoint":                     sns.DeleteEndpointInput{EndpointArn: fx.endpointArn},
		"sns.PutDataProtectionPolicy":            sns.PutDataProtectionPolicyInput{ResourceArn: fx.topicArn, DataProtectionPolicy: fxDataProtectionPolicy},
		"sns.GetDataProtectionPolicy":            sns.GetDataProtectionPolicyInput{ResourceArn: fx.topicArn},
		"sns.SetSMSAttributes":                   sns.SetSMSAttributesInput{Attributes: map[string]string{"DefaultSMSType": "Promotional", "DefaultSenderID": "OPS", "MonthlySpendLimit": "10"}},
		"sns.GetSMSAttributes":                   sns.GetSMSAttributesInput{Attributes: []string{"DefaultSMSType"}},
		"sns.CheckIfPhoneNumberIsOptedOut":       sns.CheckIfPhoneNumberIsOptedOutInput{PhoneNumber: "+15555550100"},
		"sns.ListPhoneNumbersOptedOut":           sns.ListPhoneNumbersOptedOutInput{},
		"sns.OptInPhoneNumber":                   sns.OptInPhoneNumberInput{PhoneNumber: "+15555550100"},
		"sns.CreateSMSSandboxPhoneNumber":        sns.CreateSMSSandboxPhoneNumberInput{PhoneNumber: "+15555550142", LanguageCode: "en-US"},
		"sns.VerifySMSSandboxPhoneNumber":        sns.VerifySMSSandboxPhoneNumberInput{PhoneNumber: fxSandboxNumber, OneTimePassword: fx.sandboxOTP},
		"sns.DeleteSMSSandboxPhoneNumber":        sns.DeleteSMSSandboxPhoneNumberInput{PhoneNumber: fxSandboxNumber},
		"sns.GetSMSSandboxAccountStatus":         sns.GetSMSSandboxAccountStatusInput{},
		"sns.ListSMSSandboxPhoneNumbers":         sns.ListSMSSandboxPhoneNumbersInput{MaxResults: ptr(int32(10))},
		"sns.ListOriginationNumbers":             sns.ListOriginationNumbersInput{MaxResults: ptr(int32(10))},
		"sns.Publish#sms":                        sns.PublishInput{PhoneNumber: "+15555550199", Message: "code 1234", MessageAttributes: map[string]sns.MessageAttributeValue{"AWS.SNS.SMS.SMSType": {DataType: "String", StringValue: "Transactional"}}},
		"sns.Publish#endpoint":                   sns.PublishInput{TargetArn: fx.endpointArn, Message: `{"default":"hi","ADM":"{\"data\":{\"message\":\"hi\"}}"}`, MessageStructure: "json"},
		"sns.AddPermission":                      sns.AddPermissionInput{TopicArn: fx.topicArn, Label: "allow-more", AWSAccountId: []string{"210987654321"}, ActionName: []string{"Publish"}},
		"sns.ConfirmSubscription":                sns.ConfirmSubscriptionInput{TopicArn: fx.topicArn, Token: strings.Repeat("ab", 32), AuthenticateOnUnsubscribe: "true"},
		"sns.CreateTopic":                        sns.CreateTopicInput{Name: "alerts", Attributes: map[string]string{"DisplayName": "Alerts"}, Tags: []sns.Tag{{Key: "team", Value: "web"}}, DataProtectionPolicy: ""},
		"sns.CreateTopic#fifo":                   sns.CreateTopicInput{Name: "alerts.fifo", Attributes: map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"}},
		"sns.DeleteTopic":                        sns.DeleteTopicInput{TopicArn: fx.topicArn},
		"sns.GetSubscriptionAttributes":          sns.GetSubscriptionAttributesInput{SubscriptionArn: fx.subArn},
		"sns.GetTopicAttributes":                 sns.GetTopicAttributesInput{TopicArn: fx.topicArn},
		"sns.ListSubscriptions":                  sns.ListSubscriptionsInput{},
		"sns.ListSubscriptionsByTopic":           sns.ListSubscriptionsByTopicInput{TopicArn: fx.topicArn},
		"sns.ListTagsForResource":                sns.ListTagsForResourceInput{ResourceArn: fx.topicArn},
		"sns.ListTopics":                         sns.ListTopicsInput{},
		"sns.Publish": sns.PublishInput{TopicArn: fx.topicArn, Message: "hello", Subject: "greeting",
			MessageAttributes: map[string]sns.MessageAttributeValue{"kind": {DataType: "String", StringValue: "greeting"}, "n": {DataType: "Number", StringValue: "42"},
				"blob": {DataType: "Binary", BinaryValue: []byte{1, 2, 3}}}},
		"sns.Publish#structure": sns.PublishInput{TargetArn: fx.topicArn, Message: `{"default":"hi","sqs":"hi queue"}`, MessageStructure: "json"},
		"sns.Publish#fifo":      sns.PublishInput{TopicArn: fx.fifoArn, Message: "hello", MessageDeduplicationId: "d-1", MessageGroupId: "g-1"},
		"sns.PublishBatch": sns.PublishBatchInput{TopicArn: fx.topicArn, PublishBatchRequestEntries: []sns.PublishBatchRequestEntry{
			{Id: "1", Message: "one", Subject: "s", MessageAttributes: map[string]sns.MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}}},
			{Id: "2", Message: `{"default":"two"}`, MessageStructure: "json"}}},
		"sns.PublishBatch#fifo": sns.PublishBatchInput{TopicArn: fx.fifoArn, PublishBatchRequestEntries: []sns.PublishBatchRequestEntry{
			{Id: "1", Message: "one", MessageDeduplicationId: "d-1", MessageGroupId: "g"}}},
		"sns.RemovePermission":          sns.RemovePermissionInput{TopicArn: fx.topicArn, Label: "allow-other"},
		"sns.SetSubscriptionAttributes": sns.SetSubscriptionAttributesInput{SubscriptionArn: fx.subArn, AttributeName: "FilterPolicy", AttributeValue: `{"kind":["greeting"]}`},
		"sns.SetTopicAttributes":        sns.SetTopicAttributesInput{TopicArn: fx.topicArn, AttributeName: "DisplayName", AttributeValue: "Ops"},
		"sns.Subscribe":                 sns.SubscribeInput{TopicArn: fx.topicArn, Protocol: "sqs", Endpoint: qarn, Attributes: map[string]string{"RawMessageDelivery": "true"}, ReturnSubscriptionArn: ptr(true)},
		"sns.Subscribe#http":            sns.SubscribeInput{TopicArn: fx.topicArn, Protocol: "https", Endpoint: "https://example.com/hook"},
		"sns.TagResource":               sns.TagResourceInput{ResourceArn: fx.topicArn, Tags: []sns.Tag{{Key: "env", Value: "prod"}}},
		"sns.Unsubscribe":               sns.UnsubscribeInput{SubscriptionArn: fx.subArn},
		"sns.UntagResource":             sns.UntagResourceInput{ResourceArn: fx.topicArn, TagKeys: []string{"team"}},
	}
	maps.Copy(all, seedsCoverage27())
	return all
}

func fxMathAlarm(fx *fixture) alarms.PutMetricAlarmInput {
	return alarms.PutMetricAlarmInput{AlarmName: "math", EvaluationPeriods: 2, ComparisonOperator: alarms.LessThanLowerOrGreaterThanUpperThreshold,
		ThresholdMetricId: "ad1", Metrics: []metrics.MetricDataQuery{
			{Id: "m1", MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: fxNamespace, MetricName: "Latency",
				Dimensions: []metrics.Dimension{{Name: "Service", Value: "web"}}}, Period: 60, Stat: "Average"}, ReturnData: metrics.Bool(true)},
			{Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)", ReturnData: metrics.Bool(true)}},
		AlarmActions: []string{fx.quietArn}}
}

// operation is one exported operation of a service, found by reflection:
// a method shaped (ctx, XInput) (*XOutput, error), or one of the shapes of
// operations that answer nothing but an error ((ctx, XInput) error) or take
// no input ((ctx) (*XOutput, error); its input is the empty struct), which
// the API convention retires.
type operation struct {
	name    string        // "logs.PutLogEvents"
	method  reflect.Value // bound to the service
	in      reflect.Type
	noInput bool // the method takes the context only
}

// operations lists every operation of every service of st, sorted by name.
func operations(st *localwatch.Stack) []operation {
	ctxT, errT := reflect.TypeFor[context.Context](), reflect.TypeFor[error]()
	var ops []operation
	for _, svc := range []any{st.Metrics, st.Alarms, st.Logs, st.Trail, st.Config, st.SNS, st.Dashboards, st.InsightRules} {
		v := reflect.ValueOf(svc)
		pkg := v.Type().Elem().PkgPath()
		pkg = pkg[strings.LastIndex(pkg, "/")+1:]
		for i := range v.NumMethod() {
			m, ft := v.Type().Method(i), v.Method(i).Type()
			if ft.NumIn() < 1 || ft.NumIn() > 2 || ft.In(0) != ctxT || ft.IsVariadic() || ft.NumOut() == 0 || ft.Out(ft.NumOut()-1) != errT {
				continue
			}
			withOutput := ft.NumOut() == 2 && ft.Out(0).Kind() == reflect.Pointer
			switch {
			case ft.NumIn() == 2 && ft.In(1).Kind() == reflect.Struct && (withOutput || ft.NumOut() == 1):
				ops = append(ops, operation{name: pkg + "." + m.Name, method: v.Method(i), in: ft.In(1)})
			case ft.NumIn() == 1 && withOutput:
				ops = append(ops, operation{name: pkg + "." + m.Name, method: v.Method(i), in: reflect.TypeFor[struct{}](), noInput: true})
			}
		}
	}
	slices.SortFunc(ops, func(a, b operation) int { return strings.Compare(a.name, b.name) })
	return ops
}

// call runs op with in on ctx and returns its error (a panic is returned as
// a panicked value, not raised).
//
//lint:ignore ST1008 the panicked value is a second result, not an alternative to the error
func (op operation) call(ctx context.Context, in reflect.Value) (err error, panicked any) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
		}
	}()
	args := []reflect.Value{reflect.ValueOf(&ctx).Elem()}
	if !op.noInput {
		args = append(args, in)
	}
	out := op.method.Call(args)
	if e := out[len(out)-1].Interface(); e != nil {
		err = e.(error)
	}
	return err, nil
}

// snapshot renders everything a client can read back from the stack —
// except CloudTrail's event history, which rightly records rejected calls —
// so that two snapshots are equal exactly when no visible state changed.
// Its reads are not recorded by CloudTrail.
func (fx *fixture) snapshot() string {
	ctx := event.Unrecorded(context.Background())
	st := fx.st
	var b strings.Builder
	put := func(label string, v any, err error) {
		b.WriteString(label)
		b.WriteString(": ")
		if err != nil {
			b.WriteString("error " + err.Error())
		} else {
			dump(&b, reflect.ValueOf(v), 0)
			// What an operation answers must be encodable: the AWS
			// protocols are JSON (or XML, CBOR) on the wire.
			if _, err := json.Marshal(v); err != nil {
				b.WriteString(" " + unencodable + err.Error())
			}
		}
		b.WriteByte('\n')
	}
	wide := fixtureStart.Add(-48 * time.Hour)
	// metrics
	ms, err := st.Metrics.ListMetrics(ctx, metrics.ListMetricsInput{})
	put("ListMetrics", ms, err)
	if err == nil {
		for _, m := range ms.Metrics {
			o, err := st.Metrics.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{Namespace: m.Namespace, MetricName: m.MetricName,
				Dimensions: m.Dimensions, StartTime: wide, EndTime: fixtureStart.Add(48 * time.Hour), Period: 86400,
				Statistics: []metrics.Statistic{metrics.StatSampleCount, metrics.StatSum, metrics.StatMinimum, metrics.StatMaximum}})
			put("  GetMetricStatistics "+m.MetricName, o, err)
		}
	}
	ad, err := st.Metrics.DescribeAnomalyDetectors(ctx, metrics.DescribeAnomalyDetectorsInput{})
	put("DescribeAnomalyDetectors", ad, err)
	// alarms
	al, err := st.Alarms.DescribeAlarms(ctx, alarms.DescribeAlarmsInput{AlarmTypes: []alarms.AlarmType{"MetricAlarm", "CompositeAlarm"}})
	put("DescribeAlarms", al, err)
	ah, err := st.Alarms.DescribeAlarmHistory(ctx, alarms.DescribeAlarmHistoryInput{})
	put("DescribeAlarmHistory", ah, err)
	if al != nil {
		for _, a := range al.MetricAlarms {
			tags, err := st.Alarms.ListTagsForResource(ctx, alarms.ListTagsForResourceInput{ResourceARN: a.AlarmArn})
			put("  tags "+a.AlarmName, tags, err)
		}
		for _, a := range al.CompositeAlarms {
			tags, err := st.Alarms.ListTagsForResource(ctx, alarms.ListTagsForResourceInput{ResourceARN: a.AlarmArn})
			put("  tags "+a.AlarmName, tags, err)
		}
	}
	// logs
	lg, err := st.Logs.DescribeLogGroups(ctx, logs.DescribeLogGroupsInput{})
	put("DescribeLogGroups", lg, err)
	if lg != nil {
		for _, g := range lg.LogGroups {
			name := g.LogGroupName
			s, err := st.Logs.DescribeLogStreams(ctx, logs.DescribeLogStreamsInput{LogGroupName: name})
			put("  streams", s, err)
			mf, err := st.Logs.DescribeMetricFilters(ctx, logs.DescribeMetricFiltersInput{LogGroupName: name})
			put("  metric filters", mf, err)
			sf, err := st.Logs.DescribeSubscriptionFilters(ctx, logs.DescribeSubscriptionFiltersInput{LogGroupName: name})
			put("  subscription filters", sf, err)
			tags, err := st.Logs.ListTagsLogGroup(ctx, logs.ListTagsLogGroupInput{LogGroupName: name})
			put("  tags", tags, err)
			ev, err := st.Logs.FilterLogEvents(ctx, logs.FilterLogEventsInput{LogGroupName: name})
			put("  events", ev, err)
		}
	}
	qd, err := st.Logs.DescribeQueryDefinitions(ctx, logs.DescribeQueryDefinitionsInput{})
	put("DescribeQueryDefinitions", qd, err)
	qs, err := st.Logs.DescribeQueries(ctx, logs.DescribeQueriesInput{})
	put("DescribeQueries", qs, err)
	// trail (not the event history)
	tr, err := st.Trail.DescribeTrails(ctx, trail.DescribeTrailsInput{})
	put("DescribeTrails", tr, err)
	if tr != nil {
		for _, x := range tr.TrailList {
			sel, err := st.Trail.GetEventSelectors(ctx, trail.GetEventSelectorsInput{TrailName: x.TrailARN})
			put("  selectors", sel, err)
			stat, err := st.Trail.GetTrailStatus(ctx, trail.GetTrailStatusInput{Name: x.TrailARN})
			put("  status", stat, err)
			ins, err := st.Trail.GetInsightSelectors(ctx, trail.GetInsightSelectorsInput{TrailName: x.TrailARN})
			put("  insight selectors", ins, err)
			tags, err := st.Trail.ListTags(ctx, trail.ListTagsInput{ResourceIdList: []string{x.TrailARN}})
			put("  tags", tags, err)
		}
	}
	// config
	rec, err := st.Config.DescribeConfigurationRecorders(ctx, config.DescribeConfigurationRecordersInput{})
	put("DescribeConfigurationRecorders", rec, err)
	rs, err := st.Config.DescribeConfigurationRecorderStatus(ctx, config.DescribeConfigurationRecorderStatusInput{})
	put("DescribeConfigurationRecorderStatus", rs, err)
	dc, err := st.Config.DescribeDeliveryChannels(ctx, config.DescribeDeliveryChannelsInput{})
	put("DescribeDeliveryChannels", dc, err)
	rules, err := st.Config.DescribeConfigRules(ctx, config.DescribeConfigRulesInput{})
	put("DescribeConfigRules", rules, err)
	cr, err := st.Config.DescribeComplianceByConfigRule(ctx, config.DescribeComplianceByConfigRuleInput{})
	put("DescribeComplianceByConfigRule", cr, err)
	ret, err := st.Config.DescribeRetentionConfigurations(ctx, config.DescribeRetentionConfigurationsInput{})
	put("DescribeRetentionConfigurations", ret, err)
	for _, typ := range []string{fxResType, "MyCorp::Build::Runner"} {
		lr, err := st.Config.ListDiscoveredResources(ctx, config.ListDiscoveredResourcesInput{ResourceType: typ, IncludeDeletedResources: config.Bool(true)})
		put("ListDiscoveredResources "+typ, lr, err)
	}
	rem, err := st.Config.DescribeRemediationConfigurations(ctx, config.DescribeRemediationConfigurationsInput{ConfigRuleNames: []string{"instances-have-owner", "custom-check"}})
	put("DescribeRemediationConfigurations", rem, err)
	if rules != nil {
		for _, r := range rules.ConfigRules {
			tags, err := st.Config.ListTagsForResource(ctx, config.ListTagsForResourceInput{ResourceArn: r.ConfigRuleArn})
			put("  tags "+r.ConfigRuleName, tags, err)
		}
	}
	h, err := st.Config.GetResourceConfigHistory(ctx, config.GetResourceConfigHistoryInput{ResourceType: fxResType, ResourceID: fxInstance})
	put("GetResourceConfigHistory", h, err)
	// sns
	tp, err := st.SNS.ListTopics(ctx, sns.ListTopicsInput{})
	put("ListTopics", tp, err)
	if tp != nil {
		for _, x := range tp.Topics {
			a, err := st.SNS.GetTopicAttributes(ctx, sns.GetTopicAttributesInput{TopicArn: x.TopicArn})
			put("  attributes", a, err)
			tags, err := st.SNS.ListTagsForResource(ctx, sns.ListTagsForResourceInput{ResourceArn: x.TopicArn})
			put("  tags", tags, err)
		}
	}
	subs, err := st.SNS.ListSubscriptions(ctx, sns.ListSubscriptionsInput{})
	put("ListSubscriptions", subs, err)
	if subs != nil {
		for _, s := range subs.Subscriptions {
			a, err := st.SNS.GetSubscriptionAttributes(ctx, sns.GetSubscriptionAttributesInput{SubscriptionArn: s.SubscriptionArn})
			put("  attributes", a, err)
		}
	}
	if tp != nil {
		for _, x := range tp.Topics {
			dp, err := st.SNS.GetDataProtectionPolicy(ctx, sns.GetDataProtectionPolicyInput{ResourceArn: x.TopicArn})
			put("  data protection", dp, err)
		}
	}
	apps, err := st.SNS.ListPlatformApplications(ctx, sns.ListPlatformApplicationsInput{})
	put("ListPlatformApplications", apps, err)
	if apps != nil {
		for _, a := range apps.PlatformApplications {
			eps, err := st.SNS.ListEndpointsByPlatformApplication(ctx, sns.ListEndpointsByPlatformApplicationInput{PlatformApplicationArn: a.PlatformApplicationArn})
			put("  endpoints", eps, err)
		}
	}
	sms, err := st.SNS.GetSMSAttributes(ctx, sns.GetSMSAttributesInput{})
	put("GetSMSAttributes", sms, err)
	opted, err := st.SNS.ListPhoneNumbersOptedOut(ctx, sns.ListPhoneNumbersOptedOutInput{})
	put("ListPhoneNumbersOptedOut", opted, err)
	sandbox, err := st.SNS.ListSMSSandboxPhoneNumbers(ctx, sns.ListSMSSandboxPhoneNumbersInput{})
	put("ListSMSSandboxPhoneNumbers", sandbox, err)
	snapshotCoverage27(ctx, st, put)
	// dashboards
	dl, err := st.Dashboards.ListDashboards(ctx, dashboards.ListDashboardsInput{})
	put("ListDashboards", dl, err)
	if dl != nil {
		for _, d := range dl.DashboardEntries {
			body, err := st.Dashboards.GetDashboard(ctx, dashboards.GetDashboardInput{DashboardName: d.DashboardName})
			put("  dashboard", body, err)
		}
	}
	qlen := func(name string) int {
		if q, ok := st.SNS.Queue(name); ok {
			return q.Len()
		}
		return -1
	}
	fmt.Fprintf(&b, "queues %d %d outbox %d\n", qlen("ops-inbox"), qlen("ops-inbox-2"), len(st.SNS.Outbox()))
	// the object store
	for _, bucket := range []string{"audit-bucket", "config-bucket"} {
		keys, err := fx.store.List(context.Background(), bucket, "")
		put("objects "+bucket, keys, err)
	}
	return b.String()
}

// unencodable marks, in a snapshot, an answer that JSON cannot encode.
const unencodable = "UNENCODABLE: "

// dump writes v deterministically: pointers followed, map keys sorted,
// floats (NaN included) in full, times in RFC 3339.
func dump(b *strings.Builder, v reflect.Value, depth int) {
	if depth > 24 {
		b.WriteString("…")
		return
	}
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	if t, ok := v.Interface().(time.Time); ok {
		b.WriteString(t.UTC().Format(time.RFC3339Nano))
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		dump(b, v.Elem(), depth+1)
	case reflect.Struct:
		b.WriteString("{")
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			b.WriteString(v.Type().Field(i).Name + ":")
			dump(b, v.Field(i), depth+1)
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			fmt.Fprintf(b, "%q", v.Bytes())
			return
		}
		b.WriteString("[")
		for i := range v.Len() {
			dump(b, v.Index(i), depth+1)
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int {
			return strings.Compare(fmt.Sprint(x.Interface()), fmt.Sprint(y.Interface()))
		})
		b.WriteString("map[")
		for _, k := range keys {
			dump(b, k, depth+1)
			b.WriteString(":")
			dump(b, v.MapIndex(k), depth+1)
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.Float32, reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.String:
		if v.Len() > 256 {
			fmt.Fprintf(b, "%q…(%d bytes)", v.String()[:64], v.Len())
			return
		}
		fmt.Fprintf(b, "%q", v.String())
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		b.WriteString(v.Type().String())
	default:
		fmt.Fprint(b, v.Interface())
	}
}

// hostile values, by kind.
var (
	hugeString = strings.Repeat("a", 1<<20)
	year1      = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	year9999   = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	year2300   = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC) // past UnixNano's range
)

var _ = math.NaN

func ptr[T any](v T) *T { return &v }
