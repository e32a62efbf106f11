package console_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/localwatch/localwatch/console"
	"github.com/localwatch/localwatch/console/internal/demo"
)

var (
	fuzzOnce    sync.Once
	fuzzHandler http.Handler
)

// FuzzPages sends arbitrary paths and query strings to every page: the
// console must answer (never panic) and never with a 500 — bad input is a
// 4xx with a message.
func FuzzPages(f *testing.F) {
	for _, s := range []string{
		"alarms", "alarms/checkout-latency-high?range=3h", "alarms/x?start=2026-03-02T10:00:00Z&end=2026-03-02T09:00:00Z",
		"metrics?ns=MyApp", "metrics/graph?ns=MyApp&name=Latency&dim=Service%3Dcheckout&stat=p99&period=60&expr=m1*2",
		"metrics/graph?m=%7B%7D", "logs/events?group=%2Fapp%2Fcheckout&filter=%7B+%24.latencyMs+%3E+250+%7D",
		"logs/tail?group=%2Fapp%2Fcheckout&after=0", "logs/group?name=%2Fapp%2Fsearch", "insights?id=zzz",
		"trail?key=EventName&value=CreateTopic&range=1w", "trail/event?id=1", "trail/trail?name=management&range=15m",
		"config/resource?type=AWS%3A%3AEC2%3A%3AInstance&id=i-0abc123", "config/rule?name=team-tag", "config/resources?type=x",
		"sns/topic?arn=arn:aws:sns:us-east-1:123456789012:ops-alerts", "dashboards/checkout", "static/style.css", "?region=eu-west-1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzOnce.Do(func() {
			acct, _, err := demo.New()
			if err != nil {
				t.Fatal(err)
			}
			fuzzHandler = console.New(acct, console.Options{Path: "/c/"})
		})
		target := "/c/" + strings.TrimLeft(s, "/")
		req, err := http.NewRequest(http.MethodGet, "http://localhost"+target, nil)
		if err != nil || req.URL.Host != "localhost" {
			t.Skip()
		}
		rec := httptest.NewRecorder()
		fuzzHandler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String()[:min(rec.Body.Len(), 600)])
		}
	})
}
