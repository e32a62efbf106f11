package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/localwatch/localwatch/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunAnswersHistoryPointInTimeAndImpact(t *testing.T) {
	var out bytes.Buffer
	at := time.Date(2026, 3, 7, 9, 30, 0, 0, time.UTC)
	require.NoError(t, run(&out, config.ResourceKey{ResourceType: "AWS::EC2::Instance", ResourceID: "i-web1"}, at, 0))
	s := out.String()
	assert.Contains(t, s, `"instanceType": "t3.micro"`, "the configuration at 09:30")
	assert.Contains(t, s, "A change to it at 2026-03-07T09:30:00Z would affect 4 resources")
	assert.Contains(t, s, "A change to it at 2026-03-07T13:00:00Z would affect 6 resources", "i-web2 joined the security group later")
	assert.Contains(t, s, "is NON_COMPLIANT with team-tag")
}
