package dashboards

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/require"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/internal/op"
)

// ckService is one side of a checkpoint test: a service with its clock, ID
// source and hooks (as the account registers them).
type ckService struct {
	clk   *clock.Manual
	ids   *ids.Source
	d     *Service
	hooks op.StateHooks
}

func newCkService(t *testing.T, start time.Time) *ckService {
	t.Helper()
	c := &ckService{clk: clock.NewManual(start), ids: ids.New(7)}
	states := &op.States{}
	c.d = New(Options{Clock: c.clk, IDs: c.ids, Bus: &bus.Bus{}, Region: "eu-west-1", AccountID: "111122223333", States: states})
	t.Cleanup(c.d.Close)
	h, err := states.Hooks(op.StateKey{Name: "dashboards", Region: "eu-west-1"})
	require.NoError(t, err)
	c.hooks = h
	return c
}

// ckView is every answer a read gives.
type ckView struct {
	All, Prefixed []DashboardEntry
	Gets          []*GetDashboardOutput
	Missing       string
}

func (c *ckService) view(t *testing.T) ckView {
	t.Helper()
	var v ckView
	for e, err := range c.d.ListDashboardsAll(ctx, ListDashboardsInput{}) {
		require.NoError(t, err)
		v.All = append(v.All, e)
	}
	l, err := c.d.ListDashboards(ctx, ListDashboardsInput{DashboardNamePrefix: "team-"})
	require.NoError(t, err)
	v.Prefixed = l.DashboardEntries
	for _, e := range v.All {
		g, err := c.d.GetDashboard(ctx, GetDashboardInput{DashboardName: e.DashboardName})
		require.NoError(t, err)
		v.Gets = append(v.Gets, g)
	}
	_, err = c.d.GetDashboard(ctx, GetDashboardInput{DashboardName: "gone"})
	require.Error(t, err)
	v.Missing = err.Error()
	return v
}

func ckBody(title string) string {
	return `{"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
	  "properties": {"metrics": [["Shop/EC2", "CPUUtilization", "InstanceId", "i-a"]], "region": "eu-west-1", "title": "` + title + `"}},
	  {"type": "text", "x": 12, "y": 0, "width": 12, "height": 6, "properties": {"markdown": "# ` + title + `"}}]}`
}

func TestCheckpointRestoresEveryDashboard(t *testing.T) {
	a := newCkService(t, t0)
	for i, name := range []string{"ops-main", "team-1", "team-2", "gone", "team-3"} {
		_, err := a.d.PutDashboard(ctx, PutDashboardInput{DashboardName: name, DashboardBody: ckBody(fmt.Sprint(name, i))})
		require.NoError(t, err)
		a.clk.Advance(1500*time.Millisecond + 7*time.Nanosecond) // nanoseconds in LastModified
	}
	_, err := a.d.PutDashboard(ctx, PutDashboardInput{DashboardName: "team-1", DashboardBody: ckBody("replaced")})
	require.NoError(t, err)
	_, err = a.d.DeleteDashboards(ctx, DeleteDashboardsInput{DashboardNames: []string{"gone"}})
	require.NoError(t, err)
	a.clk.Advance(time.Minute)

	var buf bytes.Buffer
	require.NoError(t, a.hooks.Save(&buf))
	saved := bytes.Clone(buf.Bytes())

	b := newCkService(t, t0)
	pos, err := a.ids.MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, b.ids.UnmarshalBinary(pos))
	b.clk.Set(a.clk.Now())
	require.NoError(t, b.hooks.Load(bytes.NewReader(saved)))

	va := a.view(t)
	require.Len(t, va.All, 4)
	require.Equal(t, va, b.view(t))

	// A second save of the loaded service writes the same bytes.
	var again bytes.Buffer
	require.NoError(t, b.hooks.Save(&again))
	require.Equal(t, saved, again.Bytes())

	// The same further calls on both give the same answers.
	for _, c := range []*ckService{a, b} {
		c.clk.Advance(3 * time.Second)
		_, err := c.d.PutDashboard(ctx, PutDashboardInput{DashboardName: "team-4", DashboardBody: ckBody("new")})
		require.NoError(t, err)
		_, err = c.d.DeleteDashboards(ctx, DeleteDashboardsInput{DashboardNames: []string{"team-2"}})
		require.NoError(t, err)
		_, err = c.d.DeleteDashboards(ctx, DeleteDashboardsInput{DashboardNames: []string{"team-2"}})
		require.Error(t, err)
	}
	require.Equal(t, a.view(t), b.view(t))
	pa, _ := a.ids.MarshalBinary()
	pb, _ := b.ids.MarshalBinary()
	require.Equal(t, pa, pb, "the ID sources drew the same")
}

func TestCheckpointOfNoDashboards(t *testing.T) {
	a := newCkService(t, t0)
	var buf bytes.Buffer
	require.NoError(t, a.hooks.Save(&buf))
	b := newCkService(t, t0)
	require.NoError(t, b.hooks.Load(&buf))
	require.Equal(t, a.view(t), b.view(t))
}

func TestCheckpointLoadRejectsBadData(t *testing.T) {
	a := newCkService(t, t0)
	for _, name := range []string{"x", "y"} {
		_, err := a.d.PutDashboard(ctx, PutDashboardInput{DashboardName: name, DashboardBody: ckBody(name)})
		require.NoError(t, err)
	}
	var buf bytes.Buffer
	require.NoError(t, a.hooks.Save(&buf))
	good := buf.Bytes()

	bad := map[string][]byte{
		"empty":         nil,
		"wrong version": append([]byte{99}, good[1:]...),
		"garbage":       []byte("\x01not cbor at all"),
		"trailing data": append(bytes.Clone(good), 0x00),
		"not a state":   {checkpointVersion, 0x01},
	}
	for n := 1; n < len(good); n += 1 + len(good)/40 {
		bad[fmt.Sprintf("truncated at %d", n)] = good[:n]
	}
	for name, data := range bad {
		t.Run(name, func(t *testing.T) {
			b := newCkService(t, t0)
			require.Error(t, b.hooks.Load(bytes.NewReader(data)))
			require.Empty(t, b.view(t).All, "a failed load changes nothing")
		})
	}
	// Well-formed CBOR that is not a valid state.
	for name, st := range map[string]ckState{
		"a bad name":     {Boards: []ckBoard{{Name: "a b", Body: "{}"}}},
		"a duplicate":    {Boards: []ckBoard{{Name: "a", Body: "{}"}, {Name: "a", Body: "{}"}}},
		"no body":        {Boards: []ckBoard{{Name: "a"}}},
		"bad nanosecond": {Boards: []ckBoard{{Name: "a", Body: "{}", ModNanos: int64(time.Second)}}},
	} {
		t.Run(name, func(t *testing.T) {
			var w bytes.Buffer
			w.WriteByte(checkpointVersion)
			require.NoError(t, cbor.NewEncoder(&w).Encode(st))
			b := newCkService(t, t0)
			require.Error(t, b.hooks.Load(&w))
		})
	}
}
