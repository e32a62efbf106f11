// Package trail is AWS CloudTrail for the localwatch stack: it records who did
// what, keeps a searchable 90-day event history, delivers trails' log files to
// an object store, and proves them untampered with signed, chained digest
// files that [ValidateLogs] checks the way `aws cloudtrail validate-logs` does.
//
// # Model
//
// A [Service] is CloudTrail in one Region of one account. It subscribes to
// event.APICall on the bus, so every operation of every localwatch service
// becomes a [Record] (eventVersion 1.11, AWS's field names, eventTime in
// whole UTC seconds). The eventID is the APICall's EventID when set. The
// caller comes from the call's context; a call whose context carried no
// identity is recorded as made by the account's root user from
// sourceIPAddress 127.0.0.1 ([DefaultSourceIPAddress]); a caller without a
// user agent gets userAgent "localwatch" ([DefaultUserAgent]), since
// CloudTrail always writes one. Applications record events that do not come
// from a localwatch service — a console sign-in, an S3 object-level data
// event, a service event — with [Service.RecordEvent]; sign-in records get
// AWS's userIdentity shape (an empty accessKeyId, no arn for a failed IAM
// user sign-in).
// Every public operation of this package records its own APICall (event
// source cloudtrail.amazonaws.com); consuming records never publishes one,
// so there is no loop.
//
// # Use
//
// Give New the bus and clock the other services use (inside the full stack,
// localwatch.New, this is done for you: Stack.Trail). Create a trail and
// start logging as with the AWS API; advancing the clock delivers files:
//
//	t := trail.New(trail.Options{Clock: clk, Bus: b}) // clk := localwatch.NewManualClock(t0); b := new(localwatch.Bus)
//	defer t.Close()
//	t.CreateTrail(ctx, trail.CreateTrailInput{Name: "audit", S3BucketName: "logs", EnableLogFileValidation: trail.Bool(true)})
//	t.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"})
//	// ... API calls of the other services ...
//	clk.Advance(5 * time.Minute)  // the log file is in t.Store()
//	t.LookupEvents(ctx, trail.LookupEventsInput{})
//
// Each record goes to
//
//   - the Region's event history, if it is a management event: kept 90 days
//     on the clock and searched by [Service.LookupEvents] (one lookup
//     attribute, inclusive time range, newest first, at most 50 per page);
//   - every logging trail that applies to the Region and whose event
//     selectors (basic or advanced) select it. Data events reach only trails
//     that select them.
//
// Global-service events (IAM, STS, CloudFront) are recorded in us-east-1 —
// awsRegion is rewritten to us-east-1 and only the us-east-1 Service keeps
// them — as AWS has done since November 2021. These and console sign-in
// events reach a trail only if it includes global service events.
//
// # Regions and Shared
//
// The stack builds one Service per Region, all given the same [Shared]: the
// trail definitions (a multi-Region trail is created in its home Region and
// appears as a shadow trail in every other Region; StartLogging, StopLogging,
// UpdateTrail, DeleteTrail and PutEventSelectors must be called in the home
// Region), the object store, and the per-Region signing keys. Each Region's
// Service delivers its own Region's part of a multi-Region trail, under its
// own Region in the key layout, with its own digest chain and key.
//
// # Delivery cadence (deterministic)
//
// Delivery is a timer on the clock, aligned to the Unix epoch:
//
//   - at every 5-minute boundary (Options.DeliveryInterval), each trail with
//     pending records gets one log file, [prefix/]AWSLogs/[o-id/]account/
//     CloudTrail/region/YYYY/MM/DD/account_CloudTrail_region_YYYYMMDDTHHmmZ_
//     <16 characters>.json.gz, holding gzip {"Records":[...]} in arrival
//     order; the key time is the delivery time. No file is written when there
//     are no records. The same records go, as one event.LogDelivery, to the
//     trail's CloudWatch Logs group (stream account_CloudTrail_region), and an
//     event.Notification {"s3Bucket","s3ObjectKey":[key]} goes to its SNS topic.
//   - at every hour boundary (Options.DigestInterval), each trail with log
//     file validation gets a digest file, even when no log file was delivered,
//     covering the log files delivered since the previous digest. The first
//     digest of a chain starts when logging (or validation) started and has
//     null previous-digest fields; StopLogging and DeleteTrail deliver the
//     pending records and a final digest at once in the home Region (at the
//     next tick in other Regions). Disabling validation ends the chain after
//     the next digest.
//
// AWS's digest times are offset by seconds from the hour (14:01:31); ours are
// on the hour, except final digests, which end at the StopLogging time, and
// the last digest of a chain restarted within the hour, which ends when
// validation came back. Options.DeliveryInterval and DigestInterval are
// whole seconds, at least [MinInterval].
//
// # Integrity
//
// A digest is AWS's JSON, in AWS's key order, with the SHA-256 of each log
// file's uncompressed bytes, the SHA-256 and signature of the previous digest,
// and an RSA PKCS #1 v1.5 SHA-256 signature over AWS's string to sign
// ([StringToSign]) in the object's metadata ("signature", hex, and
// "signature-algorithm": SHA256withRSA). The hashes and signature cover the
// exact bytes that are gzipped and stored. Each Region's 2048-bit key pair is
// rotated every 30 days ([KeyRotation], AWS's list-public-keys example window)
// from when the Region's first Service was created; each is generated
// deterministically from Shared.KeySeed, the account, the Region and the
// window on first use (a few hundred milliseconds, then cached
// process-wide); the public keys (PKCS #1 DER), fingerprints (MD5 of the DER)
// and 30-day validity windows come from [Service.ListPublicKeys].
//
// [ValidateLogs] walks the chain from the newest digest in a time range
// backwards, exactly as the AWS CLI does, then the chain of backfill digests
// (keys ending _backfill.json.gz, which AWS delivers for log files a digest
// missed), and reports each digest and log file as valid or INVALID (not
// found, hash value doesn't match, signature verification failed, invalid
// format, moved, unknown public key), gaps in the chain, the CLI's summary
// ([ValidationReport.WriteText] prints it byte for byte, "(backfill)" lines
// and the "Results found for" range included), and in addition log files no
// digest references — also those after the newest remaining digest, which a
// deleted newest digest leaves behind ([ValidationReport.WriteUnreferenced]).
// It works on files AWS delivered, given AWS's public keys. The
// examples/trailvalidate program runs it over a directory store.
//
// # Reading log files
//
// [ReadLogFile] decodes one log file from an io.Reader, gzip-compressed as
// delivered (.json.gz) or not. [LogFiles] walks a bucket's layout in an
// fs.FS — os.DirFS over `aws s3 sync s3://bucket dir`, or an objstore.Dir's
// bucket folder — and yields the records of every log file in delivery-time
// order, across prefixes, organization layers, accounts and Regions, skipping
// digest files:
//
//	for r, err := range trail.LogFiles(os.DirFS("./my-trail-bucket")) {
//		if err != nil { ... } // a file that could not be read; the walk goes on
//		fmt.Println(r.EventTime, r.EventName)
//	}
//
// # Failures and restarts
//
// A log file the object store refuses is kept and retried, in order, at every
// delivery for 30 days ([DeliveryRetryPeriod]; AWS: "CloudTrail will attempt
// to redeliver the log files to your S3 bucket for 30 days"), with
// GetTrailStatus' LatestDeliveryError set meanwhile; a refused digest keeps
// its log files for the next one. A log file given up restarts the digest
// chain at that moment, so validation reports the loss as a gap. Turning
// validation (or logging) off and on again starts a new chain (a starting
// digest with null previous-digest fields): the old chain's last digest ends
// where the new one starts, so digest ranges never overlap. This package does
// not deliver backfill digests itself: its deliveries have no processing
// delay that would leave a log file out of its digest.
//
// # Deliberate differences from AWS
//
//   - No throttling (AWS allows LookupEvents 2 calls per second), no Insights
//     events (PutInsightSelectors/GetInsightSelectors store and return
//     selectors; EventCategory "insight" returns nothing), no KMS encryption
//     of files (KmsKeyId is validated and stored only), no S3 bucket policy or
//     existence checks, no event data stores, dashboards, channels or Lake
//     (so the resource-policy operations, which apply only to those, answer
//     ResourceTypeNotSupportedException for a trail and
//     ResourceNotFoundException for the others). Trails carry tags (AddTags,
//     RemoveTags, ListTags, CreateTrail's TagsList); a multi-Region trail's
//     tags change only in its home Region (InvalidHomeRegionException, a
//     code AWS's model does not list for AddTags).
//   - LookupEvents returns a resource's ARN as its ResourceName; a
//     ResourceName lookup matches the ARN and the names in it (an instance
//     ID, a bucket, topic or log group name).
//   - Log files are not split at 50 MB.
//   - API CreateTrail leaves the trail not logging until StartLogging (the
//     console starts it; AWS's API behaviour is not documented).
//   - Within one advanced field selector, all given operators must hold
//     (values of one operator are OR'ed).
//   - CreateTrail and UpdateTrail check that the CloudWatch Logs group exists
//     only when Options.LogGroupExists is set (the stack sets it); otherwise a
//     missing group shows at the next delivery as GetTrailStatus'
//     LatestCloudWatchLogsDeliveryError. The role is never checked.
//   - After Close every operation answers ServiceUnavailableException;
//     records not yet delivered are dropped. A nil context is
//     context.Background().
//   - RecordEvent refuses free-form elements that have no JSON form (NaN,
//     ±Inf, channels) with InvalidParameterException; an API call on the bus
//     with such elements is written without its free-form elements.
//   - Records of calls made through localwatch's services carry no
//     tlsDetails (an optional field in AWS's record contents): those calls are
//     in-process, not TLS. RecordEventInput.TLSDetails sets it.
package trail
