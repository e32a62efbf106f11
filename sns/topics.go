package sns

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch/internal/arn"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
)

// AWS quotas for topics and tags.
const (
	maxStandardTopics = 100000
	maxFIFOTopics     = 1000
	maxTags           = 50
	pageSize          = 100
	dedupWindow       = 5 * time.Minute
)

type topic struct {
	arn, name  string
	fifo       bool
	attrs      map[string]string // settable attributes as last set
	tags       []Tag
	subs       []*subscription
	deleted    int
	dedup      *dedupCache // FIFO topics
	delivery   *topicDeliveryPolicy
	dataPolicy string         // "" for none
	dataDoc    *dataPolicyDoc // parsed dataPolicy
	// targets caches the delivery snapshot of the confirmed subscriptions; it
	// is rebuilt (never mutated) after any change, so a publication may keep
	// the slice it got after the lock is released.
	targets []target
}

// settableTopicAttrs are the attributes SetTopicAttributes accepts (and
// CreateTopic, plus FifoTopic).
var settableTopicAttrs = map[string]bool{
	"DeliveryPolicy": true, "DisplayName": true, "Policy": true, "SignatureVersion": true,
	"TracingConfig": true, "KmsMasterKeyId": true, "ContentBasedDeduplication": true,
	"ArchivePolicy": true, "FifoThroughputScope": true,
}

func isFeedbackAttr(name string) bool {
	for _, p := range []string{"HTTP", "Firehose", "Lambda", "SQS", "Application"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			switch rest {
			case "SuccessFeedbackRoleArn", "FailureFeedbackRoleArn", "SuccessFeedbackSampleRate":
				return true
			}
		}
	}
	return false
}

func validTopicName(name string) bool {
	base := strings.TrimSuffix(name, ".fifo")
	if base == "" || len(name) > 256 {
		return false
	}
	for i := 0; i < len(base); i++ {
		c := base[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Service) topicARN(name string) string {
	return arn.New("sns", s.op.Region, s.op.AccountID, name)
}

func topicResource(a string, account string) []event.Resource {
	return []event.Resource{{ARN: a, AccountID: account, Type: "AWS::SNS::Topic"}}
}

// defaultPolicy is the policy AWS attaches to a new topic: the owner account may
// perform every topic action.
func defaultPolicy(topicARN, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` + topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + account + `"}}}]}`
}

// validateTopicAttr checks one attribute value; fifo tells the topic type.
func validateTopicAttr(name, value string, fifo bool, creating bool) error {
	switch name {
	case "FifoTopic":
		if !creating {
			return invalidParam("AttributeName")
		}
		if value != "true" && value != "false" {
			return invalidParam("Attributes Reason: FifoTopic must be true or false")
		}
	case "ContentBasedDeduplication":
		if value != "true" && value != "false" {
			return invalidParam("Attributes Reason: ContentBasedDeduplication must be true or false")
		}
		if !fifo && value == "true" {
			return invalidParam("Attributes Reason: Content based deduplication can only be set for FIFO topics")
		}
	case "DisplayName":
		if len(value) > 100 {
			return invalidParam("DisplayName")
		}
	case "SignatureVersion":
		if value != "1" && value != "2" {
			return invalidParam("Attributes Reason: SignatureVersion: Invalid value [%s]. Please use either 1 or 2", value)
		}
	case "TracingConfig":
		if value != "PassThrough" && value != "Active" {
			return invalidParam("Attributes Reason: TracingConfig: Invalid value [%s]. Please use either PassThrough or Active", value)
		}
	case "FifoThroughputScope":
		if !fifo {
			return invalidParam("Attributes Reason: FifoThroughputScope can only be set for FIFO topics")
		}
		if value != "Topic" && value != "MessageGroup" {
			return invalidParam("Attributes Reason: FifoThroughputScope: Invalid value [%s]. Please use either Topic or MessageGroup", value)
		}
	case "Policy":
		var doc map[string]any
		if err := json.Unmarshal([]byte(value), &doc); err != nil {
			return invalidParam("Policy Error: null")
		}
		if _, ok := doc["Statement"]; !ok {
			return invalidParam("Policy statement action out of service scope!")
		}
	case "DeliveryPolicy":
		if value == "" {
			return nil
		}
		if _, err := parseTopicDeliveryPolicy(value); err != nil {
			return err
		}
	case "ArchivePolicy":
		if !fifo {
			return invalidParam("Attributes Reason: ArchivePolicy can only be set for FIFO topics")
		}
		var doc struct {
			MessageRetentionPeriod json.Number
		}
		if err := json.Unmarshal([]byte(value), &doc); err != nil {
			return invalidParam("ArchivePolicy")
		}
	case "KmsMasterKeyId":
	default:
		if strings.HasSuffix(name, "SuccessFeedbackSampleRate") {
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || n > 100 {
				return invalidParam("Attributes Reason: %s must be an integer between 0 and 100", name)
			}
		}
	}
	return nil
}

// CreateTopic creates a topic, or returns the existing topic's ARN when a topic
// of that name exists with the same attributes and tags (AWS's idempotency).
func (s *Service) CreateTopic(ctx context.Context, in CreateTopicInput) (*CreateTopicOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreateTopic"}, in, s.createTopic)
}

func (s *Service) createTopic(_ context.Context, c *event.Call, in CreateTopicInput) (*CreateTopicOutput, error) {
	out, err := s.createTopicCore(in)
	if err == nil {
		c.ResponseElements = map[string]any{"topicArn": out.TopicArn}
		c.Resources = topicResource(out.TopicArn, s.op.AccountID)
	}
	return out, err
}

func (s *Service) createTopicCore(in CreateTopicInput) (*CreateTopicOutput, error) {
	if in.Name == "" {
		return nil, invalidParam("Topic Name")
	}
	if !validTopicName(in.Name) {
		return nil, invalidParam("Topic Name")
	}
	fifoName := strings.HasSuffix(in.Name, ".fifo")
	fifo := in.Attributes["FifoTopic"] == "true"
	if fifoName && !fifo {
		return nil, invalidParam("Topic Name")
	}
	if fifo && !fifoName {
		return nil, invalidParam("Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.")
	}
	for _, k := range slices.Sorted(maps.Keys(in.Attributes)) {
		if !settableTopicAttrs[k] && k != "FifoTopic" && !isFeedbackAttr(k) {
			return nil, invalidParam("Attributes Reason: Unknown attribute %s", k)
		}
		if err := validateTopicAttr(k, in.Attributes[k], fifo, true); err != nil {
			return nil, err
		}
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	var dataDoc *dataPolicyDoc
	if in.DataProtectionPolicy != "" {
		doc, err := parseDataPolicy(in.DataProtectionPolicy)
		if err != nil {
			return nil, err
		}
		dataDoc = doc
	}
	a := s.topicARN(in.Name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.topics[a]; ok {
		for k, v := range in.Attributes {
			if k == "FifoTopic" {
				continue
			}
			if t.attrs[k] != v {
				return nil, invalidParam("Attributes Reason: Topic already exists with different attributes")
			}
		}
		for _, tag := range in.Tags {
			if i := tagIndex(t.tags, tag.Key); i < 0 || t.tags[i].Value != tag.Value {
				return nil, invalidParam("Tags Reason: Topic already exists with different tags")
			}
		}
		return &CreateTopicOutput{TopicArn: a}, nil
	}
	if fifo && s.fifoCount >= maxFIFOTopics || !fifo && len(s.topics)-s.fifoCount >= maxStandardTopics {
		return nil, codeErr("TopicLimitExceeded", 403, "Topic limit exceeded")
	}
	if len(in.Tags) > maxTags {
		return nil, codeErr("TagLimitExceeded", 400, "Could not complete request: tag quota of per resource exceeded")
	}
	t := &topic{arn: a, name: in.Name, fifo: fifo, attrs: map[string]string{}}
	for k, v := range in.Attributes {
		if k != "FifoTopic" {
			t.attrs[k] = v
		}
	}
	if _, ok := t.attrs["Policy"]; !ok {
		t.attrs["Policy"] = defaultPolicy(a, s.op.AccountID)
	}
	if fifo {
		t.dedup = newDedupCache()
		if _, ok := t.attrs["ContentBasedDeduplication"]; !ok {
			t.attrs["ContentBasedDeduplication"] = "false"
		}
		s.fifoCount++
	}
	if dp := t.attrs["DeliveryPolicy"]; dp != "" {
		t.delivery, _ = parseTopicDeliveryPolicy(dp)
	}
	for _, tag := range in.Tags {
		t.tags = setTag(t.tags, tag)
	}
	if dataDoc != nil {
		t.dataPolicy, t.dataDoc = in.DataProtectionPolicy, dataDoc
	}
	s.topics[a] = t
	return &CreateTopicOutput{TopicArn: a}, nil
}

// lookupTopic returns the topic for a (lock held) or NotFound.
func (s *Service) lookupTopic(a string) (*topic, error) {
	if a == "" {
		return nil, invalidParam("TopicArn")
	}
	t, ok := s.topics[a]
	if !ok {
		if !arn.IsARN(a) {
			return nil, invalidParam("TopicArn")
		}
		return nil, notFound("Topic")
	}
	return t, nil
}

// DeleteTopic deletes a topic and all its subscriptions. Deleting a topic that
// does not exist succeeds, as in AWS.
func (s *Service) DeleteTopic(ctx context.Context, in DeleteTopicInput) (*DeleteTopicOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DeleteTopic", Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.deleteTopic)
}

func (s *Service) deleteTopic(ctx context.Context, _ *event.Call, in DeleteTopicInput) (*DeleteTopicOutput, error) {
	if in.TopicArn == "" || !arn.IsARN(in.TopicArn) {
		return nil, invalidParam("TopicArn")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[in.TopicArn]
	if !ok {
		return &DeleteTopicOutput{}, nil
	}
	if err := s.authorize(ctx, t, "DeleteTopic"); err != nil {
		return nil, err
	}
	// dropSubscriptionLocked deletes from t.subs: range over a copy.
	for _, sub := range slices.Clone(t.subs) {
		s.dropSubscriptionLocked(sub)
	}
	if t.fifo {
		s.fifoCount--
		if t.dedup.timer != nil {
			t.dedup.timer.Stop()
			t.dedup.timer = nil
		}
	}
	delete(s.topics, in.TopicArn)
	return &DeleteTopicOutput{}, nil
}

// GetTopicAttributes returns a topic's attributes, including the computed
// Owner, TopicArn, Subscriptions{Confirmed,Pending,Deleted} and
// EffectiveDeliveryPolicy.
func (s *Service) GetTopicAttributes(ctx context.Context, in GetTopicAttributesInput) (*GetTopicAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "GetTopicAttributes", ReadOnly: true, Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.getTopicAttributes)
}

func (s *Service) getTopicAttributes(ctx context.Context, _ *event.Call, in GetTopicAttributesInput) (*GetTopicAttributesOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(in.TopicArn)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, t, "GetTopicAttributes"); err != nil {
		return nil, err
	}
	attrs := maps.Clone(t.attrs)
	confirmed, pending := 0, 0
	for _, sub := range t.subs {
		if sub.pending {
			pending++
		} else {
			confirmed++
		}
	}
	attrs["TopicArn"] = t.arn
	attrs["Owner"] = s.op.AccountID
	attrs["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	attrs["SubscriptionsPending"] = strconv.Itoa(pending)
	attrs["SubscriptionsDeleted"] = strconv.Itoa(t.deleted)
	attrs["EffectiveDeliveryPolicy"] = t.effectiveDeliveryPolicy()
	if _, ok := attrs["DisplayName"]; !ok {
		attrs["DisplayName"] = ""
	}
	if t.fifo {
		attrs["FifoTopic"] = "true"
	}
	return &GetTopicAttributesOutput{Attributes: attrs}, nil
}

// SetTopicAttributes sets one attribute. FifoTopic cannot change.
func (s *Service) SetTopicAttributes(ctx context.Context, in SetTopicAttributesInput) (*SetTopicAttributesOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "SetTopicAttributes", Resources: topicResource(in.TopicArn, s.op.AccountID)}, in, s.setTopicAttributes)
}

func (s *Service) setTopicAttributes(ctx context.Context, _ *event.Call, in SetTopicAttributesInput) (*SetTopicAttributesOutput, error) {
	return &SetTopicAttributesOutput{}, s.setTopicAttribute(ctx, in)
}

func (s *Service) setTopicAttribute(ctx context.Context, in SetTopicAttributesInput) error {
	if in.AttributeName == "" {
		return invalidParam("AttributeName")
	}
	if !settableTopicAttrs[in.AttributeName] && !isFeedbackAttr(in.AttributeName) {
		return invalidParam("AttributeName")
	}
	value := in.AttributeValue
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTopic(in.TopicArn)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, t, "SetTopicAttributes"); err != nil {
		return err
	}
	if err := validateTopicAttr(in.AttributeName, value, t.fifo, false); err != nil {
		return err
	}
	switch {
	case in.AttributeName == "Policy" && value == "":
		t.attrs["Policy"] = defaultPolicy(t.arn, s.op.AccountID)
	case value == "" && in.AttributeName != "DisplayName":
		delete(t.attrs, in.AttributeName)
	default:
		t.attrs[in.AttributeName] = value
	}
	t.targets = nil
	if in.AttributeName == "DeliveryPolicy" {
		t.delivery = nil
		if value != "" {
			t.delivery, _ = parseTopicDeliveryPolicy(value)
		}
	}
	return nil
}

// ListTopics lists topic ARNs, 100 per page, in ARN order.
func (s *Service) ListTopics(ctx context.Context, in ListTopicsInput) (*ListTopicsOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListTopics", ReadOnly: true}, in, s.listTopics)
}

func (s *Service) listTopics(_ context.Context, _ *event.Call, in ListTopicsInput) (*ListTopicsOutput, error) {
	var all []string
	s.locked(func() { all = slices.Sorted(maps.Keys(s.topics)) })
	page, next, err := paginate(all, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &ListTopicsOutput{Topics: make([]Topic, 0, len(page)), NextToken: next}
	for _, a := range page {
		out.Topics = append(out.Topics, Topic{TopicArn: a})
	}
	return out, nil
}

// paginate returns the page after token (an index) and the next token.
func paginate[T any](all []T, token string) ([]T, string, error) {
	return paginateN(all, token, pageSize)
}

// paginateN is paginate with size items per page.
func paginateN[T any](all []T, token string, size int) ([]T, string, error) {
	start := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 || n > len(all) {
			return nil, "", invalidParam("NextToken")
		}
		start = n
	}
	end := min(start+size, len(all))
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return all[start:end], next, nil
}

// ---- tags ----

func validateTags(tags []Tag) error {
	for _, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return codeErr("InvalidParameter", 400, "Invalid parameter: Tags Reason: Tag key length must be between 1 and 128")
		}
		if len(t.Value) > 256 {
			return codeErr("InvalidParameter", 400, "Invalid parameter: Tags Reason: Tag value length must be between 0 and 256")
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return codeErr("InvalidParameter", 400, "Invalid parameter: Tags Reason: Tag keys must not start with 'aws:'")
		}
	}
	return nil
}

func tagIndex(tags []Tag, key string) int {
	return slices.IndexFunc(tags, func(t Tag) bool { return t.Key == key })
}

func setTag(tags []Tag, t Tag) []Tag {
	if i := tagIndex(tags, t.Key); i >= 0 {
		tags[i].Value = t.Value
		return tags
	}
	return append(tags, t)
}

// TagResource adds or overwrites tags on a topic (at most 50 per topic).
func (s *Service) TagResource(ctx context.Context, in TagResourceInput) (*TagResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "TagResource", Resources: topicResource(in.ResourceArn, s.op.AccountID)}, in, s.tagResource)
}

func (s *Service) tagResource(_ context.Context, _ *event.Call, in TagResourceInput) (*TagResourceOutput, error) {
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[in.ResourceArn]
	if !ok {
		return nil, codeErr("ResourceNotFound", 404, "Resource does not exist")
	}
	tags := slices.Clone(t.tags)
	for _, tag := range in.Tags {
		tags = setTag(tags, tag)
	}
	if len(tags) > maxTags {
		return nil, codeErr("TagLimitExceeded", 400, "Could not complete request: tag quota of per resource exceeded")
	}
	t.tags = tags
	return &TagResourceOutput{}, nil
}

// UntagResource removes tags from a topic.
func (s *Service) UntagResource(ctx context.Context, in UntagResourceInput) (*UntagResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "UntagResource", Resources: topicResource(in.ResourceArn, s.op.AccountID)}, in, s.untagResource)
}

func (s *Service) untagResource(_ context.Context, _ *event.Call, in UntagResourceInput) (*UntagResourceOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[in.ResourceArn]
	if !ok {
		return nil, codeErr("ResourceNotFound", 404, "Resource does not exist")
	}
	t.tags = slices.DeleteFunc(slices.Clone(t.tags), func(tag Tag) bool { return slices.Contains(in.TagKeys, tag.Key) })
	return &UntagResourceOutput{}, nil
}

// ListTagsForResource lists a topic's tags in the order they were added.
func (s *Service) ListTagsForResource(ctx context.Context, in ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "ListTagsForResource", ReadOnly: true, Resources: topicResource(in.ResourceArn, s.op.AccountID)}, in, s.listTagsForResource)
}

func (s *Service) listTagsForResource(_ context.Context, _ *event.Call, in ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[in.ResourceArn]
	if !ok {
		return nil, codeErr("ResourceNotFound", 404, "Resource does not exist")
	}
	out := &ListTagsForResourceOutput{Tags: slices.Clone(t.tags)}
	if out.Tags == nil {
		out.Tags = []Tag{}
	}
	return out, nil
}
