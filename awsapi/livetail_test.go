package awsapi

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// esMessage is a decoded event-stream message (string headers only).
type esMessage struct {
	headers map[string]string
	payload []byte
}

// readEventMessage decodes one event-stream message from r, checking both
// CRCs.
func readEventMessage(t *testing.T, r io.Reader) esMessage {
	t.Helper()
	var prelude [12]byte
	_, err := io.ReadFull(r, prelude[:])
	require.NoError(t, err)
	total, hlen := binary.BigEndian.Uint32(prelude[0:]), binary.BigEndian.Uint32(prelude[4:])
	require.Equal(t, crc32.ChecksumIEEE(prelude[:8]), binary.BigEndian.Uint32(prelude[8:]), "prelude CRC")
	rest := make([]byte, total-12)
	_, err = io.ReadFull(r, rest)
	require.NoError(t, err)
	all := append(prelude[:], rest...)
	require.Equal(t, crc32.ChecksumIEEE(all[:total-4]), binary.BigEndian.Uint32(all[total-4:]), "message CRC")
	m := esMessage{headers: map[string]string{}, payload: rest[hlen : len(rest)-4]}
	for h := rest[:hlen]; len(h) > 0; {
		n := int(h[0])
		name := string(h[1 : 1+n])
		require.Equal(t, byte(7), h[1+n], "header %s is a string", name)
		vl := int(binary.BigEndian.Uint16(h[2+n:]))
		m.headers[name] = string(h[4+n : 4+n+vl])
		h = h[4+n+vl:]
	}
	return m
}

func TestEventMessageFraming(t *testing.T) {
	// A message with no headers and no payload is 16 bytes: its prelude
	// CRC is that of 00000010 00000000.
	b := appendEventMessage(nil, nil, nil)
	require.Len(t, b, 16)
	assert.Equal(t, []byte{0, 0, 0, 16, 0, 0, 0, 0}, b[:8])
	assert.Equal(t, uint32(0x05c248eb), binary.BigEndian.Uint32(b[8:]))
	m := readEventMessage(t, bytes.NewReader(appendEventMessage(nil, []esHeader{{":event-type", "x"}}, []byte("{}"))))
	assert.Equal(t, map[string]string{":event-type": "x"}, m.headers)
	assert.Equal(t, "{}", string(m.payload))
}

// liveTailOverTheWire starts a Live Tail session through client, ingests an
// event, advances the clock and reads the session start and the update.
func liveTailOverTheWire(t *testing.T, r *rig, client *http.Client, url string) {
	for _, q := range []req{
		jsonReq("Logs_20140328.CreateLogGroup", `{"logGroupName":"app"}`),
		jsonReq("Logs_20140328.CreateLogStream", `{"logGroupName":"app","logStreamName":"web"}`),
	} {
		resp := r.do(t, q)
		require.Equal(t, 200, resp.StatusCode, string(readAll(t, resp)))
	}
	// Validation errors answer as any error.
	q := jsonReq("Logs_20140328.StartLiveTail", `{"logGroupIdentifiers":["nope"]}`)
	resp := r.do(t, q)
	assert.Equal(t, 400, resp.StatusCode)
	assert.Contains(t, string(readAll(t, resp)), "ResourceNotFoundException")

	q = jsonReq("Logs_20140328.StartLiveTail", `{"logGroupIdentifiers":["arn:aws:logs:us-east-1:123456789012:log-group:app"],"logEventFilterPattern":"ERROR"}`)
	hr, err := http.NewRequest("POST", url, bytes.NewReader(q.body))
	require.NoError(t, err)
	for k, v := range q.header {
		hr.Header.Set(k, v)
	}
	hr.Header.Set("X-Amz-Date", "20261207T140500Z")
	resp, err = client.Do(hr)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "application/vnd.amazon.eventstream", resp.Header.Get("Content-Type"))

	m := readEventMessage(t, resp.Body)
	assert.Equal(t, map[string]string{":message-type": "event", ":event-type": "initial-response", ":content-type": "application/json"}, m.headers)
	assert.Equal(t, "{}", string(m.payload))
	m = readEventMessage(t, resp.Body)
	assert.Equal(t, "sessionStart", m.headers[":event-type"])
	var start struct {
		RequestID, SessionID, LogEventFilterPattern string
		LogGroupIdentifiers                         []string
	}
	require.NoError(t, json.Unmarshal(m.payload, &start))
	assert.NotEmpty(t, start.SessionID)
	assert.Equal(t, resp.Header.Get("X-Amzn-Requestid"), start.RequestID)
	assert.Equal(t, "ERROR", start.LogEventFilterPattern)

	ts := strconv.FormatInt(r.clock.Now().UnixMilli(), 10)
	put := r.do(t, jsonReq("Logs_20140328.PutLogEvents", `{"logGroupName":"app","logStreamName":"web","logEvents":[{"timestamp":`+ts+`,"message":"ERROR boom"},{"timestamp":`+ts+`,"message":"fine"}]}`))
	require.Equal(t, 200, put.StatusCode, string(readAll(t, put)))
	r.clock.Advance(time.Second)
	m = readEventMessage(t, resp.Body)
	assert.Equal(t, "sessionUpdate", m.headers[":event-type"])
	assert.Equal(t, "event", m.headers[":message-type"])
	var update struct {
		SessionMetadata struct{ Sampled bool }
		SessionResults  []struct {
			LogStreamName, LogGroupIdentifier, Message string
			Timestamp                                  int64
		}
	}
	require.NoError(t, json.Unmarshal(m.payload, &update), string(m.payload))
	require.Len(t, update.SessionResults, 1)
	assert.Equal(t, "ERROR boom", update.SessionResults[0].Message)
	assert.Equal(t, "web", update.SessionResults[0].LogStreamName)
	assert.Equal(t, r.clock.Now().Add(-time.Second).UnixMilli(), update.SessionResults[0].Timestamp)
}

func TestStartLiveTailStreamsInProcess(t *testing.T) {
	r := newRig(t, Options{})
	liveTailOverTheWire(t, r, r.h.Client(), "http://localhost:4566/")
}

func TestStartLiveTailStreamsOverHTTP(t *testing.T) {
	r := newRig(t, Options{})
	srv := httptest.NewServer(r.h)
	defer srv.Close()
	liveTailOverTheWire(t, r, srv.Client(), srv.URL+"/")
}

// TestLiveTailEndsWithAnException: when the service closes, the stream's
// last message is a SessionStreamingException.
func TestLiveTailEndsWithAnException(t *testing.T) {
	r := newRig(t, Options{})
	resp := r.do(t, jsonReq("Logs_20140328.CreateLogGroup", `{"logGroupName":"app"}`))
	require.Equal(t, 200, resp.StatusCode)
	q := jsonReq("Logs_20140328.StartLiveTail", `{"logGroupIdentifiers":["app"]}`)
	hr, err := http.NewRequest("POST", "http://localhost/", bytes.NewReader(q.body))
	require.NoError(t, err)
	for k, v := range q.header {
		hr.Header.Set(k, v)
	}
	resp, err = r.h.Client().Do(hr)
	require.NoError(t, err)
	defer resp.Body.Close()
	readEventMessage(t, resp.Body) // initial-response
	readEventMessage(t, resp.Body) // sessionStart
	r.acct.Region("us-east-1").Logs.Close()
	r.clock.Advance(time.Second)
	for {
		m := readEventMessage(t, resp.Body)
		if m.headers[":message-type"] == "exception" {
			assert.Equal(t, "SessionStreamingException", m.headers[":exception-type"])
			assert.Contains(t, string(m.payload), `"message":`)
			break
		}
		assert.Equal(t, "sessionUpdate", m.headers[":event-type"])
	}
	_, err = resp.Body.Read(make([]byte, 1))
	assert.Equal(t, io.EOF, err)
}

// TestLiveTailClosingTheBodyEndsTheSession: a client that closes the
// response body frees its session (15 at most are open at once).
func TestLiveTailClosingTheBodyEndsTheSession(t *testing.T) {
	r := newRig(t, Options{})
	resp := r.do(t, jsonReq("Logs_20140328.CreateLogGroup", `{"logGroupName":"app"}`))
	require.Equal(t, 200, resp.StatusCode)
	start := func() *http.Response {
		q := jsonReq("Logs_20140328.StartLiveTail", `{"logGroupIdentifiers":["app"]}`)
		hr, err := http.NewRequest("POST", "http://localhost/", bytes.NewReader(q.body))
		require.NoError(t, err)
		for k, v := range q.header {
			hr.Header.Set(k, v)
		}
		resp, err := r.h.Client().Do(hr)
		require.NoError(t, err)
		return resp
	}
	var open []*http.Response
	for range 15 {
		resp := start()
		require.Equal(t, 200, resp.StatusCode)
		readEventMessage(t, resp.Body)
		readEventMessage(t, resp.Body)
		open = append(open, resp)
	}
	resp = start()
	assert.Equal(t, 400, resp.StatusCode)
	assert.Contains(t, string(readAll(t, resp)), "LimitExceededException")
	for _, o := range open {
		require.NoError(t, o.Body.Close())
	}
	require.Eventually(t, func() bool {
		resp := start()
		defer resp.Body.Close()
		return resp.StatusCode == 200
	}, 5*time.Second, 10*time.Millisecond)
}
