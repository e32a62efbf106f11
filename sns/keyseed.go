package sns

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sync"
)

// seededKeys memoizes keys derived from Options.SigningKeySeed process-wide:
// derivation is deterministic and costs a few hundred milliseconds, so every
// Service with the same seed, account and Region pays it once.
var seededKeys sync.Map // seededKeyID -> *seededKey

type seededKeyID struct {
	seed            uint64
	account, region string
}

type seededKey struct {
	once sync.Once
	key  *rsa.PrivateKey
}

// keyFromSeed returns the 2048-bit RSA signing key derived from seed, account
// and Region. crypto/rsa.GenerateKey cannot be used: it ignores its random
// source, so its keys cannot be reproduced. The primes come from a ChaCha8
// stream seeded with a hash of the inputs; the key is as strong as a 64-bit
// seed, which is why the stack derives it only for seeded (test) stacks.
func keyFromSeed(seed uint64, account, region string) *rsa.PrivateKey {
	v, _ := seededKeys.LoadOrStore(seededKeyID{seed, account, region}, &seededKey{})
	sk := v.(*seededKey)
	sk.once.Do(func() { sk.key = deriveKey(seed, account, region) })
	return sk.key
}

func deriveKey(seed uint64, account, region string) *rsa.PrivateKey {
	const bits = 2048
	h := sha256.Sum256(fmt.Appendf(nil, "localwatch/sns/signing-key/%d/%s/%s", seed, account, region))
	rng := rand.NewChaCha8(h)
	e := big.NewInt(65537)
	one := big.NewInt(1)
	for {
		p, q := seededPrime(rng, bits/2), seededPrime(rng, bits/2)
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

// seededPrime returns a prime of exactly bits bits with its top two bits set
// (so a product of two has 2*bits bits), searching upwards from a random odd
// start.
func seededPrime(rng *rand.ChaCha8, bits int) *big.Int {
	buf := make([]byte, bits/8)
	two := big.NewInt(2)
	for {
		for i := 0; i < len(buf); i += 8 {
			binary.LittleEndian.PutUint64(buf[i:], rng.Uint64())
		}
		buf[0] |= 0xc0
		buf[len(buf)-1] |= 1
		p := new(big.Int).SetBytes(buf)
		for range 4096 {
			if p.BitLen() == bits && p.ProbablyPrime(20) {
				return p
			}
			p.Add(p, two)
		}
	}
}
