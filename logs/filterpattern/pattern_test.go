package filterpattern

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type matchCase struct {
	name    string
	pattern string
	msg     string
	want    bool
}

func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Compile(c.pattern)
			require.NoError(t, err, "pattern %q", c.pattern)
			assert.Equal(t, c.want, p.MatchString(c.msg), "pattern %q on %q", c.pattern, c.msg)
			assert.Equal(t, c.want, refMatch(t, c.pattern, c.msg), "reference matcher: pattern %q on %q", c.pattern, c.msg)
		})
	}
}

// The examples of "Matching Terms in Log Events" in the CloudWatch Logs guide.
func TestUnstructuredTermsFromTheGuide(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"single term matches a bracketed word", `ERROR`, `[ERROR] A fatal exception has occurred`, true},
		{"single term matches inside a longer word", `ERROR`, `Exiting with ERRORCODE: -1`, true},
		{"terms are case sensitive", `ERROR`, `error: lower case`, false},
		{"quoted include and exclude drops the excluded event", `"ERROR" - "Exiting"`, `Exiting with ERRORCODE: -1`, false},
		{"quoted include and exclude keeps the other event", `"ERROR" - "Exiting"`, `[ERROR] A fatal exception has occurred`, true},
		{"multiple terms all present", `ERROR Exception`, `[ERROR] Caught IllegalArgumentException`, true},
		{"multiple terms both present", `ERROR Exception`, `[ERROR] Unhandled Exception`, true},
		{"multiple terms one missing", `ERROR Exception`, `[ERROR] Unhandled failure`, false},
		{"unquoted phrase is all terms in any order", `Failed to process the request`, `[WARN] Failed to process the request`, true},
		{"unquoted phrase terms anywhere", `Failed to process the request`, `[ERROR] Unable to continue: Failed to process the request`, true},
		{"unquoted phrase terms out of order still match", `Failed to process the request`, `request the process to Failed`, true},
		{"quoted phrase must be exact", `"Failed to process the request"`, `request the process to Failed`, false},
		{"quoted phrase exact", `"Failed to process the request"`, `[WARN] Failed to process the request`, true},
		// OR pattern matching examples: 1 "ERROR WARN message", 2 "ERROR message", 3 "WARN message".
		{"ERROR matches example 1", `ERROR`, `ERROR WARN message`, true},
		{"ERROR matches example 2", `ERROR`, `ERROR message`, true},
		{"ERROR does not match example 3", `ERROR`, `WARN message`, false},
		{"?ERROR ?WARN matches example 1", `?ERROR ?WARN`, `ERROR WARN message`, true},
		{"?ERROR ?WARN matches example 2", `?ERROR ?WARN`, `ERROR message`, true},
		{"?ERROR ?WARN matches example 3", `?ERROR ?WARN`, `WARN message`, true},
		{"?ERROR ?WARN does not match others", `?ERROR ?WARN`, `INFO message`, false},
		{"ERROR WARN matches only example 1", `ERROR WARN`, `ERROR WARN message`, true},
		{"ERROR WARN misses example 2", `ERROR WARN`, `ERROR message`, false},
		{"ERROR WARN misses example 3", `ERROR WARN`, `WARN message`, false},
		{"ERROR -WARN matches example 2", `ERROR -WARN`, `ERROR message`, true},
		{"ERROR -WARN misses example 1", `ERROR -WARN`, `ERROR WARN message`, false},
		{"ERROR -WARN misses example 3", `ERROR -WARN`, `WARN message`, false},
		// The current guide's examples over "[ERROR 400] BAD REQUEST" etc.
		{"all terms of a group", `ERROR ARGUMENTS`, `[ERROR 419] MISSING ARGUMENTS`, true},
		{"all terms of a group missing one", `ERROR ARGUMENTS`, `[ERROR 401] UNAUTHORIZED REQUEST`, false},
		{"OR of two terms", `?ERROR ?ARGUMENTS`, `[ERROR 401] UNAUTHORIZED REQUEST`, true},
		{"exact phrase absent", `"INTERNAL SERVER ERROR"`, `[ERROR 500] INTERNAL SERVER FAILURE`, false},
		{"exact phrase present", `"INTERNAL SERVER ERROR"`, `[ERROR 500] INTERNAL SERVER ERROR`, true},
		{"include and exclude", `ERROR -ARGUMENTS`, `[ERROR 420] INVALID ARGUMENTS`, false},
		{"include and exclude keeps", `ERROR -ARGUMENTS`, `[ERROR 400] BAD REQUEST`, true},
		{"empty pattern matches everything", ``, `anything at all`, true},
		{"blank pattern matches everything", `   `, `anything at all`, true},
		{"quoted space matches everything", `" "`, `nospace`, true},
		// The current guide: "If you combine "?" with other filter patterns,
		// all question mark terms will be ignored" (issue 19.3).
		{"question mark terms are ignored beside plain terms", `?ERROR ?ARGUMENTS REQUEST`, `REQUEST received`, true},
		{"question mark terms are ignored beside plain terms: the ? term alone does not match", `?ERROR ?ARGUMENTS REQUEST`, `ERROR ARGUMENTS`, false},
		{"question mark terms are ignored beside an exclusion", `?ERROR -DEBUG`, `WARN x`, true},
		{"question mark terms are ignored beside an exclusion: the exclusion holds", `?ERROR -DEBUG`, `ERROR DEBUG`, false},
		{"the CDK's term groups read as the guide says: the plain terms must all hold", `?"ERROR" "MainThread" ?"WARN" "Deadlock"`, `MainThread Deadlock`, true},
		{"the CDK's term groups read as the guide says: one group alone does not match", `?"ERROR" "MainThread" ?"WARN" "Deadlock"`, `ERROR in MainThread`, false},
		{"exclusion only", `-DEBUG`, `INFO started`, true},
		{"exclusion only excludes", `-DEBUG`, `DEBUG started`, false},
		{"quoted term with punctuation", `"user@example.com"`, `login by user@example.com ok`, true},
		{"quoted @ value is fine", `"@"`, `mail @ home`, true},
		{"escaped quote inside a phrase", `"say \"hi\""`, `they say "hi" twice`, true},
		{"numbers are terms", `404`, `GET /x 404 12`, true},
		{"unicode letters are terms", `Größe`, `die Größe ist 3`, true},
		{"regex term", `%AUTHORIZED%`, `[ERROR 401] UNAUTHORIZED REQUEST`, true},
		{"regex term second example", `%AUTHORIZED%`, `[SUCCESS 200] AUTHORIZED REQUEST`, true},
		{"regex IP address", `%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%`, `from 10.0.12.7 port 22`, true},
		{"regex alternation", `%[Ee]rror|[Ff]ail%`, `the job did fail`, true},
		{"regex alternation no match", `%[Ee]rror|[Ff]ail%`, `all good`, false},
		{"regex anchored at start", `%^[hc]at%`, `hat trick`, true},
		{"regex anchored at start misses", `%^[hc]at%`, `the hat`, false},
		{"regex anchored at end", `%[hc]at$%`, `the cat`, true},
		{"regex optional", `%colou?r%`, `color`, true},
		{"regex repetition", `%a{3,5}%`, `baaab`, true},
		{"regex repetition misses", `%a{3,5}%`, `baab`, false},
		{"regex with terms", `ERROR %4[0-9]{2}%`, `ERROR 404`, true},
		{"regex with a space, the guide's example", `%^starting|^initializing|^shutting down%`, `shutting down now`, true},
		{"regex with a space, the guide's example, not at the start", `%^starting|^initializing|^shutting down%`, `now shutting down`, false},
	})
}

// The JSON examples of the guide: one event and the patterns that match it.
const guideJSON = `{
  "eventType": "UpdateTrail",
  "sourceIPAddress": "111.111.111.111",
  "arrayKey": [
        "value",
        "another value"
  ],
  "objectList": [
       {
         "name": "a",
         "id": 1
       },
       {
         "name": "b",
         "id": 2
       }
  ],
  "SomeObject": null,
  "ThisFlag": true
}`

const guideCompoundJSON = `{
    "user": {
        "id": 1,
        "email": "John.Stiles@example.com"
    },
    "users": [
        {
         "id": 2,
         "email": "John.Doe@example.com"
        },
        {
         "id": 3,
         "email": "Jane.Doe@example.com"
        }
    ],
    "actions": [
        "GET",
        "PUT",
        "DELETE"
    ],
    "coordinates": [
        [0, 1, 2],
        [4, 5, 6],
        [7, 8, 9]
    ]
}`

func TestJSONPatternsFromTheGuide(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"string equality", `{ $.eventType = "UpdateTrail" }`, guideJSON, true},
		{"string equality unquoted", `{ $.eventType = UpdateTrail }`, guideJSON, true},
		{"string inequality with trailing wildcard", `{ $.sourceIPAddress != 123.123.* }`, guideJSON, true},
		{"trailing wildcard equality", `{ $.sourceIPAddress = 111.111.* }`, guideJSON, true},
		{"array element", `{ $.arrayKey[0] = "value" }`, guideJSON, true},
		{"array element second", `{ $.arrayKey[1] = "another value" }`, guideJSON, true},
		{"object in array", `{ $.objectList[1].id = 2 }`, guideJSON, true},
		{"object in array wrong value", `{ $.objectList[1].id = 1 }`, guideJSON, false},
		{"index on a non-array is false", `{ $.eventType[0] = "UpdateTrail" }`, guideJSON, false},
		{"IS NULL", `{ $.SomeObject IS NULL }`, guideJSON, true},
		{"IS NULL on a non-null is false", `{ $.eventType IS NULL }`, guideJSON, false},
		{"IS NULL on a missing field is false", `{ $.Nope IS NULL }`, guideJSON, false},
		{"NOT EXISTS", `{ $.SomeOtherObject NOT EXISTS }`, guideJSON, true},
		{"NOT EXISTS on a null is false", `{ $.SomeObject NOT EXISTS }`, guideJSON, false},
		{"IS TRUE", `{ $.ThisFlag IS TRUE }`, guideJSON, true},
		{"IS FALSE", `{ $.ThisFlag IS FALSE }`, guideJSON, false},
		{"leading wildcard", `{ $.eventType = *Trail }`, guideJSON, true},
		{"trailing wildcard", `{ $.eventType = Update* }`, guideJSON, true},
		{"middle star is literal", `{ $.eventType = Upd*Trail }`, guideJSON, false},
		{"both wildcards", `{ $.eventType = *dateTr* }`, guideJSON, true},
		{"lone wildcard means present", `{ $.eventType = * }`, guideJSON, true},
		{"lone wildcard absent", `{ $.missing = * }`, guideJSON, false},
		{"!= on a missing field is false", `{ $.missing != "x" }`, guideJSON, false},
		{"comparison on an array is false", `{ $.arrayKey = "value" }`, guideJSON, false},
		{"!= on an array is false", `{ $.arrayKey != "value" }`, guideJSON, false},
		{"OR example 1", `{$.foo = bar}`, `{"foo": "bar"}`, true},
		{"OR example 2 no", `{$.foo = bar}`, `{"foo": "baz"}`, false},
		{"OR example 2", `{$.foo = baz }`, `{"foo": "baz"}`, true},
		{"OR both a", `{$.foo = bar || $.foo = baz }`, `{"foo": "bar"}`, true},
		{"OR both b", `{$.foo = bar || $.foo = baz }`, `{"foo": "baz"}`, true},
		{"compound 1 matches", `{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`, guideCompoundJSON, true},
		{"compound 2 does not match", `{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }`, guideCompoundJSON, false},
		{"compound 3 matches by precedence", `{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }`, guideCompoundJSON, true},
		{"compound 4 parentheses change it", `{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }`, guideCompoundJSON, false},
		{"nested arrays", `{ $.coordinates[2][0] = 7 }`, guideCompoundJSON, true},
		{"users array is not a value", `{$.users = 1}`, `{"users": [1, 2, 3]}`, false},
		{"users array is not a value for !=", `{$.users != 1}`, `{"users": [1, 2, 3]}`, false},
		{"numeric >=", `{ $.latency >= 500 }`, `{"latency": 500}`, true},
		{"numeric < with exponent", `{ $.numbers[0] < 10e3 }`, `{"numbers": [9999]}`, true},
		{"numeric < with negative exponent", `{ $.numbers[0] < 10e-3 }`, `{"numbers": [0.02]}`, false},
		{"numeric <=", `{ $.processes[4].averageRuntime <= 55.5 }`, `{"processes":[{},{},{},{},{"averageRuntime":55.5}]}`, true},
		{"numeric =", `{ $.errorCode = 400 }`, `{"errorCode": 400}`, true},
		{"numeric = across notations", `{ $.errorCode = 400 }`, `{"errorCode": 4.0e2}`, true},
		{"numeric !=", `{ $.errorCode != 500 }`, `{"errorCode": 400}`, true},
		{"numeric with plus sign", `{ $.latency > +1000 }`, `{"latency": 1001}`, true},
		{"numeric on a string is false", `{ $.latency > 1000 }`, `{"latency": "2000"}`, false},
		{"numeric on a missing field is false", `{ $.latency > 1000 }`, `{"x": 1}`, false},
		{"number equality against a string field compares text", `{ $.code = 400 }`, `{"code": "400"}`, true},
		{"wildcard on a number field uses its text", `{ $.status = 4* }`, `{"status": 404}`, true},
		{"not JSON never matches", `{ $.a = 1 }`, `a = 1`, false},
		{"truncated JSON never matches", `{ $.a = 1 }`, `{"a": 1`, false},
		{"JSON array root never matches", `{ $.a = 1 }`, `[{"a": 1}]`, false},
		{"escaped strings are decoded", `{ $.msg = "a\"b" }`, `{"msg": "a\"b"}`, true},
		{"unicode escapes are decoded", `{ $.msg = "é" }`, `{"msg": "\u00e9"}`, true},
		{"escaped keys are decoded", `{ $.key = 1 }`, `{"k\u0065y": 1}`, true},
		{"last duplicate key wins", `{ $.a = 2 }`, `{"a": 1, "a": 2}`, true},
		{"regex value", `{ $.eventType = %Update|Delete% }`, guideJSON, true},
		{"regex value no match", `{ $.eventType = %^Trail% }`, guideJSON, false},
		{"regex != value", `{ $.eventType != %Delete% }`, guideJSON, true},
		{"selectors with dash and underscore", `{ $.detail-type = "x" && $.a_b = 1 }`, `{"detail-type": "x", "a_b": 1}`, true},
		{"boolean is not a string", `{ $.ThisFlag = true }`, guideJSON, false},
		{"no spaces needed", `{$.a=1&&$.b=2}`, `{"a":1,"b":2}`, true},
		{"quoted values may hold @ and unicode", `{ $.email = "john@example.com" || $.city = "Zürich" }`, `{"city": "Zürich"}`, true},
		{"status and latency", `{ $.status = 500 && $.latency > 1000 }`, `{"status":500,"latency":1500,"path":"/x"}`, true},
		{"status and latency no", `{ $.status = 500 && $.latency > 1000 }`, `{"status":500,"latency":999,"path":"/x"}`, false},
	})
}

const apacheLines = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534
127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324
127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355`

func TestSpaceDelimitedPatternsFromTheGuide(t *testing.T) {
	lines := strings.Split(apacheLines, "\n")
	type want struct {
		pattern string
		lines   [3]bool
	}
	for _, w := range []want{
		{`[ip, user, username, timestamp, request, status_code, bytes]`, [3]bool{true, true, true}},
		{`[..., status_code, bytes]`, [3]bool{true, true, true}},
		{`[ip, user, ..., status_code, bytes]`, [3]bool{true, true, true}},
		{`[ip, user, ...]`, [3]bool{true, true, true}},
		{`[ip, user, username, timestamp, request, status_code, bytes > 1000]`, [3]bool{true, true, true}},
		{`[ip, user, username, timestamp, request, status_code, bytes > 5000]`, [3]bool{false, true, false}},
		{`[ip, user, username, timestamp, request, status_code = 200, bytes]`, [3]bool{true, false, true}},
		{`[ip, user, username, timestamp, request, status_code = 5*, bytes]`, [3]bool{false, true, false}},
		{`[ip, user, username, timestamp, request = *gif*, status_code = 5*, bytes]`, [3]bool{false, true, false}},
		{`[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]`, [3]bool{false, false, false}},
		{`[ip, user, username, timestamp, request, status_code = 2* && status_code != 200, bytes]`, [3]bool{false, false, false}},
		{`[ip, user, username, timestamp, request, status_code, bytes, extra]`, [3]bool{false, false, false}},
		{`[ip, user, username, timestamp = "10/Oct/2000:13:35:22 -0700", ...]`, [3]bool{false, true, false}},
		{`[ip, user, username, timestamp, request = "GET /apache_pb.gif HTTP/1.0", ...]`, [3]bool{true, true, true}},
		{`[ip = %^127\.%, ...]`, [3]bool{true, true, true}},
		{`[..., status_code = %^5%, bytes]`, [3]bool{false, true, false}},
	} {
		for i, line := range lines {
			t.Run(w.pattern, func(t *testing.T) {
				p, err := Compile(w.pattern)
				require.NoError(t, err)
				assert.Equal(t, w.lines[i], p.MatchString(line), "line %d", i+1)
				assert.Equal(t, w.lines[i], refMatch(t, w.pattern, line), "reference, line %d", i+1)
			})
		}
	}
	runMatchCases(t, []matchCase{
		{"w1=ERROR matches two-word ERROR", `[w1=ERROR, w2]`, `ERROR message`, true},
		{"w1=ERROR needs exactly two fields", `[w1=ERROR, w2]`, `ERROR WARN message`, false},
		{"w1=ERROR misses WARN", `[w1=ERROR, w2]`, `WARN message`, false},
		{"OR inside a field", `[w1=ERROR || w1=WARN, w2]`, `WARN message`, true},
		{"OR inside a field 2", `[w1=ERROR || w1=WARN, w2]`, `ERROR message`, true},
		{"OR inside a field needs two fields", `[w1=ERROR || w1=WARN, w2]`, `ERROR WARN message`, false},
		{"numeric equality across notations", `[a, b = 200]`, `x 200.0`, true},
		{"numeric comparison on text is false", `[a, b > 1]`, `x abc`, false},
		{"multiple spaces separate like one", `[a, b, c]`, `x   y  z`, true},
		{"two ellipses", `[..., code = 404, ...]`, `GET /x 404 12 ms`, true},
		{"two ellipses no", `[..., code = 404, ...]`, `GET /x 200 12 ms`, false},
		{"ellipsis matches zero fields", `[a, ..., b]`, `x y`, true},
		{"too few fields for the ellipsis pattern", `[a, ..., b]`, `x`, false},
		{"parenthesised conditions", `[a, (b = 1 || b = 2) && b != 3]`, `x 2`, true},
	})
}

func TestExtractedFieldsAsTestMetricFilterReportsThem(t *testing.T) {
	p := MustCompile(`[..., request=*.html*, status_code=4*,]`)
	got, ok := p.Fields([]byte(`127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /products/index.html HTTP/1.0" 404 1534`))
	require.True(t, ok)
	assert.Equal(t, map[string]string{
		"$status_code": "404",
		"$request":     "GET /products/index.html HTTP/1.0",
		"$7":           "1534",
		"$4":           "10/Oct/2000:13:25:15 -0700",
		"$3":           "frank",
		"$2":           "-",
		"$1":           "127.0.0.1",
	}, got)

	p = MustCompile(`[ip, user, ..., status, bytes]`)
	got, ok = p.Fields([]byte(`1.2.3.4 bob a b c 200 99`))
	require.True(t, ok)
	assert.Equal(t, map[string]string{"$ip": "1.2.3.4", "$user": "bob", "$3": "a", "$4": "b", "$5": "c", "$status": "200", "$bytes": "99"}, got)

	got, ok = MustCompile(`ERROR`).Fields([]byte("ERROR x"))
	require.True(t, ok)
	assert.Empty(t, got)
	_, ok = MustCompile(`ERROR`).Fields([]byte("INFO x"))
	assert.False(t, ok)
}

func TestCompileRejectsBadPatternsWithInvalidParameterException(t *testing.T) {
	for _, c := range []struct{ name, pattern, why string }{
		{"unquoted punctuation", `user@example.com`, "double quotes"},
		{"unquoted colon", `ERROR:`, "double quotes"},
		{"unterminated quote", `"ERROR`, "unterminated"},
		{"dangling ?", `ERROR ?`, "operator"},
		{"dangling -", `ERROR -`, "operator"},
		{"unterminated regex", `%abc`, "unterminated"},
		{"regex with parentheses", `%(a|b)%`, "( and )"},
		{"regex with unsupported character", `%something!%`, "not supported"},
		{"regex multi-byte", `%é%`, "multi-byte"},
		{"regex invalid", `%a{2,1}%`, "invalid regular expression"},
		{"three regexes", `{ $.a = %a% || $.b = %b% || $.c = %c% }`, "at most 2"},
		{"json without closing brace", `{ $.a = 1`, "closing }"},
		{"json without selector", `{ a = 1 }`, "selector"},
		{"json without operator", `{ $.a 1 }`, "operator"},
		{"json without value", `{ $.a = }`, "value"},
		{"json numeric operator with string", `{ $.a > abc }`, "need a number"},
		{"json bad index", `{ $.a[x] = 1 }`, "array index"},
		{"json index first", `{ $[0] = 1 }`, "follow a property"},
		{"json unquoted @ value", `{ $.email = john@example.com }`, "double quotes"},
		{"json unquoted $ value", `{ $.a = $5 }`, "double quotes"},
		{"json unquoted unicode value", `{ $.a = café }`, "double quotes"},
		{"delimited unquoted @ value", `[user = a@b, ...]`, "double quotes"},
		{"json unbalanced parens", `{ ($.a = 1 }`, "parenthesis"},
		{"json extra close paren", `{ $.a = 1) }`, "parenthesis"},
		{"json text after brace", `{ $.a = 1 } x`, "after the closing"},
		{"json empty", `{ }`, "selector"},
		{"json lowercase keyword", `{ $.a is null }`, "operator"},
		{"json dangling &&", `{ $.a = 1 && }`, "selector"},
		{"delimited without close", `[a, b`, "closing ]"},
		{"delimited bad separator", `[a b]`, "expected , or ]"},
		{"delimited duplicate names", `[a, a]`, "twice"},
		{"delimited numeric operator with string", `[a > x]`, "need a number"},
		{"delimited text after", `[a] b`, "after the closing"},
		{"delimited bare name in compound", `[a = 1 && b]`, "operator and a value"},
		{"delimited value list in parentheses", `[a, b = (1 || 2)]`, "operator and a value"},
		{"invalid utf-8", "ERR\xffOR", "UTF-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Compile(c.pattern)
			require.Error(t, err, "pattern %q compiled to kind %v", c.pattern, p)
			var ae *awserr.Error
			require.True(t, errors.As(err, &ae))
			assert.Equal(t, "InvalidParameterException", ae.Code)
			assert.Contains(t, ae.Message, c.why)
		})
	}
}

func TestKindsAndLiteral(t *testing.T) {
	assert.Equal(t, KindMatchAll, MustCompile("").Kind())
	assert.Equal(t, KindTerms, MustCompile("ERROR").Kind())
	assert.Equal(t, KindJSON, MustCompile("{ $.a = 1 }").Kind())
	assert.Equal(t, KindSpaceDelimited, MustCompile("[a]").Kind())
	// The prefilter's literal is the term most likely to be rare, not the
	// longest (issue 15): its rarest byte is the rarest in log text.
	for pattern, want := range map[string]string{
		`ERROR timeout`:    "ERROR",
		`timeout ERROR`:    "ERROR",
		`ERROR Exception`:  "ERROR",
		`"status=500" the`: "status=500",
		`the there`:        "there",
	} {
		assert.Equal(t, want, string(MustCompile(pattern).Literal()), pattern)
	}
	assert.Nil(t, MustCompile(`?ERROR ?WARN`).Literal())
	assert.Nil(t, MustCompile(`%ERROR%`).Literal())
	assert.Equal(t, 2, MustCompile(`{ $.a = %x% && $.b = %y% }`).RegexCount())
	assert.Equal(t, []string{"ip", "status"}, MustCompile(`[ip, ..., status = 404]`).FieldNames())
}

func TestPathLookup(t *testing.T) {
	for _, c := range []struct {
		sel, msg, text string
		kind           ValueKind
	}{
		{"$.latency", `{"latency": 50, "requestType": "GET"}`, "50", Number},
		{"$.requestType", `{"latency": 50, "requestType": "GET"}`, "GET", String},
		{"$.a.b[1]", `{"a": {"b": [1, 2.5]}}`, "2.5", Number},
		{"$.a", `{"a": null}`, "null", Null},
		{"$.a", `{"a": true}`, "true", True},
		{"$.a", `{"a": {}}`, "", Object},
		{"$.missing", `{"a": 1}`, "", Missing},
		{"$.a", `not json`, "", Missing},
	} {
		p, err := CompilePath(c.sel)
		require.NoError(t, err)
		text, kind := p.Lookup([]byte(c.msg))
		assert.Equal(t, c.text, text, c.sel)
		assert.Equal(t, c.kind, kind, c.sel)
	}
	_, err := CompilePath("latency")
	assert.Error(t, err)
	_, err = CompilePath("$.a b")
	assert.Error(t, err)
}

func TestIndexLiteralAgreesWithBytesIndex(t *testing.T) {
	hay := []byte(strings.Repeat("GET /api/v1/items HTTP/1.1 200 RRRR ", 40) + "ERROR here" + strings.Repeat(" x", 200))
	for _, lit := range []string{"ERROR", "R", "RRRRR", "here", "x x", "nope", "GET", "1 200 RRRR"} {
		p := MustCompile(`"` + lit + `"`)
		for start := 0; start < len(hay); start += 97 {
			assert.Equal(t, bytes.Index(hay[start:], []byte(lit)), p.IndexLiteral(hay[start:]), "%q from %d", lit, start)
		}
	}
	assert.Equal(t, -1, MustCompile(`?a ?b`).IndexLiteral(hay))
}

// Issue 19.1: `[]` is valid; it matches every event and extracts $1 ... $n (the
// API Reference's TestMetricFilter example "without specifying any fields").
func TestEmptySpaceDelimitedPatternMatchesEveryEventAndExtractsEachField(t *testing.T) {
	for _, src := range []string{`[]`, `[ ]`} {
		p, err := Compile(src)
		require.NoError(t, err, src)
		assert.Equal(t, KindSpaceDelimited, p.Kind())
		f, ok := p.Fields([]byte(`127.0.0.1 - frank "GET /index.html" 200`))
		require.True(t, ok)
		assert.Equal(t, map[string]string{"$1": "127.0.0.1", "$2": "-", "$3": "frank", "$4": "GET /index.html", "$5": "200"}, f)
		assert.True(t, p.MatchString("x"))
		assert.True(t, refMatch(t, src, "x"))
	}
}

// Issue 19.2: the selectors the current guide documents.
func TestJSONSelectorsOfTheCurrentGuide(t *testing.T) {
	k8s := `{"cluster.name": "prod", "kubernetes": {"pod.name": "web-1", "labels": {"app": "web"}}, "arrayKey": ["a", 3, {"x": 1}], "level": "ERROR"}`
	for _, c := range []struct {
		name, pattern, msg string
		want               bool
	}{
		{"[*] matches when any array element matches", `{ $.arrayKey[*] = "a" }`, k8s, true},
		{"[*] compares numbers element by element", `{ $.arrayKey[*] > 2 }`, k8s, true},
		{"[*] then a key looks into the objects of the array", `{ $.arrayKey[*].x = 1 }`, k8s, true},
		{"[*] with no element matching", `{ $.arrayKey[*] = "b" }`, k8s, false},
		{"[*] on a field that is not an array selects nothing", `{ $.level[*] = "ERROR" }`, k8s, false},
		{"[*] NOT EXISTS on an absent array", `{ $.missing[*] NOT EXISTS }`, k8s, true},
		{"$.* matches when any field matches", `{ $.* = "ERROR" }`, k8s, true},
		{"$.* with no field matching", `{ $.* = "WARN" }`, k8s, false},
		{"a nested * matches any field of that object", `{ $.kubernetes.labels.* = "web" }`, k8s, true},
		{"bracket notation selects a key with dots", `{ $.['cluster.name'] = "prod" }`, k8s, true},
		{"bracket notation inside a path", `{ $.kubernetes.['pod.name'] = "web-*" }`, k8s, true},
		{"bracket notation with double quotes", `{ $.["cluster.name"] = "prod" }`, k8s, true},
		{"a dotted path is not a dotted key", `{ $.cluster.name = "prod" }`, k8s, false},
		{"wildcards combine with plain selectors", `{ $.level = "ERROR" && $.arrayKey[*] = 3 }`, k8s, true},
		{"a wildcard pattern matches no non-JSON message", `{ $.* = "ERROR" }`, `ERROR`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Compile(c.pattern)
			require.NoError(t, err)
			assert.Equal(t, c.want, p.MatchString(c.msg))
			assert.Equal(t, c.want, refMatch(t, c.pattern, c.msg), "reference")
		})
	}
	_, err := CompilePath("$.arrayKey[*]")
	assert.Error(t, err, "a metric value takes one value")
	p, err := CompilePath("$.['cluster.name']")
	require.NoError(t, err)
	text, kind := p.Lookup([]byte(k8s))
	assert.Equal(t, "prod", text)
	assert.Equal(t, String, kind)
}
