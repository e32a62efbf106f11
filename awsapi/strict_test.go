package awsapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignatureAWSTestSuite checks the verifier against get-vanilla from
// AWS's Signature Version 4 test suite.
func TestSignatureAWSTestSuite(t *testing.T) {
	r := httptest.NewRequest("GET", "http://example.amazonaws.com/", nil)
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	sig, err := parseSignature(r)
	require.NoError(t, err)
	assert.Equal(t, "AKIDEXAMPLE", sig.accessKey)
	assert.Equal(t, "us-east-1", sig.region)
	assert.True(t, sig.verify(r, nil, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
	assert.False(t, sig.verify(r, nil, "wrong"))
}

type capturedRequest struct {
	Host, Path string
	Headers    map[string]string
	Body       string
}

// TestStrictModeWithCLISignatures replays requests signed by the aws CLI
// (key "test", secret "test") in strict mode.
func TestStrictModeWithCLISignatures(t *testing.T) {
	var reqs []capturedRequest
	require.NoError(t, json.Unmarshal(testdata(t, "sigv4-cli-requests.json"), &reqs))
	signedAt := time.Date(2026, 12, 7, 14, 26, 0, 0, time.UTC)
	build := func(c capturedRequest, body string) *http.Request {
		r := httptest.NewRequest("POST", "http://"+c.Host+c.Path, strings.NewReader(body))
		for k, v := range c.Headers {
			r.Header.Set(k, v)
		}
		return r
	}
	creds := map[string]Credential{"test": {SecretAccessKey: "test", Identity: localwatch.IAMUser("123456789012", "alice", "test")}}
	cases := []struct {
		name   string
		opts   Options
		at     time.Time
		tamper func(*http.Request, *string)
		status int
		code   string
	}{
		{"a correct signature is accepted", Options{Strict: true, Credentials: creds}, signedAt, nil, 200, ""},
		{"an unknown key is rejected", Options{Strict: true}, signedAt, nil, 0, "security token"},
		{"a wrong secret is SignatureDoesNotMatch", Options{Strict: true, Credentials: map[string]Credential{"test": {SecretAccessKey: "nope"}}}, signedAt, nil, 403, "signature"},
		{"a changed body is SignatureDoesNotMatch", Options{Strict: true, Credentials: creds}, signedAt, func(_ *http.Request, b *string) { *b += "&x" }, 403, "signature"},
		{"a request signed 16 minutes ago has expired", Options{Strict: true, Credentials: creds}, signedAt.Add(16 * time.Minute), nil, 400, "expired"},
		{"non-strict mode does not check signatures", Options{Credentials: map[string]Credential{"test": {SecretAccessKey: "nope"}}}, signedAt, nil, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, cr := range reqs {
				r := newRig(t, c.opts)
				r.clock.Set(c.at)
				body := cr.Body
				if c.tamper != nil {
					c.tamper(nil, &body)
				}
				hr := build(cr, body)
				w := httptest.NewRecorder()
				r.h.ServeHTTP(w, hr)
				if c.status != 0 {
					assert.Equal(t, c.status, w.Code, "%s", w.Body)
				} else {
					assert.Contains(t, []int{400, 403}, w.Code)
				}
				if c.code != "" {
					assert.Contains(t, strings.ToLower(w.Body.String()), c.code)
				}
			}
		})
	}
}

func TestStrictModePresignedURL(t *testing.T) {
	url := strings.TrimSpace(string(testdata(t, "sigv4-cli-presigned.txt")))
	creds := map[string]Credential{"test": {SecretAccessKey: "test"}}
	signedAt := time.Date(2026, 12, 7, 14, 29, 5, 0, time.UTC)
	for _, c := range []struct {
		name   string
		at     time.Time
		status int
	}{
		{"within X-Amz-Expires", signedAt.Add(time.Minute), 200},
		{"past X-Amz-Expires is RequestExpired", signedAt.Add(6 * time.Minute), 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, Options{Strict: true, Credentials: creds})
			r.clock.Set(c.at)
			w := httptest.NewRecorder()
			// botocore signs query-protocol presigned URLs for POST.
			r.h.ServeHTTP(w, httptest.NewRequest("POST", url, nil))
			assert.Equal(t, c.status, w.Code, "%s", w.Body)
			if c.status == 400 {
				assert.Contains(t, w.Body.String(), "<Code>RequestExpired</Code>")
			}
		})
	}
}
