package identity

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestContextCarriesIdentity(t *testing.T) {
	_, ok := From(context.Background())
	assert.False(t, ok)
	u := IAMUser("123456789012", "alice", "AKIAEXAMPLE")
	got, ok := From(With(context.Background(), u))
	assert.True(t, ok)
	assert.Equal(t, u, got)
	assert.Equal(t, "arn:aws:iam::123456789012:user/alice", got.ARN)
	assert.Len(t, got.PrincipalID, 21)
	assert.Equal(t, u.PrincipalID, IAMUser("123456789012", "alice", "x").PrincipalID)
	assert.Equal(t, "arn:aws:iam::123456789012:root", Root("123456789012").ARN)
}

func TestAssumedRoleIsShapedAsCloudTrailRecordsIt(t *testing.T) {
	id := AssumedRole("123456789012", "deploy", "ci-run-7", "ASIAEXAMPLE")
	if id.Type != "AssumedRole" || id.ARN != "arn:aws:sts::123456789012:assumed-role/deploy/ci-run-7" ||
		id.SessionIssuer == nil || id.SessionIssuer.ARN != "arn:aws:iam::123456789012:role/deploy" ||
		id.SessionIssuer.Type != "Role" || id.SessionIssuer.UserName != "deploy" ||
		id.PrincipalID != id.SessionIssuer.PrincipalID+":ci-run-7" || len(id.SessionIssuer.PrincipalID) != 21 {
		t.Fatalf("unexpected identity %+v issuer %+v", id, id.SessionIssuer)
	}
}
