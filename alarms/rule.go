package alarms

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// AlarmRule is a parsed composite-alarm rule expression:
//
//	ALARM("name or ARN") | OK(...) | INSUFFICIENT_DATA(...)
//	TRUE | FALSE
//	NOT expr | expr AND expr | expr OR expr | ( expr )
//	AT_LEAST(M | M%, STATE, (alarm, alarm, ...))
//
// STATE in AT_LEAST is ALARM, OK, INSUFFICIENT_DATA or NOT_ALARM, NOT_OK,
// NOT_INSUFFICIENT_DATA. Alarm names may be quoted with double quotes or bare.
// NOT binds tightest, then AND, then OR. Keywords are case-insensitive.
type AlarmRule struct {
	root     *ruleNode
	alarms   []string // distinct alarm references, in order of appearance
	elements int
}

type ruleKind uint8

const (
	ruleState ruleKind = iota
	ruleConst
	ruleNot
	ruleAnd
	ruleOr
	ruleAtLeast
)

type ruleNode struct {
	kind     ruleKind
	state    StateValue // ruleState, ruleAtLeast
	negate   bool       // ruleAtLeast: NOT_<STATE>
	value    bool       // ruleConst
	name     string     // ruleState
	names    []string   // ruleAtLeast
	count    float64    // ruleAtLeast threshold
	percent  bool       // ruleAtLeast threshold is a percentage
	children []*ruleNode
}

// Limits of AlarmRule (PutCompositeAlarm).
const (
	MaxAlarmRuleLength   = 10240
	MaxAlarmRuleChildren = 100
	MaxAlarmRuleElements = 500
)

// ParseAlarmRule parses a composite alarm's AlarmRule. It checks the syntax and
// AWS's limits (at most 100 child alarms and 500 elements, where a pair of
// parentheses counts as one element); it does not check that the alarms exist.
func ParseAlarmRule(rule string) (*AlarmRule, error) {
	if strings.TrimSpace(rule) == "" {
		return nil, fmt.Errorf("the alarm rule is empty")
	}
	if len(rule) > MaxAlarmRuleLength {
		return nil, fmt.Errorf("the alarm rule is longer than %d characters", MaxAlarmRuleLength)
	}
	p := &ruleParser{src: rule, seen: map[string]bool{}}
	n, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.src) {
		return nil, fmt.Errorf("unexpected %q at position %d", p.rest(), p.pos)
	}
	r := &AlarmRule{root: n, alarms: p.alarms, elements: p.elements}
	if len(r.alarms) > MaxAlarmRuleChildren {
		return nil, fmt.Errorf("the alarm rule references %d alarms; the maximum is %d", len(r.alarms), MaxAlarmRuleChildren)
	}
	if r.elements > MaxAlarmRuleElements {
		return nil, fmt.Errorf("the alarm rule has %d elements; the maximum is %d", r.elements, MaxAlarmRuleElements)
	}
	return r, nil
}

// Alarms returns the distinct alarm names or ARNs the rule references, in order
// of first appearance.
func (r *AlarmRule) Alarms() []string { return append([]string(nil), r.alarms...) }

// Eval evaluates the rule with the states state reports for each referenced
// alarm name or ARN (as written in the rule).
func (r *AlarmRule) Eval(state func(alarm string) StateValue) bool {
	return r.root.eval(state)
}

func (n *ruleNode) eval(state func(string) StateValue) bool {
	switch n.kind {
	case ruleConst:
		return n.value
	case ruleState:
		return state(n.name) == n.state
	case ruleNot:
		return !n.children[0].eval(state)
	case ruleAnd:
		for _, c := range n.children {
			if !c.eval(state) {
				return false
			}
		}
		return true
	case ruleOr:
		for _, c := range n.children {
			if c.eval(state) {
				return true
			}
		}
		return false
	case ruleAtLeast:
		k := 0
		for _, name := range n.names {
			if (state(name) == n.state) != n.negate {
				k++
			}
		}
		if n.percent {
			return float64(k)*100 >= n.count*float64(len(n.names))
		}
		return float64(k) >= n.count
	}
	return false
}

type ruleParser struct {
	src      string
	pos      int
	alarms   []string
	seen     map[string]bool
	elements int
}

const maxRuleDepth = 200

func (p *ruleParser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 20 {
		r = r[:20]
	}
	return r
}

func (p *ruleParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// word returns the keyword at the current position without consuming it.
func (p *ruleParser) word() string {
	p.skipSpace()
	i := p.pos
	for i < len(p.src) && (p.src[i] == '_' || p.src[i] < 128 && unicode.IsLetter(rune(p.src[i]))) {
		i++
	}
	return strings.ToUpper(p.src[p.pos:i])
}

func (p *ruleParser) eat(c byte) bool {
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *ruleParser) expect(c byte) error {
	if !p.eat(c) {
		if p.pos >= len(p.src) {
			return fmt.Errorf("expected %q at the end of the rule", c)
		}
		return fmt.Errorf("expected %q at position %d, found %q", c, p.pos, p.rest())
	}
	return nil
}

func (p *ruleParser) parseOr(depth int) (*ruleNode, error) {
	if depth > maxRuleDepth {
		return nil, fmt.Errorf("the alarm rule is nested too deeply")
	}
	left, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	n := left
	wrapped := false
	for p.word() == "OR" {
		p.pos += 2
		right, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		if !wrapped {
			n = &ruleNode{kind: ruleOr, children: []*ruleNode{n}}
			wrapped = true
		}
		n.children = append(n.children, right)
	}
	return n, nil
}

func (p *ruleParser) parseAnd(depth int) (*ruleNode, error) {
	left, err := p.parseNot(depth)
	if err != nil {
		return nil, err
	}
	n := left
	wrapped := false
	for p.word() == "AND" {
		p.pos += 3
		right, err := p.parseNot(depth)
		if err != nil {
			return nil, err
		}
		if !wrapped {
			n = &ruleNode{kind: ruleAnd, children: []*ruleNode{n}}
			wrapped = true
		}
		n.children = append(n.children, right)
	}
	return n, nil
}

func (p *ruleParser) parseNot(depth int) (*ruleNode, error) {
	if depth > maxRuleDepth {
		return nil, fmt.Errorf("the alarm rule is nested too deeply")
	}
	if p.word() == "NOT" {
		p.pos += 3
		c, err := p.parseNot(depth + 1)
		if err != nil {
			return nil, err
		}
		return &ruleNode{kind: ruleNot, children: []*ruleNode{c}}, nil
	}
	return p.parsePrimary(depth)
}

func (p *ruleParser) parsePrimary(depth int) (*ruleNode, error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return nil, fmt.Errorf("unexpected end of the alarm rule")
	}
	if p.eat('(') {
		p.elements++
		n, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		return n, nil
	}
	w := p.word()
	switch w {
	case "TRUE", "FALSE":
		p.pos += len(w)
		p.elements++
		return &ruleNode{kind: ruleConst, value: w == "TRUE"}, nil
	case "ALARM", "OK", "INSUFFICIENT_DATA":
		p.pos += len(w)
		if err := p.expect('('); err != nil {
			return nil, err
		}
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		p.elements++
		p.ref(name)
		return &ruleNode{kind: ruleState, state: StateValue(w), name: name}, nil
	case "AT_LEAST":
		p.pos += len(w)
		return p.parseAtLeast()
	case "":
		return nil, fmt.Errorf("unexpected %q at position %d", p.rest(), p.pos)
	}
	return nil, fmt.Errorf("unknown function or operator %q at position %d", w, p.pos)
}

func (p *ruleParser) parseAtLeast() (*ruleNode, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
		p.pos++
	}
	num := p.src[start:p.pos]
	n := &ruleNode{kind: ruleAtLeast}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" {
		return nil, fmt.Errorf("AT_LEAST needs a count or percentage at position %d", start)
	}
	n.count = v
	if p.eat('%') {
		n.percent = true
		if v > 100 {
			return nil, fmt.Errorf("AT_LEAST percentage %s%% is above 100%%", num)
		}
	} else if v != float64(int(v)) || v < 1 {
		return nil, fmt.Errorf("AT_LEAST count %s must be a positive integer", num)
	}
	if err := p.expect(','); err != nil {
		return nil, err
	}
	st := p.word()
	p.pos += len(st)
	if rest, ok := strings.CutPrefix(st, "NOT_"); ok {
		n.negate = true
		st = rest
	}
	switch st {
	case "ALARM", "OK", "INSUFFICIENT_DATA":
		n.state = StateValue(st)
	default:
		return nil, fmt.Errorf("AT_LEAST state %q is not ALARM, OK, INSUFFICIENT_DATA or their NOT_ forms", st)
	}
	if err := p.expect(','); err != nil {
		return nil, err
	}
	if err := p.expect('('); err != nil {
		return nil, err
	}
	for {
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		n.names = append(n.names, name)
		p.ref(name)
		p.elements++
		if p.eat(',') {
			continue
		}
		break
	}
	if err := p.expect(')'); err != nil {
		return nil, err
	}
	if err := p.expect(')'); err != nil {
		return nil, err
	}
	if !n.percent && int(n.count) > len(n.names) {
		return nil, fmt.Errorf("AT_LEAST count %d is larger than the %d alarms listed", int(n.count), len(n.names))
	}
	return n, nil
}

// name reads an alarm name or ARN, quoted or bare.
func (p *ruleParser) name() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return "", fmt.Errorf("expected an alarm name at the end of the rule")
	}
	if p.src[p.pos] == '"' {
		end := strings.IndexByte(p.src[p.pos+1:], '"')
		if end < 0 {
			return "", fmt.Errorf("unterminated quoted alarm name at position %d", p.pos)
		}
		name := p.src[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
		if name == "" {
			return "", fmt.Errorf("empty alarm name at position %d", p.pos)
		}
		return name, nil
	}
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != ')' && p.src[p.pos] != ',' && p.src[p.pos] != '(' && p.src[p.pos] != '"' {
		p.pos++
	}
	name := strings.TrimSpace(p.src[start:p.pos])
	if name == "" {
		return "", fmt.Errorf("expected an alarm name at position %d", start)
	}
	return name, nil
}

func (p *ruleParser) ref(name string) {
	if !p.seen[name] {
		p.seen[name] = true
		p.alarms = append(p.alarms, name)
	}
}
