package trail

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 1, 10, 2, 0, 0, time.UTC)

type env struct {
	clk    *clock.Manual
	bus    *bus.Bus
	store  *objstore.Memory
	shared *Shared
	svc    *Service
	rec    *event.Recorder
	ctx    context.Context
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{clk: clock.NewManual(t0), bus: &bus.Bus{}, store: &objstore.Memory{}}
	e.shared = &Shared{Store: e.store, KeySeed: 7}
	e.svc = New(Options{Clock: e.clk, Bus: e.bus, IDs: ids.New(1), Shared: e.shared})
	t.Cleanup(e.svc.Close)
	e.rec = &event.Recorder{Bus: e.bus, Clock: e.clk, IDs: ids.New(2), EventSource: "monitoring.amazonaws.com", Region: "us-east-1", AccountID: "123456789012"}
	e.ctx = identity.With(context.Background(), identity.IAMUser("123456789012", "alice", "AKIAEXAMPLE"))
	return e
}

// call records an API call from another service (CloudWatch).
func (e *env) call(name string, readOnly bool) {
	e.rec.Record(e.ctx, event.Call{Name: name, ReadOnly: readOnly, RequestParameters: map[string]any{"alarmName": "a"}}, nil)
}

func (e *env) trail(t testing.TB, name string, validation bool) *CreateTrailOutput {
	t.Helper()
	out, err := e.svc.CreateTrail(e.ctx, CreateTrailInput{Name: name, S3BucketName: "trail-bucket", EnableLogFileValidation: ptr(validation)})
	require.NoError(t, err)
	_, err = e.svc.StartLogging(e.ctx, StartLoggingInput{Name: name})
	require.NoError(t, err)
	return out
}

func (e *env) keys(t testing.TB, prefix string) []string {
	t.Helper()
	keys, err := e.store.List(context.Background(), "trail-bucket", prefix)
	require.NoError(t, err)
	return keys
}

func ptr[T any](v T) *T { return &v }

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
