package filterpattern

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/awserr"
)

// MaxRegex is the number of %regex% terms AWS allows in one filter pattern.
const MaxRegex = 2

// Kind is the form of a compiled pattern.
type Kind int

const (
	// KindMatchAll is the empty pattern (or `" "`): every event matches.
	KindMatchAll Kind = iota
	// KindTerms is an unstructured pattern of terms, phrases and regular expressions.
	KindTerms
	// KindJSON is a `{ ... }` pattern over JSON messages.
	KindJSON
	// KindSpaceDelimited is a `[ ... ]` pattern over space-delimited messages.
	KindSpaceDelimited
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindMatchAll:
		return "MatchAll"
	case KindTerms:
		return "Terms"
	case KindJSON:
		return "JSON"
	case KindSpaceDelimited:
		return "SpaceDelimited"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Pattern is a compiled filter pattern. It is immutable and safe for concurrent use.
type Pattern struct {
	src    string
	kind   Kind
	regexN int

	// KindTerms: alternatives (OR) of groups (AND of terms).
	groups []termGroup
	// literal is a byte string every matching message contains (nil if none).
	literal []byte
	// literalOnly: containing literal is also sufficient to match.
	literalOnly bool
	litSearch   literalSearch

	// KindJSON
	jexpr *expr
	jtrie *jnode
	jn    int // number of selector slots
	// jwild: some selector uses a wildcard ($.*, [*]); the pattern is then
	// evaluated on the decoded message (matchWild) after the scan validates it.
	jwild bool
	// jflat is the number of top-level keys the selectors use when every
	// selector is a top-level key ($.status, not $.a.b or $.a[0]), else 0:
	// such patterns take scanner.flat.
	jflat int

	// KindSpaceDelimited
	elems    []delimElem
	ellipses int
	names    map[string]int // field name -> element index
}

type termGroup struct {
	include []term
	exclude []term
}

type term struct {
	lit []byte
	re  *regex
}

func (t *term) in(msg []byte) bool {
	if t.re != nil {
		return t.re.Match(msg)
	}
	return bytes.Contains(msg, t.lit)
}

// String returns the pattern's source text.
func (p *Pattern) String() string { return p.src }

// Kind returns the pattern's form.
func (p *Pattern) Kind() Kind { return p.kind }

// RegexCount returns how many %regex% terms the pattern uses (AWS limits the number
// of regex-bearing filters per log group).
func (p *Pattern) RegexCount() int { return p.regexN }

// Literal returns a byte string that every message matching p contains, or nil when
// there is none. Callers scanning many contiguous messages can search for it first
// and evaluate p only around its occurrences. The slice must not be modified.
func (p *Pattern) Literal() []byte { return p.literal }

// LiteralOnly reports whether containing Literal() is all it takes to match (the
// pattern is a single term or quoted phrase).
func (p *Pattern) LiteralOnly() bool { return p.literalOnly }

// FieldNames returns the names of a space-delimited pattern's named fields in
// order (nil for other kinds).
func (p *Pattern) FieldNames() []string {
	var out []string
	for _, e := range p.elems {
		if !e.ellipsis {
			out = append(out, e.name)
		}
	}
	return out
}

// MustCompile is like Compile but panics on error; for patterns known at build time.
func MustCompile(pattern string) *Pattern {
	p, err := Compile(pattern)
	if err != nil {
		panic(err)
	}
	return p
}

// Compile parses a filter pattern. A pattern AWS would reject gets an
// InvalidParameterException (an *awserr.Error) whose message names the problem and
// its position.
func Compile(pattern string) (*Pattern, error) {
	p := &Pattern{src: pattern}
	s := strings.TrimSpace(pattern)
	if !utf8.ValidString(pattern) {
		return nil, invalid(pattern, 0, "the pattern is not valid UTF-8")
	}
	var err error
	switch {
	case s == "":
		p.kind = KindMatchAll
	case s[0] == '{':
		p.kind = KindJSON
		err = p.parseJSON(pattern)
	case s[0] == '[':
		p.kind = KindSpaceDelimited
		err = p.parseDelimited(pattern)
	default:
		p.kind = KindTerms
		err = p.parseTerms(pattern)
	}
	if err != nil {
		return nil, err
	}
	if p.regexN > MaxRegex {
		return nil, invalid(pattern, 0, fmt.Sprintf("the pattern has %d regular expressions; at most %d are allowed", p.regexN, MaxRegex))
	}
	return p, nil
}

func invalid(src string, pos int, why string) *awserr.Error {
	return awserr.New("InvalidParameterException", "Invalid filter pattern %q: %s (at position %d)", src, why, pos)
}

// Match reports whether msg matches the pattern.
func (p *Pattern) Match(msg []byte) bool {
	switch p.kind {
	case KindMatchAll:
		return true
	case KindTerms:
		return p.matchTerms(msg)
	case KindJSON:
		return p.matchJSON(msg)
	case KindSpaceDelimited:
		_, ok := p.matchDelimited(msg, false)
		return ok
	}
	return false
}

// MatchString is Match for a string message.
func (p *Pattern) MatchString(msg string) bool { return p.Match([]byte(msg)) }

// Fields matches msg and, for a space-delimited pattern, returns the extracted
// fields as AWS's TestMetricFilter reports them: "$name" for each named field and
// "$N" (1-based position) for fields covered by "...". For other kinds the map is
// empty. ok is false when msg does not match.
func (p *Pattern) Fields(msg []byte) (fields map[string]string, ok bool) {
	if p.kind != KindSpaceDelimited {
		if !p.Match(msg) {
			return nil, false
		}
		return map[string]string{}, true
	}
	return p.matchDelimited(msg, true)
}

func (p *Pattern) matchTerms(msg []byte) bool {
	for gi := range p.groups {
		g := &p.groups[gi]
		ok := true
		for i := range g.include {
			if !g.include[i].in(msg) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		for i := range g.exclude {
			if g.exclude[i].in(msg) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parseTerms parses an unstructured pattern.
func (p *Pattern) parseTerms(src string) error {
	i := 0
	var plain termGroup    // the terms without "?": all must hold
	var either []termGroup // the "?" terms, one group each: any may hold
	hasPlain := false
	onlyBlankPhrase := false
	nterms := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			break
		}
		start := i
		alt := false
		if src[i] == '?' {
			alt = true
			i++
			for i < len(src) && isSpace(src[i]) {
				i++
			}
		}
		neg := false
		if i < len(src) && src[i] == '-' {
			neg = true
			i++
			for i < len(src) && isSpace(src[i]) {
				i++
			}
		}
		if i >= len(src) {
			return invalid(src, start, "an operator is not followed by a term")
		}
		var t term
		switch c := src[i]; {
		case c == '"':
			s, next, err := quoted(src, i)
			if err != nil {
				return err
			}
			i = next
			t.lit = []byte(s)
			onlyBlankPhrase = strings.TrimSpace(s) == ""
		case c == '%':
			re, next, err := regexTerm(src, i)
			if err != nil {
				return err
			}
			p.regexN++
			i = next
			t.re = re
		case isWordByte(c) || c >= utf8.RuneSelf:
			j := i
			for j < len(src) {
				r, n := utf8.DecodeRuneInString(src[j:])
				if !(r < utf8.RuneSelf && isWordByte(byte(r)) || r >= utf8.RuneSelf && isLetterOrDigit(r)) {
					break
				}
				j += n
			}
			if j == i {
				return invalid(src, i, fmt.Sprintf("unexpected character %q; terms with characters other than letters, digits and underscore must be in double quotes", src[i:i+1]))
			}
			t.lit = []byte(src[i:j])
			i = j
		default:
			return invalid(src, i, fmt.Sprintf("unexpected character %q; terms with characters other than letters, digits and underscore must be in double quotes", src[i:i+1]))
		}
		if i < len(src) && !isSpace(src[i]) {
			return invalid(src, i, fmt.Sprintf("unexpected character %q after a term; separate terms with spaces, and put terms with other characters in double quotes", src[i:i+1]))
		}
		nterms++
		g := &plain
		if alt {
			either = append(either, termGroup{})
			g = &either[len(either)-1]
		} else {
			hasPlain = true
		}
		if neg {
			g.exclude = append(g.exclude, t)
		} else {
			g.include = append(g.include, t)
		}
	}
	// The current guide: "?" terms match events with any of them, but "if you
	// combine "?" with other filter patterns, all question mark terms will be
	// ignored" (`?ERROR ?ARGUMENTS REQUEST` matches every event containing
	// REQUEST). See the package doc for why this reading and not the CDK's.
	if hasPlain {
		p.groups = []termGroup{plain}
	} else {
		p.groups = either
	}
	if nterms == 1 && onlyBlankPhrase && len(p.groups[0].include) == 1 {
		// AWS documents `" "` as the pattern that matches everything.
		p.kind = KindMatchAll
		p.groups = nil
		return nil
	}
	if len(p.groups) == 1 {
		g := p.groups[0]
		p.literalOnly = len(g.include) == 1 && len(g.exclude) == 0 && g.include[0].re == nil && len(g.include[0].lit) > 0
		p.literal = rarestLiteral(g.include)
		if p.literal != nil {
			p.litSearch = newLiteralSearch(p.literal)
		}
	}
	return nil
}

func isLetterOrDigit(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// quoted parses a double-quoted string starting at src[i] == '"'. Backslash escapes
// the next character.
func quoted(src string, i int) (string, int, error) {
	start := i
	i++
	var b strings.Builder
	for i < len(src) {
		c := src[i]
		switch c {
		case '\\':
			if i+1 >= len(src) {
				return "", 0, invalid(src, i, "a backslash ends the pattern")
			}
			b.WriteByte(src[i+1])
			i += 2
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, invalid(src, start, "unterminated double-quoted string")
}

// regexAllowed reports whether c may appear inside %regex%: AWS's documented
// set (letters, digits, : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \ *
// + .) and the space, which the guide's own example uses
// (`%^starting|^initializing|^shutting down%`, issue 19).
func regexAllowed(c byte) bool {
	if isWordByte(c) {
		return true
	}
	return strings.IndexByte(" #=@/;,-:^$?[]{}|\\*+.", c) >= 0
}

// regexTerm parses %regex% starting at src[i] == '%'.
func regexTerm(src string, i int) (*regex, int, error) {
	start := i
	i++
	j := i
	for j < len(src) && src[j] != '%' {
		c := src[j]
		if c == '\\' && j+1 < len(src) && src[j+1] == '%' {
			return nil, 0, invalid(src, j, "a regular expression cannot contain %")
		}
		if c >= utf8.RuneSelf {
			return nil, 0, invalid(src, j, "multi-byte characters are not supported in regular expressions")
		}
		if c == '(' || c == ')' {
			return nil, 0, invalid(src, j, "the ( and ) operators are not supported in regular expressions")
		}
		if !regexAllowed(c) {
			return nil, 0, invalid(src, j, fmt.Sprintf("character %q is not supported in regular expressions", src[j:j+1]))
		}
		j++
	}
	if j >= len(src) {
		return nil, 0, invalid(src, start, "unterminated regular expression (missing closing %)")
	}
	body := src[i:j]
	if body == "" {
		return nil, 0, invalid(src, start, "empty regular expression")
	}
	re, why := compileRegex(body)
	if re == nil {
		return nil, 0, invalid(src, start, why)
	}
	return re, j + 1, nil
}
