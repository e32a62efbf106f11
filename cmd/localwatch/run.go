package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/awsapi"
	"github.com/localwatch/localwatch/console"
)

// version is the server's version, set at link time with
// -ldflags "-X main.version=v1.2.3"; empty means the module's build info.
var version string

// shutdownTimeout bounds how long a graceful shutdown waits for in-flight
// requests.
const shutdownTimeout = 10 * time.Second

// settings is the parsed command line.
type settings struct {
	addr, url, account string
	regions            []string
	data               string
	sync               string
	checkpointEvery    time.Duration
	seed               uint64
	strict             bool
	credentialsFile    string
	keys               []string
	verbose            bool
	agentConfig        string
}

// keyFlags collects repeated -key flags.
type keyFlags []string

func (k *keyFlags) String() string { return strings.Join(*k, ",") }

func (k *keyFlags) Set(v string) error {
	*k = append(*k, v)
	return nil
}

// parseFlags reads the command line into settings.
func parseFlags(args []string, stderr io.Writer) (*settings, error) {
	fs := flag.NewFlagSet("localwatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var s settings
	var regions string
	var keys keyFlags
	fs.StringVar(&s.addr, "addr", "127.0.0.1:4566", "listen `address` (port 0 picks a free port)")
	fs.StringVar(&s.url, "url", "", "base `URL` clients reach the server at, used in SNS messages (default http://<listen address>)")
	fs.StringVar(&s.account, "account", localwatch.DefaultAccountID, "12-digit account `ID`")
	fs.StringVar(&regions, "regions", localwatch.DefaultRegion, "comma-separated `Regions` to serve")
	fs.StringVar(&s.data, "data", "", "data `directory`: the account's state persists there across restarts (default: in memory)")
	fs.StringVar(&s.sync, "sync", "every-call", "when -data is fsynced: every-call, or lose-recent-on-power-loss (faster; a power loss may lose the last second)")
	fs.DurationVar(&s.checkpointEvery, "checkpoint-every", time.Hour, "with -data, write a checkpoint this often (0: only at shutdown), so that a crash replays at most this much; calls wait while one is written")
	fs.Uint64Var(&s.seed, "seed", 0, "deterministic IDs and signing keys from this `seed` (0: random)")
	fs.BoolVar(&s.strict, "strict", false, "reject unknown access keys and check SigV4 signatures")
	fs.StringVar(&s.credentialsFile, "credentials", "", "JSON `file` of access keys: {\"AKID\": {\"secretAccessKey\": …, \"user\"|\"role\"+\"session\"|\"root\": …}}")
	fs.Var(&keys, "key", "access key `AKID:SECRET[:PRINCIPAL]`, repeatable; PRINCIPAL is user/NAME (default user/localwatch), role/NAME/SESSION or root")
	fs.BoolVar(&s.verbose, "v", false, "log debug detail to stderr")
	fs.StringVar(&s.agentConfig, "agent-config", "", "run this CloudWatch agent configuration `file` (host metrics, log files) against the account")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err}
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	for r := range strings.SplitSeq(regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			s.regions = append(s.regions, r)
		}
	}
	if len(s.regions) == 0 {
		return nil, usageError{errors.New("-regions names no Region")}
	}
	s.keys = keys
	return &s, nil
}

// credentialEntry is one access key of a -credentials file.
type credentialEntry struct {
	SecretAccessKey string `json:"secretAccessKey"`
	User            string `json:"user"`
	Role            string `json:"role"`
	Session         string `json:"session"`
	Root            bool   `json:"root"`
}

// identity returns the principal the entry names.
func (e credentialEntry) identity(account, akid string) (localwatch.Identity, error) {
	switch {
	case e.Root && e.User == "" && e.Role == "":
		id := localwatch.Root(account)
		id.AccessKeyID = akid
		return id, nil
	case e.Role != "" && e.User == "" && !e.Root:
		if e.Session == "" {
			return localwatch.Identity{}, fmt.Errorf("access key %s: role %q needs a session name", akid, e.Role)
		}
		return localwatch.AssumedRole(account, e.Role, e.Session, akid), nil
	case !e.Root && e.Role == "":
		if e.User == "" {
			e.User = "localwatch"
		}
		return localwatch.IAMUser(account, e.User, akid), nil
	}
	return localwatch.Identity{}, fmt.Errorf("access key %s: name one of user, role or root", akid)
}

// credentials builds the access-key map from -credentials and -key (a -key
// overrides the file's entry for the same key).
func (s *settings) credentials() (map[string]awsapi.Credential, error) {
	entries := map[string]credentialEntry{}
	if s.credentialsFile != "" {
		b, err := os.ReadFile(s.credentialsFile)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&entries); err != nil {
			return nil, fmt.Errorf("%s: %w", s.credentialsFile, err)
		}
	}
	for _, k := range s.keys {
		parts := strings.SplitN(k, ":", 3)
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return nil, usageError{fmt.Errorf("-key %q: want AKID:SECRET[:PRINCIPAL]", k)}
		}
		e := credentialEntry{SecretAccessKey: parts[1]}
		if len(parts) == 3 {
			p := strings.Split(parts[2], "/")
			switch {
			case len(p) == 1 && p[0] == "root":
				e.Root = true
			case len(p) == 2 && p[0] == "user" && p[1] != "":
				e.User = p[1]
			case len(p) == 3 && p[0] == "role" && p[1] != "" && p[2] != "":
				e.Role, e.Session = p[1], p[2]
			default:
				return nil, usageError{fmt.Errorf("-key %q: PRINCIPAL must be user/NAME, role/NAME/SESSION or root", k)}
			}
		}
		entries[parts[0]] = e
	}
	out := make(map[string]awsapi.Credential, len(entries))
	for akid, e := range entries {
		if e.SecretAccessKey == "" {
			return nil, fmt.Errorf("access key %s has no secretAccessKey", akid)
		}
		id, err := e.identity(s.account, akid)
		if err != nil {
			return nil, err
		}
		out[akid] = awsapi.Credential{SecretAccessKey: e.SecretAccessKey, Identity: id}
	}
	if s.strict && len(out) == 0 {
		return nil, usageError{errors.New("-strict needs access keys: give -credentials FILE or -key AKID:SECRET")}
	}
	return out, nil
}

// run is the whole command: it serves until ctx is done, then shuts down
// gracefully and returns nil. The ready line goes to stdout, logs to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if s.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	creds, err := s.credentials()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := strings.TrimRight(s.url, "/")
	if base == "" {
		base = "http://" + reachable(ln.Addr())
	}
	opts := localwatch.Options{
		AccountID:   s.account,
		Regions:     s.regions,
		Clock:       localwatch.NewLoopClock(),
		IDSeed:      s.seed,
		SNSEndpoint: awsapi.SNSEndpoint(base),
		Logger:      logger,
	}
	opts.DataDir = s.data
	switch s.sync {
	case "every-call":
		opts.Sync = localwatch.SyncEveryCall
	case "lose-recent-on-power-loss":
		opts.Sync = localwatch.SyncLoseRecentOnPowerLoss
	default:
		return usageError{fmt.Errorf("-sync %q: want every-call or lose-recent-on-power-loss", s.sync)}
	}
	acct, err := localwatch.NewAccount(opts)
	if err != nil {
		return usageError{err}
	}
	defer acct.Close()
	closeAgent := func() {}
	if s.agentConfig != "" {
		h, err := startAgent(acct, s, logger)
		if err != nil {
			return usageError{err}
		}
		closeAgent = func() { _ = h.Close() }
	}
	apiOpts := awsapi.Options{Credentials: creds, Strict: s.strict, Logger: logger}
	if s.seed != 0 {
		// Its own stream (seed+1), so request IDs do not repeat the account's event IDs.
		apiOpts.RequestIDs = localwatch.NewIDSource(s.seed + 1)
	}
	srv := &server{
		acct:    acct,
		api:     awsapi.NewHandler(acct, apiOpts),
		console: console.New(acct, console.Options{Path: internalPrefix}),
		started: acct.Clock.Now(),
		version: buildVersion(),
	}

	runCtx, stopRun := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		_ = acct.Run(runCtx)
	}()
	if s.data != "" && s.checkpointEvery > 0 {
		go checkpointEvery(runCtx, acct, s.checkpointEvery, logger)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "localwatch ready on %s (account %s, regions %s)\n", base, acct.AccountID, strings.Join(acct.Regions(), ","))

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	shutdownErr := hs.Shutdown(sctx)
	stopRun()
	<-runDone
	closeAgent() // sends what it holds while the account still takes it
	acct.Close()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	logger.Debug("localwatch stopped")
	return nil
}

// reachable returns the host:port a client on this machine dials for a
// listener's address: an unspecified host (0.0.0.0, ::) becomes loopback.
func reachable(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip.To4() == nil {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}

// buildVersion is -X main.version, else the main module's version from the
// build info ("(devel)" for a build from a checkout).
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// Paths the server answers itself; everything else, including the SNS
// paths under /_localwatch/sns/ (awsapi.SNSEndpoint), goes to the AWS API.
const (
	internalPrefix = "/_localwatch/"
	healthPath     = "/_localwatch/health"
	snsPrefix      = "/_localwatch/sns/"
)

// server answers the health check and hands everything else to the AWS API.
type server struct {
	acct    *localwatch.Account
	api     http.Handler
	console http.Handler // the web console, under internalPrefix
	started time.Time
	version string
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == healthPath:
		s.health(w, r)
	case strings.HasPrefix(p, internalPrefix) && !strings.HasPrefix(p, snsPrefix):
		s.console.ServeHTTP(w, r)
	default:
		// The AWS APIs, and under /_localwatch/sns/<region>/ the Region's
		// sns.Service.Handler (SubscribeURL, UnsubscribeURL,
		// SigningCertURL), which the awsapi handler serves too.
		s.api.ServeHTTP(w, r)
	}
}

// health is the body of GET /_localwatch/health.
type health struct {
	Status  string   `json:"status"`
	Account string   `json:"account"`
	Regions []string `json:"regions"`
	Version string   `json:"version"`
	// Uptime is the time since start on the account's clock, as a Go
	// duration ("1m2.5s"); UptimeSeconds the same in seconds.
	Uptime        string  `json:"uptime"`
	UptimeSeconds float64 `json:"uptimeSeconds"`
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	up := s.acct.Clock.Now().Sub(s.started)
	b, _ := json.Marshal(health{
		Status: "ok", Account: s.acct.AccountID, Regions: s.acct.Regions(), Version: s.version,
		Uptime: up.Round(time.Millisecond).String(), UptimeSeconds: up.Seconds(),
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	_, _ = w.Write(append(b, '\n'))
}

// checkpointEvery writes a checkpoint of acct every d (wall time) until ctx
// ends; shutdown writes the last one (Close).
func checkpointEvery(ctx context.Context, acct *localwatch.Account, d time.Duration, logger *slog.Logger) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := acct.Checkpoint(); err != nil {
				logger.Warn("writing a checkpoint", "err", err)
			}
		}
	}
}
