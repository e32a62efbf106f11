package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"unicode/utf8"
)

// canonicalJSON returns v as compact JSON with object keys sorted ("null" for
// nil), so that two documents that differ only in key order or whitespace
// compare equal. JSON text (string, []byte, json.RawMessage) is canonicalized
// by a single-pass scanner that copies scalars verbatim and reorders object
// members in place (no intermediate maps: recording a change is a hot path);
// other values are marshaled first.
func canonicalJSON(v any) (string, error) {
	var raw []byte
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	case json.RawMessage:
		raw = x
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "", err
		}
		raw = b
	}
	c := canonicalizer{in: raw, out: make([]byte, 0, len(raw))}
	c.space()
	if err := c.value(0); err != nil {
		return "", err
	}
	c.space()
	if c.pos != len(c.in) {
		return "", errors.New("invalid JSON: trailing data after the document")
	}
	return string(c.out), nil
}

var errJSON = errors.New("invalid JSON")

type canonicalizer struct {
	in      []byte
	pos     int
	out     []byte
	scratch []byte
}

func (c *canonicalizer) space() {
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

func (c *canonicalizer) value(depth int) error {
	if depth > 10000 {
		return errors.New("invalid JSON: nested too deeply")
	}
	if c.pos >= len(c.in) {
		return errJSON
	}
	switch ch := c.in[c.pos]; {
	case ch == '{':
		return c.object(depth)
	case ch == '[':
		c.pos++
		c.out = append(c.out, '[')
		c.space()
		if c.pos < len(c.in) && c.in[c.pos] == ']' {
			c.pos++
			c.out = append(c.out, ']')
			return nil
		}
		for {
			c.space()
			if err := c.value(depth + 1); err != nil {
				return err
			}
			c.space()
			if c.pos >= len(c.in) {
				return errJSON
			}
			switch c.in[c.pos] {
			case ',':
				c.pos++
				c.out = append(c.out, ',')
			case ']':
				c.pos++
				c.out = append(c.out, ']')
				return nil
			default:
				return errJSON
			}
		}
	case ch == '"':
		_, err := c.str()
		return err
	case ch == 't':
		return c.literal("true")
	case ch == 'f':
		return c.literal("false")
	case ch == 'n':
		return c.literal("null")
	case ch == '-' || ch >= '0' && ch <= '9':
		return c.number()
	}
	return errJSON
}

func (c *canonicalizer) literal(lit string) error {
	if !bytes.HasPrefix(c.in[c.pos:], []byte(lit)) {
		return errJSON
	}
	c.pos += len(lit)
	c.out = append(c.out, lit...)
	return nil
}

func (c *canonicalizer) number() error {
	start := c.pos
	if c.in[c.pos] == '-' {
		c.pos++
	}
	digits := func() int {
		n := 0
		for c.pos < len(c.in) && c.in[c.pos] >= '0' && c.in[c.pos] <= '9' {
			c.pos++
			n++
		}
		return n
	}
	if c.pos < len(c.in) && c.in[c.pos] == '0' {
		c.pos++
	} else if digits() == 0 {
		return errJSON
	}
	if c.pos < len(c.in) && c.in[c.pos] == '.' {
		c.pos++
		if digits() == 0 {
			return errJSON
		}
	}
	if c.pos < len(c.in) && (c.in[c.pos] == 'e' || c.in[c.pos] == 'E') {
		c.pos++
		if c.pos < len(c.in) && (c.in[c.pos] == '+' || c.in[c.pos] == '-') {
			c.pos++
		}
		if digits() == 0 {
			return errJSON
		}
	}
	c.out = append(c.out, c.in[start:c.pos]...)
	return nil
}

// str copies a string literal and reports whether it has escapes.
func (c *canonicalizer) str() (bool, error) {
	start := c.pos
	c.pos++
	escaped, ascii := false, true
	for c.pos < len(c.in) {
		ch := c.in[c.pos]
		switch {
		case ch == '"':
			c.pos++
			if !ascii && !utf8.Valid(c.in[start:c.pos]) {
				// Normalize invalid UTF-8 as encoding/json does (U+FFFD).
				var s string
				if err := json.Unmarshal(c.in[start:c.pos], &s); err != nil {
					return false, errJSON
				}
				b, _ := json.Marshal(s)
				c.out = append(c.out, b...)
				return true, nil
			}
			c.out = append(c.out, c.in[start:c.pos]...)
			return escaped, nil
		case ch < 0x20:
			return false, errJSON
		case ch >= 0x80:
			ascii = false
			c.pos++
		case ch == '\\':
			escaped = true
			if c.pos+1 >= len(c.in) {
				return false, errJSON
			}
			switch c.in[c.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				c.pos += 2
			case 'u':
				if c.pos+6 > len(c.in) {
					return false, errJSON
				}
				for _, h := range c.in[c.pos+2 : c.pos+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false, errJSON
					}
				}
				c.pos += 6
			default:
				return false, errJSON
			}
		default:
			c.pos++
		}
	}
	return false, errJSON
}

type member struct {
	key        string // decoded key
	start, end int    // the member's "key":value bytes in out
}

func (c *canonicalizer) object(depth int) error {
	c.pos++
	open := len(c.out)
	c.out = append(c.out, '{')
	c.space()
	if c.pos < len(c.in) && c.in[c.pos] == '}' {
		c.pos++
		c.out = append(c.out, '}')
		return nil
	}
	var members []member
	sorted, dup := true, false
	for {
		c.space()
		if c.pos >= len(c.in) || c.in[c.pos] != '"' {
			return errJSON
		}
		start := len(c.out)
		escaped, err := c.str()
		if err != nil {
			return err
		}
		var key string
		if escaped {
			if err := json.Unmarshal(c.out[start:], &key); err != nil {
				return errJSON
			}
		} else {
			key = string(c.out[start+1 : len(c.out)-1])
		}
		c.space()
		if c.pos >= len(c.in) || c.in[c.pos] != ':' {
			return errJSON
		}
		c.pos++
		c.out = append(c.out, ':')
		c.space()
		if err := c.value(depth + 1); err != nil {
			return err
		}
		if n := len(members); n > 0 {
			if key < members[n-1].key {
				sorted = false
			} else if key == members[n-1].key {
				dup = true
			}
		}
		members = append(members, member{key, start, len(c.out)})
		c.space()
		if c.pos >= len(c.in) {
			return errJSON
		}
		if c.in[c.pos] == '}' {
			c.pos++
			break
		}
		if c.in[c.pos] != ',' {
			return errJSON
		}
		c.pos++
		c.out = append(c.out, ',')
	}
	if sorted && !dup {
		c.out = append(c.out, '}')
		return nil
	}
	// Reorder: sort by key (stable, so the last duplicate wins as with
	// encoding/json) and rewrite the members.
	slices.SortStableFunc(members, func(a, b member) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	c.scratch = append(c.scratch[:0], c.out[open+1:]...)
	base := open + 1
	c.out = c.out[:base]
	first := true
	for i, m := range members {
		if i+1 < len(members) && members[i+1].key == m.key {
			continue
		}
		if !first {
			c.out = append(c.out, ',')
		}
		first = false
		c.out = append(c.out, c.scratch[m.start-base:m.end-base]...)
	}
	c.out = append(c.out, '}')
	return nil
}
