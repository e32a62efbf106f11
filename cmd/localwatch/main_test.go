package main

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch"
)

// started is a server run by startServer.
type started struct {
	base   string        // http://127.0.0.1:PORT
	stop   func()        // cancels run's context
	done   chan error    // run's result
	stderr *lockedBuffer // run's log
}

var readyLine = regexp.MustCompile(`^localwatch ready on (http://\S+) \(account (\d{12}), regions (\S+)\)$`)

// startServer calls run with args on a free loopback port and waits for the
// ready line.
func startServer(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &started{stop: cancel, done: make(chan error, 1), stderr: &lockedBuffer{}}
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, s.stderr)
		pw.Close()
		s.done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err, "no ready line; log:\n%s", s.stderr)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := readyLine.FindStringSubmatch(strings.TrimSpace(line))
	require.NotNil(t, m, "ready line %q", line)
	s.base = m[1]
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	return s
}

// shutdown cancels the server's context and returns run's result.
func (s *started) shutdown(t *testing.T) error {
	t.Helper()
	s.stop()
	select {
	case err := <-s.done:
		s.done <- err // for Cleanup
		return err
	case <-time.After(30 * time.Second): // a hang is the failure this guards against
		t.Fatal("run did not return after its context was cancelled")
		return nil
	}
}

// query sends a signed awsQuery form post (SNS, say) and returns the status
// and body.
func query(t *testing.T, base, service, akid, secret string, form url.Values) (int, string) {
	t.Helper()
	body := []byte(form.Encode())
	req, err := http.NewRequest(http.MethodPost, base+"/", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("User-Agent", "localwatch-cmd-test/1.0")
	signV4(req, body, akid, secret, "us-east-1", service, time.Now())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func getHealth(t *testing.T, base string) health {
	t.Helper()
	resp, err := http.Get(base + healthPath)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var h health
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
	return h
}

func TestServerAnswersHealthAndAWSCallsThenShutsDownCleanly(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, "-account", "111122223333", "-regions", "us-east-1,eu-west-1", "-data", dir, "-seed", "7")

	h := getHealth(t, s.base)
	assert.Equal(t, "ok", h.Status)
	assert.Equal(t, "111122223333", h.Account)
	assert.Equal(t, []string{"us-east-1", "eu-west-1"}, h.Regions)
	assert.NotEmpty(t, h.Version)
	assert.GreaterOrEqual(t, h.UptimeSeconds, 0.0)

	code, body := query(t, s.base, "sns", "AKIDEXAMPLE", "secret", url.Values{
		"Action": {"CreateTopic"}, "Version": {"2010-03-31"}, "Name": {"orders"}})
	require.Equal(t, http.StatusOK, code, body)
	var created struct {
		TopicArn  string `xml:"CreateTopicResult>TopicArn"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	require.NoError(t, xml.Unmarshal([]byte(body), &created), body)
	assert.Equal(t, "arn:aws:sns:us-east-1:111122223333:orders", created.TopicArn)
	assert.NotEmpty(t, created.RequestID)

	// A call for an unknown action answers the protocol's error, not a 500.
	code, body = query(t, s.base, "sns", "AKIDEXAMPLE", "secret", url.Values{"Action": {"NoSuchAction"}, "Version": {"2010-03-31"}})
	assert.Equal(t, http.StatusBadRequest, code, body)
	assert.Contains(t, body, "InvalidAction")

	require.NoError(t, s.shutdown(t))
	_, err := http.Get(s.base + healthPath)
	assert.Error(t, err, "the listener is closed after shutdown")
}

func TestSNSPathsServeEachRegionsSNSHandler(t *testing.T) {
	s := startServer(t, "-regions", "us-east-1,eu-west-1")
	for _, tc := range []struct {
		name, path string
		status     int
		contains   string
	}{
		{"a confirmation with a token SNS never issued answers SNS's XML error (AWS: Invalid token)", "/_localwatch/sns/eu-west-1/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:nope&Token=x", http.StatusBadRequest, "<Code>InvalidParameter</Code><Message>Invalid token</Message>"},
		{"a Region the server does not serve is not found", "/_localwatch/sns/ap-south-1/?Action=ConfirmSubscription", http.StatusNotFound, ""},
		{"an unknown internal path is not found", "/_localwatch/nothing", http.StatusNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(s.base + tc.path)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			assert.Equal(t, tc.status, resp.StatusCode, string(b))
			assert.Contains(t, string(b), tc.contains)
		})
	}
	resp, err := http.Post(s.base+healthPath, "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestStrictModeChecksKeysAndSignatures(t *testing.T) {
	s := startServer(t, "-strict", "-key", "AKIDALICE:alicesecret:user/alice")
	form := url.Values{"Action": {"ListTopics"}, "Version": {"2010-03-31"}}

	code, body := query(t, s.base, "sns", "AKIDALICE", "alicesecret", form)
	assert.Equal(t, http.StatusOK, code, body)

	code, body = query(t, s.base, "sns", "AKIDALICE", "wrong", form)
	assert.Equal(t, http.StatusForbidden, code, body)
	assert.Contains(t, body, "SignatureDoesNotMatch")

	code, body = query(t, s.base, "sns", "AKIDMALLORY", "whatever", form)
	assert.Equal(t, http.StatusForbidden, code, body)
	assert.Contains(t, body, "InvalidClientTokenId")
}

func TestFlagsAndCredentials(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.json")
	require.NoError(t, os.WriteFile(file, []byte(`{
		"AKIAFILEUSER": {"secretAccessKey": "s1", "user": "alice"},
		"ASIAFILEROLE": {"secretAccessKey": "s2", "role": "deploy", "session": "ci-7"},
		"AKIAFILEROOT": {"secretAccessKey": "s3", "root": true}
	}`), 0o600))

	s, err := parseFlags([]string{"-account", "111122223333", "-credentials", file,
		"-key", "AKIAFLAG:s4", "-key", "AKIAFILEUSER:s5:user/bob"}, io.Discard)
	require.NoError(t, err)
	creds, err := s.credentials()
	require.NoError(t, err)
	require.Len(t, creds, 4)
	assert.Equal(t, localwatch.IAMUser("111122223333", "bob", "AKIAFILEUSER"), creds["AKIAFILEUSER"].Identity, "-key overrides the file")
	assert.Equal(t, "s5", creds["AKIAFILEUSER"].SecretAccessKey)
	assert.Equal(t, localwatch.AssumedRole("111122223333", "deploy", "ci-7", "ASIAFILEROLE"), creds["ASIAFILEROLE"].Identity)
	assert.Equal(t, "Root", creds["AKIAFILEROOT"].Identity.Type)
	assert.Equal(t, "AKIAFILEROOT", creds["AKIAFILEROOT"].Identity.AccessKeyID)
	assert.Equal(t, localwatch.IAMUser("111122223333", "localwatch", "AKIAFLAG"), creds["AKIAFLAG"].Identity)
	assert.Equal(t, []string{"us-east-1"}, s.regions)

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"a key without a secret", []string{"-key", "AKIA"}},
		{"a key with an unknown principal", []string{"-key", "AKIA:s:group/x"}},
		{"a role without a session", []string{"-key", "AKIA:s:role/deploy"}},
		{"strict mode without keys", []string{"-strict"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parseFlags(tc.args, io.Discard)
			require.NoError(t, err)
			_, err = s.credentials()
			assert.IsType(t, usageError{}, err)
		})
	}
	_, err = parseFlags([]string{"-regions", " , "}, io.Discard)
	assert.IsType(t, usageError{}, err)
	_, err = parseFlags([]string{"stray"}, io.Discard)
	assert.IsType(t, usageError{}, err)

	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-account", "12"}, io.Discard, io.Discard)
	assert.IsType(t, usageError{}, err, "a malformed account ID is a usage error")
	assert.Equal(t, 2, exitCode(err))
}

// TestBinaryExitsZeroOnSIGINTAndSIGTERM builds the command and checks that
// each signal shuts it down gracefully with exit status 0.
func TestBinaryExitsZeroOnSIGINTAndSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "localwatch")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			line, err := bufio.NewReader(stdout).ReadString('\n')
			require.NoError(t, err, "stderr: %s", stderr.String())
			m := readyLine.FindStringSubmatch(strings.TrimSpace(line))
			require.NotNil(t, m, "ready line %q", line)
			assert.Equal(t, "ok", getHealth(t, m[1]).Status)
			require.NoError(t, cmd.Process.Signal(sig))
			require.NoError(t, cmd.Wait(), "exit status after %v; stderr: %s", sig, stderr.String())
		})
	}
}

func TestDataDirKeepsTheAccountAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, "-data", dir, "-seed", "5")
	code, body := query(t, s.base, "monitoring", "AKIDEXAMPLE", "secret", url.Values{
		"Action": {"PutMetricData"}, "Version": {"2010-08-01"}, "Namespace": {"App"},
		"MetricData.member.1.MetricName": {"Orders"}, "MetricData.member.1.Value": {"3"}})
	require.Equal(t, http.StatusOK, code, body)
	require.NoError(t, s.shutdown(t))

	s2 := startServer(t, "-data", dir, "-seed", "5")
	defer s2.shutdown(t)
	code, body = query(t, s2.base, "monitoring", "AKIDEXAMPLE", "secret", url.Values{
		"Action": {"ListMetrics"}, "Version": {"2010-08-01"}, "Namespace": {"App"}})
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, "<MetricName>Orders</MetricName>", "the metric put before the restart")
}
