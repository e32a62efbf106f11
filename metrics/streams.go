package metrics

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// MetricStreamRecord is what a metric stream delivers for one minute: the
// Firehose record, in the stream's output format (for json, one JSON object
// per line per metric).
type MetricStreamRecord struct {
	StreamName   string
	StreamArn    string
	FirehoseArn  string
	OutputFormat MetricStreamOutputFormat
	// Minute is the start of the minute the statistics cover.
	Minute time.Time
	Data   []byte
}

// MetricStreamQueue is an in-memory destination: register its Put with
// [Service.OnMetricStream] and take what arrived with Drain. The zero value
// is ready; it is safe for concurrent use.
type MetricStreamQueue struct {
	mu      sync.Mutex
	records []MetricStreamRecord
}

// Put appends a record.
func (q *MetricStreamQueue) Put(r MetricStreamRecord) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.records = append(q.records, r)
}

// Drain returns the records queued so far and empties the queue.
func (q *MetricStreamQueue) Drain() []MetricStreamRecord {
	q.mu.Lock()
	defer q.mu.Unlock()
	r := q.records
	q.records = nil
	return r
}

// metricStreams is the metric streams' state; its mutex is never held with
// Service.mu.
type metricStreams struct {
	mu      sync.Mutex
	streams map[string]*metricStream
	dests   map[string][]*func(MetricStreamRecord) // by FirehoseArn
	timer   clock.Timer
}

type metricStream struct {
	in      PutMetricStreamInput // deep copy, tags dropped
	arn     string
	state   string
	created time.Time
	updated time.Time
	stats   map[[2]string][]stat // (namespace, metric) -> additional statistics
	names   map[[2]string][]string
}

// OnMetricStream registers f as the destination of the streams whose
// FirehoseArn is firehoseARN; each minute, f receives each running stream's
// record (under recover: a panic is reported by the clock and the other
// destinations still receive theirs). The returned func removes f.
func (s *Service) OnMetricStream(firehoseARN string, f func(MetricStreamRecord)) (remove func()) {
	ms := &s.streams
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.dests == nil {
		ms.dests = map[string][]*func(MetricStreamRecord){}
	}
	p := &f
	ms.dests[firehoseARN] = append(ms.dests[firehoseARN], p)
	return func() {
		ms.mu.Lock()
		defer ms.mu.Unlock()
		ms.dests[firehoseARN] = slices.DeleteFunc(ms.dests[firehoseARN], func(x *func(MetricStreamRecord)) bool { return x == p })
	}
}

func (s *Service) metricStreamARN(name string) string {
	return arn.New("cloudwatch", s.op.Region, s.op.AccountID, "metric-stream/"+name)
}

func validStreamName(field, name string) error {
	if name == "" {
		return awserr.Missing(field)
	}
	if len(name) > maxNameLen {
		return awserr.InvalidValue(field, quote(name), "must be at most 255 characters")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return awserr.InvalidValue(field, quote(name), `valid characters are A-Z, a-z, 0-9, "-" and "_"`)
		}
	}
	return nil
}

// checkPrintable is the filters' rule: ASCII 32-126 with a non-space character.
func checkPrintable(field, s string) error {
	if s == "" {
		return awserr.Missing(field)
	}
	if len(s) > maxNameLen {
		return awserr.InvalidValue(field, quote(s), "must be at most 255 characters")
	}
	if strings.TrimSpace(s) == "" || strings.ContainsFunc(s, func(r rune) bool { return r < 32 || r > 126 }) {
		return awserr.InvalidValue(field, quote(s), "must contain only ASCII printable characters and at least one non-whitespace character")
	}
	return nil
}

func (s *Service) checkStreamARN(field, v, service string) error {
	if v == "" {
		return awserr.Missing(field)
	}
	if len(v) > 1024 {
		return awserr.InvalidValue(field, quote(v), "must be at most 1024 characters")
	}
	p := strings.SplitN(v, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[2] != service || p[4] != s.op.AccountID || p[5] == "" {
		return awserr.InvalidValue(field, quote(v), fmt.Sprintf("must be the ARN of a %s resource in account %s", service, s.op.AccountID))
	}
	return nil
}

// compileMetricStream validates a PutMetricStream request and returns the
// stream it describes.
func (s *Service) compileMetricStream(in PutMetricStreamInput) (*metricStream, error) {
	if err := validStreamName("Name", in.Name); err != nil {
		return nil, err
	}
	if err := s.checkStreamARN("FirehoseArn", in.FirehoseArn, "firehose"); err != nil {
		return nil, err
	}
	if err := s.checkStreamARN("RoleArn", in.RoleArn, "iam"); err != nil {
		return nil, err
	}
	switch in.OutputFormat {
	case "":
		return nil, awserr.Missing("OutputFormat")
	case MetricStreamJSON, MetricStreamOpenTelemetry07, MetricStreamOpenTelemetry10:
	default:
		return nil, awserr.InvalidValue("OutputFormat", quote(string(in.OutputFormat)), "must be one of json, opentelemetry0.7, opentelemetry1.0")
	}
	if len(in.IncludeFilters) > 0 && len(in.ExcludeFilters) > 0 {
		return nil, awserr.Combination("You cannot include IncludeFilters and ExcludeFilters in the same operation.")
	}
	names := 0
	for field, fs := range map[string][]MetricStreamFilter{"IncludeFilters": in.IncludeFilters, "ExcludeFilters": in.ExcludeFilters} {
		for i, f := range fs {
			prefix := field + ".member." + strconv.Itoa(i+1)
			if err := checkPrintable(prefix+".Namespace", f.Namespace); err != nil {
				return nil, err
			}
			if f.Namespace[0] == ':' {
				return nil, awserr.InvalidValue(prefix+".Namespace", quote(f.Namespace), "must not start with a colon")
			}
			for j, n := range f.MetricNames {
				if err := checkPrintable(prefix+".MetricNames.member."+strconv.Itoa(j+1), n); err != nil {
					return nil, err
				}
			}
			names += 1 + len(f.MetricNames)
		}
	}
	if names > 1000 {
		return nil, awserr.InvalidValue("IncludeFilters", names, "the filters can include up to 1000 total names (namespaces and metric names)")
	}
	if len(in.StatisticsConfigurations) > 100 {
		return nil, awserr.InvalidValue("StatisticsConfigurations", len(in.StatisticsConfigurations), "must have at most 100 members")
	}
	st := &metricStream{in: in, stats: map[[2]string][]stat{}, names: map[[2]string][]string{}}
	for i, c := range in.StatisticsConfigurations {
		prefix := "StatisticsConfigurations.member." + strconv.Itoa(i+1)
		if len(c.IncludeMetrics) == 0 {
			return nil, awserr.Missing(prefix + ".IncludeMetrics")
		}
		if len(c.IncludeMetrics) > 100 {
			return nil, awserr.InvalidValue(prefix+".IncludeMetrics", len(c.IncludeMetrics), "must have at most 100 members")
		}
		if len(c.AdditionalStatistics) == 0 {
			return nil, awserr.Missing(prefix + ".AdditionalStatistics")
		}
		if len(c.AdditionalStatistics) > 20 {
			return nil, awserr.InvalidValue(prefix+".AdditionalStatistics", len(c.AdditionalStatistics), "must have at most 20 members")
		}
		var sts []stat
		for j, name := range c.AdditionalStatistics {
			x, err := parseExtended(name)
			if err != nil || in.OutputFormat != MetricStreamJSON && x.kind != kPercentile {
				why := "must be an extended statistic such as p99, tm98, wm90 or PR(:300)"
				if in.OutputFormat != MetricStreamJSON {
					why = "must be a percentile such as p95 or p99.9 for the OpenTelemetry formats"
				}
				return nil, awserr.InvalidValue(prefix+".AdditionalStatistics.member."+strconv.Itoa(j+1), quote(name), why)
			}
			sts = append(sts, x)
		}
		for j, m := range c.IncludeMetrics {
			mp := prefix + ".IncludeMetrics.member." + strconv.Itoa(j+1)
			if err := validateNamespace(mp+".Namespace", m.Namespace, true); err != nil {
				return nil, err
			}
			if err := validateMetricName(mp+".MetricName", m.MetricName); err != nil {
				return nil, err
			}
			k := [2]string{m.Namespace, m.MetricName}
			for j, name := range c.AdditionalStatistics {
				if !slices.Contains(st.names[k], name) {
					st.names[k] = append(st.names[k], name)
					st.stats[k] = append(st.stats[k], sts[j])
				}
			}
		}
	}
	if len(in.Tags) > 50 {
		return nil, awserr.InvalidValue("Tags", len(in.Tags), "must have at most 50 members")
	}
	for i, t := range in.Tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, awserr.InvalidValue("Tags.member."+strconv.Itoa(i+1), quote(t.Key), "tag keys are 1-128 characters, values at most 256")
		}
	}
	// The deep copy the stream keeps.
	c := in
	c.Tags = nil
	c.IncludeFilters = cloneFilters(in.IncludeFilters)
	c.ExcludeFilters = cloneFilters(in.ExcludeFilters)
	c.StatisticsConfigurations = cloneStatConfigs(in.StatisticsConfigurations)
	if in.IncludeLinkedAccountsMetrics != nil {
		c.IncludeLinkedAccountsMetrics = Bool(*in.IncludeLinkedAccountsMetrics)
	}
	st.in = c
	return st, nil
}

func cloneFilters(fs []MetricStreamFilter) []MetricStreamFilter {
	if fs == nil {
		return nil
	}
	out := make([]MetricStreamFilter, len(fs))
	for i, f := range fs {
		out[i] = MetricStreamFilter{Namespace: f.Namespace, MetricNames: slices.Clone(f.MetricNames)}
	}
	return out
}

func cloneStatConfigs(cs []MetricStreamStatisticsConfiguration) []MetricStreamStatisticsConfiguration {
	if cs == nil {
		return nil
	}
	out := make([]MetricStreamStatisticsConfiguration, len(cs))
	for i, c := range cs {
		out[i] = MetricStreamStatisticsConfiguration{IncludeMetrics: slices.Clone(c.IncludeMetrics), AdditionalStatistics: slices.Clone(c.AdditionalStatistics)}
	}
	return out
}

// PutMetricStream creates a metric stream (running) or replaces an existing
// one's configuration (keeping its state and tags). The package
// documentation (Metric streams) gives the rules, the JSON format and the
// differences from AWS.
func (s *Service) PutMetricStream(ctx context.Context, in PutMetricStreamInput) (*PutMetricStreamOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutMetricStream"}, in, s.putMetricStream)
}

func (s *Service) putMetricStream(_ context.Context, c *event.Call, in PutMetricStreamInput) (*PutMetricStreamOutput, error) {
	c.Params = func() any {
		return map[string]any{"name": in.Name, "firehoseArn": in.FirehoseArn, "outputFormat": in.OutputFormat}
	}
	st, err := s.compileMetricStream(in)
	if err != nil {
		return nil, err
	}
	ms := &s.streams
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if s.op.Closed() {
		return nil, awserr.Closed("ServiceUnavailable")
	}
	now := s.op.Clock.Now()
	st.arn, st.state, st.created, st.updated = s.metricStreamARN(in.Name), MetricStreamRunning, now, now
	if old := ms.streams[in.Name]; old != nil {
		st.state, st.created = old.state, old.created
	}
	if ms.streams == nil {
		ms.streams = map[string]*metricStream{}
	}
	ms.streams[in.Name] = st
	if ms.timer == nil {
		ms.timer = clock.EveryNamed(s.op.Clock, s.streamsTimerName(), time.Minute, s.streamMinute)
	}
	return &PutMetricStreamOutput{Arn: st.arn}, nil
}

// GetMetricStream describes one metric stream.
func (s *Service) GetMetricStream(ctx context.Context, in GetMetricStreamInput) (*GetMetricStreamOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetMetricStream", ReadOnly: true}, in, s.getMetricStream)
}

func (s *Service) getMetricStream(_ context.Context, c *event.Call, in GetMetricStreamInput) (*GetMetricStreamOutput, error) {
	c.Params = func() any { return map[string]any{"name": in.Name} }
	if err := validStreamName("Name", in.Name); err != nil {
		return nil, err
	}
	ms := &s.streams
	ms.mu.Lock()
	defer ms.mu.Unlock()
	st := ms.streams[in.Name]
	if st == nil {
		return nil, awserr.New("ResourceNotFoundException", "The metric stream %s does not exist.", in.Name).WithStatus(404)
	}
	out := &GetMetricStreamOutput{Arn: st.arn, Name: st.in.Name, IncludeFilters: cloneFilters(st.in.IncludeFilters), ExcludeFilters: cloneFilters(st.in.ExcludeFilters),
		FirehoseArn: st.in.FirehoseArn, RoleArn: st.in.RoleArn, State: st.state, CreationDate: st.created, LastUpdateDate: st.updated,
		OutputFormat: st.in.OutputFormat, StatisticsConfigurations: cloneStatConfigs(st.in.StatisticsConfigurations)}
	if st.in.IncludeLinkedAccountsMetrics != nil {
		out.IncludeLinkedAccountsMetrics = *st.in.IncludeLinkedAccountsMetrics
	}
	return out, nil
}

// ListMetricStreams lists the metric streams in name order, MaxResults
// (1..500, default 500) at a time.
func (s *Service) ListMetricStreams(ctx context.Context, in ListMetricStreamsInput) (*ListMetricStreamsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListMetricStreams", ReadOnly: true}, in, s.listMetricStreams)
}

func (s *Service) listMetricStreams(_ context.Context, c *event.Call, in ListMetricStreamsInput) (*ListMetricStreamsOutput, error) {
	c.Params = func() any {
		var n int32 // recorded as 0 when absent, as it always was
		if in.MaxResults != nil {
			n = *in.MaxResults
		}
		return map[string]any{"maxResults": n}
	}
	limit := 500
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 500 {
			return nil, awserr.InvalidValue("MaxResults", *in.MaxResults, "must be between 1 and 500")
		}
		limit = int(*in.MaxResults)
	}
	after := ""
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		if !ok || !strings.HasPrefix(t, "ms:") {
			return nil, awserr.New("InvalidNextToken", "The NextToken %q is not valid.", in.NextToken)
		}
		after = t[3:]
	}
	ms := &s.streams
	ms.mu.Lock()
	defer ms.mu.Unlock()
	names := make([]string, 0, len(ms.streams))
	for n := range ms.streams {
		if n > after {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := &ListMetricStreamsOutput{Entries: []MetricStreamEntry{}}
	for i, n := range names {
		if i == limit {
			out.NextToken = pagetoken.Encode("ms:" + names[i-1])
			break
		}
		st := ms.streams[n]
		out.Entries = append(out.Entries, MetricStreamEntry{Arn: st.arn, CreationDate: st.created, LastUpdateDate: st.updated, Name: n,
			FirehoseArn: st.in.FirehoseArn, State: st.state, OutputFormat: st.in.OutputFormat})
	}
	return out, nil
}

// DeleteMetricStream deletes a metric stream; an unknown name is not an error.
func (s *Service) DeleteMetricStream(ctx context.Context, in DeleteMetricStreamInput) (*DeleteMetricStreamOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteMetricStream"}, in, s.deleteMetricStream)
}

func (s *Service) deleteMetricStream(_ context.Context, c *event.Call, in DeleteMetricStreamInput) (*DeleteMetricStreamOutput, error) {
	c.Params = func() any { return map[string]any{"name": in.Name} }
	if err := validStreamName("Name", in.Name); err != nil {
		return nil, err
	}
	ms := &s.streams
	ms.mu.Lock()
	delete(ms.streams, in.Name)
	if len(ms.streams) == 0 && ms.timer != nil {
		ms.timer.Stop() // no stream left: no minute job either
		ms.timer = nil
	}
	ms.mu.Unlock()
	return &DeleteMetricStreamOutput{}, nil
}

// StartMetricStreams sets streams running, all or none.
func (s *Service) StartMetricStreams(ctx context.Context, in StartMetricStreamsInput) (*StartMetricStreamsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "StartMetricStreams"}, in,
		func(_ context.Context, c *event.Call, in StartMetricStreamsInput) (*StartMetricStreamsOutput, error) {
			c.Params = func() any { return map[string]any{"names": in.Names} }
			if err := s.setStreamsState(in.Names, MetricStreamRunning); err != nil {
				return nil, err
			}
			return &StartMetricStreamsOutput{}, nil
		})
}

// StopMetricStreams stops streams, all or none.
func (s *Service) StopMetricStreams(ctx context.Context, in StopMetricStreamsInput) (*StopMetricStreamsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "StopMetricStreams"}, in,
		func(_ context.Context, c *event.Call, in StopMetricStreamsInput) (*StopMetricStreamsOutput, error) {
			c.Params = func() any { return map[string]any{"names": in.Names} }
			if err := s.setStreamsState(in.Names, MetricStreamStopped); err != nil {
				return nil, err
			}
			return &StopMetricStreamsOutput{}, nil
		})
}

func (s *Service) setStreamsState(names []string, state string) error {
	if len(names) == 0 {
		return awserr.Missing("Names")
	}
	for i, n := range names {
		if err := validStreamName("Names.member."+strconv.Itoa(i+1), n); err != nil {
			return err
		}
	}
	ms := &s.streams
	ms.mu.Lock()
	defer ms.mu.Unlock()
	for _, n := range names {
		if ms.streams[n] == nil {
			return awserr.New("ResourceNotFoundException", "The metric stream %s does not exist.", n).WithStatus(404)
		}
	}
	for _, n := range names {
		ms.streams[n].state = state
	}
	return nil
}

// covers applies a stream's include/exclude filters to a metric.
func (st *metricStream) covers(ns, name string) bool {
	match := func(fs []MetricStreamFilter) bool {
		for _, f := range fs {
			if f.Namespace == ns && (len(f.MetricNames) == 0 || slices.Contains(f.MetricNames, name)) {
				return true
			}
		}
		return false
	}
	switch {
	case len(st.in.IncludeFilters) > 0:
		return match(st.in.IncludeFilters)
	case len(st.in.ExcludeFilters) > 0:
		return !match(st.in.ExcludeFilters)
	}
	return true
}

// streamMinute delivers the minute [at-60s, at) of every running stream.
func (s *Service) streamMinute(at time.Time) {
	if s.op.Closed() {
		return
	}
	ms := &s.streams
	ms.mu.Lock()
	var running []*metricStream
	for _, st := range ms.streams {
		if st.state == MetricStreamRunning && st.in.OutputFormat != MetricStreamOpenTelemetry07 {
			running = append(running, st)
		}
	}
	slices.SortFunc(running, func(a, b *metricStream) int { return strings.Compare(a.in.Name, b.in.Name) })
	dests := make([][]*func(MetricStreamRecord), len(running))
	for i, st := range running {
		dests[i] = slices.Clone(ms.dests[st.in.FirehoseArn])
	}
	ms.mu.Unlock()
	if len(running) == 0 {
		return
	}
	records := s.streamRecords(running, at)
	var first any
	for i, r := range records {
		if len(r.Data) == 0 {
			continue
		}
		for _, f := range dests[i] {
			func() {
				defer func() {
					if p := recover(); p != nil && first == nil {
						first = p
					}
				}()
				(*f)(r)
			}()
		}
	}
	if first != nil {
		panic(first) // reported by the clock, naming the schedule; the others were delivered
	}
}

// streamRecords builds each stream's record for the minute ending at: json
// lines, or one OpenTelemetry 1.0.0 request (streams_otel.go).
func (s *Service) streamRecords(running []*metricStream, at time.Time) []MetricStreamRecord {
	t1 := at.Truncate(time.Minute).Unix()
	t0 := t1 - 60
	out := make([]MetricStreamRecord, len(running))
	for i, st := range running {
		out[i] = MetricStreamRecord{StreamName: st.in.Name, StreamArn: st.arn, FirehoseArn: st.in.FirehoseArn, OutputFormat: st.in.OutputFormat,
			Minute: time.Unix(t0, 0).UTC()}
	}
	var a agg
	otel := make([][]otelPoint, len(running))
	defer func() {
		for i, ps := range otel {
			if len(ps) > 0 {
				out[i].Data = appendOTelRequest(out[i].Data, s, running[i], t0, ps)
			}
		}
	}()
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.catalog.Ascend(func(sr *series) bool {
		if sr.lastTS < t0 {
			return true
		}
		for i, st := range running {
			if !st.covers(sr.metric.Namespace, sr.metric.MetricName) {
				continue
			}
			k := [2]string{sr.metric.Namespace, sr.metric.MetricName}
			extra := st.stats[k]
			for _, str := range sr.streams {
				str.scan(t0, t1, 60, len(extra) > 0, &a, func(_ int64, a *agg) {
					if st.in.OutputFormat == MetricStreamOpenTelemetry10 {
						otel[i] = append(otel[i], otelPoint{sr: sr, unit: str.unit, count: a.count, sum: a.sum, min: a.min, max: a.max, qs: otelQuantiles(a, extra)})
						return
					}
					out[i].Data = appendStreamJSON(out[i].Data, s, st, sr, str.unit, t0, a, st.names[k], extra)
				})
			}
		}
		return true
	})
	return out
}

// appendStreamJSON appends one line of AWS's metric stream JSON format.
func appendStreamJSON(b []byte, s *Service, st *metricStream, sr *series, unit StandardUnit, t0 int64, a *agg, names []string, extra []stat) []byte {
	b = append(b, `{"metric_stream_name":`...)
	b = strconv.AppendQuote(b, st.in.Name)
	b = append(b, `,"account_id":`...)
	b = strconv.AppendQuote(b, s.op.AccountID)
	b = append(b, `,"region":`...)
	b = strconv.AppendQuote(b, s.op.Region)
	b = append(b, `,"namespace":`...)
	b = strconv.AppendQuote(b, sr.metric.Namespace)
	b = append(b, `,"metric_name":`...)
	b = strconv.AppendQuote(b, sr.metric.MetricName)
	b = append(b, `,"dimensions":{`...)
	for i, d := range sr.metric.Dimensions {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, d.Name)
		b = append(b, ':')
		b = strconv.AppendQuote(b, d.Value)
	}
	b = append(b, `},"timestamp":`...)
	b = strconv.AppendInt(b, t0*1000, 10)
	b = append(b, `,"value":{"count":`...)
	b = appendStreamFloat(b, a.count)
	b = append(b, `,"sum":`...)
	b = appendStreamFloat(b, a.sum)
	b = append(b, `,"max":`...)
	b = appendStreamFloat(b, a.max)
	b = append(b, `,"min":`...)
	b = appendStreamFloat(b, a.min)
	for j, x := range extra {
		v, ok := a.eval(x)
		if !ok {
			continue
		}
		b = append(b, ',')
		b = strconv.AppendQuote(b, names[j])
		b = append(b, ':')
		b = appendStreamFloat(b, v)
	}
	if unit == "" {
		unit = UnitNone
	}
	b = append(b, `},"unit":`...)
	b = strconv.AppendQuote(b, string(unit))
	return append(b, "}\n"...)
}

// appendStreamFloat writes a double as AWS's example does (3.0, 17.56).
func appendStreamFloat(b []byte, v float64) []byte {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return append(b, "null"...)
	}
	n := len(b)
	b = strconv.AppendFloat(b, v, 'g', -1, 64)
	if !strings.ContainsAny(string(b[n:]), ".eE") {
		b = append(b, ".0"...)
	}
	return b
}
