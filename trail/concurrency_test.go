package trail

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentUse records, looks up, manages trails and moves the clock from
// several goroutines (run with -race); the delivered files must still validate.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	e.trail(t, "audit", true)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				switch w {
				case 0, 1:
					e.call("PutMetricAlarm", false)
				case 2:
					_, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{MaxResults: ptr[int32](5),
						LookupAttributes: []LookupAttribute{{AttributeKey: LookupUsername, AttributeValue: "alice"}}})
					assert.NoError(t, err)
				case 3:
					if i%10 == 0 {
						_, _ = e.svc.GetTrailStatus(e.ctx, GetTrailStatusInput{Name: "audit"})
						_, _ = e.svc.DescribeTrails(e.ctx, DescribeTrailsInput{})
					}
					e.clk.Advance(time.Minute)
				}
			}
		}()
	}
	wg.Wait()
	e.clk.Advance(time.Hour)
	rep, err := e.svc.ValidateLogs(context.Background(), ValidateLogsInput{TrailName: "audit", StartTime: t0})
	require.NoError(t, err)
	assert.True(t, rep.OK())
	assert.Positive(t, rep.ValidLogs)
}

func FuzzLookupToken(f *testing.F) {
	f.Add(encodeLookupToken(lookupToken{t: 5, seq: 9}))
	f.Add("")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		tok, ok := decodeLookupToken(s)
		if ok {
			assert.Equal(t, tok, mustDecode(t, encodeLookupToken(tok)))
		}
	})
}

func mustDecode(t *testing.T, s string) lookupToken {
	tok, ok := decodeLookupToken(s)
	require.True(t, ok)
	return tok
}

// FuzzDigestValidation feeds arbitrary (gzipped) digest bytes and metadata to
// the validator's digest loader: it must report, never panic.
func FuzzDigestValidation(f *testing.F) {
	f.Add([]byte(`{"digestPublicKeyFingerprint":"x","digestS3Bucket":"b","digestS3Object":"k","previousDigestSignature":null,"digestEndTime":"2026-01-01T00:00:00Z","digestStartTime":"2026-01-01T00:00:00Z","logFiles":[]}`), "00", true)
	f.Add([]byte(`{}`), "zz", false)
	f.Add([]byte(`not json`), "", true)
	f.Fuzz(func(t *testing.T, body []byte, sig string, compress bool) {
		store := &objstore.Memory{}
		if compress {
			body = gzipBytes(body)
		}
		_ = store.Put(context.Background(), objstore.Object{Bucket: "b", Key: "k", Body: body, Metadata: map[string]string{"signature": sig, "signature-algorithm": SignatureAlgorithm}})
		keys := map[string]PublicKey{"x": {Value: []byte{0x30, 0x00}, Fingerprint: "x"}}
		d, problem, missing := loadDigest(context.Background(), store, keys, "us-east-1", "b", "k")
		assert.False(t, missing)
		assert.True(t, d == nil || problem == "")
		assert.True(t, d != nil || problem != "")
	})
}
