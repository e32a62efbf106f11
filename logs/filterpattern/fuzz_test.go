package filterpattern

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCompile checks that the parser never panics or hangs and that a compiled
// pattern can be matched against any message.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		``, `ERROR`, `?ERROR ?WARN -x`, `"a b" -"c"`, `%a{1,3}%`, `{ $.a = 1 }`,
		`{ ($.a.b[0] = "x*" || $.c > 1e3) && $.d NOT EXISTS }`, `[a, ..., b = 4* && b != 404, c > 1]`,
		`[..., request=*.html*, status_code=4*,]`, `{ $.x = %^a|b$% }`, `[`, `{`, `{ $.a = "`, `((((`,
		`[]`, `{ $.b[*].c = x }`, `{ $.* = 1 }`, `{ $.['a.b'] = 1 }`, `{ $.[' }`, `{ $.["x"] IS NULL }`,
		`?a b ?c`, `%^x|^y z%`, `%a{1,1000}b%`,
	} {
		f.Add(s, `{"a": 1, "b": [1, {"c": "x"}], "d": null} ERROR WARN [x y] "q r" 404`)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := Compile(pattern)
		if err != nil {
			if p != nil {
				t.Fatal("error with a pattern")
			}
			return
		}
		p.MatchString(msg)
		p.Fields([]byte(msg))
	})
}

// jsonDepth is the deepest nesting of objects and arrays in a valid document.
func jsonDepth(msg []byte) int {
	d, max, inStr := 0, 0, false
	for i := 0; i < len(msg); i++ {
		switch c := msg[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			if d++; d > max {
				max = d
			}
		case c == '}' || c == ']':
			d--
		}
	}
	return max
}

// gen turns fuzz bytes into a valid pattern and a message likely to exercise it.
type gen struct {
	b []byte
	i int
}

func (g *gen) n(k int) int {
	if g.i >= len(g.b) || k <= 1 {
		g.i++
		return 0
	}
	v := int(g.b[g.i]) % k
	g.i++
	return v
}

func (g *gen) pick(xs ...string) string { return xs[g.n(len(xs))] }

func (g *gen) word() string { return g.pick("a", "b", "ERROR", "WARN", "404", "500", "x1", "ab") }

func (g *gen) val() string {
	return g.pick("a", "b", "a*", "*b", "*a*", "*", `"a b"`, "404", "4*", "-1.5", "1e2", "%^a%", "%4[0-9]%", `""`, "ERROR")
}

func (g *gen) numVal() string { return g.pick("0", "404", "-1.5", "1e2", "+3", "500") }

func (g *gen) cmp(lhs string) string {
	switch g.n(6) {
	case 0:
		return lhs + " = " + g.val()
	case 1:
		return lhs + " != " + g.val()
	case 2:
		return lhs + " " + g.pick("<", ">", "<=", ">=") + " " + g.numVal()
	}
	if strings.HasPrefix(lhs, "$") {
		return lhs + g.pick(" IS NULL", " NOT EXISTS", " IS TRUE", " IS FALSE")
	}
	return lhs + " = " + g.val()
}

func (g *gen) boolExpr(depth int, leaf func() string) string {
	if depth > 2 || g.n(3) == 0 {
		return leaf()
	}
	l := g.boolExpr(depth+1, leaf)
	r := g.boolExpr(depth+1, leaf)
	s := l + g.pick(" && ", " || ") + r
	if g.n(2) == 0 {
		s = "(" + s + ")"
	}
	return s
}

func (g *gen) jsonScalar() string {
	return g.pick(`"a"`, `"b"`, `"a b"`, `404`, `-1.5`, `1e2`, `500`, `null`, `true`, `false`, `"ERROR"`, `"4x"`, `[1,2]`, `{"z":1}`, `"\u0061"`,
		`0`, `-0`, `404.0`, `4e2`, `1234567890123456789`, `-404`, `"404"`, `"#"`, `""`)
}

func (g *gen) generate() (pattern, msg string) {
	regexes := 0
	switch g.n(3) {
	case 0: // terms
		var parts []string
		for k := 0; k <= g.n(4); k++ {
			t := g.word()
			switch g.n(5) {
			case 0:
				t = "?" + t
			case 1:
				t = "-" + t
			case 2:
				t = `"` + t + ` ` + g.word() + `"`
			case 3:
				if regexes < MaxRegex {
					regexes++
					t = "%" + g.pick("^a", "b$", "[0-9]{3}", "ER+OR", "a|W") + "%"
				}
			}
			parts = append(parts, t)
		}
		pattern = strings.Join(parts, " ")
		var m []string
		for k := 0; k <= g.n(6); k++ {
			m = append(m, g.word())
		}
		msg = strings.Join(m, g.pick(" ", "", "-"))
	case 1: // JSON
		sels := []string{"$.a", "$.b", "$.c.d", "$.e[0]", "$.e[1]", "$.a", "$.b", "$.c.d", "$.e[0]", "$.e[1]",
			"$.e[*]", "$.*", "$.c.*", "$.['k.x']", `$.["c"].d`}
		pattern = "{ " + g.boolExpr(0, func() string {
			s := g.cmp(g.pick(sels...))
			if strings.Contains(s, "%") {
				if regexes >= MaxRegex {
					return g.pick(sels...) + " NOT EXISTS"
				}
				regexes++
			}
			return s
		}) + " }"
		var fields []string
		colon := g.pick(": ", ":") // compact messages take the matcher's fast loop
		for _, k := range []string{"a", "b"} {
			if g.n(4) != 0 {
				fields = append(fields, fmt.Sprintf("%q%s%s", k, colon, g.jsonScalar()))
			}
		}
		if g.n(2) == 0 {
			fields = append(fields, fmt.Sprintf(`"c"%s{"d": %s}`, colon, g.jsonScalar()))
		}
		if g.n(2) == 0 {
			fields = append(fields, fmt.Sprintf(`"e"%s[%s, %s]`, colon, g.jsonScalar(), g.jsonScalar()))
		}
		if g.n(2) == 0 {
			fields = append(fields, fmt.Sprintf(`"pad"%s"%s"`, colon, strings.Repeat("x", g.n(80))))
		}
		if g.n(3) == 0 {
			fields = append(fields, fmt.Sprintf(`"k.x"%s%s`, colon, g.jsonScalar()))
		}
		// Duplicate keys (the last one wins), also replacing an object or an
		// array the pattern looks into.
		switch g.n(6) {
		case 0:
			fields = append(fields, fmt.Sprintf(`"a"%s%s`, colon, g.jsonScalar()))
		case 1:
			fields = append(fields, fmt.Sprintf(`"c"%s%s`, colon, g.pick(`{"d": 404}`, `{"x": 1}`, `5`, `[1]`)))
		case 2:
			fields = append(fields, fmt.Sprintf(`"e"%s%s`, colon, g.pick(`[404]`, `["a", "b", "c"]`, `{"0": 1}`)))
		}
		// Keys and values with escapes, and unselected values of every shape.
		if g.n(3) == 0 {
			fields = append(fields, g.pick(`"\u0062": "a"`, `"x\"y": [{"z": [true, null]}, -0.5e+3]`, `"t": "tab\there"`, `"n": {}`, `"m": []`))
		}
		msg = "{" + strings.Join(fields, g.pick(", ", ",", " ,\n ")) + "}"
		// Malformed messages never match.
		if g.n(5) == 0 {
			k := g.n(len(msg))
			switch g.n(4) {
			case 0:
				msg = msg[:k]
			case 1:
				msg = msg[:k] + g.pick(`"`, `,`, `}`, `]`, `\`, "\x01", `:`) + msg[k:]
			case 2:
				msg += g.pick(`}`, ` x`, `{}`, `,`)
			default:
				msg = strings.Replace(msg, g.pick(`:`, `,`, `"`, `1`, `true`), g.pick(``, `::`, `tru`, `01`, `'`), 1)
			}
		}
	default: // space-delimited
		var elems []string
		ell := false
		for k := 0; k <= g.n(4); k++ {
			name := fmt.Sprintf("f%d", k)
			switch g.n(4) {
			case 0:
				if !ell || g.n(3) == 0 {
					elems = append(elems, "...")
					ell = true
					continue
				}
				elems = append(elems, name)
			case 1:
				elems = append(elems, name)
			default:
				elems = append(elems, g.boolExpr(1, func() string {
					s := g.cmp(name)
					if strings.Contains(s, "%") {
						if regexes >= MaxRegex {
							return name + " = *"
						}
						regexes++
					}
					return s
				}))
			}
		}
		pattern = "[" + strings.Join(elems, ", ") + "]"
		var m []string
		for k := 0; k <= g.n(6); k++ {
			m = append(m, g.pick("a", "b", "404", "-1.5", "1e2", `"a b"`, "[x y]", "ERROR", "ab", "4x"))
		}
		msg = strings.Join(m, g.pick(" ", "  "))
	}
	return pattern, msg
}

// FuzzMatchesReference checks the compiled matcher against the slow reference
// matcher on generated valid patterns.
func FuzzMatchesReference(f *testing.F) {
	for i := range 64 {
		f.Add([]byte(fmt.Sprintf("%d-seed-%d-%d", i, i*7, i*13)))
	}
	f.Fuzz(func(t *testing.T, seed []byte) {
		g := &gen{b: seed}
		pattern, msg := g.generate()
		p, err := Compile(pattern)
		if err != nil {
			t.Fatalf("generated pattern %q does not compile: %v", pattern, err)
		}
		want := refMatch(t, pattern, msg)
		if got := p.MatchString(msg); got != want {
			t.Fatalf("pattern %q on %q: matcher %v, reference %v", pattern, msg, got, want)
		}
	})
}

// TestMatchesReferenceOnManyGeneratedPatterns runs the generator without the fuzz
// engine so every `go test` compares thousands of cases.
func TestMatchesReferenceOnManyGeneratedPatterns(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	rng := rand.New(rand.NewPCG(1, 2))
	seed := make([]byte, 48)
	for range n {
		for k := range seed {
			seed[k] = byte(rng.Uint32())
		}
		g := &gen{b: seed}
		pattern, msg := g.generate()
		p, err := Compile(pattern)
		if err != nil {
			t.Fatalf("generated pattern %q does not compile: %v", pattern, err)
		}
		if got, want := p.MatchString(msg), refMatch(t, pattern, msg); got != want {
			t.Fatalf("pattern %q on %q: matcher %v, reference %v", pattern, msg, got, want)
		}
	}
}

// FuzzJSONScanner checks that every valid JSON object is accepted by the
// scanner and that a selector finds what encoding/json finds.
func FuzzJSONScanner(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":{"b":[1,"x",null,true]}}`, ` {"a" : "\u00e9\n"} `, `{"a":[[]],"a":2}`, `{`, `{"a":1,}`, `[1]`,
		`{"a":"x\q"}`, "{\"a\":\"x\ny\"}", `{"a":1}}`, `{"a":01}`, `{"b":[1,2}`, `{"a\u0000":1,"\u0061":2}`, `{"a":"12345678\"9"}`} {
		f.Add([]byte(s))
	}
	p := MustCompile(`{ $.a = * || $.a IS NULL || $.a IS TRUE || $.a.b[1] = * }`)
	flat := MustCompile(`{ $.a = * || $.a IS NULL || $.a IS TRUE || $.b NOT EXISTS }`) // top-level keys only
	path, _ := CompilePath("$.a")
	f.Fuzz(func(t *testing.T, msg []byte) {
		var v any
		valid := json.Unmarshal(msg, &v) == nil
		obj, isObj := v.(map[string]any)
		p.Match(msg)
		text, kind := path.Lookup(msg)
		if !utf8.Valid(msg) {
			return // CloudWatch Logs messages are valid UTF-8
		}
		flatGot := flat.Match(msg)
		if !valid || !isObj {
			if flatGot && (!valid || jsonDepth(msg) <= maxJSONDepth) {
				t.Fatalf("%q (valid JSON %v, an object %v) matched", msg, valid, isObj)
			}
			// Neither scan accepts what is not one JSON object.
			for _, noIndex := range []bool{false, true} {
				sc := scanner{b: msg, noIndex: noIndex}
				if sc.document(path.trie, make([]jval, 1)) && (!valid || jsonDepth(msg) <= maxJSONDepth) {
					t.Fatalf("%q (valid JSON %v, an object %v) accepted, noIndex %v", msg, valid, isObj, noIndex)
				}
			}
			return
		}
		sc, slots := scanner{b: msg}, make([]jval, 1)
		if !sc.document(path.trie, slots) {
			t.Fatalf("valid JSON object %q rejected", msg)
		}
		if sc2, slots2 := (scanner{b: msg, noIndex: true}), make([]jval, 1); !sc2.document(path.trie, slots2) || slots2[0] != slots[0] {
			t.Fatalf("%q: the byte scan and the indexed scan disagree", msg)
		}
		want, has := obj["a"]
		_, hasB := obj["b"]
		var flatWant bool
		switch want.(type) {
		case string, float64:
			flatWant = true
		case nil:
			flatWant = has
		case bool:
			flatWant = want == true
		}
		if flatWant = flatWant || !hasB; flatGot != flatWant && jsonDepth(msg) <= maxJSONDepth {
			t.Fatalf("%q: flat pattern %v, want %v", msg, flatGot, flatWant)
		}
		switch w := want.(type) {
		case string:
			if kind != String || text != w {
				t.Fatalf("%q: $.a = %q (%v), want string %q", msg, text, kind, w)
			}
		case nil:
			if has && kind != Null {
				t.Fatalf("%q: $.a kind %v, want null", msg, kind)
			}
			if !has && kind != Missing {
				t.Fatalf("%q: $.a kind %v, want missing", msg, kind)
			}
		case bool:
			if (kind == True) != w || (kind == False) == w {
				t.Fatalf("%q: $.a kind %v, want %v", msg, kind, w)
			}
		case float64:
			if kind != Number {
				t.Fatalf("%q: $.a kind %v, want number", msg, kind)
			}
		}
	})
}
