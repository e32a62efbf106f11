package localwatch

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/alarms"
	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWiringMatchesTheBus keeps wiring.go honest: the subscribers an account
// puts on its bus are exactly those routes lists, in delivery order.
func TestWiringMatchesTheBus(t *testing.T) {
	regions := []string{"us-east-1", "eu-west-1"}
	a, err := NewAccount(Options{Regions: regions, Clock: clock.NewManual(time.Unix(0, 0)),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	defer a.Close()

	want := map[reflect.Type][]string{}
	seen := map[reflect.Type]bool{}
	for _, r := range routes {
		require.False(t, seen[r.Event], "%v is listed twice", r.Event)
		seen[r.Event] = true
		assert.NotEmpty(t, r.Flow, "%v", r.Event)
		assert.NotEmpty(t, r.Publishers, "%v", r.Event)
		names := append([]string(nil), r.PerAccount...)
		for _, region := range regions {
			for _, n := range r.PerRegion {
				names = append(names, strings.ReplaceAll(n, "<region>", region))
			}
		}
		if len(names) > 0 {
			want[r.Event] = names
		}
	}
	assert.Equal(t, want, a.Bus.Subscribers())
}

// An event published under an interface type reaches no subscriber of its
// concrete type: the bus says so loudly instead of dropping it.
func TestPublishUnderAnInterfaceTypePanics(t *testing.T) {
	st := New(Options{Clock: clock.NewManual(time.Unix(0, 0))})
	defer st.Close()
	var got []alarms.StateChange
	Subscribe(st, "test", func(_ context.Context, c alarms.StateChange) error { got = append(got, c); return nil })

	var ev any = alarms.StateChange{AlarmName: "cpu"}
	var ie *bus.InterfaceEventError
	func() {
		defer func() {
			err, _ := recover().(error)
			require.ErrorAs(t, err, &ie)
		}()
		_ = Publish(context.Background(), st, ev)
	}()
	assert.Contains(t, ie.Error(), "alarms.StateChange")
	assert.Empty(t, got)

	require.NoError(t, Publish(context.Background(), st, ev.(alarms.StateChange)))
	assert.Len(t, got, 1)
}

// A bus handler that makes the mistake is reported like any handler that
// panicked: at Warn to the stack's Logger.
func TestInterfacePublishInAHandlerIsLoggedAtWarn(t *testing.T) {
	var logged bytes.Buffer
	st := New(Options{Clock: clock.NewManual(time.Unix(0, 0)),
		Logger: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	defer st.Close()
	Subscribe(st, "forwarder", func(ctx context.Context, n Notification) error {
		var ev any = LogDelivery{LogGroupName: n.Subject}
		return Publish(ctx, st, ev)
	})
	err := Publish(context.Background(), st, Notification{TopicARN: "arn:aws:sns:us-east-1:123456789012:none", Subject: "g"})
	var ie *bus.InterfaceEventError
	require.ErrorAs(t, err, &ie)
	assert.Contains(t, logged.String(), "level=WARN")
	assert.Contains(t, logged.String(), "forwarder")
	assert.Contains(t, logged.String(), "reaches no subscriber")
}
