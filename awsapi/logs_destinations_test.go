package awsapi

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogsDestinationsOverTheWire: the destination operations decode AWS's
// member names (DescribeDestinations' capitalised DestinationNamePrefix
// among them) and encode AWS's output shapes.
func TestLogsDestinationsOverTheWire(t *testing.T) {
	r := newRig(t, Options{})
	resp := r.do(t, jsonReq("Logs_20140328.PutDestination",
		`{"destinationName":"central","targetArn":"arn:aws:kinesis:us-east-1:123456789012:stream/s","roleArn":"arn:aws:iam::123456789012:role/r"}`))
	body := readAll(t, resp)
	require.Equal(t, 200, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"arn":"arn:aws:logs:us-east-1:123456789012:destination:central"`)

	resp = r.do(t, jsonReq("Logs_20140328.DescribeDestinations", `{"DestinationNamePrefix":"nomatch"}`))
	body = readAll(t, resp)
	require.Equal(t, 200, resp.StatusCode, string(body))
	assert.JSONEq(t, `{"destinations":[]}`, string(body))

	resp = r.do(t, jsonReq("Logs_20140328.DescribeDestinations", `{"DestinationNamePrefix":"cen"}`))
	body = readAll(t, resp)
	require.Equal(t, 200, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"destinationName":"central"`)

	resp = r.do(t, jsonReq("Logs_20140328.DeleteDestination", `{"destinationName":"nope"}`))
	body = readAll(t, resp)
	assert.Equal(t, 400, resp.StatusCode)
	assert.Contains(t, string(body), "ResourceNotFoundException")
}
