package metrics

import (
	"math"
	"slices"
	"time"
)

// The anomaly detection model.
//
// CloudWatch's anomaly detection algorithm is not published: the CloudWatch
// User Guide ("Using CloudWatch anomaly detection") only says that it trains
// on up to two weeks of the metric's data, models trends and hourly, daily and
// weekly patterns, and that the anomaly detection threshold (the number of
// standard deviations of ANOMALY_DETECTION_BAND, default 2) widens the band.
// localwatch therefore uses a documented, deterministic APPROXIMATION:
//
//   - Training data: the metric's statistic at the query's period over the
//     two weeks before the hour that holds the query's StartTime (the model
//     is retrained at each hour boundary; before StartTime itself for a
//     period that does not divide an hour), as far back as data at that
//     period is kept (three hours for periods under a minute, 15 days for
//     minute periods), without the periods that start inside the detector's
//     ExcludedTimeRanges.
//   - Too little data: with fewer than [AnomalyMinTrainingPoints] training
//     datapoints the model is untrained and the band has no points.
//   - Expected value at time t: the daily profile, the median of the training
//     values in t's time-of-day slot (the period containing t's time of day in
//     the detector's MetricTimezone, UTC by default). With three or more days
//     in the slot the profile is used as it is; with one or two it is blended
//     with the recent level (the median of the last hour of training data, at
//     least 10 datapoints) with weight days/3; with none the level is used.
//     When the slot has three or more days, the weekly effect of t's hour of
//     the week — the median difference between the training values of that
//     hour of the week and the daily profile — is added, half of it with one
//     week of history, all of it with two.
//   - Spread: 1.4826 × the median absolute deviation (a robust standard
//     deviation) of the residuals of the training values whose slot has three
//     or more days against the daily profile; with fewer than 10 such values,
//     of all training values around their median. The spread is at least 1%
//     of the absolute median training value.
//   - Band: expected ± stddevs × spread × √(1 + π/(2·days)), the last factor
//     widening the band by the standard error of a median of that many days
//     (days = the slot's count when the profile stands alone, else no
//     widening). For a statistic that cannot be
//     negative (SampleCount) or a metric of an AWS/ namespace whose training
//     values are all non-negative, the lower bound is not below zero, as the
//     guide says CloudWatch ensures for common AWS metrics.
//
// The result is a pure function of the training data, the period, the time
// zone and the targets, so bands are reproducible.

// Model parameters.
const (
	// AnomalyTrainingWindow is how much history the model trains on.
	AnomalyTrainingWindow = 14 * 24 * time.Hour
	// AnomalyMinTrainingPoints is the fewest training datapoints for which the
	// model produces a band.
	AnomalyMinTrainingPoints = 10
	// AnomalyDefaultStdDevs is ANOMALY_DETECTION_BAND's default threshold.
	AnomalyDefaultStdDevs = 2.0

	seasonalDays   = 3      // days in a slot for the profile to stand alone
	madScale       = 1.4826 // MAD to standard deviation for normal data
	minSpreadRatio = 0.01
	day            = 86400
	week           = 7 * day
	weekHours      = 7 * 24
)

// anomalyModel is a trained model.
type anomalyModel struct {
	period    int64
	loc       *time.Location
	daily     []float64          // median per time-of-day slot
	dailyN    []int32            // training values per slot
	weekAdj   [weekHours]float64 // median residual per hour of the week
	weekW     [weekHours]float64 // its weight: weeks of history / 2
	level     float64
	spread    float64
	clampZero bool
}

// localOffset returns t's offset from UTC in seconds in loc.
func localOffset(t int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return 0
	}
	_, off := time.Unix(t, 0).In(loc).Zone()
	return int64(off)
}

func posMod(a, m int64) int64 {
	a %= m
	if a < 0 {
		a += m
	}
	return a
}

// trainAnomalyModel trains on the datapoints (times ascending, period starts
// in Unix seconds). It returns nil when there are too few.
func trainAnomalyModel(times []int64, values []float64, period int64, loc *time.Location, clampZero bool) *anomalyModel {
	n := len(values)
	if n < AnomalyMinTrainingPoints || period <= 0 {
		return nil
	}
	nslots := (day + period - 1) / period
	m := &anomalyModel{period: period, loc: loc, daily: make([]float64, nslots), dailyN: make([]int32, nslots)}
	slotOf := make([]int32, n)
	weekOf := make([]int64, n)
	nonNeg := true
	for i, t := range times {
		lt := t + localOffset(t, loc)
		slotOf[i] = int32(posMod(lt, day) / period)
		weekOf[i] = posMod(lt, week) / 3600 // hour of the week
		m.dailyN[slotOf[i]]++
		if values[i] < 0 {
			nonNeg = false
		}
	}
	m.clampZero = clampZero && nonNeg
	// Bucket the values by slot (counting sort), then take each median.
	start := make([]int32, nslots+1)
	for k := int64(0); k < nslots; k++ {
		start[k+1] = start[k] + m.dailyN[k]
	}
	pos := slices.Clone(start[:nslots])
	buf := make([]float64, n)
	for i, v := range values {
		buf[pos[slotOf[i]]] = v
		pos[slotOf[i]]++
	}
	for k := int64(0); k < nslots; k++ {
		if b := buf[start[k]:start[k+1]]; len(b) > 0 {
			m.daily[k] = median(b)
		}
	}
	// The recent level: the last hour, at least 10 datapoints.
	last := max(int(3600/period), 10)
	m.level = median(slices.Clone(values[max(0, n-last):]))
	// Spread from the residuals against the daily profile.
	res := buf[:0]
	for i, v := range values {
		if m.dailyN[slotOf[i]] >= seasonalDays {
			res = append(res, v-m.daily[slotOf[i]])
		}
	}
	if len(res) < AnomalyMinTrainingPoints {
		res = append(res[:0], values...)
		c := median(slices.Clone(res))
		for i := range res {
			res[i] -= c
		}
	}
	for i := range res {
		res[i] = math.Abs(res[i])
	}
	m.spread = madScale * median(res)
	all := slices.Clone(values)
	m.spread = max(m.spread, minSpreadRatio*math.Abs(median(all)))
	// Weekly effects: per hour of the week, the median residual of the
	// training values (of slots whose daily profile stands alone).
	var buckets [weekHours][]float64
	for i, v := range values {
		if k := slotOf[i]; m.dailyN[k] >= seasonalDays {
			h := weekOf[i]
			buckets[h] = append(buckets[h], v-m.daily[k])
		}
	}
	perHour := float64(max(3600/period, 1))
	for h := range buckets {
		if n := len(buckets[h]); n > 0 {
			m.weekAdj[h] = median(buckets[h])
			m.weekW[h] = min(float64(n)/(2*perHour), 1)
		}
	}
	return m
}

// expected is the model's expected value at t and the days of its slot.
func (m *anomalyModel) expected(t int64) (float64, int32) {
	lt := t + localOffset(t, m.loc)
	k := posMod(lt, day) / m.period
	c := m.dailyN[k]
	switch {
	case c >= seasonalDays:
		h := posMod(lt, week) / 3600
		return m.daily[k] + m.weekW[h]*m.weekAdj[h], c
	case c > 0:
		w := float64(c) / seasonalDays
		return w*m.daily[k] + (1-w)*m.level, c
	}
	return m.level, 0
}

// band returns the lower and upper bounds at each target time.
func (m *anomalyModel) band(targets []int64, stddevs float64) (lower, upper []float64) {
	lower, upper = make([]float64, len(targets)), make([]float64, len(targets))
	for i, t := range targets {
		e, c := m.expected(t)
		w := stddevs * m.spread
		if c >= seasonalDays {
			w *= math.Sqrt(1 + math.Pi/(2*float64(c)))
		}
		lo := e - w
		if m.clampZero && lo < 0 {
			lo = 0
		}
		lower[i], upper[i] = lo, e+w
	}
	return lower, upper
}

// median returns the median of xs, reordering xs (quickselect).
func median(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	if n <= 32 {
		slices.Sort(xs)
		if n%2 == 1 {
			return xs[n/2]
		}
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	hi := selectRank(xs, n/2+1) // leaves the lower half before it
	if n%2 == 1 {
		return hi
	}
	// The largest of the lower half.
	lo := xs[0]
	for _, v := range xs[1 : n/2] {
		lo = max(lo, v)
	}
	return (lo + hi) / 2
}
