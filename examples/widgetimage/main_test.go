package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDrawsTheSampleDashboard(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"-o", dir}, &out, &errb), errb.String())
	assert.Equal(t, 5, strings.Count(out.String(), ".png"))
	b, err := os.ReadFile(filepath.Join(dir, "widget-0.png"))
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 600, img.Bounds().Dx())
	assert.Equal(t, 300, img.Bounds().Dy())
}

func TestBadWidgetAnswersAWSError(t *testing.T) {
	f := filepath.Join(t.TempDir(), "w.json")
	require.NoError(t, os.WriteFile(f, []byte(`{"metrics": [["Shop"]]}`), 0o644))
	var out, errb bytes.Buffer
	assert.Equal(t, 1, run([]string{"-o", t.TempDir(), f}, &out, &errb))
	assert.Contains(t, errb.String(), "InvalidParameterInput")
}
