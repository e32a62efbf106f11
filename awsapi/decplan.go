package awsapi

import (
	"reflect"
	"sync"
	"time"
	"unsafe"
)

// A decode plan is what the request decoders need of one Go type, computed
// once and cached: the kind of decoding it takes (so a value's type is not
// re-examined per value), its structPlan and the plans of its fields and
// elements. The decoders then write straight into the Input's fields with
// reflect.Value.Field by index, with no intermediate tree.

type decKind uint8

const (
	decUnsupported decKind = iota
	decCustom              // a type with its own UnmarshalJSON
	decAny                 // an empty interface: a document member
	decPointer
	decTime
	decStruct
	decBytes
	decSlice
	decMap
	decString
	decBool
	decInt
	decUint
	decFloat
)

type decPlan struct {
	kind   decKind
	typ    reflect.Type
	plan   *structPlan // decStruct
	fields []*decPlan  // decStruct: parallel to plan.fields
	// offs: decStruct, each field's offset in the struct, or noOffset
	// when it is reached through an embedded pointer (memdec.go).
	offs []uintptr
	elem *decPlan // decPointer, decSlice, decMap
	// slab is how many pointees of a decPointer are allocated at once
	// (0: one by one), so that a thousand *float64 Values cost a handful of
	// allocations; only small pointees are batched. slabID indexes the
	// decoder's slabs.
	slab, slabID int
	// scratchID indexes the decoder's scratch lists (decSlice).
	scratchID int
	// marshal: the type has its own MarshalJSON (the encoders then take
	// their generic road).
	marshal bool
}

var (
	decPlans   sync.Map   // reflect.Type -> *decPlan
	decPlanMu  sync.Mutex // serializes building, so recursive types resolve
	slabIDs    int        // under decPlanMu
	scratchIDs int        // under decPlanMu
)

func decPlanFor(t reflect.Type) *decPlan {
	if p, ok := decPlans.Load(t); ok {
		return p.(*decPlan)
	}
	decPlanMu.Lock()
	defer decPlanMu.Unlock()
	building := map[reflect.Type]*decPlan{}
	p := buildDecPlan(t, building)
	for t, bp := range building {
		decPlans.LoadOrStore(t, bp)
	}
	actual, _ := decPlans.Load(t)
	_ = p
	return actual.(*decPlan)
}

func buildDecPlan(t reflect.Type, building map[reflect.Type]*decPlan) *decPlan {
	if p, ok := decPlans.Load(t); ok {
		return p.(*decPlan)
	}
	if p, ok := building[t]; ok {
		return p
	}
	p := &decPlan{typ: t}
	building[t] = p
	if k := t.Kind(); k == reflect.Struct || k == reflect.Slice || k == reflect.Map {
		p.marshal = customFor(t).marshal
	}
	k := t.Kind()
	if (k == reflect.Struct || k == reflect.Slice || k == reflect.Map) && customFor(t).unmarshal {
		p.kind = decCustom
		return p
	}
	switch k {
	case reflect.Interface:
		if t.NumMethod() == 0 {
			p.kind = decAny
		}
	case reflect.Pointer:
		p.kind = decPointer
		p.elem = buildDecPlan(t.Elem(), building)
		if sz := t.Elem().Size(); sz > 0 && sz <= 128 {
			p.slab = int(1024 / sz)
			p.slabID = slabIDs
			slabIDs++
		}
	case reflect.Struct:
		if t == timeType {
			p.kind = decTime
			break
		}
		p.kind = decStruct
		p.plan = planFor(t)
		p.fields = make([]*decPlan, len(p.plan.fields))
		p.offs = make([]uintptr, len(p.plan.fields))
		for i := range p.plan.fields {
			p.fields[i] = buildDecPlan(p.plan.fields[i].typ, building)
			p.offs[i] = fieldOffset(t, p.plan.fields[i].index)
		}
	case reflect.Slice:
		if t == bytesType {
			p.kind = decBytes
			break
		}
		p.kind = decSlice
		p.elem = buildDecPlan(t.Elem(), building)
		p.scratchID = scratchIDs
		scratchIDs++
	case reflect.Map:
		p.kind = decMap
		p.elem = buildDecPlan(t.Elem(), building)
	case reflect.String:
		p.kind = decString
	case reflect.Bool:
		p.kind = decBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.kind = decInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		p.kind = decUint
	case reflect.Float32, reflect.Float64:
		p.kind = decFloat
	}
	return p
}

// fieldOffset returns the offset of the field at index (a path through
// embedded structs) in t, or noOffset when the path goes through a pointer.
func fieldOffset(t reflect.Type, index []int) uintptr {
	var off uintptr
	for i, x := range index {
		if i > 0 {
			if t.Kind() != reflect.Struct {
				return noOffset
			}
		}
		f := t.Field(x)
		off += f.Offset
		t = f.Type
	}
	return off
}

// setTime stores t into v (a settable time.Time) without boxing it.
func setTime(v reflect.Value, t time.Time) {
	*v.Addr().Interface().(*time.Time) = t
}

// decScratch is a decoder's reusable state, pooled across requests: the
// string intern table and the pointee slabs.
type decScratch struct {
	strs   [256]string
	slabs  []slab        // by decPlan.slabID
	splats []listScratch // by decPlan.scratchID
	arenas []listArena   // by decPlan.scratchID (memdec.go)
}

// listScratch is where a list of unknown length (CBOR's indefinite-length
// arrays, as smithy-go writes every list) is decoded before it is copied,
// at its size, into the Input: growing the Input's slice item by item would
// allocate and copy it over and over. It is cleared after each use.
type listScratch struct {
	buf  reflect.Value // a slice of the list's type, len == cap
	busy bool          // in use by an enclosing list of the same type
}

// listScratch returns p's scratch list, or nil when it is busy.
func (s *decScratch) listScratch(p *decPlan) *listScratch {
	for len(s.splats) <= p.scratchID {
		s.splats = append(s.splats, listScratch{})
	}
	ls := &s.splats[p.scratchID]
	if ls.busy {
		return nil
	}
	if !ls.buf.IsValid() {
		ls.buf = reflect.MakeSlice(p.typ, 8, 8)
	}
	ls.busy = true
	return ls
}

// item returns the scratch's item i, growing the scratch as needed.
func (ls *listScratch) item(i int) reflect.Value {
	if i == ls.buf.Len() {
		b := reflect.MakeSlice(ls.buf.Type(), 2*i, 2*i)
		reflect.Copy(b, ls.buf)
		ls.buf.Clear()
		ls.buf = b
	}
	return ls.buf.Index(i)
}

// done copies the n first items into v, a settable slice (as a new slice
// of length n, non-nil even when empty), when v is valid, and
// clears the scratch for the next use.
func (ls *listScratch) done(v reflect.Value, n int) {
	if v.IsValid() {
		growSlice(v, n)
		reflect.Copy(v, ls.buf)
	}
	n = min(n, ls.buf.Len())
	if n > 16 {
		ls.buf.Slice(0, n).Clear() // one clear (and one small allocation)
	} else {
		for i := range n {
			ls.buf.Index(i).SetZero()
		}
	}
	if ls.buf.Len() > 1<<14 {
		ls.buf = reflect.Value{} // a rare long list: do not keep it
	}
	ls.busy = false
}

type slab struct {
	s    reflect.Value  // a slice of the pointee type (newPointee)
	base unsafe.Pointer // or its first element (newPointeeAt)
	next int
}

var (
	scratchPool = sync.Pool{New: func() any { return new(decScratch) }}
)

// intern returns b as a string, shared with an earlier equal string when
// one is in the table: a request repeats its metric names, dimension names
// and values, and units over and over. Only short strings are interned; the
// table keeps at most 256 of them.
func (s *decScratch) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 32 {
		return string(b)
	}
	// A cheap hash of the length and a few bytes: a collision only costs
	// an allocation.
	n := len(b)
	h := (uint(n)*131 + uint(b[0])*31 + uint(b[n-1])*7 + uint(b[n/2])*17 + uint(b[(n-1)/3])) & 255
	if x := s.strs[h]; x == string(b) {
		return x
	}
	x := string(b)
	s.strs[h] = x
	return x
}

// newPointee returns a pointer to a fresh zero value for a decPointer plan:
// from a slab when the pointee is small. Each element is handed out once.
func (s *decScratch) newPointee(p *decPlan) reflect.Value {
	if p.slab == 0 {
		return reflect.New(p.typ.Elem())
	}
	for len(s.slabs) <= p.slabID {
		s.slabs = append(s.slabs, slab{})
	}
	sl := &s.slabs[p.slabID]
	if !sl.s.IsValid() || sl.next == sl.s.Len() {
		sl.s = reflect.MakeSlice(reflect.SliceOf(p.typ.Elem()), p.slab, p.slab)
		sl.base = nil
		sl.next = 0
	}
	v := sl.s.Index(sl.next).Addr()
	sl.next++
	return v
}

// growSlice sets v (a settable slice) to n zero elements.
func growSlice(v reflect.Value, n int) {
	if !v.IsNil() {
		v.SetZero()
	}
	if n == 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return
	}
	v.Grow(n)
	v.SetLen(n)
}
