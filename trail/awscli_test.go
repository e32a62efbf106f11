package trail

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/require"
)

// TestValidationOutputMatchesAWSCLI runs AWS's own validator (the installed
// awscli's validation.py, through testdata/awscli_validate.py) over the files
// of scenarios that exercise its edge cases — a start time inside a digest,
// backfill digests, validation toggled within an hour, tampering, a key
// rotation — and requires localwatch's report to print exactly what the CLI
// prints, verbose or not, stdout and stderr. It is skipped without awscli.
func TestValidationOutputMatchesAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the AWS CLI's validator (about a minute)")
	}
	if err := exec.Command("python3", "-c", "from awscli.customizations.cloudtrail.validation import is_backfill_digest_key").Run(); err != nil {
		t.Skip("no aws CLI (awscli) with backfill-digest support is installed")
	}
	script, err := filepath.Abs("testdata/awscli_validate.py")
	require.NoError(t, err)
	tmp := t.TempDir()
	scenarios := map[string]func(t *testing.T) (*env, time.Time){
		"start-inside-digest": func(t *testing.T) (*env, time.Time) {
			e, _, _ := tamperEnv(t)
			return e, time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
		},
		"backfill": func(t *testing.T) (*env, time.Time) {
			e, _, _ := tamperEnv(t)
			e.putBackfillDigest(t, t0.Add(118*time.Minute), true)
			return e, t0.Add(-time.Hour)
		},
		"backfill-no-meta": func(t *testing.T) (*env, time.Time) {
			e, _, _ := tamperEnv(t)
			e.putBackfillDigest(t, t0.Add(58*time.Minute), false)
			return e, t0.Add(-time.Hour)
		},
		"toggle": func(t *testing.T) (*env, time.Time) {
			e := newEnv(t)
			e.trail(t, "audit", true)
			e.clk.Advance(58 * time.Minute)
			for range 6 {
				e.call("PutMetricAlarm", false)
				e.clk.Advance(5 * time.Minute)
			}
			_, _ = e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", EnableLogFileValidation: ptr(false)})
			e.clk.Advance(13 * time.Minute)
			_, _ = e.svc.UpdateTrail(e.ctx, UpdateTrailInput{Name: "audit", EnableLogFileValidation: ptr(true)})
			for range 6 {
				e.call("PutMetricAlarm", false)
				e.clk.Advance(5 * time.Minute)
			}
			e.clk.Advance(time.Hour)
			return e, t0.Add(-time.Hour)
		},
		"tampered": func(t *testing.T) (*env, time.Time) {
			e, digests, logs := tamperEnv(t)
			_ = e.store.Delete(context.Background(), "trail-bucket", logs[0])
			_ = e.store.Delete(context.Background(), "trail-bucket", digests[1])
			e.rewriteDigest(t, digests[0], func(d map[string]any) { d["logFiles"] = []any{} })
			return e, t0.Add(-time.Hour)
		},
		"rotation": func(t *testing.T) (*env, time.Time) {
			e := newEnv(t)
			e.trail(t, "audit", true)
			e.clk.Advance(KeyRotation - 2*time.Hour)
			e.call("PutMetricAlarm", false)
			e.clk.Advance(4 * time.Hour)
			e.call("PutMetricAlarm", false)
			e.clk.Advance(2 * time.Hour)
			return e, t0.Add(KeyRotation - 3*time.Hour)
		},
	}
	for name, mk := range scenarios {
		t.Run(name, func(t *testing.T) {
			e, start := mk(t)
			dir := filepath.Join(tmp, name)
			d := objstore.NewDir(dir)
			ctx := context.Background()
			keys, _ := e.store.List(ctx, "trail-bucket", "")
			for _, k := range keys {
				obj, _ := e.store.Get(ctx, "trail-bucket", k)
				require.NoError(t, d.Put(ctx, obj))
			}
			end := e.clk.Now().UTC().Truncate(time.Second)
			pk, err := e.svc.ListPublicKeys(ctx, ListPublicKeysInput{StartTime: ptr(start), EndTime: ptr(end.Add(2 * time.Hour))})
			require.NoError(t, err)
			var kj []map[string]string
			for _, k := range pk.PublicKeyList {
				kj = append(kj, map[string]string{"Value": base64.StdEncoding.EncodeToString(k.Value), "Fingerprint": k.Fingerprint,
					"ValidityStartTime": k.ValidityStartTime.Format(time.RFC3339), "ValidityEndTime": k.ValidityEndTime.Format(time.RFC3339)})
			}
			b, _ := json.Marshal(kj)
			require.NoError(t, os.WriteFile(dir+".keys.json", b, 0o644))
			for _, verbose := range []bool{false, true} {
				rep, err := ValidateLogs(ctx, ValidateInput{Store: d, TrailARN: auditARN, Bucket: "trail-bucket", StartTime: start, EndTime: end, PublicKeys: pk.PublicKeyList})
				require.NoError(t, err)
				var so, se bytes.Buffer
				rep.WriteText(&so, &se, verbose)
				v := "0"
				if verbose {
					v = "1"
				}
				cmd := exec.Command("python3", script, dir, "trail-bucket", auditARN, start.Format(time.RFC3339), end.Format(time.RFC3339), dir+".keys.json", v)
				var co, ce bytes.Buffer
				cmd.Stdout, cmd.Stderr = &co, &ce
				require.NoError(t, cmd.Run(), ce.String())
				if co.String() != so.String() || ce.String() != se.String() {
					t.Errorf("verbose=%v\n--- ours stdout\n%s--- cli stdout\n%s--- ours stderr\n%s--- cli stderr\n%s", verbose, so.String(), co.String(), se.String(), ce.String())
				}
			}
		})
	}
}
