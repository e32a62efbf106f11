package seededkey

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
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
