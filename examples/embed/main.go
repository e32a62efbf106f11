// Command embed is a small HTTP service that embeds localwatch on the wall
// clock as its monitoring backbone: every request is timed into CloudWatch
// metrics (high resolution) and logged to CloudWatch Logs as JSON; a metric
// filter counts server errors; a high-resolution alarm on latency notifies an
// SNS topic whose subscriber is a Go function; the runtime agent publishes
// the process's own metrics; CloudTrail records who called what.
//
// It drives traffic at itself over loopback for -duration (default 30 s),
// with a burst of slow failing requests in the middle, so the alarm goes to
// ALARM and back to OK while you watch. Run it with:
//
//	go run ./examples/embed
//
// The pattern to copy is in run: NewAccount (default LoopClock), go Run(ctx),
// call the services from any goroutine, Close at the end.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/agent"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/sns"
)

func main() {
	duration := flag.Duration("duration", 30*time.Second, "how long to serve and drive traffic (0: until interrupted)")
	requests := flag.Int64("requests", 0, "stop after this many requests (0: no limit)")
	verbose := flag.Bool("v", false, "log SNS deliveries and rejected API calls too (slog debug)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
	if err := run(ctx, logger, os.Stdout, *requests); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// app is the embedding application: its HTTP handlers report to the stack.
type app struct {
	st       *localwatch.Stack
	log      *slog.Logger
	failing  atomic.Bool // the burst of errors in the middle of the run
	requests atomic.Int64
}

const (
	namespace = "EmbedDemo"
	logGroup  = "/embed/access"
)

// run serves and drives traffic until ctx is done or, when stopAfter > 0,
// stopAfter requests were served, then prints a summary.
func run(ctx context.Context, logger *slog.Logger, out io.Writer, stopAfter int64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	acct, err := localwatch.NewAccount(localwatch.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer acct.Close()
	st := acct.Region(localwatch.DefaultRegion)
	// Scheduled work (alarm evaluation, metric-filter publishing, trail
	// delivery) runs on this goroutine until ctx is done.
	runDone := make(chan error, 1)
	go func() { runDone <- acct.Run(ctx) }()

	if err := setUp(ctx, st, out); err != nil {
		return err
	}
	ag := st.NewAgent(agent.Options{Monitoring: agent.Detailed})
	ag.Start()
	defer ag.Stop()

	a := &app{st: st, log: logger}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.routes(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Fprintf(out, "serving on http://%s; driving traffic (errors between 8 s and 18 s)\n", ln.Addr())

	started := time.Now()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: 2 * time.Second}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
		}
		if stopAfter > 0 && a.requests.Load() >= stopAfter {
			cancel()
			break loop
		}
		el := time.Since(started)
		a.failing.Store(el > 8*time.Second && el < 18*time.Second)
		resp, err := client.Get("http://" + ln.Addr().String() + "/orders")
		if err == nil {
			resp.Body.Close()
		}
	}
	if err := <-runDone; err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return summary(st, a, out)
}

// setUp creates the log group and metric filter, the topic with a Go-function
// subscriber, and the alarm.
func setUp(ctx context.Context, st *localwatch.Stack, out io.Writer) error {
	if _, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: logGroup}); err != nil {
		return err
	}
	if _, err := st.Logs.CreateLogStream(ctx, logs.CreateLogStreamInput{LogGroupName: logGroup, LogStreamName: "web"}); err != nil {
		return err
	}
	if _, err := st.Logs.PutMetricFilter(ctx, logs.PutMetricFilterInput{LogGroupName: logGroup, FilterName: "5xx",
		FilterPattern: `{ $.status >= 500 }`,
		MetricTransformations: []logs.MetricTransformation{{MetricName: "ServerErrors", MetricNamespace: namespace,
			MetricValue: "1", DefaultValue: metrics.Float(0)}}}); err != nil {
		return err
	}
	topic, err := st.SNS.CreateTopic(ctx, sns.CreateTopicInput{Name: "oncall"})
	if err != nil {
		return err
	}
	fn := st.SNS.RegisterFunction("page-oncall", func(_ context.Context, ev sns.LambdaEvent) error {
		for _, r := range ev.Records {
			var n struct{ AlarmName, NewStateValue, NewStateReason string }
			if err := json.Unmarshal([]byte(r.Sns.Message), &n); err == nil {
				fmt.Fprintf(out, "PAGE  %s is %s: %s\n", n.AlarmName, n.NewStateValue, n.NewStateReason)
			}
		}
		return nil
	})
	if _, err := st.SNS.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "lambda", Endpoint: fn}); err != nil {
		return err
	}
	// A high-resolution alarm on latency reacts within 10 seconds.
	_, err = st.Alarms.PutMetricAlarm(ctx, alarms.PutMetricAlarmInput{AlarmName: "slow-orders",
		Namespace: namespace, MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Route", Value: "/orders"}},
		Statistic: metrics.StatAverage, Period: 10, EvaluationPeriods: 1, Threshold: metrics.Float(40),
		ComparisonOperator: alarms.GreaterThanThreshold, TreatMissingData: alarms.TreatNotBreaching,
		AlarmActions: []string{topic.TopicArn}, OKActions: []string{topic.TopicArn}})
	return err
}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		status := http.StatusOK
		latency := 5 + rand.Float64()*10
		if a.failing.Load() {
			status, latency = http.StatusInternalServerError, 60+rand.Float64()*20
		}
		w.WriteHeader(status)
		a.requests.Add(1)
		a.report(r.Context(), r.URL.Path, status, latency, t0)
	})
	return mux
}

// report is the middleware's job: one high-resolution datum and one JSON log
// line per request.
func (a *app) report(ctx context.Context, route string, status int, latencyMs float64, at time.Time) {
	_, err := a.st.Metrics.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: namespace, MetricData: []metrics.MetricDatum{{
		MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Route", Value: route}},
		Value: metrics.Float(latencyMs), Unit: metrics.UnitMilliseconds, StorageResolution: 1,
	}}})
	if err != nil {
		a.log.Error("PutMetricData", "err", err)
	}
	line, _ := json.Marshal(map[string]any{"route": route, "status": status, "latencyMs": latencyMs})
	_, err = a.st.Logs.PutLogEvents(ctx, logs.PutLogEventsInput{LogGroupName: logGroup, LogStreamName: "web",
		LogEvents: []logs.InputLogEvent{{Timestamp: at.UnixMilli(), Message: string(line)}}})
	if err != nil {
		a.log.Error("PutLogEvents", "err", err)
	}
}

func summary(st *localwatch.Stack, a *app, out io.Writer) error {
	ctx := context.Background()
	now := st.Clock.Now()
	// Metric filters publish once a minute; publish what is pending now.
	st.Logs.FlushMetrics(ctx)
	stat := func(name string, dims []metrics.Dimension, in metrics.GetMetricStatisticsInput) (metrics.Datapoint, error) {
		in.Namespace, in.MetricName, in.Dimensions = namespace, name, dims
		in.StartTime, in.EndTime, in.Period = now.Add(-10*time.Minute), now.Add(time.Minute), 660
		res, err := st.Metrics.GetMetricStatistics(ctx, in)
		if err != nil || len(res.Datapoints) == 0 {
			return metrics.Datapoint{}, err
		}
		return res.Datapoints[0], nil
	}
	route := []metrics.Dimension{{Name: "Route", Value: "/orders"}}
	lat, err := stat("Latency", route, metrics.GetMetricStatisticsInput{Statistics: []metrics.Statistic{metrics.StatSampleCount, metrics.StatAverage}})
	if err != nil {
		return err
	}
	p99, err := stat("Latency", route, metrics.GetMetricStatisticsInput{ExtendedStatistics: []string{"p99"}})
	if err != nil {
		return err
	}
	errs, err := stat("ServerErrors", nil, metrics.GetMetricStatisticsInput{Statistics: []metrics.Statistic{metrics.StatSum}})
	if err != nil {
		return err
	}
	hist, err := st.Alarms.DescribeAlarmHistory(ctx, alarms.DescribeAlarmHistoryInput{HistoryItemType: alarms.HistoryStateUpdate})
	if err != nil {
		return err
	}
	val := func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	}
	fmt.Fprintf(out, "\nsummary: %d requests served; Latency n=%.0f avg=%.1f ms p99=%.1f ms; ServerErrors (metric filter) sum=%.0f; %d alarm state changes\n",
		a.requests.Load(), val(lat.SampleCount), val(lat.Average), p99.ExtendedStatistics.Map()["p99"], val(errs.Sum), len(hist.AlarmHistoryItems))
	return nil
}
