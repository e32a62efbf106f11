// Package dashboards is CloudWatch's dashboards and metric graph images:
// PutDashboard (the dashboard body validated as CloudWatch does, answering
// DashboardValidationMessages), GetDashboard, ListDashboards,
// DeleteDashboards, and GetMetricWidgetImage, which draws a metric widget
// (the same "metrics" syntax as dashboards: metrics with "." repeats,
// rendering options, math expressions, SEARCH, anomaly bands) to a PNG with
// the graph package, its data from GetMetricData.
//
// A dashboard body is a JSON object with a "widgets" array; each widget has a
// "type" (metric, text, alarm, log, explorer, custom), a position ("x" 0-23,
// "y" ≥ 0), a size ("width" 1-24, "height" 1-1000) and "properties" as the
// CloudWatch API reference's "Dashboard Body Structure and Syntax" gives them:
// a metric widget needs "metrics" (or an alarm annotation) and "region"; a
// text widget "markdown"; an alarm widget "alarms"; a log widget "query" and
// "region". Problems are reported with JSON paths (DataPath "/widgets/0/
// properties") and JSON-schema style messages ("Should have required property
// 'region'"); a body with any answers InvalidParameterInput and is not
// stored. The exact texts of AWS's schema messages are not published; ours
// follow the style of the messages AWS returns.
//
// Differences from AWS: widgets are not rendered for dashboards themselves
// (GetDashboard returns the body; the console package draws it); dashboard
// variables are stored and validated for shape only; "region" in a widget
// must be the service's own Region to be drawn (cross-Region graphs need the
// other Region's stack).
package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/graph"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/pagetoken"
	"github.com/localwatch/localwatch/metrics"
)

// MetricDataSource answers GetMetricData; *metrics.Service is one.
type MetricDataSource interface {
	GetMetricData(ctx context.Context, in metrics.GetMetricDataInput) (*metrics.GetMetricDataOutput, error)
}

// Options configure a Service. The zero value works; Metrics is needed for
// GetMetricWidgetImage.
type Options struct {
	// Clock stamps LastModified and is "now" for widget time ranges (nil:
	// the wall clock).
	Clock clock.Clock
	// Bus, when set, is where the service records its API calls.
	Bus *bus.Bus
	// IDs generates request and event IDs (nil: random).
	IDs *ids.Source
	// Region is the AWS Region (default "us-east-1").
	Region string
	// AccountID is the AWS account (default "123456789012").
	AccountID string
	// Metrics answers the queries of GetMetricWidgetImage.
	Metrics MetricDataSource
	// Journal is set by localwatch.Account when its Options.DataDir is set;
	// leave nil.
	Journal op.Journal
	// States is set by localwatch.Account when its Options.DataDir is set;
	// collects the service's checkpoint hooks.
	States *op.States
}

// EventSource is the CloudTrail event source of the dashboards service.
const EventSource = "monitoring.amazonaws.com"

// Limits CloudWatch documents for dashboards.
const (
	MaxDashboardNameLength = 255
	MaxWidgets             = 500
	MaxMetricsPerWidget    = 500
	MaxMetricsPerDashboard = 2500
	// listPage is how many entries ListDashboards returns at a time.
	listPage = 1000
)

// Service is CloudWatch's dashboards and GetMetricWidgetImage. It is safe for
// concurrent use.
type Service struct {
	op     op.Service // clock, IDs, Region, account, recorder, closed flag
	source MetricDataSource

	mu     sync.Mutex // guards boards
	boards map[string]*dashboard
}

type dashboard struct {
	name     string
	body     string
	modified time.Time
}

// New returns a Service.
func New(opts Options) *Service {
	s := &Service{source: opts.Metrics, boards: map[string]*dashboard{}}
	s.op.Init(op.Common{Clock: opts.Clock, Bus: opts.Bus, IDs: opts.IDs, Region: opts.Region, AccountID: opts.AccountID, Journal: opts.Journal, States: opts.States},
		"dashboards", EventSource, "ServiceUnavailable")
	s.op.SetStateHooks(op.StateHooks{Save: s.saveState, Load: s.loadState})
	return s
}

// Close makes every later call answer ServiceUnavailable (HTTP 503). It is
// idempotent.
func (s *Service) Close() { s.op.MarkClosed() }

// dashboardARN is arn:aws:cloudwatch::<account>:dashboard/<name> (dashboards
// are global: the ARN has no Region).
func (s *Service) dashboardARN(name string) string {
	return arn.New("cloudwatch", "", s.op.AccountID, "dashboard/"+name)
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func validateName(field, name string) error {
	if name == "" {
		return awserr.Missing(field)
	}
	if len(name) > MaxDashboardNameLength || !nameRE.MatchString(name) {
		return awserr.New("InvalidParameterValue", "The value %q for %s is invalid: a dashboard name is 1-255 characters of A-Z, a-z, 0-9, \"-\" and \"_\".", name, field)
	}
	return nil
}

// invalidInput is DashboardInvalidInputError: code InvalidParameterInput with
// the messages in its text.
func invalidInput(msgs []ValidationMessage) error {
	var b strings.Builder
	fmt.Fprintf(&b, "The dashboard body is invalid, there are %d validation errors: [", len(msgs))
	for i, m := range msgs {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " { \"dataPath\": %q, \"message\": %q }", m.DataPath, m.Message)
	}
	b.WriteString(" ]")
	return &InvalidInputError{Messages: msgs, err: awserr.New("InvalidParameterInput", "%s", b.String())}
}

// InvalidInputError is PutDashboard's and GetMetricWidgetImage's answer to an
// invalid body or widget: code InvalidParameterInput, with the validation
// messages (errors.As finds it; errors.Is matches ErrInvalidParameterInput).
type InvalidInputError struct {
	Messages []ValidationMessage
	err      *awserr.Error
}

// ErrInvalidParameterInput matches InvalidInputError with errors.Is.
var ErrInvalidParameterInput = awserr.Sentinel("InvalidParameterInput")

func (e *InvalidInputError) Error() string { return e.err.Error() }

// Unwrap returns the AWS-style error.
func (e *InvalidInputError) Unwrap() error { return e.err }

// PutDashboard creates or replaces a dashboard. An invalid body answers
// InvalidParameterInput with the validation messages and changes nothing.
func (s *Service) PutDashboard(ctx context.Context, in PutDashboardInput) (*PutDashboardOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDashboard"}, in, s.putDashboard)
}

func (s *Service) putDashboard(_ context.Context, c *event.Call, in PutDashboardInput) (*PutDashboardOutput, error) {
	c.Params = func() any { return map[string]any{"dashboardName": in.DashboardName} }
	if err := validateName("DashboardName", in.DashboardName); err != nil {
		return nil, err
	}
	if in.DashboardBody == "" {
		return nil, awserr.Missing("DashboardBody")
	}
	if msgs := validateBody(in.DashboardBody); len(msgs) > 0 {
		return nil, invalidInput(msgs)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.boards[in.DashboardName] = &dashboard{name: in.DashboardName, body: in.DashboardBody, modified: s.op.Clock.Now()}
	return &PutDashboardOutput{DashboardValidationMessages: []ValidationMessage{}}, nil
}

// GetDashboard returns a dashboard's body; a missing one answers
// ResourceNotFound (HTTP 404).
func (s *Service) GetDashboard(ctx context.Context, in GetDashboardInput) (*GetDashboardOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetDashboard", ReadOnly: true}, in, s.getDashboard)
}

func (s *Service) getDashboard(_ context.Context, c *event.Call, in GetDashboardInput) (*GetDashboardOutput, error) {
	c.Params = func() any { return map[string]any{"dashboardName": in.DashboardName} }
	if err := validateName("DashboardName", in.DashboardName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.boards[in.DashboardName]
	if !ok {
		return nil, notFound(in.DashboardName)
	}
	return &GetDashboardOutput{DashboardArn: s.dashboardARN(d.name), DashboardBody: d.body, DashboardName: d.name}, nil
}

func notFound(name string) error {
	return awserr.New("ResourceNotFound", "Dashboard %s does not exist", name).WithStatus(404)
}

// ListDashboards lists dashboards in name order, optionally those whose names
// start with a prefix, 1,000 at a time.
func (s *Service) ListDashboards(ctx context.Context, in ListDashboardsInput) (*ListDashboardsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListDashboards", ReadOnly: true}, in, s.listDashboards)
}

// ListDashboardsAll iterates over every dashboard ListDashboards returns for
// in, page after page from in.NextToken (usually empty). Iteration stops at
// the first error, which is yielded.
func (s *Service) ListDashboardsAll(ctx context.Context, in ListDashboardsInput) iter.Seq2[DashboardEntry, error] {
	return func(yield func(DashboardEntry, error) bool) {
		for {
			out, err := s.ListDashboards(ctx, in)
			if err != nil {
				yield(DashboardEntry{}, err)
				return
			}
			for _, e := range out.DashboardEntries {
				if !yield(e, nil) {
					return
				}
			}
			if out.NextToken == "" {
				return
			}
			in.NextToken = out.NextToken
		}
	}
}

func (s *Service) listDashboards(_ context.Context, c *event.Call, in ListDashboardsInput) (*ListDashboardsOutput, error) {
	c.RequestParameters = in
	if in.DashboardNamePrefix != "" && (len(in.DashboardNamePrefix) > MaxDashboardNameLength || !nameRE.MatchString(in.DashboardNamePrefix)) {
		return nil, awserr.InvalidValue("DashboardNamePrefix", in.DashboardNamePrefix, "a prefix is up to 255 characters of A-Z, a-z, 0-9, \"-\" and \"_\"")
	}
	after := ""
	if in.NextToken != "" {
		t, ok := pagetoken.Decode(in.NextToken)
		if !ok || !strings.HasPrefix(t, "d:") {
			return nil, awserr.New("InvalidParameterValue", "The value %q for NextToken is invalid.", in.NextToken)
		}
		after = t[2:]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.boards))
	for n := range s.boards {
		if strings.HasPrefix(n, in.DashboardNamePrefix) && n > after {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := &ListDashboardsOutput{DashboardEntries: []DashboardEntry{}}
	for i, n := range names {
		if i == listPage {
			out.NextToken = pagetoken.Encode("d:" + names[i-1])
			break
		}
		d := s.boards[n]
		out.DashboardEntries = append(out.DashboardEntries, DashboardEntry{DashboardName: n, DashboardArn: s.dashboardARN(n), LastModified: d.modified, Size: int64(len(d.body))})
	}
	return out, nil
}

// DeleteDashboards deletes dashboards; if any does not exist, none is deleted
// and the answer is ResourceNotFound.
func (s *Service) DeleteDashboards(ctx context.Context, in DeleteDashboardsInput) (*DeleteDashboardsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteDashboards"}, in, s.deleteDashboards)
}

func (s *Service) deleteDashboards(_ context.Context, c *event.Call, in DeleteDashboardsInput) (*DeleteDashboardsOutput, error) {
	c.Params = func() any { return map[string]any{"dashboardNames": in.DashboardNames} }
	if len(in.DashboardNames) == 0 {
		return nil, awserr.Missing("DashboardNames")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range in.DashboardNames {
		if _, ok := s.boards[n]; !ok {
			return nil, notFound(n)
		}
	}
	for _, n := range in.DashboardNames {
		delete(s.boards, n)
	}
	return &DeleteDashboardsOutput{}, nil
}

// GetMetricWidgetImage draws a metric widget to a PNG: its data from
// GetMetricData (over the widget's start/end, default the last three hours),
// drawn by the graph package at the widget's width and height (default 600 x
// 400). An invalid widget answers InvalidParameterInput.
func (s *Service) GetMetricWidgetImage(ctx context.Context, in GetMetricWidgetImageInput) (*GetMetricWidgetImageOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetMetricWidgetImage", ReadOnly: true}, in, s.getMetricWidgetImage)
}

func (s *Service) getMetricWidgetImage(ctx context.Context, c *event.Call, in GetMetricWidgetImageInput) (*GetMetricWidgetImageOutput, error) {
	c.Params = func() any { return map[string]any{"outputFormat": in.OutputFormat} }
	if in.MetricWidget == "" {
		return nil, awserr.Missing("MetricWidget")
	}
	switch in.OutputFormat {
	case "", "png", "image/png":
	default:
		return nil, awserr.InvalidValue("OutputFormat", in.OutputFormat, "only png (and image/png) is supported")
	}
	img, err := s.drawWidget(ctx, in.MetricWidget, "png")
	if err != nil {
		return nil, err
	}
	return &GetMetricWidgetImageOutput{MetricWidgetImage: img}, nil
}

// MetricWidgetSVG draws a metric widget as GetMetricWidgetImage does, but as
// SVG, for pages that embed the graph (the console's dashboards). It is not
// an AWS operation and records no API call; errors are GetMetricWidgetImage's.
func (s *Service) MetricWidgetSVG(ctx context.Context, widget string) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	if widget == "" {
		return nil, awserr.Missing("MetricWidget")
	}
	return s.drawWidget(ctx, widget, "svg")
}

// drawWidget validates a metric widget, queries its data and draws it in
// format ("png" or "svg").
func (s *Service) drawWidget(ctx context.Context, widget, format string) ([]byte, error) {
	var w MetricWidget
	dec := json.NewDecoder(strings.NewReader(widget))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		return nil, invalidInput([]ValidationMessage{{DataPath: "", Message: "The widget is not valid JSON: " + err.Error()}})
	}
	if len(w.Metrics) == 0 {
		return nil, invalidInput([]ValidationMessage{{DataPath: "", Message: "Should have required property 'metrics'"}})
	}
	if len(w.Metrics) > MaxMetricsPerWidget {
		return nil, invalidInput([]ValidationMessage{{DataPath: "/metrics", Message: fmt.Sprintf("Should NOT have more than %d items", MaxMetricsPerWidget)}})
	}
	q, msgs := buildQuery(&w, s.op.Clock.Now(), "")
	if len(msgs) > 0 {
		return nil, invalidInput(msgs)
	}
	if s.source == nil {
		return nil, awserr.New("InternalServiceError", "no metrics source is configured for GetMetricWidgetImage").WithStatus(500)
	}
	data, err := s.source.GetMetricData(event.Unrecorded(ctx), q.in)
	if err != nil {
		return nil, err
	}
	period := time.Duration(300) * time.Second
	if w.Period != nil {
		if p, err := w.Period.Int64(); err == nil {
			period = time.Duration(p) * time.Second
		}
	}
	opts := q.opts
	opts.Format = format
	var buf bytes.Buffer
	if err := graph.Render(&buf, q.series(data, period), opts); err != nil {
		return nil, awserr.New("InvalidParameterInput", "The widget cannot be drawn: %v", err)
	}
	return buf.Bytes(), nil
}
