package insights

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzCompileAndRun: any query either compiles or answers a *CompileError
// with a location inside the query, never panics, and a compiled query runs
// over odd events without panicking.
func FuzzCompileAndRun(f *testing.F) {
	for _, s := range []string{
		`fields @timestamp, @message | sort @timestamp desc | limit 20`,
		`filter status = 500 and latency > 1000 | stats count(*) by bin(5m)`,
		`stats avg(latency), pct(latency, 99), stddev(x), earliest(a), sortsLast(b) by host, bin(1h)`,
		`parse @message "[*] *" as level, msg | filter level like /ERR/ | display msg`,
		`parse @message /(?<ip>\d+\.\d+\.\d+\.\d+)/ | stats count_distinct(ip) as n | fields n * 2`,
		`filter isIpInSubnet(srcAddr, "10.0.0.0/8") and action in ["ACCEPT", "REJECT"] | dedup srcAddr`,
		"fields `a-b`.c, substr(x, 1, 2), datefloor(@timestamp, 1mo) # comment",
		`pattern @message`,
		`stats count(*) as n by host | stats avg(n)`,
	} {
		f.Add(s, `{"status": 500, "latency": 1200, "a": {"b": [1, "x", null, true]}}`)
	}
	f.Fuzz(func(t *testing.T, query, message string) {
		q, err := Compile(query)
		if err != nil {
			ce, ok := err.(*CompileError)
			if !ok {
				t.Fatalf("%q: %T %v", query, err, err)
			}
			n := len([]rune(query))
			if ce.StartCharOffset < 0 || ce.StartCharOffset > ce.EndCharOffset || ce.EndCharOffset > n {
				t.Fatalf("%q: location %d-%d outside the query", query, ce.StartCharOffset, ce.EndCharOffset)
			}
			return
		}
		t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
		evs := []Event{
			{Timestamp: t0, Message: message},
			{Timestamp: t0 + 1, Message: "REPORT RequestId: x\tDuration: 1 ms"},
			{Timestamp: t0 + 2, Message: strings.Repeat("{", 100)},
			{Timestamp: -1, Message: ""},
		}
		q.Run(slices.Values(evs))
		_ = Fields(message)
	})
}
