package logs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mfInput(name, pattern string, t MetricTransformation) PutMetricFilterInput {
	return PutMetricFilterInput{LogGroupName: "g", FilterName: name, FilterPattern: pattern, MetricTransformations: []MetricTransformation{t}}
}

func TestPutMetricFilterValidation(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	ok := MetricTransformation{MetricName: "Errors", MetricNamespace: "App", MetricValue: "1"}
	with := func(f func(*MetricTransformation)) MetricTransformation { m := ok; f(&m); return m }
	for _, c := range []struct {
		name string
		in   PutMetricFilterInput
		code string
	}{
		{"literal value", mfInput("a", "ERROR", ok), ""},
		{"JSON value", mfInput("b", "{ $.latency = * }", with(func(m *MetricTransformation) { m.MetricValue = "$.latency" })), ""},
		{"space-delimited value", mfInput("c", "[ip, user, ..., status, bytes]", with(func(m *MetricTransformation) { m.MetricValue = "$bytes" })), ""},
		{"positional field value", mfInput("c2", "[ip, ...]", with(func(m *MetricTransformation) { m.MetricValue = "$3" })), ""},
		{"dimensions from fields", mfInput("d", "[ip, user, ..., status, bytes]", with(func(m *MetricTransformation) {
			m.Dimensions = map[string]string{"Status": "$status", "IP": "$ip"}
		})), ""},
		{"bad pattern", mfInput("e", `{ $.x = `, ok), "InvalidParameterException"},
		{"$field not in the pattern", mfInput("e", "[ip, user]", with(func(m *MetricTransformation) { m.MetricValue = "$bytes" })), "InvalidParameterException"},
		{"$field without a space-delimited pattern", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.MetricValue = "$bytes" })), "InvalidParameterException"},
		{"non-numeric literal", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.MetricValue = "one" })), "InvalidParameterException"},
		{"metric value too long", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.MetricValue = strings.Repeat("1", 101) })), "InvalidParameterException"},
		{"metric name with $", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.MetricName = "a$b" })), "InvalidParameterException"},
		{"namespace with *", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.MetricNamespace = "a*b" })), "InvalidParameterException"},
		{"namespace starting with :", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.MetricNamespace = ":ab" })), "InvalidParameterException"},
		{"namespace containing : is accepted as AWS does", mfInput("ns", "ERROR", with(func(m *MetricTransformation) { m.MetricNamespace = "A.B-c_d/1#2:metricNamespace" })), ""},
		{"metric name over 255 characters", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.MetricName = strings.Repeat("m", 256) })), "InvalidParameterException"},
		{"empty metric name", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.MetricName = "" })), "InvalidParameterException"},
		{"bad unit", mfInput("e", "ERROR", with(func(m *MetricTransformation) { m.Unit = "Furlongs" })), "InvalidParameterException"},
		{"four dimensions", mfInput("e", "[a, b, c, d]", with(func(m *MetricTransformation) {
			m.Dimensions = map[string]string{"A": "$a", "B": "$b", "C": "$c", "D": "$d"}
		})), "LimitExceededException"},
		{"dimension value must be a field", mfInput("e", "[a]", with(func(m *MetricTransformation) { m.Dimensions = map[string]string{"A": "fixed"} })), "InvalidParameterException"},
		{"default value with dimensions", mfInput("e", "[a]", with(func(m *MetricTransformation) {
			m.Dimensions = map[string]string{"A": "$a"}
			m.DefaultValue = metrics.Float(0)
		})), "InvalidParameterException"},
		{"filter name with :", mfInput("a:b", "ERROR", ok), "InvalidParameterException"},
		{"two transformations", PutMetricFilterInput{LogGroupName: "g", FilterName: "x", MetricTransformations: []MetricTransformation{ok, ok}}, "InvalidParameterException"},
		{"no transformations", PutMetricFilterInput{LogGroupName: "g", FilterName: "x"}, "InvalidParameterException"},
		{"missing group", PutMetricFilterInput{LogGroupName: "nope", FilterName: "x", MetricTransformations: []MetricTransformation{ok}}, "ResourceNotFoundException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.PutMetricFilter(ctx, c.in)
			if c.code == "" {
				require.NoError(t, err)
			} else {
				assertCode(t, err, c.code)
			}
		})
	}
	out, err := e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{LogGroupName: "g"})
	require.NoError(t, err)
	assert.Len(t, out.MetricFilters, 6, "rejected filters were not stored")
	groups, _ := e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{})
	assert.Equal(t, int32(6), groups.LogGroups[0].MetricFilterCount)
}

func TestMetricFilterLimitsPerGroup(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	tr := MetricTransformation{MetricName: "M", MetricNamespace: "N", MetricValue: "1"}
	for i := range MaxMetricFiltersPerGroup {
		_, err := e.s.PutMetricFilter(ctx, mfInput(fmt.Sprint("f", i), "", tr))
		require.NoError(t, err)
	}
	_, err := e.s.PutMetricFilter(ctx, mfInput("one-too-many", "", tr))
	assertCode(t, err, "LimitExceededException")
	_, err = e.s.PutMetricFilter(ctx, mfInput("f7", "ERROR", tr))
	require.NoError(t, err, "replacing an existing filter is not a new one")

	// At most 5 regex-bearing filters per group.
	e.group(t, "r")
	for i := range MaxRegexFiltersPerGroup {
		in := mfInput(fmt.Sprint("re", i), "%ERR%", tr)
		in.LogGroupName = "r"
		_, err := e.s.PutMetricFilter(ctx, in)
		require.NoError(t, err)
	}
	in := mfInput("re-extra", "%ERR%", tr)
	in.LogGroupName = "r"
	_, err = e.s.PutMetricFilter(ctx, in)
	assertCode(t, err, "LimitExceededException")
	_, err = e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "r", FilterName: "s", FilterPattern: "%x%", DestinationArn: "arn:aws:lambda:us-east-1:123456789012:function:f"})
	assertCode(t, err, "LimitExceededException")
}

func TestMetricFiltersPublishPerMinuteAggregates(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	now := e.now()
	e.put(t, "g", "s", ev(now, "ERROR before the filter exists"))
	_, err := e.s.PutMetricFilter(ctx, mfInput("errors", "ERROR", MetricTransformation{MetricName: "Errors", MetricNamespace: "App", MetricValue: "1", DefaultValue: metrics.Float(0), Unit: metrics.UnitCount}))
	require.NoError(t, err)
	_, err = e.s.PutMetricFilter(ctx, mfInput("latency", "{ $.latency = * }", MetricTransformation{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$.latency", Unit: metrics.UnitMilliseconds}))
	require.NoError(t, err)
	_, err = e.s.PutMetricFilter(ctx, mfInput("bytes", "[ip, user, ..., status, bytes]", MetricTransformation{MetricName: "Bytes", MetricNamespace: "Web", MetricValue: "$bytes", Dimensions: map[string]string{"Status": "$status"}}))
	require.NoError(t, err)

	e.put(t, "g", "s",
		ev(now, "ERROR one"),
		ev(now+1, "ERROR two"),
		ev(now+2, `{"latency": 50, "requestType": "GET"}`),
		ev(now+3, `{"latency": 70}`),
		ev(now+4, `{"latency": "slow"}`),
		ev(now+5, `1.2.3.4 bob GET / 200 1534`),
		ev(now+6, `1.2.3.4 bob GET / 500 10`),
		ev(now+7, `1.2.3.4 bob GET / 500 x`),
	)
	e.put(t, "g", "s", ev(now+61000, "INFO next minute"))
	e.mu.Lock()
	assert.Empty(t, e.data, "nothing is published before the minute ticks")
	e.mu.Unlock()
	e.clk.Advance(time.Minute)
	e.mu.Lock()
	defer e.mu.Unlock()
	got := map[string]metrics.StatisticSet{}
	for _, d := range e.data {
		for _, m := range d.Input.MetricData {
			k := d.Input.Namespace + "/" + m.MetricName
			for _, dim := range m.Dimensions {
				k += "/" + dim.Name + "=" + dim.Value
			}
			k += "@" + m.Timestamp.Format("15:04")
			got[k] = *m.StatisticValues
		}
	}
	assert.Equal(t, map[string]metrics.StatisticSet{
		// 2 matches of 1 and 6 non-matching events counted with the default 0;
		// the event ingested before the filter existed is not counted.
		"App/Errors@12:00":           {SampleCount: 8, Sum: 2, Minimum: 0, Maximum: 1},
		"App/Errors@12:01":           {SampleCount: 1, Sum: 0, Minimum: 0, Maximum: 0},
		"App/Latency@12:00":          {SampleCount: 2, Sum: 120, Minimum: 50, Maximum: 70},
		"Web/Bytes/Status=200@12:00": {SampleCount: 1, Sum: 1534, Minimum: 1534, Maximum: 1534},
		"Web/Bytes/Status=500@12:00": {SampleCount: 1, Sum: 10, Minimum: 10, Maximum: 10},
	}, got)
	for _, d := range e.data {
		assert.False(t, d.Internal)
		for _, m := range d.Input.MetricData {
			if m.MetricName == "Errors" {
				assert.Equal(t, metrics.UnitCount, m.Unit)
			}
		}
	}
}

func TestDescribeAndDeleteMetricFilters(t *testing.T) {
	e := newEnv(t)
	e.group(t, "a")
	e.group(t, "b")
	for _, g := range []string{"a", "b"} {
		for _, f := range []string{"x1", "x2", "y"} {
			in := mfInput(f, "ERROR", MetricTransformation{MetricName: "M" + f, MetricNamespace: "N", MetricValue: "1"})
			in.LogGroupName = g
			_, err := e.s.PutMetricFilter(ctx, in)
			require.NoError(t, err)
		}
	}
	out, err := e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{LogGroupName: "a", FilterNamePrefix: "x"})
	require.NoError(t, err)
	require.Len(t, out.MetricFilters, 2)
	assert.Equal(t, "x1", out.MetricFilters[0].FilterName)
	assert.Equal(t, "a", out.MetricFilters[0].LogGroupName)
	assert.Equal(t, t0.UnixMilli(), out.MetricFilters[0].CreationTime)

	out, err = e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{MetricName: "My", MetricNamespace: "N"})
	require.NoError(t, err)
	require.Len(t, out.MetricFilters, 2)
	assert.Equal(t, "b", out.MetricFilters[1].LogGroupName)

	var all []string
	tok := ""
	for {
		out, err := e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{Limit: Int32(4), NextToken: tok})
		require.NoError(t, err)
		for _, f := range out.MetricFilters {
			all = append(all, f.LogGroupName+"/"+f.FilterName)
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	assert.Equal(t, []string{"a/x1", "a/x2", "a/y", "b/x1", "b/x2", "b/y"}, all)

	byPrefix, err := e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{FilterNamePrefix: "x"})
	require.NoError(t, err, "a prefix without a group lists every group's filters, as AWS does")
	assert.Len(t, byPrefix.MetricFilters, 4)
	_, err = e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{MetricName: "M"})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.DeleteMetricFilter(ctx, DeleteMetricFilterInput{LogGroupName: "a", FilterName: "zzz"})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.DeleteMetricFilter(ctx, DeleteMetricFilterInput{LogGroupName: "a", FilterName: "x1"})
	require.NoError(t, err)
	out, _ = e.s.DescribeMetricFilters(ctx, DescribeMetricFiltersInput{LogGroupName: "a"})
	assert.Len(t, out.MetricFilters, 2)
}

func TestTestMetricFilterReturnsMatchesWithExtractedValues(t *testing.T) {
	e := newEnv(t)
	out, err := e.s.TestMetricFilter(ctx, TestMetricFilterInput{
		FilterPattern: `[..., request=*.html*, status_code=4*,]`,
		LogEventMessages: []string{
			`127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`,
			`127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 200 1534`,
		},
	})
	require.NoError(t, err)
	require.Len(t, out.Matches, 1)
	assert.Equal(t, int64(1), out.Matches[0].EventNumber)
	assert.Equal(t, "404", out.Matches[0].ExtractedValues["$status_code"])
	assert.Equal(t, "1534", out.Matches[0].ExtractedValues["$7"])

	out, err = e.s.TestMetricFilter(ctx, TestMetricFilterInput{FilterPattern: "{ $.a = 1 }", LogEventMessages: []string{`{"a":2}`, `{"a":1}`}})
	require.NoError(t, err)
	require.Len(t, out.Matches, 1)
	assert.Equal(t, int64(2), out.Matches[0].EventNumber)
	assert.Empty(t, out.Matches[0].ExtractedValues)

	_, err = e.s.TestMetricFilter(ctx, TestMetricFilterInput{FilterPattern: "ERROR", LogEventMessages: make([]string, 51)})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.TestMetricFilter(ctx, TestMetricFilterInput{FilterPattern: "ERROR"})
	assertCode(t, err, "InvalidParameterException")
	_, err = e.s.TestMetricFilter(ctx, TestMetricFilterInput{FilterPattern: "ERROR:", LogEventMessages: []string{"x"}})
	assertCode(t, err, "InvalidParameterException")
}

const lambdaARN = "arn:aws:lambda:us-east-1:123456789012:function:processor"

func TestSubscriptionFiltersDeliverAWSPayloads(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s1", "s2")
	var got []SubscriptionDelivery
	unregister := e.s.RegisterDestination(lambdaARN, func(_ context.Context, d SubscriptionDelivery) error {
		got = append(got, d)
		return nil
	})
	_, err := e.s.PutSubscriptionFilter(ctx, PutSubscriptionFilterInput{LogGroupName: "g", FilterName: "errors", FilterPattern: "ERROR", DestinationArn: lambdaARN})
	require.NoError(t, err)
	now := e.now()
	e.put(t, "g", "s1", ev(now, "INFO a"), ev(now+1, "ERROR b"), ev(now+2, "ERROR c"))
	e.put(t, "g", "s2", ev(now, "INFO only"))
	require.Len(t, got, 1, "one delivery per batch with matches")
	d := got[0]
	assert.Equal(t, lambdaARN, d.DestinationArn)
	assert.Equal(t, SubscriptionMessage{
		MessageType: "DATA_MESSAGE", Owner: "123456789012", LogGroup: "g", LogStream: "s1", SubscriptionFilters: []string{"errors"},
		LogEvents: []SubscriptionLogEvent{
			{ID: d.Message.LogEvents[0].ID, Timestamp: now + 1, Message: "ERROR b"},
			{ID: d.Message.LogEvents[1].ID, Timestamp: now + 2, Message: "ERROR c"},
		},
	}, d.Message)
	decoded, err := DecodeSubscriptionData(d.Data)
	require.NoError(t, err)
	assert.Equal(t, d.Message, decoded)
	// The IDs are the ones FilterLogEvents reports.
	fl, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", FilterPattern: "ERROR"})
	require.NoError(t, err)
	assert.Equal(t, fl.Events[0].EventID, d.Message.LogEvents[0].ID)
	// The Lambda event wraps the base64 data.
	var lambdaEvent struct {
		Awslogs struct{ Data string } `json:"awslogs"`
	}
	require.NoError(t, json.Unmarshal(d.LambdaEvent(), &lambdaEvent))
	raw, _ := base64.StdEncoding.DecodeString(lambdaEvent.Awslogs.Data)
	assert.Equal(t, d.Data, raw)
	e.mu.Lock()
	assert.Len(t, e.subs, 1, "the delivery is also published on the bus")
	e.mu.Unlock()

	unregister()
	e.put(t, "g", "s1", ev(now+3, "ERROR d"))
	assert.Len(t, got, 1)
}

func TestSubscriptionFilterRules(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g", "s")
	kinesis := "arn:aws:kinesis:us-east-1:123456789012:stream/logs"
	role := "arn:aws:iam::123456789012:role/CWLtoKinesis"
	for _, c := range []struct {
		name string
		in   PutSubscriptionFilterInput
		code string
	}{
		{"lambda", PutSubscriptionFilterInput{FilterName: "a", FilterPattern: "", DestinationArn: lambdaARN}, ""},
		{"kinesis with a role", PutSubscriptionFilterInput{FilterName: "b", FilterPattern: "[ip, ...]", DestinationArn: kinesis, RoleArn: role, Distribution: DistributionRandom}, ""},
		{"a third filter", PutSubscriptionFilterInput{FilterName: "c", DestinationArn: lambdaARN}, "LimitExceededException"},
		{"replacing is fine", PutSubscriptionFilterInput{FilterName: "a", FilterPattern: "ERROR", DestinationArn: lambdaARN}, ""},
		{"kinesis without a role", PutSubscriptionFilterInput{FilterName: "b", DestinationArn: kinesis}, "InvalidParameterException"},
		{"not an ARN", PutSubscriptionFilterInput{FilterName: "a", DestinationArn: "processor"}, "InvalidParameterException"},
		{"unsupported service", PutSubscriptionFilterInput{FilterName: "a", DestinationArn: "arn:aws:sqs:us-east-1:123456789012:q"}, "InvalidParameterException"},
		{"bad distribution", PutSubscriptionFilterInput{FilterName: "a", DestinationArn: lambdaARN, Distribution: "RoundRobin"}, "InvalidParameterException"},
		{"bad pattern", PutSubscriptionFilterInput{FilterName: "a", FilterPattern: "[a", DestinationArn: lambdaARN}, "InvalidParameterException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.in.LogGroupName = "g"
			_, err := e.s.PutSubscriptionFilter(ctx, c.in)
			if c.code == "" {
				require.NoError(t, err)
			} else {
				assertCode(t, err, c.code)
			}
		})
	}
	out, err := e.s.DescribeSubscriptionFilters(ctx, DescribeSubscriptionFiltersInput{LogGroupName: "g"})
	require.NoError(t, err)
	require.Len(t, out.SubscriptionFilters, 2)
	assert.Equal(t, "ERROR", out.SubscriptionFilters[0].FilterPattern)
	assert.Equal(t, DistributionByLogStream, out.SubscriptionFilters[0].Distribution)
	assert.Equal(t, DistributionRandom, out.SubscriptionFilters[1].Distribution)

	e.mu.Lock()
	require.Len(t, e.subs, 1, "Kinesis destinations get a control message")
	assert.Equal(t, "CONTROL_MESSAGE", e.subs[0].Message.MessageType)
	e.subs = nil
	e.mu.Unlock()

	e.put(t, "g", "s", ev(e.now(), "10.0.0.1 GET /"))
	e.mu.Lock()
	require.Len(t, e.subs, 1)
	assert.Equal(t, map[string]string{"$ip": "10.0.0.1", "$2": "GET", "$3": "/"}, e.subs[0].Message.LogEvents[0].ExtractedFields)
	e.mu.Unlock()

	_, err = e.s.DeleteSubscriptionFilter(ctx, DeleteSubscriptionFilterInput{LogGroupName: "g", FilterName: "nope"})
	assertCode(t, err, "ResourceNotFoundException")
	_, err = e.s.DeleteSubscriptionFilter(ctx, DeleteSubscriptionFilterInput{LogGroupName: "g", FilterName: "a"})
	require.NoError(t, err)
	_, err = e.s.DescribeSubscriptionFilters(ctx, DescribeSubscriptionFiltersInput{LogGroupName: "nope"})
	assertCode(t, err, "ResourceNotFoundException")
}

func TestCloudTrailDeliveryCreatesTheStreamAndIngests(t *testing.T) {
	e := newEnv(t)
	e.group(t, "CloudTrail/logs")
	now := e.now()
	stream := "123456789012_CloudTrail_us-east-1"
	err := bus.Publish(ctx, e.bus, event.LogDelivery{LogGroupName: "CloudTrail/logs", LogStreamName: stream, Source: "trail", Events: []event.LogEvent{
		{Timestamp: now - 1000, Message: `{"eventName":"CreateLogGroup"}`},
		{Timestamp: now - 2000, Message: `{"eventName":"PutMetricAlarm"}`},
		{Timestamp: now - 20*24*3600*1000, Message: `{"eventName":"TooOld"}`},
	}})
	require.NoError(t, err)
	out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "CloudTrail/logs", FilterPattern: `{ $.eventName = * }`})
	require.NoError(t, err)
	require.Len(t, out.Events, 2)
	assert.Equal(t, `{"eventName":"PutMetricAlarm"}`, out.Events[0].Message, "sorted into time order")
	assert.Equal(t, stream, out.Events[0].LogStreamName)

	err = bus.Publish(ctx, e.bus, event.LogDelivery{LogGroupName: "missing", LogStreamName: stream, Events: []event.LogEvent{{Timestamp: now, Message: "x"}}})
	assert.ErrorIs(t, err, ErrResourceNotFound)
}
