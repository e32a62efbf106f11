package logs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func groupKms(t *testing.T, e *env, name string) string {
	t.Helper()
	d, err := e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{LogGroupNamePrefix: name})
	require.NoError(t, err)
	require.NotEmpty(t, d.LogGroups)
	return d.LogGroups[0].KmsKeyID
}

func TestAssociateKmsKeyValidation(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	for _, tc := range []struct {
		name string
		in   AssociateKmsKeyInput
		code string
	}{
		{"a key is required", AssociateKmsKeyInput{LogGroupName: "g"}, "InvalidParameterException"},
		{"a key id that is not an ARN is rejected", AssociateKmsKeyInput{LogGroupName: "g", KmsKeyID: "1234abcd"}, "InvalidParameterException"},
		{"an alias is not a key ARN", AssociateKmsKeyInput{LogGroupName: "g", KmsKeyID: "arn:aws:kms:us-east-1:123456789012:alias/logs"}, "InvalidParameterException"},
		{"a key of another Region is rejected", AssociateKmsKeyInput{LogGroupName: "g", KmsKeyID: "arn:aws:kms:eu-west-1:123456789012:key/x"}, "InvalidParameterException"},
		{"a group or an identifier is required", AssociateKmsKeyInput{KmsKeyID: kmsKey}, "InvalidParameterException"},
		{"not both a group and an identifier", AssociateKmsKeyInput{LogGroupName: "g", KmsKeyID: kmsKey,
			ResourceIdentifier: "arn:aws:logs:us-east-1:123456789012:log-group:g"}, "InvalidParameterException"},
		{"a missing group is not found", AssociateKmsKeyInput{LogGroupName: "missing", KmsKeyID: kmsKey}, "ResourceNotFoundException"},
		{"an identifier that is no log resource is rejected", AssociateKmsKeyInput{KmsKeyID: kmsKey,
			ResourceIdentifier: "arn:aws:sns:us-east-1:123456789012:topic"}, "InvalidParameterException"},
		{"an identifier with a space is rejected", AssociateKmsKeyInput{KmsKeyID: kmsKey, ResourceIdentifier: "a b"}, "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.s.AssociateKmsKey(ctx, tc.in)
			assertCode(t, err, tc.code)
		})
	}
	assert.Empty(t, groupKms(t, e, "g"), "a rejected request changes nothing")
}

func TestAssociateKmsKeyIsDescribedAndDisassociated(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	_, err := e.s.AssociateKmsKey(ctx, AssociateKmsKeyInput{LogGroupName: "g", KmsKeyID: kmsKey})
	require.NoError(t, err)
	assert.Equal(t, kmsKey, groupKms(t, e, "g"))
	other := "arn:aws:kms:us-east-1:123456789012:key/other"
	_, err = e.s.AssociateKmsKey(ctx, AssociateKmsKeyInput{ResourceIdentifier: "arn:aws:logs:us-east-1:123456789012:log-group:g", KmsKeyID: other})
	require.NoError(t, err)
	assert.Equal(t, other, groupKms(t, e, "g"), "a new association replaces the old")

	_, err = e.s.AssociateKmsKey(ctx, AssociateKmsKeyInput{ResourceIdentifier: "arn:aws:logs:us-east-1:123456789012:query-result:*", KmsKeyID: kmsKey})
	require.NoError(t, err)
	assert.Equal(t, kmsKey, e.s.QueryResultsKmsKey())
	assert.Equal(t, other, groupKms(t, e, "g"), "the query results' key is not the group's")

	_, err = e.s.DisassociateKmsKey(ctx, DisassociateKmsKeyInput{LogGroupName: "g"})
	require.NoError(t, err)
	assert.Empty(t, groupKms(t, e, "g"))
	_, err = e.s.DisassociateKmsKey(ctx, DisassociateKmsKeyInput{ResourceIdentifier: "arn:aws:logs:us-east-1:123456789012:query-result:*"})
	require.NoError(t, err)
	assert.Empty(t, e.s.QueryResultsKmsKey())
	_, err = e.s.DisassociateKmsKey(ctx, DisassociateKmsKeyInput{LogGroupName: "missing"})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.DisassociateKmsKey(ctx, DisassociateKmsKeyInput{})
	assertCode(t, err, "InvalidParameterException")
}

func TestKmsOperationsAfterClose(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	//nolint:staticcheck // the nil-context contract
	_, err := e.s.AssociateKmsKey(nilCtx, AssociateKmsKeyInput{LogGroupName: "g", KmsKeyID: kmsKey})
	require.NoError(t, err)
	e.s.Close()
	_, err = e.s.AssociateKmsKey(ctx, AssociateKmsKeyInput{LogGroupName: "g", KmsKeyID: kmsKey})
	assertCode(t, err, "ServiceUnavailableException")
	_, err = e.s.DisassociateKmsKey(ctx, DisassociateKmsKeyInput{LogGroupName: "g"})
	assertCode(t, err, "ServiceUnavailableException")
}
