package dashboards

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/localwatch/localwatch/internal/op"
)

// Checkpoints (op.StateHooks): saveState writes the service's whole state,
// loadState puts it into a service just built by New with the same Options.
//
// The stream is one version byte (checkpointVersion), then one CBOR value
// (ckState) and nothing after it. What every field of the service's state
// structs becomes:
//
// Service
//
//	op: set by New from the Options (clock, IDs, Region, account, bus,
//	  journal, recorder, closed flag): not state; the shared ID source and
//	  the clock are restored by the account itself
//	source: the MetricDataSource from the Options: not state
//	mu: a lock: not state
//	boards: saved, every dashboard, in name order (ckBoard)
//
// dashboard: name, body, modified: saved (modified as Unix seconds and
// nanoseconds, restored in UTC as the clocks give it).
//
// The service arms no timers and subscribes to nothing, so there is nothing
// to re-arm or rebuild.

// checkpointVersion is the first byte of a checkpoint of this service.
const checkpointVersion byte = 1

type ckState struct {
	Boards []ckBoard
}

type ckBoard struct {
	Name     string
	Body     string
	ModSec   int64 // modified: Unix seconds
	ModNanos int64 // modified: nanoseconds within the second
}

func ckErr(format string, args ...any) error {
	return fmt.Errorf("dashboards checkpoint: "+format, args...)
}

// saveState writes the service's whole state to w (op.StateHooks.Save).
func (s *Service) saveState(w io.Writer) error {
	s.mu.Lock()
	names := make([]string, 0, len(s.boards))
	for n := range s.boards {
		names = append(names, n)
	}
	slices.Sort(names)
	st := ckState{Boards: make([]ckBoard, 0, len(names))}
	for _, n := range names {
		d := s.boards[n]
		st.Boards = append(st.Boards, ckBoard{Name: d.name, Body: d.body, ModSec: d.modified.Unix(), ModNanos: int64(d.modified.Nanosecond())})
	}
	s.mu.Unlock()
	if err := op.WriteState(w, checkpointVersion, nil, &st); err != nil {
		return ckErr("%v", err)
	}
	return nil
}

// loadState replaces the service's state with the one saveState wrote
// (op.StateHooks.Load). On an error the service is left unchanged.
func (s *Service) loadState(r io.Reader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = ckErr("%v", p)
		}
	}()
	var st ckState
	if err := op.ReadState(r, checkpointVersion, op.StrictStateDecMode, &st); err != nil {
		return ckErr("%v", err)
	}
	boards := make(map[string]*dashboard, len(st.Boards))
	for i, b := range st.Boards {
		if err := validateName("DashboardName", b.Name); err != nil {
			return ckErr("dashboard %d: %v", i, err)
		}
		if _, dup := boards[b.Name]; dup {
			return ckErr("dashboard %q is there twice", b.Name)
		}
		if b.Body == "" {
			return ckErr("dashboard %q has no body", b.Name)
		}
		if b.ModNanos < 0 || b.ModNanos >= int64(time.Second) {
			return ckErr("dashboard %q: nanoseconds %d out of range", b.Name, b.ModNanos)
		}
		boards[b.Name] = &dashboard{name: b.Name, body: b.Body, modified: time.Unix(b.ModSec, b.ModNanos).UTC()}
	}
	s.mu.Lock()
	s.boards = boards
	s.mu.Unlock()
	return nil
}
