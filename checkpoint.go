package localwatch

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/fxamacker/cbor/v2"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/journal"
	"github.com/localwatch/localwatch/internal/op"
)

// An account with a DataDir writes a checkpoint of its whole state when it
// closes (internal/journal), which the next open loads instead of replaying
// the calls before it. The state is the services' (each saves its own:
// op.StateHooks), trail's account-wide state, the ID source's position and
// the clock's pending timers, written as:
//
//	uvarint length, CBOR stateHead
//	for each of stateHead.Keys, in order: the service's state as chunks
//	  (uvarint length, bytes), ended by an empty chunk
//
// A checkpoint is written only when every service of the account can save
// its state; otherwise the journal is replayed whole on the next open.

// stateVersion is the version of the layout above.
const stateVersion = 1

// stateHead opens an account's checkpoint.
type stateHead struct {
	Version int
	IDs     []byte             // the ID source's position
	Clock   clock.VirtualState // the services' clock: its time and pending timers
	Keys    []op.StateKey      // the states that follow, in order
}

// trailSharedKey names trail's account-wide state (trail.Shared), loaded
// before the Regions' services.
var trailSharedKey = op.StateKey{Name: "trail-shared"}

// stateKeys returns the keys the account's checkpoint must hold.
func (a *Account) stateKeys() []op.StateKey {
	keys := []op.StateKey{trailSharedKey}
	for _, st := range a.stacks {
		for _, name := range []string{"trail", "metrics", "sns", "alarms", "logs", "dashboards", "config", "insightrules"} { // as newStack builds them
			keys = append(keys, op.StateKey{Name: name, Region: st.Region})
		}
	}
	return keys
}

// saveState writes the account's checkpoint (journal.Options.SaveState).
func (a *Account) saveState(w io.Writer) error {
	have := a.states.Keys()
	// In the account's order (trail's shared state, then each Region in
	// Options.Regions order), which is the order the services were built
	// in: loaded in it, timers of the same name and due time in several
	// Regions take back their places in it.
	keys := a.stateKeys()
	for _, k := range keys {
		if !slices.Contains(have, k) {
			return journal.ErrNoCheckpoint
		}
	}
	pos, err := a.ids.MarshalBinary()
	if err != nil {
		return err
	}
	head, err := cbor.Marshal(stateHead{Version: stateVersion, IDs: pos, Clock: a.journal.Clock().State(), Keys: keys})
	if err != nil {
		return err
	}
	if _, err := w.Write(binary.AppendUvarint(nil, uint64(len(head)))); err != nil {
		return err
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	for _, k := range keys {
		h, err := a.states.Hooks(k)
		if err != nil {
			return err
		}
		cw := &chunkWriter{w: w, buf: make([]byte, 0, 64<<10)}
		if err := h.Save(cw); err != nil {
			return fmt.Errorf("saving the state of %s in %q: %w", k.Name, k.Region, err)
		}
		if err := cw.close(); err != nil {
			return err
		}
	}
	return nil
}

// loadState loads a checkpoint into the account's services, just built
// (journal.Options.LoadState).
func (a *Account) loadState(r io.Reader) (err error) {
	br := bufio.NewReaderSize(r, 1<<20)
	n, err := binary.ReadUvarint(br)
	if err != nil || n > 1<<30 {
		return fmt.Errorf("reading the checkpoint's head: %v", cmpErr(err, "too long"))
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(br, hb); err != nil {
		return err
	}
	var head stateHead
	if err := cbor.Unmarshal(hb, &head); err != nil {
		return fmt.Errorf("reading the checkpoint's head: %w", err)
	}
	if head.Version != stateVersion {
		return fmt.Errorf("the checkpoint has layout version %d, this localwatch reads %d", head.Version, stateVersion)
	}
	for _, k := range a.stateKeys() {
		if !slices.Contains(head.Keys, k) {
			return fmt.Errorf("the checkpoint has no state for %s in %q", k.Name, k.Region)
		}
	}
	if err := a.ids.UnmarshalBinary(head.IDs); err != nil {
		return err
	}
	clk := a.journal.Clock()
	clk.BeginRestore(head.Clock)
	// Ended even when a Load fails or panics: the clock must not stay held
	// in restore mode.
	defer func() {
		if endErr := clk.EndRestore(); err == nil {
			err = endErr
		}
	}()
	return a.loadServices(br, head.Keys)
}

// loadServices loads the states of keys, in order, from br.
func (a *Account) loadServices(br *bufio.Reader, keys []op.StateKey) error {
	for _, k := range keys {
		h, err := a.states.Hooks(k)
		if err != nil {
			return fmt.Errorf("the checkpoint has state for %s in %q, which this account does not have", k.Name, k.Region)
		}
		cr := &chunkReader{r: br}
		if err := h.Load(cr); err != nil {
			return fmt.Errorf("loading the state of %s in %q: %w", k.Name, k.Region, err)
		}
		if err := cr.drain(); err != nil {
			return fmt.Errorf("reading the state of %s in %q: %w", k.Name, k.Region, err)
		}
	}
	return nil
}

func cmpErr(err error, otherwise string) string {
	if err != nil {
		return err.Error()
	}
	return otherwise
}

// chunkWriter frames what a service saves as chunks (see saveState).
type chunkWriter struct {
	w   io.Writer
	buf []byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), cap(c.buf)-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == cap(c.buf) {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	if _, err := c.w.Write(binary.AppendUvarint(nil, uint64(len(c.buf)))); err != nil {
		return err
	}
	_, err := c.w.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

func (c *chunkWriter) close() error {
	if err := c.flush(); err != nil {
		return err
	}
	_, err := c.w.Write([]byte{0})
	return err
}

// chunkReader reads one state's chunks (see saveState) and ends at its empty
// chunk.
type chunkReader struct {
	r    *bufio.Reader
	left uint64 // bytes left in the current chunk
	done bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for c.left == 0 {
		if c.done {
			return 0, io.EOF
		}
		n, err := binary.ReadUvarint(c.r)
		if err != nil {
			return 0, io.ErrUnexpectedEOF
		}
		if n == 0 {
			c.done = true
			return 0, io.EOF
		}
		c.left = n
	}
	p = p[:min(uint64(len(p)), c.left)]
	n, err := c.r.Read(p)
	c.left -= uint64(n)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// drain reads what the service's Load left of its state.
func (c *chunkReader) drain() error {
	_, err := io.Copy(io.Discard, c)
	return err
}
