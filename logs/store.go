package logs

import (
	"slices"
	"sort"

	"github.com/localwatch/localwatch/logs/filterpattern"
)

// stream stores one log stream's events.
//
// Layout: the events are kept sorted by (timestamp, sequence number) in
// segments of up to 32,768 events. Within a segment, messages are concatenated
// in order in one byte slice, with parallel columns for offsets, timestamps,
// ingestion times and sequence numbers; so a search over a time range is a scan
// of a few large contiguous spans of memory (bytes.Index runs at memory speed),
// and growing a stream never copies what it already holds. A batch that arrives
// with timestamps earlier than the stream's newest event is appended anyway and
// the stream marked unsorted; the next read re-sorts only the tail from the
// first displaced event.
type stream struct {
	name    string
	arn     string
	created int64

	segs  []*segment
	base  int // events dropped (retention) from the front of segs[0]
	count int // live events
	bytes int // live message bytes

	sortedN int // events [0, sortedN) are sorted; the rest arrived out of order

	// drops counts the retention sweeps that dropped events: a sorted
	// snapshot taken before one cannot be adopted (its indexes moved).
	drops uint64

	first, last, lastIngest int64
	hasEvents               bool
}

const (
	segShift = 15
	segCap   = 1 << segShift
	segMask  = segCap - 1
)

type segment struct {
	buf []byte
	off []int // off[j] is where message j starts; off[len(ts)] == len(buf)
	ts  []int64
	ing []int64
	seq []uint64
}

func newStream(name, arn string, created int64) *stream {
	return &stream{name: name, arn: arn, created: created}
}

func (st *stream) n() int { return st.count }

// loc maps a live event index to its segment and index there.
func (st *stream) loc(i int) (*segment, int) {
	g := i + st.base
	return st.segs[g>>segShift], g & segMask
}

func (st *stream) msg(i int) []byte {
	sg, j := st.loc(i)
	return sg.buf[sg.off[j]:sg.off[j+1]]
}

func (st *stream) size(i int) int {
	sg, j := st.loc(i)
	return sg.off[j+1] - sg.off[j]
}

func (st *stream) tsAt(i int) int64 {
	sg, j := st.loc(i)
	return sg.ts[j]
}

func (st *stream) ingAt(i int) int64 {
	sg, j := st.loc(i)
	return sg.ing[j]
}

func (st *stream) dirty() bool { return st.sortedN != st.count }

// grow makes room for n more elements, doubling the capacity up to limit (when
// limit > 0); append's growth for large slices is ~1.25x, which would copy a
// big segment several times over while it fills.
func grow[T any](s []T, n, limit int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	c := max(2*cap(s), len(s)+n, 64)
	if limit > 0 {
		c = max(min(c, limit), len(s)+n)
	}
	out := make([]T, len(s), c)
	copy(out, s)
	return out
}

// newSegment returns an empty segment to follow the last one. Later segments
// are sized from the last one, so filling them copies nothing.
func (st *stream) newSegment() *segment {
	sg := &segment{off: make([]int, 1, 64)}
	if len(st.segs) > 0 {
		prev := st.segs[len(st.segs)-1]
		sg.buf = make([]byte, 0, len(prev.buf)+len(prev.buf)/8)
		sg.off = make([]int, 1, segCap+1)
		sg.ts = make([]int64, 0, segCap)
		sg.ing = make([]int64, 0, segCap)
		sg.seq = make([]uint64, 0, segCap)
	}
	return sg
}

// push appends events with sequence numbers seq0, seq0+1, ... to the
// segments, without touching the sorted bookkeeping.
func (st *stream) push(evs []InputLogEvent, seqs func(int) uint64, ings func(int) int64) {
	for k := 0; k < len(evs); {
		g := st.count + st.base
		if g>>segShift == len(st.segs) {
			st.segs = append(st.segs, st.newSegment())
		}
		sg := st.segs[g>>segShift]
		room := segCap - len(sg.ts)
		take := min(room, len(evs)-k)
		size := 0
		for i := k; i < k+take; i++ {
			size += len(evs[i].Message)
		}
		if cap(sg.buf)-len(sg.buf) < size {
			// Double: a filling segment then copies its bytes about once.
			sg.buf = grow(sg.buf, max(size, cap(sg.buf)), 0)
		}
		sg.off = grow(sg.off, take, segCap+1)
		sg.ts = grow(sg.ts, take, segCap)
		sg.ing = grow(sg.ing, take, segCap)
		sg.seq = grow(sg.seq, take, segCap)
		for i := k; i < k+take; i++ {
			sg.buf = append(sg.buf, evs[i].Message...)
			sg.off = append(sg.off, len(sg.buf))
			sg.ts = append(sg.ts, evs[i].Timestamp)
			sg.ing = append(sg.ing, ings(i))
			sg.seq = append(sg.seq, seqs(i))
		}
		st.count += take
		st.bytes += size
		k += take
	}
}

// appendBatch appends chronologically ordered events with sequence numbers
// seq0, seq0+1, ...
func (st *stream) appendBatch(evs []InputLogEvent, seq0 uint64, now int64) {
	if len(evs) == 0 {
		return
	}
	inOrder := !st.dirty() && (st.count == 0 || evs[0].Timestamp >= st.tsAt(st.count-1))
	st.push(evs, func(i int) uint64 { return seq0 + uint64(i) }, func(int) int64 { return now })
	if inOrder {
		st.sortedN = st.count
	}
	if !st.hasEvents || evs[0].Timestamp < st.first {
		st.first = evs[0].Timestamp
	}
	if !st.hasEvents || evs[len(evs)-1].Timestamp > st.last {
		st.last = evs[len(evs)-1].Timestamp
	}
	st.hasEvents = true
	st.lastIngest = now
}

// snapshot returns a read-only view of the stream as it is now, for scanning
// without the service lock: the segment headers are copied, and the bytes they
// cover are never written again (appends go past them, and truncate copies).
func (st *stream) snapshot() *stream {
	c := *st
	c.segs = make([]*segment, len(st.segs))
	for i, sg := range st.segs {
		v := *sg
		c.segs[i] = &v
	}
	return &c
}

// truncate drops the events from index p on. The segment it cuts is copied
// first (copy on write), so snapshots taken before still read what they saw.
func (st *stream) truncate(p int) {
	g := p + st.base
	si, j := g>>segShift, g&segMask
	if si < len(st.segs) {
		old := st.segs[si]
		st.bytes -= len(old.buf) - old.off[j]
		sg := &segment{
			buf: append(make([]byte, 0, cap(old.buf)), old.buf[:old.off[j]]...),
			off: append(make([]int, 0, cap(old.off)), old.off[:j+1]...),
			ts:  append(make([]int64, 0, cap(old.ts)), old.ts[:j]...),
			ing: append(make([]int64, 0, cap(old.ing)), old.ing[:j]...),
			seq: append(make([]uint64, 0, cap(old.seq)), old.seq[:j]...),
		}
		st.segs[si] = sg
		for _, later := range st.segs[si+1:] {
			st.bytes -= len(later.buf)
		}
		st.segs = st.segs[:si+1]
	}
	st.count = p
	st.sortedN = min(st.sortedN, p)
}

// sortTail restores the sorted order after out-of-order appends. The events
// [0, sortedN) are sorted and every later one arrived after them (so has a
// larger sequence number); only the late ones are sorted (usually few), then
// merged with the sorted events they displace, copying bytes and columns from
// the old segments straight into new ones: no per-event allocation and no
// sort of the whole tail, so a late event costs a copy of the tail, not a
// re-sort of it.
func (st *stream) sortTail() {
	if !st.dirty() {
		return
	}
	sN, n := st.sortedN, st.count
	late := make([]int, 0, n-sN)
	for i := sN; i < n; i++ {
		late = append(late, i)
	}
	slices.SortFunc(late, func(a, b int) int {
		ka, kb := st.keyAt(a), st.keyAt(b)
		if ka.less(kb) {
			return -1
		}
		if kb.less(ka) {
			return 1
		}
		return 0
	})
	// Late events sort after existing events with the same timestamp (their
	// sequence numbers are larger).
	minTS := st.tsAt(late[0])
	p := sort.Search(sN, func(i int) bool { return st.tsAt(i) > minTS })
	old := st.snapshot() // truncate copies the segment it cuts; old keeps the bytes
	st.truncate(p)
	i := p
	for _, x := range late {
		// The sorted events before this late one go over in bulk.
		lk := old.keyAt(x)
		k := i + sort.Search(sN-i, func(y int) bool { return lk.less(old.keyAt(i + y)) })
		st.appendRange(old, i, k)
		i = k
		sg, j := old.loc(x)
		st.appendRaw(sg.buf[sg.off[j]:sg.off[j+1]], sg.ts[j], sg.ing[j], sg.seq[j])
	}
	st.appendRange(old, i, sN)
	st.sortedN = st.count
}

// appendRange appends the events [from, to) of src (a snapshot) at the end
// of the segments, a run of bytes and columns at a time.
func (st *stream) appendRange(src *stream, from, to int) {
	for from < to {
		g := st.count + st.base
		if g>>segShift == len(st.segs) {
			st.segs = append(st.segs, st.newSegment())
		}
		dst := st.segs[g>>segShift]
		sg, ja := src.loc(from)
		m := min(to-from, len(sg.ts)-ja, segCap-len(dst.ts))
		jb := ja + m
		shift := len(dst.buf) - sg.off[ja]
		dst.buf = append(dst.buf, sg.buf[sg.off[ja]:sg.off[jb]]...)
		for _, o := range sg.off[ja+1 : jb+1] {
			dst.off = append(dst.off, o+shift)
		}
		dst.ts = append(dst.ts, sg.ts[ja:jb]...)
		dst.ing = append(dst.ing, sg.ing[ja:jb]...)
		dst.seq = append(dst.seq, sg.seq[ja:jb]...)
		st.count += m
		st.bytes += sg.off[jb] - sg.off[ja]
		from += m
	}
}

// adoptSorted replaces the stream's segments with those of sorted, a sorted
// copy of an earlier snapshot of it, and appends after them the events that
// arrived since. If events were dropped since (retention), it sorts in place.
func (st *stream) adoptSorted(sorted *stream) {
	n0 := sorted.count
	switch {
	case st.sortedN >= n0:
		return // already sorted that far (another reader got here first)
	case st.drops != sorted.drops || st.base != sorted.base || st.count < n0:
		st.sortTail()
		return
	}
	live := st.snapshot()
	st.segs, st.count, st.bytes, st.sortedN = sorted.segs, n0, sorted.bytes, n0
	st.appendRange(live, n0, live.count)
	for st.sortedN < st.count && !st.keyAt(st.sortedN).less(st.keyAt(st.sortedN-1)) {
		st.sortedN++
	}
}

// appendRaw appends one event at the end of the segments, without touching
// the sorted bookkeeping.
func (st *stream) appendRaw(msg []byte, ts, ing int64, seq uint64) {
	g := st.count + st.base
	if g>>segShift == len(st.segs) {
		st.segs = append(st.segs, st.newSegment())
	}
	sg := st.segs[g>>segShift]
	sg.buf = append(sg.buf, msg...)
	sg.off = append(sg.off, len(sg.buf))
	sg.ts = append(sg.ts, ts)
	sg.ing = append(sg.ing, ing)
	sg.seq = append(sg.seq, seq)
	st.count++
	st.bytes += len(msg)
}

// dropBefore deletes the events with timestamps before cutoff (retention) and
// returns the bytes freed. The stream must be sorted.
//
// Whole segments of dropped events are released at once. The dropped head
// of the first segment is released too, once it holds as much memory as the
// live events (the live events are then copied into new segments): a
// segment holds up to 32,768 events, which at a few thousand events a day
// would otherwise keep a one-day-retention stream's last 8 days (issue 16).
// Memory is so bounded by about twice what retention keeps, and the copy
// costs no more than what it frees.
func (st *stream) dropBefore(cutoff int64) int64 {
	k := st.atOrAfterTS(cutoff)
	if k == 0 {
		return 0
	}
	freed := 0
	for i := range k {
		freed += st.size(i)
	}
	st.drops++
	st.base += k
	st.count -= k
	st.sortedN -= k
	st.bytes -= freed
	for len(st.segs) > 1 && st.base >= segCap {
		st.segs = st.segs[1:]
		st.base -= segCap
	}
	if st.count == 0 {
		st.segs, st.base = nil, 0
		return int64(freed)
	}
	if dead := st.segs[0].off[st.base] + st.base*eventColumnBytes; dead >= st.bytes+st.count*eventColumnBytes {
		st.compact()
	}
	st.first = st.tsAt(0)
	return int64(freed)
}

// eventColumnBytes is what an event costs in a segment besides its message:
// its offset, timestamp, ingestion time and sequence number.
const eventColumnBytes = 32

// compact copies the live events into new segments, releasing the dropped
// head of the first one. Snapshots keep the old segments they read.
func (st *stream) compact() {
	old := st.snapshot()
	n, sortedN := st.count, st.sortedN
	st.segs, st.base, st.count, st.bytes = nil, 0, 0, 0
	if n <= segCap {
		// One segment, sized to hold what is live (appending then copies
		// nothing more).
		st.segs = []*segment{{buf: make([]byte, 0, old.bytes), off: make([]int, 1, n+1),
			ts: make([]int64, 0, n), ing: make([]int64, 0, n), seq: make([]uint64, 0, n)}}
	}
	st.appendRange(old, 0, n)
	st.sortedN = sortedN
}

// key is an event's position in time order: its timestamp, then its sequence
// number. Sequence numbers start at 1, so (t, 0) sorts before every event at t.
type key struct {
	ts  int64
	seq uint64
}

func (k key) less(o key) bool { return k.ts < o.ts || k.ts == o.ts && k.seq < o.seq }

func (st *stream) keyAt(i int) key {
	sg, j := st.loc(i)
	return key{sg.ts[j], sg.seq[j]}
}

// after returns the index of the first event whose key is greater than k.
func (st *stream) after(k key) int {
	return sort.Search(st.count, func(i int) bool { return k.less(st.keyAt(i)) })
}

// atOrAfterTS returns the index of the first event with timestamp >= t.
func (st *stream) atOrAfterTS(t int64) int {
	return sort.Search(st.count, func(i int) bool { return st.tsAt(i) >= t })
}

// cursor walks one stream's matching events in [i, end).
type cursor struct {
	st  *stream
	i   int // next candidate
	end int
	cur int // current match, or -1 when exhausted
}

// next advances to the next event in [c.i, c.end) that matches p. It uses the
// pattern's required literal, when it has one, to jump between candidates with
// bytes.Index over each segment's contiguous messages.
func (c *cursor) next(p *filterpattern.Pattern, lit []byte, litOnly bool) {
	st := c.st
	for c.i < c.end {
		sg, j := st.loc(c.i)
		if lit == nil {
			i := c.i
			c.i++
			if p.Match(sg.buf[sg.off[j]:sg.off[j+1]]) {
				c.cur = i
				return
			}
			continue
		}
		segEnd := min(c.end, c.i+len(sg.ts)-j) // global end of the search in this segment
		jEnd := j + (segEnd - c.i)
		pos := p.IndexLiteral(sg.buf[sg.off[j]:sg.off[jEnd]])
		if pos < 0 {
			c.i = segEnd
			continue
		}
		abs := sg.off[j] + pos
		// The message containing abs: the last k with off[k] <= abs.
		k := j + sort.Search(jEnd-j, func(x int) bool { return sg.off[j+x+1] > abs })
		i := c.i + (k - j)
		c.i = i + 1
		if abs+len(lit) > sg.off[k+1] {
			continue // the occurrence spans two messages
		}
		if litOnly || p.Match(sg.buf[sg.off[k]:sg.off[k+1]]) {
			c.cur = i
			return
		}
	}
	c.cur = -1
}
