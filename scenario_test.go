package localwatch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/localwatchtest"
	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/require"
)

// Scenario tests: the cross-service flows of the bus (listed in wiring.go),
// end to end through the root stack, each a plain sequence of calls on the
// manual clock.

// scenarioStart is where every scenario's manual clock starts: one minute
// past a 5-minute (and hour) boundary, so trail delivery falls at 10:05.
var scenarioStart = time.Date(2026, 11, 25, 10, 1, 0, 0, time.UTC)

const (
	account = "123456789012"
	region  = "us-east-1"
)

// aliceIdentity is an IAM user, as CloudTrail's userIdentity shows one.
var aliceIdentity = localwatch.Identity{Type: "IAMUser", PrincipalID: "AIDAJ45Q7YFFAREXAMPLE", ARN: "arn:aws:iam::123456789012:user/alice",
	AccountID: account, AccessKeyID: "AKIAIOSFODNN7EXAMPLE", UserName: "alice"}

type scenario struct {
	st    *localwatchtest.Stack
	clk   *localwatch.ManualClock
	store *objstore.Memory
	alice context.Context // an IAM user's calls
}

func newScenario(t testing.TB) *scenario { return newScenarioIn(t, "") }

// newScenarioIn is a localwatchtest stack (IDSeed 1, closed when t ends) at
// scenarioStart, whose object store the scenario reads, persisting in
// dataDir (empty: in memory).
func newScenarioIn(t testing.TB, dataDir string) *scenario {
	t.Helper()
	store := &objstore.Memory{}
	opts := localwatch.Options{Clock: localwatch.NewManualClock(scenarioStart), Store: store, DataDir: dataDir}
	if dataDir != "" {
		// Every operation journaled must be replayable: the journal reports
		// one that is not at Error.
		opts.Logger = slog.New(failOnError{t})
	}
	st := localwatchtest.NewStack(t, opts)
	return &scenario{st: st, clk: st.Clock, store: store,
		alice: localwatch.WithIdentity(context.Background(), aliceIdentity)}
}

// failOnError is a slog.Handler that fails the test on every Error record.
type failOnError struct{ t testing.TB }

func (h failOnError) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (h failOnError) Handle(_ context.Context, r slog.Record) error {
	var attrs []string
	r.Attrs(func(a slog.Attr) bool { attrs = append(attrs, a.String()); return true })
	h.t.Errorf("logged at Error: %s %v", r.Message, attrs)
	return nil
}
func (h failOnError) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h failOnError) WithGroup(string) slog.Handler      { return h }

// get returns an object's body, gunzipped when its key ends in .gz.
func (sc *scenario) get(t testing.TB, bucket, key string) []byte {
	t.Helper()
	obj, err := sc.store.Get(context.Background(), bucket, key)
	require.NoError(t, err)
	if !bytes.HasSuffix([]byte(key), []byte(".gz")) {
		return obj.Body
	}
	zr, err := gzip.NewReader(bytes.NewReader(obj.Body))
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return b
}

func (sc *scenario) keys(t testing.TB, bucket, prefix string) []string {
	t.Helper()
	keys, err := sc.store.List(context.Background(), bucket, prefix)
	require.NoError(t, err)
	return keys
}

// jsonMap decodes a JSON object.
func jsonMap(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, err := w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return out.Bytes()
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
