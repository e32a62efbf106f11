package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server benchmarks. Run:
//
//	go test ./cmd/localwatch -run '^$' -bench . -count 5 -cpu 1

// BenchmarkColdStart measures starting the built binary to its first answered
// request: exec, the ready line, and a GET of the health check. (The build
// itself is done once, outside the timing.)
func BenchmarkColdStart(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "localwatch")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for b.Loop() {
		cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		m := readyLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			b.Fatalf("ready line %q", line)
		}
		resp, err := client.Get(m[1] + healthPath)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(err, resp)
		}
		resp.Body.Close()

		b.StopTimer()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			b.Fatal("exit after SIGTERM: ", err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
}

// BenchmarkServer measures small requests over keep-alive HTTP/1.1 from Go
// clients on four connections to the server on loopback; req/s is the figure.
// "PutMetricData" is one datum in awsJson1_0 (as the aws CLI sends it);
// "health" is the health check, the floor the HTTP stack itself sets on the
// same machine in the same run.
func BenchmarkServer(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, pw, io.Discard) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base := readyLine.FindStringSubmatch(strings.TrimSpace(line))[1]
	defer func() {
		cancel()
		<-done
	}()

	body := []byte(`{"Namespace":"Bench","MetricData":[{"MetricName":"Requests","Dimensions":[{"Name":"Service","Value":"api"}],"Value":1,"Unit":"Count"}]}`)
	sample, _ := http.NewRequest(http.MethodPost, base+"/", bytes.NewReader(body))
	sample.Header.Set("Content-Type", "application/x-amz-json-1.0")
	sample.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData")
	signV4(sample, body, "AKIDBENCH", "secret", "us-east-1", "monitoring", time.Now())
	b.Run("PutMetricData", func(b *testing.B) {
		benchRequests(b, func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, base+"/", bytes.NewReader(body))
			req.Header = sample.Header.Clone()
			return req
		})
	})
	b.Run("health", func(b *testing.B) {
		benchRequests(b, func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, base+healthPath, nil)
			return req
		})
	})
}

// benchRequests sends requests from newReq on four keep-alive connections
// and reports req/s.
func benchRequests(b *testing.B, newReq func() *http.Request) {
	const conns = 4
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	defer client.CloseIdleConnections()
	b.SetParallelism(conns) // conns goroutines per GOMAXPROCS, so four at -cpu 1
	b.ReportAllocs()
	cpu0 := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Do(newReq())
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	// CPU time per request (client and server, both in this process): on a
	// machine shared with other work, wall-clock req/s says more about the
	// neighbours than about the server; 1e6/cpu-µs is the req/s one core
	// would sustain with the client's share included.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/req")
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
