package config

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)

const (
	testRole  = "arn:aws:iam::123456789012:role/config-role"
	testTopic = "arn:aws:sns:us-east-1:123456789012:config-topic"
)

type harness struct {
	t       *testing.T
	clk     *clock.Manual
	bus     *bus.Bus
	svc     *Service
	notes   []event.Notification
	changes []ChangeEvent
	calls   []event.APICall
	ctx     context.Context
	mu      sync.Mutex // guards the collected events under concurrent use
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, clk: clock.NewManual(t0), bus: &bus.Bus{}, ctx: context.Background()}
	bus.Subscribe(h.bus, "notes", func(_ context.Context, n event.Notification) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.notes = append(h.notes, n)
		return nil
	})
	bus.Subscribe(h.bus, "changes", func(_ context.Context, c ChangeEvent) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.changes = append(h.changes, c)
		return nil
	})
	bus.Subscribe(h.bus, "calls", func(_ context.Context, c event.APICall) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.calls = append(h.calls, c)
		return nil
	})
	h.svc = New(Options{Clock: h.clk, Bus: h.bus, IDs: ids.New(7)})
	t.Cleanup(h.svc.Close)
	return h
}

// started sets up the default recorder and channel and starts recording.
func (h *harness) started(group *RecordingGroup, mode *RecordingMode) *harness {
	h.t.Helper()
	_, err := h.svc.PutConfigurationRecorder(h.ctx, PutConfigurationRecorderInput{ConfigurationRecorder{Name: "default", RoleARN: testRole, RecordingGroup: group, RecordingMode: mode}})
	require.NoError(h.t, err)
	_, err = h.svc.PutDeliveryChannel(h.ctx, PutDeliveryChannelInput{DeliveryChannel{Name: "default", S3BucketName: "config-bucket", SNSTopicARN: testTopic}})
	require.NoError(h.t, err)
	_, err = h.svc.StartConfigurationRecorder(h.ctx, StartConfigurationRecorderInput{"default"})
	require.NoError(h.t, err)
	return h
}

func (h *harness) record(rc ResourceConfig) {
	h.t.Helper()
	require.NoError(h.t, h.svc.RecordResource(h.ctx, rc))
}

func (h *harness) history(typ, id string) []ConfigurationItem {
	h.t.Helper()
	out, err := h.svc.GetResourceConfigHistory(h.ctx, GetResourceConfigHistoryInput{ResourceType: typ, ResourceID: id, ChronologicalOrder: Forward, Limit: Int32(100)})
	require.NoError(h.t, err)
	return out.ConfigurationItems
}

func (h *harness) notesOfType(mt string) []event.Notification {
	var out []event.Notification
	for _, n := range h.notes {
		var m struct {
			MessageType string `json:"messageType"`
		}
		if json.Unmarshal([]byte(n.Message), &m) == nil && m.MessageType == mt {
			out = append(out, n)
		}
	}
	return out
}

func instance(id, sg, typ string, tags map[string]string) ResourceConfig {
	return ResourceConfig{
		ResourceType: "AWS::EC2::Instance", ResourceID: id, AvailabilityZone: "us-east-1a",
		ARN:           "arn:aws:ec2:us-east-1:123456789012:instance/" + id,
		Configuration: map[string]any{"instanceId": id, "instanceType": typ, "securityGroups": []any{map[string]any{"groupId": sg}}},
		Tags:          tags,
		Relationships: []ResourceRelationship{{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: sg, RelationshipName: "Is associated with SecurityGroup"}},
	}
}

func securityGroup(id string) ResourceConfig {
	return ResourceConfig{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: id, ARN: "arn:aws:ec2:us-east-1:123456789012:security-group/" + id,
		Configuration: map[string]any{"groupId": id}}
}

// second returns the error of an operation's (output, error) pair.
func second[T any](_ T, err error) error { return err }
