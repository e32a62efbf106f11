package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/objstore"
)

// Digest is a CloudTrail digest file, field for field and in AWS's key order.
// Nullable fields are pointers (null in the first digest of a chain and, for
// the event times, in a digest without log files).
type Digest struct {
	AWSAccountID                string          `json:"awsAccountId"`
	DigestStartTime             string          `json:"digestStartTime"`
	DigestEndTime               string          `json:"digestEndTime"`
	DigestS3Bucket              string          `json:"digestS3Bucket"`
	DigestS3Object              string          `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string          `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string          `json:"digestSignatureAlgorithm"`
	NewestEventTime             *string         `json:"newestEventTime"`
	OldestEventTime             *string         `json:"oldestEventTime"`
	PreviousDigestS3Bucket      *string         `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string         `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string         `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string         `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string         `json:"previousDigestSignature"`
	LogFiles                    []DigestLogFile `json:"logFiles"`
}

// DigestLogFile is a digest's entry for one log file: the hex SHA-256 of the
// log file's uncompressed bytes and its event time range.
type DigestLogFile struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime"`
	OldestEventTime string `json:"oldestEventTime"`
}

// StringToSign returns what a digest's signature covers, as AWS defines it:
// digestEndTime, "bucket/key", the hex SHA-256 of the uncompressed digest
// bytes and the previous digest's signature ("null" for none), joined by
// newlines with no trailing newline.
func StringToSign(digestEndTime, bucket, key string, inflated []byte, previousSignature *string) []byte {
	h := sha256.Sum256(inflated)
	prev := "null"
	if previousSignature != nil {
		prev = *previousSignature
	}
	return []byte(digestEndTime + "\n" + bucket + "/" + key + "\n" + hex.EncodeToString(h[:]) + "\n" + prev)
}

// regionalState is one trail's digest chain in this Region.
type regionalState struct {
	cfg        *trailConfig // last configuration seen
	gen        uint64       // Gen of the chain (or of the last one)
	chain      bool         // a digest chain is open
	chainStart time.Time    // start of the next digest
	prev       *Digest      // previous digest of the chain (nil: first)
	prevHash   string
	prevSig    string
	logs       []DigestLogFile
	lastEnd    time.Time // end of the last digest written (of any chain)
	// unsent are log files the object store refused, oldest first: each
	// delivery retries them in order before anything newer, for up to
	// DeliveryRetryPeriod.
	unsent []*logFile
}

// logFile is an encoded log file waiting to be stored.
type logFile struct {
	at   time.Time // when it was first due
	key  string
	body []byte // gzipped
	lf   DigestLogFile
}

// DeliveryRetryPeriod is how long a log file the object store refuses is
// retried, at every delivery, before it is given up: "If you misconfigure your
// trail (for example, the S3 bucket is unreachable), CloudTrail will attempt
// to redeliver the log files to your S3 bucket for 30 days" (CloudTrail User
// Guide, Getting and viewing your CloudTrail log files). A log file given up
// breaks the digest chain: the next digest starts a new chain at the time of
// the loss, so [ValidateLogs] reports the gap.
const DeliveryRetryPeriod = 30 * 24 * time.Hour

// outbox collects what a delivery publishes on the bus, sent once no lock is
// held.
type outbox struct {
	logs   []event.LogDelivery
	notes  []event.Notification
	status []func(*trailStatus)
	arns   []string
	// logFor and noteFor name the trail and delivery time of each of logs
	// and notes: their status is set from the outcome of the publish.
	logFor, noteFor []sentFor
}

type sentFor struct {
	arn string
	at  time.Time
}

func (o *outbox) setStatus(arn string, f func(*trailStatus)) {
	o.arns = append(o.arns, arn)
	o.status = append(o.status, f)
}

// tick is the delivery schedule: at every DeliveryInterval boundary each
// trail with pending events gets one log file; at every DigestInterval
// boundary each trail with validation on gets a digest (also when empty).
func (s *Service) tick(at time.Time) {
	views, bufs := s.takePending(at)
	// Whole seconds since the epoch (intervals are whole seconds): no
	// UnixNano, which overflows after 2262.
	digestDue := at.Nanosecond() == 0 && at.Unix()%int64(s.digestIv/time.Second) == 0
	var ob outbox
	s.deliverAll(&ob, views, bufs, at, digestDue)
	s.send(&ob)
}

// takePending expires event history and takes every trail's pending records.
func (s *Service) takePending(at time.Time) ([]*trailConfig, map[string]*chunked[*entry]) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.shared.version.Load(); v != s.viewsVer {
		s.refreshViewsLocked()
	}
	s.history.expire(at.Add(-HistoryRetention).Unix())
	views := slices.Clone(s.views)
	bufs := s.bufs
	s.bufs = make(map[string]*chunked[*entry], len(bufs))
	return views, bufs
}

// deliverAll delivers every trail's records (and those of trails gone from
// this Region) at a delivery boundary.
func (s *Service) deliverAll(ob *outbox, views []*trailConfig, bufs map[string]*chunked[*entry], at time.Time, digestDue bool) {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	seen := make(map[string]bool, len(views))
	for _, c := range views {
		seen[c.ARN] = true
		s.deliverLocked(ob, c, pendingOf(bufs[c.ARN]), at, digestDue, false)
	}
	// In ARN order: deliveries draw IDs, so their order must not be the
	// map's.
	for _, arn := range slices.Sorted(maps.Keys(s.regional)) {
		if rs := s.regional[arn]; !seen[arn] {
			s.deliverLocked(ob, rs.cfg, pendingOf(bufs[arn]), at, digestDue, true)
		}
	}
}

func pendingOf(p *chunked[*entry]) []*entry {
	if p == nil {
		return nil
	}
	return p.slice()
}

// finish delivers a trail's pending events and closes its digest chain at
// once (StopLogging, DeleteTrail in the home Region).
func (s *Service) finish(arn string, last *trailConfig) {
	recs, cfg := s.takeTrailPending(arn)
	now := s.op.Clock.Now().UTC().Truncate(time.Second)
	var ob outbox
	func() {
		s.deliverMu.Lock()
		defer s.deliverMu.Unlock()
		gone := cfg == nil
		if gone {
			cfg = last
		}
		if cfg != nil {
			s.deliverLocked(&ob, cfg, recs, now, false, gone)
		}
	}()
	s.send(&ob)
}

// takeTrailPending takes one trail's pending records, with its current
// configuration in this Region (nil when it no longer applies here).
func (s *Service) takeTrailPending(arn string) ([]*entry, *trailConfig) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.shared.version.Load(); v != s.viewsVer {
		s.refreshViewsLocked()
	}
	recs := pendingOf(s.bufs[arn])
	delete(s.bufs, arn)
	var cfg *trailConfig
	for _, c := range s.views {
		if c.ARN == arn {
			cfg = c
		}
	}
	return recs, cfg
}

// deliverLocked writes c's log file for recs and advances its digest chain.
// gone means the trail no longer applies here (deleted or no longer
// multi-Region): deliver what is left and close the chain.
func (s *Service) deliverLocked(ob *outbox, c *trailConfig, recs []*entry, at time.Time, digestDue, gone bool) {
	rs := s.regional[c.ARN]
	if rs == nil {
		rs = &regionalState{}
		s.regional[c.ARN] = rs
	}
	rs.cfg = c
	// A chain starts with the first delivery after logging (or validation)
	// started — also when the trail stopped or went before that delivery, so
	// its only log file still gets a (final) digest.
	if !rs.chain && c.Validation && rs.gen != c.Gen && (c.Logging || len(recs) > 0) {
		rs.startChain(c)
	}
	if rs.chain && !gone && rs.gen != c.Gen && c.Logging && c.Validation {
		// Validation (or logging) was turned off and on again since the last
		// delivery, within the chain's hour. The old chain ends where the new
		// one starts — when validation came back — and this delivery's files
		// belong to the new chain: digest ranges never overlap, and the
		// validator sees one restart (a starting digest with null
		// previous-digest fields, as the CloudTrail User Guide says a restart
		// produces) rather than a reversed gap.
		s.writeDigest(ob, rs, c, maxTime(c.ChainStart, rs.chainStart))
		rs.startChain(c)
	}
	closing := rs.chain && (gone || rs.gen != c.Gen || !c.Logging)
	if len(recs) > 0 {
		s.queueLog(ob, rs, c, recs, at)
	}
	s.flushLogs(ob, rs, c, at)
	if closing {
		end := at
		if !c.Logging && !c.StopTime.IsZero() && c.StopTime.After(rs.chainStart) && c.StopTime.Before(at) {
			end = c.StopTime
		}
		s.writeDigest(ob, rs, c, end)
		rs.chain = false
	} else if rs.chain && digestDue {
		s.writeDigest(ob, rs, c, at)
		if !c.Validation {
			rs.chain = false // validation off: the chain ends after this digest
		}
	}
	if gone && !rs.chain && len(rs.unsent) == 0 {
		delete(s.regional, c.ARN)
	}
}

// startChain opens a new digest chain for c's current generation. It starts
// when logging or validation (re)started, but never before the end of the
// previous digest, so that digest ranges do not overlap.
func (rs *regionalState) startChain(c *trailConfig) {
	rs.chain, rs.gen, rs.chainStart, rs.prev, rs.logs = true, c.Gen, maxTime(c.ChainStart, rs.lastEnd), nil, nil
}

// keyBase is "[prefix/]AWSLogs/[o-id/]account/".
func keyBase(c *trailConfig) string {
	var b strings.Builder
	if c.S3KeyPrefix != "" {
		b.WriteString(strings.TrimSuffix(c.S3KeyPrefix, "/"))
		b.WriteByte('/')
	}
	b.WriteString("AWSLogs/")
	if c.Org && c.OrgID != "" {
		b.WriteString(c.OrgID)
		b.WriteByte('/')
	}
	b.WriteString(c.Account)
	b.WriteByte('/')
	return b.String()
}

// LogFileKey returns the S3 key CloudTrail gives a log file delivered at t.
func LogFileKey(prefix, orgID, account, region string, t time.Time, unique string) string {
	c := &trailConfig{S3KeyPrefix: prefix, OrgID: orgID, Org: orgID != "", Account: account}
	return logKey(c, region, t, unique)
}

func logKey(c *trailConfig, region string, t time.Time, unique string) string {
	t = t.UTC()
	return fmt.Sprintf("%sCloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
		keyBase(c), region, t.Format("2006/01/02"), c.Account, region, t.Format("20060102T1504Z"), unique)
}

// DigestFileKey returns the S3 key of a digest file ending at end.
func DigestFileKey(prefix, orgID, account, sourceRegion, trailName, homeRegion string, end time.Time) string {
	c := &trailConfig{S3KeyPrefix: prefix, OrgID: orgID, Org: orgID != "", Account: account, Name: trailName, HomeRegion: homeRegion}
	return digestKey(c, sourceRegion, end)
}

func digestKey(c *trailConfig, region string, end time.Time) string {
	end = end.UTC()
	return fmt.Sprintf("%sCloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz",
		keyBase(c), region, end.Format("2006/01/02"), c.Account, region, c.Name, c.HomeRegion, end.Format("20060102T150405Z"))
}

const uniqueAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// gzipPool holds BestSpeed writers: the compression level of a log file is
// not part of its format, and BestSpeed is about three times faster.
var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b)/8 + 64)
	w := gzipPool.Get().(*gzip.Writer)
	w.Reset(&out)
	_, _ = w.Write(b)
	_ = w.Close()
	gzipPool.Put(w)
	return out.Bytes()
}

// encodeLogFile writes {"Records":[...]} for recs.
func (s *Service) encodeLogFile(recs []*entry) []byte {
	var r Record
	var w recordJSON
	var buf bytes.Buffer
	buf.Grow(len(recs) * 800)
	buf.WriteString(`{"Records":[`)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	n := 0
	for _, e := range recs {
		mark := buf.Len()
		if n > 0 {
			buf.WriteByte(',')
		}
		s.fill(e, &r)
		w.set(&r)
		if err := enc.Encode(&w); err != nil {
			// A bus call whose free-form elements have no JSON form (RecordEvent
			// refuses those), or a stored value a caller changed: write the
			// record without its free-form elements, never a stub.
			buf.Truncate(mark + min(n, 1))
			stripFreeForm(&r)
			w.set(&r)
			if enc.Encode(&w) != nil {
				buf.Truncate(mark)
				continue
			}
		}
		buf.Truncate(buf.Len() - 1) // Encoder's newline
		n++
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// stripFreeForm removes a record's free-form elements (what callers supply).
func stripFreeForm(r *Record) {
	r.RequestParameters, r.ResponseElements, r.AdditionalEventData = nil, nil, nil
	r.ServiceEventDetails, r.EdgeDeviceDetails, r.InsightDetails = nil, nil, nil
}

func (s *Service) queueLog(ob *outbox, rs *regionalState, c *trailConfig, recs []*entry, at time.Time) {
	body := s.encodeLogFile(recs)
	sum := sha256.Sum256(body)
	key := logKey(c, s.op.Region, at, s.op.IDs.String(16, uniqueAlphabet))
	oldest, newest := recs[0].t, recs[0].t
	for _, e := range recs[1:] {
		oldest, newest = min(oldest, e.t), max(newest, e.t)
	}
	rs.unsent = append(rs.unsent, &logFile{at: at, key: key, body: gzipBytes(body), lf: DigestLogFile{
		S3Object: key, HashValue: hex.EncodeToString(sum[:]), HashAlgorithm: "SHA-256",
		NewestEventTime: time.Unix(newest, 0).UTC().Format(TimeFormat), OldestEventTime: time.Unix(oldest, 0).UTC().Format(TimeFormat),
	}})
	if group, acct, region := logGroupAddress(c.CWLGroupARN); group != "" {
		// The log group is in the trail's home Region; every Region of a
		// multi-Region trail delivers there.
		ld := event.LogDelivery{AccountID: acct, Region: region, LogGroupName: group, LogStreamName: c.Account + "_CloudTrail_" + s.op.Region, Source: EventSource}
		var r Record
		for _, e := range recs {
			s.fill(e, &r)
			b, err := json.Marshal(&r)
			if err != nil {
				stripFreeForm(&r) // as in the log file (see encodeLogFile)
				b, err = json.Marshal(&r)
			}
			if err != nil || len(b) > 256*1024 {
				continue // CloudTrail does not send events over 256 KB to CloudWatch Logs
			}
			ld.Events = append(ld.Events, event.LogEvent{Timestamp: e.t * 1000, Message: string(b)})
		}
		ob.logs = append(ob.logs, ld)
		ob.logFor = append(ob.logFor, sentFor{c.ARN, at})
	}
}

// flushLogs stores the queued log files in order, stopping at the first the
// store refuses (it and those after it are retried at the next delivery).
// Each stored file joins the open digest chain and is announced on the
// trail's SNS topic. Files refused for DeliveryRetryPeriod are given up, and
// the digest chain restarts at at, so that validation shows the loss as a gap.
func (s *Service) flushLogs(ob *outbox, rs *regionalState, c *trailConfig, at time.Time) {
	if len(rs.unsent) == 0 {
		return
	}
	sent := 0
	var err error
	for _, f := range rs.unsent {
		err = s.shared.store().Put(context.Background(), objstore.Object{Bucket: c.S3BucketName, Key: f.key, Body: f.body})
		if err != nil {
			break
		}
		sent++
		f.lf.S3Bucket = c.S3BucketName
		if rs.chain {
			rs.logs = append(rs.logs, f.lf)
		}
		if c.SnsTopicARN != "" {
			msg, _ := json.Marshal(map[string]any{"s3Bucket": c.S3BucketName, "s3ObjectKey": []string{f.key}})
			ob.notes = append(ob.notes, event.Notification{TopicARN: c.SnsTopicARN, Message: string(msg), Source: EventSource})
			ob.noteFor = append(ob.noteFor, sentFor{c.ARN, at})
		}
	}
	clear(rs.unsent[:sent])
	rs.unsent = rs.unsent[sent:]
	if err == nil {
		rs.unsent = nil
		ob.setStatus(c.ARN, func(ts *trailStatus) { ts.latestDelivery, ts.deliveryErr = at, "" })
		return
	}
	if sent > 0 {
		ob.setStatus(c.ARN, func(ts *trailStatus) { ts.latestDelivery = at })
	}
	msg := err.Error()
	ob.setStatus(c.ARN, func(ts *trailStatus) { ts.deliveryErr = msg })
	lost := 0
	for lost < len(rs.unsent) && !rs.unsent[lost].at.After(at.Add(-DeliveryRetryPeriod)) {
		lost++
	}
	if lost > 0 {
		clear(rs.unsent[:lost])
		rs.unsent = rs.unsent[lost:]
		if rs.chain {
			// The chain cannot vouch for what was lost: the next digest starts
			// a new chain (null previous-digest fields) at the loss.
			rs.prev, rs.chainStart = nil, at
		}
	}
}

// writeDigest writes the digest that closes [rs.chainStart, end] and links
// it into the chain.
func (s *Service) writeDigest(ob *outbox, rs *regionalState, c *trailConfig, end time.Time) {
	end = end.UTC().Truncate(time.Second)
	if !end.After(rs.chainStart) {
		end = rs.chainStart.Add(time.Second) // never reuse the previous digest's key
	}
	key := digestKey(c, s.op.Region, end)
	sk := s.shared.regionKey(s.op.AccountID, s.op.Region, end)
	d := Digest{
		AWSAccountID:               c.Account,
		DigestStartTime:            rs.chainStart.UTC().Format(TimeFormat),
		DigestEndTime:              end.Format(TimeFormat),
		DigestS3Bucket:             c.S3BucketName,
		DigestS3Object:             key,
		DigestPublicKeyFingerprint: sk.fingerprint,
		DigestSignatureAlgorithm:   SignatureAlgorithm,
		LogFiles:                   rs.logs,
	}
	if d.LogFiles == nil {
		d.LogFiles = []DigestLogFile{}
	}
	if len(rs.logs) > 0 {
		newest, oldest := rs.logs[0].NewestEventTime, rs.logs[0].OldestEventTime
		for _, lf := range rs.logs[1:] {
			newest = max(newest, lf.NewestEventTime)
			oldest = min(oldest, lf.OldestEventTime)
		}
		d.NewestEventTime, d.OldestEventTime = &newest, &oldest
	}
	if rs.prev != nil {
		b, k, h, a, sig := rs.prev.DigestS3Bucket, rs.prev.DigestS3Object, rs.prevHash, "SHA-256", rs.prevSig
		d.PreviousDigestS3Bucket, d.PreviousDigestS3Object = &b, &k
		d.PreviousDigestHashValue, d.PreviousDigestHashAlgorithm, d.PreviousDigestSignature = &h, &a, &sig
	}
	body, _ := json.Marshal(&d)
	sig, err := sk.sign(StringToSign(d.DigestEndTime, d.DigestS3Bucket, d.DigestS3Object, body, d.PreviousDigestSignature))
	if err == nil {
		err = s.shared.store().Put(context.Background(), objstore.Object{
			Bucket: c.S3BucketName, Key: key, Body: gzipBytes(body),
			Metadata: map[string]string{"signature": hex.EncodeToString(sig), "signature-algorithm": SignatureAlgorithm},
		})
	}
	if err != nil {
		msg := err.Error()
		ob.setStatus(c.ARN, func(ts *trailStatus) { ts.digestErr = msg })
		return // the logs stay pending for the next digest
	}
	h := sha256.Sum256(body)
	rs.prev, rs.prevHash, rs.prevSig = &d, hex.EncodeToString(h[:]), hex.EncodeToString(sig)
	rs.chainStart, rs.logs, rs.lastEnd = end, nil, end
	ob.setStatus(c.ARN, func(ts *trailStatus) { ts.latestDigest, ts.digestErr = end, "" })
}

// send applies status updates and publishes collected events, with no lock of
// this Service held. The outcome of each CloudWatch Logs delivery and SNS
// notification (the error the logs or sns service returned on the bus: a
// missing log group or topic) becomes the trail's
// LatestCloudWatchLogsDeliveryError or LatestNotificationError; a success
// clears it and moves the latest delivery or notification time.
func (s *Service) send(ob *outbox) {
	s.applyStatus(ob)
	ob.arns, ob.status = nil, nil
	ctx := context.Background()
	for i, ld := range ob.logs {
		f, code := ob.logFor[i], deliveryError(s.publish(ctx, ld))
		ob.setStatus(f.arn, func(ts *trailStatus) {
			if ts.cwlErr = code; code == "" {
				ts.latestCWL = f.at
			}
		})
	}
	for i, n := range ob.notes {
		f, code := ob.noteFor[i], deliveryError(s.publish(ctx, n))
		ob.setStatus(f.arn, func(ts *trailStatus) {
			ts.latestNotificationAttempt = f.at
			if ts.notificationErr = code; code == "" {
				ts.latestNotification = f.at
			}
		})
	}
	s.applyStatus(ob)
}

func (s *Service) applyStatus(ob *outbox) {
	if len(ob.status) == 0 {
		return
	}
	sh := s.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for i, arn := range ob.arns {
		if st := sh.trails[arn]; st != nil {
			ob.status[i](&st.status)
		}
	}
}

// publish publishes ev on the bus (nothing to do, and no failure, without one).
func (s *Service) publish(ctx context.Context, ev any) error {
	if s.op.Bus == nil {
		return nil
	}
	switch ev := ev.(type) {
	case event.LogDelivery:
		return bus.Publish(ctx, s.op.Bus, ev)
	case event.Notification:
		return bus.Publish(ctx, s.op.Bus, ev)
	}
	return nil
}

// deliveryError is the status text of a failed delivery: the AWS error code
// the receiving service returned (ResourceNotFoundException for a missing log
// group, NotFound for a missing topic), else the error's text.
func deliveryError(err error) string {
	if err == nil {
		return ""
	}
	if code := awserr.Code(err); code != "" {
		return code
	}
	return err.Error()
}
