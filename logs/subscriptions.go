package logs

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/localwatch/localwatch/internal/awserr"
	"io"
	"sort"
	"strings"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/logs/filterpattern"
)

// SubscriptionMessage is the payload CloudWatch Logs sends to a subscription
// destination, as JSON before gzip: a DATA_MESSAGE with the matching events of
// one log stream, or a CONTROL_MESSAGE checking that a Kinesis or Firehose
// destination is reachable.
type SubscriptionMessage struct {
	MessageType         string                 `json:"messageType"`
	Owner               string                 `json:"owner"`
	LogGroup            string                 `json:"logGroup"`
	LogStream           string                 `json:"logStream"`
	SubscriptionFilters []string               `json:"subscriptionFilters"`
	LogEvents           []SubscriptionLogEvent `json:"logEvents"`
}

// SubscriptionLogEvent is one event of a SubscriptionMessage. ExtractedFields
// carries the fields of a space-delimited pattern ("$1", "$name").
type SubscriptionLogEvent struct {
	ID              string            `json:"id"`
	Timestamp       int64             `json:"timestamp"`
	Message         string            `json:"message"`
	ExtractedFields map[string]string `json:"extractedFields,omitempty"`
}

// SubscriptionDelivery is one delivery to a subscription destination. It is
// published on the bus for every destination ARN, and handed to the Destination
// registered for that ARN, if any.
type SubscriptionDelivery struct {
	DestinationArn string
	RoleArn        string
	FilterName     string
	LogGroupName   string
	// Data is the gzip-compressed JSON of Message, the bytes a Kinesis record or
	// Firehose record carries (and, base64-encoded, a Lambda event's awslogs.data).
	Data []byte
	// Message is Data decoded.
	Message SubscriptionMessage
}

// LambdaEvent returns the event a Lambda function subscribed to a log group
// receives: {"awslogs":{"data":"<base64 of Data>"}}.
func (d SubscriptionDelivery) LambdaEvent() []byte {
	b, _ := json.Marshal(map[string]map[string]string{"awslogs": {"data": base64.StdEncoding.EncodeToString(d.Data)}})
	return b
}

// DecodeSubscriptionData decodes a delivery's gzip-compressed JSON payload.
func DecodeSubscriptionData(data []byte) (SubscriptionMessage, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return SubscriptionMessage{}, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return SubscriptionMessage{}, err
	}
	var m SubscriptionMessage
	err = json.Unmarshal(raw, &m)
	return m, err
}

func encodeSubscriptionData(m SubscriptionMessage) []byte {
	raw, _ := json.Marshal(m)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	return buf.Bytes()
}

// Destination receives subscription deliveries for a destination ARN; it plays
// the part of the Lambda function (or Kinesis stream, Firehose stream) the ARN
// names. It is called synchronously, after the PutLogEvents that produced the
// events has stored them and without any lock of the service held; its error
// is dropped, as AWS drops a delivery after its retries fail. A panic in it is
// recovered and reported through Options.Logger: it never reaches the caller
// of PutLogEvents, and the other deliveries still happen.
type Destination func(ctx context.Context, d SubscriptionDelivery) error

// RegisterDestination makes fn receive the deliveries of every subscription
// filter whose destinationArn is arnStr. It returns a function that removes it.
func (s *Service) RegisterDestination(arnStr string, fn Destination) (unregister func()) {
	s.setDestination(arnStr, fn)
	return func() { s.setDestination(arnStr, nil) }
}

type subscriptionFilter struct {
	desc    SubscriptionFilter
	pattern *filterpattern.Pattern
}

func destinationService(destinationArn string) (string, error) {
	a, err := arn.Parse(destinationArn)
	if err != nil {
		return "", errInvalid("Invalid destinationArn %q: %v", destinationArn, err)
	}
	switch a.Service {
	case "lambda", "kinesis", "firehose", "logs":
		return a.Service, nil
	}
	return "", errInvalid("Invalid destinationArn %q: the destination must be a Lambda function, Kinesis data stream, Firehose delivery stream or CloudWatch Logs destination", destinationArn)
}

// PutSubscriptionFilter creates or replaces a subscription filter (at most 2 per
// log group). Matching events ingested from then on are delivered to the
// destination. Kinesis and Firehose destinations need a RoleArn and receive a
// CONTROL_MESSAGE when the filter is created.
func (s *Service) PutSubscriptionFilter(ctx context.Context, in PutSubscriptionFilterInput) (*PutSubscriptionFilterOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutSubscriptionFilter", Resources: s.groupResource(in.LogGroupName)}, in, s.putSubscriptionFilter)
}

func (s *Service) putSubscriptionFilter(ctx context.Context, c *event.Call, in PutSubscriptionFilterInput) (out *PutSubscriptionFilterOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateFilterName(in.FilterName); err != nil {
		return nil, err
	}
	p, err := compilePattern(in.FilterPattern)
	if err != nil {
		return nil, err
	}
	if in.DestinationArn == "" {
		return nil, errConstraint("destinationArn", "", "Member must have length greater than or equal to 1")
	}
	svc, err := destinationService(in.DestinationArn)
	if err != nil {
		return nil, err
	}
	// A Lambda function of another account needs a CloudWatch Logs
	// destination (and its policy): AWS refuses it before looking the group up.
	if a, _ := arn.Parse(in.DestinationArn); svc == "lambda" && a.AccountID != s.account {
		return nil, awserr.New("AccessDeniedException", "Cross-account lambda invocation passing is not allowed. You must use DestinationPolicies to create cross account lambda triggers.")
	}
	if (svc == "kinesis" || svc == "firehose") && in.RoleArn == "" {
		return nil, errInvalid("A roleArn is required to deliver to %s", in.DestinationArn)
	}
	if in.RoleArn != "" && !arn.IsARN(in.RoleArn) {
		return nil, errInvalid("Invalid roleArn %q", in.RoleArn)
	}
	dist := in.Distribution
	switch dist {
	case "":
		dist = DistributionByLogStream
	case DistributionRandom, DistributionByLogStream:
	default:
		return nil, errConstraint("distribution", dist, "Member must satisfy enum value set: [Random, ByLogStream]")
	}
	now, err := s.storeSubscription(in, p, dist)
	if err != nil {
		return nil, err
	}
	if svc == "kinesis" || svc == "firehose" {
		msg := SubscriptionMessage{
			MessageType: "CONTROL_MESSAGE", Owner: "CloudwatchLogs", LogGroup: "", LogStream: "", SubscriptionFilters: []string{},
			LogEvents: []SubscriptionLogEvent{{ID: "", Timestamp: now, Message: "CWL CONTROL MESSAGE: Checking health of destination " + map[string]string{"kinesis": "Kinesis stream.", "firehose": "Firehose."}[svc]}},
		}
		s.deliver(ctx, SubscriptionDelivery{DestinationArn: in.DestinationArn, RoleArn: in.RoleArn, FilterName: in.FilterName,
			LogGroupName: in.LogGroupName, Data: encodeSubscriptionData(msg), Message: msg})
	}
	return &PutSubscriptionFilterOutput{}, nil
}

// storeSubscription stores a validated subscription filter under the lock and
// returns the time it was stored.
func (s *Service) storeSubscription(in PutSubscriptionFilterInput, p *filterpattern.Pattern, dist Distribution) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return 0, err
	}
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return 0, errGroupNotFound(in.LogGroupName)
	}
	// A destination of this account and Region must exist; another
	// account's is checked when it receives the delivery.
	if name, own := s.ownDestination(in.DestinationArn); own && s.destinations[name] == nil {
		return 0, awserr.New("ResourceNotFoundException", msgDestinationNotFound)
	}
	old, replacing := g.subs[in.FilterName]
	if !replacing && len(g.subs) >= MaxSubscriptionsPerGroup {
		return 0, errLimit("subscription filters per log group (2)")
	}
	if p.RegexCount() > 0 && regexFiltersLocked(g, "", in.FilterName) >= MaxRegexFiltersPerGroup {
		return 0, errLimit("filter patterns containing regular expressions per log group (5)")
	}
	now := s.nowMS()
	sf := &subscriptionFilter{pattern: p, desc: SubscriptionFilter{
		FilterName: in.FilterName, LogGroupName: in.LogGroupName, FilterPattern: in.FilterPattern,
		DestinationArn: in.DestinationArn, RoleArn: in.RoleArn, Distribution: dist,
		ApplyOnTransformedLogs: in.ApplyOnTransformedLogs != nil && *in.ApplyOnTransformedLogs, CreationTime: now,
	}}
	if replacing {
		sf.desc.CreationTime = old.desc.CreationTime
	}
	g.subs[in.FilterName] = sf
	return now, nil
}

// DeleteSubscriptionFilter deletes a subscription filter.
func (s *Service) DeleteSubscriptionFilter(ctx context.Context, in DeleteSubscriptionFilterInput) (*DeleteSubscriptionFilterOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteSubscriptionFilter", Resources: s.groupResource(in.LogGroupName)}, in, s.deleteSubscriptionFilter)
}

func (s *Service) deleteSubscriptionFilter(ctx context.Context, c *event.Call, in DeleteSubscriptionFilterInput) (out *DeleteSubscriptionFilterOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := validateFilterName(in.FilterName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	if _, ok := g.subs[in.FilterName]; !ok {
		return nil, awserr.New("ResourceNotFoundException", msgSubFilterNotFound)
	}
	delete(g.subs, in.FilterName)
	return &DeleteSubscriptionFilterOutput{}, nil
}

// DescribeSubscriptionFilters lists a group's subscription filters in name order.
func (s *Service) DescribeSubscriptionFilters(ctx context.Context, in DescribeSubscriptionFiltersInput) (*DescribeSubscriptionFiltersOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeSubscriptionFilters", ReadOnly: true}, in, s.describeSubscriptionFilters)
}

func (s *Service) describeSubscriptionFilters(ctx context.Context, c *event.Call, in DescribeSubscriptionFiltersInput) (out *DescribeSubscriptionFiltersOutput, err error) {
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	limit, err := limitOf("limit", in.Limit, MaxDescribeLimit, MaxDescribeLimit)
	if err != nil {
		return nil, err
	}
	offset, err := offsetToken(in.NextToken, "u:")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, ok := s.groups[in.LogGroupName]
	if !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	var all []SubscriptionFilter
	for _, name := range sortedKeys(g.subs) {
		if strings.HasPrefix(name, in.FilterNamePrefix) {
			all = append(all, g.subs[name].desc)
		}
	}
	out = &DescribeSubscriptionFiltersOutput{}
	out.SubscriptionFilters, out.NextToken = page(all, offset, limit, "u:")
	return out, nil
}

// deliverSubscriptions sends each subscription filter's matching events of a
// batch to its destination, as one DATA_MESSAGE.
func (s *Service) deliverSubscriptions(ctx context.Context, w *ingested) {
	for _, sf := range w.subs {
		delimited := sf.pattern.Kind() == filterpattern.KindSpaceDelimited
		var evs []SubscriptionLogEvent
		for i := range w.events {
			e := &w.events[i]
			msg := bytesOf(e.Message)
			ok := sf.pattern.Match(msg)
			var fields map[string]string
			if ok && delimited {
				fields, ok = sf.pattern.Fields(msg)
			}
			if ok {
				evs = append(evs, SubscriptionLogEvent{
					ID: eventID(key{e.Timestamp, w.seq0 + uint64(i)}), Timestamp: e.Timestamp, Message: e.Message, ExtractedFields: fields,
				})
			}
		}
		if len(evs) == 0 {
			continue
		}
		msg := SubscriptionMessage{
			MessageType: "DATA_MESSAGE", Owner: s.account, LogGroup: w.group, LogStream: w.stream,
			SubscriptionFilters: []string{sf.desc.FilterName}, LogEvents: evs,
		}
		s.deliver(ctx, SubscriptionDelivery{
			DestinationArn: sf.desc.DestinationArn, RoleArn: sf.desc.RoleArn, FilterName: sf.desc.FilterName,
			LogGroupName: w.group, Data: encodeSubscriptionData(msg), Message: msg,
		})
	}
}

func (s *Service) deliver(ctx context.Context, d SubscriptionDelivery) {
	if _, own := s.ownDestination(d.DestinationArn); own {
		// A destination of this account forwards to its target; the
		// delivery to the destination itself is published too.
		if s.bus != nil {
			_ = bus.Publish(ctx, s.bus, d)
		}
		_ = s.forwardToDestination(ctx, d)
		return
	}
	if fn := s.destination(d.DestinationArn); fn != nil {
		s.callDestination(ctx, fn, d)
	}
	if s.bus != nil {
		_ = bus.Publish(ctx, s.bus, d)
	}
}

// onLogDelivery ingests events a trail sends to a log group (CloudTrail →
// CloudWatch Logs): the stream is created if missing, and the events are stored
// in PutLogEvents-sized batches under PutLogEvents' rules (too old or too new
// events are dropped).
func (s *Service) onLogDelivery(ctx context.Context, d event.LogDelivery) error {
	if len(d.Events) == 0 || (d.AccountID != "" && d.AccountID != s.account) || (d.Region != "" && d.Region != s.region) {
		return nil
	}
	if err := validateGroupName("logGroupName", d.LogGroupName); err != nil {
		return err
	}
	if err := validateStreamName("logStreamName", d.LogStreamName); err != nil {
		return err
	}
	evs := make([]InputLogEvent, 0, len(d.Events))
	for _, e := range d.Events {
		if e.Message == "" || len(e.Message) > MaxEventBytes || e.Timestamp < 0 {
			continue
		}
		evs = append(evs, InputLogEvent{Timestamp: e.Timestamp, Message: strings.ToValidUTF8(e.Message, "\uFFFD")})
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Timestamp < evs[j].Timestamp })
	var errs []error
	for len(evs) > 0 {
		n, size := 0, 0
		for n < len(evs) && n < MaxBatchEvents {
			sz := len(evs[n].Message) + EventOverheadBytes
			if size+sz > MaxBatchBytes || evs[n].Timestamp-evs[0].Timestamp > MaxBatchSpan.Milliseconds() {
				break
			}
			size += sz
			n++
		}
		_, work, err := s.ingest(d.LogGroupName, d.LogStreamName, evs[:n], true)
		if err != nil {
			errs = append(errs, err)
			break
		}
		s.afterIngest(ctx, work)
		evs = evs[n:]
	}
	return errors.Join(errs...)
}

// callDestination runs a user's Destination under recover: a panic is reported
// through Options.Logger, naming the destination, and delivery goes on (to the
// bus and to the other filters), as an error from the function would.
func (s *Service) callDestination(ctx context.Context, fn Destination, d SubscriptionDelivery) {
	defer func() {
		if r := recover(); r != nil {
			s.reportPanic("subscription destination "+d.DestinationArn, r)
		}
	}()
	_ = fn(ctx, d)
}

// setDestination registers fn for arnStr (nil removes it).
func (s *Service) setDestination(arnStr string, fn Destination) {
	s.destMu.Lock()
	defer s.destMu.Unlock()
	if fn == nil {
		delete(s.dests, arnStr)
		return
	}
	s.dests[arnStr] = fn
}

func (s *Service) destination(arnStr string) Destination {
	s.destMu.RLock()
	defer s.destMu.RUnlock()
	return s.dests[arnStr]
}
