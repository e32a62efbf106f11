package metrics

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"slices"
	"sort"
	"time"
	"unsafe"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/btree"

	"github.com/localwatch/localwatch/clock"
)

// Checkpoints (op.StateHooks): saveState writes the service's whole state,
// loadState puts it into a service just built by New with the same Options.
//
// Every field of the state, and what the checkpoint does with it:
//
//	Service
//	  op           not state: built by New from the Options (clock, bus, IDs,
//	               Region, account, recorder); the closed flag belongs to the
//	               instance, not the account's data
//	  mu           lock
//	  table        rebuilt (from the series, by create)
//	  nseries      rebuilt (create)
//	  nextDue      saved
//	  catalog      rebuilt (create)
//	  lastPut      dropped: a cache of the last call's series per namespace;
//	               a miss finds the same series by hashing, with the same
//	               result (PutMetricData validates what the cache would skip)
//	  unsubscribe  not state: New subscribes again
//	  sweeper      re-armed (timer below); its closure holds only s
//	  scratch      not state (a pool of buffers)
//	  streams      metricStreams, below
//	  admu         lock
//	  anomaly      detectors saved
//	  bands        dropped: a cache of trained models keyed by a fingerprint
//	               of their training data; training again gives the same model
//	series
//	  hash, lastTS, lastRecv, metric (namespace, name, sorted dimensions)
//	               saved
//	  idSize, key  rebuilt from metric (create)
//	  inline       rebuilt (create keeps up to two dimensions inline)
//	  first, streams
//	               saved, in order (streams[0] is &first once used)
//	stream
//	  unit, hasHead, head, raw, m5, h1, agedTo
//	               saved
//	  chunk, used, headOff
//	               saved as the chunk's length (nil: none), used, headOff and
//	               whether the head's values live in the chunk; the chunk is
//	               allocated again with the head's values at headOff, so later
//	               heads are laid out as they would have been. Retired blocks'
//	               values get their own clipped slices (len = cap, as
//	               retireHead leaves them), so no block writes into another's.
//	               Level slices' nil-ness is not kept (only their lengths are
//	               read).
//	block
//	  start, sum, min, max, occ, vals
//	               saved (values as byte planes: ckEnc.f64s)
//	  x            saved (nil or not)
//	blockExt
//	  count, secs, weights, sets, sk, noPct, minuteOnly
//	               saved, keeping nil apart from empty for the slices
//	sketch
//	  zero, bins   saved
//	metricStreams
//	  mu           lock
//	  streams      saved (below)
//	  dests        not state: the user's destinations, registered again by
//	               Options.Setup before Load (Load keeps them)
//	  timer        re-armed when it was armed (timer below)
//	metricStream
//	  in, arn, state, created, updated
//	               saved
//	  stats, names rebuilt from in (compileMetricStream)
//	detector
//	  key, single, math, config, chars
//	               saved
//	  loc          rebuilt from config.MetricTimezone (UTC when empty, as
//	               PutAnomalyDetector and the implicit models set it)
//
// Timers: the retention sweep (every minute, "metrics <Region>: retention
// sweep") and, when a metric stream was put since the last stream was
// deleted, the streams' minute job ("metrics <Region>: metric streams"); both
// are clock.Every schedules, aligned to the epoch, so arming them again gives
// the same due times. Load arms the sweep first: it was armed first (by New),
// and each schedule re-arms itself as it runs, so the sweep always runs
// before the streams' job at the same instant.
//
// The stream: a version byte, then frames (ckEnc) holding a uvarint length
// and a CBOR document (ckMeta: the small state), the number of series and
// the series in binary (ckEnc.series), then an empty frame and the CRC-32C
// of the frames' contents, 4 bytes little-endian. Load reads nothing past
// the end. Load reads it all into new structures and only
// then replaces the service's state: bad data leaves the service unchanged.

// checkpointVersion: 2 writes values as byte planes (ckEnc.f64s); Load
// reads version 1 too, which wrote them side by side.
const checkpointVersion = 2

func (s *Service) sweepTimerName() string   { return "metrics " + s.op.Region + ": retention sweep" }
func (s *Service) streamsTimerName() string { return "metrics " + s.op.Region + ": metric streams" }

// ckMeta is the small part of a checkpoint, in CBOR.
type ckMeta struct {
	NextDue      int64
	StreamsTimer bool // the streams' minute job is armed
	Streams      []ckStream
	Detectors    []ckDetector
}

type ckStream struct {
	In      PutMetricStreamInput
	Arn     string
	State   string
	Created time.Time
	Updated time.Time
}

type ckDetector struct {
	Key    string
	Single *SingleMetricAnomalyDetector
	Math   *MetricMathAnomalyDetector
	Config AnomalyDetectorConfiguration
	Chars  *MetricCharacteristics
}

var (
	ckEncMode = func() cbor.EncMode {
		m, err := cbor.EncOptions{Time: cbor.TimeRFC3339Nano}.EncMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	ckDecMode = func() cbor.DecMode {
		m, err := cbor.DecOptions{MaxArrayElements: 1 << 24, MaxMapPairs: 1 << 24, MaxNestedLevels: 64}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	ckCRC = crc32.MakeTable(crc32.Castagnoli)
	// littleEndian: float64 slices are written as their memory.
	littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1
)

// saveState is the checkpoint's Save hook.
func (s *Service) saveState(w io.Writer) error {
	if _, err := w.Write([]byte{checkpointVersion}); err != nil {
		return fmt.Errorf("metrics checkpoint: %w", err)
	}
	e := &ckEnc{w: w, buf: make([]byte, 0, ckFrame+64<<10)}

	var meta ckMeta
	s.mu.RLock()
	meta.NextDue = s.nextDue
	s.mu.RUnlock()
	ms := &s.streams
	ms.mu.Lock()
	meta.StreamsTimer = ms.timer != nil
	names := make([]string, 0, len(ms.streams))
	for n := range ms.streams {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		st := ms.streams[n]
		meta.Streams = append(meta.Streams, ckStream{In: st.in, Arn: st.arn, State: st.state, Created: st.created, Updated: st.updated})
	}
	ms.mu.Unlock()
	s.admu.Lock()
	keys := make([]string, 0, len(s.anomaly.detectors))
	for k := range s.anomaly.detectors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		d := s.anomaly.detectors[k]
		meta.Detectors = append(meta.Detectors, ckDetector{Key: d.key, Single: d.single, Math: d.math, Config: d.config, Chars: d.chars})
	}
	s.admu.Unlock()
	b, err := ckEncMode.Marshal(meta)
	if err != nil {
		return fmt.Errorf("metrics checkpoint: %w", err)
	}
	e.uvarint(uint64(len(b)))
	e.bytes(b)

	s.mu.RLock()
	e.uvarint(uint64(s.catalog.Len()))
	s.catalog.Ascend(func(sr *series) bool {
		e.series(sr)
		return e.err == nil
	})
	s.mu.RUnlock()
	return e.finish()
}

// ckEnc buffers the stream and writes it in frames of at most ckFrame
// bytes, each after its length (uint32, little-endian), checksumming the
// frames' contents: the reader then never reads past the checkpoint's end.
type ckEnc struct {
	w   io.Writer
	buf []byte
	crc uint32
	err error
}

const ckFrame = 1 << 20

func (e *ckEnc) flushIf() {
	if len(e.buf) >= ckFrame {
		e.flush()
	}
}

func (e *ckEnc) flush() {
	if e.err == nil {
		e.crc = crc32.Update(e.crc, ckCRC, e.buf)
	}
	var h [4]byte
	for b := e.buf; len(b) > 0 && e.err == nil; {
		k := min(len(b), ckFrame)
		binary.LittleEndian.PutUint32(h[:], uint32(k))
		if _, e.err = e.w.Write(h[:]); e.err == nil {
			_, e.err = e.w.Write(b[:k])
		}
		b = b[k:]
	}
	e.buf = e.buf[:0]
}

// finish writes what is buffered, the end (an empty frame) and the checksum.
func (e *ckEnc) finish() error {
	e.flush()
	if e.err != nil {
		return fmt.Errorf("metrics checkpoint: %w", e.err)
	}
	var t [8]byte
	binary.LittleEndian.PutUint32(t[4:], e.crc)
	if _, err := e.w.Write(t[:]); err != nil {
		return fmt.Errorf("metrics checkpoint: %w", err)
	}
	return nil
}

func (e *ckEnc) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *ckEnc) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }
func (e *ckEnc) u64(v uint64)     { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }
func (e *ckEnc) f64(v float64)    { e.u64(math.Float64bits(v)) }
func (e *ckEnc) bytes(b []byte)   { e.buf = append(e.buf, b...) }
func (e *ckEnc) str(v string)     { e.uvarint(uint64(len(v))); e.buf = append(e.buf, v...) }

// optLen writes the length of a slice that may be nil: 0 for nil, else n+1.
func (e *ckEnc) optLen(isNil bool, n int) {
	if isNil {
		e.uvarint(0)
	} else {
		e.uvarint(uint64(n) + 1)
	}
}

// ckPlaneChunk is how many float64s f64s writes as one group of byte planes.
const ckPlaneChunk = 4096

// f64s writes v in groups of ckPlaneChunk values, each group as byte
// planes (the shuffle of Blosc and HDF5): a byte whose bit k says whether
// plane k follows, then those planes, lowest first, plane k holding byte k
// (from the least significant) of every value's IEEE 754 bits. A plane that
// is zero in every value is left out. A series' values share their
// exponents and, for integer counts and values of few significant digits,
// their low mantissa bytes (zero): the planes hold long runs, or are left
// out, where the values side by side would interleave those bytes with the
// ones that vary, and the checkpoint's compressor has the less to do.
func (e *ckEnc) f64s(v []float64) {
	for len(v) > 0 {
		n := min(len(v), ckPlaneChunk)
		vs := v[:n]
		var or uint64
		for _, x := range vs {
			or |= math.Float64bits(x)
		}
		var mask byte
		for k := range 8 {
			if or>>(8*k)&0xff != 0 {
				mask |= 1 << k
			}
		}
		e.buf = append(e.buf, mask)
		e.buf = appendPlanes(e.buf, vs, mask)
		v = v[n:]
		e.flushIf()
	}
}

func (e *ckEnc) series(sr *series) {
	m := &sr.metric
	e.str(m.Namespace)
	e.str(m.MetricName)
	e.uvarint(uint64(len(m.Dimensions)))
	for _, d := range m.Dimensions {
		e.str(d.Name)
		e.str(d.Value)
	}
	e.u64(sr.hash)
	e.varint(sr.lastTS)
	e.varint(sr.lastRecv)
	e.uvarint(uint64(len(sr.streams)))
	for i, st := range sr.streams {
		if i == 0 && st != &sr.first {
			e.err = errors.New("metrics checkpoint: a series' first stream is not its embedded one")
			return
		}
		e.stream(st)
	}
	e.flushIf()
}

// Stream flags.
const (
	ckHasHead = 1 << iota
	ckHasChunk
	ckHeadInChunk
)

func (e *ckEnc) stream(st *stream) {
	e.str(string(st.unit))
	flags := 0
	h := &st.head[0]
	if st.hasHead {
		flags |= ckHasHead
	}
	if st.chunk != nil {
		flags |= ckHasChunk
	}
	inChunk := st.hasHead && cap(h.vals) > 0 && st.headOff < len(st.chunk) && &h.vals[:cap(h.vals)][0] == &st.chunk[st.headOff]
	if inChunk {
		flags |= ckHeadInChunk
	}
	e.uvarint(uint64(flags))
	e.uvarint(uint64(len(st.chunk)))
	e.uvarint(uint64(st.used))
	e.uvarint(uint64(st.headOff))
	e.varint(st.agedTo)
	for _, lv := range [][]block{st.h1, st.m5, st.raw} {
		e.uvarint(uint64(len(lv)))
		for i := range lv {
			e.block(&lv[i])
		}
	}
	if st.hasHead {
		e.block(h)
	}
}

// Block flags.
const (
	ckExt = 1 << iota
	ckNoPct
	ckMinuteOnly
	ckSketch
)

func (e *ckEnc) block(b *block) {
	e.varint(b.start)
	e.f64(b.sum)
	e.f64(b.min)
	e.f64(b.max)
	e.u64(b.occ)
	e.uvarint(uint64(len(b.vals)))
	flags := 0
	x := b.x
	if x != nil {
		flags |= ckExt
		if x.noPct {
			flags |= ckNoPct
		}
		if x.minuteOnly {
			flags |= ckMinuteOnly
		}
		if x.sk != nil {
			flags |= ckSketch
		}
	}
	e.uvarint(uint64(flags))
	e.f64s(b.vals)
	if x == nil {
		return
	}
	e.f64(x.count)
	e.optLen(x.secs == nil, len(x.secs))
	e.buf = append(e.buf, x.secs...)
	e.optLen(x.weights == nil, len(x.weights))
	e.f64s(x.weights)
	e.optLen(x.sets == nil, len(x.sets))
	for _, c := range x.sets {
		e.buf = append(e.buf, c.sec)
		e.f64(c.count)
		e.f64(c.sum)
		e.f64(c.min)
		e.f64(c.max)
	}
	if x.sk != nil {
		e.f64(x.sk.zero)
		e.optLen(x.sk.bins == nil, len(x.sk.bins))
		for _, bn := range x.sk.bins {
			e.varint(int64(bn.idx))
			e.f64(bn.n)
		}
	}
	e.flushIf()
}

// loadState is the checkpoint's Load hook.
func (s *Service) loadState(r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("metrics checkpoint: unreadable data (%v)", p)
		}
	}()
	var v [1]byte
	if _, err := io.ReadFull(r, v[:]); err != nil {
		return errCkTruncated
	}
	if v[0] != checkpointVersion && v[0] != 1 {
		return fmt.Errorf("metrics checkpoint: version %d, want 1 or %d", v[0], checkpointVersion)
	}
	d := &ckDec{r: r, buf: make([]byte, 2*ckFrame), version: v[0]}
	n := d.length(1 << 30)
	mb := d.bytesN(n)
	if d.err != nil {
		return d.fail()
	}
	var meta ckMeta
	if err := ckDecMode.Unmarshal(mb, &meta); err != nil {
		return fmt.Errorf("metrics checkpoint: %w", err)
	}
	// Streams and detectors, rebuilt as their calls build them.
	streams := make(map[string]*metricStream, len(meta.Streams))
	for _, cs := range meta.Streams {
		st, err := s.compileMetricStream(cs.In)
		if err != nil {
			return fmt.Errorf("metrics checkpoint: metric stream %q: %w", cs.In.Name, err)
		}
		if streams[cs.In.Name] != nil {
			return fmt.Errorf("metrics checkpoint: metric stream %q twice", cs.In.Name)
		}
		st.arn, st.state, st.created, st.updated = cs.Arn, cs.State, cs.Created, cs.Updated
		streams[cs.In.Name] = st
	}
	detectors := make(map[string]*detector, len(meta.Detectors))
	for _, cd := range meta.Detectors {
		dt := &detector{key: cd.Key, single: cd.Single, math: cd.Math, config: cd.Config, chars: cd.Chars, loc: time.UTC}
		if (dt.single == nil) == (dt.math == nil) {
			return fmt.Errorf("metrics checkpoint: anomaly detector %q designates no model", cd.Key)
		}
		if tz := cd.Config.MetricTimezone; tz != "" {
			loc, err := time.LoadLocation(tz)
			if err != nil {
				return fmt.Errorf("metrics checkpoint: anomaly detector time zone: %w", err)
			}
			dt.loc = loc
		}
		detectors[cd.Key] = dt
	}
	// The series, into a new index.
	tmp := &Service{catalog: btree.NewG(16, func(a, b *series) bool { return a.key < b.key })}
	ns := d.length(1 << 40)
	for i := 0; i < ns && d.err == nil; i++ {
		if err := d.series(tmp); err != nil {
			return err
		}
	}
	if d.err != nil {
		return d.fail()
	}
	if err := d.checksum(); err != nil {
		return err
	}

	s.mu.Lock()
	s.table, s.nseries, s.catalog, s.nextDue, s.lastPut = tmp.table, tmp.nseries, tmp.catalog, meta.NextDue, nil
	s.mu.Unlock()
	s.admu.Lock()
	s.anomaly.detectors = detectors
	s.admu.Unlock()
	s.bands.mu.Lock()
	s.bands.m = nil
	s.bands.mu.Unlock()

	// Timers: the construction-time ones are dead; arm the pending ones
	// again, the sweep first (see above).
	if s.sweeper != nil {
		s.sweeper.Stop()
	}
	s.sweeper = clock.EveryNamed(s.op.Clock, s.sweepTimerName(), sweepInterval, s.sweep)
	ms := &s.streams
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.streams = streams
	if ms.timer != nil {
		ms.timer.Stop()
		ms.timer = nil
	}
	if meta.StreamsTimer {
		ms.timer = clock.EveryNamed(s.op.Clock, s.streamsTimerName(), time.Minute, s.streamMinute)
	}
	return nil
}

var errCkTruncated = errors.New("metrics checkpoint: truncated data")

// ckDec reads the frames ckEnc writes (reading nothing past the end) into
// its own buffer, checksumming what it consumes.
type ckDec struct {
	r        io.Reader
	version  byte   // of the checkpoint: 1 wrote values side by side
	buf      []byte // 2*ckFrame
	pos, end int
	crc      uint32
	done     bool // the end frame was read
	err      error
}

func (d *ckDec) fail() error {
	if d.err == io.ErrUnexpectedEOF || d.err == io.EOF {
		return errCkTruncated
	}
	return fmt.Errorf("metrics checkpoint: %w", d.err)
}

// need makes n ≤ ckFrame bytes available; false (and d.err) when it cannot.
func (d *ckDec) need(n int) bool {
	if d.end-d.pos >= n {
		return true
	}
	if d.err != nil {
		return false
	}
	d.crc = crc32.Update(d.crc, ckCRC, d.buf[:d.pos])
	d.end = copy(d.buf, d.buf[d.pos:d.end])
	d.pos = 0
	var h [4]byte
	for d.end < n {
		if d.done {
			d.err = io.ErrUnexpectedEOF
			return false
		}
		if _, err := io.ReadFull(d.r, h[:]); err != nil {
			d.err = io.ErrUnexpectedEOF
			return false
		}
		k := int(binary.LittleEndian.Uint32(h[:]))
		if k == 0 {
			d.done = true
			continue
		}
		if k > ckFrame {
			d.err = fmt.Errorf("frame of %d bytes", k)
			return false
		}
		if _, err := io.ReadFull(d.r, d.buf[d.end:d.end+k]); err != nil {
			d.err = io.ErrUnexpectedEOF
			return false
		}
		d.end += k
	}
	return true
}

func (d *ckDec) byte() byte {
	if !d.need(1) {
		return 0
	}
	d.pos++
	return d.buf[d.pos-1]
}

func (d *ckDec) uvarint() uint64 {
	if d.end-d.pos < binary.MaxVarintLen64 {
		d.need(binary.MaxVarintLen64) // may fail near the end; decoded below
		if d.err != nil && d.err != io.ErrUnexpectedEOF {
			return 0
		}
		if d.err == io.ErrUnexpectedEOF {
			d.err = nil // the end may be close: decode what there is
		}
	}
	v, k := binary.Uvarint(d.buf[d.pos:d.end])
	if k <= 0 {
		if d.err == nil {
			if k == 0 {
				d.err = io.ErrUnexpectedEOF
			} else {
				d.err = errors.New("bad varint")
			}
		}
		return 0
	}
	d.pos += k
	return v
}

func (d *ckDec) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// length reads a length, at most limit.
func (d *ckDec) length(limit uint64) int {
	v := d.uvarint()
	if v > limit && d.err == nil {
		d.err = fmt.Errorf("length %d out of range", v)
	}
	if d.err != nil {
		return 0
	}
	return int(v)
}

// optLen reads what ckEnc.optLen wrote: (n, isNil).
func (d *ckDec) optLen(limit uint64) (int, bool) {
	v := d.length(limit + 1)
	if v == 0 {
		return 0, true
	}
	return v - 1, false
}

func (d *ckDec) u64() uint64 {
	if !d.need(8) {
		return 0
	}
	d.pos += 8
	return binary.LittleEndian.Uint64(d.buf[d.pos-8:])
}

func (d *ckDec) f64() float64 { return math.Float64frombits(d.u64()) }

// read fills p.
func (d *ckDec) read(p []byte) {
	for len(p) > 0 && d.err == nil {
		k := min(len(p), ckFrame)
		if !d.need(k) {
			return
		}
		copy(p, d.buf[d.pos:d.pos+k])
		d.pos += k
		p = p[k:]
	}
}

// bytesN reads n bytes, allocating as they arrive (a bad length in garbage
// costs no more memory than the data there is).
func (d *ckDec) bytesN(n int) []byte {
	out := make([]byte, 0, min(n, 1<<20))
	for len(out) < n && d.err == nil {
		k := min(n-len(out), 1<<20)
		out = slices.Grow(out, k)
		d.read(out[len(out) : len(out)+k])
		out = out[:len(out)+k]
	}
	return out
}

func (d *ckDec) str() string {
	n := d.length(1 << 20)
	if d.err != nil {
		return ""
	}
	return string(d.bytesN(n))
}

// f64sInto fills v: a whole number of ckEnc.f64s's groups of byte planes
// (all but the last of ckPlaneChunk values), or, in a version 1 checkpoint,
// the values' bytes side by side.
func (d *ckDec) f64sInto(v []float64) {
	if len(v) == 0 {
		return
	}
	if d.version == 1 {
		if littleEndian {
			d.read(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 8*len(v)))
			return
		}
		for i := range v {
			v[i] = d.f64()
		}
		return
	}
	for len(v) > 0 && d.err == nil {
		n := min(len(v), ckPlaneChunk)
		mask := d.byte()
		k := bits.OnesCount8(mask) * n
		if !d.need(k) {
			return
		}
		readPlanes(v[:n], d.buf[d.pos:d.pos+k], mask)
		d.pos += k
		v = v[n:]
	}
}

// f64s reads n float64s into a new slice (len = cap), growing it as the data
// arrives.
func (d *ckDec) f64s(n int) []float64 {
	if n <= ckPlaneChunk {
		v := make([]float64, n)
		d.f64sInto(v)
		return v
	}
	v := make([]float64, 0, 4096)
	for len(v) < n && d.err == nil {
		k := min(n-len(v), 1<<16)
		v = slices.Grow(v, k)
		d.f64sInto(v[len(v) : len(v)+k])
		v = v[:len(v)+k]
	}
	return slices.Clip(v)
}

// checksum reads the end and the checksum, and checks it.
func (d *ckDec) checksum() error {
	if d.err != nil {
		return d.fail()
	}
	if d.pos < d.end {
		return errors.New("metrics checkpoint: data after the end")
	}
	sum := crc32.Update(d.crc, ckCRC, d.buf[:d.pos])
	var t [4]byte
	if !d.done {
		if _, err := io.ReadFull(d.r, t[:]); err != nil {
			return errCkTruncated
		}
		if binary.LittleEndian.Uint32(t[:]) != 0 {
			return errors.New("metrics checkpoint: data after the end")
		}
	}
	if _, err := io.ReadFull(d.r, t[:]); err != nil {
		return errCkTruncated
	}
	if binary.LittleEndian.Uint32(t[:]) != sum {
		return errors.New("metrics checkpoint: checksum mismatch")
	}
	return nil
}

// maxVals bounds a block's values: far more than any block holds.
const maxVals = 1 << 32

func (d *ckDec) series(tmp *Service) error {
	nsName := d.str()
	name := d.str()
	nd := d.length(1 << 10)
	var dims []Dimension
	if nd > 0 {
		dims = make([]Dimension, nd)
		for i := range dims {
			dims[i] = Dimension{Name: d.str(), Value: d.str()}
		}
	}
	hash := d.u64()
	lastTS, lastRecv := d.varint(), d.varint()
	nst := d.length(1 << 16)
	if d.err != nil {
		return d.fail()
	}
	if !sort.SliceIsSorted(dims, func(i, j int) bool { return dims[i].Name < dims[j].Name }) {
		return fmt.Errorf("metrics checkpoint: dimensions of %s/%s out of order", nsName, name)
	}
	if _, dup := tmp.catalog.Get(&series{key: metricKey(Metric{Namespace: nsName, MetricName: name, Dimensions: dims})}); dup {
		return fmt.Errorf("metrics checkpoint: metric %s/%s twice", nsName, name)
	}
	sr := tmp.create(hash, nsName, name, dims)
	sr.lastTS, sr.lastRecv = lastTS, lastRecv
	units := map[StandardUnit]bool{}
	for i := 0; i < nst; i++ {
		st := &sr.first
		if i > 0 {
			st = &stream{}
		}
		if err := d.stream(st); err != nil {
			return err
		}
		if st.unit == "" || units[st.unit] {
			return fmt.Errorf("metrics checkpoint: bad unit %q in %s/%s", st.unit, nsName, name)
		}
		units[st.unit] = true
		sr.streams = append(sr.streams, st)
	}
	return nil
}

func (d *ckDec) stream(st *stream) error {
	st.unit = StandardUnit(d.str())
	flags := d.uvarint()
	chunkLen := d.length(1 << 20)
	used := d.length(1 << 20)
	headOff := d.length(1 << 20)
	st.agedTo = d.varint()
	var lv [3][]block
	for l := range lv {
		n := d.length(1 << 40)
		if d.err != nil {
			return d.fail()
		}
		if n > 0 {
			lv[l] = make([]block, 0, min(n, 1<<16))
		}
		for i := 0; i < n && d.err == nil; i++ {
			var b block
			if err := d.block(&b); err != nil {
				return err
			}
			if k := len(lv[l]); k > 0 && lv[l][k-1].start >= b.start {
				return errors.New("metrics checkpoint: blocks out of order")
			}
			lv[l] = append(lv[l], b)
		}
	}
	st.h1, st.m5, st.raw = lv[0], lv[1], lv[2]
	if d.err != nil {
		return d.fail()
	}
	if flags&ckHasChunk != 0 {
		if used > chunkLen || headOff > chunkLen {
			return errors.New("metrics checkpoint: bad value chunk")
		}
		st.chunk = make([]float64, chunkLen)
		st.used, st.headOff = used, headOff
	}
	if flags&ckHasHead != 0 {
		st.hasHead = true
		h := &st.head[0]
		if err := d.block(h); err != nil {
			return err
		}
		if flags&ckHeadInChunk != 0 {
			if st.chunk == nil || headOff+len(h.vals) > len(st.chunk) || h.x != nil {
				return errors.New("metrics checkpoint: bad head block")
			}
			n := copy(st.chunk[headOff:], h.vals)
			h.vals = st.chunk[headOff : headOff+n : len(st.chunk)]
		}
	}
	return nil
}

func (d *ckDec) block(b *block) error {
	b.start = d.varint()
	b.sum, b.min, b.max = d.f64(), d.f64(), d.f64()
	b.occ = d.u64()
	nv := d.length(maxVals)
	flags := d.uvarint()
	if d.err != nil {
		return d.fail()
	}
	if nv > 0 {
		b.vals = d.f64s(nv)
	}
	if flags&ckExt == 0 {
		if flags != 0 {
			return errors.New("metrics checkpoint: bad block flags")
		}
		if b.occ&minuteOnlyBit == 0 && bits.OnesCount64(b.occ&secMask) != nv {
			return errors.New("metrics checkpoint: bad block")
		}
		return nil
	}
	x := &blockExt{noPct: flags&ckNoPct != 0, minuteOnly: flags&ckMinuteOnly != 0}
	b.x = x
	x.count = d.f64()
	n, isNil := d.optLen(maxVals)
	if !isNil {
		x.secs = d.bytesN(n)
		if n != nv {
			return errors.New("metrics checkpoint: bad block seconds")
		}
		for _, c := range x.secs {
			if c >= 60 {
				return errors.New("metrics checkpoint: bad block second")
			}
		}
	}
	n, isNil = d.optLen(maxVals)
	if !isNil {
		x.weights = d.f64s(n)
		if n != nv {
			return errors.New("metrics checkpoint: bad block weights")
		}
	}
	n, isNil = d.optLen(maxVals)
	if !isNil {
		x.sets = make([]cellSet, 0, min(n, 1<<16))
		for i := 0; i < n && d.err == nil; i++ {
			c := cellSet{sec: d.byte()}
			c.count, c.sum, c.min, c.max = d.f64(), d.f64(), d.f64(), d.f64()
			x.sets = append(x.sets, c)
		}
	}
	if flags&ckSketch != 0 {
		x.sk = &sketch{zero: d.f64()}
		n, isNil = d.optLen(maxVals)
		if !isNil {
			x.sk.bins = make([]bin, 0, min(n, 1<<16))
			for i := 0; i < n && d.err == nil; i++ {
				idx := d.varint()
				if idx < math.MinInt32 || idx > math.MaxInt32 {
					return errors.New("metrics checkpoint: bad sketch")
				}
				x.sk.bins = append(x.sk.bins, bin{int32(idx), d.f64()})
			}
		}
	}
	if d.err != nil {
		return d.fail()
	}
	return nil
}
