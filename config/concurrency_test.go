package config

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentUse exercises every kind of operation from several goroutines
// (run with -race); the final state must still be consistent.
func TestConcurrentUse(t *testing.T) {
	h := newHarness(t).started(nil, nil)
	_, err := h.svc.PutConfigRule(h.ctx, managed("tags", "REQUIRED_TAGS", `{"tag1Key":"team"}`, nil))
	require.NoError(t, err)
	h.record(securityGroup("sg-shared"))
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				id := fmt.Sprintf("i-%d-%d", g, i%5)
				tags := map[string]string{"team": "web"}
				if i%3 == 0 {
					tags = nil
				}
				assert.NoError(t, h.svc.RecordResource(ctx, instance(id, "sg-shared", fmt.Sprintf("t%d", i), tags)))
				_, _ = h.svc.GetResourceConfigHistory(ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-shared"})
				_, _ = h.svc.Impact(ImpactInput{ResourceType: "AWS::EC2::Instance", ResourceID: id})
				_, _ = h.svc.DescribeComplianceByConfigRule(ctx, DescribeComplianceByConfigRuleInput{})
				if i%10 == 0 {
					_, _ = h.svc.DeliverConfigSnapshot(ctx, DeliverConfigSnapshotInput{"default"})
					_ = h.svc.RecordDeletion(ctx, ResourceKey{"AWS::EC2::Instance", id})
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 50 {
			h.clk.Advance(time.Minute)
		}
	}()
	wg.Wait()
	out, err := h.svc.GetResourceConfigHistory(ctx, GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: "sg-shared", Limit: Int32(1)})
	require.NoError(t, err)
	live := 0
	for g := range 4 {
		for i := range 5 {
			if ci, err := h.svc.ConfigurationItemAt(ResourceKey{"AWS::EC2::Instance", fmt.Sprintf("i-%d-%d", g, i)}, h.clk.Now()); err == nil && !isDeletion(ci.ConfigurationItemStatus) {
				live++
			}
		}
	}
	assert.Len(t, out.ConfigurationItems[0].Relationships, live, "the shared group relates to exactly the live instances")
}
