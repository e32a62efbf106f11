package insights

import (
	"cmp"
	"iter"
	"math"
	"slices"
	"strings"
)

// Query is a compiled Logs Insights query. It is immutable and safe for
// concurrent use; each Run keeps its own state.
type Query struct {
	src    string
	stages []stage
	names  []string       // slot -> field name
	slots  map[string]int // field name -> slot
	// wanted are the fields that may be discovered in messages (every
	// non-system field the query names), with the dotted prefixes of their
	// names so JSON discovery can skip what no field needs.
	wanted   *fieldSet
	prefixes map[string]bool
	hasStats bool
}

// slot returns the slot of the named field, adding it.
func (q *Query) slot(name string) int {
	if s, ok := q.slots[name]; ok {
		return s
	}
	s := len(q.names)
	q.names = append(q.names, name)
	q.slots[name] = s
	return s
}

// extractAggs replaces the aggregate calls in x by references to slots that
// will hold their results, recording each aggregate in st.aggs.
func (q *Query) extractAggs(x expr, st *stage) expr {
	switch e := x.(type) {
	case *aggCall:
		slot := q.slot("\x00agg" + itoa(len(q.names)))
		st.aggs = append(st.aggs, aggSpec{fn: e.fn, args: e.args, slot: slot})
		return &aggRef{slot: slot}
	case *logicExpr:
		e.l, e.r = q.extractAggs(e.l, st), q.extractAggs(e.r, st)
	case *notExpr:
		e.x = q.extractAggs(e.x, st)
	case *cmpExpr:
		e.l, e.r = q.extractAggs(e.l, st), q.extractAggs(e.r, st)
	case *arithExpr:
		e.l, e.r = q.extractAggs(e.l, st), q.extractAggs(e.r, st)
	case *likeExpr:
		e.x = q.extractAggs(e.x, st)
	case *inExpr:
		e.x = q.extractAggs(e.x, st)
		for i := range e.list {
			e.list[i] = q.extractAggs(e.list[i], st)
		}
	case *callExpr:
		for i := range e.args {
			e.args[i] = q.extractAggs(e.args[i], st)
		}
	}
	return x
}

// Compile parses a Logs Insights query (the query language of the CloudWatch
// Logs user guide's "CloudWatch Logs Insights language query syntax"). A query
// that does not compile returns a *CompileError (MalformedQueryException)
// with the offending text's location.
func Compile(query string) (*Query, error) {
	q := &Query{src: query, slots: map[string]int{}}
	for _, n := range systemNames {
		q.slot(n)
	}
	p := &parser{lx: lexer{src: query}, q: q}
	if err := p.parseQuery(); err != nil {
		return nil, err
	}
	wanted := map[string]int{}
	q.prefixes = map[string]bool{}
	for slot, name := range q.names {
		if slot < numSystemSlots || strings.HasPrefix(name, "\x00") {
			continue
		}
		wanted[name] = slot
		for i := 0; i < len(name); i++ {
			if name[i] == '.' {
				q.prefixes[name[:i]] = true
			}
		}
	}
	q.wanted = newFieldSet(wanted)
	for _, st := range q.stages {
		if st.kind == stStats {
			q.hasStats = true
		}
	}
	return q, nil
}

// String returns the query's text.
func (q *Query) String() string { return q.src }

// ResultField is one field of a result row, as GetQueryResults returns it.
type ResultField struct {
	Field string
	Value string
}

// Statistics are a run's counts, as GetQueryResults reports them.
type Statistics struct {
	// RecordsMatched counts the events that passed the query's filters.
	RecordsMatched float64
	// RecordsScanned counts the events read.
	RecordsScanned float64
	// BytesScanned is the size of the events read (messages).
	BytesScanned float64
}

// Result is what a query produced: rows of fields (a row lists only the
// fields it has a value for, as GetQueryResults does) and statistics.
type Result struct {
	Rows       [][]ResultField
	Statistics Statistics
}

// aggSpec is one aggregate call of a stats command.
type aggSpec struct {
	fn   string
	args []expr
	slot int
}

// Run evaluates the query over events, which should come in ascending
// @timestamp order (ties keep their order). Without a sort command, rows come
// newest first (descending @timestamp), as the Logs Insights console shows
// them; stats groups come in ascending order of their by values. At most
// MaxRows rows are returned.
//
// Memory: a stats query holds one state per group (pct holds the group's
// values, count_distinct its distinct values); any other query holds the
// matching rows until the end, at most MaxRows of them when it has no sort or
// ends in "sort ... | limit n" (kept as a bounded heap), all matches otherwise.
func (q *Query) Run(events iter.Seq[Event]) Result {
	var res Result
	rows := q.stream(events, &res.Statistics)
	res.Rows = q.output(rows)
	return res
}

// stream runs the per-event commands up to the first command that needs all
// rows, then the remaining commands over the materialised rows.
func (q *Query) stream(events iter.Seq[Event], stats *Statistics) []*row {
	first := len(q.stages)
	for i, st := range q.stages {
		if st.kind != stFields && st.kind != stFilter && st.kind != stParse && st.kind != stDisplay {
			first = i
			break
		}
	}
	head := q.stages[:first]
	r := newRow(q)
	var rows []*row
	var agg *aggregator
	var top *topK
	rest := q.stages[first:]
	switch {
	case first < len(q.stages) && q.stages[first].kind == stStats:
		agg = newAggregator(q, &q.stages[first])
		rest = rest[1:]
	case len(rest) == 0:
		top = &topK{less: newestFirst, n: MaxRows}
	case rest[0].kind == stSort && (len(rest) == 1 || len(rest) == 2 && rest[1].kind == stLimit):
		n := MaxRows
		if len(rest) == 2 {
			n = rest[1].n
		}
		keys := rest[0].keys
		top = &topK{less: func(a, b *row) bool { return rowLess(keys, a, b) }, n: n}
		rest = nil
	}
	for ev := range events {
		stats.RecordsScanned++
		stats.BytesScanned += float64(len(ev.Message))
		r.reset(&ev)
		if !applyStreaming(head, r) {
			continue
		}
		stats.RecordsMatched++
		switch {
		case agg != nil:
			agg.add(r)
		case top != nil:
			if top.wants(r) {
				top.push(r.clone())
			}
		default:
			rows = append(rows, r.clone())
		}
	}
	switch {
	case agg != nil:
		rows = agg.rows()
	case top != nil:
		rows = top.sorted()
	}
	return q.apply(rest, rows)
}

// applyStreaming runs fields, parse and filter on one row; false drops it.
func applyStreaming(stages []stage, r *row) bool {
	for i := range stages {
		st := &stages[i]
		switch st.kind {
		case stFields:
			for _, it := range st.items {
				r.set(it.slot, it.x.eval(r))
			}
		case stFilter:
			if !st.cond.eval(r).truthy() {
				return false
			}
		case stParse:
			applyParse(st, r)
		}
	}
	return true
}

// applyParse extracts parse's fields; when the pattern does not match, the
// fields are null.
func applyParse(st *stage, r *row) {
	s, ok := st.src.eval(r).text()
	if st.re != nil {
		var m []int
		if ok {
			m = st.re.FindStringSubmatchIndex(s)
		}
		for i, slot := range st.slots {
			if slot < 0 {
				continue
			}
			if m == nil || m[2*i+2] < 0 {
				r.set(slot, null)
				continue
			}
			r.set(slot, str(s[m[2*i+2]:m[2*i+3]]))
		}
		return
	}
	// A glob: literal segments around each *. The first segment is found at
	// its first occurrence, each * takes the shortest text up to the next
	// segment, and the last * takes the rest — the leftmost-shortest match a
	// regular expression of (.*?) groups would give.
	caps := make([]string, 0, len(st.slots))
	matched := ok
	if ok {
		pos := 0
		if lit := st.glob[0]; lit != "" {
			i := strings.Index(s, lit)
			if i < 0 {
				matched = false
			}
			pos = i + len(lit)
		}
		for k := 1; matched && k < len(st.glob); k++ {
			lit := st.glob[k]
			if k == len(st.glob)-1 && lit == "" {
				caps = append(caps, s[pos:])
				break
			}
			i := strings.Index(s[pos:], lit)
			if i < 0 {
				matched = false
				break
			}
			caps = append(caps, s[pos:pos+i])
			pos += i + len(lit)
		}
	}
	for i, slot := range st.slots {
		if !matched {
			r.set(slot, null)
		} else {
			r.set(slot, str(caps[i]))
		}
	}
}

// apply runs the commands that see all rows at once.
func (q *Query) apply(stages []stage, rows []*row) []*row {
	for i := 0; i < len(stages); i++ {
		st := &stages[i]
		switch st.kind {
		case stFields, stFilter, stParse:
			out := rows[:0]
			for _, r := range rows {
				r.q = q
				if applyStreaming(stages[i:i+1], r) {
					out = append(out, r)
				}
			}
			rows = out
		case stDisplay:
		case stStats:
			agg := newAggregator(q, st)
			for _, r := range rows {
				agg.add(r)
			}
			rows = agg.rows()
		case stSort:
			keys := st.keys
			slices.SortStableFunc(rows, func(a, b *row) int {
				if rowLess(keys, a, b) {
					return -1
				}
				if rowLess(keys, b, a) {
					return 1
				}
				return 0
			})
		case stLimit:
			if len(rows) > st.n {
				rows = rows[:st.n]
			}
		case stDedup:
			rows = dedup(st, rows)
		case stPattern:
			rows = patterns(q, st, rows)
		}
	}
	return rows
}

// rowLess orders rows by sort keys (ascending unless desc; nulls last).
func rowLess(keys []sortKey, a, b *row) bool {
	for _, k := range keys {
		x, y := k.x.eval(a), k.x.eval(b)
		if k.desc {
			if x.k == kNull || y.k == kNull {
				if x.k != y.k {
					return y.k == kNull
				}
				continue
			}
			x, y = y, x
		}
		if sortLess(x, y) {
			return true
		}
		if sortLess(y, x) {
			return false
		}
	}
	return false
}

func newestFirst(a, b *row) bool { return a.ev.Timestamp > b.ev.Timestamp }

// dedup keeps the first row of each combination of the fields' values; a
// row with a null in one of them is kept.
func dedup(st *stage, rows []*row) []*row {
	seen := map[string]bool{}
	out := rows[:0]
	var key []byte
	for _, r := range rows {
		key = key[:0]
		keep := false
		for _, n := range st.names {
			v := r.get(n.slot)
			if v.k == kNull {
				keep = true
				break
			}
			key = append(key, byte(v.k))
			key = append(key, v.String()...)
			key = append(key, 0)
		}
		if !keep {
			if seen[string(key)] {
				continue
			}
			seen[string(key)] = true
		}
		out = append(out, r)
	}
	return out
}

// clone copies r for keeping: its event and every slot resolved so far.
func (r *row) clone() *row {
	c := &row{q: r.q, ev: r.ev, vals: slices.Clone(r.vals), gen: slices.Clone(r.gen), cur: r.cur, discovered: r.discovered}
	return c
}

// output turns rows into result rows with the fields the query displays.
func (q *Query) output(rows []*row) [][]ResultField {
	cols := q.columns()
	if len(rows) > MaxRows {
		rows = rows[:MaxRows]
	}
	out := make([][]ResultField, 0, len(rows))
	for _, r := range rows {
		fields := make([]ResultField, 0, len(cols.slots)+1)
		for i, slot := range cols.slots {
			v := r.get(slot)
			if v.k == kNull {
				continue
			}
			fields = append(fields, ResultField{Field: cols.names[i], Value: v.String()})
		}
		if cols.ptr {
			if v := r.get(slotPtr); v.k != kNull {
				fields = append(fields, ResultField{Field: "@ptr", Value: v.s})
			}
		}
		if len(fields) == 0 {
			continue // a row with no value to show is not returned
		}
		out = append(out, fields)
	}
	return out
}

type columns struct {
	names []string
	slots []int
	ptr   bool // rows are events: add @ptr
}

// columns are the fields a row shows: the last display command's; else
// those of stats (by fields, then aggregates) and of the fields commands
// after it; else @timestamp and @message when no fields command names any.
func (q *Query) columns() columns {
	var c columns
	c.ptr = true
	seen := map[string]bool{}
	add := func(name string, slot int) {
		if seen[name] {
			return
		}
		seen[name] = true
		c.names = append(c.names, name)
		c.slots = append(c.slots, slot)
	}
	for _, st := range q.stages {
		switch st.kind {
		case stFields:
			for _, it := range st.items {
				add(it.name, it.slot)
			}
		case stStats:
			c = columns{}
			clear(seen)
			for _, it := range st.by {
				add(it.name, it.slot)
			}
			for _, it := range st.outs {
				add(it.name, it.slot)
			}
		case stPattern:
			c = columns{}
			clear(seen)
			for _, it := range st.items {
				add(it.name, it.slot)
			}
		}
	}
	for i := len(q.stages) - 1; i >= 0; i-- {
		if q.stages[i].kind == stDisplay {
			ptr := c.ptr
			c = columns{ptr: ptr}
			clear(seen)
			for _, n := range q.stages[i].names {
				add(n.name, n.slot)
			}
			break
		}
	}
	if len(c.names) == 0 && c.ptr {
		add("@timestamp", slotTimestamp)
		add("@message", slotMessage)
	}
	return c
}

// topK keeps the n first rows by less, in a heap whose root is the worst kept.
type topK struct {
	less func(a, b *row) bool
	n    int
	h    []*row
	seq  []int // arrival order, for stable ties
	next int
}

func (t *topK) worse(i, j int) bool {
	// i is worse than j when j sorts before i (ties: later arrival is worse).
	if t.less(t.h[j], t.h[i]) {
		return true
	}
	if t.less(t.h[i], t.h[j]) {
		return false
	}
	return t.seq[i] > t.seq[j]
}

// wants reports whether r would be kept, so a row is cloned only then.
func (t *topK) wants(r *row) bool {
	return len(t.h) < t.n || t.less(r, t.h[0])
}

func (t *topK) push(r *row) {
	if len(t.h) < t.n {
		t.h = append(t.h, r)
		t.seq = append(t.seq, t.next)
		t.next++
		t.up(len(t.h) - 1)
		return
	}
	t.h[0], t.seq[0] = r, t.next
	t.next++
	t.down(0)
}

func (t *topK) swap(i, j int) {
	t.h[i], t.h[j] = t.h[j], t.h[i]
	t.seq[i], t.seq[j] = t.seq[j], t.seq[i]
}

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.worse(i, p) {
			return
		}
		t.swap(i, p)
		i = p
	}
}

func (t *topK) down(i int) {
	for {
		l, w := 2*i+1, i
		if l < len(t.h) && t.worse(l, w) {
			w = l
		}
		if r := l + 1; r < len(t.h) && t.worse(r, w) {
			w = r
		}
		if w == i {
			return
		}
		t.swap(i, w)
		i = w
	}
}

// sorted returns the kept rows, best first.
func (t *topK) sorted() []*row {
	idx := make([]int, len(t.h))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if t.less(t.h[a], t.h[b]) {
			return -1
		}
		if t.less(t.h[b], t.h[a]) {
			return 1
		}
		return cmp.Compare(t.seq[a], t.seq[b])
	})
	out := make([]*row, len(idx))
	for i, j := range idx {
		out[i] = t.h[j]
	}
	return out
}

// aggregator computes a stats command: one group per distinct combination of
// the by values.
type aggregator struct {
	q      *Query
	st     *stage
	groups map[string]*group
	order  []*group
	key    []byte
}

type group struct {
	by   []value
	accs []acc
}

// acc is one aggregate's running state.
type acc struct {
	n        float64
	sum      float64
	mean, m2 float64 // stddev (Welford)
	v        value   // min, max, earliest, latest, sortsFirst, sortsLast
	ts       int64
	set      bool
	vals     []float64           // pct
	distinct map[string]struct{} // count_distinct
}

func newAggregator(q *Query, st *stage) *aggregator {
	return &aggregator{q: q, st: st, groups: map[string]*group{}}
}

func (a *aggregator) add(r *row) {
	a.key = a.key[:0]
	var byv [8]value
	bys := byv[:0]
	for _, it := range a.st.by {
		v := it.x.eval(r)
		bys = append(bys, v)
		a.key = append(a.key, byte(v.k))
		switch v.k {
		case kNum, kTime, kBool:
			a.key = appendFloat(a.key, v.n)
		default:
			a.key = append(a.key, v.s...)
		}
		a.key = append(a.key, 0)
	}
	g := a.groups[string(a.key)]
	if g == nil {
		g = &group{by: slices.Clone(bys), accs: make([]acc, len(a.st.aggs))}
		a.groups[string(a.key)] = g
		a.order = append(a.order, g)
	}
	ts := r.ev.Timestamp
	for i, spec := range a.st.aggs {
		ac := &g.accs[i]
		var v value
		if len(spec.args) > 0 {
			if _, star := spec.args[0].(*starExpr); !star {
				v = spec.args[0].eval(r)
			} else {
				v = boolean(true)
			}
		} else {
			v = boolean(true) // count()
		}
		if v.k == kNull {
			continue
		}
		switch spec.fn {
		case "count":
			ac.n++
		case "count_distinct":
			if ac.distinct == nil {
				ac.distinct = map[string]struct{}{}
			}
			ac.distinct[v.String()] = struct{}{}
		case "sum", "avg":
			if f, ok := v.number(); ok {
				ac.sum += f
				ac.n++
			}
		case "stddev":
			if f, ok := v.number(); ok {
				ac.n++
				d := f - ac.mean
				ac.mean += d / ac.n
				ac.m2 += d * (f - ac.mean)
			}
		case "pct":
			if f, ok := v.number(); ok {
				ac.vals = append(ac.vals, f)
			}
		case "min":
			if !ac.set || sortLess(v, ac.v) {
				ac.v, ac.set = v, true
			}
		case "max":
			if !ac.set || sortLess(ac.v, v) {
				ac.v, ac.set = v, true
			}
		case "sortsfirst":
			if !ac.set || sortLess(v, ac.v) {
				ac.v, ac.set = v, true
			}
		case "sortslast":
			if !ac.set || sortLess(ac.v, v) {
				ac.v, ac.set = v, true
			}
		case "earliest":
			if !ac.set || ts < ac.ts {
				ac.v, ac.ts, ac.set = v, ts, true
			}
		case "latest":
			if !ac.set || ts >= ac.ts {
				ac.v, ac.ts, ac.set = v, ts, true
			}
		}
	}
}

func appendFloat(b []byte, f float64) []byte {
	u := math.Float64bits(f)
	return append(b, byte(u>>56), byte(u>>48), byte(u>>40), byte(u>>32), byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
}

// result is the aggregate's final value.
func (ac *acc) result(spec aggSpec) value {
	switch spec.fn {
	case "count":
		return num(ac.n)
	case "count_distinct":
		return num(float64(len(ac.distinct)))
	case "sum":
		if ac.n == 0 {
			return null
		}
		return num(ac.sum)
	case "avg":
		if ac.n == 0 {
			return null
		}
		return num(ac.sum / ac.n)
	case "stddev":
		if ac.n < 2 {
			if ac.n == 1 {
				return num(0)
			}
			return null
		}
		return num(math.Sqrt(ac.m2 / (ac.n - 1)))
	case "pct":
		if len(ac.vals) == 0 {
			return null
		}
		p := spec.args[1].(*litExpr).v.n
		slices.Sort(ac.vals)
		// Nearest rank: the smallest value with at least p% of the values at
		// or below it.
		k := int(math.Ceil(p / 100 * float64(len(ac.vals))))
		k = max(1, min(len(ac.vals), k))
		return num(ac.vals[k-1])
	}
	if !ac.set {
		return null
	}
	return ac.v
}

// rows returns one row per group, in ascending order of the by values.
func (a *aggregator) rows() []*row {
	if len(a.st.by) == 0 && len(a.order) == 0 {
		// stats over no events still answers one row (count 0).
		a.order = append(a.order, &group{accs: make([]acc, len(a.st.aggs))})
	}
	slices.SortStableFunc(a.order, func(x, y *group) int {
		for i := range x.by {
			if sortLess(x.by[i], y.by[i]) {
				return -1
			}
			if sortLess(y.by[i], x.by[i]) {
				return 1
			}
		}
		return 0
	})
	out := make([]*row, 0, len(a.order))
	for _, g := range a.order {
		r := newRow(a.q)
		r.discovered = true // result rows have only their own fields
		for i, it := range a.st.by {
			r.set(it.slot, g.by[i])
		}
		for i, spec := range a.st.aggs {
			r.set(spec.slot, g.accs[i].result(spec))
		}
		for _, it := range a.st.outs {
			r.set(it.slot, it.x.eval(r))
		}
		// Everything else is null in a stats row.
		for s := range r.vals {
			if !r.has(s) {
				r.set(s, null)
			}
		}
		out = append(out, r)
	}
	return out
}
