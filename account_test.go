package localwatch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/localwatchtest"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/sns"
	"github.com/localwatch/localwatch/trail"
)

var acctStart = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func newTwoRegionAccount(t *testing.T) (*localwatch.Account, *localwatch.ManualClock) {
	t.Helper()
	clk := localwatch.NewManualClock(acctStart)
	a, err := localwatch.NewAccount(localwatch.Options{Clock: clk, IDSeed: 7, Regions: []string{"us-east-1", "eu-west-1"}})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	return a, clk
}

func TestNewAccountRejectsBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts localwatch.Options
		want string
	}{
		{"short account", localwatch.Options{AccountID: "12345"}, "AccountID"},
		{"letters in account", localwatch.Options{AccountID: "12345678901a"}, "AccountID"},
		{"bad region", localwatch.Options{Regions: []string{"us-east-1", "Mars"}}, "Mars"},
		{"duplicate region", localwatch.Options{Regions: []string{"eu-west-1", "us-east-1", "eu-west-1"}}, "listed twice"},
		{"bad Region names the field and shows spaces", localwatch.Options{Region: "us-east-1 "}, `"us-east-1 " for parameter Region `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := localwatch.NewAccount(tc.opts)
			require.Nil(t, a)
			require.ErrorIs(t, err, localwatch.ErrInvalidParameterValue)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	require.Panics(t, func() { localwatch.New(localwatch.Options{Region: "nowhere"}) })
	_, err := localwatch.NewAccount(localwatch.Options{Region: "eu-west-1", Regions: []string{"us-east-1"}})
	require.ErrorIs(t, err, localwatch.ErrInvalidParameterCombination)
}

func TestAccountRegionsAreSeparate(t *testing.T) {
	a, _ := newTwoRegionAccount(t)
	require.Equal(t, []string{"us-east-1", "eu-west-1"}, a.Regions())
	require.Nil(t, a.Region("ap-south-1"))
	us, eu := a.Region("us-east-1"), a.Region("eu-west-1")
	require.Same(t, us.Bus, eu.Bus)
	ctx := context.Background()

	_, err := eu.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop",
		MetricData: []metrics.MetricDatum{{MetricName: "Orders", Value: metrics.Float(1)}}})
	require.NoError(t, err)
	inEU, err := eu.Metrics.ListMetrics(ctx, metrics.ListMetricsInput{})
	require.NoError(t, err)
	inUS, err := us.Metrics.ListMetrics(ctx, metrics.ListMetricsInput{})
	require.NoError(t, err)
	require.Len(t, inEU.Metrics, 1)
	require.Empty(t, inUS.Metrics)

	// A topic ARN names its Region: each Region's SNS answers only for its own.
	_, err = eu.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "alerts"})
	require.NoError(t, err)
	_, err = us.SNS.GetTopicAttributes(ctx, sns.GetTopicAttributesInput{TopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts"})
	require.Error(t, err)
}

func TestAccountAlarmNotifiesTheTopicOfItsRegion(t *testing.T) {
	a, clk := newTwoRegionAccount(t)
	ctx := context.Background()
	queues := map[string]*sns.Queue{}
	for _, r := range a.Regions() {
		st := a.Region(r)
		topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "alerts"})
		require.NoError(t, err)
		q, err := st.SNS.CreateQueue("inbox")
		require.NoError(t, err)
		qarn := q.ARN()
		_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn,
			Attributes: map[string]string{"RawMessageDelivery": "true"}})
		require.NoError(t, err)
		queues[r] = q
	}
	eu := a.Region("eu-west-1")
	_, err := eu.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "busy", Namespace: "Shop",
		MetricName: "Orders", Statistic: metrics.StatSum, Period: 60, EvaluationPeriods: 1, Threshold: metrics.Float(1),
		ComparisonOperator: alarms.GreaterThanOrEqualToThreshold, AlarmActions: []string{"arn:aws:sns:eu-west-1:123456789012:alerts"}})
	require.NoError(t, err)
	clk.Advance(time.Minute)
	_, err = eu.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop",
		MetricData: []metrics.MetricDatum{{MetricName: "Orders", Value: metrics.Float(5)}}})
	require.NoError(t, err)
	clk.Advance(2 * time.Minute)

	got, err := queues["eu-west-1"].ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	var n map[string]any
	require.NoError(t, json.Unmarshal([]byte(got.Messages[0].Body), &n))
	require.Equal(t, "busy", n["AlarmName"])
	require.Equal(t, "ALARM", n["NewStateValue"])
	require.Equal(t, "EU (Ireland)", n["Region"])
	require.Equal(t, "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:busy", n["AlarmArn"])

	none, err := queues["us-east-1"].ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Empty(t, none.Messages)
}

// A multi-Region trail created in us-east-1 is shadowed in eu-west-1; each
// Region delivers its own log files, under its own Region in the key layout,
// with its own digest chain signed by its own key, and both validate. Both
// Regions deliver to the trail's CloudWatch Logs group in the home Region.
func TestAccountMultiRegionTrail(t *testing.T) {
	a, clk := newTwoRegionAccount(t)
	us, eu := a.Region("us-east-1"), a.Region("eu-west-1")
	ctx := localwatch.WithIdentity(context.Background(), localwatch.Identity{Type: "IAMUser", UserName: "alice",
		ARN: "arn:aws:iam::123456789012:user/alice", AccountID: "123456789012", PrincipalID: "AIDAALICE", AccessKeyID: "AKIAALICE"})

	_, err := us.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "trail-events"})
	require.NoError(t, err)
	_, err = us.Trail.CreateTrail(ctx, trail.CreateTrailInput{Name: "org-audit", S3BucketName: "audit",
		IsMultiRegionTrail: trail.Bool(true), EnableLogFileValidation: trail.Bool(true),
		CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:trail-events:*",
		CloudWatchLogsRoleArn:     "arn:aws:iam::123456789012:role/ct"})
	require.NoError(t, err)
	_, err = us.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "org-audit"})
	require.NoError(t, err)

	shadow, err := eu.Trail.DescribeTrails(ctx, trail.DescribeTrailsInput{})
	require.NoError(t, err)
	require.Len(t, shadow.TrailList, 1)
	require.Equal(t, "us-east-1", shadow.TrailList[0].HomeRegion)

	for _, st := range []*localwatch.Stack{us, eu} {
		_, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop",
			MetricData: []metrics.MetricDatum{{MetricName: "Orders", Value: metrics.Float(1)}}})
		require.NoError(t, err)
		_, err = st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "t-" + st.Region})
		require.NoError(t, err)
	}
	clk.Advance(time.Hour + time.Minute)

	keys := map[string]string{}
	for _, st := range []*localwatch.Stack{us, eu} {
		list, err := st.Store.List(ctx, "audit", "AWSLogs/123456789012/CloudTrail/"+st.Region+"/")
		require.NoError(t, err)
		require.NotEmpty(t, list, st.Region)
		digests, err := st.Store.List(ctx, "audit", "AWSLogs/123456789012/CloudTrail-Digest/"+st.Region+"/")
		require.NoError(t, err)
		require.NotEmpty(t, digests, st.Region)

		rep, err := st.Trail.ValidateLogs(ctx, trail.ValidateLogsInput{TrailName: "org-audit", StartTime: acctStart})
		require.NoError(t, err)
		require.True(t, rep.OK(), st.Region)
		require.NotZero(t, rep.ValidLogs, st.Region)

		pk, err := st.Trail.ListPublicKeys(ctx, trail.ListPublicKeysInput{})
		require.NoError(t, err)
		require.Len(t, pk.PublicKeyList, 1)
		keys[st.Region] = pk.PublicKeyList[0].Fingerprint
	}
	require.NotEqual(t, keys["us-east-1"], keys["eu-west-1"], "each Region signs with its own key")

	// Both Regions' records reach the home Region's log group, one stream each.
	streams, err := us.Logs.DescribeLogStreams(ctx, logs.DescribeLogStreamsInput{LogGroupName: "trail-events"})
	require.NoError(t, err)
	var names []string
	for _, s := range streams.LogStreams {
		names = append(names, s.LogStreamName)
	}
	require.ElementsMatch(t, []string{"123456789012_CloudTrail_us-east-1", "123456789012_CloudTrail_eu-west-1"}, names)
	_, err = eu.Logs.DescribeLogStreams(ctx, logs.DescribeLogStreamsInput{LogGroupName: "trail-events"})
	require.ErrorIs(t, err, logs.ErrResourceNotFound)
}

// Global-service events (IAM here) made through any Region are recorded in
// us-east-1's event history, as AWS has done since November 2021.
func TestAccountGlobalServiceEventsLandInUSEast1(t *testing.T) {
	a, _ := newTwoRegionAccount(t)
	us, eu := a.Region("us-east-1"), a.Region("eu-west-1")
	ctx := localwatch.WithIdentity(context.Background(), localwatch.Identity{Type: "IAMUser", UserName: "bob",
		ARN: "arn:aws:iam::123456789012:user/bob", AccountID: "123456789012", PrincipalID: "AIDABOB"})
	_, err := eu.Trail.RecordEvent(ctx, trail.RecordEventInput{EventSource: "iam.amazonaws.com", EventName: "CreateUser",
		RequestParameters: map[string]any{"userName": "carol"}})
	require.NoError(t, err)
	_, err = eu.Trail.RecordEvent(ctx, trail.RecordEventInput{EventSource: "ec2.amazonaws.com", EventName: "RunInstances"})
	require.NoError(t, err)

	lookup := func(st *localwatch.Stack) []string {
		out, err := st.Trail.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: "Username", AttributeValue: "bob"}}})
		require.NoError(t, err)
		var names []string
		for _, e := range out.Events {
			names = append(names, e.EventName)
			var rec map[string]any
			require.NoError(t, json.Unmarshal([]byte(e.CloudTrailEvent), &rec))
			require.Equal(t, st.Region, rec["awsRegion"])
		}
		return names
	}
	require.Equal(t, []string{"CreateUser"}, lookup(us))
	require.Equal(t, []string{"RunInstances"}, lookup(eu))
}

func TestRunWithEachClock(t *testing.T) {
	st := localwatch.New(localwatch.Options{Clock: localwatch.NewManualClock(acctStart)})
	defer st.Close()
	require.ErrorIs(t, st.Run(context.Background()), localwatch.ErrManualClock)

	// The default clock is a LoopClock: scheduled work runs on Run's goroutine.
	st2 := localwatch.New(localwatch.Options{})
	defer st2.Close()
	loop, ok := st2.Clock.(*localwatch.LoopClock)
	require.True(t, ok)
	ctx, cancel := context.WithCancel(context.Background())
	loop.AfterFunc(0, cancel)
	require.ErrorIs(t, st2.Run(ctx), context.Canceled)

	// With the real clock, Run waits for ctx.
	st3 := localwatch.New(localwatch.Options{Clock: localwatch.RealClock{}})
	defer st3.Close()
	ctx3, cancel3 := context.WithCancel(context.Background())
	cancel3()
	require.ErrorIs(t, st3.Run(ctx3), context.Canceled)
}

func TestLoggerSeesStateChangesRejectedCallsAndFailedHandlers(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clk := localwatch.NewManualClock(acctStart)
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1, Logger: log})
	defer st.Close()
	ctx := context.Background()
	localwatch.Subscribe(st, "broken", func(context.Context, alarms.StateChange) error { return errors.New("boom") })
	_, err := st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "quiet", Namespace: "Shop",
		MetricName: "Orders", Statistic: metrics.StatSum, Period: 60, EvaluationPeriods: 1, Threshold: metrics.Float(1),
		ComparisonOperator: alarms.GreaterThanOrEqualToThreshold, TreatMissingData: alarms.TreatNotBreaching})
	require.NoError(t, err)
	_, err = st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "AWS/EC2",
		MetricData: []metrics.MetricDatum{{MetricName: "x", Value: metrics.Float(1)}}})
	require.Error(t, err)
	clk.Advance(2 * time.Minute)

	out := buf.String()
	require.Contains(t, out, `msg="alarm state change" alarm=quiet`)
	require.Contains(t, out, "to=OK")
	require.Contains(t, out, `msg="API call rejected" source=monitoring.amazonaws.com name=PutMetricData`)
	require.Contains(t, out, `subscriber \"broken\" failed`)
	require.Equal(t, 1, strings.Count(out, "alarm state change"))
}

func TestAccountSharesTheStore(t *testing.T) {
	store := &objstore.Memory{}
	a, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(acctStart), Store: store,
		Regions: []string{"eu-west-1", "us-east-1"}})
	require.NoError(t, err)
	defer a.Close()
	for _, r := range a.Regions() {
		require.Same(t, store, a.Region(r).Store)
		require.Same(t, a, a.Region(r).Account())
	}
	a.Close()
	a.Close() // idempotent
}

// Outside us-east-1, a one-Region stack keeps no global-service events: AWS
// records them in us-east-1.
func TestGlobalServiceEventOutsideUSEast1WithoutUSEast1(t *testing.T) {
	st := localwatch.New(localwatch.Options{Clock: localwatch.NewManualClock(acctStart), Region: "eu-west-1"})
	defer st.Close()
	ctx := context.Background()
	out, err := st.Trail.RecordEvent(ctx, trail.RecordEventInput{EventSource: "sts.amazonaws.com", EventName: "GetCallerIdentity", ReadOnly: true})
	require.NoError(t, err)
	require.Nil(t, out.Record)
	got, err := st.Trail.LookupEvents(ctx, trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{{AttributeKey: "EventSource", AttributeValue: "sts.amazonaws.com"}}})
	require.NoError(t, err)
	require.Empty(t, got.Events)
}

// CloudTrail does not log the metric queries of alarm evaluations; the
// actions they take (the SNS publish) and users' own queries are logged.
func TestAlarmEvaluationQueriesAreNotLogged(t *testing.T) {
	st := localwatchtest.NewStack(t, localwatch.Options{Clock: localwatch.NewManualClock(acctStart)})
	recorded := localwatchtest.Record[localwatch.APICall](t, st)
	ctx := context.Background()
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "alerts"})
	require.NoError(t, err)
	_, err = st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "busy", Namespace: "Shop",
		MetricName: "Orders", Statistic: metrics.StatSum, Period: 60, EvaluationPeriods: 1, Threshold: metrics.Float(1),
		ComparisonOperator: alarms.GreaterThanOrEqualToThreshold, AlarmActions: []string{topic.TopicArn}})
	require.NoError(t, err)
	_, err = st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop",
		MetricData: []metrics.MetricDatum{{MetricName: "Orders", Value: metrics.Float(5)}}})
	require.NoError(t, err)
	st.Advance(10 * time.Minute)
	_, err = st.Metrics.GetMetricData(ctx, metrics.GetMetricDataInput{StartTime: acctStart, EndTime: st.Now(),
		MetricDataQueries: []metrics.MetricDataQuery{{Id: "m", MetricStat: &metrics.MetricStat{
			Metric: metrics.Metric{Namespace: "Shop", MetricName: "Orders"}, Period: 60, Stat: "Sum"}}}})
	require.NoError(t, err)
	var calls []string
	for _, c := range recorded.Events() {
		calls = append(calls, c.EventSource+" "+c.EventName)
	}
	require.Equal(t, []string{
		"sns.amazonaws.com CreateTopic",
		"monitoring.amazonaws.com PutMetricAlarm",
		"monitoring.amazonaws.com PutMetricData",
		"sns.amazonaws.com Publish",
		"monitoring.amazonaws.com GetMetricData",
	}, calls)
}

func TestStackCloseClosesItsRegionOnly(t *testing.T) {
	clk := localwatch.NewManualClock(acctStart)
	a, err := localwatch.NewAccount(localwatch.Options{Clock: clk, Regions: []string{"us-east-1", "eu-west-1"}})
	require.NoError(t, err)
	defer a.Close()
	before := clk.Pending()
	a.Region("eu-west-1").Close()
	a.Region("eu-west-1").Close() // idempotent
	afterOne := clk.Pending()
	require.Less(t, afterOne, before)
	require.Positive(t, afterOne, "us-east-1 keeps its schedules")
	calls := localwatchtest.Record[localwatch.APICall](t, a)
	_, err = a.Region("us-east-1").Metrics.ListMetrics(context.Background(), metrics.ListMetricsInput{})
	require.NoError(t, err)
	require.Equal(t, 1, calls.Len(), "Subscribe on the account sees the calls of its Regions")
	a.Close()
	require.Zero(t, clk.Pending())
}

func TestSNSEndpointAndSeededSigning(t *testing.T) {
	run := func() string {
		a, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(acctStart), IDSeed: 3,
			Regions: []string{"eu-west-1"}, SNSEndpoint: "http://127.0.0.1:8080/sns/{region}"})
		require.NoError(t, err)
		defer a.Close()
		st := a.Region("eu-west-1")
		ctx := context.Background()
		topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "t"})
		require.NoError(t, err)
		q, err := st.SNS.CreateQueue("q")
		require.NoError(t, err)
		qarn := q.ARN()
		_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn})
		require.NoError(t, err)
		require.NoError(t, localwatch.Publish(ctx, st, localwatch.Notification{TopicARN: topic.TopicArn, Message: "hello"}))
		got, err := q.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 1})
		require.NoError(t, err)
		require.Len(t, got.Messages, 1)
		return got.Messages[0].Body
	}
	body := run()
	var env map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	require.True(t, strings.HasPrefix(env["SigningCertURL"], "http://127.0.0.1:8080/sns/eu-west-1"), env["SigningCertURL"])
	require.True(t, strings.HasPrefix(env["UnsubscribeURL"], "http://127.0.0.1:8080/sns/eu-west-1"), env["UnsubscribeURL"])
	require.Equal(t, "hello", env["Message"])
	require.Equal(t, body, run(), "same seed, same envelope, signature included")
}

// Services built on their own share a bare Bus, which Subscribe and Publish
// take too.
func TestSubscribeOnABareBus(t *testing.T) {
	b := new(localwatch.Bus)
	svc := metrics.New(metrics.Options{Clock: localwatch.NewManualClock(acctStart), Bus: b, IDs: localwatch.NewIDSource(1)})
	defer svc.Close()
	calls := localwatchtest.Record[localwatch.APICall](t, b)
	require.NoError(t, localwatch.Publish(context.Background(), b, metrics.DataEvent{Input: metrics.PutMetricDataInput{
		Namespace: "Shop", MetricData: []metrics.MetricDatum{{MetricName: "Orders", Value: metrics.Float(1)}}}}))
	out, err := svc.ListMetrics(context.Background(), metrics.ListMetricsInput{})
	require.NoError(t, err)
	require.Len(t, out.Metrics, 1)
	var names []string
	for _, c := range calls.Events() {
		names = append(names, c.EventName)
	}
	require.Equal(t, []string{"PutMetricData", "ListMetrics"}, names)
}

// An assumed-role caller is recorded with AWS's userIdentity: the sts ARN,
// the session issuer, and the session attributes.
func TestAssumedRoleRecord(t *testing.T) {
	st := localwatchtest.NewStack(t, localwatch.Options{Clock: localwatch.NewManualClock(acctStart)})
	id := localwatch.AssumedRole("123456789012", "deploy", "ci-42", "ASIAEXAMPLE")
	id.SessionCreated = acctStart.Add(-10 * time.Minute)
	_, err := st.SNS.CreateTopic(localwatch.WithIdentity(context.Background(), id), sns.CreateTopicInput{Name: "t"})
	require.NoError(t, err)
	out, err := st.Trail.LookupEvents(context.Background(), trail.LookupEventsInput{LookupAttributes: []trail.LookupAttribute{
		{AttributeKey: "Username", AttributeValue: "ci-42"}}})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	var rec struct {
		UserIdentity json.RawMessage `json:"userIdentity"`
	}
	require.NoError(t, json.Unmarshal([]byte(out.Events[0].CloudTrailEvent), &rec))
	require.JSONEq(t, `{"type":"AssumedRole","principalId":"`+id.PrincipalID+`",
		"arn":"arn:aws:sts::123456789012:assumed-role/deploy/ci-42","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE",
		"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"`+id.SessionIssuer.PrincipalID+`",
			"arn":"arn:aws:iam::123456789012:role/deploy","accountId":"123456789012","userName":"deploy"},
			"attributes":{"creationDate":"2026-11-25T11:50:00Z","mfaAuthenticated":"false"}}}`, string(rec.UserIdentity))
}

// The embedding pattern under the race detector: Run drives scheduled work on
// its goroutine while several goroutines call the services.
func TestRunWithConcurrentCallers(t *testing.T) {
	st := localwatch.New(localwatch.Options{IDSeed: 9})
	defer st.Close()
	loop := st.Clock.(*localwatch.LoopClock)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Scheduled work of our own on the loop, reading what the callers write.
	var ticks int
	var tick func()
	tick = func() {
		ticks++
		if _, err := st.Metrics.ListMetrics(ctx, metrics.ListMetricsInput{Namespace: "Load"}); err != nil {
			t.Error(err)
		}
		st.Logs.FlushMetrics(ctx)
		if ctx.Err() == nil {
			loop.AfterFunc(time.Millisecond, tick)
		}
	}
	loop.AfterFunc(0, tick)
	runErr := make(chan error, 1)
	go func() { runErr <- st.Run(ctx) }()

	_, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "g"})
	require.NoError(t, err)
	_, err = st.Logs.PutMetricFilter(ctx, logs.PutMetricFilterInput{LogGroupName: "g", FilterName: "errors", FilterPattern: "ERROR",
		MetricTransformations: []logs.MetricTransformation{{MetricName: "Errors", MetricNamespace: "Load", MetricValue: "1"}}})
	require.NoError(t, err)
	errs := make(chan error, 64)
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			stream := fmt.Sprintf("w%d", w)
			if _, err := st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "g", LogStreamName: stream}); err != nil {
				errs <- err
				return
			}
			for i := range 50 {
				now := st.Clock.Now()
				if _, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Load", MetricData: []metrics.MetricDatum{
					{MetricName: "Work", Dimensions: []metrics.Dimension{{Name: "Worker", Value: stream}}, Value: metrics.Float(float64(i))}}}); err != nil {
					errs <- err
				}
				if _, err := st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "g", LogStreamName: stream,
					LogEvents: []logs.InputLogEvent{{Timestamp: now.UnixMilli(), Message: "ERROR " + stream}}}); err != nil {
					errs <- err
				}
				if _, err := st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: stream, Namespace: "Load", MetricName: "Work",
					Dimensions: []metrics.Dimension{{Name: "Worker", Value: stream}}, Statistic: metrics.StatMaximum, Period: 10,
					EvaluationPeriods: 1, Threshold: metrics.Float(25), ComparisonOperator: alarms.GreaterThanThreshold}); err != nil {
					errs <- err
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	cancel()
	require.ErrorIs(t, <-runErr, context.Canceled)
	require.Positive(t, ticks)
	out, err := st.Alarms.DescribeAlarms(context.Background(), alarms.DescribeAlarmsInput{})
	require.NoError(t, err)
	require.Len(t, out.MetricAlarms, 4)
	st.Logs.FlushMetrics(context.Background())
	stats, err := st.Metrics.GetMetricStatistics(context.Background(), metrics.GetMetricStatisticsInput{Namespace: "Load", MetricName: "Errors",
		StartTime: st.Clock.Now().Add(-time.Hour), EndTime: st.Clock.Now().Add(time.Minute), Period: 3600, Statistics: []metrics.Statistic{metrics.StatSum}})
	require.NoError(t, err)
	var sum float64
	for _, d := range stats.Datapoints {
		sum += *d.Sum
	}
	require.Equal(t, 200.0, sum, "every ERROR line counted once by the metric filter")
}
