package localwatch_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endpoint is an HTTP subscriber that checks every POST as an application
// would with an SNS message validator: it parses the message, checks the
// SigningCertURL, fetches the certificate (from the application's server of
// st.SNS.Handler(), standing in for AWS's host) and verifies the signature
// with the sns package's verifier.
type endpoint struct {
	srv     *httptest.Server
	handler *httptest.Server
	mu      sync.Mutex
	certs   map[string]*x509.Certificate
	msgs    []*sns.Envelope
	hdrs    []http.Header
	bad     []error
}

func newEndpoint(t *testing.T, handler *httptest.Server) *endpoint {
	e := &endpoint{handler: handler, certs: map[string]*x509.Certificate{}}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		env, err := e.verify(body)
		e.mu.Lock()
		defer e.mu.Unlock()
		if err != nil {
			e.bad = append(e.bad, err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		e.msgs = append(e.msgs, env)
		e.hdrs = append(e.hdrs, r.Header.Clone())
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *endpoint) verify(body []byte) (*sns.Envelope, error) {
	env, err := sns.ParseEnvelope(body)
	if err != nil {
		return nil, err
	}
	if err := sns.CheckSigningCertURL(env.SigningCertURL, nil, false); err != nil {
		return nil, err
	}
	e.mu.Lock()
	cert := e.certs[env.SigningCertURL]
	e.mu.Unlock()
	if cert == nil {
		resp, err := http.Get(onHandler(e.handler, env.SigningCertURL))
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		block, _ := pem.Decode(b)
		if resp.StatusCode != http.StatusOK || block == nil {
			return nil, fmt.Errorf("fetching %s: %s %q", env.SigningCertURL, resp.Status, b)
		}
		if cert, err = x509.ParseCertificate(block.Bytes); err != nil {
			return nil, err
		}
		e.mu.Lock()
		e.certs[env.SigningCertURL] = cert
		e.mu.Unlock()
	}
	return env, sns.Verify(env, cert)
}

// onHandler points one of SNS's URLs (SubscribeURL, SigningCertURL) at the
// application's server of st.SNS.Handler() instead of AWS's host.
func onHandler(handler *httptest.Server, u string) string {
	return strings.Replace(u, "https://sns.us-east-1.amazonaws.com", handler.URL, 1)
}

// confirmVia visits a SubscriptionConfirmation's SubscribeURL on the SNS
// handler server instead of AWS's host.
func confirmVia(t *testing.T, handler *httptest.Server, env *sns.Envelope) {
	t.Helper()
	u := onHandler(handler, env.SubscribeURL)
	require.NotEqual(t, env.SubscribeURL, u)
	resp, err := http.Get(u)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Contains(t, string(body), "<ConfirmSubscriptionResponse")
}

func TestScenarioLogsToMetricToAlarmToSNS(t *testing.T) {
	sc := newScenario(t)
	st, ctx := sc.st, sc.alice
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops"})
	require.NoError(t, err)
	handler := httptest.NewServer(st.SNS.Handler())
	t.Cleanup(handler.Close)
	ep := newEndpoint(t, handler)
	url := ep.srv.URL + "/sns"
	sub, err := st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "http", Endpoint: url})
	require.NoError(t, err)
	require.Equal(t, "pending confirmation", sub.SubscriptionArn)
	require.NoError(t, st.Settle(ctx))
	require.Len(t, ep.msgs, 1)
	confirmVia(t, handler, ep.msgs[0])

	queue, err := st.SNS.CreateQueue("ops-inbox")
	require.NoError(t, err)
	qarn := queue.ARN()
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: qarn})
	require.NoError(t, err)
	var fnEvents []sns.LambdaEvent
	farn := st.SNS.RegisterFunction("on-alarm", func(_ context.Context, ev sns.LambdaEvent) error {
		fnEvents = append(fnEvents, ev)
		return nil
	})
	_, err = st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "lambda", Endpoint: farn})
	require.NoError(t, err)

	_, err = st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: "/app/web"})
	require.NoError(t, err)
	_, err = st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: "/app/web", LogStreamName: "web-1"})
	require.NoError(t, err)
	_, err = st.Logs.PutMetricFilter(ctx, logs.PutMetricFilterInput{LogGroupName: "/app/web", FilterName: "5xx",
		FilterPattern:         `{ $.status >= 500 }`,
		MetricTransformations: []logs.MetricTransformation{{MetricName: "ServerErrors", MetricNamespace: "App", MetricValue: "1", DefaultValue: metrics.Float(0)}}})
	require.NoError(t, err)
	var changes []alarms.StateChange
	st.Alarms.OnStateChange(func(c alarms.StateChange) { changes = append(changes, c) })
	_, err = st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "server-errors", AlarmDescription: "5xx burst",
		Namespace: "App", MetricName: "ServerErrors", Statistic: metrics.StatSum, Period: 60, EvaluationPeriods: 1,
		Threshold: metrics.Float(3), ComparisonOperator: alarms.GreaterThanOrEqualToThreshold, TreatMissingData: "notBreaching",
		AlarmActions: []string{topic.TopicArn}, OKActions: []string{topic.TopicArn}})
	require.NoError(t, err)
	sc.clk.Advance(time.Minute + 10*time.Second) // 10:02:10
	var evs []logs.InputLogEvent
	for i, status := range []int{500, 200, 503, 502, 500} {
		evs = append(evs, logs.InputLogEvent{Timestamp: sc.clk.Now().Add(time.Duration(i) * time.Second).UnixMilli(),
			Message: fmt.Sprintf(`{"path":"/cart","status":%d}`, status)})
	}
	_, err = st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: "/app/web", LogStreamName: "web-1", LogEvents: evs})
	require.NoError(t, err)
	// The metric filter publishes each minute; the alarm evaluates each
	// minute and sees the 10:02 minute at 10:03.
	sc.clk.Advance(50 * time.Second) // 10:03:00
	stats, err := st.Metrics.GetMetricStatistics(ctx, metrics.GetMetricStatisticsInput{Namespace: "App", MetricName: "ServerErrors",
		StartTime: scenarioStart, EndTime: sc.clk.Now(), Period: 60, Statistics: []metrics.Statistic{metrics.StatSum, metrics.StatSampleCount}})
	require.NoError(t, err)
	require.Len(t, stats.Datapoints, 1)
	assert.Equal(t, scenarioStart.Add(time.Minute), stats.Datapoints[0].Timestamp)
	assert.Equal(t, 4.0, *stats.Datapoints[0].Sum, "four 5xx events, each counting 1")
	assert.Equal(t, 5.0, *stats.Datapoints[0].SampleCount, "the 200 counts as the default value 0")

	// No more errors. The 10:02 datapoint stays in the evaluation range (N+2
	// periods) until 10:06, when the range holds only missing data, treated
	// as notBreaching: back to OK.
	sc.clk.Advance(3 * time.Minute)

	t0 := scenarioStart
	assert.Equal(t, []stateChange{
		{"INSUFFICIENT_DATA", "OK", t0},
		{"OK", "ALARM", t0.Add(2 * time.Minute)},
		{"ALARM", "OK", t0.Add(5 * time.Minute)},
	}, transitions(changes))
	assert.Equal(t, "Threshold Crossed: 1 datapoint [4.0 (25/11/26 10:02:00)] was greater than or equal to the threshold (3.0).", changes[1].StateReason)
	assert.JSONEq(t, `{"version":"1.0","queryDate":"2026-11-25T10:03:00.000+0000","startDate":"2026-11-25T10:02:00.000+0000","statistic":"Sum","period":60,"recentDatapoints":[4.0],"threshold":3.0,"evaluatedDatapoints":[{"timestamp":"2026-11-25T10:02:00.000+0000","sampleCount":5.0,"value":4.0}]}`, changes[1].StateReasonData)

	// The state-change history, oldest first.
	hist, err := st.Alarms.DescribeAlarmHistory(ctx, alarms.DescribeAlarmHistoryInput{AlarmName: "server-errors", HistoryItemType: alarms.HistoryStateUpdate, ScanBy: alarms.ScanByTimestampAscending})
	require.NoError(t, err)
	var summaries []string
	for _, it := range hist.AlarmHistoryItems {
		summaries = append(summaries, it.Timestamp.Format("15:04:05 ")+it.HistorySummary)
	}
	assert.Equal(t, []string{"10:01:00 Alarm updated from INSUFFICIENT_DATA to OK", "10:03:00 Alarm updated from OK to ALARM", "10:06:00 Alarm updated from ALARM to OK"}, summaries)
	acts, err := st.Alarms.DescribeAlarmHistory(ctx, alarms.DescribeAlarmHistoryInput{AlarmName: "server-errors", HistoryItemType: alarms.HistoryAction})
	require.NoError(t, err)
	require.Len(t, acts.AlarmHistoryItems, 3)
	assert.Equal(t, "Successfully executed action arn:aws:sns:us-east-1:123456789012:ops", acts.AlarmHistoryItems[0].HistorySummary)

	// HTTP endpoint: the confirmation and three notifications, every one
	// signed and verified.
	require.NoError(t, st.Settle(ctx))
	ep.mu.Lock()
	defer ep.mu.Unlock()
	require.Empty(t, ep.bad)
	require.Len(t, ep.msgs, 4)
	assert.Len(t, ep.certs, 1, "one signing certificate, fetched from its SigningCertURL")
	wantSubjects := []string{`OK: "server-errors" in US East (N. Virginia)`, `ALARM: "server-errors" in US East (N. Virginia)`, `OK: "server-errors" in US East (N. Virginia)`}
	for i, m := range ep.msgs[1:] {
		assert.Equal(t, sns.TypeNotification, m.Type)
		assert.Equal(t, topic.TopicArn, m.TopicArn)
		assert.Equal(t, wantSubjects[i], m.Subject)
		assert.Equal(t, "1", m.SignatureVersion)
		h := ep.hdrs[i+1]
		assert.Equal(t, "Notification", h.Get("x-amz-sns-message-type"))
		assert.Equal(t, m.MessageId, h.Get("x-amz-sns-message-id"))
		assert.Equal(t, topic.TopicArn, h.Get("x-amz-sns-topic-arn"))
		assert.Regexp(t, `^arn:aws:sns:us-east-1:123456789012:ops:[0-9a-f-]{36}$`, h.Get("x-amz-sns-subscription-arn"))
		assert.Equal(t, "text/plain; charset=UTF-8", h.Get("Content-Type"))
		assert.Equal(t, "Amazon Simple Notification Service Agent", h.Get("User-Agent"))
	}
	alarm := ep.msgs[2]
	assert.Equal(t, "2026-11-25T10:03:00.000Z", alarm.Timestamp)
	n := jsonMap(t, []byte(alarm.Message))
	assert.Equal(t, "server-errors", n["AlarmName"])
	assert.Equal(t, "5xx burst", n["AlarmDescription"])
	assert.Equal(t, account, n["AWSAccountId"])
	assert.Equal(t, "2026-11-25T10:01:00.000+0000", n["AlarmConfigurationUpdatedTimestamp"])
	assert.Equal(t, "ALARM", n["NewStateValue"])
	assert.Equal(t, "OK", n["OldStateValue"])
	assert.Equal(t, changes[1].StateReason, n["NewStateReason"])
	assert.Equal(t, "2026-11-25T10:03:00.000+0000", n["StateChangeTime"])
	assert.Equal(t, "US East (N. Virginia)", n["Region"])
	assert.Equal(t, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:server-errors", n["AlarmArn"])
	assert.Equal(t, []any{topic.TopicArn}, n["AlarmActions"])
	assert.Equal(t, []any{topic.TopicArn}, n["OKActions"])
	assert.Equal(t, []any{}, n["InsufficientDataActions"])
	assert.Equal(t, map[string]any{"MetricName": "ServerErrors", "Namespace": "App", "StatisticType": "Statistic", "Statistic": "SUM",
		"Unit": nil, "Dimensions": []any{}, "Period": 60.0, "EvaluationPeriods": 1.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
		"Threshold": 3.0, "TreatMissingData": "notBreaching", "EvaluateLowSampleCountPercentile": ""}, n["Trigger"])
	assert.Contains(t, alarm.Message, `"Threshold":3.0,`, "CloudWatch writes the threshold as a Java double")

	// Queue: the same three notifications as SNS JSON envelopes, in order,
	// with the same message IDs and bodies, each verifying.
	cert, err := st.SNS.SigningCertificate()
	require.NoError(t, err)
	out, err := queue.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Len(t, out.Messages, 3)
	for i, qm := range out.Messages {
		env, err := sns.VerifyJSON([]byte(qm.Body), cert)
		require.NoError(t, err)
		assert.Equal(t, ep.msgs[i+1].MessageId, env.MessageId)
		assert.Equal(t, ep.msgs[i+1].Message, env.Message)
		assert.Equal(t, ep.msgs[i+1].Subject, env.Subject)
		assert.Equal(t, ep.msgs[i+1].Timestamp, env.Timestamp)
	}

	// Go function: Lambda's event for each notification.
	require.Len(t, fnEvents, 3)
	for i, ev := range fnEvents {
		require.Len(t, ev.Records, 1)
		r := ev.Records[0]
		assert.Equal(t, "aws:sns", r.EventSource)
		assert.Equal(t, "1.0", r.EventVersion)
		assert.Equal(t, ep.msgs[i+1].MessageId, r.Sns.MessageId)
		assert.Equal(t, ep.msgs[i+1].Message, r.Sns.Message)
		require.NotNil(t, r.Sns.Subject)
		assert.Equal(t, wantSubjects[i], *r.Sns.Subject)
		require.NoError(t, sns.Verify(r.Sns.Envelope(), cert))
	}
}

type stateChange struct {
	Old, New string
	At       time.Time
}

func transitions(cs []alarms.StateChange) []stateChange {
	var out []stateChange
	for _, c := range cs {
		out = append(out, stateChange{string(c.OldState), string(c.NewState), c.Time})
	}
	return out
}
