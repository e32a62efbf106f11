// Command trailvalidate validates CloudTrail log and digest files in a
// directory, like `aws cloudtrail validate-logs` does against S3.
//
// The directory is an objstore.Dir root: <dir>/<bucket>/<key> holds each
// object and <dir>/.metadata/<bucket>/<key>.json its user metadata (digest
// files need {"signature": "...", "signature-algorithm": "SHA256withRSA"}).
// A localwatch stack with objstore.NewDir(dir) writes exactly this layout;
// files copied from S3 need their digests' x-amz-meta-signature saved there.
//
// The public keys come from a file holding the JSON output of
// `aws cloudtrail list-public-keys --start-time ... --end-time ...` (or the
// same from localwatch's ListPublicKeys).
//
// Usage:
//
//	trailvalidate -dir ./s3 -s3-bucket my-trail-bucket \
//	  -trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/audit \
//	  -public-keys keys.json -start-time 2026-03-01T00:00:00Z [-end-time ...] \
//	  [-s3-prefix p] [-region us-west-2] [-account-id ...] [-organization-id o-...] [-verbose] [-records]
//
// Output and exit status are the CLI's (1 when any file is invalid); log
// files that no digest references are listed after the summary. With
// -records, the records of every log file in the bucket follow, in time order
// (trail.LogFiles over the bucket's folder), one line each: eventTime,
// eventSource, eventName and the caller's ARN.
//
// Run with no arguments, it shows itself: it builds a localwatch stack on a
// manual clock writing to a temporary directory, creates a trail with log
// file validation, records a few API calls over two simulated hours, and
// validates the signed files it delivered, printing the command line it used.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/trail"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, time.Now().UTC()))
}

func run(args []string, stdout, stderr io.Writer, now time.Time) int {
	if len(args) == 0 {
		return demo(stdout, stderr)
	}
	fs := flag.NewFlagSet("trailvalidate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "directory store root (required)")
	arn := fs.String("trail-arn", "", "trail ARN (required)")
	bucket := fs.String("s3-bucket", "", "bucket of the digest files (required)")
	prefix := fs.String("s3-prefix", "", "S3 key prefix of the trail")
	keysFile := fs.String("public-keys", "", "list-public-keys JSON output (required)")
	start := fs.String("start-time", "", "validate files delivered at or after this UTC time (required)")
	end := fs.String("end-time", "", "and at or before this UTC time (default now)")
	region := fs.String("region", "", "Region whose files to validate (default the trail's home Region)")
	account := fs.String("account-id", "", "account whose files to validate (organization trails)")
	org := fs.String("organization-id", "", "organization ID (organization trails)")
	verbose := fs.Bool("verbose", false, "also print valid files")
	records := fs.Bool("records", false, "then print the records of the bucket's log files")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || *arn == "" || *bucket == "" || *keysFile == "" || *start == "" {
		fmt.Fprintln(stderr, "trailvalidate: -dir, -trail-arn, -s3-bucket, -public-keys and -start-time are required")
		fs.Usage()
		return 2
	}
	st, err := parseTime(*start)
	if err != nil {
		fmt.Fprintf(stderr, "trailvalidate: -start-time: %v\n", err)
		return 2
	}
	en := now
	if *end != "" {
		if en, err = parseTime(*end); err != nil {
			fmt.Fprintf(stderr, "trailvalidate: -end-time: %v\n", err)
			return 2
		}
	}
	keys, err := loadKeys(*keysFile)
	if err != nil {
		fmt.Fprintf(stderr, "trailvalidate: %v\n", err)
		return 2
	}
	rep, err := trail.ValidateLogs(context.Background(), trail.ValidateInput{
		Store: objstore.NewDir(*dir), TrailARN: *arn, Bucket: *bucket, Prefix: *prefix,
		AccountID: *account, OrganizationID: *org, SourceRegion: *region,
		StartTime: st, EndTime: en, PublicKeys: keys,
	})
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 255
	}
	rep.WriteText(stdout, stderr, *verbose)
	for _, k := range rep.Unreferenced {
		fmt.Fprintf(stderr, "Log file\ts3://%s/%s\tnot referenced by any digest\n", *bucket, k)
	}
	if *records {
		if err := printRecords(stdout, os.DirFS(filepath.Join(*dir, *bucket))); err != nil {
			fmt.Fprintf(stderr, "trailvalidate: %v\n", err)
			return 1
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}

// printRecords prints the records of the CloudTrail log files in bucket (a
// bucket's root folder), oldest file first.
func printRecords(w io.Writer, bucket fs.FS) error {
	fmt.Fprintln(w, "\nRecords:")
	var errs []error
	for r, err := range trail.LogFiles(bucket) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		caller := ""
		if r.UserIdentity != nil {
			caller = r.UserIdentity.ARN
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.EventTime.Format(trail.TimeFormat), r.EventSource, r.EventName, caller)
	}
	return errors.Join(errs...)
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse %q (want e.g. 2015-01-08T05:21:42Z)", s)
}

// loadKeys reads `aws cloudtrail list-public-keys` output. Only Value and
// Fingerprint matter to validation; the validity times may be ISO strings or
// epoch numbers depending on the CLI's settings and are ignored.
func loadKeys(path string) ([]trail.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		PublicKeyList []struct {
			Value       string
			Fingerprint string
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var keys []trail.PublicKey
	for _, k := range doc.PublicKeyList {
		der, err := base64.StdEncoding.DecodeString(k.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: key %s: %w", path, k.Fingerprint, err)
		}
		keys = append(keys, trail.PublicKey{Value: der, Fingerprint: k.Fingerprint})
	}
	if len(keys) == 0 {
		return nil, errors.New(path + ": no public keys in PublicKeyList")
	}
	return keys, nil
}
