package metrics

import (
	"cmp"
	"context"
	"encoding/json"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/metricmath"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
)

// detector is a stored model definition.
type detector struct {
	key    string
	single *SingleMetricAnomalyDetector // dimensions sorted by name
	math   *MetricMathAnomalyDetector
	config AnomalyDetectorConfiguration
	loc    *time.Location
	chars  *MetricCharacteristics
}

// anomalyState is the anomaly detectors of a Service (own lock: training
// reads the store under s.mu).
type anomalyState struct {
	detectors map[string]*detector
}

// detectorTarget is a request's designation of a model, normalised.
type detectorTarget struct {
	key    string
	single *SingleMetricAnomalyDetector
	math   *MetricMathAnomalyDetector
}

func singleKey(m *SingleMetricAnomalyDetector) string {
	return "1\x00" + metricKey(Metric{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions}) + "\x02" + m.Stat
}

func mathKey(m *MetricMathAnomalyDetector) string {
	b, _ := json.Marshal(m.MetricDataQueries)
	return "2\x00" + string(b)
}

// target validates the model designation shared by Put and Delete.
func (s *Service) target(ns, name string, dims []Dimension, stat string, single *SingleMetricAnomalyDetector, mm *MetricMathAnomalyDetector) (detectorTarget, error) {
	legacy := ns != "" || name != "" || len(dims) > 0 || stat != ""
	n := 0
	for _, b := range []bool{legacy, single != nil, mm != nil} {
		if b {
			n++
		}
	}
	if n > 1 {
		return detectorTarget{}, awserr.Combination("Specify exactly one of SingleMetricAnomalyDetector, MetricMathAnomalyDetector, or the Namespace, MetricName, Dimensions and Stat parameters.")
	}
	if mm != nil {
		if err := s.validateMathDetector(mm); err != nil {
			return detectorTarget{}, err
		}
		c := &MetricMathAnomalyDetector{MetricDataQueries: slices.Clone(mm.MetricDataQueries)}
		return detectorTarget{key: mathKey(c), math: c}, nil
	}
	prefix := ""
	m := SingleMetricAnomalyDetector{Namespace: ns, MetricName: name, Dimensions: dims, Stat: stat}
	if single != nil {
		prefix = "SingleMetricAnomalyDetector."
		m = *single
	}
	if m.AccountId != "" && m.AccountId != s.op.AccountID {
		return detectorTarget{}, awserr.InvalidValue(prefix+"AccountId", quote(m.AccountId), "cross-account anomaly detection is not available in this account")
	}
	if m.Namespace == "" {
		return detectorTarget{}, awserr.Missing(prefix + "Namespace")
	}
	if m.MetricName == "" {
		return detectorTarget{}, awserr.Missing(prefix + "MetricName")
	}
	if m.Stat == "" {
		return detectorTarget{}, awserr.Missing(prefix + "Stat")
	}
	if err := validateMetric(prefix, &Metric{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions}); err != nil {
		return detectorTarget{}, err
	}
	if len(m.Stat) > maxAnomalyStatLength {
		return detectorTarget{}, awserr.InvalidValue(prefix+"Stat", quote(m.Stat), "must be at most 50 characters")
	}
	if _, err := parseStat(m.Stat); err != nil {
		return detectorTarget{}, awserr.InvalidValue(prefix+"Stat", quote(m.Stat), "not a valid statistic")
	}
	m.AccountId = ""
	m.Dimensions = slices.Clone(m.Dimensions)
	slices.SortFunc(m.Dimensions, func(a, b Dimension) int { return cmp.Compare(a.Name, b.Name) })
	return detectorTarget{key: singleKey(&m), single: &m}, nil
}

// validateMathDetector checks a MetricMathAnomalyDetector: valid queries,
// exactly one of which returns data, and an expression that compiles.
func (s *Service) validateMathDetector(mm *MetricMathAnomalyDetector) error {
	const f = "MetricMathAnomalyDetector.MetricDataQueries"
	if len(mm.MetricDataQueries) == 0 {
		return awserr.Missing(f)
	}
	if len(mm.MetricDataQueries) > MaxMetricDataQueries {
		return awserr.InvalidValue(f, len(mm.MetricDataQueries), "at most 500 queries")
	}
	returned := 0
	queries := make([]metricmath.Query, len(mm.MetricDataQueries))
	for i := range mm.MetricDataQueries {
		q := &mm.MetricDataQueries[i]
		if err := s.validateQuery(i, q, s.op.Clock.Now().Add(-time.Hour), s.op.Clock.Now()); err != nil {
			return err
		}
		if returnsData(q) {
			returned++
		}
		if q.MetricStat != nil {
			queries[i] = metricmath.Query{ID: q.Id, Period: q.MetricStat.Period}
		} else {
			if strings.Contains(strings.ToUpper(q.Expression), "ANOMALY_DETECTION_BAND") {
				return awserr.InvalidValue(f+".member."+strconv.Itoa(i+1)+".Expression", quote(q.Expression), "an anomaly detector's expression cannot use ANOMALY_DETECTION_BAND")
			}
			queries[i] = metricmath.Query{ID: q.Id, Expression: q.Expression, Period: q.period()}
		}
	}
	if returned != 1 {
		return awserr.InvalidValue(f, returned, "exactly one query must have ReturnData set to true")
	}
	if _, err := metricmath.Compile(queries); err != nil {
		return err
	}
	return nil
}

// validateConfiguration checks a configuration and returns its time zone.
func validateConfiguration(c *AnomalyDetectorConfiguration) (*time.Location, error) {
	if c == nil {
		return time.UTC, nil
	}
	if len(c.ExcludedTimeRanges) > MaxExcludedTimeRanges {
		return nil, awserr.InvalidValue("Configuration.ExcludedTimeRanges", len(c.ExcludedTimeRanges), "you can specify at most 10 time ranges")
	}
	for i, r := range c.ExcludedTimeRanges {
		f := "Configuration.ExcludedTimeRanges.member." + strconv.Itoa(i+1)
		if r.StartTime.IsZero() {
			return nil, awserr.Missing(f + ".StartTime")
		}
		if r.EndTime.IsZero() {
			return nil, awserr.Missing(f + ".EndTime")
		}
		// A timestamp is an ISO 8601 date with a four-digit year on the
		// wire: a range outside years 0001-9999 could be stored but never
		// described again (DescribeAnomalyDetectors could not encode it).
		for _, tf := range []struct {
			name string
			t    time.Time
		}{{"StartTime", r.StartTime}, {"EndTime", r.EndTime}} {
			if u := tf.t.Unix(); u < minUnix || u > maxUnix {
				return nil, awserr.InvalidValue(f+"."+tf.name, tf.t.UTC().String(), "must be a time between years 0001 and 9999")
			}
		}
		if !r.StartTime.Before(r.EndTime) {
			return nil, awserr.InvalidValue(f+".EndTime", r.EndTime.UTC().Format(time.RFC3339), "the end time must be after the start time")
		}
	}
	if c.MetricTimezone == "" {
		return time.UTC, nil
	}
	if len(c.MetricTimezone) > maxMetricTimezoneLength {
		return nil, awserr.InvalidValue("Configuration.MetricTimezone", quote(c.MetricTimezone), "must be at most 50 characters")
	}
	loc, err := time.LoadLocation(c.MetricTimezone)
	if err != nil || strings.EqualFold(c.MetricTimezone, "Local") {
		return nil, awserr.InvalidValue("Configuration.MetricTimezone", quote(c.MetricTimezone), "not a valid time zone name")
	}
	return loc, nil
}

// PutAnomalyDetector creates an anomaly detection model for a metric and
// statistic (SingleMetricAnomalyDetector, or the deprecated top-level
// Namespace, MetricName, Dimensions and Stat) or for a metric math expression
// (MetricMathAnomalyDetector), or replaces the Configuration of an existing
// one. The model is what ANOMALY_DETECTION_BAND reads; see the model notes
// for how localwatch approximates CloudWatch's unpublished algorithm.
//
// Errors: MissingParameter (Namespace, MetricName, Stat),
// InvalidParameterValue (a bad name, dimension, statistic, time range or time
// zone), InvalidParameterCombination (more than one way of designating the
// model), LimitExceededException (the API model's code; more than MaxAnomalyDetectors models).
func (s *Service) PutAnomalyDetector(ctx context.Context, in PutAnomalyDetectorInput) (*PutAnomalyDetectorOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutAnomalyDetector"}, in, s.putAnomalyDetector)
}

func (s *Service) putAnomalyDetector(_ context.Context, c *event.Call, in PutAnomalyDetectorInput) (*PutAnomalyDetectorOutput, error) {
	c.Params = func() any {
		return anomalyParams(in.Namespace, in.MetricName, in.Dimensions, in.Stat, in.SingleMetricAnomalyDetector, in.MetricMathAnomalyDetector, in.Configuration)
	}
	if err := s.putAnomalyDetectorIn(&in); err != nil {
		return nil, err
	}
	return &PutAnomalyDetectorOutput{}, nil
}

func (s *Service) putAnomalyDetectorIn(in *PutAnomalyDetectorInput) error {
	t, err := s.target(in.Namespace, in.MetricName, in.Dimensions, in.Stat, in.SingleMetricAnomalyDetector, in.MetricMathAnomalyDetector)
	if err != nil {
		return err
	}
	loc, err := validateConfiguration(in.Configuration)
	if err != nil {
		return err
	}
	d := &detector{key: t.key, single: t.single, math: t.math, loc: loc}
	if in.Configuration != nil {
		d.config = AnomalyDetectorConfiguration{ExcludedTimeRanges: slices.Clone(in.Configuration.ExcludedTimeRanges), MetricTimezone: in.Configuration.MetricTimezone}
	}
	if in.MetricCharacteristics != nil {
		c := *in.MetricCharacteristics
		d.chars = &c
	}
	s.admu.Lock()
	defer s.admu.Unlock()
	if s.anomaly.detectors == nil {
		s.anomaly.detectors = map[string]*detector{}
	}
	if _, ok := s.anomaly.detectors[t.key]; !ok && len(s.anomaly.detectors) >= MaxAnomalyDetectors {
		return awserr.New("LimitExceededException", "The maximum number of anomaly detection models (%d) has been reached.", MaxAnomalyDetectors)
	}
	s.anomaly.detectors[t.key] = d
	return nil
}

// DeleteAnomalyDetector deletes a model, designated as in PutAnomalyDetector.
// A model that does not exist is a ResourceNotFoundException.
func (s *Service) DeleteAnomalyDetector(ctx context.Context, in DeleteAnomalyDetectorInput) (*DeleteAnomalyDetectorOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteAnomalyDetector"}, in, s.deleteAnomalyDetector)
}

func (s *Service) deleteAnomalyDetector(_ context.Context, c *event.Call, in DeleteAnomalyDetectorInput) (*DeleteAnomalyDetectorOutput, error) {
	c.Params = func() any {
		return anomalyParams(in.Namespace, in.MetricName, in.Dimensions, in.Stat, in.SingleMetricAnomalyDetector, in.MetricMathAnomalyDetector, nil)
	}
	if err := s.deleteAnomalyDetectorIn(&in); err != nil {
		return nil, err
	}
	return &DeleteAnomalyDetectorOutput{}, nil
}

func (s *Service) deleteAnomalyDetectorIn(in *DeleteAnomalyDetectorInput) error {
	t, err := s.target(in.Namespace, in.MetricName, in.Dimensions, in.Stat, in.SingleMetricAnomalyDetector, in.MetricMathAnomalyDetector)
	if err != nil {
		return err
	}
	s.admu.Lock()
	defer s.admu.Unlock()
	if _, ok := s.anomaly.detectors[t.key]; !ok {
		return awserr.New("ResourceNotFoundException", "The anomaly detection model does not exist.").WithStatus(404)
	}
	delete(s.anomaly.detectors, t.key)
	return nil
}

// DescribeAnomalyDetectors lists the models, in a stable order (by metric
// then statistic; metric math models after single-metric ones). Namespace,
// MetricName and Dimensions (each given dimension must be one of the
// model's) filter the single-metric models; AnomalyDetectorTypes (default
// SINGLE_METRIC) says which kinds to list. MaxResults is 1 to 100 (default
// 100); NextToken continues a listing (InvalidNextToken if it does not come
// from this listing). StateValue is computed from the data at the time of the
// call, as described at AnomalyStatePendingTraining.
func (s *Service) DescribeAnomalyDetectors(ctx context.Context, in DescribeAnomalyDetectorsInput) (*DescribeAnomalyDetectorsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeAnomalyDetectors", ReadOnly: true}, in, s.describeAnomalyDetectors)
}

// DescribeAnomalyDetectorsAll iterates over every model
// DescribeAnomalyDetectors returns for in, page after page from in.NextToken
// (usually empty). Iteration stops at the first error, which is yielded.
func (s *Service) DescribeAnomalyDetectorsAll(ctx context.Context, in DescribeAnomalyDetectorsInput) iter.Seq2[AnomalyDetector, error] {
	return func(yield func(AnomalyDetector, error) bool) {
		for {
			out, err := s.DescribeAnomalyDetectors(ctx, in)
			if err != nil {
				yield(AnomalyDetector{}, err)
				return
			}
			for _, d := range out.AnomalyDetectors {
				if !yield(d, nil) {
					return
				}
			}
			if out.NextToken == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
}

func (s *Service) describeAnomalyDetectors(_ context.Context, c *event.Call, in DescribeAnomalyDetectorsInput) (*DescribeAnomalyDetectorsOutput, error) {
	c.Params = func() any { return describeAnomalyParams(&in) }
	return s.describeAnomalyDetectorsIn(&in)
}

func (s *Service) describeAnomalyDetectorsIn(in *DescribeAnomalyDetectorsInput) (*DescribeAnomalyDetectorsOutput, error) {
	limit := MaxDescribeAnomalyDetectors
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > MaxDescribeAnomalyDetectors {
			return nil, awserr.InvalidValue("MaxResults", *in.MaxResults, "must be between 1 and 100")
		}
		limit = int(*in.MaxResults)
	}
	if len(in.AnomalyDetectorTypes) > 2 {
		return nil, awserr.InvalidValue("AnomalyDetectorTypes", len(in.AnomalyDetectorTypes), "at most 2 types")
	}
	types := map[AnomalyDetectorType]bool{}
	for i, t := range in.AnomalyDetectorTypes {
		if t != AnomalyDetectorSingleMetric && t != AnomalyDetectorMetricMath {
			return nil, awserr.InvalidValue("AnomalyDetectorTypes.member."+strconv.Itoa(i+1), quote(string(t)), "must be one of SINGLE_METRIC, METRIC_MATH")
		}
		types[t] = true
	}
	if len(types) == 0 {
		types[AnomalyDetectorSingleMetric] = true
	}
	if in.Namespace != "" {
		if err := validateNamespace("Namespace", in.Namespace, true); err != nil {
			return nil, err
		}
	}
	if in.MetricName != "" {
		if err := validateMetricName("MetricName", in.MetricName); err != nil {
			return nil, err
		}
	}
	if err := validateDimensions(fieldRef{"Dimensions", -1}, in.Dimensions); err != nil {
		return nil, err
	}
	after := ""
	if in.NextToken != "" {
		pos, _ := pagetoken.Decode(in.NextToken)
		rest, ok := strings.CutPrefix(pos, "ad1:")
		if !ok {
			return nil, awserr.New("InvalidNextToken", "The NextToken %s is not valid.", quote(in.NextToken))
		}
		after = rest
	}
	var list []*detector
	func() {
		s.admu.Lock()
		defer s.admu.Unlock()
		for k, d := range s.anomaly.detectors {
			if after != "" && k <= after {
				continue
			}
			if d.single != nil {
				if !types[AnomalyDetectorSingleMetric] ||
					in.Namespace != "" && d.single.Namespace != in.Namespace ||
					in.MetricName != "" && d.single.MetricName != in.MetricName ||
					!hasDims(d.single.Dimensions, in.Dimensions) {
					continue
				}
			} else if !types[AnomalyDetectorMetricMath] {
				continue
			}
			list = append(list, d)
		}
	}()
	slices.SortFunc(list, func(a, b *detector) int { return strings.Compare(a.key, b.key) })
	out := &DescribeAnomalyDetectorsOutput{AnomalyDetectors: []AnomalyDetector{}}
	if len(list) > limit {
		list = list[:limit]
		out.NextToken = pagetoken.Encode("ad1:" + list[limit-1].key)
	}
	for _, d := range list {
		out.AnomalyDetectors = append(out.AnomalyDetectors, s.describe(d))
	}
	return out, nil
}

func hasDims(have, want []Dimension) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// describe renders a detector with its current state.
func (s *Service) describe(d *detector) AnomalyDetector {
	cfg := AnomalyDetectorConfiguration{ExcludedTimeRanges: slices.Clone(d.config.ExcludedTimeRanges), MetricTimezone: d.config.MetricTimezone}
	a := AnomalyDetector{Configuration: &cfg, StateValue: AnomalyStatePendingTraining}
	if d.chars != nil {
		c := *d.chars
		a.MetricCharacteristics = &c
	}
	if d.math != nil {
		a.MetricMathAnomalyDetector = &MetricMathAnomalyDetector{MetricDataQueries: slices.Clone(d.math.MetricDataQueries)}
		a.StateValue = s.mathState(d)
		return a
	}
	m := *d.single
	m.Dimensions = slices.Clone(m.Dimensions)
	a.SingleMetricAnomalyDetector = &m
	a.Namespace, a.MetricName, a.Dimensions, a.Stat = m.Namespace, m.MetricName, slices.Clone(m.Dimensions), m.Stat
	ms := MetricStat{Metric: Metric{Namespace: m.Namespace, MetricName: m.MetricName, Dimensions: m.Dimensions}, Period: 300, Stat: m.Stat}
	now := s.op.Clock.Now()
	st, err := parseStat(m.Stat)
	if err != nil {
		return a
	}
	ts, _, _ := s.statData(&ms, st, now.Add(-AnomalyTrainingWindow), now, now)
	a.StateValue = trainingState(excludeRanges(ts, nil, d.config.ExcludedTimeRanges))
	return a
}

// mathState is the state of a metric math model: its expression evaluated
// over the training window at its period.
func (s *Service) mathState(d *detector) AnomalyDetectorStateValue {
	now := s.op.Clock.Now()
	in := GetMetricDataInput{MetricDataQueries: d.math.MetricDataQueries, StartTime: now.Add(-AnomalyTrainingWindow), EndTime: now, ScanBy: ScanByTimestampAscending}
	out, err := s.getMetricData(&in)
	if err != nil || len(out.MetricDataResults) == 0 {
		return AnomalyStatePendingTraining
	}
	r := out.MetricDataResults[0]
	ts := make([]int64, len(r.Timestamps))
	for i, t := range r.Timestamps {
		ts[i] = t.Unix()
	}
	return trainingState(excludeRanges(ts, nil, d.config.ExcludedTimeRanges))
}

func trainingState(ts []int64) AnomalyDetectorStateValue {
	switch {
	case len(ts) == 0:
		return AnomalyStatePendingTraining
	case len(ts) < AnomalyMinTrainingPoints || ts[len(ts)-1]-ts[0] < day:
		return AnomalyStateTrainedInsufficientData
	}
	return AnomalyStateTrained
}

// excludeRanges drops the datapoints whose period start lies in one of rs
// (values may be nil). It filters in place.
func excludeRanges(ts []int64, values []float64, rs []Range) []int64 {
	if len(rs) == 0 {
		return ts
	}
	n := 0
	for i, t := range ts {
		skip := false
		for _, r := range rs {
			if t >= r.StartTime.Unix() && t < r.EndTime.Unix() {
				skip = true
				break
			}
		}
		if skip {
			continue
		}
		ts[n] = t
		if values != nil {
			values[n] = values[i]
		}
		n++
	}
	return ts[:n]
}

// anomalyParams renders a Put/Delete request as CloudTrail shows it.
func anomalyParams(ns, name string, dims []Dimension, stat string, single *SingleMetricAnomalyDetector, mm *MetricMathAnomalyDetector, cfg *AnomalyDetectorConfiguration) any {
	m := map[string]any{}
	if ns != "" {
		m["namespace"] = ns
	}
	if name != "" {
		m["metricName"] = name
	}
	if len(dims) > 0 {
		m["dimensions"] = dimParams(dims)
	}
	if stat != "" {
		m["stat"] = stat
	}
	if single != nil {
		sm := map[string]any{"namespace": single.Namespace, "metricName": single.MetricName, "stat": single.Stat}
		if len(single.Dimensions) > 0 {
			sm["dimensions"] = dimParams(single.Dimensions)
		}
		if single.AccountId != "" {
			sm["accountId"] = single.AccountId
		}
		m["singleMetricAnomalyDetector"] = sm
	}
	if mm != nil {
		q := getMetricDataParams(GetMetricDataInput{MetricDataQueries: mm.MetricDataQueries}).(map[string]any)["metricDataQueries"]
		m["metricMathAnomalyDetector"] = map[string]any{"metricDataQueries": q}
	}
	if cfg != nil {
		c := map[string]any{}
		if len(cfg.ExcludedTimeRanges) > 0 {
			rs := make([]map[string]any, len(cfg.ExcludedTimeRanges))
			for i, r := range cfg.ExcludedTimeRanges {
				rs[i] = map[string]any{"startTime": r.StartTime.UTC().Format(time.RFC3339), "endTime": r.EndTime.UTC().Format(time.RFC3339)}
			}
			c["excludedTimeRanges"] = rs
		}
		if cfg.MetricTimezone != "" {
			c["metricTimezone"] = cfg.MetricTimezone
		}
		m["configuration"] = c
	}
	return m
}

func describeAnomalyParams(in *DescribeAnomalyDetectorsInput) any {
	m := map[string]any{}
	if in.NextToken != "" {
		m["nextToken"] = in.NextToken
	}
	if in.MaxResults != nil {
		m["maxResults"] = *in.MaxResults
	}
	if in.Namespace != "" {
		m["namespace"] = in.Namespace
	}
	if in.MetricName != "" {
		m["metricName"] = in.MetricName
	}
	if len(in.Dimensions) > 0 {
		m["dimensions"] = dimParams(in.Dimensions)
	}
	if len(in.AnomalyDetectorTypes) > 0 {
		m["anomalyDetectorTypes"] = in.AnomalyDetectorTypes
	}
	return m
}
