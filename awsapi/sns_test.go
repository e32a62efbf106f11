package awsapi

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch"
	"github.com/localwatch/localwatch/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSNSEndpointsDelegated pins that the URLs in SNS messages — the signing
// certificate, SubscribeURL and UnsubscribeURL, which AWS serves unsigned —
// reach the SNS handler of their Region through the handler.
func TestSNSEndpointsDelegated(t *testing.T) {
	acct, err := localwatch.NewAccount(localwatch.Options{Regions: []string{"us-east-1", "eu-west-1"}, IDSeed: 3,
		Clock: localwatch.NewManualClock(t0), SNSEndpoint: SNSEndpoint("http://localwatch.test/")})
	require.NoError(t, err)
	defer acct.Close()
	h := NewHandler(acct, Options{})

	certURL, err := acct.Region("eu-west-1").SNS.SigningCertURL()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(certURL, "http://localwatch.test/_localwatch/sns/eu-west-1/"), certURL)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", certURL, nil))
	assert.Equal(t, 200, w.Code)
	assert.Contains(t, w.Body.String(), "BEGIN CERTIFICATE")

	// Without the prefix, the certificate is found in whichever Region has it.
	u, _ := url.Parse(certURL)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://localwatch.test/"+u.Path[strings.LastIndexByte(u.Path, '/')+1:], nil))
	assert.Equal(t, 200, w.Code)

	// An unsigned UnsubscribeURL visit is the SNS handler's, not a
	// MissingAuthenticationToken.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://localwatch.test/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:t:0b6f", nil))
	assert.NotContains(t, w.Body.String(), "MissingAuthenticationToken")
	assert.Contains(t, w.Body.String(), "<ErrorResponse")

	// Any other unsigned query request needs a signature.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://localwatch.test/?Action=ListTopics&Version=2010-03-31", nil))
	assert.Equal(t, 403, w.Code)
	assert.Contains(t, w.Body.String(), "MissingAuthenticationToken")
}

// TestConcurrentRequests runs writers and readers through one handler at
// once (run with -race).
func TestConcurrentRequests(t *testing.T) {
	r := newRig(t, Options{})
	body := testdata(t, "cbor-putmetricdata.req")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				q := cborReq("PutMetricData", body)
				if i%2 == 1 {
					q = cborReq("ListMetrics", []byte{0xa0})
				}
				resp := r.do(t, q)
				assert.Equal(t, 200, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	out, err := r.acct.Region("us-east-1").Metrics.GetMetricStatistics(context.Background(), metrics.GetMetricStatisticsInput{
		Namespace: "App", MetricName: "Latency", Dimensions: []metrics.Dimension{{Name: "Host", Value: "a"}},
		StartTime: t0.Add(-time.Hour), EndTime: t0, Period: 3600, Statistics: []metrics.Statistic{metrics.StatSampleCount}})
	require.NoError(t, err)
	require.Len(t, out.Datapoints, 1)
	assert.Equal(t, 80.0, *out.Datapoints[0].SampleCount)
}

// TestQueryEmptyResultWrapped is the regression test for SNS TagResource
// answering without its empty <TagResourceResult/>, which aws-sdk-go-v2's
// query deserializer needs ("deserialization failed, EOF"): an operation
// whose output has a resultWrapper in the model answers the element even
// when empty; one without output answers none.
func TestQueryEmptyResultWrapped(t *testing.T) {
	r := newRig(t, Options{})
	resp := r.do(t, queryReq("sns", "Action=CreateTopic&Version=2010-03-31&Name=t"))
	require.Equal(t, 200, resp.StatusCode)
	arn := url.QueryEscape("arn:aws:sns:us-east-1:123456789012:t")
	for _, c := range []struct{ body, want, not string }{
		{"Action=TagResource&Version=2010-03-31&ResourceArn=" + arn + "&Tags.member.1.Key=k&Tags.member.1.Value=v", "<TagResourceResult></TagResourceResult>", ""},
		{"Action=UntagResource&Version=2010-03-31&ResourceArn=" + arn + "&TagKeys.member.1=k", "<UntagResourceResult></UntagResourceResult>", ""},
		{"Action=DeleteTopic&Version=2010-03-31&TopicArn=" + arn, "<DeleteTopicResponse", "Result"},
	} {
		resp := r.do(t, queryReq("sns", c.body))
		body := string(readAll(t, resp))
		assert.Equal(t, 200, resp.StatusCode, body)
		assert.Contains(t, body, c.want)
		if c.not != "" {
			assert.NotContains(t, body, c.not)
		}
	}
	resp = r.do(t, queryReq("monitoring", "Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=m&MetricData.member.1.Value=1"))
	assert.NotContains(t, string(readAll(t, resp)), "Result")
}
