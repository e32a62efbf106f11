package filterpattern

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomRegex builds an expression of AWS's regex subset (no parentheses).
func randomRegex(r *rand.Rand) string {
	atoms := []string{"a", "b", "c", ".", "[ab]", "[^a]", `\d`, `\s`, `\w`, `\.`, "-", ":", "[a-c]", `\S`}
	quants := []string{"", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "{0,1}"}
	var sb strings.Builder
	for a := range 1 + r.IntN(3) {
		if a > 0 {
			sb.WriteByte('|')
		}
		if r.IntN(4) == 0 {
			sb.WriteByte('^')
		}
		for range r.IntN(5) {
			sb.WriteString(atoms[r.IntN(len(atoms))])
			sb.WriteString(quants[r.IntN(len(quants))])
		}
		if r.IntN(4) == 0 {
			sb.WriteByte('$')
		}
	}
	return sb.String()
}

func randomMessage(r *rand.Rand) []byte {
	const alphabet = "aabbc. 1-:\n€x"
	runes := []rune(alphabet)
	var sb strings.Builder
	for range r.IntN(12) {
		sb.WriteRune(runes[r.IntN(len(runes))])
	}
	if r.IntN(10) == 0 {
		sb.WriteByte(0xff) // invalid UTF-8 counts as one U+FFFD, as in RE2
	}
	return []byte(sb.String())
}

// TestRegexMatchesAsRE2 checks the bit-parallel matcher against Go's regexp
// (the reference) on random expressions of AWS's subset and random messages.
func TestRegexMatchesAsRE2(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	bitParallel := 0
	for range 3000 {
		src := randomRegex(r)
		re, why := compileRegex(src)
		require.NotNil(t, re, "%s: %s", src, why)
		ref := regexp.MustCompile(src)
		if re.nfa != nil {
			bitParallel++
		}
		for range 20 {
			msg := randomMessage(r)
			if re.Match(msg) != ref.Match(msg) {
				t.Fatalf("%q on %q: got %v, RE2 says %v", src, msg, re.Match(msg), ref.Match(msg))
			}
		}
	}
	assert.Greater(t, bitParallel, 2000, "most expressions of the subset run bit-parallel")
}

func FuzzRegexMatchesAsRE2(f *testing.F) {
	f.Add("a{1,5}b", "xaaab")
	f.Add("^a?b*c$", "abbc")
	f.Add(`\d{1,3}\.\d{1,3}`, "10.2")
	f.Add("a{60,70}", strings.Repeat("a", 65))
	f.Fuzz(func(t *testing.T, src, msg string) {
		for i := 0; i < len(src); i++ {
			if src[i] == '(' || src[i] == ')' || src[i] >= 0x80 {
				return
			}
		}
		re, _ := compileRegex(src)
		if re == nil {
			return
		}
		if got, want := re.Match([]byte(msg)), re.re.MatchString(msg); got != want {
			t.Fatalf("%q on %q: got %v, RE2 says %v", src, msg, got, want)
		}
	})
}

// Issue 16: `%a{1,1000}b%` against one 1 MB event took 23 s with RE2, whose
// per-byte cost is the 2,000-instruction program the repetition expands to.
func TestCountedRepetitionCostsAFewWordsPerCharacter(t *testing.T) {
	for _, c := range []struct {
		src      string
		maxWords int
	}{
		{"a{1,1000}b", 16},
		{".a{1,100}b", 2},
		{`\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}`, 1},
		{"x{1000}y{1000}z{1000}", 47},
	} {
		re, why := compileRegex(c.src)
		require.NotNil(t, re, why)
		require.NotNil(t, re.nfa, "%s runs bit-parallel", c.src)
		assert.LessOrEqual(t, re.nfa.w, c.maxWords, c.src)
	}
	re, _ := compileRegex("a{1,1000}b")
	msg := []byte(strings.Repeat("a", 1<<20))
	assert.False(t, re.Match(msg))
	msg[len(msg)-1] = 'b'
	assert.True(t, re.Match(msg))
}

func TestRegexSizeIsBounded(t *testing.T) {
	_, err := Compile("%" + strings.Repeat("a{1000}", 5) + "%")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "too large")
}

func TestAnchoredAlternativesRunBitParallel(t *testing.T) {
	for _, src := range []string{`^starting|^initializing|^shutting down`, `^a[|]b|c`, `x\|y|z`, `[]a]|b`, `[^]a]|b`} {
		re, why := compileRegex(src)
		require.NotNil(t, re, why)
		assert.NotNil(t, re.nfa, src)
		for _, msg := range []string{"starting up", "now starting", "shutting down", "a|b", "x|y", "z", "]", "q"} {
			assert.Equal(t, re.re.MatchString(msg), re.Match([]byte(msg)), "%s on %s", src, msg)
		}
	}
}
