package metrics

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
)

func names(ms []Metric) []string {
	var out []string
	for _, m := range ms {
		s := m.Namespace + "/" + m.MetricName
		for _, d := range m.Dimensions {
			s += fmt.Sprintf(" %s=%s", d.Name, d.Value)
		}
		out = append(out, s)
	}
	return out
}

func TestListMetricsFilters(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	put(t, s, "Web", MetricDatum{MetricName: "Latency", Value: Float(1), Dimensions: []Dimension{{"Host", "b"}, {"AZ", "x"}}},
		MetricDatum{MetricName: "Latency", Value: Float(1), Dimensions: []Dimension{{"Host", "a"}}},
		MetricDatum{MetricName: "Errors", Value: Float(1)})
	put(t, s, "Db", MetricDatum{MetricName: "Latency", Value: Float(1), Dimensions: []Dimension{{"Host", "a"}}})
	cases := []struct {
		name string
		in   ListMetricsInput
		want []string
	}{
		{"everything, ordered by namespace, name, dimensions", ListMetricsInput{},
			[]string{"Db/Latency Host=a", "Web/Errors", "Web/Latency AZ=x Host=b", "Web/Latency Host=a"}},
		{"by namespace", ListMetricsInput{Namespace: "Web"}, []string{"Web/Errors", "Web/Latency AZ=x Host=b", "Web/Latency Host=a"}},
		{"by metric name", ListMetricsInput{MetricName: "Latency"}, []string{"Db/Latency Host=a", "Web/Latency AZ=x Host=b", "Web/Latency Host=a"}},
		{"by dimension name", ListMetricsInput{Dimensions: []DimensionFilter{{Name: "AZ"}}}, []string{"Web/Latency AZ=x Host=b"}},
		{"by dimension name and value", ListMetricsInput{Dimensions: []DimensionFilter{{Name: "Host", Value: "a"}}}, []string{"Db/Latency Host=a", "Web/Latency Host=a"}},
		{"all filters", ListMetricsInput{Namespace: "Web", MetricName: "Latency", Dimensions: []DimensionFilter{{Name: "Host", Value: "a"}}}, []string{"Web/Latency Host=a"}},
		{"no match", ListMetricsInput{Namespace: "Nope"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.ListMetrics(ctx, tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, names(out.Metrics))
			assert.Empty(t, out.NextToken)
		})
	}
}

func TestListMetricsValidation(t *testing.T) {
	s, _ := newTestService(t)
	cases := []struct {
		name string
		in   ListMetricsInput
		code string
	}{
		{"RecentlyActive accepts only PT3H", ListMetricsInput{RecentlyActive: "PT1H"}, "InvalidParameterValue"},
		{"bad namespace", ListMetricsInput{Namespace: ":a"}, "InvalidParameterValue"},
		{"dimension filter needs a name", ListMetricsInput{Dimensions: []DimensionFilter{{Value: "x"}}}, "MissingParameter"},
		{"at most 10 dimension filters", ListMetricsInput{Dimensions: make([]DimensionFilter, 11)}, "InvalidParameterValue"},
		{"garbage NextToken", ListMetricsInput{NextToken: "!!"}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.ListMetrics(context.Background(), tc.in)
			assert.Equal(t, tc.code, awserr.Code(err))
		})
	}
}

func TestListMetricsPaginatesBy500(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	var data []MetricDatum
	for i := 0; i < 1203; i++ {
		data = append(data, MetricDatum{MetricName: "M", Value: Float(1), Dimensions: []Dimension{{"N", fmt.Sprintf("%05d", i)}}})
		if len(data) == 1000 {
			put(t, s, "App", data...)
			data = nil
		}
	}
	put(t, s, "App", data...)
	var all []Metric
	in := ListMetricsInput{}
	pages := 0
	for {
		out, err := s.ListMetrics(ctx, in)
		require.NoError(t, err)
		pages++
		if out.NextToken != "" {
			assert.Len(t, out.Metrics, 500)
		}
		all = append(all, out.Metrics...)
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	assert.Equal(t, 3, pages)
	require.Len(t, all, 1203)
	for i, m := range all {
		assert.Equal(t, fmt.Sprintf("%05d", i), m.Dimensions[0].Value)
	}
	n := 0
	for _, err := range s.ListMetricsAll(ctx, ListMetricsInput{}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 1203, n)
}

func TestListMetricsVisibilityWindows(t *testing.T) {
	s, c := newTestService(t)
	ctx := context.Background()
	put(t, s, "App", datum("Old", 1))
	c.Advance(4 * time.Hour)
	put(t, s, "App", datum("New", 1))
	out, err := s.ListMetrics(ctx, ListMetricsInput{RecentlyActive: "PT3H"})
	require.NoError(t, err)
	assert.Equal(t, []string{"App/New"}, names(out.Metrics))
	out, err = s.ListMetrics(ctx, ListMetricsInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{"App/New", "App/Old"}, names(out.Metrics))
	// Two weeks after Old's last publish it disappears from ListMetrics
	// (its data is still retained and queryable).
	c.Advance(14*24*time.Hour - 4*time.Hour + time.Second)
	out, err = s.ListMetrics(ctx, ListMetricsInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{"App/New"}, names(out.Metrics))
	var seen []string
	s.forEachMetric(func(m Metric, _ time.Time) bool { seen = append(seen, m.MetricName); return true })
	assert.Equal(t, []string{"New"}, seen)
}

func TestBusIngestAndAPICallRecording(t *testing.T) {
	c := clock.NewManual(t0)
	b := &bus.Bus{}
	var calls []event.APICall
	bus.Subscribe(b, "test", func(_ context.Context, ev event.APICall) error { calls = append(calls, ev); return nil })
	s := New(Options{Clock: c, Bus: b, IDs: ids.New(1), Region: "eu-west-1", AccountID: "111122223333"})
	defer s.Close()
	ctx := identity.With(context.Background(), identity.IAMUser("111122223333", "alice", "AKIA"))

	// Internal producers may use AWS/ namespaces and are not API calls.
	require.NoError(t, bus.Publish(ctx, b, DataEvent{Internal: true, Input: PutMetricDataInput{Namespace: "AWS/Logs", MetricData: []MetricDatum{datum("IncomingBytes", 5)}}}))
	assert.Empty(t, calls)
	// A non-internal producer is a PutMetricData call and may not use AWS/.
	err := bus.Publish(ctx, b, DataEvent{Input: PutMetricDataInput{Namespace: "AWS/Logs", MetricData: []MetricDatum{datum("X", 1)}}})
	require.Error(t, err)
	require.NoError(t, bus.Publish(ctx, b, DataEvent{Input: PutMetricDataInput{Namespace: "Agent", MetricData: []MetricDatum{datum("mem_used", 1)}}}))

	_, err = s.ListMetrics(ctx, ListMetricsInput{Namespace: "AWS/Logs"})
	require.NoError(t, err)
	require.Len(t, calls, 3)
	assert.Equal(t, "PutMetricData", calls[0].EventName)
	assert.Equal(t, "InvalidParameterValue", calls[0].ErrorCode)
	assert.Equal(t, "PutMetricData", calls[1].EventName)
	assert.False(t, calls[1].Management, "PutMetricData is a CloudTrail data event")
	assert.False(t, calls[1].ReadOnly)
	assert.Equal(t, EventSource, calls[1].EventSource)
	assert.Equal(t, "eu-west-1", calls[1].AWSRegion)
	assert.Equal(t, map[string]any{"namespace": "Agent", "metricData": []map[string]any{{"metricName": "mem_used", "value": 1.0}}}, calls[1].RequestParameters)
	assert.Equal(t, []event.Resource{{Type: "AWS::CloudWatch::Metric"}}, calls[1].Resources)
	assert.Equal(t, "ListMetrics", calls[2].EventName)
	assert.False(t, calls[2].Management, "ListMetrics is a CloudTrail data event too")
	assert.True(t, calls[2].ReadOnly)

	out, err := s.ListMetrics(ctx, ListMetricsInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{"AWS/Logs/IncomingBytes", "Agent/mem_used"}, names(out.Metrics))
}

// Readers see all or none of one PutMetricData call's datapoints.
func TestOneCallIsVisibleAtomically(t *testing.T) {
	s, c := newTestService(t)
	c.Set(t0.Add(time.Hour))
	ctx := context.Background()
	const calls, per = 200, 50
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < calls; i++ {
			data := make([]MetricDatum, per)
			for j := range data {
				data[j] = MetricDatum{MetricName: "M", Value: Float(1), Timestamp: t0.Add(time.Duration(j) * time.Second)}
			}
			_, err := s.PutMetricData(ctx, PutMetricDataInput{Namespace: "App", MetricData: data})
			assert.NoError(t, err)
		}
	}()
	for i := 0; i < 200; i++ {
		out, err := gms(s, GetMetricStatisticsInput{StartTime: t0, EndTime: t0.Add(time.Minute), Period: 60, Statistics: []Statistic{StatSampleCount}})
		require.NoError(t, err)
		if len(out.Datapoints) == 1 {
			n := *out.Datapoints[0].SampleCount
			assert.Zero(t, int(n)%per, "saw a partial call: %v", n)
		}
	}
	wg.Wait()
}
