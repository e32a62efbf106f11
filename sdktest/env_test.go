package sdktest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/awsapi"
)

// The test account, its Region, and the access key the SDK signs with (mapped
// to the IAM user alice).
const (
	account   = "123456789012"
	region    = "us-east-1"
	accessKey = "AKIAIOSFODNN7EXAMPLE"
	secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	endpoint  = "http://localwatch.test"
)

// t0 is where the manual clock starts.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// env is a manual-clock account served by awsapi, with an SDK client per
// service over the in-process transport.
type env struct {
	acct    *localwatch.Account
	clock   *localwatch.ManualClock
	stack   *localwatch.Stack
	handler *awsapi.Handler
	cfg     aws.Config

	cw     *cloudwatch.Client
	logs   *cloudwatchlogs.Client
	trail  *cloudtrail.Client
	config *configservice.Client
	sns    *sns.Client
}

// envOption adjusts the account's options before it is built.
type envOption func(*localwatch.Options, *awsapi.Options)

// newEnv builds the account (seeded IDs, manual clock at t0) and the clients.
func newEnv(tb testing.TB, opts ...envOption) *env {
	tb.Helper()
	clk := localwatch.NewManualClock(t0)
	lo := localwatch.Options{AccountID: account, Regions: []string{region}, Clock: clk, IDSeed: 1}
	ao := awsapi.Options{Credentials: map[string]awsapi.Credential{
		accessKey: {SecretAccessKey: secretKey, Identity: localwatch.IAMUser(account, "alice", accessKey)},
	}}
	for _, o := range opts {
		o(&lo, &ao)
	}
	acct, err := localwatch.NewAccount(lo)
	require.NoError(tb, err)
	tb.Cleanup(acct.Close)
	h := awsapi.NewHandler(acct, ao)
	clk, _ = lo.Clock.(*localwatch.ManualClock)
	e := &env{acct: acct, clock: clk, stack: acct.Region(region), handler: h, cfg: sdkConfig(h, accessKey, secretKey)}
	e.cw = cloudwatch.NewFromConfig(e.cfg)
	e.logs = cloudwatchlogs.NewFromConfig(e.cfg)
	e.trail = cloudtrail.NewFromConfig(e.cfg)
	e.config = configservice.NewFromConfig(e.cfg)
	e.sns = sns.NewFromConfig(e.cfg)
	return e
}

// sdkConfig is the aws.Config a user writes to point the SDK at localwatch
// in process: static credentials, the handler's client, an endpoint override.
// Retries are off so that a failing call fails once, at once.
func sdkConfig(h *awsapi.Handler, akid, secret string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, ""),
		HTTPClient:   h.Client(),
		BaseEndpoint: aws.String(endpoint),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

var ctx = context.Background()

// assertAPIError checks that err is a smithy.APIError with one of codes.
func assertAPIError(tb testing.TB, err error, codes ...string) {
	tb.Helper()
	var apiErr smithy.APIError
	require.ErrorAs(tb, err, &apiErr)
	assert.Contains(tb, codes, apiErr.ErrorCode(), "error %v", err)
}
