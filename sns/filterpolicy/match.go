package filterpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// Kind is the JSON type of a message value.
type Kind uint8

// The value kinds. String.Array elements and body values keep their JSON type;
// String attributes are strings and Number attributes are numbers.
const (
	KindString Kind = iota
	KindNumber
	KindBool
	KindNull
)

// Value is one leaf value of a message, as a policy sees it.
type Value struct {
	Kind Kind
	Str  string  // KindString
	Num  float64 // KindNumber
	Bool bool    // KindBool
}

// Message is a message flattened for matching: each dotted key path maps to the
// leaf values found there (an array contributes each element). Build it once per
// message with [FromAttributes] or [FromJSON] and match it against any number of
// policies. The zero value is a message with no fields.
type Message struct {
	fields map[string][]Value
	// small messages (most have a handful of attributes) are also kept as
	// parallel slices: a linear scan with length-first string comparison beats
	// hashing the key for every policy condition.
	keys []string
	vals [][]Value
}

// smallMessage is the field count up to which lookups scan the slices.
const smallMessage = 12

func (m *Message) index() *Message {
	if len(m.fields) <= smallMessage {
		m.keys = make([]string, 0, len(m.fields))
		m.vals = make([][]Value, 0, len(m.fields))
		for k, v := range m.fields {
			m.keys = append(m.keys, k)
			m.vals = append(m.vals, v)
		}
	}
	return m
}

func (m *Message) lookup(path string) []Value {
	if m.keys != nil || len(m.fields) == 0 {
		for i, k := range m.keys {
			if k == path {
				return m.vals[i]
			}
		}
		return nil
	}
	return m.fields[path]
}

// Fields returns the flattened fields (read-only).
func (m *Message) Fields() map[string][]Value {
	if m == nil {
		return nil
	}
	return m.fields
}

// Attribute is an SNS message attribute: DataType String, String.Array, Number
// or Binary (with its String.* / Number subtypes such as "Number.float").
type Attribute struct {
	DataType    string
	StringValue string
}

// FromAttributes flattens message attributes for matching. String attributes
// give a string, Number attributes a number (a Number that does not parse is
// kept as a string), String.Array attributes each element with its JSON type;
// Binary attributes are ignored, as AWS ignores them for filtering.
func FromAttributes(attrs map[string]Attribute) *Message {
	m := &Message{fields: make(map[string][]Value, len(attrs))}
	for name, a := range attrs {
		base, _, _ := strings.Cut(a.DataType, ".")
		switch {
		case a.DataType == "String.Array":
			var arr []any
			dec := json.NewDecoder(strings.NewReader(a.StringValue))
			dec.UseNumber()
			if err := dec.Decode(&arr); err != nil {
				m.fields[name] = []Value{{Kind: KindString, Str: a.StringValue}}
				continue
			}
			vals := make([]Value, 0, len(arr))
			for _, e := range arr {
				if v, ok := leaf(e); ok {
					vals = append(vals, v)
				}
			}
			m.fields[name] = vals
		case base == "Number":
			if f, err := strconv.ParseFloat(strings.TrimSpace(a.StringValue), 64); err == nil {
				m.fields[name] = []Value{{Kind: KindNumber, Num: f}}
			} else {
				m.fields[name] = []Value{{Kind: KindString, Str: a.StringValue}}
			}
		case base == "String":
			m.fields[name] = []Value{{Kind: KindString, Str: a.StringValue}}
		}
	}
	return m.index()
}

// ErrNotObject is returned by FromJSON for a body that is not a JSON object; SNS
// then delivers to no MessageBody-scoped subscription.
var ErrNotObject = errors.New("filterpolicy: message body is not a JSON object")

// FromJSON flattens a JSON object message body: nested objects give dotted key
// paths, arrays give one value per element (arrays of objects flatten each
// object under the same path).
func FromJSON(body []byte) (*Message, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, ErrNotObject
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, ErrNotObject
	}
	m := &Message{fields: make(map[string][]Value)}
	m.flatten("", obj)
	return m.index(), nil
}

func (m *Message) flatten(path string, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			m.flatten(p, e)
		}
	case []any:
		for _, e := range t {
			m.flatten(path, e)
		}
	default:
		if lv, ok := leaf(v); ok {
			m.fields[path] = append(m.fields[path], lv)
		}
	}
}

func leaf(v any) (Value, bool) {
	switch t := v.(type) {
	case string:
		return Value{Kind: KindString, Str: t}, true
	case json.Number:
		f, err := strconv.ParseFloat(t.String(), 64)
		if err != nil {
			return Value{}, false
		}
		return Value{Kind: KindNumber, Num: f}, true
	case float64:
		return Value{Kind: KindNumber, Num: t}, true
	case bool:
		return Value{Kind: KindBool, Bool: t}, true
	case nil:
		return Value{Kind: KindNull}, true
	}
	return Value{}, false
}

// Matches reports whether msg passes the policy: every key must be satisfied
// (AND), a key by any of its values (OR), a $or by any alternative. A nil policy
// matches everything.
func (p *Policy) Matches(msg *Message) bool {
	if p == nil {
		return true
	}
	if msg == nil {
		msg = &Message{}
	}
	return p.root.matches(msg)
}

func (g *group) matches(msg *Message) bool {
	for i := range g.conds {
		if !g.conds[i].matches(msg.lookup(g.conds[i].path)) {
			return false
		}
	}
	for _, alts := range g.ors {
		ok := false
		for i := range alts {
			if alts[i].matches(msg) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (c *condition) matches(vals []Value) bool {
	for i := range c.matchers {
		m := &c.matchers[i]
		if m.op == opExists {
			if m.b == (len(vals) > 0) {
				return true
			}
			continue
		}
		for j := range vals {
			if m.match(&vals[j]) {
				return true
			}
		}
	}
	return false
}

type op uint8

const (
	opExactString op = iota
	opExactNumber
	opExactBool
	opExactNull
	opPrefix
	opSuffix
	opEqualsIgnoreCase
	opWildcard
	opAnythingBut
	opNumeric
	opExists
	opCIDR
)

// matcher is one compiled match expression. Fields are used by op as named.
type matcher struct {
	op     op
	s      string
	f      float64
	b      bool
	strs   []string // anything-but strings
	nums   []float64
	inner  *matcher // anything-but {prefix|suffix|wildcard|equals-ignore-case}
	prefix netip.Prefix

	hasLo, loIncl, hasHi, hiIncl bool
	lo, hi                       float64
}

func (m *matcher) match(v *Value) bool {
	switch m.op {
	case opExactString:
		return v.Kind == KindString && v.Str == m.s
	case opExactNumber:
		return v.Kind == KindNumber && v.Num == m.f
	case opExactBool:
		return v.Kind == KindBool && v.Bool == m.b
	case opExactNull:
		return v.Kind == KindNull
	case opPrefix:
		return v.Kind == KindString && strings.HasPrefix(v.Str, m.s)
	case opSuffix:
		return v.Kind == KindString && strings.HasSuffix(v.Str, m.s)
	case opEqualsIgnoreCase:
		return v.Kind == KindString && strings.EqualFold(v.Str, m.s)
	case opWildcard:
		return v.Kind == KindString && wildcard(m.s, v.Str)
	case opAnythingBut:
		if m.inner != nil {
			return v.Kind == KindString && !m.inner.match(v)
		}
		switch v.Kind {
		case KindString:
			for _, s := range m.strs {
				if s == v.Str {
					return false
				}
			}
			return true
		case KindNumber:
			for _, f := range m.nums {
				if f == v.Num {
					return false
				}
			}
			return true
		}
		return true
	case opNumeric:
		if v.Kind != KindNumber {
			return false
		}
		x := v.Num
		if m.hasLo && (x < m.lo || (x == m.lo && !m.loIncl)) {
			return false
		}
		if m.hasHi && (x > m.hi || (x == m.hi && !m.hiIncl)) {
			return false
		}
		return true
	case opCIDR:
		if v.Kind != KindString {
			return false
		}
		ip, err := netip.ParseAddr(v.Str)
		return err == nil && m.prefix.Contains(ip.Unmap())
	}
	return false
}

// wildcard matches s against pattern where '*' matches any run of characters
// (and "\*" a literal star).
func wildcard(pattern, s string) bool {
	// Split the pattern into literal segments at unescaped stars.
	var segs []string
	var cur strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch {
		case pattern[i] == '\\' && i+1 < len(pattern) && (pattern[i+1] == '*' || pattern[i+1] == '\\'):
			cur.WriteByte(pattern[i+1])
			i++
		case pattern[i] == '*':
			segs = append(segs, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(pattern[i])
		}
	}
	segs = append(segs, cur.String())
	if len(segs) == 1 {
		return s == segs[0]
	}
	if !strings.HasPrefix(s, segs[0]) {
		return false
	}
	s = s[len(segs[0]):]
	last := segs[len(segs)-1]
	for _, seg := range segs[1 : len(segs)-1] {
		i := strings.Index(s, seg)
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
