package alarms

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/metrics"
)

// MaxBacktestSpan is the longest time a Backtest series may span: 455 days,
// how long CloudWatch keeps any metric data.
const MaxBacktestSpan = 455 * 24 * time.Hour

// Transition is one state change in a Backtest timeline.
type Transition struct {
	Time            time.Time
	OldState        StateValue
	NewState        StateValue
	StateReason     string
	StateReasonData string
}

// Backtest replays a recorded series through an alarm definition and returns
// the state changes the alarm would have made. The alarm starts in
// INSUFFICIENT_DATA and is evaluated as the Service evaluates it: at every
// evaluation time aligned to its cadence (each minute; each 10 seconds for
// high-resolution alarms with a Period of 10, 20 or 30 seconds), from the first
// such time after the first datapoint until the last datapoint has left the
// evaluation range. A Transition's Time is the evaluation time.
//
// Each evaluation divides the range into periods that end at the evaluation
// time, not at the series' own timestamps, and puts each datapoint in the
// period containing its timestamp (the later one wins if two share a period).
// The datapoint timestamps in StateReason and StateReasonData are therefore
// the starts of those periods: with a 300-second Period, datapoints at 10:00
// and 10:05 first count at the 10:01 and 10:06 evaluations and appear as the
// periods 09:56 and 10:01. A datapoint keeps counting, as the newest period,
// at every evaluation until it is a Period old, so a change shows at the first
// evaluation after the datapoint that causes it.
//
// For a math alarm, series is the value of the returned expression. def is
// validated as PutMetricAlarm would.
//
// The series may span at most MaxBacktestSpan (455 days, CloudWatch's longest
// retention), which bounds the number of evaluations; a longer one is an
// InvalidParameterValue error.
func Backtest(def PutMetricAlarmInput, series []Datapoint) ([]Transition, error) {
	if err := validateDefinition(&def); err != nil {
		return nil, err
	}
	if len(series) == 0 {
		return nil, nil
	}
	pts := slices.Clone(series)
	slices.SortFunc(pts, func(a, b Datapoint) int { return a.Timestamp.Compare(b.Timestamp) })
	if span := pts[len(pts)-1].Timestamp.Sub(pts[0].Timestamp); span > MaxBacktestSpan {
		return nil, awserr.InvalidValue("series", span.String(), "a backtest series may span at most 455 days")
	}
	c := compile(&def)
	var sc scratch
	pd := time.Duration(c.period) * time.Second
	first := pts[0].Timestamp.Truncate(c.cadence).Add(c.cadence)
	last := pts[len(pts)-1].Timestamp.Add(time.Duration(c.rangeLen+1) * pd)
	state := StateInsufficientData
	var out []Transition
	lo, hi := 0, 0
	for t := first; !t.After(last); t = t.Add(c.cadence) {
		end := t.Truncate(c.cadence)
		start := end.Add(-time.Duration(c.rangeLen) * pd)
		for lo < len(pts) && pts[lo].Timestamp.Before(start) {
			lo++
		}
		for hi < len(pts) && pts[hi].Timestamp.Before(end) {
			hi++
		}
		ev := c.evaluate(&sc, t, state, pts[lo:max(lo, hi)], false)
		if ev.Changed {
			out = append(out, Transition{Time: t, OldState: state, NewState: ev.State, StateReason: ev.Reason, StateReasonData: ev.ReasonData})
			state = ev.State
		}
	}
	return out, nil
}

// SeriesFromGetMetricData reads the JSON that `aws cloudwatch get-metric-data`
// prints (or a GetMetricData response) and returns the series of the result
// with the given Id (the first result when id is empty), ready for Backtest.
func SeriesFromGetMetricData(r io.Reader, id string) ([]Datapoint, error) {
	var out metrics.GetMetricDataOutput
	if err := json.NewDecoder(r).Decode(&out); err != nil {
		return nil, fmt.Errorf("alarms: decoding get-metric-data output: %w", err)
	}
	for _, res := range out.MetricDataResults {
		if id != "" && res.Id != id {
			continue
		}
		if len(res.Timestamps) != len(res.Values) {
			return nil, fmt.Errorf("alarms: result %s has %d timestamps and %d values", res.Id, len(res.Timestamps), len(res.Values))
		}
		dps := make([]Datapoint, len(res.Timestamps))
		for i := range res.Timestamps {
			dps[i] = Datapoint{Timestamp: res.Timestamps[i], Value: res.Values[i]}
		}
		slices.SortFunc(dps, func(a, b Datapoint) int { return a.Timestamp.Compare(b.Timestamp) })
		return dps, nil
	}
	return nil, fmt.Errorf("alarms: no result with Id %q", id)
}
