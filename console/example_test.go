package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/console"
)

// Mount the console on an application's mux at a path of its choice; the
// console writes every link under that path.
func Example() {
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(demoStart)})
	if err != nil {
		panic(err)
	}
	defer acct.Close()
	threshold := 80.0
	_, _ = acct.Region("us-east-1").Alarms.PutMetricAlarm(context.Background(), alarms.PutMetricAlarmInput{
		AlarmName: "cpu-high", Namespace: "MyApp", MetricName: "CPU", Statistic: "Average", Period: 60,
		EvaluationPeriods: 1, Threshold: &threshold, ComparisonOperator: alarms.GreaterThanThreshold})

	mux := http.NewServeMux()
	mux.Handle("/console/", console.New(acct, console.Options{Path: "/console/"}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/console/alarms")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(body), `href="/console/alarms/cpu-high"`))
	// Output: 200 true
}
