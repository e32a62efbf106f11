package config

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
)

const benchResources = 10000

func benchService(b *testing.B) (*Service, *clock.Manual, []ResourceConfig) {
	clk := clock.NewManual(t0)
	s := New(Options{Clock: clk, IDs: ids.New(1)})
	b.Cleanup(s.Close)
	ctx := context.Background()
	if _, err := s.PutConfigurationRecorder(ctx, PutConfigurationRecorderInput{ConfigurationRecorder{RoleARN: testRole}}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.PutDeliveryChannel(ctx, PutDeliveryChannelInput{DeliveryChannel{S3BucketName: "bkt"}}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.StartConfigurationRecorder(ctx, StartConfigurationRecorderInput{"default"}); err != nil {
		b.Fatal(err)
	}
	rcs := make([]ResourceConfig, benchResources)
	for i := range rcs {
		id := "i-" + strconv.Itoa(i)
		rcs[i] = ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: id, ARN: "arn:aws:ec2:us-east-1:123456789012:instance/" + id,
			AvailabilityZone: "us-east-1a", Tags: map[string]string{"team": "web"}}
	}
	return s, clk, rcs
}

// record makes change n: resource n%10000 gets configuration version n/10000,
// one change per millisecond of clock time.
func benchRecord(b *testing.B, s *Service, clk *clock.Manual, rcs []ResourceConfig, n int) {
	rc := rcs[n%len(rcs)]
	rc.Configuration = `{"instanceType":"t2.micro","state":{"name":"running"},"version":` + strconv.Itoa(n/len(rcs)) + `}`
	if err := s.RecordResource(context.Background(), rc); err != nil {
		b.Fatal(err)
	}
	clk.Advance(time.Millisecond)
}

// BenchmarkRecordChange records configuration changes round-robin over 10,000
// resources (each op is one change producing one item); ns/op × 1e6 is the
// time to record 1 M changes.
func BenchmarkRecordChange(b *testing.B) {
	s, clk, rcs := benchService(b)
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		benchRecord(b, s, clk, rcs, n)
	}
}

// loaded1M is a service holding 1 M items over 10,000 resources (built once).
var loaded1M struct {
	s   *Service
	end time.Time
}

func load1M(b *testing.B) (*Service, time.Time) {
	if loaded1M.s == nil {
		s, clk, rcs := benchService(b)
		b.Cleanup(func() {}) // the service outlives this benchmark on purpose
		for n := range 1_000_000 {
			benchRecord(b, s, clk, rcs, n)
		}
		loaded1M.s, loaded1M.end = s, clk.Now()
	}
	return loaded1M.s, loaded1M.end
}

// BenchmarkPointInTime looks up a resource's configuration at a random past
// instant among 1 M items (100 per resource).
func BenchmarkPointInTime(b *testing.B) {
	if testing.Short() {
		b.Skip("builds 1 M items")
	}
	s, end := load1M(b)
	span := end.Sub(t0)
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		k := ResourceKey{"AWS::EC2::Instance", "i-" + strconv.Itoa(n*7919%benchResources)}
		at := t0.Add(time.Duration(uint64(n)*2654435761%uint64(span)) + span/2)
		if at.After(end) {
			at = end
		}
		if _, err := s.ConfigurationItemAt(k, at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistoryPage reads a full page (100 items) of a resource's history
// among 1 M items.
func BenchmarkHistoryPage(b *testing.B) {
	if testing.Short() {
		b.Skip("builds 1 M items")
	}
	s, _ := load1M(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		out, err := s.GetResourceConfigHistory(ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Instance", ResourceID: fmt.Sprintf("i-%d", n%benchResources), Limit: Int32(100)})
		if err != nil || len(out.ConfigurationItems) != 100 {
			b.Fatal(err, len(out.ConfigurationItems))
		}
	}
}

// BenchmarkRecordChangeWithRuleAndNotifications records changes with a
// REQUIRED_TAGS rule active and subscribers for ChangeEvent and the SNS
// notifications: the full per-change pipeline (diff, two JSON messages, rule
// evaluation).
func BenchmarkRecordChangeWithRuleAndNotifications(b *testing.B) {
	clk := clock.NewManual(t0)
	bs := &bus.Bus{}
	bus.Subscribe(bs, "sink", func(context.Context, event.Notification) error { return nil })
	bus.Subscribe(bs, "sink", func(context.Context, ChangeEvent) error { return nil })
	s := New(Options{Clock: clk, Bus: bs, IDs: ids.New(1)})
	b.Cleanup(s.Close)
	ctx := context.Background()
	_, _ = s.PutConfigurationRecorder(ctx, PutConfigurationRecorderInput{ConfigurationRecorder{RoleARN: testRole}})
	_, _ = s.PutDeliveryChannel(ctx, PutDeliveryChannelInput{DeliveryChannel{S3BucketName: "bkt", SNSTopicARN: testTopic}})
	_, _ = s.StartConfigurationRecorder(ctx, StartConfigurationRecorderInput{"default"})
	if _, err := s.PutConfigRule(ctx, PutConfigRuleInput{ConfigRule{ConfigRuleName: "tags", InputParameters: `{"tag1Key":"team"}`,
		Source: &Source{Owner: OwnerAWS, SourceIdentifier: "REQUIRED_TAGS"}}}); err != nil {
		b.Fatal(err)
	}
	rcs := make([]ResourceConfig, 1000)
	for i := range rcs {
		id := "i-" + strconv.Itoa(i)
		rcs[i] = ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: id, Tags: map[string]string{"team": "web"}}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		benchRecord(b, s, clk, rcs, n)
	}
}
