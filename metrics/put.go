package metrics

import (
	"context"
	"fmt"
	"math/bits"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

type putScratch struct {
	hashes []uint64
	ts     []int64
	series []*series
}

// PutMetricData publishes datapoints, creating metrics as needed. Each datum
// carries exactly one of Value, Values (with optional Counts) or
// StatisticValues. The call is validated as a whole first: on any error nothing
// is stored. The datapoints of one call become visible to readers atomically.
//
// Custom namespaces may not start with "AWS/" (reserved for AWS services, that
// is, for producers inside the stack that send a [DataEvent] with Internal set).
func (s *Service) PutMetricData(ctx context.Context, in PutMetricDataInput) (*PutMetricDataOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutMetricData", Data: true}, in, s.putMetricData)
}

func (s *Service) putMetricData(ctx context.Context, c *event.Call, in PutMetricDataInput) (*PutMetricDataOutput, error) {
	if s.op.Rec.Records(ctx) {
		// The parameters of 1,000 datums are built only if a subscriber
		// reads the call.
		dataCall(c, func() any { return putParams(in) })
	}
	if err := s.put(in, false); err != nil {
		return nil, err
	}
	return &PutMetricDataOutput{}, nil
}

// maxPutCaches bounds the namespaces PutMetricData keeps a positional series
// cache for (Service.lastPut).
const maxPutCaches = 64

// put stores one PutMetricData call, all or nothing, in three steps under the
// write lock: prepareLocked validates every datum and looks its series up,
// creating nothing (a rejected call changes nothing); resolveLocked creates
// the series that do not exist yet and remembers the call's order;
// applyLocked writes the values into their series' blocks. The steps share
// the call's scratch (hashes, timestamps and series by datum).
func (s *Service) put(in PutMetricDataInput, internal bool) error {
	now := s.op.Clock.Now().Unix()
	if err := validateNamespace("Namespace", in.Namespace, internal); err != nil {
		return err
	}
	if len(in.MetricData) == 0 {
		return awserr.Missing("MetricData")
	}
	if len(in.MetricData) > MaxDatumsPerCall {
		return awserr.InvalidValue("MetricData", len(in.MetricData), fmt.Sprintf("the collection must not have more than %d members", MaxDatumsPerCall))
	}
	sc := s.scratch.Get().(*putScratch)
	defer func() {
		clear(sc.series) // drop references to series
		s.scratch.Put(sc)
	}()
	sc.hashes = sc.hashes[:0]
	sc.ts = sc.ts[:0]
	sc.series = sc.series[:0]

	// Validating under the lock lets the lookups of consecutive datums
	// overlap their cache misses (see prepareLocked).
	s.mu.Lock()
	defer s.mu.Unlock()
	last, missing, err := s.prepareLocked(&in, now, sc)
	if err != nil {
		return err
	}
	s.resolveLocked(&in, last, missing, sc)
	s.applyLocked(in.MetricData, now, sc)
	return nil
}

// prepareLocked validates the call's datums and the request size, and fills
// sc with each datum's identity hash, timestamp and series (nil for a series
// that does not exist yet: nothing is created before the whole call is
// valid). It answers the namespace's positional cache (lastPut) and whether a
// series is missing. s.mu is held.
//
// One pass validates each datum, hashes its identity and looks its series up.
// Doing the lookup here, under the lock, lets the CPU overlap the cache
// misses of consecutive datums' strings and series.
func (s *Service) prepareLocked(in *PutMetricDataInput, now int64, sc *putScratch) (last []*series, missing bool, err error) {
	ns, data := in.Namespace, in.MetricData
	nsHash, _ := strHash(ns)
	size := requestBaseSize(in)
	var memo [2]hashMemo
	var lastUnit StandardUnit // the last unit found valid ("" always is)
	last = s.lastPut[ns]
	hits, misses := 0, 0
	for i := range data {
		d := &data[i]
		// A producer usually sends the same metrics in the same order every
		// interval: datum i is then the series datum i was last time, which
		// an identity check confirms without hashing (see lastPut).
		var sr *series
		var h uint64
		idSize := -1
		plain := true // the identity is known valid (name, dimension count and dimensions)
		// (A call that keeps missing stops trying: its order has changed.)
		if i < len(last) && (misses <= 8 || hits >= misses) && last[i].is(ns, d.MetricName, d.Dimensions) {
			sr = last[i]
			h = sr.hash
			idSize = sr.idSize // the same strings
			hits++
		} else {
			misses++
			h, plain = metricHash(nsHash, d.MetricName, d.Dimensions, &memo)
			if !plain {
				if err := validateDimensions(fieldRef{"MetricData.member.%d.Dimensions", i}, d.Dimensions); err != nil {
					return nil, false, err
				}
			}
			plain = plain && d.MetricName != "" && len(d.MetricName) <= maxNameLen && len(d.Dimensions) <= MaxDimensions && printable(d.MetricName)
			if sr = s.lookup(h, ns, d.MetricName, d.Dimensions); sr != nil {
				idSize = sr.idSize // identitySize does not depend on dimension order
			}
		}
		t := now
		if !d.Timestamp.IsZero() {
			t = d.Timestamp.Unix()
		}
		if plain && d.Value != nil && d.StatisticValues == nil && len(d.Values)+len(d.Counts) == 0 &&
			streq(string(d.Unit), string(lastUnit)) && validValue(*d.Value) && (d.StorageResolution == 0 || d.StorageResolution == 1 || d.StorageResolution == 60) &&
			t >= now-secs(pastWindow) && t <= now+secs(futureWindow) {
			// A valid identity with one valid value: validateDatum would
			// accept it.
		} else if err := validateDatum(i, d, now, &lastUnit); err != nil {
			return nil, false, err
		}
		if idSize < 0 {
			idSize = identitySize(d.MetricName, d.Dimensions)
		}
		size += datumSizeWith(i, d, idSize)
		missing = missing || sr == nil
		sc.hashes = append(sc.hashes, h)
		sc.ts = append(sc.ts, t)
		sc.series = append(sc.series, sr)
	}
	if size > MaxRequestBytes {
		return nil, false, awserr.New("RequestEntityTooLarge", "Request size %d bytes exceeds the limit of %d bytes", size, MaxRequestBytes).WithStatus(413)
	}
	return last, missing, nil
}

// resolveLocked creates the series prepareLocked did not find (a datum may
// name one an earlier datum of the call created) and keeps the call's series
// order as the namespace's positional cache. s.mu is held.
func (s *Service) resolveLocked(in *PutMetricDataInput, last []*series, missing bool, sc *putScratch) {
	if missing {
		for i, sr := range sc.series {
			if sr == nil {
				d := &in.MetricData[i]
				h := sc.hashes[i]
				if sr = s.lookup(h, in.Namespace, d.MetricName, d.Dimensions); sr == nil {
					sr = s.create(h, in.Namespace, d.MetricName, d.Dimensions)
				}
				sc.series[i] = sr
			}
		}
	}
	if last == nil && len(s.lastPut) >= maxPutCaches {
		clear(s.lastPut)
	}
	if s.lastPut == nil {
		s.lastPut = make(map[string][]*series)
	}
	s.lastPut[in.Namespace] = append(last[:0], sc.series...)
}

// applyLocked writes each datum into the block of its series and minute
// (values, statistic sets, distributions) and advances the series' newest
// timestamp and receive time. It cannot fail: prepareLocked validated
// everything. s.mu is held.
func (s *Service) applyLocked(data []MetricDatum, now int64, sc *putScratch) {
	for i := range data {
		d := &data[i]
		sr := sc.series[i]
		st := sr.stream(unitOf(d.Unit))
		t := sc.ts[i]
		hires := d.StorageResolution == 1
		minute := floorDiv(t, 60) * 60
		sec := 0
		if hires {
			sec = int(t - minute)
		}
		var b *block
		if h := &st.head[0]; st.hasHead && h.start == minute {
			b = h // the common case, without a call
		} else {
			b = st.blockAt(minute, hires)
		}
		if due := detailDue(minute); due < s.nextDue {
			s.nextDue = due
		}
		switch {
		case d.Value != nil:
			v := *d.Value
			if hires {
				b.occ |= hiResBit
			}
			if b.x == nil && b.occ&minuteOnlyBit == 0 && sec >= bits.Len64(b.occ&secMask) {
				// block.add's simple-mode append, inlined.
				if len(b.vals) == 0 {
					b.min, b.max = v, v
				} else {
					b.min = min(b.min, v)
					b.max = max(b.max, v)
				}
				b.sum += v
				b.occ |= 1 << sec
				b.vals = append(b.vals, v)
			} else {
				b.add(sec, v, 1, hires)
			}
		case d.StatisticValues != nil && len(d.Values) > 0:
			// Both: AWS accepts the datum (LocalStack's AWS-validated test
			// "For some strange reason the AWS implementation allows this"),
			// and the CloudWatch agent sends exactly this shape for its
			// distributions: an exact statistic set beside approximate
			// Values/Counts (amazon-cloudwatch-agent, plugins/outputs/
			// cloudwatch). We keep both, as the agent relies on: SampleCount,
			// Sum, Minimum and Maximum from StatisticValues, percentiles from
			// Values and Counts.
			b.addSetDist(sec, *d.StatisticValues, d.Values, d.Counts, hires)
		case d.StatisticValues != nil:
			sv := *d.StatisticValues
			// CloudWatch keeps percentile statistics for a statistic set whose
			// SampleCount is 1 or whose Minimum equals its Maximum (API
			// Reference, GetMetricStatistics): it is then SampleCount copies of
			// one value. Any other set has no individual values.
			switch {
			case sv.SampleCount == 1 && sv.Minimum == sv.Maximum && sv.Sum == sv.Minimum,
				sv.Minimum == sv.Maximum && sv.Sum == sv.Minimum*sv.SampleCount:
				b.add(sec, sv.Minimum, sv.SampleCount, hires)
			case sv.SampleCount == 1:
				b.addSetValue(sec, sv, sv.Sum, hires) // one value: the Sum
			case sv.Minimum == sv.Maximum:
				b.addSetValue(sec, sv, sv.Minimum, hires)
			default:
				b.addSet(sec, sv, hires)
			}
		default:
			for j, v := range d.Values {
				w := 1.0
				if len(d.Counts) > 0 {
					w = d.Counts[j]
				}
				if w > 0 {
					b.add(sec, v, w, hires)
				}
			}
		}
		if t > sr.lastTS {
			sr.lastTS = t
		}
		if now > sr.lastRecv {
			sr.lastRecv = now
		}
	}
}

// CloudTrailTimeLayout is how CloudTrail records show the times in CloudWatch
// metric requests ("startTime": "Apr 19, 2024, 4:00:00 AM", UTC).
const CloudTrailTimeLayout = "Jan 2, 2006, 3:04:05 PM"

// putParams renders a PutMetricData request as CloudTrail shows it.
func putParams(in PutMetricDataInput) any {
	data := make([]map[string]any, 0, len(in.MetricData))
	for _, d := range in.MetricData {
		m := map[string]any{"metricName": d.MetricName}
		if len(d.Dimensions) > 0 {
			m["dimensions"] = dimParams(d.Dimensions)
		}
		if !d.Timestamp.IsZero() {
			m["timestamp"] = d.Timestamp.UTC().Format(CloudTrailTimeLayout)
		}
		if d.Value != nil {
			m["value"] = *d.Value
		}
		if len(d.Values) > 0 {
			m["values"] = d.Values
		}
		if len(d.Counts) > 0 {
			m["counts"] = d.Counts
		}
		if sv := d.StatisticValues; sv != nil {
			m["statisticValues"] = map[string]any{"sampleCount": sv.SampleCount, "sum": sv.Sum, "minimum": sv.Minimum, "maximum": sv.Maximum}
		}
		if d.Unit != "" {
			m["unit"] = string(d.Unit)
		}
		if d.StorageResolution != 0 {
			m["storageResolution"] = d.StorageResolution
		}
		data = append(data, m)
	}
	return map[string]any{"namespace": in.Namespace, "metricData": data}
}

func dimParams(dims []Dimension) []map[string]any {
	out := make([]map[string]any, len(dims))
	for i, d := range dims {
		out[i] = map[string]any{"name": d.Name, "value": d.Value}
	}
	return out
}
