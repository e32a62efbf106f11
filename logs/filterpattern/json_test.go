package filterpattern

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matchBothWays matches a JSON pattern with the indexed scan (what Match does
// for short messages without escapes) and with the byte scan, requires that
// they agree, and returns the result.
func matchBothWays(t *testing.T, p *Pattern, msg string) bool {
	t.Helper()
	var got [2]bool
	for k, noIndex := range []bool{false, true} {
		slots := make([]jval, p.jn)
		sc := scanner{b: []byte(msg), noIndex: noIndex}
		got[k] = sc.document(p.jtrie, slots) && evalJSON(p.jexpr, []byte(msg), slots)
	}
	require.Equal(t, got[0], got[1], "indexed and byte scans disagree on %q", msg)
	require.Equal(t, got[0], p.MatchString(msg), "Match disagrees on %q", msg)
	return got[0]
}

// The pattern on messages whose selected members come first and match,
// followed by something that makes the message invalid JSON: a JSON pattern
// applies to JSON log events only, so none of them matches.
func TestJSONMalformedAfterTheMatchedMembersNeverMatches(t *testing.T) {
	p := MustCompile(`{ $.status = 500 && $.latency > 1000 }`)
	const ok = `{"status":500,"latency":2000`
	require.True(t, matchBothWays(t, p, ok+`}`))
	require.True(t, matchBothWays(t, p, ok+`,"path":"/a\"b\\c\u00e9","n":[1,{"x":null}],"t":true}`))
	for _, tail := range []string{
		``, `,`, `,}`, `}}`, `}]`, `} x`, `}{}`, `,"a"}`, `,"a":}`, `,"a" 1}`, `,"a":1,}`, `,"a":1 "b":2}`,
		`,"a":"unterminated}`, `,"a":"bad \x escape"}`, `,"a":"bad \u12G4 escape"}`, `,"a":"short \u12"}`,
		"," + `"a":"raw` + "\n" + `newline"}`, "," + `"a":"raw` + "\t" + `tab"}`, `,"a":"nul` + "\x00" + `"}`,
		`,"a":tru}`, `,"a":nul}`, `,"a":falsey}`, `,"a":True}`, `,"a":01}`, `,"a":1.}`, `,"a":.5}`, `,"a":-}`,
		`,"a":1e}`, `,"a":1e+}`, `,"a":+1}`, `,"a":0x10}`, `,"a":NaN}`, `,"a":'x'}`, `,a:1}`, `,"a":[1,2}`,
		`,"a":[1,,2]}`, `,"a":[1,]}`, `,"a":{"b"}}`, `,"a":{"b":1,}}`, `,"a":{]}`, `,"a":[}`, `,"a":{"b":[{"c":1}]]}`,
		`,"a":1 /* comment */}`, `,"a":"` + strings.Repeat("x", 3000) + `}`,
	} {
		assert.False(t, matchBothWays(t, p, ok+tail), "%q", ok+tail)
	}
	// Not an object at all, or not only one.
	for _, msg := range []string{``, ` `, `null`, `500`, `"x"`, `[{"status":500,"latency":2000}]`, `{"status":500,"latency":2000}{}`, `x{"status":500,"latency":2000}`} {
		assert.False(t, matchBothWays(t, p, msg), "%q", msg)
	}
	// Whitespace JSON allows is fine anywhere between tokens.
	assert.True(t, matchBothWays(t, p, " \t\r\n{ \"status\" :\n500 ,\t\"latency\" : 2000 , \"x\" : [ 1 , { } , [ ] ] }\n"))
}

func TestJSONEscapesInKeysAndValues(t *testing.T) {
	for _, c := range []struct {
		name, pattern, msg string
		want               bool
	}{
		{"escaped letter in a key", `{ $.status = 500 }`, `{"st\u0061tus":500}`, true},
		{"every key escaped", `{ $.status = 500 }`, `{"\u0073\u0074\u0061\u0074\u0075\u0073":500}`, true},
		{"escaped quote in a key is part of it", `{ $.a = 1 }`, `{"a\"":1}`, false},
		{"escaped nul makes another key", `{ $.a = 1 }`, `{"a\u0000":1}`, false},
		{"a key that decodes to a selector after a longer raw form", `{ $.ab = 1 }`, `{"\u0061\u0062":1,"x":2}`, true},
		{"long escaped key", `{ $.` + strings.Repeat("k", 70) + ` = 1 }`, `{"` + strings.Repeat(`\u006b`, 70) + `":1}`, true},
		{"quotes and backslashes before the selected value", `{ $.b = "x" }`, `{"a":"\"\\\"","b":"x"}`, true},
		{"escaped slash in a value", `{ $.path = "/a/b" }`, `{"path":"\/a\/b"}`, true},
		{"escaped value compared with a wildcard", `{ $.msg = "*\"q\"*" }`, `{"msg":"say \"q\" now"}`, true},
		{"surrogate pair", `{ $.s = "😀" }`, `{"s":"\ud83d\ude00"}`, true},
		{"string with a quote at a word boundary", `{ $.b = 2 }`, `{"a":"1234567\"","b":2}`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, matchBothWays(t, MustCompile(c.pattern), c.msg))
		})
	}
}

func TestJSONDeepNesting(t *testing.T) {
	nest := func(depth int, inner string) string {
		return strings.Repeat(`{"x":[`, depth) + inner + strings.Repeat(`]}`, depth)
	}
	p := MustCompile(`{ $.status = 500 }`)
	// The message itself is one level; each {"x":[ adds two.
	deepOK := `{"status":500,"n":` + nest((maxJSONDepth-2)/2, `1`) + `}`
	assert.True(t, matchBothWays(t, p, deepOK))
	tooDeep := `{"status":500,"n":` + nest(maxJSONDepth/2, `1`) + `}`
	assert.False(t, matchBothWays(t, p, tooDeep), "deeper than %d levels", maxJSONDepth)
	assert.False(t, matchBothWays(t, p, `{"status":500,"n":`+strings.Repeat(`[`, 100000)), "no stack growth on a flood of brackets")
	unbalanced := `{"status":500,"n":` + nest(10, `1`)[1:] + `}`
	assert.False(t, matchBothWays(t, p, unbalanced))

	// A selector deep inside nested objects and arrays.
	deepSel := MustCompile(`{ $.a.b[1].c[0][2].d = "yes" }`)
	assert.True(t, matchBothWays(t, deepSel, `{"a":{"z":[{}],"b":[0,{"c":[[1,2,{"d":"yes"}]]}]}}`))
	assert.False(t, matchBothWays(t, deepSel, `{"a":{"b":[0,{"c":[[1,2,{"d":"no"}]]}]}}`))
	assert.False(t, matchBothWays(t, deepSel, `{"a":{"b":[0,{"c":[[1,2]]}]}}`))
}

func TestJSONDuplicateKeysLastWins(t *testing.T) {
	for _, c := range []struct {
		name, pattern, msg string
		want               bool
	}{
		{"later scalar replaces", `{ $.a = 2 }`, `{"a":1,"x":0,"a":2}`, true},
		{"earlier scalar is gone", `{ $.a = 1 }`, `{"a":1,"x":0,"a":2}`, false},
		{"later object replaces a scalar", `{ $.a.b = 2 }`, `{"a":1,"a":{"b":2}}`, true},
		{"later scalar replaces an object", `{ $.a.b NOT EXISTS }`, `{"a":{"b":1},"a":2}`, true},
		{"later scalar replaces an object: old member gone", `{ $.a.b = 1 }`, `{"a":{"b":1},"a":2}`, false},
		{"later object replaces an object", `{ $.a.b NOT EXISTS && $.a.c = 2 }`, `{"a":{"b":1},"a":{"c":2}}`, true},
		{"later array replaces an array", `{ $.e[1] NOT EXISTS && $.e[0] = 3 }`, `{"e":[1,2],"e":[3]}`, true},
		{"later object replaces an array", `{ $.e[0] NOT EXISTS }`, `{"e":[1],"e":{"0":1}}`, true},
		{"duplicates inside a nested object", `{ $.a.b = 2 }`, `{"a":{"b":1,"b":2}}`, true},
		{"both conjuncts decided by later duplicates", `{ $.status = 500 && $.latency > 1000 }`, `{"status":200,"latency":5,"status":500,"latency":5000}`, true},
		{"a later duplicate undoes a match", `{ $.status = 500 && $.latency > 1000 }`, `{"status":500,"latency":5000,"latency":5}`, false},
		{"null replaces", `{ $.a IS NULL }`, `{"a":1,"a":null}`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, matchBothWays(t, MustCompile(c.pattern), c.msg))
		})
	}
	// Metric values follow the same rule.
	path, err := CompilePath("$.a.b")
	require.NoError(t, err)
	_, kind := path.Lookup([]byte(`{"a":{"b":1},"a":{}}`))
	assert.Equal(t, Missing, kind)
}

// Messages around the index's word and size boundaries take the same
// decisions either way.
func TestJSONIndexBoundaries(t *testing.T) {
	p := MustCompile(`{ $.k = "v" && $.n = 1 }`)
	for pad := 0; pad < 140; pad++ {
		msg := `{"p":"` + strings.Repeat("x", pad) + `","k":"v","n":1}`
		assert.True(t, matchBothWays(t, p, msg), "%q", msg)
		assert.False(t, matchBothWays(t, p, msg[:len(msg)-1]), "%q", msg)
	}
	for _, n := range []int{indexMax - 40, indexMax - 20, indexMax, indexMax + 10} {
		msg := `{"p":"` + strings.Repeat("y", n) + `","k":"v","n":1}`
		assert.True(t, matchBothWays(t, p, msg), "%d", n)
	}
}

// Match stops early on a message it has decided against (see
// scanner.decidedFalse); these are the cases where it must not.
func TestJSONShortcutNeverHidesALaterDuplicate(t *testing.T) {
	p := MustCompile(`{ $.status = 500 && $.latency > 1000 }`)
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{`{"status":200,"latency":5,"x":1,"status":500,"latency":5000}`, true},
		{`{"status":200,"latency":5,"st\u0061tus":500,"latency":5000}`, true},
		{`{"status":500,"latency":5,"x":[{"latency":1}],"latency":5000}`, true},
		{`{"status":500,"latency":5,"x":"latency","latency":5000}`, true},
		{`{"status":200,"latency":5000,"x":"\"","status":500}`, true},
		{`{"status":200,"latency":5000,"x":1,"status":500`, false},
		{`{"status":200,"latency":5000,"x":1}}`, false},
		{`{"status":200,"latency":5000,` + strings.Repeat(" ", 3000) + `"status":500}`, true},
	} {
		got := p.MatchString(c.msg)
		assert.Equal(t, c.want, got, "%q", c.msg)
		assert.Equal(t, c.want, matchBothWays(t, p, c.msg), "%q", c.msg)
	}
}

// The assembly quote index and the portable one agree, byte for byte, on
// messages dense in the bytes they look for (and in '#', which a careless
// zero-byte test confuses with a quote after a quote).
func TestQuoteIndexImplementationsAgree(t *testing.T) {
	if !haveIndexAsm {
		t.Skip("no assembly on this architecture")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("\"\"\"##\\\x00\x1f\x20\x21\x7f\x80\xff\n{}:,ab")
	for range 3000 {
		n := 16 + rng.IntN(indexMax-15)
		if rng.IntN(2) == 0 {
			n = 16 + rng.IntN(200)
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
			if rng.IntN(4) != 0 {
				b[i] = 'x' // mostly clean, so that some messages qualify
			}
		}
		if rng.IntN(2) == 0 { // no backslash or control byte
			for i, c := range b {
				if c == '\\' || c < 0x20 {
					b[i] = '#'
				}
			}
		}
		asm, swar := scanner{b: b}, scanner{b: b}
		asm.index()
		swar.indexSWAR()
		require.Equal(t, swar.qn, asm.qn, "%q", b)
		if asm.qn > 0 {
			require.Equal(t, swar.qm, asm.qm, "%q", b)
		}
	}
}

// Compact messages with the shape take the matcher's fast paths
// (quote index, call-free member loop, early "no"): it agrees with the slow
// reference on many of them, with duplicates, odd numbers and broken tails.
func TestJSONFastPathsAgreeWithTheReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	patterns := []string{
		`{ $.status = 500 && $.latency > 1000 }`,
		`{ $.status != 500 || $.latency <= 10 }`,
		`{ $.level = "ERROR" && $.status >= 400 }`,
		`{ $.latency NOT EXISTS || $.level = W* }`,
		`{ $.status = 5* && $.a IS NULL }`,
	}
	n := 20000
	if testing.Short() {
		n = 3000
	}
	for range n {
		var fields []string
		for k := rng.IntN(7); k >= 0; k-- {
			key := pick("status", "latency", "level", "stat", "latencyx", "a", "path", "st\\u0061tus")
			val := pick("500", "200", "1500", "999", "0", "-5", "500.0", "5e2", "12345678901234567", `"500"`, `"ERROR"`,
				`"WARN"`, `"/api/v1/items/1"`, "null", "true", `[500]`, `{"status":500}`, `""`)
			fields = append(fields, `"`+key+`":`+val)
		}
		msg := "{" + strings.Join(fields, ",") + "}"
		switch rng.IntN(8) {
		case 0:
			msg = msg[:rng.IntN(len(msg))]
		case 1:
			k := rng.IntN(len(msg))
			msg = msg[:k] + pick(`"`, `,`, `}`, `x`, ` `, `:`) + msg[k:]
		case 2:
			msg = strings.ReplaceAll(msg, ":", ": ")
		case 3:
			msg = strings.ReplaceAll(strings.ReplaceAll(msg, ":", ": "), ",", ", ")
		case 4:
			msg = strings.ReplaceAll(msg, ",", pick(", ", " ,", ",  "))
		}
		for _, pat := range patterns {
			p := MustCompile(pat)
			want := refMatch(t, pat, msg)
			if got := p.MatchString(msg); got != want {
				t.Fatalf("pattern %s on %q: matcher %v, reference %v", pat, msg, got, want)
			}
			matchBothWays(t, p, msg)
		}
	}
}
