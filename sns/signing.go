package sns

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"sync"
	"time"
)

// signerHolder lazily builds the service's signing key and self-signed
// certificate. The key is Options.SigningKey, the key derived from
// Options.SigningKeySeed, or a 2048-bit RSA key from crypto/rand; the
// certificate is created once, valid from the service clock's time when the
// service was built for ten years, with a serial number derived from the
// key, so with a fixed (or seeded) key the certificate and every signature
// are byte-identical across runs, whenever the certificate is first needed.
type signerHolder struct {
	once    sync.Once
	key     *rsa.PrivateKey
	seed    uint64    // Options.SigningKeySeed
	built   time.Time // the service clock's time when New built the service
	cert    *x509.Certificate
	certPEM []byte
	file    string // SimpleNotificationService-<md5>.pem
	err     error
}

func (s *Service) signer() (*signerHolder, error) {
	h := &s.sign
	h.once.Do(func() {
		if h.key == nil && h.seed != 0 {
			h.key = keyFromSeed(h.seed, s.op.AccountID, s.op.Region)
		}
		if h.key == nil {
			h.key, h.err = rsa.GenerateKey(rand.Reader, 2048)
			if h.err != nil {
				return
			}
		}
		// The certificate depends on nothing but the key and the time the
		// service was built, not on when it is first needed: its first use
		// may be outside any operation (SigningCertURL called before a
		// message was signed), which an account's journal does not replay,
		// so drawing an ID or reading the clock here would make a reopened
		// account's certificate (and the IDs after it) differ.
		now := h.built.Truncate(time.Second)
		keySum := sha256.Sum256(h.key.PublicKey.N.Bytes())
		serial := new(big.Int).SetUint64(binary.BigEndian.Uint64(keySum[:8]) >> 1)
		tmpl := &x509.Certificate{
			SerialNumber:          serial,
			Subject:               pkix.Name{CommonName: "sns." + s.op.Region + ".amazonaws.com", Organization: []string{"localwatch"}},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.AddDate(10, 0, 0),
			KeyUsage:              x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
		}
		var der []byte
		der, h.err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &h.key.PublicKey, h.key)
		if h.err != nil {
			return
		}
		h.cert, h.err = x509.ParseCertificate(der)
		h.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		sum := md5.Sum(der)
		h.file = "SimpleNotificationService-" + hex.EncodeToString(sum[:]) + ".pem"
	})
	return h, h.err
}

// SigningCertificate returns the certificate whose key signs this service's
// messages (generating the key on first use).
func (s *Service) SigningCertificate() (*x509.Certificate, error) {
	h, err := s.signer()
	if err != nil {
		return nil, err
	}
	return h.cert, nil
}

// SigningCertificatePEM returns the signing certificate in PEM form, as served
// at SigningCertURL.
func (s *Service) SigningCertificatePEM() ([]byte, error) {
	h, err := s.signer()
	if err != nil {
		return nil, err
	}
	return h.certPEM, nil
}

// SigningCertURL returns the URL messages name as SigningCertURL:
// <Endpoint>/SimpleNotificationService-<md5 of the certificate>.pem.
func (s *Service) SigningCertURL() (string, error) {
	h, err := s.signer()
	if err != nil {
		return "", err
	}
	return s.endpoint + "/" + h.file, nil
}
