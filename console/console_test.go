package console_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/console"
	"github.com/localwatch/localwatch/console/internal/demo"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/trail"
)

// fixture is the demo account served by a console at /_localwatch/.
func fixture(t *testing.T) (*localwatch.Account, *localwatch.ManualClock, http.Handler) {
	t.Helper()
	acct, clk, err := demo.New()
	require.NoError(t, err)
	t.Cleanup(acct.Close)
	return acct, clk, console.New(acct, console.Options{Path: "/_localwatch/"})
}

// get serves one GET and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

var demoStart = demo.Start

func TestPages(t *testing.T) {
	_, _, h := fixture(t)
	cases := []struct {
		name, path string
		want       []string
	}{
		{"alarms list shows each alarm with its state", "/_localwatch/alarms", []string{"checkout-latency-high", "checkout-degraded", "web-cpu", "badge", "sortable"}},
		{"alarm page draws the graph with the threshold", "/_localwatch/alarms/checkout-latency-high", []string{"<svg", "Threshold 250", "StateUpdate", "ops-alerts", "Definition", `class="badge good">Succeeded<`}},
		{"composite alarm lists its children", "/_localwatch/alarms/checkout-degraded", []string{"Alarms in the rule", "checkout-errors", `class="rule-alarm alarm" title="ALARM">checkout-latency-high</a>`, "StateUpdate", `class="seg-alarm"`}},
		{"metric-math alarm draws its expression", "/_localwatch/alarms/checkout-error-rate", []string{"<svg", "Threshold 1.5", "errors / requests * 100"}},
		{"metrics lists namespaces", "/_localwatch/metrics", []string{"MyApp", "MyHosts"}},
		{"a namespace lists its metrics", "/_localwatch/metrics?ns=MyApp", []string{"Latency", "Service=checkout"}},
		{"metric graph page", "/_localwatch/metrics/graph?ns=MyApp&name=Latency&dim=Service%3Dcheckout&stat=Maximum&period=60&range=1h", []string{"<svg", "Maximum", "Datapoints"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(t, h, c.path)
			require.Equal(t, http.StatusOK, code, body)
			for _, w := range c.want {
				assert.Contains(t, body, w)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	_, _, h := fixture(t)
	cases := []struct {
		name, path string
		status     int
		want       string
	}{
		{"unknown alarm", "/_localwatch/alarms/nope", 404, "no alarm named"},
		{"unknown Region", "/_localwatch/alarms?region=mars-1", 404, "not one of this account"},
		{"unknown page", "/_localwatch/frobnicate", 404, "no console page"},
		{"bad state filter", "/_localwatch/alarms?state=MAYBE", 400, "not OK, ALARM"},
		{"malformed range", "/_localwatch/alarms/web-cpu?range=forever", 400, "not a duration"},
		{"malformed start time", "/_localwatch/metrics/graph?ns=MyApp&name=Latency&start=yesterday", 400, "not a time"},
		{"start after end", "/_localwatch/metrics/graph?ns=MyApp&name=Latency&start=2026-03-02T12:00:00Z&end=2026-03-02T10:00:00Z", 400, "not before"},
		{"bad period", "/_localwatch/metrics/graph?ns=MyApp&name=Latency&period=7", 400, "not a valid period"},
		{"unknown namespace", "/_localwatch/metrics?ns=Nope", 404, "no metrics"},
		{"outside the mount point", "/elsewhere", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(t, h, c.path)
			assert.Equal(t, c.status, code)
			assert.Contains(t, body, c.want)
		})
	}
}

func TestHostileNamesAreEscaped(t *testing.T) {
	_, _, h := fixture(t)
	for _, path := range []string{"/_localwatch/alarms", "/_localwatch/alarms/" + url.PathEscape(demo.HostileName)} {
		code, body := get(t, h, path)
		require.Equal(t, http.StatusOK, code, path)
		assert.NotContains(t, body, demo.HostileName, path)
		assert.Contains(t, body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", path)
	}
}

func TestReadOnly(t *testing.T) {
	_, _, h := fixture(t)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_localwatch/alarms", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
}

func TestStaticAssetsAreEmbedded(t *testing.T) {
	_, _, h := fixture(t)
	for _, p := range []string{"/_localwatch/static/style.css", "/_localwatch/static/console.js", "/_localwatch/static/favicon.svg"} {
		code, body := get(t, h, p)
		assert.Equal(t, http.StatusOK, code, p)
		assert.NotEmpty(t, body, p)
	}
}

func TestLogsPages(t *testing.T) {
	_, _, h := fixture(t)
	cases := []struct {
		name, path string
		want       []string
	}{
		{"log groups", "/_localwatch/logs", []string{"/app/checkout", "/app/search"}},
		{"a group's streams", "/_localwatch/logs/group?name=%2Fapp%2Fcheckout", []string{"web-1", "web-2", "Metric filters"}},
		{"events with a filter pattern", "/_localwatch/logs/events?group=%2Fapp%2Fcheckout&filter=ERROR&range=3h", []string{"upstream timeout", "data-tail"}},
		{"a stream's events", "/_localwatch/logs/events?group=%2Fapp%2Fcheckout&stream=web-1", []string{"GET /cart"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(t, h, c.path)
			require.Equal(t, http.StatusOK, code, body)
			for _, w := range c.want {
				assert.Contains(t, body, w)
			}
		})
	}
	t.Run("filter pattern leaves out what does not match", func(t *testing.T) {
		_, body := get(t, h, "/_localwatch/logs/events?group=%2Fapp%2Fcheckout&filter=ERROR&range=3h")
		assert.NotContains(t, body, "GET /cart")
	})
	t.Run("unknown group is 404", func(t *testing.T) {
		code, _ := get(t, h, "/_localwatch/logs/group?name=nope")
		assert.Equal(t, 404, code)
	})
}

func TestLiveTailReturnsOnlyNewEvents(t *testing.T) {
	acct, clk, h := fixture(t)
	after := clk.Now().UnixMilli()
	_, err := acct.Region("us-east-1").Logs.PutLogEvents(context.Background(), logs.PutLogEventsInput{LogGroupName: "/app/checkout", LogStreamName: "web-1",
		LogEvents: []logs.InputLogEvent{{Timestamp: after + 500, Message: "fresh <event>"}}})
	require.NoError(t, err)
	code, body := get(t, h, "/_localwatch/logs/tail?group=%2Fapp%2Fcheckout&after="+strconv.FormatInt(after, 10))
	require.Equal(t, 200, code, body)
	var out struct {
		Events []struct{ ID, Time, Stream, Message string }
		After  int64
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	require.Len(t, out.Events, 1)
	assert.Equal(t, "fresh <event>", out.Events[0].Message)
	assert.Equal(t, after+500, out.After)
	code, _ = get(t, h, "/_localwatch/logs/tail?group=%2Fapp%2Fcheckout&after=soon")
	assert.Equal(t, 400, code)
}

func TestInsightsQueryRunsOnTheClock(t *testing.T) {
	_, clk, h := fixture(t)
	form := url.Values{"group": {"/app/checkout"}, "range": {"3h"}, "query": {"filter @message like /ERROR/ | stats count(*) as errors"}}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/_localwatch/insights", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	loc := rec.Header().Get("Location")
	require.Contains(t, loc, "/_localwatch/insights?id=")
	clk.Advance(time.Minute) // a manual clock runs queries only when it moves
	code, body := get(t, h, loc)
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, "Complete")
	assert.Contains(t, body, "<th>errors</th>")

	t.Run("cross-site POST is refused", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/_localwatch/insights", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		h.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusForbidden, rec.Code)
	})
	t.Run("no log group is a 400", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/_localwatch/insights", strings.NewReader("query=fields+%40message&range=1h"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusBadRequest, rec.Code)
	})
	t.Run("unknown query is a 404", func(t *testing.T) {
		code, _ := get(t, h, "/_localwatch/insights?id=nope")
		assert.Equal(t, 404, code)
	})
}

func TestAuditAndMessagingPages(t *testing.T) {
	_, _, h := fixture(t)
	cases := []struct {
		name, path string
		want       []string
	}{
		{"event history", "/_localwatch/trail", []string{"PutMetricAlarm", "monitoring.amazonaws.com", "Lookup attribute"}},
		{"event history filtered by attribute", "/_localwatch/trail?key=EventName&value=CreateTopic", []string{"CreateTopic"}},
		{"config overview", "/_localwatch/config", []string{"AWS::EC2::Instance", "team-tag", "Recording"}},
		{"config resources of a type", "/_localwatch/config/resources?type=AWS%3A%3AEC2%3A%3AInstance", []string{"i-0abc123"}},
		{"config timeline with diffs", "/_localwatch/config/resource?type=AWS%3A%3AEC2%3A%3AInstance&id=i-0abc123", []string{"configuration.instanceType", "m5.large", "t3.micro", "tags.owner"}},
		{"config rule", "/_localwatch/config/rule?name=team-tag", []string{"REQUIRED_TAGS", "i-0abc123"}},
		{"trail with its integrity validation", "/_localwatch/trail/trail?name=management", []string{"Integrity validation", `class="badge good">Valid<`, "Digest files", "CloudTrail-Digest/us-east-1/", ".json.gz"}},
		{"sns topics and subscriptions", "/_localwatch/sns", []string{"ops-alerts", "oncall@example.com", "Outbox", "Recent deliveries", `class="badge good">Delivered<`}},
		{"sns topic", "/_localwatch/sns/topic?arn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aops-alerts", []string{"TopicArn", "oncall@example.com"}},
		{"dashboards", "/_localwatch/dashboards", []string{"checkout"}},
		{"dashboard draws metric widgets as SVG", "/_localwatch/dashboards/checkout", []string{"<svg", "grid-column:1 / span 12", "latency SLO"}},
		{"other Region is empty but works", "/_localwatch/alarms?region=eu-west-1", []string{"No alarms", `value="eu-west-1" selected`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(t, h, c.path)
			require.Equal(t, http.StatusOK, code, body)
			for _, w := range c.want {
				assert.Contains(t, body, w)
			}
		})
	}
	for _, path := range []string{
		"/_localwatch/trail/event?id=nope", "/_localwatch/config/resource?type=AWS%3A%3AEC2%3A%3AInstance&id=nope",
		"/_localwatch/config/rule?name=nope", "/_localwatch/sns/topic?arn=nope", "/_localwatch/dashboards/nope",
	} {
		code, _ := get(t, h, path)
		assert.Equal(t, http.StatusNotFound, code, path)
	}
	code, _ := get(t, h, "/_localwatch/trail?key=Color&value=red")
	assert.Equal(t, http.StatusBadRequest, code)
}

func TestTrailEventShowsItsRecord(t *testing.T) {
	acct, _, h := fixture(t)
	out, err := acct.Region("us-east-1").Trail.LookupEvents(context.Background(), trail.LookupEventsInput{
		LookupAttributes: []trail.LookupAttribute{{AttributeKey: trail.LookupEventName, AttributeValue: "CreateTopic"}}})
	require.NoError(t, err)
	require.NotEmpty(t, out.Events)
	code, body := get(t, h, "/_localwatch/trail/event?id="+out.Events[0].EventId)
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, "&#34;eventName&#34;: &#34;CreateTopic&#34;")
}

func TestConsoleReadsAreNotRecorded(t *testing.T) {
	acct, _, h := fixture(t)
	count := func() int {
		n := 0
		for e := range acct.Region("us-east-1").Trail.LookupEventsAll(context.Background(), trail.LookupEventsInput{}) {
			if e.EventName != "LookupEvents" { // this count's own calls
				n++
			}
		}
		return n
	}
	before := count()
	for _, p := range []string{"/_localwatch/alarms", "/_localwatch/alarms/web-cpu", "/_localwatch/logs", "/_localwatch/sns", "/_localwatch/dashboards/checkout"} {
		code, _ := get(t, h, p)
		require.Equal(t, 200, code, p)
	}
	assert.Equal(t, before, count())
}

func TestMetricGraphWithSeveralMetricsAndMath(t *testing.T) {
	_, _, h := fixture(t)
	q := url.Values{
		"m":    {`{"Namespace":"MyApp","MetricName":"Requests","Dimensions":[{"Name":"Service","Value":"checkout"}]}`, `{"Namespace":"MyApp","MetricName":"Errors","Dimensions":[{"Name":"Service","Value":"checkout"}]}`},
		"stat": {"Sum"}, "expr": {"m2 / m1 * 100"}, "range": {"3h"},
	}
	code, body := get(t, h, "/_localwatch/metrics/graph?"+q.Encode())
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, "2 metrics")
	assert.Contains(t, body, "Requests (checkout)")
	assert.Contains(t, body, "m2 / m1 * 100")
	assert.Contains(t, body, "<svg")

	t.Run("alarms on a single metric are listed", func(t *testing.T) {
		_, body := get(t, h, "/_localwatch/metrics/graph?ns=MyApp&name=Latency&dim=Service%3Dcheckout")
		assert.Contains(t, body, "Alarms on this metric")
		assert.Contains(t, body, "checkout-latency-high")
	})
	t.Run("a metric that is not JSON is a 400", func(t *testing.T) {
		code, _ := get(t, h, "/_localwatch/metrics/graph?m=Latency")
		assert.Equal(t, 400, code)
	})
	t.Run("no metric is a 400", func(t *testing.T) {
		code, _ := get(t, h, "/_localwatch/metrics/graph")
		assert.Equal(t, 400, code)
	})
	t.Run("a bad expression is a 4xx with AWS's message", func(t *testing.T) {
		code, body := get(t, h, "/_localwatch/metrics/graph?ns=MyApp&name=Latency&expr=%28%28")
		assert.True(t, code >= 400 && code < 500, "status %d", code)
		assert.Contains(t, body, "Validation")
	})
}

func TestInsightsBinStatsAreDrawn(t *testing.T) {
	_, clk, h := fixture(t)
	form := url.Values{"group": {"/app/checkout"}, "range": {"3h"}, "query": {"stats count(*) as events by bin(30m)"}}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/_localwatch/insights", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	clk.Advance(time.Minute)
	code, body := get(t, h, rec.Header().Get("Location"))
	require.Equal(t, 200, code, body)
	assert.Contains(t, body, "<th>bin(30m)</th>")
	assert.Contains(t, body, "<svg")
}

func TestSetAlarmStateOnlyWhenActionsAreAllowed(t *testing.T) {
	acct, _, _ := fixture(t)
	post := func(h http.Handler, site string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/_localwatch/alarms/web-cpu/state", strings.NewReader("state=ALARM&reason=drill"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	state := func() alarms.StateValue {
		out, err := acct.Region("us-east-1").Alarms.DescribeAlarms(context.Background(), alarms.DescribeAlarmsInput{AlarmNames: []string{"web-cpu"}})
		require.NoError(t, err)
		return out.MetricAlarms[0].StateValue
	}
	readOnly := console.New(acct, console.Options{Path: "/_localwatch/"})
	assert.Equal(t, http.StatusMethodNotAllowed, post(readOnly, "same-origin").Code)
	_, body := get(t, readOnly, "/_localwatch/alarms/web-cpu")
	assert.NotContains(t, body, "Set state")
	assert.Equal(t, alarms.StateOK, state())

	rw := console.New(acct, console.Options{Path: "/_localwatch/", AllowActions: true})
	_, body = get(t, rw, "/_localwatch/alarms/web-cpu")
	assert.Contains(t, body, "Set state")
	assert.Equal(t, http.StatusForbidden, post(rw, "cross-site").Code)
	assert.Equal(t, alarms.StateOK, state())
	rec := post(rw, "same-origin")
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	assert.Equal(t, "/_localwatch/alarms/web-cpu", rec.Header().Get("Location"))
	assert.Equal(t, alarms.StateAlarm, state())

	t.Run("a bad state answers SetAlarmState's error", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/_localwatch/alarms/web-cpu/state", strings.NewReader("state=MAYBE"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rw.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusBadRequest, rec.Code)
	})
}
