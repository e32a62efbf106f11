package awsapi

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
)

// Options configures a [Handler]. The zero value accepts any signed request
// as an IAM user of the account.
type Options struct {
	// Credentials maps access key IDs to who they are and their secrets.
	// A key not listed is, unless Strict, accepted as the IAM user
	// "localwatch" of the account (localwatch.IAMUser(account, "localwatch",
	// key)), which is what local tools expect of a local endpoint.
	Credentials map[string]Credential
	// Strict rejects keys not in Credentials (UnrecognizedClientException in
	// JSON and CBOR, InvalidClientTokenId in query), verifies each request's
	// SigV4 signature against the key's secret (InvalidSignatureException /
	// SignatureDoesNotMatch) and rejects requests signed more than 15 minutes
	// away from the stack's clock, or presigned URLs past X-Amz-Expires
	// (RequestExpired in query; InvalidSignatureException "Signature
	// expired" in JSON and CBOR), as AWS does.
	Strict bool
	// Logger, when set, receives one Debug line per request (operation,
	// status, request ID), a Warn line for each 5xx answer and an Error line
	// for a recovered panic.
	Logger *slog.Logger
	// RequestIDs generates request IDs (nil: random UUIDs). Give it a seeded
	// localwatch.NewIDSource for reproducible x-amzn-RequestId values.
	RequestIDs *localwatch.IDSource
}

// Credential is an access key's secret and the identity calls signed with it
// are made as (recorded by CloudTrail as userIdentity).
type Credential struct {
	SecretAccessKey string
	Identity        localwatch.Identity
}

// Handler serves every Region of an Account over AWS's wire protocols. It is
// safe for concurrent use.
type Handler struct {
	acct *localwatch.Account
	opts Options
	ids  *ids.Source // nil: random request IDs from newRequestID
	log  *slog.Logger
	// anyKey is the identity of a key not in Options.Credentials (without
	// its AccessKeyID), built once.
	anyKey localwatch.Identity
}

// NewHandler returns a Handler serving acct.
func NewHandler(acct *localwatch.Account, opts Options) *Handler {
	h := &Handler{acct: acct, opts: opts, ids: opts.RequestIDs, log: opts.Logger,
		anyKey: localwatch.IAMUser(acct.AccountID, "localwatch", "")}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	services() // build the operation tables now, not on the first request
	return h
}

// Transport returns an http.RoundTripper that hands each request to the
// handler in process: no socket, no goroutine (but for event stream
// operations such as StartLiveTail, served in a goroutine whose events the
// response body streams as they come). Point an SDK client's
// HTTPClient (with any endpoint URL) at it.
func (h *Handler) Transport() http.RoundTripper { return transport{h} }

// Client returns an *http.Client using [Handler.Transport].
func (h *Handler) Client() *http.Client { return &http.Client{Transport: h.Transport()} }

type transport struct{ h *Handler }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if r.Body == nil {
		r.Body = http.NoBody
	}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	r.RemoteAddr = "127.0.0.1:0"
	r.RequestURI = r.URL.RequestURI()
	if isStreamRequest(r) {
		return t.streamRoundTrip(req, r)
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	resp := rec.Result()
	resp.Request = req
	resp.ContentLength = int64(rec.Body.Len())
	return resp, nil
}

// requestID returns a new request ID: from Options.RequestIDs when set,
// else a random (version 4) UUID from the runtime's per-thread generator,
// with no lock and one allocation.
func (h *Handler) requestID() string {
	if h.ids != nil {
		return h.ids.UUID()
	}
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	return ids.FormatUUID(b)
}

// call is one request on its way through the handler.
type call struct {
	proto protocol
	svc   *service
	op    string
	reqID string
}

// ServeHTTP routes r by its protocol and signature and answers as AWS does.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{proto: protoQuery, reqID: h.requestID()}
	// Header keys in canonical form, set directly: what Header.Set would
	// do, without canonicalizing the key on every request.
	w.Header()["X-Amzn-Requestid"] = []string{c.reqID}
	defer func() {
		if p := recover(); p != nil {
			h.log.Error("awsapi: panic serving request", "op", c.op, "requestId", c.reqID, "panic", p)
			h.writeError(w, c, &awserr.Error{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure.", StatusCode: 500})
		}
	}()
	status := h.serve(w, r, c)
	if status >= 500 {
		h.log.Warn("awsapi: request failed", "op", c.op, "status", status, "requestId", c.reqID)
	} else if h.log.Enabled(r.Context(), slog.LevelDebug) {
		h.log.Debug("awsapi", "op", c.op, "status", status, "requestId", c.reqID)
	}
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, c *call) int {
	// Route by protocol.
	switch {
	case strings.HasPrefix(r.URL.Path, "/service/"):
		c.proto = protoCBOR
		rest := strings.TrimPrefix(r.URL.Path, "/service/")
		svcName, op, ok := strings.Cut(rest, "/operation/")
		c.op = op
		if c.svc = serviceByPrefix(svcName); c.svc == nil || !c.svc.speaks(protoCBOR) || !ok || op == "" {
			return h.writeError(w, c, unknownOperation(c, r.URL.Path))
		}
		if r.Method != http.MethodPost {
			return h.writeError(w, c, serialization("rpc-v2-cbor requests are POST, not %s.", r.Method))
		}
	case header(r.Header, "X-Amz-Target") != "":
		c.proto = protoJSON
		target := header(r.Header, "X-Amz-Target")
		i := strings.LastIndexByte(target, '.')
		if i < 0 {
			return h.writeError(w, c, unknownOperation(c, target))
		}
		c.op = target[i+1:]
		if c.svc = serviceByPrefix(target[:i]); c.svc == nil || !c.svc.speaks(protoJSON) {
			return h.writeError(w, c, unknownOperation(c, target))
		}
		if ct := mediaType(header(r.Header, "Content-Type")); ct != "application/x-amz-json-"+c.svc.model.JSONVersion && ct != "application/json" && !(ct == "" && r.ContentLength == 0) {
			return h.writeError(w, c, serialization("Content-Type %q is not supported; awsJson%s requests are application/x-amz-json-%s.", ct, strings.ReplaceAll(c.svc.model.JSONVersion, ".", "_"), c.svc.model.JSONVersion))
		}
	case h.snsDelegated(r):
		return h.serveSNS(w, r)
	}

	// Read the body: limit, then gzip.
	limit := int64(1 * mib)
	if c.svc != nil {
		limit = c.svc.bodyLimit
	}
	bb := bodyPool.Get().(*bodyBuf)
	defer bb.release()
	raw, body, err := readBody(r, limit, bb)
	if err != nil {
		return h.writeError(w, c, err)
	}

	var form url.Values
	var qr *queryReader // the one-pass form reader, when it read the form
	var version string
	if c.proto == protoQuery {
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			return h.writeError(w, c, &awserr.Error{Code: "InvalidAction", Message: "Method " + r.Method + " is not supported."})
		}
		ct := mediaType(header(r.Header, "Content-Type"))
		if len(body) > 0 && ct != "application/x-www-form-urlencoded" {
			return h.writeError(w, c, &awserr.Error{Code: "InvalidAction", Message: fmt.Sprintf("Content-Type %q is not supported; query requests are application/x-www-form-urlencoded.", ct)})
		}
		if r.URL.RawQuery == "" {
			qr = queryPool.Get().(*queryReader)
			defer qr.release()
			var ok bool
			if c.op, version, ok = qr.readForm(body); !ok {
				qr = nil
			}
		}
		if qr == nil {
			if form, err = parseForm(r, body); err != nil {
				return h.writeError(w, c, err)
			}
			c.op, version = form.Get("Action"), form.Get("Version")
		}
		if c.op == "" {
			return h.writeError(w, c, &awserr.Error{Code: "MissingAction", Message: "Missing Action"})
		}
	}

	// Authenticate: identity and Region from SigV4.
	sig, err := parseSignature(r)
	if err != nil {
		if c.svc == nil {
			c.svc = queryService("", version)
		}
		return h.writeError(w, c, authFailure(c, err))
	}
	if c.proto == protoQuery {
		if c.svc = queryService(sig.service, version); c.svc == nil {
			return h.writeError(w, c, &awserr.Error{Code: "InvalidAction", Message: fmt.Sprintf("The action %s is not valid for this web service.", c.op)})
		}
		if int64(len(raw)) > c.svc.bodyLimit || int64(len(body)) > c.svc.bodyLimit {
			return h.writeError(w, c, tooLarge(int64(max(len(raw), len(body))), c.svc.bodyLimit))
		}
	}
	stack := h.acct.Region(sig.region)
	if stack == nil {
		return h.writeError(w, c, h.authError(c, "InvalidSignatureException", "SignatureDoesNotMatch", 403,
			fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", sig.region)))
	}
	id, err := h.identify(r, c, sig, raw, stack)
	if err != nil {
		return h.writeError(w, c, err)
	}

	// Decode the input.
	op := c.svc.ops[c.op]
	if op == nil {
		return h.writeError(w, c, unknownOperation(c, c.op))
	}
	in := reflect.New(op.in)
	switch c.proto {
	case protoCBOR:
		if len(body) > 0 && mediaType(header(r.Header, "Content-Type")) != "application/cbor" {
			return h.writeError(w, c, serialization("Content-Type %q is not supported; rpc-v2-cbor requests are application/cbor.", header(r.Header, "Content-Type")))
		}
		err = decodeCBOR(body, in.Interface())
	case protoJSON:
		err = decodeJSON(body, in.Elem())
	case protoQuery:
		if qr != nil {
			if err = qr.decode(in.Elem()); err == errQuerySlow {
				in.Elem().SetZero()
				if form, err = parseForm(r, body); err == nil {
					err = decodeQuery(form, in.Elem())
				}
			}
		} else {
			err = decodeQuery(form, in.Elem())
		}
	}
	if err != nil {
		return h.writeError(w, c, err)
	}

	// Call.
	ctx := localwatch.WithIdentity(event.WithRequestID(r.Context(), c.reqID), id)
	res := op.fn.Call([]reflect.Value{op.recv(stack), reflect.ValueOf(ctx), in.Elem()})
	if e, _ := res[1].Interface().(error); e != nil {
		return h.writeError(w, c, e)
	}
	if op.stream {
		return h.writeStream(w, r, c, res[0])
	}
	if png, ok := rawPNG(c.op, in.Elem(), res[0]); ok {
		// GetMetricWidgetImage with OutputFormat image/png answers the PNG
		// itself, "intended only for custom HTTP requests" (API reference).
		w.Header()["Content-Type"] = []string{"image/png"}
		_, _ = w.Write(png)
		return http.StatusOK
	}
	return h.writeOutput(w, c, res[0])
}

// rawPNG returns the image of a GetMetricWidgetImage call that asked for
// OutputFormat "image/png".
func rawPNG(op string, in, out reflect.Value) ([]byte, bool) {
	if op != "GetMetricWidgetImage" {
		return nil, false
	}
	f := in.FieldByName("OutputFormat")
	if !f.IsValid() || f.Kind() != reflect.String || f.String() != "image/png" || out.Kind() != reflect.Pointer || out.IsNil() {
		return nil, false
	}
	img := out.Elem().FieldByName("MetricWidgetImage")
	if !img.IsValid() || img.Kind() != reflect.Slice || img.Type().Elem().Kind() != reflect.Uint8 {
		return nil, false
	}
	return img.Bytes(), true
}

// bodyBuf holds a request's body while it is served: the wire bytes and
// the gzip-decoded ones, with the gzip reader. They are pooled: nothing
// decoded from a body aliases it (the decoders copy every string and blob
// out), so the buffers are reused by the next request.
type bodyBuf struct {
	raw, dec bytes.Buffer
	zr       *gzip.Reader
	lr       io.LimitedReader // reading a body, so no reader is allocated per request
	br       bytes.Reader     // the wire bytes, for the gzip reader
}

var bodyPool = sync.Pool{New: func() any { return new(bodyBuf) }}

func (bb *bodyBuf) release() {
	if bb.raw.Cap() > 4*mib || bb.dec.Cap() > 4*mib {
		return // a rare big body: leave it to the garbage collector
	}
	bb.raw.Reset()
	bb.dec.Reset()
	bb.lr = io.LimitedReader{}
	bb.br.Reset(nil)
	bodyPool.Put(bb)
}

// readBody reads at most limit bytes of r's body (and of its gzip-decoded
// form) into bb: the wire bytes, for the signature, and the decoded ones.
func readBody(r *http.Request, limit int64, bb *bodyBuf) (raw, body []byte, err error) {
	if r.ContentLength > limit {
		return nil, nil, tooLarge(r.ContentLength, limit)
	}
	if r.Body == nil {
		return nil, nil, nil
	}
	if r.ContentLength > 0 {
		bb.raw.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	bb.lr = io.LimitedReader{R: r.Body, N: limit + 1}
	if _, err = bb.raw.ReadFrom(&bb.lr); err != nil {
		return nil, nil, serialization("The request body could not be read: %v.", err)
	}
	raw = bb.raw.Bytes()
	if int64(len(raw)) > limit {
		return nil, nil, tooLarge(int64(len(raw)), limit)
	}
	if r.ContentLength > 0 && int64(len(raw)) < r.ContentLength {
		return nil, nil, serialization("The request body is truncated: %d of %d bytes.", len(raw), r.ContentLength)
	}
	body = raw
	switch enc := strings.ToLower(strings.TrimSpace(header(r.Header, "Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		if bb.zr == nil {
			bb.zr = new(gzip.Reader)
		}
		bb.br.Reset(raw)
		if err := bb.zr.Reset(&bb.br); err != nil {
			return nil, nil, serialization("The gzip request body is malformed: %v.", err)
		}
		// The limit applies to the decoded body too: a small gzip body
		// must not expand into gigabytes.
		bb.lr = io.LimitedReader{R: bb.zr, N: limit + 1}
		if _, err := bb.dec.ReadFrom(&bb.lr); err != nil {
			return nil, nil, serialization("The gzip request body is malformed: %v.", err)
		}
		body = bb.dec.Bytes()
		if int64(len(body)) > limit {
			return nil, nil, tooLarge(int64(len(body)), limit)
		}
	default:
		return nil, nil, &awserr.Error{Code: "UnsupportedMediaType", Message: fmt.Sprintf("Content-Encoding %q is not supported (gzip is).", enc), StatusCode: 415}
	}
	return raw, body, nil
}

func mediaType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// identify returns who signed r, with the request's source IP and user
// agent, checking the key and signature in strict mode.
func (h *Handler) identify(r *http.Request, c *call, sig *signature, raw []byte, stack *localwatch.Stack) (localwatch.Identity, error) {
	cred, known := h.opts.Credentials[sig.accessKey]
	if h.opts.Strict {
		if !known {
			return localwatch.Identity{}, h.authError(c, "UnrecognizedClientException", "InvalidClientTokenId", 403,
				"The security token included in the request is invalid.")
		}
		t, ok := sig.requestTime(r)
		now := stack.Clock.Now()
		switch {
		case !ok:
			return localwatch.Identity{}, h.authError(c, "IncompleteSignatureException", "IncompleteSignature", 400,
				"Authorization requires an X-Amz-Date or Date header.")
		case sig.presigned && now.After(t.Add(time.Duration(sig.expires)*time.Second)):
			return localwatch.Identity{}, h.authError(c, "InvalidSignatureException", "RequestExpired", 400,
				fmt.Sprintf("Request has expired. Signed at %s, expired after %d seconds.", sig.amzDate, sig.expires))
		case !sig.presigned && (t.Before(now.Add(-15*time.Minute)) || t.After(now.Add(15*time.Minute))):
			return localwatch.Identity{}, h.authError(c, "InvalidSignatureException", "RequestExpired", 400,
				fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)", sig.amzDate,
					now.Add(-15*time.Minute).UTC().Format("20060102T150405Z"), now.UTC().Format("20060102T150405Z")))
		}
		if !sig.verify(r, raw, cred.SecretAccessKey) {
			return localwatch.Identity{}, h.authError(c, "InvalidSignatureException", "SignatureDoesNotMatch", 403,
				"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
		}
	}
	id := cred.Identity
	if !known || id.Type == "" {
		id = h.anyKey
		id.AccessKeyID = sig.accessKey
	}
	if id.AccessKeyID == "" {
		id.AccessKeyID = sig.accessKey
	}
	id.SourceIPAddress = clientIP(r.RemoteAddr)
	id.UserAgent = r.UserAgent()
	return id, nil
}

func clientIP(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	if remote == "" {
		return "127.0.0.1"
	}
	return remote
}

// writeOutput encodes a successful operation's output in c's protocol.
// jsonContentType is awsJson's Content-Type for a JSON version, as a
// header value.
func jsonContentType(version string) []string {
	switch version {
	case "1.0":
		return hdrJSON10
	case "1.1":
		return hdrJSON11
	}
	return []string{"application/x-amz-json-" + version}
}

// Answer header values shared by every response, so that setting them
// allocates nothing: net/http and httptest only read them, and Header.Set
// and Add replace a value slice or append past its length (cap == len)
// rather than write into it.
var (
	hdrCBOR       = []string{"application/cbor"}
	hdrSmithyCBOR = []string{"rpc-v2-cbor"}
	hdrXML        = []string{"text/xml"}
	hdrJSON10     = []string{"application/x-amz-json-1.0"}
	hdrJSON11     = []string{"application/x-amz-json-1.1"}
)

// The encoders write into pooled buffers: the ResponseWriter copies.
var outPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (h *Handler) writeOutput(w http.ResponseWriter, c *call, out reflect.Value) int {
	buf := outPool.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= 4*mib {
			outPool.Put(buf)
		}
	}()
	switch c.proto {
	case protoCBOR:
		hd := w.Header()
		hd["Smithy-Protocol"] = hdrSmithyCBOR
		hd["Content-Type"] = hdrCBOR
		*buf = appendCBORPlanned((*buf)[:0], out, decPlanFor(out.Type()))
		_, _ = w.Write(*buf)
	case protoJSON:
		w.Header()["Content-Type"] = jsonContentType(c.svc.model.JSONVersion)
		*buf = appendJSONPlanned((*buf)[:0], out, decPlanFor(out.Type()))
		_, _ = w.Write(*buf)
	case protoQuery:
		w.Header()["Content-Type"] = hdrXML
		b := (*buf)[:0]
		b = append(b, `<`...)
		b = append(b, c.op...)
		b = append(b, `Response xmlns="`...)
		b = append(b, c.svc.model.XMLNamespace...)
		b = append(b, `">`...)
		// AWS writes <OpResult> for every operation whose output has a
		// resultWrapper, even an empty one (<TagResourceResult/>), and the
		// SDKs' query deserializers expect it; operations without output
		// answer only ResponseMetadata.
		if c.svc.wrapped[c.op] || out.Elem().NumField() > 0 {
			b = append(append(append(b, '<'), c.op...), "Result>"...)
			b = appendXMLMembers(b, out)
			b = append(append(append(b, "</"...), c.op...), "Result>"...)
		}
		b = append(b, "<ResponseMetadata><RequestId>"...)
		b = append(b, c.reqID...)
		b = append(b, "</RequestId></ResponseMetadata></"...)
		b = append(append(b, c.op...), "Response>"...)
		*buf = b
		_, _ = w.Write(b)
	}
	return http.StatusOK
}

// decodeJSON decodes an awsJson body into dst (a zero Input). An empty
// body is an empty input. The one-pass jsonReader (jsondec.go) decodes what
// it can; otherwise decodeJSONReference does, and decides the error.
func decodeJSON(body []byte, dst reflect.Value) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if decodeJSONFast(body, dst) == nil {
		return nil
	}
	dst.SetZero()
	return decodeJSONReference(body, dst)
}

// decodeJSONReference decodes body with encoding/json into a tree, then
// assigns the tree to dst.
func decodeJSONReference(body []byte, dst reflect.Value) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var tree any
	if err := d.Decode(&tree); err != nil {
		return &decodeError{msg: "malformed JSON: " + err.Error()}
	}
	if _, err := d.Token(); err != io.EOF {
		return &decodeError{msg: "malformed JSON: data after the top-level value"}
	}
	if _, ok := tree.(map[string]any); !ok {
		return typeErr("", "a structure", tree)
	}
	return assign(dst, tree, "", false)
}

// parseForm parses an awsQuery body into a map, with the URL's query
// parameters that the body does not have.
func parseForm(r *http.Request, body []byte) (url.Values, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, &awserr.Error{Code: "MalformedQueryString", Message: "The request body is not a valid form: " + err.Error()}
	}
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	return form, nil
}

// decodeQuery decodes awsQuery form parameters into dst.
func decodeQuery(form url.Values, dst reflect.Value) error {
	tree := map[string]any{}
	for k, vs := range form {
		if k == "Action" || k == "Version" || strings.HasPrefix(k, "X-Amz-") {
			continue
		}
		node := tree
		parts := strings.Split(k, ".")
		for i, p := range parts {
			if p == "" {
				return &decodeError{msg: fmt.Sprintf("parameter %q is malformed", k)}
			}
			if i == len(parts)-1 {
				if _, isMap := node[p].(map[string]any); isMap {
					return &decodeError{msg: fmt.Sprintf("parameter %q is both a value and a structure", k)}
				}
				node[p] = vs[0]
				break
			}
			next, ok := node[p].(map[string]any)
			if !ok {
				if _, isLeaf := node[p]; isLeaf {
					if s, _ := node[p].(string); s != "" {
						return &decodeError{msg: fmt.Sprintf("parameter %q is both a value and a structure", k)}
					}
				}
				next = map[string]any{}
				node[p] = next
			}
			node = next
		}
	}
	return assign(dst, tree, "", true)
}

// snsDelegated reports whether r is for an SNS Region's own handler: the
// unsigned SubscribeURL / UnsubscribeURL visits and the signing certificate,
// or anything under /_localwatch/sns/<region>/.
func (h *Handler) snsDelegated(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, snsPrefix) {
		return true
	}
	if r.Method != http.MethodGet || header(r.Header, "Authorization") != "" || r.URL.Query().Get("X-Amz-Credential") != "" {
		return false
	}
	if strings.HasSuffix(r.URL.Path, ".pem") {
		return true
	}
	a := r.URL.Query().Get("Action")
	return a == "ConfirmSubscription" || a == "Unsubscribe"
}

// snsPrefix is where the handler serves each Region's SNS handler (see
// [SNSEndpoint]).
const snsPrefix = "/_localwatch/sns/"

// SNSEndpoint returns the value for localwatch.Options.SNSEndpoint that
// makes the SubscribeURL, UnsubscribeURL and SigningCertURL of SNS messages
// lead back to a Handler served at baseURL (e.g. "http://127.0.0.1:4566"):
// baseURL + "/_localwatch/sns/{region}".
func SNSEndpoint(baseURL string) string {
	return strings.TrimSuffix(baseURL, "/") + snsPrefix + "{region}"
}

func (h *Handler) serveSNS(w http.ResponseWriter, r *http.Request) int {
	var stack *localwatch.Stack
	if rest, ok := strings.CutPrefix(r.URL.Path, snsPrefix); ok {
		region, path, _ := strings.Cut(rest, "/")
		if stack = h.acct.Region(region); stack == nil {
			http.NotFound(w, r)
			return http.StatusNotFound
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + path
		r2.URL.RawPath = ""
		r = r2
	} else {
		q := r.URL.Query()
		arn := q.Get("TopicArn")
		if arn == "" {
			arn = q.Get("SubscriptionArn")
		}
		if parts := strings.Split(arn, ":"); len(parts) > 4 {
			stack = h.acct.Region(parts[3])
		}
	}
	if stack != nil {
		rec := &statusWriter{ResponseWriter: w}
		stack.SNS.Handler().ServeHTTP(rec, r)
		return rec.status
	}
	// The certificate of an unknown Region: ask each Region's handler.
	for _, region := range h.acct.Regions() {
		rec := httptest.NewRecorder()
		h.acct.Region(region).SNS.Handler().ServeHTTP(rec, r)
		if rec.Code != http.StatusNotFound {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return rec.Code
		}
	}
	http.NotFound(w, r)
	return http.StatusNotFound
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}
