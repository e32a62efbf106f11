package config

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// SelectResourceConfig runs an advanced query over the current
// configuration items of existing, recorded resources — the resource
// inventory. It supports the part of AWS Config's SQL its documentation
// ("Querying the Current Configuration State of AWS Resources", "Example
// Queries") shows:
//
//	SELECT resourceId, resourceName, configuration.instanceType, tags
//	WHERE resourceType = 'AWS::EC2::Instance' AND configuration.instanceType IN ('t2.micro', 't3.micro')
//	SELECT configuration.instanceType, COUNT(*) WHERE resourceType = 'AWS::EC2::Instance' GROUP BY configuration.instanceType
//
// Fields are the item's properties (resourceId, resourceName, resourceType,
// arn, accountId, awsRegion, availabilityZone, resourceCreationTime,
// configurationItemCaptureTime, configurationItemStatus, tags, relationships,
// configuration.…, supplementaryConfiguration.…); conditions are =, !=, IN,
// LIKE (% and _), combined with AND, OR and parentheses; tags are matched
// with tags.key, tags.value or tags.tag = 'key=value'. A path through an
// array matches when any element does, as in AWS. Results are ordered by
// type and ID (AWS's order is unspecified), Limit 0 (100) to 100 a page.
// Anything else fails with InvalidExpressionException.
func (s *Service) SelectResourceConfig(ctx context.Context, in SelectResourceConfigInput) (*SelectResourceConfigOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "SelectResourceConfig", ReadOnly: true}, in, s.selectResourceConfig)
}

func (s *Service) selectResourceConfig(ctx context.Context, call *event.Call, in SelectResourceConfigInput) (*SelectResourceConfigOutput, error) {
	out, err := s.selectResources(in)
	if s.op.Rec.Records(ctx) {
		setParams(call, params(map[string]any{
			"expression": in.Expression, "limit": in.Limit, "nextToken": in.NextToken}))
	}
	return out, err
}

func (s *Service) selectResources(in SelectResourceConfigInput) (*SelectResourceConfigOutput, error) {
	if len(in.Expression) == 0 || len(in.Expression) > 4096 {
		return nil, errf("InvalidExpressionException", "The expression is not valid: 1 to 4096 characters.")
	}
	if n := limitOf(in.Limit); n < 0 || n > 100 {
		return nil, errf("InvalidLimitException", "The limit %d is not valid: 0 to 100.", n)
	}
	q, err := parseQuery(in.Expression)
	if err != nil {
		return nil, errf("InvalidExpressionException", "The expression is not valid: %v.", err)
	}
	skip := 0
	if in.NextToken != "" {
		pos, ok := pagetoken.Decode(in.NextToken)
		n, err := strconv.Atoi(pos)
		if !ok || err != nil || n < 0 {
			return nil, errf("InvalidNextTokenException", "The nextToken %q is not valid.", truncate(in.NextToken, 40))
		}
		skip = n
	}
	var docs []map[string]any
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, k := range slices.SortedFunc(maps.Keys(s.resources), compareKeys) {
			r := s.resources[k]
			if r.last == nil || isDeletion(r.last.status) || r.last.status == StatusResourceNotRecorded {
				continue
			}
			docs = append(docs, queryDoc(s.full(r.last)))
		}
	}()
	var matched []map[string]any
	for _, d := range docs {
		if q.where == nil || q.where.eval(d) {
			matched = append(matched, d)
		}
	}
	rows := q.project(matched)
	out := &SelectResourceConfigOutput{Results: []string{}, QueryInfo: &QueryInfo{SelectFields: []FieldInfo{}}}
	for _, f := range q.fields {
		out.QueryInfo.SelectFields = append(out.QueryInfo.SelectFields, FieldInfo{Name: f})
	}
	limit := cmp.Or(limitOf(in.Limit), 100)
	rows = rows[min(skip, len(rows)):]
	if len(rows) > limit {
		rows = rows[:limit]
		out.NextToken = pagetoken.Encode(strconv.Itoa(skip + limit))
	}
	for _, r := range rows {
		b, _ := json.Marshal(r)
		out.Results = append(out.Results, string(b))
	}
	return out, nil
}

// queryDoc is the item as advanced queries see it (property names of the
// notification shape; configuration as an object; tags as key/value/tag).
func queryDoc(ci *ConfigurationItem) map[string]any {
	d := map[string]any{
		"accountId": ci.AccountID, "arn": ci.ARN, "awsRegion": ci.AWSRegion, "availabilityZone": ci.AvailabilityZone,
		"resourceId": ci.ResourceID, "resourceName": ci.ResourceName, "resourceType": ci.ResourceType,
		"configurationItemStatus": string(ci.ConfigurationItemStatus), "configurationStateId": ci.ConfigurationStateID,
		"configurationItemCaptureTime": isoMillis(ci.ConfigurationItemCaptureTime), "version": ci.Version,
	}
	if ci.ResourceCreationTime != nil {
		d["resourceCreationTime"] = isoMillis(*ci.ResourceCreationTime)
	}
	var conf any
	if json.Unmarshal([]byte(ci.Configuration), &conf) == nil {
		d["configuration"] = conf
	}
	sup := map[string]any{}
	for k, v := range ci.SupplementaryConfiguration {
		var x any
		if json.Unmarshal([]byte(v), &x) == nil {
			sup[k] = x
		}
	}
	d["supplementaryConfiguration"] = sup
	tags := []any{}
	for _, k := range slices.Sorted(maps.Keys(ci.Tags)) {
		tags = append(tags, map[string]any{"key": k, "value": ci.Tags[k], "tag": k + "=" + ci.Tags[k]})
	}
	d["tags"] = tags
	rels := []any{}
	for _, r := range ci.Relationships {
		rels = append(rels, map[string]any{"resourceId": r.ResourceID, "resourceName": r.ResourceName, "resourceType": r.ResourceType, "relationshipName": r.RelationshipName})
	}
	d["relationships"] = rels
	return d
}

// lookup returns every value at path in v (arrays fan out).
func lookup(v any, path []string) []any {
	if len(path) == 0 {
		return []any{v}
	}
	switch x := v.(type) {
	case map[string]any:
		if e, ok := x[path[0]]; ok {
			return lookup(e, path[1:])
		}
		// Property names are matched case-insensitively as a fallback.
		for k, e := range x {
			if strings.EqualFold(k, path[0]) {
				return lookup(e, path[1:])
			}
		}
	case []any:
		var out []any
		for _, e := range x {
			out = append(out, lookup(e, path)...)
		}
		return out
	}
	return nil
}

// --- the query language --------------------------------------------------------

type query struct {
	fields  []string // as written
	count   bool     // COUNT(*) among the fields
	where   cond
	groupBy []string
}

type cond interface{ eval(doc map[string]any) bool }

type andCond struct{ a, b cond }
type orCond struct{ a, b cond }
type cmpCond struct {
	path   []string
	op     string // =, !=, IN, LIKE, NOT IN, NOT LIKE
	values []string
}

func (c andCond) eval(d map[string]any) bool { return c.a.eval(d) && c.b.eval(d) }
func (c orCond) eval(d map[string]any) bool  { return c.a.eval(d) || c.b.eval(d) }

func (c cmpCond) eval(d map[string]any) bool {
	vals := lookup(d, c.path)
	any1 := func(f func(string) bool) bool {
		for _, v := range vals {
			var s string
			switch x := v.(type) {
			case string:
				s = x
			case nil, map[string]any, []any:
				continue
			default:
				b, _ := json.Marshal(x)
				s = string(b)
			}
			if f(s) {
				return true
			}
		}
		return false
	}
	switch c.op {
	case "=":
		return any1(func(s string) bool { return equalValue(s, c.values[0]) })
	case "!=":
		return len(vals) > 0 && !any1(func(s string) bool { return equalValue(s, c.values[0]) })
	case "IN":
		return any1(func(s string) bool {
			return slices.ContainsFunc(c.values, func(v string) bool { return equalValue(s, v) })
		})
	case "NOT IN":
		return len(vals) > 0 && !any1(func(s string) bool {
			return slices.ContainsFunc(c.values, func(v string) bool { return equalValue(s, v) })
		})
	case "LIKE":
		return any1(func(s string) bool { return like(s, c.values[0]) })
	case "NOT LIKE":
		return len(vals) > 0 && !any1(func(s string) bool { return like(s, c.values[0]) })
	}
	return false
}

// equalValue compares as numbers when both sides are numbers, else as text.
func equalValue(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}

// like matches SQL LIKE: % any run, _ one byte. The two-pointer match
// backtracks only to the last %, so its cost is O(len(s)·len(p)) whatever
// the pattern (no exponential case).
func like(s, p string) bool {
	i, j, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case j < len(p) && (p[j] == '_' || p[j] == s[i]) && p[j] != '%':
			i++
			j++
		case j < len(p) && p[j] == '%':
			star, mark = j, i
			j++
		case star >= 0:
			mark++
			i, j = mark, star+1
		default:
			return false
		}
	}
	for j < len(p) && p[j] == '%' {
		j++
	}
	return j == len(p)
}

// project turns the matched documents into result rows.
func (q *query) project(docs []map[string]any) []map[string]any {
	var plain []string
	for _, f := range q.fields {
		if f != "COUNT(*)" {
			plain = append(plain, f)
		}
	}
	row := func(d map[string]any) map[string]any {
		out := map[string]any{}
		for _, f := range plain {
			vals := lookup(d, strings.Split(f, "."))
			if len(vals) == 0 {
				continue
			}
			var v any = vals[0]
			if len(vals) > 1 {
				v = vals
			}
			setPath(out, strings.Split(f, "."), v)
		}
		return out
	}
	if !q.count {
		rows := make([]map[string]any, 0, len(docs))
		for _, d := range docs {
			rows = append(rows, row(d))
		}
		return rows
	}
	if len(q.groupBy) == 0 {
		return []map[string]any{{"COUNT(*)": len(docs)}}
	}
	type group struct {
		row map[string]any
		n   int
	}
	groups := map[string]*group{}
	var order []string
	for _, d := range docs {
		r := row(d)
		kb, _ := json.Marshal(r)
		g := groups[string(kb)]
		if g == nil {
			g = &group{row: r}
			groups[string(kb)] = g
			order = append(order, string(kb))
		}
		g.n++
	}
	slices.Sort(order)
	var rows []map[string]any
	for _, k := range order {
		g := groups[k]
		g.row["COUNT(*)"] = g.n
		rows = append(rows, g.row)
	}
	return rows
}

func setPath(m map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

type token struct {
	kind byte // 'i' identifier/keyword, 's' string, 'n' number, 'p' punctuation
	text string
}

func tokenize(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'' || c == '"':
			j := i + 1
			var b strings.Builder
			for ; j < len(src); j++ {
				if src[j] == c {
					if j+1 < len(src) && src[j+1] == c { // doubled quote
						b.WriteByte(c)
						j++
						continue
					}
					break
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			toks = append(toks, token{'s', b.String()})
			i = j + 1
		case c == '(' || c == ')' || c == ',' || c == '=':
			toks = append(toks, token{'p', string(c)})
			i++
		case c == '!' && i+1 < len(src) && src[i+1] == '=':
			toks = append(toks, token{'p', "!="})
			i += 2
		case c == '<' && i+1 < len(src) && src[i+1] == '>':
			toks = append(toks, token{'p', "!="})
			i += 2
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			toks = append(toks, token{'n', src[i:j]})
			i = j
		case c == '*' || c == '_' || c < 0x80 && unicode.IsLetter(rune(c)):
			j := i
			for j < len(src) && (src[j] == '.' || src[j] == '_' || src[j] == '*' || src[j] == ':' || src[j] < 0x80 && (unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j])))) {
				j++
			}
			toks = append(toks, token{'i', src[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at %d", c, i)
		}
	}
	return toks, nil
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{}
}

func (p *parser) keyword(k string) bool {
	if t := p.peek(); t.kind == 'i' && strings.EqualFold(t.text, k) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) punct(s string) bool {
	if t := p.peek(); t.kind == 'p' && t.text == s {
		p.pos++
		return true
	}
	return false
}

func parseQuery(src string) (*query, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if !p.keyword("SELECT") {
		return nil, fmt.Errorf("it must start with SELECT")
	}
	q := &query{}
	for {
		t := p.peek()
		switch {
		case t.kind == 'i' && strings.EqualFold(t.text, "COUNT"):
			p.pos++
			if !p.punct("(") || !p.keyword("*") || !p.punct(")") {
				return nil, fmt.Errorf("only COUNT(*) is supported")
			}
			q.fields, q.count = append(q.fields, "COUNT(*)"), true
		case t.kind == 'i' && !isKeyword(t.text):
			p.pos++
			q.fields = append(q.fields, t.text)
		default:
			return nil, fmt.Errorf("a field is expected after SELECT or ','")
		}
		if !p.punct(",") {
			break
		}
	}
	if p.keyword("WHERE") {
		c, err := p.or()
		if err != nil {
			return nil, err
		}
		q.where = c
	}
	if p.keyword("GROUP") {
		if !p.keyword("BY") {
			return nil, fmt.Errorf("GROUP must be followed by BY")
		}
		for {
			t := p.peek()
			if t.kind != 'i' || isKeyword(t.text) {
				return nil, fmt.Errorf("a field is expected in GROUP BY")
			}
			p.pos++
			q.groupBy = append(q.groupBy, t.text)
			if !p.punct(",") {
				break
			}
		}
		if !q.count {
			return nil, fmt.Errorf("GROUP BY needs COUNT(*)")
		}
		for _, f := range q.fields {
			if f != "COUNT(*)" && !slices.Contains(q.groupBy, f) {
				return nil, fmt.Errorf("the field %s is neither grouped nor aggregated", f)
			}
		}
	} else if q.count && len(q.fields) > 1 {
		return nil, fmt.Errorf("fields beside COUNT(*) need GROUP BY")
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.peek().text)
	}
	return q, nil
}

func isKeyword(s string) bool {
	switch strings.ToUpper(s) {
	case "SELECT", "WHERE", "AND", "OR", "IN", "LIKE", "NOT", "GROUP", "BY", "COUNT":
		return true
	}
	return false
}

func (p *parser) or() (cond, error) {
	a, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("OR") {
		b, err := p.and()
		if err != nil {
			return nil, err
		}
		a = orCond{a, b}
	}
	return a, nil
}

func (p *parser) and() (cond, error) {
	a, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.keyword("AND") {
		b, err := p.term()
		if err != nil {
			return nil, err
		}
		a = andCond{a, b}
	}
	return a, nil
}

func (p *parser) value() (string, error) {
	t := p.peek()
	if t.kind != 's' && t.kind != 'n' {
		return "", fmt.Errorf("a value is expected, got %q", t.text)
	}
	p.pos++
	return t.text, nil
}

func (p *parser) term() (cond, error) {
	if p.punct("(") {
		c, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, fmt.Errorf("')' expected")
		}
		return c, nil
	}
	t := p.peek()
	if t.kind != 'i' || isKeyword(t.text) {
		return nil, fmt.Errorf("a field is expected in WHERE, got %q", t.text)
	}
	p.pos++
	c := cmpCond{path: strings.Split(t.text, ".")}
	not := p.keyword("NOT")
	switch {
	case !not && p.punct("="):
		c.op = "="
	case !not && p.punct("!="):
		c.op = "!="
	case p.keyword("LIKE"):
		c.op = "LIKE"
	case p.keyword("IN"):
		c.op = "IN"
		if !p.punct("(") {
			return nil, fmt.Errorf("'(' expected after IN")
		}
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.values = append(c.values, v)
			if !p.punct(",") {
				break
			}
		}
		if !p.punct(")") {
			return nil, fmt.Errorf("')' expected after the IN list")
		}
	default:
		return nil, fmt.Errorf("an operator (=, !=, IN, LIKE) is expected after %s", t.text)
	}
	if not {
		c.op = "NOT " + c.op
	}
	if c.op != "IN" && c.op != "NOT IN" {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.values = []string{v}
	}
	return c, nil
}
