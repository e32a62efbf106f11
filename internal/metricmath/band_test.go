package metricmath

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/internal/awserr"
)

// bandSource is a fakeSource whose band is the argument ± stddevs.
type bandSource struct {
	fakeSource
	calls []string
	ks    []float64
}

func (b *bandSource) Band(id string, arg Series, k float64) (Series, Series, error) {
	b.calls = append(b.calls, id)
	b.ks = append(b.ks, k)
	lo, hi := arg.derive(arg.Len()), arg.derive(arg.Len())
	lo.Label, hi.Label = arg.Label+" Lower", arg.Label+" Upper"
	for i, v := range arg.Values {
		lo.Times, lo.Values = append(lo.Times, arg.Times[i]), append(lo.Values, v-k)
		hi.Times, hi.Values = append(hi.Times, arg.Times[i]), append(hi.Values, v+k)
	}
	return lo, hi, nil
}

func TestAnomalyDetectionBand(t *testing.T) {
	src := &bandSource{fakeSource: fakeSource{metrics: map[string]Series{"m1": ts(10, 20), "m2": ts(1)}}}
	r, err := run(t, &src.fakeSource, []string{"m1"}, "ANOMALY_DETECTION_BAND(m1)", 2)
	require.Error(t, err, "a Source without bands")
	assert.Contains(t, err.Error(), "anomaly detection model")

	qs := []Query{{ID: "m1", Period: 60}, {ID: "e1", Expression: "m1 * 2"},
		{ID: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1)"}, {ID: "ad2", Expression: "ANOMALY_DETECTION_BAND(e1, 3)"}}
	p, err := Compile(qs)
	require.NoError(t, err)
	rs, err := p.Eval(Env{Start: t0, End: t0 + 120}, src)
	require.NoError(t, err)
	r = rs[2]
	require.Equal(t, KindArray, r.Kind, "the band is an array of two series")
	require.Len(t, r.Series, 2)
	assert.Equal(t, []float64{8, 18}, r.Series[0].Values, "lower first, 2 standard deviations by default")
	assert.Equal(t, []float64{12, 22}, r.Series[1].Values)
	assert.Equal(t, "m1 Lower", r.Series[0].Label)
	assert.Equal(t, []float64{17, 37}, rs[3].Series[0].Values, "the band of an expression")
	assert.Equal(t, []string{"m1", "e1"}, src.calls)
	assert.Equal(t, []float64{2, 3}, src.ks)
}

func TestAnomalyDetectionBandErrors(t *testing.T) {
	for _, c := range []struct{ expr, msg string }{
		{"ANOMALY_DETECTION_BAND(METRICS())", "Unsupported operand type(s) for ANOMALY_DETECTION_BAND: '[Array[TimeSeries]]'"},
		{"ANOMALY_DETECTION_BAND(m1, m2)", "Unsupported operand type(s) for ANOMALY_DETECTION_BAND: '[TimeSeries, TimeSeries]'"},
		{"ANOMALY_DETECTION_BAND(5)", "Unsupported operand type(s) for ANOMALY_DETECTION_BAND: '[Scalar]'"},
		{"ANOMALY_DETECTION_BAND(m1 * 2)", "must be the Id of a metric or of an expression"},
		{"ANOMALY_DETECTION_BAND(m1, 0)", "must be a positive number"},
		{"ANOMALY_DETECTION_BAND(m1, -1)", "must be a positive number"},
	} {
		t.Run(c.expr, func(t *testing.T) {
			src := &bandSource{fakeSource: fakeSource{metrics: map[string]Series{"m1": ts(10, 20), "m2": ts(1)}}}
			qs := []Query{{ID: "m1", Period: 60}, {ID: "m2", Period: 60}, {ID: "e", Expression: c.expr}}
			p, err := Compile(qs)
			if err == nil {
				_, err = p.Eval(Env{Start: t0, End: t0 + 120}, src)
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrValidation), err.Error())
			assert.Contains(t, awserr.Message(err), c.msg)
			assert.Empty(t, src.calls)
		})
	}
}
