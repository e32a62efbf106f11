package logs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const route53Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Route53LogsToCloudWatchLogs","Effect":"Allow","Principal":{"Service":["route53.amazonaws.com"]},"Action":"logs:PutLogEvents","Resource":"*"}]}`

func TestResourcePolicyValidation(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		in   PutResourcePolicyInput
		code string
	}{
		{"an account policy needs a name", PutResourcePolicyInput{PolicyDocument: route53Policy}, "InvalidParameterException"},
		{"a document is required", PutResourcePolicyInput{PolicyName: "p"}, "InvalidParameterException"},
		{"a document that is not JSON is rejected", PutResourcePolicyInput{PolicyName: "p", PolicyDocument: "Allow all"}, "InvalidParameterException"},
		{"a document without a Statement is rejected", PutResourcePolicyInput{PolicyName: "p", PolicyDocument: `{"Version":"2012-10-17"}`}, "InvalidParameterException"},
		{"a document over 5120 characters is rejected", PutResourcePolicyInput{PolicyName: "p",
			PolicyDocument: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Sid":"` + strings.Repeat("x", 5100) + `"}]}`}, "InvalidParameterException"},
		{"a log group policy needs an existing group", PutResourcePolicyInput{PolicyDocument: route53Policy,
			ResourceArn: "arn:aws:logs:us-east-1:123456789012:log-group:missing"}, "ResourceNotFoundException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.PutResourcePolicy(ctx, tc.in)
			assertCode(t, err, tc.code)
		})
	}
	d, err := e.s.DescribeResourcePolicies(ctx, DescribeResourcePoliciesInput{})
	require.NoError(t, err)
	assert.Empty(t, d.ResourcePolicies, "a rejected request changes nothing")
	_, err = e.s.DescribeResourcePolicies(ctx, DescribeResourcePoliciesInput{PolicyScope: "GLOBAL"})
	assertCode(t, err, "InvalidParameterException")
}

func TestAccountResourcePoliciesAreTenPerRegion(t *testing.T) {
	e := newEnv(t)
	for i := range MaxResourcePolicies {
		_, err := e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{PolicyName: fmt.Sprintf("p%02d", i), PolicyDocument: route53Policy})
		require.NoError(t, err)
	}
	_, err := e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{PolicyName: "p10", PolicyDocument: route53Policy})
	assertCode(t, err, "LimitExceededException")
	out, err := e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{PolicyName: "p00", PolicyDocument: `{"Statement":{"Effect":"Deny","Principal":"*","Action":"*"}}`})
	require.NoError(t, err, "replacing a policy by name does not count against the limit")
	assert.Equal(t, &ResourcePolicy{PolicyName: "p00", PolicyDocument: `{"Statement":{"Effect":"Deny","Principal":"*","Action":"*"}}`,
		LastUpdatedTime: e.now(), PolicyScope: PolicyScopeAccount}, out.ResourcePolicy)

	p1, err := e.s.DescribeResourcePolicies(ctx, DescribeResourcePoliciesInput{Limit: Int32(4)})
	require.NoError(t, err)
	require.Len(t, p1.ResourcePolicies, 4)
	assert.Equal(t, "p00", p1.ResourcePolicies[0].PolicyName)
	assert.NotEmpty(t, p1.NextToken)

	_, err = e.s.DeleteResourcePolicy(ctx, DeleteResourcePolicyInput{PolicyName: "p03"})
	require.NoError(t, err)
	_, err = e.s.DeleteResourcePolicy(ctx, DeleteResourcePolicyInput{PolicyName: "p03"})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.DeleteResourcePolicy(ctx, DeleteResourcePolicyInput{})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{PolicyName: "p10", PolicyDocument: route53Policy})
	require.NoError(t, err, "a deletion frees a place")
}

func TestLogGroupResourcePolicyRevisions(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	groupARN := "arn:aws:logs:us-east-1:123456789012:log-group:g"
	out, err := e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{ResourceArn: groupARN, PolicyDocument: route53Policy})
	require.NoError(t, err)
	assert.Equal(t, PolicyScopeResource, out.ResourcePolicy.PolicyScope)
	rev := out.RevisionID
	require.NotEmpty(t, rev)

	_, err = e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{ResourceArn: groupARN, PolicyDocument: route53Policy, ExpectedRevisionID: "stale"})
	assertCode(t, err, "OperationAbortedException")
	out2, err := e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{ResourceArn: groupARN, PolicyDocument: route53Policy, ExpectedRevisionID: rev})
	require.NoError(t, err)
	assert.NotEqual(t, rev, out2.RevisionID, "each put makes a new revision")

	acct, err := e.s.DescribeResourcePolicies(ctx, DescribeResourcePoliciesInput{PolicyScope: PolicyScopeAccount})
	require.NoError(t, err)
	assert.Empty(t, acct.ResourcePolicies)
	res, err := e.s.DescribeResourcePolicies(ctx, DescribeResourcePoliciesInput{ResourceArn: groupARN})
	require.NoError(t, err)
	require.Len(t, res.ResourcePolicies, 1)

	_, err = e.s.DeleteResourcePolicy(ctx, DeleteResourcePolicyInput{ResourceArn: groupARN, ExpectedRevisionID: rev})
	assertCode(t, err, "OperationAbortedException")
	_, err = e.s.DeleteResourcePolicy(ctx, DeleteResourcePolicyInput{ResourceArn: groupARN, ExpectedRevisionID: out2.RevisionID})
	require.NoError(t, err)

	_, err = e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{ResourceArn: groupARN, PolicyDocument: route53Policy})
	require.NoError(t, err)
	_, err = e.s.DeleteLogGroup(ctx, DeleteLogGroupInput{LogGroupName: "g"})
	require.NoError(t, err)
	e.group(t, "g")
	res, err = e.s.DescribeResourcePolicies(ctx, DescribeResourcePoliciesInput{ResourceArn: groupARN})
	require.NoError(t, err)
	assert.Empty(t, res.ResourcePolicies, "a group's policy goes with the group, not to its successor")
}

func TestResourcePolicyOperationsAfterClose(t *testing.T) {
	e := newEnv(t)
	//nolint:staticcheck // the nil-context contract
	_, err := e.s.PutResourcePolicy(nilCtx, PutResourcePolicyInput{PolicyName: "p", PolicyDocument: route53Policy})
	require.NoError(t, err)
	e.s.Close()
	_, err = e.s.PutResourcePolicy(ctx, PutResourcePolicyInput{PolicyName: "p", PolicyDocument: route53Policy})
	assertCode(t, err, "ServiceUnavailableException")
	_, err = e.s.DescribeResourcePolicies(ctx, DescribeResourcePoliciesInput{})
	assertCode(t, err, "ServiceUnavailableException")
	_, err = e.s.DeleteResourcePolicy(ctx, DeleteResourcePolicyInput{PolicyName: "p"})
	assertCode(t, err, "ServiceUnavailableException")
}
