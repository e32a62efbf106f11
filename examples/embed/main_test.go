package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The app serves, reports every request to metrics and logs, and prints a
// summary whose counts agree with each other.
func TestEmbedRunsAndSummarises(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), &out, 20))
	s := out.String()
	require.Contains(t, s, "serving on http://127.0.0.1:")
	i := strings.Index(s, "summary: ")
	require.GreaterOrEqual(t, i, 0, s)
	var served, n int
	_, err := fmt.Sscanf(s[i:], "summary: %d requests served; Latency n=%d", &served, &n)
	require.NoError(t, err, s)
	require.Equal(t, 20, served)
	require.Equal(t, served, n, "every request is one Latency datum")
	require.Contains(t, s, "ServerErrors (metric filter) sum=0", "no errors before 8 s")
}
