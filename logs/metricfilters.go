package logs

import (
	"cmp"
	"context"
	"github.com/localwatch/localwatch/internal/awserr"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/localwatch/localwatch/internal/pagetoken"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/logs/filterpattern"
	"github.com/localwatch/localwatch/metrics"
)

// metricFilter is a compiled metric filter; it is immutable once stored
// (PutMetricFilter on an existing name replaces it).
type metricFilter struct {
	desc     MetricFilter
	pattern  *filterpattern.Pattern
	value    valueRef
	dims     []dimRef
	def      *float64
	unit     metrics.StandardUnit
	ns, name string
}

// valueRef is where a metric value or dimension value comes from: a literal
// number, a JSON selector, or a space-delimited field ("$name" or "$3").
type valueRef struct {
	isLit bool
	lit   float64
	path  *filterpattern.Path
	field string // with its leading "$"
}

type dimRef struct {
	name string
	ref  valueRef
}

func (v valueRef) needsFields() bool { return v.field != "" }

// extract returns the reference's text for one event.
func (v valueRef) extract(msg []byte, fields map[string]string) (string, bool) {
	switch {
	case v.path != nil:
		text, kind := v.path.Lookup(msg)
		return text, kind == filterpattern.String || kind == filterpattern.Number
	case v.field != "":
		t, ok := fields[v.field]
		return t, ok
	}
	return strconv.FormatFloat(v.lit, 'g', -1, 64), true
}

var metricNameBad = ":*$"

// metricRangeRule is CloudWatch's rule for a metric value (PutMetricData: "Values
// must be in the range of -2^360 to 2^360 ... special values (for example, NaN,
// +Infinity, -Infinity) are not supported").
const metricRangeRule = "a metric value must be a finite number between -2^360 and 2^360, of magnitude at least 2^-360 unless zero, as CloudWatch stores it"

// metricValueOK reports whether CloudWatch accepts v as a datapoint value (the
// metrics package's rule, so what a metric filter publishes is never refused).
func metricValueOK(v float64) bool {
	if v == 0 {
		return true
	}
	a := math.Abs(v)
	return a >= metrics.MinMagnitude && a <= metrics.MaxMagnitude // false for NaN and ±Inf
}

func parseValueRef(field, s string, p *filterpattern.Pattern, allowLiteral bool) (valueRef, error) {
	switch {
	case strings.HasPrefix(s, "$."):
		path, err := filterpattern.CompilePath(s)
		if err != nil {
			return valueRef{}, errInvalid("Invalid %s %q: %s", field, s, awserrMessage(err))
		}
		return valueRef{path: path}, nil
	case strings.HasPrefix(s, "$"):
		name := s[1:]
		if p.Kind() != filterpattern.KindSpaceDelimited {
			return valueRef{}, errInvalid("Invalid %s %q: a $field reference needs a space-delimited filter pattern", field, s)
		}
		if n, err := strconv.Atoi(name); err == nil && n >= 1 {
			return valueRef{field: s}, nil
		}
		if !slices.Contains(p.FieldNames(), name) {
			return valueRef{}, errInvalid("Invalid %s %q: the filter pattern has no field named %q", field, s, name)
		}
		return valueRef{field: s}, nil
	case allowLiteral:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != f {
			return valueRef{}, errInvalid("Invalid %s %q: use a number, $.selector for JSON events or $field for space-delimited events", field, s)
		}
		if !metricValueOK(f) {
			return valueRef{}, errInvalid("Invalid %s %q: %s", field, s, metricRangeRule)
		}
		return valueRef{isLit: true, lit: f}, nil
	}
	return valueRef{}, errInvalid("Invalid %s %q: dimension values must be $.selector or $field references", field, s)
}

func awserrMessage(err error) string {
	if e, ok := err.(interface{ ErrorMessage() string }); ok {
		return e.ErrorMessage()
	}
	return err.Error()
}

var validUnits = map[metrics.StandardUnit]bool{
	metrics.UnitSeconds: true, metrics.UnitMicroseconds: true, metrics.UnitMilliseconds: true,
	metrics.UnitBytes: true, metrics.UnitKilobytes: true, metrics.UnitMegabytes: true, metrics.UnitGigabytes: true,
	metrics.UnitTerabytes: true, metrics.UnitBits: true, metrics.UnitKilobits: true, metrics.UnitMegabits: true,
	metrics.UnitGigabits: true, metrics.UnitTerabits: true, metrics.UnitPercent: true, metrics.UnitCount: true,
	metrics.UnitBytesSecond: true, metrics.UnitKilobytesSecond: true, metrics.UnitMegabytesSecond: true,
	metrics.UnitGigabytesSecond: true, metrics.UnitTerabytesSecond: true, metrics.UnitBitsSecond: true,
	metrics.UnitKilobitsSecond: true, metrics.UnitMegabitsSecond: true, metrics.UnitGigabitsSecond: true,
	metrics.UnitTerabitsSecond: true, metrics.UnitCountSecond: true, metrics.UnitNone: true,
}

func validateFilterName(name string) error { return validateFilterNameField("filterName", name) }

func validateFilterNameField(field, name string) error {
	if name == "" {
		return errConstraint(field, name, "Member must have length greater than or equal to 1")
	}
	if len(name) > 512 {
		return errConstraint(field, name, "Member must have length less than or equal to 512")
	}
	if strings.ContainsAny(name, ":*") {
		return errConstraint(field, name, "Member must satisfy regular expression pattern: [^:*]*")
	}
	return nil
}

func compileMetricFilter(in PutMetricFilterInput) (*metricFilter, error) {
	if err := validateFilterName(in.FilterName); err != nil {
		return nil, err
	}
	p, err := compilePattern(in.FilterPattern)
	if err != nil {
		return nil, err
	}
	if len(in.MetricTransformations) != 1 {
		return nil, errConstraint("metricTransformations", len(in.MetricTransformations), "Member must have length equal to 1")
	}
	t := in.MetricTransformations[0]
	for _, f := range []struct {
		field, v, bad string
	}{
		{"metricTransformations.1.member.metricName", t.MetricName, metricNameBad},
		// AWS's model gives namespaces the pattern [^:*$]* too, but AWS accepts
		// a namespace with a colon (A.B-c_d/1#2:metricNamespace, recorded), as
		// CloudWatch does anywhere but at the start; * and $ stay refused.
		{"metricTransformations.1.member.metricNamespace", t.MetricNamespace, "*$"},
	} {
		if len(f.v) > 255 {
			return nil, errConstraint(f.field, f.v, "Member must have length less than or equal to 255")
		}
		if f.v == "" {
			return nil, errConstraint(f.field, f.v, "Member must have length greater than or equal to 1")
		}
		if strings.ContainsAny(f.v, f.bad) || f.v[0] == ':' {
			return nil, errConstraint(f.field, f.v, "Member must satisfy regular expression pattern: [^:*$]*")
		}
	}
	if t.DefaultValue != nil && !metricValueOK(*t.DefaultValue) {
		return nil, errInvalid("Invalid defaultValue %v: %s", *t.DefaultValue, metricRangeRule)
	}
	if t.MetricValue == "" || len(t.MetricValue) > 100 {
		return nil, errConstraint("metricTransformations.1.member.metricValue", t.MetricValue, "Member must have length between 1 and 100")
	}
	mf := &metricFilter{pattern: p, def: t.DefaultValue, unit: t.Unit, ns: t.MetricNamespace, name: t.MetricName}
	if mf.value, err = parseValueRef("metricValue", t.MetricValue, p, true); err != nil {
		return nil, err
	}
	if t.Unit != "" && !validUnits[t.Unit] {
		return nil, errConstraint("metricTransformations.1.member.unit", t.Unit, "Member must satisfy enum value set of CloudWatch standard units")
	}
	if len(t.Dimensions) > 3 {
		return nil, errLimit("a metric filter can have at most 3 dimensions")
	}
	if len(t.Dimensions) > 0 && t.DefaultValue != nil {
		return nil, errInvalid("A metric filter with dimensions cannot have a defaultValue")
	}
	for _, k := range slices.Sorted(maps.Keys(t.Dimensions)) {
		v := t.Dimensions[k]
		if k == "" || len(k) > 255 || v == "" || len(v) > 255 {
			return nil, errConstraint("metricTransformations.1.member.dimensions", k, "Dimension names and values must have length between 1 and 255")
		}
		ref, err := parseValueRef("dimension "+k, v, p, false)
		if err != nil {
			return nil, err
		}
		mf.dims = append(mf.dims, dimRef{name: k, ref: ref})
	}
	tr := t
	tr.Dimensions = maps.Clone(t.Dimensions)
	mf.desc = MetricFilter{
		FilterName: in.FilterName, FilterPattern: in.FilterPattern, MetricTransformations: []MetricTransformation{tr},
		LogGroupName: in.LogGroupName, ApplyOnTransformedLogs: in.ApplyOnTransformedLogs != nil && *in.ApplyOnTransformedLogs,
	}
	return mf, nil
}

// regexFiltersLocked counts a group's metric and subscription filters whose
// patterns use regular expressions, leaving out the named filter of a kind.
func regexFiltersLocked(g *group, skipMetric, skipSub string) int {
	n := 0
	for name, f := range g.metricFilters {
		if name != skipMetric && f.pattern.RegexCount() > 0 {
			n++
		}
	}
	for name, f := range g.subs {
		if name != skipSub && f.pattern.RegexCount() > 0 {
			n++
		}
	}
	return n
}

// PutMetricFilter creates or replaces a metric filter on a log group (at most 100
// per group). From then on, each ingested event the pattern matches adds the
// metric value (a number, $.selector or $field) to the metric, with dimensions
// from fields; with a DefaultValue, each ingested event that does not match adds
// it instead. Values are aggregated per minute of event time and published as
// metrics.DataEvent on the bus every minute.
func (s *Service) PutMetricFilter(ctx context.Context, in PutMetricFilterInput) (*PutMetricFilterOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutMetricFilter", Resources: s.groupResource(in.LogGroupName)}, in, s.putMetricFilter)
}

func (s *Service) putMetricFilter(ctx context.Context, c *event.Call, in PutMetricFilterInput) (out *PutMetricFilterOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	mf, err := compileMetricFilter(in)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	old, replacing := g.metricFilters[in.FilterName]
	if !replacing && len(g.metricFilters) >= MaxMetricFiltersPerGroup {
		return nil, errLimit("metric filters per log group (100)")
	}
	if mf.pattern.RegexCount() > 0 && regexFiltersLocked(g, in.FilterName, "") >= MaxRegexFiltersPerGroup {
		return nil, errLimit("filter patterns containing regular expressions per log group (5)")
	}
	mf.desc.CreationTime = s.nowMS()
	if replacing {
		mf.desc.CreationTime = old.desc.CreationTime
	}
	g.metricFilters[in.FilterName] = mf
	return &PutMetricFilterOutput{}, nil
}

// DeleteMetricFilter deletes a metric filter.
func (s *Service) DeleteMetricFilter(ctx context.Context, in DeleteMetricFilterInput) (*DeleteMetricFilterOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteMetricFilter", Resources: s.groupResource(in.LogGroupName)}, in, s.deleteMetricFilter)
}

func (s *Service) deleteMetricFilter(ctx context.Context, c *event.Call, in DeleteMetricFilterInput) (out *DeleteMetricFilterOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateFilterName(in.FilterName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	if _, ok := g.metricFilters[in.FilterName]; !ok {
		return nil, awserr.New("ResourceNotFoundException", msgMetricFilterNotFound)
	}
	delete(g.metricFilters, in.FilterName)
	return &DeleteMetricFilterOutput{}, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// DescribeMetricFilters lists metric filters, in log group then filter name
// order: of one group (optionally with FilterNamePrefix), or of all groups, or
// those publishing MetricName in MetricNamespace (give both or neither).
func (s *Service) DescribeMetricFilters(ctx context.Context, in DescribeMetricFiltersInput) (*DescribeMetricFiltersOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeMetricFilters", ReadOnly: true}, in, s.describeMetricFilters)
}

func (s *Service) describeMetricFilters(ctx context.Context, c *event.Call, in DescribeMetricFiltersInput) (out *DescribeMetricFiltersOutput, err error) {
	// AWS's request validation (lengths, patterns) comes before the rules
	// between parameters, and a filterNamePrefix without a logGroupName is
	// not an error: AWS answers the matching filters of every group
	// (recorded; issue 19).
	if in.LogGroupName != "" {
		if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
			return nil, err
		}
	}
	if in.FilterNamePrefix != "" {
		if err := validateFilterNameField("filterNamePrefix", in.FilterNamePrefix); err != nil {
			return nil, err
		}
	}
	if len(in.MetricName) > 255 {
		return nil, errConstraint("metricName", in.MetricName, "Member must have length less than or equal to 255")
	}
	if strings.ContainsAny(in.MetricName, metricNameBad) {
		return nil, errConstraint("metricName", in.MetricName, "Member must satisfy regular expression pattern: [^:*$]*")
	}
	if len(in.MetricNamespace) > 255 {
		return nil, errConstraint("metricNamespace", in.MetricNamespace, "Member must have length less than or equal to 255")
	}
	limit, err := limitOf("limit", in.Limit, MaxDescribeLimit, MaxDescribeLimit)
	if err != nil {
		return nil, err
	}
	if (in.MetricName == "") != (in.MetricNamespace == "") {
		return nil, errInvalid("If you specify metricName, you must also specify metricNamespace, and the reverse")
	}
	offset, err := offsetToken(in.NextToken, "m:")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var gs []*group
	if in.LogGroupName != "" {
		g, ok := s.groups[in.LogGroupName]
		if !ok {
			return nil, errGroupNotFound(in.LogGroupName)
		}
		gs = []*group{g}
	} else {
		for _, n := range s.names {
			gs = append(gs, s.groups[n])
		}
	}
	var all []MetricFilter
	for _, g := range gs {
		for _, name := range sortedKeys(g.metricFilters) {
			mf := g.metricFilters[name]
			if !strings.HasPrefix(name, in.FilterNamePrefix) {
				continue
			}
			if in.MetricName != "" && (mf.name != in.MetricName || mf.ns != in.MetricNamespace) {
				continue
			}
			all = append(all, mf.describe())
		}
	}
	out = &DescribeMetricFiltersOutput{MetricFilters: []MetricFilter{}}
	out.MetricFilters, out.NextToken = page(all, offset, limit, "m:")
	return out, nil
}

func (mf *metricFilter) describe() MetricFilter {
	d := mf.desc
	d.MetricTransformations = slices.Clone(d.MetricTransformations)
	d.MetricTransformations[0].Dimensions = maps.Clone(d.MetricTransformations[0].Dimensions)
	return d
}

func offsetToken(tok, prefix string) (int, error) {
	if tok == "" {
		return 0, nil
	}
	t, ok := pagetoken.Decode(tok)
	if !ok || !strings.HasPrefix(t, prefix) {
		return 0, errBadToken(tok)
	}
	n, err := strconv.Atoi(t[len(prefix):])
	if err != nil || n < 0 {
		return 0, errBadToken(tok)
	}
	return n, nil
}

func page[T any](all []T, offset, limit int, prefix string) ([]T, string) {
	out := []T{}
	if offset < len(all) {
		out = append(out, all[offset:min(len(all), offset+limit)]...)
	}
	if offset+limit < len(all) {
		return out, pagetoken.Encode(prefix + strconv.Itoa(offset+limit))
	}
	return out, ""
}

// TestMetricFilter applies a filter pattern to up to 50 sample messages and
// returns the matching ones with their extracted fields.
func (s *Service) TestMetricFilter(ctx context.Context, in TestMetricFilterInput) (*TestMetricFilterOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "TestMetricFilter", ReadOnly: true}, in, s.testMetricFilter)
}

func (s *Service) testMetricFilter(ctx context.Context, c *event.Call, in TestMetricFilterInput) (out *TestMetricFilterOutput, err error) {
	p, err := compilePattern(in.FilterPattern)
	if err != nil {
		return nil, err
	}
	if len(in.LogEventMessages) < 1 || len(in.LogEventMessages) > MaxTestMetricFilterEvents {
		return nil, errConstraint("logEventMessages", len(in.LogEventMessages), "Member must have length between 1 and 50")
	}
	out = &TestMetricFilterOutput{Matches: []MetricFilterMatchRecord{}}
	for i, m := range in.LogEventMessages {
		if m == "" {
			return nil, errConstraint("logEventMessages", m, "Member must have length greater than or equal to 1")
		}
		if f, ok := p.Fields([]byte(m)); ok {
			out.Matches = append(out.Matches, MetricFilterMatchRecord{EventNumber: int64(i + 1), EventMessage: m, ExtractedValues: f})
		}
	}
	return out, nil
}

// bucketKey identifies one metric's aggregate for one minute of event time.
type bucketKey struct {
	ns, name, dims string
	unit           metrics.StandardUnit
	minute         int64 // ms
}

type bucket struct {
	dims                   []metrics.Dimension
	count, sum, minV, maxV float64
}

func (b *bucket) add(v float64) {
	if b.count == 0 {
		b.minV, b.maxV = v, v
	} else {
		b.minV, b.maxV = min(b.minV, v), max(b.maxV, v)
	}
	b.count++
	b.sum += v
}

type sample struct {
	k    bucketKey
	dims []metrics.Dimension
	v    float64
}

// applyMetricFilters evaluates the filters on a batch and adds the values to
// the pending per-minute aggregates.
func (s *Service) applyMetricFilters(w *ingested) {
	var samples []sample
	for _, mf := range w.metricFilters {
		needFields := mf.value.needsFields()
		for _, d := range mf.dims {
			needFields = needFields || d.ref.needsFields()
		}
		for i := range w.events {
			e := &w.events[i]
			// Matching reads the message in place and allocates nothing; only
			// an event the filter wants (or counts with its default) costs more.
			msg := bytesOf(e.Message)
			ok := mf.pattern.Match(msg)
			if !ok && mf.def == nil {
				continue
			}
			k := bucketKey{ns: mf.ns, name: mf.name, unit: mf.unit, minute: e.Timestamp - e.Timestamp%60000}
			if !ok {
				samples = append(samples, sample{k: k, v: *mf.def})
				continue
			}
			var fields map[string]string
			if needFields {
				if fields, ok = mf.pattern.Fields(msg); !ok {
					continue
				}
			}
			text, ok := mf.value.extract(msg, fields)
			if !ok {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
			if err != nil || !metricValueOK(v) {
				// AWS publishes nothing for an event whose value is not a
				// number CloudWatch can store; the other events still count.
				continue
			}
			var dims []metrics.Dimension
			var dk strings.Builder
			for _, d := range mf.dims {
				dv, ok := d.ref.extract(msg, fields)
				if !ok || !dimValueOK(dv) {
					dims = nil
					ok = false
					break
				}
				if len(dv) > 1024 {
					dv = dv[:1024]
				}
				dims = append(dims, metrics.Dimension{Name: d.name, Value: dv})
				dk.WriteString(d.name)
				dk.WriteByte(0)
				dk.WriteString(dv)
				dk.WriteByte(0)
			}
			if len(mf.dims) > 0 && dims == nil {
				continue
			}
			k.dims = dk.String()
			samples = append(samples, sample{k: k, dims: dims, v: v})
		}
	}
	if len(samples) == 0 {
		return
	}
	s.addSamples(samples)
}

func (s *Service) addSamples(samples []sample) {
	s.mfMu.Lock()
	defer s.mfMu.Unlock()
	for _, sm := range samples {
		b := s.pending[sm.k]
		if b == nil {
			b = &bucket{dims: sm.dims}
			s.pending[sm.k] = b
		}
		b.add(sm.v)
	}
}

func (s *Service) takePending() map[bucketKey]*bucket {
	s.mfMu.Lock()
	defer s.mfMu.Unlock()
	pending := s.pending
	s.pending = map[bucketKey]*bucket{}
	return pending
}

// bytesOf returns the bytes of s without copying them, for read-only use
// (matching): a per-event []byte(s) would allocate for every event of every
// batch, wanted or not.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// dimValueOK reports whether CloudWatch accepts v as a dimension value (1-1024
// ASCII characters without control characters, not all whitespace); an event
// whose dimension value is not is skipped, like one whose value is not a number.
func dimValueOK(v string) bool {
	if v == "" || len(v) > 1024 {
		return false
	}
	blank := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
		if c != ' ' {
			blank = false
		}
	}
	return !blank
}

// datumOK reports whether CloudWatch accepts an aggregate: a minute's sum of
// values that are each in range can still overflow CloudWatch's range.
func datumOK(b *bucket) bool {
	return metricValueOK(b.count) && metricValueOK(b.sum) && metricValueOK(b.minV) && metricValueOK(b.maxV)
}

// FlushMetrics publishes the metric filter data aggregated so far as
// metrics.DataEvent on the bus (one per namespace, StatisticValues per metric,
// dimension set and minute). The service does this every minute on its clock;
// call it to publish at once (tests, shutdown).
// After Close it does nothing: Close published what was pending.
func (s *Service) FlushMetrics(ctx context.Context) {
	if s.op.Closed() {
		return
	}
	if ctx == nil {
		ctx = context.Background()
	}
	s.flushMetrics(ctx)
}

func (s *Service) flushMetrics(ctx context.Context) {
	pending := s.takePending()
	if len(pending) == 0 || s.bus == nil {
		return
	}
	keys := slices.SortedFunc(maps.Keys(pending), func(a, b bucketKey) int {
		return cmp.Or(cmp.Compare(a.ns, b.ns), cmp.Compare(a.minute, b.minute), cmp.Compare(a.name, b.name),
			cmp.Compare(a.dims, b.dims), cmp.Compare(a.unit, b.unit))
	})
	// A PutMetricData is refused whole when one datum is out of CloudWatch's
	// range, so an aggregate that is (a sum that overflowed) goes alone: it is
	// refused and reported through the bus's OnError, and every other minute
	// and metric is still published.
	var evs, alone []metrics.DataEvent
	for _, k := range keys {
		b := pending[k]
		d := metrics.MetricDatum{
			MetricName: k.name, Dimensions: b.dims, Timestamp: time.UnixMilli(k.minute).UTC(), Unit: k.unit,
			StatisticValues: &metrics.StatisticSet{SampleCount: b.count, Sum: b.sum, Minimum: b.minV, Maximum: b.maxV},
		}
		if !datumOK(b) {
			alone = append(alone, metrics.DataEvent{AccountID: s.account, Region: s.region,
				Input: metrics.PutMetricDataInput{Namespace: k.ns, MetricData: []metrics.MetricDatum{d}}})
			continue
		}
		if len(evs) == 0 || evs[len(evs)-1].Input.Namespace != k.ns || len(evs[len(evs)-1].Input.MetricData) == 1000 {
			evs = append(evs, metrics.DataEvent{AccountID: s.account, Region: s.region, Input: metrics.PutMetricDataInput{Namespace: k.ns}})
		}
		in := &evs[len(evs)-1].Input
		in.MetricData = append(in.MetricData, d)
	}
	for _, ev := range append(evs, alone...) {
		_ = bus.Publish(ctx, s.bus, ev)
	}
}
