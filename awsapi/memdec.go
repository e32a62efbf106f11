package awsapi

import (
	"reflect"
	"unsafe"
)

// The decoders' direct road: a decPlan also holds, for each struct field
// reached without an embedded pointer, its offset in the struct, so the
// one-pass readers write a member straight to its memory (a string, a
// float64, a time.Time, a pointer, a slice header) instead of going through
// reflect.Value's Field, Set and Index with their flag checks. What they
// write is typed Go memory: strings and pointers are stored through typed
// pointers (the compiler's write barriers apply), and every allocation is
// made by reflect with the element type, so the garbage collector sees the
// pointers in it. The plans are computed from the types at run time, so a
// field that becomes a pointer, or a new member, needs no regeneration.
//
// Lists are decoded into arenas: per list type, one allocation of many
// elements, from which each list takes the run of elements it decoded into
// (with cap == len, so an append by the caller copies instead of
// overwriting its neighbour). A request with a thousand datums of two
// dimensions each then allocates its dimension lists a few times, not a
// thousand times. An element is handed out once: arenas are never reused,
// only continued, so nothing a decoded Input holds is shared with another.

// noOffset marks a struct field reached through an embedded pointer: the
// direct road takes it through reflect.
const noOffset = ^uintptr(0)

// sliceHeader is the memory layout of a Go slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// listArena is where a list type's elements are allocated.
type listArena struct {
	base unsafe.Pointer // element 0 of an array of n elements
	n    int
	next int  // the first element not handed out
	hint int  // the length of the last list, to size the next arena
	busy bool // a list of this type is being decoded (a nested list of its own type then takes the reflect road)
}

// arenaBytes is an arena's usual size; a longer list gets an arena of its
// own length.
const arenaBytes = 16 << 10

// arena returns p's list arena, marked busy, or nil when it is busy.
func (s *decScratch) arena(p *decPlan) *listArena {
	for len(s.arenas) <= p.scratchID {
		s.arenas = append(s.arenas, listArena{})
	}
	a := &s.arenas[p.scratchID]
	if a.busy {
		return nil
	}
	a.busy = true
	if a.base == nil || a.n-a.next < max(a.hint, 1) {
		a.alloc(p, max(a.hint, 1), 0)
	}
	return a
}

// alloc gives a a new array of at least want elements of p's element type,
// moving the moved elements from a.next on into it (a list being decoded).
func (a *listArena) alloc(p *decPlan, want, moved int) {
	size := p.elem.typ.Size()
	n := want
	if size > 0 {
		n = max(want, int(arenaBytes/size))
	}
	n = max(n, 8)
	fresh := reflect.MakeSlice(p.typ, n, n)
	if moved > 0 {
		old := a.slice(p, a.next, moved)
		reflect.Copy(fresh, old)
	}
	a.base = fresh.UnsafePointer()
	a.n = n
	a.next = 0
}

// slice returns a's elements [i, i+n) as a Value of p's slice type.
func (a *listArena) slice(p *decPlan, i, n int) reflect.Value {
	h := sliceHeader{data: a.at(p, i), len: n, cap: n}
	return reflect.NewAt(p.typ, unsafe.Pointer(&h)).Elem()
}

// at returns element i of a.
func (a *listArena) at(p *decPlan, i int) unsafe.Pointer {
	return unsafe.Add(a.base, uintptr(i)*p.elem.typ.Size())
}

// item returns element a.next+i, for item i of the list being decoded,
// moving the list to a bigger arena when it does not fit.
func (a *listArena) item(p *decPlan, i int) unsafe.Pointer {
	if a.next+i >= a.n {
		a.alloc(p, 2*(i+1), i)
	}
	return a.at(p, a.next+i)
}

// finish stores the list's n items as the slice at dst (non-nil, even
// when empty) and hands them out; used is how many elements were written
// (n, or one more when an item failed).
func (a *listArena) finish(p *decPlan, dst unsafe.Pointer, n, used int) {
	if dst != nil {
		if n == 0 {
			reflect.NewAt(p.typ, dst).Elem().Set(reflect.MakeSlice(p.typ, 0, 0))
		} else {
			*(*sliceHeader)(dst) = sliceHeader{data: a.at(p, a.next), len: n, cap: n}
		}
	}
	a.next += used
	if used > 0 {
		a.hint = min(used, 1<<16)
	}
	a.busy = false
}

// newPointeeAt is newPointee's direct road: the address of a fresh zero
// pointee for a decPointer plan.
func (s *decScratch) newPointeeAt(p *decPlan) unsafe.Pointer {
	if p.slab == 0 {
		return reflect.New(p.typ.Elem()).UnsafePointer()
	}
	for len(s.slabs) <= p.slabID {
		s.slabs = append(s.slabs, slab{})
	}
	sl := &s.slabs[p.slabID]
	if sl.base == nil || sl.next == p.slab {
		sl.base = reflect.MakeSlice(reflect.SliceOf(p.typ.Elem()), p.slab, p.slab).UnsafePointer()
		sl.s = reflect.Value{}
		sl.next = 0
	}
	v := unsafe.Add(sl.base, uintptr(sl.next)*p.typ.Elem().Size())
	sl.next++
	return v
}

// valueAt returns the addressable Value of type p.typ at ptr: the reflect
// road for the kinds the direct road leaves to it.
func valueAt(p *decPlan, ptr unsafe.Pointer) reflect.Value {
	return reflect.NewAt(p.typ, ptr).Elem()
}

// fieldAt returns the address of field i of the struct at ptr (of plan p),
// allocating embedded pointers on the way.
func fieldAt(p *decPlan, ptr unsafe.Pointer, i int) unsafe.Pointer {
	if off := p.offs[i]; off != noOffset {
		return unsafe.Add(ptr, off)
	}
	return p.plan.fields[i].set(valueAt(p, ptr)).Addr().UnsafePointer()
}

// setIntAt stores n at ptr, an integer of p's size, reporting false when it
// does not fit.
func setIntAt(p *decPlan, ptr unsafe.Pointer, n int64) bool {
	switch p.typ.Size() {
	case 1:
		if int64(int8(n)) != n {
			return false
		}
		*(*int8)(ptr) = int8(n)
	case 2:
		if int64(int16(n)) != n {
			return false
		}
		*(*int16)(ptr) = int16(n)
	case 4:
		if int64(int32(n)) != n {
			return false
		}
		*(*int32)(ptr) = int32(n)
	default:
		*(*int64)(ptr) = n
	}
	return true
}

// setFloatAt stores f at ptr, a float32 or float64 of p's type.
func setFloatAt(p *decPlan, ptr unsafe.Pointer, f float64) {
	if p.typ.Size() == 4 {
		*(*float32)(ptr) = float32(f)
		return
	}
	*(*float64)(ptr) = f
}
