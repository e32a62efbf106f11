package sns

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
			start, cpu := time.Now(), processCPU()
			for i := 0; i < b.N; i++ {
				if _, err := f.s.Publish(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			el := time.Since(start)
			// CPU time is steadier than wall time on a shared machine.
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
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

// BenchmarkPublishHTTP measures Publish to a topic with 10 HTTP
// subscriptions on 10 local endpoints, each publish settled (all 10 POSTs
// made and their results applied): the delivery pipeline end to end.
// BenchmarkPublishHTTP/queue-only measures what the caller pays: Publish
// returns once the 10 POSTs are queued (drained every 1,000 publishes,
// outside the timer).
func BenchmarkPublishHTTP(b *testing.B) {
	setup := func(b *testing.B) (*fixture, string) {
		f := newFixture(b, func(o *Options) { o.Bus = nil })
		a := f.topic(b, "bench", nil)
		for range 10 {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }))
			b.Cleanup(srv.Close)
			sub := f.subscribe(b, a, "http", srv.URL, nil)
			f.s.locked(func() { f.s.subs[sub].pending = false; f.s.subs[sub].topic.targets = nil })
		}
		f.settle(b)
		return f, a
	}
	ctx := context.Background()
	in := func(a string) PublishInput { return PublishInput{TopicArn: a, Message: "order placed"} }
	b.Run("settled", func(b *testing.B) {
		f, a := setup(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.s.Publish(ctx, in(a)); err != nil {
				b.Fatal(err)
			}
			if err := f.s.Settle(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("queue-only", func(b *testing.B) {
		f, a := setup(b)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			if _, err := f.s.Publish(ctx, in(a)); err != nil {
				b.Fatal(err)
			}
			if n++; n%1000 == 0 {
				b.StopTimer()
				_ = f.s.Settle(ctx)
				b.StartTimer()
			}
		}
	})
}
