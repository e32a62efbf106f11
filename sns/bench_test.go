package sns

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/localwatch/localwatch/sns/filterpolicy"
)

// benchTopic makes a topic with n subscriptions, each with an attribute filter
// policy; a message with customer c7 and amount 30 matches n/100 of them
// (about half of those pass the numeric condition).
func benchTopic(b *testing.B, n int, protocol string) (*fixture, string) {
	f := newFixture(b, func(o *Options) { o.MaxFilterPoliciesPerTopic = n; o.MaxFilterPoliciesPerAccount = n; o.Bus = nil })
	a := f.topic(b, "bench", nil)
	fn := f.s.RegisterFunction("sink", func(context.Context, LambdaEvent) error { return nil })
	for i := range n {
		policy := fmt.Sprintf(`{"customer":["c%d","vip"],"amount":[{"numeric":[">=",%d]}],"region":[{"anything-but":{"prefix":"cn-"}}]}`, i%100, i%50)
		endpoint := fn + fmt.Sprint(":", i) // qualified ARNs: distinct endpoints, one function
		attrs := map[string]string{"FilterPolicy": policy}
		if protocol == ProtocolSQS {
			endpoint = f.queue(b, fmt.Sprint("q", i)).ARN()
			attrs["RawMessageDelivery"] = "true"
		}
		f.subscribe(b, a, protocol, endpoint, attrs)
	}
	return f, a
}

// BenchmarkPublish1000FilteredSubscriptions measures Publish to a topic with
// 1,000 filtered subscriptions: msgs/s is publishes per second, ns/match the
// cost per subscription of the whole fan-out divided evenly (policy matching
// dominates; ~10 deliveries per message).
func BenchmarkPublish1000FilteredSubscriptions(b *testing.B) {
	for _, protocol := range []string{ProtocolSQS, ProtocolLambda} {
		b.Run(protocol, func(b *testing.B) {
			const n = 1000
			f, a := benchTopic(b, n, protocol)
			in := PublishInput{TopicArn: a, Message: "order placed", MessageAttributes: map[string]MessageAttributeValue{
				"customer": {DataType: "String", StringValue: "c7"},
				"amount":   {DataType: "Number", StringValue: "30"},
				"region":   {DataType: "String", StringValue: "eu-west-1"},
			}}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := f.s.Publish(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			el := time.Since(start)
			b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
			b.ReportMetric(float64(el.Nanoseconds())/float64(b.N*n), "ns/sub")
		})
	}
}

// BenchmarkPolicyMatch measures one compiled policy against one flattened
// message, the inner loop of the fan-out.
func BenchmarkPolicyMatch(b *testing.B) {
	p := filterpolicy.MustCompile(`{"customer":["c7","vip"],"amount":[{"numeric":[">=",20]}],"region":[{"anything-but":{"prefix":"cn-"}}]}`, "")
	msg := filterpolicy.FromAttributes(map[string]filterpolicy.Attribute{
		"customer": {DataType: "String", StringValue: "c7"},
		"amount":   {DataType: "Number", StringValue: "30"},
		"region":   {DataType: "String", StringValue: "eu-west-1"},
	})
	b.ReportAllocs()
	for b.Loop() {
		if !p.Matches(msg) {
			b.Fatal("no match")
		}
	}
}
