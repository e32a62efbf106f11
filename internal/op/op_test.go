package op_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/awserr"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
)

// nilCtx is a nil context: a nil ctx is part of Do's contract.
var nilCtx context.Context

type echoIn struct {
	Name  string
	Limit *int32
}

type fakeJournal struct {
	begun []string
	ended []error
	fail  error // what end returns: the disk failed
}

type nestedKey struct{}

func (j *fakeJournal) Begin(ctx context.Context, service, region, name string, readOnly bool, in any) (context.Context, func(error) error) {
	if ctx.Value(nestedKey{}) != nil {
		return ctx, nil
	}
	j.begun = append(j.begun, service+"/"+region+"/"+name)
	return context.WithValue(ctx, nestedKey{}, true), func(err error) error { j.ended = append(j.ended, err); return j.fail }
}

func newService(j op.Journal) (*op.Service, *[]event.APICall) {
	var b bus.Bus
	var got []event.APICall
	bus.Subscribe(&b, "t", func(_ context.Context, ev event.APICall) error { got = append(got, ev); return nil })
	s := &op.Service{}
	s.Init(op.Common{Bus: &b, Clock: clock.NewManual(time.Unix(0, 0)), IDs: ids.New(1), Journal: j}, "echo", "echo.amazonaws.com", "ServiceUnavailable")
	return s, &got
}

func echo(ctx context.Context, c *event.Call, in echoIn) (string, error) {
	if in.Name == "" {
		return "", awserr.New("ValidationException", "name is required")
	}
	return in.Name, nil
}

func TestDoRecordsOnceWithParamsFromTheInput(t *testing.T) {
	s, got := newService(nil)
	n := int32(0)
	out, err := op.Do(nilCtx, s, event.Call{Name: "Echo"}, echoIn{Name: "a", Limit: &n}, echo)
	if err != nil || out != "a" {
		t.Fatalf("Do = %q, %v", out, err)
	}
	if len(*got) != 1 {
		t.Fatalf("recorded %d calls, want 1", len(*got))
	}
	p := (*got)[0].RequestParameters.(map[string]any)
	if p["name"] != "a" || p["limit"] != int32(0) {
		t.Fatalf("requestParameters = %#v", p)
	}
}

func TestDoAfterCloseFailsWithoutRunningOrRecording(t *testing.T) {
	s, got := newService(nil)
	s.MarkClosed()
	_, err := op.Do(context.Background(), s, event.Call{Name: "Echo"}, echoIn{Name: "a"}, func(context.Context, *event.Call, echoIn) (string, error) {
		t.Fatal("core ran after Close")
		return "", nil
	})
	if awserr.Code(err) != "ServiceUnavailable" || len(*got) != 0 {
		t.Fatalf("err = %v, recorded %d", err, len(*got))
	}
}

func TestDoJournalsEveryCallOnceAndNotNestedOnes(t *testing.T) {
	j := &fakeJournal{}
	s, _ := newService(j)
	_, err := op.Do(context.Background(), s, event.Call{Name: "Outer"}, echoIn{Name: "a"}, func(ctx context.Context, c *event.Call, in echoIn) (string, error) {
		return op.Do(ctx, s, event.Call{Name: "Inner"}, in, echo)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = op.Do(context.Background(), s, event.Call{Name: "Bad"}, echoIn{}, echo)
	if len(j.begun) != 2 || j.begun[0] != "echo/us-east-1/Outer" || j.begun[1] != "echo/us-east-1/Bad" {
		t.Fatalf("begun = %v", j.begun)
	}
	if len(j.ended) != 2 || j.ended[0] != nil || !errors.Is(j.ended[1], err) {
		t.Fatalf("ended = %v", j.ended)
	}
}

func TestParamsLeavesOutWhatTheCallerDidNotSet(t *testing.T) {
	type inner struct{ Key, Value string }
	type in struct {
		Name    string `json:"logGroupName"`
		Secret  string `cloudtrail:"-"`
		Tags    []inner
		Empty   []inner
		When    time.Time
		Payload []byte
	}
	got := event.Params(in{Name: "g", Secret: "s", Tags: []inner{{Key: "k"}}, When: time.Unix(0, 0), Payload: []byte("x")})
	m := got.(map[string]any)
	if len(m) != 3 || m["logGroupName"] != "g" || m["when"] != "1970-01-01T00:00:00Z" {
		t.Fatalf("Params = %#v", m)
	}
	if tags := m["tags"].([]any); tags[0].(map[string]any)["key"] != "k" || len(tags[0].(map[string]any)) != 1 {
		t.Fatalf("tags = %#v", tags)
	}
	if event.Params(in{}) != nil {
		t.Fatal("an Input with nothing set must encode as nil")
	}
}

type replayingJournal struct {
	fakeJournal
	replaying bool
}

func (j *replayingJournal) Replaying() bool { return j.replaying }

func TestWithinCallMarksAContextOnce(t *testing.T) {
	ctx := context.Background()
	if op.WithinCallOf(ctx) {
		t.Fatal("a fresh context is within a call")
	}
	in := op.WithinCall(ctx)
	if !op.WithinCallOf(in) || op.WithinCall(in) != in {
		t.Fatal("WithinCall did not mark the context, or marked it twice")
	}
}

func TestReplayingAsksTheJournal(t *testing.T) {
	s, _ := newService(nil)
	if s.Replaying() {
		t.Fatal("a service without a journal replays")
	}
	j := &replayingJournal{}
	s2, _ := newService(j)
	if s2.Replaying() {
		t.Fatal("replaying before the journal says so")
	}
	j.replaying = true
	if !s2.Replaying() {
		t.Fatal("Replaying did not ask the journal")
	}
	s3, _ := newService(&fakeJournal{})
	if s3.Replaying() {
		t.Fatal("a journal without Replaying replays")
	}
}

// Acknowledged means durable: a change the journal could not write fails
// with the service's unavailable code (503); a call that failed anyway
// keeps its own error.
func TestDoFailsAChangeTheJournalCouldNotWrite(t *testing.T) {
	j := &fakeJournal{fail: errors.New("disk full")}
	s, _ := newService(j)
	_, err := op.Do(context.Background(), s, event.Call{Name: "Echo"}, echoIn{Name: "a"}, echo)
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != "ServiceUnavailable" || ae.HTTPStatus() != 503 || !strings.Contains(ae.Message, "disk full") {
		t.Fatalf("err = %v", err)
	}
	_, err = op.Do(context.Background(), s, event.Call{Name: "Echo"}, echoIn{}, echo)
	if awserr.Code(err) != "ValidationException" {
		t.Fatalf("a call that failed: err = %v", err)
	}
}
