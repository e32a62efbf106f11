package sns

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// The HTTP/S delivery pipeline.
//
// A POST to an endpoint outside the process never runs on the goroutine of
// the caller (Publish, Subscribe, Unsubscribe, a bus publisher) nor on the
// clock: those queue a job and return. Jobs wait in one FIFO per endpoint —
// the scheme and host of the URL, the party that answers — and a bounded set
// of workers sends them:
//
//   - [Service.Run] (started by localwatch's Account.Run) runs
//     Options.DeliveryWorkers workers until its context ends; an endpoint has
//     at most Options.MaxDeliveriesPerEndpoint POSTs in flight, so a hanging
//     endpoint holds only its own slots and never delays the others.
//   - [Service.Settle] waits until nothing is queued or in flight. When no Run
//     is active (the manual clock of a test), it sends the queued jobs itself
//     in rounds, each endpoint's jobs one at a time in queue order on at most
//     DeliveryWorkers goroutines that it joins before returning, and applies
//     the results (reports, retries, dead-lettering) in queue order, so a
//     seeded run is byte-identical from one run to the next.
//
// A failed attempt is retried per the subscription's delivery policy: an
// immediate retry goes back to the queue, a delayed one is a timer on the
// clock whose callback only queues the job. The queue and the timers hold the
// messages in flight and nothing else: an endpoint's FIFO is dropped when it
// empties.

// dispatcher is the queue of HTTP/S jobs.
type dispatcher struct {
	workers     int
	perEndpoint int
	maxQueued   int // per endpoint

	mu       sync.Mutex // guards everything below
	cond     *sync.Cond // waits on mu; broadcast on every change below
	seq      uint64
	queues   map[string]*endpointQueue // endpoints with queued or in-flight jobs
	runnable []*endpointQueue          // endpoints with a queued job and a free slot, round robin
	queued   int
	inflight int
	// flying holds the jobs taken for an attempt (by a Run worker or a
	// Settle round) and not yet done, each as it was when taken (before the
	// attempt counted): a checkpoint saves them as queued, for the attempt
	// whose result it cannot know to be made again after a load.
	flying  map[*job]job
	runners int  // active Run calls
	driving bool // a Settle is sending a round itself
	closed  bool
}

type endpointQueue struct {
	key    string
	jobs   []*job
	active int
	listed bool // in runnable
}

func newDispatcher(workers, perEndpoint, maxQueued int) *dispatcher {
	d := &dispatcher{workers: workers, perEndpoint: perEndpoint, maxQueued: maxQueued, queues: map[string]*endpointQueue{}, flying: map[*job]job{}}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// relistLocked puts q on the runnable list if it has a job and a free slot.
func (d *dispatcher) relistLocked(q *endpointQueue) {
	if !q.listed && len(q.jobs) > 0 && q.active < d.perEndpoint {
		q.listed = true
		d.runnable = append(d.runnable, q)
	}
}

func (d *dispatcher) queueLocked(key string) *endpointQueue {
	q := d.queues[key]
	if q == nil {
		q = &endpointQueue{key: key}
		d.queues[key] = q
	}
	return q
}

// push queues j at the back of its endpoint's FIFO. It fails after Close
// (errClosedQueue) and when the endpoint already has maxQueued messages
// waiting (errQueueFull).
func (d *dispatcher) push(j *job) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errClosedQueue
	}
	if q := d.queues[j.target.endpointKey]; q != nil && len(q.jobs) >= d.maxQueued {
		return errQueueFull
	}
	d.seq++
	j.seq = d.seq
	q := d.queueLocked(j.target.endpointKey)
	q.jobs = append(q.jobs, j)
	d.queued++
	d.relistLocked(q)
	d.cond.Broadcast()
	return nil
}

var (
	errClosedQueue = errors.New("sns: service closed")
	errQueueFull   = errors.New("the endpoint's delivery queue is full")
)

// requeue puts jobs that were taken but not attempted back at the front of
// their FIFOs, in their original order.
func (d *dispatcher) requeue(jobs []*job) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	for i := len(jobs) - 1; i >= 0; i-- {
		j := jobs[i]
		q := d.queueLocked(j.target.endpointKey)
		q.jobs = slices.Insert(q.jobs, 0, j)
		d.queued++
		d.relistLocked(q)
	}
	d.cond.Broadcast()
}

// remove takes the queued job for one subscription, message and type out of
// its queue (a journal replaying a delivery result); nil if none is queued.
func (d *dispatcher) remove(subArn, messageID, msgType string) *job {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, q := range d.queues {
		for i, j := range q.jobs {
			if j.target.subArn == subArn && j.id == messageID && j.msgType == msgType {
				q.jobs = slices.Delete(q.jobs, i, i+1)
				d.queued--
				if q.listed && len(q.jobs) == 0 {
					d.runnable = slices.DeleteFunc(d.runnable, func(x *endpointQueue) bool { return x == q })
					q.listed = false
				}
				d.forgetOrRelistLocked(q)
				d.cond.Broadcast()
				return j
			}
		}
	}
	return nil
}

// take waits for a runnable job for a Run worker; nil means stop.
func (d *dispatcher) take(ctx context.Context) *job {
	d.mu.Lock()
	defer d.mu.Unlock()
	for !d.closed && ctx.Err() == nil && len(d.runnable) == 0 {
		d.cond.Wait()
	}
	if d.closed || ctx.Err() != nil {
		return nil
	}
	q := d.runnable[0]
	d.runnable = d.runnable[1:]
	q.listed = false
	j := q.jobs[0]
	q.jobs[0] = nil
	q.jobs = q.jobs[1:]
	q.active++
	d.queued--
	d.inflight++
	d.flying[j] = *j
	d.relistLocked(q)
	return j
}

// done ends a Run worker's attempt at j.
func (d *dispatcher) done(j *job) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight--
	delete(d.flying, j)
	if q := d.queues[j.target.endpointKey]; q != nil {
		q.active--
		d.forgetOrRelistLocked(q)
	}
	d.cond.Broadcast()
}

func (d *dispatcher) forgetOrRelistLocked(q *endpointQueue) {
	if len(q.jobs) == 0 && q.active == 0 {
		delete(d.queues, q.key)
		return
	}
	d.relistLocked(q)
}

// nextRound waits until the queue has settled (done), or returns every queued
// job for a Settle to send itself when no Run is active.
func (d *dispatcher) nextRound(ctx context.Context) (round []*job, settled bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		switch {
		case d.closed:
			return nil, false, awserr.Closed("ServiceUnavailable")
		case d.queued == 0 && d.inflight == 0:
			return nil, true, nil
		case ctx.Err() != nil:
			return nil, false, ctx.Err()
		case d.runners == 0 && !d.driving && d.queued > 0:
			for _, q := range d.queues {
				round = append(round, q.jobs...)
				q.jobs, q.listed = nil, false
				d.forgetOrRelistLocked(q)
			}
			slices.SortFunc(round, func(a, b *job) int { return compareSeq(a.seq, b.seq) })
			for _, j := range round {
				d.flying[j] = *j
			}
			d.runnable = d.runnable[:0]
			d.queued -= len(round)
			d.inflight += len(round)
			d.driving = true
			return round, false, nil
		}
		d.cond.Wait()
	}
}

func compareSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// endRound ends a Settle's round.
func (d *dispatcher) endRound(round []*job) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight -= len(round)
	for _, j := range round {
		delete(d.flying, j)
	}
	d.driving = false
	d.cond.Broadcast()
}

func (d *dispatcher) wake() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cond.Broadcast()
}

func (d *dispatcher) addRunner(delta int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed && delta > 0 {
		return false
	}
	d.runners += delta
	d.cond.Broadcast()
	return true
}

// close drops every queued job and wakes every waiter.
func (d *dispatcher) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.queues = map[string]*endpointQueue{}
	d.flying = map[*job]job{}
	d.runnable = nil
	d.queued = 0
	d.cond.Broadcast()
}

// pending returns how many jobs are queued and in flight.
func (d *dispatcher) pending() (queued, inflight int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.queued, d.inflight
}

// Run sends queued HTTP/S deliveries on Options.DeliveryWorkers workers until
// ctx is done, then waits for the attempts in flight to end (an attempt
// interrupted by ctx is queued again, not counted) and returns ctx.Err().
// localwatch's Account.Run calls it; an application that builds a Service on
// its own starts it with `go s.Run(ctx)`. Without Run, deliveries wait in the
// queue until [Service.Settle] sends them. After Close it returns the
// ServiceUnavailable error.
func (s *Service) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	d := s.disp
	if !d.addRunner(1) {
		return s.op.CheckOpen()
	}
	stop := context.AfterFunc(ctx, d.wake)
	defer stop()
	var wg sync.WaitGroup
	for range d.workers {
		wg.Go(func() { s.work(ctx) })
	}
	wg.Wait()
	d.addRunner(-1)
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.op.CheckOpen()
}

// work is one Run worker.
func (s *Service) work(ctx context.Context) {
	d := s.disp
	for {
		j := d.take(ctx)
		if j == nil {
			return
		}
		status, err := s.post(ctx, j)
		if ctx.Err() != nil && err != nil {
			// Run is stopping: the attempt did not happen as far as the
			// subscription is concerned.
			j.attempt--
			d.requeue([]*job{j}) // before done: a Settle never sees the job gone
			d.done(j)
			continue
		}
		s.afterRemoteAttempt(j, status, err)
		d.done(j)
	}
}

// Settle waits until no HTTP/S delivery is queued or in flight: every queued
// message has been POSTed and its result applied (a failed attempt's
// immediate retries included; retries that wait on the clock are timers, sent
// after the clock reaches them and Settle is called again). When no
// [Service.Run] is active, Settle sends the deliveries itself (see the
// package's Data flow), deterministically. It returns ctx.Err() if ctx ends
// first, and the ServiceUnavailable error after Close. In-process deliveries
// (queues, functions, the outbox) never wait: they happen before Publish
// returns.
func (s *Service) Settle(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	d := s.disp
	stop := context.AfterFunc(ctx, d.wake)
	defer stop()
	for {
		round, settled, err := d.nextRound(ctx)
		if err != nil || settled {
			return err
		}
		s.sendRound(ctx, round)
	}
}

// sendRound POSTs a Settle's round: each endpoint's jobs in order, endpoints
// concurrently on at most DeliveryWorkers goroutines; then the results are
// applied in queue order.
func (s *Service) sendRound(ctx context.Context, round []*job) {
	d := s.disp
	defer d.endRound(round)
	type result struct {
		status    int
		err       error
		attempted bool
	}
	results := make([]result, len(round))
	var groups [][]int // indexes into round, per endpoint, in order
	byKey := map[string]int{}
	for i, j := range round {
		g, ok := byKey[j.target.endpointKey]
		if !ok {
			g = len(groups)
			byKey[j.target.endpointKey] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	next := make(chan []int)
	var wg sync.WaitGroup
	for range min(d.workers, len(groups)) {
		wg.Go(func() {
			for g := range next {
				for _, i := range g {
					if ctx.Err() != nil {
						break
					}
					st, err := s.post(ctx, round[i])
					if ctx.Err() != nil && err != nil {
						round[i].attempt-- // Settle gave up: not an attempt
						break
					}
					results[i] = result{status: st, err: err, attempted: true}
				}
			}
		})
	}
	for _, g := range groups {
		next <- g
	}
	close(next)
	wg.Wait()
	var again []*job
	for i, j := range round {
		if !results[i].attempted {
			again = append(again, j)
			continue
		}
		s.afterRemoteAttempt(j, results[i].status, results[i].err)
	}
	if len(again) > 0 {
		d.requeue(again)
	}
}

// post makes one attempt at a queued HTTP/S job, bounded by the endpoint
// timeout and aborted by Close, or calls the Go function of a retry queued
// by retryOutside. The caller undoes the attempt (attempt--)
// when its own ctx ended it.
func (s *Service) post(ctx context.Context, j *job) (int, error) {
	j.attempt++
	if j.outside {
		// A Go function's retry (retryOutside): called here, outside any
		// call, aborted by Close.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(s.life, cancel)
		defer stop()
		return s.attempt(ctx, j)
	}
	ctx, cancel := context.WithTimeout(ctx, s.httpTimeout)
	defer cancel()
	stop := context.AfterFunc(s.life, cancel)
	defer stop()
	return s.postHTTP(ctx, j.target.endpoint, j.headers, j.body)
}

// afterRemoteAttempt applies an HTTP/S attempt's result through
// deliveryResult, the one way a worker's (or Settle's) outcome enters the
// service's state.
func (s *Service) afterRemoteAttempt(j *job, status int, err error) {
	in := deliveryResultInput{
		SubscriptionArn: j.target.subArn, MessageId: j.id, Type: j.msgType,
		Attempt: j.attempt, StatusCode: status,
		job: j, err: err,
	}
	if err != nil {
		in.Error = err.Error()
		var ce *clientError
		var fe *finalError
		switch {
		case errors.As(err, &ce):
			in.ErrorKind = errorKindClient
		case errors.As(err, &fe):
			in.ErrorKind = errorKindFinal
		}
	}
	// Unrecorded: CloudTrail logs no call for a delivery result.
	_, _ = op.Do(s.unrecorded, &s.op, event.Call{Name: opDeliveryResult}, in, s.deliveryResult)
}

// deliveryResultInput is the outcome of one HTTP/S delivery attempt, as a
// journal logs it (every field it needs is exported; job and err are the
// live values and are absent on replay).
type deliveryResultInput struct {
	// SubscriptionArn, MessageId and Type name the job: one message (or
	// confirmation) on its way to one subscription.
	SubscriptionArn string
	MessageId       string
	Type            string
	// Attempt counts the attempts made, this one included.
	Attempt int
	// StatusCode is the endpoint's HTTP status (0: no response).
	StatusCode int
	// Error is empty when the message was delivered; ErrorKind tells the
	// failures not retried (errorKindClient, errorKindFinal) from the others.
	Error     string
	ErrorKind string

	job *job
	err error
}

const (
	errorKindClient = "client" // the endpoint cannot take it: dead-lettered at once
	errorKindFinal  = "final"  // a server-side failure not worth retrying
)

// deliveryResult applies the result of an HTTP/S attempt made outside the
// service's state (by a Run worker or a Settle round): it reports the
// attempt, then retries the job (at once through the queue, or later on the
// clock), dead-letters it or drops it.
//
// It is an internal operation (opDeliveryResult), run through op.Do under an
// Unrecorded context so that CloudTrail records nothing but a journal
// (issue 22) logs it: replaying the journal replays the results in their
// order instead of repeating the HTTP requests. On replay in.job is nil and
// the job is found in the delivery queue, where the replayed Publish (or an
// earlier replayed result's retry) left it; a result for a job that is not
// there (the subscription has gone) changes nothing.
func (s *Service) deliveryResult(ctx context.Context, _ *event.Call, in deliveryResultInput) (struct{}, error) {
	if s.life.Err() != nil {
		return struct{}{}, nil // closed: results are dropped with the queue
	}
	j, err := in.job, in.err
	if j == nil {
		if j = s.disp.remove(in.SubscriptionArn, in.MessageId, in.Type); j == nil {
			return struct{}{}, nil
		}
		j.attempt = in.Attempt
	}
	if err == nil && in.Error != "" {
		switch in.ErrorKind {
		case errorKindClient:
			err = &clientError{in.Error}
		case errorKindFinal:
			err = &finalError{in.Error}
		default:
			err = errors.New(in.Error)
		}
	}
	if s.afterAttempt(j, in.StatusCode, err) {
		s.dispatch(ctx, j)
	}
	return struct{}{}, nil
}

// clampDuration keeps an option within [lo, hi].
func clampDuration(d, def, lo, hi time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return min(max(d, lo), hi)
}
