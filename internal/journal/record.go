package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"reflect"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/localwatch/localwatch/internal/identity"
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

// Encode encodes an operation's Input the way the journal stores it.
func Encode(in any) ([]byte, error) { return encMode.Marshal(in) }

// Decode decodes an Input stored by the journal into v (a pointer to the
// operation's Input type).
func Decode(data []byte, v any) error { return decMode.Unmarshal(data, v) }

// headerSize is the frame header: payload length and CRC-32C.
const headerSize = 8

// maxRecord bounds a record's payload; a larger length is damage.
const maxRecord = 1 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendFrame appends r, framed, to b.
func appendFrame(b []byte, r *record) ([]byte, error) {
	payload, err := encMode.Marshal(r)
	if err != nil {
		return b, err
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(payload, castagnoli))
	return append(b, payload...), nil
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
