package filterpattern

import (
	"encoding/binary"
)

// jnode is a node of the selector trie: the object keys and array indexes some
// selector descends into, and the slot a selector ending here fills.
type jnode struct {
	keys []jkey
	idx  []jidx
	slot int
	// lens has bit n set when some key of keys is n bytes long (n < 64), so
	// most keys of a document are dismissed without a comparison.
	lens uint64
	// below lists the slots of the selectors that go deeper than this node:
	// they are reset when a duplicate key gives the node a new value.
	below []int
	// bit is 1<<k for the k-th key of the parent node (0 from the 64th key
	// on: bit 63 is flat's "never decided" mark).
	bit uint64
}

type jkey struct {
	name string
	next *jnode
	// head is the name's first eight bytes, little-endian, zero-padded.
	head uint64
}

// keyHead is the first eight bytes of b (zero-padded), little-endian.
func keyHead(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	var w uint64
	for i := len(b) - 1; i >= 0; i-- {
		w = w<<8 | uint64(b[i])
	}
	return w
}

type jidx struct {
	i    int
	next *jnode
}

// step is one selector step: an object key, an array index, or a wildcard.
type step struct {
	key   string
	index int // -1 for a key step, anyMember for `.*`, anyElement for `[*]`
}

// Wildcard steps (issue 19: the current guide's `$.*` and `$.arrayKey[*]`).
const (
	anyMember  = -2
	anyElement = -3
)

func hasWildcard(path []step) bool {
	for _, st := range path {
		if st.index == anyMember || st.index == anyElement {
			return true
		}
	}
	return false
}

func (n *jnode) childKey(name []byte) *jnode {
	if l := len(name); l < 64 && n.lens&(1<<l) == 0 {
		return nil
	}
	for i := range n.keys {
		if n.keys[i].name == string(name) {
			return n.keys[i].next
		}
	}
	return nil
}

// childKeyIn is childKey for the key b[st:end] of a message whose byte at end
// is its closing quote, comparing eight bytes at a time where it can.
func (n *jnode) childKeyIn(b []byte, st, end int) *jnode {
	l := end - st
	var head uint64
	if st+8 <= len(b) {
		head = binary.LittleEndian.Uint64(b[st:])
		if l < 8 {
			head &= 1<<(8*uint(l)) - 1
		}
	} else {
		head = keyHead(b[st:end])
	}
	for i := range n.keys {
		k := &n.keys[i]
		if k.head == head && len(k.name) == l && (l <= 8 || k.name[8:] == string(b[st+8:end])) {
			return k.next
		}
	}
	return nil
}

func (n *jnode) childIdx(i int) *jnode {
	for k := range n.idx {
		if n.idx[k].i == i {
			return n.idx[k].next
		}
	}
	return nil
}

// insert adds a selector path and returns its slot (shared by equal paths).
func (n *jnode) insert(path []step, nslots *int) int {
	cur := n
	for _, st := range path {
		var next *jnode
		if st.index < 0 {
			next = cur.childKey([]byte(st.key))
			if next == nil {
				next = &jnode{slot: -1}
				if len(cur.keys) < 63 {
					next.bit = 1 << len(cur.keys)
				}
				cur.keys = append(cur.keys, jkey{name: st.key, next: next, head: keyHead([]byte(st.key))})
				if len(st.key) < 64 {
					cur.lens |= 1 << len(st.key)
				} else {
					cur.lens = ^uint64(0) // long keys: no length filter
				}
			}
		} else {
			next = cur.childIdx(st.index)
			if next == nil {
				next = &jnode{slot: -1}
				cur.idx = append(cur.idx, jidx{i: st.index, next: next})
			}
		}
		cur = next
	}
	if cur.slot < 0 {
		cur.slot = *nslots
		*nslots++
	}
	return cur.slot
}

// finish fills in below for n and the nodes under it and returns the slots of
// n's subtree.
func (n *jnode) finish() []int {
	var all []int
	for _, k := range n.keys {
		all = append(all, k.next.finish()...)
	}
	for _, k := range n.idx {
		all = append(all, k.next.finish()...)
	}
	n.below = all
	if n.slot >= 0 {
		return append([]int{n.slot}, all...)
	}
	return all
}
