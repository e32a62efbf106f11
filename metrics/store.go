package metrics

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unsafe"
)

// series is one metric: (namespace, name, dimensions). Its data is split by
// unit into streams, because CloudWatch aggregates data published with
// different units separately.
//
// Field order is for the ingest path: the identity check reads hash and
// metric, then the embedded first stream's head block, which are adjacent.
type series struct {
	hash uint64
	// lastTS is the newest datapoint timestamp (Unix seconds); lastRecv the
	// clock time (Unix seconds) of the latest publish, which ListMetrics'
	// two-week and RecentlyActive rules use.
	lastTS   int64
	lastRecv int64
	idSize   int    // identitySize of the metric (dimensions in sorted order)
	metric   Metric // dimensions sorted by name
	// inline holds the dimensions of a metric with at most two, so the
	// identity check reads no other allocation.
	inline [2]Dimension
	first  stream
	// streams are the per-unit streams; streams[0] is &first once used, so the
	// common single-unit series needs no extra pointer hop on ingest.
	streams []*stream
	key     string // canonical, sortable identity (ListMetrics order)
}

// stream holds one unit's data of a series in levels of blocks, each level
// sorted by start time and disjoint from the others (h1 < m5 < raw < head):
//
//   - head: the newest minute block, embedded so that appending to it
//     touches no other allocation than the value chunk;
//   - raw: older minute blocks, with per-second detail for high-resolution
//     data (kept 3 h) and raw values (kept while the data is at its
//     storage resolution);
//   - m5: 5-minute blocks (from minute data older than 15 days);
//   - h1: 1-hour blocks (from 5-minute data older than 63 days; dropped after
//     455 days).
type stream struct {
	unit    StandardUnit
	hasHead bool
	head    [1]block // head[0] is valid when hasHead
	raw     []block
	m5      []block
	h1      []block

	// chunk is shared value storage for minute blocks in simple mode: each new
	// head gets chunk[used:used:len(chunk)], so appending to the head writes
	// in place; when the head is retired its values are clipped, so no block
	// ever writes into another block's values.
	chunk   []float64
	used    int
	headOff int // offset of the head's values in chunk
	// agedTo: raw blocks starting before it have no sub-minute detail left to
	// age (see age); lowered when an older minute gets data.
	agedTo int64
}

// block is one storage cell group: the data of one minute (raw level), five
// minutes or one hour. In simple mode (x == nil) it holds unit-weight raw
// values, exactly one per second set in occ, in ascending second order; any
// other data (several values in one second, weights from Counts, statistic
// sets, out-of-order seconds, rolled-up sketches) switches it to general mode,
// described by x.
type block struct {
	start         int64 // Unix seconds, aligned to the block span
	sum, min, max float64
	occ           uint64 // simple mode: bit s = a value at second s; bit 63: high-resolution data; bit 62: minute only
	vals          []float64
	x             *blockExt
}

const (
	hiResBit      = 1 << 63 // the block has per-second detail to drop after 3 hours
	minuteOnlyBit = 1 << 62 // simple mode without per-second detail: all values at second 0
	secMask       = 1<<60 - 1
)

type blockExt struct {
	count   float64
	secs    []uint8   // second of each vals entry (raw level)
	weights []float64 // weight of each vals entry; nil: all 1
	sets    []cellSet // statistic sets that are not expressible as raw values
	sk      *sketch   // distribution after rollup (vals then empty)
	noPct   bool      // some data has no individual values (percentiles unavailable)
	// minuteOnly: the per-second detail is gone (secs nil): all data counts
	// as at second 0.
	minuteOnly bool
}

// minuteOnly reports whether the block has no per-second detail.
func (b *block) minuteOnly() bool {
	return b.occ&minuteOnlyBit != 0 || b.x != nil && (b.x.minuteOnly || b.x.sk != nil)
}

// dropDetail forgets the per-second detail of a minute block (sub-minute
// periods are kept 3 hours), keeping its values, so percentiles stay exact.
func (b *block) dropDetail() {
	if b.x == nil {
		b.occ = minuteOnlyBit
		return
	}
	b.occ = 0
	b.x.secs = nil
	b.x.minuteOnly = true
}

type cellSet struct {
	sec                  uint8
	count, sum, min, max float64
}

func (b *block) count() float64 {
	if b.x == nil {
		return float64(len(b.vals))
	}
	return b.x.count
}

func (b *block) summarize(v, w float64) {
	if b.count() == 0 {
		b.min, b.max = v, v
	} else {
		b.min = min(b.min, v)
		b.max = max(b.max, v)
	}
	b.sum += v * w
}

// add adds value v with weight w at second sec of the block.
func (b *block) add(sec int, v, w float64, hires bool) {
	if hires {
		b.occ |= hiResBit
	}
	if b.x == nil && w == 1 && b.occ&minuteOnlyBit == 0 && sec >= bits.Len64(b.occ&secMask) {
		b.summarize(v, 1)
		b.occ |= 1 << sec
		b.vals = append(b.vals, v)
		return
	}
	x := b.general()
	b.summarize(v, w)
	x.count += w
	if x.sk != nil {
		x.sk.add(v, w)
		return
	}
	if w != 1 && x.weights == nil {
		x.weights = make([]float64, len(b.vals), cap(b.vals))
		for i := range x.weights {
			x.weights[i] = 1
		}
	}
	b.vals = append(b.vals, v)
	if !x.minuteOnly {
		x.secs = append(x.secs, uint8(sec))
	}
	if x.weights != nil {
		x.weights = append(x.weights, w)
	}
}

// addSet adds a statistic set that has no raw-value equivalent.
func (b *block) addSet(sec int, set StatisticSet, hires bool) {
	if hires {
		b.occ |= hiResBit
	}
	x := b.general()
	if x.count == 0 {
		b.min, b.max = set.Minimum, set.Maximum
	} else {
		b.min = min(b.min, set.Minimum)
		b.max = max(b.max, set.Maximum)
	}
	b.sum += set.Sum
	x.count += set.SampleCount
	x.noPct = true
	if x.sk == nil {
		x.sets = append(x.sets, cellSet{uint8(sec), set.SampleCount, set.Sum, set.Minimum, set.Maximum})
	}
}

// addSetValue adds a statistic set that stands for SampleCount copies of
// value v for percentiles, while its own Sum, Minimum and Maximum feed the
// basic statistics unchanged.
func (b *block) addSetValue(sec int, set StatisticSet, v float64, hires bool) {
	if hires {
		b.occ |= hiResBit
	}
	x := b.general()
	if x.count == 0 {
		b.min, b.max = set.Minimum, set.Maximum
	} else {
		b.min = min(b.min, set.Minimum)
		b.max = max(b.max, set.Maximum)
	}
	b.sum += set.Sum
	x.count += set.SampleCount
	if x.sk != nil {
		x.sk.add(v, set.SampleCount)
		return
	}
	if x.weights == nil {
		x.weights = make([]float64, len(b.vals), cap(b.vals))
		for i := range x.weights {
			x.weights[i] = 1
		}
	}
	b.vals = append(b.vals, v)
	x.weights = append(x.weights, set.SampleCount)
	if !x.minuteOnly {
		x.secs = append(x.secs, uint8(sec))
	}
}

// addSetDist adds a statistic set whose Sum, Minimum, Maximum and SampleCount
// feed the basic statistics, with the distribution values (weights from
// counts, 1 when counts is empty) standing for its samples in percentiles.
func (b *block) addSetDist(sec int, set StatisticSet, values, counts []float64, hires bool) {
	if hires {
		b.occ |= hiResBit
	}
	x := b.general()
	if x.count == 0 {
		b.min, b.max = set.Minimum, set.Maximum
	} else {
		b.min = min(b.min, set.Minimum)
		b.max = max(b.max, set.Maximum)
	}
	b.sum += set.Sum
	x.count += set.SampleCount
	if x.weights == nil && x.sk == nil {
		x.weights = make([]float64, len(b.vals), cap(b.vals))
		for i := range x.weights {
			x.weights[i] = 1
		}
	}
	for j, v := range values {
		w := 1.0
		if len(counts) > 0 {
			w = counts[j]
		}
		if w <= 0 {
			continue
		}
		if x.sk != nil {
			x.sk.add(v, w)
			continue
		}
		b.vals = append(b.vals, v)
		x.weights = append(x.weights, w)
		if !x.minuteOnly {
			x.secs = append(x.secs, uint8(sec))
		}
	}
}

// general switches the block to general mode, copying its values out of the
// shared chunk.
func (b *block) general() *blockExt {
	if b.x != nil {
		return b.x
	}
	x := &blockExt{count: float64(len(b.vals))}
	if b.occ&minuteOnlyBit != 0 {
		x.minuteOnly = true
	} else {
		x.secs = make([]uint8, 0, len(b.vals)+4)
		for occ := b.occ & secMask; occ != 0; occ &= occ - 1 {
			x.secs = append(x.secs, uint8(bits.TrailingZeros64(occ)))
		}
	}
	vals := make([]float64, len(b.vals), len(b.vals)+4)
	copy(vals, b.vals)
	b.vals = vals
	b.occ &= hiResBit
	b.x = x
	return x
}

// blockAt returns the minute block starting at start, creating it.
func (st *stream) blockAt(start int64, hires bool) *block {
	h := &st.head[0]
	if st.hasHead {
		if h.start == start {
			return h
		}
		if start > h.start {
			st.retireHead()
			return st.newHead(start, hires)
		}
	} else if n := len(st.raw); n == 0 || start > st.raw[n-1].start {
		return st.newHead(start, hires)
	}
	i := firstFrom(st.raw, start)
	if i == len(st.raw) || st.raw[i].start != start {
		st.raw = slices.Insert(st.raw, i, block{start: start})
	}
	st.agedTo = min(st.agedTo, start)
	return &st.raw[i]
}

// retireHead moves the head block into raw, clipping its values so that the
// rest of the chunk can serve the next head.
func (st *stream) retireHead() {
	h := &st.head[0]
	if cap(h.vals) > 0 && st.headOff < len(st.chunk) && &h.vals[:cap(h.vals)][0] == &st.chunk[st.headOff] {
		st.used = st.headOff + len(h.vals)
		h.vals = h.vals[:len(h.vals):len(h.vals)]
	}
	st.agedTo = min(st.agedTo, h.start)
	st.raw = append(st.raw, *h)
	*h = block{}
	st.hasHead = false
}

// chunkLen is the length of a value chunk: one minute of 1-second data, 480
// bytes, which is exactly a Go allocation size class (no rounding waste). A new
// head for high-resolution data starts a fresh chunk unless 60 slots are free;
// one for standard-resolution data (usually one value a minute) only needs a
// free slot, and reallocates its values if it outgrows the chunk.
const chunkLen = 60

func (st *stream) newHead(start int64, hires bool) *block {
	need := 1
	if hires {
		need = chunkLen
	}
	if len(st.chunk)-st.used < need {
		st.chunk = make([]float64, chunkLen)
		st.used = 0
	}
	st.head[0] = block{start: start, vals: st.chunk[st.used:st.used:len(st.chunk)]}
	st.headOff = st.used
	st.hasHead = true
	return &st.head[0]
}

// levels returns the stream's block levels, oldest first.
func (st *stream) levels() [4][]block {
	n := 0
	if st.hasHead {
		n = 1
	}
	return [4][]block{st.h1, st.m5, st.raw, st.head[:n]}
}

func (st *stream) empty() bool { return !st.hasHead && len(st.raw)+len(st.m5)+len(st.h1) == 0 }

// --- identity -------------------------------------------------------------

func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// strHash hashes s eight bytes at a time and, in the same pass, reports
// whether s has a byte that is not printable-or-space ASCII: a non-ASCII
// byte, an ASCII control character (below 0x20) or DEL (0x7f).
func strHash(s string) (h uint64, bad bool) {
	n := len(s)
	h = uint64(n) * 0x9e3779b97f4a7c15
	b := unsafe.Slice(unsafe.StringData(s), n)
	switch {
	case n == 0:
		return h, false
	case n < 4:
		c0, c1, c2 := b[0], b[n>>1], b[n-1] // every byte when n ≤ 3
		w := uint64(c0) | uint64(c1)<<8 | uint64(c2)<<16
		bad = c0 < 0x20 || c0 >= 0x7f || c1 < 0x20 || c1 >= 0x7f || c2 < 0x20 || c2 >= 0x7f
		h = (h ^ w) * 0xbf58476d1ce4e5b9
	case n <= 8:
		w := uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
		bad = badWord(w)
		h = (h ^ w) * 0xbf58476d1ce4e5b9
	default:
		var acc uint64
		i := 0
		for ; i+8 < n; i += 8 {
			w := binary.LittleEndian.Uint64(b[i:])
			acc |= badBits(w)
			h = bits.RotateLeft64((h^w)*0xbf58476d1ce4e5b9, 29)
		}
		w := binary.LittleEndian.Uint64(b[n-8:]) // the last 8 bytes, overlapping
		acc |= badBits(w)
		bad = acc != 0
		h = (h ^ w) * 0x94d049bb133111eb
	}
	return h ^ h>>31, bad
}

const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// badBits is nonzero when a byte of w is ≥ 0x80, < 0x20 or 0x7f. (For bytes
// below 0x80 the "has less than" and "has zero" word tricks are exact.)
func badBits(w uint64) uint64 {
	less := (w - 0x20*lows) &^ w & highs
	del := w ^ 0x7f*lows
	return w&highs | less | (del-lows)&^del&highs
}

func badWord(w uint64) bool { return badBits(w) != 0 }

// hashMemo remembers the hash of the last string hashed in one role (metric
// name, dimension name). Batches usually repeat the same string values — often
// the very same backing bytes — so a pointer-and-length comparison skips
// rehashing them.
type hashMemo struct {
	p    *byte
	n    int
	h    uint64
	bad  bool
	used bool
}

func (m *hashMemo) hash(s string) (uint64, bool) {
	p := unsafe.StringData(s)
	if m.used && p == m.p && len(s) == m.n {
		return m.h, m.bad
	}
	h, bad := strHash(s)
	*m = hashMemo{p, len(s), h, bad, true}
	return h, bad
}

// metricHash hashes a metric identity, order-insensitively over dimensions.
// nsHash is strHash(namespace). ok is false when a dimension is not plainly
// valid (empty, too long, non-ASCII, starting with a colon or whitespace,
// repeated); the caller then runs the full validation, which says what is
// wrong. memo may be nil.
func metricHash(nsHash uint64, name string, dims []Dimension, memo *[2]hashMemo) (h uint64, ok bool) {
	var hn uint64
	if memo != nil {
		hn, _ = memo[0].hash(name)
	} else {
		hn, _ = strHash(name)
	}
	bad := false
	h = nsHash ^ (hn + 0x9e3779b97f4a7c15)
	var d uint64
	ok = true
	for i := range dims {
		dn, dv := dims[i].Name, dims[i].Value
		if len(dn) == 0 || len(dv) == 0 || len(dn) > maxNameLen || len(dv) > maxDimValueLen ||
			dn[0] == ':' || dn[0] <= ' ' || dv[0] <= ' ' {
			ok = false
		}
		var a uint64
		var b1 bool
		if memo != nil {
			a, b1 = memo[1].hash(dn)
		} else {
			a, b1 = strHash(dn)
		}
		b, b2 := strHash(dv)
		bad = bad || b1 || b2
		d += mix64(a*0x9e3779b97f4a7c15 ^ (b + 0x632be59bd9b4e019))
	}
	if bad {
		ok = false
	}
	for i := 1; i < len(dims) && ok; i++ {
		ok = !dupName(dims[:i], dims[i].Name)
	}
	return mix64(h ^ d*0xbf58476d1ce4e5b9), ok
}

func (sr *series) matches(ns, name string, dims []Dimension) bool {
	m := &sr.metric
	if len(m.Dimensions) != len(dims) || !streq(m.MetricName, name) || !streq(m.Namespace, ns) {
		return false
	}
outer:
	for i := range dims {
		if streq(m.Dimensions[i].Name, dims[i].Name) && streq(m.Dimensions[i].Value, dims[i].Value) {
			continue
		}
		for j := range m.Dimensions {
			if m.Dimensions[j] == dims[i] {
				continue outer
			}
		}
		return false
	}
	return true
}

// is reports whether sr is exactly the metric (ns, name, dims) with dims in
// sr's (sorted) order. Such dims are valid and unique, because sr's are, so
// a datum that passes needs no dimension validation. sr may be nil.
func (sr *series) is(ns, name string, dims []Dimension) bool {
	if sr == nil {
		return false
	}
	m := &sr.metric
	if len(m.Dimensions) != len(dims) || !streq(m.MetricName, name) || !streq(m.Namespace, ns) {
		return false
	}
	for i := range dims {
		if !streq(m.Dimensions[i].Name, dims[i].Name) || !streq(m.Dimensions[i].Value, dims[i].Value) {
			return false
		}
	}
	return true
}

// streq is string equality that skips the byte comparison when both strings
// share their bytes — the common case when a producer reuses its name strings.
func streq(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// The series index is an open-addressing hash table (linear probing, load
// factor at most 1/2) of series pointers keyed by their 64-bit identity hash:
// a lookup is usually one slot load plus the identity check, with no Go map
// overhead on the ingest path.

// slot is one entry of the series index: the identity hash beside the
// pointer, so probing past other series never dereferences them.
type slot struct {
	hash uint64
	sr   *series
}

// lookup finds the series of a metric. The caller holds s.mu (read or write).
func (s *Service) lookup(h uint64, ns, name string, dims []Dimension) *series {
	if len(s.table) == 0 {
		return nil
	}
	mask := uint64(len(s.table) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &s.table[i]
		if e.sr == nil {
			return nil
		}
		if e.hash == h && e.sr.matches(ns, name, dims) {
			return e.sr
		}
	}
}

func (s *Service) tableInsert(sr *series) {
	mask := uint64(len(s.table) - 1)
	i := sr.hash & mask
	for s.table[i].sr != nil {
		i = (i + 1) & mask
	}
	s.table[i] = slot{sr.hash, sr}
}

// create adds a new series; the caller holds s.mu for writing. The series
// keeps copies of its strings: the caller's may be slices of a much larger
// string (a request body, a journal record's payload) that the series would
// otherwise keep alive for as long as it lives.
func (s *Service) create(h uint64, ns, name string, dims []Dimension) *series {
	sr := &series{hash: h}
	m := Metric{Namespace: strings.Clone(ns), MetricName: strings.Clone(name)}
	if len(dims) > 0 {
		if len(dims) <= len(sr.inline) {
			m.Dimensions = sr.inline[:len(dims):len(dims)]
		} else {
			m.Dimensions = make([]Dimension, len(dims))
		}
		for i, d := range dims {
			m.Dimensions[i] = Dimension{Name: strings.Clone(d.Name), Value: strings.Clone(d.Value)}
		}
		slices.SortFunc(m.Dimensions, func(a, b Dimension) int { return strings.Compare(a.Name, b.Name) })
	}
	sr.metric, sr.key, sr.idSize = m, metricKey(m), identitySize(m.MetricName, m.Dimensions)
	s.catalog.ReplaceOrInsert(sr)
	s.nseries++
	if 2*s.nseries > len(s.table) {
		old := s.table
		s.table = make([]slot, max(1024, 2*len(old)))
		for _, o := range old {
			if o.sr != nil {
				s.tableInsert(o.sr)
			}
		}
	}
	s.tableInsert(sr)
	return sr
}

// remove drops a series without data; the caller holds s.mu for writing.
// Deletion shifts later entries of the probe run back (no tombstones).
func (s *Service) remove(sr *series) {
	s.catalog.Delete(sr)
	clear(s.lastPut)
	mask := uint64(len(s.table) - 1)
	i := sr.hash & mask
	for s.table[i].sr != sr {
		if s.table[i].sr == nil {
			return
		}
		i = (i + 1) & mask
	}
	s.nseries--
	for j := (i + 1) & mask; s.table[j].sr != nil; j = (j + 1) & mask {
		k := s.table[j].hash & mask // home slot of the entry at j
		// Move it to the hole at i unless its home lies cyclically in (i, j].
		if (j > i && (k <= i || k > j)) || (j < i && k <= i && k > j) {
			s.table[i] = s.table[j]
			i = j
		}
	}
	s.table[i] = slot{}
}

// metricKey is the canonical key of a metric whose dimensions are sorted by
// name: namespace, name and dimensions separated by bytes below any valid
// character, so keys sort by namespace, then name, then dimensions.
//
// Validation refuses control characters in every part, but the key does not
// rely on it: a byte below 3 inside a part is escaped as 2 followed by the
// byte + 3, so the separators 0 and 1 only ever separate and no two metrics
// can share a key (two metrics sharing one made one vanish from ListMetrics
// and retention).
func metricKey(m Metric) string {
	b := make([]byte, 0, len(m.Namespace)+len(m.MetricName)+1+identitySize("", m.Dimensions))
	b = appendKeyPart(b, m.Namespace)
	b = append(b, 0)
	b = appendKeyPart(b, m.MetricName)
	for _, d := range m.Dimensions {
		b = append(b, 0)
		b = appendKeyPart(b, d.Name)
		b = append(b, 1)
		b = appendKeyPart(b, d.Value)
	}
	return string(b)
}

// appendKeyPart appends one part of a metric key, escaping bytes below 3.
func appendKeyPart(b []byte, part string) []byte {
	for i := 0; i < len(part); i++ {
		if c := part[i]; c < 3 {
			b = append(b, 2, c+3)
		} else {
			b = append(b, c)
		}
	}
	return b
}

func (sr *series) stream(u StandardUnit) *stream {
	if streq(string(sr.first.unit), string(u)) {
		return &sr.first
	}
	if sr.first.unit == "" {
		sr.first.unit = u
		sr.streams = append(sr.streams, &sr.first)
		return &sr.first
	}
	for _, st := range sr.streams[1:] {
		if st.unit == u {
			return st
		}
	}
	st := &stream{unit: u}
	sr.streams = append(sr.streams, st)
	return st
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
