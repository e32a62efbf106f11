// Command localwatch serves a whole localwatch account — CloudWatch metrics
// and alarms, CloudWatch Logs, CloudTrail, AWS Config and SNS, in every Region
// given — over AWS's own wire protocols, so the AWS CLI and the AWS SDKs reach
// it with nothing changed but the endpoint:
//
//	go run ./cmd/localwatch
//	aws --endpoint-url http://127.0.0.1:4566 cloudwatch list-metrics
//
// It listens on 127.0.0.1:4566 by default (LocalStack's port, so existing
// `--endpoint-url http://localhost:4566` setups work) and prints one line when
// it is ready:
//
//	localwatch ready on http://127.0.0.1:4566 (account 123456789012, regions us-east-1)
//
// Every request is routed by its protocol and signature (see package awsapi);
// the Region comes from the SigV4 credential scope. Besides the AWS APIs it
// serves:
//
//	GET /_localwatch/health              {"status":"ok","account":…,"regions":[…],"version":…,"uptime":…}
//	GET /_localwatch/sns/<region>/…      SNS's SubscribeURL, UnsubscribeURL and SigningCertURL
//
// Flags:
//
//	-addr HOST:PORT      listen address (default 127.0.0.1:4566; port 0 picks a free one)
//	-url URL             base URL clients reach the server at, used in SNS messages
//	                     (default http://<listen address>)
//	-account ID          12-digit account ID (default 123456789012)
//	-regions LIST        comma-separated Regions (default us-east-1)
//	-data DIR            keep the account's state in DIR: every call is journaled there
//	                     and replayed at the next start (CloudTrail and Config files
//	                     under DIR/objects); default: in memory
//	-sync POLICY         every-call (default: fsync before answering) or
//	                     lose-recent-on-power-loss (a power loss may lose the last second)
//	-seed N              deterministic IDs and signing keys (0: random)
//	-strict              reject unknown access keys and check SigV4 signatures
//	-credentials FILE    JSON file of access keys (see below)
//	-key AKID:SECRET[:PRINCIPAL]
//	                     an access key, repeatable; PRINCIPAL is user/NAME (default
//	                     user/localwatch), role/NAME/SESSION or root
//	-v                   log debug detail (rejected calls, SNS deliveries) to stderr
//
// The credentials file maps access key IDs to their secret and principal:
//
//	{
//	  "AKIAIOSFODNN7EXAMPLE": {"secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "user": "alice"},
//	  "ASIAY34FZKBOKMUTVV7A": {"secretAccessKey": "…", "role": "deploy", "session": "ci-7"},
//	  "AKIAROOTEXAMPLE0000": {"secretAccessKey": "…", "root": true}
//	}
//
// Without -strict any access key is accepted (as an IAM user of the account,
// what local tools expect) and configured keys only name who signed, so that
// CloudTrail records each call with its userIdentity; with -strict, unknown
// keys answer UnrecognizedClientException (InvalidClientTokenId for the query
// protocol) and signatures are checked against the configured secrets.
//
// SIGINT or SIGTERM shuts the server down gracefully (in-flight requests
// finish), closes the account and exits 0.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "localwatch:", err)
		stop()
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for a usage error (as the flag package does) and 1 otherwise.
func exitCode(err error) int {
	if _, ok := err.(usageError); ok {
		return 2
	}
	return 1
}

// usageError is a bad command line.
type usageError struct{ error }
