package sns

import (
	"crypto/rsa"
	"fmt"

	"github.com/localwatch/localwatch/internal/seededkey"
)

// keyFromSeed returns the 2048-bit RSA signing key derived from seed, account
// and Region (memoized process-wide). The key is as strong as a 64-bit seed,
// which is why the stack derives it only for seeded (test) stacks.
func keyFromSeed(seed uint64, account, region string) *rsa.PrivateKey {
	return seededkey.RSA(fmt.Sprintf("localwatch/sns/signing-key/%d/%s/%s", seed, account, region), 2048)
}
