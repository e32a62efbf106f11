// Package pagetoken makes the opaque NextToken strings of paginated operations:
// the position to resume from, base64 (URL alphabet, no padding) so callers
// treat it as opaque, as AWS's tokens are.
package pagetoken

import "encoding/base64"

// Encode returns the token for position s.
func Encode(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// Decode returns the position a token holds; ok is false for a token Encode did
// not make.
func Decode(tok string) (s string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", false
	}
	return string(b), true
}
