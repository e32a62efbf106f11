package alarms

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/metrics"
)

// Error sentinels of the alarms service (errors.Is matches by code).
var (
	// ErrResourceNotFound: the named alarm does not exist (SetAlarmState,
	// DeleteAlarms; HTTP 404).
	ErrResourceNotFound = awserr.Sentinel("ResourceNotFound")
	// ErrResourceNotFoundException: TagResource or UntagResource named an
	// ARN with no alarm (HTTP 404).
	ErrResourceNotFoundException = awserr.Sentinel("ResourceNotFoundException")
	// ErrValidation: a request field breaks a length, range or enum constraint
	// of the API model (AWS's ValidationError).
	ErrValidation = awserr.Sentinel("ValidationError")
	// ErrInvalidParameterValue, ErrInvalidParameterCombination,
	// ErrMissingParameter, ErrInvalidNextToken, ErrInvalidFormat and
	// ErrLimitExceeded are CloudWatch's common errors.
	ErrInvalidParameterValue       = awserr.ErrInvalidParameterValue
	ErrInvalidParameterCombination = awserr.ErrInvalidParameterCombination
	ErrMissingParameter            = awserr.ErrMissingParameter
	ErrInvalidNextToken            = awserr.ErrInvalidNextToken
	ErrInvalidFormat               = awserr.ErrInvalidFormat
	ErrLimitExceeded               = awserr.ErrLimitExceeded
)

// Limits of the alarm APIs.
const (
	MaxAlarmNameLength        = 255
	MaxAlarmDescriptionLength = 1024
	MaxActionsPerState        = 5
	MaxActionLength           = 1024
	MaxDimensions             = 30
	MaxMathAlarmMetrics       = 10
	MaxTags                   = 50
	MaxNamesPerCall           = 100
	MaxStateReasonLength      = 1023
	MaxStateReasonDataLength  = 4000
	MaxEvaluationSeconds      = 86400  // Period × EvaluationPeriods for periods under an hour
	MaxEvaluationSecondsLong  = 604800 // for periods of an hour or more
)

func validation(field string, value any, constraint string) error {
	return awserr.New("ValidationError", "1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

// validateAlarmName applies AWS's alarm-name rule: 1–255 characters of
// UTF-8 without ASCII control characters (PutMetricAlarm API Reference).
func validateAlarmName(field, name string) error {
	if name == "" {
		return awserr.Missing(field)
	}
	if len(name) > MaxAlarmNameLength {
		return validation(field, name, "Member must have length less than or equal to 255")
	}
	if !utf8.ValidString(name) {
		return awserr.InvalidValue(field, strconv.Quote(name), "alarm names must be valid UTF-8")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return awserr.InvalidValue(field, strconv.Quote(name), "alarm names must not contain ASCII control characters")
		}
	}
	return nil
}

// validateText checks a free-text field (a description, a state reason, a
// tag): at most max bytes, valid UTF-8 and no NUL, which AWS's wire formats
// cannot carry. Tabs and line breaks are allowed.
func validateText(field, s string, max int) error {
	if len(s) > max {
		return validation(field, "...", "Member must have length less than or equal to "+strconv.Itoa(max))
	}
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		return awserr.InvalidValue(field, strconv.Quote(s), "the value must be valid UTF-8 without NUL characters")
	}
	return nil
}

// validateToken checks an identifier-like field (an action ARN, a tag key, an
// alarm reference): valid UTF-8 without ASCII control characters.
func validateToken(field, s string) error {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return awserr.InvalidValue(field, strconv.Quote(s), "the value must be valid UTF-8 without control characters")
	}
	return nil
}

// validateThreshold refuses NaN and ±Inf: AWS's wire formats have no such
// double, and an alarm holding one could never be compared or marshalled.
func validateThreshold(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return awserr.InvalidValue(field, v, "the threshold must be a finite number")
	}
	return nil
}

var (
	percentileRe = regexp.MustCompile(`^p(\d{1,2}(\.\d{0,10})?|100(\.0{0,10})?)$`)
	shortStatRe  = regexp.MustCompile(`^(tm|wm|tc|ts)(\d{1,2}(\.\d{0,10})?|100)$`)
	rangeStatRe  = regexp.MustCompile(`^(TM|WM|TC|TS|PR)\(((\d+(\.\d+)?%?)?:(\d+(\.\d+)?%?)?)\)$`)
	queryIDRe    = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)
)

// validExtendedStatistic reports whether s is a CloudWatch extended statistic
// (p99, p99.9, tm90, TM(10%:90%), PR(:300), IQM, ...).
func validExtendedStatistic(s string) bool {
	if s == "IQM" {
		return true
	}
	if percentileRe.MatchString(s) || shortStatRe.MatchString(s) {
		return true
	}
	m := rangeStatRe.FindStringSubmatch(s)
	return m != nil && m[2] != ":"
}

var validUnits = map[metrics.StandardUnit]bool{}

func init() {
	for _, u := range []metrics.StandardUnit{metrics.UnitSeconds, metrics.UnitMicroseconds, metrics.UnitMilliseconds, metrics.UnitBytes, metrics.UnitKilobytes, metrics.UnitMegabytes, metrics.UnitGigabytes, metrics.UnitTerabytes, metrics.UnitBits, metrics.UnitKilobits, metrics.UnitMegabits, metrics.UnitGigabits, metrics.UnitTerabits, metrics.UnitPercent, metrics.UnitCount, metrics.UnitBytesSecond, metrics.UnitKilobytesSecond, metrics.UnitMegabytesSecond, metrics.UnitGigabytesSecond, metrics.UnitTerabytesSecond, metrics.UnitBitsSecond, metrics.UnitKilobitsSecond, metrics.UnitMegabitsSecond, metrics.UnitGigabitsSecond, metrics.UnitTerabitsSecond, metrics.UnitCountSecond, metrics.UnitNone} {
		validUnits[u] = true
	}
}

func validPeriod(p int) bool { return p == 10 || p == 20 || p == 30 || p >= 60 && p%60 == 0 }

func validateDimensions(field string, dims []metrics.Dimension) error {
	if len(dims) > MaxDimensions {
		return validation(field, len(dims), "Member must have length less than or equal to 30")
	}
	seen := map[string]bool{}
	for i, d := range dims {
		f := field + ".member." + strconv.Itoa(i+1)
		if d.Name == "" || len(d.Name) > 255 {
			return validation(f+".name", d.Name, "Member must have length between 1 and 255")
		}
		if d.Value == "" || len(d.Value) > 1024 {
			return validation(f+".value", d.Value, "Member must have length between 1 and 1024")
		}
		if seen[d.Name] {
			return awserr.InvalidValue(field, d.Name, "the dimension name appears more than once")
		}
		seen[d.Name] = true
	}
	return nil
}

// actionKind classifies an alarm action ARN; it returns "" for an ARN that is
// not a valid alarm action.
func (s *Service) actionKind(action string) (ActionKind, string, error) {
	if len(action) > MaxActionLength {
		return "", "", validation("actions", action, "Member must have length less than or equal to 1024")
	}
	if err := validateToken("actions", action); err != nil {
		return "", "", err
	}
	a, err := arn.Parse(action)
	if err != nil {
		return "", "", awserr.InvalidValue("actions", action, "it is not a valid ARN")
	}
	switch a.Service {
	case "sns":
		if a.Region == "" || a.AccountID == "" || strings.Contains(a.Resource, ":") {
			return "", "", awserr.InvalidValue("actions", action, "an SNS action must be a topic ARN arn:aws:sns:region:account:topic")
		}
		return ActionSNS, "", nil
	case "autoscaling":
		if !strings.HasPrefix(a.Resource, "scalingPolicy:") {
			return "", "", awserr.InvalidValue("actions", action, "an Auto Scaling action must be a scaling policy ARN")
		}
		return ActionAutoScaling, "", nil
	case "automate":
		// arn:aws:automate:region:ec2:op parses with "ec2" in the account field.
		op, ok := a.Resource, a.AccountID == "ec2"
		if !ok || (op != "stop" && op != "terminate" && op != "reboot" && op != "recover") {
			return "", "", awserr.InvalidValue("actions", action, "an EC2 action must be arn:aws:automate:region:ec2:stop|terminate|reboot|recover")
		}
		if a.Region != s.op.Region {
			return "", "", awserr.InvalidValue("actions", action, "Invalid region "+a.Region+" specified. Only "+s.op.Region+" is supported.")
		}
		return ActionEC2, op, nil
	case "swf":
		// The older form of EC2 actions:
		// arn:aws:swf:region:account:action/actions/AWS_EC2.InstanceId.Stop/1.0
		for _, op := range []string{"Stop", "Terminate", "Reboot"} {
			if strings.Contains(a.Resource, "AWS_EC2.InstanceId."+op+"/") {
				return ActionEC2, strings.ToLower(op), nil
			}
		}
		return "", "", awserr.InvalidValue("actions", action, "an SWF action must be an EC2 instance action")
	case "lambda":
		if !strings.HasPrefix(a.Resource, "function:") {
			return "", "", awserr.InvalidValue("actions", action, "a Lambda action must be a function ARN")
		}
		return ActionLambda, "", nil
	case "ssm", "ssm-incidents":
		return ActionSSM, "", nil
	}
	return "", "", awserr.InvalidValue("actions", action, "the service "+a.Service+" cannot be an alarm action")
}

func (s *Service) validateActions(ec2OK, autoScalingOK bool, lists ...[]string) error {
	names := []string{"OKActions", "AlarmActions", "InsufficientDataActions"}
	for i, list := range lists {
		if len(list) > MaxActionsPerState {
			return validation(names[i], len(list), "Member must have length less than or equal to 5")
		}
		for _, a := range list {
			kind, _, err := s.actionKind(a)
			if err != nil {
				return err
			}
			if kind == ActionEC2 && !ec2OK {
				return awserr.Combination("EC2 actions are not supported for this alarm: %s", a)
			}
			if kind == ActionAutoScaling && !autoScalingOK {
				return awserr.Combination("Auto Scaling actions are not supported for this alarm: %s", a)
			}
		}
	}
	return nil
}

func validateTags(tags []Tag) error {
	if len(tags) > MaxTags {
		return validation("tags", len(tags), "Member must have length less than or equal to 50")
	}
	for i, t := range tags {
		if t.Key == "" || len(t.Key) > 128 {
			return validation("tags.member."+strconv.Itoa(i+1)+".key", t.Key, "Member must have length between 1 and 128")
		}
		if len(t.Value) > 256 {
			return validation("tags.member."+strconv.Itoa(i+1)+".value", t.Value, "Member must have length less than or equal to 256")
		}
		if err := validateToken("Tags.member."+strconv.Itoa(i+1)+".Key", t.Key); err != nil {
			return err
		}
		if err := validateText("Tags.member."+strconv.Itoa(i+1)+".Value", t.Value, 256); err != nil {
			return err
		}
	}
	return nil
}

// validatePutMetricAlarm checks every rule of PutMetricAlarm.
func (s *Service) validatePutMetricAlarm(in *PutMetricAlarmInput) error {
	if err := validateAlarmName("AlarmName", in.AlarmName); err != nil {
		return err
	}
	if err := validateText("alarmDescription", in.AlarmDescription, MaxAlarmDescriptionLength); err != nil {
		return err
	}
	if in.EvaluationPeriods < 1 {
		if in.EvaluationPeriods == 0 {
			return awserr.Missing("EvaluationPeriods")
		}
		return validation("evaluationPeriods", in.EvaluationPeriods, "Member must have value greater than or equal to 1")
	}
	if in.DatapointsToAlarm < 0 {
		return validation("datapointsToAlarm", in.DatapointsToAlarm, "Member must have value greater than or equal to 1")
	}
	if in.DatapointsToAlarm > in.EvaluationPeriods {
		// AWS's text, as the CLI prints it: "ValidationError: DatapointsToAlarm
		// must be less than or equal to EvaluationPeriods".
		return awserr.New("ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods")
	}
	if in.ComparisonOperator == "" {
		return awserr.Missing("ComparisonOperator")
	}
	switch in.ComparisonOperator {
	case GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold,
		LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold:
	default:
		return validation("comparisonOperator", in.ComparisonOperator, "Member must satisfy enum value set: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold, LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, GreaterThanUpperThreshold]")
	}
	// The texts of these two (and of Period and ExtendedStatistic below) are
	// CloudWatch's as LocalStack's provider reproduces them.
	switch in.TreatMissingData {
	case "", TreatMissing, TreatBreaching, TreatNotBreaching, TreatIgnore:
	default:
		return awserr.New("ValidationError", "The value %s is not supported for TreatMissingData parameter. Supported values are [breaching, notBreaching, ignore, missing].", in.TreatMissingData)
	}
	switch in.EvaluateLowSampleCountPercentile {
	case "", LowSampleEvaluate, LowSampleIgnore:
	default:
		return awserr.New("ValidationError", "Option %s is not supported. Supported options for parameter EvaluateLowSampleCountPercentile are evaluate and ignore.", in.EvaluateLowSampleCountPercentile)
	}
	if in.Unit != "" && !validUnits[in.Unit] {
		return validation("unit", in.Unit, "Member must satisfy enum value set of StandardUnit")
	}
	anomaly := in.ComparisonOperator.IsAnomalyOperator()
	if anomaly && in.ThresholdMetricId == "" {
		return awserr.Combination("ThresholdMetricId is required for the comparison operator %s.", in.ComparisonOperator)
	}
	if !anomaly && in.ThresholdMetricId != "" {
		return awserr.Combination("ThresholdMetricId can only be used with LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold or GreaterThanUpperThreshold.")
	}
	if in.ThresholdMetricId != "" && in.Threshold != nil {
		return awserr.Combination("Threshold and ThresholdMetricId cannot both be specified.")
	}
	if in.ThresholdMetricId == "" && in.Threshold == nil {
		return awserr.Missing("Threshold")
	}
	if in.Threshold != nil {
		if err := validateThreshold("Threshold", *in.Threshold); err != nil {
			return err
		}
	}

	period := in.Period
	if len(in.Metrics) > 0 {
		if in.MetricName != "" || in.Namespace != "" || in.Statistic != "" || in.ExtendedStatistic != "" || len(in.Dimensions) > 0 || in.Period != 0 || in.Unit != "" {
			return awserr.Combination("Metrics cannot be combined with MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period or Unit.")
		}
		var err error
		if period, err = validateMathMetrics(in); err != nil {
			return err
		}
	} else {
		if in.MetricName == "" {
			return awserr.Missing("MetricName")
		}
		if len(in.MetricName) > 255 {
			return validation("metricName", in.MetricName, "Member must have length less than or equal to 255")
		}
		if in.Namespace == "" {
			return awserr.Missing("Namespace")
		}
		if len(in.Namespace) > 255 {
			return validation("namespace", in.Namespace, "Member must have length less than or equal to 255")
		}
		if in.Statistic != "" && in.ExtendedStatistic != "" {
			return awserr.Combination("Statistic and ExtendedStatistic cannot both be specified.")
		}
		if in.Statistic == "" && in.ExtendedStatistic == "" {
			return awserr.Combination("Either Statistic or ExtendedStatistic must be specified.")
		}
		switch in.Statistic {
		case "", metrics.StatSampleCount, metrics.StatAverage, metrics.StatSum, metrics.StatMinimum, metrics.StatMaximum:
		default:
			return validation("statistic", in.Statistic, "Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]")
		}
		if in.ExtendedStatistic != "" && !validExtendedStatistic(in.ExtendedStatistic) {
			return awserr.New("InvalidParameterValue", "The value %s for parameter ExtendedStatistic is not supported.", in.ExtendedStatistic)
		}
		if err := validateDimensions("dimensions", in.Dimensions); err != nil {
			return err
		}
		if err := metrics.ValidateMetric("", metrics.Metric{Namespace: in.Namespace, MetricName: in.MetricName, Dimensions: in.Dimensions}); err != nil {
			return err
		}
		if in.Period == 0 {
			return awserr.Missing("Period")
		}
		if in.ThresholdMetricId != "" {
			return awserr.Combination("ThresholdMetricId requires Metrics.")
		}
	}
	if period < 1 {
		return validation("period", period, "Member must have value greater than or equal to 1")
	}
	if !validPeriod(period) {
		// LocalStack's wording predates Period 20; the list is the API
		// reference's.
		return awserr.New("ValidationError", "Period must be 10, 20, 30 or a multiple of 60")
	}
	// PutMetricAlarm API Reference: "Period multiplied by EvaluationPeriods
	// can't be more than 604,800 seconds. For alarms with a period of less
	// than one hour (3,600 seconds), the total evaluation period can't be
	// longer than one day (86,400 seconds)." Compared by division, so a huge
	// EvaluationPeriods cannot overflow the product.
	if err := checkEvaluationSpan(period, in.EvaluationPeriods); err != nil {
		return err
	}
	if err := s.validateActions(len(in.Metrics) == 0, true, in.OKActions, in.AlarmActions, in.InsufficientDataActions); err != nil {
		return err
	}
	return validateTags(in.Tags)
}

// validateMathMetrics checks a metric-math alarm's Metrics and returns its period.
func validateMathMetrics(in *PutMetricAlarmInput) (int, error) {
	ids := map[string]bool{}
	returned, stats, period := 0, 0, 0
	bandFound := false
	for i, q := range in.Metrics {
		f := "Metrics.member." + strconv.Itoa(i+1)
		if q.Id == "" {
			return 0, awserr.Missing(f + ".Id")
		}
		if len(q.Id) > 255 || !queryIDRe.MatchString(q.Id) {
			return 0, awserr.InvalidValue(f+".Id", q.Id, "the Id must start with a lowercase letter and contain only letters, numbers and underscores")
		}
		if ids[q.Id] {
			return 0, awserr.InvalidValue(f+".Id", q.Id, "the Id is used by more than one query")
		}
		ids[q.Id] = true
		if (q.MetricStat == nil) == (q.Expression == "") {
			return 0, awserr.Combination("Exactly one of MetricStat and Expression must be specified for %s (Id %s).", f, q.Id)
		}
		if len(q.Expression) > 2048 {
			return 0, validation(f+".expression", q.Expression, "Member must have length less than or equal to 2048")
		}
		if q.MetricStat != nil {
			stats++
			ms := q.MetricStat
			if ms.Metric.MetricName == "" || ms.Metric.Namespace == "" {
				return 0, awserr.Missing(f + ".MetricStat.Metric.MetricName and Namespace")
			}
			if err := validateDimensions(f+".metricStat.metric.dimensions", ms.Metric.Dimensions); err != nil {
				return 0, err
			}
			if err := metrics.ValidateMetric(f+".MetricStat.Metric.", ms.Metric); err != nil {
				return 0, err
			}
			if ms.Stat == "" {
				return 0, awserr.Missing(f + ".MetricStat.Stat")
			}
			switch metrics.Statistic(ms.Stat) {
			case metrics.StatSampleCount, metrics.StatAverage, metrics.StatSum, metrics.StatMinimum, metrics.StatMaximum:
			default:
				if !validExtendedStatistic(ms.Stat) {
					return 0, awserr.InvalidValue(f+".MetricStat.Stat", ms.Stat, "it is not a valid statistic")
				}
			}
			if ms.Unit != "" && !validUnits[ms.Unit] {
				return 0, validation(f+".metricStat.unit", ms.Unit, "Member must satisfy enum value set of StandardUnit")
			}
			if ms.Period == 0 {
				return 0, awserr.Missing(f + ".MetricStat.Period")
			}
			if period != 0 && ms.Period != period {
				return 0, awserr.InvalidValue(f+".MetricStat.Period", ms.Period, "all metrics of a metric math alarm must use the same period")
			}
			period = ms.Period
		} else if q.Period != nil && period == 0 {
			period = int(*q.Period)
		}
		if q.Id == in.ThresholdMetricId {
			bandFound = true
			if !isBandExpression(q.Expression) {
				return 0, awserr.InvalidValue("ThresholdMetricId", in.ThresholdMetricId, "it must refer to an ANOMALY_DETECTION_BAND expression")
			}
			continue
		}
		if q.ReturnData == nil || *q.ReturnData {
			returned++
		}
	}
	if stats > MaxMathAlarmMetrics {
		return 0, awserr.InvalidValue("Metrics", stats, "a metric math alarm can use at most 10 metrics")
	}
	if returned != 1 {
		return 0, awserr.InvalidValue("Metrics", returned, "exactly one element of the Metrics array must have ReturnData set to true")
	}
	if in.ThresholdMetricId != "" && !bandFound {
		return 0, awserr.InvalidValue("ThresholdMetricId", in.ThresholdMetricId, "no query in Metrics has that Id")
	}
	if period == 0 {
		return 0, awserr.Missing("Metrics.member.N.MetricStat.Period")
	}
	return period, nil
}

// isBandExpression reports whether expr is an ANOMALY_DETECTION_BAND call.
func isBandExpression(expr string) bool {
	const fn = "ANOMALY_DETECTION_BAND"
	e := strings.TrimSpace(expr)
	return len(e) > len(fn) && strings.EqualFold(e[:len(fn)], fn) && strings.HasPrefix(strings.TrimSpace(e[len(fn):]), "(")
}

func validJSON(s string) bool { return json.Valid([]byte(s)) }

// checkEvaluationSpan applies the limit on Period × EvaluationPeriods without
// computing the product (which overflows for huge EvaluationPeriods). The
// code and text are AWS's as Eucalyptus's API-compatible CloudWatch reproduces
// them: InvalidParameterCombination, "Metrics cannot be checked across more
// than a day (EvaluationPeriods * Period must be <= 86400)."; the week limit
// (added later for periods of an hour or more) is worded the same way.
func checkEvaluationSpan(period, evaluationPeriods int) error {
	if period <= 0 || evaluationPeriods <= 0 {
		return nil // reported by the field checks
	}
	if period < 3600 && evaluationPeriods > MaxEvaluationSeconds/period {
		return awserr.Combination("Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400).")
	}
	if evaluationPeriods > MaxEvaluationSecondsLong/period {
		return awserr.Combination("Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be <= 604800).")
	}
	return nil
}
