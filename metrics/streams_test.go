package metrics

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
)

var updateGolden = flag.Bool("update-streams", false, "rewrite testdata/metric_stream.golden.jsonl")

var msT0 = time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)

const (
	fhArn   = "arn:aws:firehose:us-east-1:123456789012:deliverystream/metrics"
	roleArn = "arn:aws:iam::123456789012:role/streams"
)

func streamIn(name string) PutMetricStreamInput {
	return PutMetricStreamInput{Name: name, FirehoseArn: fhArn, RoleArn: roleArn, OutputFormat: MetricStreamJSON}
}

func newStreamSvc(t *testing.T) (*Service, *clock.Manual, *MetricStreamQueue) {
	c := clock.NewManual(msT0)
	s := New(Options{Clock: c})
	t.Cleanup(s.Close)
	q := &MetricStreamQueue{}
	s.OnMetricStream(fhArn, q.Put)
	return s, c, q
}

func putStream(t *testing.T, s *Service, ns, name string, at time.Time, unit StandardUnit, dims []Dimension, vs ...float64) {
	t.Helper()
	_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: ns, MetricData: []MetricDatum{
		{MetricName: name, Dimensions: dims, Timestamp: at, Values: vs, Unit: unit}}})
	require.NoError(t, err)
}

func lines(rs []MetricStreamRecord) []map[string]any {
	var out []map[string]any
	for _, r := range rs {
		for l := range strings.SplitSeq(strings.TrimSuffix(string(r.Data), "\n"), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err == nil {
				out = append(out, m)
			}
		}
	}
	return out
}

func TestPutMetricStreamValidation(t *testing.T) {
	with := func(f func(*PutMetricStreamInput)) PutMetricStreamInput {
		in := streamIn("s")
		f(&in)
		return in
	}
	many := make([]string, 1000)
	for i := range many {
		many[i] = "m"
	}
	for _, c := range []struct {
		name string
		in   PutMetricStreamInput
		code string
	}{
		{"name is required", with(func(in *PutMetricStreamInput) { in.Name = "" }), "MissingParameter"},
		{"name characters are A-Z a-z 0-9 - _", with(func(in *PutMetricStreamInput) { in.Name = "my stream" }), "InvalidParameterValue"},
		{"name is at most 255 characters", with(func(in *PutMetricStreamInput) { in.Name = strings.Repeat("n", 256) }), "InvalidParameterValue"},
		{"firehose ARN is required", with(func(in *PutMetricStreamInput) { in.FirehoseArn = "" }), "MissingParameter"},
		{"firehose ARN is a firehose ARN", with(func(in *PutMetricStreamInput) { in.FirehoseArn = roleArn }), "InvalidParameterValue"},
		{"firehose is in the same account", with(func(in *PutMetricStreamInput) {
			in.FirehoseArn = "arn:aws:firehose:us-east-1:999999999999:deliverystream/x"
		}), "InvalidParameterValue"},
		{"role ARN is required", with(func(in *PutMetricStreamInput) { in.RoleArn = "" }), "MissingParameter"},
		{"output format is required", with(func(in *PutMetricStreamInput) { in.OutputFormat = "" }), "MissingParameter"},
		{"output format is the enum", with(func(in *PutMetricStreamInput) { in.OutputFormat = "csv" }), "InvalidParameterValue"},
		{"include and exclude filters cannot be combined", with(func(in *PutMetricStreamInput) {
			in.IncludeFilters = []MetricStreamFilter{{Namespace: "A"}}
			in.ExcludeFilters = []MetricStreamFilter{{Namespace: "B"}}
		}), "InvalidParameterCombination"},
		{"filter namespace is required", with(func(in *PutMetricStreamInput) { in.IncludeFilters = []MetricStreamFilter{{}} }), "MissingParameter"},
		{"filter namespace has a non-whitespace character", with(func(in *PutMetricStreamInput) { in.IncludeFilters = []MetricStreamFilter{{Namespace: "  "}} }), "InvalidParameterValue"},
		{"filter metric names are ASCII printable", with(func(in *PutMetricStreamInput) {
			in.ExcludeFilters = []MetricStreamFilter{{Namespace: "A", MetricNames: []string{"é"}}}
		}), "InvalidParameterValue"},
		{"filters hold at most 1000 names", with(func(in *PutMetricStreamInput) {
			in.IncludeFilters = []MetricStreamFilter{{Namespace: "A", MetricNames: many}}
		}), "InvalidParameterValue"},
		{"additional statistics are required", with(func(in *PutMetricStreamInput) {
			in.StatisticsConfigurations = []MetricStreamStatisticsConfiguration{{IncludeMetrics: []MetricStreamStatisticsMetric{{Namespace: "A", MetricName: "m"}}}}
		}), "MissingParameter"},
		{"additional statistics are extended statistics", with(func(in *PutMetricStreamInput) {
			in.StatisticsConfigurations = []MetricStreamStatisticsConfiguration{{IncludeMetrics: []MetricStreamStatisticsMetric{{Namespace: "A", MetricName: "m"}},
				AdditionalStatistics: []string{"Average"}}}
		}), "InvalidParameterValue"},
		{"opentelemetry streams only percentiles", with(func(in *PutMetricStreamInput) {
			in.OutputFormat = MetricStreamOpenTelemetry10
			in.StatisticsConfigurations = []MetricStreamStatisticsConfiguration{{IncludeMetrics: []MetricStreamStatisticsMetric{{Namespace: "A", MetricName: "m"}},
				AdditionalStatistics: []string{"tm98"}}}
		}), "InvalidParameterValue"},
		{"at most 20 additional statistics", with(func(in *PutMetricStreamInput) {
			in.StatisticsConfigurations = []MetricStreamStatisticsConfiguration{{IncludeMetrics: []MetricStreamStatisticsMetric{{Namespace: "A", MetricName: "m"}},
				AdditionalStatistics: strings.Split("p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15,p16,p17,p18,p19,p20,p21", ",")}}
		}), "InvalidParameterValue"},
		{"at most 50 tags", with(func(in *PutMetricStreamInput) { in.Tags = make([]Tag, 51) }), "InvalidParameterValue"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _, _ := newStreamSvc(t)
			_, err := s.PutMetricStream(context.Background(), c.in)
			require.Error(t, err)
			assert.Equal(t, c.code, awserr.Code(err), err.Error())
			out, err := s.ListMetricStreams(context.Background(), ListMetricStreamsInput{})
			require.NoError(t, err)
			assert.Empty(t, out.Entries, "a rejected request stores nothing")
		})
	}
}

func TestMetricStreamLifecycle(t *testing.T) {
	s, c, _ := newStreamSvc(t)
	ctx := context.Background()
	in := streamIn("b")
	in.Tags = []Tag{{Key: "k", Value: "v"}}
	in.IncludeFilters = []MetricStreamFilter{{Namespace: "App", MetricNames: []string{"Latency"}}}
	out, err := s.PutMetricStream(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:cloudwatch:us-east-1:123456789012:metric-stream/b", out.Arn)
	in.IncludeFilters[0].MetricNames[0] = "changed" // the stream keeps its own copy
	_, err = s.PutMetricStream(ctx, streamIn("a"))
	require.NoError(t, err)

	got, err := s.GetMetricStream(ctx, GetMetricStreamInput{Name: "b"})
	require.NoError(t, err)
	assert.Equal(t, &GetMetricStreamOutput{Arn: out.Arn, Name: "b", IncludeFilters: []MetricStreamFilter{{Namespace: "App", MetricNames: []string{"Latency"}}},
		FirehoseArn: fhArn, RoleArn: roleArn, State: MetricStreamRunning, CreationDate: msT0, LastUpdateDate: msT0, OutputFormat: MetricStreamJSON}, got,
		"a new stream is running")

	_, err = s.StopMetricStreams(ctx, StopMetricStreamsInput{Names: []string{"b"}})
	require.NoError(t, err)
	c.Advance(time.Minute)
	_, err = s.PutMetricStream(ctx, streamIn("b"))
	require.NoError(t, err)
	got, err = s.GetMetricStream(ctx, GetMetricStreamInput{Name: "b"})
	require.NoError(t, err)
	assert.Equal(t, MetricStreamStopped, got.State, "an update keeps the state")
	assert.Equal(t, msT0, got.CreationDate)
	assert.Equal(t, msT0.Add(time.Minute), got.LastUpdateDate)
	assert.Empty(t, got.IncludeFilters, "an update replaces the configuration")

	_, err = s.StartMetricStreams(ctx, StartMetricStreamsInput{Names: []string{"a", "nope"}})
	assert.Equal(t, "ResourceNotFoundException", awserr.Code(err))
	_, err = s.StartMetricStreams(ctx, StartMetricStreamsInput{Names: []string{"b"}})
	require.NoError(t, err)

	page, err := s.ListMetricStreams(ctx, ListMetricStreamsInput{MaxResults: Int32(1)})
	require.NoError(t, err)
	require.Len(t, page.Entries, 1)
	assert.Equal(t, "a", page.Entries[0].Name)
	page, err = s.ListMetricStreams(ctx, ListMetricStreamsInput{NextToken: page.NextToken})
	require.NoError(t, err)
	require.Len(t, page.Entries, 1)
	assert.Equal(t, MetricStreamEntry{Arn: out.Arn, CreationDate: msT0, LastUpdateDate: msT0.Add(time.Minute), Name: "b", FirehoseArn: fhArn,
		State: MetricStreamRunning, OutputFormat: MetricStreamJSON}, page.Entries[0])
	assert.Empty(t, page.NextToken)
	_, err = s.ListMetricStreams(ctx, ListMetricStreamsInput{NextToken: "junk"})
	assert.Equal(t, "InvalidNextToken", awserr.Code(err))
	_, err = s.ListMetricStreams(ctx, ListMetricStreamsInput{MaxResults: Int32(501)})
	assert.Equal(t, "InvalidParameterValue", awserr.Code(err))

	_, err = s.DeleteMetricStream(ctx, DeleteMetricStreamInput{Name: "b"})
	require.NoError(t, err)
	_, err = s.DeleteMetricStream(ctx, DeleteMetricStreamInput{Name: "b"})
	assert.NoError(t, err, "deleting an unknown stream succeeds")
	_, err = s.GetMetricStream(ctx, GetMetricStreamInput{Name: "b"})
	assert.Equal(t, "ResourceNotFoundException", awserr.Code(err))
	_, err = s.StopMetricStreams(ctx, StopMetricStreamsInput{})
	assert.Equal(t, "MissingParameter", awserr.Code(err))
}

func TestMetricStreamDeliversEachMinuteInJSON(t *testing.T) {
	s, c, q := newStreamSvc(t)
	ctx := context.Background()
	in := streamIn("MyMetricStream")
	in.StatisticsConfigurations = []MetricStreamStatisticsConfiguration{{
		IncludeMetrics:       []MetricStreamStatisticsMetric{{Namespace: "App", MetricName: "Latency"}},
		AdditionalStatistics: []string{"p99", "TM(25%:75%)"}}}
	_, err := s.PutMetricStream(ctx, in)
	require.NoError(t, err)
	dims := []Dimension{{Name: "InstanceId", Value: "i-123456789012"}}
	putStream(t, s, "App", "Latency", msT0.Add(10*time.Second), UnitSeconds, dims, 0, 2, 18)
	putStream(t, s, "App", "Errors", msT0.Add(20*time.Second), "", nil, 1)
	c.Advance(time.Minute)
	rs := q.Drain()
	require.Len(t, rs, 1, "one record per stream and minute")
	assert.Equal(t, "MyMetricStream", rs[0].StreamName)
	assert.Equal(t, msT0, rs[0].Minute)
	if *updateGolden {
		require.NoError(t, os.WriteFile("testdata/metric_stream.golden.jsonl", rs[0].Data, 0o644))
	}
	want, err := os.ReadFile("testdata/metric_stream.golden.jsonl")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(rs[0].Data))

	ls := lines(rs)
	require.Len(t, ls, 2)
	// The additional statistics are GetMetricStatistics' for the minute.
	gs, err := s.GetMetricStatistics(ctx, GetMetricStatisticsInput{Namespace: "App", MetricName: "Latency", Dimensions: dims,
		StartTime: msT0, EndTime: msT0.Add(time.Minute), Period: 60, ExtendedStatistics: []string{"TM(25%:75%)"}})
	require.NoError(t, err)
	require.Len(t, gs.Datapoints, 1)
	tm, ok := gs.Datapoints[0].ExtendedStatistics.Get("TM(25%:75%)")
	require.True(t, ok)
	assert.Equal(t, map[string]any{"metric_stream_name": "MyMetricStream", "account_id": "123456789012", "region": "us-east-1",
		"namespace": "App", "metric_name": "Latency", "dimensions": map[string]any{"InstanceId": "i-123456789012"},
		"timestamp": float64(msT0.UnixMilli()), "value": map[string]any{"count": 3.0, "sum": 20.0, "max": 18.0, "min": 0.0, "p99": 18.0, "TM(25%:75%)": tm},
		"unit": "Seconds"}, ls[1])
	assert.Equal(t, "None", ls[0]["unit"], "a metric without unit streams None")
	assert.NotContains(t, ls[0]["value"], "p99", "additional statistics only for the metrics configured")

	c.Advance(time.Minute)
	assert.Empty(t, q.Drain(), "a minute without data sends nothing")

	_, err = s.StopMetricStreams(ctx, StopMetricStreamsInput{Names: []string{"MyMetricStream"}})
	require.NoError(t, err)
	putStream(t, s, "App", "Latency", msT0.Add(2*time.Minute+time.Second), UnitSeconds, dims, 1)
	c.Advance(time.Minute)
	assert.Empty(t, q.Drain(), "a stopped stream sends nothing")
}

func TestMetricStreamFilters(t *testing.T) {
	for _, c := range []struct {
		name             string
		include, exclude []MetricStreamFilter
		want             []string
	}{
		{"no filter streams every namespace", nil, nil, []string{"App/Errors", "App/Latency", "Web/Hits"}},
		{"an include filter without names streams the namespace", []MetricStreamFilter{{Namespace: "App"}}, nil, []string{"App/Errors", "App/Latency"}},
		{"an include filter with names streams those metrics", []MetricStreamFilter{{Namespace: "App", MetricNames: []string{"Latency"}}}, nil, []string{"App/Latency"}},
		{"an exclude filter drops the namespace", nil, []MetricStreamFilter{{Namespace: "App"}}, []string{"Web/Hits"}},
		{"an exclude filter with names drops those metrics", nil, []MetricStreamFilter{{Namespace: "App", MetricNames: []string{"Latency"}}}, []string{"App/Errors", "Web/Hits"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, clk, q := newStreamSvc(t)
			in := streamIn("s")
			in.IncludeFilters, in.ExcludeFilters = c.include, c.exclude
			_, err := s.PutMetricStream(context.Background(), in)
			require.NoError(t, err)
			putStream(t, s, "App", "Latency", msT0, "", nil, 1)
			putStream(t, s, "App", "Errors", msT0, "", nil, 1)
			putStream(t, s, "Web", "Hits", msT0, "", nil, 1)
			clk.Advance(time.Minute)
			var got []string
			for _, l := range lines(q.Drain()) {
				got = append(got, l["namespace"].(string)+"/"+l["metric_name"].(string))
			}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestMetricStreamDestinationPanicDoesNotStopOthers(t *testing.T) {
	c := clock.NewManual(msT0)
	var reported []*clock.PanicError
	c.OnPanic(func(err *clock.PanicError) { reported = append(reported, err) })
	s := New(Options{Clock: c})
	t.Cleanup(s.Close)
	q := &MetricStreamQueue{}
	s.OnMetricStream(fhArn, func(MetricStreamRecord) { panic("boom") })
	remove := s.OnMetricStream(fhArn, q.Put)
	_, err := s.PutMetricStream(context.Background(), streamIn("s"))
	require.NoError(t, err)
	putStream(t, s, "App", "Latency", msT0, "", nil, 1)
	c.Advance(time.Minute)
	assert.Len(t, q.Drain(), 1)
	assert.Len(t, reported, 1, "the panic is reported")
	remove()
	putStream(t, s, "App", "Latency", msT0.Add(time.Minute), "", nil, 1)
	c.Advance(time.Minute)
	assert.Empty(t, q.Drain(), "a removed destination receives nothing")
	assert.Len(t, reported, 2, "and the schedule goes on")
}

func TestMetricStreamsAfterCloseAndNilContext(t *testing.T) {
	s, c, q := newStreamSvc(t)
	_, err := s.PutMetricStream(nilCtx, streamIn("s")) //nolint:staticcheck // the contract: nil is Background
	require.NoError(t, err)
	putStream(t, s, "App", "Latency", msT0, "", nil, 1)
	s.Close()
	c.Advance(time.Minute)
	assert.Empty(t, q.Drain(), "a closed service streams nothing")
	for _, err := range []error{
		func() error { _, err := s.PutMetricStream(nilCtx, streamIn("s")); return err }(),                         //nolint:staticcheck
		func() error { _, err := s.GetMetricStream(nilCtx, GetMetricStreamInput{Name: "s"}); return err }(),       //nolint:staticcheck
		func() error { _, err := s.ListMetricStreams(nilCtx, ListMetricStreamsInput{}); return err }(),            //nolint:staticcheck
		func() error { _, err := s.DeleteMetricStream(nilCtx, DeleteMetricStreamInput{Name: "s"}); return err }(), //nolint:staticcheck
		func() error {
			_, err := s.StartMetricStreams(nilCtx, StartMetricStreamsInput{Names: []string{"s"}})
			return err
		}(), //nolint:staticcheck
		func() error {
			_, err := s.StopMetricStreams(nilCtx, StopMetricStreamsInput{Names: []string{"s"}})
			return err
		}(), //nolint:staticcheck
	} {
		assert.ErrorIs(t, err, ErrClosed)
	}
}

// BenchmarkMetricStreamMinute measures one minute's delivery of a JSON stream
// over 1,000 series with one datapoint each (the clock's per-minute job).
func BenchmarkMetricStreamMinute(b *testing.B) {
	c := clock.NewManual(msT0)
	s := New(Options{Clock: c})
	defer s.Close()
	var n int
	s.OnMetricStream(fhArn, func(r MetricStreamRecord) { n += len(r.Data) })
	in := streamIn("bench")
	in.StatisticsConfigurations = []MetricStreamStatisticsConfiguration{{
		IncludeMetrics: []MetricStreamStatisticsMetric{{Namespace: "App", MetricName: "Latency"}}, AdditionalStatistics: []string{"p99"}}}
	if _, err := s.PutMetricStream(context.Background(), in); err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		_, err := s.PutMetricData(context.Background(), PutMetricDataInput{Namespace: "App", MetricData: []MetricDatum{{MetricName: "Latency",
			Dimensions: []Dimension{{Name: "Host", Value: strconv.Itoa(i)}}, Timestamp: msT0, Value: Float(float64(i))}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		s.streamMinute(msT0.Add(time.Minute))
	}
	_ = n
}
