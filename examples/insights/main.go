// Command insights runs a CloudWatch Logs Insights query over local log
// files, so a query can be tried on real lines before it runs in CloudWatch.
//
// Usage:
//
//	insights -q QUERY [-json] [FILE...]
//
// Each line of the files (or of standard input, when piped) is one log event.
// Its @timestamp is read from the line when it starts with an RFC 3339 time
// ("2026-03-01T10:00:00Z ...") or is a JSON object with a "timestamp", "time"
// or "@timestamp" member (RFC 3339 text or epoch milliseconds); otherwise it
// is the file's modification time. @logStream is the file's name.
//
// The results print as a table (a header of the fields, then one row a line,
// tab-separated), or with -json as `aws logs get-query-results` prints them.
// A query CloudWatch Logs would reject is reported with AWS's error and its
// position, and exit status 2.
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
	"text/tabwriter"
	"time"

	"github.com/localwatch/localwatch/logs/insights"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// isTerminal reports whether r is a terminal, where reading would wait for
// someone to type.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("insights", flag.ContinueOnError)
	fs.SetOutput(stderr)
	query := fs.String("q", "", "the Logs Insights query")
	asJSON := fs.Bool("json", false, "print the results as aws logs get-query-results does")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *query == "" || fs.NArg() == 0 && isTerminal(stdin) {
		fmt.Fprintln(stderr, "usage: insights -q QUERY [-json] [FILE...]")
		fmt.Fprintln(stderr, `example: insights -q 'filter status >= 500 | stats count(*) by bin(5m)' app.log`)
		fs.PrintDefaults()
		return 2
	}
	q, err := insights.Compile(*query)
	if err != nil {
		fmt.Fprintln(stderr, err)
		if ce, ok := err.(*insights.CompileError); ok {
			fmt.Fprintf(stderr, "  %s\n  %s^\n", *query, strings.Repeat(" ", ce.StartCharOffset))
		}
		return 2
	}
	var events []insights.Event
	read := func(r io.Reader, name string, mtime time.Time) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20) // CloudWatch Logs events are at most 1 MB
		for sc.Scan() {
			line := sc.Text()
			ts := lineTime(line, mtime)
			events = append(events, insights.Event{Timestamp: ts, IngestionTime: ts, Message: line, LogStream: name,
				Log: "local:" + name, Ptr: fmt.Sprintf("%s:%d", name, len(events)+1)})
		}
		return sc.Err()
	}
	if fs.NArg() == 0 {
		if err := read(stdin, "stdin", time.Now()); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fi, err := f.Stat()
		if err == nil {
			err = read(f, name, fi.ModTime())
		}
		f.Close()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	// Logs Insights reads events in time order.
	sortByTime(events)
	res := q.Run(func(yield func(insights.Event) bool) {
		for _, e := range events {
			if !yield(e) {
				return
			}
		}
	})
	if *asJSON {
		return printJSON(stdout, stderr, res)
	}
	printTable(stdout, res)
	return 0
}

func sortByTime(evs []insights.Event) {
	// A stable insertion of already mostly ordered lines.
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].Timestamp < evs[j-1].Timestamp; j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

// lineTime finds an event's time in its line, else def.
func lineTime(line string, def time.Time) int64 {
	if tok, _, _ := strings.Cut(line, " "); len(tok) >= 20 {
		if t, err := time.Parse(time.RFC3339Nano, tok); err == nil {
			return t.UnixMilli()
		}
	}
	if strings.HasPrefix(strings.TrimSpace(line), "{") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			for _, k := range []string{"timestamp", "time", "@timestamp"} {
				switch v := m[k].(type) {
				case float64:
					return int64(v)
				case string:
					if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
						return t.UnixMilli()
					}
					if n, err := strconv.ParseInt(v, 10, 64); err == nil {
						return n
					}
				}
			}
		}
	}
	return def.UnixMilli()
}

func printTable(w io.Writer, res insights.Result) {
	var cols []string
	seen := map[string]bool{}
	for _, r := range res.Rows {
		for _, f := range r {
			if f.Field != "@ptr" && !seen[f.Field] {
				seen[f.Field] = true
				cols = append(cols, f.Field)
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(cols, "\t"))
	for _, r := range res.Rows {
		vals := map[string]string{}
		for _, f := range r {
			vals[f.Field] = f.Value
		}
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = vals[c]
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d rows; %.0f of %.0f records matched, %.0f bytes scanned\n",
		len(res.Rows), res.Statistics.RecordsMatched, res.Statistics.RecordsScanned, res.Statistics.BytesScanned)
}

func printJSON(w, stderr io.Writer, res insights.Result) int {
	type field struct {
		Field string `json:"field"`
		Value string `json:"value"`
	}
	out := struct {
		Results    [][]field `json:"results"`
		Statistics struct {
			RecordsMatched float64 `json:"recordsMatched"`
			RecordsScanned float64 `json:"recordsScanned"`
			BytesScanned   float64 `json:"bytesScanned"`
		} `json:"statistics"`
		Status string `json:"status"`
	}{Results: [][]field{}, Status: "Complete"}
	for _, r := range res.Rows {
		row := make([]field, len(r))
		for i, f := range r {
			row[i] = field{f.Field, f.Value}
		}
		out.Results = append(out.Results, row)
	}
	out.Statistics.RecordsMatched = res.Statistics.RecordsMatched
	out.Statistics.RecordsScanned = res.Statistics.RecordsScanned
	out.Statistics.BytesScanned = res.Statistics.BytesScanned
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
