// Package browsertest checks the console in a real headless Chromium
// (Debian's chromium package, driven by its command line): the pages load,
// their DOM holds what the server rendered, and screenshots are written for
// a person to look at. It is its own module so the browser tooling never
// enters localwatch's go.mod. A missing browser fails the test; it never
// skips.
package browsertest

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/console"
	"github.com/localwatch/localwatch/console/internal/demo"
	"github.com/localwatch/localwatch/metrics"
)

// browser finds Chromium: $CHROMIUM, else chromium or chromium-browser on
// the PATH.
func browser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM")
	return ""
}

// serve starts the demo account's console on a loopback port.
func serve(t *testing.T) (string, *localwatch.Account, *localwatch.ManualClock) {
	t.Helper()
	acct, clk, err := demo.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(acct.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/_localwatch/", console.New(acct, console.Options{Path: "/_localwatch/"}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String() + "/_localwatch/", acct, clk
}

// chromium runs headless Chromium with args on page and returns its stdout.
// Whatever the page logs to the browser's console (errors, CSP violations,
// uncaught exceptions) fails the test.
func chromium(t *testing.T, bin, page string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,800", "--virtual-time-budget=3000", "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), page)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v on %s: %v\n%s", args, page, err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			t.Errorf("%s logged to the browser console: %s", page, line)
		}
	}
	return string(out)
}

// shots is where screenshots go: $SCREENSHOTS, else the test's temp dir.
func shots(t *testing.T) string {
	if d := os.Getenv("SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func TestConsoleInChromium(t *testing.T) {
	bin := browser(t)
	base, _, _ := serve(t)
	dir := shots(t)
	pages := []struct {
		name, path string
		want       []string
	}{
		{"alarms", "alarms", []string{"checkout-latency-high", "checkout-degraded", `class="badge bad"`, "&lt;script&gt;"}},
		{"alarm", "alarms/checkout-latency-high", []string{"checkout-latency-high", "<svg", "Threshold 250", "StateUpdate"}},
		{"metric", "metrics/graph?ns=MyApp&name=Latency&dim=Service%3Dcheckout", []string{"<svg", "Latency"}},
		{"logs", "logs/events?group=%2Fapp%2Fcheckout&filter=ERROR", []string{"upstream timeout"}},
		{"dashboard", "dashboards/checkout", []string{"<svg", "Latency"}},
		{"trail", "trail?key=EventName&value=PutMetricAlarm", []string{"PutMetricAlarm", "monitoring.amazonaws.com"}},
		{"config", "config/resource?type=AWS%3A%3AEC2%3A%3AInstance&id=i-0abc123", []string{"configuration.instanceType", "m5.large"}},
		{"sns", "sns", []string{"ops-alerts", "oncall@example.com"}},
		{"insights", "insights", []string{"Run query", "/app/checkout"}},
		{"mathalarm", "alarms/checkout-error-rate", []string{"<svg", "errors / requests * 100"}},
		{"loggroup", "logs/group?name=%2Fapp%2Fcheckout", []string{"web-1", "Metric filters"}},
		{"composite", "alarms/checkout-degraded", []string{"Alarms in the rule", "checkout-errors"}},
		{"namespace", "metrics?ns=MyApp", []string{"Graph selected", "Latency"}},
		{"configoverview", "config", []string{"team-tag", "NON_COMPLIANT"}},
		{"traildetail", "trail/trail?name=management", []string{"Integrity validation", "Digest files"}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			u := base + p.path
			dom := chromium(t, bin, u, "--dump-dom")
			for _, w := range p.want {
				if !strings.Contains(dom, w) {
					t.Errorf("%s: the DOM has no %q", p.path, w)
				}
			}
			if strings.Contains(dom, "<script>alert") {
				t.Errorf("%s: an alarm name reached the DOM unescaped", p.path)
			}
			shot := filepath.Join(dir, p.name+".png")
			chromium(t, bin, u, "--screenshot="+shot)
			if st, err := os.Stat(shot); err != nil || st.Size() < 5000 {
				t.Fatalf("screenshot %s missing or blank: %v", shot, err)
			}
			t.Logf("screenshot: %s (%s)", shot, (&url.URL{Path: p.path}).String())
		})
	}
}

// TestAlarmDrivenOnTheClock drives an alarm into ALARM on the manual clock
// while the console is served, and checks that the browser shows the new
// state, the threshold and the ALARM period.
func TestAlarmDrivenOnTheClock(t *testing.T) {
	bin := browser(t)
	base, acct, clk := serve(t)
	st := acct.Region("us-east-1")
	ctx := context.Background()
	th := 50.0
	_, err := st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "browser-load", Namespace: "BrowserTest", MetricName: "Load",
		Statistic: "Average", Period: 60, EvaluationPeriods: 2, Threshold: &th, ComparisonOperator: alarms.GreaterThanThreshold})
	if err != nil {
		t.Fatal(err)
	}
	put := func(v float64) {
		if _, err := st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "BrowserTest", MetricData: []metrics.MetricDatum{{MetricName: "Load", Value: &v}}}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	for range 10 {
		put(20)
	}
	u := base + "alarms/browser-load"
	if dom := chromium(t, bin, u, "--dump-dom"); !strings.Contains(dom, `class="badge good">OK<`) || strings.Contains(dom, "seg-alarm") {
		t.Fatalf("before the load rises the alarm page should show OK and no ALARM period:\n%s", dom)
	}
	for range 5 {
		put(90)
	}
	dom := chromium(t, bin, u, "--dump-dom")
	for _, w := range []string{`class="badge bad">ALARM<`, "seg-alarm", "Threshold 50", "<svg", "OK</span> → <span class=\"badge bad\">ALARM"} {
		if !strings.Contains(dom, w) {
			t.Errorf("after the load rises the alarm page has no %q", w)
		}
	}
	shot := filepath.Join(shots(t), "alarm-driven.png")
	chromium(t, bin, u, "--screenshot="+shot)
	phone := filepath.Join(shots(t), "alarms-phone.png")
	chromium(t, bin, base+"alarms", "--screenshot="+phone, "--window-size=390,844")
	t.Logf("screenshots: %s %s", shot, phone)
}
