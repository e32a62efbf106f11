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

// A source moved to a marshalled position draws what the original draws
// next.
func TestASourceMovedToAMarshalledPositionDrawsTheSame(t *testing.T) {
	a := New(7)
	a.UUID()
	a.Hex(5)
	pos, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b := New(99)
	if err := b.UnmarshalBinary(pos); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if x, y := a.UUID(), b.UUID(); x != y {
			t.Fatalf("%s != %s", x, y)
		}
	}
	if err := b.UnmarshalBinary([]byte("junk")); err == nil {
		t.Fatal("junk accepted")
	}
}
