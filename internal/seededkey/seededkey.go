// Package seededkey derives RSA keys deterministically from a label, for the
// signatures localwatch must reproduce byte for byte (CloudTrail digest files,
// SNS messages of seeded stacks). crypto/rsa.GenerateKey cannot be used: since
// Go 1.26 it ignores its random source. A key is only as strong as the secret
// in its label; these keys are for tests and reproducible runs.
package seededkey

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"sync"
)

type keyID struct {
	label string
	bits  int
}

type keyOnce struct {
	once sync.Once
	key  *rsa.PrivateKey
}

// cache memoizes keys process-wide: a 2048-bit derivation costs a few hundred
// milliseconds, so each (label, bits) pays it once.
var cache sync.Map // keyID -> *keyOnce

// RSA returns the bits-bit RSA key (public exponent 65537) derived from
// label: its primes come from a ChaCha8 stream seeded with SHA-256(label).
// The same label and size always give the same key. Safe for concurrent use.
func RSA(label string, bits int) *rsa.PrivateKey {
	v, _ := cache.LoadOrStore(keyID{label, bits}, &keyOnce{})
	ko := v.(*keyOnce)
	ko.once.Do(func() { ko.key = derive(label, bits) })
	return ko.key
}

func derive(label string, bits int) *rsa.PrivateKey {
	rng := rand.NewChaCha8(sha256.Sum256([]byte(label)))
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p, q := prime(rng, bits/2), prime(rng, bits/2)
		if p.Cmp(q) == 0 {
			continue
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits {
			continue
		}
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		key := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 65537}, D: d, Primes: []*big.Int{p, q}}
		key.Precompute()
		if key.Validate() == nil {
			return key
		}
	}
}

// prime returns a prime of exactly bits bits with its top two bits set (so a
// product of two has 2*bits bits), searching upwards from a random odd start;
// a prime is usually found within a few hundred candidates.
//
// The candidates are sieved first: the start's residues modulo the odd
// primes below 2^16 are computed once, and a candidate divisible by one of
// them is skipped without a Miller-Rabin test (a modular exponentiation).
// The sieve only skips composites, so the prime found — and the key — is the
// one the unsieved search finds; it costs about a third of the time, which
// matters because the first digest of a key window derives the key on the
// caller (CloudTrail's DeleteTrail, StopLogging).
func prime(rng *rand.ChaCha8, bits int) *big.Int {
	buf := make([]byte, bits/8)
	two := big.NewInt(2)
	small := smallPrimes()
	rems := make([]uint32, len(small))
	var m big.Int
	for {
		for i := 0; i < len(buf); i += 8 {
			binary.LittleEndian.PutUint64(buf[i:], rng.Uint64())
		}
		buf[0] |= 0xc0
		buf[len(buf)-1] |= 1
		p := new(big.Int).SetBytes(buf)
		for i, q := range small {
			rems[i] = uint32(m.Mod(p, m.SetUint64(uint64(q))).Uint64())
		}
		for step := range uint32(4096) {
			if step > 0 {
				p.Add(p, two)
			}
			if p.BitLen() != bits || divisible(rems, small, 2*step, p) {
				continue
			}
			if p.ProbablyPrime(20) {
				return p
			}
		}
	}
}

// divisible reports whether start+delta (whose residues modulo small are
// rems) has a small prime factor other than itself.
func divisible(rems, small []uint32, delta uint32, p *big.Int) bool {
	for i, q := range small {
		if (rems[i]+delta%q)%q == 0 {
			return !(p.IsUint64() && p.Uint64() == uint64(q))
		}
	}
	return false
}

var smallPrimes = sync.OnceValue(func() []uint32 {
	const limit = 1 << 16
	composite := make([]bool, limit)
	var out []uint32
	for i := 3; i < limit; i += 2 {
		if composite[i] {
			continue
		}
		out = append(out, uint32(i))
		for j := i * i; j < limit; j += 2 * i {
			composite[j] = true
		}
	}
	return out
})
