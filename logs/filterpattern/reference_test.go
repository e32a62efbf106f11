package filterpattern

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// This file is a slow, obvious reference matcher written straight from the AWS
// guide, independent of the compiled matcher: tokens first, then a recursive
// evaluator over encoding/json's decoded values and a brute-force alignment of
// space-delimited fields. Tests and the fuzzer check that both agree.

func refMatch(t testing.TB, pattern, msg string) bool {
	ok, err := refEval(pattern, msg)
	if err != nil {
		t.Fatalf("reference matcher cannot evaluate %q: %v", pattern, err)
	}
	return ok
}

type refTok struct {
	kind string // word, str, re, op, punct
	text string
}

var refTokRE = regexp.MustCompile(`^(?:\s+|"(?:[^"\\]|\\.)*"|%[^%]*%|&&|\|\||!=|<=|>=|=|<|>|\(|\)|\{|\}|\[|\]|,|\.\.\.|[^\s"%&|!=<>(){}\[\],]+)`)

func refTokens(s string) []refTok {
	var out []refTok
	for len(s) > 0 {
		m := refTokRE.FindString(s)
		if m == "" {
			out = append(out, refTok{"punct", s[:1]})
			s = s[1:]
			continue
		}
		s = s[len(m):]
		switch {
		case strings.TrimSpace(m) == "":
		case m[0] == '"':
			u := m[1 : len(m)-1]
			var b strings.Builder
			for i := 0; i < len(u); i++ {
				if u[i] == '\\' && i+1 < len(u) {
					i++
				}
				b.WriteByte(u[i])
			}
			out = append(out, refTok{"str", b.String()})
		case m[0] == '%' && len(m) > 1:
			out = append(out, refTok{"re", m[1 : len(m)-1]})
		case strings.Contains("&&||!=<=>=<>", m) && len(m) <= 2 && strings.Trim(m, "&|!=<>") == "":
			out = append(out, refTok{"op", m})
		case len(m) == 1 && strings.Contains("(){}[],", m):
			out = append(out, refTok{"punct", m})
		case m == "...":
			out = append(out, refTok{"punct", m})
		default:
			out = append(out, refTok{"word", m})
		}
	}
	return out
}

type refErr string

func (e refErr) Error() string { return string(e) }

func refEval(pattern, msg string) (bool, error) {
	p := strings.TrimSpace(pattern)
	switch {
	case p == "" || strings.TrimSpace(strings.Trim(p, `"`)) == "" && strings.Count(p, `"`) == 2:
		return true, nil
	case p[0] == '{':
		toks := refTokens(p)
		var doc map[string]any
		d := json.NewDecoder(strings.NewReader(msg))
		d.UseNumber()
		if err := d.Decode(&doc); err != nil || doc == nil || d.More() { // nil: the message was null
			return false, nil
		}
		if _, err := d.Token(); err != io.EOF {
			return false, nil // more after the object, even a stray } or ]
		}
		r := &refJSON{toks: toks[1 : len(toks)-1], doc: doc}
		return r.or(), nil
	case p[0] == '[':
		return refDelimited(p, msg)
	}
	// Unstructured, as the current guide says: "?" terms match any of them, but
	// "if you combine "?" with other filter patterns, all question mark terms
	// will be ignored" (`?ERROR ?ARGUMENTS REQUEST` is `REQUEST`).
	type refTerm struct {
		q, neg bool
		tk     refTok
	}
	var terms []refTerm
	q, neg := false, false
	for _, tk := range refTokens(p) {
		if tk.kind == "punct" && tk.text == "?" {
			q = true
			continue
		}
		if tk.kind == "word" {
			for strings.HasPrefix(tk.text, "?") || strings.HasPrefix(tk.text, "-") {
				if tk.text[0] == '?' {
					q = true
				} else {
					neg = true
				}
				tk.text = tk.text[1:]
			}
			if tk.text == "" {
				continue
			}
		}
		terms = append(terms, refTerm{q: q, neg: neg, tk: tk})
		q, neg = false, false
	}
	holds := func(t refTerm) bool {
		var has bool
		if t.tk.kind == "re" {
			has = regexp.MustCompile(t.tk.text).MatchString(msg)
		} else {
			has = strings.Contains(msg, t.tk.text)
		}
		return has != t.neg
	}
	plain := false
	for _, t := range terms {
		plain = plain || !t.q
	}
	for _, t := range terms {
		if plain && !t.q && !holds(t) {
			return false, nil
		}
		if !plain && holds(t) {
			return true, nil
		}
	}
	return plain, nil
}

type refJSON struct {
	toks []refTok
	i    int
	doc  map[string]any
}

func (r *refJSON) peek() refTok {
	if r.i < len(r.toks) {
		return r.toks[r.i]
	}
	return refTok{}
}

func (r *refJSON) or() bool {
	v := r.and()
	for r.peek().text == "||" {
		r.i++
		w := r.and()
		v = v || w
	}
	return v
}

func (r *refJSON) and() bool {
	v := r.unary()
	for r.peek().text == "&&" {
		r.i++
		w := r.unary()
		v = v && w
	}
	return v
}

func (r *refJSON) unary() bool {
	if r.peek().text == "(" {
		r.i++
		v := r.or()
		r.i++ // ')'
		return v
	}
	// Selector: words and [n] tokens up to an operator.
	sel := ""
	for r.peek().kind == "word" || r.peek().text == "[" || r.peek().text == "]" || r.peek().kind == "str" && strings.HasSuffix(sel, "[") {
		if r.peek().text == "IS" || r.peek().text == "NOT" {
			break
		}
		if r.peek().kind == "str" {
			sel += "'" + r.peek().text + "'" // $.["key"]
		} else {
			sel += r.peek().text
		}
		r.i++
	}
	// A wildcard selects many values; the comparison holds when it holds for
	// any (NOT EXISTS: when none is selected).
	vals := refLookup(r.doc, sel)
	tk := r.peek()
	r.i++
	if tk.text == "IS" || tk.text == "NOT" {
		kw := r.peek().text
		r.i++
		if tk.text+" "+kw == "NOT EXISTS" {
			return len(vals) == 0
		}
		for _, val := range vals {
			switch tk.text + " " + kw {
			case "IS NULL":
				if val == nil {
					return true
				}
			case "IS TRUE":
				if val == true {
					return true
				}
			case "IS FALSE":
				if val == false {
					return true
				}
			}
		}
		return false
	}
	rhs := r.peek()
	r.i++
	for _, val := range vals {
		var text string
		isNum := false
		switch v := val.(type) {
		case string:
			text = v
		case json.Number:
			text, isNum = string(v), true
		default:
			continue
		}
		if refCompare(tk.text, rhs, text, isNum) {
			return true
		}
	}
	return false
}

// refCompare applies op with right-hand token rhs to a field's text. isNum says
// the field is numeric (a JSON number, or any field that parses as a number in a
// space-delimited event).
func refCompare(op string, rhs refTok, text string, isNum bool) bool {
	rn, rIsNum := float64(0), false
	if rhs.kind == "word" {
		if f, err := strconv.ParseFloat(strings.TrimPrefix(rhs.text, "+"), 64); err == nil && !strings.ContainsAny(rhs.text, "xXnN_") && !strings.HasPrefix(rhs.text, ".") {
			rn, rIsNum = f, true
		}
	}
	fn, ferr := strconv.ParseFloat(text, 64)
	if op != "=" && op != "!=" {
		if !isNum || ferr != nil {
			return false
		}
		switch op {
		case "<":
			return fn < rn
		case ">":
			return fn > rn
		case "<=":
			return fn <= rn
		case ">=":
			return fn >= rn
		}
	}
	var eq bool
	switch {
	case rhs.kind == "re":
		eq = regexp.MustCompile(rhs.text).MatchString(text)
	case rIsNum && isNum && ferr == nil:
		eq = fn == rn
	default:
		pat := rhs.text
		switch {
		case pat != "" && strings.Trim(pat, "*") == "":
			eq = true
		case strings.HasPrefix(pat, "*") && strings.HasSuffix(pat, "*"):
			eq = strings.Contains(text, pat[1:len(pat)-1])
		case strings.HasPrefix(pat, "*"):
			eq = strings.HasSuffix(text, pat[1:])
		case strings.HasSuffix(pat, "*"):
			eq = strings.HasPrefix(text, pat[:len(pat)-1])
		default:
			eq = text == pat
		}
	}
	return eq == (op == "=")
}

var refStepRE = regexp.MustCompile(`\.?\[['"]([^'"]*)['"]\]|(\.\*)|(\[\*\])|\.([A-Za-z0-9_-]+)|\[(\d+)\]`)

// refLookup returns every value sel selects in doc: one at most without
// wildcards ($.* any member, [*] any element).
func refLookup(doc map[string]any, sel string) []any {
	cur := []any{doc}
	for _, m := range refStepRE.FindAllStringSubmatch(strings.TrimPrefix(sel, "$"), -1) {
		var next []any
		for _, v := range cur {
			obj, isObj := v.(map[string]any)
			arr, isArr := v.([]any)
			switch {
			case m[1] != "" || m[4] != "":
				key := m[1] + m[4]
				if x, ok := obj[key]; isObj && ok {
					next = append(next, x)
				}
			case m[2] != "":
				for _, k := range slices.Sorted(maps.Keys(obj)) {
					next = append(next, obj[k])
				}
			case m[3] != "":
				next = append(next, arr...)
			default:
				n, _ := strconv.Atoi(m[5])
				if isArr && n < len(arr) {
					next = append(next, arr[n])
				}
			}
		}
		cur = next
	}
	return cur
}

var refFieldRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"?|\[[^\]]*\]?|[^\s]+`)

func refDelimited(p, msg string) (bool, error) {
	// Elements: split the inside of [...] at top-level commas.
	body := p[1 : len(p)-1]
	var elems []string
	depth, inQ, inR, start := 0, false, false, 0
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case inQ:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQ = false
			}
		case inR:
			if c == '%' {
				inR = false
			}
		case c == '"':
			inQ = true
		case c == '%':
			inR = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			elems = append(elems, strings.TrimSpace(body[start:i]))
			start = i + 1
		}
	}
	elems = append(elems, strings.TrimSpace(body[start:]))
	if len(elems) == 1 && elems[0] == "" {
		return true, nil // `[]` matches every event (API Reference, TestMetricFilter)
	}
	var fields []string
	for _, f := range refFieldRE.FindAllString(msg, -1) {
		if f[0] == '"' || f[0] == '[' {
			f = f[1:]
			if strings.HasSuffix(f, `"`) || strings.HasSuffix(f, "]") {
				f = f[:len(f)-1]
			}
		}
		fields = append(fields, f)
	}
	var try func(ei, fi int) bool
	try = func(ei, fi int) bool {
		if ei == len(elems) {
			return fi == len(fields)
		}
		if elems[ei] == "..." {
			for k := fi; k <= len(fields); k++ {
				if try(ei+1, k) {
					return true
				}
			}
			return false
		}
		if fi >= len(fields) {
			return false
		}
		return refElem(elems[ei], fields[fi]) && try(ei+1, fi+1)
	}
	return try(0, 0), nil
}

// refElem evaluates one element's conditions against its field.
func refElem(el, field string) bool {
	toks := refTokens(el)
	if len(toks) <= 1 {
		return true
	}
	_, numErr := strconv.ParseFloat(field, 64)
	r := &refDelim{toks: toks, field: field, isNum: numErr == nil}
	return r.or()
}

type refDelim struct {
	toks  []refTok
	i     int
	field string
	isNum bool
}

func (r *refDelim) peek() string {
	if r.i < len(r.toks) {
		return r.toks[r.i].text
	}
	return ""
}

func (r *refDelim) or() bool {
	v := r.and()
	for r.peek() == "||" {
		r.i++
		w := r.and()
		v = v || w
	}
	return v
}

func (r *refDelim) and() bool {
	v := r.unary()
	for r.peek() == "&&" {
		r.i++
		w := r.unary()
		v = v && w
	}
	return v
}

func (r *refDelim) unary() bool {
	if r.peek() == "(" {
		r.i++
		v := r.or()
		r.i++
		return v
	}
	r.i++ // name
	op := r.peek()
	r.i++
	rhs := r.toks[r.i]
	r.i++
	return refCompare(op, rhs, r.field, r.isNum)
}

var _ = bytes.Equal
