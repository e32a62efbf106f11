// Command filterpattern applies a CloudWatch Logs filter pattern, or a metric
// filter, to local log files, so a pattern can be tried before it is deployed.
//
// Usage:
//
//	filterpattern -p PATTERN [-fields] [-count] [FILE...]
//	filterpattern -p PATTERN -metric-value VALUE [-default-value N] [FILE...]
//
// Each line of the files (or of standard input) is one log event. Without
// -metric-value the matching lines are printed (with -fields, followed by the
// fields a space-delimited pattern extracts, as TestMetricFilter reports them;
// with -count, only the number of matches). With -metric-value (a number,
// $.selector for JSON events, or $field for a space-delimited pattern) each
// matching line's value is printed, and a summary of the values the metric filter
// would publish: the sample count, sum, minimum and maximum; -default-value adds
// that value for every line that does not match, as a metric filter's
// defaultValue does.
//
// A pattern CloudWatch Logs would reject is reported with AWS's error code and
// exit status 2.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/localwatch/localwatch/logs/filterpattern"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// isTerminal reports whether r is a terminal (a character device), where
// reading would wait for someone to type.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// valueRef is a metric value: a literal, a JSON selector or a delimited field.
type valueRef struct {
	lit   *float64
	path  *filterpattern.Path
	field string
}

func parseValue(s string, p *filterpattern.Pattern) (valueRef, error) {
	switch {
	case strings.HasPrefix(s, "$."):
		path, err := filterpattern.CompilePath(s)
		return valueRef{path: path}, err
	case strings.HasPrefix(s, "$"):
		if p.Kind() != filterpattern.KindSpaceDelimited {
			return valueRef{}, fmt.Errorf("metric value %s needs a space-delimited pattern", s)
		}
		return valueRef{field: s}, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return valueRef{}, fmt.Errorf("metric value %q is not a number, $.selector or $field", s)
	}
	return valueRef{lit: &f}, nil
}

func (v valueRef) value(line []byte, fields map[string]string) (float64, bool) {
	var text string
	switch {
	case v.lit != nil:
		return *v.lit, true
	case v.path != nil:
		t, kind := v.path.Lookup(line)
		if kind != filterpattern.Number && kind != filterpattern.String {
			return 0, false
		}
		text = t
	default:
		t, ok := fields[v.field]
		if !ok {
			return 0, false
		}
		text = t
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	return f, err == nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("filterpattern", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pattern := fs.String("p", "", "the filter pattern (\"\" matches every event)")
	showFields := fs.Bool("fields", false, "print the extracted fields of each match as JSON")
	count := fs.Bool("count", false, "print only the number of matching lines")
	metricValue := fs.String("metric-value", "", "metric filter mode: a number, $.selector or $field")
	defaultValue := fs.String("default-value", "", "metric filter defaultValue for lines that do not match")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(args) == 0 || fs.NArg() == 0 && isTerminal(stdin) {
		// Nothing to do, or nothing piped in: say how to use it rather than
		// wait for a terminal's input.
		fmt.Fprintln(stderr, "usage: filterpattern -p PATTERN [-fields] [-count] [FILE...]")
		fmt.Fprintln(stderr, "       filterpattern -p PATTERN -metric-value VALUE [-default-value N] [FILE...]")
		fmt.Fprintln(stderr, "Each line of the files (or of standard input, when piped) is one log event.")
		fs.PrintDefaults()
		return 2
	}
	p, err := filterpattern.Compile(*pattern)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	var mv *valueRef
	if *metricValue != "" {
		v, err := parseValue(*metricValue, p)
		if err != nil {
			fmt.Fprintln(stderr, "InvalidParameterException:", err)
			return 2
		}
		mv = &v
	}
	var def *float64
	if *defaultValue != "" {
		f, err := strconv.ParseFloat(*defaultValue, 64)
		if err != nil {
			fmt.Fprintln(stderr, "InvalidParameterException: defaultValue is not a number")
			return 2
		}
		def = &f
	}
	var inputs []io.Reader
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer f.Close()
		inputs = append(inputs, f)
	}
	if len(inputs) == 0 {
		inputs = []io.Reader{stdin}
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	var matches int
	var n, sum, lo, hi float64
	add := func(v float64) {
		if n == 0 || v < lo {
			lo = v
		}
		if n == 0 || v > hi {
			hi = v
		}
		n++
		sum += v
	}
	for _, in := range inputs {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 1<<20), 1<<20+1)
		for sc.Scan() {
			line := sc.Bytes()
			if len(line) == 0 {
				continue
			}
			needFields := *showFields || mv != nil && mv.field != ""
			var fields map[string]string
			var ok bool
			if needFields {
				fields, ok = p.Fields(line)
			} else {
				ok = p.Match(line)
			}
			if !ok {
				if mv != nil && def != nil {
					add(*def)
				}
				continue
			}
			matches++
			switch {
			case mv != nil:
				if v, ok := mv.value(line, fields); ok {
					add(v)
					fmt.Fprintf(out, "%s\t%s\n", strconv.FormatFloat(v, 'g', -1, 64), line)
				} else {
					fmt.Fprintf(out, "(no numeric value)\t%s\n", line)
				}
			case *count:
			case *showFields:
				b, _ := json.Marshal(fields)
				fmt.Fprintf(out, "%s\n\t%s\n", line, b)
			default:
				out.Write(line)
				out.WriteByte('\n')
			}
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	if *count {
		fmt.Fprintln(out, matches)
	}
	if mv != nil {
		fmt.Fprintf(out, "SampleCount=%g Sum=%g Minimum=%g Maximum=%g\n", n, sum, lo, hi)
	}
	return 0
}
