package insights

import (
	"slices"
	"strings"
)

// patterns clusters rows by the shape of a field: each token holding a digit
// (numbers, IDs, addresses, times) becomes <*>, and rows with the same shape
// form one pattern. It answers @pattern, @sampleCount and @ratio, most common
// first. AWS's pattern command uses a machine-learned clustering it does not
// publish and also answers @severityLabel, @visualization and @tokens; this
// is localwatch's deterministic approximation of it.
func patterns(q *Query, st *stage, rows []*row) []*row {
	type cluster struct {
		pattern string
		n       int
		first   int
	}
	byPattern := map[string]*cluster{}
	var order []*cluster
	total := 0
	for i, r := range rows {
		s, ok := st.src.eval(r).text()
		if !ok {
			continue
		}
		total++
		p := shape(s)
		c := byPattern[p]
		if c == nil {
			c = &cluster{pattern: p, first: i}
			byPattern[p] = c
			order = append(order, c)
		}
		c.n++
	}
	slices.SortStableFunc(order, func(a, b *cluster) int { return b.n - a.n })
	out := make([]*row, 0, len(order))
	for _, c := range order {
		r := newRow(q)
		r.discovered = true
		for s := range r.vals {
			r.set(s, null)
		}
		r.set(st.items[0].slot, str(c.pattern))
		r.set(st.items[1].slot, num(float64(c.n)))
		r.set(st.items[2].slot, num(float64(c.n)/float64(total)))
		out = append(out, r)
	}
	return out
}

// shape replaces each token of s that holds a digit by <*>. Tokens are runs of
// characters other than white space and the separators ,;:()[]{}"'=.
func shape(s string) string {
	var b strings.Builder
	isSep := func(c byte) bool { return strings.IndexByte(" \t\r\n,;:()[]{}\"'=", c) >= 0 }
	for i := 0; i < len(s); {
		if isSep(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		digit := false
		for j < len(s) && !isSep(s[j]) {
			if s[j] >= '0' && s[j] <= '9' {
				digit = true
			}
			j++
		}
		if digit {
			b.WriteString("<*>")
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}
