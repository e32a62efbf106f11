package trail

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/seededkey"
)

// SignatureAlgorithm is the digest signature algorithm CloudTrail uses.
const SignatureAlgorithm = "SHA256withRSA"

// signingKey is one Region's digest signing key.
type signingKey struct {
	priv        *rsa.PrivateKey
	der         []byte // PKCS #1 RSAPublicKey DER, as ListPublicKeys returns it
	fingerprint string // hex MD5 of der
	created     time.Time
}

// keyBits is the RSA modulus size (AWS's digest keys are 2048-bit).
const keyBits = 2048

// noteRegion records when a Region's Service began: its key is valid from
// then, even though it is generated only when first needed.
func (sh *Shared) noteRegion(account, region string, now time.Time) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.since == nil {
		sh.since = make(map[string]time.Time)
	}
	k := account + "/" + region
	if t, ok := sh.since[k]; !ok || now.Before(t) {
		sh.since[k] = now.UTC().Truncate(time.Second)
	}
}

// regionKey returns the signing key of a Region, generating it on first use.
// now becomes the key's ValidityStartTime.
func (sh *Shared) regionKey(account, region string, now time.Time) *signingKey {
	k, seed := sh.cachedKey(account, region)
	if k != nil {
		return k
	}
	// Generated deterministically from (KeySeed, account, Region), once per
	// process (a few hundred milliseconds).
	priv := seededkey.RSA(fmt.Sprintf("localwatch/trail/digest-key/%d/%s/%s/%d", seed, account, region, keyBits), keyBits)
	der := x509.MarshalPKCS1PublicKey(&priv.PublicKey)
	sum := md5.Sum(der)
	nk := &signingKey{priv: priv, der: der, fingerprint: hex.EncodeToString(sum[:]), created: now.UTC().Truncate(time.Second)}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if t, ok := sh.since[account+"/"+region]; ok && t.Before(nk.created) {
		nk.created = t // valid since the Region's Service began
	}
	if k := sh.keys[account+"/"+region]; k != nil {
		return k
	}
	sh.keys[account+"/"+region] = nk
	return nk
}

func (sh *Shared) cachedKey(account, region string) (*signingKey, uint64) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.keys == nil {
		sh.keys = make(map[string]*signingKey)
	}
	return sh.keys[account+"/"+region], sh.KeySeed
}

// sign signs the digest string to sign with RSA PKCS #1 v1.5 over SHA-256.
func (k *signingKey) sign(msg []byte) ([]byte, error) {
	h := sha256.Sum256(msg)
	return rsa.SignPKCS1v15(nil, k.priv, crypto.SHA256, h[:])
}

// PublicKey is a digest-signing public key (ListPublicKeys).
type PublicKey struct {
	// Value is the DER-encoded PKCS #1 RSAPublicKey (base64 in JSON).
	Value             []byte
	ValidityStartTime time.Time
	ValidityEndTime   time.Time
	// Fingerprint is the lower-case hex MD5 of Value; digest files name it in
	// digestPublicKeyFingerprint.
	Fingerprint string
}

// ListPublicKeysInput is the ListPublicKeys request.
type ListPublicKeysInput struct {
	StartTime *time.Time `json:",omitempty"`
	EndTime   *time.Time `json:",omitempty"`
	NextToken *string    `json:",omitempty"`
}

// ListPublicKeysOutput is the ListPublicKeys response.
type ListPublicKeysOutput struct {
	PublicKeyList []PublicKey
	NextToken     *string `json:",omitempty"`
}

// ListPublicKeys returns the public keys whose validity overlaps the time
// range (default: now) in this Region. This model has one key per Region,
// generated deterministically from Shared.KeySeed when first needed and never
// rotated: its ValidityStartTime is when the Region's first Service was
// created and its ValidityEndTime the current time.
func (s *Service) ListPublicKeys(ctx context.Context, in ListPublicKeysInput) (out *ListPublicKeysOutput, err error) {
	if err := s.begin(&ctx); err != nil {
		return nil, err
	}
	params := map[string]any{}
	if in.StartTime != nil {
		params["startTime"] = in.StartTime.UTC().Format(TimeFormat)
	}
	if in.EndTime != nil {
		params["endTime"] = in.EndTime.UTC().Format(TimeFormat)
	}
	defer func() {
		s.rec.Record(ctx, event.Call{Name: "ListPublicKeys", ReadOnly: true, RequestParameters: params}, err)
	}()
	now := s.clock.Now().UTC()
	start, end := now, now
	if in.StartTime != nil {
		start = *in.StartTime
	}
	if in.EndTime != nil {
		end = *in.EndTime
	}
	if start.After(end) {
		return nil, awserr.New("InvalidTimeRangeException", "Start time %s is after end time %s.", start.Format(TimeFormat), end.Format(TimeFormat))
	}
	if in.NextToken != nil {
		return nil, awserr.New("InvalidTokenException", "Invalid NextToken %q.", *in.NextToken)
	}
	k := s.shared.regionKey(s.account, s.region, now)
	out = &ListPublicKeysOutput{PublicKeyList: []PublicKey{}}
	validTo := now.Truncate(time.Second)
	if validTo.Before(k.created) {
		validTo = k.created
	}
	if !k.created.After(end) && !validTo.Before(start.Truncate(time.Second)) {
		out.PublicKeyList = append(out.PublicKeyList, PublicKey{
			Value: append([]byte(nil), k.der...), ValidityStartTime: k.created, ValidityEndTime: validTo, Fingerprint: k.fingerprint,
		})
	}
	return out, nil
}
