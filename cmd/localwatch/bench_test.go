package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	bin := buildBinary(b)
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
// clients on four connections to the built binary on loopback; req/s is the
// figure. "PutMetricData" is one datum in awsJson1_0 (as the aws CLI sends
// it); "health" is the health check, the floor the HTTP stack itself sets on
// the same machine in the same run. server-cpu-µs/req is the CPU the server
// process used per request (from /proc), so 2e6/server-cpu-µs is the req/s
// two cores would serve with the clients elsewhere.
func BenchmarkServer(b *testing.B) {
	bin := buildBinary(b)
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	base := readyLine.FindStringSubmatch(strings.TrimSpace(line))[1]
	pid := cmd.Process.Pid

	body := []byte(`{"Namespace":"Bench","MetricData":[{"MetricName":"Requests","Dimensions":[{"Name":"Service","Value":"api"}],"Value":1,"Unit":"Count"}]}`)
	sample, _ := http.NewRequest(http.MethodPost, base+"/", bytes.NewReader(body))
	sample.Header.Set("Content-Type", "application/x-amz-json-1.0")
	sample.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData")
	signV4(sample, body, "AKIDBENCH", "secret", "us-east-1", "monitoring", time.Now())
	b.Run("PutMetricData", func(b *testing.B) {
		benchRequests(b, pid, func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, base+"/", bytes.NewReader(body))
			req.Header = sample.Header.Clone()
			return req
		})
	})
	b.Run("health", func(b *testing.B) {
		benchRequests(b, pid, func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, base+healthPath, nil)
			return req
		})
	})
}

// buildBinary builds the command into a temporary directory.
func buildBinary(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "localwatch")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatal(err)
	}
	return bin
}

// processCPU is the user and system CPU time process pid has used, from
// /proc/<pid>/stat (clock ticks of 1/100 s).
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the parenthesised command name; utime and stime are
	// the 14th and 15th fields of the line.
	rest := string(raw[bytes.LastIndexByte(raw, ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / 100)
}

// benchRequests sends requests from newReq on four keep-alive connections
// and reports req/s.
func benchRequests(b *testing.B, pid int, newReq func() *http.Request) {
	const conns = 4
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	defer client.CloseIdleConnections()
	b.SetParallelism(conns) // conns goroutines per GOMAXPROCS, so four at -cpu 1
	b.ReportAllocs()
	cpu0 := processCPU(pid)
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
	b.ReportMetric(float64((processCPU(pid)-cpu0).Microseconds())/float64(b.N), "server-cpu-µs/req")
}
