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
	dataPolicy *string
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

func (s *Service) topicARN(name string) string { return arn.New("sns", s.region, s.account, name) }

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
	ctx, cerr := s.enter(ctx)
	if cerr != nil {
		return nil, cerr
	}
	out, err := s.createTopic(in)
	params := map[string]any{"name": in.Name}
	if len(in.Attributes) > 0 {
		params["attributes"] = in.Attributes
	}
	if len(in.Tags) > 0 {
		params["tags"] = in.Tags
	}
	var resp any
	var res []event.Resource
	if out != nil {
		resp = map[string]any{"topicArn": out.TopicArn}
		res = topicResource(out.TopicArn, s.account)
	}
	s.rec.Record(ctx, event.Call{Name: "CreateTopic", RequestParameters: params, ResponseElements: resp, Resources: res}, err)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) createTopic(in CreateTopicInput) (*CreateTopicOutput, error) {
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
	if in.DataProtectionPolicy != nil && *in.DataProtectionPolicy != "" {
		doc, err := parseDataPolicy(*in.DataProtectionPolicy)
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
		t.attrs["Policy"] = defaultPolicy(a, s.account)
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
		p := *in.DataProtectionPolicy
		t.dataPolicy, t.dataDoc = &p, dataDoc
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
	ctx, cerr := s.enter(ctx)
	if cerr != nil {
		return nil, cerr
	}
	err := s.deleteTopic(ctx, in)
	s.rec.Record(ctx, event.Call{Name: "DeleteTopic", RequestParameters: map[string]any{"topicArn": in.TopicArn}, Resources: topicResource(in.TopicArn, s.account)}, err)
	if err != nil {
		return nil, err
	}
	return &DeleteTopicOutput{}, nil
}

func (s *Service) deleteTopic(ctx context.Context, in DeleteTopicInput) error {
	if in.TopicArn == "" || !arn.IsARN(in.TopicArn) {
		return invalidParam("TopicArn")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[in.TopicArn]
	if !ok {
		return nil
	}
	if err := s.authorize(ctx, t, "DeleteTopic"); err != nil {
		return err
	}
	for _, sub := range t.subs {
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
	return nil
}

// GetTopicAttributes returns a topic's attributes, including the computed
// Owner, TopicArn, Subscriptions{Confirmed,Pending,Deleted} and
// EffectiveDeliveryPolicy.
func (s *Service) GetTopicAttributes(ctx context.Context, in GetTopicAttributesInput) (*GetTopicAttributesOutput, error) {
	ctx, cerr := s.enter(ctx)
	if cerr != nil {
		return nil, cerr
	}
	out, err := s.getTopicAttributes(ctx, in)
	s.rec.Record(ctx, event.Call{Name: "GetTopicAttributes", ReadOnly: true, RequestParameters: map[string]any{"topicArn": in.TopicArn}, Resources: topicResource(in.TopicArn, s.account)}, err)
	return out, err
}

func (s *Service) getTopicAttributes(ctx context.Context, in GetTopicAttributesInput) (*GetTopicAttributesOutput, error) {
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
	attrs["Owner"] = s.account
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
	ctx, cerr := s.enter(ctx)
	if cerr != nil {
		return nil, cerr
	}
	err := s.setTopicAttributes(ctx, in)
	params := map[string]any{"topicArn": in.TopicArn, "attributeName": in.AttributeName}
	if in.AttributeValue != nil {
		params["attributeValue"] = *in.AttributeValue
	}
	s.rec.Record(ctx, event.Call{Name: "SetTopicAttributes", RequestParameters: params, Resources: topicResource(in.TopicArn, s.account)}, err)
	if err != nil {
		return nil, err
	}
	return &SetTopicAttributesOutput{}, nil
}

func (s *Service) setTopicAttributes(ctx context.Context, in SetTopicAttributesInput) error {
	if in.AttributeName == "" {
		return invalidParam("AttributeName")
	}
	if !settableTopicAttrs[in.AttributeName] && !isFeedbackAttr(in.AttributeName) {
		return invalidParam("AttributeName")
	}
	value := ""
	if in.AttributeValue != nil {
		value = *in.AttributeValue
	}
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
		t.attrs["Policy"] = defaultPolicy(t.arn, s.account)
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
	ctx, cerr := s.enter(ctx)
	if cerr != nil {
		return nil, cerr
	}
	var all []string
	s.locked(func() { all = slices.Sorted(maps.Keys(s.topics)) })
	page, next, err := paginate(all, in.NextToken)
	var out *ListTopicsOutput
	if err == nil {
		out = &ListTopicsOutput{Topics: make([]Topic, 0, len(page)), NextToken: next}
		for _, a := range page {
			out.Topics = append(out.Topics, Topic{TopicArn: a})
		}
	}
	params := map[string]any{}
	if in.NextToken != nil {
		params["nextToken"] = *in.NextToken
	}
	s.rec.Record(ctx, event.Call{Name: "ListTopics", ReadOnly: true, RequestParameters: params}, err)
	return out, err
}

// paginate returns the page after token (an index) and the next token.
func paginate[T any](all []T, token *string) ([]T, *string, error) {
	start := 0
	if token != nil && *token != "" {
		n, err := strconv.Atoi(*token)
		if err != nil || n < 0 || n > len(all) {
			return nil, nil, invalidParam("NextToken")
		}
		start = n
	}
	end := min(start+pageSize, len(all))
	var next *string
	if end < len(all) {
		t := strconv.Itoa(end)
		next = &t
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
	ctx, cerr := s.enter(ctx)
	if cerr != nil {
		return nil, cerr
	}
	err := s.tagResource(in)
	s.rec.Record(ctx, event.Call{Name: "TagResource", RequestParameters: map[string]any{"resourceArn": in.ResourceArn, "tags": in.Tags}, Resources: topicResource(in.ResourceArn, s.account)}, err)
	if err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

func (s *Service) tagResource(in TagResourceInput) error {
	if err := validateTags(in.Tags); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[in.ResourceArn]
	if !ok {
		return codeErr("ResourceNotFound", 404, "Resource does not exist")
	}
	tags := slices.Clone(t.tags)
	for _, tag := range in.Tags {
		tags = setTag(tags, tag)
	}
	if len(tags) > maxTags {
		return codeErr("TagLimitExceeded", 400, "Could not complete request: tag quota of per resource exceeded")
	}
	t.tags = tags
	return nil
}

// UntagResource removes tags from a topic.
func (s *Service) UntagResource(ctx context.Context, in UntagResourceInput) (*UntagResourceOutput, error) {
	ctx, cerr := s.enter(ctx)
	if cerr != nil {
		return nil, cerr
	}
	var err error
	s.locked(func() {
		t, ok := s.topics[in.ResourceArn]
		if !ok {
			err = codeErr("ResourceNotFound", 404, "Resource does not exist")
			return
		}
		t.tags = slices.DeleteFunc(slices.Clone(t.tags), func(tag Tag) bool { return slices.Contains(in.TagKeys, tag.Key) })
	})
	s.rec.Record(ctx, event.Call{Name: "UntagResource", RequestParameters: map[string]any{"resourceArn": in.ResourceArn, "tagKeys": in.TagKeys}, Resources: topicResource(in.ResourceArn, s.account)}, err)
	if err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

// ListTagsForResource lists a topic's tags in the order they were added.
func (s *Service) ListTagsForResource(ctx context.Context, in ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	ctx, cerr := s.enter(ctx)
	if cerr != nil {
		return nil, cerr
	}
	var out *ListTagsForResourceOutput
	var err error
	s.locked(func() {
		t, ok := s.topics[in.ResourceArn]
		if !ok {
			err = codeErr("ResourceNotFound", 404, "Resource does not exist")
			return
		}
		out = &ListTagsForResourceOutput{Tags: slices.Clone(t.tags)}
		if out.Tags == nil {
			out.Tags = []Tag{}
		}
	})
	s.rec.Record(ctx, event.Call{Name: "ListTagsForResource", ReadOnly: true, RequestParameters: map[string]any{"resourceArn": in.ResourceArn}, Resources: topicResource(in.ResourceArn, s.account)}, err)
	return out, err
}
