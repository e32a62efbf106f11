package filterpattern

import (
	"strconv"
	"strings"
)

func isSelectorByte(c byte) bool { return isWordByte(c) || c == '-' }

// parseSelector parses `$.a.b[0]` at ep.i.
func parseSelector(ep *exprParser) ([]step, error) {
	ep.ws()
	if ep.i >= len(ep.src) || ep.src[ep.i] != '$' {
		return nil, ep.errf("a JSON condition must start with a selector such as $.field")
	}
	ep.i++
	var path []step
	for ep.i < len(ep.src) {
		c := ep.src[ep.i]
		if c == '.' && ep.i+1 < len(ep.src) && ep.src[ep.i+1] == '*' {
			path = append(path, step{index: anyMember})
			ep.i += 2
			continue
		}
		if c == '.' && ep.i+1 < len(ep.src) && ep.src[ep.i+1] == '[' || c == '[' && ep.i+1 < len(ep.src) && (ep.src[ep.i+1] == '\'' || ep.src[ep.i+1] == '"') {
			// Bracket notation for keys with dots or other characters:
			// $.['cluster.name'] (or ["cluster.name"]).
			if c == '.' {
				ep.i++
			}
			if ep.i+1 >= len(ep.src) || (ep.src[ep.i+1] != '\'' && ep.src[ep.i+1] != '"') {
				return nil, ep.errf("a quoted property name must follow '.[' in a selector, as in $.['cluster.name']")
			}
			q := ep.src[ep.i+1]
			j := strings.IndexByte(ep.src[ep.i+2:], q)
			if j < 0 || ep.i+2+j+1 >= len(ep.src) || ep.src[ep.i+2+j+1] != ']' {
				return nil, ep.errf("unterminated bracketed property name; use $.['name']")
			}
			key := ep.src[ep.i+2 : ep.i+2+j]
			if key == "" {
				return nil, ep.errf("empty bracketed property name")
			}
			path = append(path, step{key: key, index: -1})
			ep.i += 2 + j + 2
			continue
		}
		if c == '.' {
			ep.i++
			j := ep.i
			for j < len(ep.src) && isSelectorByte(ep.src[j]) {
				j++
			}
			if j == ep.i {
				return nil, ep.errf("a property name (letters, digits, - and _) must follow '.' in a selector")
			}
			path = append(path, step{key: ep.src[ep.i:j], index: -1})
			ep.i = j
			continue
		}
		if c == '[' {
			if len(path) == 0 {
				return nil, ep.errf("array elements must follow a property, as in $.list[0]")
			}
			ep.i++
			if ep.peek2("*]") {
				path = append(path, step{index: anyElement})
				ep.i += 2
				continue
			}
			j := ep.i
			for j < len(ep.src) && ep.src[j] >= '0' && ep.src[j] <= '9' {
				j++
			}
			if j == ep.i || j >= len(ep.src) || ep.src[j] != ']' {
				return nil, ep.errf("an array index must be a number in brackets, as in [0]")
			}
			n, err := strconv.Atoi(ep.src[ep.i:j])
			if err != nil || n > 1<<20 {
				return nil, ep.errf("array index %s is too large", ep.src[ep.i:j])
			}
			path = append(path, step{index: n})
			ep.i = j + 1
			continue
		}
		break
	}
	if len(path) == 0 {
		return nil, ep.errf("a selector must name a property, as in $.field")
	}
	if ep.i < len(ep.src) && !isSpace(ep.src[ep.i]) && strings.IndexByte("=!<>)}&|", ep.src[ep.i]) < 0 {
		return nil, ep.errf("unexpected character %q in selector", ep.src[ep.i:ep.i+1])
	}
	return path, nil
}

// Path is a compiled JSON selector such as $.latency or $.a.b[0], used by metric
// filters to take metric values and dimension values from JSON events.
type Path struct {
	src  string
	trie *jnode
}

// CompilePath parses a JSON selector ($.field, $.a.b, $.list[0]).
func CompilePath(sel string) (*Path, error) {
	ep := &exprParser{src: sel}
	path, err := parseSelector(ep)
	if err != nil {
		return nil, err
	}
	if ep.i != len(sel) {
		return nil, ep.errf("unexpected text after the selector")
	}
	if hasWildcard(path) {
		return nil, ep.errf("a selector that takes one value cannot use the wildcards * or [*]")
	}
	p := &Path{src: sel, trie: &jnode{slot: -1}}
	n := 0
	p.trie.insert(path, &n)
	p.trie.finish()
	return p, nil
}

// String returns the selector's text.
func (p *Path) String() string { return p.src }

// Lookup finds the selector's value in a JSON message. text is the decoded string
// or the number's text; kind is Missing when the message is not a JSON object or
// has nothing at the selector.
func (p *Path) Lookup(msg []byte) (text string, kind ValueKind) {
	var slots [1]jval
	sc := scanner{b: msg}
	if !sc.document(p.trie, slots[:]) {
		return "", Missing
	}
	v := slots[0]
	b := msg[v.start:v.end]
	if v.esc {
		b = unescape(nil, b)
	}
	switch v.kind {
	case String, Number:
		return string(b), v.kind
	case True:
		return "true", True
	case False:
		return "false", False
	case Null:
		return "null", Null
	}
	return "", v.kind
}
