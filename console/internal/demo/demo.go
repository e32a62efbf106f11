// Package demo fills an account with a few hours of sample data — metrics,
// alarms that fire and recover, log events, configuration changes, SNS
// topics and a dashboard — for the console's tests and screenshots.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/config"
	"github.com/localwatch/localwatch/dashboards"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
)

// Start is the manual clock's start; Fill ends three hours later.
var Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// HostileName is an alarm name that must be escaped wherever it is shown.
const HostileName = `<script>alert("x")</script>`

// New returns an account in us-east-1 and eu-west-1 on a manual clock,
// filled by Fill.
func New() (*localwatch.Account, *localwatch.ManualClock, error) {
	clk := localwatch.NewManualClock(Start)
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: clk, IDSeed: 7, Regions: []string{"us-east-1", "eu-west-1"}})
	if err != nil {
		return nil, nil, err
	}
	if err := Fill(acct.Region("us-east-1"), clk); err != nil {
		acct.Close()
		return nil, nil, err
	}
	return acct, clk, nil
}

func f(v float64) *float64 { return &v }

// Fill puts three hours of data into st, moving clk a minute at a time.
func Fill(st *localwatch.Stack, clk *localwatch.ManualClock) error {
	ctx := context.Background()
	var errs []error
	try := func(_ any, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops-alerts"})
	if err != nil {
		return err
	}
	try(st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "email", Endpoint: "oncall@example.com"}))
	try(st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "config-changes"}))

	svc := []metrics.Dimension{{Name: "Service", Value: "checkout"}}
	try(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "checkout-latency-high", AlarmDescription: "p-average latency of checkout above 250 ms",
		Namespace: "MyApp", MetricName: "Latency", Dimensions: svc, Statistic: metrics.Statistic("Average"), Period: 60,
		EvaluationPeriods: 3, Threshold: f(250), ComparisonOperator: alarms.GreaterThanThreshold,
		AlarmActions: []string{topic.TopicArn}, OKActions: []string{topic.TopicArn}, TreatMissingData: alarms.TreatMissing}))
	try(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "checkout-errors", Namespace: "MyApp", MetricName: "Errors", Dimensions: svc, Statistic: metrics.Statistic("Sum"),
		Period: 300, EvaluationPeriods: 1, Threshold: f(20), ComparisonOperator: alarms.GreaterThanOrEqualToThreshold}))
	try(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "web-cpu", Namespace: "MyHosts", MetricName: "CPUUtilization", Dimensions: []metrics.Dimension{{Name: "InstanceId", Value: "i-0abc123"}},
		Statistic: metrics.Statistic("Maximum"), Period: 300, EvaluationPeriods: 2, Threshold: f(90), ComparisonOperator: alarms.GreaterThanThreshold}))
	try(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "queue-depth", Namespace: "MyApp", MetricName: "QueueDepth", Statistic: metrics.Statistic("Average"), Period: 60,
		EvaluationPeriods: 5, Threshold: f(1000), ComparisonOperator: alarms.GreaterThanThreshold}))
	try(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: HostileName, Namespace: "MyApp", MetricName: "Requests", Dimensions: svc, Statistic: metrics.Statistic("Sum"),
		Period: 60, EvaluationPeriods: 1, Threshold: f(1), ComparisonOperator: alarms.LessThanThreshold}))
	rd := false
	try(st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{
		AlarmName: "checkout-error-rate", AlarmDescription: "errors per 100 requests", EvaluationPeriods: 2, Threshold: f(1.5),
		ComparisonOperator: alarms.GreaterThanThreshold, Metrics: []metrics.MetricDataQuery{
			{Id: "errors", ReturnData: &rd, MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "MyApp", MetricName: "Errors", Dimensions: svc}, Period: 300, Stat: "Sum"}},
			{Id: "requests", ReturnData: &rd, MetricStat: &metrics.MetricStat{Metric: metrics.Metric{Namespace: "MyApp", MetricName: "Requests", Dimensions: svc}, Period: 300, Stat: "Sum"}},
			{Id: "rate", Label: "Error rate (%)", Expression: "errors / requests * 100"}}}))
	try(st.Alarms.PutCompositeAlarm(ctx, alarms.PutCompositeAlarmInput{AlarmName: "checkout-degraded",
		AlarmRule: `ALARM("checkout-latency-high") OR ALARM("checkout-errors")`, AlarmActions: []string{topic.TopicArn}}))

	try(st.Trail.CreateTrail(ctx, trail.CreateTrailInput{Name: "management", S3BucketName: "audit-logs", EnableLogFileValidation: trail.Bool(true)}))
	try(st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "management"}))
	try(st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "/app/checkout"}))
	try(st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "/app/checkout", LogStreamName: "web-1"}))
	try(st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "/app/checkout", LogStreamName: "web-2"}))
	try(st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "/app/search"}))

	try(st.Config.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{RoleARN: "arn:aws:iam::123456789012:role/config"}}))
	try(st.Config.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{S3BucketName: "config-bucket", SNSTopicARN: "arn:aws:sns:us-east-1:123456789012:config-changes"}}))
	try(st.Config.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"}))
	try(st.Config.PutConfigRule(ctx, config.PutConfigRuleInput{ConfigRule: config.ConfigRule{ConfigRuleName: "team-tag",
		Source: &config.Source{Owner: config.OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}, InputParameters: `{"tag1Key":"team"}`}}))
	inst := func(typ string, tags map[string]string) config.ResourceConfig {
		return config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-0abc123", AvailabilityZone: "us-east-1a",
			ARN: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123", Tags: tags,
			Relationships: []config.ResourceRelationship{
				{ResourceType: "AWS::EC2::VPC", ResourceID: "vpc-main", RelationshipName: "Is contained in Vpc"},
				{ResourceType: "AWS::EC2::Volume", ResourceID: "vol-0abc", RelationshipName: "Is attached to Volume"},
				{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-web", RelationshipName: "Is associated with SecurityGroup"}},
			Configuration: map[string]any{"instanceId": "i-0abc123", "instanceType": typ, "state": map[string]any{"name": "running"}}}
	}
	record := func(rc config.ResourceConfig) {
		if err := st.Config.RecordResource(ctx, rc); err != nil {
			errs = append(errs, err)
		}
	}
	record(config.ResourceConfig{ResourceType: "AWS::EC2::VPC", ResourceID: "vpc-main", Configuration: `{"cidrBlock":"10.0.0.0/16"}`, Tags: map[string]string{"team": "web"}})
	record(config.ResourceConfig{ResourceType: "AWS::EC2::Volume", ResourceID: "vol-0abc", Configuration: `{"size":8}`, Tags: map[string]string{"team": "web"}})
	record(config.ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-web", Configuration: `{"groupName":"web"}`, Tags: map[string]string{"team": "web"}})
	record(inst("t3.micro", map[string]string{"team": "web"}))

	try(st.Dashboards.PutDashboard(ctx, dashboards.PutDashboardInput{DashboardName: "checkout", DashboardBody: `{"widgets":[
{"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"title":"Latency","region":"us-east-1","period":60,"stat":"Average","metrics":[["MyApp","Latency","Service","checkout"]],"annotations":{"horizontal":[{"label":"SLO","value":250}]}}},
{"type":"metric","x":12,"y":0,"width":12,"height":6,"properties":{"title":"Requests and errors","region":"us-east-1","period":300,"stat":"Sum","metrics":[["MyApp","Requests","Service","checkout"],["MyApp","Errors","Service","checkout"]]}},
{"type":"text","x":0,"y":6,"width":24,"height":2,"properties":{"markdown":"Checkout service: latency SLO is 250 ms."}}]}`}))

	put := func(name string, dims []metrics.Dimension, v float64) {
		try(st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "MyApp", MetricData: []metrics.MetricDatum{{MetricName: name, Dimensions: dims, Value: f(v)}}}))
	}
	for m := range 180 {
		x := float64(m)
		lat := 140 + 25*math.Sin(x/9) + 10*math.Sin(x/2.3)
		if (m >= 95 && m < 125) || m >= 165 {
			lat += 220
		}
		put("Latency", svc, lat)
		put("Latency", []metrics.Dimension{{Name: "Service", Value: "search"}}, 60+10*math.Sin(x/5))
		put("Requests", svc, 400+80*math.Sin(x/20))
		errsN := 1.0
		if m >= 100 && m < 120 {
			errsN = 9
		}
		put("Errors", svc, errsN)
		try(st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "MyHosts", MetricData: []metrics.MetricDatum{{MetricName: "CPUUtilization",
			Dimensions: []metrics.Dimension{{Name: "InstanceId", Value: "i-0abc123"}}, Value: f(35 + 20*math.Sin(x/15))}}}))
		ms := clk.Now().UnixMilli()
		level, msg := "INFO", fmt.Sprintf("GET /cart 200 %dms", int(lat))
		if lat > 250 {
			level, msg = "ERROR", fmt.Sprintf("POST /checkout 504 upstream timeout after %dms", int(lat))
		}
		stream := []string{"web-1", "web-2"}[m%2]
		try(st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "/app/checkout", LogStreamName: stream,
			LogEvents: []logs.InputLogEvent{{Timestamp: ms, Message: fmt.Sprintf(`{"level":"%s","msg":"%s","latencyMs":%d}`, level, msg, int(lat))}}}))
		if m == 90 {
			record(inst("m5.large", map[string]string{"team": "web"}))
		}
		if m == 150 {
			record(inst("m5.large", map[string]string{"owner": "bob"}))
		}
		clk.Advance(time.Minute)
	}
	if len(errs) > 0 {
		return fmt.Errorf("demo data: %w", errors.Join(errs...))
	}
	return nil
}

func ptr(s string) *string { return &s }
