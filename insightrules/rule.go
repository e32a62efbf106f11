package insightrules

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the rule syntax (CloudWatch User Guide, "Contributor Insights
// rule syntax").
const (
	MaxKeys          = 4  // Contribution.Keys: "as many as four members"
	MaxFilters       = 4  // Contribution.Filters: "as many as four Filters"
	MaxFilterStrings = 10 // In, NotIn, StartsWith: "as many as 10 string values"
)

// The Schema of the rules users write, and the value DescribeInsightRules
// reports for them.
const (
	SchemaName    = "CloudWatchLogRule"
	SchemaVersion = 1
	schemaText    = `{"Name": "CloudWatchLogRule", "Version": 1}`
)

// definition is a rule body as written (JSON).
type definition struct {
	Schema *struct {
		Name    string
		Version json.Number
	}
	LogGroupNames []string
	LogGroupARNs  []string
	LogFormat     string
	Fields        map[string]string
	Contribution  *struct {
		Keys    []string
		ValueOf string
		Filters []map[string]json.RawMessage
	}
	AggregateOn string
}

// rule is a validated, compiled rule body.
type rule struct {
	groups   []string // names; a trailing * is a prefix
	clf      bool
	keys     []field
	labels   []string
	valueOf  *field // Sum rules
	sum      bool
	filters  []filter
	aggLabel string // Sum or Count, as written
}

// field is a place in an event: a JSON path (JSON) or a 1-based position (CLF).
type field struct {
	path []pathStep // JSON
	pos  int        // CLF, 1-based
}

type pathStep struct {
	name  string
	index int // -1: a property; else an array index
}

type filterOp int

const (
	opIn filterOp = iota
	opNotIn
	opStartsWith
	opGreaterThan
	opLessThan
	opEqualTo
	opNotEqualTo
	opIsPresent
)

var filterOps = map[string]filterOp{
	"In": opIn, "NotIn": opNotIn, "StartsWith": opStartsWith, "GreaterThan": opGreaterThan,
	"LessThan": opLessThan, "EqualTo": opEqualTo, "NotEqualTo": opNotEqualTo, "IsPresent": opIsPresent,
}

type filter struct {
	at      field
	op      filterOp
	strs    []string
	num     float64
	present bool
}

// parseRule validates a rule body as PutInsightRule does and compiles it.
func parseRule(body string) (*rule, error) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var d definition
	if err := dec.Decode(&d); err != nil {
		return nil, errInvalid("RuleDefinition", "is not a valid rule body: %v", err)
	}
	if dec.More() {
		return nil, errInvalid("RuleDefinition", "has content after the rule object")
	}
	if d.Schema == nil {
		return nil, errInvalid("RuleDefinition", "must have a Schema")
	}
	if d.Schema.Name != SchemaName || d.Schema.Version.String() != strconv.Itoa(SchemaVersion) {
		return nil, errInvalid("RuleDefinition", `Schema must be {"Name": "CloudWatchLogRule", "Version": 1}`)
	}
	r := &rule{}
	switch {
	case len(d.LogGroupNames) > 0 && len(d.LogGroupARNs) > 0:
		return nil, errInvalid("RuleDefinition", "must specify LogGroupNames or LogGroupARNs, not both")
	case len(d.LogGroupNames) > 0:
		for _, n := range d.LogGroupNames {
			if err := checkGroupPattern(n); err != nil {
				return nil, err
			}
			r.groups = append(r.groups, n)
		}
	case len(d.LogGroupARNs) > 0:
		for _, a := range d.LogGroupARNs {
			// arn:aws:logs:region:account:log-group:name
			parts := strings.SplitN(a, ":", 7)
			if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" {
				return nil, errInvalid("RuleDefinition", "LogGroupARNs member %q is not a log group ARN", a)
			}
			if err := checkGroupPattern(parts[6]); err != nil {
				return nil, err
			}
			r.groups = append(r.groups, parts[6])
		}
	default:
		return nil, errInvalid("RuleDefinition", "must specify at least one of LogGroupNames or LogGroupARNs")
	}
	switch d.LogFormat {
	case "JSON":
		if len(d.Fields) > 0 {
			return nil, errInvalid("RuleDefinition", "Fields applies only to LogFormat CLF")
		}
	case "CLF":
		r.clf = true
		for k, v := range d.Fields {
			if n, err := strconv.Atoi(k); err != nil || n < 1 {
				return nil, errInvalid("RuleDefinition", "Fields key %q is not a field position (1, 2, ...)", k)
			}
			if v == "" {
				return nil, errInvalid("RuleDefinition", "Fields alias of position %s is empty", k)
			}
		}
	default:
		return nil, errInvalid("RuleDefinition", "LogFormat must be JSON or CLF, not %q", d.LogFormat)
	}
	c := d.Contribution
	if c == nil {
		return nil, errInvalid("RuleDefinition", "must have a Contribution")
	}
	if len(c.Keys) == 0 || len(c.Keys) > MaxKeys {
		return nil, errInvalid("RuleDefinition", "Contribution.Keys must have 1 to %d members, not %d", MaxKeys, len(c.Keys))
	}
	for _, k := range c.Keys {
		f, err := r.parseField(k, d.Fields)
		if err != nil {
			return nil, err
		}
		r.keys = append(r.keys, f)
		r.labels = append(r.labels, k)
	}
	switch d.AggregateOn {
	case "Count":
	case "Sum":
		r.sum = true
		if c.ValueOf == "" {
			return nil, errInvalid("RuleDefinition", "AggregateOn Sum needs Contribution.ValueOf")
		}
	default:
		return nil, errInvalid("RuleDefinition", "AggregateOn must be Count or Sum, not %q", d.AggregateOn)
	}
	r.aggLabel = d.AggregateOn
	if r.sum {
		f, err := r.parseField(c.ValueOf, d.Fields)
		if err != nil {
			return nil, err
		}
		r.valueOf = &f
	}
	if len(c.Filters) > MaxFilters {
		return nil, errInvalid("RuleDefinition", "Contribution.Filters has %d members; the maximum is %d", len(c.Filters), MaxFilters)
	}
	for i, m := range c.Filters {
		f, err := r.parseFilter(i, m, d.Fields)
		if err != nil {
			return nil, err
		}
		r.filters = append(r.filters, f)
	}
	return r, nil
}

func checkGroupPattern(n string) error {
	base := strings.TrimSuffix(n, "*")
	if base == "" && n != "*" || strings.Contains(base, "*") || len(base) > 512 {
		return errInvalid("RuleDefinition", "log group name %q is invalid: * may only end a name", n)
	}
	return nil
}

func (r *rule) parseFilter(i int, m map[string]json.RawMessage, aliases map[string]string) (filter, error) {
	var f filter
	raw, ok := m["Match"]
	if !ok {
		return f, errInvalid("RuleDefinition", "Contribution.Filters[%d] has no Match", i)
	}
	var match string
	if err := json.Unmarshal(raw, &match); err != nil || match == "" {
		return f, errInvalid("RuleDefinition", "Contribution.Filters[%d].Match must be a field", i)
	}
	at, err := r.parseField(match, aliases)
	if err != nil {
		return f, err
	}
	f.at = at
	if len(m) != 2 {
		return f, errInvalid("RuleDefinition", "Contribution.Filters[%d] must have Match and exactly one operator (In, NotIn, StartsWith, GreaterThan, LessThan, EqualTo, NotEqualTo, IsPresent)", i)
	}
	for name, v := range m {
		if name == "Match" {
			continue
		}
		op, ok := filterOps[name]
		if !ok {
			return f, errInvalid("RuleDefinition", "Contribution.Filters[%d] has unknown operator %q", i, name)
		}
		f.op = op
		switch op {
		case opIn, opNotIn, opStartsWith:
			if err := json.Unmarshal(v, &f.strs); err != nil || len(f.strs) == 0 || len(f.strs) > MaxFilterStrings {
				return f, errInvalid("RuleDefinition", "Contribution.Filters[%d].%s must be an array of 1 to %d strings", i, name, MaxFilterStrings)
			}
		case opIsPresent:
			if err := json.Unmarshal(v, &f.present); err != nil {
				return f, errInvalid("RuleDefinition", "Contribution.Filters[%d].IsPresent must be true or false", i)
			}
		default:
			if err := json.Unmarshal(v, &f.num); err != nil {
				return f, errInvalid("RuleDefinition", "Contribution.Filters[%d].%s must be a number", i, name)
			}
		}
	}
	return f, nil
}

// parseField compiles a Keys, ValueOf or Match field: JSON property notation
// ($.a.b, $.a[0].b) for JSON rules; a position ("4") or a Fields alias for
// CLF rules.
func (r *rule) parseField(s string, aliases map[string]string) (field, error) {
	if r.clf {
		for pos, alias := range aliases {
			if alias == s {
				s = pos
				break
			}
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return field{}, errInvalid("RuleDefinition", "field %q is neither a CLF position nor a Fields alias", s)
		}
		return field{pos: n}, nil
	}
	p := strings.TrimPrefix(s, "$.")
	if p == "" || p == s && strings.HasPrefix(s, "$") {
		return field{}, errInvalid("RuleDefinition", "field %q is not in JSON property notation ($.name)", s)
	}
	var steps []pathStep
	for part := range strings.SplitSeq(p, ".") {
		name := part
		var idx []int
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
			rest := part[i:]
			for rest != "" {
				j := strings.IndexByte(rest, ']')
				if rest[0] != '[' || j < 0 {
					return field{}, errInvalid("RuleDefinition", "field %q has a malformed index", s)
				}
				n, err := strconv.Atoi(rest[1:j])
				if err != nil || n < 0 {
					return field{}, errInvalid("RuleDefinition", "field %q has a malformed index", s)
				}
				idx = append(idx, n)
				rest = rest[j+1:]
			}
		}
		if name == "" {
			return field{}, errInvalid("RuleDefinition", "field %q has an empty property name", s)
		}
		steps = append(steps, pathStep{name: name, index: -1})
		for _, n := range idx {
			steps = append(steps, pathStep{index: n})
		}
	}
	return field{path: steps}, nil
}

// matchesGroup reports whether the rule reads the log group name.
func (r *rule) matchesGroup(name string) bool {
	for _, g := range r.groups {
		if p, ok := strings.CutSuffix(g, "*"); ok {
			if strings.HasPrefix(name, p) {
				return true
			}
		} else if g == name {
			return true
		}
	}
	return false
}

// parsed is one event as a rule reads it.
type parsed struct {
	obj    string   // JSON: the message, a valid JSON object
	fields []string // CLF
}

// parse reads a message in the rule's format; ok is false when the message
// is not in it (a JSON rule skips events that are not JSON objects). A JSON
// message is only validated here; lookup scans it for the fields the rule
// reads, so an event costs no decoding of the fields no rule names.
func (r *rule) parse(msg string) (parsed, bool) {
	if r.clf {
		return parsed{fields: splitCLF(msg)}, true
	}
	i := skipSpace(msg, 0)
	if i >= len(msg) || msg[i] != '{' || !json.Valid([]byte(msg)) {
		return parsed{}, false
	}
	return parsed{obj: msg[i:]}, true
}

// lookup returns the value of f in p as text, and whether it is present as
// a leaf (not an object or array).
func (p parsed) lookup(f field) (string, bool) {
	if f.pos > 0 {
		if f.pos > len(p.fields) {
			return "", false
		}
		return p.fields[f.pos-1], true
	}
	v := p.obj
	for _, st := range f.path {
		var ok bool
		if st.index < 0 {
			v, ok = objectField(v, st.name)
		} else {
			v, ok = arrayElem(v, st.index)
		}
		if !ok {
			return "", false
		}
	}
	switch v[0] {
	case '{', '[':
		return "", false // an object or array is not a leaf
	case '"':
		if inner := v[1 : len(v)-1]; !strings.ContainsRune(inner, '\\') && utf8.ValidString(inner) {
			return inner, true
		}
		var s string
		if json.Unmarshal([]byte(v), &s) != nil {
			return "", false
		}
		return s, true
	default:
		return v, true // a number, true, false or null as written
	}
}

// The scanners below read valid JSON (parse checked it): each returns the
// raw text of a value, from its first byte to its last.

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just after the value that starts at s[i].
func valueEnd(s string, i int) int {
	switch s[i] {
	case '"':
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(s)
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				j = valueEnd(s, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(s)
	default:
		j := i
		for j < len(s) && !strings.ContainsRune(" \t\n\r,}]", rune(s[j])) {
			j++
		}
		return j
	}
}

// objectField returns the value of key in the object obj (the last one if
// the key repeats, as encoding/json decodes).
func objectField(obj, key string) (string, bool) {
	if obj[0] != '{' {
		return "", false
	}
	var found string
	ok := false
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] == '"' {
		kEnd := valueEnd(obj, i)
		k := obj[i+1 : kEnd-1]
		if strings.ContainsRune(k, '\\') {
			var dec string
			if json.Unmarshal([]byte(obj[i:kEnd]), &dec) == nil {
				k = dec
			}
		}
		i = skipSpace(obj, kEnd)
		i = skipSpace(obj, i+1) // past ':'
		vEnd := valueEnd(obj, i)
		if k == key {
			found, ok = obj[i:vEnd], true
		}
		i = skipSpace(obj, vEnd)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
	return found, ok
}

// arrayElem returns element n of the array arr.
func arrayElem(arr string, n int) (string, bool) {
	if arr[0] != '[' {
		return "", false
	}
	i := skipSpace(arr, 1)
	for k := 0; i < len(arr) && arr[i] != ']'; k++ {
		end := valueEnd(arr, i)
		if k == n {
			return arr[i:end], true
		}
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
	return "", false
}

// splitCLF splits a Common Log Format line into its fields: separated by
// spaces, a "quoted string" or a [bracketed time] counting as one field
// (without its quotes or brackets).
func splitCLF(line string) []string {
	var out []string
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			break
		}
		var end byte = ' '
		switch line[i] {
		case '"':
			end = '"'
		case '[':
			end = ']'
		}
		if end != ' ' {
			j := strings.IndexByte(line[i+1:], end)
			if j >= 0 {
				out = append(out, line[i+1:i+1+j])
				i += j + 2
				continue
			}
		}
		j := strings.IndexAny(line[i:], " \t")
		if j < 0 {
			j = len(line) - i
		}
		out = append(out, line[i:i+j])
		i += j
	}
	return out
}

// contribution evaluates one event: the contributor's key values and the
// value it contributes; ok is false when the event does not count (a filter
// fails, a key is missing, or a Sum rule's value is not a number).
func (r *rule) contribution(p parsed) (keys []string, value float64, ok bool) {
	for i := range r.filters {
		if !r.filters[i].matches(p) {
			return nil, 0, false
		}
	}
	keys = make([]string, len(r.keys))
	for i, k := range r.keys {
		v, ok := p.lookup(k)
		if !ok {
			return nil, 0, false
		}
		keys[i] = v
	}
	value = 1
	if r.valueOf != nil {
		v, ok := p.lookup(*r.valueOf)
		if !ok {
			return nil, 0, false
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, 0, false
		}
		value = f
	}
	return keys, value, true
}

func (f *filter) matches(p parsed) bool {
	v, present := p.lookup(f.at)
	if f.op == opIsPresent {
		return present == f.present
	}
	if !present {
		return false
	}
	switch f.op {
	case opIn, opNotIn:
		found := false
		for _, s := range f.strs {
			if s == v {
				found = true
				break
			}
		}
		return found == (f.op == opIn)
	case opStartsWith:
		for _, s := range f.strs {
			if strings.HasPrefix(v, s) {
				return true
			}
		}
		return false
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return false
	}
	switch f.op {
	case opGreaterThan:
		return n > f.num
	case opLessThan:
		return n < f.num
	case opEqualTo:
		return n == f.num
	default: // opNotEqualTo
		return n != f.num
	}
}
