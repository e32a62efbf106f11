package awsapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 12, 7, 14, 5, 0, 0, time.UTC)

type rig struct {
	acct  *localwatch.Account
	clock *localwatch.ManualClock
	h     *Handler
}

func newRig(t testing.TB, opts Options) *rig {
	t.Helper()
	clock := localwatch.NewManualClock(t0)
	acct, err := localwatch.NewAccount(localwatch.Options{Regions: []string{"us-east-1", "eu-west-1"}, Clock: clock, IDSeed: 7})
	require.NoError(t, err)
	t.Cleanup(acct.Close)
	if opts.RequestIDs == nil {
		opts.RequestIDs = localwatch.NewIDSource(99)
	}
	return &rig{acct: acct, clock: clock, h: NewHandler(acct, opts)}
}

// authz is an Authorization header for key in region and service with a
// signature that only strict mode checks.
func authz(key, region, service string) string {
	return "AWS4-HMAC-SHA256 Credential=" + key + "/20261207/" + region + "/" + service + "/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
}

type req struct {
	method, path string
	header       map[string]string
	body         []byte
}

func jsonReq(target, body string) req {
	v := "1.1"
	if strings.HasPrefix(target, "Granite") {
		v = "1.0"
	}
	svc := map[string]string{"Granite": "monitoring", "Logs_2": "logs", "com.am": "cloudtrail", "CloudT": "cloudtrail", "Starli": "config"}[target[:6]]
	return req{"POST", "/", map[string]string{"X-Amz-Target": target, "Content-Type": "application/x-amz-json-" + v,
		"Authorization": authz("AKIDTEST", "us-east-1", svc)}, []byte(body)}
}

func cborReq(op string, body []byte) req {
	return req{"POST", "/service/GraniteServiceVersion20100801/operation/" + op, map[string]string{"Smithy-Protocol": "rpc-v2-cbor",
		"Content-Type": "application/cbor", "Accept": "application/cbor", "Authorization": authz("AKIDTEST", "us-east-1", "monitoring")}, body}
}

func queryReq(service, body string) req {
	return req{"POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
		"Authorization": authz("AKIDTEST", "us-east-1", service)}, []byte(body)}
}

func (r *rig) do(t testing.TB, q req) *http.Response {
	t.Helper()
	hr := httptest.NewRequest(q.method, "http://localhost:4566"+q.path, bytes.NewReader(q.body))
	hr.RemoteAddr = "203.0.113.9:5555"
	hr.Header.Set("User-Agent", "test-agent/1.0")
	hr.Header.Set("X-Amz-Date", "20261207T140500Z")
	for k, v := range q.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, hr)
	return w.Result()
}

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }
