package filterpattern

import "bytes"

// byteRank estimates how common a byte is in log text (higher is more common):
// the literal search scans for the literal's rarest byte with IndexByte (which
// runs at memory speed) and checks the whole literal only where it occurs, the
// way grep and memchr-based searchers do.
var byteRank = func() [256]uint8 {
	var r [256]uint8
	for i := range r {
		r[i] = 10 // other punctuation, control and non-ASCII bytes: rare
	}
	common := " etaoinsrhldcumfpgwybvkxjqz" // by English frequency
	for i := 0; i < len(common); i++ {
		r[common[i]] = uint8(250 - i*4)
	}
	for c := '0'; c <= '9'; c++ {
		r[c] = 200
	}
	for _, c := range []byte(`/.:-_,="[]`) {
		r[c] = 180
	}
	upper := "ETAOINSRHLDCUMFPGWYBVKXJQZ"
	for i := 0; i < len(upper); i++ {
		r[upper[i]] = uint8(120 - i*4)
	}
	return r
}()

// rarestLiteral returns the plain term most likely to be rare in log text, for
// the prefilter: every matching message contains it, so the scan jumps between
// its occurrences, and the rarer it is the fewer messages are evaluated. The
// longest term is a poor guess (`timeout` in `ERROR timeout` is longer than
// `ERROR` and far commoner in most logs); like the rare-byte heuristic of
// Rust's memchr and regex crates, a term is ranked by the estimated frequency
// of its rarest byte, then of its second rarest, then by length.
func rarestLiteral(terms []term) []byte {
	var best []byte
	var bestScore [3]int
	for _, t := range terms {
		if t.re != nil || len(t.lit) == 0 {
			continue
		}
		r1, r2 := 256, 256 // the two lowest ranks (rarest bytes)
		for _, c := range t.lit {
			r := int(byteRank[c])
			if r < r1 {
				r1, r2 = r, r1
			} else if r < r2 {
				r2 = r
			}
		}
		score := [3]int{r1, r2, -len(t.lit)}
		if best == nil || score[0] < bestScore[0] ||
			score[0] == bestScore[0] && (score[1] < bestScore[1] || score[1] == bestScore[1] && score[2] < bestScore[2]) {
			best, bestScore = t.lit, score
		}
	}
	return best
}

// literalSearch finds a literal by its rarest byte.
type literalSearch struct {
	lit  []byte
	rare int // index in lit of its rarest byte
}

func newLiteralSearch(lit []byte) literalSearch {
	ls := literalSearch{lit: lit}
	for i := range lit {
		if byteRank[lit[i]] < byteRank[lit[ls.rare]] {
			ls.rare = i
		}
	}
	return ls
}

// index returns the first position of the literal in h, or -1.
func (ls *literalSearch) index(h []byte) int {
	lit, ri := ls.lit, ls.rare
	n := len(lit)
	if n <= 1 || len(h) < 256 {
		return bytes.Index(h, lit)
	}
	c := lit[ri]
	i, fails := ri, 0
	for i < len(h) {
		j := bytes.IndexByte(h[i:], c)
		if j < 0 {
			return -1
		}
		i += j
		p := i - ri
		if p+n <= len(h) && string(h[p:p+n]) == string(lit) {
			return p
		}
		i++
		// If the "rare" byte turns out to be common here, let bytes.Index
		// take over.
		if fails++; fails > 16 && fails*64 > i {
			if k := bytes.Index(h[i-ri:], lit); k >= 0 {
				return i - ri + k
			}
			return -1
		}
	}
	return -1
}

// IndexLiteral returns the first position in h of the pattern's Literal, or -1
// (-1 too when the pattern has none). It searches for the literal's rarest byte
// first, which makes scanning large contiguous buffers fast.
func (p *Pattern) IndexLiteral(h []byte) int {
	if p.literal == nil {
		return -1
	}
	return p.litSearch.index(h)
}
