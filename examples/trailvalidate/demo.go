package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/logs"
	"github.com/localwatch/localwatch/objstore"
	"github.com/localwatch/localwatch/trail"
)

// demo generates a small signed trail in a temporary directory and validates
// it, so the command does something useful when run as shipped.
func demo(stdout, stderr io.Writer) int {
	dir, err := os.MkdirTemp("", "trailvalidate-demo-")
	if err != nil {
		fmt.Fprintln(stderr, "trailvalidate:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	if err := generate(dir); err != nil {
		fmt.Fprintln(stderr, "trailvalidate: generating the demo trail:", err)
		return 2
	}
	args := []string{"-dir", dir, "-s3-bucket", demoBucket,
		"-trail-arn", "arn:aws:cloudtrail:us-east-1:" + localwatch.DefaultAccountID + ":trail/audit",
		"-public-keys", filepath.Join(dir, "keys.json"),
		"-start-time", demoStart.Format(time.RFC3339), "-end-time", demoStart.Add(3 * time.Hour).Format(time.RFC3339), "-records"}
	fmt.Fprintln(stdout, "No arguments: generated a signed trail in a temporary directory and validating it with")
	fmt.Fprint(stdout, "  trailvalidate")
	for _, a := range args {
		fmt.Fprint(stdout, " ", a)
	}
	fmt.Fprint(stdout, "\n\n")
	return run(args, stdout, stderr, demoStart.Add(3*time.Hour))
}

const demoBucket = "trail-bucket"

var demoStart = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// generate runs a stack on a manual clock for two hours with a validated
// trail writing into dir, and saves the public keys as list-public-keys JSON.
func generate(dir string) error {
	clk := localwatch.NewManualClock(demoStart)
	st := localwatch.New(localwatch.Options{Clock: clk, IDSeed: 1, Store: objstore.NewDir(dir)})
	defer st.Close()
	ctx := localwatch.WithIdentity(context.Background(), localwatch.IAMUser(st.AccountID, "alice", "AKIAIOSFODNN7EXAMPLE"))
	if _, err := st.Trail.CreateTrail(ctx, trail.CreateTrailInput{Name: "audit", S3BucketName: demoBucket, EnableLogFileValidation: trail.Bool(true)}); err != nil {
		return err
	}
	if _, err := st.Trail.StartLogging(ctx, trail.StartLoggingInput{Name: "audit"}); err != nil {
		return err
	}
	for i := range 6 {
		clk.Advance(15 * time.Minute)
		if _, err := st.Logs.CreateLogGroup(ctx, logs.CreateLogGroupInput{LogGroupName: fmt.Sprintf("/demo/app-%d", i)}); err != nil {
			return err
		}
	}
	clk.Advance(time.Hour)
	keys, err := st.Trail.ListPublicKeys(ctx, trail.ListPublicKeysInput{StartTime: &demoStart})
	if err != nil {
		return err
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "keys.json"), b, 0o644)
}
