package config

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
)

// BenchmarkPutResourceConfigCall records custom resource changes through the
// public PutResourceConfig (the funnel: Close check, the CloudTrail record
// built for a subscriber on the bus), round-robin over 10,000 resources.
func BenchmarkPutResourceConfigCall(b *testing.B) {
	clk := clock.NewManual(t0)
	bs := &bus.Bus{}
	n := 0
	bus.Subscribe(bs, "trail", func(_ context.Context, c event.APICall) error { n++; return nil })
	s := New(Options{Clock: clk, Bus: bs, IDs: ids.New(1)})
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
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		in := PutResourceConfigInput{ResourceType: "MyCorp::App::Thing", SchemaVersionID: "v1", ResourceID: "t-" + strconv.Itoa(i%10000),
			Configuration: `{"version":` + strconv.Itoa(i/10000) + `}`}
		if _, err := s.PutResourceConfig(ctx, in); err != nil {
			b.Fatal(err)
		}
		clk.Advance(time.Millisecond)
	}
}
