package console

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/internal/event"
)

//go:embed assets
var assets embed.FS

// TimeFormat is how the console shows times: UTC, ISO 8601, to the second.
const TimeFormat = "2006-01-02T15:04:05Z"

// Options configure a console. The zero value serves it at "/" with the
// account's first Region selected.
type Options struct {
	// Path is where the handler is mounted, with a trailing slash (default
	// "/"). Every link the console writes starts with it, and the handler
	// answers 404 for paths outside it.
	Path string
	// Region is the Region shown when a request names none (default: the
	// account's first Region).
	Region string
	// RefreshInterval is how often pages with auto-refresh reload, and
	// live tail polls (default 10s; live tail polls at most every 2s).
	RefreshInterval time.Duration
	// AllowActions turns on the console's one write action: setting an
	// alarm's state (SetAlarmState, as `aws cloudwatch set-alarm-state`),
	// from a form on the alarm's page, sent by POST from the console's own
	// pages only. Off by default: the console is read-only.
	AllowActions bool
}

// handler serves the web console; it is safe for concurrent use.
type handler struct {
	acct   *localwatch.Account
	opts   Options
	pages  map[string]*template.Template
	static http.Handler
}

// New returns the web console of acct as an http.Handler. It reads the
// services on each request and keeps no state of its own; it is safe for
// concurrent use.
func New(acct *localwatch.Account, opts Options) http.Handler {
	if opts.Path == "" {
		opts.Path = "/"
	}
	if !strings.HasPrefix(opts.Path, "/") {
		opts.Path = "/" + opts.Path
	}
	if !strings.HasSuffix(opts.Path, "/") {
		opts.Path += "/"
	}
	if opts.Region == "" || acct.Region(opts.Region) == nil {
		if rs := acct.Regions(); len(rs) > 0 {
			opts.Region = rs[0]
		}
	}
	if opts.RefreshInterval <= 0 {
		opts.RefreshInterval = 10 * time.Second
	}
	static, _ := fs.Sub(assets, "assets/static")
	c := &handler{acct: acct, opts: opts, pages: parsePages(), static: http.FileServerFS(static)}
	return c
}

// parsePages parses the layout once per page template, so each page
// defines its own "content".
func parsePages() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "assets/templates/layout.html", "assets/templates/partials.html"))
	names, _ := fs.Glob(assets, "assets/templates/*.html")
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(n[strings.LastIndex(n, "/")+1:], ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		pages[base] = template.Must(template.Must(layout.Clone()).ParseFS(assets, n))
	}
	return pages
}

var funcs = template.FuncMap{
	"time": fmtTime,
	"ms": func(ms int64) string {
		if ms == 0 {
			return ""
		}
		return fmtTime(time.UnixMilli(ms))
	},
	"msp": func(ms *int64) string {
		if ms == nil {
			return ""
		}
		return fmtTime(time.UnixMilli(*ms))
	},
	"esc":   url.PathEscape,
	"lower": strings.ToLower,
	"join":  strings.Join,
	"num": func(f float64) string {
		return strconv.FormatFloat(f, 'g', -1, 64)
	},
	"pretty": prettyJSON,
	"badge":  badgeClass,
	"inc":    func(i int) int { return i + 1 },
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// prettyJSON indents JSON text (or marshals a value) for display.
func prettyJSON(v any) string {
	var raw []byte
	switch x := v.(type) {
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	default:
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return string(raw)
	}
	return out.String()
}

// badgeClass is the CSS class of a state or compliance value.
func badgeClass(s any) string {
	switch strings.ToUpper(fmt.Sprint(s)) {
	case "ALARM", "NON_COMPLIANT", "FAILED", "DELETED", "RESOURCEDELETED", "FALSE_FAIL":
		return "badge bad"
	case "OK", "COMPLIANT", "COMPLETE", "SUCCEEDED", "VALID", "CONFIRMED", "OK_DISCOVERED", "DELIVERED":
		return "badge good"
	case "INSUFFICIENT_DATA", "INSUFFICIENT_DATA_", "NOT_APPLICABLE", "PENDINGCONFIRMATION", "SCHEDULED", "RUNNING":
		return "badge neutral"
	}
	return "badge"
}

// page is what every template receives: the layout's fields and the page's
// own Data.
type page struct {
	Title    string
	Nav      string
	Base     string
	Region   string
	Regions  []string
	Now      time.Time
	Refresh  int // seconds; 0: the page does not auto-refresh
	Poll     int // seconds; the page reloads itself (a query still running)
	Crumbs   []crumb
	Data     any
	defaultR string
}

type crumb struct{ Label, Href string }

// Link is the URL of a console path (relative to the mount point) with the
// query parameters kv (pairs; empty values are left out) and the current
// Region when it is not the default.
func (p *page) Link(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Add(kv[i], kv[i+1])
		}
	}
	if p.Region != p.defaultR {
		q.Set("region", p.Region)
	}
	u := p.Base + strings.TrimPrefix(path, "/")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// ResourceLink is the console page of a resource a CloudTrail event or an
// action names (an alarm, a topic, a log group), or else its CloudTrail
// events.
func (p *page) ResourceLink(typ, name string) string {
	short := name[strings.LastIndex(name, ":")+1:]
	switch {
	case typ == "AWS::CloudWatch::Alarm" || strings.Contains(name, ":alarm:"):
		return p.Link("alarms/" + url.PathEscape(short))
	case typ == "AWS::SNS::Topic" || strings.HasPrefix(name, "arn:aws:sns:"):
		return p.Link("sns/topic", "arn", name)
	case typ == "AWS::Logs::LogGroup":
		return p.Link("logs/group", "name", strings.TrimSuffix(strings.TrimPrefix(name[strings.Index(name, ":log-group:")+1:], "log-group:"), ":*"))
	}
	return p.Link("trail", "key", "ResourceName", "value", name)
}

// RegionLink is the current page's URL in another Region.
func (p *page) RegionLink(region string) string {
	return p.Base + "?region=" + url.QueryEscape(region)
}

// request is one request being served.
type request struct {
	c      *handler
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	stack  *localwatch.Stack
	region string
	q      url.Values
}

// httpError is an error with the status to answer and a message for the
// user.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func notFound(format string, a ...any) error {
	return &httpError{http.StatusNotFound, fmt.Sprintf(format, a...)}
}

func badRequest(format string, a ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// ServeHTTP routes a request to its page.
func (c *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, c.opts.Path) && p+"/" != c.opts.Path {
		http.NotFound(w, r)
		return
	}
	rest := strings.TrimPrefix(p, c.opts.Path)
	if strings.HasPrefix(rest, "static/") {
		w.Header().Set("Cache-Control", "max-age=3600")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + strings.TrimPrefix(rest, "static/")
		r2.URL.RawPath = ""
		c.static.ServeHTTP(w, r2)
		return
	}
	var segs []string
	for _, s := range strings.Split(strings.Trim(rest, "/"), "/") {
		u, err := url.PathUnescape(s)
		if err != nil {
			c.fail(w, r, nil, badRequest("The path %q is not a valid URL path.", rest))
			return
		}
		segs = append(segs, u)
	}
	post := segs[0] == "insights" || (c.opts.AllowActions && segs[0] == "alarms" && len(segs) == 3 && segs[2] == "state")
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !(r.Method == http.MethodPost && post) {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the console is read-only", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	region := q.Get("region")
	if region == "" {
		region = c.opts.Region
	}
	req := &request{c: c, w: w, r: r, ctx: event.Unrecorded(r.Context()), region: region, q: q}
	req.stack = c.acct.Region(region)
	if req.stack == nil {
		c.fail(w, r, req, notFound("The Region %q is not one of this account's Regions (%s).", region, strings.Join(c.acct.Regions(), ", ")))
		return
	}
	var err error
	switch segs[0] {
	case "":
		http.Redirect(w, r, req.page("", "").Link("alarms"), http.StatusFound)
		return
	case "alarms":
		err = req.alarms(segs[1:])
	case "metrics":
		err = req.metrics(segs[1:])
	case "logs":
		err = req.logs(segs[1:])
	case "insights":
		err = req.insights(segs[1:])
	case "trail":
		err = req.trail(segs[1:])
	case "config":
		err = req.config(segs[1:])
	case "sns":
		err = req.sns(segs[1:])
	case "dashboards":
		err = req.dashboards(segs[1:])
	default:
		err = notFound("There is no console page at %q.", rest)
	}
	if err != nil {
		c.fail(w, r, req, err)
	}
}

// page starts a page's data.
func (q *request) page(nav, title string, crumbs ...crumb) *page {
	return &page{
		Title: title, Nav: nav, Base: q.c.opts.Path, Region: q.region, Regions: q.c.acct.Regions(),
		Now: q.c.acct.Clock.Now(), Crumbs: crumbs, defaultR: q.c.opts.Region,
	}
}

// render writes a page with status 200.
func (q *request) render(tmpl string, p *page) error {
	var buf bytes.Buffer
	if err := q.c.pages[tmpl].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return &httpError{http.StatusInternalServerError, "The page could not be drawn: " + err.Error()}
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	_, _ = q.w.Write(buf.Bytes())
	return nil
}

// fail renders an error page: a 4xx for bad input and unknown names, the
// service's own status for its errors.
func (c *handler) fail(w http.ResponseWriter, r *http.Request, q *request, err error) {
	status, msg := http.StatusInternalServerError, err.Error()
	var he *httpError
	var ae *localwatch.Error
	switch {
	case asErr(err, &he):
		status = he.status
	case asErr(err, &ae):
		status = ae.StatusCode
		if status == 0 {
			status = http.StatusBadRequest
		}
		msg = ae.Code + ": " + ae.Message
	}
	region := c.opts.Region
	if q != nil {
		region = q.region
	}
	p := &page{Title: http.StatusText(status), Base: c.opts.Path, Region: region, Regions: c.acct.Regions(),
		Now: c.acct.Clock.Now(), defaultR: c.opts.Region, Data: map[string]any{"Status": status, "Message": msg}}
	if c.acct.Region(region) == nil {
		p.Region = c.opts.Region
	}
	var buf bytes.Buffer
	_ = c.pages["error"].ExecuteTemplate(&buf, "layout.html", p)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeJSON answers the JSON endpoints (live tail).
func (q *request) writeJSON(v any) error {
	q.w.Header().Set("Content-Type", "application/json")
	q.w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(q.w).Encode(v)
}

// parseRange reads a relative range ("3h", "15m", "2d", "1w") or an absolute
// one (start and end as RFC 3339) from the query; def is the default
// relative range.
func (q *request) parseRange(def time.Duration) (start, end time.Time, label string, err error) {
	now := q.c.acct.Clock.Now().UTC()
	if s, e := q.q.Get("start"), q.q.Get("end"); s != "" || e != "" {
		if start, err = parseTime(s); err != nil {
			return start, end, "", badRequest("The start time %q is not a time: give RFC 3339, e.g. 2026-01-02T15:04:05Z.", s)
		}
		end = now
		if e != "" {
			if end, err = parseTime(e); err != nil {
				return start, end, "", badRequest("The end time %q is not a time: give RFC 3339, e.g. 2026-01-02T15:04:05Z.", e)
			}
		}
		if !start.Before(end) {
			return start, end, "", badRequest("The start time %s is not before the end time %s.", fmtTime(start), fmtTime(end))
		}
		return start, end, "", nil
	}
	d := def
	label = q.q.Get("range")
	if label != "" {
		if d, err = parseDuration(label); err != nil {
			return start, end, "", err
		}
	} else {
		label = fmtDuration(def)
	}
	return now.Add(-d), now, label, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

// parseDuration reads 15m, 3h, 2d, 1w (and Go durations).
func parseDuration(s string) (time.Duration, error) {
	bad := badRequest("The range %q is not a duration: give e.g. 15m, 3h, 1d or 1w.", s)
	if s == "" {
		return 0, bad
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	if n, err := strconv.Atoi(s[:len(s)-1]); err == nil && unit != 0 && n > 0 && n <= 5000 {
		return time.Duration(n) * unit, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, bad
}

func fmtDuration(d time.Duration) string {
	switch {
	case d%(7*24*time.Hour) == 0:
		return strconv.Itoa(int(d/(7*24*time.Hour))) + "w"
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/time.Minute)) + "m"
}

// ranges are the relative ranges the pickers offer.
var ranges = []string{"15m", "1h", "3h", "12h", "1d", "3d", "1w"}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

// sameOrigin refuses a POST that a browser says comes from another site
// (Sec-Fetch-Site, else Origin), so another page cannot make a visitor's
// browser start queries or change alarms.
func sameOrigin(r *http.Request) error {
	forbidden := &httpError{http.StatusForbidden, "The console accepts this request only from its own pages."}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		if site != "same-origin" && site != "none" {
			return forbidden
		}
		return nil
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return forbidden
		}
	}
	return nil
}
