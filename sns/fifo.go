package sns

import (
	"time"

	"github.com/localwatch/localwatch/clock"
)

// dedupCache is a FIFO topic's deduplication window: the deduplication IDs
// accepted in the last five minutes, by ID and in arrival order. Expiry pops
// from the front, so it costs in proportion to what expires; a timer on the
// clock empties the window of a topic nobody publishes to any more, so what a
// topic keeps is bounded by the messages of its last five minutes. All fields
// are guarded by the Service's mu.
type dedupCache struct {
	byID  map[string]dedupEntry
	order []dedupKey // arrival order; order[head:] are live
	head  int
	timer clock.Timer // pending expiry, nil when the window is empty
	due   time.Time   // when timer fires
	arm   uint64      // the timer's place in the service's arming order (Service.armSeq)
}

type dedupEntry struct {
	messageID, seq string
	at             time.Time
}

type dedupKey struct {
	id string
	at time.Time
}

func newDedupCache() *dedupCache { return &dedupCache{byID: map[string]dedupEntry{}} }

// expire forgets the IDs accepted dedupWindow or longer before now.
func (c *dedupCache) expire(now time.Time) {
	for c.head < len(c.order) && now.Sub(c.order[c.head].at) >= dedupWindow {
		k := c.order[c.head]
		if e, ok := c.byID[k.id]; ok && e.at.Equal(k.at) {
			delete(c.byID, k.id)
		}
		c.order[c.head] = dedupKey{}
		c.head++
	}
	switch {
	case c.head == len(c.order):
		c.order, c.head = nil, 0
	case c.head > 64 && c.head*2 >= len(c.order):
		c.order = append(c.order[:0], c.order[c.head:]...)
		c.head = 0
	}
}

func (c *dedupCache) add(id string, e dedupEntry) {
	c.byID[id] = e
	c.order = append(c.order, dedupKey{id: id, at: e.at})
}

// armExpiryLocked makes sure a timer will empty t's window once its oldest
// entry expires (s.mu held).
func (s *Service) armExpiryLocked(t *topic) {
	c := t.dedup
	if c == nil || c.timer != nil || s.op.Closed() || c.head == len(c.order) {
		return
	}
	s.armDedupLocked(t, c.order[c.head].at.Add(dedupWindow))
}

// dedupTimerName names the expiry timer of a topic's window: unique among
// the service's pending timers (a topic has at most one).
func dedupTimerName(topicARN string) string { return "sns/dedup-expiry " + topicARN }

// armDedupLocked arms t's expiry timer for due (s.mu held).
func (s *Service) armDedupLocked(t *topic, due time.Time) {
	c := t.dedup
	s.armSeq++
	c.due, c.arm = due, s.armSeq
	c.timer = clock.AfterFuncNamed(s.op.Clock, dedupTimerName(t.arn), due.Sub(s.op.Clock.Now()), func() { s.expireDedup(t) })
}

// expireDedup is the expiry timer's callback.
func (s *Service) expireDedup(t *topic) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := t.dedup
	c.timer = nil
	if s.op.Closed() || s.topics[t.arn] != t {
		return
	}
	c.expire(s.op.Clock.Now())
	s.armExpiryLocked(t)
}
