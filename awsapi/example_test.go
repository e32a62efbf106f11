package awsapi_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/awsapi"
)

// An AWS SDK client is pointed at the handler by giving it h.Client() as its
// HTTP client (any endpoint URL): with aws-sdk-go-v2,
//
//	cw := cloudwatch.New(cloudwatch.Options{Region: "us-east-1",
//		BaseEndpoint: aws.String("http://localwatch"), HTTPClient: h.Client(),
//		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
//
// Here the request is built by hand, as the aws CLI sends it (awsJson 1.1).
func Example() {
	acct, err := localwatch.NewAccount(localwatch.Options{Clock: localwatch.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	if err != nil {
		panic(err)
	}
	defer acct.Close()
	h := awsapi.NewHandler(acct, awsapi.Options{})

	req, _ := http.NewRequest("POST", "http://localwatch/", strings.NewReader(`{"logGroupNamePrefix":"app"}`))
	req.Header.Set("X-Amz-Target", "Logs_20140328.DescribeLogGroups")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := h.Client().Do(req)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 {"logGroups":[]}
}
