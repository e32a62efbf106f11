package awserr

import (
	"errors"
	"fmt"
	"testing"

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
