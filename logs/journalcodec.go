package logs

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"slices"

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
const putLogEventsCodecV1 = 1

func init() {
	op.RegisterInputCodec(appendPutLogEventsInput, decodePutLogEventsInput)
}

// uvarintLen is the length of the uvarint encoding of x.
func uvarintLen(x uint64) int {
	return (bits.Len64(x|1) + 6) / 7
}

// varintLen is the length of the (zig-zag) varint encoding of x.
func varintLen(x int64) int {
	return uvarintLen(uint64(x<<1) ^ uint64(x>>63))
}

// putLogEventsInputSize is the length of the compact form of in.
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

// appendPutLogEventsInput appends the compact form of in to dst, growing dst
// at most once, to room for its exact size.
func appendPutLogEventsInput(dst []byte, in *PutLogEventsInput) []byte {
	dst = slices.Grow(dst, putLogEventsInputSize(in))
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
)

// decodePutLogEventsInput decodes the compact form of a PutLogEventsInput
// into in. It checks every length against the bytes that remain before it
// allocates; it allocates the names, the LogEvents slice, and one string that
// all the messages are substrings of.
func decodePutLogEventsInput(data []byte, in *PutLogEventsInput) error {
	if len(data) == 0 {
		return errPutLogEventsCodecShort
	}
	if data[0] != putLogEventsCodecV1 {
		return errPutLogEventsCodecVersion
	}
	p := 1
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
