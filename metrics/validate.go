package metrics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/localwatch/localwatch/internal/awserr"
)

// Limits of PutMetricData and metric identity (CloudWatch API Reference).
const (
	// MaxDatumsPerCall is the number of MetricDatum entries one PutMetricData
	// call may carry (raised from 20 to 1,000 by AWS in 2022).
	MaxDatumsPerCall = 1000
	// MaxValuesPerDatum is the length limit of MetricDatum.Values and Counts.
	MaxValuesPerDatum = 150
	// MaxDimensions is the number of dimensions a metric may have.
	MaxDimensions = 30
	// MaxRequestBytes is the PutMetricData request size limit (1 MB, HTTP POST),
	// checked against [EstimateRequestSize].
	MaxRequestBytes = 1 << 20
	// MinMagnitude and MaxMagnitude bound the absolute value of a datapoint
	// (2^-360 and 2^360 in AWS's words; 0 is also allowed).
	MinMagnitude = 8.515920e-109
	MaxMagnitude = 1.174271e+108

	maxNameLen     = 255
	maxDimValueLen = 1024
	pastWindow     = 14 * 24 * time.Hour
	futureWindow   = 2 * time.Hour
)

// ErrRequestEntityTooLarge is returned (HTTP 413) when a PutMetricData request
// exceeds [MaxRequestBytes].
var ErrRequestEntityTooLarge = awserr.Sentinel("RequestEntityTooLarge")

func validUnit(u StandardUnit) bool {
	switch u {
	case "", UnitSeconds, UnitMicroseconds, UnitMilliseconds, UnitBytes, UnitKilobytes,
		UnitMegabytes, UnitGigabytes, UnitTerabytes, UnitBits, UnitKilobits, UnitMegabits,
		UnitGigabits, UnitTerabits, UnitPercent, UnitCount, UnitBytesSecond,
		UnitKilobytesSecond, UnitMegabytesSecond, UnitGigabytesSecond, UnitTerabytesSecond,
		UnitBitsSecond, UnitKilobitsSecond, UnitMegabitsSecond, UnitGigabitsSecond,
		UnitTerabitsSecond, UnitCountSecond, UnitNone:
		return true
	}
	return false
}

// unitOf maps the empty unit to None: CloudWatch stores data published without
// a unit under None.
func unitOf(u StandardUnit) StandardUnit {
	if u == "" {
		return UnitNone
	}
	return u
}

// validateNamespace applies the namespace rules of the API Reference: 1–255
// ASCII characters without control characters, not starting with a colon.
// User calls may not use the AWS/ prefix, which is reserved for AWS services.
func validateNamespace(field, ns string, internal bool) error {
	if ns == "" {
		return awserr.Missing(field)
	}
	if len(ns) > maxNameLen {
		return awserr.InvalidValue(field, quote(ns), "must be at most 255 characters")
	}
	if ns[0] == ':' {
		return awserr.InvalidValue(field, quote(ns), "must not start with a colon")
	}
	if !ascii(ns) {
		return awserr.InvalidValue(field, quote(ns), "must contain only ASCII characters, without control characters")
	}
	if !internal && len(ns) >= 4 && ns[:4] == "AWS/" {
		return awserr.InvalidValue(field, quote(ns), "the AWS/ namespace prefix is reserved for AWS services")
	}
	return nil
}

// validateMetricName: 1–255 characters (the API model's constraint), and,
// like namespaces and dimensions, no ASCII control characters; the name must
// be valid UTF-8. AWS documents no character rule for metric names, but its
// Query and XML wire formats cannot carry control characters or invalid
// UTF-8, so no AWS metric has them; a name holding the catalogue key's
// separators (0x00, 0x01) once made another metric vanish.
func validateMetricName(field, name string) error {
	if name == "" {
		return awserr.Missing(field)
	}
	if len(name) > maxNameLen {
		return awserr.InvalidValue(field, quote(name), "must be at most 255 characters")
	}
	if !printable(name) {
		return awserr.InvalidValue(field, strconv.Quote(name), "must be valid UTF-8 without control characters")
	}
	return nil
}

// printable reports whether s is valid UTF-8 without ASCII control
// characters.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			return utf8.ValidString(s[i:]) && !strings.ContainsFunc(s[i:], unicode.IsControl)
		}
	}
	return true
}

// validateDimensions: at most 30; names 1–255 and values 1–1024 ASCII
// characters with at least one non-whitespace character; names must not start
// with a colon; a name may appear once.
func validateDimensions(ref fieldRef, dims []Dimension) error {
	if len(dims) > MaxDimensions {
		field := ref.String()
		return awserr.InvalidValue(field, len(dims), "a metric can have at most 30 dimensions")
	}
	for i := range dims {
		d := &dims[i]
		if d.Name != "" && d.Value != "" && len(d.Name) <= maxNameLen && len(d.Value) <= maxDimValueLen &&
			d.Name[0] != ':' && ascii(d.Name) && ascii(d.Value) && !blank(d.Name) && !blank(d.Value) && !dupName(dims[:i], d.Name) {
			continue
		}
		field := ref.String()
		if d.Name == "" {
			return awserr.Missing(fmt.Sprintf("%s.member.%d.Name", field, i+1))
		}
		if d.Value == "" {
			return awserr.Missing(fmt.Sprintf("%s.member.%d.Value", field, i+1))
		}
		if len(d.Name) > maxNameLen || !ascii(d.Name) || blank(d.Name) || d.Name[0] == ':' {
			return awserr.InvalidValue(fmt.Sprintf("%s.member.%d.Name", field, i+1), quote(d.Name),
				"must be 1-255 ASCII characters without control characters, not all whitespace, not starting with a colon")
		}
		if len(d.Value) > maxDimValueLen || !ascii(d.Value) || blank(d.Value) {
			return awserr.InvalidValue(fmt.Sprintf("%s.member.%d.Value", field, i+1), quote(d.Value),
				"must be 1-1024 ASCII characters without control characters, not all whitespace")
		}
		return awserr.InvalidValue(field, quote(d.Name), "dimension names must be unique")
	}
	return nil
}

func dupName(dims []Dimension, name string) bool {
	for j := range dims {
		if dims[j].Name == name {
			return true
		}
	}
	return false
}

// fieldRef names a request field lazily ("MetricData.member.%d.Dimensions"
// with index i), so validation formats names only when it fails.
type fieldRef struct {
	f string
	i int
}

func (r fieldRef) String() string {
	if r.i < 0 {
		return r.f
	}
	return fmt.Sprintf(r.f, r.i+1)
}

// ascii reports whether s is printable ASCII or whitespace: CloudWatch
// dimensions take ASCII characters but no ASCII control characters (tab and
// other whitespace controls included, as AWS words it).
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || c < 0x20 {
			return false
		}
	}
	return true
}

func blank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}

func quote(s string) string { return "'" + s + "'" }

// validValue reports whether v is a value CloudWatch accepts: finite and 0 or
// of magnitude within [MinMagnitude, MaxMagnitude].
func validValue(v float64) bool {
	if v == 0 {
		return true
	}
	a := math.Abs(v)
	return a >= MinMagnitude && a <= MaxMagnitude // false for NaN and ±Inf too
}

func member(i int, f string) string { return fmt.Sprintf("MetricData.member.%d.%s", i+1, f) }

// validateDatum checks one MetricDatum. now is the receive time (Unix
// seconds). It does not allocate unless it fails.
func validateDatum(i int, d *MetricDatum, now int64, lastUnit *StandardUnit) error {
	if d.MetricName == "" || len(d.MetricName) > maxNameLen || !printable(d.MetricName) {
		return validateMetricName(member(i, "MetricName"), d.MetricName)
	}
	if len(d.Dimensions) > MaxDimensions {
		return validateDimensions(fieldRef{"MetricData.member.%d.Dimensions", i}, d.Dimensions)
	}
	if d.Value == nil && d.StatisticValues == nil && len(d.Values) == 0 {
		if len(d.Counts) > 0 {
			return awserr.Combination("The parameter %s requires %s.", member(i, "Counts"), member(i, "Values"))
		}
		return awserr.Combination("Exactly one of the parameters %s, %s or %s must be specified.",
			member(i, "Value"), member(i, "StatisticValues"), member(i, "Values"))
	}
	// AWS's texts, as recorded from CloudWatch (LocalStack's AWS-validated
	// snapshots). Values with StatisticValues is accepted: see put.
	if d.Value != nil && len(d.Values) > 0 {
		return awserr.Combination("The parameters %s and %s are mutually exclusive and you have specified both.", member(i, "Value"), member(i, "Values"))
	}
	if d.Value != nil && d.StatisticValues != nil {
		return awserr.Combination("The parameters %s and %s are mutually exclusive and you have specified both.", member(i, "Value"), member(i, "StatisticValues"))
	}
	if d.StatisticValues != nil && len(d.Values) > 0 {
		if err := validateStatisticSet(i, d.StatisticValues); err != nil {
			return err
		}
	}
	switch {
	case d.Value != nil:
		if len(d.Counts) > 0 {
			return awserr.Combination("The parameter %s requires %s.", member(i, "Counts"), member(i, "Values"))
		}
		if !validValue(*d.Value) {
			return awserr.InvalidValue(member(i, "Value"), *d.Value, "values must be finite and between -2^360 and 2^360 (magnitude at least 2^-360 unless zero)")
		}
	case d.StatisticValues != nil && len(d.Values) == 0:
		if len(d.Counts) > 0 {
			return awserr.Combination("The parameter %s requires %s.", member(i, "Counts"), member(i, "Values"))
		}
		if err := validateStatisticSet(i, d.StatisticValues); err != nil {
			return err
		}
	default:
		if len(d.Values) > MaxValuesPerDatum {
			return awserr.InvalidValue(member(i, "Values"), len(d.Values), "the collection must not have more than 150 members")
		}
		if len(d.Counts) > 0 && len(d.Counts) != len(d.Values) {
			return awserr.New("InvalidParameterValue", "The parameters %s and %s must be of the same size.", member(i, "Values"), member(i, "Counts"))
		}
		for j, v := range d.Values {
			if !validValue(v) {
				return awserr.InvalidValue(fmt.Sprintf("%s.member.%d", member(i, "Values"), j+1), v, "values must be finite and between -2^360 and 2^360 (magnitude at least 2^-360 unless zero)")
			}
		}
		for j, c := range d.Counts {
			if !validValue(c) || c < 0 {
				return awserr.InvalidValue(fmt.Sprintf("%s.member.%d", member(i, "Counts"), j+1), c, "counts must be finite and not negative")
			}
		}
	}
	if d.Unit != *lastUnit {
		if !validUnit(d.Unit) {
			return awserr.InvalidValue(member(i, "Unit"), quote(string(d.Unit)), "not a CloudWatch standard unit")
		}
		*lastUnit = d.Unit
	}
	if d.StorageResolution != 0 && d.StorageResolution != 1 && d.StorageResolution != 60 {
		return awserr.InvalidValue(member(i, "StorageResolution"), d.StorageResolution, "must be 1 or 60")
	}
	if !d.Timestamp.IsZero() {
		ts := d.Timestamp.Unix()
		if ts < now-int64(pastWindow/time.Second) {
			return awserr.InvalidValue(member(i, "Timestamp"), d.Timestamp.UTC().Format(time.RFC3339), "must specify a time no more than two weeks in the past")
		}
		if ts > now+int64(futureWindow/time.Second) {
			return awserr.InvalidValue(member(i, "Timestamp"), d.Timestamp.UTC().Format(time.RFC3339), "must specify a time no more than two hours in the future")
		}
	}
	return nil
}

// validateStatisticSet checks MetricData.member.(i+1).StatisticValues.
func validateStatisticSet(i int, sv *StatisticSet) error {
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"SampleCount", sv.SampleCount}, {"Sum", sv.Sum}, {"Minimum", sv.Minimum}, {"Maximum", sv.Maximum}} {
		if !validValue(f.v) {
			return awserr.InvalidValue(member(i, "StatisticValues."+f.name), f.v, "values must be finite and between -2^360 and 2^360 (magnitude at least 2^-360 unless zero)")
		}
	}
	if sv.SampleCount <= 0 {
		return awserr.InvalidValue(member(i, "StatisticValues.SampleCount"), sv.SampleCount, "must be greater than zero")
	}
	if sv.Minimum > sv.Maximum {
		return awserr.InvalidValue(member(i, "StatisticValues.Minimum"), sv.Minimum, "must not be greater than StatisticValues.Maximum")
	}
	return nil
}

// Sizes used by EstimateRequestSize.
const (
	numberBytes    = 24 // the longest shortest-form float64 ("-1.2345678901234567e-308")
	timestampBytes = 20 // "2006-01-02T15:04:05Z"
)

// EstimateRequestSize returns the size in bytes that CloudWatch counts against
// the 1 MB PutMetricData limit, estimated deterministically as the length of
// the request in the AWS Query protocol (the form-encoded body the AWS CLI and
// SDKs send): "Action=PutMetricData&Version=2010-08-01&Namespace=…" and one
// "&MetricData.member.N.Field=value" pair per field set, with strings counted
// by their byte length (no percent-encoding expansion), every number counted as
// 24 bytes (the longest shortest-form float64) and every timestamp as 20 bytes.
// It does not allocate.
func EstimateRequestSize(in *PutMetricDataInput) int {
	n := requestBaseSize(in)
	for i := range in.MetricData {
		n += datumSize(i, &in.MetricData[i])
	}
	return n
}

func requestBaseSize(in *PutMetricDataInput) int {
	return len("Action=PutMetricData&Version=2010-08-01&Namespace=") + len(in.Namespace)
}

// datumSize is the estimated Query-protocol size of MetricData.member.(i+1).
func datumSize(i int, d *MetricDatum) int {
	return datumSizeWith(i, d, identitySize(d.MetricName, d.Dimensions))
}

// identitySize is the part of a datum's size that its identity contributes
// besides the per-field member prefixes: "MetricName=name" and, for each
// dimension j, "Dimensions.member.J.Name=…" and "Dimensions.member.J.Value=…".
// A series keeps its own (series.idSize).
func identitySize(name string, dims []Dimension) int {
	n := len("MetricName=") + len(name)
	for j := range dims {
		n += 2*(len("Dimensions.member..")+digits(j+1)) + len("Name=") + len("Value=") + len(dims[j].Name) + len(dims[j].Value)
	}
	return n
}

// datumSizeWith is datumSize given the datum's identitySize.
func datumSizeWith(i int, d *MetricDatum, idSize int) int {
	// "&MetricData.member.N." prefix for each field.
	p := len("&MetricData.member..") + digits(i+1)
	n := p*(1+2*len(d.Dimensions)) + idSize
	if !d.Timestamp.IsZero() {
		n += p + len("Timestamp=") + timestampBytes
	}
	if d.Value != nil {
		n += p + len("Value=") + numberBytes
	}
	if d.StatisticValues != nil {
		n += 4*p + len("StatisticValues.SampleCount=StatisticValues.Sum=StatisticValues.Minimum=StatisticValues.Maximum=") + 4*numberBytes
	}
	for j := range d.Values {
		n += p + len("Values.member.=") + digits(j+1) + numberBytes
	}
	for j := range d.Counts {
		n += p + len("Counts.member.=") + digits(j+1) + numberBytes
	}
	if d.Unit != "" {
		n += p + len("Unit=") + len(d.Unit)
	}
	if d.StorageResolution != 0 {
		n += p + len("StorageResolution=") + digits(d.StorageResolution)
	}
	return n
}

func digits(v int) int {
	switch {
	case v < 10:
		return 1
	case v < 100:
		return 2
	case v < 1000:
		return 3
	}
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

// ValidateMetric checks a metric's identity — namespace, name and
// dimensions — by the rules PutMetricData applies, except that AWS/
// namespaces are allowed (alarms and queries read them). Error messages name
// the fields under prefix (e.g. "Metrics.member.1.MetricStat.Metric."). The
// alarms service uses it so that an alarm can only name a metric that could
// exist.
func ValidateMetric(prefix string, m Metric) error { return validateMetric(prefix, &m) }
