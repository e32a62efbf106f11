package localwatch_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/localwatch/localwatch"
)

// Issue 16: "a reflective one-field-bad mutator over every operation's
// input: every variant must answer a typed *localwatch.Error or succeed,
// never panic, never exceed 1 s, and never change state when it fails."
//
// TestOneFieldBadInputs enumerates the operations of every service by
// reflection (methods shaped (ctx, XInput) (*XOutput, error)), starts from
// the valid seed of each (seeds, in reliability_fixture_test.go) and changes
// one field at a time to a hostile value: empty, 1 MB, NUL, invalid UTF-8,
// NaN and ±Inf, negative and extreme integers, the years 1, 2300 and 9999,
// nil and huge slices and maps, values JSON cannot encode; and a nil
// context. FuzzOneFieldBadInputs lets the fuzzer pick the operation, the
// field and the value.

// knownFailures are the one-field-bad variants that fail today, keyed by
// operation and field path ("logs.PutLogEvents/LogEvents[0].Message"; "ctx"
// for a nil context; "seed" for the valid seed itself; a seed variant's
// "#name" is dropped), with the defect. A listed variant that fails is
// logged, not failed. The list is strict: a listed key whose variants all
// pass fails the test, so that it is emptied as fixes land (a listed field
// gets every hostile value at every scale, so this does not depend on the
// scale). Empty: every issue-16 defect the mutator found is fixed
// (PutAnomalyDetector's unencodable excluded ranges last; DeleteTrail's
// first digest now derives its key in ~0.1 s, not 0.3-0.8 s).
var knownFailures = map[string]string{}

// mutation is one hostile value for one field.
type mutation struct {
	label string
	set   func(v reflect.Value) // v is the addressable field
}

// step is one move from an input to one of its fields.
type step struct {
	field int  // struct field index, or -1
	index bool // element 0 of a slice
	deref bool // a pointer's target
}

// leaf is a field of an input that a variant changes.
type leaf struct {
	path  string
	steps []step
	typ   reflect.Type
	seed  reflect.Value // the field's value in the seed (may be invalid)
}

var timeType = reflect.TypeFor[time.Time]()

// allLeaves lists the fields of in (a seed input) that variants change:
// every field, pointer, slice and map, recursing into structs, pointers to
// structs (the pointer itself is a leaf too, for its nil variant) and the
// first element of slices.
func allLeaves(in reflect.Value) []leaf {
	var out []leaf
	var walk func(v reflect.Value, path string, steps []step)
	walk = func(v reflect.Value, path string, steps []step) {
		t := v.Type()
		if path != "" {
			out = append(out, leaf{path: path, steps: slices.Clone(steps), typ: t, seed: v})
		}
		if t == timeType {
			return
		}
		switch t.Kind() {
		case reflect.Struct:
			for i := range t.NumField() {
				if f := t.Field(i); f.IsExported() {
					walk(v.Field(i), strings.TrimPrefix(path+"."+f.Name, "."), append(slices.Clip(steps), step{field: i}))
				}
			}
		case reflect.Pointer:
			if !v.IsNil() && t.Elem().Kind() == reflect.Struct && t.Elem() != timeType {
				walk2 := append(slices.Clip(steps), step{field: -1, deref: true})
				e := v.Elem()
				for i := range e.NumField() {
					if f := e.Type().Field(i); f.IsExported() {
						walk(e.Field(i), path+"."+f.Name, append(slices.Clip(walk2), step{field: i}))
					}
				}
			}
		case reflect.Slice:
			if v.Len() > 0 && t.Elem().Kind() != reflect.Uint8 {
				walk(v.Index(0), path+"[0]", append(slices.Clip(steps), step{field: -1, index: true}))
			}
		}
	}
	walk(in, "", nil)
	return out
}

// at follows steps from the addressable input in to the field.
func at(in reflect.Value, steps []step) reflect.Value {
	v := in
	for _, s := range steps {
		switch {
		case s.deref:
			v = v.Elem()
		case s.index:
			v = v.Index(0)
		default:
			v = v.Field(s.field)
		}
	}
	return v
}

func hostileStrings(full bool) []string {
	if !full {
		return []string{"", hugeString, "\x00\xff"}
	}
	return []string{"", hugeString, "\x00", "\xff\xfe", "a\x00\x01b", " ", "../../x", "%s%n{{", strings.Repeat("é", 1<<18)}
}

func hostileInts(bits int, full bool) []int64 {
	hi := int64(1)<<(bits-1) - 1
	lo := -hi - 1
	if !full {
		return []int64{-1, hi}
	}
	return []int64{-1, 0, lo, hi, 1 << min(40, bits-2)}
}

func hostileFloats(full bool) []float64 {
	if !full {
		return []float64{math.NaN(), math.Inf(1)}
	}
	return []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1, 1e300, 5e-324, math.MaxFloat64}
}

func hostileTimes(full bool) []time.Time {
	if !full {
		return []time.Time{year1, year2300}
	}
	return []time.Time{{}, year1, year2300, year9999, time.Unix(-1<<40, 0).UTC()}
}

// scalarMutations are the hostile values of a non-pointer field of type t.
func scalarMutations(t reflect.Type, full bool) []mutation {
	var muts []mutation
	add := func(label string, set func(v reflect.Value)) { muts = append(muts, mutation{label, set}) }
	if t == timeType {
		for _, tm := range hostileTimes(full) {
			add("time "+tm.Format(time.RFC3339), func(v reflect.Value) { v.Set(reflect.ValueOf(tm)) })
		}
		return muts
	}
	switch t.Kind() {
	case reflect.String:
		for _, s := range hostileStrings(full) {
			add(describe(s), func(v reflect.Value) { v.SetString(s) })
		}
	case reflect.Bool:
		add("flipped", func(v reflect.Value) { v.SetBool(!v.Bool()) })
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		for _, n := range hostileInts(t.Bits(), full) {
			add(fmt.Sprint(n), func(v reflect.Value) { v.SetInt(n) })
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		add("max", func(v reflect.Value) { v.SetUint(math.MaxUint64 >> (64 - t.Bits())) })
	case reflect.Float32, reflect.Float64:
		for _, f := range hostileFloats(full) {
			add(fmt.Sprint(f), func(v reflect.Value) { v.SetFloat(f) })
		}
	case reflect.Interface:
		vals := []struct {
			label string
			v     any
		}{{"NaN", math.NaN()}, {"func", func() {}}, {"huge string", hugeString}, {"map with +Inf", map[string]any{"x": math.Inf(1)}}}
		if full {
			vals = append(vals, struct {
				label string
				v     any
			}{"channel", make(chan int)}, struct {
				label string
				v     any
			}{"invalid UTF-8", "\xff"}, struct {
				label string
				v     any
			}{"deep nesting", deep(10000)})
		}
		add("nil", func(v reflect.Value) { v.Set(reflect.Zero(t)) })
		for _, x := range vals {
			add(x.label, func(v reflect.Value) { v.Set(reflect.ValueOf(x.v)) })
		}
	}
	return muts
}

func deep(n int) any {
	var v any = "leaf"
	for range n {
		v = []any{v}
	}
	return v
}

// mutations are the hostile values of leaf l.
func mutations(l leaf, full bool) []mutation {
	t := l.typ
	var muts []mutation
	add := func(label string, set func(v reflect.Value)) { muts = append(muts, mutation{label, set}) }
	switch {
	case t == timeType:
		return scalarMutations(t, full)
	case t.Kind() == reflect.Pointer:
		add("nil", func(v reflect.Value) { v.Set(reflect.Zero(t)) })
		if t.Elem().Kind() == reflect.Struct && t.Elem() != timeType {
			add("empty struct", func(v reflect.Value) { v.Set(reflect.New(t.Elem())) })
			return muts
		}
		for _, m := range scalarMutations(t.Elem(), full) {
			add("&"+m.label, func(v reflect.Value) {
				p := reflect.New(t.Elem())
				if !v.IsNil() {
					p.Elem().Set(v.Elem())
				}
				m.set(p.Elem())
				v.Set(p)
			})
		}
	case t.Kind() == reflect.Slice:
		add("nil", func(v reflect.Value) { v.Set(reflect.Zero(t)) })
		n := 10_000
		if t.Elem().Kind() == reflect.Uint8 {
			add("1 MB", func(v reflect.Value) { v.SetBytes(make([]byte, 1<<20)) })
			return muts
		}
		add(fmt.Sprintf("%d elements", n), func(v reflect.Value) {
			s := reflect.MakeSlice(t, n, n)
			if v.Len() > 0 {
				for i := range n {
					s.Index(i).Set(v.Index(0))
				}
			}
			v.Set(s)
		})
		if full || l.seed.Len() == 0 {
			add("one zero element", func(v reflect.Value) { v.Set(reflect.MakeSlice(t, 1, 1)) })
		}
		if l.seed.Len() == 0 {
			// Nothing to recurse into: give the element kind's hostile values.
			for _, m := range scalarMutations(t.Elem(), full) {
				add("["+m.label+"]", func(v reflect.Value) {
					s := reflect.MakeSlice(t, 1, 1)
					m.set(s.Index(0))
					v.Set(s)
				})
			}
		}
	case t.Kind() == reflect.Map:
		add("nil", func(v reflect.Value) { v.Set(reflect.Zero(t)) })
		var firstKey, firstVal reflect.Value
		if l.seed.Len() > 0 {
			keys := l.seed.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			firstKey, firstVal = keys[0], l.seed.MapIndex(keys[0])
		} else {
			firstVal = reflect.Zero(t.Elem())
		}
		clone := func(v reflect.Value) reflect.Value {
			m := reflect.MakeMap(t)
			if !v.IsNil() {
				iter := v.MapRange()
				for iter.Next() {
					m.SetMapIndex(iter.Key(), iter.Value())
				}
			}
			return m
		}
		add("10000 entries", func(v reflect.Value) {
			m := clone(v)
			for i := range 10_000 {
				m.SetMapIndex(reflect.ValueOf(fmt.Sprintf("k%05d", i)).Convert(t.Key()), firstVal)
			}
			v.Set(m)
		})
		if t.Key().Kind() == reflect.String {
			for _, s := range hostileStrings(full) {
				add("key "+describe(s), func(v reflect.Value) {
					m := clone(v)
					m.SetMapIndex(reflect.ValueOf(s).Convert(t.Key()), firstVal)
					v.Set(m)
				})
			}
		}
		key := firstKey
		if !key.IsValid() {
			key = reflect.ValueOf("k").Convert(t.Key())
		}
		elem := t.Elem()
		switch elem.Kind() {
		case reflect.String:
			for _, s := range hostileStrings(full) {
				add("value "+describe(s), func(v reflect.Value) {
					m := clone(v)
					m.SetMapIndex(key, reflect.ValueOf(s).Convert(elem))
					v.Set(m)
				})
			}
		case reflect.Struct:
			add("zero value", func(v reflect.Value) {
				m := clone(v)
				m.SetMapIndex(key, reflect.Zero(elem))
				v.Set(m)
			})
			for i := range elem.NumField() {
				f := elem.Field(i)
				if !f.IsExported() {
					continue
				}
				for _, m := range mutations(leaf{typ: f.Type, seed: firstVal.Field(i)}, full) {
					add("value."+f.Name+" "+m.label, func(v reflect.Value) {
						mm := clone(v)
						x := reflect.New(elem).Elem()
						x.Set(firstVal)
						m.set(x.Field(i))
						mm.SetMapIndex(key, x)
						v.Set(mm)
					})
				}
			}
		case reflect.Interface:
			for _, m := range scalarMutations(elem, full) {
				add("value "+m.label, func(v reflect.Value) {
					mm := clone(v)
					x := reflect.New(elem).Elem()
					m.set(x)
					mm.SetMapIndex(key, x)
					v.Set(mm)
				})
			}
		}
	case t.Kind() == reflect.Struct:
		// Its fields are leaves of their own.
	default:
		return scalarMutations(t, full)
	}
	return muts
}

func describe(s string) string {
	switch {
	case s == "":
		return `""`
	case len(s) > 100:
		if utf8.ValidString(s) {
			return fmt.Sprintf("%d-byte string", len(s))
		}
		return fmt.Sprintf("%d-byte invalid UTF-8", len(s))
	default:
		return fmt.Sprintf("%q", s)
	}
}

// outcome is what one variant did wrong ("" when nothing).
type finding struct {
	key   string // op/field
	value string
	what  string
}

// timeLimit is the base of the liveness watchdogs (a call, an Advance or a
// snapshot that has not returned after ten times it is reported as hung),
// scaled for the race detector and for fuzzing. It is not a speed limit:
// unit tests make no timing assertions (the machines are noisy); the cost of
// large inputs is measured by the benchmarks.
func timeLimit() time.Duration {
	if raceEnabled {
		return 10 * time.Second
	}
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		return 5 * time.Second
	}
	return time.Second
}

// prober runs variants of one operation on a fixture, rebuilding the
// fixture when a variant wedged it.
type prober struct {
	t         testing.TB
	fx        *fixture
	before    string
	op        operation
	scheduled []string // panics of scheduled work, recovered by the clock
}

func newProber(t testing.TB, name string) *prober {
	p := &prober{t: t, op: operation{name: name}}
	p.reset()
	return p
}

// reset builds a fresh fixture and binds the operation to its stack.
func (p *prober) reset() {
	if p.fx != nil {
		p.fx.st.Close()
	}
	p.fx = newFixture(p.t)
	name := p.op.name
	p.op = operation{}
	for _, op := range operations(p.fx.st) {
		if op.name == name {
			p.op = op
		}
	}
	p.fx.clk.OnPanic(func(e *localwatch.PanicError) {
		p.scheduled = append(p.scheduled, fmt.Sprintf("%s panicked: %v", e.Job, e.Value))
	})
	p.before = p.fx.snapshot()
}

// run calls the operation with seed key's input changed by m (nil: the
// seed itself; l nil too and nilCtx: the zero input) and returns what went
// wrong, if anything. After a call that succeeded it moves the clock a
// minute, so that what the call stored is evaluated, delivered and swept
// (a stored poison alarm shows there).
func (p *prober) run(seedKey string, l *leaf, m *mutation, nilCtx bool) (what string, err error) {
	in := reflect.New(p.op.in).Elem()
	if !(m != nil && l == nil) {
		in.Set(reflect.ValueOf(seeds(p.fx)[seedKey]))
	}
	if m != nil && l != nil {
		m.set(at(in, l.steps))
	}
	ctx := context.Background()
	if nilCtx {
		ctx = nil
	}
	type result struct {
		err      error
		panicked any
	}
	done := make(chan result, 1)
	go func() {
		err, pv := p.op.call(ctx, in)
		done <- result{err, pv}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * timeLimit()): // a liveness watchdog, not a speed limit: no timing assertions in unit tests
		p.reset() // the call still runs, on a fixture nobody uses now
		return fmt.Sprintf("hung for more than %v", 10*timeLimit()), nil
	}
	switch {
	case r.panicked != nil:
		p.reset()
		return fmt.Sprintf("panic: %v", r.panicked), nil
	case r.err != nil && !isTyped(r.err):
		what = fmt.Sprintf("untyped error %T: %.200s", r.err, r.err)
	}
	if r.err == nil {
		p.scheduled = nil
		if !p.within(func() { p.fx.clk.Advance(time.Minute) }) {
			p.reset()
			return strings.TrimPrefix(what+"; ", "; ") + "the clock wedged afterwards (Advance did not return)", nil
		}
		if len(p.scheduled) > 0 {
			what = strings.TrimPrefix(what+"; ", "; ") + "accepted, then scheduled work " + strings.Join(p.scheduled, "; ")
		}
	}
	after, ok := p.snapshotWithin()
	if !ok {
		p.reset()
		return strings.TrimPrefix(what+"; ", "; ") + "stack wedged afterwards (a snapshot did not return)", r.err
	}
	if r.err == nil && strings.Count(after, unencodable) > strings.Count(p.before, unencodable) {
		i := strings.Index(after, unencodable)
		what = strings.TrimPrefix(what+"; ", "; ") + "accepted, and now an answer cannot be encoded: " + after[i:min(len(after), i+120)]
	}
	if r.err != nil && after != p.before {
		what = strings.TrimPrefix(what+"; ", "; ") + "rejected (" + shortErr(r.err) + ") but changed state: " + firstDiff(p.before, after)
	}
	p.before = after
	return what, r.err
}

func isTyped(err error) bool {
	var e *localwatch.Error
	return errors.As(err, &e)
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// within runs f unless it hangs (a lock left held by a panicking call).
func (p *prober) within(f func()) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		return true
	case <-time.After(10 * timeLimit()): // a liveness watchdog, not a speed limit: no timing assertions in unit tests
		return false
	}
}

// snapshotWithin snapshots the fixture unless a lock left held by a
// panicking call makes it hang.
func (p *prober) snapshotWithin() (string, bool) {
	done := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Sprintf("snapshot panicked: %v", r)
			}
		}()
		done <- p.fx.snapshot()
	}()
	select {
	case s := <-done:
		return s, true
	case <-time.After(10 * timeLimit()): // a liveness watchdog, not a speed limit: no timing assertions in unit tests
		return "", false
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			j := 0
			for j < len(x) && j < len(y) && x[j] == y[j] {
				j++
			}
			lo := max(0, j-60)
			return fmt.Sprintf("%.80s… was …%.120s… now …%.120s…", x, x[lo:], y[lo:])
		}
	}
	return "(no line differs)"
}

// seedsMayFail are seeds that fail on the fixture by design: they still
// exercise the operation's validation.
var seedsMayFail = map[string]bool{
	"sns.ConfirmSubscription":      true, // the token of a pending subscription only reaches its endpoint
	"config.DeleteDeliveryChannel": true, // AWS refuses to delete the channel of a running recorder
	// Resource policies attach to event data stores, dashboards and channels,
	// which this model does not have: the channel is never found.
	"trail.PutResourcePolicy":    true,
	"trail.GetResourcePolicy":    true,
	"trail.DeleteResourcePolicy": true,
	// The fixture's export task has finished (so that CreateExportTask is not
	// refused by the one-active-task limit), and a finished task cannot be
	// cancelled.
	"logs.CancelExportTask": true,
}

func opOf(seedKey string) string {
	op, _, _ := strings.Cut(seedKey, "#")
	return op
}

// TestOneFieldBadInputs runs the variants of every operation's seed. Its
// scale: with -short, one hostile value per field (taken in turn from the
// field kind's list, so that neighbouring fields get different ones);
// without, a few per field; with LOCALWATCH_RELIABILITY=full, every hostile
// value of every field (minutes).
func TestOneFieldBadInputs(t *testing.T) {
	if raceEnabled && testing.Short() {
		t.Skip("skipped with -race -short: the mutator calls one operation at a time, so the race detector finds nothing here and costs minutes (run without -race)")
	}
	full := os.Getenv("LOCALWATCH_RELIABILITY") == "full"
	one := testing.Short() && !full
	fx := newFixture(t)
	ops := operations(fx.st)
	all := seeds(fx)
	var keys []string
	for k := range all {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// An operation without a seed (one added since) fails the test (add a
	// seed to seeds to test it fully); meanwhile it gets the nil-context and
	// zero-input variants.
	var found, unseeded []finding
	for _, op := range ops {
		if _, ok := all[op.name]; ok {
			continue
		}
		t.Errorf("operation %s has no seed input: add one to seeds", op.name)
		p := newProber(t, op.name)
		if what, _ := p.run("", nil, &mutation{"nil context", func(reflect.Value) {}}, true); what != "" {
			unseeded = append(unseeded, finding{op.name + "/ctx", "nil context and the zero input", what})
		}
		if what, _ := p.run("", nil, &mutation{"zero input", func(reflect.Value) {}}, false); what != "" {
			unseeded = append(unseeded, finding{op.name + "/input", "the zero input", what})
		}
		p.fx.st.Close()
	}
	for _, f := range unseeded {
		t.Errorf("unseeded operation %s = %s: %s", f.key, f.value, f.what)
	}
	variants := 0
	for _, key := range keys {
		op := opOf(key)
		p := newProber(t, op)
		if !p.op.method.IsValid() {
			t.Errorf("seed %s names no operation", key)
			continue
		}
		if what, err := p.run(key, nil, nil, false); err != nil && !seedsMayFail[key] {
			t.Errorf("seed %s: %v", key, err)
			continue
		} else if what != "" {
			// Only timing or scheduled work can go wrong with a valid seed.
			found = append(found, finding{op + "/seed", "the seed", what})
		}
		p.reset()
		if what, _ := p.run(key, nil, nil, true); what != "" {
			found = append(found, finding{op + "/ctx", "nil context", what})
		}
		if what, _ := p.run(key, nil, &mutation{"nil context", func(reflect.Value) {}}, true); what != "" {
			found = append(found, finding{op + "/ctx", "nil context and the zero input", what})
		}
		in := reflect.New(p.op.in).Elem()
		in.Set(reflect.ValueOf(all[key]))
		for i, l := range allLeaves(in) {
			_, known := knownFailures[op+"/"+l.path]
			muts := mutations(l, full || known)
			if one && !known && len(muts) > 0 {
				muts = muts[i%len(muts) : i%len(muts)+1]
			}
			for _, m := range muts {
				variants++
				if what, _ := p.run(key, &l, &m, false); what != "" {
					found = append(found, finding{op + "/" + l.path, m.label, what})
				}
			}
		}
		p.fx.st.Close()
	}
	t.Logf("%d operations, %d seeds, %d variants", len(ops), len(keys), variants)
	failed := map[string]bool{}
	for _, f := range found {
		failed[f.key] = true
		if _, known := knownFailures[f.key]; known {
			t.Logf("known failure %s = %s: %s", f.key, f.value, f.what)
			continue
		}
		t.Errorf("%s = %s: %s", f.key, f.value, f.what)
	}
	for _, k := range slices.Sorted(maps.Keys(knownFailures)) {
		if !failed[k] {
			t.Errorf("known failure %s (%s) no longer fails: remove it from knownFailures", k, knownFailures[k])
		}
	}
}

// FuzzOneFieldBadInputs lets the fuzzer choose the seed, the field and the
// value: a string field takes s, an integer n, a float x, a time n seconds
// from the epoch, a bool n's low bit, a slice or map n%20000 elements; a nil
// context when n is 0 and x is 0.
func FuzzOneFieldBadInputs(f *testing.F) {
	f.Add(uint16(0), uint16(0), "", int64(0), 0.0)
	f.Add(uint16(3), uint16(1), "\x00", int64(-1), math.NaN())
	f.Add(uint16(40), uint16(2), "a%{1,1000}b", int64(math.MaxInt64), math.Inf(1))
	f.Add(uint16(77), uint16(5), "\xff", int64(1<<40), -1.0)
	fx := newFixture(f)
	all := seeds(fx)
	var keys []string
	for k := range all {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fx.st.Close()
	f.Fuzz(func(t *testing.T, seedIdx, leafIdx uint16, s string, n int64, x float64) {
		key := keys[int(seedIdx)%len(keys)]
		p := newProber(t, opOf(key))
		defer p.fx.st.Close()
		in := reflect.New(p.op.in).Elem()
		in.Set(reflect.ValueOf(seeds(p.fx)[key]))
		ls := allLeaves(in)
		if len(ls) == 0 || (n == 0 && x == 0) {
			if what, _ := p.run(key, nil, nil, true); what != "" {
				report(t, finding{opOf(key) + "/ctx", "nil context", what})
			}
			return
		}
		l := ls[int(leafIdx)%len(ls)]
		m := fuzzMutation(l.typ, s, n, x)
		if m == nil {
			return
		}
		if what, _ := p.run(key, &l, m, false); what != "" {
			report(t, finding{opOf(key) + "/" + l.path, m.label, what})
		}
	})
}

func report(t *testing.T, f finding) {
	if _, known := knownFailures[f.key]; known {
		t.Skipf("known failure %s = %s: %s", f.key, f.value, f.what)
	}
	t.Errorf("%s = %s: %s", f.key, f.value, f.what)
}

// fuzzMutation sets a field of type t from the fuzzer's values.
func fuzzMutation(t reflect.Type, s string, n int64, x float64) *mutation {
	label := fmt.Sprintf("s=%s n=%d x=%g", describe(s), n, x)
	switch {
	case t == timeType:
		return &mutation{label, func(v reflect.Value) { v.Set(reflect.ValueOf(time.Unix(n, 0).UTC())) }}
	case t.Kind() == reflect.Pointer:
		inner := fuzzMutation(t.Elem(), s, n, x)
		if inner == nil || t.Elem().Kind() == reflect.Struct && t.Elem() != timeType {
			return &mutation{"nil", func(v reflect.Value) { v.Set(reflect.Zero(t)) }}
		}
		return &mutation{"&" + label, func(v reflect.Value) {
			p := reflect.New(t.Elem())
			inner.set(p.Elem())
			v.Set(p)
		}}
	case t.Kind() == reflect.Slice:
		count := int(uint64(n) % 20000)
		if t.Elem().Kind() == reflect.Uint8 {
			return &mutation{label, func(v reflect.Value) { v.SetBytes([]byte(s)) }}
		}
		inner := fuzzMutation(t.Elem(), s, n, x)
		return &mutation{fmt.Sprintf("%d elements of %s", count, label), func(v reflect.Value) {
			sl := reflect.MakeSlice(t, count, count)
			for i := range count {
				if v.Len() > 0 {
					sl.Index(i).Set(v.Index(0))
				}
				if inner != nil && i == 0 {
					inner.set(sl.Index(0))
				}
			}
			v.Set(sl)
		}}
	case t.Kind() == reflect.Map:
		count := int(uint64(n) % 20000)
		return &mutation{fmt.Sprintf("%d entries keyed like %s", count, describe(s)), func(v reflect.Value) {
			m := reflect.MakeMap(t)
			for i := range count {
				k := reflect.New(t.Key()).Elem()
				if k.Kind() == reflect.String {
					k.SetString(fmt.Sprintf("%s%d", s, i))
				}
				e := reflect.New(t.Elem()).Elem()
				if e.Kind() == reflect.String {
					e.SetString(s)
				}
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}}
	}
	switch t.Kind() {
	case reflect.String:
		return &mutation{describe(s), func(v reflect.Value) { v.SetString(s) }}
	case reflect.Bool:
		return &mutation{fmt.Sprint(n&1 == 1), func(v reflect.Value) { v.SetBool(n&1 == 1) }}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &mutation{fmt.Sprint(n), func(v reflect.Value) {
			if v.OverflowInt(n) {
				v.SetInt(n >> (64 - t.Bits()))
				return
			}
			v.SetInt(n)
		}}
	case reflect.Float32, reflect.Float64:
		return &mutation{fmt.Sprint(x), func(v reflect.Value) { v.SetFloat(x) }}
	case reflect.Interface:
		return &mutation{fmt.Sprintf("any(%g)", x), func(v reflect.Value) { v.Set(reflect.ValueOf(x)) }}
	}
	return nil
}
