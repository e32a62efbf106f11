package logs

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"slices"
	"sync"

	"github.com/klauspost/compress/s2"

	"github.com/localwatch/localwatch/internal/op"
)

// The journal's compact form of a PutLogEventsInput (see
// [op.RegisterInputCodec]). PutLogEvents is the hot path of an account with a
// data directory, and the generic CBOR form of its Input costs more CPU than
// the call itself.
//
// Layout, version 1 (uvarint and varint as in encoding/binary; varint is
// zig-zag):
//
//	version        1 byte, putLogEventsCodecV1
//	LogGroupName   uvarint length, bytes
//	LogStreamName  uvarint length, bytes
//	SequenceToken  uvarint length, bytes
//	event count    uvarint: 0 for a nil LogEvents, n+1 for n events (so an
//	               empty, non-nil LogEvents is 1)
//	each event     varint Timestamp delta: the event's Timestamp minus the
//	               previous event's (0 before the first), in wrapping int64
//	               arithmetic, so that any pair of timestamps round-trips;
//	               uvarint message length; message bytes
//
// Strings are stored as their bytes, whatever they hold (invalid UTF-8, NUL):
// the form round-trips every Input exactly, valid or not, so that an invalid
// call fails again in the same way on replay. An event takes at least 2 bytes
// (a delta and a length), which bounds the count Decode accepts by the bytes
// that remain, before it allocates anything.
//
// Version 2 is version 1 compressed, for the calls whose version 1 form is
// between s2MinBody and s2MaxBody bytes (most real calls):
//
//	version        1 byte, putLogEventsCodecV2
//	body           the S2 block encoding (github.com/klauspost/compress/s2,
//	               Snappy's block format extended) of the version 1 form
//	               after its version byte
//
// Log lines repeat most of their bytes (timestamps, levels, paths, keys), so
// the body shrinks several-fold (6.4× for the benchmarks' lines) at about
// 2 GB/s: under SyncEveryCall every call waits for its record to reach the
// disk, and a fifth of the bytes gets there sooner. (S2 rather than zstd:
// zstd's fastest level takes about seven times as long here.)
const (
	putLogEventsCodecV1 = 1
	putLogEventsCodecV2 = 2
)

// The version 1 forms that are compressed: below s2MinBody compression
// gains little; above s2MaxBody (a call far over PutLogEvents' 1 MiB batch
// limit, which fails) the form stays plain, so that Decode never inflates
// more than s2MaxBody from a short input.
const (
	s2MinBody = 1 << 10
	s2MaxBody = 16 << 20
)

func init() {
	op.RegisterInputCodec(appendPutLogEventsInput, decodePutLogEventsInput)
}

// codecBodies holds the scratch buffers of the version 1 forms compressed
// into version 2 (on encoding) and decompressed from it (on decoding).
var codecBodies = sync.Pool{New: func() any { return new([]byte) }}

// appendPutLogEventsInput appends the journal form of in to dst: version 2
// when its version 1 form is between s2MinBody and s2MaxBody bytes, else
// version 1.
func appendPutLogEventsInput(dst []byte, in *PutLogEventsInput) []byte {
	n := putLogEventsInputSize(in)
	if n < s2MinBody || n > s2MaxBody {
		return appendPutLogEventsV1Sized(dst, in, n)
	}
	bp := codecBodies.Get().(*[]byte)
	body := appendPutLogEventsV1Sized((*bp)[:0], in, n)
	need := s2.MaxEncodedLen(len(body) - 1)
	dst = slices.Grow(dst, 1+need)
	dst = append(dst, putLogEventsCodecV2)
	enc := s2.Encode(dst[len(dst):len(dst)+need], body[1:])
	dst = dst[:len(dst)+len(enc)]
	putCodecBody(bp, body)
	return dst
}

// putCodecBody returns a scratch buffer to codecBodies, unless it grew past
// what is worth keeping.
func putCodecBody(bp *[]byte, b []byte) {
	if cap(b) <= 4<<20 {
		*bp = b[:0]
		codecBodies.Put(bp)
	}
}

// uvarintLen is the length of the uvarint encoding of x.
func uvarintLen(x uint64) int {
	return (bits.Len64(x|1) + 6) / 7
}

// varintLen is the length of the (zig-zag) varint encoding of x.
func varintLen(x int64) int {
	return uvarintLen(uint64(x<<1) ^ uint64(x>>63))
}

// putLogEventsInputSize is the length of the version 1 form of in.
func putLogEventsInputSize(in *PutLogEventsInput) int {
	n := 1
	for _, s := range [...]string{in.LogGroupName, in.LogStreamName, in.SequenceToken} {
		n += uvarintLen(uint64(len(s))) + len(s)
	}
	count := uint64(0)
	if in.LogEvents != nil {
		count = uint64(len(in.LogEvents)) + 1
	}
	n += uvarintLen(count)
	prev := int64(0)
	for i := range in.LogEvents {
		e := &in.LogEvents[i]
		n += varintLen(e.Timestamp-prev) + uvarintLen(uint64(len(e.Message))) + len(e.Message)
		prev = e.Timestamp
	}
	return n
}

// appendPutLogEventsV1 appends the version 1 form of in to dst, growing dst
// at most once, to room for its exact size.
func appendPutLogEventsV1(dst []byte, in *PutLogEventsInput) []byte {
	return appendPutLogEventsV1Sized(dst, in, putLogEventsInputSize(in))
}

// appendPutLogEventsV1Sized is appendPutLogEventsV1 given the form's size
// (putLogEventsInputSize(in)).
func appendPutLogEventsV1Sized(dst []byte, in *PutLogEventsInput, size int) []byte {
	dst = slices.Grow(dst, size)
	count := uint64(0)
	if in.LogEvents != nil {
		count = uint64(len(in.LogEvents)) + 1
	}
	dst = append(dst, putLogEventsCodecV1)
	dst = appendCodecString(dst, in.LogGroupName)
	dst = appendCodecString(dst, in.LogStreamName)
	dst = appendCodecString(dst, in.SequenceToken)
	dst = binary.AppendUvarint(dst, count)
	prev := int64(0)
	for i := range in.LogEvents {
		e := &in.LogEvents[i]
		dst = binary.AppendVarint(dst, e.Timestamp-prev)
		dst = appendCodecString(dst, e.Message)
		prev = e.Timestamp
	}
	return dst
}

func appendCodecString(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

var (
	errPutLogEventsCodecShort    = errors.New("logs: PutLogEventsInput journal form: truncated or bad length")
	errPutLogEventsCodecVersion  = errors.New("logs: PutLogEventsInput journal form: unknown version")
	errPutLogEventsCodecCount    = errors.New("logs: PutLogEventsInput journal form: event count exceeds the data")
	errPutLogEventsCodecTrailing = errors.New("logs: PutLogEventsInput journal form: trailing bytes")
	errPutLogEventsCodecS2       = errors.New("logs: PutLogEventsInput journal form: the compressed body does not decode")
)

// decodePutLogEventsInput decodes the compact form of a PutLogEventsInput
// into in. It checks every length against the bytes that remain before it
// allocates; it allocates the names, the LogEvents slice, and one string that
// all the messages are substrings of.
func decodePutLogEventsInput(data []byte, in *PutLogEventsInput) error {
	if len(data) == 0 {
		return errPutLogEventsCodecShort
	}
	switch data[0] {
	case putLogEventsCodecV1:
		return decodePutLogEventsBody(data[1:], in)
	case putLogEventsCodecV2:
		n, err := s2.DecodedLen(data[1:])
		if err != nil || n > s2MaxBody {
			return errPutLogEventsCodecS2
		}
		bp := codecBodies.Get().(*[]byte)
		body, err := s2.Decode(slices.Grow((*bp)[:0], n)[:n], data[1:])
		if err != nil {
			putCodecBody(bp, *bp)
			return errPutLogEventsCodecS2
		}
		err = decodePutLogEventsBody(body, in)
		putCodecBody(bp, body)
		return err
	}
	return errPutLogEventsCodecVersion
}

// decodePutLogEventsBody decodes the version 1 form after its version byte.
// Every name and message it returns is a copy (data may be a scratch
// buffer).
func decodePutLogEventsBody(data []byte, in *PutLogEventsInput) error {
	p := 0
	var names [3]string
	for i := range names {
		l, k := binary.Uvarint(data[p:])
		if k <= 0 {
			return errPutLogEventsCodecShort
		}
		p += k
		if l > uint64(len(data)-p) {
			return errPutLogEventsCodecShort
		}
		names[i] = string(data[p : p+int(l)])
		p += int(l)
	}
	count, k := binary.Uvarint(data[p:])
	if k <= 0 {
		return errPutLogEventsCodecShort
	}
	p += k
	out := PutLogEventsInput{LogGroupName: names[0], LogStreamName: names[1], SequenceToken: names[2]}
	if count > 0 {
		n := count - 1
		// An event takes at least 2 bytes.
		if n > uint64(len(data)-p)/2 {
			return errPutLogEventsCodecCount
		}
		events := make([]InputLogEvent, n)
		// One string for all the messages; rest[i:j] is data[p+i:p+j].
		rest := string(data[p:])
		q := 0
		prev := int64(0)
		for i := range events {
			d, k := binary.Varint(data[p+q:])
			if k <= 0 {
				return errPutLogEventsCodecShort
			}
			q += k
			l, k := binary.Uvarint(data[p+q:])
			if k <= 0 {
				return errPutLogEventsCodecShort
			}
			q += k
			if l > uint64(len(rest)-q) {
				return errPutLogEventsCodecShort
			}
			prev += d
			events[i] = InputLogEvent{Timestamp: prev, Message: rest[q : q+int(l)]}
			q += int(l)
		}
		p += q
		out.LogEvents = events
	}
	if p != len(data) {
		return errPutLogEventsCodecTrailing
	}
	*in = out
	return nil
}
