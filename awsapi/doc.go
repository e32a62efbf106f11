// Package awsapi serves a localwatch [localwatch.Account] over AWS's own wire
// protocols, so that code written with aws-sdk-go-v2 (or any AWS SDK) and
// scripts using the aws CLI run against localwatch unchanged: in process,
// through [Handler.Transport] (no socket, on the stack's manual clock), or as
// a server (cmd/localwatch).
//
// # Protocols
//
// A request is routed by its protocol and signature:
//
//   - CloudWatch (metrics and alarms) speaks smithy-rpc-v2-cbor (POST
//     /service/GraniteServiceVersion20100801/operation/<Op>, header
//     smithy-protocol: rpc-v2-cbor, CBOR bodies: aws-sdk-go-v2's cloudwatch
//     client), awsJson1_0 (X-Amz-Target: GraniteServiceVersion20100801.<Op>:
//     the aws CLI v1 and v2) and awsQuery (Action=<Op>&Version=2010-08-01,
//     XML answers: older SDKs and CLIs).
//   - CloudWatch Logs (Logs_20140328.<Op>), CloudTrail
//     (com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op> and
//     CloudTrail_20131101.<Op>) and AWS Config (StarlingDoveService.<Op>)
//     speak awsJson1_1.
//   - SNS speaks awsQuery with AWS's XML answers. Unsigned GET visits of a
//     SubscribeURL or UnsubscribeURL, the signing certificate, and anything
//     under /_localwatch/sns/<region>/ go to that Region's
//     sns.Service.Handler: set the account's Options.SNSEndpoint to
//     [SNSEndpoint](base URL) so the URLs in SNS messages lead back to the
//     handler.
//
// Every operation localwatch implements is served: the method of the
// Region's service named after the operation, called by reflection with the
// decoded Input. Any other operation answers UnknownOperationException
// (JSON, CBOR) or InvalidAction (query). Which operations exist, and every
// error shape with its query code and HTTP status, comes from AWS's service
// models (botocore's), compiled into model_gen.go by `go generate`.
//
// Event stream operations (CloudWatch Logs StartLiveTail, whose method
// returns an iterator of events) answer Content-Type
// application/vnd.amazon.eventstream: an initial-response message, then one
// message per event, flushed as it comes, ending with an exception message
// (SessionTimeoutException, SessionStreamingException) when the session
// ends with an error. [Handler.Transport] streams these too.
//
// # Encoding
//
// The services' Input and Output types carry AWS's member names, so one
// reflective codec per protocol serves them all, with per-type plans cached.
// Timestamps are epoch seconds in JSON, tag 1 in CBOR and ISO 8601 in query
// and XML (CloudWatch Logs' are epoch-millisecond longs in its types); blobs
// are base64 in JSON and XML and byte strings in CBOR. Output members that
// are absent (nil pointers, zero times, empty omitempty members) are left
// out; a list or map the service always has is written even when empty, as
// AWS does. Request bodies may be gzip-compressed (Content-Encoding: gzip,
// which the SDKs use for PutMetricData).
//
// Request bodies are decoded in one pass straight into the Input, by
// decode plans computed once per Go type (decplan.go): each member is
// written straight to its memory at the field offset the plan holds
// (memdec.go), with no intermediate map[string]any nor reflect.Value per
// member; lists are cut from per-type arenas (one allocation for many
// lists, each with cap == len); short strings that repeat
// (metric names, dimension names and values, units) are interned in a small
// table; small pointees (a datum's *float64 Value) come from slabs; the
// body buffers are pooled. The one-pass readers only take the common road:
// the CBOR reader is stricter than the well-formedness check of
// github.com/fxamacker/cbor/v2 (the maintained, fuzzed RFC 8949
// implementation for Go: no indefinite lengths, which neither smithy-go nor
// botocore writes, one nesting level less), and the JSON reader gives up on
// escapes, duplicate members and anything unusual. Whatever they do not
// accept goes the reference way — fxamacker's check and then the plan
// reader for CBOR, encoding/json into a tree and then assign for JSON —
// which decides every error, so answers read as they always have; fuzz
// targets check the two roads decode alike, and the CBOR one against
// fxamacker's reflective Unmarshal. awsQuery forms are read pair by pair
// (querydec.go): each member's parameters must come together, as botocore
// and url.Values.Encode send them (list items in any member.N order);
// anything else goes through url.ParseQuery and a tree, the reference way.
// The plans are computed from the types at run time, so a field that
// becomes a pointer or a new member needs no regeneration.
//
// Answers are written by this package's small CBOR encoder, which writes what
// smithy-go's decoder expects (definite lengths, integers for integer shapes,
// 64-bit floats, tag 1 timestamps).
//
// # Errors
//
// Errors come out in each protocol's shape with AWS's HTTP status: __type
// and message in JSON and CBOR (the smithy shape ID, e.g.
// "com.amazonaws.cloudwatch#ResourceNotFound", for CloudWatch, whose
// x-amzn-query-error header also carries the query code and fault, e.g.
// "ResourceNotFound;Sender", which the SDKs use as the error code), and
// <ErrorResponse><Error><Type>Sender</Type><Code>..</Code> in query. Bodies
// that cannot be decoded answer SerializationException (JSON, CBOR) or the
// service's InvalidParameterValue / InvalidParameter (query); requests
// larger than the service's limit (1 MiB for CloudWatch, documented for
// PutMetricData; 2 MiB for Logs, whose PutLogEvents batches are up to 1 MiB
// of events; 1 MiB otherwise), on the wire or once decompressed, answer 413
// RequestEntityTooLarge. No rejected request reaches a service.
//
// # Identity
//
// Every request must be signed with SigV4 (an Authorization header or a
// presigned URL), as AWS requires: an unsigned request answers
// MissingAuthenticationToken(Exception) and a garbled one
// IncompleteSignature(Exception). (LocalStack and moto accept unsigned
// requests; AWS does not, and every SDK and the CLI sign.) The Region is the
// credential scope's; a Region the account does not have answers AWS's
// "Credential should be scoped to a valid region". The access key is looked
// up in Options.Credentials; by default any other key is accepted as the IAM
// user "localwatch" of the account. The caller's identity, the client's
// address (without port) and User-Agent reach CloudTrail with each call, and
// the x-amzn-RequestId of every answer is the requestID CloudTrail records.
// With Options.Strict, unknown keys, wrong signatures and stale requests are
// rejected as AWS rejects them.
//
// # Differences from AWS
//
//   - One endpoint serves every service and Region; AWS has one host per
//     service and Region.
//   - Responses are not compressed and carry no Date-based throttling.
//   - An output member the service leaves at its zero value without
//     omitempty (an empty string, say) is written, where AWS may omit it.
package awsapi
