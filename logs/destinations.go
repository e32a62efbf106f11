package logs

import (
	"context"
	"encoding/json"
	"github.com/localwatch/localwatch/internal/awserr"
	"maps"
	"strings"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// MaxAccessPolicyBytes is the longest destination access policy AWS accepts
// ("This can be up to 5120 bytes", PutDestinationPolicy).
const MaxAccessPolicyBytes = 5120

const msgDestinationNotFound = "The specified destination does not exist."

type destination struct {
	desc DestinationDescription
	tags map[string]string
}

func (s *Service) destinationARN(name string) string {
	return arn.New("logs", s.region, s.account, "destination:"+name)
}

func (s *Service) destinationResource(name string) []event.Resource {
	return []event.Resource{{ARN: s.destinationARN(name), AccountID: s.account, Type: "AWS::Logs::Destination"}}
}

// validateDestinationName applies the DestinationName shape: 1-512
// characters, pattern [^:*]*.
func validateDestinationName(field, name string) error {
	return validateStreamName(field, name)
}

// PutDestination creates or updates a destination: a name in this account
// that subscription filters (of this or, with an access policy, other
// accounts) use as their destinationArn, and whose deliveries are forwarded
// to TargetArn with RoleArn. An update keeps the destination's access policy,
// creation time and tags. As AWS, a new destination has no access policy,
// so no other account may deliver to it until PutDestinationPolicy.
//
// TargetArn is the Kinesis data stream (or Firehose stream, or Lambda
// function) the destination stands for; here it names the Destination
// function registered with RegisterDestination for that ARN, and the bus
// carries the forwarded SubscriptionDelivery too.
func (s *Service) PutDestination(ctx context.Context, in PutDestinationInput) (*PutDestinationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDestination", Resources: s.destinationResource(in.DestinationName)}, in, s.putDestination)
}

func (s *Service) putDestination(ctx context.Context, c *event.Call, in PutDestinationInput) (out *PutDestinationOutput, err error) {
	if err := validateDestinationName("destinationName", in.DestinationName); err != nil {
		return nil, err
	}
	if in.TargetArn == "" {
		return nil, errConstraint("targetArn", "", "Member must have length greater than or equal to 1")
	}
	if in.RoleArn == "" {
		return nil, errConstraint("roleArn", "", "Member must have length greater than or equal to 1")
	}
	t, err := arn.Parse(in.TargetArn)
	if err != nil {
		return nil, errInvalid("Invalid targetArn %q: %v", in.TargetArn, err)
	}
	if t.Service == "logs" {
		// A destination forwards to the stream it stands for, never to
		// another destination (which could loop).
		return nil, errInvalid("Invalid targetArn %q: a destination's target is a Kinesis data stream, Firehose delivery stream or Lambda function", in.TargetArn)
	}
	if !arn.IsARN(in.RoleArn) {
		return nil, errInvalid("Invalid roleArn %q", in.RoleArn)
	}
	if in.Tags != nil {
		if len(in.Tags) == 0 {
			return nil, errConstraint("tags", len(in.Tags), "Member must have length greater than or equal to 1")
		}
		if err := validateTags(in.Tags); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	d, ok := s.destinations[in.DestinationName]
	if !ok {
		d = &destination{desc: DestinationDescription{DestinationName: in.DestinationName, Arn: s.destinationARN(in.DestinationName), CreationTime: s.nowMS()},
			tags: maps.Clone(in.Tags)}
		s.destinations[in.DestinationName] = d
	}
	d.desc.TargetArn, d.desc.RoleArn = in.TargetArn, in.RoleArn
	desc := d.desc
	return &PutDestinationOutput{Destination: &desc}, nil
}

// PutDestinationPolicy sets a destination's access policy: the IAM policy
// document naming the accounts (or organizations) whose subscription filters
// may deliver to it. The document must be JSON of at most 5,120 bytes with a
// Statement; a missing destination is ResourceNotFoundException.
func (s *Service) PutDestinationPolicy(ctx context.Context, in PutDestinationPolicyInput) (*PutDestinationPolicyOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "PutDestinationPolicy", Resources: s.destinationResource(in.DestinationName)}, in, s.putDestinationPolicy)
}

func (s *Service) putDestinationPolicy(ctx context.Context, c *event.Call, in PutDestinationPolicyInput) (out *PutDestinationPolicyOutput, err error) {
	if err := validateDestinationName("destinationName", in.DestinationName); err != nil {
		return nil, err
	}
	if in.AccessPolicy == "" {
		return nil, errConstraint("accessPolicy", "", "Member must have length greater than or equal to 1")
	}
	if len(in.AccessPolicy) > MaxAccessPolicyBytes {
		return nil, errInvalid("Invalid accessPolicy: the policy document is longer than %d bytes", MaxAccessPolicyBytes)
	}
	if _, err := parsePolicy("accessPolicy", in.AccessPolicy); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	d, ok := s.destinations[in.DestinationName]
	if !ok {
		return nil, awserr.New("ResourceNotFoundException", msgDestinationNotFound)
	}
	d.desc.AccessPolicy = in.AccessPolicy
	return &PutDestinationPolicyOutput{}, nil
}

// DescribeDestinations lists the destinations in name order, optionally those
// whose name starts with DestinationNamePrefix (at most 50 a page).
func (s *Service) DescribeDestinations(ctx context.Context, in DescribeDestinationsInput) (*DescribeDestinationsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeDestinations", ReadOnly: true}, in, s.describeDestinations)
}

func (s *Service) describeDestinations(ctx context.Context, c *event.Call, in DescribeDestinationsInput) (out *DescribeDestinationsOutput, err error) {
	if in.DestinationNamePrefix != "" {
		if err := validateDestinationName("destinationNamePrefix", in.DestinationNamePrefix); err != nil {
			return nil, err
		}
	}
	limit, err := limitOf("limit", in.Limit, MaxDescribeLimit, MaxDescribeLimit)
	if err != nil {
		return nil, err
	}
	offset, err := offsetToken(in.NextToken, "d:")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []DestinationDescription
	for _, name := range sortedKeys(s.destinations) {
		if strings.HasPrefix(name, in.DestinationNamePrefix) {
			all = append(all, s.destinations[name].desc)
		}
	}
	out = &DescribeDestinationsOutput{}
	out.Destinations, out.NextToken = page(all, offset, limit, "d:")
	return out, nil
}

// DeleteDestination deletes a destination. Subscription filters that name it
// stay, as in AWS, and their deliveries are dropped from then on.
func (s *Service) DeleteDestination(ctx context.Context, in DeleteDestinationInput) (*DeleteDestinationOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteDestination", Resources: s.destinationResource(in.DestinationName)}, in, s.deleteDestination)
}

func (s *Service) deleteDestination(ctx context.Context, c *event.Call, in DeleteDestinationInput) (out *DeleteDestinationOutput, err error) {
	if err := validateDestinationName("destinationName", in.DestinationName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	if _, ok := s.destinations[in.DestinationName]; !ok {
		return nil, awserr.New("ResourceNotFoundException", msgDestinationNotFound)
	}
	delete(s.destinations, in.DestinationName)
	return &DeleteDestinationOutput{}, nil
}

// CrossAccountDestination returns the Destination that receives, for this
// service, the deliveries another account's subscription filters address to
// one of its destinations. Register it in the sending account's service under
// the destination's ARN:
//
//	sender.Logs.RegisterDestination(destARN, receiver.Logs.CrossAccountDestination())
//
// Each delivery is checked against the destination's access policy (the
// sending account, the message's owner, must be allowed
// logs:PutSubscriptionFilter) and forwarded to its target: to the Destination
// registered for TargetArn and on the receiver's bus, with RoleArn the
// destination's. A delivery the destination or its policy refuses is
// dropped, and the error says why.
//
// Unlike AWS, the sender's PutSubscriptionFilter cannot see another
// account's policy, so it accepts the filter and the check happens at
// delivery.
func (s *Service) CrossAccountDestination() Destination {
	return func(ctx context.Context, d SubscriptionDelivery) error {
		if ctx == nil {
			ctx = context.Background()
		}
		return s.forwardToDestination(ctx, d)
	}
}

// forwardToDestination delivers d, addressed to one of s's destinations, to
// the destination's target.
func (s *Service) forwardToDestination(ctx context.Context, d SubscriptionDelivery) error {
	if err := s.op.CheckOpen(); err != nil {
		return err
	}
	name, ok := s.ownDestination(d.DestinationArn)
	if !ok {
		return awserr.New("ResourceNotFoundException", msgDestinationNotFound)
	}
	s.mu.RLock()
	dest, ok := s.destinations[name]
	var desc DestinationDescription
	if ok {
		desc = dest.desc
	}
	s.mu.RUnlock()
	if !ok {
		return awserr.New("ResourceNotFoundException", msgDestinationNotFound)
	}
	sender := d.Message.Owner
	if sender != "" && sender != s.account && !policyAllows(desc.AccessPolicy, sender, "logs:PutSubscriptionFilter") {
		return awserr.New("AccessDeniedException", "User with accountId: %s is not authorized to perform: logs:PutSubscriptionFilter on resource: %s", sender, desc.Arn)
	}
	d.DestinationArn, d.RoleArn = desc.TargetArn, desc.RoleArn
	s.deliver(ctx, d)
	return nil
}

// ownDestination reports whether arnStr names a destination of this
// service's account and Region, and its name.
func (s *Service) ownDestination(arnStr string) (string, bool) {
	a, err := arn.Parse(arnStr)
	if err != nil || a.Service != "logs" || a.AccountID != s.account || a.Region != s.region {
		return "", false
	}
	name, ok := strings.CutPrefix(a.Resource, "destination:")
	return name, ok && name != ""
}

// policyDocument is the part of an IAM policy document the access checks read.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid       string          `json:"Sid"`
	Effect    string          `json:"Effect"`
	Principal json.RawMessage `json:"Principal"`
	Action    json.RawMessage `json:"Action"`
	Resource  json.RawMessage `json:"Resource"`
	Condition json.RawMessage `json:"Condition"`
}

// parsePolicy checks a policy document as AWS does before storing it: JSON,
// an object with a Statement (one object or a list), each with an Effect of
// Allow or Deny.
func parsePolicy(field, doc string) (*policyDocument, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return nil, errInvalid("Invalid %s: the policy document is not valid JSON: %v", field, err)
	}
	st, ok := raw["Statement"]
	if !ok {
		return nil, errInvalid("Invalid %s: the policy document has no Statement", field)
	}
	p := &policyDocument{}
	if v, ok := raw["Version"]; ok {
		_ = json.Unmarshal(v, &p.Version)
	}
	if strings.HasPrefix(strings.TrimSpace(string(st)), "{") {
		var one policyStatement
		if err := json.Unmarshal(st, &one); err != nil {
			return nil, errInvalid("Invalid %s: %v", field, err)
		}
		p.Statement = []policyStatement{one}
	} else if err := json.Unmarshal(st, &p.Statement); err != nil {
		return nil, errInvalid("Invalid %s: Statement must be an object or a list of objects: %v", field, err)
	}
	if len(p.Statement) == 0 {
		return nil, errInvalid("Invalid %s: the policy document has no Statement", field)
	}
	for _, s := range p.Statement {
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return nil, errInvalid("Invalid %s: a statement's Effect must be Allow or Deny, not %q", field, s.Effect)
		}
	}
	return p, nil
}

// stringsOf reads a policy element that is a string or a list of strings.
func stringsOf(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// principals reads a Principal element: "*", {"AWS": ...}, {"Service": ...}.
func principals(raw json.RawMessage) []string {
	if ps := stringsOf(raw); len(ps) > 0 {
		return ps
	}
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, stringsOf(m[k])...)
	}
	return out
}

// policyAllows reports whether an access policy lets account perform action:
// an Allow statement names the account (its ID, its root ARN, any principal
// ARN of that account, or "*") and the action (or logs:* or *), and no Deny
// statement does. Conditions are not evaluated (a statement with a Condition,
// such as aws:PrincipalOrgID, counts as matching).
func policyAllows(doc, account, action string) bool {
	if doc == "" {
		return false
	}
	p, err := parsePolicy("accessPolicy", doc)
	if err != nil {
		return false
	}
	allowed := false
	for _, st := range p.Statement {
		if !matchesAny(stringsOf(st.Action), func(a string) bool {
			return a == "*" || strings.EqualFold(a, action) || strings.EqualFold(a, "logs:*")
		}) {
			continue
		}
		if !matchesAny(principals(st.Principal), func(pr string) bool {
			if pr == "*" || pr == account {
				return true
			}
			a, err := arn.Parse(pr)
			return err == nil && a.AccountID == account
		}) {
			continue
		}
		if st.Effect == "Deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

func matchesAny(xs []string, f func(string) bool) bool {
	for _, x := range xs {
		if f(x) {
			return true
		}
	}
	return false
}
