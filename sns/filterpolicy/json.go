package filterpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is a JSON value that keeps object key order and the input offset just
// past the value, so validation errors can name keys in document order and
// point at a position the way AWS's (Jackson) parser does.
type node struct {
	kind    nodeKind
	members []member // object
	elems   []*node  // array
	str     string   // string
	num     json.Number
	b       bool
	end     int64 // input offset just after the value
}

type member struct {
	key string
	val *node
}

type nodeKind uint8

const (
	nodeNull nodeKind = iota
	nodeBool
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

// parseJSON decodes data into an ordered node tree. It rejects trailing data.
func parseJSON(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := parseNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("unexpected data after the JSON value at offset %d", dec.InputOffset())
	}
	return n, nil
}

func parseNode(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return parseFrom(dec, tok)
}

func parseFrom(dec *json.Decoder, tok json.Token) (*node, error) {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: nodeObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				v, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{key: key, val: v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			n.end = dec.InputOffset()
			return n, nil
		case '[':
			n := &node{kind: nodeArray}
			for dec.More() {
				v, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			n.end = dec.InputOffset()
			return n, nil
		}
		return nil, fmt.Errorf("unexpected delimiter %v", t)
	case string:
		return &node{kind: nodeString, str: t, end: dec.InputOffset()}, nil
	case json.Number:
		return &node{kind: nodeNumber, num: t, end: dec.InputOffset()}, nil
	case bool:
		return &node{kind: nodeBool, b: t, end: dec.InputOffset()}, nil
	case nil:
		return &node{kind: nodeNull, end: dec.InputOffset()}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// literal renders a scalar node as JSON text (for error messages).
func (n *node) literal() string {
	switch n.kind {
	case nodeNull:
		return "null"
	case nodeBool:
		if n.b {
			return "true"
		}
		return "false"
	case nodeNumber:
		return n.num.String()
	case nodeString:
		return n.str
	case nodeArray:
		return "["
	}
	return "{"
}

// position renders Jackson's location suffix for an error at offset off in src:
// "\n at [Source: (String)"…"; line: L, column: C]".
func position(src []byte, off int64) string {
	if off > int64(len(src)) {
		off = int64(len(src))
	}
	before := src[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Sprintf("\n at [Source: (String)%q; line: %d, column: %d]", strings.TrimSpace(string(src)), line, col)
}
