package localwatch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"reflect"

	"github.com/localwatch/localwatch/bus"
	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/journal"
	"github.com/localwatch/localwatch/metrics"
	"github.com/localwatch/localwatch/objstore"
)

// openJournal replays the account's data directory into its services and
// starts journaling. A ManualClock behind the last record is moved to it
// (without running anything: the services' timers are on the journal's
// clock, disarmed until Start), so time goes on from where it stopped.
func (a *Account) openJournal(base Clock) error {
	j := a.journal
	if err := j.Replay(journal.MethodDispatch(a.service)); err != nil {
		return err
	}
	if m, ok := base.(*clock.Manual); ok {
		if last := j.Clock().Now(); last.After(m.Now()) {
			m.Set(last)
		}
	}
	return j.Start()
}

// service returns the service called name (the short name its operations
// are journaled under) of the Region, or nil.
func (a *Account) service(name, region string) any {
	st := a.Region(region)
	if st == nil {
		return nil
	}
	switch name {
	case "metrics":
		return st.Metrics
	case "alarms":
		return st.Alarms
	case "dashboards":
		return st.Dashboards
	case "logs":
		return st.Logs
	case "trail":
		return st.Trail
	case "config":
		return st.Config
	case "sns":
		return st.SNS
	case "insightrules":
		return st.InsightRules
	case publishService:
		return publishReplayer{a}
	}
	return nil
}

// publishService is the name events published with [Publish] are journaled
// under, each as the operation publishNames gives its type.
const publishService = "localwatch"

// publishNames are the event types [Publish] journals: those the services
// consume (whose effects are state).
var publishNames = map[reflect.Type]string{
	reflect.TypeFor[LogDelivery]():       "Publish:LogDelivery",
	reflect.TypeFor[Notification]():      "Publish:Notification",
	reflect.TypeFor[metrics.DataEvent](): "Publish:metrics.DataEvent",
}

// accountOf returns the account of an EventBus that is an account or a
// stack, else nil.
func accountOf(on EventBus) *Account {
	switch v := on.(type) {
	case *Account:
		return v
	case *Stack:
		return v.account
	}
	return nil
}

// publishReplayer replays the events [Publish] journaled.
type publishReplayer struct{ a *Account }

func (p publishReplayer) ReplayOp(ctx context.Context, name string, decode func(any) error) (bool, error) {
	switch name {
	case "Publish:LogDelivery":
		return true, replayPublish[LogDelivery](ctx, p.a, decode)
	case "Publish:Notification":
		return true, replayPublish[Notification](ctx, p.a, decode)
	case "Publish:metrics.DataEvent":
		return true, replayPublish[metrics.DataEvent](ctx, p.a, decode)
	}
	return false, nil
}

func replayPublish[T any](ctx context.Context, a *Account, decode func(any) error) error {
	var ev T
	if err := decode(&ev); err != nil {
		return err
	}
	_ = bus.Publish(ctx, a.Bus, ev) // its subscribers' errors were answered when it happened
	return nil
}

// replaying reports whether the account is replaying its data directory
// (while NewAccount runs): what is logged or delivered outside the process
// then happened already.
func (a *Account) replaying() bool { return a.journal != nil && a.journal.Replaying() }

// ErrNoDataDir is returned by [Account.Snapshot], [Account.Checkpoint] and
// [Restore] for an account without Options.DataDir.
var ErrNoDataDir = errors.New("localwatch: the account has no DataDir")

// Checkpoint writes a checkpoint of the account now (Close writes one too):
// the next open of its DataDir loads it and replays only the calls made
// after it, which bounds the replay after a crash. Calls and scheduled work
// wait while it is written (seconds for a day of one-second metrics). It
// needs Options.DataDir.
func (a *Account) Checkpoint() error {
	if a.journal == nil {
		return ErrNoDataDir
	}
	return a.journal.Checkpoint()
}

// Snapshot writes a consistent copy of the account's state to w: a tar
// stream of its data directory (the ID seed, the last checkpoint, the
// journal after it, and the CloudTrail and Config files in DataDir/objects),
// holding the calls made before it and none made after. Calls wait while it
// is written. Files in a Store of the user's own (Options.Store) are not
// copied. It needs Options.DataDir; [Restore] builds an account from the
// copy.
func (a *Account) Snapshot(w io.Writer) error {
	if a.journal == nil {
		return ErrNoDataDir
	}
	return a.journal.Snapshot(w)
}

// objectsDir is the directory under DataDir that holds the account's
// objects (CloudTrail and Config files) when it has no Store of its own.
const objectsDir = "objects"

// Restore builds an account from a copy written by [Account.Snapshot]: it
// unpacks the copy into opts.DataDir (which must be empty or not exist) and
// opens it with [NewAccount]. A test fixture or a bug report can carry a
// whole account this way.
func Restore(r io.Reader, opts Options) (*Account, error) {
	if opts.DataDir == "" {
		return nil, ErrNoDataDir
	}
	if err := journal.Restore(r, opts.DataDir, objectsDir); err != nil {
		return nil, err
	}
	return NewAccount(opts)
}

// replayStore is the services' store of an account with a DataDir: while the
// journal replays, a Put of an object that is already stored with the same
// bytes and metadata (every file written before the restart) is skipped.
type replayStore struct {
	objstore.Store
	j *journal.Journal
}

func (s replayStore) Put(ctx context.Context, obj objstore.Object) error {
	if s.j.Replaying() {
		if old, err := s.Store.Get(ctx, obj.Bucket, obj.Key); err == nil && bytes.Equal(old.Body, obj.Body) &&
			maps.Equal(old.Metadata, obj.Metadata) {
			return nil
		}
	}
	return s.Store.Put(ctx, obj)
}
