// Package ids is localwatch's seedable source of identifiers (request IDs, event
// IDs, message IDs, tokens). The same seed gives the same sequence, so a test that
// fixes the seed gets byte-identical output.
package ids

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"
)

// Source produces identifiers. It is safe for concurrent use; under concurrent
// use the sequence each caller sees depends on scheduling, as it must.
type Source struct {
	mu  sync.Mutex
	pcg *rand.PCG
	rng *rand.Rand
}

// New returns a Source seeded with seed. The zero seed is a valid seed like any
// other; use [Random] for a source that differs on every run.
func New(seed uint64) *Source {
	pcg := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	return &Source{pcg: pcg, rng: rand.New(pcg)}
}

// MarshalBinary returns the source's position in its sequence (a
// checkpoint keeps it).
func (s *Source) MarshalBinary() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pcg.MarshalBinary()
}

// UnmarshalBinary moves the source to a position MarshalBinary returned:
// it then draws what the marshalled source would have drawn next.
func (s *Source) UnmarshalBinary(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pcg.UnmarshalBinary(b)
}

// Random returns a Source seeded from crypto/rand.
func Random() *Source {
	var b [8]byte
	_, _ = crand.Read(b[:])
	return New(binary.LittleEndian.Uint64(b[:]))
}

// Bytes fills and returns n pseudo-random bytes.
func (s *Source) Bytes(n int) []byte {
	b := make([]byte, n)
	s.mu.Lock()
	for i := 0; i < n; i += 8 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], s.rng.Uint64())
		copy(b[i:], w[:])
	}
	s.mu.Unlock()
	return b
}

// UUID returns a random (version 4) UUID in its canonical lower-case form.
func (s *Source) UUID() string {
	var b [16]byte
	copy(b[:], s.Bytes(16))
	return FormatUUID(b)
}

// FormatUUID marks b as a random (version 4, RFC 4122 variant) UUID and
// returns it in its canonical lower-case form.
func FormatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// Hex returns n lower-case hex digits.
func (s *Source) Hex(n int) string {
	return hex.EncodeToString(s.Bytes((n + 1) / 2))[:n]
}

// Uint64 returns a pseudo-random uint64.
func (s *Source) Uint64() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Uint64()
}

// IntN returns a pseudo-random int in [0, n).
func (s *Source) IntN(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.IntN(n)
}

// String returns n characters drawn from alphabet.
func (s *Source) String(n int, alphabet string) string {
	out := make([]byte, n)
	s.mu.Lock()
	for i := range out {
		out[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	s.mu.Unlock()
	return string(out)
}
