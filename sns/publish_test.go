package sns

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPublishValidationAsAWS(t *testing.T) {
	f := newFixture(t)
	std := f.topic(t, "std", nil)
	fifo := f.topic(t, "f.fifo", map[string]string{"FifoTopic": "true"})
	big := strings.Repeat("x", MaxMessageSize)
	cases := []struct {
		name string
		in   PublishInput
		code string
		msg  string
	}{
		{"no target", PublishInput{Message: "m"}, "InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"},
		{"two targets", PublishInput{TopicArn: std, PhoneNumber: "+15555550100", Message: "m"}, "InvalidParameter", ""},
		{"unknown topic", PublishInput{TopicArn: std + "x", Message: "m"}, "NotFound", "Topic does not exist"},
		{"empty message", PublishInput{TopicArn: std}, "InvalidParameter", "Invalid parameter: Empty message"},
		{"message of exactly 256 KB is accepted", PublishInput{TopicArn: std, Message: big}, "", ""},
		{"attributes count toward 256 KB", PublishInput{TopicArn: std, Message: big[:MaxMessageSize-5], MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "String", StringValue: "b"}}}, "InvalidParameter", "Invalid parameter: Message too long"},
		{"subject of 100 characters", PublishInput{TopicArn: std, Message: "m", Subject: strings.Repeat("s", 100)}, "", ""},
		{"subject over 100 characters", PublishInput{TopicArn: std, Message: "m", Subject: strings.Repeat("s", 101)}, "InvalidParameter", "Invalid parameter: Subject"},
		{"subject with a line break", PublishInput{TopicArn: std, Message: "m", Subject: "a\nb"}, "InvalidParameter", "Invalid parameter: Subject"},
		{"subject with a control character", PublishInput{TopicArn: std, Message: "m", Subject: "a\tb"}, "InvalidParameter", "Invalid parameter: Subject"},
		{"an empty subject is no subject", PublishInput{TopicArn: std, Message: "m", Subject: ""}, "", ""},
		{"json structure without default", PublishInput{TopicArn: std, Message: `{"sqs":"x"}`, MessageStructure: "json"}, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{"json structure not JSON", PublishInput{TopicArn: std, Message: `nope`, MessageStructure: "json"}, "InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse"},
		{"json structure with non-string default", PublishInput{TopicArn: std, Message: `{"default":1}`, MessageStructure: "json"}, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{"unknown message structure", PublishInput{TopicArn: std, Message: "m", MessageStructure: "xml"}, "InvalidParameter", "Invalid parameter: MessageStructure"},
		{"attribute type unknown", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "Float", StringValue: "1"}}}, "ParameterValueInvalid", "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."},
		{"attribute value empty", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "String"}}}, "ParameterValueInvalid", "The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'."},
		{"number that is not a number", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "Number", StringValue: "ten"}}}, "ParameterValueInvalid", "Could not cast message attribute 'a' value to number."},
		{"number out of range", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "Number", StringValue: "1e127"}}}, "ParameterValueInvalid", ""},
		{"number with 39 digits", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "Number", StringValue: "123456789012345678901234567890123456789"}}}, "ParameterValueInvalid", ""},
		{"epoch milliseconds are a valid number", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "Number", StringValue: "1795608000000"}}}, "", ""},
		{"custom number subtype", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "Number.float", StringValue: "1.5"}}}, "", ""},
		{"string array not an array", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "String.Array", StringValue: `"x"`}}}, "ParameterValueInvalid", ""},
		{"string array of objects", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "String.Array", StringValue: `[{"a":1}]`}}}, "ParameterValueInvalid", ""},
		{"string array of scalars", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "String.Array", StringValue: `["x",1,true,null]`}}}, "", ""},
		{"binary in string field", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "Binary", StringValue: "x"}}}, "ParameterValueInvalid", "The message attribute 'a' with type 'Binary' must use field 'Binary'."},
		{"string in binary field", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a": {DataType: "String", BinaryValue: []byte("x")}}}, "ParameterValueInvalid", "The message attribute 'a' with type 'String' must use field 'String'."},
		{"attribute name starting with AWS.", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"aws.x": {DataType: "String", StringValue: "x"}}}, "ParameterValueInvalid", ""},
		{"attribute name with ..", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a..b": {DataType: "String", StringValue: "x"}}}, "ParameterValueInvalid", ""},
		{"attribute name ending with .", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]MessageAttributeValue{"a.": {DataType: "String", StringValue: "x"}}}, "ParameterValueInvalid", ""},
		{"dedup id on a standard topic", PublishInput{TopicArn: std, Message: "m", MessageDeduplicationId: "d"}, "InvalidParameter", "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"},
		{"group id on a standard topic is accepted", PublishInput{TopicArn: std, Message: "m", MessageGroupId: "g"}, "", ""},
		{"FIFO without group id", PublishInput{TopicArn: fifo, Message: "m", MessageDeduplicationId: "d"}, "InvalidParameter", "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"},
		{"FIFO without dedup id or content-based dedup", PublishInput{TopicArn: fifo, Message: "m", MessageGroupId: "g"}, "InvalidParameter", "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"},
		{"group id too long", PublishInput{TopicArn: fifo, Message: "m", MessageGroupId: strings.Repeat("g", 129), MessageDeduplicationId: "d"}, "InvalidParameter", ""},
		{"sms to a bad number", PublishInput{PhoneNumber: "12", Message: "m"}, "InvalidParameter", ""},
		{"platform endpoint target", PublishInput{TargetArn: "arn:aws:sns:us-east-1:123456789012:endpoint/APNS/app/1", Message: "m"}, "NotFound", "Endpoint does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.Publish(context.Background(), tc.in)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			requireCode(t, err, tc.code)
			if tc.msg != "" {
				assert.Equal(t, tc.code+": "+tc.msg, err.Error())
			}
		})
	}
}

func TestPublishBatchRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), nil)
	entries := func(n int) []PublishBatchRequestEntry {
		var es []PublishBatchRequestEntry
		for i := range n {
			es = append(es, PublishBatchRequestEntry{Id: fmt.Sprint("e", i), Message: "m"})
		}
		return es
	}
	_, err := f.s.PublishBatch(ctx, PublishBatchInput{TopicArn: a})
	requireCode(t, err, "EmptyBatchRequest")
	_, err = f.s.PublishBatch(ctx, PublishBatchInput{TopicArn: a, PublishBatchRequestEntries: entries(11)})
	requireCode(t, err, "TooManyEntriesInBatchRequest")
	_, err = f.s.PublishBatch(ctx, PublishBatchInput{TopicArn: a, PublishBatchRequestEntries: []PublishBatchRequestEntry{{Id: "a", Message: "m"}, {Id: "a", Message: "m"}}})
	requireCode(t, err, "BatchEntryIdsNotDistinct")
	_, err = f.s.PublishBatch(ctx, PublishBatchInput{TopicArn: a, PublishBatchRequestEntries: []PublishBatchRequestEntry{{Id: "bad id!", Message: "m"}}})
	requireCode(t, err, "InvalidBatchEntryId")
	half := strings.Repeat("x", MaxMessageSize/2+1)
	_, err = f.s.PublishBatch(ctx, PublishBatchInput{TopicArn: a, PublishBatchRequestEntries: []PublishBatchRequestEntry{{Id: "a", Message: half}, {Id: "b", Message: half}}})
	requireCode(t, err, "BatchRequestTooLong")
	_, err = f.s.PublishBatch(ctx, PublishBatchInput{TopicArn: a + "x", PublishBatchRequestEntries: entries(1)})
	requireCode(t, err, "NotFound")
	assert.Equal(t, 0, q.Len(), "rejected batches publish nothing")

	es := entries(3)
	es[1].Message = ""
	out, err := f.s.PublishBatch(ctx, PublishBatchInput{TopicArn: a, PublishBatchRequestEntries: es})
	require.NoError(t, err)
	require.Len(t, out.Successful, 2)
	require.Len(t, out.Failed, 1)
	assert.Equal(t, BatchResultErrorEntry{Id: "e1", Code: "InvalidParameter", Message: "Invalid parameter: Empty message", SenderFault: true}, out.Failed[0])
	assert.Equal(t, "e0", out.Successful[0].Id)
	assert.Equal(t, 2, q.Len())
}

func TestFIFODeduplicationWindowOnTheClock(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "orders.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	q := f.queue(t, "orders.fifo")
	_, err := f.s.Subscribe(ctx, SubscribeInput{TopicArn: a, Protocol: "http", Endpoint: "http://example.com"})
	requireCode(t, err, "InvalidParameter")
	f.subscribe(t, a, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})

	first, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "order 1", MessageGroupId: "g1"})
	require.NoError(t, err)
	require.NotEmpty(t, first.SequenceNumber)
	assert.Len(t, first.SequenceNumber, 20)
	f.clock.Advance(4 * time.Minute)
	dup, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "order 1", MessageGroupId: "g2"})
	require.NoError(t, err)
	assert.Equal(t, first.MessageId, dup.MessageId, "content-based dedup hashes the body only")
	assert.Equal(t, 1, q.Len())
	f.clock.Advance(time.Minute)
	again, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "order 1", MessageGroupId: "g1"})
	require.NoError(t, err)
	assert.NotEqual(t, first.MessageId, again.MessageId, "the 5-minute window has passed")
	assert.Greater(t, again.SequenceNumber, first.SequenceNumber)
	// An explicit dedup id wins over content.
	x, _ := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "A", MessageGroupId: "g1", MessageDeduplicationId: "same"})
	y, _ := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "B", MessageGroupId: "g1", MessageDeduplicationId: "same"})
	assert.Equal(t, x.MessageId, y.MessageId)
	first1, err := q.ReceiveMessage(ReceiveMessageInput{MaxNumberOfMessages: 1})
	require.NoError(t, err)
	require.Len(t, first1.Messages, 1)
	assert.Equal(t, "g1", first1.Messages[0].Attributes["MessageGroupId"])
	held, _ := q.ReceiveMessage(ReceiveMessageInput{MaxNumberOfMessages: 10})
	assert.Empty(t, held.Messages, "a FIFO queue holds back group g1 while one of its messages is in flight")
	require.NoError(t, q.DeleteMessage(first1.Messages[0].ReceiptHandle))
	rest := receiveAll(t, q)
	require.Len(t, rest, 2)
	assert.Equal(t, "A", rest[1].Body)
}

func TestSQSEnvelopeAndRawDelivery(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	env := f.queue(t, "env")
	raw := f.queue(t, "raw")
	f.subscribe(t, a, "sqs", env.ARN(), nil)
	f.subscribe(t, a, "sqs", raw.ARN(), map[string]string{"RawMessageDelivery": "true"})
	out, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "hello <world> & all", Subject: "greeting",
		MessageAttributes: map[string]MessageAttributeValue{"n": {DataType: "Number", StringValue: "7"}, "b": {DataType: "Binary", BinaryValue: []byte{1, 2}}}})
	require.NoError(t, err)

	msgs := receiveAll(t, env)
	require.Len(t, msgs, 1)
	body := msgs[0].Body
	assert.True(t, strings.HasPrefix(body, "{\n  \"Type\" : \"Notification\",\n  \"MessageId\" : \""+out.MessageId+"\",\n  \"TopicArn\" : \""+a+"\",\n  \"Subject\" : \"greeting\",\n  \"Message\" : \"hello <world> & all\",\n  \"Timestamp\" : \"2026-11-25T12:00:00.000Z\",\n  \"SignatureVersion\" : \"1\""), body)
	assert.Contains(t, body, "\"MessageAttributes\" : {\n    \"b\" : {\"Type\":\"Binary\",\"Value\":\"AQI=\"},\n    \"n\" : {\"Type\":\"Number\",\"Value\":\"7\"}\n  }\n}")
	cert, err := f.s.SigningCertificate()
	require.NoError(t, err)
	e, err := VerifyJSON([]byte(body), cert)
	require.NoError(t, err)
	assert.Equal(t, "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="+a+":", e.UnsubscribeURL[:len(e.UnsubscribeURL)-36])

	msgs = receiveAll(t, raw)
	require.Len(t, msgs, 1)
	assert.Equal(t, "hello <world> & all", msgs[0].Body)
	assert.Equal(t, "7", msgs[0].MessageAttributes["n"].StringValue)
	assert.Equal(t, "1", msgs[0].Attributes["ApproximateReceiveCount"])
}

func TestQueueVisibilityTimeoutOnTheClock(t *testing.T) {
	f := newFixture(t)
	q := f.queue(t, "q")
	q.SendMessage("m", nil)
	r1, err := q.ReceiveMessage(ReceiveMessageInput{})
	require.NoError(t, err)
	require.Len(t, r1.Messages, 1)
	r2, _ := q.ReceiveMessage(ReceiveMessageInput{})
	assert.Empty(t, r2.Messages, "in flight")
	f.clock.Advance(30 * time.Second)
	r3, _ := q.ReceiveMessage(ReceiveMessageInput{VisibilityTimeout: ptr(5)})
	require.Len(t, r3.Messages, 1, "visible again after the 30 s default")
	assert.Equal(t, "2", r3.Messages[0].Attributes["ApproximateReceiveCount"])
	requireCode(t, q.DeleteMessage(r1.Messages[0].ReceiptHandle), "ReceiptHandleIsInvalid")
	require.NoError(t, q.ChangeMessageVisibility(r3.Messages[0].ReceiptHandle, 0))
	assert.Equal(t, 1, q.ApproximateNumberOfMessages())
	_, err = q.ReceiveMessage(ReceiveMessageInput{MaxNumberOfMessages: 11})
	requireCode(t, err, "InvalidParameterValue")
	_, err = f.s.CreateQueue("bad name")
	requireCode(t, err, "InvalidParameterValue")
}

func TestMessageStructureJSONPerProtocol(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	q := f.queue(t, "q")
	f.subscribe(t, a, "sqs", q.ARN(), map[string]string{"RawMessageDelivery": "true"})
	var got []string
	fn := f.s.RegisterFunction("fn", func(_ context.Context, ev LambdaEvent) error {
		got = append(got, ev.Records[0].Sns.Message)
		return nil
	})
	f.subscribe(t, a, "lambda", fn, nil)
	f.subscribe(t, a, "sms", "+15555550100", nil)
	_, err := f.s.Publish(ctx, PublishInput{TopicArn: a, MessageStructure: "json", Message: `{"default":"dflt","sqs":"for sqs","lambda":{"not":"a string"}}`,
		MessageAttributes: map[string]MessageAttributeValue{"k": {DataType: "String", StringValue: "v"}}})
	require.NoError(t, err)
	msgs := receiveAll(t, q)
	require.Len(t, msgs, 1)
	assert.Equal(t, "for sqs", msgs[0].Body)
	assert.Equal(t, []string{"dflt"}, got, "non-string protocol keys are ignored")
	box := f.s.TakeOutbox()
	require.Len(t, box, 1)
	assert.Equal(t, "dflt", box[0].Body)
}

func TestLambdaEventShape(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", nil)
	var ev LambdaEvent
	fn := f.s.RegisterFunction("arn:aws:lambda:us-east-1:123456789012:function:handler", func(_ context.Context, e LambdaEvent) error { ev = e; return nil })
	sub := f.subscribe(t, a, "lambda", fn, nil)
	_, err := f.s.Publish(ctx, PublishInput{TopicArn: a, Message: "m", MessageAttributes: map[string]MessageAttributeValue{
		"n": {DataType: "Number", StringValue: "1.5"}, "arr": {DataType: "String.Array", StringValue: `["a"]`}}})
	require.NoError(t, err)
	require.Len(t, ev.Records, 1)
	r := ev.Records[0]
	assert.Equal(t, "aws:sns", r.EventSource)
	assert.Equal(t, "1.0", r.EventVersion)
	assert.Equal(t, sub, r.EventSubscriptionArn)
	assert.Nil(t, r.Sns.Subject)
	assert.Equal(t, EnvelopeAttribute{Type: "String", Value: "1.5"}, r.Sns.MessageAttributes["n"])
	assert.Equal(t, EnvelopeAttribute{Type: "String", Value: `["a"]`}, r.Sns.MessageAttributes["arr"])
	b, _ := json.Marshal(ev)
	assert.Contains(t, string(b), `"Subject":null`)
	assert.Contains(t, string(b), `"SigningCertUrl":"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-`)
	cert, _ := f.s.SigningCertificate()
	require.NoError(t, Verify(r.Sns.Envelope(), cert))
}

func TestPublishToPhoneNumberGoesToOutbox(t *testing.T) {
	f := newFixture(t)
	out, err := f.s.Publish(context.Background(), PublishInput{PhoneNumber: "+15555550100", Message: "code 1234"})
	require.NoError(t, err)
	box := f.s.Outbox()
	require.Len(t, box, 1)
	assert.Equal(t, OutboxMessage{Time: t0, Protocol: "sms", Endpoint: "+15555550100", MessageId: out.MessageId, Type: "Notification", Body: "code 1234"}, box[0])
}
