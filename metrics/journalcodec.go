package metrics

// The journal's compact form of PutMetricDataInput.
//
// An account with a data directory journals every call's Input and replays
// it on reopen. The generic form (CBOR by reflection) costs ~142 bytes and
// several µs per datum, more than PutMetricData itself, so this file
// registers a compact form with op.RegisterInputCodec; the journal stores it
// as a CBOR byte string (internal/journal Encode/Decode).
//
// The form round-trips every Input exactly, valid or not (a replayed call
// must fail again the way the original did): nil and empty slices, absent
// and zero pointers, float bits (NaN payloads, -0), any int and any string
// (even invalid UTF-8). Timestamps keep their instant to the nanosecond and
// what the generic form gave back: the zero time stays zero, an instant at
// UTC offset 0 decodes in UTC, another offset in time.FixedZone("", offset).
// Monotonic clock readings are dropped.
//
// Byte layout (varint: encoding/binary's uvarint; zvarint: a zig-zag signed
// varint, binary.AppendVarint; f64: the 8 IEEE 754 bits, little-endian):
//
//	version      byte 1 (codecVersion)
//	Namespace    str
//	len          varint: 0 = nil MetricData, else len(MetricData)+1
//	if len > 0:
//	  dims       varint: the Dimensions of all datums together
//	  floats     varint: the floats of all datums (Value, Values, Counts)
//	  stats      varint: the datums with StatisticValues
//	  datum...   len-1 times
//
//	datum:
//	  flags      byte, the bits below
//	  MetricName str
//	  if hasDims:     varint n, then n × (Name str, Value str)
//	  if !sameTime:   time
//	  if hasValue:    f64
//	  if hasValues:   varint n, then n × f64
//	  if hasCounts:   varint n, then n × f64
//	  if hasStats:    4 × f64 (SampleCount, Sum, Minimum, Maximum)
//	  if !sameUnit:   Unit str
//	  if !sameRes:    StorageResolution zvarint
//
// "same" compares with the previous datum (before the first: the zero time,
// unit "" and resolution 0); a call's datums usually share them, and then
// cost no byte. hasDims, hasValues and hasCounts tell a nil slice from an
// empty one.
//
//	str:  varint x. x odd: a new string of x>>1 bytes follows, and is
//	      appended to the call's string table; x even: the string at index
//	      x>>1 of the table (which starts empty for every call).
//
//	time: varint h. h = 0: the zero time. Otherwise h-1 = zoff<<1 | wide,
//	      zoff the zig-zag UTC offset in seconds (0: decode in UTC).
//	      wide = 0: zvarint, the Unix nanoseconds minus those of the last
//	      narrow time of the call (0 before the first), wrapping.
//	      wide = 1 (an instant that Unix nanoseconds cannot hold, outside
//	      1678–2262): zvarint Unix seconds, varint nanoseconds (< 1e9).
//
// The totals in the header let Decode allocate once: the datums' Dimensions
// are carved out of one []Dimension, their floats (Value pointers, Values,
// Counts) out of one []float64 and StatisticValues out of one
// []StatisticSet, each slice clipped to its length so that appending to one
// datum's slice cannot overwrite a neighbour's. Decoded strings share one
// string holding the whole payload. Decode checks every length against the
// bytes left before allocating, rejects an unknown version, totals that do
// not match, and trailing bytes, and never panics.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/op"
)

func init() {
	op.RegisterInputCodec(appendPutMetricData, decodePutMetricData)
}

// codecVersion is the first byte of the form; a form that changes gets a new
// one (and Decode keeps reading the old).
const codecVersion = 1

// Datum flags.
const (
	flagDims     = 1 << iota // Dimensions != nil
	flagSameTime             // Timestamp as the previous datum's
	flagValue                // Value != nil
	flagValues               // Values != nil
	flagCounts               // Counts != nil
	flagStats                // StatisticValues != nil
	flagSameUnit             // Unit as the previous datum's
	flagSameRes              // StorageResolution as the previous datum's
)

// codecEnc is an encoder's string table, reused across calls: an
// open-addressing hash set of the call's strings (a Go map costs twice as
// much: a lookup and then an insert), and the index of the last MetricName
// and dimension names by position, which a call usually repeats.
type codecEnc struct {
	slots []uint32 // index+1 in strs; 0: empty; a power of 2 long
	strs  []string
	seed  maphash.Seed

	name      string // the last MetricName written…
	nameRef   uint32 // …and its index
	hasName   bool
	dimNames  [4]string // the last dimension name at positions 0–3…
	dimRefs   [4]uint32 // …and their indexes
	dimCached uint8     // the positions cached (bits)
}

// maxPooledSlots bounds the table a pooled encoder keeps.
const maxPooledSlots = 1 << 16

var codecEncs = sync.Pool{New: func() any { return &codecEnc{slots: make([]uint32, 256), seed: maphash.MakeSeed()} }}

// reset empties the table for the next call.
func (e *codecEnc) reset() {
	if len(e.slots) > maxPooledSlots {
		e.slots, e.strs = make([]uint32, 256), nil
	} else if len(e.strs) > 0 {
		clear(e.slots)
		clear(e.strs)
		e.strs = e.strs[:0]
	}
	e.name, e.hasName = "", false
	e.dimNames, e.dimCached = [4]string{}, 0
}

// ref appends a reference to the string at index i.
func ref(dst []byte, i uint32) []byte {
	if i < 64 {
		return append(dst, byte(i<<1))
	}
	return binary.AppendUvarint(dst, uint64(i)<<1)
}

// str appends a reference to s: its index if the call wrote it before, else
// s itself.
func (e *codecEnc) str(dst []byte, s string) []byte {
	i, isNew := e.lookup(s)
	if !isNew {
		return ref(dst, i)
	}
	dst = binary.AppendUvarint(dst, uint64(len(s))<<1|1)
	return append(dst, s...)
}

// lookup answers the index of s in the table, adding it if it is new.
func (e *codecEnc) lookup(s string) (i uint32, isNew bool) {
	if 2*(len(e.strs)+1) > len(e.slots) {
		e.grow()
	}
	mask := uint64(len(e.slots) - 1)
	for h := maphash.String(e.seed, s) & mask; ; h = (h + 1) & mask {
		v := e.slots[h]
		if v == 0 {
			i = uint32(len(e.strs))
			e.strs = append(e.strs, s)
			e.slots[h] = i + 1
			return i, true
		}
		if e.strs[v-1] == s {
			return v - 1, false
		}
	}
}

// grow doubles the slots and re-inserts the strings.
func (e *codecEnc) grow() {
	e.slots = make([]uint32, 2*len(e.slots))
	mask := uint64(len(e.slots) - 1)
	for i, s := range e.strs {
		h := maphash.String(e.seed, s) & mask
		for e.slots[h] != 0 {
			h = (h + 1) & mask
		}
		e.slots[h] = uint32(i) + 1
	}
}

// nameStr is str for a MetricName.
func (e *codecEnc) nameStr(dst []byte, s string) []byte {
	if e.hasName && s == e.name {
		return ref(dst, e.nameRef)
	}
	i, isNew := e.lookup(s)
	e.name, e.nameRef, e.hasName = s, i, true
	if !isNew {
		return ref(dst, i)
	}
	dst = binary.AppendUvarint(dst, uint64(len(s))<<1|1)
	return append(dst, s...)
}

// dimStr is str for the name of the dimension at position j.
func (e *codecEnc) dimStr(dst []byte, j int, s string) []byte {
	if j >= len(e.dimNames) {
		return e.str(dst, s)
	}
	if e.dimCached&(1<<j) != 0 && s == e.dimNames[j] {
		return ref(dst, e.dimRefs[j])
	}
	i, isNew := e.lookup(s)
	e.dimNames[j], e.dimRefs[j] = s, i
	e.dimCached |= 1 << j
	if !isNew {
		return ref(dst, i)
	}
	dst = binary.AppendUvarint(dst, uint64(len(s))<<1|1)
	return append(dst, s...)
}

// sameTime reports whether a and b decode the same: both zero, or the same
// instant at the same UTC offset.
func sameTime(a, b time.Time) bool {
	if a == b { // usually: the call's datums share one Timestamp
		return true
	}
	if a.IsZero() || b.IsZero() {
		return a.IsZero() && b.IsZero()
	}
	if !a.Equal(b) {
		return false
	}
	_, ao := a.Zone()
	_, bo := b.Zone()
	return ao == bo
}

func appendF64(dst []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
}

// appendPutMetricData appends the compact form of in to dst (see the
// layout above).
func appendPutMetricData(dst []byte, in *PutMetricDataInput) []byte {
	e := codecEncs.Get().(*codecEnc)
	defer func() {
		e.reset()
		codecEncs.Put(e)
	}()

	dst = append(dst, codecVersion)
	dst = e.str(dst, in.Namespace)
	if in.MetricData == nil {
		return append(dst, 0)
	}
	dst = binary.AppendUvarint(dst, uint64(len(in.MetricData))+1)
	if len(in.MetricData) == 0 {
		return dst
	}
	var dims, floats, stats int
	for i := range in.MetricData {
		d := &in.MetricData[i]
		dims += len(d.Dimensions)
		floats += len(d.Values) + len(d.Counts)
		if d.Value != nil {
			floats++
		}
		if d.StatisticValues != nil {
			stats++
		}
	}
	dst = binary.AppendUvarint(dst, uint64(dims))
	dst = binary.AppendUvarint(dst, uint64(floats))
	dst = binary.AppendUvarint(dst, uint64(stats))

	var (
		prevTime time.Time
		prevNs   int64
		prevUnit StandardUnit
		prevRes  int
	)
	for i := range in.MetricData {
		d := &in.MetricData[i]
		flagsAt := len(dst)
		dst = append(dst, 0)
		var flags byte
		dst = e.nameStr(dst, d.MetricName)
		if d.Dimensions != nil {
			flags |= flagDims
			dst = binary.AppendUvarint(dst, uint64(len(d.Dimensions)))
			for j, dim := range d.Dimensions {
				dst = e.dimStr(dst, j, dim.Name)
				dst = e.str(dst, dim.Value)
			}
		}
		if sameTime(d.Timestamp, prevTime) {
			flags |= flagSameTime
		} else {
			dst = appendTime(dst, d.Timestamp, &prevNs)
			prevTime = d.Timestamp
		}
		if d.Value != nil {
			flags |= flagValue
			dst = appendF64(dst, *d.Value)
		}
		if d.Values != nil {
			flags |= flagValues
			dst = binary.AppendUvarint(dst, uint64(len(d.Values)))
			for _, v := range d.Values {
				dst = appendF64(dst, v)
			}
		}
		if d.Counts != nil {
			flags |= flagCounts
			dst = binary.AppendUvarint(dst, uint64(len(d.Counts)))
			for _, v := range d.Counts {
				dst = appendF64(dst, v)
			}
		}
		if s := d.StatisticValues; s != nil {
			flags |= flagStats
			dst = appendF64(dst, s.SampleCount)
			dst = appendF64(dst, s.Sum)
			dst = appendF64(dst, s.Minimum)
			dst = appendF64(dst, s.Maximum)
		}
		if d.Unit == prevUnit {
			flags |= flagSameUnit
		} else {
			dst = e.str(dst, string(d.Unit))
			prevUnit = d.Unit
		}
		if d.StorageResolution == prevRes {
			flags |= flagSameRes
		} else {
			dst = binary.AppendVarint(dst, int64(d.StorageResolution))
			prevRes = d.StorageResolution
		}
		dst[flagsAt] = flags
	}
	return dst
}

// appendTime appends t (see the layout above); *prevNs is the call's last
// narrow time, which a narrow t replaces.
func appendTime(dst []byte, t time.Time, prevNs *int64) []byte {
	if t.IsZero() {
		return append(dst, 0)
	}
	_, off := t.Zone()
	zoff := zigzag(int64(off)) << 1
	if ns := t.UnixNano(); time.Unix(0, ns).Equal(t) {
		dst = binary.AppendUvarint(dst, zoff+1)
		dst = binary.AppendVarint(dst, ns-*prevNs)
		*prevNs = ns
		return dst
	}
	dst = binary.AppendUvarint(dst, (zoff|1)+1)
	dst = binary.AppendVarint(dst, t.Unix())
	return binary.AppendUvarint(dst, uint64(t.Nanosecond()))
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

var errCodecShort = errors.New("metrics: journal codec: PutMetricData input truncated")

// codecDec reads the form; err is set by the first failure, after which
// every read answers zero.
type codecDec struct {
	data  []byte
	s     string // data as a string, which decoded strings share
	off   int
	table []string
	err   error
}

func (d *codecDec) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.off = len(d.data)
}

func (d *codecDec) left() int { return len(d.data) - d.off }

func (d *codecDec) byte() byte {
	if d.off >= len(d.data) {
		d.fail(errCodecShort)
		return 0
	}
	b := d.data[d.off]
	d.off++
	return b
}

func (d *codecDec) uvarint() uint64 {
	if d.off < len(d.data) && d.data[d.off] < 0x80 {
		b := d.data[d.off]
		d.off++
		return uint64(b)
	}
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 {
		d.fail(errors.New("metrics: journal codec: bad varint"))
		return 0
	}
	d.off += n
	return v
}

func (d *codecDec) varint() int64 { return unzigzag(d.uvarint()) }

// count reads a count of items of at least size bytes each, which the bytes
// left must hold.
func (d *codecDec) count(size int) int {
	n := d.uvarint()
	if n > uint64(d.left()/size) {
		d.fail(fmt.Errorf("metrics: journal codec: a count of %d exceeds the %d bytes left", n, d.left()))
		return 0
	}
	return int(n)
}

func (d *codecDec) f64() float64 {
	if d.left() < 8 {
		d.fail(errCodecShort)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.data[d.off:]))
	d.off += 8
	return v
}

func (d *codecDec) str() string {
	// The usual case, a one-byte reference, inlined.
	if d.off < len(d.data) {
		if b := d.data[d.off]; b < 0x80 && b&1 == 0 && int(b>>1) < len(d.table) {
			d.off++
			return d.table[b>>1]
		}
	}
	return d.strSlow()
}

func (d *codecDec) strSlow() string {
	x := d.uvarint()
	if x&1 == 0 {
		i := x >> 1
		if i >= uint64(len(d.table)) {
			d.fail(fmt.Errorf("metrics: journal codec: string %d of a table of %d", i, len(d.table)))
			return ""
		}
		return d.table[i]
	}
	n := x >> 1
	if n > uint64(d.left()) {
		d.fail(errCodecShort)
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	d.table = append(d.table, s)
	return s
}

// time reads a time; *prevNs is the call's last narrow time.
func (d *codecDec) time(prevNs *int64) time.Time {
	h := d.uvarint()
	if h == 0 || d.err != nil {
		return time.Time{}
	}
	h--
	zoff := unzigzag(h >> 1)
	if int64(int(zoff)) != zoff {
		d.fail(errors.New("metrics: journal codec: bad zone offset"))
		return time.Time{}
	}
	var t time.Time
	if h&1 == 0 {
		ns := *prevNs + d.varint()
		*prevNs = ns
		t = time.Unix(0, ns)
	} else {
		sec := d.varint()
		nsec := d.uvarint()
		if nsec >= 1e9 {
			d.fail(errors.New("metrics: journal codec: bad nanoseconds"))
			return time.Time{}
		}
		t = time.Unix(sec, int64(nsec))
	}
	if d.err != nil || t.IsZero() {
		// The zero instant is the zero time, whatever its zone (the
		// encoder writes it as such).
		return time.Time{}
	}
	if zoff == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(zoff)))
}

var codecTables = sync.Pool{New: func() any { return new([]string) }}

// decodePutMetricData decodes the compact form (see the layout above) into
// *in.
func decodePutMetricData(data []byte, in *PutMetricDataInput) (err error) {
	if len(data) == 0 {
		return errCodecShort
	}
	if data[0] != codecVersion {
		return fmt.Errorf("metrics: journal codec: unknown version %d", data[0])
	}
	tp := codecTables.Get().(*[]string)
	d := codecDec{data: data, s: string(data), off: 1, table: (*tp)[:0]}
	defer func() {
		clear(d.table[:cap(d.table)]) // drop the call's strings
		*tp = d.table[:0]
		codecTables.Put(tp)
	}()

	out := PutMetricDataInput{Namespace: d.str()}
	n := d.uvarint()
	if d.err != nil {
		return d.err
	}
	if n > 0 {
		n--
		// A datum is at least 2 bytes (flags and MetricName), a dimension
		// 2, a float 8 and a StatisticSet 32.
		if n > uint64(d.left()/2) {
			return fmt.Errorf("metrics: journal codec: %d datums in %d bytes", n, d.left())
		}
		out.MetricData = make([]MetricDatum, n)
		if n > 0 {
			dims := make([]Dimension, d.count(2))
			floats := make([]float64, d.count(8))
			stats := make([]StatisticSet, d.count(32))
			if err := d.datums(out.MetricData, dims, floats, stats); err != nil {
				return err
			}
		}
	}
	if d.err != nil {
		return d.err
	}
	if d.off != len(data) {
		return fmt.Errorf("metrics: journal codec: %d bytes after the input", len(data)-d.off)
	}
	*in = out
	return nil
}

var errCodecTotals = errors.New("metrics: journal codec: the datums do not match the header's totals")

// datums decodes the datums into data, carving their slices out of dims,
// floats and stats, which they must use up.
func (d *codecDec) datums(data []MetricDatum, dims []Dimension, floats []float64, stats []StatisticSet) error {
	var (
		prevTime time.Time
		prevNs   int64
		prevUnit StandardUnit
		prevRes  int
	)
	for i := range data {
		if d.err != nil {
			return d.err
		}
		m := &data[i]
		flags := d.byte()
		m.MetricName = d.str()
		if flags&flagDims != 0 {
			k := d.count(2)
			if k > len(dims) {
				return errCodecTotals
			}
			ds := dims[:k:k]
			dims = dims[k:]
			for j := range ds {
				ds[j].Name = d.str()
				ds[j].Value = d.str()
			}
			m.Dimensions = ds
		}
		if flags&flagSameTime == 0 {
			prevTime = d.time(&prevNs)
		}
		m.Timestamp = prevTime
		if flags&flagValue != 0 {
			if len(floats) == 0 {
				return errCodecTotals
			}
			floats[0] = d.f64()
			m.Value = &floats[0]
			floats = floats[1:]
		}
		if flags&flagValues != 0 {
			if floats, m.Values = d.floats(floats); m.Values == nil {
				return errCodecTotals
			}
		}
		if flags&flagCounts != 0 {
			if floats, m.Counts = d.floats(floats); m.Counts == nil {
				return errCodecTotals
			}
		}
		if flags&flagStats != 0 {
			if len(stats) == 0 {
				return errCodecTotals
			}
			s := &stats[0]
			stats = stats[1:]
			s.SampleCount, s.Sum, s.Minimum, s.Maximum = d.f64(), d.f64(), d.f64(), d.f64()
			m.StatisticValues = s
		}
		if flags&flagSameUnit == 0 {
			prevUnit = StandardUnit(d.str())
		}
		m.Unit = prevUnit
		if flags&flagSameRes == 0 {
			r := d.varint()
			if int64(int(r)) != r {
				d.fail(errors.New("metrics: journal codec: bad StorageResolution"))
			}
			prevRes = int(r)
		}
		m.StorageResolution = prevRes
	}
	if d.err != nil {
		return d.err
	}
	if len(dims)+len(floats)+len(stats) != 0 {
		return errCodecTotals
	}
	return nil
}

// floats reads a counted run of floats into the front of backing; it answers
// the rest of backing and the run (clipped; non-nil unless the run does not
// fit).
func (d *codecDec) floats(backing []float64) (rest, run []float64) {
	k := d.count(8)
	if k > len(backing) {
		return backing, nil
	}
	run = backing[:k:k]
	for j := range run {
		run[j] = d.f64()
	}
	return backing[k:], run
}
