package filterpattern

import (
	"bytes"
	"math/bits"
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// A regex is a compiled %regex% term or value. Its cost is linear in the event,
// with a small constant, whatever the expression.
//
// Why not Go's regexp alone: RE2 is linear in the event, but its constant is the
// number of live NFA threads, up to the program's size; counted repetition
// expands, so `%a{1,1000}b%` runs a 2,000-instruction program at every byte of
// an unanchored search and takes seconds per megabyte (issue 16: 23 s for one
// 1 MB event). AWS's subset has no parentheses, so every expression is an
// alternation of sequences of single-character atoms (a literal, a class, `.`),
// each optionally quantified (? * + {m,n}) and each alternative optionally
// anchored (^ $). That is exactly what the bit-parallel Shift-And algorithm with
// optional and repeated characters runs (Navarro & Raffinot, "Flexible Pattern
// Matching in Strings", 4.3-4.4): one bit per atom copy, and per character a
// shift, an AND with the character's mask, and a carry-propagating subtraction
// that skips optional runs — O(positions/64) word operations per character.
// Expressions outside that shape (a \b, an anchor inside a sequence, a Unicode
// class) fall back to Go's regexp, with its program size bounded.
type regex struct {
	src string
	nfa *bitNFA        // nil: use re
	re  *regexp.Regexp // the fallback, and the reference in tests
}

// Limits on a regular expression's size (localwatch's, not AWS's: AWS documents
// none; these keep every match linear with a small constant).
const (
	// maxRegexPositions bounds the atom copies after expanding {m,n}
	// (64 machine words per character at most).
	maxRegexPositions = 4096
	// maxFallbackInsts bounds the RE2 program of an expression that the
	// bit-parallel matcher cannot run.
	maxFallbackInsts = 200
)

func compileRegex(body string) (*regex, string) {
	re, err := regexp.Compile(body)
	if err != nil {
		return nil, "invalid regular expression: " + err.Error()
	}
	ast, err := syntax.Parse(body, syntax.Perl)
	if err != nil {
		return nil, "invalid regular expression: " + err.Error()
	}
	// Each top-level alternative is parsed alone: parsing the whole would
	// factor common prefixes (`^a|^b` becomes `^(?:a|b)`), a shape the
	// automaton does not take.
	var alts []*syntax.Regexp
	for _, a := range splitAlternatives(body) {
		x, err := syntax.Parse(a, syntax.Perl)
		if err != nil {
			alts = []*syntax.Regexp{ast} // a split RE2 reads otherwise
			break
		}
		alts = append(alts, x)
	}
	r := &regex{src: body, re: re}
	nfa, ok, tooBig := buildBitNFA(alts)
	if tooBig {
		return nil, "the regular expression is too large (at most 4096 characters after expanding {m,n} repetitions)"
	}
	if ok {
		// Every match starts with the expression's literal prefix (RE2's
		// analysis): when no state is live the matcher jumps to its next
		// occurrence with bytes.Index, as RE2 does, instead of stepping
		// through every byte.
		if prefix, _ := re.LiteralPrefix(); prefix != "" {
			nfa.skip = []byte(prefix)
		}
		r.nfa = nfa
		return r, ""
	}
	prog, err := syntax.Compile(ast.Simplify())
	if err != nil || len(prog.Inst) > maxFallbackInsts {
		return nil, "the regular expression is too complex"
	}
	return r, ""
}

// Match reports whether the expression occurs in b.
func (r *regex) Match(b []byte) bool {
	if r.nfa != nil {
		return r.nfa.match(b)
	}
	return r.re.Match(b)
}

// bitNFA is the Shift-And automaton. Bit i of a state vector is "the atoms of
// some alternative have been matched through position i". Each alternative
// starts with a start position (no character enters it) whose bit is injected
// before every character (unanchored) or before the first only (^).
type bitNFA struct {
	w        int      // words per vector
	tbl      []uint64 // (129 * w): the positions each ASCII byte, or any non-ASCII rune (row 128), may enter
	start    []uint64 // start bits of unanchored alternatives
	startAnc []uint64 // start bits of ^ alternatives
	loop     []uint64 // positions that may repeat (x*, x+, x{m,})
	final    []uint64 // last positions of alternatives without $
	finalEnd []uint64 // last positions of alternatives ending in $
	// Optional runs (ε-moves): for each run of optional positions [p, q], the
	// region [p-1, q] and the bit q+1. Runs are split into two sets so that
	// in each the regions are far enough apart for one subtraction.
	regions [2][]uint64
	highs   [2][]uint64
	tmp     []uint64
	all     bool   // an unanchored alternative matches the empty string
	skip    []byte // a literal every match starts with (nil: none known)
}

type atom struct {
	set  [129]bool // ASCII bytes and "any non-ASCII rune"
	opt  bool
	loop bool
}

// buildBitNFA translates a parsed expression. ok is false when its shape is
// outside what Shift-And runs; tooBig when it has too many positions.
func buildBitNFA(top []*syntax.Regexp) (n *bitNFA, ok, tooBig bool) {
	var alts []*syntax.Regexp
	for _, re := range top {
		if re.Op == syntax.OpAlternate {
			alts = append(alts, re.Sub...)
		} else {
			alts = append(alts, re)
		}
	}
	type alt struct {
		atoms      []atom
		begin, end bool
	}
	var parsed []alt
	total := 0
	for _, a := range alts {
		seq := []*syntax.Regexp{a}
		if a.Op == syntax.OpConcat {
			seq = a.Sub
		}
		var al alt
		for i, s := range seq {
			switch s.Op {
			case syntax.OpBeginText:
				if i != 0 {
					return nil, false, false
				}
				al.begin = true
				continue
			case syntax.OpEndText:
				if i != len(seq)-1 {
					return nil, false, false
				}
				al.end = true
				continue
			case syntax.OpEmptyMatch:
				continue
			case syntax.OpLiteral:
				for _, r := range s.Rune {
					if r >= utf8.RuneSelf || s.Flags&syntax.FoldCase != 0 {
						return nil, false, false
					}
					var at atom
					at.set[r] = true
					al.atoms = append(al.atoms, at)
				}
				continue
			}
			sub, min, max := s, 1, 1
			switch s.Op {
			case syntax.OpStar:
				sub, min, max = s.Sub[0], 0, -1
			case syntax.OpPlus:
				sub, min, max = s.Sub[0], 1, -1
			case syntax.OpQuest:
				sub, min, max = s.Sub[0], 0, 1
			case syntax.OpRepeat:
				sub, min, max = s.Sub[0], s.Min, s.Max
			}
			at, good := atomOf(sub)
			if !good {
				return nil, false, false
			}
			copies := max
			if max < 0 {
				copies = min + 1
				if min > 0 {
					copies = min
				}
			}
			if total+len(al.atoms)+copies > maxRegexPositions {
				return nil, false, true
			}
			for k := 0; k < copies; k++ {
				c := at
				c.opt = k >= min
				c.loop = max < 0 && k == copies-1
				al.atoms = append(al.atoms, c)
			}
		}
		total += len(al.atoms) + 1
		if total > maxRegexPositions {
			return nil, false, true
		}
		parsed = append(parsed, al)
	}
	n = &bitNFA{w: (total + 1 + 63) / 64}
	w := n.w
	n.tbl = make([]uint64, 129*w)
	n.start, n.startAnc, n.loop = make([]uint64, w), make([]uint64, w), make([]uint64, w)
	n.final, n.finalEnd, n.tmp = make([]uint64, w), make([]uint64, w), make([]uint64, w)
	for k := range n.regions {
		n.regions[k], n.highs[k] = make([]uint64, w), make([]uint64, w)
	}
	set := func(v []uint64, i int) { v[i>>6] |= 1 << (i & 63) }
	pos, runs := 0, 0
	for _, al := range parsed {
		st := pos
		if al.begin {
			set(n.startAnc, st)
		} else {
			set(n.start, st)
		}
		for i, at := range al.atoms {
			p := st + 1 + i
			for c, in := range at.set {
				if in {
					set(n.tbl[c*w:(c+1)*w], p)
				}
			}
			if at.loop {
				set(n.loop, p)
			}
		}
		// Optional runs.
		for i := 0; i < len(al.atoms); {
			if !al.atoms[i].opt {
				i++
				continue
			}
			j := i
			for j < len(al.atoms) && al.atoms[j].opt {
				j++
			}
			p, q := st+1+i, st+j // positions of atoms i..j-1
			k := runs & 1
			for b := p - 1; b <= q; b++ {
				set(n.regions[k], b)
			}
			set(n.highs[k], q+1)
			runs++
			i = j
		}
		last := st + len(al.atoms)
		allOpt := true
		for _, at := range al.atoms {
			allOpt = allOpt && at.opt
		}
		if al.end {
			set(n.finalEnd, last)
		} else {
			set(n.final, last)
			if allOpt && !al.begin {
				n.all = true
			}
		}
		pos = last + 1
	}
	return n, true, false
}

// splitAlternatives splits an expression of AWS's subset (no parentheses) at
// its top-level | (not escaped, not inside a [class]).
func splitAlternatives(body string) []string {
	var out []string
	start, inClass := 0, false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			// A ] first in the class (after an optional ^) is literal.
			if i+1 < len(body) && body[i+1] == '^' {
				i++
			}
			if i+1 < len(body) && body[i+1] == ']' {
				i++
			}
		case c == '|':
			out = append(out, body[start:i])
			start = i + 1
		}
	}
	return append(out, body[start:])
}

// atomOf returns the characters a single-character expression matches.
func atomOf(re *syntax.Regexp) (atom, bool) {
	var at atom
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Rune[0] >= utf8.RuneSelf || re.Flags&syntax.FoldCase != 0 {
			return at, false
		}
		at.set[re.Rune[0]] = true
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		for c := range at.set {
			at.set[c] = true
		}
		if re.Op == syntax.OpAnyCharNotNL {
			at.set['\n'] = false
		}
	case syntax.OpCharClass:
		// Ranges are sorted pairs lo, hi. Non-ASCII runes must be all in or
		// all out (AWS's subset has no multi-byte characters to name).
		nonASCII := 0 // runes >= 0x80 in the class
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			for c := lo; c <= hi && c < utf8.RuneSelf; c++ {
				at.set[c] = true
			}
			if hi >= utf8.RuneSelf {
				nonASCII += int(hi-max(lo, utf8.RuneSelf)) + 1
			}
		}
		switch nonASCII {
		case 0:
		case utf8.MaxRune + 1 - utf8.RuneSelf:
			at.set[128] = true
		default:
			return at, false
		}
	default:
		return at, false
	}
	return at, true
}

// match runs the automaton over b, one rune per step.
func (n *bitNFA) match(b []byte) bool {
	if n.all {
		return true
	}
	if n.w == 1 {
		return n.match1(b)
	}
	w := n.w
	d := make([]uint64, w)
	copy(d, n.startAnc)
	for i := 0; ; {
		for k := range d {
			d[k] |= n.start[k]
		}
		n.closure(d)
		if i == len(b) {
			return anyBit(d, n.final) || anyBit(d, n.finalEnd)
		}
		if anyBit(d, n.final) {
			return true
		}
		c := int(b[i])
		if c < utf8.RuneSelf {
			i++
		} else {
			_, sz := utf8.DecodeRune(b[i:])
			i += sz
			c = 128
		}
		row := n.tbl[c*w : (c+1)*w]
		var carry, live uint64
		for k := range d {
			v := d[k]
			d[k] = ((v << 1) | carry | (v & n.loop[k])) & row[k]
			carry = v >> 63
			live |= d[k]
		}
		if live == 0 && n.skip != nil && i < len(b) {
			k := bytes.Index(b[i:], n.skip)
			if k < 0 {
				return false
			}
			i += k
		}
	}
}

// closure applies the ε-moves over optional runs: in each region, every bit
// from the lowest set one up to the run's end is set ((high - y) | y).
func (n *bitNFA) closure(d []uint64) {
	for s := range n.regions {
		reg, hi, t := n.regions[s], n.highs[s], n.tmp
		var borrow uint64
		for k := range d {
			y := d[k] & reg[k]
			var r uint64
			r, borrow = bits.Sub64(hi[k], y, borrow)
			t[k] = (r | y) & reg[k]
		}
		for k := range d {
			d[k] |= t[k]
		}
	}
}

// match1 is match for automata of at most 63 positions, in one word.
func (n *bitNFA) match1(b []byte) bool {
	start, loop, final, fend := n.start[0], n.loop[0], n.final[0], n.finalEnd[0]
	reg0, hi0, reg1, hi1 := n.regions[0][0], n.highs[0][0], n.regions[1][0], n.highs[1][0]
	tbl := (*[129]uint64)(n.tbl)
	skip := n.skip
	d := n.startAnc[0]
	for i := 0; ; {
		d |= start
		if reg0 != 0 {
			y := d & reg0
			d |= ((hi0 - y) | y) & reg0
			y = d & reg1
			d |= ((hi1 - y) | y) & reg1
		}
		if i == len(b) {
			return d&(final|fend) != 0
		}
		if d&final != 0 {
			return true
		}
		c := int(b[i])
		if c < utf8.RuneSelf {
			i++
		} else {
			_, sz := utf8.DecodeRune(b[i:])
			i += sz
			c = 128
		}
		d = (d<<1 | d&loop) & tbl[c]
		if d == 0 && skip != nil && i < len(b) {
			k := bytes.Index(b[i:], skip)
			if k < 0 {
				return false
			}
			i += k
		}
	}
}

func anyBit(d, m []uint64) bool {
	for k := range d {
		if d[k]&m[k] != 0 {
			return true
		}
	}
	return false
}
