package insights

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/awserr"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC).UnixMilli()

// ev builds an event at t0 plus sec seconds.
func ev(sec int, msg string) Event {
	return Event{Timestamp: t0 + int64(sec)*1000, IngestionTime: t0 + int64(sec)*1000 + 5, Message: msg,
		LogStream: "s1", Log: "123456789012:/app", Ptr: "ptr-" + itoa(sec)}
}

// run compiles and runs q, rendering each row as "field=value field=value".
func run(t *testing.T, q string, evs ...Event) []string {
	t.Helper()
	c, err := Compile(q)
	require.NoError(t, err, q)
	res := c.Run(slices.Values(evs))
	var out []string
	for _, r := range res.Rows {
		var parts []string
		for _, f := range r {
			if f.Field == "@ptr" {
				continue
			}
			parts = append(parts, f.Field+"="+f.Value)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

var jsonEvents = []Event{
	ev(0, `{"status": 500, "latency": 1200, "host": "a", "user": {"name": "ann", "roles": ["admin", "dev"]}}`),
	ev(10, `{"status": 200, "latency": 30, "host": "b"}`),
	ev(70, `{"status": 500, "latency": 900, "host": "a"}`),
	ev(400, `{"status": 503, "latency": 2500, "host": "c", "@timestamp": "x"}`),
	ev(401, `plain text line with ERROR and Exception`),
}

func TestCommands(t *testing.T) {
	for _, tc := range []struct {
		name  string
		query string
		want  []string
	}{
		{"a query without fields shows @timestamp and @message, newest first",
			`filter status = 200`, []string{"@timestamp=2026-03-01 10:00:10.000 @message=" + jsonEvents[1].Message}},
		{"fields retrieves the named fields and computed values with aliases",
			`fields host, latency / 1000 as seconds | filter status = 500 | sort @timestamp asc`,
			[]string{"host=a seconds=1.2", "host=a seconds=0.9"}},
		{"nested JSON fields are named with dots and array elements by index",
			`fields user.name, user.roles.1 | filter ispresent(user.name)`, []string{"user.name=ann user.roles.1=dev"}},
		{"a top-level JSON key starting with @ is shown with another @",
			"fields `@@timestamp` | filter host = \"c\"", []string{"@@timestamp=x"}},
		{"filter with and/or and comparison operators",
			`filter status >= 500 and (latency > 1000 or host = "a") | fields latency | sort latency`,
			[]string{"latency=900", "latency=1200", "latency=2500"}},
		{"a comparison with a missing field is false, also for !=",
			`filter status != 500 | fields host`, []string{"host=c", "host=b"}},
		{"like with a string is a case-sensitive substring match",
			`filter @message like "Exception" | fields @logStream`, []string{"@logStream=s1"}},
		{"like and =~ with a regular expression; (?i) ignores case",
			`filter @message =~ /(?i)exception$/ | fields @log`, []string{"@log=123456789012:/app"}},
		{"not like excludes matches",
			`filter @message not like /ERROR/ and host = "b" | fields host`, []string{"host=b"}},
		{"in and not in compare with a list",
			`filter status in [200, 503] | fields status`, []string{"status=503", "status=200"}},
		{"not in",
			`filter status not in [200, 503] | fields status | sort status | limit 1`, []string{"status=500"}},
		{"stats count(*) by bin(5m) groups events into five-minute buckets",
			`stats count(*) by bin(5m)`,
			[]string{"bin(5m)=2026-03-01 10:00:00.000 count(*)=3", "bin(5m)=2026-03-01 10:05:00.000 count(*)=2"}},
		{"count(field) counts events that have the field; count() counts all",
			`stats count(status) as withStatus, count() as all`, []string{"withStatus=4 all=5"}},
		{"stats by a field, with aliases and sort on an alias",
			`stats avg(latency) as avgLat, max(latency) as maxLat by host | sort avgLat desc`,
			[]string{"host=c avgLat=2500 maxLat=2500", "host=a avgLat=1050 maxLat=1200", "host=b avgLat=30 maxLat=30"}},
		{"sum, min, stddev, count_distinct",
			`filter ispresent(latency) | stats sum(latency), min(latency), count_distinct(host), stddev(latency)`,
			[]string{"sum(latency)=4630 min(latency)=30 count_distinct(host)=3 stddev(latency)=1023.3401194128959"}},
		{"pct is the nearest-rank percentile",
			`stats pct(latency, 50), pct(latency, 99), pct(latency, 0)`,
			[]string{"pct(latency, 50)=900 pct(latency, 99)=2500 pct(latency, 0)=30"}},
		{"earliest and latest take the value of the earliest and latest event",
			`stats earliest(host), latest(host)`, []string{"earliest(host)=a latest(host)=c"}},
		{"sortsFirst and sortsLast take the value that sorts first and last",
			`stats sortsFirst(host), sortsLast(host)`, []string{"sortsFirst(host)=a sortsLast(host)=c"}},
		{"a stats item may compute from earlier items",
			`stats max(latency) as hi, min(latency) as lo, hi - lo as spread`, []string{"hi=2500 lo=30 spread=2470"}},
		{"a second stats aggregates the first one's rows (events without host form a group too)",
			`stats count(*) as n by host | stats avg(n) as perHost`, []string{"perHost=1.25"}},
		{"arithmetic in stats arguments",
			`stats sum(latency * 2) / 1000 as twiceSeconds`, []string{"twiceSeconds=9.26"}},
		{"sort desc then limit returns the first n",
			`fields latency | sort latency desc | limit 2`, []string{"latency=2500", "latency=1200"}},
		{"sort without a direction is ascending",
			`fields latency | filter ispresent(latency) | sort latency | limit 1`, []string{"latency=30"}},
		{"parse with a glob extracts ephemeral fields",
			`parse @message "line with * and *" as what, other | filter ispresent(what) | fields what, other`,
			[]string{"what=ERROR other=Exception"}},
		{"parse with a regular expression uses its named groups",
			`parse @message /with (?<level>[A-Z]+) and (?<kind>\w+)/ | display level, kind | filter ispresent(level)`,
			[]string{"level=ERROR kind=Exception"}},
		{"a parse that does not match leaves its fields null",
			`parse @message "nothing * here" as x | filter ispresent(x)`, nil},
		{"display chooses the shown fields",
			`fields host, status | display status | filter host = "b"`, []string{"status=200"}},
		{"dedup keeps the first row of each value",
			`fields host | filter ispresent(host) | sort @timestamp asc | dedup host`, []string{"host=a", "host=b", "host=c"}},
		{"comments start with #",
			"filter status = 200 # only the successes\n| fields host # and their hosts", []string{"host=b"}},
		{"commands and functions are case-insensitive",
			`FILTER status = 200 | FIELDS TOUPPER(host) as h`, []string{"h=B"}},
		{"stats over no events answers a zero count",
			`filter status = 999 | stats count(*)`, []string{"count(*)=0"}},
		{"pattern clusters messages by shape",
			`filter ispresent(host) | pattern host`, []string{"@pattern=a @sampleCount=2 @ratio=0.5", "@pattern=b @sampleCount=1 @ratio=0.25", "@pattern=c @sampleCount=1 @ratio=0.25"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, run(t, tc.query, jsonEvents...))
		})
	}
}

func TestFunctions(t *testing.T) {
	e := ev(0, `{"s": "  xyZfooxyZ  ", "n": -2.5, "ip": "192.168.1.20", "ip6": "2001:db8::1", "blank": "   ", "empty": ""}`)
	for _, tc := range []struct{ expr, want string }{
		{`abs(n)`, "2.5"}, {`ceil(n)`, "-2"}, {`floor(n)`, "-3"}, {`greatest(1, n, 7)`, "7"}, {`least(1, n, 7)`, "-2.5"},
		{`sqrt(16)`, "4"}, {`log(1)`, "0"}, {`2 ^ 3`, "8"}, {`10 % 3`, "1"}, {`1 + 2 * 3`, "7"}, {`(1 + 2) * 3`, "9"}, {`-n`, "2.5"},
		{`trim(s)`, "xyZfooxyZ"}, {`trim(trim(s), "xyZ")`, "foo"}, {`ltrim(trim(s), "xyZ")`, "fooxyZ"}, {`rtrim(trim(s), "xyZ")`, "xyZfoo"},
		{`strlen(trim(s))`, "9"}, {`toupper("aB")`, "AB"}, {`tolower("aB")`, "ab"}, {`substr("xyZfooxyZ", 3, 3)`, "foo"},
		{`substr("xyZfooxyZ", 6)`, "xyZ"}, {`replace("foo", "o", "0")`, "f00"}, {`strcontains("foo", "oo")`, "1"},
		{`strcontains("foo", "x")`, "0"}, {`concat("a", n, "b")`, "a-2.5b"},
		{`isempty(empty)`, "true"}, {`isempty(missing)`, "true"}, {`isempty(blank)`, "false"}, {`isblank(blank)`, "true"},
		{`ispresent(n)`, "true"}, {`ispresent(missing)`, "false"}, {`coalesce(missing, n)`, "-2.5"},
		{`isValidIp(ip)`, "true"}, {`isValidIpV4(ip6)`, "false"}, {`isValidIpV6(ip6)`, "true"}, {`isValidIp("300.1.1.1")`, "false"},
		{`isIpInSubnet(ip, "192.168.0.0/16")`, "true"}, {`isIpv4InSubnet(ip, "10.0.0.0/8")`, "false"}, {`isIpv6InSubnet(ip6, "2001:db8::/32")`, "true"},
		{`bin(1h)`, "2026-03-01 10:00:00.000"}, {`datefloor(@timestamp + 90000, 1m)`, "2026-03-01 10:01:00.000"},
		{`dateceil(@timestamp + 1, 1d)`, "2026-03-02 00:00:00.000"}, {`datefloor(@timestamp, 1mo)`, "2026-03-01 00:00:00.000"},
		{`datefloor(@timestamp, 1y)`, "2026-01-01 00:00:00.000"}, {`toMillis(@timestamp)`, itoa(int(t0))},
		{`fromMillis(0)`, "1970-01-01 00:00:00.000"}, {`unmask(n)`, "-2.5"}, {`1 / 0`, ""},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			got := run(t, "fields "+tc.expr+" as v", e)
			if tc.want == "" { // null: the row shows only @ptr
				assert.Equal(t, []string{""}, got)
				return
			}
			assert.Equal(t, []string{"v=" + tc.want}, got)
		})
	}
}

func TestDiscoveredFields(t *testing.T) {
	lambda := ev(0, "REPORT RequestId: 8f5ebd8a-e3c6-4a5c-b6de-5a4a13b8ad49\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t")
	assert.Equal(t, []string{"@type=REPORT @requestId=8f5ebd8a-e3c6-4a5c-b6de-5a4a13b8ad49 @duration=102.25 @billedDuration=103 @memorySize=128000000 @maxMemoryUsed=70000000"},
		run(t, `fields @type, @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed`, lambda))
	vpc := ev(0, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK")
	assert.Equal(t, []string{"srcAddr=172.31.16.139 dstPort=22 bytes=4249 action=ACCEPT"},
		run(t, `fields srcAddr, dstPort, bytes, action`, vpc))
	r53 := ev(0, "1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -")
	assert.Equal(t, []string{"queryName=example.com queryType=A responseCode=NOERROR"},
		run(t, `fields queryName, queryType, responseCode`, r53))
	assert.Equal(t, []string{"@ingestionTime=2026-03-01 10:00:00.005"}, run(t, `fields @ingestionTime`, vpc))
}

func TestFieldsOfAJSONEventAreLimited(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range MaxJSONFields + 10 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"f` + itoa(i) + `": 1`)
	}
	b.WriteString("}")
	fields := Fields(b.String())
	assert.Len(t, fields, MaxJSONFields)
	assert.Equal(t, "f0", fields[0].Name)
}

func TestMalformedQueries(t *testing.T) {
	for _, tc := range []struct {
		query      string
		start, end int
		msg        string
	}{
		{"", 0, 0, "the query is empty"},
		{"fields a |", 10, 10, "unexpected end of query"},
		{"filtr a = 1", 0, 5, `unknown command "filtr"`},
		{"fields a b", 9, 10, `unexpected symbol found b at line 1 and position 10`},
		{"filter a = \"x", 11, 13, "unterminated string"},
		{"filter a like /x", 14, 16, "unterminated regular expression"},
		{"stats nosuch(a)", 6, 12, `unknown function "nosuch"`},
		{"limit 0", 6, 7, "limit must be a whole number from 1 to 10000"},
		{"limit 10001", 6, 11, "limit must be a whole number"},
		{"stats count(*) by bin(5x)", 22, 24, "invalid time period"},
		{"fields bin(a)", 7, 10, "must be a time period"},
		{"fields count(*)", 7, 12, "aggregate functions are allowed only in the stats command"},
		{"parse @message \"a * b\" as x, y", 15, 22, "1 * but 2 field names"},
		{"parse @message /(\\d+)/", 15, 22, "no named group"},
		{"filter a like /(/", 14, 17, "invalid regular expression"},
		{"fields pct(a)", 7, 10, "pct takes 2 arguments, not 1"},
		{"stats pct(a, 101)", 6, 9, "pct's second argument"},
		{"fields `a", 7, 9, "unterminated field name"},
		{"fields a ; b", 9, 10, "unexpected symbol"},
		{"fields é ~", 9, 10, "unexpected symbol"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			_, err := Compile(tc.query)
			require.Error(t, err)
			var ce *CompileError
			require.True(t, errors.As(err, &ce))
			assert.ErrorIs(t, err, ErrMalformedQuery)
			assert.Equal(t, "MalformedQueryException", awserr.Code(err))
			assert.Contains(t, ce.Message, tc.msg)
			assert.Equal(t, tc.start, ce.StartCharOffset, "start")
			assert.Equal(t, tc.end, ce.EndCharOffset, "end")
		})
	}
}

func TestDeepNestingIsRefusedNotOverflowed(t *testing.T) {
	q := "fields " + strings.Repeat("(", 10000) + "1" + strings.Repeat(")", 10000)
	_, err := Compile(q)
	assert.ErrorIs(t, err, ErrMalformedQuery)
	_, err = Compile("filter " + strings.Repeat("not ", 10000) + "a")
	assert.ErrorIs(t, err, ErrMalformedQuery)
	_, err = Compile("fields " + strings.Repeat("-", 10000) + "1")
	assert.ErrorIs(t, err, ErrMalformedQuery)
}

func TestResultsAreCappedAtTenThousandRows(t *testing.T) {
	evs := make([]Event, MaxRows+5)
	for i := range evs {
		evs[i] = ev(i, "x")
	}
	q, err := Compile("fields @message")
	require.NoError(t, err)
	res := q.Run(slices.Values(evs))
	assert.Len(t, res.Rows, MaxRows)
	assert.Equal(t, float64(MaxRows+5), res.Statistics.RecordsMatched)
	assert.Equal(t, float64(MaxRows+5), res.Statistics.RecordsScanned)
	// Newest first: the first row is the last event.
	assert.Equal(t, "ptr-"+itoa(MaxRows+4), res.Rows[0][len(res.Rows[0])-1].Value)
}

func TestRowsCarryPtr(t *testing.T) {
	q, err := Compile(`fields host | filter host = "b"`)
	require.NoError(t, err)
	res := q.Run(slices.Values(jsonEvents))
	require.Len(t, res.Rows, 1)
	assert.Equal(t, []ResultField{{"host", "b"}, {"@ptr", "ptr-10"}}, res.Rows[0])
	assert.Equal(t, float64(1), res.Statistics.RecordsMatched)
	assert.Equal(t, float64(5), res.Statistics.RecordsScanned)
}
