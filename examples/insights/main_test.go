package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const sample = `2026-03-01T10:00:01Z ERROR payment failed id=7
{"timestamp": "2026-03-01T10:02:00Z", "status": 500, "latency": 1200}
{"timestamp": "2026-03-01T10:07:00Z", "status": 500, "latency": 1500}
{"timestamp": "2026-03-01T10:03:00Z", "status": 200, "latency": 20}
`

func runCLI(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(sample), &out, &errb)
	return out.String(), errb.String(), code
}

func TestStatsByBinOverStdin(t *testing.T) {
	out, errOut, code := runCLI("-q", "filter status = 500 | stats count(*) as n by bin(5m)")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "bin(5m)                  n\n2026-03-01 10:00:00.000  1\n2026-03-01 10:05:00.000  1\n")
	assert.Contains(t, out, "2 rows; 2 of 4 records matched")
}

func TestJSONOutputIsGetQueryResultsShaped(t *testing.T) {
	out, _, code := runCLI("-json", "-q", "parse @message \"ERROR * failed\" as what | filter ispresent(what) | fields what")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, `"field": "what",`)
	assert.Contains(t, out, `"value": "payment"`)
	assert.Contains(t, out, `"status": "Complete"`)
}

func TestMalformedQueryShowsWhere(t *testing.T) {
	_, errOut, code := runCLI("-q", "fields a b")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "MalformedQueryException: unexpected symbol found b at line 1 and position 10")
	assert.Contains(t, errOut, "\n           ^\n")
}

func TestNoQueryPrintsUsage(t *testing.T) {
	_, errOut, code := runCLI()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage: insights -q QUERY")
}
