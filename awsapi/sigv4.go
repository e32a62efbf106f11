package awsapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// signature is what a request's AWS Signature Version 4 says: from the
// Authorization header (AWS4-HMAC-SHA256 Credential=AKID/date/region/
// service/aws4_request, SignedHeaders=..., Signature=...) or from a
// presigned URL's X-Amz-* query parameters.
type signature struct {
	accessKey, date, region, service string
	signedHeaders                    string // as signed: lower-case names joined by ';'
	signature                        string
	amzDate                          string // X-Amz-Date, 20060102T150405Z
	expires                          int    // presigned: X-Amz-Expires seconds
	presigned                        bool
}

const sigv4Algorithm = "AWS4-HMAC-SHA256"

// errMissingAuth and errBadAuth tell parseSignature's two failures apart:
// no signature at all (MissingAuthenticationToken) and one that cannot be
// read (IncompleteSignature).
type authError struct {
	missing bool
	msg     string
}

func (e *authError) Error() string { return e.msg }

func parseSignature(r *http.Request) (*signature, error) {
	if h := header(r.Header, "Authorization"); h != "" {
		alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
		if alg != sigv4Algorithm {
			return nil, &authError{msg: "Authorization header requires the AWS4-HMAC-SHA256 algorithm (Signature Version 4)."}
		}
		s := &signature{amzDate: header(r.Header, "X-Amz-Date")}
		var cred, signed string
		for part := range strings.SplitSeq(rest, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				cred = v
			case "SignedHeaders":
				signed = v
			case "Signature":
				s.signature = v
			}
		}
		return s, s.fill(cred, signed, "Authorization header")
	}
	q := r.URL.Query()
	if q.Get("X-Amz-Algorithm") == "" && q.Get("X-Amz-Credential") == "" {
		return nil, &authError{missing: true, msg: "Request is missing Authentication Token"}
	}
	if q.Get("X-Amz-Algorithm") != sigv4Algorithm {
		return nil, &authError{msg: "X-Amz-Algorithm must be AWS4-HMAC-SHA256."}
	}
	s := &signature{presigned: true, signature: q.Get("X-Amz-Signature"), amzDate: q.Get("X-Amz-Date")}
	if e := q.Get("X-Amz-Expires"); e != "" {
		n, err := strconv.Atoi(e)
		if err != nil || n < 0 {
			return nil, &authError{msg: "X-Amz-Expires must be a non-negative number of seconds."}
		}
		s.expires = n
	}
	return s, s.fill(q.Get("X-Amz-Credential"), q.Get("X-Amz-SignedHeaders"), "query string")
}

// header returns the first value of h under key, which must be in
// canonical form: Header.Get without canonicalizing the key again.
func header(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (s *signature) fill(cred, signed, where string) error {
	// AccessKeyId/date/region/service/aws4_request, cut without
	// allocating the parts.
	var parts [5]string
	rest, n := cred, 0
	for ; n < 5; n++ {
		var ok bool
		if parts[n], rest, ok = strings.Cut(rest, "/"); !ok {
			n++
			break
		}
	}
	if n != 5 || rest != "" || parts[0] == "" || parts[4] != "aws4_request" {
		return &authError{msg: where + " requires a Credential parameter of the form AccessKeyId/date/region/service/aws4_request."}
	}
	if signed == "" {
		return &authError{msg: where + " requires a SignedHeaders parameter."}
	}
	if s.signature == "" {
		return &authError{msg: where + " requires a Signature parameter."}
	}
	s.accessKey, s.date, s.region, s.service = parts[0], parts[1], parts[2], parts[3]
	s.signedHeaders = signed
	return nil
}

// requestTime returns X-Amz-Date (or the Date header).
func (s *signature) requestTime(r *http.Request) (time.Time, bool) {
	text := s.amzDate
	if text == "" {
		if t, err := http.ParseTime(r.Header.Get("Date")); err == nil {
			return t, true
		}
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405Z", text)
	return t, err == nil
}

// verify recomputes the signature with secret over the request as received
// (body is the raw, still compressed, body) and reports whether it matches.
func (s *signature) verify(r *http.Request, body []byte, secret string) bool {
	var cr strings.Builder
	cr.WriteString(r.Method)
	cr.WriteByte('\n')
	cr.WriteString(escapePath(r.URL.Path))
	cr.WriteByte('\n')
	cr.WriteString(canonicalQuery(r.URL.Query(), s.presigned))
	cr.WriteByte('\n')
	for h := range strings.SplitSeq(s.signedHeaders, ";") {
		cr.WriteString(h)
		cr.WriteByte(':')
		cr.WriteString(headerValue(r, h))
		cr.WriteByte('\n')
	}
	cr.WriteByte('\n')
	cr.WriteString(s.signedHeaders)
	cr.WriteByte('\n')
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		// Presigned URLs too: only S3 signs them with UNSIGNED-PAYLOAD.
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	cr.WriteString(payload)
	crHash := sha256.Sum256([]byte(cr.String()))
	scope := s.date + "/" + s.region + "/" + s.service + "/aws4_request"
	toSign := sigv4Algorithm + "\n" + s.amzDate + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])
	key := hmacSHA256([]byte("AWS4"+secret), s.date)
	key = hmacSHA256(key, s.region)
	key = hmacSHA256(key, s.service)
	key = hmacSHA256(key, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	return hmac.Equal([]byte(want), []byte(s.signature))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		if r.Host != "" {
			return r.Host
		}
		return r.URL.Host
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vals := r.Header.Values(name)
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

func canonicalQuery(q url.Values, presigned bool) string {
	type kv struct{ k, v string }
	var pairs []kv
	for k, vs := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, kv{uriEncode(k, true), uriEncode(v, true)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

func escapePath(p string) string {
	if p == "" {
		return "/"
	}
	return uriEncode(p, false)
}

// uriEncode is SigV4's URI encoding: every byte but the unreserved
// characters (and '/' in paths) as %XX with upper-case hex.
func uriEncode(s string, encodeSlash bool) string {
	const hexUpper = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexUpper[c>>4])
		b.WriteByte(hexUpper[c&15])
	}
	return b.String()
}
