package awsapi

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/localwatch/localwatch/internal/awserr"
)

// Event stream operations (CloudWatch Logs StartLiveTail) answer HTTP 200
// with Content-Type application/vnd.amazon.eventstream and a body of
// event-stream messages, written and flushed one at a time: first the
// "initial-response" event (the operation's output, empty: awsJson event
// streams always open with it), then one event per item of the service's
// iterator, its :event-type the union member's name and its payload the
// member's JSON, until the iterator ends, the client goes away or the
// service closes. An error before anything was written answers as any
// other error; an error later is an "exception" message whose
// :exception-type is the error's code.

// hdrEventStream is the Content-Type of an event stream answer.
var hdrEventStream = []string{"application/vnd.amazon.eventstream"}

// esHeader is one event-stream header; every header localwatch writes is a
// string (value type 7).
type esHeader struct{ name, value string }

// appendEventMessage appends one event-stream message: total length,
// headers length, prelude CRC, headers, payload, message CRC (CRC32 IEEE,
// big-endian throughout).
func appendEventMessage(b []byte, headers []esHeader, payload []byte) []byte {
	hlen := 0
	for _, h := range headers {
		hlen += 1 + len(h.name) + 1 + 2 + len(h.value)
	}
	total := 12 + hlen + len(payload) + 4
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, uint32(total))
	b = binary.BigEndian.AppendUint32(b, uint32(hlen))
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:start+8]))
	for _, h := range headers {
		b = append(b, byte(len(h.name)))
		b = append(b, h.name...)
		b = append(b, 7)
		b = binary.BigEndian.AppendUint16(b, uint16(len(h.value)))
		b = append(b, h.value...)
	}
	b = append(b, payload...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// isStreamOperation reports whether a method type (receiver first) is
// func(context.Context, XInput) (iter.Seq2[E, error], error) with E a
// struct (a union of pointer members, one set per event).
func isStreamOperation(t reflect.Type) bool {
	if t.NumIn() != 3 || t.In(1) != ctxType || t.In(2).Kind() != reflect.Struct || t.NumOut() != 2 || t.Out(1) != errType {
		return false
	}
	seq := t.Out(0)
	if seq.Kind() != reflect.Func || seq.NumIn() != 1 || seq.NumOut() != 0 {
		return false
	}
	y := seq.In(0)
	return y.Kind() == reflect.Func && y.NumIn() == 2 && y.In(0).Kind() == reflect.Struct && y.In(1) == errType &&
		y.NumOut() == 1 && y.Out(0).Kind() == reflect.Bool
}

// writeStream answers an event stream operation: it runs the iterator seq
// and writes each event as a message, flushing after each.
func (h *Handler) writeStream(w http.ResponseWriter, r *http.Request, c *call, seq reflect.Value) int {
	rc := http.NewResponseController(w)
	started := false
	status := http.StatusOK
	var buf []byte
	start := func() bool {
		w.Header()["Content-Type"] = hdrEventStream
		w.WriteHeader(http.StatusOK)
		started = true
		buf = appendEventMessage(buf[:0], []esHeader{{":event-type", "initial-response"}, {":content-type", "application/json"}, {":message-type", "event"}}, []byte("{}"))
		return h.sendEvent(w, rc, buf)
	}
	yieldType := seq.Type().In(0)
	yield := reflect.MakeFunc(yieldType, func(args []reflect.Value) []reflect.Value {
		if err, _ := args[1].Interface().(error); err != nil {
			if !started {
				status = h.writeError(w, c, err)
				return []reflect.Value{reflect.ValueOf(false)}
			}
			code, msg := "InternalFailure", err.Error()
			var ae *awserr.Error
			if errors.As(err, &ae) {
				code, msg = ae.Code, ae.Message
			}
			payload := appendJSONString(append([]byte(nil), `{"message":`...), msg)
			payload = append(payload, '}')
			buf = appendEventMessage(buf[:0], []esHeader{{":exception-type", code}, {":content-type", "application/json"}, {":message-type", "exception"}}, payload)
			h.sendEvent(w, rc, buf)
			return []reflect.Value{reflect.ValueOf(false)}
		}
		if !started && !start() {
			return []reflect.Value{reflect.ValueOf(false)}
		}
		ev := args[0]
		for i := range ev.NumField() {
			f := ev.Field(i)
			if f.Kind() != reflect.Pointer || f.IsNil() {
				continue
			}
			name, _, _ := strings.Cut(ev.Type().Field(i).Tag.Get("json"), ",")
			if name == "" {
				name = ev.Type().Field(i).Name
			}
			payload := appendJSONPlanned(nil, f, decPlanFor(f.Type()))
			buf = appendEventMessage(buf[:0], []esHeader{{":event-type", name}, {":content-type", "application/json"}, {":message-type", "event"}}, payload)
			if !h.sendEvent(w, rc, buf) {
				return []reflect.Value{reflect.ValueOf(false)}
			}
		}
		return []reflect.Value{reflect.ValueOf(r.Context().Err() == nil)}
	})
	seq.Call([]reflect.Value{yield})
	if !started && status == http.StatusOK {
		start() // an iterator that ended at once: an empty stream
	}
	return status
}

// sendEvent writes one message and flushes it; false: the client is gone.
func (h *Handler) sendEvent(w http.ResponseWriter, rc *http.ResponseController, msg []byte) bool {
	if _, err := w.Write(msg); err != nil {
		return false
	}
	if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return false
	}
	return true
}

// isStreamRequest reports whether r calls an event stream operation (over
// awsJson), which the in-process transport streams.
func isStreamRequest(r *http.Request) bool {
	target := header(r.Header, "X-Amz-Target")
	i := strings.LastIndexByte(target, '.')
	if i < 0 {
		return false
	}
	s := serviceByPrefix(target[:i])
	if s == nil {
		return false
	}
	op := s.ops[target[i+1:]]
	return op != nil && op.stream
}

// streamRoundTrip serves r in a goroutine and returns as soon as the
// handler has written its header, with a body reading from a pipe that the
// handler writes: the caller reads events as they come. Closing the body
// ends the request's context, so the handler stops.
func (t transport) streamRoundTrip(req, r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	r = r.WithContext(ctx)
	pr, pw := io.Pipe()
	sw := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			if p := recover(); p != nil {
				_ = pw.CloseWithError(errors.New("awsapi: handler panicked"))
			}
			sw.writeHeader(http.StatusOK)
			_ = pw.Close()
		}()
		t.h.ServeHTTP(sw, r)
		if req.Body != nil {
			_ = req.Body.Close()
		}
	}()
	select {
	case <-sw.ready:
	case <-req.Context().Done():
		cancel()
		_ = pr.CloseWithError(req.Context().Err())
		return nil, req.Context().Err()
	}
	resp := &http.Response{Status: http.StatusText(sw.status), StatusCode: sw.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: sw.sent, Body: &streamBody{pr: pr, cancel: cancel}, ContentLength: -1, Request: req}
	resp.Status = itoaStatus(sw.status) + " " + resp.Status
	return resp, nil
}

func itoaStatus(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

// pipeWriter is the http.ResponseWriter of a streamed in-process request.
type pipeWriter struct {
	header http.Header
	pw     *io.PipeWriter
	once   sync.Once
	ready  chan struct{} // closed once the header is written
	status int
	sent   http.Header // the header as written
}

func (p *pipeWriter) Header() http.Header { return p.header }

func (p *pipeWriter) WriteHeader(code int) { p.writeHeader(code) }

func (p *pipeWriter) writeHeader(code int) {
	p.once.Do(func() {
		p.status = code
		p.sent = p.header.Clone()
		close(p.ready)
	})
}

func (p *pipeWriter) Write(b []byte) (int, error) {
	p.writeHeader(http.StatusOK)
	return p.pw.Write(b)
}

// Flush does nothing: every Write reaches the reader through the pipe.
func (p *pipeWriter) Flush() {}

type streamBody struct {
	pr     *io.PipeReader
	cancel context.CancelFunc
}

func (b *streamBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

func (b *streamBody) Close() error {
	b.cancel()
	return b.pr.Close()
}
