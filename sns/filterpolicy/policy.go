package filterpolicy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Scope says what a policy is matched against: the message attributes (the
// default) or the JSON message body. It is SNS's FilterPolicyScope.
type Scope string

// The FilterPolicyScope values.
const (
	ScopeMessageAttributes Scope = "MessageAttributes"
	ScopeMessageBody       Scope = "MessageBody"
)

// Limits AWS documents for filter policies.
const (
	// MaxKeys is the most top-level keys a policy may have (for nested body
	// policies only the parent keys count).
	MaxKeys = 5
	// MaxCombinations bounds the policy's complexity (see [Policy.Combinations]).
	MaxCombinations = 150
	// MaxSize is the largest policy document, in bytes (256 KB).
	MaxSize = 256 * 1024
)

// Error is a policy that SNS rejects. Reason is AWS's text (for example
// "Filter policy can not have more than 5 keys"). Most reasons belong to the
// FilterPolicy field and SNS prints them as "FilterPolicy: <reason>"; the few that
// do not (the nested-policy scope error) have Field false.
type Error struct {
	Reason string
	Field  bool
}

// Error returns the reason as SNS prints it after "Invalid parameter: ".
func (e *Error) Error() string {
	if e.Field {
		return "FilterPolicy: " + e.Reason
	}
	return e.Reason
}

func fieldErr(format string, args ...any) *Error {
	return &Error{Reason: fmt.Sprintf(format, args...), Field: true}
}

// at returns the error located at offset off of the compact policy, as
// Jackson locates it.
func (c *compiler) at(off int, format string, args ...any) *Error {
	return &Error{Reason: fmt.Sprintf(format, args...) + position(c.src, off), Field: true}
}

// Policy is a compiled filter policy. It is immutable and safe for concurrent
// use; compile once, match many messages.
//
// Layout: the policy is a tree of AND groups. A group holds conditions (a
// flattened dotted key path plus the OR-list of matchers for it) and $or
// alternatives (each itself a group). Matching is a walk over this small tree
// against a [Message] whose fields were flattened once per message, so a match
// costs a few map look-ups and comparisons, with no JSON work.
type Policy struct {
	root         group
	scope        Scope
	combinations int
	keys         int
}

type group struct {
	conds []condition
	ors   [][]group // each entry: a $or, satisfied when any alternative is
}

type condition struct {
	path     string
	matchers []matcher
}

// Scope returns the scope the policy was compiled for.
func (p *Policy) Scope() Scope { return p.scope }

// Combinations returns the policy's complexity as AWS counts it: the product of
// the number of values of each key, each multiplied by its nesting depth, with
// the $or alternatives summed.
func (p *Policy) Combinations() int { return p.combinations }

// Compile parses and validates a filter policy for scope (the empty scope means
// MessageAttributes). It returns an *[Error] with AWS's reason when SNS would
// reject the policy.
func Compile(policy string, scope Scope) (*Policy, error) {
	if scope == "" {
		scope = ScopeMessageAttributes
	}
	if scope != ScopeMessageAttributes && scope != ScopeMessageBody {
		return nil, &Error{Reason: fmt.Sprintf("FilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", scope)}
	}
	if len(policy) > MaxSize {
		return nil, fieldErr("Filter policy is too long")
	}
	root, err := parseJSON(policy)
	if err != nil {
		return nil, fieldErr("failed to parse JSON. %v", err)
	}
	// AWS's messages quote the policy re-serialised compactly and count
	// columns in that text: parse it again for the offsets.
	var b strings.Builder
	root.compact(&b)
	src := b.String()
	if root, err = parseJSON(src); err != nil {
		return nil, fieldErr("failed to parse JSON. %v", err)
	}
	if root.kind != nodeObject {
		return nil, fieldErr("Filter policy must be a JSON object")
	}
	if len(root.members) > MaxKeys {
		return nil, fieldErr("Filter policy can not have more than %d keys", MaxKeys)
	}
	c := compiler{src: src, scope: scope}
	g, combos, err := c.group(root, "", 1, 1)
	if err != nil {
		return nil, err
	}
	if c.nested && scope == ScopeMessageAttributes {
		return nil, &Error{Reason: "Filter policy scope MessageAttributes does not support nested filter policy"}
	}
	if combos > MaxCombinations {
		return nil, fieldErr("Filter policy is too complex")
	}
	if c.ruleErr != nil {
		return nil, c.ruleErr
	}
	return &Policy{root: g, scope: scope, combinations: combos, keys: len(root.members)}, nil
}

// MustCompile is Compile that panics on error, for policies fixed in code.
func MustCompile(policy string, scope Scope) *Policy {
	p, err := Compile(policy, scope)
	if err != nil {
		panic(err)
	}
	return p
}

type compiler struct {
	src     string // the compact policy, for error locations
	scope   Scope
	nested  bool
	ruleErr error // the first rule error, reported after the structural checks as AWS does
}

// reserved are the match-expression keywords; an object using one as a field
// name is a match expression, not a policy, so it cannot be a $or branch.
var reserved = map[string]bool{
	"prefix": true, "suffix": true, "anything-but": true, "numeric": true, "exists": true,
	"cidr": true, "equals-ignore-case": true, "wildcard": true,
}

// isOr reports whether v, the value of a "$or" key, makes it an OR: an array of
// at least two objects, none using a reserved keyword as a field name.
func isOr(v *node) bool {
	if v.kind != nodeArray || len(v.elems) < 2 {
		return false
	}
	for _, e := range v.elems {
		if e.kind != nodeObject {
			return false
		}
		for _, m := range e.members {
			if reserved[m.key] {
				return false
			}
		}
	}
	return true
}

func (c *compiler) group(obj *node, prefix string, depth, combos int) (group, int, error) {
	var g group
	for _, m := range obj.members {
		path := m.key
		if prefix != "" {
			path = prefix + "." + m.key
		}
		switch {
		case m.key == "$or" && isOr(m.val):
			sum := 0
			var alts []group
			for _, e := range m.val.elems {
				ag, n, err := c.group(e, prefix, depth, combos)
				if err != nil {
					return g, 0, err
				}
				alts = append(alts, ag)
				sum += n
			}
			g.ors = append(g.ors, alts)
			combos = sum
		case m.val.kind == nodeObject:
			c.nested = true
			sub, n, err := c.group(m.val, path, depth+1, combos)
			if err != nil {
				return g, 0, err
			}
			combos = n
			g.conds = append(g.conds, sub.conds...)
			g.ors = append(g.ors, sub.ors...)
		case m.val.kind == nodeArray:
			if len(m.val.elems) == 0 {
				return g, 0, c.at(m.val.end, "Empty arrays are not allowed")
			}
			cond := condition{path: path}
			for _, e := range m.val.elems {
				mt, err := c.rule(e)
				if err != nil {
					if c.ruleErr == nil {
						c.ruleErr = err
					}
					continue
				}
				cond.matchers = append(cond.matchers, mt...)
			}
			g.conds = append(g.conds, cond)
			combos *= len(m.val.elems) * depth
		default:
			return g, 0, c.at(m.val.tokEnd, "%q must be an object or an array", m.key)
		}
	}
	return g, combos, nil
}

// rule compiles one element of a key's value array. Errors follow AWS's
// streaming reader: a match expression's first key and value are checked
// before a second key is noticed, and each error is located where the reader
// stood (see node).
func (c *compiler) rule(n *node) ([]matcher, error) {
	switch n.kind {
	case nodeString:
		return []matcher{{op: opExactString, s: n.str}}, nil
	case nodeNumber:
		f, err := number(n)
		if err != nil {
			return nil, err
		}
		return []matcher{{op: opExactNumber, f: f}}, nil
	case nodeBool:
		return []matcher{{op: opExactBool, b: n.b}}, nil
	case nodeNull:
		return []matcher{{op: opExactNull}}, nil
	case nodeArray:
		return nil, c.at(n.tokEnd, "Match value must be String, number, true, false, or null")
	}
	if len(n.members) == 0 {
		return nil, c.at(n.end, "Only one key allowed in match expression")
	}
	op, v := n.members[0].key, n.members[0].val
	var ms []matcher
	switch op {
	case "prefix", "suffix", "equals-ignore-case", "wildcard":
		if v.kind != nodeString {
			return nil, c.at(v.tokEnd, "%s match pattern must be a string", op)
		}
		if err := c.checkWildcard(op, v); err != nil {
			return nil, err
		}
		ms = []matcher{stringMatcher(op, v.str)}
	case "exists":
		if v.kind != nodeBool {
			return nil, c.at(v.tokEnd, "exists match pattern must be either true or false.")
		}
		ms = []matcher{{op: opExists, b: v.b}}
	case "anything-but":
		m, err := c.anythingBut(v)
		if err != nil {
			return nil, err
		}
		ms = m
	case "numeric":
		m, err := c.numeric(v)
		if err != nil {
			return nil, err
		}
		ms = []matcher{m}
	case "cidr":
		m, err := c.cidr(v)
		if err != nil {
			return nil, err
		}
		ms = []matcher{m}
	default:
		return nil, c.at(v.tokEnd, "Unrecognized match type %s", op)
	}
	if len(n.members) > 1 {
		return nil, c.at(n.members[1].val.tokEnd, "Only one key allowed in match expression")
	}
	return ms, nil
}

func (c *compiler) checkWildcard(op string, v *node) error {
	if op == "wildcard" && strings.Contains(v.str, "**") {
		return c.at(v.textEnd, "Consecutive wildcard characters at pos %d", strings.Index(v.str, "**")+1)
	}
	return nil
}

func stringMatcher(op, s string) matcher {
	switch op {
	case "prefix":
		return matcher{op: opPrefix, s: s}
	case "suffix":
		return matcher{op: opSuffix, s: s}
	case "equals-ignore-case":
		return matcher{op: opEqualsIgnoreCase, s: strings.ToLower(s)}
	}
	return matcher{op: opWildcard, s: s}
}

func (c *compiler) anythingBut(v *node) ([]matcher, error) {
	m := matcher{op: opAnythingBut}
	add := func(e *node) error {
		switch e.kind {
		case nodeString:
			m.strs = append(m.strs, e.str)
		case nodeNumber:
			f, err := number(e)
			if err != nil {
				return err
			}
			m.nums = append(m.nums, f)
		default:
			return c.at(e.tokEnd, "Inside anything but list, start|null|boolean is not supported.")
		}
		return nil
	}
	switch v.kind {
	case nodeString, nodeNumber:
		if err := add(v); err != nil {
			return nil, err
		}
	case nodeArray:
		if len(v.elems) == 0 {
			return nil, c.at(v.end, "Empty arrays are not allowed")
		}
		for _, e := range v.elems {
			if err := add(e); err != nil {
				return nil, err
			}
		}
	case nodeObject:
		if len(v.members) == 0 {
			return nil, c.at(v.end, "Only one key allowed in match expression")
		}
		op, inner := v.members[0].key, v.members[0].val
		switch op {
		case "prefix", "suffix", "equals-ignore-case", "wildcard":
		default:
			return nil, c.at(inner.tokEnd, "Unsupported anything-but pattern: %s", op)
		}
		if inner.kind != nodeString {
			return nil, c.at(inner.tokEnd, "%s match pattern must be a string", op)
		}
		if err := c.checkWildcard(op, inner); err != nil {
			return nil, err
		}
		if len(v.members) > 1 {
			return nil, c.at(v.members[1].val.tokEnd, "Only one key allowed in match expression")
		}
		sm := stringMatcher(op, inner.str)
		m.inner = &sm
	default:
		return nil, c.at(v.tokEnd, "Value of anything-but must be an array or single string/number value.")
	}
	return []matcher{m}, nil
}

func number(n *node) (float64, error) {
	f, err := strconv.ParseFloat(n.num.String(), 64)
	if err != nil {
		return 0, fieldErr("Value %s is not a valid number", n.num)
	}
	return f, nil
}

// numeric compiles a numeric expression as AWS's reader walks it: operator,
// value, then either the end or (after > or >=) a second operator and value,
// then the end; each error located after the token that revealed it.
func (c *compiler) numeric(v *node) (matcher, error) {
	if v.kind != nodeArray {
		return matcher{}, c.at(v.tokEnd, "Value of numeric must be an array.")
	}
	el := v.elems
	// after returns where the reader stands once it has read element i (or
	// the closing bracket when there is none).
	after := func(i int) int {
		if i < len(el) {
			return el[i].tokEnd
		}
		return v.end
	}
	if len(el) == 0 || el[0].kind != nodeString {
		what := "]"
		if len(el) > 0 {
			what = el[0].text()
		}
		return matcher{}, c.at(after(0), "Invalid member in numeric match: %s", what)
	}
	op1 := el[0].str
	val := func(i int, op string) (float64, error) {
		if op == "=" {
			op = "equals"
		}
		if i >= len(el) || el[i].kind != nodeNumber {
			return 0, c.at(after(i), "Value of %s must be numeric", op)
		}
		return number(el[i])
	}
	m := matcher{op: opNumeric}
	switch op1 {
	case "=", "<", "<=", ">", ">=":
	default:
		return matcher{}, c.at(after(1), "Unrecognized numeric range operator: %s", op1)
	}
	v1, err := val(1, op1)
	if err != nil {
		return matcher{}, err
	}
	switch op1 {
	case "=":
		m.hasLo, m.loIncl, m.lo, m.hasHi, m.hiIncl, m.hi = true, true, v1, true, true, v1
	case "<", "<=":
		m.hasHi, m.hiIncl, m.hi = true, op1 == "<=", v1
	default:
		m.hasLo, m.loIncl, m.lo = true, op1 == ">=", v1
	}
	if len(el) == 2 {
		return m, nil
	}
	if op1 != ">" && op1 != ">=" {
		return matcher{}, c.at(after(2), "Too many elements in numeric expression")
	}
	if el[2].kind != nodeString {
		return matcher{}, c.at(after(2), "Bad value in numeric range: %s", el[2].text())
	}
	op2 := el[2].str
	if op2 != "<" && op2 != "<=" {
		return matcher{}, c.at(el[2].textEnd, "Bad numeric range operator: %s", op2)
	}
	v2, err := val(3, op2)
	if err != nil {
		return matcher{}, err
	}
	if len(el) > 4 {
		return matcher{}, c.at(after(4), "Too many terms in numeric range expression")
	}
	if v2 <= v1 {
		return matcher{}, c.at(v.end, "Bottom must be less than top")
	}
	m.hasHi, m.hiIncl, m.hi = true, op2 == "<=", v2
	return m, nil
}

// cidr compiles a CIDR block. AWS locates only the type error; the address
// errors come without a location.
func (c *compiler) cidr(v *node) (matcher, error) {
	if v.kind != nodeString {
		return matcher{}, c.at(v.tokEnd, "prefix match pattern must be a string")
	}
	addr, bits, ok := strings.Cut(v.str, "/")
	if !ok || strings.Contains(bits, "/") {
		return matcher{}, fieldErr("Malformed CIDR, one '/' required")
	}
	n, err := strconv.Atoi(bits)
	if err != nil {
		return matcher{}, fieldErr("Malformed CIDR, mask bits must be an integer")
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Zone() != "" {
		return matcher{}, fieldErr("Nonstandard IP address: %s", addr)
	}
	if n < 0 || n > ip.BitLen() {
		return matcher{}, fieldErr("Malformed CIDR, mask bits must be between 0 and %d", ip.BitLen())
	}
	return matcher{op: opCIDR, prefix: netip.PrefixFrom(ip, n).Masked()}, nil
}
