package arn

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRoundTrip(t *testing.T) {
	for _, s := range []string{
		"arn:aws:cloudwatch:us-east-1:123456789012:alarm:my-alarm",
		"arn:aws:sns:eu-west-1:123456789012:topic:with:colons",
		"arn:aws:s3:::bucket/key",
		"arn:aws:logs:us-east-1:123456789012:log-group:/aws/x:*",
	} {
		a, err := Parse(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, a.String())
	}
	a, _ := Parse("arn:aws:sns:eu-west-1:123456789012:t")
	assert.Equal(t, ARN{"aws", "sns", "eu-west-1", "123456789012", "t"}, a)
	for _, bad := range []string{"", "arn:aws:sns", "urn:aws:sns:r:a:t", "arn::sns:r:a:t", "arn:aws:sns:r:a:"} {
		assert.False(t, IsARN(bad), bad)
	}
	assert.Equal(t, "arn:aws:sns:us-east-1:1:t", New("sns", "us-east-1", "1", "t"))
}
