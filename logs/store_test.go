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

// heldBytes is the memory a stream's segments hold: their capacities.
func (st *stream) heldBytes() int {
	n := 0
	for _, sg := range st.segs {
		n += cap(sg.buf) + 8*(cap(sg.off)+cap(sg.ts)+cap(sg.ing)+cap(sg.seq))
	}
	return n
}

// Issue 16: a stream freed its events only by whole segments of 32,768, so
// a one-day-retention stream taking 3,840 events a day held the last 8.5
// days (and one with 256 KB events could hold 8 GB). Retention must free
// memory in proportion to what expired.
func TestRetentionFreesPartiallyExpiredSegments(t *testing.T) {
	const day = int64(24 * 3600 * 1000)
	for _, tc := range []struct {
		name      string
		perDay    int
		msgBytes  int
		daysTotal int
	}{
		{"a few thousand small events a day", 3840, 230, 30},
		{"a few large events a day", 40, 64 << 10, 12},
		{"more than a segment a day", 50000, 20, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStream("s", "arn", 0)
			msg := strings.Repeat("x", tc.msgBytes)
			seq := uint64(1)
			var lastLive, maxHeld int
			for d := range tc.daysTotal {
				const batches = 96
				for b := range batches {
					now := int64(d)*day + int64(b)*day/batches
					evs := make([]InputLogEvent, tc.perDay/batches+1)
					for i := range evs {
						evs[i] = InputLogEvent{Timestamp: now, Message: msg}
					}
					st.appendBatch(evs, seq, now)
					seq += uint64(len(evs))
					st.dropBefore(now - day)
					if d >= 2 {
						maxHeld = max(maxHeld, st.heldBytes())
					}
				}
				lastLive = st.bytes + st.count*eventColumnBytes
				require.Equal(t, st.count, st.sortedN)
				require.GreaterOrEqual(t, st.tsAt(0), int64(d)*day+day*(batches-1)/batches-day, "nothing older than a day is kept")
			}
			// Twice the live data, room to grow into (doubling), and a
			// preallocated segment's columns.
			assert.LessOrEqual(t, maxHeld, 5*lastLive+segCap*eventColumnBytes, "held %d bytes for %d live", maxHeld, lastLive)
		})
	}
}

// A sorted snapshot taken before a retention sweep that compacted the
// stream is not adopted: the stream is re-sorted in place instead.
func TestSortedSnapshotFromBeforeACompactionIsNotAdopted(t *testing.T) {
	st := newStream("s", "arn", 0)
	for i := range 100 {
		st.appendBatch([]InputLogEvent{{Timestamp: int64(1000 + i), Message: fmt.Sprint("m", i)}}, uint64(i+1), 0)
	}
	st.appendBatch([]InputLogEvent{{Timestamp: 5, Message: "late"}}, 101, 0)
	st.appendBatch([]InputLogEvent{{Timestamp: 1500, Message: "late-ish"}}, 102, 0)
	require.True(t, st.dirty())
	sorted := st.snapshot()
	sorted.sortTail()
	st.sortTail()
	require.Equal(t, 0, st.base)
	st.dropBefore(1060) // drops 61 events of 102 and compacts: base back to 0
	require.Equal(t, 0, st.base, "compacted")
	st.appendBatch([]InputLogEvent{{Timestamp: 2, Message: "later"}}, 103, 0)
	st.appendBatch(make([]InputLogEvent, 80), 104, 0)
	st.adoptSorted(sorted)
	require.False(t, st.dirty())
	for i := 1; i < st.count; i++ {
		require.False(t, st.keyAt(i).less(st.keyAt(i-1)), "sorted at %d", i)
	}
	require.Equal(t, 1+80+41, st.count)
	for i := range st.count {
		require.NotContains(t, []string{"late", "m0", "m59"}, string(st.msg(i)), "a dropped event came back")
	}
}
