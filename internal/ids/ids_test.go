package ids

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSameSeedSameSequence(t *testing.T) {
	a, b := New(42), New(42)
	for range 10 {
		assert.Equal(t, a.UUID(), b.UUID())
	}
	assert.NotEqual(t, New(1).UUID(), New(2).UUID())
}

func TestFormats(t *testing.T) {
	s := New(7)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`), s.UUID())
	assert.Regexp(t, `^[0-9a-f]{7}$`, s.Hex(7))
	assert.Regexp(t, `^[AB]{5}$`, s.String(5, "AB"))
	assert.Len(t, s.Bytes(13), 13)
	assert.NotEqual(t, Random().UUID(), Random().UUID())
}
