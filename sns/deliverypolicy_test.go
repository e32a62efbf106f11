package sns

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryPolicyPhases(t *testing.T) {
	secs := func(p RetryPolicy) []float64 {
		var out []float64
		for i := 1; i <= p.NumRetries; i++ {
			out = append(out, p.delay(i).Seconds())
		}
		return out
	}
	assert.Equal(t, []float64{20, 20, 20}, secs(DefaultHTTPRetryPolicy), "AWS default: 3 retries 20 s apart")
	p := RetryPolicy{NumRetries: 8, NumNoDelayRetries: 1, NumMinDelayRetries: 1, NumMaxDelayRetries: 2, MinDelayTarget: 2, MaxDelayTarget: 10, BackoffFunction: "linear"}
	got := secs(p)
	// 1 no-delay, 1 min-delay, 4 backoff (2 → 10 s), 2 max-delay retries.
	assert.InDeltaSlice(t, []float64{0, 2, 2, 2 + 8.0/3, 2 + 16.0/3, 10, 10, 10}, got, 1e-6, "linear backoff")
	p.BackoffFunction = "geometric"
	got = secs(p)
	assert.InDelta(t, 2*math.Pow(5, 2.0/3), got[4], 1e-6, "geometric: constant ratio from min to max")
	assert.InDelta(t, 10, got[5], 1e-6)
	p.BackoffFunction = "arithmetic"
	got = secs(p)
	assert.InDelta(t, 2.8, got[2], 1e-9)
	assert.InDelta(t, 10, got[5], 1e-9)
	p.BackoffFunction = "exponential"
	got = secs(p)
	assert.InDelta(t, 2+8.0/15, got[2], 1e-9)
	assert.InDelta(t, 10, got[5], 1e-9)
	for _, bad := range []string{
		`{"healthyRetryPolicy":{"numRetries":101,"minDelayTarget":1,"maxDelayTarget":1}}`,
		`{"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":0,"maxDelayTarget":1}}`,
		`{"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":5,"maxDelayTarget":4}}`,
		`{"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":5,"maxDelayTarget":3601}}`,
		`{"healthyRetryPolicy":{"numRetries":1,"numNoDelayRetries":2,"minDelayTarget":1,"maxDelayTarget":1}}`,
		`{"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":1,"maxDelayTarget":1,"backoffFunction":"cubic"}}`,
		`{"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":1,"maxDelayTarget":1},"bogus":1}`,
		`{"requestPolicy":{"headerContentType":"image/png"}}`,
	} {
		_, err := parseSubDeliveryPolicy(bad)
		requireCode(t, err, "InvalidParameter")
	}
}

func TestManagedEndpointSchedule(t *testing.T) {
	var total time.Duration
	n := 0
	for i := 1; ; i++ {
		d, ok := managedDelay(i)
		if !ok {
			break
		}
		total += d
		n++
	}
	assert.Equal(t, 100015, n, "3 immediate + 2 + 10 + 100,000")
	assert.InDelta(t, 23, total.Hours()/24, 0.2, "about 23 days")
}

func TestTopicDeliveryPolicyCanDisableSubscriptionOverrides(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.topic(t, "t", map[string]string{"DeliveryPolicy": `{"http":{"defaultHealthyRetryPolicy":{"numRetries":1,"minDelayTarget":5,"maxDelayTarget":5},"disableSubscriptionOverrides":true}}`})
	sub := f.subscribe(t, a, "http", "http://127.0.0.1:1/x", map[string]string{"DeliveryPolicy": `{"healthyRetryPolicy":{"numRetries":9,"minDelayTarget":1,"maxDelayTarget":1}}`})
	f.s.mu.Lock()
	rp, ct := f.s.subs[sub].httpPolicy(f.s.subs[sub].topic)
	f.s.mu.Unlock()
	assert.Equal(t, 1, rp.NumRetries)
	assert.Equal(t, "text/plain; charset=UTF-8", ct)
	attrs, err := f.s.GetSubscriptionAttributes(ctx, GetSubscriptionAttributesInput{SubscriptionArn: sub})
	require.NoError(t, err)
	assert.JSONEq(t, `{"healthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":1,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"text/plain; charset=UTF-8"},"guaranteed":false}`, attrs.Attributes["EffectiveDeliveryPolicy"])
}
