package agent

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// timestampFormat is a compiled timestamp_format: the agent's strftime-like
// directives (the guide's list: %y %Y %b %B %m %-m %d %-d %A %a %H %I %-I %p
// %M %-M %S %-S %f %Z %z, and %-H) turned into one regular expression with a
// group per directive. The first match in an event is its timestamp ("If a
// single log entry contains two time stamps that match the format, the first
// time stamp is used").
type timestampFormat struct {
	re     *regexp.Regexp
	fields []byte // the directive of each capture group
}

var tsDirectives = map[string]struct {
	re    string
	field byte
}{
	"y": {`\d{2}`, 'y'}, "Y": {`\d{4}`, 'Y'},
	"b": {`[A-Za-z]{3}`, 'b'}, "B": {`[A-Za-z]{3,9}`, 'b'},
	"m": {`\d{2}`, 'm'}, "-m": {`\d{1,2}`, 'm'},
	"d": {`\d{2}`, 'd'}, "-d": {`\d{1,2}`, 'd'},
	"A": {`[A-Za-z]{6,9}`, 'a'}, "a": {`[A-Za-z]{3}`, 'a'},
	"H": {`\d{2}`, 'H'}, "-H": {`\d{1,2}`, 'H'},
	"I": {`\d{2}`, 'I'}, "-I": {`\d{1,2}`, 'I'}, "p": {`[AaPp][Mm]`, 'p'},
	"M": {`\d{2}`, 'M'}, "-M": {`\d{1,2}`, 'M'},
	"S": {`\d{2}`, 'S'}, "-S": {`\d{1,2}`, 'S'},
	"f": {`\d{1,9}`, 'f'},
	"Z": {`[A-Za-z]{1,5}`, 'Z'}, "z": {`[+-]\d{4}`, 'z'},
}

func parseTimestampFormat(format string) (*timestampFormat, error) {
	var re strings.Builder
	tf := &timestampFormat{}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			re.WriteString(regexp.QuoteMeta(string(c)))
			continue
		}
		d := ""
		if i+1 < len(format) {
			d = format[i+1 : i+2]
			if d == "-" && i+2 < len(format) {
				d = format[i+1 : i+3]
			}
		}
		dir, ok := tsDirectives[d]
		if !ok {
			return nil, fmt.Errorf("unsupported directive %q in timestamp_format %q", "%"+d, format)
		}
		i += len(d)
		re.WriteString("(" + dir.re + ")")
		tf.fields = append(tf.fields, dir.field)
	}
	if len(tf.fields) == 0 {
		return nil, fmt.Errorf("timestamp_format %q has no directive", format)
	}
	var err error
	if tf.re, err = regexp.Compile(re.String()); err != nil {
		return nil, err
	}
	return tf, nil
}

var monthNames = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		monthNames[strings.ToLower(m.String())] = m
		monthNames[strings.ToLower(m.String()[:3])] = m
	}
}

// parse finds the first timestamp in s. Fields the format lacks come from
// now (the year, for one) in loc; %z and a %Z of UTC/GMT override loc.
func (tf *timestampFormat) parse(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	m := tf.re.FindStringSubmatchIndex(s)
	if m == nil {
		return time.Time{}, false
	}
	now = now.In(loc)
	year, month, day := now.Date()
	hour, minute, sec, nsec := 0, 0, 0, 0
	pm, hasPM := false, false
	for i, f := range tf.fields {
		v := s[m[2+2*i]:m[3+2*i]]
		n, _ := strconv.Atoi(v)
		switch f {
		case 'y':
			year = 2000 + n
			if n >= 69 { // as Go's and POSIX's %y: 69–99 are 1969–1999
				year = 1900 + n
			}
		case 'Y':
			year = n
		case 'b':
			mo, ok := monthNames[strings.ToLower(v)]
			if !ok {
				return time.Time{}, false
			}
			month = mo
		case 'm':
			month = time.Month(n)
		case 'd':
			day = n
		case 'H', 'I':
			hour = n
		case 'p':
			hasPM, pm = true, strings.EqualFold(v, "PM")
		case 'M':
			minute = n
		case 'S':
			sec = n
		case 'f':
			nsec = n
			for range 9 - len(v) {
				nsec *= 10
			}
		case 'Z':
			if strings.EqualFold(v, "UTC") || strings.EqualFold(v, "GMT") || v == "Z" {
				loc = time.UTC
			}
		case 'z':
			h, _ := strconv.Atoi(v[1:3])
			mi, _ := strconv.Atoi(v[3:5])
			off := h*3600 + mi*60
			if v[0] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		}
	}
	if hasPM {
		hour %= 12
		if pm {
			hour += 12
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	return time.Date(year, month, day, hour, minute, sec, nsec, loc), true
}
