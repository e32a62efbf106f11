package filterpattern

// JSON patterns ({ $.selector op value ... }), in the order a message meets
// them:
//
//   - json.go compiles the pattern (parseJSON): its selectors go into one
//     trie, each selector ending in the slot its value fills;
//   - json_trie.go is that trie of object keys and array indexes;
//   - json_path.go parses selectors and offers them alone ([Path]);
//   - json_scan.go is the scanner: the quote index of a message and the
//     lexing of its strings, numbers, literals and skipped values;
//   - json_flat.go is the fast path for patterns on top-level keys only,
//     driven by the quote index;
//   - json_walk.go is the general walk of a document along the trie;
//   - json_eval.go evaluates the expression on the filled slots (and on a
//     decoded document for selectors with wildcards).

func (p *Pattern) parseJSON(src string) error {
	p.jtrie = &jnode{slot: -1}
	ep := &exprParser{src: src}
	ep.ws()
	ep.i++ // '{'
	ep.cond = func(ep *exprParser) (*expr, error) {
		path, err := parseSelector(ep)
		if err != nil {
			return nil, err
		}
		e := &expr{}
		ep.ws()
		switch {
		case ep.peek2("IS NULL"):
			e.op = opIsNull
			ep.i += 7
		case ep.peek2("IS TRUE"):
			e.op = opIsTrue
			ep.i += 7
		case ep.peek2("IS FALSE"):
			e.op = opIsFalse
			ep.i += 8
		case ep.peek2("NOT EXISTS"):
			e.op = opNotExists
			ep.i += 10
		default:
			o, ok := ep.parseOp()
			if !ok {
				return nil, ep.errf("expected an operator (=, !=, <, >, <=, >=, IS NULL, IS TRUE, IS FALSE, NOT EXISTS) after the selector")
			}
			e.op = o
			v, err := ep.parseValue(o, ")}", &p.regexN)
			if err != nil {
				return nil, err
			}
			e.val = v
		}
		if ep.i < len(ep.src) && isWordByte(ep.src[ep.i]) {
			return nil, ep.errf("unexpected text after a condition")
		}
		e.path = path
		if hasWildcard(path) {
			p.jwild = true
			e.slot = -1
		} else {
			e.slot = p.jtrie.insert(path, &p.jn)
		}
		if e.val.isNum {
			e.numMask = [...]uint8{opEq: 0b010, opNe: 0b101, opLt: 0b001, opGt: 0b100, opLe: 0b011, opGe: 0b110, opIsNull: 0, opNotExists: 0, opIsTrue: 0, opIsFalse: 0}[e.op]
		}
		return e, nil
	}
	e, err := ep.parseOr(0)
	if err != nil {
		return err
	}
	ep.ws()
	if ep.i >= len(src) || src[ep.i] != '}' {
		if ep.i < len(src) && src[ep.i] == ')' {
			return ep.errf("unbalanced closing parenthesis")
		}
		return ep.errf("expected && or || or the closing } of a JSON pattern")
	}
	ep.i++
	ep.ws()
	if ep.i != len(src) {
		return ep.errf("unexpected text after the closing } of a JSON pattern")
	}
	p.jexpr = e
	p.jtrie.finish()
	p.jflat = len(p.jtrie.keys)
	for _, k := range p.jtrie.keys {
		if len(k.next.keys) > 0 || len(k.next.idx) > 0 {
			p.jflat = 0
		}
	}
	return nil
}
