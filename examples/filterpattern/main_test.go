package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const sample = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534
127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324
{"status": 500, "latency": 1200}
{"status": 200, "latency": 30}
`

func runCLI(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(sample), &out, &errb)
	return out.String(), errb.String(), code
}

func TestPrintsMatchingLines(t *testing.T) {
	out, _, code := runCLI("-p", "{ $.status = 500 }")
	assert.Equal(t, 0, code)
	assert.Equal(t, "{\"status\": 500, \"latency\": 1200}\n", out)
	out, _, _ = runCLI("-p", "frank", "-count")
	assert.Equal(t, "2\n", out)
}

func TestMetricFilterMode(t *testing.T) {
	out, _, code := runCLI("-p", "[ip, id, user, ts, request, status, bytes]", "-metric-value", "$bytes")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "SampleCount=2 Sum=6858 Minimum=1534 Maximum=5324")
	out, _, _ = runCLI("-p", "{ $.latency > 100 }", "-metric-value", "$.latency", "-default-value", "0")
	assert.Contains(t, out, "SampleCount=4 Sum=1200 Minimum=0 Maximum=1200")
}

func TestFieldsAndErrors(t *testing.T) {
	out, _, _ := runCLI("-p", "[..., status = 5*, bytes]", "-fields")
	assert.Contains(t, out, `"$status":"500"`)
	_, errs, code := runCLI("-p", "{ $.status = ")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "InvalidParameterException")
	_, errs, code = runCLI("-p", "ERROR", "-metric-value", "$bytes")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "space-delimited")
}

func TestNoArgumentsPrintsUsageInsteadOfWaiting(t *testing.T) {
	_, errOut, code := runCLI()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage: filterpattern -p PATTERN")
}
