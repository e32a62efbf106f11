package logs

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeqWalkersFollowPages(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		e.group(t, fmt.Sprint("g", i), "s")
	}
	now := e.now()
	var evs []InputLogEvent
	for i := range 25 {
		evs = append(evs, ev(now+int64(i), fmt.Sprint("m", i)))
	}
	e.put(t, "g0", "s", evs...)
	n := 0
	for ev, err := range e.s.FilterLogEventsSeq(ctx, FilterLogEventsInput{LogGroupName: "g0", Limit: Int32(4)}) {
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint("m", n), ev.Message)
		n++
	}
	assert.Equal(t, 25, n)
	var names []string
	for g, err := range e.s.DescribeLogGroupsSeq(ctx, DescribeLogGroupsInput{Limit: Int32(1)}) {
		require.NoError(t, err)
		names = append(names, g.LogGroupName)
	}
	assert.Equal(t, []string{"g0", "g1", "g2"}, names)
	for _, err := range e.s.FilterLogEventsSeq(ctx, FilterLogEventsInput{LogGroupName: "missing"}) {
		assertCode(t, err, "ResourceNotFoundException")
	}
}
