package filterpattern

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
)

func (p *Pattern) matchJSON(msg []byte) bool {
	// An object starts with '{' and ends with '}' (whitespace aside): most
	// messages that are not one are dismissed before any setup.
	i, j := 0, len(msg)-1
	for i < len(msg) && msg[i] <= ' ' && isWS(msg[i]) {
		i++
	}
	for j > i && msg[j] <= ' ' && isWS(msg[j]) {
		j--
	}
	if j <= i || msg[i] != '{' || msg[j] != '}' {
		return false
	}
	var buf [4]jval
	var slots []jval
	if p.jn <= len(buf) {
		slots = buf[:p.jn]
	} else {
		slots = make([]jval, p.jn)
	}
	if p.jwild {
		return p.matchJSONWild(msg, slots)
	}
	sc := scanner{b: msg, e: p.jexpr, nkeys: p.jflat, short: p.jflat <= 63}
	if !sc.document(p.jtrie, slots) {
		return false
	}
	return evalJSON(p.jexpr, msg, slots)
}

// matchJSONWild validates msg with the scanner and evaluates a pattern with
// wildcards on it. It is a function of its own so that matchJSON's frame
// stays what the fast path needs.
//
//go:noinline
func (p *Pattern) matchJSONWild(msg []byte, slots []jval) bool {
	sc := scanner{b: msg}
	return sc.document(p.jtrie, slots) && matchWild(p.jexpr, msg)
}

// matchWild evaluates a pattern with wildcard selectors on a message the
// scanner has validated. A wildcard selects every member ($.*) or element
// ([*]) at its step, and a comparison on it holds when it holds for any of the
// values selected (for NOT EXISTS: when none is). Such patterns decode the
// message with encoding/json: they are slower than the single-pass scanner,
// which serves every pattern without wildcards.
func matchWild(e *expr, msg []byte) bool {
	d := json.NewDecoder(bytes.NewReader(msg))
	d.UseNumber()
	var doc any
	if d.Decode(&doc) != nil {
		return false
	}
	return evalWild(e, doc)
}

func evalWild(e *expr, doc any) bool {
	switch {
	case e.and:
		return evalWild(e.l, doc) && evalWild(e.r, doc)
	case e.or:
		return evalWild(e.l, doc) || evalWild(e.r, doc)
	}
	found := false
	hit := false
	selectAll(doc, e.path, func(v any) bool {
		found = true
		kind, text := Missing, []byte(nil)
		switch v := v.(type) {
		case string:
			kind, text = String, []byte(v)
		case json.Number:
			kind, text = Number, []byte(v)
		case bool:
			kind = False
			if v {
				kind = True
			}
		case nil:
			kind = Null
		case map[string]any:
			kind = Object
		case []any:
			kind = Array
		}
		hit = e.compare(kind, text, false)
		return !hit
	})
	if !found {
		return e.compare(Missing, nil, false)
	}
	return hit
}

// selectAll calls f with each value path selects in v until f returns false.
func selectAll(v any, path []step, f func(any) bool) bool {
	if len(path) == 0 {
		return f(v)
	}
	st := path[0]
	switch st.index {
	case anyMember:
		obj, ok := v.(map[string]any)
		if !ok {
			return true
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if !selectAll(obj[k], path[1:], f) {
				return false
			}
		}
		return true
	case anyElement:
		arr, ok := v.([]any)
		if !ok {
			return true
		}
		for _, x := range arr {
			if !selectAll(x, path[1:], f) {
				return false
			}
		}
		return true
	case -1:
		obj, ok := v.(map[string]any)
		if !ok {
			return true
		}
		x, ok := obj[st.key]
		if !ok {
			return true
		}
		return selectAll(x, path[1:], f)
	}
	arr, ok := v.([]any)
	if !ok || st.index >= len(arr) {
		return true
	}
	return selectAll(arr[st.index], path[1:], f)
}

// numLeaf evaluates a numeric comparison on a number the scan has read, the
// common case, without a call (it is inlined); ok is false for anything else.
func numLeaf(e *expr, slots []jval) (result, ok bool) {
	if e.numMask == 0 || !slots[e.slot].hasNum {
		return false, false
	}
	f, c := slots[e.slot].num, uint(1)
	if f < e.val.num {
		c = 0
	} else if f > e.val.num {
		c = 2
	}
	return e.numMask>>c&1 != 0, true
}

func evalJSON(e *expr, msg []byte, slots []jval) bool {
	switch {
	case e.and:
		if r, ok := numLeaf(e.l, slots); ok {
			if !r {
				return false
			}
		} else if !evalJSON(e.l, msg, slots) {
			return false
		}
		if r, ok := numLeaf(e.r, slots); ok {
			return r
		}
		return evalJSON(e.r, msg, slots)
	case e.or:
		if r, ok := numLeaf(e.l, slots); ok {
			if r {
				return true
			}
		} else if evalJSON(e.l, msg, slots) {
			return true
		}
		if r, ok := numLeaf(e.r, slots); ok {
			return r
		}
		return evalJSON(e.r, msg, slots)
	}
	if r, ok := numLeaf(e, slots); ok {
		return r
	}
	v := &slots[e.slot]
	text := msg[v.start:v.end]
	if v.esc {
		var tmp [128]byte
		text = unescape(tmp[:0], text)
	}
	return e.compare(v.kind, text, false)
}
