package metricmath

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// LabelContext is what dynamic labels read besides the series itself.
type LabelContext struct {
	// Now is the time ${..._RELATIVE} values are measured from.
	Now time.Time
	// Location is the time zone of ${..._TIME} values (LabelOptions.Timezone);
	// nil means UTC.
	Location *time.Location
	// Default is the default label, which ${LABEL} stands for.
	Default string
	// Region and AccountID answer ${PROP('Region')} and ${PROP('AccountId')}
	// when the series' metric does not carry them.
	Region, AccountID string
}

// HasDynamic reports whether label contains a ${...} dynamic value.
func HasDynamic(label string) bool { return strings.Contains(label, "${") }

// ExpandLabel replaces the dynamic values in label — ${AVG}, ${DATAPOINT_COUNT},
// ${FIRST}, ${FIRST_LAST_RANGE}, ${FIRST_LAST_TIME_RANGE}, ${FIRST_TIME},
// ${FIRST_TIME_RELATIVE}, ${LABEL}, ${LAST}, ${LAST_TIME}, ${LAST_TIME_RELATIVE},
// ${MAX}, ${MAX_TIME}, ${MAX_TIME_RELATIVE}, ${MIN}, ${MIN_MAX_RANGE},
// ${MIN_MAX_TIME_RANGE}, ${MIN_TIME}, ${MIN_TIME_RELATIVE}, ${SUM} and
// ${PROP('AccountId' | 'Dim.<name>' | 'MetricName' | 'Namespace' | 'Period' |
// 'Region' | 'Stat')} — with the values of s over the returned range.
// Statistics of an empty series expand to the empty string; unknown values are
// left as written.
func ExpandLabel(label string, s *Series, lc LabelContext) string {
	if !HasDynamic(label) {
		return label
	}
	var b strings.Builder
	rest := label
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		name := rest[i+2 : i+j]
		if v, ok := dynamicValue(name, s, lc); ok {
			b.WriteString(v)
		} else {
			b.WriteString(rest[i : i+j+1])
		}
		rest = rest[i+j+1:]
	}
}

func formatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	// Six significant digits, without trailing zeros.
	return strconv.FormatFloat(v, 'g', 6, 64)
}

func formatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	sec := d / time.Second
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%dh", h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%dm", m))
	}
	if sec > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%ds", sec))
	}
	return strings.Join(parts, " ")
}

func dynamicValue(name string, s *Series, lc LabelContext) (string, bool) {
	if strings.HasPrefix(name, "PROP(") && strings.HasSuffix(name, ")") {
		arg := strings.TrimSpace(name[5 : len(name)-1])
		if len(arg) >= 2 && (arg[0] == '\'' || arg[0] == '"') && arg[len(arg)-1] == arg[0] {
			arg = arg[1 : len(arg)-1]
		}
		return propValue(arg, s, lc)
	}
	loc := lc.Location
	if loc == nil {
		loc = time.UTC
	}
	if name == "LABEL" {
		return lc.Default, true
	}
	n := len(s.Values)
	stat := func(f func() float64) (string, bool) {
		if n == 0 {
			return "", true
		}
		return formatNumber(f()), true
	}
	at := func(k int) time.Time { return time.Unix(s.Times[k], 0).In(loc) }
	stamp := func(k int) (string, bool) {
		if n == 0 {
			return "", true
		}
		return at(k).Format("2006-01-02T15:04:05Z07:00"), true
	}
	rel := func(k int) (string, bool) {
		if n == 0 {
			return "", true
		}
		return formatDuration(lc.Now.Sub(at(k))), true
	}
	argmin, argmax := 0, 0
	for k, v := range s.Values {
		if v < s.Values[argmin] {
			argmin = k
		}
		if v > s.Values[argmax] {
			argmax = k
		}
	}
	switch name {
	case "AVG":
		return stat(func() float64 { return reduceValues("AVG", s.Values, n) })
	case "SUM":
		return stat(func() float64 { return reduceValues("SUM", s.Values, n) })
	case "MIN":
		return stat(func() float64 { return s.Values[argmin] })
	case "MAX":
		return stat(func() float64 { return s.Values[argmax] })
	case "DATAPOINT_COUNT":
		return strconv.Itoa(n), true
	case "FIRST":
		return stat(func() float64 { return s.Values[0] })
	case "LAST":
		return stat(func() float64 { return s.Values[n-1] })
	case "FIRST_LAST_RANGE":
		return stat(func() float64 { return s.Values[n-1] - s.Values[0] })
	case "MIN_MAX_RANGE":
		return stat(func() float64 { return s.Values[argmax] - s.Values[argmin] })
	case "FIRST_TIME":
		return stamp(0)
	case "LAST_TIME":
		return stamp(n - 1)
	case "MIN_TIME":
		return stamp(argmin)
	case "MAX_TIME":
		return stamp(argmax)
	case "FIRST_TIME_RELATIVE":
		return rel(0)
	case "LAST_TIME_RELATIVE":
		return rel(n - 1)
	case "MIN_TIME_RELATIVE":
		return rel(argmin)
	case "MAX_TIME_RELATIVE":
		return rel(argmax)
	case "FIRST_LAST_TIME_RANGE":
		if n == 0 {
			return "", true
		}
		return formatDuration(at(n - 1).Sub(at(0))), true
	case "MIN_MAX_TIME_RANGE":
		if n == 0 {
			return "", true
		}
		return formatDuration(at(argmax).Sub(at(argmin))), true
	}
	return "", false
}

func propValue(prop string, s *Series, lc LabelContext) (string, bool) {
	m := s.Metric
	if m == nil {
		m = &MetricInfo{}
	}
	switch prop {
	case "MetricName":
		return m.MetricName, true
	case "Namespace":
		return m.Namespace, true
	case "Stat":
		return m.Stat, true
	case "Period":
		p := m.Period
		if p == 0 {
			p = s.Period
		}
		if p == 0 {
			return "", true
		}
		return strconv.Itoa(p), true
	case "Region":
		if m.Region != "" {
			return m.Region, true
		}
		return lc.Region, true
	case "AccountId":
		if m.AccountID != "" {
			return m.AccountID, true
		}
		return lc.AccountID, true
	case "AccountLabel":
		return "", true
	}
	if dim, ok := strings.CutPrefix(prop, "Dim."); ok {
		for _, d := range m.Dimensions {
			if d.Name == dim {
				return d.Value, true
			}
		}
		return "", true
	}
	return "", false
}

// ParseTimezone parses LabelOptions.Timezone, "+HHMM" or "-HHMM" (for
// example "+0130" or "-0500"); the empty string is UTC.
func ParseTimezone(tz string) (*time.Location, error) {
	if tz == "" {
		return time.UTC, nil
	}
	if len(tz) != 5 || tz[0] != '+' && tz[0] != '-' {
		return nil, fmt.Errorf("timezone %q is not of the form +HHMM or -HHMM", tz)
	}
	for i := 1; i < 5; i++ {
		if !isDigit(tz[i]) {
			return nil, fmt.Errorf("timezone %q is not of the form +HHMM or -HHMM", tz)
		}
	}
	h, _ := strconv.Atoi(tz[1:3])
	m, _ := strconv.Atoi(tz[3:5])
	if h > 14 || m > 59 {
		return nil, fmt.Errorf("timezone %q is out of range", tz)
	}
	off := h*3600 + m*60
	if tz[0] == '-' {
		off = -off
	}
	return time.FixedZone(tz, off), nil
}
