package alarmtest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/metrics"
)

// The alarm under test, as `aws cloudwatch describe-alarms` prints it: page
// the on-call topic when p99 checkout latency is above 1.5 s in 3 of the last
// 5 minutes, treating missing minutes as fine.
const describeAlarmsJSON = `{
  "MetricAlarms": [{
    "AlarmName": "checkout-latency",
    "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-latency",
    "ActionsEnabled": true,
    "OKActions": ["arn:aws:sns:us-east-1:123456789012:oncall"],
    "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:oncall"],
    "InsufficientDataActions": [],
    "StateValue": "OK",
    "MetricName": "Latency",
    "Namespace": "Shop",
    "Statistic": "Maximum",
    "Dimensions": [{"Name": "Service", "Value": "checkout"}],
    "Period": 60,
    "EvaluationPeriods": 5,
    "DatapointsToAlarm": 3,
    "Threshold": 1.5,
    "ComparisonOperator": "GreaterThanThreshold",
    "TreatMissingData": "notBreaching"
  }]
}`

func alarmDefinition(t *testing.T) alarms.PutMetricAlarmInput {
	t.Helper()
	var out alarms.DescribeAlarmsOutput
	require.NoError(t, json.NewDecoder(strings.NewReader(describeAlarmsJSON)).Decode(&out))
	return out.MetricAlarms[0].Definition()
}

func TestCheckoutLatencyAlarmPagesOnSustainedSlowness(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	clk := localwatch.NewManualClock(start)

	// The metric store and the alarms service share the clock; the metrics
	// service answers the alarms' queries (it implements alarms.MetricSource).
	store := metrics.New(metrics.Options{Clock: clk})
	defer store.Close()
	svc := alarms.New(alarms.Options{Clock: clk, Metrics: store})
	defer svc.Close()

	var changes []alarms.StateChange
	svc.OnStateChange(func(c alarms.StateChange) { changes = append(changes, c) })

	_, err := svc.PutMetricAlarm(ctx, alarmDefinition(t))
	require.NoError(t, err)

	// Minute by minute, the slowest request: fast, slow, fast, slow, slow.
	record := func(at time.Time, seconds float64) {
		clk.Set(at)
		_, err := store.PutMetricData(ctx, metrics.PutMetricDataInput{Namespace: "Shop", MetricData: []metrics.MetricDatum{{
			MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Service", Value: "checkout"}},
			Timestamp: at, Value: metrics.Float(seconds), Unit: metrics.UnitSeconds,
		}}})
		require.NoError(t, err)
	}
	for i, seconds := range []float64{0.4, 2.1, 0.3, 1.9, 2.4} {
		record(start.Add(time.Duration(i)*time.Minute+20*time.Second), seconds)
	}
	clk.Set(start.Add(5 * time.Minute))

	require.Len(t, changes, 2)
	assert.Equal(t, alarms.StateOK, changes[0].NewState)
	page := changes[1]
	assert.Equal(t, alarms.StateAlarm, page.NewState)
	assert.Equal(t, start.Add(5*time.Minute), page.Time, "the third slow minute ends at 09:05")
	assert.Equal(t, "Threshold Crossed: 3 out of the last 5 datapoints [2.4 (24/11/26 09:04:00), 1.9 (24/11/26 09:03:00), 2.1 (24/11/26 09:01:00)] "+
		"were greater than the threshold (1.5) (minimum 3 datapoints for OK -> ALARM transition).", page.StateReason)

	// The SNS action ran: the notification AWS would send is in the history
	// (and on the bus, as an event.Notification, when the stack has one).
	hist, err := svc.DescribeAlarmHistory(ctx, alarms.DescribeAlarmHistoryInput{
		AlarmName: "checkout-latency", HistoryItemType: alarms.HistoryAction})
	require.NoError(t, err)
	require.NotEmpty(t, hist.AlarmHistoryItems)
	var action struct {
		ActionState      string `json:"actionState"`
		PublishedMessage string `json:"publishedMessage"`
	}
	require.NoError(t, json.Unmarshal([]byte(hist.AlarmHistoryItems[0].HistoryData), &action))
	assert.Equal(t, "Succeeded", action.ActionState)
	var msg struct{ NewStateValue, OldStateValue, Region string }
	require.NoError(t, json.Unmarshal([]byte(action.PublishedMessage), &msg))
	assert.Equal(t, "ALARM", msg.NewStateValue)
	assert.Equal(t, "US East (N. Virginia)", msg.Region)

	// Two fast minutes later only two slow minutes remain in the last five,
	// and missing minutes count as fine: back to OK.
	record(start.Add(5*time.Minute+1*time.Second), 0.2)
	record(start.Add(6*time.Minute+1*time.Second), 0.2)
	clk.Set(start.Add(7 * time.Minute))
	assert.Equal(t, alarms.StateOK, changes[len(changes)-1].NewState)
}

// The pure evaluator needs no service or clock: one table row per situation.
func TestCheckoutLatencyAlarmDecisions(t *testing.T) {
	def := alarmDefinition(t)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	// Rows read oldest to newest over the last five minutes; "-" is no data.
	cases := []struct {
		name    string
		minutes []string
		want    alarms.StateValue
	}{
		{"three slow minutes page", []string{"2", "0.2", "2", "-", "2"}, alarms.StateAlarm},
		{"two slow minutes do not", []string{"2", "0.2", "0.2", "-", "2"}, alarms.StateOK},
		{"silence is fine (notBreaching)", []string{"-", "-", "-", "-", "-"}, alarms.StateOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var dps []alarms.Datapoint
			for i, v := range tc.minutes {
				if v == "-" {
					continue
				}
				var f float64
				require.NoError(t, json.Unmarshal([]byte(v), &f))
				dps = append(dps, alarms.Datapoint{Timestamp: now.Add(time.Duration(i-5) * time.Minute), Value: f})
			}
			ev, err := alarms.Evaluate(def, alarms.EvaluationInput{Time: now, Previous: alarms.StateOK, Datapoints: dps})
			require.NoError(t, err)
			assert.Equal(t, tc.want, ev.State, ev.Reason)
		})
	}
}

// Backtest replays a recorded day (for instance from `aws cloudwatch
// get-metric-data` output, via alarms.SeriesFromGetMetricData) and shows when
// the alarm would have paged.
func TestCheckoutLatencyAlarmBacktest(t *testing.T) {
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	var series []alarms.Datapoint
	for m := range 24 * 60 {
		v := 0.3
		if m >= 600 && m < 604 { // a 4-minute slowdown at 10:00
			v = 3
		}
		series = append(series, alarms.Datapoint{Timestamp: start.Add(time.Duration(m) * time.Minute), Value: v})
	}
	timeline, err := alarms.Backtest(alarmDefinition(t), series)
	require.NoError(t, err)
	var pages []string
	for _, tr := range timeline {
		if tr.NewState == alarms.StateAlarm {
			pages = append(pages, tr.Time.Format("15:04"))
		}
	}
	assert.Equal(t, []string{"10:03"}, pages)
}
