package logs

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/klauspost/compress/s2"

	"github.com/localwatch/localwatch/internal/journal"
)

// codecCases are PutLogEventsInputs the journal form must round-trip, named
// after what they guard.
var codecCases = []struct {
	name string
	in   PutLogEventsInput
}{
	{"zero input (nil LogEvents)", PutLogEventsInput{}},
	{"empty non-nil LogEvents", PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: []InputLogEvent{}}},
	{"names kept", PutLogEventsInput{LogGroupName: "/aws/lambda/fn", LogStreamName: "2026/11/25/[$LATEST]abc", LogEvents: []InputLogEvent{{Timestamp: 1, Message: "m"}}}},
	{"SequenceToken kept", PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", SequenceToken: "49590302347590348", LogEvents: []InputLogEvent{{Timestamp: 1, Message: "m"}}}},
	{"empty names", PutLogEventsInput{LogEvents: []InputLogEvent{{Timestamp: 5, Message: "x"}}}},
	{"empty message", PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: []InputLogEvent{{Timestamp: 1}}}},
	{"all messages empty", PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: []InputLogEvent{{Timestamp: 1}, {Timestamp: 2}, {Timestamp: 2}}}},
	{"binary message (NUL, invalid UTF-8)", PutLogEventsInput{LogGroupName: "g\x00", LogStreamName: "\xff\xfe", SequenceToken: "\x80", LogEvents: []InputLogEvent{{Timestamp: 1, Message: "\x00\xff\xc3\x28 \xed\xa0\x80\x00"}}}},
	{"negative timestamps", PutLogEventsInput{LogEvents: []InputLogEvent{{Timestamp: -1, Message: "a"}, {Timestamp: -1_000_000_000_000, Message: "b"}, {Timestamp: 0, Message: "c"}}}},
	{"zero timestamp", PutLogEventsInput{LogEvents: []InputLogEvent{{Timestamp: 0, Message: "a"}}}},
	{"max int64 and min int64 (wrapping deltas)", PutLogEventsInput{LogEvents: []InputLogEvent{
		{Timestamp: math.MaxInt64, Message: "max"}, {Timestamp: math.MinInt64, Message: "min"},
		{Timestamp: math.MaxInt64, Message: "max again"}, {Timestamp: 0}, {Timestamp: math.MinInt64}}}},
	{"out-of-order timestamps", PutLogEventsInput{LogEvents: []InputLogEvent{{Timestamp: 1764064800000, Message: "a"}, {Timestamp: 1764064700000, Message: "b"}, {Timestamp: 1764064800001, Message: "c"}}}},
	{"message longer than 127 bytes (multi-byte length)", PutLogEventsInput{LogEvents: []InputLogEvent{{Timestamp: 1, Message: string(make([]byte, 70000))}}}},
	{"name longer than 127 bytes", PutLogEventsInput{LogGroupName: string(make([]byte, 300)), LogEvents: []InputLogEvent{}}},
	{"1,000 events", PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: benchCodecEvents(1000)}},
}

func TestPutLogEventsCodecRoundTrips(t *testing.T) {
	for _, c := range codecCases {
		t.Run(c.name, func(t *testing.T) {
			b := appendPutLogEventsInput(nil, &c.in)
			want := byte(putLogEventsCodecV1)
			if n := putLogEventsInputSize(&c.in); n >= s2MinBody && n <= s2MaxBody {
				want = putLogEventsCodecV2
			}
			if b[0] != want {
				t.Fatalf("first byte %d, not version %d", b[0], want)
			}
			var got PutLogEventsInput
			if err := decodePutLogEventsInput(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.in) {
				t.Fatalf("round trip:\n got %#v\nwant %#v", got, c.in)
			}
			// Version 1, which journals written before version 2 hold
			// for every call, still decodes.
			var v1 PutLogEventsInput
			if err := decodePutLogEventsInput(appendPutLogEventsV1(nil, &c.in), &v1); err != nil || !reflect.DeepEqual(v1, c.in) {
				t.Fatalf("version 1 form: %v", err)
			}
			// Appending keeps what dst held.
			b2 := appendPutLogEventsInput([]byte("prefix"), &c.in)
			if string(b2[:6]) != "prefix" || string(b2[6:]) != string(b) {
				t.Fatal("append to a non-empty dst changed the prefix or the form")
			}
			// Decoding overwrites whatever the target held.
			stale := PutLogEventsInput{LogGroupName: "stale", SequenceToken: "stale", LogEvents: []InputLogEvent{{Message: "stale"}}}
			if err := decodePutLogEventsInput(b, &stale); err != nil || !reflect.DeepEqual(stale, c.in) {
				t.Fatalf("decode into a used value: %v", err)
			}
		})
	}
}

func TestPutLogEventsCodecSizeIsExact(t *testing.T) {
	for _, c := range codecCases {
		b := appendPutLogEventsV1(nil, &c.in)
		if n := putLogEventsInputSize(&c.in); n != len(b) {
			t.Errorf("%s: size %d computed for %d bytes", c.name, n, len(b))
		}
	}
}

func TestPutLogEventsCodecRejectsBadData(t *testing.T) {
	good := appendPutLogEventsInput(nil, &PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", SequenceToken: "t",
		LogEvents: []InputLogEvent{{Timestamp: 1, Message: "hello"}, {Timestamp: -300, Message: "world"}}})
	hugeCount := []byte{putLogEventsCodecV1, 0, 0, 0}
	hugeCount = binary.AppendUvarint(hugeCount, math.MaxUint64)
	bigCount := []byte{putLogEventsCodecV1, 0, 0, 0}
	bigCount = binary.AppendUvarint(bigCount, 1<<40)
	bigCount = append(bigCount, 0, 0, 0, 0)
	hugeLen := []byte{putLogEventsCodecV1}
	hugeLen = binary.AppendUvarint(hugeLen, math.MaxUint64)
	hugeMsg := []byte{putLogEventsCodecV1, 0, 0, 0, 2, 0}
	hugeMsg = binary.AppendUvarint(hugeMsg, math.MaxUint64)
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"unknown version 0", append([]byte{0}, good[1:]...)},
		{"unknown version 3", append([]byte{3}, good[1:]...)},
		{"version 2, body not S2", append([]byte{putLogEventsCodecV2}, good[1:]...)},
		{"version 2, no body", []byte{putLogEventsCodecV2}},
		{"version 2, S2 of a bad body", append([]byte{putLogEventsCodecV2}, s2.Encode(nil, good[1:len(good)-1])...)},
		{"version 2, S2 of a body with a trailing byte", append([]byte{putLogEventsCodecV2}, s2.Encode(nil, append(append([]byte{}, good[1:]...), 0))...)},
		{"version 2, S2 of a body past s2MaxBody", append([]byte{putLogEventsCodecV2}, s2.Encode(nil, make([]byte, s2MaxBody+1))...)},
		{"version 2, S2 whose length lies", append(append([]byte{putLogEventsCodecV2}, binary.AppendUvarint(nil, 1000)...), s2.Encode(nil, good[1:])[1:]...)},
		{"trailing byte", append(append([]byte{}, good...), 0)},
		{"count over the data", bigCount},
		{"count of MaxUint64", hugeCount},
		{"name length of MaxUint64", hugeLen},
		{"message length of MaxUint64", hugeMsg},
		{"overlong varint", append([]byte{putLogEventsCodecV1}, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)},
		{"no event count", []byte{putLogEventsCodecV1, 0, 0, 0}},
	}
	for i := 1; i < len(good); i++ {
		cases = append(cases, struct {
			name string
			data []byte
		}{fmt.Sprintf("truncated to %d bytes", i), good[:i]})
	}
	for _, c := range cases {
		var in PutLogEventsInput
		if err := decodePutLogEventsInput(c.data, &in); err == nil {
			t.Errorf("%s: decoded %#v", c.name, in)
		}
	}
}

// Encoding grows dst once. One string for all the messages: decoding 1,000
// events allocates the slice, the one string, and the names, not a string per
// message.
func TestPutLogEventsCodecAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, c := range codecCases {
		if allocs := testing.AllocsPerRun(5, func() { _ = appendPutLogEventsInput(nil, &c.in) }); allocs != 1 {
			t.Errorf("%s: encode into nil: %v allocations, not 1", c.name, allocs)
		}
	}
	in := PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", SequenceToken: "t", LogEvents: benchCodecEvents(1000)}
	b := appendPutLogEventsInput(nil, &in)
	var out PutLogEventsInput
	allocs := testing.AllocsPerRun(20, func() {
		if err := decodePutLogEventsInput(b, &out); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 5 {
		t.Fatalf("decode of 1,000 events: %v allocations", allocs)
	}
	allocs = testing.AllocsPerRun(20, func() { b = appendPutLogEventsInput(b[:0], &in) })
	if allocs != 0 {
		t.Fatalf("encode into a large enough dst: %v allocations", allocs)
	}
}

// The journal stores a PutLogEventsInput in the codec's form (a CBOR byte
// string) and decodes it back.
func TestPutLogEventsCodecIsTheJournalForm(t *testing.T) {
	for _, c := range codecCases {
		b, err := journal.Encode(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if b[0]>>5 != 2 {
			t.Fatalf("%s: not a CBOR byte string: %x", c.name, b[:1])
		}
		var got PutLogEventsInput
		if err := journal.Decode(b, &got); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(got, c.in) {
			t.Fatalf("%s: journal round trip:\n got %#v\nwant %#v", c.name, got, c.in)
		}
	}
}

func FuzzPutLogEventsCodec(f *testing.F) {
	for _, c := range codecCases[:len(codecCases)-3] { // not the large ones
		f.Add(appendPutLogEventsInput(nil, &c.in))
	}
	f.Add([]byte{})
	f.Add([]byte{putLogEventsCodecV1, 0, 0, 0, 0})
	f.Add(appendPutLogEventsInput(nil, &PutLogEventsInput{LogGroupName: "g", LogStreamName: "s", LogEvents: benchCodecEvents(20)})) // version 2
	f.Fuzz(func(t *testing.T, data []byte) {
		// Arbitrary bytes: decode never panics; what decodes re-encodes to
		// a form that decodes to the same Input.
		var in PutLogEventsInput
		if err := decodePutLogEventsInput(data, &in); err == nil {
			b := appendPutLogEventsInput(nil, &in)
			var again PutLogEventsInput
			if err := decodePutLogEventsInput(b, &again); err != nil {
				t.Fatalf("re-encoding of a decoded input does not decode: %v", err)
			}
			if !reflect.DeepEqual(again, in) {
				t.Fatalf("re-encoding changed the input:\n got %#v\nwant %#v", again, in)
			}
		}
		// The bytes as an Input: every third byte starts an event whose
		// timestamp is made of the bytes that follow; round-trips exactly.
		in = PutLogEventsInput{LogGroupName: string(data[:len(data)/4]), SequenceToken: string(data[len(data)/4 : len(data)/3])}
		if len(data)%2 == 1 {
			in.LogEvents = []InputLogEvent{}
		}
		for i := 0; i+1 < len(data); i += 3 {
			var ts [8]byte
			copy(ts[:], data[i:])
			in.LogEvents = append(in.LogEvents, InputLogEvent{Timestamp: int64(binary.LittleEndian.Uint64(ts[:])), Message: string(data[i+1 : min(len(data), i+1+int(data[i])%16)])})
		}
		b := appendPutLogEventsInput(nil, &in)
		var got PutLogEventsInput
		if err := decodePutLogEventsInput(b, &got); err != nil || !reflect.DeepEqual(got, in) {
			t.Fatalf("round trip of %#v: %#v, %v", in, got, err)
		}
	})
}

// benchCodecEvents returns n events of ~90-byte messages, a millisecond
// apart.
func benchCodecEvents(n int) []InputLogEvent {
	events := make([]InputLogEvent, n)
	for i := range events {
		level := "INFO"
		if i%50 == 0 {
			level = "ERROR"
		}
		events[i] = InputLogEvent{
			Timestamp: 1764064800000 + int64(i),
			Message:   fmt.Sprintf("2026-11-25T10:00:00Z %s request id=%08d path=/api/v1/orders/%d status=200 latency_ms=%d", level, i, i%1000, i%997),
		}
	}
	return events
}

// BenchmarkPutLogEventsCodec: the journal form of one PutLogEvents of 1,000
// events (~90-byte messages). Reports the form's bytes per event beyond the
// message bytes (negative: the form is version 2, compressed) and per
// message byte.
func BenchmarkPutLogEventsCodec(b *testing.B) {
	in := PutLogEventsInput{LogGroupName: "bench", LogStreamName: "s0", LogEvents: benchCodecEvents(1000)}
	msgBytes := 0
	for _, e := range in.LogEvents {
		msgBytes += len(e.Message)
	}
	data := appendPutLogEventsInput(nil, &in)
	report := func(b *testing.B) {
		b.ReportMetric(float64(len(data)-msgBytes)/float64(len(in.LogEvents)), "overhead-B/event")
		b.ReportMetric(float64(len(data))/float64(msgBytes), "bytes/msgbyte")
		b.ReportMetric(float64(b.N)*float64(len(in.LogEvents))/b.Elapsed().Seconds(), "events/s")
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = appendPutLogEventsInput(nil, &in)
		}
		report(b)
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		var out PutLogEventsInput
		for b.Loop() {
			if err := decodePutLogEventsInput(data, &out); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("journal-encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := journal.Encode(in); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("journal-decode", func(b *testing.B) {
		b.ReportAllocs()
		jb, err := journal.Encode(in)
		if err != nil {
			b.Fatal(err)
		}
		var out PutLogEventsInput
		for b.Loop() {
			if err := journal.Decode(jb, &out); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	// For reference, the generic CBOR form the journal used before the
	// codec (by reflection, field names as in Go).
	b.Run("cbor-reference-encode", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			cb, err := cbor.Marshal(in)
			if err != nil {
				b.Fatal(err)
			}
			n = len(cb)
		}
		b.ReportMetric(float64(n-msgBytes)/float64(len(in.LogEvents)), "overhead-B/event")
		b.ReportMetric(float64(b.N)*float64(len(in.LogEvents))/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("cbor-reference-decode", func(b *testing.B) {
		b.ReportAllocs()
		cb, err := cbor.Marshal(in)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			var out PutLogEventsInput
			if err := cbor.Unmarshal(cb, &out); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)*float64(len(in.LogEvents))/b.Elapsed().Seconds(), "events/s")
	})
}
