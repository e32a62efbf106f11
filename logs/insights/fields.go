package insights

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Event is one log event as Logs Insights sees it.
type Event struct {
	// Timestamp and IngestionTime are milliseconds since the epoch
	// (@timestamp and @ingestionTime).
	Timestamp     int64
	IngestionTime int64
	// Message is the raw event (@message).
	Message string
	// LogStream is the stream's name (@logStream).
	LogStream string
	// Log is the log group as "account-id:log-group-name" (@log).
	Log string
	// Ptr is the record pointer GetLogRecord accepts (@ptr); empty for none.
	Ptr string
}

// The system fields every event has, in fixed slots.
const (
	slotTimestamp = iota
	slotMessage
	slotLogStream
	slotLog
	slotIngestionTime
	slotPtr
	numSystemSlots
)

var systemNames = [numSystemSlots]string{"@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@ptr"}

// MaxJSONFields is how many fields Logs Insights discovers in one JSON event;
// the rest can be extracted with parse. The user guide's "Supported logs and
// discovered fields" page gives this limit ("a maximum of 1000 log event
// fields from a JSON log" in the current guide; the archived 2021 copy in
// awsdocs says 100 — we follow the current text).
const MaxJSONFields = 1000

// row is one event (or one result row) under evaluation: the event, and a
// value per field slot, filled on first use. A slot is set when gen[slot] ==
// cur, so moving to the next event clears every slot in O(1).
type row struct {
	q          *Query
	ev         Event
	vals       []value
	gen        []uint32
	cur        uint32
	discovered bool
}

func newRow(q *Query) *row {
	return &row{q: q, vals: make([]value, len(q.names)), gen: make([]uint32, len(q.names)), cur: 1}
}

// reset makes r the row of ev.
func (r *row) reset(ev *Event) {
	r.ev = *ev
	r.cur++
	if r.cur == 0 { // wrapped: clear for real
		clear(r.gen)
		r.cur = 1
	}
	r.discovered = false
}

func (r *row) has(slot int) bool { return r.gen[slot] == r.cur }

func (r *row) set(slot int, v value) {
	r.vals[slot] = v
	r.gen[slot] = r.cur
}

// get returns the field in slot: a system field, a field set by an earlier
// command, or a field discovered in the message.
func (r *row) get(slot int) value {
	if r.gen[slot] == r.cur {
		return r.vals[slot]
	}
	var v value
	switch slot {
	case slotTimestamp:
		v = timestamp(r.ev.Timestamp)
	case slotMessage:
		v = str(r.ev.Message)
	case slotLogStream:
		v = optStr(r.ev.LogStream)
	case slotLog:
		v = optStr(r.ev.Log)
	case slotIngestionTime:
		if r.ev.IngestionTime != 0 {
			v = timestamp(r.ev.IngestionTime)
		}
	case slotPtr:
		v = optStr(r.ev.Ptr)
	default:
		if !r.discovered {
			r.discovered = true
			discover(r.ev.Message, r.q.wanted, r.q.prefixes, r)
			if r.gen[slot] == r.cur {
				return r.vals[slot]
			}
		}
	}
	r.set(slot, v)
	return v
}

// put is the sink of discovery: a discovered field fills its slot unless an
// earlier command set it.
func (r *row) put(_ string, slot int, x value) bool {
	if !r.has(slot) {
		r.set(slot, x)
	}
	return true
}

// sink receives discovered fields; put returns false to stop.
type sink interface {
	put(name string, slot int, v value) bool
}

func optStr(s string) value {
	if s == "" {
		return null
	}
	return str(s)
}

// discover finds the fields Logs Insights discovers in message: the fields of
// a JSON object (flattened with dots, array elements by index), the fields of
// Lambda's platform lines (START, END, REPORT), of VPC flow logs (default
// format) and of Route 53 query logs. With wanted non-nil it reports only the
// wanted names (emit's slot is the wanted slot) and stops early once all are
// found; with wanted nil it reports every field (slot -1), up to
// MaxJSONFields. emit returns false to stop.
func discover(message string, wanted *fieldSet, prefixes map[string]bool, emit sink) {
	i := 0
	for i < len(message) && (message[i] == ' ' || message[i] == '\t' || message[i] == '\r' || message[i] == '\n') {
		i++
	}
	if i < len(message) && message[i] == '{' {
		js := jsonScan{src: message, i: i, wanted: wanted, prefixes: prefixes, emit: emit, left: wanted.len()}
		if wanted == nil {
			js.left = MaxJSONFields
		}
		var buf [256]byte // the flattened name being built, on the stack
		js.value(buf[:0], 0)
		return
	}
	switch {
	case strings.HasPrefix(message, "REPORT RequestId:"), strings.HasPrefix(message, "START RequestId:"), strings.HasPrefix(message, "END RequestId:"):
		discoverLambda(message, wanted, emit)
	default:
		discoverSpaceDelimited(message, wanted, emit)
	}
}

func emitWanted(name string, v value, wanted *fieldSet, emit sink) bool {
	if wanted == nil {
		return emit.put(name, -1, v)
	}
	if slot, ok := wanted.lookupString(name); ok {
		return emit.put(name, slot, v)
	}
	return true
}

// numOrStr is a discovered value: a number when the text is one.
func numOrStr(s string) value {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return num(f)
	}
	return str(s)
}

// discoverLambda reads Lambda's platform lines, e.g.
// "REPORT RequestId: id\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB".
func discoverLambda(message string, wanted *fieldSet, emit sink) {
	typ, rest, _ := strings.Cut(message, " ")
	if !emitWanted("@type", str(typ), wanted, emit) {
		return
	}
	for _, part := range strings.Split(rest, "\t") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), ": ")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		var name string
		switch k {
		case "RequestId":
			name = "@requestId"
			if i := strings.IndexByte(v, ' '); i > 0 { // "START RequestId: id Version: $LATEST"
				v = v[:i]
			}
		case "Duration":
			name = "@duration"
		case "Billed Duration":
			name = "@billedDuration"
		case "Memory Size":
			name = "@memorySize"
		case "Max Memory Used":
			name = "@maxMemoryUsed"
		case "Init Duration":
			name = "@initDuration"
		case "XRAY TraceId":
			name = "@xrayTraceId"
		case "SegmentId":
			name = "@xraySegmentId"
		default:
			continue
		}
		val := numOrStr(strings.TrimSuffix(strings.TrimSuffix(v, " ms"), " MB"))
		if strings.HasSuffix(v, " MB") && val.k == kNum {
			// Logs Insights gives memory in bytes (the guide's sample queries
			// divide @maxMemoryUsed by 1000 * 1000 to show MB).
			val.n *= 1000 * 1000
		}
		if !emitWanted(name, val, wanted, emit) {
			return
		}
	}
}

// vpcFields are the default VPC flow log format's fields (version 2), named as
// Logs Insights discovers them.
var vpcFields = []string{"version", "accountId", "interfaceId", "srcAddr", "dstAddr", "srcPort", "dstPort", "protocol", "packets", "bytes", "startTime", "endTime", "action", "logStatus"}

// route53Fields are a Route 53 public DNS query log's fields.
var route53Fields = []string{"version", "queryTimestamp", "hostZoneId", "queryName", "queryType", "responseCode", "protocol", "edgeLocation", "resolverIp", "ednsClientSubnet"}

// discoverSpaceDelimited recognises VPC flow logs and Route 53 query logs by
// their shape (AWS knows a log group's type; localwatch infers it from the
// line).
func discoverSpaceDelimited(message string, wanted *fieldSet, emit sink) {
	// Both formats start with their version: "2 " (VPC) or "1.0 " (Route 53).
	if len(message) > 512 || !strings.HasPrefix(message, "2 ") && !strings.HasPrefix(message, "1.0 ") {
		return
	}
	f := strings.Fields(message)
	var names []string
	switch {
	case len(f) == 14 && f[0] == "2" && (strings.HasPrefix(f[2], "eni-") || f[2] == "-") &&
		(f[12] == "ACCEPT" || f[12] == "REJECT" || f[12] == "-") && (f[13] == "OK" || f[13] == "NODATA" || f[13] == "SKIPDATA"):
		names = vpcFields
	case (len(f) == 9 || len(f) == 10) && f[0] == "1.0" && len(f[1]) >= 20 && f[1][4] == '-' && f[1][10] == 'T':
		names = route53Fields
	default:
		return
	}
	for i, v := range f {
		if v == "-" && len(names) == len(vpcFields) {
			continue
		}
		if !emitWanted(names[i], numOrStr(v), wanted, emit) {
			return
		}
	}
}

// jsonScan walks a JSON document once, reporting scalars by their flattened
// names. It does not validate what it skips; a malformed document yields the
// fields found before the fault.
type jsonScan struct {
	src      string
	i        int
	wanted   *fieldSet
	prefixes map[string]bool
	emit     sink
	left     int // fields still wanted (or allowed, when flattening all)
	stop     bool
}

func (s *jsonScan) ws() {
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value reads the value at s.i whose flattened name is path.
func (s *jsonScan) value(path []byte, depth int) {
	s.ws()
	if s.i >= len(s.src) || s.stop {
		s.stop = true
		return
	}
	if depth > 64 {
		s.stop = true
		return
	}
	c := s.src[s.i]
	switch {
	case c == '{' || c == '[':
		if len(path) > 0 && s.wanted != nil && !s.prefixes[string(path)] {
			s.skip()
			return
		}
		s.i++
		idx := 0
		for {
			s.ws()
			if s.i >= len(s.src) {
				s.stop = true
				return
			}
			if s.src[s.i] == '}' || s.src[s.i] == ']' {
				s.i++
				return
			}
			if idx > 0 {
				if s.src[s.i] != ',' {
					s.stop = true
					return
				}
				s.i++
				s.ws()
			}
			n := len(path)
			child := path
			if n > 0 {
				child = append(child, '.')
			}
			if c == '{' {
				key, ok := s.str()
				if !ok {
					s.stop = true
					return
				}
				s.ws()
				if s.i >= len(s.src) || s.src[s.i] != ':' {
					s.stop = true
					return
				}
				s.i++
				if n == 0 && strings.HasPrefix(key, "@") {
					child = append(child, '@') // "@x" is shown as "@@x"
				}
				child = append(child, key...)
			} else {
				child = strconv.AppendInt(child, int64(idx), 10)
			}
			s.value(child, depth+1)
			if s.stop {
				return
			}
			path = child[:n]
			idx++
		}
	case c == '"':
		v, ok := s.str()
		if !ok {
			s.stop = true
			return
		}
		s.report(path, str(v))
	default:
		start := s.i
	scan:
		for s.i < len(s.src) {
			switch s.src[s.i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				break scan
			}
			s.i++
		}
		lit := s.src[start:s.i]
		switch lit {
		case "null":
			return
		case "true", "false":
			s.report(path, str(lit))
		default:
			f, ok := parseJSONNumber(lit)
			if !ok {
				s.stop = true
				return
			}
			s.report(path, num(f))
		}
	}
}

func (s *jsonScan) report(path []byte, v value) {
	if len(path) == 0 {
		return
	}
	if s.wanted == nil {
		if !s.emit.put(string(path), -1, v) {
			s.stop = true
		}
		s.left--
	} else if slot, ok := s.wanted.lookup(path); ok {
		if !s.emit.put("", slot, v) {
			s.stop = true
		}
		s.left--
	} else {
		return
	}
	if s.left <= 0 {
		s.stop = true
	}
}

// str reads a JSON string at s.i, decoding escapes.
func (s *jsonScan) str() (string, bool) {
	if s.i >= len(s.src) || s.src[s.i] != '"' {
		return "", false
	}
	s.i++
	start := s.i
	// A plain loop: JSON keys and most values are short, where IndexByte's
	// call costs more than it saves.
	for i := start; i < len(s.src); i++ {
		switch s.src[i] {
		case '"':
			s.i = i + 1
			return s.src[start:i], true
		case '\\':
			s.i = i
			return s.strSlow(start)
		}
	}
	s.i = len(s.src)
	return "", false
}

func (s *jsonScan) strSlow(start int) (string, bool) {
	var b strings.Builder
	b.WriteString(s.src[start:s.i])
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == '"':
			s.i++
			return b.String(), true
		case c == '\\' && s.i+1 < len(s.src):
			e := s.src[s.i+1]
			s.i += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if s.i+4 > len(s.src) {
					return "", false
				}
				n, err := strconv.ParseUint(s.src[s.i:s.i+4], 16, 32)
				if err != nil {
					return "", false
				}
				s.i += 4
				r := rune(n)
				if r >= 0xD800 && r < 0xDC00 && s.i+6 <= len(s.src) && s.src[s.i] == '\\' && s.src[s.i+1] == 'u' {
					if n2, err := strconv.ParseUint(s.src[s.i+2:s.i+6], 16, 32); err == nil && n2 >= 0xDC00 && n2 < 0xE000 {
						r = (r-0xD800)<<10 + (rune(n2) - 0xDC00) + 0x10000
						s.i += 6
					}
				}
				if !utf8.ValidRune(r) {
					r = utf8.RuneError
				}
				b.WriteRune(r)
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			s.i++
		}
	}
	return "", false
}

// skip passes over the object or array at s.i without reporting.
func (s *jsonScan) skip() {
	depth := 0
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case '"':
			if _, ok := s.str(); !ok {
				s.stop = true
				return
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				return
			}
		}
		s.i++
	}
	s.stop = true
}

// Field is a field discovered in a log event, with its value as text.
type Field struct {
	Name  string
	Value string
}

// Fields returns the fields Logs Insights discovers in message, in the order
// they appear (at most MaxJSONFields of a JSON event), without the system
// fields every event has. GetLogGroupFields counts them over a log group's
// events.
func Fields(message string) []Field {
	var out fieldList
	discover(message, nil, nil, &out)
	return out
}

type fieldList []Field

func (l *fieldList) put(name string, _ int, v value) bool {
	*l = append(*l, Field{Name: name, Value: v.String()})
	return len(*l) < MaxJSONFields
}

// fieldSet is the set of field names a query may discover, with their
// slots. A query names few fields, so below nine a linear comparison of the
// name's bytes beats hashing them; larger sets use a map.
type fieldSet struct {
	names []string
	slots []int
	m     map[string]int
}

func newFieldSet(m map[string]int) *fieldSet {
	f := &fieldSet{}
	if len(m) > 8 {
		f.m = m
		return f
	}
	for n, s := range m {
		f.names = append(f.names, n)
		f.slots = append(f.slots, s)
	}
	return f
}

func (f *fieldSet) len() int {
	if f == nil {
		return 0
	}
	if f.m != nil {
		return len(f.m)
	}
	return len(f.names)
}

func (f *fieldSet) lookup(b []byte) (int, bool) {
	if f.m != nil {
		s, ok := f.m[string(b)]
		return s, ok
	}
	for i, n := range f.names {
		if len(n) == len(b) && n == string(b) {
			return f.slots[i], true
		}
	}
	return 0, false
}

func (f *fieldSet) lookupString(name string) (int, bool) {
	if f.m != nil {
		s, ok := f.m[name]
		return s, ok
	}
	for i, n := range f.names {
		if n == name {
			return f.slots[i], true
		}
	}
	return 0, false
}

// parseJSONNumber reads a JSON number, with a fast path for the small
// integers most log fields hold.
func parseJSONNumber(lit string) (float64, bool) {
	if n := len(lit); n > 0 && n < 16 {
		neg := lit[0] == '-'
		i := 0
		if neg {
			i = 1
		}
		if i < n {
			var v int64
			j := i
			for ; j < n && lit[j] >= '0' && lit[j] <= '9'; j++ {
				v = v*10 + int64(lit[j]-'0')
			}
			if j == n && (lit[i] != '0' || n-i == 1) {
				if neg {
					v = -v
				}
				return float64(v), true
			}
		}
	}
	f, err := strconv.ParseFloat(lit, 64)
	return f, err == nil
}
