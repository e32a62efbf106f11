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
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/internal/seededkey"
)

// SignatureAlgorithm is the digest signature algorithm CloudTrail uses.
const SignatureAlgorithm = "SHA256withRSA"

// signingKey is one Region's digest signing key for one validity window.
type signingKey struct {
	priv        *rsa.PrivateKey
	der         []byte // PKCS #1 RSAPublicKey DER, as ListPublicKeys returns it
	fingerprint string // hex MD5 of der
	created     time.Time
	expires     time.Time
}

// keyBits is the RSA modulus size (AWS's digest keys are 2048-bit).
const keyBits = 2048

// KeyRotation is how long a Region's digest signing key is used before the
// next one takes over: AWS's list-public-keys example returns a key with
// ValidityStartTime 1453076702 and ValidityEndTime 1455668702, exactly 30
// days apart. Windows are contiguous and start when the Region's first
// Service was created.
const KeyRotation = 30 * 24 * time.Hour

// noteRegion records when a Region's Service began: its first key is valid
// from then, even though it is generated only when first needed.
func (sh *Shared) noteRegion(account, region string, now time.Time) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.since == nil {
		sh.since = make(map[string]time.Time)
	}
	k := account + "/" + region
	if _, ok := sh.since[k]; !ok {
		sh.since[k] = now.UTC().Truncate(time.Second)
	}
}

// keyWindow returns the index of the key window holding t and the Region's
// first window start.
func (sh *Shared) keyWindow(account, region string, t time.Time) (int64, time.Time) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.since == nil {
		sh.since = make(map[string]time.Time)
	}
	since, ok := sh.since[account+"/"+region]
	if !ok {
		since = t.UTC().Truncate(time.Second)
		sh.since[account+"/"+region] = since
	}
	if !t.After(since) {
		return 0, since
	}
	// time.Time.Sub saturates instead of overflowing, so a far clock gives a
	// far window, never a negative one.
	return int64(t.Sub(since) / KeyRotation), since
}

// regionKey returns the signing key of a Region whose window holds t,
// generating it on first use.
func (sh *Shared) regionKey(account, region string, t time.Time) *signingKey {
	w, since := sh.keyWindow(account, region, t)
	return sh.windowKey(account, region, w, since)
}

func (sh *Shared) windowKey(account, region string, w int64, since time.Time) *signingKey {
	id := fmt.Sprintf("%s/%s/%d", account, region, w)
	k, seed := sh.cachedKey(id)
	if k != nil {
		return k
	}
	// Generated deterministically from (KeySeed, account, Region, window),
	// once per process (a few hundred milliseconds).
	label := fmt.Sprintf("localwatch/trail/digest-key/%d/%s/%s/%d", seed, account, region, keyBits)
	if w > 0 {
		label += fmt.Sprintf("/%d", w)
	}
	priv := seededkey.RSA(label, keyBits)
	der := x509.MarshalPKCS1PublicKey(&priv.PublicKey)
	sum := md5.Sum(der)
	start := since.Add(time.Duration(w) * KeyRotation)
	nk := &signingKey{priv: priv, der: der, fingerprint: hex.EncodeToString(sum[:]), created: start, expires: start.Add(KeyRotation)}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if k := sh.keys[id]; k != nil {
		return k
	}
	sh.keys[id] = nk
	return nk
}

func (sh *Shared) cachedKey(id string) (*signingKey, uint64) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.keys == nil {
		sh.keys = make(map[string]*signingKey)
	}
	return sh.keys[id], sh.KeySeed
}

// publicKeys returns the Region's keys whose windows overlap [start, end],
// up to the window holding now (no key exists before it is used).
func (sh *Shared) publicKeys(account, region string, start, end, now time.Time) []PublicKey {
	end = minTime(end, now)
	if end.Before(start) {
		return nil
	}
	first, since := sh.keyWindow(account, region, start)
	last, _ := sh.keyWindow(account, region, end)
	var out []PublicKey
	for w := first; w <= last; w++ {
		k := sh.windowKey(account, region, w, since)
		if k.expires.Before(start) || k.created.After(end) {
			continue
		}
		out = append(out, PublicKey{Value: append([]byte(nil), k.der...), ValidityStartTime: k.created, ValidityEndTime: k.expires, Fingerprint: k.fingerprint})
	}
	return out
}

// sign signs the digest string to sign with RSA PKCS #1 v1.5 over SHA-256.
func (k *signingKey) sign(msg []byte) ([]byte, error) {
	h := sha256.Sum256(msg)
	return rsa.SignPKCS1v15(nil, k.priv, crypto.SHA256, h[:])
}

// ListPublicKeys returns the public keys whose validity overlaps the time
// range (default: now) in this Region, oldest first. Each Region's key is
// rotated every 30 days ([KeyRotation]) from when the Region's first Service
// was created; each is generated deterministically from Shared.KeySeed when
// first needed and is listed with its whole 30-day window, as AWS lists the
// current key. Keys of windows that have not begun are not listed.
func (s *Service) ListPublicKeys(ctx context.Context, in ListPublicKeysInput) (*ListPublicKeysOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListPublicKeys", ReadOnly: true}, in, s.listPublicKeys)
}

func (s *Service) listPublicKeys(ctx context.Context, call *event.Call, in ListPublicKeysInput) (out *ListPublicKeysOutput, err error) {
	params := map[string]any{}
	if in.StartTime != nil {
		params["startTime"] = in.StartTime.UTC().Format(TimeFormat)
	}
	if in.EndTime != nil {
		params["endTime"] = in.EndTime.UTC().Format(TimeFormat)
	}
	call.RequestParameters = params
	now := s.op.Clock.Now().UTC()
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
	if in.NextToken != "" {
		return nil, awserr.New("InvalidTokenException", "Invalid NextToken %q.", in.NextToken)
	}
	out = &ListPublicKeysOutput{PublicKeyList: []PublicKey{}}
	out.PublicKeyList = append(out.PublicKeyList, s.shared.publicKeys(s.op.AccountID, s.op.Region, start.Truncate(time.Second), end, now)...)
	return out, nil
}
