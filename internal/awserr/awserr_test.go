package awserr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
)

func TestIsMatchesByCode(t *testing.T) {
	err := fmt.Errorf("put: %w", InvalidValue("MetricData.member.1.Value", "NaN", "must be finite"))
	assert.ErrorIs(t, err, ErrInvalidParameterValue)
	assert.NotErrorIs(t, err, ErrMissingParameter)
	assert.Equal(t, "InvalidParameterValue", Code(err))
	assert.Contains(t, Message(err), "MetricData.member.1.Value")
	assert.Equal(t, "", Code(errors.New("plain")))
	assert.Equal(t, 400, Missing("Namespace").HTTPStatus())
	assert.Equal(t, 404, Sentinel("NotFound").WithStatus(404).HTTPStatus())
	assert.Equal(t, "MissingParameter: The parameter Namespace is required.", Missing("Namespace").Error())
}

func TestNotFoundMatchesEveryServicesNotFoundCode(t *testing.T) {
	for _, code := range []string{"ResourceNotFoundException", "ResourceNotFound", "NotFound", "TrailNotFoundException", "NoSuchConfigRuleException", "DashboardNotFoundError", "ResourceNotDiscoveredException"} {
		if !errors.Is(New(code, "x"), ErrNotFound) {
			t.Errorf("%s does not match ErrNotFound", code)
		}
	}
	for _, code := range []string{"InvalidParameterValue", "ValidationException", "ServiceUnavailable"} {
		if errors.Is(New(code, "x"), ErrNotFound) {
			t.Errorf("%s matches ErrNotFound", code)
		}
	}
}

func TestErrorIsASmithyAPIErrorWithItsFault(t *testing.T) {
	var api smithy.APIError
	if !errors.As(error(New("ResourceNotFoundException", "gone")), &api) || api.ErrorCode() != "ResourceNotFoundException" || api.ErrorFault() != smithy.FaultClient {
		t.Fatalf("APIError = %#v", api)
	}
	if Closed("ServiceUnavailable").ErrorFault() != smithy.FaultServer {
		t.Fatal("a 503 must be a server fault")
	}
}
