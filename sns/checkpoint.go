package sns

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/op"
)

// Checkpoints (op.StateHooks): saveState writes the service's whole state,
// loadState puts it into a service just built by New with the same Options
// (the account restores the shared ID source and the clock itself).
//
// The stream is one version byte (checkpointVersion), then one CBOR value
// (ckState). Times are saved with time.Time.MarshalBinary (instant and zone
// offset). What every field of the service's state structs becomes:
//
// Service
//
//	op: set by New from the Options (clock, IDs, Region, account, logger,
//	  journal, States): not state (the account restores IDs and clock)
//	endpoint, httpClient, onDelivery, httpTimeout, maxFPTopic, maxFPAcct,
//	  smsSandbox, origination: set by New from the Options, never changed:
//	  not state
//	disp: its configuration comes from the Options (not state); its queued
//	  HTTP/S jobs AND the jobs taken for an attempt whose result is not
//	  applied yet (dispatcher.flying, as they were before the attempt) are
//	  saved (Jobs, in queue order) and queued again by Load, so that they
//	  are POSTed after it (an attempt in flight at Save is made again: at
//	  least once, as SNS)
//	life, endLife, unrecorded, unsubscribeBus: rebuilt by New (not state)
//	recent: saved (Recent: the ring oldest first; Load rebuilds ring/next)
//	sign: not state: the key comes from Options.SigningKey or is derived
//	  from Options.SigningKeySeed (internal/seededkey); the certificate from
//	  the key and the clock's time at New (the same for the loading
//	  service). A random key (neither option) is NOT saved: signatures made
//	  after a load use a new key, as after a restart without a checkpoint.
//	mu: lock (not state)
//	topics: saved (Topics, ckTopic), with the dead topics still referenced
//	  by an UnsubscribeConfirmation token (Live false)
//	subs: saved (Subs is every subscription object reachable from subs,
//	  the topics and tokens; Live lists those in subs)
//	tokens: saved (Tokens: token -> index in Subs)
//	queues: saved (Queues, ckQueue)
//	functions: NOT saved: the Go functions the user registers
//	outbox: saved (Outbox)
//	timers: saved (Retries: each job with its due time and arming order);
//	  Load arms them again (retryTimerName)
//	throttles: saved (Throttles)
//	fifoCount, seq: saved
//	sms, optedOut: saved
//	sandbox: saved (status and OTP)
//	apps: saved (attributes and token -> endpoint ARN map)
//	endpoints: saved (application ARN and attributes)
//	armSeq: rebuilt (Load numbers the timers it arms from 1, in the saved
//	  arming order)
//
// topic: arn, name, fifo, attrs, tags, deleted, dataPolicy: saved; subs:
// saved (indexes into Subs, in order); dedup: saved (ckDedup: byID, the live
// part of order, and the pending expiry timer's due time and arming order;
// head is 0 after a load; the timer is armed again, dedupTimerName);
// delivery: rebuilt from attrs["DeliveryPolicy"]; dataDoc: rebuilt from
// dataPolicy; targets: rebuilt (nil: recomputed at the next Publish).
//
// subscription: arn, protocol, endpoint, owner, principal, pending, token,
// tokenExpires, authOnUnsub, authed, attrs: saved; topic: saved (index into
// Topics); filter, raw, dlq, delivery: rebuilt from attrs by
// validateSubAttrs, as SetSubscriptionAttributes derives them.
//
// Queue: arn, name, fifo, visibilityTimeout, msgs: saved; clock, ids, svc:
// the loading service's; deleted: false (a deleted queue is not in queues);
// mu: lock. queued: msg (QueueMessage: every field), sent, visibleAt,
// receives, groupID: saved.
//
// job (retries and the dispatcher's jobs): topic, msgType, id, attempt,
// body, headers, queueAttr, queueSys, lambda, outside, subject, from,
// dlqBody: saved; seq: rebuilt (the dispatcher numbers the jobs Load queues
// in their saved order); target: saved (ckTarget) except filter, which only
// chooses the subscriptions a message goes to, before a job exists (nil
// after a load).
//
// retryState: j, due: saved; arm: rebuilt (see armSeq).
//
// throttleState, sandboxNumber, platformApp, platformEndpoint: every field
// saved.

// checkpointVersion is the first byte of a checkpoint of this service.
const checkpointVersion byte = 1

type ckState struct {
	Topics    []ckTopic
	Subs      []ckSub
	Live      []int          // indexes into Subs of the subscriptions in Service.subs
	Tokens    map[string]int // token -> index into Subs
	Queues    []ckQueue
	Outbox    []ckOutbox
	Retries   []ckRetry
	Jobs      []ckJob // the dispatcher's, in queue order
	Throttles map[string]ckThrottle
	FifoCount int
	Seq       uint64
	SMS       map[string]string
	OptedOut  map[string]bool
	Sandbox   map[string]ckSandbox
	Apps      []ckApp
	Endpoints []ckEndpoint
	Recent    []ckAttempt // oldest first
}

type ckTopic struct {
	Live       bool // in Service.topics; false: a deleted topic a token's subscription still names
	Arn, Name  string
	Fifo       bool
	Attrs      map[string]string
	Tags       []Tag
	Subs       []int
	Deleted    int
	DataPolicy string
	Dedup      *ckDedup
}

type ckDedup struct {
	ByID  map[string]ckDedupEntry
	Order []ckDedupKey
	Timer bool // an expiry timer is pending
	Due   []byte
	Arm   uint64
}

type ckDedupEntry struct {
	MessageID, Seq string
	At             []byte
}

type ckDedupKey struct {
	ID string
	At []byte
}

type ckSub struct {
	Arn          string
	Topic        int // index into Topics
	Protocol     string
	Endpoint     string
	Owner        string
	Principal    string
	Pending      bool
	Token        string
	TokenExpires []byte
	AuthOnUnsub  bool
	Authed       bool
	Attrs        map[string]string
}

type ckQueue struct {
	Arn, Name         string
	Fifo              bool
	VisibilityTimeout int64
	Msgs              []ckQueued
}

type ckQueued struct {
	Msg       QueueMessage
	Sent      []byte
	VisibleAt []byte
	Receives  int
	GroupID   string
}

type ckOutbox struct {
	Time                                                                 []byte
	Protocol, Endpoint, TopicArn, SubscriptionArn, MessageId, Type, From string
	Subject, Body                                                        string
}

type ckAttempt struct {
	Time                                                           []byte
	MessageId, TopicArn, SubscriptionArn, Protocol, Endpoint, Type string
	Attempt, StatusCode                                            int
	HasErr                                                         bool
	Err                                                            string
	Final, DeadLettered                                            bool
}

type ckRetry struct {
	Job ckJob
	Due []byte
	Arm uint64
}

type ckTarget struct {
	SubArn, Protocol, Endpoint string
	Raw                        bool
	Dlq                        string
	Retry                      RetryPolicy
	ContentType                string
	MaxPerSecond               int
	EndpointKey                string
}

type ckJob struct {
	Topic     string
	Target    ckTarget
	MsgType   string
	ID        string
	Attempt   int
	Body      string
	Headers   map[string][]string
	QueueAttr map[string]MessageAttributeValue
	QueueSys  map[string]string
	Lambda    *LambdaEvent
	Outside   bool
	Subject   string
	From      string
	DlqBody   string
}

type ckThrottle struct {
	Second []byte
	N      int
}

type ckSandbox struct {
	Status SMSSandboxPhoneNumberVerificationStatus
	OTP    string
}

type ckApp struct {
	Arn       string
	Attrs     map[string]string
	Endpoints map[string]string
}

type ckEndpoint struct {
	Arn, App string
	Attrs    map[string]string
}

// ckTimes turns times into bytes and back, keeping the first error.
type ckTimes struct{ err error }

func (c *ckTimes) enc(t time.Time) []byte {
	b, err := t.MarshalBinary()
	if err != nil && c.err == nil {
		c.err = err
	}
	return b
}

func (c *ckTimes) dec(b []byte) time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(b); err != nil && c.err == nil {
		c.err = fmt.Errorf("a time: %w", err)
	}
	return t
}

var ckEncMode = func() cbor.EncMode {
	m, err := cbor.EncOptions{Sort: cbor.SortCanonical}.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}()

func (c *ckTimes) job(j *job) ckJob {
	return ckJob{
		Topic: j.topic, MsgType: j.msgType, ID: j.id, Attempt: j.attempt, Body: j.body, Headers: j.headers,
		QueueAttr: j.queueAttr, QueueSys: j.queueSys, Lambda: j.lambda, Outside: j.outside, Subject: j.subject, From: j.from, DlqBody: j.dlqBody,
		Target: ckTarget{SubArn: j.target.subArn, Protocol: j.target.protocol, Endpoint: j.target.endpoint, Raw: j.target.raw, Dlq: j.target.dlq,
			Retry: j.target.retry, ContentType: j.target.contentType, MaxPerSecond: j.target.maxPerSecond, EndpointKey: j.target.endpointKey},
	}
}

func (c ckJob) job() *job {
	t := c.Target
	return &job{
		topic: c.Topic, msgType: c.MsgType, id: c.ID, attempt: c.Attempt, body: c.Body, headers: http.Header(c.Headers),
		queueAttr: c.QueueAttr, queueSys: c.QueueSys, lambda: c.Lambda, outside: c.Outside, subject: c.Subject, from: c.From, dlqBody: c.DlqBody,
		target: target{subArn: t.SubArn, protocol: t.Protocol, endpoint: t.Endpoint, raw: t.Raw, dlq: t.Dlq, retry: t.Retry,
			contentType: t.ContentType, maxPerSecond: t.MaxPerSecond, endpointKey: t.EndpointKey},
	}
}

// saveState writes the service's state (op.StateHooks.Save).
func (s *Service) saveState(w io.Writer) error {
	var c ckTimes
	var st ckState
	s.mu.Lock()
	func() {
		defer s.mu.Unlock()
		// Topics: the live ones by ARN, then the dead ones subscriptions name.
		topicIdx := map[*topic]int{}
		var topics []*topic
		for _, a := range sortedKeys(s.topics) {
			t := s.topics[a]
			topicIdx[t] = len(topics)
			topics = append(topics, t)
		}
		subIdx := map[*subscription]int{}
		var subs []*subscription
		addSub := func(sub *subscription) int {
			if i, ok := subIdx[sub]; ok {
				return i
			}
			subIdx[sub] = len(subs)
			subs = append(subs, sub)
			if _, ok := topicIdx[sub.topic]; !ok {
				topicIdx[sub.topic] = len(topics)
				topics = append(topics, sub.topic)
			}
			return subIdx[sub]
		}
		for _, t := range topics[:len(topicIdx)] {
			for _, sub := range t.subs {
				addSub(sub)
			}
		}
		for _, a := range sortedKeys(s.subs) {
			st.Live = append(st.Live, addSub(s.subs[a]))
		}
		st.Tokens = make(map[string]int, len(s.tokens))
		for _, tok := range sortedKeys(s.tokens) {
			st.Tokens[tok] = addSub(s.tokens[tok])
		}
		// A dead topic's own subscriptions (none in practice: a deleted
		// topic's are dropped) are saved too, so that nothing is lost.
		for i := 0; i < len(topics); i++ {
			for _, sub := range topics[i].subs {
				addSub(sub)
			}
		}
		// The pending timers' arming order, as ranks from 1 (what a load
		// renumbers them to), so that a loaded service saves the same bytes.
		var arms []uint64
		for r := range s.timers {
			arms = append(arms, r.arm)
		}
		for _, t := range topics {
			if t.dedup != nil && t.dedup.timer != nil {
				arms = append(arms, t.dedup.arm)
			}
		}
		slices.Sort(arms)
		rank := make(map[uint64]uint64, len(arms))
		for i, a := range arms {
			rank[a] = uint64(i + 1)
		}
		for _, t := range topics {
			ct := ckTopic{Live: s.topics[t.arn] == t, Arn: t.arn, Name: t.name, Fifo: t.fifo, Attrs: t.attrs, Tags: t.tags,
				Deleted: t.deleted, DataPolicy: t.dataPolicy}
			for _, sub := range t.subs {
				ct.Subs = append(ct.Subs, subIdx[sub])
			}
			if d := t.dedup; d != nil {
				cd := &ckDedup{ByID: make(map[string]ckDedupEntry, len(d.byID)), Timer: d.timer != nil}
				for id, e := range d.byID {
					cd.ByID[id] = ckDedupEntry{MessageID: e.messageID, Seq: e.seq, At: c.enc(e.at)}
				}
				for _, k := range d.order[d.head:] {
					cd.Order = append(cd.Order, ckDedupKey{ID: k.id, At: c.enc(k.at)})
				}
				if cd.Timer {
					cd.Due, cd.Arm = c.enc(d.due), rank[d.arm]
				}
				ct.Dedup = cd
			}
			st.Topics = append(st.Topics, ct)
		}
		for _, sub := range subs {
			st.Subs = append(st.Subs, ckSub{Arn: sub.arn, Topic: topicIdx[sub.topic], Protocol: sub.protocol, Endpoint: sub.endpoint,
				Owner: sub.owner, Principal: sub.principal, Pending: sub.pending, Token: sub.token, TokenExpires: c.enc(sub.tokenExpires),
				AuthOnUnsub: sub.authOnUnsub, Authed: sub.authed, Attrs: sub.attrs})
		}
		for _, a := range sortedKeys(s.queues) {
			q := s.queues[a]
			q.locked(func() {
				cq := ckQueue{Arn: q.arn, Name: q.name, Fifo: q.fifo, VisibilityTimeout: int64(q.visibilityTimeout)}
				for _, m := range q.msgs {
					cq.Msgs = append(cq.Msgs, ckQueued{Msg: m.msg, Sent: c.enc(m.sent), VisibleAt: c.enc(m.visibleAt), Receives: m.receives, GroupID: m.groupID})
				}
				st.Queues = append(st.Queues, cq)
			})
		}
		for _, m := range s.outbox {
			st.Outbox = append(st.Outbox, ckOutbox{Time: c.enc(m.Time), Protocol: m.Protocol, Endpoint: m.Endpoint, TopicArn: m.TopicArn,
				SubscriptionArn: m.SubscriptionArn, MessageId: m.MessageId, Type: m.Type, From: m.From, Subject: m.Subject, Body: m.Body})
		}
		retries := make([]*retryState, 0, len(s.timers))
		for r := range s.timers {
			retries = append(retries, r)
		}
		sort.Slice(retries, func(i, j int) bool { return retries[i].arm < retries[j].arm })
		for _, r := range retries {
			st.Retries = append(st.Retries, ckRetry{Job: c.job(r.j), Due: c.enc(r.due), Arm: rank[r.arm]})
		}
		st.Throttles = make(map[string]ckThrottle, len(s.throttles))
		for k, v := range s.throttles {
			st.Throttles[k] = ckThrottle{Second: c.enc(v.second), N: v.n}
		}
		st.FifoCount, st.Seq = s.fifoCount, s.seq
		st.SMS, st.OptedOut = s.sms, s.optedOut
		st.Sandbox = make(map[string]ckSandbox, len(s.sandbox))
		for k, v := range s.sandbox {
			st.Sandbox[k] = ckSandbox{Status: v.status, OTP: v.otp}
		}
		for _, a := range sortedKeys(s.apps) {
			app := s.apps[a]
			st.Apps = append(st.Apps, ckApp{Arn: app.arn, Attrs: app.attrs, Endpoints: app.endpoints})
		}
		for _, a := range sortedKeys(s.endpoints) {
			e := s.endpoints[a]
			st.Endpoints = append(st.Endpoints, ckEndpoint{Arn: e.arn, App: e.app, Attrs: e.attrs})
		}
	}()
	st.Jobs = s.disp.save(&c)
	s.recent.mu.Lock()
	for i := range s.recent.ring {
		a := s.recent.ring[(s.recent.next+i)%len(s.recent.ring)]
		ca := ckAttempt{Time: c.enc(a.Time), MessageId: a.MessageId, TopicArn: a.TopicArn, SubscriptionArn: a.SubscriptionArn,
			Protocol: a.Protocol, Endpoint: a.Endpoint, Type: a.Type, Attempt: a.Attempt, StatusCode: a.StatusCode,
			Final: a.Final, DeadLettered: a.DeadLettered}
		if a.Err != nil {
			ca.HasErr, ca.Err = true, a.Err.Error()
		}
		st.Recent = append(st.Recent, ca)
	}
	s.recent.mu.Unlock()
	if c.err != nil {
		return fmt.Errorf("sns checkpoint: %w", c.err)
	}
	if err := op.WriteState(w, checkpointVersion, ckEncMode, st); err != nil {
		return fmt.Errorf("sns checkpoint: %w", err)
	}
	return nil
}

// save returns the dispatcher's jobs, queued or taken for an attempt (as
// they were when taken), in queue order.
func (d *dispatcher) save(c *ckTimes) []ckJob {
	d.mu.Lock()
	defer d.mu.Unlock()
	seen := map[*job]bool{}
	var jobs []job
	for _, q := range d.queues {
		for _, j := range q.jobs {
			seen[j] = true
			jobs = append(jobs, *j)
		}
	}
	for p, j := range d.flying {
		if !seen[p] {
			jobs = append(jobs, j)
		}
	}
	slices.SortFunc(jobs, func(a, b job) int { return compareSeq(a.seq, b.seq) })
	out := make([]ckJob, 0, len(jobs))
	for i := range jobs {
		out = append(out, c.job(&jobs[i]))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// loadState replaces the state of a service just built with a checkpoint's
// (op.StateHooks.Load) and arms its pending timers again.
func (s *Service) loadState(r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sns checkpoint: unreadable: %v", p)
		}
	}()
	var st ckState
	if err := op.ReadState(r, checkpointVersion, op.StateDecMode, &st); err != nil {
		return fmt.Errorf("sns checkpoint: %w", err)
	}
	return s.apply(&st)
}

// apply builds the service's state from st.
func (s *Service) apply(st *ckState) error {
	var c ckTimes
	bad := func(format string, args ...any) error {
		return fmt.Errorf("sns checkpoint: "+format, args...)
	}
	topics := make([]*topic, len(st.Topics))
	live := map[string]*topic{}
	fifoLive := 0
	type pendingTimer struct {
		arm   uint64
		due   time.Time
		topic *topic
		job   *job
	}
	var timers []pendingTimer
	for i, ct := range st.Topics {
		t := &topic{arn: ct.Arn, name: ct.Name, fifo: ct.Fifo, attrs: ct.Attrs, tags: ct.Tags, deleted: ct.Deleted, dataPolicy: ct.DataPolicy}
		if t.attrs == nil {
			t.attrs = map[string]string{}
		}
		if dp := t.attrs["DeliveryPolicy"]; dp != "" {
			p, err := parseTopicDeliveryPolicy(dp)
			if err != nil {
				return bad("topic %s: DeliveryPolicy: %v", t.arn, err)
			}
			t.delivery = p
		}
		if t.dataPolicy != "" {
			doc, err := parseDataPolicy(t.dataPolicy)
			if err != nil {
				return bad("topic %s: data protection policy: %v", t.arn, err)
			}
			t.dataDoc = doc
		}
		if t.fifo != (ct.Dedup != nil) {
			return bad("topic %s: FIFO without deduplication window, or the reverse", t.arn)
		}
		if cd := ct.Dedup; cd != nil {
			d := newDedupCache()
			for id, e := range cd.ByID {
				d.byID[id] = dedupEntry{messageID: e.MessageID, seq: e.Seq, at: c.dec(e.At)}
			}
			for _, k := range cd.Order {
				d.order = append(d.order, dedupKey{id: k.ID, at: c.dec(k.At)})
			}
			t.dedup = d
			if cd.Timer && ct.Live {
				timers = append(timers, pendingTimer{arm: cd.Arm, due: c.dec(cd.Due), topic: t})
			}
		}
		if ct.Live {
			if live[t.arn] != nil {
				return bad("topic %s twice", t.arn)
			}
			live[t.arn] = t
			if t.fifo {
				fifoLive++
			}
		}
		topics[i] = t
	}
	subs := make([]*subscription, len(st.Subs))
	for i, cs := range st.Subs {
		if cs.Topic < 0 || cs.Topic >= len(topics) {
			return bad("subscription %s: no topic %d", cs.Arn, cs.Topic)
		}
		attrs := cs.Attrs
		if attrs == nil {
			attrs = map[string]string{}
		}
		set, err := s.validateSubAttrs(cs.Protocol, attrs, false)
		if err != nil {
			return bad("subscription %s: %v", cs.Arn, err)
		}
		subs[i] = &subscription{arn: cs.Arn, topic: topics[cs.Topic], protocol: cs.Protocol, endpoint: cs.Endpoint, owner: cs.Owner,
			principal: cs.Principal, pending: cs.Pending, token: cs.Token, tokenExpires: c.dec(cs.TokenExpires), authOnUnsub: cs.AuthOnUnsub,
			authed: cs.Authed, attrs: attrs, filter: set.filter, raw: set.raw, dlq: set.dlq, delivery: set.delivery}
	}
	sub := func(i int) (*subscription, error) {
		if i < 0 || i >= len(subs) {
			return nil, bad("no subscription %d", i)
		}
		return subs[i], nil
	}
	for i, ct := range st.Topics {
		for _, k := range ct.Subs {
			x, err := sub(k)
			if err != nil {
				return err
			}
			topics[i].subs = append(topics[i].subs, x)
		}
	}
	liveSubs := make(map[string]*subscription, len(st.Live))
	for _, k := range st.Live {
		x, err := sub(k)
		if err != nil {
			return err
		}
		liveSubs[x.arn] = x
	}
	tokens := make(map[string]*subscription, len(st.Tokens))
	for tok, k := range st.Tokens {
		x, err := sub(k)
		if err != nil {
			return err
		}
		tokens[tok] = x
	}
	queues := make(map[string]*Queue, len(st.Queues))
	for _, cq := range st.Queues {
		q := &Queue{arn: cq.Arn, name: cq.Name, fifo: cq.Fifo, clock: s.op.Clock, ids: s.op.IDs, svc: s, visibilityTimeout: time.Duration(cq.VisibilityTimeout)}
		for _, m := range cq.Msgs {
			msg := m.Msg
			if msg.Attributes == nil {
				msg.Attributes = map[string]string{}
			}
			q.msgs = append(q.msgs, &queued{msg: msg, sent: c.dec(m.Sent), visibleAt: c.dec(m.VisibleAt), receives: m.Receives, groupID: m.GroupID})
		}
		queues[q.arn] = q
	}
	var outbox []OutboxMessage
	for _, m := range st.Outbox {
		outbox = append(outbox, OutboxMessage{Time: c.dec(m.Time), Protocol: m.Protocol, Endpoint: m.Endpoint, TopicArn: m.TopicArn,
			SubscriptionArn: m.SubscriptionArn, MessageId: m.MessageId, Type: m.Type, From: m.From, Subject: m.Subject, Body: m.Body})
	}
	for _, r := range st.Retries {
		timers = append(timers, pendingTimer{arm: r.Arm, due: c.dec(r.Due), job: r.Job.job()})
	}
	throttles := make(map[string]*throttleState, len(st.Throttles))
	for k, v := range st.Throttles {
		throttles[k] = &throttleState{second: c.dec(v.Second), n: v.N}
	}
	sandbox := make(map[string]*sandboxNumber, len(st.Sandbox))
	for k, v := range st.Sandbox {
		sandbox[k] = &sandboxNumber{status: v.Status, otp: v.OTP}
	}
	apps := make(map[string]*platformApp, len(st.Apps))
	for _, a := range st.Apps {
		app := &platformApp{arn: a.Arn, attrs: a.Attrs, endpoints: a.Endpoints}
		if app.attrs == nil {
			app.attrs = map[string]string{}
		}
		if app.endpoints == nil {
			app.endpoints = map[string]string{}
		}
		apps[a.Arn] = app
	}
	endpoints := make(map[string]*platformEndpoint, len(st.Endpoints))
	for _, e := range st.Endpoints {
		pe := &platformEndpoint{arn: e.Arn, app: e.App, attrs: e.Attrs}
		if pe.attrs == nil {
			pe.attrs = map[string]string{}
		}
		endpoints[e.Arn] = pe
	}
	recent := make([]DeliveryAttempt, 0, len(st.Recent))
	for _, a := range st.Recent {
		da := DeliveryAttempt{Time: c.dec(a.Time), MessageId: a.MessageId, TopicArn: a.TopicArn, SubscriptionArn: a.SubscriptionArn,
			Protocol: a.Protocol, Endpoint: a.Endpoint, Type: a.Type, Attempt: a.Attempt, StatusCode: a.StatusCode,
			Final: a.Final, DeadLettered: a.DeadLettered}
		if a.HasErr {
			da.Err = errors.New(a.Err)
		}
		recent = append(recent, da)
	}
	if len(recent) > MaxRecentDeliveries {
		return bad("%d recent deliveries", len(recent))
	}
	if st.FifoCount != fifoLive {
		return bad("%d FIFO topics counted, %d live", st.FifoCount, fifoLive)
	}
	if c.err != nil {
		return bad("%v", c.err)
	}
	jobs := make([]*job, len(st.Jobs))
	for i, cj := range st.Jobs {
		jobs[i] = cj.job()
	}
	slices.SortStableFunc(timers, func(a, b pendingTimer) int { return compareSeq(a.arm, b.arm) })

	// Everything is read: replace the state.
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.timers {
		t.Stop()
	}
	for _, t := range s.topics {
		if t.dedup != nil && t.dedup.timer != nil {
			t.dedup.timer.Stop()
		}
	}
	s.topics, s.subs, s.tokens, s.queues = live, liveSubs, tokens, queues
	s.outbox, s.throttles = outbox, throttles
	s.fifoCount, s.seq = st.FifoCount, st.Seq
	s.sms, s.optedOut, s.sandbox = st.SMS, st.OptedOut, sandbox
	if s.sms == nil {
		s.sms = map[string]string{}
	}
	if s.optedOut == nil {
		s.optedOut = map[string]bool{}
	}
	s.apps, s.endpoints = apps, endpoints
	s.timers = map[*retryState]clock.Timer{}
	s.armSeq = 0
	s.recent.mu.Lock()
	s.recent.ring, s.recent.next = recent, 0
	s.recent.mu.Unlock()
	if s.op.Closed() {
		return nil
	}
	for _, pt := range timers {
		if pt.topic != nil {
			s.armDedupLocked(pt.topic, pt.due)
		} else {
			s.armRetryLocked(pt.job, pt.due)
		}
	}
	for _, j := range jobs {
		if err := s.disp.push(j); err != nil {
			return bad("queueing a delivery to %s: %v", j.target.subArn, err)
		}
	}
	return nil
}
