package trail

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/identity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestAWSRecordsRoundTrip(t *testing.T) {
	for _, name := range []string{"aws_api_error.json", "aws_assumed_role_data_event.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name))
			require.NoError(t, err)
			var r Record
			require.NoError(t, json.Unmarshal(raw, &r))
			out, err := json.Marshal(&r)
			require.NoError(t, err)
			assert.JSONEq(t, string(raw), string(out))
		})
	}
	raw, err := os.ReadFile("testdata/aws_console_login.json")
	require.NoError(t, err)
	f, err := ReadLogFile(bytes.NewReader(raw))
	require.NoError(t, err)
	require.Len(t, f.Records, 1)
	r := f.Records[0]
	assert.Equal(t, EventTypeConsoleSignIn, r.EventType)
	assert.Equal(t, time.Date(2022, 11, 10, 16, 24, 34, 0, time.UTC), r.EventTime)
	assert.Nil(t, r.RequestParameters, "requestParameters null")
	out, err := json.Marshal(f)
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(out))
}

// aws_console_login_failure.json holds the failed sign-in records of the
// CloudTrail user guide (an IAM user, a mistyped user name, the root user;
// user agents shortened): "accessKeyId": "" must survive decoding.
func TestAWSFailedSignInsRoundTrip(t *testing.T) {
	raw, err := os.ReadFile("testdata/aws_console_login_failure.json")
	require.NoError(t, err)
	f, err := ReadLogFile(bytes.NewReader(raw))
	require.NoError(t, err)
	require.Len(t, f.Records, 3)
	out, err := json.Marshal(f)
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(out))
}

func TestConsoleSignInIdentityAsAWSWritesIt(t *testing.T) {
	failure := map[string]any{"ConsoleLogin": "Failure"}
	success := map[string]any{"ConsoleLogin": "Success"}
	root := identity.With(context.Background(), identity.Root("123456789012"))
	for _, tc := range []struct {
		name string
		ctx  func(e *env) context.Context
		in   RecordEventInput
		want string
	}{
		{"an IAM user's successful sign-in has no accessKeyId", func(e *env) context.Context { return e.ctx },
			RecordEventInput{ResponseElements: success},
			`{"type":"IAMUser","principalId":"%s","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"}`},
		{"an IAM user's failed sign-in has an empty accessKeyId and no arn", func(e *env) context.Context { return e.ctx },
			RecordEventInput{ErrorMessage: "Failed authentication", ResponseElements: failure},
			`{"type":"IAMUser","principalId":"%s","accountId":"123456789012","accessKeyId":"","userName":"alice"}`},
		{"a mistyped user name is hidden", func(e *env) context.Context { return context.Background() },
			RecordEventInput{ErrorMessage: "No username found in supplied account", ResponseElements: failure,
				UserIdentity: &UserIdentity{Type: "IAMUser", AccountID: "123456789012", UserName: "HIDDEN_DUE_TO_SECURITY_REASONS"}},
			`{"type":"IAMUser","accountId":"123456789012","accessKeyId":"","userName":"HIDDEN_DUE_TO_SECURITY_REASONS"}`},
		{"the root user's failed sign-in keeps its arn", func(*env) context.Context { return root },
			RecordEventInput{ErrorMessage: "Failed authentication", ResponseElements: failure},
			`{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012","accessKeyId":""}`},
		{"the root user's successful sign-in has an empty accessKeyId", func(*env) context.Context { return root },
			RecordEventInput{ResponseElements: success},
			`{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012","accessKeyId":""}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			in := tc.in
			in.EventType, in.EventSource, in.EventName = EventTypeConsoleSignIn, "signin.amazonaws.com", "ConsoleLogin"
			in.SourceIPAddress, in.UserAgent = "192.0.2.0", "Mozilla/5.0 (...)"
			out, err := e.svc.RecordEvent(tc.ctx(e), in)
			require.NoError(t, err)
			want := tc.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, identity.IAMUser("123456789012", "alice", "").PrincipalID)
			}
			assert.JSONEq(t, want, string(mustJSON(out.Record.UserIdentity)))
			b := string(mustJSON(out.Record))
			assert.NotContains(t, b, "errorCode", "a failed sign-in has an errorMessage only")
			assert.Contains(t, b, `"userAgent":"Mozilla/5.0 (...)"`)
		})
	}
}

func TestUserAgentIsAlwaysRecorded(t *testing.T) {
	// CloudTrail always writes userAgent: a caller without one is recorded
	// with DefaultUserAgent, an AWS service with its host.
	e := newEnv(t)
	e.rec.Record(e.ctx, event.Call{Name: "DescribeAlarms", ReadOnly: true}, nil)
	e.rec.Record(identity.With(context.Background(), identity.Identity{Type: "AWSService", InvokedBy: "config.amazonaws.com"}),
		event.Call{Name: "GetMetricData", ReadOnly: true}, nil)
	out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{})
	require.NoError(t, err)
	require.Len(t, out.Events, 2)
	agents := map[string]string{}
	for _, ev := range out.Events {
		var r Record
		require.NoError(t, json.Unmarshal([]byte(ev.CloudTrailEvent), &r))
		agents[r.EventName] = r.UserAgent
	}
	assert.Equal(t, map[string]string{"DescribeAlarms": DefaultUserAgent, "GetMetricData": "config.amazonaws.com"}, agents)
}

func TestLargeNumbersSurviveRoundTrip(t *testing.T) {
	raw, err := os.ReadFile("testdata/aws_assumed_role_data_event.json")
	require.NoError(t, err)
	var r Record
	require.NoError(t, json.Unmarshal(raw, &r))
	out, _ := json.Marshal(&r)
	assert.Contains(t, string(out), `"bytesTransferredOut":12345678901234567890`)
}

// TestRecordedAPICallGolden pins the record an API call from the bus becomes.
func TestRecordedAPICallGolden(t *testing.T) {
	e := newEnv(t)
	e.clk.Advance(1500 * time.Millisecond) // eventTime has no fraction
	id := identity.IAMUser("123456789012", "alice", "AKIAIOSFODNN7EXAMPLE")
	id.SourceIPAddress, id.UserAgent = "198.51.100.7", "aws-cli/2.15.0"
	ctx := identity.With(context.Background(), id)
	e.rec.Record(ctx, event.Call{
		Name:              "PutMetricAlarm",
		RequestParameters: map[string]any{"alarmName": "cpu-high", "threshold": 80.0},
		Resources:         []event.Resource{{ARN: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high", AccountID: "123456789012", Type: "AWS::CloudWatch::Alarm"}},
	}, nil)
	out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{LookupAttributes: []LookupAttribute{{AttributeKey: LookupEventName, AttributeValue: "PutMetricAlarm"}}})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	var pretty map[string]any
	require.NoError(t, json.Unmarshal([]byte(out.Events[0].CloudTrailEvent), &pretty))
	got, _ := json.MarshalIndent(json.RawMessage(out.Events[0].CloudTrailEvent), "", "  ")
	golden := filepath.Join("testdata", "recorded_api_call.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(golden, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got)+"\n")
	assert.Equal(t, "2026-03-01T10:02:01Z", pretty["eventTime"])
	assert.Equal(t, EventVersion, pretty["eventVersion"])
}

func TestCallWithoutIdentityIsRecordedAsRoot(t *testing.T) {
	e := newEnv(t)
	e.rec.Record(context.Background(), event.Call{Name: "DescribeAlarms", ReadOnly: true}, nil)
	out, err := e.svc.LookupEvents(context.Background(), LookupEventsInput{})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	var r Record
	require.NoError(t, json.Unmarshal([]byte(out.Events[0].CloudTrailEvent), &r))
	assert.Equal(t, &UserIdentity{Type: "Root", PrincipalID: "123456789012", ARN: "arn:aws:iam::123456789012:root", AccountID: "123456789012"}, r.UserIdentity)
	assert.Equal(t, DefaultSourceIPAddress, r.SourceIPAddress)
	assert.Equal(t, "root", out.Events[0].Username)
	assert.Nil(t, r.ResponseElements, "read-only calls have null responseElements")
}

func FuzzRecordJSON(f *testing.F) {
	for _, name := range []string{"aws_api_error.json", "aws_assumed_role_data_event.json"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(b)
	}
	f.Add([]byte(`{"eventTime":"bad"}`))
	f.Add([]byte(`{"requestParameters":1e999}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Record
		if json.Unmarshal(b, &r) != nil {
			return
		}
		out, err := json.Marshal(&r)
		if err != nil {
			return // e.g. a year outside [0,9999] cannot be re-encoded
		}
		var r2 Record
		require.NoError(t, json.Unmarshal(out, &r2), "%s", out)
		out2, err := json.Marshal(&r2)
		require.NoError(t, err)
		assert.Equal(t, string(out), string(out2))
	})
}

func FuzzReadLogFile(f *testing.F) {
	b, _ := os.ReadFile("testdata/aws_console_login.json")
	f.Add(b)
	f.Add(gzipBytes(b))
	f.Add([]byte(`{"Records":[null]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		lf, err := ReadLogFile(bytes.NewReader(b))
		if err != nil {
			return
		}
		_, _ = json.Marshal(lf)
	})
}

func TestLogFileEncodingMatchesMarshal(t *testing.T) {
	// recordJSON (log files, LookupEvents) must write exactly what
	// json.Marshal writes for a Record.
	raw, err := os.ReadFile("testdata/aws_console_login_failure.json")
	require.NoError(t, err)
	f, err := ReadLogFile(bytes.NewReader(raw))
	require.NoError(t, err)
	var w recordJSON // reused, as in encodeLogFile
	for _, r := range []*Record{f.Records[0], f.Records[1], f.Records[2], {EventVersion: EventVersion, EventName: "x"}, f.Records[0]} {
		want, err := json.Marshal(r)
		require.NoError(t, err)
		w.set(r)
		got, err := json.Marshal(&w)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}
