package metrics

import "time"

// sweep applies retention and rollup by age (CloudWatch "Metrics retention"),
// run by the clock every minute:
//
//   - high-resolution minute blocks older than 3 hours lose their per-second
//     detail: their values move into a sketch (sub-minute periods are no
//     longer available for them);
//   - minute blocks older than 15 days merge into 5-minute blocks;
//   - 5-minute blocks older than 63 days merge into 1-hour blocks;
//   - 1-hour blocks older than 455 days are dropped, and a metric whose data is
//     all gone leaves the catalogue.
//
// A block is old when its whole span is: its end ≤ now − retention.
func (s *Service) sweep(at time.Time) {
	now := at.Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	var dead []*series
	s.catalog.Ascend(func(sr *series) bool {
		empty := true
		for _, st := range sr.streams {
			st.age(now)
			empty = empty && st.empty()
		}
		if empty {
			dead = append(dead, sr)
		}
		return true
	})
	for _, sr := range dead {
		s.remove(sr)
	}
}

func secs(d time.Duration) int64 { return int64(d / time.Second) }

// age rolls up and expires the stream's blocks at time now (Unix seconds).
func (st *stream) age(now int64) {
	if st.hasHead && st.head[0].start+60 <= now-secs(subMinuteRetention) {
		st.retireHead() // aging works on raw
	}
	// Sub-minute detail: 3 hours.
	for i := range st.raw {
		b := &st.raw[i]
		if b.start+60 > now-secs(subMinuteRetention) {
			break
		}
		if b.occ&hiResBit != 0 {
			b.toSketch()
		}
	}
	// Minute → 5 minutes after 15 days.
	st.raw, st.m5 = rollup(st.raw, st.m5, 300, now-secs(minuteRetention))
	if len(st.raw) == 0 && !st.hasHead {
		st.chunk, st.used = nil, 0
	}
	// 5 minutes → 1 hour after 63 days.
	st.m5, st.h1 = rollup(st.m5, st.h1, 3600, now-secs(fiveMinRetention))
	// Gone after 455 days.
	n := 0
	for n < len(st.h1) && st.h1[n].start+3600 <= now-secs(hourRetention) {
		n++
	}
	if n > 0 {
		st.h1 = append(st.h1[:0:0], st.h1[n:]...)
	}
}

// toSketch replaces the block's raw values and per-second detail by a sketch,
// keeping SampleCount, Sum, Minimum and Maximum.
func (b *block) toSketch() {
	if b.x != nil && b.x.sk != nil {
		b.occ &^= hiResBit
		return
	}
	x := b.general()
	sk := &sketch{}
	for i, v := range b.vals {
		w := 1.0
		if x.weights != nil {
			w = x.weights[i]
		}
		sk.add(v, w)
	}
	b.x = &blockExt{count: x.count, sk: sk, noPct: x.noPct}
	b.vals = nil
	b.occ = 0
}

// rollup moves the blocks of src whose coarse bucket (span seconds) ends at or
// before cutoff into dst, merged per bucket. src and dst are sorted; every
// moved bucket is newer than dst's blocks.
func rollup(src, dst []block, span, cutoff int64) ([]block, []block) {
	n := 0
	for n < len(src) && floorDiv(src[n].start, span)*span+span <= cutoff {
		n++
	}
	if n == 0 {
		return src, dst
	}
	for i := 0; i < n; i++ {
		b := &src[i]
		start := floorDiv(b.start, span) * span
		if len(dst) == 0 || dst[len(dst)-1].start != start {
			dst = append(dst, block{start: start, x: &blockExt{sk: &sketch{}}})
		}
		mergeInto(&dst[len(dst)-1], b)
	}
	rest := make([]block, len(src)-n, max(len(src)-n, 8))
	copy(rest, src[n:])
	return rest, dst
}

// mergeInto adds block b's data to the rolled-up block d.
func mergeInto(d *block, b *block) {
	c := b.count()
	if c > 0 {
		if d.x.count == 0 {
			d.min, d.max = b.min, b.max
		} else {
			d.min = min(d.min, b.min)
			d.max = max(d.max, b.max)
		}
		d.sum += b.sum
		d.x.count += c
	}
	x := b.x
	if x == nil {
		for _, v := range b.vals {
			d.x.sk.add(v, 1)
		}
		return
	}
	d.x.noPct = d.x.noPct || x.noPct
	if x.sk != nil {
		d.x.sk.merge(x.sk)
	}
	for i, v := range b.vals {
		w := 1.0
		if x.weights != nil {
			w = x.weights[i]
		}
		d.x.sk.add(v, w)
	}
}
