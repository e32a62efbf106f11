package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"reflect"
	"sync"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/op"
)

// Kind tells a call record from a tick record.
type Kind uint8

// Record kinds.
const (
	// KindCall is an operation of a service, re-invoked by replay.
	KindCall Kind = 1
	// KindTick is the clock running its due timers at the record's time.
	KindTick Kind = 2
)

// record is one journal entry, encoded as a CBOR array.
type record struct {
	_          struct{} `cbor:",toarray"`
	Seq        uint64
	Kind       Kind
	Time       int64 // Unix nanoseconds
	Region     string
	Service    string
	Name       string
	RequestID  string
	Identity   *wireIdentity
	ReadOnly   bool
	Unrecorded bool
	Input      cbor.RawMessage
}

// wireIdentity is identity.Identity with every field encoded (Identity hides
// some from JSON, whose tags CBOR would follow).
type wireIdentity struct {
	_                struct{} `cbor:",toarray"`
	Type             string
	PrincipalID      string
	ARN              string
	AccountID        string
	AccessKeyID      string
	UserName         string
	InvokedBy        string
	Issuer           *identity.SessionIssuer
	MFAAuthenticated bool
	SessionCreated   int64 // Unix nanoseconds; 0: zero time
	SourceIPAddress  string
	UserAgent        string
}

func toWire(id identity.Identity) *wireIdentity {
	w := &wireIdentity{Type: id.Type, PrincipalID: id.PrincipalID, ARN: id.ARN, AccountID: id.AccountID,
		AccessKeyID: id.AccessKeyID, UserName: id.UserName, InvokedBy: id.InvokedBy, Issuer: id.SessionIssuer,
		MFAAuthenticated: id.MFAAuthenticated, SourceIPAddress: id.SourceIPAddress, UserAgent: id.UserAgent}
	if !id.SessionCreated.IsZero() {
		w.SessionCreated = id.SessionCreated.UnixNano()
	}
	return w
}

func (w *wireIdentity) identity() identity.Identity {
	id := identity.Identity{Type: w.Type, PrincipalID: w.PrincipalID, ARN: w.ARN, AccountID: w.AccountID,
		AccessKeyID: w.AccessKeyID, UserName: w.UserName, InvokedBy: w.InvokedBy, SessionIssuer: w.Issuer,
		MFAAuthenticated: w.MFAAuthenticated, SourceIPAddress: w.SourceIPAddress, UserAgent: w.UserAgent}
	if w.SessionCreated != 0 {
		id.SessionCreated = time.Unix(0, w.SessionCreated).UTC()
	}
	return id
}

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	encMode, err = cbor.EncOptions{Time: cbor.TimeRFC3339Nano}.EncMode()
	if err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DefaultMapType:    reflect.TypeOf(map[string]any(nil)),
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
		MaxArrayElements:  1 << 27, MaxMapPairs: 1 << 27,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// Encode encodes an operation's Input the way the journal stores it: as CBOR
// (field names as in Go), or, for an Input type with a registered
// [op.InputCodec], as a CBOR byte string holding the codec's form.
func Encode(in any) ([]byte, error) { return encodeTo(nil, in) }

// encodeTo is Encode into buf's storage when it is large enough (the result
// may or may not share it).
func encodeTo(buf []byte, in any) ([]byte, error) {
	if in != nil {
		if c, ok := op.InputCodecFor(reflect.TypeOf(in)); ok {
			// Room for the longest byte-string head in front, filled in
			// once the length is known.
			const room = 9
			var head [room]byte
			b := c.Append(append(buf[:0], head[:]...), in)
			h := appendHead(head[:0], 2, uint64(len(b)-room))
			start := room - len(h)
			copy(b[start:], h)
			return b[start:], nil
		}
	}
	return encMode.Marshal(in)
}

// inputBufs recycles the buffers Begin encodes Inputs into: the record is
// copied into the journal's buffer, so the encoding is garbage at once.
var inputBufs = sync.Pool{New: func() any { return new([]byte) }}

// Decode decodes an Input stored by the journal into v (a pointer to the
// operation's Input type).
func Decode(data []byte, v any) error {
	if len(data) > 0 && data[0]>>5 == 2 { // a byte string: a codec's form
		if t := reflect.TypeOf(v); t != nil && t.Kind() == reflect.Pointer {
			if c, ok := op.InputCodecFor(t.Elem()); ok {
				payload, err := byteString(data)
				if err != nil {
					return err
				}
				return c.Decode(payload, v)
			}
		}
		// Else an encoding.BinaryUnmarshaler, which CBOR handles.
	}
	return decMode.Unmarshal(data, v)
}

// appendHead appends a CBOR head of major type major and argument n.
func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), n)
}

// byteString returns the content of the definite-length CBOR byte string
// that is all of data.
func byteString(data []byte) ([]byte, error) {
	if len(data) == 0 || data[0]>>5 != 2 {
		return nil, errors.New("journal: not a CBOR byte string")
	}
	ai := data[0] & 0x1f
	var n uint64
	h := 1
	switch {
	case ai < 24:
		n = uint64(ai)
	case ai == 24 && len(data) >= 2:
		n, h = uint64(data[1]), 2
	case ai == 25 && len(data) >= 3:
		n, h = uint64(binary.BigEndian.Uint16(data[1:])), 3
	case ai == 26 && len(data) >= 5:
		n, h = uint64(binary.BigEndian.Uint32(data[1:])), 5
	case ai == 27 && len(data) >= 9:
		n, h = binary.BigEndian.Uint64(data[1:]), 9
	default:
		return nil, errors.New("journal: bad CBOR byte string head")
	}
	if n != uint64(len(data)-h) {
		return nil, fmt.Errorf("journal: CBOR byte string of %d bytes holds %d", n, len(data)-h)
	}
	return data[h:], nil
}

// headerSize is the frame header: payload length and CRC-32C.
const headerSize = 8

// maxRecord bounds a record's payload; a larger length is damage.
const maxRecord = 1 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordHead is record without its Input: appendFrame encodes it and then
// appends the Input as it is (already CBOR), which is what encoding record
// gives, without copying and re-checking a large Input.
type recordHead struct {
	_          struct{} `cbor:",toarray"`
	Seq        uint64
	Kind       Kind
	Time       int64
	Region     string
	Service    string
	Name       string
	RequestID  string
	Identity   *wireIdentity
	ReadOnly   bool
	Unrecorded bool
}

// appendFrame appends r, framed, to b.
func appendFrame(b []byte, r *record) ([]byte, error) {
	input := []byte(r.Input)
	if len(input) == 0 {
		input = []byte{0xf6} // CBOR null, as encoding record gives
	}
	head, err := encMode.Marshal(recordHead{Seq: r.Seq, Kind: r.Kind, Time: r.Time, Region: r.Region,
		Service: r.Service, Name: r.Name, RequestID: r.RequestID, Identity: r.Identity, ReadOnly: r.ReadOnly,
		Unrecorded: r.Unrecorded})
	if err != nil {
		return b, err
	}
	if head[0] != 0x80|10 {
		return b, fmt.Errorf("journal: record head encoded as %#x", head[0])
	}
	head[0] = 0x80 | 11 // the array gains the Input
	size := len(head) + len(input)
	crc := crc32.Update(crc32.Checksum(head, castagnoli), castagnoli, input)
	b = binary.LittleEndian.AppendUint32(b, uint32(size))
	b = binary.LittleEndian.AppendUint32(b, crc)
	b = append(b, head...)
	return append(b, input...), nil
}

// errTorn and errDamaged classify a bad frame.
var (
	errTorn    = errors.New("torn record")
	errDamaged = errors.New("damaged record")
)

// readFrame decodes the frame at the start of b: the record and the frame's
// size, or errTorn (b ends inside the frame) or errDamaged.
func readFrame(b []byte) (r record, n int, err error) {
	if len(b) < headerSize {
		return r, 0, errTorn
	}
	size := binary.LittleEndian.Uint32(b)
	sum := binary.LittleEndian.Uint32(b[4:])
	if size == 0 || size > maxRecord {
		return r, 0, fmt.Errorf("%w: length %d", errDamaged, size)
	}
	if len(b)-headerSize < int(size) {
		return r, 0, errTorn
	}
	payload := b[headerSize : headerSize+int(size)]
	if crc32.Checksum(payload, castagnoli) != sum {
		return r, 0, fmt.Errorf("%w: CRC mismatch", errDamaged)
	}
	if err := decMode.Unmarshal(payload, &r); err != nil {
		return r, 0, fmt.Errorf("%w: %v", errDamaged, err)
	}
	if r.Kind != KindCall && r.Kind != KindTick {
		return r, 0, fmt.Errorf("%w: kind %d", errDamaged, r.Kind)
	}
	return r, headerSize + int(size), nil
}
