package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/objstore"
)

// FileKind tells a digest file from a log file in a result.
type FileKind string

// The kinds of validated files, worded as the CLI prints them.
const (
	DigestFileKind FileKind = "Digest file"
	LogFileKind    FileKind = "Log file"
)

// Problems the validator reports, worded as the CLI prints them after
// "INVALID: ".
const (
	ProblemNotFound          = "not found"
	ProblemHashMismatch      = "hash value doesn't match"
	ProblemSignature         = "signature verification failed"
	ProblemInvalidFormat     = "invalid format"
	ProblemMoved             = "has been moved from its original location"
	problemKeyNotFoundPrefix = "public key not found in region "
)

// ValidationResult is the verdict on one file.
type ValidationResult struct {
	Kind FileKind
	// Backfill marks a backfill digest (printed "(backfill) Digest file").
	Backfill bool
	Bucket   string
	Key      string
	// Problem is empty for a valid file, else what is wrong (ProblemNotFound
	// for a deleted file, ProblemHashMismatch for a modified log file,
	// ProblemSignature for a modified digest, ...).
	Problem string
}

// Valid reports whether the file validated.
func (r ValidationResult) Valid() bool { return r.Problem == "" }

// String formats the result as the CLI does ("Log file\ts3://b/k\tvalid").
func (r ValidationResult) String() string {
	tag := ""
	if r.Backfill {
		tag = "(backfill) "
	}
	if r.Problem == "" {
		return fmt.Sprintf("%s%s\ts3://%s/%s\tvalid", tag, r.Kind, r.Bucket, r.Key)
	}
	return fmt.Sprintf("%s%s\ts3://%s/%s\tINVALID: %s", tag, r.Kind, r.Bucket, r.Key, r.Problem)
}

// Gap is a break in the digest chain (a chain that started anew: logging
// stopped or validation was off in between). It is not an error.
type Gap struct {
	From, To time.Time
	Backfill bool // a break in the backfill digests' chain
}

// ValidationReport is the outcome of [ValidateLogs].
type ValidationReport struct {
	TrailARN           string
	StartTime, EndTime time.Time
	Results            []ValidationResult
	Gaps               []Gap
	ValidDigests       int
	InvalidDigests     int
	// ValidBackfillDigests and InvalidBackfillDigests count backfill digests
	// (the CLI's "backfill digest files" line).
	ValidBackfillDigests   int
	InvalidBackfillDigests int
	ValidLogs              int
	InvalidLogs            int
	FoundStart, FoundEnd   time.Time // the range the valid digests covered
	// Unreferenced lists log files of the Region that no digest lists,
	// delivered within the range covered by valid digests or after the
	// newest of them up to the last hour boundary before EndTime (the
	// digest of that hour should list them; AWS's digests, a minute or two
	// past the hour, can make a file of that minute look unreferenced): files added to the bucket, delivered while
	// validation was off, or listed by a newest digest that was deleted. This
	// is a check beyond the CLI, which reports none of these (WriteText
	// prints exactly what the CLI prints; WriteUnreferenced prints these).
	Unreferenced []string

	out []statusLine
}

type statusLine struct {
	msg   string
	isErr bool
}

// OK reports whether nothing was invalid (the CLI's exit status 0).
func (r *ValidationReport) OK() bool {
	return r.InvalidDigests == 0 && r.InvalidBackfillDigests == 0 && r.InvalidLogs == 0
}

// WriteText prints the report exactly as `aws cloudtrail validate-logs`
// does: the header and summary (and, with verbose, valid files) to stdout,
// invalid files and chain gaps to stderr.
func (r *ValidationReport) WriteText(stdout, stderr io.Writer, verbose bool) {
	fmt.Fprintf(stdout, "Validating log files for trail %s between %s and %s\n\n", r.TrailARN, r.StartTime.UTC().Format(TimeFormat), r.EndTime.UTC().Format(TimeFormat))
	double := true
	for _, l := range r.out {
		if l.isErr {
			if double {
				fmt.Fprintf(stderr, "%s\n\n", l.msg)
			} else {
				fmt.Fprintf(stderr, "\n%s\n\n", l.msg)
			}
			double = true
		} else if verbose {
			double = false
			fmt.Fprintf(stdout, "%s\n", l.msg)
		}
	}
	if !double {
		fmt.Fprint(stdout, "\n")
	}
	fmt.Fprintf(stdout, "Results requested for %s to %s\n", r.StartTime.UTC().Format(TimeFormat), r.EndTime.UTC().Format(TimeFormat))
	if r.ValidDigests+r.ValidBackfillDigests == 0 && r.InvalidDigests+r.InvalidBackfillDigests == 0 {
		fmt.Fprint(stdout, "No digests found\n")
		return
	}
	if r.FoundStart.IsZero() || r.FoundEnd.IsZero() {
		fmt.Fprint(stdout, "No valid digests found in range\n")
	} else {
		fmt.Fprintf(stdout, "Results found for %s to %s:\n", r.FoundStart.UTC().Format(TimeFormat), r.FoundEnd.UTC().Format(TimeFormat))
	}
	ratio := func(valid, invalid int, name string) {
		if total := valid + invalid; total > 0 {
			fmt.Fprintf(stdout, "\n%d/%d %s files valid", valid, total, name)
			if invalid > 0 {
				fmt.Fprintf(stdout, ", %d/%d %s files INVALID", invalid, total, name)
			}
		}
	}
	ratio(r.ValidDigests, r.InvalidDigests, "digest")
	ratio(r.ValidBackfillDigests, r.InvalidBackfillDigests, "backfill digest")
	ratio(r.ValidLogs, r.InvalidLogs, "log")
	fmt.Fprint(stdout, "\n")
}

// WriteUnreferenced prints one line per Unreferenced log file, in the CLI's
// tab-separated shape: "Log file\ts3://bucket/key\tnot referenced by any
// digest (a localwatch check beyond aws cloudtrail validate-logs)".
func (r *ValidationReport) WriteUnreferenced(w io.Writer, bucket string) {
	for _, k := range r.Unreferenced {
		fmt.Fprintf(w, "Log file\ts3://%s/%s\tnot referenced by any digest (a localwatch check beyond aws cloudtrail validate-logs)\n", bucket, k)
	}
}

func (r *ValidationReport) add(res ValidationResult) {
	r.Results = append(r.Results, res)
	r.out = append(r.out, statusLine{msg: res.String(), isErr: !res.Valid()})
	switch {
	case res.Kind == DigestFileKind && res.Backfill && res.Valid():
		r.ValidBackfillDigests++
	case res.Kind == DigestFileKind && res.Backfill:
		r.InvalidBackfillDigests++
	case res.Kind == DigestFileKind && res.Valid():
		r.ValidDigests++
	case res.Kind == DigestFileKind:
		r.InvalidDigests++
	case res.Valid():
		r.ValidLogs++
	default:
		r.InvalidLogs++
	}
}

var validateARN = regexp.MustCompile(`^arn:.+:cloudtrail:(.+):(\d{12}):trail/(.+)$`)

const keyDateFormat = "20060102T150405Z"

// BackfillSuffix ends the key of a backfill digest file, which CloudTrail
// delivers "when CloudTrail needs to include log files that were not
// referenced in the original digest due to processing delays" (CloudTrail
// User Guide, digest file structure). The CLI validates backfill digests as a
// chain of their own after the standard chain.
const BackfillSuffix = "_backfill.json.gz"

func isBackfillKey(key string) bool { return strings.HasSuffix(key, BackfillSuffix) }

// digestKeyDate is the CLI's extract_digest_key_date: the end timestamp of a
// digest key, key[-24:-8] (key[-33:-17] for a backfill digest).
func digestKeyDate(key string) string {
	if isBackfillKey(key) {
		if len(key) < 33 {
			return ""
		}
		return key[len(key)-33 : len(key)-17]
	}
	if len(key) < 24 {
		return ""
	}
	return key[len(key)-24 : len(key)-8]
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// ValidateLogs validates a trail's digest and log files over a time range the
// way `aws cloudtrail validate-logs` does: it starts from the newest digest in
// the range and walks the chain backwards through previousDigestS3Object,
// checking each digest's location, public key and RSA signature, and each
// listed log file's SHA-256. A missing digest or log file is reported as
// "not found", a modified log file as "hash value doesn't match", a modified,
// re-signed or chain-edited digest as "signature verification failed".
// It returns an error only when it cannot run, always an *awserr.Error
// (compare with errors.Is): CloudTrailARNInvalidException (an ARN the CLI
// refuses), InvalidTrailNameException, InvalidS3PrefixException,
// InvalidParameterException (no Store or Bucket, no public keys),
// InvalidTimeRangeException (start after end) and InternalFailure (the store
// could not list, which the error also wraps). File problems are in the
// report. A nil ctx means context.Background().
func ValidateLogs(ctx context.Context, in ValidateInput) (*ValidationReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	m := validateARN.FindStringSubmatch(in.TrailARN)
	if m == nil {
		return nil, awserr.New("CloudTrailARNInvalidException", "Invalid trail ARN provided: %s", in.TrailARN)
	}
	home, account, name := m[1], m[2], m[3]
	if err := validateTrailName(name); err != nil {
		return nil, err // a name no trail can have, which would build keys outside the trail's
	}
	if in.AccountID != "" {
		account = in.AccountID
	}
	src := in.SourceRegion
	if src == "" {
		src = home
	}
	if in.Store == nil || in.Bucket == "" {
		return nil, awserr.New("InvalidParameterException", "ValidateLogs needs a Store and a Bucket.")
	}
	if err := validatePrefix(in.Prefix); err != nil {
		return nil, err
	}
	start, end := in.StartTime.UTC().Truncate(time.Second), in.EndTime.UTC().Truncate(time.Second)
	if start.After(end) {
		return nil, awserr.New("InvalidTimeRangeException", "Invalid time range specified: start-time must occur before end-time")
	}
	rep := &ValidationReport{TrailARN: in.TrailARN, StartTime: start, EndTime: end}
	keys := map[string]PublicKey{}
	for _, k := range in.PublicKeys {
		keys[k.Fingerprint] = k
	}
	if len(keys) == 0 {
		return nil, awserr.New("InvalidParameterException", "No public keys found between %s and %s", start.Format(TimeFormat), end.Format(TimeFormat))
	}
	cfg := &trailConfig{S3KeyPrefix: in.Prefix, OrgID: in.OrganizationID, Org: in.OrganizationID != "", Account: account, Name: name, HomeRegion: home}
	base := keyBase(cfg)
	keyRe := regexp.MustCompile("^" + regexp.QuoteMeta(base) + "CloudTrail-Digest/" + regexp.QuoteMeta(src) +
		`/\d+/\d+/\d+/` + regexp.QuoteMeta(account) + "_CloudTrail-Digest_" + regexp.QuoteMeta(src) + "_" +
		regexp.QuoteMeta(name) + "_" + regexp.QuoteMeta(home) + `_.+\.json\.gz$`)
	// listDigests lists a bucket's digest keys in the range once, split into
	// standard and backfill digests, as the CLI's DigestProvider does.
	listed := map[string][2][]string{}
	loadDigests := func(bucket string, backfill bool) ([]string, error) {
		lists, ok := listed[bucket]
		if !ok {
			all, err := in.Store.List(ctx, bucket, base+"CloudTrail-Digest/"+src+"/")
			if err != nil {
				return nil, storeError(bucket, err)
			}
			marker := digestKey(cfg, src, start.Add(-time.Minute))
			lo, hi := start.Format(keyDateFormat), end.Add(time.Hour).Format(keyDateFormat)
			for _, k := range all {
				if k <= marker || !keyRe.MatchString(k) {
					continue
				}
				d := digestKeyDate(k)
				if d > hi {
					break
				}
				if d < lo {
					continue
				}
				if isBackfillKey(k) {
					lists[1] = append(lists[1], k)
				} else {
					lists[0] = append(lists[0], k)
				}
			}
			listed[bucket] = lists
		}
		l := lists[0]
		if backfill {
			l = lists[1]
		}
		return slices.Clone(l), nil
	}
	referenced := map[string]bool{}
	// track keeps the summary's range as the CLI's _track_found_times: the
	// earliest digest start (not before the requested start) and the latest
	// digest end (not after the requested end), over every valid digest.
	track := func(ds, de time.Time) {
		if fs := maxTime(ds, start); rep.FoundStart.IsZero() || fs.Before(rep.FoundStart) {
			rep.FoundStart = fs
		}
		if fe := minTime(de, end); rep.FoundEnd.IsZero() || fe.After(rep.FoundEnd) {
			rep.FoundEnd = fe
		}
	}
	for _, backfill := range []bool{false, true} {
		bucket := in.Bucket
		digests, err := loadDigests(bucket, backfill)
		if err != nil {
			return nil, err
		}
		// pop removes and returns the newest digest key older than before
		// (or the newest of all when before is "").
		pop := func(before string) (string, time.Time) {
			bd, _ := time.Parse(keyDateFormat, digestKeyDate(before))
			for len(digests) > 0 {
				k := digests[len(digests)-1]
				digests = digests[:len(digests)-1]
				t, err := time.Parse(keyDateFormat, digestKeyDate(k))
				if err != nil {
					continue
				}
				if before == "" || t.Before(bd) {
					return k, t
				}
			}
			return "", time.Time{}
		}
		tag := ""
		if backfill {
			tag = "(backfill) "
		}
		key, keyEnd := pop("")
		lastStart := keyEnd
		for key != "" && !start.After(lastStart) {
			d, problem, missing := loadDigest(ctx, in.Store, keys, home, bucket, key)
			if problem != "" || missing {
				if missing {
					problem = ProblemNotFound
				}
				rep.add(ValidationResult{Kind: DigestFileKind, Backfill: backfill, Bucket: bucket, Key: key, Problem: problem})
				key, keyEnd = pop(key)
				continue
			}
			rep.add(ValidationResult{Kind: DigestFileKind, Backfill: backfill, Bucket: bucket, Key: key})
			ds, _ := time.Parse(time.RFC3339, d.DigestStartTime)
			de, _ := time.Parse(time.RFC3339, d.DigestEndTime)
			track(ds, de)
			for _, lf := range d.LogFiles {
				referenced[lf.S3Bucket+"/"+lf.S3Object] = true
				rep.add(ValidationResult{Kind: LogFileKind, Bucket: lf.S3Bucket, Key: lf.S3Object, Problem: checkLogFile(ctx, in.Store, lf)})
			}
			lastStart = ds
			if d.PreviousDigestS3Bucket == nil || d.PreviousDigestS3Object == nil {
				key, keyEnd = pop(key)
				if key != "" {
					rep.Gaps = append(rep.Gaps, Gap{From: keyEnd, To: lastStart, Backfill: backfill})
					rep.out = append(rep.out, statusLine{isErr: true, msg: fmt.Sprintf("%sNo log files were delivered by CloudTrail between %s and %s",
						tag, keyEnd.Format(TimeFormat), lastStart.Format(TimeFormat))})
				}
				continue
			}
			key = *d.PreviousDigestS3Object
			if pb := *d.PreviousDigestS3Bucket; pb != bucket {
				bucket = pb
				if digests, err = loadDigests(bucket, backfill); err != nil {
					return nil, err
				}
			}
		}
	}
	if !rep.FoundEnd.IsZero() {
		logs, err := in.Store.List(ctx, in.Bucket, base+"CloudTrail/"+src+"/")
		if err == nil {
			// Within the range the valid digests cover; and beyond the newest
			// of them, up to the last hour boundary before the requested end:
			// a log file delivered by then is listed by that hour's digest,
			// so one missing there means the newest digest (and what it
			// listed) was deleted, which the CLI cannot see.
			lo := rep.FoundStart.Format("20060102T1504Z")
			hi := maxTime(rep.FoundEnd, end.Truncate(time.Hour)).Format("20060102T1504Z")
			for _, k := range logs {
				if referenced[in.Bucket+"/"+k] {
					continue
				}
				if t := logKeyDate(k); t != "" && t > lo && t <= hi {
					rep.Unreferenced = append(rep.Unreferenced, k)
				}
			}
		}
	}
	return rep, nil
}

// storeError is the error ValidateLogs returns when the store cannot list a
// bucket: an *awserr.Error (InternalFailure) that also wraps the store's error.
func storeError(bucket string, err error) error {
	return fmt.Errorf("%w: %w", awserr.New("InternalFailure", "listing the digest files of s3://%s failed", bucket), err)
}

// logKeyDate extracts "YYYYMMDDTHHmmZ" from a log file key
// (..._20150801T0210Z_<16 chars>.json.gz).
func logKeyDate(key string) string {
	const tail = len("_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz")
	if len(key) < tail {
		return ""
	}
	return key[len(key)-tail+1 : len(key)-tail+15]
}

var requiredDigestKeys = []string{"digestPublicKeyFingerprint", "digestS3Bucket", "digestS3Object",
	"previousDigestSignature", "digestEndTime", "digestStartTime"}

// loadDigest fetches and verifies one digest as the CLI does.
func loadDigest(ctx context.Context, store objstore.Store, keys map[string]PublicKey, home, bucket, key string) (*Digest, string, bool) {
	obj, err := store.Get(ctx, bucket, key)
	if errors.Is(err, objstore.ErrNotFound) {
		return nil, "", true
	}
	if err != nil {
		return nil, err.Error(), false
	}
	inflated, err := gunzip(obj.Body)
	if err != nil {
		return nil, ProblemInvalidFormat, false
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(inflated, &raw); err != nil {
		return nil, ProblemInvalidFormat, false
	}
	sigHex, ok1 := obj.Metadata["signature"]
	_, ok2 := obj.Metadata["signature-algorithm"]
	if !ok1 || !ok2 {
		return nil, ProblemSignature, false
	}
	if _, ok := obj.Metadata["backfill-generation-timestamp"]; isBackfillKey(key) && !ok {
		return nil, ProblemInvalidFormat, false // the CLI requires it of a backfill digest
	}
	for _, k := range requiredDigestKeys {
		if _, ok := raw[k]; !ok {
			return nil, ProblemInvalidFormat, false
		}
	}
	var d Digest
	if err := json.Unmarshal(inflated, &d); err != nil {
		return nil, ProblemInvalidFormat, false
	}
	if d.DigestS3Bucket != bucket || d.DigestS3Object != key {
		return nil, ProblemMoved, false
	}
	pk, ok := keys[d.DigestPublicKeyFingerprint]
	if !ok {
		return nil, problemKeyNotFoundPrefix + home + " for fingerprint " + d.DigestPublicKeyFingerprint, false
	}
	pub, err := parsePublicKey(pk.Value)
	if err != nil {
		return nil, "Unable to load PKCS #1 key with fingerprint " + d.DigestPublicKeyFingerprint, false
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil {
		if len(sigHex)%2 == 1 {
			return nil, "Odd-length string", false
		}
		return nil, "Non-hexadecimal digit found", false
	}
	h := sha256.Sum256(StringToSign(d.DigestEndTime, d.DigestS3Bucket, d.DigestS3Object, inflated, d.PreviousDigestSignature))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) != nil {
		return nil, ProblemSignature, false
	}
	return &d, "", false
}

// parsePublicKey accepts PKCS #1 RSAPublicKey DER (what CloudTrail returns)
// and X.509 SubjectPublicKeyInfo DER (one AWS doc sample uses it).
func parsePublicKey(der []byte) (*rsa.PublicKey, error) {
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

var hashPool = sync.Pool{New: func() any { return &logHasher{buf: make([]byte, 64<<10)} }}

type logHasher struct {
	zr  gzip.Reader
	buf []byte
}

// hashGzip returns the hex SHA-256 of the uncompressed content of a gzip
// stream, streaming through a pooled reader and buffer.
func hashGzip(b []byte) (string, error) {
	lh := hashPool.Get().(*logHasher)
	defer hashPool.Put(lh)
	if err := lh.zr.Reset(bytes.NewReader(b)); err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, &lh.zr, lh.buf); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func checkLogFile(ctx context.Context, store objstore.Store, lf DigestLogFile) string {
	obj, err := store.Get(ctx, lf.S3Bucket, lf.S3Object)
	if errors.Is(err, objstore.ErrNotFound) {
		return ProblemNotFound
	}
	if err != nil {
		return ProblemInvalidFormat
	}
	sum, err := hashGzip(obj.Body)
	if err != nil {
		return ProblemInvalidFormat
	}
	if !strings.EqualFold(sum, lf.HashValue) {
		return ProblemHashMismatch
	}
	return ""
}

// ValidateLogs validates this Region's files of a trail with the Service's
// store and public keys (what `aws cloudtrail validate-logs --region <this
// Region>` does against AWS). It is a convenience, not an AWS API call, and
// records no event.
func (s *Service) ValidateLogs(ctx context.Context, in ValidateLogsInput) (*ValidationReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	sh := s.shared
	var c *trailConfig
	if err := sh.locked(func() error {
		st, err := s.findLocked(in.TrailName)
		if err == nil {
			c = st.cfg
		}
		return err
	}); err != nil {
		return nil, err
	}
	now := s.op.Clock.Now().UTC()
	end := now
	if in.EndTime != nil {
		end = *in.EndTime
	}
	// The CLI loads the keys of [start, end + 2 hours].
	pks := sh.publicKeys(s.op.AccountID, s.op.Region, in.StartTime.UTC().Truncate(time.Second), end.Add(2*time.Hour), now)
	return ValidateLogs(ctx, ValidateInput{
		Store: sh.store(), TrailARN: c.ARN, Bucket: c.S3BucketName, Prefix: c.S3KeyPrefix,
		AccountID: c.Account, OrganizationID: c.OrgID, SourceRegion: s.op.Region,
		StartTime: in.StartTime, EndTime: end, PublicKeys: pks,
	})
}
