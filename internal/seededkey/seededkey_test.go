package seededkey

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSameLabelSameKeyOtherLabelOtherKey(t *testing.T) {
	a := RSA("test/a", 1024)
	require.Same(t, a, RSA("test/a", 1024), "memoized")
	require.True(t, a.Equal(derive("test/a", 1024)), "deterministic, not only memoized")
	require.False(t, a.Equal(RSA("test/b", 1024)))
	require.Equal(t, 1024, a.N.BitLen())
	require.NoError(t, a.Validate())
	h := sha256.Sum256([]byte("msg"))
	sig, err := rsa.SignPKCS1v15(nil, a, crypto.SHA256, h[:])
	require.NoError(t, err)
	require.NoError(t, rsa.VerifyPKCS1v15(&a.PublicKey, crypto.SHA256, h[:], sig))
}

// primeUnsieved is prime before the sieve: the keys (digest signatures that
// tests and users reproduce byte for byte) must not change with it.
func primeUnsieved(rng *rand.ChaCha8, bits int) *big.Int {
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

func TestSievedPrimeSearchFindsTheSamePrimes(t *testing.T) {
	for _, bits := range []int{64, 256, 1024} {
		for i := range 6 {
			seed := sha256.Sum256(fmt.Appendf(nil, "sieve/%d/%d", bits, i))
			a, b := rand.NewChaCha8(seed), rand.NewChaCha8(seed)
			for range 2 {
				require.Equal(t, primeUnsieved(a, bits).String(), prime(b, bits).String(), "bits %d seed %d", bits, i)
			}
		}
	}
}

func TestSmallPrimesAreSieved(t *testing.T) {
	ps := smallPrimes()
	require.Equal(t, []uint32{3, 5, 7, 11, 13}, ps[:5])
	require.Equal(t, uint32(65521), ps[len(ps)-1])
	for _, q := range ps[:200] {
		require.True(t, big.NewInt(int64(q)).ProbablyPrime(20), q)
	}
}
