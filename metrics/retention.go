package metrics

import (
	"math"
	"time"
)

// sweep applies retention and rollup by age (CloudWatch "Metrics retention"),
// run by the clock every minute:
//
//   - high-resolution minute blocks older than 3 hours lose their per-second
//     detail (sub-minute periods are no longer available for them) but keep
//     their values;
//   - minute blocks older than 15 days merge into 5-minute blocks, their
//     values into a sketch;
//   - 5-minute blocks older than 63 days merge into 1-hour blocks;
//   - 1-hour blocks older than 455 days are dropped, and a metric whose data is
//     all gone leaves the catalogue.
//
// A block is old when its whole span is: its end ≤ now − retention.
//
// The sweep costs O(1) while nothing is due: it keeps the earliest time at
// which any block needs work (nextDue), and PutMetricData lowers it for new
// blocks, so a manual clock moved by months runs through its minute timers
// quickly.
func (s *Service) sweep(at time.Time) {
	now := at.Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	if now < s.nextDue {
		return
	}
	next := int64(math.MaxInt64)
	var dead []*series
	s.catalog.Ascend(func(sr *series) bool {
		empty := true
		for _, st := range sr.streams {
			st.age(now)
			empty = empty && st.empty()
			next = min(next, st.nextDue())
		}
		if empty {
			dead = append(dead, sr)
		}
		return true
	})
	for _, sr := range dead {
		s.remove(sr)
	}
	s.nextDue = next
}

func secs(d time.Duration) int64 { return int64(d / time.Second) }

// detailDue is when a minute block starting at start loses its per-second
// detail.
func detailDue(start int64) int64 { return start + 60 + secs(subMinuteRetention) }

// nextDue returns the earliest time (Unix seconds) at which age has work.
func (st *stream) nextDue() int64 {
	next := int64(math.MaxInt64)
	if st.hasHead {
		next = detailDue(st.head[0].start)
	}
	if len(st.raw) > 0 {
		next = min(next, floorDiv(st.raw[0].start, 300)*300+300+secs(minuteRetention))
		if st.agedTo != math.MaxInt64 {
			next = min(next, detailDue(st.agedTo))
		}
	}
	if len(st.m5) > 0 {
		next = min(next, floorDiv(st.m5[0].start, 3600)*3600+3600+secs(fiveMinRetention))
	}
	if len(st.h1) > 0 {
		next = min(next, st.h1[0].start+3600+secs(hourRetention))
	}
	return next
}

// age rolls up and expires the stream's blocks at time now (Unix seconds).
func (st *stream) age(now int64) {
	cut := now - secs(subMinuteRetention)
	if st.hasHead && st.head[0].start+60 <= cut {
		st.retireHead() // aging works on raw
	}
	// Sub-minute detail: 3 hours. Blocks before agedTo are already done.
	i := firstFrom(st.raw, st.agedTo)
	for ; i < len(st.raw) && st.raw[i].start+60 <= cut; i++ {
		if b := &st.raw[i]; b.occ&hiResBit != 0 {
			b.dropDetail()
		}
	}
	if i < len(st.raw) {
		st.agedTo = st.raw[i].start
	} else {
		st.agedTo = math.MaxInt64 // nothing pending until a block is touched
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
		clear(st.h1[:n])
		st.h1 = st.h1[n:]
	}
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
	clear(src[:n]) // release values for the GC; the slice's front is reclaimed when it next grows
	return src[n:], dst
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
