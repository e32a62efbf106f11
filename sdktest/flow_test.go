package sdktest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/awsapi"
	lwsns "github.com/localwatch/localwatch/sns"
)

// verifiedMessage is an SNS message an endpoint received and verified.
type verifiedMessage struct {
	env *lwsns.Envelope
	err error
}

// verifyingEndpoint is an HTTP/S subscriber as a user writes one: it gets
// the certificate of the SigningCertURL (with certFor: fetchCert fetches it),
// checks the signature, and hands the message on.
func verifyingEndpoint(t *testing.T, certFor func(url string) (*x509.Certificate, error)) (*httptest.Server, <-chan verifiedMessage) {
	got := make(chan verifiedMessage, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			got <- verifiedMessage{err: err}
			return
		}
		env, err := lwsns.ParseEnvelope(body)
		if err == nil {
			var cert *x509.Certificate
			if cert, err = certFor(env.SigningCertURL); err == nil {
				err = lwsns.Verify(env, cert)
			}
		}
		if err == nil && r.Header.Get("x-amz-sns-message-type") != env.Type {
			err = &headerMismatch{r.Header.Get("x-amz-sns-message-type"), env.Type}
		}
		got <- verifiedMessage{env: env, err: err}
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

type headerMismatch struct{ header, body string }

func (h *headerMismatch) Error() string {
	return "x-amz-sns-message-type " + h.header + " but the body's Type is " + h.body
}

func fetchCert(url string) (*x509.Certificate, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, io.ErrUnexpectedEOF
	}
	return x509.ParseCertificate(block.Bytes)
}

// receive has the account send its queued HTTP/S deliveries (on a manual
// clock SNS POSTs only when settled: Account.Settle) and waits for the next
// message the endpoint verified.
func receive(t *testing.T, e *env, ch <-chan verifiedMessage) *lwsns.Envelope {
	t.Helper()
	require.NoError(t, e.acct.Settle(ctx))
	select {
	case m := <-ch:
		require.NoError(t, m.err, "the message's signature verifies")
		return m.env
	case <-time.After(10 * time.Second): // a bound on a hang, not a timing assertion
		t.Fatal("no SNS message reached the endpoint")
		return nil
	}
}

// TestAlarmToSNSToHTTPEndpointThroughTheSDK is the whole flow on the manual
// clock: SDK PutMetricAlarm and PutMetricData, the clock moves, the alarm
// fires, SNS POSTs a signed notification to an HTTP endpoint that verifies
// it; and every SDK call is in CloudTrail's event history with who made it.
func TestAlarmToSNSToHTTPEndpointThroughTheSDK(t *testing.T) {
	// SNS's SubscribeURL and SigningCertURL point at a server for the
	// Region's sns.Service.Handler, as cmd/localwatch serves it.
	var snsHandler http.Handler
	snsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { snsHandler.ServeHTTP(w, r) }))
	defer snsSrv.Close()
	e := newEnv(t, func(o *localwatch.Options, _ *awsapi.Options) { o.SNSEndpoint = snsSrv.URL })
	snsHandler = e.stack.SNS.Handler()
	endpointSrv, messages := verifyingEndpoint(t, fetchCert)

	topic, err := e.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("pager")})
	require.NoError(t, err)
	_, err = e.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("http"), Endpoint: aws.String(endpointSrv.URL + "/hook")})
	require.NoError(t, err)
	confirmation := receive(t, e, messages)
	require.Equal(t, "SubscriptionConfirmation", confirmation.Type)
	require.True(t, strings.HasPrefix(confirmation.SubscribeURL, snsSrv.URL+"/?Action=ConfirmSubscription"), confirmation.SubscribeURL)
	resp, err := http.Get(confirmation.SubscribeURL) // what the endpoint's owner does
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	alarm, err := e.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("high-latency"),
		Namespace: aws.String("App"), MetricName: aws.String("Latency"), Statistic: cwtypes.StatisticMaximum,
		Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(100),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{aws.ToString(topic.TopicArn)}})
	require.NoError(t, err)
	_, err = e.cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []cwtypes.MetricDatum{
		{MetricName: aws.String("Latency"), Value: aws.Float64(450), Unit: cwtypes.StandardUnitMilliseconds, Timestamp: aws.Time(e.clock.Now())}}})
	require.NoError(t, err)

	e.clock.Advance(2 * time.Minute)

	n := receive(t, e, messages)
	assert.Equal(t, "Notification", n.Type)
	assert.Equal(t, `ALARM: "high-latency" in US East (N. Virginia)`, n.Subject)
	var body struct{ AlarmName, NewStateValue, OldStateValue string }
	require.NoError(t, json.Unmarshal([]byte(n.Message), &body))
	assert.Equal(t, "high-latency", body.AlarmName)
	assert.Equal(t, "ALARM", body.NewStateValue)
	d, err := e.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"high-latency"}})
	require.NoError(t, err)
	assert.Equal(t, cwtypes.StateValueAlarm, d.MetricAlarms[0].StateValue)

	// The SDK's PutMetricAlarm is in the event history, with alice's identity,
	// the SDK's User-Agent and the request ID the response carried.
	requestID, ok := awsmiddleware.GetRequestIDMetadata(alarm.ResultMetadata)
	require.True(t, ok, "x-amzn-RequestId came back")
	rec := lookupOne(t, e, "PutMetricAlarm")
	assert.Equal(t, requestID, rec.RequestID)
	assert.Equal(t, "monitoring.amazonaws.com", rec.EventSource)
	assert.Equal(t, "IAMUser", rec.UserIdentity.Type)
	assert.Equal(t, "alice", rec.UserIdentity.UserName)
	assert.Equal(t, accessKey, rec.UserIdentity.AccessKeyID)
	assert.Equal(t, "arn:aws:iam::123456789012:user/alice", rec.UserIdentity.ARN)
	assert.Contains(t, rec.UserAgent, "aws-sdk-go-v2")
	assert.Equal(t, "127.0.0.1", rec.SourceIPAddress, "the in-process transport's client address")
	assert.Equal(t, "high-latency", rec.RequestParameters["alarmName"])
}

// trailRecord is the part of a CloudTrail record the tests check.
type trailRecord struct {
	EventSource       string         `json:"eventSource"`
	EventName         string         `json:"eventName"`
	RequestID         string         `json:"requestID"`
	UserAgent         string         `json:"userAgent"`
	SourceIPAddress   string         `json:"sourceIPAddress"`
	RequestParameters map[string]any `json:"requestParameters"`
	UserIdentity      struct {
		Type, ARN, UserName string
		AccessKeyID         string `json:"accessKeyId"`
		SessionContext      *struct {
			SessionIssuer struct{ UserName string } `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
}

// lookupOne finds the newest event named name through the SDK's LookupEvents.
func lookupOne(t *testing.T, e *env, name string) trailRecord {
	t.Helper()
	out, err := e.trail.LookupEvents(ctx, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(1), LookupAttributes: []cttypes.LookupAttribute{
		{AttributeKey: cttypes.LookupAttributeKeyEventName, AttributeValue: aws.String(name)}}})
	require.NoError(t, err)
	require.Len(t, out.Events, 1, "LookupEvents finds %s", name)
	var rec trailRecord
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(out.Events[0].CloudTrailEvent)), &rec))
	assert.Equal(t, name, rec.EventName)
	return rec
}

// TestCallsAreRecordedWithTheAccessKeysIdentity checks that the identity an
// access key maps to — an assumed role here — is the userIdentity CloudTrail
// records, and that any other key is taken as an IAM user of the account.
func TestCallsAreRecordedWithTheAccessKeysIdentity(t *testing.T) {
	e := newEnv(t, func(_ *localwatch.Options, a *awsapi.Options) {
		a.Credentials["ASIAROLEEXAMPLE"] = awsapi.Credential{SecretAccessKey: "rolesecret",
			Identity: localwatch.AssumedRole(account, "deploy", "ci-7", "ASIAROLEEXAMPLE")}
	})
	roleLogs := cloudwatchlogs.NewFromConfig(sdkConfig(e.handler, "ASIAROLEEXAMPLE", "rolesecret"))
	out, err := roleLogs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("deploys")})
	require.NoError(t, err)
	rec := lookupOne(t, e, "CreateLogGroup")
	assert.Equal(t, "AssumedRole", rec.UserIdentity.Type)
	assert.Equal(t, "arn:aws:sts::123456789012:assumed-role/deploy/ci-7", rec.UserIdentity.ARN)
	require.NotNil(t, rec.UserIdentity.SessionContext)
	assert.Equal(t, "deploy", rec.UserIdentity.SessionContext.SessionIssuer.UserName)
	id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	assert.Equal(t, id, rec.RequestID)

	anyKey := sns.NewFromConfig(sdkConfig(e.handler, "AKIAANYKEY", "anything"))
	_, err = anyKey.ListTopics(ctx, &sns.ListTopicsInput{})
	require.NoError(t, err, "without Strict any key is accepted")
	rec = lookupOne(t, e, "ListTopics")
	assert.Equal(t, "IAMUser", rec.UserIdentity.Type)
	assert.Equal(t, "AKIAANYKEY", rec.UserIdentity.AccessKeyID)
}

// TestStrictModeThroughTheSDK checks that in strict mode the SDK's correctly
// signed calls pass and a wrong secret or an unknown key get AWS's errors.
func TestStrictModeThroughTheSDK(t *testing.T) {
	// Strict mode checks the signing time against the stack's clock, and the
	// SDK signs with the wall clock: start the manual clock at the wall.
	wall := time.Now().UTC().Truncate(time.Second)
	e := newEnv(t, func(o *localwatch.Options, a *awsapi.Options) {
		o.Clock = localwatch.NewManualClock(wall)
		a.Strict = true
	})
	_, err := e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	require.NoError(t, err)

	wrong := cloudwatchlogs.NewFromConfig(sdkConfig(e.handler, accessKey, "not-the-secret"))
	_, err = wrong.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	assertAPIError(t, err, "InvalidSignatureException", "SignatureDoesNotMatch")

	unknown := cloudwatch.NewFromConfig(sdkConfig(e.handler, "AKIAUNKNOWN", "x"))
	_, err = unknown.ListMetrics(ctx, &cloudwatch.ListMetricsInput{})
	assertAPIError(t, err, "UnrecognizedClientException", "InvalidClientTokenId")
}
