package sns

// Tag is a resource tag.
type Tag struct {
	Key   string
	Value string
}

// CreateTopicInput is the input of CreateTopic.
type CreateTopicInput struct {
	// Name: 1–256 ASCII letters, digits, hyphens and underscores; a FIFO topic's
	// name ends in ".fifo".
	Name string
	// Attributes: DeliveryPolicy, DisplayName, Policy, SignatureVersion,
	// TracingConfig, KmsMasterKeyId, FifoTopic, ContentBasedDeduplication,
	// ArchivePolicy, FifoThroughputScope and the <protocol>{Success,Failure}FeedbackRoleArn
	// / SuccessFeedbackSampleRate delivery-status attributes.
	Attributes map[string]string
	// Tags to add to the new topic.
	Tags []Tag
	// DataProtectionPolicy is the topic's message data protection policy
	// (see PutDataProtectionPolicy); "" for none.
	DataProtectionPolicy string
}

// CreateTopicOutput is the output of CreateTopic.
type CreateTopicOutput struct {
	TopicArn string
}

// DeleteTopicInput is the input of DeleteTopic.
type DeleteTopicInput struct {
	TopicArn string
}

// DeleteTopicOutput is the (empty) output of DeleteTopic.
type DeleteTopicOutput struct{}

// GetTopicAttributesInput is the input of GetTopicAttributes.
type GetTopicAttributesInput struct {
	TopicArn string
}

// GetTopicAttributesOutput is the output of GetTopicAttributes.
type GetTopicAttributesOutput struct {
	Attributes map[string]string
}

// SetTopicAttributesInput is the input of SetTopicAttributes.
type SetTopicAttributesInput struct {
	TopicArn      string
	AttributeName string
	// AttributeValue "" removes the attribute (Policy: restores the default
	// policy; DisplayName: sets it empty).
	AttributeValue string
}

// SetTopicAttributesOutput is the (empty) output of SetTopicAttributes.
type SetTopicAttributesOutput struct{}

// ListTopicsInput is the input of ListTopics.
type ListTopicsInput struct {
	NextToken string
}

// Topic is one entry of ListTopics.
type Topic struct {
	TopicArn string
}

// ListTopicsOutput is one page (up to 100 topics) of ListTopics.
type ListTopicsOutput struct {
	Topics    []Topic
	NextToken string `json:",omitempty"`
}

// SubscribeInput is the input of Subscribe.
type SubscribeInput struct {
	TopicArn string
	// Protocol: http, https, email, email-json, sms, sqs, application, lambda or firehose.
	Protocol string
	// Endpoint: a URL (http/https), an e-mail address, an E.164 phone number,
	// or an SQS queue, Lambda function, Firehose stream or platform endpoint ARN.
	Endpoint string
	// Attributes: DeliveryPolicy, FilterPolicy, FilterPolicyScope,
	// RawMessageDelivery, RedrivePolicy, SubscriptionRoleArn.
	Attributes map[string]string
	// ReturnSubscriptionArn true makes Subscribe return the ARN even while
	// the subscription is pending confirmation.
	ReturnSubscriptionArn *bool
}

// SubscribeOutput is the output of Subscribe. SubscriptionArn is the literal
// "pending confirmation" while confirmation is pending, unless
// ReturnSubscriptionArn was set.
type SubscribeOutput struct {
	SubscriptionArn string
}

// ConfirmSubscriptionInput is the input of ConfirmSubscription.
type ConfirmSubscriptionInput struct {
	TopicArn string
	// Token is the secret sent to the endpoint; CloudTrail does not record it.
	Token string `cloudtrail:"-"`
	// AuthenticateOnUnsubscribe "true" allows only the topic and subscription
	// owners to unsubscribe.
	AuthenticateOnUnsubscribe string
}

// ConfirmSubscriptionOutput is the output of ConfirmSubscription.
type ConfirmSubscriptionOutput struct {
	SubscriptionArn string
}

// UnsubscribeInput is the input of Unsubscribe.
type UnsubscribeInput struct {
	SubscriptionArn string
}

// UnsubscribeOutput is the (empty) output of Unsubscribe.
type UnsubscribeOutput struct{}

// GetSubscriptionAttributesInput is the input of GetSubscriptionAttributes.
type GetSubscriptionAttributesInput struct {
	SubscriptionArn string
}

// GetSubscriptionAttributesOutput is the output of GetSubscriptionAttributes.
type GetSubscriptionAttributesOutput struct {
	Attributes map[string]string
}

// SetSubscriptionAttributesInput is the input of SetSubscriptionAttributes.
type SetSubscriptionAttributesInput struct {
	SubscriptionArn string
	AttributeName   string
	// AttributeValue "" removes the attribute (an empty FilterPolicy removes
	// the policy).
	AttributeValue string
}

// SetSubscriptionAttributesOutput is the (empty) output of SetSubscriptionAttributes.
type SetSubscriptionAttributesOutput struct{}

// Subscription is one entry of ListSubscriptions / ListSubscriptionsByTopic.
// SubscriptionArn is "PendingConfirmation" while confirmation is pending.
type Subscription struct {
	SubscriptionArn string
	Owner           string
	Protocol        string
	Endpoint        string
	TopicArn        string
}

// ListSubscriptionsInput is the input of ListSubscriptions.
type ListSubscriptionsInput struct {
	NextToken string
}

// ListSubscriptionsOutput is one page (up to 100) of ListSubscriptions.
type ListSubscriptionsOutput struct {
	Subscriptions []Subscription
	NextToken     string `json:",omitempty"`
}

// ListSubscriptionsByTopicInput is the input of ListSubscriptionsByTopic.
type ListSubscriptionsByTopicInput struct {
	TopicArn  string
	NextToken string
}

// ListSubscriptionsByTopicOutput is one page (up to 100) of ListSubscriptionsByTopic.
type ListSubscriptionsByTopicOutput struct {
	Subscriptions []Subscription
	NextToken     string `json:",omitempty"`
}

// MessageAttributeValue is a message attribute: DataType String, String.Array,
// Number or Binary (optionally with a custom subtype, "Number.float"); a string
// type carries StringValue, Binary carries BinaryValue.
type MessageAttributeValue struct {
	DataType    string
	StringValue string `json:",omitempty"`
	BinaryValue []byte `json:",omitempty"`
}

// PublishInput is the input of Publish. Exactly one of TopicArn, TargetArn (a
// topic ARN) and PhoneNumber is required.
type PublishInput struct {
	TopicArn    string
	TargetArn   string
	PhoneNumber string
	// Message is the body (UTF-8, ≤ 256 KB with the attributes).
	Message string
	// Subject is used for e-mail and included in HTTP/SQS/Lambda envelopes:
	// at most 100 characters, no line breaks or control characters; "" for
	// none.
	Subject string
	// MessageStructure "json" makes Message a JSON object of per-protocol
	// messages with a required "default" key.
	MessageStructure       string
	MessageAttributes      map[string]MessageAttributeValue
	MessageDeduplicationId string
	MessageGroupId         string
}

// PublishOutput is the output of Publish. SequenceNumber is set for FIFO topics.
type PublishOutput struct {
	MessageId      string
	SequenceNumber string `json:",omitempty"`
}

// PublishBatchRequestEntry is one message of PublishBatch.
type PublishBatchRequestEntry struct {
	// Id is unique within the batch: up to 80 alphanumerics, hyphens, underscores.
	Id                     string
	Message                string
	Subject                string
	MessageStructure       string
	MessageAttributes      map[string]MessageAttributeValue
	MessageDeduplicationId string
	MessageGroupId         string
}

// PublishBatchInput is the input of PublishBatch (1–10 entries).
type PublishBatchInput struct {
	TopicArn                   string
	PublishBatchRequestEntries []PublishBatchRequestEntry
}

// PublishBatchResultEntry is a published entry.
type PublishBatchResultEntry struct {
	Id             string
	MessageId      string
	SequenceNumber string `json:",omitempty"`
}

// BatchResultErrorEntry is an entry that failed.
type BatchResultErrorEntry struct {
	Id          string
	Code        string
	Message     string
	SenderFault bool
}

// PublishBatchOutput is the output of PublishBatch: partial failures are
// reported per entry, not as an error.
type PublishBatchOutput struct {
	Successful []PublishBatchResultEntry
	Failed     []BatchResultErrorEntry
}

// TagResourceInput is the input of TagResource.
type TagResourceInput struct {
	ResourceArn string
	Tags        []Tag
}

// TagResourceOutput is the (empty) output of TagResource.
type TagResourceOutput struct{}

// UntagResourceInput is the input of UntagResource.
type UntagResourceInput struct {
	ResourceArn string
	TagKeys     []string
}

// UntagResourceOutput is the (empty) output of UntagResource.
type UntagResourceOutput struct{}

// ListTagsForResourceInput is the input of ListTagsForResource.
type ListTagsForResourceInput struct {
	ResourceArn string
}

// ListTagsForResourceOutput is the output of ListTagsForResource.
type ListTagsForResourceOutput struct {
	Tags []Tag
}

// AddPermissionInput is the input of AddPermission: it adds a statement with
// Sid Label to the topic policy allowing the accounts the actions.
type AddPermissionInput struct {
	TopicArn     string
	Label        string
	AWSAccountId []string
	ActionName   []string
}

// AddPermissionOutput is the (empty) output of AddPermission.
type AddPermissionOutput struct{}

// RemovePermissionInput is the input of RemovePermission.
type RemovePermissionInput struct {
	TopicArn string
	Label    string
}

// RemovePermissionOutput is the (empty) output of RemovePermission.
type RemovePermissionOutput struct{}

// PutDataProtectionPolicyInput is the input of PutDataProtectionPolicy.
type PutDataProtectionPolicyInput struct {
	ResourceArn          string
	DataProtectionPolicy string
}

// PutDataProtectionPolicyOutput is the (empty) output of PutDataProtectionPolicy.
type PutDataProtectionPolicyOutput struct{}

// GetDataProtectionPolicyInput is the input of GetDataProtectionPolicy.
type GetDataProtectionPolicyInput struct {
	ResourceArn string
}

// GetDataProtectionPolicyOutput is the output of GetDataProtectionPolicy:
// the policy as it was put ("" when the topic has none).
type GetDataProtectionPolicyOutput struct {
	DataProtectionPolicy string `json:",omitempty"`
}
