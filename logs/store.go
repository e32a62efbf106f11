package logs

import (
	"bytes"
	"slices"
	"sort"

	"github.com/localwatch/localwatch/logs/filterpattern"
)

// stream stores one log stream's events.
//
// Layout: the events are kept sorted by (timestamp, sequence number) in
// parallel columns, and their messages are concatenated in that order in one
// byte slice, so a search over a time range is a scan of one contiguous span of
// memory (bytes.Index over it runs at memory speed). A batch that arrives with
// timestamps earlier than the stream's newest event is appended anyway and the
// stream marked unsorted; the next read re-sorts only the tail from the first
// displaced event.
type stream struct {
	name    string
	arn     string
	created int64

	buf []byte  // messages, concatenated
	off []int   // off[i] is where message i starts; off[len] == len(buf)
	ts  []int64 // timestamps (ms)
	ing []int64 // ingestion times (ms)
	seq []uint64

	sortedN int // events [0, sortedN) are sorted; the rest arrived out of order

	first, last, lastIngest int64
	hasEvents               bool
}

func newStream(name, arn string, created int64) *stream {
	return &stream{name: name, arn: arn, created: created, off: []int{0}}
}

func (st *stream) n() int { return len(st.ts) }

func (st *stream) msg(i int) []byte { return st.buf[st.off[i]:st.off[i+1]] }

func (st *stream) dirty() bool { return st.sortedN != len(st.ts) }

// appendBatch appends chronologically ordered events with sequence numbers
// seq0, seq0+1, ...
func (st *stream) appendBatch(evs []InputLogEvent, seq0 uint64, now int64) {
	if len(evs) == 0 {
		return
	}
	inOrder := !st.dirty() && (len(st.ts) == 0 || evs[0].Timestamp >= st.ts[len(st.ts)-1])
	size := 0
	for i := range evs {
		size += len(evs[i].Message)
	}
	st.buf = slices.Grow(st.buf, size)
	st.off = slices.Grow(st.off, len(evs))
	st.ts = slices.Grow(st.ts, len(evs))
	st.ing = slices.Grow(st.ing, len(evs))
	st.seq = slices.Grow(st.seq, len(evs))
	for i := range evs {
		st.buf = append(st.buf, evs[i].Message...)
		st.off = append(st.off, len(st.buf))
		st.ts = append(st.ts, evs[i].Timestamp)
		st.ing = append(st.ing, now)
		st.seq = append(st.seq, seq0+uint64(i))
	}
	if inOrder {
		st.sortedN = len(st.ts)
	}
	if !st.hasEvents || evs[0].Timestamp < st.first {
		st.first = evs[0].Timestamp
	}
	if !st.hasEvents || evs[len(evs)-1].Timestamp > st.last {
		st.last = evs[len(evs)-1].Timestamp
	}
	st.hasEvents = true
	st.lastIngest = now
}

// sortTail restores the sorted order after out-of-order appends, re-sorting
// only from the first event the late ones displace.
func (st *stream) sortTail() {
	if !st.dirty() {
		return
	}
	n := len(st.ts)
	minTS := st.ts[st.sortedN]
	for i := st.sortedN; i < n; i++ {
		minTS = min(minTS, st.ts[i])
	}
	// Late events sort after existing events with the same timestamp (their
	// sequence numbers are larger).
	p := sort.Search(st.sortedN, func(i int) bool { return st.ts[i] > minTS })
	idx := make([]int, n-p)
	for i := range idx {
		idx[i] = p + i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if st.ts[a] != st.ts[b] {
			if st.ts[a] < st.ts[b] {
				return -1
			}
			return 1
		}
		if st.seq[a] < st.seq[b] {
			return -1
		}
		if st.seq[a] > st.seq[b] {
			return 1
		}
		return 0
	})
	base := st.off[p]
	msgs := make([]byte, 0, len(st.buf)-base)
	ts := make([]int64, len(idx))
	ing := make([]int64, len(idx))
	seq := make([]uint64, len(idx))
	offs := make([]int, len(idx))
	for k, i := range idx {
		offs[k] = base + len(msgs)
		msgs = append(msgs, st.msg(i)...)
		ts[k], ing[k], seq[k] = st.ts[i], st.ing[i], st.seq[i]
	}
	copy(st.buf[base:], msgs)
	copy(st.ts[p:], ts)
	copy(st.ing[p:], ing)
	copy(st.seq[p:], seq)
	copy(st.off[p:], offs)
	st.sortedN = n
}

// dropBefore deletes the events with timestamps before cutoff (retention) and
// returns the bytes freed. The stream must be sorted.
func (st *stream) dropBefore(cutoff int64) int64 {
	k := sort.Search(len(st.ts), func(i int) bool { return st.ts[i] >= cutoff })
	if k == 0 {
		return 0
	}
	freed := int64(st.off[k])
	n := len(st.ts) - k
	buf := make([]byte, len(st.buf)-st.off[k])
	copy(buf, st.buf[st.off[k]:])
	off := make([]int, n+1)
	for i := range off {
		off[i] = st.off[k+i] - st.off[k]
	}
	st.buf, st.off = buf, off
	st.ts = slices.Clone(st.ts[k:])
	st.ing = slices.Clone(st.ing[k:])
	st.seq = slices.Clone(st.seq[k:])
	st.sortedN = n
	if n > 0 {
		st.first = st.ts[0]
	}
	return freed
}

// key is an event's position in time order: its timestamp, then its sequence
// number. Sequence numbers start at 1, so (t, 0) sorts before every event at t.
type key struct {
	ts  int64
	seq uint64
}

func (k key) less(o key) bool { return k.ts < o.ts || k.ts == o.ts && k.seq < o.seq }

func (st *stream) keyAt(i int) key { return key{st.ts[i], st.seq[i]} }

// after returns the index of the first event whose key is greater than k.
func (st *stream) after(k key) int {
	return sort.Search(len(st.ts), func(i int) bool { return k.less(st.keyAt(i)) })
}

// atOrAfterTS returns the index of the first event with timestamp >= t.
func (st *stream) atOrAfterTS(t int64) int {
	return sort.Search(len(st.ts), func(i int) bool { return st.ts[i] >= t })
}

// cursor walks one stream's matching events in [i, end).
type cursor struct {
	st  *stream
	i   int // next candidate
	end int
	cur int // current match, or -1 when exhausted
}

// next advances to the next event in [c.i, c.end) that matches p. It uses the
// pattern's required literal, when it has one, to jump between candidates with
// bytes.Index over the contiguous messages.
func (c *cursor) next(p *filterpattern.Pattern, lit []byte, litOnly bool) {
	st := c.st
	for c.i < c.end {
		i := c.i
		if lit != nil {
			hay := st.buf[st.off[i]:st.off[c.end]]
			pos := bytes.Index(hay, lit)
			if pos < 0 {
				c.i = c.end
				break
			}
			abs := st.off[i] + pos
			// The event containing abs: the last i with off[i] <= abs.
			j := i + sort.Search(c.end-i, func(k int) bool { return st.off[i+k+1] > abs })
			if abs+len(lit) > st.off[j+1] {
				// The occurrence spans two messages; resume at the next one.
				c.i = j + 1
				continue
			}
			i = j
		}
		c.i = i + 1
		if litOnly || p.Match(st.msg(i)) {
			c.cur = i
			return
		}
	}
	c.cur = -1
}
