package logs

import (
	"context"
	"strings"
	"testing"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	kinesisARN = "arn:aws:kinesis:us-east-1:123456789012:stream/central"
	cwlRoleARN = "arn:aws:iam::123456789012:role/CWLtoKinesisRole"
	sender     = "111111111111"
)

func allowPolicy(account, destARN string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"AWS":"` + account +
		`"},"Action":"logs:PutSubscriptionFilter","Resource":"` + destARN + `"}]}`
}

func TestDestinationValidation(t *testing.T) {
	e := newEnv(t)
	ok := PutDestinationInput{DestinationName: "central", TargetArn: kinesisARN, RoleArn: cwlRoleARN}
	for _, tc := range []struct {
		name string
		mod  func(*PutDestinationInput)
	}{
		{"a missing name is rejected", func(in *PutDestinationInput) { in.DestinationName = "" }},
		{"a name over 512 characters is rejected", func(in *PutDestinationInput) { in.DestinationName = strings.Repeat("d", 513) }},
		{"a name with a colon is rejected", func(in *PutDestinationInput) { in.DestinationName = "a:b" }},
		{"a name with an asterisk is rejected", func(in *PutDestinationInput) { in.DestinationName = "a*" }},
		{"a missing targetArn is rejected", func(in *PutDestinationInput) { in.TargetArn = "" }},
		{"a missing roleArn is rejected", func(in *PutDestinationInput) { in.RoleArn = "" }},
		{"a targetArn that is not an ARN is rejected", func(in *PutDestinationInput) { in.TargetArn = "stream" }},
		{"a destination cannot target a destination", func(in *PutDestinationInput) {
			in.TargetArn = "arn:aws:logs:us-east-1:123456789012:destination:other"
		}},
		{"a roleArn that is not an ARN is rejected", func(in *PutDestinationInput) { in.RoleArn = "role" }},
		{"empty tags are rejected", func(in *PutDestinationInput) { in.Tags = map[string]string{} }},
		{"reserved tag keys are rejected", func(in *PutDestinationInput) { in.Tags = map[string]string{"aws:x": "y"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.mod(&in)
			_, err := e.s.PutDestination(ctx, in)
			assertCode(t, err, "InvalidParameterException")
		})
	}
	d, err := e.s.DescribeDestinations(ctx, DescribeDestinationsInput{})
	require.NoError(t, err)
	assert.Empty(t, d.Destinations, "a rejected request changes nothing")
}

func TestPutDestinationCreatesAndUpdatesKeepingPolicy(t *testing.T) {
	e := newEnv(t)
	out, err := e.s.PutDestination(ctx, PutDestinationInput{DestinationName: "central", TargetArn: kinesisARN, RoleArn: cwlRoleARN, Tags: map[string]string{"team": "sec"}})
	require.NoError(t, err)
	destARN := "arn:aws:logs:us-east-1:123456789012:destination:central"
	assert.Equal(t, &DestinationDescription{DestinationName: "central", TargetArn: kinesisARN, RoleArn: cwlRoleARN, Arn: destARN, CreationTime: e.now()}, out.Destination,
		"a new destination has no access policy")
	created := e.now()

	_, err = e.s.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "central", AccessPolicy: allowPolicy(sender, destARN)})
	require.NoError(t, err)
	e.clk.Advance(60_000_000)
	other := "arn:aws:firehose:us-east-1:123456789012:deliverystream/other"
	out, err = e.s.PutDestination(ctx, PutDestinationInput{DestinationName: "central", TargetArn: other, RoleArn: cwlRoleARN})
	require.NoError(t, err)
	assert.Equal(t, other, out.Destination.TargetArn, "an update replaces the target")
	assert.Equal(t, created, out.Destination.CreationTime, "an update keeps the creation time")
	assert.Equal(t, allowPolicy(sender, destARN), out.Destination.AccessPolicy, "an update keeps the access policy")
}

func TestDestinationPolicyValidation(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.PutDestination(ctx, PutDestinationInput{DestinationName: "central", TargetArn: kinesisARN, RoleArn: cwlRoleARN})
	require.NoError(t, err)
	for _, tc := range []struct{ name, policy, code string }{
		{"an empty policy is rejected", "", "InvalidParameterException"},
		{"a policy that is not JSON is rejected", "{", "InvalidParameterException"},
		{"a policy without a Statement is rejected", `{"Version":"2012-10-17"}`, "InvalidParameterException"},
		{"a statement's Effect must be Allow or Deny", `{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"*"}]}`, "InvalidParameterException"},
		{"a policy over 5120 bytes is rejected", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Sid":"` + strings.Repeat("x", 5120) + `"}]}`, "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "central", AccessPolicy: tc.policy})
			assertCode(t, err, tc.code)
		})
	}
	_, err = e.s.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "missing", AccessPolicy: allowPolicy(sender, "*")})
	assertCode(t, err, "ResourceNotFoundException")
	d, err := e.s.DescribeDestinations(ctx, DescribeDestinationsInput{})
	require.NoError(t, err)
	assert.Empty(t, d.Destinations[0].AccessPolicy, "rejected policies are not stored")
	_, err = e.s.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "central",
		AccessPolicy: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"logs:PutSubscriptionFilter"}}`})
	require.NoError(t, err, "a single Statement object is accepted")
}

func TestDescribeDestinationsPrefixAndPagination(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"b-1", "a-2", "a-1", "c"} {
		_, err := e.s.PutDestination(ctx, PutDestinationInput{DestinationName: n, TargetArn: kinesisARN, RoleArn: cwlRoleARN})
		require.NoError(t, err)
	}
	names := func(ds []DestinationDescription) (out []string) {
		for _, d := range ds {
			out = append(out, d.DestinationName)
		}
		return out
	}
	p1, err := e.s.DescribeDestinations(ctx, DescribeDestinationsInput{Limit: Int32(2)})
	require.NoError(t, err)
	assert.Equal(t, []string{"a-1", "a-2"}, names(p1.Destinations))
	require.NotEmpty(t, p1.NextToken)
	p2, err := e.s.DescribeDestinations(ctx, DescribeDestinationsInput{Limit: Int32(2), NextToken: p1.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"b-1", "c"}, names(p2.Destinations))
	assert.Empty(t, p2.NextToken)
	pre, err := e.s.DescribeDestinations(ctx, DescribeDestinationsInput{DestinationNamePrefix: "a-"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a-1", "a-2"}, names(pre.Destinations))

	_, err = e.s.DescribeDestinations(ctx, DescribeDestinationsInput{Limit: Int32(51)})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.DescribeDestinations(ctx, DescribeDestinationsInput{NextToken: "bogus"})
	assertCode(t, err, "InvalidParameterException")

	_, err = e.s.DeleteDestination(ctx, DeleteDestinationInput{DestinationName: "c"})
	require.NoError(t, err)
	_, err = e.s.DeleteDestination(ctx, DeleteDestinationInput{DestinationName: "c"})
	assertCode(t, err, "ResourceNotFoundException")
	all, err := e.s.DescribeDestinations(ctx, DescribeDestinationsInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a-1", "a-2", "b-1"}, names(all.Destinations))
}

func TestSameAccountDestinationForwardsToItsTarget(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	destARN := "arn:aws:logs:us-east-1:123456789012:destination:central"
	_, err := e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: "f", DestinationArn: destARN})
	assertCode(t, err, "ResourceNotFoundException")

	_, err = e.s.PutDestination(ctx, PutDestinationInput{DestinationName: "central", TargetArn: kinesisARN, RoleArn: cwlRoleARN})
	require.NoError(t, err)
	var got []SubscriptionDelivery
	e.s.RegisterDestination(kinesisARN, func(_ context.Context, d SubscriptionDelivery) error { got = append(got, d); return nil })
	_, err = e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: "f", FilterPattern: "ERROR", DestinationArn: destARN})
	require.NoError(t, err, "a destination needs no roleArn on the filter")
	e.put(t, "g", "s", ev(e.now(), "ERROR a"), ev(e.now(), "INFO b"))
	require.Len(t, got, 1)
	assert.Equal(t, kinesisARN, got[0].DestinationArn)
	assert.Equal(t, cwlRoleARN, got[0].RoleArn, "the target is written with the destination's role")
	assert.Equal(t, []string{"f"}, got[0].Message.SubscriptionFilters)
	require.Len(t, got[0].Message.LogEvents, 1)
	assert.Equal(t, "ERROR a", got[0].Message.LogEvents[0].Message)

	_, err = e.s.DeleteDestination(ctx, DeleteDestinationInput{DestinationName: "central"})
	require.NoError(t, err)
	e.put(t, "g", "s", ev(e.now(), "ERROR c"))
	assert.Len(t, got, 1, "after DeleteDestination the filter's deliveries are dropped")
}

func TestCrossAccountDeliveryNeedsTheDestinationPolicy(t *testing.T) {
	clk := clock.NewManual(t0)
	recv := New(Options{Clock: clk, IDs: ids.New(1)})
	t.Cleanup(recv.Close)
	send := New(Options{Clock: clk, IDs: ids.New(2), AccountID: sender})
	t.Cleanup(send.Close)

	out, err := recv.PutDestination(ctx, PutDestinationInput{DestinationName: "central", TargetArn: kinesisARN, RoleArn: cwlRoleARN})
	require.NoError(t, err)
	destARN := out.Destination.Arn
	var got []SubscriptionDelivery
	recv.RegisterDestination(kinesisARN, func(_ context.Context, d SubscriptionDelivery) error { got = append(got, d); return nil })
	var forwardErrs []error
	fwd := recv.CrossAccountDestination()
	send.RegisterDestination(destARN, func(ctx context.Context, d SubscriptionDelivery) error {
		err := fwd(ctx, d)
		forwardErrs = append(forwardErrs, err)
		return err
	})

	_, err = send.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "app"})
	require.NoError(t, err)
	_, err = send.CreateLogStream(ctx, CreateLogStreamInput{LogGroupName: "app", LogStreamName: "s"})
	require.NoError(t, err)
	_, err = send.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "app", FilterName: "central", DestinationArn: destARN})
	require.NoError(t, err)
	putOne := func(msg string) {
		_, err := send.PutLogEvents(ctx, PutLogEventsInput{LogGroupName: "app", LogStreamName: "s", LogEvents: []InputLogEvent{ev(clk.Now().UnixMilli(), msg)}})
		require.NoError(t, err)
	}

	putOne("before the policy")
	assert.Empty(t, got, "without an access policy no other account may deliver")
	require.Len(t, forwardErrs, 1)
	assertCode(t, forwardErrs[0], "AccessDeniedException")

	_, err = recv.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "central", AccessPolicy: allowPolicy("999999999999", destARN)})
	require.NoError(t, err)
	putOne("another account allowed")
	assert.Empty(t, got, "a policy naming another account does not allow this one")

	_, err = recv.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "central", AccessPolicy: allowPolicy(sender, destARN)})
	require.NoError(t, err)
	putOne("allowed")
	require.Len(t, got, 1)
	assert.Equal(t, kinesisARN, got[0].DestinationArn)
	assert.Equal(t, sender, got[0].Message.Owner, "the message names the sending account")
	assert.Equal(t, "allowed", got[0].Message.LogEvents[0].Message)

	_, err = recv.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "central",
		AccessPolicy: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"logs:*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::` + sender + `:root"},"Action":"logs:PutSubscriptionFilter"}]}`})
	require.NoError(t, err)
	putOne("denied")
	assert.Len(t, got, 1, "an explicit Deny wins")
}

func TestDestinationOperationsAfterCloseAndNilContext(t *testing.T) {
	e := newEnv(t)
	//nolint:staticcheck // the nil-context contract
	_, err := e.s.PutDestination(nilCtx, PutDestinationInput{DestinationName: "d", TargetArn: kinesisARN, RoleArn: cwlRoleARN})
	require.NoError(t, err)
	e.s.Close()
	_, err = e.s.PutDestination(ctx, PutDestinationInput{DestinationName: "d", TargetArn: kinesisARN, RoleArn: cwlRoleARN})
	assertCode(t, err, "ServiceUnavailableException")
	_, err = e.s.PutDestinationPolicy(ctx, PutDestinationPolicyInput{DestinationName: "d", AccessPolicy: allowPolicy(sender, "*")})
	assertCode(t, err, "ServiceUnavailableException")
	_, err = e.s.DescribeDestinations(ctx, DescribeDestinationsInput{})
	assertCode(t, err, "ServiceUnavailableException")
	_, err = e.s.DeleteDestination(ctx, DeleteDestinationInput{DestinationName: "d"})
	assertCode(t, err, "ServiceUnavailableException")
}

// FuzzPolicyDocument: any document is either refused with
// InvalidParameterException or parsed with at least one statement, and the
// access check never panics.
func FuzzPolicyDocument(f *testing.F) {
	f.Add(allowPolicy(sender, "*"))
	f.Add(`{"Statement":{"Effect":"Deny","Principal":"*","Action":["logs:*"]}}`)
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root"]},"Action":"*"}]}`)
	f.Add(`{"Statement":[]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parsePolicy("accessPolicy", doc)
		if err != nil {
			assertCode(t, err, "InvalidParameterException")
			assert.False(t, policyAllows(doc, sender, "logs:PutSubscriptionFilter"), "an invalid policy allows nothing")
			return
		}
		assert.NotEmpty(t, p.Statement)
		_ = policyAllows(doc, sender, "logs:PutSubscriptionFilter")
	})
}
