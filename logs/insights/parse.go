package insights

import (
	"math"
	"regexp"
	"strings"
)

// maxDepth bounds how deeply expressions nest, so a hostile query cannot
// exhaust the stack.
const maxDepth = 100

// stageKind is a query command.
type stageKind uint8

const (
	stFields stageKind = iota
	stDisplay
	stFilter
	stStats
	stSort
	stLimit
	stParse
	stDedup
	stPattern
)

// stage is one command of the pipeline.
type stage struct {
	kind stageKind
	pos  token

	// fields: computed fields (expression, output slot, output name).
	items []item
	// display / dedup: the fields, by slot and name.
	names []item
	// filter
	cond expr
	// stats
	aggs []aggSpec // the aggregate calls, each with its slot
	outs []item    // the stats items (expressions over aggregate slots)
	by   []item    // grouping expressions
	// sort
	keys []sortKey
	// limit
	n int
	// parse
	src   expr
	glob  []string // literal segments between stars (len = captures+1)
	re    *regexp.Regexp
	slots []int // capture i -> slot
}

// item is an expression with the field (slot and name) it fills.
type item struct {
	x    expr
	slot int
	name string
}

type sortKey struct {
	x    expr
	desc bool
}

// parser builds a Query from its text.
type parser struct {
	lx     lexer
	peeked *token
	q      *Query
	depth  int
}

func (p *parser) peek() (token, error) {
	if p.peeked != nil {
		return *p.peeked, nil
	}
	t, err := p.lx.next(false)
	if err != nil {
		return token{}, err
	}
	p.peeked = &t
	return t, nil
}

func (p *parser) next() (token, error) {
	t, err := p.peek()
	p.peeked = nil
	return t, err
}

// nextRegexOr reads the next token allowing a regular expression.
func (p *parser) nextRegex() (token, error) {
	if p.peeked != nil {
		p.lx.pos = p.peeked.start
		p.peeked = nil
	}
	return p.lx.next(true)
}

// isKeyword reports whether t is the identifier kw (case-insensitive).
func isKeyword(t token, kw string) bool {
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}

func isOp(t token, op string) bool { return t.kind == tOp && t.text == op }

func (p *parser) expectOp(op string) (token, error) {
	t, err := p.next()
	if err != nil {
		return t, err
	}
	if !isOp(t, op) {
		return t, p.unexpected(t, "expected \""+op+"\"")
	}
	return t, nil
}

func (p *parser) unexpected(t token, want string) error {
	if t.kind == tEOF {
		return p.errf(t, "unexpected end of query at line %d and position %d: %s", lineOf(p.lx.src, t.start), columnOf(p.lx.src, t.start), want)
	}
	return p.errf(t, "unexpected symbol found %s at line %d and position %d: %s", p.lx.src[t.start:t.end], lineOf(p.lx.src, t.start), columnOf(p.lx.src, t.start), want)
}

// parseQuery parses commands separated by "|".
func (p *parser) parseQuery() error {
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		if t.kind == tEOF {
			if len(p.q.stages) == 0 {
				return p.errf(t, "the query is empty: give at least one command (fields, filter, stats, sort, limit, parse, display, dedup, pattern)")
			}
			return p.errf(t, "unexpected end of query at line %d and position %d: expected a command after \"|\"", lineOf(p.lx.src, t.start), columnOf(p.lx.src, t.start))
		}
		if t.kind != tIdent {
			return p.unexpected(t, "expected a command")
		}
		if err := p.parseCommand(t); err != nil {
			return err
		}
		t, err = p.next()
		if err != nil {
			return err
		}
		if t.kind == tEOF {
			return nil
		}
		if !isOp(t, "|") {
			return p.unexpected(t, "expected \"|\" or the end of the query")
		}
	}
}

func (p *parser) parseCommand(cmd token) error {
	st := stage{pos: cmd}
	var err error
	switch strings.ToLower(cmd.text) {
	case "fields":
		st.kind = stFields
		st.items, err = p.parseItems(false)
	case "display":
		st.kind = stDisplay
		st.names, err = p.parseNames()
	case "filter":
		st.kind = stFilter
		st.cond, err = p.parseExpr()
	case "stats":
		st.kind = stStats
		err = p.parseStats(&st)
	case "sort":
		st.kind = stSort
		err = p.parseSort(&st)
	case "limit":
		st.kind = stLimit
		err = p.parseLimit(&st)
	case "parse":
		st.kind = stParse
		err = p.parseParse(&st)
	case "dedup":
		st.kind = stDedup
		st.names, err = p.parseNames()
	case "pattern":
		st.kind = stPattern
		st.src, err = p.parseExpr()
		if err == nil {
			st.items = []item{
				{slot: p.q.slot("@pattern"), name: "@pattern"},
				{slot: p.q.slot("@sampleCount"), name: "@sampleCount"},
				{slot: p.q.slot("@ratio"), name: "@ratio"},
			}
		}
	default:
		return p.errf(cmd, "unknown command %q at line %d and position %d: expected fields, filter, stats, sort, limit, parse, display, dedup or pattern", cmd.text, lineOf(p.lx.src, cmd.start), columnOf(p.lx.src, cmd.start))
	}
	if err != nil {
		return err
	}
	p.q.stages = append(p.q.stages, st)
	return nil
}

// parseItems parses "expr [as name], ...". For stats items, aggregate calls
// are allowed.
func (p *parser) parseItems(stats bool) ([]item, error) {
	var items []item
	for {
		start, err := p.peek()
		if err != nil {
			return nil, err
		}
		x, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		end := p.lastEnd()
		name := strings.TrimSpace(p.lx.src[start.start:end])
		if f, ok := x.(*fieldExpr); ok {
			name = f.name
		}
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if isKeyword(t, "as") {
			p.next()
			a, err := p.next()
			if err != nil {
				return nil, err
			}
			if a.kind != tIdent {
				return nil, p.unexpected(a, "expected a field name after \"as\"")
			}
			name = a.text
		}
		if !stats && hasAggregate(x) {
			return nil, p.errf(start, "aggregate functions are allowed only in the stats command (at line %d and position %d)", lineOf(p.lx.src, start.start), columnOf(p.lx.src, start.start))
		}
		items = append(items, item{x: x, name: name, slot: p.q.slot(name)})
		t, err = p.peek()
		if err != nil {
			return nil, err
		}
		if !isOp(t, ",") {
			return items, nil
		}
		p.next()
	}
}

// lastEnd is the byte offset just past the last token consumed.
func (p *parser) lastEnd() int {
	if p.peeked != nil {
		// The peeked token starts after the consumed text and its blanks.
		e := p.peeked.start
		for e > 0 && strings.ContainsRune(" \t\r\n", rune(p.lx.src[e-1])) {
			e--
		}
		return e
	}
	return p.lx.pos
}

func (p *parser) parseNames() ([]item, error) {
	var names []item
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		if t.kind != tIdent {
			return nil, p.unexpected(t, "expected a field name")
		}
		names = append(names, item{name: t.text, slot: p.q.slot(t.text), x: &fieldExpr{name: t.text, slot: p.q.slot(t.text)}})
		t, err = p.peek()
		if err != nil {
			return nil, err
		}
		if !isOp(t, ",") {
			return names, nil
		}
		p.next()
	}
}

func (p *parser) parseStats(st *stage) error {
	items, err := p.parseItems(true)
	if err != nil {
		return err
	}
	// An item may also compute from earlier items' results without an
	// aggregate of its own, as the guide's Lambda sample does
	// ("provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB").
	for i := range items {
		items[i].x = p.q.extractAggs(items[i].x, st)
	}
	st.outs = items
	t, err := p.peek()
	if err != nil {
		return err
	}
	if isKeyword(t, "by") {
		p.next()
		st.by, err = p.parseItems(false)
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) parseSort(st *stage) error {
	for {
		x, err := p.parseExpr()
		if err != nil {
			return err
		}
		k := sortKey{x: x}
		t, err := p.peek()
		if err != nil {
			return err
		}
		switch {
		case isKeyword(t, "desc"):
			k.desc = true
			p.next()
		case isKeyword(t, "asc"):
			p.next()
		}
		st.keys = append(st.keys, k)
		t, err = p.peek()
		if err != nil {
			return err
		}
		if !isOp(t, ",") {
			return nil
		}
		p.next()
	}
}

// MaxRows is the most rows a query returns (and the largest limit).
const MaxRows = 10000

func (p *parser) parseLimit(st *stage) error {
	t, err := p.next()
	if err != nil {
		return err
	}
	if t.kind != tNumber || t.num != math.Trunc(t.num) || t.num < 1 || t.num > MaxRows {
		return p.errf(t, "limit must be a whole number from 1 to %d, at line %d and position %d", MaxRows, lineOf(p.lx.src, t.start), columnOf(p.lx.src, t.start))
	}
	st.n = int(t.num)
	return nil
}

func (p *parser) parseParse(st *stage) error {
	// parse [field] "glob" as a, b  |  parse [field] /regex/
	t, err := p.nextRegex()
	if err != nil {
		return err
	}
	st.src = &fieldExpr{name: "@message", slot: slotMessage}
	if t.kind == tIdent {
		st.src = &fieldExpr{name: t.text, slot: p.q.slot(t.text)}
		if t, err = p.nextRegex(); err != nil {
			return err
		}
	}
	switch t.kind {
	case tString:
		st.glob = strings.Split(t.text, "*")
		stars := len(st.glob) - 1
		if stars == 0 {
			return p.errf(t, "the parse pattern %q has no * to extract", t.text)
		}
		a, err := p.next()
		if err != nil {
			return err
		}
		if !isKeyword(a, "as") {
			return p.unexpected(a, "expected \"as\" and the names of the extracted fields")
		}
		names, err := p.parseNames()
		if err != nil {
			return err
		}
		if len(names) != stars {
			return p.errf(t, "the parse pattern has %d * but %d field names follow \"as\"", stars, len(names))
		}
		for _, n := range names {
			st.slots = append(st.slots, n.slot)
			st.names = append(st.names, n)
		}
	case tRegex:
		re, err := regexp.Compile(t.text)
		if err != nil {
			return p.errf(t, "invalid regular expression %q: %v", t.text, err)
		}
		st.re = re
		for i, n := range re.SubexpNames() {
			if i == 0 || n == "" {
				continue
			}
			st.slots = append(st.slots, p.q.slot(n))
			st.names = append(st.names, item{name: n, slot: p.q.slot(n)})
		}
		if len(st.names) == 0 {
			return p.errf(t, "the parse regular expression has no named group such as (?<name>...)")
		}
		// Unnamed groups capture nothing into fields.
		full := make([]int, 0, len(re.SubexpNames()))
		for i, n := range re.SubexpNames() {
			if i > 0 {
				if n == "" {
					full = append(full, -1)
				} else {
					full = append(full, p.q.slot(n))
				}
			}
		}
		st.slots = full
	default:
		return p.unexpected(t, "expected a quoted pattern with * or a /regular expression/")
	}
	return nil
}

// Expressions, lowest precedence first.

func (p *parser) parseExpr() (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		t, _ := p.peek()
		return nil, p.errf(t, "the expression nests more than %d levels", maxDepth)
	}
	return p.parseOr()
}

func (p *parser) parseOr() (expr, error) {
	return p.parseBinary(func(t token) bool { return isKeyword(t, "or") }, p.parseAnd)
}

func (p *parser) parseAnd() (expr, error) {
	return p.parseBinary(func(t token) bool { return isKeyword(t, "and") }, p.parseNot)
}

// parseBinary parses operands joined by the operators is accepts, left to
// right, each operand parsed by operand: the one loop of every binary level
// (or, and, + -, * / %).
func (p *parser) parseBinary(is func(token) bool, operand func() (expr, error)) (expr, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if !is(t) {
			return l, nil
		}
		p.next()
		r, err := operand()
		if err != nil {
			return nil, err
		}
		switch {
		case isKeyword(t, "or"):
			l = &logicExpr{or: true, l: l, r: r}
		case isKeyword(t, "and"):
			l = &logicExpr{l: l, r: r}
		default:
			l = &arithExpr{op: t.text[0], l: l, r: r}
		}
	}
}

func (p *parser) parseNot() (expr, error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if isKeyword(t, "not") {
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.errf(t, "the expression nests more than %d levels", maxDepth)
		}
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &notExpr{x: x}, nil
	}
	return p.parseCmp()
}

func (p *parser) parseCmp() (expr, error) {
	l, err := p.parseAdd()
	if err != nil {
		return nil, err
	}
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	neg := false
	if isKeyword(t, "not") {
		// "x not like ..." / "x not in [...]"
		save := *p.peeked
		savePos := p.lx.pos
		p.next()
		t2, err := p.peek()
		if err != nil {
			return nil, err
		}
		if !isKeyword(t2, "like") && !isKeyword(t2, "in") {
			p.peeked = &save
			p.lx.pos = savePos
			return l, nil
		}
		neg = true
		t = t2
	}
	switch {
	case isKeyword(t, "like") || isOp(t, "=~"):
		p.next()
		pt, err := p.nextRegex()
		if err != nil {
			return nil, err
		}
		switch pt.kind {
		case tString: // like "text" and =~ "text" are substring matches
			return &likeExpr{x: l, sub: pt.text, neg: neg}, nil
		case tRegex:
			re, err := regexp.Compile(pt.text)
			if err != nil {
				return nil, p.errf(pt, "invalid regular expression %q: %v", pt.text, err)
			}
			return &likeExpr{x: l, re: re, neg: neg}, nil
		}
		return nil, p.unexpected(pt, "expected a quoted string or a /regular expression/")
	case isKeyword(t, "in"):
		p.next()
		if _, err := p.expectOp("["); err != nil {
			return nil, err
		}
		var list []expr
		for {
			x, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			list = append(list, x)
			c, err := p.next()
			if err != nil {
				return nil, err
			}
			if isOp(c, "]") {
				break
			}
			if !isOp(c, ",") {
				return nil, p.unexpected(c, "expected \",\" or \"]\"")
			}
		}
		return &inExpr{x: l, list: list, neg: neg}, nil
	}
	if t.kind == tOp {
		var op cmpOp
		switch t.text {
		case "=":
			op = opEq
		case "!=":
			op = opNe
		case "<":
			op = opLt
		case "<=":
			op = opLe
		case ">":
			op = opGt
		case ">=":
			op = opGe
		default:
			return l, nil
		}
		p.next()
		r, err := p.parseAdd()
		if err != nil {
			return nil, err
		}
		return &cmpExpr{op: op, l: l, r: r}, nil
	}
	return l, nil
}

func (p *parser) parseAdd() (expr, error) { return p.parseBinary(arithOp("+-"), p.parseMul) }

func (p *parser) parseMul() (expr, error) { return p.parseBinary(arithOp("*/%"), p.parseUnary) }

// arithOp accepts the one-character operators in ops.
func arithOp(ops string) func(token) bool {
	return func(t token) bool { return t.kind == tOp && len(t.text) == 1 && strings.Contains(ops, t.text) }
}

func (p *parser) parseUnary() (expr, error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if isOp(t, "-") {
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, p.errf(t, "the expression nests more than %d levels", maxDepth)
		}
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		if l, ok := x.(*litExpr); ok && l.v.k == kNum {
			return &litExpr{v: num(-l.v.n)}, nil
		}
		return &arithExpr{op: '-', l: &litExpr{v: num(0)}, r: x}, nil
	}
	return p.parsePow()
}

func (p *parser) parsePow() (expr, error) {
	l, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if !isOp(t, "^") {
		return l, nil
	}
	p.next()
	r, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	return &arithExpr{op: '^', l: l, r: r}, nil
}

func (p *parser) parsePrimary() (expr, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tNumber:
		return &litExpr{v: num(t.num)}, nil
	case tPeriod:
		return &periodExpr{n: t.num, unit: t.unit, text: t.text}, nil
	case tString:
		return &litExpr{v: str(t.text)}, nil
	case tOp:
		if t.text == "(" {
			x, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if _, err := p.expectOp(")"); err != nil {
				return nil, err
			}
			return x, nil
		}
	case tIdent:
		nt, err := p.peek()
		if err != nil {
			return nil, err
		}
		if isOp(nt, "(") && !strings.Contains(t.text, ".") && !strings.HasPrefix(t.text, "@") {
			return p.parseCall(t)
		}
		switch strings.ToLower(t.text) {
		case "true":
			return &litExpr{v: boolean(true)}, nil
		case "false":
			return &litExpr{v: boolean(false)}, nil
		case "and", "or", "not", "like", "in", "as", "by", "asc", "desc":
			return nil, p.unexpected(t, "expected a field, a value or a function")
		}
		return &fieldExpr{name: t.text, slot: p.q.slot(t.text)}, nil
	}
	return nil, p.unexpected(t, "expected a field, a value or a function")
}

func (p *parser) parseCall(name token) (expr, error) {
	p.next() // (
	fname := strings.ToLower(name.text)
	def, ok := functions[fname]
	agg, isAgg := aggregates[fname]
	if !ok && !isAgg {
		return nil, p.errf(name, "unknown function %q at line %d and position %d", name.text, lineOf(p.lx.src, name.start), columnOf(p.lx.src, name.start))
	}
	var args []expr
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if isOp(t, ")") {
		p.next()
	} else {
		for {
			t, err := p.peek()
			if err != nil {
				return nil, err
			}
			if isAgg && isOp(t, "*") && (fname == "count") {
				p.next()
				args = append(args, &starExpr{})
			} else {
				x, err := p.parseExpr()
				if err != nil {
					return nil, err
				}
				args = append(args, x)
			}
			c, err := p.next()
			if err != nil {
				return nil, err
			}
			if isOp(c, ")") {
				break
			}
			if !isOp(c, ",") {
				return nil, p.unexpected(c, "expected \",\" or \")\"")
			}
		}
	}
	if isAgg {
		if len(args) < agg.minArgs || len(args) > agg.maxArgs {
			return nil, p.errf(name, "%s takes %s, not %d", name.text, argCount(agg.minArgs, agg.maxArgs), len(args))
		}
		if fname == "pct" {
			l, ok := args[1].(*litExpr)
			if !ok || l.v.k != kNum || l.v.n < 0 || l.v.n > 100 {
				return nil, p.errf(name, "pct's second argument must be a number from 0 to 100")
			}
		}
		return &aggCall{fn: fname, args: args, pos: name}, nil
	}
	if len(args) < def.minArgs || def.maxArgs >= 0 && len(args) > def.maxArgs {
		return nil, p.errf(name, "%s takes %s, not %d", name.text, argCount(def.minArgs, def.maxArgs), len(args))
	}
	for _, i := range def.periodArgs {
		if i < len(args) {
			if _, ok := args[i].(*periodExpr); !ok {
				return nil, p.errf(name, "argument %d of %s must be a time period such as 5m or 1h", i+1, name.text)
			}
		}
	}
	for i, a := range args {
		if _, ok := a.(*periodExpr); ok && !contains(def.periodArgs, i) {
			return nil, p.errf(name, "argument %d of %s cannot be a time period", i+1, name.text)
		}
	}
	return &callExpr{fn: fname, def: def, args: args}, nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func argCount(minArgs, maxArgs int) string {
	switch {
	case maxArgs < 0:
		return "at least " + itoa(minArgs) + " arguments"
	case minArgs == maxArgs && minArgs == 1:
		return "1 argument"
	case minArgs == maxArgs:
		return itoa(minArgs) + " arguments"
	}
	return itoa(minArgs) + " to " + itoa(maxArgs) + " arguments"
}

func itoa(n int) string { return formatNumber(float64(n)) }
