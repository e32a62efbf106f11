package alarms

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/metrics"
)

// Datapoint is one period's value as the evaluator sees it: the statistic of
// the alarm's metric (or the value of its math expression) for the period that
// starts at Timestamp.
type Datapoint struct {
	Timestamp time.Time
	Value     float64
	// SampleCount is the number of samples behind Value; 0 when unknown. It
	// feeds the percentile low-sample rule and StateReasonData.
	SampleCount float64
	// Lower and Upper bound the anomaly-detection band at Timestamp; used only
	// by the anomaly-detection comparison operators (HasBand must be true).
	Lower, Upper float64
	HasBand      bool
}

// EvaluationInput is what one evaluation of a metric alarm sees.
type EvaluationInput struct {
	// Time is the moment of the evaluation (StateReasonData's queryDate). The
	// evaluation range ends at Time truncated to the alarm's cadence (a minute;
	// 10 s for high-resolution alarms).
	Time time.Time
	// Previous is the alarm's state before this evaluation (empty means
	// INSUFFICIENT_DATA, the state of a new alarm).
	Previous StateValue
	// Datapoints are the real datapoints the metric store returned for the
	// evaluation range, in any order. Periods without data are simply absent;
	// datapoints outside the range are ignored.
	Datapoints []Datapoint
}

// Evaluation is the outcome of one evaluation.
type Evaluation struct {
	// State is the new state. When the rules keep the current state (ignore,
	// low-sample percentiles, DynamoDB metrics), State equals the previous state.
	State StateValue
	// Changed reports State != the previous state.
	Changed bool
	// Reason and ReasonData are the StateReason text and StateReasonData JSON
	// AWS would record for this outcome.
	Reason     string
	ReasonData string
	// RangeStart and RangeEnd delimit the evaluation range [start, end).
	RangeStart, RangeEnd time.Time
}

// evaluationRangePeriods returns how many periods CloudWatch retrieves for an
// alarm that evaluates n periods of period seconds. AWS only says "more than
// EvaluationPeriods"; its documented tables retrieve 5 for N = 3. We use
// N + 2, which reproduces every documented row (see doc.go, "Deliberate
// differences") — and, for high-resolution alarms (periods under a minute),
// at least one minute and one period, so that standard-resolution data (one
// value a minute, at the minute's start) is evaluated whatever second it was
// sent at, as AWS evaluates it (a Period-10 alarm on two standard-resolution
// values goes to ALARM on their average).
func evaluationRangePeriods(n, period int) int {
	if period > 0 && period < 60 {
		return max(n+2, (60+period-1)/period+1)
	}
	return n + 2
}

// cadence returns how often CloudWatch evaluates an alarm with the given
// period: every 10 seconds for high-resolution alarms (period 10, 20 or 30), every
// minute otherwise.
func cadence(period int) time.Duration {
	if period > 0 && period < 60 {
		return 10 * time.Second
	}
	return time.Minute
}

// EvaluationRange returns the evaluation range [start, end) of def at time t
// and its number of periods: the range ends at t truncated to the alarm's
// evaluation cadence (a minute; 10 seconds for a Period of 10, 20 or 30 seconds)
// and holds EvaluationPeriods + 2 periods of Period seconds each (for a
// high-resolution alarm, at least enough to span a minute and a period).
func EvaluationRange(def *PutMetricAlarmInput, t time.Time) (start, end time.Time, periods int) {
	p := alarmPeriod(def)
	end = t.Truncate(cadence(p))
	periods = evaluationRangePeriods(max(def.EvaluationPeriods, 1), p)
	start = end.Add(-time.Duration(periods*p) * time.Second)
	return start, end, periods
}

// alarmPeriod is the alarm's period: Period, or for math alarms the period of
// the returned query (the metrics' common period).
func alarmPeriod(def *PutMetricAlarmInput) int {
	if len(def.Metrics) == 0 {
		return max(def.Period, 1)
	}
	p := 0
	for _, q := range def.Metrics {
		if q.MetricStat != nil && q.MetricStat.Period > 0 {
			return q.MetricStat.Period
		}
		if q.Period != nil && *q.Period > 0 && p == 0 {
			p = int(*q.Period)
		}
	}
	if p > 0 {
		return p
	}
	return 60
}

// Evaluate is CloudWatch's alarm evaluation as a pure function: given a metric
// alarm's definition, its previous state and the datapoints of the evaluation
// range, it returns the new state with the StateReason and StateReasonData AWS
// records. It implements M out of N, the evaluation range, the four
// TreatMissingData behaviours with AWS's premature-ALARM guard, AWS/DynamoDB
// metrics ignoring missing data, percentile alarms with low sample counts, and
// the anomaly-detection band operators.
//
// Evaluate first validates def as PutMetricAlarm does (bounded
// EvaluationPeriods, DatapointsToAlarm and Period among the rest) and answers
// the same typed error (*awserr.Error, e.g. InvalidParameterCombination)
// for a definition AWS would refuse, so its cost is bounded by AWS's limits.
// EC2 actions are checked against the us-east-1 Region. Previous must be
// empty or a StateValue.
func Evaluate(def PutMetricAlarmInput, in EvaluationInput) (Evaluation, error) {
	if err := validateDefinition(&def); err != nil {
		return Evaluation{}, err
	}
	switch in.Previous {
	case "", StateOK, StateAlarm, StateInsufficientData:
	default:
		return Evaluation{}, validation("previous", in.Previous, "Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]")
	}
	var sc scratch
	c := compile(&def)
	return c.evaluate(&sc, in.Time, in.Previous, in.Datapoints, true), nil
}

// validator validates definitions for Evaluate and Backtest (a Service with
// the default Region and account; it schedules nothing until an alarm is
// stored, and none ever is).
var validator = New(Options{})

// validateDefinition validates def as PutMetricAlarm does.
func validateDefinition(def *PutMetricAlarmInput) error {
	return validator.validatePutMetricAlarm(def)
}

// compiled is an alarm definition prepared for repeated evaluation.
type compiled struct {
	def        *PutMetricAlarmInput
	n, m       int
	period     int
	cadence    time.Duration
	rangeLen   int
	threshold  float64
	op         ComparisonOperator
	treat      TreatMissingData // effective (DynamoDB → ignore)
	lowSample  float64          // minimum samples for percentile alarms (0: no rule)
	classic    bool             // DatapointsToAlarm unset: AWS's classic wording
	statistic  string
	returnID   string // math alarms: the id of the returned query
	bandID     string
	isMath     bool
	namespaces []string
}

func compile(def *PutMetricAlarmInput) *compiled {
	c := &compiled{def: def, n: max(def.EvaluationPeriods, 1), op: def.ComparisonOperator}
	c.m = def.DatapointsToAlarm
	c.classic = c.m == 0
	if c.m <= 0 || c.m > c.n {
		c.m = c.n
	}
	c.period = alarmPeriod(def)
	c.cadence = cadence(c.period)
	c.rangeLen = evaluationRangePeriods(c.n, c.period)
	if def.Threshold != nil {
		c.threshold = *def.Threshold
	}
	c.treat = def.TreatMissingData
	if c.treat == "" {
		c.treat = TreatMissing
	}
	c.statistic = string(def.Statistic)
	if def.ExtendedStatistic != "" {
		c.statistic = def.ExtendedStatistic
		if def.EvaluateLowSampleCountPercentile == LowSampleIgnore {
			c.lowSample = minSamples(def.ExtendedStatistic)
		}
	}
	c.isMath = len(def.Metrics) > 0
	c.bandID = def.ThresholdMetricId
	if c.isMath {
		for _, q := range def.Metrics {
			if q.Id != c.bandID && (q.ReturnData == nil || *q.ReturnData) && c.returnID == "" {
				c.returnID = q.Id
			}
			if q.MetricStat != nil {
				c.namespaces = append(c.namespaces, q.MetricStat.Metric.Namespace)
			}
		}
	} else {
		c.namespaces = []string{def.Namespace}
	}
	// AWS: alarms on AWS/DynamoDB metrics always ignore missing data.
	if slices.Contains(c.namespaces, "AWS/DynamoDB") {
		c.treat = TreatIgnore
	}
	return c
}

// minSamples returns the sample count below which a percentile alarm's
// EvaluateLowSampleCountPercentile setting applies: 10/(1-p) for p in
// [0.5, 1), 10/p for p in (0, 0.5). Non-percentile statistics have no rule.
func minSamples(stat string) float64 {
	if len(stat) < 2 || (stat[0] != 'p' && stat[0] != 'P') {
		return 0
	}
	v, err := strconv.ParseFloat(stat[1:], 64)
	if err != nil {
		return 0
	}
	p := v / 100
	// Sample counts are whole numbers: "fewer than 10/(1-p)" is "fewer than
	// the next integer" (the epsilon absorbs 10/(1-0.9) = 100.00000000000003).
	switch {
	case p >= 0.5 && p < 1:
		return math.Ceil(10/(1-p) - 1e-9)
	case p > 0 && p < 0.5:
		return math.Ceil(10/p - 1e-9)
	}
	return 0
}

// slot is one period of the evaluation range.
type slot struct {
	real    bool
	breach  bool
	lowData bool
	band    uint8 // bandLower|bandUpper once both bounds are known
	dp      Datapoint
}

const (
	bandLower = 1 << iota
	bandUpper
)

// scratch holds the reusable buffers of evaluations run one after another.
type scratch struct {
	startSec, startNsec int64 // start of the evaluation range (Unix seconds, nanoseconds)
	periodNs            int64
	slots               []slot
	window              []int // slot indexes evaluated, newest first
}

func (c *compiled) breaches(dp *Datapoint) bool {
	v := dp.Value
	switch c.op {
	case GreaterThanOrEqualToThreshold:
		return v >= c.threshold
	case GreaterThanThreshold:
		return v > c.threshold
	case LessThanThreshold:
		return v < c.threshold
	case LessThanOrEqualToThreshold:
		return v <= c.threshold
	case LessThanLowerOrGreaterThanUpperThreshold:
		return dp.HasBand && (v < dp.Lower || v > dp.Upper)
	case LessThanLowerThreshold:
		return dp.HasBand && v < dp.Lower
	case GreaterThanUpperThreshold:
		return dp.HasBand && v > dp.Upper
	}
	return false
}

// outcome is the decision of an evaluation before any text is produced.
type outcome struct {
	state  StateValue
	keep   bool // the rules keep the previous state
	filled int  // missing periods filled by TreatMissingData
	guard  bool // ALARM by the premature-ALARM rule
}

// begin prepares sc's slots for an evaluation at t and returns the range.
func (c *compiled) begin(sc *scratch, t time.Time) (start, end time.Time) {
	end = t
	if t.Nanosecond() != 0 || t.Unix()%int64(c.cadence/time.Second) != 0 {
		end = t.Truncate(c.cadence) // the scheduler's times are already aligned
	}
	start = end.Add(-time.Duration(c.rangeLen*c.period) * time.Second)
	if cap(sc.slots) < c.rangeLen {
		sc.slots = make([]slot, c.rangeLen)
	}
	sc.slots = sc.slots[:c.rangeLen]
	clear(sc.slots)
	sc.startSec, sc.startNsec = start.Unix(), int64(start.Nanosecond())
	sc.periodNs = int64(c.period) * int64(time.Second)
	return start, end
}

// slotOf returns the slot of a timestamp, or -1 outside the range.
func (c *compiled) slotOf(sc *scratch, ts time.Time) int {
	// In seconds first: UnixNano overflows after 2262.
	ds := ts.Unix() - sc.startSec
	if ds < 0 || ds > 1<<32 {
		return -1
	}
	d := ds*int64(time.Second) + int64(ts.Nanosecond()) - sc.startNsec
	if d < 0 {
		return -1
	}
	k := int(d / sc.periodNs)
	if k >= len(sc.slots) {
		return -1
	}
	return k
}

// evaluate runs one evaluation of datapoints. With text false it skips the
// StateReason and StateReasonData unless the state changes (the scheduler's
// fast path).
func (c *compiled) evaluate(sc *scratch, t time.Time, prev StateValue, dps []Datapoint, text bool) Evaluation {
	start, end := c.begin(sc, t)
	for i := range dps {
		k := c.slotOf(sc, dps[i].Timestamp)
		if k < 0 {
			continue
		}
		s := &sc.slots[k]
		s.real = true
		s.dp = dps[i]
		if dps[i].HasBand {
			s.band = bandLower | bandUpper
		}
	}
	return c.finish(sc, t, prev, start, end, text)
}

// evaluateSeries runs one evaluation of a series given as parallel
// timestamps and values (a GetMetricData result).
func (c *compiled) evaluateSeries(sc *scratch, t time.Time, prev StateValue, ts []time.Time, vs []float64, text bool) Evaluation {
	start, end := c.begin(sc, t)
	for k := range min(len(ts), len(vs)) {
		if j := c.slotOf(sc, ts[k]); j >= 0 {
			sc.slots[j].real = true
			sc.slots[j].dp.Timestamp = ts[k]
			sc.slots[j].dp.Value = vs[k]
		}
	}
	return c.finish(sc, t, prev, start, end, text)
}

// evaluateOutput runs one evaluation straight from a GetMetricData output:
// the alarm's series (m1, or the returned expression of a math alarm), its
// sample counts (sc) and the anomaly band (ThresholdMetricId, two results told
// apart by their labels "...Lower"/"...Upper", or by value).
func (c *compiled) evaluateOutput(sc *scratch, t time.Time, prev StateValue, out *metrics.GetMetricDataOutput, text bool) Evaluation {
	start, end := c.begin(sc, t)
	valueID, countID := "m1", "sc"
	if c.isMath {
		valueID, countID = c.returnID, ""
	}
	var band [2]*metrics.MetricDataResult
	nband := 0
	for i := range out.MetricDataResults {
		r := &out.MetricDataResults[i]
		switch {
		case r.Id == valueID:
			for k, ts := range r.Timestamps {
				if k >= len(r.Values) {
					break
				}
				if j := c.slotOf(sc, ts); j >= 0 {
					sc.slots[j].real = true
					sc.slots[j].dp.Timestamp = ts
					sc.slots[j].dp.Value = r.Values[k]
				}
			}
		case countID != "" && r.Id == countID:
			for k, ts := range r.Timestamps {
				if j := c.slotOf(sc, ts); j >= 0 && k < len(r.Values) {
					sc.slots[j].dp.SampleCount = r.Values[k]
				}
			}
		case c.bandID != "" && r.Id == c.bandID && nband < 2:
			band[nband] = r
			nband++
		}
	}
	if nband == 2 {
		lo, hi := band[0], band[1]
		// The metrics service labels the bounds "<label> Lower" and
		// "<label> Upper" (in that order); a label that merely contains
		// the words (a metric named UpperBound) decides only without them.
		if loS, hiS := suffixFold(lo.Label, "lower") || suffixFold(hi.Label, "upper"), suffixFold(lo.Label, "upper") || suffixFold(hi.Label, "lower"); loS || hiS {
			if hiS && !loS {
				lo, hi = hi, lo
			}
		} else if containsFold(lo.Label, "upper") || containsFold(hi.Label, "lower") {
			lo, hi = hi, lo
		} else if !containsFold(lo.Label, "lower") && len(lo.Values) > 0 && len(hi.Values) > 0 && lo.Values[0] > hi.Values[0] {
			lo, hi = hi, lo
		}
		for k, ts := range lo.Timestamps {
			if j := c.slotOf(sc, ts); j >= 0 && k < len(lo.Values) {
				sc.slots[j].dp.Lower = lo.Values[k]
				sc.slots[j].band |= bandLower
			}
		}
		for k, ts := range hi.Timestamps {
			if j := c.slotOf(sc, ts); j >= 0 && k < len(hi.Values) {
				sc.slots[j].dp.Upper = hi.Values[k]
				sc.slots[j].band |= bandUpper
			}
		}
	}
	return c.finish(sc, t, prev, start, end, text)
}

// finish classifies the filled slots, decides and, when needed, describes.
func (c *compiled) finish(sc *scratch, t time.Time, prev StateValue, start, end time.Time, text bool) Evaluation {
	if prev == "" {
		prev = StateInsufficientData
	}
	for k := range sc.slots {
		s := &sc.slots[k]
		if !s.real {
			continue
		}
		s.dp.HasBand = s.band == bandLower|bandUpper
		s.breach = c.breaches(&s.dp)
		s.lowData = c.lowSample > 0 && s.dp.SampleCount > 0 && s.dp.SampleCount < c.lowSample
	}
	o := c.decide(sc, prev)
	ev := Evaluation{State: o.state, RangeStart: start, RangeEnd: end}
	if o.keep {
		ev.State = prev
	}
	ev.Changed = ev.State != prev
	if text || ev.Changed {
		// Slots get their period-start timestamps only when text is needed.
		pd := time.Duration(sc.periodNs)
		for k := range sc.slots {
			sc.slots[k].dp.Timestamp = start.Add(time.Duration(k) * pd)
		}
		ev.Reason, ev.ReasonData = c.describe(sc, o, prev, t, start)
	}
	return ev
}

// decide applies AWS's evaluation rules to the slots. It fills sc.window with
// the evaluated slots, newest first.
func (c *compiled) decide(sc *scratch, prev StateValue) outcome {
	sc.window = sc.window[:0]
	nReal := 0
	for i := len(sc.slots) - 1; i >= 0; i-- {
		if sc.slots[i].real {
			nReal++
		}
	}
	if nReal >= c.n {
		// Enough real datapoints: evaluate the newest N of them; missing data
		// is not needed and TreatMissingData is not used.
		br := 0
		for i := len(sc.slots) - 1; i >= 0 && len(sc.window) < c.n; i-- {
			if sc.slots[i].real {
				sc.window = append(sc.window, i)
				if sc.slots[i].breach {
					br++
				}
			}
		}
		if c.lowSampleInWindow(sc) {
			return outcome{keep: true}
		}
		if br >= c.m {
			return outcome{state: StateAlarm}
		}
		return outcome{state: StateOK}
	}
	// Fewer than N real datapoints: every real datapoint of the range is
	// evaluated, and as few missing periods as possible (the newest ones) are
	// filled by TreatMissingData to make N.
	filled := c.n - nReal
	for i := len(sc.slots) - 1; i >= 0; i-- {
		if sc.slots[i].real {
			sc.window = append(sc.window, i)
		} else if filled > 0 {
			sc.window = append(sc.window, i)
			filled--
		}
	}
	slices.Sort(sc.window)
	slices.Reverse(sc.window)
	filled = c.n - nReal
	if c.lowSampleInWindow(sc) {
		return outcome{keep: true, filled: filled}
	}
	realBreach, realGood := 0, 0
	oldestBreach := -1 // position from the newest period of the range, 1-based
	for _, i := range sc.window {
		s := &sc.slots[i]
		if !s.real {
			continue
		}
		if s.breach {
			realBreach++
			oldestBreach = len(sc.slots) - i
		} else {
			realGood++
		}
	}
	switch c.treat {
	case TreatBreaching:
		if realBreach+filled >= c.m {
			return outcome{state: StateAlarm, filled: filled}
		}
		return outcome{state: StateOK, filled: filled}
	case TreatNotBreaching:
		if realBreach >= c.m {
			return outcome{state: StateAlarm, filled: filled}
		}
		return outcome{state: StateOK, filled: filled}
	case TreatIgnore:
		if nReal == 0 {
			return outcome{keep: true, filled: filled}
		}
		if realBreach >= c.m {
			return outcome{state: StateAlarm, filled: filled}
		}
		if realGood > 0 {
			return outcome{state: StateOK, filled: filled}
		}
		return outcome{keep: true, filled: filled}
	default: // missing
		if realBreach >= c.m {
			return outcome{state: StateAlarm, filled: filled}
		}
		if realGood > 0 {
			return outcome{state: StateOK, filled: filled}
		}
		// Only breaching (or no) real datapoints, fewer than M. AWS's guard
		// against premature ALARM: go to ALARM only when the oldest breaching
		// datapoint is at least M periods old and nothing newer is good.
		if realBreach > 0 && oldestBreach >= c.m {
			return outcome{state: StateAlarm, filled: filled, guard: true}
		}
		return outcome{state: StateInsufficientData, filled: filled}
	}
}

func (c *compiled) lowSampleInWindow(sc *scratch) bool {
	if c.lowSample == 0 {
		return false
	}
	for _, i := range sc.window {
		if sc.slots[i].real && sc.slots[i].lowData {
			return true
		}
	}
	return false
}

// javaDouble formats v as Java's Double.toString does, which is how AWS prints
// numbers in StateReason and StateReasonData ("90.0", "0.0175", "1.0E7").
func javaDouble(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	if math.IsInf(v, 0) {
		if v > 0 {
			return "Infinity"
		}
		return "-Infinity"
	}
	if v == 0 {
		if math.Signbit(v) {
			return "-0.0"
		}
		return "0.0"
	}
	a := math.Abs(v)
	if a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(v, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(exp, "+-0")
	if exp == "" {
		exp = "0"
	}
	if neg {
		exp = "-" + exp
	}
	return mant + "E" + exp
}

// suffixFold reports whether s ends with the lower-case word sub, in any case.
func suffixFold(s, sub string) bool {
	return len(s) >= len(sub) && containsFold(s[len(s)-len(sub):], sub)
}
