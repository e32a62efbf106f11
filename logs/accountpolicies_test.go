package logs

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const subPolicy = `{"DestinationArn": "arn:aws:lambda:us-east-1:123456789012:function:f", "FilterPattern": "ERROR", "Distribution": "Random"}`

func TestPutAccountPolicyRejectsWhatAWSRejects(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		in   PutAccountPolicyInput
		code string
	}{
		{"a policy name is required", PutAccountPolicyInput{PolicyType: PolicyTypeSubscription, PolicyDocument: subPolicy}, "InvalidParameterException"},
		{"a name cannot start with aws/", PutAccountPolicyInput{PolicyName: "aws/p", PolicyType: PolicyTypeSubscription, PolicyDocument: subPolicy}, "InvalidParameterException"},
		{"a policy type is required", PutAccountPolicyInput{PolicyName: "p", PolicyDocument: subPolicy}, "InvalidParameterException"},
		{"the policy type is a known one", PutAccountPolicyInput{PolicyName: "p", PolicyType: "IAM_POLICY", PolicyDocument: subPolicy}, "InvalidParameterException"},
		{"the scope is ALL", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeSubscription, PolicyDocument: subPolicy, Scope: "SOME"}, "InvalidParameterException"},
		{"a document is required", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeSubscription}, "InvalidParameterException"},
		{"a subscription filter policy names a destination", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeSubscription, PolicyDocument: `{"FilterPattern": ""}`}, "InvalidParameterException"},
		{"a subscription filter policy's pattern parses", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeSubscription, PolicyDocument: `{"DestinationArn": "arn:aws:lambda:us-east-1:123456789012:function:f", "FilterPattern": "{ $.a = "}`}, "InvalidParameterException"},
		{"a field index policy has a field", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeFieldIndex, PolicyDocument: `{"Fields": []}`}, "InvalidParameterException"},
		{"a data protection policy follows its syntax", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeDataProtection, PolicyDocument: `{"Statement": []}`}, "InvalidParameterException"},
		{"a data protection policy takes no selection criteria", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeDataProtection, PolicyDocument: dpDoc("", email), SelectionCriteria: `LogGroupName NOT IN ["a"]`}, "InvalidParameterException"},
		{"a subscription filter policy selects with LogGroupName NOT IN only", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeSubscription, PolicyDocument: subPolicy, SelectionCriteria: `LogGroupNamePrefix IN ["a"]`}, "InvalidParameterException"},
		{"a transformer policy selects with LogGroupNamePrefix IN", PutAccountPolicyInput{PolicyName: "p", PolicyType: PolicyTypeTransformer, PolicyDocument: `{"transformerConfig": [{"parseJSON": {}}]}`, SelectionCriteria: `LogGroupName NOT IN ["a"]`}, "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.PutAccountPolicy(ctx, tc.in)
			assertCode(t, err, tc.code)
		})
	}
	for _, pt := range policyTypes {
		out, err := e.s.DescribeAccountPolicies(ctx, DescribeAccountPoliciesInput{PolicyType: pt})
		require.NoError(t, err)
		assert.Empty(t, out.AccountPolicies, "a rejected call stores nothing")
	}
}

func TestAccountPoliciesArePutDescribedAndDeleted(t *testing.T) {
	e := newEnv(t)
	out, err := e.s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: "sub", PolicyType: PolicyTypeSubscription, PolicyDocument: subPolicy,
		SelectionCriteria: `LogGroupName NOT IN ["noisy"]`})
	require.NoError(t, err)
	want := AccountPolicy{PolicyName: "sub", PolicyDocument: subPolicy, LastUpdatedTime: e.now(), PolicyType: PolicyTypeSubscription,
		Scope: ScopeAll, SelectionCriteria: `LogGroupName NOT IN ["noisy"]`, AccountID: "123456789012"}
	assert.Equal(t, &want, out.AccountPolicy)
	d, err := e.s.DescribeAccountPolicies(ctx, DescribeAccountPoliciesInput{PolicyType: PolicyTypeSubscription})
	require.NoError(t, err)
	assert.Equal(t, []AccountPolicy{want}, d.AccountPolicies)
	d, _ = e.s.DescribeAccountPolicies(ctx, DescribeAccountPoliciesInput{PolicyType: PolicyTypeSubscription, PolicyName: "other"})
	assert.Empty(t, d.AccountPolicies)
	d, _ = e.s.DescribeAccountPolicies(ctx, DescribeAccountPoliciesInput{PolicyType: PolicyTypeSubscription, AccountIdentifiers: []string{"111122223333"}})
	assert.Empty(t, d.AccountPolicies, "another account's policies are not here")

	_, err = e.s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: "sub2", PolicyType: PolicyTypeSubscription, PolicyDocument: subPolicy})
	assertCode(t, err, "LimitExceededException")
	_, err = e.s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: "sub", PolicyType: PolicyTypeSubscription, PolicyDocument: subPolicy})
	require.NoError(t, err, "the one subscription filter policy is updated by its name")

	_, err = e.s.DeleteAccountPolicy(ctx, DeleteAccountPolicyInput{PolicyName: "sub", PolicyType: PolicyTypeTransformer})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.DeleteAccountPolicy(ctx, DeleteAccountPolicyInput{PolicyName: "sub", PolicyType: PolicyTypeSubscription})
	require.NoError(t, err)
	d, _ = e.s.DescribeAccountPolicies(ctx, DescribeAccountPoliciesInput{PolicyType: PolicyTypeSubscription})
	assert.Empty(t, d.AccountPolicies)
	_, err = e.s.DescribeAccountPolicies(ctx, DescribeAccountPoliciesInput{})
	assertCode(t, err, "InvalidParameterException")
}

func TestScopedAccountPoliciesFollowTheirQuotasAndMustNotOverlap(t *testing.T) {
	e := newEnv(t)
	put := func(name, criteria string) error {
		_, err := e.s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: name, PolicyType: PolicyTypeFieldIndex,
			PolicyDocument: `{"Fields": ["requestId"]}`, SelectionCriteria: criteria})
		return err
	}
	for i := range MaxScopedFieldIndexPolicies {
		require.NoError(t, put(fmt.Sprintf("p%02d", i), fmt.Sprintf(`LogGroupNamePrefix IN ["/app/%02d/"]`, i)))
	}
	assertCode(t, put("p20", `LogGroupNamePrefix IN ["/other/"]`), "LimitExceededException")
	assertCode(t, put("p00", `LogGroupNamePrefix IN ["/app/01/x"]`), "InvalidParameterException") // overlaps p01
	require.NoError(t, put("ds", `DataSourceName = "amazon_vpc" AND DataSourceType = "flow"`), "data source policies have their own quota")
	assertCode(t, put("ds2", `DataSourceName = "amazon_vpc" AND DataSourceType = "flow"`), "InvalidParameterException")
	assertCode(t, put("all", ""), "LimitExceededException")
}

func TestDescribeAccountPoliciesAllYieldsEachPolicy(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"a", "b"} {
		_, err := e.s.PutAccountPolicy(ctx, PutAccountPolicyInput{PolicyName: n, PolicyType: PolicyTypeTransformer,
			PolicyDocument: `{"transformerConfig": [{"parseJSON": {}}]}`, SelectionCriteria: `LogGroupNamePrefix IN ["/` + n + `/"]`})
		require.NoError(t, err)
	}
	var names []string
	for p, err := range e.s.DescribeAccountPoliciesAll(nilCtx, DescribeAccountPoliciesInput{PolicyType: PolicyTypeTransformer}) {
		require.NoError(t, err)
		names = append(names, p.PolicyName)
	}
	assert.Equal(t, []string{"a", "b"}, names)
}
