package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/awsapi"
)

func main() {
	acct, err := localwatch.NewAccount(localwatch.Options{Regions: []string{"us-east-1", "eu-west-1"}, Clock: localwatch.NewManualClock(time.Now().Truncate(time.Minute)), IDSeed: 1,
		SNSEndpoint: "http://127.0.0.1:" + os.Args[1] + "/_localwatch/sns/{region}"})
	if err != nil {
		panic(err)
	}
	h := awsapi.NewHandler(acct, awsapi.Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	n := 0
	dump := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if dir := os.Getenv("DUMP"); dir != "" {
				b, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(b))
				name := r.Header.Get("X-Amz-Target")
				if name == "" {
					name = strings.ReplaceAll(strings.TrimPrefix(r.URL.Path, "/"), "/", "_")
				}
				if name == "" {
					name = "query"
				}
				n++
				os.WriteFile(fmt.Sprintf("%s/%03d-%s.req", dir, n, name), b, 0o644)
				hb, _ := json.Marshal(r.Header)
				os.WriteFile(fmt.Sprintf("%s/%03d-%s.hdr", dir, n, name), hb, 0o644)
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				os.WriteFile(fmt.Sprintf("%s/%03d-%s.resp", dir, n, name), rec.Body.Bytes(), 0o644)
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	panic(http.ListenAndServe("127.0.0.1:"+os.Args[1], dump(h)))
}
