package logs

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStreamStoreAgainstASortedSliceReference ingests random batches, some late,
// across several segments, and checks reads, searches and retention against a
// plain sorted slice.
func TestStreamStoreAgainstASortedSliceReference(t *testing.T) {
	n := 120000
	if testing.Short() {
		n = 40000
	}
	e := newEnv(t)
	e.group(t, "g", "s")
	r := rand.New(rand.NewPCG(3, 4))
	now := e.now()
	type ref struct {
		ts  int64
		seq int
		msg string
	}
	var want []ref
	seq := 0
	for len(want) < n {
		size := 1 + r.IntN(5000)
		start := now - 3600*1000 + int64(r.IntN(3000*1000)) // late batches land anywhere
		var batch []InputLogEvent
		for k := range size {
			msg := fmt.Sprintf("e%d %s", seq, strings.Repeat("x", r.IntN(20)))
			if r.IntN(50) == 0 {
				msg += " NEEDLE"
			}
			ts := start + int64(k/3)
			batch = append(batch, ev(ts, msg))
			want = append(want, ref{ts, seq, msg})
			seq++
		}
		e.put(t, "g", "s", batch...)
	}
	slices.SortStableFunc(want, func(a, b ref) int {
		if a.ts != b.ts {
			if a.ts < b.ts {
				return -1
			}
			return 1
		}
		return a.seq - b.seq
	})
	var got []string
	tok := ""
	for {
		out, err := e.s.GetLogEvents(ctx, GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: Bool(true), NextToken: tok})
		require.NoError(t, err)
		if len(out.Events) == 0 {
			break
		}
		for _, x := range out.Events {
			got = append(got, x.Message)
		}
		tok = out.NextForwardToken
	}
	require.Len(t, got, len(want))
	for i := range want {
		if got[i] != want[i].msg {
			t.Fatalf("event %d: got %q want %q", i, got[i], want[i].msg)
		}
	}
	var needles []string
	for _, w := range want {
		if strings.Contains(w.msg, "NEEDLE") {
			needles = append(needles, w.msg)
		}
	}
	var found []string
	tok = ""
	for {
		out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", FilterPattern: "NEEDLE", NextToken: tok, Limit: Int32(500)})
		require.NoError(t, err)
		for _, x := range out.Events {
			found = append(found, x.Message)
		}
		if tok = out.NextToken; tok == "" {
			break
		}
	}
	assert.Equal(t, needles, found)

	// Retention drops a prefix that spans whole segments.
	_, err := e.s.PutRetentionPolicy(ctx, PutRetentionPolicyInput{LogGroupName: "g", RetentionInDays: 1})
	require.NoError(t, err)
	cut := want[len(want)/2].ts
	e.clk.Set(timeFromMS(cut + 24*3600*1000))
	e.s.sweepRetention()
	var keep []string
	for _, w := range want {
		if w.ts >= cut {
			keep = append(keep, w.msg)
		}
	}
	out, err := e.s.FilterLogEvents(ctx, FilterLogEventsInput{LogGroupName: "g", Limit: Int32(10000)})
	require.NoError(t, err)
	require.NotEmpty(t, out.Events)
	assert.Equal(t, keep[0], out.Events[0].Message)
	groups, _ := e.s.DescribeLogGroups(ctx, DescribeLogGroupsInput{})
	total := 0
	for _, k := range keep {
		total += len(k)
	}
	assert.Equal(t, int64(total), groups.LogGroups[0].StoredBytes)
}

func timeFromMS(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
