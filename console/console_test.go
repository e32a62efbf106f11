package console_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/console"
	"github.com/localwatch/localwatch/console/internal/demo"
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

func TestPages(t *testing.T) {
	_, _, h := fixture(t)
	cases := []struct {
		name, path string
		want       []string
	}{
		{"alarms list shows each alarm with its state", "/_localwatch/alarms", []string{"checkout-latency-high", "checkout-degraded", "web-cpu", "badge", "sortable"}},
		{"alarm page draws the graph with the threshold", "/_localwatch/alarms/checkout-latency-high", []string{"<svg", "Threshold 250", "StateUpdate", "ops-alerts", "Definition"}},
		{"composite alarm lists its children", "/_localwatch/alarms/checkout-degraded", []string{"Alarms in the rule", "checkout-errors", "ALARM(&#34;checkout-latency-high&#34;)"}},
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
