// Package sns is an in-process Amazon SNS: topics, subscriptions, publishing,
// delivery to HTTP/S endpoints, in-memory queues, Go functions and an outbox,
// subscription filter policies and message signing, all with AWS's names,
// limits, validation rules and error codes.
//
// # Model
//
// A [Service] holds one account's topics in one Region. [Service.CreateTopic]
// makes a standard or FIFO topic; [Service.Subscribe] attaches endpoints:
//
//   - "http"/"https": the real POST with AWS's headers (x-amz-sns-message-type,
//     -message-id, -topic-arn, -subscription-arn, Content-Type text/plain;
//     charset=UTF-8, User-Agent "Amazon Simple Notification Service Agent") and
//     AWS's JSON body, byte for byte in key order and spacing. The subscription
//     starts pending: a signed SubscriptionConfirmation is POSTed and the
//     subscription becomes active when the endpoint visits its SubscribeURL
//     (served by [Service.Handler]) or the application calls
//     [Service.ConfirmSubscription]. Unsubscribe POSTs an UnsubscribeConfirmation.
//   - "sqs": an in-memory [Queue] ([Service.CreateQueue]) with ReceiveMessage,
//     DeleteMessage and visibility timeouts on the clock. Queues also serve as
//     RedrivePolicy dead-letter queues.
//   - "lambda": a Go [Function] registered with [Service.RegisterFunction],
//     called with the [LambdaEvent] Lambda would receive.
//   - "email", "email-json", "sms", "application", "firehose": nothing leaves
//     the process; messages go to an outbox ([Service.Outbox],
//     [Service.TakeOutbox]). E-mail subscriptions get the confirmation e-mail
//     there. Mobile push is modelled as far as AWS's API goes: platform
//     applications and endpoints ([Service.CreatePlatformApplication],
//     [Service.CreatePlatformEndpoint], ...), with a Publish to an endpoint
//     (TargetArn) or an "application" subscription landing in the outbox.
//     The account's SMS preferences and opt-out list are kept
//     ([Service.SetSMSAttributes], [Service.CheckIfPhoneNumberIsOptedOut],
//     [Service.OptInPhoneNumber], [Service.ListPhoneNumbersOptedOut];
//     [Service.OptOutPhoneNumber] stands for a recipient's STOP reply).
//
// A topic's message data protection policy ([Service.PutDataProtectionPolicy])
// is validated and applied to inbound messages: Deny refuses a Publish whose
// message contains one of the named managed data identifiers (EmailAddress,
// CreditCardNumber, IpAddress, AwsSecretKey and PhoneNumber-US are detected,
// by pattern), Deidentify masks or redacts them, Audit logs the findings.
//
// # Use
//
//	s := sns.New(sns.Options{Clock: clk, Bus: b}) // inside localwatch.New: Stack.SNS
//	defer s.Close()
//	topic, _ := s.CreateTopic(ctx, sns.CreateTopicInput{Name: "ops"})
//	q, _ := s.CreateQueue("ops-inbox")
//	queueARN := q.ARN()
//	s.Subscribe(ctx, sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: "sqs", Endpoint: &queueARN})
//	s.Publish(ctx, sns.PublishInput{TopicArn: topic.TopicArn, Message: "hello"})
//	msgs, _ := q.ReceiveMessage(sns.ReceiveMessageInput{MaxNumberOfMessages: 10})
//
// # Data flow
//
// [Service.Publish] validates the message (size with attributes ≤ 256 KB,
// Subject, MessageStructure=json, attributes, FIFO group and deduplication),
// assigns the MessageId (and, on FIFO topics, the SequenceNumber, returning
// the original id for a duplicate within the 5-minute deduplication window),
// snapshots the confirmed subscriptions under the lock, releases it, and then
// fans the message out in subscription order. Each subscription's compiled
// filter policy (package filterpolicy) is applied to the attributes or the
// JSON body, flattened once per message. Envelopes are signed once per
// message (the signature covers no per-subscription field).
//
// In-process endpoints — queues, Go functions, the outbox — are delivered
// before Publish returns, on the caller's goroutine (a panicking function is
// a failed attempt, logged; the loop goes on). HTTP/S endpoints are parties
// outside the process: Publish only queues their POSTs and returns. The
// queue is one FIFO per endpoint (scheme and host), sent by a bounded pool of
// workers: [Service.Run] (started by localwatch's Account.Run) runs
// Options.DeliveryWorkers of them, at most Options.MaxDeliveriesPerEndpoint
// per endpoint, so one hanging endpoint never delays another; each attempt is
// bounded by Options.HTTPTimeout (AWS's 15 seconds), and an endpoint that
// falls Options.MaxQueuedPerEndpoint messages behind has further messages
// fail at once (dead-lettered or dropped, and reported) rather than hold
// memory without bound. On the manual clock, a
// test calls [Service.Settle] to wait for the queue to drain; with no Run
// active, Settle sends the POSTs itself (each endpoint's in order) and
// applies the results in queue order, so seeded runs stay byte-identical.
//
// The service subscribes to event.Notification on the bus, so alarms and
// Config publish to topics by ARN; a failure (unknown topic, invalid message)
// is returned to the bus publisher.
//
// A failed HTTP/S attempt (a 5xx status, a transport error or a timeout; AWS
// counts 200–4xx as delivered) is retried per the subscription's or topic's
// DeliveryPolicy — the immediate, pre-backoff, backoff and post-backoff
// phases of the developer guide's "Amazon SNS message delivery retries" — by
// default AWS's 3 retries 20 seconds apart. A failing [Function] is retried
// on AWS's policy for AWS-managed endpoints (3 immediate retries, 2 after
// 1 s, 10 with backoff to 20 s, then every 20 s). When retries run out, or at
// once for a client error (a missing queue or function), the message goes to
// the RedrivePolicy queue with ErrorCode, ErrorMessage and RequestID
// attributes, or is dropped. An immediate retry goes back to the queue; a
// delayed one is a timer on the clock whose callback only queues the POST
// (the clock never waits on an endpoint). On a service with a journal (an
// account with a DataDir), a Go function's delayed retry is queued the same
// way and called by the workers (Run or Settle), so that its outcome is
// journaled as a delivery result and replay does not call the function
// again. The queue, the timers and the FIFO
// deduplication window hold only messages in flight (a window empties on the
// clock five minutes after its last message). No goroutines are started but
// Run's workers and Settle's own, which it joins; [Service.Close] stops the
// timers, drops the queue and aborts the POSTs in flight.
//
// # Signing
//
// Notifications and confirmations are signed as AWS signs them:
// SignatureVersion 1 is SHA1withRSA and 2 (the topic attribute
// SignatureVersion=2) SHA256withRSA, over [StringToSign]. The key is
// Options.SigningKey or an RSA-2048 key generated from crypto/rand on first use;
// the self-signed certificate is served by [Service.Handler] at SigningCertURL
// and returned by [Service.SigningCertificate]. [Verify] and [VerifyJSON] check
// messages as the AWS SDKs' message validators do.
//
// Every operation takes the one path of internal/op and publishes an
// event.APICall (EventSource sns.amazonaws.com); Publish and PublishBatch are
// data events and hide the message text as CloudTrail does, and secrets
// (confirmation tokens, platform credentials, device tokens, phone numbers,
// one-time passwords) are left out. When the account persists its state,
// the journal logs every operation and, as the internal operation
// localwatch:DeliveryResult (not recorded by CloudTrail), every HTTP/S
// delivery result, so that a replay rebuilds retries and dead-lettering
// without repeating the POSTs.
//
// # Differences from AWS
//
//   - URLs in messages point at Options.Endpoint (default AWS's
//     https://sns.<region>.amazonaws.com); SDK validators that insist on an
//     amazonaws.com certificate host reject them unless configured.
//   - Retry delays have no jitter, so schedules are exact on the manual clock;
//     the arithmetic and geometric backoff curves are our reading of AWS's
//     graphs. A throttlePolicy (maxReceivesPerSecond) holds deliveries over
//     the budget until the next clock second.
//   - The topic policy is evaluated only for callers from other accounts (IAM
//     identity policies are not modelled); conditions other than the caller's
//     account or ARN never grant access.
//   - FIFO topics deliver to SQS queues only (FIFO queues in publish order,
//     and since AWS's 2025 change standard queues too, with the
//     SequenceNumber in the body and no FIFO system attributes); we refuse
//     other protocols on FIFO topics with AWS's earlier message. Message
//     archiving (ArchivePolicy) and KMS encryption are stored but have no
//     effect. Data protection applies inbound statements for the identifiers
//     above only (outbound statements, other and custom identifiers are
//     stored, not applied; a Deny answers AuthorizationError, our reading);
//     AWS stops offering it to new customers on 30 April 2026. Push
//     credentials are not checked with the push services; the account is in
//     the SMS sandbox only with Options.SMSSandbox, its one-time passwords
//     arrive in the outbox, and origination numbers are
//     Options.OriginationNumbers; the 30-day opt-in limit is not modelled; an
//     invalid DefaultSenderID answers "DefaultSenderID is invalid" (AWS's
//     text unknown).
//   - A Subscribe repeated for the same endpoint returns the existing
//     subscription when the attributes it gives agree with the stored ones
//     after normalisation (booleans in any case, defaults such as
//     FilterPolicyScope=MessageAttributes, JSON compacted); AWS's exact
//     normalisation of policy documents beyond compaction is not known.
//   - Confirmation tokens are 256 characters (AWS's vary in length); a token
//     is "malformed" (AWS's "Invalid token") when it is not at least 64 hex
//     digits, our reading of AWS's answers.
//   - Deliveries to HTTP/S endpoints wait in a queue until [Service.Run]'s
//     workers or [Service.Settle] send them; the Go application decides
//     when, where AWS sends at once.
//   - Unconfirmed subscriptions are not deleted after three days, and filter
//     policy changes apply at once (AWS: up to 15 minutes).
package sns
