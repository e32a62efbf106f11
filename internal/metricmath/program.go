package metricmath

import (
	"fmt"
	"strings"

	"github.com/localwatch/localwatch/internal/awserr"
)

// ErrValidation is the code AWS answers GetMetricData (and PutMetricAlarm)
// with when a query or expression is invalid: "ValidationError".
var ErrValidation = awserr.Sentinel("ValidationError")

func validation(format string, args ...any) *awserr.Error {
	return awserr.New("ValidationError", format, args...)
}

// Query is one entry of a metric-math request: a metric whose data the
// [Source] supplies (Expression empty), or an expression over other entries.
type Query struct {
	// ID is the query Id (lower-case first letter; letters, digits, _).
	ID string
	// Expression is the metric-math expression; empty for a metric query.
	Expression string
	// Period is the metric's period (metric queries) or the optional period
	// of an expression, in seconds.
	Period int
}

// IsMetric reports whether q is a metric query.
func (q *Query) IsMetric() bool { return q.Expression == "" }

// Program is a compiled set of queries: every expression parsed, every Id
// reference resolved and checked for cycles. Compile once, Eval many times (an
// alarm evaluates the same program every period). A Program is immutable and
// safe for concurrent use.
type Program struct {
	queries  []Query
	index    map[string]int
	nodes    []Node // nil for metric queries
	order    []int  // expressions in dependency order
	searches map[*Call]*SearchQuery
	periods  []int // inferred period of each query
}

// Queries returns the queries the program was compiled from.
func (p *Program) Queries() []Query { return p.queries }

// Expr returns the parsed expression of query id (nil for metric queries).
func (p *Program) Expr(id string) Node {
	if i, ok := p.index[id]; ok {
		return p.nodes[i]
	}
	return nil
}

// ValidID reports whether id is a valid query Id: it starts with a lower-case
// letter and holds only letters, digits and underscores.
func ValidID(id string) bool {
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Compile checks the queries and parses their expressions. Errors are
// ValidationError *awserr.Error values naming the query and, for syntax
// errors, the character position.
func Compile(queries []Query) (*Program, error) {
	p := &Program{
		queries:  queries,
		index:    make(map[string]int, len(queries)),
		nodes:    make([]Node, len(queries)),
		searches: map[*Call]*SearchQuery{},
		periods:  make([]int, len(queries)),
	}
	for i, q := range queries {
		if !ValidID(q.ID) {
			return nil, validation("Invalid metric Id %q: an Id must start with a lower-case letter and contain only letters, numbers and underscores.", q.ID)
		}
		if _, dup := p.index[q.ID]; dup {
			return nil, validation("The value %s for field Id is not unique: Ids must be unique within a request.", q.ID)
		}
		p.index[q.ID] = i
	}
	deps := make([][]int, len(queries))
	for i, q := range queries {
		if q.IsMetric() {
			p.periods[i] = q.Period
			continue
		}
		n, err := Parse(q.Expression)
		if err != nil {
			return nil, validation("Error in expression %s: %s", q.ID, err.Error())
		}
		p.nodes[i] = n
		c := checker{p: p, id: q.ID}
		if err := c.check(n, ctxValue); err != nil {
			return nil, err
		}
		for _, ref := range c.refs {
			deps[i] = append(deps[i], p.index[ref])
		}
	}
	// Dependency order with cycle detection (depth-first, three colours).
	const (
		white = iota
		grey
		black
	)
	colour := make([]int, len(queries))
	var visit func(i int, path []string) error
	visit = func(i int, path []string) error {
		switch colour[i] {
		case black:
			return nil
		case grey:
			return validation("Error in expression %s: Circular dependency between expressions (%s).", queries[i].ID, strings.Join(append(path, queries[i].ID), " -> "))
		}
		colour[i] = grey
		for _, d := range deps[i] {
			if err := visit(d, append(path, queries[i].ID)); err != nil {
				return err
			}
		}
		colour[i] = black
		if !queries[i].IsMetric() {
			p.order = append(p.order, i)
			// An expression's period: its own, else the smallest period of
			// what it references.
			per := queries[i].Period
			if per == 0 {
				for _, d := range deps[i] {
					per = minPeriod(per, p.periods[d])
				}
			}
			p.periods[i] = per
		}
		return nil
	}
	for i := range queries {
		if err := visit(i, nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// argument contexts for the static checker.
type argCtx int

const (
	ctxValue   argCtx = iota // a scalar or series expression
	ctxFill                  // FILL's second argument: value, series, REPEAT or LINEAR
	ctxSortFn                // SORT's function: AVG, MIN, MAX, SUM, STDDEV
	ctxSortDir               // SORT's order: ASC or DESC
	ctxString                // a string literal
	ctxMetric                // PERIOD's argument: the Id of a metric query
)

type funcSpec struct {
	min, max int
}

// functions lists every function the evaluator implements with its arity.
var functions = map[string]funcSpec{
	"ABS": {1, 1}, "AVG": {1, 1}, "CEIL": {1, 1}, "DATAPOINT_COUNT": {1, 1},
	"DIFF": {1, 1}, "DIFF_TIME": {1, 1}, "FILL": {2, 2}, "FIRST": {1, 1},
	"LAST": {1, 1}, "FLOOR": {1, 1}, "IF": {2, 3}, "LOG": {1, 1}, "LOG10": {1, 1},
	"MAX": {1, 1}, "MIN": {1, 1}, "MINUTE": {1, 1}, "HOUR": {1, 1}, "DAY": {1, 1},
	"DATE": {1, 1}, "MONTH": {1, 1}, "YEAR": {1, 1}, "EPOCH": {1, 1},
	"METRICS": {0, 1}, "METRIC_COUNT": {1, 1}, "PERIOD": {1, 1}, "RATE": {1, 1},
	"REMOVE_EMPTY": {1, 1}, "RUNNING_SUM": {1, 1}, "SEARCH": {2, 3},
	"SLICE": {2, 3}, "SORT": {3, 4}, "STDDEV": {1, 1}, "SUM": {1, 1},
	"TIME_SERIES": {1, 1}, "ANOMALY_DETECTION_BAND": {1, 2},
}

// unavailable lists AWS functions that need services localwatch does not model.
var unavailable = map[string]string{
	"INSIGHT_RULE_METRIC": "Contributor Insights",
	"SERVICE_QUOTA":       "Service Quotas",
	"DB_PERF_INSIGHTS":    "Performance Insights",
	"LAMBDA":              "AWS Lambda",
}

type checker struct {
	p    *Program
	id   string
	refs []string
}

func (c *checker) errorf(n Node, format string, args ...any) error {
	return validation("Error in expression %s: %s at position %d", c.id, fmt.Sprintf(format, args...), n.Pos())
}

func (c *checker) check(n Node, ctx argCtx) error {
	switch n := n.(type) {
	case *Number:
		if ctx == ctxString || ctx == ctxMetric || ctx == ctxSortFn || ctx == ctxSortDir {
			return c.errorf(n, "Unexpected number %s", n)
		}
	case *String:
		if ctx != ctxString {
			return c.errorf(n, "Unexpected string %s", n)
		}
	case *Ident:
		switch ctx {
		case ctxFill:
			if n.Name == "REPEAT" || n.Name == "LINEAR" {
				return nil
			}
		case ctxSortFn:
			switch n.Name {
			case "AVG", "MIN", "MAX", "SUM", "STDDEV":
				return nil
			}
			return c.errorf(n, "Invalid sort function %q (expected AVG, MIN, MAX, SUM or STDDEV)", n.Name)
		case ctxSortDir:
			if n.Name == "ASC" || n.Name == "DESC" {
				return nil
			}
			return c.errorf(n, "Invalid sort order %q (expected ASC or DESC)", n.Name)
		case ctxString:
			return c.errorf(n, "Expected a string but found %q", n.Name)
		}
		i, ok := c.p.index[n.Name]
		if !ok {
			if n.Name[0] >= 'A' && n.Name[0] <= 'Z' {
				return c.errorf(n, "Unrecognized identifier %q", n.Name)
			}
			return c.errorf(n, "Unknown metric or expression Id %q", n.Name)
		}
		if ctx == ctxMetric && !c.p.queries[i].IsMetric() {
			return c.errorf(n, "PERIOD takes the Id of a metric, not of the expression %q", n.Name)
		}
		c.refs = append(c.refs, n.Name)
	case *Unary:
		if ctx != ctxValue && ctx != ctxFill {
			return c.errorf(n, "Unexpected operator %q", n.Op)
		}
		return c.check(n.X, ctxValue)
	case *Binary:
		if ctx != ctxValue && ctx != ctxFill {
			return c.errorf(n, "Unexpected operator %q", n.Op)
		}
		if err := c.check(n.X, ctxValue); err != nil {
			return err
		}
		return c.check(n.Y, ctxValue)
	case *Array:
		if ctx != ctxValue && ctx != ctxFill {
			return c.errorf(n, "Unexpected array")
		}
		for _, e := range n.Elems {
			if err := c.check(e, ctxValue); err != nil {
				return err
			}
		}
	case *Call:
		if ctx != ctxValue && ctx != ctxFill {
			return c.errorf(n, "Unexpected function %s", n.Name)
		}
		spec, ok := functions[n.Name]
		if !ok {
			if svc, ok := unavailable[n.Name]; ok {
				return c.errorf(n, "Function %s is not available: localwatch does not model %s", n.Name, svc)
			}
			return c.errorf(n, "Unknown function %q (functions are written in upper case)", n.Name)
		}
		if len(n.Args) < spec.min || len(n.Args) > spec.max {
			if spec.min == spec.max {
				return c.errorf(n, "Function %s takes %d argument(s) but %d were given", n.Name, spec.min, len(n.Args))
			}
			return c.errorf(n, "Function %s takes %d to %d arguments but %d were given", n.Name, spec.min, spec.max, len(n.Args))
		}
		for k, a := range n.Args {
			actx := ctxValue
			switch {
			case n.Name == "FILL" && k == 1:
				actx = ctxFill
			case n.Name == "SORT" && k == 1:
				actx = ctxSortFn
			case n.Name == "SORT" && k == 2:
				actx = ctxSortDir
			case n.Name == "METRICS", n.Name == "SEARCH" && k < 2:
				actx = ctxString
			case n.Name == "PERIOD":
				actx = ctxMetric
			}
			if err := c.check(a, actx); err != nil {
				return err
			}
		}
		if n.Name == "SEARCH" {
			q, err := ParseSearch(n.Args[0].(*String).Value)
			if err != nil {
				return c.errorf(n.Args[0], "Invalid search expression: %s", err.Error())
			}
			if len(n.Args) == 3 {
				if _, ok := n.Args[2].(*Number); !ok {
					return c.errorf(n.Args[2], "The period of SEARCH must be a number of seconds")
				}
			}
			c.p.searches[n] = q
		}
	}
	return nil
}
