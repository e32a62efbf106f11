package pagetoken

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRoundTripAndRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "h42", "group\x00stream/ü"} {
		got, ok := Decode(Encode(s))
		assert.True(t, ok)
		assert.Equal(t, s, got)
	}
	_, ok := Decode("not base64!")
	assert.False(t, ok)
}
