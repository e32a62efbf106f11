package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// signV4 signs r (whose body is body) with AWS Signature Version 4 for
// service in region, as the SDKs do, signing host, content-type and
// x-amz-date. It is the test's own small signer, so the root module needs no
// SDK.
func signV4(r *http.Request, body []byte, akid, secret, region, service string, now time.Time) {
	amzDate := now.UTC().Format("20060102T150405Z")
	day := amzDate[:8]
	r.Header.Set("X-Amz-Date", amzDate)
	headers := []string{"content-type", "host", "x-amz-date"}
	values := map[string]string{"content-type": r.Header.Get("Content-Type"), "host": r.Host, "x-amz-date": amzDate}
	if values["host"] == "" {
		values["host"] = r.URL.Host
	}
	var canonHeaders strings.Builder
	for _, h := range headers {
		canonHeaders.WriteString(h + ":" + strings.TrimSpace(values[h]) + "\n")
	}
	signed := strings.Join(headers, ";")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canon := strings.Join([]string{r.Method, path, canonicalQuery(r.URL.Query()), canonHeaders.String(), signed, hexSHA(body)}, "\n")
	scope := day + "/" + region + "/" + service + "/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hexSHA([]byte(canon))
	k := hmacSHA([]byte("AWS4"+secret), day)
	k = hmacSHA(k, region)
	k = hmacSHA(k, service)
	k = hmacSHA(k, "aws4_request")
	sig := hex.EncodeToString(hmacSHA(k, toSign))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+akid+"/"+scope+", SignedHeaders="+signed+", Signature="+sig)
}

func canonicalQuery(q url.Values) string {
	enc := strings.ReplaceAll(q.Encode(), "+", "%20")
	return strings.ReplaceAll(enc, "%7E", "~")
}

func hexSHA(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func hmacSHA(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}
