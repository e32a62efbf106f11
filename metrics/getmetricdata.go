package metrics

import (
	"context"
	"fmt"
	"hash/fnv"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/metricmath"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// GetMetricData limits.
const (
	// MaxMetricDataQueries is how many queries one GetMetricData call takes.
	MaxMetricDataQueries = 500
	// MaxMetricDataPoints is the default (and largest) MaxDatapoints: how many
	// datapoints one GetMetricData call returns before paginating.
	MaxMetricDataPoints = 100800
	maxQueryIDLength    = 255
	maxLabelLength      = 1024
)

func validationError(format string, args ...any) *awserr.Error {
	return awserr.New("ValidationError", format, args...)
}

// GetMetricData retrieves metric values and evaluates metric math over them,
// as CloudWatch's GetMetricData does: up to 500 MetricDataQueries, each a
// MetricStat (metric, period, statistic incl. extended statistics, unit) or an
// Expression (metric math, including METRICS() and SEARCH over the ListMetrics
// catalogue), with a Label (dynamic labels such as ${MAX} and
// ${PROP('Dim.InstanceId')} are expanded per returned series) and ReturnData.
//
// StartTime is rounded down like GetMetricStatistics rounds it (to the minute
// for data less than 15 days old, and so on); EndTime is exclusive. Results
// come in request order, one per returned query, or one per series for an
// expression that yields an array of time series (all with the query's Id);
// datapoints are newest first unless ScanBy is TimestampAscending. When the
// results hold more than MaxDatapoints (default 100,800) datapoints, the call
// returns the first MaxDatapoints with NextToken; every page lists every
// result, StatusCode PartialData marking those with datapoints still to come.
//
// A MetricStat without a Unit on a metric that has data in several units in
// the range returns the data of one unit only — CloudWatch converts nothing —
// with the result message {"Code": "MultipleUnits", "Value": "Multiple units
// returned: '[Milliseconds, Seconds]'"} (the units sorted); the unit is
// chosen in the order AWS was observed to use (unitPreference).
//
// Expression errors (unknown Id, a cycle, bad syntax with its position, a
// scalar result) are ValidationError errors. A result from which points were
// dropped because they were not finite numbers (division by zero) carries the
// message ArithmeticError; a SEARCH that matched more than 500 metrics returns
// the first 500, with StatusCode PartialData and the message
// MaxMetricsExceeded.
//
// ANOMALY_DETECTION_BAND(m1[, stddevs]) returns two results with the
// expression's Id, the lower bound (label ending in "Lower") then the upper
// bound ("Upper"), from the anomaly detection model of m1 (see
// PutAnomalyDetector and the model notes: an approximation of CloudWatch's
// unpublished algorithm).
//
// Differences from AWS: Metrics Insights (SQL) queries, cross-account queries
// (AccountId other than the service's own) and functions that read other services (SERVICE_QUOTA, INSIGHT_RULE_METRIC,
// DB_PERF_INSIGHTS, LAMBDA) are rejected with ValidationError.
func (s *Service) GetMetricData(ctx context.Context, in GetMetricDataInput) (*GetMetricDataOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetMetricData", ReadOnly: true, Data: true}, in, s.getMetricDataCall)
}

func (s *Service) getMetricDataCall(ctx context.Context, c *event.Call, in GetMetricDataInput) (*GetMetricDataOutput, error) {
	s.getMetricDataRecord(ctx, c, &in)
	return s.getMetricDataVia(&in, true, nil)
}

// getMetricDataRecord completes the record of a GetMetricData call (see
// dataCall); it copies in only when the call is recorded.
func (s *Service) getMetricDataRecord(ctx context.Context, c *event.Call, in *GetMetricDataInput) {
	if s.op.Rec.Records(ctx) {
		in := *in // captured by value: one allocation, the closure's
		dataCall(c, func() any { return getMetricDataParams(in) })
	}
}

// GetMetricDataInto is GetMetricData writing its answer into out and reusing
// the memory out holds from an earlier answer (its results and their
// Timestamps and Values), for callers that query again and again, such as an
// alarm scheduler: a request of MetricStat queries then allocates nothing
// once out has grown to size. Everything out referred to before the call is
// overwritten, so the caller must no longer use it. On error, out is left
// unchanged.
func (s *Service) GetMetricDataInto(ctx context.Context, in GetMetricDataInput, out *GetMetricDataOutput) error {
	_, err := op.Do(ctx, &s.op, event.Call{Name: "GetMetricData", ReadOnly: true, Data: true}, in,
		func(ctx context.Context, c *event.Call, in GetMetricDataInput) (struct{}, error) {
			s.getMetricDataRecord(ctx, c, &in)
			res, err := s.getMetricDataVia(&in, true, out)
			if err == nil && res != out {
				*out = *res
			}
			return struct{}{}, err
		})
	return err
}

// GetMetricDataAll walks every page of a GetMetricData request, following
// NextToken from in.NextToken (usually empty) to the last page (a page holds
// two lists, MetricDataResults and Messages, so the pages are yielded). It
// stops at the first error, which it yields.
func (s *Service) GetMetricDataAll(ctx context.Context, in GetMetricDataInput) iter.Seq2[*GetMetricDataOutput, error] {
	return func(yield func(*GetMetricDataOutput, error) bool) {
		for {
			out, err := s.GetMetricData(ctx, in)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(out, nil) || out.NextToken == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
}

// returnsData reports whether the query's data is returned (default true).
func returnsData(q *MetricDataQuery) bool { return q.ReturnData == nil || *q.ReturnData }

func (s *Service) validateGetMetricData(in *GetMetricDataInput) error {
	if len(in.MetricDataQueries) == 0 {
		return awserr.Missing("MetricDataQueries")
	}
	if n := len(in.MetricDataQueries); n > MaxMetricDataQueries {
		return validationError("1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to %d (got %d)", MaxMetricDataQueries, n)
	}
	if in.StartTime.IsZero() {
		return awserr.Missing("StartTime")
	}
	if in.EndTime.IsZero() {
		return awserr.Missing("EndTime")
	}
	if !in.StartTime.Before(in.EndTime) {
		return validationError("The parameter StartTime must be less than the parameter EndTime.")
	}
	switch in.ScanBy {
	case "", ScanByTimestampDescending, ScanByTimestampAscending:
	default:
		return validationError("1 validation error detected: Value '%s' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]", in.ScanBy)
	}
	if in.MaxDatapoints != nil && *in.MaxDatapoints < 1 {
		return validationError("The value %d for parameter MaxDatapoints is invalid: it must be positive.", *in.MaxDatapoints)
	}
	if in.LabelOptions != nil {
		if _, err := metricmath.ParseTimezone(in.LabelOptions.Timezone); err != nil {
			return validationError("The value %s for parameter LabelOptions.Timezone is invalid: %s", quote(in.LabelOptions.Timezone), err.Error())
		}
	}
	now := s.op.Clock.Now()
	for i := range in.MetricDataQueries {
		q := &in.MetricDataQueries[i]
		if ms := q.MetricStat; ms != nil && q.Expression == "" && plainQuery(q, s.op.AccountID) && plainMetric(&ms.Metric) &&
			validUnit(ms.Unit) && plainPeriod(ms.Period) {
			if _, ok := parseBasic(ms.Stat); ok {
				continue // the common case, checked without naming fields
			}
		}
		if err := s.validateQuery(i, q, in.StartTime, now); err != nil {
			return err
		}
	}
	return nil
}

// plainQuery reports whether q's Id, Label and AccountId are valid.
func plainQuery(q *MetricDataQuery, account string) bool {
	return q.Id != "" && len(q.Id) <= maxQueryIDLength && metricmath.ValidID(q.Id) && len(q.Label) <= maxLabelLength &&
		(q.AccountId == "" || q.AccountId == account)
}

// plainMetric reports whether m passes validateMetric, without naming fields.
func plainMetric(m *Metric) bool {
	ns := m.Namespace
	if ns == "" || len(ns) > maxNameLen || ns[0] == ':' || !ascii(ns) || m.MetricName == "" || len(m.MetricName) > maxNameLen || !printable(m.MetricName) ||
		len(m.Dimensions) > MaxDimensions {
		return false
	}
	for i := range m.Dimensions {
		d := &m.Dimensions[i]
		if d.Name == "" || d.Value == "" || len(d.Name) > maxNameLen || len(d.Value) > maxDimValueLen ||
			d.Name[0] == ':' || !ascii(d.Name) || !ascii(d.Value) || blank(d.Name) || blank(d.Value) || dupName(m.Dimensions[:i], d.Name) {
			return false
		}
	}
	return true
}

// plainPeriod reports whether validatePeriod accepts period.
func plainPeriod(period int) bool {
	switch period {
	case 1, 5, 10, 20, 30:
		return true
	}
	return period >= 60 && period%60 == 0
}

// validateQuery checks MetricDataQueries.member.(i+1), naming the offending
// field.
func (s *Service) validateQuery(i int, q *MetricDataQuery, start, now time.Time) error {
	field := "MetricDataQueries.member." + strconv.Itoa(i+1)
	if q.Id == "" {
		return validationError("The parameter %s.Id is required.", field)
	}
	if len(q.Id) > maxQueryIDLength || !metricmath.ValidID(q.Id) {
		return validationError("Invalid metric Id %s in %s.Id: an Id must start with a lower-case letter and contain only letters, numbers and underscores (at most %d characters).", quote(q.Id), field, maxQueryIDLength)
	}
	if len(q.Label) > maxLabelLength {
		return validationError("The value of %s.Label must be at most %d characters long.", field, maxLabelLength)
	}
	if q.AccountId != "" && q.AccountId != s.op.AccountID {
		return validationError("The value %s for parameter %s.AccountId is invalid: cross-account queries are not available in this account.", quote(q.AccountId), field)
	}
	switch {
	case q.MetricStat == nil && q.Expression == "":
		// AWS's text ends with a line break (moto: "AWS also returns the
		// empty line").
		return validationError("The parameter %s.MetricStat is required.\n", field)
	case q.MetricStat != nil && q.Expression != "":
		return validationError("The parameters %s.MetricStat and %s.Expression are mutually exclusive: specify exactly one.", field, field)
	case q.MetricStat != nil:
		ms := q.MetricStat
		prefix := field + ".MetricStat."
		if err := validateMetric(prefix+"Metric.", &ms.Metric); err != nil {
			return err
		}
		if ms.Stat == "" {
			return awserr.Missing(prefix + "Stat")
		}
		if _, err := parseStat(ms.Stat); err != nil {
			return awserr.InvalidValue(prefix+"Stat", quote(ms.Stat), "not a valid statistic")
		}
		if !validUnit(ms.Unit) {
			return awserr.InvalidValue(prefix+"Unit", quote(string(ms.Unit)), "not a CloudWatch standard unit")
		}
		if err := validatePeriod(prefix+"Period", ms.Period, start, now); err != nil {
			return err
		}
	default:
		if q.Period != nil {
			if err := validatePeriod(field+".Period", int(*q.Period), start, now); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) getMetricData(in *GetMetricDataInput) (*GetMetricDataOutput, error) {
	return s.getMetricDataVia(in, true, nil)
}

// getMetricDataVia answers a request; fast allows the MetricStat fast path
// (tests turn it off to compare both paths). The fast path writes into into
// when it is set, reusing its memory.
func (s *Service) getMetricDataVia(in *GetMetricDataInput, fast bool, into *GetMetricDataOutput) (*GetMetricDataOutput, error) {
	if err := s.validateGetMetricData(in); err != nil {
		return nil, err
	}
	maxPoints := MaxMetricDataPoints
	if in.MaxDatapoints != nil {
		maxPoints = int(*in.MaxDatapoints)
	}
	offset := 0
	if in.NextToken != "" {
		var ok bool
		if offset, ok = decodeGMDToken(in.NextToken, requestKey(in)); !ok {
			return nil, awserr.New("InvalidNextToken", "The NextToken %s is not valid for this request.", quote(in.NextToken))
		}
	}
	if fast && onlyMetricStats(in) {
		return s.metricStatData(in, offset, maxPoints, into)
	}

	// Compile the request: one metricmath query per MetricDataQuery.
	queries := make([]metricmath.Query, len(in.MetricDataQueries))
	src := &mathSource{s: s, start: in.StartTime, end: in.EndTime, queries: in.MetricDataQueries,
		stats: map[string]*MetricDataQuery{}, labels: map[string]string{}}
	minPer := 0
	for i := range in.MetricDataQueries {
		q := &in.MetricDataQueries[i]
		if q.MetricStat != nil {
			queries[i] = metricmath.Query{ID: q.Id, Period: q.MetricStat.Period}
			src.stats[q.Id] = q
			src.labels[q.Id] = q.Label
			minPer = pmin(minPer, q.MetricStat.Period)
		} else {
			queries[i] = metricmath.Query{ID: q.Id, Expression: q.Expression, Period: q.period()}
			minPer = pmin(minPer, q.period())
		}
	}
	prog, err := compileCached(queries)
	if err != nil {
		return nil, err
	}
	if minPer == 0 {
		minPer = 60
	}
	now := s.op.Clock.Now()
	env := metricmath.Env{Start: alignStart(in.StartTime, minPer, now), End: endSeconds(in.EndTime), Period: minPer}
	results, err := prog.Eval(env, src)
	if err != nil {
		return nil, err
	}

	lc := metricmath.LabelContext{Now: now, Location: time.UTC, Region: s.op.Region, AccountID: s.op.AccountID}
	if in.LabelOptions != nil {
		lc.Location, _ = metricmath.ParseTimezone(in.LabelOptions.Timezone)
	}
	descending := in.ScanBy != ScanByTimestampAscending
	autos := statLabels(in.MetricDataQueries)
	var all []MetricDataResult
	for i := range in.MetricDataQueries {
		q := &in.MetricDataQueries[i]
		if !returnsData(q) {
			continue
		}
		r := results[i]
		if r.Kind == metricmath.KindScalar {
			return nil, validationError("Error in expression %s: the expression returns a single number; the result of an expression must be a time series or an array of time series (use TIME_SERIES to make one).", q.Id)
		}
		status := StatusComplete
		if r.Partial {
			status = StatusPartialData
		}
		var msgs []MessageData
		for _, m := range r.Messages {
			msgs = append(msgs, MessageData{Code: m.Code, Value: m.Value})
		}
		if units := src.units[q.Id]; q.MetricStat != nil && len(units) > 0 {
			msgs = append(msgs, multipleUnitsMessage(units))
		}
		for k := range r.Series {
			ser := &r.Series[k]
			res := MetricDataResult{
				Id:         q.Id,
				Label:      resultLabel(q, r.Kind, ser, lc, autoLabel(autos, i)),
				Timestamps: make([]time.Time, len(ser.Times)),
				Values:     slices.Clone(ser.Values),
				StatusCode: status,
				Messages:   msgs,
			}
			for j, t := range ser.Times {
				res.Timestamps[j] = time.Unix(t, 0).UTC()
			}
			if descending {
				slices.Reverse(res.Timestamps)
				slices.Reverse(res.Values)
			}
			if res.Values == nil {
				res.Values = []float64{}
			}
			all = append(all, res)
		}
	}
	return paginate(all, offset, maxPoints, in), nil
}

// programCache keeps compiled metric-math programs by their queries, so that
// a caller repeating the same request (an alarm on metric math, a dashboard
// refresh) parses its expressions once. Programs are immutable and shared by
// every Service; the cache is bounded and simply emptied when full.
var programCache struct {
	sync.Mutex
	m map[string]*metricmath.Program
}

const programCacheSize = 1024

func compileCached(queries []metricmath.Query) (*metricmath.Program, error) {
	n := 0
	for _, q := range queries {
		n += len(q.ID) + len(q.Expression) + 24
	}
	buf := make([]byte, 0, n)
	for _, q := range queries {
		buf = append(buf, q.ID...)
		buf = append(buf, 0)
		buf = append(buf, q.Expression...)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, int64(q.Period), 10)
		buf = append(buf, 0)
	}
	key := string(buf)
	if p := cachedProgram(key); p != nil {
		return p, nil
	}
	p, err := metricmath.Compile(queries)
	if err != nil {
		return nil, err
	}
	cacheProgram(key, p)
	return p, nil
}

func cachedProgram(key string) *metricmath.Program {
	programCache.Lock()
	defer programCache.Unlock()
	return programCache.m[key]
}

func cacheProgram(key string, p *metricmath.Program) {
	programCache.Lock()
	defer programCache.Unlock()
	if programCache.m == nil || len(programCache.m) >= programCacheSize {
		programCache.m = make(map[string]*metricmath.Program)
	}
	programCache.m[key] = p
}

func pmin(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return min(a, b)
}

// resultLabel is the label of one returned series. A MetricStat query's
// default label is the metric name; an expression's is its Id. A member of an
// array (METRICS(), SEARCH) is labelled "<expression label> <member label>",
// or with the member's label alone when the expression has none. A label with
// dynamic values (${...}) is expanded for each series, ${LABEL} standing for
// the default label.
func resultLabel(q *MetricDataQuery, kind metricmath.Kind, s *metricmath.Series, lc metricmath.LabelContext, auto string) string {
	def := q.Id
	switch {
	case q.MetricStat != nil && auto != "":
		def = auto
	case q.MetricStat != nil:
		def = q.MetricStat.Metric.MetricName
	case kind == metricmath.KindArray:
		def = s.Label
		if def == "" {
			def = q.Id
		}
	}
	lc.Default = def
	switch {
	case q.Label == "":
		return def
	case metricmath.HasDynamic(q.Label):
		return metricmath.ExpandLabel(q.Label, s, lc)
	case kind == metricmath.KindArray && q.MetricStat == nil:
		return q.Label + " " + def
	}
	return q.Label
}

// paginate returns the page of results holding the datapoints [offset,
// offset+maxPoints) of the concatenated results.
// The results are paged in place (all is the caller's to give away); in is
// fingerprinted only when a NextToken is due.
func paginate(all []MetricDataResult, offset, maxPoints int, in *GetMetricDataInput) *GetMetricDataOutput {
	out := new(GetMetricDataOutput)
	paginateInto(out, all, offset, maxPoints, in)
	return out
}

// paginateInto is paginate writing into out.
func paginateInto(out *GetMetricDataOutput, all []MetricDataResult, offset, maxPoints int, in *GetMetricDataInput) {
	if all == nil {
		all = []MetricDataResult{}
	}
	*out = GetMetricDataOutput{MetricDataResults: all}
	end := offset + maxPoints
	pos := 0
	for i := range all {
		r := &all[i]
		n := len(r.Values)
		if offset > pos || end < pos+n {
			a, b := min(max(offset-pos, 0), n), min(max(end-pos, 0), n)
			r.Timestamps = r.Timestamps[a:b]
			r.Values = r.Values[a:b]
			if b < n {
				r.StatusCode = StatusPartialData
			}
		}
		pos += n
	}
	if end < pos {
		out.NextToken = encodeGMDToken(end, requestKey(in))
	}
}

// requestKey fingerprints the parts of a request a NextToken must match.
func requestKey(in *GetMetricDataInput) uint64 {
	h := fnv.New64a()
	// MaxDatapoints may change from page to page: the token is an offset in
	// datapoints.
	fmt.Fprintf(h, "%d.%d|%d.%d|%s|", in.StartTime.Unix(), in.StartTime.Nanosecond(), in.EndTime.Unix(), in.EndTime.Nanosecond(), in.ScanBy)
	if in.LabelOptions != nil {
		fmt.Fprintf(h, "%s|", in.LabelOptions.Timezone)
	}
	for _, q := range in.MetricDataQueries {
		fmt.Fprintf(h, "%q|%q|%q|%v|%d|", q.Id, q.Expression, q.Label, returnsData(&q), q.period())
		if ms := q.MetricStat; ms != nil {
			fmt.Fprintf(h, "%q|%q|%v|%d|%q|%q|", ms.Metric.Namespace, ms.Metric.MetricName, ms.Metric.Dimensions, ms.Period, ms.Stat, ms.Unit)
		}
	}
	return h.Sum64()
}

func encodeGMDToken(offset int, key uint64) string {
	return pagetoken.Encode(fmt.Sprintf("gmd1:%d:%x", offset, key))
}

func decodeGMDToken(tok string, key uint64) (int, bool) {
	pos, ok := pagetoken.Decode(tok)
	if !ok {
		return 0, false
	}
	parts := strings.Split(pos, ":")
	if len(parts) != 3 || parts[0] != "gmd1" || parts[2] != strconv.FormatUint(key, 16) {
		return 0, false
	}
	off, err := strconv.Atoi(parts[1])
	if err != nil || off <= 0 {
		return 0, false
	}
	return off, true
}

// getMetricDataParams renders the request as CloudTrail shows it.
func getMetricDataParams(in GetMetricDataInput) any {
	qs := make([]map[string]any, len(in.MetricDataQueries))
	for i, q := range in.MetricDataQueries {
		m := map[string]any{"id": q.Id}
		if ms := q.MetricStat; ms != nil {
			metric := map[string]any{"namespace": ms.Metric.Namespace, "metricName": ms.Metric.MetricName}
			if len(ms.Metric.Dimensions) > 0 {
				metric["dimensions"] = dimParams(ms.Metric.Dimensions)
			}
			stat := map[string]any{"metric": metric, "period": ms.Period, "stat": ms.Stat}
			if ms.Unit != "" {
				stat["unit"] = ms.Unit
			}
			m["metricStat"] = stat
		}
		if q.Expression != "" {
			m["expression"] = q.Expression
		}
		if q.Label != "" {
			m["label"] = q.Label
		}
		if q.ReturnData != nil {
			m["returnData"] = *q.ReturnData
		}
		if q.Period != nil {
			m["period"] = *q.Period
		}
		if q.AccountId != "" {
			m["accountId"] = q.AccountId
		}
		qs[i] = m
	}
	m := map[string]any{
		"metricDataQueries": qs,
		"startTime":         in.StartTime.UTC().Format(time.RFC3339),
		"endTime":           in.EndTime.UTC().Format(time.RFC3339),
	}
	if in.NextToken != "" {
		m["nextToken"] = in.NextToken
	}
	if in.ScanBy != "" {
		m["scanBy"] = in.ScanBy
	}
	if in.MaxDatapoints != nil {
		m["maxDatapoints"] = *in.MaxDatapoints
	}
	if in.LabelOptions != nil && in.LabelOptions.Timezone != "" {
		m["labelOptions"] = map[string]any{"timezone": in.LabelOptions.Timezone}
	}
	return m
}

// statLabels returns the default labels of returned MetricStat queries that
// share their metric with another returned MetricStat query of the request,
// or nil when no two do. As AWS
// labels them (recorded answers): the metric name, then the statistic when
// the statistics of the metric's queries differ, then the period when their
// periods differ — "metric1 Sum 60" and "metric1 Minimum 30", "metric1 Sum"
// and "metric1 Minimum", "metric1 60" and "metric1 30" — and just the
// metric name when they differ only by Unit.
func statLabels(qs []MetricDataQuery) []string {
	byHash := map[uint64][]int{}
	shared := false
	for i := range qs {
		if ms := qs[i].MetricStat; ms != nil && returnsData(&qs[i]) {
			h := identityHash(&ms.Metric)
			byHash[h] = append(byHash[h], i)
			shared = shared || len(byHash[h]) > 1
		}
	}
	if !shared {
		return nil
	}
	var labels []string
	done := make([]bool, len(qs))
	for i := range qs {
		a := qs[i].MetricStat
		if a == nil || done[i] || !returnsData(&qs[i]) {
			continue
		}
		var group []int
		for _, j := range byHash[identityHash(&a.Metric)] {
			if !done[j] && sameMetric(&a.Metric, &qs[j].MetricStat.Metric) {
				group = append(group, j)
			}
		}
		if len(group) < 2 {
			continue
		}
		stats, periods := false, false
		for _, j := range group[1:] {
			b := qs[j].MetricStat
			stats = stats || b.Stat != a.Stat
			periods = periods || b.Period != a.Period
		}
		if !stats && !periods {
			continue
		}
		if labels == nil {
			labels = make([]string, len(qs))
		}
		for _, j := range group {
			done[j] = true
			b := qs[j].MetricStat
			l := b.Metric.MetricName
			if stats {
				l += " " + b.Stat
			}
			if periods {
				l += " " + strconv.Itoa(b.Period)
			}
			labels[j] = l
		}
	}
	return labels
}

// autoLabel is labels[i], or "" without labels.
func autoLabel(labels []string, i int) string {
	if labels == nil {
		return ""
	}
	return labels[i]
}

// sameMetric reports whether a and b name the same metric (dimensions in any
// order).
func sameMetric(a, b *Metric) bool {
	if a.Namespace != b.Namespace || a.MetricName != b.MetricName || len(a.Dimensions) != len(b.Dimensions) {
		return false
	}
	for _, d := range a.Dimensions {
		if !slices.Contains(b.Dimensions, d) {
			return false
		}
	}
	return true
}
