package alarms

import (
	"math"
	"strconv"
	"time"
)

// AWS's date layouts: StateReasonData timestamps and the datapoint times quoted
// in StateReason ("99.0 (24/11/26 19:00:00)").
const (
	reasonDataTimeLayout = "2006-01-02T15:04:05.000-0700"
	reasonTextTimeLayout = "02/01/06 15:04:05"
)

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func opText(op ComparisonOperator) string {
	switch op {
	case GreaterThanOrEqualToThreshold:
		return "greater than or equal to"
	case GreaterThanThreshold:
		return "greater than"
	case LessThanThreshold:
		return "less than"
	case LessThanOrEqualToThreshold:
		return "less than or equal to"
	}
	return string(op)
}

// describe produces the StateReason and StateReasonData of an outcome. It
// returns empty strings when the state is kept (there is no transition to
// explain).
func (c *compiled) describe(sc *scratch, o outcome, prev StateValue, t, start time.Time) (string, string) {
	if o.keep {
		return "", ""
	}
	var listed, support []int
	fillLabel := ""
	switch c.treat {
	case TreatBreaching:
		fillLabel = "Breaching"
	case TreatNotBreaching:
		fillLabel = "NonBreaching"
	}
	limit := 0
	switch o.state {
	case StateAlarm:
		limit = c.m
		for _, i := range sc.window {
			s := &sc.slots[i]
			if s.real && s.breach {
				listed = append(listed, i)
			}
			if (s.real && s.breach) || (!s.real && c.treat == TreatBreaching) {
				support = append(support, i)
			}
		}
		if o.guard {
			limit = len(support)
		}
	case StateOK:
		limit = c.n - c.m + 1
		for _, i := range sc.window {
			s := &sc.slots[i]
			if s.real && !s.breach {
				listed = append(listed, i)
			}
			if (s.real && !s.breach) || (!s.real && c.treat == TreatNotBreaching) {
				support = append(support, i)
			}
		}
	default:
		support = append(support, sc.window...)
		limit = len(support)
	}
	if len(support) > limit {
		support = support[:limit]
	}

	b := &byteBuilder{buf: make([]byte, 0, 256)}
	switch {
	case o.state == StateInsufficientData:
		b.WriteString("Insufficient Data: ")
		b.WriteString(strconv.Itoa(o.filled))
		b.WriteString(plural(o.filled, " datapoint was unknown.", " datapoints were unknown."))
	case len(listed) == 0:
		f := o.filled
		b.WriteString("Threshold Crossed: no datapoints were received for ")
		b.WriteString(strconv.Itoa(f))
		b.WriteString(plural(f, " period and ", " periods and "))
		b.WriteString(strconv.Itoa(f))
		b.WriteString(plural(f, " missing datapoint was treated as [", " missing datapoints were treated as ["))
		b.WriteString(fillLabel)
		b.WriteString("].")
	default:
		k := len(listed)
		band := c.op.IsAnomalyOperator()
		if band {
			b.WriteString("Thresholds Crossed: ")
		} else {
			b.WriteString("Threshold Crossed: ")
		}
		b.WriteString(strconv.Itoa(k))
		if c.classic {
			b.WriteString(plural(k, " datapoint [", " datapoints ["))
		} else {
			b.WriteString(" out of the last ")
			b.WriteString(strconv.Itoa(c.n))
			b.WriteString(" datapoints [")
		}
		for j, i := range listed {
			if j > 0 {
				b.WriteString(", ")
			}
			s := &sc.slots[i]
			b.buf = appendJavaDouble(b.buf, s.dp.Value)
			b.buf = append(b.buf, " ("...)
			b.buf = s.dp.Timestamp.UTC().AppendFormat(b.buf, reasonTextTimeLayout)
			b.buf = append(b.buf, ')')
		}
		b.WriteString(plural(k, "] was ", "] were "))
		if o.state == StateOK {
			b.WriteString("not ")
		}
		if band {
			writeBand(b, c.op, sc, listed)
		} else {
			b.WriteString(opText(c.op))
			b.WriteString(" the threshold (")
			b.buf = appendJavaDouble(b.buf, c.threshold)
			b.buf = append(b.buf, ')')
		}
		if o.filled > 0 && fillLabel != "" {
			b.WriteString(" and ")
			b.WriteString(strconv.Itoa(o.filled))
			b.WriteString(plural(o.filled, " missing datapoint was treated as [", " missing datapoints were treated as ["))
			b.WriteString(fillLabel)
			b.WriteString("]")
		}
		if !c.classic {
			minimum := c.m
			if o.state == StateOK {
				minimum = c.n - c.m + 1
			}
			b.WriteString(" (minimum ")
			b.WriteString(strconv.Itoa(minimum))
			b.WriteString(plural(minimum, " datapoint for ", " datapoints for "))
			b.WriteString(string(prev))
			b.WriteString(" -> ")
			b.WriteString(string(o.state))
			b.WriteString(" transition)")
		}
		b.WriteString(".")
	}
	return string(b.buf), c.reasonData(sc, support, t)
}

// byteBuilder is a strings.Builder-like buffer that also takes appends.
type byteBuilder struct{ buf []byte }

func (b *byteBuilder) WriteString(s string) { b.buf = append(b.buf, s...) }

// appendJavaDouble appends v as Java's Double.toString writes it.
func appendJavaDouble(b []byte, v float64) []byte {
	a := math.Abs(v)
	if v != 0 && a >= 1e-3 && a < 1e7 && !math.IsInf(v, 0) {
		n := len(b)
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
		for _, c := range b[n:] {
			if c == '.' {
				return b
			}
		}
		return append(b, '.', '0')
	}
	return append(b, javaDouble(v)...)
}

func writeBand(b *byteBuilder, op ComparisonOperator, sc *scratch, listed []int) {
	list := func(upper bool) {
		b.WriteString("[")
		for j, i := range listed {
			if j > 0 {
				b.WriteString(", ")
			}
			if upper {
				b.buf = appendJavaDouble(b.buf, sc.slots[i].dp.Upper)
			} else {
				b.buf = appendJavaDouble(b.buf, sc.slots[i].dp.Lower)
			}
		}
		b.WriteString("]")
	}
	switch op {
	case LessThanLowerThreshold:
		b.WriteString("less than the lower thresholds ")
		list(false)
	case GreaterThanUpperThreshold:
		b.WriteString("greater than the upper thresholds ")
		list(true)
	default:
		b.WriteString("less than the lower thresholds ")
		list(false)
		b.WriteString(" or greater than the upper thresholds ")
		list(true)
	}
}

// reasonData builds StateReasonData, field for field in AWS's order.
func (c *compiled) reasonData(sc *scratch, support []int, t time.Time) string {
	b := &byteBuilder{buf: make([]byte, 0, 320+96*len(support))}
	b.WriteString(`{"version":"1.0","queryDate":"`)
	b.buf = t.UTC().AppendFormat(b.buf, reasonDataTimeLayout)
	b.WriteString(`"`)
	anyReal := false
	oldest := -1
	for _, i := range sc.window {
		if sc.slots[i].real {
			anyReal = true
		}
		if oldest < 0 || i < oldest {
			oldest = i
		}
	}
	if anyReal {
		b.WriteString(`,"startDate":"`)
		b.buf = sc.slots[oldest].dp.Timestamp.UTC().AppendFormat(b.buf, reasonDataTimeLayout)
		b.WriteString(`"`)
	}
	if !c.isMath {
		if c.def.Unit != "" {
			b.WriteString(`,"unit":`)
			b.WriteString(strconv.Quote(string(c.def.Unit)))
		}
		b.WriteString(`,"statistic":`)
		b.WriteString(strconv.Quote(c.statistic))
	}
	b.WriteString(`,"period":`)
	b.WriteString(strconv.Itoa(c.period))
	b.WriteString(`,"recentDatapoints":[`)
	first := true
	for j := len(sc.window) - 1; j >= 0; j-- {
		s := &sc.slots[sc.window[j]]
		if !s.real {
			continue
		}
		if !first {
			b.WriteString(",")
		}
		first = false
		b.buf = appendJavaDouble(b.buf, s.dp.Value)
	}
	b.WriteString("]")
	if c.op.IsAnomalyOperator() {
		for _, upper := range []bool{false, true} {
			if upper {
				b.WriteString(`,"recentUpperThresholds":[`)
			} else {
				b.WriteString(`,"recentLowerThresholds":[`)
			}
			first := true
			for j := len(sc.window) - 1; j >= 0; j-- {
				s := &sc.slots[sc.window[j]]
				if !s.real || !s.dp.HasBand {
					continue
				}
				if !first {
					b.WriteString(",")
				}
				first = false
				if upper {
					b.buf = appendJavaDouble(b.buf, s.dp.Upper)
				} else {
					b.buf = appendJavaDouble(b.buf, s.dp.Lower)
				}
			}
			b.WriteString("]")
		}
	} else {
		b.WriteString(`,"threshold":`)
		b.buf = appendJavaDouble(b.buf, c.threshold)
	}
	b.WriteString(`,"evaluatedDatapoints":[`)
	for j, i := range support {
		if j > 0 {
			b.WriteString(",")
		}
		s := &sc.slots[i]
		b.WriteString(`{"timestamp":"`)
		b.buf = s.dp.Timestamp.UTC().AppendFormat(b.buf, reasonDataTimeLayout)
		b.WriteString(`"`)
		if s.real {
			if s.dp.SampleCount > 0 {
				b.WriteString(`,"sampleCount":`)
				b.buf = appendJavaDouble(b.buf, s.dp.SampleCount)
			}
			b.WriteString(`,"value":`)
			b.buf = appendJavaDouble(b.buf, s.dp.Value)
		}
		b.WriteString("}")
	}
	b.WriteString("]}")
	return string(b.buf)
}
