package op

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/fxamacker/cbor/v2"
)

// StateHooks are a service's checkpoint functions. A checkpoint is a
// snapshot of an account's whole state, taken when no call or timer runs,
// that an account opening its data directory loads instead of replaying the
// calls made before it (see internal/journal).
type StateHooks struct {
	// Save writes the service's whole state to w: everything any later
	// call, timer or read could observe (resources, data, history,
	// counters, pending work), not what is rebuilt (caches, bus
	// subscriptions, the Go functions the user registers). It runs with
	// the account's order held: no call or timer of any service runs, and
	// the clock stands still.
	Save func(w io.Writer) error
	// Load replaces the state of a service just built (by New with the
	// options of the saved one, and after Options.Setup registered the
	// user's functions) with the state Save wrote, and arms its pending
	// timers again. Every timer pending at Save must be armed again at the
	// same due time under a name unique among the service's pending
	// timers (clock.AfterFuncNamed, clock.EveryNamed): the clock gives it
	// back its place among timers due at the same instant by that name.
	// Timers the service armed when it was built are discarded by the
	// clock before Load runs (their handles are dead: replace them). Load
	// must reject data it cannot read with an error, never panic.
	Load func(r io.Reader) error
}

// States collects the StateHooks of an account's services, by service
// name and Region. Safe for concurrent use.
type States struct {
	mu    sync.Mutex
	hooks map[StateKey]StateHooks
}

// StateKey names one service of an account: its short name ("metrics") and
// Region ("" for account-wide state).
type StateKey struct{ Name, Region string }

// Add registers h under k, replacing what was there.
func (s *States) Add(k StateKey, h StateHooks) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hooks == nil {
		s.hooks = map[StateKey]StateHooks{}
	}
	s.hooks[k] = h
}

// Keys returns the registered keys in a fixed order (by Region, then name).
func (s *States) Keys() []StateKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]StateKey, 0, len(s.hooks))
	for k := range s.hooks {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Region != keys[j].Region {
			return keys[i].Region < keys[j].Region
		}
		return keys[i].Name < keys[j].Name
	})
	return keys
}

// Hooks returns the hooks registered under k.
func (s *States) Hooks(k StateKey) (StateHooks, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.hooks[k]
	if !ok {
		return StateHooks{}, fmt.Errorf("no checkpoint hooks for %s in %q", k.Name, k.Region)
	}
	return h, nil
}

// SetStateHooks registers the service's checkpoint hooks with the account
// (Common.States) under the service's name and Region; without one it does
// nothing. Call it in New, after Init.
func (s *Service) SetStateHooks(h StateHooks) {
	if s.States != nil {
		s.States.Add(StateKey{s.Name, s.Region}, h)
	}
}

// WriteState writes v as the state envelope most services use: a version
// byte, then v encoded as one CBOR value with enc (nil: CBOR's defaults).
// ReadState reads it back.
func WriteState(w io.Writer, version byte, enc cbor.EncMode, v any) error {
	var b []byte
	var err error
	if enc == nil {
		b, err = cbor.Marshal(v)
	} else {
		b, err = enc.Marshal(v)
	}
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte{version}); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// StateDecMode decodes a checkpoint's state: arrays and maps as long as
// the data holds (a state holds whatever the service held), nesting up to
// 64 levels.
var StateDecMode = mustDecMode(cbor.DecOptions{
	MaxArrayElements: 1<<31 - 1,
	MaxMapPairs:      1<<31 - 1,
	MaxNestedLevels:  64,
})

// StrictStateDecMode decodes a checkpoint's state like StateDecMode but
// refuses fields its target does not have, and keeps the default nesting
// limit.
var StrictStateDecMode = mustDecMode(cbor.DecOptions{
	MaxArrayElements:  1<<31 - 1,
	MaxMapPairs:       1<<31 - 1,
	ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
})

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic("op: " + err.Error())
	}
	return m
}

// ReadState reads what WriteState wrote into v, decoding with dec: it
// refuses an empty stream, another version and data after the value.
func ReadState(r io.Reader, version byte, dec cbor.DecMode, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading: %w", err)
	}
	if len(data) == 0 {
		return errors.New("empty")
	}
	if data[0] != version {
		return fmt.Errorf("version %d, not %d", data[0], version)
	}
	return dec.Unmarshal(data[1:], v) // refuses trailing data
}
