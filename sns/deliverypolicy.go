package sns

import (
	"bytes"
	"encoding/json"
	"math"
	"time"
)

// RetryPolicy is an HTTP/S healthyRetryPolicy. The AWS default (used when no
// policy is set) is 3 retries 20 seconds apart: numRetries 3, minDelayTarget
// and maxDelayTarget 20, no no-delay/min-delay/max-delay retries, linear backoff.
type RetryPolicy struct {
	MinDelayTarget     int    `json:"minDelayTarget"`
	MaxDelayTarget     int    `json:"maxDelayTarget"`
	NumRetries         int    `json:"numRetries"`
	NumMaxDelayRetries int    `json:"numMaxDelayRetries"`
	NumNoDelayRetries  int    `json:"numNoDelayRetries"`
	NumMinDelayRetries int    `json:"numMinDelayRetries"`
	BackoffFunction    string `json:"backoffFunction"`
}

// DefaultHTTPRetryPolicy is AWS's default HTTP/S retry policy.
var DefaultHTTPRetryPolicy = RetryPolicy{MinDelayTarget: 20, MaxDelayTarget: 20, NumRetries: 3, BackoffFunction: "linear"}

type throttlePolicy struct {
	MaxReceivesPerSecond int `json:"maxReceivesPerSecond,omitempty"`
}

type requestPolicy struct {
	HeaderContentType string `json:"headerContentType,omitempty"`
}

type topicDeliveryPolicy struct {
	HTTP *struct {
		DefaultHealthyRetryPolicy    *RetryPolicy    `json:"defaultHealthyRetryPolicy,omitempty"`
		DefaultSicklyRetryPolicy     any             `json:"defaultSicklyRetryPolicy,omitempty"`
		DisableSubscriptionOverrides bool            `json:"disableSubscriptionOverrides"`
		DefaultThrottlePolicy        *throttlePolicy `json:"defaultThrottlePolicy,omitempty"`
		DefaultRequestPolicy         *requestPolicy  `json:"defaultRequestPolicy,omitempty"`
	} `json:"http,omitempty"`
}

type subDeliveryPolicy struct {
	HealthyRetryPolicy *RetryPolicy    `json:"healthyRetryPolicy,omitempty"`
	SicklyRetryPolicy  any             `json:"sicklyRetryPolicy,omitempty"`
	ThrottlePolicy     *throttlePolicy `json:"throttlePolicy,omitempty"`
	RequestPolicy      *requestPolicy  `json:"requestPolicy,omitempty"`
	Guaranteed         bool            `json:"guaranteed,omitempty"`
}

var contentTypes = map[string]bool{
	"text/plain": true, "application/json": true, "application/xml": true, "text/plain; charset=UTF-8": true,
	"application/json; charset=UTF-8": true, "application/xml; charset=UTF-8": true,
}

func decodeStrict(s string, v any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func parseTopicDeliveryPolicy(s string) (*topicDeliveryPolicy, error) {
	var p topicDeliveryPolicy
	if err := decodeStrict(s, &p); err != nil {
		return nil, invalidParam("DeliveryPolicy: %v", err)
	}
	if p.HTTP != nil {
		if err := validateRetry(p.HTTP.DefaultHealthyRetryPolicy, "defaultHealthyRetryPolicy"); err != nil {
			return nil, err
		}
		if err := validateRequest(p.HTTP.DefaultRequestPolicy); err != nil {
			return nil, err
		}
		if err := validateThrottle(p.HTTP.DefaultThrottlePolicy); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

func parseSubDeliveryPolicy(s string) (*subDeliveryPolicy, error) {
	var p subDeliveryPolicy
	if err := decodeStrict(s, &p); err != nil {
		return nil, invalidParam("DeliveryPolicy: %v", err)
	}
	if err := validateRetry(p.HealthyRetryPolicy, "healthyRetryPolicy"); err != nil {
		return nil, err
	}
	if err := validateRequest(p.RequestPolicy); err != nil {
		return nil, err
	}
	if err := validateThrottle(p.ThrottlePolicy); err != nil {
		return nil, err
	}
	return &p, nil
}

func validateThrottle(t *throttlePolicy) error {
	if t != nil && t.MaxReceivesPerSecond < 0 {
		return invalidParam("DeliveryPolicy: throttlePolicy.maxReceivesPerSecond must be at least 1")
	}
	return nil
}

func validateRequest(r *requestPolicy) error {
	if r != nil && r.HeaderContentType != "" && !contentTypes[r.HeaderContentType] {
		return invalidParam("DeliveryPolicy: requestPolicy.headerContentType: %s is not supported", r.HeaderContentType)
	}
	return nil
}

// validateRetry applies AWS's ranges: numRetries 0–100, minDelayTarget
// 1..maxDelayTarget, maxDelayTarget ..3600, the phase counts within numRetries,
// and a total retry time of at most one hour.
func validateRetry(r *RetryPolicy, name string) error {
	if r == nil {
		return nil
	}
	if r.BackoffFunction == "" {
		r.BackoffFunction = "linear"
	}
	switch {
	case r.NumRetries < 0 || r.NumRetries > 100:
		return invalidParam("DeliveryPolicy: %s.numRetries must be between 0 and 100", name)
	case r.MinDelayTarget < 1:
		return invalidParam("DeliveryPolicy: %s.minDelayTarget must be greater than 0", name)
	case r.MaxDelayTarget < r.MinDelayTarget:
		return invalidParam("DeliveryPolicy: %s.maxDelayTarget must be greater than or equal to minDelayTarget", name)
	case r.MaxDelayTarget > 3600:
		return invalidParam("DeliveryPolicy: %s.maxDelayTarget must be less than or equal to 3600", name)
	case r.NumNoDelayRetries < 0 || r.NumMinDelayRetries < 0 || r.NumMaxDelayRetries < 0 ||
		r.NumNoDelayRetries > r.NumRetries || r.NumMinDelayRetries > r.NumRetries || r.NumMaxDelayRetries > r.NumRetries ||
		r.NumNoDelayRetries+r.NumMinDelayRetries+r.NumMaxDelayRetries > r.NumRetries: // each ≤ 100 first: the sum cannot overflow
		return invalidParam("DeliveryPolicy: %s: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries", name)
	}
	switch r.BackoffFunction {
	case "linear", "arithmetic", "geometric", "exponential":
	default:
		return invalidParam("DeliveryPolicy: %s.backoffFunction must be one of linear, arithmetic, geometric, exponential", name)
	}
	var total time.Duration
	for i := 1; i <= r.NumRetries; i++ {
		total += r.delay(i)
	}
	if total > time.Hour {
		return invalidParam("DeliveryPolicy: %s: total retry time must not exceed 3600 seconds", name)
	}
	return nil
}

// delay returns the wait before retry i (1-based): the no-delay phase, the
// minimum-delay phase, the backoff phase from minDelayTarget to maxDelayTarget
// shaped by backoffFunction, then the maximum-delay phase. AWS adds jitter; we
// do not, so schedules are exact.
func (r RetryPolicy) delay(i int) time.Duration {
	minD, maxD := float64(r.MinDelayTarget), float64(r.MaxDelayTarget)
	b := r.NumRetries - r.NumNoDelayRetries - r.NumMinDelayRetries - r.NumMaxDelayRetries
	sec := maxD
	switch {
	case i <= r.NumNoDelayRetries:
		sec = 0
	case i <= r.NumNoDelayRetries+r.NumMinDelayRetries:
		sec = minD
	case i <= r.NumNoDelayRetries+r.NumMinDelayRetries+b:
		k := float64(i - r.NumNoDelayRetries - r.NumMinDelayRetries)
		n := float64(b)
		var frac float64
		switch r.BackoffFunction {
		case "arithmetic":
			frac = (k * (k + 1) / 2) / (n * (n + 1) / 2)
		case "geometric":
			if minD > 0 {
				sec = minD * math.Pow(maxD/minD, (k-1)/math.Max(n-1, 1))
				return time.Duration(sec * float64(time.Second))
			}
		case "exponential":
			frac = (math.Pow(2, k) - 1) / (math.Pow(2, n) - 1)
		default: // linear
			frac = (k - 1) / math.Max(n-1, 1)
		}
		sec = minD + (maxD-minD)*frac
	}
	return time.Duration(sec * float64(time.Second))
}

// managedSchedule is AWS's retry policy for AWS-managed endpoints (SQS,
// Lambda): 3 immediate retries, 2 one second apart, 10 with exponential backoff
// from 1 to 20 seconds, then 100,000 twenty seconds apart.
func managedDelay(i int) (time.Duration, bool) {
	switch {
	case i <= 3:
		return 0, true
	case i <= 5:
		return time.Second, true
	case i <= 15:
		k := float64(i - 5)
		return time.Duration(math.Min(20, math.Pow(20, (k-1)/9)) * float64(time.Second)), true
	case i <= 100015:
		return 20 * time.Second, true
	}
	return 0, false
}

func (t *topic) effectiveDeliveryPolicy() string {
	type eff struct {
		HTTP struct {
			DefaultHealthyRetryPolicy    RetryPolicy     `json:"defaultHealthyRetryPolicy"`
			DisableSubscriptionOverrides bool            `json:"disableSubscriptionOverrides"`
			DefaultThrottlePolicy        *throttlePolicy `json:"defaultThrottlePolicy,omitempty"`
			DefaultRequestPolicy         requestPolicy   `json:"defaultRequestPolicy"`
		} `json:"http"`
	}
	var e eff
	e.HTTP.DefaultHealthyRetryPolicy = DefaultHTTPRetryPolicy
	e.HTTP.DefaultRequestPolicy.HeaderContentType = "text/plain; charset=UTF-8"
	if t.delivery != nil && t.delivery.HTTP != nil {
		h := t.delivery.HTTP
		if h.DefaultHealthyRetryPolicy != nil {
			e.HTTP.DefaultHealthyRetryPolicy = *h.DefaultHealthyRetryPolicy
		}
		e.HTTP.DisableSubscriptionOverrides = h.DisableSubscriptionOverrides
		e.HTTP.DefaultThrottlePolicy = h.DefaultThrottlePolicy
		if h.DefaultRequestPolicy != nil && h.DefaultRequestPolicy.HeaderContentType != "" {
			e.HTTP.DefaultRequestPolicy = *h.DefaultRequestPolicy
		}
	}
	b, _ := json.Marshal(e)
	return string(b)
}

// httpPolicy resolves the retry policy and content type for an HTTP/S
// subscription: the subscription's own policy unless the topic disables
// overrides, else the topic default, else AWS's default.
func (sub *subscription) httpPolicy(t *topic) (RetryPolicy, string) {
	rp, ct := DefaultHTTPRetryPolicy, "text/plain; charset=UTF-8"
	override := true
	if t != nil && t.delivery != nil && t.delivery.HTTP != nil {
		h := t.delivery.HTTP
		if h.DefaultHealthyRetryPolicy != nil {
			rp = *h.DefaultHealthyRetryPolicy
		}
		if h.DefaultRequestPolicy != nil && h.DefaultRequestPolicy.HeaderContentType != "" {
			ct = h.DefaultRequestPolicy.HeaderContentType
		}
		override = !h.DisableSubscriptionOverrides
	}
	if override && sub.delivery != nil {
		if sub.delivery.HealthyRetryPolicy != nil {
			rp = *sub.delivery.HealthyRetryPolicy
		}
		if sub.delivery.RequestPolicy != nil && sub.delivery.RequestPolicy.HeaderContentType != "" {
			ct = sub.delivery.RequestPolicy.HeaderContentType
		}
	}
	return rp, ct
}

func (sub *subscription) effectiveDeliveryPolicy(t *topic) string {
	rp, ct := sub.httpPolicy(t)
	e := struct {
		HealthyRetryPolicy RetryPolicy     `json:"healthyRetryPolicy"`
		SicklyRetryPolicy  any             `json:"sicklyRetryPolicy"`
		ThrottlePolicy     *throttlePolicy `json:"throttlePolicy"`
		RequestPolicy      requestPolicy   `json:"requestPolicy"`
		Guaranteed         bool            `json:"guaranteed"`
	}{HealthyRetryPolicy: rp, RequestPolicy: requestPolicy{HeaderContentType: ct}}
	if sub.delivery != nil {
		e.ThrottlePolicy = sub.delivery.ThrottlePolicy
	}
	b, _ := json.Marshal(e)
	return string(b)
}

// throttle returns the subscription's maxReceivesPerSecond (0: unthrottled),
// following the same override rule as the retry policy.
func (sub *subscription) throttle(t *topic) int {
	n := 0
	override := true
	if t != nil && t.delivery != nil && t.delivery.HTTP != nil {
		h := t.delivery.HTTP
		if h.DefaultThrottlePolicy != nil {
			n = h.DefaultThrottlePolicy.MaxReceivesPerSecond
		}
		override = !h.DisableSubscriptionOverrides
	}
	if override && sub.delivery != nil && sub.delivery.ThrottlePolicy != nil {
		n = sub.delivery.ThrottlePolicy.MaxReceivesPerSecond
	}
	return n
}
